/* parser/url.c - URL resolution the browser way, url_view, percent sets.
 *
 * uriparser does the RFC 3986 work: it splits a reference into its
 * components, resolves it against the base (in the compatibility mode
 * browsers use for "http:foo") and removes dot segments. This file adds
 * what the WHATWG URL Standard asks on top of RFC 3986: the pre-processing
 * of the input, the special-scheme rules (backslashes, "http:/x", default
 * ports, empty hosts, file: drive letters), the percent-encode sets and
 * the query in the document's charset. Each host it writes goes through
 * the URL Standard's host parser in host.c (IPv4 number forms, IPv6, IDNA
 * through libidn2). url_view_parse and url_is_http read URLs once they
 * are written.
 *
 * uriparser rejects bytes the URL Standard accepts (spaces, "|", "{", a
 * second "#", a lone "%", non-ASCII ...), so it never reads our text
 * itself: it parses a shadow, a copy of the same length where each such
 * byte is replaced by a neutral letter. Its text ranges, which point into
 * the shadow, are mapped back to the same offsets of the real text before
 * anything reads them, and never leave this file.
 */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <uriparser/Uri.h>

#include "parser/parse.h"
#include "parser/parse_int.h"

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

static void put_pct(struct v6_buf *b, unsigned char c, enum pct_set set)
{
  static const char hex[] = "0123456789ABCDEF";
  char e[3];

  if (!in_set(c, set)) {
    v6_buf_putc(b, (char)c);
    return;
  }
  e[0] = '%';
  e[1] = hex[c >> 4];
  e[2] = hex[c & 15];
  v6_buf_putn(b, e, 3);
}

int pct_hexval(int c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

void pct_encode(struct v6_buf *o, const char *s, size_t n, enum pct_set set)
{
  size_t i, start = 0;

  for (i = 0; i < n; i++) {
    if (!in_set((unsigned char)s[i], set))
      continue;
    v6_buf_putn(o, s + start, i - start);
    put_pct(o, (unsigned char)s[i], set);
    start = i + 1;
  }
  v6_buf_putn(o, s + start, n - start);
}

/* ---- preparing a reference for uriparser ---- */

/* A reference as uriparser sees it: @text is ours (pre-processed and
 * rewritten for the special-scheme rules), @shadow the same bytes with
 * those RFC 3986 rejects replaced (see the top of the file), @uri the
 * parse of @shadow, its ranges pointing into @shadow. */
struct uref {
  struct v6_buf text;
  char *shadow;
  UriUriA uri;
  int parsed;
  int special;       /* the scheme is special */
  const char *drive; /* the drive letter the path starts with as parsed
                      * (dot removal may pop it), or NULL */
};

/* A range of real text: where one of uriparser's ranges points after
 * mapping it out of the shadow. */
struct span {
  const char *p;
  size_t n;
};

static void uref_init(struct uref *r)
{
  v6_buf_init(&r->text, 0);
  r->shadow = NULL;
  memset(&r->uri, 0, sizeof r->uri);
  r->parsed = 0;
  r->special = 0;
  r->drive = NULL;
}

static void uref_cleanup(struct uref *r)
{
  if (r->parsed)
    uriFreeUriMembersA(&r->uri);
  v6_buf_cleanup(&r->text);
  free(r->shadow);
  uref_init(r);
}

/* The real text of @t, a range into the shadow of @a or @b (either may be
 * NULL) or into memory of uriparser's own (then it is read as it is). */
static struct span span_of(const struct uref *a, const struct uref *b,
                           UriTextRangeA t)
{
  struct span s = {"", 0};
  const struct uref *refs[2] = {a, b};
  uintptr_t p = (uintptr_t)t.first;
  int i;

  if (!t.first)
    return s;
  s.p = t.first;
  s.n = (size_t)(t.afterLast - t.first);
  for (i = 0; i < 2; i++) {
    const struct uref *r = refs[i];
    uintptr_t lo;
    if (!r || !r->shadow)
      continue;
    lo = (uintptr_t)r->shadow;
    if (p >= lo && p <= lo + r->text.n) {
      s.p = r->text.p + (p - lo);
      break;
    }
  }
  return s;
}

static int span_eq(struct span s, const char *lit)
{
  return s.n == strlen(lit) && !strncasecmp(s.p, lit, s.n);
}

/* Strip leading/trailing C0 and space, remove tab/newline, scrub UTF-8.
 * @in/@n may hold NUL bytes; they are percent-encoded or rejected later
 * like any other C0 control. */
static int preprocess(const char *in, size_t n, struct v6_buf *out)
{
  struct v6_buf t;
  size_t a = 0, i, start;
  int rc = PARSE_NOMEM;

  v6_buf_init(&t, 0);
  while (a < n && (unsigned char)in[a] <= 0x20)
    a++;
  while (n > a && (unsigned char)in[n - 1] <= 0x20)
    n--;
  for (i = start = a; i < n; i++) {
    if (in[i] != '\t' && in[i] != '\n' && in[i] != '\r')
      continue;
    v6_buf_putn(&t, in + start, i - start);
    start = i + 1;
  }
  if (start > a) { /* something was removed */
    v6_buf_putn(&t, in + start, n - start);
    if (t.oom)
      goto out;
    in = t.p;
    a = 0;
    n = t.n;
  }
  charset_utf8_scrub(in + a, n - a, out);
  buf_touch(out);
  if (!out->oom)
    rc = PARSE_OK;
out:
  v6_buf_cleanup(&t);
  return rc;
}

/* 1 for the bytes that end an authority, a path segment or a scheme's
 * first segment: '/', '?', '#'. */
static int ends_authority(char c)
{
  return c == '/' || c == '?' || c == '#';
}

/* Length of the scheme at the start of @s/@n (without the ':'), 0 when
 * there is none: a letter, then letters, digits, '+', '-', '.', then ':'. */
static size_t scheme_len(const char *s, size_t n)
{
  size_t i;

  if (n == 0 || !isalpha((unsigned char)s[0]))
    return 0;
  for (i = 1; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == ':')
      return i;
    if (!isalnum(c) && c != '+' && c != '-' && c != '.')
      return 0;
  }
  return 0;
}

/* Append @s/@n to @o: with backslashes as slashes up to the query or
 * fragment when @special; when @skip, with its leading slashes and
 * backslashes replaced by @keep slashes. */
static void put_rest(struct v6_buf *o, const char *s, size_t n, int special,
                     int skip, size_t keep)
{
  size_t i = 0, end = 0, start;

  while (special && end < n && s[end] != '?' && s[end] != '#')
    end++;
  if (skip) {
    while (i < end && (s[i] == '/' || s[i] == '\\'))
      i++;
    while (keep--)
      v6_buf_putc(o, '/');
  }
  for (start = i; i < end; i++) {
    if (s[i] != '\\')
      continue;
    v6_buf_putn(o, s + start, i - start);
    v6_buf_putc(o, '/');
    start = i + 1;
  }
  v6_buf_putn(o, s + start, n - start);
}

/* The scheme @s (lower case in our text) as a C string in @buf, "" when
 * it has more than @cap - 1 bytes (such a scheme is never special). */
static void scheme_buf(struct span s, char *buf, size_t cap)
{
  if (s.n >= cap)
    s.n = 0;
  if (s.n) /* s.p may be NULL for an empty range */
    memcpy(buf, s.p, s.n);
  buf[s.n] = '\0';
}

/* 1 when @s/@n starts with a Windows drive letter ("C:" or "C|") that
 * ends there or before '/', '\\', '?' or '#'. */
static int starts_with_drive(const char *s, size_t n)
{
  if (n < 2 || !isalpha((unsigned char)s[0]) || (s[1] != ':' && s[1] != '|'))
    return 0;
  return n == 2 || s[2] == '\\' || ends_authority(s[2]);
}

/* 1 when @s is a drive letter, "C:" or "C|". */
static int span_is_drive(struct span s)
{
  return s.n == 2 && starts_with_drive(s.p, s.n);
}

/* The drive letter the path of the parsed @r starts with after its
 * leading dot segments ("/./C:/", "/C:/.."), or NULL. */
static const char *uref_drive(const struct uref *r)
{
  const UriPathSegmentA *seg = r->uri.pathHead;
  struct span s = {"", 0};

  for (; seg; seg = seg->next) {
    s = span_of(r, NULL, seg->text);
    if (!span_eq(s, ".") && !span_eq(s, ".."))
      break;
  }
  return seg && span_is_drive(s) ? s.p : NULL;
}

/* The rest of a file: reference (after "file:" if it has it): a host only
 * after two slashes and never a drive letter ("//C:/" is a path); without
 * a file: @base (NULL) the path is absolute; against one, a path starting
 * with a drive letter replaces the base's, and an absolute path keeps the
 * base's drive letter. */
static void file_rewrite(struct v6_buf *o, const char *s, size_t n,
                         const struct uref *base, int slash2)
{
  const char *drive = base ? base->drive : NULL;

  if (slash2) {
    v6_buf_puts(o, "//");
    if (starts_with_drive(s + 2, n - 2))
      v6_buf_putc(o, '/');
    put_rest(o, s + 2, n - 2, 1, 0, 0);
  } else if (!base) {
    put_rest(o, s, n, 1, 1, 3);
  } else if (starts_with_drive(s, n)) {
    v6_buf_putc(o, '/');
    put_rest(o, s, n, 1, 0, 0);
  } else if (n && (s[0] == '/' || s[0] == '\\') && drive &&
             !starts_with_drive(s + 1, n - 1)) {
    v6_buf_putc(o, '/');
    v6_buf_putn(o, drive, 2);
    put_rest(o, s, n, 1, 0, 0);
  } else {
    put_rest(o, s, n, 1, 0, 0);
  }
}

/* "./" before a relative path whose first segment holds a ':', which
 * would otherwise read as a scheme (RFC 3986 section 4.2). */
static void put_dot_prefix(struct v6_buf *o, const char *s, size_t n,
                           int special)
{
  size_t i;

  for (i = 0; i < n && !ends_authority(s[i]); i++)
    if (s[i] == ':' || (special && s[i] == '\\'))
      break;
  if (i < n && s[i] == ':')
    v6_buf_puts(o, "./");
}

/* Rewrite the pre-processed @s/@n into @o, a reference in which RFC 3986
 * resolution gives what the URL Standard gives: the scheme lower-cased;
 * for a special scheme, backslashes as slashes up to the query, and
 * "http:/x", "https:x" (against an http: base), "http:\\x" and "///x"
 * read as authorities, as the standard reads them; file: as file_rewrite
 * says. "http:x" against an http: base stays, for uriparser's
 * compatibility mode. @base is the parsed base or NULL. PARSE_OK, or
 * PARSE_INVALID for a relative reference without a base. */
static int ref_rewrite(const char *s, size_t n, const struct uref *base,
                       struct v6_buf *o)
{
  size_t k = scheme_len(s, n), i;
  const char *rest = k ? s + k + 1 : s;
  size_t rn = k ? n - k - 1 : n;
  char sch[8] = "", bsch[8] = "";
  int special, same, slash2;

  if (!k && !base)
    return PARSE_INVALID;
  for (i = 0; i < k; i++) {
    char c = (char)tolower((unsigned char)s[i]);
    v6_buf_putc(o, c);
    if (k < sizeof sch) /* a longer one is never special */
      sch[i] = c;
  }
  if (base)
    scheme_buf(span_of(base, NULL, base->uri.scheme), bsch, sizeof bsch);
  same = base && (!k || !strcmp(sch, bsch));
  special = is_special_scheme(k ? sch : bsch);
  slash2 = rn >= 2 && (rest[0] == '/' || (special && rest[0] == '\\')) &&
           (rest[1] == '/' || (special && rest[1] == '\\'));
  if (k)
    v6_buf_putc(o, ':');
  if (!k && !(special && slash2))
    put_dot_prefix(o, rest, rn, special);
  if (!strcmp(k ? sch : bsch, "file"))
    file_rewrite(o, rest, rn, same ? base : NULL, slash2);
  else if (special && (slash2 || !same))
    put_rest(o, rest, rn, 1, 1, 2);
  else
    put_rest(o, rest, rn, special, 0, 0);
  return PARSE_OK;
}

/* 1 when RFC 3986 allows byte @c somewhere in a URI. */
static int rfc3986_char(unsigned char c)
{
  switch (c) {
    case '"':
    case '<':
    case '>':
    case '\\':
    case '^':
    case '`':
    case '{':
    case '|':
    case '}':
      return 0;
    default:
      return c > 0x20 && c < 0x7f;
  }
}

/* Fill @shadow (@n bytes) from @s: every byte uriparser would reject where
 * it stands becomes 'x'. Besides bytes outside RFC 3986 that is a '%' not
 * followed by two hex digits, a second '#', '[' and ']' outside an IPv6
 * literal, and an '@' in the authority other than the last one (the URL
 * Standard splits the user info at the last). */
static void shadow_fill(const char *s, size_t n, char *shadow)
{
  size_t k = scheme_len(s, n), i, a = 0, ae = 0, at = 0, lit = 0;
  int frag = 0;

  memcpy(shadow, s, n);
  i = k ? k + 1 : 0;
  if (n - i >= 2 && s[i] == '/' && s[i + 1] == '/') {
    a = i + 2;
    for (ae = a; ae < n && !ends_authority(s[ae]); ae++)
      if (s[ae] == '@')
        at = ae + 1;
    lit = at ? at : a;
  }
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    int bad = !rfc3986_char(c);
    if (c == '%')
      bad = i + 2 >= n || pct_hexval(s[i + 1]) < 0 || pct_hexval(s[i + 2]) < 0;
    else if (c == '#')
      bad = frag++ > 0;
    else if (c == '@')
      bad = i >= a && i < ae && i + 1 != at;
    else if (c == '[')
      bad = i != lit || i >= ae;
    else if (c == ']')
      bad = i < lit || i >= ae || s[lit] != '[' ||
            memchr(s + lit, ']', i - lit) != NULL;
    if (bad)
      shadow[i] = 'x';
  }
}

/* Point the segments the URL Standard reads as dot segments ("%2e",
 * ".%2E", ...) at a "." or "..", which uriparser then removes. */
static void dots_fix(struct uref *r)
{
  static const char dot1[] = ".", dot2[] = "..";
  UriPathSegmentA *seg;

  for (seg = r->uri.pathHead; seg; seg = seg->next) {
    struct span s = span_of(r, NULL, seg->text);
    const char *to = NULL;
    if (span_eq(s, "%2e"))
      to = dot1;
    else if (span_eq(s, "%2e%2e") || span_eq(s, ".%2e") || span_eq(s, "%2e."))
      to = dot2;
    if (to) {
      seg->text.first = to;
      seg->text.afterLast = to + strlen(to);
    }
  }
}

/* 1 when @u has an opaque path: a scheme that is not @special (for a
 * special one, "http:x" is relative), no authority, and a path that does
 * not start with '/' ("mailto:x", "javascript:void(0)"). */
static int uri_opaque(const UriUriA *u, int special)
{
  return u->scheme.first && !u->hostText.first && !u->absolutePath && !special;
}

static int uref_opaque(const struct uref *r)
{
  return uri_opaque(&r->uri, r->special);
}

/* Pre-process, rewrite and shadow @s/@n into @r, and have uriparser parse
 * it. @base as for ref_rewrite. PARSE_OK, PARSE_INVALID, PARSE_NOMEM. */
static int uref_parse(struct uref *r, const char *s, size_t n,
                      const struct uref *base)
{
  struct v6_buf pre;
  const char *err = NULL;
  int rc;

  v6_buf_init(&pre, 0);
  rc = preprocess(s, n, &pre);
  if (rc)
    goto out;
  rc = ref_rewrite(pre.p, pre.n, base, &r->text);
  buf_touch(&r->text);
  if (rc == PARSE_OK && r->text.oom)
    rc = PARSE_NOMEM;
  if (rc)
    goto out;
  rc = PARSE_NOMEM;
  r->shadow = malloc(r->text.n + 1);
  if (!r->shadow)
    goto out;
  shadow_fill(r->text.p, r->text.n, r->shadow);
  r->shadow[r->text.n] = '\0';
  rc = uriParseSingleUriExA(&r->uri, r->shadow, r->shadow + r->text.n, &err);
  if (rc == URI_ERROR_MALLOC) {
    rc = PARSE_NOMEM;
    goto out;
  }
  r->parsed = rc == URI_SUCCESS;
  rc = r->parsed ? PARSE_OK : PARSE_INVALID;
  if (r->parsed) {
    char sch[8];
    scheme_buf(span_of(r, NULL, r->uri.scheme), sch, sizeof sch);
    r->special = is_special_scheme(sch);
    if (!uref_opaque(r))
      dots_fix(r);
    r->drive = uref_drive(r);
  }
out:
  v6_buf_cleanup(&pre);
  return rc;
}

/* ---- serialising ---- */

/* The pieces a result is written from, mapped to real text. */
struct parts {
  const struct uref *a, *b;
  const UriUriA *u;
  char scheme[8]; /* lower case; "" when longer (never special then) */
  int special;
  const char *drive; /* see file_drive */
};

static void put_span(struct v6_buf *o, struct span s, enum pct_set set)
{
  pct_encode(o, s.p, s.n, set);
}

/* "user:pass@" when either is non-empty. */
static void put_userinfo(struct v6_buf *o, const struct parts *pt)
{
  struct span ui = span_of(pt->a, pt->b, pt->u->userInfo);
  const char *colon = memchr(ui.p, ':', ui.n);
  struct span user = {ui.p, colon ? (size_t)(colon - ui.p) : ui.n};
  struct span pass = {colon ? colon + 1 : "", colon ? ui.n - user.n - 1 : 0};

  if (!user.n && !pass.n)
    return;
  put_span(o, user, SET_USER);
  if (pass.n) {
    v6_buf_putc(o, ':');
    put_span(o, pass, SET_USER);
  }
  v6_buf_putc(o, '@');
}

/* ":port" unless it is empty or the scheme's default; PARSE_INVALID when
 * it is above 65535. */
static int put_port(struct v6_buf *o, const struct parts *pt)
{
  struct span ps = span_of(pt->a, pt->b, pt->u->portText);
  long port = 0;
  size_t i;
  char tmp[16];

  if (!ps.n)
    return PARSE_OK;
  for (i = 0; i < ps.n; i++) {
    if (ps.p[i] < '0' || ps.p[i] > '9')
      return PARSE_INVALID;
    port = port * 10 + (ps.p[i] - '0');
    if (port > 65535)
      return PARSE_INVALID;
  }
  if (port == default_port(pt->scheme))
    return PARSE_OK;
  snprintf(tmp, sizeof tmp, ":%ld", port);
  v6_buf_puts(o, tmp);
  return PARSE_OK;
}

/* "//userinfo@host:port"; PARSE_OK, PARSE_INVALID or PARSE_NOMEM. */
static int put_authority(struct v6_buf *o, const struct parts *pt)
{
  const UriUriA *u = pt->u;
  struct span h = span_of(pt->a, pt->b, u->hostText);
  int file = !strcmp(pt->scheme, "file");
  size_t mark;
  int rc;

  /* "sc://@/", "sc://:1/": user info or a port need a host; a file: host
   * runs to the path, so it has neither */
  if ((!h.n || file) && (u->userInfo.first || u->portText.first))
    return PARSE_INVALID;
  v6_buf_puts(o, "//");
  put_userinfo(o, pt);
  mark = o->n;
  if (u->hostData.ip6 || u->hostData.ipFuture.first) {
    v6_buf_putc(o, '[');
    rc = host_ipv6(h.p, h.n, o);
    v6_buf_putc(o, ']');
  } else if (!pt->special) {
    rc = host_opaque(h.p, h.n, o);
  } else if (!file) {
    rc = h.n ? host_domain(h.p, h.n, o) : PARSE_INVALID;
  } else {
    rc = h.n ? host_domain(h.p, h.n, o) : PARSE_OK;
    if (rc == PARSE_OK && o->n - mark == 9 &&
        !memcmp(o->p + mark, "localhost", 9))
      o->p[o->n = mark] = '\0'; /* file://localhost/ is file:/// */
  }
  if (rc == PARSE_OK)
    rc = put_port(o, pt);
  return rc;
}

/* The drive letter of a file: URL that RFC 3986 dot removal may have
 * popped ("file:///C:/" and "..") and the URL Standard keeps: the one the
 * path it was merged from starts with, the reference's when that has an
 * absolute path, else the base's. */
static const char *file_drive(const struct parts *pt)
{
  const UriUriA *r = &pt->a->uri;

  if (strcmp(pt->scheme, "file"))
    return NULL;
  if (r->hostText.first || r->absolutePath || !pt->b)
    return pt->a->drive;
  return pt->b->drive;
}

/* One segment of an opaque path, where only C0 controls are encoded and
 * a space before the query or fragment stays visible as "%20". */
static void put_opaque(struct v6_buf *o, const UriUriA *u,
                       const UriPathSegmentA *seg, struct span s)
{
  size_t i;

  for (i = 0; i < s.n; i++) {
    if (s.p[i] == ' ' && i + 1 == s.n && !seg->next &&
        (u->query.first || u->fragment.first))
      v6_buf_puts(o, "%20");
    else
      put_pct(o, (unsigned char)s.p[i], SET_C0);
  }
}

/* The path: segments percent-encoded; "/" for an empty special path; "/."
 * before a path starting with "//" when there is no authority, so that it
 * cannot read as one; a file: drive letter as "C:". */
static void put_path(struct v6_buf *o, const struct parts *pt)
{
  const UriUriA *u = pt->u;
  const UriPathSegmentA *seg = u->pathHead, *first;
  int opaque = uri_opaque(u, pt->special);

  /* uriparser's own "." before a path starting with "//" (RFC 3986
   * section 5.2.4 leaves no other "." segment); we write "/." ourselves
   * where the URL Standard does */
  if (!opaque && seg && seg->next &&
      seg->text.afterLast - seg->text.first == 1 && seg->text.first[0] == '.' &&
      seg->next->text.first == seg->next->text.afterLast)
    seg = seg->next;
  first = seg;
  if (!u->hostText.first && !opaque && first && first->next &&
      first->text.first == first->text.afterLast)
    v6_buf_puts(o, "/.");
  if (!first && ((u->hostText.first && pt->special) || u->absolutePath))
    v6_buf_putc(o, '/');
  /* popped when the path no longer starts with that very segment */
  if (pt->drive &&
      !(first && span_of(pt->a, pt->b, first->text).p == pt->drive)) {
    v6_buf_putc(o, '/');
    v6_buf_putc(o, pt->drive[0]);
    v6_buf_putc(o, ':');
  }
  for (; seg; seg = seg->next) {
    struct span s = span_of(pt->a, pt->b, seg->text);
    if (seg != first || u->hostText.first || u->absolutePath)
      v6_buf_putc(o, '/');
    if (seg == first && span_is_drive(s) && !strcmp(pt->scheme, "file")) {
      v6_buf_putc(o, s.p[0]);
      v6_buf_putc(o, ':'); /* "C|" is the drive letter "C:" */
    } else if (opaque) {
      put_opaque(o, u, seg, s);
    } else {
      put_span(o, s, SET_PATH);
    }
  }
}

/* "?query", encoded in @charset (a canonical name, NULL for UTF-8) when
 * the scheme is special and not ws(s), as browsers do; a query that comes
 * from the base was parsed as UTF-8. */
static int put_query(struct v6_buf *o, const struct parts *pt,
                     const char *charset)
{
  struct span q = span_of(pt->a, pt->b, pt->u->query);
  enum pct_set set = pt->special ? SET_SQUERY : SET_QUERY;
  struct v6_buf enc;
  int rc = PARSE_OK;

  if (!pt->u->query.first)
    return PARSE_OK;
  if (pt->b && span_of(pt->b, NULL, pt->u->query).p != pt->u->query.first)
    charset = NULL;
  v6_buf_init(&enc, 0);
  v6_buf_putc(o, '?');
  if (charset && pt->special && strcmp(pt->scheme, "ws") &&
      strcmp(pt->scheme, "wss")) {
    rc = charset_from_utf8(charset, q.p, q.n, &enc);
    if (rc == PARSE_OK) {
      q.p = enc.p ? enc.p : "";
      q.n = enc.n;
    } else if (rc == PARSE_CHARSET) {
      rc = PARSE_OK; /* unknown: fall back to UTF-8 */
    }
  }
  if (rc == PARSE_OK)
    put_span(o, q, set);
  v6_buf_cleanup(&enc);
  return rc;
}

static void parts_init(struct parts *pt, const UriUriA *u, const struct uref *a,
                       const struct uref *b)
{
  pt->a = a;
  pt->b = b;
  pt->u = u;
  scheme_buf(span_of(a, b, u->scheme), pt->scheme, sizeof pt->scheme);
  pt->special = is_special_scheme(pt->scheme);
  pt->drive = file_drive(pt);
}

/* Check what of the base @b only writing it would check, its host and
 * port: the URL Standard fails to resolve against an invalid base.
 * PARSE_OK, PARSE_INVALID or PARSE_NOMEM. */
static int base_check(const struct uref *b)
{
  struct parts pt;
  struct v6_buf tmp;
  int rc;

  if (!b->uri.hostText.first)
    return PARSE_OK;
  parts_init(&pt, &b->uri, b, NULL);
  v6_buf_init(&tmp, 0);
  rc = put_authority(&tmp, &pt);
  if (rc == PARSE_OK && tmp.oom)
    rc = PARSE_NOMEM;
  v6_buf_cleanup(&tmp);
  return rc;
}

/* Serialise @u, the result of resolving (ranges into @a's or @b's
 * shadow), the way the URL Standard does. */
static int uri_serialise(const UriUriA *u, const struct uref *a,
                         const struct uref *b, const char *charset,
                         int keep_frag, struct v6_buf *o)
{
  struct parts pt;
  struct span sch = span_of(a, b, u->scheme);
  int rc = PARSE_OK;

  parts_init(&pt, u, a, b);
  v6_buf_putn(o, sch.p, sch.n);
  v6_buf_putc(o, ':');
  if (u->hostText.first)
    rc = put_authority(o, &pt);
  if (rc)
    return rc;
  put_path(o, &pt);
  rc = put_query(o, &pt, charset);
  if (rc == PARSE_OK && keep_frag && u->fragment.first) {
    v6_buf_putc(o, '#');
    put_span(o, span_of(a, b, u->fragment), SET_FRAG);
  }
  buf_touch(o);
  return rc;
}

/* ---- resolving ---- */

/* 1 when a segment of @r is "." or "..". */
static int uref_dotted(const struct uref *r)
{
  const UriPathSegmentA *seg;

  for (seg = r->uri.pathHead; seg; seg = seg->next) {
    size_t n = (size_t)(seg->text.afterLast - seg->text.first);
    if ((n == 1 || n == 2) && !strncmp(seg->text.first, "..", n))
      return 1;
  }
  return 0;
}

/* Remove the dot segments of the absolute @r, as the URL Standard does
 * when it parses a URL (RFC 3986 would keep them in a base that an empty
 * reference is resolved against): uriparser resolves @r against itself.
 * PARSE_OK, PARSE_INVALID or PARSE_NOMEM. */
static int uref_clean(struct uref *r)
{
  UriUriA t;
  int rc;

  if (!r->uri.scheme.first || uref_opaque(r) || !uref_dotted(r))
    return PARSE_OK;
  rc = uriAddBaseUriExA(&t, &r->uri, &r->uri, URI_RESOLVE_STRICTLY);
  if (rc != URI_SUCCESS)
    return rc == URI_ERROR_MALLOC ? PARSE_NOMEM : PARSE_INVALID;
  uriFreeUriMembersA(&r->uri);
  r->uri = t;
  return PARSE_OK;
}

/* Resolve @ref against @base (NULL: none) into @out with uriparser:
 * RFC 3986 section 5.2 in the compatibility mode that reads "http:x"
 * against an http: base as relative. An absolute reference without a base
 * is resolved against itself, which only removes its dot segments. Against
 * an opaque base only a fragment resolves. On PARSE_OK @out is the
 * caller's to free with uriFreeUriMembersA. PARSE_OK, PARSE_INVALID,
 * PARSE_NOMEM. */
static int ref_resolve(const struct uref *ref, const struct uref *base,
                       UriUriA *out)
{
  const UriUriA *r = &ref->uri;
  int rc;

  if (!r->scheme.first && base && uref_opaque(base) && ref->text.p[0] != '#')
    return PARSE_INVALID;
  rc =
    uriAddBaseUriExA(out, r, base ? &base->uri : r,
                     base && ref->special ? URI_RESOLVE_IDENTICAL_SCHEME_COMPAT
                                          : URI_RESOLVE_STRICTLY);
  if (rc == URI_ERROR_MALLOC)
    return PARSE_NOMEM;
  return rc == URI_SUCCESS ? PARSE_OK : PARSE_INVALID;
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

/* the origins (besides the base's own) a url_base learns for url_fast */
#define FAST_ORIGINS 8

/* A base URL parsed once for the many links of a page (url_base_new). */
struct url_base {
  struct uref b;
  int have; /* 0: no base (absolute links only) */
  int rc;   /* what parsing it gave: every resolve against it fails so */
  /* url_fast's: the base serialised (no fragment), NULL when it is not
   * http or https; the length of its origin ("http://host:port") and of
   * its directory (up to the last '/' of its path) */
  char *pre;
  size_t origin_n, dir_n;
  /* origins that came out of a full resolve as they went in */
  char *origins[FAST_ORIGINS];
  size_t n_origins;
  size_t fast; /* links resolved by url_fast */
};

/* Parse @base into @b as the base of a resolve. */
static int base_parse(struct uref *b, const char *base)
{
  int rc = uref_parse(b, base, strlen(base), NULL);
  if (rc == PARSE_OK)
    rc = base_check(b);
  if (rc == PARSE_OK)
    rc = uref_clean(b);
  return rc;
}

/* url_resolve_n against the parsed base @b (NULL: none). */
static int resolve_at(const struct uref *b, const char *href, size_t href_len,
                      const char *charset, int flags, char **out)
{
  struct uref r;
  UriUriA res;
  struct v6_buf o;
  const char *cs = NULL;
  int resolved = 0, rc = PARSE_INVALID;

  uref_init(&r);
  v6_buf_init(&o, 0);
  *out = NULL;
  if (!href)
    goto out;
  if (charset) {
    cs = charset_canonical(charset);
    if (cs && (!strcmp(cs, "UTF-8") || !strncmp(cs, "UTF-16", 6)))
      cs = NULL;
  }
  rc = uref_parse(&r, href, href_len, b);
  if (rc)
    goto out;
  if (!uref_opaque(&r)) {
    rc = ref_resolve(&r, b, &res);
    if (rc)
      goto out;
    resolved = 1;
  }
  rc = uri_serialise(resolved ? &res : &r.uri, &r, b, cs,
                     flags & URL_KEEP_FRAGMENT, &o);
  if (rc)
    goto out;
  *out = v6_buf_take(&o);
  if (!*out)
    rc = PARSE_NOMEM;
out:
  if (resolved)
    uriFreeUriMembersA(&res);
  v6_buf_cleanup(&o);
  uref_cleanup(&r);
  return rc;
}

int url_resolve_n(const char *base, const char *href, size_t href_len,
                  const char *charset, int flags, char **out)
{
  struct uref b;
  int rc = PARSE_OK;

  uref_init(&b);
  *out = NULL;
  if (href && base)
    rc = base_parse(&b, base);
  if (rc == PARSE_OK)
    rc = resolve_at(base ? &b : NULL, href, href_len, charset, flags, out);
  uref_cleanup(&b);
  return rc;
}

/* ---- the short cut for the common link -------------------------------

   Most links of a portal are plain: "/art/2024/1/2/art_1_2.html",
   "index_2.html", "http://www.example.gov.cn/col/col3/index.html". For
   those the URL Standard's answer is the base's origin or directory with
   the link appended, byte for byte: none of their bytes is one that
   parsing or serialising changes or reads specially. url_fast gives that
   answer for such links and leaves every other one to the full resolve;
   tests/unit/check_url.c compares the two on random links. */

/* A byte that passes every part of a plain link unchanged: no '%', '#',
 * ':', '\\', '.' starting a segment (checked apart), quotes, '<', '>',
 * '[', ']', '{', '}', '|', '^', '`', space, controls or non-ASCII. */
static int fast_char(unsigned char c)
{
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
      (c >= '0' && c <= '9'))
    return 1;
  return c && strchr("-._~/!$&()*+,;=@?", c) != NULL;
}

/* Whether @s (@n bytes, a path and perhaps "?query") is plain: fast_char
 * bytes only, no dot segment ("." or ".." may be one, so no segment of the
 * path starts with a dot), not "//" (an authority) at its start. */
static int fast_plain(const char *s, size_t n)
{
  size_t i, path = n;
  for (i = 0; i < n; i++) {
    if (!fast_char((unsigned char)s[i]))
      return 0;
    if (s[i] == '?' && path == n)
      path = i;
  }
  if (path && s[0] == '.')
    return 0;
  for (i = 0; i + 1 < path; i++)
    if (s[i] == '/' && s[i + 1] == '.')
      return 0;
  return !(n >= 2 && s[0] == '/' && s[1] == '/');
}

/* The origin of serialised http(s) URL @u: its length, 0 when @u is not
 * one ("scheme://authority" and then a '/'). */
static size_t fast_origin(const char *u)
{
  const char *a, *slash;
  if (!strncmp(u, "http://", 7))
    a = u + 7;
  else if (!strncmp(u, "https://", 8))
    a = u + 8;
  else
    return 0;
  slash = strchr(a, '/');
  return slash && slash > a ? (size_t)(slash - u) : 0;
}

/* Set up @u's short cut from its base: only an http or https one. */
static void fast_init(struct url_base *u)
{
  size_t path_end;
  if (resolve_at(&u->b, "", 0, NULL, 0, &u->pre) != PARSE_OK)
    return;
  u->origin_n = fast_origin(u->pre);
  if (!u->origin_n) {
    free(u->pre);
    u->pre = NULL;
    return;
  }
  path_end = strcspn(u->pre, "?");
  for (u->dir_n = path_end; u->pre[u->dir_n - 1] != '/'; u->dir_n--)
    ;
}

/* @prefix (@pn bytes) and @s (@n bytes) into a new string at *@out. */
static int fast_join(const char *prefix, size_t pn, const char *s, size_t n,
                     char **out)
{
  char *r = malloc(pn + n + 1);
  if (!r)
    return PARSE_NOMEM;
  memcpy(r, prefix, pn);
  memcpy(r + pn, s, n);
  r[pn + n] = 0;
  *out = r;
  return PARSE_OK;
}

/* url_fast's answer for a link that is not plain */
#define FAST_NO 1

/* The plain link @href (@n bytes) against @u into *@out: PARSE_OK or
 * PARSE_NOMEM; FAST_NO when it is no plain link (the full resolve
 * decides). */
static int url_fast(const struct url_base *u, const char *href, size_t n,
                    char **out)
{
  size_t i, on;
  if (!u->pre || !n)
    return FAST_NO;
  if (href[0] == '/' || (href[0] != '?' && !memchr(href, ':', n))) {
    if (!fast_plain(href, n))
      return FAST_NO;
    if (href[0] == '/')
      return fast_join(u->pre, u->origin_n, href, n, out);
    return fast_join(u->pre, u->dir_n, href, n, out);
  }
  /* absolute: an origin known to come out as it is, then a plain path */
  for (i = 0; i <= u->n_origins; i++) {
    const char *o = i < u->n_origins ? u->origins[i] : u->pre;
    on = i < u->n_origins ? strlen(o) : u->origin_n;
    if (n > on && href[on] == '/' && !memcmp(href, o, on))
      return fast_plain(href + on, n - on) ? fast_join(href, n, "", 0, out)
                                           : FAST_NO;
  }
  return FAST_NO;
}

/* After a full resolve of @href to @url: when @href is an absolute http(s)
 * link whose origin came out unchanged, url_fast may take that origin's
 * plain links from now on. */
static void fast_learn(struct url_base *u, const char *href, const char *url)
{
  size_t on;
  char *o;
  if (!u->pre || u->n_origins == FAST_ORIGINS)
    return;
  on = fast_origin(url);
  if (!on || strncmp(href, url, on) || href[on] != '/')
    return;
  if (on == u->origin_n && !strncmp(url, u->pre, on))
    return;
  if (!(o = strndup(url, on)))
    return;
  u->origins[u->n_origins++] = o;
}

int url_base_new(const char *base, struct url_base **out)
{
  struct url_base *u = calloc(1, sizeof *u);

  *out = NULL;
  if (!u)
    return PARSE_NOMEM;
  uref_init(&u->b);
  u->have = base != NULL;
  u->rc = base ? base_parse(&u->b, base) : PARSE_OK;
  if (u->rc == PARSE_NOMEM) {
    url_base_free(u);
    return PARSE_NOMEM;
  }
  if (u->have && u->rc == PARSE_OK)
    fast_init(u);
  *out = u;
  return PARSE_OK;
}

int url_resolve_base(struct url_base *base, const char *href,
                     const char *charset, int flags, char **out)
{
  size_t n;
  int rc;

  *out = NULL;
  if (!href)
    return PARSE_INVALID;
  if (base->rc)
    return base->rc;
  n = strlen(href);
  if ((rc = url_fast(base, href, n, out)) != FAST_NO) {
    base->fast++;
    return rc;
  }
  rc = resolve_at(base->have ? &base->b : NULL, href, n, charset, flags, out);
  if (rc == PARSE_OK)
    fast_learn(base, href, *out);
  return rc;
}

size_t url_base_fast_count(const struct url_base *b)
{
  return b->fast;
}

void url_base_free(struct url_base *base)
{
  size_t i;
  if (!base)
    return;
  uref_cleanup(&base->b);
  free(base->pre);
  for (i = 0; i < base->n_origins; i++)
    free(base->origins[i]);
  free(base);
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
