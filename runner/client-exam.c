/* client-exam.c -- a sitting of an exam kept on the class server, as the learner's
 * program holds it (docs/server.md, "Exams on the server"). The server's answer is read
 * into a bank of its own (the questions in the order shown, options unshuffled, no key)
 * and an examrun whose answers, flags and submission go back to the server through an
 * examrun_remote. Everything the server sends is untrusted: every field is checked, a
 * bad one named, and text is escaped for the terminal before it is kept. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "client.h"
#include "examrun.h"
#include "term.h"
#include "util.h"

/* What a server may send, at most. */
#define CLIENT_EXAM_QUESTIONS 500
#define CLIENT_EXAM_TEXT ((size_t)64 << 10)
/* Waits before trying a request again that got no answer or a 5xx (seconds). */
static const unsigned client_exam_retries[] = { 1, 2, 4 };

/* Owns ex (its strings), run and the URL prefix. */
struct client_exam {
    const struct client_server *srv;    /* borrowed */
    struct exam *ex;
    struct examrun *run;
    struct examrun_remote remote;
    char *base;                         /* ".../api/v1/sittings/ID" */
};

/* ---- reading the server's answer -------------------------------------------------- */

/* A reading of one JSON answer: the first problem found, naming its field. */
struct client_exam_read {
    char err[256];
};

static int client_exam_bad(struct client_exam_read *rd, const char *field, const char *why)
{
    if (rd->err[0] == '\0')
        snprintf(rd->err, sizeof rd->err, "%s: %s", field, why);
    return -1;
}

/* The number at o's key from lo to hi (whole when whole is set) into *out, else -1 with
 * the problem named. */
static int client_exam_number(struct client_exam_read *rd, const cJSON *o, const char *key,
                              const char *where, double lo, double hi, int whole,
                              double *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    char field[96];
    snprintf(field, sizeof field, "%s%s", where, key);
    if (!cJSON_IsNumber(v) || v->valuedouble < lo || v->valuedouble > hi
        || (whole && v->valuedouble != (double)(int64_t)v->valuedouble))
        return client_exam_bad(rd, field, whole ? "not a whole number in range"
                                                : "not a number in range");
    *out = v->valuedouble;
    return 0;
}

static int client_exam_int(struct client_exam_read *rd, const cJSON *o, const char *key,
                           const char *where, double lo, double hi, int64_t *out)
{
    double v;
    if (client_exam_number(rd, o, key, where, lo, hi, 1, &v) < 0)
        return -1;
    *out = (int64_t)v;
    return 0;
}

static int client_exam_num(struct client_exam_read *rd, const cJSON *o, const char *key,
                           const char *where, double *out)
{
    return client_exam_number(rd, o, key, where, 0, 1e6, 0, out);
}

static int client_exam_bool(struct client_exam_read *rd, const cJSON *o, const char *key,
                            const char *where, int *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    char field[96];
    snprintf(field, sizeof field, "%s%s", where, key);
    if (!cJSON_IsBool(v))
        return client_exam_bad(rd, field, "not a boolean");
    *out = cJSON_IsTrue(v);
    return 0;
}

/* An escaped copy of the string at o's key (NULL allowed when nullable); -1 when it is
 * missing, too long or not a string. */
static int client_exam_str(struct client_exam_read *rd, const cJSON *o, const char *key,
                           const char *where, int nullable, char **out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    char field[96];
    snprintf(field, sizeof field, "%s%s", where, key);
    *out = NULL;
    if (nullable && (v == NULL || cJSON_IsNull(v)))
        return 0;
    if (!cJSON_IsString(v) || strlen(v->valuestring) > CLIENT_EXAM_TEXT)
        return client_exam_bad(rd, field, "not a string of at most 64 KiB");
    *out = term_escape_controls(v->valuestring);
    return 0;
}

/* The question types a server names, as the bank's. */
static const struct {
    const char *name;
    enum exam_qtype type;
} client_exam_types[] = {
    { "single", EXAM_SINGLE },
    { "multiple", EXAM_MULTIPLE },
    { "short", EXAM_EXACT },
};

static int client_exam_type(struct client_exam_read *rd, const cJSON *q, const char *where,
                            enum exam_qtype *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(q, "type");
    for (size_t i = 0; cJSON_IsString(v) && i < sizeof client_exam_types /
                                                sizeof client_exam_types[0]; i++)
        if (strcmp(v->valuestring, client_exam_types[i].name) == 0) {
            *out = client_exam_types[i].type;
            return 0;
        }
    char field[96];
    snprintf(field, sizeof field, "%stype", where);
    return client_exam_bad(rd, field, "not single, multiple or short");
}

static int client_exam_options(struct client_exam_read *rd, const cJSON *j, const char *where,
                               struct exam_question *q)
{
    const cJSON *opts = cJSON_GetObjectItemCaseSensitive(j, "options");
    char field[96];
    snprintf(field, sizeof field, "%soptions", where);
    int n = cJSON_GetArraySize(opts);
    int choice = q->type != EXAM_EXACT;
    if (!cJSON_IsArray(opts) || n > EXAM_MAX_OPTIONS || (choice ? n < 2 : n != 0))
        return client_exam_bad(rd, field, choice ? "not an array of 2 to 8 strings"
                                                 : "not an empty array");
    const cJSON *o;
    cJSON_ArrayForEach(o, opts) {
        if (!cJSON_IsString(o) || strlen(o->valuestring) > CLIENT_EXAM_TEXT)
            return client_exam_bad(rd, field, "not an array of strings");
        q->options[q->noptions++] = term_escape_controls(o->valuestring);
    }
    return 0;
}

/* Question k of the answer into q (which the caller frees with the bank). */
static int client_exam_question(struct client_exam_read *rd, const cJSON *j, size_t k,
                                struct exam_question *q)
{
    char where[48];
    snprintf(where, sizeof where, "questions[%zu].", k);
    int64_t n, points;
    if (!cJSON_IsObject(j))
        return client_exam_bad(rd, where, "not an object");
    if (client_exam_int(rd, j, "n", where, (double)k + 1, (double)k + 1, &n) < 0
        || client_exam_str(rd, j, "id", where, 0, &q->id) < 0
        || client_exam_str(rd, j, "topic", where, 1, &q->topic) < 0
        || client_exam_type(rd, j, where, &q->type) < 0
        || client_exam_str(rd, j, "text", where, 0, &q->text) < 0
        || client_exam_int(rd, j, "points", where, 1, 10, &points) < 0
        || client_exam_options(rd, j, where, q) < 0)
        return -1;
    q->points = (int)points;
    return 0;
}

static int client_exam_topics(struct client_exam_read *rd, const cJSON *o, struct exam *ex)
{
    const cJSON *ts = cJSON_GetObjectItemCaseSensitive(o, "topics");
    int n = cJSON_GetArraySize(ts);
    if (!cJSON_IsArray(ts) || n > CLIENT_EXAM_QUESTIONS)
        return client_exam_bad(rd, "topics", "not an array");
    ex->topics = xcalloc((size_t)n + 1, sizeof *ex->topics);
    const cJSON *t;
    cJSON_ArrayForEach(t, ts) {
        char where[32];
        snprintf(where, sizeof where, "topics[%zu].", ex->ntopics);
        int64_t count;
        struct exam_topic *et = &ex->topics[ex->ntopics];
        if (!cJSON_IsObject(t) || client_exam_str(rd, t, "name", where, 0, &et->name) < 0)
            return client_exam_bad(rd, where, "not an object with a name");
        ex->ntopics++;
        if (client_exam_int(rd, t, "count", where, 0, CLIENT_EXAM_QUESTIONS, &count) < 0)
            return -1;
        et->count = (int)count;
    }
    return 0;
}

/* The bank of a SITTING answer: its settings, topics and questions. NULL with rd->err. */
static struct exam *client_exam_bank(struct client_exam_read *rd, const cJSON *o)
{
    struct exam *ex = xcalloc(1, sizeof *ex);
    int64_t minutes, pass, attempts;
    const cJSON *qs = cJSON_GetObjectItemCaseSensitive(o, "questions");
    int n = cJSON_GetArraySize(qs);
    if (client_exam_str(rd, o, "exam", "", 0, &ex->id) < 0
        || client_exam_str(rd, o, "title", "", 0, &ex->title) < 0
        || client_exam_int(rd, o, "minutes", "", 1, 24 * 60, &minutes) < 0
        || client_exam_int(rd, o, "pass", "", 0, 100, &pass) < 0
        || client_exam_int(rd, o, "attempts", "", 0, 1000, &attempts) < 0
        || client_exam_topics(rd, o, ex) < 0)
        goto bad;
    if (!cJSON_IsArray(qs) || n < 1 || n > CLIENT_EXAM_QUESTIONS) {
        client_exam_bad(rd, "questions", "not an array of 1 to 500 questions");
        goto bad;
    }
    ex->questions = xcalloc((size_t)n, sizeof *ex->questions);
    const cJSON *q;
    cJSON_ArrayForEach(q, qs) {
        size_t k = ex->nquestions++;
        if (client_exam_question(rd, q, k, &ex->questions[k]) < 0)
            goto bad;
    }
    ex->minutes = (int)minutes;
    ex->pass = (int)pass;
    ex->attempts = (int)attempts;
    ex->draw = n;
    ex->track = xstrdup("all");
    ex->path = xstrdup("(the class server)");
    return ex;
bad:
    exam_free(ex);
    return NULL;
}

/* The answers and flags of a SITTING answer into the run's items. */
static int client_exam_answers(struct client_exam_read *rd, const cJSON *o, struct examrun *r)
{
    const cJSON *qs = cJSON_GetObjectItemCaseSensitive(o, "questions");
    size_t k = 0;
    const cJSON *q;
    cJSON_ArrayForEach(q, qs) {
        char where[48];
        snprintf(where, sizeof where, "questions[%zu].", k);
        struct examrun_item *it = &r->items[k++];
        char *text, *cause = NULL;
        if (client_exam_str(rd, q, "answer", where, 1, &text) < 0
            || client_exam_bool(rd, q, "flagged", where, &it->flagged) < 0)
            return -1;
        char *a = text ? examrun_parse(it, text, &cause) : NULL;
        free(text);
        if (cause != NULL) {
            snprintf(where + strlen(where), sizeof where - strlen(where), "answer");
            client_exam_bad(rd, where, cause);
            free(cause);
            return -1;
        }
        free(it->answer);
        it->answer = a && a[0] ? a : NULL;
        if (it->answer == NULL)
            free(a);
    }
    return 0;
}

/* The "result" of a submitted SITTING answer into the run. */
static int client_exam_result(struct client_exam_read *rd, const cJSON *o, struct examrun *r)
{
    const cJSON *res = cJSON_GetObjectItemCaseSensitive(o, "result");
    int64_t percent;
    if (!cJSON_IsObject(res))
        return client_exam_bad(rd, "result", "not an object");
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(res, "items");
    if (client_exam_int(rd, res, "percent", "result.", 0, 100, &percent) < 0
        || client_exam_bool(rd, res, "passed", "result.", &r->passed) < 0
        || client_exam_num(rd, res, "earned", "result.", &r->earned) < 0
        || client_exam_num(rd, res, "max", "result.", &r->max) < 0
        || client_exam_bool(rd, res, "expired", "result.", &r->expired) < 0)
        return -1;
    if (!cJSON_IsArray(items) || (size_t)cJSON_GetArraySize(items) != r->nitems)
        return client_exam_bad(rd, "result.items", "not an array of one per question");
    size_t k = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, items) {
        char where[48];
        snprintf(where, sizeof where, "result.items[%zu].", k);
        if (client_exam_num(rd, it, "earned", where, &r->items[k].earned) < 0)
            return -1;
        if (r->items[k].earned > r->items[k].q->points)
            return client_exam_bad(rd, where, "earned more than the question's points");
        k++;
    }
    r->percent = (int)percent;
    r->submitted = 1;
    r->sitting.score = r->percent;
    r->sitting.max_score = 100;
    r->sitting.passed = r->passed;
    return 0;
}

/* Sets the run's clock from the answer's "remaining" (the server's count, on the local
 * clock from now). */
static int client_exam_clock(struct client_exam_read *rd, const cJSON *o, struct examrun *r)
{
    int64_t left;
    if (client_exam_int(rd, o, "remaining", "", 0, 7 * 24 * 3600, &left) < 0)
        return -1;
    r->sitting.deadline = (int64_t)time(NULL) + left;
    return 0;
}

/* ---- talking to the server -------------------------------------------------------- */

/* Posts in to url, trying again after client_exam_retries when there is no answer or a
 * 5xx. Returns the status with *out (a 2xx's JSON object, or NULL), or -1 with
 * *cause. */
static long client_exam_post(const struct client_server *s, const char *url, const cJSON *in,
                             cJSON **out, char **cause)
{
    long st = -1;
    for (size_t i = 0;; i++) {
        *cause = NULL;
        st = client_post_json(url, s->token, in, out, cause);
        if ((st >= 0 && st < 500) || i == sizeof client_exam_retries /
                                            sizeof client_exam_retries[0])
            return st;
        free(*cause);
        cJSON_Delete(*out);
        *out = NULL;
        sleep(client_exam_retries[i]);
    }
}

static int client_exam_fail(struct examrun *r, char *cause)
{
    snprintf(r->remote_err, sizeof r->remote_err, "%s", cause ? cause : "no answer");
    free(cause);
    return -1;
}

static int client_exam_save(struct examrun *r, size_t i)
{
    struct client_exam *ce = r->remote->ctx;
    const struct examrun_item *it = &r->items[i];
    cJSON *in = cJSON_CreateObject(), *out = NULL;
    cJSON_AddNumberToObject(in, "n", (double)i + 1);
    cJSON_AddStringToObject(in, "answer", it->answer ? it->answer : "");
    cJSON_AddBoolToObject(in, "flagged", it->flagged);
    char *url = xasprintf("%s/answer", ce->base), *cause = NULL;
    long st = client_exam_post(ce->srv, url, in, &out, &cause);
    free(url);
    cJSON_Delete(in);
    struct client_exam_read rd = { .err = "" };
    int rc = st == 409 ? 1 : st == 200 && out != NULL && client_exam_clock(&rd, out, r) == 0
                                 ? 0 : -1;
    cJSON_Delete(out);
    if (rc == 1)
        free(cause);
    else if (rc < 0)
        return client_exam_fail(r, cause ? cause : xasprintf("the server's answer: %s",
                                                              rd.err));
    return rc;
}

static int client_exam_submit(struct examrun *r)
{
    struct client_exam *ce = r->remote->ctx;
    cJSON *in = cJSON_CreateObject(), *out = NULL;
    char *url = xasprintf("%s/submit", ce->base), *cause = NULL;
    long st = client_exam_post(ce->srv, url, in, &out, &cause);
    free(url);
    cJSON_Delete(in);
    struct client_exam_read rd = { .err = "" };
    int expired = r->expired;
    int rc = st == 200 && out != NULL && client_exam_result(&rd, out, r) == 0 ? 0 : -1;
    r->expired |= expired;
    cJSON_Delete(out);
    if (rc < 0)
        return client_exam_fail(r, cause ? cause : xasprintf("the server's answer: %s",
                                                              rd.err));
    return 0;
}

/* ---- the sitting -------------------------------------------------------------------- */

/* A run of the SITTING answer o. NULL with an allocated *cause. */
static struct client_exam *client_exam_adopt(const struct client_server *s, const cJSON *o,
                                             char **cause)
{
    struct client_exam_read rd = { .err = "" };
    int64_t id, attempt, deadline;
    int submitted, resumed;
    struct exam *ex = NULL;
    if (client_exam_int(&rd, o, "id", "", 1, 4503599627370496.0, &id) < 0
        || client_exam_int(&rd, o, "attempt", "", 1, 1000000, &attempt) < 0
        || client_exam_int(&rd, o, "deadline", "", 0, 1e15, &deadline) < 0
        || client_exam_bool(&rd, o, "submitted", "", &submitted) < 0
        || client_exam_bool(&rd, o, "resumed", "", &resumed) < 0
        || (ex = client_exam_bank(&rd, o)) == NULL) {
        *cause = xasprintf("the server's sitting: %s", rd.err);
        return NULL;
    }
    struct client_exam *ce = xcalloc(1, sizeof *ce);
    ce->srv = s;
    ce->ex = ex;
    ce->base = xasprintf("%s/api/v1/sittings/%lld", s->url, (long long)id);
    ce->remote = (struct examrun_remote){ .save = client_exam_save,
                                          .submit = client_exam_submit, .ctx = ce };
    struct store_sitting st = { .id = id, .seed = 0 };
    snprintf(st.exam, sizeof st.exam, "%s", ex->id);
    ce->run = examrun_remote_new(ex, &st, &ce->remote);
    ce->run->resumed = resumed;
    ce->run->used = (int)attempt - 1;
    if (client_exam_clock(&rd, o, ce->run) < 0 || client_exam_answers(&rd, o, ce->run) < 0
        || (submitted && client_exam_result(&rd, o, ce->run) < 0)) {
        *cause = xasprintf("the server's sitting: %s", rd.err);
        client_exam_free(ce);
        return NULL;
    }
    ce->run->sitting.started = ce->run->sitting.deadline - (int64_t)ex->minutes * 60;
    return ce;
}

int client_exam_begin(const struct client_server *s, const char *name,
                      struct client_exam **out, char **cause, int *user_fault)
{
    *out = NULL;
    *user_fault = 0;
    size_t n = strlen(name);
    if (n == 0 || n > EXAM_ID_MAX || strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-") != n) {
        *cause = xstrdup("an exam's name is 1 to 31 of a-z, 0-9 and '-'");
        *user_fault = 1;
        return -1;
    }
    char *url = xasprintf("%s/api/v1/exams/%s/sitting", s->url, name);
    cJSON *in = cJSON_CreateObject(), *o = NULL;
    long st = client_exam_post(s, url, in, &o, cause);
    free(url);
    cJSON_Delete(in);
    if (st < 200 || st > 299 || o == NULL) {
        *user_fault = st >= 400 && st < 500;
        if (*cause == NULL)
            *cause = xstrdup("the server's answer is empty");
        cJSON_Delete(o);
        return -1;
    }
    *out = client_exam_adopt(s, o, cause);
    cJSON_Delete(o);
    return *out ? 0 : -1;
}

struct examrun *client_exam_run(struct client_exam *ce)
{
    return ce->run;
}

void client_exam_free(struct client_exam *ce)
{
    if (ce == NULL)
        return;
    examrun_free(ce->run);
    exam_free(ce->ex);
    free(ce->base);
    free(ce);
}
