/* cli/fixes.c - `v6crawl fixes`: which hosts to fix first, ranked by how
 * many counted internal links fixing each would turn into IPv6 successes,
 * with the DNS evidence and the CDN or cloud provider behind a CNAME (from
 * the data/cdn-suffixes.txt table); and the --fail-under check that crawl
 * and report share. */
#include "config.h"

#include <errno.h>
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

/* Figure @f had @extra more links been supported, cut down like every
 * figure (report_pct_floor), or "-" unless @ok and something is counted. */
static void pct_str(char *buf, size_t len, int ok, const struct store_fig *f,
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

  pct_str(a2, sizeof a2, x->levels[0] && h->have_after[0], &s->figs.level[2][0],
          h->gain[0]);
  pct_str(a3, sizeof a3, x->levels[1] && h->have_after[1], &s->figs.level[3][0],
          h->gain[1]);
  classes_str(cl, sizeof cl, h);
  fprintf(o, "%3zu  %-32.32s %4u %4u  %8s %8s  %.31s\n", rank, cli_tx(h->name),
          h->n[0], h->n[1], a2, a3, cl);
  if (strlen(h->name) > 32) {
    snprintf(buf, sizeof buf, "       host %s", h->name);
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
  pct_str(b, sizeof b, 1, f, 0);
  if (!hosts) {
    fprintf(o,
            "  level %d stays at %s: no internal link there fails "
            "over IPv6 alone\n",
            l + 2, b);
    return;
  }
  pct_str(a, sizeof a, 1, f, links);
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
    (void)cli_complete_fixes(o, 0, x->st, x->run, s->site, t);
  }
}

/* The "levels" object of site @s: before and after every fix. */
static void json_levels(FILE *o, const struct fctx *x,
                        const struct report_fix_site *s)
{
  int l, first;

  first = 1;
  for (l = 0; l < 2; l++) {
    const struct store_fig *f = &s->figs.level[l + 2][0];
    unsigned hosts, fix;
    double b = 0, a = 0;
    int hb, ha;
    if (!x->levels[l])
      continue;
    report_fix_totals(s, l, &hosts, &fix);
    hb = store_fig_concentration(f, &b) == 0;
    ha = report_fig_plus(f, fix, &a) == 0;
    fprintf(o,
            "%s\"%d\": {\"counted\": %u, \"ipv6\": %u, \"fixable\": %u, "
            "\"dead\": %u, \"concentration\": ",
            first ? "" : ", ", l + 2, store_fig_counted(f),
            store_fig_supported(f), fix, s->dead[l]);
    json_num(o, hb, b);
    fputs(", \"after\": ", o);
    json_num(o, ha, a);
    fputs("}", o);
    first = 0;
  }
}

/* Ranked host @h (rank @j + 1) as a JSON object. */
static void json_host(FILE *o, const struct fctx *x,
                      const struct report_cdn_table *t, size_t j,
                      const struct report_fix_host *h)
{
  int l, k, first;

  fprintf(o, "%s{\"rank\": %zu, \"host\": ", j ? ",\n    " : "\n    ", j + 1);
  json_str(o, h->name);
  fputs(", \"links\": {", o);
  first = 1;
  for (l = 0; l < 2; l++)
    if (x->levels[l]) {
      fprintf(o, "%s\"%d\": %u", first ? "" : ", ", l + 2, h->n[l]);
      first = 0;
    }
  fprintf(o, "}, \"total\": %u, \"classes\": {", h->n[0] + h->n[1]);
  for (k = 0; k < REPORT_N_FIXABLE; k++)
    fprintf(o, "%s\"%s\": %u", k ? ", " : "",
            store_class_name(report_fixable[k]), h->klass[k]);
  fputs("},\n     \"dns\": ", o);
  if (h->have_dns) {
    fputs("{\"cnames\": ", o);
    json_list(o, h->dns.cnames, " -> ");
    fputs(", \"a\": ", o);
    json_list(o, h->dns.a, ",");
    fputs(", \"aaaa\": ", o);
    json_list(o, h->dns.aaaa, ",");
    fputs(", \"a_error\": ", o);
    json_str(o, h->dns.a_error);
    fputs(", \"aaaa_error\": ", o);
    json_str(o, h->dns.aaaa_error);
    fputs("}", o);
  } else {
    fputs("null", o);
  }
  fputs(", \"provider\": ", o);
  json_str(o, h->have_dns ? report_cdn_provider(t, h->dns.cnames) : NULL);
  fputs(", \"after\": {", o);
  first = 1;
  for (l = 0; l < 2; l++)
    if (x->levels[l]) {
      fprintf(o, "%s\"%d\": ", first ? "" : ", ", l + 2);
      json_num(o, h->have_after[l], h->after[l]);
      first = 0;
    }
  fputs("}}", o);
}

static void fixes_json(FILE *o, const struct fctx *x,
                       const struct report_cdn_table *t, uint32_t run,
                       struct report_fix_site *fs, size_t n)
{
  size_t i, j;

  fprintf(o, "{\"run\": %u, \"sites\": [", run);
  for (i = 0; i < n; i++) {
    struct report_fix_site *s = &fs[i];
    fputs(i ? ",\n  {" : "\n  {", o);
    fputs("\"start_url\": ", o);
    json_str(o, s->site->start_url);
    fputs(", \"final_url\": ", o);
    json_str(o, s->site->final_url);
    fputs(", \"scope_domain\": ", o);
    json_str(o, s->site->scope_domain);
    fputs(",\n   \"levels\": {", o);
    json_levels(o, x, s);
    fputs("},\n   \"hosts\": [", o);
    for (j = 0; j < s->n; j++)
      json_host(o, x, t, j, &s->h[j]);
    fputs("]", o);
    (void)cli_complete_fixes(o, 1, x->st, x->run, s->site, t);
    fputs("}", o);
  }
  fputs("\n]}\n", o);
}

static void fixes_csv(FILE *o, const struct fctx *x,
                      const struct report_cdn_table *t, uint32_t run,
                      struct report_fix_site *fs, size_t n)
{
  static const char *const head[] = {
    "run",        "site",      "rank",     "host",      "links_l2",
    "links_l3",   "links",     "no-aaaa",  "v6-broken", "v6-error",
    "provider",   "cnames",    "a",        "aaaa",      "a_error",
    "aaaa_error", "l2_before", "l2_after", "l3_before", "l3_after"};
  char buf[64];
  size_t i, j, k;
  int l;

  csv_bom(o);
  for (k = 0; k < sizeof head / sizeof head[0]; k++)
    csv_field(o, head[k], k + 1 == sizeof head / sizeof head[0]);
  for (i = 0; i < n; i++) {
    struct report_fix_site *s = &fs[i];
    for (j = 0; j < s->n; j++) {
      const struct report_fix_host *h = &s->h[j];
      snprintf(buf, sizeof buf, "%u", run);
      csv_field(o, buf, 0);
      csv_field(o, s->site->start_url, 0);
      snprintf(buf, sizeof buf, "%zu", j + 1);
      csv_field(o, buf, 0);
      csv_field(o, h->name, 0);
      for (l = 0; l < 2; l++) {
        snprintf(buf, sizeof buf, "%u", h->n[l]);
        csv_field(o, x->levels[l] ? buf : "", 0);
      }
      snprintf(buf, sizeof buf, "%u", h->n[0] + h->n[1]);
      csv_field(o, buf, 0);
      for (k = 0; k < REPORT_N_FIXABLE; k++) {
        snprintf(buf, sizeof buf, "%u", h->klass[k]);
        csv_field(o, buf, 0);
      }
      csv_field(o, h->have_dns ? report_cdn_provider(t, h->dns.cnames) : NULL,
                0);
      csv_field(o, h->have_dns ? h->dns.cnames : NULL, 0);
      csv_field(o, h->have_dns ? h->dns.a : NULL, 0);
      csv_field(o, h->have_dns ? h->dns.aaaa : NULL, 0);
      csv_field(o, h->have_dns ? h->dns.a_error : NULL, 0);
      csv_field(o, h->have_dns ? h->dns.aaaa_error : NULL, 0);
      for (l = 0; l < 2; l++) {
        double b = 0;
        buf[0] = '\0';
        if (x->levels[l] &&
            store_fig_concentration(&s->figs.level[l + 2][0], &b) == 0)
          snprintf(buf, sizeof buf, "%.12g", b);
        csv_field(o, buf, 0);
        buf[0] = '\0';
        if (x->levels[l] && h->have_after[l])
          snprintf(buf, sizeof buf, "%.12g", h->after[l]);
        csv_field(o, buf, l == 1);
      }
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

/* Write the fixes of @fs in the chosen format to @out_path. */
static int fixes_write(const struct fctx *x, const char *out_path,
                       const struct report_cdn_table *t, uint32_t run,
                       struct report_fix_site *fs, size_t nf)
{
  FILE *o = cli_out_open(out_path);

  if (!o)
    return EXIT_USAGE;
  if (x->fmt == V6_FMT_JSON)
    fixes_json(o, x, t, run, fs, nf);
  else if (x->fmt == V6_FMT_CSV)
    fixes_csv(o, x, t, run, fs, nf);
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
  if (a.first < argc) {
    cli_err("fixes takes no arguments ('%s'); see --help", argv[a.first]);
    return EXIT_USAGE;
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
    rc = fixes_write(&x, a.output, &t, run, fs, nf);
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
