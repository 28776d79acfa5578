/* tests/unit/check_shard.c - the shard record of a run (store/shard.c). */
#include "config.h"

#include <check.h>
#include <lmdb.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "tests/unit/check_run.h"
#include "tests/unit/check_tmp.h"

static void setup(void)
{
  tmp_setup("check_shard");
}

static void teardown(void)
{
  tmp_teardown();
}

START_TEST(shard_record_round_trip)
{
  struct store *s = NULL;
  struct store_shard sh, got;
  uint32_t run = 0, idx[3] = {7, 2, 11};

  ck_assert_int_eq(store_open(g_db, 0, 1u << 20, &s), STORE_OK);
  ck_assert_int_eq(store_run_new(s, 100, 1, NULL, &run), STORE_OK);
  memset(&sh, 0, sizeof sh);
  sh.label = (char *)"night-1";
  sh.k = 2;
  sh.n = 4;
  sh.total = 12;
  sh.index = idx;
  sh.nsites = 3;
  ck_assert_int_eq(store_shard_put(s, run, &sh), STORE_OK);
  ck_assert_int_eq(store_flush(s), STORE_OK);
  store_close(s);
  ck_assert_int_eq(store_open(g_db, STORE_RDONLY, 0, &s), STORE_OK);
  ck_assert_int_eq(store_shard_get(s, run, &got), STORE_OK);
  ck_assert_str_eq(got.label, "night-1");
  ck_assert_uint_eq(got.k, 2);
  ck_assert_uint_eq(got.n, 4);
  ck_assert_uint_eq(got.total, 12);
  ck_assert_int_eq(got.merged, 0);
  ck_assert_uint_eq(got.nsites, 3);
  ck_assert_uint_eq(got.index[0], 7);
  ck_assert_uint_eq(got.index[1], 2);
  ck_assert_uint_eq(got.index[2], 11);
  store_shard_cleanup(&got);
  ck_assert_ptr_null(got.label);
  ck_assert_int_eq(store_shard_get(s, run + 1, &got), STORE_NOTFOUND);
  store_close(s);
}
END_TEST

START_TEST(shard_record_refuses_bad_input)
{
  struct store *s = NULL;
  struct store_shard sh;
  uint32_t run = 0;

  ck_assert_int_eq(store_open(g_db, 0, 1u << 20, &s), STORE_OK);
  ck_assert_int_eq(store_run_new(s, 100, 1, NULL, &run), STORE_OK);
  memset(&sh, 0, sizeof sh);
  sh.label = (char *)"x";
  sh.k = 1;
  sh.n = 1; /* k must be below n */
  ck_assert_int_eq(store_shard_put(s, run, &sh), STORE_INVALID);
  sh.k = 0;
  sh.label = (char *)"a\nb";
  ck_assert_int_eq(store_shard_put(s, run, &sh), STORE_INVALID);
  sh.label = (char *)"";
  ck_assert_int_eq(store_shard_put(s, run, &sh), STORE_INVALID);
  sh.label = (char *)"ok";
  sh.nsites = 2; /* and no index */
  ck_assert_int_eq(store_shard_put(s, run, &sh), STORE_INVALID);
  sh.nsites = 0;
  ck_assert_int_eq(store_shard_put(s, run, &sh), STORE_OK);
  ck_assert_int_eq(store_shard_put(NULL, run, &sh), STORE_INVALID);
  store_close(s);
}
END_TEST

/* A runs page that LMDB reads as fewer runs is damage, not fewer runs:
 * the shard records say which runs exist. */
START_TEST(shard_records_find_runs_gone_missing)
{
  struct store *s = NULL;
  struct store_shard sh;
  struct store_run *runs = (void *)1;
  MDB_env *env = NULL;
  MDB_txn *txn = NULL;
  MDB_dbi dbi;
  unsigned char kb[4] = {0, 0, 0, 1};
  MDB_val k = {4, kb};
  uint32_t run = 0, latest = 0;
  size_t n = 9;

  ck_assert_int_eq(store_open(g_db, 0, 1u << 20, &s), STORE_OK);
  ck_assert_int_eq(store_run_new(s, 100, 1, NULL, &run), STORE_OK);
  ck_assert_uint_eq(run, 1);
  memset(&sh, 0, sizeof sh);
  sh.label = (char *)"n";
  sh.n = 1;
  ck_assert_int_eq(store_shard_put(s, run, &sh), STORE_OK);
  store_close(s);
  ck_assert_int_eq(store_open(g_db, STORE_RDONLY, 0, &s), STORE_OK);
  ck_assert_int_eq(store_runs_list(s, &runs, &n), STORE_OK);
  ck_assert_uint_eq(n, 1);
  store_runs_free(runs, n);
  store_close(s);
  /* the run record vanishes (as behind a damaged page), its shard stays */
  ck_assert_int_eq(mdb_env_create(&env), 0);
  ck_assert_int_eq(mdb_env_set_maxdbs(env, 32), 0);
  ck_assert_int_eq(mdb_env_open(env, g_db, 0, 0644), 0);
  ck_assert_int_eq(mdb_txn_begin(env, NULL, 0, &txn), 0);
  ck_assert_int_eq(mdb_dbi_open(txn, "runs", 0, &dbi), 0);
  ck_assert_int_eq(mdb_del(txn, dbi, &k, NULL), 0);
  ck_assert_int_eq(mdb_txn_commit(txn), 0);
  mdb_env_close(env);
  ck_assert_int_eq(store_open(g_db, STORE_RDONLY, 0, &s), STORE_OK);
  ck_assert_int_eq(store_runs_list(s, &runs, &n), STORE_CORRUPT);
  ck_assert_ptr_null(runs);
  ck_assert_uint_eq(n, 0);
  ck_assert_int_eq(store_run_latest(s, &latest), STORE_CORRUPT);
  store_close(s);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("shard");
  TCase *tc = tcase_create("record");

  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, shard_record_round_trip);
  tcase_add_test(tc, shard_record_refuses_bad_input);
  tcase_add_test(tc, shard_records_find_runs_gone_missing);
  suite_add_tcase(s, tc);
  return check_run(s);
}
