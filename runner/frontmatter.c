/* frontmatter.c -- the `key: value` block between two `---` lines at the top of lessons
 * and labs. Table-driven: each kind of file lists its fields, types and ranges. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frontmatter.h"

/* Trims spaces and tabs at both ends of [s, s+n); returns the new start, *n updated. */
static const char *fm_trim(const char *s, size_t *n)
{
    while (*n > 0 && (*s == ' ' || *s == '\t'))
        s++, (*n)--;
    while (*n > 0 && (s[*n - 1] == ' ' || s[*n - 1] == '\t' || s[*n - 1] == '\r'))
        (*n)--;
    return s;
}

static const struct fm_field *fm_find(const struct fm_field *fields, const char *key, size_t n)
{
    for (const struct fm_field *f = fields; f->key != NULL; f++)
        if (strlen(f->key) == n && memcmp(f->key, key, n) == 0)
            return f;
    return NULL;
}

static char **fm_split_list(const char *v)
{
    size_t cap = 4, n = 0;
    char **list = xcalloc(cap, sizeof *list);
    const char *p = v;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        const char *item = fm_trim(p, &len);
        if (len > 0) {
            if (n + 2 > cap) {
                cap *= 2;
                list = xrealloc(list, cap * sizeof *list);
            }
            list[n++] = xstrndup(item, len);
        }
        if (comma == NULL)
            break;
        p = comma + 1;
    }
    list[n] = NULL;
    return list;
}

/* Stores one value; returns NULL or an allocated message about the value. */
static char *fm_store(const struct fm_field *f, const char *v, void *target)
{
    char *slot = (char *)target + f->offset;
    char *end;
    switch (f->type) {
    case FM_STRING:
        if (*v == '\0')
            return f->required ? xasprintf("'%s' is empty", f->key) : NULL;
        free(*(char **)slot);
        *(char **)slot = xstrdup(v);
        return NULL;
    case FM_ID:
        if (*v == '\0' && !f->required)
            return NULL;
        if (!(isdigit((unsigned char)v[0]) && isdigit((unsigned char)v[1]) && v[2] == '\0'))
            return xasprintf("'%s' must be two digits such as 01, got '%s'", f->key, v);
        free(*(char **)slot);
        *(char **)slot = xstrdup(v);
        return NULL;
    case FM_INT: {
        errno = 0;
        long n = strtol(v, &end, 10);
        if (*v == '\0' || *end != '\0' || errno != 0 || n < f->min || n > f->max)
            return xasprintf("'%s' must be a whole number from %.0f to %.0f, got '%s'",
                             f->key, f->min, f->max, v);
        *(int *)slot = (int)n;
        return NULL;
    }
    case FM_NUMBER: {
        errno = 0;
        double d = strtod(v, &end);
        if (*v == '\0' || *end != '\0' || errno != 0 || !isfinite(d) || d < f->min || d > f->max)
            return xasprintf("'%s' must be a number from %g to %g, got '%s'",
                             f->key, f->min, f->max, v);
        *(double *)slot = d;
        return NULL;
    }
    case FM_LIST: {
        char **list = fm_split_list(v);
        if (list[0] == NULL && f->required) {
            fm_list_free(list);
            return xasprintf("'%s' needs at least one entry", f->key);
        }
        fm_list_free(*(char ***)slot);
        *(char ***)slot = list;
        return NULL;
    }
    }
    return NULL;
}

int fm_parse(const char *text, const char *path, const struct fm_field *fields, void *target,
             size_t *body_line, struct sb *errors)
{
    int problems = 0;
    size_t nfields = 0;
    for (const struct fm_field *f = fields; f->key != NULL; f++)
        nfields++;
    unsigned char *seen = xcalloc(nfields + 1, 1);
    const char *p = text;
    size_t line = 1;
    *body_line = 1;
    if (strncmp(p, "---", 3) != 0 || (p[3] != '\n' && p[3] != '\r' && p[3] != '\0')) {
        sb_printf(errors, "%s:1: missing front matter (the file must start with a '---' line)\n",
                  path);
        free(seen);
        return 1;
    }
    p = strchr(p, '\n');
    if (p == NULL || (strncmp(p + 1, "---", 3) != 0 && strstr(p, "\n---") == NULL)) {
        sb_printf(errors, "%s:1: front matter is not closed (add a '---' line after it)\n",
                  path);
        free(seen);
        return 1;
    }
    int closed = 0;
    while (p != NULL && *++p != '\0') {
        line++;
        const char *eol = strchr(p, '\n');
        size_t n = eol ? (size_t)(eol - p) : strlen(p);
        const char *s = fm_trim(p, &n);
        p = eol;
        if (n == 3 && memcmp(s, "---", 3) == 0) {
            closed = 1;
            break;
        }
        if (n == 0 || s[0] == '#')
            continue;
        const char *colon = memchr(s, ':', n);
        if (colon == NULL) {
            sb_printf(errors, "%s:%zu: expected 'key: value', got '%.*s'\n", path, line,
                      (int)n, s);
            problems++;
            continue;
        }
        size_t klen = (size_t)(colon - s);
        const char *key = fm_trim(s, &klen);
        size_t vlen = n - (size_t)(colon + 1 - s);
        const char *val = fm_trim(colon + 1, &vlen);
        const struct fm_field *f = fm_find(fields, key, klen);
        if (f == NULL) {
            sb_printf(errors, "%s:%zu: unknown key '%.*s'\n", path, line, (int)klen, key);
            problems++;
            continue;
        }
        size_t idx = (size_t)(f - fields);
        if (seen[idx]) {
            sb_printf(errors, "%s:%zu: '%s' given twice\n", path, line, f->key);
            problems++;
            continue;
        }
        seen[idx] = 1;
        if (f->line_offset != (size_t)-1)
            *(size_t *)((char *)target + f->line_offset) = line;
        char *v = xstrndup(val, vlen);
        char *msg = fm_store(f, v, target);
        free(v);
        if (msg != NULL) {
            sb_printf(errors, "%s:%zu: %s\n", path, line, msg);
            free(msg);
            problems++;
        }
    }
    if (!closed) {
        sb_printf(errors, "%s:%zu: front matter is not closed (add a '---' line after it)\n",
                  path, line);
        free(seen);
        return problems + 1;
    }
    *body_line = line + 1;
    for (size_t i = 0; i < nfields; i++) {
        if (fields[i].required && !seen[i]) {
            sb_printf(errors, "%s:1: missing required key '%s'\n", path, fields[i].key);
            problems++;
        }
    }
    free(seen);
    return problems;
}

void fm_list_free(char **list)
{
    if (list == NULL)
        return;
    for (char **p = list; *p != NULL; p++)
        free(*p);
    free(list);
}
