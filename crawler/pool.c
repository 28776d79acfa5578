/* crawler/pool.c - pages parsed beside the event loop, in a thread.
 *
 * A page can take gumbo seconds (8 MiB of links: 2 s; a hostile page up
 * to the parse budget of html.c). Parsed in the loop, that time is added
 * to every request in flight: their timers, their timings, their
 * timeouts. So the loop hands each page to one worker thread and goes
 * on; the worker parses pages one at a time (one gumbo tree in memory at
 * once) and hands each result back through an eventfd that loop.c
 * watches. The watch's callback only drains the eventfd; pool_tick, in
 * the loop's turn like fetcher_tick, calls the jobs' callbacks. The
 * worker touches nothing but the job: html_links_extract is the only
 * code it runs.
 */
#include "config.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "crawler/crawl_int.h"

struct pool {
  struct loop *loop;
  int efd;
  pthread_t thread;
  int started;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int stop;                        /* under mu */
  struct pool_job *todo, **todo_t; /* under mu: FIFO */
  struct pool_job *done, **done_t; /* under mu: FIFO */
  size_t pending;                  /* submitted, callback not yet run */
};

static void job_free(struct pool_job *j)
{
  if (!j)
    return;
  if (j->rc == PARSE_OK && j->parsed)
    html_page_cleanup(&j->hp);
  free(j->body);
  free(j->content_type);
  free(j->url);
  free(j->page);
  free(j);
}

static uint64_t link_hash(const struct html_link *l)
{
  uint64_t h = v6_hash_str(l->href ? l->href : "");
  h = v6_hash_byte(h, 0);
  return v6_hash_add(h, l->url ? l->url : "", l->url ? strlen(l->url) : 0);
}

static int link_same(const struct html_link *a, const struct html_link *b)
{
  return !strcmp(a->href ? a->href : "", b->href ? b->href : "") &&
         (a->url == b->url || (a->url && b->url && !strcmp(a->url, b->url)));
}

/* Drop the repeats of a link (the same href and URL) after its first
 * place on the page, in the worker: they add nothing for the frontier
 * (an edge is recorded once, a link at its first level), and a page of
 * a million links to ten pages would cost the loop a million store
 * writes. Out of memory, the page keeps its repeats. */
static void links_dedupe(struct html_page *hp)
{
  size_t cap = 16, i, k = 0;
  struct html_link **set;

  while (cap < hp->n_links * 2)
    cap *= 2;
  set = calloc(cap, sizeof(*set));
  if (!set)
    return;
  for (i = 0; i < hp->n_links; i++) {
    struct html_link *l = &hp->links[i];
    size_t b = (size_t)link_hash(l) & (cap - 1);
    while (set[b] && !link_same(set[b], l))
      b = (b + 1) & (cap - 1);
    if (set[b]) {
      free(l->url);
      free(l->href);
      continue;
    }
    hp->links[k] = *l;
    set[b] = &hp->links[k++];
  }
  hp->n_links = k;
  free(set);
}

static void *pool_main(void *arg)
{
  struct pool *p = arg;
  pthread_mutex_lock(&p->mu);
  for (;;) {
    struct pool_job *j;
    uint64_t one = 1;
    while (!p->todo && !p->stop)
      pthread_cond_wait(&p->cv, &p->mu);
    if (p->stop)
      break;
    j = p->todo;
    p->todo = j->next;
    if (!p->todo)
      p->todo_t = &p->todo;
    pthread_mutex_unlock(&p->mu);
    j->rc =
      html_links_extract(j->body, j->body_len, j->content_type, j->url, &j->hp);
    j->parsed = 1;
    if (j->rc == PARSE_OK)
      links_dedupe(&j->hp);
    /* the body is the page's biggest part after the tree: gone now */
    free(j->body);
    j->body = NULL;
    pthread_mutex_lock(&p->mu);
    j->next = NULL;
    *p->done_t = j;
    p->done_t = &j->next;
    if (write(p->efd, &one, sizeof one) < 0) {
      /* the counter cannot overflow here; the loop drains it each turn */
    }
  }
  pthread_mutex_unlock(&p->mu);
  return NULL;
}

/* The eventfd is readable: clear it; pool_tick delivers. */
static void pool_ready(void *ctx, int fd, int readable, int writable)
{
  uint64_t n;
  (void)ctx;
  (void)writable;
  if (readable && read(fd, &n, sizeof n) < 0) {
    /* EAGAIN: another turn cleared it */
  }
}

int pool_new(struct loop *l, struct pool **out)
{
  struct pool *p = calloc(1, sizeof(*p));
  *out = NULL;
  if (!p)
    return -1;
  p->loop = l;
  p->todo_t = &p->todo;
  p->done_t = &p->done;
  p->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (p->efd < 0) {
    free(p);
    return -1;
  }
  pthread_mutex_init(&p->mu, NULL);
  pthread_cond_init(&p->cv, NULL);
  if (loop_watch(l, p->efd, 1, 0, pool_ready, p) < 0 ||
      pthread_create(&p->thread, NULL, pool_main, p) != 0) {
    pool_free(p);
    return -1;
  }
  p->started = 1;
  *out = p;
  return 0;
}

static void jobs_free(struct pool_job *j)
{
  while (j) {
    struct pool_job *next = j->next;
    job_free(j);
    j = next;
  }
}

void pool_free(struct pool *p)
{
  if (!p)
    return;
  if (p->started) {
    pthread_mutex_lock(&p->mu);
    p->stop = 1;
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
    pthread_join(p->thread, NULL);
  }
  jobs_free(p->todo);
  jobs_free(p->done);
  loop_watch(p->loop, p->efd, 0, 0, NULL, NULL);
  close(p->efd);
  pthread_mutex_destroy(&p->mu);
  pthread_cond_destroy(&p->cv);
  free(p);
}

struct pool_job *pool_job_new(const char *body, size_t len,
                              const char *content_type, const char *url,
                              const char *page)
{
  struct pool_job *j = calloc(1, sizeof(*j));
  if (!j)
    return NULL;
  j->body = malloc(len + 1);
  j->url = strdup(url);
  j->page = strdup(page);
  j->content_type = content_type ? strdup(content_type) : NULL;
  if (!j->body || !j->url || !j->page || (content_type && !j->content_type)) {
    job_free(j);
    return NULL;
  }
  memcpy(j->body, body, len);
  j->body[len] = 0;
  j->body_len = len;
  return j;
}

void pool_submit(struct pool *p, struct pool_job *j)
{
  j->next = NULL;
  p->pending++;
  pthread_mutex_lock(&p->mu);
  *p->todo_t = j;
  p->todo_t = &j->next;
  pthread_cond_signal(&p->cv);
  pthread_mutex_unlock(&p->mu);
}

void pool_tick(struct pool *p)
{
  struct pool_job *j;
  pthread_mutex_lock(&p->mu);
  j = p->done;
  p->done = NULL;
  p->done_t = &p->done;
  pthread_mutex_unlock(&p->mu);
  while (j) {
    struct pool_job *next = j->next;
    p->pending--;
    j->done(j);
    job_free(j);
    j = next;
  }
}

size_t pool_pending(const struct pool *p)
{
  return p ? p->pending : 0;
}
