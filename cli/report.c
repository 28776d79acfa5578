/* cli/report.c - `v6crawl report` and `v6crawl links`: the figures and
 * the evidence, read from the store alone, as text, JSON or CSV. */
#include "config.h"

#include <inttypes.h>
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

static void json_fig(FILE *o, const struct store_fig *f)
{
  double c = 0, a = 0;
  int hc = store_fig_concentration(f, &c) == 0;
  int ha = store_fig_alive_concentration(f, &a) == 0;
  int k;
  fprintf(o, "{\"links\": %u, \"counted\": %u, \"ipv6\": %u, ", f->links,
          store_fig_counted(f), store_fig_supported(f));
  fputs("\"concentration\": ", o);
  json_num(o, hc, c);
  fputs(", \"alive_concentration\": ", o);
  json_num(o, ha, a);
  fputs(", \"classes\": {", o);
  for (k = 0; k < CLASS__N; k++)
    fprintf(o, "%s\"%s\": %u", k ? ", " : "", store_class_name(k),
            f->classes[k]);
  fputs("}}", o);
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

static void json_extras(FILE *o, const struct store_site *s,
                        const struct report_delay *x,
                        const struct report_timing *t)
{
  static const char *const dname[3] = {"connect", "first_byte", "total"};
  static const int tk[3] = {REPORT_T_CONNECT, REPORT_T_FIRST_BYTE,
                            REPORT_T_TOTAL};
  double v = 0;
  int k, ok, pass = t->have ? report_timing_pass(t) : report_delay_pass(x);
  fprintf(o,
          ",\n   \"homepage_detail\": {\"aaaa\": %s, \"v6_tries\": %d, "
          "\"v6_ok\": %d, \"v6_success_rate\": ",
          x->aaaa ? "true" : "false", s->home_tries, s->home_ok);
  json_num(o, s->home_tries > 0,
           s->home_tries ? (double)s->home_ok / s->home_tries : 0);
  fputs(", \"consistent\": ", o);
  fputs(s->consistent < 0 ? "null" : s->consistent ? "true" : "false", o);
  fputs(", \"similarity\": ", o);
  json_num(o, s->consistent >= 0, s->similarity);
  fprintf(o,
          "},\n   \"name_servers\": {\"total\": %d, \"ipv6\": %d, "
          "\"hosts\": ",
          s->ns_total, s->ns_ipv6);
  json_str(o, s->ns_hosts);
  fprintf(o,
          "},\n   \"delay\": {\"links\": %u, \"dns_hosts\": %u, "
          "\"dns_ratio\": ",
          x->timed, x->n_dns);
  /* the ratio first: the order arguments are evaluated in is unspecified;
   * from the dedicated timing requests when the run made them */
  ok = t->have ? report_timing_ratio(t, REPORT_T_DNS, &v) == 0
               : report_delay_dns_ratio(x, &v) == 0;
  json_num(o, ok, v);
  for (k = 0; k < 3; k++) {
    ok = t->have ? report_timing_ratio(t, tk[k], &v) == 0
                 : report_delay_ratio(x, k, &v) == 0;
    fprintf(o, ", \"%s_ratio\": ", dname[k]);
    json_num(o, ok, v);
  }
  fprintf(o, ", \"method\": \"%s\", \"pass\": %s}",
          t->have ? "timing" : "probes",
          pass < 0 ? "null"
          : pass   ? "true"
                   : "false");
}

static void text_line(void *ud, const char *s)
{
  fprintf(ud, "%s\n", s);
}

/* The run line and the table of concentrations. */
static void text_figs(struct common *c, const struct store_site *sites,
                      size_t n, const struct store_site_figs *figs)
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
  fputs("\nIPv6 concentration of internal links (supported/counted)\n", o);
  fprintf(o, "%-38s %-10s %-18s %-18s %6s %6s\n", "site", "homepage",
          "level 2 internal", "level 3 internal", "L2 all", "L3 all");
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
    fprintf(o, "%-38.38s %-10s %-18s %-18s %6s %6s\n", site,
            store_class_name(hk), l2, l3, a2, a3);
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

static int json_cuts(struct common *c, const struct store_site *s)
{
  struct store_page_cut *v = NULL;
  size_t n = 0, k;
  int rc = store_page_cuts_list(c->st, c->run.id, s->idx, &v, &n);

  fputs(",\n   \"pages_cut\": [", c->out);
  for (k = 0; rc == STORE_OK && k < n; k++) {
    fputs(k ? ", {\"url\": " : "{\"url\": ", c->out);
    json_str(c->out, v[k].url);
    fprintf(c->out,
            ", \"nesting\": %s, \"budget\": %s, \"bytes\": %" PRIu64
            ", \"parsed\": %" PRIu64 ", \"depth\": %" PRIu64
            ", \"flattened\": %" PRIu64 ", \"flat_at\": %" PRIu64 "}",
            v[k].cut & 1 ? "true" : "false", v[k].cut & 2 ? "true" : "false",
            v[k].bytes, v[k].parsed, v[k].depth, v[k].flattened, v[k].flat_at);
  }
  fputc(']', c->out);
  store_page_cuts_free(v, n);
  return rc;
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
                       struct store_site_figs *figs)
{
  FILE *o = c->out;
  size_t i;
  int k, rc, src;

  text_figs(c, sites, n, figs);
  text_extras(c, sites, n);
  src = c->have_w
          ? cli_score_text(o, c->st, &c->run, sites, n, figs, &c->w, &c->cdn)
          : STORE_OK;
  text_notes(o, sites, n);
  for (i = 0, rc = STORE_OK; i < n && rc == STORE_OK; i++)
    rc = text_cuts(c, &sites[i]);
  if (rc)
    return rc;
  fputs("\nLinks by class (internal, level 2 + level 3)\n", o);
  fprintf(o, "%-38s", "site");
  for (k = 0; k <= CLASS_SKIPPED; k++)
    fprintf(o, " %7s", store_class_name(k));
  fputc('\n', o);
  for (i = 0; i < n; i++) {
    fprintf(o, "%-38.38s", cli_tx(sites[i].start_url));
    for (k = 0; k <= CLASS_SKIPPED; k++)
      fprintf(o, " %7u",
              figs[i].level[2][0].classes[k] + figs[i].level[3][0].classes[k]);
    fputc('\n', o);
  }
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

/* The "cdn" key of site @s: its providers (report_cdn_site_build). */
static int json_cdn(struct common *c, const struct store_site *s)
{
  struct report_cdn_site cs;
  FILE *o = c->out;
  size_t k, j;
  int rc;

  rc = report_cdn_site_build(c->st, c->run.id, s->idx, &c->cdn, &cs);
  fputs(",\n   \"cdn\": [", o);
  for (k = 0; rc == STORE_OK && k < cs.n; k++) {
    fputs(k ? ", {\"provider\": " : "{\"provider\": ", o);
    json_str(o, cs.v[k].provider);
    fputs(", \"hosts\": [", o);
    for (j = 0; j < cs.v[k].n_hosts; j++) {
      if (j)
        fputs(", ", o);
      json_str(o, cs.v[k].hosts[j]);
    }
    fprintf(o, "], \"links\": %u, \"ipv6\": %u}", cs.v[k].links, cs.v[k].ipv6);
  }
  fputc(']', o);
  report_cdn_site_cleanup(&cs);
  return rc;
}

static int report_json(struct common *c, struct store_site *sites, size_t n,
                       struct store_site_figs *figs)
{
  FILE *o = c->out;
  char t[32];
  size_t i;
  int l, rc = STORE_OK;
  struct report_delay ex;
  struct report_timing tx;
  struct report_perf_site ps;
  memset(&tx, 0, sizeof tx);
  memset(&ps, 0, sizeof ps);
  fprintf(o, "{\"run\": {\"id\": %u, \"started\": ", c->run.id);
  cli_time(t, sizeof(t), c->run.started);
  json_str(o, t);
  fputs(", \"finished\": ", o);
  if (c->run.finished) {
    cli_time(t, sizeof(t), c->run.finished);
    json_str(o, t);
  } else {
    fputs("null", o);
  }
  fprintf(o, ", \"complete\": %s, \"vantage_ipv6\": %s, ",
          c->run.complete ? "true" : "false",
          c->run.vantage_ipv6 == 1 ? "true" : "false");
  rc = cli_vantage_json(o, c->st, c->run.id);
  if (rc != STORE_OK)
    return rc;
  fputs("},\n \"sites\": [", o);
  for (i = 0; i < n; i++) {
    int hk = report_home_class(c->st, c->run.id, &sites[i]);
    fputs(i ? ",\n  {" : "\n  {", o);
    fputs("\"start_url\": ", o);
    json_str(o, sites[i].start_url);
    fputs(", \"final_url\": ", o);
    json_str(o, sites[i].final_url);
    fputs(", \"name\": ", o);
    json_str(o, sites[i].name);
    fputs(", \"unit\": ", o);
    json_str(o, sites[i].unit);
    fputs(", \"scope_domain\": ", o);
    json_str(o, sites[i].scope_domain);
    fputs(", \"error\": ", o);
    json_str(o, sites[i].error);
    fprintf(o, ", \"script_links\": %d, \"pages_truncated\": %d",
            sites[i].script_links, sites[i].pages_truncated);
    fprintf(o, ",\n   \"homepage\": {\"ipv6\": %s, \"class\": \"%s\"}",
            report_home_verdict(hk) > 0 ? "true" : "false",
            store_class_name(hk));
    if (rc == STORE_OK)
      rc = report_timing_site(c->st, c->run.id, sites[i].idx, &tx);
    if (report_delay_site(c->st, c->run.id, sites[i].idx, &ex) == STORE_OK)
      json_extras(o, &sites[i], &ex, &tx);
    cli_json_timing(o, &tx);
    report_timing_cleanup(&tx);
    if (rc == STORE_OK)
      rc = json_cdn(c, &sites[i]);
    if (rc == STORE_OK)
      rc = cli_score_json(o, c->st, &c->run, &sites[i], &figs[i],
                          c->have_w ? &c->w : NULL, &c->cdn);
    if (rc == STORE_OK)
      rc = cli_deleg_json(o, c->st, c->run.id, sites[i].idx);
    if (rc == STORE_OK)
      rc = report_perf_site_build(c->st, c->run.id, sites[i].idx, &c->cdn, &ps);
    if (rc == STORE_OK)
      cli_json_perf(o, &ps);
    report_perf_site_cleanup(&ps);
    if (rc == STORE_OK)
      rc = json_cuts(c, &sites[i]);
    if (rc == STORE_OK)
      rc = cli_complete_json(o, c->st, c->run.id, sites[i].idx, &c->cdn);
    fputs(",", o);
    fputs("\n   \"levels\": {", o);
    for (l = 2; l <= report_max_level(&figs[i]); l++) {
      fprintf(o, "%s\n    \"%d\": {\"internal\": ", l > 2 ? "," : "", l);
      json_fig(o, &figs[i].level[l][0]);
      fputs(",\n          \"all\": ", o);
      json_fig(o, &figs[i].level[l][1]);
      fputs("}", o);
    }
    fputs("}}", o);
  }
  fputs("\n]}\n", o);
  return rc;
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
  FILE *o = c->out;
  size_t i;
  int l, s, k;
  char buf[64];
  csv_bom(o);
  for (k = 0; k < 11; k++)
    csv_field(o, head[k], 0);
  for (k = 0; k < CLASS__N; k++)
    csv_field(o, store_class_name(k), k == CLASS__N - 1);
  for (i = 0; i < n; i++) {
    for (l = 2; l <= report_max_level(&figs[i]); l++) {
      for (s = 0; s < 2; s++) {
        const struct store_fig *f = &figs[i].level[l][s];
        double v;
        snprintf(buf, sizeof(buf), "%u", c->run.id);
        csv_field(o, buf, 0);
        csv_field(o, sites[i].start_url, 0);
        csv_field(o, sites[i].name, 0);
        csv_field(o, sites[i].unit, 0);
        snprintf(buf, sizeof(buf), "%d", l);
        csv_field(o, buf, 0);
        csv_field(o, s ? "all" : "internal", 0);
        snprintf(buf, sizeof(buf), "%u", f->links);
        csv_field(o, buf, 0);
        snprintf(buf, sizeof(buf), "%u", store_fig_counted(f));
        csv_field(o, buf, 0);
        snprintf(buf, sizeof(buf), "%u", store_fig_supported(f));
        csv_field(o, buf, 0);
        buf[0] = 0;
        if (store_fig_concentration(f, &v) == 0)
          snprintf(buf, sizeof(buf), "%.12g", v);
        csv_field(o, buf, 0);
        buf[0] = 0;
        if (store_fig_alive_concentration(f, &v) == 0)
          snprintf(buf, sizeof(buf), "%.12g", v);
        csv_field(o, buf, 0);
        for (k = 0; k < CLASS__N; k++) {
          snprintf(buf, sizeof(buf), "%u", f->classes[k]);
          csv_field(o, buf, k == CLASS__N - 1);
        }
      }
    }
  }
}

struct report_args {
  const char *lang;
  double threshold, fail_under;
  int by_unit;
};

static int report_opt(void *ud, int id, const char *arg)
{
  struct report_args *r = ud;

  switch (id) {
    case OPT_BYUNIT:
      r->by_unit = 1;
      return -1;
    case OPT_LANG:
      if (strcmp(arg, "zh") != 0 && strcmp(arg, "en") != 0) {
        cli_err("bad --lang '%s': zh or en", arg);
        return EXIT_USAGE;
      }
      r->lang = arg;
      return -1;
    case OPT_FAILUNDER:
      if (cli_pct(arg, &r->fail_under) < 0) {
        cli_err("bad --fail-under '%s': a percentage from 0 to 100", arg);
        return EXIT_USAGE;
      }
      return -1;
    case OPT_THRESHOLD:
      if (cli_pct(arg, &r->threshold) < 0) {
        cli_err("bad --threshold '%s': a percentage from 0 to 100", arg);
        return EXIT_USAGE;
      }
      return -1;
    default:
      return EXIT_USAGE;
  }
}

int cmd_report(int argc, char **argv)
{
  struct report_args r = {NULL, 85, -1, 0};
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
    src = report_json(&c, sites, n, figs);
  else if (c.a.format == V6_FMT_CSV)
    report_csv(&c, sites, n, figs);
  else if (c.a.format == V6_FMT_HTML)
    src = report_html(c.out, c.st, &c.run, sites, n, figs, r.lang, r.threshold,
                      &c.cdn);
  else
    src = report_text(&c, sites, n, figs);
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
};

static void json_family(FILE *o, const struct store_family *f)
{
  fprintf(o,
          "{\"ok\": %s, \"status\": %d, \"error\": ", f->ok ? "true" : "false",
          f->status);
  json_str(o, f->error);
  fputs(", \"hops\": ", o);
  json_list(o, f->hops, "\n");
  fprintf(o, ", \"connect_ms\": %.3f, \"total_ms\": %.3f}", f->connect_ms,
          f->total_ms);
}

static const char *site_url(const struct links_ctx *x, uint32_t idx)
{
  size_t i;
  for (i = 0; i < x->n_sites; i++)
    if (x->sites[i].idx == idx)
      return x->sites[i].start_url;
  return "";
}

static void link_json(FILE *o, const struct links_ctx *x,
                      const struct store_link_row *r, const char *scope)
{
  fputs(x->count ? ",\n  {" : "\n  {", o);
  fputs("\"site\": ", o);
  json_str(o, site_url(x, r->site));
  fputs(", \"url\": ", o);
  json_str(o, r->url);
  fprintf(o, ", \"level\": %d, \"scope\": \"%s\", \"class\": \"%s\"", r->level,
          scope, store_class_name(r->klass));
  fputs(", \"parent\": ", o);
  json_str(o, r->parent);
  fputs(",\n   \"dns\": ", o);
  if (r->host) {
    fputs("{\"host\": ", o);
    json_str(o, r->host->name);
    fputs(", \"a\": ", o);
    json_list(o, r->host->a, ",");
    fputs(", \"aaaa\": ", o);
    json_list(o, r->host->aaaa, ",");
    fputs(", \"a_error\": ", o);
    json_str(o, r->host->a_error);
    fputs(", \"aaaa_error\": ", o);
    json_str(o, r->host->aaaa_error);
    fputs(", \"cnames\": ", o);
    json_list(o, r->host->cnames, " -> ");
    fputs(", \"cdn\": ", o);
    json_str(o, report_cdn_provider(&x->c->cdn, r->host->cnames));
    fputs("}", o);
  } else {
    fputs("null", o);
  }
  fputs(",\n   \"v6\": ", o);
  if (r->probe)
    json_family(o, &r->probe->v6);
  else
    fputs("null", o);
  fputs(",\n   \"v4\": ", o);
  if (r->probe)
    json_family(o, &r->probe->v4);
  else
    fputs("null", o);
  fputs("}", o);
}

static void link_csv(FILE *o, const struct links_ctx *x,
                     const struct store_link_row *r, const char *scope)
{
  char lv[8];
  char s6[8] = "", s4[8] = "";
  snprintf(lv, sizeof(lv), "%d", r->level);
  if (r->probe && r->probe->v6.status)
    snprintf(s6, sizeof(s6), "%d", r->probe->v6.status);
  if (r->probe && r->probe->v4.status)
    snprintf(s4, sizeof(s4), "%d", r->probe->v4.status);
  csv_field(o, site_url(x, r->site), 0);
  csv_field(o, r->url, 0);
  csv_field(o, lv, 0);
  csv_field(o, scope, 0);
  csv_field(o, store_class_name(r->klass), 0);
  csv_field(o, r->host ? r->host->a : NULL, 0);
  csv_field(o, r->host ? r->host->aaaa : NULL, 0);
  csv_field(o, r->host ? r->host->a_error : NULL, 0);
  csv_field(o, r->host ? r->host->aaaa_error : NULL, 0);
  csv_field(o, r->host ? r->host->cnames : NULL, 0);
  csv_field(o, s6, 0);
  csv_field(o, r->probe ? r->probe->v6.error : NULL, 0);
  csv_field(o, s4, 0);
  csv_field(o, r->probe ? r->probe->v4.error : NULL, 0);
  csv_lines(o, r->probe ? r->probe->v6.hops : NULL, 0);
  csv_lines(o, r->probe ? r->probe->v4.hops : NULL, 1);
}

static void link_text(FILE *o, const struct store_link_row *r,
                      const char *scope)
{
  fprintf(o, "L%d %-8s %-10s %s\n", r->level, scope, store_class_name(r->klass),
          cli_tx(r->url));
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
    link_json(o, x, r, scope);
  else if (x->c->a.format == V6_FMT_CSV)
    link_csv(o, x, r, scope);
  else
    link_text(o, r, scope);
  x->count++;
  return 0;
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

int cmd_links(int argc, char **argv)
{
  struct common c;
  struct links_ctx x;
  uint32_t site_idx = UINT32_MAX;
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
  if (c.a.format == V6_FMT_JSON)
    fputs("{\"links\": [", c.out);
  if (c.a.format == V6_FMT_CSV) {
    csv_bom(c.out);
    fputs("site,url,level,scope,class,a,aaaa,a_error,aaaa_error,cnames,"
          "v6_status,v6_error,v4_status,v4_error,v6_hops,v4_hops\r\n",
          c.out);
  }
  if (src == STORE_OK)
    src = store_links_each(c.st, c.run.id, site_idx, link_row, &x);
  if (c.a.format == V6_FMT_JSON)
    fputs("\n]}\n", c.out);
  if (src != STORE_OK) {
    cli_err("cannot read the store %s: %s", c.db, store_strerror(src));
    rc = EXIT_STORE;
  }
out:
  store_sites_free(x.sites, x.n_sites);
  return common_close(&c, rc);
}
