/* pairs.c -- the name/value list used for headers, query arguments, cookies, form
 * fields, view arguments and settings. Given code: no lab asks you to change it. */
#include <stdlib.h>
#include <string.h>

#include "vial.h"

void vial_pairs_init(vial_pairs *p)
{
    p->items = NULL;
    p->len = 0;
    p->cap = 0;
}

void vial_pairs_free(vial_pairs *p)
{
    if (p == NULL)
        return;
    for (size_t i = 0; i < p->len; i++) {
        free(p->items[i].name);
        free(p->items[i].value);
    }
    free(p->items);
    vial_pairs_init(p);
}

/* Copies s[0..n) into a new NUL-terminated string, or NULL. */
static char *pairs_dup(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d == NULL)
        return NULL;
    if (n > 0)
        memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

int vial_pairs_add(vial_pairs *p, const char *name, size_t nlen,
                   const char *value, size_t vlen)
{
    if (p->len == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 8;
        struct vial_pair *items = realloc(p->items, cap * sizeof *items);
        if (items == NULL)
            return -1;
        p->items = items;
        p->cap = cap;
    }
    char *n = pairs_dup(name, nlen);
    char *v = value ? pairs_dup(value, vlen) : NULL;
    if (n == NULL || (value != NULL && v == NULL)) {
        free(n);
        free(v);
        return -1;
    }
    p->items[p->len].name = n;
    p->items[p->len].value = v;
    p->len++;
    return 0;
}

int vial_pairs_adds(vial_pairs *p, const char *name, const char *value)
{
    return vial_pairs_add(p, name, strlen(name), value, value ? strlen(value) : 0);
}

long vial_pairs_next(const vial_pairs *p, const char *name, size_t from)
{
    for (size_t i = from; i < p->len; i++)
        if (strcmp(p->items[i].name, name) == 0)
            return (long)i;
    return -1;
}

const char *vial_pairs_get(const vial_pairs *p, const char *name)
{
    long i = vial_pairs_next(p, name, 0);
    return i < 0 ? NULL : p->items[i].value;
}

int vial_pairs_has(const vial_pairs *p, const char *name)
{
    return vial_pairs_next(p, name, 0) >= 0;
}

size_t vial_pairs_remove(vial_pairs *p, const char *name)
{
    size_t kept = 0, removed = 0;
    for (size_t i = 0; i < p->len; i++) {
        if (strcmp(p->items[i].name, name) == 0) {
            free(p->items[i].name);
            free(p->items[i].value);
            removed++;
        } else {
            p->items[kept++] = p->items[i];
        }
    }
    p->len = kept;
    return removed;
}
