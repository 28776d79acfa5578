/* store/figures.c - the classes of links and the figures computed from the
 * stored links and probes. */
#include "config.h"

#include "store/store_int.h"

#include <string.h>

static const char *const class_names[CLASS__N] = {
  "ok",   "v6-only", "no-aaaa", "v6-broken",  "v6-error",
  "dead", "robots",  "skipped", "unmeasured", "blocked"};

const char *store_class_name(int klass)
{
  if (klass < 0 || klass >= CLASS__N)
    return NULL;
  return class_names[klass];
}

int store_class_parse(const char *name)
{
  int i;

  if (!name)
    return -1;
  for (i = 0; i < CLASS__N; i++)
    if (strcmp(name, class_names[i]) == 0)
      return i;
  return -1;
}

struct fwalk {
  struct store *s;
  MDB_txn *txn;
  uint32_t run;
  struct store_site_figs *figs;
};

static int fwalk_fn(const struct st_link *l, void *ud)
{
  struct fwalk *w = ud;
  struct store_fig *f;
  int klass, rc, scope;

  /* deeper crawls than the figures have rows for are listed, not counted */
  if (l->level < 1 || l->level > STORE_MAX_LEVEL)
    return STORE_OK;
  rc = st_link_klass(w->s, w->txn, w->run, l->id, l->kind, &klass);
  if (rc)
    return rc;
  for (scope = l->internal ? 0 : 1; scope < 2; scope++) {
    f = &w->figs->level[l->level][scope];
    f->links++;
    f->classes[klass]++;
  }
  return STORE_OK;
}

int store_site_figures(struct store *s, uint32_t run, uint32_t site,
                       struct store_site_figs *out)
{
  struct fwalk w;
  int rc;

  if (!out)
    return STORE_INVALID;
  memset(out, 0, sizeof *out);
  w.s = s;
  w.txn = NULL;
  w.run = run;
  w.figs = out;
  rc = st_rd_begin(s, &w.txn);
  if (rc)
    goto out;
  rc = st_links_walk(s, w.txn, run, site, 0, fwalk_fn, &w);
out:
  if (rc)
    memset(out, 0, sizeof *out);
  st_rd_end(s, w.txn);
  return rc;
}

unsigned store_fig_counted(const struct store_fig *f)
{
  unsigned out;

  if (!f)
    return 0;
  out = f->classes[CLASS_ROBOTS] + f->classes[CLASS_SKIPPED] +
        f->classes[CLASS_UNMEASURED] + f->classes[CLASS_BLOCKED];
  return out >= f->links ? 0 : f->links - out;
}

unsigned store_fig_supported(const struct store_fig *f)
{
  if (!f)
    return 0;
  return f->classes[CLASS_OK] + f->classes[CLASS_V6_ONLY];
}

int store_fig_concentration(const struct store_fig *f, double *out)
{
  unsigned counted = store_fig_counted(f);

  if (counted == 0 || !out)
    return -1;
  *out = (double)store_fig_supported(f) / counted;
  return 0;
}

int store_fig_alive_concentration(const struct store_fig *f, double *out)
{
  unsigned counted = store_fig_counted(f), dead;

  if (!f || !out)
    return -1;
  dead = f->classes[CLASS_DEAD];
  if (dead >= counted)
    return -1;
  *out = (double)store_fig_supported(f) / (counted - dead);
  return 0;
}
