/* checker.c -- lab 12's hidden tests: has the driver serve the learner's todo API, then
 * talks real HTTP (JSON) to it with libcurl: CRUD with random titles, ids, filters,
 * 404/405/415, malformed JSON, wrong types, missing and unknown fields (400 with a JSON
 * error naming the field), rejected requests changing nothing, exact round trips of
 * awkward text, and several clients at once. It keeps its own model of the list and
 * reads answers with a small strict JSON reader of its own. Run as `checker SEED`. */
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "tap.h"
#include "wire.h"
#include "httpcheck.h"
#include "jsonread.h"

#define MAXT 256            /* todos in the model */
#define NTHREADS 4
#define PER_THREAD 12

/* ---- HTTP ------------------------------------------------------------------------- */

static int port = -1;

/* One request on handle h (kept alive between calls). ctype NULL: no Content-Type.
 * Returns 0 when an answer came, else -1 (rep->error says why). rep is always filled. */
static int http(CURL *h, const char *method, const char *path, const char *ctype,
                const char *body, struct hc_reply *rep)
{
    char url[512], ct[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
    snprintf(ct, sizeof ct, "Content-Type:%s%s", ctype ? " " : "", ctype ? ctype : "");
    struct curl_slist *hdrs = curl_slist_append(NULL, "Expect:");
    hdrs = curl_slist_append(hdrs, ct);
    curl_easy_reset(h);
    hc_setup(h, url, 8000L, HC_HEADERS | HC_BODIES, rep);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    if (body != NULL) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    }
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    int rc = port > 0 ? hc_perform(h, rep) : hc_fail(rep, "the server did not start");
    curl_slist_free_all(hdrs);
    return rc;
}

/* ---- verdicts: the first problem of a test is kept and reported ------------------- */

struct verdict {
    int failed;
    char message[200];
    struct wire_buf got, want, transcript;
};

/* Records a problem (only the first counts). rep may be NULL. */
static void fail(struct verdict *v, const struct hc_reply *rep, const char *message,
                 const char *got, const char *want)
{
    if (v->failed++)
        return;
    snprintf(v->message, sizeof v->message, "%s", message);
    wire_buf_str(&v->got, got ? got : "");
    wire_buf_str(&v->want, want ? want : "");
    if (rep != NULL && rep->transcript.data != NULL)
        wire_buf_str(&v->transcript, rep->transcript.data);
}

/* 1 once the subject has exited: it never writes unless asked, so fd 3 turning
 * readable means end of file. */
static int subject_gone(void)
{
    static int gone;
    struct pollfd pfd = {.fd = WIRE_IN, .events = POLLIN};
    if (!gone && poll(&pfd, 1, 0) > 0)
        gone = 1;
    return gone;
}

static void verdict_clear(struct verdict *v)
{
    wire_buf_free(&v->got);
    wire_buf_free(&v->want);
    wire_buf_free(&v->transcript);
    memset(v, 0, sizeof *v);
}

/* Writes the test's TAP line: ok, or the first problem with its transcript. */
static void finish(struct verdict *v, int line, const char *test)
{
    if (!v->failed) {
        tap_ok(__FILE__, line, 1, "%s", test);
    } else if (subject_gone()) {
        tap_fail_with(__FILE__, line, "the program stopped answering", NULL, NULL, "%s", test);
    } else {
        if (v->transcript.data)
            tap_attach("transcript", v->transcript.data);
        tap_fail_with(__FILE__, line, v->message, v->got.data, v->want.data, "%s", test);
    }
    verdict_clear(v);
}
#define FINISH(v, test) finish((v), __LINE__, (test))

/* ---- the model ---------------------------------------------------------------------- */

struct mtodo {
    long long id;
    char title[1024];           /* UTF-8 */
    int done;
};

static struct mtodo model[MAXT];
static int nmodel;
static long long next_id = 1;

static struct mtodo *model_find(long long id)
{
    for (int i = 0; i < nmodel; i++)
        if (model[i].id == id)
            return &model[i];
    return NULL;
}

/* Checks status, a JSON Content-Type and parses the body; returns the value (caller
 * frees) or NULL after recording the problem. */
static struct jv *expect_json(struct verdict *v, int ok, const struct hc_reply *rep, long status)
{
    char got[CURL_ERROR_SIZE + 64], want[64], ct[128];
    snprintf(want, sizeof want, "%ld", status);
    if (!ok) {
        snprintf(got, sizeof got, "no HTTP answer: %s", rep->error);
        return fail(v, rep, "no HTTP answer", got, want), NULL;
    }
    if (rep->status != status) {
        snprintf(got, sizeof got, "%ld", rep->status);
        return fail(v, rep, "wrong status", got, want), NULL;
    }
    if (!hc_find_header(rep->headers.data, "Content-Type", ct, sizeof ct)
        || strncasecmp(ct, "application/json", 16) != 0)
        return fail(v, rep, "the answer is not JSON (Content-Type)", ct, "application/json"), NULL;
    struct jv *j = jv_parse(rep->body.data, rep->body.len);
    if (j == NULL) {
        struct wire_buf g = {0};
        wire_buf_escaped(&g, rep->body.data, rep->body.len < 300 ? rep->body.len : 300, 0);
        fail(v, rep, "the body is not valid JSON", g.data ? g.data : "", "a JSON value");
        wire_buf_free(&g);
    }
    return j;
}

/* Writes a todo as readable text. */
static void todo_text(char *out, size_t cap, long long id, const char *title, int done)
{
    struct wire_buf b = {0};
    wire_buf_escaped(&b, title, strlen(title), 0);
    snprintf(out, cap, "{\"id\": %lld, \"title\": \"%.900s\", \"done\": %s}", id,
             b.data ? b.data : "", done ? "true" : "false");
    wire_buf_free(&b);
}

/* Compares a JSON value with the model's todo t; records a problem. Returns 0 or -1. */
static int same_todo(struct verdict *v, const struct hc_reply *rep, const struct jv *j,
                     const struct mtodo *t)
{
    const struct jv *id = jv_get(j, "id"), *title = jv_get(j, "title"), *done = jv_get(j, "done");
    char got[1200], want[1200];
    todo_text(want, sizeof want, t->id, t->title, t->done);
    if (j && j->t == JOBJ && id && id->t == JNUM && id->is_int && (long long)id->num == t->id
        && title && title->t == JSTR && strcmp(title->s.data, t->title) == 0
        && strlen(t->title) == title->s.len && done && done->t == JBOOL && done->b == t->done)
        return 0;
    if (j && j->t == JOBJ && id && id->t == JNUM && title && title->t == JSTR && done
        && done->t == JBOOL)
        todo_text(got, sizeof got, (long long)id->num, title->s.data, done->b);
    else
        snprintf(got, sizeof got, "%.1100s", rep->body.data ? rep->body.data : "");
    fail(v, rep, "wrong todo", got, want);
    return -1;
}

/* Expects `status` with the todo t as JSON. */
static void expect_todo(struct verdict *v, int ok, const struct hc_reply *rep, long status,
                        const struct mtodo *t)
{
    struct jv *j = expect_json(v, ok, rep, status);
    if (j != NULL)
        same_todo(v, rep, j, t);
    jv_free(j);
}

/* Expects an error answer: status and {"error": "..."} mentioning `word` (may be NULL). */
static void expect_error(struct verdict *v, int ok, const struct hc_reply *rep, long status,
                         const char *word)
{
    char want[160];
    struct jv *j = expect_json(v, ok, rep, status);
    const struct jv *e = jv_get(j, "error");
    snprintf(want, sizeof want, "{\"error\": \"...%s...\"}", word ? word : "");
    if (j != NULL && (e == NULL || e->t != JSTR || e->s.len == 0))
        fail(v, rep, "the error body has no \"error\" message", rep->body.data, want);
    else if (j != NULL && word != NULL && strstr(e->s.data, word) == NULL)
        fail(v, rep, "the error message does not name the field", e->s.data, want);
    jv_free(j);
}

/* Expects the list (GET path) to equal the model's todos with done == filter (-1: all). */
static void expect_list(struct verdict *v, CURL *h, const char *path, int filter)
{
    struct hc_reply rep;
    char got[64], want[64];
    struct jv *j = expect_json(v, http(h, "GET", path, NULL, NULL, &rep) == 0, &rep, 200);
    size_t k = 0;
    if (j != NULL && j->t != JARR)
        fail(v, &rep, "the list is not a JSON array", rep.body.data, "[...]");
    for (int i = 0; j != NULL && j->t == JARR && i < nmodel; i++) {
        if (filter >= 0 && model[i].done != filter)
            continue;
        if (k >= j->n) {
            snprintf(got, sizeof got, "%zu todos", j->n);
            snprintf(want, sizeof want, "todo %lld at index %zu", model[i].id, k);
            fail(v, &rep, "a todo is missing from the list", got, want);
            break;
        }
        if (same_todo(v, &rep, j->items[k++], &model[i]) < 0)
            break;
    }
    if (j != NULL && j->t == JARR && k < j->n && !v->failed) {
        snprintf(got, sizeof got, "%zu todos", j->n);
        snprintf(want, sizeof want, "%zu todos", k);
        fail(v, &rep, "the list has todos it should not have", got, want);
    }
    jv_free(j);
    hc_reply_free(&rep);
}

/* ---- random data ---------------------------------------------------------------------- */

static struct wire_rng rng;
static const char alnum[] = "abcdefghijklmnopqrstuvwxyz0123456789";

static void rand_word(char *out, size_t lo, size_t hi)
{
    wire_rng_word(&rng, out, alnum, sizeof alnum - 1, lo, hi);
}

/* A title of 1..6 words; with awkward set, pieces that JSON must escape or encode. */
static void rand_title(char *out, size_t cap, int awkward)
{
    static const char *const odd[] = {
        "\"quoted\"", "back\\slash", "line\nbreak", "tab\there", "caf\xc3\xa9",
        "\xe6\x97\xa5\xe6\x9c\xac", "\xf0\x9f\x98\x80", "</script>", "a/b", "\x01", "{}[],:",
    };
    size_t words = 1 + (size_t)wire_rng_below(&rng, 6), at = 0;
    out[0] = '\0';
    for (size_t i = 0; i < words && at + 40 < cap; i++) {
        char w[24];
        rand_word(w, 1, 10);
        const char *piece = awkward && wire_rng_below(&rng, 2) ? odd[wire_rng_below(&rng, 11)] : w;
        at += (size_t)snprintf(out + at, cap - at, "%s%s", i ? " " : "", piece);
    }
}

/* {"title": TITLE[, "done": DONE]} with done < 0 leaving it out. */
static char *todo_body(const char *title, int done)
{
    struct wire_buf b = {0};
    wire_buf_str(&b, "{\"title\": ");
    json_quote(&b, title);
    if (done >= 0)
        wire_buf_str(&b, done ? ", \"done\": true}" : ", \"done\": false}");
    else
        wire_buf_str(&b, "}");
    return b.data;
}

/* POSTs `body` and checks the answer against the model, which gains the todo
 * (title, done). */
static void create_raw(struct verdict *v, CURL *h, const char *body, const char *title, int done)
{
    struct hc_reply rep;
    int ok = http(h, "POST", "/todos", "application/json", body, &rep) == 0;
    struct mtodo *t = &model[nmodel < MAXT ? nmodel++ : MAXT - 1];
    char loc[128], want[64];
    t->id = next_id++;
    snprintf(t->title, sizeof t->title, "%s", title);
    t->done = done > 0;
    expect_todo(v, ok, &rep, 201, t);
    snprintf(want, sizeof want, "/todos/%lld", t->id);
    size_t ln = hc_find_header(rep.headers.data, "Location", loc, sizeof loc) ? strlen(loc) : 0;
    if (ok && (ln < strlen(want) || strcmp(loc + ln - strlen(want), want) != 0))
        fail(v, &rep, "wrong or missing Location header", ln ? loc : "(absent)", want);
    hc_reply_free(&rep);
}

/* POSTs a new todo (done < 0: not sent, so false). */
static void create(struct verdict *v, CURL *h, const char *title, int done)
{
    char *body = todo_body(title, done);
    create_raw(v, h, body, title, done);
    free(body);
}

/* ---- the tests ------------------------------------------------------------------------ */

static void test_crud(CURL *h)
{
    struct verdict v = {0};
    struct hc_reply rep;
    char path[96], title[512];
    expect_list(&v, h, "/todos", -1);
    FINISH(&v, "GET /todos on a new app answers 200 with an empty JSON array");

    int k = 5 + (int)wire_rng_below(&rng, 4);
    for (int i = 0; i < k; i++) {
        rand_title(title, sizeof title, 0);
        create(&v, h, title, (int)wire_rng_below(&rng, 3) - 1);
    }
    FINISH(&v, "POST /todos answers 201 with the new todo, ids 1, 2, 3... and its Location");

    for (int i = 0; i < nmodel; i++) {
        snprintf(path, sizeof path, "/todos/%lld", model[i].id);
        expect_todo(&v, http(h, "GET", path, NULL, NULL, &rep) == 0, &rep, 200, &model[i]);
        hc_reply_free(&rep);
    }
    FINISH(&v, "GET /todos/<id> answers 200 with that todo");
    expect_list(&v, h, "/todos", -1);
    FINISH(&v, "GET /todos lists every todo in id order");
    expect_list(&v, h, "/todos?done=true", 1);
    expect_list(&v, h, "/todos?done=false", 0);
    FINISH(&v, "GET /todos?done=true and ?done=false list only those todos");

    struct mtodo *t = &model[wire_rng_below(&rng, (uint64_t)nmodel)];
    rand_title(t->title, sizeof t->title, 0);
    t->done = !t->done;
    char *body = todo_body(t->title, t->done);
    snprintf(path, sizeof path, "/todos/%lld", t->id);
    expect_todo(&v, http(h, "PUT", path, "application/json", body, &rep) == 0, &rep, 200, t);
    hc_reply_free(&rep);
    free(body);
    expect_todo(&v, http(h, "GET", path, NULL, NULL, &rep) == 0, &rep, 200, t);
    hc_reply_free(&rep);
    FINISH(&v, "PUT /todos/<id> replaces title and done");

    t = &model[wire_rng_below(&rng, (uint64_t)nmodel)];
    snprintf(path, sizeof path, "/todos/%lld", t->id);
    t->done = !t->done;
    expect_todo(&v, http(h, "PATCH", path, "application/json",
                         t->done ? "{\"done\": true}" : "{\"done\": false}", &rep) == 0,
                &rep, 200, t);
    hc_reply_free(&rep);
    rand_title(t->title, sizeof t->title, 0);
    body = todo_body(t->title, -1);
    expect_todo(&v, http(h, "PATCH", path, "application/json", body, &rep) == 0, &rep, 200, t);
    hc_reply_free(&rep);
    free(body);
    expect_todo(&v, http(h, "PATCH", path, "application/json", "{}", &rep) == 0, &rep, 200, t);
    hc_reply_free(&rep);
    FINISH(&v, "PATCH /todos/<id> changes only the fields sent");
}

static void test_delete(CURL *h)
{
    struct verdict v = {0};
    struct hc_reply rep;
    char path[96], title[512];
    /* The newest todo goes: a store that reuses ids would hand its id out again. */
    struct mtodo gone = model[nmodel - 1];
    snprintf(path, sizeof path, "/todos/%lld", gone.id);
    int ok = http(h, "DELETE", path, NULL, NULL, &rep) == 0;
    char got[64];
    snprintf(got, sizeof got, "%ld, %zu bytes", rep.status, rep.body.len);
    if (!ok || rep.status != 204 || rep.body.len != 0)
        fail(&v, &rep, "DELETE should answer 204 with no body", ok ? got : rep.error,
             "204, 0 bytes");
    hc_reply_free(&rep);
    nmodel--;
    expect_error(&v, http(h, "GET", path, NULL, NULL, &rep) == 0, &rep, 404, NULL);
    hc_reply_free(&rep);
    if (nmodel > 1) {                        /* one from the middle: the rest stay listed */
        char mid[96];
        int at = (int)wire_rng_below(&rng, (uint64_t)nmodel - 1);
        snprintf(mid, sizeof mid, "/todos/%lld", model[at].id);
        ok = http(h, "DELETE", mid, NULL, NULL, &rep) == 0;
        snprintf(got, sizeof got, "%ld, %zu bytes", rep.status, rep.body.len);
        if (!ok || rep.status != 204 || rep.body.len != 0)
            fail(&v, &rep, "DELETE should answer 204 with no body", ok ? got : rep.error,
                 "204, 0 bytes");
        hc_reply_free(&rep);
        memmove(&model[at], &model[at + 1], (size_t)(nmodel - at - 1) * sizeof *model);
        nmodel--;
        expect_list(&v, h, "/todos", -1);
    }
    FINISH(&v, "DELETE /todos/<id> answers 204, then the todo is gone (404) and the rest listed");
    expect_error(&v, http(h, "DELETE", path, NULL, NULL, &rep) == 0, &rep, 404, NULL);
    hc_reply_free(&rep);
    FINISH(&v, "a second DELETE of the same todo answers 404 with a JSON error");
    rand_title(title, sizeof title, 0);
    create(&v, h, title, 0);
    FINISH(&v, "ids are never reused: the next todo after a delete gets a new id");
}

static void test_not_found(CURL *h)
{
    static const char *const methods[] = {"GET", "PUT", "PATCH", "DELETE"};
    struct verdict v = {0};
    struct hc_reply rep;
    char path[96], word[16];
    for (int i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "/todos/%lld", next_id + 1000 + (long long)wire_rng_below(&rng, 90000));
        int body = i == 1 || i == 2;
        expect_error(&v, http(h, methods[i], path, body ? "application/json" : NULL,
                              body ? "{\"title\": \"x\", \"done\": true}" : NULL, &rep) == 0,
                     &rep, 404, NULL);
        hc_reply_free(&rep);
    }
    FINISH(&v, "GET, PUT, PATCH, DELETE of an unknown id answer 404 with a JSON error");
    rand_word(word, 3, 10);
    snprintf(path, sizeof path, "/todos/%s", word);
    expect_error(&v, http(h, "GET", path, NULL, NULL, &rep) == 0, &rep, 404, NULL);
    hc_reply_free(&rep);
    snprintf(path, sizeof path, "/%s", word);
    expect_error(&v, http(h, "GET", path, NULL, NULL, &rep) == 0, &rep, 404, NULL);
    hc_reply_free(&rep);
    expect_error(&v, http(h, "GET", "/todos/99999999999999999999999", NULL, NULL, &rep) == 0,
                 &rep, 404, NULL);
    hc_reply_free(&rep);
    FINISH(&v, "paths no rule matches (/todos/word, /word, a huge id) answer 404 with a JSON error");

    char allow[128];
    snprintf(path, sizeof path, "/todos/%lld", model[0].id);
    const char *cases[][3] = {{"DELETE", "/todos", "POST"}, {"POST", path, "PATCH"}};
    for (int i = 0; i < 2; i++) {
        expect_error(&v, http(h, cases[i][0], cases[i][1], "application/json", "{}", &rep) == 0,
                     &rep, 405, NULL);
        if (!hc_find_header(rep.headers.data, "Allow", allow, sizeof allow)
            || strstr(allow, cases[i][2]) == NULL || strstr(allow, "GET") == NULL)
            fail(&v, &rep, "wrong or missing Allow header", allow, cases[i][2]);
        hc_reply_free(&rep);
    }
    FINISH(&v, "a method the resource does not have answers 405 with Allow and a JSON error");
}

/* Sends `body` with `method` to `path` and expects 400 naming `word` (NULL: any). */
static void bad(struct verdict *v, CURL *h, const char *method, const char *path,
                const char *body, const char *word)
{
    struct hc_reply rep;
    expect_error(v, http(h, method, path, "application/json", body, &rep) == 0, &rep, 400, word);
    hc_reply_free(&rep);
}

static void test_bad_bodies(CURL *h)
{
    static const char *const broken[] = {
        "{\"title\": \"ab", "{\"title\": 'single'}", "{title: \"x\"}", "{\"title\" \"x\"}",
        "{\"title\": \"x\",}", "{\"title\": \"x\"} trailing", "", "{\"title\": nul}",
        "{\"title\": \"x\"}}", "[", "{\"title\": \"x\", \"done\": tru}",
    };
    static const char *const notobj[] = {"[]", "[{\"title\": \"x\"}]", "\"title\"", "42",
                                         "null", "true"};
    struct verdict v = {0};
    char item[96], word[16], body[160];
    snprintf(item, sizeof item, "/todos/%lld", model[wire_rng_below(&rng, (uint64_t)nmodel)].id);
    for (int i = 0; i < 5; i++)
        bad(&v, h, i == 4 ? "PUT" : "POST", i == 4 ? item : "/todos",
            broken[wire_rng_below(&rng, sizeof broken / sizeof *broken)], NULL);
    FINISH(&v, "malformed JSON answers 400 with a JSON error");
    for (int i = 0; i < 3; i++)
        bad(&v, h, i == 2 ? "PATCH" : "POST", i == 2 ? item : "/todos",
            notobj[wire_rng_below(&rng, sizeof notobj / sizeof *notobj)], NULL);
    FINISH(&v, "a JSON body that is not an object answers 400 with a JSON error");

    bad(&v, h, "POST", "/todos", "{}", "title");
    bad(&v, h, "POST", "/todos", "{\"done\": true}", "title");
    bad(&v, h, "PUT", item, "{\"title\": \"only the title\"}", "done");
    bad(&v, h, "PUT", item, "{\"done\": false}", "title");
    FINISH(&v, "a missing field answers 400 naming it (POST needs title, PUT title and done)");

    static const char *const not_string[] = {"42", "true", "null", "[\"x\"]", "{\"a\": 1}", "1.5"};
    static const char *const not_bool[] = {"\"yes\"", "1", "0", "null", "\"true\"", "[]"};
    for (int i = 0; i < 3; i++) {
        snprintf(body, sizeof body, "{\"title\": %s}", not_string[wire_rng_below(&rng, 6)]);
        bad(&v, h, i == 2 ? "PATCH" : "POST", i == 2 ? item : "/todos", body, "title");
        snprintf(body, sizeof body, "{\"title\": \"ok\", \"done\": %s}",
                 not_bool[wire_rng_below(&rng, 6)]);
        bad(&v, h, i == 2 ? "PATCH" : "POST", i == 2 ? item : "/todos", body, "done");
    }
    FINISH(&v, "a field of the wrong type answers 400 naming it");

    bad(&v, h, "POST", "/todos", "{\"title\": \"\"}", "title");
    struct wire_buf long_title = {0};
    wire_buf_str(&long_title, "{\"title\": \"");
    for (int i = 0; i < 201; i++)
        wire_buf_add(&long_title, &alnum[wire_rng_below(&rng, 36)], 1);
    wire_buf_str(&long_title, "\"}");
    bad(&v, h, "POST", "/todos", long_title.data, "title");
    bad(&v, h, "PATCH", item, long_title.data, "title");
    wire_buf_free(&long_title);
    FINISH(&v, "an empty title or one over 200 characters answers 400 naming title");

    char title[1024];
    size_t at = 0;
    for (int i = 0; i < 200; i++)      /* 200 characters, many of them 2 or 3 bytes long */
        at += (size_t)snprintf(title + at, sizeof title - at, "%s",
                               i % 3 == 0 ? "\xc3\xa9" : i % 3 == 1 ? "\xe2\x82\xac" : "x");
    create(&v, h, title, -1);
    FINISH(&v, "a title of exactly 200 characters (counted as UTF-8 code points) is accepted");

    rand_word(word, 3, 8);
    word[0] = 'x';
    snprintf(body, sizeof body, "{\"title\": \"ok\", \"%s\": 1}", word);
    bad(&v, h, "POST", "/todos", body, word);
    bad(&v, h, "POST", "/todos", "{\"titel\": \"typo\"}", "titel");
    FINISH(&v, "an unknown field answers 400 naming it");

    struct hc_reply rep;
    static const char *const ctypes[] = {"text/plain", "application/x-www-form-urlencoded", NULL};
    for (int i = 0; i < 3; i++) {
        expect_error(&v, http(h, i == 2 ? "PATCH" : "POST", i == 2 ? item : "/todos", ctypes[i],
                              "{\"title\": \"not json by its type\"}", &rep) == 0, &rep, 415, NULL);
        hc_reply_free(&rep);
    }
    FINISH(&v, "a body that is not sent as application/json answers 415 with a JSON error");

    expect_list(&v, h, "/todos", -1);
    FINISH(&v, "rejected requests change nothing: the list is as before");
}

static void test_awkward(CURL *h)
{
    struct verdict v = {0};
    struct hc_reply rep;
    char title[512], path[96];
    int first = nmodel;
    for (int i = 0; i < 5; i++) {
        rand_title(title, sizeof title, 1);
        create(&v, h, title, (int)wire_rng_below(&rng, 2));
    }
    for (int i = first; i < nmodel; i++) {
        snprintf(path, sizeof path, "/todos/%lld", model[i].id);
        expect_todo(&v, http(h, "GET", path, NULL, NULL, &rep) == 0, &rep, 200, &model[i]);
        hc_reply_free(&rep);
    }
    /* Non-ASCII sent as \u escapes (a surrogate pair for U+1F600) comes back as UTF-8. */
    create_raw(&v, h, "{\"title\": \"caf\\u00e9 \\ud83d\\ude00 \\u65e5\\n\\/\"}",
               "caf\xc3\xa9 \xf0\x9f\x98\x80 \xe6\x97\xa5\n/", -1);
    FINISH(&v, "titles with quotes, backslashes, control bytes and non-ASCII text round-trip exactly");
}

/* ---- several clients at once ------------------------------------------------------------ */

struct worker {
    pthread_t tid;
    int phase;                      /* 1: create, 2: patch and read back */
    struct mtodo todos[PER_THREAD];
    struct verdict v;
};

/* Phase 1: POSTs this worker's todos, learning their ids. */
static void worker_create(CURL *h, struct worker *w)
{
    struct hc_reply rep;
    for (int i = 0; i < PER_THREAD && !w->v.failed; i++) {
        struct mtodo *t = &w->todos[i];
        char *body = todo_body(t->title, -1);
        struct jv *j = expect_json(&w->v, http(h, "POST", "/todos", "application/json", body,
                                               &rep) == 0, &rep, 201);
        const struct jv *id = jv_get(j, "id");
        t->id = id && id->t == JNUM ? (long long)id->num : -1;
        if (j != NULL)
            same_todo(&w->v, &rep, j, t);
        jv_free(j);
        hc_reply_free(&rep);
        free(body);
    }
}

/* Phase 2: marks this worker's todos done and reads each back. */
static void worker_patch(CURL *h, struct worker *w)
{
    struct hc_reply rep;
    char path[96];
    for (int i = 0; i < PER_THREAD && !w->v.failed; i++) {
        struct mtodo *t = &w->todos[i];
        t->done = 1;
        snprintf(path, sizeof path, "/todos/%lld", t->id);
        expect_todo(&w->v, http(h, "PATCH", path, "application/json", "{\"done\": true}",
                                &rep) == 0, &rep, 200, t);
        hc_reply_free(&rep);
        expect_todo(&w->v, http(h, "GET", path, NULL, NULL, &rep) == 0, &rep, 200, t);
        hc_reply_free(&rep);
    }
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    CURL *h = curl_easy_init();
    if (h == NULL)
        fail(&w->v, NULL, "curl_easy_init failed", NULL, NULL);
    else if (w->phase == 1)
        worker_create(h, w);
    else
        worker_patch(h, w);
    curl_easy_cleanup(h);
    return NULL;
}

/* Runs every worker through `phase`; the first failure goes to v. */
static void workers_run(struct worker *ws, int phase, struct verdict *v)
{
    for (int i = 0; i < NTHREADS; i++) {
        ws[i].phase = phase;
        if (pthread_create(&ws[i].tid, NULL, worker_main, &ws[i]) != 0)
            worker_main(&ws[i]);
    }
    for (int i = 0; i < NTHREADS; i++) {
        pthread_join(ws[i].tid, NULL);
        if (ws[i].v.failed && !v->failed) {
            fail(v, NULL, ws[i].v.message, ws[i].v.got.data, ws[i].v.want.data);
            wire_buf_str(&v->transcript, ws[i].v.transcript.data ? ws[i].v.transcript.data : "");
        }
        verdict_clear(&ws[i].v);
    }
}

static int by_id(const void *a, const void *b)
{
    const struct mtodo *x = a, *y = b;
    return (x->id > y->id) - (x->id < y->id);
}

static void test_concurrent(CURL *h)
{
    static struct worker ws[NTHREADS];
    struct verdict v = {0};
    char got[128], want[128];
    for (int i = 0; i < NTHREADS; i++)
        for (int k = 0; k < PER_THREAD; k++)
            rand_title(ws[i].todos[k].title, sizeof ws[i].todos[k].title, 0);
    workers_run(ws, 1, &v);
    int first = nmodel;
    for (int i = 0; i < NTHREADS && !v.failed; i++)
        for (int k = 0; k < PER_THREAD && nmodel < MAXT; k++)
            model[nmodel++] = ws[i].todos[k];
    qsort(model + first, (size_t)(nmodel - first), sizeof *model, by_id);
    for (int i = first; i < nmodel && !v.failed; i++)
        if (model[i].id != next_id + (i - first)) {
            snprintf(got, sizeof got, "id %lld", model[i].id);
            snprintf(want, sizeof want, "ids %lld..%lld, each once", next_id,
                     next_id + NTHREADS * PER_THREAD - 1);
            fail(&v, NULL, "clients creating todos at once got duplicate or skipped ids", got, want);
        }
    next_id += NTHREADS * PER_THREAD;
    if (!v.failed)
        expect_list(&v, h, "/todos", -1);
    int created = !v.failed;
    FINISH(&v, "4 clients creating todos at once get distinct ids and all are listed");
    if (!created)
        fail(&v, NULL, "the todos of the previous test could not be created", NULL, NULL);
    else
        workers_run(ws, 2, &v);
    for (int i = first; i < nmodel; i++)
        model[i].done = 1;
    if (!v.failed)
        expect_list(&v, h, "/todos", -1);
    FINISH(&v, "4 clients updating and reading their own todos at once do not disturb each other");
}

int main(int argc, char **argv)
{
    uint64_t seed = wire_seed_arg(argc, argv);
    struct wire_peer peer;
    char *ans = NULL;
    size_t alen = 0;
    wire_rng_seed(&rng, seed);
    wire_peer_init(&peer, 10000);
    curl_global_init(CURL_GLOBAL_ALL);
    tap_plan(25);
    if (wire_call(&peer, "start", "", 0, &ans, &alen) == 0)
        port = (int)strtol(ans, NULL, 10);
    if (port <= 0 || port > 65535) {
        tap_diag("the app did not start: %s", ans ? ans : "the program stopped answering");
        port = -1;
    }
    free(ans);
    CURL *h = curl_easy_init();
    test_crud(h);
    test_delete(h);
    test_not_found(h);
    test_bad_bodies(h);
    test_awkward(h);
    test_concurrent(h);
    curl_easy_cleanup(h);
    if (wire_call(&peer, "stop", "", 0, &ans, &alen) == 0)
        free(ans);
    curl_global_cleanup();
    return wire_finish(&peer);
}
