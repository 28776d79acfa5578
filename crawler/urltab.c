/* crawler/urltab.c - the crawl's URLs, each known by a fingerprint.
 *
 * A crawl meets every distinct URL once and keeps what it learned of it
 * (its probe, then the word of its class) to the end, and each site keeps
 * the level it first saw it at. At a million URLs their text alone was
 * 60 MiB and the two string-keyed maps 64 MiB more, so neither the text
 * nor a pointer to it is kept here: an entry is the URL's 128-bit
 * fingerprint and its value, the table's slots are 32-bit entry numbers,
 * and a site's seen set holds entry numbers with the level packed in.
 *
 * The fingerprint is SipHash-2-4 with 128-bit output under a key drawn
 * at random for each table. Two distinct URLs share one with probability
 * about n^2 / 2^129 (3e-27 for a million URLs), and as the key is secret
 * and new for every run, no page can be written to make two of its links
 * collide. doc/measurement.md "How a crawl knows a URL" says so too. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "crawler/crawl_int.h"

/* entries are kept in pages of this many (no page is ever moved) */
#define UTAB_PAGE_BITS 12
#define UTAB_PAGE      (1u << UTAB_PAGE_BITS)
/* entry numbers are 1.. this (a seen slot packs one with a level) */
#define UTAB_MAX_ID ((UINT32_C(1) << (32 - IDSET_LEVEL_BITS)) - 1)

/* ---- SipHash-2-4-128 (Aumasson and Bernstein, 2012) ---- */

static uint64_t rotl(uint64_t x, int b)
{
  return (x << b) | (x >> (64 - b));
}

static uint64_t le64(const unsigned char *p)
{
  uint64_t x = 0;
  int i;
  for (i = 7; i >= 0; i--)
    x = (x << 8) | p[i];
  return x;
}

static void sip_rounds(uint64_t v[4], int n)
{
  while (n-- > 0) {
    v[0] += v[1];
    v[1] = rotl(v[1], 13);
    v[1] ^= v[0];
    v[0] = rotl(v[0], 32);
    v[2] += v[3];
    v[3] = rotl(v[3], 16);
    v[3] ^= v[2];
    v[0] += v[3];
    v[3] = rotl(v[3], 21);
    v[3] ^= v[0];
    v[2] += v[1];
    v[1] = rotl(v[1], 17);
    v[1] ^= v[2];
    v[2] = rotl(v[2], 32);
  }
}

static void sip_block(uint64_t v[4], uint64_t m)
{
  v[3] ^= m;
  sip_rounds(v, 2);
  v[0] ^= m;
}

void utab_siphash128(const uint64_t key[2], const void *data, size_t n,
                     uint64_t out[2])
{
  const unsigned char *p = data;
  unsigned char last[8] = {0};
  uint64_t v[4];
  size_t i;
  v[0] = key[0] ^ UINT64_C(0x736f6d6570736575);
  v[1] = key[1] ^ UINT64_C(0x646f72616e646f6d) ^ 0xee;
  v[2] = key[0] ^ UINT64_C(0x6c7967656e657261);
  v[3] = key[1] ^ UINT64_C(0x7465646279746573);
  for (i = 0; i + 8 <= n; i += 8)
    sip_block(v, le64(p + i));
  if (n > i)
    memcpy(last, p + i, n - i);
  sip_block(v, le64(last) | ((uint64_t)(n & 0xff) << 56));
  v[2] ^= 0xee;
  sip_rounds(v, 4);
  out[0] = v[0] ^ v[1] ^ v[2] ^ v[3];
  v[1] ^= 0xdd;
  sip_rounds(v, 4);
  out[1] = v[0] ^ v[1] ^ v[2] ^ v[3];
}

/* ---- the table ---- */

struct utab_ent {
  uint64_t fp[2];
  void *val;
};

/* A fresh key: the kernel's randomness, else the clock and the process
 * (still unknown to the pages, which are all a key is kept from). */
static void utab_key(struct utab *t)
{
  struct timespec ts;
  if (getrandom(t->key, sizeof t->key, GRND_NONBLOCK) == (ssize_t)sizeof t->key)
    return;
  clock_gettime(CLOCK_REALTIME, &ts);
  t->key[0] =
    (uint64_t)ts.tv_nsec * UINT64_C(0x9e3779b97f4a7c15) ^ (uint64_t)ts.tv_sec;
  t->key[1] = ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)t;
}

static struct utab_ent *ent(const struct utab *t, uint32_t id)
{
  uint32_t i = id - 1;
  return &t->pages[i >> UTAB_PAGE_BITS][i & (UTAB_PAGE - 1)];
}

void utab_fp(struct utab *t, const char *url, struct utab_fp *fp)
{
  if (!t->keyed) {
    utab_key(t);
    t->keyed = 1;
  }
  utab_siphash128(t->key, url, strlen(url), fp->h);
}

uint32_t utab_find_fp(const struct utab *t, const struct utab_fp *fp)
{
  size_t i;
  uint32_t id;
  if (!t->cap)
    return 0;
  for (i = (size_t)fp->h[0] & (t->cap - 1); (id = t->slot[i]);
       i = (i + 1) & (t->cap - 1)) {
    const struct utab_ent *e = ent(t, id);
    if (e->fp[0] == fp->h[0] && e->fp[1] == fp->h[1])
      return id;
  }
  return 0;
}

uint32_t utab_find(const struct utab *t, const char *url)
{
  struct utab_fp fp;
  if (!t->cap)
    return 0; /* and maybe not keyed yet */
  utab_siphash128(t->key, url, strlen(url), fp.h);
  return utab_find_fp(t, &fp);
}

/* Slot tables (the URL table's and the seen sets') hold nonzero 32-bit
 * values, linear probing over a power of two of slots: @v into the first
 * free slot from @i of @s's @cap. */
static void slot_put(uint32_t *s, size_t cap, size_t i, uint32_t v)
{
  while (s[i])
    i = (i + 1) & (cap - 1);
  s[i] = v;
}

/* @*slot's @*cap slots moved into twice as many (1024 at first), each
 * value from its home @home(@ctx, value, new cap); -1 when out of memory
 * (then nothing changed). */
static int slots_double(uint32_t **slot, size_t *cap,
                        size_t (*home)(const void *ctx, uint32_t v, size_t cap),
                        const void *ctx)
{
  size_t n = *cap ? *cap * 2 : 1024, i;
  uint32_t *s = calloc(n, sizeof(*s));
  if (!s)
    return -1;
  for (i = 0; i < *cap; i++)
    if ((*slot)[i])
      slot_put(s, n, home(ctx, (*slot)[i], n), (*slot)[i]);
  free(*slot);
  *slot = s;
  *cap = n;
  return 0;
}

/* slots_double's home of entry @id: by its fingerprint */
static size_t utab_home(const void *t, uint32_t id, size_t cap)
{
  return (size_t)ent(t, id)->fp[0] & (cap - 1);
}

uint32_t utab_add_fp(struct utab *t, const struct utab_fp *fp, void *val)
{
  size_t page = t->n >> UTAB_PAGE_BITS;
  uint32_t id;
  struct utab_ent *e;
  if (t->n >= UTAB_MAX_ID)
    return 0;
  if ((t->n + 1) * 4 > t->cap * 3 &&
      slots_double(&t->slot, &t->cap, utab_home, t) < 0)
    return 0;
  if (page == t->n_pages) {
    struct utab_ent **pv;
    if (page == t->pages_cap) {
      size_t ncap = t->pages_cap ? t->pages_cap * 2 : 16;
      if (!(pv = realloc(t->pages, ncap * sizeof(*pv))))
        return 0;
      t->pages = pv;
      t->pages_cap = ncap;
    }
    if (!(t->pages[page] = malloc(UTAB_PAGE * sizeof(struct utab_ent))))
      return 0;
    t->n_pages++;
  }
  id = (uint32_t)++t->n;
  e = ent(t, id);
  e->fp[0] = fp->h[0];
  e->fp[1] = fp->h[1];
  e->val = val;
  slot_put(t->slot, t->cap, (size_t)fp->h[0] & (t->cap - 1), id);
  return id;
}

uint32_t utab_intern(struct utab *t, const char *url)
{
  struct utab_fp fp;
  uint32_t id;
  utab_fp(t, url, &fp);
  id = utab_find_fp(t, &fp);
  return id ? id : utab_add_fp(t, &fp, NULL);
}

void *utab_val(const struct utab *t, uint32_t id)
{
  return id && id <= t->n ? ent(t, id)->val : NULL;
}

void utab_val_set(struct utab *t, uint32_t id, void *val)
{
  if (id && id <= t->n)
    ent(t, id)->val = val;
}

void *utab_get(const struct utab *t, const char *url)
{
  return utab_val(t, utab_find(t, url));
}

uint32_t utab_set(struct utab *t, const char *url, void *val)
{
  uint32_t id = utab_intern(t, url);
  utab_val_set(t, id, val);
  return id;
}

void utab_each(const struct utab *t, void (*fn)(void *val, void *arg),
               void *arg)
{
  uint32_t id;
  for (id = 1; id <= t->n; id++) {
    void *v = ent(t, id)->val;
    if (v)
      fn(v, arg);
  }
}

void utab_clear(struct utab *t, void (*free_val)(void *))
{
  size_t i;
  uint32_t id;
  for (id = 1; free_val && id <= t->n; id++)
    if (ent(t, id)->val)
      free_val(ent(t, id)->val);
  for (i = 0; i < t->n_pages; i++)
    free(t->pages[i]);
  free(t->pages);
  free(t->slot);
  memset(t, 0, sizeof(*t));
}

/* ---- a set of entry numbers, each with a level ---- */

static size_t idset_slot(uint32_t id, size_t cap)
{
  return (size_t)((id * UINT64_C(0x9e3779b97f4a7c15)) >> 20) & (cap - 1);
}

int idset_get(const struct idset *s, uint32_t id)
{
  size_t i;
  uint32_t v;
  if (!s->cap || !id)
    return 0;
  for (i = idset_slot(id, s->cap); (v = s->slot[i]); i = (i + 1) & (s->cap - 1))
    if (v >> IDSET_LEVEL_BITS == id)
      return (int)(v & ((1u << IDSET_LEVEL_BITS) - 1));
  return 0;
}

/* slots_double's home of a seen slot: by its entry number */
static size_t idset_home(const void *ctx, uint32_t v, size_t cap)
{
  (void)ctx;
  return idset_slot(v >> IDSET_LEVEL_BITS, cap);
}

int idset_put(struct idset *s, uint32_t id, int level)
{
  if (!id || id > UTAB_MAX_ID || level < 1 || level >= (1 << IDSET_LEVEL_BITS))
    return -1;
  if ((s->n + 1) * 4 > s->cap * 3 &&
      slots_double(&s->slot, &s->cap, idset_home, NULL) < 0)
    return -1;
  slot_put(s->slot, s->cap, idset_slot(id, s->cap),
           (id << IDSET_LEVEL_BITS) | (uint32_t)level);
  s->n++;
  return 0;
}

void idset_clear(struct idset *s)
{
  free(s->slot);
  memset(s, 0, sizeof(*s));
}
