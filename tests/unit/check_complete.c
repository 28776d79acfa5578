/* tests/unit/check_complete.c - page completeness over IPv6 from a store
 * built here: store_sub_put / store_subs_each and report_complete_build
 * (verdicts, the homepage, the subresource figure, the ranking of the
 * hosts that break pages and the pages complete once they are fixed). */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "store/store.h"
#include "tests/unit/check_run.h"
#include "tests/unit/check_tmp.h"

#define IMG    1 /* HTML_SUB_IMG */
#define SCRIPT 2 /* HTML_SUB_SCRIPT */
#define HOME   "http://www.a.example/"

static struct store *s;
static uint32_t run;

static void setup(void)
{
  tmp_setup("v6c-complete");
  ck_assert_int_eq(store_open(g_db, 0, 0, &s), STORE_OK);
  ck_assert_int_eq(store_run_new(s, 1000, 1, NULL, &run), STORE_OK);
}

static void teardown(void)
{
  store_close(s);
  tmp_teardown();
}

static void page(const char *url, int level, int flags)
{
  struct store_page p;
  memset(&p, 0, sizeof p);
  p.url = (char *)url;
  p.level = level;
  p.flags = flags;
  ck_assert_int_eq(store_page_put(s, run, 0, &p), STORE_OK);
}

static void probe(const char *url, int k)
{
  struct store_probe p;
  char hops[300];
  memset(&p, 0, sizeof p);
  snprintf(hops, sizeof hops, "200 %s", url);
  p.url = (char *)url;
  p.klass = k;
  p.v6.hops = hops;
  ck_assert_int_eq(store_probe_put(s, run, &p), STORE_OK);
}

static void sub(const char *pg, const char *url, unsigned kinds)
{
  ck_assert_int_eq(store_sub_put(s, run, 0, pg, url, kinds), STORE_OK);
}

static unsigned kinds_seen;

static int row_kinds(const struct store_sub_row *r, void *ud)
{
  (void)ud;
  kinds_seen = r->kinds;
  ck_assert_str_eq(r->page, HOME);
  ck_assert_str_eq(r->url, "http://cdn.example/a.png");
  ck_assert_int_eq(r->klass, CLASS_UNMEASURED);
  ck_assert_ptr_null(r->probe);
  ck_assert_int_eq(r->sheet_urls, 3);
  return 0;
}

START_TEST(sub_kinds_ored_and_sheet)
{
  sub(HOME, "http://cdn.example/a.png", IMG);
  sub(HOME, "http://cdn.example/a.png", SCRIPT);
  ck_assert_int_eq(store_sheet_put(s, run, "http://cdn.example/a.png", 3, NULL),
                   STORE_OK);
  ck_assert_int_eq(store_sub_put(s, run, 0, HOME, "http://x/", 0),
                   STORE_INVALID);
  ck_assert_int_eq(store_subs_each(s, run, 0, row_kinds, NULL), STORE_OK);
  ck_assert_uint_eq(kinds_seen, IMG | SCRIPT);
}
END_TEST

START_TEST(complete_figures)
{
  struct report_complete rc;
  page(HOME, 1, 0);
  page("http://www.a.example/p1", 2, 0);
  page("http://www.a.example/p2", 2, 0);
  page("http://www.a.example/p3", 2, 0);
  page("http://www.a.example/p4", 2, 0);
  page("http://www.a.example/doc.pdf", 2, 4 /* STORE_PAGE_NOLINKS */);
  probe("http://ok.example/1.png", CLASS_OK);
  probe("http://v6.example/1.png", CLASS_V6_ONLY);
  probe("http://v4.example/1.js", CLASS_NO_AAAA);
  probe("http://v4.example/2.js", CLASS_NO_AAAA);
  probe("http://br.example/1.png", CLASS_V6_BROKEN);
  probe("http://dead.example/1.png", CLASS_DEAD);
  probe("http://robots.example/1.png", CLASS_ROBOTS);
  /* home: ok, v4 (2 uses of two URLs), br -> incomplete */
  sub(HOME, "http://ok.example/1.png", IMG);
  sub(HOME, "http://v4.example/1.js", SCRIPT);
  sub(HOME, "http://v4.example/2.js", SCRIPT);
  sub(HOME, "http://br.example/1.png", IMG);
  /* p1: ok, v6-only, robots -> complete */
  sub("http://www.a.example/p1", "http://ok.example/1.png", IMG);
  sub("http://www.a.example/p1", "http://v6.example/1.png", IMG);
  sub("http://www.a.example/p1", "http://robots.example/1.png", IMG);
  /* p2: br -> incomplete; p3: ok and one never probed -> unknown */
  sub("http://www.a.example/p2", "http://br.example/1.png", IMG);
  sub("http://www.a.example/p3", "http://ok.example/1.png", IMG);
  sub("http://www.a.example/p3", "http://later.example/1.png", IMG);
  /* p4: dead and br -> incomplete, and stays so when br is fixed */
  sub("http://www.a.example/p4", "http://dead.example/1.png", IMG);
  sub("http://www.a.example/p4", "http://br.example/1.png", IMG);
  /* not a page read: never judged */
  sub("http://www.a.example/doc.pdf", "http://v4.example/1.js", SCRIPT);
  ck_assert_int_eq(store_flush(s), STORE_OK);

  ck_assert_int_eq(report_complete_build(s, run, 0, &rc), STORE_OK);
  ck_assert_uint_eq(rc.pages, 5);
  ck_assert_uint_eq(rc.judged, 4);
  ck_assert_uint_eq(rc.complete, 1);
  ck_assert_int_eq(rc.home, REPORT_PAGE_INCOMPLETE);
  ck_assert_uint_eq(rc.subs.links, 8);
  ck_assert_uint_eq(store_fig_counted(&rc.subs), 6);
  ck_assert_uint_eq(store_fig_supported(&rc.subs), 2);
  ck_assert_uint_eq(rc.subs.classes[CLASS_UNMEASURED], 1);
  ck_assert_uint_eq(rc.subs.classes[CLASS_ROBOTS], 1);
  /* br breaks 3 pages, v4 one (with two URLs): br first */
  ck_assert_uint_eq(rc.nh, 2);
  ck_assert_str_eq(rc.h[0].name, "br.example");
  ck_assert_uint_eq(rc.h[0].pages, 3);
  ck_assert_uint_eq(rc.h[0].subs, 1);
  ck_assert_uint_eq(rc.h[0].klass[1], 3);
  ck_assert_uint_eq(rc.h[0].after, 2); /* p2; home needs v4, p4 is dead */
  ck_assert_str_eq(rc.h[1].name, "v4.example");
  ck_assert_uint_eq(rc.h[1].pages, 1);
  ck_assert_uint_eq(rc.h[1].subs, 2);
  ck_assert_uint_eq(rc.h[1].klass[0], 2);
  ck_assert_uint_eq(rc.h[1].after, 3);
  ck_assert_str_eq(rc.p[0].url, HOME);
  ck_assert_uint_eq(rc.p[0].failing, 3);
  ck_assert_int_eq(rc.p[3].verdict, REPORT_PAGE_UNKNOWN);
  ck_assert_uint_eq(rc.p[4].dead, 1);
  report_complete_cleanup(&rc);
}
END_TEST

START_TEST(complete_nothing_read)
{
  struct report_complete rc;
  ck_assert_int_eq(report_complete_build(s, run, 0, &rc), STORE_OK);
  ck_assert_uint_eq(rc.pages, 0);
  ck_assert_int_eq(rc.home, REPORT_PAGE_NOTREAD);
  ck_assert_ptr_null(report_page_verdict_name(rc.home));
  report_complete_cleanup(&rc);
  /* a homepage with no subresources is complete */
  page(HOME, 1, 0);
  ck_assert_int_eq(report_complete_build(s, run, 0, &rc), STORE_OK);
  ck_assert_int_eq(rc.home, REPORT_PAGE_COMPLETE);
  ck_assert_uint_eq(rc.complete, 1);
  report_complete_cleanup(&rc);
}
END_TEST

int main(void)
{
  Suite *su = suite_create("complete");
  TCase *c = tcase_create("complete");
  tcase_add_checked_fixture(c, setup, teardown);
  tcase_add_test(c, sub_kinds_ored_and_sheet);
  tcase_add_test(c, complete_figures);
  tcase_add_test(c, complete_nothing_read);
  suite_add_tcase(su, c);
  return check_run(su);
}
