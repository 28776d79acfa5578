/* report/prev.c - the previous comparable run of a report's run, for the
 * change since then. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "report/report.h"

int report_run_opt(const char *options, const char *key, long *out)
{
  size_t kl = strlen(key);
  const char *p = options;
  char *end;
  long v;

  while (p && *p) {
    while (*p == ' ')
      p++;
    if (strncmp(p, key, kl) == 0 && p[kl] == '=') {
      v = strtol(p + kl + 1, &end, 10);
      if (end == p + kl + 1)
        return -1;
      *out = v;
      return 0;
    }
    if (strncmp(p, "user_agent=", 11) == 0)
      return -1; /* the rest of the text is the user agent */
    p = strchr(p, ' ');
  }
  return -1;
}

/* 1 when runs with options @a and @b were crawled to the same depth (no
 * depth= on either: both of the default). */
static int same_depth(const char *a, const char *b)
{
  long da = 3, db = 3;
  report_run_opt(a, "depth", &da);
  report_run_opt(b, "depth", &db);
  return da == db;
}

/* 1 when @b's @nb sites have the start URLs of @a's @na, as a set. */
static int same_sites(const struct store_site *a, size_t na,
                      const struct store_site *b, size_t nb)
{
  size_t i, j;

  if (na != nb)
    return 0;
  for (i = 0; i < na; i++) {
    for (j = 0; j < nb; j++)
      if (strcmp(a[i].start_url, b[j].start_url) == 0)
        break;
    if (j == nb)
      return 0;
  }
  return 1;
}

int report_prev_find(struct store *st, const struct store_run *run,
                     const struct store_site *sites, size_t n,
                     struct report_prev *p)
{
  struct store_run *runs = NULL;
  size_t nr = 0, k;
  int rc;

  memset(p, 0, sizeof *p);
  rc = store_runs_list(st, &runs, &nr);
  for (k = nr; rc == STORE_OK && k-- > 0;) {
    const struct store_run *r = &runs[k];
    if (r->id >= run->id || !r->complete || r->vantage_ipv6 == 0 ||
        r->n_sites != n || !same_depth(r->options, run->options))
      continue;
    rc = report_sites_load(st, r->id, 0, &p->sites, &p->figs, &p->n);
    if (rc != STORE_OK)
      break;
    if (same_sites(sites, n, p->sites, p->n)) {
      rc = store_run_get(st, r->id, &p->run);
      break;
    }
    free(p->figs);
    store_sites_free(p->sites, p->n);
    p->figs = NULL;
    p->sites = NULL;
    p->n = 0;
  }
  store_runs_free(runs, nr);
  if (rc != STORE_OK)
    report_prev_cleanup(p);
  return rc;
}

void report_prev_cleanup(struct report_prev *p)
{
  free(p->figs);
  store_sites_free(p->sites, p->n);
  store_run_cleanup(&p->run);
  memset(p, 0, sizeof *p);
}

const struct store_site_figs *report_prev_figs(const struct report_prev *p,
                                               const char *url)
{
  size_t i;

  for (i = 0; i < p->n; i++)
    if (strcmp(p->sites[i].start_url, url) == 0)
      return &p->figs[i];
  return NULL;
}
