/* cli/cli.h - the v6crawl command's parts, for cli/ only. */
#ifndef V6_CLI_H
#define V6_CLI_H

#include <stdio.h>

/* Exit statuses (documented in README and --help). */
enum cli_exit {
  EXIT_OKAY = 0,
  EXIT_BELOW = 1,    /* --fail-under: a site is below the threshold */
  EXIT_USAGE = 2,    /* bad option, URL or file */
  EXIT_STORE = 3,    /* the store cannot be opened, read or written */
  EXIT_NETWORK = 4,  /* the resolver or libcurl cannot be set up */
  EXIT_INTERNAL = 5, /* out of memory or another internal failure */
  EXIT_INTERRUPT = 130
};

int cmd_crawl(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_links(int argc, char **argv);
int cmd_url(int argc, char **argv);
int cmd_robots(int argc, char **argv);

/* The store directory: @opt if given, else $V6CRAWL_DB, else
 * $XDG_DATA_HOME/v6crawl, else ~/.local/share/v6crawl. Returns a string
 * the caller frees, or NULL when out of memory. With @create, missing
 * parent directories of the default are made. */
char *cli_db_path(const char *opt, int create);

/* Print "v6crawl: " and the message to stderr. */
void cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Output helpers (out.c). */
void json_str(FILE *f, const char *s);    /* "..." or null */
void json_num(FILE *f, int ok, double v); /* number or null */
void csv_field(FILE *f, const char *s, int last);
void csv_bom(FILE *f);

/* Parse a decimal int in [lo, hi]; returns 0 or -1. */
int cli_int(const char *s, long lo, long hi, long *out);

#endif
