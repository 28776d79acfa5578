/* store/urls.c - interned URLs.
 *
 * URLs are interned once across runs, so a link, an edge or a probe costs
 * 8 bytes per URL instead of the string. LMDB keys are limited to 511
 * bytes; a URL up to URL_KEY_MAX bytes is its own key, a longer one is
 * keyed by its first URL_KEY_PREFIX bytes, a NUL (which a short key never
 * contains), a salt byte and a 64-bit FNV-1a hash (v6_hash_add, of the
 * salt byte then the URL), and a hit is confirmed against url_ids (on a
 * collision the next salt is tried). The next url id is read once per
 * write transaction from the last url_ids key, and new ids are appended
 * with MDB_APPEND. */
#include "config.h"

#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

/* Fill @key for @url; returns 1 when the key is hashed (see the top). */
static int url_key(const char *url, size_t n, unsigned salt, unsigned char *buf,
                   MDB_val *key)
{
  if (n <= URL_KEY_MAX) {
    key->mv_data = (void *)url;
    key->mv_size = n;
    return 0;
  }
  memcpy(buf, url, URL_KEY_PREFIX);
  buf[URL_KEY_PREFIX] = '\0';
  buf[URL_KEY_PREFIX + 1] = (unsigned char)salt;
  st_be64(buf + URL_KEY_PREFIX + 2,
          v6_hash_add(v6_hash_byte(V6_HASH_INIT, (unsigned char)salt), url, n));
  key->mv_data = buf;
  key->mv_size = URL_HKEY_LEN;
  return 1;
}

static int url_new(struct store *s, MDB_txn *txn, const MDB_val *key,
                   const char *url, size_t n, uint64_t *id)
{
  MDB_val k;
  unsigned char ib[8];
  int rc;

  if (s->next_url == 0) {
    rc = st_last_key(txn, s->dbi[DB_URL_IDS], 8, &k);
    if (rc == STORE_NOTFOUND)
      s->next_url = 1;
    else if (rc)
      return rc;
    else
      s->next_url = st_get_be64(k.mv_data) + 1;
  }
  st_be64(ib, s->next_url);
  rc = st_put(txn, s->dbi[DB_URLS], key->mv_data, key->mv_size, ib, 8, 0);
  if (rc)
    return rc;
  /* ids only grow, so appending skips the search */
  rc = st_put(txn, s->dbi[DB_URL_IDS], ib, 8, url, n, MDB_APPEND);
  if (rc)
    return rc;
  *id = s->next_url++;
  return STORE_OK;
}

static int url_id_lookup(struct store *s, MDB_txn *txn, const char *url,
                         size_t n, int create, uint64_t *id)
{
  unsigned char kb[URL_HKEY_LEN], ib[8];
  MDB_val k, v;
  unsigned salt;
  uint64_t cand;
  int hashed, rc;

  for (salt = 0; salt < 256; salt++) {
    hashed = url_key(url, n, salt, kb, &k);
    rc = st_get(txn, s->dbi[DB_URLS], k.mv_data, k.mv_size, &v);
    if (rc == STORE_NOTFOUND)
      return create ? url_new(s, txn, &k, url, n, id) : STORE_NOTFOUND;
    if (rc)
      return rc;
    if (v.mv_size != 8)
      return STORE_CORRUPT;
    cand = st_get_be64(v.mv_data);
    if (!hashed) {
      *id = cand;
      return STORE_OK;
    }
    /* a hashed key may collide: confirm against the string */
    st_be64(ib, cand);
    rc = st_get(txn, s->dbi[DB_URL_IDS], ib, 8, &v);
    if (rc)
      return rc == STORE_NOTFOUND ? STORE_CORRUPT : rc;
    if (v.mv_size == n && memcmp(v.mv_data, url, n) == 0) {
      *id = cand;
      return STORE_OK;
    }
  }
  return STORE_FULL; /* 256 colliding 64-bit hashes */
}

/* the cache of st_url_id: this many slots, a power of two */
#define URL_CACHE_N 512

struct st_url_slot {
  char *url;  /* owned; NULL: empty */
  size_t n;   /* the URL's length (0: empty slot) */
  size_t cap; /* bytes at url */
  uint64_t id;
};

void st_url_cache_drop(struct store *s, int all)
{
  size_t i;
  s->url_epoch++;
  if (!s->url_cache)
    return;
  for (i = 0; i < URL_CACHE_N; i++)
    s->url_cache[i].n = 0;
  if (all) {
    for (i = 0; i < URL_CACHE_N; i++)
      free(s->url_cache[i].url);
    free(s->url_cache);
    s->url_cache = NULL;
  }
}

/* Remember @url (@n bytes) -> @id in @sl, whose buffer is reused when it
 * is big enough; out of memory only costs the cache. */
static void url_cache_put(struct st_url_slot *sl, const char *url, size_t n,
                          uint64_t id)
{
  if (!sl)
    return;
  if (sl->cap < n + 1) {
    char *p = realloc(sl->url, n + 1);
    if (!p) {
      sl->n = 0;
      return;
    }
    sl->url = p;
    sl->cap = n + 1;
  }
  memcpy(sl->url, url, n + 1);
  sl->n = n;
  sl->id = id;
}

int st_url_id_stored(struct store *s, MDB_txn *txn, const char *url,
                     uint64_t *id)
{
  if (!url || !*url)
    return STORE_INVALID;
  return url_id_lookup(s, txn, url, strlen(url), 0, id);
}

int st_url_id(struct store *s, MDB_txn *txn, const char *url, int create,
              uint64_t *id)
{
  struct st_url_slot *sl = NULL;
  size_t n;
  int rc;

  if (!url || !*url)
    return STORE_INVALID;
  n = strlen(url);
  if (!s->url_cache)
    s->url_cache = calloc(URL_CACHE_N, sizeof(*s->url_cache));
  if (s->url_cache) {
    sl = &s->url_cache[v6_hash_str(url) & (URL_CACHE_N - 1)];
    if (sl->n && sl->n == n && memcmp(url, sl->url, n) == 0) {
      *id = sl->id;
      return STORE_OK;
    }
  }
  rc = url_id_lookup(s, txn, url, n, create, id);
  if (rc == STORE_OK)
    url_cache_put(sl, url, n, *id);
  if (++s->lookups % ST_RELIEVE_EVERY == 0)
    st_env_relieve(s->env);
  return rc;
}

int st_wr_url(struct store *s, MDB_txn **txn, const char *url, uint64_t *id)
{
  int rc = st_wr_begin(s, txn);

  return rc ? rc : st_url_id(s, *txn, url, 1, id);
}

/* A reference is an id below 2^48 with the low 16 bits of the epoch it
 * was taken in above it (enough: a crawl stops at its first failed
 * write, so its epoch never comes round again). */
#define REF_ID_BITS 48
#define REF_ID_MASK ((UINT64_C(1) << REF_ID_BITS) - 1)

int store_url_ref(struct store *s, const char *url, uint64_t *ref)
{
  MDB_txn *txn = NULL;
  uint64_t id = 0;
  int rc;

  if (!ref)
    return STORE_INVALID;
  *ref = 0;
  if (!s || !url || !*url)
    return STORE_INVALID;
  rc = st_wr_end(s, st_wr_url(s, &txn, url, &id));
  if (rc == STORE_OK && id && id <= REF_ID_MASK)
    *ref = (uint64_t)(s->url_epoch & 0xffffu) << REF_ID_BITS | id;
  return rc;
}

int st_url_ref_id(const struct store *s, uint64_t ref, uint64_t *id)
{
  if (!ref || (ref >> REF_ID_BITS) != (s->url_epoch & 0xffffu))
    return 0;
  *id = ref & REF_ID_MASK;
  return 1;
}

int st_url_str(struct store *s, MDB_txn *txn, uint64_t id, MDB_val *v)
{
  unsigned char ib[8];
  int rc;

  st_be64(ib, id);
  rc = st_get(txn, s->dbi[DB_URL_IDS], ib, 8, v);
  return rc == STORE_NOTFOUND ? STORE_CORRUPT : rc;
}

int st_url_dup(struct store *s, MDB_txn *txn, uint64_t id, char **out)
{
  MDB_val v;
  int rc = st_url_str(s, txn, id, &v);

  *out = NULL;
  if (rc)
    return rc;
  *out = malloc(v.mv_size + 1);
  if (!*out)
    return STORE_NOMEM;
  memcpy(*out, v.mv_data, v.mv_size);
  (*out)[v.mv_size] = '\0';
  return STORE_OK;
}
