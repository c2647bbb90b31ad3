/* tap-demo.c -- a test program using every tap.h feature, run by tests/010-tap.t: its
 * output is compared with a golden file, fed to prove, and read back by tapread.
 * argv[1] picks a scenario (see the table at the end); it is not a test by itself. */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"

static void crash_case(void *arg)
{
    (void)arg;
    ok(1, "inside the crashing case");
    volatile uintptr_t bad = 16;    /* not NULL: UBSan would report that before the fault */
    *(volatile int *)bad = 1;
}

static void null_case(void *arg)
{
    (void)arg;
    volatile int *volatile p = NULL;
    *p = 1;
}

static void loop_case(void *arg)
{
    (void)arg;
    for (;;)
        pause();
}

static void mixed_case(void *arg)
{
    (void)arg;
    ok(1, "inner pass");
    is_int(2 + 2, 5, "inner failure");
}

static void silent_case(void *arg)
{
    (void)arg;
}

static void exit_case(void *arg)
{
    (void)arg;
    ok(1, "passes, then exits 3");
    exit(3);
}

static void abort_case(void *arg)
{
    (void)arg;
    abort();
}

/* Every assertion kind, passing and failing, every directive, every isolated outcome. */
static int scenario_all(void)
{
    static const unsigned char g[] = { 'G', 'E', 'T', 0x00, 0xFF, '\r', '\n' };
    static const unsigned char e[] = { 'G', 'E', 'T', ' ', 0xFF, '\r', '\n' };
    ok(1, "plain ok");
    ok(0, "plain failure");
    is_int(-7, -7, "equal numbers");
    is_int(10, 12, "different numbers");
    is_str("same", "same", "equal strings");
    is_str("line one\nline two\n", "line one\nline 2\n", "multi-line strings # differ");
    is_str("no newline\nat end", "tab\tand \"quotes\" \\ done", "quoted strings");
    is_str(NULL, "x", "NULL got");
    is_str("caf\xC3\xA9 \x1B[31m", "caf\xC3\xA9", "UTF-8 kept, control bytes escaped");
    is_bytes(g, sizeof g, g, sizeof g, "equal bytes");
    is_bytes(g, sizeof g, e, sizeof e, "different bytes");
    like("HTTP/1.1 200 OK", "200", "substring found");
    like("HTTP/1.1 404 Not Found", "200", "substring missing");
    tap_attach("transcript", "> GET / HTTP/1.1\n> Host: x\n< HTTP/1.1 500 Oops\n");
    fail_with("the server answered 500", "500", "200", "fail_with, transcript attached");
    fail_with(NULL, NULL, NULL, "fail_with, nothing but a name");
    diag("a comment\nover two lines");
    if (getpid() > 0)
        skip(2, "not on this machine");
    else
        ok(0, "never run"), ok(0, "never run");
    todo_start("not written yet");
    ok(0, "a todo failure");
    ok(1, "a todo pass");
    todo_end();
    run_isolated("crashing case", 10, crash_case, NULL);
    ok(1, "after the crash");
    run_isolated("looping case", 0.3, loop_case, NULL);
    run_isolated("mixed case", 10, mixed_case, NULL);
    run_isolated("silent case", 10, silent_case, NULL);
    run_isolated("exiting case", 10, exit_case, NULL);
    run_isolated("aborting case", 10, abort_case, NULL);
    ok(tap_tests_run() == 29, "tests run so far: %d", tap_tests_run());
    ok(tap_tests_failed() == 15, "failed so far: %d", tap_tests_failed());
    return done_testing();
}

static void pass_case(void *arg)
{
    (void)arg;
    ok(1, "inside an isolated case");
}

/* A clean run: plan first, an isolated case that passes. */
static int scenario_pass(void)
{
    plan(4);
    ok(1, "first");
    run_isolated("isolated, with tests", 10, pass_case, NULL);
    is_str("a", "a", "strings");
    ok(tap_tests_failed() == 0, "nothing failed");
    return done_testing();
}

static int scenario_bail(void)
{
    ok(1, "before");
    BAIL_OUT("stop %s", "here");
}

static void bail_child(void *arg)
{
    (void)arg;
    ok(1, "child before bailing");
    BAIL_OUT("the child gave up");
}

static void bail_grandchild(void *arg)
{
    ok(1, "middle child");
    run_isolated("bailing grandchild", 10, bail_child, arg);
    ok(1, "never printed either");
}

/* Appends a line to $TAP_DEMO_MARKER: the test counts how many processes ran it. */
static void cleanup_marker(void)
{
    const char *m = getenv("TAP_DEMO_MARKER");
    FILE *f = m ? fopen(m, "a") : NULL;
    if (f) {
        fputs("cleanup\n", f);
        fclose(f);
    }
}

/* The bail out starts two levels down; only the top process may run its atexit cleanup. */
static int scenario_bail_child(void)
{
    atexit(cleanup_marker);
    ok(1, "before");
    run_isolated("bailing case", 10, bail_grandchild, NULL);
    ok(1, "never printed");
    return done_testing();
}

static int scenario_skip_all(void)
{
    tap_skip_all("nothing to test here");
    return 1;
}

static int scenario_plan_short(void)
{
    plan(3);
    ok(1, "only one of three");
    return done_testing();
}

/* Enough tests in one child to fill the progress pipe many times over. */
static void many_case(void *arg)
{
    int n = *(int *)arg;
    for (int i = 0; i < n; i++)
        ok(1, "child test %d", i + 1);
}

static void nested_case(void *arg)
{
    ok(1, "outer child");
    run_isolated("inner crash", 10, crash_case, arg);
    ok(1, "outer child after the inner crash");
}

static int scenario_many(void)
{
    int n = 5000;
    run_isolated("many", 60, many_case, &n);
    for (int i = 0; i < 20; i++)
        run_isolated("small", 10, i % 5 ? mixed_case : crash_case, NULL);
    run_isolated("nested", 10, nested_case, NULL);
    ok(1, "last");
    return done_testing();
}

/* A null store: SIGSEGV natively, a UBSan report in the sanitized build. */
static int scenario_null(void)
{
    run_isolated("null store", 10, null_case, NULL);
    ok(1, "after");
    return done_testing();
}

/* tap_set_seed wins over $TAP_SEED; tap_attach lasts one test. */
static int scenario_seed(void)
{
    tap_set_seed("0x2a");
    tap_attach("note", "only on the first failure");
    ok(0, "first failure");
    tap_set_seed(NULL);
    ok(0, "second failure");
    return done_testing();
}

static const struct {
    const char *name;
    int (*run)(void);
} scenarios[] = {
    { "all", scenario_all },           { "pass", scenario_pass },
    { "bail", scenario_bail },         { "bail-child", scenario_bail_child },
    { "skip-all", scenario_skip_all }, { "plan-short", scenario_plan_short },
    { "many", scenario_many },         { "null", scenario_null },
    { "seed", scenario_seed },
};

int main(int argc, char **argv)
{
    const char *want = argc > 1 ? argv[1] : "all";
    for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++)
        if (strcmp(scenarios[i].name, want) == 0)
            return scenarios[i].run();
    fprintf(stderr, "tap-demo: unknown scenario %s\n", want);
    return 2;
}
