/* crawler/fetch.c - one HTTP request per struct fetch_req, on curl's multi
 * socket interface and the crawl's loop.
 *
 * Redirects are not followed here: the crawler follows them itself so each
 * hop is re-resolved and kept on its family. curl never resolves a name:
 * CURLOPT_CONNECT_TO hands it the address c-ares found, and
 * CURLOPT_IPRESOLVE pins the family, so an IPv6 probe can never fall back
 * to IPv4 silently. CURLcode never leaves this file.
 */
#include "config.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "crawler/crawl_int.h"

/* A probe reads at most this much body (so the connection stays reusable
 * for ordinary pages) and then gives up on the rest. */
#define PROBE_DRAIN_MAX (256 * 1024)

struct fetcher {
  CURLM *multi;
  struct loop *loop;
  struct fetch_conf conf;
  int64_t deadline; /* monotonic ms, -1 none */
  int running;
  size_t requests;
  /* idle easy handles; ready: its options of every request are set and
   * its last transfer succeeded, so the next needs only its own */
  struct pooled {
    CURL *e;
    int ready;
  } * pool;
  size_t n_pool, cap_pool;
  /* CURLOPT_CONNECT_TO lists, one per address ("::[ADDR]:"), shared by
   * the requests to it */
  struct map connect_to;
  struct handle *active; /* handles in the multi, for teardown */
  /* the owners' header sets (wall.c), fetch_req.hset 1 .. n_sets */
  struct hset {
    struct curl_slist *lines;
    char *cookie;
  } * sets;
  size_t n_sets;
  /* "User-Agent: ..." alone, the header list of a request with no set
   * (NULL: no User-Agent); every set carries it too unless it has its own */
  struct curl_slist *ua;
};

struct handle {
  struct handle *prev, *next;
  CURL *easy;
  struct fetch_req *req;
  char errbuf[CURL_ERROR_SIZE];
};

static void sock_ready(void *ctx, int fd, int readable, int writable)
{
  struct fetcher *f = ctx;
  int ev = (readable ? CURL_CSELECT_IN : 0) | (writable ? CURL_CSELECT_OUT : 0);
  curl_multi_socket_action(f->multi, fd, ev, &f->running);
}

static int sock_cb(CURL *e, curl_socket_t s, int what, void *userp, void *sockp)
{
  struct fetcher *f = userp;
  (void)e;
  (void)sockp;
  /* curl removes a kept-alive connection's socket after each transfer
   * and adds it again for the next: parked in between, it costs no
   * epoll_ctl (close_cb takes it out of epoll for good) */
  if (what == CURL_POLL_REMOVE)
    loop_park(f->loop, s);
  else
    loop_watch(f->loop, s, what == CURL_POLL_IN || what == CURL_POLL_INOUT,
               what == CURL_POLL_OUT || what == CURL_POLL_INOUT, sock_ready, f);
  return 0;
}

/* curl closes a socket: out of the loop's epoll first (it may be parked
 * there, see sock_cb). */
static int close_cb(void *clientp, curl_socket_t s)
{
  struct fetcher *f = clientp;
  loop_watch(f->loop, s, 0, 0, NULL, NULL);
  return close(s);
}

/* Only store the deadline: calling libcurl from here may recurse. */
static int timer_cb(CURLM *m, long timeout_ms, void *userp)
{
  struct fetcher *f = userp;
  (void)m;
  f->deadline = timeout_ms < 0 ? -1 : loop_now_ms() + timeout_ms;
  return 0;
}

/* The User-Agent goes out as a header line of CURLOPT_HTTPHEADER, not
 * CURLOPT_USERAGENT: curl would format it into a header of its own on
 * every transfer, then copy that into the request, a byte at a time each
 * time. The request sent is the same. 0, or -1 out of memory. */
static int ua_line(struct fetcher *f)
{
  const char *ua = f->conf.user_agent;
  char *line;
  size_t n;

  if (!ua || !*ua)
    return 0;
  n = strlen(ua) + sizeof "User-Agent: ";
  if (!(line = malloc(n)))
    return -1;
  snprintf(line, n, "User-Agent: %s", ua);
  f->ua = curl_slist_append(NULL, line);
  free(line);
  return f->ua ? 0 : -1;
}

/* Whether header line @s names the User-Agent (set, or removed by
 * "User-Agent:" or "User-Agent;"), as curl tells its headers apart. */
static int names_ua(const char *s)
{
  static const char ua[] = "User-Agent";
  return strncasecmp(s, ua, sizeof ua - 1) == 0 &&
         (s[sizeof ua - 1] == ':' || s[sizeof ua - 1] == ';');
}

int fetcher_new(struct loop *l, const struct fetch_conf *conf,
                struct fetcher **out)
{
  struct fetcher *f = NULL;
  static int inited;
  if (!inited) {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
      return -1;
    inited = 1;
  }
  f = calloc(1, sizeof(*f));
  if (!f)
    return -1;
  f->multi = curl_multi_init();
  if (!f->multi) {
    free(f);
    return -1;
  }
  f->loop = l;
  f->conf = *conf;
  f->deadline = -1;
  if (ua_line(f) < 0) {
    fetcher_free(f);
    return -1;
  }
  curl_multi_setopt(f->multi, CURLMOPT_SOCKETFUNCTION, sock_cb);
  curl_multi_setopt(f->multi, CURLMOPT_SOCKETDATA, f);
  curl_multi_setopt(f->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
  curl_multi_setopt(f->multi, CURLMOPT_TIMERDATA, f);
  /* Keep enough idle connections for both families of every busy host. */
  curl_multi_setopt(f->multi, CURLMOPT_MAXCONNECTS,
                    (long)conf->concurrency * 4);
  *out = f;
  return 0;
}

static void slist_free(void *l)
{
  curl_slist_free_all(l);
}

void fetcher_free(struct fetcher *f)
{
  size_t i;
  if (!f)
    return;
  while (f->active) {
    struct handle *h = f->active;
    f->active = h->next;
    curl_multi_remove_handle(f->multi, h->easy);
    curl_easy_cleanup(h->easy);
    if (h->req)
      h->req->handle = NULL;
    free(h);
  }
  for (i = 0; i < f->n_pool; i++)
    curl_easy_cleanup(f->pool[i].e);
  map_clear(&f->connect_to, slist_free);
  for (i = 0; i < f->n_sets; i++) {
    curl_slist_free_all(f->sets[i].lines);
    free(f->sets[i].cookie);
  }
  free(f->sets);
  curl_slist_free_all(f->ua);
  free(f->pool);
  if (f->multi)
    curl_multi_cleanup(f->multi);
  free(f);
}

/* The body goes into req->buf, capped at max_body: a page longer than that
 * keeps its first max_body bytes, is flagged truncated (buf.toobig) and
 * stops the transfer; running out of memory stops it too. */
static size_t write_cb(char *ptr, size_t size, size_t nmemb, void *userdata)
{
  struct fetch_req *req = userdata;
  size_t n = size * nmemb;
  wall_cap_body(&req->wall, ptr, n);
  if (!req->max_body) {
    req->discarded += n;
    return req->discarded > (req->drain_max ? req->drain_max : PROBE_DRAIN_MAX)
             ? 0
             : n;
  }
  if (n && v6_buf_putn(&req->buf, ptr, n) < 0)
    return 0;
  return n;
}

/* Each header line goes to wall.c (Set-Cookie, Retry-After, markers). */
static size_t header_cb(char *ptr, size_t size, size_t nmemb, void *userdata)
{
  struct fetch_req *req = userdata;
  wall_cap_header(&req->wall, ptr, size * nmemb);
  return size * nmemb;
}

int fetcher_header_set(struct fetcher *f, const char *const *lines, size_t n,
                       const char *cookie)
{
  struct hset *v, *s;
  struct curl_slist *l;
  size_t i;
  int own_ua = 0;

  v = realloc(f->sets, (f->n_sets + 1) * sizeof(*v));
  if (!v)
    return -1;
  f->sets = v;
  s = &v[f->n_sets];
  memset(s, 0, sizeof(*s));
  for (i = 0; i < n; i++) {
    own_ua |= names_ua(lines[i]);
    l = curl_slist_append(s->lines, lines[i]);
    if (!l)
      goto fail;
    s->lines = l;
  }
  if (!own_ua && f->ua) {
    if (!(l = curl_slist_append(s->lines, f->ua->data)))
      goto fail;
    s->lines = l;
  }
  if (cookie && !(s->cookie = strdup(cookie)))
    goto fail;
  return (int)++f->n_sets;
fail:
  curl_slist_free_all(s->lines);
  return -1;
}

/* Hand the body read so far to the result fields: NULL when no byte came
 * (a zero-length page has no body), else NUL-terminated. */
static void body_move_out(struct fetch_req *req)
{
  req->body = req->buf.p;
  req->body_len = req->buf.n;
  req->truncated = req->buf.toobig;
  v6_buf_init(&req->buf, req->max_body);
}

/* An idle handle (*@ready: see struct pooled) or a new one. */
static CURL *easy_get(struct fetcher *f, int *ready)
{
  *ready = 0;
  if (f->n_pool) {
    struct pooled *p = &f->pool[--f->n_pool];
    *ready = p->ready;
    if (!p->ready)
      curl_easy_reset(p->e);
    return p->e;
  }
  return curl_easy_init();
}

/* @e back to the pool, @ready when its transfer succeeded (a failed one
 * leaves state, its OS errno say, that only a reset clears). */
static void easy_put(struct fetcher *f, CURL *e, int ready)
{
  if (f->n_pool == f->cap_pool) {
    size_t cap = f->cap_pool ? f->cap_pool * 2 : 32;
    struct pooled *p = realloc(f->pool, cap * sizeof(*p));
    if (!p) {
      curl_easy_cleanup(e);
      return;
    }
    f->pool = p;
    f->cap_pool = cap;
  }
  f->pool[f->n_pool].e = e;
  f->pool[f->n_pool].ready = ready;
  f->n_pool++;
}

/* The options every request of @f has. */
static void easy_common(struct fetcher *f, CURL *e)
{
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  /* Never through a proxy: the probe must reach the host itself, over the
   * family under test (this and NOPROXY also spare curl its proxy and
   * no_proxy environment lookups on every transfer). */
  curl_easy_setopt(e, CURLOPT_PROXY, "");
  curl_easy_setopt(e, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
  /* curl's DNS cache only ever holds the address literals of
   * CURLOPT_CONNECT_TO (it resolves no name): kept for good, it is not
   * swept for stale entries at the end of every transfer */
  curl_easy_setopt(e, CURLOPT_DNS_CACHE_TIMEOUT, -1L);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, f->conf.timeout_ms);
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                   f->conf.connect_timeout_ms > 0 &&
                       f->conf.connect_timeout_ms < f->conf.timeout_ms
                     ? f->conf.connect_timeout_ms
                     : f->conf.timeout_ms);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_cb);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, header_cb);
  curl_easy_setopt(e, CURLOPT_CLOSESOCKETFUNCTION, close_cb);
  curl_easy_setopt(e, CURLOPT_CLOSESOCKETDATA, f);
  if (f->conf.cacert)
    curl_easy_setopt(e, CURLOPT_CAINFO, f->conf.cacert);
}

/* The CONNECT_TO list that sends a request to @req's address. */
static struct curl_slist *connect_to(struct fetcher *f,
                                     const struct fetch_req *req)
{
  char ct[128];
  struct curl_slist *l;
  if (req->family == 6)
    snprintf(ct, sizeof(ct), "::[%s]:", req->addr);
  else
    snprintf(ct, sizeof(ct), "::%s:", req->addr);
  if ((l = map_get(&f->connect_to, ct)))
    return l;
  l = curl_slist_append(NULL, ct);
  if (l && !map_put(&f->connect_to, ct, l)) {
    curl_slist_free_all(l);
    l = NULL;
  }
  return l;
}

int fetch_start(struct fetcher *f, struct fetch_req *req)
{
  struct handle *h = NULL;
  struct curl_slist *ct;
  const struct hset *hs = NULL;
  CURL *e = NULL;
  int ready;

  h = calloc(1, sizeof(*h));
  if (!h)
    goto fail;
  e = easy_get(f, &ready);
  if (!e)
    goto fail;
  h->easy = e;
  h->req = req;
  v6_buf_init(&req->buf, req->max_body);
  wall_cap_init(&req->wall);
  if (!(ct = connect_to(f, req)))
    goto fail;
  if (!ready)
    easy_common(f, e);
  /* what differs from one request to the next, every one set each time:
   * a handle is reused without a reset */
  curl_easy_setopt(e, CURLOPT_URL, req->url);
  curl_easy_setopt(e, CURLOPT_PRIVATE, h);
  curl_easy_setopt(e, CURLOPT_CONNECT_TO, ct);
  curl_easy_setopt(e, CURLOPT_IPRESOLVE,
                   req->family == 6 ? CURL_IPRESOLVE_V6 : CURL_IPRESOLVE_V4);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, h->errbuf);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, req);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, req);
  if (req->hset > 0 && (size_t)req->hset <= f->n_sets)
    hs = &f->sets[req->hset - 1];
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, hs ? hs->lines : f->ua);
  curl_easy_setopt(e, CURLOPT_COOKIE, hs ? hs->cookie : NULL);
  curl_easy_setopt(e, CURLOPT_NOBODY, req->head ? 1L : 0L);
  curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, req->fresh ? 1L : 0L);
  curl_easy_setopt(e, CURLOPT_FORBID_REUSE, req->fresh ? 1L : 0L);
  /* No CURLOPT_MAXFILESIZE: curl would refuse a Content-Length over it
   * before the first byte, leaving nothing to parse; the write callback
   * keeps the first max_body bytes of any body and stops the transfer. */
  req->handle = h;
  if (curl_multi_add_handle(f->multi, e) != CURLM_OK)
    goto fail;
  h->next = f->active;
  if (f->active)
    f->active->prev = h;
  f->active = h;
  f->requests++;
  return 0;
fail:
  if (h) {
    if (e)
      easy_put(f, e, 0);
    free(h);
  }
  req->handle = NULL;
  return -1;
}

void fetch_req_cleanup(struct fetch_req *req)
{
  free(req->location);
  free(req->content_type);
  free(req->body);
  v6_buf_cleanup(&req->buf);
  wall_cap_cleanup(&req->wall);
  req->location = req->content_type = req->body = NULL;
  req->body_len = 0;
}

long fetcher_timeout_ms(struct fetcher *f)
{
  int64_t now;
  if (f->deadline < 0)
    return -1;
  now = loop_now_ms();
  return f->deadline <= now ? 0 : (long)(f->deadline - now);
}

/* The port @url connects to (its scheme's default when it names none). */
static long url_port(const char *url)
{
  CURLU *u = curl_url();
  char *p = NULL;
  long port = 0;
  if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
      curl_url_get(u, CURLUPART_PORT, &p, CURLU_DEFAULT_PORT) == CURLUE_OK)
    port = strtol(p, NULL, 10);
  curl_free(p);
  curl_url_cleanup(u);
  return port;
}

/* No connection to the address was made: how it failed (a connect
 * timeout gets its own evidence, told apart from a slow server's
 * "timed out after"). */
static void conn_failure(struct fetch_req *req, CURL *e, CURLcode cc,
                         long oserr)
{
  curl_off_t t = 0, total = 0;
  if (cc == CURLE_COULDNT_CONNECT) {
    req->conn_fail = oserr == ECONNREFUSED  ? FETCH_CONN_REFUSED
                     : oserr == ENETUNREACH ? FETCH_CONN_NOROUTE
                                            : FETCH_CONN_UNREACH;
    return;
  }
  if (cc != CURLE_OPERATION_TIMEDOUT ||
      curl_easy_getinfo(e, CURLINFO_CONNECT_TIME_T, &t) != CURLE_OK || t > 0)
    return;
  req->conn_fail = FETCH_CONN_TIMEOUT;
  curl_easy_getinfo(e, CURLINFO_TOTAL_TIME_T, &total);
  snprintf(req->error, sizeof(req->error),
           req->family == 6 ? "connect timeout after %ld ms to [%s]:%ld"
                            : "connect timeout after %ld ms to %s:%ld",
           (long)(total / 1000), req->addr, url_port(req->url));
}

static void finish(struct fetcher *f, CURL *e, CURLcode cc)
{
  struct handle *h = NULL;
  struct fetch_req *req;
  long status = 0, oserr = 0;
  char *s = NULL;
  curl_off_t t;
  int rc;

  curl_easy_getinfo(e, CURLINFO_PRIVATE, (char **)&h);
  req = h->req;
  body_move_out(req);
  curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
  req->status = (int)status;
  if (curl_easy_getinfo(e, CURLINFO_REDIRECT_URL, &s) == CURLE_OK && s)
    req->location = strdup(s);
  s = NULL;
  if (curl_easy_getinfo(e, CURLINFO_CONTENT_TYPE, &s) == CURLE_OK && s)
    req->content_type = strdup(s);
  if (curl_easy_getinfo(e, CURLINFO_CONNECT_TIME_T, &t) == CURLE_OK)
    req->connect_ms = (double)t / 1000.0;
  if (curl_easy_getinfo(e, CURLINFO_STARTTRANSFER_TIME_T, &t) == CURLE_OK)
    req->first_byte_ms = (double)t / 1000.0;
  if (curl_easy_getinfo(e, CURLINFO_TOTAL_TIME_T, &t) == CURLE_OK)
    req->total_ms = (double)t / 1000.0;
  if (curl_easy_getinfo(e, CURLINFO_APPCONNECT_TIME_T, &t) == CURLE_OK)
    req->tls_ms = (double)t / 1000.0;
  if (curl_easy_getinfo(e, CURLINFO_SIZE_DOWNLOAD_T, &t) == CURLE_OK && t > 0)
    req->bytes = (uint64_t)t;
  /* A body we stopped reading on purpose still came with a response. */
  if (cc == CURLE_OK || (status > 0 && cc == CURLE_WRITE_ERROR)) {
    rc = FETCH_RESPONSE;
  } else if (status > 0) {
    /* The headers came, the body broke (reset, timeout mid-body): the
     * server did answer over this family, but what came of the body is
     * not all of it. */
    rc = FETCH_RESPONSE;
    req->cut = 1;
    snprintf(req->error, sizeof(req->error), "%s",
             h->errbuf[0] ? h->errbuf : curl_easy_strerror(cc));
  } else {
    rc = FETCH_NORESPONSE;
    curl_easy_getinfo(e, CURLINFO_OS_ERRNO, &oserr);
    snprintf(req->error, sizeof(req->error), "%s",
             h->errbuf[0] ? h->errbuf : curl_easy_strerror(cc));
    conn_failure(req, e, cc, oserr);
  }
  curl_multi_remove_handle(f->multi, e);
  if (h->prev)
    h->prev->next = h->next;
  else
    f->active = h->next;
  if (h->next)
    h->next->prev = h->prev;
  easy_put(f, e, cc == CURLE_OK);
  free(h);
  req->handle = NULL;
  req->done(rc, req);
}

void fetcher_tick(struct fetcher *f)
{
  CURLMsg *m;
  int left;
  if (f->deadline >= 0 && f->deadline <= loop_now_ms()) {
    f->deadline = -1;
    curl_multi_socket_action(f->multi, CURL_SOCKET_TIMEOUT, 0, &f->running);
  }
  while ((m = curl_multi_info_read(f->multi, &left))) {
    if (m->msg == CURLMSG_DONE)
      finish(f, m->easy_handle, m->data.result);
  }
}

size_t fetcher_running(const struct fetcher *f)
{
  return (size_t)f->running;
}

size_t fetcher_requests(const struct fetcher *f)
{
  return f->requests;
}
