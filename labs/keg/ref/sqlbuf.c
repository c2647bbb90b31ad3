/* sqlbuf.c -- a small growing string for building SQL text [given]. keg only ever puts
 * checked identifiers and "?" placeholders into it: values are bound, never printed. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Makes room for n more bytes and the NUL. Returns 0, or -1 (q->failed set). */
static int keg_sql_grow(struct keg_sql *q, size_t n)
{
    if (q->failed)
        return -1;
    if (q->len + n + 1 <= q->cap)
        return 0;
    size_t cap = q->cap ? q->cap : 128;
    while (cap < q->len + n + 1)
        cap *= 2;
    char *p = realloc(q->buf, cap);
    if (p == NULL) {
        q->failed = 1;
        return -1;
    }
    q->buf = p;
    q->cap = cap;
    return 0;
}

void keg_sql_addn(struct keg_sql *q, const char *s, size_t n)
{
    if (keg_sql_grow(q, n) < 0)
        return;
    memcpy(q->buf + q->len, s, n);
    q->len += n;
    q->buf[q->len] = '\0';
}

void keg_sql_add(struct keg_sql *q, const char *s)
{
    keg_sql_addn(q, s, strlen(s));
}

void keg_sql_printf(struct keg_sql *q, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        q->failed = 1;
        return;
    }
    if ((size_t)n < sizeof small) {
        keg_sql_addn(q, small, (size_t)n);
        return;
    }
    if (keg_sql_grow(q, (size_t)n) < 0)
        return;
    va_start(ap, fmt);
    vsnprintf(q->buf + q->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    q->len += (size_t)n;
}

void keg_sql_ident(struct keg_sql *q, const char *name)
{
    keg_sql_add(q, "\"");
    keg_sql_add(q, name);
    keg_sql_add(q, "\"");
}

char *keg_sql_steal(struct keg_sql *q)
{
    char *s = q->failed ? NULL : q->buf;
    if (s == NULL && !q->failed)
        s = strdup("");
    if (q->failed)
        free(q->buf);
    *q = (struct keg_sql){ 0 };
    return s;
}

void keg_sql_free(struct keg_sql *q)
{
    free(q->buf);
    *q = (struct keg_sql){ 0 };
}
