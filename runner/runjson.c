/* runjson.c -- a check run (struct grader_run) as JSON with cJSON, and back from untrusted
 * text. The decoder checks every field's presence, type and range and names the field it
 * refuses; every string it keeps goes through term_escape_controls, which report.c
 * applies again when printing (a no-op on escaped text), so a local run prints the same
 * bytes after the round trip and a hostile one reaches no terminal raw. A test's `at`
 * (a line of the hidden checker), its diagnostics and the parser's problems are left out:
 * the report never shows them for hidden tests. */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "runjson.h"
#include "term.h"
#include "util.h"

#define RUNJSON_MAX_TESTS 100000    /* as tapread's cap */

static const char *const runjson_directives[] = { "none", "skip", "todo" };
static const char *const runjson_tools[] = { "none", "asan", "lsan", "ubsan" };

/* ---- encoding ------------------------------------------------------------------------ */

/* Adds a string, or null for NULL; clears *ok when out of memory. */
static void rj_put_str(cJSON *o, const char *key, const char *s, int *ok)
{
    if ((s != NULL ? cJSON_AddStringToObject(o, key, s) : cJSON_AddNullToObject(o, key)) == NULL)
        *ok = 0;
}

static void rj_put_num(cJSON *o, const char *key, double v, int *ok)
{
    if (cJSON_AddNumberToObject(o, key, v) == NULL)
        *ok = 0;
}

static void rj_put_bool(cJSON *o, const char *key, int v, int *ok)
{
    if (cJSON_AddBoolToObject(o, key, v != 0) == NULL)
        *ok = 0;
}

/* Adds item (NULL: out of memory) under key; the object owns it after. */
static cJSON *rj_put(cJSON *o, const char *key, cJSON *item, int *ok)
{
    if (item == NULL || !cJSON_AddItemToObject(o, key, item)) {
        cJSON_Delete(item);
        *ok = 0;
        return NULL;
    }
    return item;
}

static cJSON *rj_test(const struct tap_test *t, int *ok)
{
    cJSON *o = cJSON_CreateObject();
    if (o == NULL) {
        *ok = 0;
        return NULL;
    }
    rj_put_num(o, "number", t->number, ok);
    rj_put_bool(o, "ok", t->ok, ok);
    rj_put_str(o, "directive", runjson_directives[t->directive], ok);
    const struct { const char *key, *value; } strs[] = {
        { "description", t->description }, { "reason", t->reason },
        { "message", t->message }, { "got", t->got }, { "expected", t->expected },
        { "seed", t->seed }, { "transcript", t->transcript }, { "input", t->input },
    };
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
        rj_put_str(o, strs[i].key, strs[i].value, ok);
    return o;
}

static cJSON *rj_tap(const struct tap_report *r, int *ok)
{
    if (r == NULL)
        return cJSON_CreateNull();
    cJSON *o = cJSON_CreateObject();
    if (o == NULL)
        return NULL;
    const struct { const char *key; int value; } nums[] = {
        { "version", r->version }, { "plan", r->plan }, { "passed", r->passed },
        { "failed", r->failed }, { "skipped", r->skipped }, { "todo", r->todo },
    };
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++)
        rj_put_num(o, nums[i].key, nums[i].value, ok);
    rj_put_bool(o, "plan_skip_all", r->plan_skip_all, ok);
    rj_put_str(o, "skip_all_reason", r->skip_all_reason, ok);
    rj_put_bool(o, "bailed_out", r->bailed_out, ok);
    rj_put_str(o, "bail_reason", r->bail_reason, ok);
    rj_put_bool(o, "truncated", r->truncated, ok);
    rj_put_bool(o, "valid", r->valid, ok);
    cJSON *tests = rj_put(o, "tests", cJSON_CreateArray(), ok);
    for (size_t i = 0; tests != NULL && i < r->ntests; i++) {
        cJSON *t = rj_test(&r->tests[i], ok);
        if (t == NULL || !cJSON_AddItemToArray(tests, t)) {
            cJSON_Delete(t);
            *ok = 0;
        }
    }
    return o;
}

static cJSON *rj_sanitizer(const struct sanitizer_report *s, int *ok)
{
    cJSON *o = cJSON_CreateObject();
    if (o == NULL)
        return NULL;
    rj_put_str(o, "tool", runjson_tools[s->tool], ok);
    rj_put_str(o, "kind", s->kind, ok);
    rj_put_str(o, "file", s->file, ok);
    rj_put_num(o, "line", s->line, ok);
    rj_put_str(o, "function", s->function, ok);
    return o;
}

static cJSON *rj_lab(const struct grader_lab *gl, int *ok)
{
    cJSON *o = cJSON_CreateObject();
    if (o == NULL)
        return NULL;
    rj_put_str(o, "lab", gl->lab->id, ok);
    rj_put_str(o, "verdict", grader_verdict_name(gl->verdict), ok);
    rj_put_str(o, "detail", gl->detail, ok);
    rj_put_str(o, "compile_log", gl->compile_log, ok);
    rj_put(o, "tap", rj_tap(gl->tap, ok), ok);
    rj_put(o, "sanitizer", rj_sanitizer(&gl->san, ok), ok);
    rj_put_str(o, "out", gl->out, ok);
    rj_put_str(o, "err", gl->err, ok);
    rj_put_bool(o, "out_truncated", gl->out_truncated, ok);
    rj_put_bool(o, "err_truncated", gl->err_truncated, ok);
    rj_put_num(o, "passed", gl->passed, ok);
    rj_put_num(o, "failed", gl->failed, ok);
    rj_put_num(o, "total", gl->total, ok);
    rj_put_num(o, "duration", gl->duration, ok);
    rj_put_str(o, "missing", gl->missing, ok);
    return o;
}

char *runjson_encode(const struct grader_run *run)
{
    int ok = 1;
    cJSON *o = cJSON_CreateObject();
    if (o == NULL)
        return NULL;
    rj_put_num(o, "seed", (double)run->seed, &ok);
    rj_put_bool(o, "seed_chosen", run->seed_chosen, &ok);
    rj_put_str(o, "target", run->target->id, &ok);
    rj_put_str(o, "verdict", grader_verdict_name(run->verdict), &ok);
    rj_put_num(o, "passed", run->passed, &ok);
    rj_put_num(o, "failed", run->failed, &ok);
    rj_put_num(o, "total", run->total, &ok);
    rj_put_num(o, "duration", run->duration, &ok);
    cJSON *labs = rj_put(o, "labs", cJSON_CreateArray(), &ok);
    for (size_t i = 0; labs != NULL && i < run->nlabs; i++) {
        cJSON *l = rj_lab(&run->labs[i], &ok);
        if (l == NULL || !cJSON_AddItemToArray(labs, l)) {
            cJSON_Delete(l);
            ok = 0;
        }
    }
    char *text = ok ? cJSON_PrintUnformatted(o) : NULL;
    cJSON_Delete(o);
    if (text == NULL)
        return NULL;
    char *out = strdup(text);   /* ours to free with free(), whatever cJSON's hooks are */
    cJSON_free(text);
    return out;
}

/* ---- decoding ------------------------------------------------------------------------ */

/* Where in the document a value is: "labs[2].tests[0]" (or "" at the top). */
struct rj_at {
    char path[96];
    char **cause;
};

/* Sets *cause to "PATH.KEY: WHY" and returns -1. */
static int rj_fail(const struct rj_at *at, const char *key, const char *why)
{
    *at->cause = xasprintf("%s%s%s: %s", at->path, at->path[0] && key[0] ? "." : "", key,
                           why);
    return -1;
}

/* The place of at's field key, and of its item idx unless idx is RJ_FIELD; paths are
 * short (labs[N].tap.tests[N]), so the bound on the prefix never cuts one. */
#define RJ_FIELD ((size_t)-1)
static void rj_sub(struct rj_at *sub, const struct rj_at *at, const char *key, size_t idx)
{
    char index[32] = "";
    if (idx != RJ_FIELD)
        snprintf(index, sizeof index, "[%zu]", idx);
    snprintf(sub->path, sizeof sub->path, "%.48s%s%.12s%s", at->path,
             at->path[0] ? "." : "", key, index);
    sub->cause = at->cause;
}

/* An integer field in [min, max]. */
static int rj_int(const cJSON *o, const struct rj_at *at, const char *key, double min,
                  double max, int *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (v == NULL)
        return rj_fail(at, key, "missing");
    if (!cJSON_IsNumber(v))
        return rj_fail(at, key, "not a number");
    double d = v->valuedouble;
    if (!isfinite(d) || d != floor(d) || d < min || d > max)
        return rj_fail(at, key, "not a whole number in range");
    *out = (int)d;
    return 0;
}

static int rj_count(const cJSON *o, const struct rj_at *at, const char *key, int *out)
{
    return rj_int(o, at, key, 0, INT_MAX, out);
}

/* A number of seconds: finite, not negative. */
static int rj_seconds(const cJSON *o, const struct rj_at *at, const char *key, double *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (v == NULL)
        return rj_fail(at, key, "missing");
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < 0)
        return rj_fail(at, key, "not a number of seconds");
    *out = v->valuedouble;
    return 0;
}

static int rj_bool(const cJSON *o, const struct rj_at *at, const char *key, int *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (v == NULL)
        return rj_fail(at, key, "missing");
    if (!cJSON_IsBool(v))
        return rj_fail(at, key, "not a boolean");
    *out = cJSON_IsTrue(v);
    return 0;
}

/* A string, escaped (caller frees *out); with nullable, absent or null gives NULL. */
static int rj_str(const cJSON *o, const struct rj_at *at, const char *key, int nullable,
                  char **out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    *out = NULL;
    if ((v == NULL || cJSON_IsNull(v)) && nullable)
        return 0;
    if (v == NULL)
        return rj_fail(at, key, "missing");
    if (!cJSON_IsString(v))
        return rj_fail(at, key, nullable ? "not a string or null" : "not a string");
    *out = term_escape_controls(v->valuestring);
    return 0;
}

/* A string into buf of size bytes, escaped; refused when it does not fit. */
static int rj_fixed(const cJSON *o, const struct rj_at *at, const char *key, char *buf,
                    size_t size)
{
    char *s;
    if (rj_str(o, at, key, 0, &s) < 0)
        return -1;
    size_t n = strlen(s);
    if (n < size)
        memcpy(buf, s, n + 1);
    free(s);
    if (n >= size) {
        char why[64];
        snprintf(why, sizeof why, "longer than %zu bytes", size - 1);
        return rj_fail(at, key, why);
    }
    return 0;
}

/* A string that must be one of the n names; *out its index. */
static int rj_enum(const cJSON *o, const struct rj_at *at, const char *key,
                   const char *const *names, size_t n, int *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (v == NULL)
        return rj_fail(at, key, "missing");
    if (!cJSON_IsString(v))
        return rj_fail(at, key, "not a string");
    for (size_t i = 0; i < n; i++)
        if (strcmp(v->valuestring, names[i]) == 0) {
            *out = (int)i;
            return 0;
        }
    return rj_fail(at, key, "not a known name");
}

static int rj_verdict(const cJSON *o, const struct rj_at *at, const char *key,
                      enum grader_verdict *out)
{
    const char *names[GRADER_INTERNAL + 1];
    for (int v = 0; v <= GRADER_INTERNAL; v++)
        names[v] = grader_verdict_name((enum grader_verdict)v);
    int i;
    if (rj_enum(o, at, key, names, GRADER_INTERNAL + 1, &i) < 0)
        return -1;
    *out = (enum grader_verdict)i;
    return 0;
}

/* An array field of at most max items. */
static const cJSON *rj_array(const cJSON *o, const struct rj_at *at, const char *key,
                             size_t max, size_t *n)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (v == NULL || !cJSON_IsArray(v)) {
        rj_fail(at, key, v == NULL ? "missing" : "not an array");
        return NULL;
    }
    *n = (size_t)cJSON_GetArraySize(v);
    if (*n > max) {
        rj_fail(at, key, "too many items");
        return NULL;
    }
    return v;
}

/* A lab's lab id: a lab of course c. */
static int rj_lab_id(const cJSON *o, const struct rj_at *at, const char *key,
                     const struct course *c, const struct lab **out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (v == NULL)
        return rj_fail(at, key, "missing");
    if (!cJSON_IsString(v))
        return rj_fail(at, key, "not a string");
    *out = course_lab(c, v->valuestring);
    return *out != NULL ? 0 : rj_fail(at, key, "not a lab of this course");
}

static int rj_decode_test(const cJSON *o, const struct rj_at *at, struct tap_test *t)
{
    int dir = 0;
    if (!cJSON_IsObject(o))
        return rj_fail(at, "", "not an object");
    if (rj_int(o, at, "number", 0, INT_MAX, &t->number) < 0 || rj_bool(o, at, "ok", &t->ok) < 0
        || rj_enum(o, at, "directive", runjson_directives, 3, &dir) < 0
        || rj_str(o, at, "description", 0, &t->description) < 0)
        return -1;
    t->directive = (enum tap_directive)dir;
    struct { const char *key; char **field; } strs[] = {
        { "reason", &t->reason }, { "message", &t->message }, { "got", &t->got },
        { "expected", &t->expected }, { "seed", &t->seed },
        { "transcript", &t->transcript }, { "input", &t->input },
    };
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
        if (rj_str(o, at, strs[i].key, 1, strs[i].field) < 0)
            return -1;
    return 0;
}

/* The tap field of a lab: null (no checker ran) or a report. */
static int rj_decode_tap(const cJSON *lab, const struct rj_at *at, struct tap_report **out)
{
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(lab, "tap");
    if (o == NULL)
        return rj_fail(at, "tap", "missing");
    if (cJSON_IsNull(o))
        return 0;
    if (!cJSON_IsObject(o))
        return rj_fail(at, "tap", "not an object or null");
    struct tap_report *r = *out = xcalloc(1, sizeof *r);
    struct rj_at here;
    rj_sub(&here, at, "tap", RJ_FIELD);
    size_t n = 0;
    const cJSON *tests = rj_array(o, &here, "tests", RUNJSON_MAX_TESTS, &n);
    if (tests == NULL)
        return -1;
    r->tests = xcalloc(n ? n : 1, sizeof *r->tests);
    r->ntests = n;
    if (rj_int(o, &here, "version", 0, 1000, &r->version) < 0
        || rj_int(o, &here, "plan", -1, INT_MAX, &r->plan) < 0
        || rj_count(o, &here, "passed", &r->passed) < 0
        || rj_count(o, &here, "failed", &r->failed) < 0
        || rj_count(o, &here, "skipped", &r->skipped) < 0
        || rj_count(o, &here, "todo", &r->todo) < 0
        || rj_bool(o, &here, "plan_skip_all", &r->plan_skip_all) < 0
        || rj_str(o, &here, "skip_all_reason", 1, &r->skip_all_reason) < 0
        || rj_bool(o, &here, "bailed_out", &r->bailed_out) < 0
        || rj_str(o, &here, "bail_reason", 1, &r->bail_reason) < 0
        || rj_bool(o, &here, "truncated", &r->truncated) < 0
        || rj_bool(o, &here, "valid", &r->valid) < 0)
        return -1;
    size_t i = 0;
    for (const cJSON *t = tests->child; t != NULL; t = t->next, i++) {
        struct rj_at sub;
        rj_sub(&sub, &here, "tests", i);
        if (rj_decode_test(t, &sub, &r->tests[i]) < 0)
            return -1;
    }
    return 0;
}

static int rj_decode_sanitizer(const cJSON *lab, const struct rj_at *at,
                               struct sanitizer_report *s)
{
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(lab, "sanitizer");
    if (o == NULL || !cJSON_IsObject(o))
        return rj_fail(at, "sanitizer", o == NULL ? "missing" : "not an object");
    struct rj_at here;
    rj_sub(&here, at, "sanitizer", RJ_FIELD);
    int tool = 0;
    if (rj_enum(o, &here, "tool", runjson_tools, 4, &tool) < 0
        || rj_fixed(o, &here, "kind", s->kind, sizeof s->kind) < 0
        || rj_fixed(o, &here, "file", s->file, sizeof s->file) < 0
        || rj_int(o, &here, "line", 0, INT_MAX, &s->line) < 0
        || rj_fixed(o, &here, "function", s->function, sizeof s->function) < 0)
        return -1;
    s->tool = (enum sanitizer_tool)tool;
    return 0;
}

static int rj_decode_lab(const cJSON *o, const struct rj_at *at, const struct course *c,
                         struct grader_lab *gl)
{
    if (!cJSON_IsObject(o))
        return rj_fail(at, "", "not an object");
    if (rj_lab_id(o, at, "lab", c, &gl->lab) < 0
        || rj_verdict(o, at, "verdict", &gl->verdict) < 0
        || rj_fixed(o, at, "detail", gl->detail, sizeof gl->detail) < 0
        || rj_str(o, at, "compile_log", 1, &gl->compile_log) < 0
        || rj_decode_tap(o, at, &gl->tap) < 0
        || rj_decode_sanitizer(o, at, &gl->san) < 0
        || rj_str(o, at, "out", 1, &gl->out) < 0
        || rj_str(o, at, "err", 1, &gl->err) < 0
        || rj_bool(o, at, "out_truncated", &gl->out_truncated) < 0
        || rj_bool(o, at, "err_truncated", &gl->err_truncated) < 0
        || rj_count(o, at, "passed", &gl->passed) < 0
        || rj_count(o, at, "failed", &gl->failed) < 0
        || rj_count(o, at, "total", &gl->total) < 0
        || rj_seconds(o, at, "duration", &gl->duration) < 0
        || rj_fixed(o, at, "missing", gl->missing, sizeof gl->missing) < 0)
        return -1;
    return 0;
}

/* The top-level fields of a run; its labs are decoded after. */
static int rj_decode_run(const cJSON *o, const struct rj_at *at, const struct course *c,
                         struct grader_run *run)
{
    const cJSON *seed = cJSON_GetObjectItemCaseSensitive(o, "seed");
    if (seed == NULL || !cJSON_IsNumber(seed) || !isfinite(seed->valuedouble)
        || seed->valuedouble < 0 || seed->valuedouble > (double)UTIL_SEED_MAX
        || seed->valuedouble != floor(seed->valuedouble))
        return rj_fail(at, "seed", seed == NULL ? "missing" : "not a seed");
    run->seed = (uint64_t)seed->valuedouble;
    if (rj_bool(o, at, "seed_chosen", &run->seed_chosen) < 0
        || rj_lab_id(o, at, "target", c, &run->target) < 0
        || rj_verdict(o, at, "verdict", &run->verdict) < 0
        || rj_count(o, at, "passed", &run->passed) < 0
        || rj_count(o, at, "failed", &run->failed) < 0
        || rj_count(o, at, "total", &run->total) < 0
        || rj_seconds(o, at, "duration", &run->duration) < 0)
        return -1;
    return 0;
}

int runjson_decode(const char *text, const struct course *c, struct grader_run *run,
                   char **cause)
{
    memset(run, 0, sizeof *run);
    struct rj_at top = { .path = "", .cause = cause };
    const char *end = NULL;
    cJSON *o = cJSON_ParseWithOpts(text, &end, 1);
    if (o == NULL || !cJSON_IsObject(o)) {
        *cause = o == NULL ? xasprintf("not JSON (at byte %td)", (end ? end : text) - text)
                           : xstrdup("not a JSON object");
        cJSON_Delete(o);
        return -1;
    }
    size_t n = 0;
    const cJSON *labs = NULL;
    int rc = rj_decode_run(o, &top, c, run);
    if (rc == 0 && (labs = rj_array(o, &top, "labs", c->nlabs, &n)) == NULL)
        rc = -1;
    if (rc == 0) {
        run->labs = xcalloc(n ? n : 1, sizeof *run->labs);
        run->nlabs = n;
    }
    size_t i = 0;
    for (const cJSON *l = labs ? labs->child : NULL; rc == 0 && l != NULL; l = l->next, i++) {
        struct rj_at sub;
        rj_sub(&sub, &top, "labs", i);
        rc = rj_decode_lab(l, &sub, c, &run->labs[i]);
    }
    cJSON_Delete(o);
    if (rc < 0)
        grader_run_free(run);
    return rc;
}
