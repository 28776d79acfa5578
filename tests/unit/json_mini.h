/* tests/unit/json_mini.h - a tiny JSON reader for the conformance runner.
 *
 * Reads a whole document into a tree of struct jv. Strings are decoded to
 * UTF-8 (lone surrogates become U+FFFD, as the URL Standard's scalar value
 * conversion does) and may hold NUL bytes, so their length is kept. Only
 * what the conformance files need; not a general-purpose parser.
 */
#ifndef V6_JSON_MINI_H
#define V6_JSON_MINI_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum jv_type { JV_NULL, JV_BOOL, JV_NUM, JV_STR, JV_ARR, JV_OBJ };

struct jv {
  int type;
  int b;
  double num;
  char *s; /* JV_STR: decoded bytes, NUL-terminated */
  size_t slen;
  struct jv *items; /* JV_ARR / JV_OBJ values */
  char **keys;      /* JV_OBJ keys */
  size_t n;
};

struct jp {
  const char *p;
  const char *end;
  int err;
};

static inline void jv_free(struct jv *v)
{
  size_t i;

  if (!v)
    return;
  free(v->s);
  for (i = 0; i < v->n; i++) {
    jv_free(&v->items[i]);
    if (v->keys)
      free(v->keys[i]);
  }
  free(v->items);
  free(v->keys);
  memset(v, 0, sizeof *v);
}

static inline void jp_ws(struct jp *j)
{
  while (j->p < j->end &&
         (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
    j->p++;
}

static inline int jp_hex4(struct jp *j, unsigned *out)
{
  unsigned v = 0;
  int i;

  if (j->end - j->p < 4)
    return -1;
  for (i = 0; i < 4; i++) {
    char c = j->p[i];
    v <<= 4;
    if (c >= '0' && c <= '9')
      v |= (unsigned)(c - '0');
    else if (c >= 'a' && c <= 'f')
      v |= (unsigned)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F')
      v |= (unsigned)(c - 'A' + 10);
    else
      return -1;
  }
  j->p += 4;
  *out = v;
  return 0;
}

static inline size_t jp_utf8(unsigned long cp, char *o)
{
  if (cp < 0x80) {
    o[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    o[0] = (char)(0xc0 | cp >> 6);
    o[1] = (char)(0x80 | (cp & 0x3f));
    return 2;
  }
  if (cp < 0x10000) {
    o[0] = (char)(0xe0 | cp >> 12);
    o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
    o[2] = (char)(0x80 | (cp & 0x3f));
    return 3;
  }
  o[0] = (char)(0xf0 | cp >> 18);
  o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
  o[2] = (char)(0x80 | (cp >> 6 & 0x3f));
  o[3] = (char)(0x80 | (cp & 0x3f));
  return 4;
}

static inline char *jp_string(struct jp *j, size_t *len)
{
  size_t cap = 64, n = 0;
  char *s = malloc(cap);

  if (!s || j->p >= j->end || *j->p != '"')
    goto fail;
  j->p++;
  while (j->p < j->end && *j->p != '"') {
    char tmp[8];
    size_t k = 0;
    if (*j->p == '\\') {
      char c;
      j->p++;
      if (j->p >= j->end)
        goto fail;
      c = *j->p++;
      switch (c) {
        case 'n':
          tmp[k++] = '\n';
          break;
        case 't':
          tmp[k++] = '\t';
          break;
        case 'r':
          tmp[k++] = '\r';
          break;
        case 'b':
          tmp[k++] = '\b';
          break;
        case 'f':
          tmp[k++] = '\f';
          break;
        case 'u': {
          unsigned u, lo;
          unsigned long cp;
          if (jp_hex4(j, &u))
            goto fail;
          cp = u;
          if (u >= 0xd800 && u <= 0xdbff) {
            if (j->end - j->p >= 6 && j->p[0] == '\\' && j->p[1] == 'u') {
              const char *save = j->p;
              j->p += 2;
              if (jp_hex4(j, &lo))
                goto fail;
              if (lo >= 0xdc00 && lo <= 0xdfff) {
                cp =
                  0x10000 + ((unsigned long)(u - 0xd800) << 10) + (lo - 0xdc00);
              } else {
                j->p = save;
                cp = 0xfffd;
              }
            } else {
              cp = 0xfffd;
            }
          } else if (u >= 0xdc00 && u <= 0xdfff) {
            cp = 0xfffd;
          }
          k = jp_utf8(cp, tmp);
          break;
        }
        default:
          tmp[k++] = c;
          break;
      }
    } else {
      tmp[k++] = *j->p++;
    }
    if (n + k + 1 > cap) {
      char *ns;
      cap *= 2;
      ns = realloc(s, cap);
      if (!ns)
        goto fail;
      s = ns;
    }
    memcpy(s + n, tmp, k);
    n += k;
  }
  if (j->p >= j->end)
    goto fail;
  j->p++;
  s[n] = '\0';
  *len = n;
  return s;
fail:
  free(s);
  j->err = 1;
  return NULL;
}

static inline int jp_value(struct jp *j, struct jv *v, int depth);

static inline int jp_push(struct jv *v, char *key)
{
  struct jv *ni = realloc(v->items, (v->n + 1) * sizeof *ni);

  if (!ni)
    return -1;
  v->items = ni;
  memset(&v->items[v->n], 0, sizeof *ni);
  if (v->type == JV_OBJ) {
    char **nk = realloc(v->keys, (v->n + 1) * sizeof *nk);
    if (!nk)
      return -1;
    v->keys = nk;
    v->keys[v->n] = key;
  }
  v->n++;
  return 0;
}

static inline int jp_value(struct jp *j, struct jv *v, int depth)
{
  memset(v, 0, sizeof *v);
  jp_ws(j);
  if (j->p >= j->end || depth > 64)
    return -1;
  if (*j->p == '"') {
    v->type = JV_STR;
    v->s = jp_string(j, &v->slen);
    return v->s ? 0 : -1;
  }
  if (*j->p == '[' || *j->p == '{') {
    int obj = *j->p == '{';
    v->type = obj ? JV_OBJ : JV_ARR;
    j->p++;
    jp_ws(j);
    if (j->p < j->end && *j->p == (obj ? '}' : ']')) {
      j->p++;
      return 0;
    }
    for (;;) {
      char *key = NULL;
      size_t kl;
      jp_ws(j);
      if (obj) {
        key = jp_string(j, &kl);
        if (!key)
          return -1;
        jp_ws(j);
        if (j->p >= j->end || *j->p != ':') {
          free(key);
          return -1;
        }
        j->p++;
      }
      if (jp_push(v, key)) {
        free(key);
        return -1;
      }
      if (jp_value(j, &v->items[v->n - 1], depth + 1))
        return -1;
      jp_ws(j);
      if (j->p < j->end && *j->p == ',') {
        j->p++;
        continue;
      }
      if (j->p < j->end && *j->p == (obj ? '}' : ']')) {
        j->p++;
        return 0;
      }
      return -1;
    }
  }
  if (j->end - j->p >= 4 && !memcmp(j->p, "null", 4)) {
    j->p += 4;
    v->type = JV_NULL;
    return 0;
  }
  if (j->end - j->p >= 4 && !memcmp(j->p, "true", 4)) {
    j->p += 4;
    v->type = JV_BOOL;
    v->b = 1;
    return 0;
  }
  if (j->end - j->p >= 5 && !memcmp(j->p, "false", 5)) {
    j->p += 5;
    v->type = JV_BOOL;
    return 0;
  }
  {
    char *e = NULL;
    v->type = JV_NUM;
    v->num = strtod(j->p, &e);
    if (e == j->p)
      return -1;
    j->p = e;
    return 0;
  }
}

/* Parse the file at @path into @out. Returns 0, or -1 (out needs no
 * jv_free then). */
static inline int jv_load(const char *path, struct jv *out)
{
  FILE *f = NULL;
  char *buf = NULL;
  long sz;
  struct jp j;
  int rc = -1;

  memset(out, 0, sizeof *out);
  f = fopen(path, "rb");
  if (!f)
    goto out;
  if (fseek(f, 0, SEEK_END) || (sz = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
    goto out;
  buf = malloc((size_t)sz + 1);
  if (!buf || fread(buf, 1, (size_t)sz, f) != (size_t)sz)
    goto out;
  buf[sz] = '\0';
  j.p = buf;
  j.end = buf + sz;
  j.err = 0;
  if (jp_value(&j, out, 0)) {
    jv_free(out);
    goto out;
  }
  rc = 0;
out:
  free(buf);
  if (f)
    fclose(f);
  return rc;
}

/* Member @key of object @v, or NULL. */
static inline const struct jv *jv_get(const struct jv *v, const char *key)
{
  size_t i;

  if (!v || v->type != JV_OBJ)
    return NULL;
  for (i = 0; i < v->n; i++)
    if (!strcmp(v->keys[i], key))
      return &v->items[i];
  return NULL;
}

/* String member @key of @v, or NULL when absent or not a string. */
static inline const char *jv_str(const struct jv *v, const char *key)
{
  const struct jv *m = jv_get(v, key);

  return m && m->type == JV_STR ? m->s : NULL;
}

/* As jv_str, and sets *@len to the decoded length, which counts any NUL
 * bytes inside the string (0 when absent). */
static inline const char *jv_strn(const struct jv *v, const char *key,
                                  size_t *len)
{
  const struct jv *m = jv_get(v, key);

  if (!m || m->type != JV_STR) {
    *len = 0;
    return NULL;
  }
  *len = m->slen;
  return m->s;
}

#endif
