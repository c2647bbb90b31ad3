/* checker.c -- lab 13's hidden tests: sends scripts of operations (open, exec, query,
 * insert, ...) with random table and column names, values and bytes to the driver, which
 * runs them on the learner's keg, runs the same scripts on the reference keg in this
 * process (the driver's ops.h, compiled here), and compares the two texts: the
 * pragmas set at open, bound values that round-trip byte for byte and never show in SQL
 * text, errors mapped to statuses with SQLite's message, identifiers refused before any
 * SQL, one statement per exec, the counter against the driver's own count, the statement
 * cache, nested readers and nothing left unfinalized at close. Run as `checker SEED`. */
/* The reference side runs the driver's operations (ops.h); first, since they include
 * sqlcount.h first. */
#include "ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "wire.h"

static const char lower[] = "abcdefghijklmnopqrstuvwxyz";
static const char ident_set[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";
static struct wire_rng rng;
static struct wire_peer peer;
static struct drv ref = { NULL, NULL, "ref-" };
static int nfiles;

/* ---- scripts --------------------------------------------------------------------------
 * A script is a sequence of frames (wire.h) in a buffer; each frame's payload a sequence
 * of items, built with the it_* helpers into `cur` and closed by op(). */

struct script {
    struct wire_buf frames;
    struct wire_buf cur;        /* items of the frame being built */
};

static void it_add(struct script *s, const char *kind, const void *d, size_t n)
{
    wire_buf_frame(&s->cur, kind, d, n);
}

static void it_str(struct script *s, const char *kind, const char *str)
{
    it_add(s, kind, str, strlen(str));
}

static void it_int(struct script *s, long long v)
{
    char b[32];
    snprintf(b, sizeof b, "%lld", v);
    it_str(s, "int", b);
}

static void it_real(struct script *s, double v)
{
    char b[64];
    snprintf(b, sizeof b, "%a", v);
    it_str(s, "real", b);
}

static void it_num(struct script *s, long long v)
{
    char b[32];
    snprintf(b, sizeof b, "%lld", v);
    it_str(s, "num", b);
}

/* Ends the frame `name` with the items added since the last one. */
static void op(struct script *s, const char *name)
{
    wire_buf_frame(&s->frames, name, s->cur.data ? s->cur.data : "", s->cur.len);
    s->cur.len = 0;
}

/* Shorthands: an operation with SQL and n values already added. */
static void op_sql(struct script *s, const char *name, const char *sql)
{
    it_str(s, "sql", sql);
    op(s, name);
}

static void script_free(struct script *s)
{
    wire_buf_free(&s->frames);
    wire_buf_free(&s->cur);
}

/* A readable header for one frame: its name, its SQL, then its other items. */
static void frame_header(struct wire_buf *out, const char *name, const char *d, size_t n)
{
    char kind[WIRE_MAX_NAME];
    wire_buf_str(out, "> ");
    wire_buf_str(out, name);
    for (int pass = 0; pass < 2; pass++) {
        const char *p = d, *end = d + n, *v;
        size_t vn;
        while (wire_next(&p, end, kind, sizeof kind, &v, &vn) == 1) {
            if ((strcmp(kind, "sql") == 0) != (pass == 0))
                continue;
            wire_buf_str(out, pass == 0 ? " " : " | ");
            if (pass == 1) {
                wire_buf_str(out, kind);
                wire_buf_str(out, " ");
            }
            wire_buf_escaped(out, v, vn > 160 ? 160 : vn, 0);
        }
    }
    wire_buf_str(out, "\n");
}

/* Attaches the first line where got and want differ (the texts can be long). */
static void attach_first_difference(const char *got, const char *want)
{
    int line = 1;
    const char *g = got, *w = want;
    for (;;) {
        size_t gn = strcspn(g, "\n"), wn = strcspn(w, "\n");
        if (gn != wn || memcmp(g, w, gn) != 0 || g[gn] != w[wn]) {
            char buf[1024];
            snprintf(buf, sizeof buf, "line %d: got \"%.*s\", expected \"%.*s\"", line,
                     (int)(gn < 400 ? gn : 400), g, (int)(wn < 400 ? wn : 400), w);
            tap_attach("first_difference", buf);
            return;
        }
        if (g[gn] == '\0')
            return;
        g += gn + 1;
        w += wn + 1;
        line++;
    }
}

/* Runs the script on both sides and compares the texts: one test. */
static void run(const char *test, struct script *s)
{
    struct wire_buf got = {0}, want = {0};
    const char *p = s->frames.data, *end = p + s->frames.len, *d;
    char name[WIRE_MAX_NAME];
    size_t n;
    wire_buf_add(&got, "", 0);
    wire_buf_add(&want, "", 0);
    while (!peer.dead && wire_next(&p, end, name, sizeof name, &d, &n) == 1) {
        char *ans = NULL, *copy = malloc(n + 1);
        size_t alen = 0;
        if (copy == NULL)
            tap_bail_out("out of memory");
        frame_header(&got, name, d, n);
        frame_header(&want, name, d, n);
        memcpy(copy, d, n);
        copy[n] = '\0';
        const char *reply = "ok";
        drv_frame(&ref, name, copy, n, &want, &reply);
        if (wire_call(&peer, name, d, n, &ans, &alen) == 0)
            wire_buf_add(&got, ans, alen);
        free(ans);
        free(copy);
    }
    if (peer.dead)
        WIRE_FAIL_DEAD(test);
    else if (got.len == want.len && memcmp(got.data, want.data, got.len) == 0)
        tap_ok(__FILE__, __LINE__, 1, "%s", test);
    else {
        attach_first_difference(got.data, want.data);
        tap_fail_with(__FILE__, __LINE__, "your keg answered differently", got.data,
                      want.data, "%s", test);
    }
    wire_buf_free(&got);
    wire_buf_free(&want);
    script_free(s);
}

/* ---- random inputs ------------------------------------------------------------------- */

/* A fresh identifier: prefix, a random word and a number, so names never collide. */
static void rand_ident(char *out, size_t cap, const char *prefix)
{
    char w[12];
    wire_rng_word(&rng, w, lower, sizeof lower - 1, 2, 8);
    snprintf(out, cap, "%s%s%d", prefix, w, nfiles++);
}

/* Opens a fresh database file (both sides, each in its own folder). */
static void open_file(struct script *s, char *name, size_t cap)
{
    char w[16];
    rand_ident(w, sizeof w, "db");
    snprintf(name, cap, "%s.sqlite3", w);
    it_str(s, "name", name);
    op(s, "open");
}

static long long rand_int(void)
{
    static const long long edges[] = { 0, -1, 1, 9223372036854775807LL, -9223372036854775807LL - 1 };
    if (wire_rng_below(&rng, 4) == 0)
        return edges[wire_rng_below(&rng, 5)];
    return (long long)wire_rng_next(&rng) >> wire_rng_below(&rng, 60);
}

static double rand_real(void)
{
    return ((double)(long long)wire_rng_below(&rng, 2000000) - 1000000.0) / 7.0;
}

/* Random bytes of every value 0..255 into b (n of them). */
static void rand_bytes(char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        b[i] = (char)wire_rng_below(&rng, 256);
}

/* ---- tests --------------------------------------------------------------------------- */

static void t_open(void)
{
    struct script s = {0};
    char f[64], bad[80];
    it_num(&s, 1);
    open_file(&s, f, sizeof f);
    op(&s, "close");
    it_num(&s, 1);
    it_str(&s, "name", ":memory:");
    op(&s, "open");
    op(&s, "close");
    op(&s, "close");            /* keg_db_close(NULL) */
    rand_ident(bad, 40, "nodir");
    size_t blen = strlen(bad);
    snprintf(bad + blen, sizeof bad - blen, "/x.sqlite3");
    it_str(&s, "name", bad);
    op(&s, "open");
    run("keg_db_open: foreign_keys=ON, WAL (memory for :memory:), a 5000 ms busy timeout; "
        "a failure gives NULL and a message", &s);
}

static void t_roundtrip(void)
{
    struct script s = {0};
    char f[64], t[40], c[5][40], sql[512];
    open_file(&s, f, sizeof f);
    rand_ident(t, sizeof t, "t");
    for (int i = 0; i < 5; i++)
        rand_ident(c[i], sizeof c[i], "c");
    snprintf(sql, sizeof sql, "CREATE TABLE \"%s\" (\"%s\" integer, \"%s\" real, \"%s\" text, "
             "\"%s\" blob, \"%s\")", t, c[0], c[1], c[2], c[3], c[4]);
    op_sql(&s, "exec", sql);
    snprintf(sql, sizeof sql, "INSERT INTO \"%s\" VALUES (?, ?, ?, ?, ?)", t);
    int rows = 3 + (int)wire_rng_below(&rng, 4);
    for (int r = 0; r < rows; r++) {
        char text[24], blob[24];
        size_t tn = wire_rng_below(&rng, 20), bn = wire_rng_below(&rng, 20);
        wire_rng_word(&rng, text, ident_set, sizeof ident_set - 1, tn, tn);
        rand_bytes(blob, bn);
        it_int(&s, rand_int());
        it_real(&s, rand_real());
        it_add(&s, "text", text, tn);
        it_add(&s, "blob", blob, bn);
        if (wire_rng_below(&rng, 2))
            it_add(&s, "null", "", 0);
        else
            it_int(&s, r);
        op_sql(&s, "exec", sql);
    }
    snprintf(sql, sizeof sql, "SELECT * FROM \"%s\" ORDER BY rowid", t);
    op_sql(&s, "query", sql);
    snprintf(sql, sizeof sql, "SELECT count(*), ? FROM \"%s\" WHERE \"%s\" IS NULL OR \"%s\" >= ?",
             t, c[4], c[4]);
    it_str(&s, "text", "x");
    it_int(&s, 1);
    op_sql(&s, "query", sql);
    snprintf(sql, sizeof sql, "UPDATE \"%s\" SET \"%s\" = ? WHERE rowid > ?", t, c[2]);
    it_str(&s, "text", "updated");
    it_int(&s, (long long)wire_rng_below(&rng, (uint64_t)rows));
    op_sql(&s, "exec", sql);
    snprintf(sql, sizeof sql, "SELECT \"%s\" FROM \"%s\"", c[2], t);
    op_sql(&s, "exec", sql);    /* rows dropped: 0 */
    snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%s\" WHERE rowid <= ?", t);
    it_int(&s, 2);
    op_sql(&s, "query_int", sql);
    snprintf(sql, sizeof sql, "DELETE FROM \"%s\" WHERE rowid %% 2 = ?", t);
    it_int(&s, 0);
    op_sql(&s, "exec", sql);
    snprintf(sql, sizeof sql, "SELECT rowid, * FROM \"%s\" ORDER BY rowid", t);
    op_sql(&s, "query", sql);
    op(&s, "close");
    run("keg_db_exec returns the rows changed; the reader gives each column's type and value", &s);
}

static void t_bytes(void)
{
    struct script s = {0};
    char f[64], t[40], c[40], sql[512], marker[24], w[20];
    open_file(&s, f, sizeof f);
    rand_ident(t, sizeof t, "t");
    rand_ident(c, sizeof c, "c");
    wire_rng_word(&rng, w, lower, sizeof lower - 1, 10, 14);
    snprintf(marker, sizeof marker, "mk%s", w);
    snprintf(sql, sizeof sql, "CREATE TABLE \"%s\" (\"%s\" text, k blob)", t, c);
    op_sql(&s, "exec", sql);
    it_str(&s, "text", marker);
    op(&s, "watch");
    char inj[160], nul[64], bad[64], rnd[48];
    snprintf(inj, sizeof inj, "%s'); DROP TABLE \"%s\"; --", marker, t);
    size_t nn = (size_t)snprintf(nul, sizeof nul, "%s\"q'uo\"te'", marker);
    nul[nn++] = '\0';
    nn += (size_t)snprintf(nul + nn, sizeof nul - nn, "after NUL");
    static const char invalid[][5] = { "\xff\xfe", "\x80", "\xe2\x82", "\xc0\xaf", "\xed\xa0\x80" };
    size_t bn = (size_t)snprintf(bad, sizeof bad, "%s", marker);
    for (int i = 0; i < 3; i++) {
        const char *v = invalid[wire_rng_below(&rng, 5)];
        memcpy(bad + bn, v, strlen(v));
        bn += strlen(v);
    }
    size_t rn = strlen(marker) + 1 + wire_rng_below(&rng, sizeof rnd - strlen(marker) - 1);
    memcpy(rnd, marker, strlen(marker));
    rand_bytes(rnd + strlen(marker), rn - strlen(marker));
    const struct { const char *d; size_t n; } vals[] = {
        { inj, strlen(inj) }, { nul, nn }, { bad, bn }, { rnd, rn }, { "", 0 },
    };
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        it_str(&s, "name", t);
        it_str(&s, "name", c);
        it_str(&s, "name", "k");
        it_add(&s, "text", vals[i].d, vals[i].n);
        it_add(&s, "blob", vals[i].d, vals[i].n);
        op(&s, "insert");
        snprintf(sql, sizeof sql, "INSERT INTO \"%s\" VALUES (?, ?)", t);
        it_add(&s, "text", vals[i].d, vals[i].n);
        it_add(&s, "blob", vals[i].d, vals[i].n);
        op_sql(&s, "exec", sql);
    }
    snprintf(sql, sizeof sql, "SELECT \"%s\", k, length(\"%s\"), length(k), \"%s\" = ? "
             "FROM \"%s\" ORDER BY rowid", c, c, c, t);
    it_add(&s, "text", nul, nn);
    op_sql(&s, "query", sql);
    it_str(&s, "name", t);
    op(&s, "exists");
    op(&s, "seen");
    op(&s, "close");
    run("text with quotes, NUL and invalid UTF-8 round-trips; \"'); DROP TABLE\" is stored "
        "as it is; no value ever appears in SQL text", &s);
}

static void t_errors(void)
{
    struct script s = {0};
    char f[64], p[40], ch[40], u[40], sql[512];
    open_file(&s, f, sizeof f);
    rand_ident(p, sizeof p, "p");
    rand_ident(ch, sizeof ch, "ch");
    rand_ident(u, sizeof u, "u");
    snprintf(sql, sizeof sql, "CREATE TABLE \"%s\" (id integer PRIMARY KEY)", p);
    op_sql(&s, "exec", sql);
    snprintf(sql, sizeof sql, "CREATE TABLE \"%s\" (pid integer REFERENCES \"%s\" (id))", ch, p);
    op_sql(&s, "exec", sql);
    snprintf(sql, sizeof sql, "CREATE TABLE \"%s\" (x text UNIQUE NOT NULL, y integer "
             "CHECK (y > 0))", u);
    op_sql(&s, "exec", sql);
    long long pid = 1 + (long long)wire_rng_below(&rng, 1000);
    snprintf(sql, sizeof sql, "INSERT INTO \"%s\" (id) VALUES (?)", p);
    it_int(&s, pid);
    op_sql(&s, "exec", sql);
    snprintf(sql, sizeof sql, "INSERT INTO \"%s\" (pid) VALUES (?)", ch);
    it_int(&s, pid);
    op_sql(&s, "exec", sql);
    it_int(&s, pid + 1);        /* no such parent */
    op_sql(&s, "exec", sql);
    char w[12];
    wire_rng_word(&rng, w, lower, sizeof lower - 1, 3, 10);
    snprintf(sql, sizeof sql, "INSERT INTO \"%s\" (x, y) VALUES (?, ?)", u);
    it_str(&s, "text", w);
    it_int(&s, 1);
    op_sql(&s, "exec", sql);
    it_str(&s, "text", w);      /* UNIQUE */
    it_int(&s, 2);
    op_sql(&s, "exec", sql);
    it_add(&s, "null", "", 0);  /* NOT NULL */
    it_int(&s, 3);
    op_sql(&s, "exec", sql);
    it_str(&s, "text", "other");    /* CHECK */
    it_int(&s, -(long long)wire_rng_below(&rng, 50));
    op_sql(&s, "exec", sql);
    snprintf(sql, sizeof sql, "DELETE FROM \"%s\"", p);    /* FOREIGN KEY, on delete */
    op_sql(&s, "exec", sql);
    op_sql(&s, "exec", "SELEC 1");
    snprintf(sql, sizeof sql, "SELECT * FROM \"%s_nope\"", u);
    op_sql(&s, "query", sql);
    snprintf(sql, sizeof sql, "SELECT y FROM \"%s\" WHERE x = ?", u);
    it_str(&s, "text", "absent");
    op_sql(&s, "query_int", sql);
    it_str(&s, "text", w);
    op_sql(&s, "query_int", sql);
    op(&s, "close");
    run("constraint failures give KEG_EINTEGRITY, bad SQL KEG_ERROR, no row KEG_ENOTFOUND, "
        "each with SQLite's message", &s);
}

static void t_busy(void)
{
    struct script s = {0};
    char f[64], t[40], sql[256];
    open_file(&s, f, sizeof f);
    rand_ident(t, sizeof t, "t");
    snprintf(sql, sizeof sql, "CREATE TABLE \"%s\" (a integer)", t);
    op_sql(&s, "exec", sql);
    it_str(&s, "name", f);
    op(&s, "lock");
    snprintf(sql, sizeof sql, "INSERT INTO \"%s\" VALUES (?)", t);
    it_int(&s, rand_int());
    op_sql(&s, "exec", sql);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%s\"", t);
    op_sql(&s, "query_int", sql);     /* WAL: a reader is not blocked */
    op(&s, "unlock");
    snprintf(sql, sizeof sql, "INSERT INTO \"%s\" VALUES (?)", t);
    it_int(&s, rand_int());
    op_sql(&s, "exec", sql);
    op(&s, "close");
    run("a write while another connection holds the lock gives KEG_EBUSY; readers go on (WAL)",
        &s);
}

static void t_invalid(void)
{
    struct script s = {0};
    char f[64], t[40], sql[512];
    open_file(&s, f, sizeof f);
    rand_ident(t, sizeof t, "t");
    snprintf(sql, sizeof sql, "CREATE TABLE \"%s\" (a integer, b text)", t);
    op_sql(&s, "exec", sql);
    snprintf(sql, sizeof sql, "INSERT INTO \"%s\" VALUES (1, 'x');  ", t);
    op_sql(&s, "exec", sql);    /* trailing spaces and ';' are fine */
    snprintf(sql, sizeof sql, "INSERT INTO \"%s\" VALUES (2, 'y'); DELETE FROM \"%s\"", t, t);
    op_sql(&s, "exec", sql);
    op_sql(&s, "exec", "SELECT 1; SELECT 2");
    snprintf(sql, sizeof sql, "INSERT INTO \"%s\" VALUES (?, ?)", t);
    int k = (int)wire_rng_below(&rng, 2);
    for (int i = 0; i < 2 * k + 1; i++)   /* 1 or 3 values for 2 */
        it_int(&s, rand_int());
    op_sql(&s, "exec", sql);
    op_sql(&s, "exec", sql);     /* none */
    snprintf(sql, sizeof sql, "SELECT a FROM \"%s\" WHERE a > ?", t);
    it_int(&s, 0);
    it_int(&s, 1);
    op_sql(&s, "query", sql);
    op_sql(&s, "query_int", sql);
    snprintf(sql, sizeof sql, "SELECT a, b FROM \"%s\"", t);
    op_sql(&s, "query", sql);
    op(&s, "close");
    run("two statements or a wrong number of values: KEG_EINVALID and no statement runs", &s);
}

/* A name keg_ident_ok refuses, of a random kind. */
static void bad_ident(char *out, size_t cap)
{
    char w[16];
    wire_rng_word(&rng, w, lower, sizeof lower - 1, 1, 8);
    switch (wire_rng_below(&rng, 8)) {
    case 0: snprintf(out, cap, "%d%s", (int)wire_rng_below(&rng, 10), w); break;
    case 1: snprintf(out, cap, "%s %s", w, w); break;
    case 2: snprintf(out, cap, "%s\"; DROP TABLE x; --", w); break;
    case 3: snprintf(out, cap, "%s-%s", w, w); break;
    case 4: snprintf(out, cap, "%s\xc3\xa9", w); break;
    case 5: snprintf(out, cap, "%s.%s", w, w); break;
    case 6: snprintf(out, cap, "%s'", w); break;
    default:
        memset(out, 'a' + (int)wire_rng_below(&rng, 26), 64);
        out[64] = '\0';
    }
}

static void t_idents(void)
{
    struct script s = {0};
    char f[64], t[40], c[40], sql[256], names[12][80];
    open_file(&s, f, sizeof f);
    for (int i = 0; i < 12; i++) {
        if (i % 2 == 0 && i != 10)
            bad_ident(names[i], sizeof names[i]);
        else {
            /* 63 characters is the longest name; 64 is one too many */
            size_t n = i == 1 ? 63 : i == 10 ? 64 : 1 + wire_rng_below(&rng, 20);
            wire_rng_word(&rng, names[i], ident_set, sizeof ident_set - 1, n, n);
            if (names[i][0] >= '0' && names[i][0] <= '9')
                names[i][0] = '_';
        }
        it_str(&s, "name", names[i]);
    }
    it_str(&s, "name", "");
    op(&s, "ident");
    rand_ident(t, sizeof t, "t");
    rand_ident(c, sizeof c, "c");
    snprintf(sql, sizeof sql, "CREATE TABLE \"%s\" (\"%s\" integer DEFAULT 7, \"%s\" text)",
             t, c, names[1]);
    op_sql(&s, "exec", sql);
    it_str(&s, "name", names[0]);   /* bad table */
    it_str(&s, "name", c);
    it_int(&s, 1);
    op(&s, "insert");
    it_str(&s, "name", t);          /* a bad column after a good one */
    it_str(&s, "name", c);
    it_str(&s, "name", names[2]);
    it_int(&s, 1);
    it_int(&s, 2);
    op(&s, "insert");
    it_str(&s, "name", t);
    it_str(&s, "name", names[1]);
    it_str(&s, "name", c);
    it_str(&s, "text", names[4]);
    it_int(&s, rand_int());
    op(&s, "insert");
    it_str(&s, "name", t);          /* DEFAULT VALUES */
    op(&s, "insert");
    it_str(&s, "name", names[6]);
    op(&s, "exists");
    it_str(&s, "name", t);
    op(&s, "exists");
    it_str(&s, "name", names[3]);
    op(&s, "exists");
    snprintf(sql, sizeof sql, "SELECT * FROM \"%s\" ORDER BY rowid", t);
    op_sql(&s, "query", sql);
    op(&s, "close");
    run("identifiers outside [A-Za-z_][A-Za-z0-9_]{0,62} are refused before any SQL is built",
        &s);
}

static void t_counter(void)
{
    struct script s = {0};
    char f[64], t[40], lg[40], sql[512];
    open_file(&s, f, sizeof f);
    rand_ident(t, sizeof t, "t");
    rand_ident(lg, sizeof lg, "log");
    snprintf(sql, sizeof sql, "CREATE TABLE \"%s\" (a integer, b text)", t);
    op_sql(&s, "exec", sql);
    snprintf(sql, sizeof sql, "CREATE TABLE \"%s\" (n integer)", lg);
    op_sql(&s, "exec", sql);
    snprintf(sql, sizeof sql, "CREATE TRIGGER \"%s_tr\" AFTER INSERT ON \"%s\" BEGIN "
             "INSERT INTO \"%s\" VALUES (new.a); END", t, t, lg);
    op_sql(&s, "raw", sql);
    op(&s, "counter");
    op(&s, "reset");
    int n = 4 + (int)wire_rng_below(&rng, 5);
    for (int i = 0; i < n; i++) {
        char w[12];
        wire_rng_word(&rng, w, lower, sizeof lower - 1, 1, 10);
        switch (wire_rng_below(&rng, 6)) {
        case 0:
            op_sql(&s, "exec", "BEGIN");
            snprintf(sql, sizeof sql, "INSERT INTO \"%s\" VALUES (?, ?)", t);
            it_int(&s, i);
            it_str(&s, "text", w);
            op_sql(&s, "exec", sql);
            op_sql(&s, "exec", "COMMIT");
            break;
        case 1:
            op_sql(&s, "raw", "SAVEPOINT sp");
            snprintf(sql, sizeof sql, "UPDATE \"%s\" SET b = 'raw' WHERE a < %d", t, 100 + i);
            op_sql(&s, "raw", sql);
            op_sql(&s, "raw", "RELEASE sp");
            break;
        case 2:
            snprintf(sql, sizeof sql, "SELECT a, b FROM \"%s\" WHERE a < ?", t);
            it_int(&s, 1000);
            op_sql(&s, "query", sql);
            break;
        case 3:
            it_str(&s, "name", t);
            it_str(&s, "name", "a");
            it_str(&s, "name", "b");
            it_int(&s, 100 + i);
            it_str(&s, "text", w);
            op(&s, "insert");
            break;
        case 4:
            op_sql(&s, "exec", "SAVEPOINT two");
            snprintf(sql, sizeof sql, "DELETE FROM \"%s\" WHERE a < ?", t);
            it_int(&s, 100 + i);
            op_sql(&s, "exec", sql);
            op_sql(&s, "exec", "ROLLBACK TO two");
            op_sql(&s, "exec", "RELEASE two");
            break;
        default:
            snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%s\"", lg);
            op_sql(&s, "query_int", sql);
            op_sql(&s, "exec", "SELEC nothing");    /* never starts: not counted */
        }
        op(&s, "counter");
    }
    it_num(&s, 4);
    op(&s, "log");
    op_sql(&s, "exec", "BEGIN");
    snprintf(sql, sizeof sql, "INSERT INTO \"%s\" (n) VALUES (?)", lg);
    it_num(&s, KEG_LOG_MAX + 5 + (long long)wire_rng_below(&rng, 20));
    it_int(&s, rand_int());
    op_sql(&s, "repeat", sql);
    op_sql(&s, "exec", "COMMIT");
    op(&s, "counter");
    it_num(&s, 3);
    op(&s, "log");
    op(&s, "reset");
    op(&s, "counter");
    op(&s, "close");
    run("keg_db_queries agrees with the driver's count (transaction statements left out) and "
        "the log keeps the last statements with their values", &s);
}

static void t_cache(void)
{
    struct script s = {0};
    char f[64], t[40], sql[256];
    open_file(&s, f, sizeof f);
    rand_ident(t, sizeof t, "t");
    snprintf(sql, sizeof sql, "CREATE TABLE \"%s\" (a integer, b text)", t);
    op_sql(&s, "exec", sql);
    op_sql(&s, "exec", "BEGIN");
    snprintf(sql, sizeof sql, "INSERT INTO \"%s\" VALUES (?, ?)", t);
    it_num(&s, 1000);
    it_int(&s, rand_int());
    it_str(&s, "text", t);
    op_sql(&s, "repeat", sql);
    op_sql(&s, "exec", "COMMIT");
    snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%s\" WHERE a = ?", t);
    it_num(&s, 50 + (long long)wire_rng_below(&rng, 100));
    it_int(&s, 0);
    op_sql(&s, "repeat", sql);
    op_sql(&s, "query_int", sql);   /* wrong count: one value is missing */
    it_int(&s, 0);
    op_sql(&s, "query_int", sql);
    op(&s, "close");
    run("the statement cache: 1000 runs of one SQL text prepare it once", &s);
}

static void t_nested(void)
{
    struct script s = {0};
    char f[64], t[40], sql[256];
    open_file(&s, f, sizeof f);
    rand_ident(t, sizeof t, "t");
    snprintf(sql, sizeof sql, "CREATE TABLE \"%s\" (a integer)", t);
    op_sql(&s, "exec", sql);
    int n = 2 + (int)wire_rng_below(&rng, 5);
    snprintf(sql, sizeof sql, "INSERT INTO \"%s\" VALUES (?)", t);
    for (int i = 0; i < n; i++) {
        it_int(&s, (long long)wire_rng_below(&rng, 1000));
        op_sql(&s, "exec", sql);
    }
    snprintf(sql, sizeof sql, "SELECT a FROM \"%s\" WHERE a >= ? ORDER BY a", t);
    it_int(&s, 0);
    op_sql(&s, "nested", sql);
    it_int(&s, (long long)wire_rng_below(&rng, 500));
    op_sql(&s, "nested", sql);
    it_int(&s, 0);
    op_sql(&s, "query", sql);
    op(&s, "close");
    run("readers of the same SQL nest: each gets its own statement", &s);
}

static void t_close(void)
{
    struct script s = {0};
    char f[64], t[40], sql[256];
    open_file(&s, f, sizeof f);
    rand_ident(t, sizeof t, "t");
    snprintf(sql, sizeof sql, "CREATE TABLE \"%s\" (a integer)", t);
    op_sql(&s, "exec", sql);
    int n = 70 + (int)wire_rng_below(&rng, 30);    /* more texts than a cache keeps */
    for (int i = 0; i < n; i++) {
        snprintf(sql, sizeof sql, "SELECT ? + %d", i);
        it_int(&s, i);
        op_sql(&s, i % 3 ? "query_int" : "exec", sql);
    }
    snprintf(sql, sizeof sql, "INSERT INTO \"%s\" VALUES (?)", t);
    for (int i = 0; i < 3; i++) {
        it_int(&s, i);
        op_sql(&s, "exec", sql);
    }
    snprintf(sql, sizeof sql, "SELECT a FROM \"%s\"", t);
    op_sql(&s, "nested", sql);
    snprintf(sql, sizeof sql, "SELECT a FROM \"%s_nowhere\"", t);
    op_sql(&s, "exec", sql);
    op_sql(&s, "exec", "BEGIN");
    snprintf(sql, sizeof sql, "INSERT INTO \"%s\" VALUES (?)", t);
    it_int(&s, rand_int());
    op_sql(&s, "exec", sql);
    op(&s, "close");
    it_num(&s, 1);
    it_str(&s, "name", f);
    op(&s, "open");
    snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%s\"", t);
    op_sql(&s, "query_int", sql);
    op(&s, "close");
    run("keg_db_close finalizes every statement and rolls back an open transaction", &s);
}

int main(int argc, char **argv)
{
    uint64_t seed = wire_seed_arg(argc, argv);
    wire_rng_seed(&rng, seed);
    wire_peer_init(&peer, 20000);
    void (*const tests[])(void) = {
        t_open, t_roundtrip, t_bytes, t_errors, t_busy, t_invalid, t_idents, t_counter,
        t_cache, t_nested, t_close,
    };
    tap_plan((int)(sizeof tests / sizeof tests[0]));
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++)
        tests[i]();
    keg_db_close(ref.db);
    if (ref.locker != NULL)
        sqlite3_close(ref.locker);
    return wire_finish(&peer);
}
