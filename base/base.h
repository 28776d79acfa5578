/* base/base.h - what several modules need, written once: the hash, the
 * host of a stored URL, a growable buffer with a cap, the output formats.
 *
 * base/ depends on nothing but libc; every other module may use it.
 * Nothing here allocates except v6_buf, and nothing here prints. */
#ifndef V6_BASE_H
#define V6_BASE_H

#include <stddef.h>
#include <stdint.h>

/* ---- hash: 64-bit FNV-1a ----
 *
 * The one hash of the project. The store keys interned URLs by it, so its
 * value for a given input is part of the on-disk format and must never
 * change: V6_HASH_INIT is FNV-1a's offset basis 14695981039346656037. */
#define V6_HASH_INIT UINT64_C(14695981039346656037)

/* @h with one more byte @c mixed in. */
static inline uint64_t v6_hash_byte(uint64_t h, unsigned char c)
{
  return (h ^ c) * UINT64_C(1099511628211);
}

/* @h with the @n bytes at @p mixed in (@p may be NULL when @n is 0). */
uint64_t v6_hash_add(uint64_t h, const void *p, size_t n);

/* The hash of the NUL-terminated string @s, from V6_HASH_INIT. */
uint64_t v6_hash_str(const char *s);

/* ---- the host of a URL ----
 *
 * The host of an absolute http(s) URL as v6crawl stores it (normalised by
 * the parser): after "://" up to '/', '?', '#' or the end, without
 * userinfo, port or the brackets of an IPv6 literal, lower-cased. Writes
 * it NUL-terminated into @buf (@cap bytes) and returns its length; returns
 * 0 and writes "" (when @cap > 0) when @url has no host or the host does
 * not fit. Never allocates. */
size_t v6_url_host(const char *url, char *buf, size_t cap);

/* ---- a growable byte string with a cap ----
 *
 * Appends never fail loudly: when memory runs out the buffer sets oom, and
 * when an append would pass @max (0: no cap) it keeps what fits and sets
 * toobig; further appends are then ignored, so a writer checks the flags
 * once at the end. p is NULL until the first append, and NUL-terminated
 * after it (the terminator is not counted in n). */
struct v6_buf {
  char *p;
  size_t n;
  size_t cap;
  size_t max;
  unsigned oom : 1;
  unsigned toobig : 1;
};

/* An empty buffer of at most @max bytes (0: no cap); allocates nothing. */
void v6_buf_init(struct v6_buf *b, size_t max);
/* Free the bytes and leave @b empty with the same cap; NULL is allowed. */
void v6_buf_cleanup(struct v6_buf *b);
/* Append @n bytes from @s. Returns 0, or -1 when oom or toobig is (now)
 * set; what fits under the cap is kept either way. */
int v6_buf_putn(struct v6_buf *b, const char *s, size_t n);
/* Append the NUL-terminated @s; as v6_buf_putn. */
int v6_buf_puts(struct v6_buf *b, const char *s);
/* Append one byte; as v6_buf_putn. */
int v6_buf_putc(struct v6_buf *b, char c);
/* Empty @b, keeping its memory and cap; clears oom and toobig. */
void v6_buf_reset(struct v6_buf *b);
/* Hand the bytes (NUL-terminated, "" when empty) to the caller, who frees
 * them; @b is left empty. NULL when out of memory (then @b is freed). */
char *v6_buf_take(struct v6_buf *b);

/* ---- output formats ---- */
enum v6_format { V6_FMT_TEXT = 0, V6_FMT_JSON, V6_FMT_CSV, V6_FMT_HTML };
#define V6_FMT_BIT(f) (1u << (f))

/* The format named @s ("text", "json", "csv", "html"), when it is in the
 * set @allowed (V6_FMT_BIT ORed); -1 otherwise. */
int v6_format_parse(const char *s, unsigned allowed);
/* The name of @f, as v6_format_parse reads it. */
const char *v6_format_name(enum v6_format f);

#endif
