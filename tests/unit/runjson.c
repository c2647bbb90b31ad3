/* runjson.c (test) -- a check run as JSON: a grader_run built here (tests with message,
 * expected, got, transcript and a multi-line diff, a compiler log, a sanitizer report,
 * a crash with the program's output) is encoded and decoded, and report_check and
 * report_tap print the same bytes for both; hostile JSON is refused naming the field,
 * and escape sequences never come back raw.
 *
 * With arguments, a tool for tests/502: `runjson --check LAB JSON REPORT TAP` grades LAB
 * in the current workspace (grader_check, STACKLAB_SEED) and writes the run's JSON, its
 * report_check and its report_tap to the three files; exits 0 pass, 1 not. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "runjson.h"
#include "tap.h"
#include "util.h"
#include "workspace.h"

static struct lab t_labs[] = {
    { .id = "01", .slug = "parse-request", .title = "Parse a request" },
    { .id = "02", .slug = "build-response", .title = "Build a response" },
    { .id = "03", .slug = "routing", .title = "Routing" },
};
static struct course t_course = { .labs = t_labs, .nlabs = 3 };

static const char tap_pass[] =
    "TAP version 13\n1..2\nok 1 - parses a GET\nok 2 - parses headers\n";
static const char tap_fail[] =
    "TAP version 13\n1..4\n"
    "ok 1 - builds a 200\n"
    "not ok 2 - status line of a 404\n"
    "  ---\n  message: \"wrong status line\"\n  expected: \"HTTP/1.1 404 Not Found\"\n"
    "  got: \"HTTP/1.1 200 OK\"\n  seed: \"77\"\n  at: \"checker.c:12\"\n"
    "  transcript: |\n    > GET /missing HTTP/1.1\n    > Host: x\n    < HTTP/1.1 200 OK\n"
    "  ...\n"
    "not ok 3 - headers\n"
    "  ---\n  expected: |\n    a: 1\n    b: 2\n  got: |\n    a: 1\n    b: 3\n"
    "  input: \"GET / HTTP/1.1\"\n  ...\n"
    "ok 4 - skipped one # SKIP not yet\n";

/* The run: lab 01 passes, lab 02 fails with details, sanitizer and output, lab 03 did
 * not compile. Free with grader_run_free. */
static void t_build(struct grader_run *run)
{
    memset(run, 0, sizeof *run);
    run->seed = 123456789012ULL;
    run->target = &t_labs[2];
    run->nlabs = 3;
    run->labs = xcalloc(3, sizeof *run->labs);
    struct grader_lab *a = &run->labs[0], *b = &run->labs[1], *c = &run->labs[2];
    a->lab = &t_labs[0];
    a->tap = tapread_parse(tap_pass, strlen(tap_pass), 0);
    a->passed = a->total = 2;
    a->duration = 0.25;
    b->lab = &t_labs[1];
    b->verdict = GRADER_MEMERR;
    b->tap = tapread_parse(tap_fail, strlen(tap_fail), 0);
    b->passed = 2;
    b->failed = 2;
    b->total = 4;
    b->duration = 1.5;
    snprintf(b->detail, sizeof b->detail, "heap-buffer-overflow in f at vial/a.c:4");
    b->compile_log = xstrdup("vial/a.c:3:5: warning: unused variable 'x'\n");
    b->san = (struct sanitizer_report){ .tool = SANITIZER_ASAN, .kind = "heap-buffer-overflow",
                                        .file = "vial/a.c", .line = 4, .function = "f" };
    b->out = xstrdup("hello\n");
    b->err = xstrdup("==1==ERROR: AddressSanitizer\n\tline two\n");
    b->err_truncated = 1;
    snprintf(b->missing, sizeof b->missing, "network namespace");
    c->lab = &t_labs[2];
    c->verdict = GRADER_COMPILE;
    snprintf(c->detail, sizeof c->detail, "vial/router.c (lab 03) did not compile");
    c->compile_log = xstrdup("vial/router.c:9:1: error: expected ';'\n");
    c->duration = 0.5;
    run->verdict = GRADER_MEMERR;
    run->passed = 4;
    run->failed = 2;
    run->total = 6;
    run->duration = 2.25;
}

/* What f prints for run (report_check, or report_tap with tap). Caller frees. */
static char *t_print(const struct grader_run *run, int tap)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    (tap ? report_tap : report_check)(f, run);
    fclose(f);
    return buf;
}

static void t_round_trip(void)
{
    struct grader_run run, back;
    t_build(&run);
    char *json = runjson_encode(&run);
    ok(json != NULL && json[0] == '{', "R1 encode gives a JSON object");
    char *cause = NULL;
    int rc = runjson_decode(json, &t_course, &back, &cause);
    if (!is_int(rc, 0, "R2 decode takes it back"))
        diag("%s", cause);
    if (rc == 0) {
        char *a = t_print(&run, 0), *b = t_print(&back, 0);
        is_str(b, a, "R3 report_check prints the same bytes");
        ok(strstr(a, "transcript:") && strstr(a, "diff (- expected, + got)")
           && strstr(a, "heap-buffer-overflow") && strstr(a, "did not compile")
           && strstr(a, "your program's stderr (cut short)"),
           "R4 ... a report with a transcript, a diff, a sanitizer finding, a compile error "
           "and output");
        free(a);
        free(b);
        a = t_print(&run, 1);
        b = t_print(&back, 1);
        is_str(b, a, "R5 report_tap prints the same bytes");
        free(a);
        free(b);
        ok(back.labs[1].san.tool == SANITIZER_ASAN && back.labs[1].san.line == 4
           && strcmp(back.labs[1].san.function, "f") == 0, "R6 the sanitizer report survives");
        ok(back.seed == run.seed && back.target == &t_labs[2]
           && back.labs[0].lab == &t_labs[0], "R7 the seed and the course's labs");
        ok(back.labs[1].tap->tests[1].at == NULL,
           "R8 a hidden test's `at` (a checker line) is not sent");
        char *again = runjson_encode(&back);
        is_str(again, json, "R9 encoding the decoded run gives the same JSON");
        free(again);
    }
    free(cause);
    free(json);
    grader_run_free(&back);
    grader_run_free(&run);
}

/* Decodes text and expects a refusal whose cause starts with want. */
static void t_refused(const char *id, const char *text, const char *want)
{
    struct grader_run run;
    char *cause = NULL;
    int rc = runjson_decode(text, &t_course, &run, &cause);
    if (!ok(rc == -1 && cause != NULL && strncmp(cause, want, strlen(want)) == 0,
            "%s refused: %s", id, want))
        diag("rc %d, cause %s", rc, cause ? cause : "(none)");
    ok(run.labs == NULL && run.nlabs == 0, "%s ... and the run is left empty", id);
    free(cause);
}

/* The JSON of the built run with the first `from` replaced by `to`. Caller frees. */
static char *t_edit(const char *from, const char *to)
{
    struct grader_run run;
    t_build(&run);
    char *json = runjson_encode(&run);
    grader_run_free(&run);
    char *at = strstr(json, from);
    if (at == NULL)
        BAIL_OUT("no %s in the JSON", from);
    char *out = xasprintf("%.*s%s%s", (int)(at - json), json, to, at + strlen(from));
    free(json);
    return out;
}

static void t_refused_edit(const char *id, const char *from, const char *to,
                           const char *want)
{
    char *text = t_edit(from, to);
    t_refused(id, text, want);
    free(text);
}

static void t_hostile(void)
{
    t_refused("J1 not JSON", "{\"seed\": ", "not JSON");
    t_refused("J2 an array", "[1,2]", "not a JSON object");
    t_refused("J3 an empty object", "{}", "seed: missing");
    t_refused("J4 trailing bytes", "{} x", "not JSON");
    t_refused_edit("J5 a string seed", "\"seed\":123456789012", "\"seed\":\"1\"",
                   "seed: not a seed");
    t_refused_edit("J6 a seed over 2^53", "\"seed\":123456789012", "\"seed\":1e300",
                   "seed: not a seed");
    t_refused_edit("J7 a negative seed", "\"seed\":123456789012", "\"seed\":-1",
                   "seed: not a seed");
    t_refused_edit("J8 an unknown target", "\"target\":\"03\"", "\"target\":\"99\"",
                   "target: not a lab of this course");
    t_refused_edit("J9 an unknown verdict", "\"verdict\":\"memerr\"", "\"verdict\":\"won\"",
                   "verdict: not a known name");
    t_refused_edit("J10 a count out of range", "\"passed\":4", "\"passed\":1e20",
                   "passed: not a whole number in range");
    t_refused_edit("J11 a fraction", "\"passed\":4", "\"passed\":1.5",
                   "passed: not a whole number in range");
    t_refused_edit("J12 a negative duration", "\"duration\":2.25", "\"duration\":-2",
                   "duration: not a number of seconds");
    t_refused_edit("J13 labs not an array", "\"labs\":[", "\"labs\":\"no\",\"x\":[",
                   "labs: not an array");
    t_refused_edit("J14 a lab not an object", "\"labs\":[", "\"labs\":[7],\"x\":[",
                   "labs[0]: not an object");
    t_refused_edit("J15 more labs than the course has", "\"labs\":[", "\"labs\":[{},",
                   "labs: too many items");
    t_refused_edit("J16 a lab of another course", "\"lab\":\"02\"", "\"lab\":\"42\"",
                   "labs[1].lab: not a lab of this course");
    t_refused_edit("J17 ok not a boolean", "\"ok\":false", "\"ok\":\"no\"",
                   "labs[1].tap.tests[1].ok: not a boolean");
    t_refused_edit("J18 a description missing", "\"description\":\"status line",
                   "\"descr\":\"status line", "labs[1].tap.tests[1].description: missing");
    t_refused_edit("J19 a message not a string", "\"message\":\"wrong status line\"",
                   "\"message\":[1]", "labs[1].tap.tests[1].message: not a string or null");
    t_refused_edit("J20 tap neither object nor null", "\"tap\":null", "\"tap\":5",
                   "labs[2].tap: not an object or null");
    t_refused_edit("J21 a sanitizer of an unknown tool", "\"tool\":\"asan\"",
                   "\"tool\":\"msan\"", "labs[1].sanitizer.tool: not a known name");
    char big[400];
    memset(big, 'd', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    char *detail = xasprintf("\"detail\":\"%s\"", big);
    t_refused_edit("J22 a detail too long", "\"detail\":\"heap-buffer-overflow in f at vial/a.c:4\"",
                   detail, "labs[1].detail: longer than 255 bytes");
    free(detail);
    t_refused_edit("J23 a directive unknown", "\"directive\":\"skip\"", "\"directive\":\"later\"",
                   "labs[1].tap.tests[3].directive: not a known name");
    t_refused_edit("J24 a test number negative", "\"number\":3", "\"number\":-3",
                   "labs[1].tap.tests[2].number: not a whole number");
    struct sb deep = { 0 };
    for (int i = 0; i < 100000; i++)
        sb_putc(&deep, '[');
    t_refused("J25 100000 nested arrays", deep.buf, "not JSON");
    sb_free(&deep);
    t_refused("J26 a string with a NUL escape", "{\"seed\":\"\\u0000\"}", "seed: not a seed");
}

/* Escape sequences in every kind of server string reach the report escaped. */
static void t_escapes(void)
{
    char *text = t_edit("\"message\":\"wrong status line\"",
                        "\"message\":\"\\u001b]0;pwned\\u0007\\u001b[2J\\r\\u009b31m\"");
    struct grader_run run;
    char *cause = NULL;
    int rc = runjson_decode(text, &t_course, &run, &cause);
    free(text);
    is_int(rc, 0, "E1 a message with escape sequences decodes");
    if (rc == 0) {
        char *a = t_print(&run, 0);
        ok(strchr(a, '\033') == NULL && strchr(a, '\a') == NULL && strchr(a, '\r') == NULL
           && strstr(a, "\xc2\x9b") == NULL, "E2 no ESC, BEL, CR or C1 byte reaches the report");
        like(a, "^[]0;pwned", "E3 ... they show as text");
        free(a);
        a = t_print(&run, 1);
        ok(strchr(a, '\033') == NULL && strchr(a, '\r') == NULL, "E4 nor the TAP report");
        free(a);
    }
    free(cause);
    grader_run_free(&run);
    text = t_edit("\"detail\":\"vial/router.c (lab 03) did not compile\"",
                  "\"detail\":\"\\u001b[31mred\"");
    rc = runjson_decode(text, &t_course, &run, &cause);
    free(text);
    is_int(rc, 0, "E5 a compile detail with an escape sequence decodes");
    if (rc == 0) {
        char *a = t_print(&run, 0);
        ok(strchr(a, '\033') == NULL && strstr(a, "^[[31mred") != NULL,
           "E6 ... and is shown escaped");
        free(a);
    }
    grader_run_free(&run);
}

/* The tool mode (see the file's comment). */
static int t_tool(char **argv)
{
    char *cause = NULL;
    int fault = 0;
    struct workspace *ws = workspace_open(&cause, &fault);
    const struct lab *lab = ws ? course_lab(ws->course, argv[2]) : NULL;
    if (lab == NULL) {
        fprintf(stderr, "runjson: %s\n", cause ? cause : "no such lab");
        return 3;
    }
    struct grader_opts o = { 0 };
    struct grader_run run;
    if (grader_check(ws, lab, &o, &run, &cause) < 0) {
        fprintf(stderr, "runjson: %s\n", cause);
        return 3;
    }
    char *json = runjson_encode(&run);
    FILE *f = fopen(argv[3], "w"), *r = fopen(argv[4], "w"), *t = fopen(argv[5], "w");
    if (!json || !f || !r || !t)
        return 3;
    fputs(json, f);
    report_check(r, &run);
    report_tap(t, &run);
    fclose(f);
    fclose(r);
    fclose(t);
    free(json);
    int code = run.verdict == GRADER_PASS ? 0 : 1;
    grader_run_free(&run);
    workspace_close(ws);
    return code;
}

int main(int argc, char **argv)
{
    if (argc == 6 && strcmp(argv[1], "--check") == 0)
        return t_tool(argv);
    t_round_trip();
    t_hostile();
    t_escapes();
    return done_testing();
}
