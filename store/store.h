/* store/store.h - the LMDB store: runs, sites, interned URLs, the link
 * graph, hosts with their DNS answers, probe results, and the figures
 * computed from them.
 *
 * Reports are computed from the store alone. No MDB_* type appears here:
 * every record handed out is a copy the caller owns (or, where a function
 * says "lent", valid only until the callback returns).
 *
 * Writes go into one write transaction that the store opens on the first
 * write and commits on store_flush(); a killed writer loses at most the
 * writes since the last flush, and the store always opens afterwards.
 * While a write transaction is open, reads in the same process see its
 * uncommitted writes; other processes see the last flush.
 *
 * A write that fails with STORE_FULL, STORE_IO, STORE_NOMEM or
 * STORE_CORRUPT also drops the open write transaction: the store is back
 * at the last successful flush, and the next write starts afresh.
 * STORE_INVALID (checked before anything is written) and STORE_NOTFOUND
 * drop nothing.
 *
 * Every function below says which codes it returns. Two groups recur:
 * "a read error" is STORE_BUSY (LMDB's reader table is full), STORE_NOMEM,
 * STORE_IO or STORE_CORRUPT (a record or the file is damaged); "a write
 * error" is STORE_FULL, STORE_NOMEM, STORE_IO or STORE_CORRUPT, and drops
 * the write transaction as said above. Every function taking a store
 * returns STORE_INVALID for a NULL one, and every write STORE_INVALID on a
 * store opened STORE_RDONLY (or compacted).
 *
 * Records handed out (struct store_run, store_site, store_host,
 * store_probe and their arrays) are the caller's, valid until the caller
 * cleans them up or frees them, independent of the store: they may outlive
 * it. A function that fails leaves its output needing no cleanup (its
 * pointers NULL, arrays NULL, counts 0).
 */
#ifndef V6_STORE_H
#define V6_STORE_H

#include <stddef.h>
#include <stdint.h>

enum store_rc {
  STORE_OK = 0,
  STORE_NOTFOUND = -1, /* a result, not a failure */
  STORE_FULL = -2,     /* the map (or the disk) is full */
  STORE_NOMEM = -3,
  STORE_IO = -4,      /* cannot create, open, read or write the files */
  STORE_VERSION = -5, /* made by a newer v6crawl (schema too new) */
  STORE_CORRUPT = -6, /* a record does not decode */
  STORE_BUSY = -7,    /* another process holds the store for writing */
  STORE_INVALID = -8  /* bad argument (e.g. writing to a read-only store) */
};

/* Static English description of a store_rc ("unknown store error" for any
 * other value); never NULL, never to be freed. */
const char *store_strerror(int rc);

/* The class of a link (doc/measurement.md). The order is the report's order. */
enum link_class {
  CLASS_OK = 0,
  CLASS_V6_ONLY,
  CLASS_NO_AAAA,
  CLASS_V6_BROKEN,
  CLASS_V6_ERROR,
  CLASS_DEAD,
  CLASS_ROBOTS,
  CLASS_SKIPPED,    /* not http(s), or a URL a browser rejects */
  CLASS_UNMEASURED, /* not probed: run interrupted, or no IPv6 here */
  CLASS__N
};

/* "ok", "v6-only", "no-aaaa", "v6-broken", "v6-error", "dead", "robots",
 * "skipped", "unmeasured": a static string, never to be freed; NULL for an
 * out-of-range value. */
const char *store_class_name(int klass);
/* Inverse of store_class_name: the class, or -1 when @name is NULL or not
 * a class name. */
int store_class_parse(const char *name);

#define STORE_MAX_LEVEL 10

struct store;

enum store_open_flags {
  STORE_RDONLY = 1 /* open for reading only; fails STORE_IO if absent */
};

/* Open (creating if needed, unless STORE_RDONLY) the store in directory
 * @dir. @map_size is the LMDB map size in bytes; 0 picks the default
 * (16 GiB, sparse). On STORE_OK *out is owned by the caller, closed with
 * store_close(); on error *out is NULL. One store may be used by one
 * thread at a time. Returns STORE_OK, STORE_IO (with the path in the message
 * the caller prints), STORE_VERSION, STORE_BUSY or STORE_NOMEM; also
 * STORE_CORRUPT (STORE_RDONLY on an LMDB that is not a v6crawl store),
 * STORE_FULL (@map_size too small to create the store) and STORE_INVALID
 * (NULL or empty @dir, unknown @flags). */
int store_open(const char *dir, int flags, size_t map_size, struct store **out);

/* Commit the open write transaction, if any (STORE_OK when there is none).
 * Returns STORE_OK, STORE_INVALID (NULL @s), STORE_FULL, STORE_IO or
 * STORE_NOMEM; on error the writes since the last flush are lost and the
 * store stays as it was at the last successful flush. */
int store_flush(struct store *s);

/* Flush, then close, freeing @s. Accepts NULL. The flush result is
 * discarded: call store_flush() first when it matters. Records handed out
 * before stay valid; callbacks must not close the store. */
void store_close(struct store *s);

/* ---- runs --------------------------------------------------------------- */

struct store_run {
  uint32_t id;      /* 1, 2, 3 ... */
  int64_t started;  /* unix seconds */
  int64_t finished; /* unix seconds; 0 while running */
  int complete;     /* 1 when the crawl ran to its end */
  int vantage_ipv6; /* 1 this machine had IPv6, 0 it had none, -1 unknown */
  uint32_t n_sites;
  char *options; /* the crawl's options as text; may be NULL */
};

/* Free what @r owns (options) and set it NULL; accepts NULL, and a record
 * already cleaned up. */
void store_run_cleanup(struct store_run *r);

/* Create a run with the next id (never an id given before, even to a
 * deleted run), started at @started, not finished; @options is copied and
 * may be NULL. Returns STORE_OK (and *id), STORE_INVALID (NULL @s or @id,
 * a read-only store), STORE_FULL (also: ids exhausted), or a write
 * error. */
int store_run_new(struct store *s, int64_t started, int vantage_ipv6,
                  const char *options, uint32_t *id);
/* Mark run @id finished at @finished, complete (@complete non-zero) or
 * not. Returns STORE_OK, STORE_NOTFOUND (no run @id; nothing dropped),
 * STORE_INVALID (NULL @s, a read-only store), or a write error
 * (STORE_CORRUPT: the run record does not decode). */
int store_run_finish(struct store *s, uint32_t id, int64_t finished,
                     int complete);
/* Fetch run @id, with its site count, into caller-allocated @out. On
 * STORE_OK the caller owns out->options until store_run_cleanup(@out).
 * Returns STORE_OK, STORE_NOTFOUND (no run @id), STORE_INVALID (NULL @s or
 * @out) or a read error; on error *out needs no cleanup. */
int store_run_get(struct store *s, uint32_t id, struct store_run *out);
/* The highest run id into *id. Returns STORE_OK, STORE_NOTFOUND (the
 * store has no run; *id unchanged), STORE_INVALID (NULL @s or @id) or a
 * read error. */
int store_run_latest(struct store *s, uint32_t *id);
/* All runs, oldest first. On STORE_OK *out is an array of *n records (NULL
 * when the store has no run) the caller owns and frees with
 * store_runs_free(). Returns STORE_OK, STORE_INVALID (NULL @s, @out or
 * @n) or a read error; on error *out is NULL and *n 0 (when given). */
int store_runs_list(struct store *s, struct store_run **out, size_t *n);
/* Clean up the @n records of @runs and free the array; accepts NULL. */
void store_runs_free(struct store_run *runs, size_t n);

/* Delete run @id and every record of it: its sites, links, edges, hosts
 * and probes, then the run itself. Writes the caller has not flushed are
 * committed first. The records go in batches, each its own committed write
 * transaction, so a long delete never holds the writer lock for long and
 * never exceeds LMDB's transaction size; the run record goes last, so a
 * delete cut short (a crash, STORE_FULL) leaves the run listed with part
 * of its records, and deleting it again finishes the job. Readers in other
 * processes see the run shrink batch by batch.
 *
 * A deleted run's id is never given to a new run. Interned URL strings are
 * shared between runs and are kept. LMDB puts the freed pages on its free
 * list and reuses them for later writes, so the file stops growing but
 * does not shrink; store_compact() shrinks it.
 *
 * Returns STORE_OK, STORE_NOTFOUND (no run @id), STORE_INVALID (NULL @s or
 * a read-only store), STORE_FULL, STORE_IO, STORE_NOMEM, STORE_CORRUPT or
 * STORE_BUSY (no reader slot to look the run up). */
int store_run_delete(struct store *s, uint32_t id);

/* Shrink the store in directory @dir (the directory @s was opened with) to
 * the pages in use: flush, write a compacted copy (LMDB mdb_env_copy2 with
 * MDB_CP_COMPACT) into a temporary directory inside @dir, and rename it
 * over data.mdb. No other process may have the store open (LMDB's lock
 * file would describe the old file); after STORE_OK, @s still reads the
 * old file and refuses writes (STORE_INVALID): close it and open the store
 * again. Returns STORE_OK, STORE_INVALID (NULL or empty @dir, a read-only
 * store, a path too long), STORE_IO (cannot create the copy or rename it;
 * the store is unchanged), STORE_FULL (the disk) or STORE_NOMEM; the flush
 * first may fail as store_flush() does. */
int store_compact(struct store *s, const char *dir);

/* ---- sites -------------------------------------------------------------- */

struct store_site {
  uint32_t idx;       /* 0-based position in the run */
  char *start_url;    /* as given (normalised) */
  char *final_url;    /* level-1 URL after redirects; NULL if never reached */
  char *scope_domain; /* registrable domain deciding internal links */
  char *name;         /* display name or NULL */
  char *unit;         /* owning unit or NULL */
  char *error;        /* why the homepage could not be read, or NULL */
  /* The homepage beyond its class (doc/measurement.md: the 支持度
   * indicators). */
  int home_tries;    /* IPv6 requests of the homepage made, 0 = none */
  int home_ok;       /* ... of which succeeded */
  int consistent;    /* IPv4 and IPv6 homepages: 1 same, 0 differ, -1 n/a */
  double similarity; /* 0..1 after stripping nonces; valid if consistent>=0 */
  /* The scope domain's name servers: how many, and how many have a
   * usable AAAA; @ns_hosts lists them ("ns1.x.cn,ns2.x.cn") or NULL. */
  int ns_total, ns_ipv6;
  char *ns_hosts;
  /* Distinct URL literals in the pages' scripts that are not links of the
   * site: what its pages may hide from a crawler (see --script-links). */
  int script_links;
  int pages_truncated; /* pages longer than --max-body, read up to it */
};

/* Free the strings @site owns and zero it; accepts NULL. */
void store_site_cleanup(struct store_site *site);

/* Insert or replace site @site->idx of run @run (the run need not exist).
 * Strings are copied; any may be NULL. Returns STORE_OK, STORE_INVALID
 * (NULL @s or @site, a read-only store) or a write error. */
int store_site_put(struct store *s, uint32_t run,
                   const struct store_site *site);
/* All sites of @run in idx order. On STORE_OK *out is an array of *n
 * records (NULL when @run has no site, or there is no run @run) the
 * caller owns and frees with store_sites_free(). Fields a record written
 * by an older v6crawl lacks read 0 (consistent: -1). Returns STORE_OK,
 * STORE_INVALID (NULL @s, @out or @n) or a read error; on error *out is
 * NULL and *n 0 (when given). */
int store_sites_list(struct store *s, uint32_t run, struct store_site **out,
                     size_t *n);
/* Clean up the @n records of @sites and free the array; accepts NULL. */
void store_sites_free(struct store_site *sites, size_t n);

/* ---- links and the graph ------------------------------------------------- */

enum store_link_kind {
  LINK_HTTP = 0,   /* http or https: probed and counted */
  LINK_OTHER = 1,  /* mailto:, javascript:, tel:, ftp: ... (skipped) */
  LINK_INVALID = 2 /* an href a browser rejects; url holds the raw href */
};

/* Record that @url is a distinct link of site @site at @level (1, 2, 3..)
 * found first on page @parent (NULL for level 1). @internal is 1 when its
 * host is in the site's scope domain. First-seen wins: if the link is
 * already recorded for the site, nothing changes and STORE_OK is returned.
 * Strings are copied (interned). Returns STORE_OK, STORE_INVALID (NULL @s
 * or @url, an empty @url or @parent, @level outside 1..255, an unknown
 * @kind, a read-only store) or a write error. */
int store_link_put(struct store *s, uint32_t run, uint32_t site,
                   const char *url, int level, int internal, int kind,
                   const char *parent);

/* Record the edge @from -> @to in site @site's link graph (idempotent:
 * a repeat is STORE_OK). Returns STORE_OK, STORE_INVALID (NULL @s, a NULL
 * or empty @from or @to, a read-only store) or a write error. */
int store_edge_put(struct store *s, uint32_t run, uint32_t site,
                   const char *from, const char *to);

/* Count of distinct edges of a site (for tests and the report) into *n.
 * Returns STORE_OK (*n is 0 for an unknown site), STORE_INVALID (NULL @s
 * or @n) or a read error. */
int store_edges_count(struct store *s, uint32_t run, uint32_t site, size_t *n);

/* ---- hosts ----------------------------------------------------------------
 */

struct store_host {
  char *name;    /* ASCII host name (or IP literal) */
  char *cnames;  /* CNAME chain "a.example -> b.cdn.example", or NULL */
  char *a;       /* A answers, comma-separated, or NULL */
  char *aaaa;    /* AAAA answers, comma-separated, or NULL */
  char *a_error; /* NULL, "NXDOMAIN", "no data", "timeout", "refused".. */
  char *aaaa_error;
  int usable_a;         /* how many A answers may be connected to */
  int usable_aaaa;      /* how many AAAA answers may be connected to */
  double a_ms, aaaa_ms; /* how long each lookup took; 0 = not timed */
};

/* Free the strings @h owns and zero it; accepts NULL. */
void store_host_cleanup(struct store_host *h);

/* Insert or replace the DNS answers for @h->name in run @run. Names are
 * keyed in ASCII lower case (DNS is case-insensitive): store_host_get
 * finds "WWW.Example" as "www.example" and returns the lower-case name.
 * Strings are copied; all but name may be NULL. Returns STORE_OK,
 * STORE_INVALID (NULL @s, @h or name, a name empty or longer than 500
 * bytes, a read-only store) or a write error. */
int store_host_put(struct store *s, uint32_t run, const struct store_host *h);
/* Fetch host @name of run @run into caller-allocated @out; on STORE_OK
 * the caller owns its strings until store_host_cleanup(@out). Returns
 * STORE_OK, STORE_NOTFOUND (not stored; also for an empty name or one
 * longer than 500 bytes), STORE_INVALID (NULL @s, @name or @out) or a read
 * error; on error *out is zeroed. */
int store_host_get(struct store *s, uint32_t run, const char *name,
                   struct store_host *out);

/* ---- delegation chains ----------------------------------------------------
 *
 * A site's delegation walked from the root over IPv6, zone by zone (the
 * indicator 网站域名具备完整的IPv6域名授权体系, doc/measurement.md). */

struct store_deleg_server {
  char *name; /* host name (a root server given by address: the address) */
  char *aaaa; /* its IPv6 addresses, "a,b", or NULL */
  int ok;     /* answered over IPv6: authoritatively or with a referral */
  char *why;  /* what it answered, or why not */
};

struct store_deleg_zone {
  char *zone; /* "." "cn." "gov.cn." */
  int ok;     /* at least one of its servers answered over IPv6 */
  struct store_deleg_server *servers;
  size_t n_servers;
};

struct store_deleg {
  uint32_t site;
  int pass;  /* every zone from the root to the site's zone is ok */
  char *why; /* why the walk ended before the site's zone, or NULL */
  struct store_deleg_zone *zones;
  size_t n_zones;
};

/* Free what @d owns and zero it; accepts NULL. */
void store_deleg_cleanup(struct store_deleg *d);
/* Insert or replace the chain of site @d->site of run @run (strings are
 * copied). Returns STORE_OK, STORE_INVALID (NULL @s or @d, a read-only
 * store) or a write error. */
int store_deleg_put(struct store *s, uint32_t run, const struct store_deleg *d);
/* The chain of site @site of run @run into @out (zeroed first; the caller
 * cleans it up on STORE_OK). Returns STORE_OK, STORE_NOTFOUND (no walk
 * was recorded), STORE_INVALID (NULL @s or @out), STORE_NOMEM,
 * STORE_CORRUPT or a read error. */
int store_deleg_get(struct store *s, uint32_t run, uint32_t site,
                    struct store_deleg *out);

/* ---- probes ------------------------------------------------------------- */

struct store_family {
  int ok;      /* 1 when the final response was a success */
  int status;  /* final HTTP status, 0 when there was no response */
  char *error; /* why it failed without a response, or NULL */
  char *hops;  /* one line per request: "STATUS URL" or "ERR text URL" */
  double connect_ms, first_byte_ms, total_ms; /* of the final hop; 0 = n/a */
};

struct store_probe {
  char *url;
  int klass; /* enum link_class */
  struct store_family v6, v4;
};

/* Free the strings @p owns (url and both families') and zero it; accepts
 * NULL. */
void store_probe_cleanup(struct store_probe *p);

/* Insert or replace the probe result of @p->url in run @run. Strings are
 * copied (the url interned). Returns STORE_OK, STORE_INVALID (NULL @s or
 * @p, a NULL or empty url, klass outside enum link_class, a read-only
 * store) or a write error. */
int store_probe_put(struct store *s, uint32_t run, const struct store_probe *p);
/* Fetch the probe of @url in run @run into caller-allocated @out; on
 * STORE_OK the caller owns its strings (out->url is a copy of @url) until
 * store_probe_cleanup(@out). Returns STORE_OK, STORE_NOTFOUND (not probed
 * in @run), STORE_INVALID (NULL @s or @out, a NULL or empty @url) or a
 * read error; on error *out is zeroed. */
int store_probe_get(struct store *s, uint32_t run, const char *url,
                    struct store_probe *out);

/* ---- pages read for links (what a resumed crawl need not read again) ---- */

enum store_page_flags {
  STORE_PAGE_TRUNCATED = 1, /* read only up to --max-body */
  STORE_PAGE_REFRESH = 2,   /* its meta refresh was followed (@refresh) */
  STORE_PAGE_NOLINKS = 4    /* not HTML, or could not be read: no links */
};

struct store_page {
  char *url;     /* the page as the site wanted it (before redirects) */
  int level;     /* the level it is a link of */
  int flags;     /* enum store_page_flags */
  char *refresh; /* the meta refresh target followed, or NULL */
  char *scripts; /* its scripts' URL literals, newline-separated, or NULL */
};

/* Free the strings @p owns and zero it; accepts NULL. */
void store_page_cleanup(struct store_page *p);
/* Record that site @site of run @run has read page @p->url and handed out
 * all its links (written in the same write transaction as the links, so a
 * committed page record means its links are committed). Insert or
 * replace; strings are copied. Returns STORE_OK, STORE_INVALID (NULL @s
 * or @p, a NULL or empty url, @p->level outside 1..255, a read-only
 * store) or a write error. */
int store_page_put(struct store *s, uint32_t run, uint32_t site,
                   const struct store_page *p);
/* Every page record of site @site of run @run, in url id order. On
 * STORE_OK *out is an array of *n records (NULL when there is none) the
 * caller owns and frees with store_pages_free(). Returns STORE_OK,
 * STORE_INVALID (NULL @s, @out or @n) or a read error; on error *out is
 * NULL and *n 0. */
int store_pages_list(struct store *s, uint32_t run, uint32_t site,
                     struct store_page **out, size_t *n);
/* Clean up the @n records of @pages and free the array; accepts NULL. */
void store_pages_free(struct store_page *pages, size_t n);

/* ---- reading links with their evidence ----------------------------------- */

struct store_link_row {
  uint32_t site;
  const char *url;
  const char *parent; /* NULL for level 1 */
  int level;
  int internal;
  int kind;                        /* enum store_link_kind */
  int klass;                       /* enum link_class, derived as figures do */
  const struct store_probe *probe; /* NULL when not probed */
  const struct store_host *host;   /* NULL when not resolved / not http */
};

/* Call @cb for every link of run @run (of site @site only, unless @site is
 * UINT32_MAX), ordered by site, then level, then URL. The row and all it
 * points to are lent until @cb returns. A non-zero return from @cb stops
 * the walk and is returned (return positive values, so that they cannot be
 * taken for a store_rc). @cb may call the store's read functions but must
 * not write, flush or close the store. Returns STORE_OK (also when there
 * is no link), @cb's non-zero value, STORE_INVALID (NULL @s or @cb) or a
 * read error; rows already handed to @cb stay handed. */
int store_links_each(struct store *s, uint32_t run, uint32_t site,
                     int (*cb)(const struct store_link_row *row, void *ud),
                     void *ud);

/* ---- figures ---------------------------------------------------------------
 */

struct store_fig {
  unsigned links; /* distinct links, every kind */
  unsigned classes[CLASS__N];
};

struct store_site_figs {
  /* [level][0 = internal, 1 = all]; levels 1..STORE_MAX_LEVEL */
  struct store_fig level[STORE_MAX_LEVEL + 1][2];
};

/* Compute the figures of site @site of run @run from the stored links and
 * probes. A link's class is its probe's class; skipped kinds are
 * CLASS_SKIPPED; an http link without a probe is CLASS_UNMEASURED. Links
 * deeper than STORE_MAX_LEVEL are not counted. Returns STORE_OK (all zero
 * for an unknown site), STORE_INVALID (NULL @s or @out) or a read error;
 * on error *out is zeroed. */
int store_site_figures(struct store *s, uint32_t run, uint32_t site,
                       struct store_site_figs *out);

/* counted = links - robots - skipped - unmeasured (0 for NULL @f, and
 * never below 0). */
unsigned store_fig_counted(const struct store_fig *f);
/* supported = ok + v6-only (0 for NULL @f). */
unsigned store_fig_supported(const struct store_fig *f);
/* supported / counted: returns 0 and sets *out, or -1 (*out unchanged)
 * when counted is 0 or @f or @out is NULL. */
int store_fig_concentration(const struct store_fig *f, double *out);
/* supported / (counted - dead): returns 0 and sets *out, or -1 (*out
 * unchanged) when that is 0 or @f or @out is NULL. */
int store_fig_alive_concentration(const struct store_fig *f, double *out);

#endif
