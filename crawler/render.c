/* crawler/render.c - --render: the pages read for links, rendered by
 * headless Chromium.
 *
 * A page read for links (level 1, internal level 2) is parsed as served,
 * as always, and also handed to Chromium (`--headless --dump-dom`),
 * spawned with posix_spawn (no shell) in a process group of its own, with
 * a throwaway profile and home, its stdout a pipe the event loop reads
 * (so the crawl goes on meanwhile) and a wall-clock budget after which
 * the group is killed. Chromium resolves nothing itself: every name it
 * may ask is mapped by --host-resolver-rules to the first usable A
 * address v6crawl's own lookups found (so it renders over IPv4, with the
 * crawl's DNS answers), and every other name fails; its background
 * network (updates, sync, metrics, safe browsing) is switched off.
 *
 * The rendered DOM is parsed by the same parser as the body (in the
 * pool's thread), and its links are the page's; the links it has that
 * the HTML as served has not are stored with the page (store_render_put)
 * so that the report can count per site what only rendering found. A
 * page Chromium gives no DOM for (a failed load, the budget, no IPv4
 * address) keeps the links of its HTML as served, and its record says
 * why. At most RENDER_MAX Chromiums run at once; the other pages wait.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "crawler/crawl_int.h"

extern char **environ;

#define RENDER_MAX        2    /* Chromiums at once */
#define RENDER_VIRTUAL_MS 5000 /* virtual time the scripts get (timers) */
#define RENDER_POLL_MS    50   /* how often a running Chromium is checked */
#define RULES_MAX         (100 * 1024) /* below Linux's 128 KiB per arg */
#define RENDER_TMP_MAX    40 /* the longest $TMPDIR used (else /tmp) */

/* One page read with --render: its HTML as served and its DOM, each
 * parsed in the pool, then combined. */
struct rpage {
  struct renderer *r;
  struct site *s;
  int level, truncated;
  char *page; /* as the site wanted it */
  char *url;  /* its final URL: what Chromium loads */
  struct html_page served, dom;
  int served_done, dom_done; /* parsed (or, for the DOM, given up) */
  int dom_ok;                /* dom holds the DOM's links */
  char why[256];             /* no DOM: why */
  int64_t t0, deadline;
  double ms;
  /* the Chromium, while it runs */
  pid_t pid;  /* until reaped */
  pid_t pgid; /* its process group, killed at the end */
  int fd;
  int eof;   /* its output is all read */
  char *dir; /* its throwaway profile and home */
  struct v6_buf out;
  int timed_out;
  struct rpage *next;     /* every page (teardown) */
  struct rpage *q_next;   /* waiting for a Chromium */
  struct rpage *run_next; /* running */
};

struct renderer {
  struct crawl *c;
  struct rpage *all;
  struct rpage *q_head, *q_tail;
  struct rpage *running;
  int n_running;
};

int crawl_render_find(const char *env, char *out, size_t len)
{
  static const char *const names[] = {"chromium", "chromium-browser",
                                      "google-chrome"};
  const char *path = getenv("PATH");
  size_t i;

  if (env && *env) {
    struct stat sb;
    if (stat(env, &sb) == 0 && S_ISREG(sb.st_mode) && access(env, X_OK) == 0) {
      snprintf(out, len, "%s", env);
      return 0;
    }
    snprintf(out, len, "$V6CRAWL_CHROMIUM %s is not an executable file", env);
    return -1;
  }
  for (i = 0; path && i < sizeof(names) / sizeof(names[0]); i++) {
    const char *p = path;
    while (*p) {
      const char *e = strchr(p, ':');
      size_t n = e ? (size_t)(e - p) : strlen(p);
      struct stat sb;
      if (n && snprintf(out, len, "%.*s/%s", (int)n, p, names[i]) < (int)len &&
          stat(out, &sb) == 0 && S_ISREG(sb.st_mode) && access(out, X_OK) == 0)
        return 0;
      p += n;
      if (*p == ':')
        p++;
    }
  }
  snprintf(out, len, "no chromium, chromium-browser or google-chrome in $PATH");
  return -1;
}

int renderer_new(struct crawl *c, struct renderer **out)
{
  *out = calloc(1, sizeof(**out));
  if (!*out)
    return -1;
  (*out)->c = c;
  return 0;
}

static int rm_entry(const char *path, const struct stat *sb, int flag,
                    struct FTW *ftw)
{
  (void)sb;
  (void)flag;
  (void)ftw;
  remove(path);
  return 0;
}

/* The Chromium of @p ends: its group killed, the process reaped, its
 * profile removed. */
static void chromium_end(struct rpage *p)
{
  if (p->fd >= 0) {
    loop_watch(p->r->c->loop, p->fd, 0, 0, NULL, NULL);
    close(p->fd);
    p->fd = -1;
  }
  if (p->pgid > 0) {
    kill(-p->pgid, SIGKILL); /* the renderers and helpers it started too */
    p->pgid = 0;
  }
  if (p->pid > 0) {
    while (waitpid(p->pid, NULL, 0) < 0 && errno == EINTR)
      ;
    p->pid = 0;
  }
  if (p->dir) {
    nftw(p->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(p->dir);
    p->dir = NULL;
  }
}

static void rpage_free(struct rpage *p)
{
  chromium_end(p);
  if (p->served_done)
    html_page_cleanup(&p->served);
  if (p->dom_ok)
    html_page_cleanup(&p->dom);
  v6_buf_cleanup(&p->out);
  free(p->page);
  free(p->url);
  free(p);
}

void renderer_free(struct renderer *r)
{
  if (!r)
    return;
  while (r->all) {
    struct rpage *p = r->all;
    r->all = p->next;
    rpage_free(p);
  }
  free(r);
}

static void rpage_unlink(struct rpage *p)
{
  struct rpage **pp;
  for (pp = &p->r->all; *pp; pp = &(*pp)->next)
    if (*pp == p) {
      *pp = p->next;
      break;
    }
}

/* ---- combining ----------------------------------------------------------- */

/* The keys of the links @hp gives the site (its links, and its script
 * literals with --script-links) into @m. Returns 0 or -1 (memory). */
static int keys_put(struct map *m, const struct html_page *hp, int scripts)
{
  size_t i, n = hp->n_links + (scripts ? hp->n_script_links : 0);
  for (i = 0; i < n; i++) {
    const struct html_link *l =
      i < hp->n_links ? &hp->links[i] : &hp->script_links[i - hp->n_links];
    char frag[512];
    int kind;
    const char *k = frontier_link_key(l, hp->url, frag, sizeof frag, &kind);
    if (i >= hp->n_links && (!l->url || !url_is_http(l->url)))
      continue; /* the frontier takes only http script literals */
    if (k && !map_get(m, k) && !map_put(m, k, (void *)1))
      return -1;
  }
  return 0;
}

struct only {
  const struct map *served;
  struct v6_buf b;
};

static void only_add(const char *key, void *val, void *arg)
{
  struct only *o = arg;
  (void)val;
  if (map_get(o->served, key))
    return;
  if (o->b.n)
    v6_buf_putc(&o->b, '\n');
  v6_buf_puts(&o->b, key);
}

static void count_key(const char *key, void *val, void *arg)
{
  (void)key;
  (void)val;
  (*(uint32_t *)arg)++;
}

/* Both parses of @p are in: the record, then the page's links to the
 * site (the DOM's, else the HTML's). */
static void rpage_finish(struct rpage *p)
{
  struct crawl *c = p->r->c;
  struct site *s = p->s;
  struct store_render sr;
  struct map served, dom;
  struct only o;
  int script = c->o->script_links;
  int links = p->level < s->f.depth; /* its links are links of the site */

  memset(&sr, 0, sizeof sr);
  memset(&served, 0, sizeof served);
  memset(&dom, 0, sizeof dom);
  memset(&o, 0, sizeof o);
  v6_buf_init(&o.b, 0);
  sr.url = p->page;
  sr.ms = p->ms;
  sr.status = p->dom_ok ? STORE_RENDER_OK : STORE_RENDER_FAILED;
  sr.why = p->dom_ok ? NULL : p->why;
  if (keys_put(&served, &p->served, script) < 0 ||
      (p->dom_ok && keys_put(&dom, &p->dom, script) < 0))
    crawl_oom(c);
  map_each(&served, count_key, &sr.served);
  map_each(&dom, count_key, &sr.rendered);
  if (p->dom_ok && links) {
    o.served = &served;
    map_each(&dom, only_add, &o);
    if (o.b.oom)
      crawl_oom(c);
    sr.only = o.b.p;
  }
  crawl_store_rc(c, store_render_put(c->st, c->run, s->idx, &sr));
  v6_buf_cleanup(&o.b);
  map_clear(&served, NULL);
  map_clear(&dom, NULL);
  if (p->dom_ok) {
    /* the page as served decides what the parse guard saw and where a
     * meta refresh goes; the DOM, what its links are */
    char *refresh = p->dom.refresh_url;
    p->dom.cut = p->served.cut;
    p->dom.text_len = p->served.text_len;
    p->dom.parsed = p->served.parsed;
    p->dom.depth = p->served.depth;
    p->dom.flattened = p->served.flattened;
    p->dom.flat_at = p->served.flat_at;
    p->dom.refresh_url = p->served.refresh_url;
    p->served.refresh_url = refresh;
    site_page_parsed(s, p->level, p->page, p->truncated, &p->dom);
    p->dom_ok = 0; /* the frontier took it */
  } else {
    site_page_parsed(s, p->level, p->page, p->truncated, &p->served);
    p->served_done = 0;
  }
  c->work--;
  rpage_unlink(p);
  rpage_free(p);
}

static void rpage_check(struct rpage *p)
{
  if (p->served_done && p->dom_done)
    rpage_finish(p);
}

/* A parse of @p (the HTML or the DOM) is in. */
static void parsed_common(struct pool_job *j, struct html_page *into, int *ok)
{
  if (j->rc != PARSE_OK) {
    crawl_oom(((struct rpage *)j->arg)->r->c);
    memset(into, 0, sizeof *into);
    *ok = 0;
    return;
  }
  *into = j->hp;
  memset(&j->hp, 0, sizeof j->hp); /* taken */
  *ok = 1;
}

static void served_parsed(struct pool_job *j)
{
  struct rpage *p = j->arg;
  int ok;
  parsed_common(j, &p->served, &ok);
  p->served_done = 1;
  if (!ok)
    p->served.url = NULL; /* an empty page: no links */
  rpage_check(p);
}

static void dom_parsed(struct pool_job *j)
{
  struct rpage *p = j->arg;
  parsed_common(j, &p->dom, &p->dom_ok);
  if (!p->dom_ok)
    snprintf(p->why, sizeof p->why, "out of memory parsing the DOM");
  p->dom_done = 1;
  rpage_check(p);
}

/* Parse @len bytes at @body (page @p's HTML or DOM) in the pool. */
static int submit(struct rpage *p, const char *body, size_t len, const char *ct,
                  void (*done)(struct pool_job *))
{
  struct pool_job *j = pool_job_new(body, len, ct, p->url, p->page);
  if (!j)
    return -1;
  j->done = done;
  j->arg = p;
  j->level = p->level;
  j->truncated = p->truncated;
  pool_submit(p->r->c->pool, j);
  return 0;
}

/* ---- Chromium ------------------------------------------------------------ */

/* "MAP host 192.0.2.1, " for every host v6crawl resolved with a usable
 * A address (@first, the page's own host, first), then "MAP * ~NOTFOUND". */
struct rules {
  struct v6_buf b;
  const char *first;
};

static void rule_add(struct rules *r, const struct host *h)
{
  size_t before = r->b.n;
  if (!h->resolved || h->bad || !h->n_use[0] || strchr(h->name, ':') ||
      strspn(h->name, "0123456789.") == strlen(h->name))
    return;
  v6_buf_puts(&r->b, "MAP ");
  v6_buf_puts(&r->b, h->name);
  v6_buf_putc(&r->b, ' ');
  v6_buf_puts(&r->b, h->use[0][0]);
  v6_buf_puts(&r->b, ", ");
  if (r->b.n > RULES_MAX) { /* keep the rest of the names failing */
    r->b.n = before;
    r->b.p[before] = '\0';
  }
}

static void rule_each(const char *key, void *val, void *arg)
{
  struct rules *r = arg;
  (void)key;
  if (strcmp(((const struct host *)val)->name, r->first))
    rule_add(r, val);
}

static char *rules_build(struct crawl *c, const struct host *page_host)
{
  struct rules r;
  v6_buf_init(&r.b, 0);
  r.first = page_host->name;
  v6_buf_puts(&r.b, "--host-resolver-rules=");
  rule_add(&r, page_host);
  map_each(&c->hosts, rule_each, &r);
  v6_buf_puts(&r.b, "MAP * ~NOTFOUND");
  if (r.b.oom) {
    v6_buf_cleanup(&r.b);
    return NULL;
  }
  return v6_buf_take(&r.b);
}

/* The environment of Chromium: ours, with its home, XDG homes and
 * temporary files in the throwaway directory @dir (a Chromium killed at
 * the budget leaves its temporary directories behind). NULL when out of
 * memory. */
static char **env_build(const char *dir, char *store, size_t len)
{
  static const char *const homes[] = {
    "HOME=", "XDG_CONFIG_HOME=", "XDG_CACHE_HOME=", "XDG_DATA_HOME=",
    "TMPDIR="};
  size_t n = 0, i, k = 0, off = 0;
  char **env;
  while (environ[n])
    n++;
  env = calloc(n + 6, sizeof(*env));
  if (!env)
    return NULL;
  for (i = 0; i < n; i++) {
    size_t h;
    for (h = 0; h < 5; h++)
      if (!strncmp(environ[i], homes[h], strlen(homes[h])))
        break;
    if (h == 5)
      env[k++] = environ[i];
  }
  for (i = 0; i < 5; i++) {
    int w = snprintf(store + off, len - off, "%s%s", homes[i], dir);
    if (w < 0 || (size_t)w >= len - off) {
      free(env);
      return NULL;
    }
    env[k++] = store + off;
    off += (size_t)w + 1;
  }
  env[k] = NULL;
  return env;
}

/* Why Chromium gave no DOM, from its stderr ("Page load failed:
 * net::ERR_CONNECTION_REFUSED"), into p->why. */
static void why_from_stderr(struct rpage *p, int status)
{
  char path[4096], line[512];
  FILE *f;
  snprintf(p->why, sizeof p->why, "Chromium gave no DOM (%s %d)",
           WIFSIGNALED(status) ? "signal" : "exit status",
           WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
  snprintf(path, sizeof path, "%s/stderr", p->dir);
  if (!(f = fopen(path, "r")))
    return;
  while (fgets(line, sizeof line, f)) {
    const char *m = strstr(line, "Page load failed: ");
    if (m) {
      size_t n = strcspn(m, "\r\n");
      snprintf(p->why, sizeof p->why, "Chromium: %.*s", (int)n, m);
      break;
    }
  }
  fclose(f);
}

/* Chromium of @p is done (its output all read, or it exited): the DOM
 * goes to the parser, or the page keeps its HTML's links. */
static void chromium_done(struct rpage *p, int status)
{
  struct renderer *r = p->r;
  struct rpage **pp;
  int64_t now = loop_now_ms();
  p->ms = (double)(now - p->t0);
  for (pp = &r->running; *pp; pp = &(*pp)->run_next)
    if (*pp == p) {
      *pp = p->run_next;
      break;
    }
  r->n_running--;
  if (p->timed_out)
    snprintf(p->why, sizeof p->why, "no DOM within %ld ms (Chromium killed)",
             r->c->o->render_timeout_ms);
  else if (!p->out.n || p->out.oom)
    why_from_stderr(p, status);
  if (!p->timed_out && p->out.n && !p->out.oom) {
    if (submit(p, p->out.p, p->out.n, "text/html; charset=utf-8", dom_parsed) <
        0) {
      crawl_oom(r->c);
      p->dom_done = 1;
    }
  } else {
    p->dom_done = 1;
  }
  chromium_end(p);
  v6_buf_cleanup(&p->out);
  rpage_check(p);
}

/* Read what Chromium wrote; 1 at the end of its output. */
static int chromium_read(struct rpage *p)
{
  char buf[65536];
  for (;;) {
    ssize_t n = read(p->fd, buf, sizeof buf);
    if (n > 0) {
      v6_buf_putn(&p->out, buf, (size_t)n); /* capped at --max-body */
      continue;
    }
    if (n == 0)
      return 1;
    if (errno == EINTR)
      continue;
    return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : 1;
  }
}

static void chromium_ready(void *ctx, int fd, int readable, int writable)
{
  struct rpage *p = ctx;
  (void)fd;
  (void)writable;
  if (readable && !p->eof && chromium_read(p)) {
    /* renderer_tick ends it, in the loop's turn */
    p->eof = 1;
    loop_watch(p->r->c->loop, p->fd, 0, 0, NULL, NULL);
  }
}

/* Start Chromium for @p. Returns 0, or -1 with p->why set. */
static int chromium_start(struct rpage *p, const struct host *h)
{
  struct crawl *c = p->r->c;
  const char *tmp = getenv("TMPDIR");
  char tmpl[4096], errpath[4200], budget[64], ua[1100], dirarg[4200];
  char envstore[5 * 4200];
  char *rules = NULL, **env = NULL;
  const char *argv[40];
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t at;
  sigset_t none, def;
  int fds[2] = {-1, -1}, n = 0, rc = -1, fa_ok = 0, at_ok = 0;
  long vt = c->o->render_timeout_ms < RENDER_VIRTUAL_MS
              ? c->o->render_timeout_ms
              : RENDER_VIRTUAL_MS;

  /* Chromium's singleton socket goes in TMPDIR/org.chromium.Chromium.X/
   * (our directory): a Unix socket path has at most 107 bytes */
  if (!tmp || !*tmp || strlen(tmp) > RENDER_TMP_MAX)
    tmp = "/tmp";
  snprintf(tmpl, sizeof tmpl, "%s/v6crawl-render-XXXXXX", tmp);
  if (!mkdtemp(tmpl) || !(p->dir = strdup(tmpl))) {
    snprintf(p->why, sizeof p->why, "cannot create a profile directory: %s",
             strerror(errno));
    goto out;
  }
  snprintf(errpath, sizeof errpath, "%s/stderr", p->dir);
  snprintf(dirarg, sizeof dirarg, "--user-data-dir=%s/profile", p->dir);
  snprintf(budget, sizeof budget, "--virtual-time-budget=%ld", vt);
  snprintf(ua, sizeof ua, "--user-agent=%s",
           c->o->user_agent ? c->o->user_agent : "v6crawl");
  if (!(rules = rules_build(c, h)) ||
      !(env = env_build(p->dir, envstore, sizeof envstore))) {
    snprintf(p->why, sizeof p->why, "out of memory");
    crawl_oom(c);
    goto out;
  }
  argv[n++] = c->o->render;
  argv[n++] = "--headless";
  if (geteuid() == 0)
    argv[n++] = "--no-sandbox"; /* Chromium refuses root otherwise */
  argv[n++] = "--disable-gpu";
  argv[n++] = "--no-first-run";
  argv[n++] = "--no-default-browser-check";
  argv[n++] = "--disable-background-networking";
  argv[n++] = "--disable-component-update";
  argv[n++] = "--disable-sync";
  argv[n++] = "--no-pings";
  argv[n++] = "--disable-default-apps";
  argv[n++] = "--disable-extensions";
  argv[n++] = "--disable-breakpad";
  argv[n++] = "--disable-domain-reliability";
  argv[n++] = "--disable-client-side-phishing-detection";
  argv[n++] = "--disable-features=OptimizationHints,MediaRouter,Translate,"
              "AutofillServerCommunication,CertificateTransparencyComponent"
              "Updater,InterestFeedContentSuggestions";
  argv[n++] = "--metrics-recording-only";
  argv[n++] = "--safebrowsing-disable-auto-update";
  argv[n++] = "--no-proxy-server";
  argv[n++] = "--mute-audio";
  argv[n++] = "--hide-scrollbars";
  argv[n++] = dirarg;
  argv[n++] = ua;
  argv[n++] = rules;
  argv[n++] = budget;
  argv[n++] = "--dump-dom";
  argv[n++] = p->url;
  argv[n] = NULL;

  if (pipe2(fds, O_CLOEXEC) < 0 ||
      fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK) < 0) {
    snprintf(p->why, sizeof p->why, "cannot make a pipe: %s", strerror(errno));
    goto out;
  }
  if (posix_spawn_file_actions_init(&fa) || (fa_ok = 1, 0) ||
      posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0) ||
      posix_spawn_file_actions_adddup2(&fa, fds[1], 1) ||
      posix_spawn_file_actions_addopen(&fa, 2, errpath,
                                       O_WRONLY | O_CREAT | O_TRUNC, 0600)
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 34)
      /* the crawl's sockets and the store's files stay ours */
      || posix_spawn_file_actions_addclosefrom_np(&fa, 3)
#endif
  ) {
    snprintf(p->why, sizeof p->why, "cannot set up the spawn");
    goto out;
  }
  sigemptyset(&none);
  sigemptyset(&def);
  sigaddset(&def, SIGPIPE);
  sigaddset(&def, SIGINT);
  sigaddset(&def, SIGTERM);
  sigaddset(&def, SIGCHLD);
  if (posix_spawnattr_init(&at) || (at_ok = 1, 0) ||
      posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP |
                                      POSIX_SPAWN_SETSIGMASK |
                                      POSIX_SPAWN_SETSIGDEF) ||
      posix_spawnattr_setpgroup(&at, 0) ||
      posix_spawnattr_setsigmask(&at, &none) ||
      posix_spawnattr_setsigdefault(&at, &def)) {
    snprintf(p->why, sizeof p->why, "cannot set up the spawn");
    goto out;
  }
  rc = posix_spawn(&p->pid, c->o->render, &fa, &at, (char *const *)argv, env);
  if (rc) {
    snprintf(p->why, sizeof p->why, "cannot start %s: %s", c->o->render,
             strerror(rc));
    p->pid = 0;
    rc = -1;
    goto out;
  }
  p->pgid = p->pid;
  p->fd = fds[0];
  fds[0] = -1;
  if (loop_watch(c->loop, p->fd, 1, 0, chromium_ready, p) < 0) {
    snprintf(p->why, sizeof p->why, "cannot watch Chromium's output");
    rc = -1;
    goto out;
  }
  rc = 0;
out:
  if (fa_ok)
    posix_spawn_file_actions_destroy(&fa);
  if (at_ok)
    posix_spawnattr_destroy(&at);
  if (fds[0] >= 0)
    close(fds[0]);
  if (fds[1] >= 0)
    close(fds[1]);
  free(rules);
  free(env);
  if (rc < 0)
    chromium_end(p);
  return rc;
}

/* Start the waiting pages while fewer than RENDER_MAX Chromiums run. */
static void renderer_pump(struct renderer *r)
{
  while (r->q_head && r->n_running < RENDER_MAX) {
    struct rpage *p = r->q_head;
    struct url_view v;
    const struct host *h = NULL;
    r->q_head = p->q_next;
    if (!r->q_head)
      r->q_tail = NULL;
    if (url_view_parse(p->url, &v) == PARSE_OK) {
      h = map_get(&r->c->hosts, v.host);
      url_view_cleanup(&v);
    }
    p->t0 = loop_now_ms();
    if (!h || !h->resolved || !h->n_use[0]) {
      snprintf(p->why, sizeof p->why, "its host has no usable IPv4 address");
      p->dom_done = 1;
      rpage_check(p);
      continue;
    }
    if (chromium_start(p, h) < 0) {
      p->dom_done = 1;
      rpage_check(p);
      continue;
    }
    p->deadline = p->t0 + r->c->o->render_timeout_ms;
    p->run_next = r->running;
    r->running = p;
    r->n_running++;
  }
}

int render_page(struct site *s, int level, const char *page,
                const struct attempt *a)
{
  struct crawl *c = s->c;
  struct renderer *r = c->rnd;
  struct rpage *p;

  if (!r || level >= s->f.depth)
    return -1; /* its links are none of the site's: nothing to render */
  p = calloc(1, sizeof(*p));
  if (!p || !(p->page = strdup(page)) || !(p->url = strdup(a->url))) {
    if (p)
      free(p->page);
    free(p);
    return -1;
  }
  p->r = r;
  p->s = s;
  p->level = level;
  p->truncated = a->truncated;
  p->fd = -1;
  v6_buf_init(&p->out, c->o->max_body);
  if (submit(p, a->body, a->body_len, a->content_type, served_parsed) < 0) {
    free(p->page);
    free(p->url);
    free(p);
    return -1;
  }
  c->work++;
  p->next = r->all;
  r->all = p;
  if (r->q_tail)
    r->q_tail->q_next = p;
  else
    r->q_head = p;
  r->q_tail = p;
  renderer_pump(r);
  return 0;
}

long renderer_timeout_ms(const struct renderer *r)
{
  return r && (r->running || r->q_head) ? RENDER_POLL_MS : -1;
}

void renderer_tick(struct renderer *r)
{
  struct rpage *p, *next;
  int64_t now;
  if (!r)
    return;
  now = loop_now_ms();
  for (p = r->running; p; p = next) {
    int status = 0;
    pid_t w;
    next = p->run_next;
    if (p->eof) {
      chromium_done(p, 0);
      continue;
    }
    w = waitpid(p->pid, &status, WNOHANG);
    if (w == p->pid) {
      /* it exited: what is left in the pipe is all there is */
      p->pid = 0;
      if (!p->eof)
        chromium_read(p);
      chromium_done(p, status);
    } else if (now >= p->deadline) {
      p->timed_out = 1;
      chromium_done(p, 0);
    }
  }
  renderer_pump(r);
}
