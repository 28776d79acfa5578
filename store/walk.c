/* store/walk.c - the one cursor walk over a key prefix, and what is built
 * on it: counting, listing records into an array, deleting in batches. */
#include "config.h"

#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

/* LMDB's default key order: bytes, then length. */
static int key_cmp(const MDB_val *a, const MDB_val *b)
{
  size_t n = a->mv_size < b->mv_size ? a->mv_size : b->mv_size;
  int c = memcmp(a->mv_data, b->mv_data, n);

  if (c)
    return c;
  return a->mv_size < b->mv_size ? -1 : a->mv_size > b->mv_size;
}

/* A damaged page can end a walk early without an error: LMDB reads its
 * garbage as keys past the prefix, or a damaged branch page leads it into
 * other pages. So the walk checks that keys only grow, and checks the
 * record it stops at too: garbage, or a record of another database,
 * fails its checksum (st_rec_check). */
int st_walk(MDB_txn *txn, MDB_dbi dbi, const void *prefix, size_t plen,
            size_t klen,
            int (*fn)(const MDB_val *k, const MDB_val *v, void *ud), void *ud)
{
  MDB_cursor *cur = NULL;
  MDB_val k = {plen, (void *)prefix}, v, prev = {0, NULL};
  size_t seen = 0;
  int rc, mrc;

  if (dbi == 0)
    return STORE_OK; /* a database the store lacks: empty */
  rc = st_run_verify(txn, dbi, prefix, plen);
  if (rc)
    return rc;
  rc = st_cursor_open(txn, dbi, &cur);
  if (rc)
    goto out;
  st_guard_in();
  mrc = mdb_cursor_get(cur, &k, &v, plen ? MDB_SET_RANGE : MDB_FIRST);
  st_guard_out();
  while (mrc == MDB_SUCCESS && k.mv_size >= plen &&
         (plen == 0 || memcmp(k.mv_data, prefix, plen) == 0)) {
    if ((klen && k.mv_size != klen) ||
        (prev.mv_data && key_cmp(&prev, &k) >= 0)) {
      rc = STORE_CORRUPT;
      goto out;
    }
    rc = st_rec_check(txn, dbi, &k, &v);
    if (rc)
      goto out;
    /* lent until the transaction writes: the callbacks only read */
    prev = k;
    rc = fn(&k, &v, ud);
    if (rc)
      goto out;
    if (++seen % ST_RELIEVE_EVERY == 0)
      st_env_relieve(mdb_txn_env(txn));
    st_guard_in();
    mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
    st_guard_out();
  }
  if (mrc == MDB_SUCCESS) {
    /* the first key past the prefix */
    if (prev.mv_data && key_cmp(&prev, &k) >= 0)
      rc = STORE_CORRUPT;
    else
      rc = st_rec_check(txn, dbi, &k, &v);
  } else if (mrc != MDB_NOTFOUND) {
    rc = st_rc(mrc);
  }
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

  if (dbi == 0)
    return STORE_NOTFOUND;
  rc = st_cursor_open(txn, dbi, &cur);
  if (rc)
    goto out;
  st_guard_in();
  rc = st_rc(mdb_cursor_get(cur, k, &v, MDB_LAST));
  st_guard_out();
  if (rc == STORE_OK && k->mv_size != klen)
    rc = STORE_CORRUPT;
  if (rc == STORE_OK)
    rc = st_rec_check(txn, dbi, k, &v);
out:
  if (cur)
    mdb_cursor_close(cur);
  return rc;
}

int st_absent(MDB_txn *txn, MDB_dbi dbi, const MDB_val *k)
{
  MDB_cursor *cur = NULL;
  MDB_val kk = *k, v;
  int rc, mrc;

  rc = st_cursor_open(txn, dbi, &cur);
  if (rc)
    return rc;
  /* the record after @k (or the last one) and the one before it must be
   * sound and on either side of @k: a damaged page LMDB walked past as
   * empty, or a branch that misled it, breaks one of them */
  st_guard_in();
  mrc = mdb_cursor_get(cur, &kk, &v, MDB_SET_RANGE);
  st_guard_out();
  if (mrc == MDB_SUCCESS) {
    rc = key_cmp(k, &kk) < 0 ? st_rec_check(txn, dbi, &kk, &v) : STORE_CORRUPT;
    if (rc == STORE_OK) {
      st_guard_in();
      mrc = mdb_cursor_get(cur, &kk, &v, MDB_PREV);
      st_guard_out();
    }
  } else if (mrc == MDB_NOTFOUND) {
    st_guard_in();
    mrc = mdb_cursor_get(cur, &kk, &v, MDB_LAST);
    st_guard_out();
  }
  if (rc == STORE_OK) {
    if (mrc == MDB_SUCCESS)
      rc =
        key_cmp(&kk, k) < 0 ? st_rec_check(txn, dbi, &kk, &v) : STORE_CORRUPT;
    else if (mrc != MDB_NOTFOUND)
      rc = st_rc(mrc);
  }
  mdb_cursor_close(cur);
  return rc == STORE_OK ? STORE_NOTFOUND : rc;
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
  struct store *s = mdb_env_get_userctx(mdb_txn_env(txn));
  int rc;

  *n = 0;
  s->verifying++;
  rc = st_walk(txn, dbi, prefix, plen, 0, count_fn, n);
  s->verifying--;
  return rc;
}

/* The counts key of run @run and database @db into @kb; its length. */
static size_t counts_key(unsigned char *kb, uint32_t run, int db)
{
  const char *name = st_db_name(db);
  size_t n = strlen(name);

  st_be32(kb, run);
  memcpy(kb + 4, name, n);
  return 4 + n;
}

int st_run_verify(MDB_txn *txn, MDB_dbi dbi, const void *key, size_t klen)
{
  struct store *s = mdb_env_get_userctx(mdb_txn_env(txn));
  unsigned char kb[64];
  uint32_t run;
  size_t n, ckl;
  MDB_val v;
  int db, i, rc = STORE_OK;

  if (!s || !s->sums || s->verifying || klen < 4)
    return STORE_OK;
  db = st_db_index(s, dbi);
  if (db < 0 || db == DB_COUNTS || !st_db_run_keyed(db))
    return STORE_OK;
  run = st_get_be32(key);
  for (n = 0; n < s->nverified; n++)
    if (s->verified[n] == run)
      return STORE_OK;
  s->verifying++;
  for (i = 0; i < DB__N && rc == STORE_OK; i++) {
    if (i == DB_COUNTS || !st_db_run_keyed(i))
      continue;
    ckl = counts_key(kb, run, i);
    rc = st_get(txn, s->dbi[DB_COUNTS], kb, ckl, &v);
    if (rc == STORE_NOTFOUND) {
      rc = STORE_OK; /* not counted */
      continue;
    }
    if (rc == STORE_OK && v.mv_size != 8)
      rc = STORE_CORRUPT;
    if (rc)
      break;
    n = 0;
    rc = st_walk(txn, s->dbi[i], kb, 4, 0, count_fn, &n);
    if (rc == STORE_OK && n != st_get_be64(v.mv_data))
      rc = STORE_CORRUPT;
  }
  s->verifying--;
  /* out of memory only costs counting the run again */
  if (rc == STORE_OK &&
      st_grow((void **)&s->verified, &s->capverified, s->nverified,
              sizeof *s->verified, 8) == STORE_OK)
    s->verified[s->nverified++] = run;
  return rc;
}

int st_run_count(struct store *s, MDB_txn *txn, uint32_t run)
{
  unsigned char kb[64], nb[8];
  size_t n, ckl;
  int i, rc = STORE_OK;

  s->verifying++;
  for (i = 0; i < DB__N && rc == STORE_OK; i++) {
    if (i == DB_COUNTS || !st_db_run_keyed(i))
      continue;
    ckl = counts_key(kb, run, i);
    n = 0;
    rc = st_walk(txn, s->dbi[i], kb, 4, 0, count_fn, &n);
    if (rc == STORE_OK) {
      st_be64(nb, n);
      rc = st_put(txn, s->dbi[DB_COUNTS], kb, ckl, nb, 8, 0);
    }
  }
  s->verifying--;
  s->nverified = 0;
  return rc;
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
  rc = st_cursor_open(txn, dbi, &cur);
  if (rc)
    goto out;
  while (*n < max) {
    k.mv_size = plen;
    k.mv_data = (void *)prefix;
    st_guard_in();
    mrc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
    st_guard_out();
    if (mrc == MDB_NOTFOUND)
      break;
    if (mrc != MDB_SUCCESS) {
      rc = st_rc(mrc);
      goto out;
    }
    if (k.mv_size < plen || memcmp(k.mv_data, prefix, plen) != 0)
      break;
    st_guard_in();
    rc = st_rc(mdb_cursor_del(cur, 0));
    st_guard_out();
    if (rc)
      goto out;
    ++*n;
  }
out:
  if (cur)
    mdb_cursor_close(cur);
  return rc;
}

int st_site_list(struct store *s, const struct st_list_spec *spec, uint32_t run,
                 uint32_t site, void **out, size_t *n)
{
  unsigned char kb[8];

  if (!out || !n)
    return STORE_INVALID;
  *out = NULL;
  *n = 0;
  if (!s)
    return STORE_INVALID;
  st_be32(kb, run);
  st_be32(kb + 4, site);
  return st_list(s, spec, kb, 8, out, n); /* dbi 0: st_walk lists none */
}
