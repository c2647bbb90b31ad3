/* ops.h -- lab 15's operations, shared by driver.c (built with your keg/ and vial/ into
 * the program the checker talks to) and checker.c (which runs them on the reference).
 * Each "run" frame is a small program, one operation a line, run on a fresh in-memory
 * database: raw SQL to set up the tables and rows, then query sets built and evaluated
 * with your keg. The answer is a text of what each operation did and how many statements
 * SQLite ran for it, counted by sqlcount.h (never by your counter). The checker runs the
 * same program on the reference keg and compares the two texts.
 *
 *   exec STR                   keg_db_exec of that SQL (setup)
 *   all MODEL                  qs[k] = keg_qs_all(&lab15_MODEL), k counting from 0
 *   filter K LOOKUP V          qs[k] = keg_qs_filter(qs[K], LOOKUP, V)
 *   exclude K LOOKUP V         qs[k] = keg_qs_exclude(...)
 *   list K LOOKUP N V1 .. VN   qs[k] = keg_qs_filter_list(...)
 *   where K Q                  qs[k] = keg_qs_where(qs[K], Q)
 *   order K FIELDS             qs[k] = keg_qs_order_by(qs[K], FIELDS)
 *   slice K START STOP         qs[k] = keg_qs_slice(qs[K], START, STOP)
 *   fetch K, fetchs K          keg_qs_fetch (fetchs: the objects shown sorted by id)
 *   count K, exists K, get K, delete K, update K FIELD V, error K, sql K
 * A string STR (LOOKUP, FIELDS, MODEL) is "x" then its bytes in hex; a value is n
 * (NULL), i:N, t:HEX (text), f:HEX:N (keg_f_add); Q is prefix: "q LOOKUP V",
 * "ql LOOKUP N V..", "and Q Q", "or Q Q", "not Q". Texts reach your code as exact-size
 * heap copies. */
#ifndef LAB15_OPS_H
#define LAB15_OPS_H

#include "sqlcount.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keg.h"
#include "wire.h"

struct author {
    keg_obj obj;
    long long id;
    char *name;
};

struct book {
    keg_obj obj;
    long long id;
    char *title;
    long long author_id;
    long long pages;
    long long rating;
    char *note;
    int hardcover;
    long long published;
};

extern const keg_model lab15_author, lab15_book;

static const keg_field lab15_author_fields[] = {
    KEG_FIELD(struct author, id, KEG_AUTO),
    KEG_FIELD(struct author, name, KEG_CHAR, .max_length = 40, .flags = KEG_UNIQUE),
};
const keg_model lab15_author = KEG_MODEL(lab15, author, struct author, lab15_author_fields,
                                         .ordering = "name");

static const keg_field lab15_book_fields[] = {
    KEG_FIELD(struct book, id, KEG_AUTO),
    KEG_FIELD(struct book, title, KEG_CHAR, .max_length = 60),
    KEG_FK_FIELD(struct book, author, lab15_author, KEG_CASCADE, .flags = KEG_NULLABLE),
    KEG_FIELD(struct book, pages, KEG_INTEGER),
    KEG_FIELD(struct book, rating, KEG_INTEGER, .flags = KEG_NULLABLE),
    KEG_FIELD(struct book, note, KEG_TEXTFIELD, .flags = KEG_NULLABLE),
    KEG_FIELD(struct book, hardcover, KEG_BOOL),
    KEG_FIELD(struct book, published, KEG_DATETIME),
};
const keg_model lab15_book = KEG_MODEL(lab15, book, struct book, lab15_book_fields);

#define LAB15_MAX_QS 64         /* query sets one program may build */
#define LAB15_MAX_VALUES 16     /* values of one list */

/* A program being run: its query sets and what it wrote. */
struct lab15_run {
    keg_db *db;
    keg_qs *qs[LAB15_MAX_QS];
    const keg_model *model[LAB15_MAX_QS];   /* the model each was built on */
    size_t nqs;
    struct wire_buf *out;
    char *bytes[4 * LAB15_MAX_VALUES];  /* the values of the current operation */
    size_t nbytes;
};

/* Decodes hex text into a fresh exact-size copy (*len bytes; nul adds a NUL after). */
static char *lab15_unhex(struct lab15_run *run, const char *hex, size_t *len, int nul)
{
    size_t n = strlen(hex) / 2;
    char *p = malloc(n + (nul || n == 0));
    if (p == NULL || run->nbytes == sizeof run->bytes / sizeof run->bytes[0]) {
        free(p);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned v = 0;
        sscanf(hex + 2 * i, "%2x", &v);
        p[i] = (char)v;
    }
    if (nul)
        p[n] = '\0';
    run->bytes[run->nbytes++] = p;
    *len = n;
    return p;
}

/* A NUL-terminated string from "x" and hex ("" when malformed). */
static const char *lab15_str(struct lab15_run *run, const char *tok)
{
    size_t n;
    const char *s = tok != NULL && tok[0] == 'x' ? lab15_unhex(run, tok + 1, &n, 1) : NULL;
    return s != NULL ? s : "";
}

/* The value written as tok (see the top of the file). */
static keg_value lab15_value(struct lab15_run *run, const char *tok)
{
    size_t n = 0;
    if (tok == NULL || strcmp(tok, "n") == 0)
        return keg_null();
    if (strncmp(tok, "i:", 2) == 0)
        return keg_int(strtoll(tok + 2, NULL, 10));
    if (strncmp(tok, "t:", 2) == 0) {
        const char *s = lab15_unhex(run, tok + 2, &n, 0);
        return keg_textn(s != NULL ? s : "", s != NULL ? n : 0);
    }
    if (strncmp(tok, "f:", 2) == 0) {
        char hex[2 * KEG_IDENT_MAX + 8];
        const char *colon = strchr(tok + 2, ':');
        size_t hl = colon != NULL ? (size_t)(colon - tok - 2) : strlen(tok + 2);
        snprintf(hex, sizeof hex, "x%.*s", (int)hl, tok + 2);
        return keg_f_add(lab15_str(run, hex), colon != NULL ? strtoll(colon + 1, NULL, 10) : 0);
    }
    return keg_null();
}

/* Reads a Q tree from the tokens at *t (advancing); NULL when malformed. */
static keg_q *lab15_q(struct lab15_run *run, char ***t)
{
    char *op = **t;
    if (op == NULL)
        return NULL;
    (*t)++;
    if (strcmp(op, "q") == 0 && (*t)[0] != NULL) {
        const char *lookup = lab15_str(run, *(*t)++);
        keg_value v = lab15_value(run, *(*t)++);
        return keg_q_new(lookup, v);
    }
    if (strcmp(op, "ql") == 0 && (*t)[0] != NULL && (*t)[1] != NULL) {
        keg_value vals[LAB15_MAX_VALUES];
        const char *lookup = lab15_str(run, *(*t)++);
        size_t n = strtoul(*(*t)++, NULL, 10);
        for (size_t i = 0; i < n && i < LAB15_MAX_VALUES; i++)
            vals[i] = lab15_value(run, *(*t)++);
        return keg_q_list(lookup, vals, n < LAB15_MAX_VALUES ? n : LAB15_MAX_VALUES);
    }
    if (strcmp(op, "not") == 0)
        return keg_q_not(lab15_q(run, t));
    if (strcmp(op, "and") == 0 || strcmp(op, "or") == 0) {
        keg_q *a = lab15_q(run, t);
        keg_q *b = lab15_q(run, t);
        return op[0] == 'a' ? keg_q_and(a, b) : keg_q_or(a, b);
    }
    return NULL;
}

/* ---- showing results --------------------------------------------------------------- */

static const char *const lab15_status_names[] = {
    "KEG_OK", "KEG_ERROR", "KEG_ENOMEM", "KEG_EINTEGRITY", "KEG_ENOTFOUND", "KEG_EMULTIPLE",
    "KEG_EINVALID", "KEG_EBUSY", "KEG_EPROTECTED", "KEG_EVALIDATION",
};

/* "N" for a count, "-4 (KEG_ENOTFOUND)" for a status. */
static void lab15_status(struct wire_buf *out, long long rc)
{
    char line[64];
    if (rc < 0 && rc >= -9)
        snprintf(line, sizeof line, "%lld (%s)", rc, lab15_status_names[-rc]);
    else
        snprintf(line, sizeof line, "%lld", rc);
    wire_buf_str(out, line);
}

/* Ends an operation's line with the statements it ran. */
static void lab15_count(struct wire_buf *out, long before)
{
    char line[48];
    long n = sqlcount_get() - before;
    snprintf(line, sizeof line, "; %ld statement%s\n", n, n == 1 ? "" : "s");
    wire_buf_str(out, line);
}

/* One object, every field by its descriptor. */
static void lab15_show_obj(struct wire_buf *out, const void *obj)
{
    const keg_obj *o = obj;
    const keg_model *m = o->model;
    char num[32];
    wire_buf_str(out, "  {");
    for (size_t i = 0; i < m->nfields; i++) {
        const keg_field *f = &m->fields[i];
        const char *at = (const char *)obj + f->offset;
        wire_buf_str(out, i ? ", " : "");
        wire_buf_str(out, f->name);
        wire_buf_str(out, ": ");
        if (f->kind == KEG_CHAR || f->kind == KEG_TEXTFIELD) {
            const char *s = *(char *const *)at;
            wire_buf_str(out, s != NULL ? "\"" : "NULL");
            if (s != NULL) {
                wire_buf_escaped(out, s, strlen(s), 0);
                wire_buf_str(out, "\"");
            }
            continue;
        }
        if (o->nulls & (1ULL << i))
            snprintf(num, sizeof num, "NULL");
        else if (f->kind == KEG_BOOL)
            snprintf(num, sizeof num, "%d", *(const int *)at);
        else
            snprintf(num, sizeof num, "%lld", *(const long long *)at);
        wire_buf_str(out, num);
    }
    wire_buf_str(out, "}\n");
}

/* The id of an object (fields[0] is the primary key). */
static long long lab15_id(const void *obj)
{
    const keg_obj *o = obj;
    return *(const long long *)((const char *)obj + o->model->fields[0].offset);
}

static int lab15_by_id(const void *a, const void *b)
{
    long long x = lab15_id(*(void *const *)a), y = lab15_id(*(void *const *)b);
    return (x > y) - (x < y);
}

/* ---- operations -------------------------------------------------------------------- */

/* The query set numbered by tok, or NULL. */
static keg_qs *lab15_qs(struct lab15_run *run, const char *tok)
{
    size_t k = tok != NULL ? strtoul(tok, NULL, 10) : LAB15_MAX_QS;
    return k < run->nqs ? run->qs[k] : NULL;
}

/* The model named by tok. */
static const keg_model *lab15_qs_model(struct lab15_run *run, const char *tok)
{
    return strcmp(lab15_str(run, tok), "author") == 0 ? &lab15_author : &lab15_book;
}

/* Builds a query set from the operation t[0] t[1] ...; NULL when the call gave NULL. */
static keg_qs *lab15_build(struct lab15_run *run, char **t)
{
    keg_qs *src = lab15_qs(run, t[1]);
    keg_value vals[LAB15_MAX_VALUES];
    if (strcmp(t[0], "all") == 0)
        return keg_qs_all(lab15_qs_model(run, t[1]));
    if (strcmp(t[0], "filter") == 0 || strcmp(t[0], "exclude") == 0) {
        const char *lookup = lab15_str(run, t[2]);
        keg_value v = lab15_value(run, t[2] != NULL ? t[3] : NULL);
        return t[0][0] == 'f' ? keg_qs_filter(src, lookup, v) : keg_qs_exclude(src, lookup, v);
    }
    if (strcmp(t[0], "list") == 0 && t[2] != NULL && t[3] != NULL) {
        size_t n = strtoul(t[3], NULL, 10);
        for (size_t i = 0; i < n && i < LAB15_MAX_VALUES; i++)
            vals[i] = lab15_value(run, t[4 + i]);
        return keg_qs_filter_list(src, lab15_str(run, t[2]), vals,
                                  n < LAB15_MAX_VALUES ? n : LAB15_MAX_VALUES);
    }
    if (strcmp(t[0], "where") == 0) {
        char **p = t + 2;
        keg_q *q = lab15_q(run, &p);
        keg_qs *c = keg_qs_where(src, q);
        keg_q_free(q);
        return c;
    }
    if (strcmp(t[0], "order") == 0)
        return keg_qs_order_by(src, lab15_str(run, t[2]));
    if (strcmp(t[0], "slice") == 0 && t[2] != NULL && t[3] != NULL)
        return keg_qs_slice(src, strtoll(t[2], NULL, 10), strtoll(t[3], NULL, 10));
    return NULL;
}

/* Runs fetch/fetchs and writes the objects. */
static void lab15_fetch(struct lab15_run *run, keg_qs *qs, int sorted, long before)
{
    keg_list l = { 0 };
    char line[64];
    int rc = keg_qs_fetch(run->db, qs, &l);
    wire_buf_str(run->out, " -> ");
    lab15_status(run->out, rc);
    snprintf(line, sizeof line, ", %zu objects", rc == 0 ? l.len : 0);
    wire_buf_str(run->out, line);
    lab15_count(run->out, before);
    if (rc == 0 && sorted && l.len > 1)
        qsort(l.items, l.len, sizeof l.items[0], lab15_by_id);
    for (size_t i = 0; rc == 0 && i < l.len; i++)
        lab15_show_obj(run->out, l.items[i]);
    keg_list_free(&l);
}

/* keg_qs_get into a fresh object of m. */
static void lab15_get(struct lab15_run *run, keg_qs *qs, const keg_model *m, long before)
{
    void *obj = m != NULL ? keg_obj_new(m) : NULL;
    int rc = obj != NULL ? keg_qs_get(run->db, qs, obj) : KEG_ENOMEM;
    wire_buf_str(run->out, " -> ");
    lab15_status(run->out, rc);
    lab15_count(run->out, before);
    if (rc == 0)
        lab15_show_obj(run->out, obj);
    keg_obj_free(obj);
}

/* Evaluates or inspects qs as t[0] says. */
static void lab15_eval(struct lab15_run *run, char **t, keg_qs *qs)
{
    long before = sqlcount_get();
    long long n = -1;
    char line[64];
    struct wire_buf *out = run->out;
    snprintf(line, sizeof line, "%s qs%s", t[0], t[1]);
    wire_buf_str(out, line);
    if (strcmp(t[0], "fetch") == 0 || strcmp(t[0], "fetchs") == 0) {
        lab15_fetch(run, qs, t[0][5] == 's', before);
    } else if (strcmp(t[0], "get") == 0) {
        size_t k = strtoul(t[1], NULL, 10);
        lab15_get(run, qs, k < run->nqs ? run->model[k] : NULL, before);
    } else if (strcmp(t[0], "count") == 0) {
        int rc = keg_qs_count(run->db, qs, &n);
        wire_buf_str(out, " -> ");
        lab15_status(out, rc);
        snprintf(line, sizeof line, ", n = %lld", rc == 0 ? n : -1);
        wire_buf_str(out, line);
        lab15_count(out, before);
    } else if (strcmp(t[0], "exists") == 0 || strcmp(t[0], "delete") == 0
               || strcmp(t[0], "update") == 0) {
        int rc = t[0][0] == 'e' ? keg_qs_exists(run->db, qs)
                 : t[0][0] == 'd' ? keg_qs_delete(run->db, qs)
                 : keg_qs_update(run->db, qs, lab15_str(run, t[2]),
                                 lab15_value(run, t[2] != NULL ? t[3] : NULL));
        wire_buf_str(out, " -> ");
        lab15_status(out, rc);
        lab15_count(out, before);
    } else if (strcmp(t[0], "error") == 0) {
        wire_buf_str(out, keg_qs_error(qs) != NULL ? ": an error" : ": no error");
        lab15_count(out, before);
    } else if (strcmp(t[0], "sql") == 0) {
        char *sql = keg_qs_sql(qs);
        wire_buf_str(out, sql == NULL ? ": NULL" : strncmp(sql, "SELECT ", 7) == 0
                     ? ": a SELECT" : ": not a SELECT");
        free(sql);
        lab15_count(out, before);
    }
}

/* Runs one line (its tokens in t, NULL-terminated). */
static void lab15_line(struct lab15_run *run, char **t)
{
    static const char *const builders[] = { "all", "filter", "exclude", "list", "where",
                                            "order", "slice" };
    char line[64];
    if (strcmp(t[0], "exec") == 0) {
        int rc = keg_db_exec(run->db, lab15_str(run, t[1]), NULL, 0);
        if (rc < 0) {
            wire_buf_str(run->out, "setup failed: ");
            wire_buf_str(run->out, keg_db_error(run->db));
            wire_buf_str(run->out, "\n");
        }
        return;
    }
    for (size_t i = 0; i < sizeof builders / sizeof builders[0]; i++) {
        if (strcmp(t[0], builders[i]) != 0 || run->nqs == LAB15_MAX_QS)
            continue;
        long before = sqlcount_get();
        keg_qs *qs = lab15_build(run, t);
        size_t src = t[1] != NULL ? strtoul(t[1], NULL, 10) : LAB15_MAX_QS;
        run->qs[run->nqs] = qs;
        run->model[run->nqs] = i == 0 ? lab15_qs_model(run, t[1])
                               : src < run->nqs ? run->model[src] : NULL;
        snprintf(line, sizeof line, "qs%zu = %s%s", run->nqs++, t[0], qs ? "" : " -> NULL");
        wire_buf_str(run->out, line);
        lab15_count(run->out, before);
        return;
    }
    lab15_eval(run, t, lab15_qs(run, t[1]));
}

/* Runs a program (see the top of the file) and returns its text (caller frees). */
static char *lab15_exec(const char *prog, size_t len, size_t *out_len)
{
    struct wire_buf out = { 0 };
    struct lab15_run run = { .out = &out };
    char *err = NULL;
    wire_buf_add(&out, "", 0);
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
        char *t[8 + 3 * LAB15_MAX_VALUES + 1], *s2 = NULL;
        size_t n = 0;
        for (char *w = strtok_r(l, " ", &s2); w && n + 1 < sizeof t / sizeof t[0];
             w = strtok_r(NULL, " ", &s2))
            t[n++] = w;
        for (size_t i = n; i < sizeof t / sizeof t[0]; i++)
            t[i] = NULL;
        if (n > 0)
            lab15_line(&run, t);
        for (size_t i = 0; i < run.nbytes; i++)
            free(run.bytes[i]);
        run.nbytes = 0;
    }
    free(copy);
    for (size_t i = 0; i < run.nqs; i++)
        keg_qs_free(run.qs[i]);
    keg_db_close(run.db);
    *out_len = out.len;
    return out.data;
}

#endif
