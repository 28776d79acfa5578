/* report/render.c - what --render found: per site the pages Chromium
 * rendered, those it could not, and the links only rendering found. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "report/report.h"

/* The value of "@key=" in the run's options text, or @dflt. */
static long opt_long(const char *opts, const char *key, long dflt)
{
  size_t n = strlen(key);
  const char *p = opts;
  while (p && (p = strstr(p, key))) {
    if ((p == opts || p[-1] == ' ') && p[n] == '=')
      return strtol(p + n + 1, NULL, 10);
    p += n;
  }
  return dflt;
}

int report_render_site(struct store *st, const struct store_run *run,
                       uint32_t site, struct report_render *out)
{
  struct store_render *v = NULL;
  size_t n = 0, k;
  int rc;

  memset(out, 0, sizeof *out);
  if (!st || !run)
    return STORE_INVALID;
  out->on = opt_long(run->options, "render", 0) != 0;
  if (!out->on)
    return STORE_OK;
  rc = store_renders_list(st, run->id, site, &v, &n);
  for (k = 0; rc == STORE_OK && k < n; k++) {
    if (v[k].status == STORE_RENDER_OK)
      out->pages++;
    else
      out->failed++;
    out->ms += v[k].ms;
  }
  store_renders_free(v, n);
  if (rc == STORE_OK)
    rc = store_render_only(
      st, run->id, site, (int)opt_long(run->options, "depth", 3), &out->links);
  if (rc != STORE_OK)
    memset(out, 0, sizeof *out);
  return rc;
}
