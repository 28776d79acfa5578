/* parser/parse.h - HTML link extraction, charsets, URLs, robots.txt.
 *
 * The parser module knows nothing of the network: it turns bytes into
 * URLs and rules. No gumbo, uriparser, libidn2 or libpsl type appears
 * here; every string it returns is a copy the caller owns.
 */
#ifndef V6_PARSE_H
#define V6_PARSE_H

#include <stddef.h>

enum parse_rc {
  PARSE_OK = 0,
  PARSE_INVALID = -1, /* the input is not a valid URL (a browser rejects it) */
  PARSE_NOMEM = -2,   /* out of memory */
  PARSE_TOOBIG = -3,  /* input larger than the module accepts */
  PARSE_CHARSET = -4  /* unknown charset name */
};

/* Return a static English description of a parse_rc. */
const char *parse_strerror(int rc);

/* The versions of gumbo, uriparser, libidn2 and libpsl and the date of
 * the public suffix list, a "name version" line each, into @buf (@len
 * bytes, cut to fit). */
void parse_versions(char *buf, size_t len);

/* The Unicode form of host @host (as url_resolve writes hosts: IDN labels
 * as punycode) in *@out, which the caller frees: "中文.demo.gov.cn" for
 * "xn--fiq228c.demo.gov.cn". *@out is NULL when @host has no xn-- label,
 * or its labels do not decode to a name that encodes back to @host.
 * Returns PARSE_OK or PARSE_NOMEM. */
int url_host_unicode(const char *host, char **out);

/* ---- URLs ------------------------------------------------------------- */

enum url_flags {
  URL_KEEP_FRAGMENT = 1 /* keep "#..." in the result (default: drop it) */
};

/* Resolve @href against @base as a browser does (WHATWG URL Standard for
 * special schemes: backslashes, tab/newline stripping, leading/trailing C0
 * and space trimming, dot segments, default ports dropped, scheme and host
 * lower-cased, IDN hosts to punycode (UTS #46 via libidn2), IPv4 numbers in
 * any WHATWG form normalised to dotted decimal, non-ASCII percent-encoded).
 * @base may be NULL, then @href must be absolute. @charset names the page's
 * encoding (NULL = UTF-8); the query of the result is percent-encoded in it.
 * Non-special schemes (mailto:, javascript:, tel:, data:, ftp: ...) are
 * returned as the absolute URL string with the scheme lower-cased, so the
 * caller can record them as skipped.
 * On PARSE_OK *out is a NUL-terminated string the caller frees with free().
 * Returns PARSE_OK, PARSE_INVALID (a browser would fail to parse), or
 * PARSE_NOMEM. *out is NULL on error. */
int url_resolve(const char *base, const char *href, const char *charset,
                int flags, char **out);

/* url_resolve for an @href of @href_len bytes that need not be
 * NUL-terminated and may contain NUL bytes (url_resolve is this with
 * strlen(href)). As the URL Standard says, leading and trailing NULs are
 * trimmed like other C0 controls; a NUL in the host (literal or as "%00")
 * or the port makes the URL invalid; one in the user info, path, query or
 * fragment is percent-encoded as "%00"; one inside the scheme means there
 * is no scheme (the input is relative). *out never contains a NUL.
 * @base is a C string as for url_resolve. Parameters, ownership of *out
 * and return codes are those of url_resolve. */
int url_resolve_n(const char *base, const char *href, size_t href_len,
                  const char *charset, int flags, char **out);

/* A base URL parsed once, for resolving the many links of one page:
 * url_resolve_base(b, href, ...) gives what url_resolve(base, href, ...)
 * gives, without parsing @base again, and a plain link (url.c's url_fast)
 * without parsing it at all. url_base_new returns PARSE_OK (a base that
 * does not parse makes every url_resolve_base return its error) or
 * PARSE_NOMEM; @base may be NULL. One thread at a time: resolving learns
 * (the origins that come out as they went in). Free with url_base_free. */
struct url_base;
int url_base_new(const char *base, struct url_base **out);
int url_resolve_base(struct url_base *base, const char *href,
                     const char *charset, int flags, char **out);
void url_base_free(struct url_base *base);

/* The parts of an absolute http(s) URL as url_resolve serialises it. */
struct url_view {
  char *scheme;     /* "http", "https", ... lower case */
  char *host;       /* ASCII host; IPv6 literal without brackets; may be "" */
  int port;         /* explicit port or the scheme's default; 0 if none */
  char *path_query; /* "/path?query" (never empty for http(s): at least "/") */
  char *origin;     /* "scheme://host[:port]" with brackets for IPv6 */
};

/* Split @url, a URL as url_resolve serialises it (other strings give
 * undefined parts), into @v (which the caller allocates; all members are
 * set or NULL). Release with url_view_cleanup(). Returns PARSE_OK,
 * PARSE_INVALID or PARSE_NOMEM; on error @v needs no cleanup. */
int url_view_parse(const char *url, struct url_view *v);
void url_view_cleanup(struct url_view *v);

/* 1 when @url, as url_resolve serialises URLs, is http: or https:. */
int url_is_http(const char *url);

/* Registrable domain of ASCII @host by the public suffix list (libpsl's
 * built-in list): "www.beijing.gov.cn" -> "beijing.gov.cn", "www.gov.cn" ->
 * "www.gov.cn". A host that is itself a public suffix or an IP literal is
 * returned as is (lower-cased). On PARSE_OK *out is owned by the caller.
 * Returns PARSE_OK or PARSE_NOMEM. */
int url_registrable_domain(const char *host, char **out);
/* The date of the public suffix list url_registrable_domain uses (libpsl's
 * built-in list: the time of the file it was built from), "YYYY-MM-DD" in
 * UTC, into @buf (@len bytes, 11 are enough); "" when libpsl has none. */
void url_psl_date(char *buf, size_t len);

/* 1 when ASCII @host equals @domain or is a subdomain of it
 * (case-insensitive, label-aligned), else 0. */
int url_host_in_domain(const char *host, const char *domain);

/* The longest DNS name and label (RFC 1035 2.3.4: 255 octets on the wire
 * are 253 characters of text; 63 octets a label). */
#define URL_HOST_MAX  253
#define URL_LABEL_MAX 63

/* Why ASCII @host (as url_view gives it) cannot be asked of the DNS, or
 * NULL when it can: a name longer than URL_HOST_MAX bytes (one trailing
 * dot aside) or with a label longer than URL_LABEL_MAX. The URL Standard
 * accepts such hosts, so a link to one is a URL like any other; only no
 * lookup can find it. IP literals always pass. The text is static. */
const char *url_host_check(const char *host);

/* ---- HTML ------------------------------------------------------------- */

enum html_link_kind { HTML_A, HTML_AREA, HTML_IFRAME, HTML_FRAME, HTML_SCRIPT };

struct html_link {
  char *url;  /* resolved absolute URL, fragment removed; NULL if it failed */
  char *href; /* the attribute value as found (after entity decoding) */
  int kind;   /* enum html_link_kind */
};

struct html_page {
  struct html_link *links; /* in document order, duplicates kept */
  size_t n_links;
  char *charset; /* the charset used to decode, e.g. "UTF-8", "GB18030" */
  char *base;    /* the URL links were resolved against */
  char *url;     /* the page's own URL (@page_url), normalised like a link */
  char *refresh_url;  /* <meta http-equiv=refresh> target, resolved; or NULL */
  size_t script_urls; /* URL-like string literals in inline scripts / on* */
  /* Those literals resolved like links (kind HTML_SCRIPT, url NULL when a
   * browser would reject it): links a script may build, which a crawler
   * cannot see as links. */
  struct html_link *script_links;
  size_t n_script_links;
  /* How the page was parsed (doc/measurement.md, "Hostile pages"). The
   * offsets count bytes of the page decoded to UTF-8 (for a UTF-8 page,
   * the body's own offsets, after any BOM). */
  int cut;          /* 0, or HTML_CUT_* flags: not parsed as a browser would */
  size_t text_len;  /* bytes of the decoded page */
  size_t parsed;    /* bytes of it parsed (text_len unless HTML_CUT_BUDGET) */
  size_t depth;     /* the deepest nesting the guard kept */
  size_t flattened; /* HTML_CUT_DEPTH: start tags beyond HTML_MAX_DEPTH */
  size_t flat_at;   /* HTML_CUT_DEPTH: the offset of the first of them */
  size_t parts;     /* gumbo parses of the page (html_links_extract) */
  /* bytes of long non-ASCII text runs gumbo was given only the first
   * character of (they hold no link: parser/nest.c's collapse_text) */
  size_t collapsed;
  /* The page's subresources (html_subres: what a browser loads to show
   * it), in document order, duplicates kept; kind is an enum
   * html_sub_kind bit. Resolved like the links. */
  struct html_link *subres;
  size_t n_subres;
};

/* Elements nested deeper than this are parsed flat: each start tag
 * beyond it is closed at once, its attributes (and links) kept. Chrome's
 * parser puts elements beyond depth 512 beside the deepest one. */
#define HTML_MAX_DEPTH 512

enum html_cut {
  HTML_CUT_DEPTH = 1, /* nested deeper than HTML_MAX_DEPTH: parsed flat */
  HTML_CUT_BUDGET = 2 /* the parse ran out of its budget of memory or CPU
                       * time: only the first `parsed` bytes were read */
};

/* Extract the links of an HTML page. @body/@len are the raw bytes (any
 * encoding, need not be NUL-terminated; invalid bytes never fail the page).
 * @content_type is the HTTP Content-Type header value or NULL. @page_url is
 * the page's final URL. The charset comes from a BOM, then @content_type,
 * then a <meta> prescan of the first 1024 bytes, then a default (UTF-8 when
 * the bytes are valid UTF-8, else GB18030); GB2312/GBK decode as GB18030.
 * Links come from a[href], area[href], iframe[src], frame[src]; the first
 * <base href> sets the base.
 * Hostile pages never crash or stall the parse: nesting deeper than
 * HTML_MAX_DEPTH is parsed flat, and gumbo's parse has a budget of
 * memory (48 bytes per byte of the page, plus 32 MiB) and CPU time (10 s
 * of the calling thread); over it, the parse starts again on the first
 * half of the page (cut before a tag), with half the time, up to 4
 * tries; a page no prefix of which fits has no links. page->cut and the
 * fields after it say what was done. Safe to call from several threads
 * at once on different pages. A page is parsed in parts of about 256 KiB
 * where its open elements are plain containers (opened again by bare
 * start tags before the next part), so that one part's tree is in
 * memory at a time.
 * @page is caller-allocated; on PARSE_OK release it with html_page_cleanup.
 * Returns PARSE_OK or PARSE_NOMEM (then @page needs no cleanup). */
int html_links_extract(const char *body, size_t len, const char *content_type,
                       const char *page_url, struct html_page *page);
void html_page_cleanup(struct html_page *page);

/* ---- subresources (parser/subres.c, parser/css.c) ----------------------
 *
 * What a browser loads to show a page: html_links_extract fills
 * page->subres from img[src], img[srcset], source[src], source[srcset],
 * script[src], link[rel~=stylesheet][href], link[rel~=icon][href],
 * iframe[src], video[src], audio[src], and the url() and @import of the
 * page's own <style> elements and style attributes. A style sheet's own
 * url() and @import come from css_urls_extract, once the sheet is read. */

enum html_sub_kind {
  HTML_SUB_IMG = 1,     /* img / source src and srcset */
  HTML_SUB_SCRIPT = 2,  /* script src */
  HTML_SUB_STYLE = 4,   /* link rel=stylesheet, @import: a style sheet */
  HTML_SUB_ICON = 8,    /* link rel=icon */
  HTML_SUB_IFRAME = 16, /* iframe src (a link too) */
  HTML_SUB_MEDIA = 32,  /* video / audio src */
  HTML_SUB_CSS = 64     /* url() in a style sheet or a <style> */
};
#define HTML_SUB__ALL 127

/* The name of one kind bit ("img", "script", ...), or "?". */
const char *html_sub_kind_name(int kind);

/* Call @cb(@ud, url, len) for each candidate URL of the srcset attribute
 * value @srcset, as the HTML standard's "parse a srcset attribute" splits
 * it (descriptors and commas skipped, a comma inside parentheses of a
 * descriptor kept there). Returns 0, or the first non-zero @cb return. */
int html_srcset_each(const char *srcset,
                     int (*cb)(void *ud, const char *url, size_t len),
                     void *ud);

/* One url() or @import of a style sheet. */
struct css_url {
  char *url;  /* resolved against @base, fragment removed; NULL when a
               * browser would reject it */
  char *raw;  /* the value as written, escapes decoded */
  int import; /* from @import: a style sheet itself */
};

/* The url() tokens and @import rules of the CSS text @css/@len (UTF-8;
 * invalid bytes are kept as they are), as the CSS Syntax tokenizer finds
 * them: not in comments, not inside strings, escapes decoded, a quoted
 * url("...") or @import "..." as well as a bare url(...). Each is
 * resolved against @base (NULL: kept unresolved, url NULL). On PARSE_OK
 * *@out holds *@n entries (NULL when none) for css_urls_free. Returns
 * PARSE_OK, PARSE_NOMEM. */
int css_urls_extract(const char *css, size_t len, const char *base,
                     struct css_url **out, size_t *n);
void css_urls_free(struct css_url *v, size_t n);

/* How alike two loads of a page are (the homepage over IPv4 and over
 * IPv6), after stripping what legitimately changes between loads: digits
 * (dates, counters, timestamps), whitespace, and long hex or base64-like
 * tokens (nonces, session ids). Both bodies are split into lines at
 * newlines and '>'; the result is the Dice coefficient of their sets of
 * distinct normalised lines, 0..1 (1: the same page; two empty pages are
 * the same). Returns PARSE_OK and *out, or PARSE_NOMEM. */
int html_similarity(const char *a, size_t alen, const char *b, size_t blen,
                    double *out);

/* ---- robots.txt --------------------------------------------------------- */

struct robots;

/* The bytes of a robots.txt that are read (RFC 9309 asks for at least
 * 500 KiB); a fetcher need not download more than one byte beyond (which
 * tells whether the last line read is whole). */
#define ROBOTS_MAX_BYTES (500 * 1024)

/* Parse robots.txt @body (@len bytes; of a longer body than
 * ROBOTS_MAX_BYTES only the whole lines in its first ROBOTS_MAX_BYTES)
 * for the product token of @user_agent (the part before '/', e.g.
 * "v6crawl" for "v6crawl/0.1 (+https://...)"), with RFC 9309 rules.
 * On PARSE_OK *out is owned by the caller; free with robots_free().
 * Returns PARSE_OK or PARSE_NOMEM. */
int robots_parse(const char *body, size_t len, const char *user_agent,
                 struct robots **out);

/* 1 when @path_query ("/path?query", as url_view gives it) may be fetched,
 * 0 when disallowed. @r may be NULL: everything allowed. */
int robots_allowed(const struct robots *r, const char *path_query);

/* Crawl-delay in seconds for the matched group, 0 if none. */
double robots_crawl_delay(const struct robots *r);

void robots_free(struct robots *r);

#endif
