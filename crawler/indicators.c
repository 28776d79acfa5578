/* crawler/indicators.c - what a site's homepage and zone say beyond the
 * homepage's class: how alike its IPv4 and IPv6 pages are, how often it
 * answers over IPv6 in --home-probes tries, and how many of the scope
 * domain's name servers have an IPv6 address.
 */
#include "config.h"

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
 * asks the parent (www.gov.cn -> gov.cn). */
static void ns_answer(int error, char **names, size_t n, void *ud)
{
  struct indicators *in = ud;
  struct crawl *c = in->c;
  size_t i;
  const char *dot;
  if (!n && (error == DNS_NODATA || error == DNS_NXDOMAIN) && in->ns_zone &&
      (dot = strchr(in->ns_zone, '.')) && strchr(dot + 1, '.')) {
    memmove(in->ns_zone, dot + 1, strlen(dot + 1) + 1);
    if (resolver_lookup_ns(c->res, in->ns_zone, ns_answer, in) < 0)
      crawl_oom(c);
    return;
  }
  in->ns = calloc(n ? n : 1, sizeof(char *));
  if (!in->ns) {
    crawl_oom(c);
    return;
  }
  for (i = 0; i < n; i++) {
    if (!(in->ns[in->n_ns] = strdup(names[i]))) {
      crawl_oom(c);
      return;
    }
    in->n_ns++;
    host_get(c, names[i]); /* its A and AAAA */
  }
}

void indicators_ns_ask(struct indicators *in, const char *scope)
{
  if (in->ns_asked || !scope)
    return;
  in->ns_asked = 1;
  in->ns_zone = strdup(scope);
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
  for (i = 0; i < in->n_ns; i++) {
    const struct host *h = map_get(&in->c->hosts, in->ns[i]);
    ss->ns_ipv6 += h && h->n_use[1] > 0;
  }
  ss->ns_total = (int)in->n_ns;
  ss->ns_hosts = ns;
  ss->home_tries = in->home_tries;
  ss->home_ok = in->home_ok;
  ss->consistent = in->consistent;
  ss->similarity = in->similarity;
}
