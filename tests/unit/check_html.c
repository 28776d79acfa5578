/* tests/unit/check_html.c - html_links_extract and charset sniffing. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "parser/parse.h"
#include "tests/unit/check_run.h"

#define PAGE "http://www.example.gov.cn/dir/index.html"

static struct html_page pg;

static void extract(const char *body, const char *ctype)
{
  ck_assert_int_eq(html_links_extract(body, strlen(body), ctype, PAGE, &pg),
                   PARSE_OK);
}

static void teardown(void)
{
  html_page_cleanup(&pg);
}

START_TEST(html_links_in_document_order)
{
  extract("<html><body><a href=\"/a\">a</a><iframe src=\"b.html\"></iframe>"
          "<map><area href=\"http://other.cn/c\"></map>"
          "<frameset><frame src=\"d\"></frameset></body></html>",
          NULL);
  ck_assert_uint_eq(pg.n_links, 3);
  ck_assert_str_eq(pg.links[0].url, "http://www.example.gov.cn/a");
  ck_assert_int_eq(pg.links[0].kind, HTML_A);
  ck_assert_str_eq(pg.links[1].url, "http://www.example.gov.cn/dir/b.html");
  ck_assert_int_eq(pg.links[1].kind, HTML_IFRAME);
  ck_assert_str_eq(pg.links[2].url, "http://other.cn/c");
  ck_assert_int_eq(pg.links[2].kind, HTML_AREA);
  ck_assert_str_eq(pg.base, PAGE);
  ck_assert_str_eq(pg.charset, "UTF-8");
}
END_TEST

START_TEST(html_frameset_frames)
{
  extract("<html><frameset><frame src=\"top.html\"><frame src=\"/m\">"
          "</frameset></html>",
          NULL);
  ck_assert_uint_eq(pg.n_links, 2);
  ck_assert_str_eq(pg.links[0].url, "http://www.example.gov.cn/dir/top.html");
  ck_assert_int_eq(pg.links[0].kind, HTML_FRAME);
  ck_assert_str_eq(pg.links[1].url, "http://www.example.gov.cn/m");
}
END_TEST

START_TEST(html_duplicates_kept)
{
  extract("<a href=x>1</a><a href=x>2</a>", NULL);
  ck_assert_uint_eq(pg.n_links, 2);
  ck_assert_str_eq(pg.links[0].url, pg.links[1].url);
}
END_TEST

START_TEST(html_base_first_wins)
{
  extract("<head><base href=\"http://cdn.example.cn/x/\">"
          "<base href=\"http://wrong.cn/\"></head>"
          "<a href=\"p.html\">p</a>",
          NULL);
  ck_assert_str_eq(pg.base, "http://cdn.example.cn/x/");
  ck_assert_uint_eq(pg.n_links, 1);
  ck_assert_str_eq(pg.links[0].url, "http://cdn.example.cn/x/p.html");
}
END_TEST

START_TEST(html_base_relative_to_page)
{
  extract("<base href=\"../sub/\"><a href=\"q\">q</a>", NULL);
  ck_assert_str_eq(pg.base, "http://www.example.gov.cn/sub/");
  ck_assert_str_eq(pg.links[0].url, "http://www.example.gov.cn/sub/q");
}
END_TEST

START_TEST(html_base_applies_to_earlier_links)
{
  extract("<a href=\"e\">e</a><base href=\"/b/\">", NULL);
  ck_assert_str_eq(pg.links[0].url, "http://www.example.gov.cn/b/e");
}
END_TEST

START_TEST(html_ignores_comments_scripts_styles)
{
  extract("<!-- <a href=\"/c\">c</a> -->"
          "<script>document.write('<a href=\"/s\">s</a>')</script>"
          "<style>a{background:url(/st)}</style>"
          "<noframes><a href=\"/nf\">nf</a></noframes>"
          "<div data-href=\"/dh\"></div><form action=\"/f\"></form>"
          "<link href=\"/l.css\" rel=stylesheet><img src=\"/i.png\">"
          "<a href=\"/real\">r</a>",
          NULL);
  ck_assert_uint_eq(pg.n_links, 1);
  ck_assert_str_eq(pg.links[0].url, "http://www.example.gov.cn/real");
}
END_TEST

START_TEST(html_entities_decoded_in_href)
{
  extract("<a href=\"/q?a=1&amp;b=2\">x</a>", NULL);
  ck_assert_str_eq(pg.links[0].href, "/q?a=1&b=2");
  ck_assert_str_eq(pg.links[0].url, "http://www.example.gov.cn/q?a=1&b=2");
}
END_TEST

START_TEST(html_fragment_removed_and_nonhttp_kept)
{
  extract("<a href=\"#top\">t</a><a href=\"mailto:a@b.cn\">m</a>"
          "<a href=\"JavaScript:void(0)\">j</a><a href=\"/p#s\">p</a>",
          NULL);
  ck_assert_uint_eq(pg.n_links, 4);
  ck_assert_str_eq(pg.links[0].url, PAGE);
  ck_assert_str_eq(pg.links[1].url, "mailto:a@b.cn");
  ck_assert_str_eq(pg.links[2].url, "javascript:void(0)");
  ck_assert_str_eq(pg.links[3].url, "http://www.example.gov.cn/p");
}
END_TEST

START_TEST(html_whitespace_and_backslash_href)
{
  extract("<a href=\"  /a\\b\n/c \">x</a>", NULL);
  ck_assert_str_eq(pg.links[0].url, "http://www.example.gov.cn/a/b/c");
}
END_TEST

START_TEST(html_bad_href_url_null)
{
  extract("<a href=\"http://\">x</a><a href=\"http://[::1\">y</a>", NULL);
  ck_assert_uint_eq(pg.n_links, 2);
  ck_assert_ptr_null(pg.links[0].url);
  ck_assert_str_eq(pg.links[0].href, "http://");
  ck_assert_ptr_null(pg.links[1].url);
}
END_TEST

/* "新闻" in GBK is d0 c2 ce c5. */
START_TEST(html_gbk_page_links)
{
  const char body[] = "<html><head><meta charset=\"gbk\"></head><body>"
                      "<a href=\"/\xd0\xc2\xce\xc5?q=\xd0\xc2\">x</a>"
                      "</body></html>";

  extract(body, NULL);
  ck_assert_str_eq(pg.charset, "GB18030");
  ck_assert_uint_eq(pg.n_links, 1);
  ck_assert_str_eq(pg.links[0].href,
                   "/\xe6\x96\xb0\xe9\x97\xbb?q=\xe6\x96\xb0");
  /* path in UTF-8, query in the page's encoding */
  ck_assert_str_eq(pg.links[0].url,
                   "http://www.example.gov.cn/%E6%96%B0%E9%97%BB?q=%D0%C2");
}
END_TEST

START_TEST(html_gb2312_http_equiv)
{
  const char body[] =
    "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\">"
    "<a href=\"/\xd0\xc2\">x</a>";

  extract(body, NULL);
  ck_assert_str_eq(pg.charset, "GB18030");
  ck_assert_str_eq(pg.links[0].url, "http://www.example.gov.cn/%E6%96%B0");
}
END_TEST

START_TEST(html_header_charset_beats_meta)
{
  const char body[] = "<meta charset=utf-8><a href=\"/\xd0\xc2\">x</a>";

  extract(body, "text/html; charset=GBK");
  ck_assert_str_eq(pg.charset, "GB18030");
  ck_assert_str_eq(pg.links[0].url, "http://www.example.gov.cn/%E6%96%B0");
}
END_TEST

START_TEST(html_bom_beats_header)
{
  const char body[] = "\xef\xbb\xbf<a href=\"/\xe6\x96\xb0\">x</a>";

  extract(body, "text/html; charset=gbk");
  ck_assert_str_eq(pg.charset, "UTF-8");
  ck_assert_str_eq(pg.links[0].url, "http://www.example.gov.cn/%E6%96%B0");
}
END_TEST

START_TEST(html_default_gb18030_when_not_utf8)
{
  const char body[] = "<a href=\"/\xd0\xc2\">x</a>";

  extract(body, NULL);
  ck_assert_str_eq(pg.charset, "GB18030");
  ck_assert_str_eq(pg.links[0].url, "http://www.example.gov.cn/%E6%96%B0");
}
END_TEST

START_TEST(html_default_utf8_when_valid)
{
  extract("<a href=\"/\xe6\x96\xb0\">x</a>", NULL);
  ck_assert_str_eq(pg.charset, "UTF-8");
  ck_assert_str_eq(pg.links[0].url, "http://www.example.gov.cn/%E6%96%B0");
}
END_TEST

/* "中" in Big5 is a4 a4. */
START_TEST(html_big5_page_links)
{
  const char body[] = "<a href=\"/\xa4\xa4\">x</a>";

  extract(body, "text/html;charset=big5");
  ck_assert_str_eq(pg.charset, "Big5");
  ck_assert_str_eq(pg.links[0].url, "http://www.example.gov.cn/%E4%B8%AD");
}
END_TEST

START_TEST(html_invalid_bytes_replaced)
{
  const char body[] = "<a href=\"/a\xff\">x</a>";

  extract(body, "text/html; charset=utf-8");
  ck_assert_str_eq(pg.links[0].url, "http://www.example.gov.cn/a%EF%BF%BD");
}
END_TEST

START_TEST(html_meta_refresh)
{
  extract("<meta http-equiv=\"refresh\" content=\"0; URL='/new/'\">", NULL);
  ck_assert_str_eq(pg.refresh_url, "http://www.example.gov.cn/new/");
  ck_assert_uint_eq(pg.n_links, 0);
}
END_TEST

START_TEST(html_meta_refresh_without_url)
{
  extract("<meta http-equiv=refresh content=\"30\">", NULL);
  ck_assert_ptr_null(pg.refresh_url);
}
END_TEST

START_TEST(html_script_urls_counted)
{
  extract("<script>var a = \"http://x.cn/a\"; var b = '/news/1.html';"
          "var c = 'not a url'; var d = \"//cdn\";</script>"
          "<button onclick=\"location.href='https://y.cn/'\">b</button>"
          "<script src=\"/ext.js\"></script>",
          NULL);
  ck_assert_uint_eq(pg.script_urls, 3);
  ck_assert_uint_eq(pg.n_links, 0);
}
END_TEST

START_TEST(html_empty_body)
{
  ck_assert_int_eq(html_links_extract("", 0, NULL, PAGE, &pg), PARSE_OK);
  ck_assert_uint_eq(pg.n_links, 0);
  ck_assert_str_eq(pg.charset, "UTF-8");
}
END_TEST

START_TEST(html_not_nul_terminated)
{
  const char body[] = "<a href=\"/a\">x</a><a href=\"/b\">y</a>";

  /* cut inside the second tag: only the first link is complete */
  ck_assert_int_eq(html_links_extract(body, 20, NULL, PAGE, &pg), PARSE_OK);
  ck_assert_uint_eq(pg.n_links, 1);
  ck_assert_str_eq(pg.links[0].url, "http://www.example.gov.cn/a");
}
END_TEST

START_TEST(html_deep_nesting_no_crash)
{
  size_t n = 20000, i;
  char *body = malloc(n * 5 + 32);

  ck_assert_ptr_nonnull(body);
  for (i = 0; i < n; i++)
    memcpy(body + i * 5, "<div>", 5);
  memcpy(body + n * 5, "<a href=/deep>d</a>", 20);
  ck_assert_int_eq(html_links_extract(body, strlen(body), NULL, PAGE, &pg),
                   PARSE_OK);
  ck_assert_uint_eq(pg.n_links, 1);
  ck_assert_str_eq(pg.links[0].url, "http://www.example.gov.cn/deep");
  free(body);
}
END_TEST

START_TEST(html_idn_link_punycode)
{
  extract("<a href=\"http://\xe4\xb8\xad\xe5\x9b\xbd.\xe6\x94\xbf\xe5\x8a\xa1"
          "/x\">x</a>",
          NULL);
  ck_assert_str_eq(pg.links[0].url, "http://xn--fiqs8s.xn--zfr164b/x");
}
END_TEST

int main(void)
{
  Suite *s = suite_create("html");
  TCase *tc = tcase_create("links"), *deep;

  tcase_add_checked_fixture(tc, NULL, teardown);
  tcase_add_test(tc, html_links_in_document_order);
  tcase_add_test(tc, html_frameset_frames);
  tcase_add_test(tc, html_duplicates_kept);
  tcase_add_test(tc, html_base_first_wins);
  tcase_add_test(tc, html_base_relative_to_page);
  tcase_add_test(tc, html_base_applies_to_earlier_links);
  tcase_add_test(tc, html_ignores_comments_scripts_styles);
  tcase_add_test(tc, html_entities_decoded_in_href);
  tcase_add_test(tc, html_fragment_removed_and_nonhttp_kept);
  tcase_add_test(tc, html_whitespace_and_backslash_href);
  tcase_add_test(tc, html_bad_href_url_null);
  tcase_add_test(tc, html_gbk_page_links);
  tcase_add_test(tc, html_gb2312_http_equiv);
  tcase_add_test(tc, html_header_charset_beats_meta);
  tcase_add_test(tc, html_bom_beats_header);
  tcase_add_test(tc, html_default_gb18030_when_not_utf8);
  tcase_add_test(tc, html_default_utf8_when_valid);
  tcase_add_test(tc, html_big5_page_links);
  tcase_add_test(tc, html_invalid_bytes_replaced);
  tcase_add_test(tc, html_meta_refresh);
  tcase_add_test(tc, html_meta_refresh_without_url);
  tcase_add_test(tc, html_script_urls_counted);
  tcase_add_test(tc, html_empty_body);
  tcase_add_test(tc, html_not_nul_terminated);
  tcase_add_test(tc, html_idn_link_punycode);
  suite_add_tcase(s, tc);
  /* gumbo's time grows with the square of the nesting: under a sanitizer
   * on a loaded machine 20k levels take longer than Check's 4 s default.
   * The test is about not crashing, so it gets a timeout of its own. */
  deep = tcase_create("deep");
  tcase_add_checked_fixture(deep, NULL, teardown);
  tcase_set_timeout(deep, 60);
  tcase_add_test(deep, html_deep_nesting_no_crash);
  suite_add_tcase(s, deep);
  return check_run(s);
}
