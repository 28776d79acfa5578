/* parser/parse_int.h - helpers shared inside parser/ only.
 *
 * Nothing here is part of the public API; no file outside parser/ may
 * include this header.
 */
#ifndef V6_PARSE_INT_H
#define V6_PARSE_INT_H

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* A growable byte string. Appends never fail: on allocation failure the
 * buffer sets oom and ignores further appends, so callers check oom once
 * at the end. The data is always NUL-terminated when p is not NULL. */
struct pbuf {
  char *p;
  size_t n;
  size_t cap;
  int oom;
};

static inline void pbuf_init(struct pbuf *b)
{
  b->p = NULL;
  b->n = 0;
  b->cap = 0;
  b->oom = 0;
}

static inline void pbuf_free(struct pbuf *b)
{
  free(b->p);
  pbuf_init(b);
}

static inline int pbuf_reserve(struct pbuf *b, size_t extra)
{
  size_t want;
  char *np;

  if (b->oom)
    return -1;
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

static inline void pbuf_putn(struct pbuf *b, const char *s, size_t n)
{
  if (pbuf_reserve(b, n))
    return;
  if (n)
    memcpy(b->p + b->n, s, n);
  b->n += n;
  b->p[b->n] = '\0';
}

static inline void pbuf_puts(struct pbuf *b, const char *s)
{
  pbuf_putn(b, s, strlen(s));
}

static inline void pbuf_putc(struct pbuf *b, char c)
{
  pbuf_putn(b, &c, 1);
}

/* Make sure p is a valid (possibly empty) string. */
static inline void pbuf_touch(struct pbuf *b)
{
  pbuf_putn(b, "", 0);
}

static inline void pbuf_reset(struct pbuf *b)
{
  b->n = 0;
  if (b->p)
    b->p[0] = '\0';
}

/* Hand the string over to the caller (NULL on OOM); the buffer is reset. */
static inline char *pbuf_take(struct pbuf *b)
{
  char *s;

  pbuf_touch(b);
  if (b->oom) {
    pbuf_free(b);
    return NULL;
  }
  s = b->p;
  pbuf_init(b);
  return s;
}

/* ---- charset.c ---- */

/* Canonical iconv name for a WHATWG/IANA charset label ("gbk" ->
 * "GB18030", "utf8" -> "UTF-8"), or NULL when unknown. */
const char *charset_canonical(const char *label);

/* Replace invalid UTF-8 in @in/@len by U+FFFD; result in @out. */
void charset_utf8_scrub(const char *in, size_t len, struct pbuf *out);

/* 1 when @in/@len is valid UTF-8. */
int charset_utf8_valid(const char *in, size_t len);

/* Convert @in/@len from canonical charset @cs to UTF-8 into @out, invalid
 * bytes replaced by U+FFFD. Returns PARSE_OK, PARSE_CHARSET, PARSE_NOMEM. */
int charset_to_utf8(const char *cs, const char *in, size_t len,
                    struct pbuf *out);

/* Encode the UTF-8 string @in/@len to canonical charset @cs for a URL
 * query; characters @cs cannot represent become "&#N;" as browsers do.
 * Returns PARSE_OK, PARSE_CHARSET or PARSE_NOMEM. */
int charset_from_utf8(const char *cs, const char *in, size_t len,
                      struct pbuf *out);

/* Choose the charset of an HTML document (BOM, Content-Type, <meta>
 * prescan, default); returns a canonical name and sets *bom_len. */
const char *charset_sniff(const char *body, size_t len,
                          const char *content_type, size_t *bom_len);

#endif
