/* crawler/dns.c - A and AAAA lookups with c-ares, on the crawl's loop.
 *
 * Each host is asked once per family with ares_query, not getaddrinfo: the
 * reply code tells NXDOMAIN from "no records of this type", which is the
 * evidence a webmaster needs, and the parsed hostent carries the CNAME
 * chain. No search domains are applied: URLs carry full names. c-ares
 * status codes never leave this file.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ares.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "crawler/crawl_int.h"

/* One c-ares channel on the loop. */
struct chan {
  struct resolver *r;
  ares_channel ch;
  int live;
};

/* main gets every reply (ARES_FLAG_NOCHECKRESP), so a SERVFAIL or REFUSED
 * is told apart from silence. With more than one server, a query main saw
 * answered SERVFAIL, REFUSED or NOTIMP is asked again on rest, which skips
 * such servers as c-ares does by default: another server's answer wins,
 * else the first reply's code stands. */
struct resolver {
  struct chan main, rest;
  struct loop *loop;
  size_t pending;
};

/* One query, on main and maybe again on rest. */
struct ask {
  struct resolver *r;
  char *name;
  int type;
  int first; /* main's failure code when asked again on rest, else 0 */
  ares_callback done;
  void *arg;
};

struct lookup {
  struct resolver *r;
  int family;
  double t0; /* microsecond clock at the query */
  void (*cb)(int rc, const struct dns_answer *a, void *ud);
  void *ud;
};

const char *dns_error_name(int error)
{
  switch (error) {
    case DNS_OK:
      return NULL;
    case DNS_NXDOMAIN:
      return "NXDOMAIN";
    case DNS_NODATA:
      return "no data";
    case DNS_TIMEOUT:
      return "timeout";
    case DNS_SERVFAIL:
      return "SERVFAIL";
    case DNS_REFUSED:
      return "REFUSED";
    case DNS_BADNAME:
      return "bad name";
    case DNS_NOSERVER:
      return "no server answered";
    default:
      return "lookup failed";
  }
}

static int dns_error_from_ares(int status)
{
  switch (status) {
    case ARES_SUCCESS:
      return DNS_OK;
    case ARES_ENOTFOUND:
      return DNS_NXDOMAIN;
    case ARES_ENODATA:
      return DNS_NODATA;
    case ARES_ETIMEOUT:
      return DNS_TIMEOUT;
    case ARES_ESERVFAIL:
      return DNS_SERVFAIL;
    case ARES_EREFUSED:
      return DNS_REFUSED;
    case ARES_EBADNAME:
      return DNS_BADNAME;
    case ARES_ECONNREFUSED:
      return DNS_NOSERVER;
    default:
      return DNS_OTHER;
  }
}

static void sock_ready(void *ctx, int fd, int readable, int writable)
{
  struct chan *c = ctx;
  ares_process_fd(c->ch, readable ? fd : ARES_SOCKET_BAD,
                  writable ? fd : ARES_SOCKET_BAD);
}

static void sock_state(void *data, ares_socket_t fd, int readable, int writable)
{
  struct chan *c = data;
  loop_watch(c->r->loop, fd, readable, writable, sock_ready, c);
}

/* Set up @c with @flags and the other options every channel shares.
 * Returns an ares status. */
static int chan_init(struct resolver *r, struct chan *c, int flags)
{
  struct ares_options o;
  int rc;
  memset(&o, 0, sizeof(o));
  c->r = r;
  o.sock_state_cb = sock_state;
  o.sock_state_cb_data = c;
  o.flags = flags;
  o.timeout = 1500;
  o.tries = 2;
  rc = ares_init_options(&c->ch, &o,
                         ARES_OPT_SOCK_STATE_CB | ARES_OPT_FLAGS |
                           ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES);
  c->live = rc == ARES_SUCCESS;
  return rc;
}

/* Give r->rest main's servers when there are two or more. Returns an ares
 * status (success also when rest is not needed). */
static int rest_init(struct resolver *r)
{
  struct ares_addr_port_node *list = NULL, *p;
  int rc, n = 0;
  rc = ares_get_servers_ports(r->main.ch, &list);
  if (rc != ARES_SUCCESS)
    return rc;
  for (p = list; p; p = p->next)
    n++;
  if (n > 1) {
    rc = chan_init(r, &r->rest, ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES);
    if (rc == ARES_SUCCESS)
      rc = ares_set_servers_ports(r->rest.ch, list);
  }
  ares_free_data(list);
  return rc;
}

int resolver_servers(struct resolver *r, char *buf, size_t len)
{
  struct ares_addr_port_node *list = NULL, *p;
  char a[INET6_ADDRSTRLEN];
  size_t off = 0;
  int n;

  if (!len)
    return -1;
  buf[0] = '\0';
  if (ares_get_servers_ports(r->main.ch, &list) != ARES_SUCCESS)
    return -1;
  for (p = list; p; p = p->next) {
    if (!inet_ntop(p->family, &p->addr, a, sizeof a))
      continue;
    n = snprintf(buf + off, len - off,
                 p->family == AF_INET6 ? "%s[%s]:%d" : "%s%s:%d",
                 off ? "," : "", a, p->udp_port ? p->udp_port : 53);
    if (n < 0 || (size_t)n >= len - off)
      break;
    off += (size_t)n;
  }
  ares_free_data(list);
  return 0;
}

int resolver_new(struct loop *l, const char *servers, struct resolver **out,
                 char *err, size_t errlen)
{
  struct resolver *r = NULL;
  int rc;
  static int inited;

  if (!inited) {
    if (ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS) {
      snprintf(err, errlen, "c-ares initialisation failed");
      return -1;
    }
    inited = 1;
  }
  r = calloc(1, sizeof(*r));
  if (!r) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  r->loop = l;
  /* NOCHECKRESP: c-ares 1.18 drops a SERVFAIL, REFUSED or NOTIMP reply to
   * try the next server, and when none is left reports ECONNREFUSED, as if
   * no server had answered. With it the reply's own code comes back, and a
   * SERVFAIL or REFUSED is an answer (doc/measurement.md). */
  rc =
    chan_init(r, &r->main,
              ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES | ARES_FLAG_NOCHECKRESP);
  if (rc != ARES_SUCCESS) {
    snprintf(err, errlen, "cannot set up the resolver: %s", ares_strerror(rc));
    goto fail;
  }
  if (servers && *servers) {
    rc = ares_set_servers_ports_csv(r->main.ch, servers);
    if (rc != ARES_SUCCESS) {
      snprintf(err, errlen,
               "bad --dns-server '%s': expected IP[:PORT][,IP[:PORT]...]",
               servers);
      goto fail;
    }
  }
  rc = rest_init(r);
  if (rc != ARES_SUCCESS) {
    snprintf(err, errlen, "cannot set up the resolver: %s", ares_strerror(rc));
    goto fail;
  }
  *out = r;
  return 0;
fail:
  resolver_free(r);
  return -1;
}

void resolver_free(struct resolver *r)
{
  if (!r)
    return;
  /* pending callbacks run with ARES_EDESTRUCTION; main first, so none is
   * asked again on rest */
  if (r->main.live)
    ares_destroy(r->main.ch);
  if (r->rest.live)
    ares_destroy(r->rest.ch);
  free(r);
}

static void ask_done(void *arg, int status, int timeouts, unsigned char *abuf,
                     int alen)
{
  struct ask *q = arg;
  if (!q->first && q->r->rest.live &&
      (status == ARES_ESERVFAIL || status == ARES_EREFUSED ||
       status == ARES_ENOTIMP)) {
    q->first = status;
    ares_query(q->r->rest.ch, q->name, 1, q->type, ask_done, q);
    return;
  }
  /* rest found no server with a better answer: the first reply stands */
  if (q->first && (status == ARES_ECONNREFUSED || status == ARES_ETIMEOUT)) {
    status = q->first;
    abuf = NULL;
    alen = 0;
  }
  q->done(q->arg, status, timeouts, abuf, alen);
  free(q->name);
  free(q);
}

/* Ask @name for @type (class IN); @done(@arg, ...) runs exactly once, as an
 * ares_callback. Returns 0 or -1 (out of memory; @done will not run). */
static int ask(struct resolver *r, const char *name, int type,
               ares_callback done, void *arg)
{
  struct ask *q = calloc(1, sizeof(*q));
  if (!q || !(q->name = strdup(name))) {
    free(q);
    return -1;
  }
  q->r = r;
  q->type = type;
  q->done = done;
  q->arg = arg;
  ares_query(r->main.ch, name, 1, type, ask_done, q);
  return 0;
}

/* At most this many CNAME records of one answer are followed. */
#define CNAME_MAX 16

/* The name at @p in the message @abuf of @alen bytes, owned by the caller
 * (ares_free_string), and its encoded length in @len; NULL when it does not
 * parse or memory runs out. */
static char *wire_name(const unsigned char *p, const unsigned char *abuf,
                       int alen, long *len)
{
  char *name = NULL;
  if (p >= abuf + alen ||
      ares_expand_name(p, abuf, alen, &name, len) != ARES_SUCCESS)
    return NULL;
  return name;
}

/* The CNAME chain of the reply @abuf (@alen bytes) from the question's
 * name, "a -> b -> c", owned by the caller; NULL when there is none, the
 * reply does not parse, or memory runs out. Read from the answer section,
 * hop by hop from the question name: c-ares 1.18's hostent keeps the
 * aliases but names the first alias's target as the canonical name, so a
 * chain of two hops or more lost its last one. */
static char *cname_chain(const unsigned char *abuf, int alen)
{
  char *qname = NULL, *own[CNAME_MAX], *tgt[CNAME_MAX], *out = NULL;
  const unsigned char *p, *end = abuf + alen;
  const char *cur;
  size_t n = 0, i, hops;
  unsigned an, k;
  long len;
  struct v6_buf b;

  v6_buf_init(&b, 0);
  if (!abuf || alen < 12 || ((abuf[4] << 8) | abuf[5]) != 1)
    return NULL;
  an = (unsigned)((abuf[6] << 8) | abuf[7]);
  if (!(qname = wire_name(abuf + 12, abuf, alen, &len)))
    goto out;
  p = abuf + 12 + len + 4; /* QTYPE, QCLASS */
  for (k = 0; k < an && n < CNAME_MAX; k++) {
    char *name = wire_name(p, abuf, alen, &len);
    unsigned type, rdlen;
    if (!name)
      goto out;
    p += len;
    if (end - p < 10) {
      ares_free_string(name);
      goto out;
    }
    type = (unsigned)((p[0] << 8) | p[1]);
    rdlen = (unsigned)((p[8] << 8) | p[9]);
    p += 10;
    if ((size_t)(end - p) < rdlen) {
      ares_free_string(name);
      goto out;
    }
    if (type == 5 /* CNAME */) {
      tgt[n] = wire_name(p, abuf, alen, &len);
      if (!tgt[n]) {
        ares_free_string(name);
        goto out;
      }
      own[n++] = name;
    } else {
      ares_free_string(name);
    }
    p += rdlen;
  }
  /* Follow the chain from the question; at most n hops, so a loop ends. */
  cur = qname;
  for (hops = 0; hops < n; hops++) {
    for (i = 0; i < n && strcasecmp(own[i], cur) != 0; i++)
      ;
    if (i == n)
      break;
    if (!hops)
      v6_buf_puts(&b, qname);
    v6_buf_puts(&b, " -> ");
    v6_buf_puts(&b, tgt[i]);
    cur = tgt[i];
  }
  if (hops && !b.oom)
    out = v6_buf_take(&b);
out:
  for (i = 0; i < n; i++) {
    ares_free_string(own[i]);
    ares_free_string(tgt[i]);
  }
  if (qname)
    ares_free_string(qname);
  v6_buf_cleanup(&b);
  return out;
}

static double now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static void query_done(void *arg, int status, int timeouts, unsigned char *abuf,
                       int alen)
{
  struct lookup *lk = arg;
  struct dns_answer a;
  struct hostent *he = NULL;
  char buf[INET6_ADDRSTRLEN];
  size_t i, n = 0;
  (void)timeouts;

  memset(&a, 0, sizeof(a));
  a.family = lk->family;
  a.ms = now_ms() - lk->t0;
  lk->r->pending--;
  if (status == ARES_SUCCESS) {
    status = lk->family == 4
               ? ares_parse_a_reply(abuf, alen, &he, NULL, NULL)
               : ares_parse_aaaa_reply(abuf, alen, &he, NULL, NULL);
  }
  a.error = dns_error_from_ares(status);
  if (abuf)
    a.cnames = cname_chain(abuf, alen);
  if (status == ARES_SUCCESS && he) {
    for (n = 0; he->h_addr_list[n]; n++)
      ;
    a.addrs = calloc(n ? n : 1, sizeof(char *));
    if (a.addrs) {
      for (i = 0; i < n; i++) {
        if (!inet_ntop(lk->family == 4 ? AF_INET : AF_INET6, he->h_addr_list[i],
                       buf, sizeof(buf)))
          continue;
        a.addrs[a.n] = strdup(buf);
        if (a.addrs[a.n])
          a.n++;
      }
    }
    if (a.n == 0 && a.error == DNS_OK)
      a.error = DNS_NODATA;
  }
  if (status != ARES_EDESTRUCTION)
    lk->cb(0, &a, lk->ud);
  for (i = 0; i < a.n; i++)
    free(a.addrs[i]);
  free(a.addrs);
  free(a.cnames);
  if (he)
    ares_free_hostent(he);
  free(lk);
}

int resolver_lookup(struct resolver *r, const char *name, int family,
                    void (*cb)(int rc, const struct dns_answer *a, void *ud),
                    void *ud)
{
  struct lookup *lk = calloc(1, sizeof(*lk));
  if (!lk)
    return -1;
  lk->r = r;
  lk->family = family;
  lk->t0 = now_ms();
  lk->cb = cb;
  lk->ud = ud;
  /* type A (1) or AAAA (28) */
  r->pending++; /* before: ares_query may call back at once */
  if (ask(r, name, family == 4 ? 1 : 28, query_done, lk) < 0) {
    r->pending--;
    free(lk);
    return -1;
  }
  return 0;
}

struct ns_lookup {
  struct resolver *r;
  void (*cb)(int error, char **names, size_t n, void *ud);
  void *ud;
};

static void ns_done(void *arg, int status, int timeouts, unsigned char *abuf,
                    int alen)
{
  struct ns_lookup *lk = arg;
  struct hostent *he = NULL;
  size_t n = 0;
  (void)timeouts;
  lk->r->pending--;
  if (status == ARES_SUCCESS)
    status = ares_parse_ns_reply(abuf, alen, &he);
  if (status == ARES_SUCCESS && he && he->h_aliases)
    for (n = 0; he->h_aliases[n]; n++)
      ;
  if (status != ARES_EDESTRUCTION)
    lk->cb(n                        ? DNS_OK
           : status == ARES_SUCCESS ? DNS_NODATA
                                    : dns_error_from_ares(status),
           he ? he->h_aliases : NULL, n, lk->ud);
  if (he)
    ares_free_hostent(he);
  free(lk);
}

int resolver_lookup_ns(struct resolver *r, const char *name,
                       void (*cb)(int error, char **names, size_t n, void *ud),
                       void *ud)
{
  struct ns_lookup *lk = calloc(1, sizeof(*lk));
  if (!lk)
    return -1;
  lk->r = r;
  lk->cb = cb;
  lk->ud = ud;
  r->pending++; /* before: ares_query may call back at once */
  if (ask(r, name, 2 /* NS */, ns_done, lk) < 0) {
    r->pending--;
    free(lk);
    return -1;
  }
  return 0;
}

long resolver_timeout_ms(struct resolver *r)
{
  struct timeval tv, tv2, *t;
  if (!r->pending)
    return -1;
  t = ares_timeout(r->main.ch, NULL, &tv);
  if (r->rest.live)
    t = ares_timeout(r->rest.ch, t, &tv2);
  if (!t)
    return -1;
  return t->tv_sec * 1000 + (t->tv_usec + 999) / 1000;
}

void resolver_tick(struct resolver *r)
{
  if (!r->pending)
    return;
  ares_process_fd(r->main.ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
  if (r->rest.live)
    ares_process_fd(r->rest.ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
}

size_t resolver_pending(const struct resolver *r)
{
  return r->pending;
}

static int in_prefix(const unsigned char *a, const unsigned char *p, int bits)
{
  int i;
  for (i = 0; i < bits / 8; i++)
    if (a[i] != p[i])
      return 0;
  if (bits % 8) {
    unsigned char m = (unsigned char)(0xff << (8 - bits % 8));
    if ((a[i] & m) != (p[i] & m))
      return 0;
  }
  return 1;
}

/* The IPv4 address @b: 1 when usable (see addr_usable). */
static int v4_usable(const unsigned char *b, int allow_private)
{
  static const struct {
    unsigned char p[4];
    int bits, priv;
  } v4[] = {
    {{0, 0, 0, 0}, 8, 0},       {{10, 0, 0, 0}, 8, 1},
    {{100, 64, 0, 0}, 10, 1},   {{127, 0, 0, 0}, 8, 1},
    {{169, 254, 0, 0}, 16, 0},  {{172, 16, 0, 0}, 12, 1},
    {{192, 0, 0, 0}, 24, 0},    {{192, 0, 2, 0}, 24, 0},
    {{192, 168, 0, 0}, 16, 1},  {{198, 18, 0, 0}, 15, 1},
    {{198, 51, 100, 0}, 24, 0}, {{203, 0, 113, 0}, 24, 0},
    {{224, 0, 0, 0}, 3, 0},
  };
  size_t i;
  for (i = 0; i < sizeof(v4) / sizeof(v4[0]); i++)
    if (in_prefix(b, v4[i].p, v4[i].bits))
      return v4[i].priv && allow_private;
  return 1;
}

/* doc/measurement.md: only global unicast counts; loopback, unique-local and
 * private IPv4 only with --allow-private; link-local, IPv4-mapped, NAT64,
 * Teredo, documentation, multicast and unspecified never. A 6to4 address
 * is as usable as the IPv4 address it carries: the packets go there. */
int addr_usable(int family, const char *addr, int allow_private)
{
  unsigned char b[16];
  if (family == 4) {
    if (inet_pton(AF_INET, addr, b) != 1)
      return 0;
    return v4_usable(b, allow_private);
  } else {
    static const unsigned char loop6[16] = {[15] = 1};
    static const unsigned char ula[16] = {0xfc};
    static const unsigned char doc[16] = {0x20, 0x01, 0x0d, 0xb8};
    static const unsigned char doc2[16] = {0x3f, 0xff};
    static const unsigned char teredo[16] = {0x20, 0x01};
    static const unsigned char six2four[16] = {0x20, 0x02};
    static const unsigned char gua[16] = {0x20};
    if (inet_pton(AF_INET6, addr, b) != 1)
      return 0;
    if (memcmp(b, loop6, 16) == 0 || in_prefix(b, ula, 7))
      return allow_private;
    if (in_prefix(b, doc, 32) || in_prefix(b, doc2, 20) ||
        in_prefix(b, teredo, 32))
      return 0;
    if (in_prefix(b, six2four, 16))
      return v4_usable(b + 2, allow_private);
    /* 2000::/3 is global unicast; that excludes ::ffff:0:0/96,
     * 64:ff9b::/96, fe80::/10 and ff00::/8 by construction. */
    return in_prefix(b, gua, 3);
  }
}

/* ---- one message for a direct query (deleg.c) ---------------------------- */

int dns_query_build(const char *name, int type, unsigned id, unsigned char *buf,
                    size_t len)
{
  const char *p = name;
  size_t n = 12;
  if (len < 12 + 1 + 4 + 11)
    return -1;
  memset(buf, 0, 12);
  buf[0] = (unsigned char)(id >> 8);
  buf[1] = (unsigned char)id; /* flags 0: a query, recursion not desired */
  buf[5] = 1;                 /* one question */
  buf[11] = 1;                /* one additional record: EDNS0's OPT */
  while (*p && strcmp(p, ".") != 0) {
    const char *dot = strchr(p, '.');
    size_t l = dot ? (size_t)(dot - p) : strlen(p);
    if (l == 0 || l > 63 || n + 1 + l + 1 + 4 + 11 > len)
      return -1;
    buf[n++] = (unsigned char)l;
    memcpy(buf + n, p, l);
    n += l;
    p += l + (dot != NULL);
  }
  buf[n++] = 0;
  buf[n++] = (unsigned char)(type >> 8);
  buf[n++] = (unsigned char)type;
  buf[n++] = 0;
  buf[n++] = 1; /* class IN */
  /* OPT: root owner, type 41, 1232 bytes of UDP payload (so that a
   * referral with its glue is not truncated), no flags, no options */
  memcpy(buf + n, "\0\0\x29\x04\xd0\0\0\0\0\0\0", 11);
  n += 11;
  return (int)n;
}

void dns_reply_cleanup(struct dns_reply *r)
{
  size_t i;
  free(r->qname);
  free(r->ns_zone);
  for (i = 0; i < r->n_ns; i++)
    free(r->ns[i]);
  free(r->ns);
  for (i = 0; i < r->n_glue; i++) {
    free(r->glue_name[i]);
    free(r->glue_addr[i]);
  }
  free(r->glue_name);
  free(r->glue_addr);
  memset(r, 0, sizeof(*r));
}

/* Append @s (taken) to the array *@v of *@n; -1 when out of memory (then
 * @s is freed). */
static int push_str(char ***v, size_t *n, char *s)
{
  char **nv = s ? realloc(*v, (*n + 1) * sizeof(char *)) : NULL;
  if (!nv) {
    free(s);
    return -1;
  }
  nv[(*n)++] = s;
  *v = nv;
  return 0;
}

/* A malloc'd copy of the wire name at @p (see wire_name), advancing *@pp
 * past it; NULL when it does not parse or memory runs out. */
static char *take_name(const unsigned char **pp, const unsigned char *abuf,
                       int alen)
{
  long len;
  char *w = wire_name(*pp, abuf, alen, &len), *s;
  if (!w)
    return NULL;
  *pp += len;
  s = strdup(w);
  ares_free_string(w);
  return s;
}

/* One resource record of section @sec (0 answer, 1 authority, 2
 * additional) of @abuf into @r. Returns 0, -1 (does not parse) or -2 (out
 * of memory). */
static int reply_rr(struct dns_reply *r, int sec, const unsigned char **pp,
                    const unsigned char *abuf, int alen)
{
  const unsigned char *end = abuf + alen, *p;
  char *owner = take_name(pp, abuf, alen), buf[INET6_ADDRSTRLEN];
  unsigned type, rdlen;
  int rc = 0;
  if (!owner)
    return -1;
  p = *pp;
  if (end - p < 10) {
    free(owner);
    return -1;
  }
  type = (unsigned)((p[0] << 8) | p[1]);
  rdlen = (unsigned)((p[8] << 8) | p[9]);
  p += 10;
  if ((size_t)(end - p) < rdlen) {
    free(owner);
    return -1;
  }
  *pp = p + rdlen;
  if (sec == 0 && r->qname && strcasecmp(owner, r->qname) == 0)
    r->answers++;
  if (sec == 1 && type == 6 /* SOA */ && !r->soa_zone)
    r->soa_zone = 1;
  if (sec == 1 && type == 2 /* NS */ &&
      (!r->ns_zone || strcasecmp(owner, r->ns_zone) == 0)) {
    char *t = take_name(&p, abuf, alen);
    if (!t)
      rc = -1;
    else if (!r->ns_zone && !(r->ns_zone = strdup(owner)))
      rc = -2, free(t);
    else if (push_str(&r->ns, &r->n_ns, t) < 0)
      rc = -2;
  }
  if (sec == 2 && type == 28 /* AAAA */ && rdlen == 16 &&
      inet_ntop(AF_INET6, p, buf, sizeof(buf))) {
    char **na = realloc(r->glue_addr, (r->n_glue + 1) * sizeof(char *));
    char **nn =
      na ? realloc(r->glue_name, (r->n_glue + 1) * sizeof(char *)) : NULL;
    if (na)
      r->glue_addr = na;
    if (nn)
      r->glue_name = nn;
    if (!nn || !(r->glue_addr[r->n_glue] = strdup(buf)))
      rc = -2;
    else if (!(r->glue_name[r->n_glue] = strdup(owner)))
      rc = -2, free(r->glue_addr[r->n_glue]);
    else
      r->n_glue++;
  }
  free(owner);
  return rc;
}

int dns_reply_parse(const unsigned char *abuf, size_t len, struct dns_reply *r)
{
  const unsigned char *p;
  unsigned count[3], k;
  int alen = (int)len, sec, rc = -1;
  memset(r, 0, sizeof(*r));
  if (len < 12 || len > 65535 || ((abuf[4] << 8) | abuf[5]) != 1)
    return -1;
  r->id = (unsigned)((abuf[0] << 8) | abuf[1]);
  r->qr = (abuf[2] & 0x80) != 0;
  r->aa = (abuf[2] & 0x04) != 0;
  r->tc = (abuf[2] & 0x02) != 0;
  r->rcode = abuf[3] & 0x0f;
  for (sec = 0; sec < 3; sec++)
    count[sec] = (unsigned)((abuf[6 + 2 * sec] << 8) | abuf[7 + 2 * sec]);
  p = abuf + 12;
  if (!(r->qname = take_name(&p, abuf, alen)))
    goto out;
  if (abuf + alen - p < 4)
    goto out;
  r->qtype = (p[0] << 8) | p[1];
  p += 4;
  for (sec = 0; sec < 3; sec++)
    for (k = 0; k < count[sec]; k++)
      if ((rc = reply_rr(r, sec, &p, abuf, alen)) < 0)
        goto out;
  rc = 0;
out:
  if (rc)
    dns_reply_cleanup(r);
  return rc;
}
