/* serve-exam.c -- exams sat against the class server (docs/server.md, "Exams on the
 * server"): a sitting started or resumed, read back, answered, submitted, and the exams
 * list. The bank never leaves the server: a sitting is rebuilt from its seed on the
 * server's course (examrun_restore) with the answers the database keeps, scored here,
 * and answered as SITTING without keys or explanations. The server's clock decides: a
 * sitting past its deadline is submitted, expired, by the first request that sees it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>

#include "examrun.h"
#include "serve-int.h"
#include "util.h"

/* STACKLAB_EXAM_MINUTE's range: the seconds an exam's minute lasts on this server. */
#define SERVE_EXAM_MINUTE_MAX 60

/* The learner-facing name of a question type: exact and pattern are both "short". */
static const char *const serve_exam_types[] = {
    [EXAM_SINGLE] = "single",
    [EXAM_MULTIPLE] = "multiple",
    [EXAM_EXACT] = "short",
    [EXAM_PATTERN] = "short",
};

int serve_exam_minute(int *seconds, char **cause)
{
    const char *env = getenv("STACKLAB_EXAM_MINUTE");
    *seconds = SERVE_EXAM_MINUTE_MAX;
    if (env == NULL || *env == '\0')
        return 0;
    char *end;
    long v = strtol(env, &end, 10);
    if (*end != '\0' || v < 1 || v > SERVE_EXAM_MINUTE_MAX) {
        *cause = xasprintf("STACKLAB_EXAM_MINUTE must be a whole number of seconds from 1 "
                           "to %d, not '%s'", SERVE_EXAM_MINUTE_MAX, env);
        return -1;
    }
    *seconds = (int)v;
    return 0;
}

static int64_t serve_exam_now(void)
{
    return (int64_t)time(NULL);
}

/* ---- a sitting rebuilt from the database ----------------------------------------- */

/* Sets the run's answers and flags from the stored ones (by question id). */
static void serve_exam_set_answers(struct examrun *run, const struct servedb_answer *a,
                                   size_t n)
{
    for (size_t i = 0; i < run->nitems; i++) {
        struct examrun_item *it = &run->items[i];
        for (size_t k = 0; k < n; k++) {
            if (strcmp(a[k].question, it->q->id) != 0)
                continue;
            free(it->answer);
            it->answer = a[k].answer[0] != '\0' ? xstrdup(a[k].answer) : NULL;
            it->flagged = a[k].flagged;
        }
    }
}

/* Scores run and stores the result of sitting st (expired: at its deadline). Under
 * s->lock. 0, or -1 (the database; nothing stored). When another request stored a result
 * first, that one is read back into st and run: the first result stands. */
static int serve_exam_finish(struct serve *s, struct examrun *run,
                             struct servedb_sitting *st, int expired)
{
    run->expired = expired;
    examrun_submit(run);        /* no store: scores only */
    int64_t when = expired ? st->deadline : run->sitting.submitted;
    int rc = servedb_sitting_submit(s->db, st->id, when, run->percent, run->passed,
                                    expired);
    if (rc == 1) {
        st->submitted = when, st->percent = run->percent, st->passed = run->passed;
        st->expired = expired;
        return 0;
    }
    if (rc == 0 && servedb_sitting_get(s->db, st->learner, st->id, st) == 1) {
        run->percent = st->percent, run->passed = st->passed, run->expired = st->expired;
        return 0;
    }
    return -1;
}

/* The run of sitting st on the server's course, its answers set; an open sitting past its
 * deadline is submitted (expired) first, a submitted one is scored. Under s->lock.
 * Returns the run (caller frees with examrun_free), or NULL with the answer in *a (404:
 * the exam left the course; 500: the database). */
static struct examrun *serve_exam_load(struct serve *s, struct servedb_sitting *st,
                                       struct serve_answer *a)
{
    const struct exam *ex = course_exam(s->course, st->exam);
    if (ex == NULL) {
        serve_error(a, MHD_HTTP_NOT_FOUND, "exam '%s' is no longer in the server's course",
                    st->exam);
        return NULL;
    }
    struct servedb_answer *answers = NULL;
    size_t n = 0;
    if (servedb_sitting_answers(s->db, st->id, &answers, &n) < 0) {
        serve_db_failed(s, a);
        return NULL;
    }
    struct store_sitting sit = { .id = st->id, .started = st->started,
                                 .deadline = st->deadline, .seed = st->seed };
    snprintf(sit.exam, sizeof sit.exam, "%s", st->exam);
    struct examrun *run = examrun_restore(ex, &sit, NULL, NULL);
    serve_exam_set_answers(run, answers, n);
    servedb_answers_free(answers, n);
    if (st->submitted != 0) {
        examrun_submit(run);    /* the marks of each item; the stored result stands */
        run->sitting.submitted = st->submitted;
        run->percent = st->percent, run->passed = st->passed, run->expired = st->expired;
    } else if (examrun_remaining(run) == 0 && serve_exam_finish(s, run, st, 1) < 0) {
        serve_db_failed(s, a);
        examrun_free(run);
        return NULL;
    }
    return run;
}

int serve_exam_expire(struct serve *s, int64_t class_id, int64_t learner)
{
    struct servedb_sitting *due = NULL;
    size_t n = 0;
    if (servedb_sittings_due(s->db, class_id, learner, serve_exam_now(), &due, &n) < 0)
        return -1;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        struct serve_answer a = { 0 };
        struct examrun *run = serve_exam_load(s, &due[i], &a);
        if (run == NULL && a.status != MHD_HTTP_NOT_FOUND)
            rc = -1;
        examrun_free(run);      /* an exam no longer in the course stays as it is */
        cJSON_Delete(a.json);
    }
    free(due);
    return rc;
}

/* ---- SITTING ----------------------------------------------------------------------- */

/* One question as the learner sees it: options in the shown order, the answer in shown
 * letters (sorted) or as text; no key, no explanation. */
static cJSON *serve_exam_question(const struct examrun_item *it, size_t k)
{
    cJSON *q = cJSON_CreateObject(), *opts = cJSON_CreateArray();
    cJSON_AddNumberToObject(q, "n", (double)k + 1);
    cJSON_AddStringToObject(q, "id", it->q->id);
    if (it->q->topic != NULL)
        cJSON_AddStringToObject(q, "topic", it->q->topic);
    else
        cJSON_AddNullToObject(q, "topic");
    cJSON_AddStringToObject(q, "type", serve_exam_types[it->q->type]);
    cJSON_AddStringToObject(q, "text", it->q->text);
    for (size_t o = 0; o < it->q->noptions; o++)
        cJSON_AddItemToArray(opts, cJSON_CreateString(it->q->options[it->order[o]]));
    cJSON_AddItemToObject(q, "options", opts);
    cJSON_AddNumberToObject(q, "points", it->q->points);
    if (it->answer == NULL) {
        cJSON_AddNullToObject(q, "answer");
    } else if (it->q->noptions > 0) {
        char shown[EXAM_MAX_OPTIONS + 1];
        examrun_shown(it, it->answer, shown, sizeof shown);
        cJSON_AddStringToObject(q, "answer", shown);
    } else {
        cJSON_AddStringToObject(q, "answer", it->answer);
    }
    cJSON_AddBoolToObject(q, "flagged", it->flagged);
    return q;
}

static cJSON *serve_exam_result(const struct examrun *run)
{
    cJSON *res = cJSON_CreateObject(), *items = cJSON_CreateArray();
    cJSON_AddNumberToObject(res, "percent", run->percent);
    cJSON_AddBoolToObject(res, "passed", run->passed);
    cJSON_AddNumberToObject(res, "earned", run->earned);
    cJSON_AddNumberToObject(res, "max", run->max);
    cJSON_AddBoolToObject(res, "expired", run->expired);
    for (size_t i = 0; i < run->nitems; i++) {
        cJSON *it = cJSON_CreateObject();
        cJSON_AddNumberToObject(it, "earned", run->items[i].earned);
        cJSON_AddItemToArray(items, it);
    }
    cJSON_AddItemToObject(res, "items", items);
    return res;
}

/* SITTING (docs/server.md) of run and st. */
static cJSON *serve_exam_sitting_json(const struct examrun *run,
                                      const struct servedb_sitting *st, int resumed)
{
    const struct exam *ex = run->ex;
    cJSON *o = cJSON_CreateObject(), *topics = cJSON_CreateArray();
    cJSON *qs = cJSON_CreateArray();
    cJSON_AddNumberToObject(o, "id", (double)st->id);
    cJSON_AddStringToObject(o, "exam", ex->id);
    cJSON_AddStringToObject(o, "title", ex->title);
    cJSON_AddNumberToObject(o, "minutes", ex->minutes);
    cJSON_AddNumberToObject(o, "pass", ex->pass);
    cJSON_AddNumberToObject(o, "attempt", st->attempt);
    cJSON_AddNumberToObject(o, "attempts", ex->attempts);
    cJSON_AddNumberToObject(o, "deadline", (double)st->deadline);
    cJSON_AddNumberToObject(o, "remaining",
                            st->submitted != 0 ? 0 : (double)examrun_remaining(run));
    cJSON_AddBoolToObject(o, "submitted", st->submitted != 0);
    cJSON_AddBoolToObject(o, "resumed", resumed);
    for (size_t t = 0; t < ex->ntopics; t++) {
        cJSON *topic = cJSON_CreateObject();
        cJSON_AddStringToObject(topic, "name", ex->topics[t].name);
        cJSON_AddNumberToObject(topic, "count", ex->topics[t].count);
        cJSON_AddItemToArray(topics, topic);
    }
    cJSON_AddItemToObject(o, "topics", topics);
    for (size_t i = 0; i < run->nitems; i++)
        cJSON_AddItemToArray(qs, serve_exam_question(&run->items[i], i));
    cJSON_AddItemToObject(o, "questions", qs);
    if (st->submitted != 0)
        cJSON_AddItemToObject(o, "result", serve_exam_result(run));
    return o;
}

/* Answers 200 with SITTING and frees run. */
static int serve_exam_answer_sitting(struct serve_answer *a, struct examrun *run,
                                     const struct servedb_sitting *st, int resumed)
{
    a->status = MHD_HTTP_OK;
    a->json = serve_exam_sitting_json(run, st, resumed);
    examrun_free(run);
    return 0;
}

/* ---- the endpoints ----------------------------------------------------------------- */

/* A sitting's id: 1 to 15 digits, or -1. */
static int64_t serve_exam_id(const char *text, size_t n)
{
    if (n == 0 || n > 15 || strspn(text, "0123456789") < n)
        return -1;
    char digits[16];
    memcpy(digits, text, n);
    digits[n] = '\0';
    return (int64_t)strtoll(digits, NULL, 10);
}

/* The learner's sitting id (-1: the URL named none), loaded under the lock the caller
 * holds into *st: the run, or NULL with the answer in *a (404 as for one unknown when it
 * is another learner's; 500 the database). */
static struct examrun *serve_exam_find(struct serve *s, int64_t learner, int64_t id,
                                       struct servedb_sitting *st, struct serve_answer *a)
{
    int rc = id > 0 ? servedb_sitting_get(s->db, learner, id, st) : 0;
    if (rc < 0)
        serve_db_failed(s, a);
    if (rc == 0)    /* the same words whether it does not exist or is not theirs */
        serve_error(a, MHD_HTTP_NOT_FOUND, "no such sitting");
    return rc == 1 ? serve_exam_load(s, st, a) : NULL;
}

/* POST /api/v1/exams/NAME/sitting */
int serve_exam_start(struct serve *s, const struct serve_req *r, struct serve_answer *a)
{
    int64_t learner;
    if (!serve_auth(s, r, &learner, a))
        return 0;
    const char *slash = strchr(r->rest, '/');
    size_t n = slash != NULL ? (size_t)(slash - r->rest) : strlen(r->rest);
    if (slash == NULL || strcmp(slash, "/sitting") != 0)
        return serve_error(a, MHD_HTTP_NOT_FOUND, "no such endpoint");
    char name[EXAM_ID_MAX + 1];
    snprintf(name, sizeof name, "%.*s", (int)(n < sizeof name ? n : 0), r->rest);
    const struct exam *ex = name[0] != '\0' && strspn(name, "abcdefghijklmnopqrstuvwxyz"
                                                      "0123456789-") == n
                            ? course_exam(s->course, name) : NULL;
    if (ex == NULL)
        return serve_error(a, MHD_HTTP_NOT_FOUND, "no exam of that name in the course");
    uint64_t seed;
    if (RAND_bytes((unsigned char *)&seed, sizeof seed) != 1)
        return serve_error(a, MHD_HTTP_INTERNAL_SERVER_ERROR, "no random bytes for a draw");
    struct servedb_sitting st;
    int used = 0;
    struct examrun *run = NULL;
    pthread_mutex_lock(&s->lock);
    int rc = servedb_sitting_start(s->db, learner, ex->id, ex->attempts, seed,
                                   serve_exam_now(), (int64_t)ex->minutes * s->exam_minute,
                                   &st, &used);
    if (rc < 0)
        serve_db_failed(s, a);
    else if (rc != SERVEDB_SITTING_SPENT)
        run = serve_exam_load(s, &st, a);
    pthread_mutex_unlock(&s->lock);
    if (rc == SERVEDB_SITTING_SPENT)
        return serve_error(a, MHD_HTTP_FORBIDDEN, "no attempts left at exam '%s': %d of %d "
                           "sittings used", ex->id, used, ex->attempts);
    if (run == NULL)
        return 0;
    return serve_exam_answer_sitting(a, run, &st, rc == SERVEDB_SITTING_OPEN);
}

/* GET /api/v1/sittings/ID */
int serve_exam_sitting(struct serve *s, const struct serve_req *r, struct serve_answer *a)
{
    int64_t learner;
    if (!serve_auth(s, r, &learner, a))
        return 0;
    struct servedb_sitting st;
    pthread_mutex_lock(&s->lock);
    int64_t id = serve_exam_id(r->rest, strlen(r->rest));
    struct examrun *run = serve_exam_find(s, learner, id, &st, a);
    pthread_mutex_unlock(&s->lock);
    return run != NULL ? serve_exam_answer_sitting(a, run, &st, 0) : 0;
}

/* An answer's body, checked for its shape (the sitting checks n's range and the answer). */
struct serve_exam_in {
    cJSON *json;
    int64_t n;
    const char *answer;     /* NULL: left out, the stored answer stays */
    int flagged;            /* -1: left out, the stored flag stays */
};

/* Reads r's body into *in: 0, or -1 with a 400 naming the field in *a. */
static int serve_exam_read(const struct serve_req *r, struct serve_exam_in *in,
                           struct serve_answer *a)
{
    in->json = cJSON_ParseWithLength(r->body, r->len);
    if (!cJSON_IsObject(in->json))
        return serve_error(a, MHD_HTTP_BAD_REQUEST, "the body is not a JSON object"), -1;
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(in->json, "n");
    const cJSON *ans = cJSON_GetObjectItemCaseSensitive(in->json, "answer");
    const cJSON *flag = cJSON_GetObjectItemCaseSensitive(in->json, "flagged");
    if (!cJSON_IsNumber(n) || n->valuedouble < 1 || n->valuedouble > 1e6
        || n->valuedouble != (double)(int64_t)n->valuedouble)
        return serve_error(a, MHD_HTTP_BAD_REQUEST, "n: %s", n == NULL ? "missing"
                           : "not a whole number from 1 up"), -1;
    if (ans != NULL && !cJSON_IsString(ans))
        return serve_error(a, MHD_HTTP_BAD_REQUEST, "answer: not a string"), -1;
    if (flag != NULL && !cJSON_IsBool(flag))
        return serve_error(a, MHD_HTTP_BAD_REQUEST, "flagged: not a boolean"), -1;
    if (ans == NULL && flag == NULL)
        return serve_error(a, MHD_HTTP_BAD_REQUEST, "answer: missing (and no flagged "
                           "either)"), -1;
    in->n = (int64_t)n->valuedouble;
    in->answer = ans != NULL ? ans->valuestring : NULL;
    in->flagged = flag != NULL ? cJSON_IsTrue(flag) : -1;
    return 0;
}

/* 409: the sitting takes no answer (its time is up, or it was submitted). */
static int serve_exam_closed(struct serve_answer *a)
{
    serve_error(a, MHD_HTTP_CONFLICT, "time is up: the sitting was submitted");
    cJSON_AddBoolToObject(a->json, "submitted", 1);
    return 0;
}

/* Stores in's answer to its question of run (open, under the lock): fills *a. */
static void serve_exam_store(struct serve *s, struct examrun *run,
                             struct servedb_sitting *st, const struct serve_exam_in *in,
                             struct serve_answer *a)
{
    if (in->n > (int64_t)run->nitems) {
        serve_error(a, MHD_HTTP_BAD_REQUEST, "n: not a whole number from 1 to %zu",
                    run->nitems);
        return;
    }
    struct examrun_item *it = &run->items[in->n - 1];
    char *cause = NULL;
    char *canonical = in->answer != NULL ? examrun_parse(it, in->answer, &cause)
                      : xstrdup(it->answer != NULL ? it->answer : "");
    if (canonical == NULL) {
        serve_error(a, MHD_HTTP_BAD_REQUEST, "answer: %s", cause);
        free(cause);
        return;
    }
    int flagged = in->flagged >= 0 ? in->flagged : it->flagged;
    int rc = servedb_sitting_answer(s->db, st->id, it->q->id, canonical, flagged,
                                    serve_exam_now());
    free(canonical);
    if (rc == 0 && serve_exam_finish(s, run, st, 1) == 0) {     /* the time ran out */
        serve_exam_closed(a);
    } else if (rc != 1) {
        serve_db_failed(s, a);
    } else {
        a->status = MHD_HTTP_OK;
        a->json = cJSON_CreateObject();
        cJSON_AddBoolToObject(a->json, "saved", 1);
        cJSON_AddNumberToObject(a->json, "remaining", (double)examrun_remaining(run));
    }
}

/* POST /api/v1/sittings/ID/answer */
static int serve_exam_answer(struct serve *s, int64_t learner, int64_t id,
                             const struct serve_req *r, struct serve_answer *a)
{
    struct serve_exam_in in = { 0 };
    if (serve_exam_read(r, &in, a) < 0) {
        cJSON_Delete(in.json);
        return 0;
    }
    struct servedb_sitting st;
    pthread_mutex_lock(&s->lock);
    struct examrun *run = serve_exam_find(s, learner, id, &st, a);
    if (run != NULL && st.submitted != 0)
        serve_exam_closed(a);
    else if (run != NULL)
        serve_exam_store(s, run, &st, &in, a);
    pthread_mutex_unlock(&s->lock);
    examrun_free(run);
    cJSON_Delete(in.json);
    return 0;
}

/* POST /api/v1/sittings/ID/submit */
static int serve_exam_submit(struct serve *s, int64_t learner, int64_t id,
                             const struct serve_req *r, struct serve_answer *a)
{
    (void)r;
    struct servedb_sitting st;
    pthread_mutex_lock(&s->lock);
    struct examrun *run = serve_exam_find(s, learner, id, &st, a);
    if (run != NULL && st.submitted == 0 && serve_exam_finish(s, run, &st, 0) < 0) {
        serve_db_failed(s, a);
        examrun_free(run);
        run = NULL;
    }
    pthread_mutex_unlock(&s->lock);
    return run != NULL ? serve_exam_answer_sitting(a, run, &st, 0) : 0;
}

/* What POST /api/v1/sittings/ID/ACTION does, by ACTION. */
static const struct serve_exam_action {
    const char *name;
    int (*run)(struct serve *s, int64_t learner, int64_t id, const struct serve_req *r,
               struct serve_answer *a);
} serve_exam_actions[] = {
    { "answer", serve_exam_answer },
    { "submit", serve_exam_submit },
};

/* POST /api/v1/sittings/ID/ACTION */
int serve_exam_post(struct serve *s, const struct serve_req *r, struct serve_answer *a)
{
    int64_t learner;
    if (!serve_auth(s, r, &learner, a))
        return 0;
    const char *slash = strchr(r->rest, '/');
    for (size_t i = 0; slash != NULL && i < sizeof serve_exam_actions /
                                           sizeof *serve_exam_actions; i++)
        if (strcmp(slash + 1, serve_exam_actions[i].name) == 0)
            return serve_exam_actions[i].run(s, learner,
                                             serve_exam_id(r->rest,
                                                           (size_t)(slash - r->rest)),
                                             r, a);
    return serve_error(a, MHD_HTTP_NOT_FOUND, "no such endpoint");
}

/* The cell of exam in cells, or NULL. */
static const struct servedb_exam_cell *serve_exam_cell(
    const struct servedb_exam_cell *cells, size_t n, const char *exam)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(cells[i].exam, exam) == 0)
            return &cells[i];
    return NULL;
}

/* GET /api/v1/exams */
int serve_exam_list(struct serve *s, const struct serve_req *r, struct serve_answer *a)
{
    int64_t learner;
    if (!serve_auth(s, r, &learner, a))
        return 0;
    struct servedb_exam_cell *cells = NULL;
    size_t n = 0;
    pthread_mutex_lock(&s->lock);
    int rc = serve_exam_expire(s, 0, learner) < 0
             || servedb_exam_cells(s->db, 0, learner, &cells, &n) < 0 ? -1 : 0;
    if (rc < 0)
        serve_db_failed(s, a);
    pthread_mutex_unlock(&s->lock);
    if (rc < 0)
        return 0;
    cJSON *list = cJSON_CreateArray();
    for (size_t i = 0; i < s->course->nexams; i++) {
        const struct exam *ex = s->course->exams[i];
        const struct servedb_exam_cell *c = serve_exam_cell(cells, n, ex->id);
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "id", ex->id);
        cJSON_AddStringToObject(e, "title", ex->title);
        cJSON_AddNumberToObject(e, "minutes", ex->minutes);
        cJSON_AddNumberToObject(e, "questions", ex->draw);
        cJSON_AddNumberToObject(e, "pass", ex->pass);
        cJSON_AddNumberToObject(e, "attempts", ex->attempts);
        cJSON_AddNumberToObject(e, "used", c != NULL ? c->used : 0);
        if (c != NULL && c->best >= 0)
            cJSON_AddNumberToObject(e, "best", c->best);
        else
            cJSON_AddNullToObject(e, "best");
        cJSON_AddBoolToObject(e, "passed", c != NULL && c->passed);
        if (c != NULL && c->open > 0)
            cJSON_AddNumberToObject(e, "open", (double)c->open);
        else
            cJSON_AddNullToObject(e, "open");
        cJSON_AddItemToArray(list, e);
    }
    free(cells);
    a->status = MHD_HTTP_OK;
    a->json = cJSON_CreateObject();
    cJSON_AddItemToObject(a->json, "exams", list);
    return 0;
}
