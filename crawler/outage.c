/* crawler/outage.c - IPv6 failures that are this machine's, not the
 * sites'.
 *
 * An IPv6 probe request that ends without a response is held: the probe
 * waits (its IPv4 half goes on) until the vantage point is known to work.
 *
 *   an IPv6 response anywhere, or a check that connects, charges every
 *     held failure to its site (IPv6 worked meanwhile);
 *   OUTAGE_FAILS held failures on distinct hosts with no IPv6 response in
 *     between, a held failure waiting OUTAGE_HOLD_MS (no IPv6 traffic
 *     came to settle it: other work is IPv4 only, or stalls), a
 *     --vantage-every tick, or held failures left once every other piece
 *     of work is done, start a check;
 *   a check that fails starts an outage (from the first held failure, or
 *     the check's start): the vantage is re-tested every OUTAGE_RECHECK_MS
 *     and, once it connects again, every held probe is asked over IPv6
 *     again (at most OUTAGE_MAX_REASKS times); when nothing but held
 *     probes is left and IPv6 stays down for two --timeout (at least
 *     OUTAGE_END_WAIT_MS), they are left unmeasured.
 *
 * Each outage is a record of the run's vantage database (seq 1, 2 ...),
 * written when it starts (end 0) and again when it ends.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crawler/crawl_int.h"

#define OUTAGE_FAILS       3
#define OUTAGE_RECHECK_MS  2000
#define OUTAGE_MAX_REASKS  2
#define OUTAGE_END_WAIT_MS 10000
#define OUTAGE_HOLD_MS     5000

struct outage {
  struct crawl *c;
  struct probe *held; /* LIFO through held_next */
  size_t n_held;
  const struct host *streak[OUTAGE_FAILS];
  size_t n_streak;
  int64_t first_fail_ms; /* wall: the first held failure, 0: none */
  int64_t hold_since;    /* monotonic: the first held failure, 0: none */
  int down;
  int how; /* why the running check was started */
  struct store_vantage rec;
  char detail[1100];
  int64_t next_periodic, next_recheck, end_wait; /* monotonic; 0: none */
};

int outage_new(struct crawl *c, struct outage **out)
{
  struct outage *m = calloc(1, sizeof(*m));
  *out = m;
  if (!m)
    return -1;
  m->c = c;
  if (c->o->vantage_every_ms > 0)
    m->next_periodic = loop_now_ms() + c->o->vantage_every_ms;
  return 0;
}

void outage_free(struct outage *m)
{
  free(m);
}

void outage_forget(struct crawl *c)
{
  if (!c->mon)
    return;
  c->mon->held = NULL;
  c->mon->n_held = 0;
}

static void rec_put(struct crawl *c, struct outage *m)
{
  m->rec.detail = m->detail;
  if (c->have_run)
    crawl_store_rc(c, store_vantage_put(c->st, c->run, &m->rec));
}

/* Settle every held probe (@how: enum probe_v6). The list is taken first:
 * settling may start work that holds probes again. */
static void release_all(struct crawl *c, struct outage *m, int how)
{
  struct probe *p = m->held, *next;
  m->held = NULL;
  m->n_held = 0;
  m->n_streak = 0;
  m->first_fail_ms = 0;
  m->hold_since = 0;
  m->end_wait = 0;
  for (; p; p = next) {
    next = p->held_next;
    p->held_next = NULL;
    p->held = 0;
    if (how == PROBE_V6_REASK)
      m->rec.reasked++;
    else if (how == PROBE_V6_UNMEASURED)
      m->rec.unmeasured++;
    probe_v6_settle(c, p, how);
  }
}

static void checked(struct crawl *c, const struct vantage_result *r);

static void check_start(struct crawl *c, struct outage *m, int how)
{
  if (vantage_running(c->vt))
    return;
  m->how = how;
  vantage_start(c->vt, checked);
}

/* A check is over: IPv6 works (charge or ask again) or not (an outage). */
static void checked(struct crawl *c, const struct vantage_result *r)
{
  struct outage *m = c->mon;
  int64_t now = loop_now_ms();
  size_t l;
  if (c->o->vantage_every_ms > 0)
    m->next_periodic = now + c->o->vantage_every_ms;
  if (r->ok[0]) {
    if (m->down) {
      m->down = 0;
      m->rec.end_ms = r->end_ms;
      l = strlen(m->detail);
      if (l + 8 < sizeof(m->detail))
        snprintf(m->detail + l, sizeof(m->detail) - l, " | back: %s",
                 r->detail);
      breakers_forget(c, 6); /* its IPv6 failures were ours */
      release_all(c, m, PROBE_V6_REASK);
      rec_put(c, m);
    } else {
      release_all(c, m, PROBE_V6_CHARGE);
    }
    return;
  }
  m->next_recheck = now + OUTAGE_RECHECK_MS;
  if (m->down)
    return;
  m->down = 1;
  memset(&m->rec, 0, sizeof(m->rec));
  m->rec.seq = ++c->vantage_seq;
  m->rec.how = m->how;
  m->rec.start_ms = m->first_fail_ms ? m->first_fail_ms : r->start_ms;
  m->rec.ipv4 = r->ok[1];
  m->rec.ipv6 = 0;
  snprintf(m->detail, sizeof(m->detail), "%s", r->detail);
  rec_put(c, m);
}

int outage_v6_end(struct crawl *c, struct probe *p, int outcome)
{
  struct outage *m = c->mon;
  const struct host *h;
  size_t i;
  if (!m)
    return 0;
  if (outcome == OUT_OK || outcome == OUT_HTTPERR) {
    /* a response over IPv6: this machine's IPv6 works */
    if (m->down)
      check_start(c, m, m->rec.how);
    else if (m->held)
      release_all(c, m, PROBE_V6_CHARGE);
    else
      m->n_streak = 0;
    return 0;
  }
  if (outcome != OUT_NORESP)
    return 0;
  if (p->reasks >= OUTAGE_MAX_REASKS && !m->down)
    return 0;
  p->held = 1;
  p->held_next = m->held;
  m->held = p;
  m->n_held++;
  if (!m->first_fail_ms)
    m->first_fail_ms = vantage_wall_ms();
  if (!m->hold_since)
    m->hold_since = loop_now_ms();
  /* a held probe waits outside its host's window of started probes */
  if (p->started) {
    p->started = 0;
    host_probe_done(p->origin->host);
  }
  if (m->down)
    return 1;
  h = p->fam[0] ? p->fam[0]->host : NULL;
  for (i = 0; i < m->n_streak && m->streak[i] != h; i++)
    ;
  if (i == m->n_streak && m->n_streak < OUTAGE_FAILS)
    m->streak[m->n_streak++] = h;
  if (m->n_streak >= OUTAGE_FAILS)
    check_start(c, m, STORE_VANTAGE_FAILURES);
  return 1;
}

void outage_tick(struct crawl *c)
{
  struct outage *m = c->mon;
  int64_t now, wait;
  int idle;
  if (!m)
    return;
  now = loop_now_ms();
  idle = m->n_held && c->work == m->n_held && c->in_flight == 0;
  if (!idle)
    m->end_wait = 0;
  if (m->down && idle) {
    wait = 2 * (int64_t)c->o->timeout_ms;
    if (wait < OUTAGE_END_WAIT_MS)
      wait = OUTAGE_END_WAIT_MS;
    if (!m->end_wait)
      m->end_wait = now + wait;
    if (now >= m->end_wait && !vantage_running(c->vt)) {
      release_all(c, m, PROBE_V6_UNMEASURED);
      rec_put(c, m);
      return;
    }
  }
  if (vantage_running(c->vt))
    return;
  if (m->down) {
    if (now >= m->next_recheck)
      check_start(c, m, m->rec.how);
  } else if (idle) {
    check_start(c, m, STORE_VANTAGE_END);
  } else if (m->hold_since && now - m->hold_since >= OUTAGE_HOLD_MS) {
    check_start(c, m, STORE_VANTAGE_FAILURES);
  } else if (m->next_periodic && now >= m->next_periodic) {
    check_start(c, m, STORE_VANTAGE_PERIODIC);
  }
}

long outage_timeout_ms(const struct crawl *c)
{
  const struct outage *m = c->mon;
  int64_t t = -1, now = loop_now_ms();
  if (!m)
    return -1;
  if (m->down)
    t = m->next_recheck;
  else if (m->next_periodic)
    t = m->next_periodic;
  if (!m->down && m->hold_since &&
      (t < 0 || m->hold_since + OUTAGE_HOLD_MS < t))
    t = m->hold_since + OUTAGE_HOLD_MS;
  if (m->end_wait && (t < 0 || m->end_wait < t))
    t = m->end_wait;
  if (t < 0)
    return -1;
  return t <= now ? 0 : (long)(t - now);
}

void outage_finish(struct crawl *c)
{
  struct outage *m = c->mon;
  if (m && m->down)
    rec_put(c, m); /* still down: end 0 */
}
