/* tests/unit/check_dns.c - which addresses may be connected to
 * (addr_usable in crawler/dns.c, the rule in doc/measurement.md). No
 * network: the addresses are literals. */
#include "config.h"

#include <check.h>
#include <stdlib.h>

#include "crawler/crawl_int.h"
#include "tests/unit/check_run.h"

START_TEST(dns_query_is_built_without_recursion)
{
  unsigned char b[512];
  /* the header (one question, one additional: EDNS0's OPT with 1232
   * bytes), gov.cn SOA IN, the OPT */
  static const unsigned char want[] = {
    0x12, 0x34, 0, 0, 0, 1, 0, 0, 0,  0,    0,    1, 3, 'g', 'o', 'v', 2, 'c',
    'n',  0,    0, 6, 0, 1, 0, 0, 41, 0x04, 0xd0, 0, 0, 0,   0,   0,   0};
  ck_assert_int_eq(dns_query_build("gov.cn", 6, 0x1234, b, sizeof b),
                   (int)sizeof want);
  ck_assert_mem_eq(b, want, sizeof want);
  /* the root is one zero byte */
  ck_assert_int_eq(dns_query_build("", 6, 1, b, sizeof b), 17 + 11);
  ck_assert_int_eq(b[12], 0);
  ck_assert_int_eq(dns_query_build("a..b", 6, 1, b, sizeof b), -1);
  ck_assert_int_eq(dns_query_build("gov.cn", 6, 1, b, 30), -1);
}
END_TEST

/* A referral as a TLD server sends it: no AA, NS of the child in the
 * authority section (the second by a compression pointer), AAAA glue. */
START_TEST(dns_referral_is_parsed)
{
  static const unsigned char m[] = {
    0xab, 0xcd, 0x80, 0x00, 0, 1, 0, 0, 0, 2, 0, 1,
    /* question: www.x.cn SOA IN (offset 12) */
    3, 'w', 'w', 'w', 1, 'x', 2, 'c', 'n', 0, 0, 6, 0, 1,
    /* x.cn NS ns1.x.cn (its name at offset 38): the owner points at 16 */
    0xc0, 16, 0, 2, 0, 1, 0, 0, 0, 60, 0, 6, 3, 'n', 's', '1', 0xc0, 16,
    /* x.cn NS ns2.x.cn */
    0xc0, 16, 0, 2, 0, 1, 0, 0, 0, 60, 0, 6, 3, 'n', 's', '2', 0xc0, 16,
    /* ns1.x.cn AAAA 2001:db8::1 */
    0xc0, 38, 0, 28, 0, 1, 0, 0, 0, 60, 0, 16, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 1};
  struct dns_reply r;
  ck_assert_int_eq(dns_reply_parse(m, sizeof m, &r), 0);
  ck_assert_uint_eq(r.id, 0xabcd);
  ck_assert_int_eq(r.qr, 1);
  ck_assert_int_eq(r.aa, 0);
  ck_assert_int_eq(r.rcode, 0);
  ck_assert_int_eq(r.qtype, 6);
  ck_assert_str_eq(r.qname, "www.x.cn");
  ck_assert_int_eq(r.answers, 0);
  ck_assert_str_eq(r.ns_zone, "x.cn");
  ck_assert_uint_eq(r.n_ns, 2);
  ck_assert_str_eq(r.ns[0], "ns1.x.cn");
  ck_assert_str_eq(r.ns[1], "ns2.x.cn");
  ck_assert_uint_eq(r.n_glue, 1);
  ck_assert_str_eq(r.glue_name[0], "ns1.x.cn");
  ck_assert_str_eq(r.glue_addr[0], "2001:db8::1");
  dns_reply_cleanup(&r);
  /* cut short: it does not parse, and nothing is left */
  ck_assert_int_eq(dns_reply_parse(m, sizeof m - 3, &r), -1);
  ck_assert_ptr_null(r.qname);
  ck_assert_ptr_null(r.ns);
}
END_TEST

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

  tcase_add_test(tc, dns_query_is_built_without_recursion);
  tcase_add_test(tc, dns_referral_is_parsed);
  tcase_add_test(tc, dns_usable_global_unicast_only);
  tcase_add_test(tc, dns_6to4_follows_its_ipv4_address);
  tcase_add_test(tc, dns_teredo_never_usable);
  suite_add_tcase(s, tc);
  return check_run(s);
}
