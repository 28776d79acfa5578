/* crawler/origin.c - robots.txt per origin: asked once, first, before any
 * probe of the origin starts; its Crawl-delay slows its host; redirect
 * hops into the origin wait for it too.
 *
 * Probes and hops wait here as struct waiter and are called back once
 * the rules are known.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crawler/crawl_int.h"

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
  if (origin_allows(o, a->url))
    attempt_hop(a);
  else
    attempt_refuse(a);
}

/* Wake everything waiting on @o: the probes, then the redirect hops. */
static void origin_wake(struct origin *o)
{
  struct waiter *w;
  while ((w = o->waiting)) {
    o->waiting = w->next;
    w->cb(0, w);
  }
  while ((w = o->hops_waiting)) {
    o->hops_waiting = w->next;
    w->next = NULL;
    hop_obey(CONTAINER_OF(w, struct attempt, hop_w), o);
  }
}

static void robots_fetch(struct crawl *c, struct origin *o, const char *url);

/* robots.txt came (or could not): its rules, or none. One whose body
 * broke off (reset, timeout) is unreachable (RFC 9309 2.3.1.4: a network
 * error), like a 5xx: asked once more, then the origin is disallowed,
 * never read as if what came were all of it. */
static void robots_done(int rc, struct attempt *a, void *arg)
{
  struct crawl *c = a->c;
  struct origin *o = arg;
  char why[400];
  if (rc == OUT_OK && a->cut) {
    if (!o->retried) {
      o->retried = 1;
      robots_fetch(c, o, a->start);
      attempt_free(a);
      return;
    }
    snprintf(why, sizeof(why),
             "disallowed by robots.txt: it broke off (%s), so it counts "
             "as unreachable",
             a->cut);
    o->disallow_all = 1;
    if (!(o->why = strdup(why)))
      crawl_oom(c);
  } else if (rc == OUT_OK && a->status >= 200 && a->status < 300) {
    if (robots_parse(a->body ? a->body : "", a->body_len, c->o->user_agent,
                     &o->rules) != PARSE_OK)
      crawl_oom(c);
    else if (o->host && c->o->max_crawl_delay_ms > 0) {
      /* Crawl-delay is politeness, capped so a night's crawl ends. */
      double d = robots_crawl_delay(o->rules) * 1000.0;
      long ms = d > (double)c->o->max_crawl_delay_ms ? c->o->max_crawl_delay_ms
                                                     : (long)d;
      host_delay_raise(o->host, ms);
    }
  } else if (a->status >= 500) {
    o->disallow_all = 1; /* RFC 9309: unreachable (5xx) = disallow all */
  }
  /* 4xx and no response at all: everything allowed; a host that answers
   * on neither family will be measured dead by its probes. */
  o->state = 2;
  attempt_free(a);
  origin_wake(o);
}

struct origin *origin_get(struct crawl *c, const struct url_view *v)
{
  struct origin *o = map_get(&c->origins, v->origin);
  char robots_url[1024];
  if (o)
    return o;
  o = calloc(1, sizeof(*o));
  if (!o || !map_put(&c->origins, v->origin, o)) {
    free(o);
    crawl_oom(c);
    return NULL;
  }
  o->state = 1;
  o->host = host_get(c, v->host);
  snprintf(robots_url, sizeof(robots_url), "%s/robots.txt", v->origin);
  robots_fetch(c, o, robots_url);
  return o;
}

/* Ask for @o's robots.txt at @url; robots_done follows. */
static void robots_fetch(struct crawl *c, struct origin *o, const char *url)
{
  struct attempt *a =
    attempt_new(c, url, 0, ROBOTS_MAX_BYTES + 1, robots_done, o);
  if (a) {
    a->s.retries = 1; /* RFC 9309 practice: a 5xx is asked once more */
    attempt_hop(a);
  }
}

void origin_wait(struct origin *o, struct waiter *w)
{
  w->next = o->waiting;
  o->waiting = w;
}

int origin_allows_path(const struct origin *o, const char *path_query)
{
  return !o->disallow_all &&
         (!o->rules || robots_allowed(o->rules, path_query));
}

void origin_hop_gate(struct attempt *a)
{
  struct url_view v;
  struct origin *o = NULL;
  if (url_view_parse(a->url, &v) == PARSE_OK) {
    o = origin_get(a->c, &v);
    url_view_cleanup(&v);
  }
  if (o && o->state != 2) {
    a->hop_w.next = o->hops_waiting;
    o->hops_waiting = &a->hop_w;
    return;
  }
  if (o)
    hop_obey(a, o);
  else
    attempt_hop(a);
}

void origin_free(void *p)
{
  struct origin *o = p;
  robots_free(o->rules);
  free(o->why);
  free(o);
}
