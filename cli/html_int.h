/* cli/html_int.h - what the files of the HTML page (html.c, html_sum.c)
 * share; cli/ only.
 *
 * The page is a list of parts, each one function of a struct html_ctx:
 * the page's parts (the heading, the overview, the tables over every site,
 * the sections, the appendix) and, inside each site's section, the site's
 * parts. A new part is one function and one entry in its list (html.c,
 * page_full, page_summary and site_parts). */
#ifndef V6_CLI_HTML_INT_H
#define V6_CLI_HTML_INT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli/cli.h"
#include "report/report.h"
#include "store/store.h"

struct labels;

/* One page being written: what every part reads. */
struct html_ctx {
  FILE *o;
  const struct labels *L; /* html.c's words in the page's language */
  int zh;                 /* 1: the page is in Chinese */
  struct store *st;
  const struct store_run *run;
  const struct store_site *sites;
  size_t n;
  const struct store_site_figs *figs;
  const struct cli_html_opts *ho;
  double thr;                         /* ho->threshold */
  const struct report_cdn_table *cdn; /* may be NULL */
  const struct report_weights *w;     /* NULL: no weights file, no score */
  struct report_trend t;
  struct report_prev prev; /* the previous comparable run (prev.run.id 0:
                            * none) */
};

/* A part of the page, or of site @i's section: returns a store_rc. */
typedef int (*html_part_fn)(struct html_ctx *h);
typedef int (*html_site_fn)(struct html_ctx *h, size_t i);

/* html.c */
/* The name of class @k as the page shows it: Chinese on a Chinese page
 * (static), else the class's key (store_class_name). */
const char *html_class_name(const struct html_ctx *h, int k);
/* Unix time @t in the system's time zone (as `date` shows it): "2026-12-02
 * 10:25" with @with_time, else "2026-12-02", into @buf. */
void html_time(char *buf, size_t len, int64_t t, int with_time);
/* The time zone of @t as "UTC+08:00" into @buf. */
void html_zone(char *buf, size_t len, int64_t t);
/* Open the cell of site @s's name in a table row: "<td class=...>" (a
 * name does not wrap; a start URL shown for want of one may). */
void html_site_td(FILE *o, const struct store_site *s);
/* 1 for the classes that fail over IPv6 (no-aaaa, v6-broken, v6-error,
 * dead). */
int html_is_failing(int k);

/* html_sum.c: the parts over every site. */
int html_overview(struct html_ctx *h);   /* 共 N 个网站，M 个达标 ... */
int html_conditions(struct html_ctx *h); /* version, depth, DNS, PSL ... */
int html_indicators(struct html_ctx *h); /* every other indicator, a row
                                          * per site */
int html_delays(struct html_ctx *h);     /* the delay ratios, a row per
                                          * site */
int html_delays(struct html_ctx *h);     /* the delay ratios, a row per site */
int html_fixes_all(struct html_ctx *h);  /* the top hosts to fix per site */
int html_appendix(struct html_ctx *h);   /* --summary: the failing links */
/* The change cell of site @i in the summary table (against h->prev). */
void html_change_cell(struct html_ctx *h, size_t i);
/* The note under the summary table naming the run compared with. */
void html_change_note(struct html_ctx *h);
/* Site @i's part: its hosts to fix with the what-if figures. */
int html_fixes_site(struct html_ctx *h, size_t i);

#endif
