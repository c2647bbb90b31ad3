/* jsonread.h -- a small strict JSON reader (and string quoting) for lab 12's checker:
 * the checker must not trust the learner's JSON library to judge the learner's JSON, so
 * it reads answers with its own code. Header-only: the checker is one .c file. */
#ifndef LAB12_JSONREAD_H
#define LAB12_JSONREAD_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"

enum jtype { JNULL, JBOOL, JNUM, JSTR, JARR, JOBJ };

struct jv {
    enum jtype t;
    int b, is_int;
    double num;
    struct wire_buf s;              /* JSTR, decoded UTF-8 */
    struct jv **items;              /* JARR, JOBJ */
    char **keys;                    /* JOBJ */
    size_t n;
};

struct jp {
    const char *p, *end;
    int depth;
};

static void jv_free(struct jv *v)
{
    if (v == NULL)
        return;
    for (size_t i = 0; i < v->n; i++) {
        jv_free(v->items[i]);
        if (v->keys)
            free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    wire_buf_free(&v->s);
    free(v);
}

static void jp_ws(struct jp *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
        j->p++;
}

static int jp_hex4(struct jp *j, unsigned *out)
{
    *out = 0;
    for (int i = 0; i < 4; i++, j->p++) {
        if (j->p >= j->end)
            return -1;
        char c = *j->p;
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0)
            return -1;
        *out = *out * 16 + (unsigned)d;
    }
    return 0;
}

static void utf8_put(struct wire_buf *b, unsigned cp)
{
    unsigned char u[4];
    size_t n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    static const unsigned char lead[] = {0, 0, 0xc0, 0xe0, 0xf0};
    for (size_t i = n; i-- > 1; cp >>= 6)
        u[i] = (unsigned char)(0x80 | (cp & 0x3f));
    u[0] = (unsigned char)(lead[n] | cp);
    wire_buf_add(b, u, n);
}

/* A string after its opening quote, decoded into out. */
static int jp_string(struct jp *j, struct wire_buf *out)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    wire_buf_add(out, "", 0);
    while (j->p < j->end && *j->p != '"') {
        unsigned char c = (unsigned char)*j->p++;
        if (c < 0x20)
            return -1;
        if (c != '\\') {
            wire_buf_add(out, &c, 1);
            continue;
        }
        if (j->p >= j->end)
            return -1;
        const char *k = strchr(from, *j->p);
        if (k != NULL && *j->p != '\0') {
            wire_buf_add(out, &to[k - from], 1);
            j->p++;
            continue;
        }
        unsigned cp, lo;
        if (*j->p++ != 'u' || jp_hex4(j, &cp) < 0 || (cp >= 0xdc00 && cp < 0xe000))
            return -1;
        if (cp >= 0xd800 && cp < 0xdc00) {
            if (j->end - j->p < 2 || j->p[0] != '\\' || j->p[1] != 'u')
                return -1;
            j->p += 2;
            if (jp_hex4(j, &lo) < 0 || lo < 0xdc00 || lo >= 0xe000)
                return -1;
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        }
        utf8_put(out, cp);
    }
    if (j->p >= j->end)
        return -1;
    j->p++;
    return out->failed ? -1 : 0;
}

static int jp_digits(struct jp *j)
{
    const char *s = j->p;
    while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
        j->p++;
    return j->p > s ? 0 : -1;
}

static int jp_number(struct jp *j, struct jv *v)
{
    const char *s = j->p;
    char tmp[64];
    if (j->p < j->end && *j->p == '-')
        j->p++;
    if (j->p < j->end && *j->p == '0')
        j->p++;
    else if (jp_digits(j) < 0)
        return -1;
    v->is_int = 1;
    if (j->p < j->end && *j->p == '.') {
        j->p++, v->is_int = 0;
        if (jp_digits(j) < 0)
            return -1;
    }
    if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
        j->p++, v->is_int = 0;
        if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
            j->p++;
        if (jp_digits(j) < 0)
            return -1;
    }
    if ((size_t)(j->p - s) >= sizeof tmp)
        return -1;
    memcpy(tmp, s, (size_t)(j->p - s));
    tmp[j->p - s] = '\0';
    v->t = JNUM;
    v->num = strtod(tmp, NULL);
    return 0;
}

static struct jv *jp_value(struct jp *j);

/* Items of an array or members of an object, after the opening bracket. */
static int jp_items(struct jp *j, struct jv *v, char close)
{
    jp_ws(j);
    if (j->p < j->end && *j->p == close)
        return j->p++, 0;
    for (;;) {
        struct wire_buf key = {0};
        jp_ws(j);
        if (close == '}') {
            if (j->p >= j->end || *j->p++ != '"' || jp_string(j, &key) < 0)
                return wire_buf_free(&key), -1;
            jp_ws(j);
            if (j->p >= j->end || *j->p++ != ':')
                return wire_buf_free(&key), -1;
        }
        struct jv *item = jp_value(j);
        struct jv **items = realloc(v->items, (v->n + 1) * sizeof *items);
        char **keys = close == '}' ? realloc(v->keys, (v->n + 1) * sizeof *keys) : NULL;
        if (items)
            v->items = items;
        if (keys)
            v->keys = keys;
        if (item == NULL || items == NULL || (close == '}' && keys == NULL)) {
            jv_free(item);
            return wire_buf_free(&key), -1;
        }
        if (close == '}')
            v->keys[v->n] = key.data;
        v->items[v->n++] = item;
        jp_ws(j);
        if (j->p >= j->end)
            return -1;
        if (*j->p == close)
            return j->p++, 0;
        if (*j->p++ != ',')
            return -1;
    }
}

static struct jv *jp_value(struct jp *j)
{
    static const struct { const char *word; enum jtype t; int b; } lits[] = {
        {"null", JNULL, 0}, {"true", JBOOL, 1}, {"false", JBOOL, 0},
    };
    struct jv *v = calloc(1, sizeof *v);
    int rc = -1;
    jp_ws(j);
    if (v == NULL || j->p >= j->end || ++j->depth > 64) {
        free(v);
        return NULL;
    }
    char c = *j->p;
    if (c == '"')
        j->p++, v->t = JSTR, rc = jp_string(j, &v->s);
    else if (c == '[' || c == '{')
        j->p++, v->t = c == '[' ? JARR : JOBJ, rc = jp_items(j, v, c == '[' ? ']' : '}');
    else if (c == '-' || (c >= '0' && c <= '9'))
        rc = jp_number(j, v);
    for (size_t i = 0; i < 3 && rc < 0 && c >= 'a'; i++) {
        size_t n = strlen(lits[i].word);
        if ((size_t)(j->end - j->p) >= n && memcmp(j->p, lits[i].word, n) == 0)
            j->p += n, v->t = lits[i].t, v->b = lits[i].b, rc = 0;
    }
    j->depth--;
    if (rc < 0) {
        jv_free(v);
        return NULL;
    }
    return v;
}

/* Parses text[0..len) as one JSON value with nothing after it. NULL when malformed. */
static struct jv *jv_parse(const char *text, size_t len)
{
    struct jp j = {text, text + len, 0};
    struct jv *v = text ? jp_value(&j) : NULL;
    jp_ws(&j);
    if (v != NULL && j.p != j.end) {
        jv_free(v);
        return NULL;
    }
    return v;
}

static const struct jv *jv_get(const struct jv *o, const char *key)
{
    for (size_t i = 0; o && o->t == JOBJ && i < o->n; i++)
        if (strcmp(o->keys[i], key) == 0)
            return o->items[i];
    return NULL;
}

/* ---- JSON text for requests --------------------------------------------------------- */

static void json_quote(struct wire_buf *b, const char *s)
{
    wire_buf_str(b, "\"");
    for (; *s; s++) {
        char e[8];
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            snprintf(e, sizeof e, "\\%c", c);
        else if (c < 0x20)
            snprintf(e, sizeof e, "\\u%04x", c);
        else
            snprintf(e, sizeof e, "%c", c);
        wire_buf_str(b, e);
    }
    wire_buf_str(b, "\"");
}

#endif
