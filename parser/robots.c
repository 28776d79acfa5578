/* parser/robots.c - robots.txt rules (RFC 9309, Google's reading of it).
 *
 * The semantics follow Google's open-source matcher, which the RFC was
 * written from: groups are runs of user-agent lines followed by rules,
 * groups naming our product token win over '*' ones (and are merged), the
 * longest matching pattern wins and allow wins a tie. Common typos of the
 * keys and a missing colon are accepted as Google does.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parser/parse.h"
#include "parser/parse_int.h"

#define ROBOTS_MAX_LINE (2083 * 8)

struct robots_rule {
  char *pat;
  size_t len;
  int allow;
  int specific; /* from a group naming our agent, else from '*' */
};

struct robots {
  struct robots_rule *rules;
  size_t n, cap;
  int ever_specific;
  double delay_specific;
  double delay_global;
  int has_delay_specific;
};

struct robots_parser {
  struct robots *r;
  char agent[128];
  int seen_global;
  int seen_specific;
  int seen_separator;
  int oom;
};

static int robots_rule_add(struct robots *r, const char *pat, size_t len,
                           int allow, int specific)
{
  struct robots_rule *nr;
  char *p;

  if (r->n == r->cap) {
    size_t nc = r->cap ? r->cap * 2 : 16;
    nr = realloc(r->rules, nc * sizeof *nr);
    if (!nr)
      return -1;
    r->rules = nr;
    r->cap = nc;
  }
  p = malloc(len + 1);
  if (!p)
    return -1;
  memcpy(p, pat, len);
  p[len] = '\0';
  r->rules[r->n].pat = p;
  r->rules[r->n].len = len;
  r->rules[r->n].allow = allow;
  r->rules[r->n].specific = specific;
  r->n++;
  return 0;
}

/* Upper-case the hex of %xx and percent-encode bytes outside ASCII, so a
 * pattern compares equal to the URL's own encoding. */
static void robots_escape(const char *s, size_t n, struct v6_buf *out)
{
  static const char hex[] = "0123456789ABCDEF";
  size_t i;

  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '%' && i + 2 < n && isxdigit((unsigned char)s[i + 1]) &&
        isxdigit((unsigned char)s[i + 2])) {
      v6_buf_putc(out, '%');
      v6_buf_putc(out, (char)toupper((unsigned char)s[i + 1]));
      v6_buf_putc(out, (char)toupper((unsigned char)s[i + 2]));
      i += 2;
    } else if (c >= 0x80) {
      char e[3] = {'%', hex[c >> 4], hex[c & 15]};
      v6_buf_putn(out, e, 3);
    } else {
      v6_buf_putc(out, (char)c);
    }
  }
  buf_touch(out);
}

/* The URL side is taken as the crawler sends it (already encoded); only
 * the hex case of %xx is normalised. Raw non-ASCII bytes stay raw and so
 * never match an encoded pattern, as in Google's matcher. */
static void robots_escape_path(const char *s, struct v6_buf *out)
{
  size_t i;

  for (i = 0; s[i]; i++) {
    if (s[i] == '%' && isxdigit((unsigned char)s[i + 1]) &&
        isxdigit((unsigned char)s[i + 2])) {
      v6_buf_putc(out, '%');
      v6_buf_putc(out, (char)toupper((unsigned char)s[i + 1]));
      v6_buf_putc(out, (char)toupper((unsigned char)s[i + 2]));
      i += 2;
    } else {
      v6_buf_putc(out, s[i]);
    }
  }
  buf_touch(out);
}

static int key_is(const char *key, size_t kn, const char *want)
{
  size_t wn = strlen(want);

  return kn >= wn && !strncasecmp(key, want, wn);
}

static size_t agent_token(const char *s, size_t n)
{
  size_t i = 0;

  /* RFC 9309 2.2.1: a product token is [a-zA-Z_-]; Google stops there,
   * so "AB42bot" names the agent "AB" */
  while (i < n && (isalpha((unsigned char)s[i]) || s[i] == '_' || s[i] == '-'))
    i++;
  return i;
}

static void robots_user_agent(struct robots_parser *ps, const char *v,
                              size_t vn)
{
  size_t tn;

  if (ps->seen_separator)
    ps->seen_specific = ps->seen_global = ps->seen_separator = 0;
  if (vn >= 1 && v[0] == '*' && (vn == 1 || isspace((unsigned char)v[1]))) {
    ps->seen_global = 1;
    return;
  }
  tn = agent_token(v, vn);
  if (tn && tn == strlen(ps->agent) && !strncasecmp(v, ps->agent, tn)) {
    ps->seen_specific = 1;
    ps->r->ever_specific = 1;
  }
}

static void robots_rule_line(struct robots_parser *ps, const char *v, size_t vn,
                             int allow)
{
  struct v6_buf pat;
  int specific;

  if (!ps->seen_global && !ps->seen_specific)
    return;
  ps->seen_separator = 1;
  specific = ps->seen_specific;
  v6_buf_init(&pat, 0);
  robots_escape(v, vn, &pat);
  if (pat.oom || robots_rule_add(ps->r, pat.p, pat.n, allow, specific))
    ps->oom = 1;
  /* Google: allowing /dir/index.html allows /dir/ itself too */
  if (allow && !ps->oom) {
    size_t n = pat.n, cut = 0;
    if (n >= 10 && !strcmp(pat.p + n - 10, "/index.htm"))
      cut = n - 9;
    else if (n >= 11 && !strcmp(pat.p + n - 11, "/index.html"))
      cut = n - 10;
    if (cut) {
      pat.n = cut;
      pat.p[cut] = '\0';
      v6_buf_putc(&pat, '$');
      if (pat.oom || robots_rule_add(ps->r, pat.p, pat.n, 1, specific))
        ps->oom = 1;
    }
  }
  v6_buf_cleanup(&pat);
}

static void robots_delay(struct robots_parser *ps, const char *v, size_t vn)
{
  char tmp[32];
  char *end = NULL;
  double d;

  if (!ps->seen_global && !ps->seen_specific)
    return;
  if (vn == 0 || vn >= sizeof tmp)
    return;
  memcpy(tmp, v, vn);
  tmp[vn] = '\0';
  d = strtod(tmp, &end);
  if (end == tmp || !(d >= 0) || d > 86400)
    return;
  if (ps->seen_specific) {
    ps->r->delay_specific = d;
    ps->r->has_delay_specific = 1;
  } else if (ps->r->delay_global == 0) {
    ps->r->delay_global = d;
  }
}

static void robots_line(struct robots_parser *ps, char *line, size_t n)
{
  char *key, *val, *sep;
  size_t kn, vn, i;

  for (i = 0; i < n; i++)
    if (line[i] == '#') {
      n = i;
      break;
    }
  while (n && isspace((unsigned char)line[n - 1]))
    n--;
  while (n && isspace((unsigned char)*line)) {
    line++;
    n--;
  }
  if (!n)
    return;
  line[n] = '\0';
  sep = memchr(line, ':', n);
  if (!sep) {
    /* Google accepts "key value" when there are exactly two words */
    sep = strpbrk(line, " \t");
    if (!sep)
      return;
    val = sep + strspn(sep, " \t");
    if (strpbrk(val, " \t"))
      return;
  }
  key = line;
  kn = (size_t)(sep - line);
  while (kn && isspace((unsigned char)key[kn - 1]))
    kn--;
  if (!kn)
    return;
  val = sep + 1;
  while (*val && isspace((unsigned char)*val))
    val++;
  vn = strlen(val);
  while (vn && isspace((unsigned char)val[vn - 1]))
    vn--;

  if (key_is(key, kn, "user-agent") || key_is(key, kn, "useragent") ||
      key_is(key, kn, "user agent"))
    robots_user_agent(ps, val, vn);
  else if (key_is(key, kn, "allow"))
    robots_rule_line(ps, val, vn, 1);
  else if (key_is(key, kn, "disallow") || key_is(key, kn, "dissallow") ||
           key_is(key, kn, "dissalow") || key_is(key, kn, "disalow") ||
           key_is(key, kn, "diasllow") || key_is(key, kn, "disallaw"))
    robots_rule_line(ps, val, vn, 0);
  else if (key_is(key, kn, "crawl-delay"))
    robots_delay(ps, val, vn);
}

int robots_parse(const char *body, size_t len, const char *user_agent,
                 struct robots **out)
{
  struct robots_parser ps;
  struct robots *r = NULL;
  char *line = NULL;
  size_t i = 0, ln = 0, k;
  int rc = PARSE_OK;
  static const unsigned char bom[] = {0xef, 0xbb, 0xbf};

  *out = NULL;
  memset(&ps, 0, sizeof ps);
  r = calloc(1, sizeof *r);
  line = malloc(ROBOTS_MAX_LINE + 1);
  if (!r || !line) {
    rc = PARSE_NOMEM;
    goto out;
  }
  ps.r = r;
  if (user_agent) {
    size_t an = strcspn(user_agent, "/");
    if (an >= sizeof ps.agent)
      an = sizeof ps.agent - 1;
    memcpy(ps.agent, user_agent, an);
    ps.agent[an] = '\0';
  }
  if (!body)
    len = 0;
  if (len > ROBOTS_MAX_BYTES) {
    /* only whole lines: the line the cap cuts would say something else
     * ("Disallow: /p" of "Disallow: /private/") */
    len = ROBOTS_MAX_BYTES;
    if (body[len] != '\n' && body[len] != '\r')
      while (len && body[len - 1] != '\n' && body[len - 1] != '\r')
        len--;
  }
  /* a whole or partial UTF-8 BOM at the start is skipped */
  for (k = 0; k < 3 && i < len && (unsigned char)body[i] == bom[k]; k++)
    i++;
  for (; i <= len; i++) {
    if (i == len || body[i] == '\n' || body[i] == '\r') {
      robots_line(&ps, line, ln);
      if (ps.oom) {
        rc = PARSE_NOMEM;
        goto out;
      }
      ln = 0;
      if (i + 1 < len && body[i] == '\r' && body[i + 1] == '\n')
        i++;
      continue;
    }
    if (ln < ROBOTS_MAX_LINE - 1)
      line[ln++] = body[i];
  }
  *out = r;
  r = NULL;
out:
  free(line);
  robots_free(r);
  return rc;
}

/* Google's matcher: '*' matches any run, '$' at the end anchors. */
static int robots_match(const char *path, size_t pn, const char *pat,
                        size_t patn, size_t *pos)
{
  size_t np = 1, i, j;

  pos[0] = 0;
  for (i = 0; i < patn; i++) {
    if (pat[i] == '$' && i + 1 == patn)
      return pos[np - 1] == pn;
    if (pat[i] == '*') {
      np = pn - pos[0] + 1;
      for (j = 1; j < np; j++)
        pos[j] = pos[j - 1] + 1;
    } else {
      size_t nn = 0;
      for (j = 0; j < np; j++)
        if (pos[j] < pn && path[pos[j]] == pat[i])
          pos[nn++] = pos[j] + 1;
      np = nn;
      if (!np)
        return 0;
    }
  }
  return 1;
}

int robots_allowed(const struct robots *r, const char *path_query)
{
  struct v6_buf path;
  size_t *pos = NULL;
  long best[2][2] = {{-1, -1}, {-1, -1}}; /* [specific][allow] */
  size_t i;
  int allowed = 1;

  if (!r)
    return 1;
  v6_buf_init(&path, 0);
  if (!path_query || path_query[0] != '/')
    v6_buf_putc(&path, '/');
  if (path_query)
    robots_escape_path(path_query, &path);
  buf_touch(&path);
  pos = malloc((path.n + 1) * sizeof *pos);
  if (path.oom || !pos)
    goto out; /* no memory to decide: allow, as for a missing file */
  for (i = 0; i < r->n; i++) {
    const struct robots_rule *ru = &r->rules[i];
    long *b = &best[ru->specific][ru->allow];
    if ((long)ru->len > *b &&
        robots_match(path.p, path.n, ru->pat, ru->len, pos))
      *b = (long)ru->len;
  }
  if (best[1][1] > 0 || best[1][0] > 0)
    allowed = !(best[1][0] > best[1][1]);
  else if (r->ever_specific)
    allowed = 1;
  else if (best[0][1] > 0 || best[0][0] > 0)
    allowed = !(best[0][0] > best[0][1]);
out:
  free(pos);
  v6_buf_cleanup(&path);
  return allowed;
}

double robots_crawl_delay(const struct robots *r)
{
  if (!r)
    return 0;
  if (r->has_delay_specific)
    return r->delay_specific;
  if (r->ever_specific)
    return 0;
  return r->delay_global;
}

void robots_free(struct robots *r)
{
  size_t i;

  if (!r)
    return;
  for (i = 0; i < r->n; i++)
    free(r->rules[i].pat);
  free(r->rules);
  free(r);
}
