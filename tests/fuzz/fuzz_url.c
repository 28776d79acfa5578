/* tests/fuzz/fuzz_url.c - libFuzzer target for url_resolve_n and friends.
 *
 * Input: the bytes before the first '\n' are the base URL, the rest the
 * href (which may hold NULs, hence url_resolve_n). Without a '\n' the whole
 * input is the href. The href is resolved without and with the base; each
 * success must satisfy the invariants below, and abort() otherwise so the
 * fuzzer reports it:
 * - the result holds no NUL and, for http(s), resolves to itself again
 *   (with or without a base: it is absolute), i.e. resolution is
 *   idempotent;
 * - url_view_parse accepts it, with a non-empty host, a path starting with
 *   '/' and a port in 0..65535 (":0" is valid);
 * - the host lies inside its own registrable domain.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parser/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_view(const char *url)
{
  struct url_view v;
  char *rd = NULL;
  int rc;

  rc = url_view_parse(url, &v);
  if (rc == PARSE_NOMEM)
    return;
  if (!url_is_http(url)) {
    if (rc == PARSE_OK)
      url_view_cleanup(&v);
    return;
  }
  if (rc != PARSE_OK)
    abort();
  if (!v.host[0] || v.path_query[0] != '/' || v.port < 0 || v.port > 65535)
    abort();
  if (strncmp(v.origin, v.scheme, strlen(v.scheme)))
    abort();
  if (url_registrable_domain(v.host, &rd) == PARSE_OK) {
    if (!url_host_in_domain(v.host, rd))
      abort();
    free(rd);
  }
  url_view_cleanup(&v);
}

static void check_result(const char *base, const char *url, int flags)
{
  char *again = NULL;
  int rc;

  check_view(url);
  if (!url_is_http(url))
    return;
  rc = url_resolve(NULL, url, NULL, flags, &again);
  if (rc == PARSE_NOMEM)
    return;
  if (rc != PARSE_OK || strcmp(again, url))
    abort();
  free(again);
  if (!base)
    return;
  rc = url_resolve(base, url, NULL, flags, &again);
  if (rc == PARSE_NOMEM)
    return;
  if (rc != PARSE_OK || strcmp(again, url))
    abort();
  free(again);
}

static void resolve(const char *base, const char *href, size_t n,
                    const char *charset, int flags)
{
  char *out = NULL;
  int rc;

  rc = url_resolve_n(base, href, n, charset, flags, &out);
  if (rc != PARSE_OK) {
    if (out)
      abort();
    return;
  }
  if (!out)
    abort();
  check_result(base, out, flags);
  free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const uint8_t *nl = size ? memchr(data, '\n', size) : NULL;
  const char *href = (const char *)data;
  size_t href_len = size;
  char *base = NULL;

  if (nl) {
    size_t bn = (size_t)(nl - data);
    base = malloc(bn + 1);
    if (!base)
      return 0;
    memcpy(base, data, bn);
    base[bn] = '\0';
    href = (const char *)nl + 1;
    href_len = size - bn - 1;
  }
  resolve(NULL, href, href_len, NULL, URL_KEEP_FRAGMENT);
  if (base) {
    resolve(base, href, href_len, NULL, 0);
    resolve(base, href, href_len, "gbk", URL_KEEP_FRAGMENT);
  }
  free(base);
  return 0;
}
