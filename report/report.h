/* report/report.h - the analysis behind every report: the figures as the
 * reports show them, the fail-under verdict, the delay ratios, the hosts to
 * fix first, the diff between two runs and the trend across runs.
 *
 * report/ reads the store through store/store.h only and never writes it;
 * it prints nothing (cli/ writes the formats) and allocates only where a
 * function says so. Functions that read the store return STORE_OK or the
 * store_rc of the failed read (STORE_NOMEM when out of memory). */
#ifndef V6_REPORT_H
#define V6_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* ---- figures -------------------------------------------------------------
 */

/* @ipv6 / @counted as a percentage rounded DOWN to 0.1% ("58.8%"; integer
 * arithmetic, so 84.99% never reads 85.0%), or "\u2014" (an em dash in
 * UTF-8) when @counted is 0, written NUL-terminated into @buf (@len
 * bytes, cut to fit). */
void report_pct_floor(char *buf, size_t len, unsigned ipv6, unsigned counted);

/* The change from @ipa / @cnta to @ipb / @cntb in percentage points,
 * rounded DOWN (toward minus infinity) to 0.1 point on the exact
 * fractions ("+2.3", "-2.4", "+0.0"; integer arithmetic), so a rise never
 * reads larger and a drop never smaller than it is; "-" when @cnta or
 * @cntb is 0. Written NUL-terminated into @buf (@len bytes, cut to fit).
 * It can differ by 0.1 from the difference of the two report_pct_floor
 * figures (84.9% -> 87.3% is +2.3 when the exact change is +2.37). */
void report_pts_floor(char *buf, size_t len, unsigned ipa, unsigned cnta,
                      unsigned ipb, unsigned cntb);

/* Pass/fail of @ipv6 / @counted against @threshold percent on the exact
 * fraction: 1 pass (at or above), 0 fail, -1 nothing counted. */
int report_verdict(unsigned ipv6, unsigned counted, double threshold);

/* A site passes when each of its internal level-2 and level-3 figures that
 * has counted links passes: 1 pass, 0 fail, -1 neither has counted links. */
int report_site_verdict(const struct store_site_figs *f, double threshold);

/* 1 when figure @f has counted links and supported * 100 < @pct * counted
 * (17/20 against 85 is not below), else 0. */
int report_fig_below(const struct store_fig *f, double pct);

/* The concentration of @f had @extra more links been supported (the
 * what-if figure); 0 and *@out, or -1 when nothing is counted. */
int report_fig_plus(const struct store_fig *f, unsigned extra, double *out);

/* The highest level with links in the "all" scope, at least 3. */
int report_max_level(const struct store_site_figs *f);

/* The class of site @s's homepage in run @run (its start URL's probe), or
 * CLASS_UNMEASURED when it was not probed or cannot be read. */
int report_home_class(struct store *st, uint32_t run,
                      const struct store_site *s);

/* 1 when @url is site @s's start URL or its final URL, one trailing slash
 * more or less (--site), else 0. */
int report_site_is(const struct store_site *s, const char *url);

/* Whether a homepage of class @klass works over IPv6: 1 yes (ok,
 * v6-only), -1 not measured (unmeasured, robots, blocked), 0 no (every other
 * class). */
int report_home_verdict(int klass);

/* The sites of run @run with their figures: *@sites (free with
 * store_sites_free) and *@figs (free()), *@n of each. With @by_unit, sites
 * of the same unit together (units in byte order, sites without a unit
 * last), in crawl order within a unit. On error nothing is handed out. */
int report_sites_load(struct store *st, uint32_t run, int by_unit,
                      struct store_site **sites, struct store_site_figs **figs,
                      size_t *n);

/* ---- --fail-under --------------------------------------------------------
 */

/* One internal figure below the threshold. */
struct report_below {
  char *start_url; /* the site's */
  int level;       /* 2 or 3 */
  struct store_fig fig;
};

/* Every internal level-2 and level-3 figure of run @run's sites that is
 * below @pct percent (report_fig_below), in site then level order, into
 * *@out (*@n of them; free with report_below_free). What was found before
 * a failed read is handed out too, so it can be shown with the error. */
int report_fail_under(struct store *st, uint32_t run, double pct,
                      struct report_below **out, size_t *n);
void report_below_free(struct report_below *b, size_t n);

/* Why --fail-under has no data to judge a run by (a gate never passes on
 * no data). */
enum report_nodata {
  REPORT_JUDGED = 0,         /* every site has figures to judge */
  REPORT_NODATA_NOIPV6 = 1,  /* the vantage point had no IPv6: unmeasured */
  REPORT_NODATA_PARTIAL = 2, /* the run is incomplete (interrupted) */
  REPORT_NODATA_SITES = 3    /* some sites have nothing counted */
};

/* Whether run @run can be judged, into *@why (enum report_nodata), with
 * the start URLs of the sites it cannot judge into *@urls (*@n of them;
 * free with report_urls_free): every site of a run without IPv6 at the
 * vantage point or of an incomplete run; else each site whose internal
 * level-2 and level-3 figures both have nothing counted, or one of them
 * has nothing counted and unmeasured links. On error nothing is handed
 * out. */
int report_nodata(struct store *st, uint32_t run, int *why, char ***urls,
                  size_t *n);
void report_urls_free(char **urls, size_t n);

/* ---- delay ratios --------------------------------------------------------
 */

/* What a site's internal links that work over both families say about
 * IPv6 delay next to IPv4, and whether its homepage host has an AAAA. */
struct report_delay {
  int aaaa;         /* the homepage's host has a usable AAAA */
  int aaaa_known;   /* a level-1 link had a DNS record (aaaa is measured) */
  unsigned timed;   /* ok links with timings on both families */
  double sum[2][3]; /* [v6, v4][connect, first byte, total] ms */
  unsigned n[3];    /* pairs summed per delay */
  double dns[2];    /* [AAAA, A] lookup ms over the distinct hosts */
  unsigned n_dns;
  uint64_t host_seen[256]; /* hashes of the hosts counted for dns */
  unsigned n_seen;
};

#define REPORT_DELAY_PASS 0.2 /* YD/T 3118 practice: <= 0.2 passes */

/* Sum the delays of site @site of run @run into @x (which it zeroes). */
int report_delay_site(struct store *st, uint32_t run, uint32_t site,
                      struct report_delay *x);
/* IPv6/IPv4 - 1 of delay @k (0 connect, 1 first byte, 2 total): 0 and
 * *@out, or -1 when not measured. */
int report_delay_ratio(const struct report_delay *x, int k, double *out);
/* AAAA/A lookup time - 1 over the distinct hosts; as report_delay_ratio. */
int report_delay_dns_ratio(const struct report_delay *x, double *out);
/* 1 when every measured ratio is at most REPORT_DELAY_PASS, 0 when one is
 * above, -1 when none is measured. */
int report_delay_pass(const struct report_delay *x);

/* ---- the host a failing link is blamed on --------------------------------
 */

/* The host whose IPv6 failure decides link @r: the host of the URL the last
 * IPv6 request went to (the end of the last line of the IPv6 hops, i.e.
 * after redirects), else the host of the link's own URL; "" when neither
 * has one (or it is longer than @cap - 1). Written into @buf (@cap bytes,
 * 256 is enough for any DNS name); returns its length. */
size_t report_blame_host(const struct store_link_row *r, char *buf, size_t cap);

/* ---- fixes ---------------------------------------------------------------
 */

/* The classes fixing a host turns into supported links, in the order of
 * report_fix_host.klass: no-aaaa, v6-broken, v6-error. */
#define REPORT_N_FIXABLE 3
extern const int report_fixable[REPORT_N_FIXABLE];

/* A host behind failing internal links, with what fixing it gives. */
struct report_fix_host {
  char *name;                       /* report_blame_host's */
  unsigned n[2];                    /* links at level 2, level 3 */
  unsigned klass[REPORT_N_FIXABLE]; /* by fixable class */
  struct store_host dns;            /* zeroed when not resolved */
  int have_dns;
  double after[2];  /* concentration once it and every host above are fixed */
  unsigned gain[2]; /* links supported then that were not, by level index */
  int have_after[2];
};

/* A site's hosts to fix, ranked: most links first, then by name. */
struct report_fix_site {
  const struct store_site *site; /* lent by the caller */
  struct store_site_figs figs;
  struct report_fix_host *h;
  size_t n, cap;
  unsigned dead[2]; /* dead internal links at level 2, 3: not fixable */
};

/* Rank the hosts of site @site in run @run into @fs (which it zeroes; free
 * with report_fix_site_cleanup, also on error), counting the levels
 * @levels[0] (level 2) and @levels[1] (level 3) that are non-zero. */
int report_fix_site_build(struct store *st, uint32_t run,
                          const struct store_site *site, const int levels[2],
                          struct report_fix_site *fs);
void report_fix_site_cleanup(struct report_fix_site *fs);
/* How many hosts have links at level index @l (0: level 2, 1: level 3)
 * in @fs, into *@hosts, and how many links they have, into *@links. */
void report_fix_totals(const struct report_fix_site *fs, int l, unsigned *hosts,
                       unsigned *links);

/* ---- the CDN or cloud behind a CNAME ------------------------------------
 */

struct report_cdn {
  char *suffix;   /* lower case, no leading or trailing dot; '*' globs */
  char *provider; /* display name */
  int labels;     /* labels in suffix */
};

/* The suffix table; zero it before the first report_cdn_load. */
struct report_cdn_table {
  struct report_cdn *v;
  size_t n, cap;
};

/* Add the table at @path to @t: "suffix<TAB>provider" a line, '#'
 * comments, lines without a tab skipped; a leading "." or "*." of a suffix
 * is dropped and a '*' in a label globs (kunlun*.com). Returns STORE_OK,
 * STORE_NOTFOUND when @path cannot be opened, STORE_NOMEM (what was read
 * stays in @t). Free with report_cdn_free (@t is zeroed). */
int report_cdn_load(struct report_cdn_table *t, const char *path);
void report_cdn_free(struct report_cdn_table *t);
/* The provider of the first name in CNAME chain @chain ("a -> b -> c")
 * after the host itself that an entry of @t matches (the longest suffix
 * wins), ignoring case and a trailing dot; NULL when none or @chain is
 * NULL. Lent from @t until report_cdn_free. */
const char *report_cdn_provider(const struct report_cdn_table *t,
                                const char *chain);

/* One CDN or cloud provider behind some of a site's hosts. A site's
 * links that count are its internal level-2 and level-3 links, each by the
 * host of its own URL (not where a redirect leads: that is the host whose
 * DNS the crawler looked up for the link); a host is behind @provider when
 * its CNAME chain points into it (report_cdn_provider). */
struct report_cdn_use {
  char *provider; /* the table's display name (a copy) */
  char **hosts;   /* the hosts behind it, in byte order, each once */
  size_t n_hosts, cap_hosts;
  unsigned links; /* counted links (not robots, skipped, unmeasured) */
  unsigned ipv6;  /* of them supported over IPv6 (ok, v6-only) */
};

/* A site's providers: most counted links first, then by name. A provider
 * is listed when one of the site's internal level-2/3 links has a host
 * behind it, even when none of them is counted (links 0). */
struct report_cdn_site {
  struct report_cdn_use *v;
  size_t n, cap;
};

/* The providers of site @site in run @run by table @t into @cs (which it
 * zeroes; free with report_cdn_site_cleanup, also on error). Returns
 * STORE_OK (also with no provider: n 0), STORE_NOMEM or a read error. */
int report_cdn_site_build(struct store *st, uint32_t run, uint32_t site,
                          const struct report_cdn_table *t,
                          struct report_cdn_site *cs);
void report_cdn_site_cleanup(struct report_cdn_site *cs);

/* ---- the composite score (综合得分) ---------------------------------------
 */

/* One indicator of a site as the score reads it: @key names it (and its
 * weight line in data/score-weights.txt), @measured says whether the run
 * measured it, @value is in 0..1 (1 the best) when measured. */
struct report_ind {
  const char *key; /* static, from the indicator table */
  int measured;
  double value;
};

#define REPORT_IND_MAX 32

/* The weights, by key: "key weight" a line (white space between), '#'
 * comments and blank lines skipped. */
struct report_weights {
  struct {
    char key[32];
    double w;
  } v[REPORT_IND_MAX];
  size_t n;
};

/* Load the weights at @path into @w (which it zeroes). Returns STORE_OK,
 * STORE_NOTFOUND when @path cannot be opened, or STORE_INVALID for a
 * malformed line (no weight, a weight that is not a finite number >= 0, a
 * key of 32 bytes or more, a key twice, more than REPORT_IND_MAX lines),
 * its number then in *@bad_line (when not NULL; else 0). Nothing is
 * allocated. */
int report_weights_load(struct report_weights *w, const char *path,
                        unsigned *bad_line);
/* The weight of @key in @w: 0 and *@out, or -1 when @w has no line for it
 * (then the indicator is shown but not scored). */
int report_weight_get(const struct report_weights *w, const char *key,
                      double *out);

/* A site's score: every indicator of the table, with its weight, and the
 * weighted mean over those measured that have a weight > 0:
 *
 *   score = 100 * sum(w_i * v_i) / sum(w_i)   (i measured, w_i > 0)
 *
 * so an indicator not measured is left out and the other weights are
 * renormalised over what was measured. */
struct report_score {
  struct report_ind ind[REPORT_IND_MAX];
  double w[REPORT_IND_MAX]; /* its weight, 0 when it has no line */
  int has_w[REPORT_IND_MAX];
  size_t n;
  int have;      /* 1 when something measured has a weight > 0 */
  double value;  /* 0..100 when @have */
  double w_used; /* the sum of the weights that were scored */
  double w_all;  /* the sum of the weights of every indicator of @ind */
  size_t n_left; /* indicators with a weight > 0 not measured */
};

/* The score of the @n indicators @ind under weights @w into @out (which
 * it zeroes; pure, nothing allocated; indicators past REPORT_IND_MAX are
 * ignored). */
void report_score_compute(const struct report_ind *ind, size_t n,
                          const struct report_weights *w,
                          struct report_score *out);

/* What the indicators of a site are read from, beside its record and
 * figures; each part NULL or -1 when not read. */
struct report_score_src {
  const struct report_delay *x;  /* report_delay_site: the probe sums */
  const struct report_timing *t; /* report_timing_site: when t->have, the
                                    delay verdicts are the timing's */
  int deleg;                     /* the delegation chain: 1 pass, 0 fail,
                                    -1 not walked */
  int cdn_perf; /* the 85% CDN rule over every timed provider of the site:
                   1 pass, 0 fail, -1 none timed */
};

/* The indicators of site @s (figures @f, the rest from @src, which may be
 * NULL) of a run whose vantage point had IPv6 when @vantage_ipv6 is
 * non-zero, in the table's order, into @out (room for REPORT_IND_MAX);
 * returns how many. Without IPv6 at the vantage point nothing is measured
 * (no score: never a low one for the measuring machine's fault). The keys
 * and values are doc/measurement.md's. */
size_t report_score_inds(const struct store_site *s,
                         const struct store_site_figs *f,
                         const struct report_score_src *src, int vantage_ipv6,
                         struct report_ind *out);

/* The score of site @s of run @run (report_delay_site, report_timing_site,
 * store_deleg_get, report_perf_site_build by table @cdn when not NULL,
 * then report_score_inds, report_score_compute) into @out. Returns
 * STORE_OK or a read error. */
int report_score_site(struct store *st, const struct store_run *run,
                      const struct store_site *s,
                      const struct store_site_figs *f,
                      const struct report_weights *w,
                      const struct report_cdn_table *cdn,
                      struct report_score *out);

/* Score @v (0..100) cut DOWN to 0.1 like every figure ("73.2"), into
 * @buf; "-" when not @have. */
void report_score_str(char *buf, size_t len, int have, double v);
/* ---- dedicated timing: delay and CDN performance -------------------------
 *
 * From the timing requests made after the crawl (store_timing_get,
 * store_perf_get): per family the median, quartiles (linear
 * interpolation) and range of each metric over the samples that answered
 * (doc/measurement.md "Delay", "CDN performance"). */

enum report_tmetric {
  REPORT_T_DNS,        /* the A / AAAA lookup before the request */
  REPORT_T_CONNECT,    /* TCP connect */
  REPORT_T_TLS,        /* TLS handshake done (https only) */
  REPORT_T_FIRST_BYTE, /* first byte of the response */
  REPORT_T_TOTAL,      /* the whole transfer */
  REPORT_T_THROUGHPUT, /* body bytes / total time, bytes per second */
  REPORT_T__N
};

/* "dns", "connect", "tls", "first_byte", "total", "throughput". */
extern const char *const report_tmetric_name[REPORT_T__N];

struct report_tstat {
  unsigned n; /* samples with this metric */
  double median, q1, q3, min, max;
};

struct report_timing {
  int have;         /* timing requests were made and stored */
  unsigned samples; /* asked per family (--timing-samples) */
  unsigned ok[2];   /* [0] IPv6, [1] IPv4: of them answered */
  char *what;       /* the URL timed, or the objects one a line (owned) */
  struct report_tstat st[2][REPORT_T__N]; /* [0] IPv6, [1] IPv4 */
};

/* A difference of medians below this counts as equal (the resolution
 * floor: on a fast path the ratio of two tiny times is noise). */
#define REPORT_TIMING_FLOOR_MS 5.0
#define REPORT_PERF_SHARE      0.85 /* IPv6 at least 85% of IPv4 */

/* The homepage samples of site @site (or host @host's objects) into @x
 * (zeroed first; x->have 0 when none were stored). Free with
 * report_timing_cleanup. */
int report_timing_site(struct store *st, uint32_t run, uint32_t site,
                       struct report_timing *x);
int report_perf_host(struct store *st, uint32_t run, const char *host,
                     struct report_timing *x);
void report_timing_cleanup(struct report_timing *x);
/* IPv6 median / IPv4 median - 1 of metric @k: 0 and *@out, or -1 when a
 * family has no sample of it. */
int report_timing_ratio(const struct report_timing *x, int k, double *out);
/* The delay rule for metric @k (not throughput): 1 when the IPv6 median
 * exceeds IPv4's by at most REPORT_TIMING_FLOOR_MS or by at most
 * REPORT_DELAY_PASS of it, 0 when more, -1 not measured. */
int report_timing_verdict(const struct report_timing *x, int k);
/* Every measured delay metric passes: 1, 0 one fails, -1 none measured. */
int report_timing_pass(const struct report_timing *x);
/* IPv6 performance as a share of IPv4's for @k (REPORT_T_FIRST_BYTE: IPv4
 * median / IPv6 median; REPORT_T_THROUGHPUT: IPv6 median / IPv4 median):
 * 0 and *@out, or -1 when not measured. */
int report_perf_share(const struct report_timing *x, int k, double *out);
/* The 85% rule for @k (first byte or throughput): 1 when the share is at
 * least REPORT_PERF_SHARE or the IPv6 median time (first byte, or total
 * for throughput) exceeds IPv4's by at most REPORT_TIMING_FLOOR_MS, 0
 * when not, -1 not measured. */
int report_perf_verdict(const struct report_timing *x, int k);
/* Both rules: 1, 0 one fails, -1 neither measured. */
int report_perf_pass(const struct report_timing *x);

/* The CDN providers of a site (report_cdn_site_build) with the timing of
 * each of their hosts. */
struct report_perf_use {
  const struct report_cdn_use *use; /* lent from cs */
  struct report_timing *h;          /* one per use->hosts[i] */
  int pass; /* every measured host passes: 1, 0, -1 none measured */
};

struct report_perf_site {
  struct report_cdn_site cs;
  struct report_perf_use *v; /* cs.n of them */
};

/* Build @ps (zeroed first; free with report_perf_site_cleanup, also on
 * error) for site @site of run @run by table @t. */
int report_perf_site_build(struct store *st, uint32_t run, uint32_t site,
                           const struct report_cdn_table *t,
                           struct report_perf_site *ps);
void report_perf_site_cleanup(struct report_perf_site *ps);

/* ---- diff between two runs -----------------------------------------------
 */

struct report_dlink {
  char *url;
  int level, internal, klass;
};

/* The kinds of change, in the order the reports list them. */
enum report_change {
  REPORT_CH_FAILING, /* supported in A, counted and not supported in B */
  REPORT_CH_FIXED,   /* counted and not supported in A, supported in B */
  REPORT_CH_NEW,     /* a level-2/3 link only in B */
  REPORT_CH_GONE,    /* a level-2/3 link only in A */
  REPORT_CH_OTHER,   /* any other change of class, level or scope */
  REPORT_CH__N
};

struct report_dchange {
  const struct report_dlink *a, *b; /* NULL for new / gone */
};

/* One site, matched between the runs by start URL. */
struct report_dsite {
  const struct store_site *sa, *sb; /* NULL when not in that run */
  struct store_site_figs fa, fb;    /* zeroed when not in that run */
  struct report_dlink *la, *lb;     /* the links, sorted by URL */
  size_t nla, nlb;
  struct report_dchange *ch[REPORT_CH__N];
  size_t nch[REPORT_CH__N];
};

struct report_diff {
  struct store_site *sa, *sb;
  size_t na, nb;
  struct report_dsite *ds; /* sites in B's order, then those only in A */
  size_t n;
};

/* Compare run @a with run @b into @d (which it zeroes; free with
 * report_diff_cleanup, also on error). */
int report_diff_build(struct store *st, uint32_t a, uint32_t b,
                      struct report_diff *d);
void report_diff_cleanup(struct report_diff *d);

/* The default runs of a diff: the last two complete runs into *@a and *@b,
 * or with @have_a only the last into *@b. STORE_NOTFOUND when the store
 * has fewer complete runs than that. */
int report_diff_defaults(struct store *st, int have_a, uint32_t *a,
                         uint32_t *b);

/* ---- trend across runs ---------------------------------------------------
 */

struct report_trend_pt {
  uint32_t run;
  int64_t started;
  unsigned ip[2], cnt[2]; /* level 2 and level 3, internal */
  int complete;           /* 0: the run was interrupted (never resumed to
                           * its end): not a point of the line */
};

/* For each of the @n sites of a report of run @run (with their figures
 * @figs), its points in every run up to @run that had IPv6 and has a site
 * with the same start URL: site i's are pts[i * stride .. + npts[i]]. */
struct report_trend {
  struct report_trend_pt *pts;
  size_t *npts;
  size_t stride;
};

int report_trend_build(struct store *st, const struct store_run *run,
                       const struct store_site *sites, size_t n,
                       const struct store_site_figs *figs,
                       struct report_trend *t);
void report_trend_cleanup(struct report_trend *t);

/* ---- the previous comparable run -----------------------------------------
 *
 * What a report compares a run with (doc/measurement.md, "Change since the
 * previous run"): the latest earlier run of the same store that is
 * complete, had IPv6 at the vantage point, was crawled to the same depth
 * (the depth= of its options) and has the same start URLs (the same set,
 * in any order). */

struct report_prev {
  struct store_run run;         /* run.id 0: there is none */
  struct store_site *sites;     /* its sites ... */
  struct store_site_figs *figs; /* ... and their figures */
  size_t n;
};

/* Find the previous comparable run of run @run (whose @n sites are
 * @sites) and load it into @p (zeroed first; free with
 * report_prev_cleanup, also on error). Returns STORE_OK (p->run.id 0 when
 * there is none) or a read error. */
int report_prev_find(struct store *st, const struct store_run *run,
                     const struct store_site *sites, size_t n,
                     struct report_prev *p);
void report_prev_cleanup(struct report_prev *p);
/* The figures in @p of the site with start URL @url, or NULL. Lent from
 * @p. */
const struct store_site_figs *report_prev_figs(const struct report_prev *p,
                                               const char *url);
/* The number after "@key=" in run options text @options (crawler's
 * "depth=3 timeout_ms=..."): 0 and *@out, or -1 when it has none. */
int report_run_opt(const char *options, const char *key, long *out);
/* ---- --render ------------------------------------------------------------
 */

struct report_render {
  int on;          /* the run was made with --render */
  unsigned pages;  /* pages Chromium rendered (their links are the DOM's) */
  unsigned failed; /* pages it could not render (their HTML's links) */
  unsigned links;  /* links only rendering found (store_render_only) */
  double ms;       /* the renders' wall-clock time, summed */
};

/* What --render found for site @site of @run (its options say whether
 * it rendered, and its depth) into @out (zeroed first; all 0 with on 0
 * for a run made without --render). Returns STORE_OK, STORE_INVALID or a
 * read error. */
int report_render_site(struct store *st, const struct store_run *run,
                       uint32_t site, struct report_render *out);
/* ---- page completeness over IPv6 (report/complete.c) ----------------------
 *
 * Per site: each page read for links (level 1, internal level 2; not the
 * pages that were not HTML or could not be read) is complete over IPv6
 * when every counted subresource it loads (robots, skipped and unmeasured
 * aside, as for links) is supported (ok, v6-only); incomplete when one is
 * not (dead included); unknown when none fails and one is unmeasured. */

enum report_page_verdict {
  REPORT_PAGE_NOTREAD = -2, /* the homepage was not read */
  REPORT_PAGE_UNKNOWN = -1,
  REPORT_PAGE_INCOMPLETE = 0,
  REPORT_PAGE_COMPLETE = 1
};

struct report_cpage {
  char *url; /* the page as the site wanted it */
  int level;
  unsigned subs;       /* its distinct subresources */
  unsigned counted;    /* of them counted */
  unsigned failing;    /* counted and not supported over IPv6 */
  unsigned dead;       /* of the failing, dead (IPv4 fails too) */
  unsigned unmeasured; /* not measured */
  int verdict;         /* enum report_page_verdict */
};

/* A host whose subresources fail over IPv6 while IPv4 works. */
struct report_chost {
  char *name;                       /* report_blame_host's */
  unsigned pages;                   /* pages it breaks */
  unsigned subs;                    /* its distinct failing subresources */
  unsigned klass[REPORT_N_FIXABLE]; /* uses, by fixable class */
  unsigned after;        /* pages complete once it and every host above it are
                            fixed (the site's complete pages before: complete) */
  struct store_host dns; /* zeroed when not resolved */
  int have_dns;
  size_t old; /* private */
};

struct report_complete {
  unsigned pages;         /* pages read for links */
  unsigned judged;        /* of them complete or incomplete */
  unsigned complete;      /* of them complete */
  int home;               /* the homepage's enum report_page_verdict */
  struct store_fig subs;  /* the site's distinct subresource URLs by class */
  struct report_cpage *p; /* sorted by URL */
  size_t np;
  struct report_chost *h; /* ranked: most pages broken first */
  size_t nh, ch;
};

/* Build site @site's completeness figures of run @run into @rc (the
 * caller cleans it up). Returns STORE_OK or a store error (@rc empty). */
int report_complete_build(struct store *st, uint32_t run, uint32_t site,
                          struct report_complete *rc);
void report_complete_cleanup(struct report_complete *rc);
/* "complete", "incomplete", "unknown"; NULL for REPORT_PAGE_NOTREAD. */
const char *report_page_verdict_name(int v);

#endif
