/* cli/cli.h - the v6crawl command's parts, for cli/ only. */
#ifndef V6_CLI_H
#define V6_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/base.h"

struct store;

/* Exit statuses (documented in README and --help). */
enum cli_exit {
  EXIT_OKAY = 0,
  EXIT_BELOW = 1,    /* --fail-under: a site is below the threshold */
  EXIT_USAGE = 2,    /* bad option, URL or file */
  EXIT_STORE = 3,    /* the store cannot be opened, read or written */
  EXIT_NETWORK = 4,  /* the resolver or libcurl cannot be set up */
  EXIT_INTERNAL = 5, /* out of memory or another internal failure */
  EXIT_NODATA = 6,   /* --fail-under: no data to judge (no IPv6, interrupted) */
  EXIT_NORESUME = 7, /* crawl --resume: no incomplete run to resume */
  EXIT_PARTIAL = 8,  /* merge: a shard is missing or incomplete */
  EXIT_INTERRUPT = 130
};

/* ---- the option table (opts.c) ---- */

/* The commands, in the order `help --list` prints them. */
enum cli_cmd_id {
  CMD_CRAWL,
  CMD_REPORT,
  CMD_LINKS,
  CMD_FIXES,
  CMD_RUNS,
  CMD_DIFF,
  CMD_PRUNE,
  CMD_CHECK,
  CMD_MERGE,
  CMD_URL,
  CMD_ROBOTS,
  CMD__N
};

/* Every option of every command, in the order --help lists them. */
enum cli_opt_id {
  OPT_SITES,
  OPT_DB,
  OPT_RUN,
  OPT_DEPTH,
  OPT_SCOPE,
  OPT_DNS,
  OPT_DNSROOT,
  OPT_CACERT,
  OPT_TIMEOUT,
  OPT_CONNTIMEOUT,
  OPT_BREAKER,
  OPT_RETRIES,
  OPT_CONC,
  OPT_PERHOST,
  OPT_UA,
  OPT_HEADER,
  OPT_COOKIE,
  OPT_STRICT,
  OPT_PRIVATE,
  OPT_MAXBODY,
  OPT_ASSUME6,
  OPT_VANTAGE,
  OPT_VEVERY,
  OPT_MAXDELAY,
  OPT_SCRIPTLINKS,
  OPT_RENDER,
  OPT_RENDERTIMEOUT,
  OPT_HOMEPROBES,
  OPT_TIMINGSAMPLES,
  OPT_QUIET,
  OPT_VERBOSE,
  OPT_FAILUNDER,
  OPT_RESUME,
  OPT_SHARD,
  OPT_LABEL,
  OPT_LANG,
  OPT_THRESHOLD,
  OPT_TITLE,
  OPT_ORG,
  OPT_SUMMARY,
  OPT_BYUNIT,
  OPT_SITE,
  OPT_LEVEL,
  OPT_CLASS,
  OPT_KEEP,
  OPT_COMPACT,
  OPT_DRYRUN,
  OPT_REPAIR,
  OPT_CHARSET,
  OPT_FORMAT,
  OPT_OUTPUT,
  OPT_CONFIG,
  OPT_HELP,
  OPT_VERSION,
  OPT__N
};

struct cli_opt {
  const char *name; /* the long name, without "--" */
  char short_name;  /* 0: none */
  const char *arg;  /* the argument's name; NULL: takes none */
  const char *def;  /* the default --help shows; NULL: none shown */
  const char *help; /* lines after the first start in the help column */
  unsigned cmds;    /* the commands that take it: 1 << enum cli_cmd_id */
};
extern const struct cli_opt cli_opts[OPT__N];

struct cli_cmd {
  const char *name;     /* "report" */
  const char *synopsis; /* after "Usage: v6crawl NAME " */
  const char *about;    /* the paragraph under it */
  unsigned formats;     /* --format's set (V6_FMT_BIT ORed) */
};
extern const struct cli_cmd cli_cmds[CMD__N];

/* What the shared options (--db, --run, --format, -o/--output, --site,
 * --level) said. */
struct cli_args {
  const char *db, *run, *output, *site; /* NULL when not given */
  enum v6_format format;                /* V6_FMT_TEXT when not given */
  int level;                            /* 0 when not given */
  int first;                            /* argv index of the first operand */
};

/* A command's own option @id with its argument @arg (NULL when it takes
 * none): -1 to go on, else the exit status to return now (the error
 * printed). */
typedef int (*cli_opt_fn)(void *ud, int id, const char *arg);

/* Parse @argv (argv[0] is the command) for command @cmd by the table: the
 * shared options into @a, the others through @fn (NULL: the command has
 * none). --help and --version
 * print and return EXIT_OKAY; an unknown option prints the usage to
 * stderr and returns EXIT_USAGE; -1 when the command goes on. */
int cli_args_parse(int cmd, int argc, char **argv, struct cli_args *a,
                   cli_opt_fn fn, void *ud);
/* Apply option @id with @arg (NULL: it takes none) for command @cmd as
 * the command line would: the shared ones into @a, the others through
 * @fn. Returns -1 to go on, else the exit status (the error printed). */
int cli_opt_apply(int cmd, int id, const char *arg, struct cli_args *a,
                  cli_opt_fn fn, void *ud);
/* A usage error of command @cmd (-1: of no command) as one line on
 * stderr with the hint "(try 'v6crawl CMD --help')". */
void cli_usage_err(int cmd, const char *fmt, ...)
  __attribute__((format(printf, 2, 3)));
/* The command named @name ("crawl"), or -1. */
int cli_cmd_find(const char *name);
/* `v6crawl --version`: the version and each library's, a line each. */
void cli_version(FILE *o);

/* ---- the configuration file (config.c) ---- */

/* Read the configuration for command @cmd before its command line: @file
 * (--config) alone when given, else $V6CRAWL_CONFIG alone when set (""
 * reads none), else /etc/v6crawl/v6crawl.conf then
 * $XDG_CONFIG_HOME/v6crawl/config (~/.config/v6crawl/config), those two
 * only when they exist. Each "name = value" is the long option --name,
 * before any section for every command that takes it, in a [COMMAND]
 * section for that command; an option without an argument takes yes or
 * no. Applied through cli_opt_apply. Returns -1 to go on, else the exit
 * status (the error printed, naming the file and line). */
int cli_config_apply(int cmd, const char *file, struct cli_args *a,
                     cli_opt_fn fn, void *ud);
/* Keep @s (malloc'd, may be NULL) until the process exits; returns @s, or
 * NULL (@s freed) when out of memory. */
const char *cli_keep(char *s);
/* --site @arg normalised as crawl normalises a start URL (kept until the
 * process exits), or a copy of @arg when it is not an http(s) URL; NULL
 * when out of memory. */
const char *cli_site_norm(const char *arg);

/* Command @cmd's --help, from the table, to @o. */
void cli_usage(int cmd, FILE *o);
/* `v6crawl help --list`: "COMMAND --option [ARG]" (and "COMMAND -o") a
 * line, for every option of every command. */
void cli_help_list(FILE *o);

int cmd_crawl(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_links(int argc, char **argv);
int cmd_url(int argc, char **argv);
int cmd_robots(int argc, char **argv);

/* The store directory: @opt if given, else $V6CRAWL_DB, else
 * $XDG_DATA_HOME/v6crawl, else ~/.local/share/v6crawl. Returns a string
 * the caller frees, or NULL when out of memory. With @create, missing
 * parent directories of the default are made. */
char *cli_db_path(const char *opt, int create);

/* Print "v6crawl: " and the message to stderr. */
void cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* While @prefix is set, cli_err writes "v6crawl: PREFIX<*line>: message"
 * (a configuration file's name and line); NULL ends it. */
void cli_err_where(const char *prefix, const unsigned *line);

/* The Unicode form of IDN host @host ("中文.demo.gov.cn" for
 * "xn--fiq228c.demo.gov.cn"), lent until the next call; NULL when @host
 * has no IDN label (or it does not decode cleanly) (idn.c). */
const char *cli_idn(const char *host);

/* ---- JSON (json.c: how a document is built is said at its top) ---- */

/* The layout version every JSON document carries as "schema_version":
 * adding a key keeps it, removing, renaming or retyping one bumps it
 * (doc/v6crawl.schema.json describes this version). */
#define CLI_JSON_SCHEMA_VERSION 1
struct json_t; /* jansson's; cli/ only, never past this header */
struct store_run;
/* A new document {"schema_version": .., "generator": {name, version},
 * "document": @document} ("report", "links", "fixes", "runs", "diff"; the
 * schema's definition that describes the rest); NULL when out of memory. */
struct json_t *cli_jdoc(const char *document);
/* Write document @doc (taken: freed) to @o with a newline, DEL and C1
 * controls escaped as \u00XX. STORE_OK, or STORE_NOMEM (nothing written)
 * when any JSON value could not be allocated since cli_jdoc. */
int cli_jdump(FILE *o, struct json_t *doc);
/* A JSON string of @s (null for NULL), made valid UTF-8: each byte that
 * is not part of a valid UTF-8 sequence becomes U+FFFD. */
struct json_t *cli_jstr(const char *s);
/* @s with each byte that is not valid UTF-8 replaced by U+FFFD; the
 * caller frees it. NULL when out of memory. */
char *cli_utf8_fix(const char *s);
/* A number (an integer when whole), or null when !@ok or not finite. */
struct json_t *cli_jnum(int ok, double v);
/* true, false, or null for a negative @v. */
struct json_t *cli_jbool3(int v);
/* The items of @s separated by @sep as an array of strings ([] for NULL
 * or ""). */
struct json_t *cli_jlist(const char *s, const char *sep);
/* Unix time @t as "2026-11-26T20:00:00Z", null for 0. */
struct json_t *cli_jtime(int64_t t);
/* The hops of a probe (store_family.hops: a line per request) as an array
 * of {"kind": "response"|"error"|"robots"|"other", "status": N|null,
 * "error": text|null, "url": ...}: "301 URL" is a response with its
 * status, "ERR why URL" an error with its why. */
struct json_t *cli_jhops(const char *hops);
/* A builder's read result @src into *@rc, unless *@rc already holds a
 * failure (the first one is kept). */
void cli_jrc(int *rc, int src);
/* "complete", "interrupted" or "unfinished". Static. */
const char *cli_run_state(const struct store_run *r);
/* The run object every document shares: id, started, finished, complete,
 * state, vantage_ipv6, sites, vantage. A read error into *@rc. */
struct json_t *cli_run_json(struct store *st, const struct store_run *r,
                            int *rc);

/* A CSV cell (RFC 4180 quoting, a formula-like cell prefixed with an
 * apostrophe), its control characters escaped as cli_tx does; then "," or,
 * with @last, CRLF. */
void csv_field(FILE *f, const char *s, int last);
/* A number cell: @v as %.12g, never quoted or guarded (an empty cell
 * when !@ok or not finite); then "," or, with @last, CRLF. Every CSV
 * figure goes through it, so a drop is a negative number, not text. */
void csv_num(FILE *f, int ok, double v, int last);
/* As csv_field for a list of lines (the hops): its newlines are kept. */
void csv_lines(FILE *f, const char *s, int last);
/* @s made safe to print on a terminal: every control character (a byte
 * below 0x20, DEL, and U+0080..U+009F in UTF-8) written as "\x1b" (C0,
 * DEL) or "\u009b" (C1), so that a crawled string can neither send an
 * escape sequence nor start a line of its own. Returns @s itself when it
 * has none (NULL for NULL), else a copy lent until the eighth next call
 * of cli_tx or cli_tx_lines (single-threaded use). */
const char *cli_tx(const char *s);
/* As cli_tx, keeping newlines: for lists of lines (hops). */
const char *cli_tx_lines(const char *s);
void csv_bom(FILE *f);

/* `report --format html` (html.c): write the whole page for run @run to
 * @out: per site (@sites and their figures @figs, @n of each) the homepage,
 * the level-2/3 figures with pass/fail against @threshold (a percentage),
 * bar and trend charts (the trend reads every run up to @run from @st,
 * matching sites by start URL), the top failing hosts and the failing links
 * with their evidence. @lang "zh" or "en"; NULL picks zh when LC_ALL,
 * LC_MESSAGES or LANG (the first set) starts with "zh", else en. Returns
 * STORE_OK or the store_rc of a failed read (STORE_NOMEM when out of
 * memory); write errors are left in @out's error flag. */
struct store;
struct store_run;
struct store_site;
struct store_site_figs;
struct report_cdn_table;
struct report_timing;
struct report_perf_site;
/* What `report --format html` was asked for. */
struct cli_html_opts {
  const char *lang;  /* "zh", "en", or NULL: from the locale (see above) */
  double threshold;  /* --threshold, a percentage */
  const char *title; /* --title: the page's heading, NULL: the default */
  const char *org;   /* --org: the organisation under it, or NULL */
  int summary;       /* --summary: the overview tables only, the failing
                      * links as an appendix (no section per site) */
};
/* With @cdn (the suffix table, lent), each site's CDN and cloud providers
 * (report_cdn_site_build) as a small table when it has any. The page
 * compares with the previous comparable run (report_prev_find). */
int report_html(FILE *out, struct store *st, const struct store_run *run,
                const struct store_site *sites, size_t n,
                const struct store_site_figs *figs,
                const struct cli_html_opts *ho,
                const struct report_cdn_table *cdn);

/* Load the CDN suffix table into @t (zeroed by the caller; free with
 * report_cdn_free): $V6CRAWL_DATA_DIR/cdn-suffixes.txt, the installed
 * pkgdatadir, then data/ beside the binary. Returns 0, found or not (an
 * absent table, said on stderr, only means no provider names), or
 * STORE_NOMEM. */
int cli_cdn_find(struct report_cdn_table *t);

/* The path of data file @name (root-servers.txt, cdn-suffixes.txt, ...):
 * $V6CRAWL_DATA_DIR/@name, the installed pkgdatadir, then data/ beside the
 * binary, the first that is readable, written into @buf. Returns 0, or -1
 * when none is (@buf then empty). */
int cli_data_path(const char *name, char *buf, size_t size);

/* The root servers of the delegation walk (roots.c), owned. */
struct crawl_root;
struct cli_roots {
  struct crawl_root *v;
  size_t n;
  char **s; /* the strings v points into */
  size_t ns;
};

/* @arg (--dns-root, or NULL: $V6CRAWL_DNS_ROOT, else root-servers.txt)
 * into @r. Returns 0 or an exit status, the error printed. */
int cli_roots_load(struct cli_roots *r, const char *arg);
/* Call @fn for each server line of root-servers.txt at @path (name, IPv4,
 * IPv6; an empty column is ""), until it returns non-zero. Returns 0, -1
 * when the file cannot be read, or @fn's value. */
int cli_roots_file_each(const char *path,
                        int (*fn)(const char *name, const char *v4,
                                  const char *v6, void *ud),
                        void *ud);
void cli_roots_free(struct cli_roots *r);

/* The delegation chains (deleg.c): the "delegation" object of site @site
 * (null when none was walked; a read error into *@rc), and the text
 * section for @n sites (returns a store code). */
struct store;
struct store_site;
struct json_t *cli_deleg_json(struct store *st, uint32_t run, uint32_t site,
                              int *rc);
int cli_deleg_text(FILE *o, struct store *st, uint32_t run,
                   const struct store_site *sites, size_t n);
/* Headers and a cookie that let v6crawl through an owner's wall
 * (pass.c): --header, --cookie, a sites file's header= and cookie=. */
struct cli_pass {
  char **lines; /* "NAME: VALUE" */
  size_t n;
  char *cookie; /* the last one given, or NULL */
};
/* Add header @arg ("NAME: VALUE", NAME an HTTP token, no CR or LF) to @p,
 * copied. Returns 0, -1 when it is not one (the error printed, naming
 * @where), -2 out of memory. */
int cli_pass_header(struct cli_pass *p, const char *arg, const char *where);
/* Set @p's cookie to a copy of @arg ("NAME=VALUE[; ...]", no CR or LF).
 * Returns as cli_pass_header. */
int cli_pass_cookie(struct cli_pass *p, const char *arg, const char *where);
/* Free what @p holds (NULL allowed), leaving it empty. */
void cli_pass_cleanup(struct cli_pass *p);

/* The text report's section on links behind walls (walls.c): each site
 * with blocked links, how many; nothing when none is. */
struct store_site_figs;
void cli_walls_text(FILE *o, const struct store_site *sites, size_t n,
                    const struct store_site_figs *figs);
/* What --render found (render.c): the text section for @n sites, the
 * "render" key of site @s (null for a run made without --render; a read
 * error into *@rc), and its HTML section (in Chinese when @zh; nothing
 * without --render). The text and HTML ones return a store code. */
struct store_run;
int cli_render_text(FILE *o, struct store *st, const struct store_run *run,
                    const struct store_site *sites, size_t n);
struct json_t *cli_render_json(struct store *st, const struct store_run *run,
                               const struct store_site *s, int *rc);
int cli_render_html(FILE *o, int zh, struct store *st,
                    const struct store_run *run, const struct store_site *s);
/* Write @s HTML-escaped; NULL as "" (html.c). */
void cli_html_esc(FILE *o, const char *s);
/* The chain of site @site as an HTML table, in Chinese when @zh. */
int cli_deleg_html(FILE *o, int zh, struct store *st, uint32_t run,
                   uint32_t site);

/* ---- issue 4: history, fixes, --fail-under (history.c, fixes.c) ---- */

int cmd_runs(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_prune(int argc, char **argv);
/* `v6crawl check` (check.c): verify the store, --repair removes orphans. */
int cmd_check(int argc, char **argv);
int cmd_fixes(int argc, char **argv);

/* Open the store (@db_opt as cli_db_path takes it; read-only when
 * @rdonly). On EXIT_OKAY *@st is open and *@db the path (the caller closes
 * and frees both, also on failure: *@st may be NULL). Else the error is
 * printed and an exit status returned. */
int cli_store_open(const char *db_opt, int rdonly, struct store **st,
                   char **db);
/* Run @arg ("latest" or NULL: the latest, else a number) of @st into *@id,
 * checking it exists. EXIT_OKAY, or the error printed and an exit status. */
int cli_run_arg(struct store *st, const char *db, const char *arg,
                uint32_t *id);
/* Open @path for writing ("-" or NULL: stdout); NULL (the error printed)
 * when it cannot be. */
FILE *cli_out_open(const char *path);
/* Close (stdout: flush) @o opened by cli_out_open; EXIT_USAGE (the error
 * printed) when that fails and @rc is EXIT_OKAY, else @rc. NULL is
 * allowed. */
int cli_out_close(FILE *o, const char *path, int rc);
/* Parse a percentage in (1, 100], "85" or "85%"; returns 0 or -1. */
int cli_pct(const char *s, double *out);
/* --@name @arg as cli_pct reads it into *@out: -1 when it is one, else
 * EXIT_USAGE with the error printed (a fraction like 0.85 gets the hint
 * "85 for 85%"). */
int cli_pct_opt(const char *name, const char *arg, double *out);
/* The vantage point of run @run (vantage.c): each line worth saying
 * (no IPv4 or IPv6 at the check, each IPv6 outage) through @line, in
 * Chinese when @zh (the HTML page's language), else English (returns
 * STORE_OK or a read error); and the JSON "vantage" object (null for a
 * run without the records; a read error into *@rc). */
int cli_vantage_lines(struct store *st, uint32_t run, int zh,
                      void (*line)(void *ud, const char *s), void *ud);
struct json_t *cli_vantage_json(struct store *st, uint32_t run, int *rc);

/* The UTC date of unix time @t, "2026-11-26" ("" for 0), into @buf: the
 * CSV documents' date column, which every spreadsheet reads as a date. */
void cli_date(char *buf, size_t len, int64_t t);
/* Unix time @t as "2026-11-26T20:00:00Z" ("-" for 0) into @buf. */
void cli_time(char *buf, size_t len, int64_t t);

/* cli/perf.c: the dedicated timing figures. The JSON builders make a
 * site's "timing" object (null when not timed) and "cdn_performance"
 * array; the text writers a block of lines per site. */
struct json_t *cli_timing_json(const struct report_timing *x);
struct json_t *cli_perf_json(const struct report_perf_site *ps);
void cli_text_timing(FILE *o, const char *site, const struct report_timing *x);
void cli_text_perf(FILE *o, const char *site,
                   const struct report_perf_site *ps);
/* The HTML tables of site @site of run @run (Chinese labels with @zh):
 * its homepage delay and, when it has CDN hosts by table @t (may be
 * NULL), their performance; text through @esc. Returns a store_rc. */
int cli_html_timing(FILE *o, int zh, struct store *st, uint32_t run,
                    uint32_t site, const struct report_cdn_table *t,
                    void (*esc)(FILE *o, const char *s));

/* --fail-under @pct for `crawl` and `report`: EXIT_BELOW when the internal
 * level-2 or level-3 concentration of any site of run @run is below @pct
 * percent (each such site and level named on stderr); else EXIT_NODATA
 * when there is no data to judge (report_nodata: no IPv6 at the vantage
 * point, an incomplete run, a site with nothing counted; one line on
 * stderr says why and names the sites); EXIT_OKAY when every site is at
 * or above @pct; EXIT_STORE or EXIT_INTERNAL when the store cannot be
 * read. An incomplete or IPv6-less run is never judged on its figures. */
int cli_fail_under(struct store *st, uint32_t run, double pct);

/* Figure @f had @extra more links been supported (the what-if figure of
 * `fixes`), cut down like every figure (report_pct_floor), or "-" unless
 * @ok and something is counted, into @buf (fixes.c). */
struct store_fig;
void cli_fig_after(char *buf, size_t len, int ok, const struct store_fig *f,
                   unsigned extra);

/* Parse a decimal int in [lo, hi]; returns 0 or -1. */
int cli_int(const char *s, long lo, long hi, long *out);

/* ---- the composite score (score.c) ---- */

struct report_weights;
/* Load data/score-weights.txt (found with cli_data_path) into @w: 0, or
 * -1 when it is absent or malformed (said on stderr: no score is shown;
 * @w is then empty). */
int cli_weights_find(struct report_weights *w);
/* The display name of indicator @key in Chinese (@zh) or English; @key
 * itself when it has none. Static. */
const char *cli_ind_name(const char *key, int zh);
/* The text report's score table: a line per site of @sites (with figures
 * @figs, @n of each) of run @run under weights @w, the CDN rule grouped by
 * table @cdn (NULL: not scored). Returns STORE_OK or a read error. */
int cli_score_text(FILE *o, struct store *st, const struct store_run *run,
                   const struct store_site *sites, size_t n,
                   const struct store_site_figs *figs,
                   const struct report_weights *w,
                   const struct report_cdn_table *cdn);
/* The JSON report's "score" object of site @s (null when @w is NULL: no
 * weights; null and the read error into *@rc when it cannot be read). */
struct json_t *cli_score_json(struct store *st, const struct store_run *run,
                              const struct store_site *s,
                              const struct store_site_figs *f,
                              const struct report_weights *w,
                              const struct report_cdn_table *cdn, int *rc);

/* ---- shards and nights (shard.c, merge.c) ---- */

/* "K/N" (0 <= K < N <= 10000) into *@k and *@n; 0 or -1. */
int cli_shard_parse(const char *s, unsigned *k, unsigned *n);
/* The shard (of @n) of start URL @url (normalised): its stable hash,
 * FNV-1a of the URL's bytes, modulo @n. */
unsigned cli_shard_of(const char *url, unsigned n);
/* @label as a night's name (1 to 200 bytes, no control character): 0 or
 * -1 with the error printed. */
int cli_label_check(const char *label);
/* The default label, today's local date "2026-12-02", into @buf. */
void cli_label_today(char *buf, size_t len);
/* `v6crawl merge --db CENTRAL SHARD_STORE...`. */
int cmd_merge(int argc, char **argv);

/* ---- the progress line's time left (eta.c) ---- */

#define CLI_ETA_SAMPLES 128

/* (elapsed seconds, probes done) of the progress calls so far, oldest
 * first, at least @every seconds apart: when the array is full every
 * other sample is dropped and @every doubles, so the samples always
 * reach back to the start of the crawl, however long. */
struct cli_eta {
  double t[CLI_ETA_SAMPLES];
  size_t done[CLI_ETA_SAMPLES];
  size_t n;     /* samples kept */
  double every; /* seconds between samples kept */
};

/* Take the sample (@elapsed, @done) into @e (zeroed before the first
 * call) and return the seconds left for the @total probes at the rate of
 * the last quarter of the time so far; -1 while nothing is done. */
double cli_eta_left(struct cli_eta *e, double elapsed, size_t done,
                    size_t total);
/* The probes a crawl will have made in all, as far as can be told: the
 * @total known, and for each of the @pages_left pages still to read as
 * many as the @pages read so far brought on average. */
size_t cli_eta_total(size_t total, size_t pages, size_t pages_left);

/* ---- page completeness over IPv6 (complete.c) ---- */

/* The report's text section (a block per site with pages read), the
 * "completeness" object of site @site (null when it cannot be read: the
 * read error into *@rc), its HTML table (Chinese labels with @zh), and
 * `fixes`' hosts whose subresources break pages (text lines, or the
 * "subresource_hosts" array). @t names the CDN providers (NULL: none).
 * The text and HTML ones return a store code. */
int cli_complete_text(FILE *o, struct store *st, uint32_t run,
                      const struct store_site *sites, size_t n,
                      const struct report_cdn_table *t);
struct json_t *cli_complete_json(struct store *st, uint32_t run, uint32_t site,
                                 const struct report_cdn_table *t, int *rc);
int cli_complete_html(FILE *o, int zh, struct store *st, uint32_t run,
                      uint32_t site, const struct report_cdn_table *t);
int cli_complete_fixes(FILE *o, struct store *st, uint32_t run,
                       const struct store_site *s,
                       const struct report_cdn_table *t);
struct json_t *cli_complete_fixes_json(struct store *st, uint32_t run,
                                       const struct store_site *s,
                                       const struct report_cdn_table *t,
                                       int *rc);

#endif
