/* cli/deleg.c - the delegation chain of a site (网站域名具备完整的IPv6域名
 * 授权体系) in the text and JSON reports. */
#include "config.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "store/store.h"

json_t *cli_deleg_json(struct store *st, uint32_t run, uint32_t site, int *rc)
{
  struct store_deleg d;
  json_t *o, *zones;
  size_t i, j;
  int src = store_deleg_get(st, run, site, &d);

  if (src != STORE_OK) {
    cli_jrc(rc, src == STORE_NOTFOUND ? STORE_OK : src);
    return json_null();
  }
  o = json_object();
  json_object_set_new(o, "pass", json_boolean(d.pass));
  json_object_set_new(o, "why", cli_jstr(d.why));
  zones = json_array();
  for (i = 0; i < d.n_zones; i++) {
    const struct store_deleg_zone *z = &d.zones[i];
    json_t *zo = json_object(), *servers = json_array();
    json_object_set_new(zo, "zone", cli_jstr(z->zone));
    json_object_set_new(zo, "ok", json_boolean(z->ok));
    for (j = 0; j < z->n_servers; j++) {
      const struct store_deleg_server *s = &z->servers[j];
      json_t *so = json_object();
      json_object_set_new(so, "name", cli_jstr(s->name));
      json_object_set_new(so, "aaaa", cli_jlist(s->aaaa, ","));
      json_object_set_new(so, "ipv6", json_boolean(s->ok));
      json_object_set_new(so, "why", cli_jstr(s->why));
      json_array_append_new(servers, so);
    }
    json_object_set_new(zo, "servers", servers);
    json_array_append_new(zones, zo);
  }
  json_object_set_new(o, "zones", zones);
  store_deleg_cleanup(&d);
  return o;
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
