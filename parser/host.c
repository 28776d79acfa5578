/* parser/host.c - the URL Standard's host parser, registrable domains.
 *
 * url.c hands this file the host of every URL it writes. The host of a
 * special URL is percent-decoded, scrubbed to UTF-8, turned to ASCII by
 * UTS #46 (libidn2, with a fallback of our own for what libidn2 rejects
 * and the URL Standard accepts), checked for forbidden code points, and
 * rewritten to dotted decimal when it ends in an IPv4 number in any of
 * the WHATWG forms (octal, hex, fewer than four parts). IPv6 literals are
 * written in their canonical form; the opaque host of a non-special URL
 * is only checked and C0-percent-encoded. The public url_registrable_domain
 * and url_host_in_domain compare hosts once they are written, the former
 * through libpsl's built-in public suffix list.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <wctype.h>

#include <idn2.h>
#include <libpsl.h>

#include "parser/parse.h"
#include "parser/parse_int.h"

static void pct_decode(const char *s, size_t n, struct v6_buf *out)
{
  size_t i, start = 0;

  for (i = 0; i < n; i++) {
    if (s[i] != '%' || i + 2 >= n || pct_hexval(s[i + 1]) < 0 ||
        pct_hexval(s[i + 2]) < 0)
      continue;
    v6_buf_putn(out, s + start, i - start);
    v6_buf_putc(out, (char)(pct_hexval(s[i + 1]) * 16 + pct_hexval(s[i + 2])));
    i += 2;
    start = i + 1;
  }
  v6_buf_putn(out, s + start, n - start);
}

/* Append @s/@n with ASCII capitals lower-cased. */
static void put_lower(struct v6_buf *o, const char *s, size_t n)
{
  size_t i = o->n;

  if (v6_buf_putn(o, s, n))
    return;
  for (; i < o->n; i++)
    if (o->p[i] >= 'A' && o->p[i] <= 'Z')
      o->p[i] = (char)(o->p[i] + 32);
}

static int forbidden_host_cp(unsigned char c)
{
  return c == 0 || c == '\t' || c == '\n' || c == '\r' || c == ' ' ||
         c == '#' || c == '/' || c == ':' || c == '<' || c == '>' || c == '?' ||
         c == '@' || c == '[' || c == '\\' || c == ']' || c == '^' || c == '|';
}

static int forbidden_domain_cp(unsigned char c)
{
  return forbidden_host_cp(c) || c < 0x20 || c == '%' || c == 0x7f;
}

/* WHATWG IPv4 number parser: 0 ok, -1 failure. */
static int ipv4_number(const char *s, size_t n, uint64_t *out)
{
  int radix = 10;
  uint64_t v = 0;
  size_t i;

  if (n == 0)
    return -1;
  if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    radix = 16;
    s += 2;
    n -= 2;
  } else if (n >= 2 && s[0] == '0') {
    radix = 8;
    s++;
    n--;
  }
  for (i = 0; i < n; i++) {
    int d = pct_hexval((unsigned char)s[i]);
    if (d < 0 || d >= radix)
      return -1;
    if (v < ((uint64_t)1 << 40))
      v = v * (uint64_t)radix + (uint64_t)d;
  }
  *out = v;
  return 0;
}

static int ends_in_number(const char *s, size_t n)
{
  size_t end = n, start;
  uint64_t v;

  if (n && s[n - 1] == '.')
    end = n - 1;
  start = end;
  while (start > 0 && s[start - 1] != '.')
    start--;
  if (start == end)
    return 0;
  {
    size_t i;
    int digits = 1;
    for (i = start; i < end; i++)
      if (s[i] < '0' || s[i] > '9')
        digits = 0;
    if (digits)
      return 1;
  }
  return ipv4_number(s + start, end - start, &v) == 0;
}

/* WHATWG IPv4 parser: 0 ok, -1 failure. */
static int ipv4_parse(const char *s, size_t n, uint32_t *out)
{
  uint64_t nums[4];
  size_t cnt = 0, i = 0, k;
  uint64_t v;

  if (n && s[n - 1] == '.')
    n--;
  while (1) {
    size_t j = i;
    while (j < n && s[j] != '.')
      j++;
    if (cnt == 4)
      return -1;
    if (ipv4_number(s + i, j - i, &nums[cnt]))
      return -1;
    cnt++;
    if (j >= n)
      break;
    i = j + 1;
  }
  for (k = 0; k + 1 < cnt; k++)
    if (nums[k] > 255)
      return -1;
  if (nums[cnt - 1] >= ((uint64_t)1 << (8 * (5 - cnt))))
    return -1;
  v = nums[cnt - 1];
  for (k = 0; k + 1 < cnt; k++)
    v += nums[k] << (8 * (3 - k));
  *out = (uint32_t)v;
  return 0;
}

static void ipv6_serialise(const unsigned char a[16], struct v6_buf *out)
{
  unsigned pieces[8];
  int i, best = -1, bestlen = 1, ignore0 = 0;
  char tmp[8];

  for (i = 0; i < 8; i++)
    pieces[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
  for (i = 0; i < 8;) {
    int j = i;
    while (j < 8 && pieces[j] == 0)
      j++;
    if (j - i > bestlen) {
      best = i;
      bestlen = j - i;
    }
    i = j == i ? i + 1 : j;
  }
  for (i = 0; i < 8; i++) {
    if (ignore0 && pieces[i] == 0)
      continue;
    ignore0 = 0;
    if (i == best) {
      v6_buf_puts(out, i == 0 ? "::" : ":");
      ignore0 = 1;
      continue;
    }
    snprintf(tmp, sizeof tmp, "%x", pieces[i]);
    v6_buf_puts(out, tmp);
    if (i != 7)
      v6_buf_putc(out, ':');
  }
}

static int is_ascii_str(const char *s, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++)
    if ((unsigned char)s[i] >= 0x80)
      return 0;
  return 1;
}

/* ---- UTS #46 fallback ----
 *
 * libidn2 applies IDNA2008 on top of UTS #46: it rejects symbols such as
 * U+2665, hyphens in the third and fourth place and labels longer than 63
 * octets, all of which the URL Standard (CheckHyphens=false, no DNS length
 * check) accepts. When libidn2 fails for one of those reasons we redo the
 * work with lower-casing from glibc's C.UTF-8 tables, our own list of
 * code points that must fail, and RFC 3492 Punycode. */

static size_t utf8_decode(const char *s, size_t n, uint32_t *cp)
{
  const unsigned char *u = (const unsigned char *)s;
  size_t len, i;

  if (u[0] < 0x80) {
    *cp = u[0];
    return 1;
  }
  len = u[0] >= 0xf0 ? 4 : u[0] >= 0xe0 ? 3 : 2;
  if (len > n)
    len = n;
  *cp = u[0] & (0x3f >> (len - 1));
  for (i = 1; i < len; i++)
    *cp = *cp << 6 | (u[i] & 0x3f);
  return len;
}

/* Code points UTS #46 maps to nothing. */
static int uts46_ignored(uint32_t c)
{
  return c == 0xad || c == 0x34f || (c >= 0x180b && c <= 0x180f) ||
         c == 0x200b || (c >= 0x2060 && c <= 0x2064) ||
         (c >= 0x206a && c <= 0x206f) || (c >= 0xfe00 && c <= 0xfe0f) ||
         c == 0xfeff || (c >= 0x1bca0 && c <= 0x1bca3) ||
         (c >= 0xe0100 && c <= 0xe01ef);
}

static int is_rtl(uint32_t c)
{
  return (c >= 0x590 && c <= 0x8ff) || (c >= 0xfb1d && c <= 0xfdff) ||
         (c >= 0xfe70 && c <= 0xfefe) || (c >= 0x10800 && c <= 0x10fff) ||
         (c >= 0x1e800 && c <= 0x1efff);
}

/* Code points that make the fallback fail (controls, spaces, bidi and
 * layout controls, dot leaders, noncharacters, private use, unassigned). */
static int uts46_bad(uint32_t c, locale_t loc)
{
  if (c < 0x80)
    return 0;
  if (c <= 0xa0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
      (c >= 0x200c && c <= 0x200f) || (c >= 0x2024 && c <= 0x2026) ||
      (c >= 0x2028 && c <= 0x202f) || c == 0x205f || c == 0x3000 ||
      (c >= 0x2066 && c <= 0x2069) || c == 0x6dd || c == 0x70f ||
      (c >= 0x2ff0 && c <= 0x2fff) || (c >= 0xfff9 && c <= 0xfffd) ||
      (c >= 0xfdd0 && c <= 0xfdef) || (c & 0xfffe) == 0xfffe ||
      (c >= 0xd800 && c <= 0xf8ff) || (c >= 0xe0000 && c <= 0xe007f) ||
      c >= 0xf0000 || c == 0x2a74 || c == 0x2a75 || c == 0x2a76 || is_rtl(c))
    return 1;
  return !iswprint_l((wint_t)c, loc);
}

static char puny_digit(uint32_t d)
{
  return (char)(d < 26 ? 'a' + d : '0' + d - 26);
}

static uint32_t puny_adapt(uint32_t delta, uint32_t points, int first)
{
  uint32_t k = 0;

  delta = first ? delta / 700 : delta / 2;
  delta += delta / points;
  while (delta > 455) {
    delta /= 35;
    k += 36;
  }
  return k + 36 * delta / (delta + 38);
}

/* RFC 3492 encoding of @cp/@n into @out; -1 on overflow. */
static int puny_encode(const uint32_t *cp, size_t n, struct v6_buf *out)
{
  uint64_t delta = 0;
  uint32_t nn = 128, bias = 72, h, b = 0;
  size_t i;

  for (i = 0; i < n; i++)
    if (cp[i] < 0x80) {
      v6_buf_putc(out, (char)cp[i]);
      b++;
    }
  h = b;
  if (b)
    v6_buf_putc(out, '-');
  while (h < n) {
    uint32_t m = 0x10ffff;
    for (i = 0; i < n; i++)
      if (cp[i] >= nn && cp[i] < m)
        m = cp[i];
    delta += (uint64_t)(m - nn) * (h + 1);
    if (delta > 0xffffffffu)
      return -1;
    nn = m;
    for (i = 0; i < n; i++) {
      if (cp[i] < nn)
        delta++;
      if (cp[i] == nn) {
        uint64_t q = delta;
        uint32_t k;
        for (k = 36;; k += 36) {
          uint32_t t = k <= bias ? 1 : k >= bias + 26 ? 26 : k - bias;
          if (q < t)
            break;
          v6_buf_putc(out, puny_digit(t + (uint32_t)((q - t) % (36 - t))));
          q = (q - t) / (36 - t);
        }
        v6_buf_putc(out, puny_digit((uint32_t)q));
        bias = puny_adapt((uint32_t)delta, h + 1, h == b);
        delta = 0;
        h++;
      }
    }
    delta++;
    nn++;
  }
  return 0;
}

/* One label of the fallback: @cp/@n already mapped. */
static int uts46_label(const uint32_t *cp, size_t n, locale_t loc,
                       struct v6_buf *out)
{
  size_t i;
  int ascii = 1;

  for (i = 0; i < n; i++)
    if (cp[i] >= 0x80)
      ascii = 0;
  if (ascii && n >= 4 && cp[0] == 'x' && cp[1] == 'n' && cp[2] == '-' &&
      cp[3] == '-') {
    /* an A-label must decode to acceptable code points */
    struct v6_buf lab;
    char *u = NULL;
    int bad = 0;
    v6_buf_init(&lab, 0);
    for (i = 0; i < n; i++)
      v6_buf_putc(&lab, (char)cp[i]);
    buf_touch(&lab);
    if (lab.oom)
      return PARSE_NOMEM;
    if (idn2_to_unicode_8z8z(lab.p, &u, 0) != IDN2_OK || !u) {
      bad = 1;
    } else {
      size_t k = 0, un = strlen(u);
      while (k < un && !bad) {
        uint32_t c;
        k += utf8_decode(u + k, un - k, &c);
        bad = uts46_bad(c, loc) || c == '.';
      }
    }
    idn2_free(u);
    if (!bad)
      v6_buf_putn(out, lab.p, lab.n);
    v6_buf_cleanup(&lab);
    return bad ? PARSE_INVALID : PARSE_OK;
  }
  if (ascii) {
    for (i = 0; i < n; i++)
      v6_buf_putc(out, (char)cp[i]);
    return PARSE_OK;
  }
  v6_buf_puts(out, "xn--");
  return puny_encode(cp, n, out) ? PARSE_INVALID : PARSE_OK;
}

static int uts46_fallback(const char *s, size_t n, struct v6_buf *out)
{
  locale_t loc = (locale_t)0;
  uint32_t *cp = NULL;
  size_t ncp = 0, i = 0, start;
  int rc = PARSE_OK;

  loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
  cp = malloc((n + 1) * sizeof *cp);
  if (!loc || !cp) {
    rc = loc ? PARSE_NOMEM : PARSE_INVALID;
    goto out;
  }
  while (i < n) {
    uint32_t c;
    i += utf8_decode(s + i, n - i, &c);
    if (uts46_ignored(c))
      continue;
    if (c == 0x3002 || c == 0xff0e || c == 0xff61)
      c = '.';
    if (uts46_bad(c, loc)) {
      rc = PARSE_INVALID;
      goto out;
    }
    cp[ncp++] = (uint32_t)towlower_l((wint_t)c, loc);
  }
  for (i = 0, start = 0; i <= ncp; i++) {
    if (i < ncp && cp[i] != '.')
      continue;
    rc = uts46_label(cp + start, i - start, loc, out);
    if (rc)
      goto out;
    if (i < ncp)
      v6_buf_putc(out, '.');
    start = i + 1;
  }
out:
  free(cp);
  if (loc)
    freelocale(loc);
  return rc;
}

static const struct {
  const char *from, *to;
} corrigendum4[] = {
  {"\xf0\xaf\xa1\xa8", "\xe3\x9b\xbc"},     /* U+2F868 -> U+36FC */
  {"\xf0\xaf\xa1\xb4", "\xe5\xbd\x93"},     /* U+2F874 -> U+5F53 */
  {"\xf0\xaf\xa4\x9f", "\xf0\xa4\x8e\xab"}, /* U+2F91F -> U+243AB */
  {"\xf0\xaf\xa5\x9f", "\xe7\xab\xae"},     /* U+2F95F -> U+7AEE */
  {"\xf0\xaf\xa6\xbf", "\xe4\x97\x97"},     /* U+2F9BF -> U+45D7 */
};

/* Domain to ASCII (UTS #46, non-transitional, no STD3 rules, no DNS
 * length check). 0 ok, PARSE_INVALID, PARSE_NOMEM. */
static int domain_to_ascii(const char *s, size_t n, struct v6_buf *out)
{
  struct v6_buf in;
  char *res = NULL;
  size_t i;
  int rc = PARSE_OK;

  v6_buf_init(&in, 0);
  /* all-ASCII domains are only lower-cased: the URL test suite expects
   * even undecodable "xn--" labels through untouched */
  if (is_ascii_str(s, n)) {
    put_lower(out, s, n);
    goto out;
  }
  for (i = 0; i < n; i++) {
    size_t k;
    int mapped = 0;
    /* libidn2 2.3 still maps capital sharp s to "ss" (UTS #46 < 6.1) */
    if (i + 2 < n && !memcmp(s + i, "\xe1\xba\x9e", 3)) {
      v6_buf_puts(&in, "\xc3\x9f");
      i += 2;
      continue;
    }
    /* libidn2 2.3 leaves the CJK compatibility ideographs of Unicode
     * Corrigendum #4 unnormalised; UTS #46 maps them */
    for (k = 0; k < sizeof corrigendum4 / sizeof corrigendum4[0]; k++) {
      if (i + 3 < n && !memcmp(s + i, corrigendum4[k].from, 4)) {
        v6_buf_puts(&in, corrigendum4[k].to);
        i += 3;
        mapped = 1;
        break;
      }
    }
    if (mapped)
      continue;
    v6_buf_putc(&in, s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] + 32) : s[i]);
  }
  buf_touch(&in);
  if (in.oom) {
    rc = PARSE_NOMEM;
    goto out;
  }
  rc = idn2_to_ascii_8z(in.p, &res, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
  switch (rc) {
    case IDN2_OK:
      v6_buf_puts(out, res);
      rc = PARSE_OK;
      break;
    case IDN2_MALLOC:
      rc = PARSE_NOMEM;
      break;
    case IDN2_DISALLOWED:
    case IDN2_2HYPHEN:
    case IDN2_HYPHEN_STARTEND:
    case IDN2_TOO_BIG_LABEL:
    case IDN2_TOO_BIG_DOMAIN:
    case IDN2_INVALID_NONTRANSITIONAL:
      v6_buf_reset(out);
      rc = uts46_fallback(in.p, in.n, out);
      break;
    default:
      rc = PARSE_INVALID;
      break;
  }
out:
  v6_buf_cleanup(&in);
  idn2_free(res);
  return rc;
}

/* ---- the host parser ---- */

int host_ipv6(const char *s, size_t n, struct v6_buf *out)
{
  unsigned char a[16];
  char tmp[64];

  /* inet_pton would stop at an embedded NUL and accept the prefix */
  if (n == 0 || n >= sizeof tmp || memchr(s, '\0', n))
    return PARSE_INVALID;
  memcpy(tmp, s, n);
  tmp[n] = '\0';
  if (inet_pton(AF_INET6, tmp, a) != 1)
    return PARSE_INVALID;
  ipv6_serialise(a, out);
  return PARSE_OK;
}

int host_opaque(const char *s, size_t n, struct v6_buf *out)
{
  size_t i;

  for (i = 0; i < n; i++)
    if ((unsigned char)s[i] != '%' && forbidden_host_cp((unsigned char)s[i]))
      return PARSE_INVALID;
  pct_encode(out, s, n, SET_C0);
  return PARSE_OK;
}

/* 1 for the usual host, lower-case letters, digits, '-' and '.' that do
 * not end in a number: host_domain would give it back as it is. */
static int host_plain(const char *s, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++)
    if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
          s[i] == '-' || s[i] == '.'))
      return 0;
  return n && !ends_in_number(s, n);
}

int host_domain(const char *s, size_t n, struct v6_buf *out)
{
  struct v6_buf dec, clean, ascii;
  uint32_t v;
  char tmp[20];
  size_t i;
  int rc = PARSE_NOMEM;

  if (host_plain(s, n)) {
    v6_buf_putn(out, s, n);
    return PARSE_OK;
  }
  v6_buf_init(&dec, 0);
  v6_buf_init(&clean, 0);
  v6_buf_init(&ascii, 0);
  pct_decode(s, n, &dec);
  buf_touch(&dec);
  if (dec.oom)
    goto out;
  charset_utf8_scrub(dec.p, dec.n, &clean);
  buf_touch(&clean);
  if (clean.oom)
    goto out;
  rc = PARSE_INVALID;
  /* U+0000 is a forbidden domain code point; reject it before libidn2,
   * which takes C strings and would see only the part before it */
  if (memchr(clean.p, '\0', clean.n))
    goto out;
  rc = domain_to_ascii(clean.p, clean.n, &ascii);
  buf_touch(&ascii);
  if (rc == PARSE_OK && ascii.oom)
    rc = PARSE_NOMEM;
  if (rc)
    goto out;
  rc = PARSE_INVALID;
  if (ascii.n == 0)
    goto out;
  for (i = 0; i < ascii.n; i++)
    if (forbidden_domain_cp((unsigned char)ascii.p[i]))
      goto out;
  rc = PARSE_OK;
  if (!ends_in_number(ascii.p, ascii.n)) {
    v6_buf_putn(out, ascii.p, ascii.n);
    goto out;
  }
  if (ipv4_parse(ascii.p, ascii.n, &v)) {
    rc = PARSE_INVALID;
    goto out;
  }
  snprintf(tmp, sizeof tmp, "%u.%u.%u.%u", (unsigned)(v >> 24),
           (unsigned)(v >> 16 & 255), (unsigned)(v >> 8 & 255),
           (unsigned)(v & 255));
  v6_buf_puts(out, tmp);
out:
  v6_buf_cleanup(&dec);
  v6_buf_cleanup(&clean);
  v6_buf_cleanup(&ascii);
  return rc;
}

/* ---- registrable domains ---- */

void url_psl_date(char *buf, size_t len)
{
  time_t t = psl_builtin_file_time();
  struct tm tm;

  if (!len)
    return;
  buf[0] = '\0';
  if (t > 0 && gmtime_r(&t, &tm))
    strftime(buf, len, "%Y-%m-%d", &tm);
}

int url_registrable_domain(const char *host, char **out)
{
  const psl_ctx_t *psl = psl_builtin();
  struct v6_buf lc;
  const char *rd = NULL;
  size_t i, n;
  unsigned char a[16];
  int rc = PARSE_OK;

  v6_buf_init(&lc, 0);
  *out = NULL;
  if (!host)
    host = "";
  n = strlen(host);
  if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
    v6_buf_putn(&lc, host, n);
    goto done;
  }
  for (i = 0; i < n; i++)
    v6_buf_putc(&lc, (char)tolower((unsigned char)host[i]));
  buf_touch(&lc);
  if (lc.oom)
    goto nomem;
  if (inet_pton(AF_INET6, lc.p, a) == 1 || inet_pton(AF_INET, lc.p, a) == 1)
    goto done;
  if (psl) {
    /* strip one trailing dot for the lookup only (libpsl would see "cn."
     * as an unknown suffix); rd points into lc.p, so putting the dot back
     * puts it back on the result too */
    int dot = lc.n > 1 && lc.p[lc.n - 1] == '.';
    if (dot)
      lc.p[lc.n - 1] = '\0';
    rd = psl_registrable_domain(psl, lc.p);
    if (dot)
      lc.p[lc.n - 1] = '.';
  }
  if (rd) {
    char *r = strdup(rd);
    if (!r)
      goto nomem;
    *out = r;
    goto out;
  }
done:
  *out = v6_buf_take(&lc);
  if (!*out)
    goto nomem;
  goto out;
nomem:
  rc = PARSE_NOMEM;
out:
  v6_buf_cleanup(&lc);
  return rc;
}

int url_host_in_domain(const char *host, const char *domain)
{
  size_t hn, dn;

  if (!host || !domain)
    return 0;
  hn = strlen(host);
  dn = strlen(domain);
  if (dn == 0 || hn < dn)
    return 0;
  if (strcasecmp(host + hn - dn, domain))
    return 0;
  return hn == dn || host[hn - dn - 1] == '.';
}

/* ---- what the DNS can be asked ---- */

const char *url_host_check(const char *host)
{
  size_t n, label = 0, i;

  if (!host)
    return NULL;
  n = strlen(host);
  if (n > 1 && host[n - 1] == '.')
    n--; /* the root's empty label is not a byte of the name */
  if (n > URL_HOST_MAX)
    return "host name longer than 253 bytes";
  for (i = 0; i < n; i++) {
    if (host[i] == '.') {
      label = 0;
    } else if (++label > URL_LABEL_MAX) {
      return "host name label longer than 63 bytes";
    }
  }
  return NULL;
}
