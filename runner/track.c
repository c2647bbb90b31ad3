/* track.c -- labs/ID/track.md: a track's metadata read through the front-matter table,
 * checked with "path:line: message" errors, and the questions the rest of the program
 * asks of tracks (which folders a workspace has, where a file's reference is, what a
 * lab links). */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "frontmatter.h"
#include "track.h"

#define TRACK_FILE_CAP (256 * 1024)
#define NO_LINE ((size_t)-1)

/* A track plus the lines of the keys that messages point at. */
struct track_fm {
    struct track t;
    size_t id_line, requires_line, folder_line, libs_line, cflags_line;
};

static const struct fm_field track_fields[] = {
    { "id", FM_STRING, 1, offsetof(struct track_fm, t.id), 0, 0, offsetof(struct track_fm, id_line) },
    { "title", FM_STRING, 1, offsetof(struct track_fm, t.title), 0, 0, NO_LINE },
    { "short", FM_STRING, 1, offsetof(struct track_fm, t.short_title), 0, 0, NO_LINE },
    { "order", FM_INT, 1, offsetof(struct track_fm, t.order), 1, 99, NO_LINE },
    { "requires", FM_ID, 0, offsetof(struct track_fm, t.requires), 0, 0, offsetof(struct track_fm, requires_line) },
    { "folder", FM_STRING, 1, offsetof(struct track_fm, t.folder), 0, 0, offsetof(struct track_fm, folder_line) },
    { "libs", FM_LIST, 1, offsetof(struct track_fm, t.libs), 0, 0, offsetof(struct track_fm, libs_line) },
    { "cflags", FM_LIST, 0, offsetof(struct track_fm, t.cflags), 0, 0, offsetof(struct track_fm, cflags_line) },
    { NULL, 0, 0, 0, 0, 0, 0 }
};

/* Names a lesson or exam may use that are not tracks, with their titles. */
static const struct {
    const char *id, *title, *brief;
    int exams_only;
} track_reserved[] = {
    { "intro", "Foundations", "Foundations", 0 },
    { "all", "Final: every track", "Final", 1 },
};

/* Folders of a workspace that no track may claim. */
static const char *const track_taken[] = { "tests", "build", ".stacklab", "ref", "kit", NULL };

/* 1 when s is a plain folder name: [a-z0-9_-]+, not reserved. */
static int track_plain_name(const char *s)
{
    if (s == NULL || *s == '\0' || strlen(s) > 32)
        return 0;
    for (const char *p = s; *p; p++)
        if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) && *p != '_' && *p != '-')
            return 0;
    for (const char *const *t = track_taken; *t; t++)
        if (strcmp(s, *t) == 0)
            return 0;
    return 1;
}

/* 1 when every word of list is made of the characters of a library name or flag. */
static int track_words_ok(char **list, const char *extra)
{
    for (size_t i = 0; list != NULL && list[i] != NULL; i++)
        for (const char *p = list[i]; *p; p++)
            if (!isalnum((unsigned char)*p) && strchr(extra, *p) == NULL)
                return 0;
    return 1;
}

/* 1 when name looks like a lab folder: "NN-slug". */
static int track_is_lab_dir(const char *name)
{
    return isdigit((unsigned char)name[0]) && isdigit((unsigned char)name[1])
           && name[2] == '-' && name[3] != '\0';
}

static int track_cmp_order(const void *a, const void *b)
{
    const struct track *x = a, *y = b;
    return x->order != y->order ? (x->order < y->order ? -1 : 1) : strcmp(x->id, y->id);
}

static void track_free(struct track *t)
{
    free(t->id);
    free(t->title);
    free(t->short_title);
    free(t->requires);
    free(t->folder);
    fm_list_free(t->libs);
    fm_list_free(t->cflags);
    free(t->dir);
    free(t->path);
    free(t->blurb);
}

/* Checks the values of one parsed track.md named `name` under labs/. */
static void track_check(struct track_fm *tf, const char *name, const char *path,
                        struct sb *err)
{
    struct track *t = &tf->t;
    if (strcmp(t->id, name) != 0)
        sb_printf(err, "%s:%zu: id '%s' does not match its folder labs/%s\n", path,
                  tf->id_line, t->id, name);
    if (!track_plain_name(t->folder))
        sb_printf(err, "%s:%zu: folder '%s' must be a plain name (a-z, 0-9, _ and -; not "
                  "tests, build, ref or kit)\n", path, tf->folder_line, t->folder);
    if (!track_words_ok(t->libs, "._+-"))
        sb_printf(err, "%s:%zu: libs are pkg-config names (letters, digits, . _ + -)\n",
                  path, tf->libs_line);
    for (size_t i = 0; t->cflags != NULL && t->cflags[i] != NULL; i++)
        if (t->cflags[i][0] != '-' || !track_words_ok(&t->cflags[i], "-_=.,/+"))
            sb_printf(err, "%s:%zu: cflags entry '%s' must be one compiler flag such as "
                      "-DNAME=1\n", path, tf->cflags_line, t->cflags[i]);
}

/* Reads labs/name/track.md into tf. Returns 0, or -1 (problems in err). */
static int track_read(struct course *c, const char *shown, const char *name,
                      struct track_fm *tf, struct sb *err)
{
    char *rel = xasprintf("labs/%s/track.md", name);
    char *path = course_show(shown, rel);
    size_t len, body_line;
    tf->t.dir = xasprintf("%s/labs/%s", c->root, name);
    tf->t.path = util_path_join(c->root, rel);
    char *text = util_read_file(tf->t.path, TRACK_FILE_CAP, &len);
    int rc = -1;
    if (text == NULL) {
        sb_printf(err, "%s:0: cannot read: %s\n", path, strerror(errno));
    } else if (fm_parse(text, path, track_fields, tf, &body_line, err) == 0) {
        size_t before = err->len;
        track_check(tf, name, path, err);
        char *cause = NULL;
        char *body = course_read_body(tf->t.path, &cause);
        size_t n = body ? strlen(body) : 0;
        while (n > 0 && isspace((unsigned char)body[n - 1]))
            body[--n] = '\0';
        tf->t.blurb = body ? body : xstrdup("");
        free(cause);
        rc = err->len == before ? 0 : -1;
    }
    free(text);
    free(rel);
    free(path);
    return rc;
}

/* Adds a learner folder; reports a name two places claim. */
static void track_add_folder(struct course *c, const char *name, const char *src,
                             const char *shown_src, const struct track *t, const char *path,
                             struct sb *err)
{
    for (size_t i = 0; i < c->nfolders; i++)
        if (strcmp(c->folders[i].name, name) == 0) {
            sb_printf(err, "%s:1: the learner's folder '%s' comes from both %s and %s\n",
                      path, name, c->folders[i].shown, shown_src);
            return;
        }
    c->folders = xrealloc(c->folders, (c->nfolders + 1) * sizeof *c->folders);
    c->folders[c->nfolders++] = (struct course_folder){
        .name = xstrdup(name), .src = xstrdup(src), .shown = xstrdup(shown_src), .track = t,
    };
}

/* The learner's folders of track t: ref/ as t->folder, then each other folder beside
 * its labs under its own name (but kit/, the track's headers for the graders). */
static void track_scan_folders(struct course *c, const struct track *t, const char *shown,
                               struct sb *err)
{
    char *ref = util_path_join(t->dir, "ref");
    char *rel = xasprintf("labs/%s/track.md", t->id);
    char *path = course_show(shown, rel);
    free(rel);
    char *sref = xasprintf("labs/%s/ref", t->id);
    if (!util_is_dir(ref))
        sb_printf(err, "%s:1: the track has no reference folder labs/%s/ref\n", path, t->id);
    else
        track_add_folder(c, t->folder, ref, sref, t, path, err);
    char **names = course_list_dir(t->dir);
    for (size_t i = 0; names != NULL && names[i] != NULL; i++) {
        char *sub = util_path_join(t->dir, names[i]);
        if (util_is_dir(sub) && strcmp(names[i], "ref") != 0 && strcmp(names[i], "kit") != 0
            && !track_is_lab_dir(names[i])) {
            char *s = xasprintf("labs/%s/%s", t->id, names[i]);
            if (!track_plain_name(names[i]))
                sb_printf(err, "%s:1: %s: a learner's folder needs a plain name (a-z, 0-9, "
                          "_ and -)\n", path, s);
            else
                track_add_folder(c, names[i], sub, s, t, path, err);
            free(s);
        }
        free(sub);
    }
    fm_list_free(names);
    free(sref);
    free(path);
    free(ref);
}

/* A bundle's learner's folders of track t: those of labs/ID/starters/01/ (every file
 * has a starter(1) there), t->folder first, then the others by name. */
static void track_scan_starters(struct course *c, const struct track *t, const char *shown,
                                struct sb *err)
{
    char *dir = xasprintf("%s/%s/01", t->dir, BUNDLE_STARTERS);
    char *rel = xasprintf("labs/%s/track.md", t->id);
    char *path = course_show(shown, rel);
    char **names = course_list_dir(dir);
    char *own = util_path_join(dir, t->folder);
    if (!util_is_dir(own))
        sb_printf(err, "%s:1: the bundle has no starters of the track's folder (labs/%s/%s/"
                  "01/%s)\n", path, t->id, BUNDLE_STARTERS, t->folder);
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; names[i] != NULL; i++) {
            char *sub = util_path_join(dir, names[i]);
            char *s = xasprintf("labs/%s/%s/01/%s", t->id, BUNDLE_STARTERS, names[i]);
            if (util_is_dir(sub) && (strcmp(names[i], t->folder) == 0) == (pass == 0)) {
                if (!track_plain_name(names[i]))
                    sb_printf(err, "%s:1: %s: a learner's folder needs a plain name (a-z, "
                              "0-9, _ and -)\n", path, s);
                else
                    track_add_folder(c, names[i], sub, s, t, path, err);
            }
            free(s);
            free(sub);
        }
    fm_list_free(names);
    free(own);
    free(path);
    free(rel);
    free(dir);
}

void track_load(struct course *c, const char *shown, struct sb *err)
{
    char *labs = util_path_join(c->root, "labs");
    char **names = course_list_dir(labs);
    size_t n = 0;
    for (size_t i = 0; names != NULL && names[i] != NULL; i++)
        n++;
    c->tracks = xcalloc(n + 1, sizeof *c->tracks);
    for (size_t i = 0; names != NULL && names[i] != NULL; i++) {
        char *sub = util_path_join(labs, names[i]);
        char *md = util_path_join(sub, "track.md");
        if (util_is_dir(sub) && strcmp(names[i], "kit") != 0) {
            struct track_fm tf;
            memset(&tf, 0, sizeof tf);
            if (!util_is_file(md)) {
                char *rel = xasprintf("labs/%s/track.md", names[i]);
                char *path = course_show(shown, rel);
                sb_printf(err, "%s:0: missing: every folder of labs/ but kit/ is a track\n",
                          path);
                free(path);
                free(rel);
            }
            if (util_is_file(md) && track_read(c, shown, names[i], &tf, err) == 0)
                c->tracks[c->ntracks++] = tf.t;
            else
                track_free(&tf.t);
        }
        free(md);
        free(sub);
    }
    fm_list_free(names);
    free(labs);
    qsort(c->tracks, c->ntracks, sizeof *c->tracks, track_cmp_order);
    for (size_t i = 0; i < c->ntracks; i++)
        (c->bundle_upto > 0 ? track_scan_starters : track_scan_folders)(c, &c->tracks[i],
                                                                        shown, err);
}

/* The first lab of track t in c (labs are sorted by id), or NULL. */
static const struct lab *track_first_lab(const struct course *c, const struct track *t)
{
    for (size_t i = 0; i < c->nlabs; i++)
        if (strcmp(c->labs[i].track, t->id) == 0)
            return &c->labs[i];
    return NULL;
}

void track_link(struct course *c, const char *shown, struct sb *err)
{
    for (size_t i = 0; i < c->ntracks; i++) {
        struct track *t = &c->tracks[i];
        const struct lab *first = track_first_lab(c, t);
        const char *want = first != NULL ? first->requires : NULL;
        char *rel = xasprintf("labs/%s/track.md", t->id);
        char *path = course_show(shown, rel);
        free(rel);
        const struct lab *req = t->requires ? course_lab(c, t->requires) : NULL;
        if (t->requires != NULL && req == NULL)
            sb_printf(err, "%s:1: requires an unknown lab '%s'\n", path, t->requires);
        else if (req != NULL && strcmp(req->track, t->id) == 0)
            sb_printf(err, "%s:1: requires lab %s of its own track\n", path, t->requires);
        else if ((want == NULL) != (t->requires == NULL)
                 || (want != NULL && strcmp(want, t->requires) != 0))
            sb_printf(err, "%s:1: requires '%s' but its first lab (%s) requires '%s': they "
                      "must agree\n", path, t->requires ? t->requires : "",
                      first ? first->id : "none", want ? want : "");
        else if (req != NULL)
            t->base = track_find(c, req->track);
        free(path);
    }
    for (size_t i = 0; i < c->nlabs; i++) {
        c->labs[i].trk = track_find(c, c->labs[i].track);
        c->labs[i].folders = track_lab_folders(c, &c->labs[i]);
    }
}

void track_free_all(struct course *c)
{
    for (size_t i = 0; i < c->ntracks; i++)
        track_free(&c->tracks[i]);
    free(c->tracks);
    for (size_t i = 0; i < c->nfolders; i++) {
        free(c->folders[i].name);
        free(c->folders[i].src);
        free(c->folders[i].shown);
    }
    free(c->folders);
    c->tracks = NULL;
    c->folders = NULL;
    c->ntracks = c->nfolders = 0;
}

const struct track *track_find(const struct course *c, const char *id)
{
    for (size_t i = 0; id != NULL && i < c->ntracks; i++)
        if (strcmp(c->tracks[i].id, id) == 0)
            return &c->tracks[i];
    return NULL;
}

int track_known(const struct course *c, const char *id, int exams)
{
    if (track_find(c, id) != NULL)
        return 1;
    for (size_t i = 0; i < sizeof track_reserved / sizeof track_reserved[0]; i++)
        if (strcmp(track_reserved[i].id, id) == 0 && (exams || !track_reserved[i].exams_only))
            return 1;
    return 0;
}

const char *track_title(const struct course *c, const char *id, int brief)
{
    const struct track *t = track_find(c, id);
    if (t != NULL)
        return brief ? t->short_title : t->title;
    for (size_t i = 0; i < sizeof track_reserved / sizeof track_reserved[0]; i++)
        if (strcmp(track_reserved[i].id, id) == 0)
            return brief ? track_reserved[i].brief : track_reserved[i].title;
    return id;
}

char *track_ref_path(const struct course *c, const char *file)
{
    const char *slash = strchr(file, '/');
    if (slash == NULL || strstr(file, "..") != NULL)
        return NULL;
    for (size_t i = 0; i < c->nfolders; i++)
        if (strlen(c->folders[i].name) == (size_t)(slash - file)
            && strncmp(c->folders[i].name, file, (size_t)(slash - file)) == 0)
            return xasprintf("%s%s", c->folders[i].src, slash);
    return NULL;
}

char *track_kit_path(const struct course *c, const char *name)
{
    return xasprintf("%s/labs/kit/%s", c->root, name);
}

/* Appends name to the NULL-ended v[*n] unless it is there. */
static void track_add_name(char **v, size_t *n, const char *name, size_t len)
{
    for (size_t i = 0; i < *n; i++)
        if (strlen(v[i]) == len && strncmp(v[i], name, len) == 0)
            return;
    v[(*n)++] = xstrndup(name, len);
    v[*n] = NULL;
}

/* The chain of tracks t builds on, deepest first, t last, into v[0..*n). */
static void track_chain(const struct track *t, const struct track **v, size_t *n, size_t cap)
{
    *n = 0;
    for (; t != NULL && *n < cap; t = t->base)
        v[(*n)++] = t;
    for (size_t i = 0; i < *n / 2; i++) {
        const struct track *x = v[i];
        v[i] = v[*n - 1 - i];
        v[*n - 1 - i] = x;
    }
}

#define TRACK_DEPTH 8

char **track_kit_dirs(const struct track *t)
{
    const struct track *chain[TRACK_DEPTH];
    size_t nchain, n = 0;
    track_chain(t, chain, &nchain, TRACK_DEPTH);
    char **v = xcalloc(nchain + 1, sizeof *v);
    for (size_t i = 0; i < nchain; i++) {
        char *dir = util_path_join(chain[i]->dir, "kit");
        if (util_is_dir(dir))
            v[n++] = dir;
        else
            free(dir);
    }
    return v;
}

char **track_lab_folders(const struct course *c, const struct lab *lab)
{
    size_t nfiles = 0;
    while (lab->files != NULL && lab->files[nfiles] != NULL)
        nfiles++;
    char **v = xcalloc(TRACK_DEPTH + nfiles + 1, sizeof *v);
    size_t n = 0, nchain;
    const struct track *chain[TRACK_DEPTH];
    track_chain(track_find(c, lab->track), chain, &nchain, TRACK_DEPTH);
    for (size_t i = 0; i < nchain; i++)
        track_add_name(v, &n, chain[i]->folder, strlen(chain[i]->folder));
    for (size_t i = 0; i < nfiles; i++) {
        const char *f = lab->files[i], *slash = strchr(f, '/');
        if (slash != NULL && slash != f && f[0] != '.' && strncmp(f, "tests/", 6) != 0)
            track_add_name(v, &n, f, (size_t)(slash - f));
    }
    return v;
}

/* Runs pkg-config --libs on names; returns its line or NULL. */
static char *track_pkg_config(char **names)
{
    struct sb cmd;
    sb_init(&cmd);
    sb_puts(&cmd, "pkg-config --libs");
    for (size_t i = 0; names[i] != NULL; i++)
        sb_printf(&cmd, " '%s'", names[i]);     /* checked: no quote can be in a name */
    sb_puts(&cmd, " 2>/dev/null");
    FILE *p = popen(cmd.buf, "r");
    sb_free(&cmd);
    if (p == NULL)
        return NULL;
    char line[4096];
    char *got = fgets(line, sizeof line, p) ? xstrdup(line) : NULL;
    if (pclose(p) != 0) {
        free(got);
        return NULL;
    }
    for (size_t n = got ? strlen(got) : 0; n > 0 && isspace((unsigned char)got[n - 1]);)
        got[--n] = '\0';
    return got;
}

/* The linker flags for the libraries of tracks v[0..nv) (pkg-config --libs, or -lNAME
 * for each when pkg-config cannot say), then -lpthread. Caller frees. */
static char *track_ldflags_of(const struct track *const *v, size_t nv)
{
    size_t n = 0;
    for (size_t i = 0; i < nv; i++)
        for (size_t k = 0; v[i]->libs[k] != NULL; k++)
            n++;
    char **names = xcalloc(n + 1, sizeof *names);
    n = 0;
    for (size_t i = 0; i < nv; i++)
        for (size_t k = 0; v[i]->libs[k] != NULL; k++)
            track_add_name(names, &n, v[i]->libs[k], strlen(v[i]->libs[k]));
    char *flags = n > 0 ? track_pkg_config(names) : xstrdup("");
    if (flags == NULL) {
        /* Without pkg-config's word: libNAME is linked as -lNAME. */
        struct sb sb;
        sb_init(&sb);
        for (size_t i = 0; i < n; i++)
            sb_printf(&sb, "%s-l%s", i ? " " : "",
                      strncmp(names[i], "lib", 3) == 0 ? names[i] + 3 : names[i]);
        flags = sb_steal(&sb);
    }
    char *out = xasprintf("%s%s-lpthread", flags, flags[0] ? " " : "");
    free(flags);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return out;
}

char *track_ldflags(const struct track *t)
{
    const struct track *chain[TRACK_DEPTH];
    size_t nchain;
    track_chain(t, chain, &nchain, TRACK_DEPTH);
    return track_ldflags_of(chain, nchain);
}

char *track_all_ldflags(const struct course *c)
{
    const struct track **v = xcalloc(c->ntracks + 1, sizeof *v);
    for (size_t i = 0; i < c->ntracks; i++)
        v[i] = &c->tracks[i];
    char *out = track_ldflags_of(v, c->ntracks);
    free(v);
    return out;
}

const char **track_cflags(const struct track *t)
{
    const struct track *chain[TRACK_DEPTH];
    size_t nchain, n = 0;
    track_chain(t, chain, &nchain, TRACK_DEPTH);
    for (size_t i = 0; i < nchain; i++)
        for (size_t k = 0; chain[i]->cflags != NULL && chain[i]->cflags[k] != NULL; k++)
            n++;
    const char **v = xcalloc(n + 1, sizeof *v);
    n = 0;
    for (size_t i = 0; i < nchain; i++)
        for (size_t k = 0; chain[i]->cflags != NULL && chain[i]->cflags[k] != NULL; k++)
            v[n++] = chain[i]->cflags[k];
    return v;
}
