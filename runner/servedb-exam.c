/* servedb-exam.c -- exams sat on the class server (docs/server.md, "Exams on the server"):
 * sittings started in one transaction (at most one open per learner and exam, attempts
 * counted in submitted sittings), answers kept only while a sitting is open and its time
 * not up, a result stored once (the first stands), and the dashboard's views. Rules here,
 * SQL in the engines; the bank and the scoring are serve-exam.c's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "servedb-int.h"
#include "servedb.h"
#include "util.h"

/* The columns of servedb-int.h's SITTING. */
enum { SIT_ID, SIT_LEARNER, SIT_EXAM, SIT_SEED, SIT_STARTED, SIT_DEADLINE, SIT_SUBMITTED,
       SIT_PERCENT, SIT_PASSED, SIT_EXPIRED, SIT_ATTEMPT, SIT_NCOLS };

static int64_t servedb_exam_int(const struct servedb_val *v)
{
    return v->type == SV_INT ? v->i : 0;
}

static void servedb_fill_sitting(void *item, const struct servedb_val *c, int ncols)
{
    struct servedb_sitting *s = item;
    memset(s, 0, sizeof *s);
    if (ncols < SIT_NCOLS)
        return;
    s->id = servedb_exam_int(&c[SIT_ID]);
    s->learner = servedb_exam_int(&c[SIT_LEARNER]);
    snprintf(s->exam, sizeof s->exam, "%s",
             c[SIT_EXAM].type == SV_TEXT ? (const char *)c[SIT_EXAM].p : "");
    int64_t seed = servedb_exam_int(&c[SIT_SEED]);
    memcpy(&s->seed, &seed, sizeof s->seed);    /* the 64 bits kept as a signed integer */
    s->started = servedb_exam_int(&c[SIT_STARTED]);
    s->deadline = servedb_exam_int(&c[SIT_DEADLINE]);
    s->submitted = servedb_exam_int(&c[SIT_SUBMITTED]);
    s->percent = (int)servedb_exam_int(&c[SIT_PERCENT]);
    s->passed = servedb_exam_int(&c[SIT_PASSED]) != 0;
    s->expired = servedb_exam_int(&c[SIT_EXPIRED]) != 0;
    s->attempt = (int)servedb_exam_int(&c[SIT_ATTEMPT]);
}

/* Runs q for one sitting into *out: 1, 0 none, -1 error. */
static int servedb_sitting_one(struct servedb *db, enum servedb_q q,
                               const struct servedb_val *args, int nargs,
                               struct servedb_sitting *out)
{
    struct servedb_val c[SIT_NCOLS];
    int rc = servedb_run(db, q, args, nargs, c, SIT_NCOLS, NULL);
    if (rc == 1)
        servedb_fill_sitting(out, c, SIT_NCOLS);
    return rc;
}

int servedb_sitting_used(struct servedb *db, int64_t learner, const char *exam)
{
    struct servedb_val args[] = { V_INT(learner), V_TEXT(exam) };
    int64_t n = servedb_count(db, SQ_SITTING_USED, args, NARGS(args));
    return n < 0 ? -1 : (int)n;
}

/* Inside servedb_sitting_start's transaction: the open sitting, or a new one. */
static int servedb_sitting_open_or_add(struct servedb *db, int64_t learner,
                                       const char *exam, int attempts, uint64_t seed,
                                       int64_t now, int64_t seconds,
                                       struct servedb_sitting *out, int *used)
{
    struct servedb_val who[] = { V_INT(learner), V_TEXT(exam) }, id;
    int rc = servedb_sitting_one(db, SQ_SITTING_OPEN, who, NARGS(who), out);
    if (rc != 0)
        return rc == 1 ? SERVEDB_SITTING_OPEN : -1;
    if ((*used = servedb_sitting_used(db, learner, exam)) < 0)
        return -1;
    if (attempts > 0 && *used >= attempts)
        return SERVEDB_SITTING_SPENT;
    int64_t bits;
    memcpy(&bits, &seed, sizeof bits);
    struct servedb_val add[] = { V_INT(learner), V_TEXT(exam), V_INT(bits), V_INT(now),
                                 V_INT(now + seconds) };
    rc = servedb_run(db, SQ_SITTING_ADD, add, NARGS(add), &id, 1, NULL);
    if (rc < 0)
        return -1;
    if (rc == 0) {  /* another start won the unique index: that sitting is the one */
        rc = servedb_sitting_one(db, SQ_SITTING_OPEN, who, NARGS(who), out);
        return rc == 1 ? SERVEDB_SITTING_OPEN : -1;
    }
    struct servedb_val get[] = { V_INT(id.i), V_INT(learner) };
    return servedb_sitting_one(db, SQ_SITTING_GET, get, NARGS(get), out) == 1 ? SERVEDB_OK
                                                                               : -1;
}

int servedb_sitting_start(struct servedb *db, int64_t learner, const char *exam,
                          int attempts, uint64_t seed, int64_t now, int64_t seconds,
                          struct servedb_sitting *out, int *used)
{
    memset(out, 0, sizeof *out);
    *used = 0;
    if (servedb_begin(db) < 0)
        return -1;
    struct servedb_val lock[] = { V_INT(learner) }, id;
    int rc = servedb_run(db, SQ_LEARNER_LOCK, lock, NARGS(lock), &id, 1, NULL);
    if (rc == 0) {
        snprintf(db->err, sizeof db->err, "learner %lld does not exist",
                 (long long)learner);
        rc = -1;
    }
    if (rc == 1)
        rc = servedb_sitting_open_or_add(db, learner, exam, attempts, seed, now, seconds,
                                         out, used);
    return servedb_end(db, rc);
}

int servedb_sitting_get(struct servedb *db, int64_t learner, int64_t id,
                        struct servedb_sitting *out)
{
    memset(out, 0, sizeof *out);
    struct servedb_val args[] = { V_INT(id), V_INT(learner) };
    return servedb_sitting_one(db, SQ_SITTING_GET, args, NARGS(args), out);
}

int servedb_sitting_answer(struct servedb *db, int64_t id, const char *question,
                           const char *answer, int flagged, int64_t now)
{
    struct servedb_val args[] = { V_INT(id), V_TEXT(question), V_TEXT(answer),
                                  V_INT(flagged != 0), V_INT(now) };
    int64_t changed = 0;
    if (servedb_write(db, SQ_ANSWER_SET, args, NARGS(args), &changed) < 0)
        return -1;
    return changed == 1;
}

static void servedb_fill_answer(void *item, const struct servedb_val *c, int ncols)
{
    struct servedb_answer *a = item;
    if (ncols < 3)
        return;
    snprintf(a->question, sizeof a->question, "%s",
             c[0].type == SV_TEXT ? (const char *)c[0].p : "");
    a->answer = xstrdup(c[1].type == SV_TEXT ? (const char *)c[1].p : "");
    a->flagged = servedb_exam_int(&c[2]) != 0;
}

int servedb_sitting_answers(struct servedb *db, int64_t id, struct servedb_answer **out,
                            size_t *n)
{
    struct servedb_val args[] = { V_INT(id) };
    return servedb_rows(db, SQ_ANSWERS, args, NARGS(args), sizeof **out,
                             servedb_fill_answer, (void **)out, n);
}

void servedb_answers_free(struct servedb_answer *a, size_t n)
{
    for (size_t i = 0; a != NULL && i < n; i++)
        free(a[i].answer);
    free(a);
}

int servedb_sitting_submit(struct servedb *db, int64_t id, int64_t when, int percent,
                           int passed, int expired)
{
    struct servedb_val args[] = { V_INT(id), V_INT(when), V_INT(percent),
                                  V_INT(passed != 0), V_INT(expired != 0) };
    int64_t changed = 0;
    if (servedb_write(db, SQ_SITTING_SUBMIT, args, NARGS(args), &changed) < 0)
        return -1;
    return changed == 1;
}

static void servedb_fill_exam_cell(void *item, const struct servedb_val *c, int ncols)
{
    struct servedb_exam_cell *k = item;
    if (ncols < 7)
        return;
    k->learner = servedb_exam_int(&c[0]);
    snprintf(k->exam, sizeof k->exam, "%s",
             c[1].type == SV_TEXT ? (const char *)c[1].p : "");
    k->used = (int)servedb_exam_int(&c[2]);
    k->best = c[3].type == SV_INT ? (int)c[3].i : -1;
    k->passed = servedb_exam_int(&c[4]) != 0;
    k->open = servedb_exam_int(&c[5]);
    k->open_deadline = servedb_exam_int(&c[6]);
}

int servedb_exam_cells(struct servedb *db, int64_t class_id, int64_t learner,
                       struct servedb_exam_cell **out, size_t *n)
{
    struct servedb_val args[] = { V_INT(class_id), V_INT(learner) };
    return servedb_rows(db, SQ_EXAM_STANDING, args, NARGS(args), sizeof **out,
                             servedb_fill_exam_cell, (void **)out, n);
}

int servedb_sittings(struct servedb *db, int64_t learner, struct servedb_sitting **out,
                     size_t *n)
{
    struct servedb_val args[] = { V_INT(learner) };
    return servedb_rows(db, SQ_SITTINGS_OF, args, NARGS(args), sizeof **out,
                             servedb_fill_sitting, (void **)out, n);
}

int servedb_sittings_due(struct servedb *db, int64_t class_id, int64_t learner, int64_t now,
                         struct servedb_sitting **out, size_t *n)
{
    struct servedb_val args[] = { V_INT(class_id), V_INT(learner), V_INT(now) };
    return servedb_rows(db, SQ_SITTINGS_DUE, args, NARGS(args), sizeof **out,
                             servedb_fill_sitting, (void **)out, n);
}
