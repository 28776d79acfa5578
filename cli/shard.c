/* cli/shard.c - a crawl of one shard of the sites, and the night's name
 * (doc/measurement.md, "Shards and nights"). */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/base.h"
#include "cli/cli.h"

int cli_shard_parse(const char *s, unsigned *k, unsigned *n)
{
  const char *slash = s ? strchr(s, '/') : NULL;
  char kb[16];
  long kv = 0, nv = 0;
  size_t kl;

  if (!slash)
    return -1;
  kl = (size_t)(slash - s);
  if (kl == 0 || kl >= sizeof kb)
    return -1;
  memcpy(kb, s, kl);
  kb[kl] = '\0';
  if (cli_int(kb, 0, 9999, &kv) < 0 || cli_int(slash + 1, 1, 10000, &nv) < 0 ||
      kv >= nv)
    return -1;
  *k = (unsigned)kv;
  *n = (unsigned)nv;
  return 0;
}

unsigned cli_shard_of(const char *url, unsigned n)
{
  /* FNV-1a is fixed by base.h (the store depends on it too): the same
   * URL falls in the same shard on every machine, in every order */
  return (unsigned)(v6_hash_str(url) % n);
}

int cli_label_check(const char *label)
{
  const unsigned char *p;
  size_t n = strlen(label);

  if (n == 0 || n > 200) {
    cli_err("bad --run-label: 1 to 200 bytes");
    return -1;
  }
  for (p = (const unsigned char *)label; *p; p++)
    if (*p < 0x20 || *p == 0x7f) {
      cli_err("bad --run-label: it contains a control character");
      return -1;
    }
  return 0;
}

void cli_label_today(char *buf, size_t len)
{
  time_t now = time(NULL);
  struct tm tm;

  if (!localtime_r(&now, &tm) || strftime(buf, len, "%Y-%m-%d", &tm) == 0)
    snprintf(buf, len, "unnamed");
}
