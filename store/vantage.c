/* store/vantage.c - the vantage point's checks and outages of a run, keyed
 * run | seq. */
#include "config.h"

#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

const char *store_vantage_how_name(int how)
{
  static const char *const names[STORE_VANTAGE__N] = {"start", "failures",
                                                      "periodic", "end"};
  return how >= 0 && how < STORE_VANTAGE__N ? names[how] : "?";
}

int store_vantage_put(struct store *s, uint32_t run,
                      const struct store_vantage *v)
{
  MDB_txn *txn = NULL;
  unsigned char kb[8];
  int rc;

  if (!s || !v || v->how < 0 || v->how >= STORE_VANTAGE__N)
    return STORE_INVALID;
  rc = st_wr_begin(s, &txn);
  if (rc)
    goto out;
  v6_buf_reset(&s->enc);
  st_enc_u8(&s->enc, (unsigned)v->how);
  st_enc_i64(&s->enc, v->start_ms);
  st_enc_i64(&s->enc, v->end_ms);
  st_enc_i32(&s->enc, v->ipv4);
  st_enc_i32(&s->enc, v->ipv6);
  st_enc_i32(&s->enc, v->reasked);
  st_enc_i32(&s->enc, v->unmeasured);
  st_enc_str(&s->enc, v->detail);
  st_be32(kb, run);
  st_be32(kb + 4, v->seq);
  rc = st_put_enc(s, txn, DB_VANTAGE, kb, 8);
out:
  return st_wr_end(s, rc);
}

static void vantage_cleanup(void *elem)
{
  struct store_vantage *v = elem;
  free(v->detail);
  v->detail = NULL;
}

static int vantage_decode(struct store *s, MDB_txn *txn, const MDB_val *k,
                          const MDB_val *v, void *elem)
{
  struct store_vantage *out = elem;
  struct st_dec d;

  (void)s;
  (void)txn;
  out->seq = st_get_be32((const unsigned char *)k->mv_data + 4);
  st_dec_init(&d, v);
  out->how = (int)st_dec_u8(&d);
  out->start_ms = st_dec_i64(&d);
  out->end_ms = st_dec_i64(&d);
  out->ipv4 = st_dec_i32(&d);
  out->ipv6 = st_dec_i32(&d);
  out->reasked = st_dec_i32(&d);
  out->unmeasured = st_dec_i32(&d);
  out->detail = st_dec_str(&d);
  if (!d.rc && out->how >= STORE_VANTAGE__N)
    d.rc = STORE_CORRUPT;
  if (d.rc)
    vantage_cleanup(out);
  return d.rc;
}

static const struct st_list_spec vantage_list = {
  DB_VANTAGE, 8, sizeof(struct store_vantage), vantage_decode, vantage_cleanup};

int store_vantage_list(struct store *s, uint32_t run,
                       struct store_vantage **out, size_t *n)
{
  unsigned char kb[4];
  void *v = NULL;
  int rc;

  if (!out || !n)
    return STORE_INVALID;
  *out = NULL;
  *n = 0;
  if (s && st_db_absent(s, DB_VANTAGE))
    return STORE_OK; /* a store from before the database, read-only */
  st_be32(kb, run);
  rc = st_list(s, &vantage_list, kb, 4, &v, n);
  *out = v;
  return rc;
}

void store_vantage_free(struct store_vantage *v, size_t n)
{
  st_list_free(v, n, sizeof *v, vantage_cleanup);
}
