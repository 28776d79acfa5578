/* store/trim.c - the store's map pages given back after a commit.
 *
 * LMDB reads through a read-only shared map of data.mdb, so every page a
 * lookup touches stays in the process's resident set: a crawl's RSS grew
 * with its store (some 750 bytes a link, 80 MB at 100k links). Those
 * pages are the file's, held by the page cache whether or not the map
 * holds them: dropping them from the map (MADV_DONTNEED on a shared file
 * map loses nothing; the next read faults them in again from the cache)
 * leaves the kernel free to keep or reclaim them, and the crawl's own
 * memory flat. Dirty pages of a write transaction are LMDB's own
 * allocations, never the map's (the store opens without MDB_WRITEMAP), and
 * the pages a live reader sees are never rewritten, so a record lent by
 * LMDB reads the same after a trim. */
#include "config.h"

#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "store/store_int.h"

/* Below this much of the map in use nothing is dropped: a small store's
 * pages cost less than faulting them in again. */
#define TRIM_FROM ((size_t)16 << 20)

void st_map_trim(struct store *s)
{
  if (s && s->env)
    st_env_trim(s->env);
}

void st_env_trim(MDB_env *env)
{
  MDB_envinfo info;
  MDB_stat st;
  uintptr_t lo, hi;
  size_t used;
  long pg = sysconf(_SC_PAGESIZE);

  if (!env || pg <= 0 || mdb_env_info(env, &info) != MDB_SUCCESS ||
      mdb_env_stat(env, &st) != MDB_SUCCESS || !info.me_mapaddr)
    return;
  used = (size_t)(info.me_last_pgno + 1) * st.ms_psize;
  if (used < TRIM_FROM)
    return;
  if (used > info.me_mapsize)
    used = info.me_mapsize;
  lo = (uintptr_t)info.me_mapaddr;
  hi = (lo + used + (uintptr_t)pg - 1) & ~((uintptr_t)pg - 1);
  (void)madvise((void *)lo, hi - lo, MADV_DONTNEED);
}
