/* diff.c -- line diff (longest common subsequence) of an expected and a got value, used
 * by the report for multi-line results such as whole HTTP responses. */
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "util.h"

struct diff_side {
    const char **line;      /* start of each line (not NUL-terminated) */
    size_t *len;
    size_t n;               /* lines kept (at most DIFF_MAX_LINES) */
    size_t dropped;         /* lines past the cap */
};

int diff_multiline(const char *s)
{
    if (s == NULL)
        return 0;
    const char *nl = strchr(s, '\n');
    return nl != NULL && nl[1] != '\0';
}

/* Splits s into lines (a final "\n" does not start an empty line). */
static void diff_split(const char *s, struct diff_side *d)
{
    d->line = xcalloc(DIFF_MAX_LINES, sizeof *d->line);
    d->len = xcalloc(DIFF_MAX_LINES, sizeof *d->len);
    d->n = d->dropped = 0;
    while (s != NULL && *s != '\0') {
        const char *nl = strchr(s, '\n');
        size_t n = nl ? (size_t)(nl - s) : strlen(s);
        if (d->n < DIFF_MAX_LINES) {
            d->line[d->n] = s;
            d->len[d->n++] = n;
        } else {
            d->dropped++;
        }
        s += nl ? n + 1 : n;
    }
}

static int diff_same(const struct diff_side *a, size_t i, const struct diff_side *b, size_t j)
{
    return a->len[i] == b->len[j] && memcmp(a->line[i], b->line[j], a->len[i]) == 0;
}

/* Appends one line with its prefix, CR made visible. */
static void diff_emit(struct sb *out, const char *prefix, const char *s, size_t n)
{
    sb_puts(out, prefix);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\r')
            sb_puts(out, "\\r");
        else
            sb_putc(out, s[i]);
    }
    sb_putc(out, '\n');
}

char *diff_lines(const char *expected, const char *got)
{
    struct diff_side a, b;
    diff_split(expected, &a);
    diff_split(got, &b);
    size_t w = b.n + 1;
    /* lcs[i][j]: length of the LCS of a[i..] and b[j..]. */
    unsigned *lcs = xcalloc((a.n + 1) * w, sizeof *lcs);
    for (size_t i = a.n; i-- > 0;)
        for (size_t j = b.n; j-- > 0;)
            lcs[i * w + j] = diff_same(&a, i, &b, j) ? lcs[(i + 1) * w + j + 1] + 1
                : (lcs[(i + 1) * w + j] > lcs[i * w + j + 1] ? lcs[(i + 1) * w + j]
                                                            : lcs[i * w + j + 1]);
    struct sb out;
    sb_init(&out);
    size_t i = 0, j = 0;
    while (i < a.n || j < b.n) {
        if (i < a.n && j < b.n && diff_same(&a, i, &b, j)) {
            diff_emit(&out, "  ", a.line[i], a.len[i]);
            i++, j++;
        } else if (i < a.n && (j == b.n || lcs[(i + 1) * w + j] >= lcs[i * w + j + 1])) {
            diff_emit(&out, "- ", a.line[i], a.len[i]);
            i++;
        } else {
            diff_emit(&out, "+ ", b.line[j], b.len[j]);
            j++;
        }
    }
    if (a.dropped || b.dropped)
        sb_printf(&out, "  ... (%zu more expected lines, %zu more got lines not compared)\n",
                  a.dropped, b.dropped);
    free(lcs);
    free(a.line), free(a.len), free(b.line), free(b.len);
    return sb_steal(&out);
}
