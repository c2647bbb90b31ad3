/* report.c -- shows a learner what a check (or a public test run) found: per test ok /
 * not ok with message, expected and got (a line diff when multi-line), the seed and the
 * HTTP transcript; compiler messages, crashes, limits and sanitizer reports; a summary.
 * Plain text; colour only through term.h when the output allows it. Every string that
 * learner code could shape (test names and fields, program output, compiler messages,
 * file names, verdict details) is shown through term_escape_controls, so only our own
 * codes reach the terminal. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "report.h"
#include "term.h"
#include "util.h"

#define REPORT_MAX_LINES 40         /* of any one block: compiler log, stderr, diff */
#define REPORT_DETAILED 3           /* failures shown in full per lab */

/* Prints learner text s escaped (term_escape_controls); nothing for NULL. */
static void report_puts(FILE *f, const char *s)
{
    char *safe = term_escape_controls(s);
    if (safe != NULL)
        fputs(safe, f);
    free(safe);
}

/* Prints learner text, escaped, with each line indented by ind, at most max lines. */
static void report_block(FILE *f, const char *ind, const char *text, int max)
{
    int lines = 0;
    char *safe = term_escape_controls(text);
    const char *p = safe;
    while (p != NULL && *p != '\0') {
        size_t n = strcspn(p, "\n");
        if (lines++ == max) {
            int rest = 0;
            for (const char *q = p; *q != '\0'; q++)
                rest += *q == '\n';
            fprintf(f, "%s... (%d more lines)\n", ind, rest + (p[strlen(p) - 1] != '\n'));
            break;
        }
        fprintf(f, "%s%.*s\n", ind, (int)n, p);
        p += n + (p[n] == '\n');
    }
    free(safe);
}

/* "key: value" or, for a multi-line value, "key:" and the value indented below. */
static void report_field(FILE *f, const char *key, const char *value)
{
    if (value == NULL)
        return;
    if (!diff_multiline(value)) {
        fprintf(f, "        %-9s ", key);
        report_puts(f, value);
        fputc('\n', f);
        return;
    }
    fprintf(f, "        %s\n", key);
    report_block(f, "          ", value, REPORT_MAX_LINES);
}

/* The failure details of one test. `at` (a source line of the test) is shown for public
 * tests, which the learner can read; a hidden test's would name the checker's source. */
static void report_failure(FILE *f, const struct tap_test *t, int public)
{
    report_field(f, "message:", t->message);
    if (public)
        report_field(f, "at:", t->at);
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
static void report_tests(FILE *f, const struct tap_report *r, int public)
{
    int detailed = 0, hidden = 0;
    for (size_t i = 0; r != NULL && i < r->ntests; i++) {
        const struct tap_test *t = &r->tests[i];
        int bad = !t->ok && t->directive != TAP_DIR_TODO;
        fprintf(f, "  %s%-6s%s %3d ", term_sgr(f, bad ? "red" : "green"),
                bad ? "not ok" : "ok", term_sgr(f, "reset"), t->number);
        report_puts(f, t->description[0] ? t->description : "(unnamed test)");
        if (t->directive != TAP_DIR_NONE) {
            fprintf(f, " # %s ", t->directive == TAP_DIR_SKIP ? "SKIP" : "TODO");
            report_puts(f, t->reason);
        }
        fputc('\n', f);
        if (bad && detailed++ < REPORT_DETAILED)
            report_failure(f, t, public);
        else if (bad)
            hidden++;
    }
    if (hidden > 0)
        fprintf(f, "  (details of %d more failure%s left out: fix the first ones first)\n",
                hidden, hidden == 1 ? "" : "s");
    if (r != NULL && r->bailed_out) {
        fputs("  the checker gave up: ", f);
        report_puts(f, r->bail_reason);
        fputc('\n', f);
    }
}

/* The learner's own output, capped, when it helps explain a failure. */
static void report_output(FILE *f, const char *what, const char *text, int truncated)
{
    if (text == NULL)
        return;
    fprintf(f, "  your program's %s%s:\n", what, truncated ? " (cut short)" : "");
    report_block(f, "    | ", text, 20);
}

/* " WORDS: DETAIL" after a verdict tag; the detail (a sanitizer's finding, a crash)
 * may name learner files and functions. */
static void report_verdict_words(FILE *f, enum grader_verdict v, const char *detail)
{
    fprintf(f, " %s%s", grader_verdict_words(v), detail[0] ? ": " : "");
    report_puts(f, detail);
    fputc('\n', f);
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
    if (gl->compile_log != NULL) {
        /* The detail names the file and the lab it belongs to: lab 01's build also
         * compiles lab 05's files. */
        fprintf(f, "  %s:\n", gl->verdict != GRADER_COMPILE ? "compiler messages"
                : gl->detail[0] ? gl->detail : "your code did not compile");
        report_block(f, "    ", gl->compile_log, REPORT_MAX_LINES);
    }
    report_tests(f, gl->tap, 0);
    if (gl->verdict != GRADER_PASS && gl->verdict != GRADER_FAIL
        && gl->verdict != GRADER_COMPILE) {
        fprintf(f, "  ");
        report_tag(f, gl->verdict);
        report_verdict_words(f, gl->verdict, gl->detail);
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

/* The sandbox layers a run's labs lacked, once per run: every lab's box is made the
 * same way, so the same note per lab says nothing new. A lab whose list differs from
 * every earlier one's (a layer refused part-way) gets its own note. */
static void report_missing(FILE *f, const struct grader_run *run)
{
    for (size_t i = 0; i < run->nlabs; i++) {
        const char *m = run->labs[i].missing;
        int seen = m[0] == '\0';
        for (size_t j = 0; j < i && !seen; j++)
            seen = strcmp(run->labs[j].missing, m) == 0;
        if (!seen)
            fprintf(f, "note: sandbox layers unavailable: %s (stacklab doctor says why)\n",
                    m);
    }
}

void report_check(FILE *f, const struct grader_run *run)
{
    report_missing(f, run);
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

/* ---- TAP for machines -------------------------------------------------------------- */

/* `  key: "value"` with YAML double-quote escapes: control bytes, invalid UTF-8 and C1
 * controls as \xNN, so the stream is as safe on a terminal as the text report; nothing
 * for NULL. */
static void report_yaml(FILE *f, const char *key, const char *value)
{
    if (value == NULL)
        return;
    fprintf(f, "  %s: \"", key);
    for (const unsigned char *p = (const unsigned char *)value; *p != '\0'; p++) {
        static const char from[] = "\"\\\n\t\r";
        static const char *const to[] = { "\\\"", "\\\\", "\\n", "\\t", "\\r" };
        const char *hit = strchr(from, *p);
        size_t seq = *p >= 0x80 ? term_utf8_len((const char *)p, strnlen((const char *)p, 4))
                                : 0;
        if (hit != NULL)
            fputs(to[hit - from], f);
        else if (*p < 0x20 || *p == 0x7f || (*p >= 0x80 && seq == 0))
            fprintf(f, "\\x%02X", *p);
        else if (seq > 0) {
            fwrite(p, 1, seq, f);
            p += seq - 1;
        } else
            fputc(*p, f);
    }
    fputs("\"\n", f);
}

/* One test line (numbered n, named after its lab) and its YAML block when it failed. */
static void report_tap_test(FILE *f, int n, const char *lab, const struct tap_test *t)
{
    int bad = !t->ok && t->directive != TAP_DIR_TODO;
    fprintf(f, "%s %d - %s: ", t->ok ? "ok" : "not ok", n, lab);
    char *safe = term_escape_controls(t->description[0] ? t->description : "(unnamed test)");
    for (const char *d = safe; *d != '\0'; d++) {   /* TAP 14: '#' and '\' escaped */
        if (*d == '#' || *d == '\\')
            fputc('\\', f);
        fputc(*d == '\n' || *d == '\t' ? ' ' : *d, f);
    }
    free(safe);
    if (t->directive != TAP_DIR_NONE) {
        fprintf(f, " # %s ", t->directive == TAP_DIR_SKIP ? "SKIP" : "TODO");
        report_puts(f, t->reason);
    }
    fputc('\n', f);
    if (!bad)
        return;
    fputs("  ---\n", f);
    report_yaml(f, "message", t->message);
    report_yaml(f, "input", t->input);
    report_yaml(f, "expected", t->expected);
    report_yaml(f, "got", t->got);
    report_yaml(f, "seed", t->seed);
    report_yaml(f, "transcript", t->transcript);
    fputs("  ...\n", f);
}

/* A lab's verdict when its tests do not tell it (compile error, crash, leak ...). */
static int report_tap_verdict(const struct grader_lab *gl)
{
    return gl->verdict != GRADER_PASS && gl->verdict != GRADER_FAIL;
}

void report_tap(FILE *f, const struct grader_run *run)
{
    int total = 0, n = 0;
    for (size_t i = 0; i < run->nlabs; i++) {
        const struct grader_lab *gl = &run->labs[i];
        total += (gl->tap ? (int)gl->tap->ntests : 0) + report_tap_verdict(gl);
    }
    fprintf(f, "TAP version 13\n1..%d\n", total);
    for (size_t i = 0; i < run->nlabs; i++) {
        const struct grader_lab *gl = &run->labs[i];
        char lab[16];
        snprintf(lab, sizeof lab, "lab %s", gl->lab->id);
        fprintf(f, "# lab %s: %s\n", gl->lab->id, gl->lab->title);
        for (size_t t = 0; gl->tap != NULL && t < gl->tap->ntests; t++)
            report_tap_test(f, ++n, lab, &gl->tap->tests[t]);
        if (!report_tap_verdict(gl))
            continue;
        fprintf(f, "not ok %d - %s: %s\n  ---\n", ++n, lab, grader_verdict_words(gl->verdict));
        report_yaml(f, "message", gl->detail[0] ? gl->detail
                    : grader_verdict_words(gl->verdict));
        report_yaml(f, "verdict", grader_verdict_name(gl->verdict));
        report_yaml(f, "compiler", gl->compile_log);
        report_yaml(f, "stderr", gl->verdict == GRADER_COMPILE ? NULL : gl->err);
        fputs("  ...\n", f);
    }
    fprintf(f, "# %s lab %s: %d of %d tests passed over %zu lab%s in %.1f s (seed %llu)\n",
            grader_verdict_name(run->verdict), run->target->id, run->passed, run->total,
            run->nlabs, run->nlabs == 1 ? "" : "s", run->duration,
            (unsigned long long)run->seed);
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
    for (size_t i = 0; i < res->nfiles; i++) {
        const struct grader_public_file *pf = &res->files[i];
        if (res->nfiles > 1) {
            fputc(' ', f);
            report_puts(f, pf->name);
            fputs(":\n", f);
        }
        report_tests(f, pf->tap, 1);
        if (pf->verdict != GRADER_PASS && pf->verdict != GRADER_FAIL
            && pf->verdict != GRADER_COMPILE) {
            fprintf(f, "  ");
            report_tag(f, pf->verdict);
            report_verdict_words(f, pf->verdict, pf->detail);
        }
        if (pf->verdict != GRADER_PASS)
            report_output(f, "stderr", pf->err, 0);
    }
    report_tag(f, res->verdict);
    fprintf(f, " %d/%d public tests passed%s", res->passed, res->total,
            res->detail[0] ? ": " : "");
    report_puts(f, res->detail);
    fputc('\n', f);
    if (res->verdict != GRADER_COMPILE)
        fprintf(f, "public tests prove nothing to the grader: run stacklab check %s\n",
                lab->id);
}
