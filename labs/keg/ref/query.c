/* query.c -- keg's query sets [lab 15]: an immutable description of a query (a model, a
 * tree of conditions, an ordering, a slice) that runs no SQL until it is evaluated, then
 * compiles to exactly one statement. Q objects (AND, OR, NOT), Django's lookups and F()
 * expressions; every value is bound, every identifier comes from a model descriptor. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* ---- values and Q objects [given] -------------------------------------------------- */

/* Copies the bytes v points at (text, blob, an F field name) into dst. 0 or -1. */
static int keg_value_copy(keg_value *dst, keg_value v)
{
    *dst = v;
    if (v.type != KEG_TEXT && v.type != KEG_BLOB && v.type != KEG_FEXPR)
        return 0;
    if (v.s == NULL) {
        dst->s = NULL;
        return 0;
    }
    size_t len = v.type == KEG_FEXPR ? strlen(v.s) + 1 : v.len;
    char *copy = malloc(len + 1);
    if (copy == NULL)
        return -1;
    memcpy(copy, v.s, len);
    copy[len] = '\0';
    dst->s = copy;
    return 0;
}

void keg_q_free(keg_q *q)
{
    if (q == NULL)
        return;
    for (size_t i = 0; i < q->n; i++)
        if (q->v[i].type == KEG_TEXT || q->v[i].type == KEG_BLOB || q->v[i].type == KEG_FEXPR)
            free((char *)q->v[i].s);
    free(q->v);
    free(q->lookup);
    keg_q_free(q->a);
    keg_q_free(q->b);
    free(q);
}

/* A leaf with copies of lookup and v[0..n); NULL when out of memory. */
static keg_q *keg_q_leaf(const char *lookup, const keg_value *v, size_t n, int list)
{
    keg_q *q = calloc(1, sizeof *q);
    if (q == NULL)
        return NULL;
    q->op = KEG_Q_LEAF;
    q->list = list;
    q->lookup = lookup != NULL ? strdup(lookup) : NULL;
    q->v = calloc(n ? n : 1, sizeof *q->v);
    int bad = (lookup != NULL && q->lookup == NULL) || q->v == NULL;
    for (size_t i = 0; !bad && i < n; i++, q->n++)
        bad = keg_value_copy(&q->v[i], v[i]) < 0;
    if (bad) {
        keg_q_free(q);
        return NULL;
    }
    return q;
}

keg_q *keg_q_new(const char *lookup, keg_value v)
{
    return keg_q_leaf(lookup, &v, 1, 0);
}

keg_q *keg_q_list(const char *lookup, const keg_value *v, size_t n)
{
    return keg_q_leaf(lookup, v, n, 1);
}

/* A node op over a and b (b NULL for NOT), owning them; NULL in gives NULL out. */
static keg_q *keg_q_node(enum keg_q_op op, keg_q *a, keg_q *b)
{
    keg_q *q = a != NULL && (b != NULL || op == KEG_Q_NOT) ? calloc(1, sizeof *q) : NULL;
    if (q == NULL) {
        keg_q_free(a);
        keg_q_free(b);
        return NULL;
    }
    q->op = op;
    q->a = a;
    q->b = b;
    return q;
}

keg_q *keg_q_and(keg_q *a, keg_q *b)
{
    return keg_q_node(KEG_Q_AND, a, b);
}

keg_q *keg_q_or(keg_q *a, keg_q *b)
{
    return keg_q_node(KEG_Q_OR, a, b);
}

keg_q *keg_q_not(keg_q *a)
{
    return keg_q_node(KEG_Q_NOT, a, NULL);
}

/* A deep copy of q (NULL for NULL or out of memory: *failed set in the second case). */
static keg_q *keg_q_copy(const keg_q *q, int *failed)
{
    if (q == NULL || *failed)
        return NULL;
    keg_q *c = q->op == KEG_Q_LEAF ? keg_q_leaf(q->lookup, q->v, q->n, q->list)
                                   : calloc(1, sizeof *c);
    if (c != NULL && q->op != KEG_Q_LEAF) {
        c->op = q->op;
        c->a = keg_q_copy(q->a, failed);
        c->b = keg_q_copy(q->b, failed);
    }
    if (c == NULL)
        *failed = 1;
    return c;
}

/* ---- query sets: copies and errors [given] ----------------------------------------- */

void keg_qs_free(keg_qs *qs)
{
    if (qs == NULL)
        return;
    keg_q_free(qs->where);
    free(qs->order);
    free(qs->error);
/* SOLUTION(16) BEGIN */
    free(qs->select);
    free(qs->prefetch);
/* SOLUTION(16) END */
    free(qs);
}

/* A deep copy of qs, the one each builder changes and returns; NULL when out of memory. */
static keg_qs *keg_qs_clone(const keg_qs *qs)
{
    keg_qs *c = calloc(1, sizeof *c);
    if (c == NULL)
        return NULL;
    int failed = 0;
    *c = (keg_qs){ .model = qs->model, .norder = qs->norder, .lo = qs->lo, .hi = qs->hi };
    c->where = keg_q_copy(qs->where, &failed);
    c->order = calloc(qs->norder ? qs->norder : 1, sizeof *c->order);
    c->error = qs->error != NULL ? strdup(qs->error) : NULL;
/* SOLUTION(16) BEGIN */
    c->via = qs->via;
    c->via_owner = qs->via_owner;
    c->via_reverse = qs->via_reverse;
    c->via_id = qs->via_id;
    c->select = qs->select != NULL ? strdup(qs->select) : NULL;
    c->prefetch = qs->prefetch != NULL ? strdup(qs->prefetch) : NULL;
    failed |= (qs->select != NULL && c->select == NULL)
              || (qs->prefetch != NULL && c->prefetch == NULL);
/* SOLUTION(16) END */
    if (failed || c->order == NULL || (qs->error != NULL && c->error == NULL)) {
        keg_qs_free(c);
        return NULL;
    }
    if (qs->norder > 0)
        memcpy(c->order, qs->order, qs->norder * sizeof *c->order);
    return c;
}

/* Records the first error of qs (printf-style); later ones are dropped. Returns qs. */
static keg_qs *keg_qs_fail(keg_qs *qs, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static keg_qs *keg_qs_fail(keg_qs *qs, const char *fmt, ...)
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

const char *keg_qs_error(const keg_qs *qs)
{
    return qs != NULL ? qs->error : NULL;
}

void keg_list_free(keg_list *l)
{
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->len; i++)
        keg_obj_free(l->items[i]);
    free(l->items);
    l->items = NULL;
    l->len = 0;
}

/* ---- lookups [given] --------------------------------------------------------------- */

/* Every lookup keg knows, with its SQL (see struct keg_lookup). */
static const struct keg_lookup keg_lookups[] = {
    { "exact", "%c = %v", KEG_ONE, KEG_AS_IS, KEG_TAKES_NULL | KEG_TAKES_F },
    { "iexact", "%c LIKE %v ESCAPE '\\'", KEG_ONE, KEG_LIKE_EXACT,
      KEG_TAKES_NULL | KEG_TEXT_ONLY },
    { "contains", "instr(%c, %v) > 0", KEG_ONE, KEG_AS_IS, KEG_TEXT_ONLY },
    { "icontains", "%c LIKE %v ESCAPE '\\'", KEG_ONE, KEG_LIKE_CONTAINS, KEG_TEXT_ONLY },
    { "startswith", "instr(%c, %v) = 1", KEG_ONE, KEG_AS_IS, KEG_TEXT_ONLY },
    { "gt", "%c > %v", KEG_ONE, KEG_AS_IS, KEG_TAKES_F },
    { "gte", "%c >= %v", KEG_ONE, KEG_AS_IS, KEG_TAKES_F },
    { "lt", "%c < %v", KEG_ONE, KEG_AS_IS, KEG_TAKES_F },
    { "lte", "%c <= %v", KEG_ONE, KEG_AS_IS, KEG_TAKES_F },
    { "in", "%c IN (%v)", KEG_LIST, KEG_AS_IS, 0 },
    { "isnull", "%c IS NULL", KEG_ONE, KEG_AS_IS, KEG_FLAG_ONLY },
    { "range", "%c BETWEEN %v AND %v", KEG_PAIR, KEG_AS_IS, 0 },
};

const struct keg_lookup *keg_lookup_find(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof keg_lookups / sizeof keg_lookups[0]; i++)
        if (strlen(keg_lookups[i].name) == len && strncmp(keg_lookups[i].name, name, len) == 0)
            return &keg_lookups[i];
    return NULL;
}

/* ---- fields, lookups and values ---------------------------------------------------- */

const keg_field *keg_qs_field(const keg_model *m, const char *name, size_t len)
{
/* SOLUTION(15) BEGIN */
    char col[KEG_IDENT_MAX + 4];
    if (len == 2 && strncmp(name, "pk", 2) == 0)
        return &m->fields[0];
    for (size_t i = 0; i < m->nfields; i++) {
        const keg_field *f = &m->fields[i];
        if (!keg_field_has_column(f))
            continue;
        if (strlen(f->name) == len && strncmp(f->name, name, len) == 0)
            return f;
        if (f->kind == KEG_FK && keg_field_column(f, col, sizeof col) == 0
            && strlen(col) == len && strncmp(col, name, len) == 0)
            return f;
    }
/* SOLUTION(15) STUB
    (void)m;
    (void)name;
    (void)len;
   SOLUTION(15) END */
    return NULL;
}

int keg_lookup_parse(const keg_model *m, const char *lookup, const keg_field **f,
                     const struct keg_lookup **l, char *err, size_t cap)
{
/* SOLUTION(15) BEGIN */
    if (lookup == NULL) {
        snprintf(err, cap, "no lookup");
        return KEG_EINVALID;
    }
    const char *sep = strstr(lookup, "__");
    size_t flen = sep != NULL ? (size_t)(sep - lookup) : strlen(lookup);
    const char *lname = sep != NULL ? sep + 2 : "exact";
    *f = keg_qs_field(m, lookup, flen);
    if (*f == NULL) {
        snprintf(err, cap, "cannot resolve keyword '%.*s' into a field of %s", (int)flen,
                 lookup, m->name);
        return KEG_EINVALID;
    }
    *l = keg_lookup_find(lname, strlen(lname));
    if (*l == NULL) {
        snprintf(err, cap, "unsupported lookup '%s' for field '%s'", lname, (*f)->name);
        return KEG_EINVALID;
    }
    return KEG_OK;
/* SOLUTION(15) STUB
    (void)m;
    (void)lookup;
    (void)f;
    (void)l;
    snprintf(err, cap, "lookups are not written yet");
    return KEG_EINVALID;
   SOLUTION(15) END */
}

/* SOLUTION(15) BEGIN */
/* 1 when the field stores an integer (F() + n needs one). */
static int keg_field_integer(const keg_field *f)
{
    return f->kind == KEG_AUTO || f->kind == KEG_INTEGER || f->kind == KEG_BOOL
           || f->kind == KEG_FK;
}

/* The message for an F() value of lookup l, or NULL when it is a good one. */
static const char *keg_f_check(const keg_model *m, const struct keg_lookup *l,
                               const keg_value *v)
{
    const keg_field *g = v->s != NULL ? keg_qs_field(m, v->s, strlen(v->s)) : NULL;
    if (!(l->takes & KEG_TAKES_F))
        return "this lookup takes no F() expression";
    if (g == NULL)
        return "F(): cannot resolve the name into a field";
    if (v->i != 0 && !keg_field_integer(g))
        return "F() + n needs an integer field";
    return NULL;
}
/* SOLUTION(15) END */

int keg_value_check(const keg_model *m, const keg_field *f, const struct keg_lookup *l,
                    const keg_value *v, char *err, size_t cap)
{
/* SOLUTION(15) BEGIN */
    char buf[20];
    const char *why = NULL;
    if (v->type == KEG_NULL)
        why = (l->takes & KEG_TAKES_NULL) || l->arity == KEG_LIST ? NULL
              : "NULL is not a value for this lookup";
    else if (v->type == KEG_FEXPR)
        why = keg_f_check(m, l, v);
    else if ((l->takes & KEG_FLAG_ONLY) && (v->type != KEG_INT || (v->i != 0 && v->i != 1)))
        why = "isnull takes 0 or 1";
    else if ((l->takes & KEG_TEXT_ONLY) && v->type != KEG_TEXT)
        why = "this lookup takes text";
    else if (f->kind == KEG_DATETIME && v->type == KEG_INT && keg_datetime_format(v->i, buf) < 0)
        why = "not a datetime keg can store";
    if (why == NULL)
        return KEG_OK;
    snprintf(err, cap, "%s: %s", l->name, why);
    return KEG_EINVALID;
/* SOLUTION(15) STUB
    (void)m;
    (void)f;
    (void)l;
    (void)v;
    snprintf(err, cap, "values are not checked yet");
    return KEG_EINVALID;
   SOLUTION(15) END */
}

/* SOLUTION(15) BEGIN */
/* Checks every leaf of q against m: field, lookup, number and kinds of values. 0, or
 * KEG_EINVALID with a message in err. */
static int keg_q_check(const keg_model *m, const keg_q *q, char *err, size_t cap)
{
    if (q->op != KEG_Q_LEAF)
        return keg_q_check(m, q->a, err, cap) < 0
               || (q->b != NULL && keg_q_check(m, q->b, err, cap) < 0) ? KEG_EINVALID : 0;
    const keg_field *f;
    const struct keg_lookup *l;
    if (keg_lookup_parse(m, q->lookup, &f, &l, err, cap) < 0)
        return KEG_EINVALID;
    int fits = l->arity == KEG_ONE ? !q->list && q->n == 1
               : l->arity == KEG_PAIR ? q->list && q->n == 2 : q->list;
    if (!fits) {
        snprintf(err, cap, "the lookup '%s' takes %s", l->name,
                 l->arity == KEG_ONE ? "one value" : l->arity == KEG_PAIR
                 ? "a list of two values" : "a list of values");
        return KEG_EINVALID;
    }
    for (size_t i = 0; i < q->n; i++)
        if (keg_value_check(m, f, l, &q->v[i], err, cap) < 0)
            return KEG_EINVALID;
    return KEG_OK;
}

/* Parses "-votes,id" into qs's ordering, replacing it ("" leaves none). Returns 0,
 * KEG_EINVALID with a message in err, or KEG_ENOMEM. */
static int keg_order_parse(keg_qs *qs, const char *fields, char *err, size_t cap)
{
    size_t n = fields[0] != '\0';
    for (const char *p = fields; *p != '\0'; p++)
        n += *p == ',';
    struct keg_order *order = calloc(n ? n : 1, sizeof *order);
    if (order == NULL)
        return KEG_ENOMEM;
    const char *p = fields;
    for (size_t i = 0; i < n; i++) {
        size_t len = strcspn(p, ",");
        order[i].desc = *p == '-';
        order[i].f = keg_qs_field(qs->model, p + order[i].desc, len - (size_t)order[i].desc);
        if (order[i].f == NULL) {
            snprintf(err, cap, "order_by: cannot resolve '%.*s' into a field", (int)len, p);
            free(order);
            return KEG_EINVALID;
        }
        p += len + (p[len] == ',');
    }
    free(qs->order);
    qs->order = order;
    qs->norder = n;
    return KEG_OK;
}
/* SOLUTION(15) END */

/* ---- building query sets ----------------------------------------------------------- */

keg_qs *keg_qs_all(const keg_model *m)
{
    keg_qs *qs = m != NULL ? calloc(1, sizeof *qs) : NULL;
    if (qs == NULL)
        return NULL;
    qs->model = m;
    qs->hi = -1;
/* SOLUTION(15) BEGIN */
    char err[256];
    int status = m->ordering != NULL ? keg_order_parse(qs, m->ordering, err, sizeof err) : 0;
    if (status == KEG_EINVALID)
        return keg_qs_fail(qs, "%s's ordering: %s", m->name, err);
    if (status != KEG_OK) {
        keg_qs_free(qs);
        return NULL;
    }
/* SOLUTION(15) END */
    return qs;
}

int keg_qs_sliced(const keg_qs *qs)
{
    return qs->lo != 0 || qs->hi >= 0;
}

keg_qs *keg_qs_where(const keg_qs *qs, const keg_q *q)
{
    keg_qs *c = qs != NULL && q != NULL ? keg_qs_clone(qs) : NULL;
    if (c == NULL || c->error != NULL)
        return c;
/* SOLUTION(15) BEGIN */
    char err[256];
    if (keg_qs_sliced(c))
        return keg_qs_fail(c, "cannot filter a query once a slice has been taken");
    if (keg_q_check(c->model, q, err, sizeof err) < 0)
        return keg_qs_fail(c, "%s", err);
    int failed = 0;
    keg_q *copy = keg_q_copy(q, &failed);
    c->where = c->where == NULL ? copy : keg_q_and(c->where, copy);
    if (failed || c->where == NULL) {
        keg_qs_free(c);
        return NULL;
    }
/* SOLUTION(15) STUB
    (void)q;
    return keg_qs_fail(c, "keg_qs_where is not written yet");
   SOLUTION(15) END */
    return c;
}

keg_qs *keg_qs_filter(const keg_qs *qs, const char *lookup, keg_value v)
{
    keg_q *q = keg_q_new(lookup, v);
    keg_qs *c = keg_qs_where(qs, q);
    keg_q_free(q);
    return c;
}

keg_qs *keg_qs_filter_list(const keg_qs *qs, const char *lookup, const keg_value *v,
                           size_t n)
{
    keg_q *q = keg_q_list(lookup, v, n);
    keg_qs *c = keg_qs_where(qs, q);
    keg_q_free(q);
    return c;
}

keg_qs *keg_qs_exclude(const keg_qs *qs, const char *lookup, keg_value v)
{
    keg_q *q = keg_q_not(keg_q_new(lookup, v));
    keg_qs *c = keg_qs_where(qs, q);
    keg_q_free(q);
    return c;
}

keg_qs *keg_qs_order_by(const keg_qs *qs, const char *fields)
{
    keg_qs *c = qs != NULL ? keg_qs_clone(qs) : NULL;
    if (c == NULL || c->error != NULL)
        return c;
/* SOLUTION(15) BEGIN */
    if (fields == NULL)
        return keg_qs_fail(c, "order_by: no fields");
    if (keg_qs_sliced(c))
        return keg_qs_fail(c, "cannot reorder a query once a slice has been taken");
    char err[256];
    int status = keg_order_parse(c, fields, err, sizeof err);
    if (status == KEG_EINVALID)
        return keg_qs_fail(c, "%s", err);
    if (status != KEG_OK) {
        keg_qs_free(c);
        return NULL;
    }
/* SOLUTION(15) STUB
    (void)fields;
    return keg_qs_fail(c, "keg_qs_order_by is not written yet");
   SOLUTION(15) END */
    return c;
}

keg_qs *keg_qs_slice(const keg_qs *qs, long long start, long long stop)
{
    keg_qs *c = qs != NULL ? keg_qs_clone(qs) : NULL;
    if (c == NULL || c->error != NULL)
        return c;
/* SOLUTION(15) BEGIN */
    if (start < 0)
        return keg_qs_fail(c, "negative indexing is not supported");
    if (stop >= 0)
        c->hi = c->hi >= 0 && c->hi < c->lo + stop ? c->hi : c->lo + stop;
    c->lo = c->hi >= 0 && c->hi < c->lo + start ? c->hi : c->lo + start;
/* SOLUTION(15) STUB
    (void)start;
    (void)stop;
    return keg_qs_fail(c, "keg_qs_slice is not written yet");
   SOLUTION(15) END */
    return c;
}

