/* cli/deleg.c - the delegation chain of a site (网站域名具备完整的IPv6域名
 * 授权体系) in the text and JSON reports. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "store/store.h"

int cli_deleg_json(FILE *o, struct store *st, uint32_t run, uint32_t site)
{
  struct store_deleg d;
  size_t i, j;
  int rc = store_deleg_get(st, run, site, &d);

  fputs(",\n   \"delegation\": ", o);
  if (rc != STORE_OK) {
    fputs("null", o);
    return rc == STORE_NOTFOUND ? STORE_OK : rc;
  }
  fprintf(o, "{\"pass\": %s, \"why\": ", d.pass ? "true" : "false");
  json_str(o, d.why);
  fputs(", \"zones\": [", o);
  for (i = 0; i < d.n_zones; i++) {
    const struct store_deleg_zone *z = &d.zones[i];
    fputs(i ? ",\n     {\"zone\": " : "\n     {\"zone\": ", o);
    json_str(o, z->zone);
    fprintf(o, ", \"ok\": %s, \"servers\": [", z->ok ? "true" : "false");
    for (j = 0; j < z->n_servers; j++) {
      const struct store_deleg_server *s = &z->servers[j];
      const char *p = s->aaaa, *comma;
      fputs(j ? ", {\"name\": " : "{\"name\": ", o);
      json_str(o, s->name);
      fputs(", \"aaaa\": [", o);
      while (p && *p) {
        char a[64];
        size_t n;
        comma = strchr(p, ',');
        n = comma ? (size_t)(comma - p) : strlen(p);
        snprintf(a, sizeof a, "%.*s", (int)n, p);
        if (p != s->aaaa)
          fputs(", ", o);
        json_str(o, a);
        p = comma ? comma + 1 : NULL;
      }
      fprintf(o, "], \"ipv6\": %s, \"why\": ", s->ok ? "true" : "false");
      json_str(o, s->why);
      fputc('}', o);
    }
    fputs("]}", o);
  }
  fputs("]}", o);
  store_deleg_cleanup(&d);
  return STORE_OK;
}

int cli_deleg_text(FILE *o, struct store *st, uint32_t run,
                   const struct store_site *sites, size_t n)
{
  struct store_deleg d;
  size_t i, k, j;
  int rc = STORE_OK, head = 0;

  for (i = 0; i < n && rc == STORE_OK; i++) {
    rc = store_deleg_get(st, run, sites[i].idx, &d);
    if (rc == STORE_NOTFOUND) {
      rc = STORE_OK;
      continue;
    }
    if (rc != STORE_OK)
      break;
    if (!head++)
      fputs("\nIPv6 delegation chain from the root (every zone needs a name "
            "server answering\nover IPv6, authoritatively or with a "
            "referral)\n",
            o);
    fprintf(o, "%s: %s%s%s\n", sites[i].start_url, d.pass ? "PASS" : "FAIL",
            d.why ? ": " : "", d.why ? d.why : "");
    for (k = 0; k < d.n_zones; k++) {
      const struct store_deleg_zone *z = &d.zones[k];
      fprintf(o, "  %-24s %-4s", z->zone, z->ok ? "ok" : "FAIL");
      if (!z->n_servers)
        fputs(" (no name server)\n", o);
      for (j = 0; j < z->n_servers; j++) {
        const struct store_deleg_server *s = &z->servers[j];
        fprintf(o, "%*s%s [%s]: %s\n", j ? 32 : 1, "", s->name,
                s->aaaa ? s->aaaa : "no AAAA", s->why ? s->why : "-");
      }
    }
    store_deleg_cleanup(&d);
  }
  return rc;
}

int cli_deleg_html(FILE *o, int zh, struct store *st, uint32_t run,
                   uint32_t site)
{
  static const char *const en_l[] = {
    "Complete IPv6 delegation chain (from the root to the site's zone)",
    "Zone",
    "Name server",
    "AAAA",
    "Over IPv6",
    "Answer",
    "Pass",
    "Fail",
    "yes",
    "no"};
  static const char *const zh_l[] = {"网站域名具备完整的IPv6域名授权体系",
                                     "区域",
                                     "域名服务器",
                                     "AAAA",
                                     "IPv6 应答",
                                     "应答",
                                     "达标",
                                     "未达标",
                                     "是",
                                     "否"};
  const char *const *L = zh ? zh_l : en_l;
  struct store_deleg d;
  size_t i, j;
  int rc = store_deleg_get(st, run, site, &d);

  if (rc != STORE_OK)
    return rc == STORE_NOTFOUND ? STORE_OK : rc;
  fprintf(o, "<h3>%s</h3>\n<p class=\"%s\">%s", L[0], d.pass ? "pass" : "fail",
          d.pass ? L[6] : L[7]);
  if (d.why) {
    fputs(zh ? "\xef\xbc\x9a<span class=\"ev\">" : ": <span class=\"ev\">", o);
    cli_html_esc(o, d.why);
    fputs("</span>", o);
  }
  fprintf(o,
          "</p>\n<table class=\"deleg\"><thead><tr><th>%s</th><th>%s</th>"
          "<th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>\n",
          L[1], L[2], L[3], L[4], L[5]);
  for (i = 0; i < d.n_zones; i++)
    for (j = 0; j < d.zones[i].n_servers; j++) {
      const struct store_deleg_server *s = &d.zones[i].servers[j];
      fputs("<tr><td>", o);
      cli_html_esc(o, d.zones[i].zone);
      fputs("</td><td>", o);
      cli_html_esc(o, s->name);
      fputs("</td><td>", o);
      cli_html_esc(o, s->aaaa ? s->aaaa : "-");
      fprintf(o, "</td><td>%s</td><td>", s->ok ? L[8] : L[9]);
      cli_html_esc(o, s->why);
      fputs("</td></tr>\n", o);
    }
  fputs("</tbody></table>\n", o);
  store_deleg_cleanup(&d);
  return STORE_OK;
}
