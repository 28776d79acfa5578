/* cli/json.c - the JSON documents (report, links, fixes, runs, diff, prune),
 * built with jansson and written once.
 *
 * How a document is made (keep to it when adding a section):
 *
 *   - Each section is built by a function returning a new json_t * (a new
 *     reference the caller owns): cli_deleg_json(), cli_vantage_json(),
 *     cli_score_json(), ... One that reads the store takes an `int *rc` as
 *     its last argument and passes the store code of a failed read to
 *     cli_jrc(rc, src) (the first failure sticks); it then returns json
 *     null or what it has.
 *   - A command starts the document with cli_jdoc("report") (schema_version,
 *     generator and which document it is), adds the run with
 *     cli_run_json(), adds every section with one line, and writes the
 *     document with cli_jdump(), which also frees it:
 *
 *         json_object_set_new(doc, "name", cli_x_json(..., &rc));
 *
 *   - Every string goes in through cli_jstr (never json_string): crawled
 *     text need not be UTF-8, and cli_jstr replaces what is not. Numbers
 *     that may be missing through cli_jnum (null), three-valued flags
 *     through cli_jbool3, lists through cli_jlist (an array, never a
 *     comma-joined string), times through cli_jtime.
 *   - Out of memory needs no check at each call: jansson allocates through
 *     this file's allocator, which remembers a failure, and cli_jdump
 *     then writes nothing and returns STORE_NOMEM (json_object_set_new
 *     takes a NULL value and returns -1 without harm).
 *   - A new key is added to doc/v6crawl.schema.json in the same commit: the
 *     integration tests validate every document against it. Adding a key
 *     keeps CLI_JSON_SCHEMA_VERSION; removing or retyping one bumps it.
 */
#include "config.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "store/store.h"

/* ---- allocation --------------------------------------------------------
 */

static int jalloc_failed;

static void *jalloc(size_t n)
{
  void *p = malloc(n);
  if (!p)
    jalloc_failed = 1;
  return p;
}

/* ---- values --------------------------------------------------------------
 */

/* The length of the valid UTF-8 sequence at @p (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or 0. */
static size_t utf8_len(const unsigned char *p)
{
  if (p[0] < 0x80)
    return 1;
  if (p[0] >= 0xc2 && p[0] <= 0xdf)
    return (p[1] & 0xc0) == 0x80 ? 2 : 0;
  if (p[0] >= 0xe0 && p[0] <= 0xef) {
    if ((p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80)
      return 0;
    if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] > 0x9f))
      return 0;
    return 3;
  }
  if (p[0] >= 0xf0 && p[0] <= 0xf4) {
    if ((p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 || (p[3] & 0xc0) != 0x80)
      return 0;
    if ((p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] > 0x8f))
      return 0;
    return 4;
  }
  return 0;
}

char *cli_utf8_fix(const char *s)
{
  const unsigned char *p;
  size_t need = 1, k;
  char *o, *w;

  for (p = (const unsigned char *)s; *p; p += k ? k : 1) {
    k = utf8_len(p);
    need += k ? k : 3;
  }
  o = w = malloc(need);
  if (!o)
    return NULL;
  for (p = (const unsigned char *)s; *p; p += k ? k : 1) {
    k = utf8_len(p);
    if (k) {
      memcpy(w, p, k);
      w += k;
    } else {
      memcpy(w, "\xef\xbf\xbd", 3); /* U+FFFD for each bad byte */
      w += 3;
    }
  }
  *w = '\0';
  return o;
}

json_t *cli_jstr(const char *s)
{
  json_t *v;
  char *fixed;

  if (!s)
    return json_null();
  v = json_string(s); /* NULL when @s is not valid UTF-8 */
  if (v || jalloc_failed)
    return v;
  fixed = cli_utf8_fix(s);
  if (!fixed) {
    jalloc_failed = 1;
    return NULL;
  }
  v = json_string(fixed);
  free(fixed);
  return v;
}

json_t *cli_jnum(int ok, double v)
{
  if (!ok || !isfinite(v))
    return json_null();
  /* a whole number is written as one ("5", not "5.0"), as before jansson */
  if (v == floor(v) && fabs(v) < 9007199254740992.0)
    return json_integer((json_int_t)v);
  return json_real(v);
}

json_t *cli_jbool3(int v)
{
  return v < 0 ? json_null() : json_boolean(v);
}

json_t *cli_jlist(const char *s, const char *sep)
{
  json_t *a = json_array();
  const char *p = s;
  size_t sl = strlen(sep);

  while (a && p && *p) {
    const char *e = strstr(p, sep);
    size_t len = e ? (size_t)(e - p) : strlen(p);
    char *item = strndup(p, len);
    if (!item)
      jalloc_failed = 1;
    json_array_append_new(a, cli_jstr(item));
    free(item);
    p = e ? e + sl : NULL;
  }
  return a;
}

json_t *cli_jtime(int64_t t)
{
  char buf[32];

  if (!t)
    return json_null();
  cli_time(buf, sizeof buf, t);
  return cli_jstr(buf);
}

/* The kinds of hop line (attempt.c's log_line): "STATUS URL",
 * "ERR why URL", "ROBOTS why URL". */
static json_t *hop_json(char *line)
{
  static const struct {
    const char *word, *kind;
  } kinds[] = {{"ERR ", "error"}, {"ROBOTS ", "robots"}};
  json_t *h = json_object();
  const char *kind = "other", *why = line;
  char *sp = strrchr(line, ' ');
  long status = -1;
  size_t k;

  /* the URL is the last word (a URL has no space) */
  if (sp)
    *sp = '\0';
  for (k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
    if (strncmp(line, kinds[k].word, strlen(kinds[k].word)) == 0) {
      kind = kinds[k].kind;
      why = line + strlen(kinds[k].word);
    }
  if (cli_int(line, 100, 999, &status) == 0) {
    kind = "response";
    why = NULL;
  }
  json_object_set_new(h, "kind", json_string(kind));
  json_object_set_new(h, "status",
                      status >= 0 ? json_integer(status) : json_null());
  json_object_set_new(h, "error", cli_jstr(why));
  json_object_set_new(h, "url", cli_jstr(sp ? sp + 1 : NULL));
  return h;
}

json_t *cli_jhops(const char *hops)
{
  json_t *a = json_array();
  const char *p = hops;

  while (a && p && *p) {
    const char *e = strchr(p, '\n');
    char *line = strndup(p, e ? (size_t)(e - p) : strlen(p));

    if (!line)
      jalloc_failed = 1;
    else
      json_array_append_new(a, hop_json(line));
    free(line);
    p = e ? e + 1 : NULL;
  }
  return a;
}

void cli_jrc(int *rc, int src)
{
  if (*rc == STORE_OK)
    *rc = src;
}

/* ---- documents -----------------------------------------------------------
 */

json_t *cli_jdoc(const char *document)
{
  json_t *doc, *gen;

  json_set_alloc_funcs(jalloc, free);
  doc = json_object();
  json_object_set_new(doc, "schema_version",
                      json_integer(CLI_JSON_SCHEMA_VERSION));
  gen = json_object();
  json_object_set_new(gen, "name", json_string(PACKAGE_NAME));
  json_object_set_new(gen, "version", json_string(PACKAGE_VERSION));
  json_object_set_new(doc, "generator", gen);
  json_object_set_new(doc, "document", json_string(document));
  return doc;
}

/* "complete"; "interrupted" (stopped: Ctrl-C, SIGTERM, a failure); or
 * "unfinished": no end recorded, so running now or killed (kill -9, a
 * crash). `crawl --resume` continues the last two kinds. */
const char *cli_run_state(const struct store_run *r)
{
  if (r->complete)
    return "complete";
  return r->finished ? "interrupted" : "unfinished";
}

json_t *cli_run_json(struct store *st, const struct store_run *r, int *rc)
{
  json_t *o = json_object();

  json_object_set_new(o, "id", json_integer(r->id));
  json_object_set_new(o, "started", cli_jtime(r->started));
  json_object_set_new(o, "finished", cli_jtime(r->finished));
  json_object_set_new(o, "complete", json_boolean(r->complete));
  json_object_set_new(o, "state", json_string(cli_run_state(r)));
  json_object_set_new(o, "vantage_ipv6", cli_jbool3(r->vantage_ipv6));
  json_object_set_new(o, "sites", json_integer(r->n_sites));
  json_object_set_new(o, "vantage", cli_vantage_json(st, r->id, rc));
  return o;
}

/* Write @s (@n bytes, jansson's output: UTF-8, C0 already escaped) with
 * DEL and the C1 controls escaped too, so that the document is as safe on
 * a terminal as the text report, and every \uXXXX in lower case as v6crawl
 * wrote them before jansson ("\u001b"). Outside strings JSON is ASCII
 * without them, so every such byte is inside a string; a backslash always
 * starts an escape. */
static void write_safe(FILE *o, const char *s, size_t n)
{
  const unsigned char *p = (const unsigned char *)s, *end = p + n;
  int k;

  for (; p < end; p++) {
    if (*p == '\\' && p + 5 < end && p[1] == 'u') {
      fputs("\\u", o);
      for (k = 2; k < 6; k++)
        fputc(p[k] >= 'A' && p[k] <= 'F' ? p[k] - 'A' + 'a' : p[k], o);
      p += 5;
    } else if (*p == '\\' && p + 1 < end) {
      fputc(*p++, o);
      fputc(*p, o);
    } else if (*p == 0x7f) {
      fputs("\\u007f", o);
    } else if (p[0] == 0xc2 && p + 1 < end && p[1] >= 0x80 && p[1] <= 0x9f) {
      fprintf(o, "\\u%04x", p[1]);
      p++;
    } else {
      fputc(*p, o);
    }
  }
}

/* json_dump_callback's writer: jansson hands over whole escapes and
 * whole UTF-8 sequences, so each piece is escaped on its own. */
static int dump_piece(const char *buf, size_t size, void *ud)
{
  write_safe(ud, buf, size);
  return 0;
}

int cli_jdump(FILE *o, json_t *doc)
{
  int rc = STORE_NOMEM;

  /* nothing is written from a document that is missing a part */
  if (!doc || jalloc_failed)
    goto out;
  /* streamed: the text of a large links document is never in memory */
  if (json_dump_callback(doc, dump_piece, o,
                         JSON_INDENT(1) | JSON_REAL_PRECISION(12)) != 0 ||
      jalloc_failed)
    goto out;
  fputc('\n', o);
  rc = STORE_OK;
out:
  json_decref(doc);
  return rc;
}
