/* store/merge.c - store_merge(): one night's shard stores into one run of
 * a central store.
 *
 * Each shard's run is copied record by record: keys get the central run's
 * id, the site's index in the whole list (the shard record says it) and
 * the central store's url ids (every URL interned again), and a link's
 * parent id is translated the same way. Records keyed by a host name or
 * a url alone (hosts, probes, perf) are shared between the sites of a
 * night: the first shard's record stays, as one crawl asks a host once.
 * The vantage check before the run (seq 0) is the shards' checks
 * together (IPv6 reachable only if it was for every shard), and shard k's
 * outages take seqs (k + 1) * 65536 + their own, so that merging a shard
 * again writes the same keys. Every database has a rule below; a shard
 * with records in a database without one (a newer v6crawl's) is refused
 * rather than merged without them. */
#include "config.h"

#include "store/store_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
  MK_UNKNOWN = 0, /* a database this merge does not know */
  MK_SKIP,        /* not copied (not of a run, or rebuilt here) */
  MK_SITE,        /* run | site | ids...: site and ids translated */
  MK_ONCE,        /* run | name: the first shard's record stays */
  MK_URL_ONCE,    /* run | url id: translated, the first stays */
  MK_VANTAGE      /* run | seq: see above */
};

struct rule {
  int kind;
  int ids;    /* MK_SITE: u64 url ids after run | site in the key */
  int parent; /* MK_SITE: the value's u64 at offset 3 is a url id (link) */
};

static const struct rule rules[DB__N] = {
  [DB_META] = {MK_SKIP, 0, 0},       [DB_RUNS] = {MK_SKIP, 0, 0},
  [DB_SITES] = {MK_SITE, 0, 0},      [DB_URLS] = {MK_SKIP, 0, 0},
  [DB_URL_IDS] = {MK_SKIP, 0, 0},    [DB_LINKS] = {MK_SITE, 1, 1},
  [DB_EDGES] = {MK_SITE, 2, 0},      [DB_HOSTS] = {MK_ONCE, 0, 0},
  [DB_PROBES] = {MK_URL_ONCE, 0, 0}, [DB_TIMING] = {MK_SITE, 0, 0},
  [DB_PERF] = {MK_ONCE, 0, 0},       [DB_DELEG] = {MK_SITE, 0, 0},
  [DB_PAGES] = {MK_SITE, 1, 0},      [DB_VANTAGE] = {MK_VANTAGE, 0, 0},
  [DB_READS] = {MK_SITE, 1, 0},      [DB_SHARDS] = {MK_SKIP, 0, 0},
  [DB_PARTS] = {MK_SKIP, 0, 0},      [DB_COUNTS] = {MK_SKIP, 0, 0},
  [DB_CONDS] = {MK_ONCE, 0, 0},      [DB_RENDERS] = {MK_SITE, 1, 0},
  [DB_SUBRES] = {MK_SITE, 2, 0},     [DB_SHEETS] = {MK_URL_ONCE, 0, 0},
};

/* Shard k of the merged run, as imported (a part record). */
struct part {
  uint32_t k;
  int complete;
  uint32_t srun;
  int64_t started, finished;
  char *source;
  uint32_t *idx;
  uint32_t n;
};

struct src {
  struct store *st;
  struct store_run run;
  struct store_shard sh;
  int use;      /* import it now */
  long replace; /* the part it is merged again over, or -1 */
};

struct merge {
  struct store *s;
  struct store_merge_src *in;
  struct src *src;
  size_t nsrc;
  char *label;
  uint32_t run;          /* the merged run, 0: none yet */
  struct store_run crun; /* its record, when there is one */
  struct part *parts;
  size_t nparts, capparts;
  uint32_t n, total;
  const char *options;
  int have_ref; /* n, total and options are set */
  struct store_merge_res *res;
};

void store_merge_res_cleanup(struct store_merge_res *r)
{
  if (!r)
    return;
  free(r->missing);
  free(r->partial);
  memset(r, 0, sizeof *r);
}

static void parts_free(struct merge *m)
{
  size_t i;

  for (i = 0; i < m->nparts; i++) {
    free(m->parts[i].source);
    free(m->parts[i].idx);
  }
  free(m->parts);
  m->parts = NULL;
  m->nparts = m->capparts = 0;
}

static int part_decode(const MDB_val *k, const MDB_val *v, void *ud)
{
  struct merge *m = ud;
  struct part p;
  struct st_dec d;
  int rc;

  memset(&p, 0, sizeof p);
  p.k = st_get_be32((const unsigned char *)k->mv_data + 4);
  st_dec_init(&d, v);
  p.complete = st_dec_u8(&d) != 0;
  p.srun = st_dec_u32(&d);
  p.started = st_dec_i64(&d);
  p.finished = st_dec_i64(&d);
  p.source = st_dec_str(&d);
  st_idx_dec(&d, &p.idx, &p.n);
  rc = d.rc;
  if (rc == STORE_OK)
    rc = st_grow((void **)&m->parts, &m->capparts, m->nparts, sizeof p, 8);
  if (rc) {
    free(p.source);
    free(p.idx);
    return rc;
  }
  m->parts[m->nparts++] = p;
  return STORE_OK;
}

/* The parts of the merged run, read again in @txn. */
static int parts_load(struct merge *m, MDB_txn *txn)
{
  unsigned char kb[4];

  parts_free(m);
  st_be32(kb, m->run);
  return st_walk(txn, m->s->dbi[DB_PARTS], kb, 4, 8, part_decode, m);
}

/* The latest run of @st labelled @label (NULL: the latest with a label)
 * that is not itself a merge, into @out and its shard record @sh. */
static int label_run(struct store *st, const char *label, struct store_run *out,
                     struct store_shard *sh)
{
  struct store_run *runs = NULL;
  size_t n = 0, i;
  int rc = store_runs_list(st, &runs, &n);

  for (i = n; rc == STORE_OK && i-- > 0;) {
    rc = store_shard_get(st, runs[i].id, sh);
    if (rc == STORE_NOTFOUND) {
      rc = STORE_OK;
      continue;
    }
    if (rc)
      break;
    if (!sh->merged && (!label || strcmp(sh->label, label) == 0)) {
      *out = runs[i];
      memset(&runs[i], 0, sizeof runs[i]);
      store_runs_free(runs, n);
      return STORE_OK;
    }
    store_shard_cleanup(sh);
  }
  store_runs_free(runs, n);
  return rc ? rc : STORE_NOTFOUND;
}

/* The merged run of the night in the central store, if any. */
static int central_find(struct merge *m)
{
  struct store_run *runs = NULL;
  struct store_shard sh;
  size_t n = 0, i;
  int rc = store_runs_list(m->s, &runs, &n);

  for (i = 0; rc == STORE_OK && i < n; i++) {
    rc = store_shard_get(m->s, runs[i].id, &sh);
    if (rc == STORE_NOTFOUND) {
      rc = STORE_OK;
      continue;
    }
    if (rc == STORE_OK && sh.merged && strcmp(sh.label, m->label) == 0) {
      m->run = runs[i].id;
      m->n = sh.n;
      m->total = sh.total;
    }
    store_shard_cleanup(&sh);
  }
  store_runs_free(runs, n);
  return rc;
}

/* Say why the shards do not fit (res->why): STORE_MISMATCH. */
static int refuse(struct merge *m, const char *fmt, ...)
  __attribute__((format(printf, 2, 3)));
static int refuse(struct merge *m, const char *fmt, ...)
{
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(m->res->why, sizeof m->res->why, fmt, ap);
  va_end(ap);
  return STORE_MISMATCH;
}

/* The start URL of whole-list site @idx of source @i (malloc'd), or
 * NULL. */
static char *src_url(struct merge *m, size_t i, uint32_t idx)
{
  struct store_site *v = NULL;
  size_t n = 0, j;
  char *u = NULL;

  if (store_sites_list(m->src[i].st, m->src[i].run.id, &v, &n) != STORE_OK)
    return NULL;
  for (j = 0; j < n && !u; j++)
    if (v[j].idx < m->src[i].sh.nsites && m->src[i].sh.index[v[j].idx] == idx &&
        v[j].start_url)
      u = strdup(v[j].start_url);
  store_sites_free(v, n);
  return u;
}

/* Who holds each site of the whole list: -1 nobody, 0..N-1 a part, N + i
 * source i. */
static int claims_check(struct merge *m)
{
  int64_t *own = NULL;
  size_t i, j;
  uint32_t t;
  int rc = STORE_OK;

  own = malloc((m->total ? m->total : 1) * sizeof *own);
  if (!own)
    return STORE_NOMEM;
  for (t = 0; t < m->total; t++)
    own[t] = -1;
  for (i = 0; i < m->nparts; i++) {
    int replaced = 0;
    for (j = 0; j < m->nsrc; j++)
      replaced |= m->src[j].use && m->src[j].replace == (long)i;
    for (t = 0; !replaced && t < m->parts[i].n; t++)
      if (m->parts[i].idx[t] < m->total)
        own[m->parts[i].idx[t]] = m->parts[i].k;
  }
  for (i = 0; i < m->nsrc && rc == STORE_OK; i++) {
    const struct src *sr = &m->src[i];
    if (!sr->use)
      continue;
    for (t = 0; t < sr->sh.nsites && rc == STORE_OK; t++) {
      uint32_t x = sr->sh.index[t];
      char *url, other[600];
      if (x >= m->total) {
        rc = STORE_CORRUPT; /* a shard record beyond its own list */
        break;
      }
      if (own[x] >= 0) {
        other[0] = '\0';
        for (j = 0; j < m->nparts; j++)
          if (own[x] == m->parts[j].k)
            snprintf(other, sizeof other, "shard %u/%u merged before from %s",
                     m->parts[j].k, m->n,
                     m->parts[j].source ? m->parts[j].source : "?");
        if (own[x] >= (int64_t)m->n)
          snprintf(other, sizeof other, "shard %u/%u in %s",
                   m->src[own[x] - m->n].sh.k, m->n, m->in[own[x] - m->n].dir);
        url = src_url(m, i, x);
        snprintf(m->res->why, sizeof m->res->why,
                 "two shards measured the same site %s: shard %u/%u in %s "
                 "and %s; nothing merged",
                 url ? url : "?", sr->sh.k, m->n, m->in[i].dir, other);
        free(url);
        rc = STORE_MISMATCH;
        break;
      }
      own[x] = (int64_t)(m->n + i);
    }
  }
  free(own);
  return rc;
}

/* Decide, for every source read, whether it is imported; refuse what
 * does not fit. */
static int plan(struct merge *m)
{
  size_t i, j;
  int rc;

  for (i = 0; i < m->nsrc; i++) {
    struct src *sr = &m->src[i];
    struct store_merge_src *in = &m->in[i];
    const char *ropt = sr->run.options ? sr->run.options : "";
    if (!sr->st || in->run == 0)
      continue;
    if (!m->have_ref) {
      if (!m->run) {
        m->n = sr->sh.n;
        m->total = sr->sh.total;
      }
      m->options = ropt;
      m->have_ref = 1;
    }
    if (sr->sh.n != m->n || sr->sh.total != m->total)
      return refuse(m,
                    "%s is shard %u/%u of %u sites, the night's other shards "
                    "are of %u of %u sites; nothing merged",
                    in->dir, sr->sh.k, sr->sh.n, sr->sh.total, m->n, m->total);
    if (strcmp(ropt, m->options) != 0)
      return refuse(m,
                    "%s (shard %u/%u) was crawled with other options than "
                    "the night's other shards; nothing merged",
                    in->dir, sr->sh.k, sr->sh.n);
    sr->use = 1;
    sr->replace = -1;
    for (j = 0; j < m->nparts; j++) {
      const struct part *p = &m->parts[j];
      if (p->k != sr->sh.k)
        continue;
      if (p->srun == sr->run.id && p->started == sr->run.started &&
          p->complete) {
        sr->use = 0; /* merged before, complete: nothing new */
      } else if (p->complete) {
        return refuse(m,
                      "shard %u/%u was merged before, complete, from %s; "
                      "%s is another crawl of it (two shards measured the "
                      "same sites); nothing merged",
                      p->k, m->n, p->source ? p->source : "?", in->dir);
      } else {
        sr->replace = (long)j;
      }
    }
    for (j = 0; j < i && sr->use; j++)
      if (m->src[j].use && m->src[j].sh.k == sr->sh.k)
        return refuse(m,
                      "%s and %s are both shard %u/%u: two shards measured "
                      "the same sites; nothing merged",
                      m->in[j].dir, in->dir, sr->sh.k, m->n);
    for (j = 0; j < DB__N && sr->use; j++) {
      unsigned char kb[4];
      size_t cnt = 0;
      MDB_txn *txn = NULL;
      if (rules[j].kind != MK_UNKNOWN || st_db_absent(sr->st, (int)j))
        continue;
      st_be32(kb, sr->run.id);
      rc = st_rd_begin(sr->st, &txn);
      if (rc == STORE_OK)
        rc = st_count(txn, sr->st->dbi[j], kb, 4, &cnt);
      st_rd_end(sr->st, txn);
      if (rc)
        return rc;
      if (cnt)
        return refuse(m,
                      "%s has records in database %s, which this merge does "
                      "not know (shard %u/%u); nothing merged",
                      in->dir, st_db_name((int)j), sr->sh.k, sr->sh.n);
    }
  }
  return claims_check(m);
}

/* ---- copying one shard ---- */

struct copy {
  struct merge *m;
  struct src *sr;
  MDB_txn *stxn, *ctxn;
  int db;
  struct v6_buf val;
};

/* The central store's id of the shard's url @sid, interned. */
static int url_map(struct copy *c, uint64_t sid, uint64_t *cid)
{
  char *u = NULL;
  int rc = st_url_dup(c->sr->st, c->stxn, sid, &u);

  if (rc == STORE_OK)
    rc = st_url_id(c->m->s, c->ctxn, u, 1, cid);
  free(u);
  return rc;
}

/* -1 beats everything but 0 and 1; 0 (not reachable by one shard) beats
 * all: the night had IPv6 only if every shard had it. */
static int reach(int a, int b)
{
  if (a == 0 || b == 0)
    return 0;
  return a == 1 || b == 1 ? 1 : -1;
}

/* The vantage check before the run: the shard's (@v) together with the
 * one merged so far. */
static int vantage_start(struct copy *c, const unsigned char *key, size_t klen,
                         const MDB_val *v)
{
  struct st_dec d, e;
  MDB_val old;
  unsigned how;
  int64_t a0, a1, b0 = 0, b1 = 0;
  int a4, a6, b4 = -1, b6 = -1, rc, have;
  char *det = NULL, *odet = NULL;

  st_dec_init(&d, v);
  how = st_dec_u8(&d);
  a0 = st_dec_i64(&d);
  a1 = st_dec_i64(&d);
  a4 = st_dec_i32(&d);
  a6 = st_dec_i32(&d);
  (void)st_dec_i32(&d);
  (void)st_dec_i32(&d);
  det = st_dec_str(&d);
  if (d.rc) {
    free(det);
    return d.rc;
  }
  rc = st_get(c->ctxn, c->m->s->dbi[DB_VANTAGE], key, klen, &old);
  have = rc == STORE_OK;
  if (have) {
    st_dec_init(&e, &old);
    (void)st_dec_u8(&e);
    b0 = st_dec_i64(&e);
    b1 = st_dec_i64(&e);
    b4 = st_dec_i32(&e);
    b6 = st_dec_i32(&e);
    (void)st_dec_i32(&e);
    (void)st_dec_i32(&e);
    odet = st_dec_str(&e);
    rc = e.rc;
  } else if (rc == STORE_NOTFOUND) {
    rc = STORE_OK;
  }
  if (rc == STORE_OK) {
    struct v6_buf *b = &c->m->s->enc;
    v6_buf_reset(b);
    st_enc_u8(b, how);
    st_enc_i64(b, have && b0 < a0 ? b0 : a0);
    st_enc_i64(b, have && b1 > a1 ? b1 : a1);
    st_enc_i32(b, have ? reach(a4, b4) : a4);
    st_enc_i32(b, have ? reach(a6, b6) : a6);
    st_enc_i32(b, 0);
    st_enc_i32(b, 0);
    st_enc_str(b, have ? odet : det);
    rc = st_put_enc(c->m->s, c->ctxn, DB_VANTAGE, key, klen);
  }
  free(det);
  free(odet);
  return rc;
}

static int copy_rec(const MDB_val *k, const MDB_val *v, void *ud)
{
  struct copy *c = ud;
  const struct rule *r = &rules[c->db];
  const unsigned char *kp = k->mv_data;
  unsigned char key[512];
  size_t klen = k->mv_size;
  unsigned flags = 0;
  uint64_t id;
  uint32_t local, seq;
  int i, rc = STORE_OK;

  if (klen > sizeof key || klen < 4)
    return STORE_CORRUPT;
  memcpy(key, kp, klen);
  st_be32(key, c->m->run);
  v6_buf_reset(&c->val);
  v6_buf_putn(&c->val, v->mv_data, v->mv_size);
  if (c->val.oom || c->val.toobig)
    return STORE_NOMEM;
  switch (r->kind) {
    case MK_SITE:
      if (klen != 8 + 8 * (size_t)r->ids)
        return STORE_CORRUPT;
      local = st_get_be32(kp + 4);
      if (local >= c->sr->sh.nsites)
        return STORE_CORRUPT;
      st_be32(key + 4, c->sr->sh.index[local]);
      for (i = 0; i < r->ids && rc == STORE_OK; i++) {
        rc = url_map(c, st_get_be64(kp + 8 + 8 * i), &id);
        st_be64(key + 8 + 8 * i, id);
      }
      if (rc == STORE_OK && r->parent) {
        unsigned char *vp = (unsigned char *)c->val.p;
        if (c->val.n < LINK_REC_LEN)
          return STORE_CORRUPT;
        id = st_get_be64(vp + 3);
        if (id)
          rc = url_map(c, id, &id);
        st_be64(vp + 3, id);
      }
      break;
    case MK_URL_ONCE:
      if (klen != PROBE_KEY_LEN)
        return STORE_CORRUPT;
      rc = url_map(c, st_get_be64(kp + 4), &id);
      st_be64(key + 4, id);
      flags = MDB_NOOVERWRITE;
      break;
    case MK_ONCE:
      flags = MDB_NOOVERWRITE;
      break;
    case MK_VANTAGE:
      if (klen != 8)
        return STORE_CORRUPT;
      seq = st_get_be32(kp + 4);
      if (seq == 0)
        return vantage_start(c, key, klen, v);
      if (seq >= 65536)
        return STORE_CORRUPT;
      st_be32(key + 4, (c->sr->sh.k + 1) * 65536u + seq);
      break;
    default:
      return STORE_OK;
  }
  if (rc)
    return rc;
  return st_put(c->ctxn, c->m->s->dbi[c->db], key, klen, c->val.p, c->val.n,
                flags);
}

/* Delete what part @p put in the merged run (it is merged again). */
static int part_drop(struct merge *m, MDB_txn *txn, const struct part *p)
{
  unsigned char kb[8];
  size_t gone;
  uint32_t t;
  int db, rc = STORE_OK;

  st_be32(kb, m->run);
  for (t = 0; t < p->n && rc == STORE_OK; t++)
    for (db = 0; db < DB__N && rc == STORE_OK; db++) {
      if (rules[db].kind != MK_SITE)
        continue;
      st_be32(kb + 4, p->idx[t]);
      rc = st_del_prefix(txn, m->s->dbi[db], kb, 8, SIZE_MAX, &gone);
    }
  /* its outages: seq (k + 1) * 65536 + n, the high half of the seq */
  kb[4] = (unsigned char)((p->k + 1) >> 8);
  kb[5] = (unsigned char)(p->k + 1);
  if (rc == STORE_OK)
    rc = st_del_prefix(txn, m->s->dbi[DB_VANTAGE], kb, 6, SIZE_MAX, &gone);
  return rc;
}

/* Import source @i into the merged run and record it as a part; one
 * committed write transaction. */
static int import(struct merge *m, size_t i)
{
  struct src *sr = &m->src[i];
  struct copy c;
  unsigned char kb[8];
  MDB_txn *ctxn = NULL, *stxn = NULL;
  uint32_t t;
  int db, rc;

  memset(&c, 0, sizeof c);
  v6_buf_init(&c.val, 0);
  rc = st_wr_begin(m->s, &ctxn);
  if (rc == STORE_OK && sr->replace >= 0)
    rc = part_drop(m, ctxn, &m->parts[sr->replace]);
  if (rc == STORE_OK)
    rc = st_rd_begin(sr->st, &stxn);
  c.m = m;
  c.sr = sr;
  c.stxn = stxn;
  c.ctxn = ctxn;
  st_be32(kb, sr->run.id);
  for (db = 0; db < DB__N && rc == STORE_OK; db++) {
    if (rules[db].kind == MK_SKIP || rules[db].kind == MK_UNKNOWN ||
        st_db_absent(sr->st, db))
      continue;
    c.db = db;
    rc = st_walk(stxn, sr->st->dbi[db], kb, 4, 0, copy_rec, &c);
  }
  st_rd_end(sr->st, stxn);
  if (rc == STORE_OK) {
    struct v6_buf *b = &m->s->enc;
    v6_buf_reset(b);
    st_enc_u8(b, sr->run.complete ? 1 : 0);
    st_enc_u32(b, sr->run.id);
    st_enc_i64(b, sr->run.started);
    st_enc_i64(b, sr->run.finished);
    st_enc_str(b, m->in[i].dir);
    st_enc_u32(b, sr->sh.nsites);
    for (t = 0; t < sr->sh.nsites; t++)
      st_enc_u32(b, sr->sh.index[t]);
    st_be32(kb, m->run);
    st_be32(kb + 4, sr->sh.k);
    rc = st_put_enc(m->s, ctxn, DB_PARTS, kb, 8);
  }
  rc = st_wr_end(m->s, rc);
  if (rc == STORE_OK)
    rc = store_flush(m->s);
  v6_buf_cleanup(&c.val);
  return rc;
}

/* The merged run's record and counts from its parts, and @res. */
static int finish(struct merge *m)
{
  struct store_merge_res *res = m->res;
  struct store_run r;
  MDB_txn *txn = NULL;
  uint32_t k;
  size_t i;
  int rc;

  memset(&r, 0, sizeof r);
  rc = st_wr_begin(m->s, &txn);
  if (rc == STORE_OK)
    rc = parts_load(m, txn);
  if (rc == STORE_OK)
    rc = store_run_get(m->s, m->run, &r);
  res->missing = calloc(m->n ? m->n : 1, sizeof *res->missing);
  res->partial = calloc(m->n ? m->n : 1, sizeof *res->partial);
  if (rc == STORE_OK && (!res->missing || !res->partial))
    rc = STORE_NOMEM;
  for (k = 0; rc == STORE_OK && k < m->n; k++) {
    const struct part *p = NULL;
    for (i = 0; i < m->nparts; i++)
      if (m->parts[i].k == k)
        p = &m->parts[i];
    if (!p) {
      res->missing[res->nmissing++] = k;
      continue;
    }
    res->have++;
    if (!p->complete)
      res->partial[res->npartial++] = k;
  }
  for (i = 0; rc == STORE_OK && i < m->nparts; i++) {
    if (!i || m->parts[i].started < r.started)
      r.started = m->parts[i].started;
    if (!i || m->parts[i].finished > r.finished)
      r.finished = m->parts[i].finished;
  }
  /* IPv6 at the vantage point only if every shard had it */
  for (i = 0; rc == STORE_OK && i < m->nsrc; i++)
    if (m->src[i].use)
      r.vantage_ipv6 = reach(r.vantage_ipv6, m->src[i].run.vantage_ipv6);
  if (rc == STORE_OK) {
    res->n = m->n;
    res->complete = res->nmissing == 0 && res->npartial == 0;
    r.complete = res->complete;
    rc = st_run_put(m->s, txn, &r);
  }
  if (rc == STORE_OK)
    rc = st_run_count(m->s, txn, m->run);
  store_run_cleanup(&r);
  rc = st_wr_end(m->s, rc);
  return rc == STORE_OK ? store_flush(m->s) : rc;
}

/* The merged run, made when the night has none yet. */
static int central_make(struct merge *m)
{
  struct store_shard sh;
  int64_t started = 0;
  int v6 = -1, first = 1, rc;
  size_t i;

  for (i = 0; i < m->nsrc; i++) {
    const struct src *sr = &m->src[i];
    if (!sr->use)
      continue;
    if (first || sr->run.started < started)
      started = sr->run.started;
    v6 = first ? sr->run.vantage_ipv6 : reach(v6, sr->run.vantage_ipv6);
    first = 0;
  }
  rc = store_run_new(m->s, started, v6, m->options, &m->run);
  memset(&sh, 0, sizeof sh);
  sh.label = m->label;
  sh.k = 0;
  sh.n = m->n;
  sh.total = m->total;
  sh.merged = 1;
  if (rc == STORE_OK)
    rc = store_shard_put(m->s, m->run, &sh);
  if (rc == STORE_OK)
    rc = store_flush(m->s);
  m->res->created = rc == STORE_OK;
  return rc;
}

int store_merge(struct store *s, const char *label, struct store_merge_src *src,
                size_t nsrc, struct store_merge_res *res)
{
  struct merge m;
  size_t i;
  int rc = STORE_OK, found = 0;

  if (res)
    memset(res, 0, sizeof *res);
  if (!s || !res || (!src && nsrc) || s->rdonly ||
      (label && !st_label_ok(label)))
    return STORE_INVALID;
  memset(&m, 0, sizeof m);
  m.s = s;
  m.in = src;
  m.nsrc = nsrc;
  m.res = res;
  m.src = calloc(nsrc ? nsrc : 1, sizeof *m.src);
  if (label)
    m.label = strdup(label);
  if (!m.src || (label && !m.label)) {
    rc = STORE_NOMEM;
    goto out;
  }
  rc = st_lock_merge(s);
  if (rc)
    goto out;
  /* every source read first: nothing is written before all fit */
  for (i = 0; i < nsrc; i++) {
    struct src *sr = &m.src[i];
    src[i].run = 0;
    src[i].imported = 0;
    src[i].rc = store_open(src[i].dir, STORE_RDONLY, 0, &sr->st);
    if (src[i].rc)
      continue;
    src[i].rc = label_run(sr->st, m.label, &sr->run, &sr->sh);
    if (src[i].rc)
      continue;
    if (!m.label && !(m.label = strdup(sr->sh.label))) {
      rc = STORE_NOMEM;
      goto out;
    }
    src[i].run = sr->run.id;
    src[i].k = sr->sh.k;
    src[i].n = sr->sh.n;
    src[i].nsites = sr->sh.nsites;
    src[i].complete = sr->run.complete;
    found = 1;
  }
  if (!m.label) {
    rc = STORE_NOTFOUND;
    goto out;
  }
  rc = central_find(&m);
  if (rc == STORE_OK && m.run) {
    MDB_txn *txn = NULL;
    rc = st_rd_begin(s, &txn);
    if (rc == STORE_OK)
      rc = parts_load(&m, txn);
    st_rd_end(s, txn);
    /* the night's options are the merged run's */
    if (rc == STORE_OK)
      rc = store_run_get(s, m.run, &m.crun);
    if (rc == STORE_OK) {
      m.options = m.crun.options ? m.crun.options : "";
      m.have_ref = 1;
    }
  }
  if (rc)
    goto out;
  if (!found && !m.run) {
    rc = STORE_NOTFOUND;
    goto out;
  }
  rc = plan(&m);
  if (rc)
    goto out;
  if (!m.run) {
    rc = central_make(&m);
    if (rc)
      goto out;
  } else {
    rc = st_lock_run(s, m.run); /* no prune while it is written */
    if (rc)
      goto out;
  }
  res->run = m.run;
  for (i = 0; i < nsrc && rc == STORE_OK; i++)
    if (m.src[i].use) {
      rc = import(&m, i);
      src[i].imported = rc == STORE_OK;
    }
  if (rc == STORE_OK)
    rc = finish(&m);
out:
  for (i = 0; m.src && i < nsrc; i++) {
    store_run_cleanup(&m.src[i].run);
    store_shard_cleanup(&m.src[i].sh);
    store_close(m.src[i].st);
  }
  free(m.src);
  free(m.label);
  store_run_cleanup(&m.crun);
  parts_free(&m);
  return rc;
}
