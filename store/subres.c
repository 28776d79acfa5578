/* store/subres.c - page completeness over IPv6: the subresources each
 * page read loads (subres: run | site | page id | url id -> u32 kinds),
 * and the style sheets read for their url() (sheets: run | url id ->
 * i32 urls found or -1, str why it was not read). The subresources'
 * probes are the probes database's, shared with the links. */
#include "config.h"

#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

#define SUB_KEY_LEN 24 /* run | site | page id | url id */

int store_sub_put(struct store *s, uint32_t run, uint32_t site,
                  const char *page, const char *url, unsigned kinds)
{
  MDB_txn *txn = NULL;
  unsigned char kb[SUB_KEY_LEN];
  uint64_t pid = 0, uid = 0;
  MDB_val v;
  int rc;

  if (!s || !page || !*page || !url || !*url || !kinds)
    return STORE_INVALID;
  rc = st_wr_url(s, &txn, page, &pid);
  if (rc == STORE_OK)
    rc = st_url_id(s, txn, url, 1, &uid);
  if (rc)
    goto out;
  st_be32(kb, run);
  st_be32(kb + 4, site);
  st_be64(kb + 8, pid);
  st_be64(kb + 16, uid);
  rc = st_get(txn, s->dbi[DB_SUBRES], kb, SUB_KEY_LEN, &v);
  if (rc == STORE_OK && v.mv_size >= 4)
    kinds |= st_get_be32(v.mv_data);
  else if (rc != STORE_NOTFOUND && rc != STORE_OK)
    goto out;
  v6_buf_reset(&s->enc);
  st_enc_u32(&s->enc, kinds);
  rc = st_put_enc(s, txn, DB_SUBRES, kb, SUB_KEY_LEN);
out:
  return st_wr_end(s, rc);
}

int store_sheet_put(struct store *s, uint32_t run, const char *url, int urls,
                    const char *error)
{
  MDB_txn *txn = NULL;
  unsigned char kb[PROBE_KEY_LEN];
  uint64_t id = 0;
  int rc;

  if (!s || !url || !*url)
    return STORE_INVALID;
  rc = st_wr_url(s, &txn, url, &id);
  if (rc)
    goto out;
  v6_buf_reset(&s->enc);
  st_enc_i32(&s->enc, urls);
  st_enc_str(&s->enc, error);
  st_be32(kb, run);
  st_be64(kb + 4, id);
  rc = st_put_enc(s, txn, DB_SHEETS, kb, PROBE_KEY_LEN);
out:
  return st_wr_end(s, rc);
}

struct swalk {
  struct store *s;
  MDB_txn *txn;
  uint32_t run;
  int (*cb)(const struct store_sub_row *row, void *ud);
  void *ud;
};

/* The sheet record of url @id: urls found (-1: none) and why not. */
static int sheet_read(struct swalk *w, uint64_t id, int *urls, char **why)
{
  unsigned char kb[PROBE_KEY_LEN];
  struct st_dec d;
  MDB_val v;
  int rc;

  *urls = -1;
  *why = NULL;
  st_be32(kb, w->run);
  st_be64(kb + 4, id);
  rc = st_get(w->txn, w->s->dbi[DB_SHEETS], kb, PROBE_KEY_LEN, &v);
  if (rc == STORE_NOTFOUND)
    return STORE_OK;
  if (rc)
    return rc;
  st_dec_init(&d, &v);
  *urls = st_dec_i32(&d);
  *why = st_dec_str(&d);
  if (d.rc) {
    free(*why);
    *why = NULL;
  }
  return d.rc;
}

static int swalk_fn(const MDB_val *k, const MDB_val *v, void *ud)
{
  struct swalk *w = ud;
  const unsigned char *kp = k->mv_data;
  struct store_sub_row row;
  struct store_probe probe;
  struct store_host host;
  char *page = NULL, *url = NULL, *why = NULL, name[HOST_NAME_MAX_ + 1];
  size_t hn;
  int rc;

  memset(&row, 0, sizeof row);
  memset(&probe, 0, sizeof probe);
  memset(&host, 0, sizeof host);
  if (v->mv_size < 4)
    return STORE_CORRUPT;
  row.site = st_get_be32(kp + 4);
  row.kinds = st_get_be32(v->mv_data);
  rc = st_url_dup(w->s, w->txn, st_get_be64(kp + 8), &page);
  if (rc == STORE_OK)
    rc = st_url_dup(w->s, w->txn, st_get_be64(kp + 16), &url);
  if (rc == STORE_OK)
    rc = sheet_read(w, st_get_be64(kp + 16), &row.sheet_urls, &why);
  if (rc)
    goto out;
  row.page = page;
  row.url = url;
  row.sheet_error = why;
  row.klass = CLASS_UNMEASURED;
  rc = st_probe_read(w->s, w->txn, w->run, st_get_be64(kp + 16), &probe);
  if (rc == STORE_OK) {
    row.probe = &probe;
    row.klass = probe.klass;
  } else if (rc != STORE_NOTFOUND) {
    goto out;
  }
  hn = v6_url_host(url, name, sizeof name);
  rc =
    hn ? st_host_read(w->s, w->txn, w->run, name, hn, &host) : STORE_NOTFOUND;
  if (rc == STORE_OK)
    row.host = &host;
  else if (rc != STORE_NOTFOUND)
    goto out;
  rc = w->cb(&row, w->ud);
out:
  store_probe_cleanup(&probe);
  store_host_cleanup(&host);
  free(page);
  free(url);
  free(why);
  return rc;
}

int store_subs_each(struct store *s, uint32_t run, uint32_t site,
                    int (*cb)(const struct store_sub_row *row, void *ud),
                    void *ud)
{
  struct swalk w;
  unsigned char kb[8];
  int rc;

  if (!s || !cb)
    return STORE_INVALID;
  memset(&w, 0, sizeof w);
  w.s = s;
  w.run = run;
  w.cb = cb;
  w.ud = ud;
  st_be32(kb, run);
  st_be32(kb + 4, site);
  rc = st_rd_begin(s, &w.txn);
  if (rc == STORE_OK)
    rc = st_walk(w.txn, s->dbi[DB_SUBRES], kb, site == UINT32_MAX ? 4 : 8,
                 SUB_KEY_LEN, swalk_fn, &w);
  st_rd_end(s, w.txn);
  return rc;
}
