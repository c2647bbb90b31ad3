/* report.c -- shows a learner what a check (or a public test run) found: per test ok /
 * not ok with message, expected and got (a line diff when multi-line), the seed and the
 * HTTP transcript; compiler messages, crashes, limits and sanitizer reports; a summary.
 * Plain text; colour only through term.h when the output allows it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "report.h"
#include "term.h"

#define REPORT_MAX_LINES 40         /* of any one block: compiler log, stderr, diff */
#define REPORT_DETAILED 3           /* failures shown in full per lab */

/* Prints text with each line indented by ind, at most max lines. */
static void report_block(FILE *f, const char *ind, const char *text, int max)
{
    int lines = 0;
    const char *p = text;
    while (p != NULL && *p != '\0') {
        size_t n = strcspn(p, "\n");
        if (lines++ == max) {
            int rest = 0;
            for (const char *q = p; *q != '\0'; q++)
                rest += *q == '\n';
            fprintf(f, "%s... (%d more lines)\n", ind, rest + (p[strlen(p) - 1] != '\n'));
            return;
        }
        fprintf(f, "%s%.*s\n", ind, (int)n, p);
        p += n + (p[n] == '\n');
    }
}

/* "key: value" or, for a multi-line value, "key:" and the value indented below. */
static void report_field(FILE *f, const char *key, const char *value)
{
    if (value == NULL)
        return;
    if (!diff_multiline(value)) {
        fprintf(f, "        %-9s %s\n", key, value);
        return;
    }
    fprintf(f, "        %s\n", key);
    report_block(f, "          ", value, REPORT_MAX_LINES);
}

/* The failure details of one test. */
static void report_failure(FILE *f, const struct tap_test *t)
{
    report_field(f, "message:", t->message);
    report_field(f, "input:", t->input);
    if (diff_multiline(t->expected) || diff_multiline(t->got)) {
        char *d = diff_lines(t->expected, t->got);
        fprintf(f, "        %sdiff (- expected, + got):%s\n", term_sgr(f, "bold"),
                term_sgr(f, "reset"));
        report_block(f, "          ", d, REPORT_MAX_LINES);
        free(d);
    } else {
        report_field(f, "expected:", t->expected);
        report_field(f, "got:", t->got);
    }
    report_field(f, "seed:", t->seed);
    report_field(f, "transcript:", t->transcript);
}

/* Every test of a TAP report, one line each, failures with details. */
static void report_tests(FILE *f, const struct tap_report *r)
{
    int detailed = 0, hidden = 0;
    for (size_t i = 0; r != NULL && i < r->ntests; i++) {
        const struct tap_test *t = &r->tests[i];
        int bad = !t->ok && t->directive != TAP_DIR_TODO;
        fprintf(f, "  %s%-6s%s %3d %s", term_sgr(f, bad ? "red" : "green"),
                bad ? "not ok" : "ok", term_sgr(f, "reset"), t->number,
                t->description[0] ? t->description : "(unnamed test)");
        if (t->directive != TAP_DIR_NONE)
            fprintf(f, " # %s %s", t->directive == TAP_DIR_SKIP ? "SKIP" : "TODO",
                    t->reason ? t->reason : "");
        fputc('\n', f);
        if (bad && detailed++ < REPORT_DETAILED)
            report_failure(f, t);
        else if (bad)
            hidden++;
    }
    if (hidden > 0)
        fprintf(f, "  (details of %d more failure%s left out: fix the first ones first)\n",
                hidden, hidden == 1 ? "" : "s");
    if (r != NULL && r->bailed_out)
        fprintf(f, "  the checker gave up: %s\n", r->bail_reason ? r->bail_reason : "");
}

/* The learner's own output, capped, when it helps explain a failure. */
static void report_output(FILE *f, const char *what, const char *text, int truncated)
{
    if (text == NULL)
        return;
    fprintf(f, "  your program's %s%s:\n", what, truncated ? " (cut short)" : "");
    report_block(f, "    | ", text, 20);
}

/* A one-line verdict tag: "PASS", "FAIL", "CRASH" ... */
static void report_tag(FILE *f, enum grader_verdict v)
{
    const char *name = grader_verdict_name(v);
    fprintf(f, "%s%s", term_sgr(f, "bold"), term_sgr(f, v == GRADER_PASS ? "green" : "red"));
    for (const char *p = name; *p != '\0'; p++)
        fputc(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p, f);
    fputs(term_sgr(f, "reset"), f);
}

/* One lab of a check run. */
static void report_lab(FILE *f, const struct grader_lab *gl, uint64_t seed)
{
    fprintf(f, "%slab %s: %s%s\n", term_sgr(f, "bold"), gl->lab->id, gl->lab->title,
            term_sgr(f, "reset"));
    if (gl->missing[0] != '\0')
        fprintf(f, "  note: sandbox layers unavailable: %s\n", gl->missing);
    if (gl->compile_log != NULL) {
        fprintf(f, "  %s:\n", gl->verdict == GRADER_COMPILE ? "your code did not compile"
                : "compiler messages");
        report_block(f, "    ", gl->compile_log, REPORT_MAX_LINES);
    }
    report_tests(f, gl->tap);
    if (gl->verdict != GRADER_PASS && gl->verdict != GRADER_FAIL
        && gl->verdict != GRADER_COMPILE) {
        fprintf(f, "  ");
        report_tag(f, gl->verdict);
        fprintf(f, " %s%s%s\n", grader_verdict_words(gl->verdict), gl->detail[0] ? ": " : "",
                gl->detail);
    }
    if (gl->verdict != GRADER_PASS && gl->verdict != GRADER_COMPILE) {
        report_output(f, "stdout", gl->out, gl->out_truncated);
        report_output(f, "stderr", gl->err, gl->err_truncated);
    }
    fprintf(f, "  ");
    report_tag(f, gl->verdict);
    fprintf(f, " lab %s: %d/%d tests passed (%.1f s)", gl->lab->id, gl->passed, gl->total,
            gl->duration);
    if (gl->verdict != GRADER_PASS && gl->verdict != GRADER_COMPILE)
        fprintf(f, ", seed %llu (stacklab check %s --seed %llu repeats it)",
                (unsigned long long)seed, gl->lab->id, (unsigned long long)seed);
    fputc('\n', f);
}

void report_check(FILE *f, const struct grader_run *run)
{
    for (size_t i = 0; i < run->nlabs; i++) {
        report_lab(f, &run->labs[i], run->seed);
        if (i + 1 < run->nlabs)
            fputc('\n', f);
    }
    fputc('\n', f);
    report_tag(f, run->verdict);
    fprintf(f, " lab %s: %d of %d tests passed over %zu lab%s in %.1f s (seed %llu)\n",
            run->target->id, run->passed, run->total, run->nlabs, run->nlabs == 1 ? "" : "s",
            run->duration, (unsigned long long)run->seed);
}

void report_public(FILE *f, const struct lab *lab, const struct grader_public *res)
{
    fprintf(f, "%spublic tests of lab %s: %s%s\n", term_sgr(f, "bold"), lab->id, lab->title,
            term_sgr(f, "reset"));
    if (res->compile_log != NULL) {
        fprintf(f, "  %s:\n", res->verdict == GRADER_COMPILE ? "the tests did not compile"
                : "compiler messages");
        report_block(f, "    ", res->compile_log, REPORT_MAX_LINES);
    }
    report_tests(f, res->tap);
    if (res->verdict != GRADER_PASS)
        report_output(f, "stderr", res->err, 0);
    report_tag(f, res->verdict);
    fprintf(f, " %d/%d public tests passed%s%s\n", res->passed, res->total,
            res->detail[0] ? ": " : "", res->detail);
    if (res->verdict != GRADER_COMPILE)
        fprintf(f, "public tests prove nothing to the grader: run stacklab check %s\n",
                lab->id);
}
