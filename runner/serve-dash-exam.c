/* serve-dash-exam.c -- the dashboard's view of exams sat on the server (docs/server.md,
 * "Exams on the server"): a class's exams table (each learner's best percent, sittings
 * used of allowed, passed, an open sitting's time left), its exams.csv, and a learner's
 * sittings. Open sittings past their deadline are submitted (expired) before any of them
 * is read, so the page shows what the learners' next request would. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "examrun.h"
#include "serve-dash.h"

static const struct servedb_exam_cell *dash_exam_cell(const struct servedb_exam_cell *cells,
                                                      size_t n, int64_t learner,
                                                      const char *exam)
{
    for (size_t i = 0; i < n; i++)
        if (cells[i].learner == learner && strcmp(cells[i].exam, exam) == 0)
            return &cells[i];
    return NULL;
}

int dash_exams_read(struct serve *s, int64_t class_id, struct servedb_exam_cell **cells,
                    size_t *n)
{
    *cells = NULL, *n = 0;
    if (serve_exam_expire(s, class_id, 0) < 0)
        return -1;
    return servedb_exam_cells(s->db, class_id, 0, cells, n);
}

/* Seconds left of an open sitting at now (0 once due: the next request submits it). */
static int64_t dash_exam_left(const struct servedb_exam_cell *c, int64_t now)
{
    return c->open_deadline > now ? c->open_deadline - now : 0;
}

/* One cell of the exams table. */
static void dash_exam_td(struct sb *out, const struct exam *ex,
                         const struct servedb_exam_cell *c, int64_t now)
{
    if (c == NULL) {
        sb_puts(out, "<td class=\"none\" data-state=\"none\">-</td>");
        return;
    }
    const char *state = c->passed ? "pass" : c->used > 0 ? "fail" : "none";
    sb_printf(out, "<td class=\"%s\" data-state=\"%s\">", state, state);
    if (c->best >= 0)
        sb_printf(out, "%d%%", c->best);
    else
        sb_puts(out, "-");
    if (ex->attempts > 0)
        sb_printf(out, " &middot; %d/%d", c->used, ex->attempts);
    else
        sb_printf(out, " &middot; %d", c->used);
    if (c->open > 0) {
        char clock[32];
        examrun_format_clock(clock, sizeof clock, dash_exam_left(c, now));
        sb_printf(out, "<br><span class=\"open\" data-open=\"%lld\">open, %s left</span>",
                  (long long)c->open, clock);
    }
    sb_puts(out, "</td>");
}

void dash_exams_table(struct sb *out, const struct course *course,
                      const struct servedb_learner *learners, size_t nlearners,
                      const struct servedb_exam_cell *cells, size_t ncells)
{
    sb_puts(out, "<h2>Exams</h2>\n");
    if (course->nexams == 0) {
        sb_puts(out, "<p>The course has no exam.</p>\n");
        return;
    }
    int64_t now = (int64_t)time(NULL);
    sb_puts(out, "<table id=\"exams\"><tr><th class=\"who\">Learner</th>");
    for (size_t e = 0; e < course->nexams; e++) {
        sb_puts(out, "<th title=\"");
        dash_esc(out, course->exams[e]->title);
        sb_puts(out, "\">");
        dash_esc(out, course->exams[e]->id);
        sb_printf(out, "<br><span class=\"mark\">pass %d%%</span></th>",
                  course->exams[e]->pass);
    }
    sb_puts(out, "</tr>\n");
    for (size_t i = 0; i < nlearners; i++) {
        sb_puts(out, "<tr class=\"learner\" data-name=\"");
        dash_esc(out, learners[i].name);
        sb_printf(out, "\"><td class=\"who\"><a href=\"/dash/learner/%lld\">",
                  (long long)learners[i].id);
        dash_esc(out, learners[i].name);
        sb_puts(out, "</a></td>");
        for (size_t e = 0; e < course->nexams; e++)
            dash_exam_td(out, course->exams[e],
                         dash_exam_cell(cells, ncells, learners[i].id,
                                        course->exams[e]->id), now);
        sb_puts(out, "</tr>\n");
    }
    sb_puts(out, "</table>\n<p>A cell: the best percent of the learner's submitted "
                 "sittings and the sittings used (of those allowed); an open sitting with "
                 "its time left. A sitting whose time ran out is submitted with the answers "
                 "given.</p>\n");
}

int dash_class_exams_csv(struct serve *s, struct serve_answer *a, int64_t class_id)
{
    struct servedb_learner *l = NULL;
    struct servedb_exam_cell *cells = NULL;
    struct servedb_class cls;
    size_t nl = 0, n = 0;
    pthread_mutex_lock(&s->lock);
    int known = dash_class_find(s, class_id, &cls), rc = known < 0 ? -1 : 0;
    if (known == 1 && (servedb_learners(s->db, class_id, &l, &nl) < 0
                             || dash_exams_read(s, class_id, &cells, &n) < 0))
        rc = -1;
    if (rc < 0) {
        free(l);
        free(cells);
        return dash_db_error(s, a);
    }
    pthread_mutex_unlock(&s->lock);
    if (!known)
        return serve_error(a, MHD_HTTP_NOT_FOUND, "no such class");
    int64_t now = (int64_t)time(NULL);
    struct sb out;
    sb_init(&out);
    sb_puts(&out, "learner,exam,sittings,best_percent,passed,open\r\n");
    for (size_t i = 0; i < nl; i++)
        for (size_t e = 0; e < s->course->nexams; e++) {
            const char *id = s->course->exams[e]->id;
            const struct servedb_exam_cell *c = dash_exam_cell(cells, n, l[i].id, id);
            dash_csv(&out, l[i].name);
            sb_putc(&out, ',');
            dash_csv(&out, id);
            sb_printf(&out, ",%d,", c != NULL ? c->used : 0);
            if (c != NULL && c->best >= 0)
                sb_printf(&out, "%d", c->best);
            sb_printf(&out, ",%d,", c != NULL && c->passed);
            if (c != NULL && c->open > 0)
                sb_printf(&out, "%lld", (long long)dash_exam_left(c, now));
            sb_puts(&out, "\r\n");
        }
    char *name = xasprintf("attachment; filename=\"class-%lld-exams.csv\"",
                           (long long)class_id);
    size_t len = out.len;
    serve_raw(a, MHD_HTTP_OK, "text/csv; charset=utf-8", sb_steal(&out), len);
    serve_header(a, "Content-Disposition", name);
    free(name);
    free(l);
    free(cells);
    return 0;
}

int dash_sittings_read(struct serve *s, int64_t learner, struct servedb_sitting **out,
                       size_t *n)
{
    *out = NULL, *n = 0;
    if (serve_exam_expire(s, 0, learner) < 0)
        return -1;
    return servedb_sittings(s->db, learner, out, n);
}

void dash_sittings_table(struct sb *out, const struct servedb_sitting *v, size_t n)
{
    sb_puts(out, "<h2>Exam sittings</h2>\n");
    if (n == 0) {
        sb_puts(out, "<p>No sitting on the server.</p>\n");
        return;
    }
    sb_puts(out, "<table id=\"sittings\"><tr><th>#</th><th>Exam</th><th>Started (UTC)</th>"
                 "<th>Submitted (UTC)</th><th>Percent</th><th>Result</th></tr>\n");
    for (size_t i = 0; i < n; i++) {
        sb_printf(out, "<tr data-sitting=\"%lld\"><td>%d</td><td>", (long long)v[i].id,
                  v[i].attempt);
        dash_esc(out, v[i].exam);
        sb_puts(out, "</td><td>");
        dash_time(out, v[i].started);
        sb_puts(out, "</td><td>");
        if (v[i].submitted == 0) {
            sb_puts(out, "open, due ");
            dash_time(out, v[i].deadline);
            sb_puts(out, "</td><td>-</td><td class=\"none\">open</td></tr>\n");
            continue;
        }
        dash_time(out, v[i].submitted);
        sb_printf(out, "%s</td><td>%d%%</td><td class=\"%s\">%s</td></tr>\n",
                  v[i].expired ? " (time ran out)" : "", v[i].percent,
                  v[i].passed ? "pass" : "fail", v[i].passed ? "passed" : "not passed");
    }
    sb_puts(out, "</table>\n");
}
