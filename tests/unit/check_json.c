/* tests/unit/check_json.c - cli/json.c: every string becomes valid UTF-8
 * JSON (bytes that are not UTF-8, such as a GBK name, replaced by
 * U+FFFD), control characters are escaped, numbers stay numbers, lists
 * and hops become arrays. Documents are dumped to a memory stream and
 * parsed back with jansson. No network, no store. */
#include "config.h"

#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "store/store.h"
#include "tests/unit/check_run.h"

/* cli_jdump of @doc into a string the caller frees. */
static char *dump(json_t *doc)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);

  ck_assert_ptr_nonnull(f);
  ck_assert_int_eq(cli_jdump(f, doc), STORE_OK);
  fclose(f);
  return buf;
}

/* A document with one key "v" of value @v, dumped and parsed back: the
 * parsed "v" (a new reference), and its text in *@text (freed by the
 * caller). */
static json_t *round_trip(json_t *v, char **text)
{
  json_t *doc = cli_jdoc("report"), *back, *got;
  json_error_t err;

  json_object_set_new(doc, "v", v);
  *text = dump(doc);
  back = json_loads(*text, 0, &err);
  ck_assert_msg(back != NULL, "not JSON: %s: %s", err.text, *text);
  got = json_incref(json_object_get(back, "v"));
  json_decref(back);
  return got;
}

START_TEST(gbk_replaced)
{
  /* "示范" in GBK: ca be b7 b6. ca be happens to be valid UTF-8 (U+02BE)
   * and is kept; b7 and b6 are stray continuation bytes, replaced: the
   * bytes are not guessed to be GBK (the sites file is decoded when it is
   * read; what reaches JSON unconverted is only made valid) */
  static const char gbk[] = "\xca\xbe\xb7\xb6 univ";
  char *text;
  json_t *v = round_trip(cli_jstr(gbk), &text);

  ck_assert(json_is_string(v));
  ck_assert_str_eq(json_string_value(v),
                   "\xca\xbe\xef\xbf\xbd\xef\xbf\xbd univ");
  json_decref(v);
  free(text);
}
END_TEST

START_TEST(utf8_kept)
{
  char *text;
  json_t *v = round_trip(cli_jstr("示范大学 \xf0\xa0\xae\xb7"), &text);

  ck_assert_str_eq(json_string_value(v), "示范大学 \xf0\xa0\xae\xb7");
  /* not escaped: JSON_ENSURE_ASCII is off */
  ck_assert_ptr_nonnull(strstr(text, "示范大学"));
  json_decref(v);
  free(text);
}
END_TEST

START_TEST(bad_sequences)
{
  /* overlong "/", a surrogate, beyond U+10FFFF, a cut 3-byte sequence */
  static const struct {
    const char *in, *out;
  } c[] = {
    {"a\xc0\xafz", "a\xef\xbf\xbd\xef\xbf\xbdz"},
    {"\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
    {"\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
    {"x\xe4\xb8", "x\xef\xbf\xbd\xef\xbf\xbd"}};
  size_t i;

  for (i = 0; i < sizeof c / sizeof c[0]; i++) {
    char *fixed = cli_utf8_fix(c[i].in);
    ck_assert_str_eq(fixed, c[i].out);
    free(fixed);
  }
}
END_TEST

START_TEST(controls_escaped)
{
  char *text;
  json_t *v = round_trip(cli_jstr("a\x1b]0;T\x07 \x7f \xc2\x9b end"), &text);

  /* C0 by jansson, DEL and C1 by cli_jdump: no raw control byte */
  ck_assert_ptr_nonnull(strstr(text, "\\u001b"));
  ck_assert_ptr_nonnull(strstr(text, "\\u007f"));
  ck_assert_ptr_nonnull(strstr(text, "\\u009b"));
  ck_assert_ptr_null(strchr(text, 0x1b));
  ck_assert_ptr_null(strchr(text, 0x7f));
  ck_assert_ptr_null(strstr(text, "\xc2\x9b"));
  ck_assert_str_eq(json_string_value(v), "a\x1b]0;T\x07 \x7f \xc2\x9b end");
  json_decref(v);
  free(text);
  /* a backslash of the text itself is no escape to lower-case */
  v = round_trip(cli_jstr("lit \\u00AB \\\x1b"), &text);
  ck_assert_str_eq(json_string_value(v), "lit \\u00AB \\\x1b");
  json_decref(v);
  free(text);
}
END_TEST

START_TEST(numbers)
{
  char *text;
  json_t *v;

  v = round_trip(cli_jnum(1, -0.0237), &text);
  ck_assert(json_is_real(v));
  ck_assert(json_real_value(v) == -0.0237);
  json_decref(v);
  free(text);
  v = round_trip(cli_jnum(1, 5.0), &text);
  ck_assert(json_is_integer(v)); /* "5", as before jansson */
  ck_assert_int_eq(json_integer_value(v), 5);
  json_decref(v);
  free(text);
  v = round_trip(cli_jnum(0, 1.0), &text);
  ck_assert(json_is_null(v));
  json_decref(v);
  free(text);
  v = round_trip(cli_jnum(1, 0.0 / 0.0), &text);
  ck_assert(json_is_null(v));
  json_decref(v);
  free(text);
}
END_TEST

START_TEST(lists_and_hops)
{
  char *text;
  json_t *v, *h;

  v = round_trip(cli_jlist("ns1.x.cn,ns2.x.cn", ","), &text);
  ck_assert_int_eq(json_array_size(v), 2);
  ck_assert_str_eq(json_string_value(json_array_get(v, 1)), "ns2.x.cn");
  json_decref(v);
  free(text);
  v = round_trip(cli_jlist(NULL, ","), &text);
  ck_assert(json_is_array(v));
  ck_assert_int_eq(json_array_size(v), 0);
  json_decref(v);
  free(text);
  v = round_trip(cli_jhops("301 http://a.cn/\nERR connect timeout after 5 "
                           "ms http://b.cn/x\nROBOTS disallowed by "
                           "robots.txt http://c.cn/p"),
                 &text);
  ck_assert_int_eq(json_array_size(v), 3);
  h = json_array_get(v, 0);
  ck_assert_str_eq(json_string_value(json_object_get(h, "kind")), "response");
  ck_assert_int_eq(json_integer_value(json_object_get(h, "status")), 301);
  ck_assert(json_is_null(json_object_get(h, "error")));
  ck_assert_str_eq(json_string_value(json_object_get(h, "url")),
                   "http://a.cn/");
  h = json_array_get(v, 1);
  ck_assert_str_eq(json_string_value(json_object_get(h, "kind")), "error");
  ck_assert(json_is_null(json_object_get(h, "status")));
  ck_assert_str_eq(json_string_value(json_object_get(h, "error")),
                   "connect timeout after 5 ms");
  ck_assert_str_eq(json_string_value(json_object_get(h, "url")),
                   "http://b.cn/x");
  h = json_array_get(v, 2);
  ck_assert_str_eq(json_string_value(json_object_get(h, "kind")), "robots");
  ck_assert_str_eq(json_string_value(json_object_get(h, "error")),
                   "disallowed by robots.txt");
  json_decref(v);
  free(text);
}
END_TEST

START_TEST(document_head)
{
  json_t *doc = cli_jdoc("links"), *back;
  char *text = dump(doc);

  back = json_loads(text, 0, NULL);
  ck_assert_ptr_nonnull(back);
  ck_assert_int_eq(json_integer_value(json_object_get(back, "schema_version")),
                   CLI_JSON_SCHEMA_VERSION);
  ck_assert_str_eq(json_string_value(json_object_get(
                     json_object_get(back, "generator"), "name")),
                   "v6crawl");
  ck_assert_str_eq(json_string_value(json_object_get(
                     json_object_get(back, "generator"), "version")),
                   PACKAGE_VERSION);
  ck_assert_str_eq(json_string_value(json_object_get(back, "document")),
                   "links");
  json_decref(back);
  free(text);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("json");
  TCase *tc = tcase_create("json");

  tcase_add_test(tc, gbk_replaced);
  tcase_add_test(tc, utf8_kept);
  tcase_add_test(tc, bad_sequences);
  tcase_add_test(tc, controls_escaped);
  tcase_add_test(tc, numbers);
  tcase_add_test(tc, lists_and_hops);
  tcase_add_test(tc, document_head);
  suite_add_tcase(s, tc);
  return check_run(s);
}
