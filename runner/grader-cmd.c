/* grader-cmd.c -- the steps the lab commands (check, watch, test, hint, next, reset,
 * solution, update) share: picking a lab and the check-store-report sequence. Part of
 * the grader module (grader.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "exitcode.h"
#include "given.h"
#include "grader.h"
#include "report.h"
#include "util.h"

const struct lab *grader_pick_lab(struct workspace *ws, const char *arg, char **cause)
{
    const struct course *c = ws->course;
    if (arg != NULL) {
        const struct lab *lab = course_lab(c, arg);
        if (lab == NULL)
            *cause = xasprintf("no lab '%s' in this course (see stacklab list)", arg);
        return lab;
    }
    const struct lab *cur = workspace_current_lab(ws);
    if (cur == NULL && c->nlabs > 0)
        cur = &c->labs[c->nlabs - 1];
    if (cur == NULL)
        *cause = xstrdup("this course has no labs");
    return cur;
}

/* The lab after lab in the course, or NULL. */
static const struct lab *grader_next_lab(const struct course *c, const struct lab *lab)
{
    int i = course_lab_index(c, lab);
    return i >= 0 && (size_t)i + 1 < c->nlabs ? &c->labs[i + 1] : NULL;
}

/* The first thing that failed in gl, for a one-line message. */
static const char *grader_first_failure(const struct grader_lab *gl)
{
    for (size_t t = 0; gl->tap != NULL && t < gl->tap->ntests; t++)
        if (!gl->tap->tests[t].ok && gl->tap->tests[t].directive != TAP_DIR_TODO)
            return gl->tap->tests[t].description;
    return gl->detail[0] ? gl->detail : grader_verdict_words(gl->verdict);
}

/* Says which labs of run fail now though a pass of theirs is recorded: the pass stands
 * (passing is never taken away), and the learner learns why a lab that passed fails. */
static void grader_regressions(FILE *out, const char *prefix, struct workspace *ws,
                               const struct grader_run *run)
{
    for (size_t i = 0; i < run->nlabs; i++) {
        const struct grader_lab *gl = &run->labs[i];
        struct store_lab_status s;
        if (gl->verdict == GRADER_PASS || gl->verdict == GRADER_INTERNAL
            || gl->verdict == GRADER_COMPILE    /* no hidden test ran */
            || store_lab_status(ws->store, gl->lab->id, &s) < 0 || !s.passed)
            continue;
        char day[32] = "an earlier day";
        time_t when = (time_t)s.passed_when;
        struct tm tm;
        if (when > 0 && localtime_r(&when, &tm) != NULL)
            strftime(day, sizeof day, "%Y-%m-%d", &tm);
        fprintf(out, "%slab %s passed before (on %s) and stays passed; a hidden test added "
                "since (or a change to your code since) fails: %s\n", prefix, gl->lab->id,
                day, grader_first_failure(gl));
    }
}

/* What to do next, after a check's report. `stored` is grader_record's answer;
 * `passed_before` says whether lab had a recorded pass before this attempt: only a first
 * pass unlocks the lab after it, so a re-check names the current lab instead. */
static void grader_advice(FILE *out, struct workspace *ws, const struct lab *lab,
                          enum grader_verdict v, int stored, int passed_before)
{
    const struct lab *next = grader_next_lab(ws->course, lab);
    const struct lab *cur = workspace_current_lab(ws);
    if (stored < 0)     /* nothing is passed or unlocked that the store does not hold */
        fprintf(out, "not saved: this attempt was not recorded (%s), so it %s. Fix that and "
                "run stacklab check %s again.\n", store_errmsg(ws->store),
                v == GRADER_PASS ? "passes and unlocks nothing" : "counts for nothing",
                lab->id);
    else if (stored == 1)
        fprintf(out, "not recorded: you chose the seed. A chosen seed reproduces a failure; "
                "a pass counts only with a seed stacklab picks (stacklab check %s).\n",
                lab->id);
    else if (v == GRADER_PASS && passed_before && cur != NULL)
        fprintf(out, "lab %s passed, as before. Your current lab is %s: stacklab check %s\n",
                lab->id, cur->id, cur->id);
    else if (v == GRADER_PASS && passed_before)
        fprintf(out, "lab %s passed, as before: every lab of the course has passed.\n",
                lab->id);
    else if (v == GRADER_PASS && next != NULL)
        fprintf(out, "lab %s passed. lab %s unlocked: stacklab next\n", lab->id, next->id);
    else if (v == GRADER_PASS)
        fprintf(out, "lab %s passed: that was the last lab of the course.\n", lab->id);
    else if (v == GRADER_INTERNAL)
        fprintf(out, "this is not your code's fault; please report it.\n");
    else
        fprintf(out, "fix the first problem above and run stacklab check %s again "
                "(stacklab hint %s gives a hint).\n", lab->id, lab->id);
}

/* After a recorded pass: the workspace Makefile's current lab moves on (course.mk). A
 * failure here costs only `make test`'s default, so it is a warning. */
static void grader_note_current(struct workspace *ws)
{
    const struct lab *cur = workspace_current_lab(ws);
    char *cause = NULL;
    if (given_course_mk(ws->course, ws->root, cur ? grader_lab_number(cur) : 0, &cause) < 0) {
        fprintf(stderr, "stacklab: warning: %s\n", cause);
        free(cause);
    }
}

int grader_command(struct workspace *ws, const struct lab *lab, const struct grader_opts *o,
                   FILE *out)
{
    if (!workspace_lab_unlocked(ws, lab)) {
        fprintf(stderr, "stacklab: lab %s is locked: pass lab %s first (stacklab check %s)\n",
                lab->id, lab->requires, lab->requires);
        return EXIT_USAGE;
    }
    struct grader_run run;
    char *cause = NULL;
    if (grader_check(ws, lab, o, &run, &cause) < 0) {
        fprintf(stderr, "stacklab: check of lab %s could not run: %s\n", lab->id, cause);
        free(cause);
        return EXIT_INTERNAL;
    }
    struct store_lab_status before;
    int passed_before = store_lab_status(ws->store, lab->id, &before) == 0 && before.passed;
    int stored = grader_record(ws, &run);
    if (stored < 0)
        fprintf(stderr, "stacklab: the attempt was not saved in %s: %s\n", ws->dbpath,
                store_errmsg(ws->store));
    if (o->tap) {
        report_tap(out, &run);      /* machines read the stream and the exit code */
        grader_regressions(out, "# ", ws, &run);
        if (stored == 1)
            fprintf(out, "# not recorded: you chose the seed\n");
        else if (stored < 0)
            fprintf(out, "# not saved: the attempt was not recorded\n");
    } else {
        report_check(out, &run);
        grader_regressions(out, "", ws, &run);
        grader_advice(out, ws, lab, run.verdict, stored, passed_before);
    }
    if (stored == 0 && run.verdict == GRADER_PASS)
        grader_note_current(ws);
    if (stored == 0 && run.verdict == GRADER_PASS && !passed_before)
        grader_warm_start(ws, workspace_current_lab(ws));   /* the lab just unlocked */
    int code = stored < 0 ? EXIT_INTERNAL : run.verdict == GRADER_PASS ? EXIT_OK
        : run.verdict == GRADER_INTERNAL ? EXIT_INTERNAL : EXIT_FAILED;
    grader_run_free(&run);
    return code;
}

int grader_lab_number(const struct lab *lab)
{
    return (int)strtol(lab->id, NULL, 10);
}
