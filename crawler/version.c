/* crawler/version.c - the versions of the crawler's libraries, for
 * `v6crawl --version`. */
#include "config.h"

#include <stdio.h>

#include <ares.h>
#include <curl/curl.h>

#include "crawler/crawl.h"

void crawl_versions(char *buf, size_t len)
{
  const curl_version_info_data *c = curl_version_info(CURLVERSION_NOW);

  snprintf(buf, len, "libcurl %s%s%s%s\nc-ares %s\n", c->version,
           c->ssl_version ? " (" : "", c->ssl_version ? c->ssl_version : "",
           c->ssl_version ? ")" : "", ares_version(NULL));
}
