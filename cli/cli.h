/* cli/cli.h - the v6crawl command's parts, for cli/ only. */
#ifndef V6_CLI_H
#define V6_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct store;

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

/* `report --format html` (html.c): write the whole page for run @run to
 * @out: per site (@sites and their figures @figs, @n of each) the homepage,
 * the level-2/3 figures with pass/fail against @threshold (a percentage),
 * bar and trend charts (the trend reads every run up to @run from @st,
 * matching sites by start URL), the top failing hosts and the failing links
 * with their evidence. @lang "zh" or "en"; NULL picks zh when LC_ALL,
 * LC_MESSAGES or LANG (the first set) starts with "zh", else en. Returns
 * STORE_OK or the store_rc of a failed read (STORE_NOMEM when out of
 * memory); write errors are left in @out's error flag. */
struct store;
struct store_run;
struct store_site;
struct store_site_figs;
int report_html(FILE *out, struct store *st, const struct store_run *run,
                const struct store_site *sites, size_t n,
                const struct store_site_figs *figs, const char *lang,
                double threshold);

/* ---- issue 4: history, fixes, --fail-under (history.c, fixes.c) ---- */

int cmd_runs(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_prune(int argc, char **argv);
int cmd_fixes(int argc, char **argv);

enum cli_fmt { CLI_TEXT = 0, CLI_JSON, CLI_CSV };
/* "text", "json" or "csv" as an enum cli_fmt; -1 (error printed) else. */
int cli_fmt(const char *s);

/* Open the store (@db_opt as cli_db_path takes it; read-only when
 * @rdonly). On EXIT_OKAY *@st is open and *@db the path (the caller closes
 * and frees both, also on failure: *@st may be NULL). Else the error is
 * printed and an exit status returned. */
int cli_store_open(const char *db_opt, int rdonly, struct store **st,
                   char **db);
/* Run @arg ("latest" or NULL: the latest, else a number) of @st into *@id,
 * checking it exists. EXIT_OKAY, or the error printed and an exit status. */
int cli_run_arg(struct store *st, const char *db, const char *arg,
                uint32_t *id);
/* Parse a percentage in [0, 100]; returns 0 or -1. */
int cli_pct(const char *s, double *out);
/* Unix time @t as "2026-11-26T20:00:00Z" ("-" for 0) into @buf. */
void cli_time(char *buf, size_t len, int64_t t);

/* --fail-under @pct for `crawl` and `report`: EXIT_BELOW when the internal
 * level-2 or level-3 concentration of any site of run @run is below @pct
 * percent (each such site and level named on stderr), EXIT_OKAY when none
 * is (a level with nothing counted is not below), EXIT_STORE or
 * EXIT_INTERNAL when the store cannot be read. */
int cli_fail_under(struct store *st, uint32_t run, double pct);

/* Parse a decimal int in [lo, hi]; returns 0 or -1. */
int cli_int(const char *s, long lo, long hi, long *out);

#endif
