/* cli/perf.c - the delay and CDN performance figures of the dedicated
 * timing requests (report/timing.c) as JSON and text. */
#include "config.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "report/report.h"
#include "store/store.h"

static json_t *tstat_json(const struct report_tstat *t)
{
  json_t *o = json_object();
  json_object_set_new(o, "n", json_integer(t->n));
  json_object_set_new(o, "median", cli_jnum(t->n > 0, t->median));
  json_object_set_new(o, "q1", cli_jnum(t->n > 0, t->q1));
  json_object_set_new(o, "q3", cli_jnum(t->n > 0, t->q3));
  json_object_set_new(o, "min", cli_jnum(t->n > 0, t->min));
  json_object_set_new(o, "max", cli_jnum(t->n > 0, t->max));
  return o;
}

/* Into @o: "samples", "ok" and per metric in @ks (@nk of them) the two
 * families' statistics with @verdict's pass, and its ratio or share. */
static void metrics_json(json_t *o, const struct report_timing *x,
                         const int *ks, int nk, int perf)
{
  json_t *ok = json_object();
  int i;
  double v = 0;
  json_object_set_new(o, "samples", json_integer(x->samples));
  json_object_set_new(ok, "v6", json_integer(x->ok[0]));
  json_object_set_new(ok, "v4", json_integer(x->ok[1]));
  json_object_set_new(o, "ok", ok);
  for (i = 0; i < nk; i++) {
    int k = ks[i], have, pass;
    json_t *m = json_object();
    json_object_set_new(m, "v6", tstat_json(&x->st[0][k]));
    json_object_set_new(m, "v4", tstat_json(&x->st[1][k]));
    if (perf) {
      have = report_perf_share(x, k, &v) == 0;
      pass = report_perf_verdict(x, k);
    } else {
      have = report_timing_ratio(x, k, &v) == 0;
      pass = report_timing_verdict(x, k);
    }
    json_object_set_new(m, perf ? "share" : "ratio", cli_jnum(have, v));
    json_object_set_new(m, "pass", cli_jbool3(pass));
    json_object_set_new(o, report_tmetric_name[k], m);
  }
}

json_t *cli_timing_json(const struct report_timing *x)
{
  static const int ks[] = {REPORT_T_DNS, REPORT_T_CONNECT, REPORT_T_TLS,
                           REPORT_T_FIRST_BYTE, REPORT_T_TOTAL};
  json_t *o;
  if (!x->have)
    return json_null();
  o = json_object();
  json_object_set_new(o, "object", cli_jstr(x->what));
  json_object_set_new(o, "floor_ms", cli_jnum(1, REPORT_TIMING_FLOOR_MS));
  json_object_set_new(o, "pass", cli_jbool3(report_timing_pass(x)));
  metrics_json(o, x, ks, 5, 0);
  return o;
}

json_t *cli_perf_json(const struct report_perf_site *ps)
{
  static const int ks[] = {REPORT_T_FIRST_BYTE, REPORT_T_THROUGHPUT};
  json_t *a = json_array();
  size_t i, j;
  for (i = 0; i < ps->cs.n; i++) {
    const struct report_perf_use *u = &ps->v[i];
    json_t *p = json_object(), *hosts = json_array();
    json_object_set_new(p, "provider", cli_jstr(u->use->provider));
    json_object_set_new(p, "pass", cli_jbool3(u->pass));
    for (j = 0; j < u->use->n_hosts; j++) {
      json_t *h = json_object();
      json_object_set_new(h, "host", cli_jstr(u->use->hosts[j]));
      json_object_set_new(h, "pass", cli_jbool3(report_perf_pass(&u->h[j])));
      if (u->h[j].have) {
        json_object_set_new(h, "objects", cli_jstr(u->h[j].what));
        metrics_json(h, &u->h[j], ks, 2, 1);
      }
      json_array_append_new(hosts, h);
    }
    json_object_set_new(p, "hosts", hosts);
    json_array_append_new(a, p);
  }
  return a;
}

static const char *verdict_word(int v)
{
  return v < 0 ? "not measured" : v ? "pass" : "FAIL";
}

void cli_text_timing(FILE *o, const char *site, const struct report_timing *x)
{
  int k;
  double r;
  if (!x->have) {
    fprintf(o, "%s: not timed (its homepage host lacks IPv4 or IPv6)\n", site);
    return;
  }
  fprintf(o, "%s: %s, %u samples per family (ok v6 %u, v4 %u): %s\n", site,
          x->what, x->samples, x->ok[0], x->ok[1],
          verdict_word(report_timing_pass(x)));
  for (k = 0; k < REPORT_T_THROUGHPUT; k++) {
    const struct report_tstat *a = &x->st[0][k], *b = &x->st[1][k];
    char ratio[24] = "-";
    if (!a->n || !b->n)
      continue;
    if (report_timing_ratio(x, k, &r) == 0)
      snprintf(ratio, sizeof ratio, "%+.0f%%", r * 100);
    fprintf(o,
            "  %-10s v6 %.3f ms (IQR %.3f-%.3f, min-max %.3f-%.3f, n %u)  "
            "v4 %.3f ms (IQR %.3f-%.3f, min-max %.3f-%.3f, n %u)  %s %s\n",
            report_tmetric_name[k], a->median, a->q1, a->q3, a->min, a->max,
            a->n, b->median, b->q1, b->q3, b->min, b->max, b->n, ratio,
            verdict_word(report_timing_verdict(x, k)));
  }
}

void cli_text_perf(FILE *o, const char *site, const struct report_perf_site *ps)
{
  size_t i, j;
  double s1, s2;
  for (i = 0; i < ps->cs.n; i++) {
    const struct report_perf_use *u = &ps->v[i];
    fprintf(o, "%s: %s: %s\n", site, u->use->provider, verdict_word(u->pass));
    for (j = 0; j < u->use->n_hosts; j++) {
      const struct report_timing *x = &u->h[j];
      char fb[16] = "-", tp[16] = "-";
      if (!x->have) {
        fprintf(o,
                "  %s: not timed (no usable address of both families, or "
                "no object that worked on both)\n",
                cli_tx(u->use->hosts[j]));
        continue;
      }
      if (report_perf_share(x, REPORT_T_FIRST_BYTE, &s1) == 0)
        snprintf(fb, sizeof fb, "%.0f%%", s1 * 100);
      if (report_perf_share(x, REPORT_T_THROUGHPUT, &s2) == 0)
        snprintf(tp, sizeof tp, "%.0f%%", s2 * 100);
      fprintf(o,
              "  %s: first byte v6 %.3f ms v4 %.3f ms (IPv6 at %s of IPv4, "
              "%s); throughput v6 %.0f B/s v4 %.0f B/s (%s, %s); %u "
              "samples\n",
              cli_tx(u->use->hosts[j]), x->st[0][REPORT_T_FIRST_BYTE].median,
              x->st[1][REPORT_T_FIRST_BYTE].median, fb,
              verdict_word(report_perf_verdict(x, REPORT_T_FIRST_BYTE)),
              x->st[0][REPORT_T_THROUGHPUT].median,
              x->st[1][REPORT_T_THROUGHPUT].median, tp,
              verdict_word(report_perf_verdict(x, REPORT_T_THROUGHPUT)),
              x->samples);
    }
  }
}

/* One "median (IQR q1-q3, min-max a-b)" cell of @t in @unit. */
static void html_stat(FILE *o, int zh, const struct report_tstat *t,
                      double scale, const char *unit)
{
  if (!t->n) {
    fputs("<td>-</td>", o);
    return;
  }
  fprintf(o,
          zh ? "<td>%.3f %s <small>\uff08\u56db\u5206\u4f4d %.3f-%.3f\uff0c"
               "\u8303\u56f4 %.3f-%.3f\uff09</small></td>"
             : "<td>%.3f %s <small>(IQR %.3f-%.3f, min-max %.3f-%.3f)</small>"
               "</td>",
          t->median * scale, unit, t->q1 * scale, t->q3 * scale, t->min * scale,
          t->max * scale);
}

/* The name of timing metric @k on the HTML page. */
static const char *html_metric(int zh, int k)
{
  static const char *const zh_names[REPORT_T__N] = {
    "DNS \u89e3\u6790",   "TCP \u8fde\u63a5",   "TLS \u63e1\u624b",
    "\u9996\u5b57\u8282", "\u603b\u65f6\u95f4", "\u541e\u5410\u91cf"};
  return zh ? zh_names[k] : report_tmetric_name[k];
}

static const char *html_verdict(int zh, int v)
{
  if (v < 0)
    return "-";
  if (zh)
    return v ? "\u8fbe\u6807" : "<b>\u672a\u8fbe\u6807</b>";
  return v ? "pass" : "<b>fail</b>";
}

int cli_html_timing(FILE *o, int zh, struct store *st, uint32_t run,
                    uint32_t site, const struct report_cdn_table *t,
                    void (*esc)(FILE *o, const char *s))
{
  struct report_timing x;
  struct report_perf_site ps;
  size_t i, j;
  int k, rc;

  memset(&ps, 0, sizeof ps);
  rc = report_timing_site(st, run, site, &x);
  if (rc != STORE_OK || !x.have)
    goto perf;
  fprintf(o, "<h3>%s</h3>\n<p class=\"note\">",
          zh ? "\u9996\u9875\u65f6\u5ef6\uff08IPv6 \u5bf9 IPv4\uff09"
             : "Homepage delay (IPv6 against IPv4)");
  fputs("<span class=\"data\">", o);
  esc(o, x.what);
  fputs("</span>", o);
  fprintf(
    o,
    zh ? "\uff1a\u6bcf\u4e2a\u534f\u8bae %u \u6b21\u8bf7\u6c42"
         "\uff08%u \u4e2a\u6837\u672c\uff09\uff0c\u4e2d\u4f4d\u6570\u76f8\u5dee"
         "\u4e0d\u8d85\u8fc7 %g ms \u6216 20%% \u4e3a\u8fbe\u6807\u3002"
       : ": %u requests per family (%u samples) on fresh connections; "
         "IPv6's median within %g ms or 20%% of IPv4's passes.",
    x.samples, x.samples, REPORT_TIMING_FLOOR_MS);
  fputs("</p>\n<table class=\"timing\"><thead><tr><th></th><th>IPv6</th>"
        "<th>IPv4</th><th>IPv6/IPv4 - 1</th><th></th></tr></thead><tbody>\n",
        o);
  for (k = 0; k < REPORT_T_THROUGHPUT; k++) {
    double r;
    if (!x.st[0][k].n && !x.st[1][k].n)
      continue;
    fprintf(o, "<tr><th>%s</th>", html_metric(zh, k));
    html_stat(o, zh, &x.st[0][k], 1, "ms");
    html_stat(o, zh, &x.st[1][k], 1, "ms");
    if (report_timing_ratio(&x, k, &r) == 0)
      fprintf(o, "<td>%+.0f%%</td>", r * 100);
    else
      fputs("<td>-</td>", o);
    fprintf(o, "<td>%s</td></tr>\n",
            html_verdict(zh, report_timing_verdict(&x, k)));
  }
  fputs("</tbody></table>\n", o);
perf:
  report_timing_cleanup(&x);
  if (rc != STORE_OK || !t)
    return rc;
  rc = report_perf_site_build(st, run, site, t, &ps);
  if (rc != STORE_OK || !ps.cs.n)
    goto out;
  fprintf(o,
          "<h3>%s</h3>\n<table class=\"perf\"><thead><tr><th>%s</th>"
          "<th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead>"
          "<tbody>\n",
          zh ? "CDN \u52a0\u901f\u6027\u80fd\uff08IPv6 \u8fbe\u5230 IPv4 "
               "\u7684 85% \u4ee5\u4e0a\uff09"
             : "CDN performance (IPv6 at least 85% of IPv4)",
          zh ? "\u670d\u52a1\u5546 / \u4e3b\u673a" : "Provider / host",
          zh ? "\u9996\u5b57\u8282 IPv6 / IPv4" : "First byte IPv6 / IPv4",
          zh ? "\u541e\u5410\u91cf IPv6 / IPv4" : "Throughput IPv6 / IPv4",
          zh ? "\u6837\u672c" : "Samples", zh ? "\u7ed3\u679c" : "Verdict");
  for (i = 0; i < ps.cs.n; i++) {
    const struct report_perf_use *u = &ps.v[i];
    fputs("<tr><th>", o);
    esc(o, u->use->provider);
    fprintf(o, "</th><td></td><td></td><td></td><td>%s</td></tr>\n",
            html_verdict(zh, u->pass));
    for (j = 0; j < u->use->n_hosts; j++) {
      const struct report_timing *h = &u->h[j];
      fputs("<tr><td class=\"url\">", o);
      esc(o, u->use->hosts[j]);
      fputs("</td>", o);
      if (h->have)
        fprintf(o,
                zh ? "<td>%.3f / %.3f ms</td><td>%.2f / %.2f MB/s</td>"
                     "<td>%u \u4e2a\u6837\u672c</td>"
                   : "<td>%.3f / %.3f ms</td><td>%.2f / %.2f MB/s</td>"
                     "<td>%u samples</td>",
                h->st[0][REPORT_T_FIRST_BYTE].median,
                h->st[1][REPORT_T_FIRST_BYTE].median,
                h->st[0][REPORT_T_THROUGHPUT].median / 1e6,
                h->st[1][REPORT_T_THROUGHPUT].median / 1e6, h->samples);
      else
        fputs("<td>-</td><td>-</td><td>-</td>", o);
      fprintf(o, "<td>%s</td></tr>\n", html_verdict(zh, report_perf_pass(h)));
    }
  }
  fputs("</tbody></table>\n", o);
out:
  report_perf_site_cleanup(&ps);
  return rc;
}
