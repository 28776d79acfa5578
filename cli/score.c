/* cli/score.c - the composite score (综合得分) in the text and JSON
 * reports: the weights found with cli_data_path, a line per site in the
 * text report, a "score" object per site in JSON (report/score.c
 * computes it). */
#include "config.h"

#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "report/report.h"
#include "store/store.h"

int cli_weights_find(struct report_weights *w)
{
  char path[PATH_MAX + 64];
  unsigned line = 0;
  int rc;

  memset(w, 0, sizeof *w);
  if (cli_data_path("score-weights.txt", path, sizeof path) != 0) {
    cli_err("no score-weights.txt found (set V6CRAWL_DATA_DIR): no "
            "composite score");
    return -1;
  }
  rc = report_weights_load(w, path, &line);
  if (rc == STORE_OK)
    return 0;
  if (rc == STORE_INVALID)
    cli_err("%s:%u: not \"key weight\" (a number >= 0, each key once): no "
            "composite score",
            path, line);
  else
    cli_err("cannot read %s: no composite score", path);
  memset(w, 0, sizeof *w);
  return -1;
}

/* The indicators' names, by key; a key not here is shown as itself. */
static const struct {
  const char *key, *en, *zh;
} ind_names[] = {
  {"l2_concentration", "level-2 internal concentration", "二级链接 IPv6 浓度"},
  {"l3_concentration", "level-3 internal concentration", "三级链接 IPv6 浓度"},
  {"home_aaaa", "homepage AAAA record", "首页 AAAA 记录"},
  {"home_v6_success", "homepage IPv6 success rate", "首页 IPv6 访问成功率"},
  {"home_consistent", "homepage IPv4/IPv6 content alike",
   "首页 IPv4/IPv6 内容一致"},
  {"ns_ipv6", "name servers with IPv6", "域名服务器 IPv6 支持率"},
  {"delay_dns", "DNS delay ratio <= 20%", "DNS 解析时延比 <= 20%"},
  {"delay_connect", "connect delay ratio <= 20%", "TCP 建连时延比 <= 20%"},
  {"delay_first_byte", "first-byte delay ratio <= 20%", "首字节时延比 <= 20%"},
  {"delay_total", "total delay ratio <= 20%", "总时延比 <= 20%"},
  {"delegation", "IPv6 delegation chain complete",
   "网站域名具备完整的IPv6域名授权体系"},
  {"cdn_performance", "CDN IPv6 performance >= 85% of IPv4",
   "IPv6应用加速性能达到IPv4的85%以上"},
};

const char *cli_ind_name(const char *key, int zh)
{
  size_t i;

  for (i = 0; i < sizeof ind_names / sizeof ind_names[0]; i++)
    if (strcmp(ind_names[i].key, key) == 0)
      return zh ? ind_names[i].zh : ind_names[i].en;
  return key;
}

/* The keys of @sc's indicators with a weight that were not measured,
 * ", "-separated, into @buf ("-" when none). */
static void left_out(char *buf, size_t len, const struct report_score *sc)
{
  size_t i, off = 0;
  int w;

  snprintf(buf, len, "-");
  for (i = 0; i < sc->n && off < len; i++) {
    if (sc->w[i] <= 0 || sc->ind[i].measured)
      continue;
    w = snprintf(buf + off, len - off, "%s%s", off ? ", " : "", sc->ind[i].key);
    if (w < 0)
      break;
    off += (size_t)w;
  }
}

int cli_score_text(FILE *o, struct store *st, const struct store_run *run,
                   const struct store_site *sites, size_t n,
                   const struct store_site_figs *figs,
                   const struct report_weights *w,
                   const struct report_cdn_table *cdn)
{
  struct report_score sc;
  char v[16], lo[512];
  size_t i;
  int rc = STORE_OK;

  fputs("\nComposite score (0-100; weights are v6crawl's own, "
        "data/score-weights.txt; indicators not measured are left out)\n",
        o);
  fprintf(o, "%-38s %6s  %s\n", "site", "score", "left out (not measured)");
  for (i = 0; i < n && rc == STORE_OK; i++) {
    rc = report_score_site(st, run, &sites[i], &figs[i], w, cdn, &sc);
    if (rc != STORE_OK)
      break;
    report_score_str(v, sizeof v, sc.have, sc.value);
    left_out(lo, sizeof lo, &sc);
    fprintf(o, "%-38.38s %6s  %s\n", cli_tx(sites[i].start_url), v, lo);
  }
  return rc;
}

json_t *cli_score_json(struct store *st, const struct store_run *run,
                       const struct store_site *s,
                       const struct store_site_figs *f,
                       const struct report_weights *w,
                       const struct report_cdn_table *cdn, int *rc)
{
  struct report_score sc;
  json_t *o, *ind, *lo;
  size_t i;
  int src;

  if (!w)
    return json_null();
  src = report_score_site(st, run, s, f, w, cdn, &sc);
  if (src != STORE_OK) {
    cli_jrc(rc, src);
    return json_null();
  }
  o = json_object();
  json_object_set_new(o, "value", cli_jnum(sc.have, sc.value));
  json_object_set_new(o, "weights", json_string("v6crawl's own"));
  json_object_set_new(o, "weight_scored", cli_jnum(1, sc.w_used));
  json_object_set_new(o, "weight_total", cli_jnum(1, sc.w_all));
  ind = json_array();
  lo = json_array();
  for (i = 0; i < sc.n; i++) {
    json_t *x = json_object();
    json_object_set_new(x, "key", cli_jstr(sc.ind[i].key));
    json_object_set_new(x, "measured", json_boolean(sc.ind[i].measured));
    json_object_set_new(x, "value",
                        cli_jnum(sc.ind[i].measured, sc.ind[i].value));
    json_object_set_new(x, "weight", cli_jnum(sc.has_w[i], sc.w[i]));
    json_array_append_new(ind, x);
    if (sc.w[i] > 0 && !sc.ind[i].measured)
      json_array_append_new(lo, cli_jstr(sc.ind[i].key));
  }
  json_object_set_new(o, "indicators", ind);
  json_object_set_new(o, "left_out", lo);
  return o;
}
