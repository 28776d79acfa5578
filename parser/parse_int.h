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

#endif
