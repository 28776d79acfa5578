/* cli/walls.c - the text report's note on links behind walls: how many
 * links of each site a wall refused alike on both families (the blocked
 * class, not counted), so that the owner knows to let v6crawl through. */
#include "config.h"

#include <stdio.h>

#include "cli/cli.h"
#include "store/store.h"

/* Blocked links of @f over every level, in the "all" scope. */
static unsigned blocked_all(const struct store_site_figs *f)
{
  unsigned n = 0;
  int l;
  for (l = 1; l <= STORE_MAX_LEVEL; l++)
    n += f->level[l][1].classes[CLASS_BLOCKED];
  return n;
}

void cli_walls_text(FILE *o, const struct store_site *sites, size_t n,
                    const struct store_site_figs *figs)
{
  size_t i;
  int any = 0;
  for (i = 0; i < n; i++) {
    unsigned b = blocked_all(&figs[i]);
    if (!b)
      continue;
    if (!any)
      fputs("\nBehind a wall (the same refusal on both families, not "
            "counted)\n",
            o);
    any = 1;
    fprintf(o, "%s: %u link%s blocked (internal level 2: %u, level 3: %u)\n",
            cli_tx(sites[i].start_url), b, b == 1 ? "" : "s",
            figs[i].level[2][0].classes[CLASS_BLOCKED],
            figs[i].level[3][0].classes[CLASS_BLOCKED]);
  }
  if (any)
    fputs("Let v6crawl through (README: \"Walls\"); the links and their "
          "evidence: `v6crawl links --class blocked`.\n",
          o);
}
