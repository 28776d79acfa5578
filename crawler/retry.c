/* crawler/retry.c - what one reply means for an attempt: ask again, ask
 * with GET, follow a redirect, switch to IPv6, or end.
 *
 * Pure: a reply and the attempt's position in, the next step out, so the
 * rules are tested without a network (tests/unit/check_attempt.c).
 */
#include "config.h"

#include <string.h>

#include "crawler/crawl_int.h"

void attempt_state_init(struct attempt_state *s, int family, int retries)
{
  memset(s, 0, sizeof(*s));
  s->family = family ? family : 4;
  s->auto_family = family == 0;
  s->retries = retries;
}

int attempt_success(int strict, int status)
{
  return strict ? status == 200 : status >= 200 && status < 400;
}

int attempt_wants_head(const struct attempt_state *s, size_t max_body)
{
  /* Probes that need no body ask with HEAD, like wget2 --spider: no body
   * to read or drain. A HEAD answered with 400 or more is asked again
   * with GET, which decides (some servers refuse HEAD); so is a 202,
   * which may be a wall's challenge page (doc/measurement.md "Walls"). */
  return !max_body && !s->get;
}

int attempt_family_pick(struct attempt_state *s, size_t n4, size_t n6, int v6)
{
  if (s->auto_family && s->hops == 0 && s->tries == 0 && s->family == 4 &&
      !n4 && n6 && v6)
    s->family = 6;
  return s->family;
}

/* No response: the same hop again while tries are left, then (for an
 * automatic chain on IPv4) IPv6 from the start. */
static int next_noresp(struct attempt_state *s, int v6_ok)
{
  if (s->tries < s->retries) {
    s->tries++;
    return ATT_RETRY;
  }
  if (s->auto_family && s->family == 4 && v6_ok) {
    s->family = 6;
    s->tries = 0;
    s->hops = 0;
    return ATT_FAMILY;
  }
  return ATT_NORESP;
}

int attempt_next(struct attempt_state *s, const struct attempt_reply *r,
                 int v6_ok, int strict)
{
  /* An interim 1xx as the last thing heard ("100 Continue", then the
   * connection closed) is no final response: the request failed. */
  if (!r->response || r->status < 200)
    return next_noresp(s, v6_ok);
  if (r->head && (r->status >= 400 || r->status == 202)) {
    s->get = 1;
    return ATT_GET;
  }
  if (r->status >= 500 && s->tries < s->retries) {
    s->tries++;
    return ATT_RETRY;
  }
  if (r->status >= 300 && r->status < 400 && r->location) {
    if (s->hops >= MAX_REDIRECTS)
      return ATT_REDIRECTS;
    /* each hop keeps the family: it is what is measured */
    s->hops++;
    s->tries = 0;
    s->get = 0;
    return ATT_REDIRECT;
  }
  return attempt_success(strict, r->status) ? ATT_OK : ATT_HTTPERR;
}
