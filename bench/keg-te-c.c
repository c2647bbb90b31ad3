/* keg-te-c.c -- the floor of bench/keg.sh: TechEmpower's four database tests (/db,
 * /queries, /fortunes, /updates) answered by hand-written C, libmicrohttpd with the
 * daemon flags vial uses and sqlite3 with statements prepared once per connection.
 * One connection per server thread, as a multi-threaded server on SQLite needs.
 *   keg-te-c seed DB             creates and fills the database (a new file)
 *   keg-te-c serve DB THREADS    prints the port it bound, serves until stdin closes */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>
#include <sqlite3.h>

#include "keg-te.h"

#define TC_CONNS_MAX 64             /* server threads that may each open a connection */

/* One thread's connection and its statements (prepared at open, reused). */
struct tc_conn {
    sqlite3 *db;
    sqlite3_stmt *world, *fortunes, *update, *begin, *commit;
};

static const char *tc_path;
static pthread_mutex_t tc_lock = PTHREAD_MUTEX_INITIALIZER;
static struct tc_conn *tc_conns[TC_CONNS_MAX];     /* every connection, to close at exit */
static size_t tc_nconns;

/* A growing response body; `failed` after an allocation failed. */
struct tc_buf {
    char *p;
    size_t len, cap;
    int failed;
};

static void tc_put(struct tc_buf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 1024;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (p == NULL) {
            b->failed = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void tc_printf(struct tc_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void tc_printf(struct tc_buf *b, const char *fmt, ...)
{
    char tmp[128];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof tmp)
        b->failed = 1;
    else
        tc_put(b, tmp, (size_t)n);
}

/* Appends s with & < > " ' escaped. */
static void tc_put_escaped(struct tc_buf *b, const char *s)
{
    static const char special[] = "&<>\"'";
    static const char *const refs[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&#39;"};
    const char *run = s;
    for (; *s != '\0'; s++) {
        const char *hit = strchr(special, *s);
        if (hit == NULL)
            continue;
        tc_put(b, run, (size_t)(s - run));
        tc_put(b, refs[hit - special], strlen(refs[hit - special]));
        run = s + 1;
    }
    tc_put(b, run, (size_t)(s - run));
}

static void tc_conn_close(struct tc_conn *c)
{
    sqlite3_stmt *sts[] = {c->world, c->fortunes, c->update, c->begin, c->commit};
    for (size_t i = 0; i < sizeof sts / sizeof sts[0]; i++)
        sqlite3_finalize(sts[i]);
    sqlite3_close(c->db);
    free(c);
}

/* This thread's connection, opened at its first request. NULL on failure. */
static struct tc_conn *tc_conn(void)
{
    static _Thread_local struct tc_conn *mine;
    if (mine != NULL)
        return mine;
    struct tc_conn *c = calloc(1, sizeof *c);
    if (c == NULL)
        return NULL;
    const struct {
        sqlite3_stmt **st;
        const char *sql;
    } prep[] = {
        {&c->world, "SELECT id, randomnumber FROM bench_world WHERE id = ?"},
        {&c->fortunes, "SELECT id, message FROM bench_fortune"},
        {&c->update, "UPDATE bench_world SET randomnumber = ? WHERE id = ?"},
        {&c->begin, "BEGIN IMMEDIATE"},
        {&c->commit, "COMMIT"},
    };
    int ok = sqlite3_open_v2(tc_path, &c->db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK
             && sqlite3_busy_timeout(c->db, 5000) == SQLITE_OK;
    for (size_t i = 0; ok && i < sizeof prep / sizeof prep[0]; i++)
        ok = sqlite3_prepare_v3(c->db, prep[i].sql, -1, SQLITE_PREPARE_PERSISTENT,
                                prep[i].st, NULL) == SQLITE_OK;
    pthread_mutex_lock(&tc_lock);
    ok = ok && tc_nconns < TC_CONNS_MAX;
    if (ok)
        tc_conns[tc_nconns++] = c;
    pthread_mutex_unlock(&tc_lock);
    if (!ok) {
        fprintf(stderr, "keg-te-c: %s: %s\n", tc_path, c->db ? sqlite3_errmsg(c->db) : "?");
        tc_conn_close(c);
        return NULL;
    }
    return mine = c;
}

/* Reads world `id` into *rn. Returns 0 or -1. */
static int tc_world(struct tc_conn *c, int id, int *rn)
{
    sqlite3_bind_int(c->world, 1, id);
    int rc = sqlite3_step(c->world);
    if (rc == SQLITE_ROW)
        *rn = sqlite3_column_int(c->world, 1);
    sqlite3_reset(c->world);
    return rc == SQLITE_ROW ? 0 : -1;
}

/* Runs a statement that returns no row. Returns 0 or -1. */
static int tc_run(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* /db, /queries and /updates: n worlds read one by one (updated when `update`), as
 * one object (single) or an array. Returns 0 or -1. */
static int tc_worlds(struct tc_conn *c, struct tc_buf *b, int n, int single, int update)
{
    int ids[KTE_QUERIES_MAX], rns[KTE_QUERIES_MAX];
    for (int i = 0; i < n; i++) {
        ids[i] = kte_random();
        if (tc_world(c, ids[i], &rns[i]) < 0)
            return -1;
    }
    if (update) {
        if (tc_run(c->begin) < 0)
            return -1;
        int rc = 0;
        for (int i = 0; i < n && rc == 0; i++) {
            rns[i] = kte_random();
            sqlite3_bind_int(c->update, 1, rns[i]);
            sqlite3_bind_int(c->update, 2, ids[i]);
            rc = tc_run(c->update);
        }
        if (rc < 0 || tc_run(c->commit) < 0) {
            sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
            return -1;
        }
    }
    if (!single)
        tc_put(b, "[", 1);
    for (int i = 0; i < n; i++)
        tc_printf(b, "%s{\"id\":%d,\"randomNumber\":%d}", i ? "," : "", ids[i], rns[i]);
    if (!single)
        tc_put(b, "]", 1);
    return 0;
}

/* /fortunes: the rows, the added one, sorted by message, as TechEmpower's page. */
static int tc_fortunes(struct tc_conn *c, struct tc_buf *b)
{
    static const char head[] = "<!DOCTYPE html><html><head><title>Fortunes</title>"
                               "</head><body><table><tr><th>id</th><th>message</th></tr>";
    static const char tail[] = "</table></body></html>";
    struct kte_fortune f[KTE_FORTUNES + 16];
    size_t n = 0;
    f[n++] = (struct kte_fortune){0, KTE_ADDED};
    int rc;
    while ((rc = sqlite3_step(c->fortunes)) == SQLITE_ROW && n < sizeof f / sizeof f[0]) {
        char *m = strdup((const char *)sqlite3_column_text(c->fortunes, 1));
        if (m == NULL)
            break;
        f[n++] = (struct kte_fortune){sqlite3_column_int64(c->fortunes, 0), m};
    }
    sqlite3_reset(c->fortunes);
    kte_fortunes_sort(f, n);
    tc_put(b, head, sizeof head - 1);
    for (size_t i = 0; i < n; i++) {
        tc_printf(b, "<tr><td>%lld</td><td>", f[i].id);
        tc_put_escaped(b, f[i].message);
        tc_put(b, "</td></tr>", 10);
    }
    tc_put(b, tail, sizeof tail - 1);
    for (size_t i = 0; i < n; i++)
        if (f[i].id != 0)
            free((char *)f[i].message);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Queues b's bytes (taken over) with the test's headers. */
static enum MHD_Result tc_send(struct MHD_Connection *conn, unsigned status,
                               const char *ctype, struct tc_buf *b)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(b->len, b->p,
                                                             MHD_RESPMEM_MUST_FREE);
    if (r == NULL) {
        free(b->p);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Server", KTE_SERVER_C);
    MHD_add_response_header(r, "Content-Type", ctype);
    enum MHD_Result ok = MHD_queue_response(conn, status, r);
    MHD_destroy_response(r);
    return ok;
}

/* The four tests: /db is one object, the others an array of ?queries= objects. */
static const struct tc_route {
    const char *path;
    int single, update, html;
} tc_routes[] = {
    {"/db", 1, 0, 0},
    {"/queries", 0, 0, 0},
    {"/updates", 0, 1, 0},
    {"/fortunes", 0, 0, 1},
};

static enum MHD_Result tc_handle(void *cls, struct MHD_Connection *conn, const char *url,
                                 const char *method, const char *version,
                                 const char *upload, size_t *upload_size, void **con_cls)
{
    static int seen;
    (void)cls, (void)version, (void)upload, (void)upload_size;
    /* Never answer on the first call: libmicrohttpd would close the connection. */
    if (*con_cls != &seen) {
        *con_cls = &seen;
        return MHD_YES;
    }
    const struct tc_route *r = NULL;
    for (size_t i = 0; i < sizeof tc_routes / sizeof tc_routes[0]; i++)
        if (strcmp(url, tc_routes[i].path) == 0)
            r = &tc_routes[i];
    struct tc_buf b = {0};
    if (r == NULL || strcmp(method, "GET") != 0) {
        tc_put(&b, "404 Not Found\n", 14);
        return b.failed ? MHD_NO : tc_send(conn, 404, "text/plain", &b);
    }
    struct tc_conn *c = tc_conn();
    const char *q = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "queries");
    int rc = c == NULL ? -1
             : r->html ? tc_fortunes(c, &b)
             : tc_worlds(c, &b, r->single ? 1 : kte_queries(q), r->single, r->update);
    if (rc < 0 || b.failed) {
        b.len = 0;
        b.failed = 0;
        tc_put(&b, "500 Internal Server Error\n", 26);
        return b.failed ? MHD_NO : tc_send(conn, 500, "text/plain", &b);
    }
    return tc_send(conn, 200, r->html ? "text/html; charset=utf-8" : "application/json", &b);
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "seed") == 0)
        return kte_seed(argv[2]) == 0 ? 0 : 1;
    if (argc != 4 || strcmp(argv[1], "serve") != 0) {
        fprintf(stderr, "usage: keg-te-c seed DB | keg-te-c serve DB THREADS\n");
        return 2;
    }
    tc_path = argv[2];
    unsigned threads = (unsigned)strtoul(argv[3], NULL, 10);
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL, 0, NULL, NULL, tc_handle, NULL,
        MHD_OPTION_THREAD_POOL_SIZE, threads > 1 ? threads : 1u,
        MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_END);
    const union MHD_DaemonInfo *info = d ? MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT) : NULL;
    if (info == NULL)
        return 1;
    printf("%u\n", (unsigned)info->port);
    fflush(stdout);
    while (getchar() != EOF)
        ;
    MHD_stop_daemon(d);
    for (size_t i = 0; i < tc_nconns; i++)
        tc_conn_close(tc_conns[i]);
    return 0;
}
