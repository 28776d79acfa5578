/* store/conds.c - the conditions of a run (version, DNS servers, the
 * public suffix list's date), keyed run | key. */
#include "config.h"

#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

#define COND_KEY_MAX 64

/* The key run | @key into @kb; its length, or 0 for a bad @key. */
static size_t cond_key(unsigned char *kb, uint32_t run, const char *key)
{
  size_t n = key ? strlen(key) : 0;

  if (n == 0 || n > COND_KEY_MAX)
    return 0;
  st_be32(kb, run);
  memcpy(kb + 4, key, n);
  return 4 + n;
}

int store_cond_put(struct store *s, uint32_t run, const char *key,
                   const char *value)
{
  MDB_txn *txn = NULL;
  unsigned char kb[4 + COND_KEY_MAX];
  size_t klen = cond_key(kb, run, key);
  int rc;

  if (!s || !klen || !value)
    return STORE_INVALID;
  rc = st_wr_begin(s, &txn);
  if (rc)
    goto out;
  v6_buf_reset(&s->enc);
  st_enc_str(&s->enc, value);
  rc = st_put_enc(s, txn, DB_CONDS, kb, klen);
out:
  return st_wr_end(s, rc);
}

int store_cond_get(struct store *s, uint32_t run, const char *key, char **out)
{
  MDB_txn *txn = NULL;
  unsigned char kb[4 + COND_KEY_MAX];
  size_t klen = cond_key(kb, run, key);
  struct st_dec d;
  MDB_val v;
  int rc;

  if (!out)
    return STORE_INVALID;
  *out = NULL;
  if (!s || !klen)
    return STORE_INVALID;
  if (st_db_absent(s, DB_CONDS))
    return STORE_NOTFOUND; /* a store from before the database, read-only */
  rc = st_rd_begin(s, &txn);
  if (rc == STORE_OK)
    rc = st_get(txn, s->dbi[DB_CONDS], kb, klen, &v);
  if (rc)
    goto out;
  st_dec_init(&d, &v);
  *out = st_dec_str(&d);
  rc = d.rc;
  if (rc == STORE_OK && !*out)
    rc = STORE_CORRUPT;
  if (rc) {
    free(*out);
    *out = NULL;
  }
out:
  st_rd_end(s, txn);
  return rc;
}
