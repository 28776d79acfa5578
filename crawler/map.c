/* crawler/map.c - a string-keyed hash map: open addressing with linear
 * probing over a power of two of slots, keyed by the project's one hash;
 * the keys it copies are packed into chunks it owns. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "crawler/crawl_int.h"

/* keys are packed into chunks of this many bytes (a longer key gets a
 * chunk of its own size) */
#define MAP_CHUNK 65536

struct map_chunk {
  struct map_chunk *next;
  size_t size;
  char data[];
};

static size_t slot_of(const char *key, size_t cap)
{
  return (size_t)(v6_hash_str(key) & (cap - 1));
}

static struct map_slot *slot_find(const struct map *m, const char *key);

void *map_get(const struct map *m, const char *key)
{
  struct map_slot *sl = slot_find(m, key);
  return sl ? sl->val : NULL;
}

/* Twice the slots (256 at first); -1 when out of memory. */
static int map_grow(struct map *m)
{
  size_t cap = m->cap ? m->cap * 2 : 256, i, j;
  struct map_slot *s = calloc(cap, sizeof(*s));
  if (!s)
    return -1;
  for (i = 0; i < m->cap; i++) {
    if (!m->s[i].key)
      continue;
    for (j = slot_of(m->s[i].key, cap); s[j].key; j = (j + 1) & (cap - 1))
      ;
    s[j] = m->s[i];
  }
  free(m->s);
  m->s = s;
  m->cap = cap;
  return 0;
}

/* A copy of @key in @m's chunks, NULL when out of memory. The newest
 * chunk is filled from its start; the rest of the old one is left. */
static char *key_copy(struct map *m, const char *key)
{
  size_t len = strlen(key) + 1;
  struct map_chunk *c;
  char *out;
  if (len > m->chunk_left) {
    size_t size = len > MAP_CHUNK ? len : MAP_CHUNK;
    c = malloc(sizeof(*c) + size);
    if (!c)
      return NULL;
    c->next = m->chunks;
    c->size = size;
    m->chunks = c;
    m->chunk_left = size;
  }
  c = m->chunks;
  out = c->data + (c->size - m->chunk_left);
  memcpy(out, key, len);
  m->chunk_left -= len;
  return out;
}

char *map_put(struct map *m, const char *key, void *val)
{
  size_t i;
  char *k;
  if ((m->n + 1) * 4 > m->cap * 3 && map_grow(m) < 0)
    return NULL;
  if (!(k = key_copy(m, key)))
    return NULL;
  for (i = slot_of(k, m->cap); m->s[i].key; i = (i + 1) & (m->cap - 1))
    ;
  m->s[i].key = k;
  m->s[i].val = val;
  m->n++;
  return k;
}

/* The slot of @key in @m, or NULL. */
static struct map_slot *slot_find(const struct map *m, const char *key)
{
  size_t i;
  if (!m->cap)
    return NULL;
  for (i = slot_of(key, m->cap); m->s[i].key; i = (i + 1) & (m->cap - 1))
    if (strcmp(m->s[i].key, key) == 0)
      return &m->s[i];
  return NULL;
}

void map_each(const struct map *m,
              void (*fn)(const char *key, void *val, void *arg), void *arg)
{
  size_t i;
  for (i = 0; i < m->cap; i++)
    if (m->s[i].key && m->s[i].val)
      fn(m->s[i].key, m->s[i].val, arg);
}

void map_clear(struct map *m, void (*free_val)(void *))
{
  size_t i;
  struct map_chunk *c;
  if (free_val)
    for (i = 0; i < m->cap; i++)
      if (m->s[i].key && m->s[i].val)
        free_val(m->s[i].val);
  while ((c = m->chunks)) {
    m->chunks = c->next;
    free(c);
  }
  free(m->s);
  memset(m, 0, sizeof(*m));
}
