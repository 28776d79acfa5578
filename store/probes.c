/* store/probes.c - the probe result of each URL of a run, keyed
 * run | url id. */
#include "config.h"

#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

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

static void family_encode(struct v6_buf *b, const struct store_family *f)
{
  st_enc_u8(b, f->ok ? 1 : 0);
  st_enc_i32(b, f->status);
  st_enc_str(b, f->error);
  st_enc_str(b, f->hops);
  st_enc_f64(b, f->connect_ms);
  st_enc_f64(b, f->first_byte_ms);
  st_enc_f64(b, f->total_ms);
}

static void family_decode(struct st_dec *d, struct store_family *f)
{
  f->ok = (int)st_dec_u8(d);
  f->status = st_dec_i32(d);
  f->error = st_dec_str(d);
  f->hops = st_dec_str(d);
  f->connect_ms = st_dec_f64(d);
  f->first_byte_ms = st_dec_f64(d);
  f->total_ms = st_dec_f64(d);
}

static void probe_key(unsigned char *kb, uint32_t run, uint64_t id)
{
  st_be32(kb, run);
  st_be64(kb + 4, id);
}

int store_probe_put(struct store *s, uint32_t run, const struct store_probe *p)
{
  MDB_txn *txn = NULL;
  unsigned char kb[PROBE_KEY_LEN];
  uint64_t id = 0;
  int rc;

  if (!s || !p || !p->url || !*p->url || p->klass < 0 || p->klass >= CLASS__N)
    return STORE_INVALID;
  rc = st_wr_url(s, &txn, p->url, &id);
  if (rc)
    goto out;
  v6_buf_reset(&s->enc);
  st_enc_u8(&s->enc, (unsigned)p->klass);
  family_encode(&s->enc, &p->v6);
  family_encode(&s->enc, &p->v4);
  probe_key(kb, run, id);
  rc = st_put_enc(s, txn, DB_PROBES, kb, PROBE_KEY_LEN);
out:
  return st_wr_end(s, rc);
}

int st_probe_read(struct store *s, MDB_txn *txn, uint32_t run, uint64_t id,
                  struct store_probe *out)
{
  unsigned char kb[PROBE_KEY_LEN];
  struct st_dec d;
  MDB_val v;
  int rc;

  memset(out, 0, sizeof *out);
  probe_key(kb, run, id);
  rc = st_get(txn, s->dbi[DB_PROBES], kb, PROBE_KEY_LEN, &v);
  if (rc)
    return rc;
  st_dec_init(&d, &v);
  out->klass = (int)st_dec_u8(&d);
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
  if (!url || !*url)
    return STORE_INVALID;
  rc = st_rd_begin(s, &txn);
  if (rc)
    goto out;
  rc = st_url_id(s, txn, url, 0, &id);
  if (rc)
    goto out;
  rc = st_probe_read(s, txn, run, id, out);
  if (rc)
    goto out;
  out->url = strdup(url);
  if (!out->url) {
    store_probe_cleanup(out);
    rc = STORE_NOMEM;
  }
out:
  st_rd_end(s, txn);
  return rc;
}

int st_link_klass(struct store *s, MDB_txn *txn, uint32_t run, uint64_t id,
                  int kind, int *klass)
{
  unsigned char kb[PROBE_KEY_LEN];
  MDB_val v;
  int rc;

  if (kind != LINK_HTTP) {
    *klass = CLASS_SKIPPED;
    return STORE_OK;
  }
  probe_key(kb, run, id);
  rc = st_get(txn, s->dbi[DB_PROBES], kb, PROBE_KEY_LEN, &v);
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
