/* tests/unit/check_attempt.c - what a reply means for an attempt
 * (crawler/retry.c): which outcome is retried, HEAD confirmed by GET,
 * redirects (at most five, family kept), IPv4 first then IPv6. No
 * network: replies are made up. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "crawler/crawl_int.h"
#include "tests/unit/check_run.h"

/* A reply with a response. */
static struct attempt_reply reply(int head, int status, int location)
{
  struct attempt_reply r;
  r.response = 1;
  r.head = head;
  r.status = status;
  r.location = location;
  return r;
}

static struct attempt_reply noresp(void)
{
  struct attempt_reply r = reply(0, 0, 0);
  r.response = 0;
  return r;
}

START_TEST(attempt_noresponse_retried_retries_times)
{
  struct attempt_state s;
  struct attempt_reply r = noresp();
  attempt_state_init(&s, 6, 2);
  ck_assert_int_eq(attempt_next(&s, &r, 1, 0), ATT_RETRY);
  ck_assert_int_eq(s.tries, 1);
  ck_assert_int_eq(attempt_next(&s, &r, 1, 0), ATT_RETRY);
  ck_assert_int_eq(s.tries, 2);
  ck_assert_int_eq(attempt_next(&s, &r, 1, 0), ATT_NORESP);
  ck_assert_int_eq(s.family, 6);
}
END_TEST

START_TEST(attempt_noresponse_without_retries_ends_at_once)
{
  struct attempt_state s;
  struct attempt_reply r = noresp();
  attempt_state_init(&s, 4, 0);
  ck_assert_int_eq(attempt_next(&s, &r, 1, 0), ATT_NORESP);
  ck_assert_int_eq(s.family, 4); /* a probe's family is never switched */
}
END_TEST

/* "100 Continue" and then a closed connection is no final response: a
 * failure retried like no response, never a success (nor a GET). */
START_TEST(attempt_interim_1xx_is_no_response)
{
  struct attempt_state s;
  struct attempt_reply r = reply(0, 100, 0), h = reply(1, 103, 0);
  attempt_state_init(&s, 6, 1);
  ck_assert_int_eq(attempt_next(&s, &r, 1, 0), ATT_RETRY);
  ck_assert_int_eq(s.tries, 1);
  ck_assert_int_eq(attempt_next(&s, &h, 1, 0), ATT_NORESP);
  ck_assert(!s.get);
  attempt_state_init(&s, 0, 0); /* a page: IPv4, then IPv6 */
  ck_assert_int_eq(attempt_next(&s, &r, 1, 0), ATT_FAMILY);
  ck_assert_int_eq(s.family, 6);
  ck_assert(!attempt_success(0, 100));
  ck_assert(!attempt_success(0, 199));
  ck_assert(attempt_success(0, 200));
}
END_TEST

START_TEST(attempt_auto_family_falls_back_to_ipv6_once)
{
  struct attempt_state s;
  struct attempt_reply r = noresp(), moved = reply(0, 301, 1);
  attempt_state_init(&s, 0, 1);
  ck_assert_int_eq(s.family, 4);
  ck_assert(s.auto_family);
  ck_assert_int_eq(attempt_next(&s, &moved, 1, 0), ATT_REDIRECT);
  ck_assert_int_eq(attempt_next(&s, &r, 1, 0), ATT_RETRY);
  ck_assert_int_eq(attempt_next(&s, &r, 1, 0), ATT_FAMILY);
  /* IPv6 from the start: the first URL, fresh tries */
  ck_assert_int_eq(s.family, 6);
  ck_assert_int_eq(s.tries, 0);
  ck_assert_int_eq(s.hops, 0);
  ck_assert_int_eq(attempt_next(&s, &r, 1, 0), ATT_RETRY);
  ck_assert_int_eq(attempt_next(&s, &r, 1, 0), ATT_NORESP);
}
END_TEST

START_TEST(attempt_auto_family_stays_without_ipv6)
{
  struct attempt_state s;
  struct attempt_reply r = noresp();
  attempt_state_init(&s, 0, 0);
  ck_assert_int_eq(attempt_next(&s, &r, 0, 0), ATT_NORESP);
  ck_assert_int_eq(s.family, 4);
}
END_TEST

START_TEST(attempt_head_400_confirmed_by_get)
{
  struct attempt_state s;
  struct attempt_reply head = reply(1, 405, 0), get = reply(0, 404, 0);
  attempt_state_init(&s, 6, 2);
  ck_assert(attempt_wants_head(&s, 0));
  ck_assert(!attempt_wants_head(&s, 1024)); /* a page needs its body */
  ck_assert_int_eq(attempt_next(&s, &head, 1, 0), ATT_GET);
  ck_assert_int_eq(s.get, 1);
  ck_assert_int_eq(s.tries, 0); /* the GET is not a retry */
  ck_assert(!attempt_wants_head(&s, 0));
  ck_assert_int_eq(attempt_next(&s, &get, 1, 0), ATT_HTTPERR);
  attempt_state_init(&s, 6, 2);
  head = reply(1, 400, 0); /* 400 itself is asked again */
  ck_assert_int_eq(attempt_next(&s, &head, 1, 0), ATT_GET);
}
END_TEST

START_TEST(attempt_head_below_400_decides)
{
  struct attempt_state s;
  struct attempt_reply head = reply(1, 200, 0), head399 = reply(1, 399, 0);
  attempt_state_init(&s, 4, 2);
  ck_assert_int_eq(attempt_next(&s, &head, 1, 0), ATT_OK);
  ck_assert_int_eq(s.get, 0);
  attempt_state_init(&s, 4, 2);
  ck_assert_int_eq(attempt_next(&s, &head399, 1, 0), ATT_OK);
}
END_TEST

START_TEST(attempt_head_202_confirmed_by_get)
{
  struct attempt_state s;
  struct attempt_reply head = reply(1, 202, 0), get = reply(0, 202, 0);
  attempt_state_init(&s, 4, 2);
  /* a 202 may be a wall's challenge page: the GET (with a body) decides */
  ck_assert_int_eq(attempt_next(&s, &head, 1, 0), ATT_GET);
  ck_assert_int_eq(s.get, 1);
  ck_assert_int_eq(attempt_next(&s, &get, 1, 0), ATT_OK);
  ck_assert_int_eq(attempt_next(&s, &get, 1, 1), ATT_HTTPERR); /* strict */
}
END_TEST

START_TEST(attempt_5xx_retried_then_final)
{
  struct attempt_state s;
  struct attempt_reply r = reply(0, 503, 0);
  attempt_state_init(&s, 4, 2);
  ck_assert_int_eq(attempt_next(&s, &r, 1, 0), ATT_RETRY);
  ck_assert_int_eq(attempt_next(&s, &r, 1, 0), ATT_RETRY);
  ck_assert_int_eq(attempt_next(&s, &r, 1, 0), ATT_HTTPERR);
  ck_assert_int_eq(s.tries, 2);
}
END_TEST

START_TEST(attempt_head_5xx_asks_get_then_retries)
{
  struct attempt_state s;
  struct attempt_reply head = reply(1, 500, 0), get = reply(0, 500, 0);
  attempt_state_init(&s, 6, 1);
  ck_assert_int_eq(attempt_next(&s, &head, 1, 0), ATT_GET);
  ck_assert_int_eq(attempt_next(&s, &get, 1, 0), ATT_RETRY);
  ck_assert_int_eq(s.get, 1); /* the retry is a GET too */
  ck_assert_int_eq(attempt_next(&s, &get, 1, 0), ATT_HTTPERR);
}
END_TEST

START_TEST(attempt_4xx_not_retried)
{
  struct attempt_state s;
  struct attempt_reply r = reply(0, 404, 0);
  attempt_state_init(&s, 4, 2);
  ck_assert_int_eq(attempt_next(&s, &r, 1, 0), ATT_HTTPERR);
  ck_assert_int_eq(s.tries, 0);
}
END_TEST

START_TEST(attempt_at_most_five_redirects_family_kept)
{
  struct attempt_state s;
  struct attempt_reply r = reply(0, 302, 1);
  int i;
  attempt_state_init(&s, 6, 2);
  for (i = 1; i <= MAX_REDIRECTS; i++) {
    ck_assert_int_eq(attempt_next(&s, &r, 1, 0), ATT_REDIRECT);
    ck_assert_int_eq(s.hops, i);
    ck_assert_int_eq(s.family, 6);
  }
  ck_assert_int_eq(MAX_REDIRECTS, 5);
  ck_assert_int_eq(attempt_next(&s, &r, 1, 0), ATT_REDIRECTS);
}
END_TEST

START_TEST(attempt_redirect_resets_tries_and_get)
{
  struct attempt_state s;
  struct attempt_reply head = reply(1, 403, 0), err = reply(0, 502, 0),
                       moved = reply(0, 301, 1);
  attempt_state_init(&s, 4, 2);
  ck_assert_int_eq(attempt_next(&s, &head, 1, 0), ATT_GET);
  ck_assert_int_eq(attempt_next(&s, &err, 1, 0), ATT_RETRY);
  ck_assert_int_eq(attempt_next(&s, &moved, 1, 0), ATT_REDIRECT);
  ck_assert_int_eq(s.tries, 0);
  ck_assert_int_eq(s.get, 0);
  ck_assert(attempt_wants_head(&s, 0)); /* the next hop asks HEAD again */
}
END_TEST

START_TEST(attempt_3xx_without_location_is_final)
{
  struct attempt_state s;
  struct attempt_reply r = reply(0, 304, 0);
  attempt_state_init(&s, 4, 2);
  ck_assert_int_eq(attempt_next(&s, &r, 1, 0), ATT_OK);
  attempt_state_init(&s, 4, 2);
  ck_assert_int_eq(attempt_next(&s, &r, 1, 1), ATT_HTTPERR); /* --strict */
}
END_TEST

START_TEST(attempt_success_strict_and_not)
{
  ck_assert(attempt_success(0, 200));
  ck_assert(attempt_success(0, 204));
  ck_assert(attempt_success(0, 399));
  ck_assert(!attempt_success(0, 400));
  ck_assert(!attempt_success(0, 0));
  ck_assert(attempt_success(1, 200));
  ck_assert(!attempt_success(1, 204));
}
END_TEST

START_TEST(attempt_family_pick_ipv6_when_no_ipv4)
{
  struct attempt_state s;
  attempt_state_init(&s, 0, 2);
  ck_assert_int_eq(attempt_family_pick(&s, 1, 1, 1), 4);
  ck_assert_int_eq(attempt_family_pick(&s, 0, 1, 0), 4); /* no IPv6 here */
  ck_assert_int_eq(attempt_family_pick(&s, 0, 0, 1), 4);
  ck_assert_int_eq(attempt_family_pick(&s, 0, 1, 1), 6);
  ck_assert_int_eq(s.family, 6);
  attempt_state_init(&s, 4, 2); /* a probe's family is fixed */
  ck_assert_int_eq(attempt_family_pick(&s, 0, 1, 1), 4);
  attempt_state_init(&s, 0, 2);
  s.hops = 1; /* only the first request picks */
  ck_assert_int_eq(attempt_family_pick(&s, 0, 1, 1), 4);
}
END_TEST

/* ---- walls (crawler/wall.c) --------------------------------------------- */

/* A response fed to a capture as curl would: status line, headers, body. */
static void feed(struct wall_cap *w, const char *const *hdrs, const char *body)
{
  size_t i;
  wall_cap_init(w);
  for (i = 0; hdrs[i]; i++)
    wall_cap_header(w, hdrs[i], strlen(hdrs[i]));
  wall_cap_body(w, body, strlen(body));
}

START_TEST(wall_412_challenge_same_despite_nonces)
{
  static const char *const h6[] = {"HTTP/1.1 412 Precondition Failed\r\n",
                                   "Set-Cookie: B_T=xyz; path=/\r\n",
                                   "Set-Cookie: A_S=abc\r\n", "\r\n", NULL};
  static const char *const h4[] = {"HTTP/1.1 412 Precondition Failed\r\n",
                                   "Set-Cookie: A_S=123\r\n",
                                   "Set-Cookie: B_T=456\r\n", "\r\n", NULL};
  struct wall_cap w;
  struct wall_sig a, b;
  char t[400];

  feed(&w, h6, "<script>$_ts.nsd=81234;$_ts.cd=\"QwErTyUiOpAsDfGh\"</script>");
  ck_assert_int_eq(wall_sig_make(&w, 412, &a), 1);
  wall_cap_cleanup(&w);
  feed(&w, h4, "<script>$_ts.nsd=5;$_ts.cd=\"ZxCvBnMlKjHgFdSa99\"</script>");
  ck_assert_int_eq(wall_sig_make(&w, 412, &b), 1);
  wall_cap_cleanup(&w);
  ck_assert_str_eq(a.cookies, "A_S,B_T");
  ck_assert_str_eq(a.marker, "ruishu");
  ck_assert_int_eq(a.script, 1);
  ck_assert_uint_eq(a.body_hash, b.body_hash);
  ck_assert_int_eq(wall_sig_same(&a, &b), 1);
  wall_sig_text(&a, t, sizeof t);
  ck_assert_msg(strncmp(t,
                        "412 from a wall (ruishu): Set-Cookie A_S,B_T; a "
                        "script page; body signature ",
                        75) == 0,
                "%s", t);
  /* another status is another refusal */
  b.status = 403;
  ck_assert_int_eq(wall_sig_same(&a, &b), 0);
}
END_TEST

START_TEST(wall_plain_pages_differ_and_503_needs_a_sign)
{
  static const char *const h403[] = {"HTTP/1.1 403 Forbidden\r\n", NULL};
  static const char *const h503[] = {"HTTP/1.1 503 Unavailable\r\n", NULL};
  static const char *const h200[] = {"HTTP/1.1 100 Continue\r\n",
                                     "HTTP/1.1 200 OK\r\n", NULL};
  struct wall_cap w;
  struct wall_sig a, b;

  feed(&w, h403, "<html><h1>403 Forbidden</h1><hr>nginx</html>");
  ck_assert_int_eq(wall_sig_make(&w, 403, &a), 1);
  wall_cap_cleanup(&w);
  feed(&w, h403, "<html><h1>Access denied</h1></html>");
  ck_assert_int_eq(wall_sig_make(&w, 403, &b), 1);
  wall_cap_cleanup(&w);
  ck_assert_int_eq(wall_sig_same(&a, &b), 0);
  ck_assert_ptr_null(a.marker);
  /* an ordinary 503 is no wall; one with a script is */
  feed(&w, h503, "<html>maintenance</html>");
  ck_assert_int_eq(wall_sig_make(&w, 503, &a), 0);
  wall_cap_cleanup(&w);
  feed(&w, h503, "<html><script>challenge()</script></html>");
  ck_assert_int_eq(wall_sig_make(&w, 503, &a), 1);
  wall_cap_cleanup(&w);
  /* a 404 or a success never is */
  feed(&w, h200, "<html>ok</html>");
  ck_assert_int_eq(w.status, 200);
  ck_assert_int_eq(wall_sig_make(&w, 200, &a), 0);
  ck_assert_int_eq(wall_sig_make(&w, 404, &a), 0);
  wall_cap_cleanup(&w);
}
END_TEST

START_TEST(wall_2xx_challenge_pages)
{
  static const char *const h202c[] = {"HTTP/1.1 202 Accepted\r\n",
                                      "Set-Cookie: jschk=abc\r\n", NULL};
  static const char *const h202[] = {"HTTP/1.1 202 Accepted\r\n", NULL};
  static const char *const h202m[] = {"HTTP/1.1 202 Accepted\r\n",
                                      "Server: cloudflare\r\n", NULL};
  static const char *const h200[] = {"HTTP/1.1 200 OK\r\n",
                                     "Server: cloudflare\r\n",
                                     "Set-Cookie: __cf_bm=x\r\n", NULL};
  static const char *const h200p[] = {"HTTP/1.1 200 OK\r\n", NULL};
  struct wall_cap w;
  struct wall_sig a;
  char t[400];
  size_t i;

  /* 202: a cookie and a script page, or a marker */
  feed(&w, h202c, "<script>document.cookie='jschk=1'</script>");
  ck_assert_int_eq(wall_sig_make(&w, 202, &a), 1);
  wall_sig_text(&a, t, sizeof t);
  ck_assert_msg(
    strncmp(t, "202 from a wall: Set-Cookie jschk; a script page", 48) == 0,
    "%s", t);
  wall_cap_cleanup(&w);
  feed(&w, h202c, "accepted"); /* a cookie, no script */
  ck_assert_int_eq(wall_sig_make(&w, 202, &a), 0);
  wall_cap_cleanup(&w);
  feed(&w, h202, "<script>poll()</script>"); /* a script, no cookie */
  ck_assert_int_eq(wall_sig_make(&w, 202, &a), 0);
  wall_cap_cleanup(&w);
  feed(&w, h202m, "");
  ck_assert_int_eq(wall_sig_make(&w, 202, &a), 1);
  ck_assert_str_eq(a.marker, "cloudflare");
  wall_cap_cleanup(&w);
  /* 200: only a small script page whose body names a wall; a header's
   * or a cookie's marker is not enough (every page behind the CDN) */
  feed(&w, h200, "<html><script>x()</script>hello</html>");
  ck_assert_int_eq(wall_sig_make(&w, 200, &a), 0);
  wall_cap_cleanup(&w);
  feed(&w, h200p, "<p>we use safedog</p>"); /* a marker, no script */
  ck_assert_int_eq(wall_sig_make(&w, 200, &a), 0);
  wall_cap_cleanup(&w);
  feed(&w, h200, "<script>var jsl_clearance=1;reload()</script>");
  ck_assert_int_eq(wall_sig_make(&w, 200, &a), 1);
  ck_assert_str_eq(a.marker, "jiasule");
  wall_cap_cleanup(&w);
  /* ... and not when the page is longer than WALL_BODY_MAX */
  feed(&w, h200p, "<script>var jsl_clearance=1;</script>");
  for (i = 0; i < WALL_BODY_MAX / 8; i++)
    wall_cap_body(&w, "<p>xx</p>", 9);
  ck_assert_int_eq(w.big, 1);
  ck_assert_int_eq(wall_sig_make(&w, 200, &a), 0);
  wall_cap_cleanup(&w);
}
END_TEST

START_TEST(wall_521_jiasule_not_cloudflare)
{
  static const char *const hjsl[] = {
    "HTTP/1.1 521 \r\n", "Server: nginx\r\n",
    "Set-Cookie: __jsluid_h=0a1b2c; max-age=31536000; path=/\r\n", NULL};
  static const char *const hplain[] = {"HTTP/1.1 521 \r\n", NULL};
  static const char *const hyd[] = {"HTTP/1.1 521 \r\n", "Server: yundun\r\n",
                                    NULL};
  static const char *const hcf[] = {"HTTP/1.1 521 \r\n",
                                    "Server: cloudflare\r\n",
                                    "Set-Cookie: __cf_bm=q; path=/\r\n", NULL};
  static const char *const hck[] = {"HTTP/1.1 521 \r\n",
                                    "Set-Cookie: sid=1\r\n", NULL};
  struct wall_cap w;
  struct wall_sig a;
  char t[400];

  /* jiasule's first answer: its cookie and a script page */
  feed(&w, hjsl, "<script>document.cookie=('_')+('_jsl_c')</script>");
  ck_assert_int_eq(wall_sig_make(&w, 521, &a), 1);
  ck_assert_str_eq(a.marker, "jiasule");
  wall_sig_text(&a, t, sizeof t);
  ck_assert_msg(strncmp(t,
                        "521 from a wall (jiasule): Set-Cookie __jsluid_h; a "
                        "script page; body signature ",
                        80) == 0,
                "%s", t);
  wall_cap_cleanup(&w);
  /* its second: no cookie, the body names it */
  feed(&w, hplain, "<script>var _jsl_clearance_s=1;go()</script>");
  ck_assert_int_eq(wall_sig_make(&w, 521, &a), 1);
  ck_assert_str_eq(a.marker, "jiasule");
  wall_cap_cleanup(&w);
  /* any cookie with a script page */
  feed(&w, hck, "<script>document.cookie='sid=2';location.reload()</script>");
  ck_assert_int_eq(wall_sig_make(&w, 521, &a), 1);
  wall_cap_cleanup(&w);
  /* no sign, a cookie without a script, or a header marker alone: no */
  feed(&w, hplain, "<html>origin unreachable</html>");
  ck_assert_int_eq(wall_sig_make(&w, 521, &a), 0);
  wall_cap_cleanup(&w);
  feed(&w, hck, "<html>down</html>");
  ck_assert_int_eq(wall_sig_make(&w, 521, &a), 0);
  wall_cap_cleanup(&w);
  feed(&w, hyd, "<html>down</html>");
  ck_assert_int_eq(wall_sig_make(&w, 521, &a), 0);
  wall_cap_cleanup(&w);
  /* Cloudflare's "web server is down", cookie and script and all */
  feed(&w, hcf, "<html><script>window._cf=1</script>Error code 521</html>");
  ck_assert_int_eq(wall_sig_make(&w, 521, &a), 0);
  wall_cap_cleanup(&w);
}
END_TEST

START_TEST(wall_429_waits_retry_after_at_most_three_times)
{
  static const char *const h[] = {"HTTP/1.1 429 Too Many Requests\r\n",
                                  "Retry-After: 7\r\n", NULL};
  static const char *const none[] = {"HTTP/1.1 429 Too Many\r\n", NULL};
  static const char *const big[] = {"HTTP/1.1 429 Too Many\r\n",
                                    "retry-after: 3600\r\n", NULL};
  static const char *const date[] = {
    "HTTP/1.1 429 Too Many\r\n",
    "Retry-After: Wed, 21 Oct 2015 07:28:00 GMT\r\n", NULL};
  struct wall_cap w;

  feed(&w, h, "");
  ck_assert_int_eq(wall_429_wait(&w, 0), 7000);
  ck_assert_int_eq(wall_429_wait(&w, 2), 7000);
  ck_assert_int_eq(wall_429_wait(&w, WALL_429_TRIES), -1);
  wall_cap_cleanup(&w);
  feed(&w, none, "");
  ck_assert_int_eq(wall_429_wait(&w, 0), WALL_429_DEFAULT_MS);
  wall_cap_cleanup(&w);
  feed(&w, big, "");
  ck_assert_int_eq(wall_429_wait(&w, 0), -1);
  wall_cap_cleanup(&w);
  feed(&w, date, ""); /* a date in the past: at once */
  ck_assert_int_eq(wall_429_wait(&w, 0), 0);
  wall_cap_cleanup(&w);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("attempt");
  TCase *tc = tcase_create("retry");

  tcase_add_test(tc, attempt_noresponse_retried_retries_times);
  tcase_add_test(tc, attempt_noresponse_without_retries_ends_at_once);
  tcase_add_test(tc, attempt_auto_family_falls_back_to_ipv6_once);
  tcase_add_test(tc, attempt_interim_1xx_is_no_response);
  tcase_add_test(tc, attempt_auto_family_stays_without_ipv6);
  tcase_add_test(tc, attempt_head_400_confirmed_by_get);
  tcase_add_test(tc, attempt_head_below_400_decides);
  tcase_add_test(tc, attempt_5xx_retried_then_final);
  tcase_add_test(tc, attempt_head_5xx_asks_get_then_retries);
  tcase_add_test(tc, attempt_4xx_not_retried);
  tcase_add_test(tc, attempt_at_most_five_redirects_family_kept);
  tcase_add_test(tc, attempt_redirect_resets_tries_and_get);
  tcase_add_test(tc, attempt_3xx_without_location_is_final);
  tcase_add_test(tc, attempt_success_strict_and_not);
  tcase_add_test(tc, attempt_head_202_confirmed_by_get);
  tcase_add_test(tc, attempt_family_pick_ipv6_when_no_ipv4);
  suite_add_tcase(s, tc);
  tc = tcase_create("wall");
  tcase_add_test(tc, wall_412_challenge_same_despite_nonces);
  tcase_add_test(tc, wall_plain_pages_differ_and_503_needs_a_sign);
  tcase_add_test(tc, wall_429_waits_retry_after_at_most_three_times);
  tcase_add_test(tc, wall_2xx_challenge_pages);
  tcase_add_test(tc, wall_521_jiasule_not_cloudflare);
  suite_add_tcase(s, tc);
  return check_run(s);
}
