/* cli/idn.c - IDN hosts in Unicode beside their punycode in the text and
 * JSON outputs. */
#include "config.h"

#include <stdlib.h>

#include "cli/cli.h"
#include "parser/parse.h"

const char *cli_idn(const char *host)
{
  static char *last;

  free(last);
  last = NULL;
  /* out of memory: shown as punycode only */
  if (url_host_unicode(host, &last) != PARSE_OK)
    last = NULL;
  return last;
}
