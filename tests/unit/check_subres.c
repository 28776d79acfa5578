/* tests/unit/check_subres.c - a page's subresources (html_links_extract's
 * subres), srcset candidates and the CSS url() / @import scanner. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "parser/parse.h"
#include "tests/unit/check_run.h"

#define PAGE  "http://www.example.gov.cn/dir/index.html"
#define SHEET "http://cdn.example.cn/css/site.css"

static struct css_url *cv;
static size_t cn;

static void css(const char *text)
{
  css_urls_free(cv, cn);
  cv = NULL;
  cn = 0;
  ck_assert_int_eq(css_urls_extract(text, strlen(text), SHEET, &cv, &cn),
                   PARSE_OK);
}

static void teardown(void)
{
  css_urls_free(cv, cn);
  cv = NULL;
  cn = 0;
}

START_TEST(css_bare_and_quoted)
{
  css("a{background:url(img/a.png)} b{background:URL( \"../b.png\" )}"
      "c{background:url('c.png')}");
  ck_assert_uint_eq(cn, 3);
  ck_assert_str_eq(cv[0].url, "http://cdn.example.cn/css/img/a.png");
  ck_assert_str_eq(cv[1].url, "http://cdn.example.cn/b.png");
  ck_assert_str_eq(cv[2].url, "http://cdn.example.cn/css/c.png");
  ck_assert_int_eq(cv[0].import, 0);
}
END_TEST

START_TEST(css_comments_and_strings_hide_urls)
{
  css("/* url(no1.png) */ a{content:\"url(no2.png)\"} "
      "b{content:'x\\'url(no3.png)'} /* unclosed url(no4.png)");
  ck_assert_uint_eq(cn, 0);
  css("a{b:url(yes.png)} /**/ c{d:url(/* not a comment */x.png)}");
  ck_assert_uint_eq(cn, 1);
  ck_assert_str_eq(cv[0].url, "http://cdn.example.cn/css/yes.png");
}
END_TEST

START_TEST(css_words_and_escapes)
{
  /* myurl( and -url( are other functions; \75 rl( is url( */
  css("a{b:myurl(no.png);c:-url(no.png);d:\\75 rl(esc.png);"
      "e:url(sp\\ ace.png);f:url(\\28paren\\29.png);g:url(\"q\\\"d.png\")}");
  ck_assert_uint_eq(cn, 4);
  ck_assert_str_eq(cv[0].url, "http://cdn.example.cn/css/esc.png");
  ck_assert_str_eq(cv[1].raw, "sp ace.png");
  ck_assert_str_eq(cv[1].url, "http://cdn.example.cn/css/sp%20ace.png");
  ck_assert_str_eq(cv[2].raw, "(paren).png");
  ck_assert_str_eq(cv[3].raw, "q\"d.png");
}
END_TEST

START_TEST(css_bad_urls_dropped)
{
  /* a quote, a parenthesis or white space inside a bare url: bad url */
  css("a{b:url(x\"y.png);c:url(a(b).png);d:url(a b.png);"
      "e:url();f:url(\"\");g:url(#f);h:url(ok.png)}");
  ck_assert_uint_eq(cn, 1);
  ck_assert_str_eq(cv[0].raw, "ok.png");
}
END_TEST

START_TEST(css_import_forms)
{
  css("@import \"a.css\"; @IMPORT url(b.css) screen; @import /* c */ 'c.css';"
      "@importx \"no.css\"; x{y:\"no2.css\"} @media print{a{b:url(p.png)}}");
  ck_assert_uint_eq(cn, 4);
  ck_assert_str_eq(cv[0].url, "http://cdn.example.cn/css/a.css");
  ck_assert_int_eq(cv[0].import, 1);
  ck_assert_str_eq(cv[1].url, "http://cdn.example.cn/css/b.css");
  ck_assert_int_eq(cv[1].import, 1);
  ck_assert_str_eq(cv[2].url, "http://cdn.example.cn/css/c.css");
  ck_assert_int_eq(cv[2].import, 1);
  ck_assert_str_eq(cv[3].raw, "p.png");
  ck_assert_int_eq(cv[3].import, 0);
}
END_TEST

START_TEST(css_font_face_and_string_continuation)
{
  css("@font-face{src:url(f.woff2) format(\"woff2\"),url(f.woff) "
      "format('woff')} a{b:url(\"long\\\nname.png\")}");
  ck_assert_uint_eq(cn, 3);
  ck_assert_str_eq(cv[0].raw, "f.woff2");
  ck_assert_str_eq(cv[1].raw, "f.woff");
  ck_assert_str_eq(cv[2].raw, "longname.png");
}
END_TEST

START_TEST(css_unterminated_and_binary)
{
  static const char bin[] = "a{b:url(x.png)}\0url(y.png) url(z.png";
  css_urls_free(cv, cn);
  ck_assert_int_eq(css_urls_extract(bin, sizeof bin - 1, SHEET, &cv, &cn),
                   PARSE_OK);
  ck_assert_uint_eq(cn, 3);
  ck_assert_str_eq(cv[2].raw, "z.png");
  css("\\");
  ck_assert_uint_eq(cn, 0);
  css("url(");
  ck_assert_uint_eq(cn, 0);
  css("a{b:url(\"x.png");
  ck_assert_uint_eq(cn, 1);
  ck_assert_str_eq(cv[0].raw, "x.png");
}
END_TEST

struct cands {
  char v[8][64];
  int n;
};

static int cand(void *ud, const char *url, size_t len)
{
  struct cands *c = ud;
  ck_assert_int_lt(c->n, 8);
  ck_assert_uint_lt(len, 64);
  memcpy(c->v[c->n], url, len);
  c->v[c->n][len] = 0;
  c->n++;
  return 0;
}

START_TEST(srcset_candidates)
{
  struct cands c;
  memset(&c, 0, sizeof c);
  html_srcset_each(" a.png 1x, b.png 2x,c.png,, d.png  , e,f.png 100w ", cand,
                   &c);
  ck_assert_int_eq(c.n, 5);
  ck_assert_str_eq(c.v[0], "a.png");
  ck_assert_str_eq(c.v[1], "b.png");
  ck_assert_str_eq(c.v[2], "c.png");
  ck_assert_str_eq(c.v[3], "d.png");
  ck_assert_str_eq(c.v[4], "e,f.png"); /* no white space: one URL */
  memset(&c, 0, sizeof c);
  html_srcset_each("a.png (x, y) 2x, b.png", cand, &c);
  ck_assert_int_eq(c.n, 2);
  ck_assert_str_eq(c.v[1], "b.png");
  memset(&c, 0, sizeof c);
  html_srcset_each("", cand, &c);
  ck_assert_int_eq(c.n, 0);
}
END_TEST

static struct html_page pg;

static void page_teardown(void)
{
  html_page_cleanup(&pg);
}

START_TEST(page_subresources)
{
  const char *body =
    "<html><head><link rel=\"Stylesheet\" href=\"/s.css\">"
    "<link rel=\"alternate stylesheet\" href=\"/alt.css\">"
    "<link rel=\"shortcut icon\" href=\"/favicon.ico\">"
    "<link rel=\"next\" href=\"/p2\">"
    "<script src=\"js/a.js\"></script>"
    "<style>@import 'i.css'; body{background:url(bg.png)}</style></head>"
    "<body><img src=\"i.png\" srcset=\"i2.png 2x, //img.cn/i3.png 3x\">"
    "<picture><source srcset=\"p.webp\"></picture>"
    "<iframe src=\"f.html\"></iframe><video src=\"v.mp4\">"
    "<source src=\"v.webm\"></video>"
    "<audio src=\"a.mp3\"></audio><div style=\"background:url('d.png')\">"
    "</div><img src=\"data:image/png;base64,AAAA\"><a href=\"x\">x</a>"
    "</body></html>";
  const char *want[][2] = {
    {"http://www.example.gov.cn/s.css", "stylesheet"},
    {"http://www.example.gov.cn/favicon.ico", "icon"},
    {"http://www.example.gov.cn/dir/js/a.js", "script"},
    {"http://www.example.gov.cn/dir/i.css", "stylesheet"},
    {"http://www.example.gov.cn/dir/bg.png", "css-url"},
    {"http://www.example.gov.cn/dir/i2.png", "img"},
    {"http://img.cn/i3.png", "img"},
    {"http://www.example.gov.cn/dir/i.png", "img"},
    {"http://www.example.gov.cn/dir/p.webp", "img"},
    {"http://www.example.gov.cn/dir/f.html", "iframe"},
    {"http://www.example.gov.cn/dir/v.mp4", "media"},
    {"http://www.example.gov.cn/dir/v.webm", "media"},
    {"http://www.example.gov.cn/dir/a.mp3", "media"},
    {"http://www.example.gov.cn/dir/d.png", "css-url"},
    {"data:image/png;base64,AAAA", "img"},
  };
  size_t i;
  ck_assert_int_eq(html_links_extract(body, strlen(body), NULL, PAGE, &pg),
                   PARSE_OK);
  ck_assert_uint_eq(pg.n_subres, sizeof want / sizeof want[0]);
  for (i = 0; i < pg.n_subres; i++) {
    ck_assert_str_eq(pg.subres[i].url, want[i][0]);
    ck_assert_str_eq(html_sub_kind_name(pg.subres[i].kind), want[i][1]);
  }
  /* the links are what they were: a and iframe */
  ck_assert_uint_eq(pg.n_links, 2);
}
END_TEST

START_TEST(page_subresources_under_base)
{
  const char *body = "<html><head><script src=\"a.js\"></script>"
                     "<base href=\"http://static.example.cn/x/\"></head>"
                     "<body><img src=\"b.png\"></body></html>";
  ck_assert_int_eq(html_links_extract(body, strlen(body), NULL, PAGE, &pg),
                   PARSE_OK);
  ck_assert_uint_eq(pg.n_subres, 2);
  ck_assert_str_eq(pg.subres[0].url, "http://static.example.cn/x/a.js");
  ck_assert_str_eq(pg.subres[1].url, "http://static.example.cn/x/b.png");
}
END_TEST

int main(void)
{
  Suite *s = suite_create("subres");
  TCase *c = tcase_create("css");
  TCase *p = tcase_create("page");
  tcase_add_checked_fixture(c, NULL, teardown);
  tcase_add_test(c, css_bare_and_quoted);
  tcase_add_test(c, css_comments_and_strings_hide_urls);
  tcase_add_test(c, css_words_and_escapes);
  tcase_add_test(c, css_bad_urls_dropped);
  tcase_add_test(c, css_import_forms);
  tcase_add_test(c, css_font_face_and_string_continuation);
  tcase_add_test(c, css_unterminated_and_binary);
  tcase_add_test(c, srcset_candidates);
  suite_add_tcase(s, c);
  tcase_add_checked_fixture(p, NULL, page_teardown);
  tcase_add_test(p, page_subresources);
  tcase_add_test(p, page_subresources_under_base);
  suite_add_tcase(s, p);
  return check_run(s);
}
