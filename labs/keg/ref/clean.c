/* clean.c -- Django's Model.full_clean() for keg objects [lab 14]: per-field checks in
 * Django's order (null, blank, then the value: valid UTF-8, choices, max_length counted
 * in characters) and the unique checks, one SELECT each, with Django's messages. It reads
 * objects only through keg_field_value, as the SQL side of model.c binds them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* SOLUTION(14) BEGIN */
/* 1 when s[0..len) is well-formed UTF-8 (no overlong form, surrogate or value past
 * U+10FFFF); *chars gets the number of characters. */
static int keg_utf8_ok(const char *s, size_t len, size_t *chars)
{
    static const unsigned least[] = { 0, 0x80, 0x800, 0x10000 };
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, n = 0;
    while (i < len) {
        unsigned c = p[i];
        size_t k = c < 0x80 ? 0 : (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2
                   : (c & 0xf8) == 0xf0 ? 3 : 4;
        if (k == 4 || len - i <= k)
            return 0;
        unsigned cp = k == 0 ? c : c & (0x3fu >> k);
        for (size_t j = 1; j <= k; j++) {
            if ((p[i + j] & 0xc0) != 0x80)
                return 0;
            cp = cp << 6 | (p[i + j] & 0x3f);
        }
        if (cp < least[k] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        i += k + 1;
        n++;
    }
    *chars = n;
    return 1;
}

/* The value v of field f as its choices store it (key) and as Django's repr() shows it
 * in "Value ... is not a valid choice." (text quoted, numbers bare, True/False). */
static void keg_choice_text(const keg_field *f, keg_value v, char *key, size_t kcap,
                            char *repr, size_t rcap)
{
    if (v.type == KEG_TEXT) {
        snprintf(key, kcap, "%.*s", (int)v.len, v.s);
        snprintf(repr, rcap, "'%s'", key);
    } else {
        snprintf(key, kcap, "%lld", v.i);
        snprintf(repr, rcap, "%s", f->kind != KEG_BOOL ? key : v.i ? "True" : "False");
    }
}

/* 1 when key is one of f's choices. */
static int keg_in_choices(const keg_field *f, const char *key)
{
    for (const struct keg_choice *c = f->choices; c->value != NULL; c++)
        if (strcmp(c->value, key) == 0)
            return 1;
    return 0;
}

/* The message for field f of obj when a check that needs no SQL fails, else NULL (msg
 * holds a formatted one). Django's clean_fields skips a blank field's empty value;
 * Field.validate checks choices, null, blank; validators (max_length) come last. */
static const char *keg_field_error(const void *obj, const keg_field *f, char *msg,
                                   size_t cap)
{
    char buf[20];
    keg_value v = keg_field_value(obj, f, buf);
    int isnull = v.type == KEG_NULL;
    int empty = isnull || (f->kind != KEG_DATETIME && v.type == KEG_TEXT && v.len == 0);
    if (empty && (f->flags & KEG_BLANK))
        return NULL;
    if (isnull && !(f->flags & KEG_NULLABLE))
        return "This field cannot be null.";
    if (empty)
        return "This field cannot be blank.";
    size_t chars = 0;
    if (v.type == KEG_TEXT && !keg_utf8_ok(v.s, v.len, &chars))
        return "Enter valid UTF-8 text.";
    if (f->choices != NULL) {
        char key[256], repr[300];
        keg_choice_text(f, v, key, sizeof key, repr, sizeof repr);
        if (!keg_in_choices(f, key)) {
            snprintf(msg, cap, "Value %s is not a valid choice.", repr);
            return msg;
        }
    }
    if (f->kind == KEG_CHAR && chars > (size_t)f->max_length) {
        snprintf(msg, cap, "Ensure this value has at most %d character%s (it has %zu).",
                 f->max_length, f->max_length == 1 ? "" : "s", chars);
        return msg;
    }
    return NULL;
}

/* Django's capfirst(verbose_name): the name with "_" as " ", first letter upper case. */
static void keg_verbose(const char *name, char *out, size_t cap)
{
    snprintf(out, cap, "%s", name);
    for (char *p = out; *p != '\0'; p++)
        if (*p == '_')
            *p = ' ';
    if (out[0] >= 'a' && out[0] <= 'z')
        out[0] = (char)(out[0] - 'a' + 'A');
}

/* 1 when another row of obj's table holds f's value, 0 when none, or a status: SELECT
 * COUNT(*) FROM "t" WHERE "t"."col" = ? [AND NOT ("t"."id" = ?)] (a saved object is not
 * its own clash). */
static int keg_unique_clash(keg_db *db, const void *obj, const keg_field *f)
{
    const keg_model *m = ((const keg_obj *)obj)->model;
    char col[KEG_IDENT_MAX + 4], buf[20], idbuf[20];
    if (keg_field_column(f, col, sizeof col) != KEG_OK || !keg_ident_ok(m->table))
        return keg_db_failf(db, KEG_EINVALID, "invalid model descriptor");
    keg_value v[2] = { keg_field_value(obj, f, buf), keg_field_value(obj, &m->fields[0], idbuf) };
    int self = v[1].type == KEG_INT && v[1].i != 0;
    struct keg_sql q = { 0 };
    keg_sql_add(&q, "SELECT COUNT(*) FROM ");
    keg_sql_ident(&q, m->table);
    keg_sql_add(&q, " WHERE ");
    keg_sql_ident(&q, m->table);
    keg_sql_add(&q, ".");
    keg_sql_ident(&q, col);
    keg_sql_add(&q, " = ?");
    if (self) {
        keg_sql_add(&q, " AND NOT (");
        keg_sql_ident(&q, m->table);
        keg_sql_add(&q, ".\"id\" = ?)");
    }
    char *sql = keg_sql_steal(&q);
    if (sql == NULL)
        return keg_db_failf(db, KEG_ENOMEM, "out of memory");
    long long n = 0;
    int status = keg_db_query_int(db, sql, v, self ? 2 : 1, &n);
    free(sql);
    return status < 0 ? status : n > 0;
}

/* The message for field f when its value is taken by another row, else NULL; a status
 * in *status when the SELECT fails. */
static const char *keg_unique_error(keg_db *db, const void *obj, const keg_field *f,
                                    char *msg, size_t cap, int *status)
{
    char buf[20], mname[KEG_IDENT_MAX + 1], fname[KEG_IDENT_MAX + 1];
    if (!(f->flags & KEG_UNIQUE) || db == NULL || keg_field_value(obj, f, buf).type == KEG_NULL)
        return NULL;
    int clash = keg_unique_clash(db, obj, f);
    if (clash <= 0) {
        *status = clash;
        return NULL;
    }
    keg_verbose(((const keg_obj *)obj)->model->name, mname, sizeof mname);
    keg_verbose(f->name, fname, sizeof fname);
    snprintf(msg, cap, "%s with this %s already exists.", mname, fname);
    return msg;
}
/* SOLUTION(14) END */

int keg_full_clean(keg_db *db, const void *obj, vial_pairs *errors)
{
/* SOLUTION(14) BEGIN */
    const keg_model *m = ((const keg_obj *)obj)->model;
    int bad = 0;
    for (size_t i = 1; i < m->nfields; i++) {
        const keg_field *f = &m->fields[i];
        if (!keg_field_has_column(f))
            continue;
        char msg[1024];
        int status = KEG_OK;
        const char *err = keg_field_error(obj, f, msg, sizeof msg);
        if (err == NULL)
            err = keg_unique_error(db, obj, f, msg, sizeof msg, &status);
        if (status < 0)
            return status;
        if (err == NULL)
            continue;
        bad = 1;
        if (errors != NULL && vial_pairs_adds(errors, f->name, err) != 0)
            return KEG_ENOMEM;
    }
    return bad ? KEG_EVALIDATION : KEG_OK;
/* SOLUTION(14) STUB
    (void)db;
    (void)obj;
    (void)errors;
    return KEG_ERROR;
   SOLUTION(14) END */
}
