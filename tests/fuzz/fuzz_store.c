/* tests/fuzz/fuzz_store.c - libFuzzer target for the store reader.
 *
 * Input: the bytes of a data.mdb. They are written into a fresh directory
 * and read as `v6crawl report`, `links` and `check` would: store_open
 * read-only, every run, its sites, each site's figures and links with
 * their evidence, then store_check. A damaged store may be refused with
 * any store_rc, and a fault inside LMDB ends the reading child through
 * store_fault_guard (exit 3, one line): what must never happen is any
 * other death (a signal: a crash in store/, an ASan or UBSan report),
 * which abort()s so that the fuzzer reports it. The reading runs in a
 * forked child so that the guard's exit ends only the child.
 */
#include "config.h"

#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int row_cb(const struct store_link_row *row, void *ud)
{
  /* touch what is lent, so that ASan sees a bad pointer */
  *(size_t *)ud += strlen(row->url) + (row->parent ? strlen(row->parent) : 0);
  return 0;
}

static int issue_cb(const struct store_issue *is, void *ud)
{
  *(size_t *)ud += strlen(is->db) + strlen(is->what);
  return 0;
}

/* Everything a reading command reads; returns the first error. */
static int read_all(const char *dir)
{
  struct store *s = NULL;
  struct store_run *runs = NULL;
  struct store_site *sites = NULL;
  struct store_site_figs figs;
  struct store_check_stats cs;
  size_t nr = 0, ns = 0, i, j, touched = 0;
  int rc;

  rc = store_open(dir, STORE_RDONLY, 0, &s);
  if (rc)
    return rc;
  rc = store_runs_list(s, &runs, &nr);
  for (i = 0; rc == STORE_OK && i < nr; i++) {
    rc = store_sites_list(s, runs[i].id, &sites, &ns);
    for (j = 0; rc == STORE_OK && j < ns; j++) {
      rc = store_site_figures(s, runs[i].id, sites[j].idx, &figs);
      if (rc == STORE_OK)
        rc = store_links_each(s, runs[i].id, sites[j].idx, row_cb, &touched);
    }
    store_sites_free(sites, ns);
    sites = NULL;
    ns = 0;
  }
  (void)store_check(s, 0, issue_cb, &touched, &cs);
  store_runs_free(runs, nr);
  store_close(s);
  return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char dir[] = "/tmp/fuzz_store.XXXXXX", path[64], lock[64];
  int fd, status = 0;
  pid_t pid;

  if (!mkdtemp(dir))
    abort();
  snprintf(path, sizeof path, "%s/data.mdb", dir);
  snprintf(lock, sizeof lock, "%s/lock.mdb", dir);
  fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
    abort();
  close(fd);
  fflush(NULL);
  pid = fork();
  if (pid < 0)
    abort();
  if (pid == 0) {
    /* quiet: the corpus is damaged on purpose */
    if (!freopen("/dev/null", "w", stderr))
      _exit(4);
    (void)store_fault_guard(3, "fuzz_store: ", "");
    (void)read_all(dir);
    _exit(0);
  }
  if (waitpid(pid, &status, 0) != pid)
    abort();
  unlink(path);
  unlink(lock);
  rmdir(dir);
  /* 0: read or refused; 3: a fault inside LMDB, caught */
  if (!WIFEXITED(status) ||
      (WEXITSTATUS(status) != 0 && WEXITSTATUS(status) != 3)) {
    fprintf(stderr, "fuzz_store: the reader died (status 0x%x)\n", status);
    abort();
  }
  return 0;
}
