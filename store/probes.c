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

/* A chain's first line names the probe's own URL ("200 http://..."), and
 * that URL is the record's key already: a record leaves it out when it
 * can, which halves the record. The class byte's high bits say that the
 * IPv6 (PROBE_V6_SELF) or IPv4 (PROBE_V4_SELF) chain's first line ends
 * where the URL was cut; st_probe_read puts it back. A record without the
 * bits (every record before them) is read as it is. */
#define PROBE_V6_SELF  0x40u
#define PROBE_V4_SELF  0x80u
#define PROBE_CLASS(b) ((b)&0x3fu)

/* The length of @hops's first line when it ends in " " @url (@ul bytes),
 * else 0. */
static size_t hop_self_len(const char *hops, const char *url, size_t ul)
{
  const char *eol;
  size_t n;
  if (!hops || !ul)
    return 0;
  eol = strchr(hops, '\n');
  n = eol ? (size_t)(eol - hops) : strlen(hops);
  if (n <= ul || hops[n - ul - 1] != ' ' || memcmp(hops + n - ul, url, ul))
    return 0;
  return n;
}

/* @hops without the @ul bytes of the URL that end its first line, which
 * is @first bytes long (hop_self_len). */
static void hops_encode_cut(struct v6_buf *b, const char *hops, size_t first,
                            size_t ul)
{
  size_t rest = strlen(hops + first);
  if (first - ul + rest >= STR_NULL) {
    b->toobig = 1; /* as st_enc_str */
    return;
  }
  st_enc_u32(b, (uint32_t)(first - ul + rest));
  (void)v6_buf_putn(b, hops, first - ul);
  (void)v6_buf_putn(b, hops + first, rest);
}

/* @f's hops with @url (@ul bytes) put back at the end of the first line;
 * 0, or STORE_NOMEM. */
static int hops_expand(struct store_family *f, const char *url, size_t ul)
{
  const char *eol;
  size_t first, n;
  char *out;
  if (!f->hops)
    return STORE_CORRUPT; /* the bit says there is a chain */
  eol = strchr(f->hops, '\n');
  n = strlen(f->hops);
  first = eol ? (size_t)(eol - f->hops) : n;
  out = malloc(n + ul + 1);
  if (!out)
    return STORE_NOMEM;
  memcpy(out, f->hops, first);
  memcpy(out + first, url, ul);
  memcpy(out + first + ul, f->hops + first, n - first + 1);
  free(f->hops);
  f->hops = out;
  return STORE_OK;
}

/* @f, its hops without the URL that ends their first line when @first
 * (hop_self_len) is not 0. */
static void family_encode(struct v6_buf *b, const struct store_family *f,
                          size_t first, size_t ul)
{
  st_enc_u8(b, f->ok ? 1 : 0);
  st_enc_i32(b, f->status);
  st_enc_str(b, f->error);
  if (first)
    hops_encode_cut(b, f->hops, first, ul);
  else
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
  return store_probe_put_ref(s, run, p, 0);
}

int store_probe_put_ref(struct store *s, uint32_t run,
                        const struct store_probe *p, uint64_t ref)
{
  MDB_txn *txn = NULL;
  unsigned char kb[PROBE_KEY_LEN];
  uint64_t id = 0;
  size_t ul, f6, f4;
  int rc;

  if (!s || !p || !p->url || !*p->url || p->klass < 0 || p->klass >= CLASS__N)
    return STORE_INVALID;
  /* a reference spares the lookup of the URL: at a million links most of
   * the store's page faults were that lookup, a probe finishing long
   * after its link was stored */
  if (st_url_ref_id(s, ref, &id))
    rc = st_wr_begin(s, &txn);
  else
    rc = st_wr_url(s, &txn, p->url, &id);
  if (rc)
    goto out;
  ul = strlen(p->url);
  f6 = hop_self_len(p->v6.hops, p->url, ul);
  f4 = hop_self_len(p->v4.hops, p->url, ul);
  v6_buf_reset(&s->enc);
  st_enc_u8(&s->enc, (unsigned)p->klass | (f6 ? PROBE_V6_SELF : 0) |
                       (f4 ? PROBE_V4_SELF : 0));
  family_encode(&s->enc, &p->v6, f6, ul);
  family_encode(&s->enc, &p->v4, f4, ul);
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
  unsigned kb0;
  int rc;

  memset(out, 0, sizeof *out);
  probe_key(kb, run, id);
  rc = st_get(txn, s->dbi[DB_PROBES], kb, PROBE_KEY_LEN, &v);
  if (rc)
    return rc;
  st_dec_init(&d, &v);
  kb0 = st_dec_u8(&d);
  out->klass = (int)PROBE_CLASS(kb0);
  family_decode(&d, &out->v6);
  family_decode(&d, &out->v4);
  if (!d.rc && out->klass >= CLASS__N)
    d.rc = STORE_CORRUPT;
  if (!d.rc && (kb0 & (PROBE_V6_SELF | PROBE_V4_SELF))) {
    MDB_val u;
    d.rc = st_url_str(s, txn, id, &u);
    if (!d.rc && (kb0 & PROBE_V6_SELF))
      d.rc = hops_expand(&out->v6, u.mv_data, u.mv_size);
    if (!d.rc && (kb0 & PROBE_V4_SELF))
      d.rc = hops_expand(&out->v4, u.mv_data, u.mv_size);
  }
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
  if (v.mv_size < 1 ||
      PROBE_CLASS(*(const unsigned char *)v.mv_data) >= CLASS__N)
    return STORE_CORRUPT;
  *klass = (int)PROBE_CLASS(*(const unsigned char *)v.mv_data);
  return STORE_OK;
}
