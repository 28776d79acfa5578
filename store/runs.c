/* store/runs.c - runs: creating, finishing, reading, listing, deleting.
 *
 * The next run id is the last runs key plus one, or meta "next_run" when
 * that is higher: store_run_delete() records it so that a deleted run's id
 * is never given out again. A run's n_sites is not stored: it is the
 * number of its site records, counted when read. */
#include "config.h"

#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

/* Keys deleted per write transaction: small enough that a transaction's
 * dirty pages stay well below LMDB's limit and another process's writer
 * (a crawl) waits at most a moment for the lock, large enough that the
 * commits (each an fsync) do not dominate. */
#define DELETE_BATCH 8192

void store_run_cleanup(struct store_run *r)
{
  if (!r)
    return;
  free(r->options);
  r->options = NULL;
}

static void run_encode(struct v6_buf *b, int64_t started, int64_t finished,
                       int complete, int vantage, const char *options)
{
  v6_buf_reset(b);
  st_enc_i64(b, started);
  st_enc_i64(b, finished);
  st_enc_u8(b, complete ? 1 : 0);
  st_enc_i32(b, vantage);
  st_enc_str(b, options);
}

/* Decode the record @v of run @id and count its sites into @out (zeroed
 * first). */
static int run_decode(struct store *s, MDB_txn *txn, uint32_t id,
                      const MDB_val *v, struct store_run *out)
{
  unsigned char kb[4];
  struct st_dec d;
  size_t n = 0;
  int rc;

  memset(out, 0, sizeof *out);
  out->id = id;
  st_dec_init(&d, v);
  out->started = st_dec_i64(&d);
  out->finished = st_dec_i64(&d);
  out->complete = (int)st_dec_u8(&d);
  out->vantage_ipv6 = st_dec_i32(&d);
  out->options = st_dec_str(&d);
  rc = d.rc;
  if (rc)
    goto out;
  st_be32(kb, id);
  rc = st_count(txn, s->dbi[DB_SITES], kb, 4, &n);
  if (rc)
    goto out;
  out->n_sites = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
out:
  if (rc)
    store_run_cleanup(out);
  return rc;
}

/* Read run @id into @out (zeroed first), with its key in @kb. Returns
 * STORE_OK, STORE_NOTFOUND or an error; @out needs no cleanup after one. */
static int run_read(struct store *s, MDB_txn *txn, uint32_t id,
                    unsigned char kb[4], struct store_run *out)
{
  MDB_val v;
  int rc;

  memset(out, 0, sizeof *out);
  st_be32(kb, id);
  rc = st_get(txn, s->dbi[DB_RUNS], kb, 4, &v);
  if (rc)
    return rc;
  return run_decode(s, txn, id, &v, out);
}

/* The id a new run takes: above the last run and meta "next_run". */
static int run_next_id(struct store *s, MDB_txn *txn, uint32_t *id)
{
  MDB_val k, v;
  uint32_t next = 1;
  int rc;

  rc = st_last_key(txn, s->dbi[DB_RUNS], 4, &k);
  if (rc == STORE_OK) {
    next = st_get_be32(k.mv_data);
    if (next == UINT32_MAX)
      return STORE_FULL;
    next++;
  } else if (rc != STORE_NOTFOUND) {
    return rc;
  }
  /* never reuse the id of a deleted run */
  rc = st_get(txn, s->dbi[DB_META], "next_run", 8, &v);
  if (rc == STORE_OK && v.mv_size == 4 && st_get_be32(v.mv_data) > next)
    next = st_get_be32(v.mv_data);
  else if (rc != STORE_OK && rc != STORE_NOTFOUND)
    return rc;
  *id = next;
  return STORE_OK;
}

int store_run_new(struct store *s, int64_t started, int vantage_ipv6,
                  const char *options, uint32_t *id)
{
  MDB_txn *txn = NULL;
  unsigned char kb[4];
  uint32_t next = 0;
  int rc;

  if (!s || !id)
    return STORE_INVALID;
  rc = st_wr_begin(s, &txn);
  if (rc)
    goto out;
  rc = run_next_id(s, txn, &next);
  if (rc)
    goto out;
  run_encode(&s->enc, started, 0, 0, vantage_ipv6, options);
  st_be32(kb, next);
  rc = st_put_enc(s, txn, DB_RUNS, kb, 4);
  if (rc)
    goto out;
  /* running until this process closes the store (lock.c) */
  rc = st_lock_run(s, next);
  if (rc)
    goto out;
  *id = next;
out:
  return st_wr_end(s, rc);
}

int st_run_put(struct store *s, MDB_txn *txn, const struct store_run *r)
{
  unsigned char kb[4];

  run_encode(&s->enc, r->started, r->finished, r->complete, r->vantage_ipv6,
             r->options);
  st_be32(kb, r->id);
  return st_put_enc(s, txn, DB_RUNS, kb, 4);
}

int store_run_finish(struct store *s, uint32_t id, int64_t finished,
                     int complete)
{
  MDB_txn *txn = NULL;
  struct store_run r = {0};
  unsigned char kb[4];
  int rc;

  if (!s)
    return STORE_INVALID;
  rc = st_wr_begin(s, &txn);
  if (rc)
    goto out;
  rc = run_read(s, txn, id, kb, &r);
  if (rc)
    goto out;
  run_encode(&s->enc, r.started, finished, complete, r.vantage_ipv6, r.options);
  rc = st_put_enc(s, txn, DB_RUNS, kb, 4);
  if (rc)
    goto out;
  /* what a reader checks the run against (st_run_verify) */
  rc = st_run_count(s, txn, id);
out:
  store_run_cleanup(&r);
  return st_wr_end(s, rc);
}

int store_run_get(struct store *s, uint32_t id, struct store_run *out)
{
  MDB_txn *txn = NULL;
  unsigned char kb[4];
  int rc;

  if (!out)
    return STORE_INVALID;
  memset(out, 0, sizeof *out);
  rc = st_rd_begin(s, &txn);
  if (rc)
    goto out;
  rc = run_read(s, txn, id, kb, out);
out:
  st_rd_end(s, txn);
  return rc;
}

int store_run_latest(struct store *s, uint32_t *id)
{
  MDB_txn *txn = NULL;
  MDB_val k;
  int rc;

  if (!s || !id)
    return STORE_INVALID;
  rc = st_rd_begin(s, &txn);
  if (rc == STORE_OK)
    rc = st_last_key(txn, s->dbi[DB_RUNS], 4, &k);
  if (rc == STORE_OK)
    *id = st_get_be32(k.mv_data);
  if (rc == STORE_OK || rc == STORE_NOTFOUND) {
    int lrc = st_runs_listed(s, txn);
    rc = lrc ? lrc : rc;
  }
  st_rd_end(s, txn);
  return rc;
}

static int run_list_decode(struct store *s, MDB_txn *txn, const MDB_val *k,
                           const MDB_val *v, void *elem)
{
  return run_decode(s, txn, st_get_be32(k->mv_data), v, elem);
}

static void run_list_cleanup(void *elem)
{
  store_run_cleanup(elem);
}

static const struct st_list_spec run_list = {
  DB_RUNS, 4, sizeof(struct store_run), run_list_decode, run_list_cleanup};

int store_runs_list(struct store *s, struct store_run **out, size_t *n)
{
  void *v = NULL;
  int rc;

  if (!out || !n)
    return STORE_INVALID;
  rc = st_list(s, &run_list, NULL, 0, &v, n);
  if (rc == STORE_OK) {
    MDB_txn *txn = NULL;
    rc = st_rd_begin(s, &txn);
    if (rc == STORE_OK)
      rc = st_runs_listed(s, txn);
    st_rd_end(s, txn);
    if (rc) {
      store_runs_free(v, *n);
      v = NULL;
      *n = 0;
    }
  }
  *out = v;
  return rc;
}

void store_runs_free(struct store_run *runs, size_t n)
{
  st_list_free(runs, n, sizeof *runs, run_list_cleanup);
}

/* ---- deleting runs --------------------------------------------------------
 */

/* Record in meta "next_run" that ids up to @id are taken. */
static int run_id_retire(struct store *s, MDB_txn *txn, uint32_t id)
{
  unsigned char nb[4];
  uint32_t next = 0;
  MDB_val v;
  int rc;

  rc = st_get(txn, s->dbi[DB_META], "next_run", 8, &v);
  if (rc == STORE_OK && v.mv_size == 4)
    next = st_get_be32(v.mv_data);
  else if (rc != STORE_OK && rc != STORE_NOTFOUND)
    return rc;
  if (id == UINT32_MAX || next >= id + 1)
    return STORE_OK;
  st_be32(nb, id + 1);
  return st_put(txn, s->dbi[DB_META], "next_run", 8, nb, 4, 0);
}

/* Delete every record of the run keyed @kb but the run record itself, in
 * batches of DELETE_BATCH keys, each committed: every database keyed by
 * run, the sites last. */
static int run_records_delete(struct store *s, const unsigned char kb[4])
{
  MDB_txn *txn = NULL;
  size_t n;
  int i, db, rc;

  /* the counts first (a run half deleted is not damaged), the sites last */
  for (i = -1; i <= DB__N; i++) {
    db = i < 0 ? DB_COUNTS : i == DB__N ? DB_SITES : i;
    if (!st_db_run_keyed(db) || st_db_absent(s, db) ||
        (i >= 0 && i < DB__N && (db == DB_COUNTS || db == DB_SITES)))
      continue;
    do {
      rc = st_wr_begin(s, &txn);
      if (rc)
        return st_wr_end(s, rc);
      rc = st_del_prefix(txn, s->dbi[db], kb, 4, DELETE_BATCH, &n);
      if (rc)
        return st_wr_end(s, rc);
      rc = store_flush(s);
      if (rc)
        return rc;
    } while (n == DELETE_BATCH);
  }
  return STORE_OK;
}

int store_run_delete(struct store *s, uint32_t id)
{
  MDB_txn *txn = NULL;
  unsigned char kb[4];
  MDB_val v;
  int rc;

  if (!s || s->rdonly)
    return STORE_INVALID;
  /* a crawl is still writing it (lock.c) */
  if (store_run_running(s, id) && s->held != id)
    return STORE_BUSY;
  /* commit the caller's writes: the batches below commit as they go */
  rc = store_flush(s);
  if (rc)
    return rc;
  rc = st_rd_begin(s, &txn);
  if (rc)
    return rc;
  /* only whether it is there: a record that does not decode goes too */
  st_be32(kb, id);
  rc = st_get(txn, s->dbi[DB_RUNS], kb, 4, &v);
  st_rd_end(s, txn);
  txn = NULL;
  if (rc)
    return rc;
  rc = run_records_delete(s, kb);
  if (rc)
    return rc;
  /* the run record goes last, so that an interrupted delete leaves the run
   * listed and deleting it again finishes the job */
  rc = st_wr_begin(s, &txn);
  if (rc)
    return st_wr_end(s, rc);
  rc = run_id_retire(s, txn, id);
  if (rc)
    return st_wr_end(s, rc);
  rc = st_del(txn, s->dbi[DB_RUNS], kb, 4);
  if (rc)
    return st_wr_end(s, rc);
  return store_flush(s);
}
