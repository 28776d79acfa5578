/* store/timing.c - the dedicated timing samples: a site's homepage keyed
 * run | site (timing), a CNAME host's objects keyed run | name (perf). */
#include "config.h"

#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

#define TIMING_MAX_N 100000u

void store_timing_cleanup(struct store_timing *t)
{
  if (!t)
    return;
  free(t->what);
  free(t->s[0]);
  free(t->s[1]);
  memset(t, 0, sizeof *t);
}

static int timing_put(struct store *s, int db, const unsigned char *kb,
                      size_t klen, const struct store_timing *t)
{
  MDB_txn *txn = NULL;
  unsigned f, i;
  int rc;

  if (t->n > TIMING_MAX_N || (t->n && (!t->s[0] || !t->s[1])))
    return STORE_INVALID;
  rc = st_wr_begin(s, &txn);
  if (rc)
    goto out;
  v6_buf_reset(&s->enc);
  st_enc_str(&s->enc, t->what);
  st_enc_u32(&s->enc, t->n);
  for (f = 0; f < 2; f++)
    for (i = 0; i < t->n; i++) {
      const struct store_tsample *x = &t->s[f][i];
      st_enc_u8(&s->enc, x->ok ? 1 : 0);
      st_enc_f64(&s->enc, x->dns_ms);
      st_enc_f64(&s->enc, x->connect_ms);
      st_enc_f64(&s->enc, x->tls_ms);
      st_enc_f64(&s->enc, x->first_byte_ms);
      st_enc_f64(&s->enc, x->total_ms);
      st_enc_u64(&s->enc, x->bytes);
    }
  rc = st_put_enc(s, txn, db, kb, klen);
out:
  return st_wr_end(s, rc);
}

static int timing_get(struct store *s, int db, const unsigned char *kb,
                      size_t klen, struct store_timing *out)
{
  MDB_txn *txn = NULL;
  struct st_dec d;
  MDB_val v;
  unsigned f, i;
  int rc;

  if (st_db_absent(s, db))
    return STORE_NOTFOUND;
  rc = st_rd_begin(s, &txn);
  if (rc == STORE_OK)
    rc = st_get(txn, s->dbi[db], kb, klen, &v);
  if (rc)
    goto out;
  st_dec_init(&d, &v);
  out->what = st_dec_str(&d);
  out->n = st_dec_u32(&d);
  if (d.rc || out->n > TIMING_MAX_N) {
    rc = d.rc ? d.rc : STORE_CORRUPT;
    goto out;
  }
  for (f = 0; f < 2; f++) {
    out->s[f] = calloc(out->n ? out->n : 1, sizeof(struct store_tsample));
    if (!out->s[f]) {
      rc = STORE_NOMEM;
      goto out;
    }
    for (i = 0; i < out->n; i++) {
      struct store_tsample *x = &out->s[f][i];
      x->ok = st_dec_u8(&d);
      x->dns_ms = st_dec_f64(&d);
      x->connect_ms = st_dec_f64(&d);
      x->tls_ms = st_dec_f64(&d);
      x->first_byte_ms = st_dec_f64(&d);
      x->total_ms = st_dec_f64(&d);
      x->bytes = st_dec_u64(&d);
    }
  }
  rc = d.rc;
out:
  st_rd_end(s, txn);
  if (rc)
    store_timing_cleanup(out);
  return rc;
}

static void site_key(unsigned char kb[8], uint32_t run, uint32_t site)
{
  st_be32(kb, run);
  st_be32(kb + 4, site);
}

int store_timing_put(struct store *s, uint32_t run, uint32_t site,
                     const struct store_timing *t)
{
  unsigned char kb[8];

  if (!s || !t)
    return STORE_INVALID;
  site_key(kb, run, site);
  return timing_put(s, DB_TIMING, kb, sizeof kb, t);
}

int store_timing_get(struct store *s, uint32_t run, uint32_t site,
                     struct store_timing *out)
{
  unsigned char kb[8];

  if (!out)
    return STORE_INVALID;
  memset(out, 0, sizeof *out);
  if (!s)
    return STORE_INVALID;
  site_key(kb, run, site);
  return timing_get(s, DB_TIMING, kb, sizeof kb, out);
}

int store_perf_put(struct store *s, uint32_t run, const char *host,
                   const struct store_timing *t)
{
  unsigned char kb[4 + HOST_NAME_MAX_];
  size_t klen;

  if (!s || !t || !host)
    return STORE_INVALID;
  klen = st_host_key(kb, run, host, strlen(host));
  if (!klen)
    return STORE_INVALID;
  return timing_put(s, DB_PERF, kb, klen, t);
}

int store_perf_get(struct store *s, uint32_t run, const char *host,
                   struct store_timing *out)
{
  unsigned char kb[4 + HOST_NAME_MAX_];
  size_t klen;

  if (!out)
    return STORE_INVALID;
  memset(out, 0, sizeof *out);
  if (!s || !host)
    return STORE_INVALID;
  klen = st_host_key(kb, run, host, strlen(host));
  if (!klen)
    return STORE_NOTFOUND;
  return timing_get(s, DB_PERF, kb, klen, out);
}
