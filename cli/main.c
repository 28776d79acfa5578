/* cli/main.c - `v6crawl COMMAND ...`: dispatch, --help and --version. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "crawler/crawl.h"
#include "parser/parse.h"
#include "store/store.h"

static const char usage[] =
  "Usage: v6crawl COMMAND [OPTIONS] [ARGS]\n"
  "Measure how much of a portal website works over IPv6.\n"
  "\n"
  "Commands:\n"
  "  crawl URL... | --sites FILE   crawl sites to depth 3, probe every link\n"
  "                                over IPv6 and IPv4, store it all\n"
  "  report                        per-site IPv6 concentration (text, json, "
  "csv,\n"
  "                                or one HTML page)\n"
  "  links                         every link with its class and evidence\n"
  "  fixes                         the hosts to fix first, ranked, with the\n"
  "                                figure each fix would reach\n"
  "  runs                          the crawls in the store\n"
  "  diff [RUN_A] [RUN_B]          what changed between two runs\n"
  "  prune --keep N                delete all but the N latest runs\n"
  "  check [--repair]              verify the store; remove orphan records\n"
  "  merge SHARD_STORE...          one night's shard stores into one run\n"
  "  url [BASE] HREF               show how v6crawl resolves a link\n"
  "  robots FILE AGENT URL...      show how v6crawl reads a robots.txt\n"
  "\n"
  "Run `v6crawl COMMAND --help` (or `v6crawl help COMMAND`) for a command's\n"
  "options. Options may also come from /etc/v6crawl/v6crawl.conf and\n"
  "~/.config/v6crawl/config (see --config).\n"
  "\n"
  "Exit status: 0 success; 1 a site is below --fail-under; 2 bad usage,\n"
  "URL or file; 3 the store cannot be opened or written; 4 the resolver or\n"
  "network setup failed (e.g. the DNS server does not answer); 5 internal\n"
  "error; 6 a crawl measured nothing (no IPv6 at the vantage point), or\n"
  "--fail-under has no data to judge (no IPv6, an incomplete run, a site\n"
  "with nothing counted); 7 crawl --resume: nothing to resume; 8 merge: a\n"
  "shard is missing or incomplete; 130 interrupted (the run is kept,\n"
  "marked incomplete).\n";

void cli_version(FILE *o)
{
  char buf[1024];

  fprintf(o, "v6crawl %s\n", PACKAGE_VERSION);
  crawl_versions(buf, sizeof buf);
  fputs(buf, o);
  store_versions(buf, sizeof buf);
  fputs(buf, o);
  parse_versions(buf, sizeof buf);
  fputs(buf, o);
}

int main(int argc, char **argv)
{
  const char *cmd = argc > 1 ? argv[1] : NULL;

  /* a fault inside LMDB on a damaged store: one line and exit 3 */
  (void)store_fault_guard(EXIT_STORE,
                          "v6crawl: ", " (`v6crawl check` says more)");
  if (!cmd) {
    cli_usage_err(-1, "no command given: crawl, report, links, fixes, runs, "
                      "diff, prune, check, url or robots");
    return EXIT_USAGE;
  }
  /* hidden: every option of every command, for the documentation test */
  if (strcmp(cmd, "help") == 0 && argc > 2 && strcmp(argv[2], "--list") == 0) {
    cli_help_list(stdout);
    return EXIT_OKAY;
  }
  /* help COMMAND: that command's --help */
  if (strcmp(cmd, "help") == 0 && argc > 2) {
    if (argc > 3 || cli_cmd_find(argv[2]) < 0) {
      cli_usage_err(-1, "help: no command '%s'", argv[argc > 3 ? 3 : 2]);
      return EXIT_USAGE;
    }
    cli_usage(cli_cmd_find(argv[2]), stdout);
    return EXIT_OKAY;
  }
  if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
      strcmp(cmd, "help") == 0) {
    fputs(usage, stdout);
    return EXIT_OKAY;
  }
  if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
    cli_version(stdout);
    return EXIT_OKAY;
  }
  if (strcmp(cmd, "crawl") == 0)
    return cmd_crawl(argc - 1, argv + 1);
  if (strcmp(cmd, "report") == 0)
    return cmd_report(argc - 1, argv + 1);
  if (strcmp(cmd, "links") == 0)
    return cmd_links(argc - 1, argv + 1);
  if (strcmp(cmd, "fixes") == 0)
    return cmd_fixes(argc - 1, argv + 1);
  if (strcmp(cmd, "runs") == 0)
    return cmd_runs(argc - 1, argv + 1);
  if (strcmp(cmd, "diff") == 0)
    return cmd_diff(argc - 1, argv + 1);
  if (strcmp(cmd, "prune") == 0)
    return cmd_prune(argc - 1, argv + 1);
  if (strcmp(cmd, "check") == 0)
    return cmd_check(argc - 1, argv + 1);
  if (strcmp(cmd, "merge") == 0)
    return cmd_merge(argc - 1, argv + 1);
  if (strcmp(cmd, "url") == 0)
    return cmd_url(argc - 1, argv + 1);
  if (strcmp(cmd, "robots") == 0)
    return cmd_robots(argc - 1, argv + 1);
  if (strstr(cmd, "://"))
    cli_usage_err(-1, "unknown command '%s': to crawl it, `v6crawl crawl %s`",
                  cmd, cmd);
  else
    cli_usage_err(-1, "unknown command '%s'", cmd);
  return EXIT_USAGE;
}
