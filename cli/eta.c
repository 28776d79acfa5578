/* cli/eta.c - the progress line's estimate of the time left.
 *
 * A crawl's probe rate is not steady: the first seconds read pages (the
 * probes they find finish later), the middle probes at full speed. The
 * rate since the start therefore under-estimates the rate to come and the
 * estimate runs long. The rate here is the one over the last half of the
 * time so far (at least 3 s, at most the samples kept), from one sample a
 * progress call. */
#include "config.h"

#include <stddef.h>

#include "cli/cli.h"

double cli_eta_left(struct cli_eta *e, double elapsed, size_t done,
                    size_t total)
{
  size_t i, from, n;
  double win, dt = 0, dd = 0;

  e->t[e->n % CLI_ETA_SAMPLES] = elapsed;
  e->done[e->n % CLI_ETA_SAMPLES] = done;
  e->n++;
  if (done == 0 || elapsed <= 0)
    return -1;
  if (total <= done)
    return 0;
  /* the oldest sample kept that is within the window */
  win = elapsed / 2 < 3 ? 3 : elapsed / 2;
  n = e->n < CLI_ETA_SAMPLES ? e->n : CLI_ETA_SAMPLES;
  from = e->n - n;
  for (i = from; i + 1 < e->n; i++) {
    size_t k = i % CLI_ETA_SAMPLES;
    if (elapsed - e->t[k] <= win) {
      dt = elapsed - e->t[k];
      dd = (double)(done - e->done[k]);
      break;
    }
  }
  /* too little time or nothing done in it: the rate since the start */
  if (dt < 1 || dd <= 0) {
    dt = elapsed;
    dd = (double)done;
  }
  return (double)(total - done) * dt / dd;
}
