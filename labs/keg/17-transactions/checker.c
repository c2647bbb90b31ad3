/* checker.c -- lab 17's hidden tests. Scripts of transaction operations (begin, commit,
 * rollback, insert, on_commit, atomic) drawn from the seed run on the learner's keg; the
 * expected text comes from a model of Django's atomic() semantics written here (a stack
 * of snapshots and a list of callbacks with their levels), not from the reference. Then
 * eight writers on one file must not lose an update, a site with a transaction per
 * request is driven over real HTTP, and the test database must roll each test back.
 * Run as `checker SEED`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "tap.h"
#include "wire.h"
#include "httpcheck.h"
#include "refserver.h"

#define MAXROWS 128
#define MAXLEVELS 8
#define MAXCBS 64
#define RACE_K 10

static struct wire_rng rng;
static struct wire_peer peer;

/* ---- the model ------------------------------------------------------------------------ */

struct rowset {
    char v[MAXROWS][16];
    int n;
    int orphans;        /* child rows whose deferred foreign key points nowhere */
};

struct model {
    struct rowset rows;
    struct rowset saved[MAXLEVELS];     /* saved[d]: the rows when level d + 1 began */
    int depth;
    struct { char key[16]; int level; } cbs[MAXCBS];
    int ncbs;
    struct wire_buf out;
};

static int rows_has(const struct rowset *r, const char *v)
{
    for (int i = 0; i < r->n; i++)
        if (strcmp(r->v[i], v) == 0)
            return 1;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(a, b);
}

static void model_rows(struct model *m)
{
    struct rowset s = m->rows;
    qsort(s.v, (size_t)s.n, sizeof s.v[0], cmp_str);
    wire_buf_str(&m->out, "rows ");
    for (int i = 0; i < s.n; i++) {
        wire_buf_str(&m->out, i ? "," : "");
        wire_buf_str(&m->out, s.v[i]);
    }
}

static const char *model_insert(struct model *m, const char *v)
{
    if (rows_has(&m->rows, v))
        return "KEG_EINTEGRITY";
    snprintf(m->rows.v[m->rows.n++], sizeof m->rows.v[0], "%s", v);
    return "ok";
}

static void model_run_cbs(struct model *m)
{
    for (int i = 0; i < m->ncbs; i++) {
        wire_buf_str(&m->out, "  callback ");
        wire_buf_str(&m->out, m->cbs[i].key);
        wire_buf_str(&m->out, "\n");
    }
    m->ncbs = 0;
}

static const char *model_begin(struct model *m)
{
    m->saved[m->depth++] = m->rows;
    return "ok";
}

/* Commit: "KEG_EINVALID" outside a transaction; releasing an inner level hands its
 * callbacks to the parent; the outermost commit runs them all, in order, unless an orphan
 * is left: SQLite checks deferred foreign keys at COMMIT, which fails, and everything is
 * rolled back, callbacks dropped. */
static const char *model_commit(struct model *m)
{
    if (m->depth == 0)
        return "KEG_EINVALID";
    if (m->depth == 1 && m->rows.orphans > 0) {
        m->depth = 0;
        m->rows = m->saved[0];
        m->ncbs = 0;
        return "KEG_EINTEGRITY";
    }
    m->depth--;
    for (int i = 0; i < m->ncbs; i++)
        if (m->cbs[i].level > m->depth)
            m->cbs[i].level = m->depth;
    if (m->depth == 0)
        model_run_cbs(m);
    return "ok";
}

static const char *model_rollback(struct model *m)
{
    if (m->depth == 0)
        return "KEG_EINVALID";
    int level = m->depth--;
    m->rows = m->saved[m->depth];
    int keep = 0;
    for (int i = 0; i < m->ncbs; i++)
        if (m->cbs[i].level < level)
            m->cbs[keep++] = m->cbs[i];
    m->ncbs = keep;
    return "ok";
}

/* Runs one script line on the model, writing what the driver writes. */
static void model_line(struct model *m, const char *line)
{
    char op[16] = "", a1[16] = "", a2[16] = "";
    sscanf(line, "%15s %15s %15s", op, a1, a2);
    wire_buf_str(&m->out, line);
    wire_buf_str(&m->out, " -> ");
    if (strcmp(op, "begin") == 0)
        wire_buf_str(&m->out, model_begin(m));
    else if (strcmp(op, "commit") == 0) {
        wire_buf_str(&m->out, "\n");
        const char *rc = model_commit(m);
        wire_buf_str(&m->out, "  = ");
        wire_buf_str(&m->out, rc);
    } else if (strcmp(op, "rollback") == 0)
        wire_buf_str(&m->out, model_rollback(m));
    else if (strcmp(op, "insert") == 0)
        wire_buf_str(&m->out, model_insert(m, a1));
    else if (strcmp(op, "orphan") == 0) {     /* autocommit checks it at once */
        m->rows.orphans += m->depth > 0;
        wire_buf_str(&m->out, m->depth > 0 ? "ok" : "KEG_EINTEGRITY");
    }
    else if (strcmp(op, "oncommit") == 0) {
        wire_buf_str(&m->out, "\n");
        if (m->depth == 0) {
            wire_buf_str(&m->out, "  callback ");
            wire_buf_str(&m->out, a1);
            wire_buf_str(&m->out, "\n");
        } else {
            snprintf(m->cbs[m->ncbs].key, sizeof m->cbs[0].key, "%s", a1);
            m->cbs[m->ncbs++].level = m->depth;
        }
        wire_buf_str(&m->out, "  = ok");
    } else if (strcmp(op, "atomic") == 0) {        /* only ever inside a level */
        model_begin(m);
        const char *rc = model_insert(m, a1);
        if (strcmp(rc, "ok") == 0 && strcmp(a2, "fail") == 0)
            rc = "KEG_ERROR";
        if (strcmp(rc, "ok") == 0)
            model_commit(m);
        else
            model_rollback(m);
        wire_buf_str(&m->out, rc);
    } else if (strcmp(op, "depth") == 0) {
        char n[16];
        snprintf(n, sizeof n, "%d", m->depth);
        wire_buf_str(&m->out, n);
    } else if (strcmp(op, "rows") == 0)
        model_rows(m);
    wire_buf_str(&m->out, "\n");
}

/* ---- scripts -------------------------------------------------------------------------- */

static const char letters[] = "abcdefghijklmnopqrstuvwxyz";

/* A value: a fresh word, or now and then one already used (a UNIQUE clash). */
static void pick_value(char used[][16], int *nused, char *out)
{
    if (*nused > 0 && wire_rng_below(&rng, 6) == 0) {
        snprintf(out, 16, "%s", used[wire_rng_below(&rng, (uint64_t)*nused)]);
        return;
    }
    wire_rng_word(&rng, out, letters, sizeof letters - 1, 2, 6);
    if (*nused < MAXROWS)
        snprintf(used[(*nused)++], 16, "%s", out);
}

/* A random script: balanced or not, ending with every level closed and the rows. */
static void random_script(struct wire_buf *s, int nops)
{
    char used[MAXROWS][16], v[16];
    int nused = 0, depth = 0;
    wire_buf_str(s, "begin\n");
    depth = 1;
    for (int i = 0; i < nops; i++) {
        uint64_t r = wire_rng_below(&rng, 100);
        if (r < 35) {
            pick_value(used, &nused, v);
            wire_buf_str(s, "insert ");
            wire_buf_str(s, v);
        } else if (r < 50 && depth < MAXLEVELS - 2) {
            wire_buf_str(s, "begin");
            depth++;
        } else if (r < 62) {
            wire_buf_str(s, "commit");          /* at depth 0: refused */
            depth -= depth > 0;
        } else if (r < 72) {
            wire_buf_str(s, "rollback");
            depth -= depth > 0;
        } else if (r < 85) {
            wire_buf_str(s, "oncommit ");
            wire_rng_word(&rng, v, letters, sizeof letters - 1, 1, 4);
            wire_buf_str(s, v);
        } else if (r < 93 && depth > 0) {
            pick_value(used, &nused, v);
            wire_buf_str(s, "atomic ");
            wire_buf_str(s, v);
            wire_buf_str(s, wire_rng_below(&rng, 2) ? " ok" : " fail");
        } else if (r >= 96)
            wire_buf_str(s, "orphan");
        else
            wire_buf_str(s, wire_rng_below(&rng, 2) ? "depth" : "rows");
        wire_buf_str(s, "\n");
    }
    while (depth-- > 0)
        wire_buf_str(s, wire_rng_below(&rng, 3) ? "commit\n" : "rollback\n");
    wire_buf_str(s, "depth\nrows\n");
}

/* A fixed shape with random values: an inner failure undoes its savepoint only. */
static void savepoint_script(struct wire_buf *s)
{
    char a[8], b[8], c[8];
    wire_rng_word(&rng, a, letters, sizeof letters - 1, 3, 6);
    wire_rng_word(&rng, b, letters, sizeof letters - 1, 3, 6);
    wire_rng_word(&rng, c, letters, sizeof letters - 1, 3, 6);
    char text[256];
    snprintf(text, sizeof text, "begin\ninsert %s1\nbegin\ninsert %s2\ndepth\nrollback\n"
             "insert %s3\natomic %s4 fail\natomic %s5 ok\ndepth\ncommit\ndepth\nrows\n",
             a, b, c, b, c);
    wire_buf_str(s, text);
}

/* on_commit: never after a rollback, at once outside a transaction, in order after the
 * outermost commit. */
static void oncommit_script(struct wire_buf *s)
{
    char k[5][6];
    for (int i = 0; i < 5; i++)
        wire_rng_word(&rng, k[i], letters, sizeof letters - 1, 2, 5);
    char text[320];
    snprintf(text, sizeof text, "oncommit %s\nbegin\noncommit %s\nrollback\nbegin\noncommit "
             "%s\nbegin\noncommit %s\ncommit\nbegin\noncommit %s\nrollback\ncommit\n"
             "commit\nrollback\ndepth\n", k[0], k[1], k[2], k[3], k[4]);
    wire_buf_str(s, text);
}

/* A deferred foreign key left broken: the outermost COMMIT fails (KEG_EINTEGRITY), rolls
 * everything back and drops the callbacks; a rolled-back savepoint takes its orphan. */
static void orphan_script(struct wire_buf *s)
{
    char a[8], b[8], k[3][6];
    wire_rng_word(&rng, a, letters, sizeof letters - 1, 3, 6);
    wire_rng_word(&rng, b, letters, sizeof letters - 1, 3, 6);
    for (int i = 0; i < 3; i++)
        wire_rng_word(&rng, k[i], letters, sizeof letters - 1, 2, 5);
    char text[400];
    snprintf(text, sizeof text, "orphan\nbegin\ninsert %s1\noncommit %s\norphan\ncommit\n"
             "depth\nrows\nbegin\norphan\nbegin\norphan\nrollback\noncommit %s\ncommit\n"
             "begin\nbegin\norphan\nrollback\ninsert %s2\noncommit %s\ncommit\ndepth\nrows\n",
             a, k[0], k[1], b, k[2]);
    wire_buf_str(s, text);
}

static void run_script(const char *name, const struct wire_buf *s)
{
    struct model m = { 0 };
    char line[128];
    for (const char *p = s->data; *p != '\0';) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        snprintf(line, sizeof line, "%.*s", (int)n, p);
        model_line(&m, line);
        p += n + (nl != NULL);
    }
    char *ans = NULL;
    size_t alen = 0;
    if (wire_call(&peer, "script", s->data, s->len, &ans, &alen) < 0)
        WIRE_FAIL_DEAD(name);
    else
        tap_is_str(__FILE__, __LINE__, ans, m.out.data, "%s", name);
    free(ans);
    wire_buf_free(&m.out);
}

/* ---- over HTTP ------------------------------------------------------------------------ */

struct web {
    int port;
    struct rowset rows;
    struct wire_buf log;
};

/* Sends one request; 0 when the status is `want`, else fails the test with the
 * transcript and returns -1. */
static int web_request(struct web *w, const char *name, const char *method,
                       const char *target, long want)
{
    struct hc_reply rep;
    if (w->port <= 0) {
        tap_fail_with(__FILE__, __LINE__, "the app did not start", "no server", "a port",
                      "%s", name);
        return -1;
    }
    hc_request(w->port, method, target, NULL, &rep);
    int ok = rep.status == want;
    if (!ok) {
        char got[32], exp[32];
        snprintf(got, sizeof got, "%ld", rep.status);
        snprintf(exp, sizeof exp, "%ld", want);
        tap_attach("transcript", rep.transcript.data ? rep.transcript.data : "");
        tap_fail_with(__FILE__, __LINE__, "unexpected status", got, exp, "%s", name);
    }
    hc_reply_free(&rep);
    return ok ? 0 : -1;
}

/* Compares GET /rows with the model. */
static void web_state(struct web *w, const char *name)
{
    struct model m = { 0 };
    m.rows = w->rows;
    model_rows(&m);
    wire_buf_str(&m.out, " log=");
    wire_buf_str(&m.out, w->log.data ? w->log.data : "");
    struct hc_reply rep;
    hc_request(w->port, "GET", "/rows", NULL, &rep);
    if (rep.status != 200)
        tap_attach("transcript", rep.transcript.data ? rep.transcript.data : "");
    tap_is_str(__FILE__, __LINE__, rep.status == 200 ? rep.body.data : "(no 200 answer)",
               m.out.data, "%s", name);
    hc_reply_free(&rep);
    wire_buf_free(&m.out);
}

/* A value no request used before: a random word and a sequence number. */
static void web_word(char *out, const char *prefix)
{
    static int seq;
    char w[8];
    wire_rng_word(&rng, w, letters, sizeof letters - 1, 2, 5);
    snprintf(out, 16, "%s%s%d", prefix, w, ++seq);
}

/* Kinds of request: what each does to the model. */
enum web_kind { WEB_ADD, WEB_ADD_4XX, WEB_ADD_5XX, WEB_FAIL, WEB_NESTED, WEB_LATER,
                WEB_LATER_5XX };

static int web_do(struct web *w, const char *name, enum web_kind k)
{
    char v[16], target[96];
    web_word(v, k == WEB_LATER || k == WEB_LATER_5XX ? "L" : "");
    static const int statuses_4xx[] = { 404, 403, 418 }, statuses_5xx[] = { 500, 503 };
    int st4 = statuses_4xx[wire_rng_below(&rng, 3)], st5 = statuses_5xx[wire_rng_below(&rng, 2)];
    switch (k) {
    case WEB_ADD:
        snprintf(target, sizeof target, "/add/%s", v);
        if (web_request(w, name, "POST", target, 200) < 0)
            return -1;
        snprintf(w->rows.v[w->rows.n++], 16, "%s", v);
        return 0;
    case WEB_ADD_4XX:
        snprintf(target, sizeof target, "/add/%s?status=%d", v, st4);
        if (web_request(w, name, "POST", target, st4) < 0)
            return -1;
        snprintf(w->rows.v[w->rows.n++], 16, "%s", v);
        return 0;
    case WEB_ADD_5XX:
        snprintf(target, sizeof target, "/add/%s?status=%d", v, st5);
        return web_request(w, name, "POST", target, st5);
    case WEB_FAIL:
        snprintf(target, sizeof target, "/fail/%s", v);
        return web_request(w, name, "POST", target, 500);
    case WEB_NESTED:
        snprintf(target, sizeof target, "/nested/%s", v);
        if (web_request(w, name, "POST", target, 200) < 0)
            return -1;
        snprintf(w->rows.v[w->rows.n++], 16, "%s", v);
        return 0;
    case WEB_LATER:
        snprintf(target, sizeof target, "/later/%s", v);
        if (web_request(w, name, "POST", target, 200) < 0)
            return -1;
        wire_buf_str(&w->log, w->log.len ? "," : "");
        wire_buf_str(&w->log, v);
        return 0;
    case WEB_LATER_5XX:
        snprintf(target, sizeof target, "/later/%s?status=%d", v, st5);
        return web_request(w, name, "POST", target, st5);
    }
    return -1;
}

/* A group of requests of the given kinds in random order, then the state compared. */
static void web_group(struct web *w, const char *name, const enum web_kind *kinds, size_t nk)
{
    int n = 4 + (int)wire_rng_below(&rng, 4);
    for (int i = 0; i < n; i++)
        if (web_do(w, name, kinds[wire_rng_below(&rng, nk)]) < 0)
            return;
    web_state(w, name);
}

/* Another connection holds web.db's write lock: the site's BEGIN IMMEDIATE waits out
 * the busy timeout (KEG_BUSY_TIMEOUT_MS) and fails, so the request is answered 503 and
 * its view never runs; once the lock is released, requests work again. */
static void web_busy(struct web *w)
{
    const char *name = "a transaction per request: 503 when BEGIN fails (the write lock is "
                       "held elsewhere)";
    char v[16], url[96], *ans = NULL;
    size_t alen = 0;
    if (wire_call(&peer, "hold", "", 0, &ans, &alen) < 0) {
        WIRE_FAIL_DEAD(name);
        return;
    }
    free(ans);
    web_word(v, "B");
    snprintf(url, sizeof url, "http://127.0.0.1:%d/add/%s", w->port, v);
    struct hc_reply rep = { 0 };
    CURL *h = w->port > 0 ? curl_easy_init() : NULL;
    if (h != NULL) {
        hc_setup(h, url, 20000L, HC_HEADERS, &rep);    /* past the 5 s busy timeout */
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, "POST");
        hc_perform(h, &rep);
        curl_easy_cleanup(h);
    } else
        hc_fail(&rep, "no server");
    if (wire_call(&peer, "release", "", 0, &ans, &alen) == 0)
        free(ans);
    if (rep.status != 503) {
        char got[32];
        snprintf(got, sizeof got, "%ld", rep.status);
        tap_attach("transcript", rep.transcript.data ? rep.transcript.data : "");
        tap_fail_with(__FILE__, __LINE__, "unexpected status", got, "503", "%s", name);
    } else if (web_do(w, name, WEB_ADD) == 0)
        web_state(w, name);
    hc_reply_free(&rep);
}

static void t_web(void)
{
    static const char *const names[] = {
        "a transaction per request: a view's writes are kept when it answers below 500",
        "a transaction per request: rolled back when the answer is 500 or above",
        "a transaction per request: an inner atomic level rolled back inside a view",
        "a transaction per request: on_commit runs after the commit, never after a rollback",
    };
    static const enum web_kind g0[] = { WEB_ADD, WEB_ADD_4XX };
    static const enum web_kind g1[] = { WEB_ADD, WEB_ADD_5XX, WEB_FAIL };
    static const enum web_kind g2[] = { WEB_NESTED, WEB_ADD };
    static const enum web_kind g3[] = { WEB_LATER, WEB_LATER_5XX };
    struct web w = { 0 };
    char *ans = NULL;
    size_t alen = 0;
    if (wire_call(&peer, "serve", "", 0, &ans, &alen) == 0)
        w.port = refserver_subject_port(ans);
    if (w.port <= 0 && ans != NULL)
        tap_diag("serve: %s", ans);
    free(ans);
    web_group(&w, names[0], g0, 2);
    web_group(&w, names[1], g1, 3);
    web_group(&w, names[2], g2, 2);
    web_group(&w, names[3], g3, 2);
    web_busy(&w);
    if (wire_call(&peer, "stop", "", 0, &ans, &alen) == 0)
        free(ans);
    wire_buf_free(&w.log);
}

/* ---- the rest ------------------------------------------------------------------------- */

static void t_race(void)
{
    const char *name = "eight connections adding 1 by read-modify-write in keg_atomic lose no "
                       "update";
    char arg[16], want[96], *ans = NULL;
    size_t alen = 0;
    snprintf(arg, sizeof arg, "%d", RACE_K);
    snprintf(want, sizeof want, "n=%d errors=0 threads=8", 8 * RACE_K);
    if (wire_call(&peer, "race", arg, strlen(arg), &ans, &alen) < 0)
        WIRE_FAIL_DEAD(name);
    else
        tap_is_str(__FILE__, __LINE__, ans, want, "%s", name);
    free(ans);
}

static void t_testdb(void)
{
    const char *name = "the test database: each test's rows are gone after keg_test_end";
    long n = 1 + (long)wire_rng_below(&rng, 9);
    char arg[16], want[256], *ans = NULL;
    size_t alen = 0;
    snprintf(arg, sizeof arg, "%ld", n);
    snprintf(want, sizeof want, "test 1: begin ok, rows inside %ld, end ok, rows after 0\n"
             "test 2: begin ok, rows inside %ld, end ok, rows after 0\n", n, n);
    if (wire_call(&peer, "testdb", arg, strlen(arg), &ans, &alen) < 0)
        WIRE_FAIL_DEAD(name);
    else
        tap_is_str(__FILE__, __LINE__, ans, want, "%s", name);
    free(ans);
}

int main(int argc, char **argv)
{
    uint64_t seed = wire_seed_arg(argc, argv);
    wire_rng_seed(&rng, seed);
    wire_peer_init(&peer, 30000);
    curl_global_init(CURL_GLOBAL_ALL);
    tap_plan(14);
    struct wire_buf s = { 0 };
    savepoint_script(&s);
    run_script("an inner failure undoes only its savepoint; keg_atomic commits or rolls back", &s);
    wire_buf_free(&s);
    oncommit_script(&s);
    run_script("on_commit: at once outside a transaction, after the outermost commit, never "
               "after a rollback", &s);
    wire_buf_free(&s);
    orphan_script(&s);
    run_script("a COMMIT refused by a deferred foreign key rolls back, drops the callbacks "
               "and says KEG_EINTEGRITY", &s);
    wire_buf_free(&s);
    for (int i = 0; i < 4; i++) {
        char name[96];
        random_script(&s, 14 + (int)wire_rng_below(&rng, 18));
        snprintf(name, sizeof name, "random script %d: nested levels, clashes and callbacks",
                 i + 1);
        run_script(name, &s);
        wire_buf_free(&s);
    }
    t_race();
    t_web();
    t_testdb();
    curl_global_cleanup();
    return wire_finish(&peer);
}
