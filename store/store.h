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
  STORE_INVALID = -8, /* bad argument (e.g. writing to a read-only store) */
  STORE_MISMATCH = -9 /* store_merge: the shards do not fit together */
};

/* Static English description of a store_rc ("unknown store error" for any
 * other value); never NULL, never to be freed. */
const char *store_strerror(int rc);

/* The version of LMDB as the line "LMDB x.y.z" into @buf (@len bytes,
 * cut to fit). */
void store_versions(char *buf, size_t len);

/* The class of a link (doc/measurement.md). The order is the report's
 * order, but for CLASS_BLOCKED, added last: the values are stored in the
 * probe records, so they never change. */
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
  CLASS_BLOCKED,    /* the same wall's refusal on both families */
  CLASS__N
};

/* "ok", "v6-only", "no-aaaa", "v6-broken", "v6-error", "dead", "robots",
 * "skipped", "unmeasured", "blocked": a static string, never to be freed; NULL
 * for an out-of-range value. */
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
 * STORE_CORRUPT (STORE_RDONLY on an LMDB that is not a v6crawl store; a
 * data.mdb whose header is damaged or that is shorter than the pages its
 * header says it uses: a truncated file), STORE_FULL (@map_size too small
 * to create the store, or to upgrade it) and STORE_INVALID (NULL or empty
 * @dir, unknown @flags).
 *
 * Damage. Every record carries a CRC-32C of its key and value (schema 2),
 * checked on every read: a damaged record is STORE_CORRUPT, never other
 * figures. A store of schema 1 (v6crawl before checksums) is read without
 * them with STORE_RDONLY, and upgraded in place (every record rewritten in
 * one transaction) by the first open for writing. What LMDB itself cannot
 * survive (a damaged branch page) store_fault_guard() turns into one line.
 *
 * Locks. Opening for writing takes a shared lock on @dir/v6crawl.lock
 * (created) and waits while another process compacts the store. With
 * STORE_RDONLY nothing is written, and when LMDB's lock.mdb cannot be
 * opened for writing (another user's store, a read-only file system) the
 * store is opened without it (MDB_NOLOCK): the reader is then invisible to
 * writers, and a crawl writing the store at the same time may reuse pages
 * the reader is reading; the checksums catch most of what that tears, so
 * read such a store when no crawl writes it. */
int store_open(const char *dir, int flags, size_t map_size, struct store **out);

/* Make a SIGSEGV or SIGBUS inside LMDB (or on the map of an open store)
 * print one line to stderr, "@prefix the store DIR is damaged: reading
 * data.mdb faulted inside LMDB@hint", and _exit(@status), instead of a
 * crash: LMDB 0.9 trusts its pages, and a damaged branch page can send it
 * outside the file. Any other fault goes on to the handler installed
 * before (the default: a core dump). Process-wide; call it once, before
 * opening a store; the strings are kept, not copied. Returns STORE_OK or
 * STORE_INVALID (sigaction failed). */
int store_fault_guard(int status, const char *prefix, const char *hint);

/* Commit the open write transaction, if any (STORE_OK when there is none).
 * Returns STORE_OK, STORE_INVALID (NULL @s), STORE_FULL, STORE_IO or
 * STORE_NOMEM; on error the writes since the last flush are lost and the
 * store stays as it was at the last successful flush. */
int store_flush(struct store *s);
/* Records written (put or deleted) in the open write transaction: 0 when
 * there is none. Every page a transaction changes is a copy in memory
 * until the commit, and LMDB keeps those copies for the next transaction
 * (it never frees them before the store is closed), so a writer that
 * flushes by this count as well as by time bounds what they take. */
size_t store_pending(const struct store *s);
/* The store's map given back when the process has faulted in many pages
 * since it last was (cheap to call often: one getrusage). */
void store_relieve(struct store *s);

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
 * not, and record how many records of each kind the run has: a later read
 * of the run counts them again (once per store handle) and finds records
 * that a damaged page hides, STORE_CORRUPT instead of other figures. Returns
 * STORE_OK, STORE_NOTFOUND (no run @id; nothing dropped), STORE_INVALID (NULL
 * @s, a read-only store), or a write error (STORE_CORRUPT: the run record does
 * not decode). */
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
 * STORE_BUSY (no reader slot to look the run up; or the run is running in
 * another process, see store_run_running: nothing deleted). */
int store_run_delete(struct store *s, uint32_t id);

/* 1 when a process (this one or another) is writing run @id: it created
 * the run with store_run_new() and has not closed the store yet; 0
 * otherwise, also for an unknown run, a NULL @s, or a read-only store
 * whose v6crawl.lock cannot be read. A run that is not complete and not
 * running was interrupted. store_run_delete() refuses a running run of
 * another process with STORE_BUSY, and store_compact() refuses while any
 * other process has the store open for writing (STORE_BUSY). */
int store_run_running(struct store *s, uint32_t id);

/* Shrink the store in directory @dir (the directory @s was opened with) to
 * the pages in use: flush, write a compacted copy (LMDB mdb_env_copy2 with
 * MDB_CP_COMPACT) into a temporary directory inside @dir, and rename it
 * over data.mdb. No other process may have the store open (LMDB's lock
 * file would describe the old file); after STORE_OK, @s still reads the
 * old file and refuses writes (STORE_INVALID): close it and open the store
 * again. Returns STORE_OK, STORE_BUSY (another process has the store open
 * for writing: a crawl would go on writing the old file; nothing done),
 * STORE_INVALID (NULL or empty @dir, a read-only store, a path too long),
 * STORE_IO (cannot create the copy or rename it;
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
/* ---- pages not parsed as a browser would ---------------------------------
 *
 * A hostile page (doc/measurement.md, "Hostile pages"): nested deeper
 * than the parser's limit, or over its parse budget. The figures are
 * those of parser/parse.h's struct html_page. */

struct store_page_cut {
  char *url;          /* the page, as the site wanted it */
  int cut;            /* flags: 1 nesting parsed flat, 2 over the budget */
  uint64_t bytes;     /* bytes of the page decoded to UTF-8 */
  uint64_t parsed;    /* bytes of it parsed (a prefix when over budget) */
  uint64_t depth;     /* the deepest nesting kept */
  uint64_t flattened; /* start tags beyond the limit, parsed flat */
  uint64_t flat_at;   /* the offset of the first of them */
};

/* Free the string @p owns and zero it; accepts NULL. */
void store_page_cut_cleanup(struct store_page_cut *p);
/* Insert or replace the cut page @p->url of site @site of run @run.
 * Returns STORE_OK, STORE_INVALID (NULL @s or @p, a NULL or empty url, a
 * read-only store) or a write error. */
int store_page_cut_put(struct store *s, uint32_t run, uint32_t site,
                       const struct store_page_cut *p);
/* The cut pages of site @site of run @run, in URL id order. On STORE_OK
 * *out is an array of *n records (NULL when none) the caller frees with
 * store_page_cuts_free(). Returns STORE_OK, STORE_INVALID (NULL @s, @out
 * or @n) or a read error; on error *out is NULL and *n 0. */
int store_page_cuts_list(struct store *s, uint32_t run, uint32_t site,
                         struct store_page_cut **out, size_t *n);
/* Clean up the @n records of @p and free the array; accepts NULL. */
void store_page_cuts_free(struct store_page_cut *p, size_t n);

/* ---- pages rendered by Chromium (--render) ---------------------------------
 *
 * A page read for links with --render: whether Chromium gave its DOM,
 * how many links the HTML as served and the rendered DOM have, and the
 * links only the rendered DOM has (as the site's links name them). */

enum store_render_status {
  STORE_RENDER_OK = 0,     /* rendered: its links are the DOM's */
  STORE_RENDER_FAILED = 1, /* no DOM (@why): its links are the HTML's */
  STORE_RENDER__N
};

struct store_render {
  char *url;         /* the page, as the site wanted it */
  int status;        /* enum store_render_status */
  char *why;         /* STORE_RENDER_FAILED: why, or NULL */
  uint32_t served;   /* links in the HTML as served */
  uint32_t rendered; /* links in the rendered DOM */
  double ms;         /* how long Chromium took, wall clock */
  char *only;        /* links only the DOM has, one a line, or NULL */
};

/* Free the strings @r owns and zero it; accepts NULL. */
void store_render_cleanup(struct store_render *r);
/* Insert or replace the render of page @r->url of site @site of run
 * @run. Returns STORE_OK, STORE_INVALID (NULL @s or @r, a NULL or empty
 * url, a bad status, a read-only store) or a write error. */
int store_render_put(struct store *s, uint32_t run, uint32_t site,
                     const struct store_render *r);
/* The renders of site @site of run @run, in URL id order. On STORE_OK
 * *out is an array of *n records (NULL when none, as for a run made
 * without --render) the caller frees with store_renders_free(). Returns
 * STORE_OK, STORE_INVALID (NULL @s, @out or @n) or a read error; on error
 * *out is NULL and *n 0. */
int store_renders_list(struct store *s, uint32_t run, uint32_t site,
                       struct store_render **out, size_t *n);
/* Clean up the @n records of @r and free the array; accepts NULL. */
void store_renders_free(struct store_render *r, size_t n);
/* *@n = the links of site @site of run @run (level 2 and below) that
 * only rendering found: those a crawl of @depth levels without --render
 * would not have found, following the edges of the pages read breadth
 * first from the level-1 links but not the links a page's render lists
 * as only its DOM's (the pages it would read are those above @depth on
 * that walk). Returns STORE_OK (0 for a run without renders),
 * STORE_INVALID (NULL @s or @n) or a read error (then *@n is 0). */
int store_render_only(struct store *s, uint32_t run, uint32_t site, int depth,
                      unsigned *n);

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
/* A reference to @url, interned now when it is not yet, into *ref (0 on
 * error), for store_probe_put_ref. One taken before a write of @s was lost
 * (an abort, a failed commit) is stale and is then not used. Returns
 * STORE_OK, STORE_INVALID (NULL @s, @url or @ref, an empty @url, a
 * read-only store) or a write error. */
int store_url_ref(struct store *s, const char *url, uint64_t *ref);
/* store_probe_put with @ref, store_url_ref's of @p->url (0: none): the
 * URL is not looked up again unless the reference is stale. The caller
 * keeps reference and URL together (one of another URL would store the
 * probe under that URL). */
int store_probe_put_ref(struct store *s, uint32_t run,
                        const struct store_probe *p, uint64_t ref);
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

/* ---- page completeness over IPv6: subresources ---------------------------
 *
 * What each page read (level 1, internal level 2) loads to be shown: its
 * images, scripts, style sheets (and their url()), icons, iframes, media
 * (enum html_sub_kind of parser/parse.h, as bits). Each subresource URL is
 * probed once per run like a link; its probe is the probes database's. */

/* Page @page of site @site in run @run loads @url as @kinds (OR'd with
 * what is stored). Returns STORE_OK, STORE_INVALID (NULL or empty url or
 * page, no kind) or a write error. */
int store_sub_put(struct store *s, uint32_t run, uint32_t site,
                  const char *page, const char *url, unsigned kinds);
/* The style sheet @url was read for its url() and @import: @urls found,
 * or -1 with @error saying why it was not read. */
int store_sheet_put(struct store *s, uint32_t run, const char *url, int urls,
                    const char *error);

struct store_sub_row {
  uint32_t site;
  const char *page; /* the page as the site wanted it */
  const char *url;
  unsigned kinds;                  /* enum html_sub_kind bits */
  int klass;                       /* its probe's, else CLASS_UNMEASURED */
  const struct store_probe *probe; /* NULL when not probed */
  const struct store_host *host;   /* NULL when not resolved */
  int sheet_urls;          /* a style sheet read: url() found; else -1 */
  const char *sheet_error; /* a style sheet not read: why, else NULL */
};

/* Call @cb for every (page, subresource) of run @run (site @site only,
 * unless UINT32_MAX), in key order: site, then the page's and the
 * subresource's url ids. Lent and returned as store_links_each. */
int store_subs_each(struct store *s, uint32_t run, uint32_t site,
                    int (*cb)(const struct store_sub_row *row, void *ud),
                    void *ud);

/* ---- dedicated timing samples --------------------------------------------
 *
 * The delay (doc/measurement.md "Delay") and the CDN performance ("CDN
 * performance") are measured by dedicated requests after the crawl, on
 * fresh connections, alternating IPv4 and IPv6. One record holds the
 * samples of one object set: a site's homepage (keyed run | site) or a
 * host behind a CNAME chain (keyed run | host name). */

/* One request's times, all from the start of the request (curl's
 * *_TIME_T), in milliseconds; @dns_ms is the A or AAAA lookup asked just
 * before it. 0 where not measured (no TLS, no lookup). */
struct store_tsample {
  int ok; /* an HTTP response came */
  double dns_ms, connect_ms, tls_ms, first_byte_ms, total_ms;
  uint64_t bytes; /* body bytes received */
};

struct store_timing {
  char *what; /* the URL timed, or the objects' URLs one a line */
  unsigned n; /* samples per family */
  struct store_tsample *s[2]; /* [0] IPv6, [1] IPv4: n each, in the order
                                 asked (pair i is s[0][i] and s[1][i]) */
};

/* Free what @t owns and zero it; accepts NULL. */
void store_timing_cleanup(struct store_timing *t);
/* Insert or replace the homepage samples of site @site of run @run (or,
 * with store_perf_put, of host @host). Returns STORE_OK, STORE_INVALID
 * (NULL @s or @t, n above 100000 or its arrays NULL when n > 0, an empty
 * or too long @host, a read-only store) or a write error. */
int store_timing_put(struct store *s, uint32_t run, uint32_t site,
                     const struct store_timing *t);
int store_perf_put(struct store *s, uint32_t run, const char *host,
                   const struct store_timing *t);
/* Fetch them into caller-allocated @out (the caller's until
 * store_timing_cleanup). Returns STORE_OK, STORE_NOTFOUND (none stored;
 * also for a store made before these records existed), STORE_INVALID
 * (NULL @s or @out) or a read error; on error *out is zeroed. */
int store_timing_get(struct store *s, uint32_t run, uint32_t site,
                     struct store_timing *out);
int store_perf_get(struct store *s, uint32_t run, const char *host,
                   struct store_timing *out);

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

/* counted = links - robots - skipped - unmeasured - blocked (0 for NULL @f, and
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

/* ---- checking the store ---------------------------------------------------
 */

enum store_issue_kind {
  STORE_ISSUE_DAMAGED,  /* a record fails its checksum or does not decode,
                           or LMDB cannot read a database's pages */
  STORE_ISSUE_DANGLING, /* a record names a url id that is not interned */
  STORE_ISSUE_COUNT,    /* LMDB counts other records than a walk finds, or
                           a run's records differ from its counts (run) */
  STORE_ISSUE_ORPHAN    /* records of a run that is not in runs */
};

struct store_issue {
  int kind;         /* enum store_issue_kind */
  const char *db;   /* the database: "links" */
  uint32_t run;     /* the run the records belong to, 0 when none */
  uint64_t n;       /* ORPHAN: how many records; COUNT: LMDB's count */
  const char *key;  /* the record's key in hex, or NULL */
  const char *what; /* one English phrase: "checksum does not match" */
  int repaired;     /* ORPHAN with @repair: 1 when the records are gone */
};

struct store_check_stats {
  uint64_t records;  /* records read, every database */
  uint64_t damaged;  /* DAMAGED and COUNT issues */
  uint64_t dangling; /* DANGLING issues */
  uint64_t orphans;  /* orphan records found */
  uint64_t removed;  /* ... and removed (@repair) */
  unsigned dbs;      /* databases walked */
};

/* Verify the whole store in one read transaction: every record of every
 * database (its checksum, its key's length, and for the known databases
 * that it decodes and that the url ids it names are interned), LMDB's
 * record count of each database against the walk, each run's records
 * against the counts store_run_finish recorded, and the records of
 * runs that do not exist (orphans: a run deleted while a v6crawl before
 * the run locks still wrote it). @cb is called for every issue with
 * @issue lent until it returns (a non-zero return stops the check and is
 * returned). With @repair (the store opened for writing) the orphan
 * records of runs that are not running are deleted afterwards, in
 * committed batches, and reported with repaired 1; nothing else is
 * changed: a damaged record is only reported. *out (zeroed first) counts
 * what was found. Returns STORE_OK (issues or not), @cb's value,
 * STORE_INVALID (NULL @s, @cb or @out; @repair on a read-only store) or a
 * read or write error. */
int store_check(struct store *s, int repair,
                int (*cb)(const struct store_issue *issue, void *ud), void *ud,
                struct store_check_stats *out);
/* ---- the vantage point: its checks and outages ---------------------------
 *
 * Keyed run | seq. Record 0 is the check made before the run; records 1,
 * 2 ... are the IPv6 outages of this machine seen during the run. */

enum store_vantage_how {
  STORE_VANTAGE_START = 0,    /* the check before the run */
  STORE_VANTAGE_FAILURES = 1, /* IPv6 failed on several hosts in a row */
  STORE_VANTAGE_PERIODIC = 2, /* the check every --vantage-every minutes */
  STORE_VANTAGE_END = 3,      /* IPv6 failures left when the work was done */
  STORE_VANTAGE__N
};

struct store_vantage {
  uint32_t seq;
  int how;          /* enum store_vantage_how */
  int64_t start_ms; /* unix milliseconds: the check began / the outage */
  int64_t end_ms;   /* the check ended / IPv6 was back; 0: still down when
                     * the run ended */
  int ipv4, ipv6;   /* seq 0: 1 reachable, 0 not, -1 not checked */
  int reasked;      /* outages: probes asked over IPv6 again after it */
  int unmeasured;   /* outages: probes left unmeasured by it */
  char *detail;     /* what the checks saw, or NULL */
};

/* "start", "failures", "periodic", "end"; "?" for another value. */
const char *store_vantage_how_name(int how);
/* Insert or replace record @v->seq of run @run (@v->detail copied).
 * Returns STORE_OK, STORE_INVALID (NULL @s or @v, a bad @v->how, a
 * read-only store) or a write error. */
int store_vantage_put(struct store *s, uint32_t run,
                      const struct store_vantage *v);
/* The records of @run in seq order. On STORE_OK *out is an array of *n
 * (NULL when there is none, as for a run from before this database) the
 * caller frees with store_vantage_free(). Returns STORE_OK, STORE_INVALID
 * (NULL @out or @n) or a read error; on error *out is NULL and *n 0. */
int store_vantage_list(struct store *s, uint32_t run,
                       struct store_vantage **out, size_t *n);
/* Free the @n records of @v and the array; accepts NULL. */
void store_vantage_free(struct store_vantage *v, size_t n);

/* ---- the run's conditions ------------------------------------------------
 *
 * What a run was measured under that its record does not hold, as named
 * strings: "version" (v6crawl's), "dns" (the DNS servers asked,
 * "IP:PORT,..."), "psl" (the date of the public suffix list, YYYY-MM-DD).
 * The reports show them beside the options of the run record. */

/* Set condition @key (1 to 64 bytes) of run @run to @value (copied).
 * Returns STORE_OK, STORE_INVALID (NULL @s, @key or @value, a bad @key, a
 * read-only store) or a write error. */
int store_cond_put(struct store *s, uint32_t run, const char *key,
                   const char *value);
/* Condition @key of run @run into *@out (the caller frees it). Returns
 * STORE_OK, STORE_NOTFOUND (not recorded: also every run made before
 * v6crawl recorded it; *@out NULL), STORE_INVALID (NULL @out, a bad @key)
 * or a read error (*@out NULL). */
int store_cond_get(struct store *s, uint32_t run, const char *key, char **out);
/* ---- nights and shards ----------------------------------------------------
 *
 * A night (a run label) may be crawled in N shards, each its own process
 * and store, then merged into one run of a central store
 * (store_merge). Every run made by this version has a shard record: its
 * label, which shard of how many it is (0 of 1 for a run of every site),
 * and where its sites stand in the whole list. */

struct store_shard {
  char *label;     /* the night's name ("2026-12-02") */
  uint32_t k, n;   /* shard k (0-based) of n; 0 of 1: not sharded */
  uint32_t total;  /* sites in the whole list */
  int merged;      /* 1: a run made by store_merge */
  uint32_t *index; /* per site of the run (by idx), its index in the
                      whole list; NULL when nsites is 0 */
  uint32_t nsites;
};

/* Free what @sh owns and zero it; accepts NULL. */
void store_shard_cleanup(struct store_shard *sh);
/* Insert or replace the shard record of run @run (strings and the index
 * copied). Returns STORE_OK, STORE_INVALID (NULL @s or @sh, a NULL, empty
 * or over-long label, k not below n, nsites > 0 with a NULL index, a
 * read-only store) or a write error. */
int store_shard_put(struct store *s, uint32_t run,
                    const struct store_shard *sh);
/* The shard record of run @run into @out (zeroed first; the caller's
 * until store_shard_cleanup). Returns STORE_OK, STORE_NOTFOUND (a run
 * made before labels, or none), STORE_INVALID (NULL @s or @out) or a read
 * error. */
int store_shard_get(struct store *s, uint32_t run, struct store_shard *out);

/* One shard store given to store_merge, and what became of it. */
struct store_merge_src {
  const char *dir; /* the shard's store directory */
  /* filled by store_merge: */
  uint32_t run;  /* the run of the label found in it, 0: none */
  uint32_t k, n; /* its shard */
  uint32_t nsites;
  int complete; /* the shard's run ran to its end */
  int imported; /* 1: its records went in now; 0: already there (a
                   complete shard merged before) or not used */
  int rc;       /* STORE_OK, or why it could not be read (the others
                   still merge) */
};

/* What store_merge did. */
struct store_merge_res {
  uint32_t run;      /* the merged run in the central store */
  int created;       /* 1: made by this merge */
  uint32_t n;        /* shards of the night */
  uint32_t have;     /* shards merged so far (now or before) */
  uint32_t *missing; /* the shards never merged, ascending (malloc'd) */
  uint32_t nmissing;
  uint32_t *partial; /* the shards merged from an incomplete run */
  uint32_t npartial;
  int complete; /* every shard merged and complete */
  /* a refusal (STORE_MISMATCH): one English sentence, else "" */
  char why[1024];
};

void store_merge_res_cleanup(struct store_merge_res *r);

/* Import the runs labelled @label (NULL: the label of the latest run of
 * the first readable source) of the @nsrc shard stores @src into store
 * @s as one run: the run of that label made by an earlier merge, or a new
 * one. Sites take their index in the whole list, so the merged run reads
 * as one crawl of every site: sites, links, edges, hosts (first shard's
 * answer wins), probes, pages, reads, the delegation walks, timing and
 * vantage records. A shard merged before from a complete run is not read
 * again (merging twice changes nothing); one merged from an incomplete
 * run is merged again over it. The run is marked complete once every
 * shard 0..N-1 has been merged from a complete run; until then it is
 * incomplete (@res says which shards are missing or partial). Everything
 * is checked before anything is written: two shards (or a shard and one
 * merged before) with a site in common, shards of different N, site
 * lists or options are refused with STORE_MISMATCH and @res->why. Each
 * source is written in its own committed transaction. A second merge
 * into the same store waits for the first (a lock in v6crawl.lock, held
 * until @s is closed). Returns STORE_OK,
 * STORE_MISMATCH, STORE_NOTFOUND (no source has a run of @label),
 * STORE_INVALID, or a read or write error of @s. */
int store_merge(struct store *s, const char *label, struct store_merge_src *src,
                size_t nsrc, struct store_merge_res *res);

#endif
