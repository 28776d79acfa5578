/* crawler/subres.c - page completeness over IPv6: the subresources of
 * each page read for links are stored with the page and probed once per
 * run like links (probe.c, the same rules, DNS answers, windows and
 * breaker); a style sheet is also read once (over IPv4 if it answers,
 * else IPv6, obeying robots.txt, up to SHEET_MAX bytes) for its url()
 * and @import, which become subresources of every page that loads it. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crawler/crawl_int.h"

#define SHEET_MAX   (512u * 1024) /* bytes of a style sheet read */
#define SHEET_DEPTH 4             /* @import levels followed */

struct sheet_wait {
  uint32_t site;
  int depth;
  char *page;
  struct sheet_wait *next;
};

struct sheet {
  struct crawl *c;
  const char *url; /* the key in c->sheets */
  int done;
  struct css_url *v; /* once done: its url() and @import */
  size_t n;
  struct sheet_wait *waiting;
};

static void sheet_want(struct crawl *c, uint32_t site, const char *page,
                       const char *url, int depth);

/* Page @page of site @site loads @url as @kinds: stored, probed, and a
 * style sheet read (@depth: @import levels above it). */
static void sub_member(struct crawl *c, uint32_t site, const char *page,
                       const char *url, unsigned kinds, int depth)
{
  crawl_store_rc(c, store_sub_put(c->st, c->run, site, page, url, kinds));
  probe_add_sub(c, url);
  if ((kinds & HTML_SUB_STYLE) && depth <= SHEET_DEPTH)
    sheet_want(c, site, page, url, depth);
}

/* Sheet @sh is read: its URLs are subresources of the page. */
static void sheet_apply(struct crawl *c, const struct sheet *sh, uint32_t site,
                        const char *page, int depth)
{
  size_t i;
  for (i = 0; i < sh->n; i++)
    if (sh->v[i].url && url_is_http(sh->v[i].url))
      sub_member(c, site, page, sh->v[i].url,
                 sh->v[i].import ? HTML_SUB_STYLE : HTML_SUB_CSS, depth + 1);
}

static void sheet_done(int rc, struct attempt *a, void *arg)
{
  struct sheet *sh = arg;
  struct crawl *c = sh->c;
  struct sheet_wait *w;
  const char *why = NULL;
  char buf[32];

  if (rc == OUT_OK) {
    if (css_urls_extract(a->body, a->body ? a->body_len : 0, a->url, &sh->v,
                         &sh->n) != PARSE_OK)
      crawl_oom(c);
  } else if (rc == OUT_ROBOTS) {
    why = "disallowed by robots.txt";
  } else if (a->error) {
    why = a->error;
  } else if (a->status) {
    snprintf(buf, sizeof buf, "HTTP %d", a->status);
    why = buf;
  } else {
    why = "no response";
  }
  crawl_store_rc(
    c, store_sheet_put(c->st, c->run, sh->url, why ? -1 : (int)sh->n, why));
  attempt_free(a);
  sh->done = 1;
  while ((w = sh->waiting)) {
    sh->waiting = w->next;
    sheet_apply(c, sh, w->site, w->page, w->depth);
    free(w->page);
    free(w);
  }
}

static void sheet_want(struct crawl *c, uint32_t site, const char *page,
                       const char *url, int depth)
{
  struct sheet *sh = map_get(&c->sheets, url);
  struct sheet_wait *w;
  struct attempt *a;

  if (sh && sh->done) {
    sheet_apply(c, sh, site, page, depth);
    return;
  }
  w = calloc(1, sizeof *w);
  if (!w || !(w->page = strdup(page))) {
    free(w);
    crawl_oom(c);
    return;
  }
  w->site = site;
  w->depth = depth;
  if (sh) {
    w->next = sh->waiting;
    sh->waiting = w;
    return;
  }
  sh = calloc(1, sizeof *sh);
  if (!sh || !(sh->url = map_put(&c->sheets, url, sh))) {
    free(sh);
    free(w->page);
    free(w);
    crawl_oom(c);
    return;
  }
  sh->c = c;
  sh->waiting = w;
  a = attempt_new(c, url, 0, SHEET_MAX, sheet_done, sh);
  if (!a)
    return; /* out of memory: c->nomem ends the run */
  a->on_hop = origin_hop_gate;
  origin_hop_gate(a); /* robots.txt decides the first request too */
}

void subres_page(struct site *s, const char *page, const struct html_link *v,
                 size_t n)
{
  struct crawl *c = s->c;
  struct map seen = {0};
  unsigned *kinds = calloc(n ? n : 1, sizeof *kinds);
  size_t i;

  if (!kinds) {
    crawl_oom(c);
    return;
  }
  /* one row per URL: the kinds of its uses OR'd into its first use's */
  for (i = 0; i < n; i++) {
    uintptr_t first;
    if (!v[i].url || !url_is_http(v[i].url))
      continue; /* data:, javascript:, rejected: nothing to load */
    first = (uintptr_t)map_get(&seen, v[i].url);
    if (first) {
      kinds[first - 1] |= (unsigned)v[i].kind;
      continue;
    }
    kinds[i] = (unsigned)v[i].kind;
    if (!map_put(&seen, v[i].url, (void *)(uintptr_t)(i + 1))) {
      crawl_oom(c);
      goto out;
    }
  }
  for (i = 0; i < n; i++)
    if (kinds[i])
      sub_member(c, s->idx, page, v[i].url, kinds[i], 0);
out:
  map_clear(&seen, NULL);
  free(kinds);
}

void sheet_free(void *p)
{
  struct sheet *sh = p;
  struct sheet_wait *w;
  while ((w = sh->waiting)) {
    sh->waiting = w->next;
    free(w->page);
    free(w);
  }
  css_urls_free(sh->v, sh->n);
  free(sh);
}

void subres_free(struct html_link *v, size_t n)
{
  size_t i;
  for (i = 0; v && i < n; i++) {
    free(v[i].url);
    free(v[i].href);
  }
  free(v);
}

/* A row of a resumed run still to ask: its probe, or its sheet. */
struct sub_todo {
  uint32_t site;
  char *page, *url;
  int probe, sheet;
};

struct sub_todos {
  struct sub_todo *v;
  size_t n, cap;
  int oom;
};

static int todo_row(const struct store_sub_row *r, void *ud)
{
  struct sub_todos *t = ud;
  struct sub_todo *d;
  int probe = !r->probe;
  int sheet =
    (r->kinds & HTML_SUB_STYLE) && r->sheet_urls < 0 && !r->sheet_error;
  if (!probe && !sheet)
    return 0;
  if (t->n == t->cap) {
    size_t nc = t->cap ? t->cap * 2 : 64;
    struct sub_todo *nv = realloc(t->v, nc * sizeof *nv);
    if (!nv) {
      t->oom = 1;
      return 1;
    }
    t->v = nv;
    t->cap = nc;
  }
  d = &t->v[t->n];
  d->site = r->site;
  d->probe = probe;
  d->sheet = sheet;
  d->page = strdup(r->page);
  d->url = strdup(r->url);
  t->n++;
  if (!d->page || !d->url) {
    t->oom = 1;
    return 1;
  }
  return 0;
}

void subres_resume(struct crawl *c)
{
  struct sub_todos t;
  size_t i;
  int rc;

  memset(&t, 0, sizeof t);
  rc = store_subs_each(c->st, c->run, UINT32_MAX, todo_row, &t);
  if (t.oom)
    crawl_oom(c);
  else if (rc != STORE_OK)
    crawl_store_rc(c, rc);
  for (i = 0; i < t.n; i++) {
    if (!t.oom && rc == STORE_OK && t.v[i].probe)
      probe_add_sub(c, t.v[i].url);
    if (!t.oom && rc == STORE_OK && t.v[i].sheet)
      sheet_want(c, t.v[i].site, t.v[i].page, t.v[i].url, 0);
    free(t.v[i].page);
    free(t.v[i].url);
  }
  free(t.v);
}
