/* driver.c -- lab 17's driver, built with your keg/ and vial/ into the program the
 * checker talks to. Frames:
 *   "script OPS"  runs a script of transaction operations (one per line) on a fresh
 *                 in-memory database and answers what each did, with the on_commit
 *                 callbacks shown as they run ("orphan" inserts a child row whose
 *                 deferred foreign key points nowhere: the outermost COMMIT refuses it);
 *   "race K"      eight threads, each with its own connection to one database file, each
 *                 adding 1 to a counter K times by read-modify-write inside keg_atomic;
 *                 answers "n=FINAL errors=E";
 *   "serve"       serves an app whose site has keg_site_atomic_requests on, answers
 *                 "PORT cause"; "stop" stops it; "hold" takes web.db's write lock from
 *                 another connection (BEGIN IMMEDIATE), "release" gives it back;
 *   "testdb N"    keg_test_db, then two tests of N saved objects each between
 *                 keg_test_begin and keg_test_end; answers the row counts seen.
 * Statements are counted by sqlcount.h, never by your counter. */
#include "sqlcount.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "keg.h"
#include "wire.h"
#include "wire_vial.h"

#define RACE_THREADS 8

/* The database files, named after the process: two drivers run side by side in one
 * folder (as the mutation tool does) must not share them. Set by main. */
static char race_db[32], web_db[32];

/* The names of the statuses an answer shows. */
static const struct { int status; const char *name; } driver_statuses[] = {
    { KEG_ERROR, "KEG_ERROR" }, { KEG_ENOMEM, "KEG_ENOMEM" },
    { KEG_EINTEGRITY, "KEG_EINTEGRITY" }, { KEG_ENOTFOUND, "KEG_ENOTFOUND" },
    { KEG_EMULTIPLE, "KEG_EMULTIPLE" }, { KEG_EINVALID, "KEG_EINVALID" },
    { KEG_EBUSY, "KEG_EBUSY" }, { KEG_EPROTECTED, "KEG_EPROTECTED" },
    { KEG_EVALIDATION, "KEG_EVALIDATION" },
};

static void driver_status(struct wire_buf *out, int rc)
{
    char other[32];
    const char *name = NULL;
    for (size_t i = 0; i < sizeof driver_statuses / sizeof driver_statuses[0]; i++)
        if (driver_statuses[i].status == rc)
            name = driver_statuses[i].name;
    if (rc >= 0)
        name = "ok";
    if (name == NULL) {
        snprintf(other, sizeof other, "status %d", rc);
        name = other;
    }
    wire_buf_str(out, name);
}

/* ---- scripts ------------------------------------------------------------------------- */

static struct wire_buf *script_out;     /* where callbacks write while a script runs */

static void script_callback(void *arg)
{
    wire_buf_str(script_out, "  callback ");
    wire_buf_str(script_out, arg);
    wire_buf_str(script_out, "\n");
}

struct script_atomic {
    const char *value;
    int fail;
};

/* The work of an "atomic" line: one insert, then success or failure. */
static int script_atomic_fn(keg_db *db, void *arg)
{
    struct script_atomic *a = arg;
    keg_value v = keg_text(a->value);
    int rc = keg_db_exec(db, "INSERT INTO t (v) VALUES (?)", &v, 1);
    if (rc < 0)
        return rc;
    return a->fail ? KEG_ERROR : 0;
}

/* Appends "rows a,b,c" (sorted). */
static void script_rows(keg_db *db, struct wire_buf *out)
{
    keg_rows *r = NULL;
    wire_buf_str(out, "rows ");
    if (keg_db_query(db, "SELECT v FROM t ORDER BY v", NULL, 0, &r) != 0) {
        wire_buf_str(out, "(query failed)");
        return;
    }
    for (int i = 0; keg_rows_next(r) == 1; i++) {
        const char *s = keg_rows_text(r, 0, NULL);
        wire_buf_str(out, i ? "," : "");
        wire_buf_str(out, s ? s : "NULL");
    }
    keg_rows_close(r);
}

/* Runs one line; the callbacks' arguments must outlive the script: they point into the
 * script's text, which the caller keeps until the database is closed. */
static void script_line(keg_db *db, char *line, struct wire_buf *out)
{
    char *arg = strchr(line, ' ');
    if (arg != NULL)
        *arg++ = '\0';
    wire_buf_str(out, line);
    if (arg != NULL) {
        wire_buf_str(out, " ");
        wire_buf_str(out, arg);
    }
    wire_buf_str(out, " -> ");
    if (strcmp(line, "begin") == 0)
        driver_status(out, keg_atomic_begin(db));
    else if (strcmp(line, "commit") == 0) {
        wire_buf_str(out, "\n");
        int rc = keg_atomic_commit(db);
        wire_buf_str(out, "  = ");
        driver_status(out, rc);
    } else if (strcmp(line, "rollback") == 0)
        driver_status(out, keg_atomic_rollback(db));
    else if (strcmp(line, "insert") == 0 && arg != NULL) {
        keg_value v = keg_text(arg);
        driver_status(out, keg_db_exec(db, "INSERT INTO t (v) VALUES (?)", &v, 1));
    } else if (strcmp(line, "orphan") == 0)
        driver_status(out, keg_db_exec(db, "INSERT INTO child (parent_id) VALUES (1)", NULL,
                                       0));
    else if (strcmp(line, "oncommit") == 0 && arg != NULL) {
        wire_buf_str(out, "\n");
        int rc = keg_on_commit(db, script_callback, arg);
        wire_buf_str(out, "  = ");
        driver_status(out, rc);
    } else if (strcmp(line, "atomic") == 0 && arg != NULL) {
        struct script_atomic a = { arg, 0 };
        char *sp = strchr(arg, ' ');
        if (sp != NULL) {
            *sp = '\0';
            a.fail = strcmp(sp + 1, "fail") == 0;
        }
        driver_status(out, keg_atomic(db, script_atomic_fn, &a));
    } else if (strcmp(line, "depth") == 0) {
        char n[16];
        snprintf(n, sizeof n, "%d", keg_atomic_depth(db));
        wire_buf_str(out, n);
    } else if (strcmp(line, "rows") == 0)
        script_rows(db, out);
    else
        wire_buf_str(out, "unknown operation");
    wire_buf_str(out, "\n");
}

static void driver_script(char *ops, struct wire_buf *out)
{
    char *err = NULL;
    keg_db *db = keg_db_open(":memory:", &err);
    if (db == NULL) {
        wire_buf_str(out, "keg_db_open failed: ");
        wire_buf_str(out, err ? err : "(no message)");
        free(err);
        return;
    }
    script_out = out;
    if (keg_db_exec(db, "CREATE TABLE t (v text NOT NULL UNIQUE)", NULL, 0) < 0
        || keg_db_exec(db, "CREATE TABLE parent (id integer PRIMARY KEY)", NULL, 0) < 0
        || keg_db_exec(db, "CREATE TABLE child (parent_id integer NOT NULL REFERENCES parent "
                       "(id) DEFERRABLE INITIALLY DEFERRED)", NULL, 0) < 0)
        wire_buf_str(out, "CREATE TABLE failed\n");
    for (char *line = ops, *nl; line != NULL && *line != '\0'; line = nl) {
        nl = strchr(line, '\n');
        if (nl != NULL)
            *nl++ = '\0';
        script_line(db, line, out);
    }
    keg_db_close(db);
    script_out = NULL;
}

/* ---- eight writers ------------------------------------------------------------------- */

struct race {
    long k;
    int errors;
};

static pthread_mutex_t race_lock = PTHREAD_MUTEX_INITIALIZER;

/* One read-modify-write: the read and the write in one transaction. */
static int race_add(keg_db *db, void *arg)
{
    (void)arg;
    long long n = 0;
    int rc = keg_db_query_int(db, "SELECT n FROM counter WHERE id = 1", NULL, 0, &n);
    if (rc != 0)
        return rc;
    keg_value v = keg_int(n + 1);
    rc = keg_db_exec(db, "UPDATE counter SET n = ? WHERE id = 1", &v, 1);
    return rc < 0 ? rc : 0;
}

static void *race_thread(void *arg)
{
    struct race *r = arg;
    int errors = 0;
    keg_db *db = keg_db_open(race_db, NULL);
    for (long i = 0; i < r->k; i++)
        if (db == NULL || keg_atomic(db, race_add, NULL) != 0)
            errors++;
    keg_db_close(db);
    pthread_mutex_lock(&race_lock);
    r->errors += errors;
    pthread_mutex_unlock(&race_lock);
    return NULL;
}

static void driver_race(const char *arg, struct wire_buf *out)
{
    struct race r = { strtol(arg, NULL, 10), 0 };
    remove(race_db);
    keg_db *db = keg_db_open(race_db, NULL);
    if (db == NULL || keg_db_exec(db, "CREATE TABLE counter (id integer PRIMARY KEY, n "
                                  "integer NOT NULL)", NULL, 0) < 0
        || keg_db_exec(db, "INSERT INTO counter VALUES (1, 0)", NULL, 0) < 0) {
        wire_buf_str(out, "could not set up race.db");
        keg_db_close(db);
        return;
    }
    pthread_t th[RACE_THREADS];
    int started = 0;
    for (int i = 0; i < RACE_THREADS; i++)
        if (pthread_create(&th[i], NULL, race_thread, &r) == 0)
            started++;
        else
            break;
    for (int i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    long long n = -1;
    keg_db_query_int(db, "SELECT n FROM counter WHERE id = 1", NULL, 0, &n);
    keg_db_close(db);
    char line[96];
    snprintf(line, sizeof line, "n=%lld errors=%d threads=%d", n, r.errors, started);
    wire_buf_str(out, line);
}

/* ---- a transaction per request ------------------------------------------------------ */

static pthread_mutex_t later_lock = PTHREAD_MUTEX_INITIALIZER;
static struct wire_buf later_log;       /* what on_commit callbacks of views appended */
static struct wire_buf later_args;      /* every callback's argument: a callback dropped
                                           by a rollback never runs, so none is freed by
                                           its callback; all are freed at exit */

static void later_callback(void *arg)
{
    pthread_mutex_lock(&later_lock);
    wire_buf_str(&later_log, later_log.len ? "," : "");
    wire_buf_str(&later_log, arg);
    pthread_mutex_unlock(&later_lock);
}

/* Inserts the view argument v into t. */
static int view_insert(vial_request *req, const char *suffix)
{
    char value[160];
    snprintf(value, sizeof value, "%s%s", vial_view_arg(req, "v"), suffix);
    keg_value v = keg_text(value);
    return keg_db_exec(keg_request_db(req), "INSERT INTO t (v) VALUES (?)", &v, 1);
}

/* POST /add/<v>?status=N: inserts v, then answers N (200 by default; 500 is a failure). */
static int view_add(vial_request *req, vial_response *res)
{
    if (view_insert(req, "") < 0)
        return vial_abort(res, 409);
    const char *st = vial_request_arg(req, "status");
    int status = st ? (int)strtol(st, NULL, 10) : 200;
    if (status >= 400)
        return vial_abort(res, status);
    return vial_response_text(res, status, "text/plain", "added\n");
}

/* POST /fail/<v>: inserts v, then the view fails (vial answers 500). */
static int view_fail(vial_request *req, vial_response *res)
{
    (void)res;
    view_insert(req, "");
    return -1;
}

/* POST /nested/<v>: inserts v, then in an inner atomic level v-inner, undone. */
static int view_nested(vial_request *req, vial_response *res)
{
    keg_db *db = keg_request_db(req);
    if (view_insert(req, "") < 0 || keg_atomic_begin(db) != 0)
        return vial_abort(res, 409);
    view_insert(req, "-inner");
    keg_atomic_rollback(db);
    return vial_response_text(res, 200, "text/plain", "nested\n");
}

/* POST /later/<v>?status=N: registers an on_commit callback logging v, answers N. */
static int view_later(vial_request *req, vial_response *res)
{
    char *copy = strdup(vial_view_arg(req, "v"));
    pthread_mutex_lock(&later_lock);
    wire_buf_add(&later_args, &copy, sizeof copy);
    pthread_mutex_unlock(&later_lock);
    if (copy == NULL || keg_on_commit(keg_request_db(req), later_callback, copy) != 0)
        return vial_abort(res, 409);
    const char *st = vial_request_arg(req, "status");
    int status = st ? (int)strtol(st, NULL, 10) : 200;
    if (status >= 400)
        return vial_abort(res, status);
    return vial_response_text(res, status, "text/plain", "later\n");
}

/* GET /rows: the rows of t, sorted, comma-separated; then " log=" and the callbacks'. */
static int view_rows(vial_request *req, vial_response *res)
{
    struct wire_buf b = { 0 };
    script_rows(keg_request_db(req), &b);
    pthread_mutex_lock(&later_lock);
    wire_buf_str(&b, " log=");
    wire_buf_str(&b, later_log.data ? later_log.data : "");
    pthread_mutex_unlock(&later_lock);
    int rc = vial_response_text(res, 200, "text/plain", b.data ? b.data : "");
    wire_buf_free(&b);
    return rc;
}

static const struct { const char *methods, *rule, *endpoint; vial_view view; } web_routes[] = {
    { "POST", "/add/<v>", "add", view_add },
    { "POST", "/fail/<v>", "fail", view_fail },
    { "POST", "/nested/<v>", "nested", view_nested },
    { "POST", "/later/<v>", "later", view_later },
    { "GET", "/rows", "rows", view_rows },
};

struct web {
    vial_app *app;
    keg_db *db;
    keg_site *site;
    vial_server *srv;
    keg_db *holder;     /* another connection holding web.db's write lock, or NULL */
};

static void driver_serve(struct web *w, struct wire_buf *out)
{
    remove(web_db);
    w->app = vial_app_new("lab17");
    w->db = keg_db_open(web_db, NULL);
    if (w->app == NULL || w->db == NULL
        || keg_db_exec(w->db, "CREATE TABLE t (v text NOT NULL UNIQUE)", NULL, 0) < 0
        || (w->site = keg_site_new(w->app, w->db, NULL)) == NULL) {
        wire_buf_str(out, "-1 could not set up the app and web.db");
        return;
    }
    for (size_t i = 0; i < sizeof web_routes / sizeof web_routes[0]; i++)
        vial_app_route(w->app, web_routes[i].methods, web_routes[i].rule,
                       web_routes[i].endpoint, web_routes[i].view);
    if (keg_site_atomic_requests(w->site) != 0) {
        wire_buf_str(out, "-1 keg_site_atomic_requests failed");
        return;
    }
    wire_vial_start(w->app, NULL, &w->srv, out, "vial_app_new returned NULL");
}

/* "hold": another connection takes web.db's write lock, so the site's BEGIN IMMEDIATE
 * waits its busy timeout and fails; "release" rolls it back. Answers "held" or "free"
 * (nothing when out is NULL). */
static void driver_hold(struct web *w, int hold, struct wire_buf *out)
{
    if (hold && w->holder == NULL) {
        w->holder = keg_db_open(web_db, NULL);
        if (w->holder == NULL || keg_db_exec(w->holder, "BEGIN IMMEDIATE", NULL, 0) < 0) {
            keg_db_close(w->holder);
            w->holder = NULL;
        }
    } else if (!hold && w->holder != NULL) {
        keg_db_exec(w->holder, "ROLLBACK", NULL, 0);
        keg_db_close(w->holder);
        w->holder = NULL;
    }
    if (out != NULL)
        wire_buf_str(out, w->holder != NULL ? "held" : "free");
}

static void driver_web_free(struct web *w)
{
    driver_hold(w, 0, NULL);
    vial_server_stop(w->srv);
    keg_site_free(w->site);
    keg_db_close(w->db);
    vial_app_free(w->app);
    *w = (struct web){ 0 };
}

/* ---- the test database -------------------------------------------------------------- */

struct item {
    keg_obj obj;
    long long id;
    char *name;
};

static const keg_field item_fields[] = {
    KEG_FIELD(struct item, id, KEG_AUTO),
    KEG_FIELD(struct item, name, KEG_CHAR, .max_length = 40),
};
static const keg_model lab17_item = KEG_MODEL(lab17, item, struct item, item_fields);

static void driver_testdb(const char *arg, struct wire_buf *out)
{
    long n = strtol(arg, NULL, 10);
    char *err = NULL;
    keg_register(&lab17_item);
    keg_db *db = keg_test_db(&err);
    if (db == NULL) {
        wire_buf_str(out, "keg_test_db failed: ");
        wire_buf_str(out, err ? err : "(no message)");
        free(err);
        return;
    }
    for (int test = 1; test <= 2; test++) {
        int rc = keg_test_begin(db);
        for (long i = 0; rc == 0 && i < n; i++) {
            struct item it = { 0 };
            char name[32];
            snprintf(name, sizeof name, "item %d.%ld", test, i);
            if (keg_obj_init(&it, &lab17_item) != 0 || keg_obj_set_text(&it, "name", name) != 0
                || keg_save(db, &it) != 0)
                rc = -1;
            keg_obj_clear(&it);
        }
        long long in = -1, after = -1;
        keg_db_query_int(db, "SELECT count(*) FROM lab17_item", NULL, 0, &in);
        int end = keg_test_end(db);
        keg_db_query_int(db, "SELECT count(*) FROM lab17_item", NULL, 0, &after);
        char line[128];
        snprintf(line, sizeof line, "test %d: begin %s, rows inside %lld, end %s, rows after "
                 "%lld\n", test, rc == 0 ? "ok" : "failed", in, end == 0 ? "ok" : "failed",
                 after);
        wire_buf_str(out, line);
    }
    keg_db_close(db);
}

static void driver_frame(void *state, const char *name, char *data, size_t len,
                         struct wire_buf *out, const char **reply)
{
    struct web *w = state;
    (void)len;
    (void)reply;
    if (strcmp(name, "script") == 0)
        driver_script(data, out);
    else if (strcmp(name, "race") == 0)
        driver_race(data, out);
    else if (strcmp(name, "serve") == 0 && w->app == NULL)
        driver_serve(w, out);
    else if (strcmp(name, "stop") == 0)
        wire_vial_stop(&w->srv, out);
    else if (strcmp(name, "hold") == 0 || strcmp(name, "release") == 0)
        driver_hold(w, name[0] == 'h', out);
    else if (strcmp(name, "testdb") == 0)
        driver_testdb(data, out);
    else
        wire_buf_str(out, "unknown frame");
}

int main(void)
{
    snprintf(race_db, sizeof race_db, "race-%ld.db", (long)getpid());
    snprintf(web_db, sizeof web_db, "web-%ld.db", (long)getpid());
    struct web w = { 0 };
    wire_serve_frames(driver_frame, &w);
    driver_web_free(&w);
    wire_buf_free(&later_log);
    for (size_t i = 0; i + sizeof(char *) <= later_args.len; i += sizeof(char *)) {
        char *arg;
        memcpy(&arg, later_args.data + i, sizeof arg);
        free(arg);
    }
    wire_buf_free(&later_args);
    keg_registry_clear();
    remove(race_db);
    remove(web_db);
    return 0;
}
