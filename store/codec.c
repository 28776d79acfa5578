/* store/codec.c - big-endian key parts and the record encoding
 * (store_int.h). */
#include "config.h"

#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

void st_be32(unsigned char *p, uint32_t v)
{
  p[0] = (unsigned char)(v >> 24);
  p[1] = (unsigned char)(v >> 16);
  p[2] = (unsigned char)(v >> 8);
  p[3] = (unsigned char)v;
}

uint32_t st_get_be32(const unsigned char *p)
{
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
         (uint32_t)p[3];
}

void st_be64(unsigned char *p, uint64_t v)
{
  st_be32(p, (uint32_t)(v >> 32));
  st_be32(p + 4, (uint32_t)v);
}

uint64_t st_get_be64(const unsigned char *p)
{
  return (uint64_t)st_get_be32(p) << 32 | st_get_be32(p + 4);
}

void st_enc_u8(struct v6_buf *b, unsigned v)
{
  (void)v6_buf_putc(b, (char)(unsigned char)v);
}

void st_enc_u32(struct v6_buf *b, uint32_t v)
{
  unsigned char u[4];

  st_be32(u, v);
  (void)v6_buf_putn(b, (const char *)u, 4);
}

void st_enc_u64(struct v6_buf *b, uint64_t v)
{
  unsigned char u[8];

  st_be64(u, v);
  (void)v6_buf_putn(b, (const char *)u, 8);
}

void st_enc_i32(struct v6_buf *b, int v)
{
  /* conversion to unsigned is modulo 2^32: two's complement on disk */
  st_enc_u32(b, (uint32_t)v);
}

void st_enc_i64(struct v6_buf *b, int64_t v)
{
  st_enc_u64(b, (uint64_t)v);
}

void st_enc_f64(struct v6_buf *b, double d)
{
  uint64_t u;

  memcpy(&u, &d, sizeof u);
  st_enc_u64(b, u);
}

void st_enc_str(struct v6_buf *b, const char *s)
{
  size_t n;

  if (!s) {
    st_enc_u32(b, STR_NULL);
    return;
  }
  n = strlen(s);
  if (n >= STR_NULL) {
    /* the length would read as the NULL marker */
    b->toobig = 1;
    return;
  }
  st_enc_u32(b, (uint32_t)n);
  (void)v6_buf_putn(b, s, n);
}

void st_dec_init(struct st_dec *d, const MDB_val *v)
{
  d->p = v->mv_data;
  d->len = v->mv_size;
  d->off = 0;
  d->rc = STORE_OK;
}

int st_dec_more(const struct st_dec *d)
{
  return !d->rc && d->off < d->len;
}

static const unsigned char *dec_take(struct st_dec *d, size_t n)
{
  const unsigned char *p;

  if (d->rc)
    return NULL;
  if (n > d->len - d->off) {
    d->rc = STORE_CORRUPT;
    return NULL;
  }
  p = d->p + d->off;
  d->off += n;
  return p;
}

unsigned st_dec_u8(struct st_dec *d)
{
  const unsigned char *p = dec_take(d, 1);

  return p ? *p : 0;
}

uint32_t st_dec_u32(struct st_dec *d)
{
  const unsigned char *p = dec_take(d, 4);

  return p ? st_get_be32(p) : 0;
}

uint64_t st_dec_u64(struct st_dec *d)
{
  const unsigned char *p = dec_take(d, 8);

  return p ? st_get_be64(p) : 0;
}

int st_dec_i32(struct st_dec *d)
{
  uint32_t u = st_dec_u32(d);

  /* undo two's complement without implementation-defined conversions */
  if (u <= INT32_MAX)
    return (int)u;
  return -(int)(UINT32_MAX - u) - 1;
}

int64_t st_dec_i64(struct st_dec *d)
{
  uint64_t u = st_dec_u64(d);

  if (u <= INT64_MAX)
    return (int64_t)u;
  return -(int64_t)(UINT64_MAX - u) - 1;
}

double st_dec_f64(struct st_dec *d)
{
  uint64_t u = st_dec_u64(d);
  double v;

  memcpy(&v, &u, sizeof v);
  return v;
}

char *st_dec_str(struct st_dec *d)
{
  uint32_t n = st_dec_u32(d);
  const unsigned char *b;
  char *c;

  if (d->rc || n == STR_NULL)
    return NULL;
  b = dec_take(d, n);
  if (!b)
    return NULL;
  c = malloc((size_t)n + 1);
  if (!c) {
    d->rc = STORE_NOMEM;
    return NULL;
  }
  memcpy(c, b, n);
  c[n] = '\0';
  return c;
}

/* CRC-32C (Castagnoli, reflected polynomial 0x82f63b78), a byte at a time
 * from a table built on first use: records are small, and a byte loop
 * keeps up with the disk. */
uint32_t st_crc32c(uint32_t crc, const void *data, size_t n)
{
  static uint32_t table[256];
  static int ready;
  const unsigned char *p = data;
  uint32_t c;
  size_t i;
  int j;

  if (!ready) {
    for (i = 0; i < 256; i++) {
      c = (uint32_t)i;
      for (j = 0; j < 8; j++)
        c = c & 1 ? c >> 1 ^ 0x82f63b78u : c >> 1;
      table[i] = c;
    }
    ready = 1;
  }
  crc = ~crc;
  for (i = 0; i < n; i++)
    crc = table[(crc ^ p[i]) & 0xff] ^ crc >> 8;
  return ~crc;
}
