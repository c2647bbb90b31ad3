/* ops.h -- lab 14's operations, shared by driver.c (built with your keg/ and vial/ into
 * the program the checker talks to) and checker.c (which runs them on the reference). C
 * cannot compile a new struct at run time, so every model here is one generic struct
 * (struct drv_obj: an id, 12 numbers, 6 booleans, 12 strings) whose descriptor the
 * checker builds from random field specs ("model"); the fields of a model take the next
 * free member of their kind, by offsetof as a static descriptor would. Each frame is one
 * operation whose payload is a list of arguments ("a" items); the answer is a text of
 * what happened, one fact per line: your statuses, the object's members read straight
 * from the struct, the rows as SQLite stored them, and statement counts from sqlcount.h
 * (never your own counter). The checker runs the same operations on the reference keg and
 * compares the texts. */
#ifndef LAB14_OPS_H
#define LAB14_OPS_H

#include "sqlcount.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keg.h"
#include "kegspec.h"
#include "wire.h"

#define DRV_ARGS 24
#define DRV_MODELS 4
#define DRV_OBJS 8
#define DRV_FIELDS 20
#define DRV_NUMS 12
#define DRV_BOOLS 6
#define DRV_STRS 12
#define DRV_CHOICES 6

/* The one struct every model of the checker describes. */
struct drv_obj {
    keg_obj obj;
    long long id;
    long long num[DRV_NUMS];    /* integer, datetime, foreign key */
    int flag[DRV_BOOLS];        /* bool */
    char *str[DRV_STRS];        /* char, text */
};

/* A model built at run time; the strings its descriptor points at live here. */
struct drv_model {
    keg_model m;
    keg_field fields[DRV_FIELDS];
    char names[DRV_FIELDS][72];
    char deftext[DRV_FIELDS][72];
    struct keg_choice choices[DRV_FIELDS][DRV_CHOICES + 1];
    char chvalue[DRV_FIELDS][DRV_CHOICES][24];
    char app[72], name[72], table[150];
};

struct drv {
    keg_db *db;
    struct drv_model models[DRV_MODELS];
    void *objs[DRV_OBJS];
};

/* The arguments of one frame: NUL-terminated exact copies, with their lengths. */
struct drv_args {
    char *v[DRV_ARGS];
    size_t len[DRV_ARGS];
    size_t n;
};

static void drv_args_free(struct drv_args *a)
{
    for (size_t i = 0; i < a->n; i++)
        free(a->v[i]);
    memset(a, 0, sizeof *a);
}

static void drv_parse(const char *data, size_t len, struct drv_args *a)
{
    const char *p = data, *end = data + len, *d;
    char kind[WIRE_MAX_NAME];
    size_t n;
    memset(a, 0, sizeof *a);
    while (a->n < DRV_ARGS && wire_next(&p, end, kind, sizeof kind, &d, &n) == 1) {
        char *c = malloc(n + 1);
        if (c == NULL)
            break;
        memcpy(c, d, n);
        c[n] = '\0';
        a->v[a->n] = c;
        a->len[a->n++] = n;
    }
}

/* Argument i, "" when absent. */
static const char *drv_arg(const struct drv_args *a, size_t i)
{
    return i < a->n ? a->v[i] : "";
}

static long long drv_num(const struct drv_args *a, size_t i)
{
    return strtoll(drv_arg(a, i), NULL, 10);
}

/* ---- reporting ---------------------------------------------------------------------- */

static void drv_printf(struct wire_buf *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void drv_printf(struct wire_buf *out, const char *fmt, ...)
{
    char line[600];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    wire_buf_add(out, line, n < 0 ? 0 : (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

/* "KEY "bytes"" (escaped) or "KEY NULL". */
static void drv_text(struct wire_buf *out, const char *key, const char *s)
{
    wire_buf_str(out, key);
    if (s == NULL) {
        wire_buf_str(out, " NULL\n");
        return;
    }
    wire_buf_str(out, " \"");
    wire_buf_escaped(out, s, strlen(s), 0);
    wire_buf_str(out, "\"\n");
}

/* A status line; SQLite's message is compared for KEG_EINTEGRITY, keg's own messages
 * only need to exist. */
static void drv_status(struct wire_buf *out, const char *what, int st, const keg_db *db)
{
    drv_printf(out, "%s -> %d\n", what, st);
    if (st >= 0 || db == NULL)
        return;
    const char *msg = keg_db_error(db);
    if (msg == NULL || msg[0] == '\0')
        wire_buf_str(out, "  message: (empty)\n");
    else if (st == KEG_EINTEGRITY)
        drv_text(out, "  message:", msg);
    else
        wire_buf_str(out, "  message: (keg's own, not empty)\n");
}

static void drv_ran(struct wire_buf *out, long before)
{
    drv_printf(out, "  statements run: %ld\n", sqlcount_get() - before);
}

/* The members of an object, read from the struct: value, and NULL as the contract says
 * (a set bit of obj.nulls for numbers, a NULL pointer for strings). */
static void drv_dump(struct wire_buf *out, const void *p)
{
    const struct drv_obj *o = p;
    const keg_model *m = o->obj.model;
    if (m == NULL) {
        wire_buf_str(out, "  (no model set)\n");
        return;
    }
    for (size_t i = 0; i < m->nfields; i++) {
        const keg_field *f = &m->fields[i];
        const char *base = (const char *)p + f->offset;
        char key[96];
        snprintf(key, sizeof key, "  %s", f->name);
        if (f->kind == KEG_CHAR || f->kind == KEG_TEXTFIELD)
            drv_text(out, key, *(char *const *)base);
        else if ((o->obj.nulls >> i) & 1)
            drv_printf(out, "%s NULL\n", key);
        else if (f->kind == KEG_BOOL)
            drv_printf(out, "%s %d\n", key, *(const int *)base);
        else
            drv_printf(out, "%s %lld\n", key, *(const long long *)base);
    }
}

/* Every row of the model's table as SQLite stored it (the driver's own statement). */
static void drv_rows(struct wire_buf *out, keg_db *db, const keg_model *m)
{
    char sql[200];
    sqlite3_stmt *st = NULL;
    snprintf(sql, sizeof sql, "SELECT * FROM \"%s\" ORDER BY \"id\"", m->table);
    if (sqlite3_prepare_v2(keg_db_handle(db), sql, -1, &st, NULL) != SQLITE_OK) {
        wire_buf_str(out, "  rows: (no table)\n");
        return;
    }
    static const char *const types[] = { "?", "int", "real", "text", "blob", "null" };
    while (sqlite3_step(st) == SQLITE_ROW) {
        wire_buf_str(out, "  row:");
        for (int c = 0; c < sqlite3_column_count(st); c++) {
            int t = sqlite3_column_type(st, c);
            const char *v = (const char *)sqlite3_column_text(st, c);
            drv_printf(out, " [%s ", types[t >= 1 && t <= 5 ? t : 0]);
            if (v != NULL)
                wire_buf_escaped(out, v, (size_t)sqlite3_column_bytes(st, c), 0);
            wire_buf_str(out, "]");
        }
        wire_buf_str(out, "\n");
    }
    sqlite3_finalize(st);
}

/* ---- models ---------------------------------------------------------------------------- */

/* The member of struct drv_obj for the next field of `kind`, given how many of each
 * kind came before (counts[0] numbers, [1] booleans, [2] strings). */
static size_t drv_offset(enum keg_kind kind, int counts[3])
{
    if (kind == KEG_AUTO)
        return offsetof(struct drv_obj, id);
    if (kind == KEG_BOOL)
        return offsetof(struct drv_obj, flag) + sizeof(int) * (size_t)(counts[1]++ % DRV_BOOLS);
    if (kind == KEG_CHAR || kind == KEG_TEXTFIELD)
        return offsetof(struct drv_obj, str) + sizeof(char *) * (size_t)(counts[2]++ % DRV_STRS);
    return offsetof(struct drv_obj, num) + sizeof(long long) * (size_t)(counts[0]++ % DRV_NUMS);
}

/* Fills field i of dm from "name kind flags max_length default_int default_text to
 * choices" ("-" for none; choices comma-separated). */
static void drv_field(struct drv *d, struct drv_model *dm, size_t i, const char *spec,
                      int counts[3])
{
    char kind[16], flags[8], deftext[72], choices[160];
    int maxlen = 0, to = -1;
    long long defint = 0;
    keg_field *f = &dm->fields[i];
    memset(f, 0, sizeof *f);
    if (sscanf(spec, "%71s %15s %7s %d %lld %71s %d %159s", dm->names[i], kind, flags,
               &maxlen, &defint, deftext, &to, choices) != 8)
        return;
    f->name = dm->names[i];
    f->kind = kegspec_kind(kind);
    f->flags = kegspec_flags_of(flags);
    f->offset = drv_offset(f->kind, counts);
    f->max_length = maxlen;
    f->default_int = defint;
    if (strcmp(deftext, "-") != 0) {
        snprintf(dm->deftext[i], sizeof dm->deftext[i], "%s", deftext);
        f->default_text = dm->deftext[i];
    }
    if (to >= 0 && to < DRV_MODELS && d->models[to].table[0] != '\0')
        f->to = &d->models[to].m;      /* else NULL: a target that was never built */
    if (strcmp(choices, "-") == 0)
        return;
    size_t n = 0;
    for (char *save = NULL, *t = strtok_r(choices, ",", &save); t != NULL && n < DRV_CHOICES;
         t = strtok_r(NULL, ",", &save), n++) {
        snprintf(dm->chvalue[i][n], sizeof dm->chvalue[i][n], "%s", t);
        dm->choices[i][n] = (struct keg_choice){ dm->chvalue[i][n], dm->chvalue[i][n] };
    }
    dm->choices[i][n] = (struct keg_choice){ NULL, NULL };
    f->choices = dm->choices[i];
}

/* model SLOT APP NAME FIELD...: builds the descriptor; answers its CREATE TABLE. */
static void op_model(struct drv *d, struct drv_args *a, struct wire_buf *out)
{
    long long slot = drv_num(a, 0);
    if (slot < 0 || slot >= DRV_MODELS || a->n > 3 + DRV_FIELDS) {
        wire_buf_str(out, "bad model frame\n");
        return;
    }
    struct drv_model *dm = &d->models[slot];
    memset(dm, 0, sizeof *dm);
    snprintf(dm->app, sizeof dm->app, "%s", drv_arg(a, 1));
    snprintf(dm->name, sizeof dm->name, "%s", drv_arg(a, 2));
    snprintf(dm->table, sizeof dm->table, "%.71s_%.71s", drv_arg(a, 1), drv_arg(a, 2));
    int counts[3] = { 0, 0, 0 };
    for (size_t i = 3; i < a->n; i++)
        drv_field(d, dm, i - 3, a->v[i], counts);
    dm->m = (keg_model){ .app = dm->app, .name = dm->name, .table = dm->table,
                         .size = sizeof(struct drv_obj), .fields = dm->fields,
                         .nfields = a->n - 3 };
    char *sql = keg_model_create_sql(&dm->m);
    drv_text(out, "create_sql", sql);
    free(sql);
}

/* create SLOT: keg_create_table, then what sqlite_schema holds for the table. */
static void op_create(struct drv *d, struct drv_args *a, struct wire_buf *out)
{
    const keg_model *m = &d->models[drv_num(a, 0) % DRV_MODELS].m;
    long before = sqlcount_get();
    drv_status(out, "keg_create_table", keg_create_table(d->db, m), d->db);
    drv_ran(out, before);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(keg_db_handle(d->db), "SELECT type, name, sql FROM sqlite_schema "
                           "WHERE tbl_name = ? ORDER BY type DESC, name", -1, &st, NULL)
        != SQLITE_OK)
        return;
    sqlite3_bind_text(st, 1, m->table, -1, SQLITE_TRANSIENT);
    while (sqlite3_step(st) == SQLITE_ROW) {
        drv_printf(out, "  %s %s\n", sqlite3_column_text(st, 0), sqlite3_column_text(st, 1));
        drv_text(out, "    sql", (const char *)sqlite3_column_text(st, 2));
    }
    sqlite3_finalize(st);
}

/* ---- objects --------------------------------------------------------------------------- */

/* The object in slot i (NULL when none). */
static void **drv_obj_slot(struct drv *d, const struct drv_args *a, size_t i)
{
    return &d->objs[drv_num(a, i) % DRV_OBJS];
}

/* new OBJ SLOT: keg_obj_new, then the members it set. */
static void op_new(struct drv *d, struct drv_args *a, struct wire_buf *out)
{
    void **slot = drv_obj_slot(d, a, 0);
    keg_obj_free(*slot);
    *slot = keg_obj_new(&d->models[drv_num(a, 1) % DRV_MODELS].m);
    wire_buf_str(out, *slot != NULL ? "keg_obj_new -> object\n" : "keg_obj_new -> NULL\n");
    if (*slot != NULL)
        drv_dump(out, *slot);
}

/* The field named by argument 1 of the object in argument 0, for writing members. */
static const keg_field *drv_member(struct drv *d, const struct drv_args *a, void **obj)
{
    *obj = *drv_obj_slot(d, a, 0);
    if (*obj == NULL)
        return NULL;
    const keg_model *m = ((keg_obj *)*obj)->model;
    for (size_t i = 0; m != NULL && i < m->nfields; i++)
        if (strcmp(m->fields[i].name, drv_arg(a, 1)) == 0)
            return &m->fields[i];
    return NULL;
}

/* set OBJ FIELD KIND [VALUE]: KIND "text" (keg_obj_set_text with the bytes), "nulltext"
 * (keg_obj_set_text NULL), "num" (the member written, then keg_obj_set_null 0), "null"
 * (keg_obj_set_null 1), "id" (the id member written). Answers the status and what
 * keg_obj_is_null says. */
static void op_set(struct drv *d, struct drv_args *a, struct wire_buf *out)
{
    void *obj;
    const keg_field *f = drv_member(d, a, &obj);
    const char *how = drv_arg(a, 2), *field = drv_arg(a, 1);
    int st = KEG_EINVALID;
    if (obj == NULL) {
        wire_buf_str(out, "set: no object\n");
        return;
    }
    if (strcmp(how, "text") == 0)
        st = keg_obj_set_text(obj, field, drv_arg(a, 3));
    else if (strcmp(how, "nulltext") == 0)
        st = keg_obj_set_text(obj, field, NULL);
    else if (strcmp(how, "null") == 0)
        st = keg_obj_set_null(obj, field, 1);
    else if (strcmp(how, "num") == 0 && f != NULL) {
        if (f->kind == KEG_BOOL)
            *(int *)((char *)obj + f->offset) = (int)drv_num(a, 3);
        else
            *(long long *)((char *)obj + f->offset) = drv_num(a, 3);
        st = keg_obj_set_null(obj, field, 0);
    } else if (strcmp(how, "id") == 0) {
        ((struct drv_obj *)obj)->id = drv_num(a, 3);
        st = 0;
    }
    drv_printf(out, "set %s %s -> %d, is_null -> %d\n", field, how, st,
               keg_obj_is_null(obj, field));
}

/* save OBJ: keg_save, the id, then the table's rows. */
static void op_save(struct drv *d, struct drv_args *a, struct wire_buf *out)
{
    struct drv_obj *o = *drv_obj_slot(d, a, 0);
    if (o == NULL) {
        wire_buf_str(out, "save: no object\n");
        return;
    }
    long before = sqlcount_get();
    drv_status(out, "keg_save", keg_save(d->db, o), d->db);
    drv_ran(out, before);
    drv_printf(out, "  id %lld\n", o->id);
    drv_rows(out, d->db, o->obj.model);
}

/* get OBJ SLOT ID: keg_get into the object, then its members. */
static void op_get(struct drv *d, struct drv_args *a, struct wire_buf *out)
{
    void *o = *drv_obj_slot(d, a, 0);
    if (o == NULL) {
        wire_buf_str(out, "get: no object\n");
        return;
    }
    long before = sqlcount_get();
    drv_status(out, "keg_get", keg_get(d->db, &d->models[drv_num(a, 1) % DRV_MODELS].m,
                                       drv_num(a, 2), o), d->db);
    drv_ran(out, before);
    drv_dump(out, o);
}

/* delete OBJ: keg_delete, the id after, then the rows. */
static void op_delete(struct drv *d, struct drv_args *a, struct wire_buf *out)
{
    struct drv_obj *o = *drv_obj_slot(d, a, 0);
    if (o == NULL) {
        wire_buf_str(out, "delete: no object\n");
        return;
    }
    long before = sqlcount_get();
    drv_status(out, "keg_delete", keg_delete(d->db, o), d->db);
    drv_ran(out, before);
    drv_printf(out, "  id %lld\n", o->id);
    drv_rows(out, d->db, o->obj.model);
}

/* clean OBJ [nodb]: keg_full_clean, its statements and the errors. */
static void op_clean(struct drv *d, struct drv_args *a, struct wire_buf *out)
{
    void *o = *drv_obj_slot(d, a, 0);
    if (o == NULL) {
        wire_buf_str(out, "clean: no object\n");
        return;
    }
    vial_pairs errors;
    vial_pairs_init(&errors);
    long before = sqlcount_get();
    keg_db *db = strcmp(drv_arg(a, 1), "nodb") == 0 ? NULL : d->db;
    drv_status(out, "keg_full_clean", keg_full_clean(db, o, &errors), db);
    drv_ran(out, before);
    for (size_t i = 0; i < errors.len; i++) {
        drv_printf(out, "  error %s:", errors.items[i].name);
        drv_text(out, "", errors.items[i].value);
    }
    vial_pairs_free(&errors);
}

/* dump OBJ: the members. */
static void op_dump(struct drv *d, struct drv_args *a, struct wire_buf *out)
{
    void *o = *drv_obj_slot(d, a, 0);
    if (o != NULL)
        drv_dump(out, o);
}

/* dt T...: keg_datetime_format of each number; dtp S...: keg_datetime_parse of each. */
static void op_dt(struct drv *d, struct drv_args *a, struct wire_buf *out)
{
    (void)d;
    for (size_t i = 0; i < a->n; i++) {
        char buf[20] = "";
        int st = keg_datetime_format(drv_num(a, i), buf);
        drv_printf(out, "format %s -> %d", a->v[i], st);
        drv_text(out, "", st == 0 ? buf : NULL);
    }
}

static void op_dtp(struct drv *d, struct drv_args *a, struct wire_buf *out)
{
    (void)d;
    for (size_t i = 0; i < a->n; i++) {
        long long t = 0;
        int st = keg_datetime_parse(a->v[i], &t);
        drv_text(out, "parse", a->v[i]);
        drv_printf(out, "  -> %d %lld\n", st, st == 0 ? t : 0);
    }
}

/* open: a fresh in-memory database; close: every object freed, the database closed. */
static void op_open(struct drv *d, struct drv_args *a, struct wire_buf *out)
{
    char *err = NULL;
    (void)a;
    keg_db_close(d->db);
    d->db = keg_db_open(":memory:", &err);
    drv_printf(out, "open -> %s\n", d->db != NULL ? "ok" : "NULL");
    free(err);
}

static void op_close(struct drv *d, struct drv_args *a, struct wire_buf *out)
{
    (void)a;
    (void)out;
    for (size_t i = 0; i < DRV_OBJS; i++) {
        keg_obj_free(d->objs[i]);
        d->objs[i] = NULL;
    }
    keg_db_close(d->db);
    d->db = NULL;
}

static const struct drv_op {
    const char *name;
    int needs_db;
    void (*fn)(struct drv *, struct drv_args *, struct wire_buf *);
} drv_ops[] = {
    { "open", 0, op_open },     { "close", 0, op_close },   { "model", 0, op_model },
    { "create", 1, op_create }, { "new", 0, op_new },       { "set", 0, op_set },
    { "save", 1, op_save },     { "get", 1, op_get },       { "delete", 1, op_delete },
    { "clean", 1, op_clean },   { "dump", 0, op_dump },     { "dt", 0, op_dt },
    { "dtp", 0, op_dtp },
};

/* Runs the frame `name` on d; its text goes to out. */
static void drv_frame(void *state, const char *name, char *data, size_t len,
                      struct wire_buf *out, const char **reply)
{
    struct drv *d = state;
    struct drv_args a;
    (void)reply;
    for (size_t i = 0; i < sizeof drv_ops / sizeof drv_ops[0]; i++) {
        if (strcmp(name, drv_ops[i].name) != 0)
            continue;
        if (drv_ops[i].needs_db && d->db == NULL) {
            drv_printf(out, "%s: no database open\n", name);
            return;
        }
        drv_parse(data, len, &a);
        drv_ops[i].fn(d, &a, out);
        drv_args_free(&a);
        return;
    }
    drv_printf(out, "unknown frame %.40s\n", name);
}

#endif
