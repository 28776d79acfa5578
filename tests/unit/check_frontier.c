/* tests/unit/check_frontier.c - a site's frontier (crawler/frontier.c):
 * levels breadth first whatever order pages arrive in, dedupe per site,
 * scope internal / external, --depth, fragments and script literals. No
 * network: pages are parsed from strings, links land in an array. Also
 * the crawl's URL table (crawler/urltab.c): SipHash-2-4-128 against the
 * reference vectors, entries, growth, the seen sets. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crawler/crawl_int.h"
#include "tests/unit/check_run.h"

#define MAX_SEEN 64

/* What the frontier handed out, in order. */
struct seen_link {
  char url[256];
  char page[256];
  int rc, level, kind, fresh, internal, follow;
};

static struct seen_link got[MAX_SEEN];
static size_t n_got;
static struct frontier f;

static void on_link(int rc, const struct frontier_link *l, void *arg)
{
  struct seen_link *s;
  ck_assert_ptr_eq(arg, &f);
  ck_assert_uint_lt(n_got, MAX_SEEN);
  s = &got[n_got++];
  snprintf(s->url, sizeof(s->url), "%s", l->url);
  snprintf(s->page, sizeof(s->page), "%s", l->page);
  s->rc = rc;
  s->level = l->level;
  s->kind = l->kind;
  s->fresh = l->fresh;
  s->internal = l->internal;
  s->follow = l->follow;
}

/* The last link handed out for @url, or NULL. */
static const struct seen_link *link_of(const char *url)
{
  size_t i = n_got;
  while (i--)
    if (strcmp(got[i].url, url) == 0)
      return &got[i];
  return NULL;
}

static void setup_depth(int depth, int script_links)
{
  n_got = 0;
  frontier_init(&f, depth, script_links, on_link, &f);
  f.scope = strdup("example.cn");
  ck_assert_ptr_nonnull(f.scope);
}

static void setup(void)
{
  setup_depth(3, 0);
}

static void teardown(void)
{
  frontier_cleanup(&f);
}

/* Page @url at @level, read with body @html. */
static void read_page(const char *url, int level, const char *html)
{
  struct html_page hp;
  ck_assert_int_eq(
    html_links_extract(html, strlen(html), "text/html", url, &hp), PARSE_OK);
  ck_assert_int_eq(frontier_page(&f, level, url, &hp), FRONTIER_OK);
}

#define HOME "http://www.example.cn/"

START_TEST(frontier_links_are_one_level_down)
{
  frontier_want(&f, 1);
  read_page(HOME, 1, "<a href=/a>a</a><a href=http://www.example.cn/b>b</a>");
  ck_assert_uint_eq(n_got, 2);
  ck_assert_str_eq(got[0].url, "http://www.example.cn/a");
  ck_assert_str_eq(got[0].page, HOME);
  ck_assert_int_eq(got[0].level, 2);
  ck_assert_int_eq(got[0].kind, LINK_HTTP);
  ck_assert(got[0].fresh && got[0].internal && got[0].follow);
  ck_assert_int_eq(frontier_level(&f, "http://www.example.cn/b"), 2);
}
END_TEST

START_TEST(frontier_dedupe_per_site_first_level_wins)
{
  ck_assert_int_eq(frontier_mark(&f, HOME, 1), 1);
  ck_assert_int_eq(frontier_mark(&f, HOME, 1), 0);
  read_page(HOME, 1, "<a href=/a>1</a><a href=/a>2</a><a href=/>home</a>");
  ck_assert_uint_eq(n_got, 3); /* every edge goes out... */
  ck_assert(got[0].fresh);
  ck_assert(!got[1].fresh); /* ...but a URL is a link once */
  ck_assert(!got[1].follow);
  ck_assert(!got[2].fresh);
  ck_assert_int_eq(frontier_level(&f, HOME), 1);
  read_page("http://www.example.cn/a", 2, "<a href=/a>self</a>");
  ck_assert(!link_of("http://www.example.cn/a")->fresh);
  ck_assert_int_eq(frontier_level(&f, "http://www.example.cn/a"), 2);
}
END_TEST

START_TEST(frontier_scope_internal_and_external)
{
  read_page(HOME, 1,
            "<a href=http://news.example.cn/x>sub</a>"
            "<a href=http://example.cn/y>apex</a>"
            "<a href=http://badexample.cn/z>other</a>"
            "<a href=http://www.gov.cn/>gov</a>");
  ck_assert(link_of("http://news.example.cn/x")->internal);
  ck_assert(link_of("http://example.cn/y")->internal);
  ck_assert(!link_of("http://badexample.cn/z")->internal);
  ck_assert(!link_of("http://badexample.cn/z")->follow);
  ck_assert(link_of("http://badexample.cn/z")->fresh); /* still a link */
  ck_assert(!link_of("http://www.gov.cn/")->internal);
}
END_TEST

START_TEST(frontier_no_scope_nothing_internal)
{
  free(f.scope);
  f.scope = NULL;
  read_page(HOME, 1, "<a href=/a>a</a>");
  ck_assert_uint_eq(n_got, 1);
  ck_assert(got[0].fresh && !got[0].internal && !got[0].follow);
}
END_TEST

START_TEST(frontier_depth_stops_following)
{
  read_page("http://www.example.cn/a", 2, "<a href=/deep>d</a>");
  ck_assert_int_eq(link_of("http://www.example.cn/deep")->level, 3);
  ck_assert(link_of("http://www.example.cn/deep")->internal);
  ck_assert(!link_of("http://www.example.cn/deep")->follow); /* depth 3 */
  frontier_cleanup(&f);
  setup_depth(4, 0);
  read_page("http://www.example.cn/a", 2, "<a href=/deep>d</a>");
  ck_assert(link_of("http://www.example.cn/deep")->follow);
}
END_TEST

/* --depth 1 collects level 1 only: the homepage's links are not links of
 * the site (no level 2), scripts' literals included. */
START_TEST(frontier_depth_1_collects_no_level_2)
{
  frontier_cleanup(&f);
  setup_depth(1, 1);
  frontier_want(&f, 1);
  read_page(HOME, 1,
            "<a href=/a>a</a><a href=http://other.cn/>o</a>"
            "<script>var u = 'http://www.example.cn/s';</script>");
  ck_assert_uint_eq(n_got, 0);
  ck_assert_int_eq(frontier_level(&f, "http://www.example.cn/a"), 0);
  ck_assert_int_eq(frontier_page_done(&f, 1), FRONTIER_OK);
  ck_assert_uint_eq(n_got, 0);
  frontier_cleanup(&f);
  setup_depth(2, 0);
  read_page(HOME, 1, "<a href=/a>a</a>");
  ck_assert_int_eq(link_of("http://www.example.cn/a")->level, 2);
  ck_assert(!link_of("http://www.example.cn/a")->follow); /* depth 2 */
}
END_TEST

START_TEST(frontier_held_until_upper_levels_read)
{
  /* home -> a, b (level 2); a -> c (level 3); c's page is read before b's,
   * and both b and c link x: x is a link of level 3 (from b), not 4.
   * --depth 4: the level-3 page c is read. */
  frontier_cleanup(&f);
  setup_depth(4, 0);
  frontier_want(&f, 1);
  read_page(HOME, 1, "<a href=/a>a</a><a href=/b>b</a>");
  frontier_want(&f, 2);
  frontier_want(&f, 2);
  ck_assert_int_eq(frontier_page_done(&f, 1), FRONTIER_OK);
  read_page("http://www.example.cn/a", 2, "<a href=/c>c</a>");
  frontier_want(&f, 3);
  ck_assert_int_eq(frontier_page_done(&f, 2), FRONTIER_OK);
  ck_assert(frontier_pages_above(&f, 3));
  n_got = 0;
  read_page("http://www.example.cn/c", 3, "<a href=/x>x</a>");
  ck_assert_uint_eq(n_got, 0); /* held: b is still to be read */
  ck_assert_int_eq(frontier_page_done(&f, 3), FRONTIER_OK);
  ck_assert_uint_eq(n_got, 0);
  read_page("http://www.example.cn/b", 2, "<a href=/x>x</a>");
  ck_assert_uint_eq(n_got, 1);
  ck_assert_int_eq(got[0].level, 3);
  ck_assert(got[0].fresh);
  ck_assert_int_eq(frontier_page_done(&f, 2), FRONTIER_OK);
  ck_assert(!frontier_pages_above(&f, 3));
  ck_assert_uint_eq(n_got, 2); /* c's links, released */
  ck_assert_str_eq(got[1].page, "http://www.example.cn/c");
  ck_assert_int_eq(got[1].level, 4);
  ck_assert(!got[1].fresh);
  ck_assert_int_eq(frontier_level(&f, "http://www.example.cn/x"), 3);
}
END_TEST

START_TEST(frontier_page_of_upper_level_not_held)
{
  frontier_want(&f, 2);
  /* a level-2 page with another level-2 page pending goes out at once */
  read_page("http://www.example.cn/a", 2, "<a href=/y>y</a>");
  ck_assert_uint_eq(n_got, 1);
  ck_assert(frontier_pages_above(&f, 3));
  ck_assert(!frontier_pages_above(&f, 2));
}
END_TEST

START_TEST(frontier_fragment_and_other_links)
{
  read_page(HOME, 1,
            "<a href=' #top '>top</a><a href='mailto:a@example.cn'>m</a>"
            "<a href='http://[bad/'>bad</a>");
  ck_assert_uint_eq(n_got, 3);
  ck_assert_str_eq(got[0].url, "#top");
  ck_assert_int_eq(got[0].kind, LINK_OTHER);
  ck_assert(!got[0].internal);
  ck_assert_str_eq(got[1].url, "mailto:a@example.cn");
  ck_assert_int_eq(got[1].kind, LINK_OTHER);
  ck_assert(!got[1].follow);
  ck_assert_int_eq(got[2].kind, LINK_INVALID);
  ck_assert_str_eq(got[2].url, "http://[bad/");
}
END_TEST

/* A browser follows "#top" to the base URL: under a <base href> that
 * points elsewhere it is a link to that URL; only a fragment that stays
 * on the page itself is skipped. */
START_TEST(frontier_fragment_under_base_is_a_link)
{
  frontier_want(&f, 1);
  read_page(HOME "news/", 1,
            "<base href='http://www.example.cn/docs/'>"
            "<a href='#top'>top</a><a href=' #a '>a</a>");
  ck_assert_uint_eq(n_got, 2);
  ck_assert_str_eq(got[0].url, "http://www.example.cn/docs/");
  ck_assert_int_eq(got[0].kind, LINK_HTTP);
  ck_assert(got[0].fresh);
  ck_assert(got[0].internal);
  ck_assert(got[0].follow);
  ck_assert_int_eq(got[0].level, 2);
  ck_assert_str_eq(got[1].url, "http://www.example.cn/docs/");
  ck_assert(!got[1].fresh); /* the same URL: one link */
}
END_TEST

START_TEST(frontier_fragment_on_the_page_itself_is_skipped)
{
  /* a base that is the page itself, and a page URL written loosely */
  read_page("HTTP://www.Example.cn:80/news/?q=1", 1,
            "<base href='/news/?q=1'><a href='#top'>top</a>");
  read_page(HOME, 1, "<base href='http://www.example.cn/'><a href='#x'>x</a>");
  ck_assert_uint_eq(n_got, 2);
  ck_assert_str_eq(got[0].url, "#top");
  ck_assert_int_eq(got[0].kind, LINK_OTHER);
  ck_assert_str_eq(got[1].url, "#x");
  ck_assert_int_eq(got[1].kind, LINK_OTHER);
}
END_TEST

START_TEST(frontier_script_literals_counted_not_followed)
{
  read_page(HOME, 1,
            "<a href=/a>a</a><script>var u = 'http://www.example.cn/s';"
            "var v = 'http://www.example.cn/a';</script>");
  ck_assert_uint_eq(n_got, 1);
  ck_assert_uint_eq(frontier_script_hidden(&f), 1); /* /a is a link */
  frontier_cleanup(&f);
  setup_depth(3, 1);
  read_page(HOME, 1, "<script>var u = 'http://www.example.cn/s';</script>");
  ck_assert_ptr_nonnull(link_of("http://www.example.cn/s"));
  ck_assert(link_of("http://www.example.cn/s")->follow);
  ck_assert_uint_eq(frontier_script_hidden(&f), 0);
}
END_TEST

START_TEST(frontier_meta_refresh_followed_at_level_1)
{
  struct html_page hp;
  const char *html =
    "<meta http-equiv=refresh content='0; url=http://www.example.cn/new'>";
  int i;
  ck_assert_int_eq(
    html_links_extract(html, strlen(html), "text/html", HOME, &hp), PARSE_OK);
  ck_assert_int_eq(frontier_refresh(&f, 2, &hp), 0); /* level 1 only */
  ck_assert_int_eq(frontier_refresh(&f, 1, &hp), 1);
  ck_assert_int_eq(frontier_level(&f, "http://www.example.cn/new"), 1);
  ck_assert_int_eq(frontier_refresh(&f, 1, &hp), 0); /* seen now */
  html_page_cleanup(&hp);
  /* at most MAX_REDIRECTS hops */
  for (i = 0; i < 10; i++) {
    char buf[128], url[64];
    snprintf(url, sizeof(url), "http://www.example.cn/r%d", i);
    snprintf(buf, sizeof(buf), "<meta http-equiv=refresh content='0;url=%s'>",
             url);
    ck_assert_int_eq(
      html_links_extract(buf, strlen(buf), "text/html", HOME, &hp), PARSE_OK);
    ck_assert_int_eq(frontier_refresh(&f, 1, &hp), i < MAX_REDIRECTS - 1);
    html_page_cleanup(&hp);
  }
}
END_TEST

/* ---- urltab.c: the crawl's URLs by fingerprint ---- */

static void count_val(void *val, void *arg)
{
  (void)val;
  ++*(size_t *)arg;
}

/* SipHash-2-4-128 of the reference vectors (key 00..0f, message 00..n-1):
 * the first, the last of the one-block ones, and the longest. */
START_TEST(urltab_siphash128_matches_the_reference_vectors)
{
  static const struct {
    size_t n;
    unsigned char out[16];
  } v[] = {
    {0,
     {0xa3, 0x81, 0x7f, 0x04, 0xba, 0x25, 0xa8, 0xe6, 0x6d, 0xf6, 0x72, 0x14,
      0xc7, 0x55, 0x02, 0x93}},
    {7,
     {0xa1, 0xf1, 0xeb, 0xbe, 0xd8, 0xdb, 0xc1, 0x53, 0xc0, 0xb8, 0x4a, 0xa6,
      0x1f, 0xf0, 0x82, 0x39}},
    {8,
     {0x3b, 0x62, 0xa9, 0xba, 0x62, 0x58, 0xf5, 0x61, 0x0f, 0x83, 0xe2, 0x64,
      0xf3, 0x14, 0x97, 0xb4}},
    {15,
     {0x54, 0x93, 0xe9, 0x99, 0x33, 0xb0, 0xa8, 0x11, 0x7e, 0x08, 0xec, 0x0f,
      0x97, 0xcf, 0xc3, 0xd9}},
    {63,
     {0x51, 0x50, 0xd1, 0x77, 0x2f, 0x50, 0x83, 0x4a, 0x50, 0x3e, 0x06, 0x9a,
      0x97, 0x3f, 0xbd, 0x7c}},
  };
  uint64_t key[2] = {UINT64_C(0x0706050403020100),
                     UINT64_C(0x0f0e0d0c0b0a0908)};
  unsigned char msg[64], out[16];
  size_t i, j;
  for (i = 0; i < sizeof msg; i++)
    msg[i] = (unsigned char)i;
  for (i = 0; i < sizeof v / sizeof v[0]; i++) {
    uint64_t h[2];
    utab_siphash128(key, msg, v[i].n, h);
    for (j = 0; j < 16; j++)
      out[j] = (unsigned char)(h[j / 8] >> (8 * (j % 8)));
    ck_assert_msg(memcmp(out, v[i].out, 16) == 0, "length %zu", v[i].n);
  }
}
END_TEST

/* 60k URLs (the slots grow 7 times, entries span 15 pages): each is
 * found with its value, an unknown one is not, and two tables key
 * differently. */
START_TEST(urltab_entries_values_and_growth)
{
  struct utab t, u;
  struct utab_fp a, b;
  char url[64];
  uint32_t i, id;
  size_t seen = 0;
  memset(&t, 0, sizeof(t));
  memset(&u, 0, sizeof(u));
  ck_assert_uint_eq(utab_find(&t, "http://a.cn/"), 0);
  ck_assert_ptr_null(utab_get(&t, "http://a.cn/"));
  for (i = 0; i < 60000; i++) {
    snprintf(url, sizeof url, "http://www.example.cn/art/%u.html", i);
    id = i % 3 ? utab_set(&t, url, (void *)(uintptr_t)(2 * i + 2))
               : utab_intern(&t, url);
    ck_assert_uint_eq(id, i + 1);
  }
  ck_assert_uint_eq(t.n, 60000);
  for (i = 0; i < 60000; i++) {
    snprintf(url, sizeof url, "http://www.example.cn/art/%u.html", i);
    id = utab_find(&t, url);
    ck_assert_uint_eq(id, i + 1);
    ck_assert_uint_eq(utab_intern(&t, url), i + 1);
    ck_assert_ptr_eq(utab_get(&t, url),
                     i % 3 ? (void *)(uintptr_t)(2 * i + 2) : NULL);
  }
  ck_assert_uint_eq(t.n, 60000);
  ck_assert_uint_eq(utab_find(&t, "http://www.example.cn/art/60000.html"), 0);
  utab_val_set(&t, 1, (void *)(uintptr_t)7);
  ck_assert_ptr_eq(utab_get(&t, "http://www.example.cn/art/0.html"),
                   (void *)(uintptr_t)7);
  utab_each(&t, count_val, &seen);
  ck_assert_uint_eq(seen, 40000 + 1);
  utab_fp(&t, "http://a.cn/", &a);
  utab_fp(&u, "http://a.cn/", &b);
  ck_assert(a.h[0] != b.h[0] || a.h[1] != b.h[1]);
  utab_clear(&t, NULL);
  utab_clear(&u, NULL);
  ck_assert_uint_eq(t.n, 0);
  ck_assert_uint_eq(utab_find(&t, "http://www.example.cn/art/1.html"), 0);
}
END_TEST

START_TEST(urltab_idset_levels)
{
  struct idset s;
  uint32_t id;
  memset(&s, 0, sizeof(s));
  ck_assert_int_eq(idset_get(&s, 1), 0);
  for (id = 1; id <= 30000; id++)
    ck_assert_int_eq(idset_put(&s, id * 7, (int)(id % 15) + 1), 0);
  for (id = 1; id <= 30000; id++) {
    ck_assert_int_eq(idset_get(&s, id * 7), (int)(id % 15) + 1);
    ck_assert_int_eq(idset_get(&s, id * 7 + 1), 0);
  }
  /* no entry 0, no level 0 or 16 */
  ck_assert_int_eq(idset_put(&s, 0, 1), -1);
  ck_assert_int_eq(idset_put(&s, 1, 0), -1);
  ck_assert_int_eq(idset_put(&s, 1, 16), -1);
  idset_clear(&s);
  ck_assert_int_eq(idset_get(&s, 7), 0);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("frontier");
  TCase *tc = tcase_create("frontier");

  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, frontier_links_are_one_level_down);
  tcase_add_test(tc, frontier_dedupe_per_site_first_level_wins);
  tcase_add_test(tc, frontier_scope_internal_and_external);
  tcase_add_test(tc, frontier_no_scope_nothing_internal);
  tcase_add_test(tc, frontier_depth_stops_following);
  tcase_add_test(tc, frontier_depth_1_collects_no_level_2);
  tcase_add_test(tc, frontier_held_until_upper_levels_read);
  tcase_add_test(tc, frontier_page_of_upper_level_not_held);
  tcase_add_test(tc, frontier_fragment_and_other_links);
  tcase_add_test(tc, frontier_fragment_under_base_is_a_link);
  tcase_add_test(tc, frontier_fragment_on_the_page_itself_is_skipped);
  tcase_add_test(tc, frontier_script_literals_counted_not_followed);
  tcase_add_test(tc, frontier_meta_refresh_followed_at_level_1);
  suite_add_tcase(s, tc);
  tc = tcase_create("urltab");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, urltab_siphash128_matches_the_reference_vectors);
  tcase_add_test(tc, urltab_entries_values_and_growth);
  tcase_add_test(tc, urltab_idset_levels);
  suite_add_tcase(s, tc);
  return check_run(s);
}
