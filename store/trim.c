/* store/trim.c - the store's map pages given back after a commit, and
 * whenever the process has faulted in many pages since the last time.
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
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "store/store_int.h"

/* Below this much of the map in use nothing is dropped: a small store's
 * pages cost less than faulting them in again. */
#define TRIM_FROM ((size_t)8 << 20)

/* Between two commits a crawl reads the map at random (a URL's id, a
 * link's probe), and the kernel maps up to 16 neighbouring pages of the
 * page cache with every read fault ("fault-around"), so a few hundred
 * lookups map most of a large store. The map is given back whenever the
 * process has taken this many minor faults since it last was: a little
 * CPU to fault pages in again, for a resident set that stays flat. */
#define RELIEVE_FAULTS 128

/* The process's minor faults when a map was last given back: one count
 * for the process, as faults are (every store of it is trimmed by the
 * same rule). Only the thread that owns the stores calls in here. */
static long trimmed_at;

static long minor_faults(void)
{
  struct rusage ru;
  return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_minflt : 0;
}

void st_map_trim(struct store *s)
{
  if (s && s->env)
    st_env_trim(s->env);
}

void st_env_relieve(MDB_env *env)
{
  if (env && minor_faults() - trimmed_at >= RELIEVE_FAULTS)
    st_env_trim(env);
}

void store_relieve(struct store *s)
{
  if (s)
    st_env_relieve(s->env);
}

/* Looked up every time, never cached: a map resized by another writer
 * moves. */
int st_map_range(MDB_env *env, uintptr_t *lo, uintptr_t *hi)
{
  const char *dir = NULL;
  char path[4096], line[4096 + 128];
  struct stat fs;
  FILE *f;
  int rc = -1;

  if (mdb_env_get_path(env, &dir) != MDB_SUCCESS || !dir)
    return -1;
  if ((size_t)snprintf(path, sizeof path, "%s/data.mdb", dir) >= sizeof path ||
      stat(path, &fs) != 0)
    return -1;
  f = fopen("/proc/self/maps", "re");
  if (!f)
    return -1;
  while (rc && fgets(line, sizeof line, f)) {
    unsigned long a, b, maj, mnr, ino;
    char perm[8];
    /* most lines are the libraries': not worth a sscanf */
    if (!strstr(line, "data.mdb"))
      continue;
    if (sscanf(line, "%lx-%lx %7s %*x %lx:%lx %lu", &a, &b, perm, &maj, &mnr,
               &ino) != 6)
      continue;
    /* the read-only shared map of that very file (device and inode) */
    if (ino == (unsigned long)fs.st_ino && maj == major(fs.st_dev) &&
        mnr == minor(fs.st_dev) && perm[0] == 'r' && perm[1] == '-' &&
        perm[3] == 's') {
      *lo = a;
      *hi = b;
      rc = 0;
    }
  }
  fclose(f);
  return rc;
}

void st_env_trim(MDB_env *env)
{
  MDB_envinfo info;
  MDB_stat st;
  uintptr_t lo, hi;
  size_t used;

  if (!env || mdb_env_info(env, &info) != MDB_SUCCESS ||
      mdb_env_stat(env, &st) != MDB_SUCCESS)
    return;
  used = (size_t)(info.me_last_pgno + 1) * st.ms_psize;
  if (used < TRIM_FROM || st_map_range(env, &lo, &hi))
    return;
  if (used < hi - lo)
    hi = lo + used;
  (void)madvise((void *)lo, hi - lo, MADV_DONTNEED);
  trimmed_at = minor_faults();
}
