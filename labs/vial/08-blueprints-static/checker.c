/* checker.c -- lab 08's hidden tests: random file trees (with files beside the folder
 * that must never be served, symbolic links in and out) and traversal attempts, random
 * blueprints with prefixes, converters and hooks. Each test is a batch of operations
 * run by the driver on the learner's vial and, here, on the reference with the very
 * same driver code; the two texts must be equal. Run as `checker SEED`. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vial.h"
#include "tap.h"
#include "wire.h"

/* The reference side runs the driver's own operations (ops.h). */
#include "ops.h"

static const char lower[] = "abcdefghijklmnopqrstuvwxyz";
static const char alnum[] = "abcdefghijklmnopqrstuvwxyz0123456789_-";
static const char *const exts[] = {"html", "css", "js", "json", "txt", "png", "jpg", "gif",
                                   "svg", "ico", "pdf", "woff2", "xml", "wasm"};
#define NEXTS (sizeof exts / sizeof exts[0])

static struct wire_rng rng;
static struct wire_peer peer;

/* Appends operation `op` whose fields (NULL-terminated list) are joined by NUL bytes,
 * and a readable line of it to show. */
static void add(struct wire_buf *ops, struct wire_buf *show, const char *op, ...)
{
    struct wire_buf d = {0};
    va_list ap;
    va_start(ap, op);
    wire_buf_str(show, op);
    for (const char *f = va_arg(ap, const char *); f != NULL; f = va_arg(ap, const char *)) {
        if (d.len > 0 || d.data != NULL)
            wire_buf_add(&d, "", 1);
        wire_buf_str(&d, f);
        wire_buf_str(show, " \"");
        wire_buf_escaped(show, f, strlen(f) < 80 ? strlen(f) : 80, 0);
        wire_buf_str(show, "\"");
    }
    va_end(ap);
    wire_buf_str(show, "\n");
    wire_buf_frame(ops, op, d.data ? d.data : "", d.len);
    wire_buf_free(&d);
}

/* A random word of [lo, hi] characters of set into w (cap >= hi + 1). */
static char *word(char *w, const char *set, size_t lo, size_t hi)
{
    size_t n = lo + (size_t)wire_rng_below(&rng, hi - lo + 1), k = strlen(set);
    for (size_t i = 0; i < n; i++)
        w[i] = set[wire_rng_below(&rng, k)];
    w[n] = '\0';
    return w;
}

/* Random printable content, sometimes with binary bytes (no NUL: fields are strings). */
static char *content(char *c, size_t cap)
{
    size_t n = 1 + (size_t)wire_rng_below(&rng, cap - 1);
    int binary = wire_rng_below(&rng, 3) == 0;
    for (size_t i = 0; i + 1 < n; i++)
        c[i] = (char)(binary ? 1 + wire_rng_below(&rng, 255) : 0x20 + wire_rng_below(&rng, 0x5f));
    c[n - 1] = '\0';
    return c;
}

/* Runs ops on both sides and records one test. */
static void check(const char *test, const struct wire_buf *ops, const struct wire_buf *show)
{
    char *got = NULL;
    size_t glen = 0, elen = 0;
    if (wire_call(&peer, "ops", ops->data, ops->len, &got, &glen) < 0) {
        WIRE_FAIL_DEAD(test);
        return;
    }
    char *expected = op_exec(ops->data, ops->len, &elen);
    if (expected != NULL && glen == elen && memcmp(got, expected, elen) == 0) {
        tap_ok(__FILE__, __LINE__, 1, "%s", test);
    } else {
        tap_attach("operations", show->data ? show->data : "");
        tap_fail_with(__FILE__, __LINE__, "your vial's answers differ from the expected ones",
                      got, expected ? expected : "", "%s", test);
    }
    free(got);
    free(expected);
}

/* A folder T/www with random files (names in files[]), secrets beside it. */
static size_t tree(struct wire_buf *ops, struct wire_buf *show, const char *t,
                   char files[][48], size_t max)
{
    char p[128], w[16], c[200];
    snprintf(p, sizeof p, "%s", t);
    add(ops, show, "mkdir", p, NULL);
    snprintf(p, sizeof p, "%s/www", t);
    add(ops, show, "mkdir", p, NULL);
    snprintf(p, sizeof p, "%s/www/sub", t);
    add(ops, show, "mkdir", p, NULL);
    snprintf(p, sizeof p, "%s/secret.txt", t);
    add(ops, show, "file", p, content(c, sizeof c), NULL);
    size_t n = 2 + (size_t)wire_rng_below(&rng, max - 1);
    for (size_t i = 0; i < n; i++) {
        snprintf(files[i], 48, "%s%s.%s", wire_rng_below(&rng, 3) ? "" : "sub/",
                 word(w, alnum, 1, 10), exts[wire_rng_below(&rng, NEXTS)]);
        snprintf(p, sizeof p, "%s/www/%s", t, files[i]);
        add(ops, show, "file", p, content(c, sizeof c), NULL);
    }
    return n;
}

static void test_mime(const char *name)
{
    struct wire_buf ops = {0}, show = {0};
    char w[16], f[64];
    static const char *const odd[] = {"README", ".env", "archive.tar.zz", "a.", "x.HTML5",
                                      "dir.css/file", "noext/"};
    for (int i = 0; i < 12; i++) {
        char e[8];
        snprintf(e, sizeof e, "%s", exts[wire_rng_below(&rng, NEXTS)]);
        for (char *p = e; *p; p++)
            if (*p >= 'a' && *p <= 'z' && wire_rng_below(&rng, 3) == 0)
                *p = (char)(*p - 32);       /* ".PNG" is a PNG too */
        snprintf(f, sizeof f, "%s%s.%s", wire_rng_below(&rng, 2) ? "a/b/" : "",
                 word(w, alnum, 1, 8), e);
        add(&ops, &show, "mime", f, NULL);
    }
    for (int i = 0; i < 3; i++)
        add(&ops, &show, "mime", odd[wire_rng_below(&rng, sizeof odd / sizeof odd[0])], NULL);
    check(name, &ops, &show);
    wire_buf_free(&ops);
    wire_buf_free(&show);
}

static void test_send(const char *name, int t)
{
    struct wire_buf ops = {0}, show = {0};
    char files[8][48], dir[32], folder[48];
    snprintf(dir, sizeof dir, "t%d", t);
    snprintf(folder, sizeof folder, "%s/www", dir);
    size_t n = tree(&ops, &show, dir, files, 8);
    for (size_t i = 0; i < n; i++)
        add(&ops, &show, "send", folder, files[i], NULL);
    add(&ops, &show, "send", folder, "missing.txt", NULL);
    add(&ops, &show, "send", folder, "sub", NULL);
    add(&ops, &show, "send", folder, "sub/", NULL);
    add(&ops, &show, "send", folder, "(NULL)", NULL);
    /* Only a part that is exactly ".." is refused: "js" and "..x.txt" are served. */
    char p[128], w[16], c[64], f[48];
    snprintf(p, sizeof p, "%s/js", folder);
    add(&ops, &show, "mkdir", p, NULL);
    snprintf(f, sizeof f, "js/%s.js", word(w, alnum, 1, 8));
    snprintf(p, sizeof p, "%s/%s", folder, f);
    add(&ops, &show, "file", p, content(c, sizeof c), NULL);
    add(&ops, &show, "send", folder, f, NULL);
    snprintf(f, sizeof f, "..%s.txt", word(w, alnum, 1, 8));
    snprintf(p, sizeof p, "%s/%s", folder, f);
    add(&ops, &show, "file", p, content(c, sizeof c), NULL);
    add(&ops, &show, "send", folder, f, NULL);
    check(name, &ops, &show);
    wire_buf_free(&ops);
    wire_buf_free(&show);
}

static void test_traversal(const char *name, int t)
{
    static const char *const bad[] = {
        "../secret.txt", "sub/../../secret.txt", "./../secret.txt", "..", "../www/../secret.txt",
        "/etc/passwd", "/secret.txt", "//secret.txt", "%2e%2e%2fsecret.txt", "..%2fsecret.txt",
        "sub/..", "secret.txt", "../", "sub/../../../../../../etc/passwd"};
    struct wire_buf ops = {0}, show = {0};
    char files[4][48], dir[32], folder[48];
    snprintf(dir, sizeof dir, "t%d", t);
    snprintf(folder, sizeof folder, "%s/www", dir);
    size_t n = tree(&ops, &show, dir, files, 4);
    char back[80];                              /* a ".." part that comes back inside */
    snprintf(back, sizeof back, "../www/%s", files[0]);
    add(&ops, &show, "send", folder, back, NULL);
    snprintf(back, sizeof back, "sub/../%s", files[1]);
    add(&ops, &show, "send", folder, back, NULL);
    for (int i = 0; i < 6; i++) {
        add(&ops, &show, "send", folder, bad[wire_rng_below(&rng, sizeof bad / sizeof bad[0])], NULL);
        add(&ops, &show, "send", folder, files[wire_rng_below(&rng, n)], NULL);
    }
    check(name, &ops, &show);
    wire_buf_free(&ops);
    wire_buf_free(&show);
}

static void test_symlinks(const char *name, int t)
{
    struct wire_buf ops = {0}, show = {0};
    char files[4][48], dir[32], folder[48], p[128], target[128], c[64];
    snprintf(dir, sizeof dir, "t%d", t);
    snprintf(folder, sizeof folder, "%s/www", dir);
    size_t n = tree(&ops, &show, dir, files, 4);
    snprintf(p, sizeof p, "%s/outside", dir);
    add(&ops, &show, "mkdir", p, NULL);
    snprintf(p, sizeof p, "%s/outside/data.txt", dir);
    add(&ops, &show, "file", p, content(c, sizeof c), NULL);
    snprintf(p, sizeof p, "%s/abc", dir);       /* as long a name as "www" */
    add(&ops, &show, "mkdir", p, NULL);
    snprintf(p, sizeof p, "%s/abc/data.txt", dir);
    add(&ops, &show, "file", p, content(c, sizeof c), NULL);
    snprintf(p, sizeof p, "%s/same.txt", folder);
    add(&ops, &show, "link", p, "../abc/data.txt", NULL);
    struct { const char *link, *fmt; } links[] = {
        {"in-rel.txt", "%s"},                 /* inside, relative: served */
        {"in-abs.txt", "/%s/www/%s"},         /* inside, absolute: served */
        {"out-rel.txt", "../secret.txt"},     /* escapes, relative */
        {"out-abs.txt", "/%s/secret.txt"},    /* escapes, absolute */
        {"outdir", "../outside"},             /* a folder outside */
        {"sub/up.txt", "../../secret.txt"},
    };
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
        const char *f = files[wire_rng_below(&rng, n)];
        if (i == 0)
            snprintf(target, sizeof target, "%s", f);
        else if (i == 1)
            snprintf(target, sizeof target, links[i].fmt, dir, f);
        else if (i == 3)
            snprintf(target, sizeof target, links[i].fmt, dir);
        else
            snprintf(target, sizeof target, "%s", links[i].fmt);
        snprintf(p, sizeof p, "%s/%s", folder, links[i].link);
        add(&ops, &show, "link", p, target, NULL);
    }
    static const char *const asks[] = {"in-rel.txt", "in-abs.txt", "out-rel.txt", "out-abs.txt",
                                       "outdir/data.txt", "sub/up.txt", "outdir", "same.txt"};
    for (size_t i = 0; i < sizeof asks / sizeof asks[0]; i++)
        add(&ops, &show, "send", folder, asks[i], NULL);
    check(name, &ops, &show);
    wire_buf_free(&ops);
    wire_buf_free(&show);
}

/* The static route through the parser and dispatcher, with encoded traversals. */
static void test_static_route(const char *name, int t)
{
    static const char *const prefixes[] = {"/static", "/assets", "/s/v2", "/files/"};
    static const char *const bad[] = {
        "%2e%2e%2fsecret.txt", "%2E%2E/secret.txt", "..%2fsecret.txt", "sub/%2e%2e/%2e%2e/secret.txt",
        "%2e%2e/%2e%2e/%2e%2e/etc/passwd", "%2fetc%2fpasswd", "sub/..%2f..%2fsecret.txt",
        "%252e%252e%252fsecret.txt", "secret.txt%00.png", "%00", "sub"};
    struct wire_buf ops = {0}, show = {0};
    char files[6][48], dir[32], folder[48], url[200];
    snprintf(dir, sizeof dir, "t%d", t);
    snprintf(folder, sizeof folder, "%s/www", dir);
    size_t n = tree(&ops, &show, dir, files, 6);
    int dflt = wire_rng_below(&rng, 3) == 0;
    const char *prefix = dflt ? "/static" : prefixes[wire_rng_below(&rng, 4)];
    size_t plen = strlen(prefix) - (prefix[strlen(prefix) - 1] == '/');
    add(&ops, &show, "static", dflt ? "-" : prefix, folder, NULL);
    add(&ops, &show, "static", "/again", folder, NULL);  /* one static folder per app */
    for (int i = 0; i < 8; i++) {
        int good = i % 2 == 0;
        snprintf(url, sizeof url, "%.*s/%s", (int)plen, prefix,
                 good ? files[wire_rng_below(&rng, n)]
                      : bad[wire_rng_below(&rng, sizeof bad / sizeof bad[0])]);
        add(&ops, &show, "get", url, NULL);
    }
    add(&ops, &show, "url_for", "static", "filename", files[0], NULL);
    check(name, &ops, &show);
    wire_buf_free(&ops);
    wire_buf_free(&show);
}

/* One random blueprint with rules; its name and prefix are written to bname/bprefix. */
static void blueprint(struct wire_buf *ops, struct wire_buf *show, char *bname, char *bprefix,
                      char rules[][64], char eps[][16], size_t nrules)
{
    static const char *const shapes[] = {"/", "/%s", "/%s/<int:id>", "/<name>/%s",
                                         "/%s/<path:rest>", "/%s/<float:x>"};
    char w[12], p[32];
    word(bname, lower, 2, 8);
    snprintf(p, sizeof p, "/%s", word(w, lower, 2, 6));
    int k = (int)wire_rng_below(&rng, 4);
    snprintf(bprefix, 40, "%s", k == 0 ? "" : k == 1 ? p : k == 2 ? "/api/v1/" : "/x");
    add(ops, show, "bp", bname, bprefix, NULL);
    for (size_t i = 0; i < nrules; i++) {
        snprintf(rules[i], 64, shapes[i % 6], word(w, lower, 2, 6));
        snprintf(eps[i], 16, "v%zu", i);
        add(ops, show, "bproute", "GET", rules[i], eps[i], NULL);
    }
}

/* A URL that matches rule (converters filled with valid text). */
static void fill(char *url, size_t cap, const char *prefix, const char *rule)
{
    size_t plen = strlen(prefix);
    while (plen > 0 && prefix[plen - 1] == '/')
        plen--;
    size_t n = (size_t)snprintf(url, cap, "%.*s", (int)plen, prefix);
    for (const char *r = rule; *r && n + 16 < cap; r++) {
        if (*r != '<') {
            url[n++] = *r;
            continue;
        }
        const char *end = strchr(r, '>');
        int is_int = strncmp(r, "<int:", 5) == 0, is_float = strncmp(r, "<float:", 7) == 0;
        n += (size_t)snprintf(url + n, cap - n, "%s",
                              is_int ? "42" : is_float ? "2.5" : strncmp(r, "<path:", 6) == 0
                              ? "a/b%20c" : "x%41y");
        r = end;
    }
    url[n] = '\0';
}

static void test_blueprints(const char *name, int hooks)
{
    struct wire_buf ops = {0}, show = {0};
    char bname[2][12], bprefix[2][40], rules[2][6][64], eps[2][6][16], url[256];
    add(&ops, &show, "route", "GET", "/", "index", NULL);
    add(&ops, &show, "route", "GET", "/about", "about", NULL);
    add(&ops, &show, "route", "GET", "/stat", "static", NULL);
    add(&ops, &show, "static", "-", "nowhere", NULL);    /* the endpoint "static" is taken */
    for (int b = 0; b < 2; b++) {
        blueprint(&ops, &show, bname[b], bprefix[b], rules[b], eps[b], 6);
        if (hooks && b == 0)
            add(&ops, &show, "bphook", NULL);
        add(&ops, &show, "register", NULL);
    }
    for (int i = 0; i < 8; i++) {
        int b = (int)wire_rng_below(&rng, 2), r = (int)wire_rng_below(&rng, 6);
        fill(url, sizeof url, bprefix[b], rules[b][r]);
        add(&ops, &show, "get", url, NULL);
        if (hooks)
            add(&ops, &show, "get", wire_rng_below(&rng, 2) ? "/about" : "/", NULL);
        char ep[40];
        snprintf(ep, sizeof ep, "%s.%s", bname[b], eps[b][r]);
        if (strstr(rules[b][r], "<") == NULL)
            add(&ops, &show, "url_for", ep, "page", "2", NULL);
        else if (strstr(rules[b][r], "<int:id>"))
            add(&ops, &show, "url_for", ep, "id", "7", NULL);
    }
    check(name, &ops, &show);
    wire_buf_free(&ops);
    wire_buf_free(&show);
}

/* Also blueprint and static prefixes of "/". */
static void test_refusals(const char *name)
{
    struct wire_buf ops = {0}, show = {0};
    char w[12], ep[40];
    word(w, lower, 3, 8);
    add(&ops, &show, "bp", "a.b", "", NULL);
    add(&ops, &show, "bp", "", "", NULL);
    add(&ops, &show, "bp", w, "blog", NULL);            /* a prefix must start with '/' */
    add(&ops, &show, "bp", w, "/ok", NULL);
    add(&ops, &show, "bproute", "GET", "nope", "v", NULL);
    add(&ops, &show, "bproute", "GET", "/<bad:x>", "v", NULL);
    add(&ops, &show, "bproute", "GET", "/one", "v", NULL);
    add(&ops, &show, "bproute", "GET", "/two", "v", NULL);   /* same endpoint again */
    add(&ops, &show, "register", NULL);
    add(&ops, &show, "bp", w, "/again", NULL);            /* same name: clash */
    add(&ops, &show, "bproute", "GET", "/three", "w", NULL);
    add(&ops, &show, "register", NULL);
    add(&ops, &show, "get", "/ok/one", NULL);
    add(&ops, &show, "get", "/again/three", NULL);
    snprintf(ep, sizeof ep, "%s2.v", w);
    add(&ops, &show, "route", "GET", "/taken", ep, NULL);
    snprintf(ep, sizeof ep, "%s2", w);
    add(&ops, &show, "bp", ep, "/t", NULL);               /* its "w2.v" is already used */
    add(&ops, &show, "bproute", "GET", "/first", "u", NULL);
    add(&ops, &show, "bproute", "GET", "/x", "v", NULL);
    add(&ops, &show, "register", NULL);
    add(&ops, &show, "get", "/t/first", NULL);            /* nothing of it was added */
    add(&ops, &show, "get", "/taken", NULL);
    snprintf(ep, sizeof ep, "%s3", w);
    add(&ops, &show, "bp", ep, "/", NULL);                /* "/" is no prefix at all */
    add(&ops, &show, "bproute", "GET", "/root", "r", NULL);
    add(&ops, &show, "register", NULL);
    add(&ops, &show, "get", "/root", NULL);
    add(&ops, &show, "bp", ep, "/lost", NULL);
    add(&ops, &show, "bproute", "GET", "/gone", "g", NULL);
    add(&ops, &show, "registernull", NULL);
    add(&ops, &show, "static", "/", "nowhere", NULL);     /* "/" too is no prefix */
    add(&ops, &show, "url_for", "static", "filename", "a b.css", NULL);
    check(name, &ops, &show);
    wire_buf_free(&ops);
    wire_buf_free(&show);
}

int main(int argc, char **argv)
{
    uint64_t seed = wire_seed_arg(argc, argv);
    const char *tmp = getenv("TMPDIR");
    snprintf(base, sizeof base, "%s/lab08-ref-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (mkdtemp(base) == NULL)
        tap_bail_out("cannot make a temporary folder");
    wire_rng_seed(&rng, seed);
    wire_peer_init(&peer, 10000);
    tap_plan(9);
    test_mime("MIME types from file extensions (any letter case)");
    test_send("send_file serves the regular files of a folder with their type", 1);
    test_traversal("send_file: '..', absolute paths and encoded dots give 404", 2);
    test_symlinks("symlinks: inside the folder served, pointing outside 404", 3);
    test_static_route("the static route: prefix, files, traversal through the URL", 4);
    test_static_route("the static route again, another prefix and tree", 5);
    test_blueprints("blueprints: URL prefixes, endpoints name.view, url_for", 0);
    test_blueprints("blueprint before-request hooks run only for their own rules", 1);
    test_refusals("blueprint refusals: bad names and prefixes, clashes, all or nothing; prefixes \"/\"");
    while (nmade > 0) {
        nmade--;
        if (unlink(made[nmade]) < 0)
            rmdir(made[nmade]);
        free(made[nmade]);
    }
    rmdir(base);
    return wire_finish(&peer);
}
