/* parser/idn.c - an IDN host's Unicode form, for the outputs that show
 * it beside the punycode the store keeps. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <idn2.h>

#include "parser/parse.h"

/* Whether @host has a label that starts with "xn--". */
static int has_alabel(const char *host)
{
  const char *p = host;

  for (;;) {
    if (strncasecmp(p, "xn--", 4) == 0)
      return 1;
    p = strchr(p, '.');
    if (!p)
      return 0;
    p++;
  }
}

int url_host_unicode(const char *host, char **out)
{
  char *u = NULL, *back = NULL;
  int rc = PARSE_OK;

  *out = NULL;
  if (!host || !has_alabel(host))
    return PARSE_OK;
  /* shown only when it encodes back to the same name: no deceptive or
   * invalid decoding is printed as the host */
  if (idn2_to_unicode_8z8z(host, &u, 0) != IDN2_OK || !u ||
      idn2_to_ascii_8z(u, &back, IDN2_NONTRANSITIONAL) != IDN2_OK || !back ||
      strcasecmp(back, host) != 0)
    goto out;
  *out = strdup(u);
  if (!*out)
    rc = PARSE_NOMEM;
out:
  idn2_free(u);
  idn2_free(back);
  return rc;
}
