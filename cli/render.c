/* cli/render.c - what --render found, in the text, JSON and HTML
 * reports: per site the pages rendered, those that could not be (and
 * why), and the links only rendering found. */
#include "config.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "report/report.h"
#include "store/store.h"

/* Each page of site @site that was not rendered, through @fn. */
static int failures_each(struct store *st, uint32_t run, uint32_t site,
                         void (*fn)(const struct store_render *r, size_t k,
                                    void *ud),
                         void *ud)
{
  struct store_render *v = NULL;
  size_t n = 0, i, k = 0;
  int rc = store_renders_list(st, run, site, &v, &n);
  for (i = 0; rc == STORE_OK && i < n; i++)
    if (v[i].status != STORE_RENDER_OK)
      fn(&v[i], k++, ud);
  store_renders_free(v, n);
  return rc;
}

struct text_ud {
  FILE *o;
  const char *site;
};

static void text_failure(const struct store_render *r, size_t k, void *ud)
{
  struct text_ud *t = ud;
  (void)k;
  fprintf(t->o, "%s: page %s not rendered (its HTML's links count): %s\n",
          cli_tx(t->site), cli_tx(r->url), cli_tx(r->why ? r->why : "?"));
}

int cli_render_text(FILE *o, struct store *st, const struct store_run *run,
                    const struct store_site *sites, size_t n)
{
  struct report_render x;
  struct text_ud t;
  size_t i;
  int rc = STORE_OK;

  for (i = 0; i < n && rc == STORE_OK; i++) {
    rc = report_render_site(st, run, sites[i].idx, &x);
    if (rc != STORE_OK || !x.on)
      return rc;
    if (!i)
      fprintf(o, "\nRendered by Chromium (--render)\n%-38s %8s %12s %s\n",
              "site", "rendered", "not rendered", "links only rendering found");
    fprintf(o, "%-38.38s %8u %12u %u\n", cli_tx(sites[i].start_url), x.pages,
            x.failed, x.links);
  }
  t.o = o;
  for (i = 0; i < n && rc == STORE_OK; i++) {
    t.site = sites[i].start_url;
    rc = failures_each(st, run->id, sites[i].idx, text_failure, &t);
  }
  return rc;
}

static void json_failure(const struct store_render *r, size_t k, void *ud)
{
  json_t *o = json_object();
  (void)k;
  json_object_set_new(o, "url", cli_jstr(r->url));
  json_object_set_new(o, "why", cli_jstr(r->why));
  json_array_append_new(ud, o);
}

json_t *cli_render_json(struct store *st, const struct store_run *run,
                        const struct store_site *s, int *rc)
{
  struct report_render x;
  json_t *o, *failures;
  int src = report_render_site(st, run, s->idx, &x);

  if (src != STORE_OK || !x.on) {
    cli_jrc(rc, src);
    return json_null();
  }
  o = json_object();
  json_object_set_new(o, "pages", json_integer(x.pages));
  json_object_set_new(o, "not_rendered", json_integer(x.failed));
  json_object_set_new(o, "links_only_rendered", json_integer(x.links));
  json_object_set_new(o, "ms", cli_jnum(1, x.ms));
  failures = json_array();
  cli_jrc(rc, failures_each(st, run->id, s->idx, json_failure, failures));
  json_object_set_new(o, "failures", failures);
  return o;
}

static void html_failure(const struct store_render *r, size_t k, void *ud)
{
  FILE *o = ud;
  (void)k;
  fputs("<li><span class=\"url\">", o);
  cli_html_esc(o, r->url);
  fputs("</span>: ", o);
  cli_html_esc(o, r->why);
  fputs("</li>\n", o);
}

int cli_render_html(FILE *o, int zh, struct store *st,
                    const struct store_run *run, const struct store_site *s)
{
  struct report_render x;
  int rc = report_render_site(st, run, s->idx, &x);

  if (rc != STORE_OK || !x.on)
    return rc;
  fprintf(o,
          "<h3>%s</h3>\n<table class=\"render\"><tbody>\n"
          "<tr><th>%s</th><td class=\"num\">%u</td></tr>\n"
          "<tr><th>%s</th><td class=\"num\">%u</td></tr>\n"
          "<tr><th>%s</th><td class=\"num\">%u</td></tr>\n"
          "</tbody></table>\n",
          zh ? "浏览器渲染 (--render)" : "Rendered by Chromium (--render)",
          zh ? "已渲染页面" : "pages rendered", x.pages,
          zh ? "未能渲染的页面（按原始 HTML 计链接）"
             : "pages not rendered (their HTML's links count)",
          x.failed, zh ? "仅渲染后才发现的链接" : "links only rendering found",
          x.links);
  if (x.failed) {
    fputs("<ul class=\"render-failures\">\n", o);
    rc = failures_each(st, run->id, s->idx, html_failure, o);
    fputs("</ul>\n", o);
  }
  return rc;
}
