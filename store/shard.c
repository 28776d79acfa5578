/* store/shard.c - the shard record of a run (keyed u32 run): the night's
 * label, which shard of how many, and each site's index in the whole
 * list. */
#include "config.h"

#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

/* A label is a name, not a text: short and printable. */
#define LABEL_MAX 200

void store_shard_cleanup(struct store_shard *sh)
{
  if (!sh)
    return;
  free(sh->label);
  free(sh->index);
  memset(sh, 0, sizeof *sh);
}

int st_label_ok(const char *label)
{
  size_t n = label ? strlen(label) : 0;
  const unsigned char *p;

  if (n == 0 || n > LABEL_MAX)
    return 0;
  for (p = (const unsigned char *)label; *p; p++)
    if (*p < 0x20 || *p == 0x7f)
      return 0;
  return 1;
}

int store_shard_put(struct store *s, uint32_t run, const struct store_shard *sh)
{
  MDB_txn *txn = NULL;
  unsigned char kb[4];
  uint32_t i;
  int rc;

  if (!s || !sh || !st_label_ok(sh->label) || sh->k >= sh->n ||
      (sh->nsites && !sh->index))
    return STORE_INVALID;
  rc = st_wr_begin(s, &txn);
  if (rc)
    goto out;
  v6_buf_reset(&s->enc);
  st_enc_str(&s->enc, sh->label);
  st_enc_u32(&s->enc, sh->k);
  st_enc_u32(&s->enc, sh->n);
  st_enc_u32(&s->enc, sh->total);
  st_enc_u8(&s->enc, sh->merged ? 1 : 0);
  st_enc_u32(&s->enc, sh->nsites);
  for (i = 0; i < sh->nsites; i++)
    st_enc_u32(&s->enc, sh->index[i]);
  st_be32(kb, run);
  rc = st_put_enc(s, txn, DB_SHARDS, kb, 4);
out:
  return st_wr_end(s, rc);
}

int st_idx_dec(struct st_dec *d, uint32_t **out, uint32_t *n)
{
  uint32_t i, m = st_dec_u32(d);

  *out = NULL;
  *n = 0;
  if (d->rc)
    return d->rc;
  /* each index is 4 bytes of what is left: a bad count cannot allocate */
  if (m > (d->len - d->off) / 4)
    return d->rc = STORE_CORRUPT;
  if (m == 0)
    return STORE_OK;
  *out = malloc(m * sizeof **out);
  if (!*out)
    return d->rc = STORE_NOMEM;
  for (i = 0; i < m; i++)
    (*out)[i] = st_dec_u32(d);
  *n = m;
  return d->rc;
}

int st_shard_decode(const MDB_val *v, struct store_shard *out)
{
  struct st_dec d;

  memset(out, 0, sizeof *out);
  st_dec_init(&d, v);
  out->label = st_dec_str(&d);
  out->k = st_dec_u32(&d);
  out->n = st_dec_u32(&d);
  out->total = st_dec_u32(&d);
  out->merged = st_dec_u8(&d) != 0;
  st_idx_dec(&d, &out->index, &out->nsites);
  if (d.rc == STORE_OK && (!out->label || out->k >= out->n))
    d.rc = STORE_CORRUPT;
  if (d.rc)
    store_shard_cleanup(out);
  return d.rc;
}

int store_shard_get(struct store *s, uint32_t run, struct store_shard *out)
{
  MDB_txn *txn = NULL;
  unsigned char kb[4];
  MDB_val v;
  int rc;

  if (out)
    memset(out, 0, sizeof *out);
  if (!s || !out)
    return STORE_INVALID;
  rc = st_rd_begin(s, &txn);
  if (rc)
    goto out;
  st_be32(kb, run);
  rc = st_get(txn, s->dbi[DB_SHARDS], kb, 4, &v);
  if (rc == STORE_OK)
    rc = st_shard_decode(&v, out);
out:
  st_rd_end(s, txn);
  return rc;
}

struct listed {
  MDB_txn *txn;
  MDB_dbi runs;
};

static int shard_run_listed(const MDB_val *k, const MDB_val *v, void *ud)
{
  struct listed *l = ud;
  MDB_val r;
  int rc = st_get(l->txn, l->runs, k->mv_data, 4, &r);

  (void)v;
  return rc == STORE_NOTFOUND ? STORE_CORRUPT : rc;
}

int st_runs_listed(struct store *s, MDB_txn *txn)
{
  struct listed l;

  l.txn = txn;
  l.runs = s->dbi[DB_RUNS];
  return st_walk(txn, s->dbi[DB_SHARDS], NULL, 0, 4, shard_run_listed, &l);
}
