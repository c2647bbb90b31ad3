/* model.c -- keg's models [lab 14]: static descriptors of C structs, the CREATE TABLE
 * Django writes for them on SQLite, objects with their NULL bits and owned strings, save,
 * get and delete by primary key, full_clean with Django's messages, UTC datetimes as
 * text, and the registry of models that relations and migrations walk. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* ---- fields and columns [given] ------------------------------------------------------ */

const keg_field *keg_model_field(const keg_model *m, const char *name)
{
    if (m == NULL || name == NULL)
        return NULL;
    for (size_t i = 0; i < m->nfields; i++)
        if (strcmp(m->fields[i].name, name) == 0)
            return &m->fields[i];
    return NULL;
}

int keg_field_has_column(const keg_field *f)
{
    return f->kind != KEG_M2M;
}

int keg_field_column(const keg_field *f, char *out, size_t cap)
{
    if (!keg_field_has_column(f) || !keg_ident_ok(f->name))
        return KEG_EINVALID;
    int n = snprintf(out, cap, f->kind == KEG_FK ? "%s_id" : "%s", f->name);
    if (n < 0 || (size_t)n >= cap || !keg_ident_ok(out))
        return KEG_EINVALID;
    return KEG_OK;
}

void keg_sql_columns(struct keg_sql *q, const keg_model *m, const char *alias)
{
    char col[KEG_IDENT_MAX + 4];
    int first = 1;
    for (size_t i = 0; i < m->nfields; i++) {
        if (!keg_field_has_column(&m->fields[i]))
            continue;
        if (keg_field_column(&m->fields[i], col, sizeof col) != KEG_OK) {
            q->failed = 1;      /* never build SQL from a name that failed the check */
            return;
        }
        keg_sql_add(q, first ? "" : ", ");
        first = 0;
        if (alias != NULL) {
            keg_sql_ident(q, alias);
            keg_sql_add(q, ".");
        }
        keg_sql_ident(q, col);
    }
}

/* The index of f in its model (f points into m->fields). */
static size_t keg_field_index(const keg_model *m, const keg_field *f)
{
    return (size_t)(f - m->fields);
}

/* Storage of a field in obj, by kind (see keg.h). */
static long long *keg_num_at(void *obj, const keg_field *f)
{
    return (long long *)((char *)obj + f->offset);
}

static int *keg_bool_at(void *obj, const keg_field *f)
{
    return (int *)((char *)obj + f->offset);
}

static char **keg_text_at(void *obj, const keg_field *f)
{
    return (char **)((char *)obj + f->offset);
}

/* 1 for the kinds stored as char *. */
static int keg_is_text(const keg_field *f)
{
    return f->kind == KEG_CHAR || f->kind == KEG_TEXTFIELD;
}

/* 1 for the kinds stored as a number whose NULL is a bit of obj.nulls. */
static int keg_is_numeric(const keg_field *f)
{
    return f->kind != KEG_M2M && !keg_is_text(f);
}

/* The object's id, the storage of fields[0]. */
static long long *keg_id_at(void *obj)
{
    const keg_obj *o = obj;
    return keg_num_at(obj, &o->model->fields[0]);
}

/* ---- datetimes ------------------------------------------------------------------------
 * Days since 1970-01-01 of a proleptic Gregorian date and back (H. Hinnant's algorithm,
 * exact for every year keg accepts). [given] */

static long long keg_days_from_civil(long long y, unsigned m, unsigned d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long long)doe - 719468;
}

static void keg_civil_from_days(long long z, long long *y, unsigned *m, unsigned *d)
{
    z += 719468;
    long long era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (long long)yoe + era * 400 + (*m <= 2);
}

static unsigned keg_month_days(long long y, unsigned m)
{
    static const unsigned days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

int keg_datetime_format(long long t, char out[20])
{
/* SOLUTION(14) BEGIN */
    static const long long first = -62135596800LL;     /* 0001-01-01 00:00:00 */
    static const long long last = 253402300799LL;      /* 9999-12-31 23:59:59 */
    if (t < first || t > last)
        return KEG_EINVALID;
    long long days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    long long secs = t - days * 86400;
    long long y;
    unsigned m, d, s = (unsigned)secs;
    keg_civil_from_days(days, &y, &m, &d);
    snprintf(out, 20, "%04u-%02u-%02u %02u:%02u:%02u", (unsigned)y % 10000, m % 100, d % 100,
             s / 3600 % 100, s / 60 % 60, s % 60);
    return KEG_OK;
/* SOLUTION(14) STUB
    (void)t;
    (void)keg_civil_from_days;
    out[0] = '\0';
    return KEG_EINVALID;
   SOLUTION(14) END */
}

/* SOLUTION(14) BEGIN */
/* Reads exactly n digits of s into *v; 0 when one is not a digit. */
static int keg_digits(const char *s, int n, unsigned *v)
{
    *v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        *v = *v * 10 + (unsigned)(s[i] - '0');
    }
    return 1;
}
/* SOLUTION(14) END */

int keg_datetime_parse(const char *s, long long *t)
{
/* SOLUTION(14) BEGIN */
    unsigned y, mo, d, h, mi, sec, frac;
    if (s == NULL || strlen(s) < 19 || s[4] != '-' || s[7] != '-' || s[10] != ' '
        || s[13] != ':' || s[16] != ':' || !keg_digits(s, 4, &y)
        || !keg_digits(s + 5, 2, &mo) || !keg_digits(s + 8, 2, &d)
        || !keg_digits(s + 11, 2, &h) || !keg_digits(s + 14, 2, &mi)
        || !keg_digits(s + 17, 2, &sec))
        return KEG_EINVALID;
    const char *rest = s + 19;
    if (*rest == '.') {
        size_t n = strspn(rest + 1, "0123456789");
        if (n < 1 || n > 6 || !keg_digits(rest + 1, (int)n, &frac))
            return KEG_EINVALID;
        rest += 1 + n;
    }
    if (*rest != '\0' || y < 1 || mo < 1 || mo > 12 || d < 1 || d > keg_month_days(y, mo)
        || h > 23 || mi > 59 || sec > 59)
        return KEG_EINVALID;
    *t = keg_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
    return KEG_OK;
/* SOLUTION(14) STUB
    (void)s;
    (void)t;
    (void)keg_days_from_civil;
    (void)keg_month_days;
    return KEG_EINVALID;
   SOLUTION(14) END */
}

/* ---- CREATE TABLE ---------------------------------------------------------------------- */

/* SQLite column types of Django 5.2 (django/db/backends/sqlite3/base.py data_types, with
 * BigAutoField as the automatic primary key), indexed by enum keg_kind. A foreign key
 * takes its target's rel_db_type: BigAutoField's is "bigint". */
static const char *const keg_sql_types[] = {
    [KEG_AUTO] = "integer",
    [KEG_INTEGER] = "integer",
    [KEG_BOOL] = "bool",
    [KEG_CHAR] = "varchar",         /* "varchar(max_length)" */
    [KEG_TEXTFIELD] = "text",
    [KEG_DATETIME] = "datetime",
    [KEG_FK] = "bigint",
    [KEG_M2M] = NULL,
};

/* SOLUTION(14) BEGIN */
/* 0 when field i of m may be written as a column (or is a KEG_M2M, which has none). */
static int keg_field_check(const keg_model *m, size_t i)
{
    const keg_field *f = &m->fields[i];
    char col[KEG_IDENT_MAX + 4];
    if ((f->kind == KEG_AUTO) != (i == 0) || (unsigned)f->kind > KEG_M2M)
        return KEG_EINVALID;
    if (f->kind == KEG_M2M)
        return f->to != NULL && keg_ident_ok(f->name) ? KEG_OK : KEG_EINVALID;
    if (keg_field_column(f, col, sizeof col) != KEG_OK)
        return KEG_EINVALID;
    if (f->kind == KEG_CHAR && f->max_length < 1)
        return KEG_EINVALID;
    if (f->kind == KEG_FK && (f->to == NULL || !keg_ident_ok(f->to->table)))
        return KEG_EINVALID;
    return KEG_OK;
}

/* 0 when m is a descriptor keg can write SQL for. */
static int keg_model_check(const keg_model *m)
{
    if (m == NULL || !keg_ident_ok(m->table) || m->nfields < 1 || m->nfields > 64
        || m->fields == NULL || strcmp(m->fields[0].name, "id") != 0)
        return KEG_EINVALID;
    for (size_t i = 0; i < m->nfields; i++)
        if (keg_field_check(m, i) != KEG_OK)
            return KEG_EINVALID;
    return KEG_OK;
}

/* Appends the definition of one column: "col" type NULL|NOT NULL [PRIMARY KEY|UNIQUE]
 * [AUTOINCREMENT] [REFERENCES ...], the order of Django's column_sql and table_sql. */
static void keg_column_sql(struct keg_sql *q, const keg_field *f)
{
    char col[KEG_IDENT_MAX + 4];
    keg_field_column(f, col, sizeof col);
    keg_sql_ident(q, col);
    keg_sql_printf(q, " %s", keg_sql_types[f->kind]);
    if (f->kind == KEG_CHAR)
        keg_sql_printf(q, "(%d)", f->max_length);
    if (f->kind == KEG_AUTO) {
        keg_sql_add(q, " NOT NULL PRIMARY KEY AUTOINCREMENT");
        return;
    }
    keg_sql_add(q, f->flags & KEG_NULLABLE ? " NULL" : " NOT NULL");
    if (f->flags & KEG_UNIQUE)
        keg_sql_add(q, " UNIQUE");
    if (f->kind == KEG_FK) {
        keg_sql_add(q, " REFERENCES ");
        keg_sql_ident(q, f->to->table);
        keg_sql_add(q, " (\"id\") DEFERRABLE INITIALLY DEFERRED");
    }
}
/* SOLUTION(14) END */

char *keg_model_create_sql(const keg_model *m)
{
/* SOLUTION(14) BEGIN */
    if (keg_model_check(m) != KEG_OK)
        return NULL;
    struct keg_sql q = { 0 };
    keg_sql_add(&q, "CREATE TABLE ");
    keg_sql_ident(&q, m->table);
    keg_sql_add(&q, " (");
    int first = 1;
    for (size_t i = 0; i < m->nfields; i++) {
        if (!keg_field_has_column(&m->fields[i]))
            continue;
        keg_sql_add(&q, first ? "" : ", ");
        first = 0;
        keg_column_sql(&q, &m->fields[i]);
    }
    keg_sql_add(&q, ")");
    return keg_sql_steal(&q);
/* SOLUTION(14) STUB
    (void)m;
    (void)keg_sql_types;
    return NULL;
   SOLUTION(14) END */
}

int keg_create_table(keg_db *db, const keg_model *m)
{
/* SOLUTION(14) BEGIN */
    char *sql = keg_model_create_sql(m);
    if (sql == NULL)
        return keg_model_check(m) != KEG_OK
               ? keg_db_failf(db, KEG_EINVALID, "invalid model descriptor")
               : keg_db_failf(db, KEG_ENOMEM, "out of memory");
    int status = keg_db_exec(db, sql, NULL, 0);
    free(sql);
    char col[KEG_IDENT_MAX + 4];
    for (size_t i = 0; status >= 0 && i < m->nfields; i++) {
        const keg_field *f = &m->fields[i];
        if (f->kind != KEG_FK || (f->flags & KEG_UNIQUE))
            continue;           /* as Django: a UNIQUE column is indexed already */
        keg_field_column(f, col, sizeof col);
        struct keg_sql q = { 0 };
        keg_sql_printf(&q, "CREATE INDEX \"%s_%s\" ON ", m->table, col);
        keg_sql_ident(&q, m->table);
        keg_sql_printf(&q, " (\"%s\")", col);
        char *idx = keg_sql_steal(&q);
        status = idx != NULL ? keg_db_exec(db, idx, NULL, 0)
                 : keg_db_failf(db, KEG_ENOMEM, "out of memory");
        free(idx);
    }
/* SOLUTION(14) END */
/* SOLUTION(16) BEGIN */
    if (status >= 0)
        status = keg_m2m_create_tables(db, m);
/* SOLUTION(16) END */
/* SOLUTION(14) BEGIN */
    return status < 0 ? status : KEG_OK;
/* SOLUTION(14) STUB
    (void)m;
    return keg_db_failf(db, KEG_ERROR, "keg_create_table is not written yet");
   SOLUTION(14) END */
}

/* ---- objects --------------------------------------------------------------------------- */

int keg_obj_init(void *obj, const keg_model *m)
{
    keg_obj *o = obj;
    o->model = m;
    o->nulls = 0;
    o->rel = NULL;
/* SOLUTION(14) BEGIN */
    for (size_t i = 0; i < m->nfields; i++) {
        const keg_field *f = &m->fields[i];
        int has = (f->flags & KEG_DEFAULT) != 0 && f->kind != KEG_AUTO;
        if (keg_is_text(f)) {
            /* Django's get_default: "" for a NOT NULL string without default, else None */
            const char *s = has ? f->default_text : f->flags & KEG_NULLABLE ? NULL : "";
            if (s != NULL && (*keg_text_at(obj, f) = strdup(s)) == NULL) {
                keg_obj_clear(obj);
                return KEG_ENOMEM;
            }
        } else if (f->kind == KEG_BOOL)
            *keg_bool_at(obj, f) = has ? f->default_int != 0 : 0;
        else if (keg_is_numeric(f))
            *keg_num_at(obj, f) = has ? f->default_int : 0;
    }
/* SOLUTION(14) STUB
    (void)keg_text_at;
    (void)keg_bool_at;
    (void)keg_is_numeric;
    return KEG_ERROR;
   SOLUTION(14) END */
    return KEG_OK;
}

void *keg_obj_new(const keg_model *m)
{
    void *obj = calloc(1, m->size);
    if (obj != NULL && keg_obj_init(obj, m) != KEG_OK) {
        free(obj);
        return NULL;
    }
    return obj;
}

void keg_obj_clear(void *obj)
{
    keg_obj *o = obj;
    if (o == NULL || o->model == NULL)
        return;
/* SOLUTION(14) BEGIN */
    for (size_t i = 0; i < o->model->nfields; i++) {
        const keg_field *f = &o->model->fields[i];
        if (keg_is_text(f)) {
            free(*keg_text_at(obj, f));
            *keg_text_at(obj, f) = NULL;
        } else if (f->kind == KEG_BOOL)
            *keg_bool_at(obj, f) = 0;
        else if (keg_is_numeric(f))
            *keg_num_at(obj, f) = 0;
    }
    o->nulls = 0;
/* SOLUTION(14) END */
/* SOLUTION(16) BEGIN */
    keg_rel_free(o->rel);
    o->rel = NULL;
/* SOLUTION(16) END */
}

void keg_obj_free(void *obj)
{
    keg_obj_clear(obj);
    free(obj);
}

/* The field `name` of obj's model if it is one of the kinds `want` accepts, else NULL. */
static const keg_field *keg_obj_field(const void *obj, const char *name,
                                      int (*want)(const keg_field *))
{
    const keg_obj *o = obj;
    if (o == NULL || o->model == NULL)
        return NULL;
    const keg_field *f = keg_model_field(o->model, name);
    return f != NULL && want(f) ? f : NULL;
}

int keg_obj_set_text(void *obj, const char *field, const char *s)
{
/* SOLUTION(14) BEGIN */
    const keg_field *f = keg_obj_field(obj, field, keg_is_text);
    if (f == NULL)
        return KEG_EINVALID;
    char *copy = NULL;
    if (s != NULL && (copy = strdup(s)) == NULL)
        return KEG_ENOMEM;
    free(*keg_text_at(obj, f));
    *keg_text_at(obj, f) = copy;
    return KEG_OK;
/* SOLUTION(14) STUB
    (void)obj;
    (void)field;
    (void)s;
    (void)keg_obj_field;
    return KEG_ERROR;
   SOLUTION(14) END */
}

int keg_obj_set_null(void *obj, const char *field, int is_null)
{
/* SOLUTION(14) BEGIN */
    const keg_field *f = keg_obj_field(obj, field, keg_is_numeric);
    if (f == NULL || f->kind == KEG_AUTO)
        return KEG_EINVALID;
    keg_obj *o = obj;
    unsigned long long bit = 1ULL << keg_field_index(o->model, f);
    o->nulls = is_null ? o->nulls | bit : o->nulls & ~bit;
    return KEG_OK;
/* SOLUTION(14) STUB
    (void)obj;
    (void)field;
    (void)is_null;
    (void)keg_field_index;
    return KEG_ERROR;
   SOLUTION(14) END */
}

/* SOLUTION(14) BEGIN */
/* 1 when field f of obj is SQL NULL. */
static int keg_field_is_null(const void *obj, const keg_field *f)
{
    const keg_obj *o = obj;
    if (keg_is_text(f))
        return *keg_text_at((void *)obj, f) == NULL;
    return (o->nulls >> keg_field_index(o->model, f)) & 1;
}
/* SOLUTION(14) END */

int keg_obj_is_null(const void *obj, const char *field)
{
/* SOLUTION(14) BEGIN */
    const keg_obj *o = obj;
    const keg_field *f = o != NULL ? keg_model_field(o->model, field) : NULL;
    if (f == NULL || !keg_field_has_column(f))
        return KEG_EINVALID;
    return keg_field_is_null(obj, f);
/* SOLUTION(14) STUB
    (void)obj;
    (void)field;
    return KEG_EINVALID;
   SOLUTION(14) END */
}

keg_value keg_field_value(const void *obj, const keg_field *f, char buf[20])
{
/* SOLUTION(14) BEGIN */
    void *p = (void *)obj;
    if (!keg_field_has_column(f) || keg_field_is_null(obj, f))
        return keg_null();
    if (keg_is_text(f))
        return keg_text(*keg_text_at(p, f));
    if (f->kind == KEG_BOOL)
        return keg_int(*keg_bool_at(p, f) != 0);
    if (f->kind == KEG_DATETIME)
        return keg_datetime_format(*keg_num_at(p, f), buf) == KEG_OK
               ? keg_textn(buf, 19) : keg_null();
    return keg_int(*keg_num_at(p, f));
/* SOLUTION(14) STUB
    (void)obj;
    (void)f;
    (void)buf;
    (void)keg_num_at;
    return keg_null();
   SOLUTION(14) END */
}

/* Stores column col of the current row into field f of obj (cleared). Returns 0 or a
 * status. */
static int keg_load_field(void *obj, const keg_field *f, keg_rows *r, int col)
{
/* SOLUTION(14) BEGIN */
    keg_obj *o = obj;
    if (keg_rows_type(r, col) == KEG_NULL) {
        if (!keg_is_text(f))
            o->nulls |= 1ULL << keg_field_index(o->model, f);
        return KEG_OK;
    }
    if (keg_is_text(f)) {
        size_t len;
        const char *s = keg_rows_text(r, col, &len);
        char *copy = malloc(len + 1);
        if (copy == NULL)
            return KEG_ENOMEM;
        memcpy(copy, s, len);
        copy[len] = '\0';
        *keg_text_at(obj, f) = copy;
    } else if (f->kind == KEG_BOOL)
        *keg_bool_at(obj, f) = keg_rows_int(r, col) != 0;
    else if (f->kind == KEG_DATETIME)
        return keg_datetime_parse(keg_rows_text(r, col, NULL), keg_num_at(obj, f));
    else
        *keg_num_at(obj, f) = keg_rows_int(r, col);
    return KEG_OK;
/* SOLUTION(14) STUB
    (void)obj;
    (void)f;
    (void)r;
    (void)col;
    return KEG_ERROR;
   SOLUTION(14) END */
}

int keg_obj_load(void *obj, keg_rows *r, int col0)
{
    keg_obj *o = obj;
    keg_obj_clear(obj);
    int col = col0;
    for (size_t i = 0; i < o->model->nfields; i++) {
        if (!keg_field_has_column(&o->model->fields[i]))
            continue;
        int status = keg_load_field(obj, &o->model->fields[i], r, col++);
        if (status != KEG_OK)
            return status;
    }
    return col;
}

/* ---- save, get, delete ----------------------------------------------------------------- */

/* SOLUTION(14) BEGIN */
/* The columns and values of every field of obj with a column but id, into cols, vals
 * (bufs holds formatted datetimes). Returns their count, or KEG_EINVALID for a name or
 * a datetime keg cannot write. */
static int keg_obj_row(const void *obj, char cols[][KEG_IDENT_MAX + 4], keg_value *vals,
                       char bufs[][20])
{
    const keg_model *m = ((const keg_obj *)obj)->model;
    int n = 0;
    for (size_t i = 1; i < m->nfields; i++) {
        const keg_field *f = &m->fields[i];
        if (!keg_field_has_column(f))
            continue;
        if (keg_field_column(f, cols[n], sizeof cols[n]) != KEG_OK)
            return KEG_EINVALID;
        vals[n] = keg_field_value(obj, f, bufs[n]);
        if (f->kind == KEG_DATETIME && vals[n].type == KEG_NULL && !keg_field_is_null(obj, f))
            return KEG_EINVALID;        /* outside years 1..9999 */
        n++;
    }
    return n;
}

/* UPDATE "t" SET "c" = ?, ... WHERE "t"."id" = ? : the rows changed, or a status. With no
 * column to set, whether the row exists (Django's _do_update does the same). */
static int keg_update_row(keg_db *db, const keg_model *m, char cols[][KEG_IDENT_MAX + 4],
                          keg_value *vals, int n, long long id)
{
    struct keg_sql q = { 0 };
    if (n == 0) {
        keg_sql_add(&q, "SELECT COUNT(*) FROM ");
        keg_sql_ident(&q, m->table);
    } else {
        keg_sql_add(&q, "UPDATE ");
        keg_sql_ident(&q, m->table);
        for (int i = 0; i < n; i++) {
            keg_sql_add(&q, i ? ", " : " SET ");
            keg_sql_ident(&q, cols[i]);
            keg_sql_add(&q, " = ?");
        }
    }
    keg_sql_add(&q, " WHERE ");
    keg_sql_ident(&q, m->table);
    keg_sql_add(&q, ".\"id\" = ?");
    char *sql = keg_sql_steal(&q);
    if (sql == NULL)
        return keg_db_failf(db, KEG_ENOMEM, "out of memory");
    vals[n] = keg_int(id);
    long long found = 0;
    int status = n > 0 ? keg_db_exec(db, sql, vals, (size_t)n + 1)
                 : keg_db_query_int(db, sql, &vals[n], 1, &found);
    free(sql);
    return n > 0 || status < 0 ? status : (int)(found > 0);
}
/* SOLUTION(14) END */

int keg_save(keg_db *db, void *obj)
{
/* SOLUTION(14) BEGIN */
    keg_obj *o = obj;
    const keg_model *m = o->model;
    if (keg_model_check(m) != KEG_OK)
        return keg_db_failf(db, KEG_EINVALID, "invalid model descriptor");
    char cols[65][KEG_IDENT_MAX + 4];
    keg_value vals[65];
    char bufs[65][20];
    /* slot 0 is kept for "id" when an UPDATE finds no row and the INSERT names it */
    int n = keg_obj_row(obj, cols + 1, vals + 1, bufs + 1);
    if (n < 0)
        return keg_db_failf(db, n, "%s: a datetime outside years 1..9999", m->table);
    long long id = *keg_id_at(obj);
    if (id != 0) {
        int changed = keg_update_row(db, m, cols + 1, vals + 1, n, id);
        if (changed != 0)
            return changed < 0 ? changed : KEG_OK;
        snprintf(cols[0], sizeof cols[0], "id");
        vals[0] = keg_int(id);
    }
    const char *names[65];
    for (int i = 0; i <= n; i++)
        names[i] = cols[i];
    int skip = id != 0 ? 0 : 1;
    long long newid = 0;
    int status = keg_db_insert(db, m->table, names + skip, vals + skip,
                               (size_t)(n + 1 - skip), &newid);
    if (status == KEG_OK)
        *keg_id_at(obj) = newid;
    return status;
/* SOLUTION(14) STUB
    (void)obj;
    (void)keg_id_at;
    return keg_db_failf(db, KEG_ERROR, "keg_save is not written yet");
   SOLUTION(14) END */
}

int keg_get(keg_db *db, const keg_model *m, long long id, void *out)
{
    keg_obj *o = out;
    keg_obj_clear(out);
    o->model = m;
/* SOLUTION(14) BEGIN */
    if (keg_model_check(m) != KEG_OK)
        return keg_db_failf(db, KEG_EINVALID, "invalid model descriptor");
    struct keg_sql q = { 0 };
    keg_sql_add(&q, "SELECT ");
    keg_sql_columns(&q, m, m->table);
    keg_sql_add(&q, " FROM ");
    keg_sql_ident(&q, m->table);
    keg_sql_add(&q, " WHERE ");
    keg_sql_ident(&q, m->table);
    keg_sql_add(&q, ".\"id\" = ? LIMIT 21");
    char *sql = keg_sql_steal(&q);
    if (sql == NULL)
        return keg_db_failf(db, KEG_ENOMEM, "out of memory");
    keg_value v = keg_int(id);
    keg_rows *r;
    int status = keg_db_query(db, sql, &v, 1, &r);
    free(sql);
    if (status != KEG_OK)
        return status;
    status = keg_rows_next(r);
    if (status == 1)
        status = keg_obj_load(out, r, 0);
    else if (status == 0)
        status = keg_db_failf(db, KEG_ENOTFOUND, "%s matching query does not exist.",
                              m->name);
    keg_rows_close(r);
    return status < 0 ? status : KEG_OK;
/* SOLUTION(14) STUB
    (void)id;
    return keg_db_failf(db, KEG_ERROR, "keg_get is not written yet");
   SOLUTION(14) END */
}

int keg_delete(keg_db *db, void *obj)
{
/* SOLUTION(14) BEGIN */
    keg_obj *o = obj;
    const keg_model *m = o->model;
    if (keg_model_check(m) != KEG_OK)
        return keg_db_failf(db, KEG_EINVALID, "invalid model descriptor");
    long long id = *keg_id_at(obj);
    if (id == 0)
        return keg_db_failf(db, KEG_EINVALID, "%s object can't be deleted because its id "
                            "is None", m->name);
/* SOLUTION(14) END */
/* SOLUTION(16) BEGIN */
    if (keg_delete_follows(m)) {
        int n = keg_delete_ids(db, m, &id, 1);
        if (n == 0)
            return keg_db_failf(db, KEG_ENOTFOUND, "%s matching query does not exist.",
                                m->name);
        if (n > 0)
            *keg_id_at(obj) = 0;
        return n < 0 ? n : KEG_OK;
    }
/* SOLUTION(16) END */
/* SOLUTION(14) BEGIN */
    struct keg_sql q = { 0 };
    keg_sql_add(&q, "DELETE FROM ");
    keg_sql_ident(&q, m->table);
    keg_sql_add(&q, " WHERE ");
    keg_sql_ident(&q, m->table);
    keg_sql_add(&q, ".\"id\" IN (?)");
    char *sql = keg_sql_steal(&q);
    if (sql == NULL)
        return keg_db_failf(db, KEG_ENOMEM, "out of memory");
    keg_value v = keg_int(id);
    int status = keg_db_exec(db, sql, &v, 1);
    free(sql);
    if (status == 0)
        return keg_db_failf(db, KEG_ENOTFOUND, "%s matching query does not exist.", m->name);
    if (status > 0)
        *keg_id_at(obj) = 0;
    return status < 0 ? status : KEG_OK;
/* SOLUTION(14) STUB
    (void)obj;
    return keg_db_failf(db, KEG_ERROR, "keg_delete is not written yet");
   SOLUTION(14) END */
}
/* ---- the registry [given] ---------------------------------------------------------------- */

/* Invariant: keg_models[0 .. keg_nmodels) are distinct, with distinct tables. */
static const keg_model **keg_models;
static size_t keg_nmodels, keg_capmodels;

int keg_register(const keg_model *m)
{
    if (m == NULL || m->table == NULL)
        return KEG_EINVALID;
    for (size_t i = 0; i < keg_nmodels; i++) {
        if (keg_models[i] == m)
            return KEG_OK;
        if (strcmp(keg_models[i]->table, m->table) == 0)
            return KEG_EINVALID;
    }
    if (keg_nmodels == keg_capmodels) {
        size_t cap = keg_capmodels ? keg_capmodels * 2 : 16;
        const keg_model **p = realloc(keg_models, cap * sizeof *p);
        if (p == NULL)
            return KEG_ENOMEM;
        keg_models = p;
        keg_capmodels = cap;
    }
    keg_models[keg_nmodels++] = m;
    return KEG_OK;
}

const keg_model *const *keg_registered(size_t *n)
{
    *n = keg_nmodels;
    return keg_models;
}

void keg_registry_clear(void)
{
    free(keg_models);
    keg_models = NULL;
    keg_nmodels = keg_capmodels = 0;
}
