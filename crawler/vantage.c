/* crawler/vantage.c - whether this machine reaches IPv6 and IPv4: a
 * non-blocking TCP connect to a few well-known endpoints of each family
 * (by default the DNS root servers on port 53, the list given by cli).
 *
 * Reachable means a connect completed (the endpoint answered the SYN).
 * A refusal (RST) does not count: a local firewall, a captive router or a
 * transparent middlebox sends those as readily as the endpoint, and the
 * endpoints are chosen because they listen. Nothing is sent on a
 * connection: it is closed as soon as it is made.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "crawler/crawl_int.h"

#define VANTAGE_PAR        4    /* endpoints of a family tried at once */
#define VANTAGE_TIMEOUT_MS 3000 /* for the connects of one check */

struct vtry {
  struct vantage *v;
  int fd;
  size_t ep;
  int state; /* 0 pending, 1 connected, 2 failed */
  int err;   /* errno when failed, ETIMEDOUT at the deadline */
};

struct vantage {
  struct crawl *c;
  struct vantage_ep *ep;
  size_t n_ep;
  size_t next[2]; /* [0] IPv6, [1] IPv4: where the next check starts */
  struct vtry tries[2 * VANTAGE_PAR];
  size_t n_tries, pending;
  int running;
  int64_t deadline; /* monotonic */
  struct vantage_result res;
  void (*done)(struct crawl *c, const struct vantage_result *r);
};

int64_t vantage_wall_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the list ------------------------------------------------------------ */

/* One item "ADDR:PORT" or "[V6ADDR]:PORT" of @len bytes at @s. */
static int ep_parse(const char *s, size_t len, struct vantage_ep *e, char *err,
                    size_t errlen)
{
  char host[64], *end;
  const char *colon;
  size_t hl;
  unsigned long port;
  int v6 = len > 0 && s[0] == '[';

  memset(e, 0, sizeof(*e));
  if (v6) {
    const char *rb = memchr(s, ']', len);
    if (!rb || rb + 1 >= s + len || rb[1] != ':')
      goto bad;
    hl = (size_t)(rb - s - 1);
    if (hl >= sizeof(host))
      goto bad;
    memcpy(host, s + 1, hl);
    colon = rb + 1;
  } else {
    colon = NULL;
    for (hl = 0; hl < len; hl++)
      if (s[hl] == ':')
        colon = s + hl;
    if (!colon || (size_t)(colon - s) >= sizeof(host))
      goto bad;
    hl = (size_t)(colon - s);
    memcpy(host, s, hl);
  }
  host[hl] = 0;
  if ((size_t)(s + len - colon - 1) == 0 || s + len - colon - 1 > 5)
    goto bad;
  {
    char pb[8];
    size_t pl = (size_t)(s + len - colon - 1);
    memcpy(pb, colon + 1, pl);
    pb[pl] = 0;
    if (pb[0] < '0' || pb[0] > '9')
      goto bad;
    errno = 0;
    port = strtoul(pb, &end, 10);
    if (*end || errno || port == 0 || port > 65535)
      goto bad;
  }
  e->family = v6 ? 6 : 4;
  if (inet_pton(v6 ? AF_INET6 : AF_INET, host, e->addr) != 1)
    goto bad;
  e->port = (unsigned)port;
  snprintf(e->text, sizeof(e->text), v6 ? "[%s]:%lu" : "%s:%lu", host, port);
  return 0;
bad:
  snprintf(err, errlen,
           "bad vantage endpoint '%.*s' (want IPv4:PORT or [IPv6]:PORT)",
           (int)(len > 80 ? 80 : len), s);
  return -1;
}

int vantage_parse(const char *list, struct vantage_ep **out, size_t *n,
                  char *err, size_t errlen)
{
  struct vantage_ep *v = NULL, *nv;
  size_t cnt = 0, cap = 0;
  const char *p = list;
  int rc = 0;

  *out = NULL;
  *n = 0;
  if (!list)
    return 0;
  while (*p == ' ' || *p == '\t')
    p++;
  if (!*p)
    return 0;
  for (;;) {
    const char *e = strchr(p, ','), *q;
    size_t len;
    if (!e)
      e = p + strlen(p);
    q = e;
    while (q > p && (q[-1] == ' ' || q[-1] == '\t'))
      q--;
    while (p < q && (*p == ' ' || *p == '\t'))
      p++;
    len = (size_t)(q - p);
    if (cnt == cap) {
      cap = cap ? cap * 2 : 16;
      nv = realloc(v, cap * sizeof(*v));
      if (!nv) {
        rc = -2;
        goto out;
      }
      v = nv;
    }
    if (ep_parse(p, len, &v[cnt], err, errlen) < 0) {
      rc = -1;
      goto out;
    }
    cnt++;
    if (!*e)
      break;
    p = e + 1;
  }
out:
  if (rc) {
    free(v);
    return rc;
  }
  *out = v;
  *n = cnt;
  return 0;
}

int crawl_vantage_list_check(const char *list, char *err, size_t errlen)
{
  struct vantage_ep *v = NULL;
  size_t n = 0;
  int rc = vantage_parse(list, &v, &n, err, errlen);
  free(v);
  if (rc == -2)
    snprintf(err, errlen, "out of memory");
  return rc < 0 ? -1 : (int)n;
}

/* ---- the check ------------------------------------------------------------
 */

int vantage_new(struct crawl *c, struct vantage **out, char *err, size_t errlen)
{
  struct vantage *v = calloc(1, sizeof(*v));
  int rc;
  size_t i;
  *out = NULL;
  if (!v)
    return -2;
  v->c = c;
  for (i = 0; i < 2 * VANTAGE_PAR; i++)
    v->tries[i].fd = -1;
  rc = vantage_parse(c->o->vantage, &v->ep, &v->n_ep, err, errlen);
  if (rc < 0) {
    free(v);
    return rc;
  }
  *out = v;
  return 0;
}

static void try_close(struct vantage *v, struct vtry *t)
{
  if (t->fd < 0)
    return;
  loop_watch(v->c->loop, t->fd, 0, 0, NULL, NULL);
  close(t->fd);
  t->fd = -1;
}

void vantage_free(struct vantage *v)
{
  size_t i;
  if (!v)
    return;
  for (i = 0; i < v->n_tries; i++)
    try_close(v, &v->tries[i]);
  free(v->ep);
  free(v);
}

static void try_end(struct vantage *v, struct vtry *t, int err)
{
  t->state = err ? 2 : 1;
  t->err = err;
  try_close(v, t);
  v->pending--;
}

static void try_ready(void *ctx, int fd, int readable, int writable)
{
  struct vtry *t = ctx;
  int err = 0;
  socklen_t len = sizeof(err);
  (void)readable;
  (void)writable;
  if (t->state != 0 || t->fd != fd)
    return;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
    err = errno;
  if (err == EINPROGRESS)
    return;
  try_end(t->v, t, err);
}

/* Start a connect to endpoint @i. */
static void try_start(struct vantage *v, size_t i)
{
  struct vtry *t = &v->tries[v->n_tries++];
  const struct vantage_ep *e = &v->ep[i];
  struct sockaddr_in6 s6;
  struct sockaddr_in s4;
  const struct sockaddr *sa;
  socklen_t sl;
  int fd;

  t->v = v;
  t->ep = i;
  t->state = 0;
  t->err = 0;
  t->fd = -1;
  v->pending++;
  if (e->family == 6) {
    memset(&s6, 0, sizeof(s6));
    s6.sin6_family = AF_INET6;
    s6.sin6_port = htons((uint16_t)e->port);
    memcpy(&s6.sin6_addr, e->addr, 16);
    sa = (const struct sockaddr *)&s6;
    sl = sizeof(s6);
  } else {
    memset(&s4, 0, sizeof(s4));
    s4.sin_family = AF_INET;
    s4.sin_port = htons((uint16_t)e->port);
    memcpy(&s4.sin_addr, e->addr, 4);
    sa = (const struct sockaddr *)&s4;
    sl = sizeof(s4);
  }
  fd = socket(e->family == 6 ? AF_INET6 : AF_INET,
              SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    try_end(v, t, errno);
    return;
  }
  t->fd = fd;
  if (connect(fd, sa, sl) == 0) {
    try_end(v, t, 0);
    return;
  }
  if (errno != EINPROGRESS) {
    try_end(v, t, errno);
    return;
  }
  if (loop_watch(v->c->loop, fd, 0, 1, try_ready, t) < 0)
    try_end(v, t, errno ? errno : EIO);
}

int vantage_start(struct vantage *v,
                  void (*done)(struct crawl *c, const struct vantage_result *r))
{
  int f;
  if (v->running)
    return -1;
  memset(&v->res, 0, sizeof(v->res));
  v->res.start_ms = vantage_wall_ms();
  v->done = done;
  v->running = 1;
  v->n_tries = v->pending = 0;
  v->deadline = loop_now_ms() + (v->c->o->timeout_ms < VANTAGE_TIMEOUT_MS
                                   ? v->c->o->timeout_ms
                                   : VANTAGE_TIMEOUT_MS);
  for (f = 0; f < 2; f++) {
    int fam = f == 0 ? 6 : 4;
    size_t k, seen = 0, of = 0, i;
    for (i = 0; i < v->n_ep; i++)
      of += v->ep[i].family == fam;
    /* the next VANTAGE_PAR endpoints of the family, from where the last
     * check stopped */
    for (k = 0; k < v->n_ep && seen < VANTAGE_PAR && seen < of; k++) {
      i = (v->next[f] + k) % v->n_ep;
      if (v->ep[i].family != fam)
        continue;
      try_start(v, i);
      seen++;
      if (seen == VANTAGE_PAR || seen == of)
        v->next[f] = (i + 1) % v->n_ep;
    }
  }
  return 0;
}

int vantage_running(const struct vantage *v)
{
  return v && v->running;
}

long vantage_timeout_ms(const struct vantage *v)
{
  int64_t d;
  if (!v || !v->running)
    return -1;
  if (!v->pending)
    return 0;
  d = v->deadline - loop_now_ms();
  return d < 0 ? 0 : (long)d;
}

static void detail_add(struct vantage_result *r, const char *fmt, ...)
  __attribute__((format(printf, 2, 3)));

static void detail_add(struct vantage_result *r, const char *fmt, ...)
{
  size_t l = strlen(r->detail);
  va_list ap;
  if (l + 1 >= sizeof(r->detail))
    return;
  va_start(ap, fmt);
  vsnprintf(r->detail + l, sizeof(r->detail) - l, fmt, ap);
  va_end(ap);
}

/* The words for what came of connect try @t. */
static const char *try_word(const struct vtry *t)
{
  if (t->state == 1)
    return "connected";
  switch (t->err) {
    case ECONNREFUSED:
      return "refused";
    case ETIMEDOUT:
      return "timed out";
    default:
      return strerror(t->err);
  }
}

void vantage_tick(struct vantage *v)
{
  size_t i;
  int f;
  if (!v || !v->running)
    return;
  if (v->pending && loop_now_ms() < v->deadline)
    return;
  for (i = 0; i < v->n_tries; i++)
    if (v->tries[i].state == 0)
      try_end(v, &v->tries[i], ETIMEDOUT);
  for (f = 0; f < 2; f++) {
    int fam = f == 0 ? 6 : 4, any = 0;
    detail_add(&v->res, "%sIPv%d:", f ? "; " : "", fam);
    for (i = 0; i < v->n_tries; i++) {
      const struct vtry *t = &v->tries[i];
      if (v->ep[t->ep].family != fam)
        continue;
      any = 1;
      detail_add(&v->res, " %s %s", v->ep[t->ep].text, try_word(t));
      if (t->state == 1)
        v->res.ok[f] = 1;
    }
    if (!any)
      detail_add(&v->res, " no endpoint");
  }
  v->res.end_ms = vantage_wall_ms();
  v->running = 0;
  v->done(v->c, &v->res);
}
