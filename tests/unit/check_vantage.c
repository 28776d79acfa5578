/* tests/unit/check_vantage.c - the vantage endpoint list
 * (crawler/vantage.c: vantage_parse, crawl_vantage_list_check): IPv4 as
 * ADDR:PORT, IPv6 as [ADDR]:PORT, blanks around items, and every malformed
 * item refused with a message naming it. No network. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "crawler/crawl_int.h"
#include "tests/unit/check_run.h"

START_TEST(vantage_list_both_families)
{
  struct vantage_ep *v = NULL;
  size_t n = 9;
  char err[128] = "";
  static const unsigned char a6[16] = {
    0x20, 0x01, 0x05, 0x03, 0xba, 0x3e, 0, 0, 0, 0, 0, 0, 0, 0x02, 0, 0x30};
  ck_assert_int_eq(vantage_parse(" 198.41.0.4:53 , [2001:503:ba3e::2:30]:53,"
                                 "127.0.0.2:80",
                                 &v, &n, err, sizeof(err)),
                   0);
  ck_assert_uint_eq(n, 3);
  ck_assert_int_eq(v[0].family, 4);
  ck_assert_uint_eq(v[0].port, 53);
  ck_assert_int_eq(memcmp(v[0].addr, "\xc6\x29\x00\x04", 4), 0);
  ck_assert_str_eq(v[0].text, "198.41.0.4:53");
  ck_assert_int_eq(v[1].family, 6);
  ck_assert_uint_eq(v[1].port, 53);
  ck_assert_int_eq(memcmp(v[1].addr, a6, 16), 0);
  ck_assert_str_eq(v[1].text, "[2001:503:ba3e::2:30]:53");
  ck_assert_int_eq(v[2].family, 4);
  ck_assert_uint_eq(v[2].port, 80);
  free(v);
}
END_TEST

START_TEST(vantage_list_empty_is_no_endpoint)
{
  struct vantage_ep *v = (void *)1;
  size_t n = 9;
  char err[128];
  ck_assert_int_eq(vantage_parse(NULL, &v, &n, err, sizeof(err)), 0);
  ck_assert_ptr_null(v);
  ck_assert_uint_eq(n, 0);
  ck_assert_int_eq(vantage_parse("  ", &v, &n, err, sizeof(err)), 0);
  ck_assert_ptr_null(v);
  ck_assert_uint_eq(n, 0);
  ck_assert_int_eq(crawl_vantage_list_check("", err, sizeof(err)), 0);
  ck_assert_int_eq(
    crawl_vantage_list_check("[::1]:1,10.0.0.1:65535", err, sizeof(err)), 2);
}
END_TEST

START_TEST(vantage_list_bad_items_refused)
{
  static const char *const bad[] = {
    "1.2.3.4",        /* no port */
    "1.2.3.4:",       /* empty port */
    "1.2.3.4:0",      /* port 0 */
    "1.2.3.4:65536",  /* too big */
    "1.2.3.4:+53",    /* a sign */
    "1.2.3.4:5x",     /* junk */
    "::1:53",         /* IPv6 without brackets */
    "[::1]53",        /* no colon */
    "[::1:53",        /* no bracket */
    "[1.2.3.4]:53",   /* IPv4 in brackets */
    "example.org:53", /* a name: no DNS for the vantage */
    "1.2.3.4:53,",    /* an empty item */
    "1.2.3.4:53,,1.2.3.5:53",
    "300.1.1.1:53",
  };
  size_t i;
  for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    struct vantage_ep *v = (void *)1;
    size_t n = 9;
    char err[160] = "";
    ck_assert_msg(vantage_parse(bad[i], &v, &n, err, sizeof(err)) == -1,
                  "accepted %s", bad[i]);
    ck_assert_ptr_null(v);
    ck_assert_uint_eq(n, 0);
    ck_assert_msg(strstr(err, "bad vantage endpoint") != NULL, "%s", err);
    ck_assert_int_eq(crawl_vantage_list_check(bad[i], err, sizeof(err)), -1);
  }
}
END_TEST

int main(void)
{
  Suite *s = suite_create("vantage");
  TCase *tc = tcase_create("list");

  tcase_add_test(tc, vantage_list_both_families);
  tcase_add_test(tc, vantage_list_empty_is_no_endpoint);
  tcase_add_test(tc, vantage_list_bad_items_refused);
  suite_add_tcase(s, tc);
  return check_run(s);
}
