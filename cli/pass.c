/* cli/pass.c - what lets v6crawl through an owner's own wall: --header
 * and --cookie, and a sites file's header= and cookie= fields, checked
 * once here (doc/measurement.md "Walls"). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

/* A byte of an HTTP token (RFC 9110 5.6.2 tchar). */
static int tchar(unsigned char c)
{
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
         (c >= 'A' && c <= 'Z') || (c && strchr("!#$%&'*+-.^_`|~", c));
}

int cli_pass_header(struct cli_pass *p, const char *arg, const char *where)
{
  size_t n = 0;
  char **v, *c;

  while (tchar((unsigned char)arg[n]))
    n++;
  if (!n || arg[n] != ':' || strpbrk(arg, "\r\n")) {
    cli_err("%s: bad header '%s': NAME: VALUE on one line", where, arg);
    return -1;
  }
  v = realloc(p->lines, (p->n + 1) * sizeof(*v));
  if (!v)
    return -2;
  p->lines = v;
  c = strdup(arg);
  if (!c)
    return -2;
  p->lines[p->n++] = c;
  return 0;
}

int cli_pass_cookie(struct cli_pass *p, const char *arg, const char *where)
{
  if (!strchr(arg, '=') || strpbrk(arg, "\r\n")) {
    cli_err("%s: bad cookie '%s': NAME=VALUE[; NAME=VALUE...] on one line",
            where, arg);
    return -1;
  }
  free(p->cookie);
  p->cookie = strdup(arg);
  return p->cookie ? 0 : -2;
}

void cli_pass_cleanup(struct cli_pass *p)
{
  size_t i;
  if (!p)
    return;
  for (i = 0; i < p->n; i++)
    free(p->lines[i]);
  free(p->lines);
  free(p->cookie);
  memset(p, 0, sizeof(*p));
}
