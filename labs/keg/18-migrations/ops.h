/* ops.h -- lab 18's operations, shared by driver.c (built with your keg/ and vial/ into
 * the program the checker talks to) and checker.c (which runs them on the reference).
 * Migrations never touch objects, so the models here are descriptors alone, built at run
 * time from the checker's field specs ("model") and registered; their files go to a
 * private folder. Each frame is one operation whose payload is a list of arguments ("a"
 * items); the answer is a text of what happened: your statuses and messages, the files
 * you wrote byte for byte, the schema as sqlite_schema keeps it, every row of every
 * table, keg_migrations (its applied times only checked to be datetimes) and statement
 * counts from sqlcount.h (never your own counter). The checker runs the same operations
 * on the reference keg and compares the texts. */
#ifndef LAB18_OPS_H
#define LAB18_OPS_H

#include "sqlcount.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "keg.h"
#include "kegspec.h"
#include "wire.h"

#define DRV_ARGS 24
#define DRV_MODELS 6
#define DRV_FIELDS 20

static const struct keg_choice drv_choices[] = { { "a", "A" }, { "b", "B" }, { NULL, NULL } };

/* A model built at run time; the strings its descriptor points at live here. */
struct drv_model {
    keg_model m;
    keg_field fields[DRV_FIELDS];
    char names[DRV_FIELDS][72];
    char deftext[DRV_FIELDS][160];
    char app[32], name[72], table[150];
};

struct drv {
    keg_db *db;
    char dir[256];
    struct drv_model models[DRV_MODELS];
};

struct drv_args {
    char *v[DRV_ARGS];
    size_t n;
};

static void drv_parse(const char *data, size_t len, struct drv_args *a)
{
    const char *p = data, *end = data + len, *d;
    char kind[WIRE_MAX_NAME];
    size_t n;
    memset(a, 0, sizeof *a);
    while (a->n < DRV_ARGS && wire_next(&p, end, kind, sizeof kind, &d, &n) == 1) {
        if ((a->v[a->n] = malloc(n + 1)) == NULL)
            break;
        memcpy(a->v[a->n], d, n);
        a->v[a->n++][n] = '\0';
    }
}

static void drv_args_free(struct drv_args *a)
{
    for (size_t i = 0; i < a->n; i++)
        free(a->v[i]);
}

static const char *drv_arg(const struct drv_args *a, size_t i)
{
    return i < a->n ? a->v[i] : "";
}

/* ---- reporting ------------------------------------------------------------------------- */

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

/* "KEY NULL", or KEY then the text escaped, each of its lines on a line of its own. */
static void drv_text(struct wire_buf *out, const char *key, const char *s)
{
    drv_printf(out, "%s%s", key, s == NULL ? " NULL\n" : ":\n");
    if (s == NULL)
        return;
    wire_buf_str(out, "    ");
    wire_buf_escaped(out, s, strlen(s), 1);
    wire_buf_str(out, "\n");
}

/* A call's status, then its message (a status below 0 must come with one). */
static void drv_status(struct wire_buf *out, const char *what, int st, char *err)
{
    drv_printf(out, "%s -> %d\n", what, st);
    if (st < 0 || err != NULL)      /* a success leaves *err alone */
        drv_text(out, "  message", err != NULL ? err : "(none)");
    free(err);
}

/* The files of the folder, by name, each with its content. */
static void drv_files(struct drv *d, struct wire_buf *out)
{
    struct dirent **list = NULL;
    int n = scandir(d->dir, &list, NULL, alphasort);
    for (int i = 0; i < n; i++) {
        char path[600], buf[8192];
        if (list[i]->d_name[0] != '.') {
            snprintf(path, sizeof path, "%s/%s", d->dir, list[i]->d_name);
            FILE *f = fopen(path, "r");
            size_t len = f != NULL ? fread(buf, 1, sizeof buf - 1, f) : 0;
            buf[len] = '\0';
            if (f != NULL)
                fclose(f);
            drv_text(out, list[i]->d_name, buf);
        }
        free(list[i]);
    }
    free(list);
}

/* Runs a SELECT of the driver's own on the database and prints each row. */
static void drv_select(struct drv *d, struct wire_buf *out, const char *sql, const char *text)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(keg_db_handle(d->db), sql, -1, &st, NULL) != SQLITE_OK) {
        drv_printf(out, "  (%s)\n", sqlite3_errmsg(keg_db_handle(d->db)));
        return;
    }
    if (text != NULL)
        sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
    while (sqlite3_step(st) == SQLITE_ROW) {
        wire_buf_str(out, "  row:");
        for (int c = 0; c < sqlite3_column_count(st); c++) {
            const char *v = (const char *)sqlite3_column_text(st, c);
            wire_buf_str(out, " [");
            if (v == NULL)
                wire_buf_str(out, "NULL");
            else
                wire_buf_escaped(out, v, (size_t)sqlite3_column_bytes(st, c), 0);
            wire_buf_str(out, "]");
        }
        wire_buf_str(out, "\n");
    }
    sqlite3_finalize(st);
}

/* The schema, every table's rows, and keg_migrations with its times checked. */
static void drv_database(struct drv *d, struct wire_buf *out)
{
    char sql[300];
    wire_buf_str(out, "schema:\n");
    drv_select(d, out, "SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE name "
               "NOT LIKE 'sqlite_%' ORDER BY name", NULL);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(keg_db_handle(d->db), "SELECT name FROM sqlite_schema WHERE type = "
                           "'table' AND name NOT LIKE 'sqlite_%' AND name <> 'keg_migrations' "
                           "ORDER BY name", -1, &st, NULL) != SQLITE_OK)
        return;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        drv_printf(out, "table %s:\n", t);
        snprintf(sql, sizeof sql, "SELECT * FROM \"%s\" ORDER BY 1", t);
        drv_select(d, out, sql, NULL);
    }
    sqlite3_finalize(st);
    wire_buf_str(out, "keg_migrations:\n");
    drv_select(d, out, "SELECT id, app, name, applied GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-"
               "[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9]*' FROM keg_migrations ORDER BY id",
               NULL);
}

/* ---- operations --------------------------------------------------------------------------- */

/* Field i of dm from "name\tkind\tflags\tmax_length\tdefault_int\tdefault_text\tto":
 * flags letters of "nbudcps" (c: choices, p: PROTECT, s: a related_name), default_text
 * "-" for none or "=" then the text, to the slot of the target (-1: none). */
static void drv_field(struct drv *d, struct drv_model *dm, size_t i, char *spec)
{
    char *part[7] = { 0 };
    keg_field *f = &dm->fields[i];
    memset(f, 0, sizeof *f);
    for (int k = 0; k < 7 && spec != NULL; k++) {
        part[k] = spec;
        if ((spec = strchr(spec, '\t')) != NULL)
            *spec++ = '\0';
    }
    if (part[6] == NULL)
        return;
    f->name = strncpy(dm->names[i], part[0], sizeof dm->names[i] - 1);
    f->kind = kegspec_kind(part[1]);
    f->flags = kegspec_flags_of(part[2]);
    f->choices = strchr(part[2], 'c') != NULL ? drv_choices : NULL;
    f->on_delete = strchr(part[2], 'p') != NULL ? KEG_PROTECT : KEG_CASCADE;
    f->related_name = strchr(part[2], 's') != NULL ? "others" : NULL;
    f->max_length = (int)strtol(part[3], NULL, 10);
    f->default_int = strtoll(part[4], NULL, 10);
    if (part[5][0] == '=')
        f->default_text = strncpy(dm->deftext[i], part[5] + 1, sizeof dm->deftext[i] - 1);
    long to = strtol(part[6], NULL, 10);
    if (to >= 0 && to < DRV_MODELS)
        f->to = &d->models[to].m;
}

/* model SLOT APP NAME FIELD...: (re)builds the descriptor in its slot and registers it. */
static void op_model(struct drv *d, struct drv_args *a, struct wire_buf *out)
{
    long slot = strtol(drv_arg(a, 0), NULL, 10);
    if (slot < 0 || slot >= DRV_MODELS || a->n > 3 + DRV_FIELDS) {
        wire_buf_str(out, "bad model frame\n");
        return;
    }
    struct drv_model *dm = &d->models[slot];
    memset(dm->fields, 0, sizeof dm->fields);
    memset(dm->deftext, 0, sizeof dm->deftext);
    memset(dm->names, 0, sizeof dm->names);
    snprintf(dm->app, sizeof dm->app, "%s", drv_arg(a, 1));
    snprintf(dm->name, sizeof dm->name, "%s", drv_arg(a, 2));
    snprintf(dm->table, sizeof dm->table, "%.31s_%.71s", drv_arg(a, 1), drv_arg(a, 2));
    for (size_t i = 3; i < a->n; i++)
        drv_field(d, dm, i - 3, a->v[i]);
    dm->m = (keg_model){ .app = dm->app, .name = dm->name, .table = dm->table,
                         .size = sizeof(keg_obj), .fields = dm->fields, .nfields = a->n - 3 };
    drv_printf(out, "keg_register %s -> %d\n", dm->table, keg_register(&dm->m));
}

/* make APP: keg_makemigrations, then every file of the folder. */
static void op_make(struct drv *d, struct drv_args *a, struct wire_buf *out)
{
    char *written = NULL, *err = NULL;
    long before = sqlcount_get();
    int st = keg_makemigrations(d->dir, drv_arg(a, 0), &written, &err);
    drv_status(out, "keg_makemigrations", st, err);
    drv_printf(out, "  written %s\n", written != NULL ? written : "(nothing)");
    drv_printf(out, "  statements run: %ld\n", sqlcount_get() - before);
    free(written);
    drv_files(d, out);
}

/* migrate APP: keg_migrate, its statement count, then the database. */
static void op_migrate(struct drv *d, struct drv_args *a, struct wire_buf *out)
{
    char *err = NULL;
    long before = sqlcount_get();
    int st = keg_migrate(d->db, d->dir, drv_arg(a, 0), &err);
    long ran = sqlcount_get() - before;
    drv_status(out, "keg_migrate", st, err);
    drv_printf(out, "  statements run: %ld\n  transaction open: %d\n", ran,
               !sqlite3_get_autocommit(keg_db_handle(d->db)));
    drv_database(d, out);
}

/* sql APP NAME: keg_sqlmigrate. */
static void op_sql(struct drv *d, struct drv_args *a, struct wire_buf *out)
{
    char *err = NULL;
    long before = sqlcount_get();
    char *text = keg_sqlmigrate(d->dir, drv_arg(a, 0), drv_arg(a, 1), &err);
    drv_printf(out, "keg_sqlmigrate %s -> %s\n", drv_arg(a, 1), text ? "text" : "NULL");
    drv_text(out, "  text", text);
    if (text == NULL)
        drv_text(out, "  message", err != NULL ? err : "(none)");
    drv_printf(out, "  statements run: %ld\n", sqlcount_get() - before);
    free(text);
    free(err);
}

/* sqlall APP: op_sql of every file of the folder, in name order. */
static void op_sqlall(struct drv *d, struct drv_args *a, struct wire_buf *out)
{
    struct dirent **list = NULL;
    int n = scandir(d->dir, &list, NULL, alphasort);
    for (int i = 0; i < n; i++) {
        size_t len = strlen(list[i]->d_name);
        if (len > 4 && strcmp(list[i]->d_name + len - 4, ".mig") == 0) {
            struct drv_args one = { .v = { (char *)drv_arg(a, 0), list[i]->d_name }, .n = 2 };
            list[i]->d_name[len - 4] = '\0';
            op_sql(d, &one, out);
        }
        free(list[i]);
    }
    free(list);
}

/* write NAME TEXT: a migration file of the checker's own (cycles, conflicts). */
static void op_write(struct drv *d, struct drv_args *a, struct wire_buf *out)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", d->dir, drv_arg(a, 0));
    FILE *f = fopen(path, "w");
    if (f != NULL) {
        fputs(drv_arg(a, 1), f);
        fclose(f);
    }
    drv_printf(out, "write %s -> %s\n", drv_arg(a, 0), f != NULL ? "ok" : "failed");
}

/* exec SQL: the driver's own statement (rows for the tables), not counted for you. */
static void op_exec(struct drv *d, struct drv_args *a, struct wire_buf *out)
{
    char *msg = NULL;
    int rc = sqlite3_exec(keg_db_handle(d->db), drv_arg(a, 0), NULL, NULL, &msg);
    drv_printf(out, "exec -> %d %s\n", rc, msg != NULL ? msg : "");
    sqlite3_free(msg);
}

/* Removes the folder's files (and the folder with rm 1). */
static void drv_clean(struct drv *d, int rm)
{
    struct dirent **list = NULL;
    int n = d->dir[0] ? scandir(d->dir, &list, NULL, alphasort) : 0;
    for (int i = 0; i < n; i++) {
        char path[600];
        snprintf(path, sizeof path, "%s/%s", d->dir, list[i]->d_name);
        if (list[i]->d_name[0] != '.')
            unlink(path);
        free(list[i]);
    }
    free(list);
    if (rm && d->dir[0])
        rmdir(d->dir);
}

/* reset: no files, no models, a fresh in-memory database. */
static void op_reset(struct drv *d, struct drv_args *a, struct wire_buf *out)
{
    char *err = NULL;
    (void)a;
    if (d->dir[0] == '\0') {
        const char *tmp = getenv("TMPDIR");
        snprintf(d->dir, sizeof d->dir, "%s/lab18-XXXXXX", tmp && *tmp ? tmp : "/tmp");
        if (mkdtemp(d->dir) == NULL)
            d->dir[0] = '\0';
    }
    drv_clean(d, 0);
    keg_registry_clear();
    memset(d->models, 0, sizeof d->models);
    keg_db_close(d->db);
    d->db = keg_db_open(":memory:", &err);
    drv_printf(out, "reset -> %s\n", d->db != NULL && d->dir[0] ? "ok" : "failed");
    free(err);
}

static const struct drv_op {
    const char *name;
    int needs_db;
    void (*fn)(struct drv *, struct drv_args *, struct wire_buf *);
} drv_ops[] = {
    { "reset", 0, op_reset }, { "model", 0, op_model }, { "make", 1, op_make },
    { "migrate", 1, op_migrate }, { "sql", 1, op_sql }, { "write", 1, op_write },
    { "exec", 1, op_exec }, { "sqlall", 1, op_sqlall },
};

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

/* Closes the database and removes the folder. */
static void drv_end(struct drv *d)
{
    keg_db_close(d->db);
    d->db = NULL;
    drv_clean(d, 1);
    keg_registry_clear();
}

#endif
