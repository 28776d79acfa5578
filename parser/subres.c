/* parser/subres.c - the subresources of a page: what a browser loads to
 * show it (parse.h, "subresources"). html.c's walk finds the elements;
 * here are the attribute rules: srcset candidates, link rel tokens, and
 * the url() of inline CSS. Everything is kept as written and resolved
 * with the links, once the page's base is known. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "parser/parse.h"
#include "parser/parse_int.h"

const char *html_sub_kind_name(int kind)
{
  switch (kind) {
    case HTML_SUB_IMG:
      return "img";
    case HTML_SUB_SCRIPT:
      return "script";
    case HTML_SUB_STYLE:
      return "stylesheet";
    case HTML_SUB_ICON:
      return "icon";
    case HTML_SUB_IFRAME:
      return "iframe";
    case HTML_SUB_MEDIA:
      return "media";
    case HTML_SUB_CSS:
      return "css-url";
    default:
      return "?";
  }
}

int html_srcset_each(const char *srcset,
                     int (*cb)(void *ud, const char *url, size_t len), void *ud)
{
  const char *p = srcset ? srcset : "";
  int rc;
  for (;;) {
    const char *u;
    size_t n;
    int depth = 0;
    while (*p && (css_is_ws((unsigned char)*p) || *p == ','))
      p++;
    if (!*p)
      return 0;
    u = p;
    while (*p && !css_is_ws((unsigned char)*p))
      p++;
    n = (size_t)(p - u);
    if (u[n - 1] == ',') {
      /* "a.png," : the commas end it, no descriptors */
      while (n && u[n - 1] == ',')
        n--;
    } else {
      /* descriptors up to a comma outside parentheses */
      while (*p && !(*p == ',' && depth == 0)) {
        if (*p == '(')
          depth = 1;
        else if (*p == ')')
          depth = 0;
        p++;
      }
    }
    if (n && (rc = cb(ud, u, n)) != 0)
      return rc;
  }
}

int html_link_push(struct html_link **v, size_t *n, const char *href,
                   size_t len, int kind)
{
  struct html_link *l;

  /* grow by powers of two from 32: the count is the capacity's witness */
  if (*n >= 32 ? (*n & (*n - 1)) == 0 : *n == 0) {
    size_t nc = *n ? *n * 2 : 32;
    struct html_link *nl = realloc(*v, nc * sizeof *nl);
    if (!nl)
      return PARSE_NOMEM;
    *v = nl;
  }
  l = &(*v)[*n];
  l->kind = kind;
  l->url = NULL;
  l->href = strndup(href, len);
  if (!l->href)
    return PARSE_NOMEM;
  (*n)++;
  return PARSE_OK;
}

int subres_add(struct html_page *page, const char *href, size_t len, int kind)
{
  return html_link_push(&page->subres, &page->n_subres, href, len, kind);
}

struct srcset_ctx {
  struct html_page *page;
  int kind;
};

static int srcset_one(void *ud, const char *url, size_t len)
{
  struct srcset_ctx *x = ud;
  return subres_add(x->page, url, len, x->kind) ? 1 : 0;
}

int subres_srcset(struct html_page *page, const char *srcset, int kind)
{
  struct srcset_ctx x = {page, kind};
  return html_srcset_each(srcset, srcset_one, &x) ? PARSE_NOMEM : PARSE_OK;
}

int subres_css(struct html_page *page, const char *css)
{
  struct css_url *v = NULL;
  size_t n = 0, i;
  int rc = css_urls_extract(css, css ? strlen(css) : 0, NULL, &v, &n);
  for (i = 0; rc == PARSE_OK && i < n; i++)
    rc = subres_add(page, v[i].raw, strlen(v[i].raw),
                    v[i].import ? HTML_SUB_STYLE : HTML_SUB_CSS);
  css_urls_free(v, n);
  return rc;
}

/* 1 when the space-separated token list @rel holds @tok (ASCII case
 * insensitive). */
static int rel_has(const char *rel, const char *tok)
{
  size_t tl = strlen(tok);
  const char *p = rel;
  while (*p) {
    const char *t;
    while (*p && css_is_ws((unsigned char)*p))
      p++;
    t = p;
    while (*p && !css_is_ws((unsigned char)*p))
      p++;
    if ((size_t)(p - t) == tl && !strncasecmp(t, tok, tl))
      return 1;
  }
  return 0;
}

int subres_link_kind(const char *rel)
{
  if (!rel)
    return 0;
  if (rel_has(rel, "stylesheet") && !rel_has(rel, "alternate"))
    return HTML_SUB_STYLE;
  if (rel_has(rel, "icon"))
    return HTML_SUB_ICON;
  return 0;
}
