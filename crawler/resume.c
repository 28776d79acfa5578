/* crawler/resume.c - continuing a run that was stopped (Ctrl-C, kill -9,
 * a crash) instead of starting again.
 *
 * What the store holds after a kill is what was committed at the last
 * flush, which happens only between turns of the loop: every page's
 * links, their edges and the page record (store_page_put) are written in
 * one turn, so a page is either read with all its links stored or not at
 * all. A resumed run rebuilds each site from that:
 *
 *   - every stored link is marked seen at its level (first-seen stays);
 *   - every stored probe is measured: restored as finished, never asked
 *     again (its class, whether a family answered, why not);
 *   - a page to read for links (level 1, internal pages above --depth)
 *     with a page record needs nothing; without one it is wanted again:
 *     probed with its body when its probe is not stored, else read again
 *     (one GET) when the probe found a page;
 *   - links whose probe is not stored are probed.
 *
 * The frontier's counts of pages wanted per level are rebuilt by those
 * wants, so levels come out breadth first as in an uninterrupted crawl.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "crawler/crawl_int.h"

/* The measurement options compared: concurrency, per-host and the
 * breaker only change how fast a crawl goes, so a run may be resumed with
 * other values. */
static const char *const measured_keys[] = {
  "depth",        "timeout_ms",        "retries",
  "strict",       "allow_private",     "max_body",
  "script_links", "home_probes",       "max_crawl_delay_ms",
  "user_agent",   "connect_timeout_ms"};

/* The value of @key in options text @text into @out: the word after
 * "key=", or the rest of the text for user_agent. 0, or -1 when absent. */
static int opt_value(const char *text, const char *key, char *out, size_t len)
{
  size_t kl = strlen(key), n;
  const char *p = text;
  while (p && *p) {
    if (strncmp(p, key, kl) == 0 && p[kl] == '=') {
      p += kl + 1;
      n = strcmp(key, "user_agent") == 0 ? strlen(p) : strcspn(p, " ");
      if (n >= len)
        n = len - 1;
      memcpy(out, p, n);
      out[n] = 0;
      return 0;
    }
    p = strchr(p, ' ');
    if (p)
      p++;
  }
  return -1;
}

static int str_eq(const char *a, const char *b)
{
  if (!a || !b)
    return a == b;
  return strcmp(a, b) == 0;
}

/* The measurement options of run @r against the crawl's: 0 when alike,
 * else -1 with the error set. */
static int options_check(const struct store_run *r, const char *now,
                         const char *defaults,
                         void (*set_error)(const char *fmt, ...))
{
  char was[512], is[512];
  size_t i;
  for (i = 0; i < sizeof measured_keys / sizeof measured_keys[0]; i++) {
    const char *k = measured_keys[i];
    if (opt_value(now, k, is, sizeof is) < 0)
      continue;
    if ((!r->options || opt_value(r->options, k, was, sizeof was) < 0) &&
        opt_value(defaults, k, was, sizeof was) < 0)
      continue;
    if (strcmp(was, is) != 0) {
      set_error("cannot resume run %u: it was crawled with %s=%s, not %s=%s "
                "(resume it with the options it was started with)",
                r->id, k, was, k, is);
      return -1;
    }
  }
  return 0;
}

/* Stored site @ss against site @s of this crawl: 0 when it is the same
 * site, else -1 with the error set. The stored scope is the one given, or
 * (once the homepage was read) the registrable domain of its final URL. */
static int site_check(uint32_t run, const struct store_site *ss,
                      const struct site *s,
                      void (*set_error)(const char *fmt, ...))
{
  const char *given = s->spec.scope_domain, *what = NULL;
  char *reg = NULL;
  struct url_view v;
  int ok = 1;
  if (strcmp(ss->start_url, s->start_url) != 0)
    what = "start URL";
  else if (!str_eq(ss->name, s->spec.name))
    what = "name";
  else if (!str_eq(ss->unit, s->spec.unit))
    what = "unit";
  if (!what && given)
    ok = ss->scope_domain && strcmp(given, ss->scope_domain) == 0;
  else if (!what && ss->scope_domain) {
    ok = 0;
    if (ss->final_url && url_view_parse(ss->final_url, &v) == PARSE_OK) {
      ok = url_registrable_domain(v.host, &reg) == PARSE_OK && reg &&
           strcmp(reg, ss->scope_domain) == 0;
      free(reg);
      url_view_cleanup(&v);
    }
  }
  if (!what && !ok)
    what = "scope domain";
  if (!what)
    return 0;
  set_error("cannot resume run %u: its site %u (%s) has another %s than %s",
            run, ss->idx + 1, ss->start_url, what, s->spec.url);
  return -1;
}

/* The run to resume: @want, or the latest incomplete one. */
static int run_find(const struct store_run *runs, size_t n, uint32_t want,
                    void (*set_error)(const char *fmt, ...))
{
  size_t i;
  if (!want) {
    for (i = n; i-- > 0;)
      if (!runs[i].complete)
        return (int)i;
    set_error("nothing to resume: the store has no incomplete run");
    return -1;
  }
  for (i = 0; i < n; i++)
    if (runs[i].id == want)
      break;
  if (i == n)
    set_error("nothing to resume: the store has no run %u", want);
  else if (runs[i].complete)
    set_error("nothing to resume: run %u is complete", want);
  else
    return (int)i;
  return -1;
}

int resume_pick(struct crawl *c, uint32_t want, const char *opts_text,
                const char *defaults_text,
                void (*set_error)(const char *fmt, ...))
{
  struct store_run *runs = NULL;
  struct store_site *ss = NULL;
  size_t n = 0, ns = 0, i;
  int rc, src, k;

  rc = store_runs_list(c->st, &runs, &n);
  if (rc != STORE_OK) {
    set_error("cannot read the runs: %s", store_strerror(rc));
    return rc == STORE_NOMEM ? CRAWL_NOMEM : CRAWL_STORE;
  }
  k = run_find(runs, n, want, set_error);
  if (k < 0) {
    rc = CRAWL_NORESUME;
    goto out;
  }
  rc = CRAWL_MISMATCH;
  if (options_check(&runs[k], opts_text, defaults_text, set_error) < 0)
    goto out;
  /* c->v6 is the vantage check's, made before (crawl_exec) */
  if (runs[k].vantage_ipv6 >= 0 && runs[k].vantage_ipv6 != c->v6) {
    set_error("cannot resume run %u: it was crawled %s IPv6 at the vantage "
              "point, and this crawl is %s",
              runs[k].id, runs[k].vantage_ipv6 ? "with" : "without",
              c->v6 ? "with IPv6" : "without");
    goto out;
  }
  src = store_sites_list(c->st, runs[k].id, &ss, &ns);
  if (src != STORE_OK) {
    set_error("cannot read the sites of run %u", runs[k].id);
    rc = CRAWL_STORE;
    goto out;
  }
  /* no site stored: the run was killed before its first flush of them */
  if (ns && ns != c->n_sites) {
    set_error("cannot resume run %u: it has %zu site%s, not %zu", runs[k].id,
              ns, ns == 1 ? "" : "s", c->n_sites);
    goto out;
  }
  for (i = 0; i < ns; i++)
    if (ss[i].idx >= c->n_sites ||
        site_check(runs[k].id, &ss[i], &c->sites[ss[i].idx], set_error) < 0)
      goto out;
  c->run = runs[k].id;
  rc = CRAWL_OK;
out:
  store_sites_free(ss, ns);
  store_runs_free(runs, n);
  return rc;
}

/* ---- rebuilding a site ------------------------------------------------- */

struct rlink {
  char *url;
  int level, internal, kind;
};

struct rsite {
  struct crawl *c;
  struct site *s;
  struct rlink *v;
  size_t n, cap;
};

/* One stored link of the site: seen at its level, its probe measured. */
static int link_row(const struct store_link_row *row, void *ud)
{
  struct rsite *r = ud;
  struct rlink *l;
  const struct store_probe *p = row->probe;
  if (r->n == r->cap) {
    size_t cap = r->cap ? r->cap * 2 : 64;
    struct rlink *nv = realloc(r->v, cap * sizeof(*nv));
    if (!nv)
      return 1;
    r->v = nv;
    r->cap = cap;
  }
  l = &r->v[r->n];
  if (!(l->url = strdup(row->url)))
    return 1;
  r->n++;
  l->level = row->level;
  l->internal = row->internal;
  l->kind = row->kind;
  if (frontier_mark(&r->s->f, row->url, row->level) < 0)
    return 1;
  if (p && probe_restore(r->c, row->url, p->klass, p->v6.ok || p->v4.ok) < 0)
    return 1;
  return 0;
}

/* The pages site @s read, into @pages (url -> record); their script
 * literals and truncation restored. 0, or -1 when out of memory. */
static int pages_restore(struct site *s, const struct store_page *v, size_t n,
                         struct map *pages)
{
  size_t i;
  for (i = 0; i < n; i++) {
    const char *p = v[i].scripts, *e;
    if (!map_get(pages, v[i].url) && !map_put(pages, v[i].url, (void *)&v[i]))
      return -1;
    s->pages_cut += (v[i].flags & STORE_PAGE_TRUNCATED) != 0;
    while (p && *p) {
      char *u;
      int rc;
      e = strchr(p, '\n');
      u = strndup(p, e ? (size_t)(e - p) : strlen(p));
      rc = u ? frontier_script_mark(&s->f, u) : FRONTIER_NOMEM;
      free(u);
      if (rc < 0)
        return -1;
      p = e ? e + 1 : NULL;
    }
  }
  return 0;
}

/* The homepage's meta refreshes that were followed: their targets are
 * level 1; the first one not read yet is read again. */
static void refresh_restore(struct site *s, const struct map *pages)
{
  const char *cur = s->start_url;
  const struct store_page *pg;
  while ((pg = map_get(pages, cur)) && (pg->flags & STORE_PAGE_REFRESH) &&
         pg->refresh && s->f.refreshes < MAX_REDIRECTS) {
    if (frontier_mark(&s->f, pg->refresh, 1) < 0)
      crawl_oom(s->c);
    s->f.refreshes++;
    if (!map_get(pages, pg->refresh)) {
      page_job_start(s, 1, pg->refresh, 1, page_done);
      return;
    }
    cur = pg->refresh;
  }
}

/* What the site had: its homepage, indicators and scope. */
static int site_restore(struct site *s, const struct store_site *ss)
{
  struct crawl *c = s->c;
  if ((ss->final_url && !(s->final_url = strdup(ss->final_url))) ||
      (ss->error && !(s->error = strdup(ss->error))))
    return -1;
  if (ss->scope_domain) {
    free(s->f.scope);
    if (!(s->f.scope = strdup(ss->scope_domain)))
      return -1;
  }
  s->ind.home_tries = ss->home_tries;
  s->ind.home_ok = ss->home_ok;
  s->ind.consistent = ss->consistent;
  s->ind.similarity = ss->similarity;
  if (frontier_mark(&s->f, s->start_url, 1) < 0)
    return -1;
  if (s->final_url) {
    struct url_view v;
    if (frontier_mark(&s->f, s->final_url, 1) < 0)
      return -1;
    /* the name servers and delegation: DNS only, asked again */
    if (url_view_parse(s->final_url, &v) == PARSE_OK) {
      indicators_ns_ask(&s->ind, v.host);
      url_view_cleanup(&v);
    }
  }
  if (s->final_url || s->error) {
    s->home_known = 1;
    c->prog.sites_done++;
  }
  return 0;
}

/* Site @s of the resumed run, whose stored record is @ss (NULL: none was
 * stored: it starts as in a new run). */
static void site_resume(struct crawl *c, struct site *s,
                        const struct store_site *ss)
{
  struct store_page *pv = NULL;
  struct map pages;
  struct rsite r;
  const struct probe *home;
  size_t np = 0, i;
  int rc;

  memset(&pages, 0, sizeof(pages));
  memset(&r, 0, sizeof(r));
  r.c = c;
  r.s = s;
  if (!ss) {
    if (frontier_mark(&s->f, s->start_url, 1) < 0)
      crawl_oom(c);
    site_record(c, s);
    crawl_store_rc(c, store_link_put(c->st, c->run, s->idx, s->start_url, 1, 1,
                                     LINK_HTTP, NULL));
    site_want(s, s->start_url, 1, 1);
    return;
  }
  if (site_restore(s, ss) < 0)
    goto oom;
  rc = store_pages_list(c->st, c->run, s->idx, &pv, &np);
  if (rc != STORE_OK) {
    crawl_store_rc(c, rc);
    goto out;
  }
  if (pages_restore(s, pv, np, &pages) < 0)
    goto oom;
  rc = store_links_each(c->st, c->run, s->idx, link_row, &r);
  if (rc > 0)
    goto oom;
  if (rc != STORE_OK) {
    crawl_store_rc(c, rc);
    goto out;
  }
  refresh_restore(s, &pages);
  for (i = 0; i < r.n; i++) {
    const struct rlink *l = &r.v[i];
    int follow = l->level == 1 ? strcmp(l->url, s->start_url) == 0
                               : l->internal && l->level < c->o->depth;
    if (l->kind != LINK_HTTP || (follow && map_get(&pages, l->url)))
      continue;
    site_want(s, l->url, l->level, follow);
  }
  home = probe_get(c, s->start_url);
  if (c->v6 && home && home->restored)
    indicators_home_more(&s->ind, s->start_url);
  goto out;
oom:
  crawl_oom(c);
out:
  for (i = 0; i < r.n; i++)
    free(r.v[i].url);
  free(r.v);
  map_clear(&pages, NULL);
  store_pages_free(pv, np);
}

/* The outages the run recorded before stay: new ones are numbered after
 * them. */
static int resume_vantage_seq(struct crawl *c)
{
  struct store_vantage *v = NULL;
  size_t n = 0, i;
  int rc = store_vantage_list(c->st, c->run, &v, &n);
  for (i = 0; rc == STORE_OK && i < n; i++)
    if (v[i].seq > c->vantage_seq)
      c->vantage_seq = v[i].seq;
  store_vantage_free(v, n);
  return rc;
}

int resume_begin(struct crawl *c)
{
  struct store_site *ss = NULL;
  size_t ns = 0, i, j;
  int rc;

  c->resumed = 1;
  /* running again: not finished until run_end says so */
  rc = store_run_finish(c->st, c->run, 0, 0);
  if (rc == STORE_OK)
    rc = resume_vantage_seq(c);
  if (rc == STORE_OK)
    rc = store_sites_list(c->st, c->run, &ss, &ns);
  if (rc != STORE_OK) {
    crawl_store_rc(c, rc);
    return CRAWL_STORE;
  }
  c->have_run = 1;
  hosts_store(c);
  c->prog.sites = c->n_sites;
  for (i = 0; i < c->n_sites && !c->nomem; i++) {
    for (j = 0; j < ns && ss[j].idx != i; j++)
      ;
    site_resume(c, &c->sites[i], j < ns ? &ss[j] : NULL);
  }
  store_sites_free(ss, ns);
  if (!c->nomem)
    subres_resume(c);
  /* what resuming wrote (sites not stored before) goes in at once */
  crawl_store_rc(c, store_flush(c->st));
  if (c->nomem)
    return CRAWL_NOMEM;
  return c->store_rc ? CRAWL_STORE : CRAWL_OK;
}
