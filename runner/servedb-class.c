/* servedb-class.c -- the class server's database for instructors (docs/server.md): staff
 * tokens (instructors, grading machines), the views the dashboard draws (classes,
 * learners, each learner's standing at each lab, histories, the latest reports),
 * regrades queued behind interactive submissions, and deadlines per lab (a submission
 * after its lab's deadline is graded all the same, and marked late). Rules here, SQL in
 * the engines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "servedb-int.h"
#include "servedb.h"
#include "util.h"

/* The kind column's words, by enum servedb_staff. */
static const char *const servedb_staff_kinds[] = {
    [SERVEDB_INSTRUCTOR] = "instructor",
    [SERVEDB_WORKER] = "worker",
};

/* Copies a text column into buf (cap bytes); "" for NULL. */
static void servedb_text(const struct servedb_val *v, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s", v->type == SV_TEXT ? (const char *)v->p : "");
}

static int servedb_int(const struct servedb_val *v)
{
    return v->type == SV_INT ? (int)v->i : 0;
}

int servedb_staff_add(struct servedb *db, enum servedb_staff kind, const char *name,
                      const char *token_hash, int64_t now)
{
    if (servedb_begin(db) < 0)
        return -1;
    struct servedb_val find[] = { V_TEXT(servedb_staff_kinds[kind]), V_TEXT(name) }, id;
    int rc = servedb_run(db, SQ_STAFF_BY_NAME, find, NARGS(find), &id, 1, NULL);
    if (rc == 1)
        rc = SERVEDB_TAKEN;
    if (rc == 0) {
        struct servedb_val add[] = { V_TEXT(servedb_staff_kinds[kind]), V_TEXT(name),
                                     V_TEXT(token_hash), V_INT(now) };
        rc = servedb_write(db, SQ_STAFF_ADD, add, NARGS(add), NULL);
    }
    return servedb_end(db, rc);
}

int servedb_staff(struct servedb *db, enum servedb_staff kind, const char *token_hash,
                  int64_t *id, char *name, size_t cap)
{
    struct servedb_val find[] = { V_TEXT(servedb_staff_kinds[kind]), V_TEXT(token_hash) },
                       row[3];
    int rc = servedb_run(db, SQ_STAFF_BY_HASH, find, NARGS(find), row, 3, NULL);
    if (rc != 1)
        return rc;
    size_t n = strlen(token_hash);
    if (row[1].type != SV_TEXT || row[1].len != n || CRYPTO_memcmp(row[1].p, token_hash, n))
        return 0;
    *id = row[0].i;
    servedb_text(&row[2], name, cap);
    return 1;
}

/* A growing array of rows of `size` bytes, filled by a row callback. */
struct servedb_rows {
    void *v;
    size_t n, cap, size;
    void (*fill)(void *item, const struct servedb_val *cols, int ncols);
};

static int servedb_rows_add(void *ud, const struct servedb_val *cols, int ncols)
{
    struct servedb_rows *r = ud;
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 16;
        r->v = xrealloc(r->v, r->cap * r->size);
    }
    void *item = (char *)r->v + r->n++ * r->size;
    memset(item, 0, r->size);
    r->fill(item, cols, ncols);
    return 0;
}

int servedb_rows(struct servedb *db, enum servedb_q q, const struct servedb_val *args,
                        int nargs, size_t size,
                        void (*fill)(void *, const struct servedb_val *, int),
                        void **out, size_t *n)
{
    struct servedb_rows r = { .size = size, .fill = fill };
    if (servedb_each(db, q, args, nargs, servedb_rows_add, &r) < 0) {
        free(r.v);
        *out = NULL, *n = 0;
        return -1;
    }
    *out = r.v, *n = r.n;
    return 0;
}

static void servedb_fill_class(void *item, const struct servedb_val *c, int ncols)
{
    struct servedb_class *k = item;
    if (ncols < 3)
        return;
    k->id = c[0].i;
    servedb_text(&c[1], k->name, sizeof k->name);
    servedb_text(&c[2], k->code, sizeof k->code);
}

int servedb_classes(struct servedb *db, struct servedb_class **out, size_t *n)
{
    return servedb_rows(db, SQ_CLASSES, NULL, 0, sizeof **out, servedb_fill_class,
                        (void **)out, n);
}

static void servedb_fill_learner(void *item, const struct servedb_val *c, int ncols)
{
    struct servedb_learner *l = item;
    if (ncols < 2)
        return;
    l->id = c[0].i;
    servedb_text(&c[1], l->name, sizeof l->name);
}

int servedb_learners(struct servedb *db, int64_t class_id, struct servedb_learner **out,
                     size_t *n)
{
    struct servedb_val args[] = { V_INT(class_id) };
    return servedb_rows(db, SQ_CLASS_LEARNERS, args, NARGS(args), sizeof **out,
                        servedb_fill_learner, (void **)out, n);
}

int servedb_learner_get(struct servedb *db, int64_t id, char *name, size_t cap,
                        int64_t *class_id)
{
    struct servedb_val args[] = { V_INT(id) }, row[2];
    int rc = servedb_run(db, SQ_LEARNER_GET, args, NARGS(args), row, 2, NULL);
    if (rc == 1) {
        servedb_text(&row[0], name, cap);
        *class_id = row[1].i;
    }
    return rc;
}

static void servedb_fill_cell(void *item, const struct servedb_val *c, int ncols)
{
    struct servedb_cell *k = item;
    if (ncols < 7)
        return;
    k->learner = c[0].i;
    servedb_text(&c[1], k->lab, sizeof k->lab);
    k->attempts = servedb_int(&c[2]);
    k->best_passed = servedb_int(&c[3]);
    k->total = servedb_int(&c[4]);
    k->passed = servedb_int(&c[5]);
    k->last = c[6].type == SV_INT ? c[6].i : 0;
    k->passed_on_time = ncols > 7 && servedb_int(&c[7]);
}

int servedb_cells(struct servedb *db, int64_t class_id, int64_t learner,
                  struct servedb_cell **out, size_t *n)
{
    struct servedb_val args[] = { V_INT(class_id), V_INT(learner) };
    return servedb_rows(db, SQ_CELLS, args, NARGS(args), sizeof **out, servedb_fill_cell,
                        (void **)out, n);
}

static void servedb_fill_hist(void *item, const struct servedb_val *c, int ncols)
{
    struct servedb_hist *h = item;
    if (ncols < 9)
        return;
    h->id = c[0].i;
    servedb_text(&c[1], h->lab, sizeof h->lab);
    h->created = c[2].i;
    servedb_text(&c[3], h->state, sizeof h->state);
    h->regrade = servedb_int(&c[4]) != 0;
    h->has_result = c[5].type == SV_TEXT;
    servedb_text(&c[5], h->verdict, sizeof h->verdict);
    h->passed = servedb_int(&c[6]);
    h->failed = servedb_int(&c[7]);
    h->total = servedb_int(&c[8]);
}

int servedb_history(struct servedb *db, int64_t learner, struct servedb_hist **out,
                    size_t *n)
{
    struct servedb_val args[] = { V_INT(learner) };
    return servedb_rows(db, SQ_HISTORY, args, NARGS(args), sizeof **out, servedb_fill_hist,
                        (void **)out, n);
}

struct servedb_reports {
    void (*fn)(void *ud, const char *lab, const char *report);
    void *ud;
};

static int servedb_report_row(void *ud, const struct servedb_val *c, int ncols)
{
    struct servedb_reports *r = ud;
    if (ncols >= 2 && c[0].type == SV_TEXT && c[1].type == SV_TEXT)
        r->fn(r->ud, c[0].p, c[1].p);
    return 0;
}

int servedb_class_reports(struct servedb *db, int64_t class_id,
                          void (*fn)(void *ud, const char *lab, const char *report),
                          void *ud)
{
    struct servedb_val args[] = { V_INT(class_id) };
    struct servedb_reports r = { fn, ud };
    return servedb_each(db, SQ_CLASS_REPORTS, args, NARGS(args), servedb_report_row, &r) < 0
           ? -1 : 0;
}

/* Collects the ids a RETURNING statement gives. */
struct servedb_ids {
    int64_t *v;
    size_t n, cap;
};

static int servedb_id_row(void *ud, const struct servedb_val *c, int ncols)
{
    struct servedb_ids *ids = ud;
    if (ncols < 1 || c[0].type != SV_INT)
        return 0;
    if (ids->n == ids->cap) {
        ids->cap = ids->cap ? 2 * ids->cap : 64;
        ids->v = xrealloc(ids->v, ids->cap * sizeof *ids->v);
    }
    ids->v[ids->n++] = c[0].i;
    return 0;
}

/* The priority of a regrade's job: after every interactive one (0). */
#define SERVEDB_REGRADE_PRIORITY 1

int64_t servedb_regrade(struct servedb *db, const char *lab, int64_t class_id)
{
    if (servedb_begin(db) < 0)
        return -1;
    struct servedb_val copy[] = { V_TEXT(lab), V_INT(class_id) };
    struct servedb_ids ids = { 0 };
    int rc = servedb_each(db, SQ_REGRADE_COPY, copy, NARGS(copy), servedb_id_row, &ids) < 0
             ? -1 : 0;
    for (size_t i = 0; rc == 0 && i < ids.n; i++) {
        struct servedb_val job[] = { V_INT(ids.v[i]), V_INT(SERVEDB_REGRADE_PRIORITY) };
        rc = servedb_write(db, SQ_JOB_ADD, job, NARGS(job), NULL);
    }
    free(ids.v);
    rc = servedb_end(db, rc);
    return rc < 0 ? -1 : (int64_t)ids.n;
}

int servedb_deadline_set(struct servedb *db, int64_t class_id, const char *lab,
                         int64_t due)
{
    if (due < 0) {
        struct servedb_val args[] = { V_INT(class_id), V_TEXT(lab) };
        return servedb_write(db, SQ_DEADLINE_CLEAR, args, NARGS(args), NULL);
    }
    struct servedb_val args[] = { V_INT(class_id), V_TEXT(lab), V_INT(due) };
    return servedb_write(db, SQ_DEADLINE_SET, args, NARGS(args), NULL);
}

static void servedb_fill_deadline(void *item, const struct servedb_val *c, int ncols)
{
    struct servedb_deadline *d = item;
    if (ncols < 2)
        return;
    servedb_text(&c[0], d->lab, sizeof d->lab);
    d->due = c[1].type == SV_INT ? c[1].i : 0;
}

int servedb_deadlines(struct servedb *db, int64_t class_id, struct servedb_deadline **out,
                      size_t *n)
{
    struct servedb_val args[] = { V_INT(class_id) };
    return servedb_rows(db, SQ_DEADLINES, args, NARGS(args), sizeof **out,
                        servedb_fill_deadline, (void **)out, n);
}

int servedb_due(struct servedb *db, int64_t learner, const char *lab, int64_t *due)
{
    struct servedb_val args[] = { V_INT(learner), V_TEXT(lab) }, row;
    int rc = servedb_run(db, SQ_DUE, args, NARGS(args), &row, 1, NULL);
    if (rc == 1)
        *due = row.type == SV_INT ? row.i : 0;
    return rc;
}

int servedb_class_find(struct servedb *db, const char *name, int64_t *id)
{
    struct servedb_val args[] = { V_TEXT(name) }, row;
    int rc = servedb_run(db, SQ_CLASS_BY_NAME, args, NARGS(args), &row, 1, NULL);
    if (rc == 1)
        *id = row.i;
    return rc;
}
