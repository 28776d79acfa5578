/* crawler/timing.c - the dedicated timing requests made once the crawl of
 * the sites is over (doc/measurement.md "Delay" and "CDN performance").
 *
 * The probes cannot say how IPv6 delay compares with IPv4's: IPv4 reuses
 * connections warmed by robots.txt and page reads while IPv6 often opens
 * cold ones. So each object set is asked --timing-samples times over each
 * family, alternating IPv4 and IPv6 in pairs, IPv4 first in even pairs
 * and IPv6 first in odd ones (v4 v6 v6 v4 v4 v6 ...: a server still
 * closing the previous connection delays neither family more), one request
 * of the set at a time, each on a fresh connection closed after it, each
 * after its own A or AAAA lookup through the crawl's c-ares resolver:
 *
 *   a site's homepage: its final URL (GET, body read up to --max-body);
 *   a host with a CNAME chain (a CDN or cloud, grouped by report/): its
 *   first PERF_OBJECTS URLs in byte order whose probe was ok, sample i
 *   asking object i mod their number on both families.
 *
 * The samples go to the store as they are (report/ makes the medians).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "crawler/crawl_int.h"

#define TIMING_PARALLEL 4 /* object sets timed at once */
#define PERF_OBJECTS    3 /* objects sampled per CNAME host */

struct tjob {
  struct timing *tm;
  struct host *h;
  int perf;      /* a CNAME host's objects, else a site's homepage */
  uint32_t site; /* the homepage's site */
  char *urls[PERF_OBJECTS];
  size_t n_urls;
  unsigned step; /* requests made: sample step / 2, family by parity */
  struct store_timing t;
  double dns_ms;
  struct fetch_req req;
  struct tjob *next;       /* every set, newest first */
  struct tjob *queue_next; /* sets not started yet, in order */
};

void timing_init(struct timing *tm, struct crawl *c)
{
  memset(tm, 0, sizeof(*tm));
  tm->c = c;
}

static void tjob_free(struct tjob *j)
{
  size_t i;
  for (i = 0; i < j->n_urls; i++)
    free(j->urls[i]);
  store_timing_cleanup(&j->t);
  fetch_req_cleanup(&j->req);
  free(j);
}

void timing_cleanup(struct timing *tm)
{
  struct tjob *j;
  while ((j = tm->all)) {
    tm->all = j->next;
    tjob_free(j);
  }
  tm->queue = NULL;
}

/* The host of @url when both families have a usable address. */
static struct host *timed_host(struct crawl *c, const char *url)
{
  struct url_view v;
  struct host *h;
  if (url_view_parse(url, &v) != PARSE_OK)
    return NULL;
  h = map_get(&c->hosts, v.host);
  url_view_cleanup(&v);
  if (!h || !h->resolved || !h->n_use[0] || !h->n_use[1])
    return NULL;
  return h;
}

static struct tjob *tjob_new(struct timing *tm, struct host *h, int perf)
{
  struct crawl *c = tm->c;
  struct tjob *j = calloc(1, sizeof(*j));
  unsigned n = (unsigned)c->o->timing_samples;
  if (!j || !(j->t.s[0] = calloc(n, sizeof(struct store_tsample))) ||
      !(j->t.s[1] = calloc(n, sizeof(struct store_tsample)))) {
    if (j)
      store_timing_cleanup(&j->t);
    free(j);
    crawl_oom(c);
    return NULL;
  }
  j->tm = tm;
  j->h = h;
  j->perf = perf;
  j->t.n = n;
  j->next = tm->all;
  tm->all = j;
  return j;
}

void timing_site_add(struct timing *tm, uint32_t site, const char *final_url)
{
  struct crawl *c = tm->c;
  struct host *h;
  struct tjob *j;
  if (!c->v6 || c->o->timing_samples < 1 || !final_url ||
      !(h = timed_host(c, final_url)) || !(j = tjob_new(tm, h, 0)))
    return;
  j->site = site;
  if (!(j->urls[0] = strdup(final_url)) || !(j->t.what = strdup(final_url))) {
    crawl_oom(c);
    return;
  }
  j->n_urls = 1;
}

/* A CNAME host's candidates: its first PERF_OBJECTS ok linked URLs in
 * byte order, gathered as probes are measured (c->probes keeps no URL
 * text to look through at the end). */
struct perf_objs {
  char *urls[PERF_OBJECTS];
  size_t n;
};

static void perf_objs_free(void *v)
{
  struct perf_objs *po = v;
  size_t i;
  for (i = 0; i < po->n; i++)
    free(po->urls[i]);
  free(po);
}

/* The candidates of host @name, new when it had none; NULL when out of
 * memory. */
static struct perf_objs *perf_objs_of(struct crawl *c, const char *name)
{
  struct perf_objs *po = map_get(&c->perf_objs, name);
  if (po)
    return po;
  if (!(po = calloc(1, sizeof(*po))) || !map_put(&c->perf_objs, name, po)) {
    free(po);
    crawl_oom(c);
    return NULL;
  }
  return po;
}

void timing_object(struct crawl *c, const char *host, const char *url)
{
  struct url_view v;
  struct perf_objs *po;
  size_t i;
  if (c->o->timing_samples < 1)
    return;
  if (host)
    po = perf_objs_of(c, host);
  else if (url_view_parse(url, &v) == PARSE_OK) {
    po = perf_objs_of(c, v.host);
    url_view_cleanup(&v);
  } else
    return;
  if (!po)
    return;
  for (i = po->n; i > 0 && strcmp(url, po->urls[i - 1]) < 0; i--)
    ;
  if (i >= PERF_OBJECTS)
    return;
  if (po->n == PERF_OBJECTS)
    free(po->urls[--po->n]);
  memmove(po->urls + i + 1, po->urls + i, (po->n - i) * sizeof(char *));
  po->n++;
  if (!(po->urls[i] = strdup(url))) {
    memmove(po->urls + i, po->urls + i + 1, (po->n - i - 1) * sizeof(char *));
    po->n--;
    crawl_oom(c);
  }
}

void timing_objects_clear(struct crawl *c)
{
  map_clear(&c->perf_objs, perf_objs_free);
}

/* map_each over the candidates: a host with a CNAME chain and both
 * families is timed on its objects (taken from @val). */
static void perf_host(const char *name, void *val, void *arg)
{
  struct timing *tm = arg;
  struct perf_objs *po = val;
  struct host *h = map_get(&tm->c->hosts, name);
  struct tjob *j;
  if (!h || !h->resolved || !h->n_use[0] || !h->n_use[1] ||
      (!h->ans[0].cnames && !h->ans[1].cnames) || !po->n ||
      !(j = tjob_new(tm, h, 1)))
    return;
  memcpy(j->urls, po->urls, po->n * sizeof(char *));
  j->n_urls = po->n;
  po->n = 0;
}

void timing_perf_add(struct timing *tm)
{
  struct crawl *c = tm->c;
  if (!c->v6 || c->o->timing_samples < 1)
    return;
  map_each(&c->perf_objs, perf_host, tm);
}

static void tjob_next(struct tjob *j);

/* Request @step of a set is over IPv4 (else IPv6): v4 v6 | v6 v4 | ... */
static int step_v4(unsigned step)
{
  return (step % 2 == 0) == ((step / 2) % 2 == 0);
}

/* The set is timed: its samples to the store, the next set started. */
static void tjob_end(struct tjob *j)
{
  struct timing *tm = j->tm;
  struct crawl *c = tm->c;
  size_t i, len = 1;
  if (j->perf) {
    char *w;
    for (i = 0; i < j->n_urls; i++)
      len += strlen(j->urls[i]) + 1;
    if (!(w = j->t.what = malloc(len))) {
      crawl_oom(c);
    } else {
      for (i = 0; i < j->n_urls; i++) {
        size_t n = strlen(j->urls[i]);
        memcpy(w, j->urls[i], n);
        w[n] = '\n';
        w += n + 1;
      }
      w[0] = '\0';
      crawl_store_rc(c, store_perf_put(c->st, c->run, j->h->name, &j->t));
    }
  } else {
    crawl_store_rc(c, store_timing_put(c->st, c->run, j->site, &j->t));
  }
  c->work--;
  tm->running--;
  if (tm->queue) {
    struct tjob *n = tm->queue;
    tm->queue = n->queue_next;
    tm->running++;
    tjob_next(n);
  }
}

static void fetch_done(int rc, struct fetch_req *req)
{
  struct tjob *j = req->ud;
  struct store_tsample *x = &j->t.s[step_v4(j->step) ? 1 : 0][j->step / 2];
  x->ok = rc == FETCH_RESPONSE;
  x->dns_ms = j->dns_ms;
  if (x->ok) {
    x->connect_ms = req->connect_ms;
    x->tls_ms = req->tls_ms;
    x->first_byte_ms = req->first_byte_ms;
    x->total_ms = req->total_ms;
    x->bytes = req->bytes;
  }
  fetch_req_cleanup(req);
  j->tm->c->in_flight--;
  j->step++;
  tjob_next(j);
}

/* 1 when @req's address is known bad for the run (breaker.c). */
static int timing_known_bad(struct crawl *c, const struct fetch_req *req)
{
  struct url_view v;
  int bad;
  if (url_view_parse(req->url, &v) != PARSE_OK)
    return 0;
  bad = breaker_bad(c, req->family, req->addr, v.port);
  url_view_cleanup(&v);
  return bad;
}

static void dns_done(int rc, const struct dns_answer *a, void *ud)
{
  struct tjob *j = ud;
  struct crawl *c = j->tm->c;
  int v4 = step_v4(j->step);
  struct fetch_req *req = &j->req;
  if (j->tm->closing)
    return;
  j->dns_ms = rc == 0 && a && !a->error ? a->ms : 0;
  memset(req, 0, sizeof(*req));
  req->url = j->urls[(j->step / 2) % j->n_urls];
  req->family = v4 ? 4 : 6;
  req->addr = j->h->use[v4 ? 0 : 1][0];
  req->drain_max = c->o->max_body;
  req->fresh = 1;
  req->hset = j->h->hset;
  req->done = fetch_done;
  req->ud = j;
  if (timing_known_bad(c, req)) {
    /* no connection to wait out: the sample failed, as it would have */
    c->in_flight++;
    fetch_done(FETCH_NORESPONSE, req);
    return;
  }
  if (fetch_start(c->fetch, req) < 0) {
    crawl_oom(c);
    return;
  }
  c->in_flight++;
}

/* The next request of @j: its lookup first, or the end of the set. */
static void tjob_next(struct tjob *j)
{
  struct crawl *c = j->tm->c;
  if (j->step >= 2 * j->t.n) {
    tjob_end(j);
    return;
  }
  if (resolver_lookup(c->res, j->h->name, step_v4(j->step) ? 4 : 6, dns_done,
                      j) < 0)
    crawl_oom(c);
}

void timing_start(struct timing *tm)
{
  struct tjob *j;
  /* tm->all is newest first: pushing each makes the queue oldest first */
  for (j = tm->all; j; j = j->next) {
    j->queue_next = NULL;
    if (!j->n_urls)
      continue;
    tm->c->work++;
    j->queue_next = tm->queue;
    tm->queue = j;
  }
  while (tm->queue && tm->running < TIMING_PARALLEL) {
    j = tm->queue;
    tm->queue = j->queue_next;
    tm->running++;
    tjob_next(j);
  }
}
