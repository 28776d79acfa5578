/* tests/unit/check_run.h - the end of every Check runner's main, once. */
#ifndef V6_CHECK_RUN_H
#define V6_CHECK_RUN_H

#include <check.h>
#include <stdlib.h>

/* Run every case of @s (which is freed), printing Check's summary.
 * Returns EXIT_SUCCESS when none failed, else EXIT_FAILURE. */
static inline int check_run(Suite *s)
{
  SRunner *sr = srunner_create(s);
  int failed;
  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
