/* cli/config.c - the configuration file: options of the one table
 * (cli/opts.c) read from an INI file (libinih) before the command line,
 * which wins. Keys are the long options' names; keys before any section
 * apply to every command that takes the option, keys in a [COMMAND]
 * section to that command only. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ini.h>

#include "cli/cli.h"
#include "parser/parse.h"

/* The system-wide file (the user's is read after it). */
#define CLI_SYSCONF_FILE "/etc/v6crawl/v6crawl.conf"

/* The values read, owned here until the process exits: the options keep
 * pointers into them as they keep pointers into argv. */
static char **kept;
static size_t n_kept, cap_kept;

static void kept_free(void)
{
  size_t i;
  for (i = 0; i < n_kept; i++)
    free(kept[i]);
  free(kept);
  kept = NULL;
  n_kept = cap_kept = 0;
}

const char *cli_keep(char *s)
{
  static int registered;

  if (!s)
    return NULL;
  if (n_kept == cap_kept) {
    size_t cap = cap_kept ? cap_kept * 2 : 16;
    char **k = realloc(kept, cap * sizeof(*k));
    if (!k) {
      free(s);
      return NULL;
    }
    kept = k;
    cap_kept = cap;
  }
  if (!registered)
    registered = atexit(kept_free) == 0;
  kept[n_kept++] = s;
  return s;
}

const char *cli_site_norm(const char *arg)
{
  char *u = NULL;

  /* as crawl normalises a start URL: HTTP://WWW.X.CN:80 is http://www.x.cn/ */
  if (url_resolve(NULL, arg, NULL, 0, &u) != PARSE_OK || !url_is_http(u)) {
    free(u);
    u = strdup(arg);
  }
  return cli_keep(u);
}

struct cfg {
  int cmd;
  struct cli_args *a;
  cli_opt_fn fn;
  void *ud;
  const char *path;
  FILE *f;
  unsigned line;
  int toolong; /* the line of a line longer than the reader's buffer */
  int rc;      /* -1 going on, else the exit status */
};

/* inih's reader: fgets, counting lines for the error messages. */
static char *cfg_read(char *str, int num, void *stream)
{
  struct cfg *x = stream;
  char *r = fgets(str, num, x->f);
  size_t n;

  if (!r)
    return NULL;
  x->line++;
  n = strlen(r);
  if (n == (size_t)num - 1 && r[n - 1] != '\n' && !feof(x->f) && !x->toolong)
    x->toolong = (int)x->line;
  return r;
}

static int opt_by_name(const char *name)
{
  int id;
  for (id = 0; id < OPT__N; id++)
    if (strcmp(cli_opts[id].name, name) == 0)
      return id;
  return -1;
}

/* @v as a yes/no: 1, 0, or -1 when it is neither. */
static int cfg_bool(const char *v)
{
  static const char *const yes[] = {"yes", "true", "on", "1"};
  static const char *const no[] = {"no", "false", "off", "0"};
  size_t i;

  for (i = 0; i < 4; i++) {
    if (strcasecmp(v, yes[i]) == 0)
      return 1;
    if (strcasecmp(v, no[i]) == 0)
      return 0;
  }
  return -1;
}

/* Line @x->line's "@name = @value" in [@section]: applied when it is for
 * @x->cmd. */
static int cfg_line(void *user, const char *section, const char *name,
                    const char *value)
{
  struct cfg *x = user;
  int sec = -1, id, yes = 1, rc;
  const char *arg = value;

  if (x->rc >= 0)
    return 1;
  if (*section && (sec = cli_cmd_find(section)) < 0) {
    cli_err("[%s]: no such command (sections are crawl, report, links, "
            "...)",
            section);
    x->rc = EXIT_USAGE;
    return 1;
  }
  id = opt_by_name(name);
  if (id == OPT_HELP || id == OPT_VERSION || id == OPT_CONFIG) {
    cli_err("'%s' is for the command line only", name);
    x->rc = EXIT_USAGE;
    return 1;
  }
  if (id < 0 || (sec >= 0 && !(cli_opts[id].cmds & (1u << sec)))) {
    if (sec >= 0)
      cli_err("%s has no option --%s", section, name);
    else
      cli_err("no command has an option --%s", name);
    x->rc = EXIT_USAGE;
    return 1;
  }
  /* a key for other commands, or an option this command does not take */
  if ((sec >= 0 && sec != x->cmd) || !(cli_opts[id].cmds & (1u << x->cmd)))
    return 1;
  if (!cli_opts[id].arg || cli_opts[id].arg[0] == '[') {
    yes = cfg_bool(value);
    if (yes < 0 && !cli_opts[id].arg) {
      cli_err("bad value for %s: '%s' (yes or no)", name, value);
      x->rc = EXIT_USAGE;
      return 1;
    }
    /* --resume = yes: the latest; --resume = 12: run 12 */
    arg = yes < 0 ? value : NULL;
  }
  if (!yes)
    return 1;
  if (arg && !(arg = cli_keep(strdup(arg)))) {
    cli_err("out of memory");
    x->rc = EXIT_INTERNAL;
    return 1;
  }
  rc = cli_opt_apply(x->cmd, id, arg, x->a, x->fn, x->ud);
  if (rc >= 0)
    x->rc = rc;
  return 1;
}

/* Read the file at @path for command @cmd. Returns -1 to go on, else the
 * exit status (the error printed). A missing file is no error when
 * @optional. */
static int cfg_file(const char *path, int optional, int cmd, struct cli_args *a,
                    cli_opt_fn fn, void *ud)
{
  char where[4200];
  struct cfg x;
  int bad;

  memset(&x, 0, sizeof x);
  x.cmd = cmd;
  x.a = a;
  x.fn = fn;
  x.ud = ud;
  x.path = path;
  x.rc = -1;
  x.f = fopen(path, "r");
  if (!x.f) {
    if (optional && errno == ENOENT)
      return -1;
    cli_err("cannot read the configuration file %s: %s", path, strerror(errno));
    return EXIT_USAGE;
  }
  /* every message about a line names the file and the line */
  snprintf(where, sizeof where, "%s:", path);
  cli_err_where(where, &x.line);
  bad = ini_parse_stream(cfg_read, &x, cfg_line, &x);
  cli_err_where(NULL, NULL);
  fclose(x.f);
  if (x.rc < 0 && x.toolong) {
    cli_err("%s:%d: line too long", path, x.toolong);
    x.rc = EXIT_USAGE;
  } else if (x.rc < 0 && bad > 0) {
    cli_err("%s:%d: not an INI line (NAME = VALUE, [COMMAND] or a # comment)",
            path, bad);
    x.rc = EXIT_USAGE;
  } else if (x.rc < 0 && bad < 0) {
    cli_err("out of memory");
    x.rc = EXIT_INTERNAL;
  }
  return x.rc;
}

int cli_config_apply(int cmd, const char *file, struct cli_args *a,
                     cli_opt_fn fn, void *ud)
{
  const char *env = getenv("V6CRAWL_CONFIG"), *home;
  char user[4200];
  int rc;

  if (file)
    return cfg_file(file, 0, cmd, a, fn, ud);
  if (env)
    return *env ? cfg_file(env, 0, cmd, a, fn, ud) : -1;
  rc = cfg_file(CLI_SYSCONF_FILE, 1, cmd, a, fn, ud);
  if (rc >= 0)
    return rc;
  home = getenv("XDG_CONFIG_HOME");
  if (home && *home)
    snprintf(user, sizeof user, "%s/v6crawl/config", home);
  else if ((home = getenv("HOME")) && *home)
    snprintf(user, sizeof user, "%s/.config/v6crawl/config", home);
  else
    return -1;
  return cfg_file(user, 1, cmd, a, fn, ud);
}
