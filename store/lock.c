/* store/lock.c - who is writing the store: open file description locks on
 * @dir/v6crawl.lock beside LMDB's own files.
 *
 * LMDB's lock file serialises write transactions but says nothing about a
 * crawl that holds none between two flushes, and a compaction that renames
 * a new data.mdb into place would leave a crawl writing to the old one.
 * So, on v6crawl.lock:
 *
 *   byte 0     shared by every process with the store open for writing,
 *              exclusive while store_compact() replaces the file;
 *   byte RUN   exclusive while a process writes run RUN (from
 *              store_run_new() to store_run_finish() or store_close()):
 *              store_run_running() and store_run_delete() look at it.
 *
 * Open file description locks (F_OFD_SETLK) belong to the open file, not
 * to the process, and go when it is closed, also when the process dies:
 * a crawl killed with SIGKILL leaves its run interrupted, never running.
 * Where they are missing, classic fcntl locks do the same for a process
 * with one store open. */
#include "config.h"

#include "store/store_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifdef F_OFD_SETLK
#define LK_SET  F_OFD_SETLK
#define LK_WAIT F_OFD_SETLKW
#define LK_GET  F_OFD_GETLK
#else
#define LK_SET  F_SETLK
#define LK_WAIT F_SETLKW
#define LK_GET  F_GETLK
#endif

/* fcntl lock command @cmd of type @type on byte @off of @fd. */
static int lk(int fd, int cmd, short type, off_t off, struct flock *out)
{
  struct flock fl;
  int r;

  memset(&fl, 0, sizeof fl);
  fl.l_type = type;
  fl.l_whence = SEEK_SET;
  fl.l_start = off;
  fl.l_len = 1;
  do
    r = fcntl(fd, cmd, &fl);
  while (r != 0 && errno == EINTR && cmd == LK_WAIT);
  if (out)
    *out = fl;
  return r;
}

int st_lock_open(struct store *s, const char *dir)
{
  char path[4096];
  int n;

  n = snprintf(path, sizeof path, "%s/v6crawl.lock", dir);
  if (n < 0 || (size_t)n >= sizeof path)
    return STORE_INVALID;
  if (s->rdonly) {
    /* only to look: a store of another user may not let us create it */
    s->lockfd = open(path, O_RDONLY | O_CLOEXEC);
    return STORE_OK;
  }
  s->lockfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (s->lockfd < 0)
    return st_rc(errno);
  if (lk(s->lockfd, LK_WAIT, F_RDLCK, 0, NULL) != 0)
    return st_rc(errno);
  return STORE_OK;
}

void st_lock_close(struct store *s)
{
  if (s->lockfd >= 0)
    close(s->lockfd);
  s->lockfd = -1;
  s->held = 0;
}

int st_lock_compact(struct store *s)
{
  if (s->lockfd < 0)
    return STORE_IO;
  if (lk(s->lockfd, LK_SET, F_WRLCK, 0, NULL) == 0)
    return STORE_OK;
  return errno == EAGAIN || errno == EACCES ? STORE_BUSY : st_rc(errno);
}

int st_lock_merge(struct store *s)
{
  /* a byte past every run's: byte 0 is the writers', 1.. the runs' */
  if (s->lockfd < 0 || s->rdonly)
    return STORE_OK;
  if (lk(s->lockfd, LK_WAIT, F_WRLCK, (off_t)1 << 32, NULL) != 0)
    return st_rc(errno);
  return STORE_OK;
}

int st_lock_run(struct store *s, uint32_t run)
{
  if (s->lockfd < 0 || s->rdonly)
    return STORE_OK;
  if (s->held && s->held != run)
    st_lock_run_end(s, s->held);
  if (lk(s->lockfd, LK_SET, F_WRLCK, (off_t)run, NULL) != 0)
    return errno == EAGAIN || errno == EACCES ? STORE_BUSY : st_rc(errno);
  s->held = run;
  return STORE_OK;
}

void st_lock_run_end(struct store *s, uint32_t run)
{
  if (s->lockfd < 0 || s->held != run || run == 0)
    return;
  (void)lk(s->lockfd, LK_SET, F_UNLCK, (off_t)run, NULL);
  s->held = 0;
}

int store_run_running(struct store *s, uint32_t id)
{
  struct flock fl;

  if (!s || id == 0 || s->lockfd < 0)
    return 0;
  if (s->held == id)
    return 1;
  /* a write lock is asked for only to see whether anyone holds one */
  if (lk(s->lockfd, LK_GET, F_WRLCK, (off_t)id, &fl) != 0)
    return 0;
  return fl.l_type != F_UNLCK;
}
