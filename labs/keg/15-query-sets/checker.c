/* checker.c -- lab 15's hidden tests: random authors and books from the seed, random
 * chains of query sets on them (filters with every lookup, exclude, Q objects, F(),
 * order_by, slices) evaluated every way (fetch, count, exists, get, update, delete). Each
 * test runs small programs on the driver and on the reference keg (ops.h compiled here)
 * and compares the texts: objects, statuses and the statements SQLite ran for each step
 * (0 while building, 1 for an evaluation, 0 for a mistake). Run as `checker SEED`. */
#include "ops.h"        /* sqlcount.h first: it counts the reference's statements too */

#include <stdarg.h>

#include "tap.h"

#define NAUTHORS_MAX 6
#define NBOOKS_MAX 28
#define PROGRAMS 6      /* programs per test */

static struct wire_rng rng;
static struct wire_peer peer;
static uint64_t rnd(uint64_t n)
{
    return wire_rng_below(&rng, n);
}

/* ---- the data ---------------------------------------------------------------------- */

/* Titles and notes mix cases and the bytes LIKE treats specially. */
static const char title_set[] = "abcABC%_\\";

struct book_row {
    char title[12], note[12];
    int author;             /* 0: NULL */
    int pages, rating;      /* rating 0: NULL */
    int has_note, hard;
    long long published;
};

static struct {
    int nauthors, nbooks;
    char authors[NAUTHORS_MAX][16];
    struct book_row b[NBOOKS_MAX];
} data;

static void make_data(void)
{
    data.nauthors = 3 + (int)rnd(NAUTHORS_MAX - 2);
    for (int i = 0; i < data.nauthors; i++) {
        char w[8];
        wire_rng_word(&rng, w, "abcdxyz", 7, 1, 5);
        snprintf(data.authors[i], sizeof data.authors[i], "%.6s%d", w, i % 10);  /* unique */
    }
    data.nbooks = 18 + (int)rnd(NBOOKS_MAX - 17);
    for (int i = 0; i < data.nbooks; i++) {
        struct book_row *b = &data.b[i];
        wire_rng_word(&rng, b->title, title_set, sizeof title_set - 1, 2, 8);
        wire_rng_word(&rng, b->note, title_set, sizeof title_set - 1, 1, 6);
        b->has_note = rnd(10) < 7;
        b->author = rnd(10) < 2 ? 0 : 1 + (int)rnd((uint64_t)data.nauthors);
        b->pages = 1 + (int)rnd(60);
        b->rating = rnd(10) < 3 ? 0 : 1 + (int)rnd(5);
        b->hard = (int)rnd(2);
        b->published = 1546300800LL + (long long)rnd(5 * 365 * 86400LL);
    }
}

/* ---- programs: the text the executor runs and the C a learner reads ---------------- */

struct prog {
    struct wire_buf text, show;
    int n;                  /* query sets built */
    int ordered[LAB15_MAX_QS];  /* 1: ordered by a unique key, so the order is defined */
};

/* A value as the executor's token and as C. */
struct val {
    char tok[96], show[96];
};

static void hex_to(char *out, size_t cap, const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len && n + 3 < cap; i++, n += 2)
        snprintf(out + n, 3, "%02x", (unsigned char)s[i]);
    out[n] = '\0';
}

/* s as a C string literal (quotes and backslashes escaped). */
static void c_str(char *out, size_t cap, const char *s)
{
    size_t n = 0;
    out[n++] = '"';
    for (; *s != '\0' && n + 4 < cap; s++) {
        if (*s == '"' || *s == '\\')
            out[n++] = '\\';
        out[n++] = *s;
    }
    out[n++] = '"';
    out[n] = '\0';
}

static struct val v_int(long long i)
{
    struct val v;
    snprintf(v.tok, sizeof v.tok, "i:%lld", i);
    snprintf(v.show, sizeof v.show, "keg_int(%lld)", i);
    return v;
}

static struct val v_null(void)
{
    return (struct val){ "n", "keg_null()" };
}

static struct val v_text(const char *s)
{
    struct val v;
    char hex[80], lit[60];
    hex_to(hex, sizeof hex, s, strlen(s));
    c_str(lit, sizeof lit, s);
    snprintf(v.tok, sizeof v.tok, "t:%s", hex);
    snprintf(v.show, sizeof v.show, "keg_text(%s)", lit);
    return v;
}

static struct val v_f(const char *field, long long n)
{
    struct val v;
    char hex[80];
    hex_to(hex, sizeof hex, field, strlen(field));
    snprintf(v.tok, sizeof v.tok, "f:%s:%lld", hex, n);
    if (n == 0)
        snprintf(v.show, sizeof v.show, "keg_f(\"%s\")", field);
    else
        snprintf(v.show, sizeof v.show, "keg_f_add(\"%s\", %lld)", field, n);
    return v;
}

/* Appends the executor's string token of s ("x" and hex). */
static void add_str(struct wire_buf *b, const char *s)
{
    char hex[3];
    wire_buf_str(b, " x");
    for (; *s != '\0'; s++) {
        snprintf(hex, sizeof hex, "%02x", (unsigned char)*s);
        wire_buf_str(b, hex);
    }
}

__attribute__((format(printf, 2, 3))) static void add_line(struct prog *p, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    wire_buf_str(&p->show, line);
    wire_buf_str(&p->show, "\n");
}

/* A fresh program: the two tables and the rows of `data`. */
static void prog_start(struct prog *p)
{
    static const char *const tables[] = {
        "CREATE TABLE \"lab15_author\" (\"id\" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "
        "\"name\" varchar(40) NOT NULL UNIQUE)",
        "CREATE TABLE \"lab15_book\" (\"id\" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "
        "\"title\" varchar(60) NOT NULL, \"author_id\" bigint NULL REFERENCES "
        "\"lab15_author\" (\"id\") DEFERRABLE INITIALLY DEFERRED, \"pages\" integer NOT NULL, "
        "\"rating\" integer NULL, \"note\" text NULL, \"hardcover\" bool NOT NULL, "
        "\"published\" datetime NOT NULL)",
    };
    char sql[256], when[20];
    memset(p, 0, sizeof *p);
    wire_buf_add(&p->text, "", 0);
    wire_buf_add(&p->show, "", 0);
    for (size_t i = 0; i < 2; i++) {
        wire_buf_str(&p->text, "exec");
        add_str(&p->text, tables[i]);
        wire_buf_str(&p->text, "\n");
    }
    add_line(p, "/* the data: lab15_author (id, name), lab15_book (id, title, author_id, pages, "
             "rating, note, hardcover, published) */");
    for (int i = 0; i < data.nauthors; i++) {
        snprintf(sql, sizeof sql, "INSERT INTO lab15_author (name) VALUES ('%s')",
                 data.authors[i]);
        wire_buf_str(&p->text, "exec");
        add_str(&p->text, sql);
        wire_buf_str(&p->text, "\n");
        add_line(p, "/* author %d: '%s' */", i + 1, data.authors[i]);
    }
    for (int i = 0; i < data.nbooks; i++) {
        const struct book_row *b = &data.b[i];
        char author[16], rating[16], note[20];
        snprintf(author, sizeof author, b->author ? "%d" : "NULL", b->author);
        snprintf(rating, sizeof rating, b->rating ? "%d" : "NULL", b->rating);
        snprintf(note, sizeof note, b->has_note ? "'%s'" : "NULL", b->note);
        keg_datetime_format(b->published, when);
        snprintf(sql, sizeof sql, "INSERT INTO lab15_book (title, author_id, pages, rating, "
                 "note, hardcover, published) VALUES ('%s', %s, %d, %s, %s, %d, '%s')",
                 b->title, author, b->pages, rating, note, b->hard, when);
        wire_buf_str(&p->text, "exec");
        add_str(&p->text, sql);
        wire_buf_str(&p->text, "\n");
        add_line(p, "/* book %d: '%s', %s, %d, %s, %s, %d, '%s' (%lld) */", i + 1, b->title,
                 author, b->pages, rating, note, b->hard, when, b->published);
    }
    add_line(p, "keg_list list = { 0 };  /* each fetch frees it after */");
}

/* qs = keg_qs_all(&lab15_<model>). */
static int q_all(struct prog *p, const char *model)
{
    wire_buf_str(&p->text, "all");
    add_str(&p->text, model);
    wire_buf_str(&p->text, "\n");
    add_line(p, "keg_qs *qs%d = keg_qs_all(&lab15_%s);", p->n, model);
    p->ordered[p->n] = strcmp(model, "author") == 0;    /* ordering "name", unique */
    return p->n++;
}

/* qs = keg_qs_filter or keg_qs_exclude (qs k, lookup, v). */
static int q_filter(struct prog *p, int k, int exclude, const char *lookup, struct val v)
{
    char lit[96];
    wire_buf_str(&p->text, exclude ? "exclude " : "filter ");
    snprintf(lit, sizeof lit, "%d", k);
    wire_buf_str(&p->text, lit);
    add_str(&p->text, lookup);
    wire_buf_str(&p->text, " ");
    wire_buf_str(&p->text, v.tok);
    wire_buf_str(&p->text, "\n");
    c_str(lit, sizeof lit, lookup);
    add_line(p, "keg_qs *qs%d = keg_qs_%s(qs%d, %s, %s);", p->n,
             exclude ? "exclude" : "filter", k, lit, v.show);
    p->ordered[p->n] = p->ordered[k];
    return p->n++;
}

/* A Q tree: the executor's tokens and the C. */
struct qv {
    char tok[1024], show[1024];
};

static struct qv q_leaf(const char *lookup, struct val v)
{
    struct qv q;
    char hex[128], lit[96];
    hex_to(hex, sizeof hex, lookup, strlen(lookup));
    c_str(lit, sizeof lit, lookup);
    snprintf(q.tok, sizeof q.tok, "q x%s %s", hex, v.tok);
    snprintf(q.show, sizeof q.show, "keg_q_new(%s, %s)", lit, v.show);
    return q;
}

/* A list leaf: keg_q_list(lookup, v, n). */
static struct qv q_leaf_list(const char *lookup, const struct val *v, size_t n)
{
    struct qv q;
    char hex[128], lit[96];
    hex_to(hex, sizeof hex, lookup, strlen(lookup));
    c_str(lit, sizeof lit, lookup);
    int a = snprintf(q.tok, sizeof q.tok, "ql x%s %zu", hex, n);
    int b = snprintf(q.show, sizeof q.show, "keg_q_list(%s, (keg_value[]){ ", lit);
    for (size_t i = 0; i < n; i++) {
        a += snprintf(q.tok + a, sizeof q.tok - (size_t)a, " %s", v[i].tok);
        b += snprintf(q.show + b, sizeof q.show - (size_t)b, "%s%s", i ? ", " : "", v[i].show);
    }
    snprintf(q.show + b, sizeof q.show - (size_t)b, " }, %zu)", n);
    return q;
}

/* qs = keg_qs_filter_list(qs k, lookup, v, n), written as the list leaf is. */
static int q_list(struct prog *p, int k, const char *lookup, const struct val *v, size_t n)
{
    struct qv q = q_leaf_list(lookup, v, n);
    char head[32];
    snprintf(head, sizeof head, "list %d", k);
    wire_buf_str(&p->text, head);
    wire_buf_str(&p->text, q.tok + 2);          /* after "ql" */
    wire_buf_str(&p->text, "\n");
    add_line(p, "keg_qs *qs%d = keg_qs_filter_list(qs%d, %s;", p->n, k,
             q.show + strlen("keg_q_list("));
    p->ordered[p->n] = p->ordered[k];
    return p->n++;
}

static struct qv q_op(const char *op, const struct qv *a, const struct qv *b)
{
    struct qv q;
    snprintf(q.tok, sizeof q.tok, "%s %.500s%s%.500s", op, a->tok, b ? " " : "", b ? b->tok : "");
    snprintf(q.show, sizeof q.show, "keg_q_%s(%.480s%s%.480s)", op, a->show, b ? ", " : "",
             b ? b->show : "");
    return q;
}

static int q_where(struct prog *p, int k, const struct qv *q)
{
    char lit[32];
    snprintf(lit, sizeof lit, "where %d ", k);
    wire_buf_str(&p->text, lit);
    wire_buf_str(&p->text, q->tok);
    wire_buf_str(&p->text, "\n");
    add_line(p, "keg_q *q%d = %s;", p->n, q->show);
    add_line(p, "keg_qs *qs%d = keg_qs_where(qs%d, q%d);  /* then keg_q_free(q%d) */", p->n, k,
             p->n, p->n);
    p->ordered[p->n] = p->ordered[k];
    return p->n++;
}

/* qs = keg_qs_order_by(qs k, fields); `unique`: the order is fully defined. */
static int q_order(struct prog *p, int k, const char *fields, int unique)
{
    char lit[96];
    snprintf(lit, sizeof lit, "order %d", k);
    wire_buf_str(&p->text, lit);
    add_str(&p->text, fields);
    wire_buf_str(&p->text, "\n");
    c_str(lit, sizeof lit, fields);
    add_line(p, "keg_qs *qs%d = keg_qs_order_by(qs%d, %s);", p->n, k, lit);
    p->ordered[p->n] = unique;
    return p->n++;
}

static int q_slice(struct prog *p, int k, long long a, long long b)
{
    char line[64];
    snprintf(line, sizeof line, "slice %d %lld %lld\n", k, a, b);
    wire_buf_str(&p->text, line);
    add_line(p, "keg_qs *qs%d = keg_qs_slice(qs%d, %lld, %lld);", p->n, k, a, b);
    p->ordered[p->n] = p->ordered[k];
    return p->n++;
}

/* Evaluates qs k: fetch, count, exists, get, delete, error, sql. */
static void q_eval(struct prog *p, const char *op, int k)
{
    static const struct { const char *op, *c; } calls[] = {
        { "fetch", "keg_qs_fetch(db, qs%d, &list);  /* in this order */" },
        { "fetchs", "keg_qs_fetch(db, qs%d, &list);  /* shown sorted by id */" },
        { "count", "keg_qs_count(db, qs%d, &n);" },
        { "exists", "keg_qs_exists(db, qs%d);" },
        { "get", "keg_qs_get(db, qs%d, obj);" },
        { "delete", "keg_qs_delete(db, qs%d);" },
        { "error", "keg_qs_error(qs%d);" },
        { "sql", "keg_qs_sql(qs%d);" },
    };
    char line[64];
    if (strcmp(op, "fetch") == 0 && !p->ordered[k])
        op = "fetchs";
    snprintf(line, sizeof line, "%s %d\n", op, k);
    wire_buf_str(&p->text, line);
    for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++)
        if (strcmp(op, calls[i].op) == 0) {
            snprintf(line, sizeof line, calls[i].c, k);
            add_line(p, "%s", line);
        }
}

static void q_update(struct prog *p, int k, const char *field, struct val v)
{
    char line[32];
    snprintf(line, sizeof line, "update %d", k);
    wire_buf_str(&p->text, line);
    add_str(&p->text, field);
    wire_buf_str(&p->text, " ");
    wire_buf_str(&p->text, v.tok);
    wire_buf_str(&p->text, "\n");
    add_line(p, "keg_qs_update(db, qs%d, \"%s\", %s);", k, field, v.show);
}

/* Runs p on the subject and on the reference. 1 when both texts are equal; else fails
 * the test `name` with this program as its input and returns 0. */
static int prog_check(struct prog *p, const char *name, int i, int n)
{
    size_t glen = 0, elen = 0;
    char *got = NULL;
    if (wire_call(&peer, "run", p->text.data, p->text.len, &got, &glen) < 0) {
        WIRE_FAIL_DEAD(name);
        return 0;
    }
    char *expected = lab15_exec(p->text.data, p->text.len, &elen);
    int same = expected != NULL && glen == elen && memcmp(got, expected, elen) == 0;
    if (!same) {
        char msg[128];
        snprintf(msg, sizeof msg, "your query sets answered differently (program %d of %d)",
                 i + 1, n);
        tap_attach("input", p->show.data);
        tap_fail_with(__FILE__, __LINE__, msg, got, expected ? expected : "", "%s", name);
    }
    free(got);
    free(expected);
    return same;
}

/* ---- random lookups ---------------------------------------------------------------- */

/* A piece (1..3 bytes) of a random title or note, its letters' case flipped when `flip`. */
static void piece(char *out, int from_note, int flip)
{
    const struct book_row *b = &data.b[rnd((uint64_t)data.nbooks)];
    const char *s = from_note && b->has_note ? b->note : b->title;
    size_t len = strlen(s), at = rnd(len), n = 1 + rnd(3);
    snprintf(out, 4, "%.*s", (int)n, s + at);
    for (char *c = out; flip && *c; c++)
        if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z'))
            *c ^= (char)(rnd(2) ? 0x20 : 0);
}

/* A random lookup on book and its value, from the kinds in `kinds` (a string of
 * letters: t text, n numbers, z NULLs and isnull, k foreign keys, d datetimes). */
static void rand_leaf(const char *kinds, char *lookup, size_t cap, struct val *v)
{
    static const char *const text_ops[] = { "contains", "icontains", "startswith", "iexact",
                                            "exact" };
    static const char *const num_ops[] = { "gt", "gte", "lt", "lte", "exact" };
    char w[8];
    int kind = kinds[rnd(strlen(kinds))];
    if (kind == 't') {
        const char *op = text_ops[rnd(5)];
        int note = (int)rnd(2);
        if (op[0] == 'c' || op[0] == 'i' || op[0] == 's')
            piece(w, note, op[0] == 'i' || rnd(3) == 0);
        if (op[0] == 'e' || (op[0] == 'i' && op[1] == 'e') || op[0] == 's') {
            const struct book_row *b = &data.b[rnd((uint64_t)data.nbooks)];
            snprintf(w, sizeof w, "%.*s", op[0] == 's' ? 1 + (int)rnd(3) : 7, b->title);
        }
        snprintf(lookup, cap, "%s__%s", note ? "note" : "title", op);
        *v = v_text(w);
    } else if (kind == 'n') {
        snprintf(lookup, cap, "%s__%s", rnd(2) ? "pages" : "rating", num_ops[rnd(5)]);
        *v = v_int(lookup[0] == 'p' ? 1 + (long long)rnd(60) : 1 + (long long)rnd(5));
    } else if (kind == 'z') {
        static const char *const nullable[] = { "rating", "note", "author" };
        snprintf(lookup, cap, "%s%s", nullable[rnd(3)], rnd(2) ? "__isnull" : "");
        *v = strstr(lookup, "isnull") ? v_int((long long)rnd(2)) : v_null();
    } else if (kind == 'k') {
        snprintf(lookup, cap, "%s", rnd(2) ? "author" : "author_id");
        *v = v_int(1 + (long long)rnd((uint64_t)data.nauthors));
    } else {
        snprintf(lookup, cap, "published__%s", num_ops[rnd(4)]);
        *v = v_int(data.b[rnd((uint64_t)data.nbooks)].published);
    }
}

/* A random ordering of book that ends with a unique key. */
static const char *rand_order(void)
{
    static const char *const orders[] = { "-pages,id", "rating,-id", "title,pk", "-published,id",
                                          "author_id,-pages,id", "-hardcover,title,-id", "-id" };
    return orders[rnd(sizeof orders / sizeof orders[0])];
}

/* ---- the tests --------------------------------------------------------------------- */

/* Each test fills one program per call (i of PROGRAMS). */
typedef void test_fn(struct prog *p, int i);

static void t_lazy(struct prog *p, int i)
{
    char lookup[40];
    struct val v;
    int k = q_all(p, "book");
    for (int j = 0; j < 2 + i % 3; j++) {
        rand_leaf("tnzkd", lookup, sizeof lookup, &v);
        k = q_filter(p, k, (int)rnd(3) == 0, lookup, v);
    }
    if (i % 2)
        k = q_slice(p, q_order(p, k, rand_order(), 1), 0, 3 + (long long)rnd(5));
    q_eval(p, "fetch", k);
    q_eval(p, "count", k);
}

static void t_immutable(struct prog *p, int i)
{
    char lookup[40];
    struct val v;
    int all = q_all(p, "book");
    rand_leaf("tnk", lookup, sizeof lookup, &v);
    int base = q_filter(p, all, 0, lookup, v);
    rand_leaf("nzd", lookup, sizeof lookup, &v);
    int narrower = q_filter(p, base, i % 2, lookup, v);
    int sorted = q_slice(p, q_order(p, base, rand_order(), 1), 1, 4);
    q_eval(p, "fetch", narrower);
    q_eval(p, "fetch", sorted);
    q_eval(p, "fetch", base);
    q_eval(p, "count", all);
}

/* A test of filters drawn from `kinds`, each on its own and excluded. */
static void filters_of(struct prog *p, const char *kinds)
{
    char lookup[40];
    struct val v;
    int all = q_all(p, "book");
    for (int j = 0; j < 3; j++) {
        rand_leaf(kinds, lookup, sizeof lookup, &v);
        q_eval(p, "fetch", q_filter(p, all, 0, lookup, v));
    }
}

static void t_exact(struct prog *p, int i)
{
    const struct book_row *b = &data.b[rnd((uint64_t)data.nbooks)];
    char flipped[12];
    int all = q_all(p, "book");
    snprintf(flipped, sizeof flipped, "%s", b->title);
    for (char *c = flipped; *c; c++)
        if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z'))
            *c ^= (char)(rnd(2) ? 0x20 : 0);
    q_eval(p, "fetch", q_filter(p, all, 0, "title", v_text(b->title)));
    q_eval(p, "fetch", q_filter(p, all, 0, i % 2 ? "title__iexact" : "title__exact",
                                v_text(flipped)));
    q_eval(p, "fetch", q_filter(p, all, 0, i % 2 ? "rating" : "note__iexact", v_null()));
    q_eval(p, "fetch", q_filter(p, all, 0, "pages", v_int(b->pages)));
}

static void t_contains(struct prog *p, int i)
{
    static const char *const specials[] = { "%", "_", "\\", "a%", "_b", "%_", "\\a" };
    char w[8];
    int all = q_all(p, "book");
    const char *op = i % 2 ? "__icontains" : "__contains";
    char lookup[32];
    snprintf(lookup, sizeof lookup, "%s%s", rnd(2) ? "title" : "note", op);
    q_eval(p, "fetch", q_filter(p, all, 0, lookup, v_text(specials[rnd(7)])));
    piece(w, lookup[0] == 'n', 1);
    q_eval(p, "fetch", q_filter(p, all, 0, lookup, v_text(w)));
    piece(w, 0, 0);
    q_eval(p, "fetch", q_filter(p, all, 0, "title__contains", v_text(w)));
    q_eval(p, "fetch", q_filter(p, all, 0, "title__icontains", v_text(w)));
}

static void t_startswith(struct prog *p, int i)
{
    const struct book_row *b = &data.b[rnd((uint64_t)data.nbooks)];
    char w[8];
    int all = q_all(p, "book");
    snprintf(w, sizeof w, "%.*s", 1 + i % 2, b->title);
    q_eval(p, "fetch", q_filter(p, all, 0, "title__startswith", v_text(w)));
    w[0] ^= (char)(((w[0] | 0x20) >= 'a' && (w[0] | 0x20) <= 'z') ? 0x20 : 0);
    q_eval(p, "fetch", q_filter(p, all, 0, "title__startswith", v_text(w)));
    q_eval(p, "fetch", q_filter(p, all, 0, "note__startswith", v_text(i % 3 ? "%" : "_")));
}

static void t_compare(struct prog *p, int i)
{
    filters_of(p, i % 2 ? "nnd" : "ndd");
    char when[20];
    keg_datetime_format(data.b[rnd((uint64_t)data.nbooks)].published, when);
    q_eval(p, "fetch", q_filter(p, 0, 0, "published__gte", v_text(when)));
    q_eval(p, "fetch", q_filter(p, 0, 0, "title__lt", v_text("B")));
}

static void t_in_range_isnull(struct prog *p, int i)
{
    struct val in[5];
    size_t n = (size_t)(i % 5);
    int all = q_all(p, "book");
    for (size_t j = 0; j < n; j++)
        in[j] = j == 2 ? v_null() : v_int(1 + (long long)rnd((uint64_t)data.nbooks));
    q_eval(p, "fetch", q_list(p, all, i % 2 ? "id__in" : "pk__in", in, n));
    in[0] = v_int(1 + (long long)rnd(5));
    in[1] = v_int(1 + (long long)rnd(5));
    q_eval(p, "fetch", q_list(p, all, "rating__in", in, 2));
    long long a = 1 + (long long)rnd(50), b = a + (long long)rnd(20);
    struct val range[2] = { v_int(a), v_int(b) };
    q_eval(p, "fetch", q_list(p, all, "pages__range", range, 2));
    q_eval(p, "fetch", q_filter(p, all, 0, i % 2 ? "note__isnull" : "author__isnull",
                                v_int(i / 2 % 2)));
}

static void t_exclude(struct prog *p, int i)
{
    char lookup[40];
    struct val v;
    int all = q_all(p, "book");
    static const char *const nullable[] = { "rating", "rating__gte", "note__contains",
                                            "author", "rating__lt" };
    const char *f = nullable[i % 5];
    v = f[0] == 'n' ? v_text("a") : v_int(f[0] == 'a' ? 1 : 3);
    q_eval(p, "fetch", q_filter(p, all, 1, f, v));
    q_eval(p, "count", q_filter(p, all, 1, "rating__isnull", v_int(1)));
    rand_leaf("tnzk", lookup, sizeof lookup, &v);
    q_eval(p, "fetch", q_filter(p, all, 1, lookup, v));
    struct val in[2] = { v_int(1 + (long long)rnd(5)), v_null() };
    struct qv q = q_leaf_list(i % 2 ? "rating__in" : "author__in", in, 2 - (size_t)(i == 4));
    struct qv n = q_op("not", &q, NULL);
    q_eval(p, "fetch", q_where(p, all, &n));
    q_eval(p, "fetch", q_list(p, all, "rating__in", NULL, 0));
}

/* A random Q tree of depth at most d. */
static struct qv rand_q(int d)
{
    char lookup[40];
    struct val v;
    if (d == 0 || rnd(3) == 0) {
        rand_leaf("tnzkd", lookup, sizeof lookup, &v);
        return q_leaf(lookup, v);
    }
    int op = (int)rnd(3);
    struct qv a = rand_q(d - 1);
    if (op == 2)
        return q_op("not", &a, NULL);
    struct qv b = rand_q(d - 1);
    return q_op(op ? "or" : "and", &a, &b);
}

static void t_q(struct prog *p, int i)
{
    int all = q_all(p, "book");
    struct qv q = rand_q(2 + i % 2);
    q_eval(p, "fetch", q_where(p, all, &q));
    struct qv a = rand_q(1), b = rand_q(1);
    struct qv o = q_op("or", &a, &b), n = q_op("not", &o, NULL);
    q_eval(p, "fetch", q_where(p, all, &n));
}

static void t_f(struct prog *p, int i)
{
    static const char *const cmp[] = { "pages__gt", "pages__lte", "rating__lt", "pages",
                                       "author_id__gte" };
    int all = q_all(p, "book");
    const char *f = i % 2 ? "rating" : "id";
    q_eval(p, "fetch", q_filter(p, all, 0, cmp[i % 5], v_f(f, 0)));
    q_eval(p, "fetch", q_filter(p, all, 0, cmp[(i + 1) % 5], v_f("rating", (long long)rnd(7) - 3)));
    q_eval(p, "fetch", q_filter(p, all, 1, "pages__gt", v_f(f, (long long)rnd(30))));
    q_eval(p, "fetch", q_filter(p, all, 1, "pages__lt", v_f("rating", 0)));
}

static void t_order(struct prog *p, int i)
{
    int all = q_all(p, "book");
    q_eval(p, "fetch", q_order(p, all, rand_order(), 1));
    int k = q_order(p, q_order(p, all, "-pages,id", 1), rand_order(), 1);
    q_eval(p, "fetch", k);
    q_eval(p, "fetch", q_all(p, "author"));
    q_eval(p, "fetch", q_order(p, i % 2 ? p->n - 1 : all, "", 0));
    q_eval(p, "fetch", q_order(p, p->n - 2, "-name", 1));
}

static void t_slice(struct prog *p, int i)
{
    int all = q_all(p, "book");
    int ord = q_order(p, all, rand_order(), 1);
    long long a = (long long)rnd(8), b = a + (long long)rnd(10);
    int s = q_slice(p, ord, a, i % 3 ? b : -1);
    q_eval(p, "fetch", s);
    q_eval(p, "fetch", q_slice(p, s, (long long)rnd(4), (long long)rnd(6) - (i % 2)));
    q_eval(p, "fetch", q_slice(p, ord, (long long)data.nbooks - 2, -1));
    q_eval(p, "fetch", q_slice(p, ord, i % 3 ? 5 : -1 - (long long)rnd(3), 2));
    q_eval(p, i % 2 ? "count" : "fetch", q_slice(p, q_slice(p, ord, 0, 0), i % 2, 3));
}

static void t_count_exists(struct prog *p, int i)
{
    char lookup[40];
    struct val v;
    int all = q_all(p, "book");
    rand_leaf("tnzk", lookup, sizeof lookup, &v);
    int f = q_filter(p, all, 0, lookup, v);
    q_eval(p, "count", f);
    q_eval(p, "exists", f);
    int s = q_slice(p, q_order(p, all, rand_order(), 1), (long long)rnd(30), 4 + (long long)rnd(30));
    q_eval(p, "count", s);
    q_eval(p, "exists", s);
    q_eval(p, "exists", q_filter(p, all, 0, "pages__gt", v_int(60 + i)));
    q_eval(p, "count", q_filter(p, all, 0, "title", v_text("none of them")));
}

static void t_get(struct prog *p, int i)
{
    int all = q_all(p, "book");
    q_eval(p, "get", q_filter(p, all, 0, i % 2 ? "pk" : "id",
                              v_int(1 + (long long)rnd((uint64_t)data.nbooks))));
    q_eval(p, "get", q_filter(p, all, 0, "id", v_int(1000 + i)));
    q_eval(p, "get", q_filter(p, all, 0, "pages__gt", v_int((long long)rnd(20))));
    q_eval(p, "get", q_slice(p, q_order(p, all, rand_order(), 1), i, i + 1));
    q_eval(p, "get", q_filter(p, q_all(p, "author"), 0, "name",
                              v_text(data.authors[rnd((uint64_t)data.nauthors)])));
}

static void t_update(struct prog *p, int i)
{
    char lookup[40], w[8];
    struct val v;
    int all = q_all(p, "book");
    rand_leaf("tnzk", lookup, sizeof lookup, &v);
    int f = q_filter(p, all, i % 2, lookup, v);
    static const char *const fields[] = { "pages", "rating", "title", "hardcover", "note",
                                          "author", "published" };
    const char *field = fields[i % 7];
    wire_rng_word(&rng, w, title_set, sizeof title_set - 1, 1, 6);
    v = field[0] == 'p' && field[1] == 'a' ? v_f("pages", 1 + (long long)rnd(9))
        : field[0] == 'r' ? (rnd(2) ? v_null() : v_f("pages", 0))
        : field[0] == 't' || field[0] == 'n' ? v_text(w)
        : field[0] == 'a' ? v_int(1 + (long long)rnd((uint64_t)data.nauthors))
        : field[0] == 'p' ? v_int(1600000000 + (long long)rnd(1000000)) : v_int((long long)rnd(2));
    q_update(p, f, field, v);
    q_eval(p, "fetch", all);
    q_update(p, all, "pages", v_f("pages", -1));
    q_eval(p, "count", q_filter(p, all, 0, "pages__lt", v_int(10)));
}

static void t_delete(struct prog *p, int i)
{
    char lookup[40];
    struct val v;
    int all = q_all(p, "book");
    rand_leaf("tnzkd", lookup, sizeof lookup, &v);
    q_eval(p, "delete", q_filter(p, all, i % 2, lookup, v));
    q_eval(p, "fetch", all);
    q_eval(p, "delete", q_filter(p, all, 0, "id", v_int(999)));
    q_eval(p, "count", all);
}

static void t_fk(struct prog *p, int i)
{
    int all = q_all(p, "book");
    long long a = 1 + (long long)rnd((uint64_t)data.nauthors);
    q_eval(p, "fetch", q_filter(p, all, i % 2, "author", v_int(a)));
    q_eval(p, "fetch", q_filter(p, all, 0, "author_id__gt", v_int(a)));
    struct val in[2] = { v_int(a), v_int(1 + (long long)rnd((uint64_t)data.nauthors)) };
    q_eval(p, "fetch", q_list(p, all, "author__in", in, 2));
}

/* Mistakes next to a good query set, so each program needs both to pass. */
static void t_mistakes(struct prog *p, int i)
{
    static const char *const bad_lookups[] = { "colour", "title__like", "pages__gt__lt",
                                               "author__name", "", "id;DROP" };
    static const char *const bad_orders[] = { "id;DROP", "-", "pages,", "colour",
                                              "pages DESC", "?" };
    int all = q_all(p, "book"), bad[6];
    int sl = q_slice(p, q_order(p, all, "id", 1), 1, 3);    /* no filter, no order_by */
    bad[0] = q_filter(p, all, i % 2, bad_lookups[i % 6], v_int(1));
    bad[1] = q_order(p, all, bad_orders[i % 6], 0);
    bad[2] = i % 2 ? q_filter(p, sl, 0, "pages", v_int(1)) : q_order(p, sl, "pages", 0);
    bad[3] = q_filter(p, all, 0, i % 2 ? "rating__gt" : "title__contains",   /* or F() */
                      i % 3 ? v_null() : v_f(i % 2 ? "colour" : "title", 0)); /* wrong */
    bad[4] = i % 3 ? q_filter(p, all, 0, i % 2 ? "pages__in" : "pages__range", v_int(3))
                   : q_filter(p, all, 0, "pages__gt", v_f("title", 2));  /* text + 2 */
    bad[5] = q_filter(p, bad[0], 0, "pages", v_int(1));     /* the error stays */
    int good = q_filter(p, all, 0, "pages__lte", v_int(30));
    for (int j = 0; j < 6; j++) {
        q_eval(p, "error", bad[j]);
        q_eval(p, j % 2 ? "count" : "fetch", bad[j]);
        q_eval(p, "sql", bad[j]);
    }
    q_eval(p, "error", good);
    q_eval(p, "sql", good);
    q_eval(p, "fetch", good);
}

static const struct {
    const char *name;
    test_fn *fn;
} tests[] = {
    { "building a query set runs no SQL; evaluating it runs one statement", t_lazy },
    { "query sets are immutable: chaining leaves the parent unchanged", t_immutable },
    { "exact and iexact; NULL means IS NULL", t_exact },
    { "contains, icontains: % _ \\ match literally; contains is case-sensitive", t_contains },
    { "startswith is case-sensitive and literal", t_startswith },
    { "gt, gte, lt, lte on numbers, text and datetimes", t_compare },
    { "in, range and isnull", t_in_range_isnull },
    { "exclude and NOT keep NULL rows; NULLs in a list are left out", t_exclude },
    { "Q objects: AND, OR, NOT", t_q },
    { "F() and F() + n in filters", t_f },
    { "order_by: '-', several fields, replacing, '' removes the model's ordering", t_order },
    { "slicing is LIMIT/OFFSET; a slice of a slice stays inside it, [0:0] too", t_slice },
    { "count and exists, slices respected", t_count_exists },
    { "get: one object, KEG_ENOTFOUND, KEG_EMULTIPLE", t_get },
    { "update with values and F() + n returns the rows changed", t_update },
    { "delete returns the rows deleted", t_delete },
    { "foreign keys compare by id, as author or author_id", t_fk },
    { "mistakes (a bad F() too) are KEG_EINVALID, keg_qs_error set, no SQL", t_mistakes },
};

int main(int argc, char **argv)
{
    uint64_t seed = wire_seed_arg(argc, argv);
    wire_rng_seed(&rng, seed);
    wire_peer_init(&peer, 20000);
    make_data();
    tap_plan((int)(sizeof tests / sizeof tests[0]));
    for (size_t t = 0; t < sizeof tests / sizeof tests[0]; t++) {
        int pass = 1;
        for (int i = 0; pass && i < PROGRAMS; i++) {
            struct prog p;
            prog_start(&p);
            tests[t].fn(&p, i);
            pass = prog_check(&p, tests[t].name, i, PROGRAMS);
            wire_buf_free(&p.text);
            wire_buf_free(&p.show);
        }
        if (pass)
            tap_ok(__FILE__, __LINE__, 1, "%s", tests[t].name);
    }
    return wire_finish(&peer);
}
