/* ops.h -- lab 16's operations, shared by driver.c (built with your keg/ and vial/ into
 * the program the checker talks to) and checker.c (which runs them on the reference).
 * Each "run" frame is a small program, one operation a line of plain words, run on a
 * fresh in-memory database with the blog models below registered. The answer is a text of
 * what each operation did and how many statements SQLite ran for it, counted by
 * sqlcount.h (never by your counter); the checker runs the same program on the reference
 * keg and compares the two texts. Objects are always shown sorted by id.
 *
 *   tables                 the tables, by raw SQL (Django's DDL)
 *   create                 keg_create_table of every model, then the join table's schema
 *   author NAME, tag NAME, post TITLE AUTHOR EDITOR (0: NULL), pt POST TAG (a join row),
 *   comment POST TEXT, reply COMMENT, licence AUTHOR, pin COMMENT      rows, by raw SQL
 *   fk MODEL ID FIELD [KEY]  keg_get, keg_fk_get twice; with KEY, the key set to it (0:
 *                          NULL) and keg_fk_get again
 *   rel MODEL ID NAME      keg_related_fetch twice, then keg_qs_count of keg_related
 *   m2m POST               keg_qs_fetch of keg_m2m(post, "tags")
 *   add POST TAG, rm POST TAG      keg_m2m_add / keg_m2m_remove, then the join rows
 *   sel MODEL FIELDS [MORE]  fetch with keg_qs_select_related (called again with MORE;
 *                          "none" is ""), then keg_fk_get of each of FIELDS and MORE
 *   pre MODEL NAMES [MORE] fetch with keg_qs_prefetch_related (again with MORE as sel
 *                          does), then keg_related_fetch of each
 *   naive MODEL NAMES      fetch, then keg_related_fetch of each object (the N+1 loop)
 *   del MODEL ID           keg_get then keg_delete, then every table
 *   qdel MODEL LOOKUP N    keg_qs_delete of keg_qs_filter(all, LOOKUP, keg_int(N))
 *   gone MODEL ID          keg_get, the row deleted by raw SQL, then keg_delete
 *   (the statements of a delete are counted only for a model nothing points at)
 *   dump                   every table */
#ifndef LAB16_OPS_H
#define LAB16_OPS_H

#include "sqlcount.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keg.h"
#include "wire.h"

struct author { keg_obj obj; long long id; char *name; };
struct tag { keg_obj obj; long long id; char *name; };
struct post { keg_obj obj; long long id; char *title; long long author_id; long long editor_id; };
struct comment { keg_obj obj; long long id; long long post_id; char *text; };
struct reply { keg_obj obj; long long id; long long comment_id; };
struct licence { keg_obj obj; long long id; long long holder_id; };
struct pin { keg_obj obj; long long id; long long comment_id; };

extern const keg_model lab16_author, lab16_tag, lab16_post, lab16_comment, lab16_reply,
    lab16_licence, lab16_pin;

static const keg_field lab16_author_fields[] = {
    KEG_FIELD(struct author, id, KEG_AUTO),
    KEG_FIELD(struct author, name, KEG_CHAR, .max_length = 20),
};
const keg_model lab16_author = KEG_MODEL(lab16, author, struct author, lab16_author_fields);

static const keg_field lab16_tag_fields[] = {
    KEG_FIELD(struct tag, id, KEG_AUTO),
    KEG_FIELD(struct tag, name, KEG_CHAR, .max_length = 20),
};
const keg_model lab16_tag = KEG_MODEL(lab16, tag, struct tag, lab16_tag_fields,
                                      .ordering = "name");

static const keg_field lab16_post_fields[] = {
    KEG_FIELD(struct post, id, KEG_AUTO),
    KEG_FIELD(struct post, title, KEG_CHAR, .max_length = 30),
    KEG_FK_FIELD(struct post, author, lab16_author, KEG_CASCADE),
    KEG_FK_FIELD(struct post, editor, lab16_author, KEG_SET_NULL, .flags = KEG_NULLABLE,
                 .related_name = "edited"),
    KEG_M2M_FIELD(tags, lab16_tag),
};
const keg_model lab16_post = KEG_MODEL(lab16, post, struct post, lab16_post_fields);

static const keg_field lab16_comment_fields[] = {
    KEG_FIELD(struct comment, id, KEG_AUTO),
    KEG_FK_FIELD(struct comment, post, lab16_post, KEG_CASCADE, .related_name = "comments"),
    KEG_FIELD(struct comment, text, KEG_TEXTFIELD),
};
const keg_model lab16_comment = KEG_MODEL(lab16, comment, struct comment, lab16_comment_fields);

static const keg_field lab16_reply_fields[] = {
    KEG_FIELD(struct reply, id, KEG_AUTO),
    KEG_FK_FIELD(struct reply, comment, lab16_comment, KEG_CASCADE),
};
const keg_model lab16_reply = KEG_MODEL(lab16, reply, struct reply, lab16_reply_fields);

static const keg_field lab16_licence_fields[] = {
    KEG_FIELD(struct licence, id, KEG_AUTO),
    KEG_FK_FIELD(struct licence, holder, lab16_author, KEG_PROTECT),
};
const keg_model lab16_licence = KEG_MODEL(lab16, licence, struct licence, lab16_licence_fields);

static const keg_field lab16_pin_fields[] = {
    KEG_FIELD(struct pin, id, KEG_AUTO),
    KEG_FK_FIELD(struct pin, comment, lab16_comment, KEG_PROTECT),
};
const keg_model lab16_pin = KEG_MODEL(lab16, pin, struct pin, lab16_pin_fields);

/* Every model, in registration order, with its table's DDL as Django writes it. */
static const struct {
    const keg_model *m;
    const char *ddl;
} lab16_models[] = {
    { &lab16_author, "CREATE TABLE \"lab16_author\" (\"id\" integer NOT NULL PRIMARY KEY "
      "AUTOINCREMENT, \"name\" varchar(20) NOT NULL)" },
    { &lab16_tag, "CREATE TABLE \"lab16_tag\" (\"id\" integer NOT NULL PRIMARY KEY "
      "AUTOINCREMENT, \"name\" varchar(20) NOT NULL)" },
    { &lab16_post, "CREATE TABLE \"lab16_post\" (\"id\" integer NOT NULL PRIMARY KEY "
      "AUTOINCREMENT, \"title\" varchar(30) NOT NULL, \"author_id\" bigint NOT NULL "
      "REFERENCES \"lab16_author\" (\"id\") DEFERRABLE INITIALLY DEFERRED, \"editor_id\" "
      "bigint NULL REFERENCES \"lab16_author\" (\"id\") DEFERRABLE INITIALLY DEFERRED)" },
    { &lab16_comment, "CREATE TABLE \"lab16_comment\" (\"id\" integer NOT NULL PRIMARY KEY "
      "AUTOINCREMENT, \"post_id\" bigint NOT NULL REFERENCES \"lab16_post\" (\"id\") "
      "DEFERRABLE INITIALLY DEFERRED, \"text\" text NOT NULL)" },
    { &lab16_reply, "CREATE TABLE \"lab16_reply\" (\"id\" integer NOT NULL PRIMARY KEY "
      "AUTOINCREMENT, \"comment_id\" bigint NOT NULL REFERENCES \"lab16_comment\" (\"id\") "
      "DEFERRABLE INITIALLY DEFERRED)" },
    { &lab16_licence, "CREATE TABLE \"lab16_licence\" (\"id\" integer NOT NULL PRIMARY KEY "
      "AUTOINCREMENT, \"holder_id\" bigint NOT NULL REFERENCES \"lab16_author\" (\"id\") "
      "DEFERRABLE INITIALLY DEFERRED)" },
    { &lab16_pin, "CREATE TABLE \"lab16_pin\" (\"id\" integer NOT NULL PRIMARY KEY "
      "AUTOINCREMENT, \"comment_id\" bigint NOT NULL REFERENCES \"lab16_comment\" (\"id\") "
      "DEFERRABLE INITIALLY DEFERRED)" },
};
#define LAB16_NMODELS (sizeof lab16_models / sizeof lab16_models[0])

static const char lab16_join_ddl[] =
    "CREATE TABLE \"lab16_post_tags\" (\"id\" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "
    "\"post_id\" bigint NOT NULL REFERENCES \"lab16_post\" (\"id\") DEFERRABLE INITIALLY "
    "DEFERRED, \"tag_id\" bigint NOT NULL REFERENCES \"lab16_tag\" (\"id\") DEFERRABLE "
    "INITIALLY DEFERRED)";
static const char lab16_join_unique[] =
    "CREATE UNIQUE INDEX \"lab16_post_tags_post_id_tag_id_uniq\" ON \"lab16_post_tags\" "
    "(\"post_id\", \"tag_id\")";

/* A program being run. */
struct lab16_run {
    keg_db *db;
    struct wire_buf *out;
};

__attribute__((format(printf, 2, 3))) static void lab16_printf(struct lab16_run *run,
                                                               const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    wire_buf_str(run->out, line);
}

static const char *const lab16_status_names[] = {
    "KEG_OK", "KEG_ERROR", "KEG_ENOMEM", "KEG_EINTEGRITY", "KEG_ENOTFOUND", "KEG_EMULTIPLE",
    "KEG_EINVALID", "KEG_EBUSY", "KEG_EPROTECTED", "KEG_EVALIDATION",
};

/* "N" for a count, "-4 (KEG_ENOTFOUND)" for a status. */
static void lab16_status(struct lab16_run *run, long long rc)
{
    if (rc < 0 && rc >= -9)
        lab16_printf(run, "%lld (%s)", rc, lab16_status_names[-rc]);
    else
        lab16_printf(run, "%lld", rc);
}

/* "; N statements\n" since `before`. */
static void lab16_count(struct lab16_run *run, long before)
{
    long n = sqlcount_get() - before;
    lab16_printf(run, "; %ld statement%s\n", n, n == 1 ? "" : "s");
}

/* The model named s, or NULL. */
static const keg_model *lab16_model(const char *s)
{
    for (size_t i = 0; s != NULL && i < LAB16_NMODELS; i++)
        if (strcmp(lab16_models[i].m->name, s) == 0)
            return lab16_models[i].m;
    return NULL;
}

/* One object, every field with a column, as {id: 1, name: "x", ...}. */
static void lab16_show_obj(struct lab16_run *run, const void *obj)
{
    const keg_obj *o = obj;
    if (o == NULL) {
        wire_buf_str(run->out, "NULL");
        return;
    }
    wire_buf_str(run->out, "{");
    for (size_t i = 0, k = 0; i < o->model->nfields; i++) {
        const keg_field *f = &o->model->fields[i];
        const char *at = (const char *)obj + f->offset;
        if (f->kind == KEG_M2M)
            continue;
        lab16_printf(run, "%s%s: ", k++ ? ", " : "", f->name);
        if (f->kind == KEG_CHAR || f->kind == KEG_TEXTFIELD) {
            const char *s = *(char *const *)at;
            lab16_printf(run, s != NULL ? "\"%s\"" : "NULL", s != NULL ? s : "");
        } else if (o->nulls & (1ULL << i))
            wire_buf_str(run->out, "NULL");
        else
            lab16_printf(run, "%lld", *(const long long *)at);
    }
    wire_buf_str(run->out, "}");
}

static long long lab16_id(const void *obj)
{
    const keg_obj *o = obj;
    return *(const long long *)((const char *)obj + o->model->fields[0].offset);
}

static int lab16_by_id(const void *a, const void *b)
{
    long long x = lab16_id(*(void *const *)a), y = lab16_id(*(void *const *)b);
    return (x > y) - (x < y);
}

/* The objects of a list sorted by id (a copy of the array: the list is not changed). */
static void lab16_show_list(struct lab16_run *run, const keg_list *l)
{
    if (l == NULL) {
        wire_buf_str(run->out, "(no list)");
        return;
    }
    void **items = malloc((l->len ? l->len : 1) * sizeof *items);
    if (items == NULL)
        return;
    if (l->len > 0)
        memcpy(items, l->items, l->len * sizeof *items);
    qsort(items, l->len, sizeof *items, lab16_by_id);
    wire_buf_str(run->out, "[");
    for (size_t i = 0; i < l->len; i++) {
        wire_buf_str(run->out, i ? ", " : "");
        lab16_show_obj(run, items[i]);
    }
    wire_buf_str(run->out, "]");
    free(items);
}

/* ---- data and tables --------------------------------------------------------------- */

/* Runs SQL the driver wrote (setup); a failure is written out. */
static void lab16_sql(struct lab16_run *run, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(keg_db_handle(run->db), sql, NULL, NULL, &msg) != SQLITE_OK)
        lab16_printf(run, "setup failed: %s\n", msg != NULL ? msg : "?");
    sqlite3_free(msg);
}

/* Prints every row of a table, its columns as numbers or words. */
static void lab16_dump_table(struct lab16_run *run, const char *table)
{
    char q[128];
    sqlite3_stmt *st = NULL;
    snprintf(q, sizeof q, "SELECT * FROM \"%s\" ORDER BY id", table);
    if (sqlite3_prepare_v2(keg_db_handle(run->db), q, -1, &st, NULL) != SQLITE_OK) {
        lab16_printf(run, "  %s: no table\n", table);
        return;
    }
    lab16_printf(run, "  %s:", table);
    while (sqlite3_step(st) == SQLITE_ROW) {
        wire_buf_str(run->out, " (");
        for (int c = 0; c < sqlite3_column_count(st); c++) {
            const unsigned char *t = sqlite3_column_text(st, c);
            lab16_printf(run, "%s%s", c ? " " : "", t != NULL ? (const char *)t : "NULL");
        }
        wire_buf_str(run->out, ")");
    }
    wire_buf_str(run->out, "\n");
    sqlite3_finalize(st);
}

static void lab16_dump(struct lab16_run *run)
{
    for (size_t i = 0; i < LAB16_NMODELS; i++) {
        lab16_dump_table(run, lab16_models[i].m->table);
        if (lab16_models[i].m == &lab16_post)
            lab16_dump_table(run, "lab16_post_tags");
    }
}

/* "create": keg_create_table of each model, then the schema of the join table. */
static void lab16_create(struct lab16_run *run)
{
    for (size_t i = 0; i < LAB16_NMODELS; i++) {
        long before = sqlcount_get();
        lab16_printf(run, "keg_create_table %s -> ", lab16_models[i].m->name);
        lab16_status(run, keg_create_table(run->db, lab16_models[i].m));
        lab16_count(run, before);
    }
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(keg_db_handle(run->db), "SELECT type, name, sql FROM sqlite_schema "
                           "WHERE tbl_name = 'lab16_post_tags' ORDER BY type DESC, name", -1,
                           &st, NULL) != SQLITE_OK)
        return;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const unsigned char *sql = sqlite3_column_text(st, 2);
        lab16_printf(run, "  %s %s: %s\n", sqlite3_column_text(st, 0),
                     sqlite3_column_text(st, 1), sql != NULL ? (const char *)sql : "NULL");
    }
    sqlite3_finalize(st);
}

/* A data line: a row by raw SQL. 1 when t[0] was one. */
static int lab16_data(struct lab16_run *run, char **t)
{
    static const struct {
        const char *op;
        int args;
        const char *fmt;
    } rows[] = {
        { "author", 1, "INSERT INTO lab16_author (name) VALUES ('%s')" },
        { "tag", 1, "INSERT INTO lab16_tag (name) VALUES ('%s')" },
        { "post", 3, "INSERT INTO lab16_post (title, author_id, editor_id) VALUES ('%s', %s, "
          "NULLIF(%s, 0))" },
        { "pt", 2, "INSERT INTO lab16_post_tags (post_id, tag_id) VALUES (%s, %s)" },
        { "comment", 2, "INSERT INTO lab16_comment (post_id, text) VALUES (%s, '%s')" },
        { "reply", 1, "INSERT INTO lab16_reply (comment_id) VALUES (%s)" },
        { "licence", 1, "INSERT INTO lab16_licence (holder_id) VALUES (%s)" },
        { "pin", 1, "INSERT INTO lab16_pin (comment_id) VALUES (%s)" },
    };
    char sql[512];
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        if (strcmp(t[0], rows[i].op) != 0)
            continue;
        for (int a = 1; a <= rows[i].args; a++)
            if (t[a] == NULL || strspn(t[a], "abcdefghijklmnopqrstuvwxyz0123456789")
                                != strlen(t[a]))
                return 1;       /* words and numbers only */
        snprintf(sql, sizeof sql, rows[i].fmt, t[1], t[2], t[3]);
        lab16_sql(run, sql);
        return 1;
    }
    return 0;
}

/* ---- operations -------------------------------------------------------------------- */

/* An object of m with that id, loaded with keg_get (NULL and a line when it fails). */
static void *lab16_load(struct lab16_run *run, const keg_model *m, const char *id)
{
    void *obj = m != NULL ? keg_obj_new(m) : NULL;
    if (obj == NULL || id == NULL || keg_get(run->db, m, strtoll(id, NULL, 10), obj) < 0) {
        lab16_printf(run, "  (no such object)\n");
        keg_obj_free(obj);
        return NULL;
    }
    return obj;
}

/* fk MODEL ID FIELD [KEY] */
static void lab16_fk(struct lab16_run *run, char **t)
{
    void *obj = lab16_load(run, lab16_model(t[1]), t[2]);
    if (obj == NULL || t[3] == NULL) {
        keg_obj_free(obj);
        return;
    }
    for (int pass = 0; pass < 3; pass++) {
        if (pass == 2) {
            if (t[4] == NULL)
                break;
            long long key = strtoll(t[4], NULL, 10);
            const keg_field *f = keg_model_field(((keg_obj *)obj)->model, t[3]);
            if (f != NULL && f->kind == KEG_FK) {
                *(long long *)((char *)obj + f->offset) = key;
                keg_obj_set_null(obj, t[3], key == 0);
            }
            lab16_printf(run, "  key set to %lld\n", key);
        }
        const void *target = (const void *)1;
        long before = sqlcount_get();
        int rc = keg_fk_get(run->db, obj, t[3], &target);
        lab16_printf(run, "  keg_fk_get %s -> ", t[3]);
        lab16_status(run, rc);
        wire_buf_str(run->out, ", ");
        if (rc == 0)
            lab16_show_obj(run, target);
        lab16_count(run, before);
    }
    keg_obj_free(obj);
}

/* rel MODEL ID NAME */
static void lab16_rel(struct lab16_run *run, char **t)
{
    void *obj = lab16_load(run, lab16_model(t[1]), t[2]);
    if (obj == NULL || t[3] == NULL) {
        keg_obj_free(obj);
        return;
    }
    for (int pass = 0; pass < 2; pass++) {
        const keg_list *l = NULL;
        long before = sqlcount_get();
        int rc = keg_related_fetch(run->db, obj, t[3], &l);
        lab16_printf(run, "  keg_related_fetch %s -> ", t[3]);
        lab16_status(run, rc);
        wire_buf_str(run->out, ", ");
        if (rc == 0)
            lab16_show_list(run, l);
        lab16_count(run, before);
    }
    long before = sqlcount_get();
    keg_qs *qs = keg_related(obj, t[3]);
    long long n = -1;
    int rc = keg_qs_count(run->db, qs, &n);
    lab16_printf(run, "  keg_qs_count(keg_related) -> ");
    lab16_status(run, rc);
    lab16_printf(run, ", n = %lld", rc == 0 ? n : -1);
    lab16_count(run, before);
    keg_qs_free(qs);
    keg_obj_free(obj);
}

/* m2m POST; add POST TAG; rm POST TAG */
static void lab16_m2m(struct lab16_run *run, char **t)
{
    void *post = lab16_load(run, &lab16_post, t[1]);
    if (post == NULL)
        return;
    long before = sqlcount_get();
    if (strcmp(t[0], "m2m") == 0) {
        keg_qs *qs = keg_m2m(post, "tags");
        keg_list l = { 0 };
        int rc = keg_qs_fetch(run->db, qs, &l);
        lab16_printf(run, "  keg_m2m tags -> ");
        lab16_status(run, rc);
        wire_buf_str(run->out, ", ");
        if (rc == 0)
            lab16_show_list(run, &l);
        lab16_count(run, before);
        keg_list_free(&l);
        keg_qs_free(qs);
    } else if (t[2] != NULL) {
        long long tag = strtoll(t[2], NULL, 10);
        int rc = t[0][0] == 'a' ? keg_m2m_add(run->db, post, "tags", tag)
                 : keg_m2m_remove(run->db, post, "tags", tag);
        lab16_printf(run, "  %s %lld -> ", t[0][0] == 'a' ? "keg_m2m_add" : "keg_m2m_remove",
                     tag);
        lab16_status(run, rc);
        lab16_count(run, before);
        lab16_dump_table(run, "lab16_post_tags");
    }
    keg_obj_free(post);
}

/* Fetches every object of MODEL through qs; prints the status and statements. */
static int lab16_fetch(struct lab16_run *run, keg_qs *qs, keg_list *l, const char *what)
{
    long before = sqlcount_get();
    int rc = keg_qs_fetch(run->db, qs, l);
    lab16_printf(run, "  fetch%s -> ", what);
    lab16_status(run, rc);
    lab16_printf(run, ", %zu objects", rc == 0 ? l->len : 0);
    lab16_count(run, before);
    if (rc == 0 && l->len > 1)
        qsort(l->items, l->len, sizeof l->items[0], lab16_by_id);
    return rc;
}

/* "none" is "" (a word cannot be empty); NULL stays NULL. */
static const char *lab16_word(const char *s)
{
    return s != NULL && strcmp(s, "none") == 0 ? "" : s;
}

/* Splits "a,b" into names (at most 8, each < 64 bytes). */
static size_t lab16_names(const char *s, char names[8][64])
{
    size_t n = 0;
    while (s != NULL && *s != '\0' && n < 8) {
        size_t len = strcspn(s, ",");
        snprintf(names[n++], 64, "%.*s", (int)(len < 63 ? len : 63), s);
        s += len + (s[len] == ',');
    }
    return n;
}

/* sel MODEL FIELDS; pre MODEL NAMES; naive MODEL NAMES */
static void lab16_eager(struct lab16_run *run, char **t)
{
    const keg_model *m = lab16_model(t[1]);
    if (m == NULL || t[2] == NULL)
        return;
    char names[8][64], both[160];
    const char *first = lab16_word(t[2]), *more = t[0][0] != 'n' ? lab16_word(t[3]) : NULL;
    snprintf(both, sizeof both, "%s%s%s", first, more != NULL && *more && *first ? "," : "",
             more != NULL ? more : "");
    size_t n = lab16_names(both, names);
    keg_qs *all = keg_qs_all(m);
    keg_qs *qs1 = strcmp(t[0], "sel") == 0 ? keg_qs_select_related(all, first)
                  : strcmp(t[0], "pre") == 0 ? keg_qs_prefetch_related(all, first)
                  : keg_qs_slice(all, 0, -1);
    keg_qs *qs = qs1, *qs2 = NULL;
    if (more != NULL)
        qs = qs2 = t[0][0] == 's' ? keg_qs_select_related(qs1, more)
                   : keg_qs_prefetch_related(qs1, more);
    keg_list l = { 0 };
    int rc = lab16_fetch(run, qs, &l, strcmp(t[0], "sel") == 0 ? " (select_related)"
                         : strcmp(t[0], "pre") == 0 ? " (prefetch_related)" : "");
    long before = sqlcount_get();
    for (size_t i = 0; rc == 0 && i < l.len; i++) {
        wire_buf_str(run->out, "  ");
        lab16_show_obj(run, l.items[i]);
        wire_buf_str(run->out, "\n");
        for (size_t k = 0; k < n; k++) {
            int r;
            lab16_printf(run, "    %s: ", names[k]);
            if (t[0][0] == 's') {
                const void *target = NULL;
                r = keg_fk_get(run->db, l.items[i], names[k], &target);
                if (r == 0)
                    lab16_show_obj(run, target);
            } else {
                const keg_list *set = NULL;
                r = keg_related_fetch(run->db, l.items[i], names[k], &set);
                if (r == 0)
                    lab16_show_list(run, set);
            }
            if (r != 0)
                lab16_status(run, r);
            wire_buf_str(run->out, "\n");
        }
    }
    wire_buf_str(run->out, t[0][0] == 's' ? "  then keg_fk_get of each"
                 : "  then keg_related_fetch of each");
    lab16_count(run, before);
    keg_list_free(&l);
    keg_qs_free(qs2);
    keg_qs_free(qs1);
    keg_qs_free(all);
}

/* 1 when nothing points at m and it has no many-to-many field: its delete is the one
 * DELETE of labs 14 and 15, whose statements are counted. */
static int lab16_leaf(const keg_model *m)
{
    return m == &lab16_reply || m == &lab16_licence || m == &lab16_pin;
}

/* del MODEL ID; qdel MODEL LOOKUP N */
static void lab16_delete(struct lab16_run *run, char **t)
{
    const keg_model *m = lab16_model(t[1]);
    int rc;
    long before;
    if (m == NULL || t[2] == NULL)
        return;
    if (strcmp(t[0], "del") == 0) {
        void *obj = lab16_load(run, m, t[2]);
        if (obj == NULL)
            return;
        before = sqlcount_get();
        rc = keg_delete(run->db, obj);
        lab16_printf(run, "  keg_delete -> ");
        lab16_status(run, rc);
        lab16_printf(run, ", id after: %lld", lab16_id(obj));
        keg_obj_free(obj);
    } else {
        keg_qs *all = keg_qs_all(m);
        keg_qs *qs = keg_qs_filter(all, t[2], keg_int(t[3] != NULL ? strtoll(t[3], NULL, 10) : 0));
        before = sqlcount_get();
        rc = keg_qs_delete(run->db, qs);
        lab16_printf(run, "  keg_qs_delete -> ");
        lab16_status(run, rc);
        keg_qs_free(qs);
        keg_qs_free(all);
    }
    if (lab16_leaf(m))
        lab16_count(run, before);
    else
        wire_buf_str(run->out, "\n");     /* a delete that follows runs what it needs */
    if (rc == KEG_EPROTECTED)
        lab16_printf(run, "  keg_db_error: %s\n", keg_db_error(run->db));
    lab16_dump(run);
}

/* gone MODEL ID: the object loaded, then its row deleted behind keg's back (foreign keys
 * off for that statement), then keg_delete: no row of the model is there any more. */
static void lab16_gone(struct lab16_run *run, char **t)
{
    const keg_model *m = lab16_model(t[1]);
    void *obj = m != NULL ? lab16_load(run, m, t[2]) : NULL;
    if (obj == NULL)
        return;
    char sql[192];
    snprintf(sql, sizeof sql, "PRAGMA foreign_keys = OFF; DELETE FROM \"%s\" WHERE id = %lld; "
             "PRAGMA foreign_keys = ON", m->table, lab16_id(obj));
    lab16_sql(run, sql);
    int rc = keg_delete(run->db, obj);
    lab16_printf(run, "  keg_delete -> ");
    lab16_status(run, rc);
    lab16_printf(run, ", id after: %lld\n", lab16_id(obj));
    keg_obj_free(obj);
    lab16_dump(run);
}

/* Runs one line (its tokens in t, NULL-terminated). */
static void lab16_line(struct lab16_run *run, char **t)
{
    static const struct {
        const char *op;
        void (*fn)(struct lab16_run *run, char **t);
    } ops[] = {
        { "fk", lab16_fk }, { "rel", lab16_rel }, { "m2m", lab16_m2m }, { "add", lab16_m2m },
        { "rm", lab16_m2m }, { "sel", lab16_eager }, { "pre", lab16_eager },
        { "naive", lab16_eager }, { "del", lab16_delete }, { "qdel", lab16_delete },
        { "gone", lab16_gone },
    };
    if (strcmp(t[0], "tables") == 0) {
        for (size_t i = 0; i < LAB16_NMODELS; i++)
            lab16_sql(run, lab16_models[i].ddl);
        lab16_sql(run, lab16_join_ddl);
        lab16_sql(run, lab16_join_unique);
        return;
    }
    if (strcmp(t[0], "create") == 0) {
        lab16_create(run);
        return;
    }
    if (strcmp(t[0], "dump") == 0) {
        wire_buf_str(run->out, "dump\n");
        lab16_dump(run);
        return;
    }
    if (lab16_data(run, t))
        return;
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (strcmp(t[0], ops[i].op) == 0) {
            for (size_t k = 0; t[k] != NULL; k++)
                lab16_printf(run, "%s%s", k ? " " : "", t[k]);
            wire_buf_str(run->out, "\n");
            ops[i].fn(run, t);
            return;
        }
}

/* Runs a program (see the top of the file) and returns its text (caller frees). */
static char *lab16_exec(const char *prog, size_t len, size_t *out_len)
{
    struct wire_buf out = { 0 };
    struct lab16_run run = { .out = &out };
    char *err = NULL;
    wire_buf_add(&out, "", 0);
    for (size_t i = 0; i < LAB16_NMODELS; i++)
        keg_register(lab16_models[i].m);
    run.db = keg_db_open(":memory:", &err);
    if (run.db == NULL) {
        wire_buf_str(&out, "keg_db_open failed: ");
        wire_buf_str(&out, err != NULL ? err : "(no message)");
        free(err);
        *out_len = out.len;
        return out.data;
    }
    char *copy = malloc(len + 1), *save = NULL;
    if (copy != NULL) {
        memcpy(copy, prog, len);
        copy[len] = '\0';
    }
    for (char *l = copy ? strtok_r(copy, "\n", &save) : NULL; l; l = strtok_r(NULL, "\n", &save)) {
        char *t[8], *s2 = NULL;
        size_t n = 0;
        for (char *w = strtok_r(l, " ", &s2); w && n + 1 < sizeof t / sizeof t[0];
             w = strtok_r(NULL, " ", &s2))
            t[n++] = w;
        for (size_t i = n; i < sizeof t / sizeof t[0]; i++)
            t[i] = NULL;
        if (n > 0)
            lab16_line(&run, t);
    }
    free(copy);
    keg_db_close(run.db);
    *out_len = out.len;
    return out.data;
}

#endif
