/* serve-bundle.c -- what a learner reads of their class (docs/server.md): GET
 * /api/v1/bundle, the learner bundle of the server's course for their current lab, and
 * GET /api/v1/progress, their standing at each lab. Bundles are deterministic, so each
 * upto is made once and kept for the server's life (a cache with a lock of its own:
 * making one reads the course, which must not hold up the database's lock). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "serve-int.h"
#include "util.h"

/* The bundles made so far, by upto. Invariant: bytes[u] is NULL or the len[u] bytes of
 * bundle_write(course, u); only read or written under lock. */
struct serve_bundles {
    pthread_mutex_t lock;
    char *bytes[BUNDLE_UPTO_MAX + 1];
    size_t len[BUNDLE_UPTO_MAX + 1];
};

struct serve_bundles *serve_bundles_new(void)
{
    struct serve_bundles *b = xcalloc(1, sizeof *b);
    pthread_mutex_init(&b->lock, NULL);
    return b;
}

void serve_bundles_free(struct serve_bundles *b)
{
    if (b == NULL)
        return;
    for (int u = 0; u <= BUNDLE_UPTO_MAX; u++)
        free(b->bytes[u]);
    pthread_mutex_destroy(&b->lock);
    free(b);
}

/* What the server knows of one learner: their name, class and cells (one per lab they
 * submitted). Owns cells. */
struct serve_standing {
    int64_t learner, class_id;
    char name[128];
    struct servedb_cell *cells;
    size_t ncells;
};

/* Reads the standing of the learner the request's token names. 1, or 0 with the answer
 * (401, 500) in *a. */
static int serve_standing_read(struct serve *s, const struct serve_req *r,
                               struct serve_standing *st, struct serve_answer *a)
{
    memset(st, 0, sizeof *st);
    if (!serve_auth(s, r, &st->learner, a))
        return 0;
    pthread_mutex_lock(&s->lock);
    int rc = servedb_learner_get(s->db, st->learner, st->name, sizeof st->name,
                                 &st->class_id);
    if (rc == 1 && servedb_cells(s->db, st->class_id, st->learner, &st->cells,
                                 &st->ncells) < 0)
        rc = -1;
    if (rc < 0)
        serve_db_failed(s, a);
    pthread_mutex_unlock(&s->lock);
    if (rc == 0)        /* the token's learner went away between the two reads */
        serve_error(a, MHD_HTTP_UNAUTHORIZED, "Authorization: not a valid token");
    return rc == 1;
}

/* The learner's cell at lab, or NULL when they never submitted it. */
static const struct servedb_cell *serve_cell(const struct serve_standing *st,
                                             const struct lab *lab)
{
    for (size_t i = 0; i < st->ncells; i++)
        if (strcmp(st->cells[i].lab, lab->id) == 0)
            return &st->cells[i];
    return NULL;
}

/* The learner's current lab: the first lab in course order they have not passed on the
 * server, else the last. NULL for a course without labs. */
static const struct lab *serve_current(const struct course *c, const struct serve_standing *st)
{
    for (size_t i = 0; i < c->nlabs; i++) {
        const struct servedb_cell *cell = serve_cell(st, &c->labs[i]);
        if (cell == NULL || !cell->passed)
            return &c->labs[i];
    }
    return c->nlabs > 0 ? &c->labs[c->nlabs - 1] : NULL;
}

/* A copy of the bundle for upto (made on first use). 0 with *out (caller frees) and
 * *len, or -1 with an allocated *cause. */
static int serve_bundle_bytes(struct serve *s, int upto, char **out, size_t *len,
                              char **cause)
{
    struct serve_bundles *b = s->bundles;
    int rc = 0;
    pthread_mutex_lock(&b->lock);
    if (b->bytes[upto] == NULL)
        rc = bundle_write(s->course, upto, &b->bytes[upto], &b->len[upto], cause);
    if (rc == 0) {
        *out = xmalloc(b->len[upto] > 0 ? b->len[upto] : 1);
        memcpy(*out, b->bytes[upto], b->len[upto]);
        *len = b->len[upto];
    }
    pthread_mutex_unlock(&b->lock);
    return rc;
}

int serve_api_bundle(struct serve *s, const struct serve_req *r, struct serve_answer *a)
{
    struct serve_standing st;
    if (!serve_standing_read(s, r, &st, a))
        return 0;
    const struct lab *cur = serve_current(s->course, &st);
    free(st.cells);
    int upto = cur != NULL ? (int)strtol(cur->id, NULL, 10) : 0;
    if (upto < 1 || upto > BUNDLE_UPTO_MAX)
        return serve_error(a, MHD_HTTP_NOT_FOUND, "this course has no labs to bundle");
    char *bytes = NULL, *cause = NULL;
    size_t len = 0;
    if (serve_bundle_bytes(s, upto, &bytes, &len, &cause) < 0) {
        fprintf(stderr, "stacklab serve: the bundle for lab %02d: %s\n", upto, cause);
        free(cause);
        return serve_error(a, MHD_HTTP_INTERNAL_SERVER_ERROR, "the server could not make "
                           "the course's bundle");
    }
    return serve_raw(a, MHD_HTTP_OK, "application/gzip", bytes, len);
}

/* The name of class id, or "" when the database has none (cap bytes into out). 0, or -1
 * with the answer (500) in *a. */
static int serve_class_name(struct serve *s, int64_t id, char *out, size_t cap,
                            struct serve_answer *a)
{
    struct servedb_class *all = NULL;
    size_t n = 0;
    out[0] = '\0';
    pthread_mutex_lock(&s->lock);
    int rc = servedb_classes(s->db, &all, &n);
    if (rc < 0)
        serve_db_failed(s, a);
    pthread_mutex_unlock(&s->lock);
    for (size_t i = 0; rc == 0 && i < n; i++)
        if (all[i].id == id)
            snprintf(out, cap, "%s", all[i].name);
    free(all);
    return rc;
}

/* The deadline of lab among d (n), or -1 for none. */
static int64_t serve_due(const struct servedb_deadline *d, size_t n, const char *lab)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(d[i].lab, lab) == 0)
            return d[i].due;
    return -1;
}

/* One lab's entry of the progress answer: zeros and a null `last` when never submitted;
 * `due` null without a deadline (due < 0). */
static cJSON *serve_progress_lab(const struct lab *lab, const struct servedb_cell *cell,
                                 int64_t due)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "lab", lab->id);
    cJSON_AddNumberToObject(o, "attempts", cell ? cell->attempts : 0);
    cJSON_AddBoolToObject(o, "passed", cell != NULL && cell->passed);
    cJSON_AddNumberToObject(o, "best_passed", cell ? cell->best_passed : 0);
    cJSON_AddNumberToObject(o, "total", cell ? cell->total : 0);
    if (cell != NULL && cell->last > 0)
        cJSON_AddNumberToObject(o, "last", (double)cell->last);
    else
        cJSON_AddNullToObject(o, "last");
    if (due >= 0)
        cJSON_AddNumberToObject(o, "due", (double)due);
    else
        cJSON_AddNullToObject(o, "due");
    cJSON_AddBoolToObject(o, "passed_on_time", cell != NULL && cell->passed_on_time);
    return o;
}

int serve_api_progress(struct serve *s, const struct serve_req *r, struct serve_answer *a)
{
    struct serve_standing st;
    struct servedb_deadline *dues = NULL;
    size_t ndues = 0;
    char cls[128];
    if (!serve_standing_read(s, r, &st, a))
        return 0;
    pthread_mutex_lock(&s->lock);
    int rc = servedb_deadlines(s->db, st.class_id, &dues, &ndues);
    if (rc < 0)
        serve_db_failed(s, a);
    pthread_mutex_unlock(&s->lock);
    if (rc < 0 || serve_class_name(s, st.class_id, cls, sizeof cls, a) < 0) {
        free(st.cells);
        free(dues);
        return 0;
    }
    const struct lab *cur = serve_current(s->course, &st);
    cJSON *o = cJSON_CreateObject(), *labs = cJSON_CreateArray();
    cJSON_AddStringToObject(o, "learner", st.name);
    cJSON_AddStringToObject(o, "class", cls);
    for (size_t i = 0; i < s->course->nlabs; i++) {
        const struct lab *lab = &s->course->labs[i];
        cJSON_AddItemToArray(labs, serve_progress_lab(lab, serve_cell(&st, lab),
                                                      serve_due(dues, ndues, lab->id)));
    }
    cJSON_AddItemToObject(o, "labs", labs);
    if (cur != NULL)
        cJSON_AddStringToObject(o, "current", cur->id);
    else
        cJSON_AddNullToObject(o, "current");
    free(st.cells);
    free(dues);
    a->status = MHD_HTTP_OK;
    a->json = o;
    return 0;
}
