/* keg-te-keg.c -- the keg side of bench/keg.sh: TechEmpower's four database tests as an
 * app on the reference keg and vial (labs/keg/ref, labs/vial/ref, markers dropped),
 * written as a keg app is: models, keg_get by pk, a query set for the fortunes, keg_save
 * in keg_atomic for the updates, and the Fortunes page rendered by the template engine
 * (autoescaped) from the same template file Django renders.
 * A keg_db is one SQLite connection, used by one thread at a time (Django too keeps one
 * connection per thread): each server thread opens its own at its first request.
 *   keg-te-keg DB TEMPLATE THREADS   prints the port it bound, serves until stdin closes */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keg.h"
#include "keg-te.h"

#define TK_CONNS_MAX 64

struct world {
    keg_obj obj;
    long long id;
    long long randomnumber;
};

static const keg_field world_fields[] = {
    KEG_FIELD(struct world, id, KEG_AUTO),
    KEG_FIELD(struct world, randomnumber, KEG_INTEGER),
};
static const keg_model bench_world = KEG_MODEL(bench, world, struct world, world_fields);

struct fortune {
    keg_obj obj;
    long long id;
    char *message;
};

static const keg_field fortune_fields[] = {
    KEG_FIELD(struct fortune, id, KEG_AUTO),
    KEG_FIELD(struct fortune, message, KEG_CHAR, .max_length = 2048),
};
static const keg_model bench_fortune = KEG_MODEL(bench, fortune, struct fortune,
                                                 fortune_fields);

static const char *tk_path;
static pthread_mutex_t tk_lock = PTHREAD_MUTEX_INITIALIZER;
static keg_db *tk_dbs[TK_CONNS_MAX];       /* every connection, to close at exit */
static size_t tk_ndbs;

/* This thread's connection, opened at its first request. NULL on failure. */
static keg_db *tk_db(void)
{
    static _Thread_local keg_db *mine;
    if (mine != NULL)
        return mine;
    char *err = NULL;
    keg_db *db = keg_db_open(tk_path, &err);
    pthread_mutex_lock(&tk_lock);
    int ok = db != NULL && tk_ndbs < TK_CONNS_MAX;
    if (ok)
        tk_dbs[tk_ndbs++] = db;
    pthread_mutex_unlock(&tk_lock);
    if (!ok) {
        fprintf(stderr, "keg-te-keg: %s: %s\n", tk_path, err ? err : "too many threads");
        free(err);
        keg_db_close(db);
        return NULL;
    }
    return mine = db;
}

/* /db, /queries and /updates: n worlds got by pk one by one (saved with a new number
 * in one transaction when `update`), as one object (single) or an array. */
static int tk_worlds(vial_request *req, vial_response *res, int single, int update)
{
    keg_db *db = tk_db();
    int n = single ? 1 : kte_queries(vial_request_arg(req, "queries"));
    struct world w[KTE_QUERIES_MAX];
    int rc = db != NULL ? 0 : 500;
    for (int i = 0; i < n; i++)
        keg_obj_init(&w[i], &bench_world);
    for (int i = 0; i < n && rc == 0; i++)
        rc = keg_get(db, &bench_world, kte_random(), &w[i]) == KEG_OK ? 0 : 500;
    if (rc == 0 && update) {
        rc = keg_atomic_begin(db) == KEG_OK ? 0 : 500;
        for (int i = 0; i < n && rc == 0; i++) {
            w[i].randomnumber = kte_random();
            rc = keg_save(db, &w[i]) == KEG_OK ? 0 : 500;
        }
        if (rc != 0 || keg_atomic_commit(db) != KEG_OK)
            rc = 500, keg_atomic_rollback(db);
    }
    vial_response_set_header(res, "Content-Type", "application/json");
    if (rc == 0 && !single)
        rc = vial_response_append(res, "[", 1) == 0 ? 0 : 500;
    for (int i = 0; i < n && rc == 0; i++)
        rc = vial_response_printf(res, "%s{\"id\":%lld,\"randomNumber\":%lld}", i ? "," : "",
                                  w[i].id, w[i].randomnumber) == 0 ? 0 : 500;
    if (rc == 0 && !single)
        rc = vial_response_append(res, "]", 1) == 0 ? 0 : 500;
    for (int i = 0; i < n; i++)
        keg_obj_clear(&w[i]);
    return rc;
}

static int tk_db_view(vial_request *req, vial_response *res)
{
    return tk_worlds(req, res, 1, 0);
}

static int tk_queries_view(vial_request *req, vial_response *res)
{
    return tk_worlds(req, res, 0, 0);
}

static int tk_updates_view(vial_request *req, vial_response *res)
{
    return tk_worlds(req, res, 0, 1);
}

static int tk_fortune_cmp(const void *a, const void *b)
{
    return strcmp((*(struct fortune *const *)a)->message,
                  (*(struct fortune *const *)b)->message);
}

/* /fortunes: every fortune, one more added, sorted by message, rendered. */
static int tk_fortunes_view(vial_request *req, vial_response *res)
{
    keg_db *db = tk_db();
    keg_qs *qs = keg_qs_all(&bench_fortune);
    keg_list got = {0};
    int rc = db != NULL && keg_qs_fetch(db, qs, &got) == KEG_OK ? 0 : 500;
    keg_qs_free(qs);
    struct fortune added;
    keg_obj_init(&added, &bench_fortune);
    struct fortune **rows = calloc(got.len + 1, sizeof *rows);
    vial_ctx *ctx = vial_ctx_new();
    if (rc == 0 && (rows == NULL || ctx == NULL
                    || keg_obj_set_text(&added, "message", KTE_ADDED) != KEG_OK))
        rc = 500;
    size_t n = 0;
    if (rc == 0) {
        for (size_t i = 0; i < got.len; i++)
            rows[n++] = got.items[i];
        rows[n++] = &added;
        qsort(rows, n, sizeof *rows, tk_fortune_cmp);
    }
    for (size_t i = 0; i < n && rc == 0; i++) {
        vial_ctx *row = vial_ctx_list_add(ctx, "fortunes");
        if (row == NULL || vial_ctx_set_int(row, "id", rows[i]->id) != 0
            || vial_ctx_set(row, "message", rows[i]->message) != 0)
            rc = 500;
    }
    if (rc == 0)
        rc = vial_render(res, req->app, "fortunes.html", ctx);
    vial_ctx_free(ctx);
    free(rows);
    keg_obj_clear(&added);
    keg_list_free(&got);
    return rc;
}

/* TechEmpower wants a Server header on every answer (libmicrohttpd adds the Date). */
static int tk_server_header(vial_request *req, vial_response *res)
{
    (void)req;
    return vial_response_set_header(res, "Server", KTE_SERVER_KEG) == 0 ? 0 : 500;
}

/* The template file's text, or NULL with a message on stderr. Caller frees. */
static char *tk_slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = f != NULL ? calloc(1, 1 << 16) : NULL;
    size_t n = buf != NULL ? fread(buf, 1, (1 << 16) - 1, f) : 0;
    if (f != NULL)
        fclose(f);
    if (n == 0) {
        fprintf(stderr, "keg-te-keg: cannot read %s\n", path);
        free(buf);
        return NULL;
    }
    return buf;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: keg-te-keg DB TEMPLATE THREADS\n");
        return 2;
    }
    tk_path = argv[1];
    static const struct {
        const char *rule;
        vial_view view;
    } routes[] = {{"/db", tk_db_view}, {"/queries", tk_queries_view},
                  {"/fortunes", tk_fortunes_view}, {"/updates", tk_updates_view}};
    vial_app *app = vial_app_new("keg-te");
    char *tpl = tk_slurp(argv[2]);
    keg_db *db = tk_db();       /* the main thread's: checks the file before serving */
    keg_site *site = app != NULL && db != NULL ? keg_site_new(app, db, NULL) : NULL;
    int bad = site == NULL || tpl == NULL || keg_register(&bench_world) != KEG_OK
              || keg_register(&bench_fortune) != KEG_OK
              || keg_templates_install(site) != KEG_OK
              || vial_app_add_template(app, "fortunes.html", tpl) != 0
              || vial_app_after_request(app, tk_server_header) != 0;
    for (size_t i = 0; !bad && i < sizeof routes / sizeof routes[0]; i++)
        bad = vial_app_route(app, "GET", routes[i].rule, NULL, routes[i].view) != 0;
    free(tpl);
    struct vial_server_options opt = {.host = "127.0.0.1", .port = 0};
    opt.threads = (int)strtol(argv[3], NULL, 10);
    char *cause = NULL;
    vial_server *srv = bad ? NULL : vial_server_start(app, &opt, &cause);
    if (srv == NULL) {
        fprintf(stderr, "keg-te-keg: %s\n", cause ? cause : "could not set up the app");
        free(cause);
        return 1;
    }
    printf("%d\n", vial_server_port(srv));
    fflush(stdout);
    while (getchar() != EOF)
        ;
    vial_server_stop(srv);
    keg_site_free(site);
    vial_app_free(app);
    for (size_t i = 0; i < tk_ndbs; i++)
        keg_db_close(tk_dbs[i]);
    return 0;
}
