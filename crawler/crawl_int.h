/* crawler/crawl_int.h - the pieces of the crawler, for crawler/ only.
 *
 * loop.c owns epoll; dns.c owns the c-ares channel; fetch.c owns the curl
 * multi handle. crawl.c drives them and knows neither curl nor c-ares.
 */
#ifndef V6_CRAWL_INT_H
#define V6_CRAWL_INT_H

#include <stddef.h>
#include <stdint.h>

#include "base/base.h"

/* ---- loop.c: the poller ------------------------------------------------- */

struct loop;

typedef void (*loop_cb)(void *ctx, int fd, int readable, int writable);

int loop_new(struct loop **out);
void loop_free(struct loop *l);
/* Watch @fd for reading and/or writing, calling @cb(@ctx, ...) when ready.
 * rd == wr == 0 removes the watch. Returns 0 or -1. */
int loop_watch(struct loop *l, int fd, int rd, int wr, loop_cb cb, void *ctx);
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
  DNS_REFUSED = 4, /* server refused or failed (SERVFAIL, REFUSED) */
  DNS_BADNAME = 5,
  DNS_NOSERVER = 6, /* could not talk to any server */
  DNS_OTHER = 7
};

const char *dns_error_name(int error);

/* @servers: "IP[:PORT],..." or NULL for the system's resolv.conf. Returns 0,
 * or -1 with a message in @err (size @errlen). */
int resolver_new(struct loop *l, const char *servers, struct resolver **out,
                 char *err, size_t errlen);
void resolver_free(struct resolver *r);
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

/* 1 when the textual address @addr of @family may be connected to. */
int addr_usable(int family, const char *addr, int allow_private);

/* ---- fetch.c: HTTP requests ---------------------------------------------- */

struct fetcher;

struct fetch_conf {
  const char *cacert;
  const char *user_agent;
  long timeout_ms;
  int concurrency;
};

enum fetch_status {
  FETCH_RESPONSE = 0,  /* an HTTP response arrived (any status) */
  FETCH_NORESPONSE = 1 /* connect/TLS/timeout/reset before a response */
};

struct fetch_req {
  /* filled by the caller */
  const char *url;
  const char *addr; /* IP literal to connect to (no DNS in curl) */
  int family;       /* 4 or 6 */
  size_t max_body;  /* 0: discard the body (probe) */
  int head;         /* send HEAD instead of GET */
  void (*done)(int rc, struct fetch_req *req);
  void *ud;
  /* results, valid in done() */
  int status;         /* HTTP status, 0 without a response */
  char *location;     /* absolute redirect target or NULL (owned) */
  char *content_type; /* or NULL (owned) */
  char *body;         /* when max_body > 0 (owned, NUL-terminated) */
  size_t body_len;
  int truncated;   /* body hit max_body */
  char error[256]; /* when rc == FETCH_NORESPONSE */
  double connect_ms, first_byte_ms, total_ms;
  /* private to fetch.c */
  struct v6_buf buf; /* the body while it arrives, capped at max_body */
  size_t discarded;
  void *handle;
  struct fetch_req *next;
};

int fetcher_new(struct loop *l, const struct fetch_conf *conf,
                struct fetcher **out);
void fetcher_free(struct fetcher *f);
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

#endif
