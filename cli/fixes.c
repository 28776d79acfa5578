/* cli/fixes.c - `v6crawl fixes`: which hosts to fix first, ranked by how
 * many counted internal links fixing each would turn into IPv6 successes,
 * with the DNS evidence and the CDN or cloud provider behind a CNAME (from
 * the data/cdn-suffixes.txt table); and the --fail-under check that crawl
 * and report share. */
#include "config.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "report/report.h"
#include "store/store.h"

/* The one line that says why run @run has no data for --fail-under
 * @pct, naming the sites it cannot judge. */
static void nodata_line(uint32_t run, double pct, int why, char **urls,
                        size_t n)
{
  static const char *const reason[] = {
    [REPORT_NODATA_NOIPV6] = "no IPv6 at the vantage point, nothing measured",
    [REPORT_NODATA_PARTIAL] = "the run is incomplete (interrupted)",
    [REPORT_NODATA_SITES] = "nothing counted at level 2 or 3 internal"};
  char list[1024];
  size_t off = 0, i;
  int w;

  list[0] = '\0';
  for (i = 0; i < n && off < sizeof list; i++) {
    w = snprintf(list + off, sizeof list - off, "%s%s", i ? " " : "", urls[i]);
    if (w < 0)
      break;
    off += (size_t)w;
  }
  if (off >= sizeof list)
    snprintf(list + sizeof list - 4, 4, "...");
  cli_err("no data to judge for --fail-under %g%%: run %u: %s: %s", pct, run,
          reason[why], n ? list : "no site");
}

int cli_fail_under(struct store *st, uint32_t run, double pct)
{
  struct report_below *b = NULL;
  char **urls = NULL, p[16];
  size_t n = 0, nu = 0, i;
  int rc, why = REPORT_JUDGED;

  rc = report_nodata(st, run, &why, &urls, &nu);
  /* no IPv6 or an incomplete run: what figures there are are not judged */
  if (rc == STORE_OK && (why == REPORT_JUDGED || why == REPORT_NODATA_SITES))
    rc = report_fail_under(st, run, pct, &b, &n);
  for (i = 0; i < n; i++) {
    report_pct_floor(p, sizeof p, store_fig_supported(&b[i].fig),
                     store_fig_counted(&b[i].fig));
    cli_err("below --fail-under %g%%: %s level %d internal %s (%u/%u)", pct,
            b[i].start_url, b[i].level, p, store_fig_supported(&b[i].fig),
            store_fig_counted(&b[i].fig));
  }
  report_below_free(b, n);
  if (rc != STORE_OK) {
    report_urls_free(urls, nu);
    cli_err("cannot read the store: %s", store_strerror(rc));
    return rc == STORE_NOMEM ? EXIT_INTERNAL : EXIT_STORE;
  }
  if (why != REPORT_JUDGED)
    nodata_line(run, pct, why, urls, nu);
  report_urls_free(urls, nu);
  /* a site below is a verdict: it wins over the sites without data */
  if (n)
    return EXIT_BELOW;
  return why != REPORT_JUDGED ? EXIT_NODATA : EXIT_OKAY;
}

/* Find a data file NAME: $V6CRAWL_DATA_DIR, the installed pkgdatadir,
 * then data/ beside the binary (the build tree, where the tests run it).
 * Writes the path of the first that exists into BUF; returns 0, or -1
 * when none exists (BUF then empty). */
int cli_data_path(const char *name, char *buf, size_t size)
{
  const char *env = getenv("V6CRAWL_DATA_DIR");
  char exe[PATH_MAX];
  ssize_t n;
  char *slash;

  if (env && *env) {
    snprintf(buf, size, "%s/%s", env, name);
    if (access(buf, R_OK) == 0)
      return 0;
  }
#ifdef V6_DATADIR
  snprintf(buf, size, "%s/%s", V6_DATADIR, name);
  if (access(buf, R_OK) == 0)
    return 0;
#endif
  n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    exe[n] = '\0';
    slash = strrchr(exe, '/');
    if (slash) {
      *slash = '\0';
      snprintf(buf, size, "%s/data/%s", exe, name);
      if (access(buf, R_OK) == 0)
        return 0;
    }
  }
  if (size)
    buf[0] = '\0';
  return -1;
}

/* Find and load the CNAME suffix table. Returns 0 (found or not: an
 * absent table only means no provider names), STORE_NOMEM out of
 * memory. */
int cli_cdn_find(struct report_cdn_table *t)
{
  char path[PATH_MAX + 64];
  int rc;

  if (cli_data_path("cdn-suffixes.txt", path, sizeof path) == 0) {
    rc = report_cdn_load(t, path);
    if (rc != STORE_NOTFOUND)
      return rc;
  }
  cli_err("no cdn-suffixes.txt found (set V6CRAWL_DATA_DIR): CNAMEs are "
          "shown without their provider");
  return 0;
}

/* ---- fixes ------------------------------------------------------------- */

struct fctx {
  int fmt;          /* enum v6_format */
  const char *site; /* --site, or NULL */
  int levels[2];    /* which of level 2, level 3 are asked for */
  struct store *st; /* the subresource hosts (cli_complete_fixes) */
  uint32_t run;
};

void cli_fig_after(char *buf, size_t len, int ok, const struct store_fig *f,
                   unsigned extra)
{
  if (ok && store_fig_counted(f))
    report_pct_floor(buf, len, store_fig_supported(f) + extra,
                     store_fig_counted(f));
  else
    snprintf(buf, len, "-");
}

static void classes_str(char *buf, size_t len, const struct report_fix_host *h)
{
  size_t off = 0;
  int k, n;

  buf[0] = '\0';
  for (k = 0; k < REPORT_N_FIXABLE; k++) {
    if (!h->klass[k])
      continue;
    n = snprintf(buf + off, len - off, "%s%s %u", off ? " " : "",
                 store_class_name(report_fixable[k]), h->klass[k]);
    if (n < 0 || (size_t)n >= len - off)
      break;
    off += (size_t)n;
  }
}

/* Print @s on one line of at most 100 columns (bytes; cut with "..."). */
static void line100(FILE *o, const char *s)
{
  size_t n;

  s = cli_tx(s); /* the host names and DNS answers are the network's */
  n = strlen(s);
  if (n <= 100)
    fprintf(o, "%s\n", s);
  else
    fprintf(o, "%.97s...\n", s);
}

/* One ranked host @h (rank @rank) with its DNS evidence. */
static void text_host(FILE *o, const struct fctx *x,
                      const struct report_cdn_table *t, size_t rank,
                      const struct report_fix_site *s,
                      const struct report_fix_host *h)
{
  const char *prov = h->have_dns ? report_cdn_provider(t, h->dns.cnames) : NULL;
  char buf[2048], cl[64], a2[16], a3[16];

  cli_fig_after(a2, sizeof a2, x->levels[0] && h->have_after[0],
                &s->figs.level[2][0], h->gain[0]);
  cli_fig_after(a3, sizeof a3, x->levels[1] && h->have_after[1],
                &s->figs.level[3][0], h->gain[1]);
  classes_str(cl, sizeof cl, h);
  fprintf(o, "%3zu  %-32.32s %4u %4u  %8s %8s  %.31s\n", rank, cli_tx(h->name),
          h->n[0], h->n[1], a2, a3, cl);
  if (strlen(h->name) > 32 || cli_idn(h->name)) {
    const char *uni = cli_idn(h->name);
    snprintf(buf, sizeof buf, "       host %s%s%s%s", h->name, uni ? " (" : "",
             uni ? uni : "", uni ? ")" : "");
    line100(o, buf);
  }
  if (!h->have_dns) {
    line100(o, "       dns: not resolved in this run");
    return;
  }
  if (h->dns.cnames) {
    snprintf(buf, sizeof buf, "       CNAME %s%s%s%s", h->dns.cnames,
             prov ? " [" : "", prov ? prov : "", prov ? "]" : "");
    line100(o, buf);
  }
  snprintf(buf, sizeof buf, "       A %s%s%s  AAAA %s%s%s",
           h->dns.a ? h->dns.a : "-", h->dns.a_error ? " " : "",
           h->dns.a_error ? h->dns.a_error : "",
           h->dns.aaaa ? h->dns.aaaa : "-", h->dns.aaaa_error ? " " : "",
           h->dns.aaaa_error ? h->dns.aaaa_error : "");
  line100(o, buf);
}

/* The sentence of level index @l: where fixing every host takes it. */
static void text_level(FILE *o, const struct report_fix_site *s, int l)
{
  const struct store_fig *f = &s->figs.level[l + 2][0];
  unsigned hosts = 0, links = 0;
  char b[16], a[16];

  report_fix_totals(s, l, &hosts, &links);
  if (!store_fig_counted(f)) {
    fprintf(o, "  level %d: no counted internal links\n", l + 2);
    return;
  }
  cli_fig_after(b, sizeof b, 1, f, 0);
  if (!hosts) {
    fprintf(o,
            "  level %d stays at %s: no internal link there fails "
            "over IPv6 alone\n",
            l + 2, b);
    return;
  }
  cli_fig_after(a, sizeof a, 1, f, links);
  if (hosts == 1)
    fprintf(o, "  fix this host and level %d rises from %s to %s\n", l + 2, b,
            a);
  else
    fprintf(o, "  fix these %u hosts and level %d rises from %s to %s\n", hosts,
            l + 2, b, a);
}

static void fixes_text(FILE *o, const struct fctx *x,
                       const struct report_cdn_table *t, uint32_t run,
                       struct report_fix_site *fs, size_t n)
{
  size_t i, j;
  int l;

  fprintf(o,
          "What to fix first: run %u, hosts behind internal links that "
          "fail over IPv6\n",
          run);
  for (i = 0; i < n; i++) {
    struct report_fix_site *s = &fs[i];
    fprintf(o, "\n%s (scope %s)\n", cli_tx(s->site->start_url),
            s->site->scope_domain ? cli_tx(s->site->scope_domain) : "-");
    if (s->n == 0) {
      fputs("  no internal link fails over IPv6 where IPv4 works\n", o);
    } else {
      fprintf(o, "%3s  %-32s %4s %4s  %8s %8s  %s\n", "#", "host", "L2", "L3",
              "L2 after", "L3 after", "classes");
    }
    for (j = 0; j < s->n; j++)
      text_host(o, x, t, j + 1, s, &s->h[j]);
    if (x->levels[0] && x->levels[1])
      fprintf(o,
              "  dead links (IPv4 fails too, not fixable by IPv6 work): "
              "level 2: %u, level 3: %u\n",
              s->dead[0], s->dead[1]);
    else
      fprintf(o,
              "  dead links (IPv4 fails too, not fixable by IPv6 work): "
              "level %d: %u\n",
              x->levels[0] ? 2 : 3, s->dead[x->levels[0] ? 0 : 1]);
    for (l = 0; l < 2; l++)
      if (x->levels[l])
        text_level(o, s, l);
    (void)cli_complete_fixes(o, x->st, x->run, s->site, t);
  }
}

/* The "levels" object of site @s: before and after every fix. */
static json_t *levels_json(const struct fctx *x,
                           const struct report_fix_site *s)
{
  json_t *o = json_object();
  char key[16];
  int l;

  for (l = 0; l < 2; l++) {
    const struct store_fig *f = &s->figs.level[l + 2][0];
    unsigned hosts, fix;
    double b = 0, a = 0;
    int hb, ha;
    json_t *v;
    if (!x->levels[l])
      continue;
    report_fix_totals(s, l, &hosts, &fix);
    /* each figure first: the order arguments are evaluated in is not set */
    hb = store_fig_concentration(f, &b) == 0;
    ha = report_fig_plus(f, fix, &a) == 0;
    v = json_object();
    json_object_set_new(v, "counted", json_integer(store_fig_counted(f)));
    json_object_set_new(v, "ipv6", json_integer(store_fig_supported(f)));
    json_object_set_new(v, "fixable", json_integer(fix));
    json_object_set_new(v, "dead", json_integer(s->dead[l]));
    json_object_set_new(v, "concentration", cli_jnum(hb, b));
    json_object_set_new(v, "after", cli_jnum(ha, a));
    snprintf(key, sizeof key, "%d", l + 2);
    json_object_set_new(o, key, v);
  }
  return o;
}

/* Ranked host @h (rank @j + 1) as a JSON object. */
static json_t *host_json(const struct fctx *x, const struct report_cdn_table *t,
                         size_t j, const struct report_fix_host *h)
{
  json_t *o = json_object(), *links = json_object(), *cl = json_object(),
         *after = json_object(), *d;
  char key[16];
  int l, k;

  json_object_set_new(o, "rank", json_integer((json_int_t)j + 1));
  json_object_set_new(o, "host", cli_jstr(h->name));
  json_object_set_new(o, "host_unicode", cli_jstr(cli_idn(h->name)));
  for (l = 0; l < 2; l++)
    if (x->levels[l]) {
      snprintf(key, sizeof key, "%d", l + 2);
      json_object_set_new(links, key, json_integer(h->n[l]));
      json_object_set_new(after, key, cli_jnum(h->have_after[l], h->after[l]));
    }
  json_object_set_new(o, "links", links);
  json_object_set_new(o, "total", json_integer(h->n[0] + h->n[1]));
  for (k = 0; k < REPORT_N_FIXABLE; k++)
    json_object_set_new(cl, store_class_name(report_fixable[k]),
                        json_integer(h->klass[k]));
  json_object_set_new(o, "classes", cl);
  if (h->have_dns) {
    d = json_object();
    json_object_set_new(d, "cnames", cli_jlist(h->dns.cnames, " -> "));
    json_object_set_new(d, "a", cli_jlist(h->dns.a, ","));
    json_object_set_new(d, "aaaa", cli_jlist(h->dns.aaaa, ","));
    json_object_set_new(d, "a_error", cli_jstr(h->dns.a_error));
    json_object_set_new(d, "aaaa_error", cli_jstr(h->dns.aaaa_error));
  } else {
    d = json_null();
  }
  json_object_set_new(o, "dns", d);
  json_object_set_new(
    o, "provider",
    cli_jstr(h->have_dns ? report_cdn_provider(t, h->dns.cnames) : NULL));
  json_object_set_new(o, "after", after);
  return o;
}

static int fixes_json(FILE *o, struct store *st, const struct fctx *x,
                      const struct report_cdn_table *t, uint32_t run,
                      struct report_fix_site *fs, size_t n)
{
  struct store_run r;
  json_t *doc = cli_jdoc("fixes"), *sites = json_array();
  size_t i, j;
  int rc = store_run_get(st, run, &r);

  if (rc != STORE_OK) {
    json_decref(doc);
    json_decref(sites);
    return rc;
  }
  json_object_set_new(doc, "run", cli_run_json(st, &r, &rc));
  store_run_cleanup(&r);
  for (i = 0; i < n; i++) {
    struct report_fix_site *s = &fs[i];
    json_t *so = json_object(), *hosts = json_array();
    json_object_set_new(so, "start_url", cli_jstr(s->site->start_url));
    json_object_set_new(so, "final_url", cli_jstr(s->site->final_url));
    json_object_set_new(so, "name", cli_jstr(s->site->name));
    json_object_set_new(so, "scope_domain", cli_jstr(s->site->scope_domain));
    json_object_set_new(so, "levels", levels_json(x, s));
    for (j = 0; j < s->n; j++)
      json_array_append_new(hosts, host_json(x, t, j, &s->h[j]));
    json_object_set_new(so, "hosts", hosts);
    json_object_set_new(
      so, "subresource_hosts",
      cli_complete_fixes_json(x->st, x->run, s->site, t, &rc));
    json_array_append_new(sites, so);
  }
  json_object_set_new(doc, "sites", sites);
  if (rc != STORE_OK) {
    json_decref(doc);
    return rc;
  }
  return cli_jdump(o, doc);
}

static void fixes_csv(FILE *o, struct store *st, const struct fctx *x,
                      const struct report_cdn_table *t, uint32_t run,
                      struct report_fix_site *fs, size_t n)
{
  static const char *const head[] = {
    "run",       "site",     "rank",      "host",       "links_l2",  "links_l3",
    "links",     "no-aaaa",  "v6-broken", "v6-error",   "provider",  "cnames",
    "a",         "aaaa",     "a_error",   "aaaa_error", "l2_before", "l2_after",
    "l3_before", "l3_after", "date"};
  struct store_run r;
  char date[16] = "";
  size_t i, j, k;
  int l;

  if (store_run_get(st, run, &r) == STORE_OK) {
    cli_date(date, sizeof date, r.started);
    store_run_cleanup(&r);
  }
  csv_bom(o);
  for (k = 0; k < sizeof head / sizeof head[0]; k++)
    csv_field(o, head[k], k + 1 == sizeof head / sizeof head[0]);
  for (i = 0; i < n; i++) {
    struct report_fix_site *s = &fs[i];
    for (j = 0; j < s->n; j++) {
      const struct report_fix_host *h = &s->h[j];
      csv_num(o, 1, run, 0);
      csv_field(o, s->site->start_url, 0);
      csv_num(o, 1, (double)(j + 1), 0);
      csv_field(o, h->name, 0);
      for (l = 0; l < 2; l++)
        csv_num(o, x->levels[l], h->n[l], 0);
      csv_num(o, 1, h->n[0] + h->n[1], 0);
      for (k = 0; k < REPORT_N_FIXABLE; k++)
        csv_num(o, 1, h->klass[k], 0);
      csv_field(o, h->have_dns ? report_cdn_provider(t, h->dns.cnames) : NULL,
                0);
      csv_field(o, h->have_dns ? h->dns.cnames : NULL, 0);
      csv_field(o, h->have_dns ? h->dns.a : NULL, 0);
      csv_field(o, h->have_dns ? h->dns.aaaa : NULL, 0);
      csv_field(o, h->have_dns ? h->dns.a_error : NULL, 0);
      csv_field(o, h->have_dns ? h->dns.aaaa_error : NULL, 0);
      for (l = 0; l < 2; l++) {
        double b = 0;
        int hb = x->levels[l] &&
                 store_fig_concentration(&s->figs.level[l + 2][0], &b) == 0;
        csv_num(o, hb, b, 0);
        csv_num(o, x->levels[l] && h->have_after[l], h->after[l], 0);
      }
      csv_field(o, date, 1);
    }
  }
}

/* The ranked hosts of run @run's sites (of x->site only, when given) into
 * *@fs, *@nf of them (cleaned up by the caller, also on error). */
static int fixes_build(struct store *st, uint32_t run, const struct fctx *x,
                       const struct store_site *sites, size_t n,
                       struct report_fix_site **fs, size_t *nf)
{
  size_t i;
  int src = STORE_OK;

  *fs = calloc(n ? n : 1, sizeof **fs);
  if (!*fs)
    return STORE_NOMEM;
  for (i = 0; i < n && src == STORE_OK; i++) {
    if (x->site && !report_site_is(&sites[i], x->site))
      continue;
    src = report_fix_site_build(st, run, &sites[i], x->levels, &(*fs)[(*nf)++]);
  }
  return src;
}

/* Write the fixes of @fs in the chosen format to @out_path; a store code
 * of a failed read into *@src. */
static int fixes_write(struct store *st, const struct fctx *x,
                       const char *out_path, const struct report_cdn_table *t,
                       uint32_t run, struct report_fix_site *fs, size_t nf,
                       int *src)
{
  FILE *o = cli_out_open(out_path);

  if (!o)
    return EXIT_USAGE;
  if (x->fmt == V6_FMT_JSON)
    *src = fixes_json(o, st, x, t, run, fs, nf);
  else if (x->fmt == V6_FMT_CSV)
    fixes_csv(o, st, x, t, run, fs, nf);
  else
    fixes_text(o, x, t, run, fs, nf);
  return cli_out_close(o, out_path, EXIT_OKAY);
}

int cmd_fixes(int argc, char **argv)
{
  struct cli_args a;
  struct report_cdn_table t = {0};
  struct store *st = NULL;
  struct store_site *sites = NULL;
  struct report_fix_site *fs = NULL;
  struct fctx x;
  size_t n = 0, nf = 0, i;
  char *db = NULL;
  uint32_t run = 0;
  int rc = EXIT_OKAY, src = STORE_OK;

  memset(&x, 0, sizeof x);
  x.levels[0] = x.levels[1] = 1;
  rc = cli_args_parse(CMD_FIXES, argc, argv, &a, NULL, NULL);
  if (rc >= 0)
    return rc;
  x.fmt = a.format;
  x.site = a.site;
  if (a.level) {
    x.levels[0] = a.level == 2;
    x.levels[1] = a.level == 3;
  }
  rc = cli_store_open(a.db, 1, &st, &db);
  if (rc == EXIT_OKAY)
    rc = cli_run_arg(st, db, a.run, &run);
  if (rc != EXIT_OKAY)
    goto out;
  x.st = st;
  x.run = run;
  src = store_sites_list(st, run, &sites, &n);
  if (src == STORE_OK)
    src = fixes_build(st, run, &x, sites, n, &fs, &nf);
  if (src != STORE_OK)
    goto out;
  if (x.site && nf == 0) {
    cli_err("no site %s in run %u", x.site, run);
    rc = EXIT_USAGE;
    goto out;
  }
  if (cli_cdn_find(&t) == STORE_NOMEM)
    src = STORE_NOMEM;
  else
    rc = fixes_write(st, &x, a.output, &t, run, fs, nf, &src);
out:
  if (src != STORE_OK) {
    cli_err("cannot read the store %s: %s", db ? db : "", store_strerror(src));
    rc = src == STORE_NOMEM ? EXIT_INTERNAL : EXIT_STORE;
  }
  for (i = 0; fs && i < nf; i++)
    report_fix_site_cleanup(&fs[i]);
  free(fs);
  store_sites_free(sites, n);
  report_cdn_free(&t);
  store_close(st);
  free(db);
  return rc;
}
