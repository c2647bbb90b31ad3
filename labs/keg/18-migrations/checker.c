/* checker.c -- lab 18's hidden tests. Each test draws an app of random models (random
 * names, kinds, NULL, UNIQUE, max_length, defaults, a foreign key from a child to its
 * parent) and a random history of changes to them, with rows in the tables between the
 * steps; it sends that script (model, make, migrate, sql, exec, write) to the driver,
 * runs the same script on the reference keg in this process (the driver's ops.h,
 * compiled here) and compares the two texts: the migration files byte for byte, the
 * statuses and messages, sqlite_schema and every row after migrate, keg_migrations,
 * the statement counts, and sqlmigrate's text. Run as `checker SEED`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "wire.h"

/* The reference side runs the driver's operations (ops.h). */
#include "ops.h"

static const char lower[] = "abcdefghijklmnopqrstuvwxyz";
static struct wire_rng rng;
static struct wire_peer peer;
static struct drv ref;

/* ---- scripts ------------------------------------------------------------------------ */

struct script {
    struct wire_buf frames;
    struct wire_buf cur;
};

static void arg(struct script *s, const char *str)
{
    wire_buf_frame(&s->cur, "a", str, strlen(str));
}

static void op(struct script *s, const char *name)
{
    wire_buf_frame(&s->frames, name, s->cur.data ? s->cur.data : "", s->cur.len);
    wire_buf_free(&s->cur);
}

static void op1(struct script *s, const char *name, const char *a)
{
    arg(s, a);
    op(s, name);
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
        drv_printf(&got, "> %s\n", name);
        drv_printf(&want, "> %s\n", name);
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
    else
        tap_fail_with(__FILE__, __LINE__, "your keg answered differently", got.data,
                      want.data, "%s", test);
    wire_buf_free(&got);
    wire_buf_free(&want);
    wire_buf_free(&s->frames);
    wire_buf_free(&s->cur);
}

/* ---- random apps ---------------------------------------------------------------------- */

/* Kinds by keg's numbers; a spec spells them with kegspec_word (kegspec.h). */
enum { K_AUTO = KEG_AUTO, K_INT = KEG_INTEGER, K_BOOL = KEG_BOOL, K_CHAR = KEG_CHAR,
       K_TEXT = KEG_TEXTFIELD, K_DT = KEG_DATETIME, K_FK = KEG_FK };

struct cfield {
    char name[24];
    int kind;
    char flags[8];              /* letters of "nbudcps", or "-" */
    int maxlen;
    long long defint;
    char deftext[24];           /* "-", or "=" and the text */
    int to;
};

struct cmodel {
    char name[24];
    int nf;
    struct cfield f[14];
};

/* An app: up to 3 models, slot 1 with a foreign key to slot 0 (slot 2 sometimes). */
struct capp {
    char app[12];
    int n;
    struct cmodel m[3];
    int rows[3];                /* rows inserted so far in each table */
};

static int chance(unsigned pct)
{
    return wire_rng_below(&rng, 100) < pct;
}

static void word(char *out, size_t lo, size_t hi)
{
    wire_rng_word(&rng, out, lower, sizeof lower - 1, lo, hi);
}

static int has(const struct cfield *f, char flag)
{
    return strchr(f->flags, flag) != NULL;
}

static void set_flag(struct cfield *f, char flag, int on)
{
    char out[8] = "";
    size_t n = 0;
    for (const char *p = f->flags; *p; p++)
        if (*p != '-' && *p != flag)
            out[n++] = *p;
    if (on)
        out[n++] = flag;
    if (n == 0)
        out[n++] = '-';
    out[n] = '\0';
    memcpy(f->flags, out, sizeof f->flags);
}

/* A default for f of its kind (char within max_length; sometimes with a space or a
 * quote, which the file must escape). */
static void set_default(struct cfield *f, int on)
{
    set_flag(f, 'd', on);
    snprintf(f->deftext, sizeof f->deftext, "-");
    f->defint = 0;
    if (!on)
        return;
    if (f->kind == K_CHAR || f->kind == K_TEXT) {
        char w[12];
        word(w, 1, f->kind == K_CHAR && f->maxlen < 8 ? (size_t)f->maxlen : 8);
        if (chance(30) && strlen(w) > 2)
            w[1] = chance(50) ? ' ' : '"';
        snprintf(f->deftext, sizeof f->deftext, "=%s", w);
    } else
        f->defint = f->kind == K_BOOL ? (long long)wire_rng_below(&rng, 2)
                    : f->kind == K_DT ? (long long)wire_rng_below(&rng, 4102444800ULL)
                    : (long long)wire_rng_below(&rng, 2000) - 1000;
}

/* A field name not used in m. */
static void field_name(const struct cmodel *m, char *out)
{
    for (;;) {
        char a[10], b[8];
        word(a, 2, 7);
        word(b, 2, 5);
        snprintf(out, 24, chance(30) ? "%s_%s" : "%s", a, b);
        int used = strcmp(out, "id") == 0;
        for (int i = 0; i < m->nf; i++)
            used |= strcmp(m->f[i].name, out) == 0;
        if (!used)
            return;
    }
}

/* Adds a field of a random kind (fk: to `to`) with random flags; `nullable` 1 forces
 * null, 0 leaves it to chance. */
static struct cfield *add_field(struct cmodel *m, int kind, int to)
{
    static const int kinds[] = { K_INT, K_BOOL, K_CHAR, K_TEXT, K_DT, K_CHAR };
    struct cfield *f = &m->f[m->nf];
    memset(f, 0, sizeof *f);
    field_name(m, f->name);
    m->nf++;
    f->kind = kind >= 0 ? kind : kinds[wire_rng_below(&rng, 6)];
    f->to = f->kind == K_FK ? to : -1;
    f->maxlen = f->kind == K_CHAR ? 2 + (int)wire_rng_below(&rng, 40) : 0;
    snprintf(f->flags, sizeof f->flags, "-");
    set_flag(f, 'n', chance(30));
    set_flag(f, 'b', chance(25));
    set_flag(f, 'u', f->kind != K_BOOL && chance(12));
    set_default(f, f->kind != K_FK && chance(35));
    return f;
}

static void gen_app(struct capp *a)
{
    memset(a, 0, sizeof *a);
    word(a->app, 2, 6);
    a->n = 2 + chance(40);
    for (int i = 0; i < a->n; i++) {
        struct cmodel *m = &a->m[i];
        word(m->name, 3, 8);
        for (int k = 0; k < i; k++)
            if (strcmp(m->name, a->m[k].name) == 0) {
                size_t l = strlen(m->name);
                m->name[l] = 'x';
                m->name[l + 1] = (char)('0' + i);
                m->name[l + 2] = '\0';
            }
        m->f[0] = (struct cfield){ .name = "id", .kind = K_AUTO, .flags = "-",
                                   .deftext = "-", .to = -1 };
        m->nf = 1;
        int n = 2 + (int)wire_rng_below(&rng, 4);
        for (int k = 0; k < n; k++)
            add_field(m, -1, -1);
        if (i > 0)
            add_field(m, K_FK, 0);
    }
}

/* The "model" operation for slot i of a. */
static void send_model(struct script *s, const struct capp *a, int i)
{
    char spec[200], slot[16];
    snprintf(slot, sizeof slot, "%d", i);
    arg(s, slot);
    arg(s, a->app);
    arg(s, a->m[i].name);
    for (int k = 0; k < a->m[i].nf; k++) {
        const struct cfield *f = &a->m[i].f[k];
        snprintf(spec, sizeof spec, "%s\t%s\t%s\t%d\t%lld\t%s\t%d", f->name,
                 kegspec_word(f->kind), f->flags, f->maxlen, f->defint, f->deftext, f->to);
        arg(s, spec);
    }
    op(s, "model");
}

static void send_models(struct script *s, const struct capp *a)
{
    for (int i = 0; i < a->n; i++)
        send_model(s, a, i);
}

/* One INSERT of a row of model i with values fit for its fields ("null" rows: NULL in
 * every nullable field). */
static void insert_row(struct script *s, struct capp *a, int i, int nulls)
{
    struct cmodel *m = &a->m[i];
    char sql[2000], w[16];
    int row = ++a->rows[i];
    size_t n = (size_t)snprintf(sql, sizeof sql, "INSERT INTO \"%s_%s\" (\"id\"", a->app, m->name);
    for (int k = 1; k < m->nf; k++)
        n += (size_t)snprintf(sql + n, sizeof sql - n, ", \"%s%s\"", m->f[k].name,
                              m->f[k].kind == K_FK ? "_id" : "");
    n += (size_t)snprintf(sql + n, sizeof sql - n, ") VALUES (%d", row);
    for (int k = 1; k < m->nf; k++) {
        const struct cfield *f = &m->f[k];
        word(w, 1, 6);
        if (has(f, 'n') && (nulls || chance(20)))
            n += (size_t)snprintf(sql + n, sizeof sql - n, ", NULL");
        else if (f->kind == K_CHAR || f->kind == K_TEXT)
            n += (size_t)snprintf(sql + n, sizeof sql - n, ", '%.*s%d'",
                                  f->kind == K_CHAR ? f->maxlen - 1 : 6, w, row % 10);
        else if (f->kind == K_DT)
            n += (size_t)snprintf(sql + n, sizeof sql - n, ", '20%02d-0%d-1%d 12:00:0%d'",
                                  (int)wire_rng_below(&rng, 30), 1 + row % 9, row % 10, row % 10);
        else if (f->kind == K_FK)
            n += (size_t)snprintf(sql + n, sizeof sql - n, ", 1");
        else
            n += (size_t)snprintf(sql + n, sizeof sql - n, ", %d", f->kind == K_BOOL ? row % 2
                                  : row * 1000 + (int)wire_rng_below(&rng, 999));
    }
    snprintf(sql + n, sizeof sql - n, ")");
    op1(s, "exec", sql);
}

/* A few rows in every table (parents first: children point to row 1). */
static void fill(struct script *s, struct capp *a)
{
    for (int i = 0; i < a->n; i++)
        for (int r = 0, k = 1 + (int)wire_rng_below(&rng, 3); r < k; r++)
            insert_row(s, a, i, 0);
}

/* The first migration made and applied, rows in the tables. */
static void start(struct script *s, struct capp *a)
{
    gen_app(a);
    op(s, "reset");
    send_models(s, a);
    op1(s, "make", a->app);
    op1(s, "migrate", a->app);
    fill(s, a);
}

static void make_migrate(struct script *s, const struct capp *a)
{
    op1(s, "make", a->app);
    op1(s, "migrate", a->app);
}

/* ---- changes -------------------------------------------------------------------------- */

/* A model of a with a field other than id: its index; the field's in *k. */
static int pick(struct capp *a, int *k)
{
    int i = (int)wire_rng_below(&rng, (uint64_t)a->n);
    *k = 1 + (int)wire_rng_below(&rng, (uint64_t)a->m[i].nf - 1);
    return i;
}

/* Adds a field the rows can take: nullable, or with a default (UNIQUE only when
 * nullable and without a default, so existing rows never clash). */
static void change_add(struct capp *a)
{
    struct cmodel *m = &a->m[wire_rng_below(&rng, (uint64_t)a->n)];
    if (m->nf >= 13)
        return;
    struct cfield *f = add_field(m, chance(15) && m != &a->m[0] ? K_FK : -1, 0);
    if (f->kind == K_FK)
        set_flag(f, 'n', 1);
    else if (!has(f, 'n') || chance(50))
        set_default(f, 1);
    set_flag(f, 'u', has(f, 'u') && has(f, 'n') && !has(f, 'd'));
}

static void change_remove(struct capp *a)
{
    int k, i = pick(a, &k);
    struct cmodel *m = &a->m[i];
    if (m->nf <= 2)
        return;
    memmove(&m->f[k], &m->f[k + 1], (size_t)(m->nf - k - 1) * sizeof m->f[0]);
    m->nf--;
}

/* An alteration existing rows survive: max_length, NULL allowed, NOT NULL with a
 * default, UNIQUE dropped, a default changed. */
static void change_alter(struct capp *a)
{
    int k, i = pick(a, &k);
    struct cfield *f = &a->m[i].f[k];
    switch (wire_rng_below(&rng, 5)) {
    case 0:
        if (f->kind == K_CHAR) {
            f->maxlen += 1 + (int)wire_rng_below(&rng, 50);
            break;
        }
        /* fall through */
    case 1:
        set_flag(f, 'n', !has(f, 'n'));
        if (!has(f, 'n') && f->kind != K_FK)
            set_default(f, 1);
        else if (!has(f, 'n'))
            set_flag(f, 'n', 1);
        break;
    case 2:
        set_flag(f, 'u', 0);
        break;
    default:
        if (f->kind != K_FK)
            set_default(f, 1);
        else
            set_flag(f, 'n', !has(f, 'n') || f->kind == K_FK);
    }
}

/* Changes Django keeps in Python only: blank, choices, on_delete, related_name. */
static void change_python(struct capp *a)
{
    int k, i = pick(a, &k);
    struct cfield *f = &a->m[i].f[k];
    static const char flags[] = "bcps";
    char c = flags[wire_rng_below(&rng, f->kind == K_FK ? 4 : 2)];
    set_flag(f, c, !has(f, c));
}

/* ---- the tests ---------------------------------------------------------------------------- */

static void t_initial(void)
{
    struct script s = {0};
    struct capp a;
    gen_app(&a);
    op(&s, "reset");
    send_models(&s, &a);
    op1(&s, "make", a.app);
    arg(&s, a.app), arg(&s, "0001_initial"), op(&s, "sql");
    op1(&s, "migrate", a.app);
    run("makemigrations writes 0001_initial; migrate creates the tables and records it", &s);
}

static void t_nothing(void)
{
    struct script s = {0};
    struct capp a;
    start(&s, &a);
    op1(&s, "make", a.app);
    for (int i = 0; i < 3; i++)
        change_python(&a);
    send_models(&s, &a);
    op1(&s, "make", a.app);
    op1(&s, "migrate", a.app);
    run("no change (or only blank, choices, on_delete, related_name): nothing written, "
        "migrate twice does nothing", &s);
}

/* One kind of change, made and migrated over rows, then its SQL. */
static void one_change(const char *test, void (*change)(struct capp *))
{
    struct script s = {0};
    struct capp a;
    start(&s, &a);
    int n = 1 + (int)wire_rng_below(&rng, 3);
    for (int i = 0; i < n; i++)
        change(&a);
    send_models(&s, &a);
    op1(&s, "make", a.app);
    op1(&s, "migrate", a.app);
    fill(&s, &a);
    run(test, &s);
}

static void t_add(void)
{
    one_change("AddField: ADD COLUMN for a plain nullable column, else the table rebuilt "
               "with the default bound; rows kept", change_add);
}

static void t_remove(void)
{
    one_change("RemoveField: DROP COLUMN, or a rebuild for UNIQUE and foreign keys; rows kept",
               change_remove);
}

static void t_alter(void)
{
    one_change("AlterField: the table rebuilt as new__<table>, coalesce() with the default; "
               "rows kept", change_alter);
}

static void t_history(void)
{
    struct script s = {0};
    struct capp a;
    static void (*const changes[])(struct capp *) = { change_add, change_remove, change_alter,
                                                      change_python };
    start(&s, &a);
    int rounds = 3 + (int)wire_rng_below(&rng, 3);
    for (int r = 0; r < rounds; r++) {
        for (int k = 0, n = 1 + (int)wire_rng_below(&rng, 3); k < n; k++)
            changes[wire_rng_below(&rng, 4)](&a);
        send_models(&s, &a);
        op1(&s, "make", a.app);
        if (chance(60))
            op1(&s, "migrate", a.app);
        insert_row(&s, &a, (int)wire_rng_below(&rng, (uint64_t)a.n), 0);
    }
    op1(&s, "migrate", a.app);
    run("a history of changes: each file named as Django names it, depends: on the last; "
        "pending ones applied in order", &s);
}

static void t_sqlmigrate(void)
{
    struct script s = {0};
    struct capp a;
    start(&s, &a);
    change_add(&a);
    change_alter(&a);
    send_models(&s, &a);
    op1(&s, "make", a.app);
    change_remove(&a);
    change_add(&a);
    send_models(&s, &a);
    op1(&s, "make", a.app);
    op1(&s, "sqlall", a.app);
    arg(&s, a.app), arg(&s, "0009_nosuch"), op(&s, "sql");
    run("sqlmigrate prints each operation's statements and runs none", &s);
}

/* Each alteration alone: a max_length, then a default's value, nothing else changed;
 * then many fields added at once, whose file name Django cuts with _and_more. */
static void t_alter_each(void)
{
    struct script s = {0};
    struct capp a;
    start(&s, &a);
    struct cmodel *m = &a.m[0];
    struct cfield *c = add_field(m, K_CHAR, -1), *d = add_field(m, K_INT, -1);
    set_flag(c, 'n', 1);
    set_flag(c, 'u', 0);
    set_flag(d, 'n', 1);
    set_flag(d, 'u', 0);
    set_default(d, 1);
    send_models(&s, &a);
    make_migrate(&s, &a);
    c->maxlen += 1 + (int)wire_rng_below(&rng, 50);
    send_models(&s, &a);
    make_migrate(&s, &a);
    for (long long old = d->defint; d->defint == old;)
        set_default(d, 1);
    send_models(&s, &a);
    make_migrate(&s, &a);
    for (int i = 0; i < 6 && m->nf < 14; i++) {
        struct cfield *f = add_field(m, -1, -1);
        set_flag(f, 'n', 1);
        set_flag(f, 'u', 0);
    }
    send_models(&s, &a);
    make_migrate(&s, &a);
    op1(&s, "sqlall", a.app);
    run("AlterField of a max_length alone and of a default alone; many fields at once: the "
        "name cut with _and_more", &s);
}

static void t_not_null(void)
{
    struct script s = {0};
    struct capp a;
    start(&s, &a);
    struct cfield *f = add_field(&a.m[0], -1, -1);
    set_flag(f, 'n', 0);
    set_flag(f, 'b', 0);
    set_default(f, 0);
    send_models(&s, &a);
    op1(&s, "make", a.app);
    run("adding a NOT NULL field without a default is refused, nothing written", &s);
}

static void t_failing(void)
{
    struct script s = {0};
    struct capp a;
    start(&s, &a);
    struct cmodel *m = &a.m[wire_rng_below(&rng, (uint64_t)a.n)];
    struct cfield *f = add_field(m, K_INT, -1);
    set_flag(f, 'n', 1);
    set_flag(f, 'u', 0);
    set_default(f, 0);
    send_models(&s, &a);
    make_migrate(&s, &a);
    insert_row(&s, &a, (int)(m - a.m), 1);
    set_flag(f, 'n', 0);        /* NOT NULL without a default over a NULL row */
    change_add(&a);
    send_models(&s, &a);
    make_migrate(&s, &a);
    run("a failing migration leaves the schema and the data untouched and is not recorded", &s);
}

static void t_cycle(void)
{
    struct script s = {0};
    struct capp a;
    char text[200], name[3][32];
    start(&s, &a);
    int n = 2 + (int)wire_rng_below(&rng, 2);
    for (int i = 0; i < n; i++) {
        char w[10];
        word(w, 3, 8);
        snprintf(name[i], sizeof name[i], "%04d_%s", i + 2, w);
    }
    for (int i = 0; i < n; i++) {
        snprintf(text, sizeof text, "keg migration\ndepends: %s\n%s", name[(i + n - 1) % n],
                 chance(50) ? "" : "# a comment\n");
        char file[48];
        snprintf(file, sizeof file, "%.31s.mig", name[i]);
        arg(&s, file), arg(&s, text), op(&s, "write");
    }
    op1(&s, "migrate", a.app);
    op1(&s, "make", a.app);
    arg(&s, a.app), arg(&s, name[0]), op(&s, "sql");
    run("a dependency cycle is an error naming its migrations; nothing applied", &s);
}

static void t_graph_errors(void)
{
    struct script s = {0};
    struct capp a;
    char w[10], file[40], text[120];
    start(&s, &a);
    word(w, 3, 7);
    snprintf(file, sizeof file, "0002_%s.mig", w);
    arg(&s, file), arg(&s, "keg migration\ndepends: 0001_initial\n"), op(&s, "write");
    word(w, 3, 7);
    snprintf(file, sizeof file, "0002_%sx.mig", w);
    arg(&s, file), arg(&s, "keg migration\ndepends: 0001_initial\n"), op(&s, "write");
    op1(&s, "make", a.app);
    snprintf(file, sizeof file, "0003_%s.mig", w);
    snprintf(text, sizeof text, "keg migration\ndepends: 0002_%snone\n", w);
    arg(&s, file), arg(&s, text), op(&s, "write");
    op1(&s, "make", a.app);
    op1(&s, "migrate", a.app);
    run("two leaves are a conflict; a depends: on no file is an error", &s);
}

int main(int argc, char **argv)
{
    uint64_t seed = wire_seed_arg(argc, argv);
    wire_rng_seed(&rng, seed);
    wire_peer_init(&peer, 10000);
    void (*const tests[])(void) = {
        t_initial, t_nothing, t_add, t_remove, t_alter, t_alter_each, t_history,
        t_sqlmigrate, t_not_null, t_failing, t_cycle, t_graph_errors,
    };
    tap_plan((int)(sizeof tests / sizeof tests[0]));
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++)
        tests[i]();
    drv_end(&ref);
    return wire_finish(&peer);
}
