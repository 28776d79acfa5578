/* report/timing.c - the delay and CDN performance figures from the
 * dedicated timing requests: medians, quartiles and range per family, and
 * the rules with their resolution floor (doc/measurement.md). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "report/report.h"

const char *const report_tmetric_name[REPORT_T__N] = {
  "dns", "connect", "tls", "first_byte", "total", "throughput"};

static int dbl_cmp(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* The quantile @q of the @n sorted values @v, interpolated linearly. */
static double quantile(const double *v, unsigned n, double q)
{
  double pos = q * (double)(n - 1);
  unsigned lo = (unsigned)pos;
  if (lo + 1 >= n)
    return v[n - 1];
  return v[lo] + (pos - (double)lo) * (v[lo + 1] - v[lo]);
}

/* Metric @k of sample @s, or -1 when the sample has none. */
static double sample_value(const struct store_tsample *s, int k)
{
  if (!s->ok)
    return -1;
  switch (k) {
    case REPORT_T_DNS:
      return s->dns_ms > 0 ? s->dns_ms : -1;
    case REPORT_T_CONNECT:
      return s->connect_ms;
    case REPORT_T_TLS:
      return s->tls_ms > 0 ? s->tls_ms : -1;
    case REPORT_T_FIRST_BYTE:
      return s->first_byte_ms;
    case REPORT_T_TOTAL:
      return s->total_ms;
    default:
      return s->total_ms > 0 && s->bytes
               ? (double)s->bytes * 1000.0 / s->total_ms
               : -1;
  }
}

static int timing_stats(struct report_timing *x, const struct store_timing *t)
{
  double *v = malloc((t->n ? t->n : 1) * sizeof(double));
  unsigned f, i, n;
  int k;

  if (!v)
    return STORE_NOMEM;
  x->have = 1;
  x->samples = t->n;
  for (f = 0; f < 2; f++) {
    for (i = 0; i < t->n; i++)
      x->ok[f] += t->s[f][i].ok != 0;
    for (k = 0; k < REPORT_T__N; k++) {
      struct report_tstat *st = &x->st[f][k];
      for (n = i = 0; i < t->n; i++) {
        double d = sample_value(&t->s[f][i], k);
        if (d >= 0)
          v[n++] = d;
      }
      st->n = n;
      if (!n)
        continue;
      qsort(v, n, sizeof(double), dbl_cmp);
      st->min = v[0];
      st->max = v[n - 1];
      st->median = quantile(v, n, 0.5);
      st->q1 = quantile(v, n, 0.25);
      st->q3 = quantile(v, n, 0.75);
    }
  }
  free(v);
  return STORE_OK;
}

static int timing_load(int rc, struct store_timing *t, struct report_timing *x)
{
  if (rc == STORE_OK) {
    x->what = t->what;
    t->what = NULL;
    rc = timing_stats(x, t);
  } else if (rc == STORE_NOTFOUND) {
    rc = STORE_OK;
  }
  store_timing_cleanup(t);
  return rc;
}

int report_timing_site(struct store *st, uint32_t run, uint32_t site,
                       struct report_timing *x)
{
  struct store_timing t;
  memset(x, 0, sizeof(*x));
  return timing_load(store_timing_get(st, run, site, &t), &t, x);
}

int report_perf_host(struct store *st, uint32_t run, const char *host,
                     struct report_timing *x)
{
  struct store_timing t;
  memset(x, 0, sizeof(*x));
  return timing_load(store_perf_get(st, run, host, &t), &t, x);
}

void report_timing_cleanup(struct report_timing *x)
{
  free(x->what);
  memset(x, 0, sizeof(*x));
}

static int measured(const struct report_timing *x, int k)
{
  return x->have && x->st[0][k].n && x->st[1][k].n;
}

int report_timing_ratio(const struct report_timing *x, int k, double *out)
{
  if (!measured(x, k) || x->st[1][k].median <= 0)
    return -1;
  *out = x->st[0][k].median / x->st[1][k].median - 1.0;
  return 0;
}

/* The IPv6 median of time @k exceeds IPv4's by no more than the floor. */
static int within_floor(const struct report_timing *x, int k)
{
  return x->st[0][k].median - x->st[1][k].median <= REPORT_TIMING_FLOOR_MS;
}

int report_timing_verdict(const struct report_timing *x, int k)
{
  double r;
  if (k == REPORT_T_THROUGHPUT || !measured(x, k))
    return -1;
  if (within_floor(x, k))
    return 1;
  return report_timing_ratio(x, k, &r) == 0 && r <= REPORT_DELAY_PASS;
}

int report_timing_pass(const struct report_timing *x)
{
  int k, v, pass = -1;
  for (k = 0; k < REPORT_T_THROUGHPUT; k++) {
    v = report_timing_verdict(x, k);
    if (v == 0)
      return 0;
    if (v == 1)
      pass = 1;
  }
  return pass;
}

int report_perf_share(const struct report_timing *x, int k, double *out)
{
  const struct report_tstat *v6 = &x->st[0][k], *v4 = &x->st[1][k];
  if (!measured(x, k))
    return -1;
  if (k == REPORT_T_THROUGHPUT && v4->median > 0)
    *out = v6->median / v4->median;
  else if (k == REPORT_T_FIRST_BYTE && v6->median > 0)
    *out = v4->median / v6->median;
  else
    return -1;
  return 0;
}

int report_perf_verdict(const struct report_timing *x, int k)
{
  double share;
  if (k != REPORT_T_FIRST_BYTE && k != REPORT_T_THROUGHPUT)
    return -1;
  if (!measured(x, k))
    return -1;
  if (within_floor(x, k == REPORT_T_THROUGHPUT ? REPORT_T_TOTAL : k))
    return 1;
  return report_perf_share(x, k, &share) == 0 && share >= REPORT_PERF_SHARE;
}

int report_perf_pass(const struct report_timing *x)
{
  int a = report_perf_verdict(x, REPORT_T_FIRST_BYTE);
  int b = report_perf_verdict(x, REPORT_T_THROUGHPUT);
  if (a == 0 || b == 0)
    return 0;
  return a == 1 || b == 1 ? 1 : -1;
}

int report_perf_site_build(struct store *st, uint32_t run, uint32_t site,
                           const struct report_cdn_table *t,
                           struct report_perf_site *ps)
{
  size_t i, j;
  int rc;

  memset(ps, 0, sizeof(*ps));
  rc = report_cdn_site_build(st, run, site, t, &ps->cs);
  if (rc != STORE_OK || !ps->cs.n)
    return rc;
  ps->v = calloc(ps->cs.n, sizeof(*ps->v));
  if (!ps->v)
    return STORE_NOMEM;
  for (i = 0; i < ps->cs.n; i++) {
    struct report_perf_use *u = &ps->v[i];
    u->use = &ps->cs.v[i];
    u->pass = -1;
    u->h = calloc(u->use->n_hosts ? u->use->n_hosts : 1, sizeof(*u->h));
    if (!u->h)
      return STORE_NOMEM;
    for (j = 0; j < u->use->n_hosts; j++) {
      int p;
      rc = report_perf_host(st, run, u->use->hosts[j], &u->h[j]);
      if (rc != STORE_OK)
        return rc;
      p = report_perf_pass(&u->h[j]);
      if (p == 0)
        u->pass = 0;
      else if (p == 1 && u->pass < 0)
        u->pass = 1;
    }
  }
  return STORE_OK;
}

void report_perf_site_cleanup(struct report_perf_site *ps)
{
  size_t i, j;
  for (i = 0; ps->v && i < ps->cs.n; i++) {
    for (j = 0; ps->v[i].h && j < ps->v[i].use->n_hosts; j++)
      report_timing_cleanup(&ps->v[i].h[j]);
    free(ps->v[i].h);
  }
  free(ps->v);
  report_cdn_site_cleanup(&ps->cs);
  memset(ps, 0, sizeof(*ps));
}
