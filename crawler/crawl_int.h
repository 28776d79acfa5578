/* crawler/crawl_int.h - the pieces of the crawler, for crawler/ only.
 *
 * loop.c owns epoll; dns.c owns the c-ares channel; fetch.c owns the curl
 * multi handle. Above them, each file one concern, the calls running one
 * way (a lower part reports up only through a callback it was given):
 *
 *   crawl.c       the run and the sites: what a page read means for a site
 *   frontier.c    a site's levels, dedupe and scope (pure: no I/O)
 *   indicators.c  the homepage's extra probes and the name servers
 *   timing.c      the dedicated timing requests after the crawl
 *   wall.c        anti-bot walls: refusals' signatures, owners' headers
 *   probe.c       one probe per distinct URL: both families -> a class
 *   origin.c      robots.txt and its Crawl-delay per origin
 *   attempt.c     one family's redirect chain of requests
 *   retry.c       which reply is retried, redirected or final (pure)
 *   host.c        DNS per host, request slots, Crawl-delay timing, windows
 *   breaker.c     addresses known bad for the run (rules pure)
 *   map.c         a string-keyed hash map
 *   vantage.c     whether this machine reaches IPv6 and IPv4: connects
 *   outage.c      IPv6 failures that are ours: re-checks, held probes
 *   pool.c        pages parsed in a worker thread, beside the loop
 *   render.c      --render: pages rendered by headless Chromium
 *
 * None of them knows curl or c-ares.
 */
#ifndef V6_CRAWL_INT_H
#define V6_CRAWL_INT_H

#include <stddef.h>
#include <stdint.h>

#include "base/base.h"
#include "crawler/crawl.h"
#include "parser/parse.h"
#include "store/store.h"

/* ---- loop.c: the poller ------------------------------------------------- */

struct loop;

typedef void (*loop_cb)(void *ctx, int fd, int readable, int writable);

int loop_new(struct loop **out);
void loop_free(struct loop *l);
/* Watch @fd for reading and/or writing, calling @cb(@ctx, ...) when ready.
 * rd == wr == 0 removes the watch. Returns 0 or -1. */
int loop_watch(struct loop *l, int fd, int rd, int wr, loop_cb cb, void *ctx);
/* Stop dispatching @fd's events but leave it in epoll, so that the same
 * owner's next loop_watch of it for the same events costs no system call
 * (curl takes a kept-alive connection's socket out of its watch after
 * every transfer and back in for the next one). An event that comes for
 * it meanwhile takes it out of epoll. Whoever parks an fd must
 * loop_watch(fd, 0, 0, ...) it before closing it. */
void loop_park(struct loop *l, int fd);
/* Wait at most @timeout_ms (-1 forever) and dispatch ready fds. Returns the
 * number of events dispatched, or -1 on error (EINTR counts as 0). */
int loop_wait(struct loop *l, long timeout_ms);
/* Monotonic milliseconds. */
int64_t loop_now_ms(void);

/* ---- dns.c: the resolver ------------------------------------------------- */

struct resolver;

struct dns_answer {
  int family;   /* 4 or 6 */
  int error;    /* 0, or DNS_NXDOMAIN / DNS_NODATA / DNS_TIMEOUT / ... */
  char **addrs; /* textual addresses, all answers */
  size_t n;
  char *cnames; /* "a -> b -> c" or NULL */
  double ms;    /* how long the lookup took */
};

enum dns_error {
  DNS_OK = 0,
  DNS_NXDOMAIN = 1,
  DNS_NODATA = 2,
  DNS_TIMEOUT = 3,
  DNS_REFUSED = 4, /* the server answered REFUSED */
  DNS_BADNAME = 5,
  DNS_NOSERVER = 6, /* could not talk to any server */
  DNS_OTHER = 7,    /* FORMERR, NOTIMP, a reply that does not parse, ... */
  DNS_SERVFAIL = 8  /* the server answered SERVFAIL */
};

const char *dns_error_name(int error);

/* @servers: "IP[:PORT],..." or NULL for the system's resolv.conf. Returns 0,
 * or -1 with a message in @err (size @errlen). */
int resolver_new(struct loop *l, const char *servers, struct resolver **out,
                 char *err, size_t errlen);
void resolver_free(struct resolver *r);
/* The servers @r asks, "IP:PORT" ("[IPv6]:PORT") comma-separated, into
 * @buf (@len bytes; cut to fit, "" when none). Returns 0, or -1 when
 * c-ares cannot list them. */
int resolver_servers(struct resolver *r, char *buf, size_t len);
/* Look @name up for A (family 4) or AAAA (family 6). @cb runs exactly once,
 * from resolver_tick() or a socket event; the answer is lent for the call.
 * Returns 0 or -1 (out of memory; @cb will not run). */
int resolver_lookup(struct resolver *r, const char *name, int family,
                    void (*cb)(int rc, const struct dns_answer *a, void *ud),
                    void *ud);
/* Look up the NS records of @name. @cb gets the name server host names
 * (lent for the call; n may be 0) and a dns_error. Same rules as
 * resolver_lookup. */
int resolver_lookup_ns(struct resolver *r, const char *name,
                       void (*cb)(int error, char **names, size_t n, void *ud),
                       void *ud);
/* Milliseconds until c-ares needs attention, or -1. */
long resolver_timeout_ms(struct resolver *r);
/* Process timeouts. */
void resolver_tick(struct resolver *r);
/* Lookups not yet answered. */
size_t resolver_pending(const struct resolver *r);

/* A direct query of @name for @type (class IN, recursion not desired,
 * EDNS0 with 1232 bytes of UDP payload) with id @id into @buf of @len
 * bytes: its length, or -1 when @name does
 * not fit or is not a name. */
int dns_query_build(const char *name, int type, unsigned id, unsigned char *buf,
                    size_t len);

/* What deleg.c reads of a reply. Names have no final dot; the root is "". */
struct dns_reply {
  unsigned id;
  int qr, aa, tc, rcode, qtype;
  char *qname;
  int answers;   /* answer records owned by the question's name */
  int soa_zone;  /* the authority section holds an SOA */
  char *ns_zone; /* owner of the authority section's NS records */
  char **ns;     /* their targets */
  size_t n_ns;
  char **glue_name; /* the additional section's AAAA records */
  char **glue_addr;
  size_t n_glue;
};

/* Parse the message @buf of @len bytes into @r (zeroed first). Returns 0,
 * -1 when it does not parse, -2 out of memory (then @r is empty). */
int dns_reply_parse(const unsigned char *buf, size_t len, struct dns_reply *r);
void dns_reply_cleanup(struct dns_reply *r);

/* 1 when the textual address @addr of @family may be connected to. */
int addr_usable(int family, const char *addr, int allow_private);

/* ---- deleg.c: name servers asked directly over IPv6 ----------------------
 *
 * One UDP query to one IPv6 address (struct dq), the site zone's name
 * servers checked over IPv6 (the indicator "name servers reachable over
 * IPv6"), and the delegation walked from the root as `dig -6 +trace` does
 * (网站域名具备完整的IPv6域名授权体系). */

struct crawl;
struct dq;
struct deleg_walk;

/* Milliseconds until a direct query times out, or -1 when none is live. */
long dq_timeout_ms(struct crawl *c);
/* Time out and deliver what is due. */
void dq_tick(struct crawl *c);
/* Close every live query; their callbacks do not run (teardown). */
void dq_free_all(struct crawl *c);

struct deleg_check;

/* Ask each of the @n name servers @names of @zone over IPv6 (each usable
 * AAAA of it, from the resolver) for the zone's SOA; auth[i] becomes 1
 * when server i answered authoritatively (AA, NOERROR, an SOA answer).
 * @auth (n ints, zeroed) must outlive the check. Counted as work until
 * every answer is in. NULL when out of memory (c->nomem set). */
struct deleg_check *deleg_ns_check(struct crawl *c, const char *zone,
                                   char **names, size_t n, int *auth);
void deleg_check_free(struct deleg_check *k);

/* Walk the delegation of @host from the root servers of the options,
 * zone by zone. NULL when out of memory (c->nomem set). Counted as work
 * until it ends. */
struct deleg_walk *deleg_walk_start(struct crawl *c, const char *host);
/* Store the walk of site @site (nothing for NULL). */
void deleg_walk_store(struct crawl *c, uint32_t site,
                      const struct deleg_walk *w);
void deleg_walk_free(struct deleg_walk *w);
/* Free the zone steps the walks shared (teardown). */
void deleg_shares_free(struct crawl *c);

/* ---- wall.c: anti-bot walls (doc/measurement.md "Walls") ----------------
 */

/* What one response says of a wall, gathered while it arrives: the names
 * its Set-Cookie headers set, its Retry-After, a known WAF's marker in a
 * header, and the first WALL_BODY_MAX bytes of its body. Reset at each
 * status line (an interim 1xx, a proxy's 200 before the real answer). */
#define WALL_BODY_MAX 16384
struct wall_cap {
  int status;          /* of the response being read, from its status line */
  char cookies[160];   /* Set-Cookie names, comma-separated, as they came */
  long retry_after_ms; /* -1: no (readable) Retry-After */
  const char *hmarker; /* a WAF named by a header (static), or NULL */
  struct v6_buf body;  /* the body's head, for a refusal status, 200, 202 */
  int big;             /* the body is longer than WALL_BODY_MAX */
};

/* The signature of a refusal: what makes two answers "the same refusal". */
struct wall_sig {
  int status;
  char cookies[160];  /* Set-Cookie names, sorted, comma-separated; "" none */
  const char *marker; /* the WAF a marker names (static), or NULL */
  int script;         /* the body holds a script (a JavaScript challenge) */
  uint32_t body_hash; /* FNV-1a of the body, volatile tokens left out; 0 */
  long retry_after_ms;
};

void wall_cap_init(struct wall_cap *w);
void wall_cap_cleanup(struct wall_cap *w);
/* One header line (with its CRLF) of a response, as curl hands it. */
void wall_cap_header(struct wall_cap *w, const char *line, size_t len);
/* Body bytes of the response: the first WALL_BODY_MAX are kept when its
 * status is one a wall answers with (a 200 and a 202 too). */
void wall_cap_body(struct wall_cap *w, const char *p, size_t n);
/* The final response @w (of status @status) as a refusal in *@out: 1 when
 * it is one (a status walls answer with, and for 405/503 a challenge
 * sign; a 202 or 200 challenge page), else 0 (*@out untouched). */
int wall_sig_make(const struct wall_cap *w, int status, struct wall_sig *out);
/* 1 when @a and @b are the same refusal (doc/measurement.md). */
int wall_sig_same(const struct wall_sig *a, const struct wall_sig *b);
/* The evidence of @s: "412 from a wall: Set-Cookie NAME,NAME; a script
 * page; body signature 1a2b3c4d" into @buf (@len bytes). */
void wall_sig_text(const struct wall_sig *s, char *buf, size_t len);

/* The request headers owners gave (crawl_opts.pass, crawl_site.pass),
 * registered with @c's fetcher: each host gets the set of the first site
 * whose domain holds it, else the global one. 0, or -1 out of memory. */
struct crawl;
struct host;
int wall_pass_init(struct crawl *c);
void wall_pass_free(struct crawl *c);
/* The header set of host @name for fetch_req.hset (0: none). */
int wall_pass_pick(const struct crawl *c, const char *name);

/* A 429: how long to wait before asking again, the longest wait asked
 * again, and how many times one request is asked again after a 429. */
#define WALL_429_DEFAULT_MS 1000
#define WALL_429_MAX_MS     60000
#define WALL_429_TRIES      3
/* The wait before asking again a request answered @w, a 429, asked again
 * @waits times already; -1 when it is not asked again (not a 429, asked
 * WALL_429_TRIES times, or a Retry-After over WALL_429_MAX_MS). */
long wall_429_wait(const struct wall_cap *w, int waits);
/* Slow @h down for the rest of the run: one request at a time, @ms apart,
 * the next not before @ms from now. */
void wall_host_slow(struct host *h, long ms);

/* ---- fetch.c: HTTP requests ---------------------------------------------- */

struct fetcher;

struct fetch_conf {
  const char *cacert;
  const char *user_agent;
  long timeout_ms;
  long connect_timeout_ms; /* 0 or above timeout_ms: timeout_ms */
  int concurrency;
};

enum fetch_status {
  FETCH_RESPONSE = 0,  /* an HTTP response arrived (any status) */
  FETCH_NORESPONSE = 1 /* connect/TLS/timeout/reset before a response */
};

enum fetch_conn {
  FETCH_CONN_OK = 0,      /* connected, or failed after connecting */
  FETCH_CONN_TIMEOUT = 1, /* no answer within the connect timeout */
  FETCH_CONN_UNREACH = 2, /* host or network unreachable */
  FETCH_CONN_REFUSED = 3, /* refused: the address answered (a reset) */
  FETCH_CONN_NOROUTE = 4  /* this machine has no route: not the address's */
};

struct fetch_req {
  /* filled by the caller */
  const char *url;
  const char *addr; /* IP literal to connect to (no DNS in curl) */
  int family;       /* 4 or 6 */
  size_t max_body;  /* 0: discard the body (probe) */
  int head;         /* send HEAD instead of GET */
  int hset;         /* the header set (fetcher_header_set) to send, 0 none */
  void (*done)(int rc, struct fetch_req *req);
  void *ud;
  /* results, valid in done() */
  int status;         /* HTTP status, 0 without a response */
  char *location;     /* absolute redirect target or NULL (owned) */
  char *content_type; /* or NULL (owned) */
  char *body;         /* when max_body > 0 (owned, NUL-terminated) */
  size_t body_len;
  int truncated;   /* body hit max_body */
  int cut;         /* a response whose body broke off (reset, timeout) */
  char error[256]; /* when rc == FETCH_NORESPONSE, or why it was cut */
  int conn_fail;   /* enum fetch_conn: no connection to @addr was made */
  double connect_ms, first_byte_ms, total_ms;
  /* timing.c's requests: @fresh opens a new connection and closes it
   * after (CURLOPT_FRESH_CONNECT, CURLOPT_FORBID_REUSE) and, with
   * max_body 0, reads and discards up to @drain_max body bytes; results
   * @tls_ms (0 without TLS), @bytes of body received */
  int fresh;
  size_t drain_max;
  double tls_ms;
  uint64_t bytes;
  struct wall_cap wall; /* what the final response says of a wall */
  /* private to fetch.c */
  struct v6_buf buf; /* the body while it arrives, capped at max_body */
  size_t discarded;
  void *handle;
  struct fetch_req *next;
};

int fetcher_new(struct loop *l, const struct fetch_conf *conf,
                struct fetcher **out);
void fetcher_free(struct fetcher *f);
/* Register the header set of @n "NAME: VALUE" @lines and a Cookie value
 * @cookie (NULL: none), copied, for fetch_req.hset: its number (1, 2
 * ...), or -1 out of memory. */
int fetcher_header_set(struct fetcher *f, const char *const *lines, size_t n,
                       const char *cookie);
/* Start @req. Returns 0 or -1 (then done() is not called). */
int fetch_start(struct fetcher *f, struct fetch_req *req);
/* Release what a finished request holds (not @req itself). */
void fetch_req_cleanup(struct fetch_req *req);
long fetcher_timeout_ms(struct fetcher *f);
/* Drive timeouts and deliver completions (calls done()). */
void fetcher_tick(struct fetcher *f);
size_t fetcher_running(const struct fetcher *f);
/* Total requests started. */
size_t fetcher_requests(const struct fetcher *f);

/* ---- pool.c: pages parsed in a worker thread --------------------------- */

struct pool;

/* One page to parse; the loop's side owns it except between pool_submit
 * and its callback. */
struct pool_job {
  /* filled by pool_job_new: copies, owned by the job */
  char *body;
  size_t body_len;
  char *content_type;
  char *url;  /* the page's final URL: links resolve against it */
  char *page; /* the URL the page was wanted as */
  /* filled by the caller */
  void (*done)(struct pool_job *j); /* runs in pool_tick; j freed after */
  void *arg;
  int level;
  int truncated;
  /* the result, valid in done(): hp is freed after done() unless done()
   * takes it (then it zeroes it) */
  int parsed;
  int rc; /* html_links_extract's */
  struct html_page hp;
  struct pool_job *next;
};

/* Start the worker thread and watch its eventfd on @l. Returns 0 or -1. */
int pool_new(struct loop *l, struct pool **out);
/* Stop the worker (after the page it is parsing) and free every job
 * without calling its callback. NULL is allowed. */
void pool_free(struct pool *p);
/* A job for the page @body/@len (copied) read at @url, wanted as @page.
 * NULL when out of memory. */
struct pool_job *pool_job_new(const char *body, size_t len,
                              const char *content_type, const char *url,
                              const char *page);
/* Parse @j in the worker; its done() runs from a later pool_tick. */
void pool_submit(struct pool *p, struct pool_job *j);
/* Run the callbacks of the jobs parsed so far (from the loop's turn). */
void pool_tick(struct pool *p);
/* Jobs submitted whose callback has not run. */
size_t pool_pending(const struct pool *p);

/* ---- render.c: --render, pages rendered by headless Chromium ----------- */

struct renderer;
struct site;
struct attempt;

/* The renderer of the crawl (c->o->render set). Returns 0 or -1. */
int renderer_new(struct crawl *c, struct renderer **out);
/* Kill every Chromium still running, remove its profile, and free the
 * pages waiting, without their links going anywhere (teardown, after
 * pool_free). NULL is allowed. */
void renderer_free(struct renderer *r);
/* Milliseconds until renderer_tick is due, or -1. */
long renderer_timeout_ms(const struct renderer *r);
/* Once per turn: Chromiums that ended, or ran out of their budget, and
 * the pages waiting for one. */
void renderer_tick(struct renderer *r);
/* Page @page of site @s at @level, read by @a (its HTML body), goes to
 * the parser and to Chromium; once both are in, its render is stored and
 * site_page_parsed gets the DOM's links (or the HTML's, when Chromium
 * gave no DOM). Counted as work until then. Returns 0, or -1 when the
 * page is not taken (no renderer, a page of the last level: its links
 * are none of the site's, out of memory): parse it as served. */
int render_page(struct site *s, int level, const char *page,
                const struct attempt *a);

/* ---- map.c: a string-keyed hash map ------------------------------------ */

struct map_slot {
  const char *key; /* NULL: empty */
  void *val;
};

/* All zero is an empty map. Open addressing (linear probing, at most
 * three quarters full); the keys it copies live in chunks of its own
 * (no entry is ever removed), so an entry costs no allocation of its own.
 * The crawl's URLs are in a struct utab instead (urltab.c). */
struct map {
  struct map_slot *s;
  size_t cap, n;
  struct map_chunk *chunks; /* the copied keys */
  size_t chunk_left;
};

/* The value stored under @key, or NULL. */
void *map_get(const struct map *m, const char *key);
/* Insert @key (copied) -> @val; the key must not be present. Returns the
 * map's copy of the key (lent until map_clear), or NULL when out of
 * memory. */
char *map_put(struct map *m, const char *key, void *val);
/* Call @fn for every entry with a value, in slot order; @fn must not
 * change @m. An entry whose value is NULL is no entry to map_get,
 * map_each or map_clear's @free_val. */
void map_each(const struct map *m,
              void (*fn)(const char *key, void *val, void *arg), void *arg);
/* Free every entry (and each value with @free_val unless NULL); @m is left
 * empty. */
void map_clear(struct map *m, void (*free_val)(void *));

/* ---- urltab.c: the crawl's URLs, known by fingerprint ------------------ */

/* A URL's 128-bit fingerprint under its table's key. */
struct utab_fp {
  uint64_t h[2];
};

struct utab_ent;

/* All zero is an empty table. One entry per distinct URL: its
 * fingerprint (not its text: a crawl holds every URL it met to the end)
 * and a value; entries are numbered from 1 in the order they came and are
 * never removed. Keyed at random when first used. */
struct utab {
  uint32_t *slot; /* 0: empty; else an entry number */
  size_t cap;     /* slots: 0 or a power of two */
  size_t n;       /* entries */
  struct utab_ent **pages;
  size_t n_pages, pages_cap;
  uint64_t key[2];
  int keyed;
};

/* SipHash-2-4 with 128-bit output of the @n bytes at @data under @key
 * (key[0] its first 8 bytes, little-endian), as two little-endian words. */
void utab_siphash128(const uint64_t key[2], const void *data, size_t n,
                     uint64_t out[2]);
/* @url's fingerprint in @t (which is keyed now if it was not). */
void utab_fp(struct utab *t, const char *url, struct utab_fp *fp);
/* The entry of the fingerprint @fp, or 0. */
uint32_t utab_find_fp(const struct utab *t, const struct utab_fp *fp);
/* The entry of @url, or 0. */
uint32_t utab_find(const struct utab *t, const char *url);
/* A new entry for @fp (not in @t) -> @val; 0 when out of memory. */
uint32_t utab_add_fp(struct utab *t, const struct utab_fp *fp, void *val);
/* The entry of @url, added with no value (NULL) when it is not there; 0
 * when out of memory. */
uint32_t utab_intern(struct utab *t, const char *url);
/* The value of entry @id (NULL for 0 or none). */
void *utab_val(const struct utab *t, uint32_t id);
/* Set entry @id's value (nothing for 0). */
void utab_val_set(struct utab *t, uint32_t id, void *val);
/* The value of @url, or NULL. */
void *utab_get(const struct utab *t, const char *url);
/* Set @url's value, adding it when it is not there; its entry, or 0 when
 * out of memory. */
uint32_t utab_set(struct utab *t, const char *url, void *val);
/* Call @fn for every value that is not NULL, in entry order; @fn must not
 * change @t. */
void utab_each(const struct utab *t, void (*fn)(void *val, void *arg),
               void *arg);
/* Free every entry (each value with @free_val unless NULL); @t is left
 * empty and unkeyed. */
void utab_clear(struct utab *t, void (*free_val)(void *));

/* A set of a table's entry numbers, each with a level 1..15 (a site's
 * seen URLs): 4 bytes a slot. All zero is empty. */
#define IDSET_LEVEL_BITS 4
struct idset {
  uint32_t *slot; /* 0: empty; else id << IDSET_LEVEL_BITS | level */
  size_t cap, n;
};

/* The level of @id in @s, 0 when it is not there. */
int idset_get(const struct idset *s, uint32_t id);
/* Add @id (not in @s) at @level; -1 when out of memory or out of range. */
int idset_put(struct idset *s, uint32_t id, int level);
void idset_clear(struct idset *s);

/* ---- vantage.c: does this machine reach each family? -------------------- */

struct crawl;
struct probe;

struct vantage_ep {
  int family; /* 4 or 6 */
  unsigned char addr[16];
  unsigned port;
  char text[64]; /* "192.0.2.1:53" or "[2001:db8::1]:53" */
};

/* Parse @list ("ADDR:PORT,[V6ADDR]:PORT,...", blanks around an item
 * allowed) into *@out, malloc'd, *@n endpoints (NULL and 0 for a NULL or
 * empty list). Returns 0; -1 with a message in @err for a bad item; -2
 * out of memory. */
int vantage_parse(const char *list, struct vantage_ep **out, size_t *n,
                  char *err, size_t errlen);

/* Milliseconds since the epoch (wall clock, for the store). */
int64_t vantage_wall_ms(void);

/* What one check saw. */
struct vantage_result {
  int ok[2]; /* [0] IPv6, [1] IPv4: some endpoint completed a connect */
  int64_t start_ms, end_ms; /* wall clock */
  char detail[1024];        /* each endpoint tried and what came of it */
};

struct vantage;

/* The checker of c->o->vantage (parsed). Returns 0, -1 (bad list, a
 * message in @err), -2 out of memory. */
int vantage_new(struct crawl *c, struct vantage **out, char *err,
                size_t errlen);
void vantage_free(struct vantage *v);
/* Start a check: a few endpoints of each family at once (the next ones in
 * the list each time), a non-blocking TCP connect each, closed as soon as
 * it completes (nothing is sent). @done runs once, from vantage_tick, when
 * every connect has ended or the timeout is over. Returns 0, or -1 when a
 * check is running already. */
int vantage_start(struct vantage *v,
                  void (*done)(struct crawl *c,
                               const struct vantage_result *r));
int vantage_running(const struct vantage *v);
/* Milliseconds until vantage_tick is due, or -1. */
long vantage_timeout_ms(const struct vantage *v);
void vantage_tick(struct vantage *v);

/* ---- outage.c: IPv6 failures that are this machine's ---------------------
 *
 * An IPv6 probe request that got no response is held (not charged to the
 * site) until the vantage is known to work: an IPv6 success elsewhere, or
 * a check that connects, charges it; a check that fails starts an outage,
 * after which the held probes are asked again over IPv6 (or, if IPv6 does
 * not come back before the run's end, left unmeasured). See
 * doc/measurement.md. */

struct outage;

int outage_new(struct crawl *c, struct outage **out);
void outage_free(struct outage *m);
/* The IPv6 attempt of @p ended with @outcome (enum outcome). Returns 1
 * when the probe's IPv6 result is held (outage.c settles it later with
 * probe_v6_settle), 0 when it counts now. */
int outage_v6_end(struct crawl *c, struct probe *p, int outcome);
/* Once per turn: periodic checks, re-checks while down, and the held
 * probes once nothing else is left to do. */
void outage_tick(struct crawl *c);
/* Milliseconds until outage_tick is due, or -1. */
long outage_timeout_ms(const struct crawl *c);
/* The run's end: the outage still open is written down. */
void outage_finish(struct crawl *c);
/* A probe left held (interrupted run) is freed with the probes: forget
 * every held probe. */
void outage_forget(struct crawl *c);

/* ---- the crawl's shared state --------------------------------------------
 *
 * What every part below crawl.c shares: the services (store, loop,
 * resolver, fetcher), the tables of hosts, origins and probes, and the
 * counters. Each table belongs to the file that fills it. */

struct site;
struct probe;
struct host;
struct attempt;

struct crawl {
  struct store *st;
  const struct crawl_opts *o;
  uint32_t run;
  int have_run;
  int v6; /* the vantage point has IPv6 */
  struct loop *loop;
  struct resolver *res;
  struct fetcher *fetch;
  struct pool *pool;    /* pool.c: the page parser's thread */
  struct map hosts;     /* host.c: name -> struct host */
  struct map origins;   /* origin.c: origin -> struct origin */
  struct utab probes;   /* probe.c: URL -> struct probe, or a word once
                         * measured; also the entry of each URL the sites'
                         * frontiers have seen */
  struct probe *view;   /* probe.c: a measured probe as probe_get lends it */
  struct map perf_objs; /* timing.c: host -> its objects to time */
  struct store_probe view_rec; /* probe.c: its record, for probe_why */
  char why_buf[32];            /* probe_why's "HTTP 404" */
  struct map breakers;         /* breaker.c: "FAMILY ADDR PORT" -> its record */
  struct map sheets;           /* subres.c: style sheet URL -> struct sheet */
  size_t parked;           /* breaker.c: requests waiting on an open address */
  size_t leaves;           /* host.c: probes waiting in a host's pq queue */
  struct host *pg_blocked; /* host.c: hosts whose pages wait for them */
  int breaker_pending;     /* breaker.c: parked requests to hand on */
  struct site *sites;      /* crawl.c */
  size_t n_sites;
  struct host *ready_head, *ready_tail; /* host.c: hosts with a free slot */
  struct host *delayed;     /* host.c: hosts waiting out their Crawl-delay */
  struct attempt *attempts; /* attempt.c: every live attempt, for teardown */
  struct dq *dqs;           /* deleg.c: every live direct query */
  struct map deleg_zones;   /* deleg.c: zone steps the walks share */
  unsigned dq_id;           /* deleg.c: the last query id */
  size_t in_flight;
  size_t work; /* probes, page fetches and robots fetches not finished */
  int store_rc;
  int nomem;
  int resumed; /* a run continued (resume.c): hosts stored stay */
  struct crawl_progress prog;
  /* probe.c reports each site's want of a measured probe up through this
   * (set by crawl.c): @arg is the site given to probe_add. */
  void (*want_done)(int rc, const struct probe *p, int level, void *arg);
  /* the vantage point (vantage.c, outage.c) */
  int v4; /* the vantage point had IPv4 at the start */
  struct vantage *vt;
  struct outage *mon;           /* NULL with --assume-ipv6 or without IPv6 */
  uint32_t vantage_seq;         /* the last vantage record written */
  struct vantage_result vfirst; /* the check before the run */
  int vfirst_done;
  struct wall_pass *pass; /* wall.c: the owners' header sets, per site */
  struct renderer *rnd;   /* render.c: --render's Chromiums, or NULL */
};

/* Keep the first store failure (STORE_NOTFOUND is a result). */
static inline void crawl_store_rc(struct crawl *c, int rc)
{
  if (rc != STORE_OK && rc != STORE_NOTFOUND && !c->store_rc)
    c->store_rc = rc;
}

/* Out of memory: the run stops at the loop's next turn. */
static inline void crawl_oom(struct crawl *c)
{
  c->nomem = 1;
}

/* An intrusive list node for a thing waiting on a host or an origin: the
 * owner of the list unlinks it and calls @cb(0, w) when the wait is over
 * (the thing is found again with CONTAINER_OF). Whoever queues @w has set
 * @cb. */
struct waiter {
  struct waiter *next;
  void (*cb)(int rc, struct waiter *w);
};

#define CONTAINER_OF(p, type, member)                                          \
  ((type *)(void *)((char *)(p)-offsetof(type, member)))

/* ---- host.c: DNS per host, request slots, per-host windows --------------- */

struct host {
  struct crawl *c;
  char *name;   /* the key in c->hosts */
  int dns_left; /* lookups outstanding */
  int resolved;
  /* Why no lookup can find the name (url_host_check: too long), or NULL.
   * Such a host is resolved at once with no address and never stored:
   * its requests end at once with this as their evidence. */
  const char *bad;
  int stored;
  struct dns_answer ans[2]; /* [0] A, [1] AAAA: copies */
  char **use[2];            /* usable addresses per family */
  size_t n_use[2];
  int active;                     /* requests in flight */
  struct waiter *q_head, *q_tail; /* waiting for a slot */
  struct waiter *dns_wait;        /* waiting for the answers */
  int in_ready;
  struct host *ready_next;
  /* robots.txt Crawl-delay: one request at a time, starts this far apart */
  long delay_ms;
  int64_t next_ms;
  int in_delayed;
  struct host *delayed_next;
  int hset; /* wall.c: the header set its requests send, 0 none */
  /* probes of URLs on this host: at most PROBE_WINDOW started at a time,
   * the rest wait here (as bare probes, not as two requests each): the
   * ones no site reads the page of (pq), and the pages (pg), which stop
   * while too many of the former wait (host.c, LEAF_CAP) */
  struct waiter *pq_head, *pq_tail;
  struct waiter *pg_head, *pg_tail;
  unsigned started;
  int pumping;
  int pg_blocked; /* in c->pg_blocked: pages wait for the leaves */
  struct host *blocked_next;
};

/* The host @name, created (and its A and AAAA asked) the first time; an
 * IP literal is resolved at once. Lent until the crawl ends; NULL when out
 * of memory (then c->nomem is set). */
struct host *host_get(struct crawl *c, const char *name);
/* For map_clear. */
void host_free(void *h);
/* Write every resolved host not yet written to the store (once the run
 * exists). */
void hosts_store(struct crawl *c);
/* Queue @w until @h is resolved (LIFO); @h must not be resolved yet. */
void host_dns_wait(struct host *h, struct waiter *w);
/* Queue @w for a request slot on @h (FIFO); hosts_schedule calls it back
 * when a slot is free, within --per-host, --concurrency and Crawl-delay. */
void host_slot_wait(struct host *h, struct waiter *w);
/* A request starts on @h (from the waiter's callback). */
void host_slot_take(struct host *h);
/* A request that host_slot_take counted could not start. */
void host_slot_undo(struct host *h);
/* A request on @h finished: its slot is free for the next waiter. */
void host_slot_release(struct host *h);
/* Hand free slots to the waiters, while --concurrency allows. */
void hosts_schedule(struct crawl *c);
/* Hosts whose Crawl-delay is over become ready again; returns the
 * milliseconds until the next one is due, or -1. */
long hosts_delayed_tick(struct crawl *c);
/* Raise @h's Crawl-delay to @ms (never lowers it). */
void host_delay_raise(struct host *h, long ms);
/* Queue @w for a place in @h's window of started probes (FIFO); called
 * back (it must call host_probe_started) while the window has room. A
 * probe whose page a site reads (@page) goes before the others, but not
 * while LEAF_CAP of those wait in all hosts' windows: reading pages finds
 * links faster than they are measured, and every one waiting is memory. */
void host_probe_wait(struct host *h, struct waiter *w, int page);
/* A probe of @h starts / has finished (making room in the window). */
void host_probe_started(struct host *h);
void host_probe_done(struct host *h);

/* ---- breaker.c: addresses known bad for this run -------------------------
 *
 * The rules for one address (pure): closed (requests go), open after
 * @threshold connect failures (a connect timeout, unreachable) with no
 * success or refusal between them (requests are parked),
 * retrying (one parked request went as the one more try), bad (requests
 * are decided at once). */

enum brk_state { BRK_CLOSED, BRK_OPEN, BRK_RETRYING, BRK_BAD };
enum brk_admit { BRK_GO, BRK_PARK, BRK_DECIDE };
enum brk_action {
  BRK_NONE,
  BRK_RELEASE,   /* it connected: the parked requests go the normal way */
  BRK_DECIDE_ALL /* the one more try failed: the parked are decided */
};

struct brk {
  int state;
  int threshold;              /* 0: never opens */
  unsigned timeouts, unreach; /* connect failures since the last answer */
};

void brk_init(struct brk *b, int threshold);
/* What a request to the address does now: an enum brk_admit. */
int brk_admit(const struct brk *b);
/* A request to the address ended, @conn an enum fetch_conn (connected or
 * refused: the address answered). Returns an enum brk_action. */
int brk_result(struct brk *b, int conn);
/* The time for one more try has come (nothing else of the crawl can
 * move, or the address has been open for --retries + 1 connect
 * timeouts): 1 when the address
 * (open) is to be tried now (it becomes retrying). */
int brk_idle(struct brk *b);

/* The crawl's table of addresses (port @port of @addr over @family, 4 or
 * 6). breaker_admit: what a request about to start does (an enum
 * brk_admit); on BRK_PARK @w is queued and later called back with rc 0
 * (go, without asking again) or 1 (decided: no response). */
int breaker_admit(struct crawl *c, int family, const char *addr, int port,
                  struct waiter *w);
/* A request to the address ended (@conn an enum fetch_conn). */
void breaker_result(struct crawl *c, int family, const char *addr, int port,
                    int conn);
/* Every record of @family starts again, closed (IPv6 came back after an
 * outage of this machine's: the failures were not the addresses'). */
void breakers_forget(struct crawl *c, int family);
/* 1 when the address is bad for the rest of the run (its one more try
 * failed too): timing.c asks it nothing more. */
int breaker_bad(struct crawl *c, int family, const char *addr, int port);
/* The evidence of a request decided at once, into @buf. */
int breaker_why(struct crawl *c, int family, const char *addr, int port,
                char *buf, size_t len);
/* Once per turn of the loop (after hosts_schedule). */
void breakers_tick(struct crawl *c);
/* For map_clear. */
void breaker_free(void *b);

/* ---- retry.c: what a reply means for an attempt (pure) ------------------- */

#define MAX_REDIRECTS 5

/* An attempt's position in its chain, which attempt_next moves on. */
struct attempt_state {
  int family;      /* 4 or 6 */
  int auto_family; /* robots / pages: IPv4 first, then IPv6 */
  int hops;        /* redirects followed */
  int tries;       /* requests of this hop beyond the first */
  int retries;     /* extra tries after no response or a 5xx */
  int get;         /* HEAD said 400 or more: confirm with a GET */
};

/* What came back for one request. */
struct attempt_reply {
  int response; /* 0: no response (connect, TLS, timeout, reset); a
                 * response whose status is 1xx is none either */
  int head;     /* it was a HEAD */
  int status;
  int location; /* a Location header came */
};

enum attempt_next {
  ATT_RETRY,     /* ask the same hop again, same family */
  ATT_FAMILY,    /* start again from the first URL over IPv6 */
  ATT_GET,       /* the HEAD's answer is confirmed with a GET */
  ATT_REDIRECT,  /* follow the Location, same family */
  ATT_REDIRECTS, /* end: more than MAX_REDIRECTS */
  ATT_NORESP,    /* end: no response */
  ATT_OK,        /* end: a success */
  ATT_HTTPERR    /* end: an HTTP status that is not a success */
};

/* Initialise @s for a chain over @family (0: IPv4 first, then IPv6) with
 * @retries extra tries. */
void attempt_state_init(struct attempt_state *s, int family, int retries);
/* Decide what follows @r and move @s there (tries, hops, get, family).
 * @v6_ok: the host has a usable IPv6 address and so does this machine
 * (for ATT_FAMILY); @strict: only 200 is a success. Returns an
 * enum attempt_next. */
int attempt_next(struct attempt_state *s, const struct attempt_reply *r,
                 int v6_ok, int strict);
/* The family of the first request once the host's usable addresses are
 * known (@n4, @n6 of each; @v6: this machine reaches IPv6): an automatic
 * chain with no IPv4 address goes over IPv6. Moves @s there; returns the
 * family. */
int attempt_family_pick(struct attempt_state *s, size_t n4, size_t n6, int v6);
/* 1 when the next request asks with HEAD: a probe that needs no body,
 * unless a HEAD already answered 400 or more. */
int attempt_wants_head(const struct attempt_state *s, size_t max_body);
/* 1 when @status counts as a success. */
int attempt_success(int strict, int status);

/* ---- attempt.c: one family's redirect chain --------------------------- */

enum outcome {
  OUT_NONE,
  OUT_OK,
  OUT_NOADDR,
  OUT_NORESP,
  OUT_HTTPERR,
  OUT_ROBOTS /* a redirect led where robots.txt says no */
};

/* The attempt's end: @rc is its outcome (enum outcome). The callback owns
 * @a and frees it with attempt_free. */
typedef void (*attempt_cb)(int rc, struct attempt *a, void *arg);

struct attempt {
  struct crawl *c;
  struct attempt_state s;
  char *start; /* first URL */
  char *url;   /* current hop; the same string as start until a hop */
  struct host *host;
  size_t max_body;
  /* When set, called for each redirect hop instead of attempt_hop (for
   * robots.txt): it must end in attempt_hop or attempt_refuse. */
  void (*on_hop)(struct attempt *a);
  struct v6_buf log; /* "STATUS URL" per request, newline-separated */
  int outcome, status;
  char *error; /* why it failed, or NULL */
  char *body, *content_type;
  size_t body_len;
  int truncated; /* the body was cut at --max-body */
  char *cut;     /* the final response's body broke off: why (owned) */
  double connect_ms, first_byte_ms, total_ms;
  struct fetch_req *req; /* only while a request is in flight */
  attempt_cb done;
  void *arg;
  struct waiter dns_w;   /* waiting for its host's answers */
  struct waiter slot_w;  /* waiting for a request slot on its host */
  struct waiter hop_w;   /* a redirect hop waiting for robots.txt */
  struct waiter brk_w;   /* parked on an address known bad (breaker.c) */
  int port;              /* the current hop's port */
  struct wall_sig *wall; /* the final answer was a refusal: its signature */
  int waits;             /* asked again after a 429 (this hop) */
  int brk_pass;          /* unparked: the next request goes unasked */
  struct attempt *all_prev, *all_next; /* every live attempt */
};

/* An attempt at @url over @family (4, 6, or 0: IPv4 first, then IPv6),
 * keeping up to @max_body bytes of the final body (0: none, ask with
 * HEAD). Counted as work until it ends. @done(@arg) runs once it ends.
 * Returns NULL when out of memory. Start it with attempt_hop. */
struct attempt *attempt_new(struct crawl *c, const char *url, int family,
                            size_t max_body, attempt_cb done, void *arg);
/* Why a request chain that ended with @error (NULL: none) on @status
 * (0: no response) has no page: @error, else "HTTP 404" (written into
 * @buf of @len bytes), else "no response". */
const char *why_text(const char *error, int status, char *buf, size_t len);
/* why_text of @a's end; lent as long as @a and @buf. */
const char *attempt_why(const struct attempt *a, char *buf, size_t len);
/* Free @a (NULL allowed), and its request if one is in flight. */
void attempt_free(struct attempt *a);
/* Go on at a->url: its host, DNS, a slot, the request. */
void attempt_hop(struct attempt *a);
/* End @a at its current hop: robots.txt disallows it. */
void attempt_refuse(struct attempt *a);

/* ---- origin.c: robots.txt per origin ------------------------------------ */

struct origin {
  int state; /* 0 new, 1 fetching, 2 done */
  struct host *host;
  struct robots *rules;
  int disallow_all;
  int retried; /* robots.txt broke off once and was asked again */
  char *why;   /* why everything is disallowed, when not a 5xx (owned) */
  struct waiter *waiting;      /* probes waiting for the rules (LIFO) */
  struct waiter *hops_waiting; /* attempts' hop_w: redirect hops, LIFO */
};

/* The origin of @v, its robots.txt asked for the first time it is seen.
 * Lent until the crawl ends; NULL when out of memory. */
struct origin *origin_get(struct crawl *c, const struct url_view *v);
/* Queue @w until @o's rules are known (state 2). */
void origin_wait(struct origin *o, struct waiter *w);
/* 1 when @o's rules (known) let us request @path_query. */
int origin_allows_path(const struct origin *o, const char *path_query);
/* An attempt's on_hop: the hop goes on once its origin's robots.txt
 * allows it, or ends refused. */
void origin_hop_gate(struct attempt *a);
/* For map_clear. */
void origin_free(void *o);

/* ---- probe.c: one probe per distinct URL ----------------------------------
 */

struct probe_want {
  void *arg; /* the site */
  int level;
  struct probe_want *next;
};

struct probe {
  struct crawl *c;
  const char *url;  /* owned (c->probes keeps no URL text) */
  const char *path; /* its path and query: in url, or owned (path_own) */
  struct origin *origin;
  struct attempt *fam[2]; /* [0] IPv6, [1] IPv4; set until want_done ends */
  struct probe_want *wants;
  struct waiter w; /* in its origin's or its host's queue */
  /* outage.c: its IPv6 result held while the vantage is in doubt */
  struct probe *held_next;
  /* a link's: store_url_ref's of url (0: none), so that its record is
   * put without a lookup of the URL */
  uint64_t url_ref;
  /* small fields last and packed: a crawl holds a probe for every
   * distinct URL it has seen */
  uint32_t id; /* its entry in c->probes */
  short klass;
  short left;            /* attempts still running */
  unsigned short reasks; /* IPv6 asked again after an outage */
  unsigned finished : 1;
  unsigned restored : 1; /* measured by the run before it was resumed */
  unsigned started : 1;  /* counted in its host's window */
  unsigned any_ok : 1;   /* once finished: some family succeeded */
  unsigned held : 1;
  unsigned
    v6_unmeasured : 1;   /* IPv6 failed while this machine's IPv6 was down */
  unsigned linked : 1;   /* a link's (probe_add), not only a subresource's */
  unsigned path_own : 1; /* path is a copy of its own */
};

enum probe_add_rc {
  PROBE_ADDED = 0,   /* new, or the want was added to a running probe */
  PROBE_MEASURED = 1 /* measured before: the site reads the page itself */
};

/* Probe @url (once per crawl) as a subresource of a page: no site wants
 * its page, and it is no link (timing.c takes no object of it) unless a
 * link adds it too. Returns as probe_add. */
int probe_add_sub(struct crawl *c, const char *url);
/* Probe @url (once per crawl), for site @arg at @level (@arg NULL: no site
 * wants its page). Once measured, c->want_done runs for each want. A
 * probe measured already takes no want (PROBE_MEASURED): the caller
 * decides from probe_get what its page is for the site.
 * Returns an enum probe_add_rc (c->nomem is set when out of memory). */
int probe_add(struct crawl *c, const char *url, void *arg, int level);
/* A probe of @url measured (and stored) before the run was resumed:
 * finished, of class @klass, @any_ok when a family succeeded (the reason
 * it has no page stays in its record). Nothing is asked again. Returns
 * 0, or -1 when out of memory (c->nomem set); a probe of @url already
 * known is left as it is. */
int probe_restore(struct crawl *c, const char *url, int klass, int any_ok);
/* The probe of @url, or NULL when none was added. A probe being measured
 * is lent until it is measured; a measured one is lent only until the
 * next probe_get (it is rebuilt each time from what c->probes keeps of
 * it: finished, klass, any_ok, restored, linked; its url is @url;
 * probe_why reads the store). */
const struct probe *probe_get(struct crawl *c, const char *url);
/* The attempt whose body is the probe's page (IPv4's if it succeeded, else
 * IPv6's), or NULL; lent for want_done. */
const struct attempt *probe_body(const struct probe *p);
/* 1 when some family succeeded (also once finished). */
int probe_any_ok(const struct probe *p);
/* Why a probe without a body has none (also once finished); lent as
 * long as @p. */
const char *probe_why(const struct probe *p);
/* For map_clear. */
void probe_free(void *p);
/* Free every probe (teardown). */
void probes_clear(struct crawl *c);

enum probe_v6 {
  PROBE_V6_CHARGE,    /* the IPv6 result stands: the site's */
  PROBE_V6_REASK,     /* ask over IPv6 again (the vantage is back) */
  PROBE_V6_UNMEASURED /* our IPv6 was down: the probe is unmeasured */
};
/* Settle the held IPv6 result of @p (enum probe_v6 @how). */
void probe_v6_settle(struct crawl *c, struct probe *p, int how);

/* ---- indicators.c: the homepage and the name servers --------------------- */

struct indicators {
  struct crawl *c;
  /* When set, called each time an extra homepage request ends (so the
   * caller can store home_tries as they grow). */
  void (*changed)(struct indicators *in);
  int home_tries, home_ok, consistent;
  double similarity;
  int ns_asked;
  char *ns_zone;
  char **ns;
  size_t n_ns;
  int *ns_auth; /* per name server: answered authoritatively over IPv6 */
  struct deleg_check *check;
  struct deleg_walk *walk;
};

void indicators_init(struct indicators *in, struct crawl *c);
void indicators_cleanup(struct indicators *in);
/* The homepage's probe @p is in: compare its IPv4 and IPv6 pages, and ask
 * the homepage over IPv6 --home-probes - 1 more times. */
void indicators_home(struct indicators *in, const struct probe *p);
/* A resumed run: the homepage @url was probed and in->home_tries of the
 * --home-probes requests were made before; ask the rest over IPv6. */
void indicators_home_more(struct indicators *in, const char *url);
/* Ask the name servers of @host's zone (once), walking up from @host to
 * the closest enclosing zone, check them over IPv6, and walk the
 * delegation from the root. */
void indicators_ns_ask(struct indicators *in, const char *host);
/* Fill @ss's homepage and name server figures. ss->ns_hosts is allocated
 * (or NULL): the caller frees it. */
void indicators_fill(const struct indicators *in, struct store_site *ss);

/* ---- timing.c: the dedicated timing requests after the crawl ----------- */

struct tjob;

struct timing {
  struct crawl *c;
  struct tjob *all;   /* every object set */
  struct tjob *queue; /* not started yet */
  int running;
  int closing; /* the crawl is being torn down: lookups end unheard */
};

void timing_init(struct timing *tm, struct crawl *c);
/* Free every set; after crawl teardown (set tm->closing first). */
void timing_cleanup(struct timing *tm);
/* Time site @site's homepage @final_url (NULL: never reached; nothing is
 * timed then, nor when its host lacks a usable address of a family or
 * this machine has no IPv6). */
void timing_site_add(struct timing *tm, uint32_t site, const char *final_url);
/* The probe of @url is measured ok and is a link's (once per URL): one
 * of its host's objects if it comes early enough in byte order. @host is
 * its host's name, or NULL to read it from @url. */
void timing_object(struct crawl *c, const char *host, const char *url);
/* Time the hosts with a CNAME chain behind ok probes, on their objects. */
void timing_perf_add(struct timing *tm);
/* Free what timing_object gathered (at crawl teardown). */
void timing_objects_clear(struct crawl *c);
/* Start the sets (counted as c->work until each is stored). */
void timing_start(struct timing *tm);

/* ---- frontier.c: a site's levels, dedupe and scope (pure) ---------------
 *
 * Breadth first, whatever order pages arrive in: a site counts the pages
 * it wants per level and has not read, and holds the links of a page read
 * too early until every page of the levels above it is read. Each URL is
 * a link of the site once, at the first level it is seen. Nothing here
 * does I/O: links go out through the callback. */

enum frontier_rc { FRONTIER_OK = 0, FRONTIER_NOMEM = -1 };

struct frontier_link {
  const char *page; /* the page it is on */
  const char *url;  /* the URL, the fragment text, or the raw href */
  int level;        /* the level it is a link of */
  int kind;         /* LINK_HTTP, LINK_OTHER, LINK_INVALID */
  int fresh;        /* first seen here: a new link of the site */
  int internal;     /* fresh and in the scope domain */
  int follow;       /* fresh, internal, above --depth: read its page */
};

/* One link found on a page (an edge, fresh or not). @rc is FRONTIER_NOMEM
 * when the link could not be remembered: then only the edge is known.
 * @l is lent for the call. */
typedef void (*frontier_link_cb)(int rc, const struct frontier_link *l,
                                 void *arg);

struct held;

struct frontier {
  struct idset seen;      /* the entries of keys seen, with their level */
  struct utab *keys;      /* the crawl's URLs, or own_keys when NULL */
  struct utab own_keys;   /* a frontier of its own (the unit tests) */
  struct map script_seen; /* URL literals found in the pages' scripts */
  char *scope;            /* the scope domain (owned) or NULL */
  int depth;              /* levels to collect */
  int script_links;       /* script literals count as links */
  int refreshes;          /* <meta http-equiv=refresh> hops at level 1 */
  unsigned pending[STORE_MAX_LEVEL + 2];
  struct held *held;
  frontier_link_cb cb;
  void *arg;
  /* When set, called once for each page whose links go out (before
   * them), with the flags given to frontier_page_flags: how a resumed
   * crawl later knows which pages were read. @hp is lent for the call. */
  void (*page_cb)(const char *page, int level, const struct html_page *hp,
                  int flags, void *arg);
};

/* An empty frontier collecting @depth levels; links go to @cb(@arg). */
void frontier_init(struct frontier *f, int depth, int script_links,
                   frontier_link_cb cb, void *arg);
void frontier_cleanup(struct frontier *f);
/* Remember @url as seen at @level. Returns 1 when new, 0 when it was
 * seen already, FRONTIER_NOMEM. */
int frontier_mark(struct frontier *f, const char *url, int level);
/* The level @url was first seen at, or 0. */
int frontier_level(const struct frontier *f, const char *url);
/* The site wants a page at @level: one more to read before the levels
 * below it are released. */
void frontier_want(struct frontier *f, int level);
/* Whether the level-@level page @hp's meta refresh is followed like a
 * redirect (level 1 only, at most MAX_REDIRECTS, an unseen http URL):
 * then it is marked seen and 1 returned; 0 when not, FRONTIER_NOMEM. */
int frontier_refresh(struct frontier *f, int level, const struct html_page *hp);
/* Page @page wanted at @level is read with links @hp (taken: the frontier
 * cleans it up). Its links go out as links of @level + 1 now, or once
 * the levels above are read. Returns FRONTIER_OK or FRONTIER_NOMEM. */
int frontier_page(struct frontier *f, int level, const char *page,
                  struct html_page *hp);
/* frontier_page with @flags kept for f->page_cb. */
int frontier_page_flags(struct frontier *f, int level, const char *page,
                        struct html_page *hp, int flags);
/* Remember @url as a URL literal of a page's scripts (a resumed crawl
 * restoring what its read pages had). Returns 1 when new, 0 when known,
 * FRONTIER_NOMEM. */
int frontier_script_mark(struct frontier *f, const char *url);
/* A page wanted at @level has been read (or could not be): held links
 * whose upper levels are now read go out. Returns as frontier_page. */
int frontier_page_done(struct frontier *f, int level);
/* Pages wanted and not read yet, all levels. */
size_t frontier_pages_left(const struct frontier *f);
/* 1 while a page of a level above @level is still to be read. */
int frontier_pages_above(const struct frontier *f, int level);
/* Script URL literals that are not links of the site. */
size_t frontier_script_hidden(const struct frontier *f);
/* What link @hl of the page whose own URL is @self is a link of the site
 * as (the frontier's key, the edges' target): its URL, the raw href of
 * one a browser rejects, or the text of a fragment-only href that stays
 * on the page (written into @frag, @len bytes); NULL for none. *@kind
 * is its enum store_link_kind. */
const char *frontier_link_key(const struct html_link *hl, const char *self,
                              char *frag, size_t len, int *kind);

/* ---- crawl.c: the run's sites, shared with resume.c ---------------------- */

struct site {
  uint32_t idx;
  struct crawl_site spec;
  char *start_url;
  char *final_url;
  char *error;
  int home_known;
  int pages_cut; /* pages read only up to --max-body */
  struct crawl *c;
  struct frontier f; /* levels, dedupe, scope (f.scope) */
  struct indicators ind;
  struct page_job *jobs; /* pages being read (their attempts own them) */
};

struct page_job {
  struct site *site;
  int level;
  int refresh; /* a meta-refresh target: failure keeps the page before */
  char *url;
  struct page_job *prev, *next; /* the site's jobs, for a run cut short */
};

/* Read page @url for site @s's links at @level, over IPv4 if it answers,
 * else IPv6; @done(job) runs when it is read or cannot be (page_done:
 * its links to the frontier). @refresh: a meta-refresh target of level 1,
 * a new page wanted. */
void page_job_start(struct site *s, int level, const char *url, int refresh,
                    attempt_cb done);
/* The attempt_cb of a page job. */
void page_done(int rc, struct attempt *a, void *arg);
/* Site @s wants @url's page at @level (@follow), or only its probe. */
void site_want(struct site *s, const char *url, int level, int follow);
/* Write site @s's record (its figures so far). */
void site_record(struct crawl *c, const struct site *s);
/* Page @page of @s wanted at @level is parsed into @hp (taken: its links
 * go to the frontier), @truncated when read only up to --max-body; it
 * counts as read. */
void site_page_parsed(struct site *s, int level, const char *page,
                      int truncated, struct html_page *hp);
/* Store that @s is done with page @page of @level (enum store_page_flags
 * @flags; @hp its links, or NULL). */
void site_page_mark(struct site *s, int level, const char *page, int flags,
                    const struct html_page *hp);

/* ---- subres.c: the subresources of the pages read ------------------------ */

/* Page @page of site @s (read for its links) loads the @n subresources
 * @v (html_page's subres): each distinct http(s) URL is stored with the
 * page and probed (once per run), and a style sheet is read once for its
 * url() and @import, which become the page's too. */
void subres_page(struct site *s, const char *page, const struct html_link *v,
                 size_t n);
/* A resumed run: the stored subresources whose probe is not stored are
 * probed, the style sheets not read are read. */
void subres_resume(struct crawl *c);
/* Free the @n subresources @v taken from an html_page. */
void subres_free(struct html_link *v, size_t n);
/* For map_clear of c->sheets. */
void sheet_free(void *sheet);

/* ---- resume.c: continuing a run ------------------------------------------ */

/* Pick the run to resume into c->run: @want (0: the latest incomplete
 * run) must be incomplete, of the same c->n_sites sites (start URL, name,
 * unit, scope) and measurement options (@opts_text against its own, see
 * crawl.c's options_text; @defaults_text for keys an older run lacks) and
 * vantage point. Returns CRAWL_OK, CRAWL_NORESUME, CRAWL_MISMATCH,
 * CRAWL_STORE or CRAWL_NOMEM, with crawl_last_error() set through
 * @set_error. */
int resume_pick(struct crawl *c, uint32_t want, const char *opts_text,
                const char *defaults_text,
                void (*set_error)(const char *fmt, ...));
/* Rebuild each site's state from run c->run in the store and want what
 * is not measured yet: links are marked at their levels, measured probes
 * restored, pages whose links are all stored not read again. Returns
 * CRAWL_OK, CRAWL_STORE (c->store_rc) or CRAWL_NOMEM. */
int resume_begin(struct crawl *c);

#endif
