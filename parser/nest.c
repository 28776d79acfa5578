/* parser/nest.c - the nesting guard run before gumbo.
 *
 * gumbo 0.10.1 has no depth limit: its tree construction scans the stack
 * of open elements for nearly every tag, so its time grows with the
 * square of the nesting (100k nested <div> take 30 s), and it frees the
 * tree recursively. A cheap tokenizer pass here follows the open
 * elements as the HTML tokenizer sees them (comments, raw text elements,
 * quoted attribute values, void elements, the usual implied end tags) and
 * keeps every start tag beyond HTML_MAX_DEPTH from opening an element:
 * one with an attribute that may hold a link (href, src, on*) is closed
 * right after it, as Chrome's parser puts elements beyond its depth
 * limit beside the deepest one instead of inside it; any other is
 * dropped, with the end tags that match nothing open, since at that
 * depth each tag gumbo sees costs it a scan of the whole depth. Text
 * stays, so no link is lost; only structure that no link depends on is. The
 * count is an over-estimate of gumbo's depth (gumbo closes more implicitly),
 * never a large under-estimate for the shapes that nest by plain start tags;
 * what it misses (formatting elements gumbo reopens itself) is bounded by the
 * parse budget in html.c.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "parser/parse.h"
#include "parser/parse_int.h"

enum {
  T_OTHER = 0,
  T_VOID,    /* never open: area, br, img, input, meta, ... */
  T_RAW,     /* its content is text up to its end tag: script, style .. */
  T_PLAIN,   /* plaintext: the rest of the page is text */
  T_FOREIGN, /* svg, math: inside them "<x/>" closes itself */
  T_P,       /* closed by the next block start tag */
  T_LI,      /* closes an open li up to its list */
  T_LIST,    /* ul, ol, menu: li inside them are theirs */
  T_DDT,     /* dd, dt: close an open dd/dt up to dl */
  T_DL,
  T_CELL,  /* td, th: close an open cell up to its row */
  T_TR,    /* closes an open row (and cell) up to its table */
  T_TABLE, /* table */
  T_OPTION,
  T_A,       /* a inside a: the first is closed (adoption agency) */
  T_BLOCK,   /* closes an open p */
  T_FMT,     /* formatting elements gumbo reopens when closed implicitly */
  T_BOX,     /* html, body, span, tbody ...: nothing implied, splittable */
  T_FRAMESET /* the page is frames: never split */
};

/* Formatting elements (b, i, font ...) whose end tag has not come yet:
 * closed implicitly (by "</div>", "</p>") they stay in gumbo's list of
 * active formatting elements, which it reopens, all of them, before the
 * next text; beyond this many, more are parsed flat. */
#define NEST_MAX_FORMATTING 64

/* A run of text of at least this many bytes (two CJK characters), every
 * one of them part of a non-ASCII character (CJK text, its punctuation),
 * goes to gumbo as its first character alone (collapse_text). */
#define COLLAPSE_MIN 6

struct nest_tag {
  const char *name;
  unsigned char cls;
};

/* sorted by name, for bsearch */
static const struct nest_tag nest_tags[] = {
  {"a", T_A},
  {"address", T_BLOCK},
  {"area", T_VOID},
  {"article", T_BLOCK},
  {"aside", T_BLOCK},
  {"b", T_FMT},
  {"base", T_VOID},
  {"basefont", T_VOID},
  {"bgsound", T_VOID},
  {"big", T_FMT},
  {"blockquote", T_BLOCK},
  {"body", T_BOX},
  {"br", T_VOID},
  {"center", T_BLOCK},
  {"code", T_FMT},
  {"col", T_VOID},
  {"dd", T_DDT},
  {"details", T_BLOCK},
  {"dialog", T_BLOCK},
  {"dir", T_BLOCK},
  {"div", T_BLOCK},
  {"dl", T_DL},
  {"dt", T_DDT},
  {"em", T_FMT},
  {"embed", T_VOID},
  {"fieldset", T_BLOCK},
  {"figcaption", T_BLOCK},
  {"figure", T_BLOCK},
  {"font", T_FMT},
  {"footer", T_BLOCK},
  {"form", T_BLOCK},
  {"frame", T_VOID},
  {"frameset", T_FRAMESET},
  {"h1", T_BLOCK},
  {"h2", T_BLOCK},
  {"h3", T_BLOCK},
  {"h4", T_BLOCK},
  {"h5", T_BLOCK},
  {"h6", T_BLOCK},
  {"header", T_BLOCK},
  {"hgroup", T_BLOCK},
  {"hr", T_VOID},
  {"html", T_BOX},
  {"i", T_FMT},
  {"iframe", T_RAW},
  {"image", T_VOID},
  {"img", T_VOID},
  {"input", T_VOID},
  {"keygen", T_VOID},
  {"li", T_LI},
  {"link", T_VOID},
  {"main", T_BLOCK},
  {"math", T_FOREIGN},
  {"menu", T_LIST},
  {"meta", T_VOID},
  {"nav", T_BLOCK},
  {"nobr", T_FMT},
  {"noembed", T_RAW},
  {"noframes", T_RAW},
  {"ol", T_LIST},
  {"option", T_OPTION},
  {"p", T_P},
  {"param", T_VOID},
  {"plaintext", T_PLAIN},
  {"pre", T_BLOCK},
  {"s", T_FMT},
  {"script", T_RAW},
  {"section", T_BLOCK},
  {"small", T_FMT},
  {"source", T_VOID},
  {"span", T_BOX},
  {"strike", T_FMT},
  {"strong", T_FMT},
  {"style", T_RAW},
  {"summary", T_BLOCK},
  {"svg", T_FOREIGN},
  {"table", T_TABLE},
  {"tbody", T_BOX},
  {"td", T_CELL},
  {"textarea", T_RAW},
  {"tfoot", T_BOX},
  {"th", T_CELL},
  {"thead", T_BOX},
  {"title", T_RAW},
  {"tr", T_TR},
  {"track", T_VOID},
  {"tt", T_FMT},
  {"u", T_FMT},
  {"ul", T_LIST},
  {"wbr", T_VOID},
  {"xmp", T_RAW},
};

#define NAME_MAX_ 16 /* longer names are hashed, never classified */

struct open_el {
  uint32_t h; /* hash of the lower-case name */
  unsigned char cls;
  unsigned char name_len; /* its name: name_len bytes at name_at */
  size_t name_at;
};

struct nest {
  const char *p;
  size_t n;
  unsigned max;
  struct open_el *st;
  size_t depth, cap;
  int foreign;              /* open svg/math elements */
  int no_collapse;          /* collapse_text is off from here on */
  size_t fmt;               /* formatting start tags not yet ended */
  struct v6_buf *out;       /* the rewritten page (rewritten()) */
  size_t copied;            /* bytes of @p already in @out */
  struct html_nest_cut cut; /* the evidence */
  /* splitting (html_nest_guard's @chunk): where the page may be cut */
  size_t chunk, last_split;
  int frames;
  struct html_split *splits;
  size_t n_splits, cap_splits;
  size_t cap_shifts;
  int oom;
};

static int is_alpha(unsigned char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_space(unsigned char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

static unsigned char lower(unsigned char c)
{
  return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* The tag name at @i: its hash, class, and the offset after it. */
static size_t tag_name(const struct nest *s, size_t i, uint32_t *h,
                       unsigned char *cls)
{
  char low[NAME_MAX_ + 1];
  size_t k = 0, j;
  uint32_t x = 2166136261u;

  while (i < s->n && !is_space((unsigned char)s->p[i]) && s->p[i] != '/' &&
         s->p[i] != '>') {
    unsigned char c = lower((unsigned char)s->p[i]);
    x = (x ^ c) * 16777619u;
    if (k < NAME_MAX_)
      low[k] = (char)c;
    k++;
    i++;
  }
  *h = x;
  *cls = T_OTHER;
  if (k <= NAME_MAX_) {
    low[k] = 0;
    size_t lo = 0, hi = sizeof nest_tags / sizeof *nest_tags;
    while (lo < hi) {
      int c;
      j = lo + (hi - lo) / 2;
      c = strcmp(low, nest_tags[j].name);
      if (!c) {
        *cls = nest_tags[j].cls;
        break;
      }
      if (c < 0)
        hi = j;
      else
        lo = j + 1;
    }
  }
  return i;
}

/* 1 when attribute name @a/@n may hold a link or a script's URLs. */
static int attr_wanted(const char *a, size_t n)
{
  return (n == 4 && !strncasecmp(a, "href", 4)) ||
         (n == 3 && !strncasecmp(a, "src", 3)) ||
         (n > 2 && !strncasecmp(a, "on", 2));
}

/* Skip the attributes of a tag from @i to just after its '>' (or the end
 * of the page), as the tokenizer reads them; *selfclose is set for "/>",
 * *wanted when an attribute may hold a link (attr_wanted). */
static size_t tag_end(const struct nest *s, size_t i, int *selfclose,
                      int *wanted)
{
  *selfclose = *wanted = 0;
  while (i < s->n) {
    size_t a;
    while (i < s->n && (is_space((unsigned char)s->p[i]) || s->p[i] == '/'))
      i++;
    if (i >= s->n)
      break;
    if (s->p[i] == '>') {
      *selfclose = s->p[i - 1] == '/';
      return i + 1;
    }
    a = i++; /* a name may begin with '=' */
    while (i < s->n && !is_space((unsigned char)s->p[i]) && s->p[i] != '/' &&
           s->p[i] != '>' && s->p[i] != '=')
      i++;
    *wanted |= attr_wanted(s->p + a, i - a);
    while (i < s->n && is_space((unsigned char)s->p[i]))
      i++;
    if (i >= s->n || s->p[i] != '=')
      continue;
    i++;
    while (i < s->n && is_space((unsigned char)s->p[i]))
      i++;
    if (i < s->n && (s->p[i] == '"' || s->p[i] == '\'')) {
      const char *q = memchr(s->p + i + 1, s->p[i], s->n - i - 1);
      if (!q)
        return s->n;
      i = (size_t)(q - s->p) + 1;
    } else {
      while (i < s->n && !is_space((unsigned char)s->p[i]) && s->p[i] != '>')
        i++;
    }
  }
  return s->n;
}

/* Pop the open elements down to and including depth @d. */
static void pop_to(struct nest *s, size_t d)
{
  while (s->depth > d) {
    s->depth--;
    if (s->st[s->depth].cls == T_FOREIGN)
      s->foreign--;
  }
}

/* The depth of the nearest open element of hash @h above any element of
 * class @stop1/@stop2 (T_OTHER: no stop), or -1. */
static long find_open(const struct nest *s, uint32_t h, int stop1, int stop2)
{
  size_t d = s->depth;
  while (d > 0) {
    d--;
    if (s->st[d].h == h)
      return (long)d;
    if (stop1 != T_OTHER && (s->st[d].cls == stop1 || s->st[d].cls == stop2))
      return -1;
  }
  return -1;
}

/* The depth of the nearest open element of class @cls above any of
 * class @stop1/@stop2, or -1. */
static long find_class(const struct nest *s, int cls, int stop1, int stop2)
{
  size_t d = s->depth;
  while (d > 0) {
    d--;
    if (s->st[d].cls == cls)
      return (long)d;
    if (s->st[d].cls == stop1 || s->st[d].cls == stop2)
      return -1;
  }
  return -1;
}

/* The end tags gumbo implies before start tag @h/@cls. */
static void implied_ends(struct nest *s, uint32_t h, int cls)
{
  long d = -1;
  if (!s->depth)
    return;
  switch (cls) {
    case T_LI:
      d = find_open(s, h, T_LIST, T_TABLE);
      break;
    case T_DDT:
      d = find_class(s, T_DDT, T_DL, T_TABLE);
      break;
    /* a cell closes the open cell of its row; a row the open row (and
     * its cell) of its table */
    case T_CELL:
      d = find_class(s, T_CELL, T_TR, T_TABLE);
      break;
    case T_TR:
      d = find_class(s, T_TR, T_TABLE, T_TABLE);
      break;
    case T_OPTION:
      if (s->st[s->depth - 1].cls == T_OPTION)
        d = (long)s->depth - 1;
      break;
    case T_A:
      d = find_open(s, h, T_TABLE, T_CELL);
      break;
    default:
      break;
  }
  if (d >= 0) {
    pop_to(s, (size_t)d);
    return;
  }
  if ((cls == T_P || cls == T_BLOCK || cls == T_LIST || cls == T_DL ||
       cls == T_TABLE || cls == T_LI || cls == T_DDT) &&
      s->st[s->depth - 1].cls == T_P)
    pop_to(s, s->depth - 1);
}

/* The array @v of *@cap elements of @size bytes, full, twice as long
 * (16 the first time); NULL when out of memory (@v is kept). */
static void *grow(void *v, size_t *cap, size_t size)
{
  size_t nc = *cap ? *cap * 2 : 16;
  void *nv = realloc(v, nc * size);
  if (nv)
    *cap = nc;
  return nv;
}

static int push(struct nest *s, uint32_t h, unsigned char cls, size_t name_at,
                size_t name_len)
{
  if (s->depth == s->cap) {
    struct open_el *ns = grow(s->st, &s->cap, sizeof *ns);
    if (!ns)
      return -1;
    s->st = ns;
  }
  s->st[s->depth].h = h;
  s->st[s->depth].cls = cls;
  s->st[s->depth].name_at = name_at;
  s->st[s->depth].name_len = (unsigned char)(name_len < 255 ? name_len : 255);
  s->depth++;
  s->foreign += cls == T_FOREIGN;
  return 0;
}

/* Whether the page given to gumbo is a rewritten one (@out). */
static int rewritten(const struct nest *s)
{
  return s->cut.flattened || s->cut.collapsed;
}

/* Copy the page up to @upto into the rewritten page. */
static void copy_to(struct nest *s, size_t upto)
{
  v6_buf_putn(s->out, s->p + s->copied, upto - s->copied);
  s->copied = upto;
}

/* The start tag at @start (its name ending at @name_end, the tag at @end)
 * is beyond the depth. Opened there it would cost gumbo a scan of the
 * whole depth for every later tag: it is dropped, unless an attribute
 * may hold a link (@wanted), then closed at once. */
static void flatten(struct nest *s, size_t start, size_t name_end, size_t end,
                    int wanted)
{
  if (!s->cut.flattened)
    s->cut.first_at = start;
  s->cut.flattened++;
  copy_to(s, start);
  if (wanted) {
    copy_to(s, end);
    v6_buf_putn(s->out, "</", 2);
    v6_buf_putn(s->out, s->p + start + 1, name_end - start - 1);
    v6_buf_putc(s->out, '>');
  }
  s->copied = end;
}

static int collapse_off; /* html_collapse_set */

void html_collapse_set(int on)
{
  collapse_off = !on;
}

/* The text from @i to @end, read in the data state: every run of
 * COLLAPSE_MIN or more bytes of non-ASCII characters is given to gumbo as
 * its first character alone. Such a run holds no markup, no character
 * reference and no HTML white space (all ASCII), so one of its characters
 * takes the same path through tree construction as all of them (a text
 * node, a foster-parented one, one that implies <body>): the elements and
 * attributes, and so the links, come out the same; only text nodes are
 * shorter, and no link is read from text outside script and style, which
 * are never collapsed. gumbo spends about 200 instructions on every byte
 * of text: most of a portal's page is such text. Not inside svg or math
 * (their script and style are text), nor after a script with "<!--" in it
 * (the guard ends scripts at the first "</script", the tokenizer not
 * always then). */
static void collapse_text(struct nest *s, size_t i, size_t end)
{
  size_t a, k;

  if (s->no_collapse || s->foreign || collapse_off)
    return;
  while (i < end) {
    while (i < end && (unsigned char)s->p[i] < 0x80)
      i++;
    a = i;
    while (i < end && (unsigned char)s->p[i] >= 0x80)
      i++;
    if (i - a < COLLAPSE_MIN)
      continue;
    /* the first character: its lead byte and continuation bytes */
    for (k = a + 1; k < i && ((unsigned char)s->p[k] & 0xc0) == 0x80; k++)
      ;
    copy_to(s, k);
    s->copied = i;
    s->cut.collapsed += i - k;
    if (s->cut.n_shifts == s->cap_shifts) {
      struct html_shift *nv = grow(s->cut.shifts, &s->cap_shifts, sizeof *nv);
      if (!nv) {
        s->oom = 1;
        return;
      }
      s->cut.shifts = nv;
    }
    s->cut.shifts[s->cut.n_shifts].out_at = s->out->n;
    s->cut.shifts[s->cut.n_shifts++].in_at = i;
  }
}

size_t html_nest_in_at(const struct html_nest_cut *cut, size_t out_at)
{
  size_t lo = 0, hi = cut->n_shifts;
  /* the last shift at or before @out_at */
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (cut->shifts[mid].out_at <= out_at)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (!lo)
    return out_at;
  return out_at - cut->shifts[lo - 1].out_at + cut->shifts[lo - 1].in_at;
}

/* The offset just past the end of raw text element @h's content: where
 * "</name" follows (or the end of the page). */
static size_t raw_skip(const struct nest *s, size_t i, uint32_t h)
{
  while (i < s->n) {
    const char *lt = memchr(s->p + i, '<', s->n - i);
    uint32_t eh;
    unsigned char cls;
    size_t e;
    if (!lt)
      return s->n;
    i = (size_t)(lt - s->p);
    if (i + 2 < s->n && s->p[i + 1] == '/' &&
        is_alpha((unsigned char)s->p[i + 2])) {
      e = tag_name(s, i + 2, &eh, &cls);
      if (eh == h)
        return i;
      i = e;
      continue;
    }
    i++;
  }
  return s->n;
}

/* 1 when the elements open now can be opened again by bare start tags
 * before a later part of the page, parsed on its own, with the same
 * effect on its links: plain containers only (no table section of its
 * own, no template, select, svg, formatting element or link). */
static int splittable(const struct nest *s)
{
  size_t d;
  if (s->frames || s->foreign)
    return 0;
  for (d = 0; d < s->depth; d++) {
    int c = s->st[d].cls;
    if (s->st[d].name_len >= NAME_MAX_ ||
        !(c == T_BOX || c == T_BLOCK || c == T_P || c == T_LI || c == T_LIST ||
          c == T_DDT || c == T_DL || c == T_CELL || c == T_TR || c == T_TABLE))
      return 0;
  }
  return 1;
}

/* Record a place to split the page at @at (the input's offset) when the
 * open elements allow it. Returns 0, or -1 when out of memory. */
static int split_here(struct nest *s, size_t at)
{
  struct html_split *sp;
  struct v6_buf ctx;
  size_t d;

  if (!splittable(s))
    return 0;
  if (s->n_splits == s->cap_splits) {
    struct html_split *nv = grow(s->splits, &s->cap_splits, sizeof *nv);
    if (!nv)
      return -1;
    s->splits = nv;
  }
  v6_buf_init(&ctx, 0);
  for (d = 0; d < s->depth; d++) {
    v6_buf_putc(&ctx, '<');
    v6_buf_putn(&ctx, s->p + s->st[d].name_at, s->st[d].name_len);
    v6_buf_putc(&ctx, '>');
  }
  buf_touch(&ctx);
  if (ctx.oom) {
    v6_buf_cleanup(&ctx);
    return -1;
  }
  sp = &s->splits[s->n_splits++];
  sp->in_at = at;
  sp->at = rewritten(s) ? s->out->n + (at - s->copied) : at;
  sp->ctx = v6_buf_take(&ctx);
  if (!sp->ctx) {
    s->n_splits--;
    return -1;
  }
  s->last_split = at;
  return 0;
}

static int nest_run(struct nest *s)
{
  size_t i = 0;

  while (i < s->n) {
    const char *lt = memchr(s->p + i, '<', s->n - i);
    size_t start, ne, end;
    uint32_t h;
    unsigned char cls;
    int selfclose, wanted;

    collapse_text(s, i, lt ? (size_t)(lt - s->p) : s->n);
    if (!lt)
      break;
    start = i = (size_t)(lt - s->p);
    if (s->chunk && start - s->last_split >= s->chunk &&
        split_here(s, start) < 0)
      return PARSE_NOMEM;
    if (i + 1 >= s->n)
      break;
    if (s->p[i + 1] == '!') {
      const char *e = NULL;
      if (i + 3 < s->n && s->p[i + 2] == '-' && s->p[i + 3] == '-') {
        size_t k;
        for (k = i + 2; k + 2 < s->n; k++)
          if (s->p[k] == '-' && s->p[k + 1] == '-' && s->p[k + 2] == '>') {
            e = s->p + k + 2;
            break;
          }
      } else {
        e = memchr(s->p + i, '>', s->n - i);
      }
      if (!e)
        break;
      i = (size_t)(e - s->p) + 1;
      continue;
    }
    if (s->p[i + 1] == '?') {
      const char *e = memchr(s->p + i, '>', s->n - i);
      if (!e)
        break;
      i = (size_t)(e - s->p) + 1;
      continue;
    }
    if (s->p[i + 1] == '/' && i + 2 < s->n &&
        is_alpha((unsigned char)s->p[i + 2])) {
      long d;
      ne = tag_name(s, i + 2, &h, &cls);
      i = tag_end(s, ne, &selfclose, &wanted);
      d = find_open(s, h, T_OTHER, T_OTHER);
      if ((cls == T_FMT || cls == T_A) && s->fmt)
        s->fmt--;
      if (d >= 0) {
        pop_to(s, (size_t)d);
      } else if (s->cut.flattened && s->depth >= s->max && cls != T_RAW) {
        /* the end tag of one dropped: gumbo would scan the depth for it */
        copy_to(s, start);
        s->copied = i;
      }
      continue;
    }
    if (!is_alpha((unsigned char)s->p[i + 1])) {
      i++;
      continue;
    }
    ne = tag_name(s, i + 1, &h, &cls);
    end = tag_end(s, ne, &selfclose, &wanted);
    i = end;
    if (cls == T_PLAIN)
      break;
    s->frames |= cls == T_FRAMESET;
    if (cls == T_RAW) {
      if (!s->foreign)
        i = raw_skip(s, end, h);
      if (ne - start - 1 == 6 && !strncasecmp(s->p + start + 1, "script", 6) &&
          i - end >= 4 && memmem(s->p + end, i - end, "<!--", 4))
        s->no_collapse = 1;
      continue;
    }
    if (cls == T_VOID || (selfclose && s->foreign))
      continue;
    implied_ends(s, h, cls);
    if (s->depth >= s->max ||
        ((cls == T_FMT || cls == T_A) && s->fmt >= NEST_MAX_FORMATTING)) {
      flatten(s, start, ne, end, wanted);
      continue;
    }
    if (push(s, h, cls, start + 1, ne - start - 1))
      return PARSE_NOMEM;
    s->fmt += cls == T_FMT || cls == T_A;
    if (s->depth > s->cut.max_depth)
      s->cut.max_depth = s->depth;
  }
  return PARSE_OK;
}

int html_nest_guard(const char *p, size_t n, unsigned max_depth, size_t chunk,
                    struct v6_buf *out, struct html_nest_cut *cut)
{
  struct nest s;
  int rc;

  memset(&s, 0, sizeof s);
  s.p = p;
  s.n = n;
  s.max = max_depth ? max_depth : 1;
  s.out = out;
  s.chunk = chunk;
  rc = nest_run(&s);
  if (rc == PARSE_OK && s.oom)
    rc = PARSE_NOMEM;
  if (rc == PARSE_OK && rewritten(&s)) {
    v6_buf_putn(out, p + s.copied, n - s.copied);
    if (out->oom)
      rc = PARSE_NOMEM;
  }
  s.cut.splits = s.splits;
  s.cut.n_splits = s.n_splits;
  *cut = s.cut;
  free(s.st);
  return rc;
}

void html_nest_cut_cleanup(struct html_nest_cut *cut)
{
  size_t i;
  for (i = 0; i < cut->n_splits; i++)
    free(cut->splits[i].ctx);
  free(cut->splits);
  cut->splits = NULL;
  cut->n_splits = 0;
  free(cut->shifts);
  cut->shifts = NULL;
  cut->n_shifts = 0;
}
