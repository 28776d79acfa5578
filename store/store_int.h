/* store/store_int.h - what the files of store/ share; never included
 * outside store/. The public API is store.h; everything here may change
 * with the code. Cross-file internal names start with st_ (store.h owns
 * store_), like curl's Curl_ beside curl_.
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
 *   urls     url bytes (see urls.c)      -> u64 BE url id (1, 2, 3 ...)
 *   url_ids  u64 id                      -> url bytes (no NUL)
 *   links    u32 run | u32 site | u64 id -> link record
 *   edges    u32 run | u32 site | u64 from | u64 to -> empty
 *   hosts    u32 run | lower-case name   -> host record
 *   probes   u32 run | u64 url id        -> probe record
 *   timing   u32 run | u32 site          -> timing record (the homepage)
 *   perf     u32 run | lower-case name   -> timing record (a CNAME host)
 *   deleg    u32 run | u32 site          -> delegation record
 *   pages    u32 run | u32 site | u64 id -> page cut record (a page not
 *                                           parsed as a browser would)
 *   vantage  u32 run | u32 seq           -> vantage record (seq 0: the
 *                                           check before the run; 1, 2
 *                                           ...: IPv6 outages in it)
 *   reads    u32 run | u32 site | u64 id -> read record: a page the site
 *                                           read, its links all stored
 *   conds    u32 run | key (1..64 bytes) -> str value: a condition of the
 *                                           run ("version", "dns", "psl")
 *   shards   u32 run                     -> shard record: the run's night
 *                                           (label) and its shard K/N
 *   parts    u32 run | u32 k             -> part record: shard k of a
 *                                           merged run, as imported
 *   renders  u32 run | u32 site | u64 id -> render record: a page read
 *                                           with --render (renders.c)
 *   subres   u32 run | u32 site | u64 page id | u64 url id -> u32 kinds:
 *                                           a subresource the page loads
 *                                           (enum html_sub_kind bits)
 *   sheets   u32 run | u64 url id        -> sheet record: a style sheet
 *                                           read for its url()
 *   counts   u32 run | database name     -> u64 BE records of the run in
 *                                           that database, when it ended
 *
 * Every value ends in 4 bytes (schema 2 on): CRC-32C, big-endian, of the
 * database's name, the key and the value before them (env.c: st_put adds
 * it, st_get, st_walk and st_last_key check and strip it, so no record
 * format below mentions it). The layouts below are of the value without
 * it.
 *
 * Records are a small length-prefixed encoding (codec.c): u8; u32, u64,
 * i32 (two's complement in a u32), i64 big-endian; doubles as their
 * IEEE-754 bits in a u64; strings as a u32 length then the bytes, with
 * length 0xffffffff for NULL. The decoder checks every length against what
 * is left and returns STORE_CORRUPT instead of reading past the end;
 * trailing bytes are ignored so that a later version may append fields
 * without a new schema.
 *
 *   run    i64 started, i64 finished, u8 complete, i32 vantage, str options
 *   site   str start_url, final_url, scope_domain, name, unit, error, then
 *          (later fields, optional) i32 home_tries, home_ok, consistent,
 *          f64 similarity, i32 ns_total, ns_ipv6, str ns_hosts; i32
 *          script_links; i32 pages_truncated
 *   link   u8 level, u8 internal, u8 kind, u64 parent id (0: none)
 *   host   str cnames, a, aaaa, a_error, aaaa_error, i32 usable_a,
 *          usable_aaaa, then (optional) f64 a_ms, aaaa_ms
 *   probe  u8 klass (bit 6: the v6 hops' first line lacks the URL that
 *          ends it, the record's own; bit 7: the v4 hops' does), then for
 *          v6 and v4: u8 ok, i32 status, str error, str hops, f64
 *          connect_ms, first_byte_ms, total_ms
 *   vantage u8 how, i64 start_ms, i64 end_ms, i32 ipv4, i32 ipv6,
 *          i32 reasked, i32 unmeasured, str detail
 *   deleg  u8 pass, str why, u32 zones, then per zone: str zone, u8 ok,
 *          u32 servers, then per server: str name, str aaaa, u8 ok,
 *          str why
 *   timing str what, u32 n, then n IPv6 and n IPv4 samples, each u8 ok,
 *          f64 dns_ms, connect_ms, tls_ms, first_byte_ms, total_ms,
 *          u64 bytes
 *   page cut  i32 cut, u64 bytes, parsed, depth, flattened, flat_at
 *   read   u8 level, u32 flags, str refresh, str scripts
 *   cond   str value
 *   shard  str label, u32 k, u32 n, u32 total, u8 merged, u32 nsites,
 *          then nsites u32: each site's index in the whole list
 *   part   u8 complete, u32 source run, i64 started, i64 finished,
 *          str source store, u32 nsites, then nsites u32 whole-list
 *          indexes
 *   render u8 status, str why, u32 served, u32 rendered, f64 ms,
 *          str only (the links only the DOM has, one a line)
 *   subres u32 kinds
 *   sheet  i32 urls (url() and @import found; -1: not read), str why not
 *
 * timing, perf, deleg, pages, vantage, reads, conds, shards, parts,
 * renders, subres and sheets are
 * optional: a store made
 * before them opened read-only reads them as empty (st_db_absent).
 *
 * Transactions (env.c). The first write opens the one write transaction,
 * and store_flush() commits it. Reads use the open write transaction when
 * there is one (LMDB allows one transaction per thread, and the caller
 * expects to read its own writes), else a short read transaction; read
 * transactions nest by a depth count so that a store_links_each() callback
 * may call the read functions. A failed write (anything but STORE_NOTFOUND
 * and STORE_INVALID, which are checked before LMDB is touched) aborts the
 * write transaction: LMDB marks it unusable after most failed puts, and
 * this way the store is back at the last flush and the next write starts
 * afresh.
 *
 * store_open() first looks at the databases in a read transaction, so that
 * opening a store that exists never waits for another process's writer
 * lock; only a new (or incomplete) store takes a write transaction to
 * create them. A second writing process blocks in LMDB's writer lock on its
 * first write until the other commits; STORE_BUSY is only returned when the
 * reader table is full.
 *
 * Memory. Every MDB_val an st_ function hands out is lent by LMDB and
 * valid until the transaction it came from writes or ends; nothing of it
 * leaves store/ uncopied.
 */
#ifndef V6_STORE_INT_H
#define V6_STORE_INT_H

#include <lmdb.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "base/base.h"
#include "store/store.h"

#define SCHEMA_VERSION 3u
#define ST_SUM_LEN     4 /* the CRC-32C after every value */
#define MAX_DBS        32
#define URL_KEY_MAX    480 /* LMDB's key limit is 511 */
#define URL_KEY_PREFIX 400
#define URL_HKEY_LEN   (URL_KEY_PREFIX + 10)
#define HOST_NAME_MAX_ 500 /* + 4 bytes of run: below LMDB's 511 */
#define STR_NULL       UINT32_MAX
#define LINK_KEY_LEN   16 /* run | site | url id */
#define LINK_REC_LEN   11
#define PROBE_KEY_LEN  12 /* run | url id */

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
  DB_TIMING, /* the first optional database: see st_db_absent */
  DB_PERF,
  DB_DELEG,
  DB_PAGES,
  DB_VANTAGE,
  DB_READS,
  DB_CONDS,
  DB_SHARDS,
  DB_PARTS,
  DB_RENDERS,
  DB_SUBRES,
  DB_SHEETS,
  DB_COUNTS,
  DB__N
};

struct store {
  MDB_env *env;
  MDB_dbi dbi[DB__N]; /* 0: a database the store lacks (st_db_absent) */
  int rdonly;
  MDB_txn *wtxn;     /* the open write transaction, or NULL */
  MDB_txn *rtxn;     /* the open read transaction, or NULL */
  unsigned rdepth;   /* nesting depth of rtxn */
  uint64_t next_url; /* next url id in wtxn; 0 until read */
  size_t pending;    /* records put or deleted in wtxn (store_pending) */
  struct v6_buf enc; /* record buffer reused by every put */
  /* URLs interned lately and their ids, direct-mapped by the URL's hash
   * (urls.c): a page's URL is interned again for every link on it (edge
   * source, link parent), a menu's links for every page that has the
   * menu. Ids are never removed, so an entry stays true; the cache is
   * dropped with an aborted write transaction, which may have created
   * some of its ids. */
  struct st_url_slot *url_cache;
  /* one more each time ids handed out may be gone (st_url_cache_drop):
   * a store_url_ref of another epoch is looked up again */
  unsigned url_epoch;
  unsigned lookups; /* st_url_id's misses of the cache (urls.c) */
  int sums;         /* 1: values end in their checksum (schema 2 on) */
  int nolock;       /* opened with MDB_NOLOCK: lock.mdb is not writable */
  int lockfd;       /* @dir/v6crawl.lock (lock.c), or -1 */
  uint32_t held;    /* the run this process is writing (lock.c), or 0 */
  /* the runs whose counts were checked (walk.c), in no order; emptied by
   * every new write transaction */
  uint32_t *verified;
  size_t nverified, capverified;
  unsigned verifying; /* > 0 while counting: no st_run_verify */
  /* the run whose counts this write transaction has dropped (st_put), or
   * 0: a record written into a run after it was counted (a resumed run,
   * timing stored after a run was finished) makes the counts stale, so
   * the first such put drops them and store_run_finish records them
   * again */
  uint32_t uncounted;
};

/* ---- trim.c ---- */

/* Drop the map's pages from the resident set once the store is larger
 * than a few MiB (store_flush, after a commit): they stay in the page
 * cache and fault in again when read. */
void st_map_trim(struct store *s);
/* The same for the store of environment @env. */
void st_env_trim(MDB_env *env);
/* The range [*lo, *hi) where this process maps the data file of @env,
 * from /proc/self/maps (LMDB says where only for MDB_FIXEDMAP: its
 * me_mapaddr is NULL otherwise). 0 when found, -1 when not. */
int st_map_range(MDB_env *env, uintptr_t *lo, uintptr_t *hi);
/* st_env_trim when the process has faulted in many pages since the last
 * trim (trim.c); one getrusage, so cheap enough for every few lookups:
 * st_walk calls it every ST_RELIEVE_EVERY records, st_url_id every
 * ST_RELIEVE_EVERY ids. */
void st_env_relieve(MDB_env *env);
#define ST_RELIEVE_EVERY 32

/* ---- links.c: keys ---- */

/* The LINK_KEY_LEN bytes of a key run | site | url id (links, pages). */
void st_site_url_key(unsigned char *kb, uint32_t run, uint32_t site,
                     uint64_t id);

/* ---- env.c: status codes and transactions ---- */

/* A database missing from a store opened read-only (one made by a
 * v6crawl before it existed) has handle 0 and reads as empty. */
static inline int st_db_absent(const struct store *s, int db)
{
  return s->dbi[db] == 0;
}

/* The name of database @db ("links"), NULL out of range. */
const char *st_db_name(int db);
/* 1 when the keys of database @db start with the u32 run they belong to:
 * every database but meta, runs, urls and url_ids. Such records go with
 * their run (store_run_delete) and are orphans without it (store_check). */
int st_db_run_keyed(int db);

/* The fault guard (store_fault_guard): store/ calls LMDB, and reads a
 * value lent by it for the first time, between st_guard_in() and
 * st_guard_out(). */
extern _Thread_local volatile sig_atomic_t st_guard_depth;
static inline void st_guard_in(void)
{
  st_guard_depth++;
}
static inline void st_guard_out(void)
{
  st_guard_depth--;
}

/* Check the checksum of record @k -> @v read from LMDB (in a store of
 * schema 2 or later) and strip it from @v. Returns STORE_OK or
 * STORE_CORRUPT. st_get, st_walk and st_last_key call it: code that reads
 * with its own cursor must call it too. */
int st_rec_check(MDB_txn *txn, MDB_dbi dbi, const MDB_val *k, MDB_val *v);
/* mdb_cursor_open under the fault guard, its code translated. */
int st_cursor_open(MDB_txn *txn, MDB_dbi dbi, MDB_cursor **cur);
/* What st_get says when LMDB finds no key @k in @dbi: STORE_NOTFOUND,
 * unless the record LMDB's search ends at (the next key) fails its
 * checksum: a damaged page on the way reads as absence, which the figures
 * would count (an unprobed link), so it is STORE_CORRUPT. */
int st_absent(MDB_txn *txn, MDB_dbi dbi, const MDB_val *k);

/* Run counts (walk.c). store_run_finish records, per run-keyed database,
 * how many records the run has (counts). The first read of a run's
 * records through st_get or st_walk (a key of 4 bytes or more in a
 * run-keyed database) counts them again, once per store handle and run,
 * and a difference is STORE_CORRUPT: a damaged leaf page that LMDB walks
 * past as empty, or a branch page that skips one, makes records vanish
 * without any record failing its checksum. st_count (n_sites of a run
 * listing) does not trigger it; nor does a run without counts (still
 * running, interrupted before v6crawl counted, or of schema 1). Returns
 * STORE_OK, STORE_CORRUPT or a read error. */
int st_run_verify(MDB_txn *txn, MDB_dbi dbi, const void *key, size_t klen);
/* Record the counts of run @run in the write transaction @txn. */
int st_run_count(struct store *s, MDB_txn *txn, uint32_t run);

/* The one place LMDB and errno codes become store codes. */
int st_rc(int mrc);

/* A transaction to read in: the open write transaction, else the (nested)
 * read transaction. Returns STORE_OK, STORE_INVALID (NULL @s), STORE_BUSY
 * (reader table full), STORE_NOMEM, STORE_IO or STORE_CORRUPT; *txn is
 * NULL on error. End it with st_rd_end() (which accepts the NULL of a
 * failed st_rd_begin, and then a NULL @s). */
int st_rd_begin(struct store *s, MDB_txn **txn);
void st_rd_end(struct store *s, MDB_txn *txn);

/* The write transaction, opened on first use. Returns STORE_OK,
 * STORE_INVALID (read-only store) or an error of mdb_txn_begin. Every
 * write ends with `return st_wr_end(s, rc)`. */
int st_wr_begin(struct store *s, MDB_txn **txn);
/* Abort the write transaction unless @rc is STORE_OK, STORE_NOTFOUND or
 * STORE_INVALID; returns @rc. */
int st_wr_end(struct store *s, int rc);

/* mdb_put of @k -> @v. With MDB_NOOVERWRITE an existing key is STORE_OK
 * ("already there"). Returns a store code. */
int st_put(MDB_txn *txn, MDB_dbi dbi, const void *k, size_t klen, const void *v,
           size_t vlen, unsigned flags);
/* st_put of the record encoded in s->enc; STORE_NOMEM when the encoding
 * ran out of memory. */
int st_put_enc(struct store *s, MDB_txn *txn, int db, const void *k,
               size_t klen);
/* A database an older store lacks, opened read-only, has dbi 0 (LMDB's own
 * free list, never ours): st_get finds nothing in it, st_walk walks
 * nothing, st_last_key is STORE_NOTFOUND.
 *
 * mdb_get: STORE_OK with *val lent (see Memory above), STORE_NOTFOUND, or
 * an error (STORE_CORRUPT: the checksum does not match). */
int st_get(MDB_txn *txn, MDB_dbi dbi, const void *k, size_t klen, MDB_val *val);
/* mdb_del of key @k: a store code. */
int st_del(MDB_txn *txn, MDB_dbi dbi, const void *k, size_t klen);

/* ---- lock.c: who is writing (see store_run_running in store.h) ---- */

/* Open @dir/v6crawl.lock and, unless s->rdonly, take the shared lock of
 * its byte 0 that every writer holds, waiting while a compaction holds it
 * exclusively. A read-only store opens it when it can, to answer
 * store_run_running, and takes no lock. Returns STORE_OK or STORE_IO. */
int st_lock_open(struct store *s, const char *dir);
/* Close it (the locks go with it). */
void st_lock_close(struct store *s);
/* Turn the shared lock into the exclusive one without waiting: STORE_OK,
 * or STORE_BUSY while another process has the store open for writing. */
int st_lock_compact(struct store *s);
/* Lock byte @run: this process writes run @run (one at a time). */
int st_lock_run(struct store *s, uint32_t run);
/* Wait for, then hold until the store is closed, the merge lock: one
 * store_merge at a time per store, so that two merges of a night never
 * both make its merged run. Returns STORE_OK or STORE_IO. */
int st_lock_merge(struct store *s);
/* Release the lock of run @run if this process holds it. */
void st_lock_run_end(struct store *s, uint32_t run);

/* The index (DB_*) of @dbi in @s, or -1. */
int st_db_index(const struct store *s, MDB_dbi dbi);

/* ---- walk.c: the cursors: one walk over a key prefix, and the last key ----
 */

/* Call @fn for every key of @dbi starting with the @plen bytes of @prefix
 * (every key when @plen is 0), in key order, with key and value lent until
 * @fn returns. A key that is not @klen bytes long (when @klen is not 0) is
 * STORE_CORRUPT. A non-zero return from @fn stops the walk and is
 * returned; otherwise STORE_OK or an LMDB error. */
int st_walk(MDB_txn *txn, MDB_dbi dbi, const void *prefix, size_t plen,
            size_t klen,
            int (*fn)(const MDB_val *k, const MDB_val *v, void *ud), void *ud);

/* The last key of @dbi into *k, lent (see Memory). Returns STORE_OK,
 * STORE_NOTFOUND (@dbi is empty), STORE_CORRUPT (the key is not @klen
 * bytes long) or an LMDB error. */
int st_last_key(MDB_txn *txn, MDB_dbi dbi, size_t klen, MDB_val *k);

/* *n = the number of keys of @dbi under @prefix. Returns as st_walk. */
int st_count(MDB_txn *txn, MDB_dbi dbi, const void *prefix, size_t plen,
             size_t *n);

/* Make room for one more element of @size bytes in the array *v of *cap
 * (first allocation @first elements, then doubling), holding @n. Returns
 * STORE_OK or STORE_NOMEM (*v and *cap unchanged). */
int st_grow(void **v, size_t *cap, size_t n, size_t size, size_t first);

/* How st_list decodes one record: @elem (@size bytes, zeroed) receives
 * the record under key @k. Returns STORE_OK, or an error having freed
 * what it put in @elem. */
struct st_list_spec {
  int db;
  size_t klen; /* every key's length (STORE_CORRUPT otherwise) */
  size_t size; /* bytes per element */
  int (*decode)(struct store *s, MDB_txn *txn, const MDB_val *k,
                const MDB_val *v, void *elem);
  void (*cleanup)(void *elem); /* frees what decode put in an element */
};

/* Decode every record of @spec->db under @prefix, in key order, into a
 * malloc'd array: on STORE_OK *out (NULL when *n is 0) is the caller's,
 * freed with st_list_free (or the store_*_free of its type). On error
 * *out is NULL and *n 0. Returns STORE_OK, STORE_INVALID (NULL @s),
 * STORE_NOMEM, STORE_CORRUPT or an error of the read transaction. */
int st_list(struct store *s, const struct st_list_spec *spec,
            const void *prefix, size_t plen, void **out, size_t *n);
/* st_list of the records of site @site of run @run (prefix u32 run | u32
 * site), with @out and @n checked: STORE_INVALID when NULL. A database
 * the store lacks lists as empty. */
int st_site_list(struct store *s, const struct st_list_spec *spec, uint32_t run,
                 uint32_t site, void **out, size_t *n);
/* Clean up the @n elements of @v with @cleanup and free @v; NULL is
 * allowed. */
void st_list_free(void *v, size_t n, size_t size, void (*cleanup)(void *));

/* Delete up to @max keys of @dbi under @prefix; *n is how many went
 * (fewer than @max: none is left). Returns a store code. */
int st_del_prefix(MDB_txn *txn, MDB_dbi dbi, const void *prefix, size_t plen,
                  size_t max, size_t *n);

/* ---- codec.c: keys and records ---- */

void st_be32(unsigned char *p, uint32_t v);
uint32_t st_get_be32(const unsigned char *p);
void st_be64(unsigned char *p, uint64_t v);
uint64_t st_get_be64(const unsigned char *p);

/* Encoders append to @b and never fail loudly: out of memory (or a string
 * too long to encode) sets b->oom or b->toobig, which st_put_enc turns
 * into STORE_NOMEM. */
void st_enc_u8(struct v6_buf *b, unsigned v);
void st_enc_u32(struct v6_buf *b, uint32_t v);
void st_enc_u64(struct v6_buf *b, uint64_t v);
void st_enc_i32(struct v6_buf *b, int v);
void st_enc_i64(struct v6_buf *b, int64_t v);
void st_enc_f64(struct v6_buf *b, double d);
void st_enc_str(struct v6_buf *b, const char *s); /* NULL allowed */

/* CRC-32C of the @n bytes at @data, continuing @crc (0 to start). */
uint32_t st_crc32c(uint32_t crc, const void *data, size_t n);
/* The same without the CPU's instruction (for the unit tests). */
uint32_t st_crc32c_soft(uint32_t crc, const void *data, size_t n);

/* A decoder over a record lent by LMDB. rc is STORE_OK until the first
 * failure (STORE_CORRUPT: past the end; STORE_NOMEM), after which every
 * dec call returns 0 or NULL. */
struct st_dec {
  const unsigned char *p;
  size_t len, off;
  int rc;
};

void st_dec_init(struct st_dec *d, const MDB_val *v);
/* 1 while no error and bytes are left: an optional later field follows. */
int st_dec_more(const struct st_dec *d);
unsigned st_dec_u8(struct st_dec *d);
uint32_t st_dec_u32(struct st_dec *d);
uint64_t st_dec_u64(struct st_dec *d);
int st_dec_i32(struct st_dec *d);
int64_t st_dec_i64(struct st_dec *d);
double st_dec_f64(struct st_dec *d);
/* A malloc'd NUL-terminated copy the caller frees; NULL for the NULL
 * marker or on failure (then d->rc says which). */
char *st_dec_str(struct st_dec *d);

/* ---- urls.c: interned URLs ---- */

/* The id of the non-empty @url; with @create (in the write transaction)
 * interning it when it is new. Returns STORE_OK, STORE_NOTFOUND (not
 * interned, @create 0), STORE_INVALID (NULL or empty @url), STORE_CORRUPT,
 * STORE_FULL or an LMDB error. */
int st_url_id(struct store *s, MDB_txn *txn, const char *url, int create,
              uint64_t *id);
/* As st_url_id without @create and without the cache: what the store
 * itself holds (check.c). */
int st_url_id_stored(struct store *s, MDB_txn *txn, const char *url,
                     uint64_t *id);
/* Forget the cache of st_url_id (an aborted write); free it with @all. */
void st_url_cache_drop(struct store *s, int all);
/* Begin the write (st_wr_begin) and intern @url in it: how every write
 * keyed by a URL starts. Returns as st_wr_begin and st_url_id. */
int st_wr_url(struct store *s, MDB_txn **txn, const char *url, uint64_t *id);
/* The id of store_url_ref's @ref into *id: 1, or 0 when it is none or
 * stale (taken before ids were lost). */
int st_url_ref_id(const struct store *s, uint64_t ref, uint64_t *id);
/* The bytes of url @id, lent (see Memory). STORE_CORRUPT for an id that
 * is not interned: a dangling id is damage, not absence. */
int st_url_str(struct store *s, MDB_txn *txn, uint64_t id, MDB_val *v);
/* A malloc'd copy of url @id into *@out. Returns as st_url_str, or
 * STORE_NOMEM. */
int st_url_dup(struct store *s, MDB_txn *txn, uint64_t id, char **out);

/* ---- sites.c ---- */

/* Decode site record @k -> @v into the zeroed struct store_site @elem
 * (an st_list_spec decode): STORE_OK, or STORE_CORRUPT or STORE_NOMEM
 * having cleaned it up. */
int st_site_decode(struct store *s, MDB_txn *txn, const MDB_val *k,
                   const MDB_val *v, void *elem);

/* ---- hosts.c ---- */

/* Key @run | @name (@n bytes) in lower case into @kb (4 + HOST_NAME_MAX_
 * bytes): the key length, 0 when @name is empty or too long. */
size_t st_host_key(unsigned char *kb, uint32_t run, const char *name, size_t n);

/* Look up host @name (@n bytes) of @run into @out (zeroed first; the
 * caller cleans it up with store_host_cleanup on STORE_OK). Returns
 * STORE_OK, STORE_NOTFOUND (also for an empty or too long name),
 * STORE_NOMEM, STORE_CORRUPT or an LMDB error. */
int st_host_read(struct store *s, MDB_txn *txn, uint32_t run, const char *name,
                 size_t n, struct store_host *out);

/* ---- probes.c ---- */

/* Decode the probe of url @id into @out (zeroed first; url left NULL).
 * Returns as st_host_read. */
int st_probe_read(struct store *s, MDB_txn *txn, uint32_t run, uint64_t id,
                  struct store_probe *out);
/* The class of a link of @kind and url @id as the figures count it
 * (store.h), reading only the probe's first byte. Returns STORE_OK,
 * STORE_CORRUPT or an LMDB error. */
int st_link_klass(struct store *s, MDB_txn *txn, uint32_t run, uint64_t id,
                  int kind, int *klass);

/* ---- links.c ---- */

/* A link record with its key, decoded. */
struct st_link {
  uint32_t site;
  uint64_t id, parent; /* url ids; parent 0: none */
  int level, internal, kind;
};

/* Call @fn for every link of @run (of @site only, unless @all_sites), in
 * key order (site, then url id). A record that does not decode is
 * STORE_CORRUPT. Returns as st_walk. */
int st_links_walk(struct store *s, MDB_txn *txn, uint32_t run, uint32_t site,
                  int all_sites, int (*fn)(const struct st_link *l, void *ud),
                  void *ud);

/* ---- runs.c ---- */

/* Write run record @r (its id, times, state, vantage and options) in the
 * write transaction @txn, as store_run_new and store_run_finish do.
 * Returns a store code. */
int st_run_put(struct store *s, MDB_txn *txn, const struct store_run *r);

/* ---- shard.c ---- */

/* 1 when @label may name a night: 1 to 200 bytes, no control character. */
int st_label_ok(const char *label);
/* A u32 count then that many u32 into *@out (malloc'd, NULL for none)
 * and *@n; d->rc on failure (a count longer than the record is
 * STORE_CORRUPT). */
int st_idx_dec(struct st_dec *d, uint32_t **out, uint32_t *n);
/* Decode shard record @v into @out (zeroed first; cleaned up on error).
 * Returns STORE_OK, STORE_CORRUPT or STORE_NOMEM. */
int st_shard_decode(const MDB_val *v, struct store_shard *out);
/* STORE_OK when every run with a shard record is in runs; STORE_CORRUPT
 * when one is not: a damaged runs page that LMDB reads as fewer runs
 * (the runs database has no counts of its own; shard records, written
 * after their run and deleted before it, say which runs exist). */
int st_runs_listed(struct store *s, MDB_txn *txn);

#endif
