/* tests/unit/check_url.c - url_resolve, url_view_parse, domains. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parser/parse.h"
#include "parser/parse_int.h"
#include "tests/unit/check_run.h"

#define BASE "http://www.example.gov.cn/a/b/c.html?x=1#f"

/* url_resolve_base against @base parsed once gives what url_resolve
 * gives (the same code and string), for every vector of this file. */
static void check_resolve_base(const char *base, const char *href,
                               const char *charset, int flags, int want_rc,
                               const char *want)
{
  struct url_base *b = NULL;
  char *out = NULL;
  int i;

  ck_assert_int_eq(url_base_new(base, &b), PARSE_OK);
  for (i = 0; i < 2; i++) { /* twice: the base is not used up */
    ck_assert_int_eq(url_resolve_base(b, href, charset, flags, &out), want_rc);
    if (want)
      ck_assert_str_eq(out, want);
    else
      ck_assert_ptr_null(out);
    free(out);
  }
  url_base_free(b);
}

/* Resolve @href against @base and compare with @want (NULL: must fail). */
static void check_resolve(const char *base, const char *href,
                          const char *charset, int flags, const char *want)
{
  char *out = NULL;
  int rc = url_resolve(base, href, charset, flags, &out);

  check_resolve_base(base, href, charset, flags, rc, out);

  if (!want) {
    ck_assert_msg(rc == PARSE_INVALID, "'%s' should fail, got '%s'", href,
                  out ? out : "");
    ck_assert_ptr_null(out);
    return;
  }
  ck_assert_msg(rc == PARSE_OK, "'%s' failed: %s", href, parse_strerror(rc));
  ck_assert_str_eq(out, want);
  free(out);
}

START_TEST(url_resolve_relative_path)
{
  check_resolve(BASE, "d.html", NULL, 0,
                "http://www.example.gov.cn/a/b/d.html");
  check_resolve(BASE, "/root", NULL, 0, "http://www.example.gov.cn/root");
  check_resolve(BASE, "?y=2", NULL, 0,
                "http://www.example.gov.cn/a/b/c.html?y=2");
  check_resolve(BASE, "", NULL, 0, "http://www.example.gov.cn/a/b/c.html?x=1");
}
END_TEST

START_TEST(url_resolve_dotdot_above_root)
{
  check_resolve(BASE, "../../../../x", NULL, 0, "http://www.example.gov.cn/x");
  check_resolve(BASE, "./.././y/./z/..", NULL, 0,
                "http://www.example.gov.cn/a/y/");
  check_resolve(BASE, "/%2e%2E/q", NULL, 0, "http://www.example.gov.cn/q");
}
END_TEST

START_TEST(url_resolve_fragment_dropped_by_default)
{
  check_resolve(BASE, "#top", NULL, 0,
                "http://www.example.gov.cn/a/b/c.html?x=1");
  check_resolve(BASE, "#top", NULL, URL_KEEP_FRAGMENT,
                "http://www.example.gov.cn/a/b/c.html?x=1#top");
  check_resolve(NULL, "http://h.cn/p#a#b", NULL, URL_KEEP_FRAGMENT,
                "http://h.cn/p#a#b");
}
END_TEST

START_TEST(url_resolve_backslashes_and_whitespace)
{
  check_resolve(BASE, "\\x\\y", NULL, 0, "http://www.example.gov.cn/x/y");
  check_resolve(BASE, " \t\n/p\tq\n ", NULL, 0, "http://www.example.gov.cn/pq");
  check_resolve(BASE, "\x01 http://h.cn/ \x1f", NULL, 0, "http://h.cn/");
  check_resolve(NULL, "http:\\\\h.cn\\p", NULL, 0, "http://h.cn/p");
}
END_TEST

START_TEST(url_resolve_scheme_relative)
{
  check_resolve(BASE, "//other.cn/x", NULL, 0, "http://other.cn/x");
  check_resolve("https://a.cn/", "//b.cn", NULL, 0, "https://b.cn/");
  check_resolve(BASE, "http:other", NULL, 0,
                "http://www.example.gov.cn/a/b/other");
  check_resolve(BASE, "https:other", NULL, 0, "https://other/");
}
END_TEST

START_TEST(url_resolve_default_port_removed)
{
  check_resolve(NULL, "http://h.cn:80/", NULL, 0, "http://h.cn/");
  check_resolve(NULL, "https://h.cn:443/", NULL, 0, "https://h.cn/");
  check_resolve(NULL, "https://h.cn:80/", NULL, 0, "https://h.cn:80/");
  check_resolve(NULL, "http://h.cn:08080/", NULL, 0, "http://h.cn:8080/");
  check_resolve(NULL, "http://h.cn:65536/", NULL, 0, NULL);
  check_resolve(NULL, "http://h.cn:8a/", NULL, 0, NULL);
}
END_TEST

START_TEST(url_resolve_lowercase_scheme_host)
{
  check_resolve(NULL, "HTTP://WWW.Example.GOV.cn/Path", NULL, 0,
                "http://www.example.gov.cn/Path");
}
END_TEST

START_TEST(url_resolve_idn_to_punycode)
{
  check_resolve(NULL, "http://\xe4\xb8\xad\xe5\x9b\xbd.cn/", NULL, 0,
                "http://xn--fiqs8s.cn/");
  check_resolve(NULL, "http://B\xc3\xbc\x63her.de/", NULL, 0,
                "http://xn--bcher-kva.de/");
  /* full-width dot is a label separator */
  check_resolve(NULL, "http://a\xef\xbc\x8e\x63n/", NULL, 0, "http://a.cn/");
  check_resolve(NULL, "http://%E4%B8%AD.cn/", NULL, 0, "http://xn--fiq.cn/");
  /* U+2F868 normalises to U+36FC (Unicode Corrigendum #4) */
  check_resolve(NULL, "http://\xf0\xaf\xa1\xa8.com/", NULL, 0,
                "http://xn--snl.com/");
}
END_TEST

START_TEST(url_resolve_percent_encoding)
{
  check_resolve(NULL, "http://h.cn/\xe6\x96\xb0 \"<>`{}?a b'\"#x y", NULL,
                URL_KEEP_FRAGMENT,
                "http://h.cn/%E6%96%B0%20%22%3C%3E%60%7B%7D?a%20b%27%22#x%20y");
  check_resolve(NULL, "http://h.cn/%zz%41", NULL, 0, "http://h.cn/%zz%41");
}
END_TEST

START_TEST(url_resolve_query_in_page_charset)
{
  check_resolve(BASE, "/s?q=\xe6\x96\xb0", "GBK", 0,
                "http://www.example.gov.cn/s?q=%D0%C2");
  check_resolve(BASE, "/\xe6\x96\xb0?q=\xe6\x96\xb0", "gb2312", 0,
                "http://www.example.gov.cn/%E6%96%B0?q=%D0%C2");
  check_resolve(BASE, "/s?q=\xe6\x96\xb0", "utf-8", 0,
                "http://www.example.gov.cn/s?q=%E6%96%B0");
  /* not representable in Big5: the "&#N;" form, percent-encoded */
  check_resolve(BASE, "/s?q=\xf0\x9f\x98\x80", "big5", 0,
                "http://www.example.gov.cn/s?q=%26%23128512%3B");
}
END_TEST

START_TEST(url_resolve_base_query_stays_utf8)
{
  /* only the link's own query is in the page's charset */
  check_resolve("http://h.cn/?\xe4\xb8\xad", "", "GBK", 0,
                "http://h.cn/?%E4%B8%AD");
  check_resolve("http://h.cn/", "?\xe4\xb8\xad", "GBK", 0,
                "http://h.cn/?%D6%D0");
}
END_TEST

START_TEST(url_resolve_ipv4_forms)
{
  check_resolve(NULL, "http://0x7f.1/", NULL, 0, "http://127.0.0.1/");
  check_resolve(NULL, "http://2130706433/", NULL, 0, "http://127.0.0.1/");
  check_resolve(NULL, "http://0177.0.0.01/", NULL, 0, "http://127.0.0.1/");
  check_resolve(NULL, "http://192.168.257/", NULL, 0, "http://192.168.1.1/");
  check_resolve(NULL, "http://256.256.256.256/", NULL, 0, NULL);
  check_resolve(NULL, "http://1.2.3.4.5/", NULL, 0, NULL);
}
END_TEST

START_TEST(url_resolve_ipv6_canonical)
{
  check_resolve(NULL, "http://[2001:DB8:0:0:0:0:0:1]:8080/", NULL, 0,
                "http://[2001:db8::1]:8080/");
  check_resolve(NULL, "http://[::ffff:1.2.3.4]/", NULL, 0,
                "http://[::ffff:102:304]/");
  check_resolve(NULL, "http://[0:0:0:0:0:0:0:0]/", NULL, 0, "http://[::]/");
  check_resolve(NULL, "http://[1:0:0:2:0:0:0:3]/", NULL, 0,
                "http://[1:0:0:2::3]/");
  check_resolve(NULL, "http://[::1/", NULL, 0, NULL);
  check_resolve(NULL, "http://[g::1]/", NULL, 0, NULL);
}
END_TEST

START_TEST(url_resolve_empty_host_fails)
{
  check_resolve(NULL, "http://", NULL, 0, NULL);
  check_resolve(NULL, "https:///", NULL, 0, NULL);
  check_resolve(NULL, "http://user@/x", NULL, 0, NULL);
  check_resolve(NULL, "http://a b/", NULL, 0, NULL);
  check_resolve(NULL, "http://a<b/", NULL, 0, NULL);
}
END_TEST

START_TEST(url_resolve_file_host_and_drive)
{
  check_resolve(NULL, "file://h:1/", NULL, 0, NULL);
  check_resolve("file:p", "//[::1]:80/", NULL, 0, NULL);
  check_resolve(NULL, "file://LOCALHOST/x", NULL, 0, "file:///x");
  /* ".." never pops a drive letter, in the base either */
  check_resolve("file:/e:/..", "x", NULL, 0, "file:///e:/x");
  check_resolve("file:/./C:/a", "..", NULL, 0, "file:///C:/");
  check_resolve(NULL, "file:/e:/../h:/x", NULL, 0, "file:///e:/h:/x");
}
END_TEST

START_TEST(url_resolve_relative_without_base_fails)
{
  check_resolve(NULL, "/x", NULL, 0, NULL);
  check_resolve(NULL, "", NULL, 0, NULL);
  check_resolve("mailto:a@b", "x", NULL, 0, NULL);
}
END_TEST

START_TEST(url_resolve_nonspecial_schemes_kept)
{
  check_resolve(BASE, "MAILTO:Someone@Example.cn", NULL, 0,
                "mailto:Someone@Example.cn");
  check_resolve(BASE, "javascript:void(0)", NULL, 0, "javascript:void(0)");
  check_resolve(BASE, "tel:+86-10-1234", NULL, 0, "tel:+86-10-1234");
  check_resolve(BASE, "data:text/html,<b>", NULL, 0, "data:text/html,<b>");
  check_resolve(BASE, "FTP://Files.cn/a", NULL, 0, "ftp://files.cn/a");
}
END_TEST

START_TEST(url_resolve_userinfo_kept)
{
  check_resolve(NULL, "http://u:p@h.cn/", NULL, 0, "http://u:p@h.cn/");
  check_resolve(NULL, "http://u@x@h.cn/", NULL, 0, "http://u%40x@h.cn/");
}
END_TEST

START_TEST(url_resolve_invalid_base_fails)
{
  check_resolve("http://", "http://h.cn/", NULL, 0, NULL);
  check_resolve("http://a b/", "/x", NULL, 0, NULL);
  check_resolve("http://h.cn:99999/", "http://h.cn/", NULL, 0, NULL);
  check_resolve("x", "http://h.cn/", NULL, 0, NULL);
}
END_TEST

START_TEST(url_resolve_opaque_path_untouched)
{
  check_resolve(BASE, "mailto:%2e/a", NULL, 0, "mailto:%2e/a");
  check_resolve(BASE, "mailto:./a/../b", NULL, 0, "mailto:./a/../b");
  check_resolve("mailto:a@b", "#x", NULL, URL_KEEP_FRAGMENT, "mailto:a@b#x");
  check_resolve("mailto:a@b", "//h/#x", NULL, 0, NULL);
}
END_TEST

START_TEST(url_resolve_double_slash_path_kept)
{
  /* uriparser puts "." before a merged path starting with "//" */
  check_resolve("http://h.cn:///C:/a/b", "e", NULL, 0, "http://h.cn///C:/a/e");
  check_resolve(NULL, "http://h.cn//a/../b", NULL, 0, "http://h.cn//b");
  check_resolve("sc:/..//p", "", NULL, 0, "sc:/.//p");
}
END_TEST

/* Resolve the @n bytes of @href (which may hold NULs) with url_resolve_n. */
static void check_resolve_n(const char *base, const char *href, size_t n,
                            const char *want)
{
  char *out = NULL;
  int rc = url_resolve_n(base, href, n, NULL, URL_KEEP_FRAGMENT, &out);

  if (!want) {
    ck_assert_int_eq(rc, PARSE_INVALID);
    ck_assert_ptr_null(out);
    return;
  }
  ck_assert_msg(rc == PARSE_OK, "failed: %s", parse_strerror(rc));
  ck_assert_str_eq(out, want);
  free(out);
}

START_TEST(url_resolve_n_nul_encoded_in_path_query_fragment)
{
  static const char in[] = "http://h.cn/a\0b?c\0d#e\0f";

  check_resolve_n(NULL, in, sizeof in - 1, "http://h.cn/a%00b?c%00d#e%00f");
  check_resolve_n(BASE, "x\0", 2, "http://www.example.gov.cn/a/b/x");
  check_resolve_n(BASE, "\0\0x", 3, "http://www.example.gov.cn/a/b/x");
  /* not NUL-terminated: only href_len bytes are read */
  check_resolve_n(NULL, "http://h.cn/abcdef", 13, "http://h.cn/a");
}
END_TEST

START_TEST(url_resolve_n_nul_in_host_or_port_fails)
{
  check_resolve_n(NULL, "http://a\0b/", 11, NULL);
  check_resolve_n(NULL, "http://a%00b/", 13, NULL);
  check_resolve_n(NULL, "http://\xc3\xa9%00x/", 14, NULL);
  check_resolve_n(NULL, "http://[::1\0]/", 14, NULL);
  check_resolve_n(NULL, "http://h:8\0/", 12, NULL);
  check_resolve_n(NULL, "foo://a\0b/", 10, NULL);
}
END_TEST

START_TEST(url_view_parse_parts)
{
  struct url_view v;
  char *s = NULL;

  ck_assert_int_eq(url_view_parse("https://[2001:db8::1]:8443/p?q#f", &v),
                   PARSE_OK);
  ck_assert_str_eq(v.scheme, "https");
  ck_assert_str_eq(v.host, "2001:db8::1");
  ck_assert_int_eq(v.port, 8443);
  ck_assert_str_eq(v.path_query, "/p?q");
  ck_assert_str_eq(v.origin, "https://[2001:db8::1]:8443");
  url_view_cleanup(&v);

  /* Its input is a serialised URL: resolve first, then split. */
  ck_assert_int_eq(url_resolve(NULL, "http://H.cn", NULL, 0, &s), PARSE_OK);
  ck_assert_int_eq(url_view_parse(s, &v), PARSE_OK);
  free(s);
  ck_assert_str_eq(v.host, "h.cn");
  ck_assert_int_eq(v.port, 80);
  ck_assert_str_eq(v.path_query, "/");
  ck_assert_str_eq(v.origin, "http://h.cn");
  url_view_cleanup(&v);

  ck_assert_int_eq(url_view_parse("/relative", &v), PARSE_INVALID);
  ck_assert_ptr_null(v.host);
}
END_TEST

START_TEST(url_is_http_only_http_and_https)
{
  ck_assert_int_eq(url_is_http("http://a.cn/"), 1);
  ck_assert_int_eq(url_is_http("HTTPS://a.cn/"), 1);
  ck_assert_int_eq(url_is_http("ftp://a.cn/"), 0);
  ck_assert_int_eq(url_is_http("mailto:x@a.cn"), 0);
  ck_assert_int_eq(url_is_http("/x"), 0);
  ck_assert_int_eq(url_is_http("http://"), 0);
  ck_assert_int_eq(url_is_http(NULL), 0);
}
END_TEST

static void check_rd(const char *host, const char *want)
{
  char *out = NULL;

  ck_assert_int_eq(url_registrable_domain(host, &out), PARSE_OK);
  ck_assert_str_eq(out, want);
  free(out);
}

START_TEST(url_registrable_domain_psl)
{
  check_rd("www.beijing.gov.cn", "beijing.gov.cn");
  check_rd("news.tsinghua.edu.cn", "tsinghua.edu.cn");
  check_rd("www.gov.cn", "www.gov.cn");
  check_rd("WWW.Example.COM", "example.com");
  check_rd("gov.cn", "gov.cn");
  check_rd("a.x.test", "x.test");
  check_rd("192.0.2.1", "192.0.2.1");
  check_rd("2001:db8::1", "2001:db8::1");
  check_rd("[2001:db8::1]", "[2001:db8::1]");
  /* a trailing dot is ignored by the lookup and kept on the result */
  check_rd("www.beijing.gov.cn.", "beijing.gov.cn.");
  check_rd("www.gov.cn.", "www.gov.cn.");
}
END_TEST

START_TEST(url_host_in_domain_label_aligned)
{
  ck_assert_int_eq(url_host_in_domain("www.beijing.gov.cn", "beijing.gov.cn"),
                   1);
  ck_assert_int_eq(url_host_in_domain("beijing.gov.cn", "beijing.gov.cn"), 1);
  ck_assert_int_eq(url_host_in_domain("WWW.Beijing.gov.cn", "beijing.GOV.cn"),
                   1);
  ck_assert_int_eq(url_host_in_domain("xbeijing.gov.cn", "beijing.gov.cn"), 0);
  ck_assert_int_eq(url_host_in_domain("gov.cn", "beijing.gov.cn"), 0);
  ck_assert_int_eq(url_host_in_domain("a.cn", ""), 0);
}
END_TEST

START_TEST(parse_strerror_names)
{
  ck_assert_str_eq(parse_strerror(PARSE_OK), "success");
  ck_assert_str_eq(parse_strerror(PARSE_INVALID), "invalid URL");
  ck_assert_str_eq(parse_strerror(PARSE_NOMEM), "out of memory");
  ck_assert_str_eq(parse_strerror(12345), "unknown error");
}
END_TEST

/* A name of @n bytes of 'a' labels of @label bytes (the last shorter). */
static char *name_of(size_t n, size_t label)
{
  char *s = malloc(n + 1);
  size_t i;

  ck_assert_ptr_nonnull(s);
  for (i = 0; i < n; i++)
    s[i] = (i + 1) % (label + 1) ? 'a' : '.';
  s[n] = '\0';
  return s;
}

START_TEST(url_host_check_dns_limits)
{
  char *h253 = name_of(253, 63), *h254 = name_of(254, 63);
  char *h600 = name_of(600, 50), *l63 = name_of(63, 63);
  char *l64 = name_of(64, 64), *dot = NULL;

  ck_assert_ptr_null(url_host_check(h253));
  ck_assert_str_eq(url_host_check(h254), "host name longer than 253 bytes");
  ck_assert_str_eq(url_host_check(h600), "host name longer than 253 bytes");
  ck_assert_ptr_null(url_host_check(l63));
  ck_assert_str_eq(url_host_check(l64), "host name label longer than 63 bytes");
  /* one trailing dot (the root) is not a byte of the name */
  dot = malloc(255);
  ck_assert_ptr_nonnull(dot);
  memcpy(dot, h253, 253);
  memcpy(dot + 253, ".", 2);
  ck_assert_ptr_null(url_host_check(dot));
  ck_assert_ptr_null(url_host_check("www.example.gov.cn"));
  ck_assert_ptr_null(url_host_check("2001:db8::1"));
  ck_assert_ptr_null(url_host_check("192.0.2.1"));
  ck_assert_ptr_null(url_host_check(NULL));
  free(h253);
  free(h254);
  free(h600);
  free(l63);
  free(l64);
  free(dot);
}
END_TEST

START_TEST(url_resolve_keeps_hosts_no_dns_can_find)
{
  /* the URL Standard accepts them: a link like any other, measured dead */
  char *h300 = name_of(300, 63), *href = NULL, *want = NULL;

  href = malloc(320);
  want = malloc(320);
  ck_assert(href && want);
  snprintf(href, 320, "HTTP://%s/x", h300);
  snprintf(want, 320, "http://%s/x", h300);
  check_resolve(NULL, href, NULL, 0, want);
  free(h300);
  free(href);
  free(want);
}
END_TEST

/* A random link for url_fast_matches_full_resolve: mostly plain (what
 * the short cut takes), with every byte it must leave to the full resolve
 * mixed in: dots, '%', '#', ':', '\\', spaces, tabs, upper case, non-ASCII,
 * an authority, the base's and other origins. */
static void random_href(char *out, size_t cap, unsigned *seed)
{
  static const char *const starts[] = {"",
                                       "/",
                                       "//",
                                       "?",
                                       "./",
                                       "../",
                                       ".",
                                       "..",
                                       "#",
                                       "http://www.example.gov.cn",
                                       "http://www.example.gov.cn/",
                                       "HTTP://www.example.gov.cn/",
                                       "http://WWW.example.gov.cn/",
                                       "http://news.example.gov.cn/",
                                       "http://news.example.gov.cn:80/",
                                       "https://www.example.gov.cn/",
                                       "http://www.example.gov.cn.",
                                       "http:",
                                       "http:/x/",
                                       "mailto:",
                                       "javascript:",
                                       " ",
                                       "\t/",
                                       "\\"};
  static const char plain[] = "abcxyzABZ019-._~/!$&()*+,;=@?";
  static const char odd[] = ".%#:\\ \t\n'\"<>[]{}|^`\x01\x7f";
  size_t n = 0, len, i;
  const char *st;
  int mixed;

  *seed = *seed * 1103515245u + 12345u;
  st = starts[(*seed >> 8) % (sizeof starts / sizeof starts[0])];
  n = strlen(st);
  memcpy(out, st, n);
  *seed = *seed * 1103515245u + 12345u;
  len = (*seed >> 8) % 24;
  mixed = (*seed >> 20) & 1; /* half of them plain after the start */
  for (i = 0; i < len && n + 3 < cap; i++) {
    unsigned r;
    *seed = *seed * 1103515245u + 12345u;
    r = *seed >> 8;
    if (mixed && r % 10 == 0)
      out[n++] = odd[(r / 10) % (sizeof odd - 1)];
    else if (mixed && r % 37 == 1) {
      out[n++] = '\xe4'; /* a CJK character: 4e2d */
      out[n++] = '\xb8';
      out[n++] = '\xad';
    } else
      out[n++] = plain[(r / 10) % (sizeof plain - 1)];
  }
  out[n] = 0;
}

START_TEST(url_fast_matches_full_resolve)
{
  static const char *const bases[] = {
    "http://www.example.gov.cn/a/b/c.html?x=1#f",
    "https://u:p@www.example.gov.cn:8443/d/",
    "http://www.example.gov.cn",
    "http://www.example.gov.cn/col/col3/index.html",
    "HTTP://WWW.Example.gov.cn:80/a%2Fb/./c/../d.html",
    "http://[fd6c::1]/x/y",
    "http://192.168.0.1/",
    "file:///c:/dir/page.html",
    "mailto:a@b.cn"};
  char href[128];
  unsigned seed = 20261203u;
  size_t i, k, fast = 0;

  for (i = 0; i < sizeof bases / sizeof bases[0]; i++) {
    struct url_base *b = NULL;
    ck_assert_int_eq(url_base_new(bases[i], &b), PARSE_OK);
    for (k = 0; k < 4000; k++) {
      char *full = NULL, *got = NULL;
      int rf, rg;
      random_href(href, sizeof href, &seed);
      rf = url_resolve(bases[i], href, "GB18030", 0, &full);
      rg = url_resolve_base(b, href, "GB18030", 0, &got);
      ck_assert_msg(rf == rg && (full ? got && !strcmp(full, got) : !got),
                    "base %s href \"%s\": full %d %s, short cut %d %s",
                    bases[i], href, rf, full ? full : "-", rg, got ? got : "-");
      free(full);
      free(got);
    }
    fast += url_base_fast_count(b);
    /* only an http(s) base takes the short cut */
    if (i >= 7)
      ck_assert_uint_eq(url_base_fast_count(b), 0);
    url_base_free(b);
  }
  /* the short cut ran, on about one link in ten */
  ck_assert_msg(fast > 3000, "%zu links by the short cut", fast);
}
END_TEST

START_TEST(url_fast_plain_links)
{
  struct url_base *b = NULL;
  char *out = NULL;
  size_t i;
  static const char *const v[][2] = {
    {"/art/2024/1/2/art_1_2.html",
     "http://www.example.gov.cn/art/2024/1/2/art_1_2.html"},
    {"index_2.html", "http://www.example.gov.cn/a/b/index_2.html"},
    {"x.jsp?a=1&b=/c", "http://www.example.gov.cn/a/b/x.jsp?a=1&b=/c"},
    {"http://www.example.gov.cn/col/", "http://www.example.gov.cn/col/"},
    /* learned: this origin came out of the full resolve as it went in */
    {"http://news.example.gov.cn/n.html", "http://news.example.gov.cn/n.html"},
    {"http://news.example.gov.cn/m.html", "http://news.example.gov.cn/m.html"},
    /* not plain: the full resolve */
    {"../up.html", "http://www.example.gov.cn/a/up.html"},
    {"/a/./b", "http://www.example.gov.cn/a/b"},
    {"//cdn.example.gov.cn/x", "http://cdn.example.gov.cn/x"},
    {"HTTP://News.example.gov.cn:80/z", "http://news.example.gov.cn/z"}};

  ck_assert_int_eq(url_base_new(BASE, &b), PARSE_OK);
  for (i = 0; i < sizeof v / sizeof v[0]; i++) {
    ck_assert_int_eq(url_resolve_base(b, v[i][0], NULL, 0, &out), PARSE_OK);
    ck_assert_str_eq(out, v[i][1]);
    free(out);
    if (i == 4)
      ck_assert_uint_eq(url_base_fast_count(b), 4); /* news: learned now */
  }
  ck_assert_uint_eq(url_base_fast_count(b), 5);
  url_base_free(b);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("url");
  TCase *tc = tcase_create("url");

  tcase_add_test(tc, url_resolve_relative_path);
  tcase_add_test(tc, url_resolve_dotdot_above_root);
  tcase_add_test(tc, url_resolve_fragment_dropped_by_default);
  tcase_add_test(tc, url_resolve_backslashes_and_whitespace);
  tcase_add_test(tc, url_resolve_scheme_relative);
  tcase_add_test(tc, url_resolve_default_port_removed);
  tcase_add_test(tc, url_resolve_lowercase_scheme_host);
  tcase_add_test(tc, url_resolve_idn_to_punycode);
  tcase_add_test(tc, url_resolve_percent_encoding);
  tcase_add_test(tc, url_resolve_query_in_page_charset);
  tcase_add_test(tc, url_resolve_base_query_stays_utf8);
  tcase_add_test(tc, url_fast_matches_full_resolve);
  tcase_add_test(tc, url_fast_plain_links);
  tcase_add_test(tc, url_resolve_ipv4_forms);
  tcase_add_test(tc, url_resolve_ipv6_canonical);
  tcase_add_test(tc, url_resolve_empty_host_fails);
  tcase_add_test(tc, url_resolve_file_host_and_drive);
  tcase_add_test(tc, url_resolve_relative_without_base_fails);
  tcase_add_test(tc, url_resolve_nonspecial_schemes_kept);
  tcase_add_test(tc, url_resolve_userinfo_kept);
  tcase_add_test(tc, url_resolve_invalid_base_fails);
  tcase_add_test(tc, url_resolve_opaque_path_untouched);
  tcase_add_test(tc, url_resolve_double_slash_path_kept);
  tcase_add_test(tc, url_resolve_n_nul_encoded_in_path_query_fragment);
  tcase_add_test(tc, url_resolve_n_nul_in_host_or_port_fails);
  tcase_add_test(tc, url_view_parse_parts);
  tcase_add_test(tc, url_is_http_only_http_and_https);
  tcase_add_test(tc, url_registrable_domain_psl);
  tcase_add_test(tc, url_host_in_domain_label_aligned);
  tcase_add_test(tc, url_host_check_dns_limits);
  tcase_add_test(tc, url_resolve_keeps_hosts_no_dns_can_find);
  tcase_add_test(tc, parse_strerror_names);
  suite_add_tcase(s, tc);
  return check_run(s);
}
