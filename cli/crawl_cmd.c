/* cli/crawl_cmd.c - `v6crawl crawl`: options, the sites file, signals,
 * progress; then crawl_run. Also the small `url` and `robots` commands. */
#include "config.h"

#include <errno.h>
#include <iconv.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <arpa/inet.h>

#include "base/base.h"
#include "cli/cli.h"
#include "crawler/crawl.h"
#include "parser/parse.h"
#include "store/store.h"

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
  (void)sig;
  if (stop_flag)
    _exit(EXIT_INTERRUPT);
  stop_flag = 1;
}

/* The time left as of the last progress call (eta_feed), -1 unknown. */
static double eta_left_s = -1;

/* Every progress call is a sample of the probe rate (eta.c), drawn or
 * not. The pages not read yet are taken to bring as many links as the
 * ones read did. */
static void eta_feed(const struct crawl_progress *p)
{
  static struct cli_eta est;
  eta_left_s =
    cli_eta_left(&est, p->elapsed_s, p->probes_done,
                 cli_eta_total(p->probes_total, p->pages, p->pages_left));
}

/* "ETA 1m05s" from the last estimate; "ETA -" until a probe has finished. */
static void eta(char *buf, size_t len)
{
  double left = eta_left_s;
  unsigned long s;

  if (left < 0) {
    snprintf(buf, len, "ETA -");
    return;
  }
  if (left < 9.95) {
    snprintf(buf, len, "ETA %.1fs", left);
    return;
  }
  s = left > 359999 ? 359999ul : (unsigned long)(left + 0.5);
  if (s >= 3600)
    snprintf(buf, len, "ETA %luh%02lum", s / 3600, s / 60 % 60);
  else if (s >= 60)
    snprintf(buf, len, "ETA %lum%02lus", s / 60, s % 60);
  else
    snprintf(buf, len, "ETA %lus", s);
}

/* The counters of the last progress call: the final summary's. */
static struct crawl_progress last_progress;

static void progress_quiet(const struct crawl_progress *p, void *ud)
{
  (void)ud;
  last_progress = *p;
}

/* The terminal's width (stderr's), 80 when it cannot be had. */
static size_t term_width(void)
{
  struct winsize ws;
  const char *env = getenv("COLUMNS");
  long v;

  if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
    return ws.ws_col;
  if (env && cli_int(env, 1, 10000, &v) == 0)
    return (size_t)v;
  return 80;
}

/* The progress line of @p in @buf, at most @width - 1 characters (the
 * cursor's column stays on the line, so the terminal never wraps it):
 * the fields that do not fit are left out, the least telling first. */
static void progress_text(char *buf, size_t len, const struct crawl_progress *p,
                          size_t width)
{
  /* in the order shown; drop[] lists them least telling first */
  char f[7][64];
  static const int drop[] = {4, 5, 1, 3, 0, 6};
  int keep[7] = {1, 1, 1, 1, 1, 1, 1}, i, k;
  size_t n;

  snprintf(f[0], sizeof f[0], "sites %zu/%zu", p->sites_done, p->sites);
  snprintf(f[1], sizeof f[1], "pages %zu", p->pages);
  snprintf(f[2], sizeof f[2], "probes %zu/%zu", p->probes_done,
           p->probes_total);
  snprintf(f[3], sizeof f[3], "requests %zu (%.0f/s)", p->requests,
           p->elapsed_s > 0 ? p->requests / p->elapsed_s : 0.0);
  snprintf(f[4], sizeof f[4], "errors %zu", p->errors);
  snprintf(f[5], sizeof f[5], "%.0fs", p->elapsed_s);
  eta(f[6], sizeof f[6]);
  for (k = 0;; k++) {
    n = 0;
    buf[0] = 0;
    for (i = 0; i < 7; i++)
      if (keep[i]) {
        int w = snprintf(buf + n, len - n, "%s%s", n ? "  " : "", f[i]);
        if (w < 0 || (size_t)w >= len - n)
          break;
        n += (size_t)w;
      }
    if (n + 1 <= width || k == (int)(sizeof drop / sizeof drop[0]))
      break;
    keep[drop[k]] = 0;
  }
  /* the last field alone may still be too wide: cut it */
  if (width > 0 && n + 1 > width)
    buf[width - 1] = 0;
}

/* -v: a line of its own every this many seconds */
#define VERBOSE_EVERY_S 10
/* the terminal's line is redrawn this often (the crawler calls more often:
 * every call is a sample of the rate for the time left) */
#define DRAW_EVERY_S 0.25

static int verbose;

static void progress(const struct crawl_progress *p, void *ud)
{
  static double last;
  static int shown;
  char line[512];

  last_progress = *p;
  (void)ud;
  eta_feed(p);
  /* the terminal's line is drawn at the end too, with the last figures */
  if (shown && (verbose || !p->final) &&
      p->elapsed_s - last < (verbose ? VERBOSE_EVERY_S : DRAW_EVERY_S))
    return;
  shown = 1;
  last = p->elapsed_s;
  if (verbose) {
    progress_text(line, sizeof line, p, sizeof line);
    fprintf(stderr, "v6crawl: %s\n", line);
    return;
  }
  progress_text(line, sizeof line, p, term_width());
  fprintf(stderr, "\r\033[K%s", line);
  fflush(stderr);
}

/* The sites to crawl. Every string is owned by the list; line[i] is the
 * sites-file line of v[i], 0 for a command-line URL. */
struct sitelist {
  struct crawl_site *v;
  unsigned *line;
  char **own; /* strings to free */
  size_t n, cap, n_own, cap_own;
  struct cli_pass **pass; /* the sites' header= and cookie= fields */
  size_t n_pass;
};

static char *keep(struct sitelist *l, const char *s, size_t len)
{
  char *c;
  if (l->n_own == l->cap_own) {
    size_t cap = l->cap_own ? l->cap_own * 2 : 16;
    char **o = realloc(l->own, cap * sizeof(*o));
    if (!o)
      return NULL;
    l->own = o;
    l->cap_own = cap;
  }
  c = strndup(s, len);
  if (c)
    l->own[l->n_own++] = c;
  return c;
}

/* A copy of @s owned by @l, or NULL when @s is NULL or empty (or out of
 * memory: then *@oom is set). */
static const char *keep_opt(struct sitelist *l, const char *s, int *oom)
{
  const char *c;
  if (!s || !*s)
    return NULL;
  c = keep(l, s, strlen(s));
  if (!c)
    *oom = 1;
  return c;
}

static int add_site(struct sitelist *l, const struct crawl_site *site,
                    unsigned line)
{
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 16;
    struct crawl_site *v = realloc(l->v, cap * sizeof(*v));
    unsigned *ln;
    if (!v)
      return -1;
    l->v = v;
    ln = realloc(l->line, cap * sizeof(*ln));
    if (!ln)
      return -1;
    l->line = ln;
    l->cap = cap;
  }
  l->v[l->n] = *site;
  l->line[l->n] = line;
  l->n++;
  return 0;
}

/* The index of the site of @l whose start URL is @url, or -1. Quadratic
 * over a list, which is a few thousand sites at most. */
static long sitelist_find(const struct sitelist *l, const char *url)
{
  size_t i;
  for (i = 0; i < l->n; i++)
    if (strcmp(l->v[i].url, url) == 0)
      return (long)i;
  return -1;
}

/* Add @site, from line @line of sites file @path (0: the command line),
 * unless its start URL is listed already: then the first listing stays,
 * name, unit and scope included, and one warning line names both places.
 * Returns 0, or -1 out of memory. */
static int add_site_once(struct sitelist *l, const struct crawl_site *site,
                         const char *path, unsigned line)
{
  long j = sitelist_find(l, site->url);
  char here[4200], first[4200];

  if (j < 0)
    return add_site(l, site, line);
  if (line)
    snprintf(here, sizeof(here), "%s:%u", path, line);
  else
    snprintf(here, sizeof(here), "command line");
  if (!l->line[j])
    snprintf(first, sizeof(first), "the command line");
  else if (line)
    snprintf(first, sizeof(first), "line %u", l->line[j]);
  else
    snprintf(first, sizeof(first), "%s:%u", path, l->line[j]);
  cli_err("%s: %s repeats %s; crawled once, as %s describes it", here,
          site->url, first, first);
  return 0;
}

static char *trim(char *s)
{
  char *e;
  while (*s == ' ' || *s == '\t')
    s++;
  e = s + strlen(s);
  while (e > s &&
         (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
    *--e = 0;
  return s;
}

/* @url normalised as a start URL in *@norm (the caller frees it), or the
 * error printed, naming @where, and -1. */
static int check_url(const char *url, const char *where, char **norm)
{
  char *u = NULL;
  int ok = url_resolve(NULL, url, NULL, 0, &u) == PARSE_OK && url_is_http(u);
  if (!ok && !strstr(url, "://") && strchr(url, '.') && url[0] != '/')
    /* www.example.gov.cn: a host without a scheme */
    cli_err("%s: not an absolute http(s) URL: '%s' (did you mean "
            "http://%s or https://%s?)",
            where, url, url, url);
  else if (!ok)
    cli_err("%s: not an absolute http(s) URL: '%s'", where, url);
  if (!ok) {
    free(u);
    u = NULL;
  }
  *norm = u;
  return ok ? 0 : -1;
}

/* @s as a scope domain: its host as url_resolve writes hosts (lower case,
 * IDN labels as punycode) in *@out, which the caller frees. Returns 0, -1
 * when @s is not a bare domain name (no scheme, port, path or empty
 * label), -2 out of memory. */
static int scope_parse(const char *s, char **out)
{
  size_t n = strlen(s);
  char buf[300], *u = NULL;
  struct url_view v;
  int rc = -1;

  *out = NULL;
  if (!n || n > 253 || strpbrk(s, "/\\:@?#[]% \t,;") || s[0] == '.' ||
      s[n - 1] == '.' || strstr(s, ".."))
    return -1;
  snprintf(buf, sizeof(buf), "http://%s/", s);
  if (url_resolve(NULL, buf, NULL, 0, &u) != PARSE_OK)
    goto out;
  if (url_view_parse(u, &v) != PARSE_OK)
    goto out;
  if (v.host && *v.host) {
    *out = strdup(v.host);
    rc = *out ? 0 : -2;
  }
  url_view_cleanup(&v);
out:
  free(u);
  return rc;
}

/* Longest line of a sites file, and its largest size. */
#define SITES_LINE_MAX 8191
#define SITES_FILE_MAX (64u << 20)

/* The bytes of @f into @b (at most SITES_FILE_MAX). Returns 0, -1 on a
 * read error (errno set), -2 when too big or out of memory. */
static int sites_slurp(FILE *f, struct v6_buf *b)
{
  char chunk[16384];
  size_t n;

  while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
    if (v6_buf_putn(b, chunk, n) < 0)
      return -2;
  if (ferror(f))
    return -1;
  v6_buf_putn(b, "", 0);
  return b->oom || b->toobig ? -2 : 0;
}

/* @in/@len, text in charset @cs, as UTF-8 in *@out (NUL-terminated; the
 * caller frees it). "UTF-8" only checks that the bytes are valid UTF-8.
 * Returns 0; -1 with *@bad the offset of the first byte that is not @cs
 * text; -2 out of memory (or no such charset). */
static int sites_decode(const char *cs, const char *in, size_t len, char **out,
                        size_t *bad)
{
  iconv_t cd = iconv_open("UTF-8", cs);
  char *ip = (char *)(uintptr_t)in, *op, *o = NULL;
  size_t il = len, ol = 2 * len + 4;
  int rc = -2;

  *out = NULL;
  if (cd == (iconv_t)-1)
    return -2;
  /* GB18030 to UTF-8 grows 2 bytes to 3 at most; UTF-8 stays the same */
  o = op = malloc(ol);
  if (!o)
    goto out;
  if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 ||
      iconv(cd, NULL, NULL, &op, &ol) == (size_t)-1) {
    rc = errno == E2BIG ? -2 : -1;
    *bad = (size_t)(ip - in);
    goto out;
  }
  *op = 0;
  *out = o;
  o = NULL;
  rc = 0;
out:
  free(o);
  iconv_close(cd);
  return rc;
}

/* The sites-file line of byte @off of @in, text in charset @cs that is
 * valid up to @off: the newlines of that part decoded (in UTF-16 a 0x0a
 * byte may be half of another character). */
static unsigned line_of(const char *cs, const char *in, size_t off)
{
  char *text = NULL;
  const char *p;
  size_t bad = 0;
  unsigned line = 1;

  if (sites_decode(cs, in, off, &text, &bad) < 0)
    return 0;
  for (p = text; (p = strchr(p, '\n')) != NULL; p++)
    line++;
  free(text);
  return line;
}

/* A file read as GB18030 whose line @bad_line is not UTF-8: warn about
 * its first other line that is UTF-8 with non-ASCII text (@in/@len), a
 * sign of a file edited in two encodings, whose UTF-8 names come out
 * garbled. A warning only: GBK text can be valid UTF-8 by chance. */
static void sites_mixed_warn(const char *path, const char *in, size_t len,
                             unsigned bad_line)
{
  const char *p = in, *end = in + len, *nl;
  unsigned line = 1;
  char *text = NULL;
  size_t bad = 0;

  for (; p < end; p = nl + 1, line++) {
    const char *q;
    nl = memchr(p, '\n', (size_t)(end - p));
    if (!nl)
      nl = end;
    for (q = p; q < nl && !((unsigned char)*q & 0x80); q++)
      ;
    if (q == nl || line == bad_line ||
        sites_decode("UTF-8", p, (size_t)(nl - p), &text, &bad) < 0)
      continue;
    free(text);
    cli_err("%s:%u: UTF-8 text in a file read as GB18030 (line %u is not "
            "UTF-8): its names come out garbled; save the file in one "
            "encoding",
            path, line, bad_line);
    return;
  }
}

/* The text of sites file @path (read from @f) as UTF-8 in *@text. A
 * UTF-8 BOM is skipped; a UTF-16 BOM (Excel's "Unicode text") makes it
 * UTF-16; a file that is not valid UTF-8 and has no BOM is read as
 * GB18030 (what Windows saves as "ANSI" in a Chinese locale).
 * Returns 0, or the error printed and -1. */
static int sites_text(FILE *f, const char *path, char **text)
{
  struct v6_buf b;
  const char *in, *cs = "UTF-8";
  size_t len, bad = 0;
  int rc, bom;

  *text = NULL;
  v6_buf_init(&b, SITES_FILE_MAX);
  rc = sites_slurp(f, &b);
  if (rc == -1)
    cli_err("cannot read the sites file %s: %s", path, strerror(errno));
  else if (rc == -2)
    cli_err("%s: larger than %u MiB, or out of memory", path,
            SITES_FILE_MAX >> 20);
  if (rc < 0)
    goto out;
  in = b.p;
  len = b.n;
  bom = len >= 3 && memcmp(in, "\xef\xbb\xbf", 3) == 0;
  if (bom) {
    in += 3;
    len -= 3;
  } else if (len >= 2 && (memcmp(in, "\xff\xfe", 2) == 0 ||
                          memcmp(in, "\xfe\xff", 2) == 0)) {
    /* iconv's UTF-16 reads the BOM for the byte order, and drops it */
    bom = 1;
    cs = "UTF-16";
  }
  rc = sites_decode(cs, in, len, text, &bad);
  if (rc == -1 && !bom) {
    size_t bad8 = bad;
    cs = "GB18030";
    rc = sites_decode(cs, in, len, text, &bad);
    if (rc == 0)
      sites_mixed_warn(path, in, len, line_of("UTF-8", in, bad8));
  }
  if (rc == -1)
    cli_err("%s:%u: not %s text", path, line_of(cs, in, bad),
            bom ? cs : "UTF-8 or GB18030");
  else if (rc == -2)
    cli_err("out of memory");
out:
  v6_buf_cleanup(&b);
  return rc < 0 ? -1 : 0;
}

/* A sites-file field @f that is header=... or cookie=... into site @s's
 * pass (made in @l the first time). Returns 1 when @f is one (0 not, -1
 * bad and printed, -2 out of memory). */
static int site_pass_field(struct sitelist *l, struct crawl_site *s,
                           const char *f, const char *where)
{
  struct cli_pass *ps, **v;
  int rc;

  if (strncmp(f, "header=", 7) && strncmp(f, "cookie=", 7))
    return 0;
  if (!s->pass.n_headers && !s->pass.cookie) {
    v = realloc(l->pass, (l->n_pass + 1) * sizeof(*v));
    if (!v)
      return -2;
    l->pass = v;
    if (!(v[l->n_pass] = calloc(1, sizeof(**v))))
      return -2;
    l->n_pass++;
  }
  ps = l->pass[l->n_pass - 1];
  rc = f[0] == 'h' ? cli_pass_header(ps, f + 7, where)
                   : cli_pass_cookie(ps, f + 7, where);
  s->pass.headers = (const char *const *)ps->lines;
  s->pass.n_headers = ps->n;
  s->pass.cookie = ps->cookie;
  return rc < 0 ? rc : 1;
}

/* One line of a sites file (@p, UTF-8, without its newline), line @lineno
 * of @path, into @l: up to four columns, and header= and cookie= fields
 * after the URL wherever they stand. Returns 0, -1 for a bad line
 * (printed), -2 out of memory. */
static int sites_line(struct sitelist *l, const char *path, unsigned lineno,
                      char *p)
{
  char *fields[4] = {NULL, NULL, NULL, NULL}, where[4200];
  char *url = NULL, *scope = NULL;
  struct crawl_site site;
  int nf = 0, oom = 0, rc = -1, prc;
  char sep;

  snprintf(where, sizeof(where), "%s:%u", path, lineno);
  if (strlen(p) > SITES_LINE_MAX) {
    cli_err("%s: line too long", where);
    return -1;
  }
  p = trim(p);
  if (!*p || *p == '#')
    return 0;
  memset(&site, 0, sizeof(site));
  sep = strchr(p, '\t') ? '\t' : ',';
  while (p) {
    char *next = strchr(p, sep), *f;
    if (next)
      *next++ = 0;
    f = trim(p);
    p = next;
    prc = nf ? site_pass_field(l, &site, f, where) : 0;
    if (prc < 0)
      return prc;
    if (prc)
      continue;
    if (nf == 4) {
      cli_err("%s: more than four columns (URL, name, unit, scope) besides "
              "header= and cookie=",
              where);
      return -1;
    }
    fields[nf++] = f;
  }
  if (check_url(fields[0], where, &url) < 0)
    goto out;
  if (fields[3] && *fields[3]) {
    rc = scope_parse(fields[3], &scope);
    if (rc == -1)
      cli_err("%s: not a domain name: '%s'", where, fields[3]);
    if (rc < 0)
      goto out;
  }
  site.url = keep_opt(l, url, &oom);
  site.name = keep_opt(l, fields[1], &oom);
  site.unit = keep_opt(l, fields[2], &oom);
  site.scope_domain = keep_opt(l, scope, &oom);
  rc = oom || add_site_once(l, &site, path, lineno) < 0 ? -2 : 0;
out:
  free(url);
  free(scope);
  return rc;
}

static int read_sites(const char *path, struct sitelist *l)
{
  FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
  char *text = NULL, *p, *nl;
  unsigned lineno = 0;
  int rc = 0;
  if (!f) {
    cli_err("cannot read the sites file %s: %s", path, strerror(errno));
    return -1;
  }
  if (sites_text(f, path, &text) < 0) {
    rc = -1;
    goto out;
  }
  for (p = text; *p; p = nl ? nl + 1 : p + strlen(p)) {
    int lrc;
    nl = strchr(p, '\n');
    if (nl)
      *nl = 0;
    lrc = sites_line(l, path, ++lineno, p);
    if (lrc == -2) {
      cli_err("out of memory");
      rc = -1;
      break;
    }
    if (lrc < 0)
      rc = -1;
  }
  if (rc == 0 && l->n == 0) {
    cli_err("%s: no sites in the file", path);
    rc = -1;
  }
out:
  free(text);
  if (f != stdin)
    fclose(f);
  return rc;
}

static void sitelist_free(struct sitelist *l)
{
  size_t i;
  for (i = 0; i < l->n_own; i++)
    free(l->own[i]);
  free(l->own);
  free(l->v);
  free(l->line);
  for (i = 0; i < l->n_pass; i++) {
    cli_pass_cleanup(l->pass[i]);
    free(l->pass[i]);
  }
  free(l->pass);
}

struct crawl_args {
  struct crawl_opts o;
  double fail_under;
  const char *sites_file;
  char *scope; /* --scope, normalised */
  int quiet;   /* no progress line (--quiet, or stderr is no terminal) */
  int silent;  /* --quiet: nothing on stderr on success */
  struct cli_pass pass;   /* --header, --cookie */
  int resume;             /* --resume */
  const char *resume_run; /* its RUN, or NULL: the latest incomplete */
  const char *dns_root;   /* --dns-root or NULL */
  char *vantage;          /* the default endpoint list (owned) */

  unsigned shard_k, shard_n; /* --shard K/N; n 0: every site */
  const char *label;         /* --run-label, or NULL: today */
  char today[32];
  uint32_t *index;     /* the shard's sites' places in the whole list */
  int render;          /* --render */
  char chromium[4096]; /* ... the Chromium it spawns */
};

/* @arg as a decimal in [@lo, @hi] into *@v; else the error printed. */
static int crawl_int(int id, const char *arg, long lo, long hi, long *v)
{
  if (cli_int(arg, lo, hi, v) == 0)
    return -1;
  cli_err("bad value for --%s: '%s'", cli_opts[id].name, arg);
  return EXIT_USAGE;
}

/* One "ADDR", "ADDR:PORT", "[V6]" or "[V6]:PORT" of a --dns-server list
 * (@s, @n bytes): 0 when it is one. */
static int dns_item_check(const char *s, size_t n)
{
  char addr[INET6_ADDRSTRLEN + 8], tmp[16];
  const char *port = NULL, *end = s + n, *close;
  int v6 = 0;
  long p;

  if (n == 0 || n >= sizeof addr + 8)
    return -1;
  if (s[0] == '[') {
    close = memchr(s, ']', n);
    if (!close || close == s + 1 || (size_t)(close - s - 1) >= sizeof addr)
      return -1;
    memcpy(addr, s + 1, (size_t)(close - s - 1));
    addr[close - s - 1] = 0;
    if (close + 1 < end && close[1] != ':')
      return -1;
    port = close + 1 < end ? close + 2 : NULL;
    v6 = 1;
  } else {
    const char *colon = memchr(s, ':', n);
    size_t alen = colon ? (size_t)(colon - s) : n;
    if (colon && memchr(colon + 1, ':', (size_t)(end - colon - 1))) {
      alen = n; /* a bare IPv6 address, no port */
      colon = NULL;
      v6 = 1;
    }
    if (alen >= sizeof addr)
      return -1;
    memcpy(addr, s, alen);
    addr[alen] = 0;
    port = colon ? colon + 1 : NULL;
  }
  {
    unsigned char bin[16];
    if (inet_pton(v6 ? AF_INET6 : AF_INET, addr, bin) != 1)
      return -1;
  }
  if (port) {
    size_t plen = (size_t)(end - port);
    if (plen == 0 || plen >= sizeof tmp)
      return -1;
    memcpy(tmp, port, plen);
    tmp[plen] = 0;
    if (cli_int(tmp, 1, 65535, &p) < 0)
      return -1;
  }
  return 0;
}

/* --dns-server @list: -1 when every item is an address (and port), else
 * the item named, EXIT_USAGE. Checked before the store is opened, so a
 * typo creates nothing. */
static int dns_list_check(const char *list)
{
  const char *p = list, *comma;

  do {
    size_t n;
    comma = strchr(p, ',');
    n = comma ? (size_t)(comma - p) : strlen(p);
    if (dns_item_check(p, n) < 0) {
      cli_err("bad --dns-server '%.*s': IP[:PORT][,...] (IPv6 as "
              "[ADDR]:PORT)",
              (int)n, p);
      return EXIT_USAGE;
    }
    p = comma ? comma + 1 : NULL;
  } while (p);
  return -1;
}

/* The options that are a number into the crawl options. */
static int crawl_num_opt(struct crawl_opts *o, int id, const char *arg)
{
  long v = 0;
  int rc = EXIT_USAGE;

  switch (id) {
    case OPT_DEPTH:
      rc = crawl_int(id, arg, 1, STORE_MAX_LEVEL, &v);
      o->depth = (int)v;
      break;
    case OPT_TIMEOUT:
      rc = crawl_int(id, arg, 1, 3600, &v);
      o->timeout_ms = v * 1000;
      break;
    case OPT_CONNTIMEOUT:
      rc = crawl_int(id, arg, 1, 3600, &v);
      o->connect_timeout_ms = v * 1000;
      break;
    case OPT_BREAKER:
      rc = crawl_int(id, arg, 0, 1000, &v);
      o->breaker = (int)v;
      break;
    case OPT_RETRIES:
      rc = crawl_int(id, arg, 0, 10, &v);
      o->retries = (int)v;
      break;
    case OPT_CONC:
      rc = crawl_int(id, arg, 1, 1024, &v);
      o->concurrency = (int)v;
      break;
    case OPT_PERHOST:
      rc = crawl_int(id, arg, 1, 256, &v);
      o->per_host = (int)v;
      break;
    case OPT_MAXBODY:
      rc = crawl_int(id, arg, 1024, 1L << 30, &v);
      o->max_body = (size_t)v;
      break;
    case OPT_MAXDELAY:
      rc = crawl_int(id, arg, 0, 60, &v);
      o->max_crawl_delay_ms = v * 1000;
      break;
    case OPT_HOMEPROBES:
      rc = crawl_int(id, arg, 1, 100, &v);
      o->home_probes = (int)v;
      break;
    case OPT_VEVERY:
      rc = crawl_int(id, arg, 0, 1440, &v);
      o->vantage_every_ms = v * 60000;
      break;
    case OPT_TIMINGSAMPLES:
      rc = crawl_int(id, arg, 0, 1000, &v);
      o->timing_samples = (int)v;
      break;
    case OPT_RENDERTIMEOUT:
      rc = crawl_int(id, arg, 1, 600, &v);
      o->render_timeout_ms = v * 1000;
      break;
  }
  return rc;
}

static int crawl_opt(void *ud, int id, const char *arg)
{
  struct crawl_args *c = ud;

  switch (id) {
    case OPT_SITES:
      c->sites_file = arg;
      return -1;
    case OPT_DNS:
      c->o.dns_servers = arg;
      return dns_list_check(arg);
    case OPT_DNSROOT:
      c->dns_root = arg;
      return -1;
    case OPT_CACERT:
      if (access(arg, R_OK) < 0) {
        cli_err("cannot read --cacert %s: %s", arg, strerror(errno));
        return EXIT_USAGE;
      }
      c->o.cacert = arg;
      return -1;
    case OPT_UA:
      /* it goes into a header line: a CR or LF would start another */
      if (strpbrk(arg, "\r\n")) {
        cli_err("bad --user-agent: it contains a CR or LF, which would end "
                "the User-Agent header line");
        return EXIT_USAGE;
      }
      c->o.user_agent = arg;
      return -1;
    case OPT_HEADER:
    case OPT_COOKIE: {
      int prc = id == OPT_HEADER ? cli_pass_header(&c->pass, arg, "--header")
                                 : cli_pass_cookie(&c->pass, arg, "--cookie");
      if (prc == -2)
        cli_err("out of memory");
      c->o.pass.headers = (const char *const *)c->pass.lines;
      c->o.pass.n_headers = c->pass.n;
      c->o.pass.cookie = c->pass.cookie;
      return prc == 0 ? -1 : prc == -1 ? EXIT_USAGE : EXIT_INTERNAL;
    }
    case OPT_STRICT:
      c->o.strict = 1;
      return -1;
    case OPT_PRIVATE:
      c->o.allow_private = 1;
      return -1;
    case OPT_QUIET:
      c->quiet = 1;
      c->silent = 1;
      verbose = 0;
      return -1;
    case OPT_VERBOSE:
      verbose = 1;
      c->quiet = 0;
      c->silent = 0;
      return -1;
    case OPT_SCOPE:
      free(c->scope);
      switch (scope_parse(arg, &c->scope)) {
        case 0:
          return -1;
        case -2:
          cli_err("out of memory");
          return EXIT_INTERNAL;
      }
      break;
    case OPT_SCRIPTLINKS:
      c->o.script_links = 1;
      return -1;
    case OPT_RENDER:
      c->render = 1;
      return -1;
    case OPT_RESUME:
      c->resume = 1;
      c->resume_run = arg;
      return -1;
    case OPT_ASSUME6:
      if (strcmp(arg, "yes") && strcmp(arg, "no"))
        break;
      c->o.force_vantage = strcmp(arg, "yes") == 0;
      return -1;
    case OPT_SHARD:
      if (cli_shard_parse(arg, &c->shard_k, &c->shard_n) < 0) {
        cli_err("bad value for --shard: '%s' (K/N, 0 <= K < N)", arg);
        return EXIT_USAGE;
      }
      return -1;
    case OPT_LABEL:
      if (cli_label_check(arg) < 0)
        return EXIT_USAGE;
      c->label = arg;
      return -1;
    case OPT_FAILUNDER:
      return cli_pct_opt("fail-under", arg, &c->fail_under);
    case OPT_VANTAGE: {
      char err[256];
      if (crawl_vantage_list_check(arg, err, sizeof(err)) < 0) {
        cli_err("bad value for --vantage: %s", err);
        return EXIT_USAGE;
      }
      c->o.vantage = arg;
      return -1;
    }
    default:
      return crawl_num_opt(&c->o, id, arg);
  }
  cli_err("bad value for --%s: '%s'", cli_opts[id].name, arg);
  return EXIT_USAGE;
}

static int vantage_root(const char *name, const char *v4, const char *v6,
                        void *ud)
{
  struct v6_buf *b = ud;
  (void)name;
  if (*v4) {
    v6_buf_puts(b, b->p ? "," : "");
    v6_buf_puts(b, v4);
    v6_buf_puts(b, ":53");
  }
  if (*v6) {
    v6_buf_puts(b, b->p ? ",[" : "[");
    v6_buf_puts(b, v6);
    v6_buf_puts(b, "]:53");
  }
  return 0;
}

/* The root servers of data/root-servers.txt (name TAB IPv4 TAB IPv6) as
 * an endpoint list on port 53, into *@out (owned). Returns 0, -1 with the
 * error printed. */
static int vantage_roots(char **out)
{
  char path[PATH_MAX + 64];
  struct v6_buf b;
  int rc = -1;

  *out = NULL;
  v6_buf_init(&b, 0);
  if (cli_data_path("root-servers.txt", path, sizeof(path)) < 0) {
    cli_err("cannot find root-servers.txt for the vantage check: give "
            "--vantage or --assume-ipv6");
    return -1;
  }
  if (cli_roots_file_each(path, vantage_root, &b) < 0) {
    cli_err("cannot read %s: %s", path, strerror(errno));
    goto out;
  }
  if (b.oom) {
    cli_err("out of memory");
    goto out;
  }
  if (!b.p) {
    cli_err("%s lists no server for the vantage check", path);
    goto out;
  }
  *out = v6_buf_take(&b);
  rc = *out ? 0 : -1;
  if (rc)
    cli_err("out of memory");
out:
  v6_buf_cleanup(&b);
  return rc;
}

/* The vantage endpoints when --vantage was not given: $V6CRAWL_VANTAGE,
 * else the root servers. Returns EXIT_OKAY or an exit status (printed). */
static int vantage_default(struct crawl_args *c)
{
  const char *env = getenv("V6CRAWL_VANTAGE");
  char err[256];
  if (c->o.vantage || c->o.force_vantage >= 0)
    return EXIT_OKAY;
  if (env && *env) {
    if (crawl_vantage_list_check(env, err, sizeof(err)) < 0) {
      cli_err("bad V6CRAWL_VANTAGE: %s", err);
      return EXIT_USAGE;
    }
    c->o.vantage = env;
    return EXIT_OKAY;
  }
  if (vantage_roots(&c->vantage) < 0)
    return EXIT_USAGE;
  c->o.vantage = c->vantage;
  return EXIT_OKAY;
}

/* $V6CRAWL_LEAF_CAP: the page backpressure's cap (crawl_opts.leaf_cap),
 * for the tests. Returns EXIT_OKAY or EXIT_USAGE (printed). */
static int leaf_cap_env(struct crawl_args *c)
{
  const char *env = getenv("V6CRAWL_LEAF_CAP");
  long v;
  if (!env || !*env)
    return EXIT_OKAY;
  if (cli_int(env, 1, 1L << 30, &v) < 0) {
    cli_err("bad V6CRAWL_LEAF_CAP: %s (a number from 1)", env);
    return EXIT_USAGE;
  }
  c->o.leaf_cap = (unsigned)v;
  return EXIT_OKAY;
}

/* The sites of the sites file and the command line into @sl. */
static int crawl_sites(const struct crawl_args *c, int argc, char **argv,
                       int first, struct sitelist *sl)
{
  int i;

  if (c->sites_file && read_sites(c->sites_file, sl) < 0)
    return EXIT_USAGE;
  for (i = first; i < argc; i++) {
    struct crawl_site site;
    char *url = NULL;
    int oom = 0;
    if (check_url(argv[i], "command line", &url) < 0)
      return EXIT_USAGE;
    memset(&site, 0, sizeof(site));
    site.url = keep_opt(sl, url, &oom);
    free(url);
    if (oom || add_site_once(sl, &site, c->sites_file, 0) < 0)
      return EXIT_INTERNAL;
  }
  if (!sl->n) {
    cli_usage_err(CMD_CRAWL, "no sites to crawl: give URLs or --sites FILE");
    return EXIT_USAGE;
  }
  /* a scope column wins: --scope is the default for the other sites */
  for (i = 0; (size_t)i < sl->n; i++)
    if (!sl->v[i].scope_domain)
      sl->v[i].scope_domain = c->scope;
  return EXIT_OKAY;
}

/* --shard K/N: keep the sites of @sl in shard K, in their order, and
 * record where each stands in the whole list (c->index). The night and
 * the shard go into the crawl options either way. */
static int crawl_shard(struct crawl_args *c, struct sitelist *sl)
{
  size_t i, m = 0;

  c->o.run_label = c->label;
  if (!c->label) {
    cli_label_today(c->today, sizeof c->today);
    c->o.run_label = c->today;
  }
  c->o.sites_total = (unsigned)sl->n;
  if (!c->shard_n)
    return EXIT_OKAY;
  c->index = malloc(sl->n * sizeof *c->index);
  if (!c->index) {
    cli_err("out of memory");
    return EXIT_INTERNAL;
  }
  for (i = 0; i < sl->n; i++)
    if (cli_shard_of(sl->v[i].url, c->shard_n) == c->shard_k) {
      sl->v[m] = sl->v[i];
      sl->line[m] = sl->line[i];
      c->index[m++] = (uint32_t)i;
    }
  sl->n = m;
  c->o.shard_k = c->shard_k;
  c->o.shard_n = c->shard_n;
  c->o.site_index = c->index;
  return EXIT_OKAY;
}

static int crawl_exit(int crc)
{
  switch (crc) {
    case CRAWL_OK:
      return EXIT_OKAY;
    case CRAWL_INTERRUPTED:
      return EXIT_INTERRUPT;
    case CRAWL_STORE:
      return EXIT_STORE;
    case CRAWL_DNS_CONFIG:
    case CRAWL_INIT:
      return EXIT_NETWORK;
    case CRAWL_BADURL:
    case CRAWL_MISMATCH:
      return EXIT_USAGE;
    case CRAWL_NORESUME:
      return EXIT_NORESUME;
    default:
      return EXIT_INTERNAL;
  }
}

/* A complete run @run that measured nothing because this machine had no
 * IPv6 (the vantage check, or --assume-ipv6 no): EXIT_NODATA and one line
 * (none with --fail-under, whose own no-data line says it); EXIT_OKAY for
 * a run that measured; EXIT_STORE when the run cannot be read. */
static int crawl_nodata(const struct crawl_args *c, struct store *st,
                        const char *db, uint32_t run)
{
  struct store_run r;
  int src = store_run_get(st, run, &r), ipv6;

  if (src != STORE_OK) {
    cli_err("cannot read the store %s: %s", db, store_strerror(src));
    return EXIT_STORE;
  }
  ipv6 = r.vantage_ipv6;
  store_run_cleanup(&r);
  if (ipv6 != 0)
    return EXIT_OKAY;
  if (c->fail_under < 0)
    cli_err("run %u measured nothing: %s; see `v6crawl report --db %s`", run,
            c->o.force_vantage == 0
              ? "--assume-ipv6 no"
              : "this machine has no IPv6 (the vantage check reached no "
                "IPv6 endpoint)",
            db);
  return EXIT_NODATA;
}

/* Run the crawl into @st (at @db) with signals caught; its exit status. */
static int crawl_go(struct crawl_args *c, struct store *st, const char *db,
                    const struct sitelist *sl)
{
  struct sigaction sa;
  uint32_t run = 0, want = 0;
  long v = 0;
  int rc, crc, src, nodata = EXIT_OKAY;

  if (c->resume_run && cli_int(c->resume_run, 1, UINT32_MAX, &v) < 0) {
    cli_err("bad --resume run '%s': a run id (see `v6crawl runs`)",
            c->resume_run);
    return EXIT_USAGE;
  }
  want = (uint32_t)v;
  c->o.progress = c->quiet ? progress_quiet : progress;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  crc = c->resume
          ? crawl_resume(st, &c->o, sl->v, sl->n, want, &run, &stop_flag)
          : crawl_run(st, &c->o, sl->v, sl->n, &run, &stop_flag);
  if (!c->quiet && !verbose)
    fputc('\n', stderr);
  rc = crawl_exit(crc);
  /* a store that fails midway is one line, naming the run it kept */
  if (crc == CRAWL_STORE && run)
    cli_err("%s (run %u kept, incomplete)",
            crawl_last_error()[0] ? crawl_last_error() : crawl_strerror(crc),
            run);
  else if (crc != CRAWL_OK)
    cli_err("%s",
            crawl_last_error()[0] ? crawl_last_error() : crawl_strerror(crc));
  if (crc == CRAWL_OK && run)
    nodata = crawl_nodata(c, st, db, run);
  if (nodata != EXIT_OKAY)
    rc = nodata;
  if (run && crc != CRAWL_NORESUME && crc != CRAWL_MISMATCH &&
      crc != CRAWL_STORE && !(c->silent && crc == CRAWL_OK) &&
      nodata == EXIT_OKAY)
    fprintf(stderr,
            "v6crawl: run %u %s%s: %zu site%s, %zu pages read, %zu links "
            "probed, %zu requests (%zu without a response), %.1f s; see "
            "`v6crawl report --db %s`\n",
            run, c->resume ? "resumed, " : "",
            crc == CRAWL_OK ? "complete" : "incomplete", last_progress.sites,
            last_progress.sites == 1 ? "" : "s", last_progress.pages,
            last_progress.probes_done, last_progress.requests,
            last_progress.errors, last_progress.elapsed_s, cli_tx(db));
  if (crc == CRAWL_OK && run && c->fail_under >= 0 && nodata != EXIT_STORE) {
    src = store_flush(st);
    rc = src == STORE_OK ? cli_fail_under(st, run, c->fail_under) : EXIT_STORE;
    if (src != STORE_OK)
      cli_err("cannot write the store %s: %s", db, store_strerror(src));
  }
  return rc;
}

int cmd_crawl(int argc, char **argv)
{
  struct crawl_args c;
  struct cli_args a;
  struct sitelist sl;
  struct cli_roots roots;
  struct store *st = NULL;
  char *db = NULL;
  int rc, src;

  memset(&roots, 0, sizeof(roots));
  memset(&sl, 0, sizeof(sl));
  memset(&c, 0, sizeof(c));
  crawl_opts_init(&c.o);
  c.fail_under = -1;
  c.o.vantage_every_ms = 10 * 60000;
  c.quiet = !isatty(STDERR_FILENO);
  rc = cli_args_parse(CMD_CRAWL, argc, argv, &a, crawl_opt, &c);
  if (rc >= 0) {
    free(c.scope);
    cli_pass_cleanup(&c.pass);
    return rc;
  }
  if (c.render) {
    if (crawl_render_find(getenv("V6CRAWL_CHROMIUM"), c.chromium,
                          sizeof(c.chromium)) < 0) {
      cli_err("--render needs Chromium: %s (install chromium, or set "
              "$V6CRAWL_CHROMIUM)",
              c.chromium);
      free(c.scope);
      return EXIT_USAGE;
    }
    c.o.render = c.chromium;
  }
  /* --resume RUN: a run id is never a URL */
  if (c.resume && !c.resume_run && a.first < argc &&
      strspn(argv[a.first], "0123456789") == strlen(argv[a.first]))
    c.resume_run = argv[a.first++];
  rc = crawl_sites(&c, argc, argv, a.first, &sl);
  if (rc == EXIT_OKAY)
    rc = crawl_shard(&c, &sl);
  if (rc == EXIT_OKAY)
    rc = vantage_default(&c);
  if (rc == EXIT_OKAY)
    rc = leaf_cap_env(&c);
  if (rc != EXIT_OKAY)
    goto out;
  rc = cli_roots_load(&roots, c.dns_root);
  if (rc != EXIT_OKAY)
    goto out;
  c.o.roots = roots.v;
  c.o.n_roots = roots.n;
  db = cli_db_path(a.db, 1);
  if (!db) {
    rc = EXIT_INTERNAL;
    goto out;
  }
  src = store_open(db, 0, 0, &st);
  if (src != STORE_OK) {
    cli_err("cannot open the store %s: %s", db, store_strerror(src));
    rc = EXIT_STORE;
    goto out;
  }
  rc = crawl_go(&c, st, db, &sl);
out:
  if (st) {
    src = store_flush(st);
    if (src != STORE_OK && rc == EXIT_OKAY) {
      cli_err("cannot write the store %s: %s", db, store_strerror(src));
      rc = EXIT_STORE;
    }
    store_close(st);
  }
  free(db);
  free(c.scope);
  free(c.vantage);
  cli_pass_cleanup(&c.pass);
  free(c.index);
  sitelist_free(&sl);
  cli_roots_free(&roots);
  return rc;
}

static int url_opt(void *ud, int id, const char *arg)
{
  if (id != OPT_CHARSET)
    return EXIT_USAGE;
  *(const char **)ud = arg;
  return -1;
}

int cmd_url(int argc, char **argv)
{
  struct cli_args a;
  const char *charset = NULL, *base = NULL, *href;
  char *out = NULL;
  int first, rc;

  rc = cli_args_parse(CMD_URL, argc, argv, &a, url_opt, &charset);
  if (rc >= 0)
    return rc;
  first = a.first;
  if (argc - first == 2) {
    base = argv[first];
    href = argv[first + 1];
  } else if (argc - first == 1) {
    href = argv[first];
  } else {
    cli_usage_err(CMD_URL, "url takes [BASE] HREF");
    return EXIT_USAGE;
  }
  if (url_resolve(base, href, charset, URL_KEEP_FRAGMENT, &out) != PARSE_OK) {
    puts("failure");
    return 1;
  }
  puts(cli_tx(out));
  free(out);
  return EXIT_OKAY;
}

int cmd_robots(int argc, char **argv)
{
  struct cli_args a;
  FILE *f = NULL;
  char *body = NULL;
  size_t len = 0, cap = 0, n;
  struct robots *r = NULL;
  int i, rc;

  rc = cli_args_parse(CMD_ROBOTS, argc, argv, &a, NULL, NULL);
  if (rc >= 0)
    return rc;
  rc = EXIT_OKAY;
  argc -= a.first - 1;
  argv += a.first - 1;
  if (argc < 4) {
    cli_usage_err(CMD_ROBOTS, "robots needs FILE USER_AGENT URL...");
    return EXIT_USAGE;
  }
  f = strcmp(argv[1], "-") == 0 ? stdin : fopen(argv[1], "rb");
  if (!f) {
    cli_err("cannot read %s: %s", argv[1], strerror(errno));
    return EXIT_USAGE;
  }
  for (;;) {
    if (len + 4096 > cap) {
      char *b = realloc(body, cap = cap ? cap * 2 : 8192);
      if (!b) {
        rc = EXIT_INTERNAL;
        goto out;
      }
      body = b;
    }
    n = fread(body + len, 1, cap - len, f);
    if (!n)
      break;
    len += n;
  }
  if (robots_parse(body ? body : "", len, argv[2], &r) != PARSE_OK) {
    rc = EXIT_INTERNAL;
    goto out;
  }
  for (i = 3; i < argc; i++) {
    struct url_view v;
    char *u = NULL;
    const char *pq = argv[i];
    int ok = 0;
    if (url_resolve(NULL, argv[i], NULL, 0, &u) == PARSE_OK &&
        url_view_parse(u, &v) == PARSE_OK) {
      ok = robots_allowed(r, v.path_query);
      url_view_cleanup(&v);
    } else {
      ok = robots_allowed(r, pq);
    }
    free(u);
    puts(ok ? "allowed" : "disallowed");
  }
out:
  robots_free(r);
  free(body);
  if (f != stdin)
    fclose(f);
  return rc;
}
