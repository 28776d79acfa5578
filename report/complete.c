/* report/complete.c - page completeness over IPv6, per site: for every
 * page read for links (level 1, internal level 2), whether every
 * subresource it loads (images, scripts, style sheets and their url(),
 * icons, iframes, media) works over IPv6; the subresource concentration
 * over the site's distinct subresource URLs; and the hosts that break
 * pages, ranked by the pages they break, with the pages complete once
 * each and every host above it is fixed. Beside the link figures: read
 * from the subres database, never changing them. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "report/report.h"

static int supported(int k)
{
  return k == CLASS_OK || k == CLASS_V6_ONLY;
}

static int counted(int k)
{
  return k != CLASS_ROBOTS && k != CLASS_SKIPPED && k != CLASS_UNMEASURED;
}

static int fixable(int k)
{
  return k == CLASS_NO_AAAA || k == CLASS_V6_BROKEN || k == CLASS_V6_ERROR;
}

/* One failing (fixable) use of a subresource by a page. */
struct cuse {
  size_t page, host;
  char *url;
};

/* One distinct subresource URL and its class. */
struct csub {
  char *url;
  int klass;
};

struct cctx {
  struct report_complete *rc;
  struct cuse *u;
  size_t nu, cu;
  struct csub *s;
  size_t ns, cs;
  int err;
};

static int page_cmp(const void *a, const void *b)
{
  const struct report_cpage *x = a, *y = b;
  return strcmp(x->url, y->url);
}

static struct report_cpage *page_find(struct report_complete *rc,
                                      const char *url)
{
  struct report_cpage key;
  key.url = (char *)url;
  return bsearch(&key, rc->p, rc->np, sizeof *rc->p, page_cmp);
}

static int grow(void **v, size_t *cap, size_t n, size_t sz)
{
  void *nv;
  size_t nc;
  if (n < *cap)
    return 0;
  nc = *cap ? *cap * 2 : 16;
  nv = realloc(*v, nc * sz);
  if (!nv)
    return -1;
  *v = nv;
  *cap = nc;
  return 0;
}

static struct report_chost *host_get(struct report_complete *rc,
                                     const char *name, size_t *idx)
{
  struct report_chost *h;
  size_t i;
  void *v;
  for (i = 0; i < rc->nh; i++)
    if (!strcmp(rc->h[i].name, name)) {
      *idx = i;
      return &rc->h[i];
    }
  v = rc->h;
  if (grow(&v, &rc->ch, rc->nh, sizeof *rc->h))
    return NULL;
  rc->h = v;
  h = &rc->h[rc->nh];
  memset(h, 0, sizeof *h);
  if (!(h->name = strdup(name)))
    return NULL;
  *idx = rc->nh++;
  return h;
}

static int sub_row(const struct store_sub_row *r, void *ud)
{
  struct cctx *x = ud;
  struct report_complete *rc = x->rc;
  struct report_cpage *p = page_find(rc, r->page);
  void *v;

  if (!p)
    return 0; /* a page not read for links (none such is stored) */
  p->subs++;
  v = x->s;
  if (grow(&v, &x->cs, x->ns, sizeof *x->s))
    return STORE_NOMEM;
  x->s = v;
  if (!(x->s[x->ns].url = strdup(r->url)))
    return STORE_NOMEM;
  x->s[x->ns++].klass = r->klass;
  if (!counted(r->klass)) {
    if (r->klass == CLASS_UNMEASURED)
      p->unmeasured++;
    return 0;
  }
  p->counted++;
  if (supported(r->klass))
    return 0;
  p->failing++;
  if (!fixable(r->klass)) {
    p->dead++;
    return 0;
  }
  {
    struct store_link_row lr;
    struct report_chost *h;
    char name[256];
    size_t hi = 0;
    memset(&lr, 0, sizeof lr);
    lr.url = r->url;
    lr.probe = r->probe;
    lr.klass = r->klass;
    report_blame_host(&lr, name, sizeof name);
    if (!(h = host_get(rc, name, &hi)))
      return STORE_NOMEM;
    h->klass[r->klass == CLASS_NO_AAAA     ? 0
             : r->klass == CLASS_V6_BROKEN ? 1
                                           : 2]++;
    v = x->u;
    if (grow(&v, &x->cu, x->nu, sizeof *x->u))
      return STORE_NOMEM;
    x->u = v;
    x->u[x->nu].page = (size_t)(p - rc->p);
    x->u[x->nu].host = hi;
    if (!(x->u[x->nu].url = strdup(r->url)))
      return STORE_NOMEM;
    x->nu++;
  }
  return 0;
}

static int csub_cmp(const void *a, const void *b)
{
  const struct csub *x = a, *y = b;
  return strcmp(x->url, y->url);
}

/* Uses by host, then URL, then page. */
static int cuse_cmp(const void *a, const void *b)
{
  const struct cuse *x = a, *y = b;
  int d;
  if (x->host != y->host)
    return x->host < y->host ? -1 : 1;
  if ((d = strcmp(x->url, y->url)))
    return d;
  return x->page < y->page ? -1 : x->page > y->page;
}

/* Uses by host, then page. */
static int cuse_page_cmp(const void *a, const void *b)
{
  const struct cuse *x = a, *y = b;
  if (x->host != y->host)
    return x->host < y->host ? -1 : 1;
  return x->page < y->page ? -1 : x->page > y->page;
}

static int chost_cmp(const void *a, const void *b)
{
  const struct report_chost *x = a, *y = b;
  if (x->pages != y->pages)
    return x->pages > y->pages ? -1 : 1;
  if (x->subs != y->subs)
    return x->subs > y->subs ? -1 : 1;
  return strcmp(x->name, y->name);
}

/* The pages each host breaks, its distinct subresources, the ranking and
 * the cumulative figure. */
static int finish(struct store *st, uint32_t run, struct cctx *x)
{
  struct report_complete *rc = x->rc;
  size_t i, j, *rank = NULL, *worst = NULL;
  int r;

  /* qsort may not take NULL: sort only what has two entries or more */
  if (x->nu > 1)
    qsort(x->u, x->nu, sizeof *x->u, cuse_cmp);
  for (i = 0; i < x->nu; i++) {
    struct report_chost *h = &rc->h[x->u[i].host];
    int new_url = !i || x->u[i - 1].host != x->u[i].host ||
                  strcmp(x->u[i - 1].url, x->u[i].url);
    if (new_url)
      h->subs++;
  }
  /* pages per host: a (host, page) pair once */
  if (x->nu > 1)
    qsort(x->u, x->nu, sizeof *x->u, cuse_page_cmp);
  for (i = 0; i < x->nu; i++)
    if (!i || x->u[i - 1].host != x->u[i].host ||
        x->u[i - 1].page != x->u[i].page)
      rc->h[x->u[i].host].pages++;
  /* rank: the old index of each host -> its place */
  for (i = 0; i < rc->nh; i++)
    rc->h[i].old = i;
  if (rc->nh > 1)
    qsort(rc->h, rc->nh, sizeof *rc->h, chost_cmp);
  rank = calloc(rc->nh ? rc->nh : 1, sizeof *rank);
  worst = calloc(rc->np ? rc->np : 1, sizeof *worst);
  if (!rank || !worst) {
    free(rank);
    free(worst);
    return STORE_NOMEM;
  }
  for (i = 0; i < rc->nh; i++)
    rank[rc->h[i].old] = i;
  for (i = 0; i < rc->np; i++)
    worst[i] = 0;
  for (j = 0; j < x->nu; j++) {
    size_t p = x->u[j].page, k = rank[x->u[j].host] + 1;
    if (k > worst[p])
      worst[p] = k;
  }
  for (i = 0; i < rc->nh; i++) {
    unsigned n = rc->complete;
    for (j = 0; j < rc->np; j++)
      if (rc->p[j].verdict == 0 && !rc->p[j].dead && worst[j] &&
          worst[j] <= i + 1)
        n++;
    rc->h[i].after = n;
    r = *rc->h[i].name ? store_host_get(st, run, rc->h[i].name, &rc->h[i].dns)
                       : STORE_NOTFOUND;
    if (r == STORE_OK)
      rc->h[i].have_dns = 1;
    else if (r != STORE_NOTFOUND) {
      free(rank);
      free(worst);
      return r;
    }
  }
  free(rank);
  free(worst);
  /* the distinct subresources */
  if (x->ns > 1)
    qsort(x->s, x->ns, sizeof *x->s, csub_cmp);
  for (i = 0; i < x->ns; i++)
    if (!i || strcmp(x->s[i - 1].url, x->s[i].url)) {
      rc->subs.links++;
      rc->subs.classes[x->s[i].klass]++;
    }
  return STORE_OK;
}

int report_complete_build(struct store *st, uint32_t run, uint32_t site,
                          struct report_complete *rc)
{
  struct store_page *pages = NULL;
  struct cctx x;
  size_t n = 0, i, k;
  int r;

  memset(rc, 0, sizeof *rc);
  memset(&x, 0, sizeof x);
  x.rc = rc;
  rc->home = REPORT_PAGE_NOTREAD;
  r = store_pages_list(st, run, site, &pages, &n);
  if (r)
    return r;
  rc->p = calloc(n ? n : 1, sizeof *rc->p);
  if (!rc->p) {
    store_pages_free(pages, n);
    return STORE_NOMEM;
  }
  for (i = 0; i < n; i++) {
    if (pages[i].flags & STORE_PAGE_NOLINKS)
      continue; /* not HTML, or not read: no page to show */
    rc->p[rc->np].url = pages[i].url;
    rc->p[rc->np].level = pages[i].level;
    pages[i].url = NULL;
    rc->np++;
  }
  store_pages_free(pages, n);
  if (rc->np > 1)
    qsort(rc->p, rc->np, sizeof *rc->p, page_cmp);
  r = store_subs_each(st, run, site, sub_row, &x);
  for (i = 0; r == STORE_OK && i < rc->np; i++) {
    struct report_cpage *p = &rc->p[i];
    p->verdict = p->failing      ? REPORT_PAGE_INCOMPLETE
                 : p->unmeasured ? REPORT_PAGE_UNKNOWN
                                 : REPORT_PAGE_COMPLETE;
    rc->pages++;
    if (p->verdict != REPORT_PAGE_UNKNOWN)
      rc->judged++;
    if (p->verdict == REPORT_PAGE_COMPLETE)
      rc->complete++;
    /* the homepage: every level-1 page (the start URL's, a meta refresh
     * target's) is complete for it to be */
    if (p->level == 1 && (rc->home == REPORT_PAGE_NOTREAD ||
                          p->verdict == REPORT_PAGE_INCOMPLETE ||
                          (p->verdict == REPORT_PAGE_UNKNOWN &&
                           rc->home == REPORT_PAGE_COMPLETE)))
      rc->home = p->verdict;
  }
  if (r == STORE_OK)
    r = finish(st, run, &x);
  for (k = 0; k < x.nu; k++)
    free(x.u[k].url);
  for (k = 0; k < x.ns; k++)
    free(x.s[k].url);
  free(x.u);
  free(x.s);
  if (r)
    report_complete_cleanup(rc);
  return r;
}

void report_complete_cleanup(struct report_complete *rc)
{
  size_t i;
  for (i = 0; i < rc->np; i++)
    free(rc->p[i].url);
  free(rc->p);
  for (i = 0; i < rc->nh; i++) {
    free(rc->h[i].name);
    store_host_cleanup(&rc->h[i].dns);
  }
  free(rc->h);
  memset(rc, 0, sizeof *rc);
  rc->home = REPORT_PAGE_NOTREAD;
}

const char *report_page_verdict_name(int v)
{
  switch (v) {
    case REPORT_PAGE_COMPLETE:
      return "complete";
    case REPORT_PAGE_INCOMPLETE:
      return "incomplete";
    case REPORT_PAGE_UNKNOWN:
      return "unknown";
    default:
      return NULL;
  }
}
