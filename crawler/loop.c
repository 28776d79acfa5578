/* crawler/loop.c - the one poller: epoll over curl's and c-ares' sockets.
 *
 * This is the only file that knows about epoll (like redis's ae). Watches
 * are kept in an array indexed by fd, so dispatch needs no lookup.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "crawler/crawl_int.h"

struct watch {
  loop_cb cb;
  void *ctx;
  uint32_t events; /* as registered with epoll; 0 when not registered */
  int parked;      /* registered, but no one watches (loop_park) */
};

struct loop {
  int epfd;
  struct watch *w;
  size_t n_w;
};

int64_t loop_now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int loop_new(struct loop **out)
{
  struct loop *l = calloc(1, sizeof(*l));
  if (!l)
    return -1;
  l->epfd = epoll_create1(EPOLL_CLOEXEC);
  if (l->epfd < 0) {
    free(l);
    return -1;
  }
  *out = l;
  return 0;
}

void loop_free(struct loop *l)
{
  if (!l)
    return;
  close(l->epfd);
  free(l->w);
  free(l);
}

static int watch_grow(struct loop *l, int fd)
{
  size_t n = l->n_w ? l->n_w : 64;
  struct watch *w = NULL;
  while (n <= (size_t)fd)
    n *= 2;
  w = realloc(l->w, n * sizeof(*w));
  if (!w)
    return -1;
  memset(w + l->n_w, 0, (n - l->n_w) * sizeof(*w));
  l->w = w;
  l->n_w = n;
  return 0;
}

/* Take @fd out of epoll, if it is in. */
static void unregister(struct loop *l, int fd)
{
  struct epoll_event ev;
  memset(&ev, 0, sizeof(ev));
  if (l->w[fd].events)
    epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, &ev); /* EBADF if closed: fine */
  l->w[fd].events = 0;
  l->w[fd].parked = 0;
  l->w[fd].cb = NULL;
}

int loop_watch(struct loop *l, int fd, int rd, int wr, loop_cb cb, void *ctx)
{
  struct epoll_event ev;
  uint32_t want = (rd ? EPOLLIN : 0) | (wr ? EPOLLOUT : 0);
  int op;
  if (fd < 0)
    return -1;
  if ((size_t)fd >= l->n_w && watch_grow(l, fd) < 0)
    return -1;
  if (!want) {
    unregister(l, fd);
    return 0;
  }
  /* a parked fd taken up again by its owner for the same events: epoll
   * has it as it is (loop_park) */
  if (l->w[fd].parked && l->w[fd].events == want && l->w[fd].cb == cb) {
    l->w[fd].parked = 0;
    l->w[fd].ctx = ctx;
    return 0;
  }
  memset(&ev, 0, sizeof(ev));
  ev.events = want;
  ev.data.fd = fd;
  op = l->w[fd].events ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
  if (epoll_ctl(l->epfd, op, fd, &ev) < 0) {
    /* The fd was closed and reused behind our back: register afresh. */
    if (errno == ENOENT && op == EPOLL_CTL_MOD)
      op = EPOLL_CTL_ADD;
    else if (errno == EEXIST && op == EPOLL_CTL_ADD)
      op = EPOLL_CTL_MOD;
    else
      return -1;
    if (epoll_ctl(l->epfd, op, fd, &ev) < 0)
      return -1;
  }
  l->w[fd].events = want;
  l->w[fd].parked = 0;
  l->w[fd].cb = cb;
  l->w[fd].ctx = ctx;
  return 0;
}

void loop_park(struct loop *l, int fd)
{
  if (fd < 0 || (size_t)fd >= l->n_w)
    return;
  if (!l->w[fd].events) {
    l->w[fd].cb = NULL;
    return;
  }
  l->w[fd].parked = 1;
}

int loop_wait(struct loop *l, long timeout_ms)
{
  struct epoll_event evs[64];
  int n, i;
  if (timeout_ms > 1000)
    timeout_ms = 1000; /* wake at least once a second for progress/stop */
  n = epoll_wait(l->epfd, evs, 64, (int)timeout_ms);
  if (n < 0)
    return errno == EINTR ? 0 : -1;
  for (i = 0; i < n; i++) {
    int fd = evs[i].data.fd;
    struct watch *w;
    if ((size_t)fd >= l->n_w)
      continue;
    w = &l->w[fd];
    /* an event for a parked fd (an idle connection the server closed,
     * say): out of epoll for good, or level-triggered it would come at
     * every wait */
    if (w->parked) {
      unregister(l, fd);
      continue;
    }
    if (!w->cb)
      continue;
    w->cb(w->ctx, fd, !!(evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)),
          !!(evs[i].events & (EPOLLOUT | EPOLLHUP | EPOLLERR)));
  }
  return n;
}
