/* relations.c -- keg's relations [lab 16]: foreign keys followed and cached on the
 * object, reverse sets and many-to-many fields as query sets, select_related's joined
 * targets, prefetch_related's one IN query per relation, the join tables of many-to-many
 * fields, and the collector that follows on_delete (CASCADE, SET_NULL, PROTECT) in one
 * transaction. The cache, the names and finding a relation are given. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* ---- the cache on an object [given] -------------------------------------------------- */

void keg_rel_free(keg_rel *rel)
{
    while (rel != NULL) {
        keg_rel *next = rel->next;
        keg_obj_free(rel->obj);
        keg_list_free(&rel->list);
        free(rel->name);
        free(rel);
        rel = next;
    }
}

/* The entry caching foreign key f of o, or NULL. */
static keg_rel *keg_rel_fk(const keg_obj *o, const keg_field *f)
{
    for (keg_rel *e = o->rel; e != NULL; e = e->next)
        if (e->fk == f)
            return e;
    return NULL;
}

/* The entry caching the set `name` of o, or NULL. */
static keg_rel *keg_rel_set(const keg_obj *o, const char *name)
{
    for (keg_rel *e = o->rel; e != NULL; e = e->next)
        if (e->name != NULL && strcmp(e->name, name) == 0)
            return e;
    return NULL;
}

/* A new zeroed entry at the head of o's cache; NULL when out of memory. */
static keg_rel *keg_rel_push(keg_obj *o)
{
    keg_rel *e = calloc(1, sizeof *e);
    if (e != NULL) {
        e->next = o->rel;
        o->rel = e;
    }
    return e;
}

/* Appends obj to l (which then owns it). 0, or -1 when out of memory (obj not taken). */
static int keg_rel_list_push(keg_list *l, void *obj)
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

/* The id of an object (fields[0]). */
static long long keg_rel_id(const void *obj)
{
    const keg_obj *o = obj;
    return *(const long long *)((const char *)obj + o->model->fields[0].offset);
}

/* The key of foreign key f of obj into *key; returns 1 when it is NULL. */
static int keg_rel_key(const void *obj, const keg_field *f, long long *key)
{
    const keg_obj *o = obj;
    *key = *(const long long *)((const char *)obj + f->offset);
    return (int)((o->nulls >> (size_t)(f - o->model->fields)) & 1);
}

/* ---- finding relations [given] ------------------------------------------------------- */

/* The i-th model a relation to m may come from: the registered ones, then m itself when
 * it is not registered (a model may point at itself). NULL past the last. */
static const keg_model *keg_rel_model(const keg_model *m, size_t i)
{
    size_t n = 0;
    const keg_model *const *all = keg_registered(&n);
    if (i < n)
        return all[i];
    for (size_t j = 0; j < n; j++)
        if (all[j] == m)
            return NULL;
    return i == n ? m : NULL;
}

/* 1 when the reverse name of field g of model c is name[0..len). */
static int keg_rel_named(const keg_model *c, const keg_field *g, const char *name, size_t len)
{
    char set[KEG_IDENT_MAX + 8];
    const char *rname = g->related_name;
    if (rname == NULL) {
        snprintf(set, sizeof set, "%s_set", c->name);
        rname = set;
    }
    return strlen(rname) == len && strncmp(rname, name, len) == 0;
}

int keg_relation_find(const keg_model *m, const char *name, size_t len,
                      struct keg_relation *out)
{
    for (size_t i = 0; i < m->nfields; i++) {
        const keg_field *f = &m->fields[i];
        if (f->kind == KEG_M2M && f->to != NULL && strlen(f->name) == len
            && strncmp(f->name, name, len) == 0) {
            *out = (struct keg_relation){ KEG_REL_M2M, m, f, f->to };
            return KEG_OK;
        }
    }
    const keg_model *c;
    for (size_t i = 0; (c = keg_rel_model(m, i)) != NULL; i++)
        for (size_t j = 0; j < c->nfields; j++) {
            const keg_field *g = &c->fields[j];
            if ((g->kind != KEG_FK && g->kind != KEG_M2M) || g->to != m
                || !keg_rel_named(c, g, name, len))
                continue;
            *out = (struct keg_relation){ g->kind == KEG_FK ? KEG_REL_REVERSE
                                          : KEG_REL_M2M_REVERSE, c, g, c };
            return KEG_OK;
        }
    return KEG_EINVALID;
}

int keg_m2m_names(const keg_model *owner, const keg_field *f, char *table, char *near,
                  char *far)
{
    const size_t cap = KEG_IDENT_MAX + 4;
    if (f->kind != KEG_M2M || f->to == NULL)
        return KEG_EINVALID;
    int self = strcmp(owner->name, f->to->name) == 0;    /* Django compares model names */
    int a = snprintf(table, cap, "%s_%s", owner->table, f->name);
    int b = snprintf(near, cap, self ? "from_%s_id" : "%s_id", owner->name);
    int c = snprintf(far, cap, self ? "to_%s_id" : "%s_id", f->to->name);
    if (a < 0 || b < 0 || c < 0 || (size_t)a >= cap || (size_t)b >= cap || (size_t)c >= cap
        || !keg_ident_ok(table) || !keg_ident_ok(near) || !keg_ident_ok(far)
        || !keg_ident_ok(owner->table) || !keg_ident_ok(f->to->table))
        return KEG_EINVALID;
    return KEG_OK;
}

size_t keg_select_fields(const keg_qs *qs, const keg_field **out, size_t cap)
{
    size_t n = 0;
    for (const char *p = qs->select; p != NULL && *p != '\0' && n < cap;) {
        size_t len = strcspn(p, ",");
        const keg_field *f = keg_qs_field(qs->model, p, len);
        if (f != NULL && f->kind == KEG_FK)
            out[n++] = f;
        p += len + (p[len] == ',');
    }
    return n;
}

/* Records the first error of qs, as query.c does. Returns qs (NULL when out of memory). */
__attribute__((format(printf, 2, 3))) static keg_qs *keg_rel_fail(keg_qs *qs, const char *fmt, ...)
{
    if (qs == NULL || qs->error != NULL)
        return qs;
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    qs->error = strdup(buf);
    if (qs->error == NULL) {
        keg_qs_free(qs);
        return NULL;
    }
    return qs;
}

/* ---- join tables ------------------------------------------------------------------- */

int keg_m2m_create_tables(keg_db *db, const keg_model *m)
{
/* SOLUTION(16) BEGIN */
    char t[KEG_IDENT_MAX + 4], a[KEG_IDENT_MAX + 4], b[KEG_IDENT_MAX + 4];
    for (size_t i = 0; i < m->nfields; i++) {
        const keg_field *f = &m->fields[i];
        if (f->kind != KEG_M2M)
            continue;
        if (keg_m2m_names(m, f, t, a, b) < 0)
            return keg_db_failf(db, KEG_EINVALID, "%s.%s: a name keg cannot write", m->name,
                                f->name);
        /* Django's auto-created through model: id, two foreign keys, a UNIQUE pair (its
         * unique_together), then an index per foreign key; names without Django's hash */
        struct keg_sql q[4] = { { 0 } };
        keg_sql_printf(&q[0], "CREATE TABLE \"%s\" (\"id\" integer NOT NULL PRIMARY KEY "
                       "AUTOINCREMENT, \"%s\" bigint NOT NULL REFERENCES \"%s\" (\"id\") "
                       "DEFERRABLE INITIALLY DEFERRED, \"%s\" bigint NOT NULL REFERENCES "
                       "\"%s\" (\"id\") DEFERRABLE INITIALLY DEFERRED)", t, a, m->table, b,
                       f->to->table);
        keg_sql_printf(&q[1], "CREATE UNIQUE INDEX \"%s_%s_%s_uniq\" ON \"%s\" (\"%s\", "
                       "\"%s\")", t, a, b, t, a, b);
        keg_sql_printf(&q[2], "CREATE INDEX \"%s_%s\" ON \"%s\" (\"%s\")", t, a, t, a);
        keg_sql_printf(&q[3], "CREATE INDEX \"%s_%s\" ON \"%s\" (\"%s\")", t, b, t, b);
        int status = 0;
        for (size_t k = 0; k < 4; k++) {
            char *sql = keg_sql_steal(&q[k]);
            if (status >= 0)
                status = sql != NULL ? keg_db_exec(db, sql, NULL, 0)
                         : keg_db_failf(db, KEG_ENOMEM, "out of memory");
            free(sql);
        }
        if (status < 0)
            return status;
    }
    return KEG_OK;
/* SOLUTION(16) STUB
    (void)db;
    (void)m;
    return KEG_OK;
   SOLUTION(16) END */
}

/* ---- foreign keys ------------------------------------------------------------------ */

int keg_fk_get(keg_db *db, void *obj, const char *field, const void **out)
{
    keg_obj *o = obj;
    *out = NULL;
    const keg_field *f = o != NULL && o->model != NULL ? keg_model_field(o->model, field) : NULL;
    if (f == NULL || f->kind != KEG_FK || f->to == NULL)
        return keg_db_failf(db, KEG_EINVALID, "no foreign key '%s'",
                            field != NULL ? field : "(null)");
/* SOLUTION(16) BEGIN */
    long long key;
    int null = keg_rel_key(obj, f, &key);
    keg_rel *e = keg_rel_fk(o, f);
    if (e != NULL && e->null == null && (null || e->key == key)) {
        *out = e->obj;
        return KEG_OK;
    }
    void *target = NULL;
    if (!null) {
        if ((target = keg_obj_new(f->to)) == NULL)
            return keg_db_failf(db, KEG_ENOMEM, "out of memory");
        int status = keg_get(db, f->to, key, target);
        if (status < 0) {
            keg_obj_free(target);
            return status;
        }
    }
    if (e == NULL && (e = keg_rel_push(o)) == NULL) {
        keg_obj_free(target);
        return keg_db_failf(db, KEG_ENOMEM, "out of memory");
    }
    keg_obj_free(e->obj);
    *e = (keg_rel){ .next = e->next, .fk = f, .null = null, .key = key, .obj = target };
    *out = target;
    return KEG_OK;
/* SOLUTION(16) STUB
    (void)keg_rel_fk;
    (void)keg_rel_key;
    (void)keg_rel_push;
    return keg_db_failf(db, KEG_ERROR, "keg_fk_get is not written yet");
   SOLUTION(16) END */
}

/* SOLUTION(16) BEGIN */
/* Counts the fields of m that have a column. */
static int keg_rel_ncols(const keg_model *m)
{
    int n = 0;
    for (size_t i = 0; i < m->nfields; i++)
        n += keg_field_has_column(&m->fields[i]);
    return n;
}
/* SOLUTION(16) END */

int keg_select_load(void *obj, const keg_qs *qs, keg_rows *r, int col)
{
/* SOLUTION(16) BEGIN */
    const keg_field *f[64];
    size_t n = keg_select_fields(qs, f, 64);
    for (size_t i = 0; i < n; i++) {
        void *target = NULL;
        if (keg_rows_type(r, col) != KEG_NULL) {    /* a LEFT OUTER JOIN found no row */
            int next = (target = keg_obj_new(f[i]->to)) != NULL
                       ? keg_obj_load(target, r, col) : KEG_ENOMEM;
            if (next < 0) {
                keg_obj_free(target);
                return next;
            }
        }
        col += keg_rel_ncols(f[i]->to);
        keg_rel *e = keg_rel_fk(obj, f[i]);
        if (e == NULL && (e = keg_rel_push(obj)) == NULL) {
            keg_obj_free(target);
            return KEG_ENOMEM;
        }
        keg_obj_free(e->obj);
        long long key;
        int null = keg_rel_key(obj, f[i], &key);
        *e = (keg_rel){ .next = e->next, .fk = f[i], .null = null, .key = key, .obj = target };
    }
    return KEG_OK;
/* SOLUTION(16) STUB
    (void)obj;
    (void)qs;
    (void)r;
    (void)col;
    return KEG_ERROR;
   SOLUTION(16) END */
}

keg_qs *keg_qs_select_related(const keg_qs *qs, const char *fields)
{
    keg_qs *c = qs != NULL ? keg_qs_slice(qs, 0, -1) : NULL;    /* a plain copy */
    if (c == NULL || c->error != NULL)
        return c;
/* SOLUTION(16) BEGIN */
    if (fields == NULL)
        return keg_rel_fail(c, "select_related: no fields");
    if (fields[0] == '\0') {                    /* Django's select_related(None) */
        free(c->select);
        c->select = NULL;
        return c;
    }
    struct keg_sql q = { 0 };
    keg_sql_add(&q, c->select != NULL ? c->select : "");
    for (const char *p = fields; *p != '\0';) {
        size_t len = strcspn(p, ",");
        const keg_field *f = keg_qs_field(c->model, p, len);
        if (f == NULL || f->kind != KEG_FK || strlen(f->name) != len) {   /* by name */
            keg_sql_free(&q);
            return keg_rel_fail(c, "Invalid field name(s) given in select_related: '%.*s'",
                                (int)len, p);
        }
        const keg_field *have[64];
        size_t n = 0, k = 0;
        if (q.buf != NULL) {
            keg_qs probe = { .model = c->model, .select = q.buf };
            n = keg_select_fields(&probe, have, 64);
        }
        while (k < n && have[k] != f)
            k++;
        if (k == n && n == 64) {
            keg_sql_free(&q);
            return keg_rel_fail(c, "select_related: too many fields");
        }
        if (k == n) {
            keg_sql_add(&q, q.len > 0 ? "," : "");
            keg_sql_addn(&q, p, len);
        }
        p += len + (p[len] == ',');
    }
    free(c->select);
    c->select = keg_sql_steal(&q);
    if (c->select == NULL) {
        keg_qs_free(c);
        return NULL;
    }
/* SOLUTION(16) STUB
    (void)fields;
    return keg_rel_fail(c, "keg_qs_select_related is not written yet");
   SOLUTION(16) END */
    return c;
}

/* ---- reverse sets and many-to-many ------------------------------------------------- */

keg_qs *keg_related(const void *obj, const char *name)
{
    const keg_obj *o = obj;
    if (o == NULL || o->model == NULL || name == NULL)
        return NULL;
    struct keg_relation rel;
    if (keg_relation_find(o->model, name, strlen(name), &rel) < 0)
        return keg_rel_fail(keg_qs_all(o->model), "%s has no relation '%s'", o->model->name,
                            name);
    keg_qs *qs = keg_qs_all(rel.other);
    long long id = keg_rel_id(obj);
    if (id == 0)
        return keg_rel_fail(qs, "%s object needs to have a value for field \"id\" before "
                            "this relationship can be used", o->model->name);
/* SOLUTION(16) BEGIN */
    if (rel.kind == KEG_REL_REVERSE) {
        keg_qs *c = keg_qs_filter(qs, rel.f->name, keg_int(id));
        keg_qs_free(qs);
        return c;
    }
    if (qs != NULL) {
        qs->via = rel.f;
        qs->via_owner = rel.owner;
        qs->via_reverse = rel.kind == KEG_REL_M2M_REVERSE;
        qs->via_id = id;
    }
    return qs;
/* SOLUTION(16) STUB
    return keg_rel_fail(qs, "keg_related is not written yet");
   SOLUTION(16) END */
}

keg_qs *keg_m2m(const void *obj, const char *field)
{
    const keg_obj *o = obj;
    if (o == NULL || o->model == NULL || field == NULL)
        return NULL;
    const keg_field *f = keg_model_field(o->model, field);
    if (f == NULL || f->kind != KEG_M2M)
        return keg_rel_fail(keg_qs_all(o->model), "%s has no many-to-many field '%s'",
                            o->model->name, field);
    return keg_related(obj, field);
}

int keg_related_fetch(keg_db *db, void *obj, const char *name, const keg_list **out)
{
    keg_obj *o = obj;
    *out = NULL;
    if (o == NULL || o->model == NULL || name == NULL)
        return keg_db_failf(db, KEG_EINVALID, "no object or no name");
/* SOLUTION(16) BEGIN */
    keg_rel *e = keg_rel_set(o, name);
    if (e != NULL) {
        *out = &e->list;
        return KEG_OK;
    }
    keg_qs *qs = keg_related(obj, name);
    keg_list l = { 0 };
    int status = keg_qs_fetch(db, qs, &l);
    keg_qs_free(qs);
    if (status < 0)
        return status;
    if ((e = keg_rel_push(o)) == NULL || (e->name = strdup(name)) == NULL) {
        keg_list_free(&l);
        return keg_db_failf(db, KEG_ENOMEM, "out of memory");
    }
    e->list = l;
    *out = &e->list;
    return KEG_OK;
/* SOLUTION(16) STUB
    (void)keg_rel_set;
    return keg_db_failf(db, KEG_ERROR, "keg_related_fetch is not written yet");
   SOLUTION(16) END */
}

/* Drops the set `name` cached on o (its content changed). */
static void keg_rel_forget(keg_obj *o, const char *name)
{
    for (keg_rel **p = &o->rel; *p != NULL; p = &(*p)->next)
        if ((*p)->name != NULL && strcmp((*p)->name, name) == 0) {
            keg_rel *e = *p;
            *p = e->next;
            e->next = NULL;
            keg_rel_free(e);
            return;
        }
}

/* Adds (add 1) or removes (add 0) the pair of obj's many-to-many `field`. */
static int keg_m2m_change(keg_db *db, void *obj, const char *field, long long other, int add)
{
    keg_obj *o = obj;
    const keg_field *f = o != NULL && o->model != NULL ? keg_model_field(o->model, field) : NULL;
    char t[KEG_IDENT_MAX + 4], a[KEG_IDENT_MAX + 4], b[KEG_IDENT_MAX + 4];
    if (f == NULL || f->kind != KEG_M2M || keg_m2m_names(o->model, f, t, a, b) < 0)
        return keg_db_failf(db, KEG_EINVALID, "no many-to-many field '%s'",
                            field != NULL ? field : "(null)");
    long long id = keg_rel_id(obj);
    if (id == 0)
        return keg_db_failf(db, KEG_EINVALID, "%s object needs to have a value for field "
                            "\"id\" before this many-to-many relationship can be used",
                            o->model->name);
/* SOLUTION(16) BEGIN */
    struct keg_sql q = { 0 };
    if (add)    /* Django's fast add on SQLite: bulk_create(ignore_conflicts=True) */
        keg_sql_printf(&q, "INSERT OR IGNORE INTO \"%s\" (\"%s\", \"%s\") VALUES (?, ?)", t,
                       a, b);
    else
        keg_sql_printf(&q, "DELETE FROM \"%s\" WHERE (\"%s\" = ? AND \"%s\" IN (?))", t, a, b);
    char *sql = keg_sql_steal(&q);
    if (sql == NULL)
        return keg_db_failf(db, KEG_ENOMEM, "out of memory");
    keg_value v[2] = { keg_int(id), keg_int(other) };
    int status = keg_db_exec(db, sql, v, 2);
    free(sql);
    keg_rel_forget(o, field);   /* as Django drops its prefetch cache */
    return status < 0 ? status : KEG_OK;
/* SOLUTION(16) STUB
    (void)other;
    (void)add;
    (void)keg_rel_forget;
    return keg_db_failf(db, KEG_ERROR, "many-to-many changes are not written yet");
   SOLUTION(16) END */
}

int keg_m2m_add(keg_db *db, void *obj, const char *field, long long other_id)
{
    return keg_m2m_change(db, obj, field, other_id, 1);
}

int keg_m2m_remove(keg_db *db, void *obj, const char *field, long long other_id)
{
    return keg_m2m_change(db, obj, field, other_id, 0);
}

keg_qs *keg_qs_prefetch_related(const keg_qs *qs, const char *names)
{
    keg_qs *c = qs != NULL ? keg_qs_slice(qs, 0, -1) : NULL;    /* a plain copy */
    if (c == NULL || c->error != NULL)
        return c;
/* SOLUTION(16) BEGIN */
    if (names == NULL)
        return keg_rel_fail(c, "prefetch_related: no names");
    if (names[0] == '\0') {                     /* Django's prefetch_related(None) */
        free(c->prefetch);
        c->prefetch = NULL;
        return c;
    }
    struct keg_sql q = { 0 };
    keg_sql_add(&q, c->prefetch != NULL ? c->prefetch : "");
    for (const char *p = names; *p != '\0';) {
        size_t len = strcspn(p, ",");
        struct keg_relation rel;
        if (keg_relation_find(c->model, p, len, &rel) < 0) {
            keg_sql_free(&q);
            return keg_rel_fail(c, "Cannot find '%.*s' on %s object, '%.*s' is an invalid "
                                "parameter to prefetch_related()", (int)len, p, c->model->name,
                                (int)len, p);
        }
        int seen = 0;
        for (const char *s = q.buf; s != NULL && *s != '\0' && !seen;) {
            size_t n = strcspn(s, ",");
            seen = n == len && strncmp(s, p, len) == 0;
            s += n + (s[n] == ',');
        }
        if (!seen) {
            keg_sql_add(&q, q.len > 0 ? "," : "");
            keg_sql_addn(&q, p, len);
        }
        p += len + (p[len] == ',');
    }
    free(c->prefetch);
    c->prefetch = keg_sql_steal(&q);
    if (c->prefetch == NULL) {
        keg_qs_free(c);
        return NULL;
    }
/* SOLUTION(16) STUB
    (void)names;
    return keg_rel_fail(c, "keg_qs_prefetch_related is not written yet");
   SOLUTION(16) END */
    return c;
}

/* SOLUTION(16) BEGIN */
/* An object's id and its place in the fetched list, to match related rows to it. */
struct keg_rel_owner {
    long long id;
    size_t at;
};

static int keg_rel_owner_cmp(const void *a, const void *b)
{
    const struct keg_rel_owner *x = a, *y = b;
    return (x->id > y->id) - (x->id < y->id);
}

/* The place in the list of the object with that id, or -1. */
static long keg_rel_owner_find(const struct keg_rel_owner *o, size_t n, long long id)
{
    struct keg_rel_owner key = { id, 0 };
    const struct keg_rel_owner *hit = bsearch(&key, o, n, sizeof *o, keg_rel_owner_cmp);
    return hit != NULL ? (long)hit->at : -1;
}

/* The reverse foreign key set of every object: one SELECT ... WHERE fk IN (ids) through
 * a query set (the other model's ordering applies); each row goes to its object. */
static int keg_prefetch_reverse(keg_db *db, const struct keg_relation *rel,
                                const struct keg_rel_owner *own, size_t n, keg_list *sets)
{
    char lookup[KEG_IDENT_MAX + 8];
    keg_value *v = malloc(n * sizeof *v);
    if (v == NULL)
        return keg_db_failf(db, KEG_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        v[i] = keg_int(own[i].id);
    snprintf(lookup, sizeof lookup, "%s__in", rel->f->name);
    keg_qs *all = keg_qs_all(rel->other);
    keg_qs *qs = keg_qs_filter_list(all, lookup, v, n);
    keg_list got = { 0 };
    int status = keg_qs_fetch(db, qs, &got);
    keg_qs_free(all);
    keg_qs_free(qs);
    free(v);
    for (size_t i = 0; status == KEG_OK && i < got.len; i++) {
        long long key;
        long at = keg_rel_key(got.items[i], rel->f, &key) ? -1 : keg_rel_owner_find(own, n, key);
        if (at < 0)
            continue;
        if (keg_rel_list_push(&sets[at], got.items[i]) < 0)
            status = keg_db_failf(db, KEG_ENOMEM, "out of memory");
        else
            got.items[i] = NULL;
    }
    keg_list_free(&got);
    return status;
}

/* The many-to-many set of every object: one SELECT of the other model joined to the
 * join table, WHERE the object's column IN (ids); the object's id comes first in each
 * row. */
static int keg_prefetch_m2m(keg_db *db, const struct keg_relation *rel,
                            const struct keg_rel_owner *own, size_t n, keg_list *sets)
{
    char t[KEG_IDENT_MAX + 4], near[KEG_IDENT_MAX + 4], far[KEG_IDENT_MAX + 4];
    if (keg_m2m_names(rel->owner, rel->f, t, near, far) < 0)
        return keg_db_failf(db, KEG_EINVALID, "a name keg cannot write");
    const char *mine = rel->kind == KEG_REL_M2M ? near : far;
    const char *theirs = rel->kind == KEG_REL_M2M ? far : near;
    const char *other = rel->other->table;
    keg_qs *order = keg_qs_all(rel->other);     /* its ordering, parsed */
    keg_value *v = malloc(n * sizeof *v);
    struct keg_sql q = { 0 };
    keg_sql_printf(&q, "SELECT \"%s\".\"%s\", ", t, mine);
    keg_sql_columns(&q, rel->other, other);
    keg_sql_printf(&q, " FROM \"%s\" INNER JOIN \"%s\" ON (\"%s\".\"id\" = \"%s\".\"%s\") "
                   "WHERE \"%s\".\"%s\" IN (", other, t, other, t, theirs, t, mine);
    for (size_t i = 0; v != NULL && i < n; i++) {
        keg_sql_add(&q, i ? ", ?" : "?");
        v[i] = keg_int(own[i].id);
    }
    keg_sql_add(&q, ")");
    char col[KEG_IDENT_MAX + 4];
    for (size_t i = 0; order != NULL && i < order->norder; i++) {
        keg_field_column(order->order[i].f, col, sizeof col);
        keg_sql_printf(&q, "%s\"%s\".\"%s\" %s", i ? ", " : " ORDER BY ", other, col,
                       order->order[i].desc ? "DESC" : "ASC");
    }
    int status = order != NULL && order->error != NULL
                 ? keg_db_failf(db, KEG_EINVALID, "%s", order->error) : KEG_OK;
    keg_qs_free(order);
    char *sql = keg_sql_steal(&q);
    keg_rows *r = NULL;
    if (status == KEG_OK)
        status = sql == NULL || v == NULL ? keg_db_failf(db, KEG_ENOMEM, "out of memory")
                 : keg_db_query(db, sql, v, n, &r);
    while (status == KEG_OK && (status = keg_rows_next(r)) == 1) {
        long at = keg_rel_owner_find(own, n, keg_rows_int(r, 0));
        void *obj = keg_obj_new(rel->other);
        int col1 = obj != NULL ? keg_obj_load(obj, r, 1) : KEG_ENOMEM;
        status = col1 < 0 ? col1 : KEG_OK;
        if (status == KEG_OK && at >= 0 && keg_rel_list_push(&sets[at], obj) == 0)
            continue;
        keg_obj_free(obj);
        if (status == KEG_OK && at >= 0)
            status = keg_db_failf(db, KEG_ENOMEM, "out of memory");
    }
    keg_rows_close(r);
    free(sql);
    free(v);
    return status;
}

/* Caches sets[i] on objs->items[i] as the set `name` (the lists move into the cache). */
static int keg_prefetch_store(keg_list *objs, const char *name, size_t len,
                              const keg_model *other, keg_list *sets)
{
    for (size_t i = 0; i < objs->len; i++) {
        keg_obj *o = objs->items[i];
        char *copy = strndup(name, len);
        keg_rel *e = copy != NULL ? keg_rel_set(o, copy) : NULL;
        if (e != NULL)
            keg_list_free(&e->list);
        else if (copy == NULL || (e = keg_rel_push(o)) == NULL) {
            free(copy);
            return KEG_ENOMEM;
        }
        free(e->name);
        e->name = copy;
        e->list = sets[i];
        e->list.model = other;
        sets[i] = (keg_list){ 0 };
    }
    return KEG_OK;
}
/* SOLUTION(16) END */

int keg_prefetch(keg_db *db, const keg_qs *qs, keg_list *objs)
{
/* SOLUTION(16) BEGIN */
    if (objs->len == 0)
        return KEG_OK;      /* no object, no query (as Django) */
    struct keg_rel_owner *own = malloc(objs->len * sizeof *own);
    keg_list *sets = calloc(objs->len, sizeof *sets);
    int status = own != NULL && sets != NULL ? KEG_OK
                 : keg_db_failf(db, KEG_ENOMEM, "out of memory");
    size_t n = 0;
    for (size_t i = 0; status == KEG_OK && i < objs->len; i++)
        own[n++] = (struct keg_rel_owner){ keg_rel_id(objs->items[i]), i };
    if (status == KEG_OK)
        qsort(own, n, sizeof *own, keg_rel_owner_cmp);
    for (const char *p = qs->prefetch; status == KEG_OK && *p != '\0';) {
        size_t len = strcspn(p, ",");
        struct keg_relation rel;
        if (keg_relation_find(qs->model, p, len, &rel) < 0)
            status = keg_db_failf(db, KEG_EINVALID, "prefetch_related: no relation '%.*s'",
                                  (int)len, p);
        else if (rel.kind == KEG_REL_REVERSE)
            status = keg_prefetch_reverse(db, &rel, own, n, sets);
        else
            status = keg_prefetch_m2m(db, &rel, own, n, sets);
        if (status == KEG_OK && keg_prefetch_store(objs, p, len, rel.other, sets) < 0)
            status = keg_db_failf(db, KEG_ENOMEM, "out of memory");
        p += len + (p[len] == ',');
    }
    for (size_t i = 0; sets != NULL && i < objs->len; i++)
        keg_list_free(&sets[i]);
    free(sets);
    free(own);
    return status;
/* SOLUTION(16) STUB
    (void)db;
    (void)qs;
    (void)objs;
    (void)keg_rel_list_push;
    return KEG_ERROR;
   SOLUTION(16) END */
}
