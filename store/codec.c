/* store/codec.c - big-endian key parts and the record encoding
 * (store_int.h). */
#include "config.h"

#include "store/store_int.h"

#include <pthread.h>
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
/* CRC-32C (Castagnoli): the SSE 4.2 instruction where the CPU has it,
 * else slicing by 8 over tables built once. Every record read or written
 * is summed, so this runs for every link and every probe. */
static uint32_t crc_tab[8][256];

static void crc_tab_init(void)
{
  uint32_t c;
  int i, j;

  for (i = 0; i < 256; i++) {
    c = (uint32_t)i;
    for (j = 0; j < 8; j++)
      c = c & 1 ? c >> 1 ^ 0x82f63b78u : c >> 1;
    crc_tab[0][i] = c;
  }
  for (i = 0; i < 256; i++)
    for (j = 1; j < 8; j++)
      crc_tab[j][i] =
        crc_tab[0][crc_tab[j - 1][i] & 0xff] ^ crc_tab[j - 1][i] >> 8;
}

static uint32_t crc_soft(uint32_t crc, const unsigned char *p, size_t n)
{
  while (n >= 8) {
    uint32_t lo = crc ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 |
                         (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
    crc = crc_tab[7][lo & 0xff] ^ crc_tab[6][lo >> 8 & 0xff] ^
          crc_tab[5][lo >> 16 & 0xff] ^ crc_tab[4][lo >> 24] ^
          crc_tab[3][p[4]] ^ crc_tab[2][p[5]] ^ crc_tab[1][p[6]] ^
          crc_tab[0][p[7]];
    p += 8;
    n -= 8;
  }
  while (n--)
    crc = crc_tab[0][(crc ^ *p++) & 0xff] ^ crc >> 8;
  return crc;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define CRC_HW 1
__attribute__((target("sse4.2"))) static uint32_t
crc_hw(uint32_t crc, const unsigned char *p, size_t n)
{
  uint64_t c = crc;
  while (n >= 8) {
    uint64_t w;
    memcpy(&w, p, 8);
    c = __builtin_ia32_crc32di(c, w);
    p += 8;
    n -= 8;
  }
  crc = (uint32_t)c;
  while (n--)
    crc = __builtin_ia32_crc32qi(crc, *p++);
  return crc;
}
#endif

static int crc_use_hw;

static void crc_init(void)
{
  crc_tab_init();
#ifdef CRC_HW
  __builtin_cpu_init();
  crc_use_hw = __builtin_cpu_supports("sse4.2");
#endif
}

uint32_t st_crc32c(uint32_t crc, const void *data, size_t n)
{
  static pthread_once_t once = PTHREAD_ONCE_INIT;

  pthread_once(&once, crc_init);
#ifdef CRC_HW
  if (crc_use_hw)
    return ~crc_hw(~crc, data, n);
#endif
  return ~crc_soft(~crc, data, n);
}

uint32_t st_crc32c_soft(uint32_t crc, const void *data, size_t n)
{
  static pthread_once_t once = PTHREAD_ONCE_INIT;

  pthread_once(&once, crc_init);
  return ~crc_soft(~crc, data, n);
}
