/* crawler/indicators.c - what a site's homepage and zone say beyond the
 * homepage's class: how alike its IPv4 and IPv6 pages are, how often it
 * answers over IPv6 in --home-probes tries, how many of the site zone's
 * name servers answer for it over IPv6, and its delegation from the root
 * (deleg.c asks the servers).
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crawler/crawl_int.h"

/* Homepages this alike over IPv4 and IPv6 (html_similarity) count as the
 * same content. */
#define HOME_SAME 0.95

void indicators_init(struct indicators *in, struct crawl *c)
{
  memset(in, 0, sizeof(*in));
  in->c = c;
  in->consistent = -1;
}

void indicators_cleanup(struct indicators *in)
{
  free(in->ns_zone);
  in->ns_zone = NULL;
  while (in->n_ns)
    free(in->ns[--in->n_ns]);
  free(in->ns);
  in->ns = NULL;
  free(in->ns_auth);
  in->ns_auth = NULL;
  deleg_check_free(in->check);
  in->check = NULL;
  deleg_walk_free(in->walk);
  in->walk = NULL;
}

static void home_extra_done(int rc, struct attempt *a, void *arg)
{
  struct indicators *in = arg;
  in->home_tries++;
  in->home_ok += rc == OUT_OK;
  attempt_free(a);
  if (in->changed)
    in->changed(in);
}

/* Ask the homepage @url over IPv6 until --home-probes requests are made. */
static void home_extra(struct indicators *in, const char *url)
{
  struct crawl *c = in->c;
  int i;
  for (i = in->home_tries; i < c->o->home_probes; i++) {
    struct attempt *x = attempt_new(c, url, 6, 0, home_extra_done, in);
    if (x)
      attempt_hop(x);
  }
}

void indicators_home_more(struct indicators *in, const char *url)
{
  if (in->home_tries > 0)
    home_extra(in, url);
}

void indicators_home(struct indicators *in, const struct probe *p)
{
  const struct attempt *a6 = p->fam[0], *a4 = p->fam[1];
  struct crawl *c = in->c;
  if (!a6)
    return;
  in->home_tries = 1;
  in->home_ok = a6->outcome == OUT_OK;
  if (a6->outcome == OUT_OK && a4 && a4->outcome == OUT_OK && a6->body &&
      a4->body) {
    if (html_similarity(a4->body, a4->body_len, a6->body, a6->body_len,
                        &in->similarity) != PARSE_OK)
      crawl_oom(c);
    else
      in->consistent = in->similarity >= HOME_SAME;
  }
  home_extra(in, p->url);
}

/* The NS records of in->ns_zone came; none at a name below a zone apex
 * asks the parent (www.example.gov.cn -> example.gov.cn), up to the top
 * label: the closest enclosing zone. */
static void ns_answer(int error, char **names, size_t n, void *ud)
{
  struct indicators *in = ud;
  struct crawl *c = in->c;
  size_t i;
  const char *dot;
  if (!n && (error == DNS_NODATA || error == DNS_NXDOMAIN) && in->ns_zone &&
      (dot = strchr(in->ns_zone, '.')) && dot[1]) {
    memmove(in->ns_zone, dot + 1, strlen(dot + 1) + 1);
    if (resolver_lookup_ns(c->res, in->ns_zone, ns_answer, in) < 0)
      crawl_oom(c);
    return;
  }
  in->ns = calloc(n ? n : 1, sizeof(char *));
  in->ns_auth = calloc(n ? n : 1, sizeof(int));
  if (!in->ns || !in->ns_auth) {
    crawl_oom(c);
    return;
  }
  for (i = 0; i < n; i++) {
    if (!(in->ns[in->n_ns] = strdup(names[i]))) {
      crawl_oom(c);
      return;
    }
    in->n_ns++;
  }
  if (n && in->ns_zone)
    in->check = deleg_ns_check(c, in->ns_zone, in->ns, in->n_ns, in->ns_auth);
}

void indicators_ns_ask(struct indicators *in, const char *host)
{
  unsigned char ip[16];
  if (in->ns_asked || !host || !*host || inet_pton(AF_INET, host, ip) == 1 ||
      strchr(host, ':'))
    return;
  in->ns_asked = 1;
  in->walk = deleg_walk_start(in->c, host);
  in->ns_zone = strdup(host);
  if (!in->ns_zone)
    crawl_oom(in->c);
  else if (resolver_lookup_ns(in->c->res, in->ns_zone, ns_answer, in) < 0)
    crawl_oom(in->c);
}

void indicators_fill(const struct indicators *in, struct store_site *ss)
{
  char *ns = NULL;
  size_t i, len = 1;
  for (i = 0; i < in->n_ns; i++)
    len += strlen(in->ns[i]) + 1;
  if (in->n_ns && (ns = malloc(len))) {
    char *p = ns;
    for (i = 0; i < in->n_ns; i++)
      p += snprintf(p, len - (size_t)(p - ns), "%s%s", i ? "," : "", in->ns[i]);
  }
  for (i = 0; i < in->n_ns; i++)
    ss->ns_ipv6 += in->ns_auth[i];
  ss->ns_total = (int)in->n_ns;
  ss->ns_hosts = ns;
  ss->home_tries = in->home_tries;
  ss->home_ok = in->home_ok;
  ss->consistent = in->consistent;
  ss->similarity = in->similarity;
}
