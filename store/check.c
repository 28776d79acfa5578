/* store/check.c - store_check(): walk every record of every database,
 * check what can be checked, find orphans and, on request, remove them.
 *
 * One read transaction sees one consistent snapshot, so a crawl writing
 * meanwhile is neither seen half-way nor disturbed. Each database is
 * walked with its own cursor rather than st_walk, which stops at the first
 * error: a check goes on past a damaged record to count them all. */
#include "config.h"

#include "store/store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Orphans of one database and one run: keys are run-first, so a run's
 * records are contiguous and a group is only extended at the end. */
struct orphan {
  int db;
  uint32_t run;
  uint64_t n;
};

struct chk {
  struct store *s;
  MDB_txn *txn;
  int (*cb)(const struct store_issue *issue, void *ud);
  void *ud;
  struct store_check_stats *st;
  uint32_t *runs; /* the run ids, ascending */
  size_t nruns, capruns;
  struct orphan *orph;
  size_t norph, caporph;
  char key[64 * 2 + 8];
};

/* Up to 64 bytes of @k in hex, for the report. */
static const char *key_hex(struct chk *c, const MDB_val *k)
{
  static const char hex[] = "0123456789abcdef";
  const unsigned char *p = k->mv_data;
  size_t i, n = k->mv_size < 64 ? k->mv_size : 64, o = 0;

  for (i = 0; i < n; i++) {
    c->key[o++] = hex[p[i] >> 4];
    c->key[o++] = hex[p[i] & 15];
  }
  if (n < k->mv_size) {
    memcpy(c->key + o, "...", 3);
    o += 3;
  }
  c->key[o] = '\0';
  return c->key;
}

static int issue(struct chk *c, int kind, int db, uint32_t run, uint64_t n,
                 const MDB_val *k, const char *what)
{
  struct store_issue is;

  if (kind == STORE_ISSUE_DANGLING)
    c->st->dangling++;
  else if (kind != STORE_ISSUE_ORPHAN)
    c->st->damaged++;
  memset(&is, 0, sizeof is);
  is.kind = kind;
  is.db = st_db_name(db);
  is.run = run;
  is.n = n;
  is.key = k ? key_hex(c, k) : NULL;
  is.what = what;
  return c->cb(&is, c->ud);
}

static int run_exists(const struct chk *c, uint32_t run)
{
  size_t lo = 0, hi = c->nruns;

  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;

    if (c->runs[mid] == run)
      return 1;
    if (c->runs[mid] < run)
      lo = mid + 1;
    else
      hi = mid;
  }
  return 0;
}

/* STORE_OK when url @id is interned; STORE_CORRUPT when it is not. */
static int url_known(struct chk *c, uint64_t id)
{
  MDB_val v;

  return st_url_str(c->s, c->txn, id, &v);
}

/* Check one record @k -> @v (checksum already stripped) of database @db.
 * Returns STORE_OK, STORE_CORRUPT (it does not decode: *what says how),
 * 1 (it names a url id that is not interned), or another error. */
static int rec_verify(struct chk *c, int db, const MDB_val *k, const MDB_val *v,
                      const char **what)
{
  const unsigned char *kp = k->mv_data, *vp = v->mv_data;
  struct store_site site;
  struct store_host host;
  struct store_probe probe;
  struct st_dec d;
  uint64_t id = 0;
  char *url = NULL;
  size_t klen = k->mv_size;
  int rc = STORE_OK;

  *what = "does not decode";
  switch (db) {
    case DB_RUNS:
      /* the fields of runs.c's run_encode; not store_run_get, which also
       * counts the run's sites: a damaged site is reported as such */
      if (klen != 4)
        return STORE_CORRUPT;
      st_dec_init(&d, v);
      (void)st_dec_i64(&d);
      (void)st_dec_i64(&d);
      (void)st_dec_u8(&d);
      (void)st_dec_i32(&d);
      free(st_dec_str(&d));
      return d.rc;
    case DB_SITES:
      if (klen != 8)
        return STORE_CORRUPT;
      memset(&site, 0, sizeof site);
      rc = st_site_decode(c->s, c->txn, k, v, &site);
      store_site_cleanup(&site);
      return rc;
    case DB_URLS:
      if (v->mv_size != 8)
        return STORE_CORRUPT;
      *what = "names a url id that is not interned";
      return url_known(c, st_get_be64(vp)) ? 1 : STORE_OK;
    case DB_URL_IDS:
      if (klen != 8 || v->mv_size == 0 || memchr(vp, 0, v->mv_size))
        return STORE_CORRUPT;
      url = malloc(v->mv_size + 1);
      if (!url)
        return STORE_NOMEM;
      memcpy(url, vp, v->mv_size);
      url[v->mv_size] = '\0';
      /* interned URLs are cached: look it up for real */
      rc = st_url_id_stored(c->s, c->txn, url, &id);
      free(url);
      *what = "a url whose urls entry is missing or names another id";
      if (rc == STORE_NOTFOUND || (rc == STORE_OK && id != st_get_be64(kp)))
        return 1;
      return rc;
    case DB_LINKS:
      if (klen != LINK_KEY_LEN || v->mv_size < LINK_REC_LEN || vp[0] < 1 ||
          vp[2] > LINK_INVALID)
        return STORE_CORRUPT;
      *what = "names a url id that is not interned";
      if (url_known(c, st_get_be64(kp + 8)) ||
          (st_get_be64(vp + 3) && url_known(c, st_get_be64(vp + 3))))
        return 1;
      return STORE_OK;
    case DB_EDGES:
      if (klen != 24)
        return STORE_CORRUPT;
      *what = "names a url id that is not interned";
      return url_known(c, st_get_be64(kp + 8)) ||
                 url_known(c, st_get_be64(kp + 16))
               ? 1
               : STORE_OK;
    case DB_HOSTS:
      if (klen <= 4)
        return STORE_CORRUPT;
      rc = st_host_read(c->s, c->txn, st_get_be32(kp), (const char *)kp + 4,
                        klen - 4, &host);
      store_host_cleanup(&host);
      return rc;
    case DB_PROBES:
      if (klen != PROBE_KEY_LEN)
        return STORE_CORRUPT;
      /* dangling first: reading the record may need its URL back */
      if (url_known(c, st_get_be64(kp + 4))) {
        *what = "names a url id that is not interned";
        return 1;
      }
      rc = st_probe_read(c->s, c->txn, st_get_be32(kp), st_get_be64(kp + 4),
                         &probe);
      store_probe_cleanup(&probe);
      return rc;
    default:
      /* meta, and the databases added since: the checksum is all */
      return STORE_OK;
  }
}

/* Count the record of run @run in database @db as an orphan. */
static int orphan_add(struct chk *c, int db, uint32_t run)
{
  struct orphan *o = c->norph ? &c->orph[c->norph - 1] : NULL;
  int rc;

  c->st->orphans++;
  if (o && o->db == db && o->run == run) {
    o->n++;
    return STORE_OK;
  }
  rc = st_grow((void **)&c->orph, &c->caporph, c->norph, sizeof *c->orph, 8);
  if (rc)
    return rc;
  c->orph[c->norph++] = (struct orphan){db, run, 1};
  return STORE_OK;
}

/* One record of database @db. */
static int rec_check(struct chk *c, int db, const MDB_val *k, MDB_val *v)
{
  const char *what = NULL;
  int rc;

  c->st->records++;
  rc = st_rec_check(c->txn, c->s->dbi[db], k, v);
  if (rc == STORE_CORRUPT)
    return issue(c, STORE_ISSUE_DAMAGED, db, 0, 0, k,
                 "checksum does not match");
  if (st_db_run_keyed(db)) {
    if (k->mv_size < 4)
      return issue(c, STORE_ISSUE_DAMAGED, db, 0, 0, k, "key too short");
    if (!run_exists(c, st_get_be32(k->mv_data)))
      return orphan_add(c, db, st_get_be32(k->mv_data));
  }
  rc = rec_verify(c, db, k, v, &what);
  if (rc == STORE_CORRUPT)
    return issue(c, STORE_ISSUE_DAMAGED, db, 0, 0, k, what);
  if (rc == 1)
    return issue(c, STORE_ISSUE_DANGLING, db, 0, 0, k, what);
  return rc;
}

/* Walk database @db whole. */
static int db_check(struct chk *c, int db)
{
  MDB_cursor *cur = NULL;
  MDB_stat ms;
  MDB_val k, v;
  uint64_t seen = 0, before = c->st->records;
  int rc, mrc;

  if (c->s->dbi[db] == 0)
    return STORE_OK; /* an older store without it */
  rc = st_cursor_open(c->txn, c->s->dbi[db], &cur);
  if (rc)
    goto out;
  st_guard_in();
  mrc = mdb_stat(c->txn, c->s->dbi[db], &ms);
  if (mrc == MDB_SUCCESS)
    mrc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
  st_guard_out();
  while (mrc == MDB_SUCCESS) {
    rc = rec_check(c, db, &k, &v);
    if (rc)
      goto out;
    st_guard_in();
    mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
    st_guard_out();
  }
  seen = c->st->records - before;
  if (mrc != MDB_NOTFOUND) {
    rc = st_rc(mrc);
    if (rc == STORE_CORRUPT)
      rc = issue(c, STORE_ISSUE_DAMAGED, db, 0, 0, NULL,
                 "its pages are damaged: LMDB cannot walk them");
    goto out;
  }
  if (seen != ms.ms_entries)
    rc = issue(c, STORE_ISSUE_COUNT, db, 0, ms.ms_entries, NULL,
               "LMDB counts another number of records than it hands out");
  c->st->dbs++;
out:
  if (cur)
    mdb_cursor_close(cur);
  return rc;
}

static int run_id_fn(const MDB_val *k, const MDB_val *v, void *ud)
{
  struct chk *c = ud;
  int rc;

  (void)v;
  rc = st_grow((void **)&c->runs, &c->capruns, c->nruns, sizeof *c->runs, 16);
  if (rc)
    return rc;
  c->runs[c->nruns++] = st_get_be32(k->mv_data);
  return STORE_OK;
}

/* Every run against the counts recorded when it ended (st_run_verify). */
static int runs_counts_check(struct chk *c)
{
  unsigned char kb[4];
  size_t i;
  int rc;

  for (i = 0; i < c->nruns; i++) {
    st_be32(kb, c->runs[i]);
    rc = st_run_verify(c->txn, c->s->dbi[DB_SITES], kb, 4);
    if (rc == STORE_CORRUPT)
      rc = issue(c, STORE_ISSUE_COUNT, DB_COUNTS, c->runs[i], 0, NULL,
                 "the run's records do not read back as counted when it "
                 "ended (damaged or missing)");
    if (rc)
      return rc;
  }
  return STORE_OK;
}

/* The run ids, without their records: a damaged run record is still a
 * run, and its records are not orphans. */
static int runs_collect(struct chk *c)
{
  MDB_cursor *cur = NULL;
  MDB_val k, v;
  int rc, mrc;

  if (c->s->dbi[DB_RUNS] == 0)
    return STORE_OK;
  rc = st_cursor_open(c->txn, c->s->dbi[DB_RUNS], &cur);
  if (rc)
    return rc;
  st_guard_in();
  mrc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
  st_guard_out();
  while (mrc == MDB_SUCCESS) {
    if (k.mv_size == 4) {
      rc = run_id_fn(&k, &v, c);
      if (rc)
        break;
    }
    st_guard_in();
    mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
    st_guard_out();
  }
  mdb_cursor_close(cur);
  if (rc)
    return rc;
  /* a walk that fails is reported by db_check */
  return STORE_OK;
}

/* Delete the orphans of run @o->run in database @o->db, unless the run
 * exists by now or is running (created since the snapshot was taken, in
 * another process): 1 when they went. */
static int orphan_remove(struct chk *c, const struct orphan *o)
{
  unsigned char kb[4];
  MDB_txn *txn = NULL;
  MDB_val v;
  size_t n = 0;
  int rc;

  if (store_run_running(c->s, o->run))
    return 0;
  st_be32(kb, o->run);
  rc = st_wr_begin(c->s, &txn);
  if (rc == STORE_OK)
    rc = st_get(txn, c->s->dbi[DB_RUNS], kb, 4, &v);
  if (rc == STORE_OK)
    return st_wr_end(c->s, store_flush(c->s));
  while (rc == STORE_NOTFOUND || (rc == STORE_OK && n == 8192)) {
    rc = st_wr_begin(c->s, &txn);
    if (rc == STORE_OK)
      rc = st_del_prefix(txn, c->s->dbi[o->db], kb, 4, 8192, &n);
    if (rc == STORE_OK)
      rc = store_flush(c->s);
  }
  return rc ? st_wr_end(c->s, rc) : 1;
}

/* Report (and with @repair first delete) the orphans found. */
static int orphans_report(struct chk *c, int repair)
{
  struct store_issue is;
  size_t i;
  int rc;

  for (i = 0; i < c->norph; i++) {
    const struct orphan *o = &c->orph[i];

    memset(&is, 0, sizeof is);
    is.kind = STORE_ISSUE_ORPHAN;
    is.db = st_db_name(o->db);
    is.run = o->run;
    is.n = o->n;
    is.what = "records of a run that is not in runs";
    if (repair) {
      rc = orphan_remove(c, o);
      if (rc < 0)
        return rc;
      is.repaired = rc;
      if (rc)
        c->st->removed += o->n;
    }
    rc = c->cb(&is, c->ud);
    if (rc)
      return rc;
  }
  return STORE_OK;
}

int store_check(struct store *s, int repair,
                int (*cb)(const struct store_issue *issue, void *ud), void *ud,
                struct store_check_stats *out)
{
  struct chk c;
  int db, rc;

  if (out)
    memset(out, 0, sizeof *out);
  if (!s || !cb || !out || (repair && s->rdonly))
    return STORE_INVALID;
  memset(&c, 0, sizeof c);
  c.s = s;
  c.cb = cb;
  c.ud = ud;
  c.st = out;
  /* a snapshot of what is committed */
  rc = store_flush(s);
  if (rc)
    return rc;
  rc = st_rd_begin(s, &c.txn);
  if (rc)
    goto out;
  rc = runs_collect(&c);
  /* a record is checked on its own here; the runs' counts after */
  s->verifying++;
  for (db = 0; db < DB__N && rc == STORE_OK; db++)
    rc = db_check(&c, db);
  s->verifying--;
  if (rc == STORE_OK)
    rc = runs_counts_check(&c);
  st_rd_end(s, c.txn);
  c.txn = NULL;
  if (rc)
    goto out;
  rc = orphans_report(&c, repair);
out:
  st_rd_end(s, c.txn);
  free(c.runs);
  free(c.orph);
  return rc;
}
