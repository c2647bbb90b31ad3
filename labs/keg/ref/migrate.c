/* migrate.c -- migrations [lab 18]: the state of an app's tables replayed from its
 * migration files (NNNN_name.mig, a line-based text format), the autodetector that diffs
 * that state against the registered models and writes the next file, and migrate, which
 * runs the pending files in dependency order, each in one transaction, recorded in
 * keg_migrations. The SQL is Django 5.2's on SQLite, table rebuilds included; the
 * autodetector is in migrate_diff.c, the SQL in migrate_sql.c. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"
#include "migrate.h"

/* ---- errors and words [given] ---------------------------------------------------------- */

int keg_mig_fail(char **err, int status, const char *fmt, ...)
{
    char buf[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (err != NULL && *err == NULL)
        *err = strdup(buf);
    return status;
}

/* The kind words of the file format, indexed by enum keg_kind (KEG_M2M has none). */
static const char *const mig_kinds[] = {
    [KEG_AUTO] = "auto", [KEG_INTEGER] = "integer", [KEG_BOOL] = "bool",
    [KEG_CHAR] = "char", [KEG_TEXTFIELD] = "text", [KEG_DATETIME] = "datetime",
    [KEG_FK] = "fk", [KEG_M2M] = NULL,
};

int keg_mig_text_default(enum keg_kind kind)
{
    return kind == KEG_CHAR || kind == KEG_TEXTFIELD || kind == KEG_DATETIME;
}

struct mig_field *keg_mig_find(struct mig_model *m, const char *name)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->f[i].name, name) == 0)
            return &m->f[i];
    return NULL;
}

struct mig_model *keg_mig_model(struct mig_state *s, const char *name)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->models[i].name, name) == 0)
            return &s->models[i];
    return NULL;
}

void keg_mig_state_free(struct mig_state *s)
{
    free(s->models);
    memset(s, 0, sizeof *s);
}

void keg_mig_graph_free(struct mig_graph *g)
{
    for (size_t i = 0; i < g->n; i++)
        free(g->files[i].ops);
    free(g->files);
    free(g->order);
    memset(g, 0, sizeof *g);
}

/* ---- reading a file [given] ------------------------------------------------------------- */

/* Copies the next word of *p into out[cap] (a "quoted" part may hold spaces and \"):
 * 1, or 0 at the end of the line. A word too long is cut (and then fails later). */
static int mig_word(const char **p, char *out, size_t cap)
{
    const char *s = *p;
    size_t n = 0;
    int quoted = 0;
    while (*s == ' ')
        s++;
    if (*s == '\0')
        return 0;
    for (; *s != '\0' && (quoted || *s != ' '); s++) {
        if (*s == '"')
            quoted = !quoted;
        else if (quoted && *s == '\\' && s[1] != '\0' && n + 1 < cap)
            out[n++] = *s++;
        if (n + 1 < cap)
            out[n++] = *s;
    }
    out[n] = '\0';
    *p = s;
    return 1;
}

/* Reads "..." (escapes \\ \" \n \t \r \xHH) into out[cap]. Returns 0, or -1. */
static int mig_unquote(const char *s, char *out, size_t cap)
{
    size_t n = 0, len = strlen(s);
    if (len < 2 || s[0] != '"' || s[len - 1] != '"')
        return -1;
    for (size_t i = 1; i + 1 < len; i++) {
        char c = s[i];
        if (c == '\\') {
            static const char from[] = "\\\"ntr", to[] = "\\\"\n\t\r";
            const char *e = strchr(from, s[++i]);
            unsigned v;
            if (s[i] == 'x' && sscanf(s + i + 1, "%2x", &v) == 1 && v > 0 && i + 3 < len) {
                c = (char)v;
                i += 2;
            } else if (e != NULL && s[i] != '\0')
                c = to[e - from];
            else
                return -1;
        }
        if (n + 1 >= cap)
            return -1;
        out[n++] = c;
    }
    out[n] = '\0';
    return 0;
}

/* Parses "NAME KIND [null] [unique] [max_length=N] [default=V] [to=TABLE]" at p into f.
 * Returns 0, or -1 with a message in why[cap]. */
static int mig_parse_field(const char *p, struct mig_field *f, char *why, size_t cap)
{
    char w[2 * MIG_TEXT_MAX + 16], kind[16];
    memset(f, 0, sizeof *f);
    if (!mig_word(&p, f->name, sizeof f->name) || !keg_ident_ok(f->name)
        || !mig_word(&p, kind, sizeof kind))
        return snprintf(why, cap, "a field needs a name and a kind"), -1;
    f->kind = KEG_M2M;
    for (size_t k = 0; k < KEG_M2M; k++)
        if (strcmp(kind, mig_kinds[k]) == 0)
            f->kind = (enum keg_kind)k;
    if (f->kind == KEG_M2M)
        return snprintf(why, cap, "unknown kind '%s'", kind), -1;
    while (mig_word(&p, w, sizeof w)) {
        char *end = NULL;
        errno = 0;
        if (strcmp(w, "null") == 0)
            f->flags |= KEG_NULLABLE;
        else if (strcmp(w, "unique") == 0)
            f->flags |= KEG_UNIQUE;
        else if (strncmp(w, "max_length=", 11) == 0)
            f->max_length = (int)strtol(w + 11, &end, 10);
        else if (strncmp(w, "to=", 3) == 0 && keg_ident_ok(w + 3))
            snprintf(f->to, sizeof f->to, "%.63s", w + 3);
        else if (strncmp(w, "default=", 8) == 0 && keg_mig_text_default(f->kind)) {
            if (mig_unquote(w + 8, f->dtext, sizeof f->dtext) != 0)
                return snprintf(why, cap, "bad text default %s", w + 8), -1;
            f->flags |= KEG_DEFAULT;
        } else if (strncmp(w, "default=", 8) == 0) {
            f->dint = strtoll(w + 8, &end, 10);
            f->flags |= KEG_DEFAULT;
        } else
            return snprintf(why, cap, "unknown option '%.60s'", w), -1;
        if (end != NULL && (*end != '\0' || errno != 0 || end == strchr(w, '=') + 1))
            return snprintf(why, cap, "bad number in '%.60s'", w), -1;
    }
    if ((f->kind == KEG_CHAR) != (f->max_length > 0) || (f->kind == KEG_FK) != (f->to[0] != 0))
        return snprintf(why, cap, "max_length belongs to char, to= to fk"), -1;
    return 0;
}

struct mig_op *keg_mig_add_op(struct mig_file *f, enum mig_opkind kind, int line)
{
    if (f->nops == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 4;
        struct mig_op *p = realloc(f->ops, cap * sizeof *p);
        if (p == NULL)
            return NULL;
        f->ops = p;
        f->cap = cap;
    }
    struct mig_op *op = &f->ops[f->nops++];
    memset(op, 0, sizeof *op);
    op->kind = kind;
    op->line = line;
    return op;
}

/* The operation words, indexed by enum mig_opkind: how many words follow the word
 * before the field (create_model: name and table; the others: the model). */
static const char *const mig_ops[] = {
    [MIG_CREATE] = "create_model", [MIG_ADD] = "add_field", [MIG_REMOVE] = "remove_field",
    [MIG_ALTER] = "alter_field",
};

/* Parses one line (no newline) of file f. Returns 0, or -1 with why. */
static int mig_parse_line(struct mig_file *f, char *line, int no, char *why, size_t cap)
{
    char w[MIG_NAME_MAX], model[KEG_IDENT_MAX + 2];
    const char *p = line;
    if (!mig_word(&p, w, sizeof w) || w[0] == '#')
        return 0;
    if (strcmp(w, "depends:") == 0) {
        if (!mig_word(&p, w, sizeof w) || f->ndeps == MIG_DEPS)
            return snprintf(why, cap, "depends: needs one name (at most %d)", MIG_DEPS), -1;
        snprintf(f->deps[f->ndeps++], MIG_NAME_MAX, "%s", w);
        return 0;
    }
    if (strcmp(w, "field") == 0) {
        struct mig_op *op = f->nops ? &f->ops[f->nops - 1] : NULL;
        if (op == NULL || op->kind != MIG_CREATE || op->m.n == MIG_FIELDS)
            return snprintf(why, cap, "a field line belongs to a create_model"), -1;
        if (mig_parse_field(p, &op->m.f[op->m.n], why, cap) != 0)
            return -1;
        op->m.n++;
        return 0;
    }
    for (size_t k = 0; k < sizeof mig_ops / sizeof mig_ops[0]; k++) {
        if (strcmp(w, mig_ops[k]) != 0)
            continue;
        struct mig_op *op = keg_mig_add_op(f, (enum mig_opkind)k, no);
        if (op == NULL)
            return snprintf(why, cap, "out of memory"), -1;
        if (!mig_word(&p, model, sizeof model) || !keg_ident_ok(model))
            return snprintf(why, cap, "%s needs a model name", w), -1;
        snprintf(op->m.name, sizeof op->m.name, "%.63s", model);
        if (k == MIG_CREATE)
            return mig_word(&p, op->m.table, sizeof op->m.table) && keg_ident_ok(op->m.table)
                   ? 0 : (snprintf(why, cap, "create_model needs a table"), -1);
        if (k == MIG_REMOVE) {
            op->m.n = 1;
            return mig_word(&p, op->m.f[0].name, sizeof op->m.f[0].name)
                   && keg_ident_ok(op->m.f[0].name) ? 0
                   : (snprintf(why, cap, "remove_field needs a field name"), -1);
        }
        op->m.n = 1;
        return mig_parse_field(p, &op->m.f[0], why, cap);
    }
    return snprintf(why, cap, "unknown line '%s'", w), -1;
}

/* Reads dir/NAME.mig into f. Returns 0, or a status with *err. */
static int mig_read(const char *dir, const char *name, struct mig_file *f, char **err)
{
    char path[4096], line[1024], why[200] = "";
    memset(f, 0, sizeof *f);
    snprintf(f->name, sizeof f->name, "%s", name);
    snprintf(path, sizeof path, "%s/%s.mig", dir, name);
    FILE *in = fopen(path, "r");
    if (in == NULL)
        return keg_mig_fail(err, KEG_ERROR, "%s.mig: %s", name, strerror(errno));
    int no = 0, status = 0;
    while (status == 0 && fgets(line, sizeof line, in) != NULL) {
        size_t len = strlen(line);
        no++;
        if (len > 0 && line[len - 1] == '\n')
            line[--len] = '\0';
        else if (!feof(in))
            status = -1, snprintf(why, sizeof why, "line too long");
        if (status == 0 && no == 1 && strcmp(line, MIG_HEADER) != 0)
            status = -1, snprintf(why, sizeof why, "the first line is not '%s'", MIG_HEADER);
        else if (status == 0 && no > 1)
            status = mig_parse_line(f, line, no, why, sizeof why);
    }
    fclose(in);
    if (status == 0 && no == 0)
        status = -1, snprintf(why, sizeof why, "empty file");
    for (size_t i = 0; status == 0 && i < f->nops; i++)
        if (f->ops[i].kind == MIG_CREATE && (f->ops[i].m.n == 0 || f->ops[i].m.f[0].kind
                                             != KEG_AUTO || strcmp(f->ops[i].m.f[0].name, "id")))
            status = -1, no = f->ops[i].line, snprintf(why, sizeof why, "the first field "
                                                      "of a model is 'id auto'");
    return status == 0 ? 0 : keg_mig_fail(err, KEG_EINVALID, "%s.mig:%d: %s", name, no, why);
}

/* 1 when `file` is a migration file name: four digits, "_", letters, digits and "_",
 * ".mig" (longer than an identifier may be: a name is cut at MIG_NAME_MAX). */
static int mig_is_file(const char *file, char *name, size_t cap)
{
    size_t n = strlen(file);
    if (n < 10 || n - 4 >= cap || strcmp(file + n - 4, ".mig") != 0 || file[4] != '_'
        || strspn(file, "0123456789") != 4)
        return 0;
    memcpy(name, file, n - 4);
    name[n - 4] = '\0';
    static const char word[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                               "0123456789_";
    return strspn(name + 5, word) == n - 9;
}

static int mig_cmp_files(const void *a, const void *b)
{
    return strcmp(((const struct mig_file *)a)->name, ((const struct mig_file *)b)->name);
}

int keg_mig_load(const char *dir, struct mig_graph *g, char **err)
{
    memset(g, 0, sizeof *g);
    DIR *d = opendir(dir);
    if (d == NULL)
        return errno == ENOENT ? 0 : keg_mig_fail(err, KEG_ERROR, "%s: %s", dir, strerror(errno));
    struct dirent *e;
    size_t cap = 0;
    int status = 0;
    char name[MIG_NAME_MAX];
    while (status == 0 && (e = readdir(d)) != NULL) {
        if (!mig_is_file(e->d_name, name, sizeof name))
            continue;
        if (g->n == cap) {
            cap = cap ? cap * 2 : 8;
            struct mig_file *p = realloc(g->files, cap * sizeof *p);
            if (p == NULL) {
                status = keg_mig_fail(err, KEG_ENOMEM, "out of memory");
                break;
            }
            g->files = p;
        }
        status = mig_read(dir, name, &g->files[g->n], err);
        g->n++;
    }
    closedir(d);
    if (status == 0 && g->n > 0)
        qsort(g->files, g->n, sizeof *g->files, mig_cmp_files);
    if (status != 0)
        keg_mig_graph_free(g);
    return status;
}

/* ---- writing a file [given] --------------------------------------------------------------- */

/* Appends s as "..." with \\ \" \n \t \r, and \xHH for other control bytes. */
static void mig_quote(struct keg_sql *q, const char *s)
{
    keg_sql_add(q, "\"");
    for (; *s != '\0'; s++) {
        const char *e = strchr("\\\"\n\t\r", *s);
        if (e != NULL)
            keg_sql_printf(q, "\\%c", "\\\"ntr"[e - "\\\"\n\t\r"]);
        else if ((unsigned char)*s < 0x20 || *s == 0x7f)
            keg_sql_printf(q, "\\x%02x", (unsigned char)*s);
        else
            keg_sql_addn(q, s, 1);
    }
    keg_sql_add(q, "\"");
}

/* Appends "NAME KIND [null] [unique] [max_length=N] [default=V] [to=TABLE]". */
static void mig_write_field(struct keg_sql *q, const struct mig_field *f)
{
    keg_sql_printf(q, "%s %s", f->name, mig_kinds[f->kind]);
    if (f->flags & KEG_NULLABLE)
        keg_sql_add(q, " null");
    if (f->flags & KEG_UNIQUE)
        keg_sql_add(q, " unique");
    if (f->kind == KEG_CHAR)
        keg_sql_printf(q, " max_length=%d", f->max_length);
    if ((f->flags & KEG_DEFAULT) && keg_mig_text_default(f->kind)) {
        keg_sql_add(q, " default=");
        mig_quote(q, f->dtext);
    } else if (f->flags & KEG_DEFAULT)
        keg_sql_printf(q, " default=%lld", f->dint);
    if (f->kind == KEG_FK)
        keg_sql_printf(q, " to=%s", f->to);
}

char *keg_mig_text(const struct mig_file *f)
{
    struct keg_sql q = { 0 };
    keg_sql_add(&q, MIG_HEADER "\n");
    for (size_t i = 0; i < f->ndeps; i++)
        keg_sql_printf(&q, "depends: %s\n", f->deps[i]);
    for (size_t i = 0; i < f->nops; i++) {
        const struct mig_op *op = &f->ops[i];
        keg_sql_printf(&q, "%s %s", mig_ops[op->kind], op->m.name);
        if (op->kind == MIG_CREATE) {
            keg_sql_printf(&q, " %s\n", op->m.table);
            for (size_t k = 0; k < op->m.n; k++) {
                keg_sql_add(&q, "  field ");
                mig_write_field(&q, &op->m.f[k]);
                keg_sql_add(&q, "\n");
            }
        } else if (op->kind == MIG_REMOVE)
            keg_sql_printf(&q, " %s\n", op->m.f[0].name);
        else {
            keg_sql_add(&q, " ");
            mig_write_field(&q, &op->m.f[0]);
            keg_sql_add(&q, "\n");
        }
    }
    return keg_sql_steal(&q);
}

/* ---- the state [given] -------------------------------------------------------------------- */

int keg_mig_apply(struct mig_state *s, const struct mig_file *f, const struct mig_op *op,
                  char **err)
{
    struct mig_model *m = keg_mig_model(s, op->m.name);
    struct mig_field *fd = m != NULL ? keg_mig_find(m, op->m.f[0].name) : NULL;
    const char *why = NULL;
    if (op->kind == MIG_CREATE && m != NULL)
        why = "exists already";
    else if (op->kind != MIG_CREATE && m == NULL)
        why = "does not exist";
    else if (op->kind == MIG_ADD && (fd != NULL || m->n == MIG_FIELDS))
        why = fd != NULL ? "has that field already" : "has too many fields";
    else if ((op->kind == MIG_REMOVE || op->kind == MIG_ALTER) && (fd == NULL || fd == m->f))
        why = fd == NULL ? "has no such field" : "keeps its id";
    if (why != NULL)
        return keg_mig_fail(err, KEG_EINVALID, "%s.mig:%d: model '%s' %s", f->name,
                            op->line, op->m.name, why);
    if (op->kind == MIG_CREATE) {
        if (s->n == s->cap) {
            size_t cap = s->cap ? s->cap * 2 : 4;
            struct mig_model *p = realloc(s->models, cap * sizeof *p);
            if (p == NULL)
                return keg_mig_fail(err, KEG_ENOMEM, "out of memory");
            s->models = p;
            s->cap = cap;
        }
        s->models[s->n++] = op->m;
    } else if (op->kind == MIG_ADD)
        m->f[m->n++] = op->m.f[0];
    else if (op->kind == MIG_ALTER)
        *fd = op->m.f[0];
    else {
        memmove(fd, fd + 1, (size_t)(m->f + m->n - fd - 1) * sizeof *fd);
        m->n--;
    }
    return 0;
}

/* ---- the graph ------------------------------------------------------------------------------ */

/* The index of the file called name, or -1. */
static long mig_index(const struct mig_graph *g, const char *name)
{
    for (size_t i = 0; i < g->n; i++)
        if (strcmp(g->files[i].name, name) == 0)
            return (long)i;
    return -1;
}

/* SOLUTION(18) BEGIN */
/* 1 when file `from` reaches file `to` by following depends lines (seen: g->n flags). */
static int mig_reaches(const struct mig_graph *g, size_t from, size_t to, char *seen)
{
    const struct mig_file *f = &g->files[from];
    for (size_t d = 0; d < f->ndeps; d++) {
        size_t k = (size_t)mig_index(g, f->deps[d]);
        if (k == to)
            return 1;
        if (!seen[k]) {
            seen[k] = 1;
            if (mig_reaches(g, k, to, seen))
                return 1;
        }
    }
    return 0;
}

/* The error for a graph that has a cycle: every migration on one, in name order. */
static int mig_cycle_error(const struct mig_graph *g, const char *app, char **err)
{
    struct keg_sql q = { 0 };
    char *seen = calloc(g->n ? g->n : 1, 1);
    if (seen == NULL)
        return keg_mig_fail(err, KEG_ENOMEM, "out of memory");
    for (size_t i = 0; i < g->n; i++) {
        memset(seen, 0, g->n);
        if (mig_reaches(g, i, i, seen))
            keg_sql_printf(&q, "%s%s.%s", q.len ? ", " : "", app, g->files[i].name);
    }
    free(seen);
    char *list = keg_sql_steal(&q);
    int status = keg_mig_fail(err, KEG_EINVALID, "circular dependency: %s",
                              list != NULL ? list : "?");
    free(list);
    return status;
}
/* SOLUTION(18) END */

int keg_mig_order(struct mig_graph *g, const char *app, char **err)
{
/* SOLUTION(18) BEGIN */
    for (size_t i = 0; i < g->n; i++)
        for (size_t d = 0; d < g->files[i].ndeps; d++)
            if (mig_index(g, g->files[i].deps[d]) < 0)
                return keg_mig_fail(err, KEG_EINVALID, "Migration %s.%s dependencies "
                                    "reference nonexistent parent node %s.%s", app,
                                    g->files[i].name, app, g->files[i].deps[d]);
    g->order = malloc((g->n ? g->n : 1) * sizeof *g->order);
    char *done = calloc(g->n ? g->n : 1, 1);
    if (g->order == NULL || done == NULL) {
        free(done);
        return keg_mig_fail(err, KEG_ENOMEM, "out of memory");
    }
    /* Kahn's algorithm, taking the first ready file by name each time */
    size_t n = 0;
    for (int progress = 1; progress && n < g->n;) {
        progress = 0;
        for (size_t i = 0; i < g->n && !progress; i++) {
            int ready = !done[i];
            for (size_t d = 0; ready && d < g->files[i].ndeps; d++)
                ready = done[mig_index(g, g->files[i].deps[d])];
            if (ready) {
                done[i] = 1;
                g->order[n++] = i;
                progress = 1;
            }
        }
    }
    free(done);
    return n == g->n ? 0 : mig_cycle_error(g, app, err);
/* SOLUTION(18) STUB
    (void)g;
    (void)mig_index;
    return keg_mig_fail(err, KEG_ERROR, "%s: ordering migrations is not written yet", app);
   SOLUTION(18) END */
}

int keg_mig_replay(struct mig_graph *g, size_t upto, struct mig_state *s, char **err)
{
    for (size_t i = 0; i < upto; i++) {
        const struct mig_file *f = &g->files[g->order[i]];
        for (size_t k = 0; k < f->nops; k++) {
            int status = keg_mig_apply(s, f, &f->ops[k], err);
            if (status != 0)
                return status;
        }
    }
    return 0;
}
