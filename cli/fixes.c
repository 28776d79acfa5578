/* cli/fixes.c - `v6crawl fixes`: which hosts to fix first, ranked by how
 * many counted internal links fixing each would turn into IPv6 successes,
 * with the DNS evidence and the CDN or cloud provider behind a CNAME (from
 * the data/cdn-suffixes.txt table); and the --fail-under check that crawl
 * and report share. */
#include "config.h"

#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "parser/parse.h"
#include "store/store.h"

/* supported * 100 < @pct * counted, in integers where it matters: 17/20
 * against 85 is not below. */
static int below(const struct store_fig *f, double pct)
{
  unsigned counted = store_fig_counted(f);

  return counted > 0 && (double)store_fig_supported(f) * 100.0 < pct * counted;
}

int cli_fail_under(struct store *st, uint32_t run, double pct)
{
  struct store_site *sites = NULL;
  struct store_site_figs figs;
  size_t n = 0, i;
  int rc, l, n_below = 0;
  double c;

  rc = store_sites_list(st, run, &sites, &n);
  for (i = 0; rc == STORE_OK && i < n; i++) {
    rc = store_site_figures(st, run, sites[i].idx, &figs);
    for (l = 2; rc == STORE_OK && l <= 3; l++) {
      const struct store_fig *f = &figs.level[l][0];
      if (!below(f, pct) || store_fig_concentration(f, &c) < 0)
        continue;
      cli_err("below --fail-under %g%%: %s level %d internal %.1f%% "
              "(%u/%u)",
              pct, sites[i].start_url, l, c * 100.0, store_fig_supported(f),
              store_fig_counted(f));
      n_below++;
    }
  }
  store_sites_free(sites, n);
  if (rc != STORE_OK) {
    cli_err("cannot read the store: %s", store_strerror(rc));
    return rc == STORE_NOMEM ? EXIT_INTERNAL : EXIT_STORE;
  }
  return n_below ? EXIT_BELOW : EXIT_OKAY;
}

/* ---- the CDN / cloud suffix table ---------------------------------------- */

struct cdn {
  char *suffix;   /* lower case, no leading or trailing dot; '*' globs */
  char *provider; /* display name */
  int labels;     /* labels in suffix */
};

struct cdn_table {
  struct cdn *v;
  size_t n, cap;
};

static int count_labels(const char *s)
{
  int n = 1;

  for (; *s; s++)
    if (*s == '.')
      n++;
  return n;
}

static char *trim_ws(char *s)
{
  char *e;

  while (*s == ' ' || *s == '\t')
    s++;
  e = s + strlen(s);
  while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
                   e[-1] == '\n' || e[-1] == '.'))
    *--e = '\0';
  return s;
}

/* Read the table at @path; 0 when read (lines without a tab are skipped),
 * -1 when it cannot be opened, -2 out of memory. */
static int cdn_load(struct cdn_table *t, const char *path)
{
  FILE *f = fopen(path, "r");
  char line[1024], *tab, *suf, *prov, *p;
  struct cdn *nv;
  int rc = 0;

  if (!f)
    return -1;
  while (fgets(line, sizeof line, f)) {
    if (line[0] == '#')
      continue;
    tab = strchr(line, '\t');
    if (!tab)
      continue;
    *tab = '\0';
    suf = trim_ws(line);
    /* ".example.com" and "*.example.com" mean "example.com" here */
    while (*suf == '.' || (suf[0] == '*' && suf[1] == '.'))
      suf += *suf == '.' ? 1 : 2;
    prov = trim_ws(tab + 1);
    if (!*suf || !*prov)
      continue;
    for (p = suf; *p; p++)
      if (*p >= 'A' && *p <= 'Z')
        *p = (char)(*p + 32);
    if (t->n == t->cap) {
      size_t cap = t->cap ? t->cap * 2 : 64;
      nv = realloc(t->v, cap * sizeof *nv);
      if (!nv) {
        rc = -2;
        break;
      }
      t->v = nv;
      t->cap = cap;
    }
    t->v[t->n].suffix = strdup(suf);
    t->v[t->n].provider = strdup(prov);
    if (!t->v[t->n].suffix || !t->v[t->n].provider) {
      free(t->v[t->n].suffix);
      free(t->v[t->n].provider);
      rc = -2;
      break;
    }
    t->v[t->n].labels = count_labels(suf);
    t->n++;
  }
  fclose(f);
  return rc;
}

static void cdn_free(struct cdn_table *t)
{
  size_t i;

  for (i = 0; i < t->n; i++) {
    free(t->v[i].suffix);
    free(t->v[i].provider);
  }
  free(t->v);
  memset(t, 0, sizeof *t);
}

/* Find the table: $V6CRAWL_DATA_DIR, the installed pkgdatadir, then
 * data/ beside the binary (the build tree, where the tests run it).
 * Returns 0 (found or not: an absent table only means no provider names),
 * -2 out of memory. */
static int cdn_find(struct cdn_table *t)
{
  const char *env = getenv("V6CRAWL_DATA_DIR");
  char path[PATH_MAX + 64], exe[PATH_MAX];
  ssize_t n;
  char *slash;
  int rc;

  if (env && *env) {
    snprintf(path, sizeof path, "%s/cdn-suffixes.txt", env);
    rc = cdn_load(t, path);
    if (rc != -1)
      return rc;
  }
#ifdef V6_DATADIR
  rc = cdn_load(t, V6_DATADIR "/cdn-suffixes.txt");
  if (rc != -1)
    return rc;
#endif
  n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    exe[n] = '\0';
    slash = strrchr(exe, '/');
    if (slash) {
      *slash = '\0';
      snprintf(path, sizeof path, "%s/data/cdn-suffixes.txt", exe);
      rc = cdn_load(t, path);
      if (rc != -1)
        return rc;
    }
  }
  cli_err("no cdn-suffixes.txt found (set V6CRAWL_DATA_DIR): CNAMEs are "
          "shown without their provider");
  return 0;
}

/* 1 when the last labels of @name match @c's suffix, each label as a
 * glob ('*' in the table, e.g. kunlun*.com). */
static int cdn_match(const struct cdn *c, const char *name)
{
  char nb[512], sb[256];
  char *np, *sp;
  int nl = count_labels(name), i;

  if (nl < c->labels || strlen(name) >= sizeof nb ||
      strlen(c->suffix) >= sizeof sb)
    return 0;
  memcpy(nb, name, strlen(name) + 1);
  memcpy(sb, c->suffix, strlen(c->suffix) + 1);
  /* compare label by label from the right */
  for (i = 0; i < c->labels; i++) {
    np = strrchr(nb, '.');
    sp = strrchr(sb, '.');
    if (fnmatch(sp ? sp + 1 : sb, np ? np + 1 : nb, FNM_NOESCAPE) != 0)
      return 0;
    if (np)
      *np = '\0';
    else
      nb[0] = '\0';
    if (sp)
      *sp = '\0';
  }
  return 1;
}

/* The provider of the first name in CNAME chain @chain ("a -> b -> c")
 * after the host itself that a table entry matches (the longest suffix
 * wins); NULL when none. Lent from @t. */
static const char *cdn_provider(const struct cdn_table *t, const char *chain)
{
  char name[512];
  const char *p, *e, *best;
  size_t len, i, k;
  int best_labels;

  if (!chain)
    return NULL;
  p = strstr(chain, " -> ");
  while (p) {
    p += 4;
    e = strstr(p, " -> ");
    len = e ? (size_t)(e - p) : strlen(p);
    while (len && p[len - 1] == '.')
      len--;
    if (len && len < sizeof name) {
      for (k = 0; k < len; k++)
        name[k] = (char)((p[k] >= 'A' && p[k] <= 'Z') ? p[k] + 32 : p[k]);
      name[len] = '\0';
      best = NULL;
      best_labels = 0;
      for (i = 0; i < t->n; i++)
        if (t->v[i].labels > best_labels && cdn_match(&t->v[i], name)) {
          best = t->v[i].provider;
          best_labels = t->v[i].labels;
        }
      if (best)
        return best;
    }
    p = e;
  }
  return NULL;
}

/* ---- fixes ------------------------------------------------------------- */

/* The classes fixing a host turns into supported links. */
static const int fixable[] = {CLASS_NO_AAAA, CLASS_V6_BROKEN, CLASS_V6_ERROR};
#define N_FIXABLE 3

struct fhost {
  char *name;
  unsigned n[2];             /* links at level 2, level 3 */
  unsigned klass[N_FIXABLE]; /* by fixable class */
  struct store_host dns;     /* zeroed when not resolved */
  int have_dns;
  double after[2]; /* cumulative concentration, top-k fixed */
  int have_after[2];
};

struct fsite {
  struct store_site *site;
  struct store_site_figs figs;
  struct fhost *h;
  size_t n, cap;
  unsigned dead[2];
};

struct fctx {
  int fmt;
  int levels[2]; /* which of level 2, level 3 are asked for */
  struct fsite *cur;
  int nomem;
};

static int fixable_idx(int klass)
{
  int i;

  for (i = 0; i < N_FIXABLE; i++)
    if (fixable[i] == klass)
      return i;
  return -1;
}

/* The host that has to be fixed for @r: the host of the URL the last IPv6
 * request went to (the end of the last hops line), else the link's own. */
static char *fix_host(const struct store_link_row *r)
{
  const char *hops = r->probe ? r->probe->v6.hops : NULL;
  const char *url = r->url, *last, *sp;
  struct url_view v;
  char *u = NULL, *out = NULL;
  size_t len;

  if (hops && *hops) {
    len = strlen(hops);
    while (len && hops[len - 1] == '\n')
      len--;
    last = hops;
    for (sp = hops; sp < hops + len; sp++)
      if (*sp == '\n')
        last = sp + 1;
    for (sp = hops + len; sp > last && sp[-1] != ' '; sp--)
      ;
    if (sp < hops + len) {
      u = strndup(sp, (size_t)(hops + len - sp));
      if (!u)
        return NULL;
      url = u;
    }
  }
  if (url_view_parse(url, &v) != PARSE_OK &&
      (url == r->url || url_view_parse(r->url, &v) != PARSE_OK)) {
    free(u);
    return strdup("");
  }
  out = strdup(v.host ? v.host : "");
  url_view_cleanup(&v);
  free(u);
  return out;
}

static int fix_row(const struct store_link_row *r, void *ud)
{
  struct fctx *x = ud;
  struct fsite *fs = x->cur;
  struct fhost *h = NULL, *nv;
  char *name;
  size_t i;
  int li = r->level - 2, k;

  if (!r->internal || li < 0 || li > 1 || !x->levels[li])
    return 0;
  if (r->klass == CLASS_DEAD) {
    fs->dead[li]++;
    return 0;
  }
  k = fixable_idx(r->klass);
  if (k < 0)
    return 0;
  name = fix_host(r);
  if (!name)
    return STORE_NOMEM;
  for (i = 0; i < fs->n; i++)
    if (strcmp(fs->h[i].name, name) == 0) {
      h = &fs->h[i];
      break;
    }
  if (!h) {
    if (fs->n == fs->cap) {
      size_t cap = fs->cap ? fs->cap * 2 : 16;
      nv = realloc(fs->h, cap * sizeof *nv);
      if (!nv) {
        free(name);
        return STORE_NOMEM;
      }
      fs->h = nv;
      fs->cap = cap;
    }
    h = &fs->h[fs->n++];
    memset(h, 0, sizeof *h);
    h->name = name;
  } else {
    free(name);
  }
  h->n[li]++;
  h->klass[k]++;
  return 0;
}

static int fhost_cmp(const void *a, const void *b)
{
  const struct fhost *x = a, *y = b;
  unsigned tx = x->n[0] + x->n[1], ty = y->n[0] + y->n[1];

  if (tx != ty)
    return tx > ty ? -1 : 1;
  return strcmp(x->name, y->name);
}

static void fsite_free(struct fsite *fs)
{
  size_t i;

  for (i = 0; i < fs->n; i++) {
    free(fs->h[i].name);
    store_host_cleanup(&fs->h[i].dns);
  }
  free(fs->h);
  memset(fs, 0, sizeof *fs);
}

/* Concentration of @f with @extra more links supported. */
static int conc_plus(const struct store_fig *f, unsigned extra, double *out)
{
  unsigned counted = store_fig_counted(f);

  if (!counted)
    return -1;
  *out = (double)(store_fig_supported(f) + extra) / counted;
  return 0;
}

/* Rank the hosts, look up their DNS answers, compute cumulative figures. */
static int fsite_finish(struct store *st, uint32_t run, struct fsite *fs)
{
  unsigned sum[2] = {0, 0};
  size_t i;
  int l, rc;

  qsort(fs->h, fs->n, sizeof *fs->h, fhost_cmp);
  for (i = 0; i < fs->n; i++) {
    struct fhost *h = &fs->h[i];
    rc = *h->name ? store_host_get(st, run, h->name, &h->dns) : STORE_NOTFOUND;
    if (rc == STORE_OK)
      h->have_dns = 1;
    else if (rc != STORE_NOTFOUND)
      return rc;
    for (l = 0; l < 2; l++) {
      sum[l] += h->n[l];
      h->have_after[l] =
        conc_plus(&fs->figs.level[l + 2][0], sum[l], &h->after[l]) == 0;
    }
  }
  return STORE_OK;
}

static void pct_str(char *buf, size_t len, int ok, double v)
{
  if (ok)
    snprintf(buf, len, "%.1f%%", v * 100.0);
  else
    snprintf(buf, len, "-");
}

static void classes_str(char *buf, size_t len, const struct fhost *h)
{
  size_t off = 0;
  int k, n;

  buf[0] = '\0';
  for (k = 0; k < N_FIXABLE; k++) {
    if (!h->klass[k])
      continue;
    n = snprintf(buf + off, len - off, "%s%s %u", off ? " " : "",
                 store_class_name(fixable[k]), h->klass[k]);
    if (n < 0 || (size_t)n >= len - off)
      break;
    off += (size_t)n;
  }
}

/* Print @s on one line of at most 100 columns (bytes; cut with "..."). */
static void line100(FILE *o, const char *s)
{
  size_t n = strlen(s);

  if (n <= 100)
    fprintf(o, "%s\n", s);
  else
    fprintf(o, "%.97s...\n", s);
}

static void fixes_text(FILE *o, const struct fctx *x, const struct cdn_table *t,
                       uint32_t run, struct fsite *fs, size_t n)
{
  char buf[2048], cl[64], a2[16], a3[16];
  size_t i, j;
  int l;

  fprintf(o,
          "What to fix first: run %u, hosts behind internal links that "
          "fail over IPv6\n",
          run);
  for (i = 0; i < n; i++) {
    struct fsite *s = &fs[i];
    fprintf(o, "\n%s (scope %s)\n", s->site->start_url,
            s->site->scope_domain ? s->site->scope_domain : "-");
    if (s->n == 0) {
      fputs("  no internal link fails over IPv6 where IPv4 works\n", o);
    } else {
      fprintf(o, "%3s  %-32s %4s %4s  %8s %8s  %s\n", "#", "host", "L2", "L3",
              "L2 after", "L3 after", "classes");
    }
    for (j = 0; j < s->n; j++) {
      const struct fhost *h = &s->h[j];
      const char *prov = h->have_dns ? cdn_provider(t, h->dns.cnames) : NULL;
      pct_str(a2, sizeof a2, x->levels[0] && h->have_after[0], h->after[0]);
      pct_str(a3, sizeof a3, x->levels[1] && h->have_after[1], h->after[1]);
      classes_str(cl, sizeof cl, h);
      fprintf(o, "%3zu  %-32.32s %4u %4u  %8s %8s  %.31s\n", j + 1, h->name,
              h->n[0], h->n[1], a2, a3, cl);
      if (strlen(h->name) > 32) {
        snprintf(buf, sizeof buf, "       host %s", h->name);
        line100(o, buf);
      }
      if (!h->have_dns) {
        line100(o, "       dns: not resolved in this run");
        continue;
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
    for (l = 0; l < 2; l++) {
      const struct store_fig *f = &s->figs.level[l + 2][0];
      unsigned hosts = 0, links = 0;
      double b = 0, a = 0;
      if (!x->levels[l])
        continue;
      for (j = 0; j < s->n; j++)
        if (s->h[j].n[l]) {
          hosts++;
          links += s->h[j].n[l];
        }
      if (store_fig_concentration(f, &b) < 0) {
        fprintf(o, "  level %d: no counted internal links\n", l + 2);
        continue;
      }
      if (!hosts) {
        fprintf(o,
                "  level %d stays at %.1f%%: no internal link there fails "
                "over IPv6 alone\n",
                l + 2, b * 100.0);
        continue;
      }
      conc_plus(f, links, &a);
      if (hosts == 1)
        fprintf(o,
                "  fix this host and level %d rises from %.1f%% to "
                "%.1f%%\n",
                l + 2, b * 100.0, a * 100.0);
      else
        fprintf(o,
                "  fix these %u hosts and level %d rises from %.1f%% to "
                "%.1f%%\n",
                hosts, l + 2, b * 100.0, a * 100.0);
    }
  }
}

static void json_csv_list(FILE *o, const char *s, const char *sep)
{
  const char *p = s, *e;
  size_t sl = strlen(sep);
  char *item;
  int first = 1;

  fputc('[', o);
  while (p && *p) {
    e = strstr(p, sep);
    item = strndup(p, e ? (size_t)(e - p) : strlen(p));
    if (!first)
      fputs(", ", o);
    json_str(o, item ? item : "");
    free(item);
    first = 0;
    p = e ? e + sl : NULL;
  }
  fputc(']', o);
}

static void fixes_json(FILE *o, const struct fctx *x, const struct cdn_table *t,
                       uint32_t run, struct fsite *fs, size_t n)
{
  size_t i, j;
  int l, k, first;

  fprintf(o, "{\"run\": %u, \"sites\": [", run);
  for (i = 0; i < n; i++) {
    struct fsite *s = &fs[i];
    fputs(i ? ",\n  {" : "\n  {", o);
    fputs("\"start_url\": ", o);
    json_str(o, s->site->start_url);
    fputs(", \"final_url\": ", o);
    json_str(o, s->site->final_url);
    fputs(", \"scope_domain\": ", o);
    json_str(o, s->site->scope_domain);
    fputs(",\n   \"levels\": {", o);
    first = 1;
    for (l = 0; l < 2; l++) {
      const struct store_fig *f = &s->figs.level[l + 2][0];
      unsigned fix = 0;
      double b = 0, a = 0;
      int hb, ha;
      if (!x->levels[l])
        continue;
      for (j = 0; j < s->n; j++)
        fix += s->h[j].n[l];
      hb = store_fig_concentration(f, &b) == 0;
      ha = conc_plus(f, fix, &a) == 0;
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
    fputs("},\n   \"hosts\": [", o);
    for (j = 0; j < s->n; j++) {
      const struct fhost *h = &s->h[j];
      fprintf(o, "%s{\"rank\": %zu, \"host\": ", j ? ",\n    " : "\n    ",
              j + 1);
      json_str(o, h->name);
      fputs(", \"links\": {", o);
      first = 1;
      for (l = 0; l < 2; l++)
        if (x->levels[l]) {
          fprintf(o, "%s\"%d\": %u", first ? "" : ", ", l + 2, h->n[l]);
          first = 0;
        }
      fprintf(o, "}, \"total\": %u, \"classes\": {", h->n[0] + h->n[1]);
      for (k = 0; k < N_FIXABLE; k++)
        fprintf(o, "%s\"%s\": %u", k ? ", " : "", store_class_name(fixable[k]),
                h->klass[k]);
      fputs("},\n     \"dns\": ", o);
      if (h->have_dns) {
        fputs("{\"cnames\": ", o);
        json_csv_list(o, h->dns.cnames, " -> ");
        fputs(", \"a\": ", o);
        json_csv_list(o, h->dns.a, ",");
        fputs(", \"aaaa\": ", o);
        json_csv_list(o, h->dns.aaaa, ",");
        fputs(", \"a_error\": ", o);
        json_str(o, h->dns.a_error);
        fputs(", \"aaaa_error\": ", o);
        json_str(o, h->dns.aaaa_error);
        fputs("}", o);
      } else {
        fputs("null", o);
      }
      fputs(", \"provider\": ", o);
      json_str(o, h->have_dns ? cdn_provider(t, h->dns.cnames) : NULL);
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
    fputs("]}", o);
  }
  fputs("\n]}\n", o);
}

static void fixes_csv(FILE *o, const struct fctx *x, const struct cdn_table *t,
                      uint32_t run, struct fsite *fs, size_t n)
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
    struct fsite *s = &fs[i];
    for (j = 0; j < s->n; j++) {
      const struct fhost *h = &s->h[j];
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
      for (k = 0; k < N_FIXABLE; k++) {
        snprintf(buf, sizeof buf, "%u", h->klass[k]);
        csv_field(o, buf, 0);
      }
      csv_field(o, h->have_dns ? cdn_provider(t, h->dns.cnames) : NULL, 0);
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

static const char fixes_usage[] =
  "Usage: v6crawl fixes [--db DIR] [--run ID|latest] [--site URL] "
  "[--level 2|3]\n"
  "       [--format text|json|csv] [-o FILE]\n"
  "What to fix first: per site, the hosts behind internal links that fail\n"
  "over IPv6 while IPv4 works (no-aaaa, v6-broken, v6-error), ranked by how\n"
  "many counted links fixing each would turn into IPv6 successes; the host\n"
  "is the one the last IPv6 request went to (after redirects). With each\n"
  "host: its classes, DNS evidence (CNAME chain and the CDN or cloud behind\n"
  "it, A, AAAA) and the level's concentration once it and every host above\n"
  "it are fixed. Dead links (IPv4 fails too) are counted apart. Without\n"
  "--level, levels 2 and 3 together.\n";

int cmd_fixes(int argc, char **argv)
{
  static const struct option lo[] = {{"db", required_argument, 0, 'd'},
                                     {"run", required_argument, 0, 'r'},
                                     {"site", required_argument, 0, 's'},
                                     {"level", required_argument, 0, 'l'},
                                     {"format", required_argument, 0, 'f'},
                                     {"output", required_argument, 0, 'o'},
                                     {"help", no_argument, 0, 'h'},
                                     {0, 0, 0, 0}};
  const char *db_opt = NULL, *run_opt = NULL, *site = NULL, *out_path = NULL;
  struct cdn_table t = {0};
  struct store *st = NULL;
  struct store_site *sites = NULL;
  struct fsite *fs = NULL;
  struct fctx x;
  size_t n = 0, nf = 0, i;
  char *db = NULL;
  FILE *o = stdout;
  uint32_t run = 0;
  long v;
  int rc = EXIT_OKAY, src = STORE_OK, opt;

  memset(&x, 0, sizeof x);
  x.levels[0] = x.levels[1] = 1;
  optind = 1;
  while ((opt = getopt_long(argc, argv, "o:", lo, NULL)) != -1) {
    switch (opt) {
      case 'd':
        db_opt = optarg;
        break;
      case 'r':
        run_opt = optarg;
        break;
      case 's':
        site = optarg;
        break;
      case 'l':
        if (cli_int(optarg, 2, 3, &v) < 0) {
          cli_err("bad --level '%s': 2 or 3", optarg);
          return EXIT_USAGE;
        }
        x.levels[0] = v == 2;
        x.levels[1] = v == 3;
        break;
      case 'f':
        x.fmt = cli_fmt(optarg);
        if (x.fmt < 0)
          return EXIT_USAGE;
        break;
      case 'o':
        out_path = optarg;
        break;
      case 'h':
        fputs(fixes_usage, stdout);
        return EXIT_OKAY;
      default:
        fputs(fixes_usage, stderr);
        return EXIT_USAGE;
    }
  }
  if (optind < argc) {
    cli_err("fixes takes no arguments ('%s'); see --help", argv[optind]);
    return EXIT_USAGE;
  }
  rc = cli_store_open(db_opt, 1, &st, &db);
  if (rc != EXIT_OKAY)
    goto out;
  rc = cli_run_arg(st, db, run_opt, &run);
  if (rc != EXIT_OKAY)
    goto out;
  src = store_sites_list(st, run, &sites, &n);
  if (src != STORE_OK)
    goto out;
  fs = calloc(n ? n : 1, sizeof *fs);
  if (!fs) {
    src = STORE_NOMEM;
    goto out;
  }
  for (i = 0; i < n; i++) {
    if (site && strcmp(sites[i].start_url, site) != 0 &&
        !(sites[i].final_url && strcmp(sites[i].final_url, site) == 0))
      continue;
    fs[nf].site = &sites[i];
    x.cur = &fs[nf++];
    src = store_site_figures(st, run, sites[i].idx, &x.cur->figs);
    if (src == STORE_OK)
      src = store_links_each(st, run, sites[i].idx, fix_row, &x);
    if (src == STORE_OK)
      src = fsite_finish(st, run, x.cur);
    if (src != STORE_OK)
      goto out;
  }
  if (site && nf == 0) {
    cli_err("no site %s in run %u", site, run);
    rc = EXIT_USAGE;
    goto out;
  }
  if (cdn_find(&t) == -2) {
    src = STORE_NOMEM;
    goto out;
  }
  if (out_path && strcmp(out_path, "-") != 0) {
    o = fopen(out_path, "w");
    if (!o) {
      cli_err("cannot write %s: %s", out_path, strerror(errno));
      rc = EXIT_USAGE;
      goto out;
    }
  }
  if (x.fmt == CLI_JSON)
    fixes_json(o, &x, &t, run, fs, nf);
  else if (x.fmt == CLI_CSV)
    fixes_csv(o, &x, &t, run, fs, nf);
  else
    fixes_text(o, &x, &t, run, fs, nf);
  if ((o != stdout ? fclose(o) : fflush(o)) != 0) {
    cli_err("cannot write %s", out_path ? out_path : "the output");
    rc = EXIT_USAGE;
  }
out:
  if (src != STORE_OK) {
    cli_err("cannot read the store %s: %s", db ? db : "", store_strerror(src));
    rc = src == STORE_NOMEM ? EXIT_INTERNAL : EXIT_STORE;
  }
  for (i = 0; fs && i < nf; i++)
    fsite_free(&fs[i]);
  free(fs);
  store_sites_free(sites, n);
  cdn_free(&t);
  store_close(st);
  free(db);
  return rc;
}
