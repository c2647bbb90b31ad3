/* tap.h -- the one TAP library of stacklab: every project test, public lab test and
 * lab checker writes its results through it. Output is TAP 13 (YAML blocks on failure)
 * and goes to the descriptor named by $TAP_FD when set, otherwise stdout.
 *
 *   plan(3);  ok(x > 0, "positive");  is_int(got, 4, "four");  done_testing();
 *
 * All macros record the caller's file and line for the `at:` field.
 *
 * Failure blocks: `message`, `got`, `expected` (numbers bare, NULL as ~), `at: file:line`,
 * `seed` (tap_set_seed, else $TAP_SEED), then any tap_attach fields. A multi-line value
 * ending in one newline is a `|` block scalar; anything else is double-quoted with
 * escapes, where \xNN stands for the byte NN (prove's YAML reader, which knows no `|-`,
 * reads every value back; it shows \xNN as the character U+00NN). Values over 16 KiB
 * are cut. Descriptions escape '#' and '\' as TAP 14 says. */
#ifndef STACKLAB_TAP_H
#define STACKLAB_TAP_H

#include <stddef.h>

/* Announces the number of tests up front. Call at most once, before any test. */
void tap_plan(int n);
/* Announces that all tests of this file are skipped (1..0 # SKIP why) and exits 0. */
void tap_skip_all(const char *why);
/* Prints the trailing plan (if none was given) and returns the exit status a test
 * program should exit with: 0 when every non-todo test passed and the plan matched. */
int tap_done_testing(void);

/* Each returns 1 when the test passed, 0 when it failed. */
int tap_ok(const char *file, int line, int pass, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int tap_is_int(const char *file, int line, long long got, long long expected,
               const char *fmt, ...) __attribute__((format(printf, 5, 6)));
int tap_is_str(const char *file, int line, const char *got, const char *expected,
               const char *fmt, ...) __attribute__((format(printf, 5, 6)));
int tap_is_bytes(const char *file, int line, const void *got, size_t got_len,
                 const void *expected, size_t expected_len, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
int tap_like(const char *file, int line, const char *got, const char *substring,
             const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* A failure with a caller-provided message, got and expected (any may be NULL). */
int tap_fail_with(const char *file, int line, const char *message, const char *got,
                  const char *expected, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* Prints "# ..." comment lines (to the TAP stream; multi-line text is split). */
void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Reports `n` tests as skipped with reason `why`: prints n "ok N # SKIP why" lines now,
 * in place of the tests not run (`if (!db) skip(2, "no db"); else { ok(..); ok(..); }`).
 * Tests called afterwards run and count as usual: a skip never hides a failure. */
void tap_skip(int n, const char *why);
/* Tests between tap_todo_start() and tap_todo_end() are marked # TODO why. */
void tap_todo_start(const char *why);
void tap_todo_end(void);
/* Prints "Bail out! why" and exits 255. */
void tap_bail_out(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Runs fn(arg) in a forked child with a wall time limit (seconds, 0 = none). The child's
 * own tap calls are reported normally; if the child dies from a signal or runs out of
 * time, one "not ok" naming the signal (or "timed out after N s") is printed for the
 * case and the parent carries on. Returns 1 if the child exited 0 having passed all
 * its tests, 0 otherwise. Test numbers stay consecutive across children. A case ended
 * by a sanitizer (which exits rather than dying from the signal) is reported as such.
 * Inside fn, plan() is ignored and done_testing() only returns; fn should return rather
 * than exit() (exit runs the parent's atexit handlers in the child). A child with no
 * test of its own that exits 0 is reported as one passing test named `name`. */
int tap_run_isolated(const char *file, int line, const char *name, double timeout_sec,
                     void (*fn)(void *arg), void *arg);

/* Sets the seed shown as `seed:` in every later failure block (a copy is kept; NULL
 * clears it). Without it, $TAP_SEED is shown when set. */
void tap_set_seed(const char *seed);
/* Adds a YAML field `key: value` to the next test's failure block (say a transcript);
 * copies both; dropped after the next test whatever its result. At most 8 at once. */
void tap_attach(const char *key, const char *value);

/* Number of tests run so far and how many failed. */
int tap_tests_run(void);
int tap_tests_failed(void);

#define plan(n)                 tap_plan(n)
#define done_testing()          tap_done_testing()
#define ok(pass, ...)           tap_ok(__FILE__, __LINE__, (pass), __VA_ARGS__)
#define is_int(g, e, ...)       tap_is_int(__FILE__, __LINE__, (g), (e), __VA_ARGS__)
#define is_str(g, e, ...)       tap_is_str(__FILE__, __LINE__, (g), (e), __VA_ARGS__)
#define is_bytes(g, gl, e, el, ...) tap_is_bytes(__FILE__, __LINE__, (g), (gl), (e), (el), __VA_ARGS__)
#define like(g, sub, ...)       tap_like(__FILE__, __LINE__, (g), (sub), __VA_ARGS__)
#define fail_with(m, g, e, ...) tap_fail_with(__FILE__, __LINE__, (m), (g), (e), __VA_ARGS__)
#define diag(...)               tap_diag(__VA_ARGS__)
#define skip(n, why)            tap_skip((n), (why))
#define todo_start(why)         tap_todo_start(why)
#define todo_end()              tap_todo_end()
#define BAIL_OUT(...)           tap_bail_out(__VA_ARGS__)
#define run_isolated(name, secs, fn, arg) \
    tap_run_isolated(__FILE__, __LINE__, (name), (secs), (fn), (arg))

#endif
