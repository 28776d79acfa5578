/* cli/report.c - `v6crawl report` and `v6crawl links`: the figures and
 * the evidence, read from the store alone, as text, JSON or CSV. */
#include "config.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "report/report.h"
#include "store/store.h"

struct common {
  struct cli_args a;
  struct report_cdn_table cdn; /* the CDN suffix table (report, links) */
  struct report_weights w;     /* the score's weights (report) */
  int have_w;                  /* w was found and read */
  struct store *st;
  char *db;
  FILE *out;
  struct store_run run;
  int have_run;
};

/* Open the store read-only, pick the run, open the output. */
static int common_open(struct common *c)
{
  uint32_t id = 0;
  int rc;
  rc = cli_store_open(c->a.db, 1, &c->st, &c->db);
  if (rc == EXIT_OKAY)
    rc = cli_run_arg(c->st, c->db, c->a.run, &id);
  if (rc != EXIT_OKAY)
    return rc;
  rc = store_run_get(c->st, id, &c->run);
  if (rc != STORE_OK) {
    cli_err("cannot read the store %s: %s", c->db, store_strerror(rc));
    return EXIT_STORE;
  }
  c->have_run = 1;
  c->out = stdout;
  if (c->a.output && strcmp(c->a.output, "-") != 0) {
    c->out = fopen(c->a.output, "w");
    if (!c->out) {
      cli_err("cannot write %s", c->a.output);
      return EXIT_USAGE;
    }
  }
  return EXIT_OKAY;
}

static int common_close(struct common *c, int rc)
{
  if (c->out && c->out != stdout) {
    if (fclose(c->out) != 0 && rc == EXIT_OKAY) {
      cli_err("cannot write %s", c->a.output);
      rc = EXIT_USAGE;
    }
  } else if (c->out && fflush(c->out) != 0 && rc == EXIT_OKAY) {
    rc = EXIT_USAGE;
  }
  if (c->have_run)
    store_run_cleanup(&c->run);
  store_close(c->st);
  free(c->db);
  report_cdn_free(&c->cdn);
  return rc;
}

/* Figure @f with its pass against @threshold (null: nothing counted). */
static json_t *fig_json(const struct store_fig *f, double threshold)
{
  double c = 0, a = 0;
  int hc = store_fig_concentration(f, &c) == 0;
  int ha = store_fig_alive_concentration(f, &a) == 0;
  int v =
    report_verdict(store_fig_supported(f), store_fig_counted(f), threshold);
  json_t *o = json_object(), *cl = json_object();
  int k;
  json_object_set_new(o, "links", json_integer(f->links));
  json_object_set_new(o, "counted", json_integer(store_fig_counted(f)));
  json_object_set_new(o, "ipv6", json_integer(store_fig_supported(f)));
  json_object_set_new(o, "concentration", cli_jnum(hc, c));
  json_object_set_new(o, "alive_concentration", cli_jnum(ha, a));
  json_object_set_new(o, "pass", cli_jbool3(v));
  for (k = 0; k < CLASS__N; k++)
    json_object_set_new(cl, store_class_name(k), json_integer(f->classes[k]));
  json_object_set_new(o, "classes", cl);
  return o;
}

/* "84.9% 96/113" (the percentage cut down, report_pct_floor), with the
 * exact count when @count, or "-" when nothing is counted. */
static void pct(char *buf, size_t len, const struct store_fig *f, int count)
{
  char p[16];
  if (!store_fig_counted(f)) {
    snprintf(buf, len, "-");
    return;
  }
  report_pct_floor(p, sizeof p, store_fig_supported(f), store_fig_counted(f));
  if (count)
    snprintf(buf, len, "%6s %u/%u", p, store_fig_supported(f),
             store_fig_counted(f));
  else
    snprintf(buf, len, "%6s", p);
}

/* Into site object @o: "homepage_detail", "name_servers" and "delay". */
static void extras_json(json_t *o, const struct store_site *s,
                        const struct report_delay *x,
                        const struct report_timing *t)
{
  static const char *const dname[3] = {"connect_ratio", "first_byte_ratio",
                                       "total_ratio"};
  static const int tk[3] = {REPORT_T_CONNECT, REPORT_T_FIRST_BYTE,
                            REPORT_T_TOTAL};
  json_t *h = json_object(), *ns = json_object(), *d = json_object();
  double v = 0;
  int k, ok, pass = t->have ? report_timing_pass(t) : report_delay_pass(x);

  json_object_set_new(h, "aaaa", json_boolean(x->aaaa));
  json_object_set_new(h, "v6_tries", json_integer(s->home_tries));
  json_object_set_new(h, "v6_ok", json_integer(s->home_ok));
  json_object_set_new(
    h, "v6_success_rate",
    cli_jnum(s->home_tries > 0,
             s->home_tries ? (double)s->home_ok / s->home_tries : 0));
  json_object_set_new(h, "consistent", cli_jbool3(s->consistent));
  json_object_set_new(h, "similarity",
                      cli_jnum(s->consistent >= 0, s->similarity));
  json_object_set_new(o, "homepage_detail", h);
  json_object_set_new(ns, "total", json_integer(s->ns_total));
  json_object_set_new(ns, "ipv6", json_integer(s->ns_ipv6));
  json_object_set_new(ns, "hosts", cli_jlist(s->ns_hosts, ","));
  json_object_set_new(o, "name_servers", ns);
  json_object_set_new(d, "links", json_integer(x->timed));
  json_object_set_new(d, "dns_hosts", json_integer(x->n_dns));
  /* from the dedicated timing requests when the run made them */
  ok = t->have ? report_timing_ratio(t, REPORT_T_DNS, &v) == 0
               : report_delay_dns_ratio(x, &v) == 0;
  json_object_set_new(d, "dns_ratio", cli_jnum(ok, v));
  for (k = 0; k < 3; k++) {
    ok = t->have ? report_timing_ratio(t, tk[k], &v) == 0
                 : report_delay_ratio(x, k, &v) == 0;
    json_object_set_new(d, dname[k], cli_jnum(ok, v));
  }
  json_object_set_new(d, "method", json_string(t->have ? "timing" : "probes"));
  json_object_set_new(d, "pass", cli_jbool3(pass));
  json_object_set_new(o, "delay", d);
}

static void text_line(void *ud, const char *s)
{
  fprintf(ud, "%s\n", s);
}

/* "pass", "FAIL", or "-" (nothing counted) of verdict @v. */
static const char *verdict_word(int v)
{
  return v < 0 ? "-" : v ? "pass" : "FAIL";
}

/* The run line and the table of concentrations: per site its figures,
 * its result against @threshold (report_site_verdict, as the HTML page
 * and the JSON "pass") and its name from the sites file. */
static void text_figs(struct common *c, const struct store_site *sites,
                      size_t n, const struct store_site_figs *figs,
                      double threshold)
{
  FILE *o = c->out;
  char t1[32], t2[32] = "-";
  size_t i;
  cli_time(t1, sizeof(t1), c->run.started);
  if (c->run.finished)
    cli_time(t2, sizeof(t2), c->run.finished);
  fprintf(o, "v6crawl report: run %u, %s .. %s, %s\n", c->run.id, t1, t2,
          c->run.complete ? "complete" : "INCOMPLETE");
  if (c->run.vantage_ipv6 == 0)
    fputs("WARNING: this machine had no IPv6 connectivity during the run;\n"
          "IPv6 was not measured and no concentration is reported.\n",
          o);
  cli_vantage_lines(c->st, c->run.id, 0, text_line, o);
  fprintf(o,
          "\nIPv6 concentration of internal links (supported/counted); a "
          "site passes when its level 2 and level 3 internal figures are at "
          "or above %g%% (--threshold)\n",
          threshold);
  fprintf(o, "%-38s %-10s %-18s %-18s %6s %6s %-6s %s\n", "site", "homepage",
          "level 2 internal", "level 3 internal", "L2 all", "L3 all", "result",
          "name");
  for (i = 0; i < n; i++) {
    char l2[48], l3[48], a2[16], a3[16];
    const char *site = cli_tx(sites[i].start_url);
    int hk = report_home_class(c->st, c->run.id, &sites[i]);
    pct(l2, sizeof(l2), &figs[i].level[2][0], 1);
    pct(l3, sizeof(l3), &figs[i].level[3][0], 1);
    pct(a2, sizeof(a2), &figs[i].level[2][1], 0);
    pct(a3, sizeof(a3), &figs[i].level[3][1], 0);
    if (sites[i].unit && (i == 0 || !sites[i - 1].unit ||
                          strcmp(sites[i].unit, sites[i - 1].unit) != 0))
      fprintf(o, "[%s]\n", cli_tx(sites[i].unit));
    /* the name last: its width on a terminal is not its length */
    fprintf(o, "%-38.38s %-10s %-18s %-18s %6s %6s %-*s%s%s\n", site,
            store_class_name(hk), l2, l3, a2, a3, sites[i].name ? 6 : 0,
            verdict_word(report_site_verdict(&figs[i], threshold)),
            sites[i].name ? " " : "",
            sites[i].name ? cli_tx(sites[i].name) : "");
    if (strlen(site) > 38)
      fprintf(o, "  (%s)\n", site);
  }
}

/* A "+12% -3% -" cell of the delay ratios of @x, or of the timing
 * requests @t when the run made them. */
static void delay_cell(char *buf, size_t len, const struct report_delay *x,
                       const struct report_timing *t)
{
  static const int tk[3] = {REPORT_T_CONNECT, REPORT_T_FIRST_BYTE,
                            REPORT_T_TOTAL};
  char part[3][16];
  double d;
  int m;

  for (m = 0; m < 3; m++) {
    if (t->have ? report_timing_ratio(t, tk[m], &d) == 0
                : report_delay_ratio(x, m, &d) == 0)
      snprintf(part[m], sizeof(part[m]), "%+.0f%%", d * 100);
    else
      snprintf(part[m], sizeof(part[m]), "-");
  }
  snprintf(buf, len, "%s %s %s", part[0], part[1], part[2]);
}

/* The homepage, name server and delay table. */
static void text_extras(struct common *c, const struct store_site *sites,
                        size_t n)
{
  FILE *o = c->out;
  size_t i;

  fputs("\nOther indicators: homepage and name servers (delay is "
        "IPv6/IPv4 - 1 of the medians, <= 20% or <= 5 ms passes; detail "
        "below)\n",
        o);
  fprintf(o, "%-38s %-5s %-10s %-12s %-8s %s\n", "site", "AAAA", "IPv6 tries",
          "v4/v6 alike", "NS IPv6", "delay connect/first/total");
  for (i = 0; i < n; i++) {
    struct report_delay ex;
    struct report_timing tx;
    char tries[24], alike[24], ns[24], delay[64] = "-";
    if (report_delay_site(c->st, c->run.id, sites[i].idx, &ex) != STORE_OK ||
        report_timing_site(c->st, c->run.id, sites[i].idx, &tx) != STORE_OK)
      continue;
    snprintf(tries, sizeof(tries), "%d/%d", sites[i].home_ok,
             sites[i].home_tries);
    if (sites[i].consistent < 0)
      snprintf(alike, sizeof(alike), "-");
    else
      snprintf(alike, sizeof(alike), "%s %.0f%%",
               sites[i].consistent ? "yes" : "NO", sites[i].similarity * 100);
    snprintf(ns, sizeof(ns), "%d/%d", sites[i].ns_ipv6, sites[i].ns_total);
    delay_cell(delay, sizeof(delay), &ex, &tx);
    report_timing_cleanup(&tx);
    fprintf(o, "%-38.38s %-5s %-10s %-12s %-8s %s\n",
            cli_tx(sites[i].start_url), ex.aaaa ? "yes" : "NO", tries, alike,
            ns, delay);
  }
}

/* What the pages may hide: script-built links and cut pages. */
static void text_notes(FILE *o, const struct store_site *sites, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++)
    if (sites[i].script_links > 0)
      fprintf(o,
              "%s: its pages' scripts name %d more URL%s that are not "
              "links (crawl with --script-links to count them)\n",
              cli_tx(sites[i].start_url), sites[i].script_links,
              sites[i].script_links == 1 ? "" : "s");
  for (i = 0; i < n; i++)
    if (sites[i].pages_truncated > 0)
      fprintf(o,
              "%s: %d page%s longer than --max-body, read up to it "
              "(links past the cap are missing)\n",
              cli_tx(sites[i].start_url), sites[i].pages_truncated,
              sites[i].pages_truncated == 1 ? " was" : "s were");
}

/* The pages of site @s not parsed as a browser would, one line each. */
static int text_cuts(struct common *c, const struct store_site *s)
{
  struct store_page_cut *v = NULL;
  size_t n = 0, k;
  int rc = store_page_cuts_list(c->st, c->run.id, s->idx, &v, &n);

  for (k = 0; rc == STORE_OK && k < n; k++) {
    fprintf(c->out,
            "%s: page %s (%" PRIu64 " bytes) not parsed as a browser "
            "would:",
            s->start_url, v[k].url, v[k].bytes);
    if (v[k].cut & 1)
      fprintf(c->out,
              " nested deeper than %" PRIu64 " from byte %" PRIu64 ", %" PRIu64
              " start tag%s past it parsed flat%s",
              v[k].depth, v[k].flat_at, v[k].flattened,
              v[k].flattened == 1 ? "" : "s", v[k].cut & 2 ? ";" : "");
    if (v[k].cut & 2)
      fprintf(c->out, " over the parse budget, read up to byte %" PRIu64,
              v[k].parsed);
    fputc('\n', c->out);
  }
  store_page_cuts_free(v, n);
  return rc;
}

/* The "pages_cut" array of site @s. */
static json_t *cuts_json(struct common *c, const struct store_site *s, int *rc)
{
  struct store_page_cut *v = NULL;
  size_t n = 0, k;
  json_t *a = json_array();
  int src = store_page_cuts_list(c->st, c->run.id, s->idx, &v, &n);

  cli_jrc(rc, src);
  for (k = 0; src == STORE_OK && k < n; k++) {
    json_t *o = json_object();
    json_object_set_new(o, "url", cli_jstr(v[k].url));
    json_object_set_new(o, "nesting", json_boolean(v[k].cut & 1));
    json_object_set_new(o, "budget", json_boolean(v[k].cut & 2));
    json_object_set_new(o, "bytes", json_integer((json_int_t)v[k].bytes));
    json_object_set_new(o, "parsed", json_integer((json_int_t)v[k].parsed));
    json_object_set_new(o, "depth", json_integer((json_int_t)v[k].depth));
    json_object_set_new(o, "flattened",
                        json_integer((json_int_t)v[k].flattened));
    json_object_set_new(o, "flat_at", json_integer((json_int_t)v[k].flat_at));
    json_array_append_new(a, o);
  }
  store_page_cuts_free(v, n);
  return a;
}

/* Per site with any, its CDN and cloud providers: a line each. */
static int text_cdn(struct common *c, const struct store_site *sites, size_t n)
{
  struct report_cdn_site cs;
  FILE *o = c->out;
  char p[32];
  size_t i, k, j;
  int rc = STORE_OK, head = 0;

  for (i = 0; i < n && rc == STORE_OK; i++) {
    rc = report_cdn_site_build(c->st, c->run.id, sites[i].idx, &c->cdn, &cs);
    if (rc == STORE_OK && cs.n) {
      if (!head)
        fputs("\nCDN and cloud providers (by CNAME; internal level-2 + "
              "level-3 links, by the host of each link's URL)\n",
              o);
      head = 1;
      fprintf(o, "%s\n", cli_tx(sites[i].start_url));
      for (k = 0; k < cs.n; k++) {
        report_pct_floor(p, sizeof p, cs.v[k].ipv6, cs.v[k].links);
        fprintf(o, "  %s: %u/%u links over IPv6 (%s); hosts: ",
                cli_tx(cs.v[k].provider), cs.v[k].ipv6, cs.v[k].links, p);
        for (j = 0; j < cs.v[k].n_hosts; j++)
          fprintf(o, "%s%s", j ? ", " : "", cli_tx(cs.v[k].hosts[j]));
        fputc('\n', o);
      }
    }
    report_cdn_site_cleanup(&cs);
  }
  return rc;
}

/* The dedicated timing requests: the homepage delay and, for the sites
 * with any, the CDN performance. */
static int text_timing(struct common *c, const struct store_site *sites,
                       size_t n)
{
  struct report_timing tx;
  struct report_perf_site ps;
  size_t i;
  int rc = STORE_OK, head = 0;

  fprintf(c->out,
          "\nDelay of the homepage (dedicated requests on fresh "
          "connections; IPv6 median within %g ms or 20%% of IPv4's passes)\n",
          REPORT_TIMING_FLOOR_MS);
  for (i = 0; i < n && rc == STORE_OK; i++) {
    rc = report_timing_site(c->st, c->run.id, sites[i].idx, &tx);
    if (rc == STORE_OK)
      cli_text_timing(c->out, sites[i].start_url, &tx);
    report_timing_cleanup(&tx);
  }
  for (i = 0; i < n && rc == STORE_OK; i++) {
    rc = report_perf_site_build(c->st, c->run.id, sites[i].idx, &c->cdn, &ps);
    if (rc == STORE_OK && ps.cs.n && !head++)
      fprintf(c->out,
              "\nCDN performance (IPv6 at least 85%% of IPv4 in first byte "
              "and throughput, or within %g ms)\n",
              REPORT_TIMING_FLOOR_MS);
    if (rc == STORE_OK)
      cli_text_perf(c->out, sites[i].start_url, &ps);
    report_perf_site_cleanup(&ps);
  }
  return rc;
}

static int report_text(struct common *c, struct store_site *sites, size_t n,
                       struct store_site_figs *figs, double threshold)
{
  FILE *o = c->out;
  size_t i;
  int k, rc, src;

  text_figs(c, sites, n, figs, threshold);
  text_extras(c, sites, n);
  src = c->have_w
          ? cli_score_text(o, c->st, &c->run, sites, n, figs, &c->w, &c->cdn)
          : STORE_OK;
  text_notes(o, sites, n);
  for (i = 0, rc = STORE_OK; i < n && rc == STORE_OK; i++)
    rc = text_cuts(c, &sites[i]);
  if (rc == STORE_OK)
    rc = cli_render_text(o, c->st, &c->run, sites, n);
  if (rc)
    return rc;
  fputs("\nLinks by class (internal, level 2 + level 3)\n", o);
  fprintf(o, "%-38s", "site");
  for (k = 0; k <= CLASS_SKIPPED; k++)
    fprintf(o, " %7s", store_class_name(k));
  fprintf(o, " %7s", store_class_name(CLASS_BLOCKED));
  fputc('\n', o);
  for (i = 0; i < n; i++) {
    fprintf(o, "%-38.38s", cli_tx(sites[i].start_url));
    for (k = 0; k <= CLASS_SKIPPED; k++)
      fprintf(o, " %7u",
              figs[i].level[2][0].classes[k] + figs[i].level[3][0].classes[k]);
    fprintf(o, " %7u",
            figs[i].level[2][0].classes[CLASS_BLOCKED] +
              figs[i].level[3][0].classes[CLASS_BLOCKED]);
    fputc('\n', o);
  }
  cli_walls_text(o, sites, n, figs);
  rc = text_cdn(c, sites, n);
  if (rc == STORE_OK)
    rc = src;
  if (rc == STORE_OK)
    rc = cli_deleg_text(o, c->st, c->run.id, sites, n);
  if (rc == STORE_OK)
    rc = text_timing(c, sites, n);
  if (rc == STORE_OK)
    rc = cli_complete_text(o, c->st, c->run.id, sites, n, &c->cdn);
  for (i = 0; i < n; i++)
    if (sites[i].error)
      fprintf(o, "\n%s: %s\n", cli_tx(sites[i].start_url),
              cli_tx(sites[i].error));
  fputs("\nok = works over IPv6 and IPv4. Failing links and their evidence: "
        "`v6crawl links --class CLASS`.\n",
        o);
  return rc;
}

/* The "cdn" array of site @s: its providers (report_cdn_site_build). */
static json_t *cdn_json(struct common *c, const struct store_site *s, int *rc)
{
  struct report_cdn_site cs;
  json_t *a = json_array();
  size_t k, j;
  int src = report_cdn_site_build(c->st, c->run.id, s->idx, &c->cdn, &cs);

  cli_jrc(rc, src);
  for (k = 0; src == STORE_OK && k < cs.n; k++) {
    json_t *o = json_object(), *hosts = json_array();
    json_object_set_new(o, "provider", cli_jstr(cs.v[k].provider));
    for (j = 0; j < cs.v[k].n_hosts; j++)
      json_array_append_new(hosts, cli_jstr(cs.v[k].hosts[j]));
    json_object_set_new(o, "hosts", hosts);
    json_object_set_new(o, "links", json_integer(cs.v[k].links));
    json_object_set_new(o, "ipv6", json_integer(cs.v[k].ipv6));
    json_array_append_new(a, o);
  }
  report_cdn_site_cleanup(&cs);
  return a;
}

/* The "levels" object of a site: per level its internal and all figures,
 * each with its pass against @threshold. */
static json_t *levels_json(const struct store_site_figs *f, double threshold)
{
  json_t *o = json_object();
  char key[16];
  int l;

  for (l = 2; l <= report_max_level(f); l++) {
    json_t *x = json_object();
    json_object_set_new(x, "internal", fig_json(&f->level[l][0], threshold));
    json_object_set_new(x, "all", fig_json(&f->level[l][1], threshold));
    snprintf(key, sizeof key, "%d", l);
    json_object_set_new(o, key, x);
  }
  return o;
}

/* The object of site @s (figures @f) in the JSON report. */
static json_t *site_json(struct common *c, const struct store_site *s,
                         const struct store_site_figs *f, double threshold,
                         int *rc)
{
  struct report_delay ex;
  struct report_timing tx;
  struct report_perf_site ps;
  json_t *o = json_object(), *home = json_object();
  int hk = report_home_class(c->st, c->run.id, s), src;

  memset(&tx, 0, sizeof tx);
  memset(&ps, 0, sizeof ps);
  json_object_set_new(o, "start_url", cli_jstr(s->start_url));
  json_object_set_new(o, "final_url", cli_jstr(s->final_url));
  json_object_set_new(o, "name", cli_jstr(s->name));
  json_object_set_new(o, "unit", cli_jstr(s->unit));
  json_object_set_new(o, "scope_domain", cli_jstr(s->scope_domain));
  json_object_set_new(o, "error", cli_jstr(s->error));
  json_object_set_new(o, "script_links", json_integer(s->script_links));
  json_object_set_new(o, "pages_truncated", json_integer(s->pages_truncated));
  json_object_set_new(o, "pass", cli_jbool3(report_site_verdict(f, threshold)));
  json_object_set_new(home, "ipv6", json_boolean(report_home_verdict(hk) > 0));
  json_object_set_new(home, "class", json_string(store_class_name(hk)));
  json_object_set_new(o, "homepage", home);
  src = report_timing_site(c->st, c->run.id, s->idx, &tx);
  cli_jrc(rc, src);
  if (report_delay_site(c->st, c->run.id, s->idx, &ex) == STORE_OK)
    extras_json(o, s, &ex, &tx);
  json_object_set_new(o, "timing", cli_timing_json(&tx));
  report_timing_cleanup(&tx);
  json_object_set_new(o, "cdn", cdn_json(c, s, rc));
  json_object_set_new(o, "score",
                      cli_score_json(c->st, &c->run, s, f,
                                     c->have_w ? &c->w : NULL, &c->cdn, rc));
  json_object_set_new(o, "delegation",
                      cli_deleg_json(c->st, c->run.id, s->idx, rc));
  src = report_perf_site_build(c->st, c->run.id, s->idx, &c->cdn, &ps);
  cli_jrc(rc, src);
  json_object_set_new(o, "cdn_performance",
                      src == STORE_OK ? cli_perf_json(&ps) : json_array());
  report_perf_site_cleanup(&ps);
  json_object_set_new(o, "pages_cut", cuts_json(c, s, rc));
  json_object_set_new(o, "render", cli_render_json(c->st, &c->run, s, rc));
  json_object_set_new(o, "completeness",
                      cli_complete_json(c->st, c->run.id, s->idx, &c->cdn, rc));
  json_object_set_new(o, "levels", levels_json(f, threshold));
  return o;
}

static int report_json(struct common *c, struct store_site *sites, size_t n,
                       struct store_site_figs *figs, double threshold)
{
  json_t *doc = cli_jdoc("report"), *a = json_array();
  size_t i;
  int rc = STORE_OK, drc;

  json_object_set_new(doc, "run", cli_run_json(c->st, &c->run, &rc));
  json_object_set_new(doc, "threshold", cli_jnum(1, threshold));
  for (i = 0; i < n && rc == STORE_OK; i++)
    json_array_append_new(a, site_json(c, &sites[i], &figs[i], threshold, &rc));
  json_object_set_new(doc, "sites", a);
  if (rc != STORE_OK) {
    json_decref(doc);
    return rc;
  }
  drc = cli_jdump(c->out, doc);
  return drc;
}

static void report_csv(struct common *c, struct store_site *sites, size_t n,
                       struct store_site_figs *figs)
{
  static const char *const head[] = {"run",
                                     "site",
                                     "name",
                                     "unit",
                                     "level",
                                     "scope",
                                     "links",
                                     "counted",
                                     "ipv6",
                                     "concentration",
                                     "alive_concentration"};
  /* after the classes: the run's date (added last, so that a reader by
   * column number keeps working) */
  FILE *o = c->out;
  size_t i;
  int l, s, k;
  char date[16];
  csv_bom(o);
  cli_date(date, sizeof date, c->run.started);
  for (k = 0; k < 11; k++)
    csv_field(o, head[k], 0);
  for (k = 0; k < CLASS__N; k++)
    csv_field(o, store_class_name(k), 0);
  csv_field(o, "date", 1);
  for (i = 0; i < n; i++) {
    for (l = 2; l <= report_max_level(&figs[i]); l++) {
      for (s = 0; s < 2; s++) {
        const struct store_fig *f = &figs[i].level[l][s];
        double v = 0, va = 0;
        int hv = store_fig_concentration(f, &v) == 0;
        int ha = store_fig_alive_concentration(f, &va) == 0;
        csv_num(o, 1, c->run.id, 0);
        csv_field(o, sites[i].start_url, 0);
        csv_field(o, sites[i].name, 0);
        csv_field(o, sites[i].unit, 0);
        csv_num(o, 1, l, 0);
        csv_field(o, s ? "all" : "internal", 0);
        csv_num(o, 1, f->links, 0);
        csv_num(o, 1, store_fig_counted(f), 0);
        csv_num(o, 1, store_fig_supported(f), 0);
        csv_num(o, hv, v, 0);
        csv_num(o, ha, va, 0);
        for (k = 0; k < CLASS__N; k++)
          csv_num(o, 1, f->classes[k], 0);
        csv_field(o, date, 1);
      }
    }
  }
}

struct report_args {
  struct cli_html_opts html; /* --lang, --threshold, --title, --org,
                              * --summary */
  double fail_under;
  int by_unit;
};

static int report_opt(void *ud, int id, const char *arg)
{
  struct report_args *r = ud;

  switch (id) {
    case OPT_BYUNIT:
      r->by_unit = 1;
      return -1;
    case OPT_TITLE:
      r->html.title = arg;
      return -1;
    case OPT_ORG:
      r->html.org = arg;
      return -1;
    case OPT_SUMMARY:
      r->html.summary = 1;
      return -1;
    case OPT_LANG:
      if (strcmp(arg, "zh") != 0 && strcmp(arg, "en") != 0) {
        cli_err("bad --lang '%s': zh or en", arg);
        return EXIT_USAGE;
      }
      r->html.lang = arg;
      return -1;
    case OPT_FAILUNDER:
      return cli_pct_opt("fail-under", arg, &r->fail_under);
    case OPT_THRESHOLD:
      return cli_pct_opt("threshold", arg, &r->html.threshold);
    default:
      return EXIT_USAGE;
  }
}

int cmd_report(int argc, char **argv)
{
  struct report_args r = {{NULL, 85, NULL, NULL, 0}, -1, 0};
  struct common c;
  struct store_site *sites = NULL;
  struct store_site_figs *figs = NULL;
  size_t n = 0;
  int rc, src;

  memset(&c, 0, sizeof(c));
  rc = cli_args_parse(CMD_REPORT, argc, argv, &c.a, report_opt, &r);
  if (rc >= 0)
    return rc;
  rc = common_open(&c);
  if (rc != EXIT_OKAY)
    return common_close(&c, rc);
  src = report_sites_load(c.st, c.run.id, r.by_unit, &sites, &figs, &n);
  if (src != STORE_OK) {
    cli_err("cannot read the store %s: %s", c.db, store_strerror(src));
    rc = EXIT_STORE;
    goto out;
  }
  if (c.a.format != V6_FMT_CSV && cli_cdn_find(&c.cdn) == STORE_NOMEM) {
    cli_err("out of memory");
    rc = EXIT_INTERNAL;
    goto out;
  }
  if (c.a.format == V6_FMT_TEXT || c.a.format == V6_FMT_JSON)
    c.have_w = cli_weights_find(&c.w) == 0;
  if (c.a.format == V6_FMT_JSON)
    src = report_json(&c, sites, n, figs, r.html.threshold);
  else if (c.a.format == V6_FMT_CSV)
    report_csv(&c, sites, n, figs);
  else if (c.a.format == V6_FMT_HTML)
    src = report_html(c.out, c.st, &c.run, sites, n, figs, &r.html, &c.cdn);
  else
    src = report_text(&c, sites, n, figs, r.html.threshold);
  if (src != STORE_OK) {
    cli_err("cannot read the store %s: %s", c.db, store_strerror(src));
    rc = src == STORE_NOMEM ? EXIT_INTERNAL : EXIT_STORE;
  }
  /* after the report is written: the figures are printed either way */
  if (rc == EXIT_OKAY && r.fail_under >= 0)
    rc = cli_fail_under(c.st, c.run.id, r.fail_under);
out:
  free(figs);
  store_sites_free(sites, n);
  return common_close(&c, rc);
}

/* ---- links ----------------------------------------------------------- */

struct links_ctx {
  struct common *c;
  const char *site; /* --site */
  struct store_site *sites;
  size_t n_sites;
  int level, klass;
  size_t count;
  json_t *rows;  /* the JSON "links" array */
  char date[16]; /* the CSV date column: the run's start date */
};

static json_t *family_json(const struct store_family *f)
{
  json_t *o = json_object();
  json_object_set_new(o, "ok", json_boolean(f->ok));
  json_object_set_new(o, "status", json_integer(f->status));
  json_object_set_new(o, "error", cli_jstr(f->error));
  json_object_set_new(o, "hops", cli_jhops(f->hops));
  json_object_set_new(o, "connect_ms", cli_jnum(1, f->connect_ms));
  json_object_set_new(o, "total_ms", cli_jnum(1, f->total_ms));
  return o;
}

static const char *site_url(const struct links_ctx *x, uint32_t idx)
{
  size_t i;
  for (i = 0; i < x->n_sites; i++)
    if (x->sites[i].idx == idx)
      return x->sites[i].start_url;
  return "";
}

static json_t *link_json(const struct links_ctx *x,
                         const struct store_link_row *r, const char *scope)
{
  json_t *o = json_object(), *d;

  json_object_set_new(o, "site", cli_jstr(site_url(x, r->site)));
  json_object_set_new(o, "url", cli_jstr(r->url));
  json_object_set_new(o, "level", json_integer(r->level));
  json_object_set_new(o, "scope", json_string(scope));
  json_object_set_new(o, "class", json_string(store_class_name(r->klass)));
  json_object_set_new(o, "parent", cli_jstr(r->parent));
  if (r->host) {
    d = json_object();
    json_object_set_new(d, "host", cli_jstr(r->host->name));
    json_object_set_new(d, "host_unicode", cli_jstr(cli_idn(r->host->name)));
    json_object_set_new(d, "a", cli_jlist(r->host->a, ","));
    json_object_set_new(d, "aaaa", cli_jlist(r->host->aaaa, ","));
    json_object_set_new(d, "a_error", cli_jstr(r->host->a_error));
    json_object_set_new(d, "aaaa_error", cli_jstr(r->host->aaaa_error));
    json_object_set_new(d, "cnames", cli_jlist(r->host->cnames, " -> "));
    json_object_set_new(
      d, "cdn", cli_jstr(report_cdn_provider(&x->c->cdn, r->host->cnames)));
  } else {
    d = json_null();
  }
  json_object_set_new(o, "dns", d);
  json_object_set_new(o, "v6",
                      r->probe ? family_json(&r->probe->v6) : json_null());
  json_object_set_new(o, "v4",
                      r->probe ? family_json(&r->probe->v4) : json_null());
  return o;
}

static void link_csv(FILE *o, const struct links_ctx *x,
                     const struct store_link_row *r, const char *scope)
{
  csv_field(o, site_url(x, r->site), 0);
  csv_field(o, r->url, 0);
  csv_num(o, 1, r->level, 0);
  csv_field(o, scope, 0);
  csv_field(o, store_class_name(r->klass), 0);
  csv_field(o, r->host ? r->host->a : NULL, 0);
  csv_field(o, r->host ? r->host->aaaa : NULL, 0);
  csv_field(o, r->host ? r->host->a_error : NULL, 0);
  csv_field(o, r->host ? r->host->aaaa_error : NULL, 0);
  csv_field(o, r->host ? r->host->cnames : NULL, 0);
  csv_num(o, r->probe && r->probe->v6.status,
          r->probe ? r->probe->v6.status : 0, 0);
  csv_field(o, r->probe ? r->probe->v6.error : NULL, 0);
  csv_num(o, r->probe && r->probe->v4.status,
          r->probe ? r->probe->v4.status : 0, 0);
  csv_field(o, r->probe ? r->probe->v4.error : NULL, 0);
  csv_lines(o, r->probe ? r->probe->v6.hops : NULL, 0);
  csv_lines(o, r->probe ? r->probe->v4.hops : NULL, 0);
  csv_field(o, x->date, 1);
}

static void link_text(FILE *o, const struct store_link_row *r,
                      const char *scope)
{
  const char *uni = r->host ? cli_idn(r->host->name) : NULL;

  fprintf(o, "L%d %-8s %-10s %s\n", r->level, scope, store_class_name(r->klass),
          cli_tx(r->url));
  if (uni)
    fprintf(o, "     host: %s (%s)\n", cli_tx(r->host->name), cli_tx(uni));
  if (r->klass != CLASS_OK && r->klass != CLASS_SKIPPED) {
    if (r->host)
      fprintf(o, "     dns: A %s%s%s  AAAA %s%s%s%s%s\n",
              r->host->a ? cli_tx(r->host->a) : "-",
              r->host->a_error ? " " : "",
              r->host->a_error ? cli_tx(r->host->a_error) : "",
              r->host->aaaa ? cli_tx(r->host->aaaa) : "-",
              r->host->aaaa_error ? " " : "",
              r->host->aaaa_error ? cli_tx(r->host->aaaa_error) : "",
              r->host->cnames ? "  CNAME " : "",
              r->host->cnames ? cli_tx(r->host->cnames) : "");
    if (r->probe) {
      fprintf(o, "     v6: %s\n",
              r->probe->v6.error  ? cli_tx(r->probe->v6.error)
              : r->probe->v6.hops ? cli_tx_lines(r->probe->v6.hops)
                                  : "-");
      fprintf(o, "     v4: %s\n",
              r->probe->v4.error  ? cli_tx(r->probe->v4.error)
              : r->probe->v4.hops ? cli_tx_lines(r->probe->v4.hops)
                                  : "-");
    }
  }
}

static int link_row(const struct store_link_row *r, void *ud)
{
  struct links_ctx *x = ud;
  FILE *o = x->c->out;
  const char *scope = r->internal ? "internal" : "external";
  if (x->level && r->level != x->level)
    return 0;
  if (x->klass >= 0 && r->klass != x->klass)
    return 0;
  if (x->c->a.format == V6_FMT_JSON)
    json_array_append_new(x->rows, link_json(x, r, scope));
  else if (x->c->a.format == V6_FMT_CSV)
    link_csv(o, x, r, scope);
  else
    link_text(o, r, scope);
  x->count++;
  return 0;
}

/* What --site, --level and --class picked (null: not given). */
static json_t *filter_json(const struct links_ctx *x)
{
  json_t *o = json_object();
  json_object_set_new(o, "site", cli_jstr(x->site));
  json_object_set_new(o, "level",
                      x->level ? json_integer(x->level) : json_null());
  json_object_set_new(o, "class",
                      x->klass >= 0 ? json_string(store_class_name(x->klass))
                                    : json_null());
  return o;
}

static int links_opt(void *ud, int id, const char *arg)
{
  struct links_ctx *x = ud;

  if (id != OPT_CLASS)
    return EXIT_USAGE;
  x->klass = store_class_parse(arg);
  if (x->klass < 0) {
    cli_err("bad --class '%s'", arg);
    return EXIT_USAGE;
  }
  return -1;
}

/* --level @level (0: not given) against the depth run @r was crawled to
 * (its options' "depth=N"): a level it cannot have is refused rather
 * than listing nothing. */
static int level_check(const struct store_run *r, int level)
{
  const char *d = r->options ? strstr(r->options, "depth=") : NULL;
  long depth = d ? strtol(d + 6, NULL, 10) : 0;

  if (level <= 0 || depth <= 0 || level <= depth)
    return EXIT_OKAY;
  cli_usage_err(CMD_LINKS,
                "bad --level %d: run %u was crawled to depth %ld "
                "(levels 1 to %ld)",
                level, r->id, depth, depth);
  return EXIT_USAGE;
}

int cmd_links(int argc, char **argv)
{
  struct common c;
  struct links_ctx x;
  uint32_t site_idx = UINT32_MAX;
  json_t *doc = NULL;
  size_t i;
  int rc, src;

  memset(&c, 0, sizeof(c));
  memset(&x, 0, sizeof(x));
  x.klass = -1;
  rc = cli_args_parse(CMD_LINKS, argc, argv, &c.a, links_opt, &x);
  if (rc >= 0)
    return rc;
  x.site = c.a.site;
  x.level = c.a.level;
  x.c = &c;
  rc = common_open(&c);
  if (rc != EXIT_OKAY)
    return common_close(&c, rc);
  rc = level_check(&c.run, x.level);
  if (rc != EXIT_OKAY)
    return common_close(&c, rc);
  if (c.a.format == V6_FMT_JSON && cli_cdn_find(&c.cdn) == STORE_NOMEM) {
    cli_err("out of memory");
    rc = EXIT_INTERNAL;
    goto out;
  }
  src = store_sites_list(c.st, c.run.id, &x.sites, &x.n_sites);
  if (src == STORE_OK && x.site) {
    for (i = 0; i < x.n_sites; i++)
      if (report_site_is(&x.sites[i], x.site))
        site_idx = x.sites[i].idx;
    if (site_idx == UINT32_MAX) {
      cli_err("no site %s in run %u", x.site, c.run.id);
      rc = EXIT_USAGE;
      goto out;
    }
  }
  if (c.a.format == V6_FMT_JSON) {
    doc = cli_jdoc("links");
    x.rows = json_array();
    json_object_set_new(doc, "run", cli_run_json(c.st, &c.run, &src));
    json_object_set_new(doc, "filter", filter_json(&x));
  }
  if (c.a.format == V6_FMT_CSV) {
    cli_date(x.date, sizeof x.date, c.run.started);
    csv_bom(c.out);
    fputs("site,url,level,scope,class,a,aaaa,a_error,aaaa_error,cnames,"
          "v6_status,v6_error,v4_status,v4_error,v6_hops,v4_hops,date\r\n",
          c.out);
  }
  if (src == STORE_OK)
    src = store_links_each(c.st, c.run.id, site_idx, link_row, &x);
  if (doc) {
    json_object_set_new(doc, "links", x.rows);
    x.rows = NULL;
    if (src == STORE_OK)
      src = cli_jdump(c.out, doc);
    else
      json_decref(doc);
    doc = NULL;
  }
  if (src != STORE_OK) {
    cli_err("cannot read the store %s: %s", c.db, store_strerror(src));
    rc = EXIT_STORE;
  }
out:
  json_decref(x.rows);
  json_decref(doc);
  store_sites_free(x.sites, x.n_sites);
  return common_close(&c, rc);
}
