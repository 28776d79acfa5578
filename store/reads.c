/* store/reads.c - the pages a site has read for its links, keyed
 * run | site | url id: what a resumed crawl need not read again. */
#include "config.h"

#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

void store_page_cleanup(struct store_page *p)
{
  if (!p)
    return;
  free(p->url);
  free(p->refresh);
  free(p->scripts);
  memset(p, 0, sizeof *p);
}

int store_page_put(struct store *s, uint32_t run, uint32_t site,
                   const struct store_page *p)
{
  MDB_txn *txn = NULL;
  unsigned char kb[LINK_KEY_LEN];
  uint64_t id = 0;
  int rc;

  if (!s || !p || !p->url || !*p->url || p->level < 1 || p->level > 255)
    return STORE_INVALID;
  rc = st_wr_url(s, &txn, p->url, &id);
  if (rc)
    goto out;
  v6_buf_reset(&s->enc);
  st_enc_u8(&s->enc, (unsigned)p->level);
  st_enc_u32(&s->enc, (uint32_t)p->flags);
  st_enc_str(&s->enc, p->refresh);
  st_enc_str(&s->enc, p->scripts);
  st_be32(kb, run);
  st_be32(kb + 4, site);
  st_be64(kb + 8, id);
  rc = st_put_enc(s, txn, DB_READS, kb, LINK_KEY_LEN);
out:
  return st_wr_end(s, rc);
}

static int page_decode(struct store *s, MDB_txn *txn, const MDB_val *k,
                       const MDB_val *v, void *elem)
{
  struct store_page *p = elem;
  struct st_dec d;
  int rc = st_url_dup(
    s, txn, st_get_be64((const unsigned char *)k->mv_data + 8), &p->url);

  if (rc)
    return rc;
  st_dec_init(&d, v);
  p->level = (int)st_dec_u8(&d);
  p->flags = (int)st_dec_u32(&d);
  p->refresh = st_dec_str(&d);
  p->scripts = st_dec_str(&d);
  if (d.rc)
    store_page_cleanup(p);
  return d.rc;
}

static void page_list_cleanup(void *elem)
{
  store_page_cleanup(elem);
}

static const struct st_list_spec page_list = {DB_READS, LINK_KEY_LEN,
                                              sizeof(struct store_page),
                                              page_decode, page_list_cleanup};

int store_pages_list(struct store *s, uint32_t run, uint32_t site,
                     struct store_page **out, size_t *n)
{
  void *v = NULL;
  int rc;
  if (!out)
    return STORE_INVALID;
  rc = st_site_list(s, &page_list, run, site, &v, n);
  *out = v;
  return rc;
}

void store_pages_free(struct store_page *pages, size_t n)
{
  st_list_free(pages, n, sizeof *pages, page_list_cleanup);
}
