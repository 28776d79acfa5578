/* tests/fuzz/replay.c - run a fuzz target over saved inputs, without
 * libFuzzer.
 *
 * Linked with one target's LLVMFuzzerTestOneInput; every regular file in
 * the directories named on the command line is fed to it once. This is
 * how "make check" replays the seed corpora (<target>.in/) and the
 * crashes found so far (<target>.repro/) under any compiler. A missing
 * directory is an error; an empty one is not. Prints "replay NAME: N
 * inputs ok" per directory and exits 0, unless a target aborts.
 */
#include "config.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Read the whole of @path into a new buffer; NULL on failure. */
static uint8_t *read_file(const char *path, size_t *len)
{
  FILE *f = NULL;
  uint8_t *buf = NULL;
  size_t cap = 4096, n = 0;

  f = fopen(path, "rb");
  if (!f)
    goto fail;
  buf = malloc(cap);
  if (!buf)
    goto fail;
  for (;;) {
    size_t r = fread(buf + n, 1, cap - n, f);
    n += r;
    if (n < cap)
      break;
    {
      uint8_t *nb = realloc(buf, cap * 2);
      if (!nb)
        goto fail;
      buf = nb;
      cap *= 2;
    }
  }
  if (ferror(f))
    goto fail;
  fclose(f);
  f = NULL;
  /* an exact-size copy, so ASan catches a target reading past the end */
  {
    uint8_t *exact = malloc(n ? n : 1);
    if (!exact)
      goto fail;
    if (n)
      memcpy(exact, buf, n);
    free(buf);
    buf = exact;
  }
  *len = n;
  return buf;
fail:
  free(buf);
  if (f)
    fclose(f);
  return NULL;
}

/* Replay every regular file in @dir; returns the count or -1. */
static long replay_dir(const char *dir)
{
  DIR *d = opendir(dir);
  struct dirent *e;
  long count = 0;

  if (!d) {
    perror(dir);
    return -1;
  }
  while ((e = readdir(d))) {
    char path[4096];
    struct stat st;
    uint8_t *data;
    size_t len = 0;

    if (e->d_name[0] == '.')
      continue; /* ".", ".." and ".gitkeep" */
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >=
        sizeof path)
      continue;
    if (stat(path, &st) || !S_ISREG(st.st_mode))
      continue;
    data = read_file(path, &len);
    if (!data) {
      perror(path);
      closedir(d);
      return -1;
    }
    LLVMFuzzerTestOneInput(data, len);
    free(data);
    count++;
  }
  closedir(d);
  return count;
}

int main(int argc, char **argv)
{
  int i;

  if (argc < 2) {
    fprintf(stderr, "usage: %s DIR...\n", argv[0]);
    return 2;
  }
  for (i = 1; i < argc; i++) {
    long n = replay_dir(argv[i]);
    const char *name = strrchr(argv[i], '/');

    if (n < 0)
      return 1;
    name = name && name[1] ? name + 1 : argv[i];
    printf("replay %s: %ld inputs ok\n", name, n);
  }
  return 0;
}
