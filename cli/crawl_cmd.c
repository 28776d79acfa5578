/* cli/crawl_cmd.c - `v6crawl crawl`: options, the sites file, signals,
 * progress; then crawl_run. Also the small `url` and `robots` commands. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "crawler/crawl.h"
#include "parser/parse.h"
#include "store/store.h"

static const char crawl_usage[] =
  "Usage: v6crawl crawl [OPTIONS] URL...\n"
  "       v6crawl crawl [OPTIONS] --sites FILE\n"
  "Crawl each site to --depth levels, resolve every linked host for A and\n"
  "AAAA, probe every link over IPv6 and over IPv4, and store it all.\n"
  "\n"
  "  --sites FILE         one site per line: URL[<TAB>name[<TAB>unit]]\n"
  "                       (a comma may stand for the tab); # comments\n"
  "  --db DIR             the store (default $V6CRAWL_DB, else\n"
  "                       $XDG_DATA_HOME/v6crawl or ~/.local/share/v6crawl)\n"
  "  --depth N            levels to collect (default 3)\n"
  "  --scope DOMAIN       internal-link domain for every site (default: the\n"
  "                       registrable domain of the homepage's final URL)\n"
  "  --dns-server LIST    IP[:PORT][,IP[:PORT]...] (default: the system's)\n"
  "  --cacert FILE        CA bundle for https (default: the system's)\n"
  "  --timeout SECONDS    per request (default 10)\n"
  "  --retries N          extra attempts after no response or a 5xx\n"
  "                       (default 2)\n"
  "  --concurrency N      requests in flight (default 32)\n"
  "  --per-host N         requests in flight per host (default 6)\n"
  "  --user-agent STRING  (default v6crawl/" PACKAGE_VERSION ")\n"
  "  --strict             only status 200 is a success (default: < 400)\n"
  "  --allow-private      loopback, unique-local and private addresses are\n"
  "                       usable (intranets, the test world)\n"
  "  --max-body BYTES     page body cap (default 8388608)\n"
  "  --assume-ipv6 yes|no skip the vantage-point check\n"
  "  --max-crawl-delay S  cap on robots.txt Crawl-delay, seconds (default 1;\n"
  "                       0 ignores Crawl-delay)\n"
  "  --script-links       count URL literals in inline scripts and on*\n"
  "                       attributes as links (default: report how many)\n"
  "  --homepage-probes N  IPv6 requests of each homepage for its success\n"
  "                       rate (default 5)\n"
  "  --quiet              no progress line, only errors and the summary\n"
  "  --fail-under PCT     exit 1 when a site's internal level-2 or level-3\n"
  "                       concentration is below PCT percent (named on\n"
  "                       stderr)\n"
  "  --help\n";

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

enum {
  O_SITES = 256,
  O_DB,
  O_DEPTH,
  O_DNS,
  O_CACERT,
  O_TIMEOUT,
  O_RETRIES,
  O_CONC,
  O_PERHOST,
  O_UA,
  O_STRICT,
  O_PRIVATE,
  O_MAXBODY,
  O_QUIET,
  O_SCOPE,
  O_ASSUME6,
  O_HELP,
  O_FAILUNDER,
  O_HOMEPROBES,
  O_MAXDELAY,
  O_SCRIPTLINKS
};

int cmd_crawl(int argc, char **argv)
{
  static const struct option lo[] = {
    {"sites", required_argument, 0, O_SITES},
    {"db", required_argument, 0, O_DB},
    {"depth", required_argument, 0, O_DEPTH},
    {"dns-server", required_argument, 0, O_DNS},
    {"cacert", required_argument, 0, O_CACERT},
    {"timeout", required_argument, 0, O_TIMEOUT},
    {"retries", required_argument, 0, O_RETRIES},
    {"concurrency", required_argument, 0, O_CONC},
    {"per-host", required_argument, 0, O_PERHOST},
    {"user-agent", required_argument, 0, O_UA},
    {"strict", no_argument, 0, O_STRICT},
    {"allow-private", no_argument, 0, O_PRIVATE},
    {"max-body", required_argument, 0, O_MAXBODY},
    {"quiet", no_argument, 0, O_QUIET},
    {"scope", required_argument, 0, O_SCOPE},
    {"assume-ipv6", required_argument, 0, O_ASSUME6},
    {"help", no_argument, 0, O_HELP},
    {"fail-under", required_argument, 0, O_FAILUNDER},
    {"homepage-probes", required_argument, 0, O_HOMEPROBES},
    {"max-crawl-delay", required_argument, 0, O_MAXDELAY},
    {"script-links", no_argument, 0, O_SCRIPTLINKS},
    {0, 0, 0, 0}};
  struct crawl_opts o;
  double fail_under = -1;
  struct sitelist sl;
  struct store *st = NULL;
  const char *sites_file = NULL, *db_opt = NULL, *scope = NULL;
  char *db = NULL;
  int quiet = !isatty(STDERR_FILENO), rc = EXIT_OKAY, c, crc, src;
  uint32_t run = 0;
  long v;
  size_t i;
  struct sigaction sa;

  memset(&sl, 0, sizeof(sl));
  crawl_opts_init(&o);
  optind = 1;
  while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
    switch (c) {
      case O_SITES:
        sites_file = optarg;
        break;
      case O_DB:
        db_opt = optarg;
        break;
      case O_DEPTH:
        if (cli_int(optarg, 1, STORE_MAX_LEVEL, &v) < 0)
          goto bad;
        o.depth = (int)v;
        break;
      case O_DNS:
        o.dns_servers = optarg;
        break;
      case O_CACERT:
        if (access(optarg, R_OK) < 0) {
          cli_err("cannot read --cacert %s: %s", optarg, strerror(errno));
          rc = EXIT_USAGE;
          goto out;
        }
        o.cacert = optarg;
        break;
      case O_TIMEOUT:
        if (cli_int(optarg, 1, 3600, &v) < 0)
          goto bad;
        o.timeout_ms = v * 1000;
        break;
      case O_RETRIES:
        if (cli_int(optarg, 0, 10, &v) < 0)
          goto bad;
        o.retries = (int)v;
        break;
      case O_CONC:
        if (cli_int(optarg, 1, 1024, &v) < 0)
          goto bad;
        o.concurrency = (int)v;
        break;
      case O_PERHOST:
        if (cli_int(optarg, 1, 256, &v) < 0)
          goto bad;
        o.per_host = (int)v;
        break;
      case O_UA:
        o.user_agent = optarg;
        break;
      case O_STRICT:
        o.strict = 1;
        break;
      case O_PRIVATE:
        o.allow_private = 1;
        break;
      case O_MAXBODY:
        if (cli_int(optarg, 1024, 1L << 30, &v) < 0)
          goto bad;
        o.max_body = (size_t)v;
        break;
      case O_QUIET:
        quiet = 1;
        break;
      case O_SCOPE:
        scope = optarg;
        break;
      case O_ASSUME6:
        if (strcmp(optarg, "yes") && strcmp(optarg, "no"))
          goto bad;
        o.force_vantage = strcmp(optarg, "yes") == 0;
        break;
      case O_HELP:
        fputs(crawl_usage, stdout);
        return EXIT_OKAY;
      case O_FAILUNDER:
        if (cli_pct(optarg, &fail_under) < 0)
          goto bad;
        break;
      case O_SCRIPTLINKS:
        o.script_links = 1;
        break;
      case O_MAXDELAY:
        if (cli_int(optarg, 0, 60, &v) < 0)
          goto bad;
        o.max_crawl_delay_ms = v * 1000;
        break;
      case O_HOMEPROBES:
        if (cli_int(optarg, 1, 100, &v) < 0)
          goto bad;
        o.home_probes = (int)v;
        break;
      default:
        fputs(crawl_usage, stderr);
        return EXIT_USAGE;
    }
  }
  if (sites_file && read_sites(sites_file, &sl) < 0) {
    rc = EXIT_USAGE;
    goto out;
  }
  for (i = (size_t)optind; i < (size_t)argc; i++) {
    if (check_url(argv[i], "command line") < 0) {
      rc = EXIT_USAGE;
      goto out;
    }
    if (add_site(&sl, argv[i], NULL, NULL) < 0) {
      rc = EXIT_INTERNAL;
      goto out;
    }
  }
  if (!sl.n) {
    cli_err("no sites to crawl: give URLs or --sites FILE");
    fputs(crawl_usage, stderr);
    rc = EXIT_USAGE;
    goto out;
  }
  for (i = 0; i < sl.n; i++)
    sl.v[i].scope_domain = scope;
  db = cli_db_path(db_opt, 1);
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
  o.progress = quiet ? progress_quiet : progress;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  crc = crawl_run(st, &o, sl.v, sl.n, &run, &stop_flag);
  if (!quiet)
    fputc('\n', stderr);
  switch (crc) {
    case CRAWL_OK:
      break;
    case CRAWL_INTERRUPTED:
      rc = EXIT_INTERRUPT;
      break;
    case CRAWL_STORE:
      rc = EXIT_STORE;
      break;
    case CRAWL_DNS_CONFIG:
    case CRAWL_INIT:
      rc = EXIT_NETWORK;
      break;
    case CRAWL_BADURL:
      rc = EXIT_USAGE;
      break;
    default:
      rc = EXIT_INTERNAL;
  }
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
  if (crc == CRAWL_OK && run && fail_under >= 0) {
    src = store_flush(st);
    rc = src == STORE_OK ? cli_fail_under(st, run, fail_under) : EXIT_STORE;
    if (src != STORE_OK)
      cli_err("cannot write the store %s: %s", db, store_strerror(src));
  }
  goto out;
bad:
  cli_err("bad value for --%s: '%s'", lo[c - O_SITES].name, optarg);
  rc = EXIT_USAGE;
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

int cmd_url(int argc, char **argv)
{
  static const struct option lo[] = {{"charset", required_argument, 0, 'c'},
                                     {"help", no_argument, 0, 'h'},
                                     {0, 0, 0, 0}};
  const char *charset = NULL, *base = NULL, *href;
  char *out = NULL;
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
    if (c == 'c') {
      charset = optarg;
    } else if (c == 'h') {
      puts("Usage: v6crawl url [--charset CS] [BASE] HREF\n"
           "Print HREF resolved against BASE as v6crawl (and a browser) "
           "reads it,\nor `failure` (exit 1) when a browser would reject "
           "it.");
      return EXIT_OKAY;
    } else {
      return EXIT_USAGE;
    }
  }
  if (argc - optind == 2) {
    base = argv[optind];
    href = argv[optind + 1];
  } else if (argc - optind == 1) {
    href = argv[optind];
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
  FILE *f = NULL;
  char *body = NULL;
  size_t len = 0, cap = 0, n;
  struct robots *r = NULL;
  int i, rc = EXIT_OKAY;
  if (argc < 4 || strcmp(argv[1], "--help") == 0) {
    puts("Usage: v6crawl robots FILE USER_AGENT URL...\n"
         "Print `allowed` or `disallowed` for each URL, as the crawler "
         "decides\nfrom robots.txt FILE.");
    return argc < 4 && !(argc > 1 && strcmp(argv[1], "--help") == 0)
             ? EXIT_USAGE
             : EXIT_OKAY;
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
