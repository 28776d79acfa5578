/* base/base.c - the hash, the host of a URL, the capped buffer, formats. */
#include "base/base.h"

#include <stdlib.h>
#include <string.h>

uint64_t v6_hash_add(uint64_t h, const void *p, size_t n)
{
  const unsigned char *s = p;
  size_t i;

  for (i = 0; i < n; i++)
    h = v6_hash_byte(h, s[i]);
  return h;
}

uint64_t v6_hash_str(const char *s)
{
  return v6_hash_add(V6_HASH_INIT, s, strlen(s));
}

size_t v6_url_host(const char *url, char *buf, size_t cap)
{
  const char *p, *end, *q, *hs, *he;
  size_t n, i;

  if (cap)
    buf[0] = '\0';
  p = strstr(url, "://");
  if (!p)
    return 0;
  p += 3;
  end = p + strcspn(p, "/?#");
  for (q = end; q > p; q--)
    if (q[-1] == '@') {
      p = q;
      break;
    }
  if (p < end && *p == '[') {
    hs = p + 1;
    he = memchr(hs, ']', (size_t)(end - hs));
    if (!he)
      return 0;
  } else {
    hs = p;
    he = memchr(p, ':', (size_t)(end - p));
    if (!he)
      he = end;
  }
  n = (size_t)(he - hs);
  if (!n || n >= cap)
    return 0;
  for (i = 0; i < n; i++) {
    char c = hs[i];
    buf[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
  }
  buf[n] = '\0';
  return n;
}

void v6_buf_init(struct v6_buf *b, size_t max)
{
  b->p = NULL;
  b->n = 0;
  b->cap = 0;
  b->max = max;
  b->oom = 0;
  b->toobig = 0;
}

void v6_buf_cleanup(struct v6_buf *b)
{
  if (!b)
    return;
  free(b->p);
  v6_buf_init(b, b->max);
}

/* Room for @extra more bytes and the terminator; -1 when out of memory. */
static int buf_reserve(struct v6_buf *b, size_t extra)
{
  size_t want;
  char *np;

  if (b->n + extra + 1 <= b->cap)
    return 0;
  want = b->cap ? b->cap : 32;
  while (want < b->n + extra + 1)
    want *= 2;
  np = realloc(b->p, want);
  if (!np) {
    b->oom = 1;
    return -1;
  }
  b->p = np;
  b->cap = want;
  return 0;
}

int v6_buf_putn(struct v6_buf *b, const char *s, size_t n)
{
  if (b->oom || b->toobig)
    return -1;
  if (b->max && n > b->max - b->n) {
    n = b->max - b->n;
    b->toobig = 1;
  }
  if (buf_reserve(b, n))
    return -1;
  if (n)
    memcpy(b->p + b->n, s, n);
  b->n += n;
  b->p[b->n] = '\0';
  return b->toobig ? -1 : 0;
}

int v6_buf_puts(struct v6_buf *b, const char *s)
{
  return v6_buf_putn(b, s, strlen(s));
}

int v6_buf_putc(struct v6_buf *b, char c)
{
  return v6_buf_putn(b, &c, 1);
}

void v6_buf_reset(struct v6_buf *b)
{
  b->n = 0;
  b->oom = 0;
  b->toobig = 0;
  if (b->p)
    b->p[0] = '\0';
}

char *v6_buf_take(struct v6_buf *b)
{
  char *s;

  if (!b->oom && buf_reserve(b, 0) == 0)
    b->p[b->n] = '\0';
  if (b->oom) {
    v6_buf_cleanup(b);
    return NULL;
  }
  s = b->p;
  b->p = NULL;
  b->n = b->cap = 0;
  b->toobig = 0;
  return s;
}

static const char *const format_names[] = {"text", "json", "csv", "html"};

int v6_format_parse(const char *s, unsigned allowed)
{
  unsigned f;

  for (f = 0; f < sizeof format_names / sizeof format_names[0]; f++)
    if (strcmp(s, format_names[f]) == 0)
      return (allowed & V6_FMT_BIT(f)) ? (int)f : -1;
  return -1;
}

const char *v6_format_name(enum v6_format f)
{
  return (unsigned)f < sizeof format_names / sizeof format_names[0]
           ? format_names[f]
           : "?";
}
