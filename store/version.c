/* store/version.c - the version of LMDB, for `v6crawl --version`. */
#include "config.h"

#include <stdio.h>

#include <lmdb.h>

#include "store/store.h"

void store_versions(char *buf, size_t len)
{
  int major = 0, minor = 0, patch = 0;

  (void)mdb_version(&major, &minor, &patch);
  snprintf(buf, len, "LMDB %d.%d.%d\n", major, minor, patch);
}
