/* parser/css.c - the url() tokens and @import rules of a style sheet.
 *
 * A small scanner after the CSS Syntax Module's tokenizer (4.3), only as
 * far as URLs need it: comments are skipped, strings are read whole (so
 * "url(x)" inside a string is no URL), a run of name characters is one
 * word (so myurl( and -url( are other functions), escapes are decoded
 * (\75 rl( is url(), url( followed by a string takes the string, a bare
 * url(...) ends at ')' and is dropped (a bad url) at a quote, '(' or a
 * control character, or at white space before anything but ')'.
 * @import takes the next string or url() after it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "parser/parse.h"
#include "parser/parse_int.h"

struct css_scan {
  const unsigned char *p, *end;
  struct css_url *v;
  size_t n, cap;
  const char *base;
  int oom;
};

static int is_name(int c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '_' || c >= 0x80;
}

/* A valid escape starts at @p: a backslash not followed by a newline (or
 * the end). */
static int valid_escape(const struct css_scan *s, const unsigned char *p)
{
  return p < s->end && *p == '\\' && p + 1 < s->end && p[1] != '\n' &&
         p[1] != '\r' && p[1] != '\f';
}

static void put_cp(struct v6_buf *b, unsigned long cp)
{
  char u[4];
  if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
    cp = 0xfffd;
  if (cp < 0x80) {
    u[0] = (char)cp;
    v6_buf_putn(b, u, 1);
  } else if (cp < 0x800) {
    u[0] = (char)(0xc0 | (cp >> 6));
    u[1] = (char)(0x80 | (cp & 0x3f));
    v6_buf_putn(b, u, 2);
  } else if (cp < 0x10000) {
    u[0] = (char)(0xe0 | (cp >> 12));
    u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
    u[2] = (char)(0x80 | (cp & 0x3f));
    v6_buf_putn(b, u, 3);
  } else {
    u[0] = (char)(0xf0 | (cp >> 18));
    u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    u[3] = (char)(0x80 | (cp & 0x3f));
    v6_buf_putn(b, u, 4);
  }
}

/* Decode the escape whose backslash s->p points at (valid, or at the end
 * of the text) into @b; s->p moves past it. */
static void escape_take(struct css_scan *s, struct v6_buf *b)
{
  unsigned long cp = 0;
  int k = 0, h;
  s->p++; /* the backslash */
  if (s->p >= s->end) {
    put_cp(b, 0xfffd);
    return;
  }
  while (k < 6 && s->p < s->end && (h = pct_hexval(*s->p)) >= 0) {
    cp = cp * 16 + (unsigned long)h;
    s->p++;
    k++;
  }
  if (k) {
    if (s->p < s->end && *s->p == '\r' && s->p + 1 < s->end && s->p[1] == '\n')
      s->p += 2;
    else if (s->p < s->end && css_is_ws(*s->p))
      s->p++;
    put_cp(b, cp);
    return;
  }
  v6_buf_putn(b, (const char *)s->p, 1);
  s->p++;
}

/* A comment starts at s->p: skip it (to the end when unclosed). */
static void comment_skip(struct css_scan *s)
{
  s->p += 2;
  while (s->p + 1 < s->end && !(s->p[0] == '*' && s->p[1] == '/'))
    s->p++;
  s->p = s->p + 1 < s->end ? s->p + 2 : s->end;
}

/* The string whose quote s->p points at, into @b. 1 when it is a good
 * string (closed by its quote or the end), 0 when a newline broke it. */
static int string_take(struct css_scan *s, struct v6_buf *b)
{
  int q = *s->p++;
  while (s->p < s->end) {
    int c = *s->p;
    if (c == q) {
      s->p++;
      return 1;
    }
    if (c == '\n' || c == '\r' || c == '\f')
      return 0; /* a bad string: the newline is the next token */
    if (c == '\\') {
      if (s->p + 1 >= s->end) {
        s->p++;
        continue;
      }
      if (s->p[1] == '\n' || s->p[1] == '\f') {
        s->p += 2;
        continue;
      }
      if (s->p[1] == '\r') {
        s->p += s->p + 2 < s->end && s->p[2] == '\n' ? 3 : 2;
        continue;
      }
      escape_take(s, b);
      continue;
    }
    v6_buf_putn(b, (const char *)s->p, 1);
    s->p++;
  }
  return 1;
}

/* A word (name characters and escapes) at s->p, into @b. */
static void word_take(struct css_scan *s, struct v6_buf *b)
{
  while (s->p < s->end) {
    if (is_name(*s->p)) {
      v6_buf_putn(b, (const char *)s->p, 1);
      s->p++;
    } else if (valid_escape(s, s->p)) {
      escape_take(s, b);
    } else {
      break;
    }
  }
}

static int word_starts(const struct css_scan *s, const unsigned char *p)
{
  return p < s->end && (is_name(*p) || valid_escape(s, p));
}

/* The rest of a bad url: up to its ')' (escapes skipped). */
static void bad_url_skip(struct css_scan *s)
{
  while (s->p < s->end && *s->p != ')') {
    if (valid_escape(s, s->p))
      s->p += 2;
    else
      s->p++;
  }
  if (s->p < s->end)
    s->p++;
}

/* A bare url( whose argument starts at s->p (white space skipped), into
 * @b. 1 when it is a url token, 0 a bad url (skipped). */
static int bare_url_take(struct css_scan *s, struct v6_buf *b)
{
  while (s->p < s->end) {
    int c = *s->p;
    if (c == ')') {
      s->p++;
      return 1;
    }
    if (css_is_ws(c)) {
      while (s->p < s->end && css_is_ws(*s->p))
        s->p++;
      if (s->p >= s->end)
        return 1;
      if (*s->p == ')') {
        s->p++;
        return 1;
      }
      bad_url_skip(s);
      return 0;
    }
    if (c == '"' || c == '\'' || c == '(' || c < 0x09 || c == 0x0b ||
        (c >= 0x0e && c < 0x20) || c == 0x7f) {
      bad_url_skip(s);
      return 0;
    }
    if (c == '\\') {
      if (!valid_escape(s, s->p)) {
        bad_url_skip(s);
        return 0;
      }
      escape_take(s, b);
      continue;
    }
    v6_buf_putn(b, (const char *)s->p, 1);
    s->p++;
  }
  return 1; /* the end of the text closes it */
}

static void url_add(struct css_scan *s, struct v6_buf *b, int import)
{
  struct css_url *u;
  buf_touch(b);
  if (b->oom) {
    s->oom = 1;
    return;
  }
  if (!b->n || b->p[0] == '#')
    return; /* url(), url("") and url(#id): no request */
  if (s->n == s->cap) {
    size_t nc = s->cap ? s->cap * 2 : 8;
    struct css_url *nv = realloc(s->v, nc * sizeof *nv);
    if (!nv) {
      s->oom = 1;
      return;
    }
    s->v = nv;
    s->cap = nc;
  }
  u = &s->v[s->n];
  memset(u, 0, sizeof *u);
  u->import = import;
  if (!(u->raw = strndup(b->p, b->n))) {
    s->oom = 1;
    return;
  }
  s->n++;
  if (s->base &&
      url_resolve_n(s->base, b->p, b->n, NULL, 0, &u->url) == PARSE_NOMEM)
    s->oom = 1;
}

/* After url( (s->p past the '('): its URL, string or bare. */
static void url_fn(struct css_scan *s, struct v6_buf *b, int import)
{
  while (s->p < s->end && css_is_ws(*s->p))
    s->p++;
  v6_buf_reset(b);
  if (s->p < s->end && (*s->p == '"' || *s->p == '\'')) {
    if (string_take(s, b))
      url_add(s, b, import);
    return; /* the rest of the function is scanned as usual */
  }
  if (bare_url_take(s, b))
    url_add(s, b, import);
}

int css_urls_extract(const char *css, size_t len, const char *base,
                     struct css_url **out, size_t *n)
{
  struct css_scan s;
  struct v6_buf b;
  int import = 0; /* an @import waits for its string or url() */

  memset(&s, 0, sizeof s);
  v6_buf_init(&b, 0);
  *out = NULL;
  *n = 0;
  s.p = (const unsigned char *)(css ? css : "");
  s.end = s.p + (css ? len : 0);
  s.base = base;
  while (s.p < s.end && !s.oom) {
    int c = *s.p;
    if (css_is_ws(c)) {
      s.p++;
      continue;
    }
    if (c == '/' && s.p + 1 < s.end && s.p[1] == '*') {
      comment_skip(&s);
      continue;
    }
    if (c == '"' || c == '\'') {
      v6_buf_reset(&b);
      if (string_take(&s, &b) && import)
        url_add(&s, &b, 1);
      import = 0;
      continue;
    }
    if (c == '@' && word_starts(&s, s.p + 1)) {
      s.p++;
      v6_buf_reset(&b);
      word_take(&s, &b);
      buf_touch(&b);
      import = b.n == 6 && !strncasecmp(b.p, "import", 6);
      continue;
    }
    if (word_starts(&s, s.p)) {
      v6_buf_reset(&b);
      word_take(&s, &b);
      buf_touch(&b);
      if (b.n == 3 && !strncasecmp(b.p, "url", 3) && s.p < s.end &&
          *s.p == '(') {
        s.p++;
        url_fn(&s, &b, import);
      }
      import = 0;
      continue;
    }
    if (c == '\\') {
      s.p += s.p + 1 < s.end ? 2 : 1; /* a stray backslash: a delimiter */
      import = 0;
      continue;
    }
    s.p++;
    import = 0;
  }
  v6_buf_cleanup(&b);
  if (s.oom) {
    css_urls_free(s.v, s.n);
    return PARSE_NOMEM;
  }
  *out = s.v;
  *n = s.n;
  return PARSE_OK;
}

void css_urls_free(struct css_url *v, size_t n)
{
  size_t i;
  for (i = 0; v && i < n; i++) {
    free(v[i].url);
    free(v[i].raw);
  }
  free(v);
}
