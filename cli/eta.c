/* cli/eta.c - the progress line's estimate of the time left.
 *
 * A crawl's probe rate is not steady: the first moments read pages (the
 * probes they find finish later), the middle probes at full speed. The
 * rate since the start therefore under-estimates the rate to come and the
 * estimate runs long. The rate here is the one over the last quarter of
 * the time so far, from samples kept back to the start (see struct
 * cli_eta), so it is the same rule for a crawl of two seconds and of ten
 * hours: long enough to smooth a burst, short enough to have left the
 * pages' slow start behind by the middle of the crawl. */
#include "config.h"

#include <stddef.h>

#include "cli/cli.h"

/* the first samples are kept this far apart (the crawler calls 20 times
 * a second) */
#define ETA_EVERY0 0.05

/* Keep (@elapsed, @done) when it is far enough from the last kept one. */
static void eta_sample(struct cli_eta *e, double elapsed, size_t done)
{
  size_t i;
  if (e->every <= 0)
    e->every = ETA_EVERY0;
  if (e->n && elapsed - e->t[e->n - 1] < e->every)
    return;
  if (e->n == CLI_ETA_SAMPLES) {
    for (i = 0; 2 * i < CLI_ETA_SAMPLES; i++) {
      e->t[i] = e->t[2 * i];
      e->done[i] = e->done[2 * i];
    }
    e->n = CLI_ETA_SAMPLES / 2;
    e->every *= 2;
  }
  e->t[e->n] = elapsed;
  e->done[e->n] = done;
  e->n++;
}

double cli_eta_left(struct cli_eta *e, double elapsed, size_t done,
                    size_t total)
{
  size_t i;
  double dt = 0, dd = 0;

  eta_sample(e, elapsed, done);
  if (done == 0 || elapsed <= 0)
    return -1;
  if (total <= done)
    return 0;
  /* the oldest sample within the last quarter of the time so far, or
   * when the quarter is shorter than the samples' spacing, the newest
   * one before it */
  for (i = 0; i < e->n && e->t[i] < elapsed; i++)
    if (e->t[i] >= elapsed * 0.75 || i + 1 == e->n || e->t[i + 1] >= elapsed) {
      dt = elapsed - e->t[i];
      dd = (double)done - (double)e->done[i];
      break;
    }
  /* no such sample, or nothing done in it: the rate since the start */
  if (dt <= 0 || dd <= 0) {
    dt = elapsed;
    dd = (double)done;
  }
  return (double)(total - done) * dt / dd;
}

size_t cli_eta_total(size_t total, size_t pages, size_t pages_left)
{
  if (!pages || !pages_left)
    return total;
  return total + (size_t)((double)pages_left * (double)total / (double)pages);
}
