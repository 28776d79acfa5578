/* parser/url.c - the WHATWG URL parser, host handling, registrable domains.
 *
 * The basic URL parser of the URL Standard is written out state by state
 * because uriparser follows RFC 3986, which disagrees with browsers on
 * backslashes, IPv4 number forms, whitespace and percent-encoding; the
 * crawler must see the links a browser would follow.
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
#include <wctype.h>

#include <idn2.h>
#include <libpsl.h>

#include "parser/parse.h"
#include "parser/parse_int.h"

/* A parsed URL. Strings are stored serialised (percent-encoded). The path
 * of a hierarchical URL is kept as "/seg1/seg2", so its segment count is
 * its number of slashes. */
struct wurl {
  struct pbuf scheme;
  struct pbuf user;
  struct pbuf pass;
  struct pbuf host;
  struct pbuf path;
  struct pbuf query;
  struct pbuf frag;
  int has_host;
  int has_query;
  int has_frag;
  int port; /* -1: none */
  int opaque;
  int host_ipv6; /* host is an IPv6 literal, stored without brackets */
};

enum pct_set { SET_C0, SET_FRAG, SET_QUERY, SET_SQUERY, SET_PATH, SET_USER };

const char *parse_strerror(int rc)
{
  switch (rc) {
    case PARSE_OK:
      return "success";
    case PARSE_INVALID:
      return "invalid URL";
    case PARSE_NOMEM:
      return "out of memory";
    case PARSE_TOOBIG:
      return "input too large";
    case PARSE_CHARSET:
      return "unknown charset";
    default:
      return "unknown error";
  }
}

static void wurl_init(struct wurl *u)
{
  pbuf_init(&u->scheme);
  pbuf_init(&u->user);
  pbuf_init(&u->pass);
  pbuf_init(&u->host);
  pbuf_init(&u->path);
  pbuf_init(&u->query);
  pbuf_init(&u->frag);
  u->has_host = 0;
  u->has_query = 0;
  u->has_frag = 0;
  u->port = -1;
  u->opaque = 0;
  u->host_ipv6 = 0;
}

static void wurl_cleanup(struct wurl *u)
{
  pbuf_free(&u->scheme);
  pbuf_free(&u->user);
  pbuf_free(&u->pass);
  pbuf_free(&u->host);
  pbuf_free(&u->path);
  pbuf_free(&u->query);
  pbuf_free(&u->frag);
}

static int wurl_oom(const struct wurl *u)
{
  return u->scheme.oom || u->user.oom || u->pass.oom || u->host.oom ||
         u->path.oom || u->query.oom || u->frag.oom;
}

static void pbuf_copy(struct pbuf *dst, const struct pbuf *src)
{
  pbuf_reset(dst);
  pbuf_putn(dst, src->p ? src->p : "", src->n);
}

static int is_special_scheme(const char *s)
{
  return !strcmp(s, "http") || !strcmp(s, "https") || !strcmp(s, "ws") ||
         !strcmp(s, "wss") || !strcmp(s, "ftp") || !strcmp(s, "file");
}

static int default_port(const char *s)
{
  if (!strcmp(s, "http") || !strcmp(s, "ws"))
    return 80;
  if (!strcmp(s, "https") || !strcmp(s, "wss"))
    return 443;
  if (!strcmp(s, "ftp"))
    return 21;
  return -1;
}

static int in_set(unsigned char c, enum pct_set set)
{
  if (c < 0x20 || c > 0x7e)
    return 1;
  if (set == SET_C0)
    return 0;
  if (c == ' ' || c == '"' || c == '<' || c == '>')
    return 1;
  if (set == SET_FRAG)
    return c == '`';
  if (c == '#')
    return 1;
  if (set == SET_QUERY)
    return 0;
  if (set == SET_SQUERY)
    return c == '\'';
  if (c == '?' || c == '^' || c == '`' || c == '{' || c == '}')
    return 1;
  if (set == SET_PATH)
    return 0;
  return c == '/' || c == ':' || c == ';' || c == '=' || c == '@' || c == '[' ||
         c == '\\' || c == ']' || c == '|';
}

static void put_pct(struct pbuf *b, unsigned char c, enum pct_set set)
{
  static const char hex[] = "0123456789ABCDEF";
  char e[3];

  if (!in_set(c, set)) {
    pbuf_putc(b, (char)c);
    return;
  }
  e[0] = '%';
  e[1] = hex[c >> 4];
  e[2] = hex[c & 15];
  pbuf_putn(b, e, 3);
}

static int hexval(int c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static void pct_decode(const char *s, size_t n, struct pbuf *out)
{
  size_t i;

  for (i = 0; i < n; i++) {
    if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 &&
        hexval(s[i + 2]) >= 0) {
      pbuf_putc(out, (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2])));
      i += 2;
    } else {
      pbuf_putc(out, s[i]);
    }
  }
}

/* ---- hosts ---- */

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
    int d = hexval((unsigned char)s[i]);
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

static void ipv6_serialise(const unsigned char a[16], struct pbuf *out)
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
      pbuf_puts(out, i == 0 ? "::" : ":");
      ignore0 = 1;
      continue;
    }
    snprintf(tmp, sizeof tmp, "%x", pieces[i]);
    pbuf_puts(out, tmp);
    if (i != 7)
      pbuf_putc(out, ':');
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
static int puny_encode(const uint32_t *cp, size_t n, struct pbuf *out)
{
  uint64_t delta = 0;
  uint32_t nn = 128, bias = 72, h, b = 0;
  size_t i;

  for (i = 0; i < n; i++)
    if (cp[i] < 0x80) {
      pbuf_putc(out, (char)cp[i]);
      b++;
    }
  h = b;
  if (b)
    pbuf_putc(out, '-');
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
          pbuf_putc(out, puny_digit(t + (uint32_t)((q - t) % (36 - t))));
          q = (q - t) / (36 - t);
        }
        pbuf_putc(out, puny_digit((uint32_t)q));
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
                       struct pbuf *out)
{
  size_t i;
  int ascii = 1;

  for (i = 0; i < n; i++)
    if (cp[i] >= 0x80)
      ascii = 0;
  if (ascii && n >= 4 && cp[0] == 'x' && cp[1] == 'n' && cp[2] == '-' &&
      cp[3] == '-') {
    /* an A-label must decode to acceptable code points */
    struct pbuf lab;
    char *u = NULL;
    int bad = 0;
    pbuf_init(&lab);
    for (i = 0; i < n; i++)
      pbuf_putc(&lab, (char)cp[i]);
    pbuf_touch(&lab);
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
      pbuf_putn(out, lab.p, lab.n);
    pbuf_free(&lab);
    return bad ? PARSE_INVALID : PARSE_OK;
  }
  if (ascii) {
    for (i = 0; i < n; i++)
      pbuf_putc(out, (char)cp[i]);
    return PARSE_OK;
  }
  pbuf_puts(out, "xn--");
  return puny_encode(cp, n, out) ? PARSE_INVALID : PARSE_OK;
}

static int uts46_fallback(const char *s, size_t n, struct pbuf *out)
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
      pbuf_putc(out, '.');
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
static int domain_to_ascii(const char *s, size_t n, struct pbuf *out)
{
  struct pbuf in;
  char *res = NULL;
  size_t i;
  int rc = PARSE_OK;

  pbuf_init(&in);
  /* all-ASCII domains are only lower-cased: the URL test suite expects
   * even undecodable "xn--" labels through untouched */
  if (is_ascii_str(s, n)) {
    for (i = 0; i < n; i++)
      pbuf_putc(out, (char)tolower((unsigned char)s[i]));
    goto out;
  }
  for (i = 0; i < n; i++) {
    size_t k;
    int mapped = 0;
    /* libidn2 2.3 still maps capital sharp s to "ss" (UTS #46 < 6.1) */
    if (i + 2 < n && !memcmp(s + i, "\xe1\xba\x9e", 3)) {
      pbuf_puts(&in, "\xc3\x9f");
      i += 2;
      continue;
    }
    /* libidn2 2.3 leaves the CJK compatibility ideographs of Unicode
     * Corrigendum #4 unnormalised; UTS #46 maps them */
    for (k = 0; k < sizeof corrigendum4 / sizeof corrigendum4[0]; k++) {
      if (i + 3 < n && !memcmp(s + i, corrigendum4[k].from, 4)) {
        pbuf_puts(&in, corrigendum4[k].to);
        i += 3;
        mapped = 1;
        break;
      }
    }
    if (mapped)
      continue;
    pbuf_putc(&in, s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] + 32) : s[i]);
  }
  pbuf_touch(&in);
  if (in.oom) {
    rc = PARSE_NOMEM;
    goto out;
  }
  rc = idn2_to_ascii_8z(in.p, &res, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
  switch (rc) {
    case IDN2_OK:
      pbuf_puts(out, res);
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
      pbuf_reset(out);
      rc = uts46_fallback(in.p, in.n, out);
      break;
    default:
      rc = PARSE_INVALID;
      break;
  }
out:
  pbuf_free(&in);
  idn2_free(res);
  return rc;
}

/* Host parser. Sets u->host (serialised, IPv6 without brackets). */
static int host_parse(struct wurl *u, const char *s, size_t n, int special)
{
  struct pbuf dec, ascii;
  int rc = PARSE_OK;
  size_t i;

  pbuf_init(&dec);
  pbuf_init(&ascii);
  pbuf_reset(&u->host);
  u->host_ipv6 = 0;
  if (n && s[0] == '[') {
    unsigned char a[16];
    if (s[n - 1] != ']' || n < 3) {
      rc = PARSE_INVALID;
      goto out;
    }
    pbuf_putn(&dec, s + 1, n - 2);
    pbuf_touch(&dec);
    if (dec.oom) {
      rc = PARSE_NOMEM;
      goto out;
    }
    /* inet_pton would stop at an embedded NUL and accept the prefix */
    if (memchr(dec.p, '\0', dec.n) || inet_pton(AF_INET6, dec.p, a) != 1) {
      rc = PARSE_INVALID;
      goto out;
    }
    ipv6_serialise(a, &u->host);
    u->host_ipv6 = 1;
    goto out;
  }
  if (!special) {
    for (i = 0; i < n; i++) {
      if ((unsigned char)s[i] != '%' &&
          forbidden_host_cp((unsigned char)s[i])) {
        rc = PARSE_INVALID;
        goto out;
      }
    }
    for (i = 0; i < n; i++)
      put_pct(&u->host, (unsigned char)s[i], SET_C0);
    goto out;
  }
  pct_decode(s, n, &dec);
  pbuf_touch(&dec);
  if (dec.oom) {
    rc = PARSE_NOMEM;
    goto out;
  }
  /* the decoded bytes are UTF-8 decoded with replacement */
  {
    struct pbuf clean;
    pbuf_init(&clean);
    charset_utf8_scrub(dec.p, dec.n, &clean);
    pbuf_touch(&clean);
    pbuf_free(&dec);
    dec = clean;
    if (dec.oom) {
      rc = PARSE_NOMEM;
      goto out;
    }
  }
  /* U+0000 is a forbidden domain code point; reject it before libidn2,
   * which takes C strings and would see only the part before it */
  if (memchr(dec.p, '\0', dec.n)) {
    rc = PARSE_INVALID;
    goto out;
  }
  rc = domain_to_ascii(dec.p, dec.n, &ascii);
  if (rc)
    goto out;
  pbuf_touch(&ascii);
  if (ascii.oom) {
    rc = PARSE_NOMEM;
    goto out;
  }
  if (ascii.n == 0) {
    rc = PARSE_INVALID;
    goto out;
  }
  for (i = 0; i < ascii.n; i++) {
    if (forbidden_domain_cp((unsigned char)ascii.p[i])) {
      rc = PARSE_INVALID;
      goto out;
    }
  }
  if (ends_in_number(ascii.p, ascii.n)) {
    uint32_t v;
    char tmp[20];
    if (ipv4_parse(ascii.p, ascii.n, &v)) {
      rc = PARSE_INVALID;
      goto out;
    }
    snprintf(tmp, sizeof tmp, "%u.%u.%u.%u", (unsigned)(v >> 24),
             (unsigned)(v >> 16 & 255), (unsigned)(v >> 8 & 255),
             (unsigned)(v & 255));
    pbuf_puts(&u->host, tmp);
    goto out;
  }
  pbuf_putn(&u->host, ascii.p, ascii.n);
out:
  pbuf_touch(&u->host);
  if (rc == PARSE_OK && u->host.oom)
    rc = PARSE_NOMEM;
  pbuf_free(&dec);
  pbuf_free(&ascii);
  return rc;
}

/* ---- paths ---- */

static int is_alpha(int c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_drive(const char *s, size_t n, int normalized)
{
  return n == 2 && is_alpha((unsigned char)s[0]) &&
         (s[1] == ':' || (!normalized && s[1] == '|'));
}

static int starts_with_drive(const char *s, size_t n)
{
  if (n < 2 || !is_drive(s, 2, 0))
    return 0;
  return n == 2 || s[2] == '/' || s[2] == '\\' || s[2] == '?' || s[2] == '#';
}

static void path_shorten(struct wurl *u)
{
  size_t k;

  if (u->path.n == 0)
    return;
  if (!strcmp(u->scheme.p, "file") && u->path.n == 3 &&
      is_drive(u->path.p + 1, 2, 1))
    return;
  k = u->path.n;
  while (k > 0 && u->path.p[k - 1] != '/')
    k--;
  u->path.n = k - 1;
  u->path.p[u->path.n] = '\0';
}

static void path_push(struct wurl *u, const char *seg, size_t n)
{
  pbuf_putc(&u->path, '/');
  pbuf_putn(&u->path, seg, n);
}

static int is_dot1(const char *s, size_t n)
{
  return (n == 1 && s[0] == '.') || (n == 3 && !strncasecmp(s, "%2e", 3));
}

static int is_dot2(const char *s, size_t n)
{
  return (n == 2 && !strncmp(s, "..", 2)) ||
         (n == 4 &&
          (!strncasecmp(s, ".%2e", 4) || !strncasecmp(s, "%2e.", 4))) ||
         (n == 6 && !strncasecmp(s, "%2e%2e", 6));
}

/* ---- the state machine ---- */

enum st {
  S_SCHEME_START,
  S_SCHEME,
  S_NO_SCHEME,
  S_SPECIAL_REL_OR_AUTH,
  S_PATH_OR_AUTH,
  S_RELATIVE,
  S_RELATIVE_SLASH,
  S_SPECIAL_AUTH_SLASHES,
  S_SPECIAL_AUTH_IGNORE_SLASHES,
  S_AUTHORITY,
  S_HOST,
  S_PORT,
  S_FILE,
  S_FILE_SLASH,
  S_FILE_HOST,
  S_PATH_START,
  S_PATH,
  S_OPAQUE_PATH,
  S_QUERY,
  S_FRAGMENT
};

static void copy_authority(struct wurl *u, const struct wurl *b)
{
  pbuf_copy(&u->user, &b->user);
  pbuf_copy(&u->pass, &b->pass);
  pbuf_copy(&u->host, &b->host);
  u->has_host = b->has_host;
  u->host_ipv6 = b->host_ipv6;
  u->port = b->port;
}

static void copy_query(struct wurl *u, const struct wurl *b)
{
  pbuf_copy(&u->query, &b->query);
  u->has_query = b->has_query;
}

static int flush_query(struct wurl *u, struct pbuf *buf, const char *charset)
{
  int special = is_special_scheme(u->scheme.p);
  enum pct_set set = special ? SET_SQUERY : SET_QUERY;
  struct pbuf enc;
  const char *src = buf->p ? buf->p : "";
  size_t n = buf->n, i;
  int rc = PARSE_OK;

  pbuf_init(&enc);
  if (charset && special && strcmp(u->scheme.p, "ws") &&
      strcmp(u->scheme.p, "wss") && strcmp(charset, "UTF-8")) {
    rc = charset_from_utf8(charset, src, n, &enc);
    if (rc == PARSE_CHARSET)
      rc = PARSE_OK; /* unknown: fall back to UTF-8 */
    else if (rc)
      goto out;
    else {
      src = enc.p ? enc.p : "";
      n = enc.n;
    }
  }
  for (i = 0; i < n; i++)
    put_pct(&u->query, (unsigned char)src[i], set);
  pbuf_touch(&u->query);
  pbuf_reset(buf);
out:
  pbuf_free(&enc);
  return rc;
}

/* Parse @s/@n (already scrubbed UTF-8) into @u against optional @base. */
static int wurl_parse(const char *s, size_t n, const struct wurl *base,
                      const char *charset, struct wurl *u)
{
  struct pbuf buf;
  enum st state = S_SCHEME_START;
  long p;
  int special = 0, at_seen = 0, inside_brackets = 0, pass_seen = 0;
  int rc = PARSE_OK;

  pbuf_init(&buf);
  pbuf_touch(&u->scheme);
  for (p = 0;; p++) {
    int c = p < (long)n ? (unsigned char)s[p] : -1;
    const char *rest = p < (long)n ? s + p + 1 : s + n;
    size_t restn = p < (long)n ? n - (size_t)p - 1 : 0;

    switch (state) {
      case S_SCHEME_START:
        if (c != -1 && is_alpha(c)) {
          pbuf_putc(&buf, (char)tolower(c));
          state = S_SCHEME;
        } else {
          state = S_NO_SCHEME;
          p--;
        }
        break;

      case S_SCHEME:
        if (c != -1 && (isalnum(c) || c == '+' || c == '-' || c == '.')) {
          pbuf_putc(&buf, (char)tolower(c));
        } else if (c == ':') {
          pbuf_copy(&u->scheme, &buf);
          pbuf_reset(&buf);
          if (u->scheme.oom)
            goto nomem;
          special = is_special_scheme(u->scheme.p);
          if (!strcmp(u->scheme.p, "file")) {
            state = S_FILE;
          } else if (special && base && !strcmp(base->scheme.p, u->scheme.p)) {
            state = S_SPECIAL_REL_OR_AUTH;
          } else if (special) {
            state = S_SPECIAL_AUTH_SLASHES;
          } else if (restn && rest[0] == '/') {
            state = S_PATH_OR_AUTH;
            p++;
          } else {
            u->opaque = 1;
            pbuf_touch(&u->path);
            state = S_OPAQUE_PATH;
          }
        } else {
          pbuf_reset(&buf);
          state = S_NO_SCHEME;
          p = -1;
        }
        break;

      case S_NO_SCHEME:
        if (!base || (base->opaque && c != '#'))
          goto invalid;
        if (base->opaque && c == '#') {
          pbuf_copy(&u->scheme, &base->scheme);
          pbuf_copy(&u->path, &base->path);
          u->opaque = 1;
          copy_query(u, base);
          u->has_frag = 1;
          pbuf_touch(&u->frag);
          state = S_FRAGMENT;
        } else if (strcmp(base->scheme.p, "file")) {
          state = S_RELATIVE;
          p--;
        } else {
          state = S_FILE;
          p--;
        }
        break;

      case S_SPECIAL_REL_OR_AUTH:
        if (c == '/' && restn && rest[0] == '/') {
          state = S_SPECIAL_AUTH_IGNORE_SLASHES;
          p++;
        } else {
          state = S_RELATIVE;
          p--;
        }
        break;

      case S_PATH_OR_AUTH:
        if (c == '/') {
          state = S_AUTHORITY;
        } else {
          state = S_PATH;
          p--;
        }
        break;

      case S_RELATIVE:
        pbuf_copy(&u->scheme, &base->scheme);
        special = is_special_scheme(u->scheme.p);
        if (c == '/' || (special && c == '\\')) {
          state = S_RELATIVE_SLASH;
        } else {
          copy_authority(u, base);
          pbuf_copy(&u->path, &base->path);
          copy_query(u, base);
          if (c == '?') {
            pbuf_reset(&u->query);
            pbuf_touch(&u->query);
            u->has_query = 1;
            state = S_QUERY;
          } else if (c == '#') {
            u->has_frag = 1;
            pbuf_touch(&u->frag);
            state = S_FRAGMENT;
          } else if (c != -1) {
            u->has_query = 0;
            pbuf_reset(&u->query);
            path_shorten(u);
            state = S_PATH;
            p--;
          }
        }
        break;

      case S_RELATIVE_SLASH:
        if (special && (c == '/' || c == '\\')) {
          state = S_SPECIAL_AUTH_IGNORE_SLASHES;
        } else if (c == '/') {
          state = S_AUTHORITY;
        } else {
          copy_authority(u, base);
          state = S_PATH;
          p--;
        }
        break;

      case S_SPECIAL_AUTH_SLASHES:
        if (c == '/' && restn && rest[0] == '/') {
          state = S_SPECIAL_AUTH_IGNORE_SLASHES;
          p++;
        } else {
          state = S_SPECIAL_AUTH_IGNORE_SLASHES;
          p--;
        }
        break;

      case S_SPECIAL_AUTH_IGNORE_SLASHES:
        if (c != '/' && c != '\\') {
          state = S_AUTHORITY;
          p--;
        }
        break;

      case S_AUTHORITY:
        if (c == '@') {
          size_t i;
          if (at_seen) {
            struct pbuf t;
            pbuf_init(&t);
            pbuf_puts(&t, "%40");
            pbuf_putn(&t, buf.p ? buf.p : "", buf.n);
            pbuf_free(&buf);
            buf = t;
            if (buf.oom)
              goto nomem;
          }
          at_seen = 1;
          for (i = 0; i < buf.n; i++) {
            unsigned char ch = (unsigned char)buf.p[i];
            if (ch == ':' && !pass_seen) {
              pass_seen = 1;
              continue;
            }
            put_pct(pass_seen ? &u->pass : &u->user, ch, SET_USER);
          }
          pbuf_reset(&buf);
        } else if (c == -1 || c == '/' || c == '?' || c == '#' ||
                   (special && c == '\\')) {
          if (at_seen && buf.n == 0)
            goto invalid;
          p -= (long)buf.n + 1;
          pbuf_reset(&buf);
          state = S_HOST;
        } else {
          pbuf_putc(&buf, (char)c);
        }
        break;

      case S_HOST:
        if (c == ':' && !inside_brackets) {
          if (buf.n == 0)
            goto invalid;
          rc = host_parse(u, buf.p, buf.n, special);
          if (rc)
            goto out;
          u->has_host = 1;
          pbuf_reset(&buf);
          state = S_PORT;
        } else if (c == -1 || c == '/' || c == '?' || c == '#' ||
                   (special && c == '\\')) {
          p--;
          if (special && buf.n == 0)
            goto invalid;
          rc = host_parse(u, buf.p ? buf.p : "", buf.n, special);
          if (rc)
            goto out;
          u->has_host = 1;
          pbuf_reset(&buf);
          state = S_PATH_START;
        } else {
          if (c == '[')
            inside_brackets = 1;
          if (c == ']')
            inside_brackets = 0;
          pbuf_putc(&buf, (char)c);
        }
        break;

      case S_PORT:
        if (c >= '0' && c <= '9') {
          pbuf_putc(&buf, (char)c);
        } else if (c == -1 || c == '/' || c == '?' || c == '#' ||
                   (special && c == '\\')) {
          if (buf.n) {
            long port = 0;
            size_t i;
            for (i = 0; i < buf.n; i++) {
              port = port * 10 + (buf.p[i] - '0');
              if (port > 65535)
                goto invalid;
            }
            u->port = port == default_port(u->scheme.p) ? -1 : (int)port;
            pbuf_reset(&buf);
          }
          state = S_PATH_START;
          p--;
        } else {
          goto invalid;
        }
        break;

      case S_FILE:
        pbuf_reset(&u->scheme);
        pbuf_puts(&u->scheme, "file");
        special = 1;
        pbuf_reset(&u->host);
        pbuf_touch(&u->host);
        u->has_host = 1;
        u->host_ipv6 = 0;
        if (c == '/' || c == '\\') {
          state = S_FILE_SLASH;
        } else if (base && !strcmp(base->scheme.p, "file")) {
          pbuf_copy(&u->host, &base->host);
          u->has_host = base->has_host;
          u->host_ipv6 = base->host_ipv6;
          pbuf_copy(&u->path, &base->path);
          copy_query(u, base);
          if (c == '?') {
            pbuf_reset(&u->query);
            pbuf_touch(&u->query);
            u->has_query = 1;
            state = S_QUERY;
          } else if (c == '#') {
            u->has_frag = 1;
            pbuf_touch(&u->frag);
            state = S_FRAGMENT;
          } else if (c != -1) {
            u->has_query = 0;
            pbuf_reset(&u->query);
            if (!starts_with_drive(s + p, n - (size_t)p))
              path_shorten(u);
            else
              pbuf_reset(&u->path);
            state = S_PATH;
            p--;
          }
        } else {
          state = S_PATH;
          p--;
        }
        break;

      case S_FILE_SLASH:
        if (c == '/' || c == '\\') {
          state = S_FILE_HOST;
        } else {
          if (base && !strcmp(base->scheme.p, "file")) {
            pbuf_copy(&u->host, &base->host);
            u->has_host = base->has_host;
            u->host_ipv6 = base->host_ipv6;
            if (!starts_with_drive(s + p, c == -1 ? 0 : n - (size_t)p) &&
                base->path.n >= 3 && is_drive(base->path.p + 1, 2, 1) &&
                (base->path.n == 3 || base->path.p[3] == '/'))
              path_push(u, base->path.p + 1, 2);
          }
          state = S_PATH;
          p--;
        }
        break;

      case S_FILE_HOST:
        if (c == -1 || c == '/' || c == '\\' || c == '?' || c == '#') {
          p--;
          if (is_drive(buf.p, buf.n, 0)) {
            state = S_PATH;
          } else if (buf.n == 0) {
            pbuf_reset(&u->host);
            pbuf_touch(&u->host);
            u->has_host = 1;
            state = S_PATH_START;
          } else {
            rc = host_parse(u, buf.p, buf.n, special);
            if (rc)
              goto out;
            u->has_host = 1;
            if (!strcmp(u->host.p, "localhost"))
              pbuf_reset(&u->host);
            pbuf_reset(&buf);
            state = S_PATH_START;
          }
        } else {
          pbuf_putc(&buf, (char)c);
        }
        break;

      case S_PATH_START:
        if (special) {
          state = S_PATH;
          if (c != '/' && c != '\\')
            p--;
        } else if (c == '?') {
          u->has_query = 1;
          pbuf_touch(&u->query);
          state = S_QUERY;
        } else if (c == '#') {
          u->has_frag = 1;
          pbuf_touch(&u->frag);
          state = S_FRAGMENT;
        } else if (c != -1) {
          state = S_PATH;
          if (c != '/')
            p--;
        }
        break;

      case S_PATH:
        if (c == -1 || c == '/' || (special && c == '\\') || c == '?' ||
            c == '#') {
          int slash = c == '/' || (special && c == '\\');
          if (is_dot2(buf.p, buf.n)) {
            path_shorten(u);
            if (!slash)
              path_push(u, "", 0);
          } else if (is_dot1(buf.p, buf.n)) {
            if (!slash)
              path_push(u, "", 0);
          } else {
            if (!strcmp(u->scheme.p, "file") && u->path.n == 0 &&
                is_drive(buf.p, buf.n, 0))
              buf.p[1] = ':';
            path_push(u, buf.p ? buf.p : "", buf.n);
          }
          pbuf_reset(&buf);
          if (c == '?') {
            u->has_query = 1;
            pbuf_touch(&u->query);
            state = S_QUERY;
          } else if (c == '#') {
            u->has_frag = 1;
            pbuf_touch(&u->frag);
            state = S_FRAGMENT;
          }
        } else {
          put_pct(&buf, (unsigned char)c, SET_PATH);
        }
        break;

      case S_OPAQUE_PATH:
        if (c == '?') {
          u->has_query = 1;
          pbuf_touch(&u->query);
          state = S_QUERY;
        } else if (c == '#') {
          u->has_frag = 1;
          pbuf_touch(&u->frag);
          state = S_FRAGMENT;
        } else if (c == ' ') {
          if (restn && (rest[0] == '?' || rest[0] == '#'))
            pbuf_puts(&u->path, "%20");
          else
            pbuf_putc(&u->path, ' ');
        } else if (c != -1) {
          put_pct(&u->path, (unsigned char)c, SET_C0);
        }
        break;

      case S_QUERY:
        if (c == -1 || c == '#') {
          rc = flush_query(u, &buf, charset);
          if (rc)
            goto out;
          if (c == '#') {
            u->has_frag = 1;
            pbuf_touch(&u->frag);
            state = S_FRAGMENT;
          }
        } else {
          pbuf_putc(&buf, (char)c);
        }
        break;

      case S_FRAGMENT:
        if (c != -1)
          put_pct(&u->frag, (unsigned char)c, SET_FRAG);
        break;
    }
    if (buf.oom || wurl_oom(u))
      goto nomem;
    if (c == -1 && p >= (long)n)
      break;
  }
  pbuf_touch(&u->path);
  pbuf_touch(&u->host);
  pbuf_touch(&u->user);
  pbuf_touch(&u->pass);
  if (wurl_oom(u))
    goto nomem;
  goto out;
invalid:
  rc = PARSE_INVALID;
  goto out;
nomem:
  rc = PARSE_NOMEM;
out:
  pbuf_free(&buf);
  return rc;
}

static void wurl_serialise(const struct wurl *u, int keep_frag, struct pbuf *o)
{
  pbuf_puts(o, u->scheme.p);
  pbuf_putc(o, ':');
  if (u->has_host) {
    pbuf_puts(o, "//");
    if (u->user.n || u->pass.n) {
      pbuf_puts(o, u->user.p);
      if (u->pass.n) {
        pbuf_putc(o, ':');
        pbuf_puts(o, u->pass.p);
      }
      pbuf_putc(o, '@');
    }
    if (u->host_ipv6)
      pbuf_putc(o, '[');
    pbuf_puts(o, u->host.p);
    if (u->host_ipv6)
      pbuf_putc(o, ']');
    if (u->port >= 0) {
      char tmp[16];
      snprintf(tmp, sizeof tmp, ":%d", u->port);
      pbuf_puts(o, tmp);
    }
  } else if (!u->opaque && u->path.n > 1 && u->path.p[1] == '/') {
    pbuf_puts(o, "/.");
  }
  pbuf_puts(o, u->path.p);
  if (u->has_query) {
    pbuf_putc(o, '?');
    pbuf_puts(o, u->query.p ? u->query.p : "");
  }
  if (keep_frag && u->has_frag) {
    pbuf_putc(o, '#');
    pbuf_puts(o, u->frag.p ? u->frag.p : "");
  }
  pbuf_touch(o);
}

/* Strip leading/trailing C0 and space, remove tab/newline, scrub UTF-8.
 * @in/@n may hold NUL bytes; the state machine percent-encodes or rejects
 * them like any other C0 control. */
static int preprocess(const char *in, size_t n, struct pbuf *out)
{
  size_t a = 0, i;
  struct pbuf t;

  pbuf_init(&t);
  while (a < n && (unsigned char)in[a] <= 0x20)
    a++;
  while (n > a && (unsigned char)in[n - 1] <= 0x20)
    n--;
  for (i = a; i < n; i++)
    if (in[i] != '\t' && in[i] != '\n' && in[i] != '\r')
      pbuf_putc(&t, in[i]);
  pbuf_touch(&t);
  charset_utf8_scrub(t.p ? t.p : "", t.n, out);
  pbuf_touch(out);
  pbuf_free(&t);
  return out->oom ? PARSE_NOMEM : PARSE_OK;
}

static int wurl_parse_str(const char *str, size_t len, const struct wurl *base,
                          const char *charset, struct wurl *u)
{
  struct pbuf in;
  int rc;

  pbuf_init(&in);
  rc = preprocess(str, len, &in);
  if (rc)
    goto out;
  rc = wurl_parse(in.p, in.n, base, charset, u);
out:
  pbuf_free(&in);
  return rc;
}

int url_resolve(const char *base, const char *href, const char *charset,
                int flags, char **out)
{
  if (!href) {
    *out = NULL;
    return PARSE_INVALID;
  }
  return url_resolve_n(base, href, strlen(href), charset, flags, out);
}

int url_resolve_n(const char *base, const char *href, size_t href_len,
                  const char *charset, int flags, char **out)
{
  struct wurl b, u;
  struct pbuf o;
  const char *cs = NULL;
  int rc = PARSE_OK;

  wurl_init(&b);
  wurl_init(&u);
  pbuf_init(&o);
  *out = NULL;
  if (!href) {
    rc = PARSE_INVALID;
    goto out;
  }
  if (charset) {
    cs = charset_canonical(charset);
    if (cs && (!strcmp(cs, "UTF-8") || !strncmp(cs, "UTF-16", 6)))
      cs = NULL;
  }
  if (base) {
    rc = wurl_parse_str(base, strlen(base), NULL, NULL, &b);
    if (rc)
      goto out;
  }
  rc = wurl_parse_str(href, href_len, base ? &b : NULL, cs, &u);
  if (rc)
    goto out;
  wurl_serialise(&u, flags & URL_KEEP_FRAGMENT, &o);
  *out = pbuf_take(&o);
  if (!*out)
    rc = PARSE_NOMEM;
out:
  pbuf_free(&o);
  wurl_cleanup(&b);
  wurl_cleanup(&u);
  return rc;
}

/* A split, not a parse: @url is a URL as url_resolve serialises it
 * (lower-case scheme and host, no default port, brackets around IPv6), so
 * its parts can be cut out directly. This runs for every link and every
 * redirect hop, so it must cost far less than the full WHATWG parse. */
int url_view_parse(const char *url, struct url_view *v)
{
  const char *auth, *end, *at, *host, *hend, *p;
  size_t slen;
  long port = 0;

  memset(v, 0, sizeof *v);
  if (!url)
    return PARSE_INVALID;
  p = strstr(url, "://");
  if (!p || p == url)
    return PARSE_INVALID;
  slen = (size_t)(p - url);
  auth = p + 3;
  end = auth + strcspn(auth, "/?#");
  at = NULL;
  for (p = auth; p < end; p++)
    if (*p == '@')
      at = p;
  host = at ? at + 1 : auth;
  if (*host == '[') {
    hend = memchr(host, ']', (size_t)(end - host));
    if (!hend)
      return PARSE_INVALID;
    p = hend + 1;
    host++;
  } else {
    hend = memchr(host, ':', (size_t)(end - host));
    if (!hend)
      hend = end;
    p = hend;
  }
  if (p < end && *p == ':' && p + 1 < end) {
    char *e = NULL;
    port = strtol(p + 1, &e, 10);
    if (e != end || port < 0 || port > 65535)
      return PARSE_INVALID;
  } else if (p < end && *p != ':') {
    return PARSE_INVALID;
  }
  v->scheme = strndup(url, slen);
  v->host = strndup(host, (size_t)(hend - host));
  v->origin = malloc(slen + 3 + (size_t)(end - (at ? at + 1 : auth)) + 1);
  if (v->origin) {
    size_t n = (size_t)(end - (at ? at + 1 : auth));
    memcpy(v->origin, url, slen);
    memcpy(v->origin + slen, "://", 3);
    memcpy(v->origin + slen + 3, at ? at + 1 : auth, n);
    v->origin[slen + 3 + n] = 0;
  }
  p = end + strcspn(end, "#");
  if (*end == '/' || end == p)
    v->path_query = end == p ? strdup("/") : strndup(end, (size_t)(p - end));
  else
    v->path_query = NULL;
  if (v->path_query == NULL && *end == '?') {
    v->path_query = malloc((size_t)(p - end) + 2);
    if (v->path_query) {
      v->path_query[0] = '/';
      memcpy(v->path_query + 1, end, (size_t)(p - end));
      v->path_query[p - end + 1] = 0;
    }
  }
  v->port = port ? (int)port : default_port(v->scheme ? v->scheme : "");
  if (v->port < 0)
    v->port = 0;
  if (!v->scheme || !v->host || !v->path_query || !v->origin) {
    url_view_cleanup(v);
    return PARSE_NOMEM;
  }
  return PARSE_OK;
}

void url_view_cleanup(struct url_view *v)
{
  if (!v)
    return;
  free(v->scheme);
  free(v->host);
  free(v->path_query);
  free(v->origin);
  memset(v, 0, sizeof *v);
}

int url_is_http(const char *url)
{
  /* Serialised URLs have a lower-case scheme (see parse.h). */
  size_t n;
  if (!url)
    return 0;
  n = strncasecmp(url, "http://", 7) == 0    ? 7
      : strncasecmp(url, "https://", 8) == 0 ? 8
                                             : 0;
  /* ... and have a host. */
  return n && url[n] && !strchr("/?#", url[n]);
}

int url_registrable_domain(const char *host, char **out)
{
  const psl_ctx_t *psl = psl_builtin();
  struct pbuf lc;
  const char *rd = NULL;
  size_t i, n;
  unsigned char a[16];
  int rc = PARSE_OK;

  pbuf_init(&lc);
  *out = NULL;
  if (!host)
    host = "";
  n = strlen(host);
  if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
    pbuf_putn(&lc, host, n);
    goto done;
  }
  for (i = 0; i < n; i++)
    pbuf_putc(&lc, (char)tolower((unsigned char)host[i]));
  pbuf_touch(&lc);
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
  *out = pbuf_take(&lc);
  if (!*out)
    goto nomem;
  goto out;
nomem:
  rc = PARSE_NOMEM;
out:
  pbuf_free(&lc);
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
