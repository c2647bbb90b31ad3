/* serve-dash-class.c -- the dashboard's pages of one class (the learners x labs grid, the
 * per-lab pass rates, the hidden tests that fail most, the CSV export) and of one
 * learner (history, the last graded submission's report as `stacklab check` prints it). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "grader.h"
#include "report.h"
#include "runjson.h"
#include "serve-dash.h"

#define DASH_TOP_FAILS 10

/* One class's data, read under the lock. */
struct dash_data {
    struct servedb_class cls;
    struct servedb_learner *learners;
    size_t nlearners;
    struct servedb_cell *cells;
    size_t ncells;
    struct servedb_deadline *dues;
    size_t ndues;
    struct servedb_exam_cell *exams;    /* the class page's only (dash_exams_read) */
    size_t nexams;
};

static void dash_data_free(struct dash_data *d)
{
    free(d->learners);
    free(d->cells);
    free(d->dues);
    free(d->exams);
}

int dash_class_find(struct serve *s, int64_t class_id, struct servedb_class *out)
{
    struct servedb_class *c = NULL;
    size_t n = 0;
    if (servedb_classes(s->db, &c, &n) < 0)
        return -1;
    int found = 0;
    for (size_t i = 0; i < n; i++)
        if (c[i].id == class_id)
            *out = c[i], found = 1;
    free(c);
    return found;
}

/* Reads class_id's data: 1, 0 no such class, -1 database error (s->db's message). */
static int dash_data_read(struct serve *s, int64_t class_id, struct dash_data *d)
{
    memset(d, 0, sizeof *d);
    int found = dash_class_find(s, class_id, &d->cls);
    if (found <= 0)
        return found;
    if (servedb_learners(s->db, class_id, &d->learners, &d->nlearners) < 0
        || servedb_cells(s->db, class_id, 0, &d->cells, &d->ncells) < 0
        || servedb_deadlines(s->db, class_id, &d->dues, &d->ndues) < 0) {
        dash_data_free(d);
        return -1;
    }
    return 1;
}

static const struct servedb_cell *dash_cell(const struct dash_data *d, int64_t learner,
                                            const char *lab)
{
    for (size_t i = 0; i < d->ncells; i++)
        if (d->cells[i].learner == learner && strcmp(d->cells[i].lab, lab) == 0)
            return &d->cells[i];
    return NULL;
}

/* The deadline of lab in the class, or -1 for none. */
static int64_t dash_due(const struct dash_data *d, const char *lab)
{
    for (size_t i = 0; i < d->ndues; i++)
        if (strcmp(d->dues[i].lab, lab) == 0)
            return d->dues[i].due;
    return -1;
}

/* The state of a cell: its CSS class and data-state (a late pass: passed only after the
 * lab's deadline). */
static const char *dash_cell_state(const struct servedb_cell *cell)
{
    return !cell->passed ? "fail" : cell->passed_on_time ? "pass" : "late";
}

/* A failing hidden test and how many learners' latest results fail it. */
struct dash_fail {
    char *key;              /* "lab 03: the 404 body" */
    int count;
};
struct dash_fails {
    struct dash_fail *v;
    size_t n, cap;
};

static void dash_fail_add(struct dash_fails *f, const char *lab, const char *what)
{
    char *key = xasprintf("lab %s: %s", lab, what);
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->v[i].key, key) == 0) {
            f->v[i].count++;
            free(key);
            return;
        }
    if (f->n == f->cap) {
        f->cap = f->cap ? 2 * f->cap : 32;
        f->v = xrealloc(f->v, f->cap * sizeof *f->v);
    }
    f->v[f->n++] = (struct dash_fail){ key, 1 };
}

/* Counts the failing tests of one report (runjson text; an unreadable one is skipped):
 * the target lab's failing tests, or its verdict when no test ran. */
static void dash_count_report(void *ud, const char *lab, const char *report)
{
    cJSON *j = cJSON_Parse(report);
    const cJSON *labs = cJSON_GetObjectItemCaseSensitive(j, "labs"), *l;
    cJSON_ArrayForEach(l, labs) {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(l, "lab");
        if (!cJSON_IsString(id) || strcmp(id->valuestring, lab) != 0)
            continue;
        const cJSON *tests = cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(l, "tap"), "tests"), *t;
        const cJSON *verdict = cJSON_GetObjectItemCaseSensitive(l, "verdict");
        int failed = 0;
        cJSON_ArrayForEach(t, tests) {
            const cJSON *ok = cJSON_GetObjectItemCaseSensitive(t, "ok");
            const cJSON *d = cJSON_GetObjectItemCaseSensitive(t, "description");
            if (cJSON_IsFalse(ok) && cJSON_IsString(d))
                dash_fail_add(ud, lab, d->valuestring), failed++;
        }
        if (failed == 0 && cJSON_IsString(verdict) && strcmp(verdict->valuestring, "pass") != 0
            && strcmp(verdict->valuestring, "fail") != 0)
            dash_fail_add(ud, lab, verdict->valuestring);
    }
    cJSON_Delete(j);
}

static int dash_fail_order(const void *a, const void *b)
{
    const struct dash_fail *x = a, *y = b;
    return x->count != y->count ? y->count - x->count : strcmp(x->key, y->key);
}

/* The grid: a row per learner, a column per lab of the course. */
static void dash_grid(struct sb *out, const struct course *c, const struct dash_data *d)
{
    sb_puts(out, "<h2>Learners and labs</h2>\n<p><label>Filter learners "
                 "<input id=\"filter\" type=\"search\"></label></p>\n"
                 "<table id=\"grid\"><tr><th class=\"who\">Learner</th>");
    for (size_t k = 0; k < c->nlabs; k++) {
        sb_puts(out, "<th title=\"");
        dash_esc(out, c->labs[k].title);
        sb_puts(out, "\">");
        dash_esc(out, c->labs[k].id);
        int64_t due = dash_due(d, c->labs[k].id);
        if (due >= 0) {
            sb_puts(out, "<br><span class=\"due\">due ");
            dash_time(out, due);
            sb_puts(out, "</span>");
        }
        sb_puts(out, "</th>");
    }
    sb_puts(out, "</tr>\n");
    for (size_t i = 0; i < d->nlearners; i++) {
        const struct servedb_learner *l = &d->learners[i];
        sb_puts(out, "<tr class=\"learner\" data-name=\"");
        dash_esc(out, l->name);
        sb_printf(out, "\"><td class=\"who\"><a href=\"/dash/learner/%lld\">", (long long)l->id);
        dash_esc(out, l->name);
        sb_puts(out, "</a></td>");
        for (size_t k = 0; k < c->nlabs; k++) {
            const struct servedb_cell *cell = dash_cell(d, l->id, c->labs[k].id);
            if (cell == NULL)
                sb_puts(out, "<td class=\"none\" data-state=\"none\">-</td>");
            else
                sb_printf(out, "<td class=\"%s\" data-state=\"%s\" title=\"%d attempt%s%s\">"
                          "%d/%d &middot; %d</td>", dash_cell_state(cell),
                          dash_cell_state(cell), cell->attempts,
                          cell->attempts == 1 ? "" : "s",
                          cell->passed && !cell->passed_on_time ? ", passed late" : "",
                          cell->best_passed, cell->total, cell->attempts);
        }
        sb_puts(out, "</tr>\n");
    }
    sb_puts(out, "<tr class=\"rates\"><th class=\"who\">Passed on time</th>");
    for (size_t k = 0; k < c->nlabs; k++) {
        int passed = 0;
        for (size_t i = 0; i < d->ncells; i++)
            passed += d->cells[i].passed_on_time
                      && strcmp(d->cells[i].lab, c->labs[k].id) == 0;
        if (d->nlearners == 0)
            sb_puts(out, "<td>-</td>");
        else
            sb_printf(out, "<td data-rate=\"%d/%zu\">%d%%</td>", passed, d->nlearners,
                      (int)(100.0 * passed / (double)d->nlearners + 0.5));
    }
    sb_puts(out, "</tr></table>\n<p>A cell: the most tests passed in one submission / the "
                 "tests run, and the learner's submissions. A lab's due date (UTC) is under "
                 "its name; a pass after it is <span class=\"late\">late</span>, and the "
                 "pass rate counts on-time passes only.</p>\n");
}

int dash_class(struct serve *s, struct serve_answer *a, int64_t class_id)
{
    struct dash_data d;
    struct dash_fails fails = { 0 };
    pthread_mutex_lock(&s->lock);
    int rc = dash_data_read(s, class_id, &d);
    if (rc == 1 && (servedb_class_reports(s->db, class_id, dash_count_report, &fails) < 0
                    || dash_exams_read(s, class_id, &d.exams, &d.nexams) < 0))
        rc = -1, dash_data_free(&d);
    if (rc < 0) {
        for (size_t i = 0; i < fails.n; i++)
            free(fails.v[i].key);
        free(fails.v);
        return dash_db_error(s, a);
    }
    pthread_mutex_unlock(&s->lock);
    if (rc == 0)
        return serve_error(a, MHD_HTTP_NOT_FOUND, "no such class");
    struct sb out;
    sb_init(&out);
    dash_page_begin(&out, d.cls.name, 1);
    sb_puts(&out, "<h1>");
    dash_esc(&out, d.cls.name);
    sb_printf(&out, "</h1>\n<p>Enrolment code <code>%s</code> &middot; %zu learner%s &middot; "
              "<a href=\"/dash/class/%lld/export.csv\">CSV</a> &middot; "
              "<a href=\"/dash/class/%lld/exams.csv\">exams CSV</a></p>\n", d.cls.code,
              d.nlearners, d.nlearners == 1 ? "" : "s", (long long)class_id,
              (long long)class_id);
    dash_grid(&out, s->course, &d);
    if (fails.n > 1)        /* qsort wants an array, even of none */
        qsort(fails.v, fails.n, sizeof *fails.v, dash_fail_order);
    sb_puts(&out, "<h2>Hidden tests that fail most</h2>\n");
    if (fails.n == 0)
        sb_puts(&out, "<p>No failing test in the learners' latest results.</p>\n");
    else
        sb_puts(&out, "<table id=\"fails\"><tr><th class=\"who\">Test</th><th>Learners</th>"
                      "</tr>\n");
    for (size_t i = 0; i < fails.n; i++) {
        if (i < DASH_TOP_FAILS) {
            sb_puts(&out, "<tr><td class=\"who\">");
            dash_esc(&out, fails.v[i].key);
            sb_printf(&out, "</td><td>%d</td></tr>\n", fails.v[i].count);
        }
        free(fails.v[i].key);
    }
    if (fails.n > 0)
        sb_puts(&out, "</table>\n");
    free(fails.v);
    dash_exams_table(&out, s->course, d.learners, d.nlearners, d.exams, d.nexams);
    dash_data_free(&d);
    return dash_send(a, MHD_HTTP_OK, &out);
}

int dash_class_csv(struct serve *s, struct serve_answer *a, int64_t class_id)
{
    struct dash_data d;
    pthread_mutex_lock(&s->lock);
    int rc = dash_data_read(s, class_id, &d);
    if (rc < 0)
        return dash_db_error(s, a);
    pthread_mutex_unlock(&s->lock);
    if (rc == 0)
        return serve_error(a, MHD_HTTP_NOT_FOUND, "no such class");
    struct sb out;
    sb_init(&out);
    sb_puts(&out, "learner,lab,attempts,passed,best_passed,total,last_submitted,"
                  "passed_on_time\r\n");
    for (size_t i = 0; i < d.nlearners; i++)
        for (size_t k = 0; k < s->course->nlabs; k++) {
            const struct lab *lab = &s->course->labs[k];
            const struct servedb_cell *c = dash_cell(&d, d.learners[i].id, lab->id);
            dash_csv(&out, d.learners[i].name);
            sb_putc(&out, ',');
            dash_csv(&out, lab->id);
            if (c == NULL) {
                sb_puts(&out, ",0,0,0,0,,0\r\n");
                continue;
            }
            sb_printf(&out, ",%d,%d,%d,%d,", c->attempts, c->passed, c->best_passed,
                      c->total);
            dash_time(&out, c->last);
            sb_printf(&out, ",%d\r\n", c->passed_on_time);
        }
    char *name = xasprintf("attachment; filename=\"class-%lld.csv\"", (long long)class_id);
    size_t len = out.len;
    serve_raw(a, MHD_HTTP_OK, "text/csv; charset=utf-8", sb_steal(&out), len);
    serve_header(a, "Content-Disposition", name);
    free(name);
    dash_data_free(&d);
    return 0;
}

/* The report of submission id as `stacklab check` prints it (no colour), or words saying
 * why not. Caller frees. */
static char *dash_report_text(const struct course *c, const char *report)
{
    struct grader_run run;
    char *cause = NULL;
    if (runjson_decode(report, c, &run, &cause) < 0) {
        char *words = xasprintf("(the report could not be read: %s)\n", cause);
        free(cause);
        return words;
    }
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (f != NULL) {
        report_check(f, &run);
        fclose(f);
    }
    grader_run_free(&run);
    return text != NULL ? text : xstrdup("(out of memory)\n");
}

int dash_learner(struct serve *s, struct serve_answer *a, int64_t learner)
{
    char name[128];
    int64_t class_id = 0;
    struct servedb_hist *h = NULL;
    size_t n = 0;
    struct servedb_sub last = { 0 };
    struct servedb_sitting *sit = NULL;
    size_t nsit = 0;
    pthread_mutex_lock(&s->lock);
    int rc = servedb_learner_get(s->db, learner, name, sizeof name, &class_id);
    if (rc == 1 && (servedb_history(s->db, learner, &h, &n) < 0
                    || dash_sittings_read(s, learner, &sit, &nsit) < 0))
        rc = -1;
    for (size_t i = 0; rc == 1 && i < n; i++)
        if (h[i].has_result) {
            if (servedb_submission(s->db, learner, h[i].id, &last) < 0)
                rc = -1;
            break;
        }
    if (rc < 0) {
        free(h);
        free(sit);
        return dash_db_error(s, a);
    }
    pthread_mutex_unlock(&s->lock);
    if (rc == 0)
        return serve_error(a, MHD_HTTP_NOT_FOUND, "no such learner");
    struct sb out;
    sb_init(&out);
    dash_page_begin(&out, name, 1);
    sb_puts(&out, "<h1>");
    dash_esc(&out, name);
    sb_printf(&out, "</h1>\n<p><a href=\"/dash/class/%lld\">Back to the class</a></p>\n"
              "<h2>Submissions</h2>\n<table id=\"history\"><tr><th>#</th><th>Lab</th>"
              "<th>When (UTC)</th><th>State</th><th>Result</th></tr>\n", (long long)class_id);
    for (size_t i = 0; i < n; i++) {
        sb_printf(&out, "<tr><td>%lld</td><td>", (long long)h[i].id);
        dash_esc(&out, h[i].lab);
        sb_puts(&out, "</td><td>");
        dash_time(&out, h[i].created);
        sb_printf(&out, "</td><td>%s%s</td>", h[i].state, h[i].regrade ? " (regrade)" : "");
        if (h[i].has_result)
            sb_printf(&out, "<td class=\"%s\">%s %d/%d</td></tr>\n",
                      strcmp(h[i].verdict, "pass") == 0 ? "pass" : "fail", h[i].verdict,
                      h[i].passed, h[i].total);
        else
            sb_puts(&out, "<td class=\"none\">-</td></tr>\n");
    }
    sb_puts(&out, "</table>\n");
    dash_sittings_table(&out, sit, nsit);
    free(sit);
    if (last.report != NULL) {
        char *text = dash_report_text(s->course, last.report);
        sb_printf(&out, "<h2>Report of submission %lld (lab ", (long long)last.id);
        dash_esc(&out, last.lab);
        sb_puts(&out, ")</h2>\n<pre id=\"report\">");
        dash_esc(&out, text);
        sb_puts(&out, "</pre>\n");
        free(text);
    }
    servedb_sub_free(&last);
    free(h);
    return dash_send(a, MHD_HTTP_OK, &out);
}
