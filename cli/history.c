/* cli/history.c - every crawl is a run: `v6crawl runs` lists them,
 * `v6crawl diff` compares two (per site the change in each figure, the
 * links that became failing or fixed, the links that appeared or went),
 * `v6crawl prune` deletes old ones. Read from the store alone. */
#include "config.h"

#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "report/report.h"
#include "store/store.h"

static int store_exit(const char *db, int src)
{
  cli_err("cannot read the store %s: %s", db ? db : "", store_strerror(src));
  return src == STORE_NOMEM ? EXIT_INTERNAL : EXIT_STORE;
}

/* ---- runs ------------------------------------------------------------- */

static void runs_csv(FILE *o, const struct store_run *runs, size_t n)
{
  char t1[32], t2[32], buf[32];
  size_t i;

  csv_bom(o);
  fputs("id,started,finished,complete,vantage_ipv6,sites,state,date\r\n", o);
  for (i = 0; i < n; i++) {
    csv_num(o, 1, runs[i].id, 0);
    cli_time(t1, sizeof t1, runs[i].started);
    cli_time(t2, sizeof t2, runs[i].finished);
    csv_field(o, runs[i].started ? t1 : "", 0);
    csv_field(o, runs[i].finished ? t2 : "", 0);
    csv_field(o, runs[i].complete ? "true" : "false", 0);
    csv_field(o,
              runs[i].vantage_ipv6 == 1   ? "true"
              : runs[i].vantage_ipv6 == 0 ? "false"
                                          : "",
              0);
    csv_num(o, 1, runs[i].n_sites, 0);
    csv_field(o, cli_run_state(&runs[i]), 0);
    cli_date(buf, sizeof buf, runs[i].started);
    csv_field(o, buf, 1);
  }
}

static void runs_text(FILE *o, const char *db, const struct store_run *runs,
                      size_t n)
{
  char t1[32], t2[32];
  size_t i;

  if (n == 0)
    fprintf(o, "no runs in the store %s\n", cli_tx(db));
  else
    fprintf(o, "%6s  %-20s  %-20s  %-11s  %-4s  %5s\n", "run", "started",
            "finished", "complete", "ipv6", "sites");
  for (i = 0; i < n; i++) {
    cli_time(t1, sizeof t1, runs[i].started);
    cli_time(t2, sizeof t2, runs[i].finished);
    fprintf(o, "%6u  %-20s  %-20s  %-11s  %-4s  %5u\n", runs[i].id, t1, t2,
            runs[i].complete ? "yes" : cli_run_state(&runs[i]),
            runs[i].vantage_ipv6 == 1   ? "yes"
            : runs[i].vantage_ipv6 == 0 ? "NO"
                                        : "?",
            runs[i].n_sites);
  }
}

int cmd_runs(int argc, char **argv)
{
  struct cli_args a;
  struct store *st = NULL;
  struct store_run *runs = NULL;
  size_t n = 0, i;
  char *db = NULL;
  FILE *o = NULL;
  int rc, src;

  rc = cli_args_parse(CMD_RUNS, argc, argv, &a, NULL, NULL);
  if (rc >= 0)
    return rc;
  rc = cli_store_open(a.db, 1, &st, &db);
  if (rc != EXIT_OKAY)
    goto out;
  src = store_runs_list(st, &runs, &n);
  if (src != STORE_OK) {
    rc = store_exit(db, src);
    goto out;
  }
  o = cli_out_open(a.output);
  if (!o) {
    rc = EXIT_USAGE;
    goto out;
  }
  if (a.format == V6_FMT_JSON) {
    json_t *doc = cli_jdoc("runs"), *arr = json_array();
    for (i = 0; i < n; i++)
      json_array_append_new(arr, cli_run_json(st, &runs[i], &src));
    json_object_set_new(doc, "runs", arr);
    if (src == STORE_OK)
      src = cli_jdump(o, doc);
    else
      json_decref(doc);
    if (src != STORE_OK)
      rc = store_exit(db, src);
  } else if (a.format == V6_FMT_CSV) {
    runs_csv(o, runs, n);
  } else {
    runs_text(o, db, runs, n);
  }
  rc = cli_out_close(o, a.output, rc);
out:
  store_runs_free(runs, n);
  store_close(st);
  free(db);
  return rc;
}

/* ---- diff ------------------------------------------------------------- */

static const char *const change_name[REPORT_CH__N] = {
  "became_failing", "became_fixed", "new", "gone", "changed"};
static const char *const change_text[REPORT_CH__N] = {
  "became failing", "became fixed", "new links", "gone links",
  "other class changes"};

/* Pick the default runs: the last two complete ones. */
static int diff_defaults(struct store *st, const char *db, uint32_t *a,
                         uint32_t *b, int have_a)
{
  int src = report_diff_defaults(st, have_a, a, b);

  if (src == STORE_NOTFOUND) {
    cli_err("the store %s has fewer than %d complete runs: name the runs "
            "(v6crawl runs lists them)",
            db, have_a ? 1 : 2);
    return EXIT_USAGE;
  }
  return src == STORE_OK ? EXIT_OKAY : store_exit(db, src);
}

static json_t *fig_mini_json(const struct store_fig *f)
{
  json_t *o = json_object();
  double c = 0;
  int hc = store_fig_concentration(f, &c) == 0;

  json_object_set_new(o, "counted", json_integer(store_fig_counted(f)));
  json_object_set_new(o, "ipv6", json_integer(store_fig_supported(f)));
  json_object_set_new(o, "concentration", cli_jnum(hc, c));
  return o;
}

static json_t *dlink_json(const struct report_dchange *c)
{
  const struct report_dlink *l = c->b ? c->b : c->a;
  json_t *o = json_object();

  json_object_set_new(o, "url", cli_jstr(l->url));
  json_object_set_new(o, "level", json_integer(l->level));
  json_object_set_new(o, "scope",
                      json_string(l->internal ? "internal" : "external"));
  json_object_set_new(o, "class_a",
                      cli_jstr(c->a ? store_class_name(c->a->klass) : NULL));
  json_object_set_new(o, "class_b",
                      cli_jstr(c->b ? store_class_name(c->b->klass) : NULL));
  return o;
}

/* The object of site @d of the diff. */
static json_t *dsite_json(const struct report_dsite *d)
{
  json_t *o = json_object(), *levels = json_object();
  char key[16];
  size_t j;
  int l, s, k, hb, ha;
  double va = 0, vb = 0;

  json_object_set_new(o, "start_url",
                      cli_jstr((d->sb ? d->sb : d->sa)->start_url));
  json_object_set_new(o, "name", cli_jstr((d->sb ? d->sb : d->sa)->name));
  json_object_set_new(o, "in_a", json_boolean(d->sa != NULL));
  json_object_set_new(o, "in_b", json_boolean(d->sb != NULL));
  for (l = 2; l <= 3; l++) {
    json_t *lv = json_object();
    for (s = 0; s < 2; s++) {
      const struct store_fig *fa = &d->fa.level[l][s], *fb = &d->fb.level[l][s];
      json_t *x = json_object();
      json_object_set_new(x, "a", fig_mini_json(fa));
      json_object_set_new(x, "b", fig_mini_json(fb));
      ha = d->sa && store_fig_concentration(fa, &va) == 0;
      hb = d->sb && store_fig_concentration(fb, &vb) == 0;
      json_object_set_new(x, "change", cli_jnum(ha && hb, vb - va));
      json_object_set_new(lv, s ? "all" : "internal", x);
    }
    snprintf(key, sizeof key, "%d", l);
    json_object_set_new(levels, key, lv);
  }
  json_object_set_new(o, "levels", levels);
  for (k = 0; k < REPORT_CH__N; k++) {
    json_t *a = json_array();
    for (j = 0; j < d->nch[k]; j++)
      json_array_append_new(a, dlink_json(&d->ch[k][j]));
    json_object_set_new(o, change_name[k], a);
  }
  return o;
}

static int diff_json(FILE *o, struct store *st, const struct store_run *ra,
                     const struct store_run *rb, struct report_dsite *ds,
                     size_t n)
{
  json_t *doc = cli_jdoc("diff"), *sites = json_array();
  size_t i;
  int rc = STORE_OK;

  json_object_set_new(doc, "a", cli_run_json(st, ra, &rc));
  json_object_set_new(doc, "b", cli_run_json(st, rb, &rc));
  for (i = 0; i < n; i++)
    json_array_append_new(sites, dsite_json(&ds[i]));
  json_object_set_new(doc, "sites", sites);
  if (rc != STORE_OK) {
    json_decref(doc);
    return rc;
  }
  return cli_jdump(o, doc);
}

/* The columns of a diff CSV row that come before the change: the two
 * runs and the site; its dates come last (diff_row_end). */
static void diff_row_start(FILE *o, const struct store_run *ra,
                           const struct store_run *rb, const char *site)
{
  csv_num(o, 1, ra->id, 0);
  csv_num(o, 1, rb->id, 0);
  csv_field(o, site, 0);
}

static void diff_row_end(FILE *o, const struct store_run *ra,
                         const struct store_run *rb)
{
  char date[16];

  cli_date(date, sizeof date, ra->started);
  csv_field(o, date, 0);
  cli_date(date, sizeof date, rb->started);
  csv_field(o, date, 1);
}

static void diff_csv(FILE *o, const struct store_run *ra,
                     const struct store_run *rb, struct report_dsite *ds,
                     size_t n)
{
  size_t i, j;
  int l, s, k;
  double va = 0, vb = 0;

  csv_bom(o);
  fputs("run_a,run_b,site,change,level,scope,url,class_a,class_b,"
        "concentration_a,concentration_b,difference,date_a,date_b\r\n",
        o);
  for (i = 0; i < n; i++) {
    struct report_dsite *d = &ds[i];
    const char *site = (d->sb ? d->sb : d->sa)->start_url;
    for (l = 2; l <= 3; l++) {
      for (s = 0; s < 2; s++) {
        int ha = d->sa && store_fig_concentration(&d->fa.level[l][s], &va) == 0;
        int hb = d->sb && store_fig_concentration(&d->fb.level[l][s], &vb) == 0;
        diff_row_start(o, ra, rb, site);
        csv_field(o, "figure", 0);
        csv_num(o, 1, l, 0);
        csv_field(o, s ? "all" : "internal", 0);
        csv_field(o, "", 0);
        csv_field(o, "", 0);
        csv_field(o, "", 0);
        csv_num(o, ha, va, 0);
        csv_num(o, hb, vb, 0);
        /* a drop is a negative number, not a guarded text cell */
        csv_num(o, ha && hb, vb - va, 0);
        diff_row_end(o, ra, rb);
      }
    }
    for (k = 0; k < REPORT_CH__N; k++) {
      for (j = 0; j < d->nch[k]; j++) {
        const struct report_dchange *c = &d->ch[k][j];
        const struct report_dlink *lk = c->b ? c->b : c->a;
        diff_row_start(o, ra, rb, site);
        csv_field(o, change_name[k], 0);
        csv_num(o, 1, lk->level, 0);
        csv_field(o, lk->internal ? "internal" : "external", 0);
        csv_field(o, lk->url, 0);
        csv_field(o, c->a ? store_class_name(c->a->klass) : "", 0);
        csv_field(o, c->b ? store_class_name(c->b->klass) : "", 0);
        csv_field(o, "", 0);
        csv_field(o, "", 0);
        csv_field(o, "", 0);
        diff_row_end(o, ra, rb);
      }
    }
  }
}

static void fig_text(char *buf, size_t len, const struct store_fig *f, int have)
{
  char p[16];

  if (!have || !store_fig_counted(f)) {
    snprintf(buf, len, "-");
    return;
  }
  report_pct_floor(p, sizeof p, store_fig_supported(f), store_fig_counted(f));
  snprintf(buf, len, "%s %u/%u", p, store_fig_supported(f),
           store_fig_counted(f));
}

static void diff_text(FILE *o, const struct store_run *ra,
                      const struct store_run *rb, struct report_dsite *ds,
                      size_t n)
{
  char t1[32], t2[32], fa[48], fb[48], ch[32], pts[16];
  size_t i, j;
  int l, s, k;

  cli_time(t1, sizeof t1, ra->started);
  cli_time(t2, sizeof t2, rb->started);
  fprintf(o, "diff: run %u (%s%s) -> run %u (%s%s)\n", ra->id, t1,
          ra->complete ? "" : ", incomplete", rb->id, t2,
          rb->complete ? "" : ", incomplete");
  for (i = 0; i < n; i++) {
    struct report_dsite *d = &ds[i];
    fprintf(o, "\n%s%s\n", cli_tx((d->sb ? d->sb : d->sa)->start_url),
            !d->sa   ? " (only in run B)"
            : !d->sb ? " (only in run A)"
                     : "");
    for (l = 2; l <= 3; l++) {
      for (s = 0; s < 2; s++) {
        const struct store_fig *a = &d->fa.level[l][s], *b = &d->fb.level[l][s];
        fig_text(fa, sizeof fa, a, d->sa != NULL);
        fig_text(fb, sizeof fb, b, d->sb != NULL);
        if (d->sa && d->sb && store_fig_counted(a) && store_fig_counted(b)) {
          report_pts_floor(pts, sizeof pts, store_fig_supported(a),
                           store_fig_counted(a), store_fig_supported(b),
                           store_fig_counted(b));
          snprintf(ch, sizeof ch, "%s pts", pts);
        } else
          snprintf(ch, sizeof ch, "-");
        fprintf(o, "  level %d %-8s  %-20s -> %-20s  %s\n", l,
                s ? "all" : "internal", fa, fb, ch);
      }
    }
    for (k = 0; k < REPORT_CH__N; k++) {
      if (!d->nch[k])
        continue;
      fprintf(o, "  %s (%zu):\n", change_text[k], d->nch[k]);
      for (j = 0; j < d->nch[k]; j++) {
        const struct report_dchange *c = &d->ch[k][j];
        const struct report_dlink *lk = c->b ? c->b : c->a;
        fprintf(o, "    L%d %-8s %-10s -> %-10s %s\n", lk->level,
                lk->internal ? "internal" : "external",
                c->a ? store_class_name(c->a->klass) : "-",
                c->b ? store_class_name(c->b->klass) : "-", cli_tx(lk->url));
      }
    }
  }
}

int cmd_diff(int argc, char **argv)
{
  struct cli_args ca;
  struct store *st = NULL;
  struct store_run ra = {0}, rb = {0};
  struct report_diff d = {0};
  uint32_t a = 0, b = 0;
  char *db = NULL;
  FILE *o = NULL;
  int rc, src = STORE_OK, first;

  rc = cli_args_parse(CMD_DIFF, argc, argv, &ca, NULL, NULL);
  if (rc >= 0)
    return rc;
  first = ca.first;
  if (argc - first > 2) {
    cli_err("diff takes at most two runs");
    return EXIT_USAGE;
  }
  rc = cli_store_open(ca.db, 1, &st, &db);
  if (rc != EXIT_OKAY)
    goto out;
  if (argc - first >= 1) {
    rc = cli_run_arg(st, db, argv[first], &a);
    if (rc != EXIT_OKAY)
      goto out;
  }
  if (argc - first == 2)
    rc = cli_run_arg(st, db, argv[first + 1], &b);
  else
    rc = diff_defaults(st, db, &a, &b, argc - first == 1);
  if (rc != EXIT_OKAY)
    goto out;
  src = store_run_get(st, a, &ra);
  if (src == STORE_OK)
    src = store_run_get(st, b, &rb);
  if (src == STORE_OK)
    src = report_diff_build(st, a, b, &d);
  if (src != STORE_OK)
    goto out;
  o = cli_out_open(ca.output);
  if (!o) {
    rc = EXIT_USAGE;
    goto out;
  }
  if (ca.format == V6_FMT_JSON)
    src = diff_json(o, st, &ra, &rb, d.ds, d.n);
  else if (ca.format == V6_FMT_CSV)
    diff_csv(o, &ra, &rb, d.ds, d.n);
  else
    diff_text(o, &ra, &rb, d.ds, d.n);
  rc = cli_out_close(o, ca.output, rc);
out:
  if (src != STORE_OK)
    rc = store_exit(db, src);
  report_diff_cleanup(&d);
  store_run_cleanup(&ra);
  store_run_cleanup(&rb);
  store_close(st);
  free(db);
  return rc;
}

/* ---- prune ------------------------------------------------------------ */

struct prune_args {
  long keep;
  int compact, dry;
};

static int prune_opt(void *ud, int id, const char *arg)
{
  struct prune_args *p = ud;
  long v;

  switch (id) {
    case OPT_KEEP:
      if (cli_int(arg, 1, UINT32_MAX, &v) < 0) {
        cli_err("bad --keep '%s': how many runs to keep, 1 or more", arg);
        return EXIT_USAGE;
      }
      p->keep = v;
      return -1;
    case OPT_COMPACT:
      p->compact = 1;
      return -1;
    case OPT_DRYRUN:
      p->dry = 1;
      return -1;
    default:
      return EXIT_USAGE;
  }
}

/* One deleted (or, with @dry, would-be deleted) run @id in format @fmt.
 * JSON lists come later (prune_tail). */
static void prune_line(FILE *o, int fmt, int dry, uint32_t id)
{
  if (fmt == V6_FMT_CSV) {
    csv_num(o, 1, id, 0);
    csv_field(o, dry ? "would delete" : "deleted", 1);
  } else if (fmt == V6_FMT_TEXT) {
    fprintf(o, "%s run %u\n", dry ? "would delete" : "deleted", id);
  }
  fflush(o);
}

/* The runs kept (@gone[i] 0), after the deleted ones; a run kept because
 * its crawl still writes it (@gone[i] 2) is said so. */
static void prune_tail(FILE *o, int fmt, const struct prune_args *p,
                       const struct store_run *runs, size_t n,
                       const unsigned char *gone, int compacted)
{
  size_t i, kept = 0, k;

  for (i = 0; i < n; i++)
    kept += gone[i] != 1;
  if (fmt == V6_FMT_JSON) {
    json_t *doc = cli_jdoc("prune"), *l[3];
    static const char *const key[3] = {"deleted", "kept", "running"};
    for (k = 0; k < 3; k++)
      l[k] = json_array();
    for (i = 0; i < n; i++) {
      json_array_append_new(l[gone[i] == 1 ? 0 : 1], json_integer(runs[i].id));
      if (gone[i] == 2)
        json_array_append_new(l[2], json_integer(runs[i].id));
    }
    for (k = 0; k < 3; k++)
      json_object_set_new(doc, key[k], l[k]);
    json_object_set_new(doc, "dry_run", json_boolean(p->dry));
    json_object_set_new(doc, "compacted", json_boolean(compacted));
    if (cli_jdump(o, doc) != STORE_OK)
      cli_err("out of memory");
  } else if (fmt == V6_FMT_CSV) {
    for (i = 0; i < n; i++) {
      if (gone[i] == 1)
        continue;
      csv_num(o, 1, runs[i].id, 0);
      csv_field(o, gone[i] == 2 ? "kept (running)" : "kept", 1);
    }
  } else {
    for (i = 0; i < n; i++)
      if (gone[i] == 2)
        fprintf(o, "kept run %u: a crawl is still writing it\n", runs[i].id);
    fprintf(o, "kept %zu run%s%s\n", kept, kept == 1 ? "" : "s",
            compacted ? "; the store is compacted" : "");
  }
}

/* Delete all but the p->keep latest of @runs, writing each to @o; a run
 * whose crawl is alive is kept (store_run_running). */
static int prune_runs(FILE *o, int fmt, const struct prune_args *p,
                      struct store *st, const char *db,
                      const struct store_run *runs, size_t n)
{
  size_t ndel = n > (size_t)p->keep ? n - (size_t)p->keep : 0, i;
  unsigned char *gone = calloc(n ? n : 1, 1);
  int src = STORE_OK, compacted = 0;

  if (!gone)
    return STORE_NOMEM;
  if (fmt == V6_FMT_CSV) {
    csv_bom(o);
    fputs("run,action\r\n", o);
  }
  for (i = 0; i < ndel; i++) {
    if (store_run_running(st, runs[i].id)) {
      gone[i] = 2;
      continue;
    }
    if (!p->dry) {
      src = store_run_delete(st, runs[i].id);
      if (src == STORE_BUSY && store_run_running(st, runs[i].id)) {
        gone[i] = 2; /* its crawl started meanwhile */
        src = STORE_OK;
        continue;
      }
      if (src != STORE_OK && src != STORE_NOTFOUND)
        break;
      src = STORE_OK;
    }
    gone[i] = 1;
    prune_line(o, fmt, p->dry, runs[i].id);
  }
  if (src == STORE_OK && p->compact && !p->dry) {
    src = store_compact(st, db);
    if (src == STORE_OK)
      compacted = 1;
    else if (src == STORE_BUSY)
      cli_err("not compacting the store %s: another v6crawl (a crawl) has "
              "it open for writing; run prune --compact again when it ends",
              db);
  }
  prune_tail(o, fmt, p, runs, n, gone, compacted);
  free(gone);
  return src;
}

int cmd_prune(int argc, char **argv)
{
  struct prune_args p = {-1, 0, 0};
  struct cli_args a;
  struct store *st = NULL;
  struct store_run *runs = NULL;
  size_t n = 0;
  char *db = NULL;
  FILE *o = NULL;
  int rc, src = STORE_OK;

  rc = cli_args_parse(CMD_PRUNE, argc, argv, &a, prune_opt, &p);
  if (rc >= 0)
    return rc;
  if (p.keep < 0) {
    cli_usage_err(CMD_PRUNE, "prune needs --keep N");
    return EXIT_USAGE;
  }
  rc = cli_store_open(a.db, p.dry, &st, &db);
  if (rc != EXIT_OKAY)
    goto out;
  src = store_runs_list(st, &runs, &n);
  if (src != STORE_OK)
    goto out;
  o = cli_out_open(a.output);
  if (!o) {
    rc = EXIT_USAGE;
    goto out;
  }
  src = prune_runs(o, a.format, &p, st, db, runs, n);
  rc = cli_out_close(o, a.output, rc);
  if (src == STORE_BUSY) {
    rc = EXIT_STORE; /* said above */
    src = STORE_OK;
  }
out:
  if (src != STORE_OK) {
    cli_err("cannot prune the store %s: %s", db ? db : "", store_strerror(src));
    rc = src == STORE_NOMEM ? EXIT_INTERNAL : EXIT_STORE;
  }
  store_runs_free(runs, n);
  store_close(st);
  free(db);
  return rc;
}
