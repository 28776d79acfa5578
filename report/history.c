/* report/history.c - runs compared: the diff between two runs (per site the
 * figures of both and the links whose class changed) and the trend of the
 * headline figures across runs. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "report/report.h"

/* ---- diff ----------------------------------------------------------------
 */

struct dlinks {
  struct report_dlink *v;
  size_t n, cap;
};

static int dlink_add(const struct store_link_row *r, void *ud)
{
  struct dlinks *l = ud;
  struct report_dlink *nv;

  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 256;
    nv = realloc(l->v, cap * sizeof *nv);
    if (!nv)
      return STORE_NOMEM;
    l->v = nv;
    l->cap = cap;
  }
  l->v[l->n].url = strdup(r->url);
  if (!l->v[l->n].url)
    return STORE_NOMEM;
  l->v[l->n].level = r->level;
  l->v[l->n].internal = r->internal;
  l->v[l->n].klass = r->klass;
  l->n++;
  return 0;
}

static int dlink_cmp(const void *a, const void *b)
{
  const struct report_dlink *x = a, *y = b;

  return strcmp(x->url, y->url);
}

/* The links of site @site of run @run, sorted by URL, into *@v, *@n. */
static int dlinks_load(struct store *st, uint32_t run, uint32_t site,
                       struct report_dlink **v, size_t *n)
{
  struct dlinks l = {NULL, 0, 0};
  int rc = store_links_each(st, run, site, dlink_add, &l);

  /* a site without links (an error, or only in one run) has l.v NULL */
  if (l.n > 1)
    qsort(l.v, l.n, sizeof *l.v, dlink_cmp);
  *v = l.v;
  *n = l.n;
  return rc;
}

static void dlinks_free(struct report_dlink *v, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++)
    free(v[i].url);
  free(v);
}

static int counted(int k)
{
  return k != CLASS_ROBOTS && k != CLASS_SKIPPED && k != CLASS_UNMEASURED &&
         k != CLASS_BLOCKED;
}

static int supported(int k)
{
  return k == CLASS_OK || k == CLASS_V6_ONLY;
}

static int ch_add(struct report_dsite *d, int kind,
                  const struct report_dlink *a, const struct report_dlink *b)
{
  struct report_dchange *nv;

  /* grown one by one: changes are few next to links */
  nv = realloc(d->ch[kind], (d->nch[kind] + 1) * sizeof *nv);
  if (!nv)
    return STORE_NOMEM;
  d->ch[kind] = nv;
  nv[d->nch[kind]].a = a;
  nv[d->nch[kind]].b = b;
  d->nch[kind]++;
  return STORE_OK;
}

/* The change between link @a of run A and link @b of run B (same URL). */
static int dlink_change(struct report_dsite *d, const struct report_dlink *a,
                        const struct report_dlink *b)
{
  int ka = a->klass, kb = b->klass;

  if (b->level < 2 || b->level > 3)
    return STORE_OK;
  if (counted(ka) && counted(kb) && supported(ka) && !supported(kb))
    return ch_add(d, REPORT_CH_FAILING, a, b);
  if (counted(ka) && counted(kb) && !supported(ka) && supported(kb))
    return ch_add(d, REPORT_CH_FIXED, a, b);
  if (ka != kb || a->level != b->level || a->internal != b->internal)
    return ch_add(d, REPORT_CH_OTHER, a, b);
  return STORE_OK;
}

/* Merge the two sorted link lists of @d into its changes. */
static int dsite_changes(struct report_dsite *d)
{
  size_t i = 0, j = 0;
  int c, rc = STORE_OK;

  while (rc == STORE_OK && (i < d->nla || j < d->nlb)) {
    const struct report_dlink *a = i < d->nla ? &d->la[i] : NULL;
    const struct report_dlink *b = j < d->nlb ? &d->lb[j] : NULL;
    c = !a ? 1 : !b ? -1 : strcmp(a->url, b->url);
    if (c < 0) {
      if (a->level >= 2 && a->level <= 3)
        rc = ch_add(d, REPORT_CH_GONE, a, NULL);
      i++;
    } else if (c > 0) {
      if (b->level >= 2 && b->level <= 3)
        rc = ch_add(d, REPORT_CH_NEW, NULL, b);
      j++;
    } else {
      rc = dlink_change(d, a, b);
      i++;
      j++;
    }
  }
  return rc;
}

/* Pair the sites: B's in order (with A's of the same start URL), then
 * those only in A. */
static void diff_pair(struct report_diff *d)
{
  size_t i, j;

  for (j = 0; j < d->nb; j++) {
    d->ds[d->n].sb = &d->sb[j];
    for (i = 0; i < d->na; i++)
      if (strcmp(d->sa[i].start_url, d->sb[j].start_url) == 0)
        d->ds[d->n].sa = &d->sa[i];
    d->n++;
  }
  for (i = 0; i < d->na; i++) {
    for (j = 0; j < d->nb; j++)
      if (strcmp(d->sa[i].start_url, d->sb[j].start_url) == 0)
        break;
    if (j == d->nb)
      d->ds[d->n++].sa = &d->sa[i];
  }
}

static int dsite_load(struct store *st, uint32_t a, uint32_t b,
                      struct report_dsite *d)
{
  int rc = STORE_OK;

  if (d->sa) {
    rc = store_site_figures(st, a, d->sa->idx, &d->fa);
    if (rc == STORE_OK)
      rc = dlinks_load(st, a, d->sa->idx, &d->la, &d->nla);
  }
  if (rc == STORE_OK && d->sb) {
    rc = store_site_figures(st, b, d->sb->idx, &d->fb);
    if (rc == STORE_OK)
      rc = dlinks_load(st, b, d->sb->idx, &d->lb, &d->nlb);
  }
  if (rc == STORE_OK)
    rc = dsite_changes(d);
  return rc;
}

int report_diff_build(struct store *st, uint32_t a, uint32_t b,
                      struct report_diff *d)
{
  size_t i;
  int rc;

  memset(d, 0, sizeof *d);
  rc = store_sites_list(st, a, &d->sa, &d->na);
  if (rc == STORE_OK)
    rc = store_sites_list(st, b, &d->sb, &d->nb);
  if (rc != STORE_OK)
    return rc;
  d->ds = calloc(d->na + d->nb + 1, sizeof *d->ds);
  if (!d->ds)
    return STORE_NOMEM;
  diff_pair(d);
  for (i = 0; rc == STORE_OK && i < d->n; i++)
    rc = dsite_load(st, a, b, &d->ds[i]);
  return rc;
}

void report_diff_cleanup(struct report_diff *d)
{
  size_t i;
  int k;

  for (i = 0; d->ds && i < d->n; i++) {
    dlinks_free(d->ds[i].la, d->ds[i].nla);
    dlinks_free(d->ds[i].lb, d->ds[i].nlb);
    for (k = 0; k < REPORT_CH__N; k++)
      free(d->ds[i].ch[k]);
  }
  free(d->ds);
  store_sites_free(d->sa, d->na);
  store_sites_free(d->sb, d->nb);
  memset(d, 0, sizeof *d);
}

int report_diff_defaults(struct store *st, int have_a, uint32_t *a, uint32_t *b)
{
  struct store_run *runs = NULL;
  size_t n = 0, i;
  int rc, found = 0;

  rc = store_runs_list(st, &runs, &n);
  if (rc != STORE_OK)
    return rc;
  for (i = n; i-- > 0;) {
    if (!runs[i].complete)
      continue;
    if (found == 0) {
      *b = runs[i].id;
      found = 1;
      if (have_a)
        break;
    } else {
      *a = runs[i].id;
      found = 2;
      break;
    }
  }
  store_runs_free(runs, n);
  return found < (have_a ? 1 : 2) ? STORE_NOTFOUND : STORE_OK;
}

/* ---- trend ---------------------------------------------------------------
 */

static void trend_pt_set(struct report_trend_pt *p, const struct store_run *r,
                         const struct store_site_figs *f)
{
  p->run = r->id;
  p->started = r->started;
  p->complete = r->complete;
  p->ip[0] = store_fig_supported(&f->level[2][0]);
  p->cnt[0] = store_fig_counted(&f->level[2][0]);
  p->ip[1] = store_fig_supported(&f->level[3][0]);
  p->cnt[1] = store_fig_counted(&f->level[3][0]);
}

/* The points of run @r (an earlier run than the report's) for the sites
 * it shares with the report; @tmp is scratch. */
static int trend_run(struct store *st, const struct store_run *r,
                     const struct store_site *sites, size_t n,
                     struct report_trend *t, struct store_site_figs *tmp)
{
  struct store_site *rs = NULL;
  size_t rn = 0, i, j;
  int rc;

  rc = store_sites_list(st, r->id, &rs, &rn);
  for (i = 0; i < n && rc == STORE_OK; i++) {
    for (j = 0; j < rn; j++)
      if (strcmp(rs[j].start_url, sites[i].start_url) == 0)
        break;
    if (j == rn)
      continue;
    rc = store_site_figures(st, r->id, rs[j].idx, tmp);
    if (rc == STORE_OK)
      trend_pt_set(&t->pts[i * t->stride + t->npts[i]++], r, tmp);
  }
  store_sites_free(rs, rn);
  return rc;
}

int report_trend_build(struct store *st, const struct store_run *run,
                       const struct store_site *sites, size_t n,
                       const struct store_site_figs *figs,
                       struct report_trend *t)
{
  struct store_run *runs = NULL;
  struct store_site_figs *tmp = NULL;
  size_t n_runs = 0, r, i;
  int rc;

  memset(t, 0, sizeof *t);
  rc = store_runs_list(st, &runs, &n_runs);
  if (rc != STORE_OK || !n)
    goto out;
  t->stride = n_runs ? n_runs : 1;
  t->pts = calloc(n * t->stride, sizeof(*t->pts));
  t->npts = calloc(n, sizeof(*t->npts));
  tmp = malloc(sizeof(*tmp));
  if (!t->pts || !t->npts || !tmp) {
    rc = STORE_NOMEM;
    goto out;
  }
  for (r = 0; r < n_runs && rc == STORE_OK; r++) {
    if (runs[r].id > run->id || runs[r].vantage_ipv6 == 0)
      continue;
    if (runs[r].id != run->id) {
      rc = trend_run(st, &runs[r], sites, n, t, tmp);
      continue;
    }
    for (i = 0; i < n; i++)
      trend_pt_set(&t->pts[i * t->stride + t->npts[i]++], &runs[r], &figs[i]);
  }
out:
  free(tmp);
  store_runs_free(runs, n_runs);
  return rc;
}

void report_trend_cleanup(struct report_trend *t)
{
  free(t->pts);
  free(t->npts);
  memset(t, 0, sizeof *t);
}
