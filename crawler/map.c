/* crawler/map.c - a string-keyed hash map, chained, a power of two of
 * buckets, keyed by the project's one hash. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "crawler/crawl_int.h"

static size_t bucket(const char *key, size_t nb)
{
  return (size_t)(v6_hash_str(key) & (nb - 1));
}

void *map_get(const struct map *m, const char *key)
{
  struct map_entry *e;
  if (!m->nb)
    return NULL;
  for (e = m->b[bucket(key, m->nb)]; e; e = e->next)
    if (strcmp(e->key, key) == 0)
      return e->val;
  return NULL;
}

/* Twice the buckets (256 at first); -1 when out of memory. */
static int map_grow(struct map *m)
{
  size_t nb = m->nb ? m->nb * 2 : 256, i;
  struct map_entry **b = calloc(nb, sizeof(*b));
  if (!b)
    return -1;
  for (i = 0; i < m->nb; i++) {
    while (m->b[i]) {
      struct map_entry *x = m->b[i];
      m->b[i] = x->next;
      x->next = b[bucket(x->key, nb)];
      b[bucket(x->key, nb)] = x;
    }
  }
  free(m->b);
  m->b = b;
  m->nb = nb;
  return 0;
}

char *map_put(struct map *m, const char *key, void *val)
{
  struct map_entry *e = NULL;
  size_t i;
  if (m->n >= m->nb && map_grow(m) < 0)
    return NULL;
  e = malloc(sizeof(*e));
  if (!e)
    return NULL;
  e->key = strdup(key);
  if (!e->key) {
    free(e);
    return NULL;
  }
  e->val = val;
  i = bucket(key, m->nb);
  e->next = m->b[i];
  m->b[i] = e;
  m->n++;
  return e->key;
}

void map_each(const struct map *m,
              void (*fn)(const char *key, void *val, void *arg), void *arg)
{
  size_t i;
  const struct map_entry *e;
  for (i = 0; i < m->nb; i++)
    for (e = m->b[i]; e; e = e->next)
      fn(e->key, e->val, arg);
}

void map_clear(struct map *m, void (*free_val)(void *))
{
  size_t i;
  for (i = 0; i < m->nb; i++) {
    while (m->b[i]) {
      struct map_entry *e = m->b[i];
      m->b[i] = e->next;
      if (free_val)
        free_val(e->val);
      free(e->key);
      free(e);
    }
  }
  free(m->b);
  memset(m, 0, sizeof(*m));
}
