/* tests/unit/check_dns.c - which addresses may be connected to
 * (addr_usable in crawler/dns.c, the rule in doc/measurement.md). No
 * network: the addresses are literals. */
#include "config.h"

#include <check.h>
#include <stdlib.h>

#include "crawler/crawl_int.h"
#include "tests/unit/check_run.h"

START_TEST(dns_usable_global_unicast_only)
{
  ck_assert_int_eq(addr_usable(6, "2400:3200::1", 0), 1);
  ck_assert_int_eq(addr_usable(6, "fe80::1", 1), 0);
  ck_assert_int_eq(addr_usable(6, "::ffff:1.2.3.4", 1), 0);
  ck_assert_int_eq(addr_usable(6, "64:ff9b::102:304", 1), 0);
  ck_assert_int_eq(addr_usable(6, "2001:db8::1", 1), 0);
  ck_assert_int_eq(addr_usable(6, "ff02::1", 1), 0);
  ck_assert_int_eq(addr_usable(6, "fd00::1", 0), 0);
  ck_assert_int_eq(addr_usable(6, "fd00::1", 1), 1);
  ck_assert_int_eq(addr_usable(4, "1.2.3.4", 0), 1);
  ck_assert_int_eq(addr_usable(4, "192.168.1.1", 0), 0);
  ck_assert_int_eq(addr_usable(4, "192.168.1.1", 1), 1);
  ck_assert_int_eq(addr_usable(4, "not an address", 1), 0);
}
END_TEST

/* 6to4 2002:AABB:CCDD::/48 carries the IPv4 address AA.BB.CC.DD: it is
 * usable exactly when that IPv4 address is. */
START_TEST(dns_6to4_follows_its_ipv4_address)
{
  ck_assert_int_eq(addr_usable(6, "2002:102:304::1", 0), 1); /* 1.2.3.4 */
  ck_assert_int_eq(addr_usable(6, "2002:7f00:1::1", 0), 0);  /* 127.0.0.1 */
  ck_assert_int_eq(addr_usable(6, "2002:7f00:1::1", 1), 1);
  ck_assert_int_eq(addr_usable(6, "2002:c0a8:101::1", 0), 0); /* 192.168 */
  ck_assert_int_eq(addr_usable(6, "2002:c0a8:101::1", 1), 1);
  ck_assert_int_eq(addr_usable(6, "2002:a00:1::1", 0), 0);    /* 10/8 */
  ck_assert_int_eq(addr_usable(6, "2002:a9fe:101::1", 1), 0); /* 169.254 */
  ck_assert_int_eq(addr_usable(6, "2002:c000:201::1", 1), 0); /* 192.0.2 */
  ck_assert_int_eq(addr_usable(6, "2002::1", 1), 0);          /* 0.0.0.0 */
  ck_assert_int_eq(addr_usable(6, "2002:e000:1::1", 1), 0);   /* 224/3 */
}
END_TEST

/* Teredo 2001::/32 is a client's tunnel through its NAT (RFC 4380), never
 * a server's native IPv6; 2001:0:1::/48 and the rest of 2001::/16 are
 * not Teredo. */
START_TEST(dns_teredo_never_usable)
{
  ck_assert_int_eq(addr_usable(6, "2001:0:4136:e378:8000:63bf:3fff:fdd2", 1),
                   0);
  ck_assert_int_eq(addr_usable(6, "2001::1", 1), 0);
  ck_assert_int_eq(addr_usable(6, "2001:1::1", 0), 1);
  ck_assert_int_eq(addr_usable(6, "2001:4860:4860::8888", 0), 1);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("dns");
  TCase *tc = tcase_create("usable");

  tcase_add_test(tc, dns_usable_global_unicast_only);
  tcase_add_test(tc, dns_6to4_follows_its_ipv4_address);
  tcase_add_test(tc, dns_teredo_never_usable);
  suite_add_tcase(s, tc);
  return check_run(s);
}
