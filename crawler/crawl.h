/* crawler/crawl.h - the crawl engine: one event loop driving curl multi and
 * c-ares, the per-site frontier, robots.txt, and probes over IPv6 and IPv4.
 *
 * The crawler writes everything it learns to the store and formats
 * nothing. No curl or c-ares type appears here.
 */
#ifndef V6_CRAWL_H
#define V6_CRAWL_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

struct store;

enum crawl_rc {
  CRAWL_OK = 0,
  CRAWL_NOMEM = -1,
  CRAWL_STORE = -2,       /* the store failed; crawl_last_error() says how */
  CRAWL_DNS_CONFIG = -3,  /* bad --dns-server or resolver setup failed */
  CRAWL_INIT = -4,        /* curl / event loop setup failed */
  CRAWL_INTERRUPTED = -5, /* *stop was set: measured work is committed */
  CRAWL_BADURL = -6,      /* a start URL is not an absolute http(s) URL */
  CRAWL_NORESUME = -7,    /* --resume: no such incomplete run */
  CRAWL_MISMATCH = -8     /* --resume: the run's sites or options differ */
};

const char *crawl_strerror(int rc);

/* The versions of libcurl (with its TLS library) and c-ares, a "name
 * version" line each, into @buf (@len bytes, cut to fit). */
void crawl_versions(char *buf, size_t len);

struct crawl_progress;

/* A DNS root server the delegation walk starts from. */
struct crawl_root {
  const char *name; /* host name, or the address again */
  const char *addr; /* IPv6 address */
  int port;         /* 53 */
};

/* What lets the crawler through an owner's own wall (doc/measurement.md
 * "Walls"): request headers and a Cookie, sent with every request to the
 * hosts they are for. Lent: valid for the crawl. */
struct crawl_pass {
  const char *const *headers; /* "NAME: VALUE" lines (no CR or LF) */
  size_t n_headers;
  const char *cookie; /* "NAME=VALUE[; NAME=VALUE...]" or NULL */
};

struct crawl_opts {
  int depth;               /* levels to collect, default 3 */
  const char *dns_servers; /* "IP[:PORT][,IP[:PORT]...]" or NULL: system */
  const char *cacert;      /* CA bundle file or NULL: system default */
  long timeout_ms;         /* per request, default 10000 */
  long connect_timeout_ms; /* per connection, default 3000 (<= timeout) */
  int breaker;     /* connect failures making an address known bad, 3; 0 off */
  int retries;     /* extra attempts after a failure, default 2 */
  int concurrency; /* transfers in flight, default 32 */
  int per_host;    /* transfers in flight per host, default 6 */
  /* probes of links waiting in all the hosts' windows above which no page
   * starts (host.c): 0 is 8192. Memory only, never a figure: the tests
   * set a small one so a small world takes that path */
  unsigned leaf_cap;
  const char *user_agent;  /* default "v6crawl/VERSION" */
  int strict;              /* only 200 is a success */
  int allow_private;       /* loopback / ULA / private addresses usable */
  size_t max_body;         /* page body cap in bytes, default 8 MiB */
  int force_vantage;       /* -1 detect, 0 assume no IPv6, 1 assume IPv6 */
  int home_probes;         /* IPv6 requests of each homepage, default 5 */
  long max_crawl_delay_ms; /* cap on robots.txt Crawl-delay; 0 ignores it */
  int script_links;        /* count URL literals in scripts as links */
  /* --render: Chromium's path (crawl_render_find); the pages read for
   * links are rendered by it and the rendered DOM's links are theirs.
   * NULL: pages are read as served. */
  const char *render;
  long render_timeout_ms; /* a render's wall-clock budget, default 30000 */
  /* The root servers of the delegation walk (none: every site's walk
   * fails at the root). */
  const struct crawl_root *roots;
  size_t n_roots;
  int timing_samples; /* timing requests per family, default 10 */
  /* The vantage check (unless force_vantage): "ADDR:PORT,[V6ADDR]:PORT,..."
   * endpoints, each connected to over its own family; a family none of
   * whose endpoints completes a connect is unreachable (NULL or "": no
   * endpoint, nothing reachable). See doc/measurement.md. */
  const char *vantage;
  long vantage_every_ms; /* re-test IPv6 this often during the run; 0 no */
  /* --header, --cookie: sent to every host (a site's own win for its
   * hosts, header by header name) */
  struct crawl_pass pass;
  /* The night this run belongs to and its shard, recorded with the run
   * (store_shard_put) when @run_label is not NULL: shard @shard_k of
   * @shard_n (0 of 1: every site) of a list of @sites_total sites, the
   * i-th site given being @site_index[i] of the whole list (NULL: i). */
  const char *run_label;
  unsigned shard_k, shard_n, sites_total;
  const uint32_t *site_index;
  /* Progress callback, called 20 times a second and once more at the
   * end (final set); may be NULL. Counters only: the caller formats, and
   * draws as often as it likes. */
  void (*progress)(const struct crawl_progress *p, void *ud);
  void *progress_ud;
};

struct crawl_progress {
  size_t sites, sites_done;
  size_t pages, probes_done, probes_total, requests, errors, in_flight;
  /* pages the sites want and have not read yet: the links they hold are
   * not in probes_total (pages wait while many probes do, host.c) */
  size_t pages_left;
  double elapsed_s;
  int final; /* the call at the run's end */
};

struct crawl_site {
  const char *url;          /* start URL (absolute http or https) */
  const char *name;         /* display name or NULL */
  const char *unit;         /* owning unit or NULL */
  const char *scope_domain; /* NULL: registrable domain of the final URL */
  /* Headers and a Cookie for the hosts in the site's scope domain (else
   * the registrable domain of its start URL's host), and no other. */
  struct crawl_pass pass;
};

/* Fill @o with the defaults above. */
void crawl_opts_init(struct crawl_opts *o);

/* Crawl @n sites into store @st as a new run. Returns when every site is
 * measured or *@stop becomes non-zero (then the run is committed, marked
 * incomplete, and CRAWL_INTERRUPTED returned). *@run_id is set as soon as
 * the run exists, so a caller can report it even on failure.
 * Returns CRAWL_OK or a crawl_rc; crawl_last_error() gives a one-line
 * explanation for the last failure (static storage, until the next call). */
int crawl_run(struct store *st, const struct crawl_opts *o,
              const struct crawl_site *sites, size_t n, uint32_t *run_id,
              volatile sig_atomic_t *stop);

/* Continue run @run (0: the latest incomplete run) of the same @n sites
 * in store @st: what the run measured stays (not asked again); only the
 * links not yet measured are probed, and the pages not yet read for links
 * are read, so that the run ends as an uninterrupted crawl would have.
 * Returns as crawl_run, and CRAWL_NORESUME (no incomplete run, no run
 * @run, or @run is complete) or CRAWL_MISMATCH (the sites, the
 * measurement options or the vantage point differ from the run's), both
 * before anything is written. *@run_id is set once the run is picked. */
int crawl_resume(struct store *st, const struct crawl_opts *o,
                 const struct crawl_site *sites, size_t n, uint32_t run,
                 uint32_t *run_id, volatile sig_atomic_t *stop);

const char *crawl_last_error(void);

/* The Chromium --render spawns: @env (the value of $V6CRAWL_CHROMIUM, or
 * NULL) when set and not empty, else the first of chromium,
 * chromium-browser, google-chrome found in $PATH; copied into @out
 * (@len bytes). Returns 0, or -1 when that is no executable file (then
 * @out says so in a phrase, for the message). */
int crawl_render_find(const char *env, char *out, size_t len);

/* Check the endpoint list @list (the syntax of crawl_opts.vantage)
 * without connecting: the number of endpoints, or -1 with a message in
 * @err (@errlen bytes). */
int crawl_vantage_list_check(const char *list, char *err, size_t errlen);

#endif
