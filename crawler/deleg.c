/* crawler/deleg.c - name servers asked directly over IPv6.
 *
 * dq: one UDP query to one IPv6 address on the crawl's loop, on a
 * connected socket so that an ICMP error (nothing listens, no route) ends
 * it at once instead of a timeout. The message is built and read in
 * dns.c.
 *
 * The check: the site zone's name servers (from the resolver) asked for
 * the zone's SOA over IPv6; only an authoritative answer counts.
 *
 * The walk: the delegation of the site's host from the root servers, as
 * `dig -6 +trace` does. Each zone's servers (the root servers of the
 * options, then those of the referral before) are asked over IPv6 for the
 * host's SOA; a server counts when it answers authoritatively or refers
 * to a zone below its own on the way to the host. The first server's
 * referral gives the next zone; the walk ends at the zone whose server
 * answers authoritatively (the site's zone), or at a zone none of whose
 * servers counts.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "crawler/crawl_int.h"

#define DQ_TIMEOUT_MS 2000
#define DQ_TRIES      2
#define TYPE_SOA      6
#define WALK_ZONES    16

enum dq_end { DQ_REPLY, DQ_TIMEOUT, DQ_ERRNO };

/* @r is lent for the call; the callback may move its contents out. */
typedef void (*dq_cb)(void *arg, int end, int err, struct dns_reply *r);

struct dq {
  struct crawl *c;
  int fd;
  unsigned id;
  char *qname;
  unsigned char msg[512];
  size_t len;
  int tries;
  int64_t deadline;
  int err; /* an errno to deliver at the next tick, or 0 */
  dq_cb cb;
  void *arg;
  struct dq *prev, *next;
};

/* ---- one query ---------------------------------------------------------- */

static void dq_end(struct dq *q, int end, int err, struct dns_reply *r)
{
  struct crawl *c = q->c;
  if (q->prev)
    q->prev->next = q->next;
  else
    c->dqs = q->next;
  if (q->next)
    q->next->prev = q->prev;
  if (q->fd >= 0) {
    loop_watch(c->loop, q->fd, 0, 0, NULL, NULL);
    close(q->fd);
  }
  if (q->cb)
    q->cb(q->arg, end, err, r);
  free(q->qname);
  free(q);
}

static void dq_ready(void *ctx, int fd, int readable, int writable)
{
  struct dq *q = ctx;
  unsigned char buf[4096];
  struct dns_reply r;
  ssize_t n;
  (void)readable;
  (void)writable;
  for (;;) {
    n = recv(fd, buf, sizeof(buf), 0);
    if (n < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
        dq_end(q, DQ_ERRNO, errno, NULL);
      return;
    }
    if (dns_reply_parse(buf, (size_t)n, &r) == -2) {
      crawl_oom(q->c);
      return;
    }
    /* not the answer to this question: wait on */
    if (!r.qname || !r.qr || r.id != q->id ||
        strcasecmp(r.qname, q->qname) != 0) {
      dns_reply_cleanup(&r);
      continue;
    }
    dq_end(q, DQ_REPLY, 0, &r);
    dns_reply_cleanup(&r);
    return;
  }
}

/* Ask @addr (IPv6) at @port for @qname (no final dot, "" the root) of
 * @type; @cb(@arg, ...) runs once, from the loop. Returns 0, or -1 when
 * out of memory (then @cb will not run). */
static int dq_start(struct crawl *c, const char *addr, int port,
                    const char *qname, int type, dq_cb cb, void *arg)
{
  struct dq *q = calloc(1, sizeof(*q));
  struct sockaddr_in6 sa;
  int n;
  if (!q || !(q->qname = strdup(qname))) {
    free(q);
    return -1;
  }
  q->c = c;
  q->cb = cb;
  q->arg = arg;
  q->id = (++c->dq_id * 40503u) & 0xffff;
  q->deadline = loop_now_ms() + DQ_TIMEOUT_MS;
  q->next = c->dqs;
  if (c->dqs)
    c->dqs->prev = q;
  c->dqs = q;
  n = dns_query_build(qname, type, q->id, q->msg, sizeof(q->msg));
  memset(&sa, 0, sizeof(sa));
  sa.sin6_family = AF_INET6;
  sa.sin6_port = htons((unsigned short)port);
  if (n < 0 || inet_pton(AF_INET6, addr, &sa.sin6_addr) != 1) {
    q->fd = -1;
    q->err = EINVAL;
    q->deadline = 0;
    return 0;
  }
  q->len = (size_t)n;
  q->fd = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (q->fd < 0 || connect(q->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
      send(q->fd, q->msg, q->len, 0) < 0 ||
      loop_watch(c->loop, q->fd, 1, 0, dq_ready, q) < 0) {
    q->err = errno ? errno : EIO;
    q->deadline = 0; /* delivered at the next tick */
  }
  return 0;
}

long dq_timeout_ms(struct crawl *c)
{
  int64_t now = loop_now_ms(), t = -1;
  struct dq *q;
  for (q = c->dqs; q; q = q->next)
    if (t < 0 || q->deadline - now < t)
      t = q->deadline > now ? q->deadline - now : 0;
  return (long)t;
}

void dq_tick(struct crawl *c)
{
  struct dq *q;
again:
  for (q = c->dqs; q; q = q->next) {
    if (q->deadline > loop_now_ms())
      continue;
    if (q->err) {
      dq_end(q, DQ_ERRNO, q->err, NULL);
      goto again;
    }
    if (++q->tries < DQ_TRIES && send(q->fd, q->msg, q->len, 0) >= 0) {
      q->deadline = loop_now_ms() + DQ_TIMEOUT_MS;
      continue;
    }
    dq_end(q, DQ_TIMEOUT, 0, NULL);
    goto again;
  }
}

void dq_free_all(struct crawl *c)
{
  while (c->dqs) {
    c->dqs->cb = NULL;
    dq_end(c->dqs, DQ_TIMEOUT, 0, NULL);
  }
}

/* ---- names ----------------------------------------------------------------
 */

/* 1 when @name is @zone or below it ("" is the root). */
static int in_zone(const char *name, const char *zone)
{
  size_t n = strlen(name), z = strlen(zone);
  if (!z)
    return 1;
  return n >= z && strcasecmp(name + n - z, zone) == 0 &&
         (n == z || name[n - z - 1] == '.');
}

/* "gov.cn." for "gov.cn", "." for the root; malloc'd or NULL. */
static char *zone_text(const char *zone)
{
  size_t n = strlen(zone);
  char *s = malloc(n + 2);
  if (s)
    snprintf(s, n + 2, "%s.", zone);
  return s;
}

/* ---- the check of the site zone's name servers --------------------------- */

struct check_one {
  struct deleg_check *k;
  size_t i;
  const struct host *h;
  struct waiter wt;
};

struct deleg_check {
  struct crawl *c;
  char *zone;
  int *auth;
  size_t n;
  size_t left; /* name servers and queries not finished */
  struct check_one *one;
};

static void check_left(struct deleg_check *k)
{
  if (--k->left == 0)
    k->c->work--;
}

static void check_answer(void *arg, int end, int err, struct dns_reply *r)
{
  struct check_one *o = arg;
  (void)err;
  if (end == DQ_REPLY && r->aa && r->rcode == 0 && r->answers > 0 &&
      r->qtype == TYPE_SOA)
    o->k->auth[o->i] = 1;
  check_left(o->k);
}

/* The name server's addresses are known: ask each usable AAAA. */
static void check_host(struct check_one *o, const struct host *h)
{
  struct deleg_check *k = o->k;
  size_t j;
  for (j = 0; j < h->n_use[1]; j++) {
    k->left++;
    if (dq_start(k->c, h->use[1][j], 53, k->zone, TYPE_SOA, check_answer, o) <
        0) {
      k->left--;
      crawl_oom(k->c);
    }
  }
  check_left(k);
}

static void check_resolved(int rc, struct waiter *w)
{
  struct check_one *o = CONTAINER_OF(w, struct check_one, wt);
  (void)rc;
  check_host(o, o->h);
}

struct deleg_check *deleg_ns_check(struct crawl *c, const char *zone,
                                   char **names, size_t n, int *auth)
{
  struct deleg_check *k = calloc(1, sizeof(*k));
  size_t i;
  if (!k || !(k->zone = strdup(zone)) ||
      !(k->one = calloc(n ? n : 1, sizeof(*k->one)))) {
    if (k)
      free(k->zone);
    free(k);
    crawl_oom(c);
    return NULL;
  }
  k->c = c;
  k->auth = auth;
  k->n = n;
  k->left = n + 1;
  c->work++;
  for (i = 0; i < n; i++) {
    struct host *h = host_get(c, names[i]);
    struct check_one *o = &k->one[i];
    o->k = k;
    o->i = i;
    if (!h)
      check_left(k);
    else if (h->resolved)
      check_host(o, h);
    else {
      o->h = h;
      o->wt.cb = check_resolved;
      host_dns_wait(h, &o->wt);
    }
  }
  check_left(k);
  return k;
}

void deleg_check_free(struct deleg_check *k)
{
  if (!k)
    return;
  free(k->zone);
  free(k->one);
  free(k);
}

/* ---- the walk from the root ------------------------------------------- */

enum { SV_NONE, SV_FAIL, SV_REFERRAL, SV_AUTH };

struct wserver {
  struct deleg_walk *w;
  char *name;
  char **aaaa; /* its IPv6 addresses: glue, root list or the resolver */
  size_t n_aaaa;
  int port;
  int left; /* queries out */
  int best; /* SV_* */
  char *why;
  struct dns_reply ref; /* its referral, when best is SV_REFERRAL */
  const struct host *h;
  struct waiter wt;
};

struct wzone {
  char *zone; /* no final dot; "" the root */
  struct wserver *sv;
  size_t n;
  int ok;
};

struct deleg_walk {
  struct crawl *c;
  char *qname;
  struct wzone z[WALK_ZONES];
  size_t nz;
  size_t left; /* servers of the last zone not finished */
  int done, pass;
  char *why;
  struct zshare *own; /* the shared step its last zone fills, or NULL */
};

/* A zone step shared by every walk that passes it, keyed "zone|label"
 * with the label of the host just below the zone: the servers of
 * cn. answer alike for every name under gov.cn., so the root and cn. are
 * asked once per crawl, not once per site. The first walk asks; the
 * others wait for its results, or copy them once it is done. */
struct zshare {
  int done;
  struct wzone z;
  struct deleg_walk **wait;
  size_t n_wait;
};

static void zone_done(struct deleg_walk *w);
static void walk_end(struct deleg_walk *w, int pass, const char *why,
                     const char *zone);

static void server_done(struct wserver *s)
{
  if (--s->w->left == 0)
    zone_done(s->w);
}

/* Keep @why (a malloc'd text or NULL: out of memory) as @s's result at
 * level @best when it is better than what @s has. */
static void server_result(struct wserver *s, int best, char *why)
{
  if (!why)
    crawl_oom(s->w->c);
  if (best <= s->best) {
    free(why);
    return;
  }
  free(s->why);
  s->why = why;
  s->best = best;
}

static char *text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A malloc'd formatted text, or NULL when out of memory. */
static char *text(const char *fmt, ...)
{
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof(buf), fmt, ap);
  va_end(ap);
  return strdup(buf);
}

static const char *rcode_name(int rcode)
{
  static const char *const names[] = {"NOERROR",  "FORMERR", "SERVFAIL",
                                      "NXDOMAIN", "NOTIMP",  "REFUSED"};
  return rcode >= 0 && rcode < 6 ? names[rcode] : "an error";
}

static void walk_answer(void *arg, int end, int err, struct dns_reply *r)
{
  struct wserver *s = arg;
  const char *zone = s->w->z[s->w->nz - 1].zone;
  char *zt = NULL;
  if (end == DQ_TIMEOUT)
    server_result(s, SV_FAIL, text("no answer over IPv6: timeout"));
  else if (end == DQ_ERRNO)
    server_result(s, SV_FAIL, text("no answer over IPv6: %s", strerror(err)));
  else if (r->rcode != 0)
    server_result(s, SV_FAIL, text("lame: answers %s", rcode_name(r->rcode)));
  else if (r->aa)
    server_result(s, SV_AUTH, text("answers authoritatively"));
  else if (r->ns_zone && r->n_ns && strcasecmp(r->ns_zone, zone) != 0 &&
           in_zone(r->ns_zone, zone) && in_zone(s->w->qname, r->ns_zone)) {
    zt = zone_text(r->ns_zone);
    if (zt && s->best < SV_REFERRAL) {
      dns_reply_cleanup(&s->ref);
      s->ref = *r;
      memset(r, 0, sizeof(*r));
    }
    server_result(s, SV_REFERRAL, zt ? text("referral to %s", zt) : NULL);
  } else if (r->ns_zone) {
    zt = zone_text(r->ns_zone);
    server_result(s, SV_FAIL,
                  zt ? text("lame: refers to %s, not below %s", zt,
                            *zone ? zone : "the root")
                     : NULL);
  } else if (r->tc) {
    server_result(s, SV_FAIL, text("answers truncated (TC), no referral"));
  } else {
    server_result(s, SV_FAIL, text("lame: not authoritative, no referral"));
  }
  free(zt);
  if (--s->left == 0)
    server_done(s);
}

/* @s's addresses are known: ask each usable one. */
static void server_ask(struct wserver *s)
{
  struct crawl *c = s->w->c;
  size_t i;
  if (!s->n_aaaa)
    server_result(s, SV_FAIL, text("no AAAA"));
  for (i = 0; i < s->n_aaaa; i++) {
    if (!addr_usable(6, s->aaaa[i], c->o->allow_private)) {
      server_result(s, SV_FAIL, text("AAAA %s not usable", s->aaaa[i]));
      continue;
    }
    s->left++;
    if (dq_start(c, s->aaaa[i], s->port, s->w->qname, TYPE_SOA, walk_answer,
                 s) < 0) {
      s->left--;
      crawl_oom(c);
    }
  }
  if (!s->left)
    server_done(s);
}

/* Take @h's AAAA answer as @s's addresses. */
static void server_from_host(struct wserver *s, const struct host *h)
{
  size_t i;
  const struct dns_answer *a = &h->ans[1];
  if (a->n && !(s->aaaa = calloc(a->n, sizeof(char *)))) {
    crawl_oom(s->w->c);
    return;
  }
  for (i = 0; i < a->n; i++)
    if ((s->aaaa[s->n_aaaa] = strdup(a->addrs[i])))
      s->n_aaaa++;
  if (!a->n && a->error && a->error != DNS_NODATA)
    server_result(s, SV_FAIL, text("no AAAA: %s", dns_error_name(a->error)));
}

static void server_resolved(int rc, struct waiter *wt)
{
  struct wserver *s = CONTAINER_OF(wt, struct wserver, wt);
  (void)rc;
  server_from_host(s, s->h);
  server_ask(s);
}

/* Start @s: its addresses when they are not known yet, then the
 * queries. */
static void server_start(struct wserver *s, int lookup)
{
  struct host *h;
  if (!lookup) {
    server_ask(s);
    return;
  }
  h = host_get(s->w->c, s->name);
  if (!h) {
    server_done(s);
  } else if (h->resolved) {
    server_from_host(s, h);
    server_ask(s);
  } else {
    s->h = h;
    s->wt.cb = server_resolved;
    host_dns_wait(h, &s->wt);
  }
}

static int add_str(char ***v, size_t *n, const char *s)
{
  char **nv = realloc(*v, (*n + 1) * sizeof(char *));
  if (!nv)
    return -1;
  *v = nv;
  if (!(nv[*n] = strdup(s)))
    return -1;
  (*n)++;
  return 0;
}

static void wzone_cleanup(struct wzone *z)
{
  size_t j, k;
  for (j = 0; j < z->n; j++) {
    struct wserver *s = &z->sv[j];
    for (k = 0; k < s->n_aaaa; k++)
      free(s->aaaa[k]);
    free(s->aaaa);
    free(s->name);
    free(s->why);
    dns_reply_cleanup(&s->ref);
  }
  free(z->sv);
  free(z->zone);
  memset(z, 0, sizeof(*z));
}

/* What zone_start and zone_done read of a referral, copied. Returns 0 or
 * -1 (out of memory). */
static int ref_copy(struct dns_reply *d, const struct dns_reply *r)
{
  size_t i, n;
  memset(d, 0, sizeof(*d));
  if (r->ns_zone && !(d->ns_zone = strdup(r->ns_zone)))
    return -1;
  for (i = 0; i < r->n_ns; i++)
    if (add_str(&d->ns, &d->n_ns, r->ns[i]) < 0)
      return -1;
  for (i = 0; i < r->n_glue; i++) {
    n = d->n_glue;
    if (add_str(&d->glue_name, &n, r->glue_name[i]) < 0)
      return -1;
    if (add_str(&d->glue_addr, &d->n_glue, r->glue_addr[i]) < 0) {
      free(d->glue_name[n - 1]);
      return -1;
    }
  }
  return 0;
}

/* The servers of @src and their results into @dst (its zone name
 * kept), for walk @w. Returns 0 or -1 (out of memory). */
static int wzone_copy(struct deleg_walk *w, struct wzone *dst,
                      const struct wzone *src)
{
  size_t i, k;
  dst->ok = src->ok;
  if (!(dst->sv = calloc(src->n ? src->n : 1, sizeof(*dst->sv))))
    return -1;
  for (i = 0; i < src->n; i++) {
    const struct wserver *a = &src->sv[i];
    struct wserver *b = &dst->sv[dst->n++];
    b->w = w;
    b->port = a->port;
    b->best = a->best;
    if ((a->name && !(b->name = strdup(a->name))) ||
        (a->why && !(b->why = strdup(a->why))) ||
        ref_copy(&b->ref, &a->ref) < 0)
      return -1;
    for (k = 0; k < a->n_aaaa; k++)
      if (add_str(&b->aaaa, &b->n_aaaa, a->aaaa[k]) < 0)
        return -1;
  }
  return 0;
}

static void zshare_free(void *p)
{
  struct zshare *sh = p;
  wzone_cleanup(&sh->z);
  free(sh->wait);
  free(sh);
}

void deleg_shares_free(struct crawl *c)
{
  map_clear(&c->deleg_zones, zshare_free);
}

/* The shared step of @zone for @w's host: "zone|label", malloc'd. */
static char *share_key(const char *zone, const char *qname)
{
  size_t q = strlen(qname), z = strlen(zone);
  const char *end = qname + (q > z ? q - z - (z > 0) : 0), *p = end;
  char *key;
  while (p > qname && p[-1] != '.')
    p--;
  key = text("%s|%.*s", zone, (int)(end - p), p);
  if (key)
    for (p = key; *p; p++)
      if (*p >= 'A' && *p <= 'Z')
        key[p - key] = (char)(*p + 32);
  return key;
}

/* Zone @z of @w is a shared step: 1 when its results come from @c's
 * shared steps (copied now, or once the walk that asks is done), 0 when
 * @w asks itself (then w->own is its step), -1 out of memory. */
static int zone_shared(struct deleg_walk *w, struct wzone *z)
{
  struct crawl *c = w->c;
  char *key = share_key(z->zone, w->qname);
  struct zshare *sh;
  struct deleg_walk **nw;
  int rc = 1;
  if (!key)
    return -1;
  sh = map_get(&c->deleg_zones, key);
  if (sh && sh->done) {
    rc = wzone_copy(w, z, &sh->z) < 0 ? -1 : 1;
  } else if (sh) {
    nw = realloc(sh->wait, (sh->n_wait + 1) * sizeof(*nw));
    if (!nw)
      rc = -1;
    else
      (sh->wait = nw)[sh->n_wait++] = w;
  } else if (!(sh = calloc(1, sizeof(*sh))) ||
             !map_put(&c->deleg_zones, key, sh)) {
    free(sh);
    rc = -1;
  } else {
    w->own = sh;
    rc = 0;
  }
  free(key);
  return rc;
}

/* @w's last zone is done and it asked it: its results for the walks
 * waiting, and for those to come. */
static void zone_share(struct deleg_walk *w)
{
  struct zshare *sh = w->own;
  struct deleg_walk **wait = sh->wait;
  size_t i, n = sh->n_wait;
  w->own = NULL;
  sh->wait = NULL;
  sh->n_wait = 0;
  sh->done = 1;
  if (wzone_copy(w, &sh->z, &w->z[w->nz - 1]) < 0)
    crawl_oom(w->c);
  for (i = 0; i < n; i++) {
    struct deleg_walk *v = wait[i];
    if (wzone_copy(v, &v->z[v->nz - 1], &sh->z) < 0)
      crawl_oom(w->c);
    zone_done(v);
  }
  free(wait);
}

static int server_cmp(const void *a, const void *b)
{
  const struct wserver *x = a, *y = b;
  return strcasecmp(x->name ? x->name : "", y->name ? y->name : "");
}

/* Zone @zone: its servers from the referral @ref (their AAAA from its
 * glue, else from the resolver), or the root servers of the options when
 * @ref is NULL. */
static void zone_start(struct deleg_walk *w, const char *zone,
                       const struct dns_reply *ref)
{
  struct crawl *c = w->c;
  struct wzone *z = &w->z[w->nz];
  size_t i, j, n = ref ? ref->n_ns : c->o->n_roots;
  int shared;
  w->nz++;
  if (!(z->zone = strdup(zone)) || (shared = zone_shared(w, z)) < 0 ||
      (!shared && !(z->sv = calloc(n ? n : 1, sizeof(*z->sv))))) {
    crawl_oom(c);
    walk_end(w, 0, NULL, "");
    return;
  }
  if (shared) { /* copied: done now; else zone_share calls zone_done */
    if (z->sv)
      zone_done(w);
    return;
  }
  z->n = n;
  w->left = n + 1;
  for (i = 0; i < n; i++) {
    struct wserver *s = &z->sv[i];
    s->w = w;
    s->port = ref ? 53 : c->o->roots[i].port;
    s->name = strdup(ref ? ref->ns[i] : c->o->roots[i].name);
    if (!s->name)
      crawl_oom(c);
    if (!ref) {
      if (add_str(&s->aaaa, &s->n_aaaa, c->o->roots[i].addr) < 0)
        crawl_oom(c);
      continue;
    }
    for (j = 0; j < ref->n_glue; j++)
      if (strcasecmp(ref->glue_name[j], ref->ns[i]) == 0 &&
          add_str(&s->aaaa, &s->n_aaaa, ref->glue_addr[j]) < 0)
        crawl_oom(c);
  }
  if (ref) /* a referral's order is the server's: the report's is by name */
    qsort(z->sv, n, sizeof(*z->sv), server_cmp);
  for (i = 0; i < n; i++)
    server_start(&z->sv[i], ref && !z->sv[i].n_aaaa);
  if (--w->left == 0)
    zone_done(w);
}

static void walk_end(struct deleg_walk *w, int pass, const char *why,
                     const char *zone)
{
  w->done = 1;
  w->pass = pass;
  if (why && !(w->why = text("%s%s", why, zone)))
    crawl_oom(w->c);
  w->c->work--;
}

static void zone_done(struct deleg_walk *w)
{
  struct wzone *z = &w->z[w->nz - 1];
  const struct wserver *ref = NULL;
  char *zt;
  size_t i;
  int auth = 0;
  for (i = 0; i < z->n; i++)
    z->ok |= z->sv[i].best >= SV_REFERRAL;
  if (w->own)
    zone_share(w);
  for (i = 0; i < z->n; i++) {
    auth |= z->sv[i].best == SV_AUTH;
    if (!ref && z->sv[i].best == SV_REFERRAL)
      ref = &z->sv[i];
  }
  zt = zone_text(z->zone);
  if (!zt) {
    crawl_oom(w->c);
    walk_end(w, 0, NULL, "");
  } else if (auth)
    walk_end(w, 1, NULL, "");
  else if (!z->ok)
    walk_end(w, 0, "no name server answers over IPv6 for ", zt);
  else if (w->nz == WALK_ZONES)
    walk_end(w, 0, "more than 16 zones, the last ", zt);
  else
    zone_start(w, ref->ref.ns_zone, &ref->ref);
  free(zt);
}

struct deleg_walk *deleg_walk_start(struct crawl *c, const char *host)
{
  struct deleg_walk *w = calloc(1, sizeof(*w));
  size_t n;
  if (!w || !(w->qname = strdup(host))) {
    free(w);
    crawl_oom(c);
    return NULL;
  }
  n = strlen(w->qname);
  if (n && w->qname[n - 1] == '.')
    w->qname[n - 1] = '\0';
  w->c = c;
  c->work++;
  zone_start(w, "", NULL);
  return w;
}

/* "a,b" of @s's addresses, malloc'd, or NULL for none. */
static char *join(char **v, size_t n)
{
  struct v6_buf b;
  size_t i;
  if (!n)
    return NULL;
  v6_buf_init(&b, 0);
  for (i = 0; i < n; i++) {
    if (i)
      v6_buf_puts(&b, ",");
    v6_buf_puts(&b, v[i]);
  }
  return b.oom ? (v6_buf_cleanup(&b), NULL) : v6_buf_take(&b);
}

void deleg_walk_store(struct crawl *c, uint32_t site,
                      const struct deleg_walk *w)
{
  struct store_deleg d;
  size_t i, j;
  if (!w)
    return;
  memset(&d, 0, sizeof(d));
  d.site = site;
  d.pass = w->done && w->pass;
  d.why = w->done ? w->why : (char *)"the walk did not finish";
  d.zones = calloc(w->nz ? w->nz : 1, sizeof(*d.zones));
  if (!d.zones) {
    crawl_oom(c);
    return;
  }
  for (i = 0; i < w->nz; i++) {
    struct store_deleg_zone *z = &d.zones[d.n_zones++];
    z->zone = zone_text(w->z[i].zone);
    z->ok = w->z[i].ok;
    z->servers = calloc(w->z[i].n ? w->z[i].n : 1, sizeof(*z->servers));
    if (!z->zone || !z->servers) {
      crawl_oom(c);
      goto out;
    }
    for (j = 0; j < w->z[i].n; j++) {
      const struct wserver *s = &w->z[i].sv[j];
      struct store_deleg_server *o = &z->servers[z->n_servers++];
      o->name = s->name;
      o->aaaa = join(s->aaaa, s->n_aaaa);
      o->ok = s->best >= SV_REFERRAL;
      o->why = s->why ? s->why : (char *)"no answer yet";
    }
  }
  crawl_store_rc(c, store_deleg_put(c->st, c->run, &d));
out:
  for (i = 0; i < d.n_zones; i++) {
    for (j = 0; j < d.zones[i].n_servers; j++)
      free(d.zones[i].servers[j].aaaa);
    free(d.zones[i].servers);
    free(d.zones[i].zone);
  }
  free(d.zones);
}

void deleg_walk_free(struct deleg_walk *w)
{
  size_t i;
  if (!w)
    return;
  for (i = 0; i < w->nz; i++)
    wzone_cleanup(&w->z[i]);
  free(w->qname);
  free(w->why);
  free(w);
}
