/* tests/unit/check_robots.c - robots.txt parsing and matching. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "parser/parse.h"
#include "tests/unit/check_run.h"

#define UA "v6crawl/0.1 (+https://example.cn/bot)"

static struct robots *r;

static void load(const char *body, const char *ua)
{
  ck_assert_int_eq(robots_parse(body, strlen(body), ua, &r), PARSE_OK);
  ck_assert_ptr_nonnull(r);
}

static void teardown(void)
{
  robots_free(r);
  r = NULL;
}

START_TEST(robots_null_allows_everything)
{
  ck_assert_int_eq(robots_allowed(NULL, "/x"), 1);
  ck_assert(robots_crawl_delay(NULL) == 0);
}
END_TEST

START_TEST(robots_empty_file_allows)
{
  load("", "FooBot");
  ck_assert_int_eq(robots_allowed(r, "/"), 1);
}
END_TEST

START_TEST(robots_star_fallback)
{
  load("User-agent: *\nDisallow: /private\n", "FooBot");
  ck_assert_int_eq(robots_allowed(r, "/private/x"), 0);
  ck_assert_int_eq(robots_allowed(r, "/public"), 1);
}
END_TEST

START_TEST(robots_specific_group_beats_star)
{
  load("User-agent: *\nDisallow: /\n\nUser-agent: foobot\nAllow: /\n",
       "FooBot/2.1");
  ck_assert_int_eq(robots_allowed(r, "/anything"), 1);
}
END_TEST

START_TEST(robots_consecutive_agents_share_group)
{
  load("User-agent: FooBot\n\nUser-agent: *\nDisallow: /\n", "FooBot");
  /* FooBot and * share one group here (no rule between them) */
  ck_assert_int_eq(robots_allowed(r, "/x"), 0);
  robots_free(r);
  r = NULL;
  load("User-agent: FooBot\nCrawl-delay: 1\nUser-agent: *\nDisallow: /\n",
       "BarBot");
  ck_assert_int_eq(robots_allowed(r, "/x"), 0);
}
END_TEST

START_TEST(robots_groups_for_same_agent_merged)
{
  load("User-agent: FooBot\nDisallow: /a\n\nUser-agent: *\nDisallow: /\n\n"
       "User-agent: FooBot\nDisallow: /b\n",
       "FooBot");
  ck_assert_int_eq(robots_allowed(r, "/a"), 0);
  ck_assert_int_eq(robots_allowed(r, "/b"), 0);
  ck_assert_int_eq(robots_allowed(r, "/c"), 1);
}
END_TEST

START_TEST(robots_longest_match_wins)
{
  load("User-agent: *\nDisallow: /a\nAllow: /a/b\nDisallow: /a/b/c\n",
       "FooBot");
  ck_assert_int_eq(robots_allowed(r, "/a/x"), 0);
  ck_assert_int_eq(robots_allowed(r, "/a/b/x"), 1);
  ck_assert_int_eq(robots_allowed(r, "/a/b/c/x"), 0);
}
END_TEST

START_TEST(robots_allow_wins_tie)
{
  load("User-agent: *\nDisallow: /page\nAllow: /page\n", "FooBot");
  ck_assert_int_eq(robots_allowed(r, "/page"), 1);
}
END_TEST

START_TEST(robots_wildcard_and_anchor)
{
  load("User-agent: *\nDisallow: /*.pdf$\nDisallow: /tmp*/x\n", "FooBot");
  ck_assert_int_eq(robots_allowed(r, "/doc/a.pdf"), 0);
  ck_assert_int_eq(robots_allowed(r, "/doc/a.pdf?download=1"), 1);
  ck_assert_int_eq(robots_allowed(r, "/tmp123/x"), 0);
  ck_assert_int_eq(robots_allowed(r, "/tmp123/y"), 1);
}
END_TEST

START_TEST(robots_query_is_matched)
{
  load("User-agent: *\nDisallow: /search?q=\n", "FooBot");
  ck_assert_int_eq(robots_allowed(r, "/search?q=x"), 0);
  ck_assert_int_eq(robots_allowed(r, "/search"), 1);
}
END_TEST

START_TEST(robots_percent_encoding_normalised)
{
  load("User-agent: *\nDisallow: /%e6%96%b0\nDisallow: /\xe9\x97\xbb\n",
       "FooBot");
  ck_assert_int_eq(robots_allowed(r, "/%E6%96%B0/x"), 0);
  ck_assert_int_eq(robots_allowed(r, "/%e6%96%b0/x"), 0);
  ck_assert_int_eq(robots_allowed(r, "/%E9%97%BB"), 0);
}
END_TEST

START_TEST(robots_user_agent_case_insensitive_product_token)
{
  load("user-agent: V6CRAWL\ndisallow: /x\n", "v6crawl/0.1");
  /* RFC 9309 tokens are [a-zA-Z_-]: the line names "V", not "V6CRAWL" */
  ck_assert_int_eq(robots_allowed(r, "/x"), 1);
  robots_free(r);
  r = NULL;
  load("USER-AGENT: FooBot\nDISALLOW: /x\n", "foobot/1.0 (+http://x)");
  ck_assert_int_eq(robots_allowed(r, "/x"), 0);
}
END_TEST

START_TEST(robots_bom_ignored)
{
  load("\xef\xbb\xbfUser-agent: *\nDisallow: /x\n", "FooBot");
  ck_assert_int_eq(robots_allowed(r, "/x"), 0);
}
END_TEST

START_TEST(robots_crlf_comments_and_missing_colon)
{
  load("# hello\r\nUser-agent * # all\r\nDisallow /x # no colon\r\n", "FooBot");
  ck_assert_int_eq(robots_allowed(r, "/x"), 0);
  ck_assert_int_eq(robots_allowed(r, "/y"), 1);
}
END_TEST

START_TEST(robots_rules_before_group_ignored)
{
  load("Disallow: /\nUser-agent: *\nDisallow: /x\n", "FooBot");
  ck_assert_int_eq(robots_allowed(r, "/y"), 1);
}
END_TEST

START_TEST(robots_empty_disallow_allows)
{
  load("User-agent: *\nDisallow:\n", "FooBot");
  ck_assert_int_eq(robots_allowed(r, "/"), 1);
}
END_TEST

START_TEST(robots_index_html_allows_directory)
{
  load("User-agent: *\nDisallow: /\nAllow: /d/index.html\n", "FooBot");
  ck_assert_int_eq(robots_allowed(r, "/d/"), 1);
  ck_assert_int_eq(robots_allowed(r, "/d/index.html"), 1);
  ck_assert_int_eq(robots_allowed(r, "/d/other"), 0);
}
END_TEST

START_TEST(robots_crawl_delay_of_matched_group)
{
  load("User-agent: *\nCrawl-delay: 5\nDisallow: /x\n\n"
       "User-agent: FooBot\nCrawl-delay: 2.5\nDisallow: /y\n",
       "FooBot");
  ck_assert(robots_crawl_delay(r) == 2.5);
  robots_free(r);
  r = NULL;
  load("User-agent: *\nCrawl-delay: 5\n", "BarBot");
  ck_assert(robots_crawl_delay(r) == 5.0);
}
END_TEST

START_TEST(robots_500k_limit)
{
  size_t n = 600 * 1024, i;
  const char head[] = "User-agent: *\n";
  const char tail[] = "\nDisallow: /late\n";
  char *body = malloc(n);

  ck_assert_ptr_nonnull(body);
  memcpy(body, head, sizeof head - 1);
  for (i = sizeof head - 1; i < n - (sizeof tail - 1); i++)
    body[i] = i % 64 ? ' ' : '\n';
  memcpy(body + n - (sizeof tail - 1), tail, sizeof tail - 1);
  ck_assert_int_eq(robots_parse(body, n, UA, &r), PARSE_OK);
  /* the rule past 500 KiB is never read */
  ck_assert_int_eq(robots_allowed(r, "/late"), 1);
  free(body);
}
END_TEST

/* A body of @n bytes: "User-agent: *" then comment lines, and @rule
 * starting at byte @at. */
static char *padded(size_t n, const char *rule, size_t at)
{
  const char head[] = "User-agent: *\n";
  char *body = malloc(n);
  size_t i;

  ck_assert_ptr_nonnull(body);
  memcpy(body, head, sizeof head - 1);
  for (i = sizeof head - 1; i < n; i++)
    body[i] = i % 64 ? '#' : '\n';
  body[at - 1] = '\n';
  memcpy(body + at, rule, strlen(rule));
  return body;
}

START_TEST(robots_500k_limit_drops_the_line_it_cuts)
{
  const char rule[] = "Disallow: /cut-here/\n";
  size_t at = ROBOTS_MAX_BYTES - 15; /* "Disallow: /cut-" before the cap */
  char *body = padded(600 * 1024, rule, at);

  ck_assert_int_eq(robots_parse(body, 600 * 1024, UA, &r), PARSE_OK);
  /* read as "Disallow: /cut-" it would refuse /cut-x too */
  ck_assert_int_eq(robots_allowed(r, "/cut-x"), 1);
  ck_assert_int_eq(robots_allowed(r, "/cut-here/"), 1);
  free(body);
}
END_TEST

START_TEST(robots_500k_limit_keeps_a_line_ending_at_the_cap)
{
  /* the line's newline is the first byte past the cap: the line is whole */
  const char rule[] = "Disallow: /whole/";
  size_t at = ROBOTS_MAX_BYTES - (sizeof rule - 1);
  char *body = padded(ROBOTS_MAX_BYTES + 1, rule, at);

  body[ROBOTS_MAX_BYTES] = '\n';
  ck_assert_int_eq(robots_parse(body, ROBOTS_MAX_BYTES + 1, UA, &r), PARSE_OK);
  ck_assert_int_eq(robots_allowed(r, "/whole/x"), 0);
  robots_free(r);
  /* ... and a body of exactly the cap is whole too */
  ck_assert_int_eq(robots_parse(body, ROBOTS_MAX_BYTES, UA, &r), PARSE_OK);
  ck_assert_int_eq(robots_allowed(r, "/whole/x"), 0);
  free(body);
}
END_TEST

START_TEST(robots_first_line_of_a_huge_file_obeyed)
{
  const char head[] = "User-agent: *\nDisallow: /private/\n";
  size_t n = 4 * ROBOTS_MAX_BYTES, i;
  char *body = malloc(n);

  ck_assert_ptr_nonnull(body);
  memcpy(body, head, sizeof head - 1);
  for (i = sizeof head - 1; i < n; i++)
    body[i] = i % 100 ? '#' : '\n';
  ck_assert_int_eq(robots_parse(body, n, UA, &r), PARSE_OK);
  ck_assert_int_eq(robots_allowed(r, "/private/x"), 0);
  ck_assert_int_eq(robots_allowed(r, "/public"), 1);
  free(body);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("robots");
  TCase *tc = tcase_create("robots");

  tcase_add_checked_fixture(tc, NULL, teardown);
  tcase_add_test(tc, robots_null_allows_everything);
  tcase_add_test(tc, robots_empty_file_allows);
  tcase_add_test(tc, robots_star_fallback);
  tcase_add_test(tc, robots_specific_group_beats_star);
  tcase_add_test(tc, robots_consecutive_agents_share_group);
  tcase_add_test(tc, robots_groups_for_same_agent_merged);
  tcase_add_test(tc, robots_longest_match_wins);
  tcase_add_test(tc, robots_allow_wins_tie);
  tcase_add_test(tc, robots_wildcard_and_anchor);
  tcase_add_test(tc, robots_query_is_matched);
  tcase_add_test(tc, robots_percent_encoding_normalised);
  tcase_add_test(tc, robots_user_agent_case_insensitive_product_token);
  tcase_add_test(tc, robots_bom_ignored);
  tcase_add_test(tc, robots_crlf_comments_and_missing_colon);
  tcase_add_test(tc, robots_rules_before_group_ignored);
  tcase_add_test(tc, robots_empty_disallow_allows);
  tcase_add_test(tc, robots_index_html_allows_directory);
  tcase_add_test(tc, robots_crawl_delay_of_matched_group);
  tcase_add_test(tc, robots_500k_limit);
  tcase_add_test(tc, robots_500k_limit_drops_the_line_it_cuts);
  tcase_add_test(tc, robots_500k_limit_keeps_a_line_ending_at_the_cap);
  tcase_add_test(tc, robots_first_line_of_a_huge_file_obeyed);
  suite_add_tcase(s, tc);
  return check_run(s);
}
