/* tests/fuzz/fuzz_robots.c - libFuzzer target for the robots.txt parser.
 *
 * Input: the first line is the user agent, the second the "/path?query"
 * to check, the rest the robots.txt body. A missing line counts as empty.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parser/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Copy the line starting at *@pos into a new C string (NULs inside the
 * line end it early, as they would for any C string caller) and move
 * *@pos past its '\n'. NULL on allocation failure. */
static char *take_line(const uint8_t *data, size_t size, size_t *pos)
{
  const uint8_t *nl = NULL;
  size_t start = *pos, n;
  char *s;

  if (start < size)
    nl = memchr(data + start, '\n', size - start);
  n = nl ? (size_t)(nl - (data + start)) : size - start;
  s = malloc(n + 1);
  if (!s)
    return NULL;
  if (n)
    memcpy(s, data + start, n);
  s[n] = '\0';
  *pos = start + n + (nl ? 1 : 0);
  return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct robots *r = NULL;
  char *ua = NULL, *path = NULL;
  size_t pos = 0;
  double delay;

  ua = take_line(data, size, &pos);
  path = take_line(data, size, &pos);
  if (!ua || !path)
    goto out;
  if (robots_parse((const char *)data + pos, size - pos, ua, &r) != PARSE_OK)
    goto out;
  (void)robots_allowed(r, path);
  (void)robots_allowed(r, "/");
  (void)robots_allowed(r, "/robots.txt");
  delay = robots_crawl_delay(r);
  /* robots.c keeps only delays in [0, 86400] */
  if (!(delay >= 0 && delay <= 86400))
    abort();
  if (robots_allowed(NULL, path) != 1)
    abort();
out:
  robots_free(r);
  free(ua);
  free(path);
  return 0;
}
