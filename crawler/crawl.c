/* crawler/crawl.c - the frontier, robots.txt, probes and the loop's turns.
 *
 * Work moves through small state machines, each step triggered by a DNS
 * answer or a finished request:
 *
 *   site    start URL probed (with body) -> level-1 page parsed -> its
 *           internal links' pages parsed when their probes finish ...
 *   probe   one per distinct URL per run: robots.txt of its origin first,
 *           then an attempt over IPv6 and one over IPv4 -> a class
 *   attempt one family's redirect chain: DNS of each hop's host, a slot
 *           on that host, a request, the next hop or the end
 *
 * Callbacks (DNS answers, finished requests) only move these machines;
 * everything they learn is written to the store at once, and the store is
 * flushed twice a second, so a killed crawl loses at most that much.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "crawler/crawl.h"
#include "crawler/crawl_int.h"
#include "parser/parse.h"
#include "store/store.h"

#define MAX_REDIRECTS 5
#define FLUSH_MS      500
/* Homepages this alike over IPv4 and IPv6 (html_similarity) count as the
 * same content. */
#define HOME_SAME 0.95

/* ---- a small string-keyed hash map ---------------------------------- */

struct entry {
  char *key;
  void *val;
  struct entry *next;
};

struct map {
  struct entry **b;
  size_t nb, n;
};

static uint64_t hash_str(const char *s)
{
  uint64_t h = 1469598103934665603ULL;
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * 1099511628211ULL;
  return h;
}

static void *map_get(const struct map *m, const char *key)
{
  struct entry *e;
  if (!m->nb)
    return NULL;
  for (e = m->b[hash_str(key) & (m->nb - 1)]; e; e = e->next)
    if (strcmp(e->key, key) == 0)
      return e->val;
  return NULL;
}

/* Insert @key (copied) -> @val; the key must not be present. Returns the
 * stored copy of the key, or NULL when out of memory. */
static char *map_put(struct map *m, const char *key, void *val)
{
  struct entry *e = NULL;
  size_t i;
  if (m->n >= m->nb) {
    size_t nb = m->nb ? m->nb * 2 : 256;
    struct entry **b = calloc(nb, sizeof(*b));
    if (!b)
      return NULL;
    for (i = 0; i < m->nb; i++) {
      while (m->b[i]) {
        struct entry *x = m->b[i];
        m->b[i] = x->next;
        x->next = b[hash_str(x->key) & (nb - 1)];
        b[hash_str(x->key) & (nb - 1)] = x;
      }
    }
    free(m->b);
    m->b = b;
    m->nb = nb;
  }
  e = malloc(sizeof(*e));
  if (!e)
    return NULL;
  e->key = strdup(key);
  if (!e->key) {
    free(e);
    return NULL;
  }
  e->val = val;
  i = hash_str(key) & (m->nb - 1);
  e->next = m->b[i];
  m->b[i] = e;
  m->n++;
  return e->key;
}

static void map_clear(struct map *m, void (*free_val)(void *))
{
  size_t i;
  for (i = 0; i < m->nb; i++) {
    while (m->b[i]) {
      struct entry *e = m->b[i];
      m->b[i] = e->next;
      if (free_val)
        free_val(e->val);
      free(e->key);
      free(e);
    }
  }
  free(m->b);
  memset(m, 0, sizeof(*m));
}

/* ---- the machines ---------------------------------------------------- */

struct crawl;
struct attempt;

struct host {
  struct crawl *c;
  char *name;
  int dns_left; /* lookups outstanding */
  int resolved;
  int stored;
  struct dns_answer ans[2]; /* [0] A, [1] AAAA: copies */
  char **use[2];            /* usable addresses per family */
  size_t n_use[2];
  int active;                      /* requests in flight */
  struct attempt *q_head, *q_tail; /* waiting for a slot */
  struct attempt *dns_wait;        /* waiting for the answers */
  int in_ready;
  struct host *ready_next;
  /* robots.txt Crawl-delay: one request at a time, starts this far apart */
  long delay_ms;
  int64_t next_ms;
  int in_delayed;
  struct host *delayed_next;
  /* probes of URLs on this host: at most PROBE_WINDOW started at a time,
   * the rest wait here (as bare probes, not as two requests each) */
  struct probe *pq_head, *pq_tail;
  unsigned started;
  int pumping;
};

enum outcome {
  OUT_NONE,
  OUT_OK,
  OUT_NOADDR,
  OUT_NORESP,
  OUT_HTTPERR,
  OUT_ROBOTS /* a redirect led where robots.txt says no */
};

struct attempt {
  struct crawl *c;
  int family;      /* 4 or 6 */
  int auto_family; /* robots / pages: IPv4 first, then IPv6 */
  char *start;     /* first URL */
  char *url;       /* current hop; the same string as start until a hop */
  struct host *host;
  int hops, tries;
  int retries; /* extra tries after no response or a 5xx */
  int get;     /* HEAD said 400 or more: confirm with a GET */
  int obey;    /* check robots.txt on redirect hops (not robots.txt's own) */
  size_t max_body;
  char *log;
  size_t log_len;
  int outcome, status;
  char *error; /* why it failed, or NULL */
  char *body, *content_type;
  size_t body_len;
  int truncated; /* the body was cut at --max-body */
  double connect_ms, first_byte_ms, total_ms;
  struct fetch_req *req; /* only while a request is in flight */
  void (*done)(struct attempt *a);
  void *ud;
  struct attempt *next;                /* in a host's queue or DNS wait list */
  struct attempt *all_prev, *all_next; /* every live attempt */
};

struct origin {
  int state; /* 0 new, 1 fetching, 2 done */
  struct host *host;
  struct robots *rules;
  int disallow_all;
  struct probe *waiting;
  struct attempt *hops_waiting; /* redirect hops waiting for the rules */
};

struct site;

struct want {
  struct site *site;
  int level;
  struct want *next;
};

struct probe {
  const char *url; /* the key in c->probes */
  struct url_view v;
  struct origin *origin;
  int finished;
  int left;
  int klass;
  struct attempt *fam[2]; /* [0] IPv6, [1] IPv4 */
  struct want *wants;
  struct probe *origin_next;
  struct probe *pq_next; /* in its host's queue */
  int started;           /* counted in its host's window */
};

struct site {
  uint32_t idx;
  struct crawl_site spec;
  char *start_url;
  char *final_url;
  char *scope;
  char *error;
  struct map seen; /* url -> level (as pointer-sized int) */
  int refreshes;   /* <meta http-equiv=refresh> hops taken at level 1 */
  int home_known;
  struct crawl *c;
  /* the homepage beyond its class */
  int home_tries, home_ok, consistent;
  int pages_cut; /* pages read only up to --max-body */
  double similarity;
  /* the scope domain's name servers */
  int ns_asked;
  char *ns_zone;
  char **ns;
  size_t n_ns;
  struct map script_seen; /* URL literals found in the pages' scripts */
  /* Breadth first, whatever order pages arrive in: pages wanted per level
   * and not yet read, and the links of pages read too early, held until
   * every page of the levels above theirs is read. */
  unsigned pending[STORE_MAX_LEVEL + 2];
  struct held *held;
};

struct held {
  int level; /* of the page the links are on */
  char *page;
  struct html_page hp;
  struct held *next;
};

struct crawl {
  struct store *st;
  const struct crawl_opts *o;
  uint32_t run;
  int have_run;
  int v6; /* the vantage point has IPv6 */
  struct loop *loop;
  struct resolver *res;
  struct fetcher *fetch;
  struct map hosts, origins, probes;
  struct site *sites;
  size_t n_sites;
  struct host *ready_head, *ready_tail;
  struct attempt *attempts; /* every live attempt, for teardown */
  struct host *delayed;     /* hosts waiting out their Crawl-delay */
  size_t in_flight;
  size_t work; /* probes, page fetches and robots fetches not finished */
  int store_rc;
  int nomem;
  struct crawl_progress prog;
};

static char last_error[512];

static void set_error(const char *fmt, ...)
  __attribute__((format(printf, 1, 2)));

static void set_error(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(last_error, sizeof(last_error), fmt, ap);
  va_end(ap);
}

const char *crawl_last_error(void)
{
  return last_error;
}

const char *crawl_strerror(int rc)
{
  switch (rc) {
    case CRAWL_OK:
      return "success";
    case CRAWL_NOMEM:
      return "out of memory";
    case CRAWL_STORE:
      return "the store failed";
    case CRAWL_DNS_CONFIG:
      return "the resolver cannot be used";
    case CRAWL_INIT:
      return "the event loop or libcurl could not be set up";
    case CRAWL_INTERRUPTED:
      return "interrupted";
    case CRAWL_BADURL:
      return "not an absolute http(s) URL";
    default:
      return "unknown error";
  }
}

void crawl_opts_init(struct crawl_opts *o)
{
  memset(o, 0, sizeof(*o));
  o->depth = 3;
  o->timeout_ms = 10000;
  o->retries = 2;
  o->concurrency = 32;
  o->per_host = 6;
  o->user_agent = "v6crawl/" PACKAGE_VERSION;
  o->max_body = 8u << 20;
  o->force_vantage = -1;
  o->home_probes = 5;
  o->max_crawl_delay_ms = 1000;
}

static void st(struct crawl *c, int rc)
{
  if (rc != STORE_OK && rc != STORE_NOTFOUND && !c->store_rc)
    c->store_rc = rc;
}

static void oom(struct crawl *c)
{
  c->nomem = 1;
}

/* ---- hosts and DNS ----------------------------------------------------- */

static void attempt_ready(struct attempt *a);
static void schedule(struct crawl *c);

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
  if (!c->have_run || h->stored || !h->resolved)
    return;
  memset(&sh, 0, sizeof(sh));
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
  st(c, store_host_put(c->st, c->run, &sh));
  free(sh.a);
  free(sh.aaaa);
  h->stored = 1;
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
    oom(c);
    return;
  }
  for (k = 0; k < a->n; k++) {
    d->addrs[d->n] = strdup(a->addrs[k]);
    if (!d->addrs[d->n]) {
      oom(c);
      return;
    }
    if (addr_usable(a->family, a->addrs[k], c->o->allow_private))
      h->use[i][h->n_use[i]++] = d->addrs[d->n];
    d->n++;
  }
}

static void host_resolved(struct crawl *c, struct host *h)
{
  struct attempt *a;
  h->resolved = 1;
  host_store(c, h);
  while ((a = h->dns_wait)) {
    h->dns_wait = a->next;
    a->next = NULL;
    attempt_ready(a);
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

static struct host *host_get(struct crawl *c, const char *name)
{
  struct host *h = map_get(&c->hosts, name);
  unsigned char b[16];
  if (h)
    return h;
  h = calloc(1, sizeof(*h));
  if (!h || !(h->name = map_put(&c->hosts, name, h))) {
    free(h);
    oom(c);
    return NULL;
  }
  h->c = c;
  /* An IP literal needs no lookup. */
  if (inet_pton(AF_INET, name, b) == 1 || inet_pton(AF_INET6, name, b) == 1) {
    struct dns_answer lit, none;
    char *addrs[1];
    int fam = inet_pton(AF_INET, name, b) == 1 ? 4 : 6;
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
    return h;
  }
  h->dns_left = 2;
  if (resolver_lookup(c->res, name, 4, lookup_done, h) < 0 ||
      resolver_lookup(c->res, name, 6, lookup_done, h) < 0)
    oom(c);
  return h;
}

static void host_free(void *p)
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

/* ---- attempts ---------------------------------------------------------- */

static void log_line(struct attempt *a, const char *fmt, ...)
  __attribute__((format(printf, 2, 3)));

static void log_line(struct attempt *a, const char *fmt, ...)
{
  char line[1024];
  va_list ap;
  int n;
  char *p;
  va_start(ap, fmt);
  n = vsnprintf(line, sizeof(line), fmt, ap);
  va_end(ap);
  if (n < 0)
    return;
  if ((size_t)n >= sizeof(line))
    n = sizeof(line) - 1;
  p = realloc(a->log, a->log_len + (size_t)n + 2);
  if (!p) {
    oom(a->c);
    return;
  }
  a->log = p;
  if (a->log_len)
    a->log[a->log_len++] = '\n';
  memcpy(a->log + a->log_len, line, (size_t)n);
  a->log_len += (size_t)n;
  a->log[a->log_len] = 0;
}

/* Move the attempt to hop @url (owned, may be NULL to release). */
static void set_url(struct attempt *a, char *url)
{
  if (a->url != a->start)
    free(a->url);
  a->url = url ? url : a->start;
}

static void att_error(struct attempt *a, const char *fmt, ...)
  __attribute__((format(printf, 2, 3)));

/* Why the attempt failed, for the evidence. */
static void att_error(struct attempt *a, const char *fmt, ...)
{
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof(buf), fmt, ap);
  va_end(ap);
  free(a->error);
  a->error = strdup(buf);
  if (!a->error)
    oom(a->c);
}

static struct attempt *attempt_new(struct crawl *c, const char *url, int family,
                                   size_t max_body,
                                   void (*done)(struct attempt *), void *ud)
{
  struct attempt *a = calloc(1, sizeof(*a));
  if (!a || !(a->start = strdup(url))) {
    free(a);
    oom(c);
    return NULL;
  }
  a->c = c;
  a->url = a->start;
  a->retries = c->o->retries;
  a->family = family ? family : 4;
  a->auto_family = family == 0;
  a->max_body = max_body;
  a->done = done;
  a->ud = ud;
  a->all_next = c->attempts;
  if (c->attempts)
    c->attempts->all_prev = a;
  c->attempts = a;
  c->work++;
  return a;
}

static void attempt_free(struct attempt *a)
{
  if (!a)
    return;
  if (a->all_prev)
    a->all_prev->all_next = a->all_next;
  else
    a->c->attempts = a->all_next;
  if (a->all_next)
    a->all_next->all_prev = a->all_prev;
  if (a->req) {
    fetch_req_cleanup(a->req);
    free(a->req);
  }
  set_url(a, NULL);
  free(a->start);
  free(a->error);
  free(a->log);
  free(a->body);
  free(a->content_type);
  free(a);
}

static void attempt_end(struct attempt *a, int outcome)
{
  struct crawl *c = a->c;
  a->outcome = outcome;
  c->work--;
  a->done(a);
}

/* Point the attempt at a->url: find its host, wait for DNS if needed. */
static void attempt_hop(struct attempt *a)
{
  struct crawl *c = a->c;
  struct url_view v;
  struct host *h;
  if (url_view_parse(a->url, &v) != PARSE_OK || !v.host || !*v.host) {
    log_line(a, "ERR bad URL %s", a->url);
    att_error(a, "bad URL");
    attempt_end(a, OUT_HTTPERR);
    return;
  }
  h = host_get(c, v.host);
  url_view_cleanup(&v);
  if (!h) {
    attempt_end(a, OUT_NORESP);
    return;
  }
  a->host = h;
  if (!h->resolved) {
    a->next = h->dns_wait;
    h->dns_wait = a;
    return;
  }
  attempt_ready(a);
}

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

/* DNS is known: pick the family and an address, then queue for a slot. */
static void attempt_ready(struct attempt *a)
{
  struct crawl *c = a->c;
  struct host *h = a->host;
  int i;
  if (a->auto_family && a->hops == 0 && a->tries == 0 && a->family == 4 &&
      !h->n_use[0] && h->n_use[1] && c->v6)
    a->family = 6;
  i = a->family == 4 ? 0 : 1;
  if (!h->n_use[i]) {
    const char *err = dns_error_name(h->ans[i].error);
    log_line(a, "ERR no usable %s (%s) %s", i ? "AAAA" : "A",
             err ? err : (h->ans[i].n ? "unusable address" : "no data"),
             a->url);
    att_error(a, "no usable %s for %s", i ? "AAAA" : "A", h->name);
    attempt_end(a, OUT_NOADDR);
    return;
  }
  a->next = NULL;
  if (h->q_tail)
    h->q_tail->next = a;
  else
    h->q_head = a;
  h->q_tail = a;
  host_ready_push(c, h);
}

static void attempt_fetched(int rc, struct fetch_req *req);

static void launch(struct crawl *c, struct attempt *a)
{
  struct host *h = a->host;
  int i = a->family == 4 ? 0 : 1;
  a->req = calloc(1, sizeof(*a->req));
  if (!a->req) {
    oom(c);
    att_error(a, "out of memory");
    attempt_end(a, OUT_NORESP);
    return;
  }
  a->req->url = a->url;
  a->req->family = a->family;
  a->req->addr = h->use[i][(size_t)a->tries % h->n_use[i]];
  a->req->max_body = a->max_body;
  /* Probes that need no body ask with HEAD, like wget2 --spider: no body
   * to read or drain. A HEAD answered with 400 or more is asked again
   * with GET, which decides (some servers refuse HEAD). */
  a->req->head = !a->max_body && !a->get;
  a->req->done = attempt_fetched;
  a->req->ud = a;
  h->active++;
  c->in_flight++;
  if (h->delay_ms)
    h->next_ms = loop_now_ms() + h->delay_ms;
  if (fetch_start(c->fetch, a->req) < 0) {
    h->active--;
    c->in_flight--;
    free(a->req);
    a->req = NULL;
    att_error(a, "cannot start the request");
    attempt_end(a, OUT_NORESP);
  }
}

static void schedule(struct crawl *c)
{
  while (c->in_flight < (size_t)c->o->concurrency && c->ready_head) {
    struct host *h = c->ready_head;
    struct attempt *a = h->q_head;
    c->ready_head = h->ready_next;
    if (!c->ready_head)
      c->ready_tail = NULL;
    h->in_ready = 0;
    h->q_head = a->next;
    if (!h->q_head)
      h->q_tail = NULL;
    a->next = NULL;
    launch(c, a);
    host_ready_push(c, h);
  }
}

static int success(const struct crawl *c, int status)
{
  return c->o->strict ? status == 200 : status > 0 && status < 400;
}

static void attempt_after(struct attempt *a, int rc, struct fetch_req *req);
static struct origin *origin_get(struct crawl *c, const struct url_view *v);
static void hop_obey(struct attempt *a, const struct origin *o);

/* A request finished: the attempt goes on (or ends); the request, only
 * needed while in flight, is released here, in one place. */
static void attempt_fetched(int rc, struct fetch_req *req)
{
  struct attempt *a = req->ud;
  a->req = NULL;
  attempt_after(a, rc, req);
  fetch_req_cleanup(req);
  free(req);
}

static void attempt_after(struct attempt *a, int rc, struct fetch_req *req)
{
  struct crawl *c = a->c;
  struct host *h = a->host;
  char *next = NULL;

  h->active--;
  c->in_flight--;
  c->prog.requests++;
  host_ready_push(c, h);
  if (rc == FETCH_NORESPONSE) {
    c->prog.errors++;
    log_line(a, "ERR %s %s", req->error, a->url);
    if (a->tries < a->retries) {
      a->tries++;
      attempt_ready(a);
      return;
    }
    if (a->auto_family && a->family == 4 && h->n_use[1] && c->v6) {
      /* robots.txt and pages: IPv4 first, then IPv6 from the start. */
      a->family = 6;
      a->tries = 0;
      a->hops = 0;
      set_url(a, NULL);
      attempt_hop(a);
      return;
    }
    att_error(a, "%s", req->error);
    attempt_end(a, OUT_NORESP);
    return;
  }
  if (req->head && req->status >= 400) {
    a->get = 1;
    attempt_ready(a);
    return;
  }
  log_line(a, "%d %s", req->status, a->url);
  if (req->status >= 500 && a->tries < a->retries) {
    a->tries++;
    attempt_ready(a);
    return;
  }
  a->status = req->status;
  a->connect_ms = req->connect_ms;
  a->first_byte_ms = req->first_byte_ms;
  a->total_ms = req->total_ms;
  if (req->status >= 300 && req->status < 400 && req->location) {
    if (a->hops >= MAX_REDIRECTS) {
      att_error(a, "more than %d redirects", MAX_REDIRECTS);
      attempt_end(a, OUT_HTTPERR);
      return;
    }
    if (url_resolve(a->url, req->location, NULL, 0, &next) != PARSE_OK ||
        !url_is_http(next)) {
      att_error(a, "redirect to a non-http URL");
      free(next);
      attempt_end(a, OUT_HTTPERR);
      return;
    }
    set_url(a, next);
    a->hops++;
    a->tries = 0;
    a->get = 0;
    if (a->obey) {
      /* robots.txt is obeyed for every request, redirect hops too */
      struct url_view v;
      struct origin *o = NULL;
      if (url_view_parse(a->url, &v) == PARSE_OK) {
        o = origin_get(c, &v);
        url_view_cleanup(&v);
      }
      if (o && o->state != 2) {
        a->next = o->hops_waiting;
        o->hops_waiting = a;
        return;
      }
      if (o) {
        hop_obey(a, o);
        return;
      }
    }
    attempt_hop(a);
    return;
  }
  if (a->max_body) {
    a->body = req->body;
    a->body_len = req->body_len;
    a->truncated = req->truncated;
    a->content_type = req->content_type;
    req->body = req->content_type = NULL;
  }
  attempt_end(a, success(c, req->status) ? OUT_OK : OUT_HTTPERR);
}

/* ---- pages and links ------------------------------------------------- */

static void probe_want(struct crawl *c, const char *url, struct site *s,
                       int level);

static int is_html(const char *ct)
{
  if (!ct || !*ct)
    return 1;
  return strncasecmp(ct, "text/html", 9) == 0 ||
         strncasecmp(ct, "application/xhtml+xml", 21) == 0;
}

/* 1 when @href is a fragment-only link; its text with surrounding
 * whitespace and inner tabs/newlines removed (as a browser reads it) goes
 * to @out. */
static int fragment_only(const char *href, char *out, size_t len)
{
  size_t n = 0;
  const char *e;
  while (*href == ' ' || (*href >= '\t' && *href <= '\r'))
    href++;
  if (*href != '#')
    return 0;
  e = href + strlen(href);
  while (e > href && (e[-1] == ' ' || (e[-1] >= '\t' && e[-1] <= '\r')))
    e--;
  for (; href < e && n + 1 < len; href++)
    if (*href != '\t' && *href != '\n' && *href != '\r')
      out[n++] = *href;
  out[n] = 0;
  return 1;
}

static void site_add_link(struct crawl *c, struct site *s, const char *page,
                          const struct html_link *l, int level)
{
  const char *u = l->url ? l->url : l->href;
  char frag[512];
  int kind, internal = 0;
  struct url_view v;
  if (!u)
    return;
  kind = !l->url ? LINK_INVALID : url_is_http(u) ? LINK_HTTP : LINK_OTHER;
  if (l->href && fragment_only(l->href, frag, sizeof(frag))) {
    /* "#top" points into the page itself: recorded, never counted. */
    u = frag;
    kind = LINK_OTHER;
  }
  st(c, store_edge_put(c->st, c->run, s->idx, page, u));
  if (map_get(&s->seen, u))
    return;
  if (!map_put(&s->seen, u, (void *)(intptr_t)level)) {
    oom(c);
    return;
  }
  if (kind == LINK_HTTP && url_view_parse(u, &v) == PARSE_OK) {
    internal = s->scope && url_host_in_domain(v.host, s->scope);
    url_view_cleanup(&v);
  }
  st(c, store_link_put(c->st, c->run, s->idx, u, level, internal, kind, page));
  if (kind != LINK_HTTP)
    return;
  probe_want(c, u, internal && level < c->o->depth ? s : NULL, level);
}

static void page_job_start(struct crawl *c, struct site *s, int level,
                           const char *url, int refresh);
static int pages_above(const struct site *s, int level);
static void site_links(struct crawl *c, struct site *s, int level,
                       const char *page, const struct html_page *hp);

static void site_page(struct crawl *c, struct site *s, int level,
                      const char *page, const struct attempt *a)
{
  struct html_page hp;
  if (!a->body || !is_html(a->content_type))
    return;
  if (html_links_extract(a->body, a->body_len, a->content_type, a->url, &hp) !=
      PARSE_OK) {
    oom(c);
    return;
  }
  c->prog.pages++;
  s->pages_cut += a->truncated;
  /* A homepage that sends users on with a meta refresh is followed like a
   * redirect: the target becomes the level-1 page (and the base). */
  if (level == 1 && hp.refresh_url && url_is_http(hp.refresh_url) &&
      s->refreshes < MAX_REDIRECTS && !map_get(&s->seen, hp.refresh_url)) {
    s->refreshes++;
    if (!map_put(&s->seen, hp.refresh_url, (void *)1))
      oom(c);
    else
      page_job_start(c, s, 1, hp.refresh_url, 1);
  }
  if (pages_above(s, level)) {
    /* A page above this one is still to be read: it may hold some of
     * these links at a lower level. */
    struct held *h = calloc(1, sizeof(*h)), **pp = &s->held;
    if (!h || !(h->page = strdup(page))) {
      free(h);
      html_page_cleanup(&hp);
      oom(c);
      return;
    }
    h->level = level;
    h->hp = hp;
    while (*pp)
      pp = &(*pp)->next;
    *pp = h;
    return;
  }
  site_links(c, s, level, page, &hp);
  html_page_cleanup(&hp);
}

/* 1 while a page of a level above @level is still to be read. */
static int pages_above(const struct site *s, int level)
{
  int j;
  for (j = 1; j < level && j <= STORE_MAX_LEVEL; j++)
    if (s->pending[j])
      return 1;
  return 0;
}

/* The links of a page at @level become links of @level + 1. */
static void site_links(struct crawl *c, struct site *s, int level,
                       const char *page, const struct html_page *hp)
{
  size_t i;
  for (i = 0; i < hp->n_links; i++)
    site_add_link(c, s, page, &hp->links[i], level + 1);
  /* URLs in scripts: links only with --script-links, else counted as what
   * the pages may hide. */
  for (i = 0; i < hp->n_script_links; i++) {
    const struct html_link *l = &hp->script_links[i];
    if (!l->url || !url_is_http(l->url))
      continue;
    if (c->o->script_links)
      site_add_link(c, s, page, l, level + 1);
    else if (!map_get(&s->script_seen, l->url) &&
             !map_put(&s->script_seen, l->url, (void *)1))
      oom(c);
  }
}

/* A page wanted at @level has been read (or could not be): release the
 * links held for it, upper levels first. */
static void site_page_done(struct crawl *c, struct site *s, int level)
{
  struct held **pp = &s->held, *h;
  if (level >= 1 && level <= STORE_MAX_LEVEL && s->pending[level])
    s->pending[level]--;
  while ((h = *pp)) {
    if (pages_above(s, h->level)) {
      pp = &h->next;
      continue;
    }
    *pp = h->next;
    site_links(c, s, h->level, h->page, &h->hp);
    html_page_cleanup(&h->hp);
    free(h->page);
    free(h);
    pp = &s->held; /* new wants may have been added: look again */
  }
}

static void site_record(struct crawl *c, const struct site *s)
{
  struct store_site ss;
  char *ns = NULL;
  size_t i, len = 1;
  memset(&ss, 0, sizeof(ss));
  for (i = 0; i < s->n_ns; i++)
    len += strlen(s->ns[i]) + 1;
  if (s->n_ns && (ns = malloc(len))) {
    char *p = ns;
    for (i = 0; i < s->n_ns; i++)
      p += snprintf(p, len - (size_t)(p - ns), "%s%s", i ? "," : "", s->ns[i]);
  }
  for (i = 0; i < s->n_ns; i++) {
    const struct host *h = map_get(&c->hosts, s->ns[i]);
    ss.ns_ipv6 += h && h->n_use[1] > 0;
  }
  ss.ns_total = (int)s->n_ns;
  ss.ns_hosts = ns;
  for (i = 0; i < s->script_seen.nb; i++) {
    const struct entry *e;
    for (e = s->script_seen.b[i]; e; e = e->next)
      ss.script_links += !map_get(&s->seen, e->key);
  }
  ss.pages_truncated = s->pages_cut;
  ss.home_tries = s->home_tries;
  ss.home_ok = s->home_ok;
  ss.consistent = s->consistent;
  ss.similarity = s->similarity;
  ss.idx = s->idx;
  ss.start_url = s->start_url;
  ss.final_url = s->final_url;
  ss.scope_domain = s->scope;
  ss.name = (char *)s->spec.name;
  ss.unit = (char *)s->spec.unit;
  ss.error = s->error;
  st(c, store_site_put(c->st, c->run, &ss));
  free(ns);
}

/* ---- the scope domain's name servers ------------------------------------ */

static void ns_ask(struct crawl *c, struct site *s);

static void ns_answer(int error, char **names, size_t n, void *ud)
{
  struct site *s = ud;
  struct crawl *c = s->c;
  size_t i;
  const char *dot;
  if (!n && (error == DNS_NODATA || error == DNS_NXDOMAIN) && s->ns_zone &&
      (dot = strchr(s->ns_zone, '.')) && strchr(dot + 1, '.')) {
    /* Not a zone apex: ask the parent (www.gov.cn -> gov.cn). */
    memmove(s->ns_zone, dot + 1, strlen(dot + 1) + 1);
    ns_ask(c, s);
    return;
  }
  s->ns = calloc(n ? n : 1, sizeof(char *));
  if (!s->ns) {
    oom(c);
    return;
  }
  for (i = 0; i < n; i++) {
    if (!(s->ns[s->n_ns] = strdup(names[i]))) {
      oom(c);
      return;
    }
    s->n_ns++;
    host_get(c, names[i]); /* its A and AAAA */
  }
}

static void ns_ask(struct crawl *c, struct site *s)
{
  if (resolver_lookup_ns(c->res, s->ns_zone, ns_answer, s) < 0)
    oom(c);
}

/* The level-1 page is known: @a is the attempt that read it, or NULL
 * when it could not be read (@why says why). */
static void site_home(struct crawl *c, struct site *s, const struct attempt *a,
                      const char *why)
{
  struct url_view v;
  if (a) {
    free(s->final_url);
    s->final_url = strdup(a->url);
    if (!s->final_url) {
      oom(c);
      return;
    }
    if (!map_get(&s->seen, a->url) && !map_put(&s->seen, a->url, (void *)1))
      oom(c);
    if ((!s->scope || !s->spec.scope_domain) &&
        url_view_parse(a->url, &v) == PARSE_OK) {
      free(s->scope);
      s->scope = NULL;
      if (url_registrable_domain(v.host, &s->scope) != PARSE_OK)
        oom(c);
      url_view_cleanup(&v);
    }
    if (!s->ns_asked && s->scope) {
      s->ns_asked = 1;
      s->ns_zone = strdup(s->scope);
      if (!s->ns_zone)
        oom(c);
      else
        ns_ask(c, s);
    }
  } else {
    char msg[400];
    snprintf(msg, sizeof(msg), "the homepage could not be read: %s", why);
    s->error = strdup(msg);
  }
  site_record(c, s);
  if (!s->home_known)
    c->prog.sites_done++;
  s->home_known = 1;
}

struct page_job {
  struct site *site;
  int level;
  int refresh; /* a meta-refresh target: failure keeps the page before */
  char *url;
};

static void page_done(struct attempt *a)
{
  struct page_job *j = a->ud;
  if (j->level == 1 && (a->outcome == OUT_OK || !j->refresh))
    site_home(a->c, j->site, a->outcome == OUT_OK ? a : NULL,
              a->error ? a->error : "no response");
  if (a->outcome == OUT_OK)
    site_page(a->c, j->site, j->level, j->url, a);
  site_page_done(a->c, j->site, j->level);
  free(j->url);
  free(j);
  attempt_free(a);
}

/* Read page @url for site @s's links at @level, over IPv4 if it answers,
 * else IPv6. */
static void page_job_start(struct crawl *c, struct site *s, int level,
                           const char *url, int refresh)
{
  struct page_job *j = calloc(1, sizeof(*j));
  struct attempt *a;
  if (!j || !(j->url = strdup(url))) {
    free(j);
    oom(c);
    return;
  }
  j->site = s;
  j->level = level;
  j->refresh = refresh;
  if (refresh && level <= STORE_MAX_LEVEL)
    s->pending[level]++; /* a new page of level 1 (a refetch's is counted) */
  a = attempt_new(c, url, 0, c->o->max_body, page_done, j);
  if (a)
    a->obey = 1;
  if (!a) {
    free(j->url);
    free(j);
    return;
  }
  attempt_hop(a);
}

/* ---- probes ------------------------------------------------------------ */

static const char *family_error(const struct attempt *a)
{
  return a->outcome == OUT_OK ? NULL : a->error;
}

static void fam_fill(struct store_family *f, const struct attempt *a)
{
  memset(f, 0, sizeof(*f));
  if (!a)
    return;
  f->ok = a->outcome == OUT_OK;
  f->status = a->status;
  f->error = (char *)family_error(a);
  f->hops = a->log;
  f->connect_ms = a->connect_ms;
  f->first_byte_ms = a->first_byte_ms;
  f->total_ms = a->total_ms;
}

static int classify(const struct crawl *c, const struct probe *p)
{
  const struct attempt *a6 = p->fam[0], *a4 = p->fam[1];
  int ok6, ok4;
  if (!a6)
    return CLASS_UNMEASURED;
  (void)c;
  if (a6->outcome == OUT_ROBOTS || (a4 && a4->outcome == OUT_ROBOTS))
    return CLASS_ROBOTS;
  ok6 = a6->outcome == OUT_OK;
  ok4 = a4 && a4->outcome == OUT_OK;
  if (ok6 && ok4)
    return CLASS_OK;
  if (ok6)
    return CLASS_V6_ONLY;
  if (!ok4)
    return CLASS_DEAD;
  switch (a6->outcome) {
    case OUT_NOADDR:
      return CLASS_NO_AAAA;
    case OUT_NORESP:
      return CLASS_V6_BROKEN;
    default:
      return CLASS_V6_ERROR;
  }
}

static void home_extra_done(struct attempt *a)
{
  struct site *s = a->ud;
  s->home_tries++;
  s->home_ok += a->outcome == OUT_OK;
  attempt_free(a);
}

/* The homepage's probes are in: compare the IPv4 and IPv6 pages, and ask
 * the homepage over IPv6 a few more times for its success rate. */
static void home_extras(struct crawl *c, struct site *s, const struct probe *p)
{
  const struct attempt *a6 = p->fam[0], *a4 = p->fam[1];
  int i;
  if (s->home_known || !a6)
    return;
  s->home_tries = 1;
  s->home_ok = a6->outcome == OUT_OK;
  if (a6->outcome == OUT_OK && a4 && a4->outcome == OUT_OK && a6->body &&
      a4->body) {
    if (html_similarity(a4->body, a4->body_len, a6->body, a6->body_len,
                        &s->similarity) != PARSE_OK)
      oom(c);
    else
      s->consistent = s->similarity >= HOME_SAME;
  }
  for (i = 1; i < c->o->home_probes; i++) {
    struct attempt *x = attempt_new(c, p->url, 6, 0, home_extra_done, s);
    if (x)
      attempt_hop(x);
  }
}

static const char *home_why(const struct probe *p)
{
  const struct attempt *b = p->fam[1] ? p->fam[1] : p->fam[0];
  if (p->klass == CLASS_ROBOTS)
    return "disallowed by robots.txt";
  return b && b->error ? b->error : "no response";
}

static void host_pump(struct crawl *c, struct host *h);

static void probe_finish(struct crawl *c, struct probe *p)
{
  struct store_probe sp;
  const struct attempt *body = NULL;
  struct want *w;
  int i;

  p->finished = 1;
  if (p->klass != CLASS_ROBOTS)
    p->klass = classify(c, p);
  memset(&sp, 0, sizeof(sp));
  sp.url = (char *)p->url;
  sp.klass = p->klass;
  fam_fill(&sp.v6, p->fam[0]);
  fam_fill(&sp.v4, p->fam[1]);
  if (p->klass == CLASS_ROBOTS)
    sp.v4.error = sp.v6.error = (char *)"disallowed by robots.txt";
  st(c, store_probe_put(c->st, c->run, &sp));
  c->prog.probes_done++;

  /* The page body: IPv4's if it succeeded, else IPv6's. */
  for (i = 1; i >= 0 && !body; i--)
    if (p->fam[i] && p->fam[i]->outcome == OUT_OK && p->fam[i]->body)
      body = p->fam[i];
  while ((w = p->wants)) {
    p->wants = w->next;
    if (w->level == 1)
      home_extras(c, w->site, p);
    if (body) {
      if (w->level == 1)
        site_home(c, w->site, body, NULL);
      site_page(c, w->site, w->level, p->url, body);
      site_page_done(c, w->site, w->level);
    } else if (p->klass != CLASS_ROBOTS &&
               ((p->fam[0] && p->fam[0]->outcome == OUT_OK) ||
                (p->fam[1] && p->fam[1]->outcome == OUT_OK))) {
      /* the want came after the probe started: read the page again (its
       * page_done settles the want) */
      page_job_start(c, w->site, w->level, p->url, 0);
    } else {
      if (w->level == 1)
        site_home(c, w->site, NULL, home_why(p));
      site_page_done(c, w->site, w->level);
    }
    free(w);
  }
  for (i = 0; i < 2; i++) {
    attempt_free(p->fam[i]);
    p->fam[i] = NULL;
  }
  /* A measured probe is only a key now (dedupe across sites): keep
   * nothing else: a crawl holds one per distinct URL. */
  url_view_cleanup(&p->v);
  c->work--;
  if (p->started) {
    p->started = 0;
    p->origin->host->started--;
    host_pump(c, p->origin->host);
  }
}

static void probe_attempt_done(struct attempt *a)
{
  struct probe *p = a->ud;
  if (--p->left == 0)
    probe_finish(a->c, p);
}

/* Probes started per host at a time: enough to keep its per-host request
 * slots busy on both families, few enough that a host with 100k links does
 * not hold 200k requests in memory. */
#define PROBE_WINDOW(c) (4 * (unsigned)(c)->o->per_host)

static void probe_start(struct crawl *c, struct probe *p);

/* Start waiting probes of @h while its window has room. Not re-entered:
 * a probe that ends at once (no address) only makes room for the loop. */
static void host_pump(struct crawl *c, struct host *h)
{
  struct probe *p;
  if (h->pumping)
    return;
  h->pumping = 1;
  while ((p = h->pq_head) && h->started < PROBE_WINDOW(c)) {
    h->pq_head = p->pq_next;
    if (!h->pq_head)
      h->pq_tail = NULL;
    p->pq_next = NULL;
    probe_start(c, p);
  }
  h->pumping = 0;
}

static void probe_launch(struct crawl *c, struct probe *p)
{
  struct origin *o = p->origin;
  struct host *h = o->host;
  if (o->disallow_all ||
      (o->rules && !robots_allowed(o->rules, p->v.path_query))) {
    p->klass = CLASS_ROBOTS;
    probe_finish(c, p);
    return;
  }
  if (!h) {
    probe_start(c, p);
    return;
  }
  if (h->pq_tail)
    h->pq_tail->pq_next = p;
  else
    h->pq_head = p;
  h->pq_tail = p;
  host_pump(c, h);
}

static void probe_start(struct crawl *c, struct probe *p)
{
  size_t body = p->wants ? c->o->max_body : 0;
  if (p->origin->host) {
    p->origin->host->started++;
    p->started = 1;
  }
  p->left = c->v6 ? 2 : 1;
  if (c->v6)
    p->fam[0] = attempt_new(c, p->url, 6, body, probe_attempt_done, p);
  p->fam[1] = attempt_new(c, p->url, 4, body, probe_attempt_done, p);
  if (p->fam[0])
    p->fam[0]->obey = 1;
  if (p->fam[1])
    p->fam[1]->obey = 1;
  if ((c->v6 && !p->fam[0]) || !p->fam[1]) {
    p->left = 0;
    return;
  }
  if (c->v6)
    attempt_hop(p->fam[0]);
  attempt_hop(p->fam[1]);
}

static void robots_done(struct attempt *a)
{
  struct crawl *c = a->c;
  struct origin *o = a->ud;
  struct probe *p;
  struct attempt *h;
  if (a->outcome == OUT_OK && a->status >= 200 && a->status < 300) {
    if (robots_parse(a->body ? a->body : "", a->body_len, c->o->user_agent,
                     &o->rules) != PARSE_OK)
      oom(c);
    else if (o->host && c->o->max_crawl_delay_ms > 0) {
      /* Crawl-delay is politeness, capped so a night's crawl ends. */
      double d = robots_crawl_delay(o->rules) * 1000.0;
      long ms = d > (double)c->o->max_crawl_delay_ms ? c->o->max_crawl_delay_ms
                                                     : (long)d;
      if (ms > o->host->delay_ms)
        o->host->delay_ms = ms;
    }
  } else if (a->status >= 500) {
    o->disallow_all = 1; /* RFC 9309: unreachable (5xx) = disallow all */
  }
  /* 4xx and no response at all: everything allowed; a host that answers
   * on neither family will be measured dead by its probes. */
  o->state = 2;
  attempt_free(a);
  while ((p = o->waiting)) {
    o->waiting = p->origin_next;
    probe_launch(c, p);
  }
  while ((h = o->hops_waiting)) {
    o->hops_waiting = h->next;
    h->next = NULL;
    hop_obey(h, o);
  }
}

/* The origin of @v, its robots.txt asked for the first time it is seen. */
static struct origin *origin_get(struct crawl *c, const struct url_view *v)
{
  struct origin *o = map_get(&c->origins, v->origin);
  struct attempt *a;
  char robots_url[1024];
  if (o)
    return o;
  o = calloc(1, sizeof(*o));
  if (!o || !map_put(&c->origins, v->origin, o)) {
    free(o);
    oom(c);
    return NULL;
  }
  o->state = 1;
  o->host = host_get(c, v->host);
  snprintf(robots_url, sizeof(robots_url), "%s/robots.txt", v->origin);
  a = attempt_new(c, robots_url, 0, ROBOTS_MAX_BYTES, robots_done, o);
  if (a) {
    a->retries = 1; /* RFC 9309 practice: a 5xx is asked once more */
    attempt_hop(a);
  }
  return o;
}

/* 1 when @o's rules let us request @url's path. */
static int origin_allows(const struct origin *o, const char *url)
{
  struct url_view v;
  int ok;
  if (o->disallow_all)
    return 0;
  if (!o->rules || url_view_parse(url, &v) != PARSE_OK)
    return 1;
  ok = robots_allowed(o->rules, v.path_query);
  url_view_cleanup(&v);
  return ok;
}

/* A redirect hop whose origin's rules are known goes on, or ends here. */
static void hop_obey(struct attempt *a, const struct origin *o)
{
  if (origin_allows(o, a->url)) {
    attempt_hop(a);
    return;
  }
  log_line(a, "ROBOTS disallowed by robots.txt %s", a->url);
  att_error(a, "a redirect to %s, which robots.txt disallows", a->url);
  attempt_end(a, OUT_ROBOTS);
}

static void origin_free(void *p)
{
  struct origin *o = p;
  robots_free(o->rules);
  free(o);
}

static void probe_free(void *pp)
{
  struct probe *p = pp;
  struct want *w;
  url_view_cleanup(&p->v); /* its attempts die with c->attempts */
  while ((w = p->wants)) {
    p->wants = w->next;
    free(w);
  }
  free(p);
}

/* Site @s wants the page at @level: counted as a page of that level still
 * to be read (see site_page_done). NULL when out of memory. */
static struct want *want_new(struct crawl *c, struct site *s, int level)
{
  struct want *w = calloc(1, sizeof(*w));
  if (!w) {
    oom(c);
    return NULL;
  }
  w->site = s;
  w->level = level;
  if (level <= STORE_MAX_LEVEL)
    s->pending[level]++;
  return w;
}

static void probe_want(struct crawl *c, const char *url, struct site *s,
                       int level)
{
  struct probe *p = map_get(&c->probes, url);
  struct want *w = NULL;
  if (p && s) {
    if (!(w = want_new(c, s, level)))
      return;
    if (p->finished) {
      /* Shared with another site and already measured: read the page
       * again for this one. */
      page_job_start(c, s, level, p->url, 0);
      free(w);
      return;
    }
    w->next = p->wants;
    p->wants = w;
    return;
  }
  if (p)
    return;
  p = calloc(1, sizeof(*p));
  if (!p)
    goto nomem;
  if (url_view_parse(url, &p->v) != PARSE_OK)
    goto nomem;
  if (!(p->url = map_put(&c->probes, url, p))) {
    url_view_cleanup(&p->v);
    goto nomem;
  }
  c->prog.probes_total++;
  c->work++;
  if (s && !(p->wants = want_new(c, s, level)))
    return;
  p->origin = origin_get(c, &p->v);
  if (!p->origin)
    return;
  if (p->origin->state == 2) {
    probe_launch(c, p);
  } else {
    p->origin_next = p->origin->waiting;
    p->origin->waiting = p;
  }
  return;
nomem:
  free(p);
  oom(c);
}

/* ---- the vantage point ------------------------------------------------- */

int crawl_vantage_ipv6(int allow_private)
{
  struct sockaddr_in6 sa;
  struct ifaddrs *ifa = NULL, *i;
  int fd, ok = 0;
  /* A route to a global address (a UDP connect sends nothing). */
  fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd >= 0) {
    memset(&sa, 0, sizeof(sa));
    sa.sin6_family = AF_INET6;
    sa.sin6_port = htons(53);
    inet_pton(AF_INET6, "2400:3200::1", &sa.sin6_addr);
    ok = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
    close(fd);
  }
  if (ok || !allow_private)
    return ok;
  /* Intranets and the test world: any configured IPv6 address that is
   * not link-local will do. */
  if (getifaddrs(&ifa) < 0)
    return 0;
  for (i = ifa; i && !ok; i = i->ifa_next) {
    const struct sockaddr_in6 *s6 = (const void *)i->ifa_addr;
    if (!s6 || s6->sin6_family != AF_INET6)
      continue;
    if (!IN6_IS_ADDR_LINKLOCAL(&s6->sin6_addr))
      ok = 1;
  }
  freeifaddrs(ifa);
  return ok;
}

/* ---- the loop --------------------------------------------------------- */

static long min_timeout(long a, long b)
{
  if (a < 0)
    return b;
  if (b < 0)
    return a;
  return a < b ? a : b;
}

/* Hosts whose Crawl-delay is over go back to the ready list; returns the
 * milliseconds until the next one is due, or -1. */
static long delayed_tick(struct crawl *c)
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

static int turn(struct crawl *c)
{
  long t =
    min_timeout(fetcher_timeout_ms(c->fetch), resolver_timeout_ms(c->res));
  t = min_timeout(t, delayed_tick(c));
  if (c->ready_head && c->in_flight < (size_t)c->o->concurrency)
    t = 0;
  if (loop_wait(c->loop, t < 0 ? 1000 : t) < 0)
    return -1;
  resolver_tick(c->res);
  fetcher_tick(c->fetch);
  schedule(c);
  return 0;
}

static void sites_free(struct crawl *c)
{
  size_t i;
  for (i = 0; i < c->n_sites; i++) {
    struct site *s = &c->sites[i];
    free(s->start_url);
    free(s->final_url);
    free(s->scope);
    free(s->error);
    free(s->ns_zone);
    while (s->n_ns)
      free(s->ns[--s->n_ns]);
    free(s->ns);
    map_clear(&s->seen, NULL);
    map_clear(&s->script_seen, NULL);
    while (s->held) {
      struct held *h = s->held;
      s->held = h->next;
      html_page_cleanup(&h->hp);
      free(h->page);
      free(h);
    }
  }
  free(c->sites);
}

static char *options_text(const struct crawl_opts *o)
{
  char buf[512];
  snprintf(buf, sizeof(buf),
           "depth=%d timeout_ms=%ld retries=%d concurrency=%d per_host=%d "
           "strict=%d allow_private=%d",
           o->depth, o->timeout_ms, o->retries, o->concurrency, o->per_host,
           o->strict, o->allow_private);
  return strdup(buf);
}

/* Before a run exists: look up every start host, so a resolver that does
 * not answer at all is one clear error, not a run full of dead links. */
static int preflight_dns(struct crawl *c, volatile sig_atomic_t *stop)
{
  size_t i, answered = 0, asked = 0;
  while (resolver_pending(c->res) && !(stop && *stop))
    if (turn(c) < 0)
      return CRAWL_INIT;
  for (i = 0; i < c->n_sites; i++) {
    struct url_view v;
    struct host *h;
    if (url_view_parse(c->sites[i].start_url, &v) != PARSE_OK)
      continue;
    h = map_get(&c->hosts, v.host);
    url_view_cleanup(&v);
    if (!h)
      continue;
    asked++;
    if (h->ans[0].error != DNS_TIMEOUT && h->ans[0].error != DNS_NOSERVER)
      answered++;
  }
  if (asked && !answered) {
    set_error("the DNS server%s%s did not answer (timeout)",
              c->o->dns_servers ? " " : "",
              c->o->dns_servers ? c->o->dns_servers : "s of this machine");
    return CRAWL_DNS_CONFIG;
  }
  return CRAWL_OK;
}

int crawl_run(struct store *stp, const struct crawl_opts *o,
              const struct crawl_site *sites, size_t n, uint32_t *run_id,
              volatile sig_atomic_t *stop)
{
  struct crawl c;
  struct fetch_conf fc;
  char err[256];
  char *opts = NULL;
  int rc = CRAWL_OK, interrupted = 0;
  int64_t last_flush, last_prog, t0;
  size_t i;

  memset(&c, 0, sizeof(c));
  last_error[0] = 0;
  c.st = stp;
  c.o = o;
  t0 = loop_now_ms();
  c.v6 = o->force_vantage >= 0 ? o->force_vantage
                               : crawl_vantage_ipv6(o->allow_private);
  c.sites = calloc(n ? n : 1, sizeof(*c.sites));
  if (!c.sites) {
    rc = CRAWL_NOMEM;
    goto out;
  }
  c.n_sites = n;
  for (i = 0; i < n; i++) {
    struct site *s = &c.sites[i];
    s->idx = (uint32_t)i;
    s->spec = sites[i];
    s->c = &c;
    s->consistent = -1;
    if (url_resolve(NULL, sites[i].url, NULL, 0, &s->start_url) != PARSE_OK ||
        !url_is_http(s->start_url)) {
      set_error("not an absolute http(s) URL: %s", sites[i].url);
      rc = CRAWL_BADURL;
      goto out;
    }
    if (sites[i].scope_domain) {
      s->scope = strdup(sites[i].scope_domain);
      if (!s->scope) {
        rc = CRAWL_NOMEM;
        goto out;
      }
    }
  }
  if (loop_new(&c.loop) < 0) {
    set_error("cannot create the event loop");
    rc = CRAWL_INIT;
    goto out;
  }
  if (resolver_new(c.loop, o->dns_servers, &c.res, err, sizeof(err)) < 0) {
    set_error("%s", err);
    rc = CRAWL_DNS_CONFIG;
    goto out;
  }
  fc.cacert = o->cacert;
  fc.user_agent = o->user_agent;
  fc.timeout_ms = o->timeout_ms;
  fc.concurrency = o->concurrency;
  if (fetcher_new(c.loop, &fc, &c.fetch) < 0) {
    set_error("cannot set up libcurl");
    rc = CRAWL_INIT;
    goto out;
  }
  for (i = 0; i < n; i++) {
    struct url_view v;
    if (url_view_parse(c.sites[i].start_url, &v) == PARSE_OK) {
      host_get(&c, v.host);
      url_view_cleanup(&v);
    }
  }
  rc = preflight_dns(&c, stop);
  if (rc != CRAWL_OK)
    goto out;

  opts = options_text(o);
  rc = store_run_new(stp, (int64_t)time(NULL), c.v6, opts, &c.run);
  if (rc == STORE_OK)
    rc = store_flush(stp);
  if (rc != STORE_OK) {
    set_error("cannot start a run in the store: %s", store_strerror(rc));
    rc = CRAWL_STORE;
    goto out;
  }
  c.have_run = 1;
  if (run_id)
    *run_id = c.run;
  for (i = 0; i < c.hosts.nb; i++) {
    struct entry *e;
    for (e = c.hosts.b[i]; e; e = e->next)
      host_store(&c, e->val);
  }
  c.prog.sites = n;
  for (i = 0; i < n; i++) {
    struct site *s = &c.sites[i];
    if (!map_put(&s->seen, s->start_url, (void *)1)) {
      rc = CRAWL_NOMEM;
      goto out;
    }
    site_record(&c, s); /* listed at once, even if never reached */
    st(&c,
       store_link_put(stp, c.run, s->idx, s->start_url, 1, 1, LINK_HTTP, NULL));
    probe_want(&c, s->start_url, s, 1);
  }

  last_flush = last_prog = loop_now_ms();
  while (c.work || c.in_flight || resolver_pending(c.res)) {
    int64_t now;
    if (stop && *stop) {
      interrupted = 1;
      break;
    }
    if (c.nomem || c.store_rc)
      break;
    if (turn(&c) < 0) {
      set_error("the event loop failed: %s", strerror(errno));
      rc = CRAWL_INIT;
      break;
    }
    now = loop_now_ms();
    if (now - last_flush >= FLUSH_MS) {
      st(&c, store_flush(stp));
      last_flush = now;
    }
    if (o->progress && now - last_prog >= 1000) {
      c.prog.in_flight = c.in_flight;
      c.prog.elapsed_s = (double)(now - t0) / 1000.0;
      o->progress(&c.prog, o->progress_ud);
      last_prog = now;
    }
  }
  if (c.nomem) {
    set_error("out of memory");
    rc = CRAWL_NOMEM;
  } else if (c.store_rc) {
    set_error("the store failed: %s", store_strerror(c.store_rc));
    rc = CRAWL_STORE;
  } else if (interrupted) {
    set_error("interrupted: the run is kept, marked incomplete");
    rc = CRAWL_INTERRUPTED;
  }
  for (i = 0; i < n && !c.nomem; i++)
    site_record(&c, &c.sites[i]); /* name servers and homepage figures */
  {
    int src = store_run_finish(stp, c.run, (int64_t)time(NULL), rc == CRAWL_OK);
    if (src == STORE_OK)
      src = store_flush(stp);
    if (src != STORE_OK && rc == CRAWL_OK) {
      set_error("the store failed: %s", store_strerror(src));
      rc = CRAWL_STORE;
    }
  }
  if (o->progress) {
    c.prog.in_flight = 0;
    c.prog.elapsed_s = (double)(loop_now_ms() - t0) / 1000.0;
    o->progress(&c.prog, o->progress_ud);
  }
out:
  /* Requests still in flight belong to attempts owned by probes: free the
   * fetcher first so no completion runs during teardown. */
  fetcher_free(c.fetch);
  resolver_free(c.res);
  while (c.attempts)
    attempt_free(c.attempts);
  map_clear(&c.probes, probe_free);
  map_clear(&c.origins, origin_free);
  map_clear(&c.hosts, host_free);
  loop_free(c.loop);
  sites_free(&c);
  free(opts);
  return rc;
}
