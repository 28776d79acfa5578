/* report/figs.c - the figures as the reports show them, the fail-under
 * verdict, the delay ratios and the host a failing link is blamed on. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "report/report.h"

void report_pct_floor(char *buf, size_t len, unsigned ipv6, unsigned counted)
{
  unsigned long long t;

  if (!counted) {
    snprintf(buf, len, "\xe2\x80\x94");
    return;
  }
  t = (unsigned long long)ipv6 * 1000u / counted;
  snprintf(buf, len, "%llu.%llu%%", t / 10, t % 10);
}

/* floor(1000 * @ip / @cnt) and its remainder: @ip <= @cnt < 2^32, so
 * every product fits in 64 bits. */
static unsigned long long permille(unsigned ip, unsigned cnt,
                                   unsigned long long *rem)
{
  unsigned long long t = (unsigned long long)ip * 1000u;

  *rem = t % cnt;
  return t / cnt;
}

void report_pts_floor(char *buf, size_t len, unsigned ipa, unsigned cnta,
                      unsigned ipb, unsigned cntb)
{
  unsigned long long ra, rb, qa, qb;
  long long d;

  if (!cnta || !cntb) {
    snprintf(buf, len, "-");
    return;
  }
  qa = permille(ipa, cnta, &ra);
  qb = permille(ipb, cntb, &rb);
  /* 1000 * (b - a) = qb - qa + (rb / cntb - ra / cnta), the last term in
   * (-1, 1): the floor takes one more off when it is negative. */
  d = (long long)qb - (long long)qa;
  if (rb * cnta < ra * cntb)
    d--;
  snprintf(buf, len, "%c%lld.%lld", d < 0 ? '-' : '+', (d < 0 ? -d : d) / 10,
           (d < 0 ? -d : d) % 10);
}

int report_verdict(unsigned ipv6, unsigned counted, double threshold)
{
  if (!counted)
    return -1;
  return (double)ipv6 * 100.0 >= threshold * (double)counted;
}

int report_site_verdict(const struct store_site_figs *f, double threshold)
{
  int v2 = report_verdict(store_fig_supported(&f->level[2][0]),
                          store_fig_counted(&f->level[2][0]), threshold);
  int v3 = report_verdict(store_fig_supported(&f->level[3][0]),
                          store_fig_counted(&f->level[3][0]), threshold);

  if (v2 < 0 && v3 < 0)
    return -1;
  return v2 != 0 && v3 != 0;
}

int report_fig_below(const struct store_fig *f, double pct)
{
  unsigned counted = store_fig_counted(f);

  return counted > 0 && (double)store_fig_supported(f) * 100.0 < pct * counted;
}

int report_fig_plus(const struct store_fig *f, unsigned extra, double *out)
{
  unsigned counted = store_fig_counted(f);

  if (!counted)
    return -1;
  *out = (double)(store_fig_supported(f) + extra) / counted;
  return 0;
}

int report_max_level(const struct store_site_figs *f)
{
  int l, m = 3;

  for (l = 4; l <= STORE_MAX_LEVEL; l++)
    if (f->level[l][1].links)
      m = l;
  return m;
}

int report_home_class(struct store *st, uint32_t run,
                      const struct store_site *s)
{
  struct store_probe p;
  int k;

  if (store_probe_get(st, run, s->start_url, &p) != STORE_OK)
    return CLASS_UNMEASURED;
  k = p.klass;
  store_probe_cleanup(&p);
  return k;
}

int report_home_verdict(int klass)
{
  if (klass == CLASS_OK || klass == CLASS_V6_ONLY)
    return 1;
  return klass == CLASS_UNMEASURED || klass == CLASS_ROBOTS ||
             klass == CLASS_BLOCKED
           ? -1
           : 0;
}

/* @a and @b alike but for one trailing slash: http://x.cn/portal is
 * http://x.cn/portal/ */
static int url_alike(const char *a, const char *b)
{
  size_t na = strlen(a), nb = strlen(b);

  if (na == nb)
    return strcmp(a, b) == 0;
  if (na + 1 == nb)
    return b[na] == '/' && memcmp(a, b, na) == 0;
  if (nb + 1 == na)
    return a[nb] == '/' && memcmp(a, b, nb) == 0;
  return 0;
}

int report_site_is(const struct store_site *s, const char *url)
{
  return url_alike(s->start_url, url) ||
         (s->final_url && url_alike(s->final_url, url));
}

static int by_unit_cmp(const void *pa, const void *pb)
{
  const struct store_site *a = pa, *b = pb;
  int r;

  if (!a->unit != !b->unit)
    return a->unit ? -1 : 1;
  r = a->unit ? strcmp(a->unit, b->unit) : 0;
  if (r)
    return r;
  return a->idx < b->idx ? -1 : a->idx > b->idx;
}

int report_sites_load(struct store *st, uint32_t run, int by_unit,
                      struct store_site **sites, struct store_site_figs **figs,
                      size_t *n)
{
  struct store_site *s = NULL;
  struct store_site_figs *f = NULL;
  size_t ns = 0, i;
  int rc;

  rc = store_sites_list(st, run, &s, &ns);
  if (rc == STORE_OK && by_unit && ns > 1) /* s is NULL for no site */
    qsort(s, ns, sizeof(*s), by_unit_cmp);
  if (rc == STORE_OK && ns) {
    f = calloc(ns, sizeof(*f));
    if (!f)
      rc = STORE_NOMEM;
  }
  for (i = 0; rc == STORE_OK && i < ns; i++) {
    struct store_probe p;
    rc = store_site_figures(st, run, s[i].idx, &f[i]);
    /* report_home_class reads the homepage's probe later and cannot say
     * that it failed: a damaged record must fail the load here, never
     * show as "unmeasured" */
    if (rc == STORE_OK) {
      rc = store_probe_get(st, run, s[i].start_url, &p);
      if (rc == STORE_OK)
        store_probe_cleanup(&p);
      else if (rc == STORE_NOTFOUND)
        rc = STORE_OK;
    }
  }
  if (rc != STORE_OK) {
    free(f);
    store_sites_free(s, ns);
    return rc;
  }
  *sites = s;
  *figs = f;
  *n = ns;
  return STORE_OK;
}

/* ---- --fail-under -------------------------------------------------------- */

static int below_add(struct report_below **v, size_t *n, const char *url,
                     int level, const struct store_fig *f)
{
  struct report_below *nv = realloc(*v, (*n + 1) * sizeof(*nv));

  if (!nv)
    return STORE_NOMEM;
  *v = nv;
  nv[*n].start_url = strdup(url);
  if (!nv[*n].start_url)
    return STORE_NOMEM;
  nv[*n].level = level;
  nv[*n].fig = *f;
  (*n)++;
  return STORE_OK;
}

int report_fail_under(struct store *st, uint32_t run, double pct,
                      struct report_below **out, size_t *n)
{
  struct store_site *sites = NULL;
  struct store_site_figs figs;
  size_t ns = 0, i;
  int rc, l;

  *out = NULL;
  *n = 0;
  rc = store_sites_list(st, run, &sites, &ns);
  for (i = 0; rc == STORE_OK && i < ns; i++) {
    rc = store_site_figures(st, run, sites[i].idx, &figs);
    for (l = 2; rc == STORE_OK && l <= 3; l++)
      if (report_fig_below(&figs.level[l][0], pct))
        rc = below_add(out, n, sites[i].start_url, l, &figs.level[l][0]);
  }
  store_sites_free(sites, ns);
  return rc;
}

void report_below_free(struct report_below *b, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++)
    free(b[i].start_url);
  free(b);
}

/* 1 when figure @f has nothing counted for want of measuring: unmeasured
 * links and no counted one. */
static int fig_unmeasured(const struct store_fig *f)
{
  return !store_fig_counted(f) && f->classes[CLASS_UNMEASURED] > 0;
}

int report_nodata(struct store *st, uint32_t run, int *why, char ***urls,
                  size_t *n)
{
  struct store_run r;
  struct store_site *sites = NULL;
  struct store_site_figs figs;
  char **v = NULL;
  size_t ns = 0, i, k = 0;
  int rc, all = 0;

  *why = REPORT_JUDGED;
  *urls = NULL;
  *n = 0;
  memset(&r, 0, sizeof r);
  rc = store_run_get(st, run, &r);
  if (rc != STORE_OK)
    goto out;
  if (r.vantage_ipv6 == 0)
    all = REPORT_NODATA_NOIPV6;
  else if (!r.complete)
    all = REPORT_NODATA_PARTIAL;
  rc = store_sites_list(st, run, &sites, &ns);
  if (rc != STORE_OK)
    goto out;
  v = calloc(ns ? ns : 1, sizeof *v);
  if (!v) {
    rc = STORE_NOMEM;
    goto out;
  }
  for (i = 0; i < ns; i++) {
    if (!all) {
      rc = store_site_figures(st, run, sites[i].idx, &figs);
      if (rc != STORE_OK)
        goto out;
      if (report_site_verdict(&figs, 0) >= 0 &&
          !fig_unmeasured(&figs.level[2][0]) &&
          !fig_unmeasured(&figs.level[3][0]))
        continue;
    }
    v[k] = strdup(sites[i].start_url);
    if (!v[k]) {
      rc = STORE_NOMEM;
      goto out;
    }
    k++;
  }
  /* a run without a site has nothing to judge either */
  *why = all ? all : k || !ns ? REPORT_NODATA_SITES : REPORT_JUDGED;
  *urls = v;
  *n = k;
  v = NULL;
out:
  report_urls_free(v, k);
  store_sites_free(sites, ns);
  store_run_cleanup(&r);
  return rc;
}

void report_urls_free(char **urls, size_t n)
{
  size_t i;

  if (!urls)
    return;
  for (i = 0; i < n; i++)
    free(urls[i]);
  free(urls);
}

/* ---- delay ratios -------------------------------------------------------- */

/* The lookup times of @h, once per distinct host (up to host_seen's size). */
static void delay_dns(struct report_delay *x, const struct store_host *h)
{
  uint64_t hash;
  unsigned k;

  if (h->a_ms <= 0 || h->aaaa_ms <= 0 ||
      x->n_seen >= sizeof(x->host_seen) / sizeof(x->host_seen[0]))
    return;
  hash = v6_hash_str(h->name);
  for (k = 0; k < x->n_seen && x->host_seen[k] != hash; k++)
    ;
  if (k < x->n_seen)
    return;
  x->host_seen[x->n_seen++] = hash;
  x->dns[0] += h->aaaa_ms;
  x->dns[1] += h->a_ms;
  x->n_dns++;
}

static double family_ms(const struct store_family *f, int k)
{
  return k == 0 ? f->connect_ms : k == 1 ? f->first_byte_ms : f->total_ms;
}

static int delay_row(const struct store_link_row *r, void *ud)
{
  struct report_delay *x = ud;
  const struct store_family *f6, *f4;
  int i;

  if (r->level == 1 && r->host) {
    x->aaaa = r->host->usable_aaaa > 0;
    x->aaaa_known = 1;
  }
  if (r->klass != CLASS_OK || !r->internal || !r->probe)
    return 0;
  if (r->host)
    delay_dns(x, r->host);
  f6 = &r->probe->v6;
  f4 = &r->probe->v4;
  if (f6->total_ms <= 0 || f4->total_ms <= 0)
    return 0;
  /* A reused connection reports no connect time: only pairs where both
   * families timed a delay count for it. */
  for (i = 0; i < 3; i++) {
    double v6 = family_ms(f6, i), v4 = family_ms(f4, i);
    if (v6 <= 0 || v4 <= 0)
      continue;
    x->sum[0][i] += v6;
    x->sum[1][i] += v4;
    x->n[i]++;
  }
  x->timed++;
  return 0;
}

int report_delay_site(struct store *st, uint32_t run, uint32_t site,
                      struct report_delay *x)
{
  memset(x, 0, sizeof(*x));
  return store_links_each(st, run, site, delay_row, x);
}

int report_delay_ratio(const struct report_delay *x, int k, double *out)
{
  if (!x->n[k] || x->sum[1][k] <= 0)
    return -1;
  *out = x->sum[0][k] / x->sum[1][k] - 1.0;
  return 0;
}

int report_delay_dns_ratio(const struct report_delay *x, double *out)
{
  if (!x->n_dns || x->dns[1] <= 0)
    return -1;
  *out = x->dns[0] / x->dns[1] - 1.0;
  return 0;
}

int report_delay_pass(const struct report_delay *x)
{
  double v;
  int k, measured = 0, pass = 1;

  if (report_delay_dns_ratio(x, &v) == 0) {
    measured = 1;
    pass = v <= REPORT_DELAY_PASS;
  }
  for (k = 0; k < 3; k++) {
    if (report_delay_ratio(x, k, &v) < 0)
      continue;
    measured = 1;
    if (v > REPORT_DELAY_PASS)
      pass = 0;
  }
  return measured ? pass : -1;
}

/* ---- the blamed host ----------------------------------------------------- */

size_t report_blame_host(const struct store_link_row *r, char *buf, size_t cap)
{
  const char *hops = r->probe ? r->probe->v6.hops : NULL;
  const char *last, *sp, *end;
  char url[4096];
  size_t len;

  if (hops && *hops) {
    len = strlen(hops);
    while (len && hops[len - 1] == '\n')
      len--;
    end = hops + len;
    last = hops;
    for (sp = hops; sp < end; sp++)
      if (*sp == '\n')
        last = sp + 1;
    for (sp = end; sp > last && sp[-1] != ' '; sp--)
      ;
    if (sp < end && (size_t)(end - sp) < sizeof(url)) {
      memcpy(url, sp, (size_t)(end - sp));
      url[end - sp] = '\0';
      len = v6_url_host(url, buf, cap);
      if (len)
        return len;
    }
  }
  return v6_url_host(r->url, buf, cap);
}
