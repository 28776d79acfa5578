/* store/walk.c - the one cursor walk over a key prefix, and what is built
 * on it: counting, listing records into an array, deleting in batches. */
#include "config.h"

#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

int st_walk(MDB_txn *txn, MDB_dbi dbi, const void *prefix, size_t plen,
            size_t klen,
            int (*fn)(const MDB_val *k, const MDB_val *v, void *ud), void *ud)
{
  MDB_cursor *cur = NULL;
  MDB_val k = {plen, (void *)prefix}, v;
  int rc, mrc;

  rc = st_rc(mdb_cursor_open(txn, dbi, &cur));
  if (rc)
    goto out;
  mrc = mdb_cursor_get(cur, &k, &v, plen ? MDB_SET_RANGE : MDB_FIRST);
  while (mrc == MDB_SUCCESS && k.mv_size >= plen &&
         (plen == 0 || memcmp(k.mv_data, prefix, plen) == 0)) {
    if (klen && k.mv_size != klen) {
      rc = STORE_CORRUPT;
      goto out;
    }
    rc = fn(&k, &v, ud);
    if (rc)
      goto out;
    mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
  }
  if (mrc != MDB_NOTFOUND)
    rc = st_rc(mrc);
out:
  if (cur)
    mdb_cursor_close(cur);
  return rc;
}

int st_last_key(MDB_txn *txn, MDB_dbi dbi, size_t klen, MDB_val *k)
{
  MDB_cursor *cur = NULL;
  MDB_val v;
  int rc;

  rc = st_rc(mdb_cursor_open(txn, dbi, &cur));
  if (rc)
    goto out;
  rc = st_rc(mdb_cursor_get(cur, k, &v, MDB_LAST));
  if (rc == STORE_OK && k->mv_size != klen)
    rc = STORE_CORRUPT;
out:
  if (cur)
    mdb_cursor_close(cur);
  return rc;
}

static int count_fn(const MDB_val *k, const MDB_val *v, void *ud)
{
  (void)k;
  (void)v;
  ++*(size_t *)ud;
  return 0;
}

int st_count(MDB_txn *txn, MDB_dbi dbi, const void *prefix, size_t plen,
             size_t *n)
{
  *n = 0;
  return st_walk(txn, dbi, prefix, plen, 0, count_fn, n);
}

int st_grow(void **v, size_t *cap, size_t n, size_t size, size_t first)
{
  size_t ncap;
  void *nv;

  if (n < *cap)
    return STORE_OK;
  if (*cap > SIZE_MAX / 2 / size)
    return STORE_NOMEM;
  ncap = *cap ? *cap * 2 : first;
  nv = realloc(*v, ncap * size);
  if (!nv)
    return STORE_NOMEM;
  *v = nv;
  *cap = ncap;
  return STORE_OK;
}

struct list {
  struct store *s;
  MDB_txn *txn;
  const struct st_list_spec *spec;
  void *v;
  size_t n, cap;
};

static int list_fn(const MDB_val *k, const MDB_val *v, void *ud)
{
  struct list *l = ud;
  size_t size = l->spec->size;
  unsigned char *elem;
  int rc;

  rc = st_grow(&l->v, &l->cap, l->n, size, 16);
  if (rc)
    return rc;
  elem = (unsigned char *)l->v + l->n * size;
  memset(elem, 0, size);
  rc = l->spec->decode(l->s, l->txn, k, v, elem);
  if (rc)
    return rc;
  l->n++;
  return STORE_OK;
}

int st_list(struct store *s, const struct st_list_spec *spec,
            const void *prefix, size_t plen, void **out, size_t *n)
{
  struct list l = {0};
  int rc;

  *out = NULL;
  *n = 0;
  l.s = s;
  l.spec = spec;
  rc = st_rd_begin(s, &l.txn);
  if (rc)
    goto out;
  rc = st_walk(l.txn, s->dbi[spec->db], prefix, plen, spec->klen, list_fn, &l);
  if (rc)
    goto out;
  *out = l.v;
  *n = l.n;
  l.v = NULL;
out:
  st_list_free(l.v, l.n, spec->size, spec->cleanup);
  st_rd_end(s, l.txn);
  return rc;
}

void st_list_free(void *v, size_t n, size_t size, void (*cleanup)(void *))
{
  size_t i;

  if (!v)
    return;
  for (i = 0; i < n; i++)
    cleanup((unsigned char *)v + i * size);
  free(v);
}

/* Re-seeks after every delete instead of trusting the cursor position LMDB
 * leaves after mdb_cursor_del at a page boundary. */
int st_del_prefix(MDB_txn *txn, MDB_dbi dbi, const void *prefix, size_t plen,
                  size_t max, size_t *n)
{
  MDB_cursor *cur = NULL;
  MDB_val k, v;
  int rc, mrc;

  *n = 0;
  rc = st_rc(mdb_cursor_open(txn, dbi, &cur));
  if (rc)
    goto out;
  while (*n < max) {
    k.mv_size = plen;
    k.mv_data = (void *)prefix;
    mrc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
    if (mrc == MDB_NOTFOUND)
      break;
    if (mrc != MDB_SUCCESS) {
      rc = st_rc(mrc);
      goto out;
    }
    if (k.mv_size < plen || memcmp(k.mv_data, prefix, plen) != 0)
      break;
    rc = st_rc(mdb_cursor_del(cur, 0));
    if (rc)
      goto out;
    ++*n;
  }
out:
  if (cur)
    mdb_cursor_close(cur);
  return rc;
}
