/* crawler/wall.c - anti-bot walls: what a refusal looks like, when two
 * are the same, how long a 429 makes a host wait, and the headers an
 * owner lets the crawler through their own wall with.
 *
 * A wall (a WAF, an anti-bot service) answers a client it does not trust
 * with a refusal: 412 with a script and a cookie, 403 for an unknown
 * User-Agent, 429 with Retry-After, a 503 or 405 challenge page. When both
 * families get the same refusal the link says nothing about IPv6 (it is
 * blocked); when only IPv6 gets it, it is an IPv6 failure with this as its
 * evidence. The rules are doc/measurement.md's "Walls".
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "crawler/crawl_int.h"

/* Markers of well-known walls: a header (name, and a value substring or
 * NULL for any value), a Set-Cookie name prefix, a body substring. */
struct marker {
  const char *what; /* "h" header, "c" cookie name prefix, "b" body */
  const char *key;
  const char *value;
  const char *name;
};

static const struct marker markers[] = {
  {"h", "server", "cloudflare", "cloudflare"},
  {"h", "cf-ray", NULL, "cloudflare"},
  {"h", "cf-mitigated", NULL, "cloudflare"},
  {"h", "server", "yundun", "yundun"},
  {"h", "server", "jiasule", "jiasule"},
  {"h", "x-via-jsl", NULL, "jiasule"},
  {"h", "server", "yunjiasu", "yunjiasu"},
  {"h", "x-powered-by-360wzb", NULL, "360wzb"},
  {"h", "server", "safeline", "safeline"},
  {"h", "server", "akamaighost", "akamai"},
  {"h", "x-safe-firewall", NULL, "safedog"},
  {"h", "server", "safedog", "safedog"},
  {"c", "__jsluid", NULL, "jiasule"},
  {"c", "__jsl_clearance", NULL, "jiasule"},
  {"c", "acw_tc", NULL, "aliyun"},
  {"c", "acw_sc__", NULL, "aliyun"},
  {"c", "__cf_bm", NULL, "cloudflare"},
  {"c", "cf_clearance", NULL, "cloudflare"},
  {"c", "yunsuo_session", NULL, "yunsuo"},
  {"c", "safedog", NULL, "safedog"},
  {"c", "sl-session", NULL, "safeline"},
  {"b", "$_ts", NULL, "ruishu"},
  {"b", "aliyun_waf", NULL, "aliyun"},
  {"b", "errors.aliyun.com", NULL, "aliyun"},
  {"b", "waf.tencent-cloud.com", NULL, "tencent"},
  {"b", "safeline", NULL, "safeline"},
  {"b", "safedog", NULL, "safedog"},
  {"b", "yunsuo", NULL, "yunsuo"},
  {"b", "challenge-platform", NULL, "cloudflare"},
  {"b", "jsl_clearance", NULL, "jiasule"},
};

#define N_MARKERS (sizeof(markers) / sizeof(markers[0]))

/* Statuses a wall refuses with: 403, 412 and 429 always; 405 and 503
 * only with a sign of a challenge (a cookie, a script, a marker), since
 * an ordinary server says them too; 521 (jiasule's script page) only with
 * a stronger sign (wall_521_challenge), since it is also a CDN's "origin
 * down". */
static int wall_status(int status)
{
  return status == 403 || status == 412 || status == 429 || status == 405 ||
         status == 503 || status == 521;
}

static int wall_status_plain(int status)
{
  return status == 403 || status == 412 || status == 429;
}

/* Success statuses a JavaScript challenge comes with (a 200 or a 202
 * whose script sets a cookie and reloads): their body is kept too. */
static int wall_status_2xx(int status)
{
  return status == 200 || status == 202;
}

void wall_cap_init(struct wall_cap *w)
{
  memset(w, 0, sizeof(*w));
  w->retry_after_ms = -1;
  v6_buf_init(&w->body, WALL_BODY_MAX);
}

void wall_cap_cleanup(struct wall_cap *w)
{
  v6_buf_cleanup(&w->body);
}

/* Case-insensitive substring of the @n bytes at @p; @needle is lower
 * case. Its first byte is looked for before the rest is compared: a page
 * is scanned for several markers, and a full compare at every byte was
 * most of a crawl's CPU. */
static int has_ci(const char *p, size_t n, const char *needle)
{
  size_t k = strlen(needle), i;
  unsigned char c0;
  if (!k || k > n)
    return 0;
  c0 = (unsigned char)needle[0];
  for (i = 0; i + k <= n; i++)
    if (tolower((unsigned char)p[i]) == c0 &&
        strncasecmp(p + i + 1, needle + 1, k - 1) == 0)
      return 1;
  return 0;
}

/* Retry-After's value @v (@n bytes): delay-seconds or an HTTP-date. */
static long retry_after(const char *v, size_t n)
{
  char buf[64];
  struct tm tm;
  char *end;
  long s;
  time_t t, now;

  if (n >= sizeof(buf))
    return -1;
  memcpy(buf, v, n);
  buf[n] = 0;
  if (isdigit((unsigned char)buf[0])) {
    s = strtol(buf, &end, 10);
    if (*end || s < 0 || s > 86400L * 365)
      return -1;
    return s * 1000;
  }
  memset(&tm, 0, sizeof(tm));
  end = strptime(buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (!end || *end)
    return -1;
  t = timegm(&tm);
  now = time(NULL);
  return t <= now ? 0 : (long)(t - now) * 1000;
}

/* Append Set-Cookie name @p (@n bytes) to @w's list, as room allows. */
static void cookie_add(struct wall_cap *w, const char *p, size_t n)
{
  size_t have = strlen(w->cookies);
  if (!n || have + n + 2 > sizeof(w->cookies))
    return;
  if (have)
    w->cookies[have++] = ',';
  memcpy(w->cookies + have, p, n);
  w->cookies[have + n] = 0;
}

void wall_cap_header(struct wall_cap *w, const char *line, size_t len)
{
  const char *colon, *v, *e;
  size_t i, klen;

  while (len && (line[len - 1] == '\r' || line[len - 1] == '\n'))
    len--;
  if (len > 9 && strncmp(line, "HTTP/", 5) == 0) {
    /* a new response: what came before was an interim one */
    const char *sp = memchr(line, ' ', len);
    v6_buf_cleanup(&w->body);
    wall_cap_init(w);
    if (sp && (size_t)(sp - line) + 4 <= len)
      w->status = (int)strtol(sp + 1, NULL, 10);
    return;
  }
  colon = memchr(line, ':', len);
  if (!colon)
    return;
  klen = (size_t)(colon - line);
  v = colon + 1;
  e = line + len;
  while (v < e && (*v == ' ' || *v == '\t'))
    v++;
  if (klen == 10 && strncasecmp(line, "set-cookie", 10) == 0) {
    const char *eq = memchr(v, '=', (size_t)(e - v));
    const char *ne = eq ? eq : e;
    while (ne > v && (ne[-1] == ' ' || ne[-1] == '\t'))
      ne--;
    cookie_add(w, v, (size_t)(ne - v));
  } else if (klen == 11 && strncasecmp(line, "retry-after", 11) == 0) {
    w->retry_after_ms = retry_after(v, (size_t)(e - v));
  }
  /* a header marker only counts for a refusal or a 202 (an ordinary 200
   * behind a CDN has them all), so the common answer skips the scan */
  if (w->hmarker || !(wall_status(w->status) || w->status == 202))
    return;
  for (i = 0; i < N_MARKERS; i++) {
    const struct marker *m = &markers[i];
    if (m->what[0] != 'h' || strlen(m->key) != klen ||
        strncasecmp(line, m->key, klen) != 0)
      continue;
    if (!m->value || has_ci(v, (size_t)(e - v), m->value)) {
      w->hmarker = m->name;
      return;
    }
  }
}

void wall_cap_body(struct wall_cap *w, const char *p, size_t n)
{
  size_t room;
  if (!wall_status(w->status) && !wall_status_2xx(w->status))
    return;
  room = WALL_BODY_MAX - w->body.n;
  if (n > room)
    w->big = 1;
  if (!room)
    return;
  v6_buf_putn(&w->body, p, n < room ? n : room);
}

/* A byte of a token: what a nonce, a hash or base64 is made of. */
static int tok_char(unsigned char ch)
{
  return isalnum(ch) || ch == '+' || ch == '/' || ch == '=' || ch == '_' ||
         ch == '-';
}

/* FNV-1a of the body with white space and digits left out, and every
 * token of 12 bytes or more (nonces, hashes, base64) too: two answers of
 * one wall page differ in those. 0 for no body. */
static uint32_t body_hash(const char *p, size_t n)
{
  uint32_t h = 2166136261u;
  size_t i = 0, j;
  if (!n)
    return 0;
  while (i < n) {
    unsigned char ch = (unsigned char)p[i];
    if (tok_char(ch)) {
      for (j = i; j < n && tok_char((unsigned char)p[j]); j++)
        ;
      if (j - i < 12)
        for (; i < j; i++)
          if (!isdigit((unsigned char)p[i]))
            h = (h ^ (unsigned char)p[i]) * 16777619u;
      i = j;
      continue;
    }
    if (!isspace(ch))
      h = (h ^ ch) * 16777619u;
    i++;
  }
  return h ? h : 1;
}

static int name_cmp(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* @in's comma-separated names, sorted, each once, into @out. */
static void cookies_sorted(const char *in, char *out, size_t len)
{
  char buf[sizeof(((struct wall_cap *)0)->cookies)], *v[80], *p, *q;
  size_t n = 0, i, o = 0;

  out[0] = 0;
  snprintf(buf, sizeof(buf), "%s", in);
  for (p = buf; *p && n < 80; p = q) {
    q = strchr(p, ',');
    if (q)
      *q++ = 0;
    else
      q = p + strlen(p);
    v[n++] = p;
  }
  qsort(v, n, sizeof(v[0]), name_cmp);
  for (i = 0; i < n; i++) {
    size_t k = strlen(v[i]);
    if (i && strcmp(v[i], v[i - 1]) == 0)
      continue;
    if (o + k + 2 > len)
      break;
    if (o)
      out[o++] = ',';
    memcpy(out + o, v[i], k + 1);
    o += k;
  }
}

/* The kinds of marker marker_of looks at. */
enum { MARK_HEADER = 1, MARK_COOKIE = 2, MARK_BODY = 4, MARK_ANY = 7 };

/* The WAF a marker of @w of the kinds @kinds names, or NULL. */
static const char *marker_of(const struct wall_cap *w, int kinds)
{
  const char *b = w->body.p ? w->body.p : "";
  size_t i;
  if (w->hmarker && (kinds & MARK_HEADER))
    return w->hmarker;
  for (i = 0; i < N_MARKERS; i++) {
    const struct marker *m = &markers[i];
    if (m->what[0] == 'c' && (kinds & MARK_COOKIE)) {
      const char *c = w->cookies;
      size_t k = strlen(m->key);
      while (*c) {
        if (strncasecmp(c, m->key, k) == 0)
          return m->name;
        c = strchr(c, ',');
        if (!c)
          break;
        c++;
      }
    } else if (m->what[0] == 'b' && (kinds & MARK_BODY) &&
               has_ci(b, w->body.n, m->key)) {
      return m->name;
    }
  }
  return NULL;
}

/* A 202 or a 200 @s (of @w) as a challenge: a 202 with a Set-Cookie
 * and a script page, or with a marker; a 200 only when it is a small
 * script page (all of it within WALL_BODY_MAX) whose body carries a
 * marker, so that an ordinary page naming a vendor is never one. */
static int wall_2xx_challenge(const struct wall_cap *w,
                              const struct wall_sig *s)
{
  if (s->status == 202)
    return (s->cookies[0] && s->script) || s->marker;
  return s->script && !w->big && marker_of(w, MARK_BODY);
}

/* A 521 @s (of @w) as a challenge: jiasule's script page, which sets its
 * cookie and reloads. Cloudflare says 521 when the site's own server is
 * down ("Web server is down"), with its header and cookies on the error
 * page: that is no wall. Else a cookie or body marker, or a Set-Cookie
 * with a script page; a header marker alone is not enough. */
static int wall_521_challenge(const struct wall_cap *w,
                              const struct wall_sig *s)
{
  if (s->marker && strcmp(s->marker, "cloudflare") == 0)
    return 0;
  return (s->cookies[0] && s->script) || marker_of(w, MARK_COOKIE | MARK_BODY);
}

int wall_sig_make(const struct wall_cap *w, int status, struct wall_sig *out)
{
  struct wall_sig s;

  if ((!wall_status(status) && !wall_status_2xx(status)) || w->status != status)
    return 0;
  /* the common case, an ordinary 200: only a small script page can be a
   * challenge, so a big or an empty body (a HEAD) is not looked into */
  if (status == 200 && (w->big || !w->body.n))
    return 0;
  memset(&s, 0, sizeof(s));
  s.status = status;
  cookies_sorted(w->cookies, s.cookies, sizeof(s.cookies));
  s.script = w->body.n && has_ci(w->body.p, w->body.n, "<script");
  if (status == 200 && !s.script)
    return 0;
  s.marker = marker_of(w, status == 200 ? MARK_BODY : MARK_ANY);
  s.body_hash = body_hash(w->body.p, w->body.n);
  s.retry_after_ms = w->retry_after_ms;
  if (wall_status_2xx(status) && !wall_2xx_challenge(w, &s))
    return 0;
  if (status == 521 && !wall_521_challenge(w, &s))
    return 0;
  if (!wall_status_plain(status) && !s.cookies[0] && !s.marker && !s.script)
    return 0;
  *out = s;
  return 1;
}

int wall_sig_same(const struct wall_sig *a, const struct wall_sig *b)
{
  if (a->status != b->status)
    return 0;
  if (a->marker && b->marker && strcmp(a->marker, b->marker) == 0)
    return 1;
  if (a->cookies[0] && strcmp(a->cookies, b->cookies) == 0)
    return 1;
  return a->body_hash == b->body_hash;
}

void wall_sig_text(const struct wall_sig *s, char *buf, size_t len)
{
  char ra[48] = "";
  if (s->retry_after_ms >= 0)
    snprintf(ra, sizeof(ra), "; Retry-After %ld s", s->retry_after_ms / 1000);
  snprintf(buf, len, "%d from a wall%s%s%s: %s%s%s%sbody signature %08x%s",
           s->status, s->marker ? " (" : "", s->marker ? s->marker : "",
           s->marker ? ")" : "", s->cookies[0] ? "Set-Cookie " : "", s->cookies,
           s->cookies[0] ? "; " : "", s->script ? "a script page; " : "",
           (unsigned)s->body_hash, ra);
}

long wall_429_wait(const struct wall_cap *w, int waits)
{
  long ms = w->retry_after_ms < 0 ? WALL_429_DEFAULT_MS : w->retry_after_ms;
  if (w->status != 429 || waits >= WALL_429_TRIES || ms > WALL_429_MAX_MS)
    return -1;
  return ms;
}

void wall_host_slow(struct host *h, long ms)
{
  int64_t until = loop_now_ms() + ms;
  /* the rest of the run: one request at a time, @ms apart */
  host_delay_raise(h, ms ? ms : 1);
  if (h->next_ms < until)
    h->next_ms = until;
}

/* ---- the owners' headers ------------------------------------------------ */

struct pass_site {
  char *domain; /* lower case */
  int hset;
};

struct wall_pass {
  int global; /* the set of every other host, 0: none */
  struct pass_site *v;
  size_t n;
};

/* The length of the name of header line @line ("NAME: VALUE"). */
static size_t hname_len(const char *line)
{
  const char *c = strchr(line, ':');
  return c ? (size_t)(c - line) : strlen(line);
}

static int has_header(const struct crawl_pass *p, const char *line)
{
  size_t i, k = hname_len(line);
  for (i = 0; i < p->n_headers; i++)
    if (hname_len(p->headers[i]) == k &&
        strncasecmp(p->headers[i], line, k) == 0)
      return 1;
  return 0;
}

/* The set of site @s: its headers, then the global ones it does not
 * name; its cookie, else the global one. */
static int site_set(struct crawl *c, const struct crawl_pass *s)
{
  const struct crawl_pass *g = &c->o->pass;
  const char **lines = NULL;
  size_t n = 0, i;
  int rc;

  lines = calloc(s->n_headers + g->n_headers + 1, sizeof(*lines));
  if (!lines)
    return -1;
  for (i = 0; i < s->n_headers; i++)
    lines[n++] = s->headers[i];
  for (i = 0; i < g->n_headers; i++)
    if (!has_header(s, g->headers[i]))
      lines[n++] = g->headers[i];
  rc =
    fetcher_header_set(c->fetch, lines, n, s->cookie ? s->cookie : g->cookie);
  free(lines);
  return rc;
}

/* The domain a site's headers are for: its scope domain, else the
 * registrable domain of its start URL's host (owned, or NULL). */
static char *site_domain(const struct crawl_site *s)
{
  struct url_view v;
  char *d = NULL;
  if (s->scope_domain)
    return strdup(s->scope_domain);
  if (url_view_parse(s->url, &v) != PARSE_OK)
    return NULL;
  if (v.host && url_registrable_domain(v.host, &d) != PARSE_OK)
    d = NULL;
  if (!d && v.host)
    d = strdup(v.host);
  url_view_cleanup(&v);
  return d;
}

int wall_pass_init(struct crawl *c)
{
  const struct crawl_pass *g = &c->o->pass;
  struct wall_pass *p;
  size_t i;

  p = calloc(1, sizeof(*p));
  if (!p)
    return -1;
  c->pass = p;
  if (g->n_headers || g->cookie) {
    p->global =
      fetcher_header_set(c->fetch, g->headers, g->n_headers, g->cookie);
    if (p->global < 0)
      return -1;
  }
  p->v = calloc(c->n_sites ? c->n_sites : 1, sizeof(*p->v));
  if (!p->v)
    return -1;
  for (i = 0; i < c->n_sites; i++) {
    const struct crawl_site *s = &c->sites[i].spec;
    struct pass_site *ps = &p->v[p->n];
    if (!s->pass.n_headers && !s->pass.cookie)
      continue;
    ps->domain = site_domain(s);
    if (!ps->domain)
      return -1;
    ps->hset = site_set(c, &s->pass);
    p->n++;
    if (ps->hset < 0)
      return -1;
  }
  return 0;
}

void wall_pass_free(struct crawl *c)
{
  size_t i;
  if (!c->pass)
    return;
  for (i = 0; i < c->pass->n; i++)
    free(c->pass->v[i].domain);
  free(c->pass->v);
  free(c->pass);
  c->pass = NULL;
}

int wall_pass_pick(const struct crawl *c, const char *name)
{
  size_t i;
  if (!c->pass)
    return 0;
  for (i = 0; i < c->pass->n; i++)
    if (url_host_in_domain(name, c->pass->v[i].domain))
      return c->pass->v[i].hset;
  return c->pass->global;
}
