/* crawler/crawl.c - the run and its sites.
 *
 * A site's start URL is probed (with its body); its level-1 page read
 * gives the level-2 links, whose internal pages are read when their
 * probes finish, and so on to --depth. What a page read means for a site
 * is decided here; the parts below report up through callbacks:
 *
 *   the frontier (frontier.c) hands each link of a page to site_link;
 *   a measured probe (probe.c) hands each site's want to want_done;
 *   a page read by the site itself ends in page_done.
 *
 * Everything learned is written to the store at once, and the store is
 * flushed twice a second, so a killed crawl loses at most that much.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crawler/crawl.h"
#include "crawler/crawl_int.h"

#define FLUSH_MS 500
/* ... or once this many records are written (store_pending): LMDB holds
 * a copy of every page the open transaction changed and keeps them all
 * for later transactions (it frees none before the store is closed), so
 * the largest transaction sets what they take to the end of the run. In
 * 500 ms a 1M-link crawl wrote up to 137 000 records. 8192 took its peak
 * RSS from 121.8-127.3 to 111.0 MiB at no measurable CPU; 2048 took it to
 * 107.5 MiB but wrote 2.6 times the pages at 100k (+9% CPU). */
#define FLUSH_RECORDS 8192
/* the store's map is offered back (store_relieve: a getrusage and, past
 * its fault budget, a trim) every this many turns of the loop, not at
 * each: a turn ends a couple of requests on average */
#define RELIEVE_TURNS 4
/* the progress callback this often: the time left is estimated from the
 * rate of the last stretch of the crawl, which these calls sample (the
 * CLI redraws its line 4 times a second), so a crawl of a second or two
 * still has a record of its rate fine enough to see a change of pace */
#define PROGRESS_MS 50

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
    case CRAWL_NORESUME:
      return "no incomplete run to resume";
    case CRAWL_MISMATCH:
      return "the run to resume was made with other sites or options";
    default:
      return "unknown error";
  }
}

void crawl_opts_init(struct crawl_opts *o)
{
  memset(o, 0, sizeof(*o));
  o->depth = 3;
  o->timeout_ms = 10000;
  o->connect_timeout_ms = 3000;
  o->breaker = 3;
  o->retries = 2;
  o->concurrency = 32;
  o->per_host = 6;
  o->user_agent = "v6crawl/" PACKAGE_VERSION;
  o->max_body = 8u << 20;
  o->force_vantage = -1;
  o->home_probes = 5;
  o->max_crawl_delay_ms = 1000;
  o->timing_samples = 10;
  o->render_timeout_ms = 30000;
}

/* ---- a site's pages ----------------------------------------------------- */

static void page_job_free(struct page_job *j)
{
  if (j->prev)
    j->prev->next = j->next;
  else
    j->site->jobs = j->next;
  if (j->next)
    j->next->prev = j->prev;
  free(j->url);
  free(j);
}

/* Read page @url for site @s's links at @level, over IPv4 if it answers,
 * else IPv6; @done(job) runs when it is read or cannot be. */
void page_job_start(struct site *s, int level, const char *url, int refresh,
                    attempt_cb done)
{
  struct crawl *c = s->c;
  struct page_job *j = calloc(1, sizeof(*j));
  struct attempt *a;
  if (!j || !(j->url = strdup(url))) {
    free(j);
    crawl_oom(c);
    return;
  }
  j->site = s;
  j->level = level;
  j->refresh = refresh;
  if (refresh)
    frontier_want(&s->f, level); /* a new page of level 1 */
  a = attempt_new(c, url, 0, c->o->max_body, done, j);
  if (!a) {
    free(j->url);
    free(j);
    return;
  }
  j->next = s->jobs;
  if (s->jobs)
    s->jobs->prev = j;
  s->jobs = j;
  a->on_hop = origin_hop_gate;
  attempt_hop(a);
}

void site_record(struct crawl *c, const struct site *s)
{
  struct store_site ss;
  memset(&ss, 0, sizeof(ss));
  indicators_fill(&s->ind, &ss);
  ss.script_links = frontier_script_hidden(&s->f);
  ss.pages_truncated = s->pages_cut;
  ss.idx = s->idx;
  ss.start_url = s->start_url;
  ss.final_url = s->final_url;
  ss.scope_domain = s->f.scope;
  ss.name = (char *)s->spec.name;
  ss.unit = (char *)s->spec.unit;
  ss.error = s->error;
  crawl_store_rc(c, store_site_put(c->st, c->run, &ss));
  free(ss.ns_hosts);
}

/* The homepage was read at @url: the final URL, and the scope domain
 * unless given. */
static void site_home_url(struct site *s, const char *url)
{
  struct crawl *c = s->c;
  struct url_view v;
  free(s->final_url);
  s->final_url = strdup(url);
  if (!s->final_url) {
    crawl_oom(c);
    return;
  }
  if (frontier_mark(&s->f, url, 1) < 0)
    crawl_oom(c);
  if ((!s->f.scope || !s->spec.scope_domain) &&
      url_view_parse(url, &v) == PARSE_OK) {
    free(s->f.scope);
    s->f.scope = NULL;
    if (url_registrable_domain(v.host, &s->f.scope) != PARSE_OK)
      crawl_oom(c);
    url_view_cleanup(&v);
  }
  if (url_view_parse(url, &v) == PARSE_OK) {
    indicators_ns_ask(&s->ind, v.host);
    url_view_cleanup(&v);
  }
}

/* The level-1 page is known: @a is the attempt that read it, or NULL
 * when it could not be read (@why says why). */
static void site_home(struct site *s, const struct attempt *a, const char *why)
{
  if (a) {
    site_home_url(s, a->url);
    if (!s->final_url)
      return;
  } else {
    char msg[400];
    snprintf(msg, sizeof(msg), "the homepage could not be read: %s", why);
    free(s->error);
    s->error = strdup(msg);
  }
  site_record(s->c, s);
  if (!s->home_known)
    s->c->prog.sites_done++;
  s->home_known = 1;
}

static int is_html(const char *ct)
{
  if (!ct || !*ct)
    return 1;
  return strncasecmp(ct, "text/html", 9) == 0 ||
         strncasecmp(ct, "application/xhtml+xml", 21) == 0;
}

/* A page wanted at @level has been read (or could not be). */
static void site_page_done(struct site *s, int level)
{
  if (frontier_page_done(&s->f, level) < 0)
    crawl_oom(s->c);
}

/* Page @page of @s was not parsed as a browser would (@hp says how): the
 * evidence goes to the store. */
static void page_cut_record(struct site *s, const char *page,
                            const struct html_page *hp)
{
  struct store_page_cut pc;
  memset(&pc, 0, sizeof(pc));
  pc.url = (char *)page;
  pc.cut = hp->cut;
  pc.bytes = hp->text_len;
  pc.parsed = hp->parsed;
  pc.depth = hp->depth;
  pc.flattened = hp->flattened;
  pc.flat_at = hp->flat_at;
  crawl_store_rc(s->c, store_page_cut_put(s->c->st, s->c->run, s->idx, &pc));
}

/* The page of job @j is parsed: its links go to the frontier, and it
 * counts as read. A homepage that sends users on with a meta refresh is
 * followed like a redirect (the target becomes the level-1 page), read
 * by a page job. */
static void site_parsed(struct pool_job *j)
{
  struct site *s = j->arg;
  s->c->work--;
  if (j->rc != PARSE_OK) {
    crawl_oom(s->c);
    site_page_done(s, j->level);
    return;
  }
  site_page_parsed(s, j->level, j->page, j->truncated, &j->hp);
  memset(&j->hp, 0, sizeof(j->hp)); /* the frontier took it */
}

void site_page_parsed(struct site *s, int level, const char *page,
                      int truncated, struct html_page *hp)
{
  struct crawl *c = s->c;
  struct html_link *sub;
  size_t n_sub;
  int rc, flags;
  c->prog.pages++;
  s->pages_cut += truncated;
  if (hp->cut)
    page_cut_record(s, page, hp);
  rc = frontier_refresh(&s->f, level, hp);
  if (rc < 0)
    crawl_oom(c);
  else if (rc == 1)
    page_job_start(s, 1, hp->refresh_url, 1, page_done);
  flags =
    (truncated ? STORE_PAGE_TRUNCATED : 0) | (rc == 1 ? STORE_PAGE_REFRESH : 0);
  sub = hp->subres; /* probed after the links: a link's probe first */
  n_sub = hp->n_subres;
  hp->subres = NULL;
  hp->n_subres = 0;
  rc = frontier_page_flags(&s->f, level, page, hp, flags);
  if (rc < 0)
    crawl_oom(c);
  subres_page(s, page, sub, n_sub);
  subres_free(sub, n_sub);
  site_page_done(s, level);
}

/* Page @page of site @s at @level was read by @a. It is parsed in the
 * pool's thread, so that no page's parse delays the requests in flight;
 * site_parsed goes on from there. */
static void site_page(struct site *s, int level, const char *page,
                      const struct attempt *a)
{
  struct crawl *c = s->c;
  struct pool_job *j;
  if (!a->body || !is_html(a->content_type)) {
    site_page_mark(s, level, page, STORE_PAGE_NOLINKS, NULL);
    site_page_done(s, level);
    return;
  }
  if (c->rnd && render_page(s, level, page, a) == 0)
    return; /* rendered by Chromium beside the parse (render.c) */
  j = pool_job_new(a->body, a->body_len, a->content_type, a->url, page);
  if (!j) {
    crawl_oom(c);
    site_page_done(s, level);
    return;
  }
  j->done = site_parsed;
  j->arg = s;
  j->level = level;
  j->truncated = a->truncated;
  c->work++;
  pool_submit(c->pool, j);
}

/* Page @page of site @s at @level is done with: @flags (enum
 * store_page_flags), its links (@hp, or NULL: none) gone out. Stored in
 * the write transaction of its links, so that a resumed crawl knows the
 * page needs no reading again. */
void site_page_mark(struct site *s, int level, const char *page, int flags,
                    const struct html_page *hp)
{
  struct crawl *c = s->c;
  struct store_page sp;
  struct v6_buf b;
  size_t i;
  memset(&sp, 0, sizeof(sp));
  v6_buf_init(&b, 0);
  sp.url = (char *)page;
  sp.level = level;
  sp.flags = flags;
  if (hp && (flags & STORE_PAGE_REFRESH))
    sp.refresh = hp->refresh_url;
  for (i = 0; hp && !c->o->script_links && i < hp->n_script_links; i++) {
    const char *u = hp->script_links[i].url;
    if (u && url_is_http(u)) {
      if (b.n)
        v6_buf_putc(&b, '\n');
      v6_buf_puts(&b, u);
    }
  }
  if (b.oom)
    crawl_oom(c);
  else if (b.n)
    sp.scripts = b.p;
  crawl_store_rc(c, store_page_put(c->st, c->run, s->idx, &sp));
  v6_buf_cleanup(&b);
}

/* The frontier's page callback: page @page's links go out now. */
static void site_page_links(const char *page, int level,
                            const struct html_page *hp, int flags, void *arg)
{
  site_page_mark(arg, level, page, flags, hp);
}

/* A page job ended. */
void page_done(int rc, struct attempt *a, void *arg)
{
  struct page_job *j = arg;
  char why[32];
  if (j->level == 1 && (rc == OUT_OK || !j->refresh))
    site_home(j->site, rc == OUT_OK ? a : NULL,
              attempt_why(a, why, sizeof why));
  if (rc == OUT_OK)
    site_page(j->site, j->level, j->url, a);
  else {
    site_page_mark(j->site, j->level, j->url, STORE_PAGE_NOLINKS, NULL);
    site_page_done(j->site, j->level);
  }
  page_job_free(j);
  attempt_free(a);
}

/* Site @s wants @url's page at @level (@follow), or only its probe. A
 * probe measured already for another site keeps no body: its page is
 * read again for this one when the probe found one, and when it found
 * none (robots.txt, no success) the site learns what the first site
 * learned, without waiting for a page. */
void site_want(struct site *s, const char *url, int level, int follow)
{
  const struct probe *p = probe_get(s->c, url);
  if (follow && p && p->finished) {
    if (p->klass != CLASS_ROBOTS && probe_any_ok(p)) {
      frontier_want(&s->f, level);
      page_job_start(s, level, url, 0, page_done);
    } else if (level == 1) {
      site_home(s, NULL, probe_why(p));
    }
    return;
  }
  if (follow)
    frontier_want(&s->f, level);
  probe_add(s->c, url, follow ? s : NULL, level);
}

/* The frontier's callback: one link of a page of site @arg. */
static void site_link(int rc, const struct frontier_link *l, void *arg)
{
  struct site *s = arg;
  struct crawl *c = s->c;
  crawl_store_rc(c, store_edge_put(c->st, c->run, s->idx, l->page, l->url));
  if (rc < 0) {
    crawl_oom(c);
    return;
  }
  if (!l->fresh)
    return;
  crawl_store_rc(c, store_link_put(c->st, c->run, s->idx, l->url, l->level,
                                   l->internal, l->kind, l->page));
  if (l->kind == LINK_HTTP)
    site_want(s, l->url, l->level, l->follow);
}

/* The probe's callback: @p is measured, and site @arg wanted its page at
 * @level. The body of the probe is the page; a want that came after the
 * probe started (no body kept) reads the page again. */
static void want_done(int rc, const struct probe *p, int level, void *arg)
{
  struct site *s = arg;
  const struct attempt *body = probe_body(p);
  (void)rc;
  if (level == 1 && !s->home_known)
    indicators_home(&s->ind, p);
  if (body) {
    if (level == 1)
      site_home(s, body, NULL);
    site_page(s, level, p->url, body);
  } else if (p->klass != CLASS_ROBOTS && probe_any_ok(p)) {
    page_job_start(s, level, p->url, 0, page_done); /* it settles the want */
  } else {
    if (level == 1)
      site_home(s, NULL, probe_why(p));
    site_page_done(s, level);
  }
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

/* One turn: wait for sockets or the first deadline, then let the resolver
 * and the fetcher deliver what happened, then start what may start. */
static int turn(struct crawl *c)
{
  long t =
    min_timeout(fetcher_timeout_ms(c->fetch), resolver_timeout_ms(c->res));
  t = min_timeout(t, hosts_delayed_tick(c));
  t = min_timeout(t, vantage_timeout_ms(c->vt));
  t = min_timeout(t, outage_timeout_ms(c));
  t = min_timeout(t, dq_timeout_ms(c));
  t = min_timeout(t, renderer_timeout_ms(c->rnd));
  if ((c->ready_head && c->in_flight < (size_t)c->o->concurrency) ||
      c->breaker_pending)
    t = 0;
  if (loop_wait(c->loop, t < 0 ? 1000 : t) < 0)
    return -1;
  resolver_tick(c->res);
  fetcher_tick(c->fetch);
  vantage_tick(c->vt);
  outage_tick(c);
  dq_tick(c);
  pool_tick(c->pool);
  renderer_tick(c->rnd);
  hosts_schedule(c);
  breakers_tick(c);
  return 0;
}

/* ---- the run ---------------------------------------------------------- */

static void sites_free(struct crawl *c)
{
  size_t i;
  for (i = 0; i < c->n_sites; i++) {
    struct site *s = &c->sites[i];
    free(s->start_url);
    free(s->final_url);
    free(s->error);
    /* a run cut short (Ctrl-C, the store failed) leaves jobs whose
     * attempts were freed without their callback */
    while (s->jobs)
      page_job_free(s->jobs);
    frontier_cleanup(&s->f);
    indicators_cleanup(&s->ind);
  }
  free(c->sites);
}

/* An extra homepage request ended: its count is stored at once, so that a
 * resumed run asks only the ones missing. */
static void site_ind_changed(struct indicators *in)
{
  struct site *s = CONTAINER_OF(in, struct site, ind);
  site_record(s->c, s);
}

/* The sites of the run, their start URLs checked. */
static int sites_init(struct crawl *c, const struct crawl_site *sites, size_t n)
{
  size_t i;
  c->sites = calloc(n ? n : 1, sizeof(*c->sites));
  if (!c->sites)
    return CRAWL_NOMEM;
  c->n_sites = n;
  for (i = 0; i < n; i++) {
    struct site *s = &c->sites[i];
    s->idx = (uint32_t)i;
    s->spec = sites[i];
    s->c = c;
    frontier_init(&s->f, c->o->depth, c->o->script_links, site_link, s);
    s->f.keys = &c->probes;
    s->f.page_cb = site_page_links;
    indicators_init(&s->ind, c);
    s->ind.changed = site_ind_changed;
    if (url_resolve(NULL, sites[i].url, NULL, 0, &s->start_url) != PARSE_OK ||
        !url_is_http(s->start_url)) {
      set_error("not an absolute http(s) URL: %s", sites[i].url);
      return CRAWL_BADURL;
    }
    if (sites[i].scope_domain && !(s->f.scope = strdup(sites[i].scope_domain)))
      return CRAWL_NOMEM;
  }
  return CRAWL_OK;
}

/* The run's options as stored: "key=value" words, the user agent last
 * (the rest of the text). resume.c compares them with a resumed run's. */
static char *options_text(const struct crawl_opts *o)
{
  char buf[1024];
  snprintf(buf, sizeof(buf),
           "depth=%d timeout_ms=%ld retries=%d concurrency=%d per_host=%d "
           "strict=%d allow_private=%d max_body=%zu script_links=%d "
           "home_probes=%d max_crawl_delay_ms=%ld timing_samples=%d "
           "connect_timeout_ms=%ld breaker=%d render=%d render_timeout_ms=%ld "
           "user_agent=%s",
           o->depth, o->timeout_ms, o->retries, o->concurrency, o->per_host,
           o->strict, o->allow_private, o->max_body, o->script_links,
           o->home_probes, o->max_crawl_delay_ms, o->timing_samples,
           o->connect_timeout_ms, o->breaker, o->render != NULL,
           o->render ? o->render_timeout_ms : 0,
           o->user_agent ? o->user_agent : "");
  return strdup(buf);
}

/* The event loop, the resolver and libcurl. */
static int services_init(struct crawl *c)
{
  struct fetch_conf fc;
  char err[256];
  if (loop_new(&c->loop) < 0) {
    set_error("cannot create the event loop");
    return CRAWL_INIT;
  }
  if (resolver_new(c->loop, c->o->dns_servers, &c->res, err, sizeof(err)) < 0) {
    set_error("%s", err);
    return CRAWL_DNS_CONFIG;
  }
  fc.cacert = c->o->cacert;
  fc.user_agent = c->o->user_agent;
  fc.timeout_ms = c->o->timeout_ms;
  fc.connect_timeout_ms = c->o->connect_timeout_ms;
  fc.concurrency = c->o->concurrency;
  if (fetcher_new(c->loop, &fc, &c->fetch) < 0) {
    set_error("cannot set up libcurl");
    return CRAWL_INIT;
  }
  if (pool_new(c->loop, &c->pool) < 0) {
    set_error("cannot start the page parser's thread");
    return CRAWL_INIT;
  }
  if (wall_pass_init(c) < 0)
    return CRAWL_NOMEM;
  if (c->o->render && renderer_new(c, &c->rnd) < 0)
    return CRAWL_NOMEM;
  return CRAWL_OK;
}

/* The host of @url, or NULL (looked up the first time). */
static struct host *url_host(struct crawl *c, const char *url, int create)
{
  struct url_view v;
  struct host *h;
  if (url_view_parse(url, &v) != PARSE_OK)
    return NULL;
  h = create ? host_get(c, v.host) : map_get(&c->hosts, v.host);
  url_view_cleanup(&v);
  return h;
}

static void vantage_first_done(struct crawl *c, const struct vantage_result *r)
{
  c->vfirst = *r;
  c->vfirst_done = 1;
}

/* Before a run exists: does this machine reach IPv6 and IPv4 (unless
 * --assume-ipv6 says)? With IPv6, outage.c watches it during the run. */
static int vantage_first(struct crawl *c, volatile sig_atomic_t *stop)
{
  char err[256];
  int rc;
  if (c->o->force_vantage >= 0) {
    c->v6 = c->o->force_vantage;
    c->v4 = 1;
    return CRAWL_OK;
  }
  rc = vantage_new(c, &c->vt, err, sizeof(err));
  if (rc == -2)
    return CRAWL_NOMEM;
  if (rc < 0) {
    set_error("%s", err);
    return CRAWL_INIT;
  }
  vantage_start(c->vt, vantage_first_done);
  while (!c->vfirst_done && !(stop && *stop))
    if (turn(c) < 0)
      return CRAWL_INIT;
  if (!c->vfirst_done) {
    set_error("interrupted during the vantage check");
    return CRAWL_INTERRUPTED;
  }
  c->v6 = c->vfirst.ok[0];
  c->v4 = c->vfirst.ok[1];
  if (c->v6 && outage_new(c, &c->mon) < 0)
    return CRAWL_NOMEM;
  return CRAWL_OK;
}

/* The check before the run, as the run's vantage record 0. */
static void vantage_first_store(struct crawl *c)
{
  struct store_vantage v;
  memset(&v, 0, sizeof(v));
  v.how = STORE_VANTAGE_START;
  if (c->vt) {
    v.start_ms = c->vfirst.start_ms;
    v.end_ms = c->vfirst.end_ms;
    v.ipv4 = c->vfirst.ok[1];
    v.ipv6 = c->vfirst.ok[0];
    v.detail = c->vfirst.detail;
  } else {
    v.start_ms = v.end_ms = vantage_wall_ms();
    v.ipv4 = -1;
    v.ipv6 = -1;
    v.detail = c->v6 ? (char *)"not checked: --assume-ipv6 yes"
                     : (char *)"not checked: --assume-ipv6 no";
  }
  crawl_store_rc(c, store_vantage_put(c->st, c->run, &v));
}

/* Before a run exists: look up every start host, so a resolver that does
 * not answer at all is one clear error, not a run full of dead links. */
static int preflight_dns(struct crawl *c, volatile sig_atomic_t *stop)
{
  size_t i, answered = 0, asked = 0;
  for (i = 0; i < c->n_sites; i++)
    url_host(c, c->sites[i].start_url, 1);
  while (resolver_pending(c->res) && !(stop && *stop))
    if (turn(c) < 0)
      return CRAWL_INIT;
  for (i = 0; i < c->n_sites; i++) {
    struct host *h = url_host(c, c->sites[i].start_url, 0);
    if (!h || h->bad)
      continue; /* never asked: says nothing of the server */
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

/* What the run measures under beside its options: v6crawl's version, the
 * DNS servers c-ares asks (the system's resolvers when no --dns-server),
 * the public suffix list's date (store_cond_put). */
static void conds_store(struct crawl *c)
{
  char buf[1024];

  crawl_store_rc(c, store_cond_put(c->st, c->run, "version", PACKAGE_VERSION));
  if (resolver_servers(c->res, buf, sizeof buf) == 0)
    crawl_store_rc(c, store_cond_put(c->st, c->run, "dns", buf));
  url_psl_date(buf, sizeof buf);
  if (buf[0])
    crawl_store_rc(c, store_cond_put(c->st, c->run, "psl", buf));
}

/* The run's night and shard (crawl.h: run_label). */
static void shard_store(struct crawl *c)
{
  struct store_shard sh;
  uint32_t *idx = NULL;
  size_t i;

  memset(&sh, 0, sizeof sh);
  if (c->n_sites && !(idx = malloc(c->n_sites * sizeof *idx))) {
    c->nomem = 1;
    return;
  }
  for (i = 0; i < c->n_sites; i++)
    idx[i] = c->o->site_index ? c->o->site_index[i] : (uint32_t)i;
  sh.label = (char *)(uintptr_t)c->o->run_label;
  sh.k = c->o->shard_k;
  sh.n = c->o->shard_n ? c->o->shard_n : 1;
  sh.total = c->o->sites_total ? c->o->sites_total : (uint32_t)c->n_sites;
  sh.index = idx;
  sh.nsites = (uint32_t)c->n_sites;
  crawl_store_rc(c, store_shard_put(c->st, c->run, &sh));
  free(idx);
}

/* The run in the store, its hosts so far, and every site listed at once
 * (even if never reached) with its start URL wanted. */
static int run_begin(struct crawl *c, uint32_t *run_id)
{
  char *opts = options_text(c->o);
  size_t i;
  int rc = store_run_new(c->st, (int64_t)time(NULL), c->v6, opts, &c->run);
  free(opts);
  if (rc == STORE_OK)
    rc = store_flush(c->st);
  if (rc != STORE_OK) {
    set_error("cannot start a run in the store: %s", store_strerror(rc));
    return CRAWL_STORE;
  }
  c->have_run = 1;
  if (run_id)
    *run_id = c->run;
  conds_store(c);
  vantage_first_store(c);
  if (c->o->run_label)
    shard_store(c);
  hosts_store(c);
  c->prog.sites = c->n_sites;
  for (i = 0; i < c->n_sites; i++) {
    struct site *s = &c->sites[i];
    if (frontier_mark(&s->f, s->start_url, 1) < 0)
      return CRAWL_NOMEM;
    site_record(c, s);
    crawl_store_rc(c, store_link_put(c->st, c->run, s->idx, s->start_url, 1, 1,
                                     LINK_HTTP, NULL));
    site_want(s, s->start_url, 1, 1);
  }
  /* every site and its start URL in the store together, so that a run
   * killed from here on can be resumed (resume.c checks the sites) */
  crawl_store_rc(c, store_flush(c->st));
  return CRAWL_OK;
}

static void progress(struct crawl *c, int64_t t0, size_t in_flight, int final)
{
  size_t i;
  c->prog.pages_left = 0;
  for (i = 0; i < c->n_sites; i++)
    c->prog.pages_left += frontier_pages_left(&c->sites[i].f);
  c->prog.in_flight = in_flight;
  c->prog.elapsed_s = (double)(loop_now_ms() - t0) / 1000.0;
  c->prog.final = final;
  c->o->progress(&c->prog, c->o->progress_ud);
}

/* Turn until the work is done, *@stop is set, or memory or the store
 * fail (c->nomem, c->store_rc; the caller reports those). */
static int run_loop(struct crawl *c, volatile sig_atomic_t *stop, int64_t t0)
{
  int64_t last_flush, last_prog, now;
  unsigned long turns = 0;
  last_flush = last_prog = loop_now_ms();
  while (c->work || c->in_flight || resolver_pending(c->res)) {
    if (stop && *stop) {
      set_error("interrupted: the run is kept, marked incomplete");
      return CRAWL_INTERRUPTED;
    }
    if (c->nomem || c->store_rc)
      break;
    if (turn(c) < 0) {
      set_error("the event loop failed: %s", strerror(errno));
      return CRAWL_INIT;
    }
    /* every few turns: it asks the kernel for the process's faults */
    if (++turns % RELIEVE_TURNS == 0)
      store_relieve(c->st);
    now = loop_now_ms();
    if (now - last_flush >= FLUSH_MS || store_pending(c->st) >= FLUSH_RECORDS) {
      crawl_store_rc(c, store_flush(c->st));
      last_flush = now;
    }
    if (c->o->progress && now - last_prog >= PROGRESS_MS) {
      progress(c, t0, c->in_flight, 0);
      last_prog = now;
    }
  }
  return CRAWL_OK;
}

/* The run's end: the sites' final figures, the run closed (complete when
 * @rc is CRAWL_OK) and flushed. Returns @rc or what failed first. */
static int run_end(struct crawl *c, int rc, int64_t t0)
{
  size_t i;
  int src;
  if (c->nomem) {
    set_error("out of memory");
    rc = CRAWL_NOMEM;
  } else if (c->store_rc) {
    set_error("the store failed: %s", store_strerror(c->store_rc));
    rc = CRAWL_STORE;
  }
  outage_finish(c);
  for (i = 0; i < c->n_sites && !c->nomem; i++) {
    site_record(c, &c->sites[i]); /* name servers and homepage figures */
    deleg_walk_store(c, c->sites[i].idx, c->sites[i].ind.walk);
  }
  src = store_run_finish(c->st, c->run, (int64_t)time(NULL), rc == CRAWL_OK);
  if (src == STORE_OK)
    src = store_flush(c->st);
  if (src != STORE_OK && rc == CRAWL_OK) {
    set_error("the store failed: %s", store_strerror(src));
    rc = CRAWL_STORE;
  }
  if (c->o->progress)
    progress(c, t0, 0, 1);
  return rc;
}

/* Requests still in flight belong to attempts owned by probes: free the
 * fetcher first so no completion runs during teardown. */
static void crawl_teardown(struct crawl *c)
{
  pool_free(c->pool);
  renderer_free(c->rnd);
  fetcher_free(c->fetch);
  resolver_free(c->res);
  dq_free_all(c);
  while (c->attempts)
    attempt_free(c->attempts);
  outage_forget(c);
  outage_free(c->mon);
  vantage_free(c->vt);
  probes_clear(c);
  timing_objects_clear(c);
  map_clear(&c->origins, origin_free);
  map_clear(&c->hosts, host_free);
  map_clear(&c->breakers, breaker_free);
  map_clear(&c->sheets, sheet_free);
  loop_free(c->loop);
  sites_free(c);
  deleg_shares_free(c);
  wall_pass_free(c);
}

/* A new run (@resume 0), or the run picked by resume_pick continued
 * (@resume 1: run @want, 0 the latest incomplete). */
static int crawl_exec(struct store *stp, const struct crawl_opts *o,
                      const struct crawl_site *sites, size_t n, int resume,
                      uint32_t want, uint32_t *run_id,
                      volatile sig_atomic_t *stop)
{
  struct crawl c;
  struct timing tm;
  size_t i;
  struct crawl_opts defaults;
  char *opts = NULL, *def = NULL;
  int rc;
  int64_t t0;

  memset(&c, 0, sizeof(c));
  timing_init(&tm, &c);
  last_error[0] = 0;
  c.st = stp;
  c.o = o;
  c.want_done = want_done;
  t0 = loop_now_ms();
  rc = sites_init(&c, sites, n);
  if (rc == CRAWL_OK)
    rc = services_init(&c);
  if (rc == CRAWL_OK)
    rc = vantage_first(&c, stop);
  if (rc == CRAWL_OK && resume) {
    /* after the vantage check: a run is resumed from where it was */
    crawl_opts_init(&defaults);
    opts = options_text(o);
    def = options_text(&defaults);
    rc =
      opts && def ? resume_pick(&c, want, opts, def, set_error) : CRAWL_NOMEM;
    if (rc == CRAWL_OK && run_id)
      *run_id = c.run;
  }
  if (rc == CRAWL_OK)
    rc = preflight_dns(&c, stop);
  if (rc == CRAWL_OK)
    rc = resume ? resume_begin(&c) : run_begin(&c, run_id);
  if (rc != CRAWL_OK && !c.have_run)
    goto out;
  if (rc == CRAWL_OK)
    rc = run_loop(&c, stop, t0);
  if (rc == CRAWL_OK && !c.nomem && !c.store_rc) {
    /* the dedicated timing requests, once nothing else is in flight */
    for (i = 0; i < c.n_sites; i++)
      timing_site_add(&tm, c.sites[i].idx, c.sites[i].final_url);
    timing_perf_add(&tm);
    timing_start(&tm);
    rc = run_loop(&c, stop, t0);
  }
  rc = run_end(&c, rc, t0);
out:
  tm.closing = 1;
  free(opts);
  free(def);
  crawl_teardown(&c);
  timing_cleanup(&tm);
  return rc;
}

int crawl_run(struct store *stp, const struct crawl_opts *o,
              const struct crawl_site *sites, size_t n, uint32_t *run_id,
              volatile sig_atomic_t *stop)
{
  return crawl_exec(stp, o, sites, n, 0, 0, run_id, stop);
}

int crawl_resume(struct store *stp, const struct crawl_opts *o,
                 const struct crawl_site *sites, size_t n, uint32_t run,
                 uint32_t *run_id, volatile sig_atomic_t *stop)
{
  return crawl_exec(stp, o, sites, n, 1, run, run_id, stop);
}
