/* parser/parse_int.h - helpers shared inside parser/ only.
 *
 * Nothing here is part of the public API; no file outside parser/ may
 * include this header.
 */
#ifndef V6_PARSE_INT_H
#define V6_PARSE_INT_H

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

/* parser/ builds strings in base's struct v6_buf, uncapped (max 0):
 * appends never fail, oom is checked once at the end. */

/* Make b->p a valid (possibly empty) string. */
static inline void buf_touch(struct v6_buf *b)
{
  v6_buf_putn(b, "", 0);
}

/* ---- charset.c ---- */

/* Canonical iconv name for a WHATWG/IANA charset label ("gbk" ->
 * "GB18030", "utf8" -> "UTF-8"), or NULL when unknown. */
const char *charset_canonical(const char *label);

/* Replace invalid UTF-8 in @in/@len by U+FFFD; result in @out. */
void charset_utf8_scrub(const char *in, size_t len, struct v6_buf *out);

/* 1 when @in/@len is valid UTF-8. */
int charset_utf8_valid(const char *in, size_t len);

/* Convert @in/@len from canonical charset @cs to UTF-8 into @out, invalid
 * bytes replaced by U+FFFD. Returns PARSE_OK, PARSE_CHARSET, PARSE_NOMEM. */
int charset_to_utf8(const char *cs, const char *in, size_t len,
                    struct v6_buf *out);

/* Encode the UTF-8 string @in/@len to canonical charset @cs for a URL
 * query; characters @cs cannot represent become "&#N;" as browsers do.
 * Returns PARSE_OK, PARSE_CHARSET or PARSE_NOMEM. */
int charset_from_utf8(const char *cs, const char *in, size_t len,
                      struct v6_buf *out);

/* Choose the charset of an HTML document (BOM, Content-Type, <meta>
 * prescan, default); returns a canonical name and sets *bom_len. */
const char *charset_sniff(const char *body, size_t len,
                          const char *content_type, size_t *bom_len);

/* ---- url.c ---- */

/* The percent-encode sets of the URL Standard: C0 control, fragment,
 * query, special-query, path, userinfo. */
enum pct_set { SET_C0, SET_FRAG, SET_QUERY, SET_SQUERY, SET_PATH, SET_USER };

/* Append @s/@n to @o with the bytes in @set percent-encoded ("%XX"). */
void pct_encode(struct v6_buf *o, const char *s, size_t n, enum pct_set set);

/* The value of the hex digit @c (either case), or -1 when it is none. */
int pct_hexval(int c);

/* How many links url_resolve_base has resolved against @b by its short
 * cut (url.c's url_fast), for the tests: they compare it with the full
 * resolve and must know it ran. */
size_t url_base_fast_count(const struct url_base *b);

/* ---- host.c ---- */

/* Append the IPv6 literal @s/@n (no brackets) to @out in canonical form.
 * Returns PARSE_OK or PARSE_INVALID. */
int host_ipv6(const char *s, size_t n, struct v6_buf *out);

/* Append the opaque host @s/@n of a non-special URL to @out, checked for
 * forbidden code points and C0-percent-encoded. PARSE_OK, PARSE_INVALID. */
int host_opaque(const char *s, size_t n, struct v6_buf *out);

/* Append the host @s/@n of a special URL to @out: percent-decoded, UTF-8
 * scrubbed, to ASCII by UTS #46, checked, and an IPv4 number in any WHATWG
 * form as dotted decimal. PARSE_OK, PARSE_INVALID or PARSE_NOMEM. */
int host_domain(const char *s, size_t n, struct v6_buf *out);

/* ---- nest.c ---- */

/* A place where the page may be cut and the rest parsed on its own: the
 * elements open there, opened again by the bare start tags @ctx, give
 * the rest the same links. */
struct html_split {
  size_t at;    /* offset in the page as parsed (after the guard) */
  size_t in_at; /* offset in the page given to the guard */
  char *ctx;    /* "<html><body><div>" (owned) */
};

/* Where the rewritten page (of collapsed text only) is back in step with
 * the page given: output offset @out_at is input offset @in_at. */
struct html_shift {
  size_t out_at, in_at;
};

/* What the nesting guard changed, and where the page may be split. */
struct html_nest_cut {
  size_t flattened;          /* start tags beyond the depth, parsed flat */
  size_t first_at;           /* offset of the first of them in the input */
  size_t max_depth;          /* the deepest nesting kept (at most the limit) */
  size_t collapsed;          /* bytes of text runs left out (nest.c) */
  struct html_shift *shifts; /* one after each collapsed run, in order */
  size_t n_shifts;
  struct html_split *splits; /* in page order, at least @chunk apart */
  size_t n_splits;
};

/* Follow the open elements of the UTF-8 page @p/@n as the HTML tokenizer
 * sees them, and keep every start tag that would open an element deeper
 * than @max_depth from opening one (see nest.c); give long runs of
 * non-ASCII text as their first character (nest.c's collapse_text). When
 * a tag or text was changed, the rewritten page is appended to @out
 * (uncapped, as parse_int.h's buffers are); else @out is untouched. With
 * @chunk > 0, the places at least @chunk bytes apart where the page may
 * be split are listed. *cut says what was done; release it with
 * html_nest_cut_cleanup (also after an error). Returns PARSE_OK or
 * PARSE_NOMEM. */
int html_nest_guard(const char *p, size_t n, unsigned max_depth, size_t chunk,
                    struct v6_buf *out, struct html_nest_cut *cut);
void html_nest_cut_cleanup(struct html_nest_cut *cut);

/* Turn nest.c's collapse_text off (0) or on (1, the default): for the
 * tests that compare the links found both ways. Not for a crawl: set it
 * before any page is parsed, from one thread. */
void html_collapse_set(int on);

/* The offset in the page given to the guard of offset @out_at of the page
 * it gave to gumbo, when it only collapsed text (not flattened). */
size_t html_nest_in_at(const struct html_nest_cut *cut, size_t out_at);

/* ---- subres.c: a page's subresources, as html.c's walk finds them ---- */

struct html_page;
struct html_link;

/* CSS and HTML white space (tab, LF, FF, CR, space). */
static inline int css_is_ws(int c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* Append the link @href/@len (copied) of @kind to the array *@v of *@n
 * links (grown by powers of two). Returns PARSE_OK or PARSE_NOMEM. */
int html_link_push(struct html_link **v, size_t *n, const char *href,
                   size_t len, int kind);

/* Keep the subresource @href/@len (as written) of enum html_sub_kind
 * @kind. Returns PARSE_OK or PARSE_NOMEM. */
int subres_add(struct html_page *page, const char *href, size_t len, int kind);
/* Each candidate of the srcset value @srcset, as @kind. */
int subres_srcset(struct html_page *page, const char *srcset, int kind);
/* The url() (HTML_SUB_CSS) and @import (HTML_SUB_STYLE) of inline CSS. */
int subres_css(struct html_page *page, const char *css);
/* The kind a <link rel=@rel> loads: HTML_SUB_STYLE, HTML_SUB_ICON or 0. */
int subres_link_kind(const char *rel);

#endif
