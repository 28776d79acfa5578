/* store/deleg.c - the delegation chains of a run's sites, keyed
 * run | site. */
#include "config.h"

#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

/* More zones or servers than this is a record that does not decode. */
#define DELEG_MAX 1024

void store_deleg_cleanup(struct store_deleg *d)
{
  size_t i, j;
  if (!d)
    return;
  for (i = 0; i < d->n_zones; i++) {
    struct store_deleg_zone *z = &d->zones[i];
    for (j = 0; j < z->n_servers; j++) {
      free(z->servers[j].name);
      free(z->servers[j].aaaa);
      free(z->servers[j].why);
    }
    free(z->servers);
    free(z->zone);
  }
  free(d->zones);
  free(d->why);
  memset(d, 0, sizeof *d);
}

int store_deleg_put(struct store *s, uint32_t run, const struct store_deleg *d)
{
  MDB_txn *txn = NULL;
  unsigned char kb[8];
  size_t i, j;
  int rc;

  if (!s || !d)
    return STORE_INVALID;
  rc = st_wr_begin(s, &txn);
  if (rc)
    goto out;
  v6_buf_reset(&s->enc);
  st_enc_u8(&s->enc, d->pass ? 1 : 0);
  st_enc_str(&s->enc, d->why);
  st_enc_u32(&s->enc, (uint32_t)d->n_zones);
  for (i = 0; i < d->n_zones; i++) {
    const struct store_deleg_zone *z = &d->zones[i];
    st_enc_str(&s->enc, z->zone);
    st_enc_u8(&s->enc, z->ok ? 1 : 0);
    st_enc_u32(&s->enc, (uint32_t)z->n_servers);
    for (j = 0; j < z->n_servers; j++) {
      st_enc_str(&s->enc, z->servers[j].name);
      st_enc_str(&s->enc, z->servers[j].aaaa);
      st_enc_u8(&s->enc, z->servers[j].ok ? 1 : 0);
      st_enc_str(&s->enc, z->servers[j].why);
    }
  }
  st_be32(kb, run);
  st_be32(kb + 4, d->site);
  rc = st_put_enc(s, txn, DB_DELEG, kb, 8);
out:
  return st_wr_end(s, rc);
}

static int deleg_decode(const MDB_val *v, struct store_deleg *d)
{
  struct st_dec dec;
  uint32_t nz, ns, i, j;

  st_dec_init(&dec, v);
  d->pass = st_dec_u8(&dec);
  d->why = st_dec_str(&dec);
  nz = st_dec_u32(&dec);
  if (dec.rc || nz > DELEG_MAX)
    return dec.rc ? dec.rc : STORE_CORRUPT;
  if (nz && !(d->zones = calloc(nz, sizeof *d->zones)))
    return STORE_NOMEM;
  for (i = 0; i < nz && !dec.rc; i++) {
    struct store_deleg_zone *z = &d->zones[d->n_zones++];
    z->zone = st_dec_str(&dec);
    z->ok = st_dec_u8(&dec);
    ns = st_dec_u32(&dec);
    if (dec.rc || ns > DELEG_MAX)
      return dec.rc ? dec.rc : STORE_CORRUPT;
    if (ns && !(z->servers = calloc(ns, sizeof *z->servers)))
      return STORE_NOMEM;
    for (j = 0; j < ns && !dec.rc; j++) {
      struct store_deleg_server *sv = &z->servers[z->n_servers++];
      sv->name = st_dec_str(&dec);
      sv->aaaa = st_dec_str(&dec);
      sv->ok = st_dec_u8(&dec);
      sv->why = st_dec_str(&dec);
    }
  }
  return dec.rc;
}

int store_deleg_get(struct store *s, uint32_t run, uint32_t site,
                    struct store_deleg *out)
{
  MDB_txn *txn = NULL;
  unsigned char kb[8];
  MDB_val v;
  int rc;

  if (!out)
    return STORE_INVALID;
  memset(out, 0, sizeof *out);
  if (!s)
    return STORE_INVALID;
  st_be32(kb, run);
  st_be32(kb + 4, site);
  rc = st_rd_begin(s, &txn);
  if (rc == STORE_OK)
    rc = st_get(txn, s->dbi[DB_DELEG], kb, 8, &v);
  if (rc == STORE_OK) {
    rc = deleg_decode(&v, out);
    out->site = site;
  }
  if (rc != STORE_OK)
    store_deleg_cleanup(out);
  st_rd_end(s, txn);
  return rc;
}
