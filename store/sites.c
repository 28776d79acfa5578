/* store/sites.c - the sites of a run, keyed run | idx. */
#include "config.h"

#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

void store_site_cleanup(struct store_site *site)
{
  if (!site)
    return;
  free(site->start_url);
  free(site->final_url);
  free(site->scope_domain);
  free(site->name);
  free(site->unit);
  free(site->error);
  free(site->ns_hosts);
  memset(site, 0, sizeof *site);
}

int store_site_put(struct store *s, uint32_t run, const struct store_site *site)
{
  MDB_txn *txn = NULL;
  unsigned char kb[8];
  int rc;

  if (!s || !site)
    return STORE_INVALID;
  rc = st_wr_begin(s, &txn);
  if (rc)
    goto out;
  v6_buf_reset(&s->enc);
  st_enc_str(&s->enc, site->start_url);
  st_enc_str(&s->enc, site->final_url);
  st_enc_str(&s->enc, site->scope_domain);
  st_enc_str(&s->enc, site->name);
  st_enc_str(&s->enc, site->unit);
  st_enc_str(&s->enc, site->error);
  /* schema 1 records may end here (fields below came later) */
  st_enc_i32(&s->enc, site->home_tries);
  st_enc_i32(&s->enc, site->home_ok);
  st_enc_i32(&s->enc, site->consistent);
  st_enc_f64(&s->enc, site->similarity);
  st_enc_i32(&s->enc, site->ns_total);
  st_enc_i32(&s->enc, site->ns_ipv6);
  st_enc_str(&s->enc, site->ns_hosts);
  st_enc_i32(&s->enc, site->script_links);
  st_enc_i32(&s->enc, site->pages_truncated);
  st_be32(kb, run);
  st_be32(kb + 4, site->idx);
  rc = st_put_enc(s, txn, DB_SITES, kb, 8);
out:
  return st_wr_end(s, rc);
}

int st_site_decode(struct store *s, MDB_txn *txn, const MDB_val *k,
                   const MDB_val *v, void *elem)
{
  struct store_site *site = elem;
  struct st_dec d;

  (void)s;
  (void)txn;
  site->idx = st_get_be32((const unsigned char *)k->mv_data + 4);
  st_dec_init(&d, v);
  site->start_url = st_dec_str(&d);
  site->final_url = st_dec_str(&d);
  site->scope_domain = st_dec_str(&d);
  site->name = st_dec_str(&d);
  site->unit = st_dec_str(&d);
  site->error = st_dec_str(&d);
  site->consistent = -1;
  if (st_dec_more(&d)) {
    site->home_tries = st_dec_i32(&d);
    site->home_ok = st_dec_i32(&d);
    site->consistent = st_dec_i32(&d);
    site->similarity = st_dec_f64(&d);
    site->ns_total = st_dec_i32(&d);
    site->ns_ipv6 = st_dec_i32(&d);
    site->ns_hosts = st_dec_str(&d);
  }
  if (st_dec_more(&d))
    site->script_links = st_dec_i32(&d);
  if (st_dec_more(&d))
    site->pages_truncated = st_dec_i32(&d);
  if (d.rc)
    store_site_cleanup(site);
  return d.rc;
}

static void site_list_cleanup(void *elem)
{
  store_site_cleanup(elem);
}

static const struct st_list_spec site_list = {
  DB_SITES, 8, sizeof(struct store_site), st_site_decode, site_list_cleanup};

int store_sites_list(struct store *s, uint32_t run, struct store_site **out,
                     size_t *n)
{
  unsigned char kb[4];
  void *v = NULL;
  int rc;

  if (!out || !n)
    return STORE_INVALID;
  st_be32(kb, run);
  rc = st_list(s, &site_list, kb, 4, &v, n);
  *out = v;
  return rc;
}

void store_sites_free(struct store_site *sites, size_t n)
{
  st_list_free(sites, n, sizeof *sites, site_list_cleanup);
}
