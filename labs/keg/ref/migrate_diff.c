/* migrate_diff.c -- the autodetector of migrations [lab 18]: the registered models of an
 * app compared with the state its migration files replay to, and the next file written
 * (CreateModel, then RemoveField, AddField and AlterField, as Django orders them), named
 * as Django's Migration.suggest_name names it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "migrate.h"

/* SOLUTION(18) BEGIN */
/* 1 for the kinds stored as a string (their default is default_text). */
static int mig_is_string(enum keg_kind kind)
{
    return kind == KEG_CHAR || kind == KEG_TEXTFIELD;
}

/* The state's view of field f of model m (what the database sees). Returns 0, or a
 * status with *err. */
static int mig_field_of(const keg_model *m, const keg_field *f, struct mig_field *out,
                        char **err)
{
    memset(out, 0, sizeof *out);
    snprintf(out->name, sizeof out->name, "%s", f->name);
    out->kind = f->kind;
    if (f->kind == KEG_AUTO)
        return 0;
    out->flags = f->flags & (KEG_NULLABLE | KEG_UNIQUE | KEG_DEFAULT);
    out->max_length = f->kind == KEG_CHAR ? f->max_length : 0;
    if (f->kind == KEG_FK)
        snprintf(out->to, sizeof out->to, "%s", f->to->table);
    if (!(out->flags & KEG_DEFAULT))
        return 0;
    if (f->kind == KEG_DATETIME && keg_datetime_format(f->default_int, out->dtext) != 0)
        return keg_mig_fail(err, KEG_EINVALID, "field '%s' on model '%s': a default "
                            "outside years 1..9999", f->name, m->name);
    if (mig_is_string(f->kind) && f->default_text == NULL)
        out->flags &= ~KEG_DEFAULT;     /* a NULL default is no default */
    else if (mig_is_string(f->kind) && strlen(f->default_text) >= MIG_TEXT_MAX)
        return keg_mig_fail(err, KEG_EINVALID, "field '%s' on model '%s': a default "
                            "longer than %d bytes", f->name, m->name, MIG_TEXT_MAX - 1);
    else if (mig_is_string(f->kind))
        snprintf(out->dtext, sizeof out->dtext, "%s", f->default_text);
    else if (f->kind != KEG_DATETIME)
        out->dint = f->kind == KEG_BOOL ? f->default_int != 0 : f->default_int;
    return 0;
}

/* 1 when two states of a field differ in anything the database sees. */
static int mig_field_differs(const struct mig_field *a, const struct mig_field *b)
{
    if (a->kind != b->kind || a->flags != b->flags || a->max_length != b->max_length
        || strcmp(a->to, b->to) != 0)
        return 1;
    if (!(a->flags & KEG_DEFAULT))
        return 0;
    return keg_mig_text_default(a->kind) ? strcmp(a->dtext, b->dtext) != 0 : a->dint != b->dint;
}

/* The registered model m as a state model. */
static int mig_model_of(const keg_model *m, struct mig_model *out, char **err)
{
    char *ddl = keg_model_create_sql(m);
    free(ddl);
    if (ddl == NULL || strlen(m->name) > KEG_IDENT_MAX || !keg_ident_ok(m->name))
        return keg_mig_fail(err, KEG_EINVALID, "model '%s': invalid descriptor", m->name);
    memset(out, 0, sizeof *out);
    snprintf(out->name, sizeof out->name, "%s", m->name);
    snprintf(out->table, sizeof out->table, "%s", m->table);
    for (size_t i = 0; i < m->nfields; i++) {
        if (!keg_field_has_column(&m->fields[i]))
            continue;
        int status = mig_field_of(m, &m->fields[i], &out->f[out->n++], err);
        if (status != 0)
            return status;
    }
    return 0;
}

static int mig_cmp_models(const void *a, const void *b)
{
    return strcmp((*(const keg_model *const *)a)->name, (*(const keg_model *const *)b)->name);
}

static int mig_cmp_fields(const void *a, const void *b)
{
    return strcmp(((const struct mig_field *)a)->name, ((const struct mig_field *)b)->name);
}

/* Appends to f the operations of `kind` that take `now` (the model) from `was` (its
 * state), in field name order. Returns 0 or a status. */
static int mig_diff_fields(struct mig_file *f, enum mig_opkind kind, struct mig_model *was,
                           struct mig_model *now, char **err)
{
    struct mig_model sorted = kind == MIG_REMOVE ? *was : *now;
    qsort(sorted.f, sorted.n, sizeof *sorted.f, mig_cmp_fields);
    for (size_t i = 0; i < sorted.n; i++) {
        const struct mig_field *fd = &sorted.f[i];
        const struct mig_field *other = keg_mig_find(kind == MIG_REMOVE ? now : was, fd->name);
        if ((kind == MIG_ALTER) != (other != NULL)
            || (kind == MIG_ALTER && !mig_field_differs(fd, other)))
            continue;
        if (kind == MIG_ADD && !(fd->flags & (KEG_NULLABLE | KEG_DEFAULT)))
            return keg_mig_fail(err, KEG_EINVALID, "Field '%s' on model '%s' not migrated: it "
                                "is impossible to add a non-nullable field without "
                                "specifying a default.", fd->name, now->name);
        struct mig_op *op = keg_mig_add_op(f, kind, 0);
        if (op == NULL)
            return keg_mig_fail(err, KEG_ENOMEM, "out of memory");
        snprintf(op->m.name, sizeof op->m.name, "%s", now->name);
        op->m.f[0] = *fd;
        op->m.n = 1;
    }
    return 0;
}

/* The operations that take state s to the registered models of app, into f, in
 * Django's order: created models, then removed, added and altered fields. */
static int mig_diff(struct mig_state *s, const char *app, struct mig_file *f, char **err)
{
    size_t n = 0, k = 0;
    const keg_model *const *all = keg_registered(&n);
    const keg_model **mine = malloc((n ? n : 1) * sizeof *mine);
    struct mig_model *now = malloc(sizeof *now);
    int status = mine == NULL || now == NULL ? keg_mig_fail(err, KEG_ENOMEM, "out of memory") : 0;
    for (size_t i = 0; status == 0 && i < n; i++)
        if (all[i]->app != NULL && strcmp(all[i]->app, app) == 0)
            mine[k++] = all[i];
    if (status == 0)
        qsort(mine, k, sizeof *mine, mig_cmp_models);
    static const enum mig_opkind passes[] = { MIG_CREATE, MIG_REMOVE, MIG_ADD, MIG_ALTER };
    for (size_t p = 0; status == 0 && p < 4; p++)
        for (size_t i = 0; status == 0 && i < k; i++) {
            status = mig_model_of(mine[i], now, err);
            struct mig_model *was = keg_mig_model(s, mine[i]->name);
            struct mig_op *op;
            if (status != 0 || (was == NULL) != (passes[p] == MIG_CREATE))
                continue;
            if (passes[p] != MIG_CREATE)
                status = mig_diff_fields(f, passes[p], was, now, err);
            else if ((op = keg_mig_add_op(f, MIG_CREATE, 0)) == NULL)
                status = keg_mig_fail(err, KEG_ENOMEM, "out of memory");
            else
                op->m = *now;
        }
    free(mine);
    free(now);
    return status;
}

/* Django's Migration.suggest_name: "initial" for an app's first migration, else the
 * operations' fragments joined by "_" while the name stays within 52 characters
 * ("_and_more" marks the cut). */
static void mig_suggest_name(const struct mig_file *f, int initial, char *out, size_t cap)
{
    static const char *const fmts[] = {
        [MIG_CREATE] = "%s", [MIG_ADD] = "%s_%s", [MIG_REMOVE] = "remove_%s_%s",
        [MIG_ALTER] = "alter_%s_%s",
    };
    struct keg_sql name = { 0 };
    char frag[MIG_NAME_MAX * 2];
    if (initial) {
        snprintf(out, cap, "initial");
        return;
    }
    for (size_t i = 0; i < f->nops; i++) {
        snprintf(frag, sizeof frag, fmts[f->ops[i].kind], f->ops[i].m.name, f->ops[i].m.f[0].name);
        if (i > 0 && name.len + 1 + strlen(frag) > 52) {
            keg_sql_add(&name, "_and_more");
            break;
        }
        keg_sql_printf(&name, "%s%s", i ? "_" : "", frag);
    }
    snprintf(out, cap, "%.*s", (int)(cap - 1), name.buf != NULL ? name.buf : "auto");
    keg_sql_free(&name);
}

/* Writes f as dir/NAME.mig (a new file). Returns 0 or a status with *err. */
static int mig_write(const char *dir, const struct mig_file *f, char **err)
{
    char path[4096];
    char *text = keg_mig_text(f);
    if (text == NULL)
        return keg_mig_fail(err, KEG_ENOMEM, "out of memory");
    mkdir(dir, 0777);
    snprintf(path, sizeof path, "%s/%s.mig", dir, f->name);
    FILE *out = fopen(path, "wx");
    int status = out == NULL || fputs(text, out) == EOF ? KEG_ERROR : 0;
    if (out != NULL && fclose(out) != 0)
        status = KEG_ERROR;
    free(text);
    return status == 0 ? 0 : keg_mig_fail(err, status, "%s: %s", path, strerror(errno));
}
/* SOLUTION(18) END */

int keg_makemigrations(const char *dir, const char *app, char **written, char **err)
{
    if (written != NULL)
        *written = NULL;
    if (err != NULL)
        *err = NULL;
/* SOLUTION(18) BEGIN */
    struct mig_graph g;
    struct mig_state s = { 0 };
    struct mig_file next = { 0 };
    int status = keg_mig_load(dir, &g, err);
    if (status != 0)
        return status;
    status = keg_mig_order(&g, app, err);
    if (status == 0)
        status = keg_mig_replay(&g, g.n, &s, err);
    /* the leaves: files no other file depends on */
    struct keg_sql leaves = { 0 };
    size_t nleaves = 0;
    for (size_t i = 0; status == 0 && i < g.n; i++) {
        int leaf = 1;
        for (size_t k = 0; leaf && k < g.n; k++)
            for (size_t d = 0; d < g.files[k].ndeps; d++)
                leaf &= strcmp(g.files[k].deps[d], g.files[i].name) != 0;
        if (leaf) {
            keg_sql_printf(&leaves, "%s%s", nleaves ? ", " : "", g.files[i].name);
            snprintf(next.deps[0], MIG_NAME_MAX, "%s", g.files[i].name);
            next.ndeps = ++nleaves;
        }
    }
    if (status == 0 && nleaves > 1)
        status = keg_mig_fail(err, KEG_EINVALID, "Conflicting migrations detected; multiple "
                              "leaf nodes in the migration graph: (%s in %s).",
                              leaves.buf != NULL ? leaves.buf : "", app);
    keg_sql_free(&leaves);
    if (status == 0)
        status = mig_diff(&s, app, &next, err);
    if (status == 0 && next.nops > 0) {
        char name[MIG_NAME_MAX - 8];
        mig_suggest_name(&next, g.n == 0, name, sizeof name);
        long number = g.n > 0 ? strtol(next.deps[0], NULL, 10) + 1 : 1;
        snprintf(next.name, sizeof next.name, "%04ld_%s", number % 10000, name);
        status = mig_write(dir, &next, err);
        if (status == 0 && written != NULL) {
            size_t len = strlen(next.name) + 5;
            if ((*written = malloc(len)) != NULL)
                snprintf(*written, len, "%s.mig", next.name);
        }
        if (status == 0)
            status = 1;
    }
    free(next.ops);
    keg_mig_state_free(&s);
    keg_mig_graph_free(&g);
    return status;
/* SOLUTION(18) STUB
    (void)dir;
    return keg_mig_fail(err, KEG_ERROR, "%s: keg_makemigrations is not written yet", app);
   SOLUTION(18) END */
}
