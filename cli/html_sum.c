/* cli/html_sum.c - the HTML page's parts over every site: the overall
 * line, the measurement conditions, the indicators beyond the
 * concentrations, the change since the previous comparable run, the hosts
 * to fix first and (--summary) the failing links as an appendix. The
 * page's frame and the site sections are html.c's (see html_int.h). */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/html_int.h"
#include "report/report.h"
#include "store/store.h"

#define MARK_OK  "\xe2\x9c\x94"
#define MARK_BAD "\xe2\x9c\x98"
#define DASH     "\xe2\x80\x94"
#define TOP_FIX  3 /* hosts per site in the summary's table */

/* The words of these parts, beside html.c's struct labels. */
struct sum_labels {
  const char *conds, *version, *depth, *strict, *vantage, *dns, *psl,
    *threshold, *not_recorded, *strict_yes, *strict_no, *reach, *unreach,
    *unchecked, *inds, *site, *h_aaaa, *h_v6, *h_same, *ns, *deleg, *delay,
    *cdn, *score, *yes, *no, *same, *differ, *complete, *broken, *pass, *fail,
    *fixes, *fixes_all, *host, *l2, *l3, *l2_after, *l3_after, *classes, *none,
    *appendix, *url, *level, *scope, *klass, *internal, *external, *newly_fail,
    *newly_pass, *no_prev, *dead;
};

static const struct sum_labels sum_en = {
  .conds = "Measurement conditions",
  .version = "v6crawl version",
  .depth = "Depth",
  .strict = "Strict (--strict)",
  .vantage = "Vantage point",
  .dns = "DNS servers",
  .psl = "Public suffix list",
  .threshold = "Target",
  .not_recorded = "not recorded",
  .strict_yes = "yes: only status 200 is a success",
  .strict_no = "no: a status below 400 is a success",
  .reach = "reachable",
  .unreach = "unreachable",
  .unchecked = "not checked",
  .inds = "Other indicators",
  .site = "Site",
  .h_aaaa = "Homepage AAAA",
  .h_v6 = "Homepage over IPv6",
  .h_same = "Same content",
  .ns = "Name servers over IPv6",
  .deleg = "IPv6 delegation chain",
  .delay = "Delay",
  .cdn = "CDN performance",
  .score = "Score",
  .yes = "yes",
  .no = "no",
  .same = "same",
  .differ = "differs",
  .complete = "complete",
  .broken = "incomplete",
  .pass = "pass",
  .fail = "fail",
  .fixes = "Hosts to fix first (internal links)",
  .fixes_all = "Hosts to fix first (the first three of each site)",
  .host = "Host",
  .l2 = "L2 links",
  .l3 = "L3 links",
  .l2_after = "L2 after",
  .l3_after = "L3 after",
  .classes = "Classes",
  .none = "None.",
  .appendix = "Appendix: links that fail over IPv6",
  .url = "Link",
  .level = "Level",
  .scope = "Scope",
  .klass = "Class",
  .internal = "internal",
  .external = "external",
  .newly_fail = "newly failing",
  .newly_pass = "newly passing",
  .no_prev = "Change: no earlier complete run of the same sites at the same "
             "depth to compare with.",
  .dead = "dead links (IPv4 fails too; not fixed by IPv6 work)",
};

static const struct sum_labels sum_zh = {
  .conds = "检测条件",
  .version = "v6crawl 版本",
  .depth = "检测深度",
  .strict = "严格模式",
  .vantage = "检测点网络",
  .dns = "DNS 服务器",
  .psl = "公共后缀列表",
  .threshold = "达标线",
  .not_recorded = "未记录",
  .strict_yes = "是：仅状态码 200 算成功",
  .strict_no = "否：状态码低于 400 即算成功",
  .reach = "可达",
  .unreach = "不可达",
  .unchecked = "未检测",
  .inds = "其他指标",
  .site = "网站",
  .h_aaaa = "首页 AAAA 记录",
  .h_v6 = "首页 IPv6 访问成功率",
  .h_same = "首页内容一致性",
  .ns = "域名服务器支持 IPv6",
  .deleg = "IPv6 域名授权体系",
  .delay = "时延",
  .cdn = "CDN 加速性能",
  .score = "综合得分",
  .yes = "有",
  .no = "无",
  .same = "一致",
  .differ = "不一致",
  .complete = "完整",
  .broken = "不完整",
  .pass = "达标",
  .fail = "未达标",
  .fixes = "优先修复的主机（站内链接）",
  .fixes_all = "优先修复的主机（每个网站前三个）",
  .host = "主机",
  .l2 = "二级链接数",
  .l3 = "三级链接数",
  .l2_after = "修复后二级",
  .l3_after = "修复后三级",
  .classes = "类别",
  .none = "无。",
  .appendix = "附录：IPv6 无法访问的链接",
  .url = "链接",
  .level = "级别",
  .scope = "范围",
  .klass = "类别",
  .internal = "站内",
  .external = "站外",
  .newly_fail = "新增未达标",
  .newly_pass = "新达标",
  .no_prev = "变化：没有可比较的上一次检测（相同网站、相同深度、已完成）。",
  .dead = "死链（IPv4 也无法访问，IPv6 改造无法修复）",
};

static const struct sum_labels *S_of(const struct html_ctx *h)
{
  return h->zh ? &sum_zh : &sum_en;
}

static const char *site_name(const struct store_site *s)
{
  return s->name ? s->name : s->start_url;
}

/* ---- the overall line ---------------------------------------------------- */

/* The lowest internal level-2 or level-3 figure of @f that has counted
 * links, as *@ip / *@cnt; 0 when neither has. */
static int lowest_fig(const struct store_site_figs *f, unsigned *ip,
                      unsigned *cnt)
{
  int l, have = 0;
  for (l = 2; l <= 3; l++) {
    unsigned a = store_fig_supported(&f->level[l][0]);
    unsigned c = store_fig_counted(&f->level[l][0]);
    if (!c)
      continue;
    if (!have || (uint64_t)a * *cnt < (uint64_t)*ip * c) {
      *ip = a;
      *cnt = c;
    }
    have = 1;
  }
  return have;
}

int html_overview(struct html_ctx *h)
{
  FILE *o = h->o;
  size_t i, pass = 0, nodata = 0, worst = h->n;
  unsigned wip = 0, wcnt = 0, ip, cnt;
  char p2[32], p3[32];

  for (i = 0; i < h->n; i++) {
    int v = report_site_verdict(&h->figs[i], h->thr);
    pass += v == 1;
    nodata += v < 0;
    if (lowest_fig(&h->figs[i], &ip, &cnt) &&
        (worst == h->n || (uint64_t)ip * wcnt < (uint64_t)wip * cnt)) {
      worst = i;
      wip = ip;
      wcnt = cnt;
    }
  }
  fprintf(o,
          "<p class=\"overview\" data-sites=\"%zu\" data-pass=\"%zu\" "
          "data-nodata=\"%zu\" data-worst=\"",
          h->n, pass, nodata);
  if (worst < h->n)
    cli_html_esc(o, h->sites[worst].start_url);
  fputs("\">", o);
  if (h->zh) {
    fprintf(o, "共 %zu 个网站，%zu 个达标", h->n, pass);
    if (nodata)
      fprintf(o, "，%zu 个无数据", nodata);
    fprintf(o, "（达标线 %g%%）", h->thr);
  } else {
    fprintf(o, "%zu site%s measured, %zu pass%s the %g%% target", h->n,
            h->n == 1 ? "" : "s", pass, pass == 1 ? "es" : "", h->thr);
    if (nodata)
      fprintf(o, ", %zu without data", nodata);
  }
  if (worst < h->n) {
    const struct store_site_figs *f = &h->figs[worst];
    report_pct_floor(p2, sizeof p2, store_fig_supported(&f->level[2][0]),
                     store_fig_counted(&f->level[2][0]));
    report_pct_floor(p3, sizeof p3, store_fig_supported(&f->level[3][0]),
                     store_fig_counted(&f->level[3][0]));
    fputs(h->zh ? "；最差：<span class=\"worst data\">"
                : "; worst: <span "
                  "class=\"worst\">",
          o);
    cli_html_esc(o, site_name(&h->sites[worst]));
    fprintf(o,
            h->zh ? "</span>（二级 %s，三级 %s）"
                  : "</span> (level 2 %s, "
                    "level 3 %s)",
            p2, p3);
  }
  fputs(h->zh ? "。</p>\n" : ".</p>\n", o);
  return STORE_OK;
}

/* ---- the conditions ------------------------------------------------------ */

static void cond_row(FILE *o, const char *key, const char *label,
                     const char *value)
{
  fprintf(o, "<tr data-cond=\"%s\"><th>%s</th><td>", key, label);
  cli_html_esc(o, value);
  fputs("</td></tr>\n", o);
}

/* Condition @key of the run as stored (store_cond_get), or "not
 * recorded" (a run from before v6crawl recorded it). */
static int stored_row(struct html_ctx *h, const char *key, const char *label)
{
  char *v = NULL;
  int rc = store_cond_get(h->st, h->run->id, key, &v);
  if (rc != STORE_OK && rc != STORE_NOTFOUND)
    return rc;
  cond_row(h->o, key, label, v ? v : S_of(h)->not_recorded);
  free(v);
  return STORE_OK;
}

static const char *reach_word(const struct sum_labels *S, int v)
{
  return v > 0 ? S->reach : v == 0 ? S->unreach : S->unchecked;
}

int html_conditions(struct html_ctx *h)
{
  const struct sum_labels *S = S_of(h);
  FILE *o = h->o;
  struct store_vantage *v = NULL;
  size_t nv = 0;
  char buf[128];
  long depth = 3, strict = 0;
  int rc;

  fprintf(o, "<h3>%s</h3>\n<table class=\"conds\"><tbody>\n", S->conds);
  rc = stored_row(h, "version", S->version);
  if (rc != STORE_OK)
    goto out;
  report_run_opt(h->run->options, "depth", &depth);
  snprintf(buf, sizeof buf, "%ld", depth);
  cond_row(o, "depth", S->depth, buf);
  report_run_opt(h->run->options, "strict", &strict);
  cond_row(o, "strict", S->strict, strict ? S->strict_yes : S->strict_no);
  rc = store_vantage_list(h->st, h->run->id, &v, &nv);
  if (rc != STORE_OK)
    goto out;
  if (nv && v[0].seq == 0)
    snprintf(buf, sizeof buf, "IPv6 %s%sIPv4 %s", reach_word(S, v[0].ipv6),
             h->zh ? "\xef\xbc\x8c" : ", ", reach_word(S, v[0].ipv4));
  else
    snprintf(buf, sizeof buf, "IPv6 %s", reach_word(S, h->run->vantage_ipv6));
  cond_row(o, "vantage", S->vantage, buf);
  rc = stored_row(h, "dns", S->dns);
  if (rc == STORE_OK)
    rc = stored_row(h, "psl", S->psl);
  if (rc != STORE_OK)
    goto out;
  snprintf(buf, sizeof buf, "%g%%", h->thr);
  cond_row(o, "threshold", S->threshold, buf);
  fputs("</tbody></table>\n", o);
out:
  store_vantage_free(v, nv);
  return rc;
}

/* ---- the change since the previous comparable run ------------------------ */

void html_change_cell(struct html_ctx *h, size_t i)
{
  const struct sum_labels *S = S_of(h);
  const struct store_site_figs *a, *b = &h->figs[i];
  FILE *o = h->o;
  char d[2][32];
  int l, va, vb;

  a = h->prev.run.id ? report_prev_figs(&h->prev, h->sites[i].start_url) : NULL;
  if (!a) {
    fputs("<td class=\"change none\">" DASH "</td>", o);
    return;
  }
  for (l = 2; l <= 3; l++)
    report_pts_floor(
      d[l - 2], sizeof d[0], store_fig_supported(&a->level[l][0]),
      store_fig_counted(&a->level[l][0]), store_fig_supported(&b->level[l][0]),
      store_fig_counted(&b->level[l][0]));
  va = report_site_verdict(a, h->thr);
  vb = report_site_verdict(b, h->thr);
  fprintf(o,
          "<td class=\"change\" data-chg-2=\"%s\" data-chg-3=\"%s\" "
          "data-newly=\"%s\">",
          d[0], d[1],
          va == 1 && vb == 0   ? "failing"
          : va == 0 && vb == 1 ? "passing"
                               : "");
  fprintf(o, "<span class=\"nw\">%s / %s</span>", d[0], d[1]);
  if (va == 1 && vb == 0)
    fprintf(o, " <span class=\"chg-failing\">%s</span>", S->newly_fail);
  else if (va == 0 && vb == 1)
    fprintf(o, " <span class=\"chg-passing\">%s</span>", S->newly_pass);
  fputs("</td>", o);
}

void html_change_note(struct html_ctx *h)
{
  char t[40];

  if (!h->prev.run.id) {
    fprintf(h->o, "<p class=\"note change-note\" data-prev=\"\">%s</p>\n",
            S_of(h)->no_prev);
    return;
  }
  html_time(t, sizeof t, h->prev.run.started, 1);
  fprintf(h->o,
          h->zh ? "<p class=\"note change-note\" data-prev=\"%u\">变化：与第 "
                  "%u 次检测（%s）相比，单位为百分点（向下取整到 0.1）。</p>\n"
                : "<p class=\"note change-note\" data-prev=\"%u\">Change: "
                  "against run %u (%s), in percentage points (rounded down "
                  "to 0.1).</p>\n",
          h->prev.run.id, h->prev.run.id, t);
}

/* ---- the other indicators ------------------------------------------------ */

static const struct report_ind *ind_of(const struct report_score *sc,
                                       const char *key)
{
  size_t k;
  for (k = 0; k < sc->n; k++)
    if (strcmp(sc->ind[k].key, key) == 0)
      return &sc->ind[k];
  return NULL;
}

/* A cell with a pass mark (@v 1), a fail mark (0) or a dash (-1). */
static void mark_cell(FILE *o, const char *key, int v, const char *yes,
                      const char *no)
{
  fprintf(o, "<td class=\"ind %s\" data-ind=\"%s\" data-v=\"%d\">",
          v < 0   ? "none"
          : v > 0 ? "pass"
                  : "fail",
          key, v);
  if (v < 0)
    fputs(DASH, o);
  else
    fprintf(o, "%s %s", v ? MARK_OK : MARK_BAD, v ? yes : no);
  fputs("</td>", o);
}

/* The verdict of indicator @key in @sc: 1 its value is 1, 0 it is not, -1
 * not measured. */
static int ind_v(const struct report_score *sc, const char *key)
{
  const struct report_ind *d = ind_of(sc, key);
  return !d || !d->measured ? -1 : d->value >= 1;
}

static int inds_row(struct html_ctx *h, size_t i)
{
  static const char *const delays[] = {"delay_dns", "delay_connect",
                                       "delay_first_byte", "delay_total"};
  const struct sum_labels *S = S_of(h);
  const struct store_site *s = &h->sites[i];
  struct report_weights none;
  struct report_score sc;
  struct store_deleg d;
  FILE *o = h->o;
  char v[32];
  size_t k;
  int rc, dl = -1, dv;

  memset(&none, 0, sizeof none);
  memset(&d, 0, sizeof d);
  rc = report_score_site(h->st, h->run, s, &h->figs[i], h->w ? h->w : &none,
                         h->cdn, &sc);
  if (rc != STORE_OK)
    return rc;
  rc = store_deleg_get(h->st, h->run->id, s->idx, &d);
  if (rc == STORE_OK)
    dl = d.pass ? 1 : 0;
  else if (rc != STORE_NOTFOUND)
    return rc;
  store_deleg_cleanup(&d);
  fputs("<tr data-site=\"", o);
  cli_html_esc(o, s->start_url);
  fputs("\">", o);
  html_site_td(o, s);
  cli_html_esc(o, site_name(s));
  fputs("</td>", o);
  mark_cell(o, "home_aaaa", ind_v(&sc, "home_aaaa"), S->yes, S->no);
  /* the homepage's IPv6 requests: made and answered */
  if (s->home_tries > 0 && h->run->vantage_ipv6 != 0) {
    report_pct_floor(v, sizeof v, (unsigned)s->home_ok,
                     (unsigned)s->home_tries);
    fprintf(o,
            "<td class=\"ind %s\" data-ind=\"home_v6_success\" "
            "data-v=\"%d/%d\">%s <span class=\"frac\">%d/%d</span></td>",
            s->home_ok == s->home_tries ? "pass" : "fail", s->home_ok,
            s->home_tries, v, s->home_ok, s->home_tries);
  } else {
    fputs(
      "<td class=\"ind none\" data-ind=\"home_v6_success\" data-v=\"\">" DASH
      "</td>",
      o);
  }
  if (s->consistent >= 0 && h->run->vantage_ipv6 != 0) {
    report_score_str(v, sizeof v, 1, s->similarity * 100);
    fprintf(o,
            "<td class=\"ind %s\" data-ind=\"home_consistent\" "
            "data-v=\"%d\">%s %s <span class=\"frac\">%s%%</span></td>",
            s->consistent ? "pass" : "fail", s->consistent,
            s->consistent ? MARK_OK : MARK_BAD,
            s->consistent ? S->same : S->differ, v);
  } else {
    fputs("<td class=\"ind none\" data-ind=\"home_consistent\" "
          "data-v=\"-1\">" DASH "</td>",
          o);
  }
  if (s->ns_total > 0) {
    fprintf(o,
            "<td class=\"ind %s\" data-ind=\"ns_ipv6\" data-v=\"%d/%d\">"
            "%d/%d",
            s->ns_ipv6 == s->ns_total ? "pass" : "fail", s->ns_ipv6,
            s->ns_total, s->ns_ipv6, s->ns_total);
    if (s->ns_hosts) {
      fputs(" <small class=\"data\">", o);
      cli_html_esc(o, s->ns_hosts);
      fputs("</small>", o);
    }
    fputs("</td>", o);
  } else {
    fputs("<td class=\"ind none\" data-ind=\"ns_ipv6\" data-v=\"\">" DASH
          "</td>",
          o);
  }
  mark_cell(o, "delegation", dl, S->complete, S->broken);
  for (k = 0, dv = -1; k < 4; k++) {
    int x = ind_v(&sc, delays[k]);
    if (x >= 0)
      dv = dv < 0 ? x : dv && x;
  }
  mark_cell(o, "delay", dv, S->pass, S->fail);
  mark_cell(o, "cdn_performance", ind_v(&sc, "cdn_performance"), S->pass,
            S->fail);
  report_score_str(v, sizeof v, h->w && sc.have, sc.value);
  fprintf(o, "<td class=\"ind num\" data-ind=\"score\" data-v=\"%s\">%s</td>",
          v, h->w && sc.have ? v : DASH);
  fputs("</tr>\n", o);
  return STORE_OK;
}

int html_indicators(struct html_ctx *h)
{
  const struct sum_labels *S = S_of(h);
  size_t i;
  int rc = STORE_OK;

  fprintf(h->o,
          "<h3>%s</h3>\n<table class=\"inds\"><thead><tr><th>%s</th>"
          "<th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
          "<th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>\n",
          S->inds, S->site, S->h_aaaa, S->h_v6, S->h_same, S->ns, S->deleg,
          S->delay, S->cdn, S->score);
  for (i = 0; i < h->n && rc == STORE_OK; i++)
    rc = inds_row(h, i);
  fputs("</tbody></table>\n", h->o);
  return rc;
}

/* ---- the delay ratios ---------------------------------------------------- */

/* Site @i's row: IPv6 / IPv4 - 1 of each delay, from the timing requests
 * when the run made them, else from the probe sums (as the JSON report's
 * "delay"). */
static int delay_row(struct html_ctx *h, size_t i, struct report_delay *x)
{
  static const int tk[3] = {REPORT_T_CONNECT, REPORT_T_FIRST_BYTE,
                            REPORT_T_TOTAL};
  static const char *const keys[4] = {"dns", "connect", "first_byte", "total"};
  struct report_timing t;
  FILE *o = h->o;
  double v = 0;
  int k, ok, pass, rc;

  memset(&t, 0, sizeof t);
  rc = report_delay_site(h->st, h->run->id, h->sites[i].idx, x);
  if (rc == STORE_OK)
    rc = report_timing_site(h->st, h->run->id, h->sites[i].idx, &t);
  if (rc != STORE_OK)
    goto out;
  fputs("<tr data-site=\"", o);
  cli_html_esc(o, h->sites[i].start_url);
  fputs("\">", o);
  html_site_td(o, &h->sites[i]);
  cli_html_esc(o, site_name(&h->sites[i]));
  fputs("</td>", o);
  for (k = 0; k < 4; k++) {
    if (k == 0)
      ok = t.have ? report_timing_ratio(&t, REPORT_T_DNS, &v) == 0
                  : report_delay_dns_ratio(x, &v) == 0;
    else
      ok = t.have ? report_timing_ratio(&t, tk[k - 1], &v) == 0
                  : report_delay_ratio(x, k - 1, &v) == 0;
    if (ok)
      fprintf(o, "<td class=\"num\" data-ratio=\"%s\">%+.1f%%</td>", keys[k],
              v * 100);
    else
      fprintf(o, "<td class=\"num none\" data-ratio=\"%s\">" DASH "</td>",
              keys[k]);
  }
  pass = t.have ? report_timing_pass(&t) : report_delay_pass(x);
  fprintf(o, "<td data-method=\"%s\">%s</td>", t.have ? "timing" : "probes",
          t.have ? (h->zh ? "计时请求" : "timing requests")
                 : (h->zh ? "探测请求" : "probes"));
  mark_cell(o, "delay", pass, S_of(h)->pass, S_of(h)->fail);
  fputs("</tr>\n", o);
out:
  report_timing_cleanup(&t);
  return rc;
}

int html_delays(struct html_ctx *h)
{
  struct report_delay *x = NULL;
  size_t i;
  int rc = STORE_OK;

  /* report_delay holds a hash set of 2 KiB: not on the stack */
  x = malloc(sizeof *x);
  if (!x)
    return STORE_NOMEM;
  fprintf(h->o,
          h->zh ? "<h3>时延（IPv6 / IPv4 − 1，不超过 20%% 或 %g ms 为达标）"
                  "</h3>\n<table class=\"delays\"><thead><tr><th>网站</th>"
                  "<th>DNS 解析</th><th>TCP 连接</th><th>首字节</th>"
                  "<th>总时间</th><th>依据</th><th>结论</th></tr></thead>"
                  "<tbody>\n"
                : "<h3>Delay (IPv6 / IPv4 - 1; 20%% or %g ms at most "
                  "passes)</h3>\n<table class=\"delays\"><thead><tr>"
                  "<th>Site</th><th>DNS</th><th>Connect</th>"
                  "<th>First byte</th><th>Total</th><th>From</th>"
                  "<th>Result</th></tr></thead><tbody>\n",
          REPORT_TIMING_FLOOR_MS);
  for (i = 0; i < h->n && rc == STORE_OK; i++)
    rc = delay_row(h, i, x);
  fputs("</tbody></table>\n", h->o);
  free(x);
  return rc;
}

/* ---- the hosts to fix first ---------------------------------------------- */

/* The rows of the first @limit (0: all) hosts of @fs; with @site the
 * site's name first. */
static void fix_rows(struct html_ctx *h, const struct report_fix_site *fs,
                     size_t limit, int site)
{
  FILE *o = h->o;
  size_t j;
  int k, first;
  char a2[32], a3[32];

  for (j = 0; j < fs->n && (!limit || j < limit); j++) {
    const struct report_fix_host *x = &fs->h[j];
    cli_fig_after(a2, sizeof a2, x->have_after[0], &fs->figs.level[2][0],
                  x->gain[0]);
    cli_fig_after(a3, sizeof a3, x->have_after[1], &fs->figs.level[3][0],
                  x->gain[1]);
    fputs("<tr data-site=\"", o);
    cli_html_esc(o, fs->site->start_url);
    fputs("\" data-host=\"", o);
    cli_html_esc(o, x->name);
    fputs("\">", o);
    if (site) {
      html_site_td(o, fs->site);
      cli_html_esc(o, site_name(fs->site));
      fputs("</td>", o);
    }
    fprintf(o, "<td class=\"num\">%zu</td><td class=\"url\">", j + 1);
    cli_html_esc(o, x->name);
    fprintf(o,
            "</td><td class=\"num\" data-n=\"2\">%u</td><td class=\"num\" "
            "data-n=\"3\">%u</td><td class=\"fig\" data-after=\"2\">%s</td>"
            "<td class=\"fig\" data-after=\"3\">%s</td><td>",
            x->n[0], x->n[1], a2, a3);
    for (k = 0, first = 1; k < REPORT_N_FIXABLE; k++) {
      if (!x->klass[k])
        continue;
      fprintf(o, "%s%s %u", first ? "" : ", ",
              html_class_name(h, report_fixable[k]), x->klass[k]);
      first = 0;
    }
    fputs("</td></tr>\n", o);
  }
}

static void fix_head(struct html_ctx *h, int site)
{
  const struct sum_labels *S = S_of(h);
  fputs("<table class=\"fixes\"><thead><tr>", h->o);
  if (site)
    fprintf(h->o, "<th>%s</th>", S->site);
  fprintf(h->o,
          "<th>#</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
          "<th>%s</th></tr></thead><tbody>\n",
          S->host, S->l2, S->l3, S->l2_after, S->l3_after, S->classes);
}

/* Where fixing every host of @fs takes level index @l. */
static void whatif(struct html_ctx *h, const struct report_fix_site *fs, int l)
{
  const struct store_fig *f = &fs->figs.level[l + 2][0];
  unsigned hosts = 0, links = 0;
  char b[32], a[32];

  report_fix_totals(fs, l, &hosts, &links);
  if (!store_fig_counted(f))
    return;
  cli_fig_after(b, sizeof b, 1, f, 0);
  cli_fig_after(a, sizeof a, 1, f, links);
  fprintf(h->o, "<p class=\"whatif\" data-level=\"%d\" data-hosts=\"%u\" ",
          l + 2, hosts);
  fprintf(h->o, "data-before=\"%s\" data-after=\"%s\">", b, a);
  if (!hosts)
    fprintf(h->o,
            h->zh ? "%s链接保持 %s：没有只在 IPv6 上失败的站内链接。"
                  : "%s stays at %s: no internal link there fails over IPv6 "
                    "alone.",
            h->zh ? (l ? "三级" : "二级") : (l ? "Level 3" : "Level 2"), b);
  else
    fprintf(h->o,
            h->zh ? "修复以上 %u 个主机后，%s链接浓度从 %s 升至 %s。"
                  : "Fix these %u hosts and %s rises from %s to %s.",
            hosts, h->zh ? (l ? "三级" : "二级") : (l ? "level 3" : "level 2"),
            b, a);
  fputs("</p>\n", h->o);
}

int html_fixes_site(struct html_ctx *h, size_t i)
{
  static const int levels[2] = {1, 1};
  const struct sum_labels *S = S_of(h);
  struct report_fix_site fs;
  int rc;

  rc = report_fix_site_build(h->st, h->run->id, &h->sites[i], levels, &fs);
  if (rc != STORE_OK)
    goto out;
  fprintf(h->o, "<h3>%s</h3>\n", S->fixes);
  if (fs.n) {
    fix_head(h, 0);
    fix_rows(h, &fs, 0, 0);
    fputs("</tbody></table>\n", h->o);
  } else {
    fprintf(h->o, "<p class=\"none\">%s</p>\n", S->none);
  }
  whatif(h, &fs, 0);
  whatif(h, &fs, 1);
  fprintf(h->o,
          "<p class=\"note\" data-dead-2=\"%u\" data-dead-3=\"%u\">%s"
          "%s%s %u%s%s %u</p>\n",
          fs.dead[0], fs.dead[1], S->dead, h->zh ? "\xef\xbc\x9a" : ": ",
          h->zh ? "二级" : "level 2", fs.dead[0], h->zh ? "，" : ", ",
          h->zh ? "三级" : "level 3", fs.dead[1]);
out:
  report_fix_site_cleanup(&fs);
  return rc;
}

int html_fixes_all(struct html_ctx *h)
{
  static const int levels[2] = {1, 1};
  struct report_fix_site fs;
  size_t i;
  int rc = STORE_OK, any = 0;

  fprintf(h->o, "<h3>%s</h3>\n", S_of(h)->fixes_all);
  for (i = 0; i < h->n && rc == STORE_OK; i++) {
    rc = report_fix_site_build(h->st, h->run->id, &h->sites[i], levels, &fs);
    if (rc == STORE_OK && fs.n) {
      if (!any)
        fix_head(h, 1);
      any = 1;
      fix_rows(h, &fs, TOP_FIX, 1);
    }
    report_fix_site_cleanup(&fs);
  }
  if (any)
    fputs("</tbody></table>\n", h->o);
  else
    fprintf(h->o, "<p class=\"none\">%s</p>\n", S_of(h)->none);
  return rc;
}

/* ---- the appendix (--summary) -------------------------------------------- */

struct app {
  struct html_ctx *h;
  const struct store_site *s;
  size_t rows;
};

static int app_row(const struct store_link_row *r, void *ud)
{
  struct app *a = ud;
  struct html_ctx *h = a->h;
  const struct sum_labels *S = S_of(h);
  FILE *o = h->o;
  char host[256];

  if (r->level < 2 || r->kind != LINK_HTTP || !html_is_failing(r->klass))
    return 0;
  if (!a->rows++) {
    /* a site's heading only when it has failing links */
    fputs("<div class=\"appsite\" data-site=\"", o);
    cli_html_esc(o, a->s->start_url);
    fputs("\"><h3>", o);
    cli_html_esc(o, site_name(a->s));
    fputs("</h3>\n", o);
    fprintf(o,
            "<table class=\"applinks\"><thead><tr><th>%s</th><th>%s</th>"
            "<th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>\n",
            S->url, S->level, S->scope, S->klass, S->host);
  }
  report_blame_host(r, host, sizeof host);
  fprintf(o, "<tr data-class=\"%s\" data-level=\"%d\" data-url=\"",
          store_class_name(r->klass), r->level);
  cli_html_esc(o, r->url);
  fputs("\"><td class=\"url\">", o);
  cli_html_esc(o, r->url);
  fprintf(o,
          "</td><td class=\"nw\">%d</td><td class=\"nw\">%s</td>"
          "<td class=\"nw\">%s</td><td class=\"url\">",
          r->level, r->internal ? S->internal : S->external,
          html_class_name(h, r->klass));
  cli_html_esc(o, host);
  fputs("</td></tr>\n", o);
  return 0;
}

int html_appendix(struct html_ctx *h)
{
  const struct sum_labels *S = S_of(h);
  struct app a;
  size_t i, any = 0;
  int rc = STORE_OK;

  fprintf(h->o, "<section class=\"appendix\">\n<h2>%s</h2>\n", S->appendix);
  for (i = 0; i < h->n && rc == STORE_OK; i++) {
    a.h = h;
    a.s = &h->sites[i];
    a.rows = 0;
    rc = store_links_each(h->st, h->run->id, h->sites[i].idx, app_row, &a);
    if (a.rows)
      fputs("</tbody></table></div>\n", h->o);
    any += a.rows;
  }
  if (!any)
    fprintf(h->o, "<p class=\"none\">%s</p>\n", S->none);
  fputs("</section>\n", h->o);
  return rc;
}
