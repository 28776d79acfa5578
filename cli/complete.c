/* cli/complete.c - page completeness over IPv6 (report/complete.c) in
 * each format: the report's text section, its JSON "completeness" key of
 * a site, its HTML table, and the hosts that break pages in `fixes`. */
#include "config.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "report/report.h"
#include "store/store.h"

static const char *provider(const struct report_cdn_table *t,
                            const struct report_chost *h)
{
  return t && h->have_dns ? report_cdn_provider(t, h->dns.cnames) : NULL;
}

/* "33.3% 1/3", or "-" when nothing is judged. */
static void share_str(char *buf, size_t len, unsigned k, unsigned n)
{
  char p[16];
  if (!n) {
    snprintf(buf, len, "-");
    return;
  }
  report_pct_floor(p, sizeof p, k, n);
  snprintf(buf, len, "%s %u/%u", p, k, n);
}

static void text_site(FILE *o, const struct store_site *s,
                      const struct report_complete *rc,
                      const struct report_cdn_table *t)
{
  const char *home = report_page_verdict_name(rc->home);
  char a[48], b[48];
  size_t i;
  int k;

  share_str(a, sizeof a, rc->complete, rc->judged);
  share_str(b, sizeof b, store_fig_supported(&rc->subs),
            store_fig_counted(&rc->subs));
  fprintf(o, "%s\n  homepage %s; pages complete over IPv6 %s",
          cli_tx(s->start_url), home ? home : "not read", a);
  if (rc->pages != rc->judged)
    fprintf(o, " (%u unknown)", rc->pages - rc->judged);
  fprintf(o, "; subresources over IPv6 %s\n", b);
  for (i = 0; i < rc->nh; i++) {
    const struct report_chost *h = &rc->h[i];
    const char *prov = provider(t, h);
    fprintf(o, "  %zu. %s%s%s%s breaks %u page%s (%u subresource%s:", i + 1,
            cli_tx(h->name), prov ? " [" : "", prov ? cli_tx(prov) : "",
            prov ? "]" : "", h->pages, h->pages == 1 ? "" : "s", h->subs,
            h->subs == 1 ? "" : "s");
    for (k = 0; k < REPORT_N_FIXABLE; k++)
      if (h->klass[k])
        fprintf(o, " %s %u", store_class_name(report_fixable[k]), h->klass[k]);
    share_str(a, sizeof a, h->after, rc->judged);
    fprintf(o, "); fixed with those above: %s complete\n", a);
  }
}

int cli_complete_text(FILE *o, struct store *st, uint32_t run,
                      const struct store_site *sites, size_t n,
                      const struct report_cdn_table *t)
{
  struct report_complete rc;
  size_t i;
  int r = STORE_OK, head = 0;

  for (i = 0; i < n && r == STORE_OK; i++) {
    r = report_complete_build(st, run, sites[i].idx, &rc);
    if (r == STORE_OK && rc.pages) {
      if (!head++)
        fputs("\nPages complete over IPv6 (pages read for links: every "
              "image, script, style sheet, icon, iframe and media file "
              "they load works over IPv6)\n",
              o);
      text_site(o, &sites[i], &rc, t);
    }
    report_complete_cleanup(&rc);
  }
  return r;
}

static json_t *json_classes(const struct store_fig *f)
{
  json_t *o = json_object();
  int k;
  for (k = 0; k < CLASS__N; k++)
    json_object_set_new(o, store_class_name(k), json_integer(f->classes[k]));
  return o;
}

static json_t *json_host(const struct report_chost *h,
                         const struct report_cdn_table *t)
{
  json_t *o = json_object(), *cl = json_object();
  int k;
  json_object_set_new(o, "host", cli_jstr(h->name));
  json_object_set_new(o, "provider", cli_jstr(provider(t, h)));
  json_object_set_new(o, "cnames",
                      cli_jlist(h->have_dns ? h->dns.cnames : NULL, " -> "));
  json_object_set_new(o, "pages", json_integer(h->pages));
  json_object_set_new(o, "subresources", json_integer(h->subs));
  for (k = 0; k < REPORT_N_FIXABLE; k++)
    json_object_set_new(cl, store_class_name(report_fixable[k]),
                        json_integer(h->klass[k]));
  json_object_set_new(o, "classes", cl);
  json_object_set_new(o, "complete_after", json_integer(h->after));
  return o;
}

static json_t *json_hosts(const struct report_complete *rc,
                          const struct report_cdn_table *t)
{
  json_t *a = json_array();
  size_t i;
  for (i = 0; i < rc->nh; i++)
    json_array_append_new(a, json_host(&rc->h[i], t));
  return a;
}

/* The "completeness" object of @rc. */
static json_t *json_obj(const struct report_complete *rc,
                        const struct report_cdn_table *t)
{
  json_t *o = json_object(), *sub = json_object(), *pages = json_array();
  double c = 0;
  size_t i;
  int hc = store_fig_concentration(&rc->subs, &c) == 0;

  json_object_set_new(o, "homepage",
                      cli_jstr(report_page_verdict_name(rc->home)));
  json_object_set_new(o, "pages", json_integer(rc->pages));
  json_object_set_new(o, "judged", json_integer(rc->judged));
  json_object_set_new(o, "complete", json_integer(rc->complete));
  json_object_set_new(
    o, "share",
    cli_jnum(rc->judged > 0,
             rc->judged ? (double)rc->complete / rc->judged : 0));
  json_object_set_new(sub, "urls", json_integer(rc->subs.links));
  json_object_set_new(sub, "counted",
                      json_integer(store_fig_counted(&rc->subs)));
  json_object_set_new(sub, "ipv6",
                      json_integer(store_fig_supported(&rc->subs)));
  json_object_set_new(sub, "concentration", cli_jnum(hc, c));
  json_object_set_new(sub, "classes", json_classes(&rc->subs));
  json_object_set_new(o, "subresources", sub);
  json_object_set_new(o, "hosts", json_hosts(rc, t));
  for (i = 0; i < rc->np; i++) {
    const struct report_cpage *p = &rc->p[i];
    json_t *po = json_object();
    json_object_set_new(po, "url", cli_jstr(p->url));
    json_object_set_new(po, "level", json_integer(p->level));
    json_object_set_new(po, "verdict",
                        cli_jstr(report_page_verdict_name(p->verdict)));
    json_object_set_new(po, "subresources", json_integer(p->subs));
    json_object_set_new(po, "counted", json_integer(p->counted));
    json_object_set_new(po, "failing", json_integer(p->failing));
    json_object_set_new(po, "dead", json_integer(p->dead));
    json_object_set_new(po, "unmeasured", json_integer(p->unmeasured));
    json_array_append_new(pages, po);
  }
  json_object_set_new(o, "page_list", pages);
  return o;
}

json_t *cli_complete_json(struct store *st, uint32_t run, uint32_t site,
                          const struct report_cdn_table *t, int *rcp)
{
  struct report_complete rc;
  json_t *o;
  int r = report_complete_build(st, run, site, &rc);
  cli_jrc(rcp, r);
  o = r == STORE_OK ? json_obj(&rc, t) : json_null();
  report_complete_cleanup(&rc);
  return o;
}

json_t *cli_complete_fixes_json(struct store *st, uint32_t run,
                                const struct store_site *s,
                                const struct report_cdn_table *t, int *rcp)
{
  struct report_complete rc;
  json_t *o;
  int r = report_complete_build(st, run, s->idx, &rc);
  cli_jrc(rcp, r);
  o = r == STORE_OK ? json_hosts(&rc, t) : json_null();
  report_complete_cleanup(&rc);
  return o;
}

int cli_complete_html(FILE *o, int zh, struct store *st, uint32_t run,
                      uint32_t site, const struct report_cdn_table *t)
{
  struct report_complete rc;
  char a[48], b[48];
  const char *home;
  size_t i;
  int r = report_complete_build(st, run, site, &rc);

  if (r != STORE_OK || !rc.pages)
    goto out;
  share_str(a, sizeof a, rc.complete, rc.judged);
  share_str(b, sizeof b, store_fig_supported(&rc.subs),
            store_fig_counted(&rc.subs));
  home = report_page_verdict_name(rc.home);
  fprintf(o, "<h3>%s</h3>\n<p class=\"complete\">%s %s; %s %s; %s %s</p>\n",
          zh ? "页面完整性（IPv6）" : "Pages complete over IPv6",
          zh ? "首页" : "homepage",
          !home                               ? (zh ? "未读取" : "not read")
          : rc.home == REPORT_PAGE_COMPLETE   ? (zh ? "完整" : "complete")
          : rc.home == REPORT_PAGE_INCOMPLETE ? (zh ? "不完整" : "incomplete")
                                              : (zh ? "未知" : "unknown"),
          zh ? "完整页面" : "pages complete", a,
          zh ? "子资源IPv6浓度" : "subresources over IPv6", b);
  if (rc.nh) {
    fprintf(o,
            "<table class=\"complete-hosts\"><tr><th>%s</th><th>%s</th>"
            "<th>%s</th><th>%s</th><th>%s</th></tr>\n",
            zh ? "主机" : "host", "CDN", zh ? "影响页面" : "pages broken",
            zh ? "子资源" : "subresources",
            zh ? "修复后完整页面" : "complete once fixed");
    for (i = 0; i < rc.nh; i++) {
      const struct report_chost *h = &rc.h[i];
      share_str(a, sizeof a, h->after, rc.judged);
      fputs("<tr><td>", o);
      cli_html_esc(o, h->name);
      fputs("</td><td>", o);
      cli_html_esc(o, provider(t, h));
      fprintf(o, "</td><td>%u</td><td>%u</td><td>%s</td></tr>\n", h->pages,
              h->subs, a);
    }
    fputs("</table>\n", o);
  }
out:
  report_complete_cleanup(&rc);
  return r;
}

int cli_complete_fixes(FILE *o, struct store *st, uint32_t run,
                       const struct store_site *s,
                       const struct report_cdn_table *t)
{
  struct report_complete rc;
  char a[48], b[48];
  size_t i;
  int r = report_complete_build(st, run, s->idx, &rc);

  if (r != STORE_OK || !rc.nh)
    goto out;
  fputs(
    "  hosts whose subresources break pages over IPv6 (page completeness):\n",
    o);
  for (i = 0; i < rc.nh; i++) {
    const struct report_chost *h = &rc.h[i];
    const char *prov = provider(t, h);
    fprintf(o, "  %3zu  %-32.32s %4u pages %4u subresources%s%s%s\n", i + 1,
            cli_tx(h->name), h->pages, h->subs, prov ? "  [" : "",
            prov ? cli_tx(prov) : "", prov ? "]" : "");
  }
  share_str(a, sizeof a, rc.complete, rc.judged);
  share_str(b, sizeof b, rc.h[rc.nh - 1].after, rc.judged);
  fprintf(o, "  fix %s and pages complete over IPv6 rise from %s to %s\n",
          rc.nh == 1 ? "this host" : "these hosts", a, b);
out:
  report_complete_cleanup(&rc);
  return r;
}
