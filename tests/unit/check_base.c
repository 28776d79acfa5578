/* tests/unit/check_base.c - the hash, the host of a URL, the capped
 * buffer and the format names of base/. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "tests/unit/check_run.h"

START_TEST(hash_is_fnv1a_64)
{
  /* Published FNV-1a 64 test vectors: the store's keys depend on them. */
  ck_assert_uint_eq(v6_hash_str(""), UINT64_C(0xcbf29ce484222325));
  ck_assert_uint_eq(v6_hash_str("a"), UINT64_C(0xaf63dc4c8601ec8c));
  ck_assert_uint_eq(v6_hash_str("foobar"), UINT64_C(0x85944171f73967e8));
  ck_assert_uint_eq(v6_hash_add(v6_hash_add(V6_HASH_INIT, "foo", 3), "bar", 3),
                    v6_hash_str("foobar"));
  ck_assert_uint_eq(v6_hash_byte(V6_HASH_INIT, 'a'), v6_hash_str("a"));
}
END_TEST

START_TEST(url_host_forms)
{
  char b[64];
  ck_assert_uint_eq(v6_url_host("http://WWW.Example.cn/a?b#c", b, sizeof b),
                    14);
  ck_assert_str_eq(b, "www.example.cn");
  ck_assert_uint_eq(v6_url_host("https://u:p@h.cn:8443/x", b, sizeof b), 4);
  ck_assert_str_eq(b, "h.cn");
  ck_assert_uint_eq(v6_url_host("http://[fd6c:7763::2]:80/", b, sizeof b), 12);
  ck_assert_str_eq(b, "fd6c:7763::2");
  ck_assert_uint_eq(v6_url_host("http://h.cn?q", b, sizeof b), 4);
  ck_assert_str_eq(b, "h.cn");
  ck_assert_uint_eq(v6_url_host("mailto:a@b.cn", b, sizeof b), 0);
  ck_assert_str_eq(b, "");
  ck_assert_uint_eq(v6_url_host("http:///path", b, sizeof b), 0);
  ck_assert_uint_eq(v6_url_host("http://[::1/", b, sizeof b), 0);
  ck_assert_uint_eq(v6_url_host("http://toolong.example.cn/", b, 8), 0);
  ck_assert_str_eq(b, "");
}
END_TEST

START_TEST(buf_grows_and_takes)
{
  struct v6_buf b;
  char *s;
  int i;

  v6_buf_init(&b, 0);
  ck_assert_ptr_null(b.p);
  for (i = 0; i < 1000; i++)
    ck_assert_int_eq(v6_buf_puts(&b, "abc"), 0);
  ck_assert_uint_eq(b.n, 3000);
  ck_assert_int_eq(b.p[3000], '\0');
  v6_buf_reset(&b);
  ck_assert_uint_eq(b.n, 0);
  ck_assert_str_eq(b.p, "");
  v6_buf_putc(&b, 'x');
  s = v6_buf_take(&b);
  ck_assert_str_eq(s, "x");
  ck_assert_ptr_null(b.p);
  free(s);
  s = v6_buf_take(&b);
  ck_assert_str_eq(s, "");
  free(s);
  v6_buf_cleanup(&b);
  v6_buf_cleanup(NULL);
}
END_TEST

START_TEST(buf_cap_keeps_what_fits)
{
  struct v6_buf b;

  v6_buf_init(&b, 5);
  ck_assert_int_eq(v6_buf_puts(&b, "abc"), 0);
  ck_assert_int_eq(v6_buf_puts(&b, "defg"), -1);
  ck_assert(b.toobig);
  ck_assert_uint_eq(b.n, 5);
  ck_assert_str_eq(b.p, "abcde");
  ck_assert_int_eq(v6_buf_putc(&b, 'z'), -1);
  ck_assert_str_eq(b.p, "abcde");
  v6_buf_reset(&b);
  ck_assert(!b.toobig);
  ck_assert_int_eq(v6_buf_puts(&b, "12345"), 0);
  ck_assert(!b.toobig);
  v6_buf_cleanup(&b);
}
END_TEST

START_TEST(format_names)
{
  unsigned all = V6_FMT_BIT(V6_FMT_TEXT) | V6_FMT_BIT(V6_FMT_JSON) |
                 V6_FMT_BIT(V6_FMT_CSV) | V6_FMT_BIT(V6_FMT_HTML);
  ck_assert_int_eq(v6_format_parse("json", all), V6_FMT_JSON);
  ck_assert_int_eq(v6_format_parse("html", all), V6_FMT_HTML);
  ck_assert_int_eq(v6_format_parse("html", all & ~V6_FMT_BIT(V6_FMT_HTML)), -1);
  ck_assert_int_eq(v6_format_parse("xml", all), -1);
  ck_assert_int_eq(v6_format_parse("JSON", all), -1);
  ck_assert_str_eq(v6_format_name(V6_FMT_CSV), "csv");
}
END_TEST

int main(void)
{
  Suite *s = suite_create("base");
  TCase *tc = tcase_create("base");

  tcase_add_test(tc, hash_is_fnv1a_64);
  tcase_add_test(tc, url_host_forms);
  tcase_add_test(tc, buf_grows_and_takes);
  tcase_add_test(tc, buf_cap_keeps_what_fits);
  tcase_add_test(tc, format_names);
  suite_add_tcase(s, tc);
  return check_run(s);
}
