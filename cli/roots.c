/* cli/roots.c - the DNS root servers the delegation walk starts from:
 * --dns-root, else $V6CRAWL_DNS_ROOT, else the IPv6 addresses of
 * data/root-servers.txt. */
#include "config.h"

#include <arpa/inet.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "crawler/crawl.h"

/* Add root @name at @addr, @port to @r (copied). Returns 0 or -1 (out of
 * memory). */
static int root_add(struct cli_roots *r, const char *name, const char *addr,
                    int port)
{
  struct crawl_root *v = realloc(r->v, (r->n + 1) * sizeof(*v));
  char **s = realloc(r->s, (r->ns + 2) * sizeof(char *));
  if (v)
    r->v = v;
  if (s)
    r->s = s;
  if (!v || !s || !(s[r->ns] = strdup(name)))
    return -1;
  if (!(s[r->ns + 1] = strdup(addr))) {
    free(s[r->ns]);
    return -1;
  }
  v[r->n].name = s[r->ns];
  v[r->n].addr = s[r->ns + 1];
  v[r->n].port = port;
  r->ns += 2;
  r->n++;
  return 0;
}

/* One item of a --dns-root list: ADDR or [ADDR]:PORT. Returns 0, -1 (bad)
 * or -2 (out of memory). */
static int root_item(struct cli_roots *r, const char *item, size_t len)
{
  char buf[INET6_ADDRSTRLEN + 16], *end;
  unsigned char a[16];
  long port = 53;
  if (len == 0 || len >= sizeof(buf))
    return -1;
  memcpy(buf, item, len);
  buf[len] = '\0';
  if (buf[0] == '[') {
    char *close = strchr(buf, ']');
    if (!close || close[1] != ':')
      return -1;
    port = strtol(close + 2, &end, 10);
    if (*end || end == close + 2 || port < 1 || port > 65535)
      return -1;
    *close = '\0';
    memmove(buf, buf + 1, strlen(buf + 1) + 1);
  }
  if (inet_pton(AF_INET6, buf, a) != 1)
    return -1;
  return root_add(r, buf, buf, (int)port) < 0 ? -2 : 0;
}

int cli_roots_file_each(const char *path,
                        int (*fn)(const char *name, const char *v4,
                                  const char *v6, void *ud),
                        void *ud)
{
  char line[512];
  int rc = 0;
  FILE *f = fopen(path, "r");
  if (!f)
    return -1;
  while (rc == 0 && fgets(line, sizeof(line), f)) {
    char *name = line, *v4, *v6, *end;
    if (line[0] == '#' || line[0] == '\n')
      continue;
    if (!(v4 = strchr(name, '\t')) || !(v6 = strchr(v4 + 1, '\t')))
      continue;
    *v4++ = '\0';
    *v6++ = '\0';
    end = v6 + strcspn(v6, "\r\n \t");
    *end = '\0';
    rc = fn(name, v4, v6, ud);
  }
  fclose(f);
  return rc;
}

static int roots_line(const char *name, const char *v4, const char *v6,
                      void *ud)
{
  unsigned char a[16];
  (void)v4;
  if (inet_pton(AF_INET6, v6, a) == 1 && root_add(ud, name, v6, 53) < 0)
    return -2;
  return 0;
}

/* The IPv6 column of root-servers.txt at @path. */
static int roots_file(struct cli_roots *r, const char *path)
{
  return cli_roots_file_each(path, roots_line, r);
}

int cli_roots_load(struct cli_roots *r, const char *arg)
{
  char path[PATH_MAX + 64];
  const char *p, *comma;
  int rc;

  memset(r, 0, sizeof(*r));
  if (!arg)
    arg = getenv("V6CRAWL_DNS_ROOT");
  if (arg && *arg) {
    for (p = arg;; p = comma + 1) {
      comma = strchr(p, ',');
      rc = root_item(r, p, comma ? (size_t)(comma - p) : strlen(p));
      if (rc == -1)
        cli_err("bad --dns-root '%s': expected ADDR[,ADDR...] (IPv6, or "
                "[ADDR]:PORT)",
                arg);
      if (rc == -2)
        cli_err("out of memory");
      if (rc)
        return rc == -1 ? EXIT_USAGE : EXIT_INTERNAL;
      if (!comma)
        break;
    }
    return 0;
  }
  rc = cli_data_path("root-servers.txt", path, sizeof path) == 0
         ? roots_file(r, path)
         : -1;
  if (rc == -2) {
    cli_err("out of memory");
    return EXIT_INTERNAL;
  }
  if (rc < 0 || !r->n)
    cli_err("no root-servers.txt found (set V6CRAWL_DATA_DIR or give "
            "--dns-root): the delegation chain is not walked");
  return 0;
}

void cli_roots_free(struct cli_roots *r)
{
  size_t i;
  for (i = 0; i < r->ns; i++)
    free(r->s[i]);
  free(r->s);
  free(r->v);
  memset(r, 0, sizeof(*r));
}
