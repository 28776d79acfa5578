/* tests/unit/check_store.c - the LMDB store, against real files in a
 * mkdtemp directory (removed after each test). Tiny maps provoke
 * STORE_FULL; forked children play the killed writer and the other
 * process; the raw LMDB API plays a newer v6crawl and a damaged record. */
#include "config.h"

#include "store/store.h"
#include "store/store_int.h"
#include "tests/unit/check_run.h"
#include "tests/unit/check_tmp.h"

#include <check.h>
#include <errno.h>
#include <ftw.h>
#include <lmdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define TINY_MAP ((size_t)128 * 1024)

static void setup(void)
{
  tmp_setup("check_store");
}

static void teardown(void)
{
  tmp_teardown();
}

static struct store *open_db(size_t map)
{
  struct store *s = NULL;

  ck_assert_int_eq(store_open(g_db, 0, map, &s), STORE_OK);
  ck_assert_ptr_nonnull(s);
  return s;
}

/* CRC-32C bit by bit (polynomial 0x82f63b78 reflected): the checksum
 * every record ends in, computed here by hand. */
static uint32_t t_crc32c(uint32_t crc, const void *data, size_t n)
{
  const unsigned char *p = data;
  size_t i;
  int j;

  crc = ~crc;
  for (i = 0; i < n; i++) {
    crc ^= p[i];
    for (j = 0; j < 8; j++)
      crc = crc & 1 ? (crc >> 1) ^ 0x82f63b78u : crc >> 1;
  }
  return ~crc;
}

/* The checksum of record @key -> @val of database @db, big-endian, into
 * @out: CRC-32C of the database's name, the key and the value. */
static void t_sum(const char *db, const void *key, size_t klen, const void *val,
                  size_t vlen, unsigned char out[4])
{
  uint32_t c =
    t_crc32c(t_crc32c(t_crc32c(0, db, strlen(db)), key, klen), val, vlen);

  out[0] = (unsigned char)(c >> 24);
  out[1] = (unsigned char)(c >> 16);
  out[2] = (unsigned char)(c >> 8);
  out[3] = (unsigned char)c;
}

/* Put @val under @key in database @db through the raw LMDB API, as it is
 * on disk: with its checksum when @sum, else bare (schema 1). */
static void raw_put_as(const char *db, const void *key, size_t klen,
                       const void *val, size_t vlen, int sum)
{
  MDB_env *env = NULL;
  MDB_txn *txn = NULL;
  MDB_dbi dbi;
  unsigned char buf[4096];
  MDB_val k = {klen, (void *)key}, v = {vlen, buf};

  ck_assert_uint_le(vlen + 4, sizeof buf);
  memcpy(buf, val, vlen);
  if (sum) {
    t_sum(db, key, klen, val, vlen, buf + vlen);
    v.mv_size += 4;
  }

  ck_assert_int_eq(mdb_env_create(&env), 0);
  ck_assert_int_eq(mdb_env_set_maxdbs(env, 32), 0);
  ck_assert_int_eq(mdb_env_open(env, g_db, 0, 0644), 0);
  ck_assert_int_eq(mdb_txn_begin(env, NULL, 0, &txn), 0);
  ck_assert_int_eq(mdb_dbi_open(txn, db, MDB_CREATE, &dbi), 0);
  ck_assert_int_eq(mdb_put(txn, dbi, &k, &v, 0), 0);
  ck_assert_int_eq(mdb_txn_commit(txn), 0);
  mdb_env_close(env);
}

static void raw_put(const char *db, const void *key, size_t klen,
                    const void *val, size_t vlen)
{
  raw_put_as(db, key, klen, val, vlen, 1);
}

/* ---- collecting store_links_each rows ---------------------------------- */

struct got {
  uint32_t site;
  char url[2100];
  char parent[128]; /* "" for NULL */
  int level, internal, kind, klass;
  int v6_status; /* -1 without a probe */
  char host[64]; /* "" without a host */
  int usable_aaaa;
};

struct rows {
  struct got r[32];
  size_t n;
  size_t stop_after; /* 0: never stop */
};

static int collect(const struct store_link_row *row, void *ud)
{
  struct rows *rs = ud;
  struct got *g;

  ck_assert_uint_lt(rs->n, 32);
  g = &rs->r[rs->n++];
  memset(g, 0, sizeof *g);
  g->site = row->site;
  snprintf(g->url, sizeof g->url, "%s", row->url);
  snprintf(g->parent, sizeof g->parent, "%s", row->parent ? row->parent : "");
  g->level = row->level;
  g->internal = row->internal;
  g->kind = row->kind;
  g->klass = row->klass;
  g->v6_status = row->probe ? row->probe->v6.status : -1;
  if (row->probe)
    ck_assert_str_eq(row->probe->url, row->url);
  if (row->host) {
    snprintf(g->host, sizeof g->host, "%s", row->host->name);
    g->usable_aaaa = row->host->usable_aaaa;
  }
  if (rs->stop_after && rs->n == rs->stop_after)
    return 7;
  return 0;
}

static int count_cb(const struct store_link_row *row, void *ud)
{
  (void)row;
  ++*(size_t *)ud;
  return 0;
}

static size_t n_links(struct store *s, uint32_t run, uint32_t site)
{
  size_t n = 0;

  ck_assert_int_eq(store_links_each(s, run, site, count_cb, &n), STORE_OK);
  return n;
}

static void probe_set(struct store_probe *p, const char *url, int klass,
                      int v6_status, int v4_status)
{
  memset(p, 0, sizeof *p);
  p->url = (char *)url;
  p->klass = klass;
  p->v6.status = v6_status;
  p->v6.ok = v6_status > 0 && v6_status < 400;
  p->v4.status = v4_status;
  p->v4.ok = v4_status > 0 && v4_status < 400;
}

/* ---- runs ---------------------------------------------------------------- */

START_TEST(store_run_ids_increase)
{
  struct store *s = open_db(0);
  struct store_run *runs = NULL;
  uint32_t id = 0;
  size_t n = 0, i;

  ck_assert_int_eq(store_run_latest(s, &id), STORE_NOTFOUND);
  for (i = 1; i <= 3; i++) {
    ck_assert_int_eq(store_run_new(s, 1000 + (int64_t)i, 1, NULL, &id),
                     STORE_OK);
    ck_assert_uint_eq(id, i);
  }
  ck_assert_int_eq(store_run_latest(s, &id), STORE_OK);
  ck_assert_uint_eq(id, 3);
  ck_assert_int_eq(store_flush(s), STORE_OK);
  store_close(s);

  s = open_db(0);
  ck_assert_int_eq(store_run_new(s, 2000, 0, "x", &id), STORE_OK);
  ck_assert_uint_eq(id, 4);
  ck_assert_int_eq(store_runs_list(s, &runs, &n), STORE_OK);
  ck_assert_uint_eq(n, 4);
  for (i = 0; i < 4; i++)
    ck_assert_uint_eq(runs[i].id, i + 1);
  ck_assert_int_eq(runs[0].started, 1001);
  ck_assert_int_eq(runs[3].started, 2000);
  ck_assert_str_eq(runs[3].options, "x");
  ck_assert_ptr_null(runs[0].options);
  store_runs_free(runs, n);
  store_close(s);
}
END_TEST

/* What the crawler flushes by besides time: the records written in the
 * open transaction, 0 after a flush and with no transaction. */
START_TEST(store_pending_counts_writes_until_the_flush)
{
  struct store *s = open_db(0);
  struct store_site site = {0};
  struct store_run r;
  uint32_t id = 0;
  size_t before, i;

  ck_assert_uint_eq(store_pending(NULL), 0);
  ck_assert_uint_eq(store_pending(s), 0);
  ck_assert_int_eq(store_run_new(s, 1000, 1, NULL, &id), STORE_OK);
  before = store_pending(s);
  ck_assert_uint_ge(before, 1);
  site.start_url = (char *)"http://a.example/";
  for (i = 0; i < 5; i++) {
    site.idx = (uint32_t)i;
    ck_assert_int_eq(store_site_put(s, id, &site), STORE_OK);
    ck_assert_uint_eq(store_pending(s), before + i + 1); /* one record each */
  }
  ck_assert_int_eq(store_flush(s), STORE_OK);
  ck_assert_uint_eq(store_pending(s), 0);
  /* reading writes nothing */
  ck_assert_int_eq(store_run_get(s, id, &r), STORE_OK);
  store_run_cleanup(&r);
  ck_assert_uint_eq(store_pending(s), 0);
  store_close(s);
}
END_TEST

START_TEST(store_run_roundtrip_finish_and_site_count)
{
  struct store *s = open_db(0);
  struct store_run r;
  struct store_site site = {0};
  uint32_t id = 0, id2 = 0;

  ck_assert_int_eq(store_run_new(s, 1700000000, -1, "--depth 3", &id),
                   STORE_OK);
  ck_assert_int_eq(store_run_get(s, id, &r), STORE_OK);
  ck_assert_uint_eq(r.id, id);
  ck_assert_int_eq(r.started, 1700000000);
  ck_assert_int_eq(r.finished, 0);
  ck_assert_int_eq(r.complete, 0);
  ck_assert_int_eq(r.vantage_ipv6, -1);
  ck_assert_uint_eq(r.n_sites, 0);
  ck_assert_str_eq(r.options, "--depth 3");
  store_run_cleanup(&r);

  site.start_url = (char *)"http://a.example/";
  site.idx = 0;
  ck_assert_int_eq(store_site_put(s, id, &site), STORE_OK);
  site.idx = 1;
  ck_assert_int_eq(store_site_put(s, id, &site), STORE_OK);
  ck_assert_int_eq(store_site_put(s, id, &site), STORE_OK); /* replace */
  ck_assert_int_eq(store_run_finish(s, id, 1700000100, 1), STORE_OK);
  ck_assert_int_eq(store_run_new(s, 5, 1, NULL, &id2), STORE_OK);
  ck_assert_int_eq(store_flush(s), STORE_OK);
  store_close(s);

  s = open_db(0);
  ck_assert_int_eq(store_run_get(s, id, &r), STORE_OK);
  ck_assert_int_eq(r.started, 1700000000);
  ck_assert_int_eq(r.finished, 1700000100);
  ck_assert_int_eq(r.complete, 1);
  ck_assert_int_eq(r.vantage_ipv6, -1);
  ck_assert_uint_eq(r.n_sites, 2);
  ck_assert_str_eq(r.options, "--depth 3");
  store_run_cleanup(&r);
  ck_assert_int_eq(store_run_get(s, id2, &r), STORE_OK);
  ck_assert_int_eq(r.vantage_ipv6, 1);
  ck_assert_uint_eq(r.n_sites, 0);
  ck_assert_ptr_null(r.options);
  store_run_cleanup(&r);
  ck_assert_int_eq(store_run_get(s, 99, &r), STORE_NOTFOUND);
  ck_assert_ptr_null(r.options);
  ck_assert_int_eq(store_run_finish(s, 99, 1, 1), STORE_NOTFOUND);
  store_close(s);
}
END_TEST

/* ---- sites --------------------------------------------------------------- */

START_TEST(store_sites_list_in_idx_order_with_null_fields)
{
  struct store *s = open_db(0);
  struct store_site a = {0}, *v = NULL;
  uint32_t run = 0;
  size_t n = 9;

  ck_assert_int_eq(store_run_new(s, 1, 1, NULL, &run), STORE_OK);
  a.idx = 2;
  a.start_url = (char *)"https://www.beijing.gov.cn/";
  a.final_url = (char *)"https://www.beijing.gov.cn/index.html";
  a.scope_domain = (char *)"beijing.gov.cn";
  a.name = (char *)"北京";
  a.unit = (char *)"市政府";
  a.error = NULL;
  ck_assert_int_eq(store_site_put(s, run, &a), STORE_OK);
  memset(&a, 0, sizeof a);
  a.idx = 0;
  a.start_url = (char *)"http://old/";
  ck_assert_int_eq(store_site_put(s, run, &a), STORE_OK);
  a.start_url = (char *)"http://x.edu.cn/";
  a.scope_domain = (char *)"x.edu.cn";
  a.error = (char *)"timeout";
  ck_assert_int_eq(store_site_put(s, run, &a), STORE_OK);
  memset(&a, 0, sizeof a);
  a.idx = 1;
  a.start_url = (char *)"";
  ck_assert_int_eq(store_site_put(s, run, &a), STORE_OK);

  ck_assert_int_eq(store_sites_list(s, run, &v, &n), STORE_OK);
  ck_assert_uint_eq(n, 3);
  ck_assert_uint_eq(v[0].idx, 0);
  ck_assert_str_eq(v[0].start_url, "http://x.edu.cn/");
  ck_assert_ptr_null(v[0].final_url);
  ck_assert_str_eq(v[0].scope_domain, "x.edu.cn");
  ck_assert_ptr_null(v[0].name);
  ck_assert_ptr_null(v[0].unit);
  ck_assert_str_eq(v[0].error, "timeout");
  ck_assert_uint_eq(v[1].idx, 1);
  ck_assert_str_eq(v[1].start_url, "");
  ck_assert_ptr_null(v[1].scope_domain);
  ck_assert_uint_eq(v[2].idx, 2);
  ck_assert_str_eq(v[2].final_url, "https://www.beijing.gov.cn/index.html");
  ck_assert_str_eq(v[2].name, "北京");
  ck_assert_str_eq(v[2].unit, "市政府");
  ck_assert_ptr_null(v[2].error);
  store_sites_free(v, n);

  ck_assert_int_eq(store_sites_list(s, run + 1, &v, &n), STORE_OK);
  ck_assert_uint_eq(n, 0);
  store_sites_free(v, n);
  store_close(s);
}
END_TEST

/* ---- links and edges ----------------------------------------------------- */

START_TEST(store_link_first_seen_wins)
{
  struct store *s = open_db(0);
  static struct rows rs;
  uint32_t run = 0;

  memset(&rs, 0, sizeof rs);
  ck_assert_int_eq(store_run_new(s, 1, 1, NULL, &run), STORE_OK);
  ck_assert_int_eq(
    store_link_put(s, run, 0, "http://h.example/", 1, 1, LINK_HTTP, NULL),
    STORE_OK);
  ck_assert_int_eq(store_link_put(s, run, 0, "http://h.example/a", 2, 1,
                                  LINK_HTTP, "http://h.example/"),
                   STORE_OK);
  ck_assert_int_eq(store_flush(s), STORE_OK);
  /* seen again, deeper, from elsewhere, as external and another kind */
  ck_assert_int_eq(store_link_put(s, run, 0, "http://h.example/a", 3, 0,
                                  LINK_OTHER, "http://h.example/b"),
                   STORE_OK);
  /* the same URL is a distinct link of another site */
  ck_assert_int_eq(store_link_put(s, run, 1, "http://h.example/a", 3, 0,
                                  LINK_HTTP, "http://h.example/b"),
                   STORE_OK);

  ck_assert_int_eq(store_links_each(s, run, 0, collect, &rs), STORE_OK);
  ck_assert_uint_eq(rs.n, 2);
  ck_assert_str_eq(rs.r[1].url, "http://h.example/a");
  ck_assert_int_eq(rs.r[1].level, 2);
  ck_assert_int_eq(rs.r[1].internal, 1);
  ck_assert_int_eq(rs.r[1].kind, LINK_HTTP);
  ck_assert_str_eq(rs.r[1].parent, "http://h.example/");
  memset(&rs, 0, sizeof rs);
  ck_assert_int_eq(store_links_each(s, run, 1, collect, &rs), STORE_OK);
  ck_assert_uint_eq(rs.n, 1);
  ck_assert_int_eq(rs.r[0].level, 3);
  ck_assert_str_eq(rs.r[0].parent, "http://h.example/b");
  store_close(s);
}
END_TEST

/* --render: the renders of a site's pages, and the links only rendering
 * found: those the crawl without it would not reach, breadth first from
 * the level-1 links along the edges that are not a DOM's own. */
START_TEST(store_render_only_walks_the_edges_as_served)
{
  struct store *s = open_db(0);
  struct store_render r = {0}, *v = NULL;
  uint32_t run = 0;
  unsigned n = 99;
  size_t k = 9;

  ck_assert_int_eq(store_run_new(s, 1, 1, NULL, &run), STORE_OK);
  ck_assert_int_eq(store_render_only(s, run, 0, 3, &n), STORE_OK);
  ck_assert_uint_eq(n, 0); /* no renders */
  ck_assert_int_eq(store_link_put(s, run, 0, "http://h/", 1, 1, 0, NULL),
                   STORE_OK);
  ck_assert_int_eq(
    store_link_put(s, run, 0, "http://h/a", 2, 1, 0, "http://h/"), STORE_OK);
  ck_assert_int_eq(
    store_link_put(s, run, 0, "http://h/m", 2, 1, 0, "http://h/"), STORE_OK);
  ck_assert_int_eq(
    store_link_put(s, run, 0, "http://h/d", 3, 1, 0, "http://h/m"), STORE_OK);
  ck_assert_int_eq(
    store_link_put(s, run, 0, "http://h/e", 3, 1, 0, "http://h/a"), STORE_OK);
  ck_assert_int_eq(
    store_link_put(s, run, 0, "http://h/f", 3, 1, 0, "http://h/m"), STORE_OK);
  ck_assert_int_eq(store_edge_put(s, run, 0, "http://h/", "http://h/a"),
                   STORE_OK);
  ck_assert_int_eq(store_edge_put(s, run, 0, "http://h/", "http://h/m"),
                   STORE_OK);
  ck_assert_int_eq(store_edge_put(s, run, 0, "http://h/m", "http://h/d"),
                   STORE_OK);
  ck_assert_int_eq(store_edge_put(s, run, 0, "http://h/m", "http://h/f"),
                   STORE_OK);
  ck_assert_int_eq(store_edge_put(s, run, 0, "http://h/a", "http://h/e"),
                   STORE_OK);
  ck_assert_int_eq(store_edge_put(s, run, 0, "http://h/a", "http://h/f"),
                   STORE_OK);
  /* the homepage's DOM adds h/m; a's adds h/e; m's has h/f (a has it
   * as served) */
  r.url = (char *)"http://h/";
  r.served = 1;
  r.rendered = 2;
  r.ms = 1500.5;
  r.only = (char *)"http://h/m";
  ck_assert_int_eq(store_render_put(s, run, 0, &r), STORE_OK);
  r.url = (char *)"http://h/a";
  r.only = (char *)"http://h/e\nhttp://h/never-a-link";
  ck_assert_int_eq(store_render_put(s, run, 0, &r), STORE_OK);
  r.url = (char *)"http://h/m";
  r.only = (char *)"http://h/f";
  ck_assert_int_eq(store_render_put(s, run, 0, &r), STORE_OK);
  r.url = (char *)"http://h/x";
  r.status = STORE_RENDER_FAILED;
  r.why = (char *)"no DOM";
  r.only = NULL;
  ck_assert_int_eq(store_render_put(s, run, 0, &r), STORE_OK);
  r.status = STORE_RENDER__N;
  ck_assert_int_eq(store_render_put(s, run, 0, &r), STORE_INVALID);

  ck_assert_int_eq(store_render_only(s, run, 0, 3, &n), STORE_OK);
  ck_assert_uint_eq(n, 3); /* h/m, h/d, h/e; h/f is on a as served */
  ck_assert_int_eq(store_render_only(s, run, 0, 2, &n), STORE_OK);
  ck_assert_uint_eq(n, 4); /* --depth 2 would not read a: h/f too */
  ck_assert_int_eq(store_render_only(s, run, 1, 3, &n), STORE_OK);
  ck_assert_uint_eq(n, 0); /* another site */

  ck_assert_int_eq(store_renders_list(s, run, 0, &v, &k), STORE_OK);
  ck_assert_uint_eq(k, 4);
  ck_assert_str_eq(v[0].url, "http://h/");
  ck_assert_int_eq(v[0].status, STORE_RENDER_OK);
  ck_assert_uint_eq(v[0].served, 1);
  ck_assert_uint_eq(v[0].rendered, 2);
  ck_assert(v[0].ms == 1500.5);
  ck_assert_str_eq(v[0].only, "http://h/m");
  ck_assert_ptr_null(v[0].why);
  ck_assert_str_eq(v[3].url, "http://h/x");
  ck_assert_int_eq(v[3].status, STORE_RENDER_FAILED);
  ck_assert_str_eq(v[3].why, "no DOM");
  ck_assert_ptr_null(v[3].only);
  store_renders_free(v, k);
  store_close(s);
}
END_TEST

START_TEST(store_edges_are_idempotent_per_site)
{
  struct store *s = open_db(0);
  size_t n = 9;

  ck_assert_int_eq(store_edge_put(s, 1, 0, "http://a/", "http://b/"), STORE_OK);
  ck_assert_int_eq(store_edge_put(s, 1, 0, "http://a/", "http://b/"), STORE_OK);
  ck_assert_int_eq(store_edge_put(s, 1, 0, "http://b/", "http://a/"), STORE_OK);
  ck_assert_int_eq(store_edge_put(s, 1, 0, "http://a/", "http://a/"), STORE_OK);
  ck_assert_int_eq(store_edge_put(s, 1, 1, "http://a/", "http://b/"), STORE_OK);
  ck_assert_int_eq(store_edge_put(s, 2, 0, "http://a/", "http://b/"), STORE_OK);
  ck_assert_int_eq(store_edges_count(s, 1, 0, &n), STORE_OK);
  ck_assert_uint_eq(n, 3);
  ck_assert_int_eq(store_flush(s), STORE_OK);
  store_close(s);
  s = open_db(0);
  ck_assert_int_eq(store_edge_put(s, 1, 0, "http://b/", "http://a/"), STORE_OK);
  ck_assert_int_eq(store_edges_count(s, 1, 0, &n), STORE_OK);
  ck_assert_uint_eq(n, 3);
  ck_assert_int_eq(store_edges_count(s, 1, 1, &n), STORE_OK);
  ck_assert_uint_eq(n, 1);
  ck_assert_int_eq(store_edges_count(s, 1, 2, &n), STORE_OK);
  ck_assert_uint_eq(n, 0);
  store_close(s);
}
END_TEST

START_TEST(store_invalid_write_keeps_the_batch)
{
  struct store *s = open_db(0);
  uint32_t id = 0;

  ck_assert_int_eq(store_run_new(s, 1, 1, NULL, &id), STORE_OK);
  ck_assert_int_eq(store_link_put(s, id, 0, "", 1, 1, LINK_HTTP, NULL),
                   STORE_INVALID);
  ck_assert_int_eq(store_link_put(s, id, 0, "http://a/", 0, 1, LINK_HTTP, NULL),
                   STORE_INVALID);
  ck_assert_int_eq(store_link_put(s, id, 0, "http://a/", 1, 1, 3, NULL),
                   STORE_INVALID);
  ck_assert_int_eq(store_edge_put(s, id, 0, "http://a/", NULL), STORE_INVALID);
  ck_assert_int_eq(store_run_latest(s, &id), STORE_OK);
  ck_assert_uint_eq(id, 1);
  ck_assert_uint_eq(n_links(s, 1, 0), 0);
  store_close(s);
  s = open_db(0);
  ck_assert_int_eq(store_run_latest(s, &id), STORE_OK);
  ck_assert_uint_eq(id, 1);
  store_close(s);
}
END_TEST

START_TEST(store_long_urls_are_distinct_and_exact)
{
  static char u1[2001], u2[2001];
  struct store *s = open_db(0);
  static struct rows rs;
  struct store_probe p, got;

  memset(&rs, 0, sizeof rs);
  memcpy(u1, "http://long.example/", 20);
  memset(u1 + 20, 'x', 1979);
  memcpy(u2, u1, sizeof u1);
  u1[1999] = '1';
  u2[1999] = '2';
  u1[2000] = u2[2000] = '\0';
  ck_assert_int_eq(store_link_put(s, 1, 0, u1, 2, 1, LINK_HTTP, u2), STORE_OK);
  ck_assert_int_eq(store_link_put(s, 1, 0, u2, 2, 1, LINK_HTTP, NULL),
                   STORE_OK);
  ck_assert_int_eq(store_link_put(s, 1, 0, u1, 3, 1, LINK_HTTP, NULL),
                   STORE_OK);
  probe_set(&p, u2, CLASS_DEAD, 0, 0);
  ck_assert_int_eq(store_probe_put(s, 1, &p), STORE_OK);
  ck_assert_int_eq(store_flush(s), STORE_OK);
  store_close(s);

  s = open_db(0);
  ck_assert_int_eq(store_links_each(s, 1, 0, collect, &rs), STORE_OK);
  ck_assert_uint_eq(rs.n, 2);
  ck_assert_str_eq(rs.r[0].url, u1);
  ck_assert_str_eq(rs.r[1].url, u2);
  ck_assert_int_eq(rs.r[0].klass, CLASS_UNMEASURED);
  ck_assert_int_eq(rs.r[1].klass, CLASS_DEAD);
  ck_assert_int_eq(store_probe_get(s, 1, u1, &got), STORE_NOTFOUND);
  ck_assert_int_eq(store_probe_get(s, 1, u2, &got), STORE_OK);
  ck_assert_str_eq(got.url, u2);
  store_probe_cleanup(&got);
  store_close(s);
}
END_TEST

/* ---- figures ------------------------------------------------------------- */

static void put_link(struct store *s, const char *url, int level, int internal,
                     int kind, int klass)
{
  struct store_probe p;

  ck_assert_int_eq(store_link_put(s, 1, 0, url, level, internal, kind,
                                  level > 1 ? "http://www.example.cn/" : NULL),
                   STORE_OK);
  if (klass >= 0) {
    probe_set(&p, url, klass, 200, 200);
    ck_assert_int_eq(store_probe_put(s, 1, &p), STORE_OK);
  }
}

START_TEST(store_figures_counts_classes_by_level_and_scope)
{
  struct store *s = open_db(0);
  struct store_site_figs f;
  struct store_fig *in, *all;
  double c = -1;
  int l, k;

  put_link(s, "http://www.example.cn/", 1, 1, LINK_HTTP, CLASS_OK);
  put_link(s, "http://www.example.cn/a", 2, 1, LINK_HTTP, CLASS_OK);
  put_link(s, "http://www.example.cn/b", 2, 1, LINK_HTTP, CLASS_NO_AAAA);
  put_link(s, "http://other.cn/c", 2, 0, LINK_HTTP, CLASS_V6_ONLY);
  put_link(s, "mailto:d@example.cn", 2, 1, LINK_OTHER, -1);
  put_link(s, "http://www.example.cn/e", 2, 1, LINK_HTTP, -1);
  put_link(s, "http://other.cn/f", 2, 0, LINK_HTTP, CLASS_ROBOTS);
  put_link(s, "http://www.example.cn/g", 2, 1, LINK_HTTP, CLASS_DEAD);
  put_link(s, "http://www.example.cn/h", 3, 1, LINK_HTTP, CLASS_V6_BROKEN);
  put_link(s, "http:// bad", 3, 0, LINK_INVALID, -1);
  /* a probe on a skipped kind does not make it counted */
  put_link(s, "javascript:void(0)", 3, 1, LINK_OTHER, CLASS_OK);
  /* other sites and runs do not leak in */
  ck_assert_int_eq(
    store_link_put(s, 1, 1, "http://www.example.cn/a", 2, 1, LINK_HTTP, NULL),
    STORE_OK);
  ck_assert_int_eq(
    store_link_put(s, 2, 0, "http://www.example.cn/a", 2, 1, LINK_HTTP, NULL),
    STORE_OK);

  ck_assert_int_eq(store_site_figures(s, 1, 0, &f), STORE_OK);
  for (l = 0; l <= STORE_MAX_LEVEL; l++)
    for (k = 0; k < 2; k++)
      if (l < 1 || l > 3)
        ck_assert_uint_eq(f.level[l][k].links, 0);

  in = &f.level[1][0];
  all = &f.level[1][1];
  ck_assert_uint_eq(in->links, 1);
  ck_assert_uint_eq(in->classes[CLASS_OK], 1);
  ck_assert_uint_eq(all->links, 1);
  ck_assert_uint_eq(all->classes[CLASS_OK], 1);
  ck_assert_int_eq(store_fig_concentration(in, &c), 0);
  ck_assert_double_eq(c, 1.0);

  in = &f.level[2][0];
  ck_assert_uint_eq(in->links, 5);
  ck_assert_uint_eq(in->classes[CLASS_OK], 1);
  ck_assert_uint_eq(in->classes[CLASS_V6_ONLY], 0);
  ck_assert_uint_eq(in->classes[CLASS_NO_AAAA], 1);
  ck_assert_uint_eq(in->classes[CLASS_SKIPPED], 1);
  ck_assert_uint_eq(in->classes[CLASS_UNMEASURED], 1);
  ck_assert_uint_eq(in->classes[CLASS_DEAD], 1);
  ck_assert_uint_eq(in->classes[CLASS_ROBOTS], 0);
  ck_assert_uint_eq(store_fig_counted(in), 3);
  ck_assert_uint_eq(store_fig_supported(in), 1);
  ck_assert_int_eq(store_fig_concentration(in, &c), 0);
  ck_assert_double_eq_tol(c, 1.0 / 3.0, 1e-12);
  ck_assert_int_eq(store_fig_alive_concentration(in, &c), 0);
  ck_assert_double_eq(c, 0.5);

  all = &f.level[2][1];
  ck_assert_uint_eq(all->links, 7);
  ck_assert_uint_eq(all->classes[CLASS_OK], 1);
  ck_assert_uint_eq(all->classes[CLASS_V6_ONLY], 1);
  ck_assert_uint_eq(all->classes[CLASS_NO_AAAA], 1);
  ck_assert_uint_eq(all->classes[CLASS_SKIPPED], 1);
  ck_assert_uint_eq(all->classes[CLASS_UNMEASURED], 1);
  ck_assert_uint_eq(all->classes[CLASS_ROBOTS], 1);
  ck_assert_uint_eq(all->classes[CLASS_DEAD], 1);
  ck_assert_uint_eq(store_fig_counted(all), 4);
  ck_assert_uint_eq(store_fig_supported(all), 2);
  ck_assert_int_eq(store_fig_concentration(all, &c), 0);
  ck_assert_double_eq(c, 0.5);
  ck_assert_int_eq(store_fig_alive_concentration(all, &c), 0);
  ck_assert_double_eq_tol(c, 2.0 / 3.0, 1e-12);

  in = &f.level[3][0];
  all = &f.level[3][1];
  ck_assert_uint_eq(in->links, 2);
  ck_assert_uint_eq(in->classes[CLASS_V6_BROKEN], 1);
  ck_assert_uint_eq(in->classes[CLASS_SKIPPED], 1);
  ck_assert_uint_eq(all->links, 3);
  ck_assert_uint_eq(all->classes[CLASS_V6_BROKEN], 1);
  ck_assert_uint_eq(all->classes[CLASS_SKIPPED], 2);
  ck_assert_uint_eq(store_fig_counted(all), 1);
  ck_assert_int_eq(store_fig_concentration(all, &c), 0);
  ck_assert_double_eq(c, 0.0);

  ck_assert_int_eq(store_site_figures(s, 1, 7, &f), STORE_OK);
  ck_assert_uint_eq(f.level[2][1].links, 0);
  store_close(s);
}
END_TEST

START_TEST(store_concentration_null_when_nothing_counted)
{
  struct store_fig f;
  double c = 42.0;

  memset(&f, 0, sizeof f);
  ck_assert_int_eq(store_fig_concentration(&f, &c), -1);
  ck_assert_int_eq(store_fig_alive_concentration(&f, &c), -1);
  f.links = 3;
  f.classes[CLASS_ROBOTS] = 1;
  f.classes[CLASS_SKIPPED] = 1;
  f.classes[CLASS_UNMEASURED] = 1;
  ck_assert_uint_eq(store_fig_counted(&f), 0);
  ck_assert_int_eq(store_fig_concentration(&f, &c), -1);
  ck_assert_int_eq(store_fig_alive_concentration(&f, &c), -1);
  ck_assert_double_eq(c, 42.0);

  /* blocked (a wall on both families) is not counted either */
  memset(&f, 0, sizeof f);
  f.links = 4;
  f.classes[CLASS_BLOCKED] = 3;
  f.classes[CLASS_OK] = 1;
  ck_assert_uint_eq(store_fig_counted(&f), 1);
  ck_assert_int_eq(store_fig_concentration(&f, &c), 0);
  ck_assert_double_eq(c, 1.0);

  /* all dead: 0% supported, and no alive link to divide by */
  memset(&f, 0, sizeof f);
  f.links = 2;
  f.classes[CLASS_DEAD] = 2;
  ck_assert_int_eq(store_fig_concentration(&f, &c), 0);
  ck_assert_double_eq(c, 0.0);
  c = 42.0;
  ck_assert_int_eq(store_fig_alive_concentration(&f, &c), -1);
  ck_assert_double_eq(c, 42.0);
}
END_TEST

/* ---- failure and recovery ------------------------------------------------ */

START_TEST(store_full_keeps_last_flush)
{
  struct store *s = open_db(TINY_MAP);
  char url[200];
  uint32_t run = 0, id = 0;
  int i, rc = STORE_OK;
  size_t n = 0;

  ck_assert_int_eq(store_run_new(s, 1, 1, "first", &run), STORE_OK);
  for (i = 0; i < 50; i++) {
    snprintf(url, sizeof url, "http://first.example/page/%d", i);
    ck_assert_int_eq(store_link_put(s, run, 0, url, 2, 1, LINK_HTTP, NULL),
                     STORE_OK);
  }
  ck_assert_int_eq(store_flush(s), STORE_OK);
  store_close(s);

  s = open_db(TINY_MAP);
  for (i = 0; i < 100000 && rc == STORE_OK; i++) {
    snprintf(url, sizeof url,
             "http://second.example/a/rather/long/path/to/fill/pages/%d", i);
    rc = store_link_put(s, run, 0, url, 3, 1, LINK_HTTP, NULL);
  }
  ck_assert_int_eq(rc, STORE_FULL);
  ck_assert_int_gt(i, 10);
  /* the failed batch is gone, the store goes on from the last flush */
  ck_assert_uint_eq(n_links(s, run, 0), 50);
  ck_assert_int_eq(store_flush(s), STORE_OK);
  ck_assert_int_eq(store_run_new(s, 2, 1, NULL, &id), STORE_OK);
  ck_assert_uint_eq(id, 2);
  ck_assert_int_eq(store_flush(s), STORE_OK);
  store_close(s);

  s = open_db(TINY_MAP);
  ck_assert_uint_eq(n_links(s, run, 0), 50);
  ck_assert_int_eq(store_edges_count(s, run, 0, &n), STORE_OK);
  ck_assert_int_eq(store_run_latest(s, &id), STORE_OK);
  ck_assert_uint_eq(id, 2);
  ck_assert_int_eq(store_link_put(s, run, 0, "http://first.example/page/7", 1,
                                  0, LINK_OTHER, NULL),
                   STORE_OK);
  store_close(s);
}
END_TEST

START_TEST(store_reopen_after_unflushed_writes_loses_only_last_batch)
{
  struct store *s = NULL;
  struct store_run r;
  char url[64];
  uint32_t id = 0;
  pid_t pid;
  int i, status = -1;

  pid = fork();
  ck_assert_int_ge(pid, 0);
  if (pid == 0) {
    /* the writer: one flushed batch, one unflushed, then killed */
    if (store_open(g_db, 0, 0, &s) != STORE_OK ||
        store_run_new(s, 10, 1, NULL, &id) != STORE_OK)
      _exit(2);
    for (i = 0; i < 10; i++) {
      snprintf(url, sizeof url, "http://a.example/%d", i);
      if (store_link_put(s, id, 0, url, 2, 1, LINK_HTTP, NULL) != STORE_OK)
        _exit(3);
    }
    if (store_flush(s) != STORE_OK)
      _exit(4);
    for (i = 10; i < 20; i++) {
      snprintf(url, sizeof url, "http://a.example/%d", i);
      if (store_link_put(s, id, 0, url, 2, 1, LINK_HTTP, NULL) != STORE_OK)
        _exit(5);
    }
    if (store_run_finish(s, id, 20, 1) != STORE_OK)
      _exit(6);
    _exit(0);
  }
  ck_assert_int_eq(waitpid(pid, &status, 0), pid);
  ck_assert(WIFEXITED(status));
  ck_assert_int_eq(WEXITSTATUS(status), 0);

  s = open_db(0);
  ck_assert_uint_eq(n_links(s, 1, 0), 10);
  ck_assert_int_eq(store_run_get(s, 1, &r), STORE_OK);
  ck_assert_int_eq(r.finished, 0);
  ck_assert_int_eq(r.complete, 0);
  store_run_cleanup(&r);
  /* and the writer lock the dead process held is free again */
  ck_assert_int_eq(store_run_new(s, 30, 1, NULL, &id), STORE_OK);
  ck_assert_uint_eq(id, 2);
  ck_assert_int_eq(
    store_link_put(s, 1, 0, "http://a.example/15", 2, 1, LINK_HTTP, NULL),
    STORE_OK);
  ck_assert_int_eq(store_flush(s), STORE_OK);
  ck_assert_uint_eq(n_links(s, 1, 0), 11);
  store_close(s);
}
END_TEST

START_TEST(store_other_process_sees_last_flush)
{
  struct store *s = open_db(0);
  uint32_t id = 0;
  pid_t pid;
  int status = -1;

  ck_assert_int_eq(store_run_new(s, 1, 1, NULL, &id), STORE_OK);
  ck_assert_int_eq(store_flush(s), STORE_OK);
  ck_assert_int_eq(store_run_new(s, 2, 1, NULL, &id), STORE_OK);
  /* this process reads its own unflushed write */
  ck_assert_int_eq(store_run_latest(s, &id), STORE_OK);
  ck_assert_uint_eq(id, 2);
  pid = fork();
  ck_assert_int_ge(pid, 0);
  if (pid == 0) {
    struct store *r = NULL;
    uint32_t rid = 0;

    if (store_open(g_db, STORE_RDONLY, 0, &r) != STORE_OK)
      _exit(2);
    if (store_run_latest(r, &rid) != STORE_OK)
      _exit(3);
    store_close(r);
    _exit(rid == 1 ? 0 : 4);
  }
  ck_assert_int_eq(waitpid(pid, &status, 0), pid);
  ck_assert(WIFEXITED(status));
  ck_assert_int_eq(WEXITSTATUS(status), 0);
  store_close(s);
}
END_TEST

START_TEST(store_newer_schema_refused)
{
  struct store *s = open_db(0);
  unsigned char v[4] = {0, 0, 0, 4};

  store_close(s);
  raw_put("meta", "schema", 6, v, 4);
  s = (struct store *)&s;
  ck_assert_int_eq(store_open(g_db, 0, 0, &s), STORE_VERSION);
  ck_assert_ptr_null(s);
  ck_assert_int_eq(store_open(g_db, STORE_RDONLY, 0, &s), STORE_VERSION);
  ck_assert_ptr_null(s);
}
END_TEST

START_TEST(store_truncated_record_is_corrupt)
{
  struct store *s = open_db(0);
  struct store_run r, *runs = NULL;
  unsigned char key[4] = {0, 0, 0, 1};
  /* started, finished, complete, vantage, then a string of 1000 bytes
   * that is not there */
  unsigned char big[8 + 8 + 1 + 4 + 4] = {0};
  uint32_t id = 0;
  size_t n = 7;

  ck_assert_int_eq(store_run_new(s, 1, 1, "opts", &id), STORE_OK);
  store_close(s);
  raw_put("runs", key, 4, "\0\0\0\0\0", 5);
  s = open_db(0);
  ck_assert_int_eq(store_run_get(s, 1, &r), STORE_CORRUPT);
  ck_assert_ptr_null(r.options);
  ck_assert_int_eq(store_runs_list(s, &runs, &n), STORE_CORRUPT);
  ck_assert_ptr_null(runs);
  ck_assert_uint_eq(n, 0);
  store_close(s);

  big[sizeof big - 2] = 0x03;
  big[sizeof big - 1] = 0xe8;
  raw_put("runs", key, 4, big, sizeof big);
  s = open_db(0);
  ck_assert_int_eq(store_run_get(s, 1, &r), STORE_CORRUPT);
  ck_assert_int_eq(store_run_finish(s, 1, 5, 1), STORE_CORRUPT);
  store_close(s);
}
END_TEST

START_TEST(store_rdonly_absent_dir_is_io_error)
{
  struct store *s = NULL;
  struct stat st;

  ck_assert_int_eq(store_open(g_db, STORE_RDONLY, 0, &s), STORE_IO);
  ck_assert_ptr_null(s);
  /* and it did not create it */
  ck_assert_int_eq(stat(g_db, &st), -1);
  ck_assert_int_eq(errno, ENOENT);
  /* an existing but empty directory is no store either */
  ck_assert_int_eq(mkdir(g_db, 0755), 0);
  ck_assert_int_eq(store_open(g_db, STORE_RDONLY, 0, &s), STORE_IO);
  ck_assert_ptr_null(s);
}
END_TEST

START_TEST(store_unwritable_dir_is_io_error)
{
  struct store *s = NULL;
  pid_t pid;
  int status = -1;

  ck_assert_int_eq(mkdir(g_db, 0755), 0);
  if (geteuid() != 0) {
    ck_assert_int_eq(chmod(g_db, 0555), 0);
    ck_assert_int_eq(store_open(g_db, 0, 0, &s), STORE_IO);
    ck_assert_ptr_null(s);
    return;
  }
  /* root writes anywhere: try as nobody, in a child */
  ck_assert_int_eq(chmod(g_tmp, 0755), 0);
  pid = fork();
  ck_assert_int_ge(pid, 0);
  if (pid == 0) {
    if (setgid(65534) != 0 || setuid(65534) != 0)
      _exit(77);
    _exit(store_open(g_db, 0, 0, &s) == STORE_IO && s == NULL ? 0 : 1);
  }
  ck_assert_int_eq(waitpid(pid, &status, 0), pid);
  ck_assert(WIFEXITED(status));
  if (WEXITSTATUS(status) == 77)
    return; /* cannot drop privileges here */
  ck_assert_int_eq(WEXITSTATUS(status), 0);
}
END_TEST

START_TEST(store_rdonly_refuses_writes)
{
  struct store *s = open_db(0);
  struct store_host h = {0};
  uint32_t id = 0;

  ck_assert_int_eq(store_run_new(s, 1, 1, NULL, &id), STORE_OK);
  store_close(s);
  ck_assert_int_eq(store_open(g_db, STORE_RDONLY, 0, &s), STORE_OK);
  ck_assert_int_eq(store_run_new(s, 2, 1, NULL, &id), STORE_INVALID);
  h.name = (char *)"a.example";
  ck_assert_int_eq(store_host_put(s, 1, &h), STORE_INVALID);
  ck_assert_int_eq(store_run_latest(s, &id), STORE_OK);
  ck_assert_uint_eq(id, 1);
  ck_assert_int_eq(store_flush(s), STORE_OK);
  store_close(s);
  store_close(NULL);
}
END_TEST

/* ---- hosts, probes and the joined walk ----------------------------------- */

START_TEST(store_host_roundtrip)
{
  struct store *s = open_db(0);
  struct store_host h = {0}, got;

  h.name = (char *)"WWW.Example.CN";
  h.cnames = (char *)"www.example.cn -> edge.cdn.example";
  h.a = (char *)"192.0.2.1,192.0.2.2";
  h.aaaa = (char *)"2001:db8::1";
  h.a_error = NULL;
  h.aaaa_error = (char *)"timeout";
  h.usable_a = 2;
  h.usable_aaaa = 0;
  ck_assert_int_eq(store_host_put(s, 1, &h), STORE_OK);
  ck_assert_int_eq(store_flush(s), STORE_OK);
  store_close(s);

  s = open_db(0);
  ck_assert_int_eq(store_host_get(s, 1, "www.example.cn", &got), STORE_OK);
  ck_assert_str_eq(got.name, "www.example.cn");
  ck_assert_str_eq(got.cnames, "www.example.cn -> edge.cdn.example");
  ck_assert_str_eq(got.a, "192.0.2.1,192.0.2.2");
  ck_assert_str_eq(got.aaaa, "2001:db8::1");
  ck_assert_ptr_null(got.a_error);
  ck_assert_str_eq(got.aaaa_error, "timeout");
  ck_assert_int_eq(got.usable_a, 2);
  ck_assert_int_eq(got.usable_aaaa, 0);
  store_host_cleanup(&got);

  /* replace, with every string NULL */
  memset(&h, 0, sizeof h);
  h.name = (char *)"www.example.cn";
  h.usable_a = -1;
  h.usable_aaaa = 3;
  ck_assert_int_eq(store_host_put(s, 1, &h), STORE_OK);
  ck_assert_int_eq(store_host_get(s, 1, "Www.Example.Cn", &got), STORE_OK);
  ck_assert_str_eq(got.name, "www.example.cn");
  ck_assert_ptr_null(got.cnames);
  ck_assert_ptr_null(got.a);
  ck_assert_ptr_null(got.aaaa);
  ck_assert_ptr_null(got.aaaa_error);
  ck_assert_int_eq(got.usable_a, -1);
  ck_assert_int_eq(got.usable_aaaa, 3);
  store_host_cleanup(&got);

  ck_assert_int_eq(store_host_get(s, 2, "www.example.cn", &got),
                   STORE_NOTFOUND);
  ck_assert_ptr_null(got.name);
  ck_assert_int_eq(store_host_get(s, 1, "example.cn", &got), STORE_NOTFOUND);
  store_close(s);
}
END_TEST

START_TEST(store_deleg_roundtrip_and_run_delete)
{
  struct store *s = open_db(0);
  struct store_deleg_server sv[2] = {
    {(char *)"ns1.example.cn", (char *)"2001:db8::1,2001:db8::2", 1,
     (char *)"answers authoritatively"},
    {(char *)"ns2.example.cn", NULL, 0, (char *)"no AAAA"}};
  struct store_deleg_zone z[2] = {{(char *)".", 1, NULL, 0},
                                  {(char *)"example.cn.", 0, sv, 2}};
  struct store_deleg d = {3, 0, (char *)"why", z, 2}, got;
  uint32_t run = 0;

  ck_assert_int_eq(store_run_new(s, 1, 1, "", &run), STORE_OK);
  ck_assert_int_eq(store_deleg_put(s, run, &d), STORE_OK);
  ck_assert_int_eq(store_flush(s), STORE_OK);
  store_close(s);

  s = open_db(0);
  ck_assert_int_eq(store_deleg_get(s, run, 3, &got), STORE_OK);
  ck_assert_uint_eq(got.site, 3);
  ck_assert_int_eq(got.pass, 0);
  ck_assert_str_eq(got.why, "why");
  ck_assert_uint_eq(got.n_zones, 2);
  ck_assert_str_eq(got.zones[0].zone, ".");
  ck_assert_int_eq(got.zones[0].ok, 1);
  ck_assert_uint_eq(got.zones[0].n_servers, 0);
  ck_assert_str_eq(got.zones[1].zone, "example.cn.");
  ck_assert_int_eq(got.zones[1].ok, 0);
  ck_assert_uint_eq(got.zones[1].n_servers, 2);
  ck_assert_str_eq(got.zones[1].servers[0].name, "ns1.example.cn");
  ck_assert_str_eq(got.zones[1].servers[0].aaaa, "2001:db8::1,2001:db8::2");
  ck_assert_int_eq(got.zones[1].servers[0].ok, 1);
  ck_assert_str_eq(got.zones[1].servers[0].why, "answers authoritatively");
  ck_assert_ptr_null(got.zones[1].servers[1].aaaa);
  ck_assert_int_eq(got.zones[1].servers[1].ok, 0);
  ck_assert_str_eq(got.zones[1].servers[1].why, "no AAAA");
  store_deleg_cleanup(&got);
  ck_assert_ptr_null(got.zones);

  ck_assert_int_eq(store_deleg_get(s, run, 4, &got), STORE_NOTFOUND);
  ck_assert_int_eq(store_run_delete(s, run), STORE_OK);
  ck_assert_int_eq(store_deleg_get(s, run, 3, &got), STORE_NOTFOUND);
  store_close(s);
}
END_TEST

START_TEST(store_probe_roundtrip_all_fields)
{
  struct store *s = open_db(0);
  struct store_probe p, got;
  const char *url = "https://www.example.cn/path?q=1";

  memset(&p, 0, sizeof p);
  p.url = (char *)url;
  p.klass = CLASS_V6_ERROR;
  p.v6.ok = 0;
  p.v6.status = 503;
  p.v6.error = NULL;
  p.v6.hops = (char *)"301 https://www.example.cn/path?q=1\n"
                      "503 https://www.example.cn/new\n";
  p.v6.connect_ms = 12.5;
  p.v6.first_byte_ms = 0.1;
  p.v6.total_ms = 1e300;
  p.v4.ok = 1;
  p.v4.status = 200;
  p.v4.error = (char *)"";
  p.v4.hops = (char *)"200 https://www.example.cn/path?q=1\n";
  p.v4.connect_ms = 0;
  p.v4.first_byte_ms = -0.0;
  p.v4.total_ms = 33.333333333333336;
  ck_assert_int_eq(store_probe_put(s, 3, &p), STORE_OK);
  ck_assert_int_eq(store_flush(s), STORE_OK);
  store_close(s);

  s = open_db(0);
  ck_assert_int_eq(store_probe_get(s, 3, url, &got), STORE_OK);
  ck_assert_str_eq(got.url, url);
  ck_assert_int_eq(got.klass, CLASS_V6_ERROR);
  ck_assert_int_eq(got.v6.ok, 0);
  ck_assert_int_eq(got.v6.status, 503);
  ck_assert_ptr_null(got.v6.error);
  ck_assert_str_eq(got.v6.hops, p.v6.hops);
  ck_assert_double_eq(got.v6.connect_ms, 12.5);
  ck_assert_double_eq(got.v6.first_byte_ms, 0.1);
  ck_assert_double_eq(got.v6.total_ms, 1e300);
  ck_assert_int_eq(got.v4.ok, 1);
  ck_assert_int_eq(got.v4.status, 200);
  ck_assert_str_eq(got.v4.error, "");
  ck_assert_str_eq(got.v4.hops, p.v4.hops);
  ck_assert_double_eq(got.v4.connect_ms, 0.0);
  ck_assert_double_eq(got.v4.first_byte_ms, 0.0);
  ck_assert_double_eq(got.v4.total_ms, 33.333333333333336);
  store_probe_cleanup(&got);

  /* replace */
  probe_set(&p, url, CLASS_OK, 200, 200);
  p.v6.error = (char *)"was broken";
  ck_assert_int_eq(store_probe_put(s, 3, &p), STORE_OK);
  ck_assert_int_eq(store_probe_get(s, 3, url, &got), STORE_OK);
  ck_assert_int_eq(got.klass, CLASS_OK);
  ck_assert_int_eq(got.v6.ok, 1);
  ck_assert_str_eq(got.v6.error, "was broken");
  ck_assert_ptr_null(got.v6.hops);
  store_probe_cleanup(&got);

  ck_assert_int_eq(store_probe_get(s, 4, url, &got), STORE_NOTFOUND);
  ck_assert_ptr_null(got.url);
  ck_assert_int_eq(store_probe_get(s, 3, "http://never.seen/", &got),
                   STORE_NOTFOUND);
  p.klass = CLASS__N;
  ck_assert_int_eq(store_probe_put(s, 3, &p), STORE_INVALID);
  store_close(s);
}
END_TEST

static void host_put(struct store *s, const char *name, int usable_aaaa)
{
  struct store_host h = {0};

  h.name = (char *)name;
  h.usable_aaaa = usable_aaaa;
  ck_assert_int_eq(store_host_put(s, 1, &h), STORE_OK);
}

START_TEST(store_links_each_orders_and_joins_evidence)
{
  struct store *s = open_db(0);
  static struct rows rs;
  struct store_probe p;
  const char *home = "http://www.example.cn/";
  struct got *g;

  memset(&rs, 0, sizeof rs);
  /* inserted out of order: site 10, then site 2 */
  ck_assert_int_eq(
    store_link_put(s, 1, 10, "http://other.cn/", 1, 1, LINK_HTTP, NULL),
    STORE_OK);
  ck_assert_int_eq(store_link_put(s, 1, 2, "http://a.example.cn/deep", 3, 1,
                                  LINK_HTTP, "https://b.example.cn/x"),
                   STORE_OK);
  ck_assert_int_eq(
    store_link_put(s, 1, 2, "mailto:x@example.cn", 2, 1, LINK_OTHER, home),
    STORE_OK);
  ck_assert_int_eq(
    store_link_put(s, 1, 2, "https://b.example.cn/x", 2, 1, LINK_HTTP, home),
    STORE_OK);
  ck_assert_int_eq(store_link_put(s, 1, 2, "http://user:pw@[2001:db8::1]:443/z",
                                  2, 0, LINK_HTTP, home),
                   STORE_OK);
  ck_assert_int_eq(store_link_put(s, 1, 2, "http://a.example.cn:8080/y", 2, 1,
                                  LINK_HTTP, home),
                   STORE_OK);
  ck_assert_int_eq(store_link_put(s, 1, 2, home, 1, 1, LINK_HTTP, NULL),
                   STORE_OK);
  host_put(s, "www.example.cn", 2);
  host_put(s, "a.example.cn", 0);
  host_put(s, "2001:db8::1", 1);
  host_put(s, "example.cn", 5); /* the mailto's domain: never joined */
  probe_set(&p, home, CLASS_OK, 200, 200);
  ck_assert_int_eq(store_probe_put(s, 1, &p), STORE_OK);
  probe_set(&p, "http://a.example.cn:8080/y", CLASS_V6_BROKEN, 0, 200);
  ck_assert_int_eq(store_probe_put(s, 1, &p), STORE_OK);
  probe_set(&p, "http://user:pw@[2001:db8::1]:443/z", CLASS_V6_ONLY, 204, 0);
  ck_assert_int_eq(store_probe_put(s, 1, &p), STORE_OK);
  /* a probe of another run is not this run's evidence */
  probe_set(&p, "https://b.example.cn/x", CLASS_OK, 200, 200);
  ck_assert_int_eq(store_probe_put(s, 2, &p), STORE_OK);

  ck_assert_int_eq(store_links_each(s, 1, UINT32_MAX, collect, &rs), STORE_OK);
  ck_assert_uint_eq(rs.n, 7);

  g = &rs.r[0];
  ck_assert_uint_eq(g->site, 2);
  ck_assert_str_eq(g->url, home);
  ck_assert_str_eq(g->parent, "");
  ck_assert_int_eq(g->level, 1);
  ck_assert_int_eq(g->klass, CLASS_OK);
  ck_assert_int_eq(g->v6_status, 200);
  ck_assert_str_eq(g->host, "www.example.cn");
  ck_assert_int_eq(g->usable_aaaa, 2);

  g = &rs.r[1];
  ck_assert_str_eq(g->url, "http://a.example.cn:8080/y");
  ck_assert_str_eq(g->parent, home);
  ck_assert_int_eq(g->level, 2);
  ck_assert_int_eq(g->internal, 1);
  ck_assert_int_eq(g->klass, CLASS_V6_BROKEN);
  ck_assert_int_eq(g->v6_status, 0);
  ck_assert_str_eq(g->host, "a.example.cn");

  g = &rs.r[2];
  ck_assert_str_eq(g->url, "http://user:pw@[2001:db8::1]:443/z");
  ck_assert_int_eq(g->internal, 0);
  ck_assert_int_eq(g->klass, CLASS_V6_ONLY);
  ck_assert_int_eq(g->v6_status, 204);
  ck_assert_str_eq(g->host, "2001:db8::1");
  ck_assert_int_eq(g->usable_aaaa, 1);

  g = &rs.r[3];
  ck_assert_str_eq(g->url, "https://b.example.cn/x");
  ck_assert_int_eq(g->klass, CLASS_UNMEASURED);
  ck_assert_int_eq(g->v6_status, -1);
  ck_assert_str_eq(g->host, "");

  g = &rs.r[4];
  ck_assert_str_eq(g->url, "mailto:x@example.cn");
  ck_assert_int_eq(g->kind, LINK_OTHER);
  ck_assert_int_eq(g->klass, CLASS_SKIPPED);
  ck_assert_int_eq(g->v6_status, -1);
  ck_assert_str_eq(g->host, "");

  g = &rs.r[5];
  ck_assert_uint_eq(g->site, 2);
  ck_assert_str_eq(g->url, "http://a.example.cn/deep");
  ck_assert_str_eq(g->parent, "https://b.example.cn/x");
  ck_assert_int_eq(g->level, 3);
  ck_assert_int_eq(g->klass, CLASS_UNMEASURED);
  ck_assert_str_eq(g->host, "a.example.cn");

  g = &rs.r[6];
  ck_assert_uint_eq(g->site, 10);
  ck_assert_str_eq(g->url, "http://other.cn/");
  ck_assert_str_eq(g->host, "");

  /* one site only */
  memset(&rs, 0, sizeof rs);
  ck_assert_int_eq(store_links_each(s, 1, 10, collect, &rs), STORE_OK);
  ck_assert_uint_eq(rs.n, 1);
  ck_assert_str_eq(rs.r[0].url, "http://other.cn/");

  /* a non-zero callback return stops the walk and comes back */
  memset(&rs, 0, sizeof rs);
  rs.stop_after = 2;
  ck_assert_int_eq(store_links_each(s, 1, UINT32_MAX, collect, &rs), 7);
  ck_assert_uint_eq(rs.n, 2);

  /* the same after a flush, from a read transaction */
  ck_assert_int_eq(store_flush(s), STORE_OK);
  memset(&rs, 0, sizeof rs);
  ck_assert_int_eq(store_links_each(s, 1, 2, collect, &rs), STORE_OK);
  ck_assert_uint_eq(rs.n, 6);
  ck_assert_str_eq(rs.r[2].host, "2001:db8::1");
  ck_assert_uint_eq(n_links(s, 3, UINT32_MAX), 0);
  store_close(s);
}
END_TEST

/* A callback may read the store while the walk holds a read transaction. */
static int nested_read(const struct store_link_row *row, void *ud)
{
  struct store *s = ud;
  struct store_probe p;
  uint32_t id = 0;
  int rc;

  if (store_run_latest(s, &id) != STORE_OK || id != 1)
    return 100;
  rc = store_probe_get(s, 1, row->url, &p);
  store_probe_cleanup(&p);
  if (rc != (row->probe ? STORE_OK : STORE_NOTFOUND))
    return 101;
  return 0;
}

START_TEST(store_links_each_callback_may_read)
{
  struct store *s = open_db(0);
  struct store_probe p;
  uint32_t id = 0;

  ck_assert_int_eq(store_run_new(s, 1, 1, NULL, &id), STORE_OK);
  ck_assert_int_eq(
    store_link_put(s, 1, 0, "http://a.example/", 1, 1, LINK_HTTP, NULL),
    STORE_OK);
  ck_assert_int_eq(store_link_put(s, 1, 0, "http://a.example/b", 2, 1,
                                  LINK_HTTP, "http://a.example/"),
                   STORE_OK);
  probe_set(&p, "http://a.example/b", CLASS_OK, 200, 200);
  ck_assert_int_eq(store_probe_put(s, 1, &p), STORE_OK);
  ck_assert_int_eq(store_links_each(s, 1, 0, nested_read, s), STORE_OK);
  ck_assert_int_eq(store_flush(s), STORE_OK);
  ck_assert_int_eq(store_links_each(s, 1, 0, nested_read, s), STORE_OK);
  /* and the walk's read transaction is ended: writes still work */
  ck_assert_int_eq(store_run_new(s, 2, 1, NULL, &id), STORE_OK);
  ck_assert_int_eq(store_flush(s), STORE_OK);
  store_close(s);
}
END_TEST

/* ---- names --------------------------------------------------------------- */

START_TEST(store_class_names_roundtrip)
{
  static const char *const names[CLASS__N] = {
    "ok",   "v6-only", "no-aaaa", "v6-broken",  "v6-error",
    "dead", "robots",  "skipped", "unmeasured", "blocked"};
  int i;

  /* the values are stored in probe records: a class added goes last */
  ck_assert_int_eq(CLASS_UNMEASURED, 8);
  ck_assert_int_eq(CLASS_BLOCKED, 9);

  for (i = 0; i < CLASS__N; i++) {
    ck_assert_str_eq(store_class_name(i), names[i]);
    ck_assert_int_eq(store_class_parse(names[i]), i);
  }
  ck_assert_ptr_null(store_class_name(-1));
  ck_assert_ptr_null(store_class_name(CLASS__N));
  ck_assert_int_eq(store_class_parse("OK"), -1);
  ck_assert_int_eq(store_class_parse(""), -1);
  ck_assert_int_eq(store_class_parse(NULL), -1);
}
END_TEST

START_TEST(store_strerror_names_every_code)
{
  int a, b;

  for (a = STORE_INVALID; a <= STORE_OK; a++) {
    ck_assert_ptr_nonnull(store_strerror(a));
    for (b = STORE_INVALID; b < a; b++)
      ck_assert_str_ne(store_strerror(a), store_strerror(b));
  }
  ck_assert_str_eq(store_strerror(STORE_FULL),
                   "store is full (map size or disk)");
  ck_assert_str_eq(store_strerror(-99), "unknown store error");
}
END_TEST

/* ---- deleting runs --------------------------------------------------------
 */

/* Fill run @run with @n_sites sites of @n_links links each (every link
 * probed, its host resolved, an edge from the homepage). */
static void fill_run(struct store *s, uint32_t run, unsigned n_sites,
                     unsigned n_links)
{
  struct store_site site;
  struct store_host h;
  struct store_probe p;
  char url[128], home[64], addr[] = "192.0.2.1";
  unsigned i, j;

  for (i = 0; i < n_sites; i++) {
    memset(&site, 0, sizeof site);
    snprintf(home, sizeof home, "http://s%u.example/", i);
    site.idx = i;
    site.start_url = home;
    ck_assert_int_eq(store_site_put(s, run, &site), STORE_OK);
    memset(&h, 0, sizeof h);
    h.name = home + 7;
    home[strlen(home) - 1] = '\0';
    h.a = addr;
    ck_assert_int_eq(store_host_put(s, run, &h), STORE_OK);
    home[strlen(home)] = '/';
    for (j = 0; j < n_links; j++) {
      snprintf(url, sizeof url, "http://s%u.example/page/%u.html", i, j);
      ck_assert_int_eq(store_link_put(s, run, i, url, 2, 1, LINK_HTTP, home),
                       STORE_OK);
      ck_assert_int_eq(store_edge_put(s, run, i, home, url), STORE_OK);
      probe_set(&p, url, j % 2 ? CLASS_OK : CLASS_NO_AAAA, j % 2 ? 200 : 0,
                200);
      ck_assert_int_eq(store_probe_put(s, run, &p), STORE_OK);
    }
  }
  ck_assert_int_eq(store_flush(s), STORE_OK);
}

START_TEST(store_run_delete_removes_every_record_of_the_run_only)
{
  struct store *s = open_db(0);
  struct store_run *runs = NULL;
  struct store_site *sites = NULL;
  struct store_site_figs before, after;
  struct store_probe p;
  struct store_host h;
  struct store_run r;
  size_t n = 0, edges = 0;
  uint32_t a = 0, b = 0, c = 0;

  ck_assert_int_eq(store_run_new(s, 100, 1, NULL, &a), STORE_OK);
  /* more than one delete batch of links, edges and probes */
  fill_run(s, a, 2, 5000);
  ck_assert_int_eq(store_run_new(s, 200, 1, "opts", &b), STORE_OK);
  fill_run(s, b, 1, 30);
  ck_assert_int_eq(store_run_finish(s, b, 300, 1), STORE_OK);
  ck_assert_int_eq(store_site_figures(s, b, 0, &before), STORE_OK);

  ck_assert_int_eq(store_run_delete(s, a), STORE_OK);
  ck_assert_int_eq(store_runs_list(s, &runs, &n), STORE_OK);
  ck_assert_uint_eq(n, 1);
  ck_assert_uint_eq(runs[0].id, b);
  ck_assert_uint_eq(runs[0].n_sites, 1);
  ck_assert_int_eq(runs[0].complete, 1);
  ck_assert_str_eq(runs[0].options, "opts");
  store_runs_free(runs, n);
  ck_assert_int_eq(store_sites_list(s, a, &sites, &n), STORE_OK);
  ck_assert_uint_eq(n, 0);
  store_sites_free(sites, n);
  ck_assert_uint_eq(n_links(s, a, UINT32_MAX), 0);
  ck_assert_int_eq(store_edges_count(s, a, 0, &edges), STORE_OK);
  ck_assert_uint_eq(edges, 0);
  ck_assert_int_eq(store_probe_get(s, a, "http://s0.example/page/1.html", &p),
                   STORE_NOTFOUND);
  ck_assert_int_eq(store_host_get(s, a, "s0.example", &h), STORE_NOTFOUND);
  ck_assert_int_eq(store_run_get(s, a, &r), STORE_NOTFOUND);

  /* the other run is as it was */
  ck_assert_uint_eq(n_links(s, b, UINT32_MAX), 30);
  ck_assert_int_eq(store_edges_count(s, b, 0, &edges), STORE_OK);
  ck_assert_uint_eq(edges, 30);
  ck_assert_int_eq(store_site_figures(s, b, 0, &after), STORE_OK);
  ck_assert_int_eq(memcmp(&before, &after, sizeof before), 0);
  ck_assert_int_eq(store_host_get(s, b, "s0.example", &h), STORE_OK);
  store_host_cleanup(&h);

  /* deleting again: not found; a new run never takes a deleted id */
  ck_assert_int_eq(store_run_delete(s, a), STORE_NOTFOUND);
  ck_assert_int_eq(store_run_delete(s, b), STORE_OK);
  ck_assert_int_eq(store_run_latest(s, &c), STORE_NOTFOUND);
  ck_assert_int_eq(store_run_new(s, 400, 1, NULL, &c), STORE_OK);
  ck_assert_uint_eq(c, b + 1);
  store_close(s);

  /* and the deletes were committed */
  s = open_db(0);
  ck_assert_int_eq(store_runs_list(s, &runs, &n), STORE_OK);
  ck_assert_uint_eq(n, 1);
  ck_assert_uint_eq(runs[0].id, c);
  store_runs_free(runs, n);
  store_close(s);
}
END_TEST

START_TEST(store_pages_roundtrip_per_site_and_deleted_with_run)
{
  struct store *s = open_db(0);
  struct store_page p, *v = NULL;
  size_t n = 0;
  uint32_t a = 0, b = 0;

  ck_assert_int_eq(store_run_new(s, 100, 1, NULL, &a), STORE_OK);
  ck_assert_int_eq(store_run_new(s, 200, 1, NULL, &b), STORE_OK);
  memset(&p, 0, sizeof p);
  p.url = (char *)"http://s.example/";
  p.level = 1;
  p.flags = STORE_PAGE_REFRESH | STORE_PAGE_TRUNCATED;
  p.refresh = (char *)"http://s.example/home.html";
  p.scripts = (char *)"http://s.example/a.html\nhttp://s.example/b.html";
  ck_assert_int_eq(store_page_put(s, a, 0, &p), STORE_OK);
  memset(&p, 0, sizeof p);
  p.url = (char *)"http://s.example/img.png";
  p.level = 2;
  p.flags = STORE_PAGE_NOLINKS;
  ck_assert_int_eq(store_page_put(s, a, 0, &p), STORE_OK);
  ck_assert_int_eq(store_page_put(s, a, 1, &p), STORE_OK);
  ck_assert_int_eq(store_page_put(s, b, 0, &p), STORE_OK);
  p.level = 0;
  ck_assert_int_eq(store_page_put(s, a, 0, &p), STORE_INVALID);
  p.level = 2;
  p.url = (char *)"";
  ck_assert_int_eq(store_page_put(s, a, 0, &p), STORE_INVALID);
  ck_assert_int_eq(store_flush(s), STORE_OK);
  store_close(s);

  s = open_db(0);
  ck_assert_int_eq(store_pages_list(s, a, 0, &v, &n), STORE_OK);
  ck_assert_uint_eq(n, 2);
  /* url id order: the first interned first */
  ck_assert_str_eq(v[0].url, "http://s.example/");
  ck_assert_int_eq(v[0].level, 1);
  ck_assert_int_eq(v[0].flags, STORE_PAGE_REFRESH | STORE_PAGE_TRUNCATED);
  ck_assert_str_eq(v[0].refresh, "http://s.example/home.html");
  ck_assert_str_eq(v[0].scripts,
                   "http://s.example/a.html\nhttp://s.example/b.html");
  ck_assert_str_eq(v[1].url, "http://s.example/img.png");
  ck_assert_int_eq(v[1].level, 2);
  ck_assert_int_eq(v[1].flags, STORE_PAGE_NOLINKS);
  ck_assert_ptr_null(v[1].refresh);
  ck_assert_ptr_null(v[1].scripts);
  store_pages_free(v, n);
  ck_assert_int_eq(store_pages_list(s, a, 1, &v, &n), STORE_OK);
  ck_assert_uint_eq(n, 1);
  store_pages_free(v, n);
  ck_assert_int_eq(store_pages_list(s, a, 2, &v, &n), STORE_OK);
  ck_assert_uint_eq(n, 0);
  ck_assert_ptr_null(v);

  ck_assert_int_eq(store_run_delete(s, a), STORE_OK);
  ck_assert_int_eq(store_pages_list(s, a, 0, &v, &n), STORE_OK);
  ck_assert_uint_eq(n, 0);
  ck_assert_int_eq(store_pages_list(s, b, 0, &v, &n), STORE_OK);
  ck_assert_uint_eq(n, 1);
  store_pages_free(v, n);
  ck_assert_int_eq(store_pages_list(s, b, 0, NULL, &n), STORE_INVALID);
  store_close(s);
}
END_TEST

START_TEST(store_rdonly_opens_a_store_from_before_the_pages_db)
{
  struct store *s = open_db(0);
  struct store_page *v = NULL;
  MDB_env *env = NULL;
  MDB_txn *txn = NULL;
  MDB_dbi dbi;
  size_t n = 1;
  uint32_t a = 0;

  ck_assert_int_eq(store_run_new(s, 100, 1, NULL, &a), STORE_OK);
  store_close(s);
  /* an older v6crawl's store: no pages database */
  ck_assert_int_eq(mdb_env_create(&env), 0);
  ck_assert_int_eq(mdb_env_set_maxdbs(env, 32), 0);
  ck_assert_int_eq(mdb_env_open(env, g_db, 0, 0644), 0);
  ck_assert_int_eq(mdb_txn_begin(env, NULL, 0, &txn), 0);
  ck_assert_int_eq(mdb_dbi_open(txn, "pages", 0, &dbi), 0);
  ck_assert_int_eq(mdb_drop(txn, dbi, 1), 0);
  ck_assert_int_eq(mdb_txn_commit(txn), 0);
  mdb_env_close(env);

  ck_assert_int_eq(store_open(g_db, STORE_RDONLY, 0, &s), STORE_OK);
  ck_assert_int_eq(store_pages_list(s, a, 0, &v, &n), STORE_OK);
  ck_assert_uint_eq(n, 0);
  ck_assert_ptr_null(v);
  store_close(s);
  /* opened for writing, it gains the database */
  s = open_db(0);
  ck_assert_int_eq(store_pages_list(s, a, 0, &v, &n), STORE_OK);
  ck_assert_uint_eq(n, 0);
  store_close(s);
}
END_TEST

START_TEST(store_run_delete_refused_read_only_and_null)
{
  struct store *s = open_db(0), *r = NULL;
  uint32_t a = 0;

  ck_assert_int_eq(store_run_new(s, 100, 1, NULL, &a), STORE_OK);
  store_close(s);
  ck_assert_int_eq(store_open(g_db, STORE_RDONLY, 0, &r), STORE_OK);
  ck_assert_int_eq(store_run_delete(r, a), STORE_INVALID);
  ck_assert_int_eq(store_run_delete(NULL, a), STORE_INVALID);
  store_close(r);
}
END_TEST

/* Size of @g_db/data.mdb in bytes. */
static long long data_size(void)
{
  char path[256];
  struct stat st;

  snprintf(path, sizeof path, "%s/data.mdb", g_db);
  ck_assert_int_eq(stat(path, &st), 0);
  return (long long)st.st_size;
}

START_TEST(store_deleted_space_is_reused_and_compact_shrinks)
{
  struct store *s = open_db(0);
  struct store_site_figs before, after;
  long long full, reused, small;
  uint32_t a = 0, b = 0, c = 0;

  ck_assert_int_eq(store_run_new(s, 100, 1, NULL, &a), STORE_OK);
  fill_run(s, a, 1, 4000);
  ck_assert_int_eq(store_run_new(s, 100, 1, NULL, &b), STORE_OK);
  fill_run(s, b, 1, 50);
  full = data_size();
  ck_assert_int_eq(store_run_delete(s, a), STORE_OK);
  /* the same amount again fits in the freed pages */
  ck_assert_int_eq(store_run_new(s, 100, 1, NULL, &c), STORE_OK);
  fill_run(s, c, 1, 4000);
  ck_assert_int_eq(store_run_delete(s, c), STORE_OK);
  reused = data_size();
  ck_assert_int_le(reused, full + full / 4);
  ck_assert_int_eq(store_site_figures(s, b, 0, &before), STORE_OK);
  ck_assert_int_eq(store_compact(s, g_db), STORE_OK);
  /* the handle refuses writes after compacting */
  ck_assert_int_eq(store_run_new(s, 1, 1, NULL, &c), STORE_INVALID);
  store_close(s);
  small = data_size();
  ck_assert_int_lt(small, reused / 2);
  s = open_db(0);
  ck_assert_int_eq(store_site_figures(s, b, 0, &after), STORE_OK);
  ck_assert_int_eq(memcmp(&before, &after, sizeof before), 0);
  ck_assert_uint_eq(n_links(s, b, UINT32_MAX), 50);
  ck_assert_int_eq(store_run_new(s, 1, 1, NULL, &c), STORE_OK);
  ck_assert_uint_gt(c, b);
  store_close(s);
}
END_TEST

/* ---- the walker under the listings, and damaged records ------------------ */

/* Record the internal http link @url of site @site of run 1 at @level,
 * without a parent. */
static void link_add(struct store *s, uint32_t site, const char *url, int level)
{
  ck_assert_int_eq(store_link_put(s, 1, site, url, level, 1, LINK_HTTP, NULL),
                   STORE_OK);
}

static void t_be32(unsigned char *p, uint32_t v)
{
  p[0] = (unsigned char)(v >> 24);
  p[1] = (unsigned char)(v >> 16);
  p[2] = (unsigned char)(v >> 8);
  p[3] = (unsigned char)v;
}

static void t_be64(unsigned char *p, uint64_t v)
{
  t_be32(p, (uint32_t)(v >> 32));
  t_be32(p + 4, (uint32_t)v);
}

/* Put a raw links record of @vlen bytes (level 1, internal, http, parent
 * @parent) under run | site | url @id, with a key of @klen bytes. */
static void raw_link(uint32_t run, uint32_t site, uint64_t id, size_t klen,
                     uint64_t parent, size_t vlen)
{
  unsigned char k[20] = {0}, v[11] = {1, 1, LINK_HTTP};

  t_be32(k, run);
  t_be32(k + 4, site);
  t_be64(k + 8, id);
  t_be64(v + 3, parent);
  raw_put("links", k, klen, v, vlen);
}

/* The value under @key in database @db through the raw LMDB API, its
 * checksum checked and left out, copied into @out (@cap bytes); returns
 * its length, or -1 when absent. */
static long raw_get(const char *db, const void *key, size_t klen, void *out,
                    size_t cap)
{
  MDB_env *env = NULL;
  MDB_txn *txn = NULL;
  MDB_dbi dbi;
  MDB_val k = {klen, (void *)key}, v;
  long n = -1;

  ck_assert_int_eq(mdb_env_create(&env), 0);
  ck_assert_int_eq(mdb_env_set_maxdbs(env, 32), 0);
  ck_assert_int_eq(mdb_env_open(env, g_db, MDB_RDONLY, 0644), 0);
  ck_assert_int_eq(mdb_txn_begin(env, NULL, MDB_RDONLY, &txn), 0);
  ck_assert_int_eq(mdb_dbi_open(txn, db, 0, &dbi), 0);
  if (mdb_get(txn, dbi, &k, &v) == 0) {
    unsigned char sum[4];

    ck_assert_uint_ge(v.mv_size, 4);
    v.mv_size -= 4;
    t_sum(db, key, klen, v.mv_data, v.mv_size, sum);
    ck_assert_int_eq(memcmp(sum, (unsigned char *)v.mv_data + v.mv_size, 4), 0);
    ck_assert_uint_le(v.mv_size, cap);
    memcpy(out, v.mv_data, v.mv_size);
    n = (long)v.mv_size;
  }
  mdb_txn_abort(txn);
  mdb_env_close(env);
  return n;
}

START_TEST(store_long_url_key_is_prefix_nul_salt_fnv1a)
{
  struct store *s = open_db(0);
  static char url[700];
  unsigned char key[410], id[8], want[8];
  uint64_t h = UINT64_C(14695981039346656037);
  size_t i;

  memcpy(url, "http://a.example/", 17);
  memset(url + 17, 'q', sizeof url - 18);
  url[sizeof url - 1] = '\0';
  link_add(s, 0, "http://a.example/", 1);
  ck_assert_int_eq(
    store_link_put(s, 1, 0, url, 2, 1, LINK_HTTP, "http://a.example/"),
    STORE_OK);
  ck_assert_int_eq(store_flush(s), STORE_OK);
  store_close(s);
  /* a short URL is its own key; ids count from 1 */
  t_be64(want, 1);
  ck_assert_int_eq(raw_get("urls", "http://a.example/", 17, id, sizeof id), 8);
  ck_assert_int_eq(memcmp(id, want, 8), 0);
  /* a long one: its first 400 bytes, NUL, salt 0, FNV-1a of the salt byte
   * then the whole URL; the on-disk format, computed here by hand */
  h = (h ^ 0) * UINT64_C(1099511628211);
  for (i = 0; url[i]; i++)
    h = (h ^ (unsigned char)url[i]) * UINT64_C(1099511628211);
  memcpy(key, url, 400);
  key[400] = 0;
  key[401] = 0;
  t_be64(key + 402, h);
  t_be64(want, 2);
  ck_assert_int_eq(raw_get("urls", key, sizeof key, id, sizeof id), 8);
  ck_assert_int_eq(memcmp(id, want, 8), 0);
}
END_TEST

START_TEST(store_listings_grow_and_keep_runs_apart)
{
  struct store *s = open_db(0);
  struct store_site site = {0}, *v = NULL;
  struct store_run *runs = NULL;
  char url[64];
  size_t n = 0, i;
  uint32_t id = 0;

  for (i = 1; i <= 40; i++)
    ck_assert_int_eq(store_run_new(s, (int64_t)i, 1, NULL, &id), STORE_OK);
  /* 300 sites in run 1 and 2 in run 2, written in reverse */
  for (i = 300; i-- > 0;) {
    snprintf(url, sizeof url, "http://s%zu.example/", i);
    site.idx = (uint32_t)i;
    site.start_url = url;
    ck_assert_int_eq(store_site_put(s, 1, &site), STORE_OK);
    if (i < 2)
      ck_assert_int_eq(store_site_put(s, 2, &site), STORE_OK);
  }
  ck_assert_int_eq(store_flush(s), STORE_OK);
  ck_assert_int_eq(store_sites_list(s, 1, &v, &n), STORE_OK);
  ck_assert_uint_eq(n, 300);
  for (i = 0; i < n; i++) {
    snprintf(url, sizeof url, "http://s%zu.example/", i);
    ck_assert_uint_eq(v[i].idx, i);
    ck_assert_str_eq(v[i].start_url, url);
  }
  store_sites_free(v, n);
  ck_assert_int_eq(store_sites_list(s, 2, &v, &n), STORE_OK);
  ck_assert_uint_eq(n, 2);
  store_sites_free(v, n);
  ck_assert_int_eq(store_sites_list(s, 41, &v, &n), STORE_OK);
  ck_assert_ptr_null(v);
  ck_assert_uint_eq(n, 0);
  ck_assert_int_eq(store_runs_list(s, &runs, &n), STORE_OK);
  ck_assert_uint_eq(n, 40);
  for (i = 0; i < n; i++) {
    ck_assert_uint_eq(runs[i].id, i + 1);
    ck_assert_uint_eq(runs[i].n_sites, i == 0 ? 300 : i == 1 ? 2 : 0);
  }
  store_runs_free(runs, n);
  store_close(s);
}
END_TEST

/* Checks that rows come by site, then level, then URL; counts them. */
struct order {
  uint32_t site;
  int level;
  char url[64];
  size_t n;
};

static int in_order(const struct store_link_row *row, void *ud)
{
  struct order *o = ud;

  if (o->n) {
    ck_assert_uint_ge(row->site, o->site);
    if (row->site == o->site) {
      ck_assert_int_ge(row->level, o->level);
      if (row->level == o->level)
        ck_assert_str_gt(row->url, o->url);
    }
  }
  o->site = row->site;
  o->level = row->level;
  snprintf(o->url, sizeof o->url, "%s", row->url);
  o->n++;
  return 0;
}

START_TEST(store_links_each_sorts_many_rows_per_site)
{
  struct store *s = open_db(0);
  struct store_site_figs f;
  struct order o = {0};
  char url[64];
  size_t i;

  /* more rows than the walk's first allocation, in no order */
  for (i = 0; i < 700; i++) {
    snprintf(url, sizeof url, "http://h.example/%zu", (i * 7919) % 700);
    link_add(s, (uint32_t)(i % 2), url, 1 + (int)(i % 3));
  }
  ck_assert_int_eq(store_links_each(s, 1, UINT32_MAX, in_order, &o), STORE_OK);
  ck_assert_uint_eq(o.n, 700);
  memset(&o, 0, sizeof o);
  ck_assert_int_eq(store_links_each(s, 1, 1, in_order, &o), STORE_OK);
  ck_assert_uint_eq(o.n, 350);
  ck_assert_uint_eq(o.site, 1);
  ck_assert_int_eq(store_site_figures(s, 1, 0, &f), STORE_OK);
  ck_assert_uint_eq(
    f.level[1][0].links + f.level[2][0].links + f.level[3][0].links, 350);
  ck_assert_uint_eq(f.level[2][1].classes[CLASS_UNMEASURED],
                    f.level[2][1].links);
  store_close(s);
}
END_TEST

START_TEST(store_links_each_stop_at_site_end_skips_the_next_site)
{
  struct store *s = open_db(0);
  static struct rows rs;

  memset(&rs, 0, sizeof rs);
  link_add(s, 0, "http://a.example/", 1);
  link_add(s, 0, "http://a.example/2", 2);
  link_add(s, 1, "http://b.example/", 1);
  rs.stop_after = 1;
  ck_assert_int_eq(store_links_each(s, 1, UINT32_MAX, collect, &rs), 7);
  ck_assert_uint_eq(rs.n, 1);
  memset(&rs, 0, sizeof rs);
  rs.stop_after = 2;
  ck_assert_int_eq(store_links_each(s, 1, UINT32_MAX, collect, &rs), 7);
  ck_assert_uint_eq(rs.n, 2);
  ck_assert_uint_eq(rs.r[1].site, 0);
  ck_assert_str_eq(rs.r[1].url, "http://a.example/2");
  /* a stopped walk ends its read transaction: writes still work */
  link_add(s, 1, "http://b.example/2", 2);
  ck_assert_int_eq(store_flush(s), STORE_OK);
  memset(&rs, 0, sizeof rs);
  rs.stop_after = 3;
  ck_assert_int_eq(store_links_each(s, 1, UINT32_MAX, collect, &rs), 7);
  ck_assert_uint_eq(rs.r[2].site, 1);
  ck_assert_uint_eq(n_links(s, 1, UINT32_MAX), 4);
  store_close(s);
}
END_TEST

/* Each damaged link makes the listing and the figures STORE_CORRUPT;
 * store_open still works, and other sites still read. */
static void links_corrupt_in_site_1(void)
{
  struct store *s = open_db(0);
  struct store_site_figs f;
  static struct rows rs;

  memset(&rs, 0, sizeof rs);
  memset(&f, 0xff, sizeof f);
  ck_assert_int_eq(store_links_each(s, 1, 1, collect, &rs), STORE_CORRUPT);
  ck_assert_int_eq(store_links_each(s, 1, UINT32_MAX, collect, &rs),
                   STORE_CORRUPT);
  ck_assert_int_eq(store_site_figures(s, 1, 1, &f), STORE_CORRUPT);
  ck_assert_uint_eq(f.level[1][1].links, 0);
  ck_assert_uint_eq(n_links(s, 1, 0), 1);
  store_close(s);
}

/* A new store whose site 0 of run 1 has one link, url id 1. */
static void one_link_store(void)
{
  struct store *s;

  teardown();
  setup();
  s = open_db(0);
  link_add(s, 0, "http://a.example/", 1);
  store_close(s);
}

START_TEST(store_damaged_link_records_are_corrupt)
{
  struct store *s;

  /* a record too short */
  one_link_store();
  raw_link(1, 1, 1, 16, 0, 5);
  links_corrupt_in_site_1();
  /* a key that is not run | site | url id */
  one_link_store();
  raw_link(1, 1, 1, 12, 0, 11);
  links_corrupt_in_site_1();
  /* a url id that was never interned */
  one_link_store();
  raw_link(1, 1, 999, 16, 0, 11);
  s = open_db(0);
  ck_assert_int_eq(store_links_each(s, 1, 1, count_cb, &(size_t){0}),
                   STORE_CORRUPT);
  ck_assert_uint_eq(n_links(s, 1, 0), 1);
  store_close(s);
  /* a parent that was never interned */
  one_link_store();
  raw_link(1, 1, 1, 16, 998, 11);
  s = open_db(0);
  ck_assert_int_eq(store_links_each(s, 1, 1, count_cb, &(size_t){0}),
                   STORE_CORRUPT);
  store_close(s);
}
END_TEST

START_TEST(store_damaged_site_fails_the_list_cleanly)
{
  struct store *s = open_db(0);
  struct store_site site = {0}, *v = (struct store_site *)&site;
  unsigned char key[8] = {0, 0, 0, 1, 0, 0, 0, 9};
  /* six strings: start_url "ab", then a length past the end */
  unsigned char rec[4 + 2 + 4] = {0, 0, 0, 2, 'a', 'b', 0, 0, 1, 0};
  size_t n = 5, i;

  site.start_url = (char *)"http://a.example/";
  for (i = 0; i < 3; i++) {
    site.idx = (uint32_t)i;
    ck_assert_int_eq(store_site_put(s, 1, &site), STORE_OK);
  }
  store_close(s);
  raw_put("sites", key, 8, rec, sizeof rec);
  s = open_db(0);
  /* the three sites before it were decoded, and are freed (ASan) */
  ck_assert_int_eq(store_sites_list(s, 1, &v, &n), STORE_CORRUPT);
  ck_assert_ptr_null(v);
  ck_assert_uint_eq(n, 0);
  store_close(s);
}
END_TEST

START_TEST(store_records_of_older_versions_read_with_defaults)
{
  struct store *s = open_db(0);
  struct store_site *v = NULL;
  struct store_host h;
  unsigned char skey[8] = {0, 0, 0, 1, 0, 0, 0, 0};
  /* schema 1's first site record: six strings, "x" then five NULLs */
  unsigned char srec[5 + 5 * 4] = {0, 0, 0, 1, 'x'};
  unsigned char hkey[4 + 9] = {0,   0,   0,   1,   'a', '.', 'e',
                               'x', 'a', 'm', 'p', 'l', 'e'};
  /* a host record before the lookup times: five NULLs, usable 2 and 3 */
  unsigned char hrec[5 * 4 + 8] = {0};
  size_t n = 0;

  memset(srec + 5, 0xff, 5 * 4);
  memset(hrec, 0xff, 5 * 4);
  hrec[23] = 2;
  hrec[27] = 3;
  store_close(s);
  raw_put("sites", skey, 8, srec, sizeof srec);
  raw_put("hosts", hkey, sizeof hkey, hrec, sizeof hrec);
  s = open_db(0);
  ck_assert_int_eq(store_sites_list(s, 1, &v, &n), STORE_OK);
  ck_assert_uint_eq(n, 1);
  ck_assert_str_eq(v[0].start_url, "x");
  ck_assert_ptr_null(v[0].final_url);
  ck_assert_ptr_null(v[0].error);
  ck_assert_int_eq(v[0].consistent, -1);
  ck_assert_int_eq(v[0].home_tries, 0);
  ck_assert_ptr_null(v[0].ns_hosts);
  ck_assert_int_eq(v[0].script_links, 0);
  ck_assert_int_eq(v[0].pages_truncated, 0);
  store_sites_free(v, n);
  ck_assert_int_eq(store_host_get(s, 1, "A.Example", &h), STORE_OK);
  ck_assert_str_eq(h.name, "a.example");
  ck_assert_ptr_null(h.aaaa);
  ck_assert_int_eq(h.usable_a, 2);
  ck_assert_int_eq(h.usable_aaaa, 3);
  ck_assert(h.a_ms == 0 && h.aaaa_ms == 0);
  store_host_cleanup(&h);
  store_close(s);
}
END_TEST

START_TEST(store_probe_with_unknown_class_is_corrupt)
{
  struct store *s = open_db(0);
  struct store_probe p;
  struct store_site_figs f;
  unsigned char key[12] = {0, 0, 0, 1};
  unsigned char rec[1] = {CLASS__N};

  link_add(s, 0, "http://a.example/", 1);
  store_close(s);
  t_be64(key + 4, 1);
  raw_put("probes", key, sizeof key, rec, sizeof rec);
  s = open_db(0);
  ck_assert_int_eq(store_probe_get(s, 1, "http://a.example/", &p),
                   STORE_CORRUPT);
  ck_assert_ptr_null(p.url);
  ck_assert_int_eq(store_site_figures(s, 1, 0, &f), STORE_CORRUPT);
  ck_assert_int_eq(store_links_each(s, 1, 0, count_cb, &(size_t){0}),
                   STORE_CORRUPT);
  store_close(s);
}
END_TEST

/* 1 when @needle (@n bytes) is in @hay (@len bytes). */
static int has_bytes(const unsigned char *hay, size_t len, const char *needle,
                     size_t n)
{
  size_t i;
  for (i = 0; i + n <= len; i++)
    if (memcmp(hay + i, needle, n) == 0)
      return 1;
  return 0;
}

START_TEST(store_probe_record_leaves_out_its_own_url)
{
  struct store *s = open_db(0);
  struct store_probe p, got;
  const char *url = "http://www.example.cn/col/col1001/index.html";
  const char *v6 = "301 http://www.example.cn/col/col1001/index.html\n"
                   "200 http://www.example.cn/col/col1001/";
  const char *v4 = "ERR Connection refused "
                   "http://www.example.cn/col/col1001/index.html";
  /* a first line that does not end in the URL is kept whole */
  const char *v4b = "429 http://www.example.cn/col/col1001/index.html "
                    "(asked again after 2000 ms)\n"
                    "200 http://www.example.cn/col/col1001/index.html";
  unsigned char key[12] = {0, 0, 0, 1}, rec[512];
  /* a record from before the cut: class 0 (ok), each chain whole */
  unsigned char old[80] = {
    0,   1,   0,   0,   0,   200, 255, 255, 255, 255, 0, 0, 0, 5, 50, 48,
    48,  32,  120, 0,   0,   0,   0,   0,   0,   0,   0, 0, 0, 0, 0,  0,
    0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0, 1, 0, 0, 0,  200,
    255, 255, 255, 255, 255, 255, 255, 255, 0,   0,   0, 0, 0, 0, 0,  0,
    0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0, 0, 0, 0, 0,  0};
  long n;
  size_t ul = strlen(url);

  memset(&p, 0, sizeof p);
  p.url = (char *)url;
  p.klass = CLASS_V6_ONLY;
  p.v6.ok = 1;
  p.v6.status = 200;
  p.v6.hops = (char *)v6;
  p.v4.error = (char *)"Connection refused";
  p.v4.hops = (char *)v4;
  ck_assert_int_eq(store_probe_put(s, 1, &p), STORE_OK);
  ck_assert_int_eq(store_flush(s), STORE_OK);
  store_close(s);

  /* the URL is the key's (its id): the record names it nowhere, and the
   * class byte says both chains were cut */
  t_be64(key + 4, 1);
  n = raw_get("probes", key, sizeof key, rec, sizeof rec);
  ck_assert_int_gt(n, 0);
  ck_assert(!has_bytes(rec, (size_t)n, url, ul));
  ck_assert(
    has_bytes(rec, (size_t)n, "http://www.example.cn/col/col1001/", 34));
  ck_assert_uint_eq(rec[0], (unsigned)CLASS_V6_ONLY | 0xc0u);
  s = open_db(0);
  ck_assert_int_eq(store_probe_get(s, 1, url, &got), STORE_OK);
  ck_assert_int_eq(got.klass, CLASS_V6_ONLY);
  ck_assert_str_eq(got.v6.hops, v6);
  ck_assert_str_eq(got.v4.hops, v4);
  ck_assert_str_eq(got.v4.error, "Connection refused");
  store_probe_cleanup(&got);

  /* only the v4 chain's first line ends in a URL of another probe */
  p.v6.hops = (char *)v4b;
  p.v4.hops = (char *)v6;
  ck_assert_int_eq(store_probe_put(s, 1, &p), STORE_OK);
  ck_assert_int_eq(store_flush(s), STORE_OK);
  ck_assert_int_eq(store_probe_get(s, 1, url, &got), STORE_OK);
  ck_assert_str_eq(got.v6.hops, v4b);
  ck_assert_str_eq(got.v4.hops, v6);
  store_probe_cleanup(&got);
  store_close(s);
  ck_assert_int_gt(raw_get("probes", key, sizeof key, rec, sizeof rec), 0);
  ck_assert_uint_eq(rec[0], (unsigned)CLASS_V6_ONLY | 0x80u);

  /* an older record is read as it is, even one whose chain ends in "x",
   * in a store of schema 2 (before the cut), which a write opening takes
   * to 3 without touching the record */
  t_be64(key + 4, 1);
  raw_put("probes", key, sizeof key, old, sizeof old);
  raw_put("meta", "schema", 6, "\0\0\0\2", 4);
  s = NULL;
  ck_assert_int_eq(store_open(g_db, STORE_RDONLY, 0, &s), STORE_OK);
  ck_assert_int_eq(store_probe_get(s, 1, url, &got), STORE_OK);
  ck_assert_str_eq(got.v6.hops, "200 x");
  store_probe_cleanup(&got);
  store_close(s);
  ck_assert_int_eq(raw_get("meta", "schema", 6, rec, sizeof rec), 4);
  ck_assert_int_eq(memcmp(rec, "\0\0\0\2", 4), 0);
  s = open_db(0);
  ck_assert_int_eq(store_probe_get(s, 1, url, &got), STORE_OK);
  ck_assert_int_eq(got.klass, CLASS_OK);
  ck_assert_str_eq(got.v6.hops, "200 x");
  ck_assert_ptr_null(got.v4.hops);
  store_probe_cleanup(&got);
  store_close(s);
  ck_assert_int_eq(raw_get("meta", "schema", 6, rec, sizeof rec), 4);
  ck_assert_int_eq(memcmp(rec, "\0\0\0\3", 4), 0);
  ck_assert_int_eq(raw_get("probes", key, sizeof key, rec, sizeof rec),
                   (long)sizeof old);
  ck_assert_int_eq(memcmp(rec, old, sizeof old), 0);
}
END_TEST

/* KiB of data.mdb that this process maps (its Rss in /proc/self/smaps). */
static long map_rss_kib(void)
{
  char line[4096];
  long kib = -1;
  int in = 0;
  FILE *f = fopen("/proc/self/smaps", "re");

  ck_assert_ptr_nonnull(f);
  while (fgets(line, sizeof line, f)) {
    unsigned long a, b;
    if (sscanf(line, "%lx-%lx ", &a, &b) == 2 && strchr(line, '/'))
      in = strstr(line, "/data.mdb") != NULL;
    else if (sscanf(line, "%lx-%lx ", &a, &b) == 2)
      in = 0;
    else if (in && strncmp(line, "Rss:", 4) == 0)
      kib = (kib < 0 ? 0 : kib) + strtol(line + 4, NULL, 10);
  }
  fclose(f);
  return kib;
}

START_TEST(store_random_lookups_give_the_map_back)
{
  enum { N = 100000 };
  struct store *s = open_db(0);
  struct store_probe p, got;
  char url[96];
  unsigned i, j;
  long rss;

  for (i = 0; i < N; i++) {
    snprintf(url, sizeof url, "http://www.example.cn/col/col%u/art%u.html",
             i % 97, i);
    probe_set(&p, url, CLASS_OK, 200, 200);
    ck_assert_int_eq(store_probe_put(s, 1, &p), STORE_OK);
  }
  ck_assert_int_eq(store_flush(s), STORE_OK);
  store_close(s);

  /* a URL's id, then its probe, in an order that lands all over the
   * file: the kernel maps 16 pages with each fault, so without the trims
   * every page of the store would end up mapped */
  s = open_db(0);
  for (i = 0, j = 0; i < N; i++, j = (j + 7919) % N) {
    snprintf(url, sizeof url, "http://www.example.cn/col/col%u/art%u.html",
             j % 97, j);
    ck_assert_int_eq(store_probe_get(s, 1, url, &got), STORE_OK);
    store_probe_cleanup(&got);
  }
  rss = map_rss_kib();
  ck_assert_int_ge(rss, 0);
  /* 128 faults of 16 pages: 8 MiB, and a margin; the store is larger */
  ck_assert_int_lt(rss, 12 * 1024);
  store_close(s);
  {
    struct stat st;
    char path[4096];
    snprintf(path, sizeof path, "%s/data.mdb", g_db);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_gt(st.st_size, 24L << 20);
  }
}
END_TEST

/* ---- damage, checksums, locks, check (issue 9, 10, 11) ------------------ */

START_TEST(store_crc32c_is_castagnoli)
{
  /* the check value of CRC-32C; raw_get checks every on-disk sum by it */
  ck_assert_uint_eq(t_crc32c(0, "123456789", 9), 0xe3069283u);
}
END_TEST

/* The store's CRC-32C (the CPU's instruction or the tables) is the
 * bitwise one at every length and alignment, continued or not. */
START_TEST(store_crc32c_fast_paths_agree)
{
  unsigned char b[80];
  size_t at, n;

  for (n = 0; n < sizeof b; n++)
    b[n] = (unsigned char)(n * 37 + 11);
  ck_assert_uint_eq(st_crc32c(0, "123456789", 9), 0xe3069283u);
  ck_assert_uint_eq(st_crc32c_soft(0, "123456789", 9), 0xe3069283u);
  for (at = 0; at < 8; at++)
    for (n = 0; n + at <= sizeof b; n++) {
      uint32_t want = t_crc32c(0x1234u, b + at, n);
      ck_assert_uint_eq(st_crc32c(0x1234u, b + at, n), want);
      ck_assert_uint_eq(st_crc32c_soft(0x1234u, b + at, n), want);
    }
}
END_TEST

/* A store of one finished run with @n_links links, closed. */
static void store_of_one_run(unsigned n_links)
{
  struct store *s = open_db(0);
  uint32_t id = 0;

  ck_assert_int_eq(store_run_new(s, 100, 1, NULL, &id), STORE_OK);
  fill_run(s, id, 2, n_links);
  ck_assert_int_eq(store_run_finish(s, id, 200, 1), STORE_OK);
  ck_assert_int_eq(store_flush(s), STORE_OK);
  store_close(s);
}

static void data_truncate(off_t n)
{
  char path[256];

  snprintf(path, sizeof path, "%s/data.mdb", g_db);
  ck_assert_int_eq(truncate(path, n), 0);
}

START_TEST(store_truncated_file_is_corrupt_not_sigbus)
{
  struct store *s = (struct store *)&s;
  long long size;

  store_of_one_run(400);
  size = data_size();
  ck_assert_int_gt(size, 16 * 4096);
  data_truncate((off_t)size / 2);
  ck_assert_int_eq(store_open(g_db, STORE_RDONLY, 0, &s), STORE_CORRUPT);
  ck_assert_ptr_null(s);
  ck_assert_int_eq(store_open(g_db, 0, 0, &s), STORE_CORRUPT);
  data_truncate(8192);
  ck_assert_int_eq(store_open(g_db, STORE_RDONLY, 0, &s), STORE_CORRUPT);
  ck_assert_int_eq(store_open(g_db, 0, 0, &s), STORE_CORRUPT);
  /* one byte short of a meta page */
  data_truncate(4095);
  ck_assert_int_eq(store_open(g_db, STORE_RDONLY, 0, &s), STORE_CORRUPT);
}
END_TEST

/* Flip the byte after the first occurrence of @needle in data.mdb. */
static void data_flip(const char *needle)
{
  char path[256];
  static unsigned char buf[1 << 20];
  size_t n, len = strlen(needle), i;
  FILE *f;

  snprintf(path, sizeof path, "%s/data.mdb", g_db);
  f = fopen(path, "r+b");
  ck_assert_ptr_nonnull(f);
  n = fread(buf, 1, sizeof buf, f);
  for (i = 0; i + len < n; i++)
    if (memcmp(buf + i, needle, len) == 0)
      break;
  ck_assert_uint_lt(i + len, n);
  ck_assert_int_eq(fseek(f, (long)(i + len), SEEK_SET), 0);
  ck_assert_int_eq(fputc(buf[i + len] ^ 0x01, f), buf[i + len] ^ 0x01);
  ck_assert_int_eq(fclose(f), 0);
}

static int issue_count(const struct store_issue *is, void *ud)
{
  unsigned *n = ud;

  n[is->kind]++;
  return 0;
}

/* The ids of URLs interned in a write that failed are gone with it: the
 * cache of interned URLs must not hand them out again. Edges are filled
 * until the map is full; then the URLs of the failed batch (the last
 * ones were cached) are used again, and every record must name an id
 * that is interned. */
START_TEST(store_full_forgets_the_ids_it_cached)
{
  struct store *s = open_db(TINY_MAP);
  struct store_check_stats cs;
  unsigned kinds[4] = {0};
  char url[200], page[64];
  uint32_t run = 0;
  int i, j, rc = STORE_OK;

  ck_assert_int_eq(store_run_new(s, 1, 1, NULL, &run), STORE_OK);
  ck_assert_int_eq(store_flush(s), STORE_OK);
  for (i = 0; i < 100000 && rc == STORE_OK; i++) {
    snprintf(page, sizeof page, "http://full.example/p%d", i / 40);
    snprintf(url, sizeof url, "http://full.example/a/long/path/to/fill/%d", i);
    rc = store_edge_put(s, run, 0, page, url);
  }
  ck_assert_int_eq(rc, STORE_FULL);
  ck_assert_int_gt(i, 10);
  for (j = i - 1; j >= 0 && j >= i - 4; j--) {
    snprintf(page, sizeof page, "http://full.example/p%d", j / 40);
    snprintf(url, sizeof url, "http://full.example/a/long/path/to/fill/%d", j);
    ck_assert_int_eq(store_edge_put(s, run, 0, page, url), STORE_OK);
  }
  ck_assert_int_eq(store_flush(s), STORE_OK);
  ck_assert_int_eq(store_check(s, 0, issue_count, kinds, &cs), STORE_OK);
  ck_assert_uint_eq(kinds[STORE_ISSUE_DANGLING], 0);
  ck_assert_uint_eq(kinds[STORE_ISSUE_DAMAGED], 0);
  store_close(s);
}
END_TEST

/* A reference spares the probe's lookup of its URL, and one taken before
 * ids were lost (a full map drops the write) is not used: the id it named
 * belongs to the next URL interned by then. */
START_TEST(store_url_ref_spares_the_lookup_and_goes_stale_with_lost_ids)
{
  struct store *s = open_db(TINY_MAP);
  struct store_probe p, got;
  const char *a = "http://ref.example/a", *b = "http://ref.example/b",
             *c = "http://ref.example/c";
  char page[64], url[200];
  uint64_t ra = 1, rb = 0, rc_ref = 0;
  uint32_t run = 0;
  int i, rc = STORE_OK;

  ck_assert_int_eq(store_url_ref(s, NULL, &ra), STORE_INVALID);
  ck_assert(ra == 0);
  ck_assert_int_eq(store_url_ref(NULL, a, &ra), STORE_INVALID);
  ck_assert_int_eq(store_run_new(s, 1, 1, NULL, &run), STORE_OK);
  ck_assert_int_eq(store_url_ref(s, a, &ra), STORE_OK);
  ck_assert(ra != 0);
  probe_set(&p, a, CLASS_NO_AAAA, 0, 200);
  ck_assert_int_eq(store_probe_put_ref(s, run, &p, ra), STORE_OK);
  ck_assert_int_eq(store_flush(s), STORE_OK);
  ck_assert_int_eq(store_probe_get(s, run, a, &got), STORE_OK);
  ck_assert_int_eq(got.klass, CLASS_NO_AAAA);
  ck_assert_str_eq(got.url, a);
  store_probe_cleanup(&got);

  /* b's id is new in a write that the full map then drops */
  ck_assert_int_eq(store_url_ref(s, b, &rb), STORE_OK);
  ck_assert(rb != 0);
  for (i = 0; i < 100000 && rc == STORE_OK; i++) {
    snprintf(page, sizeof page, "http://ref.example/p%d", i / 40);
    snprintf(url, sizeof url, "http://ref.example/a/long/path/to/fill/%d", i);
    rc = store_edge_put(s, run, 0, page, url);
  }
  ck_assert_int_eq(rc, STORE_FULL);
  /* c takes the id b had */
  ck_assert_int_eq(store_url_ref(s, c, &rc_ref), STORE_OK);
  ck_assert((rc_ref & 0xffffffffffffull) == (rb & 0xffffffffffffull));
  probe_set(&p, b, CLASS_V6_BROKEN, 0, 200);
  ck_assert_int_eq(store_probe_put_ref(s, run, &p, rb), STORE_OK);
  ck_assert_int_eq(store_flush(s), STORE_OK);
  ck_assert_int_eq(store_probe_get(s, run, b, &got), STORE_OK);
  ck_assert_int_eq(got.klass, CLASS_V6_BROKEN);
  store_probe_cleanup(&got);
  ck_assert_int_eq(store_probe_get(s, run, c, &got), STORE_NOTFOUND);
  ck_assert_int_eq(store_probe_get(s, run, a, &got), STORE_OK);
  ck_assert_int_eq(got.klass, CLASS_NO_AAAA);
  store_probe_cleanup(&got);
  store_close(s);
}
END_TEST

START_TEST(store_flipped_byte_is_corrupt_never_other_data)
{
  struct store *s = open_db(0);
  struct store_site site = {0}, *v = NULL;
  struct store_check_stats cs;
  unsigned kinds[4] = {0};
  size_t n = 9;

  site.start_url = (char *)"http://flip.example/";
  site.name = (char *)"Flip";
  ck_assert_int_eq(store_site_put(s, 1, &site), STORE_OK);
  ck_assert_int_eq(store_run_new(s, 1, 1, NULL, &(uint32_t){0}), STORE_OK);
  ck_assert_int_eq(store_flush(s), STORE_OK);
  store_close(s);
  /* "http://flip.exampl" + 'e' ^ 1: still a string that decodes */
  data_flip("http://flip.exampl");
  ck_assert_int_eq(store_open(g_db, STORE_RDONLY, 0, &s), STORE_OK);
  ck_assert_int_eq(store_sites_list(s, 1, &v, &n), STORE_CORRUPT);
  ck_assert_ptr_null(v);
  ck_assert_uint_eq(n, 0);
  ck_assert_int_eq(store_check(s, 0, issue_count, kinds, &cs), STORE_OK);
  ck_assert_uint_eq(cs.damaged, 1);
  ck_assert_uint_eq(kinds[STORE_ISSUE_DAMAGED], 1);
  store_close(s);
}
END_TEST

START_TEST(store_schema_1_is_read_then_upgraded)
{
  unsigned char one[4] = {0, 0, 0, 1}, key[4] = {0, 0, 0, 1}, got[64];
  /* schema 1's run record: started 5, finished 6, complete, vantage 1,
   * options NULL; no checksum */
  unsigned char rec[8 + 8 + 1 + 4 + 4] = {0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0,
                                          0, 0, 0, 0, 6, 1, 0, 0, 0, 1};
  const char *dbs[] = {"runs",  "sites", "urls",  "url_ids",
                       "links", "edges", "hosts", "probes"};
  struct store *s = NULL;
  struct store_run r;
  size_t i;

  ck_assert_int_eq(mkdir(g_db, 0755), 0);
  memset(rec + 21, 0xff, 4);
  raw_put_as("meta", "schema", 6, one, 4, 0);
  for (i = 0; i < sizeof dbs / sizeof dbs[0]; i++)
    raw_put_as(dbs[i], "x", 1, "", 0, 0);
  raw_put_as("runs", key, 4, rec, sizeof rec, 0);
  /* the stray "x" records are not runs' business: delete them again */
  {
    MDB_env *env = NULL;
    MDB_txn *txn = NULL;
    MDB_dbi dbi;
    MDB_val k = {1, (void *)"x"};

    ck_assert_int_eq(mdb_env_create(&env), 0);
    ck_assert_int_eq(mdb_env_set_maxdbs(env, 32), 0);
    ck_assert_int_eq(mdb_env_open(env, g_db, 0, 0644), 0);
    ck_assert_int_eq(mdb_txn_begin(env, NULL, 0, &txn), 0);
    for (i = 0; i < sizeof dbs / sizeof dbs[0]; i++) {
      ck_assert_int_eq(mdb_dbi_open(txn, dbs[i], 0, &dbi), 0);
      ck_assert_int_eq(mdb_del(txn, dbi, &k, NULL), 0);
    }
    ck_assert_int_eq(mdb_txn_commit(txn), 0);
    mdb_env_close(env);
  }
  /* read as it is */
  ck_assert_int_eq(store_open(g_db, STORE_RDONLY, 0, &s), STORE_OK);
  ck_assert_int_eq(store_run_get(s, 1, &r), STORE_OK);
  ck_assert_int_eq(r.started, 5);
  ck_assert_int_eq(r.finished, 6);
  ck_assert_int_eq(r.complete, 1);
  store_run_cleanup(&r);
  store_close(s);
  /* upgraded by an open for writing: checksums added, schema 3 */
  s = open_db(0);
  ck_assert_int_eq(store_run_get(s, 1, &r), STORE_OK);
  ck_assert_int_eq(r.finished, 6);
  store_run_cleanup(&r);
  store_close(s);
  ck_assert_int_eq(raw_get("meta", "schema", 6, got, sizeof got), 4);
  ck_assert_int_eq(memcmp(got, "\0\0\0\3", 4), 0);
  /* the record as it was, now with its checksum (raw_get checks it) */
  ck_assert_int_eq(raw_get("runs", key, 4, got, sizeof got), sizeof rec);
  ck_assert_int_eq(memcmp(got, rec, sizeof rec), 0);
}
END_TEST

START_TEST(store_running_run_is_neither_deleted_nor_compacted)
{
  struct store *s = NULL, *c = NULL;
  int go[2], done[2], status = -1;
  uint32_t id = 0;
  char byte = 0;
  pid_t pid;

  s = open_db(0);
  store_close(s);
  ck_assert_int_eq(pipe(go), 0);
  ck_assert_int_eq(pipe(done), 0);
  pid = fork();
  ck_assert_int_ge(pid, 0);
  if (pid == 0) {
    /* the crawl: creates run 1, then waits */
    if (store_open(g_db, 0, 0, &c) || store_run_new(c, 1, 1, NULL, &id) ||
        store_flush(c) || write(go[1], "r", 1) != 1 ||
        read(done[0], &byte, 1) != 1)
      _exit(1);
    store_close(c);
    _exit(0);
  }
  ck_assert_int_eq(read(go[0], &byte, 1), 1);
  s = open_db(0);
  ck_assert_int_eq(store_run_running(s, 1), 1);
  ck_assert_int_eq(store_run_running(s, 2), 0);
  ck_assert_int_eq(store_run_delete(s, 1), STORE_BUSY);
  ck_assert_int_eq(store_compact(s, g_db), STORE_BUSY);
  ck_assert_int_eq(store_run_latest(s, &id), STORE_OK);
  ck_assert_uint_eq(id, 1);
  ck_assert_int_eq(write(done[1], "d", 1), 1);
  ck_assert_int_eq(waitpid(pid, &status, 0), pid);
  ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  /* its process is gone: interrupted, not running */
  ck_assert_int_eq(store_run_running(s, 1), 0);
  ck_assert_int_eq(store_run_delete(s, 1), STORE_OK);
  ck_assert_int_eq(store_compact(s, g_db), STORE_OK);
  store_close(s);
}
END_TEST

START_TEST(store_check_finds_dangling_and_orphans_and_repairs)
{
  struct store *s = NULL;
  struct store_check_stats cs;
  unsigned kinds[4] = {0};
  unsigned char skey[8] = {0, 0, 0, 9, 0, 0, 0, 0};
  unsigned char srec[6 * 4];

  store_of_one_run(3);
  memset(srec, 0xff, sizeof srec);
  raw_put("sites", skey, 8, srec, sizeof srec); /* run 9 does not exist */
  raw_link(1, 1, 999, 16, 0, 11);               /* url 999 is not interned */
  ck_assert_int_eq(store_open(g_db, STORE_RDONLY, 0, &s), STORE_OK);
  ck_assert_int_eq(store_check(s, 1, issue_count, kinds, &cs), STORE_INVALID);
  ck_assert_int_eq(store_check(s, 0, issue_count, kinds, &cs), STORE_OK);
  ck_assert_uint_eq(cs.dangling, 1);
  ck_assert_uint_eq(cs.orphans, 1);
  ck_assert_uint_eq(cs.removed, 0);
  ck_assert_uint_eq(kinds[STORE_ISSUE_DANGLING], 1);
  ck_assert_uint_eq(kinds[STORE_ISSUE_ORPHAN], 1);
  ck_assert_uint_eq(cs.dbs, 22);
  store_close(s);
  s = open_db(0);
  ck_assert_int_eq(store_check(s, 1, issue_count, kinds, &cs), STORE_OK);
  ck_assert_uint_eq(cs.removed, 1);
  ck_assert_int_eq(store_check(s, 0, issue_count, kinds, &cs), STORE_OK);
  ck_assert_uint_eq(cs.orphans, 0);
  ck_assert_uint_eq(cs.dangling, 1);
  store_close(s);
}
END_TEST

START_TEST(store_missing_records_are_found_by_the_run_counts)
{
  struct store *s = NULL;
  struct store_site_figs f;
  MDB_env *env = NULL;
  MDB_txn *txn = NULL;
  MDB_dbi dbi;
  MDB_cursor *cur = NULL;
  MDB_val k, v;
  unsigned char pk[4] = {0, 0, 0, 1};
  struct store_check_stats cs;
  unsigned kinds[4] = {0};

  store_of_one_run(5);
  /* one probe goes, as when LMDB walks past a damaged leaf */
  ck_assert_int_eq(mdb_env_create(&env), 0);
  ck_assert_int_eq(mdb_env_set_maxdbs(env, 32), 0);
  ck_assert_int_eq(mdb_env_open(env, g_db, 0, 0644), 0);
  ck_assert_int_eq(mdb_txn_begin(env, NULL, 0, &txn), 0);
  ck_assert_int_eq(mdb_dbi_open(txn, "probes", 0, &dbi), 0);
  ck_assert_int_eq(mdb_cursor_open(txn, dbi, &cur), 0);
  k.mv_size = 4;
  k.mv_data = pk;
  ck_assert_int_eq(mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE), 0);
  ck_assert_int_eq(mdb_cursor_del(cur, 0), 0);
  mdb_cursor_close(cur);
  ck_assert_int_eq(mdb_txn_commit(txn), 0);
  mdb_env_close(env);
  ck_assert_int_eq(store_open(g_db, STORE_RDONLY, 0, &s), STORE_OK);
  /* not an unmeasured link: the run is damaged */
  ck_assert_int_eq(store_site_figures(s, 1, 0, &f), STORE_CORRUPT);
  store_close(s);
  /* and check says which run */
  ck_assert_int_eq(store_open(g_db, STORE_RDONLY, 0, &s), STORE_OK);
  ck_assert_int_eq(store_check(s, 0, issue_count, kinds, &cs), STORE_OK);
  ck_assert_uint_eq(kinds[STORE_ISSUE_COUNT], 1);
  ck_assert_uint_eq(cs.damaged, 1);
  ck_assert_uint_eq(kinds[STORE_ISSUE_DAMAGED], 0);
  store_close(s);
}
END_TEST

/* The status a child exits with (or -signal when a signal killed it)
 * after @fault(@s, @lo) on the store of one run opened under the guard
 * (exit 42), @lo being where the process maps its data.mdb: 2 when the
 * fault did not come, 3 when the store could not be set up. */
/* What the last guarded_child wrote to stderr (its first line). */
static char guarded_err[512];

static int guarded_child(void (*fault)(struct store *s, const char *lo))
{
  struct store *s = NULL;
  uintptr_t lo = 0, hi = 0;
  int status = -1;
  pid_t pid;
  char errf[192];
  FILE *f;

  snprintf(errf, sizeof errf, "%s/guard.err", g_tmp);
  store_of_one_run(400);
  pid = fork();
  ck_assert_int_ge(pid, 0);
  if (pid == 0) {
    if (!freopen(errf, "w", stderr))
      _exit(3);
    if (store_fault_guard(42, "t: ", "") != STORE_OK ||
        store_open(g_db, STORE_RDONLY, 0, &s) != STORE_OK ||
        st_map_range(s->env, &lo, &hi) != 0 || hi - lo < 65536 + 1)
      _exit(3);
    fault(s, (const char *)lo);
    _exit(2);
  }
  ck_assert_int_eq(waitpid(pid, &status, 0), pid);
  guarded_err[0] = 0;
  if ((f = fopen(errf, "r"))) {
    if (!fgets(guarded_err, sizeof guarded_err, f))
      guarded_err[0] = 0;
    fclose(f);
  }
  unlink(errf);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

/* the file cut under the map, then a byte of the map read outside any
 * LMDB call (SIGBUS) */
static void read_past_the_cut(struct store *s, const char *lo)
{
  (void)s;
  data_truncate(8192);
  (void)*(volatile const char *)(lo + 65536);
}

/* the store closed, then where its map was read (SIGSEGV) */
static void read_after_close(struct store *s, const char *lo)
{
  store_close(s);
  (void)*(volatile const char *)lo;
}

/* cut under a reader: its pages beyond 8 KB now fault (SIGBUS) inside
 * LMDB */
static void cut_under_a_reader(struct store *s, const char *lo)
{
  (void)lo;
  data_truncate(8192);
  (void)n_links(s, 1, UINT32_MAX);
}

START_TEST(store_fault_inside_lmdb_exits_through_the_guard)
{
  ck_assert_int_eq(guarded_child(cut_under_a_reader), 42);
  ck_assert_msg(strstr(guarded_err, "is damaged: reading data.mdb faulted "
                                    "inside LMDB"),
                "%s", guarded_err);
}
END_TEST

/* A fault at an address of the store's map is the store's, inside LMDB
 * or not: the guard knows the map from /proc/self/maps (LMDB says where
 * only for MDB_FIXEDMAP). */
START_TEST(store_fault_in_the_map_exits_through_the_guard)
{
  ck_assert_int_eq(guarded_child(read_past_the_cut), 42);
  ck_assert_msg(strstr(guarded_err, "is damaged: reading data.mdb faulted at "
                                    "an address of its map, outside LMDB"),
                "%s", guarded_err);
}
END_TEST

/* Once the store is closed those addresses are no longer its: a fault
 * there is a bug and crashes as one (SIGSEGV; in the sanitizer build
 * AddressSanitizer's report and its exit status). */
START_TEST(store_fault_after_close_is_not_the_stores)
{
  int r = guarded_child(read_after_close);
  ck_assert(r == -SIGSEGV || (r > 0 && r != 2 && r != 3 && r != 42));
}
END_TEST

/* The vantage records of a run: every field back, in seq order, apart
 * from other runs, gone with their run. */
START_TEST(store_cond_roundtrip_per_run_and_delete)
{
  struct store *s = open_db(0);
  uint32_t a = 0, b = 0;
  char *v = (char *)"x", key[70];

  ck_assert_int_eq(store_run_new(s, 100, 1, NULL, &a), STORE_OK);
  ck_assert_int_eq(store_run_new(s, 200, 1, NULL, &b), STORE_OK);
  ck_assert_int_eq(store_cond_put(s, a, "dns", "127.0.0.1:53"), STORE_OK);
  ck_assert_int_eq(store_cond_put(s, a, "dns", "[::1]:5353"), STORE_OK);
  ck_assert_int_eq(store_cond_put(s, b, "psl", "2023-02-09"), STORE_OK);
  ck_assert_int_eq(store_cond_put(s, a, "", "x"), STORE_INVALID);
  memset(key, 'k', sizeof key - 1);
  key[sizeof key - 1] = '\0';
  ck_assert_int_eq(store_cond_put(s, a, key, "x"), STORE_INVALID);
  ck_assert_int_eq(store_cond_put(s, a, "dns", NULL), STORE_INVALID);
  ck_assert_int_eq(store_cond_get(s, a, "dns", &v), STORE_OK);
  ck_assert_str_eq(v, "[::1]:5353");
  free(v);
  ck_assert_int_eq(store_cond_get(s, a, "psl", &v), STORE_NOTFOUND);
  ck_assert_ptr_null(v);
  ck_assert_int_eq(store_cond_get(s, b, "dns", &v), STORE_NOTFOUND);
  ck_assert_int_eq(store_flush(s), STORE_OK);
  ck_assert_int_eq(store_run_delete(s, a), STORE_OK);
  ck_assert_int_eq(store_cond_get(s, a, "dns", &v), STORE_NOTFOUND);
  ck_assert_int_eq(store_cond_get(s, b, "psl", &v), STORE_OK);
  ck_assert_str_eq(v, "2023-02-09");
  free(v);
  store_close(s);
}
END_TEST

START_TEST(store_vantage_roundtrip_and_delete)
{
  struct store *s = open_db(0);
  struct store_vantage v, *l = NULL;
  size_t n = 9;
  uint32_t a = 0, b = 0;

  ck_assert_int_eq(store_run_new(s, 100, 1, NULL, &a), STORE_OK);
  ck_assert_int_eq(store_run_new(s, 200, 1, NULL, &b), STORE_OK);
  memset(&v, 0, sizeof v);
  v.seq = 1;
  v.how = STORE_VANTAGE_FAILURES;
  v.start_ms = 1764632461123;
  v.end_ms = 0;
  v.ipv4 = 1;
  v.reasked = 3;
  v.unmeasured = 4;
  v.detail = (char *)"IPv6: [2001:db8::1]:53 timed out";
  ck_assert_int_eq(store_vantage_put(s, a, &v), STORE_OK);
  memset(&v, 0, sizeof v);
  v.how = STORE_VANTAGE_START;
  v.start_ms = 1764632460000;
  v.end_ms = 1764632460100;
  v.ipv4 = 1;
  v.ipv6 = -1;
  ck_assert_int_eq(store_vantage_put(s, a, &v), STORE_OK);
  v.how = STORE_VANTAGE__N;
  ck_assert_int_eq(store_vantage_put(s, a, &v), STORE_INVALID);
  v.how = STORE_VANTAGE_PERIODIC;
  ck_assert_int_eq(store_vantage_put(s, b, &v), STORE_OK);

  ck_assert_int_eq(store_vantage_list(s, a, &l, &n), STORE_OK);
  ck_assert_uint_eq(n, 2);
  ck_assert_uint_eq(l[0].seq, 0);
  ck_assert_int_eq(l[0].how, STORE_VANTAGE_START);
  ck_assert_int_eq(l[0].start_ms, 1764632460000);
  ck_assert_int_eq(l[0].end_ms, 1764632460100);
  ck_assert_int_eq(l[0].ipv4, 1);
  ck_assert_int_eq(l[0].ipv6, -1);
  ck_assert_ptr_null(l[0].detail);
  ck_assert_uint_eq(l[1].seq, 1);
  ck_assert_int_eq(l[1].how, STORE_VANTAGE_FAILURES);
  ck_assert_int_eq(l[1].start_ms, 1764632461123);
  ck_assert_int_eq(l[1].end_ms, 0);
  ck_assert_int_eq(l[1].reasked, 3);
  ck_assert_int_eq(l[1].unmeasured, 4);
  ck_assert_str_eq(l[1].detail, "IPv6: [2001:db8::1]:53 timed out");
  store_vantage_free(l, n);
  ck_assert_str_eq(store_vantage_how_name(STORE_VANTAGE_END), "end");
  ck_assert_str_eq(store_vantage_how_name(-1), "?");

  ck_assert_int_eq(store_run_delete(s, a), STORE_OK);
  ck_assert_int_eq(store_vantage_list(s, a, &l, &n), STORE_OK);
  ck_assert_uint_eq(n, 0);
  ck_assert_ptr_null(l);
  ck_assert_int_eq(store_vantage_list(s, b, &l, &n), STORE_OK);
  ck_assert_uint_eq(n, 1);
  ck_assert_int_eq(l[0].how, STORE_VANTAGE_PERIODIC);
  store_vantage_free(l, n);
  store_close(s);
}
END_TEST

/* A store written before the vantage database existed: a read-only open
 * (the reports) works and reads no vantage record; a writing open adds
 * the database. */
START_TEST(store_without_vantage_db_opens_read_only)
{
  struct store *s = open_db(0);
  struct store_vantage v, *l = (void *)1;
  struct store_run *runs = NULL;
  MDB_env *env = NULL;
  MDB_txn *txn = NULL;
  MDB_dbi dbi, main_dbi;
  MDB_val k = {7, (void *)"vantage"};
  size_t n = 9;
  uint32_t a = 0;

  ck_assert_int_eq(store_run_new(s, 100, 1, NULL, &a), STORE_OK);
  store_close(s);
  /* drop the database and its name, as a store of the older version */
  ck_assert_int_eq(mdb_env_create(&env), 0);
  ck_assert_int_eq(mdb_env_set_maxdbs(env, 16), 0);
  ck_assert_int_eq(mdb_env_open(env, g_db, 0, 0644), 0);
  ck_assert_int_eq(mdb_txn_begin(env, NULL, 0, &txn), 0);
  ck_assert_int_eq(mdb_dbi_open(txn, "vantage", 0, &dbi), 0);
  ck_assert_int_eq(mdb_drop(txn, dbi, 1), 0);
  ck_assert_int_eq(mdb_dbi_open(txn, NULL, 0, &main_dbi), 0);
  ck_assert_int_eq(mdb_get(txn, main_dbi, &k, &k), MDB_NOTFOUND);
  ck_assert_int_eq(mdb_txn_commit(txn), 0);
  mdb_env_close(env);

  ck_assert_int_eq(store_open(g_db, STORE_RDONLY, 0, &s), STORE_OK);
  ck_assert_int_eq(store_runs_list(s, &runs, &n), STORE_OK);
  ck_assert_uint_eq(n, 1);
  store_runs_free(runs, n);
  ck_assert_int_eq(store_vantage_list(s, a, &l, &n), STORE_OK);
  ck_assert_ptr_null(l);
  ck_assert_uint_eq(n, 0);
  store_close(s);

  s = open_db(0);
  memset(&v, 0, sizeof v);
  ck_assert_int_eq(store_vantage_put(s, a, &v), STORE_OK);
  ck_assert_int_eq(store_vantage_list(s, a, &l, &n), STORE_OK);
  ck_assert_uint_eq(n, 1);
  store_vantage_free(l, n);
  store_close(s);
}
END_TEST

static Suite *store_suite(void)
{
  Suite *su = suite_create("store");
  TCase *tc = tcase_create("store");

  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 30);
  tcase_add_test(tc, store_run_ids_increase);
  tcase_add_test(tc, store_run_roundtrip_finish_and_site_count);
  tcase_add_test(tc, store_pending_counts_writes_until_the_flush);
  tcase_add_test(tc, store_sites_list_in_idx_order_with_null_fields);
  tcase_add_test(tc, store_link_first_seen_wins);
  tcase_add_test(tc, store_edges_are_idempotent_per_site);
  tcase_add_test(tc, store_invalid_write_keeps_the_batch);
  tcase_add_test(tc, store_long_urls_are_distinct_and_exact);
  tcase_add_test(tc, store_figures_counts_classes_by_level_and_scope);
  tcase_add_test(tc, store_concentration_null_when_nothing_counted);
  tcase_add_test(tc, store_full_keeps_last_flush);
  tcase_add_test(tc, store_full_forgets_the_ids_it_cached);
  tcase_add_test(tc,
                 store_url_ref_spares_the_lookup_and_goes_stale_with_lost_ids);
  tcase_add_test(tc, store_reopen_after_unflushed_writes_loses_only_last_batch);
  tcase_add_test(tc, store_other_process_sees_last_flush);
  tcase_add_test(tc, store_newer_schema_refused);
  tcase_add_test(tc, store_truncated_record_is_corrupt);
  tcase_add_test(tc, store_rdonly_absent_dir_is_io_error);
  tcase_add_test(tc, store_unwritable_dir_is_io_error);
  tcase_add_test(tc, store_rdonly_refuses_writes);
  tcase_add_test(tc, store_host_roundtrip);
  tcase_add_test(tc, store_deleg_roundtrip_and_run_delete);
  tcase_add_test(tc, store_probe_roundtrip_all_fields);
  tcase_add_test(tc, store_links_each_orders_and_joins_evidence);
  tcase_add_test(tc, store_links_each_callback_may_read);
  tcase_add_test(tc, store_class_names_roundtrip);
  tcase_add_test(tc, store_strerror_names_every_code);
  tcase_add_test(tc, store_run_delete_removes_every_record_of_the_run_only);
  tcase_add_test(tc, store_pages_roundtrip_per_site_and_deleted_with_run);
  tcase_add_test(tc, store_rdonly_opens_a_store_from_before_the_pages_db);
  tcase_add_test(tc, store_run_delete_refused_read_only_and_null);
  tcase_add_test(tc, store_deleted_space_is_reused_and_compact_shrinks);
  tcase_add_test(tc, store_long_url_key_is_prefix_nul_salt_fnv1a);
  tcase_add_test(tc, store_listings_grow_and_keep_runs_apart);
  tcase_add_test(tc, store_links_each_sorts_many_rows_per_site);
  tcase_add_test(tc, store_links_each_stop_at_site_end_skips_the_next_site);
  tcase_add_test(tc, store_damaged_link_records_are_corrupt);
  tcase_add_test(tc, store_damaged_site_fails_the_list_cleanly);
  tcase_add_test(tc, store_records_of_older_versions_read_with_defaults);
  tcase_add_test(tc, store_vantage_roundtrip_and_delete);
  tcase_add_test(tc, store_cond_roundtrip_per_run_and_delete);
  tcase_add_test(tc, store_without_vantage_db_opens_read_only);
  tcase_add_test(tc, store_probe_with_unknown_class_is_corrupt);
  tcase_add_test(tc, store_probe_record_leaves_out_its_own_url);
  tcase_add_test(tc, store_random_lookups_give_the_map_back);
  tcase_add_test(tc, store_crc32c_is_castagnoli);
  tcase_add_test(tc, store_crc32c_fast_paths_agree);
  tcase_add_test(tc, store_truncated_file_is_corrupt_not_sigbus);
  tcase_add_test(tc, store_flipped_byte_is_corrupt_never_other_data);
  tcase_add_test(tc, store_schema_1_is_read_then_upgraded);
  tcase_add_test(tc, store_running_run_is_neither_deleted_nor_compacted);
  tcase_add_test(tc, store_check_finds_dangling_and_orphans_and_repairs);
  tcase_add_test(tc, store_missing_records_are_found_by_the_run_counts);
  tcase_add_test(tc, store_fault_inside_lmdb_exits_through_the_guard);
  tcase_add_test(tc, store_fault_in_the_map_exits_through_the_guard);
  tcase_add_test(tc, store_fault_after_close_is_not_the_stores);
  tcase_add_test(tc, store_render_only_walks_the_edges_as_served);
  suite_add_tcase(su, tc);
  return su;
}

int main(void)
{
  return check_run(store_suite());
}
