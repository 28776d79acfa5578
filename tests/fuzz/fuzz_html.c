/* tests/fuzz/fuzz_html.c - libFuzzer target for html_links_extract.
 *
 * The first input byte picks a Content-Type header from a small table (so
 * the fuzzer reaches the header, BOM, <meta> and default charset paths);
 * the rest is the page body. Every returned string is read once so that
 * ASan sees any pointer into freed or foreign (gumbo) memory. The page is
 * parsed again with nest.c's collapse_text off: the links, literals,
 * subresources and evidence must be the same. The body is also compared
 * with itself and half with half by html_similarity.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parser/parse.h"
#include "parser/parse_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const content_types[] = {
  NULL,
  "text/html",
  "text/html; charset=utf-8",
  "text/html; charset=gbk",
  "text/html; charset=GB2312",
  "text/html;charset=\"gb18030\"",
  "text/html; charset=big5",
  "text/html; charset=iso-8859-1",
  "text/html; charset=windows-1252",
  "text/html; charset=shift_jis",
  "text/html; charset=euc-kr",
  "text/html; charset=utf-16le",
  "text/html; charset=utf-16be",
  "text/html; charset=x-no-such-charset",
  "text/html; charset=",
  "application/xhtml+xml; charset=UTF-8",
};

/* a volatile sink keeps the reads in touch() from being optimised away */
static volatile size_t sink;

static void touch(const char *s)
{
  if (s)
    sink += strlen(s);
}

static int str_same(const char *a, const char *b)
{
  return a == b || (a && b && !strcmp(a, b));
}

static int links_same(const struct html_link *a, const struct html_link *b,
                      size_t n)
{
  size_t i;
  for (i = 0; i < n; i++)
    if (!str_same(a[i].url, b[i].url) || !str_same(a[i].href, b[i].href) ||
        a[i].kind != b[i].kind)
      return 0;
  return 1;
}

/* The page parsed with text collapsed (@a) and without (@b): what was
 * found is the same. The budget's CPU-time bound may stop one parse and
 * not the other: such a pair is not compared. */
static void collapse_same(const struct html_page *a, const struct html_page *b)
{
  if ((a->cut | b->cut) & HTML_CUT_BUDGET)
    return;
  if (a->n_links != b->n_links || a->n_script_links != b->n_script_links ||
      a->n_subres != b->n_subres || a->script_urls != b->script_urls ||
      a->cut != b->cut || a->parsed != b->parsed || a->depth != b->depth ||
      a->flattened != b->flattened || a->flat_at != b->flat_at ||
      !str_same(a->base, b->base) ||
      !str_same(a->refresh_url, b->refresh_url) ||
      !links_same(a->links, b->links, a->n_links) ||
      !links_same(a->script_links, b->script_links, a->n_script_links) ||
      !links_same(a->subres, b->subres, a->n_subres))
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct html_page page;
  const char *ct;
  size_t i;

  if (size == 0)
    return 0;
  ct = content_types[data[0] % (sizeof content_types / sizeof *content_types)];
  if (html_links_extract((const char *)data + 1, size - 1, ct,
                         "http://www.example.gov.cn/a/b.html",
                         &page) != PARSE_OK)
    return 0;
  if (!page.charset || !page.base)
    abort();
  for (i = 0; i < page.n_links; i++) {
    touch(page.links[i].url);
    touch(page.links[i].href);
    if (page.links[i].kind < HTML_A || page.links[i].kind > HTML_FRAME)
      abort();
  }
  for (i = 0; i < page.n_script_links; i++) {
    touch(page.script_links[i].url);
    touch(page.script_links[i].href);
    if (page.script_links[i].kind != HTML_SCRIPT)
      abort();
  }
  if (page.n_script_links > page.script_urls)
    abort();
  touch(page.charset);
  touch(page.base);
  touch(page.refresh_url);
  {
    struct html_page flat;
    int rc;
    html_collapse_set(0);
    rc = html_links_extract((const char *)data + 1, size - 1, ct,
                            "http://www.example.gov.cn/a/b.html", &flat);
    html_collapse_set(1);
    if (rc != PARSE_OK)
      abort();
    collapse_same(&page, &flat);
    html_page_cleanup(&flat);
  }
  html_page_cleanup(&page);
  /* html_similarity: the two halves of the input, and the input with
   * itself (which must be the same page) */
  {
    double d = -1, same = -1;
    size_t h = (size - 1) / 2;
    const char *b = (const char *)data + 1;
    if (html_similarity(b, h, b + h, size - 1 - h, &d) == PARSE_OK &&
        !(d >= 0.0 && d <= 1.0))
      abort();
    if (html_similarity(b, size - 1, b, size - 1, &same) == PARSE_OK &&
        same != 1.0)
      abort();
  }
  return 0;
}
