/* store/renders.c - the pages --render rendered (or tried to), keyed
 * run | site | url id of the page as the site wanted it, with the links
 * that only its rendered DOM has; and the per-site figure made of them:
 * the links of the site that no page it read has in its HTML as served. */
#include "config.h"

#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

void store_render_cleanup(struct store_render *r)
{
  if (!r)
    return;
  free(r->url);
  free(r->why);
  free(r->only);
  memset(r, 0, sizeof *r);
}

int store_render_put(struct store *s, uint32_t run, uint32_t site,
                     const struct store_render *r)
{
  MDB_txn *txn = NULL;
  unsigned char kb[LINK_KEY_LEN];
  uint64_t id = 0;
  int rc;

  if (!s || !r || !r->url || !*r->url || r->status < 0 ||
      r->status >= STORE_RENDER__N)
    return STORE_INVALID;
  rc = st_wr_url(s, &txn, r->url, &id);
  if (rc)
    goto out;
  v6_buf_reset(&s->enc);
  st_enc_u8(&s->enc, (unsigned)r->status);
  st_enc_str(&s->enc, r->why);
  st_enc_u32(&s->enc, r->served);
  st_enc_u32(&s->enc, r->rendered);
  st_enc_f64(&s->enc, r->ms);
  st_enc_str(&s->enc, r->only);
  st_site_url_key(kb, run, site, id);
  rc = st_put_enc(s, txn, DB_RENDERS, kb, LINK_KEY_LEN);
out:
  return st_wr_end(s, rc);
}

static int render_decode(struct store *s, MDB_txn *txn, const MDB_val *k,
                         const MDB_val *v, void *elem)
{
  struct store_render *r = elem;
  struct st_dec d;
  int rc = st_url_dup(
    s, txn, st_get_be64((const unsigned char *)k->mv_data + 8), &r->url);

  if (rc)
    return rc;
  st_dec_init(&d, v);
  r->status = (int)st_dec_u8(&d);
  r->why = st_dec_str(&d);
  r->served = st_dec_u32(&d);
  r->rendered = st_dec_u32(&d);
  r->ms = st_dec_f64(&d);
  r->only = st_dec_str(&d);
  if (!d.rc && r->status >= STORE_RENDER__N)
    d.rc = STORE_CORRUPT;
  if (d.rc)
    store_render_cleanup(r);
  return d.rc;
}

static void render_list_cleanup(void *elem)
{
  store_render_cleanup(elem);
}

static const struct st_list_spec render_list = {
  DB_RENDERS, LINK_KEY_LEN, sizeof(struct store_render), render_decode,
  render_list_cleanup};

int store_renders_list(struct store *s, uint32_t run, uint32_t site,
                       struct store_render **out, size_t *n)
{
  void *v = NULL;
  int rc;
  if (!out)
    return STORE_INVALID;
  rc = st_site_list(s, &render_list, run, site, &v, n);
  *out = v;
  return rc;
}

void store_renders_free(struct store_render *r, size_t n)
{
  st_list_free(r, n, sizeof *r, render_list_cleanup);
}

/* ---- the figure ------------------------------------------------------------
 *
 * The links a crawl without --render would have found, followed as that
 * crawl would have: breadth first from the level-1 links, along the
 * edges of the site's pages except those a page's render lists as its
 * DOM's own, reading a page's edges only while its level (without
 * rendering) is above @depth (a page the crawl without rendering would
 * not read). Every page it would read, the rendering crawl read too, at
 * that level or above, so its edges are stored. The links left over
 * (level 2 and below) are what only rendering found. */

struct pair {
  uint64_t from, to;
};

struct rfig {
  struct pair *only; /* (page, link) of the renders' lists, sorted */
  size_t nonly, caponly;
  struct pair *edges; /* in key order: sorted */
  size_t nedges, capedges;
  uint64_t *ids; /* the site's links, in key order: sorted */
  unsigned char *level;
  unsigned *sl; /* level without rendering, 0: not reached */
  size_t nids, capids, caplevel;
};

static int pair_cmp(const void *a, const void *b)
{
  const struct pair *x = a, *y = b;
  if (x->from != y->from)
    return x->from < y->from ? -1 : 1;
  return x->to < y->to ? -1 : x->to > y->to;
}

static int u64_cmp(const void *a, const void *b)
{
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

/* The listing @only of page @from into @f. */
static int rfig_add(struct store *s, MDB_txn *txn, struct rfig *f,
                    uint64_t from, const char *only)
{
  char *dup = NULL, *p, *e;
  int rc = STORE_OK;

  if (!only || !*only)
    return STORE_OK;
  if (!(dup = strdup(only)))
    return STORE_NOMEM;
  for (p = dup; p && *p && rc == STORE_OK; p = e) {
    uint64_t id = 0;
    e = strchr(p, '\n');
    if (e)
      *e++ = '\0';
    rc = st_url_id(s, txn, p, 0, &id);
    if (rc == STORE_NOTFOUND) {
      rc = STORE_OK; /* not interned: no link of any site */
      continue;
    }
    if (!rc)
      rc = st_grow((void **)&f->only, &f->caponly, f->nonly,
                   sizeof(struct pair), 64);
    if (rc)
      break;
    f->only[f->nonly].from = from;
    f->only[f->nonly++].to = id;
  }
  free(dup);
  return rc;
}

struct rwalk {
  struct store *s;
  MDB_txn *txn;
  struct rfig *f;
};

static int rfig_render(const MDB_val *k, const MDB_val *v, void *ud)
{
  struct rwalk *w = ud;
  struct st_dec d;
  char *only;
  int rc, status;

  st_dec_init(&d, v);
  status = (int)st_dec_u8(&d);
  free(st_dec_str(&d));
  st_dec_u32(&d);
  st_dec_u32(&d);
  st_dec_f64(&d);
  only = st_dec_str(&d);
  rc = d.rc ? d.rc : status >= STORE_RENDER__N ? STORE_CORRUPT : STORE_OK;
  if (!rc)
    rc = rfig_add(w->s, w->txn, w->f,
                  st_get_be64((const unsigned char *)k->mv_data + 8), only);
  free(only);
  return rc;
}

static int rfig_edge(const MDB_val *k, const MDB_val *v, void *ud)
{
  struct rfig *f = ud;
  const unsigned char *kp = k->mv_data;
  int rc;
  (void)v;
  rc = st_grow((void **)&f->edges, &f->capedges, f->nedges, sizeof(struct pair),
               256);
  if (rc)
    return rc;
  f->edges[f->nedges].from = st_get_be64(kp + 8);
  f->edges[f->nedges++].to = st_get_be64(kp + 16);
  return 0;
}

static int rfig_link(const struct st_link *l, void *ud)
{
  struct rfig *f = ud;
  size_t cap = f->capids;
  int rc =
    st_grow((void **)&f->ids, &f->capids, f->nids, sizeof(uint64_t), 256);
  if (!rc && f->capids != f->caplevel) {
    unsigned char *lv = realloc(f->level, f->capids);
    if (!lv) {
      f->capids = cap; /* keep the two arrays in step */
      return STORE_NOMEM;
    }
    f->level = lv;
    f->caplevel = f->capids;
  }
  if (rc)
    return rc;
  f->ids[f->nids] = l->id;
  f->level[f->nids++] = (unsigned char)l->level;
  return 0;
}

/* The breadth-first walk without rendering; the links it leaves out. */
static unsigned rfig_count(struct rfig *f, int depth, size_t *queue)
{
  size_t head = 0, tail = 0, i;
  unsigned n = 0;

  for (i = 0; i < f->nids; i++)
    if (f->level[i] == 1) {
      f->sl[i] = 1;
      queue[tail++] = i;
    }
  while (head < tail) {
    size_t p = queue[head++], lo = 0, hi = f->nedges;
    uint64_t from = f->ids[p];
    if (f->sl[p] >= (unsigned)depth)
      continue;
    while (lo < hi) { /* the first edge from the page */
      size_t mid = lo + (hi - lo) / 2;
      if (f->edges[mid].from < from)
        lo = mid + 1;
      else
        hi = mid;
    }
    for (; lo < f->nedges && f->edges[lo].from == from; lo++) {
      uint64_t *u =
        bsearch(&f->edges[lo].to, f->ids, f->nids, sizeof(uint64_t), u64_cmp);
      size_t k;
      if (!u || bsearch(&f->edges[lo], f->only, f->nonly, sizeof(struct pair),
                        pair_cmp))
        continue;
      k = (size_t)(u - f->ids);
      if (!f->sl[k]) {
        f->sl[k] = f->sl[p] + 1;
        queue[tail++] = k;
      }
    }
  }
  for (i = 0; i < f->nids; i++)
    n += f->level[i] >= 2 && !f->sl[i];
  return n;
}

int store_render_only(struct store *s, uint32_t run, uint32_t site, int depth,
                      unsigned *n)
{
  MDB_txn *txn = NULL;
  unsigned char kb[8];
  struct rfig f;
  struct rwalk w;
  size_t *queue = NULL;
  int rc;

  if (!s || !n)
    return STORE_INVALID;
  *n = 0;
  memset(&f, 0, sizeof f);
  rc = st_rd_begin(s, &txn);
  if (rc)
    goto out;
  st_be32(kb, run);
  st_be32(kb + 4, site);
  w.s = s;
  w.txn = txn;
  w.f = &f;
  rc = st_walk(txn, s->dbi[DB_RENDERS], kb, 8, LINK_KEY_LEN, rfig_render, &w);
  if (rc || !f.nonly)
    goto out;
  qsort(f.only, f.nonly, sizeof(struct pair), pair_cmp);
  rc = st_walk(txn, s->dbi[DB_EDGES], kb, 8, 24, rfig_edge, &f);
  if (!rc)
    rc = st_links_walk(s, txn, run, site, 0, rfig_link, &f);
  if (rc || !f.nids)
    goto out;
  f.sl = calloc(f.nids, sizeof(unsigned));
  queue = malloc(f.nids * sizeof(size_t));
  if (!f.sl || !queue) {
    rc = STORE_NOMEM;
    goto out;
  }
  *n = rfig_count(&f, depth, queue);
out:
  free(f.only);
  free(f.edges);
  free(f.ids);
  free(f.level);
  free(f.sl);
  free(queue);
  st_rd_end(s, txn);
  if (rc)
    *n = 0;
  return rc;
}
