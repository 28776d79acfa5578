/* crawler/host.c - the hosts: their A and AAAA answers, their request
 * slots (--per-host, --concurrency, robots.txt's Crawl-delay) and their
 * window of started probes.
 *
 * Whatever waits on a host (an attempt for DNS or a slot, a probe for the
 * window) waits as a struct waiter and is called back when its turn
 * comes; this file knows nothing of what waits.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crawler/crawl_int.h"

/* Probes started per host at a time: enough to keep its per-host request
 * slots busy on both families, few enough that a host with 100k links does
 * not hold 200k requests in memory. */
#define PROBE_WINDOW(c) (4 * (unsigned)(c)->o->per_host)

/* Probes no site reads the page of, waiting in all the hosts' windows,
 * above which no page starts (host_probe_wait): a page adds a hundred
 * links in a few milliseconds, a link takes two requests to measure, so
 * without it a crawl would hold every link of its sites at once (some
 * 250 bytes each) before measuring most of them. */
#define LEAF_CAP       8192
#define LEAF_CAP_OF(c) ((c)->o->leaf_cap ? (c)->o->leaf_cap : LEAF_CAP)

static char *join_addrs(const struct dns_answer *a)
{
  size_t len = 1, i;
  char *s, *p;
  if (!a->n)
    return NULL;
  for (i = 0; i < a->n; i++)
    len += strlen(a->addrs[i]) + 1;
  s = malloc(len);
  if (!s)
    return NULL;
  p = s;
  for (i = 0; i < a->n; i++)
    p += snprintf(p, len - (size_t)(p - s), "%s%s", i ? "," : "", a->addrs[i]);
  return s;
}

static void host_store(struct crawl *c, struct host *h)
{
  struct store_host sh;
  if (!c->have_run || h->stored || !h->resolved || h->bad)
    return;
  memset(&sh, 0, sizeof(sh));
  /* a resumed run keeps the answers it measured before (the probes
   * stored with them connected to those) */
  if (c->resumed &&
      store_host_get(c->st, c->run, h->name, &sh) != STORE_NOTFOUND) {
    store_host_cleanup(&sh);
    h->stored = 1;
    return;
  }
  sh.name = h->name;
  sh.cnames = h->ans[0].cnames ? h->ans[0].cnames : h->ans[1].cnames;
  sh.a = join_addrs(&h->ans[0]);
  sh.aaaa = join_addrs(&h->ans[1]);
  sh.a_error = (char *)dns_error_name(h->ans[0].error);
  sh.aaaa_error = (char *)dns_error_name(h->ans[1].error);
  sh.usable_a = (int)h->n_use[0];
  sh.usable_aaaa = (int)h->n_use[1];
  sh.a_ms = h->ans[0].ms;
  sh.aaaa_ms = h->ans[1].ms;
  crawl_store_rc(c, store_host_put(c->st, c->run, &sh));
  free(sh.a);
  free(sh.aaaa);
  h->stored = 1;
}

static void store_one(const char *key, void *val, void *arg)
{
  (void)key;
  host_store(arg, val);
}

void hosts_store(struct crawl *c)
{
  map_each(&c->hosts, store_one, c);
}

static void host_answer(struct crawl *c, struct host *h,
                        const struct dns_answer *a)
{
  int i = a->family == 4 ? 0 : 1;
  size_t k;
  struct dns_answer *d = &h->ans[i];
  d->family = a->family;
  d->error = a->error;
  d->ms = a->ms;
  d->cnames = a->cnames ? strdup(a->cnames) : NULL;
  d->addrs = calloc(a->n ? a->n : 1, sizeof(char *));
  h->use[i] = calloc(a->n ? a->n : 1, sizeof(char *));
  if (!d->addrs || !h->use[i]) {
    crawl_oom(c);
    return;
  }
  for (k = 0; k < a->n; k++) {
    d->addrs[d->n] = strdup(a->addrs[k]);
    if (!d->addrs[d->n]) {
      crawl_oom(c);
      return;
    }
    if (addr_usable(a->family, a->addrs[k], c->o->allow_private))
      h->use[i][h->n_use[i]++] = d->addrs[d->n];
    d->n++;
  }
}

static void host_resolved(struct crawl *c, struct host *h)
{
  struct waiter *w;
  h->resolved = 1;
  host_store(c, h);
  while ((w = h->dns_wait)) {
    h->dns_wait = w->next;
    w->next = NULL;
    w->cb(0, w);
  }
}

static void lookup_done(int rc, const struct dns_answer *a, void *ud)
{
  struct host *h = ud;
  (void)rc;
  host_answer(h->c, h, a);
  if (--h->dns_left == 0)
    host_resolved(h->c, h);
}

/* An IP literal needs no lookup: its one address, and no data for the
 * other family. */
static void host_literal(struct crawl *c, struct host *h, int fam)
{
  struct dns_answer lit, none;
  char *addrs[1];
  memset(&lit, 0, sizeof(lit));
  memset(&none, 0, sizeof(none));
  addrs[0] = h->name;
  lit.family = fam;
  lit.addrs = addrs;
  lit.n = 1;
  none.family = fam == 4 ? 6 : 4;
  none.error = DNS_NODATA;
  host_answer(c, h, &lit);
  host_answer(c, h, &none);
  h->resolved = 1;
  host_store(c, h);
}

struct host *host_get(struct crawl *c, const char *name)
{
  struct host *h = map_get(&c->hosts, name);
  unsigned char b[16];
  if (h)
    return h;
  h = calloc(1, sizeof(*h));
  if (!h || !(h->name = map_put(&c->hosts, name, h))) {
    free(h);
    crawl_oom(c);
    return NULL;
  }
  h->c = c;
  h->hset = wall_pass_pick(c, name);
  if ((h->bad = url_host_check(name))) {
    h->ans[0].family = 4;
    h->ans[1].family = 6;
    h->ans[0].error = h->ans[1].error = DNS_BADNAME;
    h->resolved = 1;
    return h;
  }
  if (inet_pton(AF_INET, name, b) == 1 || inet_pton(AF_INET6, name, b) == 1) {
    host_literal(c, h, inet_pton(AF_INET, name, b) == 1 ? 4 : 6);
    return h;
  }
  h->dns_left = 2;
  if (resolver_lookup(c->res, name, 4, lookup_done, h) < 0 ||
      resolver_lookup(c->res, name, 6, lookup_done, h) < 0)
    crawl_oom(c);
  return h;
}

void host_free(void *p)
{
  struct host *h = p;
  int i;
  size_t k;
  for (i = 0; i < 2; i++) {
    for (k = 0; k < h->ans[i].n; k++)
      free(h->ans[i].addrs[k]);
    free(h->ans[i].addrs);
    free(h->ans[i].cnames);
    free(h->use[i]);
  }
  free(h);
}

/* Append @w to the FIFO queue @head .. @tail. */
static void queue_push(struct waiter **head, struct waiter **tail,
                       struct waiter *w)
{
  w->next = NULL;
  if (*tail)
    (*tail)->next = w;
  else
    *head = w;
  *tail = w;
}

/* Take the first waiter of the FIFO queue @head .. @tail (not empty). */
static struct waiter *queue_pop(struct waiter **head, struct waiter **tail)
{
  struct waiter *w = *head;
  *head = w->next;
  if (!*head)
    *tail = NULL;
  w->next = NULL;
  return w;
}

void host_dns_wait(struct host *h, struct waiter *w)
{
  w->next = h->dns_wait;
  h->dns_wait = w;
}

/* @h goes on the ready list if a waiter may start now; with a Crawl-delay
 * not yet over, on the delayed list instead. */
static void host_ready_push(struct crawl *c, struct host *h)
{
  if (h->in_ready || !h->q_head || h->active >= c->o->per_host)
    return;
  if (h->delay_ms) {
    if (h->active)
      return; /* pushed again when it finishes */
    if (loop_now_ms() < h->next_ms) {
      if (!h->in_delayed) {
        h->in_delayed = 1;
        h->delayed_next = c->delayed;
        c->delayed = h;
      }
      return;
    }
  }
  h->in_ready = 1;
  h->ready_next = NULL;
  if (c->ready_tail)
    c->ready_tail->ready_next = h;
  else
    c->ready_head = h;
  c->ready_tail = h;
}

void host_slot_wait(struct host *h, struct waiter *w)
{
  queue_push(&h->q_head, &h->q_tail, w);
  host_ready_push(h->c, h);
}

void host_slot_take(struct host *h)
{
  h->active++;
  h->c->in_flight++;
  if (h->delay_ms)
    h->next_ms = loop_now_ms() + h->delay_ms;
}

void host_slot_undo(struct host *h)
{
  h->active--;
  h->c->in_flight--;
}

void host_slot_release(struct host *h)
{
  host_slot_undo(h);
  host_ready_push(h->c, h);
}

static void hosts_unblock(struct crawl *c);

void hosts_schedule(struct crawl *c)
{
  hosts_unblock(c);
  while (c->in_flight < (size_t)c->o->concurrency && c->ready_head) {
    struct host *h = c->ready_head;
    struct waiter *w;
    c->ready_head = h->ready_next;
    if (!c->ready_head)
      c->ready_tail = NULL;
    h->in_ready = 0;
    if (h->delay_ms && (h->active || loop_now_ms() < h->next_ms)) {
      /* slowed down since it was ready (a 429): it waits its turn */
      host_ready_push(c, h);
      continue;
    }
    w = queue_pop(&h->q_head, &h->q_tail);
    w->cb(0, w);
    host_ready_push(c, h);
  }
}

long hosts_delayed_tick(struct crawl *c)
{
  struct host **pp = &c->delayed, *h;
  int64_t now = loop_now_ms();
  long t = -1;
  while ((h = *pp)) {
    if (h->next_ms <= now) {
      *pp = h->delayed_next;
      h->in_delayed = 0;
      host_ready_push(c, h);
      continue;
    }
    if (t < 0 || h->next_ms - now < t)
      t = (long)(h->next_ms - now);
    pp = &h->delayed_next;
  }
  return t;
}

void host_delay_raise(struct host *h, long ms)
{
  if (ms > h->delay_ms)
    h->delay_ms = ms;
}

/* Start waiting probes of @h while its window has room. Not re-entered:
 * a probe that ends at once (no address) only makes room for the loop. */
static void host_pump(struct host *h)
{
  struct crawl *c = h->c;
  struct waiter *w;
  if (h->pumping)
    return;
  h->pumping = 1;
  while (h->started < PROBE_WINDOW(c)) {
    if (h->pg_head && c->leaves < LEAF_CAP_OF(c)) {
      w = queue_pop(&h->pg_head, &h->pg_tail);
    } else if (h->pq_head) {
      w = queue_pop(&h->pq_head, &h->pq_tail);
      c->leaves--;
    } else {
      if (h->pg_head && !h->pg_blocked) {
        /* pages wait for the leaves of other hosts: woken by
         * hosts_schedule once fewer than LEAF_CAP wait */
        h->pg_blocked = 1;
        h->blocked_next = c->pg_blocked;
        c->pg_blocked = h;
      }
      break;
    }
    w->cb(0, w);
  }
  h->pumping = 0;
}

void host_probe_wait(struct host *h, struct waiter *w, int page)
{
  if (page) {
    queue_push(&h->pg_head, &h->pg_tail, w);
  } else {
    queue_push(&h->pq_head, &h->pq_tail, w);
    h->c->leaves++;
  }
  host_pump(h);
}

/* Hosts whose pages waited for the leaves go on once few enough wait. */
static void hosts_unblock(struct crawl *c)
{
  struct host *h;
  while (c->pg_blocked && c->leaves < LEAF_CAP_OF(c)) {
    h = c->pg_blocked;
    c->pg_blocked = h->blocked_next;
    h->pg_blocked = 0;
    host_pump(h);
  }
}

void host_probe_started(struct host *h)
{
  h->started++;
}

void host_probe_done(struct host *h)
{
  h->started--;
  host_pump(h);
}
