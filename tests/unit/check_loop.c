/* tests/unit/check_loop.c - the poller's parked watches (crawler/loop.c,
 * loop_park): a parked fd stays in epoll, is taken up again by its owner
 * without a change there, leaves epoll when an event comes for it, and a
 * reused fd number is registered afresh. What epoll holds is read from
 * the kernel itself (/proc/self/fdinfo of the loop's epoll fd). */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "crawler/crawl_int.h"
#include "tests/unit/check_run.h"

/* The events epoll holds for @fd in this process's (only) epoll fd, -1
 * when it holds none. */
static long epoll_events(int fd)
{
  DIR *d = opendir("/proc/self/fd");
  struct dirent *de;
  long found = -1;

  ck_assert_ptr_nonnull(d);
  while (found < 0 && (de = readdir(d))) {
    char path[300], link[64], line[256];
    ssize_t n;
    FILE *f;
    snprintf(path, sizeof path, "/proc/self/fd/%s", de->d_name);
    n = readlink(path, link, sizeof link - 1);
    if (n <= 0)
      continue;
    link[n] = 0;
    if (strcmp(link, "anon_inode:[eventpoll]"))
      continue;
    snprintf(path, sizeof path, "/proc/self/fdinfo/%s", de->d_name);
    f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    while (fgets(line, sizeof line, f)) {
      int tfd;
      unsigned long ev;
      if (sscanf(line, "tfd: %d events: %lx", &tfd, &ev) == 2 && tfd == fd)
        found = (long)ev;
    }
    fclose(f);
  }
  closedir(d);
  return found;
}

struct hits {
  int n;
};

static void on_ready(void *ctx, int fd, int readable, int writable)
{
  struct hits *h = ctx;
  char c;
  (void)writable;
  if (readable && read(fd, &c, 1) == 1)
    h->n++;
}

static void on_ready_other(void *ctx, int fd, int readable, int writable)
{
  on_ready(ctx, fd, readable, writable);
}

static struct loop *new_loop(int sv[2])
{
  struct loop *l = NULL;
  ck_assert_int_eq(loop_new(&l), 0);
  ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  return l;
}

static void poke(int fd)
{
  ck_assert_int_eq(write(fd, "x", 1), 1);
}

/* A byte to @sv[0]: one event, for @b's callback alone; then all closed. */
static void only_b_called(struct loop *l, int sv[2], const struct hits *a,
                          const struct hits *b)
{
  poke(sv[1]);
  ck_assert_int_eq(loop_wait(l, 1000), 1);
  ck_assert_int_eq(a->n, 0);
  ck_assert_int_eq(b->n, 1);
  loop_free(l);
  close(sv[0]);
  close(sv[1]);
}

/* Parked and taken up again for the same events by the same owner: epoll
 * holds the fd throughout with the events it was first given, and the
 * new context gets the event. */
START_TEST(loop_park_and_take_up_again)
{
  int sv[2];
  struct loop *l = new_loop(sv);
  struct hits a = {0}, b = {0};
  long first;

  ck_assert_int_eq(loop_watch(l, sv[0], 1, 0, on_ready, &a), 0);
  first = epoll_events(sv[0]);
  ck_assert_int_ge(first, 0);
  loop_park(l, sv[0]);
  ck_assert_int_eq(epoll_events(sv[0]), first);
  ck_assert_int_eq(loop_watch(l, sv[0], 1, 0, on_ready, &b), 0);
  ck_assert_int_eq(epoll_events(sv[0]), first);
  only_b_called(l, sv, &a, &b);
}
END_TEST

/* An event for a parked fd calls no one and takes the fd out of epoll (a
 * level-triggered event would otherwise come back at every wait); a
 * later watch registers it again. */
START_TEST(loop_event_on_parked_fd_unregisters)
{
  int sv[2];
  struct loop *l = new_loop(sv);
  struct hits a = {0};

  ck_assert_int_eq(loop_watch(l, sv[0], 1, 0, on_ready, &a), 0);
  loop_park(l, sv[0]);
  poke(sv[1]);
  ck_assert_int_eq(loop_wait(l, 1000), 1);
  ck_assert_int_eq(a.n, 0);
  ck_assert_int_eq(epoll_events(sv[0]), -1);
  ck_assert_int_eq(loop_wait(l, 0), 0);
  ck_assert_int_eq(loop_watch(l, sv[0], 1, 0, on_ready, &a), 0);
  ck_assert_int_ge(epoll_events(sv[0]), 0);
  ck_assert_int_eq(loop_wait(l, 1000), 1);
  ck_assert_int_eq(a.n, 1);
  loop_free(l);
  close(sv[0]);
  close(sv[1]);
}
END_TEST

/* Another owner (or other events) for a parked fd: registered as asked,
 * the new callback gets the event. */
START_TEST(loop_parked_fd_other_owner)
{
  int sv[2];
  struct loop *l = new_loop(sv);
  struct hits a = {0}, b = {0};
  long before;

  ck_assert_int_eq(loop_watch(l, sv[0], 1, 1, on_ready, &a), 0);
  before = epoll_events(sv[0]);
  loop_park(l, sv[0]);
  ck_assert_int_eq(loop_watch(l, sv[0], 1, 0, on_ready_other, &b), 0);
  ck_assert_int_ne(epoll_events(sv[0]), before);
  only_b_called(l, sv, &a, &b);
}
END_TEST

/* The owner unregisters a parked fd before closing it (fetch.c's
 * close_cb); the fd number, reused by a new socket, is registered for
 * real when watched, even by the same callback for the same events. */
START_TEST(loop_parked_fd_closed_and_reused)
{
  int sv[2], sv2[2];
  struct loop *l = new_loop(sv);
  struct hits a = {0};

  ck_assert_int_eq(loop_watch(l, sv[0], 1, 0, on_ready, &a), 0);
  loop_park(l, sv[0]);
  ck_assert_int_eq(loop_watch(l, sv[0], 0, 0, NULL, NULL), 0);
  ck_assert_int_eq(epoll_events(sv[0]), -1);
  close(sv[0]);
  ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv2), 0);
  ck_assert_int_eq(sv2[0], sv[0]);
  ck_assert_int_eq(loop_watch(l, sv2[0], 1, 0, on_ready, &a), 0);
  ck_assert_int_ge(epoll_events(sv2[0]), 0);
  poke(sv2[1]);
  ck_assert_int_eq(loop_wait(l, 1000), 1);
  ck_assert_int_eq(a.n, 1);
  loop_free(l);
  close(sv[1]);
  close(sv2[0]);
  close(sv2[1]);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("loop");
  TCase *tc = tcase_create("park");

  tcase_add_test(tc, loop_park_and_take_up_again);
  tcase_add_test(tc, loop_event_on_parked_fd_unregisters);
  tcase_add_test(tc, loop_parked_fd_other_owner);
  tcase_add_test(tc, loop_parked_fd_closed_and_reused);
  suite_add_tcase(s, tc);
  return check_run(s);
}
