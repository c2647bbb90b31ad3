/* starter.c -- renders starter(N) and the reference from framework files carrying
 * SOLUTION(NN) markers (docs/course-format.md) and validates those markers. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "starter.h"
#include "track.h"
#include "util.h"

#define STARTER_FILE_CAP (4u << 20)     /* no framework file is anywhere near this */

enum starter_mark { MARK_NONE, MARK_BEGIN, MARK_STUB, MARK_END, MARK_BAD };

/* Where the parser is: outside a block, in the reference part, or in the stub part. */
enum starter_state { ST_OUT, ST_REF, ST_STUB };

struct starter_line {
    const char *s;
    size_t n;
};

/* Skips spaces and tabs from s up to e. */
static const char *starter_skip_ws(const char *s, const char *e)
{
    while (s < e && (*s == ' ' || *s == '\t' || *s == '\r'))
        s++;
    return s;
}

/* Matches literal `lit` at *s, advancing on success. */
static int starter_eat(const char **s, const char *e, const char *lit)
{
    size_t n = strlen(lit);
    if ((size_t)(e - *s) < n || memcmp(*s, lit, n) != 0)
        return 0;
    *s += n;
    return 1;
}

/* Classifies one line. On a marker, *lab gets its number and *open whether the line
 * starts with its own comment opener. MARK_BAD: mentions a marker but is malformed. */
static enum starter_mark starter_classify(struct starter_line ln, int *lab, int *open)
{
    const char *s = ln.s, *e = ln.s + ln.n;
    if (memmem(ln.s, ln.n, "SOLUTION(", 9) == NULL)
        return MARK_NONE;
    s = starter_skip_ws(s, e);
    *open = starter_eat(&s, e, "/*");
    s = starter_skip_ws(s, e);
    if (!starter_eat(&s, e, "SOLUTION("))
        return MARK_BAD;
    if (e - s < 3 || s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' || s[2] != ')')
        return MARK_BAD;
    *lab = (s[0] - '0') * 10 + (s[1] - '0');
    s += 3;
    s = starter_skip_ws(s, e);
    enum starter_mark m;
    if (starter_eat(&s, e, "BEGIN"))
        m = MARK_BEGIN;
    else if (starter_eat(&s, e, "STUB"))
        m = MARK_STUB;
    else if (starter_eat(&s, e, "END"))
        m = MARK_END;
    else
        return MARK_BAD;
    s = starter_skip_ws(s, e);
    int close = starter_eat(&s, e, "*/");
    s = starter_skip_ws(s, e);
    if (s != e || *lab == 0)
        return MARK_BAD;
    /* BEGIN is a whole comment; STUB opens one; END closes one. */
    if ((m == MARK_BEGIN && !(*open && close)) || (m == MARK_STUB && (!*open || close))
        || (m == MARK_END && !close))
        return MARK_BAD;
    return m;
}

/* The parse shared by render, reference and validate. `lab` < 0 means "keep every
 * block". Returns the text, or NULL with *cause. */
static char *starter_process(const char *text, size_t len, int lab, const char *path,
                             char **cause)
{
    struct sb out;
    sb_init(&out);
    enum starter_state st = ST_OUT;
    int cur = 0;
    size_t lineno = 0, begin_line = 0;
    const char *p = text, *end = text + len;
    char *err = NULL;
    while (p < end && err == NULL) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        size_t full = nl ? n + 1 : n;
        struct starter_line ln = { p, n };
        lineno++;
        int mlab = 0, open = 0;
        enum starter_mark m = starter_classify(ln, &mlab, &open);
        int keep_ref = lab < 0 || cur < lab;
        switch (m) {
        case MARK_BAD:
            err = xasprintf("%s:%zu: malformed SOLUTION marker", path, lineno);
            break;
        case MARK_BEGIN:
            if (st != ST_OUT)
                err = xasprintf("%s:%zu: SOLUTION(%02d) BEGIN inside the block opened at "
                                "line %zu", path, lineno, mlab, begin_line);
            st = ST_REF, cur = mlab, begin_line = lineno;
            break;
        case MARK_STUB:
            if (st != ST_REF || mlab != cur)
                err = xasprintf("%s:%zu: SOLUTION(%02d) STUB without a matching BEGIN",
                                path, lineno, mlab);
            st = ST_STUB;
            break;
        case MARK_END:
            if (st == ST_OUT || mlab != cur)
                err = xasprintf("%s:%zu: SOLUTION(%02d) END without a matching BEGIN",
                                path, lineno, mlab);
            else if (st == ST_REF && !open)
                err = xasprintf("%s:%zu: SOLUTION(%02d) END closes a comment that no STUB "
                                "opened (write /* SOLUTION(%02d) END */)", path, lineno,
                                mlab, mlab);
            st = ST_OUT;
            break;
        case MARK_NONE:
            if (st == ST_STUB && memmem(p, n, "*/", 2) != NULL)
                err = xasprintf("%s:%zu: a STUB must not contain */", path, lineno);
            else if (st == ST_OUT || (st == ST_REF && keep_ref) || (st == ST_STUB && !keep_ref))
                sb_add(&out, p, full);
            break;
        }
        p += full;
    }
    if (err == NULL && st != ST_OUT)
        err = xasprintf("%s:%zu: SOLUTION(%02d) BEGIN is never closed by an END", path,
                        begin_line, cur);
    if (err != NULL) {
        sb_free(&out);
        *cause = err;
        return NULL;
    }
    return sb_steal(&out);
}

char *starter_render(const char *text, size_t len, int lab, const char *path, char **cause)
{
    return starter_process(text, len, lab < 0 ? 0 : lab, path, cause);
}

char *starter_reference(const char *text, size_t len, const char *path, char **cause)
{
    return starter_process(text, len, -1, path, cause);
}

/* 1 when name ends with suffix. */
static int starter_ends(const char *name, const char *suffix)
{
    size_t n = strlen(name), m = strlen(suffix);
    return n >= m && strcmp(name + n - m, suffix) == 0;
}

/* 1 for files that may carry markers. */
static int starter_is_source(const char *name)
{
    return starter_ends(name, ".c") || starter_ends(name, ".h");
}

static int starter_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names of the regular files of dir accepted by keep (NULL: all), NULL-ended, or
 * NULL when dir cannot be read. Caller frees each name and the array. */
static char **starter_list(const char *dir, int (*keep)(const char *))
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return NULL;
    size_t n = 0, cap = 16;
    char **v = xmalloc(cap * sizeof *v);
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.' || (keep != NULL && !keep(de->d_name)))
            continue;
        char *full = util_path_join(dir, de->d_name);
        int reg = util_is_file(full);
        free(full);
        if (!reg)
            continue;
        if (n + 1 >= cap)
            v = xrealloc(v, (cap *= 2) * sizeof *v);
        v[n++] = xstrdup(de->d_name);
    }
    closedir(d);
    v[n] = NULL;
    qsort(v, n, sizeof *v, starter_cmp);
    return v;
}

static void starter_list_free(char **v)
{
    if (v == NULL)
        return;
    for (size_t i = 0; v[i] != NULL; i++)
        free(v[i]);
    free(v);
}

/* Validates one framework file; appends a problem line to errs. Returns 0 or 1. */
static int starter_validate_file(const char *path, const char *shown, struct sb *errs)
{
    size_t len;
    char *text = util_read_file(path, STARTER_FILE_CAP, &len);
    if (text == NULL) {
        sb_printf(errs, "%s: %s\n", shown, strerror(errno));
        return 1;
    }
    char *cause = NULL;
    char *r = starter_reference(text, len, shown, &cause);
    free(text);
    free(r);
    if (cause == NULL)
        return 0;
    sb_printf(errs, "%s\n", cause);
    free(cause);
    return 1;
}

int starter_validate(const struct course *c, char **errors)
{
    struct sb errs;
    sb_init(&errs);
    int problems = 0;
    for (size_t i = 0; i < c->nfolders; i++) {
        const struct course_folder *f = &c->folders[i];
        char **names = starter_list(f->src, starter_is_source);
        for (size_t j = 0; names != NULL && names[j] != NULL; j++) {
            char *path = util_path_join(f->src, names[j]);
            char *shown = xasprintf("%s/%s", f->shown, names[j]);
            problems += starter_validate_file(path, shown, &errs);
            free(path);
            free(shown);
        }
        starter_list_free(names);
    }
    if (problems > 0)
        *errors = sb_steal(&errs);
    else
        sb_free(&errs);
    return problems;
}
