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
