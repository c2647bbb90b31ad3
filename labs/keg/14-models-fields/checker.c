/* checker.c -- lab 14's hidden tests. The driver cannot compile new structs, so every
 * model is the driver's one generic struct (struct drv_obj) with a descriptor built at
 * run time from field specs this checker draws from the seed: random app, model and
 * field names, kinds, null/blank/unique/default flags, max_length, defaults and choices,
 * a foreign key from a child model to its parent. Each test sends a script of operations
 * (model, create, new, set, save, get, delete, clean, dt, dtp) to the driver, runs the
 * same script on the reference keg in this process (the driver's ops.h, compiled here)
 * and compares the two texts: CREATE TABLE byte for byte as sqlite_schema keeps it, the
 * foreign key indexes, defaults, NULL bits, the rows as SQLite stored them, statement
 * counts, statuses, and full_clean's messages. Run as `checker SEED`. */
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

/* ---- scripts: frames of "a" items, as lab 13's ------------------------------------- */

struct script {
    struct wire_buf frames;
    struct wire_buf cur;
};

static void arg_n(struct script *s, const void *d, size_t n)
{
    wire_buf_frame(&s->cur, "a", d, n);
}

static void arg(struct script *s, const char *str)
{
    arg_n(s, str, strlen(str));
}

static void arg_int(struct script *s, long long v)
{
    char b[32];
    snprintf(b, sizeof b, "%lld", v);
    arg(s, b);
}

static void op(struct script *s, const char *name)
{
    wire_buf_frame(&s->frames, name, s->cur.data ? s->cur.data : "", s->cur.len);
    wire_buf_free(&s->cur);
}

/* One operation with a single number argument. */
static void op1(struct script *s, const char *name, long long v)
{
    arg_int(s, v);
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
        wire_buf_str(&got, "> ");
        wire_buf_str(&got, name);
        wire_buf_str(&got, "\n");
        wire_buf_str(&want, "> ");
        wire_buf_str(&want, name);
        wire_buf_str(&want, "\n");
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

/* ---- random models ------------------------------------------------------------------- */

/* Kinds by keg's numbers; a spec spells them with kegspec_word (kegspec.h). */
enum { K_AUTO = KEG_AUTO, K_INT = KEG_INTEGER, K_BOOL = KEG_BOOL, K_CHAR = KEG_CHAR,
       K_TEXT = KEG_TEXTFIELD, K_DT = KEG_DATETIME, K_FK = KEG_FK };

struct cfield {
    char name[40];
    int kind;
    char flags[6];              /* of "nbud", or "-" */
    int maxlen;
    long long defint;
    char deftext[24];           /* "-": none */
    int to;
    int nchoices;
    char choices[4][16];
};

struct cmodel {
    int slot;
    char app[16], name[24];
    int nf;
    struct cfield f[12];
};

static int chance(unsigned pct)
{
    return wire_rng_below(&rng, 100) < pct;
}

static void word(char *out, size_t lo, size_t hi)
{
    wire_rng_word(&rng, out, lower, sizeof lower - 1, lo, hi);
}

/* A field name not yet used in m: a word, sometimes two joined by "_". */
static void field_name(const struct cmodel *m, char *out)
{
    for (;;) {
        char a[10], b[10];
        word(a, 2, 7);
        word(b, 2, 5);
        snprintf(out, 40, chance(40) ? "%s_%s" : "%s", a, b);
        int used = strcmp(out, "id") == 0;
        for (int i = 0; i < m->nf; i++)
            used |= strcmp(m->f[i].name, out) == 0;
        if (!used)
            return;
    }
}

/* A datetime in years 1..9999 (mostly recent ones). */
static long long rand_time(void)
{
    if (chance(20))
        return (long long)wire_rng_below(&rng, 315537897600ULL) - 62135596800LL;
    return (long long)wire_rng_below(&rng, 4102444800ULL);
}

/* A field of `kind` with random flags, default and choices; `want` forces flags. */
static void add_field(struct cmodel *m, int kind, const char *want, int to)
{
    struct cfield *f = &m->f[m->nf];
    memset(f, 0, sizeof *f);
    field_name(m, f->name);
    f->kind = kind;
    f->to = to;
    char *fl = f->flags;
    if (strchr(want, 'n') || (kind != K_FK && chance(30)) || (kind == K_FK && chance(20)))
        *fl++ = 'n';
    if (strchr(want, 'b') || chance(25))
        *fl++ = 'b';
    if (strchr(want, 'u') || (!strchr(want, 'U') && kind != K_BOOL && chance(15)))
        *fl++ = 'u';
    int dflt = kind != K_FK && !strchr(want, 'D') && chance(30);
    if (dflt)
        *fl++ = 'd';
    if (fl == f->flags)
        *fl++ = '-';
    *fl = '\0';
    f->maxlen = kind == K_CHAR ? 1 + (int)wire_rng_below(&rng, chance(30) ? 3 : 30) : 0;
    snprintf(f->deftext, sizeof f->deftext, "-");
    if (dflt && (kind == K_CHAR || kind == K_TEXT))
        word(f->deftext, 1, kind == K_CHAR && f->maxlen < 12 ? (size_t)f->maxlen : 12);
    else if (dflt)
        f->defint = kind == K_BOOL ? (long long)wire_rng_below(&rng, 2)
                    : kind == K_DT ? rand_time() : (long long)wire_rng_below(&rng, 2000) - 1000;
    int choices = (kind == K_CHAR || kind == K_INT) && (strchr(want, 'c') != NULL || chance(25));
    for (int i = 0; choices && i < 2 + (int)wire_rng_below(&rng, 3); i++) {
        if (kind == K_CHAR)
            word(f->choices[i], 1, f->maxlen < 8 ? (size_t)f->maxlen : 8);
        else
            snprintf(f->choices[i], sizeof f->choices[i], "%d",
                     (int)wire_rng_below(&rng, 200) - 100);
        f->nchoices = i + 1;
    }
    m->nf++;
}

/* A random model in `slot`: id, 3..7 fields of random kinds, a foreign key to `to`
 * when to >= 0. */
static void gen_model(struct cmodel *m, int slot, int to)
{
    static const int kinds[] = { K_INT, K_BOOL, K_CHAR, K_TEXT, K_DT, K_CHAR };
    memset(m, 0, sizeof *m);
    m->slot = slot;
    word(m->app, 2, 6);
    word(m->name, 3, 8);
    if (chance(30)) {
        size_t n = strlen(m->name);
        m->name[n] = '_';
        word(m->name + n + 1, 2, 5);
    }
    snprintf(m->f[0].name, sizeof m->f[0].name, "id");
    m->f[0].kind = K_AUTO;
    snprintf(m->f[0].flags, sizeof m->f[0].flags, "-");
    snprintf(m->f[0].deftext, sizeof m->f[0].deftext, "-");
    m->f[0].to = -1;
    m->nf = 1;
    int n = 3 + (int)wire_rng_below(&rng, 5);
    int fk_at = to >= 0 ? 1 + (int)wire_rng_below(&rng, (uint64_t)n) : -1;
    for (int i = 1; i <= n; i++) {
        if (i == fk_at)
            add_field(m, K_FK, "", to);
        add_field(m, kinds[wire_rng_below(&rng, 6)], "", -1);
    }
}

/* The spec line of field f, as the driver reads it. */
static void field_spec(const struct cfield *f, char *out, size_t cap)
{
    char ch[80] = "-";
    for (int i = 0; i < f->nchoices; i++) {
        size_t n = i ? strlen(ch) : 0;
        snprintf(ch + n, sizeof ch - n, "%s%s", i ? "," : "", f->choices[i]);
    }
    snprintf(out, cap, "%s %s %s %d %lld %s %d %s", f->name, kegspec_word(f->kind), f->flags,
             f->maxlen, f->defint, f->deftext, f->to, ch);
}

/* The "model" operation for m. */
static void send_model(struct script *s, const struct cmodel *m)
{
    char spec[200];
    arg_int(s, m->slot);
    arg(s, m->app);
    arg(s, m->name);
    for (int i = 0; i < m->nf; i++) {
        field_spec(&m->f[i], spec, sizeof spec);
        arg(s, spec);
    }
    op(s, "model");
}

/* Opens a database with a parent model (slot 0) and a child (slot 1, a foreign key to
 * the parent), both created. */
static void setup(struct script *s, struct cmodel *parent, struct cmodel *child)
{
    gen_model(parent, 0, -1);
    gen_model(child, 1, 0);
    op(s, "open");
    send_model(s, parent);
    send_model(s, child);
    op1(s, "create", 0);
    op1(s, "create", 1);
}

/* ---- random values --------------------------------------------------------------------- */

/* Multi-byte characters: 2, 3 and 4 bytes of UTF-8. */
static const char *const wide[] = { "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xc3\x9f" };
/* Byte sequences that are not UTF-8. */
static const char *const broken[] = { "\xff", "\xc3", "\xe2\x82", "\xc0\xaf", "\xed\xa0\x80",
                                      "\xf4\x90\x80\x80", "\x80", "\xf8\x90\x80\x80",
                                      "\xe0\x80\xaf", "\xf0\x80\x80\xaf", "\xc3\xa9\xa9" };
#define NBROKEN (sizeof broken / sizeof broken[0])

/* A string of `chars` characters, some of them multi-byte. */
static void wide_text(char *out, size_t cap, int chars)
{
    size_t n = 0;
    out[0] = '\0';
    for (int i = 0; i < chars && n + 5 < cap; i++) {
        const char *c = chance(50) ? wide[wire_rng_below(&rng, 4)] : NULL;
        if (c != NULL) {
            memcpy(out + n, c, strlen(c));
            n += strlen(c);
        } else
            out[n++] = lower[wire_rng_below(&rng, 26)];
    }
    out[n] = '\0';
}

/* Sets field f of object `obj` to a value of the given sort: 0 a valid one, 1 NULL,
 * 2 empty, 3 too long (chars), 4 invalid UTF-8, 5 a choice, 6 not a choice. */
static void set_value(struct script *s, int obj, const struct cfield *f, int sort,
                      long long parent_id)
{
    char text[200];
    arg_int(s, obj);
    arg(s, f->name);
    int is_text = f->kind == K_CHAR || f->kind == K_TEXT;
    if (sort == 1) {
        arg(s, is_text ? "nulltext" : "null");
        op(s, "set");
        return;
    }
    if (is_text) {
        int limit = f->kind == K_CHAR ? f->maxlen : 40;
        if (sort == 2)
            text[0] = '\0';
        else if (sort == 3)
            wide_text(text, sizeof text, limit + 1 + (int)wire_rng_below(&rng, 3));
        else if (sort == 4) {
            wide_text(text, 60, 1 + (int)wire_rng_below(&rng, limit < 4 ? 1 : 3));
            snprintf(text + strlen(text), sizeof text - strlen(text), "%s",
                     broken[wire_rng_below(&rng, NBROKEN)]);
        } else if (sort == 5 && f->nchoices > 0)
            snprintf(text, sizeof text, "%s", f->choices[wire_rng_below(&rng, (uint64_t)f->nchoices)]);
        else if (sort == 6)
            snprintf(text, sizeof text, "%c", 'A' + (int)wire_rng_below(&rng, 26));
        else
            wide_text(text, sizeof text, 1 + (int)wire_rng_below(&rng, (uint64_t)limit));
        arg(s, "text");
        arg(s, text);
        op(s, "set");
        return;
    }
    long long v = (long long)wire_rng_below(&rng, 100000) - 50000;
    if (f->kind == K_BOOL)
        v = (long long)wire_rng_below(&rng, 2);
    else if (f->kind == K_DT)
        v = rand_time();
    else if (f->kind == K_FK)
        v = sort == 6 ? parent_id + 1000 : parent_id;
    if (f->kind == K_INT && sort == 5 && f->nchoices > 0)
        v = strtoll(f->choices[wire_rng_below(&rng, (uint64_t)f->nchoices)], NULL, 10);
    else if (f->kind == K_INT && sort == 6)
        v = 1000 + (long long)wire_rng_below(&rng, 1000);
    arg(s, "num");
    arg_int(s, v);
    op(s, "set");
}

/* Gives every field but id a valid value (choices respected, unique values fresh). */
static void fill_valid(struct script *s, int obj, const struct cmodel *m, long long parent_id)
{
    for (int i = 1; i < m->nf; i++)
        set_value(s, obj, &m->f[i], m->f[i].nchoices > 0 ? 5 : 0, parent_id);
}

/* ---- the tests ---------------------------------------------------------------------------- */

static void t_create_sql(void)
{
    struct script s = {0};
    struct cmodel m[2], bad;
    gen_model(&m[0], 0, -1);
    gen_model(&m[1], 1, 0);
    send_model(&s, &m[0]);
    send_model(&s, &m[1]);
    /* broken descriptors, each in one way */
    for (int k = 0; k < 5; k++) {
        gen_model(&bad, 2, k == 4 ? 3 : -1);        /* slot 3 is never built: to NULL */
        struct cfield *f = &bad.f[1 + wire_rng_below(&rng, (uint64_t)bad.nf - 1)];
        if (k == 0)
            snprintf(f->name, sizeof f->name, "%d%s", (int)wire_rng_below(&rng, 9), "ab");
        else if (k == 1)
            bad.f[0].kind = K_INT;
        else if (k == 2) {
            f->kind = K_CHAR;
            f->maxlen = 0;
            f->nchoices = 0;
        } else if (k == 3)
            snprintf(bad.app, sizeof bad.app, "a-%c", lower[wire_rng_below(&rng, 26)]);
        else
            bad.f[bad.nf++] = (struct cfield){ .kind = K_FK, .flags = "-", .deftext = "-",
                                               .to = 3, .name = "owner" };
        send_model(&s, &bad);
    }
    run("keg_model_create_sql writes Django 5.2's CREATE TABLE; NULL for a broken descriptor", &s);
}

static void t_create_table(void)
{
    struct script s = {0};
    struct cmodel p, c;
    setup(&s, &p, &c);
    op(&s, "close");
    run("keg_create_table: the table as sqlite_schema keeps it, and an index per foreign key", &s);
}

static void t_new(void)
{
    struct script s = {0};
    struct cmodel p, c;
    gen_model(&p, 0, -1);
    gen_model(&c, 1, 0);
    send_model(&s, &p);
    send_model(&s, &c);
    arg_int(&s, 0), arg_int(&s, 0), op(&s, "new");
    arg_int(&s, 1), arg_int(&s, 1), op(&s, "new");
    op(&s, "close");
    run("keg_obj_new applies defaults: \"\" or NULL strings, 0 numbers", &s);
}

static void t_set(void)
{
    struct script s = {0};
    struct cmodel p, c;
    gen_model(&p, 0, -1);
    gen_model(&c, 1, 0);
    send_model(&s, &p);
    send_model(&s, &c);
    arg_int(&s, 0), arg_int(&s, 1), op(&s, "new");
    for (int i = 1; i < c.nf; i++) {
        set_value(&s, 0, &c.f[i], 1, 1);
        set_value(&s, 0, &c.f[i], 0, 1);
        /* the other setter on the same field: refused */
        int is_text = c.f[i].kind == K_CHAR || c.f[i].kind == K_TEXT;
        arg_int(&s, 0), arg(&s, c.f[i].name), arg(&s, is_text ? "null" : "text"), arg(&s, "x");
        op(&s, "set");
    }
    arg_int(&s, 0), arg(&s, "nosuchfield"), arg(&s, "text"), arg(&s, "x"), op(&s, "set");
    arg_int(&s, 0), arg(&s, "id"), arg(&s, "null"), op(&s, "set");
    op1(&s, "dump", 0);
    op(&s, "close");
    run("keg_obj_set_text, keg_obj_set_null and keg_obj_is_null on each kind", &s);
}

static void t_save_insert(void)
{
    struct script s = {0};
    struct cmodel p, c;
    setup(&s, &p, &c);
    int n = 2 + (int)wire_rng_below(&rng, 3);
    for (int i = 0; i < n; i++) {
        arg_int(&s, i), arg_int(&s, 0), op(&s, "new");
        fill_valid(&s, i, &p, 0);
        if (chance(50) && p.f[1].kind != K_CHAR && p.f[1].kind != K_TEXT
            && strchr(p.f[1].flags, 'n'))
            set_value(&s, i, &p.f[1], 1, 0);
        op1(&s, "save", i);
    }
    arg_int(&s, 6), arg_int(&s, 1), op(&s, "new");
    fill_valid(&s, 6, &c, 1);
    op1(&s, "save", 6);
    op(&s, "close");
    run("keg_save of a new object: one INSERT, the id set, values stored as Django stores them",
        &s);
}

static void t_save_update(void)
{
    struct script s = {0};
    struct cmodel p, c;
    setup(&s, &p, &c);
    arg_int(&s, 0), arg_int(&s, 0), op(&s, "new");
    fill_valid(&s, 0, &p, 0);
    op1(&s, "save", 0);
    fill_valid(&s, 0, &p, 0);
    op1(&s, "save", 0);
    arg_int(&s, 1), arg_int(&s, 0), op(&s, "new");
    fill_valid(&s, 1, &p, 0);
    arg_int(&s, 1), arg(&s, "id"), arg(&s, "id"), arg_int(&s, 100 + (long long)wire_rng_below(&rng, 900));
    op(&s, "set");
    op1(&s, "save", 1);
    op1(&s, "save", 1);
    op(&s, "close");
    run("keg_save of a saved object: one UPDATE by id; an id no row has: UPDATE then INSERT",
        &s);
}

static void t_get(void)
{
    struct script s = {0};
    struct cmodel p, c;
    setup(&s, &p, &c);
    int n = 2 + (int)wire_rng_below(&rng, 3);
    for (int i = 0; i < n; i++) {
        arg_int(&s, i), arg_int(&s, 0), op(&s, "new");
        fill_valid(&s, i, &p, 0);
        for (int k = 1; k < p.nf; k++)
            if (strchr(p.f[k].flags, 'n') && chance(40))
                set_value(&s, i, &p.f[k], 1, 0);
        op1(&s, "save", i);
    }
    arg_int(&s, 7), arg_int(&s, 0), op(&s, "new");
    for (int i = n; i > 0; i--) {
        arg_int(&s, 7), arg_int(&s, 0), arg_int(&s, i), op(&s, "get");
    }
    arg_int(&s, 7), arg_int(&s, 0), arg_int(&s, n + 1 + (long long)wire_rng_below(&rng, 50));
    op(&s, "get");
    op(&s, "close");
    run("keg_get loads every field with one SELECT; KEG_ENOTFOUND for a missing id", &s);
}

static void t_delete(void)
{
    struct script s = {0};
    struct cmodel p, c;
    setup(&s, &p, &c);
    for (int i = 0; i < 3; i++) {
        arg_int(&s, i), arg_int(&s, 0), op(&s, "new");
        fill_valid(&s, i, &p, 0);
        op1(&s, "save", i);
    }
    int k = (int)wire_rng_below(&rng, 3);
    op1(&s, "delete", k);
    op1(&s, "delete", k);
    arg_int(&s, k), arg(&s, "id"), arg(&s, "id"), arg_int(&s, (k + 1) % 3 + 1);
    op(&s, "set");
    op1(&s, "delete", k);
    op(&s, "close");
    run("keg_delete deletes the row by id and sets id 0; the second time KEG_ENOTFOUND", &s);
}

static void t_integrity(void)
{
    struct script s = {0};
    struct cmodel p, c;
    gen_model(&p, 0, -1);
    add_field(&p, K_CHAR, "uUD", -1);
    p.f[p.nf - 1].nchoices = 0;
    snprintf(p.f[p.nf - 1].flags, sizeof p.f[0].flags, "u");
    gen_model(&c, 1, 0);
    op(&s, "open");
    send_model(&s, &p);
    send_model(&s, &c);
    op1(&s, "create", 0);
    op1(&s, "create", 1);
    const struct cfield *u = &p.f[p.nf - 1];
    arg_int(&s, 0), arg_int(&s, 0), op(&s, "new");
    fill_valid(&s, 0, &p, 0);
    op1(&s, "save", 0);
    arg_int(&s, 1), arg_int(&s, 0), op(&s, "new");
    fill_valid(&s, 1, &p, 0);
    char v[40];
    word(v, 1, (size_t)(u->maxlen < 6 ? u->maxlen : 6));
    arg_int(&s, 0), arg(&s, u->name), arg(&s, "text"), arg(&s, v), op(&s, "set");
    arg_int(&s, 1), arg(&s, u->name), arg(&s, "text"), arg(&s, v), op(&s, "set");
    op1(&s, "save", 0);
    op1(&s, "save", 1);
    op1(&s, "dump", 1);
    arg_int(&s, 2), arg_int(&s, 1), op(&s, "new");
    fill_valid(&s, 2, &c, 999);
    op1(&s, "save", 2);
    arg_int(&s, 3), arg_int(&s, 0), op(&s, "new");
    fill_valid(&s, 3, &p, 0);
    arg_int(&s, 3), arg(&s, u->name), arg(&s, "nulltext"), op(&s, "set");
    op1(&s, "save", 3);
    op(&s, "close");
    run("a UNIQUE, FOREIGN KEY or NOT NULL refusal is KEG_EINTEGRITY, the object unchanged", &s);
}

/* Cleans object 0 of a fresh model with every field set to values of `sorts`. */
static void clean_script(struct script *s, const int *sorts, int nsorts, const char *want)
{
    struct cmodel p, c;
    gen_model(&p, 0, -1);
    for (int i = 0; i < 3; i++)
        add_field(&p, i == 0 ? K_CHAR       /* with choices: one integer field at least */
                      : strchr(want, 'c') ? (i == 1 || chance(50) ? K_INT : K_CHAR)
                      : (int)wire_rng_below(&rng, 5) + 1, want, -1);
    gen_model(&c, 1, 0);
    op(s, "open");
    send_model(s, &p);
    send_model(s, &c);
    op1(s, "create", 0);
    arg_int(s, 0), arg_int(s, 0), op(s, "new");
    op1(s, "clean", 0);
    for (int round = 0; round < 3; round++) {
        for (int i = 1; i < p.nf; i++)
            set_value(s, 0, &p.f[i], sorts[wire_rng_below(&rng, (uint64_t)nsorts)], 0);
        op1(s, "clean", 0);
    }
    op(s, "close");
}

static void t_clean_null_blank(void)
{
    struct script s = {0};
    static const int sorts[] = { 0, 1, 2, 1, 2 };
    clean_script(&s, sorts, 5, "D");
    run("keg_full_clean: \"This field cannot be null.\" and \"This field cannot be blank.\"",
        &s);
}

static void t_clean_length(void)
{
    struct script s = {0};
    static const int sorts[] = { 0, 3, 4, 3 };
    clean_script(&s, sorts, 4, "D");
    struct cmodel m;                        /* then every broken sequence once */
    gen_model(&m, 0, -1);
    add_field(&m, K_TEXT, "D", -1);
    op(&s, "open");
    send_model(&s, &m);
    op1(&s, "create", 0);
    arg_int(&s, 0), arg_int(&s, 0), op(&s, "new");
    for (size_t i = 0; i < NBROKEN; i++) {
        char text[16];
        snprintf(text, sizeof text, "\xc3\xa9%s", broken[i]);
        arg_int(&s, 0), arg(&s, m.f[m.nf - 1].name), arg(&s, "text"), arg(&s, text);
        op(&s, "set");
        op1(&s, "clean", 0);
    }
    op(&s, "close");
    run("keg_full_clean: max_length counted in characters; invalid UTF-8 is a field error",
        &s);
}

static void t_clean_choices(void)
{
    struct script s = {0};
    static const int sorts[] = { 5, 6, 5, 6, 0 };
    clean_script(&s, sorts, 5, "cD");
    run("keg_full_clean: \"Value ... is not a valid choice.\"", &s);
}

static void t_clean_unique(void)
{
    struct script s = {0};
    struct cmodel p, c;
    gen_model(&p, 0, -1);
    add_field(&p, K_CHAR, "uUD", -1);
    add_field(&p, K_INT, "uD", -1);
    p.f[p.nf - 1].nchoices = p.f[p.nf - 2].nchoices = 0;
    gen_model(&c, 1, 0);
    op(&s, "open");
    send_model(&s, &p);
    send_model(&s, &c);
    op1(&s, "create", 0);
    const struct cfield *u = &p.f[p.nf - 2], *ui = &p.f[p.nf - 1];
    char v[40];
    word(v, 1, (size_t)(u->maxlen < 6 ? u->maxlen : 6));
    long long iv = (long long)wire_rng_below(&rng, 1000);
    for (int o = 0; o < 2; o++) {
        arg_int(&s, o), arg_int(&s, 0), op(&s, "new");
        fill_valid(&s, o, &p, 0);
        arg_int(&s, o), arg(&s, u->name), arg(&s, "text"), arg(&s, v), op(&s, "set");
        arg_int(&s, o), arg(&s, ui->name), arg(&s, "num"), arg_int(&s, iv), op(&s, "set");
    }
    op1(&s, "clean", 0);
    op1(&s, "save", 0);
    op1(&s, "clean", 0);              /* its own row is no clash */
    op1(&s, "clean", 1);              /* both values taken */
    arg_int(&s, 1), arg(&s, "nodb"), op(&s, "clean");
    arg_int(&s, 1), arg(&s, ui->name), arg(&s, "num"), arg_int(&s, iv + 1), op(&s, "set");
    op1(&s, "clean", 1);
    op(&s, "close");
    run("keg_full_clean: unique checked with one SELECT per field, its own row excluded, "
        "skipped without a database", &s);
}

static void t_datetime(void)
{
    struct script s = {0};
    static const long long edges[] = { 0, -1, 86399, 86400, 951782400, 951868799,
                                       -62135596800LL, 253402300799LL, -62135596801LL,
                                       253402300800LL };
    for (int i = 0; i < 16; i++)                /* 6 random times, then every edge */
        arg_int(&s, i < 6 ? rand_time() : edges[i - 6]);
    op(&s, "dt");
    char t[64];
    static const char *const bad[] = { "2023-02-29 00:00:00", "2024-13-01 00:00:00",
        "2024-01-01 24:00:00", "2024-01-01T00:00:00", "2024-1-01 00:00:00",
        "0000-01-01 00:00:00", "2024-01-01 00:00:00.", "2024-01-01 00:00:00.1234567",
        "2024-01-01 00:00:60", "2024-01-01 00:00:00Z", "", "2024-01-01 00:00",
        "2024/01/01 00:00:00", "2024-01/01 00:00:00", "2024-01-01 00-00:00",
        "2024-01-01 00:00-00", "2024-0a-01 00:00:00", "2024-01-01 0x:00:00",
        "2024-00-01 00:00:00", "2024-01-00 00:00:00", "2024-01-01 00:60:00",
        "x024-01-01 00:00:00", "2024-01-01 00:00:0x" };
    for (int i = 0; i < 6; i++) {
        long long v = rand_time();
        char buf[20];
        keg_datetime_format(v, buf);     /* the reference's text, to parse back */
        snprintf(t, sizeof t, "%s", buf);
        if (i % 2 == 1)
            snprintf(t + strlen(t), sizeof t - strlen(t), ".%0*llu", 1 + i % 6,
                     (unsigned long long)wire_rng_below(&rng, 9));
        arg(&s, t);
    }
    arg(&s, "2024-02-29 23:59:59");
    op(&s, "dtp");
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)    /* every malformed text */
        arg(&s, bad[i]);
    op(&s, "dtp");
    run("keg_datetime_format and keg_datetime_parse: UTC text, years 1..9999, bad text refused",
        &s);
}

int main(int argc, char **argv)
{
    uint64_t seed = wire_seed_arg(argc, argv);
    wire_rng_seed(&rng, seed);
    wire_peer_init(&peer, 10000);
    void (*const tests[])(void) = {
        t_create_sql, t_create_table, t_new, t_set, t_save_insert, t_save_update, t_get,
        t_delete, t_integrity, t_clean_null_blank, t_clean_length, t_clean_choices,
        t_clean_unique, t_datetime,
    };
    tap_plan((int)(sizeof tests / sizeof tests[0]));
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++)
        tests[i]();
    op_close(&ref, NULL, NULL);
    return wire_finish(&peer);
}
