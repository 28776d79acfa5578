/* report/cdn.c - the CDN / cloud provider behind a CNAME chain, from the
 * suffix table data/cdn-suffixes.txt (suffix<TAB>provider a line). */
#include "config.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

static int count_labels(const char *s)
{
  int n = 1;

  for (; *s; s++)
    if (*s == '.')
      n++;
  return n;
}

static char *trim_ws(char *s)
{
  char *e;

  while (*s == ' ' || *s == '\t')
    s++;
  e = s + strlen(s);
  while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
                   e[-1] == '\n' || e[-1] == '.'))
    *--e = '\0';
  return s;
}

int report_cdn_load(struct report_cdn_table *t, const char *path)
{
  FILE *f = fopen(path, "r");
  char line[1024], *tab, *suf, *prov, *p;
  struct report_cdn *nv;
  int rc = 0;

  if (!f)
    return STORE_NOTFOUND;
  while (fgets(line, sizeof line, f)) {
    if (line[0] == '#')
      continue;
    tab = strchr(line, '\t');
    if (!tab)
      continue;
    *tab = '\0';
    suf = trim_ws(line);
    /* ".example.com" and "*.example.com" mean "example.com" here */
    while (*suf == '.' || (suf[0] == '*' && suf[1] == '.'))
      suf += *suf == '.' ? 1 : 2;
    prov = trim_ws(tab + 1);
    if (!*suf || !*prov)
      continue;
    for (p = suf; *p; p++)
      if (*p >= 'A' && *p <= 'Z')
        *p = (char)(*p + 32);
    if (t->n == t->cap) {
      size_t cap = t->cap ? t->cap * 2 : 64;
      nv = realloc(t->v, cap * sizeof *nv);
      if (!nv) {
        rc = STORE_NOMEM;
        break;
      }
      t->v = nv;
      t->cap = cap;
    }
    t->v[t->n].suffix = strdup(suf);
    t->v[t->n].provider = strdup(prov);
    if (!t->v[t->n].suffix || !t->v[t->n].provider) {
      free(t->v[t->n].suffix);
      free(t->v[t->n].provider);
      rc = STORE_NOMEM;
      break;
    }
    t->v[t->n].labels = count_labels(suf);
    t->n++;
  }
  fclose(f);
  return rc;
}

void report_cdn_free(struct report_cdn_table *t)
{
  size_t i;

  for (i = 0; i < t->n; i++) {
    free(t->v[i].suffix);
    free(t->v[i].provider);
  }
  free(t->v);
  memset(t, 0, sizeof *t);
}

/* 1 when the last labels of @name match @c's suffix, each label as a
 * glob ('*' in the table, e.g. kunlun*.com). */
static int cdn_match(const struct report_cdn *c, const char *name)
{
  char nb[512], sb[256];
  char *np, *sp;
  int nl = count_labels(name), i;

  if (nl < c->labels || strlen(name) >= sizeof nb ||
      strlen(c->suffix) >= sizeof sb)
    return 0;
  memcpy(nb, name, strlen(name) + 1);
  memcpy(sb, c->suffix, strlen(c->suffix) + 1);
  /* compare label by label from the right */
  for (i = 0; i < c->labels; i++) {
    np = strrchr(nb, '.');
    sp = strrchr(sb, '.');
    if (fnmatch(sp ? sp + 1 : sb, np ? np + 1 : nb, FNM_NOESCAPE) != 0)
      return 0;
    if (np)
      *np = '\0';
    else
      nb[0] = '\0';
    if (sp)
      *sp = '\0';
  }
  return 1;
}

const char *report_cdn_provider(const struct report_cdn_table *t,
                                const char *chain)
{
  char name[512];
  const char *p, *e, *best;
  size_t len, i, k;
  int best_labels;

  if (!chain)
    return NULL;
  p = strstr(chain, " -> ");
  while (p) {
    p += 4;
    e = strstr(p, " -> ");
    len = e ? (size_t)(e - p) : strlen(p);
    while (len && p[len - 1] == '.')
      len--;
    if (len && len < sizeof name) {
      for (k = 0; k < len; k++)
        name[k] = (char)((p[k] >= 'A' && p[k] <= 'Z') ? p[k] + 32 : p[k]);
      name[len] = '\0';
      best = NULL;
      best_labels = 0;
      for (i = 0; i < t->n; i++)
        if (t->v[i].labels > best_labels && cdn_match(&t->v[i], name)) {
          best = t->v[i].provider;
          best_labels = t->v[i].labels;
        }
      if (best)
        return best;
    }
    p = e;
  }
  return NULL;
}

/* ---- a site's providers ------------------------------------------------ */

struct cdn_ctx {
  const struct report_cdn_table *t;
  struct report_cdn_site *cs;
};

/* The entry of @prov in @cs, added when new; NULL when out of memory. */
static struct report_cdn_use *cdn_use_get(struct report_cdn_site *cs,
                                          const char *prov)
{
  struct report_cdn_use *u, *nv;
  size_t i;

  for (i = 0; i < cs->n; i++)
    if (strcmp(cs->v[i].provider, prov) == 0)
      return &cs->v[i];
  if (cs->n == cs->cap) {
    size_t cap = cs->cap ? cs->cap * 2 : 8;
    nv = realloc(cs->v, cap * sizeof *nv);
    if (!nv)
      return NULL;
    cs->v = nv;
    cs->cap = cap;
  }
  u = &cs->v[cs->n];
  memset(u, 0, sizeof *u);
  u->provider = strdup(prov);
  if (!u->provider)
    return NULL;
  cs->n++;
  return u;
}

/* Add @name to @u's hosts unless there; 0 or STORE_NOMEM. */
static int cdn_use_host(struct report_cdn_use *u, const char *name)
{
  char **nv;
  size_t i;

  for (i = 0; i < u->n_hosts; i++)
    if (strcmp(u->hosts[i], name) == 0)
      return 0;
  if (u->n_hosts == u->cap_hosts) {
    size_t cap = u->cap_hosts ? u->cap_hosts * 2 : 4;
    nv = realloc(u->hosts, cap * sizeof *nv);
    if (!nv)
      return STORE_NOMEM;
    u->hosts = nv;
    u->cap_hosts = cap;
  }
  u->hosts[u->n_hosts] = strdup(name);
  if (!u->hosts[u->n_hosts])
    return STORE_NOMEM;
  u->n_hosts++;
  return 0;
}

static int cdn_row(const struct store_link_row *r, void *ud)
{
  struct cdn_ctx *x = ud;
  struct report_cdn_use *u;
  const char *prov;
  int k = r->klass;

  if (!r->internal || r->level < 2 || r->level > 3 || !r->host ||
      !r->host->name)
    return 0;
  prov = report_cdn_provider(x->t, r->host->cnames);
  if (!prov)
    return 0;
  u = cdn_use_get(x->cs, prov);
  if (!u || cdn_use_host(u, r->host->name) != 0)
    return STORE_NOMEM;
  if (k == CLASS_ROBOTS || k == CLASS_SKIPPED || k == CLASS_UNMEASURED ||
      k == CLASS_BLOCKED)
    return 0;
  u->links++;
  if (k == CLASS_OK || k == CLASS_V6_ONLY)
    u->ipv6++;
  return 0;
}

static int str_cmp(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cdn_use_cmp(const void *a, const void *b)
{
  const struct report_cdn_use *x = a, *y = b;

  if (x->links != y->links)
    return x->links > y->links ? -1 : 1;
  return strcmp(x->provider, y->provider);
}

int report_cdn_site_build(struct store *st, uint32_t run, uint32_t site,
                          const struct report_cdn_table *t,
                          struct report_cdn_site *cs)
{
  struct cdn_ctx x;
  size_t i;
  int rc;

  memset(cs, 0, sizeof *cs);
  x.t = t;
  x.cs = cs;
  rc = store_links_each(st, run, site, cdn_row, &x);
  if (rc != STORE_OK)
    return rc;
  if (!cs->n) /* qsort's array may not be NULL, even when empty */
    return STORE_OK;
  for (i = 0; i < cs->n; i++)
    qsort(cs->v[i].hosts, cs->v[i].n_hosts, sizeof(char *), str_cmp);
  qsort(cs->v, cs->n, sizeof *cs->v, cdn_use_cmp);
  return STORE_OK;
}

void report_cdn_site_cleanup(struct report_cdn_site *cs)
{
  size_t i, j;

  for (i = 0; i < cs->n; i++) {
    for (j = 0; j < cs->v[i].n_hosts; j++)
      free(cs->v[i].hosts[j]);
    free(cs->v[i].hosts);
    free(cs->v[i].provider);
  }
  free(cs->v);
  memset(cs, 0, sizeof *cs);
}
