/* tests/unit/check_eta.c - the progress line's time left (cli/eta.c). */
#include "config.h"

#include <check.h>
#include <string.h>

#include "cli/cli.h"
#include "tests/unit/check_run.h"

START_TEST(eta_unknown_until_a_probe_is_done)
{
  struct cli_eta e;
  memset(&e, 0, sizeof e);
  ck_assert(cli_eta_left(&e, 0.5, 0, 100) < 0);
  ck_assert(cli_eta_left(&e, 1.0, 0, 100) < 0);
  ck_assert(cli_eta_left(&e, 2.0, 100, 100) == 0);
}
END_TEST

/* Three slow seconds (pages being read: 8 probes a second), then 100 a
 * second, sampled 4 times a second as the crawler calls: at 5 s the rate
 * of the last quarter (3.75 s to 5 s) says 20 s for the 2000 left; the
 * last half (2.5 s to 5 s, half a slow second in it) would say 24.5 s and
 * the rate since the start (224 in 5 s) 44.6 s. */
/* Pages still to read hold links not counted yet: 400 probes from the 4
 * pages read, so the 6 pages left are taken to bring 600 more. */
START_TEST(eta_total_counts_the_pages_left)
{
  ck_assert_uint_eq(cli_eta_total(400, 4, 6), 1000);
  ck_assert_uint_eq(cli_eta_total(400, 4, 0), 400);
  ck_assert_uint_eq(cli_eta_total(400, 0, 6), 400); /* nothing to go by */
}
END_TEST

START_TEST(eta_uses_the_recent_rate)
{
  struct cli_eta e;
  size_t done = 0;
  double left = 0;
  int q;

  memset(&e, 0, sizeof e);
  for (q = 1; q <= 20; q++) {
    done += q <= 12 ? 10 / 4 : 100 / 4;
    left = cli_eta_left(&e, q / 4.0, done, done + 2000);
  }
  ck_assert_uint_eq(done, 12 * 2 + 8 * 25);
  ck_assert_double_eq_tol(left, 20.0, 0.01);
}
END_TEST

/* Early on (under 2 s of samples) and when the window saw no progress,
 * the rate since the start is used. */
START_TEST(eta_falls_back_to_the_average)
{
  struct cli_eta e;
  memset(&e, 0, sizeof e);
  ck_assert_double_eq_tol(cli_eta_left(&e, 1.0, 50, 150), 2.0, 1e-9);
  memset(&e, 0, sizeof e);
  (void)cli_eta_left(&e, 1.0, 50, 150);
  (void)cli_eta_left(&e, 4.0, 50, 150);
  ck_assert_double_eq_tol(cli_eta_left(&e, 6.0, 50, 150), 12.0, 1e-9);
}
END_TEST

/* More samples than the array holds: the window still reaches back a
 * quarter of the time. 250 s at 4 samples a second, 10 probes a second
 * up to 200 s and 50 after. The halvings leave samples 1.75 s apart or
 * more; the first at or after 187.5 s is the one at 188.25 s (1882 done),
 * so the rate is 2618 probes in 61.75 s and the 95500 left take 2252.53
 * s. The last 128 samples alone (32 s, all fast) would say 1910. */
START_TEST(eta_after_the_ring_wraps)
{
  struct cli_eta e;
  double left = 0, t;
  size_t done = 0;
  int q;

  memset(&e, 0, sizeof e);
  for (q = 1; q <= 1000; q++) {
    t = q / 4.0;
    done = t <= 200 ? (size_t)(t * 10) : 2000 + (size_t)((t - 200) * 50);
    left = cli_eta_left(&e, t, done, 100000);
  }
  ck_assert_uint_eq(done, 4500);
  ck_assert_double_eq_tol(left, 95500.0 * 61.75 / 2618, 0.001);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("eta");
  TCase *tc = tcase_create("eta");

  tcase_add_test(tc, eta_unknown_until_a_probe_is_done);
  tcase_add_test(tc, eta_uses_the_recent_rate);
  tcase_add_test(tc, eta_total_counts_the_pages_left);
  tcase_add_test(tc, eta_falls_back_to_the_average);
  tcase_add_test(tc, eta_after_the_ring_wraps);
  suite_add_tcase(s, tc);
  return check_run(s);
}
