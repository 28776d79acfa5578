/* crawler/attempt.c - one family's redirect chain: DNS of each hop's
 * host, a slot on that host, a request, then the next hop or the end.
 *
 * What a reply means (retry, GET, redirect, IPv6, end) is decided by
 * retry.c; this file carries it out and keeps the evidence (the log of
 * requests, the error, the final status, body and timings). The attempt's
 * owner learns the end through a->done.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crawler/crawl_int.h"

/* One line of evidence: "STATUS URL", "ERR why URL", ... whole, however
 * long the URL (the evidence names the URL asked, not a prefix of it). */
static void __attribute__((format(printf, 2, 3)))
log_line(struct attempt *a, const char *fmt, ...)
{
  char line[1024], *big = NULL;
  const char *p = line;
  va_list ap, ap2;
  int n;
  va_start(ap, fmt);
  va_copy(ap2, ap);
  n = vsnprintf(line, sizeof(line), fmt, ap);
  if (n >= 0 && (size_t)n >= sizeof(line)) {
    big = malloc((size_t)n + 1);
    if (big)
      vsnprintf(big, (size_t)n + 1, fmt, ap2);
    else
      n = sizeof(line) - 1;
    p = big ? big : line;
  }
  va_end(ap2);
  va_end(ap);
  if (n < 0)
    return;
  if (a->log.n)
    v6_buf_putc(&a->log, '\n');
  v6_buf_putn(&a->log, p, (size_t)n);
  free(big);
  if (a->log.oom)
    crawl_oom(a->c);
}

/* Move the attempt to hop @url (owned, may be NULL to release). */
static void set_url(struct attempt *a, char *url)
{
  if (a->url != a->start)
    free(a->url);
  a->url = url ? url : a->start;
}

/* Why the attempt failed, for the evidence. */
static void __attribute__((format(printf, 2, 3)))
att_error(struct attempt *a, const char *fmt, ...)
{
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof(buf), fmt, ap);
  va_end(ap);
  free(a->error);
  a->error = strdup(buf);
  if (!a->error)
    crawl_oom(a->c);
}

const char *why_text(const char *error, int status, char *buf, size_t len)
{
  if (error)
    return error;
  if (status <= 0)
    return "no response";
  snprintf(buf, len, "HTTP %d", status);
  return buf;
}

const char *attempt_why(const struct attempt *a, char *buf, size_t len)
{
  return why_text(a->error, a->status, buf, len);
}

void attempt_free(struct attempt *a)
{
  if (!a)
    return;
  if (a->all_prev)
    a->all_prev->all_next = a->all_next;
  else
    a->c->attempts = a->all_next;
  if (a->all_next)
    a->all_next->all_prev = a->all_prev;
  if (a->req) {
    fetch_req_cleanup(a->req);
    free(a->req);
  }
  set_url(a, NULL);
  free(a->start);
  free(a->error);
  free(a->cut);
  free(a->wall);
  v6_buf_cleanup(&a->log);
  free(a->body);
  free(a->content_type);
  free(a);
}

static void attempt_end(struct attempt *a, int outcome)
{
  a->outcome = outcome;
  a->c->work--;
  a->done(outcome, a, a->arg);
}

void attempt_refuse(struct attempt *a)
{
  log_line(a, "ROBOTS disallowed by robots.txt %s", a->url);
  att_error(a, "a redirect to %s, which robots.txt disallows", a->url);
  attempt_end(a, OUT_ROBOTS);
}

/* DNS is known: pick the family and an address, then queue for a slot. */
static void attempt_ready(struct attempt *a)
{
  struct host *h = a->host;
  int i;
  if (h->bad) {
    log_line(a, "ERR %s %s", h->bad, a->url);
    att_error(a, "%s", h->bad);
    attempt_end(a, OUT_NOADDR);
    return;
  }
  i =
    attempt_family_pick(&a->s, h->n_use[0], h->n_use[1], a->c->v6) == 4 ? 0 : 1;
  if (!h->n_use[i]) {
    const char *err = dns_error_name(h->ans[i].error);
    log_line(a, "ERR no usable %s (%s) %s", i ? "AAAA" : "A",
             err ? err : (h->ans[i].n ? "unusable address" : "no data"),
             a->url);
    att_error(a, "no usable %s for %s", i ? "AAAA" : "A", h->name);
    attempt_end(a, OUT_NOADDR);
    return;
  }
  host_slot_wait(h, &a->slot_w);
}

void attempt_hop(struct attempt *a)
{
  struct url_view v;
  struct host *h;
  if (url_view_parse(a->url, &v) != PARSE_OK || !v.host || !*v.host) {
    log_line(a, "ERR bad URL %s", a->url);
    att_error(a, "bad URL");
    attempt_end(a, OUT_HTTPERR);
    return;
  }
  h = host_get(a->c, v.host);
  a->port = v.port;
  url_view_cleanup(&v);
  if (!h) {
    attempt_end(a, OUT_NORESP);
    return;
  }
  a->host = h;
  if (!h->resolved) {
    host_dns_wait(h, &a->dns_w);
    return;
  }
  attempt_ready(a);
}

/* Follow @location from the current hop (same family). */
static void attempt_redirect(struct attempt *a, const char *location)
{
  char *next = NULL;
  if (url_resolve(a->url, location, NULL, 0, &next) != PARSE_OK ||
      !url_is_http(next)) {
    att_error(a, "redirect to a non-http URL");
    free(next);
    attempt_end(a, OUT_HTTPERR);
    return;
  }
  set_url(a, next);
  if (a->on_hop) {
    /* robots.txt is obeyed for every request, redirect hops too */
    a->on_hop(a);
    return;
  }
  attempt_hop(a);
}

/* The reply's evidence: the log line, the counters. */
static void attempt_note(struct attempt *a, int rc, int next,
                         const struct fetch_req *req)
{
  if (rc == FETCH_NORESPONSE) {
    a->c->prog.errors++;
    log_line(a, "ERR %s %s", req->error, a->url);
  } else if (req->status < 200) {
    a->c->prog.errors++;
    log_line(a, "ERR no final response (only %d) %s", req->status, a->url);
  } else if (next != ATT_GET) {
    log_line(a, "%d %s", req->status, a->url);
  }
}

/* A 429 (doc/measurement.md "Walls"): the host slows down for the rest
 * of the run, and the request is asked again once Retry-After is over.
 * 1 when it is, 0 when the 429 is the answer. */
static int attempt_429(struct attempt *a, const struct fetch_req *req)
{
  long ms = req->status == 429 ? wall_429_wait(&req->wall, a->waits) : -1;
  if (ms < 0)
    return 0;
  a->waits++;
  log_line(a, "429 %s (asked again after %ld ms)", a->url, ms);
  wall_host_slow(a->host, ms);
  attempt_ready(a);
  return 1;
}

/* The final answer @req: when it is a wall's refusal (a failure status,
 * or a 200/202 challenge page), its signature and its evidence; 1 when
 * it is one. */
static int attempt_wall(struct attempt *a, const struct fetch_req *req)
{
  struct wall_sig sig;
  char text[400];
  if (!wall_sig_make(&req->wall, req->status, &sig))
    return 0;
  free(a->wall);
  a->wall = malloc(sizeof(*a->wall));
  if (!a->wall) {
    crawl_oom(a->c);
    return 1;
  }
  *a->wall = sig;
  wall_sig_text(&sig, text, sizeof(text));
  att_error(a, "%s", text);
  return 1;
}

/* What follows the reply @rc, @req (a real one, or one decided at once). */
static void attempt_reply(struct attempt *a, int rc, struct fetch_req *req)
{
  struct crawl *c = a->c;
  struct host *h = a->host;
  struct attempt_reply r;
  int next;

  if (rc == FETCH_RESPONSE && attempt_429(a, req))
    return;
  r.response = rc == FETCH_RESPONSE;
  r.head = req->head;
  r.status = req->status;
  r.location = req->location != NULL;
  next = attempt_next(&a->s, &r, h->n_use[1] && c->v6, c->o->strict);
  attempt_note(a, rc, next, req);
  switch (next) {
    case ATT_RETRY:
    case ATT_GET:
      attempt_ready(a);
      return;
    case ATT_FAMILY:
      /* robots.txt and pages: IPv4 first, then IPv6 from the start. */
      set_url(a, NULL);
      attempt_hop(a);
      return;
    case ATT_NORESP:
      if (rc == FETCH_RESPONSE)
        att_error(a, "no final response (only %d)", req->status);
      else
        att_error(a, "%s", req->error);
      attempt_end(a, OUT_NORESP);
      return;
    default:
      break;
  }
  a->status = req->status;
  a->connect_ms = req->connect_ms;
  a->first_byte_ms = req->first_byte_ms;
  a->total_ms = req->total_ms;
  if (next == ATT_REDIRECTS) {
    att_error(a, "more than %d redirects", MAX_REDIRECTS);
    attempt_end(a, OUT_HTTPERR);
  } else if (next == ATT_REDIRECT) {
    attempt_redirect(a, req->location);
  } else {
    if (a->max_body) {
      a->body = req->body;
      a->body_len = req->body_len;
      a->truncated = req->truncated;
      a->content_type = req->content_type;
      req->body = req->content_type = NULL;
      if (req->cut && !(a->cut = strdup(req->error)))
        crawl_oom(c);
    }
    /* a success status that shows a challenge is a refusal too */
    if (attempt_wall(a, req))
      next = ATT_HTTPERR;
    attempt_end(a, next == ATT_OK ? OUT_OK : OUT_HTTPERR);
  }
}

/* A request finished: the attempt goes on (or ends); the request, only
 * needed while in flight, is released here, in one place. */
static void attempt_fetched(int rc, struct fetch_req *req)
{
  struct attempt *a = req->ud;
  a->req = NULL;
  host_slot_release(a->host);
  a->c->prog.requests++;
  breaker_result(a->c, req->family, req->addr, a->port, req->conn_fail);
  attempt_reply(a, rc, req);
  fetch_req_cleanup(req);
  free(req);
}

/* The address of the next request. */
static const char *attempt_addr(const struct attempt *a)
{
  const struct host *h = a->host;
  int i = a->s.family == 4 ? 0 : 1;
  return h->use[i][(size_t)a->s.tries % h->n_use[i]];
}

/* The address is known bad for this run: the request is decided at once,
 * as no response, and the attempt goes on as after a real one. */
static void attempt_known_bad(struct attempt *a)
{
  struct fetch_req req;
  memset(&req, 0, sizeof(req));
  req.family = a->s.family;
  req.addr = attempt_addr(a);
  req.head = attempt_wants_head(&a->s, a->max_body);
  breaker_why(a->c, req.family, req.addr, a->port, req.error,
              sizeof(req.error));
  attempt_reply(a, FETCH_NORESPONSE, &req);
}

/* Parked on a known bad address, handed on: @rc 0 the request goes, 1 it
 * is decided. */
static void attempt_unparked(int rc, struct waiter *w)
{
  struct attempt *a = CONTAINER_OF(w, struct attempt, brk_w);
  if (rc) {
    attempt_known_bad(a);
    return;
  }
  a->brk_pass = 1;
  host_slot_wait(a->host, &a->slot_w);
}

/* A slot on the host is ours: send the request, unless its address is
 * known bad (then the slot stays free). */
static void attempt_launch(int rc, struct waiter *w)
{
  struct attempt *a = CONTAINER_OF(w, struct attempt, slot_w);
  struct host *h = a->host;
  (void)rc;
  if (!a->brk_pass) {
    switch (
      breaker_admit(a->c, a->s.family, attempt_addr(a), a->port, &a->brk_w)) {
      case BRK_PARK:
        return;
      case BRK_DECIDE:
        attempt_known_bad(a);
        return;
      default:
        break;
    }
  }
  a->brk_pass = 0;
  a->req = calloc(1, sizeof(*a->req));
  if (!a->req) {
    crawl_oom(a->c);
    att_error(a, "out of memory");
    attempt_end(a, OUT_NORESP);
    return;
  }
  a->req->url = a->url;
  a->req->family = a->s.family;
  a->req->addr = attempt_addr(a);
  a->req->max_body = a->max_body;
  a->req->head = attempt_wants_head(&a->s, a->max_body);
  a->req->hset = h->hset;
  a->req->done = attempt_fetched;
  a->req->ud = a;
  host_slot_take(h);
  if (fetch_start(a->c->fetch, a->req) < 0) {
    host_slot_undo(h);
    free(a->req);
    a->req = NULL;
    att_error(a, "cannot start the request");
    attempt_end(a, OUT_NORESP);
  }
}

/* The host's answers came: go on as if they had been known. */
static void attempt_resolved(int rc, struct waiter *w)
{
  (void)rc;
  attempt_ready(CONTAINER_OF(w, struct attempt, dns_w));
}

struct attempt *attempt_new(struct crawl *c, const char *url, int family,
                            size_t max_body, attempt_cb done, void *arg)
{
  struct attempt *a = calloc(1, sizeof(*a));
  if (!a || !(a->start = strdup(url))) {
    free(a);
    crawl_oom(c);
    return NULL;
  }
  a->c = c;
  a->url = a->start;
  attempt_state_init(&a->s, family, c->o->retries);
  v6_buf_init(&a->log, 0);
  a->max_body = max_body;
  a->dns_w.cb = attempt_resolved;
  a->slot_w.cb = attempt_launch;
  a->brk_w.cb = attempt_unparked;
  a->done = done;
  a->arg = arg;
  a->all_next = c->attempts;
  if (c->attempts)
    c->attempts->all_prev = a;
  c->attempts = a;
  c->work++;
  return a;
}
