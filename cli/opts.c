/* cli/opts.c - the one table of v6crawl's options: each option's name,
 * argument, default, help text and the commands that take it. Every
 * command's getopt_long, its --help and `v6crawl help --list` (which the
 * documentation test checks the man page and README against) come from
 * it. */
#include "config.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "store/store.h"

#define C(x)      (1u << (x))
#define STORE_CMD (C(CMD_REPORT) | C(CMD_LINKS) | C(CMD_FIXES))
#define OUT_CMD   (STORE_CMD | C(CMD_RUNS) | C(CMD_DIFF) | C(CMD_PRUNE))
#define ALL_CMD   ((1u << CMD__N) - 1)

const struct cli_opt cli_opts[OPT__N] = {
  [OPT_SITES] = {"sites", 0, "FILE", NULL,
                 "one site per line: URL[<TAB>name[<TAB>unit[<TAB>scope]]]\n"
                 "(a comma may stand for the tab), and header=NAME: VALUE\n"
                 "or cookie=NAME=VALUE fields; # comments; - reads stdin",
                 C(CMD_CRAWL)},
  [OPT_DB] = {"db", 0, "DIR", NULL,
              "the store (default $V6CRAWL_DB, else\n"
              "$XDG_DATA_HOME/v6crawl or ~/.local/share/v6crawl)",
              C(CMD_CRAWL) | OUT_CMD | C(CMD_CHECK) | C(CMD_MERGE)},
  [OPT_RUN] = {"run", 0, "ID|latest", "latest", "the run to read", STORE_CMD},
  [OPT_DEPTH] = {"depth", 0, "N", "3", "levels to collect (1 to 10)",
                 C(CMD_CRAWL)},
  [OPT_SCOPE] = {"scope", 0, "DOMAIN", NULL,
                 "internal-link domain for every site (default: the\n"
                 "registrable domain of the homepage's final URL; a\n"
                 "sites file's scope column wins)",
                 C(CMD_CRAWL)},
  [OPT_DNS] = {"dns-server", 0, "LIST", "the system's",
               "IP[:PORT][,IP[:PORT]...] to ask", C(CMD_CRAWL)},
  [OPT_DNSROOT] = {"dns-root", 0, "LIST",
                   "$V6CRAWL_DNS_ROOT, else data/root-servers.txt",
                   "ADDR[,ADDR...] (IPv6, or [ADDR]:PORT): the root\n"
                   "servers the delegation walk starts from",
                   C(CMD_CRAWL)},
  [OPT_CACERT] = {"cacert", 0, "FILE", "the system's", "CA bundle for https",
                  C(CMD_CRAWL)},
  [OPT_TIMEOUT] = {"timeout", 0, "SECONDS", "10", "per request", C(CMD_CRAWL)},
  [OPT_CONNTIMEOUT] = {"connect-timeout", 0, "SECONDS", "3",
                       "per connection attempt (at most --timeout)",
                       C(CMD_CRAWL)},
  [OPT_BREAKER] = {"breaker", 0, "N", "3",
                   "connect failures with no success after which an\n"
                   "address is known bad for the run (0: never)",
                   C(CMD_CRAWL)},
  [OPT_RETRIES] = {"retries", 0, "N", "2",
                   "extra attempts after no response or a 5xx", C(CMD_CRAWL)},
  [OPT_CONC] = {"concurrency", 0, "N", "32", "requests in flight",
                C(CMD_CRAWL)},
  [OPT_PERHOST] = {"per-host", 0, "N", "6", "requests in flight per host",
                   C(CMD_CRAWL)},
  [OPT_UA] = {"user-agent", 0, "STRING", "v6crawl/" PACKAGE_VERSION,
              "sent with every request (its product token, v6crawl,\n"
              "picks the robots.txt group and is what a WAF lets\n"
              "through: README \"Walls\")",
              C(CMD_CRAWL)},
  [OPT_HEADER] = {"header", 0, "'NAME: VALUE'", NULL,
                  "sent with every request (repeatable); a site's own\n"
                  "header= fields win for its hosts: to pass a wall",
                  C(CMD_CRAWL)},
  [OPT_COOKIE] = {"cookie", 0, "'NAME=VALUE[; ...]'", NULL,
                  "a Cookie sent with every request; a site's cookie=\n"
                  "wins for its hosts: to pass a wall",
                  C(CMD_CRAWL)},
  [OPT_STRICT] = {"strict", 0, NULL, NULL,
                  "only status 200 is a success (default: < 400)",
                  C(CMD_CRAWL)},
  [OPT_PRIVATE] = {"allow-private", 0, NULL, NULL,
                   "loopback, unique-local and private addresses are\n"
                   "usable (intranets, the test world)",
                   C(CMD_CRAWL)},
  [OPT_MAXBODY] = {"max-body", 0, "BYTES", "8388608", "page body cap",
                   C(CMD_CRAWL)},
  [OPT_ASSUME6] = {"assume-ipv6", 0, "yes|no", NULL,
                   "skip the vantage-point check", C(CMD_CRAWL)},
  [OPT_VANTAGE] = {"vantage", 0, "LIST",
                   "$V6CRAWL_VANTAGE, else the root servers",
                   "ADDR:PORT,[V6ADDR]:PORT,... the vantage check\n"
                   "connects to (TCP; a completed connect is reachable)",
                   C(CMD_CRAWL)},
  [OPT_VEVERY] = {"vantage-every", 0, "MINUTES", "10",
                  "re-test the vantage point this often during a crawl\n"
                  "(0: only when IPv6 fails on several hosts at once)",
                  C(CMD_CRAWL)},
  [OPT_MAXDELAY] = {"max-crawl-delay", 0, "S", "1",
                    "cap on robots.txt Crawl-delay, seconds (0 ignores\n"
                    "Crawl-delay)",
                    C(CMD_CRAWL)},
  [OPT_SCRIPTLINKS] = {"script-links", 0, NULL, NULL,
                       "count URL literals in inline scripts and on*\n"
                       "attributes as links (default: report how many)",
                       C(CMD_CRAWL)},
  [OPT_RENDER] = {"render", 0, NULL, NULL,
                  "render the pages read for links (level 1, internal\n"
                  "level 2) with headless Chromium ($V6CRAWL_CHROMIUM,\n"
                  "else chromium in $PATH): their links are the DOM's",
                  C(CMD_CRAWL)},
  [OPT_RENDERTIMEOUT] = {"render-timeout", 0, "SECONDS", "30",
                         "wall-clock budget of one render: Chromium is\n"
                         "killed after it, the page keeps its HTML's links",
                         C(CMD_CRAWL)},
  [OPT_HOMEPROBES] = {"homepage-probes", 0, "N", "5",
                      "IPv6 requests of each homepage for its success rate",
                      C(CMD_CRAWL)},
  [OPT_TIMINGSAMPLES] = {"timing-samples", 0, "N", "10",
                         "timing requests per family of each homepage and\n"
                         "CDN host, on fresh connections (0: none)",
                         C(CMD_CRAWL)},
  [OPT_QUIET] = {"quiet", 'q', NULL, NULL,
                 "nothing on success: no progress line, no summary;\n"
                 "only errors",
                 C(CMD_CRAWL)},
  [OPT_VERBOSE] = {"verbose", 'v', NULL, NULL,
                   "the progress as a line of its own every 10 s, also\n"
                   "when stderr is not a terminal (logs, the journal)",
                   C(CMD_CRAWL)},
  [OPT_FAILUNDER] = {"fail-under", 0, "PCT", NULL,
                     "exit 1 when a site's internal level-2 or level-3\n"
                     "concentration is below PCT percent, 85 or 85% (named\n"
                     "on stderr); exit 6 when there is no data to judge",
                     C(CMD_CRAWL) | C(CMD_REPORT)},
  [OPT_RESUME] = {"resume", 0, "[RUN]", NULL,
                  "continue the latest incomplete run (or run RUN) of\n"
                  "the same sites and options: what it measured is not\n"
                  "asked again (exit 7 when there is none to resume)",
                  C(CMD_CRAWL)},
  [OPT_SHARD] = {"shard", 0, "K/N", NULL,
                 "crawl only shard K (0 to N-1) of N: the sites whose\n"
                 "start URL's stable hash modulo N is K; N processes\n"
                 "with the same sites cover each site once",
                 C(CMD_CRAWL)},
  [OPT_LABEL] = {"run-label", 0, "LABEL", "the local date",
                 "the night this run belongs to (merge: the night to\n"
                 "merge; default: the first shard's latest)",
                 C(CMD_CRAWL) | C(CMD_MERGE)},
  [OPT_LANG] = {"lang", 0, "zh|en", "from the locale",
                "the language of the HTML page", C(CMD_REPORT)},
  [OPT_THRESHOLD] = {"threshold", 0, "PCT", "85",
                     "the target the reports mark pass/fail against\n"
                     "(85 or 85%)",
                     C(CMD_REPORT)},
  [OPT_TITLE] = {"title", 0, "TEXT", NULL,
                 "the HTML page's heading (default: the report's name)",
                 C(CMD_REPORT)},
  [OPT_ORG] = {"org", 0, "TEXT", NULL,
               "the organisation named under the HTML page's heading",
               C(CMD_REPORT)},
  [OPT_SUMMARY] = {"summary", 0, NULL, NULL,
                   "HTML: the overview tables only (a page or two for ten\n"
                   "sites), the failing links as an appendix",
                   C(CMD_REPORT)},
  [OPT_BYUNIT] = {"by-unit", 0, NULL, NULL,
                  "sites grouped by their owning unit (the sites file's\n"
                  "third column)",
                  C(CMD_REPORT)},
  [OPT_SITE] = {"site", 0, "URL", NULL,
                "only the site with this start or final URL",
                C(CMD_LINKS) | C(CMD_FIXES)},
  [OPT_LEVEL] = {"level", 0, "N", NULL,
                 "only this level (default: every level; fixes:\n"
                 "levels 2 and 3)",
                 C(CMD_LINKS) | C(CMD_FIXES)},
  [OPT_CLASS] = {"class", 0, "CLASS", NULL,
                 "only links of this class: ok v6-only no-aaaa\n"
                 "v6-broken v6-error dead robots skipped unmeasured\n"
                 "blocked",
                 C(CMD_LINKS)},
  [OPT_KEEP] = {"keep", 0, "N", NULL, "how many of the latest runs to keep",
                C(CMD_PRUNE)},
  [OPT_COMPACT] = {"compact", 0, NULL, NULL,
                   "also shrink the file (only while no other v6crawl\n"
                   "uses the store)",
                   C(CMD_PRUNE)},
  [OPT_DRYRUN] = {"dry-run", 0, NULL, NULL,
                  "say which runs would go, delete nothing", C(CMD_PRUNE)},
  [OPT_REPAIR] = {"repair", 0, NULL, NULL,
                  "delete the orphan records found (records of runs\n"
                  "that no longer exist); damaged records stay",
                  C(CMD_CHECK)},
  [OPT_CHARSET] = {"charset", 0, "CS", NULL,
                   "the page's character set (decides how a query string\n"
                   "is percent-encoded)",
                   C(CMD_URL)},
  [OPT_FORMAT] = {"format", 0, "FORMAT", "text", "the output format", OUT_CMD},
  [OPT_OUTPUT] = {"output", 'o', "FILE", NULL,
                  "write to FILE instead of standard output", OUT_CMD},
  [OPT_CONFIG] = {"config", 0, "FILE", NULL,
                  "read options from this INI file (default:\n"
                  "$V6CRAWL_CONFIG, else /etc/v6crawl/v6crawl.conf then\n"
                  "~/.config/v6crawl/config); the command line wins",
                  ALL_CMD},
  [OPT_HELP] = {"help", 'h', NULL, NULL, "print this help and exit", ALL_CMD},
  [OPT_VERSION] = {"version", 0, NULL, NULL, "print the version and exit",
                   ALL_CMD},
};

#define FMT3                                                                   \
  (V6_FMT_BIT(V6_FMT_TEXT) | V6_FMT_BIT(V6_FMT_JSON) | V6_FMT_BIT(V6_FMT_CSV))

const struct cli_cmd cli_cmds[CMD__N] = {
  [CMD_CRAWL] = {"crawl", "[OPTIONS] URL... | --sites FILE",
                 "Crawl each site to --depth levels, resolve every linked "
                 "host for A and\nAAAA, probe every link over IPv6 and over "
                 "IPv4, and store it all.\n",
                 0},
  [CMD_REPORT] = {"report", "[OPTIONS]",
                  "Per site: the homepage's class and the IPv6 concentration "
                  "of level-2 and\nlevel-3 links, internal and all, computed "
                  "from the store.\nhtml: one self-contained page (charts, "
                  "trend across runs, failing hosts and\nlinks with "
                  "evidence).\n",
                  FMT3 | V6_FMT_BIT(V6_FMT_HTML)},
  [CMD_LINKS] = {"links", "[OPTIONS]",
                 "Every link with its level, scope, class and the evidence: "
                 "A/AAAA answers\n(or the DNS error) and, per family, each "
                 "hop's status or error.\n",
                 FMT3},
  [CMD_FIXES] = {"fixes", "[OPTIONS]",
                 "What to fix first: per site, the hosts behind internal "
                 "links that fail\nover IPv6 while IPv4 works (no-aaaa, "
                 "v6-broken, v6-error), ranked by how\nmany counted links "
                 "fixing each would turn into IPv6 successes; the host\nis "
                 "the one the last IPv6 request went to (after redirects). "
                 "With each\nhost: its classes, DNS evidence (CNAME chain and "
                 "the CDN or cloud behind\nit, A, AAAA) and the level's "
                 "concentration once it and every host above\nit are fixed. "
                 "Dead links (IPv4 fails too) are counted apart.\n",
                 FMT3},
  [CMD_RUNS] = {"runs", "[OPTIONS]",
                "The runs in the store, oldest first: id, start and end "
                "(UTC), whether the\ncrawl ran to its end, whether this "
                "machine had IPv6, and how many sites.\n",
                FMT3},
  [CMD_DIFF] = {"diff", "[OPTIONS] [RUN_A] [RUN_B]",
                "Compare run A with run B (default: the last two complete "
                "runs; with only\nRUN_A, the last complete run is B). Sites "
                "are matched by start URL and\nlinks by URL. Per site: the "
                "change in each figure (levels 2 and 3,\ninternal and all), "
                "the links that became failing (supported in A,\ncounted and "
                "not supported in B), the links that became fixed, the new\n"
                "and gone level-2/3 links, and other class changes.\n",
                FMT3},
  [CMD_PRUNE] = {"prune", "--keep N [OPTIONS]",
                 "Delete every run but the N latest (highest ids) with all "
                 "their records.\nLMDB reuses the freed space for later "
                 "crawls.\n",
                 FMT3},
  [CMD_CHECK] = {"check", "[--db DIR] [--repair]",
                 "Verify the store: every record of every database (its "
                 "checksum, its key,\nthat it decodes and that the urls it "
                 "names are interned), LMDB's record\ncount of each database, "
                 "and records of runs that no longer exist\n(orphans). One "
                 "line per problem, then a summary; exit 0 when the store\n"
                 "is sound, 3 when anything is damaged or orphans remain.\n",
                 0},
  [CMD_MERGE] = {"merge", "--db CENTRAL [--run-label LABEL] SHARD_STORE...",
                 "Import the runs of one night (--run-label) from the "
                 "shard stores into the\ncentral store as one run, sites "
                 "in the order of the whole list: what\n`report`, `links`, "
                 "`fixes` and `diff` read is then as if one process had\n"
                 "crawled every site. Merging again is harmless; a shard "
                 "missing or\nincomplete is named and the merged run stays "
                 "incomplete (exit 8) until it\narrives; shards that "
                 "measured the same site are refused (exit 2).\n",
                 0},
  [CMD_URL] = {"url", "[--charset CS] [BASE] HREF",
               "Print HREF resolved against BASE as v6crawl (and a browser) "
               "reads it,\nor `failure` (exit 1) when a browser would reject "
               "it.\n",
               0},
  [CMD_ROBOTS] = {"robots", "FILE USER_AGENT URL...",
                  "Print `allowed` or `disallowed` for each URL, as the "
                  "crawler decides\nfrom robots.txt FILE.\n",
                  0},
};

/* The names of the formats in @set joined by @sep, the last two by @last:
 * "text|json|csv" or "text, json or csv". */
static void formats_join(char *buf, size_t len, unsigned set, const char *sep,
                         const char *last)
{
  size_t off = 0;
  int f, n, left = 0;

  for (f = V6_FMT_TEXT; f <= V6_FMT_HTML; f++)
    left += (set & V6_FMT_BIT(f)) != 0;
  buf[0] = '\0';
  for (f = V6_FMT_TEXT; f <= V6_FMT_HTML; f++) {
    if (!(set & V6_FMT_BIT(f)))
      continue;
    left--;
    n =
      snprintf(buf + off, len - off, "%s%s", v6_format_name((enum v6_format)f),
               left > 1    ? sep
               : left == 1 ? last
                           : "");
    if (n < 0 || (size_t)n >= len - off)
      break;
    off += (size_t)n;
  }
}

static const char *opt_arg(int cmd, int id, char *buf, size_t len)
{
  if (id == OPT_FORMAT) {
    formats_join(buf, len, cli_cmds[cmd].formats, "|", "|");
    return buf;
  }
  if (id == OPT_LEVEL && cmd == CMD_FIXES)
    return "2|3";
  return cli_opts[id].arg;
}

void cli_usage(int cmd, FILE *o)
{
  char name[160], arg[64];
  const char *p, *a;
  size_t col;
  int id;

  fprintf(o, "Usage: v6crawl %s %s\n%s\n", cli_cmds[cmd].name,
          cli_cmds[cmd].synopsis, cli_cmds[cmd].about);
  for (id = 0; id < OPT__N; id++) {
    const struct cli_opt *op = &cli_opts[id];
    if (!(op->cmds & C(cmd)))
      continue;
    a = opt_arg(cmd, id, arg, sizeof arg);
    snprintf(name, sizeof name, "%s%c%s--%s%s%s", op->short_name ? "-" : "",
             op->short_name ? op->short_name : ' ', op->short_name ? ", " : "",
             op->name, a ? " " : "", a ? a : "");
    p = name + (op->short_name ? 0 : 1);
    if (strlen(p) > 24)
      fprintf(o, "  %s\n%27s", p, "");
    else
      fprintf(o, "  %-24s ", p);
    col = 27;
    for (p = op->help; *p; p++, col++) {
      fputc(*p, o);
      if (*p == '\n') {
        fprintf(o, "%27s", "");
        col = 26;
      }
    }
    /* the default on a line of its own when it would pass column 80 */
    if (op->def && col + strlen(op->def) + 11 > 80)
      fprintf(o, "\n%26s", "");
    if (op->def)
      fprintf(o, " (default %s)", op->def);
    fputc('\n', o);
  }
}

void cli_help_list(FILE *o)
{
  char arg[64];
  const char *a;
  int cmd, id;

  for (cmd = 0; cmd < CMD__N; cmd++)
    for (id = 0; id < OPT__N; id++) {
      if (!(cli_opts[id].cmds & C(cmd)))
        continue;
      a = opt_arg(cmd, id, arg, sizeof arg);
      fprintf(o, "%s --%s%s%s\n", cli_cmds[cmd].name, cli_opts[id].name,
              a ? " " : "", a ? a : "");
      if (cli_opts[id].short_name)
        fprintf(o, "%s -%c\n", cli_cmds[cmd].name, cli_opts[id].short_name);
    }
}

/* The getopt_long table of command @cmd into @lo (OPT__N + 1 entries) and
 * its short options into @shorts; each option's val is 256 + its id. */
static void cmd_getopt(int cmd, struct option *lo, char *shorts, size_t len)
{
  size_t n = 0, s = 0;
  int id;

  if (cmd == CMD_ROBOTS)
    shorts[s++] = '+';
  for (id = 0; id < OPT__N; id++) {
    const struct cli_opt *op = &cli_opts[id];
    if (!(op->cmds & C(cmd)))
      continue;
    lo[n].name = op->name;
    lo[n].has_arg = !op->arg            ? no_argument
                    : op->arg[0] == '[' ? optional_argument
                                        : required_argument;
    lo[n].flag = NULL;
    lo[n].val = 256 + id;
    n++;
    if (op->short_name && s + 3 < len) {
      shorts[s++] = op->short_name;
      if (op->arg)
        shorts[s++] = ':';
    }
  }
  memset(&lo[n], 0, sizeof lo[n]);
  shorts[s] = '\0';
}

/* --level: 2 or 3 for fixes, any stored level for links. */
static int level_opt(int cmd, const char *arg, struct cli_args *a)
{
  long v;

  if (cli_int(arg, cmd == CMD_FIXES ? 2 : 1,
              cmd == CMD_FIXES ? 3 : STORE_MAX_LEVEL, &v) < 0) {
    cli_err("bad --level '%s'%s", arg, cmd == CMD_FIXES ? ": 2 or 3" : "");
    return EXIT_USAGE;
  }
  a->level = (int)v;
  return -1;
}

/* The options every command shares: -2 when @id is not one of them, -1
 * when it is taken, else the exit status to return now. */
static int common_opt(int cmd, int id, const char *arg, struct cli_args *a)
{
  char list[64];
  int f;

  switch (id) {
    case OPT_HELP:
      cli_usage(cmd, stdout);
      return EXIT_OKAY;
    case OPT_VERSION:
      cli_version(stdout);
      return EXIT_OKAY;
    case OPT_DB:
      a->db = arg;
      return -1;
    case OPT_RUN:
      a->run = arg;
      return -1;
    case OPT_OUTPUT:
      a->output = arg;
      return -1;
    case OPT_SITE:
      a->site = cli_site_norm(arg);
      return a->site ? -1 : EXIT_INTERNAL;
    case OPT_LEVEL:
      return level_opt(cmd, arg, a);
    case OPT_FORMAT:
      f = v6_format_parse(arg, cli_cmds[cmd].formats);
      if (f < 0) {
        formats_join(list, sizeof list, cli_cmds[cmd].formats, ", ", " or ");
        cli_err("bad --format '%s': %s", arg, list);
        return EXIT_USAGE;
      }
      a->format = (enum v6_format)f;
      return -1;
    default:
      return -2;
  }
}

/* The commands that take no operands: anything after their options is
 * refused rather than ignored. */
#define NO_OPERANDS                                                            \
  (C(CMD_REPORT) | C(CMD_LINKS) | C(CMD_FIXES) | C(CMD_RUNS) | C(CMD_PRUNE) |  \
   C(CMD_CHECK))

int cli_cmd_find(const char *name)
{
  int c;
  for (c = 0; c < CMD__N; c++)
    if (strcmp(cli_cmds[c].name, name) == 0)
      return c;
  return -1;
}

void cli_usage_err(int cmd, const char *fmt, ...)
{
  char buf[4096];
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (cmd >= 0 && cmd < CMD__N)
    cli_err("%s (try 'v6crawl %s --help')", buf, cli_cmds[cmd].name);
  else
    cli_err("%s (try 'v6crawl --help')", buf);
}

int cli_opt_apply(int cmd, int id, const char *arg, struct cli_args *a,
                  cli_opt_fn fn, void *ud)
{
  int rc = common_opt(cmd, id, arg, a);
  if (rc == -2)
    rc = fn ? fn(ud, id, arg) : EXIT_USAGE;
  return rc;
}

/* The --config FILE of @argv (the last one given), before the options
 * are parsed: the file is read first, so that the command line wins. */
static const char *config_arg(int argc, char **argv)
{
  const char *f = NULL;
  int i;

  for (i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--") == 0)
      break;
    if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
      f = argv[++i];
    else if (strncmp(argv[i], "--config=", 9) == 0)
      f = argv[i] + 9;
  }
  return f;
}

/* The option @argv[optind - 1] that getopt refused (@c: '?' unknown, ':'
 * its argument missing), as one line and the hint. */
static void getopt_err(int cmd, int c, char **argv)
{
  const char *bad = argv[optind - 1];
  char shortopt[3] = {'-', (char)optopt, 0};
  size_t n;

  /* an unknown -x in a cluster like -qx names only the x */
  if (optopt && !(bad[0] == '-' && bad[1] == '-'))
    bad = shortopt;
  n = strcspn(bad, "=");
  if (c == ':')
    cli_usage_err(cmd, "%.*s needs an argument", (int)n, bad);
  else
    cli_usage_err(cmd, "unknown option '%.*s' for %s", (int)n, bad,
                  cli_cmds[cmd].name);
}

int cli_args_parse(int cmd, int argc, char **argv, struct cli_args *a,
                   cli_opt_fn fn, void *ud)
{
  struct option lo[OPT__N + 1];
  char shorts[32];
  int c, rc;

  memset(a, 0, sizeof *a);
  a->format = V6_FMT_TEXT;
  cmd_getopt(cmd, lo, shorts + 1, sizeof shorts - 1);
  /* ':' first: a missing argument is told apart from an unknown option;
   * robots stops at its first operand ('+', kept first) */
  if (shorts[1] == '+') {
    shorts[0] = '+';
    shorts[1] = ':';
  } else {
    shorts[0] = ':';
  }
  /* --help and --version need no configuration file */
  for (c = 1; c < argc && strcmp(argv[c], "--") != 0; c++)
    if (strcmp(argv[c], "--help") == 0 || strcmp(argv[c], "-h") == 0 ||
        strcmp(argv[c], "--version") == 0)
      break;
  if (c == argc || strcmp(argv[c], "--") == 0) {
    rc = cli_config_apply(cmd, config_arg(argc, argv), a, fn, ud);
    if (rc >= 0)
      return rc;
  }
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
    int id = -1, k;
    for (k = 0; k < OPT__N && id < 0; k++)
      if (c == 256 + k || (c == cli_opts[k].short_name && c != 0))
        id = k;
    if (c == '?' || c == ':' || id < 0) {
      getopt_err(cmd, c, argv);
      return EXIT_USAGE;
    }
    if (id == OPT_CONFIG)
      continue; /* read above */
    rc = cli_opt_apply(cmd, id, optarg, a, fn, ud);
    if (rc >= 0)
      return rc;
  }
  a->first = optind;
  if ((NO_OPERANDS & C(cmd)) && optind < argc) {
    cli_usage_err(cmd, "%s takes no arguments: '%s'", cli_cmds[cmd].name,
                  argv[optind]);
    return EXIT_USAGE;
  }
  return -1;
}
