/* store/env.c - the LMDB environment: status codes, opening and closing,
 * transactions (see "Transactions" in store_int.h), and compaction. */
#include "config.h"

#include "store/store_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

static const char *const db_names[DB__N] = {
  "meta",  "runs",  "sites",  "urls",  "url_ids", "links",
  "edges", "hosts", "probes", "deleg", "pages"};

/* ---- status codes -------------------------------------------------------- */

int st_rc(int mrc)
{
  switch (mrc) {
    case MDB_SUCCESS:
      return STORE_OK;
    case MDB_NOTFOUND:
      return STORE_NOTFOUND;
    case MDB_MAP_FULL:
    case MDB_TXN_FULL:
    case MDB_PAGE_FULL:
    case ENOSPC:
#ifdef EDQUOT
    case EDQUOT:
#endif
      return STORE_FULL;
    case ENOMEM:
      return STORE_NOMEM;
    case MDB_VERSION_MISMATCH:
      return STORE_VERSION;
    case MDB_INVALID:
    case MDB_CORRUPTED:
    case MDB_PAGE_NOTFOUND:
    case MDB_INCOMPATIBLE:
    case MDB_CURSOR_FULL:
      return STORE_CORRUPT;
    case MDB_READERS_FULL:
    case EBUSY:
    case EAGAIN:
      return STORE_BUSY;
    case MDB_BAD_VALSIZE:
    case MDB_BAD_DBI:
    case MDB_BAD_TXN:
    case MDB_DBS_FULL:
    case EINVAL:
      return STORE_INVALID;
    default:
      /* EACCES, ENOENT, EIO, EROFS, EPERM, ENOTDIR and the rest */
      return STORE_IO;
  }
}

const char *store_strerror(int rc)
{
  switch (rc) {
    case STORE_OK:
      return "success";
    case STORE_NOTFOUND:
      return "not found";
    case STORE_FULL:
      return "store is full (map size or disk)";
    case STORE_NOMEM:
      return "out of memory";
    case STORE_IO:
      return "cannot create, open, read or write the store files";
    case STORE_VERSION:
      return "store was made by a newer v6crawl";
    case STORE_CORRUPT:
      return "store record does not decode";
    case STORE_BUSY:
      return "store is busy";
    case STORE_INVALID:
      return "invalid argument";
    default:
      return "unknown store error";
  }
}

/* ---- transactions -------------------------------------------------------- */

static int txn_begin(MDB_env *env, unsigned flags, MDB_txn **txn)
{
  int mrc = mdb_txn_begin(env, NULL, flags, txn);

  if (mrc == MDB_MAP_RESIZED) {
    /* another process grew the map: adopt its size and retry once */
    mrc = mdb_env_set_mapsize(env, 0);
    if (mrc == MDB_SUCCESS)
      mrc = mdb_txn_begin(env, NULL, flags, txn);
  }
  if (mrc != MDB_SUCCESS)
    *txn = NULL;
  return st_rc(mrc);
}

int st_rd_begin(struct store *s, MDB_txn **txn)
{
  int rc;

  *txn = NULL;
  if (!s)
    return STORE_INVALID;
  if (s->wtxn) {
    *txn = s->wtxn;
    return STORE_OK;
  }
  if (s->rtxn) {
    s->rdepth++;
    *txn = s->rtxn;
    return STORE_OK;
  }
  rc = txn_begin(s->env, MDB_RDONLY, &s->rtxn);
  if (rc)
    return rc;
  s->rdepth = 1;
  *txn = s->rtxn;
  return STORE_OK;
}

/* End what st_rd_begin gave: only the read transaction is ours to end. */
void st_rd_end(struct store *s, MDB_txn *txn)
{
  if (!txn || txn != s->rtxn)
    return;
  if (--s->rdepth == 0) {
    mdb_txn_abort(s->rtxn);
    s->rtxn = NULL;
  }
}

static void wtxn_drop(struct store *s)
{
  if (s->wtxn)
    mdb_txn_abort(s->wtxn);
  s->wtxn = NULL;
  s->next_url = 0;
  v6_buf_reset(&s->last_url);
  s->last_id = 0;
}

int st_wr_begin(struct store *s, MDB_txn **txn)
{
  int rc;

  *txn = NULL;
  if (s->rdonly)
    return STORE_INVALID;
  if (!s->wtxn) {
    rc = txn_begin(s->env, 0, &s->wtxn);
    if (rc)
      return rc;
    s->next_url = 0;
  }
  *txn = s->wtxn;
  return STORE_OK;
}

int st_wr_end(struct store *s, int rc)
{
  if (rc != STORE_OK && rc != STORE_NOTFOUND && rc != STORE_INVALID)
    wtxn_drop(s);
  return rc;
}

int st_put(MDB_txn *txn, MDB_dbi dbi, const void *k, size_t klen, const void *v,
           size_t vlen, unsigned flags)
{
  MDB_val key = {klen, (void *)k}, val = {vlen, (void *)v};
  int mrc = mdb_put(txn, dbi, &key, &val, flags);

  /* with MDB_NOOVERWRITE an existing key means "already there" */
  if (mrc == MDB_KEYEXIST && (flags & MDB_NOOVERWRITE))
    return STORE_OK;
  return st_rc(mrc);
}

int st_put_enc(struct store *s, MDB_txn *txn, int db, const void *k,
               size_t klen)
{
  if (s->enc.oom || s->enc.toobig)
    return STORE_NOMEM;
  return st_put(txn, s->dbi[db], k, klen, s->enc.p, s->enc.n, 0);
}

int st_get(MDB_txn *txn, MDB_dbi dbi, const void *k, size_t klen, MDB_val *val)
{
  MDB_val key = {klen, (void *)k};

  return st_rc(mdb_get(txn, dbi, &key, val));
}

/* ---- open and close ------------------------------------------------------ */

/* Open the databases in a read (@create 0) or write (@create 1)
 * transaction. The schema is checked before the other databases are
 * opened, so a newer store is never changed. STORE_NOTFOUND when a
 * database is missing and @create is 0. */
static int dbs_open(struct store *s, int create)
{
  MDB_txn *txn = NULL;
  unsigned flags = create ? MDB_CREATE : 0;
  unsigned char vb[4];
  MDB_val v;
  int i, rc;

  rc = txn_begin(s->env, create ? 0 : MDB_RDONLY, &txn);
  if (rc)
    goto out;
  rc = st_rc(mdb_dbi_open(txn, db_names[DB_META], flags, &s->dbi[DB_META]));
  if (rc)
    goto out;
  rc = st_get(txn, s->dbi[DB_META], "schema", 6, &v);
  if (rc == STORE_OK) {
    if (v.mv_size != 4) {
      rc = STORE_CORRUPT;
      goto out;
    }
    /* an older schema would be migrated here; there is none yet */
    if (st_get_be32(v.mv_data) > SCHEMA_VERSION) {
      rc = STORE_VERSION;
      goto out;
    }
  } else if (rc == STORE_NOTFOUND && create) {
    st_be32(vb, SCHEMA_VERSION);
    rc = st_put(txn, s->dbi[DB_META], "schema", 6, vb, 4, 0);
    if (rc)
      goto out;
  } else {
    goto out;
  }
  for (i = DB_META + 1; i < DB__N; i++) {
    rc = st_rc(mdb_dbi_open(txn, db_names[i], flags, &s->dbi[i]));
    /* a store from before this database, read without writing: empty */
    if (rc == STORE_NOTFOUND && s->rdonly && i >= DB_PAGES) {
      s->absent[i] = 1;
      rc = STORE_OK;
    }
    if (rc)
      goto out;
  }
  /* committing keeps the handles, for a read transaction too */
  rc = st_rc(mdb_txn_commit(txn));
  txn = NULL;
out:
  if (txn)
    mdb_txn_abort(txn);
  return rc;
}

/* Create the LMDB environment of @s and open it on @dir (read-only when
 * s->rdonly) with a map of @size bytes, 0 for the default. */
static int env_open(struct store *s, const char *dir, size_t size)
{
  int rc;

  rc = st_rc(mdb_env_create(&s->env));
  if (rc)
    return rc;
  rc = st_rc(mdb_env_set_maxdbs(s->env, MAX_DBS));
  if (rc)
    return rc;
  if (size == 0) {
    /* sparse: LMDB only reserves address space, the file grows as used */
#if SIZE_MAX > 0xffffffffu
    size = (size_t)16 << 30;
#else
    size = (size_t)1 << 30;
#endif
  }
  rc = st_rc(mdb_env_set_mapsize(s->env, size));
  if (rc)
    return rc;
  return st_rc(mdb_env_open(s->env, dir, s->rdonly ? MDB_RDONLY : 0, 0644));
}

int store_open(const char *dir, int flags, size_t map_size, struct store **out)
{
  struct store *s = NULL;
  int rdonly = flags & STORE_RDONLY;
  int rc = STORE_OK;

  if (!out)
    return STORE_INVALID;
  *out = NULL;
  if (!dir || !*dir || (flags & ~STORE_RDONLY))
    return STORE_INVALID;
  if (!rdonly && mkdir(dir, 0755) != 0 && errno != EEXIST) {
    rc = st_rc(errno);
    goto out;
  }
  s = calloc(1, sizeof *s);
  if (!s) {
    rc = STORE_NOMEM;
    goto out;
  }
  s->rdonly = rdonly;
  v6_buf_init(&s->enc, 0);
  v6_buf_init(&s->last_url, 0);
  rc = env_open(s, dir, map_size);
  if (rc)
    goto out;
  rc = dbs_open(s, 0);
  if (rc == STORE_NOTFOUND)
    rc = rdonly ? STORE_CORRUPT : dbs_open(s, 1);
out:
  if (rc) {
    store_close(s);
    return rc;
  }
  *out = s;
  return STORE_OK;
}

int store_flush(struct store *s)
{
  int rc;

  if (!s)
    return STORE_INVALID;
  if (!s->wtxn)
    return STORE_OK;
  rc = st_rc(mdb_txn_commit(s->wtxn));
  /* the transaction is gone whether the commit worked or not */
  s->wtxn = NULL;
  s->next_url = 0;
  return rc;
}

void store_close(struct store *s)
{
  if (!s)
    return;
  (void)store_flush(s);
  if (s->rtxn)
    mdb_txn_abort(s->rtxn);
  if (s->env)
    mdb_env_close(s->env);
  v6_buf_cleanup(&s->enc);
  v6_buf_cleanup(&s->last_url);
  free(s);
}

int store_compact(struct store *s, const char *dir)
{
  char tmp[4096], src[4096], dst[4096];
  int rc, n;

  if (!s || !dir || !*dir || s->rdonly)
    return STORE_INVALID;
  n = snprintf(tmp, sizeof tmp, "%s/compact.XXXXXX", dir);
  if (n < 0 || (size_t)n >= sizeof tmp - 16)
    return STORE_INVALID;
  rc = store_flush(s);
  if (rc)
    return rc;
  if (!mkdtemp(tmp))
    return st_rc(errno);
  n = snprintf(src, sizeof src, "%s/data.mdb", tmp);
  if (n < 0 || (size_t)n >= sizeof src ||
      (n = snprintf(dst, sizeof dst, "%s/data.mdb", dir)) < 0 ||
      (size_t)n >= sizeof dst) {
    (void)rmdir(tmp);
    return STORE_INVALID;
  }
  /* a consistent snapshot without the free pages, written beside the
   * store (same file system) and renamed over it in one step */
  rc = st_rc(mdb_env_copy2(s->env, tmp, MDB_CP_COMPACT));
  if (rc == STORE_OK && rename(src, dst) != 0)
    rc = st_rc(errno);
  (void)unlink(src);
  (void)rmdir(tmp);
  /* this handle still maps the replaced file: no more writes through it */
  if (rc == STORE_OK)
    s->rdonly = 1;
  return rc;
}
