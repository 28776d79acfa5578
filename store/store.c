/* store/store.c - the LMDB store behind store.h.
 *
 * Layout. One LMDB environment in directory @dir (data.mdb, lock.mdb) with
 * named databases. Integer key parts are big-endian so that cursors walk
 * them in numeric order and a (run) or (run, site) prefix is a contiguous
 * key range:
 *
 *   meta     "schema"                    -> u32 BE schema version
 *            "next_run"                  -> u32 BE lowest id a new run may
 *                                           take (absent: no run deleted)
 *   runs     u32 run                     -> run record
 *   sites    u32 run | u32 idx           -> site record
 *   urls     url bytes (see below)       -> u64 BE url id (1, 2, 3 ...)
 *   url_ids  u64 id                      -> url bytes (no NUL)
 *   links    u32 run | u32 site | u64 id -> link record
 *   edges    u32 run | u32 site | u64 from | u64 to -> empty
 *   hosts    u32 run | lower-case name   -> host record
 *   probes   u32 run | u64 url id        -> probe record
 *
 * URLs are interned once across runs, so a link, an edge or a probe costs
 * 8 bytes per URL instead of the string. LMDB keys are limited to 511
 * bytes; a URL up to URL_KEY_MAX bytes is its own key, a longer one is
 * keyed by its first URL_KEY_PREFIX bytes, a NUL (which a short key never
 * contains), a salt byte and a 64-bit FNV-1a hash (v6_hash_add,
 * of the salt byte then the URL), and a hit is confirmed
 * against url_ids (on a collision the next salt is tried). The next url id
 * is read once per write transaction from the last url_ids key, and new
 * ids are appended with MDB_APPEND. The next run id is the last runs key
 * plus one, or meta "next_run" when that is higher: store_run_delete()
 * records it so that a deleted run's id is never given out again. A run's
 * n_sites is not stored: it is the number of its site records, counted
 * when read.
 *
 * Records are a small length-prefixed encoding: u8; u32, u64, i32 (two's
 * complement in a u32), i64 big-endian; doubles as their IEEE-754 bits in
 * a u64; strings as a u32 length then the bytes, with length 0xffffffff
 * for NULL. The decoder checks every length against what is left and
 * returns STORE_CORRUPT instead of reading past the end; trailing bytes are
 * ignored so that a later version may append fields without a new schema.
 *
 *   run    i64 started, i64 finished, u8 complete, i32 vantage, str options
 *   site   str start_url, final_url, scope_domain, name, unit, error
 *   link   u8 level, u8 internal, u8 kind, u64 parent id (0: none)
 *   host   str cnames, a, aaaa, a_error, aaaa_error, i32 usable_a, usable_aaaa
 *   probe  u8 klass, then for v6 and v4: u8 ok, i32 status, str error,
 *          str hops, f64 connect_ms, first_byte_ms, total_ms
 *
 * Transactions. The first write opens the one write transaction, and
 * store_flush() commits it. Reads use the open write transaction when there
 * is one (LMDB allows one transaction per thread, and the caller expects to
 * read its own writes), else a short read transaction; read transactions
 * nest by a depth count so that a store_links_each() callback may call the
 * read functions. A failed write (anything but STORE_NOTFOUND and
 * STORE_INVALID, which are checked before LMDB is touched) aborts the write
 * transaction: LMDB marks it unusable after most failed puts, and this way
 * the store is back at the last flush and the next write starts afresh.
 *
 * store_open() first looks at the databases in a read transaction, so that
 * opening a store that exists never waits for another process's writer
 * lock; only a new (or incomplete) store takes a write transaction to
 * create them. A second writing process blocks in LMDB's writer lock on its
 * first write until the other commits; STORE_BUSY is only returned when the
 * reader table is full.
 */
#include "config.h"

#include "store/store.h"

#include "base/base.h"

#include <errno.h>
#include <lmdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <stdio.h>
#include <unistd.h>

#define SCHEMA_VERSION 1u
#define MAX_DBS        16
#define URL_KEY_MAX    480 /* LMDB's key limit is 511 */
#define URL_KEY_PREFIX 400
#define URL_HKEY_LEN   (URL_KEY_PREFIX + 10)
#define HOST_NAME_MAX_ 500 /* + 4 bytes of run: below LMDB's 511 */
#define STR_NULL       UINT32_MAX

enum {
  DB_META,
  DB_RUNS,
  DB_SITES,
  DB_URLS,
  DB_URL_IDS,
  DB_LINKS,
  DB_EDGES,
  DB_HOSTS,
  DB_PROBES,
  DB__N
};

static const char *const db_names[DB__N] = {"meta",  "runs",    "sites",
                                            "urls",  "url_ids", "links",
                                            "edges", "hosts",   "probes"};

struct enc {
  unsigned char *p;
  size_t len, cap;
  int nomem;
};

struct store {
  MDB_env *env;
  MDB_dbi dbi[DB__N];
  int rdonly;
  MDB_txn *wtxn;     /* the open write transaction, or NULL */
  MDB_txn *rtxn;     /* the open read transaction, or NULL */
  unsigned rdepth;   /* nesting depth of rtxn */
  uint64_t next_url; /* next url id in wtxn; 0 until read */
  struct enc enc;    /* record buffer reused by every put */
  /* The URL interned last and its id: a page's URL is interned again for
   * every link on it (edge source, link parent). Dropped with an aborted
   * write transaction, which may have created the id. */
  char *last_url;
  size_t last_len, last_cap;
  uint64_t last_id;
};

/* ---- status codes -------------------------------------------------------- */

/* The one place LMDB and errno codes become store codes. */
static int rc_of(int mrc)
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

static const char *const class_names[CLASS__N] = {
  "ok",   "v6-only", "no-aaaa", "v6-broken", "v6-error",
  "dead", "robots",  "skipped", "unmeasured"};

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

/* ---- keys and records ---------------------------------------------------- */

static void be32(unsigned char *p, uint32_t v)
{
  p[0] = (unsigned char)(v >> 24);
  p[1] = (unsigned char)(v >> 16);
  p[2] = (unsigned char)(v >> 8);
  p[3] = (unsigned char)v;
}

static uint32_t get_be32(const unsigned char *p)
{
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
         (uint32_t)p[3];
}

static void be64(unsigned char *p, uint64_t v)
{
  be32(p, (uint32_t)(v >> 32));
  be32(p + 4, (uint32_t)v);
}

static uint64_t get_be64(const unsigned char *p)
{
  return (uint64_t)get_be32(p) << 32 | get_be32(p + 4);
}

static void enc_reset(struct enc *e)
{
  e->len = 0;
  e->nomem = 0;
}

static void enc_bytes(struct enc *e, const void *b, size_t n)
{
  size_t cap;
  unsigned char *p;

  if (e->nomem)
    return;
  if (n > e->cap - e->len) {
    cap = e->cap ? e->cap : 256;
    while (cap - e->len < n) {
      if (cap > SIZE_MAX / 2) {
        e->nomem = 1;
        return;
      }
      cap *= 2;
    }
    p = realloc(e->p, cap);
    if (!p) {
      e->nomem = 1;
      return;
    }
    e->p = p;
    e->cap = cap;
  }
  if (n)
    memcpy(e->p + e->len, b, n);
  e->len += n;
}

static void enc_u8(struct enc *e, unsigned v)
{
  unsigned char b = (unsigned char)v;

  enc_bytes(e, &b, 1);
}

static void enc_u32(struct enc *e, uint32_t v)
{
  unsigned char b[4];

  be32(b, v);
  enc_bytes(e, b, 4);
}

static void enc_u64(struct enc *e, uint64_t v)
{
  unsigned char b[8];

  be64(b, v);
  enc_bytes(e, b, 8);
}

static void enc_i32(struct enc *e, int v)
{
  /* conversion to unsigned is modulo 2^32: two's complement on disk */
  enc_u32(e, (uint32_t)v);
}

static void enc_i64(struct enc *e, int64_t v)
{
  enc_u64(e, (uint64_t)v);
}

static void enc_f64(struct enc *e, double d)
{
  uint64_t u;

  memcpy(&u, &d, sizeof u);
  enc_u64(e, u);
}

static void enc_str(struct enc *e, const char *s)
{
  size_t n;

  if (!s) {
    enc_u32(e, STR_NULL);
    return;
  }
  n = strlen(s);
  if (n >= STR_NULL) {
    e->nomem = 1;
    return;
  }
  enc_u32(e, (uint32_t)n);
  enc_bytes(e, s, n);
}

struct dec {
  const unsigned char *p;
  size_t len, off;
  int rc; /* STORE_OK until the first failure */
};

static void dec_init(struct dec *d, const MDB_val *v)
{
  d->p = v->mv_data;
  d->len = v->mv_size;
  d->off = 0;
  d->rc = STORE_OK;
}

static const unsigned char *dec_take(struct dec *d, size_t n)
{
  const unsigned char *p;

  if (d->rc)
    return NULL;
  if (n > d->len - d->off) {
    d->rc = STORE_CORRUPT;
    return NULL;
  }
  p = d->p + d->off;
  d->off += n;
  return p;
}

static unsigned dec_u8(struct dec *d)
{
  const unsigned char *p = dec_take(d, 1);

  return p ? *p : 0;
}

static uint32_t dec_u32(struct dec *d)
{
  const unsigned char *p = dec_take(d, 4);

  return p ? get_be32(p) : 0;
}

static uint64_t dec_u64(struct dec *d)
{
  const unsigned char *p = dec_take(d, 8);

  return p ? get_be64(p) : 0;
}

static int dec_i32(struct dec *d)
{
  uint32_t u = dec_u32(d);

  /* undo two's complement without implementation-defined conversions */
  if (u <= INT32_MAX)
    return (int)u;
  return -(int)(UINT32_MAX - u) - 1;
}

static int64_t dec_i64(struct dec *d)
{
  uint64_t u = dec_u64(d);

  if (u <= INT64_MAX)
    return (int64_t)u;
  return -(int64_t)(UINT64_MAX - u) - 1;
}

static double dec_f64(struct dec *d)
{
  uint64_t u = dec_u64(d);
  double v;

  memcpy(&v, &u, sizeof v);
  return v;
}

/* A malloc'd NUL-terminated copy; NULL for the NULL marker or on failure
 * (then d->rc says which). */
static char *dec_str(struct dec *d)
{
  uint32_t n = dec_u32(d);
  const unsigned char *b;
  char *c;

  if (d->rc || n == STR_NULL)
    return NULL;
  b = dec_take(d, n);
  if (!b)
    return NULL;
  c = malloc((size_t)n + 1);
  if (!c) {
    d->rc = STORE_NOMEM;
    return NULL;
  }
  memcpy(c, b, n);
  c[n] = '\0';
  return c;
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
  return rc_of(mrc);
}

static int rd_begin(struct store *s, MDB_txn **txn)
{
  int rc;

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

/* End what rd_begin gave: only the read transaction is ours to end. */
static void rd_end(struct store *s, MDB_txn *txn)
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
  s->last_len = 0;
  s->last_id = 0;
}

static int wr_begin(struct store *s, MDB_txn **txn)
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

/* Every write function ends here: see "Transactions" above. */
static int wr_end(struct store *s, int rc)
{
  if (rc != STORE_OK && rc != STORE_NOTFOUND && rc != STORE_INVALID)
    wtxn_drop(s);
  return rc;
}

static int put(MDB_txn *txn, MDB_dbi dbi, const void *k, size_t klen,
               const void *v, size_t vlen, unsigned flags)
{
  MDB_val key = {klen, (void *)k}, val = {vlen, (void *)v};
  int mrc = mdb_put(txn, dbi, &key, &val, flags);

  /* with MDB_NOOVERWRITE an existing key means "already there" */
  if (mrc == MDB_KEYEXIST && (flags & MDB_NOOVERWRITE))
    return STORE_OK;
  return rc_of(mrc);
}

static int get(MDB_txn *txn, MDB_dbi dbi, const void *k, size_t klen,
               MDB_val *val)
{
  MDB_val key = {klen, (void *)k};

  return rc_of(mdb_get(txn, dbi, &key, val));
}

/* Call @fn for every key of @dbi starting with @prefix, in key order. A
 * non-zero return from @fn stops the walk and is returned. */
static int walk_prefix(MDB_txn *txn, MDB_dbi dbi, const void *prefix,
                       size_t plen,
                       int (*fn)(const MDB_val *k, const MDB_val *v, void *ud),
                       void *ud)
{
  MDB_cursor *cur = NULL;
  MDB_val k = {plen, (void *)prefix}, v;
  int rc, mrc;

  rc = rc_of(mdb_cursor_open(txn, dbi, &cur));
  if (rc)
    goto out;
  mrc = mdb_cursor_get(cur, &k, &v, plen ? MDB_SET_RANGE : MDB_FIRST);
  while (mrc == MDB_SUCCESS && k.mv_size >= plen &&
         (plen == 0 || memcmp(k.mv_data, prefix, plen) == 0)) {
    rc = fn(&k, &v, ud);
    if (rc)
      goto out;
    mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
  }
  if (mrc != MDB_NOTFOUND)
    rc = rc_of(mrc);
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

static int count_prefix(MDB_txn *txn, MDB_dbi dbi, const void *prefix,
                        size_t plen, size_t *n)
{
  *n = 0;
  return walk_prefix(txn, dbi, prefix, plen, count_fn, n);
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
  rc = rc_of(mdb_dbi_open(txn, db_names[DB_META], flags, &s->dbi[DB_META]));
  if (rc)
    goto out;
  rc = get(txn, s->dbi[DB_META], "schema", 6, &v);
  if (rc == STORE_OK) {
    if (v.mv_size != 4) {
      rc = STORE_CORRUPT;
      goto out;
    }
    /* an older schema would be migrated here; there is none yet */
    if (get_be32(v.mv_data) > SCHEMA_VERSION) {
      rc = STORE_VERSION;
      goto out;
    }
  } else if (rc == STORE_NOTFOUND && create) {
    be32(vb, SCHEMA_VERSION);
    rc = put(txn, s->dbi[DB_META], "schema", 6, vb, 4, 0);
    if (rc)
      goto out;
  } else {
    goto out;
  }
  for (i = DB_META + 1; i < DB__N; i++) {
    rc = rc_of(mdb_dbi_open(txn, db_names[i], flags, &s->dbi[i]));
    if (rc)
      goto out;
  }
  /* committing keeps the handles, for a read transaction too */
  rc = rc_of(mdb_txn_commit(txn));
  txn = NULL;
out:
  if (txn)
    mdb_txn_abort(txn);
  return rc;
}

int store_open(const char *dir, int flags, size_t map_size, struct store **out)
{
  struct store *s = NULL;
  int rdonly = flags & STORE_RDONLY;
  size_t size = map_size;
  int rc = STORE_OK;

  if (!out)
    return STORE_INVALID;
  *out = NULL;
  if (!dir || !*dir || (flags & ~STORE_RDONLY))
    return STORE_INVALID;
  if (!rdonly && mkdir(dir, 0755) != 0 && errno != EEXIST) {
    rc = rc_of(errno);
    goto out;
  }
  s = calloc(1, sizeof *s);
  if (!s) {
    rc = STORE_NOMEM;
    goto out;
  }
  s->rdonly = rdonly;
  rc = rc_of(mdb_env_create(&s->env));
  if (rc)
    goto out;
  rc = rc_of(mdb_env_set_maxdbs(s->env, MAX_DBS));
  if (rc)
    goto out;
  if (size == 0) {
    /* sparse: LMDB only reserves address space, the file grows as used */
#if SIZE_MAX > 0xffffffffu
    size = (size_t)16 << 30;
#else
    size = (size_t)1 << 30;
#endif
  }
  rc = rc_of(mdb_env_set_mapsize(s->env, size));
  if (rc)
    goto out;
  rc = rc_of(mdb_env_open(s->env, dir, rdonly ? MDB_RDONLY : 0, 0644));
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
  rc = rc_of(mdb_txn_commit(s->wtxn));
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
  free(s->enc.p);
  free(s->last_url);
  free(s);
}

/* ---- interned URLs ----------------------------------------------------- */

/* Fill @key for @url; returns 1 when the key is hashed (see the top). */
static int url_key(const char *url, size_t n, unsigned salt, unsigned char *buf,
                   MDB_val *key)
{
  if (n <= URL_KEY_MAX) {
    key->mv_data = (void *)url;
    key->mv_size = n;
    return 0;
  }
  memcpy(buf, url, URL_KEY_PREFIX);
  buf[URL_KEY_PREFIX] = '\0';
  buf[URL_KEY_PREFIX + 1] = (unsigned char)salt;
  be64(buf + URL_KEY_PREFIX + 2,
       v6_hash_add(v6_hash_byte(V6_HASH_INIT, (unsigned char)salt), url, n));
  key->mv_data = buf;
  key->mv_size = URL_HKEY_LEN;
  return 1;
}

static int url_new(struct store *s, MDB_txn *txn, const MDB_val *key,
                   const char *url, size_t n, uint64_t *id)
{
  MDB_cursor *cur = NULL;
  MDB_val k, v;
  unsigned char ib[8];
  int rc = STORE_OK, mrc;

  if (s->next_url == 0) {
    rc = rc_of(mdb_cursor_open(txn, s->dbi[DB_URL_IDS], &cur));
    if (rc)
      goto out;
    mrc = mdb_cursor_get(cur, &k, &v, MDB_LAST);
    if (mrc == MDB_NOTFOUND) {
      s->next_url = 1;
    } else if (mrc != MDB_SUCCESS) {
      rc = rc_of(mrc);
      goto out;
    } else if (k.mv_size != 8) {
      rc = STORE_CORRUPT;
      goto out;
    } else {
      s->next_url = get_be64(k.mv_data) + 1;
    }
  }
  be64(ib, s->next_url);
  rc = put(txn, s->dbi[DB_URLS], key->mv_data, key->mv_size, ib, 8, 0);
  if (rc)
    goto out;
  /* ids only grow, so appending skips the search */
  rc = put(txn, s->dbi[DB_URL_IDS], ib, 8, url, n, MDB_APPEND);
  if (rc)
    goto out;
  *id = s->next_url++;
out:
  if (cur)
    mdb_cursor_close(cur);
  return rc;
}

/* The id of @url; with @create, interning it when it is new. */
static int url_id_lookup(struct store *s, MDB_txn *txn, const char *url,
                         size_t n, int create, uint64_t *id);

static int url_id(struct store *s, MDB_txn *txn, const char *url, int create,
                  uint64_t *id)
{
  size_t n;
  int rc;

  if (!url || !*url)
    return STORE_INVALID;
  n = strlen(url);
  if (s->last_id && n == s->last_len && memcmp(url, s->last_url, n) == 0) {
    *id = s->last_id;
    return STORE_OK;
  }
  rc = url_id_lookup(s, txn, url, n, create, id);
  if (rc == STORE_OK) {
    if (n + 1 > s->last_cap) {
      char *p = realloc(s->last_url, n + 1);
      if (!p)
        return STORE_OK; /* no cache this time */
      s->last_url = p;
      s->last_cap = n + 1;
    }
    memcpy(s->last_url, url, n);
    s->last_len = n;
    s->last_id = *id;
  }
  return rc;
}

static int url_id_lookup(struct store *s, MDB_txn *txn, const char *url,
                         size_t n, int create, uint64_t *id)
{
  unsigned char kb[URL_HKEY_LEN], ib[8];
  MDB_val k, v;
  unsigned salt;
  uint64_t cand;
  int hashed, rc;

  for (salt = 0; salt < 256; salt++) {
    hashed = url_key(url, n, salt, kb, &k);
    rc = rc_of(mdb_get(txn, s->dbi[DB_URLS], &k, &v));
    if (rc == STORE_NOTFOUND)
      return create ? url_new(s, txn, &k, url, n, id) : STORE_NOTFOUND;
    if (rc)
      return rc;
    if (v.mv_size != 8)
      return STORE_CORRUPT;
    cand = get_be64(v.mv_data);
    if (!hashed) {
      *id = cand;
      return STORE_OK;
    }
    /* a hashed key may collide: confirm against the string */
    be64(ib, cand);
    rc = get(txn, s->dbi[DB_URL_IDS], ib, 8, &v);
    if (rc)
      return rc == STORE_NOTFOUND ? STORE_CORRUPT : rc;
    if (v.mv_size == n && memcmp(v.mv_data, url, n) == 0) {
      *id = cand;
      return STORE_OK;
    }
  }
  return STORE_FULL; /* 256 colliding 64-bit hashes */
}

/* The lent (until the transaction changes) bytes of url @id. */
static int url_str(struct store *s, MDB_txn *txn, uint64_t id, MDB_val *v)
{
  unsigned char ib[8];
  int rc;

  be64(ib, id);
  rc = get(txn, s->dbi[DB_URL_IDS], ib, 8, v);
  /* a dangling id is damage, not absence */
  return rc == STORE_NOTFOUND ? STORE_CORRUPT : rc;
}

/* ---- runs ---------------------------------------------------------------- */

void store_run_cleanup(struct store_run *r)
{
  if (!r)
    return;
  free(r->options);
  r->options = NULL;
}

static void run_encode(struct enc *e, int64_t started, int64_t finished,
                       int complete, int vantage, const char *options)
{
  enc_reset(e);
  enc_i64(e, started);
  enc_i64(e, finished);
  enc_u8(e, complete ? 1 : 0);
  enc_i32(e, vantage);
  enc_str(e, options);
}

/* Decode run @id and count its sites into @out (zeroed first). */
static int run_decode(struct store *s, MDB_txn *txn, uint32_t id,
                      const MDB_val *v, struct store_run *out)
{
  unsigned char kb[4];
  struct dec d;
  size_t n = 0;
  int rc;

  memset(out, 0, sizeof *out);
  out->id = id;
  dec_init(&d, v);
  out->started = dec_i64(&d);
  out->finished = dec_i64(&d);
  out->complete = (int)dec_u8(&d);
  out->vantage_ipv6 = dec_i32(&d);
  out->options = dec_str(&d);
  rc = d.rc;
  if (rc)
    goto out;
  be32(kb, id);
  rc = count_prefix(txn, s->dbi[DB_SITES], kb, 4, &n);
  if (rc)
    goto out;
  out->n_sites = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
out:
  if (rc)
    store_run_cleanup(out);
  return rc;
}

int store_run_new(struct store *s, int64_t started, int vantage_ipv6,
                  const char *options, uint32_t *id)
{
  MDB_txn *txn = NULL;
  MDB_cursor *cur = NULL;
  MDB_val k, v;
  unsigned char kb[4];
  uint32_t next = 1;
  int rc, mrc;

  if (!s || !id)
    return STORE_INVALID;
  rc = wr_begin(s, &txn);
  if (rc)
    goto out;
  rc = rc_of(mdb_cursor_open(txn, s->dbi[DB_RUNS], &cur));
  if (rc)
    goto out;
  mrc = mdb_cursor_get(cur, &k, &v, MDB_LAST);
  if (mrc == MDB_SUCCESS) {
    if (k.mv_size != 4) {
      rc = STORE_CORRUPT;
      goto out;
    }
    next = get_be32(k.mv_data);
    if (next == UINT32_MAX) {
      rc = STORE_FULL;
      goto out;
    }
    next++;
  } else if (mrc != MDB_NOTFOUND) {
    rc = rc_of(mrc);
    goto out;
  }
  /* never reuse the id of a deleted run */
  rc = get(txn, s->dbi[DB_META], "next_run", 8, &v);
  if (rc == STORE_OK && v.mv_size == 4 && get_be32(v.mv_data) > next)
    next = get_be32(v.mv_data);
  else if (rc != STORE_OK && rc != STORE_NOTFOUND)
    goto out;
  run_encode(&s->enc, started, 0, 0, vantage_ipv6, options);
  if (s->enc.nomem) {
    rc = STORE_NOMEM;
    goto out;
  }
  be32(kb, next);
  rc = put(txn, s->dbi[DB_RUNS], kb, 4, s->enc.p, s->enc.len, 0);
  if (rc)
    goto out;
  *id = next;
out:
  if (cur)
    mdb_cursor_close(cur);
  return wr_end(s, rc);
}

int store_run_finish(struct store *s, uint32_t id, int64_t finished,
                     int complete)
{
  MDB_txn *txn = NULL;
  struct store_run r = {0};
  unsigned char kb[4];
  MDB_val v;
  int rc;

  if (!s)
    return STORE_INVALID;
  rc = wr_begin(s, &txn);
  if (rc)
    goto out;
  be32(kb, id);
  rc = get(txn, s->dbi[DB_RUNS], kb, 4, &v);
  if (rc)
    goto out;
  rc = run_decode(s, txn, id, &v, &r);
  if (rc)
    goto out;
  run_encode(&s->enc, r.started, finished, complete, r.vantage_ipv6, r.options);
  if (s->enc.nomem) {
    rc = STORE_NOMEM;
    goto out;
  }
  rc = put(txn, s->dbi[DB_RUNS], kb, 4, s->enc.p, s->enc.len, 0);
out:
  store_run_cleanup(&r);
  return wr_end(s, rc);
}

int store_run_get(struct store *s, uint32_t id, struct store_run *out)
{
  MDB_txn *txn = NULL;
  unsigned char kb[4];
  MDB_val v;
  int rc;

  if (!out)
    return STORE_INVALID;
  memset(out, 0, sizeof *out);
  if (!s)
    return STORE_INVALID;
  rc = rd_begin(s, &txn);
  if (rc)
    goto out;
  be32(kb, id);
  rc = get(txn, s->dbi[DB_RUNS], kb, 4, &v);
  if (rc)
    goto out;
  rc = run_decode(s, txn, id, &v, out);
out:
  rd_end(s, txn);
  return rc;
}

int store_run_latest(struct store *s, uint32_t *id)
{
  MDB_txn *txn = NULL;
  MDB_cursor *cur = NULL;
  MDB_val k, v;
  int rc;

  if (!s || !id)
    return STORE_INVALID;
  rc = rd_begin(s, &txn);
  if (rc)
    goto out;
  rc = rc_of(mdb_cursor_open(txn, s->dbi[DB_RUNS], &cur));
  if (rc)
    goto out;
  rc = rc_of(mdb_cursor_get(cur, &k, &v, MDB_LAST));
  if (rc)
    goto out;
  if (k.mv_size != 4) {
    rc = STORE_CORRUPT;
    goto out;
  }
  *id = get_be32(k.mv_data);
out:
  if (cur)
    mdb_cursor_close(cur);
  rd_end(s, txn);
  return rc;
}

struct runs_acc {
  struct store *s;
  MDB_txn *txn;
  struct store_run *v;
  size_t n, cap;
};

static int runs_fn(const MDB_val *k, const MDB_val *v, void *ud)
{
  struct runs_acc *a = ud;
  struct store_run *nv;
  size_t cap;
  int rc;

  if (k->mv_size != 4)
    return STORE_CORRUPT;
  if (a->n == a->cap) {
    cap = a->cap ? a->cap * 2 : 16;
    nv = realloc(a->v, cap * sizeof *nv);
    if (!nv)
      return STORE_NOMEM;
    a->v = nv;
    a->cap = cap;
  }
  rc = run_decode(a->s, a->txn, get_be32(k->mv_data), v, &a->v[a->n]);
  if (rc)
    return rc;
  a->n++;
  return 0;
}

int store_runs_list(struct store *s, struct store_run **out, size_t *n)
{
  struct runs_acc a = {0};
  MDB_txn *txn = NULL;
  int rc;

  if (!out || !n)
    return STORE_INVALID;
  *out = NULL;
  *n = 0;
  if (!s)
    return STORE_INVALID;
  rc = rd_begin(s, &txn);
  if (rc)
    goto out;
  a.s = s;
  a.txn = txn;
  rc = walk_prefix(txn, s->dbi[DB_RUNS], NULL, 0, runs_fn, &a);
  if (rc)
    goto out;
  *out = a.v;
  *n = a.n;
  a.v = NULL;
out:
  store_runs_free(a.v, a.n);
  rd_end(s, txn);
  return rc;
}

void store_runs_free(struct store_run *runs, size_t n)
{
  size_t i;

  if (!runs)
    return;
  for (i = 0; i < n; i++)
    store_run_cleanup(&runs[i]);
  free(runs);
}

/* ---- deleting runs and compacting ---------------------------------------- */

/* Keys deleted per write transaction: small enough that a transaction's
 * dirty pages stay well below LMDB's limit and another process's writer
 * (a crawl) waits at most a moment for the lock, large enough that the
 * commits (each an fsync) do not dominate. */
#define DELETE_BATCH 8192

/* Delete up to @max keys of @dbi that start with @prefix; *@n is how many
 * were deleted (fewer than @max: none is left). Re-seeks after every
 * delete instead of trusting the cursor position LMDB leaves after
 * mdb_cursor_del at a page boundary. */
static int del_prefix(MDB_txn *txn, MDB_dbi dbi, const void *prefix,
                      size_t plen, size_t max, size_t *n)
{
  MDB_cursor *cur = NULL;
  MDB_val k, v;
  int rc, mrc;

  *n = 0;
  rc = rc_of(mdb_cursor_open(txn, dbi, &cur));
  if (rc)
    goto out;
  while (*n < max) {
    k.mv_size = plen;
    k.mv_data = (void *)prefix;
    mrc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
    if (mrc == MDB_NOTFOUND)
      break;
    if (mrc != MDB_SUCCESS) {
      rc = rc_of(mrc);
      goto out;
    }
    if (k.mv_size < plen || memcmp(k.mv_data, prefix, plen) != 0)
      break;
    rc = rc_of(mdb_cursor_del(cur, 0));
    if (rc)
      goto out;
    ++*n;
  }
out:
  if (cur)
    mdb_cursor_close(cur);
  return rc;
}

int store_run_delete(struct store *s, uint32_t id)
{
  static const int dbs[] = {DB_PROBES, DB_EDGES, DB_LINKS, DB_HOSTS, DB_SITES};
  MDB_txn *txn = NULL;
  unsigned char kb[4], nb[4];
  MDB_val v;
  size_t i, n;
  uint32_t next = 0;
  int rc;

  if (!s || s->rdonly)
    return STORE_INVALID;
  /* commit the caller's writes: the batches below commit as they go */
  rc = store_flush(s);
  if (rc)
    return rc;
  be32(kb, id);
  rc = rd_begin(s, &txn);
  if (rc)
    return rc;
  rc = get(txn, s->dbi[DB_RUNS], kb, 4, &v);
  rd_end(s, txn);
  txn = NULL;
  if (rc)
    return rc;
  for (i = 0; i < sizeof dbs / sizeof dbs[0]; i++) {
    do {
      rc = wr_begin(s, &txn);
      if (rc)
        return wr_end(s, rc);
      rc = del_prefix(txn, s->dbi[dbs[i]], kb, 4, DELETE_BATCH, &n);
      if (rc)
        return wr_end(s, rc);
      rc = store_flush(s);
      if (rc)
        return rc;
    } while (n == DELETE_BATCH);
  }
  /* the run record goes last, so that an interrupted delete leaves the run
   * listed and deleting it again finishes the job */
  rc = wr_begin(s, &txn);
  if (rc)
    return wr_end(s, rc);
  rc = get(txn, s->dbi[DB_META], "next_run", 8, &v);
  if (rc == STORE_OK && v.mv_size == 4)
    next = get_be32(v.mv_data);
  else if (rc != STORE_OK && rc != STORE_NOTFOUND)
    return wr_end(s, rc);
  if (id != UINT32_MAX && next < id + 1) {
    be32(nb, id + 1);
    rc = put(txn, s->dbi[DB_META], "next_run", 8, nb, 4, 0);
    if (rc)
      return wr_end(s, rc);
  }
  rc = rc_of(mdb_del(txn, s->dbi[DB_RUNS], &(MDB_val){4, kb}, NULL));
  if (rc)
    return wr_end(s, rc);
  return store_flush(s);
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
    return rc_of(errno);
  n = snprintf(src, sizeof src, "%s/data.mdb", tmp);
  if (n < 0 || (size_t)n >= sizeof src ||
      (n = snprintf(dst, sizeof dst, "%s/data.mdb", dir)) < 0 ||
      (size_t)n >= sizeof dst) {
    (void)rmdir(tmp);
    return STORE_INVALID;
  }
  /* a consistent snapshot without the free pages, written beside the
   * store (same file system) and renamed over it in one step */
  rc = rc_of(mdb_env_copy2(s->env, tmp, MDB_CP_COMPACT));
  if (rc == STORE_OK && rename(src, dst) != 0)
    rc = rc_of(errno);
  (void)unlink(src);
  (void)rmdir(tmp);
  /* this handle still maps the replaced file: no more writes through it */
  if (rc == STORE_OK)
    s->rdonly = 1;
  return rc;
}

/* ---- sites --------------------------------------------------------------- */

void store_site_cleanup(struct store_site *site)
{
  if (!site)
    return;
  free(site->start_url);
  free(site->final_url);
  free(site->scope_domain);
  free(site->name);
  free(site->unit);
  free(site->error);
  free(site->ns_hosts);
  memset(site, 0, sizeof *site);
}

int store_site_put(struct store *s, uint32_t run, const struct store_site *site)
{
  MDB_txn *txn = NULL;
  unsigned char kb[8];
  int rc;

  if (!s || !site)
    return STORE_INVALID;
  rc = wr_begin(s, &txn);
  if (rc)
    goto out;
  enc_reset(&s->enc);
  enc_str(&s->enc, site->start_url);
  enc_str(&s->enc, site->final_url);
  enc_str(&s->enc, site->scope_domain);
  enc_str(&s->enc, site->name);
  enc_str(&s->enc, site->unit);
  enc_str(&s->enc, site->error);
  /* schema 1 records may end here (fields below came later) */
  enc_i32(&s->enc, site->home_tries);
  enc_i32(&s->enc, site->home_ok);
  enc_i32(&s->enc, site->consistent);
  enc_f64(&s->enc, site->similarity);
  enc_i32(&s->enc, site->ns_total);
  enc_i32(&s->enc, site->ns_ipv6);
  enc_str(&s->enc, site->ns_hosts);
  enc_i32(&s->enc, site->script_links);
  enc_i32(&s->enc, site->pages_truncated);
  if (s->enc.nomem) {
    rc = STORE_NOMEM;
    goto out;
  }
  be32(kb, run);
  be32(kb + 4, site->idx);
  rc = put(txn, s->dbi[DB_SITES], kb, 8, s->enc.p, s->enc.len, 0);
out:
  return wr_end(s, rc);
}

struct sites_acc {
  struct store_site *v;
  size_t n, cap;
};

static int sites_fn(const MDB_val *k, const MDB_val *v, void *ud)
{
  struct sites_acc *a = ud;
  struct store_site *site, *nv;
  struct dec d;
  size_t cap;

  if (k->mv_size != 8)
    return STORE_CORRUPT;
  if (a->n == a->cap) {
    cap = a->cap ? a->cap * 2 : 16;
    nv = realloc(a->v, cap * sizeof *nv);
    if (!nv)
      return STORE_NOMEM;
    a->v = nv;
    a->cap = cap;
  }
  site = &a->v[a->n];
  memset(site, 0, sizeof *site);
  site->idx = get_be32((const unsigned char *)k->mv_data + 4);
  dec_init(&d, v);
  site->start_url = dec_str(&d);
  site->final_url = dec_str(&d);
  site->scope_domain = dec_str(&d);
  site->name = dec_str(&d);
  site->unit = dec_str(&d);
  site->error = dec_str(&d);
  site->consistent = -1;
  if (!d.rc && d.off < d.len) {
    site->home_tries = dec_i32(&d);
    site->home_ok = dec_i32(&d);
    site->consistent = dec_i32(&d);
    site->similarity = dec_f64(&d);
    site->ns_total = dec_i32(&d);
    site->ns_ipv6 = dec_i32(&d);
    site->ns_hosts = dec_str(&d);
  }
  if (!d.rc && d.off < d.len)
    site->script_links = dec_i32(&d);
  if (!d.rc && d.off < d.len)
    site->pages_truncated = dec_i32(&d);
  if (d.rc) {
    store_site_cleanup(site);
    return d.rc;
  }
  a->n++;
  return 0;
}

int store_sites_list(struct store *s, uint32_t run, struct store_site **out,
                     size_t *n)
{
  struct sites_acc a = {0};
  MDB_txn *txn = NULL;
  unsigned char kb[4];
  int rc;

  if (!out || !n)
    return STORE_INVALID;
  *out = NULL;
  *n = 0;
  if (!s)
    return STORE_INVALID;
  rc = rd_begin(s, &txn);
  if (rc)
    goto out;
  be32(kb, run);
  rc = walk_prefix(txn, s->dbi[DB_SITES], kb, 4, sites_fn, &a);
  if (rc)
    goto out;
  *out = a.v;
  *n = a.n;
  a.v = NULL;
out:
  store_sites_free(a.v, a.n);
  rd_end(s, txn);
  return rc;
}

void store_sites_free(struct store_site *sites, size_t n)
{
  size_t i;

  if (!sites)
    return;
  for (i = 0; i < n; i++)
    store_site_cleanup(&sites[i]);
  free(sites);
}

/* ---- links and the graph ------------------------------------------------- */

#define LINK_KEY_LEN 16
#define LINK_REC_LEN 11

static void link_key(unsigned char *kb, uint32_t run, uint32_t site,
                     uint64_t id)
{
  be32(kb, run);
  be32(kb + 4, site);
  be64(kb + 8, id);
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
  rc = wr_begin(s, &txn);
  if (rc)
    goto out;
  rc = url_id(s, txn, url, 1, &id);
  if (rc)
    goto out;
  link_key(kb, run, site, id);
  /* first-seen wins, and a repeat (the common case) costs one more get */
  rc = get(txn, s->dbi[DB_LINKS], kb, LINK_KEY_LEN, &v);
  if (rc != STORE_NOTFOUND)
    goto out;
  if (parent) {
    rc = url_id(s, txn, parent, 1, &pid);
    if (rc)
      goto out;
  }
  vb[0] = (unsigned char)level;
  vb[1] = internal ? 1 : 0;
  vb[2] = (unsigned char)kind;
  be64(vb + 3, pid);
  rc = put(txn, s->dbi[DB_LINKS], kb, LINK_KEY_LEN, vb, LINK_REC_LEN, 0);
out:
  return wr_end(s, rc);
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
  rc = wr_begin(s, &txn);
  if (rc)
    goto out;
  rc = url_id(s, txn, from, 1, &fid);
  if (rc)
    goto out;
  rc = url_id(s, txn, to, 1, &tid);
  if (rc)
    goto out;
  be32(kb, run);
  be32(kb + 4, site);
  be64(kb + 8, fid);
  be64(kb + 16, tid);
  rc = put(txn, s->dbi[DB_EDGES], kb, 24, "", 0, MDB_NOOVERWRITE);
out:
  return wr_end(s, rc);
}

int store_edges_count(struct store *s, uint32_t run, uint32_t site, size_t *n)
{
  MDB_txn *txn = NULL;
  unsigned char kb[8];
  int rc;

  if (!s || !n)
    return STORE_INVALID;
  *n = 0;
  rc = rd_begin(s, &txn);
  if (rc)
    goto out;
  be32(kb, run);
  be32(kb + 4, site);
  rc = count_prefix(txn, s->dbi[DB_EDGES], kb, 8, n);
out:
  rd_end(s, txn);
  return rc;
}

/* ---- hosts --------------------------------------------------------------- */

void store_host_cleanup(struct store_host *h)
{
  if (!h)
    return;
  free(h->name);
  free(h->cnames);
  free(h->a);
  free(h->aaaa);
  free(h->a_error);
  free(h->aaaa_error);
  memset(h, 0, sizeof *h);
}

/* Key run | @name in lower case (DNS names are case-insensitive, and the
 * URLs the join parses hosts from are normalised to lower case). Returns
 * the key length, 0 when @name is empty or too long. */
static size_t host_key(unsigned char *kb, uint32_t run, const char *name,
                       size_t n)
{
  size_t i;

  if (n == 0 || n > HOST_NAME_MAX_)
    return 0;
  be32(kb, run);
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)name[i];
    kb[4 + i] = (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
  }
  return 4 + n;
}

int store_host_put(struct store *s, uint32_t run, const struct store_host *h)
{
  MDB_txn *txn = NULL;
  unsigned char kb[4 + HOST_NAME_MAX_];
  size_t klen;
  int rc;

  if (!s || !h || !h->name)
    return STORE_INVALID;
  klen = host_key(kb, run, h->name, strlen(h->name));
  if (!klen)
    return STORE_INVALID;
  rc = wr_begin(s, &txn);
  if (rc)
    goto out;
  enc_reset(&s->enc);
  enc_str(&s->enc, h->cnames);
  enc_str(&s->enc, h->a);
  enc_str(&s->enc, h->aaaa);
  enc_str(&s->enc, h->a_error);
  enc_str(&s->enc, h->aaaa_error);
  enc_i32(&s->enc, h->usable_a);
  enc_i32(&s->enc, h->usable_aaaa);
  enc_f64(&s->enc, h->a_ms);
  enc_f64(&s->enc, h->aaaa_ms);
  if (s->enc.nomem) {
    rc = STORE_NOMEM;
    goto out;
  }
  rc = put(txn, s->dbi[DB_HOSTS], kb, klen, s->enc.p, s->enc.len, 0);
out:
  return wr_end(s, rc);
}

/* Look up host @name (@n bytes) in @txn into @out (zeroed first). */
static int host_read(struct store *s, MDB_txn *txn, uint32_t run,
                     const char *name, size_t n, struct store_host *out)
{
  unsigned char kb[4 + HOST_NAME_MAX_];
  size_t klen;
  struct dec d;
  MDB_val v;
  int rc;

  memset(out, 0, sizeof *out);
  klen = host_key(kb, run, name, n);
  if (!klen)
    return STORE_NOTFOUND;
  rc = get(txn, s->dbi[DB_HOSTS], kb, klen, &v);
  if (rc)
    return rc;
  out->name = malloc(n + 1);
  if (!out->name)
    return STORE_NOMEM;
  memcpy(out->name, kb + 4, n);
  out->name[n] = '\0';
  dec_init(&d, &v);
  out->cnames = dec_str(&d);
  out->a = dec_str(&d);
  out->aaaa = dec_str(&d);
  out->a_error = dec_str(&d);
  out->aaaa_error = dec_str(&d);
  out->usable_a = dec_i32(&d);
  out->usable_aaaa = dec_i32(&d);
  if (!d.rc && d.off < d.len) {
    out->a_ms = dec_f64(&d);
    out->aaaa_ms = dec_f64(&d);
  }
  if (d.rc)
    store_host_cleanup(out);
  return d.rc;
}

int store_host_get(struct store *s, uint32_t run, const char *name,
                   struct store_host *out)
{
  MDB_txn *txn = NULL;
  int rc;

  if (!out)
    return STORE_INVALID;
  memset(out, 0, sizeof *out);
  if (!s || !name)
    return STORE_INVALID;
  rc = rd_begin(s, &txn);
  if (rc)
    goto out;
  rc = host_read(s, txn, run, name, strlen(name), out);
out:
  rd_end(s, txn);
  return rc;
}

/* ---- probes -------------------------------------------------------------- */

static void family_cleanup(struct store_family *f)
{
  free(f->error);
  free(f->hops);
  f->error = NULL;
  f->hops = NULL;
}

void store_probe_cleanup(struct store_probe *p)
{
  if (!p)
    return;
  free(p->url);
  family_cleanup(&p->v6);
  family_cleanup(&p->v4);
  memset(p, 0, sizeof *p);
}

static void family_encode(struct enc *e, const struct store_family *f)
{
  enc_u8(e, f->ok ? 1 : 0);
  enc_i32(e, f->status);
  enc_str(e, f->error);
  enc_str(e, f->hops);
  enc_f64(e, f->connect_ms);
  enc_f64(e, f->first_byte_ms);
  enc_f64(e, f->total_ms);
}

static void family_decode(struct dec *d, struct store_family *f)
{
  f->ok = (int)dec_u8(d);
  f->status = dec_i32(d);
  f->error = dec_str(d);
  f->hops = dec_str(d);
  f->connect_ms = dec_f64(d);
  f->first_byte_ms = dec_f64(d);
  f->total_ms = dec_f64(d);
}

static void probe_key(unsigned char *kb, uint32_t run, uint64_t id)
{
  be32(kb, run);
  be64(kb + 4, id);
}

int store_probe_put(struct store *s, uint32_t run, const struct store_probe *p)
{
  MDB_txn *txn = NULL;
  unsigned char kb[12];
  uint64_t id = 0;
  int rc;

  if (!s || !p || !p->url || !*p->url || p->klass < 0 || p->klass >= CLASS__N)
    return STORE_INVALID;
  rc = wr_begin(s, &txn);
  if (rc)
    goto out;
  rc = url_id(s, txn, p->url, 1, &id);
  if (rc)
    goto out;
  enc_reset(&s->enc);
  enc_u8(&s->enc, (unsigned)p->klass);
  family_encode(&s->enc, &p->v6);
  family_encode(&s->enc, &p->v4);
  if (s->enc.nomem) {
    rc = STORE_NOMEM;
    goto out;
  }
  probe_key(kb, run, id);
  rc = put(txn, s->dbi[DB_PROBES], kb, 12, s->enc.p, s->enc.len, 0);
out:
  return wr_end(s, rc);
}

/* Decode the probe of url @id into @out (zeroed first; url left NULL). */
static int probe_read(struct store *s, MDB_txn *txn, uint32_t run, uint64_t id,
                      struct store_probe *out)
{
  unsigned char kb[12];
  struct dec d;
  MDB_val v;
  int rc;

  memset(out, 0, sizeof *out);
  probe_key(kb, run, id);
  rc = get(txn, s->dbi[DB_PROBES], kb, 12, &v);
  if (rc)
    return rc;
  dec_init(&d, &v);
  out->klass = (int)dec_u8(&d);
  family_decode(&d, &out->v6);
  family_decode(&d, &out->v4);
  if (!d.rc && out->klass >= CLASS__N)
    d.rc = STORE_CORRUPT;
  if (d.rc)
    store_probe_cleanup(out);
  return d.rc;
}

int store_probe_get(struct store *s, uint32_t run, const char *url,
                    struct store_probe *out)
{
  MDB_txn *txn = NULL;
  uint64_t id = 0;
  int rc;

  if (!out)
    return STORE_INVALID;
  memset(out, 0, sizeof *out);
  if (!s || !url || !*url)
    return STORE_INVALID;
  rc = rd_begin(s, &txn);
  if (rc)
    goto out;
  rc = url_id(s, txn, url, 0, &id);
  if (rc)
    goto out;
  rc = probe_read(s, txn, run, id, out);
  if (rc)
    goto out;
  out->url = strdup(url);
  if (!out->url) {
    store_probe_cleanup(out);
    rc = STORE_NOMEM;
  }
out:
  rd_end(s, txn);
  return rc;
}

/* ---- reading links with their evidence ----------------------------------- */

/* The class of a link as the figures count it (store.h). */
static int link_klass(struct store *s, MDB_txn *txn, uint32_t run, uint64_t id,
                      int kind, int *klass)
{
  unsigned char kb[12];
  MDB_val v;
  int rc;

  if (kind != LINK_HTTP) {
    *klass = CLASS_SKIPPED;
    return STORE_OK;
  }
  probe_key(kb, run, id);
  rc = get(txn, s->dbi[DB_PROBES], kb, 12, &v);
  if (rc == STORE_NOTFOUND) {
    *klass = CLASS_UNMEASURED;
    return STORE_OK;
  }
  if (rc)
    return rc;
  if (v.mv_size < 1 || *(const unsigned char *)v.mv_data >= CLASS__N)
    return STORE_CORRUPT;
  *klass = *(const unsigned char *)v.mv_data;
  return STORE_OK;
}

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
  struct enc arena; /* the URL strings of the site's rows, NUL-separated */
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

  rc = url_str(w->s, w->txn, id, &v);
  if (rc)
    return rc;
  *off = w->arena.len;
  enc_bytes(&w->arena, v.mv_data, v.mv_size);
  enc_bytes(&w->arena, "", 1);
  return w->arena.nomem ? STORE_NOMEM : STORE_OK;
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
    w->host_rc = host_read(w->s, w->txn, w->run, name, n, &w->host);
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

/* Sort the collected rows of one site and hand them to the callback. */
static int lwalk_emit(struct lwalk *w)
{
  struct store_probe probe = {0};
  struct store_link_row row;
  struct lrow *r;
  size_t i;
  int rc = STORE_OK;

  for (i = 0; i < w->n; i++) {
    r = &w->rows[i];
    r->url = (const char *)w->arena.p + r->url_off;
    r->parent = r->parent_off == SIZE_MAX
                  ? NULL
                  : (const char *)w->arena.p + r->parent_off;
  }
  qsort(w->rows, w->n, sizeof *w->rows, lrow_cmp);
  for (i = 0; i < w->n; i++) {
    r = &w->rows[i];
    memset(&row, 0, sizeof row);
    row.site = w->site;
    row.url = r->url;
    row.parent = r->parent;
    row.level = r->level;
    row.internal = r->internal;
    row.kind = r->kind;
    row.klass = r->kind == LINK_HTTP ? CLASS_UNMEASURED : CLASS_SKIPPED;
    if (r->kind == LINK_HTTP) {
      rc = probe_read(w->s, w->txn, w->run, r->id, &probe);
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
    probe.url = NULL;
    store_probe_cleanup(&probe);
    if (rc)
      goto out;
  }
out:
  probe.url = NULL;
  store_probe_cleanup(&probe);
  w->n = 0;
  enc_reset(&w->arena);
  return rc;
}

static int lwalk_fn(const MDB_val *k, const MDB_val *v, void *ud)
{
  struct lwalk *w = ud;
  const unsigned char *kp = k->mv_data, *vp = v->mv_data;
  struct lrow *r, *nv;
  uint32_t site;
  uint64_t pid;
  size_t cap;
  int rc;

  if (k->mv_size != LINK_KEY_LEN || v->mv_size < LINK_REC_LEN)
    return STORE_CORRUPT;
  site = get_be32(kp + 4);
  if (w->have_site && site != w->site) {
    rc = lwalk_emit(w);
    if (rc)
      return rc;
  }
  w->site = site;
  w->have_site = 1;
  if (w->n == w->cap) {
    cap = w->cap ? w->cap * 2 : 256;
    nv = realloc(w->rows, cap * sizeof *nv);
    if (!nv)
      return STORE_NOMEM;
    w->rows = nv;
    w->cap = cap;
  }
  r = &w->rows[w->n];
  r->id = get_be64(kp + 8);
  r->level = vp[0];
  r->internal = vp[1];
  r->kind = vp[2];
  r->parent_off = SIZE_MAX;
  rc = arena_url(w, r->id, &r->url_off);
  if (rc)
    return rc;
  pid = get_be64(vp + 3);
  if (pid) {
    rc = arena_url(w, pid, &r->parent_off);
    if (rc)
      return rc;
  }
  w->n++;
  return 0;
}

int store_links_each(struct store *s, uint32_t run, uint32_t site,
                     int (*cb)(const struct store_link_row *row, void *ud),
                     void *ud)
{
  struct lwalk w;
  unsigned char kb[8];
  int rc;

  if (!s || !cb)
    return STORE_INVALID;
  memset(&w, 0, sizeof w);
  w.s = s;
  w.run = run;
  w.cb = cb;
  w.ud = ud;
  w.host_rc = 1;
  rc = rd_begin(s, &w.txn);
  if (rc)
    goto out;
  be32(kb, run);
  be32(kb + 4, site);
  rc = walk_prefix(w.txn, s->dbi[DB_LINKS], kb, site == UINT32_MAX ? 4 : 8,
                   lwalk_fn, &w);
  if (rc == STORE_OK && w.n)
    rc = lwalk_emit(&w);
out:
  free(w.rows);
  free(w.arena.p);
  store_host_cleanup(&w.host);
  rd_end(s, w.txn);
  return rc;
}

/* ---- figures ------------------------------------------------------------- */

struct fwalk {
  struct store *s;
  MDB_txn *txn;
  uint32_t run;
  struct store_site_figs *figs;
};

static int fwalk_fn(const MDB_val *k, const MDB_val *v, void *ud)
{
  struct fwalk *w = ud;
  const unsigned char *vp = v->mv_data;
  struct store_fig *f;
  int level, klass, rc, scope;

  if (k->mv_size != LINK_KEY_LEN || v->mv_size < LINK_REC_LEN)
    return STORE_CORRUPT;
  level = vp[0];
  /* deeper crawls than the figures have rows for are listed, not counted */
  if (level < 1 || level > STORE_MAX_LEVEL)
    return 0;
  rc =
    link_klass(w->s, w->txn, w->run,
               get_be64((const unsigned char *)k->mv_data + 8), vp[2], &klass);
  if (rc)
    return rc;
  for (scope = vp[1] ? 0 : 1; scope < 2; scope++) {
    f = &w->figs->level[level][scope];
    f->links++;
    f->classes[klass]++;
  }
  return 0;
}

int store_site_figures(struct store *s, uint32_t run, uint32_t site,
                       struct store_site_figs *out)
{
  struct fwalk w;
  unsigned char kb[8];
  int rc;

  if (!out)
    return STORE_INVALID;
  memset(out, 0, sizeof *out);
  if (!s)
    return STORE_INVALID;
  w.s = s;
  w.txn = NULL;
  w.run = run;
  w.figs = out;
  rc = rd_begin(s, &w.txn);
  if (rc)
    goto out;
  be32(kb, run);
  be32(kb + 4, site);
  rc = walk_prefix(w.txn, s->dbi[DB_LINKS], kb, 8, fwalk_fn, &w);
out:
  if (rc)
    memset(out, 0, sizeof *out);
  rd_end(s, w.txn);
  return rc;
}

unsigned store_fig_counted(const struct store_fig *f)
{
  unsigned out;

  if (!f)
    return 0;
  out = f->classes[CLASS_ROBOTS] + f->classes[CLASS_SKIPPED] +
        f->classes[CLASS_UNMEASURED];
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
