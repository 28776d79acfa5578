/* tests/unit/check_breaker.c - the rules of an address known bad for the
 * run (crawler/breaker.c, brk_*): when it opens, what a request does in
 * each state, the one more try before the run ends. No network. */
#include "config.h"

#include <check.h>
#include <stdlib.h>

#include "crawler/crawl_int.h"
#include "tests/unit/check_run.h"

START_TEST(breaker_opens_after_threshold_failures)
{
  struct brk b;
  brk_init(&b, 3);
  ck_assert_int_eq(brk_admit(&b), BRK_GO);
  ck_assert_int_eq(brk_result(&b, FETCH_CONN_TIMEOUT), BRK_NONE);
  ck_assert_int_eq(brk_result(&b, FETCH_CONN_UNREACH), BRK_NONE);
  ck_assert_int_eq(brk_admit(&b), BRK_GO);
  ck_assert_int_eq(brk_result(&b, FETCH_CONN_TIMEOUT), BRK_NONE);
  ck_assert_int_eq(b.state, BRK_OPEN);
  ck_assert_int_eq(b.timeouts, 2);
  ck_assert_int_eq(b.unreach, 1);
  ck_assert_int_eq(brk_admit(&b), BRK_PARK);
}
END_TEST

START_TEST(breaker_success_resets_the_count)
{
  struct brk b;
  brk_init(&b, 3);
  brk_result(&b, FETCH_CONN_TIMEOUT);
  brk_result(&b, FETCH_CONN_TIMEOUT);
  ck_assert_int_eq(brk_result(&b, FETCH_CONN_OK), BRK_NONE);
  brk_result(&b, FETCH_CONN_TIMEOUT);
  brk_result(&b, FETCH_CONN_TIMEOUT);
  ck_assert_int_eq(b.state, BRK_CLOSED);
  ck_assert_int_eq(brk_admit(&b), BRK_GO);
}
END_TEST

/* A refusal is an answer: the address is up, nothing to wait out. */
START_TEST(breaker_refused_is_an_answer)
{
  struct brk b;
  int i;
  brk_init(&b, 3);
  for (i = 0; i < 10; i++)
    ck_assert_int_eq(brk_result(&b, FETCH_CONN_REFUSED), BRK_NONE);
  ck_assert_int_eq(brk_admit(&b), BRK_GO);
  brk_result(&b, FETCH_CONN_TIMEOUT);
  brk_result(&b, FETCH_CONN_TIMEOUT);
  brk_result(&b, FETCH_CONN_REFUSED);
  brk_result(&b, FETCH_CONN_TIMEOUT);
  ck_assert_int_eq(brk_admit(&b), BRK_GO);
  ck_assert_int_eq(b.timeouts, 1);
}
END_TEST

/* No route from this machine is outage.c's concern, not the address's. */
START_TEST(breaker_noroute_counts_nothing)
{
  struct brk b;
  brk_init(&b, 2);
  brk_result(&b, FETCH_CONN_TIMEOUT);
  ck_assert_int_eq(brk_result(&b, FETCH_CONN_NOROUTE), BRK_NONE);
  ck_assert_int_eq(brk_result(&b, FETCH_CONN_NOROUTE), BRK_NONE);
  ck_assert_int_eq(b.state, BRK_CLOSED);
  ck_assert_int_eq(b.timeouts, 1);
  brk_result(&b, FETCH_CONN_TIMEOUT);
  ck_assert_int_eq(b.state, BRK_OPEN);
}
END_TEST

START_TEST(breaker_zero_never_opens)
{
  struct brk b;
  int i;
  brk_init(&b, 0);
  for (i = 0; i < 100; i++)
    ck_assert_int_eq(brk_result(&b, FETCH_CONN_TIMEOUT), BRK_NONE);
  ck_assert_int_eq(brk_admit(&b), BRK_GO);
}
END_TEST

START_TEST(breaker_retry_fails_then_bad)
{
  struct brk b;
  brk_init(&b, 1);
  brk_result(&b, FETCH_CONN_TIMEOUT);
  ck_assert_int_eq(brk_idle(&b), 1);
  ck_assert_int_eq(b.state, BRK_RETRYING);
  ck_assert_int_eq(brk_admit(&b), BRK_PARK);
  ck_assert_int_eq(brk_idle(&b), 0); /* tried once more only */
  ck_assert_int_eq(brk_result(&b, FETCH_CONN_TIMEOUT), BRK_DECIDE_ALL);
  ck_assert_int_eq(brk_admit(&b), BRK_DECIDE);
  ck_assert_int_eq(brk_idle(&b), 0);
  ck_assert_int_eq(b.timeouts, 2);
}
END_TEST

START_TEST(breaker_retry_connects_releases)
{
  struct brk b;
  brk_init(&b, 2);
  brk_result(&b, FETCH_CONN_UNREACH);
  brk_result(&b, FETCH_CONN_UNREACH);
  ck_assert_int_eq(brk_idle(&b), 1);
  ck_assert_int_eq(brk_result(&b, FETCH_CONN_OK), BRK_RELEASE);
  ck_assert_int_eq(b.state, BRK_CLOSED);
  ck_assert_int_eq(b.unreach, 0);
  ck_assert_int_eq(brk_admit(&b), BRK_GO);
}
END_TEST

/* A request started before the address opened connects after all: the
 * parked go on without waiting for the end of the run. */
START_TEST(breaker_late_success_while_open_releases)
{
  struct brk b;
  brk_init(&b, 1);
  brk_result(&b, FETCH_CONN_TIMEOUT);
  ck_assert_int_eq(brk_admit(&b), BRK_PARK);
  ck_assert_int_eq(brk_result(&b, FETCH_CONN_OK), BRK_RELEASE);
  ck_assert_int_eq(brk_admit(&b), BRK_GO);
}
END_TEST

START_TEST(breaker_idle_only_when_open)
{
  struct brk b;
  brk_init(&b, 3);
  ck_assert_int_eq(brk_idle(&b), 0);
  brk_result(&b, FETCH_CONN_TIMEOUT);
  ck_assert_int_eq(brk_idle(&b), 0);
  ck_assert_int_eq(b.state, BRK_CLOSED);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("breaker");
  TCase *tc = tcase_create("rules");

  tcase_add_test(tc, breaker_opens_after_threshold_failures);
  tcase_add_test(tc, breaker_success_resets_the_count);
  tcase_add_test(tc, breaker_refused_is_an_answer);
  tcase_add_test(tc, breaker_noroute_counts_nothing);
  tcase_add_test(tc, breaker_zero_never_opens);
  tcase_add_test(tc, breaker_retry_fails_then_bad);
  tcase_add_test(tc, breaker_retry_connects_releases);
  tcase_add_test(tc, breaker_late_success_while_open_releases);
  tcase_add_test(tc, breaker_idle_only_when_open);
  suite_add_tcase(s, tc);
  return check_run(s);
}
