/* crawler/probe.c - one probe per distinct URL per run: robots.txt of its
 * origin first, then an attempt over IPv6 and one over IPv4 -> a class.
 *
 * Sites want probes' pages; once a probe is measured each want goes back
 * up through c->want_done, which decides what the page means for the site.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "crawler/crawl_int.h"

static void probe_path_free(struct probe *p);

/* A measured probe is no struct in c->probes but a tagged word (a crawl
 * holds one for every distinct URL it has seen, and most are measured
 * long before it ends): bit 0 set (no struct probe is at an odd
 * address), then what a site or timing.c still asks of it. probe_get
 * hands such a probe out as c->view, filled from the word. */
#define PW_MEASURED 1u
#define PW_ANY_OK   2u
#define PW_RESTORED 4u
#define PW_LINKED   8u
#define PW_CLASS(w) ((int)((w) >> 4))

static int word_is(const void *v)
{
  return ((uintptr_t)v & PW_MEASURED) != 0;
}

static void *word_make(int klass, int any_ok, int restored, int linked)
{
  return (void *)(((uintptr_t)klass << 4) | PW_MEASURED |
                  (any_ok ? PW_ANY_OK : 0) | (restored ? PW_RESTORED : 0) |
                  (linked ? PW_LINKED : 0));
}

static void fam_fill(struct store_family *f, const struct attempt *a)
{
  memset(f, 0, sizeof(*f));
  if (!a)
    return;
  f->ok = a->outcome == OUT_OK;
  f->status = a->status;
  f->error = a->outcome == OUT_OK ? NULL : a->error;
  f->hops = a->log.p;
  f->connect_ms = a->connect_ms;
  f->first_byte_ms = a->first_byte_ms;
  f->total_ms = a->total_ms;
}

static int classify(const struct probe *p)
{
  const struct attempt *a6 = p->fam[0], *a4 = p->fam[1];
  int ok6, ok4;
  /* robots.txt applies whatever the vantage point: a hop refused over
   * IPv4 alone (no IPv6 here) is robots, not unmeasured. */
  if ((a6 && a6->outcome == OUT_ROBOTS) || (a4 && a4->outcome == OUT_ROBOTS))
    return CLASS_ROBOTS;
  if (!a6 || p->v6_unmeasured)
    return CLASS_UNMEASURED;
  /* no IPv4 at the vantage point: an IPv4 request without a response
   * says nothing of the site, and without it nothing can be judged */
  if (!p->c->v4 && (!a4 || a4->outcome == OUT_NORESP))
    return CLASS_UNMEASURED;
  ok6 = a6->outcome == OUT_OK;
  ok4 = a4 && a4->outcome == OUT_OK;
  if (ok6 && ok4)
    return CLASS_OK;
  if (ok6)
    return CLASS_V6_ONLY;
  if (!ok4)
    /* the same refusal from the same wall on both families says nothing
     * of IPv6 (doc/measurement.md "Walls") */
    return a4 && a6->wall && a4->wall && wall_sig_same(a6->wall, a4->wall)
             ? CLASS_BLOCKED
             : CLASS_DEAD;
  switch (a6->outcome) {
    case OUT_NOADDR:
      return CLASS_NO_AAAA;
    case OUT_NORESP:
      return CLASS_V6_BROKEN;
    default:
      return CLASS_V6_ERROR;
  }
}

const struct attempt *probe_body(const struct probe *p)
{
  int i;
  for (i = 1; i >= 0; i--)
    if (p->fam[i] && p->fam[i]->outcome == OUT_OK && p->fam[i]->body)
      return p->fam[i];
  return NULL;
}

int probe_any_ok(const struct probe *p)
{
  if (p->finished && !p->fam[0] && !p->fam[1])
    return p->any_ok;
  return (p->fam[0] && p->fam[0]->outcome == OUT_OK) ||
         (p->fam[1] && p->fam[1]->outcome == OUT_OK);
}

/* Why robots.txt keeps @p (robots) from being asked. */
static const char *robots_why(const struct probe *p)
{
  if (p->origin && p->origin->disallow_all && p->origin->why)
    return p->origin->why;
  return "disallowed by robots.txt";
}

/* Why the measured probe @p (c->view) has no page: what its record says
 * of IPv4 (probe_record wrote probe_why's answer there), lent until the
 * next call. */
static const char *view_why(struct crawl *c, const struct probe *p)
{
  store_probe_cleanup(&c->view_rec);
  if (store_probe_get(c->st, c->run, p->url, &c->view_rec) != STORE_OK)
    return "no response";
  return why_text(c->view_rec.v4.error, c->view_rec.v4.status, c->why_buf,
                  sizeof c->why_buf);
}

const char *probe_why(const struct probe *p)
{
  const struct attempt *b = p->fam[1] ? p->fam[1] : p->fam[0];
  if (p->c && p == p->c->view)
    return view_why(p->c, p);
  if (p->klass == CLASS_ROBOTS)
    return robots_why(p);
  return b ? attempt_why(b, p->c->why_buf, sizeof p->c->why_buf)
           : "no response";
}

static void probe_record(struct crawl *c, struct probe *p)
{
  struct store_probe sp;
  memset(&sp, 0, sizeof(sp));
  sp.url = (char *)p->url;
  sp.klass = p->klass;
  fam_fill(&sp.v6, p->fam[0]);
  fam_fill(&sp.v4, p->fam[1]);
  if (p->klass == CLASS_ROBOTS)
    sp.v4.error = sp.v6.error = (char *)robots_why(p);
  crawl_store_rc(c, store_probe_put_ref(c->st, c->run, &sp, p->url_ref));
  c->prog.probes_done++;
}

static void probe_finish(struct crawl *c, struct probe *p)
{
  struct probe_want *w;
  int i;

  p->finished = 1;
  if (p->klass != CLASS_ROBOTS)
    p->klass = classify(p);
  probe_record(c, p);
  p->any_ok = probe_any_ok(p) != 0;
  if (p->klass == CLASS_OK && p->linked)
    timing_object(
      c, p->origin && p->origin->host ? p->origin->host->name : NULL, p->url);
  while ((w = p->wants)) {
    p->wants = w->next;
    c->want_done(0, p, w->level, w->arg);
    free(w);
  }
  for (i = 0; i < 2; i++) {
    attempt_free(p->fam[i]);
    p->fam[i] = NULL;
  }
  c->work--;
  /* A measured probe is only a word now (dedupe across sites, what a
   * site wanting its page later needs): a crawl holds one per URL. */
  utab_val_set(&c->probes, p->id, word_make(p->klass, p->any_ok, 0, p->linked));
  if (p->started)
    host_probe_done(p->origin->host);
  probe_free(p);
}

static void probe_attempt_done(int rc, struct attempt *a, void *arg)
{
  struct probe *p = arg;
  if (a == p->fam[0] && outage_v6_end(a->c, p, rc))
    return; /* held: outage.c settles it */
  if (--p->left == 0)
    probe_finish(a->c, p);
}

/* The attempt of @p over @family, obeying robots.txt on redirects. */
static struct attempt *probe_attempt(struct crawl *c, struct probe *p,
                                     int family, size_t body)
{
  struct attempt *a =
    attempt_new(c, p->url, family, body, probe_attempt_done, p);
  if (a)
    a->on_hop = origin_hop_gate;
  return a;
}

/* @p's turn in its host's window: both families start. */
static void probe_start(int rc, struct waiter *w)
{
  struct probe *p = CONTAINER_OF(w, struct probe, w);
  struct crawl *c = p->c;
  size_t body = p->wants ? c->o->max_body : 0;
  (void)rc;
  if (p->origin->host) {
    host_probe_started(p->origin->host);
    p->started = 1;
  }
  p->left = c->v6 ? 2 : 1;
  if (c->v6)
    p->fam[0] = probe_attempt(c, p, 6, body);
  p->fam[1] = probe_attempt(c, p, 4, body);
  if ((c->v6 && !p->fam[0]) || !p->fam[1]) {
    p->left = 0;
    return;
  }
  if (c->v6)
    attempt_hop(p->fam[0]);
  attempt_hop(p->fam[1]);
}

void probe_v6_settle(struct crawl *c, struct probe *p, int how)
{
  if (how == PROBE_V6_REASK) {
    attempt_free(p->fam[0]);
    p->reasks++;
    p->fam[0] = probe_attempt(c, p, 6, p->wants ? c->o->max_body : 0);
    if (p->fam[0]) {
      attempt_hop(p->fam[0]);
      return;
    }
    how = PROBE_V6_UNMEASURED; /* out of memory (c->nomem is set) */
  }
  if (how == PROBE_V6_UNMEASURED)
    p->v6_unmeasured = 1;
  if (--p->left == 0)
    probe_finish(c, p);
}

/* The origin's rules are known: refused, or in line for its host. */
static void probe_launch(int rc, struct waiter *w)
{
  struct probe *p = CONTAINER_OF(w, struct probe, w);
  struct origin *o = p->origin;
  (void)rc;
  if (!origin_allows_path(o, p->path)) {
    p->klass = CLASS_ROBOTS;
    probe_finish(p->c, p);
    return;
  }
  p->w.cb = probe_start;
  if (!o->host) {
    probe_start(0, &p->w);
    return;
  }
  host_probe_wait(o->host, &p->w, p->wants != NULL);
}

/* Site @arg wants the page at @level: NULL when out of memory. */
static struct probe_want *want_new(struct crawl *c, void *arg, int level)
{
  struct probe_want *w = calloc(1, sizeof(*w));
  if (!w) {
    crawl_oom(c);
    return NULL;
  }
  w->arg = arg;
  w->level = level;
  return w;
}

/* @p's path and query: a pointer into its URL when the URL ends with
 * them (as url_resolve writes URLs), else a copy; -1 when out of memory. */
static int probe_path_set(struct probe *p, const struct url_view *v)
{
  size_t n = strlen(p->url), k = strlen(v->path_query);
  if (k <= n && strcmp(p->url + n - k, v->path_query) == 0) {
    p->path = p->url + n - k;
    return 0;
  }
  p->path_own = 1;
  return (p->path = strdup(v->path_query)) ? 0 : -1;
}

static void probe_path_free(struct probe *p)
{
  if (p->path_own)
    free((char *)p->path);
  p->path = NULL;
  p->path_own = 0;
}

/* A new probe of @url (its entry in c->probes @id, which has no value,
 * or 0 when it has no entry yet), measured as soon as its origin's rules
 * are in; -1 when out of memory. The URL is parsed here, for its origin and
 * path, and not kept parsed: a crawl holds every probe it knows of.
 * The probe may be measured and freed before this returns (an origin
 * whose rules are in launches it at once), so it is not returned and
 * everything it needs is set before the launch. */
static int probe_new(struct crawl *c, uint32_t id, const char *url, void *arg,
                     int level, int linked)
{
  struct probe *p = calloc(1, sizeof(*p));
  struct url_view v;
  if (!p || !(p->url = strdup(url)) || url_view_parse(url, &v) != PARSE_OK) {
    if (p)
      free((char *)p->url);
    free(p);
    crawl_oom(c);
    return -1;
  }
  p->id = id;
  if (id)
    utab_val_set(&c->probes, id, p);
  else if (!(p->id = utab_set(&c->probes, url, p))) {
    url_view_cleanup(&v);
    free((char *)p->url);
    free(p);
    crawl_oom(c);
    return -1;
  }
  p->c = c;
  p->linked = linked;
  /* a link's URL was interned with the link (a hit of the store's cache
   * now): a subresource's is interned when its probe is stored, as ever */
  if (linked)
    crawl_store_rc(c, store_url_ref(c->st, url, &p->url_ref));
  c->prog.probes_total++;
  c->work++;
  if (probe_path_set(p, &v) < 0 ||
      (arg && !(p->wants = want_new(c, arg, level)))) {
    url_view_cleanup(&v);
    crawl_oom(c);
    return -1;
  }
  p->origin = origin_get(c, &v);
  url_view_cleanup(&v);
  if (!p->origin)
    return -1;
  p->w.cb = probe_launch;
  if (p->origin->state == 2)
    probe_launch(0, &p->w);
  else
    origin_wait(p->origin, &p->w);
  return 0;
}

int probe_add_sub(struct crawl *c, const char *url)
{
  uint32_t id = utab_find(&c->probes, url);
  if (!utab_val(&c->probes, id))
    probe_new(c, id, url, NULL, 0, 0);
  return PROBE_ADDED;
}

int probe_add(struct crawl *c, const char *url, void *arg, int level)
{
  uint32_t id = utab_find(&c->probes, url);
  struct probe *p = utab_val(&c->probes, id);
  struct probe_want *w;
  if (!p) {
    probe_new(c, id, url, arg, level, 1);
    return PROBE_ADDED;
  }
  if (word_is(p)) {
    uintptr_t v = (uintptr_t)(void *)p;
    if (!(v & PW_LINKED)) {
      utab_val_set(&c->probes, id, (void *)(v | PW_LINKED));
      if (PW_CLASS(v) == CLASS_OK)
        timing_object(c, NULL, url);
    }
    /* shared with another site, measured already */
    return arg ? PROBE_MEASURED : PROBE_ADDED;
  }
  p->linked = 1;
  if (!arg)
    return PROBE_ADDED;
  if ((w = want_new(c, arg, level))) {
    w->next = p->wants;
    p->wants = w;
  }
  return PROBE_ADDED;
}

int probe_restore(struct crawl *c, const char *url, int klass, int any_ok)
{
  if (utab_get(&c->probes, url))
    return 0;
  if (!utab_set(&c->probes, url, word_make(klass, any_ok, 1, 1))) {
    crawl_oom(c);
    return -1;
  }
  c->prog.probes_total++;
  c->prog.probes_done++;
  if (klass == CLASS_OK)
    timing_object(c, NULL, url);
  return 0;
}

const struct probe *probe_get(struct crawl *c, const char *url)
{
  void *v = utab_get(&c->probes, url);
  uintptr_t w = (uintptr_t)v;
  struct probe *p = c->view;
  if (!v || !word_is(v))
    return v;
  if (!p && !(p = c->view = calloc(1, sizeof(*p)))) {
    crawl_oom(c);
    return NULL;
  }
  memset(p, 0, sizeof(*p));
  p->c = c;
  /* the caller's: lent as long as it lends it */
  p->url = url;
  p->finished = 1;
  p->klass = (short)PW_CLASS(w);
  p->any_ok = (w & PW_ANY_OK) != 0;
  p->restored = (w & PW_RESTORED) != 0;
  p->linked = (w & PW_LINKED) != 0;
  return p;
}

void probes_clear(struct crawl *c)
{
  utab_clear(&c->probes, probe_free);
  free(c->view);
  c->view = NULL;
  store_probe_cleanup(&c->view_rec);
}

void probe_free(void *pp)
{
  struct probe *p = pp;
  struct probe_want *w;
  if (word_is(pp))
    return;
  probe_path_free(p); /* its attempts die with c->attempts */
  free((char *)p->url);
  while ((w = p->wants)) {
    p->wants = w->next;
    free(w);
  }
  free(p);
}
