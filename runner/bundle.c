/* bundle.c -- writes a learner bundle (bundle.h) of a full course as a tar.gz with
 * libarchive, and answers the questions the loader and the given files ask of one:
 * its mark, where starter(n) of a file is, whether it holds anything it must not. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "exam.h"
#include "exitcode.h"
#include "frontmatter.h"
#include "starter.h"
#include "track.h"
#include "util.h"

#define BUNDLE_FILE_CAP (4u << 20)      /* no course file is anywhere near this */
#define BUNDLE_MARK_CAP 65536

/* The kit files a workspace gets (given.c installs them): the only ones of labs/kit. */
static const char *const bundle_kit[] = { "tap.h", "tap.c", "workspace.mk", NULL };

/* One bundle being written: the archive and the bytes it produced so far. */
struct bundle_out {
    struct archive *a;
    struct sb bytes;
    char **cause;
};

static la_ssize_t bundle_sink(struct archive *a, void *ud, const void *buf, size_t n)
{
    (void)a;
    sb_add(&((struct bundle_out *)ud)->bytes, buf, n);
    return (la_ssize_t)n;
}

/* Adds a regular file `name` holding data[0..len). Returns 0 or -1 with *o->cause. */
static int bundle_add(struct bundle_out *o, const char *name, const char *data, size_t len)
{
    struct archive_entry *e = archive_entry_new();
    archive_entry_set_pathname(e, name);
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, (la_int64_t)len);
    archive_entry_set_mtime(e, 0, 0);   /* the same course gives the same bytes */
    int rc = archive_write_header(o->a, e) == ARCHIVE_OK
             && (len == 0 || archive_write_data(o->a, data, len) == (la_ssize_t)len) ? 0 : -1;
    if (rc < 0)
        *o->cause = xasprintf("%s: %s", name, archive_error_string(o->a));
    archive_entry_free(e);
    return rc;
}

/* Adds the course file src as `name`. */
static int bundle_add_file(struct bundle_out *o, const char *src, const char *name)
{
    size_t len;
    char *text = util_read_file(src, BUNDLE_FILE_CAP, &len);
    if (text == NULL) {
        *o->cause = xasprintf("%s: %s", src, strerror(errno));
        return -1;
    }
    int rc = bundle_add(o, name, text, len);
    free(text);
    return rc;
}

static int bundle_ends(const char *name, const char *suffix)
{
    size_t n = strlen(name), m = strlen(suffix);
    return n > m && strcmp(name + n - m, suffix) == 0;
}

/* 1 for a C source or header (what given.c renders and installs of public/). */
static int bundle_is_source(const char *name)
{
    return bundle_ends(name, ".c") || bundle_ends(name, ".h");
}

static int bundle_is_md(const char *name)
{
    return bundle_ends(name, ".md");
}

/* Adds each regular file of dir accepted by keep as rel/NAME. */
static int bundle_add_dir(struct bundle_out *o, const char *dir, const char *rel,
                          int (*keep)(const char *))
{
    char **names = course_list_dir(dir);
    int rc = 0;
    for (size_t i = 0; names[i] != NULL && rc == 0; i++) {
        char *src = util_path_join(dir, names[i]);
        if (util_is_file(src) && keep(names[i])) {
            char *name = xasprintf("%s/%s", rel, names[i]);
            rc = bundle_add_file(o, src, name);
            free(name);
        }
        free(src);
    }
    fm_list_free(names);
    return rc;
}

/* labs/TRACK/track.md and, for each lab of the track, its lab.md and public tests. */
static int bundle_add_track(struct bundle_out *o, const struct course *c, const struct track *t)
{
    char *name = xasprintf("labs/%s/track.md", t->id);
    int rc = bundle_add_file(o, t->path, name);
    free(name);
    for (size_t i = 0; i < c->nlabs && rc == 0; i++) {
        const struct lab *lab = &c->labs[i];
        if (lab->trk != t)
            continue;
        char *rel = xasprintf("labs/%s/%s-%s", t->id, lab->id, lab->slug);
        char *md = xasprintf("%s/lab.md", rel);
        char *pub = util_path_join(lab->dir, "public");
        char *pubrel = xasprintf("%s/public", rel);
        rc = bundle_add_file(o, lab->path, md);
        if (rc == 0)
            rc = bundle_add_dir(o, pub, pubrel, bundle_is_source);
        free(rel), free(md), free(pub), free(pubrel);
    }
    return rc;
}

/* Adds starter(k) of one learner's file (folder f, file name) for k = 1 and each k up to
 * upto where it differs from starter(k - 1); a file that is no source only as k = 1. */
static int bundle_add_starters(struct bundle_out *o, const struct course_folder *f,
                               const char *file, int upto)
{
    char *src = util_path_join(f->src, file);
    char *shown = xasprintf("%s/%s", f->shown, file);
    size_t len;
    char *text = util_read_file(src, BUNDLE_FILE_CAP, &len);
    char *prev = NULL;
    int rc = 0;
    if (text == NULL) {
        *o->cause = xasprintf("%s: %s", shown, strerror(errno));
        rc = -1;
    }
    int last = bundle_is_source(file) ? upto : 1;
    for (int k = 1; k <= last && rc == 0; k++) {
        char *r = bundle_is_source(file) ? starter_render(text, len, k, shown, o->cause)
                                         : xstrndup(text, len);
        if (r == NULL) {
            rc = -1;
            break;
        }
        if (prev == NULL || strcmp(prev, r) != 0) {
            char *name = xasprintf("labs/%s/%s/%02d/%s/%s", f->track->id, BUNDLE_STARTERS, k,
                                   f->name, file);
            rc = bundle_add(o, name, r, strlen(r));
            free(name);
            free(prev);
            prev = r;
        } else {
            free(r);
        }
    }
    free(prev), free(text), free(shown), free(src);
    return rc;
}

/* Every part of the bundle, in a fixed order. */
static int bundle_add_all(struct bundle_out *o, const struct course *c, int upto)
{
    struct sb mark;
    sb_init(&mark);
    sb_printf(&mark, "stacklab bundle 1\nupto %02d\n", upto);
    for (size_t i = 0; i < c->nexams; i++) {
        const struct exam *e = c->exams[i];
        sb_printf(&mark, "exam %s %s %d %d %d %d %s\n", e->id, e->track, e->minutes, e->draw,
                  e->pass, e->attempts, e->title);
    }
    int rc = bundle_add(o, BUNDLE_MARK, mark.buf, mark.len);
    sb_free(&mark);
    char *lessons = util_path_join(c->root, "lessons");
    if (rc == 0)
        rc = bundle_add_dir(o, lessons, "lessons", bundle_is_md);
    free(lessons);
    for (size_t i = 0; bundle_kit[i] != NULL && rc == 0; i++) {
        char *src = track_kit_path(c, bundle_kit[i]);
        char *name = xasprintf("labs/kit/%s", bundle_kit[i]);
        if (util_is_file(src))
            rc = bundle_add_file(o, src, name);
        free(src), free(name);
    }
    for (size_t i = 0; i < c->ntracks && rc == 0; i++)
        rc = bundle_add_track(o, c, &c->tracks[i]);
    for (size_t i = 0; i < c->nfolders && rc == 0; i++) {
        char **names = course_list_dir(c->folders[i].src);
        for (size_t j = 0; names[j] != NULL && rc == 0; j++) {
            char *src = util_path_join(c->folders[i].src, names[j]);
            if (util_is_file(src))
                rc = bundle_add_starters(o, &c->folders[i], names[j], upto);
            free(src);
        }
        fm_list_free(names);
    }
    return rc;
}

int bundle_write(const struct course *c, int upto, char **out, size_t *len, char **cause)
{
    if (c->bundle_upto > 0) {
        *cause = xasprintf("%s is a learner bundle already: make bundles from the full course",
                           c->root);
        return -1;
    }
    if (upto < 1 || upto > BUNDLE_UPTO_MAX) {
        *cause = xasprintf("upto: %d is no lab number (1 to %d)", upto, BUNDLE_UPTO_MAX);
        return -1;
    }
    struct bundle_out o = { .a = archive_write_new(), .cause = cause };
    sb_init(&o.bytes);
    int rc = -1;
    if (archive_write_set_format_pax_restricted(o.a) != ARCHIVE_OK
        || archive_write_add_filter_gzip(o.a) != ARCHIVE_OK
        || archive_write_set_options(o.a, "gzip:!timestamp") != ARCHIVE_OK
        || archive_write_set_bytes_in_last_block(o.a, 1) != ARCHIVE_OK
        || archive_write_open(o.a, &o, NULL, bundle_sink, NULL) != ARCHIVE_OK)
        *cause = xasprintf("cannot start the archive: %s", archive_error_string(o.a));
    else if (bundle_add_all(&o, c, upto) == 0)
        rc = 0;
    if (archive_write_close(o.a) != ARCHIVE_OK && rc == 0) {
        *cause = xasprintf("cannot finish the archive: %s", archive_error_string(o.a));
        rc = -1;
    }
    archive_write_free(o.a);
    if (rc < 0) {
        sb_free(&o.bytes);
        return -1;
    }
    *len = o.bytes.len;
    *out = sb_steal(&o.bytes);
    return 0;
}

int bundle_write_file(const struct course *c, int upto, const char *path, char **cause)
{
    char *data;
    size_t len;
    if (bundle_write(c, upto, &data, &len, cause) < 0)
        return -1;
    int rc = util_write_file(path, data, len, 0644);
    if (rc < 0)
        *cause = xasprintf("%s: %s", path, strerror(errno));
    free(data);
    return rc;
}

int bundle_read_mark(const char *root, const char *shown, int *upto, char **cause)
{
    char *path = util_path_join(root, BUNDLE_MARK);
    if (!util_is_file(path)) {
        free(path);
        return 0;
    }
    size_t len;
    char *text = util_read_file(path, BUNDLE_MARK_CAP, &len);
    char *where = course_show(shown, BUNDLE_MARK);
    char *nl = text != NULL ? strchr(text, '\n') : NULL;
    int n = 0, off = 0, rc = -1;
    if (text == NULL)
        *cause = xasprintf("%s:0: cannot read: %s", where, strerror(errno));
    else if (nl == NULL || strncmp(text, "stacklab bundle 1\n", 18) != 0)
        *cause = xasprintf("%s:1: not a bundle mark of this program (expected 'stacklab "
                           "bundle 1')", where);
    else if (sscanf(nl + 1, "upto %2d%n", &n, &off) != 1 || off != 7 || nl[1 + off] != '\n'
             || n < 1 || n > BUNDLE_UPTO_MAX)
        *cause = xasprintf("%s:2: expected 'upto NN', NN the lab number (01 to %d) the "
                           "bundle renders starters up to", where, BUNDLE_UPTO_MAX);
    else
        *upto = n, rc = 1;
    free(where), free(text), free(path);
    return rc;
}

/* The exam of a mark's line "exam ID TRACK MINUTES DRAW PASS ATTEMPTS TITLE" (after
 * "exam "): its settings only. NULL when the line is malformed. */
static struct exam *bundle_exam_line(const char *line)
{
    char id[EXAM_ID_MAX + 2], track[64];
    int minutes, draw, pass, attempts, off = 0;
    if (sscanf(line, "%32s %63s %d %d %d %d %n", id, track, &minutes, &draw, &pass,
               &attempts, &off) != 6 || off == 0)
        return NULL;
    const char *title = line + off;
    size_t n = strlen(id);
    if (n > EXAM_ID_MAX || strspn(id, "abcdefghijklmnopqrstuvwxyz0123456789-") != n
        || strspn(track, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
               != strlen(track)
        || minutes < 1 || minutes > 600 || draw < 1 || draw > 500 || pass < 0 || pass > 100
        || attempts < 0 || attempts > 100 || title[0] == '\0' || strlen(title) > 200)
        return NULL;
    for (const char *t = title; *t; t++)
        if ((unsigned char)*t < 0x20 || *t == 0x7f)
            return NULL;
    struct exam *ex = xcalloc(1, sizeof *ex);
    ex->id = xstrdup(id);
    ex->path = xstrdup(BUNDLE_MARK);
    ex->title = xstrdup(title);
    ex->track = xstrdup(track);
    ex->minutes = minutes, ex->draw = draw, ex->pass = pass, ex->attempts = attempts;
    return ex;
}

int bundle_read_exams(const char *root, const char *shown, struct exam ***out, size_t *n,
                      struct sb *err)
{
    char *path = util_path_join(root, BUNDLE_MARK);
    size_t len;
    char *text = util_read_file(path, BUNDLE_MARK_CAP, &len);
    char *where = course_show(shown, BUNDLE_MARK);
    *out = NULL;
    *n = 0;
    size_t cap = 0, lineno = 0;
    for (char *line = text, *nl; line != NULL && *line; line = nl + 1) {
        nl = strchr(line, '\n');
        lineno++;
        if (nl == NULL)
            break;
        *nl = '\0';
        if (strncmp(line, "exam ", 5) != 0)
            continue;
        struct exam *ex = bundle_exam_line(line + 5);
        if (ex == NULL) {
            sb_printf(err, "%s:%zu: expected 'exam ID TRACK MINUTES QUESTIONS PASS ATTEMPTS "
                      "TITLE' with each in its range\n", where, lineno);
            continue;
        }
        if (*n == cap)
            *out = xrealloc(*out, (cap = cap ? cap * 2 : 4) * sizeof **out);
        (*out)[(*n)++] = ex;
    }
    free(where), free(text), free(path);
    return 0;
}

char *bundle_starter_path(const struct course *c, const char *rel, int n, char **cause)
{
    const char *slash = strchr(rel, '/');
    const struct course_folder *f = NULL;
    for (size_t i = 0; slash != NULL && i < c->nfolders; i++)
        if (strlen(c->folders[i].name) == (size_t)(slash - rel)
            && strncmp(c->folders[i].name, rel, (size_t)(slash - rel)) == 0)
            f = &c->folders[i];
    if (f == NULL || strstr(rel, "..") != NULL) {
        *cause = xasprintf("%s: the course has no starter of this file", rel);
        return NULL;
    }
    if (n > c->bundle_upto) {
        *cause = xasprintf("%s: starter(%02d) needed, but this course bundle stops at lab "
                           "%02d: run `stacklab update`", rel, n, c->bundle_upto);
        return NULL;
    }
    for (int k = n < 1 ? 1 : n; k >= 1; k--) {
        char *path = xasprintf("%s/%s/%02d/%s", f->track->dir, BUNDLE_STARTERS, k, rel);
        if (util_is_file(path))
            return path;
        free(path);
    }
    *cause = xasprintf("%s: the bundle has no starter of this file (labs/%s/%s/01/%s)", rel,
                       f->track->id, BUNDLE_STARTERS, rel);
    return NULL;
}

/* Reports each line of the starter file path (shown as rel) that carries a marker. */
static int bundle_check_markers(const char *path, const char *rel, struct sb *errs)
{
    size_t len;
    char *text = util_read_file(path, BUNDLE_FILE_CAP, &len);
    int problems = 0;
    size_t line = 1;
    for (const char *p = text; p != NULL && p < text + len; line++) {
        const char *nl = memchr(p, '\n', (size_t)(text + len - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(text + len - p);
        if (memmem(p, n, "SOLUTION(", 9) != NULL) {
            sb_printf(errs, "%s:%zu: a SOLUTION marker in a learner bundle\n", rel, line);
            problems++;
        }
        p = nl ? nl + 1 : NULL;
    }
    free(text);
    return problems;
}

/* Checks every file under the track's starters/KK/FOLDER/ for markers. */
static int bundle_check_starters(const struct track *t, struct sb *errs)
{
    char *top = util_path_join(t->dir, BUNDLE_STARTERS);
    char **ks = course_list_dir(top);
    int problems = 0;
    for (size_t i = 0; ks[i] != NULL; i++) {
        char *kdir = util_path_join(top, ks[i]);
        char **folders = course_list_dir(kdir);
        for (size_t j = 0; folders[j] != NULL; j++) {
            char *fdir = util_path_join(kdir, folders[j]);
            char **files = course_list_dir(fdir);
            for (size_t m = 0; files[m] != NULL; m++) {
                char *path = util_path_join(fdir, files[m]);
                char *rel = xasprintf("labs/%s/%s/%s/%s/%s", t->id, BUNDLE_STARTERS, ks[i],
                                      folders[j], files[m]);
                problems += bundle_check_markers(path, rel, errs);
                free(path), free(rel);
            }
            fm_list_free(files);
            free(fdir);
        }
        fm_list_free(folders);
        free(kdir);
    }
    fm_list_free(ks);
    free(top);
    return problems;
}

/* 1 when name looks like a lab's folder: "NN-slug". */
static int bundle_is_lab_dir(const char *name)
{
    return name[0] >= '0' && name[0] <= '9' && name[1] >= '0' && name[1] <= '9'
           && name[2] == '-' && name[3] != '\0';
}

/* Reports each entry of dir (shown as rel) that is not in the NULL-ended allowed (nor a
 * lab's folder, when labs_ok). */
static int bundle_check_only(const char *dir, const char *rel, const char *const *allowed,
                             int labs_ok, const char *what, struct sb *errs)
{
    char **names = course_list_dir(dir);
    int problems = 0;
    for (size_t i = 0; names[i] != NULL; i++) {
        int ok = 0;
        for (size_t k = 0; allowed[k] != NULL && !ok; k++)
            ok = strcmp(names[i], allowed[k]) == 0;
        if (!ok && !(labs_ok && bundle_is_lab_dir(names[i]))) {
            sb_printf(errs, "%s/%s: %s\n", rel, names[i], what);
            problems++;
        }
    }
    fm_list_free(names);
    return problems;
}

int bundle_validate(const struct course *c, char **errors)
{
    static const char *const lab_files[] = { "lab.md", "public", NULL };
    static const char *const track_files[] = { "track.md", BUNDLE_STARTERS, NULL };
    struct sb errs;
    sb_init(&errs);
    int problems = 0;
    char *exams = util_path_join(c->root, "exams");
    if (util_is_dir(exams)) {
        sb_puts(&errs, "exams: exam keys are not part of a learner bundle\n");
        problems++;
    }
    free(exams);
    char *kit = util_path_join(c->root, "labs/kit");
    problems += bundle_check_only(kit, "labs/kit", bundle_kit, 0,
                                  "not part of a learner bundle (only the workspace's kit)",
                                  &errs);
    free(kit);
    for (size_t i = 0; i < c->ntracks; i++) {
        char *rel = xasprintf("labs/%s", c->tracks[i].id);
        problems += bundle_check_only(c->tracks[i].dir, rel, track_files, 1,
                                      "labs' folders, track.md and starters only", &errs);
        problems += bundle_check_starters(&c->tracks[i], &errs);
        free(rel);
    }
    for (size_t i = 0; i < c->nlabs; i++) {
        char *rel = xasprintf("labs/%s/%s-%s", c->labs[i].track, c->labs[i].id,
                              c->labs[i].slug);
        problems += bundle_check_only(c->labs[i].dir, rel, lab_files, 0,
                                      "graded on the server: not part of a learner bundle",
                                      &errs);
        free(rel);
    }
    if (problems > 0)
        *errors = sb_steal(&errs);
    else
        sb_free(&errs);
    return problems;
}

const char *bundle_grade_verb(const struct course *c)
{
    return c != NULL && c->bundle_upto > 0 ? "submit" : "check";
}

int bundle_refuse(const struct course *c, const char *cmd, const char *why)
{
    if (c == NULL || c->bundle_upto == 0)
        return 0;
    fprintf(stderr, "stacklab %s: a class course: %s\n", cmd, why);
    return EXIT_USAGE;
}
