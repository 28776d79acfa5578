/* parser/version.c - the versions of the parser's libraries, for
 * `v6crawl --version`. */
#include "config.h"

#include <stdio.h>
#include <time.h>

#include <idn2.h>
#include <libpsl.h>
#include <uriparser/Uri.h>

#include "parser/parse.h"

void parse_versions(char *buf, size_t len)
{
  char date[32] = "unknown";
  time_t t = psl_builtin_file_time();
  struct tm tm;

  /* the list libpsl was built with, the one parser/host.c uses */
  if (t > 0 && gmtime_r(&t, &tm))
    strftime(date, sizeof date, "%Y-%m-%d", &tm);
  snprintf(buf, len,
           "gumbo %s\nuriparser %d.%d.%d%s\nlibidn2 %s\nlibpsl %s\n"
           "public suffix list %s (built into libpsl)\n",
           GUMBO_VERSION_TEXT, URI_VER_MAJOR, URI_VER_MINOR, URI_VER_RELEASE,
           URI_VER_SUFFIX_ANSI, idn2_check_version(NULL), psl_get_version(),
           date);
}
