/* crawler/frontier.c - a site's levels, dedupe and scope.
 *
 * The frontier decides, for each link on a page, whether it is new to the
 * site, whether it is internal (its host in the scope domain) and whether
 * its page is read; it orders the levels breadth first by holding the
 * links of pages read before the pages above them. It does no I/O and
 * knows neither probes nor the store: links go out through f->cb.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "crawler/crawl_int.h"

struct held {
  int level; /* of the page the links are on */
  int flags; /* the caller's, for page_cb */
  char *page;
  struct html_page hp;
  struct held *next;
};

void frontier_init(struct frontier *f, int depth, int script_links,
                   frontier_link_cb cb, void *arg)
{
  memset(f, 0, sizeof(*f));
  f->depth = depth;
  f->script_links = script_links;
  f->cb = cb;
  f->arg = arg;
}

static void held_free(struct held *h)
{
  html_page_cleanup(&h->hp);
  free(h->page);
  free(h);
}

void frontier_cleanup(struct frontier *f)
{
  idset_clear(&f->seen);
  utab_clear(&f->own_keys, NULL);
  map_clear(&f->script_seen, NULL);
  while (f->held) {
    struct held *h = f->held;
    f->held = h->next;
    held_free(h);
  }
  free(f->scope);
  f->scope = NULL;
}

/* Where the URLs' entries are: a crawl's frontiers share its probes'. */
static struct utab *keys(struct frontier *f)
{
  return f->keys ? f->keys : &f->own_keys;
}

int frontier_mark(struct frontier *f, const char *url, int level)
{
  uint32_t id = utab_intern(keys(f), url);
  if (!id)
    return FRONTIER_NOMEM;
  if (idset_get(&f->seen, id))
    return 0;
  if (idset_put(&f->seen, id, level) < 0)
    return FRONTIER_NOMEM;
  return 1;
}

int frontier_level(const struct frontier *f, const char *url)
{
  return idset_get(&f->seen, utab_find(f->keys ? f->keys : &f->own_keys, url));
}

void frontier_want(struct frontier *f, int level)
{
  if (level <= STORE_MAX_LEVEL)
    f->pending[level]++;
}

size_t frontier_pages_left(const struct frontier *f)
{
  size_t n = 0;
  int j;
  for (j = 1; j <= STORE_MAX_LEVEL; j++)
    n += f->pending[j];
  return n;
}

int frontier_pages_above(const struct frontier *f, int level)
{
  int j;
  for (j = 1; j < level && j <= STORE_MAX_LEVEL; j++)
    if (f->pending[j])
      return 1;
  return 0;
}

int frontier_refresh(struct frontier *f, int level, const struct html_page *hp)
{
  if (level != 1 || !hp->refresh_url || !url_is_http(hp->refresh_url) ||
      f->refreshes >= MAX_REDIRECTS || frontier_level(f, hp->refresh_url))
    return 0;
  f->refreshes++;
  return frontier_mark(f, hp->refresh_url, 1) < 0 ? FRONTIER_NOMEM : 1;
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

/* 1 when @url's host is in @scope. */
static int in_scope(const char *url, const char *scope)
{
  struct url_view v;
  int internal;
  if (url_view_parse(url, &v) != PARSE_OK)
    return 0;
  internal = scope && url_host_in_domain(v.host, scope);
  url_view_cleanup(&v);
  return internal;
}

const char *frontier_link_key(const struct html_link *hl, const char *self,
                              char *frag, size_t len, int *kind)
{
  const char *key = hl->url ? hl->url : hl->href;
  if (!key)
    return NULL;
  *kind = !hl->url ? LINK_INVALID : url_is_http(key) ? LINK_HTTP : LINK_OTHER;
  if (hl->href && fragment_only(hl->href, frag, len) &&
      (!hl->url || !self || strcmp(hl->url, self) == 0)) {
    /* "#top" that stays on the page itself: recorded, never counted.
     * Under a <base href> that points elsewhere a browser goes to the
     * base: that is a link like any other. */
    key = frag;
    *kind = LINK_OTHER;
  }
  return key;
}

/* Link @hl of @page (whose own URL is @self) at @level: an edge, and a
 * new link of the site the first time its URL is seen. */
static int add_link(struct frontier *f, const char *page, const char *self,
                    const struct html_link *hl, int level)
{
  struct frontier_link l;
  char frag[512];
  int rc;
  memset(&l, 0, sizeof(l));
  l.url = frontier_link_key(hl, self, frag, sizeof(frag), &l.kind);
  if (!l.url)
    return FRONTIER_OK;
  l.page = page;
  l.level = level;
  rc = frontier_mark(f, l.url, level);
  if (rc == FRONTIER_NOMEM) {
    f->cb(FRONTIER_NOMEM, &l, f->arg);
    return FRONTIER_NOMEM;
  }
  l.fresh = rc == 1;
  l.internal = l.fresh && l.kind == LINK_HTTP && in_scope(l.url, f->scope);
  l.follow = l.internal && level < f->depth;
  f->cb(FRONTIER_OK, &l, f->arg);
  return FRONTIER_OK;
}

/* The links of a page at @level become links of @level + 1, as long as
 * that level is collected (--depth 1: the homepage's links are none of
 * the site's). URLs in its scripts are links only with --script-links,
 * else counted as what the pages may hide. */
static int page_links(struct frontier *f, int level, const char *page,
                      const struct html_page *hp, int flags)
{
  size_t i;
  int rc = FRONTIER_OK;
  if (f->page_cb)
    f->page_cb(page, level, hp, flags, f->arg);
  if (level >= f->depth)
    return FRONTIER_OK;
  for (i = 0; i < hp->n_links; i++)
    if (add_link(f, page, hp->url, &hp->links[i], level + 1) < 0)
      rc = FRONTIER_NOMEM;
  for (i = 0; i < hp->n_script_links; i++) {
    const struct html_link *l = &hp->script_links[i];
    if (!l->url || !url_is_http(l->url))
      continue;
    if (f->script_links) {
      if (add_link(f, page, hp->url, l, level + 1) < 0)
        rc = FRONTIER_NOMEM;
    } else if (!map_get(&f->script_seen, l->url) &&
               !map_put(&f->script_seen, l->url, (void *)1)) {
      rc = FRONTIER_NOMEM;
    }
  }
  return rc;
}

int frontier_page(struct frontier *f, int level, const char *page,
                  struct html_page *hp)
{
  return frontier_page_flags(f, level, page, hp, 0);
}

int frontier_page_flags(struct frontier *f, int level, const char *page,
                        struct html_page *hp, int flags)
{
  struct held *h, **pp = &f->held;
  int rc;
  if (!frontier_pages_above(f, level)) {
    rc = page_links(f, level, page, hp, flags);
    html_page_cleanup(hp);
    return rc;
  }
  /* A page above this one is still to be read: it may hold some of these
   * links at a lower level. */
  h = calloc(1, sizeof(*h));
  if (!h || !(h->page = strdup(page))) {
    free(h);
    html_page_cleanup(hp);
    return FRONTIER_NOMEM;
  }
  h->level = level;
  h->flags = flags;
  h->hp = *hp;
  while (*pp)
    pp = &(*pp)->next;
  *pp = h;
  return FRONTIER_OK;
}

int frontier_page_done(struct frontier *f, int level)
{
  struct held **pp = &f->held, *h;
  int rc = FRONTIER_OK;
  if (level >= 1 && level <= STORE_MAX_LEVEL && f->pending[level])
    f->pending[level]--;
  while ((h = *pp)) {
    if (frontier_pages_above(f, h->level)) {
      pp = &h->next;
      continue;
    }
    *pp = h->next;
    if (page_links(f, h->level, h->page, &h->hp, h->flags) < 0)
      rc = FRONTIER_NOMEM;
    held_free(h);
    pp = &f->held; /* new wants may have been added: look again */
  }
  return rc;
}

int frontier_script_mark(struct frontier *f, const char *url)
{
  if (map_get(&f->script_seen, url))
    return 0;
  if (!map_put(&f->script_seen, url, (void *)1))
    return FRONTIER_NOMEM;
  return 1;
}

struct hidden_count {
  const struct frontier *f;
  size_t n;
};

static void count_hidden(const char *key, void *val, void *arg)
{
  struct hidden_count *h = arg;
  (void)val;
  h->n += !frontier_level(h->f, key);
}

size_t frontier_script_hidden(const struct frontier *f)
{
  struct hidden_count h;
  h.f = f;
  h.n = 0;
  map_each(&f->script_seen, count_hidden, &h);
  return h.n;
}
