/* crawler/breaker.c - addresses known bad for this run.
 *
 * An address that failed to connect (a connect timeout, unreachable)
 * --breaker times with no answer in between is open: a request that
 * would go to it waits (parked) instead of waiting out its own connect
 * timeouts. A refusal is an answer: the address is up, and asking it
 * again costs nothing. Once nothing else of the crawl can move (or,
 * at the latest, --retries + 1 connect timeouts after it opened: a
 * stalled transfer elsewhere never holds the parked longer than their
 * own tries could have waited), it is tried once more: if that connects, the
 * parked requests go on the normal way; if not, it is bad for the rest of the
 * run and every parked request, and every later one, is decided at once as no
 * response, with evidence naming the address and the attempts that failed. The
 * attempts carry on through retry.c exactly as with a real failure, so classes
 * stay those of the slow way.
 *
 * The rules (brk_*) are pure, tested in tests/unit/check_breaker.c; the
 * table of addresses and the parked requests (breaker_*) are below them.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crawler/crawl_int.h"

/* ---- the rules (pure) --------------------------------------------------- */

void brk_init(struct brk *b, int threshold)
{
  memset(b, 0, sizeof(*b));
  b->threshold = threshold;
}

int brk_admit(const struct brk *b)
{
  switch (b->state) {
    case BRK_OPEN:
    case BRK_RETRYING:
      return BRK_PARK;
    case BRK_BAD:
      return BRK_DECIDE;
    default:
      return BRK_GO;
  }
}

int brk_result(struct brk *b, int conn)
{
  if (conn == FETCH_CONN_NOROUTE)
    return BRK_NONE; /* outage.c's: this machine, not the address */
  if (conn == FETCH_CONN_OK || conn == FETCH_CONN_REFUSED) {
    int was = b->state;
    b->timeouts = b->unreach = 0;
    b->state = BRK_CLOSED;
    return was == BRK_OPEN || was == BRK_RETRYING ? BRK_RELEASE : BRK_NONE;
  }
  if (conn == FETCH_CONN_TIMEOUT)
    b->timeouts++;
  else
    b->unreach++;
  if (b->state == BRK_RETRYING) {
    b->state = BRK_BAD;
    return BRK_DECIDE_ALL;
  }
  if (b->state == BRK_CLOSED && b->threshold > 0 &&
      b->timeouts + b->unreach >= (unsigned)b->threshold)
    b->state = BRK_OPEN;
  return BRK_NONE;
}

int brk_idle(struct brk *b)
{
  if (b->state != BRK_OPEN)
    return 0;
  b->state = BRK_RETRYING;
  return 1;
}

/* ---- the table and the parked requests ---------------------------------- */

struct baddr {
  struct brk s;
  char *label;                /* "ADDR port N" */
  struct waiter *head, *tail; /* parked, FIFO */
  size_t n_parked;
  size_t decided;    /* requests decided at once by it */
  int64_t opened_ms; /* when it last opened */
  int family;
  int pending; /* a result asks for the parked to be released/decided */
};

/* "FAMILY ADDR PORT" into @key (what snprintf "%d %s %d" writes, cut at
 * @cap like it; this runs for every request: twice for each). */
static void baddr_key(char *key, size_t cap, int family, const char *addr,
                      int port)
{
  char num[16];
  size_t n = 0, k = 0, a = strlen(addr);
  unsigned u = port < 0 ? 0u : (unsigned)port;

  do
    num[k++] = (char)('0' + u % 10);
  while ((u /= 10) && k < sizeof num);
  if (cap < 1)
    return;
  key[n++] = (char)('0' + (family == 6 ? 6 : family == 4 ? 4 : 0));
  if (n < cap - 1)
    key[n++] = ' ';
  if (a > cap - 1 - n)
    a = cap - 1 - n;
  memcpy(key + n, addr, a);
  n += a;
  if (n < cap - 1)
    key[n++] = ' ';
  while (k && n < cap - 1)
    key[n++] = num[--k];
  key[n] = '\0';
}

static struct baddr *baddr_get(struct crawl *c, int family, const char *addr,
                               int port, int create)
{
  char key[96];
  struct baddr *b;
  baddr_key(key, sizeof key, family, addr, port);
  b = map_get(&c->breakers, key);
  if (b || !create)
    return b;
  b = calloc(1, sizeof(*b));
  if (b) {
    size_t n = strlen(addr) + 24;
    b->label = malloc(n);
    if (b->label)
      snprintf(b->label, n, "%s port %d", addr, port);
  }
  if (!b || !b->label || !map_put(&c->breakers, key, b)) {
    if (b)
      free(b->label);
    free(b);
    crawl_oom(c);
    return NULL;
  }
  brk_init(&b->s, c->o->breaker);
  b->family = family;
  return b;
}

void breaker_free(void *p)
{
  struct baddr *b = p;
  free(b->label);
  free(b);
}

int breaker_admit(struct crawl *c, int family, const char *addr, int port,
                  struct waiter *w)
{
  struct baddr *b;
  int rc;
  if (c->o->breaker <= 0 || !(b = baddr_get(c, family, addr, port, 0)))
    return BRK_GO;
  rc = brk_admit(&b->s);
  if (rc == BRK_PARK) {
    w->next = NULL;
    if (b->tail)
      b->tail->next = w;
    else
      b->head = w;
    b->tail = w;
    b->n_parked++;
    c->parked++;
  } else if (rc == BRK_DECIDE) {
    b->decided++;
  }
  return rc;
}

void breaker_result(struct crawl *c, int family, const char *addr, int port,
                    int conn)
{
  struct baddr *b;
  int rc, was;
  if (c->o->breaker <= 0)
    return;
  b = baddr_get(c, family, addr, port,
                conn == FETCH_CONN_TIMEOUT || conn == FETCH_CONN_UNREACH);
  if (!b)
    return;
  was = b->s.state;
  rc = brk_result(&b->s, conn);
  if (was != BRK_OPEN && b->s.state == BRK_OPEN)
    b->opened_ms = loop_now_ms();
  if (rc != BRK_NONE && b->head) {
    b->pending = 1;
    c->breaker_pending = 1;
  }
}

int breaker_bad(struct crawl *c, int family, const char *addr, int port)
{
  struct baddr *b;
  if (c->o->breaker <= 0 || !(b = baddr_get(c, family, addr, port, 0)))
    return 0;
  return brk_admit(&b->s) == BRK_DECIDE;
}

int breaker_why(struct crawl *c, int family, const char *addr, int port,
                char *buf, size_t len)
{
  struct baddr *b = baddr_get(c, family, addr, port, 0);
  char t[48] = "", r[48] = "";
  if (!b)
    return snprintf(buf, len, "%s port %d: known bad", addr, port);
  if (b->s.timeouts)
    snprintf(t, sizeof(t), "%u connect timeout%s", b->s.timeouts,
             b->s.timeouts == 1 ? "" : "s");
  if (b->s.unreach)
    snprintf(r, sizeof(r), "%u unreachable", b->s.unreach);
  return snprintf(buf, len,
                  "%s: %s%s%s (none connected), %zu request%s decided by "
                  "them",
                  b->label, t, *t && *r ? ", " : "", r, b->decided,
                  b->decided == 1 ? "" : "s");
}

/* Hand @b's parked requests on: rc 0 goes the normal way, 1 is decided. */
static void baddr_flush(struct crawl *c, struct baddr *b, int rc)
{
  struct waiter *w, *all = b->head;
  if (rc)
    b->decided += b->n_parked;
  c->parked -= b->n_parked;
  b->head = b->tail = NULL;
  b->n_parked = 0;
  b->pending = 0;
  while ((w = all)) {
    all = w->next;
    w->next = NULL;
    w->cb(rc, w);
  }
}

static void flush_one(const char *key, void *val, void *arg)
{
  struct crawl *c = arg;
  struct baddr *b = val;
  (void)key;
  if (b->pending)
    baddr_flush(c, b, brk_admit(&b->s) == BRK_DECIDE);
}

struct forget_arg {
  struct crawl *c;
  int family;
};

static void forget_one(const char *key, void *val, void *arg)
{
  struct forget_arg *fa = arg;
  struct baddr *b = val;
  (void)key;
  if (b->family != fa->family)
    return;
  brk_init(&b->s, fa->c->o->breaker);
  if (b->head) {
    b->pending = 1; /* closed: the parked go the normal way */
    fa->c->breaker_pending = 1;
  }
}

void breakers_forget(struct crawl *c, int family)
{
  struct forget_arg fa;
  fa.c = c;
  fa.family = family;
  map_each(&c->breakers, forget_one, &fa);
}

/* Nothing but parked requests is left to move: no request in flight or
 * due, no lookup, no query, no Crawl-delay running out, no page being
 * parsed. */
static int crawl_idle(struct crawl *c)
{
  return c->parked && !c->in_flight && !c->ready_head && !c->delayed &&
         !resolver_pending(c->res) && !fetcher_running(c->fetch) &&
         dq_timeout_ms(c) < 0 && !pool_pending(c->pool);
}

struct retry_arg {
  struct crawl *c;
  int idle;
};

/* How long an address stays open at most before its one more try: what
 * a request's own tries could have waited out. */
static int64_t hold_ms(const struct crawl_opts *o)
{
  long ct = o->connect_timeout_ms > 0 && o->connect_timeout_ms < o->timeout_ms
              ? o->connect_timeout_ms
              : o->timeout_ms;
  return (int64_t)ct * (o->retries + 1);
}

/* An open address with parked requests gets its one more try when the
 * crawl is idle (every such address at once) or it has been open for
 * hold_ms: its first parked request goes. */
static void retry_one(const char *key, void *val, void *arg)
{
  struct retry_arg *ra = arg;
  struct crawl *c = ra->c;
  struct baddr *b = val;
  struct waiter *w;
  (void)key;
  if (!b->head || b->s.state != BRK_OPEN ||
      (!ra->idle && loop_now_ms() - b->opened_ms < hold_ms(c->o)) ||
      !brk_idle(&b->s))
    return;
  w = b->head;
  b->head = w->next;
  if (!b->head)
    b->tail = NULL;
  w->next = NULL;
  b->n_parked--;
  c->parked--;
  w->cb(0, w);
}

/* The tick of the loop: parked requests whose address has come back go
 * on, those of an address found bad are decided; when nothing else can
 * move, an open address is tried once more. Results go on in later
 * turns (not from inside a request's completion). */
void breakers_tick(struct crawl *c)
{
  struct retry_arg ra;
  if (c->breaker_pending) {
    c->breaker_pending = 0;
    map_each(&c->breakers, flush_one, c);
  }
  if (!c->parked)
    return;
  ra.c = c;
  ra.idle = crawl_idle(c);
  map_each(&c->breakers, retry_one, &ra);
}
