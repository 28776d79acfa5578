/* tests/unit/check_html.c - html_links_extract and charset sniffing. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parser/parse.h"
#include "parser/parse_int.h"
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

/* @n copies of @unit followed by @tail, NUL-terminated (caller frees). */
static char *repeat(const char *unit, size_t n, const char *tail)
{
  size_t ul = strlen(unit), tl = strlen(tail), i;
  char *b = malloc(ul * n + tl + 1);

  ck_assert_ptr_nonnull(b);
  for (i = 0; i < n; i++)
    memcpy(b + i * ul, unit, ul);
  memcpy(b + n * ul, tail, tl + 1);
  return b;
}

static void extract_owned(char *body)
{
  ck_assert_int_eq(html_links_extract(body, strlen(body), NULL, PAGE, &pg),
                   PARSE_OK);
  free(body);
}

/* Each of the four shapes that crashed gumbo's destroy or took it
 * minutes (issue 9): the link after them is found, and the evidence says
 * where the nesting went beyond the limit and how much was parsed flat. */
START_TEST(html_nest_divs_parsed_flat)
{
  extract_owned(repeat("<div>", 200000, "<a href=/deep>d</a>"));
  ck_assert_uint_eq(pg.n_links, 1);
  ck_assert_str_eq(pg.links[0].url, "http://www.example.gov.cn/deep");
  ck_assert_int_eq(pg.cut, HTML_CUT_DEPTH);
  ck_assert_uint_eq(pg.depth, HTML_MAX_DEPTH);
  ck_assert_uint_eq(pg.flat_at, 5 * HTML_MAX_DEPTH);
  /* the divs beyond the limit, and the link after them */
  ck_assert_uint_eq(pg.flattened, 200000 - HTML_MAX_DEPTH + 1);
  ck_assert_uint_eq(pg.parsed, pg.text_len);
  ck_assert_uint_eq(pg.text_len, 5 * 200000 + 19);
}
END_TEST

/* @body (taken) ends in one link to @path, which is found; the page
 * was parsed flat beyond the depth. */
static void one_link_cut(char *body, const char *path)
{
  char want[128];

  extract_owned(body);
  snprintf(want, sizeof want, "http://www.example.gov.cn%s", path);
  ck_assert_uint_eq(pg.n_links, 1);
  ck_assert_str_eq(pg.links[0].url, want);
  ck_assert_int_eq(pg.cut, HTML_CUT_DEPTH);
}

START_TEST(html_nest_spans_parsed_flat)
{
  one_link_cut(repeat("<span>", 200000, "<a href=/s>s</a>"), "/s");
  ck_assert_uint_eq(pg.flat_at, 6 * HTML_MAX_DEPTH);
}
END_TEST

START_TEST(html_nest_tables_parsed_flat)
{
  one_link_cut(repeat("<table><tr><td>", 100000, "<a href=/t>t</a>"), "/t");
}
END_TEST

START_TEST(html_nest_formatting_parsed_flat)
{
  one_link_cut(repeat("<b><i>", 200000, "<a href=/b>b</a>"), "/b");
}
END_TEST

/* Formatting elements closed implicitly are reopened by gumbo before
 * every text: the guard counts them too. */
START_TEST(html_nest_reopened_formatting_bounded)
{
  char unit[64], *body = malloc(40 * 30000 + 64);
  size_t i, n = 0;

  ck_assert_ptr_nonnull(body);
  for (i = 0; i < 30000; i++) {
    int k = snprintf(unit, sizeof unit, "<div><b id=%zu></div>x", i);
    memcpy(body + n, unit, (size_t)k);
    n += (size_t)k;
  }
  memcpy(body + n, "<a href=/r>r</a>", 17);
  one_link_cut(body, "/r");
}
END_TEST

/* Beyond the limit a tag that may hold a link keeps it: hrefs, srcs and
 * script handlers are all still seen. */
START_TEST(html_nest_links_beyond_depth_kept)
{
  extract_owned(
    repeat("<div>", 1000,
           "<a href=/a1>1</a><div><a href=/a2><span>2</span></a>"
           "<iframe src=/f></iframe><button onclick=\"location='/on.html'\">"
           "</button></div><a href=/a3>3</a>"));
  ck_assert_uint_eq(pg.n_links, 4);
  ck_assert_str_eq(pg.links[0].url, "http://www.example.gov.cn/a1");
  ck_assert_str_eq(pg.links[1].url, "http://www.example.gov.cn/a2");
  ck_assert_str_eq(pg.links[2].url, "http://www.example.gov.cn/f");
  ck_assert_str_eq(pg.links[3].url, "http://www.example.gov.cn/a3");
  ck_assert_uint_eq(pg.script_urls, 1);
  ck_assert_int_eq(pg.cut, HTML_CUT_DEPTH);
  /* 488 divs, then a, div, a, span and button */
  ck_assert_uint_eq(pg.flattened, 1000 - HTML_MAX_DEPTH + 5);
}
END_TEST

/* What only looks deep is not cut: implied end tags (p, li, td, tr,
 * option, dd), void elements, text in scripts, comments and attribute
 * values, and "<x/>" inside svg. */
START_TEST(html_nest_shallow_pages_not_cut)
{
  static const char *const units[] = {
    "<p>para",
    "<li>item",
    "<tr><td>a<td>b",
    "<option>o",
    "<dt>t<dd>d",
    "<br><img src=/i.png><input>",
    "<script>var s = '<div><div>';</script>",
    "<!-- <div><div> -->",
    "<a title=\"<div><span>\" href=/q>q</a>",
    "<svg><path d=x/><circle/></svg>",
    "<div/></div>",
  };
  size_t i;
  for (i = 0; i < sizeof units / sizeof *units; i++) {
    extract_owned(repeat(units[i], 3 * HTML_MAX_DEPTH, "<a href=/z>z</a>"));
    ck_assert_msg(pg.cut == 0, "%s: cut %d depth %zu", units[i], pg.cut,
                  pg.depth);
    ck_assert_str_eq(pg.links[pg.n_links - 1].url,
                     "http://www.example.gov.cn/z");
    html_page_cleanup(&pg);
  }
}
END_TEST

/* A normal page: the evidence fields say nothing was cut. */
START_TEST(html_nest_normal_page_evidence)
{
  extract("<html><body><div><p><a href=/x>x</a></p></div></body></html>", NULL);
  ck_assert_int_eq(pg.cut, 0);
  ck_assert_uint_eq(pg.depth, 5); /* html body div p a */
  ck_assert_uint_eq(pg.flattened, 0);
  ck_assert_uint_eq(pg.parsed, pg.text_len);
}
END_TEST

/* A page of more than HTML_PART_BYTES is parsed in parts, the open
 * elements opened again before each: every link comes out once, in
 * order, and a <base href> at its end applies to all of them. */
START_TEST(html_parts_links_in_order)
{
  size_t n = 40000, i, len = 0;
  char *body = malloc(n * 48 + 256);

  ck_assert_ptr_nonnull(body);
  len += (size_t)snprintf(body, 64, "<html><body><div id=main><ul>");
  for (i = 0; i < n; i++)
    len += (size_t)snprintf(body + len, 64, "<li><a href=\"p%zu.html\">%zu</a>",
                            i, i);
  len += (size_t)snprintf(body + len, 128,
                          "</ul></div><base href=\"http://b.example/d/\">");
  ck_assert_int_eq(html_links_extract(body, len, NULL, PAGE, &pg), PARSE_OK);
  ck_assert_uint_gt(len, 4 * (256u << 10));
  ck_assert_uint_eq(pg.n_links, n);
  for (i = 0; i < n; i++) {
    char want[64];
    snprintf(want, sizeof want, "http://b.example/d/p%zu.html", i);
    ck_assert_str_eq(pg.links[i].url, want);
  }
  ck_assert_int_eq(pg.cut, 0);
  ck_assert_uint_eq(pg.parsed, len);
  ck_assert_uint_ge(pg.parts, 4);
  free(body);
}
END_TEST

/* Inside what cannot be opened again (a table section, svg, template,
 * select, a link) the page is not split: a link whose <a> began in one
 * part is not split from its href, and text in a <template> stays out. */
START_TEST(html_parts_not_inside_template)
{
  size_t n = 30000, i, len = 0;
  char *body = malloc(n * 40 + 256);

  ck_assert_ptr_nonnull(body);
  len += (size_t)snprintf(body, 64, "<body><template>");
  for (i = 0; i < n; i++)
    len +=
      (size_t)snprintf(body + len, 64, "<div><a href=/t%zu>t</a></div>", i);
  len += (size_t)snprintf(body + len, 64, "</template><a href=/after>a</a>");
  ck_assert_int_eq(html_links_extract(body, len, NULL, PAGE, &pg), PARSE_OK);
  ck_assert_uint_eq(pg.n_links, 1);
  ck_assert_str_eq(pg.links[0].url, "http://www.example.gov.cn/after");
  /* one split, after the template, before the last link */
  ck_assert_uint_eq(pg.parts, 2);
  free(body);
}
END_TEST

/* The scrub's short cut for three-byte sequences keeps exactly what the
 * full check keeps: every lead byte e0..ef with continuation bytes at
 * and beyond their edges (overlong e0 80, surrogate ed a0), whole and cut
 * short at the end. */
START_TEST(html_utf8_scrub_three_byte_edges)
{
  static const unsigned char c1[] = {0x7f, 0x80, 0x9f, 0xa0, 0xbf, 0xc0};
  static const unsigned char c2[] = {0x7f, 0x80, 0xbf, 0xc0};
  unsigned lead;
  size_t a, b, n;

  for (lead = 0xe0; lead <= 0xef; lead++)
    for (a = 0; a < sizeof c1; a++)
      for (b = 0; b < sizeof c2; b++)
        for (n = 1; n <= 4; n++) {
          char in[4] = {(char)lead, (char)c1[a], (char)c2[b], 'x'};
          struct v6_buf out;
          int valid = n >= 3 && c1[a] >= 0x80 && c1[a] <= 0xbf &&
                      c2[b] >= 0x80 && c2[b] <= 0xbf &&
                      !(lead == 0xe0 && c1[a] < 0xa0) &&
                      !(lead == 0xed && c1[a] >= 0xa0);
          ck_assert_int_eq(charset_utf8_valid(in, n), valid);
          v6_buf_init(&out, 0);
          charset_utf8_scrub(in, n, &out);
          ck_assert_int_eq(out.n == n && !memcmp(out.p, in, n), valid);
          if (!valid)
            ck_assert_ptr_nonnull(memmem(out.p, out.n, "\xef\xbf\xbd", 3));
          v6_buf_cleanup(&out);
        }
}
END_TEST

/* The ASCII runs are skipped 8 bytes at a time: one bad byte (0xff), or
 * one good two-byte sequence (c3 a9), at every offset of 40 ASCII bytes
 * and for every length up to the whole, is read where it stands: the bad
 * byte (or a lead byte cut off by the end) becomes U+FFFD there. */
START_TEST(html_utf8_scrub_ascii_runs)
{
  size_t at, n;
  int bad;

  for (bad = 0; bad < 2; bad++)
    for (at = 0; at < 40; at++)
      for (n = 1; n <= 41; n++) {
        char in[41], want[44];
        size_t wn = n;
        struct v6_buf out;
        memset(in, 'a', sizeof in);
        in[at] = (char)(bad ? 0xff : 0xc3);
        if (!bad)
          in[at + 1] = (char)0xa9;
        memcpy(want, in, n);
        if (at < n && (bad || at + 1 == n)) {
          memcpy(want + at, "\xef\xbf\xbd", 3);
          memcpy(want + at + 3, in + at + 1, n - at - 1);
          wn = n + 2;
        }
        ck_assert_int_eq(charset_utf8_valid(in, n), wn == n);
        v6_buf_init(&out, 0);
        charset_utf8_scrub(in, n, &out);
        ck_assert_uint_eq(out.n, wn);
        ck_assert(!memcmp(out.p, want, wn));
        v6_buf_cleanup(&out);
      }
}
END_TEST

/* ---- collapsed text (nest.c's collapse_text) ---------------------------- */

/* 中文 repeated: @n CJK characters of three bytes, or with @broken an
 * ASCII 'x' after each (runs of 3 bytes: nothing collapsed). */
static void cjk(struct v6_buf *o, size_t n, int broken)
{
  static const char *const ch[] = {"\xe4\xb8\xad", "\xe6\x96\x87",
                                   "\xe6\x94\xbf", "\xe5\xba\x9c",
                                   "\xef\xbc\x8c", "\xe3\x80\x82"};
  size_t i;
  for (i = 0; i < n; i++) {
    v6_buf_puts(o, ch[i % 6]);
    if (broken)
      v6_buf_putc(o, 'x');
  }
}

/* What html_links_extract found in @a and @b is the same: every link,
 * script literal and subresource (URL, href, kind), the base, the
 * refresh, the counts. */
static void same_links(const struct html_page *a, const struct html_page *b)
{
  size_t i;
  ck_assert_uint_eq(a->n_links, b->n_links);
  for (i = 0; i < a->n_links; i++) {
    ck_assert_pstr_eq(a->links[i].url, b->links[i].url);
    ck_assert_pstr_eq(a->links[i].href, b->links[i].href);
    ck_assert_int_eq(a->links[i].kind, b->links[i].kind);
  }
  ck_assert_uint_eq(a->n_script_links, b->n_script_links);
  for (i = 0; i < a->n_script_links; i++)
    ck_assert_pstr_eq(a->script_links[i].url, b->script_links[i].url);
  ck_assert_uint_eq(a->n_subres, b->n_subres);
  for (i = 0; i < a->n_subres; i++) {
    ck_assert_pstr_eq(a->subres[i].url, b->subres[i].url);
    ck_assert_int_eq(a->subres[i].kind, b->subres[i].kind);
  }
  ck_assert_uint_eq(a->script_urls, b->script_urls);
  ck_assert_pstr_eq(a->base, b->base);
  ck_assert_pstr_eq(a->refresh_url, b->refresh_url);
  ck_assert_int_eq(a->cut, b->cut);
}

/* The page of @tpl with every '@' a text of @n CJK characters (broken or
 * not), parsed into @out. */
static void tpl_page(const char *tpl, size_t n, int broken,
                     struct html_page *out)
{
  struct v6_buf b;
  const char *p;
  v6_buf_init(&b, 0);
  for (p = tpl; *p; p++)
    if (*p == '@')
      cjk(&b, n, broken);
    else
      v6_buf_putc(&b, *p);
  ck_assert_int_eq(
    html_links_extract(b.p, b.n, "text/html; charset=utf-8", PAGE, out),
    PARSE_OK);
  v6_buf_cleanup(&b);
}

/* Long CJK text is given to gumbo as its first character: the same links
 * as the page whose text has ASCII in it every few characters, in text
 * before <body>, in tables (foster-parented), select, pre, frames of
 * formatting elements (the adoption agency), lists, svg; and nothing is
 * collapsed in attributes, script, style, title, textarea or comments. */
START_TEST(html_collapse_keeps_every_link)
{
  static const char tpl[] =
    "@<!DOCTYPE html>@<html>@<head>@<title>@<a href=/t1>@</title>@"
    "<meta http-equiv=refresh content=\"5; url=/r\">@"
    "<style>@ .x{background:url(/bg.png)} @</style>@"
    "<script>var s='@'; var u='http://www.example.gov.cn/s.js'; //@</script>"
    "@</head>@<body>@<a href=/a1>@</a>@<table>@<tr>@<td>@<a href=/a2>@</a>"
    "@</td>@</tr>@<a href=/a3>@</a>@</table>@<select>@<option>@</option>@"
    "<a href=/a4>@</a>@</select>@<pre>\n@<a href=/a5>@</a></pre>@"
    "<b>@<p>@<i>@</b>@<a href=/a6>@</a>@</i>@</p>@<ul>@<li>@<li>@"
    "<a href=/a7 title=\"@\">@</a>@</ul>@<textarea>@<a href=/t2>@</textarea>"
    "@<!-- @<a href=/c1>@ -->@<svg>@<a href=/s1>@</a>@<text>@</text>@</svg>"
    "@<img src=/i.png alt=\"@\">@<a href=\"/\xe6\x96\x87/"
    "\xe4\xb8\xad\xe6\x96\x87\xe4\xb8\xad\xe6\x96\x87\xe4\xb8\xad\xe6\x96\x87"
    "\xe4\xb8\xad\xe6\x96\x87\xe4\xb8\xad\xe6\x96\x87\xe4\xb8\xad\xe6\x96\x87"
    ".html\">@</a>@<base href=/b/>@<a href=rel.html>@</a>@</body>@</html>@";
  struct html_page a, b;
  size_t i;

  tpl_page(tpl, 40, 0, &a);
  tpl_page(tpl, 40, 1, &b);
  ck_assert_uint_gt(a.collapsed, 40 * 3 * 40);
  ck_assert_uint_eq(b.collapsed, 0);
  same_links(&a, &b);
  ck_assert_uint_eq(a.n_links, 9);
  for (i = 0; i < a.n_links; i++)
    ck_assert_msg(!strstr(a.links[i].url, "/t") &&
                    !strstr(a.links[i].url, "/c1"),
                  "%s", a.links[i].url);
  /* the href of 36 CJK bytes, inside a tag, is whole */
  ck_assert_str_eq(a.links[7].url,
                   "http://www.example.gov.cn/%E6%96%87/"
                   "%E4%B8%AD%E6%96%87%E4%B8%AD%E6%96%87%E4%B8%AD%E6%96%87"
                   "%E4%B8%AD%E6%96%87%E4%B8%AD%E6%96%87%E4%B8%AD%E6%96%87"
                   ".html");
  ck_assert_str_eq(a.refresh_url, "http://www.example.gov.cn/r");
  html_page_cleanup(&a);
  html_page_cleanup(&b);
}
END_TEST

/* Random pages of the tags that tree construction treats specially and
 * text, long CJK runs or the same broken by ASCII: the same links. */
START_TEST(html_collapse_random_pages)
{
  static const char *const bits[] = {"<a href=/x%u>",
                                     "</a>",
                                     "<p>",
                                     "</p>",
                                     "<b>",
                                     "</b>",
                                     "<i>",
                                     "</i>",
                                     "<table>",
                                     "</table>",
                                     "<tr>",
                                     "<td>",
                                     "</td>",
                                     "<select>",
                                     "<option>",
                                     "</select>",
                                     "<div>",
                                     "</div>",
                                     "<li>",
                                     "<ul>",
                                     "</ul>",
                                     "<svg>",
                                     "</svg>",
                                     "<math>",
                                     "</math>",
                                     "<pre>\n",
                                     "</pre>",
                                     "<form>",
                                     "</form>",
                                     "<frameset>",
                                     "<frame src=/f%u>",
                                     "<noscript>",
                                     "</noscript>",
                                     "<template>",
                                     "</template>",
                                     "<area href=/r%u>",
                                     "<iframe src=/if%u>",
                                     "</iframe>",
                                     "<script>",
                                     "</script>",
                                     "<style>",
                                     "</style>",
                                     "<!--",
                                     "-->",
                                     "<h1>",
                                     "</h1>",
                                     "<nobr>",
                                     "</nobr>",
                                     "<head>",
                                     "<body>",
                                     "<caption>",
                                     "<colgroup>",
                                     "<col>",
                                     "<textarea>",
                                     "</textarea>",
                                     "&amp;",
                                     " ",
                                     "\n",
                                     "\t",
                                     "<",
                                     ">",
                                     "<![CDATA[",
                                     "]]>"};
  unsigned seed = 20261203u, page, k;
  size_t collapsed = 0;

  for (page = 0; page < 300; page++) {
    struct v6_buf ta, tb;
    struct html_page a, b;
    size_t n = 0, nb = (sizeof bits / sizeof bits[0]);
    v6_buf_init(&ta, 0);
    v6_buf_init(&tb, 0);
    for (k = 0; k < 120; k++) {
      unsigned r;
      seed = seed * 1103515245u + 12345u;
      r = seed >> 8;
      if (r % 3 == 0) {
        size_t len = 8 + (r >> 4) % 40;
        cjk(&ta, len, 0);
        cjk(&tb, len, 1);
      } else {
        const char *bit = bits[(r >> 2) % nb], *u = strstr(bit, "%u");
        char tag[64];
        if (u)
          snprintf(tag, sizeof tag, "%.*s%zu%s", (int)(u - bit), bit, n++,
                   u + 2);
        else
          snprintf(tag, sizeof tag, "%s", bit);
        v6_buf_puts(&ta, tag);
        v6_buf_puts(&tb, tag);
      }
    }
    ck_assert_int_eq(
      html_links_extract(ta.p, ta.n, "text/html; charset=utf-8", PAGE, &a),
      PARSE_OK);
    ck_assert_int_eq(
      html_links_extract(tb.p, tb.n, "text/html; charset=utf-8", PAGE, &b),
      PARSE_OK);
    ck_assert_uint_eq(b.collapsed, 0);
    same_links(&a, &b);
    collapsed += a.collapsed;
    html_page_cleanup(&a);
    html_page_cleanup(&b);
    v6_buf_cleanup(&ta);
    v6_buf_cleanup(&tb);
  }
  ck_assert_uint_gt(collapsed, 100000);
}
END_TEST

/* Offsets of the rewritten page map back to the page given (the budget's
 * "parsed" evidence counts bytes of the page as decoded): every tag is at
 * the offset html_nest_in_at names. */
START_TEST(html_collapse_offsets_map_back)
{
  struct v6_buf in, out;
  struct html_nest_cut cut;
  size_t i, tags = 0;

  v6_buf_init(&in, 0);
  v6_buf_init(&out, 0);
  for (i = 0; i < 50; i++) {
    char tag[32];
    cjk(&in, 10 + i * 7 % 30, 0);
    snprintf(tag, sizeof tag, "<a href=/k%zu>", i);
    v6_buf_puts(&in, tag);
  }
  ck_assert_int_eq(html_nest_guard(in.p, in.n, HTML_MAX_DEPTH, 0, &out, &cut),
                   PARSE_OK);
  ck_assert_uint_gt(cut.collapsed, 0);
  ck_assert_uint_eq(cut.flattened, 0);
  ck_assert_uint_eq(out.n + cut.collapsed, in.n);
  for (i = 0; i < out.n; i++) {
    size_t at;
    if (out.p[i] != '<')
      continue;
    at = html_nest_in_at(&cut, i);
    ck_assert_uint_lt(at, in.n);
    ck_assert_msg(!strncmp(in.p + at, out.p + i, 10), "out %zu -> in %zu", i,
                  at);
    tags++;
  }
  ck_assert_uint_eq(tags, 50);
  ck_assert_uint_eq(html_nest_in_at(&cut, out.n), in.n);
  html_nest_cut_cleanup(&cut);
  v6_buf_cleanup(&in);
  v6_buf_cleanup(&out);
}
END_TEST

/* After a script with "<!--" in it (the tokenizer's escaped states, which
 * the guard does not follow), nothing more is collapsed. */
START_TEST(html_collapse_off_after_escaped_script)
{
  struct html_page a;
  tpl_page("<body>@<a href=/a>@</a><script><!-- <script>x</script> @"
           "</script>@<a href=/b>@</a>",
           40, 0, &a);
  ck_assert_uint_eq(a.collapsed, 2 * (40 * 3 - 3));
  ck_assert_uint_eq(a.n_links, 2);
  html_page_cleanup(&a);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("html");
  TCase *tc = tcase_create("links"), *deep;

  tcase_add_checked_fixture(tc, NULL, teardown);
  tcase_add_test(tc, html_utf8_scrub_three_byte_edges);
  tcase_add_test(tc, html_utf8_scrub_ascii_runs);
  tcase_add_test(tc, html_collapse_keeps_every_link);
  tcase_add_test(tc, html_collapse_random_pages);
  tcase_add_test(tc, html_collapse_off_after_escaped_script);
  tcase_add_test(tc, html_collapse_offsets_map_back);
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
  tcase_add_test(deep, html_nest_divs_parsed_flat);
  tcase_add_test(deep, html_nest_spans_parsed_flat);
  tcase_add_test(deep, html_nest_tables_parsed_flat);
  tcase_add_test(deep, html_nest_formatting_parsed_flat);
  tcase_add_test(deep, html_nest_reopened_formatting_bounded);
  tcase_add_test(deep, html_nest_links_beyond_depth_kept);
  tcase_add_test(deep, html_nest_shallow_pages_not_cut);
  tcase_add_test(deep, html_nest_normal_page_evidence);
  tcase_add_test(deep, html_parts_links_in_order);
  tcase_add_test(deep, html_parts_not_inside_template);
  suite_add_tcase(s, deep);
  return check_run(s);
}
