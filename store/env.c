/* store/env.c - the LMDB environment: status codes, opening and closing,
 * transactions (see "Transactions" in store_int.h), and compaction. */
#include "config.h"

#include "store/store_int.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

static const char *const db_names[DB__N] = {
  "meta",    "runs",    "sites",  "urls",   "url_ids", "links",
  "edges",   "hosts",   "probes", "timing", "perf",    "deleg",
  "pages",   "vantage", "reads",  "conds",  "shards",  "parts",
  "renders", "subres",  "sheets", "counts"};

const char *st_db_name(int db)
{
  return db >= 0 && db < DB__N ? db_names[db] : NULL;
}

int st_db_index(const struct store *s, MDB_dbi dbi)
{
  int i;

  for (i = 0; i < DB__N; i++)
    if (s->dbi[i] == dbi)
      return i;
  return -1;
}

int st_db_run_keyed(int db)
{
  /* every database added since is keyed u32 run | ... (store_int.h) */
  return db != DB_META && db != DB_RUNS && db != DB_URLS && db != DB_URL_IDS;
}

/* ---- the fault guard (store_fault_guard in store.h) ----------------------
 *
 * LMDB trusts the file: a page that random bytes overwrote can send it
 * past the end of the file (SIGBUS) or of the map (SIGSEGV). The record
 * checksums catch damage LMDB hands back; this catches damage that kills
 * LMDB first. A fault counts as the store's while st_guard_depth is
 * non-zero (store/ is inside an LMDB call or reading a record it was lent,
 * see st_guard_in) or when the address is inside the map; any other fault
 * goes to the handler that was there before, so that a bug elsewhere still
 * crashes as one. The message is composed when a store is opened: a
 * signal handler may only write(2) and _exit. */

/* per thread: a fault in the parser's worker thread while the loop's thread
 * is inside LMDB is not the store's */
_Thread_local volatile sig_atomic_t st_guard_depth;
static int guard_on, guard_status;
static const char *guard_prefix = "", *guard_hint = "";
/* the messages of a fault inside an LMDB call (or a record it lent), and
 * of one elsewhere at an address of the map */
static char guard_msg[4352], guard_msg_map[4352];
static size_t guard_len, guard_len_map;
static const char *map_lo, *map_hi;
static MDB_env *map_env; /* whose map [map_lo, map_hi) is */
static struct sigaction guard_old_segv, guard_old_bus;

static void guard_handler(int sig, siginfo_t *si, void *ctx)
{
  const char *a = si ? si->si_addr : NULL;

  (void)ctx;
  if (st_guard_depth > 0) {
    if (guard_len)
      (void)!write(STDERR_FILENO, guard_msg, guard_len);
    _exit(guard_status);
  }
  if (a && a >= map_lo && a < map_hi) {
    if (guard_len_map)
      (void)!write(STDERR_FILENO, guard_msg_map, guard_len_map);
    _exit(guard_status);
  }
  /* not the store's: returning re-runs the faulting instruction under the
   * handler that was there before (the default one: a core dump) */
  (void)sigaction(sig, sig == SIGBUS ? &guard_old_bus : &guard_old_segv, NULL);
}

/* The length snprintf's result @n leaves in a buffer of @cap bytes. */
static size_t msg_len(int n, size_t cap)
{
  return n < 0 ? 0 : (size_t)n >= cap ? cap - 1 : (size_t)n;
}

/* Compose the messages for the store in @dir (see above). */
static void guard_compose(const char *dir)
{
  int n = snprintf(guard_msg, sizeof guard_msg,
                   "%sthe store %s is damaged: reading data.mdb faulted "
                   "inside LMDB%s\n",
                   guard_prefix, dir, guard_hint);

  guard_len = msg_len(n, sizeof guard_msg);
  n = snprintf(guard_msg_map, sizeof guard_msg_map,
               "%sthe store %s is damaged: reading data.mdb faulted at an "
               "address of its map, outside LMDB%s\n",
               guard_prefix, dir, guard_hint);
  guard_len_map = msg_len(n, sizeof guard_msg_map);
}

int store_fault_guard(int status, const char *prefix, const char *hint)
{
  struct sigaction sa;

  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = guard_handler;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  guard_status = status;
  guard_prefix = prefix ? prefix : "";
  guard_hint = hint ? hint : "";
  if (guard_on)
    return STORE_OK;
  if (sigaction(SIGSEGV, &sa, &guard_old_segv) != 0 ||
      sigaction(SIGBUS, &sa, &guard_old_bus) != 0)
    return STORE_INVALID;
  guard_on = 1;
  return STORE_OK;
}

/* LMDB's assert() callback (mdb_env_set_assert): an assertion on a
 * damaged page is the store's damage too; LMDB aborts after it returns. */
static void guard_assert(MDB_env *env, const char *msg)
{
  (void)env;
  (void)msg;
  if (guard_on && st_guard_depth > 0) {
    if (guard_len)
      (void)!write(STDERR_FILENO, guard_msg, guard_len);
    _exit(guard_status);
  }
}

/* Remember where @env maps data.mdb, for the guard: the map of the store
 * opened (or whose map moved) last. LMDB gives the address only for
 * MDB_FIXEDMAP; else /proc/self/maps says (trim.c). */
static void guard_remap(MDB_env *env)
{
  MDB_envinfo info;
  uintptr_t lo, hi;

  if (mdb_env_info(env, &info) == MDB_SUCCESS && info.me_mapaddr) {
    map_lo = info.me_mapaddr;
    map_hi = map_lo + info.me_mapsize;
    map_env = env;
  } else if (st_map_range(env, &lo, &hi) == 0) {
    map_lo = (const char *)lo;
    map_hi = (const char *)hi;
    map_env = env;
  }
}

/* @env's map goes: the addresses are no longer the store's. */
static void guard_unmap(MDB_env *env)
{
  if (env && env == map_env) {
    map_lo = map_hi = NULL;
    map_env = NULL;
  }
}

/* Remember the map of @s for the guard, and its message. */
static void guard_map(struct store *s, const char *dir)
{
  guard_compose(dir);
  guard_remap(s->env);
}

/* ---- record checksums -----------------------------------------------------
 *
 * Every value carries CRC-32C of its database's name, its key and its
 * bytes, 4 bytes big-endian after them (schema 2): LMDB 0.9 keeps no
 * checksums, and a damaged page otherwise reads as other figures; with the
 * name, a damaged branch page that leads LMDB into another database's
 * pages hands out records that fail too. st_put adds it, st_get, st_walk
 * and st_last_key check and strip it, so that every database, also one
 * added later, has it without a line of its own. A store of schema 1 (no
 * checksums) is read as it is (s->sums 0) and upgraded on the first open
 * for writing (dbs_upgrade). */

static uint32_t rec_sum(const struct store *s, MDB_dbi dbi, const void *k,
                        size_t klen, const void *v, size_t vlen)
{
  int i = st_db_index(s, dbi);
  uint32_t c = i < 0 ? 0 : st_crc32c(0, db_names[i], strlen(db_names[i]));

  return st_crc32c(st_crc32c(c, k, klen), v, vlen);
}

int st_rec_check(MDB_txn *txn, MDB_dbi dbi, const MDB_val *k, MDB_val *v)
{
  struct store *s = mdb_env_get_userctx(mdb_txn_env(txn));
  const unsigned char *p = v->mv_data;
  size_t n = v->mv_size;
  int rc = STORE_OK;

  if (!s || !s->sums)
    return STORE_OK;
  st_guard_in();
  if (n < ST_SUM_LEN ||
      rec_sum(s, dbi, k->mv_data, k->mv_size, p, n - ST_SUM_LEN) !=
        st_get_be32(p + n - ST_SUM_LEN))
    rc = STORE_CORRUPT;
  else
    v->mv_size = n - ST_SUM_LEN;
  st_guard_out();
  return rc;
}

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
    case STORE_MISMATCH:
      return "the shards do not fit together";
    default:
      return "unknown store error";
  }
}

/* ---- transactions -------------------------------------------------------- */

static int txn_begin(MDB_env *env, unsigned flags, MDB_txn **txn)
{
  int mrc;

  st_guard_in();
  mrc = mdb_txn_begin(env, NULL, flags, txn);

  if (mrc == MDB_MAP_RESIZED) {
    /* another process grew the map: adopt its size and retry once */
    mrc = mdb_env_set_mapsize(env, 0);
    if (mrc == MDB_SUCCESS) {
      guard_remap(env); /* the map moved */
      mrc = mdb_txn_begin(env, NULL, flags, txn);
    }
  }
  st_guard_out();
  if (mrc != MDB_SUCCESS)
    *txn = NULL;
  return st_rc(mrc);
}

/* mdb_txn_commit under the guard. */
static int txn_commit(MDB_txn *txn)
{
  int mrc;

  st_guard_in();
  mrc = mdb_txn_commit(txn);
  st_guard_out();
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
  s->pending = 0;
  st_url_cache_drop(s, 0);
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
    s->nverified = 0;
    s->uncounted = 0;
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
  struct store *s = mdb_env_get_userctx(mdb_txn_env(txn));
  size_t extra = s && s->sums ? ST_SUM_LEN : 0;
  MDB_val key = {klen, (void *)k}, val = {vlen + extra, NULL};
  int mrc, db = s ? st_db_index(s, dbi) : -1;
  uint32_t run;
  size_t gone;

  /* a write into a run that was counted: the counts go (store_int.h) */
  if (s && s->sums && db > 0 && db != DB_COUNTS && klen >= 4 &&
      st_db_run_keyed(db) && !s->verifying) {
    run = st_get_be32(k);
    if (run && run != s->uncounted) {
      mrc = st_del_prefix(txn, s->dbi[DB_COUNTS], k, 4, DB__N + 1, &gone);
      if (mrc)
        return mrc;
      s->uncounted = run;
    }
  }

  /* reserve the room and write value and checksum into it */
  st_guard_in();
  mrc = mdb_put(txn, dbi, &key, &val, flags | MDB_RESERVE);
  if (mrc == MDB_SUCCESS) {
    if (vlen)
      memcpy(val.mv_data, v, vlen);
    if (extra)
      st_be32((unsigned char *)val.mv_data + vlen,
              rec_sum(s, dbi, k, klen, v, vlen));
  }
  st_guard_out();
  if (s && mrc == MDB_SUCCESS)
    s->pending++;
  /* with MDB_NOOVERWRITE an existing key means "already there" */
  if (mrc == MDB_KEYEXIST && (flags & MDB_NOOVERWRITE))
    return STORE_OK;
  return st_rc(mrc);
}

int st_cursor_open(MDB_txn *txn, MDB_dbi dbi, MDB_cursor **cur)
{
  int mrc;

  /* opening a cursor reads the database's root page: under the guard */
  st_guard_in();
  mrc = mdb_cursor_open(txn, dbi, cur);
  st_guard_out();
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
  int rc, mrc;

  if (dbi == 0)
    return STORE_NOTFOUND; /* a database the store lacks (dbs_open) */
  rc = st_run_verify(txn, dbi, k, klen);
  if (rc)
    return rc;

  st_guard_in();
  mrc = mdb_get(txn, dbi, &key, val);
  st_guard_out();
  if (mrc == MDB_NOTFOUND)
    return st_absent(txn, dbi, &key);
  if (mrc != MDB_SUCCESS)
    return st_rc(mrc);
  return st_rec_check(txn, dbi, &key, val);
}

int st_del(MDB_txn *txn, MDB_dbi dbi, const void *k, size_t klen)
{
  MDB_val key = {klen, (void *)k};
  int mrc;

  st_guard_in();
  mrc = mdb_del(txn, dbi, &key, NULL);
  st_guard_out();
  if (mrc == MDB_SUCCESS) {
    struct store *s = mdb_env_get_userctx(mdb_txn_env(txn));
    if (s)
      s->pending++;
  }
  return st_rc(mrc);
}

/* ---- open and close ------------------------------------------------------ */

/* Add the checksum to every record of the open database @dbi of a schema-1
 * store, in the write transaction @txn. */
static int db_upgrade(MDB_txn *txn, MDB_dbi dbi)
{
  struct v6_buf kb, vb;
  MDB_cursor *cur = NULL;
  MDB_val k, v, nk, nv;
  int rc, mrc;

  v6_buf_init(&kb, 0);
  v6_buf_init(&vb, 0);
  rc = st_cursor_open(txn, dbi, &cur);
  if (rc)
    goto out;
  st_guard_in();
  mrc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
  while (mrc == MDB_SUCCESS) {
    /* copies: the put below may move the page the record lies in */
    v6_buf_reset(&kb);
    v6_buf_reset(&vb);
    (void)v6_buf_putn(&kb, k.mv_data, k.mv_size);
    (void)v6_buf_putn(&vb, v.mv_data, v.mv_size);
    {
      unsigned char sb[ST_SUM_LEN];

      st_be32(sb, rec_sum(mdb_env_get_userctx(mdb_txn_env(txn)), dbi, kb.p,
                          kb.n, vb.p, vb.n));
      (void)v6_buf_putn(&vb, (const char *)sb, ST_SUM_LEN);
    }
    if (kb.oom || vb.oom) {
      mrc = ENOMEM;
      break;
    }
    nk.mv_size = kb.n;
    nk.mv_data = kb.p;
    nv.mv_size = vb.n;
    nv.mv_data = vb.p;
    mrc = mdb_cursor_put(cur, &nk, &nv, MDB_CURRENT);
    if (mrc != MDB_SUCCESS)
      break;
    mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
  }
  st_guard_out();
  if (mrc != MDB_NOTFOUND)
    rc = st_rc(mrc);
out:
  if (cur)
    mdb_cursor_close(cur);
  v6_buf_cleanup(&kb);
  v6_buf_cleanup(&vb);
  return rc;
}

/* The schema of the store from its meta "schema" record @v, read raw: 4
 * bytes in schema 1, 4 and their checksum since. */
static int schema_read(const struct store *s, const MDB_val *v,
                       uint32_t *schema)
{
  const unsigned char *p = v->mv_data;

  if (v->mv_size == 4 && st_get_be32(p) == 1) {
    *schema = 1;
    return STORE_OK;
  }
  if (v->mv_size != 4 + ST_SUM_LEN ||
      rec_sum(s, s->dbi[DB_META], "schema", 6, p, 4) != st_get_be32(p + 4))
    return STORE_CORRUPT;
  *schema = st_get_be32(p);
  return *schema >= 2 ? STORE_OK : STORE_CORRUPT;
}

/* Open the databases in a read (@create 0) or write (@create 1)
 * transaction. The schema is checked before the other databases are
 * opened, so a newer store is never changed; in a write transaction an
 * older store is upgraded (schema 1: checksums added). STORE_NOTFOUND when a
 * database is missing, or the store needs the upgrade, and @create is 0. */
static int dbs_open(struct store *s, int create)
{
  MDB_txn *txn = NULL;
  unsigned flags = create ? MDB_CREATE : 0;
  unsigned char vb[4];
  uint32_t schema = SCHEMA_VERSION;
  MDB_val v, k = {6, (void *)"schema"};
  int i, rc, mrc, upgrade = 0;

  rc = txn_begin(s->env, create ? 0 : MDB_RDONLY, &txn);
  if (rc)
    goto out;
  st_guard_in();
  mrc = mdb_dbi_open(txn, db_names[DB_META], flags, &s->dbi[DB_META]);
  if (mrc == MDB_SUCCESS)
    mrc = mdb_get(txn, s->dbi[DB_META], &k, &v);
  st_guard_out();
  rc = st_rc(mrc);
  if (rc == STORE_OK) {
    rc = schema_read(s, &v, &schema);
    if (rc)
      goto out;
    if (schema > SCHEMA_VERSION) {
      rc = STORE_VERSION;
      goto out;
    }
    upgrade = schema < SCHEMA_VERSION;
    if (upgrade && create == 0 && !s->rdonly) {
      rc = STORE_NOTFOUND; /* again in a write transaction */
      goto out;
    }
    s->sums = schema >= 2;
  } else if (rc == STORE_NOTFOUND && create) {
    s->sums = 1;
    st_be32(vb, SCHEMA_VERSION);
    rc = st_put(txn, s->dbi[DB_META], "schema", 6, vb, 4, 0);
    if (rc)
      goto out;
  } else {
    goto out;
  }
  for (i = DB_META + 1; i < DB__N; i++) {
    st_guard_in();
    mrc = mdb_dbi_open(txn, db_names[i], flags, &s->dbi[i]);
    st_guard_out();
    if (mrc == MDB_NOTFOUND && s->rdonly && i >= DB_TIMING) {
      /* an older store without it: reads as empty (dbi 0, see st_get) */
      s->dbi[i] = 0;
      continue;
    }
    if (mrc == MDB_NOTFOUND && s->rdonly) {
      /* every store has had the databases before DB_TIMING: one missing
       * is a damaged catalog (the main database), never an empty one */
      rc = STORE_CORRUPT;
      goto out;
    }
    rc = st_rc(mrc);
    if (rc)
      goto out;
  }
  if (upgrade && create) {
    /* 1 -> 2 adds the checksums; 2 -> 3 (probe records that may leave
     * out their URL, probes.c) changes no record, only the number, so
     * that an older v6crawl refuses the store instead of misreading it */
    for (i = 0; i < DB__N && rc == STORE_OK && schema < 2; i++)
      rc = db_upgrade(txn, s->dbi[i]);
    if (rc)
      goto out;
    s->sums = 1;
    st_be32(vb, SCHEMA_VERSION);
    rc = st_put(txn, s->dbi[DB_META], "schema", 6, vb, 4, 0);
    if (rc)
      goto out;
  }
  /* committing keeps the handles, for a read transaction too */
  rc = txn_commit(txn);
  txn = NULL;
out:
  if (txn)
    mdb_txn_abort(txn);
  return rc;
}

/* Read the LMDB header of @dir/data.mdb, 64-bit layout of LMDB 0.9
 * (mdb.c: MDB_page, MDB_meta), before LMDB maps the file. */
#define META_FLAGS   10  /* u16 mp_flags */
#define META_MAGIC   16  /* u32 0xBEEFC0DE */
#define META_VERSION 20  /* u32 1 */
#define META_PSIZE   40  /* u32: the free db's md_pad holds the page size */
#define META_FROOT   80  /* u64 root page of the free db */
#define META_MROOT   128 /* u64 root page of the main db */
#define META_LASTPG  136 /* u64 the last page in use */
#define META_TXNID   144 /* u64 */
#define META_LEN     152

static uint64_t ne64(const unsigned char *p)
{
  uint64_t v;

  memcpy(&v, p, 8);
  return v;
}

static uint32_t ne32(const unsigned char *p)
{
  uint32_t v;

  memcpy(&v, p, 4);
  return v;
}

static uint16_t ne16(const unsigned char *p)
{
  uint16_t v;

  memcpy(&v, p, 2);
  return v;
}

/* One meta page at @m: STORE_OK and its last page, txnid and page size. */
static int meta_parse(const unsigned char *m, uint64_t *last, uint64_t *txnid,
                      uint32_t *psize)
{
  uint64_t froot = ne64(m + META_FROOT), mroot = ne64(m + META_MROOT);

  *psize = ne32(m + META_PSIZE);
  *last = ne64(m + META_LASTPG);
  *txnid = ne64(m + META_TXNID);
  if (!(ne16(m + META_FLAGS) & 0x08) || ne32(m + META_MAGIC) != 0xBEEFC0DEu ||
      ne32(m + META_VERSION) != 1)
    return STORE_CORRUPT;
  if (*psize < 512 || *psize > 65536 || (*psize & (*psize - 1)))
    return STORE_CORRUPT;
  if (*last < 1 || (froot != UINT64_MAX && (froot < 2 || froot > *last)) ||
      (mroot != UINT64_MAX && (mroot < 2 || mroot > *last)))
    return STORE_CORRUPT;
  return STORE_OK;
}

/* STORE_CORRUPT unless @dir/data.mdb (when there is one, and not empty)
 * has two sane meta pages and holds every page the newer one uses: a
 * truncated file would fault when LMDB reads past its end. */
static int file_check(const char *dir)
{
  unsigned char m0[META_LEN], m1[META_LEN];
  uint64_t last0, last1, tx0, tx1, last;
  uint32_t ps0, ps1;
  char path[4096];
  struct stat st;
  int fd = -1, rc = STORE_OK, n;

  if (sizeof(size_t) != 8 || sizeof(void *) != 8)
    return STORE_OK; /* the offsets above are for 64-bit builds */
  n = snprintf(path, sizeof path, "%s/data.mdb", dir);
  if (n < 0 || (size_t)n >= sizeof path)
    return STORE_INVALID;
  fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return errno == ENOENT ? STORE_OK : st_rc(errno);
  if (fstat(fd, &st) != 0) {
    rc = st_rc(errno);
    goto out;
  }
  if (st.st_size == 0)
    goto out; /* LMDB writes the header of a new file */
  if (pread(fd, m0, META_LEN, 0) != META_LEN ||
      meta_parse(m0, &last0, &tx0, &ps0) != STORE_OK ||
      pread(fd, m1, META_LEN, ps0) != META_LEN ||
      meta_parse(m1, &last1, &tx1, &ps1) != STORE_OK || ps1 != ps0) {
    rc = STORE_CORRUPT;
    goto out;
  }
  last = tx1 > tx0 ? last1 : last0;
  if (last >= (uint64_t)st.st_size / ps0)
    rc = STORE_CORRUPT;
out:
  if (fd >= 0)
    close(fd);
  return rc;
}

/* 1 when @dir/lock.mdb cannot be opened for writing (a store of another
 * user, a read-only file system): a reader must then do without it. */
static int lock_unwritable(const char *dir)
{
  char path[4096];
  int fd, n;

  n = snprintf(path, sizeof path, "%s/lock.mdb", dir);
  if (n < 0 || (size_t)n >= sizeof path)
    return 0;
  fd = open(path, O_RDWR | O_CLOEXEC);
  if (fd >= 0) {
    close(fd);
    return 0;
  }
  if (errno == ENOENT)
    return access(dir, W_OK) != 0;
  return errno == EACCES || errno == EPERM || errno == EROFS;
}

/* Create the LMDB environment of @s and open it on @dir (read-only when
 * s->rdonly) with a map of @size bytes, 0 for the default. */
static int env_open(struct store *s, const char *dir, size_t size)
{
  unsigned flags = 0;
  int rc, mrc;

  rc = file_check(dir);
  if (rc)
    return rc;
  rc = st_rc(mdb_env_create(&s->env));
  if (rc)
    return rc;
  rc = st_rc(mdb_env_set_userctx(s->env, s));
  if (rc)
    return rc;
  rc = st_rc(mdb_env_set_maxdbs(s->env, MAX_DBS));
  if (rc)
    return rc;
  (void)mdb_env_set_assert(s->env, guard_assert);
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
  if (s->rdonly) {
    flags |= MDB_RDONLY;
    /* See store_open in store.h for what a reader without the lock risks. */
    if (lock_unwritable(dir)) {
      flags |= MDB_NOLOCK;
      s->nolock = 1;
    }
  }
  st_guard_in();
  mrc = mdb_env_open(s->env, dir, flags, 0644);
  st_guard_out();
  rc = st_rc(mrc);
  if (rc == STORE_OK)
    guard_map(s, dir);
  return rc;
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
  s->lockfd = -1;
  v6_buf_init(&s->enc, 0);
  /* a writer waits here while another process compacts the store, and so
   * opens the compacted file */
  rc = st_lock_open(s, dir);
  if (rc)
    goto out;
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
  rc = txn_commit(s->wtxn);
  /* the transaction is gone whether the commit worked or not */
  s->wtxn = NULL;
  s->next_url = 0;
  s->pending = 0;
  if (rc == STORE_OK)
    st_map_trim(s);
  else
    st_url_cache_drop(s, 0); /* its new ids are gone with it */
  return rc;
}

size_t store_pending(const struct store *s)
{
  return s && s->wtxn ? s->pending : 0;
}

void store_close(struct store *s)
{
  if (!s)
    return;
  (void)store_flush(s);
  if (s->rtxn)
    mdb_txn_abort(s->rtxn);
  if (s->env) {
    guard_unmap(s->env);
    mdb_env_close(s->env);
  }
  st_lock_close(s);
  free(s->verified);
  v6_buf_cleanup(&s->enc);
  st_url_cache_drop(s, 1);
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
  /* no crawl may be writing: it would go on in the replaced file */
  rc = st_lock_compact(s);
  if (rc)
    return rc;
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
  st_guard_in();
  rc = st_rc(mdb_env_copy2(s->env, tmp, MDB_CP_COMPACT));
  st_guard_out();
  if (rc == STORE_OK && rename(src, dst) != 0)
    rc = st_rc(errno);
  (void)unlink(src);
  (void)rmdir(tmp);
  /* this handle still maps the replaced file: no more writes through it */
  if (rc == STORE_OK)
    s->rdonly = 1;
  return rc;
}
