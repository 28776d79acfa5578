/* tests/unit/check_tmp.h - a fresh temporary directory per test, with a
 * store path inside it, for the runners that build real stores. Include
 * after config.h. */
#ifndef V6_CHECK_TMP_H
#define V6_CHECK_TMP_H

#include <check.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

/* The test's directory, and the store's path inside it (the store's own
 * directory does not exist yet: store_open makes it). */
static char g_tmp[64];
static char g_db[128];

static int tmp_rm_entry(const char *path, const struct stat *st, int flag,
                        struct FTW *ftw)
{
  (void)st;
  (void)flag;
  (void)ftw;
  return remove(path);
}

/* A checked fixture's setup: make g_tmp (/tmp/@name.XXXXXX) and g_db. */
static inline void tmp_setup(const char *name)
{
  int n = snprintf(g_tmp, sizeof g_tmp, "/tmp/%s.XXXXXX", name);
  ck_assert_int_lt(n, (int)sizeof g_tmp);
  ck_assert_ptr_nonnull(mkdtemp(g_tmp));
  n = snprintf(g_db, sizeof g_db, "%s/db", g_tmp);
  ck_assert_int_lt(n, (int)sizeof g_db);
}

/* A checked fixture's teardown: remove g_tmp and all below it. */
static inline void tmp_teardown(void)
{
  if (g_tmp[0])
    nftw(g_tmp, tmp_rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

#endif
