/* cli/merge.c - `v6crawl merge --db CENTRAL SHARD_STORE...`: one night's
 * shard stores into one run of the central store (store_merge), each
 * shard's fate a line on stdout. */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "store/store.h"

static int merge_opt(void *ud, int id, const char *arg)
{
  if (id != OPT_LABEL)
    return EXIT_USAGE;
  if (cli_label_check(arg) < 0)
    return EXIT_USAGE;
  *(const char **)ud = arg;
  return -1;
}

/* "shard 2/4, shard 3/4" of the @n shards @v of @of into @o. */
static void shards_list(FILE *o, const uint32_t *v, uint32_t n, uint32_t of)
{
  uint32_t i;

  for (i = 0; i < n; i++)
    fprintf(o, "%sshard %u/%u", i ? ", " : "", v[i], of);
}

/* One line per shard store given. */
static void merge_lines(const struct store_merge_src *src, size_t n,
                        const char *label)
{
  size_t i;

  for (i = 0; i < n; i++) {
    const struct store_merge_src *x = &src[i];
    if (x->rc == STORE_NOTFOUND)
      printf("%s: no run of the night %s\n", cli_tx(x->dir), cli_tx(label));
    else if (x->rc)
      printf("%s: cannot read the store: %s\n", cli_tx(x->dir),
             store_strerror(x->rc));
    else
      printf("shard %u/%u  %s run %u  %u site%s  %s  %s\n", x->k, x->n,
             cli_tx(x->dir), x->run, x->nsites, x->nsites == 1 ? "" : "s",
             x->complete ? "complete" : "incomplete",
             x->imported ? "merged" : "merged before");
  }
}

/* Two paths naming one directory. */
static int same_dir(const char *a, const char *b)
{
  char ra[PATH_MAX], rb[PATH_MAX];

  return realpath(a, ra) && realpath(b, rb) && strcmp(ra, rb) == 0;
}

int cmd_merge(int argc, char **argv)
{
  struct store_merge_src *src = NULL;
  struct store_merge_res res;
  struct store *st = NULL;
  const char *label = NULL;
  struct cli_args a;
  char *db = NULL;
  size_t n, i;
  int rc, src_rc;

  memset(&res, 0, sizeof res);
  rc = cli_args_parse(CMD_MERGE, argc, argv, &a, merge_opt, &label);
  if (rc >= 0)
    return rc;
  if (a.first >= argc) {
    cli_usage_err(CMD_MERGE, "merge: give the shard stores to merge");
    return EXIT_USAGE;
  }
  n = (size_t)(argc - a.first);
  src = calloc(n, sizeof *src);
  db = cli_db_path(a.db, 1);
  if (!src || !db) {
    cli_err("out of memory");
    rc = EXIT_INTERNAL;
    goto out;
  }
  for (i = 0; i < n; i++) {
    src[i].dir = argv[a.first + (int)i];
    if (same_dir(src[i].dir, db)) {
      cli_err("merge: %s is the central store itself", cli_tx(src[i].dir));
      rc = EXIT_USAGE;
      goto out;
    }
  }
  /* the central store is made by the first merge, as crawl makes one */
  src_rc = store_open(db, 0, 0, &st);
  if (src_rc != STORE_OK) {
    cli_err("cannot open the store %s: %s", cli_tx(db), store_strerror(src_rc));
    rc = src_rc == STORE_NOMEM ? EXIT_INTERNAL : EXIT_STORE;
    goto out;
  }
  src_rc = store_merge(st, label, src, n, &res);
  if (src_rc == STORE_MISMATCH) {
    cli_err("merge: %s", cli_tx(res.why));
    rc = EXIT_USAGE;
    goto out;
  }
  if (src_rc == STORE_NOTFOUND) {
    merge_lines(src, n, label ? label : "asked for");
    cli_err("merge: no shard store has a run of the night %s: nothing "
            "merged",
            label ? cli_tx(label) : "(none labelled)");
    rc = EXIT_USAGE;
    goto out;
  }
  if (src_rc != STORE_OK) {
    cli_err("merge: the store %s: %s", cli_tx(db), store_strerror(src_rc));
    rc = EXIT_STORE;
    goto out;
  }
  {
    struct store_shard sh;
    if (store_shard_get(st, res.run, &sh) == STORE_OK) {
      merge_lines(src, n, sh.label);
      printf("run %u (night %s): %u of %u shard%s merged, %s\n", res.run,
             cli_tx(sh.label), res.have, res.n, res.n == 1 ? "" : "s",
             res.complete ? "complete" : "incomplete");
      store_shard_cleanup(&sh);
    }
  }
  rc = EXIT_OKAY;
  if (!res.complete) {
    fprintf(stderr, "v6crawl: merge: run %u stays incomplete until ", res.run);
    if (res.nmissing) {
      fputs("the missing ", stderr);
      shards_list(stderr, res.missing, res.nmissing, res.n);
    }
    if (res.nmissing && res.npartial)
      fputs(" and ", stderr);
    if (res.npartial) {
      fputs("the incomplete ", stderr);
      shards_list(stderr, res.partial, res.npartial, res.n);
      fputs(" (resume it)", stderr);
    }
    fputs(" arrive\n", stderr);
    rc = EXIT_PARTIAL;
  }
  for (i = 0; i < n; i++)
    if (src[i].rc && src[i].rc != STORE_NOTFOUND)
      cli_err("merge: cannot read the shard store %s: %s", cli_tx(src[i].dir),
              store_strerror(src[i].rc));
out:
  if (fflush(stdout) != 0 && rc == EXIT_OKAY)
    rc = EXIT_USAGE;
  store_merge_res_cleanup(&res);
  store_close(st);
  free(db);
  free(src);
  return rc;
}
