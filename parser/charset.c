/* parser/charset.c - charset labels, sniffing and conversion (iconv).
 *
 * Pages are decoded to UTF-8 before gumbo sees them. Browsers never fail a
 * page for bad bytes, so neither do we: undecodable input becomes U+FFFD.
 * GB2312 and GBK labels decode as GB18030, a superset, as the Encoding
 * Standard says.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "parser/parse.h"
#include "parser/parse_int.h"

struct cs_label {
  const char *label;
  const char *name;
};

/* The labels portal pages use in practice; names are iconv names. */
static const struct cs_label labels[] = {
  {"utf-8", "UTF-8"},
  {"utf8", "UTF-8"},
  {"unicode-1-1-utf-8", "UTF-8"},
  {"unicode11utf8", "UTF-8"},
  {"unicode20utf8", "UTF-8"},
  {"x-unicode20utf8", "UTF-8"},
  {"gb18030", "GB18030"},
  {"gbk", "GB18030"},
  {"x-gbk", "GB18030"},
  {"gb2312", "GB18030"},
  {"gb_2312", "GB18030"},
  {"gb_2312-80", "GB18030"},
  {"cp936", "GB18030"},
  {"ms936", "GB18030"},
  {"windows-936", "GB18030"},
  {"chinese", "GB18030"},
  {"csgb2312", "GB18030"},
  {"csiso58gb231280", "GB18030"},
  {"iso-ir-58", "GB18030"},
  {"euc-cn", "GB18030"},
  {"big5", "BIG5-HKSCS"},
  {"big5-hkscs", "BIG5-HKSCS"},
  {"cn-big5", "BIG5-HKSCS"},
  {"csbig5", "BIG5-HKSCS"},
  {"x-x-big5", "BIG5-HKSCS"},
  {"us-ascii", "CP1252"},
  {"ascii", "CP1252"},
  {"iso-8859-1", "CP1252"},
  {"iso8859-1", "CP1252"},
  {"latin1", "CP1252"},
  {"l1", "CP1252"},
  {"windows-1252", "CP1252"},
  {"cp1252", "CP1252"},
  {"x-cp1252", "CP1252"},
  {"x-user-defined", "CP1252"},
  {"utf-16", "UTF-16LE"},
  {"utf-16le", "UTF-16LE"},
  {"utf-16be", "UTF-16BE"},
  {"shift_jis", "SHIFT_JIS"},
  {"shift-jis", "SHIFT_JIS"},
  {"sjis", "SHIFT_JIS"},
  {"x-sjis", "SHIFT_JIS"},
  {"windows-31j", "SHIFT_JIS"},
  {"euc-jp", "EUC-JP"},
  {"iso-2022-jp", "ISO-2022-JP"},
  {"euc-kr", "CP949"},
  {"ks_c_5601-1987", "CP949"},
  {"windows-949", "CP949"},
  {"koi8-r", "KOI8-R"},
  {"koi8-u", "KOI8-U"},
  {"windows-1250", "CP1250"},
  {"windows-1251", "CP1251"},
  {"windows-1253", "CP1253"},
  {"windows-1254", "CP1254"},
  {"windows-1255", "CP1255"},
  {"windows-1256", "CP1256"},
  {"windows-1257", "CP1257"},
  {"windows-1258", "CP1258"},
  {"iso-8859-2", "ISO-8859-2"},
  {"iso-8859-5", "ISO-8859-5"},
  {"iso-8859-7", "ISO-8859-7"},
  {"iso-8859-15", "ISO-8859-15"},
  {"tis-620", "CP874"},
  {"windows-874", "CP874"},
};

const char *charset_canonical(const char *label)
{
  char tmp[64];
  size_t a = 0, n, i;

  if (!label)
    return NULL;
  n = strlen(label);
  while (a < n && isspace((unsigned char)label[a]))
    a++;
  while (n > a && isspace((unsigned char)label[n - 1]))
    n--;
  if (n - a == 0 || n - a >= sizeof tmp)
    return NULL;
  for (i = a; i < n; i++)
    tmp[i - a] = (char)tolower((unsigned char)label[i]);
  tmp[n - a] = '\0';
  for (i = 0; i < sizeof labels / sizeof labels[0]; i++)
    if (!strcmp(labels[i].label, tmp))
      return labels[i].name;
  /* canonical names are accepted too (url_resolve gets page->charset) */
  for (i = 0; i < sizeof labels / sizeof labels[0]; i++)
    if (!strcasecmp(labels[i].name, tmp))
      return labels[i].name;
  return NULL;
}

/* Length of the valid UTF-8 sequence at @s (at most @n bytes), 0 if
 * invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
  unsigned c = s[0];
  size_t len, i;
  unsigned long cp;

  if (c < 0x80)
    return 1;
  if (c >= 0xc2 && c <= 0xdf) {
    len = 2;
    cp = c & 0x1f;
  } else if (c >= 0xe0 && c <= 0xef) {
    len = 3;
    cp = c & 0x0f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    len = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (n < len)
    return 0;
  for (i = 1; i < len; i++) {
    if ((s[i] & 0xc0) != 0x80)
      return 0;
    cp = cp << 6 | (s[i] & 0x3f);
  }
  if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
      (cp >= 0xd800 && cp <= 0xdfff))
    return 0;
  return len;
}

/* How many bytes from @s (of @n) are ASCII, 8 at a time: most of a page's
 * markup is. */
static size_t ascii_run(const char *s, size_t n)
{
  size_t i = 0;
  uint64_t w;

  while (i + 8 <= n) {
    memcpy(&w, s + i, 8);
    if (w & UINT64_C(0x8080808080808080))
      break;
    i += 8;
  }
  return i;
}

/* The end of the valid run at @u[@i] (of @n): ASCII 8 bytes at a time,
 * three-byte sequences (CJK text) inline, anything else by utf8_seq.
 * Stops at the first byte that starts no valid sequence. */
static size_t valid_run(const unsigned char *u, size_t i, size_t n)
{
  size_t k;

  for (;;) {
    i += ascii_run((const char *)u + i, n - i);
    while (i + 3 <= n && u[i] >= 0xe1 && u[i] <= 0xef && u[i] != 0xed &&
           (u[i + 1] & 0xc0) == 0x80 && (u[i + 2] & 0xc0) == 0x80)
      i += 3;
    if (i == n)
      return i;
    if (u[i] < 0x80) {
      i++;
      continue;
    }
    if (!(k = utf8_seq(u + i, n - i)))
      return i;
    i += k;
  }
}

int charset_utf8_valid(const char *in, size_t len)
{
  return valid_run((const unsigned char *)in, 0, len) == len;
}

void charset_utf8_scrub(const char *in, size_t len, struct v6_buf *out)
{
  size_t i = 0, start = 0;

  while ((i = valid_run((const unsigned char *)in, i, len)) < len) {
    v6_buf_putn(out, in + start, i - start);
    v6_buf_puts(out, "\xef\xbf\xbd");
    start = ++i;
  }
  v6_buf_putn(out, in + start, i - start);
}

int charset_to_utf8(const char *cs, const char *in, size_t len,
                    struct v6_buf *out)
{
  iconv_t cd = (iconv_t)-1;
  char *ip = (char *)(uintptr_t)in;
  size_t il = len;
  int rc = PARSE_OK;

  if (!strcmp(cs, "UTF-8")) {
    charset_utf8_scrub(in, len, out);
    buf_touch(out);
    return out->oom ? PARSE_NOMEM : PARSE_OK;
  }
  cd = iconv_open("UTF-8", cs);
  if (cd == (iconv_t)-1) {
    rc = errno == ENOMEM ? PARSE_NOMEM : PARSE_CHARSET;
    goto out;
  }
  while (il > 0) {
    char chunk[4096], *op = chunk;
    size_t ol = sizeof chunk, r;
    int err;

    r = iconv(cd, &ip, &il, &op, &ol);
    err = errno;
    v6_buf_putn(out, chunk, (size_t)(op - chunk));
    if (r != (size_t)-1 || out->oom)
      break;
    if (err == E2BIG)
      continue;
    /* EILSEQ or EINVAL (truncated at the end): one replacement, move on */
    v6_buf_puts(out, "\xef\xbf\xbd");
    ip++;
    il--;
  }
  buf_touch(out);
  if (out->oom)
    rc = PARSE_NOMEM;
out:
  if (cd != (iconv_t)-1)
    iconv_close(cd);
  return rc;
}

int charset_from_utf8(const char *cs, const char *in, size_t len,
                      struct v6_buf *out)
{
  iconv_t cd = (iconv_t)-1;
  size_t i = 0;
  int rc = PARSE_OK;

  cd = iconv_open(cs, "UTF-8");
  if (cd == (iconv_t)-1) {
    rc = errno == ENOMEM ? PARSE_NOMEM : PARSE_CHARSET;
    goto out;
  }
  while (i < len) {
    size_t k = utf8_seq((const unsigned char *)in + i, len - i);
    char obuf[16];
    char *ip = (char *)(uintptr_t)(in + i), *op = obuf;
    size_t il, ol = sizeof obuf;

    if (!k)
      k = 1;
    if (k == 1 && (unsigned char)in[i] < 0x80) {
      v6_buf_putc(out, in[i]);
      i++;
      continue;
    }
    il = k;
    iconv(cd, NULL, NULL, NULL, NULL);
    if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 ||
        iconv(cd, NULL, NULL, &op, &ol) == (size_t)-1) {
      /* the URL error mode of the Encoding Standard: "&#N;", encoded */
      unsigned long cp = 0xfffd;
      char tmp[32];
      if (utf8_seq((const unsigned char *)in + i, len - i) == k) {
        size_t j;
        static const unsigned char mask[] = {0, 0x7f, 0x1f, 0x0f, 0x07};
        cp = (unsigned char)in[i] & mask[k];
        for (j = 1; j < k; j++)
          cp = cp << 6 | ((unsigned char)in[i + j] & 0x3f);
      }
      snprintf(tmp, sizeof tmp, "%%26%%23%lu%%3B", cp);
      v6_buf_puts(out, tmp);
    } else {
      v6_buf_putn(out, obuf, (size_t)(op - obuf));
    }
    i += k;
  }
  buf_touch(out);
  if (out->oom)
    rc = PARSE_NOMEM;
out:
  if (cd != (iconv_t)-1)
    iconv_close(cd);
  return rc;
}

/* The value of charset= in @s/@n (a Content-Type value or a meta content
 * attribute), canonical, or NULL. */
static const char *charset_from_param(const char *s, size_t n)
{
  size_t i;

  for (i = 0; i + 7 <= n; i++) {
    size_t j, a;
    char tmp[64];
    char q = 0;

    if (strncasecmp(s + i, "charset", 7))
      continue;
    j = i + 7;
    while (j < n && isspace((unsigned char)s[j]))
      j++;
    if (j >= n || s[j] != '=')
      continue;
    j++;
    while (j < n && isspace((unsigned char)s[j]))
      j++;
    if (j < n && (s[j] == '"' || s[j] == '\'')) {
      q = s[j];
      j++;
    }
    a = j;
    while (j < n && (q ? s[j] != q
                       : !isspace((unsigned char)s[j]) && s[j] != ';' &&
                           s[j] != '"' && s[j] != '\''))
      j++;
    if (j - a == 0 || j - a >= sizeof tmp)
      return NULL;
    memcpy(tmp, s + a, j - a);
    tmp[j - a] = '\0';
    return charset_canonical(tmp);
  }
  return NULL;
}

/* One attribute of a tag in the prescan; returns the new position. */
static size_t prescan_attr(const char *s, size_t n, size_t i, char *name,
                           size_t namecap, const char **val, size_t *vlen)
{
  size_t k = 0;

  *val = NULL;
  *vlen = 0;
  name[0] = '\0';
  while (i < n && (isspace((unsigned char)s[i]) || s[i] == '/'))
    i++;
  if (i >= n || s[i] == '>')
    return i;
  while (i < n && !isspace((unsigned char)s[i]) && s[i] != '=' && s[i] != '>' &&
         (s[i] != '/' || k == 0)) {
    if (k + 1 < namecap)
      name[k++] = (char)tolower((unsigned char)s[i]);
    i++;
  }
  name[k] = '\0';
  while (i < n && isspace((unsigned char)s[i]))
    i++;
  if (i >= n || s[i] != '=')
    return i;
  i++;
  while (i < n && isspace((unsigned char)s[i]))
    i++;
  if (i < n && (s[i] == '"' || s[i] == '\'')) {
    char q = s[i++];
    *val = s + i;
    while (i < n && s[i] != q)
      i++;
    *vlen = (size_t)(s + i - *val);
    if (i < n)
      i++;
  } else {
    *val = s + i;
    while (i < n && !isspace((unsigned char)s[i]) && s[i] != '>')
      i++;
    *vlen = (size_t)(s + i - *val);
  }
  return i;
}

/* The HTML standard's prescan, reduced to what matters: <meta charset>
 * and <meta http-equiv=content-type content="...charset=...">, skipping
 * comments. */
static const char *charset_prescan(const char *s, size_t n)
{
  size_t i = 0;

  if (n > 1024)
    n = 1024;
  while (i < n) {
    if (n - i >= 4 && !memcmp(s + i, "<!--", 4)) {
      const char *e = NULL;
      size_t j;
      for (j = i + 2; j + 3 <= n; j++)
        if (!memcmp(s + j, "-->", 3)) {
          e = s + j;
          break;
        }
      if (!e)
        return NULL;
      i = (size_t)(e - s) + 3;
      continue;
    }
    if (n - i >= 6 && !strncasecmp(s + i, "<meta", 5) &&
        (isspace((unsigned char)s[i + 5]) || s[i + 5] == '/')) {
      const char *cs = NULL, *content_cs = NULL;
      int got_pragma = 0;
      char name[32];
      size_t j = i + 5;
      while (j < n && s[j] != '>') {
        const char *v;
        size_t vl;
        size_t nj = prescan_attr(s, n, j, name, sizeof name, &v, &vl);
        if (nj == j)
          nj++;
        j = nj;
        if (!name[0])
          continue;
        if (!strcmp(name, "charset") && v && !cs) {
          char tmp[64];
          if (vl < sizeof tmp) {
            memcpy(tmp, v, vl);
            tmp[vl] = '\0';
            cs = charset_canonical(tmp);
            if (!cs)
              cs = "";
          }
        } else if (!strcmp(name, "http-equiv") && v && vl == 12 &&
                   !strncasecmp(v, "content-type", 12)) {
          got_pragma = 1;
        } else if (!strcmp(name, "content") && v && !content_cs) {
          content_cs = charset_from_param(v, vl);
        }
      }
      if (cs && !*cs)
        cs = NULL;
      if (!cs && got_pragma)
        cs = content_cs;
      if (cs) {
        if (!strncmp(cs, "UTF-16", 6))
          cs = "UTF-8";
        return cs;
      }
      i = j;
      continue;
    }
    i++;
  }
  return NULL;
}

const char *charset_sniff(const char *body, size_t len,
                          const char *content_type, size_t *bom_len)
{
  const unsigned char *b = (const unsigned char *)body;
  const char *cs;

  *bom_len = 0;
  if (len >= 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf) {
    *bom_len = 3;
    return "UTF-8";
  }
  if (len >= 2 && b[0] == 0xfe && b[1] == 0xff) {
    *bom_len = 2;
    return "UTF-16BE";
  }
  if (len >= 2 && b[0] == 0xff && b[1] == 0xfe) {
    *bom_len = 2;
    return "UTF-16LE";
  }
  if (content_type) {
    cs = charset_from_param(content_type, strlen(content_type));
    if (cs)
      return cs;
  }
  cs = charset_prescan(body, len);
  if (cs)
    return cs;
  return charset_utf8_valid(body, len) ? "UTF-8" : "GB18030";
}
