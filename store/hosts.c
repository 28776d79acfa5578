/* store/hosts.c - the DNS answers of a run's hosts, keyed run | name in
 * lower case. */
#include "config.h"

#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

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
size_t st_host_key(unsigned char *kb, uint32_t run, const char *name, size_t n)
{
  size_t i;

  if (n == 0 || n > HOST_NAME_MAX_)
    return 0;
  st_be32(kb, run);
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
  klen = st_host_key(kb, run, h->name, strlen(h->name));
  if (!klen)
    return STORE_INVALID;
  rc = st_wr_begin(s, &txn);
  if (rc)
    goto out;
  v6_buf_reset(&s->enc);
  st_enc_str(&s->enc, h->cnames);
  st_enc_str(&s->enc, h->a);
  st_enc_str(&s->enc, h->aaaa);
  st_enc_str(&s->enc, h->a_error);
  st_enc_str(&s->enc, h->aaaa_error);
  st_enc_i32(&s->enc, h->usable_a);
  st_enc_i32(&s->enc, h->usable_aaaa);
  st_enc_f64(&s->enc, h->a_ms);
  st_enc_f64(&s->enc, h->aaaa_ms);
  rc = st_put_enc(s, txn, DB_HOSTS, kb, klen);
out:
  return st_wr_end(s, rc);
}

int st_host_read(struct store *s, MDB_txn *txn, uint32_t run, const char *name,
                 size_t n, struct store_host *out)
{
  unsigned char kb[4 + HOST_NAME_MAX_];
  size_t klen;
  struct st_dec d;
  MDB_val v;
  int rc;

  memset(out, 0, sizeof *out);
  klen = st_host_key(kb, run, name, n);
  if (!klen)
    return STORE_NOTFOUND;
  rc = st_get(txn, s->dbi[DB_HOSTS], kb, klen, &v);
  if (rc)
    return rc;
  out->name = malloc(n + 1);
  if (!out->name)
    return STORE_NOMEM;
  memcpy(out->name, kb + 4, n);
  out->name[n] = '\0';
  st_dec_init(&d, &v);
  out->cnames = st_dec_str(&d);
  out->a = st_dec_str(&d);
  out->aaaa = st_dec_str(&d);
  out->a_error = st_dec_str(&d);
  out->aaaa_error = st_dec_str(&d);
  out->usable_a = st_dec_i32(&d);
  out->usable_aaaa = st_dec_i32(&d);
  if (st_dec_more(&d)) {
    out->a_ms = st_dec_f64(&d);
    out->aaaa_ms = st_dec_f64(&d);
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
  if (!name)
    return STORE_INVALID;
  rc = st_rd_begin(s, &txn);
  if (rc == STORE_OK)
    rc = st_host_read(s, txn, run, name, strlen(name), out);
  st_rd_end(s, txn);
  return rc;
}
