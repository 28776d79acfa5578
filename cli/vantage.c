/* cli/vantage.c - what the reports say of the vantage point: the check
 * before the run and the outages of this machine's IPv6 during it (the
 * run's vantage records). */
#include "config.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "store/store.h"

/* "2026-12-01T23:40:01Z" of unix milliseconds @ms. */
static void ms_time(char *buf, size_t len, int64_t ms)
{
  cli_time(buf, len, ms / 1000);
}

/* An outage @r (its start @t1, end @t2) in words, English or Chinese. */
static void outage_words(char *buf, size_t len, int zh,
                         const struct store_vantage *r, const char *t1,
                         const char *t2)
{
  const char *how = store_vantage_how_name(r->how);
  double secs = (double)(r->end_ms - r->start_ms) / 1000.0;
  if (r->end_ms && zh)
    snprintf(buf, len,
             "本机 IPv6 中断：%s 至 %s（%.1f 秒），发现方式 %s；%d "
             "个探测恢复后经 IPv6 重新请求，%d 个未检测",
             t1, t2, secs, how, r->reasked, r->unmeasured);
  else if (r->end_ms)
    snprintf(buf, len,
             "IPv6 outage of this machine: %s .. %s (%.1f s), detected by "
             "%s; %d probes asked again over IPv6, %d left unmeasured",
             t1, t2, secs, how, r->reasked, r->unmeasured);
  else if (zh)
    snprintf(buf, len,
             "本机 IPv6 中断：自 %s 起，检测结束时仍未恢复，发现方式 "
             "%s；%d 个探测经 IPv6 重新请求，%d 个未检测",
             t1, how, r->reasked, r->unmeasured);
  else
    snprintf(buf, len,
             "IPv6 outage of this machine: from %s, still down at the end "
             "of the run, detected by %s; %d probes asked again over IPv6, "
             "%d left unmeasured",
             t1, how, r->reasked, r->unmeasured);
}

int cli_vantage_lines(struct store *st, uint32_t run, int zh,
                      void (*line)(void *ud, const char *s), void *ud)
{
  struct store_vantage *v = NULL;
  size_t n = 0, i;
  char buf[1600], t1[32], t2[32];
  int rc = store_vantage_list(st, run, &v, &n);

  if (rc != STORE_OK)
    return rc;
  for (i = 0; i < n; i++) {
    const struct store_vantage *r = &v[i];
    const char *d = r->detail ? r->detail : "-";
    if (r->how == STORE_VANTAGE_START) {
      if (r->ipv4 == 0)
        line(ud, zh ? "警告：检测开始时本机没有 IPv4 连接：IPv4 "
                      "请求无响应的链接记为未检测。"
                    : "WARNING: this machine had no IPv4 connectivity at "
                      "the start: links whose IPv4 request got no response "
                      "are unmeasured.");
      if (r->ipv4 == 0 || r->ipv6 == 0) {
        if (zh)
          snprintf(buf, sizeof(buf), "本机连通性检测：%s", d);
        else
          snprintf(buf, sizeof(buf), "vantage check: %s", d);
        line(ud, buf);
      }
      continue;
    }
    ms_time(t1, sizeof(t1), r->start_ms);
    ms_time(t2, sizeof(t2), r->end_ms);
    outage_words(buf, sizeof(buf), zh, r, t1, t2);
    line(ud, buf);
  }
  store_vantage_free(v, n);
  return STORE_OK;
}

json_t *cli_vantage_json(struct store *st, uint32_t run, int *rc)
{
  struct store_vantage *v = NULL;
  size_t n = 0, i;
  char t[32];
  json_t *o = NULL, *outages;
  int src = store_vantage_list(st, run, &v, &n);

  if (src != STORE_OK) {
    cli_jrc(rc, src);
    return json_null();
  }
  if (!n || v[0].how != STORE_VANTAGE_START) {
    o = json_null();
    goto out;
  }
  o = json_object();
  json_object_set_new(o, "ipv4", cli_jbool3(v[0].ipv4));
  json_object_set_new(o, "ipv6", cli_jbool3(v[0].ipv6));
  ms_time(t, sizeof(t), v[0].start_ms);
  json_object_set_new(o, "checked", cli_jstr(t));
  json_object_set_new(o, "detail", cli_jstr(v[0].detail));
  outages = json_array();
  for (i = 1; i < n; i++) {
    const struct store_vantage *r = &v[i];
    json_t *x = json_object();
    ms_time(t, sizeof(t), r->start_ms);
    json_object_set_new(x, "start", cli_jstr(t));
    ms_time(t, sizeof(t), r->end_ms);
    json_object_set_new(x, "end", cli_jstr(r->end_ms ? t : NULL));
    json_object_set_new(
      x, "seconds",
      cli_jnum(r->end_ms != 0, (double)(r->end_ms - r->start_ms) / 1000.0));
    json_object_set_new(x, "detected",
                        json_string(store_vantage_how_name(r->how)));
    json_object_set_new(x, "reasked", json_integer(r->reasked));
    json_object_set_new(x, "unmeasured", json_integer(r->unmeasured));
    json_object_set_new(x, "detail", cli_jstr(r->detail));
    json_array_append_new(outages, x);
  }
  json_object_set_new(o, "outages", outages);
out:
  store_vantage_free(v, n);
  return o;
}
