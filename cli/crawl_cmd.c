/* cli/crawl_cmd.c - `v6crawl crawl`: options, the sites file, signals,
 * progress; then crawl_run. Also the small `url` and `robots` commands. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* "ETA 1m05s" from the probes left and the probe rate so far; "ETA -"
 * until a probe has finished. The total grows while pages are read, so
 * early estimates are low. */
static void eta(char *buf, size_t len, const struct crawl_progress *p)
{
  double rate, left;
  unsigned long s;

  if (p->probes_done == 0 || p->elapsed_s <= 0) {
    snprintf(buf, len, "ETA -");
    return;
  }
  rate = p->probes_done / p->elapsed_s;
  left = p->probes_total > p->probes_done
           ? (double)(p->probes_total - p->probes_done) / rate
           : 0;
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

static void progress(const struct crawl_progress *p, void *ud)
{
  char e[32];

  last_progress = *p;
  (void)ud;
  eta(e, sizeof e, p);
  fprintf(stderr,
          "\r\033[Ksites %zu/%zu  pages %zu  probes %zu/%zu  requests %zu "
          "(%.0f/s)  errors %zu  %.0fs  %s",
          p->sites_done, p->sites, p->pages, p->probes_done, p->probes_total,
          p->requests, p->elapsed_s > 0 ? p->requests / p->elapsed_s : 0.0,
          p->errors, p->elapsed_s, e);
  fflush(stderr);
}

struct sitelist {
  struct crawl_site *v;
  char **own; /* strings to free */
  size_t n, cap, n_own, cap_own;
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

static int add_site(struct sitelist *l, const char *url, const char *name,
                    const char *unit)
{
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 16;
    struct crawl_site *v = realloc(l->v, cap * sizeof(*v));
    if (!v)
      return -1;
    l->v = v;
    l->cap = cap;
  }
  memset(&l->v[l->n], 0, sizeof(l->v[0]));
  l->v[l->n].url = url;
  l->v[l->n].name = name;
  l->v[l->n].unit = unit;
  l->n++;
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

static int check_url(const char *url, const char *where)
{
  char *u = NULL;
  int ok = url_resolve(NULL, url, NULL, 0, &u) == PARSE_OK && url_is_http(u);
  free(u);
  if (!ok)
    cli_err("%s: not an absolute http(s) URL: '%s'", where, url);
  return ok ? 0 : -1;
}

static int read_sites(const char *path, struct sitelist *l)
{
  FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
  char line[8192];
  unsigned lineno = 0;
  int rc = 0;
  if (!f) {
    cli_err("cannot read the sites file %s: %s", path, strerror(errno));
    return -1;
  }
  while (fgets(line, sizeof(line), f)) {
    char *fields[3] = {NULL, NULL, NULL}, *p = line, where[4200];
    int nf = 0;
    char sep;
    lineno++;
    if (!strchr(line, '\n') && !feof(f)) {
      cli_err("%s:%u: line too long", path, lineno);
      rc = -1;
      break;
    }
    p = trim(line);
    if (!*p || *p == '#')
      continue;
    sep = strchr(p, '\t') ? '\t' : ',';
    while (p && nf < 3) {
      char *next = strchr(p, sep);
      if (next && nf < 2)
        *next++ = 0;
      else
        next = NULL;
      fields[nf++] = trim(p);
      p = next;
    }
    snprintf(where, sizeof(where), "%s:%u", path, lineno);
    if (check_url(fields[0], where) < 0) {
      rc = -1;
      continue;
    }
    if (add_site(l, keep(l, fields[0], strlen(fields[0])),
                 fields[1] && *fields[1] ? keep(l, fields[1], strlen(fields[1]))
                                         : NULL,
                 fields[2] && *fields[2] ? keep(l, fields[2], strlen(fields[2]))
                                         : NULL) < 0) {
      cli_err("out of memory");
      rc = -1;
      break;
    }
  }
  if (ferror(f)) {
    cli_err("cannot read the sites file %s: %s", path, strerror(errno));
    rc = -1;
  }
  if (f != stdin)
    fclose(f);
  if (rc == 0 && l->n == 0) {
    cli_err("%s: no sites in the file", path);
    rc = -1;
  }
  return rc;
}

static void sitelist_free(struct sitelist *l)
{
  size_t i;
  for (i = 0; i < l->n_own; i++)
    free(l->own[i]);
  free(l->own);
  free(l->v);
}

struct crawl_args {
  struct crawl_opts o;
  double fail_under;
  const char *sites_file, *scope;
  int quiet;
};

/* @arg as a decimal in [@lo, @hi] into *@v; else the error printed. */
static int crawl_int(int id, const char *arg, long lo, long hi, long *v)
{
  if (cli_int(arg, lo, hi, v) == 0)
    return -1;
  cli_err("bad value for --%s: '%s'", cli_opts[id].name, arg);
  return EXIT_USAGE;
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
      return -1;
    case OPT_CACERT:
      if (access(arg, R_OK) < 0) {
        cli_err("cannot read --cacert %s: %s", arg, strerror(errno));
        return EXIT_USAGE;
      }
      c->o.cacert = arg;
      return -1;
    case OPT_UA:
      c->o.user_agent = arg;
      return -1;
    case OPT_STRICT:
      c->o.strict = 1;
      return -1;
    case OPT_PRIVATE:
      c->o.allow_private = 1;
      return -1;
    case OPT_QUIET:
      c->quiet = 1;
      return -1;
    case OPT_SCOPE:
      c->scope = arg;
      return -1;
    case OPT_SCRIPTLINKS:
      c->o.script_links = 1;
      return -1;
    case OPT_ASSUME6:
      if (strcmp(arg, "yes") && strcmp(arg, "no"))
        break;
      c->o.force_vantage = strcmp(arg, "yes") == 0;
      return -1;
    case OPT_FAILUNDER:
      if (cli_pct(arg, &c->fail_under) < 0)
        break;
      return -1;
    default:
      return crawl_num_opt(&c->o, id, arg);
  }
  cli_err("bad value for --%s: '%s'", cli_opts[id].name, arg);
  return EXIT_USAGE;
}

/* The sites of the sites file and the command line into @sl. */
static int crawl_sites(const struct crawl_args *c, int argc, char **argv,
                       int first, struct sitelist *sl)
{
  int i;

  if (c->sites_file && read_sites(c->sites_file, sl) < 0)
    return EXIT_USAGE;
  for (i = first; i < argc; i++) {
    if (check_url(argv[i], "command line") < 0)
      return EXIT_USAGE;
    if (add_site(sl, argv[i], NULL, NULL) < 0)
      return EXIT_INTERNAL;
  }
  if (!sl->n) {
    cli_err("no sites to crawl: give URLs or --sites FILE");
    cli_usage(CMD_CRAWL, stderr);
    return EXIT_USAGE;
  }
  for (i = 0; (size_t)i < sl->n; i++)
    sl->v[i].scope_domain = c->scope;
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
      return EXIT_USAGE;
    default:
      return EXIT_INTERNAL;
  }
}

/* Run the crawl into @st (at @db) with signals caught; its exit status. */
static int crawl_go(struct crawl_args *c, struct store *st, const char *db,
                    const struct sitelist *sl)
{
  struct sigaction sa;
  uint32_t run = 0;
  int rc, crc, src;

  c->o.progress = c->quiet ? progress_quiet : progress;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  crc = crawl_run(st, &c->o, sl->v, sl->n, &run, &stop_flag);
  if (!c->quiet)
    fputc('\n', stderr);
  rc = crawl_exit(crc);
  if (crc != CRAWL_OK)
    cli_err("%s",
            crawl_last_error()[0] ? crawl_last_error() : crawl_strerror(crc));
  if (run)
    fprintf(stderr,
            "v6crawl: run %u %s: %zu site%s, %zu pages read, %zu links "
            "probed, %zu requests (%zu without a response), %.1f s; see "
            "`v6crawl report --db %s`\n",
            run, crc == CRAWL_OK ? "complete" : "incomplete",
            last_progress.sites, last_progress.sites == 1 ? "" : "s",
            last_progress.pages, last_progress.probes_done,
            last_progress.requests, last_progress.errors,
            last_progress.elapsed_s, db);
  if (crc == CRAWL_OK && run && c->fail_under >= 0) {
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
  struct store *st = NULL;
  char *db = NULL;
  int rc, src;

  memset(&sl, 0, sizeof(sl));
  memset(&c, 0, sizeof(c));
  crawl_opts_init(&c.o);
  c.fail_under = -1;
  c.quiet = !isatty(STDERR_FILENO);
  rc = cli_args_parse(CMD_CRAWL, argc, argv, &a, crawl_opt, &c);
  if (rc >= 0)
    return rc;
  rc = crawl_sites(&c, argc, argv, a.first, &sl);
  if (rc != EXIT_OKAY)
    goto out;
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
  sitelist_free(&sl);
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
    cli_err("usage: v6crawl url [--charset CS] [BASE] HREF");
    return EXIT_USAGE;
  }
  if (url_resolve(base, href, charset, URL_KEEP_FRAGMENT, &out) != PARSE_OK) {
    puts("failure");
    return 1;
  }
  puts(out);
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
    cli_usage(CMD_ROBOTS, stderr);
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
