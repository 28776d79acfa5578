/* tests/unit/check_report.c - the analysis of report/: the figures as the
 * reports show them, pure functions on structs, and the fixes, fail-under,
 * delay, diff and trend of small stores built in a mkdtemp directory
 * through store.h's write functions. No network. */
#include "config.h"

#include <check.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "report/report.h"
#include "store/store.h"
#include "tests/unit/check_run.h"
#include "tests/unit/check_tmp.h"

static void setup(void)
{
  tmp_setup("check_report");
}

static void teardown(void)
{
  tmp_teardown();
}

/* A figure with @ok supported links and @bad no-aaaa ones. */
static struct store_fig fig(unsigned ok, unsigned bad)
{
  struct store_fig f;

  memset(&f, 0, sizeof f);
  f.classes[CLASS_OK] = ok;
  f.classes[CLASS_NO_AAAA] = bad;
  f.classes[CLASS_ROBOTS] = 3; /* never counted */
  f.links = ok + bad + 3;
  return f;
}

START_TEST(pct_floor_rounds_down_to_a_tenth)
{
  char b[32];

  report_pct_floor(b, sizeof b, 8499, 10000);
  ck_assert_str_eq(b, "84.9%");
  report_pct_floor(b, sizeof b, 17, 20);
  ck_assert_str_eq(b, "85.0%");
  report_pct_floor(b, sizeof b, 2, 3);
  ck_assert_str_eq(b, "66.6%");
  report_pct_floor(b, sizeof b, 10, 10);
  ck_assert_str_eq(b, "100.0%");
  report_pct_floor(b, sizeof b, 0, 0);
  ck_assert_str_eq(b, "\xe2\x80\x94");
}
END_TEST

/* The edge cases of issue 8: a figure just below a threshold never reads
 * as the threshold, and a change never reads better than it is. */
START_TEST(figures_cut_down_never_up)
{
  char b[32];

  report_pct_floor(b, sizeof b, 96, 113); /* 84.956...% */
  ck_assert_str_eq(b, "84.9%");
  report_pct_floor(b, sizeof b, 8499, 10000);
  ck_assert_str_eq(b, "84.9%");
  report_pct_floor(b, sizeof b, 85, 100);
  ck_assert_str_eq(b, "85.0%");
  report_pct_floor(b, sizeof b, 0, 0);
  ck_assert_str_eq(b, "\xe2\x80\x94");
  report_pct_floor(b, sizeof b, 0, 7);
  ck_assert_str_eq(b, "0.0%");

  /* 131/150 = 87.333...% -> 96/113: -2.377 points */
  report_pts_floor(b, sizeof b, 131, 150, 96, 113);
  ck_assert_str_eq(b, "-2.4");
  report_pts_floor(b, sizeof b, 96, 113, 131, 150);
  ck_assert_str_eq(b, "+2.3");
  /* 85% -> 84.99%: a drop of 0.01 is not "no change" */
  report_pts_floor(b, sizeof b, 85, 100, 8499, 10000);
  ck_assert_str_eq(b, "-0.1");
  report_pts_floor(b, sizeof b, 8499, 10000, 85, 100);
  ck_assert_str_eq(b, "+0.0");
  report_pts_floor(b, sizeof b, 17, 20, 85, 100);
  ck_assert_str_eq(b, "+0.0");
  report_pts_floor(b, sizeof b, 0, 3, 3, 3);
  ck_assert_str_eq(b, "+100.0");
  report_pts_floor(b, sizeof b, 3, 3, 0, 3);
  ck_assert_str_eq(b, "-100.0");
  report_pts_floor(b, sizeof b, 0, 0, 96, 113);
  ck_assert_str_eq(b, "-");
  report_pts_floor(b, sizeof b, 96, 113, 0, 0);
  ck_assert_str_eq(b, "-");
  /* the largest counts: no product overflows */
  report_pts_floor(b, sizeof b, 4294967294u, 4294967295u, 1, 4294967295u);
  ck_assert_str_eq(b, "-100.0");
}
END_TEST

START_TEST(verdict_compares_the_exact_fraction)
{
  struct store_site_figs f;

  ck_assert_int_eq(report_verdict(17, 20, 85), 1);
  ck_assert_int_eq(report_verdict(8499, 10000, 85), 0);
  ck_assert_int_eq(report_verdict(0, 0, 85), -1);
  memset(&f, 0, sizeof f);
  ck_assert_int_eq(report_site_verdict(&f, 85), -1);
  f.level[2][0] = fig(17, 3);
  ck_assert_int_eq(report_site_verdict(&f, 85), 1);
  f.level[3][0] = fig(1, 1);
  ck_assert_int_eq(report_site_verdict(&f, 85), 0);
  ck_assert_int_eq(report_site_verdict(&f, 50), 1);
}
END_TEST

START_TEST(fig_below_and_what_if)
{
  struct store_fig f = fig(17, 3), z = fig(0, 0);
  double v = 0;

  ck_assert_int_eq(report_fig_below(&f, 85), 0);
  ck_assert_int_eq(report_fig_below(&f, 85.1), 1);
  ck_assert_int_eq(report_fig_below(&z, 85), 0);
  ck_assert_int_eq(report_fig_plus(&f, 2, &v), 0);
  ck_assert_double_eq_tol(v, 19.0 / 20, 1e-12);
  ck_assert_int_eq(report_fig_plus(&z, 2, &v), -1);
}
END_TEST

START_TEST(home_verdict_by_class)
{
  ck_assert_int_eq(report_home_verdict(CLASS_OK), 1);
  ck_assert_int_eq(report_home_verdict(CLASS_V6_ONLY), 1);
  ck_assert_int_eq(report_home_verdict(CLASS_NO_AAAA), 0);
  ck_assert_int_eq(report_home_verdict(CLASS_DEAD), 0);
  ck_assert_int_eq(report_home_verdict(CLASS_SKIPPED), 0);
  ck_assert_int_eq(report_home_verdict(CLASS_ROBOTS), -1);
  ck_assert_int_eq(report_home_verdict(CLASS_UNMEASURED), -1);
}
END_TEST

START_TEST(max_level_is_at_least_three)
{
  struct store_site_figs f;

  memset(&f, 0, sizeof f);
  ck_assert_int_eq(report_max_level(&f), 3);
  f.level[5][1].links = 1;
  ck_assert_int_eq(report_max_level(&f), 5);
}
END_TEST

START_TEST(blame_host_is_the_last_ipv6_hop)
{
  struct store_probe p;
  struct store_link_row r;
  char b[256];
  char redirected[] = "301 http://www.a.example/x\nERR timeout "
                      "http://CDN.b.example:81/y\n";
  char unanswered[] = "ERR no-aaaa";

  memset(&p, 0, sizeof p);
  memset(&r, 0, sizeof r);
  r.url = "http://www.a.example/x";
  ck_assert_uint_eq(report_blame_host(&r, b, sizeof b), 13);
  ck_assert_str_eq(b, "www.a.example");
  r.probe = &p;
  p.v6.hops = redirected;
  report_blame_host(&r, b, sizeof b);
  ck_assert_str_eq(b, "cdn.b.example");
  p.v6.hops = unanswered;
  report_blame_host(&r, b, sizeof b);
  ck_assert_str_eq(b, "www.a.example");
  r.url = "mailto:x@y";
  ck_assert_uint_eq(report_blame_host(&r, b, sizeof b), 0);
  ck_assert_str_eq(b, "");
}
END_TEST

/* ---- the composite score ------------------------------------------------ */

/* Write @text to a weights file in the test's directory; its path. */
static const char *weights_file(const char *text)
{
  static char path[160];
  FILE *f;

  snprintf(path, sizeof path, "%s/w.txt", g_tmp);
  f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  fputs(text, f);
  fclose(f);
  return path;
}

START_TEST(score_weights_load_by_key_and_refuse_bad_lines)
{
  struct report_weights w;
  unsigned line = 9;
  double v = -1;

  ck_assert_int_eq(
    report_weights_load(&w, weights_file("# c\n\n  a 3 # why\nb\t0.5\r\nc 0\n"),
                        &line),
    STORE_OK);
  ck_assert_uint_eq(line, 0);
  ck_assert_uint_eq(w.n, 3);
  ck_assert_int_eq(report_weight_get(&w, "a", &v), 0);
  ck_assert_double_eq(v, 3);
  ck_assert_int_eq(report_weight_get(&w, "b", &v), 0);
  ck_assert_double_eq(v, 0.5);
  ck_assert_int_eq(report_weight_get(&w, "c", &v), 0);
  ck_assert_double_eq(v, 0);
  ck_assert_int_eq(report_weight_get(&w, "d", &v), -1);
  ck_assert_int_eq(report_weights_load(&w, weights_file("a 1\nb\n"), &line),
                   STORE_INVALID);
  ck_assert_uint_eq(line, 2);
  ck_assert_int_eq(report_weights_load(&w, weights_file("a -1\n"), &line),
                   STORE_INVALID);
  ck_assert_int_eq(report_weights_load(&w, weights_file("a 1x\n"), &line),
                   STORE_INVALID);
  ck_assert_int_eq(report_weights_load(&w, weights_file("a nan\n"), &line),
                   STORE_INVALID);
  ck_assert_int_eq(report_weights_load(&w, weights_file("a 1 2\n"), &line),
                   STORE_INVALID);
  ck_assert_int_eq(
    report_weights_load(&w, weights_file("a 1\nb 2\na 3\n"), &line),
    STORE_INVALID);
  ck_assert_uint_eq(line, 3);
  ck_assert_int_eq(report_weights_load(&w, "/nonexistent/w.txt", NULL),
                   STORE_NOTFOUND);
}
END_TEST

START_TEST(score_renormalises_over_what_was_measured)
{
  struct report_weights w;
  struct report_score sc;
  struct report_ind ind[4] = {
    {"a", 1, 0.5}, {"b", 1, 1.0}, {"c", 0, 0}, {"nokey", 1, 0.0}};
  char b[16];

  ck_assert_int_eq(
    report_weights_load(&w, weights_file("a 30\nb 10\nc 60\n"), NULL),
    STORE_OK);
  report_score_compute(ind, 4, &w, &sc);
  /* (30 * 0.5 + 10 * 1) / 40: c is left out, nokey is not scored */
  ck_assert_int_eq(sc.have, 1);
  ck_assert_double_eq_tol(sc.value, 62.5, 1e-12);
  ck_assert_double_eq(sc.w_used, 40);
  ck_assert_double_eq(sc.w_all, 100);
  ck_assert_uint_eq(sc.n, 4);
  ck_assert_uint_eq(sc.n_left, 1);
  ck_assert_int_eq(sc.has_w[3], 0);
  ck_assert_int_eq(sc.has_w[2], 1);
  report_score_str(b, sizeof b, sc.have, sc.value);
  ck_assert_str_eq(b, "62.5");
  /* everything measured: the plain weighted mean */
  ind[2].measured = 1;
  ind[2].value = 0.25;
  report_score_compute(ind, 4, &w, &sc);
  ck_assert_double_eq_tol(sc.value, (15 + 10 + 15) / 100.0 * 100, 1e-12);
  ck_assert_uint_eq(sc.n_left, 0);
  /* nothing measured with a weight: no score */
  ind[0].measured = ind[1].measured = ind[2].measured = 0;
  report_score_compute(ind, 4, &w, &sc);
  ck_assert_int_eq(sc.have, 0);
  ck_assert_uint_eq(sc.n_left, 3);
  report_score_str(b, sizeof b, sc.have, sc.value);
  ck_assert_str_eq(b, "-");
  /* cut down, never up; exactly 85 stays 85.0 */
  report_score_str(b, sizeof b, 1, 84.99);
  ck_assert_str_eq(b, "84.9");
  report_score_str(b, sizeof b, 1, 0.1 * 3 * 100 / 0.3 * 0.85);
  ck_assert_str_eq(b, "85.0");
  report_score_str(b, sizeof b, 1, 100);
  ck_assert_str_eq(b, "100.0");
}
END_TEST

START_TEST(score_indicators_from_a_site)
{
  struct store_site s;
  struct store_site_figs f;
  struct report_delay x;
  struct report_ind ind[REPORT_IND_MAX];
  size_t n, i;

  memset(&s, 0, sizeof s);
  memset(&f, 0, sizeof f);
  memset(&x, 0, sizeof x);
  f.level[2][0] = fig(17, 3);
  s.home_tries = 4;
  s.home_ok = 3;
  s.consistent = -1;
  s.ns_total = 4;
  s.ns_ipv6 = 1;
  x.aaaa = 1;
  x.aaaa_known = 1;
  x.n[2] = 1;
  x.sum[0][2] = 12;
  x.sum[1][2] = 10; /* total 0.2: passes */
  x.n[1] = 1;
  x.sum[0][1] = 13;
  x.sum[1][1] = 10; /* first byte 0.3: fails */
  n = report_score_inds(&s, &f, &x, 1, ind);
  ck_assert_uint_eq(n, 10);
  ck_assert_str_eq(ind[0].key, "l2_concentration");
  ck_assert_int_eq(ind[0].measured, 1);
  ck_assert_double_eq_tol(ind[0].value, 17.0 / 20, 1e-12);
  ck_assert_str_eq(ind[1].key, "l3_concentration");
  ck_assert_int_eq(ind[1].measured, 0);
  ck_assert_str_eq(ind[2].key, "home_aaaa");
  ck_assert_double_eq(ind[2].value, 1);
  ck_assert_str_eq(ind[3].key, "home_v6_success");
  ck_assert_double_eq(ind[3].value, 0.75);
  ck_assert_str_eq(ind[4].key, "home_consistent");
  ck_assert_int_eq(ind[4].measured, 0);
  ck_assert_str_eq(ind[5].key, "ns_ipv6");
  ck_assert_double_eq(ind[5].value, 0.25);
  ck_assert_str_eq(ind[6].key, "delay_dns");
  ck_assert_int_eq(ind[6].measured, 0);
  ck_assert_str_eq(ind[7].key, "delay_connect");
  ck_assert_int_eq(ind[7].measured, 0);
  ck_assert_str_eq(ind[8].key, "delay_first_byte");
  ck_assert_int_eq(ind[8].measured, 1);
  ck_assert_double_eq(ind[8].value, 0);
  ck_assert_str_eq(ind[9].key, "delay_total");
  ck_assert_double_eq(ind[9].value, 1);
  /* no IPv6 at the vantage point: nothing is measured */
  n = report_score_inds(&s, &f, &x, 0, ind);
  for (i = 0; i < n; i++)
    ck_assert_int_eq(ind[i].measured, 0);
  /* the homepage's host never looked up: its AAAA is not measured */
  x.aaaa_known = 0;
  report_score_inds(&s, &f, NULL, 1, ind);
  ck_assert_int_eq(ind[2].measured, 0);
  ck_assert_int_eq(ind[9].measured, 0);
}
END_TEST

/* ---- small stores -------------------------------------------------------- */

/* A level-2 internal link @url of site 0 with class @k; @hops6 the IPv6
 * hops (NULL: the URL itself), @ms6/@ms4 its total times. */
static void put_link(struct store *s, uint32_t run, const char *url, int k,
                     const char *hops6, double ms6, double ms4)
{
  struct store_probe p;
  char hops[512], u[256], h6[512];

  memset(&p, 0, sizeof p);
  snprintf(u, sizeof u, "%s", url);
  snprintf(h6, sizeof h6, "%s", hops6 ? hops6 : "");
  p.url = u;
  p.klass = k;
  p.v6.ok = k == CLASS_OK || k == CLASS_V6_ONLY;
  p.v4.ok = k != CLASS_DEAD && k != CLASS_V6_ONLY;
  snprintf(hops, sizeof hops, "200 %s", url);
  p.v6.hops = hops6 ? h6 : hops;
  p.v4.hops = hops;
  p.v6.total_ms = p.v6.first_byte_ms = ms6;
  p.v4.total_ms = p.v4.first_byte_ms = ms4;
  ck_assert_int_eq(
    store_link_put(s, run, 0, url, 2, 1, LINK_HTTP, "http://www.a.example/"),
    STORE_OK);
  ck_assert_int_eq(store_probe_put(s, run, &p), STORE_OK);
}

static void put_host(struct store *s, uint32_t run, const char *name,
                     double aaaa_ms, double a_ms)
{
  struct store_host h;
  char n[256], a[] = "192.0.2.1";

  memset(&h, 0, sizeof h);
  snprintf(n, sizeof n, "%s", name);
  h.name = n;
  h.a = a;
  h.usable_a = 1;
  h.aaaa_ms = aaaa_ms;
  h.a_ms = a_ms;
  ck_assert_int_eq(store_host_put(s, run, &h), STORE_OK);
}

/* Run with site 0 http://www.a.example/ (homepage ok): level-2 internal
 * links: 1 ok, 1 no-aaaa on x.a.example, 2 v6-broken redirected to
 * cdn.a.example, 1 dead. With @fixed the no-aaaa link is ok. */
static uint32_t put_run(struct store *s, int fixed)
{
  struct store_site site;
  char start[] = "http://www.a.example/", scope[] = "a.example";
  uint32_t run = 0;

  memset(&site, 0, sizeof site);
  ck_assert_int_eq(store_run_new(s, 1000 + fixed, 1, NULL, &run), STORE_OK);
  site.start_url = start;
  site.scope_domain = scope;
  ck_assert_int_eq(store_site_put(s, run, &site), STORE_OK);
  ck_assert_int_eq(
    store_link_put(s, run, 0, site.start_url, 1, 1, LINK_HTTP, NULL), STORE_OK);
  put_link(s, run, site.start_url, CLASS_OK, NULL, 10, 10);
  put_host(s, run, "www.a.example", 30, 20);
  put_host(s, run, "cdn.a.example", 5, 5);
  put_link(s, run, "http://www.a.example/ok", CLASS_OK, NULL, 30, 20);
  put_link(s, run, "http://x.a.example/n", fixed ? CLASS_OK : CLASS_NO_AAAA,
           NULL, 0, 0);
  put_link(s, run, "http://www.a.example/b1", CLASS_V6_BROKEN,
           "302 http://www.a.example/b1\nERR timeout http://cdn.a.example/1", 0,
           0);
  put_link(s, run, "http://www.a.example/b2", CLASS_V6_BROKEN,
           "302 http://www.a.example/b2\nERR timeout http://cdn.a.example/2", 0,
           0);
  put_link(s, run, "http://www.a.example/dead", CLASS_DEAD, NULL, 0, 0);
  ck_assert_int_eq(store_run_finish(s, run, 2000 + fixed, 1), STORE_OK);
  ck_assert_int_eq(store_flush(s), STORE_OK);
  return run;
}

static struct store *open_db(void)
{
  struct store *s = NULL;

  ck_assert_int_eq(store_open(g_db, 0, 0, &s), STORE_OK);
  return s;
}

START_TEST(fixes_rank_the_redirect_host_first_with_what_if)
{
  struct store *s = open_db();
  struct store_site *sites = NULL;
  struct store_site_figs *figs = NULL;
  struct report_fix_site fs;
  const int levels[2] = {1, 1};
  unsigned hosts, links;
  size_t n = 0;
  uint32_t run = put_run(s, 0);

  ck_assert_int_eq(report_sites_load(s, run, 0, &sites, &figs, &n), STORE_OK);
  ck_assert_uint_eq(n, 1);
  /* counted 5 (ok, no-aaaa, 2 v6-broken, dead), supported 1 */
  ck_assert_uint_eq(store_fig_counted(&figs[0].level[2][0]), 5);
  ck_assert_uint_eq(store_fig_supported(&figs[0].level[2][0]), 1);
  ck_assert_int_eq(report_fix_site_build(s, run, &sites[0], levels, &fs),
                   STORE_OK);
  ck_assert_uint_eq(fs.n, 2);
  ck_assert_str_eq(fs.h[0].name, "cdn.a.example");
  ck_assert_uint_eq(fs.h[0].n[0], 2);
  ck_assert_uint_eq(fs.h[0].klass[1], 2); /* v6-broken */
  ck_assert_int_eq(fs.h[0].have_dns, 1);
  ck_assert_double_eq_tol(fs.h[0].after[0], 3.0 / 5, 1e-12);
  ck_assert_str_eq(fs.h[1].name, "x.a.example");
  ck_assert_uint_eq(fs.h[1].klass[0], 1); /* no-aaaa */
  ck_assert_int_eq(fs.h[1].have_dns, 0);
  ck_assert_double_eq_tol(fs.h[1].after[0], 4.0 / 5, 1e-12);
  ck_assert_int_eq(fs.h[1].have_after[1], 0); /* nothing at level 3 */
  ck_assert_uint_eq(fs.dead[0], 1);
  report_fix_totals(&fs, 0, &hosts, &links);
  ck_assert_uint_eq(hosts, 2);
  ck_assert_uint_eq(links, 3);
  ck_assert_int_eq(report_home_class(s, run, &sites[0]), CLASS_OK);
  ck_assert_int_eq(report_site_is(&sites[0], "http://www.a.example/"), 1);
  ck_assert_int_eq(report_site_is(&sites[0], "http://www.a.example/x"), 0);
  report_fix_site_cleanup(&fs);
  free(figs);
  store_sites_free(sites, n);
  store_close(s);
}
END_TEST

START_TEST(fail_under_names_each_level_below)
{
  struct store *s = open_db();
  struct report_below *b = NULL;
  size_t n = 0;
  uint32_t run = put_run(s, 0);

  ck_assert_int_eq(report_fail_under(s, run, 20, &b, &n), STORE_OK);
  ck_assert_uint_eq(n, 0); /* 1/5 is 20%: not below */
  ck_assert_int_eq(report_fail_under(s, run, 20.5, &b, &n), STORE_OK);
  ck_assert_uint_eq(n, 1); /* level 3 counts nothing: never below */
  ck_assert_str_eq(b[0].start_url, "http://www.a.example/");
  ck_assert_int_eq(b[0].level, 2);
  ck_assert_uint_eq(store_fig_counted(&b[0].fig), 5);
  report_below_free(b, n);
  store_close(s);
}
END_TEST

START_TEST(delay_ratios_over_ok_internal_links)
{
  struct store *s = open_db();
  struct report_delay x;
  double v = 0;
  uint32_t run = put_run(s, 0);

  ck_assert_int_eq(report_delay_site(s, run, 0, &x), STORE_OK);
  /* the homepage (10/10) and /ok (30/20): total 40 vs 30 */
  ck_assert_uint_eq(x.timed, 2);
  ck_assert_int_eq(report_delay_ratio(&x, 2, &v), 0);
  ck_assert_double_eq_tol(v, 40.0 / 30 - 1, 1e-12);
  ck_assert_int_eq(report_delay_ratio(&x, 0, &v), -1); /* no connect */
  /* one distinct host, www.a.example: AAAA 30 vs A 20 */
  ck_assert_uint_eq(x.n_dns, 1);
  ck_assert_int_eq(report_delay_dns_ratio(&x, &v), 0);
  ck_assert_double_eq_tol(v, 0.5, 1e-12);
  ck_assert_int_eq(report_delay_pass(&x), 0);
  memset(&x, 0, sizeof x);
  ck_assert_int_eq(report_delay_pass(&x), -1);
  store_close(s);
}
END_TEST

START_TEST(diff_finds_the_fixed_link_and_trend_every_run)
{
  struct store *s = open_db();
  struct report_diff d;
  struct report_trend t;
  struct store_run r2;
  struct store_site *sites = NULL;
  struct store_site_figs *figs = NULL;
  size_t n = 0;
  uint32_t a = put_run(s, 0), b = put_run(s, 1), da = 0, db = 0;

  ck_assert_int_eq(report_diff_defaults(s, 0, &da, &db), STORE_OK);
  ck_assert_uint_eq(da, a);
  ck_assert_uint_eq(db, b);
  ck_assert_int_eq(report_diff_build(s, a, b, &d), STORE_OK);
  ck_assert_uint_eq(d.n, 1);
  ck_assert_uint_eq(d.ds[0].nch[REPORT_CH_FIXED], 1);
  ck_assert_str_eq(d.ds[0].ch[REPORT_CH_FIXED][0].b->url,
                   "http://x.a.example/n");
  ck_assert_uint_eq(d.ds[0].nch[REPORT_CH_FAILING], 0);
  ck_assert_uint_eq(d.ds[0].nch[REPORT_CH_NEW], 0);
  ck_assert_uint_eq(d.ds[0].nch[REPORT_CH_OTHER], 0);
  report_diff_cleanup(&d);

  ck_assert_int_eq(store_run_get(s, b, &r2), STORE_OK);
  ck_assert_int_eq(report_sites_load(s, b, 0, &sites, &figs, &n), STORE_OK);
  ck_assert_int_eq(report_trend_build(s, &r2, sites, n, figs, &t), STORE_OK);
  ck_assert_uint_eq(t.npts[0], 2);
  ck_assert_uint_eq(t.pts[0].run, a);
  ck_assert_uint_eq(t.pts[0].ip[0], 1);
  ck_assert_uint_eq(t.pts[1].run, b);
  ck_assert_uint_eq(t.pts[1].ip[0], 2);
  ck_assert_uint_eq(t.pts[1].cnt[0], 5);
  report_trend_cleanup(&t);
  free(figs);
  store_sites_free(sites, n);
  store_run_cleanup(&r2);
  store_close(s);
}
END_TEST

START_TEST(diff_defaults_need_two_complete_runs)
{
  struct store *s = open_db();
  uint32_t a = 0, b = 0, run = put_run(s, 0);

  ck_assert_int_eq(report_diff_defaults(s, 0, &a, &b), STORE_NOTFOUND);
  ck_assert_int_eq(report_diff_defaults(s, 1, &a, &b), STORE_OK);
  ck_assert_uint_eq(b, run);
  store_close(s);
}
END_TEST

/* A run of one site with level-2 internal links @urls of classes @ks. */
static uint32_t put_links_run(struct store *s, const char *const *urls,
                              const int *ks, size_t n)
{
  struct store_site site;
  char start[] = "http://www.a.example/";
  uint32_t run = 0;
  size_t i;

  memset(&site, 0, sizeof site);
  site.start_url = start;
  ck_assert_int_eq(store_run_new(s, 1000, 1, NULL, &run), STORE_OK);
  ck_assert_int_eq(store_site_put(s, run, &site), STORE_OK);
  for (i = 0; i < n; i++)
    put_link(s, run, urls[i], ks[i], NULL, 0, 0);
  ck_assert_int_eq(store_run_finish(s, run, 2000, 1), STORE_OK);
  ck_assert_int_eq(store_flush(s), STORE_OK);
  return run;
}

START_TEST(diff_sorts_links_into_failing_new_gone_other)
{
  static const char *const ua[] = {"http://www.a.example/x",
                                   "http://www.a.example/y",
                                   "http://www.a.example/w"};
  static const char *const ub[] = {"http://www.a.example/x",
                                   "http://www.a.example/z",
                                   "http://www.a.example/w"};
  static const int ka[] = {CLASS_OK, CLASS_OK, CLASS_NO_AAAA};
  static const int kb[] = {CLASS_V6_BROKEN, CLASS_OK, CLASS_V6_ERROR};
  struct store *s = open_db();
  struct report_diff d;
  uint32_t a = put_links_run(s, ua, ka, 3), b = put_links_run(s, ub, kb, 3);

  ck_assert_int_eq(report_diff_build(s, a, b, &d), STORE_OK);
  ck_assert_uint_eq(d.n, 1);
  ck_assert_uint_eq(d.ds[0].nch[REPORT_CH_FAILING], 1);
  ck_assert_str_eq(d.ds[0].ch[REPORT_CH_FAILING][0].a->url, ua[0]);
  ck_assert_int_eq(d.ds[0].ch[REPORT_CH_FAILING][0].b->klass, CLASS_V6_BROKEN);
  ck_assert_uint_eq(d.ds[0].nch[REPORT_CH_NEW], 1);
  ck_assert_ptr_null(d.ds[0].ch[REPORT_CH_NEW][0].a);
  ck_assert_str_eq(d.ds[0].ch[REPORT_CH_NEW][0].b->url, ub[1]);
  ck_assert_uint_eq(d.ds[0].nch[REPORT_CH_GONE], 1);
  ck_assert_str_eq(d.ds[0].ch[REPORT_CH_GONE][0].a->url, ua[1]);
  /* no-aaaa -> v6-error: failing both times, another class change */
  ck_assert_uint_eq(d.ds[0].nch[REPORT_CH_OTHER], 1);
  ck_assert_str_eq(d.ds[0].ch[REPORT_CH_OTHER][0].b->url, ub[2]);
  ck_assert_uint_eq(d.ds[0].nch[REPORT_CH_FIXED], 0);
  report_diff_cleanup(&d);
  store_close(s);
}
END_TEST

/* Issue 9 item 8: the empty arrays of an all-green site and of a site
 * without links reached qsort as NULL (UBSan: nonnull-attribute). */
START_TEST(fixes_of_an_all_green_site_rank_no_host)
{
  static const char *const u[] = {"http://www.a.example/x",
                                  "http://www.a.example/y"};
  static const int k[] = {CLASS_OK, CLASS_V6_ONLY};
  struct store *s = open_db();
  struct store_site *sites = NULL;
  struct store_site_figs *figs = NULL;
  struct report_fix_site fs;
  const int levels[2] = {1, 1};
  unsigned hosts = 9, links = 9;
  size_t n = 0;
  uint32_t run = put_links_run(s, u, k, 2);

  ck_assert_int_eq(report_sites_load(s, run, 0, &sites, &figs, &n), STORE_OK);
  ck_assert_uint_eq(n, 1);
  ck_assert_int_eq(report_fix_site_build(s, run, &sites[0], levels, &fs),
                   STORE_OK);
  ck_assert_uint_eq(fs.n, 0);
  ck_assert_ptr_null(fs.h);
  ck_assert_uint_eq(store_fig_supported(&fs.figs.level[2][0]), 2);
  report_fix_totals(&fs, 0, &hosts, &links);
  ck_assert_uint_eq(hosts, 0);
  ck_assert_uint_eq(links, 0);
  report_fix_site_cleanup(&fs);
  free(figs);
  store_sites_free(sites, n);
  store_close(s);
}
END_TEST

/* A run whose one site @start has no link at all (a site that failed). */
static uint32_t put_bare_run(struct store *s, const char *start)
{
  struct store_site site;
  char u[128];
  uint32_t run = 0;

  memset(&site, 0, sizeof site);
  snprintf(u, sizeof u, "%s", start);
  site.start_url = u;
  ck_assert_int_eq(store_run_new(s, 1000, 1, NULL, &run), STORE_OK);
  ck_assert_int_eq(store_site_put(s, run, &site), STORE_OK);
  ck_assert_int_eq(store_run_finish(s, run, 2000, 1), STORE_OK);
  ck_assert_int_eq(store_flush(s), STORE_OK);
  return run;
}

START_TEST(diff_of_sites_in_one_run_only_and_without_links)
{
  static const char *const u[] = {"http://www.a.example/x"};
  static const int k[] = {CLASS_OK};
  struct store *s = open_db();
  struct store_site *sites = NULL;
  struct store_site_figs *figs = NULL;
  struct report_diff d;
  size_t n = 9;
  uint32_t a = put_links_run(s, u, k, 1);
  uint32_t b = put_bare_run(s, "http://www.b.example/"), e = 0;

  ck_assert_int_eq(report_diff_build(s, a, b, &d), STORE_OK);
  ck_assert_uint_eq(d.n, 2);
  ck_assert_ptr_null(d.ds[0].sa);
  ck_assert_str_eq(d.ds[0].sb->start_url, "http://www.b.example/");
  ck_assert_uint_eq(d.ds[0].nlb, 0);
  ck_assert_ptr_null(d.ds[1].sb);
  ck_assert_str_eq(d.ds[1].sa->start_url, "http://www.a.example/");
  ck_assert_uint_eq(d.ds[1].nch[REPORT_CH_GONE], 1);
  report_diff_cleanup(&d);
  /* a run without sites, sorted by unit */
  ck_assert_int_eq(store_run_new(s, 3000, 1, NULL, &e), STORE_OK);
  ck_assert_int_eq(report_sites_load(s, e, 1, &sites, &figs, &n), STORE_OK);
  ck_assert_uint_eq(n, 0);
  free(figs);
  store_sites_free(sites, n);
  store_close(s);
}
END_TEST

START_TEST(sites_by_unit_units_in_order_then_none)
{
  struct store *s = open_db();
  struct store_site site, *sites = NULL;
  struct store_site_figs *figs = NULL;
  char u0[] = "http://s0.example/", u1[] = "http://s1.example/",
       u2[] = "http://s2.example/", ub[] = "unit b", ua[] = "unit a";
  char *urls[3] = {u0, u1, u2}, *units[3] = {ub, NULL, ua};
  uint32_t run = 0, i;
  size_t n = 0;

  ck_assert_int_eq(store_run_new(s, 1000, 1, NULL, &run), STORE_OK);
  for (i = 0; i < 3; i++) {
    memset(&site, 0, sizeof site);
    site.idx = i;
    site.start_url = urls[i];
    site.unit = units[i];
    ck_assert_int_eq(store_site_put(s, run, &site), STORE_OK);
  }
  ck_assert_int_eq(report_sites_load(s, run, 1, &sites, &figs, &n), STORE_OK);
  ck_assert_uint_eq(n, 3);
  ck_assert_str_eq(sites[0].start_url, u2);
  ck_assert_str_eq(sites[1].start_url, u0);
  ck_assert_str_eq(sites[2].start_url, u1);
  free(figs);
  store_sites_free(sites, n);
  ck_assert_int_eq(report_sites_load(s, run, 0, &sites, &figs, &n), STORE_OK);
  ck_assert_str_eq(sites[0].start_url, u0);
  free(figs);
  store_sites_free(sites, n);
  store_close(s);
}
END_TEST

START_TEST(cdn_provider_longest_suffix_and_globs)
{
  struct report_cdn_table t;
  char path[160];
  FILE *f;

  memset(&t, 0, sizeof t);
  snprintf(path, sizeof path, "%s/cdn.txt", g_tmp);
  f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  fputs("# suffix\tprovider\n"
        "cdn.example\tExample CDN\n"
        ".edge.cdn.example.\tExample Edge\n"
        "*.kunlun*.com\tAlibaba Cloud\n"
        "no tab here\n",
        f);
  fclose(f);
  ck_assert_int_eq(report_cdn_load(&t, path), STORE_OK);
  ck_assert_uint_eq(t.n, 3);
  /* the host itself is never matched, only the names it points to */
  ck_assert_ptr_null(report_cdn_provider(&t, "www.cdn.example"));
  ck_assert_str_eq(report_cdn_provider(&t, "www.a.cn -> a.CDN.example."),
                   "Example CDN");
  ck_assert_str_eq(report_cdn_provider(&t, "w.a.cn -> x.edge.cdn.example"),
                   "Example Edge");
  ck_assert_str_eq(report_cdn_provider(&t, "w.a.cn -> b.kunlunsl.com"),
                   "Alibaba Cloud");
  ck_assert_ptr_null(report_cdn_provider(&t, "w.a.cn -> b.other.com"));
  ck_assert_ptr_null(report_cdn_provider(&t, NULL));
  report_cdn_free(&t);
  ck_assert_int_eq(report_cdn_load(&t, "/nonexistent/cdn.txt"), STORE_NOTFOUND);
}
END_TEST

/* Link @url of site 0 at @level, internal or not, probed with class @k. */
static void put_link_at(struct store *s, uint32_t run, const char *url,
                        int level, int internal, int k)
{
  struct store_probe p;
  char hops[512], u[256];

  memset(&p, 0, sizeof p);
  snprintf(u, sizeof u, "%s", url);
  snprintf(hops, sizeof hops, "200 %s", url);
  p.url = u;
  p.klass = k;
  p.v6.ok = k == CLASS_OK || k == CLASS_V6_ONLY;
  p.v4.ok = k != CLASS_DEAD && k != CLASS_V6_ONLY;
  p.v6.hops = p.v4.hops = hops;
  ck_assert_int_eq(store_link_put(s, run, 0, url, level, internal, LINK_HTTP,
                                  "http://www.a.example/"),
                   STORE_OK);
  ck_assert_int_eq(store_probe_put(s, run, &p), STORE_OK);
}

static void put_cname(struct store *s, uint32_t run, const char *name,
                      const char *chain)
{
  struct store_host h;
  char n[256], c[512], a[] = "192.0.2.1";

  memset(&h, 0, sizeof h);
  snprintf(n, sizeof n, "%s", name);
  h.name = n;
  if (chain) {
    snprintf(c, sizeof c, "%s", chain);
    h.cnames = c;
  }
  h.a = a;
  h.usable_a = 1;
  ck_assert_int_eq(store_host_put(s, run, &h), STORE_OK);
}

/* Per provider: the hosts of internal level-2/3 links whose chain points
 * into it, their counted links (robots not) and the supported ones;
 * external links, level 1 and hosts without a provider left out. */
START_TEST(cdn_site_counts_internal_level_2_3_links_per_provider)
{
  struct store *s = open_db();
  struct store_site site;
  struct report_cdn_table t;
  struct report_cdn_site cs;
  char start[] = "http://www.a.example/", scope[] = "a.example", path[160];
  uint32_t run = 0;
  FILE *f;

  memset(&t, 0, sizeof t);
  snprintf(path, sizeof path, "%s/cdn.txt", g_tmp);
  f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  fputs("kunlun*.com\tAlibaba Cloud CDN\ncdn.example\tExample CDN\n", f);
  fclose(f);
  ck_assert_int_eq(report_cdn_load(&t, path), STORE_OK);

  memset(&site, 0, sizeof site);
  ck_assert_int_eq(store_run_new(s, 1000, 1, NULL, &run), STORE_OK);
  site.start_url = start;
  site.scope_domain = scope;
  ck_assert_int_eq(store_site_put(s, run, &site), STORE_OK);
  put_cname(s, run, "www.a.example", NULL);
  put_cname(s, run, "zz.a.example", "zz.a.example -> y.kunlunca.com");
  put_cname(s, run, "img.a.example",
            "img.a.example -> mid.a.example -> e1.w.kunlunca.com");
  put_cname(s, run, "st.a.example", "st.a.example -> x.cdn.example");
  put_cname(s, run, "img.other.example",
            "img.other.example -> e2.w.kunlunca.com");
  put_link_at(s, run, "http://www.a.example/", 1, 1, CLASS_OK);
  put_link_at(s, run, "http://www.a.example/p", 2, 1, CLASS_NO_AAAA);
  put_link_at(s, run, "http://img.a.example/1", 2, 1, CLASS_OK);
  put_link_at(s, run, "http://img.a.example/2", 2, 1, CLASS_NO_AAAA);
  put_link_at(s, run, "http://img.a.example/r", 3, 1, CLASS_ROBOTS);
  put_link_at(s, run, "http://zz.a.example/3", 3, 1, CLASS_V6_BROKEN);
  put_link_at(s, run, "http://st.a.example/", 2, 1, CLASS_V6_ONLY);
  put_link_at(s, run, "http://img.other.example/x", 2, 0, CLASS_OK);
  ck_assert_int_eq(store_run_finish(s, run, 2000, 1), STORE_OK);
  ck_assert_int_eq(store_flush(s), STORE_OK);

  ck_assert_int_eq(report_cdn_site_build(s, run, 0, &t, &cs), STORE_OK);
  ck_assert_uint_eq(cs.n, 2);
  ck_assert_str_eq(cs.v[0].provider, "Alibaba Cloud CDN");
  ck_assert_uint_eq(cs.v[0].n_hosts, 2);
  ck_assert_str_eq(cs.v[0].hosts[0], "img.a.example");
  ck_assert_str_eq(cs.v[0].hosts[1], "zz.a.example");
  ck_assert_uint_eq(cs.v[0].links, 3); /* ok, no-aaaa, v6-broken */
  ck_assert_uint_eq(cs.v[0].ipv6, 1);
  ck_assert_str_eq(cs.v[1].provider, "Example CDN");
  ck_assert_uint_eq(cs.v[1].n_hosts, 1);
  ck_assert_str_eq(cs.v[1].hosts[0], "st.a.example");
  ck_assert_uint_eq(cs.v[1].links, 1);
  ck_assert_uint_eq(cs.v[1].ipv6, 1);
  report_cdn_site_cleanup(&cs);
  ck_assert_uint_eq(cs.n, 0);

  /* an empty table names no provider */
  report_cdn_free(&t);
  ck_assert_int_eq(report_cdn_site_build(s, run, 0, &t, &cs), STORE_OK);
  ck_assert_uint_eq(cs.n, 0);
  report_cdn_site_cleanup(&cs);
  store_close(s);
}
END_TEST

static Suite *report_suite(void)
{
  Suite *su = suite_create("report");
  TCase *pure = tcase_create("pure"), *tc = tcase_create("store");

  tcase_add_test(pure, pct_floor_rounds_down_to_a_tenth);
  tcase_add_test(pure, figures_cut_down_never_up);
  tcase_add_test(pure, verdict_compares_the_exact_fraction);
  tcase_add_test(pure, fig_below_and_what_if);
  tcase_add_test(pure, home_verdict_by_class);
  tcase_add_test(pure, max_level_is_at_least_three);
  tcase_add_test(pure, blame_host_is_the_last_ipv6_hop);
  tcase_add_test(pure, score_indicators_from_a_site);
  suite_add_tcase(su, pure);
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, fixes_rank_the_redirect_host_first_with_what_if);
  tcase_add_test(tc, fail_under_names_each_level_below);
  tcase_add_test(tc, delay_ratios_over_ok_internal_links);
  tcase_add_test(tc, diff_finds_the_fixed_link_and_trend_every_run);
  tcase_add_test(tc, diff_defaults_need_two_complete_runs);
  tcase_add_test(tc, diff_sorts_links_into_failing_new_gone_other);
  tcase_add_test(tc, sites_by_unit_units_in_order_then_none);
  tcase_add_test(tc, fixes_of_an_all_green_site_rank_no_host);
  tcase_add_test(tc, score_weights_load_by_key_and_refuse_bad_lines);
  tcase_add_test(tc, score_renormalises_over_what_was_measured);
  tcase_add_test(tc, diff_of_sites_in_one_run_only_and_without_links);
  tcase_add_test(tc, cdn_provider_longest_suffix_and_globs);
  tcase_add_test(tc, cdn_site_counts_internal_level_2_3_links_per_provider);
  suite_add_tcase(su, tc);
  return su;
}

int main(void)
{
  return check_run(report_suite());
}
