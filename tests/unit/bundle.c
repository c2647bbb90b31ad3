/* bundle.c (test) -- a learner bundle's tar.gz on the learner's side (bundle_unpack):
 * the course's own bundle round-trips (same bytes twice, unpacks, loads as a bundle with
 * every lab and lesson); hostile archives built here with libarchive's writer (absolute
 * paths, "." and "..", empty components, links, devices, fifos, folders outside BUNDLE,
 * lessons/ and labs/, a BUNDLE that is a folder, too deep, too many entries, a file or a
 * total too big, a second entry of a name, data that is not a tar.gz, cut short, no or a
 * bad mark, a link planted in the destination) are each refused naming the entry, and
 * nothing lands outside the destination. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "bundle.h"
#include "course.h"
#include "exam.h"
#include "tap.h"
#include "util.h"

#define MARK "stacklab bundle 1\nupto 03\n"

/* One entry of a test archive. */
struct ent {
    const char *name;
    unsigned type;              /* AE_IFREG ... (0: AE_IFREG) */
    const char *data;           /* the file's bytes (NULL: size zero bytes) */
    size_t size;
    const char *link;           /* a symbolic link's target */
};

static char *tmp;               /* a private folder; each case unpacks in tmp/case-N */
static int ncase;

static la_ssize_t t_write_cb(struct archive *a, void *data, const void *buf, size_t n)
{
    (void)a;
    sb_add(data, buf, n);
    return (la_ssize_t)n;
}

/* A tar.gz of the n entries. Caller frees. */
static char *t_tar(const struct ent *e, size_t n, size_t *len)
{
    struct sb out = { 0 };
    struct archive *a = archive_write_new();
    archive_write_add_filter_gzip(a);
    archive_write_set_format_pax_restricted(a);
    archive_write_set_bytes_in_last_block(a, 1);
    archive_write_open(a, &out, NULL, t_write_cb, NULL);
    for (size_t i = 0; i < n; i++) {
        struct archive_entry *ae = archive_entry_new();
        unsigned type = e[i].type ? e[i].type : AE_IFREG;
        size_t size = e[i].data ? strlen(e[i].data) : e[i].size;
        archive_entry_set_pathname(ae, e[i].name);
        archive_entry_set_filetype(ae, type);
        archive_entry_set_perm(ae, 0644);
        if (e[i].link)
            archive_entry_set_symlink(ae, e[i].link);
        archive_entry_set_size(ae, type == AE_IFREG ? (la_int64_t)size : 0);
        archive_write_header(a, ae);
        if (type == AE_IFREG && size > 0) {
            char *buf = e[i].data ? xstrdup(e[i].data) : xcalloc(1, size);
            archive_write_data(a, buf, size);
            free(buf);
        }
        archive_entry_free(ae);
    }
    archive_write_close(a);
    archive_write_free(a);
    *len = out.len;
    return sb_steal(&out);
}

/* Unpacks data into a fresh tmp/case-N (its path to *dest when dest is not NULL).
 * Returns bundle_unpack's result; *cause gets its cause ("" on success; caller frees). */
static int t_unpack(const char *data, size_t len, char **cause, int *upto, char **dest)
{
    char *d = xasprintf("%s/case-%d", tmp, ++ncase);
    mkdir(d, 0755);
    *cause = NULL;
    int rc = bundle_unpack(data, len, d, upto, cause);
    if (*cause == NULL)
        *cause = xstrdup("");
    if (dest != NULL)
        *dest = d;
    else
        free(d);
    return rc;
}

/* A hostile archive of the entries: refused with a cause holding `want`, and nothing
 * written beside the case folders (tmp/x, tmp/etc-x). */
static void t_refused(const struct ent *e, size_t n, const char *want, const char *what)
{
    size_t len;
    char *data = t_tar(e, n, &len);
    char *cause;
    int upto = 0;
    int rc = t_unpack(data, len, &cause, &upto, NULL);
    ok(rc == -1 && strstr(cause, want) != NULL, "%s: refused (%s)", what, cause);
    char *x = xasprintf("%s/x", tmp);
    ok(access(x, F_OK) != 0, "%s: nothing written outside the destination", what);
    free(x), free(cause), free(data);
}

/* The course's bundle for lab 13: the same bytes twice, and it unpacks and loads. */
static void t_round_trip(void)
{
    char *errors = NULL, *cause = NULL;
    struct course *c = course_load(STACKLAB_SRCDIR, &errors);
    if (c == NULL) {
        diag("%s", errors);
        BAIL_OUT("the course does not load");
    }
    char *a = NULL, *b = NULL;
    size_t alen = 0, blen = 0;
    ok(bundle_write(c, 13, &a, &alen, &cause) == 0 && bundle_write(c, 13, &b, &blen, &cause) == 0
       && alen == blen && memcmp(a, b, alen) == 0, "the course's bundle: the same bytes twice");
    free(b);
    b = NULL;
    char *dest;
    int upto = 0;
    int rc = t_unpack(a, alen, &cause, &upto, &dest);
    is_int(rc, 0, "it unpacks (%s)", cause);
    is_int(upto, 13, "its mark says lab 13");
    free(cause);
    struct course *u = course_load(dest, &errors);
    ok(u != NULL && u->bundle_upto == 13 && u->nlabs == c->nlabs && u->nlessons == c->nlessons
       && u->nexams == c->nexams && c->nexams > 0 && u->exams[0]->nquestions == 0
       && u->exams[0]->ntopics == 0 && strcmp(u->exams[0]->id, c->exams[0]->id) == 0
       && u->exams[0]->minutes == c->exams[0]->minutes
       && strcmp(u->exams[0]->title, c->exams[0]->title) == 0,
       "it loads as a bundle with every lab and lesson, and each exam's settings without "
       "a question");
    if (u == NULL)
        diag("%s", errors);
    ok(bundle_write(u, 13, &b, &blen, &cause) == -1
       && strstr(cause, "is a learner bundle already") != NULL, "no bundle of a bundle");
    free(cause);
    cause = NULL;
    ok(bundle_write(c, 0, &b, &blen, &cause) == -1 && strstr(cause, "upto: 0") != NULL,
       "upto 0 is refused naming upto");
    free(cause);
    course_free(u), course_free(c), free(dest), free(a), free(errors);
}

static void t_paths(void)
{
    static const struct { const char *name, *want; } bad[] = {
        { "../x", "a .. component" },
        { "labs/../../x", "a .. component" },
        { "/etc-x", "an absolute path" },
        { "labs/./x", "a . component" },
        { "labs//x", "an empty component" },
        { "exams/final.exam", "not part of a learner bundle" },
        { "x", "not part of a learner bundle" },
        { "BUNDLE/x", "BUNDLE must be a file" },
        { "labs/a/b/c/d/e/f/g/h", "more than 8 folders deep" },
        { "labs/\033[2Jx", "entry 2 (labs/?[2Jx): a control character" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct ent e[] = { { .name = "BUNDLE", .data = MARK }, { .name = bad[i].name, .data = "x" } };
        t_refused(e, 2, bad[i].want, bad[i].name);
    }
    struct ent dir[] = { { .name = "BUNDLE", .type = AE_IFDIR } };
    t_refused(dir, 1, "BUNDLE must be a file", "a folder BUNDLE");
}

static void t_types(void)
{
    static const struct { unsigned type; const char *what; } bad[] = {
        { AE_IFLNK, "a symbolic link" }, { AE_IFCHR, "a device" }, { AE_IFIFO, "a fifo" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct ent e[] = { { .name = "BUNDLE", .data = MARK },
                           { .name = "labs/x", .type = bad[i].type, .link = "/etc/passwd" } };
        t_refused(e, 2, "entry 2 (labs/x): not a regular file or a folder", bad[i].what);
    }
    struct ent twice[] = { { .name = "BUNDLE", .data = MARK }, { .name = "lessons/a.md", .data = "a" },
                           { .name = "lessons/a.md", .data = "b" } };
    t_refused(twice, 3, "entry 3 (lessons/a.md): a second entry of that name", "a name twice");
}

static void t_limits(void)
{
    struct ent big[] = { { .name = "BUNDLE", .data = MARK },
                         { .name = "labs/big", .size = BUNDLE_MAX_FILE + 1 } };
    t_refused(big, 2, "entry 2 (labs/big): a file over 4 MiB", "a file over 4 MiB");
    size_t n = BUNDLE_MAX_TOTAL / BUNDLE_MAX_FILE + 2;
    struct ent *many = xcalloc(n, sizeof *many);
    char **names = xcalloc(n, sizeof *names);
    many[0] = (struct ent){ .name = "BUNDLE", .data = MARK };
    for (size_t i = 1; i < n; i++) {
        names[i] = xasprintf("labs/f%zu", i);
        many[i] = (struct ent){ .name = names[i], .size = BUNDLE_MAX_FILE };
    }
    t_refused(many, n, "more than 64 MiB unpacked", "files over 64 MiB in all");
    for (size_t i = 1; i < n; i++)
        free(names[i]);
    free(names), free(many);
    n = BUNDLE_MAX_ENTRIES + 1;
    many = xcalloc(n, sizeof *many);
    names = xcalloc(n, sizeof *names);
    many[0] = (struct ent){ .name = "BUNDLE", .data = MARK };
    for (size_t i = 1; i < n; i++) {
        names[i] = xasprintf("labs/d%zu/", i);
        many[i] = (struct ent){ .name = names[i], .type = AE_IFDIR };
    }
    t_refused(many, n, "entry 4097 (): more than 4096 entries", "4097 entries");
    for (size_t i = 1; i < n; i++)
        free(names[i]);
    free(names), free(many);
}

static void t_marks_and_data(void)
{
    struct ent none[] = { { .name = "lessons/a.md", .data = "a" } };
    t_refused(none, 1, "not a learner bundle (no BUNDLE mark)", "no mark");
    struct ent bad[] = { { .name = "BUNDLE", .data = "stacklab bundle 1\nupto 1000\n" } };
    t_refused(bad, 1, "BUNDLE:2: expected 'upto NN'", "a bad mark");
    char *cause;
    int upto;
    int rc = t_unpack("plain text", 10, &cause, &upto, NULL);
    ok(rc == -1 && *cause != '\0', "data that is not a tar.gz is refused (%s)", cause);
    free(cause);
    size_t len;
    char *data = t_tar((struct ent[]){ { .name = "BUNDLE", .data = MARK },
                                       { .name = "labs/f", .size = 100000 } }, 2, &len);
    rc = t_unpack(data, len / 2, &cause, &upto, NULL);
    ok(rc == -1 && *cause != '\0', "an archive cut short is refused (%s)", cause);
    free(cause), free(data);
}

/* A link already in the destination is never followed. */
static void t_planted_link(void)
{
    char *d = xasprintf("%s/case-%d", tmp, ++ncase), *link = xasprintf("%s/labs", d);
    char *outside = xasprintf("%s/outside", tmp), *victim = xasprintf("%s/outside/f", tmp);
    mkdir(d, 0755);
    mkdir(outside, 0755);
    ok(symlink(outside, link) == 0, "a link labs -> outside planted in the destination");
    size_t len;
    char *data = t_tar((struct ent[]){ { .name = "BUNDLE", .data = MARK },
                                       { .name = "labs/f", .data = "x" } }, 2, &len);
    char *cause = NULL;
    int upto;
    int rc = bundle_unpack(data, len, d, &upto, &cause);
    ok(rc == -1 && cause != NULL
       && strstr(cause, "entry 2 (labs/f)") != NULL && access(victim, F_OK) != 0,
       "it is not followed (%s)", cause ? cause : "");
    free(cause), free(data), free(d), free(link), free(outside), free(victim);
}

int main(void)
{
    const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    tmp = xasprintf("%s/bundle-XXXXXX", base);
    if (mkdtemp(tmp) == NULL)
        BAIL_OUT("mkdtemp: %s", strerror(errno));
    t_round_trip();
    t_paths();
    t_types();
    t_limits();
    t_marks_and_data();
    t_planted_link();
    util_rmtree(tmp);
    free(tmp);
    return done_testing();
}
