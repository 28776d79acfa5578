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

/* Four slow seconds (pages being read: 10 probes a second), then 100 a
 * second: at 10 s, the rate of the last 5 s says 20 s for the 2000 left;
 * the rate since the start (640 in 10 s) would say 31 s. */
START_TEST(eta_uses_the_recent_rate)
{
  struct cli_eta e;
  size_t done = 0;
  double left = 0;
  int t;

  memset(&e, 0, sizeof e);
  for (t = 1; t <= 10; t++) {
    done += t <= 4 ? 10 : 100;
    left = cli_eta_left(&e, t, done, done + 2000);
  }
  ck_assert_uint_eq(done, 640);
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

/* More samples than the ring holds: the window still finds its start. */
START_TEST(eta_after_the_ring_wraps)
{
  struct cli_eta e;
  double left = 0;
  int t;

  memset(&e, 0, sizeof e);
  for (t = 1; t <= 3 * CLI_ETA_SAMPLES; t++)
    left = cli_eta_left(&e, t, (size_t)t * 7, 100000);
  ck_assert_double_eq_tol(left, (100000.0 - 3 * CLI_ETA_SAMPLES * 7) / 7, 1e-6);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("eta");
  TCase *tc = tcase_create("eta");

  tcase_add_test(tc, eta_unknown_until_a_probe_is_done);
  tcase_add_test(tc, eta_uses_the_recent_rate);
  tcase_add_test(tc, eta_falls_back_to_the_average);
  tcase_add_test(tc, eta_after_the_ring_wraps);
  suite_add_tcase(s, tc);
  return check_run(s);
}
