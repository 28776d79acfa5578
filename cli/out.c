/* cli/out.c - CSV writing, and small shared CLI helpers (JSON: json.c). */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <time.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "store/store.h"

/* ---- text that is safe on a terminal ------------------------------------
 */

/* The length of the control character at @p (a C0 byte or DEL: 1; a C1
 * character in UTF-8, U+0080..U+009F: 2), or 0 when it is none. */
static size_t tx_ctl(const unsigned char *p, int keep_nl)
{
  if (*p == '\n' && keep_nl)
    return 0;
  if (*p < 0x20 || *p == 0x7f)
    return 1;
  if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
    return 2;
  return 0;
}

/* The ring of buffers cli_tx lends its escaped copies from. */
#define TX_RING 8
static struct {
  char *p;
  size_t cap;
} tx_ring[TX_RING];
static unsigned tx_next;

static const char *tx(const char *s, int keep_nl)
{
  const unsigned char *p;
  size_t need = 1, k;
  unsigned slot;
  char *o;

  if (!s)
    return NULL;
  for (p = (const unsigned char *)s; *p; p += k ? k : 1) {
    k = tx_ctl(p, keep_nl);
    need += k == 1 ? 4 : k == 2 ? 6 : 1;
  }
  if (need == strlen(s) + 1)
    return s;
  slot = tx_next++ % TX_RING;
  if (tx_ring[slot].cap < need) {
    o = realloc(tx_ring[slot].p, need);
    if (!o)
      return "(out of memory)";
    tx_ring[slot].p = o;
    tx_ring[slot].cap = need;
  }
  o = tx_ring[slot].p;
  for (p = (const unsigned char *)s; *p;) {
    k = tx_ctl(p, keep_nl);
    if (k == 1)
      o += snprintf(o, 5, "\\x%02x", *p);
    else if (k == 2)
      o += snprintf(o, 7, "\\u%04x", p[1]);
    else
      *o++ = (char)*p;
    p += k ? k : 1;
  }
  *o = '\0';
  return tx_ring[slot].p;
}

const char *cli_tx(const char *s)
{
  return tx(s, 0);
}

const char *cli_tx_lines(const char *s)
{
  return tx(s, 1);
}

static const char *err_prefix;
static const unsigned *err_line;

void cli_err_where(const char *prefix, const unsigned *line)
{
  err_prefix = prefix;
  err_line = line;
}

void cli_err(const char *fmt, ...)
{
  char buf[4096], where[4200] = "";
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (err_prefix)
    snprintf(where, sizeof where, "%s%u: ", err_prefix,
             err_line ? *err_line : 0);
  /* the message quotes URLs, file names and the store's strings */
  fprintf(stderr, "v6crawl: %s", cli_tx(where));
  fprintf(stderr, "%s\n", cli_tx(buf));
}

int cli_int(const char *s, long lo, long hi, long *out)
{
  char *end = NULL;
  long v;
  errno = 0;
  v = strtol(s, &end, 10);
  if (errno || end == s || *end || v < lo || v > hi)
    return -1;
  *out = v;
  return 0;
}

static int mkdir_p(char *path)
{
  char *p;
  for (p = path + 1; *p; p++) {
    if (*p != '/')
      continue;
    *p = 0;
    if (mkdir(path, 0755) < 0 && errno != EEXIST) {
      *p = '/';
      return -1;
    }
    *p = '/';
  }
  return 0;
}

char *cli_db_path(const char *opt, int create)
{
  const char *env = getenv("V6CRAWL_DB");
  const char *xdg = getenv("XDG_DATA_HOME");
  const char *home = getenv("HOME");
  char buf[4096];
  char *s;
  if (opt)
    return strdup(opt);
  if (env && *env)
    return strdup(env);
  if (xdg && *xdg)
    snprintf(buf, sizeof(buf), "%s/v6crawl", xdg);
  else
    snprintf(buf, sizeof(buf), "%s/.local/share/v6crawl",
             home && *home ? home : ".");
  s = strdup(buf);
  if (s && create)
    mkdir_p(s); /* store_open reports what still fails */
  return s;
}

void csv_bom(FILE *f)
{
  fputs("\xEF\xBB\xBF", f);
}

/* RFC 4180 quoting; a cell that a spreadsheet would run as a formula is
 * prefixed with an apostrophe. */
static void csv_raw(FILE *f, const char *s, int last)
{
  const char *p;
  int quote;
  if (!s)
    s = "";
  quote = strpbrk(s, ",\"\r\n") != NULL || *s == '=' || *s == '+' ||
          *s == '-' || *s == '@';
  if (quote)
    fputc('"', f);
  if (*s == '=' || *s == '+' || *s == '-' || *s == '@')
    fputc('\'', f);
  for (p = s; *p; p++) {
    if (*p == '"')
      fputc('"', f);
    fputc(*p, f);
  }
  if (quote)
    fputc('"', f);
  fputs(last ? "\r\n" : ",", f);
}

void csv_field(FILE *f, const char *s, int last)
{
  csv_raw(f, cli_tx(s), last);
}

void csv_lines(FILE *f, const char *s, int last)
{
  csv_raw(f, cli_tx_lines(s), last);
}

void csv_num(FILE *f, int ok, double v, int last)
{
  /* a number is never guarded: "-0.0237" stays a number a spreadsheet
   * sums, and a number cannot be a formula */
  if (ok && isfinite(v))
    fprintf(f, "%.12g", v);
  fputs(last ? "\r\n" : ",", f);
}

/* ---- opening the store, picking a run, parsing ----------------------------
 */

/* Whether directory @db holds a store (its data.mdb): the reading
 * commands tell "no store yet" from a store that cannot be opened. */
static int store_exists(const char *db)
{
  char path[4200];
  struct stat sb;

  snprintf(path, sizeof path, "%s/data.mdb", db);
  return stat(path, &sb) == 0 || errno != ENOENT;
}

int cli_store_open(const char *db_opt, int rdonly, struct store **st, char **db)
{
  int rc;

  *st = NULL;
  *db = cli_db_path(db_opt, 0);
  if (!*db)
    return EXIT_INTERNAL;
  /* only crawl makes a store: prune and check --repair never do */
  if (!store_exists(*db)) {
    cli_err("no store at %s; run `v6crawl crawl` first", *db);
    return EXIT_STORE;
  }
  rc = store_open(*db, rdonly ? STORE_RDONLY : 0, 0, st);
  if (rc != STORE_OK) {
    cli_err("cannot open the store %s: %s", *db, store_strerror(rc));
    return rc == STORE_NOMEM ? EXIT_INTERNAL : EXIT_STORE;
  }
  return EXIT_OKAY;
}

int cli_run_arg(struct store *st, const char *db, const char *arg, uint32_t *id)
{
  struct store_run r;
  long v;
  int rc;

  if (!arg || strcmp(arg, "latest") == 0) {
    rc = store_run_latest(st, id);
    if (rc == STORE_NOTFOUND) {
      cli_err("the store %s has no runs yet: run `v6crawl crawl` first", db);
      return EXIT_USAGE;
    }
  } else if (cli_int(arg, 1, UINT32_MAX, &v) == 0) {
    *id = (uint32_t)v;
    rc = STORE_OK;
  } else {
    cli_err("bad run '%s': a run number or 'latest'", arg);
    return EXIT_USAGE;
  }
  if (rc == STORE_OK)
    rc = store_run_get(st, *id, &r);
  if (rc == STORE_NOTFOUND) {
    cli_err("no run %u in the store %s", *id, db);
    return EXIT_USAGE;
  }
  if (rc != STORE_OK) {
    cli_err("cannot read the store %s: %s", db, store_strerror(rc));
    return EXIT_STORE;
  }
  store_run_cleanup(&r);
  return EXIT_OKAY;
}

int cli_pct(const char *s, double *out)
{
  char *end = NULL;
  double v;

  errno = 0;
  v = strtod(s, &end);
  if (end && *end == '%' && end != s)
    end++;
  if (errno || end == s || *end || !(v > 1 && v <= 100))
    return -1;
  *out = v;
  return 0;
}

void cli_date(char *buf, size_t len, int64_t t)
{
  time_t tt = (time_t)t;
  struct tm tm;

  if (!t || !gmtime_r(&tt, &tm) || strftime(buf, len, "%Y-%m-%d", &tm) == 0)
    snprintf(buf, len, "%s", "");
}

int cli_pct_opt(const char *name, const char *arg, double *out)
{
  char *end = NULL;
  double v = strtod(arg, &end);

  if (cli_pct(arg, out) == 0)
    return -1;
  /* 0.85 read as 0.85% would pass nearly every site */
  if (end != arg && (*end == 0 || *end == '%') && v >= 0 && v <= 1)
    cli_err("bad --%s '%s': a percentage, not a fraction: %g for %g%%", name,
            arg, v * 100, v * 100);
  else
    cli_err("bad --%s '%s': a percentage above 1 and at most 100, as 85 or "
            "85%%",
            name, arg);
  return EXIT_USAGE;
}

void cli_time(char *buf, size_t len, int64_t t)
{
  time_t tt = (time_t)t;
  struct tm tm;

  if (!t || !gmtime_r(&tt, &tm) ||
      strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
    snprintf(buf, len, "-");
}

FILE *cli_out_open(const char *path)
{
  FILE *o;

  if (!path || strcmp(path, "-") == 0)
    return stdout;
  o = fopen(path, "w");
  if (!o)
    cli_err("cannot write %s: %s", path, strerror(errno));
  return o;
}

int cli_out_close(FILE *o, const char *path, int rc)
{
  if (!o)
    return rc;
  if ((o != stdout ? fclose(o) : fflush(o)) != 0 && rc == EXIT_OKAY) {
    cli_err("cannot write %s", path ? path : "the output");
    rc = EXIT_USAGE;
  }
  return rc;
}
