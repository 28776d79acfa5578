/* report/score.c - the composite score (综合得分) of a site: a weighted mean
 * of its indicators, each in 0..1, with the weights read by key from
 * data/score-weights.txt. No public weighting of the 网站IPv6支持度
 * indicators exists to cite, so the weights are the project's own (the
 * file says so); the computation is table-driven so that an indicator is
 * added by a line in ind_table and a line in the weights file. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

/* ---- the weights --------------------------------------------------------- */

/* Split @line (its comment already cut) into a key and a weight; 0, 1
 * when blank, -1 when malformed. */
static int weight_line(char *line, char **key, double *w)
{
  char *p = line, *end = NULL, *num;
  size_t kn;

  while (*p == ' ' || *p == '\t')
    p++;
  if (!*p || *p == '\n' || *p == '\r')
    return 1;
  *key = p;
  kn = strcspn(p, " \t\r\n");
  if (!p[kn])
    return -1;
  p[kn] = '\0';
  num = p + kn + 1;
  num += strspn(num, " \t");
  errno = 0;
  *w = strtod(num, &end);
  if (errno || end == num || !isfinite(*w) || *w < 0)
    return -1;
  end += strspn(end, " \t\r\n");
  return *end ? -1 : 0;
}

int report_weights_load(struct report_weights *w, const char *path,
                        unsigned *bad_line)
{
  FILE *f = NULL;
  char line[512], *key = NULL, *hash;
  unsigned no = 0;
  double v = 0, dummy;
  int rc = STORE_OK, k;

  memset(w, 0, sizeof *w);
  if (bad_line)
    *bad_line = 0;
  f = fopen(path, "r");
  if (!f)
    return STORE_NOTFOUND;
  while (fgets(line, sizeof line, f)) {
    no++;
    hash = strchr(line, '#');
    if (hash)
      *hash = '\0';
    k = weight_line(line, &key, &v);
    if (k == 1)
      continue;
    if (k < 0 || strlen(key) >= sizeof w->v[0].key || w->n == REPORT_IND_MAX ||
        report_weight_get(w, key, &dummy) == 0) {
      rc = STORE_INVALID;
      if (bad_line)
        *bad_line = no;
      goto out;
    }
    snprintf(w->v[w->n].key, sizeof w->v[w->n].key, "%s", key);
    w->v[w->n].w = v;
    w->n++;
  }
out:
  fclose(f);
  return rc;
}

int report_weight_get(const struct report_weights *w, const char *key,
                      double *out)
{
  size_t i;

  for (i = 0; w && i < w->n; i++)
    if (strcmp(w->v[i].key, key) == 0) {
      *out = w->v[i].w;
      return 0;
    }
  return -1;
}

/* ---- the indicators ------------------------------------------------------ */

struct ind_in {
  const struct store_site *s;
  const struct store_site_figs *f;
  const struct report_delay *x; /* NULL: not read */
};

/* Each returns 0 with *@v in 0..1 when measured, else -1. */
typedef int (*ind_fn)(const struct ind_in *in, double *v);

static int ind_l2(const struct ind_in *in, double *v)
{
  return store_fig_concentration(&in->f->level[2][0], v) == 0 ? 0 : -1;
}

static int ind_l3(const struct ind_in *in, double *v)
{
  return store_fig_concentration(&in->f->level[3][0], v) == 0 ? 0 : -1;
}

static int ind_home_aaaa(const struct ind_in *in, double *v)
{
  if (!in->x || !in->x->aaaa_known)
    return -1;
  *v = in->x->aaaa ? 1 : 0;
  return 0;
}

static int ind_home_v6(const struct ind_in *in, double *v)
{
  if (in->s->home_tries <= 0)
    return -1;
  *v = (double)in->s->home_ok / in->s->home_tries;
  return 0;
}

static int ind_home_same(const struct ind_in *in, double *v)
{
  if (in->s->consistent < 0)
    return -1;
  *v = in->s->consistent ? 1 : 0;
  return 0;
}

static int ind_ns(const struct ind_in *in, double *v)
{
  if (in->s->ns_total <= 0)
    return -1;
  *v = (double)in->s->ns_ipv6 / in->s->ns_total;
  return 0;
}

/* A delay ratio passes (1) at REPORT_DELAY_PASS or less, else 0; @k -1
 * is the DNS ratio, 0..2 report_delay_ratio's. */
static int ind_delay(const struct ind_in *in, int k, double *v)
{
  double r = 0;

  if (!in->x || (k < 0 ? report_delay_dns_ratio(in->x, &r)
                       : report_delay_ratio(in->x, k, &r)) != 0)
    return -1;
  *v = r <= REPORT_DELAY_PASS ? 1 : 0;
  return 0;
}

static int ind_delay_dns(const struct ind_in *in, double *v)
{
  return ind_delay(in, -1, v);
}

static int ind_delay_connect(const struct ind_in *in, double *v)
{
  return ind_delay(in, 0, v);
}

static int ind_delay_first(const struct ind_in *in, double *v)
{
  return ind_delay(in, 1, v);
}

static int ind_delay_total(const struct ind_in *in, double *v)
{
  return ind_delay(in, 2, v);
}

/* The indicators in report order; doc/measurement.md "The composite
 * score" defines each. A new indicator is a line here and a weight line
 * in data/score-weights.txt. */
static const struct {
  const char *key;
  ind_fn get;
} ind_table[] = {
  {"l2_concentration", ind_l2},          {"l3_concentration", ind_l3},
  {"home_aaaa", ind_home_aaaa},          {"home_v6_success", ind_home_v6},
  {"home_consistent", ind_home_same},    {"ns_ipv6", ind_ns},
  {"delay_dns", ind_delay_dns},          {"delay_connect", ind_delay_connect},
  {"delay_first_byte", ind_delay_first}, {"delay_total", ind_delay_total},
};

size_t report_score_inds(const struct store_site *s,
                         const struct store_site_figs *f,
                         const struct report_delay *x, int vantage_ipv6,
                         struct report_ind *out)
{
  struct ind_in in = {s, f, x};
  size_t i, n = sizeof ind_table / sizeof ind_table[0];

  for (i = 0; i < n && i < REPORT_IND_MAX; i++) {
    out[i].key = ind_table[i].key;
    out[i].value = 0;
    out[i].measured = vantage_ipv6 && ind_table[i].get(&in, &out[i].value) == 0;
    if (!out[i].measured)
      out[i].value = 0;
  }
  return i;
}

/* ---- the score ----------------------------------------------------------- */

void report_score_compute(const struct report_ind *ind, size_t n,
                          const struct report_weights *w,
                          struct report_score *out)
{
  double sum = 0;
  size_t i;

  memset(out, 0, sizeof *out);
  for (i = 0; i < n && i < REPORT_IND_MAX; i++) {
    out->ind[i] = ind[i];
    out->has_w[i] = report_weight_get(w, ind[i].key, &out->w[i]) == 0;
    out->w_all += out->w[i];
    if (out->w[i] <= 0)
      continue;
    if (!ind[i].measured) {
      out->n_left++;
      continue;
    }
    out->w_used += out->w[i];
    sum += out->w[i] * ind[i].value;
  }
  out->n = i;
  out->have = out->w_used > 0;
  if (out->have)
    out->value = 100 * sum / out->w_used;
}

int report_score_site(struct store *st, const struct store_run *run,
                      const struct store_site *s,
                      const struct store_site_figs *f,
                      const struct report_weights *w, struct report_score *out)
{
  struct report_delay *x = NULL;
  struct report_ind ind[REPORT_IND_MAX];
  size_t n;
  int rc;

  memset(out, 0, sizeof *out);
  /* report_delay holds a 2 KiB hash set: not on the stack of a caller's
   * caller */
  x = malloc(sizeof *x);
  if (!x)
    return STORE_NOMEM;
  rc = report_delay_site(st, run->id, s->idx, x);
  if (rc == STORE_OK) {
    n = report_score_inds(s, f, x, run->vantage_ipv6 != 0, ind);
    report_score_compute(ind, n, w, out);
  }
  free(x);
  return rc;
}

void report_score_str(char *buf, size_t len, int have, double v)
{
  /* cut down to 0.1, as report_pct_floor does; the 1e-9 keeps a sum
   * that is exactly 85 in decimal but 84.999... in binary at 85.0 */
  if (!have)
    snprintf(buf, len, "-");
  else
    snprintf(buf, len, "%.1f", floor(v * 10 + 1e-9) / 10);
}
