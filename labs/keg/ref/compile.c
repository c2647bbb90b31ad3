/* compile.c -- keg's query sets, second half [lab 15]: compiles a query set into exactly
 * one statement (SELECT, SELECT COUNT(*), an existence test, UPDATE or DELETE), its
 * values bound as parameters, and runs it. Nothing here runs before an evaluation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* ---- compiling --------------------------------------------------------------------- */

/* SOLUTION(15) BEGIN */
/* One statement being built: its text, its parameters, and the bytes they point at that
 * the compiler made (LIKE patterns, formatted datetimes). */
struct keg_stmt {
    struct keg_sql sql;
    keg_value *params;
    size_t n, cap;
    char **owned;
    size_t nowned, capowned;
    int failed;
};

static void keg_stmt_free(struct keg_stmt *s)
{
    keg_sql_free(&s->sql);
    for (size_t i = 0; i < s->nowned; i++)
        free(s->owned[i]);
    free(s->owned);
    free(s->params);
}

/* Adds a parameter (v's bytes must live as long as s). */
static void keg_stmt_param(struct keg_stmt *s, keg_value v)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 8;
        keg_value *p = realloc(s->params, cap * sizeof *p);
        if (p == NULL) {
            s->failed = 1;
            return;
        }
        s->params = p;
        s->cap = cap;
    }
    s->params[s->n++] = v;
}

/* Keeps p (malloc'ed) until s is freed; returns p, or NULL (p freed) when out of memory. */
static char *keg_stmt_own(struct keg_stmt *s, char *p)
{
    if (p != NULL && s->nowned == s->capowned) {
        size_t cap = s->capowned ? s->capowned * 2 : 4;
        char **o = realloc(s->owned, cap * sizeof *o);
        if (o == NULL) {
            free(p);
            p = NULL;
        } else {
            s->owned = o;
            s->capowned = cap;
        }
    }
    if (p == NULL) {
        s->failed = 1;
        return NULL;
    }
    s->owned[s->nowned++] = p;
    return p;
}

/* Appends "table"."column" of f. */
static void keg_stmt_column(struct keg_stmt *s, const keg_model *m, const keg_field *f)
{
    char col[KEG_IDENT_MAX + 4];
    if (keg_field_column(f, col, sizeof col) < 0) {
        s->failed = 1;
        return;
    }
    keg_sql_ident(&s->sql, m->table);
    keg_sql_add(&s->sql, ".");
    keg_sql_ident(&s->sql, col);
}

/* The LIKE pattern of text v: % _ and \ escaped with \, wrapped in % for contains. */
static keg_value keg_like_pattern(struct keg_stmt *s, keg_value v, enum keg_pattern how)
{
    char *p = malloc(v.len * 2 + 3);
    size_t n = 0;
    if (p != NULL) {
        if (how == KEG_LIKE_CONTAINS)
            p[n++] = '%';
        for (size_t i = 0; i < v.len; i++) {
            if (v.s[i] == '%' || v.s[i] == '_' || v.s[i] == '\\')
                p[n++] = '\\';
            p[n++] = v.s[i];
        }
        if (how == KEG_LIKE_CONTAINS)
            p[n++] = '%';
        p[n] = '\0';
    }
    p = keg_stmt_own(s, p);
    return p != NULL ? keg_textn(p, n) : keg_null();
}

/* Appends one value of field f as SQL: a column for F(), else "?" bound to v (a
 * datetime given as seconds becomes its text; a LIKE pattern is escaped). */
static void keg_stmt_value(struct keg_stmt *s, const keg_model *m, const keg_field *f,
                           keg_value v, enum keg_pattern how)
{
    if (v.type == KEG_FEXPR) {
        keg_sql_add(&s->sql, v.i != 0 ? "(" : "");
        keg_stmt_column(s, m, keg_qs_field(m, v.s, strlen(v.s)));
        if (v.i != 0) {
            keg_sql_add(&s->sql, " + ?)");
            keg_stmt_param(s, keg_int(v.i));
        }
        return;
    }
    if (f->kind == KEG_DATETIME && v.type == KEG_INT) {
        char *t = keg_stmt_own(s, malloc(20));
        if (t == NULL || keg_datetime_format(v.i, t) < 0)
            s->failed = 1;
        v = t != NULL ? keg_text(t) : keg_null();
    } else if (how != KEG_AS_IS) {
        v = keg_like_pattern(s, v, how);
    }
    keg_sql_add(&s->sql, "?");
    keg_stmt_param(s, v);
}

/* Appends the values of an "in" leaf, NULLs left out (NULL equals nothing). */
static void keg_stmt_in_list(struct keg_stmt *s, const keg_model *m, const keg_field *f,
                             const keg_q *q)
{
    size_t k = 0;
    for (size_t i = 0; i < q->n; i++) {
        if (q->v[i].type == KEG_NULL)
            continue;
        keg_sql_add(&s->sql, k++ ? ", " : "");
        keg_stmt_value(s, m, f, q->v[i], KEG_AS_IS);
    }
}

/* Appends a checked leaf. Under an odd number of NOTs (negated), a nullable column gets
 * "AND col IS NOT NULL" inside the NOT, as Django does, so exclude(x=1) keeps the rows
 * where x is NULL; so does the column of a plain F() value. */
static void keg_stmt_leaf(struct keg_stmt *s, const keg_model *m, const keg_q *q, int negated)
{
    const keg_field *f = NULL;
    const struct keg_lookup *l = NULL;
    char err[8];
    if (keg_lookup_parse(m, q->lookup, &f, &l, err, sizeof err) < 0) {
        s->failed = 1;
        return;
    }
    const keg_value *v = q->v;
    size_t values = 0;
    for (size_t i = 0; i < q->n; i++)
        values += v[i].type != KEG_NULL;
    if (l->arity == KEG_LIST && values == 0) {
        keg_sql_add(&s->sql, "0");      /* x IN (): no row, and NOT of it every row */
        return;
    }
    int is_null = l->arity == KEG_ONE && v->type == KEG_NULL;
    int isnull_lookup = (l->takes & KEG_FLAG_ONLY) != 0;
    const keg_field *g = v->type == KEG_FEXPR && v->i == 0 ? keg_qs_field(m, v->s, strlen(v->s))
                                                          : NULL;
    int guard = negated && !is_null && !isnull_lookup && (f->flags & KEG_NULLABLE);
    int fguard = negated && g != NULL && (g->flags & KEG_NULLABLE);
    keg_sql_add(&s->sql, guard || fguard ? "(" : "");
    if (is_null || isnull_lookup) {
        keg_stmt_column(s, m, f);
        keg_sql_add(&s->sql, is_null || v->i ? " IS NULL" : " IS NOT NULL");
    } else {
        size_t next = 0;
        for (const char *t = l->sql; *t != '\0'; t++) {
            if (t[0] == '%' && t[1] == 'c')
                keg_stmt_column(s, m, f);
            else if (t[0] == '%' && t[1] == 'v' && l->arity == KEG_LIST)
                keg_stmt_in_list(s, m, f, q);
            else if (t[0] == '%' && t[1] == 'v')
                keg_stmt_value(s, m, f, v[next++], l->pattern);
            else {
                keg_sql_addn(&s->sql, t, 1);
                continue;
            }
            t++;
        }
    }
    if (guard) {
        keg_sql_add(&s->sql, " AND ");
        keg_stmt_column(s, m, f);
        keg_sql_add(&s->sql, " IS NOT NULL");
    }
    if (fguard) {
        keg_sql_add(&s->sql, " AND ");
        keg_stmt_column(s, m, g);
        keg_sql_add(&s->sql, " IS NOT NULL");
    }
    keg_sql_add(&s->sql, guard || fguard ? ")" : "");
}

/* Appends a checked Q tree. */
static void keg_stmt_where(struct keg_stmt *s, const keg_model *m, const keg_q *q, int negated)
{
    if (q->op == KEG_Q_LEAF) {
        keg_stmt_leaf(s, m, q, negated);
    } else if (q->op == KEG_Q_NOT) {
        keg_sql_add(&s->sql, "NOT (");
        keg_stmt_where(s, m, q->a, !negated);
        keg_sql_add(&s->sql, ")");
    } else {
        keg_sql_add(&s->sql, "(");
        keg_stmt_where(s, m, q->a, negated);
        keg_sql_add(&s->sql, q->op == KEG_Q_AND ? " AND " : " OR ");
        keg_stmt_where(s, m, q->b, negated);
        keg_sql_add(&s->sql, ")");
    }
}

/* SOLUTION(15) END */

/* SOLUTION(16) BEGIN */
/* Appends the many-to-many restriction of qs: "t"."id" IN (SELECT "col" FROM "join"
 * WHERE "other col" = ?). */
static void keg_stmt_via(struct keg_stmt *s, const keg_qs *qs)
{
    char join[KEG_IDENT_MAX + 4], near[KEG_IDENT_MAX + 4], far[KEG_IDENT_MAX + 4];
    if (keg_m2m_names(qs->via_owner, qs->via, join, near, far) < 0) {
        s->failed = 1;
        return;
    }
    keg_sql_ident(&s->sql, qs->model->table);
    keg_sql_add(&s->sql, ".\"id\" IN (SELECT ");
    keg_sql_ident(&s->sql, qs->via_reverse ? near : far);
    keg_sql_add(&s->sql, " FROM ");
    keg_sql_ident(&s->sql, join);
    keg_sql_add(&s->sql, " WHERE ");
    keg_sql_ident(&s->sql, qs->via_reverse ? far : near);
    keg_sql_add(&s->sql, " = ?)");
    keg_stmt_param(s, keg_int(qs->via_id));
}

/* The alias of the i-th table select_related joins: its table's name, or "T<i + 2>"
 * when the query names that table already (Django's T2, T3, ...). */
static void keg_join_alias(const keg_qs *qs, const keg_field *const *f, size_t i,
                           char out[KEG_IDENT_MAX + 4])
{
    int taken = strcmp(f[i]->to->table, qs->model->table) == 0;
    for (size_t j = 0; j < i; j++)
        taken |= strcmp(f[i]->to->table, f[j]->to->table) == 0;
    if (taken)
        snprintf(out, KEG_IDENT_MAX + 4, "T%zu", i + 2);
    else
        snprintf(out, KEG_IDENT_MAX + 4, "%s", f[i]->to->table);
}

/* Appends, for select_related, the columns of each joined table (part 0: ", ...") or
 * the joins (part 1): INNER JOIN for a NOT NULL key, LEFT OUTER JOIN for a nullable
 * one, as Django does. */
static void keg_stmt_related(struct keg_stmt *s, const keg_qs *qs, int part)
{
    const keg_field *f[64];
    char alias[KEG_IDENT_MAX + 4], col[KEG_IDENT_MAX + 4];
    size_t n = keg_select_fields(qs, f, 64);
    for (size_t i = 0; i < n; i++) {
        keg_join_alias(qs, f, i, alias);
        if (part == 0) {
            keg_sql_add(&s->sql, ", ");
            keg_sql_columns(&s->sql, f[i]->to, alias);
            continue;
        }
        keg_field_column(f[i], col, sizeof col);
        keg_sql_add(&s->sql, f[i]->flags & KEG_NULLABLE ? " LEFT OUTER JOIN " : " INNER JOIN ");
        keg_sql_ident(&s->sql, f[i]->to->table);
        if (strcmp(alias, f[i]->to->table) != 0) {
            keg_sql_add(&s->sql, " ");
            keg_sql_ident(&s->sql, alias);
        }
        keg_sql_add(&s->sql, " ON (");
        keg_stmt_column(s, qs->model, f[i]);
        keg_sql_add(&s->sql, " = ");
        keg_sql_ident(&s->sql, alias);
        keg_sql_add(&s->sql, ".\"id\")");
    }
}
/* SOLUTION(16) END */

/* SOLUTION(15) BEGIN */
/* Appends " WHERE ..." when qs has conditions. */
static void keg_stmt_filters(struct keg_stmt *s, const keg_qs *qs)
{
    const char *glue = " WHERE ";
/* SOLUTION(15) END */
/* SOLUTION(16) BEGIN */
    if (qs->via != NULL) {
        keg_sql_add(&s->sql, glue);
        keg_stmt_via(s, qs);
        glue = " AND ";
    }
/* SOLUTION(16) END */
/* SOLUTION(15) BEGIN */
    if (qs->where == NULL)
        return;
    keg_sql_add(&s->sql, glue);
    keg_stmt_where(s, qs->model, qs->where, 0);
}

/* Appends "SELECT <what> FROM t WHERE ... ORDER BY ... LIMIT ? OFFSET ?"; what NULL:
 * every column. */
static void keg_stmt_select(struct keg_stmt *s, const keg_qs *qs, const char *what)
{
    keg_sql_add(&s->sql, "SELECT ");
    if (what != NULL)
        keg_sql_add(&s->sql, what);
    else
        keg_sql_columns(&s->sql, qs->model, qs->model->table);
/* SOLUTION(15) END */
/* SOLUTION(16) BEGIN */
    if (what == NULL)
        keg_stmt_related(s, qs, 0);
/* SOLUTION(16) END */
/* SOLUTION(15) BEGIN */
    keg_sql_add(&s->sql, " FROM ");
    keg_sql_ident(&s->sql, qs->model->table);
/* SOLUTION(15) END */
/* SOLUTION(16) BEGIN */
    if (what == NULL)
        keg_stmt_related(s, qs, 1);
/* SOLUTION(16) END */
/* SOLUTION(15) BEGIN */
    keg_stmt_filters(s, qs);
    for (size_t i = 0; i < qs->norder; i++) {
        keg_sql_add(&s->sql, i ? ", " : " ORDER BY ");
        keg_stmt_column(s, qs->model, qs->order[i].f);
        keg_sql_add(&s->sql, qs->order[i].desc ? " DESC" : " ASC");
    }
    if (keg_qs_sliced(qs)) {
        keg_sql_add(&s->sql, " LIMIT ? OFFSET ?");
        keg_stmt_param(s, keg_int(qs->hi >= 0 ? qs->hi - qs->lo : -1));
        keg_stmt_param(s, keg_int(qs->lo));
    }
}
/* SOLUTION(15) END */

char *keg_qs_sql(const keg_qs *qs)
{
    if (qs == NULL || qs->error != NULL)
        return NULL;
/* SOLUTION(15) BEGIN */
    struct keg_stmt s = { 0 };
    keg_stmt_select(&s, qs, NULL);
    char *sql = s.failed ? NULL : keg_sql_steal(&s.sql);
    keg_stmt_free(&s);
    return sql;
/* SOLUTION(15) STUB
    return NULL;
   SOLUTION(15) END */
}

/* ---- evaluating -------------------------------------------------------------------- */

/* The status to return before any SQL when qs cannot run (NULL, or carrying an error);
 * KEG_OK when it can. */
static int keg_qs_usable(keg_db *db, const keg_qs *qs)
{
    if (qs == NULL)
        return keg_db_failf(db, KEG_ENOMEM, "no query set (out of memory)");
    if (qs->error != NULL)
        return keg_db_failf(db, KEG_EINVALID, "%s", qs->error);
    return KEG_OK;
}

/* SOLUTION(15) BEGIN */
/* Opens the reader of statement s. */
static int keg_stmt_query(keg_db *db, struct keg_stmt *s, keg_rows **r)
{
    if (s->failed || s->sql.failed)
        return keg_db_failf(db, KEG_ENOMEM, "out of memory");
    return keg_db_query(db, s->sql.buf, s->params, s->n, r);
}

/* Appends obj to l (which then owns it). 0, or -1 when out of memory (obj not taken). */
static int keg_list_push(keg_list *l, void *obj)
{
    if ((l->len & (l->len - 1)) == 0) {     /* 0, 1, 2, 4, ...: the array is full */
        void **items = realloc(l->items, (l->len ? l->len * 2 : 1) * sizeof *items);
        if (items == NULL)
            return -1;
        l->items = items;
    }
    l->items[l->len++] = obj;
    return 0;
}
/* SOLUTION(15) END */

int keg_qs_fetch(keg_db *db, const keg_qs *qs, keg_list *out)
{
    int status = keg_qs_usable(db, qs);
    if (status != KEG_OK)
        return status;
/* SOLUTION(15) BEGIN */
    struct keg_stmt s = { 0 };
    keg_rows *r = NULL;
    keg_list got = { .model = qs->model };
    keg_stmt_select(&s, qs, NULL);
    status = keg_stmt_query(db, &s, &r);
    while (status == KEG_OK && (status = keg_rows_next(r)) == 1) {
        void *obj = keg_obj_new(qs->model);
        if (obj == NULL || keg_list_push(&got, obj) < 0) {
            keg_obj_free(obj);
            status = keg_db_failf(db, KEG_ENOMEM, "out of memory");
            break;
        }
        int col = keg_obj_load(obj, r, 0);
        status = col < 0 ? col : KEG_OK;
/* SOLUTION(15) END */
/* SOLUTION(16) BEGIN */
        if (status == KEG_OK && qs->select != NULL)
            status = keg_select_load(obj, qs, r, col);
/* SOLUTION(16) END */
/* SOLUTION(15) BEGIN */
    }
    keg_rows_close(r);
    keg_stmt_free(&s);
/* SOLUTION(15) END */
/* SOLUTION(16) BEGIN */
    if (status == KEG_OK && qs->prefetch != NULL)
        status = keg_prefetch(db, qs, &got);
/* SOLUTION(16) END */
/* SOLUTION(15) BEGIN */
    for (size_t i = 0; status == 0 && i < got.len; i++)
        if (keg_list_push(out, got.items[i]) < 0)
            status = keg_db_failf(db, KEG_ENOMEM, "out of memory");
        else
            got.items[i] = NULL;
    if (status == 0)
        out->model = qs->model;
    keg_list_free(&got);
    return status;
/* SOLUTION(15) STUB
    (void)out;
    return keg_db_failf(db, KEG_ERROR, "keg_qs_fetch is not written yet");
   SOLUTION(15) END */
}

/* SOLUTION(15) BEGIN */
/* Runs s, expected to give one integer. */
static int keg_stmt_int(keg_db *db, struct keg_stmt *s, long long *n)
{
    int status = s->failed || s->sql.failed ? keg_db_failf(db, KEG_ENOMEM, "out of memory")
                 : keg_db_query_int(db, s->sql.buf, s->params, s->n, n);
    keg_stmt_free(s);
    return status;
}

/* Builds "SELECT <what> FROM (<the sliced select>)" for a sliced qs, else the select
 * of `what` itself (a count or an existence test over a slice counts the slice). */
static void keg_stmt_over(struct keg_stmt *s, const keg_qs *qs, const char *what)
{
    if (!keg_qs_sliced(qs)) {
        keg_stmt_select(s, qs, what);
        return;
    }
    keg_sql_add(&s->sql, "SELECT ");
    keg_sql_add(&s->sql, what);
    keg_sql_add(&s->sql, " FROM (");
    keg_stmt_select(s, qs, "1");
    keg_sql_add(&s->sql, ")");
}
/* SOLUTION(15) END */

int keg_qs_count(keg_db *db, const keg_qs *qs, long long *n)
{
    int status = keg_qs_usable(db, qs);
    if (status != KEG_OK)
        return status;
/* SOLUTION(15) BEGIN */
    struct keg_stmt s = { 0 };
    keg_qs plain = *qs;
    plain.norder = keg_qs_sliced(qs) ? qs->norder : 0;     /* order matters in a slice */
    keg_stmt_over(&s, &plain, "COUNT(*)");
    return keg_stmt_int(db, &s, n);
/* SOLUTION(15) STUB
    (void)n;
    return keg_db_failf(db, KEG_ERROR, "keg_qs_count is not written yet");
   SOLUTION(15) END */
}

int keg_qs_exists(keg_db *db, const keg_qs *qs)
{
    int status = keg_qs_usable(db, qs);
    if (status != KEG_OK)
        return status;
/* SOLUTION(15) BEGIN */
    struct keg_stmt s = { 0 };
    keg_qs plain = *qs;
    plain.norder = keg_qs_sliced(qs) ? qs->norder : 0;
    keg_stmt_over(&s, &plain, "1");
    keg_sql_add(&s.sql, " LIMIT 1");
    long long one = 0;
    status = keg_stmt_int(db, &s, &one);
    return status == KEG_ENOTFOUND ? 0 : status < 0 ? status : 1;
/* SOLUTION(15) STUB
    return keg_db_failf(db, KEG_ERROR, "keg_qs_exists is not written yet");
   SOLUTION(15) END */
}

int keg_qs_get(keg_db *db, const keg_qs *qs, void *out)
{
    int status = keg_qs_usable(db, qs);
    if (status != KEG_OK)
        return status;
/* SOLUTION(15) BEGIN */
    keg_qs *two = keg_qs_slice(qs, 0, 2);  /* two rows are enough to know */
    keg_list got = { 0 };
    status = two != NULL ? keg_qs_fetch(db, two, &got)
             : keg_db_failf(db, KEG_ENOMEM, "out of memory");
    keg_qs_free(two);
    if (status == KEG_OK && got.len != 1)
        status = keg_db_failf(db, got.len == 0 ? KEG_ENOTFOUND : KEG_EMULTIPLE,
                              got.len == 0 ? "%s matching query does not exist"
                              : "get() returned more than one %s", qs->model->name);
    if (status == KEG_OK) {
        keg_obj_clear(out);
        memcpy(out, got.items[0], qs->model->size);     /* the strings move to out */
        free(got.items[0]);
        got.len = 0;
    }
    keg_list_free(&got);
    return status;
/* SOLUTION(15) STUB
    (void)out;
    return keg_db_failf(db, KEG_ERROR, "keg_qs_get is not written yet");
   SOLUTION(15) END */
}

/* SOLUTION(15) BEGIN */
/* Runs statement s as a change; returns the rows changed or a status. */
static int keg_stmt_exec(keg_db *db, struct keg_stmt *s)
{
    int status = s->failed || s->sql.failed ? keg_db_failf(db, KEG_ENOMEM, "out of memory")
                 : keg_db_exec(db, s->sql.buf, s->params, s->n);
    keg_stmt_free(s);
    return status;
}
/* SOLUTION(15) END */

int keg_qs_update(keg_db *db, const keg_qs *qs, const char *field, keg_value v)
{
    int status = keg_qs_usable(db, qs);
    if (status != KEG_OK)
        return status;
/* SOLUTION(15) BEGIN */
    static const struct keg_lookup set = { "update", "", KEG_ONE, KEG_AS_IS,
                                           KEG_TAKES_NULL | KEG_TAKES_F };
    char err[256];
    const keg_field *f = field != NULL ? keg_qs_field(qs->model, field, strlen(field)) : NULL;
    if (f == NULL)
        return keg_db_failf(db, KEG_EINVALID, "update: cannot resolve '%s' into a field",
                            field != NULL ? field : "(null)");
    if (keg_value_check(qs->model, f, &set, &v, err, sizeof err) < 0)
        return keg_db_failf(db, KEG_EINVALID, "update: %s", err);
    if (keg_qs_sliced(qs))
        return keg_db_failf(db, KEG_EINVALID, "cannot update a query once a slice has been "
                            "taken");
    char col[KEG_IDENT_MAX + 4];
    if (keg_field_column(f, col, sizeof col) < 0)
        return keg_db_failf(db, KEG_EINVALID, "update: '%s' has no column", f->name);
    struct keg_stmt s = { 0 };
    keg_sql_add(&s.sql, "UPDATE ");
    keg_sql_ident(&s.sql, qs->model->table);
    keg_sql_add(&s.sql, " SET ");
    keg_sql_ident(&s.sql, col);
    keg_sql_add(&s.sql, " = ");
    keg_stmt_value(&s, qs->model, f, v, KEG_AS_IS);
    keg_stmt_filters(&s, qs);
    return keg_stmt_exec(db, &s);
/* SOLUTION(15) STUB
    (void)field;
    (void)v;
    return keg_db_failf(db, KEG_ERROR, "keg_qs_update is not written yet");
   SOLUTION(15) END */
}

/* SOLUTION(16) BEGIN */
/* keg_qs_delete of a model whose rows others point at: the ids of the query's rows (one
 * SELECT), then keg_delete_ids. */
static int keg_qs_delete_following(keg_db *db, const keg_qs *qs)
{
    struct keg_stmt s = { 0 };
    keg_rows *r = NULL;
    long long *ids = NULL;
    size_t n = 0, cap = 0;
    char what[KEG_IDENT_MAX + 8];
    snprintf(what, sizeof what, "\"%s\".\"id\"", qs->model->table);
    keg_stmt_select(&s, qs, what);
    int status = keg_stmt_query(db, &s, &r);
    while (status == KEG_OK && (status = keg_rows_next(r)) == 1) {
        if (n == cap) {
            long long *p = realloc(ids, (cap = cap ? cap * 2 : 16) * sizeof *p);
            if (p == NULL) {
                status = keg_db_failf(db, KEG_ENOMEM, "out of memory");
                break;
            }
            ids = p;
        }
        ids[n++] = keg_rows_int(r, 0);
        status = KEG_OK;
    }
    keg_rows_close(r);
    keg_stmt_free(&s);
    if (status == KEG_OK)
        status = n > 0 ? keg_delete_ids(db, qs->model, ids, n) : 0;
    free(ids);
    return status;
}
/* SOLUTION(16) END */

int keg_qs_delete(keg_db *db, const keg_qs *qs)
{
    int status = keg_qs_usable(db, qs);
    if (status != KEG_OK)
        return status;
/* SOLUTION(15) BEGIN */
    if (keg_qs_sliced(qs))
        return keg_db_failf(db, KEG_EINVALID, "cannot delete a query once a slice has been "
                            "taken");
/* SOLUTION(15) END */
/* SOLUTION(16) BEGIN */
    if (keg_delete_follows(qs->model))
        return keg_qs_delete_following(db, qs);
/* SOLUTION(16) END */
/* SOLUTION(15) BEGIN */
    struct keg_stmt s = { 0 };
    keg_sql_add(&s.sql, "DELETE FROM ");
    keg_sql_ident(&s.sql, qs->model->table);
    keg_stmt_filters(&s, qs);
    return keg_stmt_exec(db, &s);
/* SOLUTION(15) STUB
    return keg_db_failf(db, KEG_ERROR, "keg_qs_delete is not written yet");
   SOLUTION(15) END */
}
