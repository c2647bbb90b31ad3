/* course.c -- loads the course folder (lessons/, labs/, exams/) into one validated,
 * ordered struct course. Every problem is reported as "path:line: message"; a course with
 * any problem is not returned, so the rest of the program only sees valid courses. A
 * learner bundle (bundle.h) loads the same way, without what it lacks: checkers, drivers,
 * references (its learner's folders are starters) and exams. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "bundle.h"
#include "client.h"
#include "course.h"
#include "exam.h"
#include "frontmatter.h"
#include "track.h"
#include "util.h"

#define COURSE_FILE_CAP (1024 * 1024)
#define NO_LINE ((size_t)-1)

/* A lab plus the lines of the keys that refer to other things, for messages. */
struct lab_fm {
    struct lab lab;
    size_t lesson_line, requires_line, files_line, id_line, track_line;
};
struct lesson_fm {
    struct lesson lesson;
    size_t id_line;
};

static const struct fm_field course_lesson_fields[] = {
    { "id", FM_ID, 1, offsetof(struct lesson_fm, lesson.id), 0, 0, offsetof(struct lesson_fm, id_line) },
    { "title", FM_STRING, 1, offsetof(struct lesson_fm, lesson.title), 0, 0, NO_LINE },
    { "minutes", FM_INT, 1, offsetof(struct lesson_fm, lesson.minutes), 1, 300, NO_LINE },
    { "track", FM_STRING, 0, offsetof(struct lesson_fm, lesson.track), 0, 0, NO_LINE },
    { NULL, 0, 0, 0, 0, 0, 0 }
};

static const struct fm_field course_lab_fields[] = {
    { "id", FM_ID, 1, offsetof(struct lab_fm, lab.id), 0, 0, offsetof(struct lab_fm, id_line) },
    { "title", FM_STRING, 1, offsetof(struct lab_fm, lab.title), 0, 0, NO_LINE },
    { "track", FM_STRING, 0, offsetof(struct lab_fm, lab.track), 0, 0, offsetof(struct lab_fm, track_line) },
    { "lesson", FM_ID, 1, offsetof(struct lab_fm, lab.lesson), 0, 0, offsetof(struct lab_fm, lesson_line) },
    { "requires", FM_ID, 0, offsetof(struct lab_fm, lab.requires), 0, 0, offsetof(struct lab_fm, requires_line) },
    { "files", FM_LIST, 1, offsetof(struct lab_fm, lab.files), 0, 0, offsetof(struct lab_fm, files_line) },
    { "points", FM_INT, 0, offsetof(struct lab_fm, lab.points), 1, 1000, NO_LINE },
    { "time", FM_NUMBER, 0, offsetof(struct lab_fm, lab.time_limit), 1, 600, NO_LINE },
    { "memory", FM_INT, 0, offsetof(struct lab_fm, lab.mem_limit), 16, 4096, NO_LINE },
    { NULL, 0, 0, 0, 0, 0, 0 }
};

/* "NN-slug" + suffix: returns 1 and the slug (allocated) when name has that shape. */
static int course_split_name(const char *name, const char *suffix, char **slug)
{
    size_t n = strlen(name), sl = strlen(suffix);
    if (n < 4 + sl || name[0] < '0' || name[0] > '9' || name[1] < '0' || name[1] > '9'
        || name[2] != '-' || strcmp(name + n - sl, suffix) != 0)
        return 0;
    *slug = xstrndup(name + 3, n - 3 - sl);
    return 1;
}

static int course_cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char **course_list_dir(const char *dir)
{
    DIR *d = opendir(dir);
    size_t n = 0, cap = 16;
    char **names = xcalloc(cap, sizeof *names);
    if (d != NULL) {
        struct dirent *de;
        while ((de = readdir(d)) != NULL) {
            if (de->d_name[0] == '.')
                continue;
            if (n + 2 > cap) {
                cap *= 2;
                names = xrealloc(names, cap * sizeof *names);
            }
            names[n++] = xstrdup(de->d_name);
        }
        closedir(d);
    }
    qsort(names, n, sizeof *names, course_cmp_str);
    names[n] = NULL;
    return names;
}

/* Start of the next line after p (or the end of the text). */
static const char *course_eol(const char *p)
{
    const char *nl = strchr(p, '\n');
    return nl != NULL ? nl + 1 : p + strlen(p);
}

/* The level (1-6) of a heading line at p, or 0. */
static int course_heading(const char *p)
{
    int n = 0;
    while (p[n] == '#' && n < 7)
        n++;
    return n >= 1 && n <= 6 && (p[n] == ' ' || p[n] == '\n' || p[n] == '\0') ? n : 0;
}

/* 1 when the heading line at p, of `level`, starts with word (any case). */
static int course_heading_is(const char *p, int level, const char *word)
{
    return course_heading(p) == level && strncasecmp(p + level + 1, word, strlen(word)) == 0;
}

/* A copy of [p, e) without leading and trailing blank lines. */
static char *course_trimmed(const char *p, const char *e)
{
    while (p < e && (*p == '\n' || *p == ' ' || *p == '\r'))
        p++;
    while (e > p && (e[-1] == '\n' || e[-1] == ' ' || e[-1] == '\r'))
        e--;
    return xstrndup(p, (size_t)(e - p));
}

void course_lab_text(const char *body, struct lab_text *t)
{
    struct sb ins;
    sb_init(&ins);
    memset(t, 0, sizeof *t);
    size_t cap = 4;
    t->hints = xcalloc(cap, sizeof *t->hints);
    int in_hints = 0;
    const char *hint = NULL;        /* start of the current hint's text */
    for (const char *p = body; ; p = course_eol(p)) {
        int level = *p != '\0' ? course_heading(p) : 1;
        if (hint != NULL && level >= 1 && level <= 3) {
            if ((size_t)t->nhints + 2 > cap)
                t->hints = xrealloc(t->hints, (cap *= 2) * sizeof *t->hints);
            t->hints[t->nhints++] = course_trimmed(hint, p);
            t->hints[t->nhints] = NULL;
            hint = NULL;
        }
        if (*p == '\0')
            break;
        if (!in_hints && course_heading_is(p, 2, "Hints"))
            in_hints = 1;
        else if (in_hints && level >= 1 && level <= 2)
            in_hints = 0;       /* a later section: instructions again */
        if (in_hints && course_heading_is(p, 3, "Hint"))
            hint = course_eol(p);
        if (!in_hints)
            sb_add(&ins, p, (size_t)(course_eol(p) - p));
    }
    t->instructions = sb_steal(&ins);
}

void course_lab_text_free(struct lab_text *t)
{
    for (int i = 0; t->hints != NULL && i < t->nhints; i++)
        free(t->hints[i]);
    free(t->hints);
    free(t->instructions);
    memset(t, 0, sizeof *t);
}

char *course_lab_markdown(const char *body, int shown, int *nhints)
{
    struct lab_text t;
    course_lab_text(body, &t);
    struct sb sb;
    sb_init(&sb);
    sb_puts(&sb, t.instructions);
    int n = t.nhints;
    *nhints = n;
    if (n > 0 && shown > 0) {
        sb_printf(&sb, "\n## Hints (%d of %d)\n\n", shown < n ? shown : n, n);
        for (int i = 0; i < shown && i < n; i++)
            sb_printf(&sb, "### Hint %d\n\n%s\n\n", i + 1, t.hints[i]);
    }
    course_lab_text_free(&t);
    return sb_steal(&sb);
}

/* Counts the hints of a lab's whole text (front matter included: it has no headings). */
static int course_count_hints(const char *text)
{
    struct lab_text t;
    course_lab_text(text, &t);
    int n = t.nhints;
    course_lab_text_free(&t);
    return n;
}

static void course_lesson_free(struct lesson *l)
{
    free(l->id);
    free(l->slug);
    free(l->title);
    free(l->track);
    free(l->path);
}

static void course_lab_free(struct lab *l)
{
    free(l->id);
    free(l->slug);
    free(l->title);
    free(l->track);
    free(l->lesson);
    free(l->requires);
    fm_list_free(l->files);
    fm_list_free(l->folders);
    free(l->dir);
    free(l->path);
}

char *course_show(const char *shown_root, const char *rel)
{
    if (strcmp(shown_root, ".") == 0)
        return xstrdup(rel);
    return util_path_join(shown_root, rel);
}

static void course_load_lessons(struct course *c, const char *shown, struct sb *err,
                                struct lesson_fm **out, size_t *nout)
{
    char *dir = util_path_join(c->root, "lessons");
    char **names = course_list_dir(dir);
    size_t n = 0;
    for (char **p = names; *p; p++)
        n++;
    struct lesson_fm *ls = xcalloc(n + 1, sizeof *ls);
    size_t k = 0;
    if (!util_is_dir(dir))
        sb_printf(err, "%s:0: no lessons folder\n", shown);
    for (char **p = names; *p; p++) {
        char *slug;
        if (!course_split_name(*p, ".md", &slug))
            continue;
        char *rel = xasprintf("lessons/%s", *p);
        char *path = course_show(shown, rel);
        char *full = util_path_join(c->root, rel);
        size_t len;
        char *text = util_read_file(full, COURSE_FILE_CAP, &len);
        struct lesson_fm *lf = &ls[k];
        lf->lesson.slug = slug;
        lf->lesson.path = full;
        if (text == NULL) {
            sb_printf(err, "%s:0: cannot read: %s\n", path, strerror(errno));
        } else if (fm_parse(text, path, course_lesson_fields, lf, &lf->lesson.body_line, err) == 0) {
            if (strncmp(lf->lesson.id, *p, 2) != 0)
                sb_printf(err, "%s:%zu: id '%s' does not match the file name's prefix '%.2s'\n",
                          path, lf->id_line, lf->lesson.id, *p);
            if (lf->lesson.track == NULL)
                lf->lesson.track = xstrdup("intro");
            else if (!track_known(c, lf->lesson.track, 0))
                sb_printf(err, "%s:1: unknown track '%s' (intro, or the id of a labs/*/"
                          "track.md)\n", path, lf->lesson.track);
            for (size_t j = 0; j < k; j++)
                if (ls[j].lesson.id && strcmp(ls[j].lesson.id, lf->lesson.id) == 0)
                    sb_printf(err, "%s:%zu: duplicate lesson id '%s' (also in lessons/%s-%s.md)\n",
                              path, lf->id_line, lf->lesson.id, ls[j].lesson.id, ls[j].lesson.slug);
        }
        free(text);
        free(rel);
        free(path);
        k++;
    }
    fm_list_free(names);
    free(dir);
    *out = ls;
    *nout = k;
}

/* Checks one lab's files beside lab.md and its references to lessons and labs. */
static void course_check_lab(struct course *c, struct lab_fm *lf, struct lab_fm *all,
                             size_t idx, struct lesson_fm *ls, size_t nls, const char *path,
                             struct sb *err)
{
    struct lab *lab = &lf->lab;
    static const char *const needed[] = { "driver.c", "checker.c", NULL };
    for (const char *const *f = needed; c->bundle_upto == 0 && *f; f++) {
        char *p = util_path_join(lab->dir, *f);
        if (!util_is_file(p))
            sb_printf(err, "%s:1: the lab folder has no %s\n", path, *f);
        free(p);
    }
    int found = 0;
    for (size_t j = 0; j < nls; j++)
        if (ls[j].lesson.id && strcmp(ls[j].lesson.id, lab->lesson) == 0)
            found = 1;
    if (!found)
        sb_printf(err, "%s:%zu: unknown lesson '%s'\n", path, lf->lesson_line, lab->lesson);
    if (lab->requires != NULL) {
        int req = -1;
        for (size_t j = 0; j < idx; j++)
            if (all[j].lab.id && strcmp(all[j].lab.id, lab->requires) == 0)
                req = (int)j;
        if (req < 0)
            sb_printf(err, "%s:%zu: unknown required lab '%s' (it must be an earlier lab)\n",
                      path, lf->requires_line, lab->requires);
    }
    for (char **f = lab->files; f && *f; f++) {
        char *ref = track_ref_path(c, *f);
        if (strstr(*f, "..") != NULL || (*f)[0] == '/')
            sb_printf(err, "%s:%zu: file '%s' must be a relative path inside the workspace\n",
                      path, lf->files_line, *f);
        else if (ref == NULL || !util_is_file(ref))
            sb_printf(err, "%s:%zu: file '%s' has no reference (%s)\n", path, lf->files_line,
                      *f, ref ? "no such file in the course" : "no track has that folder");
        free(ref);
    }
    if (lab->nhints < 2)
        sb_printf(err, "%s:%zu: a lab needs at least two '### Hint' sections, found %d\n", path,
                  lab->body_line, lab->nhints);
}

/* Loads the labs of track t (labs/TRACK/NN-slug/lab.md) into labs[*k...]. */
static void course_load_track_labs(struct course *c, const struct track *t, const char *shown,
                                   struct sb *err, struct lesson_fm *ls, size_t nls,
                                   struct lab_fm *labs, size_t *k)
{
    char **names = course_list_dir(t->dir);
    for (char **p = names; *p; p++) {
        char *slug;
        char *sub = util_path_join(t->dir, *p);
        if (!util_is_dir(sub) || !course_split_name(*p, "", &slug)) {
            free(sub);
            continue;
        }
        char *rel = xasprintf("labs/%s/%s/lab.md", t->id, *p);
        char *path = course_show(shown, rel);
        char *full = util_path_join(c->root, rel);
        struct lab_fm *lf = &labs[*k];
        lf->lab.slug = slug;
        lf->lab.dir = sub;
        lf->lab.path = full;
        lf->lab.points = 10;
        lf->lab.time_limit = 30;
        lf->lab.mem_limit = 256;
        size_t len;
        char *text = util_read_file(full, COURSE_FILE_CAP, &len);
        if (text == NULL) {
            sb_printf(err, "%s:0: cannot read: %s\n", path, strerror(errno));
        } else if (fm_parse(text, path, course_lab_fields, lf, &lf->lab.body_line, err) == 0) {
            lf->lab.nhints = course_count_hints(text);
            if (lf->lab.track == NULL)
                lf->lab.track = xstrdup(t->id);
            else if (strcmp(lf->lab.track, t->id) != 0)
                sb_printf(err, "%s:%zu: track '%s' but the lab is in labs/%s/\n", path,
                          lf->track_line, lf->lab.track, t->id);
            if (strncmp(lf->lab.id, *p, 2) != 0)
                sb_printf(err, "%s:%zu: id '%s' does not match the folder's prefix '%.2s'\n",
                          path, lf->id_line, lf->lab.id, *p);
            for (size_t j = 0; j < *k; j++)
                if (labs[j].lab.id && strcmp(labs[j].lab.id, lf->lab.id) == 0)
                    sb_printf(err, "%s:%zu: duplicate lab id '%s' (also in labs/%s/%s-%s)\n",
                              path, lf->id_line, lf->lab.id, labs[j].lab.track,
                              labs[j].lab.id, labs[j].lab.slug);
            course_check_lab(c, lf, labs, *k, ls, nls, path, err);
        }
        free(text);
        free(rel);
        free(path);
        (*k)++;
    }
    fm_list_free(names);
}

static void course_load_labs(struct course *c, const char *shown, struct sb *err,
                             struct lesson_fm *ls, size_t nls, struct lab_fm **out, size_t *nout)
{
    size_t n = 0;
    for (size_t i = 0; i < c->ntracks; i++) {
        char **names = course_list_dir(c->tracks[i].dir);
        for (char **p = names; *p; p++)
            n++;
        fm_list_free(names);
    }
    struct lab_fm *labs = xcalloc(n + 1, sizeof *labs);
    size_t k = 0;
    for (size_t i = 0; i < c->ntracks; i++)
        course_load_track_labs(c, &c->tracks[i], shown, err, ls, nls, labs, &k);
    *out = labs;
    *nout = k;
}

/* Builds the course map: lessons by id, each followed by its labs by id. Reports labs
 * whose ids would not increase along the map (the order must be total and agree). */
static void course_order(struct course *c, const char *shown, struct lab_fm *labs,
                         struct sb *err)
{
    c->order = xcalloc(c->nlessons + c->nlabs + c->nexams + 1, sizeof *c->order);
    const char *last_lab = NULL;
    for (size_t i = 0; i < c->nlessons; i++) {
        c->order[c->norder].kind = COURSE_LESSON;
        c->order[c->norder++].u.lesson = &c->lessons[i];
        for (size_t j = 0; j < c->nlabs; j++) {
            struct lab *lab = &c->labs[j];
            if (strcmp(lab->lesson, c->lessons[i].id) != 0)
                continue;
            if (last_lab != NULL && strcmp(lab->id, last_lab) < 0) {
                char *rel = xasprintf("labs/%s/%s-%s/lab.md", lab->track, lab->id, lab->slug);
                char *path = course_show(shown, rel);
                sb_printf(err, "%s:%zu: lab %s would come after lab %s in the course map "
                          "(its lesson %s comes later); lab ids must follow lesson order\n",
                          path, labs[j].lesson_line, lab->id, last_lab, lab->lesson);
                free(path);
                free(rel);
            }
            last_lab = lab->id;
            c->order[c->norder].kind = COURSE_LAB;
            c->order[c->norder++].u.lab = lab;
        }
    }
}

/* Loads every exams/NAME.exam; problems go to err. */
static void course_load_exams(struct course *c, const char *shown, struct sb *err)
{
    char *dir = util_path_join(c->root, "exams");
    char **names = course_list_dir(dir);
    size_t n = 0;
    for (char **p = names; *p; p++)
        n++;
    c->exams = xcalloc(n + 1, sizeof *c->exams);
    for (char **p = names; *p; p++) {
        size_t len = strlen(*p);
        if (len < 6 || strcmp(*p + len - 5, ".exam") != 0)
            continue;
        char *rel = xasprintf("exams/%s", *p);
        char *path = course_show(shown, rel);
        struct exam *ex = exam_load(path, err);
        if (ex != NULL && !track_known(c, exam_track(ex), 1)) {
            sb_printf(err, "%s:%zu: unknown track '%s' (all, or the id of a labs/*/track.md)\n",
                      path, ex->track_line, exam_track(ex));
            exam_free(ex);
            ex = NULL;
        }
        if (ex != NULL)
            c->exams[c->nexams++] = ex;
        free(path);
        free(rel);
    }
    fm_list_free(names);
    free(dir);
}

/* Puts each exam after the last lesson or lab of its track (track "all": at the end). */
static void course_place_exams(struct course *c)
{
    for (size_t e = 0; e < c->nexams; e++) {
        const char *track = exam_track(c->exams[e]);
        size_t at = c->norder;
        if (strcmp(track, "all") != 0) {
            for (size_t i = 0; i < c->norder; i++) {
                const struct course_item *it = &c->order[i];
                const char *t = it->kind == COURSE_LESSON ? it->u.lesson->track
                                : it->kind == COURSE_LAB  ? it->u.lab->track
                                                          : exam_track(it->u.exam);
                if (strcmp(t, track) == 0)
                    at = i + 1;
            }
        }
        memmove(&c->order[at + 1], &c->order[at], (c->norder - at) * sizeof *c->order);
        c->order[at].kind = COURSE_EXAM;
        c->order[at].u.exam = c->exams[e];
        c->norder++;
    }
}

static int course_cmp_lesson(const void *a, const void *b)
{
    return strcmp(((const struct lesson_fm *)a)->lesson.id, ((const struct lesson_fm *)b)->lesson.id);
}

static int course_cmp_lab(const void *a, const void *b)
{
    return strcmp(((const struct lab_fm *)a)->lab.id, ((const struct lab_fm *)b)->lab.id);
}

struct course *course_load(const char *root, char **errors)
{
    struct sb err = { 0 };
    sb_init(&err);
    struct course *c = xcalloc(1, sizeof *c);
    c->root = util_realpath(root);
    *errors = NULL;
    if (c->root == NULL || !util_is_dir(c->root)) {
        *errors = xasprintf("%s:0: not a course folder: %s\n", root,
                            c->root ? "not a directory" : strerror(errno));
        sb_free(&err);
        course_free(c);
        return NULL;
    }
    struct lesson_fm *ls;
    struct lab_fm *labs;
    size_t nls, nlabs;
    char *cause = NULL;
    if (bundle_read_mark(c->root, root, &c->bundle_upto, &cause) < 0) {
        *errors = xasprintf("%s\n", cause);
        free(cause);
        sb_free(&err);
        course_free(c);
        return NULL;
    }
    track_load(c, root, &err);
    course_load_lessons(c, root, &err, &ls, &nls);
    course_load_labs(c, root, &err, ls, nls, &labs, &nlabs);
    if (c->bundle_upto == 0)
        course_load_exams(c, root, &err);
    else            /* a bundle's exams are sat on the server: their settings only */
        bundle_read_exams(c->root, root, &c->exams, &c->nexams, &err);
    int ok = err.len == 0;
    if (ok) {
        qsort(ls, nls, sizeof *ls, course_cmp_lesson);
        qsort(labs, nlabs, sizeof *labs, course_cmp_lab);
    }
    c->lessons = xcalloc(nls + 1, sizeof *c->lessons);
    c->labs = xcalloc(nlabs + 1, sizeof *c->labs);
    for (size_t i = 0; i < nls; i++)
        c->lessons[c->nlessons++] = ls[i].lesson;
    for (size_t i = 0; i < nlabs; i++)
        c->labs[c->nlabs++] = labs[i].lab;
    if (ok) {
        track_link(c, root, &err);
        course_order(c, root, labs, &err);
        course_place_exams(c);
    }
    free(ls);
    free(labs);
    if (err.len > 0) {
        *errors = sb_steal(&err);
        course_free(c);
        return NULL;
    }
    sb_free(&err);
    return c;
}

void course_free(struct course *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i < c->nlessons; i++)
        course_lesson_free(&c->lessons[i]);
    for (size_t i = 0; i < c->nlabs; i++)
        course_lab_free(&c->labs[i]);
    free(c->lessons);
    free(c->labs);
    for (size_t i = 0; i < c->nexams; i++)
        exam_free(c->exams[i]);
    free(c->exams);
    free(c->order);
    track_free_all(c);
    free(c->root);
    free(c);
}

/* Normalises "1", "01", "01-slug" to the two-digit id; NULL when it has no such shape. */
static int course_norm_id(const char *q, char out[3])
{
    char *end;
    errno = 0;
    long n = strtol(q, &end, 10);
    if (end == q || errno != 0 || n < 0 || n > 99 || (*end != '\0' && *end != '-'))
        return 0;
    out[0] = (char)('0' + n / 10);
    out[1] = (char)('0' + n % 10);
    out[2] = '\0';
    return 1;
}

/* Index of the item of items[0..n) (each `size` bytes, with char * id and slug fields at
 * the given offsets) named by `key`: its slug, or its id in any form course_norm_id
 * accepts ("3", "03", "03-slug"). -1 when none is. */
static ptrdiff_t course_find(const void *items, size_t n, size_t size, size_t id_off,
                             size_t slug_off, const char *key)
{
    const char *base = items;
    char norm[3];
    for (size_t i = 0; i < n; i++)
        if (strcmp(*(char *const *)(base + i * size + slug_off), key) == 0)
            return (ptrdiff_t)i;
    if (!course_norm_id(key, norm))
        return -1;
    for (size_t i = 0; i < n; i++)
        if (strcmp(*(char *const *)(base + i * size + id_off), norm) == 0)
            return (ptrdiff_t)i;
    return -1;
}

struct lesson *course_lesson(const struct course *c, const char *id)
{
    ptrdiff_t i = course_find(c->lessons, c->nlessons, sizeof *c->lessons,
                              offsetof(struct lesson, id), offsetof(struct lesson, slug), id);
    return i < 0 ? NULL : &c->lessons[i];
}

struct lab *course_lab(const struct course *c, const char *id)
{
    ptrdiff_t i = course_find(c->labs, c->nlabs, sizeof *c->labs, offsetof(struct lab, id),
                              offsetof(struct lab, slug), id);
    return i < 0 ? NULL : &c->labs[i];
}

struct exam *course_exam(const struct course *c, const char *id)
{
    for (size_t i = 0; i < c->nexams; i++)
        if (strcmp(exam_id(c->exams[i]), id) == 0)
            return c->exams[i];
    return NULL;
}

int course_lab_index(const struct course *c, const struct lab *lab)
{
    for (size_t i = 0; i < c->nlabs; i++)
        if (&c->labs[i] == lab)
            return (int)i;
    return -1;
}

char *course_read_body(const char *path, char **cause)
{
    size_t len;
    char *text = util_read_file(path, COURSE_FILE_CAP, &len);
    if (text == NULL) {
        *cause = xasprintf("%s: %s", path, strerror(errno));
        return NULL;
    }
    const char *body = text;
    if (strncmp(text, "---", 3) == 0) {
        const char *end = strstr(text + 3, "\n---");
        if (end != NULL) {
            body = strchr(end + 4, '\n');
            body = body ? body + 1 : end + strlen(end);
        }
    }
    char *out = xstrdup(body);
    free(text);
    return out;
}

/* The course folder beside the executable: EXE/../share/stacklab. */
static char *course_near_exe(void)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return NULL;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash == NULL)
        return NULL;
    *slash = '\0';
    char *p = xasprintf("%s/../share/stacklab", exe);
    char *r = util_realpath(p);
    free(p);
    return r;
}

static int course_looks_like(const char *dir)
{
    char *l = util_path_join(dir, "lessons");
    char *b = util_path_join(dir, "labs");
    int ok = util_is_dir(l) && util_is_dir(b);
    free(l);
    free(b);
    return ok;
}

char *course_locate(char **cause)
{
    const char *env = getenv("STACKLAB_COURSE");
    if (env != NULL && *env != '\0') {
        char *r = util_realpath(env);
        if (r == NULL || !course_looks_like(r)) {
            *cause = xasprintf("STACKLAB_COURSE=%s is not a course folder (no lessons/ and labs/)",
                               env);
            free(r);
            return NULL;
        }
        return r;
    }
    /* A learner logged in to a class works on the class's course, not the built-in one. */
    char *cls = client_course_current();
    char *real = cls != NULL ? util_realpath(cls) : NULL;
    free(cls);
    if (real != NULL && course_looks_like(real))
        return real;
    free(real);
    char *cands[3] = { NULL, NULL, NULL };
    cands[0] = course_near_exe();
    cands[1] = util_realpath(STACKLAB_SRCDIR);
    cands[2] = util_realpath(STACKLAB_DATADIR);
    /* An installed program prefers its installed course; a built one its source tree. */
    char *exe_src = NULL;
    {
        char exe[PATH_MAX];
        ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
        if (n > 0) {
            exe[n] = '\0';
            if (cands[1] != NULL && util_path_inside(exe, cands[1]))
                exe_src = cands[1];
        }
    }
    char *found = NULL;
    if (exe_src != NULL && course_looks_like(exe_src))
        found = xstrdup(exe_src);
    for (int i = 0; found == NULL && i < 3; i++)
        if (cands[i] != NULL && course_looks_like(cands[i]))
            found = xstrdup(cands[i]);
    for (int i = 0; i < 3; i++)
        free(cands[i]);
    if (found == NULL)
        *cause = xstrdup("cannot find the course: set STACKLAB_COURSE to the course folder "
                         "(it holds lessons/ and labs/), or run make install");
    return found;
}
