/* cmd-status.c -- `stacklab status`: how far the learner is: lessons read, labs passed,
 * points, the current lab and the latest attempts; for a learner logged in to a class,
 * the server's view beside it (offline, the workspace's alone, saying so). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "bundle.h"
#include "client.h"
#include "cmd.h"
#include "exam.h"
#include "examrun.h"
#include "progress.h"
#include "term.h"
#include "workspace.h"

static int cmd_status_exec(struct cmd_ctx *ctx);

const struct cmd_entry cmd_status_entry = {
    .name = "status", .usage = "",
    .summary = "how far you are: lessons, labs, points, latest attempts",
    .needs = CMD_WORKSPACE, .exec = cmd_status_exec,
};

/* A bar of `width` cells, `done` of `total` filled. */
static void cmd_status_bar(FILE *f, int done, int total, int width)
{
    int fill = total > 0 ? done * width / total : 0;
    fputc('[', f);
    for (int i = 0; i < width; i++)
        fputc(i < fill ? '#' : '.', f);
    fputc(']', f);
}

/* An open sitting of exam e: its clock runs while nobody looks, so say what is left. */
static void cmd_status_open(const struct exam *e, const struct store_sitting *s)
{
    int64_t left = s->deadline - (int64_t)time(NULL);
    char clock[32];
    examrun_format_clock(clock, sizeof clock, left > 0 ? left : 0);
    if (left > 0)
        printf("exam %-8s OPEN sitting, %s left on its clock (stacklab exam %s resumes it)\n",
               exam_id(e), clock, exam_id(e));
    else
        printf("exam %-8s OPEN sitting, time up (stacklab exam %s records it)\n", exam_id(e),
               exam_id(e));
}

/* A sitting's score in percent (scores may be stored on any scale). */
static int cmd_status_percent(const struct store_sitting *s)
{
    return s->max_score > 0 ? (int)(100.0 * s->score / s->max_score + 0.5) : 0;
}

/* "YYYY-MM-DD HH:MM" of t, local time. */
static void cmd_status_when(char *out, size_t cap, int64_t t)
{
    time_t w = (time_t)t;
    struct tm tm;
    localtime_r(&w, &tm);
    strftime(out, cap, "%Y-%m-%d %H:%M", &tm);
}

/* One lab's line of the server's view. */
static void cmd_status_server_lab(const struct course *c, const struct client_progress_lab *l)
{
    const struct lab *lab = course_lab(c, l->lab);
    char when[32], due[64] = "";
    if (l->due >= 0) {
        time_t w = (time_t)l->due;
        struct tm tm;
        gmtime_r(&w, &tm);
        strftime(due, sizeof due, ", due %Y-%m-%d %H:%M UTC", &tm);
    }
    if (l->attempts == 0) {
        printf("  lab %-3s %-28.28s no submission yet%s\n", l->lab, lab ? lab->title : "",
               due);
        return;
    }
    cmd_status_when(when, sizeof when, l->last);
    printf("  lab %-3s %-28.28s %-11s best %d/%d, %d submission%s, last %s%s\n", l->lab,
           lab ? lab->title : "", !l->passed ? "not passed" : l->passed_on_time ? "passed"
           : "passed late", l->best_passed, l->total, l->attempts, l->attempts == 1 ? "" : "s",
           l->last ? when : "-", due);
}

/* The learner's exams on the server, a line each (nothing when the class has none). */
static void cmd_status_server_exams(const struct client_server *s)
{
    struct client_exam_standing *e;
    size_t n;
    char *cause = NULL;
    int user_fault;
    if (client_exams_get(s, &e, &n, &cause, &user_fault) < 0) {
        char *clean = client_clean(cause, 600);
        printf("  exams not available: %s\n", clean);
        free(clean);
        free(cause);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        char used[64];
        if (e[i].attempts > 0)
            snprintf(used, sizeof used, "%d of %d sitting%s", e[i].used, e[i].attempts,
                     e[i].attempts == 1 ? "" : "s");
        else
            snprintf(used, sizeof used, "%d sitting%s", e[i].used, e[i].used == 1 ? "" : "s");
        if (e[i].open)
            printf("  exam %-8s a sitting is open: its clock runs (stacklab exam %s resumes "
                   "it)\n", e[i].id, e[i].id);
        else if (e[i].best < 0)
            printf("  exam %-8s not sat yet, %d minutes, pass mark %d%% (stacklab exam %s)\n",
                   e[i].id, e[i].minutes, e[i].pass, e[i].id);
        else
            printf("  exam %-8s best %d%% %s, %s\n", e[i].id, e[i].best,
                   e[i].passed ? "passed" : "not passed", used);
    }
    client_exams_free(e, n);
}

/* The class server's view of the learner, when logged in to a class: their standing at
 * each lab and their current lab there. Unreachable, it says so; the rest of status
 * stands on the workspace alone. */
static void cmd_status_server(const struct workspace *ws, FILE *f)
{
    struct client_server s;
    struct client_progress p;
    char *cause = NULL;
    int user_fault = 0, rc = client_server_load(&s, &cause);
    if (rc == 1) {              /* not logged in to a class: nothing to show */
        free(cause);
        return;
    }
    printf("\n%sclass server%s\n", term_sgr(f, "bold"), term_sgr(f, "reset"));
    if (rc == 0)
        rc = client_progress_get(&s, &p, &cause, &user_fault);
    if (rc < 0) {
        char *clean = client_clean(cause, 600);
        printf("  not available: %s\n  (the progress above is this workspace's, which "
               "works offline)\n", clean);
        free(clean);
    } else {
        char *url = client_clean(s.url, 200);
        int passed = 0;
        for (size_t i = 0; i < p.nlabs; i++)
            passed += p.labs[i].passed;
        printf("  class %s at %s, as %s\n  labs passed %d of %zu", p.class_name, url,
               p.learner, passed, p.nlabs);
        const struct lab *cur = p.current[0] ? course_lab(ws->course, p.current) : NULL;
        if (p.current[0] != '\0' && (size_t)passed < p.nlabs)
            printf(", current lab %s%s%s (stacklab submit %s)", p.current, cur ? " " : "",
                   cur ? cur->title : "", p.current);
        printf("\n");
        for (size_t i = 0; i < p.nlabs; i++)
            cmd_status_server_lab(ws->course, &p.labs[i]);
        cmd_status_server_exams(&s);
        free(url);
        client_progress_free(&p);
    }
    client_server_free(&s);
    free(cause);
}

static int cmd_status_exec(struct cmd_ctx *ctx)
{
    struct workspace *ws = ctx->ws;
    FILE *f = stdout;
    struct progress_totals t;
    progress_totals(ws, &t);
    printf("%sworkspace%s %s\n", term_sgr(f, "bold"), term_sgr(f, "reset"), ws->root);
    printf("lessons read  %2d of %-2d ", t.lessons_read, t.lessons);
    cmd_status_bar(f, t.lessons_read, t.lessons, 20);
    printf("\nlabs passed   %2d of %-2d ", t.labs_passed, t.labs);
    cmd_status_bar(f, t.labs_passed, t.labs, 20);
    printf("\npoints        %d of %d\n", t.points_earned, t.points);
    struct lab *cur = workspace_current_lab(ws);
    if (cur != NULL)
        printf("current lab   %s %s (stacklab %s %s)\n", cur->id, cur->title,
               bundle_grade_verb(ws->course), cur->id);
    else if (t.labs > 0)
        printf("current lab   none: every lab passed\n");
    /* A class course's exams are sat on the server: the class server part shows them. */
    for (size_t i = 0; ws->course->bundle_upto == 0 && i < ws->course->nexams; i++) {
        const struct exam *e = ws->course->exams[i];
        struct store_sitting best, latest, open;
        int is_open = store_sitting_open(ws->store, exam_id(e), &open) == 1;
        if (is_open)
            cmd_status_open(e, &open);
        if (store_sitting_best(ws->store, exam_id(e), &best, &latest) != 1) {
            if (is_open)
                continue;
            printf("exam %-8s not taken yet (stacklab exam %s)\n", exam_id(e), exam_id(e));
            continue;
        }
        printf("exam %-8s best %d%% %s, latest %d%% %s (%d sitting%s)\n", exam_id(e),
               cmd_status_percent(&best), best.passed ? "passed" : "not passed",
               cmd_status_percent(&latest), latest.passed ? "passed" : "not passed",
               store_sitting_count(ws->store, exam_id(e)),
               store_sitting_count(ws->store, exam_id(e)) == 1 ? "" : "s");
    }
    struct store_attempt recent[5];
    int n = store_recent_attempts(ws->store, NULL, recent, 5);
    if (n > 0) {
        printf("\n%slatest attempts%s\n", term_sgr(f, "bold"), term_sgr(f, "reset"));
        for (int i = 0; i < n; i++) {
            char when[32];
            cmd_status_when(when, sizeof when, recent[i].when);
            printf("  %s  lab %s  %-8s %d/%d passed  %.1f s\n", when, recent[i].lab,
                   recent[i].verdict, recent[i].passed, recent[i].total, recent[i].duration);
        }
    }
    cmd_status_server(ws, f);
    return EXIT_OK;
}
