/* parser/html.c - link extraction from HTML pages (gumbo).
 *
 * The page is decoded to UTF-8 first (charset.c), its nesting bounded
 * (nest.c), parsed by gumbo as a browser would, and walked in document
 * order without recursion. gumbo allocates from an arena of ours with a
 * budget of bytes and CPU time: a page that exceeds it is parsed again
 * from a shorter prefix, the tree is freed with the arena (gumbo 0.10.1
 * frees recursively: a million nested elements exhaust the stack), and
 * no malloc header is spent on each of gumbo's many small blocks. Nothing
 * gumbo owns outlives html_links_extract: every string is copied.
 */
#include "config.h"

#include <ctype.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <gumbo.h>

#include "base/base.h"
#include "parser/parse.h"
#include "parser/parse_int.h"

/* The parse budget: gumbo may allocate this many bytes per byte of the
 * page (plus a floor), and use this much CPU time; a prefix parsed again
 * after a failure gets half the time of the try before, at most
 * BUDGET_TRIES tries in all. */
#define BUDGET_BYTES_PER_BYTE 48
#define BUDGET_BYTES_FLOOR    (32u << 20)
#define BUDGET_CPU_MS         10000
#define BUDGET_TRIES          4
#define ARENA_CHUNK           (1u << 20)
/* A page is parsed in parts of about this size where its open elements
 * allow (nest.c): one part's tree in memory at a time. */
#define HTML_PART_BYTES (256u << 10)
#define ARENA_ALIGN     8

/* The budget and the arena gumbo allocates from (when it lets us). */
struct arena_chunk {
  struct arena_chunk *next;
  size_t used, cap;
  max_align_t data[];
};

struct arena {
  struct arena_chunk *head;
  size_t total, max_bytes;
  int64_t cpu_start_us, max_cpu_us;
  unsigned calls;
  int over; /* 0, or why the parse stopped: PARSE_TOOBIG / PARSE_NOMEM */
  jmp_buf jb;
};

static int64_t thread_cpu_us(void)
{
  struct timespec ts;
  if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts))
    return 0;
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void arena_free(struct arena *a)
{
  while (a->head) {
    struct arena_chunk *c = a->head;
    a->head = c->next;
    free(c);
  }
}

#ifdef GUMBO_HAS_ALLOCATOR
/* gumbo's allocator: out of budget or memory, leave the parse for the
 * setjmp in html_parse (gumbo holds nothing but arena memory). */
static void *arena_alloc(void *ud, size_t n)
{
  struct arena *a = ud;
  struct arena_chunk *c = a->head;
  void *p;

  /* gumbo keeps pointers, size_t and unsigned in its blocks (no long
   * double): 8 bytes of alignment, not max_align_t's 16, which would cost
   * a third more on its many short strings */
  n = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
  a->total += n;
  if (a->total > a->max_bytes ||
      ((++a->calls & 255) == 0 &&
       thread_cpu_us() - a->cpu_start_us > a->max_cpu_us)) {
    a->over = PARSE_TOOBIG;
    longjmp(a->jb, 1);
  }
  if (!c || c->cap - c->used < n) {
    size_t cap = n > ARENA_CHUNK / 4 ? n : ARENA_CHUNK;
    struct arena_chunk *nc = malloc(sizeof *nc + cap);
    if (!nc) {
      a->over = PARSE_NOMEM;
      longjmp(a->jb, 1);
    }
    nc->used = 0;
    nc->cap = cap;
    if (c && cap == n) { /* a big block: keep filling the current chunk */
      nc->next = c->next;
      c->next = nc;
    } else {
      nc->next = c;
      a->head = nc;
    }
    c = nc;
  }
  p = (char *)c->data + c->used;
  c->used += n;
  return p;
}

static void arena_dealloc(void *ud, void *p)
{
  (void)ud;
  (void)p; /* freed with the arena */
}
#endif

/* Parse @p/@n with gumbo into *out under @a's budget. Returns PARSE_OK,
 * PARSE_TOOBIG (over budget) or PARSE_NOMEM; the tree lives until
 * html_gumbo_destroy(@a, *out). */
static int html_parse(struct arena *a, const char *p, size_t n,
                      GumboOutput **out)
{
  GumboOptions opts = kGumboDefaultOptions;
  GumboOutput *volatile o = NULL;

  opts.max_errors = 0;
#ifdef GUMBO_HAS_ALLOCATOR
  opts.allocator = arena_alloc;
  opts.deallocator = arena_dealloc;
  opts.userdata = a;
  if (setjmp(a->jb)) {
    arena_free(a);
    *out = NULL;
    return a->over;
  }
#else
  (void)a;
#endif
  o = gumbo_parse_with_options(&opts, p, n);
  *out = o;
  return o ? PARSE_OK : PARSE_NOMEM;
}

/* Debian's gumbo 0.10.1 takes the options too; newer releases do not.
 * With our allocator the tree goes with the arena, without recursion. */
static void html_gumbo_destroy(struct arena *a, GumboOutput *out)
{
#ifdef GUMBO_HAS_ALLOCATOR
  (void)out;
  arena_free(a);
#else
  (void)a;
  if (!out)
    return;
#ifdef GUMBO_DESTROY_TAKES_OPTIONS
  gumbo_destroy_output(&kGumboDefaultOptions, out);
#else
  gumbo_destroy_output(out);
#endif
#endif
}

struct node_stack {
  GumboNode **v;
  size_t n, cap;
};

static int stack_push(struct node_stack *s, GumboNode *node)
{
  if (s->n == s->cap) {
    size_t nc = s->cap ? s->cap * 2 : 64;
    GumboNode **nv = realloc(s->v, nc * sizeof *nv);
    if (!nv)
      return -1;
    s->v = nv;
    s->cap = nc;
  }
  s->v[s->n++] = node;
  return 0;
}

/* Push the children of @node so they pop in document order. */
static int stack_push_children(struct node_stack *s, GumboNode *node)
{
  const GumboVector *ch;
  size_t i;

  if (node->type == GUMBO_NODE_DOCUMENT)
    ch = &node->v.document.children;
  else if (node->type == GUMBO_NODE_ELEMENT)
    ch = &node->v.element.children;
  else
    return 0;
  for (i = ch->length; i > 0; i--)
    if (stack_push(s, ch->data[i - 1]))
      return -1;
  return 0;
}

/* Does the string literal @s/@n look like a URL a script would follow? */
static int html_url_like(const char *s, size_t n)
{
  static const char *const ext[] = {".html", ".htm", ".shtml"};
  size_t i;

  if ((n > 7 && !strncasecmp(s, "http://", 7)) ||
      (n > 8 && !strncasecmp(s, "https://", 8)))
    return 1;
  if (n < 2 || s[0] != '/' || s[1] == '/')
    return 0;
  for (i = 0; i < n; i++)
    if (isspace((unsigned char)s[i]))
      return 0;
  for (i = 0; i < sizeof ext / sizeof ext[0]; i++) {
    size_t el = strlen(ext[i]);
    if (n > el && !strncasecmp(s + n - el, ext[i], el))
      return 1;
  }
  return 0;
}

static int html_script_link_add(struct html_page *page, const char *s,
                                size_t n);

/* Count URL-like string literals ('...', "..." or `...`) in script text,
 * and keep each in page->script_links (an out-of-memory there only loses
 * the list, never the page). */
static size_t html_count_script_urls(struct html_page *page, const char *s)
{
  size_t count = 0;

  while (*s) {
    char q = *s;
    const char *a;
    if (q != '"' && q != '\'' && q != '`') {
      s++;
      continue;
    }
    a = ++s;
    while (*s && *s != q && *s != '\n') {
      if (*s == '\\' && s[1])
        s++;
      s++;
    }
    if (*s == q) {
      if (html_url_like(a, (size_t)(s - a))) {
        count++;
        (void)html_script_link_add(page, a, (size_t)(s - a));
      }
      s++;
    }
  }
  return count;
}

/* The URL in a refresh content value ("5; url='x'"), or NULL. Returns a
 * pointer into @content and its length in *len. */
static const char *html_refresh_target(const char *c, size_t *len)
{
  const char *e;

  while (isspace((unsigned char)*c))
    c++;
  if (!isdigit((unsigned char)*c) && *c != '.')
    return NULL;
  while (isdigit((unsigned char)*c) || *c == '.')
    c++;
  while (isspace((unsigned char)*c))
    c++;
  if (*c == ';' || *c == ',')
    c++;
  while (isspace((unsigned char)*c))
    c++;
  if (!*c)
    return NULL;
  if (!strncasecmp(c, "url", 3)) {
    const char *p = c + 3;
    while (isspace((unsigned char)*p))
      p++;
    if (*p == '=') {
      p++;
      while (isspace((unsigned char)*p))
        p++;
      c = p;
    }
  }
  if (*c == '"' || *c == '\'') {
    char q = *c++;
    e = strchr(c, q);
    if (!e)
      e = c + strlen(c);
  } else {
    e = c + strlen(c);
    while (e > c && isspace((unsigned char)e[-1]))
      e--;
  }
  *len = (size_t)(e - c);
  return *len ? c : NULL;
}

/* Links are resolved once the whole page is read (html_links_resolve):
 * the first <base href> of the page applies to the links before it too,
 * and the page is parsed in parts. */
static int html_link_add(struct html_page *page, const char *href, int kind)
{
  return html_link_push(&page->links, &page->n_links, href, strlen(href), kind);
}

static int html_script_link_add(struct html_page *page, const char *s, size_t n)
{
  struct html_link *l;
  char *href = strndup(s, n);

  if (!href)
    return PARSE_NOMEM;
  /* grow by powers of two: the count is the capacity's only witness */
  if ((page->n_script_links & (page->n_script_links - 1)) == 0) {
    size_t nc = page->n_script_links ? page->n_script_links * 2 : 4;
    struct html_link *nl = realloc(page->script_links, nc * sizeof *nl);
    if (!nl) {
      free(href);
      return PARSE_NOMEM;
    }
    page->script_links = nl;
  }
  l = &page->script_links[page->n_script_links++];
  l->kind = HTML_SCRIPT;
  l->href = href;
  l->url = NULL;
  return PARSE_OK;
}

/* Resolve the @n links of @v against the page's base. */
static int html_links_resolve(struct html_page *page, struct html_link *v,
                              size_t n)
{
  struct url_base *b = NULL;
  size_t i;
  int rc = PARSE_OK;

  if (!n)
    return PARSE_OK;
  if (url_base_new(page->base[0] ? page->base : NULL, &b) == PARSE_NOMEM)
    return PARSE_NOMEM;
  for (i = 0; i < n && rc == PARSE_OK; i++)
    if (url_resolve_base(b, v[i].href, page->charset, 0, &v[i].url) ==
        PARSE_NOMEM)
      rc = PARSE_NOMEM;
  url_base_free(b);
  return rc;
}

static const char *html_charset_display(const char *cs)
{
  if (!strcmp(cs, "BIG5-HKSCS"))
    return "Big5";
  return cs;
}

/* Find the first <base href> and the first refresh target. */
static int html_prepass(GumboNode *root, const char *page_url,
                        struct html_page *page, char **refresh_raw,
                        int *have_base)
{
  struct node_stack st = {NULL, 0, 0};
  int rc = PARSE_OK;

  if (stack_push(&st, root)) {
    rc = PARSE_NOMEM;
    goto out;
  }
  while (st.n) {
    GumboNode *node = st.v[--st.n];
    GumboElement *el;
    GumboAttribute *a;

    if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_DOCUMENT)
      continue;
    if (node->type == GUMBO_NODE_ELEMENT) {
      el = &node->v.element;
      if (el->tag == GUMBO_TAG_BASE && !*have_base &&
          (a = gumbo_get_attribute(&el->attributes, "href"))) {
        char *b = NULL;
        *have_base = 1;
        rc = url_resolve(page_url, a->value, page->charset, 0, &b);
        if (rc == PARSE_NOMEM)
          goto out;
        rc = PARSE_OK;
        if (b && (!strncmp(b, "data:", 5) || !strncmp(b, "javascript:", 11))) {
          free(b);
          b = NULL;
        }
        if (b) {
          free(page->base);
          page->base = b;
        }
      } else if (el->tag == GUMBO_TAG_META && !*refresh_raw) {
        GumboAttribute *he = gumbo_get_attribute(&el->attributes, "http-equiv");
        GumboAttribute *ct = gumbo_get_attribute(&el->attributes, "content");
        if (he && ct && !strcasecmp(he->value, "refresh")) {
          size_t tl = 0;
          const char *t = html_refresh_target(ct->value, &tl);
          if (t) {
            *refresh_raw = strndup(t, tl);
            if (!*refresh_raw) {
              rc = PARSE_NOMEM;
              goto out;
            }
          }
        }
      }
    }
    if (stack_push_children(&st, node)) {
      rc = PARSE_NOMEM;
      goto out;
    }
  }
out:
  free(st.v);
  return rc;
}

/* The subresources the element @node loads (parse.h, "subresources"). */
static int html_walk_subres(GumboNode *node, struct html_page *page)
{
  GumboElement *el = &node->v.element;
  GumboNode *up = node->parent;
  GumboAttribute *a = gumbo_get_attribute(&el->attributes, "style");
  int rc = a ? subres_css(page, a->value) : PARSE_OK, kind = 0;
  size_t i;

  if (rc)
    return rc;
  switch (el->tag) {
    case GUMBO_TAG_IMG:
    case GUMBO_TAG_SOURCE:
      /* a video's or an audio's source is media, a picture's an image */
      if (el->tag == GUMBO_TAG_SOURCE && up && up->type == GUMBO_NODE_ELEMENT &&
          (up->v.element.tag == GUMBO_TAG_VIDEO ||
           up->v.element.tag == GUMBO_TAG_AUDIO)) {
        kind = HTML_SUB_MEDIA;
        break;
      }
      if ((a = gumbo_get_attribute(&el->attributes, "srcset")) &&
          (rc = subres_srcset(page, a->value, HTML_SUB_IMG)))
        return rc;
      kind = HTML_SUB_IMG;
      break;
    case GUMBO_TAG_SCRIPT:
      kind = HTML_SUB_SCRIPT;
      break;
    case GUMBO_TAG_IFRAME:
      kind = HTML_SUB_IFRAME;
      break;
    case GUMBO_TAG_VIDEO:
    case GUMBO_TAG_AUDIO:
      kind = HTML_SUB_MEDIA;
      break;
    case GUMBO_TAG_LINK:
      a = gumbo_get_attribute(&el->attributes, "rel");
      kind = subres_link_kind(a ? a->value : NULL);
      if (kind && (a = gumbo_get_attribute(&el->attributes, "href")))
        return subres_add(page, a->value, strlen(a->value), kind);
      return PARSE_OK;
    case GUMBO_TAG_STYLE:
      for (i = 0; i < el->children.length && rc == PARSE_OK; i++) {
        GumboNode *t = el->children.data[i];
        if (t->type == GUMBO_NODE_TEXT || t->type == GUMBO_NODE_CDATA ||
            t->type == GUMBO_NODE_WHITESPACE)
          rc = subres_css(page, t->v.text.text);
      }
      return rc;
    default:
      return PARSE_OK;
  }
  if ((a = gumbo_get_attribute(&el->attributes, "src")))
    rc = subres_add(page, a->value, strlen(a->value), kind);
  return rc;
}

static int html_walk(GumboNode *root, struct html_page *page)
{
  struct node_stack st = {NULL, 0, 0};
  size_t i;
  int rc = PARSE_OK;

  if (stack_push(&st, root)) {
    rc = PARSE_NOMEM;
    goto out;
  }
  while (st.n) {
    GumboNode *node = st.v[--st.n];
    GumboElement *el;
    GumboAttribute *a = NULL;
    int kind = -1;

    if (node->type == GUMBO_NODE_DOCUMENT) {
      if (stack_push_children(&st, node)) {
        rc = PARSE_NOMEM;
        goto out;
      }
      continue;
    }
    /* comments, text and template contents hold no links */
    if (node->type != GUMBO_NODE_ELEMENT)
      continue;
    el = &node->v.element;
    for (i = 0; i < el->attributes.length; i++) {
      GumboAttribute *at = el->attributes.data[i];
      if (!strncasecmp(at->name, "on", 2))
        page->script_urls += html_count_script_urls(page, at->value);
    }
    rc = html_walk_subres(node, page);
    if (rc)
      goto out;
    switch (el->tag) {
      case GUMBO_TAG_A:
        kind = HTML_A;
        a = gumbo_get_attribute(&el->attributes, "href");
        break;
      case GUMBO_TAG_AREA:
        kind = HTML_AREA;
        a = gumbo_get_attribute(&el->attributes, "href");
        break;
      case GUMBO_TAG_IFRAME:
        kind = HTML_IFRAME;
        a = gumbo_get_attribute(&el->attributes, "src");
        break;
      case GUMBO_TAG_FRAME:
        kind = HTML_FRAME;
        a = gumbo_get_attribute(&el->attributes, "src");
        break;
      case GUMBO_TAG_SCRIPT:
        for (i = 0; i < el->children.length; i++) {
          GumboNode *t = el->children.data[i];
          if (t->type == GUMBO_NODE_TEXT || t->type == GUMBO_NODE_CDATA ||
              t->type == GUMBO_NODE_WHITESPACE)
            page->script_urls += html_count_script_urls(page, t->v.text.text);
        }
        continue;
      case GUMBO_TAG_STYLE:
      case GUMBO_TAG_NOFRAMES:
        continue;
      default:
        break;
    }
    if (a && el->tag != GUMBO_TAG_UNKNOWN) {
      rc = html_link_add(page, a->value, kind);
      if (rc)
        goto out;
    }
    if (stack_push_children(&st, node)) {
      rc = PARSE_NOMEM;
      goto out;
    }
  }
out:
  free(st.v);
  return rc;
}

/* The prefix of @text to parse again after a try over budget: half of
 * @len, cut before a tag so the prefix ends between elements. */
static size_t html_prefix_half(const char *text, size_t len)
{
  size_t h = len / 2;
  while (h > 0 && text[h] != '<')
    h--;
  return h;
}

/* What the parts of a page share while they are parsed. */
struct html_parse {
  struct html_page *page;
  const char *page_url;
  char *refresh_raw; /* the first refresh target found (owned) */
  int have_base;
  int64_t cpu_left_us; /* of the page's budget */
};

/* Parse the part @p/@n of the page (preceded by the start tags @ctx that
 * open its context, "" for the first part) and take its links. Over the
 * budget, its first half is tried, up to BUDGET_TRIES times in all, each
 * with half the time. *@fitted is how many bytes of @p were read.
 * Returns PARSE_OK, PARSE_TOOBIG (only *@fitted bytes fitted: the page
 * ends there) or PARSE_NOMEM. */
static int html_part(struct html_parse *hs, const char *ctx, const char *p,
                     size_t n, size_t *fitted)
{
  struct arena ar;
  struct v6_buf buf;
  GumboOutput *out = NULL;
  size_t cl = strlen(ctx), plen = n;
  int64_t cpu = hs->cpu_left_us, t0;
  int rc = PARSE_TOOBIG, tries, over = 0;

  memset(&ar, 0, sizeof ar);
  v6_buf_init(&buf, 0);
  *fitted = 0;
  for (tries = 0; tries < BUDGET_TRIES && rc == PARSE_TOOBIG; tries++) {
    const char *q = p;
    size_t qn = plen;
    if (cl) {
      v6_buf_reset(&buf);
      v6_buf_putn(&buf, ctx, cl);
      v6_buf_putn(&buf, p, plen);
      if (buf.oom) {
        rc = PARSE_NOMEM;
        goto out;
      }
      q = buf.p;
      qn = buf.n;
    }
    ar.total = 0;
    ar.max_bytes = qn * BUDGET_BYTES_PER_BYTE + BUDGET_BYTES_FLOOR;
    ar.max_cpu_us = cpu;
    t0 = ar.cpu_start_us = thread_cpu_us();
    rc = html_parse(&ar, q, qn, &out);
    hs->cpu_left_us -= thread_cpu_us() - t0;
    if (rc == PARSE_TOOBIG) {
      over = 1;
      plen = html_prefix_half(p, plen);
      cpu /= 2;
    }
  }
  if (rc)
    goto out;
  *fitted = plen;
  v6_buf_cleanup(&buf);
  rc = html_prepass(out->document, hs->page_url, hs->page, &hs->refresh_raw,
                    &hs->have_base);
  if (rc == PARSE_OK)
    rc = html_walk(out->document, hs->page);
  if (rc == PARSE_OK && over)
    rc = PARSE_TOOBIG;
out:
  html_gumbo_destroy(&ar, out);
  v6_buf_cleanup(&buf);
  return rc;
}

/* Bound, split and parse the decoded page @text/@len into @page (the
 * guard's evidence too). Returns PARSE_OK or PARSE_NOMEM. */
static int html_parse_page(struct html_parse *hs, struct v6_buf *text)
{
  struct html_page *page = hs->page;
  struct v6_buf flat;
  struct html_nest_cut cut;
  const char *src;
  size_t srclen, k, fitted;
  int rc, rewritten;

  v6_buf_init(&flat, 0);
  rc = html_nest_guard(text->p, text->n, HTML_MAX_DEPTH, HTML_PART_BYTES, &flat,
                       &cut);
  if (rc)
    goto out;
  page->depth = cut.max_depth;
  page->flattened = cut.flattened;
  page->flat_at = cut.first_at;
  page->collapsed = cut.collapsed;
  page->parsed = page->text_len;
  if (cut.flattened)
    page->cut |= HTML_CUT_DEPTH;
  rewritten = cut.flattened || cut.collapsed;
  if (rewritten)
    v6_buf_cleanup(text); /* the page is the rewritten one now */
  src = rewritten ? flat.p : text->p;
  srclen = rewritten ? flat.n : text->n;
  for (k = 0; k <= cut.n_splits; k++) {
    size_t from = k ? cut.splits[k - 1].at : 0;
    size_t to = k < cut.n_splits ? cut.splits[k].at : srclen;
    page->parts++;
    rc = html_part(hs, k ? cut.splits[k - 1].ctx : "", src + from, to - from,
                   &fitted);
    if (rc == PARSE_TOOBIG) {
      /* the page ends where the budget did (in the guard's input when
       * its output is the same or only has text collapsed, else where
       * this part began) */
      page->cut |= HTML_CUT_BUDGET;
      if (cut.flattened)
        page->parsed = k ? cut.splits[k - 1].in_at : 0;
      else
        page->parsed = html_nest_in_at(&cut, from + fitted);
      rc = PARSE_OK;
      break;
    }
    if (rc)
      goto out;
  }
out:
  html_nest_cut_cleanup(&cut);
  v6_buf_cleanup(&flat);
  return rc;
}

int html_links_extract(const char *body, size_t len, const char *content_type,
                       const char *page_url, struct html_page *page)
{
  struct v6_buf text;
  struct html_parse hs;
  const char *cs;
  size_t bom = 0;
  int rc;

  v6_buf_init(&text, 0);
  memset(&hs, 0, sizeof hs);
  memset(page, 0, sizeof *page);
  if (!body)
    len = 0;
  cs = len ? charset_sniff(body, len, content_type, &bom) : "UTF-8";
  rc = charset_to_utf8(cs, body ? body + bom : "", len - bom, &text);
  if (rc == PARSE_CHARSET) {
    /* iconv lacks it: read the bytes as UTF-8 rather than fail the page */
    cs = "UTF-8";
    v6_buf_reset(&text);
    rc = charset_to_utf8(cs, body ? body + bom : "", len - bom, &text);
  }
  if (rc)
    goto out;
  buf_touch(&text);
  if (text.oom) {
    rc = PARSE_NOMEM;
    goto out;
  }
  /* URLs in UTF-16 pages are encoded as UTF-8 (URL Standard) */
  if (!strncmp(cs, "UTF-16", 6))
    cs = "UTF-8";
  page->charset = strdup(html_charset_display(cs));
  page->base = strdup(page_url ? page_url : "");
  /* normalised as links are, so a link can be told to be the page itself */
  if (page_url &&
      url_resolve(NULL, page_url, NULL, 0, &page->url) == PARSE_NOMEM) {
    rc = PARSE_NOMEM;
    goto out;
  }
  if (!page->url)
    page->url = strdup(page_url ? page_url : "");
  if (!page->charset || !page->base || !page->url) {
    rc = PARSE_NOMEM;
    goto out;
  }
  page->text_len = text.n;
  hs.page = page;
  hs.page_url = page_url;
  hs.cpu_left_us = (int64_t)BUDGET_CPU_MS * 1000;
  rc = html_parse_page(&hs, &text);
  if (rc)
    goto out;
  if (hs.refresh_raw) {
    rc = url_resolve(page->base[0] ? page->base : NULL, hs.refresh_raw,
                     page->charset, 0, &page->refresh_url);
    if (rc == PARSE_NOMEM)
      goto out;
  }
  rc = html_links_resolve(page, page->links, page->n_links);
  if (rc == PARSE_OK)
    rc = html_links_resolve(page, page->script_links, page->n_script_links);
  if (rc == PARSE_OK)
    rc = html_links_resolve(page, page->subres, page->n_subres);
out:
  free(hs.refresh_raw);
  v6_buf_cleanup(&text);
  if (rc)
    html_page_cleanup(page);
  return rc;
}

void html_page_cleanup(struct html_page *page)
{
  size_t i;

  if (!page)
    return;
  for (i = 0; i < page->n_links; i++) {
    free(page->links[i].url);
    free(page->links[i].href);
  }
  free(page->links);
  for (i = 0; i < page->n_script_links; i++) {
    free(page->script_links[i].url);
    free(page->script_links[i].href);
  }
  free(page->script_links);
  for (i = 0; i < page->n_subres; i++) {
    free(page->subres[i].url);
    free(page->subres[i].href);
  }
  free(page->subres);
  free(page->charset);
  free(page->base);
  free(page->url);
  free(page->refresh_url);
  memset(page, 0, sizeof *page);
}

/* ---- page similarity ---------------------------------------------------- */

static int is_tokch(unsigned char c)
{
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
         (c >= 'A' && c <= 'Z') || c == '+' || c == '/' || c == '_' ||
         c == '-' || c == '=';
}

/* Hash of one normalised line, or 0 for a line that is empty after
 * normalisation. Tokens of 16 or more token characters that contain a
 * digit are dropped whole: they are nonces, not content. */
static uint64_t line_hash(const unsigned char *p, size_t n)
{
  uint64_t h = V6_HASH_INIT;
  size_t i = 0, kept = 0;
  while (i < n) {
    if (is_tokch(p[i])) {
      size_t j = i, digits = 0;
      while (j < n && is_tokch(p[j])) {
        digits += p[j] >= '0' && p[j] <= '9';
        j++;
      }
      if (j - i >= 16 && digits) {
        i = j;
        continue;
      }
      for (; i < j; i++) {
        if (p[i] >= '0' && p[i] <= '9')
          continue;
        h = v6_hash_byte(h, p[i]);
        kept++;
      }
      continue;
    }
    if (p[i] > ' ') {
      h = v6_hash_byte(h, p[i]);
      kept++;
    }
    i++;
  }
  return kept ? (h ? h : 1) : 0;
}

static int cmp_u64(const void *a, const void *b)
{
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

/* The sorted distinct line hashes of @p. */
static int line_set(const char *p, size_t len, uint64_t **out, size_t *n)
{
  size_t cap = 64, k = 0, i, start = 0, w;
  uint64_t *v = malloc(cap * sizeof(*v));
  if (!v)
    return PARSE_NOMEM;
  for (i = 0; i <= len; i++) {
    if (i < len && p[i] != '\n' && p[i] != '>')
      continue;
    if (k == cap) {
      uint64_t *nv = realloc(v, (cap *= 2) * sizeof(*v));
      if (!nv) {
        free(v);
        return PARSE_NOMEM;
      }
      v = nv;
    }
    v[k] = line_hash((const unsigned char *)p + start, i - start);
    if (v[k])
      k++;
    start = i + 1;
  }
  qsort(v, k, sizeof(*v), cmp_u64);
  for (i = 0, w = 0; i < k; i++)
    if (!w || v[w - 1] != v[i])
      v[w++] = v[i];
  *out = v;
  *n = w;
  return PARSE_OK;
}

int html_similarity(const char *a, size_t alen, const char *b, size_t blen,
                    double *out)
{
  uint64_t *x = NULL, *y = NULL;
  size_t nx = 0, ny = 0, i = 0, j = 0, common = 0;
  int rc = line_set(a, alen, &x, &nx);
  if (rc == PARSE_OK)
    rc = line_set(b, blen, &y, &ny);
  if (rc != PARSE_OK)
    goto out;
  while (i < nx && j < ny) {
    if (x[i] == y[j]) {
      common++;
      i++;
      j++;
    } else if (x[i] < y[j]) {
      i++;
    } else {
      j++;
    }
  }
  *out = nx + ny ? 2.0 * (double)common / (double)(nx + ny) : 1.0;
out:
  free(x);
  free(y);
  return rc;
}
