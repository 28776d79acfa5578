/* store/links.c - the distinct links of each site, the edges of its link
 * graph, and the walk that lists links with their evidence. */
#include "config.h"

#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

void st_site_url_key(unsigned char *kb, uint32_t run, uint32_t site,
                     uint64_t id)
{
  st_be32(kb, run);
  st_be32(kb + 4, site);
  st_be64(kb + 8, id);
}

int store_link_put(struct store *s, uint32_t run, uint32_t site,
                   const char *url, int level, int internal, int kind,
                   const char *parent)
{
  MDB_txn *txn = NULL;
  unsigned char kb[LINK_KEY_LEN], vb[LINK_REC_LEN];
  uint64_t id = 0, pid = 0;
  MDB_val v;
  int rc;

  if (!s || !url || !*url || level < 1 || level > 255 || kind < LINK_HTTP ||
      kind > LINK_INVALID || (parent && !*parent))
    return STORE_INVALID;
  rc = st_wr_url(s, &txn, url, &id);
  if (rc)
    goto out;
  st_site_url_key(kb, run, site, id);
  /* first-seen wins, and a repeat (the common case) costs one more get */
  rc = st_get(txn, s->dbi[DB_LINKS], kb, LINK_KEY_LEN, &v);
  if (rc != STORE_NOTFOUND)
    goto out;
  if (parent) {
    rc = st_url_id(s, txn, parent, 1, &pid);
    if (rc)
      goto out;
  }
  vb[0] = (unsigned char)level;
  vb[1] = internal ? 1 : 0;
  vb[2] = (unsigned char)kind;
  st_be64(vb + 3, pid);
  rc = st_put(txn, s->dbi[DB_LINKS], kb, LINK_KEY_LEN, vb, LINK_REC_LEN, 0);
out:
  return st_wr_end(s, rc);
}

int store_edge_put(struct store *s, uint32_t run, uint32_t site,
                   const char *from, const char *to)
{
  MDB_txn *txn = NULL;
  unsigned char kb[24];
  uint64_t fid = 0, tid = 0;
  int rc;

  if (!s || !from || !*from || !to || !*to)
    return STORE_INVALID;
  rc = st_wr_url(s, &txn, from, &fid);
  if (rc)
    goto out;
  rc = st_url_id(s, txn, to, 1, &tid);
  if (rc)
    goto out;
  st_be32(kb, run);
  st_be32(kb + 4, site);
  st_be64(kb + 8, fid);
  st_be64(kb + 16, tid);
  rc = st_put(txn, s->dbi[DB_EDGES], kb, 24, "", 0, MDB_NOOVERWRITE);
out:
  return st_wr_end(s, rc);
}

int store_edges_count(struct store *s, uint32_t run, uint32_t site, size_t *n)
{
  MDB_txn *txn = NULL;
  unsigned char kb[8];
  int rc;

  if (!s || !n)
    return STORE_INVALID;
  *n = 0;
  rc = st_rd_begin(s, &txn);
  if (rc)
    goto out;
  st_be32(kb, run);
  st_be32(kb + 4, site);
  rc = st_count(txn, s->dbi[DB_EDGES], kb, 8, n);
out:
  st_rd_end(s, txn);
  return rc;
}

/* ---- walking links ------------------------------------------------------- */

struct link_walk {
  int (*fn)(const struct st_link *l, void *ud);
  void *ud;
};

static int link_walk_fn(const MDB_val *k, const MDB_val *v, void *ud)
{
  const struct link_walk *w = ud;
  const unsigned char *kp = k->mv_data, *vp = v->mv_data;
  struct st_link l;

  if (v->mv_size < LINK_REC_LEN)
    return STORE_CORRUPT;
  l.site = st_get_be32(kp + 4);
  l.id = st_get_be64(kp + 8);
  l.level = vp[0];
  l.internal = vp[1];
  l.kind = vp[2];
  l.parent = st_get_be64(vp + 3);
  return w->fn(&l, w->ud);
}

int st_links_walk(struct store *s, MDB_txn *txn, uint32_t run, uint32_t site,
                  int all_sites, int (*fn)(const struct st_link *l, void *ud),
                  void *ud)
{
  struct link_walk w = {fn, ud};
  unsigned char kb[8];

  st_be32(kb, run);
  st_be32(kb + 4, site);
  return st_walk(txn, s->dbi[DB_LINKS], kb, all_sites ? 4 : 8, LINK_KEY_LEN,
                 link_walk_fn, &w);
}

/* ---- store_links_each: one site's links sorted, with their evidence ------ */

struct lrow {
  uint64_t id;
  size_t url_off, parent_off; /* into the arena; SIZE_MAX: no parent */
  const char *url, *parent;   /* set once the arena stops growing */
  int level, internal, kind;
};

struct lwalk {
  struct store *s;
  MDB_txn *txn;
  uint32_t run;
  int (*cb)(const struct store_link_row *row, void *ud);
  void *ud;
  uint32_t site;
  int have_site;
  struct lrow *rows;
  size_t n, cap;
  struct v6_buf arena;    /* the URL strings of the site's rows, NUL-ended */
  struct store_host host; /* the last host looked up, reused while equal */
  int host_rc;            /* its lookup result; 1 while there is none */
  char hbuf[HOST_NAME_MAX_ + 1];
};

static int lrow_cmp(const void *a, const void *b)
{
  const struct lrow *x = a, *y = b;

  if (x->level != y->level)
    return x->level < y->level ? -1 : 1;
  return strcmp(x->url, y->url);
}

/* Copy url @id into the arena; *off is where it starts. */
static int arena_url(struct lwalk *w, uint64_t id, size_t *off)
{
  MDB_val v;
  int rc;

  rc = st_url_str(w->s, w->txn, id, &v);
  if (rc)
    return rc;
  *off = w->arena.n;
  (void)v6_buf_putn(&w->arena, v.mv_data, v.mv_size);
  /* the separator; v6_buf's own terminator moves on with the next url */
  (void)v6_buf_putc(&w->arena, '\0');
  return w->arena.oom ? STORE_NOMEM : STORE_OK;
}

/* The host of @url for row evidence: NULL when not resolved. */
static int lwalk_host(struct lwalk *w, const char *url,
                      const struct store_host **out)
{
  char name[HOST_NAME_MAX_ + 1];
  size_t n;

  *out = NULL;
  n = v6_url_host(url, name, sizeof name);
  if (!n)
    return STORE_OK;
  if (w->host_rc == 1 || strcmp(name, w->hbuf) != 0) {
    store_host_cleanup(&w->host);
    memcpy(w->hbuf, name, n + 1);
    w->host_rc = st_host_read(w->s, w->txn, w->run, name, n, &w->host);
    if (w->host_rc != STORE_OK && w->host_rc != STORE_NOTFOUND) {
      int rc = w->host_rc;
      w->host_rc = 1;
      return rc;
    }
  }
  if (w->host_rc == STORE_OK)
    *out = &w->host;
  return STORE_OK;
}

/* Hand one row to the callback with its probe and host. */
static int lwalk_row(struct lwalk *w, const struct lrow *r)
{
  struct store_probe probe = {0};
  struct store_link_row row;
  int rc = STORE_OK;

  memset(&row, 0, sizeof row);
  row.site = w->site;
  row.url = r->url;
  row.parent = r->parent;
  row.level = r->level;
  row.internal = r->internal;
  row.kind = r->kind;
  row.klass = r->kind == LINK_HTTP ? CLASS_UNMEASURED : CLASS_SKIPPED;
  if (r->kind == LINK_HTTP) {
    rc = st_probe_read(w->s, w->txn, w->run, r->id, &probe);
    if (rc == STORE_OK) {
      /* lent: the row's url, not a copy */
      probe.url = (char *)r->url;
      row.probe = &probe;
      row.klass = probe.klass;
    } else if (rc != STORE_NOTFOUND) {
      goto out;
    }
    rc = lwalk_host(w, r->url, &row.host);
    if (rc)
      goto out;
  }
  rc = w->cb(&row, w->ud);
out:
  probe.url = NULL;
  store_probe_cleanup(&probe);
  return rc;
}

/* Sort the collected rows of one site and hand them to the callback. */
static int lwalk_emit(struct lwalk *w)
{
  struct lrow *r;
  size_t i;
  int rc = STORE_OK;

  for (i = 0; i < w->n; i++) {
    r = &w->rows[i];
    r->url = w->arena.p + r->url_off;
    r->parent = r->parent_off == SIZE_MAX ? NULL : w->arena.p + r->parent_off;
  }
  qsort(w->rows, w->n, sizeof *w->rows, lrow_cmp);
  for (i = 0; i < w->n && rc == STORE_OK; i++)
    rc = lwalk_row(w, &w->rows[i]);
  w->n = 0;
  v6_buf_reset(&w->arena);
  return rc;
}

static int lwalk_fn(const struct st_link *l, void *ud)
{
  struct lwalk *w = ud;
  struct lrow *r;
  void *rows;
  int rc;

  if (w->have_site && l->site != w->site) {
    rc = lwalk_emit(w);
    if (rc)
      return rc;
  }
  w->site = l->site;
  w->have_site = 1;
  /* through a void *: a struct lrow * is not to be written as one */
  rows = w->rows;
  rc = st_grow(&rows, &w->cap, w->n, sizeof *w->rows, 256);
  w->rows = rows;
  if (rc)
    return rc;
  r = &w->rows[w->n];
  r->id = l->id;
  r->level = l->level;
  r->internal = l->internal;
  r->kind = l->kind;
  r->parent_off = SIZE_MAX;
  rc = arena_url(w, r->id, &r->url_off);
  if (rc)
    return rc;
  if (l->parent) {
    rc = arena_url(w, l->parent, &r->parent_off);
    if (rc)
      return rc;
  }
  w->n++;
  return STORE_OK;
}

int store_links_each(struct store *s, uint32_t run, uint32_t site,
                     int (*cb)(const struct store_link_row *row, void *ud),
                     void *ud)
{
  struct lwalk w;
  int rc;

  if (!s || !cb)
    return STORE_INVALID;
  memset(&w, 0, sizeof w);
  w.s = s;
  w.run = run;
  w.cb = cb;
  w.ud = ud;
  w.host_rc = 1;
  v6_buf_init(&w.arena, 0);
  rc = st_rd_begin(s, &w.txn);
  if (rc)
    goto out;
  rc = st_links_walk(s, w.txn, run, site, site == UINT32_MAX, lwalk_fn, &w);
  if (rc == STORE_OK && w.n)
    rc = lwalk_emit(&w);
out:
  free(w.rows);
  v6_buf_cleanup(&w.arena);
  store_host_cleanup(&w.host);
  st_rd_end(s, w.txn);
  return rc;
}
