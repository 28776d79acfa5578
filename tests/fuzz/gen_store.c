/* tests/fuzz/gen_store.c - write the seed corpus of fuzz_store: a small
 * store (two runs, three sites, links, edges, hosts and probes) and
 * damaged copies of its data.mdb, generated at make check time rather
 * than kept in git (binary, and tied to the store's format):
 *
 *   pristine          the store as written
 *   trunc-half        the first half of it
 *   trunc-8k          its two meta pages only
 *   trunc-odd         cut in the middle of a page
 *   page-N            page N overwritten with random bytes (every page)
 *   flip-N-S          16 random bytes of five pages changed (seed S)
 *   meta-0, meta-1    a meta page's magic broken
 *
 *   gen_store DIR     writes them into DIR (created); exit 0 or 1.
 *
 * The random bytes come from a fixed xorshift, so the corpus is the same
 * on every run.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store.h"

static uint64_t rng = 0x9e3779b97f4a7c15u;

static unsigned rnd(void)
{
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (unsigned)(rng >> 32);
}

static int fill(struct store *s, uint32_t run, unsigned n_links)
{
  struct store_site site;
  struct store_host h;
  struct store_probe p;
  char url[96], home[64];
  unsigned i, j;
  int rc = STORE_OK;

  for (i = 0; i < 3 && rc == STORE_OK; i++) {
    memset(&site, 0, sizeof site);
    snprintf(home, sizeof home, "http://s%u.example/", i);
    site.idx = i;
    site.start_url = home;
    site.final_url = home;
    rc = store_site_put(s, run, &site);
    memset(&h, 0, sizeof h);
    snprintf(url, sizeof url, "s%u.example", i);
    h.name = url;
    h.a = (char *)"192.0.2.1";
    h.aaaa = i ? (char *)"2001:db8::1" : NULL;
    if (rc == STORE_OK)
      rc = store_host_put(s, run, &h);
    if (rc == STORE_OK)
      rc = store_link_put(s, run, i, home, 1, 1, LINK_HTTP, NULL);
    for (j = 0; j < n_links && rc == STORE_OK; j++) {
      snprintf(url, sizeof url, "http://s%u.example/page/%u.html", i, j);
      rc = store_link_put(s, run, i, url, 2 + j % 2, 1, LINK_HTTP, home);
      if (rc == STORE_OK)
        rc = store_edge_put(s, run, i, home, url);
      memset(&p, 0, sizeof p);
      p.url = url;
      p.klass = j % 3 ? CLASS_OK : CLASS_NO_AAAA;
      p.v4.ok = 1;
      p.v4.status = 200;
      p.v6.ok = j % 3 != 0;
      p.v6.status = p.v6.ok ? 200 : 0;
      if (rc == STORE_OK)
        rc = store_probe_put(s, run, &p);
    }
  }
  return rc;
}

static unsigned char *slurp(const char *path, size_t *n)
{
  FILE *f = fopen(path, "rb");
  unsigned char *b = NULL;
  long len;

  if (!f)
    return NULL;
  if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) > 0 &&
      fseek(f, 0, SEEK_SET) == 0 && (b = malloc((size_t)len)) &&
      fread(b, 1, (size_t)len, f) == (size_t)len)
    *n = (size_t)len;
  else {
    free(b);
    b = NULL;
  }
  fclose(f);
  return b;
}

static int emit(const char *dir, const char *name, const unsigned char *b,
                size_t n)
{
  char path[4096];
  FILE *f;
  int ok;

  snprintf(path, sizeof path, "%s/%s", dir, name);
  f = fopen(path, "wb");
  if (!f)
    return -1;
  ok = fwrite(b, 1, n, f) == n;
  return fclose(f) == 0 && ok ? 0 : -1;
}

int main(int argc, char **argv)
{
  char tmp[] = "/tmp/gen_store.XXXXXX", path[128], name[64];
  struct store *s = NULL;
  unsigned char *b = NULL, *c = NULL;
  size_t n = 0, ps = 4096, pages, i, k;
  uint32_t run = 0;
  int rc = 1, seed;

  if (argc != 2 || (mkdir(argv[1], 0755) != 0 && access(argv[1], W_OK)))
    return 1;
  if (!mkdtemp(tmp))
    return 1;
  snprintf(path, sizeof path, "%s/db", tmp);
  if (store_open(path, 0, 0, &s) != STORE_OK)
    goto out;
  for (i = 0; i < 2; i++)
    if (store_run_new(s, 1000 + (int64_t)i, 1, "--depth 3", &run) ||
        fill(s, run, 40) || store_run_finish(s, run, 2000, 1) || store_flush(s))
      goto out;
  store_close(s);
  s = NULL;
  snprintf(path, sizeof path, "%s/db/data.mdb", tmp);
  b = slurp(path, &n);
  if (!b || n < 4 * ps || !(c = malloc(n)))
    goto out;
  pages = n / ps;
  if (emit(argv[1], "pristine", b, n) ||
      emit(argv[1], "trunc-half", b, n / 2) ||
      emit(argv[1], "trunc-8k", b, 2 * ps) ||
      emit(argv[1], "trunc-odd", b, n - ps - ps / 2))
    goto out;
  for (i = 0; i < 2; i++) {
    memcpy(c, b, n);
    c[i * ps + 16] ^= 0xff;
    snprintf(name, sizeof name, "meta-%zu", i);
    if (emit(argv[1], name, c, n))
      goto out;
  }
  for (i = 2; i < pages; i++) {
    memcpy(c, b, n);
    for (k = 0; k < ps; k++)
      c[i * ps + k] = (unsigned char)rnd();
    snprintf(name, sizeof name, "page-%zu", i);
    if (emit(argv[1], name, c, n))
      goto out;
  }
  for (seed = 0; seed < 8; seed++) {
    memcpy(c, b, n);
    for (i = 0; i < 5; i++) {
      size_t pg = 2 + rnd() % (pages - 2);
      for (k = 0; k < 16; k++)
        c[pg * ps + rnd() % ps] = (unsigned char)rnd();
    }
    snprintf(name, sizeof name, "flip-5-%d", seed);
    if (emit(argv[1], name, c, n))
      goto out;
  }
  rc = 0;
out:
  store_close(s);
  free(b);
  free(c);
  snprintf(path, sizeof path, "%s/db/data.mdb", tmp);
  unlink(path);
  snprintf(path, sizeof path, "%s/db/lock.mdb", tmp);
  unlink(path);
  snprintf(path, sizeof path, "%s/db/v6crawl.lock", tmp);
  unlink(path);
  snprintf(path, sizeof path, "%s/db", tmp);
  rmdir(path);
  rmdir(tmp);
  return rc;
}
