/* cli/check.c - `v6crawl check [--db DIR] [--repair]`: what store_check
 * finds, a line per problem and a summary. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "store/store.h"

static int check_opt(void *ud, int id, const char *arg)
{
  (void)arg;
  if (id != OPT_REPAIR)
    return EXIT_USAGE;
  *(int *)ud = 1;
  return -1;
}

static int issue_print(const struct store_issue *is, void *ud)
{
  (void)ud;
  switch (is->kind) {
    case STORE_ISSUE_DAMAGED:
    case STORE_ISSUE_DANGLING:
      if (is->key)
        printf("%s: %s record (key %s): %s\n", is->db,
               is->kind == STORE_ISSUE_DAMAGED ? "damaged" : "dangling",
               is->key, is->what);
      else
        printf("%s: damaged: %s\n", is->db, is->what);
      break;
    case STORE_ISSUE_COUNT:
      if (is->run)
        printf("%s: run %u: %s\n", is->db, is->run, is->what);
      else
        printf("%s: damaged: %s (LMDB counts %" PRIu64 ")\n", is->db, is->what,
               is->n);
      break;
    default:
      printf("%s: %" PRIu64 " orphan record%s of run %u (no such run)%s\n",
             is->db, is->n, is->n == 1 ? "" : "s", is->run,
             is->repaired ? ": removed" : "");
      break;
  }
  return 0;
}

int cmd_check(int argc, char **argv)
{
  struct store_check_stats cs;
  struct cli_args a;
  struct store *st = NULL;
  char *db = NULL;
  int repair = 0, rc, src;

  rc = cli_args_parse(CMD_CHECK, argc, argv, &a, check_opt, &repair);
  if (rc >= 0)
    return rc;
  rc = cli_store_open(a.db, !repair, &st, &db);
  if (rc != EXIT_OKAY)
    goto out;
  src = store_check(st, repair, issue_print, NULL, &cs);
  if (src != STORE_OK && cs.damaged && src != STORE_NOMEM) {
    cli_err("cannot check the rest of the store %s: LMDB cannot read past "
            "the damage (%s)",
            db, store_strerror(src));
    rc = EXIT_STORE;
    goto out;
  }
  if (src != STORE_OK) {
    cli_err("cannot check the store %s: %s", db, store_strerror(src));
    rc = src == STORE_NOMEM ? EXIT_INTERNAL : EXIT_STORE;
    goto out;
  }
  printf("checked %u databases, %" PRIu64 " records: %" PRIu64
         " damaged, %" PRIu64 " dangling, %" PRIu64 " orphans (%" PRIu64
         " removed)\n",
         cs.dbs, cs.records, cs.damaged, cs.dangling, cs.orphans, cs.removed);
  if (cs.damaged || cs.dangling || cs.orphans > cs.removed) {
    cli_err("the store %s is damaged%s", db,
            cs.damaged || cs.dangling ? ": restore it from a copy, or crawl "
                                        "again into a new store"
                                      : ": run check --repair");
    rc = EXIT_STORE;
  } else {
    printf("the store %s is sound\n", db);
  }
out:
  store_close(st);
  free(db);
  return rc;
}
