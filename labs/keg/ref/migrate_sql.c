/* migrate_sql.c -- the SQL of migrations [lab 18]: each operation's statements as Django 5.2
 * writes them for SQLite (CREATE TABLE from keg_model_create_sql, ADD COLUMN and DROP
 * COLUMN where SQLite can, else the rebuild of the table as "new__<table>"), keg_migrate
 * that runs the pending files one transaction each and records them in keg_migrations,
 * and keg_sqlmigrate that prints a file's statements. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "migrate.h"

/* One statement of a plan: its SQL and at most one bound value. */
struct mig_stmt {
    char *sql;                  /* owned */
    size_t op;                  /* the operation of its file that made it */
    int nparams;                /* 0 or 1 */
    keg_value param;            /* text points into the graph, which outlives the plan */
};

struct mig_plan {
    struct mig_stmt *s;         /* owned */
    size_t n, cap;
    int failed;                 /* out of memory or an SQL text keg refused */
};

/* A descriptor made from fields of the state, for keg_model_create_sql: the DDL stays
 * Django's, written in one place. */
struct mig_desc {
    keg_model m;
    keg_field f[MIG_FIELDS + 1];
    keg_model to[MIG_FIELDS + 1];   /* each foreign key's target: only its table is read */
};

static void mig_plan_free(struct mig_plan *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->s[i].sql);
    free(p->s);
    memset(p, 0, sizeof *p);
}

/* Appends the statement sql (taken over; NULL marks the plan failed). */
static void mig_push(struct mig_plan *p, size_t op, char *sql, const keg_value *param)
{
    if (sql == NULL || p->failed) {
        p->failed = 1;
        free(sql);
        return;
    }
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 8;
        struct mig_stmt *s = realloc(p->s, cap * sizeof *s);
        if (s == NULL) {
            p->failed = 1;
            free(sql);
            return;
        }
        p->s = s;
        p->cap = cap;
    }
    p->s[p->n++] = (struct mig_stmt){ sql, op, param != NULL, param != NULL ? *param : keg_null() };
}

/* SOLUTION(18) BEGIN */
/* The value that fills existing rows for field f (its default; f has KEG_DEFAULT). */
static keg_value mig_default(const struct mig_field *f)
{
    return keg_mig_text_default(f->kind) ? keg_text(f->dtext) : keg_int(f->dint);
}

/* Fills d: a model on `table` with the fields fs[0..n). */
static void mig_desc(struct mig_desc *d, const char *table, const struct mig_field *const *fs,
                     size_t n)
{
    memset(d, 0, sizeof *d);
    for (size_t i = 0; i < n; i++) {
        d->to[i].table = fs[i]->to;
        d->f[i] = (keg_field){ .name = fs[i]->name, .kind = fs[i]->kind, .flags = fs[i]->flags,
                               .max_length = fs[i]->max_length,
                               .to = fs[i]->kind == KEG_FK ? &d->to[i] : NULL };
    }
    d->m = (keg_model){ .app = "", .name = table, .table = table, .fields = d->f, .nfields = n };
}

/* CREATE TABLE "table" with fs, then an index per foreign key that is not UNIQUE (as
 * keg_create_table). */
static void mig_create(struct mig_plan *p, size_t op, const char *table,
                       const struct mig_field *const *fs, size_t n)
{
    struct mig_desc *d = malloc(sizeof *d);
    if (d == NULL) {
        p->failed = 1;
        return;
    }
    mig_desc(d, table, fs, n);
    mig_push(p, op, keg_model_create_sql(&d->m), NULL);
    free(d);
}

/* CREATE INDEX "<final>_<column>" ON "<final>" ("<column>") for each foreign key of fs
 * that is not UNIQUE. */
static void mig_indexes(struct mig_plan *p, size_t op, const char *table,
                        const struct mig_field *const *fs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (fs[i]->kind != KEG_FK || (fs[i]->flags & KEG_UNIQUE))
            continue;
        struct keg_sql q = { 0 };
        keg_sql_printf(&q, "CREATE INDEX \"%s_%s_id\" ON ", table, fs[i]->name);
        keg_sql_ident(&q, table);
        keg_sql_printf(&q, " (\"%s_id\")", fs[i]->name);
        mig_push(p, op, keg_sql_steal(&q), NULL);
    }
}

/* The column definition of f, cut from the CREATE TABLE of a model with id and f:
 * `"c" type NULL ...`. Caller frees; NULL for a field keg cannot write. */
static char *mig_column_def(const char *table, const struct mig_field *f)
{
    static const struct mig_field id = { .name = "id", .kind = KEG_AUTO };
    const struct mig_field *fs[2] = { &id, f };
    struct mig_desc *d = malloc(sizeof *d);
    char *alone = NULL, *both = NULL;
    if (d != NULL) {
        mig_desc(d, table, fs, 1);
        alone = keg_model_create_sql(&d->m);
        mig_desc(d, table, fs, 2);
        both = keg_model_create_sql(&d->m);
    }
    free(d);
    char *def = NULL;
    size_t skip = alone != NULL ? strlen(alone) + 1 : 0;   /* its ")" becomes ", " */
    if (both != NULL && alone != NULL && strlen(both) > skip) {
        both[strlen(both) - 1] = '\0';
        def = strdup(both + skip);
    }
    free(alone);
    free(both);
    return def;
}

/* The column of a state field ("<name>_id" for a foreign key) into out. */
static void mig_column(const struct mig_field *f, char out[KEG_IDENT_MAX + 4])
{
    snprintf(out, KEG_IDENT_MAX + 4, f->kind == KEG_FK ? "%.63s_id" : "%.63s", f->name);
}

/* Django's _remake_table on SQLite: CREATE TABLE "new__<table>" with the new fields (the
 * kept ones in order, then the added or altered one), INSERT INTO it SELECT from the
 * old table, DROP TABLE the old, ALTER TABLE RENAME the new, then the indexes. */
static void mig_remake(struct mig_plan *p, size_t opi, const struct mig_model *m,
                       const struct mig_op *op)
{
    const struct mig_field *fs[MIG_FIELDS + 1], *nf = &op->m.f[0], *old = NULL;
    size_t n = 0;
    char tmp[KEG_IDENT_MAX + 8], col[KEG_IDENT_MAX + 4];
    struct keg_sql into = { 0 }, from = { 0 };
    snprintf(tmp, sizeof tmp, "new__%s", m->table);
    for (size_t i = 0; i < m->n; i++) {
        if (strcmp(m->f[i].name, nf->name) == 0) {
            old = &m->f[i];
            continue;
        }
        fs[n++] = &m->f[i];
        mig_column(&m->f[i], col);
        keg_sql_add(&into, n > 1 ? ", " : "");
        keg_sql_ident(&into, col);
        keg_sql_add(&from, n > 1 ? ", " : "");
        keg_sql_ident(&from, col);
    }
    keg_value v = mig_default(nf);
    int bind = 0;
    if (op->kind != MIG_REMOVE) {
        fs[n++] = nf;
        mig_column(nf, col);
        keg_sql_add(&into, ", ");
        keg_sql_ident(&into, col);
        keg_sql_add(&from, ", ");
        bind = (nf->flags & KEG_DEFAULT) && (op->kind == MIG_ADD || ((old->flags & KEG_NULLABLE)
                                             && !(nf->flags & KEG_NULLABLE)));
        if (op->kind == MIG_ADD)
            keg_sql_add(&from, bind ? "?" : "NULL");
        else {
            mig_column(old, col);
            keg_sql_add(&from, bind ? "coalesce(" : "");
            keg_sql_ident(&from, col);
            keg_sql_add(&from, bind ? ", ?)" : "");
        }
    }
    if (!keg_ident_ok(tmp))
        p->failed = 1;
    mig_create(p, opi, tmp, fs, n);
    struct keg_sql q = { 0 };
    char *a = keg_sql_steal(&into), *b = keg_sql_steal(&from);
    keg_sql_printf(&q, "INSERT INTO \"%s\" (%s) SELECT %s FROM \"%s\"", tmp, a ? a : "",
                   b ? b : "", m->table);
    if (a == NULL || b == NULL)
        q.failed = 1;
    free(a);
    free(b);
    mig_push(p, opi, keg_sql_steal(&q), bind ? &v : NULL);
    keg_sql_printf(&q, "DROP TABLE \"%s\"", m->table);
    mig_push(p, opi, keg_sql_steal(&q), NULL);
    keg_sql_printf(&q, "ALTER TABLE \"%s\" RENAME TO \"%s\"", tmp, m->table);
    mig_push(p, opi, keg_sql_steal(&q), NULL);
    mig_indexes(p, opi, m->table, fs, n);
}

/* The statements of operation opi of f on state s (before it). */
static void mig_op_sql(struct mig_plan *p, size_t opi, struct mig_state *s,
                       const struct mig_op *op)
{
    const struct mig_field *fs[MIG_FIELDS], *f = &op->m.f[0];
    struct mig_model *m = keg_mig_model(s, op->m.name);
    struct keg_sql q = { 0 };
    if (op->kind == MIG_CREATE) {
        for (size_t i = 0; i < op->m.n; i++)
            fs[i] = &op->m.f[i];
        mig_create(p, opi, op->m.table, fs, op->m.n);
        mig_indexes(p, opi, op->m.table, fs, op->m.n);
    } else if (op->kind == MIG_ADD && (f->flags & KEG_NULLABLE)
               && !(f->flags & (KEG_UNIQUE | KEG_DEFAULT))) {
        char *def = mig_column_def(m->table, f);
        keg_sql_printf(&q, "ALTER TABLE \"%s\" ADD COLUMN %s", m->table, def ? def : "");
        q.failed |= def == NULL;
        free(def);
        mig_push(p, opi, keg_sql_steal(&q), NULL);
        fs[0] = f;
        mig_indexes(p, opi, m->table, fs, 1);
    } else if (op->kind == MIG_REMOVE && (f = keg_mig_find(m, f->name)) != NULL
               && !(f->flags & KEG_UNIQUE) && f->kind != KEG_FK) {
        char col[KEG_IDENT_MAX + 4];
        mig_column(f, col);
        keg_sql_printf(&q, "ALTER TABLE \"%s\" DROP COLUMN \"%s\"", m->table, col);
        mig_push(p, opi, keg_sql_steal(&q), NULL);
    } else
        mig_remake(p, opi, m, op);
}
/* SOLUTION(18) END */

/* The plan of file f on state s, then s advanced past f. Returns 0 or a status. */
static int mig_plan_file(struct mig_plan *p, struct mig_state *s, const struct mig_file *f,
                         char **err)
{
    for (size_t i = 0; i < f->nops; i++) {
/* SOLUTION(18) BEGIN */
        struct mig_model *m = keg_mig_model(s, f->ops[i].m.name);
        int fits = f->ops[i].kind == MIG_CREATE ? m == NULL
                   : m != NULL && (f->ops[i].kind == MIG_ADD
                                   || keg_mig_find(m, f->ops[i].m.f[0].name) != NULL);
        if (fits)
            mig_op_sql(p, i, s, &f->ops[i]);
/* SOLUTION(18) STUB
        (void)mig_push;
        p->failed = 1;
   SOLUTION(18) END */
        int status = keg_mig_apply(s, f, &f->ops[i], err);
        if (status != 0)
            return status;
        if (p->failed)
            return keg_mig_fail(err, KEG_EINVALID, "%s.mig:%d: no SQL for this operation",
                                f->name, f->ops[i].line);
    }
    return 0;
}

/* Loads and orders the files of app in dir into g. */
static int mig_graph(const char *dir, const char *app, struct mig_graph *g, char **err)
{
    int status = keg_mig_load(dir, g, err);
    if (status == 0 && (status = keg_mig_order(g, app, err)) != 0)
        keg_mig_graph_free(g);
    return status;
}

/* ---- sqlmigrate ------------------------------------------------------------------------ */

/* Django's Operation.describe(), by enum mig_opkind. */
static const char *const mig_describe[] = {
    [MIG_CREATE] = "Create model %s%s", [MIG_ADD] = "Add field %2$s to %1$s",
    [MIG_REMOVE] = "Remove field %2$s from %1$s", [MIG_ALTER] = "Alter field %2$s on %1$s",
};

/* Appends v as a comment: "-- params: 5" or "-- params: 'text'" ('' for '; control
 * bytes as \xHH). */
static void mig_show_param(struct keg_sql *q, const keg_value *v)
{
    if (v->type == KEG_INT) {
        keg_sql_printf(q, " -- params: %lld", v->i);
        return;
    }
    keg_sql_add(q, " -- params: '");
    for (size_t i = 0; i < v->len; i++) {
        unsigned char c = (unsigned char)v->s[i];
        if (c == '\'')
            keg_sql_add(q, "''");
        else if (c < 0x20 || c == 0x7f)
            keg_sql_printf(q, "\\x%02x", c);
        else
            keg_sql_addn(q, v->s + i, 1);
    }
    keg_sql_add(q, "'");
}

char *keg_sqlmigrate(const char *dir, const char *app, const char *name, char **err)
{
    if (err != NULL)
        *err = NULL;
    struct mig_graph g;
    struct mig_state s = { 0 };
    struct mig_plan p = { 0 };
    char *text = NULL;
    if (mig_graph(dir, app, &g, err) != 0)
        return NULL;
    size_t at = 0;
    while (at < g.n && strcmp(g.files[g.order[at]].name, name) != 0)
        at++;
    if (at == g.n)
        keg_mig_fail(err, KEG_EINVALID, "Cannot find a migration matching '%s' from app "
                     "'%s'.", name, app);
    else if (keg_mig_replay(&g, at, &s, err) == 0
             && mig_plan_file(&p, &s, &g.files[g.order[at]], err) == 0) {
/* SOLUTION(18) BEGIN */
        const struct mig_file *f = &g.files[g.order[at]];
        struct keg_sql q = { 0 };
        keg_sql_add(&q, "BEGIN;\n");
        for (size_t i = 0; i < p.n; i++) {
            if (i == 0 || p.s[i].op != p.s[i - 1].op) {
                const struct mig_op *op = &f->ops[p.s[i].op];
                keg_sql_add(&q, "--\n-- ");
                keg_sql_printf(&q, mig_describe[op->kind], op->m.name,
                               op->kind == MIG_CREATE ? "" : op->m.f[0].name);
                keg_sql_add(&q, "\n--\n");
            }
            keg_sql_printf(&q, "%s;", p.s[i].sql);
            if (p.s[i].nparams > 0)
                mig_show_param(&q, &p.s[i].param);
            keg_sql_add(&q, "\n");
        }
        keg_sql_add(&q, "COMMIT;\n");
        if ((text = keg_sql_steal(&q)) == NULL)
            keg_mig_fail(err, KEG_ENOMEM, "out of memory");
/* SOLUTION(18) STUB
        (void)mig_describe;
        (void)mig_show_param;
        keg_mig_fail(err, KEG_ERROR, "keg_sqlmigrate is not written yet");
   SOLUTION(18) END */
    }
    mig_plan_free(&p);
    keg_mig_state_free(&s);
    keg_mig_graph_free(&g);
    return text;
}

/* ---- migrate --------------------------------------------------------------------------- */

/* Django's django_migrations, as its recorder creates it on SQLite (IF NOT EXISTS: a
 * migrate running at the same time may create it between the check and this; SQLite
 * keeps the text without those words). */
static const char mig_table_sql[] =
    "CREATE TABLE IF NOT EXISTS \"keg_migrations\" (\"id\" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "
    "\"app\" varchar(255) NOT NULL, \"name\" varchar(255) NOT NULL, \"applied\" datetime "
    "NOT NULL)";

/* Marks in applied[] the files of g that keg_migrations records for app, creating the
 * table first when it is missing. */
static int mig_applied(keg_db *db, const char *app, const struct mig_graph *g, char *applied)
{
    int status = keg_db_table_exists(db, "keg_migrations");
    if (status == 0)
        status = keg_db_exec(db, mig_table_sql, NULL, 0);
    if (status < 0)
        return status;
    keg_rows *r;
    keg_value v = keg_text(app);
    status = keg_db_query(db, "SELECT \"name\" FROM \"keg_migrations\" WHERE \"app\" = ?",
                          &v, 1, &r);
    while (status == 0 && (status = keg_rows_next(r)) == 1) {
        const char *name = keg_rows_text(r, 0, NULL);
        for (size_t i = 0; name != NULL && i < g->n; i++)
            if (strcmp(g->files[i].name, name) == 0)
                applied[i] = 1;
        status = 0;
    }
    keg_rows_close(r);
    return status < 0 ? status : 0;
}

/* SOLUTION(18) BEGIN */
/* Django's check_constraints: KEG_EINTEGRITY when a row points to no row. */
static int mig_fk_check(keg_db *db)
{
    keg_rows *r;
    int status = keg_db_query(db, "PRAGMA foreign_key_check", NULL, 0, &r);
    if (status == 0 && (status = keg_rows_next(r)) == 1)
        status = keg_db_failf(db, KEG_EINTEGRITY, "The row in table '%s' with primary key "
                              "'%lld' has an invalid foreign key to '%s'.",
                              keg_rows_text(r, 0, NULL), keg_rows_int(r, 1),
                              keg_rows_text(r, 2, NULL));
    keg_rows_close(r);
    return status;
}

/* Runs plan p of file `name` in one transaction with foreign keys off (SQLite cannot
 * turn them off inside one), checked before the commit, and records it. Returns 0, 1
 * when another connection applied it since keg_migrate looked (nothing runs), or a
 * status. */
static int mig_run(keg_db *db, const char *app, const char *name, const struct mig_plan *p)
{
    char now[20] = "1970-01-01 00:00:00";
    keg_datetime_format((long long)time(NULL), now);
    int status = keg_db_exec(db, "PRAGMA foreign_keys = OFF", NULL, 0);
    if (status >= 0)
        status = keg_atomic_begin(db);
    if (status < 0)
        return status;
    /* Under the write lock: a migrate running at the same time may have applied it. */
    long long done = 0;
    keg_value key[2] = { keg_text(app), keg_text(name) };
    status = keg_db_query_int(db, "SELECT count(*) FROM \"keg_migrations\" WHERE \"app\" = ? "
                              "AND \"name\" = ?", key, 2, &done);
    if (status >= 0 && done > 0) {
        keg_atomic_rollback(db);
        keg_db_exec(db, "PRAGMA foreign_keys = ON", NULL, 0);
        return 1;
    }
    for (size_t i = 0; status >= 0 && i < p->n; i++)
        status = keg_db_exec(db, p->s[i].sql, &p->s[i].param, (size_t)p->s[i].nparams);
    if (status >= 0)
        status = mig_fk_check(db);
    static const char *const cols[] = { "app", "name", "applied" };
    keg_value vals[3] = { keg_text(app), keg_text(name), keg_text(now) };
    if (status >= 0)
        status = keg_db_insert(db, "keg_migrations", cols, vals, 3, NULL);
    if (status >= 0)
        status = keg_atomic_commit(db);
    else
        keg_atomic_rollback(db);
    keg_db_exec(db, "PRAGMA foreign_keys = ON", NULL, 0);
    return status < 0 ? status : 0;
}
/* SOLUTION(18) END */

int keg_migrate(keg_db *db, const char *dir, const char *app, char **err)
{
    if (err != NULL)
        *err = NULL;
    if (keg_atomic_depth(db) > 0)
        return keg_mig_fail(err, keg_db_failf(db, KEG_EINVALID, "migrate inside a "
                            "transaction"), "keg_migrate runs outside any transaction");
    struct mig_graph g;
    struct mig_state s = { 0 };
    int status = mig_graph(dir, app, &g, err), count = 0;
    if (status != 0)
        return status;
    char *applied = calloc(g.n ? g.n : 1, 1);
    status = applied == NULL ? keg_mig_fail(err, KEG_ENOMEM, "out of memory")
             : mig_applied(db, app, &g, applied);
    if (status < 0)
        keg_mig_fail(err, status, "keg_migrations: %s", keg_db_error(db));
    for (size_t i = 0; status == 0 && i < g.n; i++) {
        const struct mig_file *f = &g.files[g.order[i]];
        struct mig_plan p = { 0 };
        status = mig_plan_file(&p, &s, f, err);
        if (status == 0 && !applied[g.order[i]]) {
/* SOLUTION(18) BEGIN */
            status = mig_run(db, app, f->name, &p);
            if (status < 0)
                keg_mig_fail(err, status, "%s: %s", f->name, keg_db_error(db));
            else
                count += status == 0;
            status = status > 0 ? 0 : status;
/* SOLUTION(18) STUB
            status = keg_mig_fail(err, KEG_ERROR, "%s: applying is not written yet", f->name);
   SOLUTION(18) END */
        }
        mig_plan_free(&p);
    }
    free(applied);
    keg_mig_state_free(&s);
    keg_mig_graph_free(&g);
    return status < 0 ? status : count;
}
