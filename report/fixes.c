/* report/fixes.c - which hosts to fix first: per site, the hosts behind
 * internal links that fail over IPv6 while IPv4 works, ranked by how many
 * counted links fixing each would turn into IPv6 successes, with the
 * concentration once it and every host above it are fixed. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "report/report.h"

const int report_fixable[REPORT_N_FIXABLE] = {CLASS_NO_AAAA, CLASS_V6_BROKEN,
                                              CLASS_V6_ERROR};

struct fix_ctx {
  const int *levels;
  struct report_fix_site *fs;
};

static int fixable_idx(int klass)
{
  int i;

  for (i = 0; i < REPORT_N_FIXABLE; i++)
    if (report_fixable[i] == klass)
      return i;
  return -1;
}

/* The entry of host @name in @fs, added when new; NULL when out of
 * memory. */
static struct report_fix_host *fix_host_get(struct report_fix_site *fs,
                                            const char *name)
{
  struct report_fix_host *h, *nv;
  size_t i;

  for (i = 0; i < fs->n; i++)
    if (strcmp(fs->h[i].name, name) == 0)
      return &fs->h[i];
  if (fs->n == fs->cap) {
    size_t cap = fs->cap ? fs->cap * 2 : 16;
    nv = realloc(fs->h, cap * sizeof *nv);
    if (!nv)
      return NULL;
    fs->h = nv;
    fs->cap = cap;
  }
  h = &fs->h[fs->n];
  memset(h, 0, sizeof *h);
  h->name = strdup(name);
  if (!h->name)
    return NULL;
  fs->n++;
  return h;
}

static int fix_row(const struct store_link_row *r, void *ud)
{
  struct fix_ctx *x = ud;
  struct report_fix_host *h;
  char name[256];
  int li = r->level - 2, k;

  if (!r->internal || li < 0 || li > 1 || !x->levels[li])
    return 0;
  if (r->klass == CLASS_DEAD) {
    x->fs->dead[li]++;
    return 0;
  }
  k = fixable_idx(r->klass);
  if (k < 0)
    return 0;
  report_blame_host(r, name, sizeof name);
  h = fix_host_get(x->fs, name);
  if (!h)
    return STORE_NOMEM;
  h->n[li]++;
  h->klass[k]++;
  return 0;
}

static int fix_host_cmp(const void *a, const void *b)
{
  const struct report_fix_host *x = a, *y = b;
  unsigned tx = x->n[0] + x->n[1], ty = y->n[0] + y->n[1];

  if (tx != ty)
    return tx > ty ? -1 : 1;
  return strcmp(x->name, y->name);
}

/* Rank the hosts, look up their DNS answers, compute cumulative figures. */
static int fix_site_finish(struct store *st, uint32_t run,
                           struct report_fix_site *fs)
{
  unsigned sum[2] = {0, 0};
  size_t i;
  int l, rc;

  /* an all-green site has no host (fs->h NULL): qsort may not take NULL */
  if (fs->n > 1)
    qsort(fs->h, fs->n, sizeof *fs->h, fix_host_cmp);
  for (i = 0; i < fs->n; i++) {
    struct report_fix_host *h = &fs->h[i];
    rc = *h->name ? store_host_get(st, run, h->name, &h->dns) : STORE_NOTFOUND;
    if (rc == STORE_OK)
      h->have_dns = 1;
    else if (rc != STORE_NOTFOUND)
      return rc;
    for (l = 0; l < 2; l++) {
      sum[l] += h->n[l];
      h->gain[l] = sum[l];
      h->have_after[l] =
        report_fig_plus(&fs->figs.level[l + 2][0], sum[l], &h->after[l]) == 0;
    }
  }
  return STORE_OK;
}

int report_fix_site_build(struct store *st, uint32_t run,
                          const struct store_site *site, const int levels[2],
                          struct report_fix_site *fs)
{
  struct fix_ctx x;
  int rc;

  memset(fs, 0, sizeof *fs);
  fs->site = site;
  x.levels = levels;
  x.fs = fs;
  rc = store_site_figures(st, run, site->idx, &fs->figs);
  if (rc == STORE_OK)
    rc = store_links_each(st, run, site->idx, fix_row, &x);
  if (rc == STORE_OK)
    rc = fix_site_finish(st, run, fs);
  return rc;
}

void report_fix_site_cleanup(struct report_fix_site *fs)
{
  size_t i;

  for (i = 0; i < fs->n; i++) {
    free(fs->h[i].name);
    store_host_cleanup(&fs->h[i].dns);
  }
  free(fs->h);
  memset(fs, 0, sizeof *fs);
}

void report_fix_totals(const struct report_fix_site *fs, int l, unsigned *hosts,
                       unsigned *links)
{
  size_t j;

  *hosts = *links = 0;
  for (j = 0; j < fs->n; j++)
    if (fs->h[j].n[l]) {
      (*hosts)++;
      *links += fs->h[j].n[l];
    }
}
