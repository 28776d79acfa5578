/* store/pages.c - the pages of a run that could not be parsed as a
 * browser would (hostile HTML: nesting beyond the parser's limit, a parse
 * over its budget), with the evidence; keyed run | site | url id. */
#include "config.h"

#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

#define PAGE_KEY_LEN LINK_KEY_LEN /* run | site | url id */

void store_page_cut_cleanup(struct store_page_cut *p)
{
  if (!p)
    return;
  free(p->url);
  memset(p, 0, sizeof *p);
}

int store_page_cut_put(struct store *s, uint32_t run, uint32_t site,
                       const struct store_page_cut *p)
{
  MDB_txn *txn = NULL;
  unsigned char kb[PAGE_KEY_LEN];
  uint64_t id = 0;
  int rc;

  if (!s || !p || !p->url || !*p->url)
    return STORE_INVALID;
  rc = st_wr_url(s, &txn, p->url, &id);
  if (rc)
    goto out;
  v6_buf_reset(&s->enc);
  st_enc_i32(&s->enc, p->cut);
  st_enc_u64(&s->enc, p->bytes);
  st_enc_u64(&s->enc, p->parsed);
  st_enc_u64(&s->enc, p->depth);
  st_enc_u64(&s->enc, p->flattened);
  st_enc_u64(&s->enc, p->flat_at);
  st_site_url_key(kb, run, site, id);
  rc = st_put_enc(s, txn, DB_PAGES, kb, PAGE_KEY_LEN);
out:
  return st_wr_end(s, rc);
}

static int page_decode(struct store *s, MDB_txn *txn, const MDB_val *k,
                       const MDB_val *v, void *elem)
{
  struct store_page_cut *p = elem;
  struct st_dec d;
  int rc = st_url_dup(
    s, txn, st_get_be64((const unsigned char *)k->mv_data + 8), &p->url);

  if (rc)
    return rc;
  st_dec_init(&d, v);
  p->cut = st_dec_i32(&d);
  p->bytes = st_dec_u64(&d);
  p->parsed = st_dec_u64(&d);
  p->depth = st_dec_u64(&d);
  p->flattened = st_dec_u64(&d);
  p->flat_at = st_dec_u64(&d);
  if (d.rc)
    store_page_cut_cleanup(p);
  return d.rc;
}

static void page_list_cleanup(void *elem)
{
  store_page_cut_cleanup(elem);
}

static const struct st_list_spec page_list = {DB_PAGES, PAGE_KEY_LEN,
                                              sizeof(struct store_page_cut),
                                              page_decode, page_list_cleanup};

int store_page_cuts_list(struct store *s, uint32_t run, uint32_t site,
                         struct store_page_cut **out, size_t *n)
{
  void *v = NULL;
  int rc;
  if (!out)
    return STORE_INVALID;
  rc = st_site_list(s, &page_list, run, site, &v, n);
  *out = v;
  return rc;
}

void store_page_cuts_free(struct store_page_cut *p, size_t n)
{
  st_list_free(p, n, sizeof *p, page_list_cleanup);
}
