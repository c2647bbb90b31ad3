/* given.c -- installs what the course gives a workspace and keeps it current: each
 * file written is recorded in .stacklab/given as "SHA256 N PATH" (N the starter it was
 * rendered as), so `stacklab update` replaces a given file whose content is still the
 * recorded one and keeps a file the learner changed. */
#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bundle.h"
#include "frontmatter.h"
#include "given.h"
#include "starter.h"
#include "track.h"

#define GIVEN_FILE_CAP (4u << 20)       /* no given file is anywhere near this */
#define GIVEN_RECORD ".stacklab/given"
#define GIVEN_MK ".stacklab/course.mk"

/* One recorded file. */
struct given_entry {
    char *path;             /* relative to the workspace */
    char hash[65];          /* of the content written */
    int lab;                /* the N of starter(N) it was rendered as (0: not rendered) */
};

/* The record, the workspace it belongs to, and what this run does. */
struct given_run {
    const struct course *c;
    const char *ws;
    int lab;
    enum given_mode mode;
    struct given_entry *e;
    size_t n, cap;
    int dirty;
    struct given_report *rep;
};

static void given_sha256(const char *data, size_t len, char hex[65])
{
    unsigned char d[32];
    unsigned int dl = 0;
    EVP_Digest(data, len, d, &dl, EVP_sha256(), NULL);
    for (size_t i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

static struct given_entry *given_find(struct given_run *g, const char *path)
{
    for (size_t i = 0; i < g->n; i++)
        if (strcmp(g->e[i].path, path) == 0)
            return &g->e[i];
    return NULL;
}

static void given_set(struct given_run *g, const char *path, const char *hash, int lab)
{
    struct given_entry *e = given_find(g, path);
    if (e == NULL) {
        if (g->n == g->cap)
            g->e = xrealloc(g->e, (g->cap = g->cap ? 2 * g->cap : 64) * sizeof *g->e);
        e = &g->e[g->n++];
        e->path = xstrdup(path);
    }
    memcpy(e->hash, hash, 65);
    e->lab = lab;
    g->dirty = 1;
}

/* Reads .stacklab/given; a missing or unreadable record is an empty one (every present
 * file then counts as edited). Malformed lines are skipped. */
static void given_load(struct given_run *g)
{
    char *path = util_path_join(g->ws, GIVEN_RECORD);
    char *text = util_read_file(path, GIVEN_FILE_CAP, NULL);
    free(path);
    for (char *line = text, *next; line != NULL && *line != '\0'; line = next) {
        next = strchr(line, '\n');
        if (next != NULL)
            *next++ = '\0';
        char hash[65];
        int lab, off = 0;
        if (sscanf(line, "%64[0-9a-f] %d %n", hash, &lab, &off) == 2 && off > 0
            && strlen(hash) == 64 && line[off] != '\0')
            given_set(g, line + off, hash, lab);
    }
    free(text);
    g->dirty = 0;
}

static int given_save(struct given_run *g, char **cause)
{
    if (!g->dirty)
        return 0;
    struct sb sb;
    sb_init(&sb);
    for (size_t i = 0; i < g->n; i++)
        sb_printf(&sb, "%s %d %s\n", g->e[i].hash, g->e[i].lab, g->e[i].path);
    char *path = util_path_join(g->ws, GIVEN_RECORD);
    int rc = util_write_file(path, sb.buf ? sb.buf : "", sb.len, 0644);
    if (rc < 0)
        *cause = xasprintf("%s: %s", path, strerror(errno));
    free(path);
    sb_free(&sb);
    return rc;
}

/* The course's content for rel: src rendered as starter(lab) when render. A bundle
 * holds its starters already rendered: the one for lab is read instead. */
static char *given_content(const struct course *c, const char *rel, const char *src,
                           int render, int lab, size_t *len, char **cause)
{
    char *starter = NULL;
    if (render && c->bundle_upto > 0) {
        if ((starter = bundle_starter_path(c, rel, lab, cause)) == NULL)
            return NULL;
        src = starter;
        render = 0;
    }
    char *text = util_read_file(src, GIVEN_FILE_CAP, len);
    if (text == NULL)
        *cause = xasprintf("%s: %s", src, strerror(errno));
    free(starter);
    if (text == NULL || !render)
        return text;
    char *r = starter_render(text, *len, lab, src, cause);
    free(text);
    if (r != NULL)
        *len = strlen(r);
    return r;
}

/* Writes data to ws/rel (folders made; atomically, never through a link). */
static int given_write(struct given_run *g, const char *rel, const char *data, size_t len,
                       char **cause)
{
    char *dst = util_path_join(g->ws, rel);
    char *dir = xstrndup(dst, (size_t)(strrchr(dst, '/') - dst));
    int rc = util_mkdirs(dir, 0755);
    if (rc == 0)
        rc = util_write_file(dst, data, len, 0644);
    if (rc < 0)
        *cause = xasprintf("%s: %s", dst, strerror(errno));
    free(dir);
    free(dst);
    return rc;
}

/* Installs one file: rel in the workspace from src in the course. */
static int given_file(struct given_run *g, const char *rel, const char *src, int render,
                      char **cause)
{
    char *dst = util_path_join(g->ws, rel);
    struct stat st;
    int exists = lstat(dst, &st) == 0, regular = exists && S_ISREG(st.st_mode);
    struct given_entry *rec = given_find(g, rel);
    int lab = render ? (rec != NULL && rec->lab > 0 ? rec->lab : g->lab) : 0;
    size_t len = 0, curlen = 0;
    char hash[65], cur[65];
    char *data = NULL, *now = NULL;
    int rc = 0;
    if (exists && g->mode == GIVEN_ADD)
        goto out;
    if ((data = given_content(g->c, rel, src, render, lab, &len, cause)) == NULL) {
        rc = -1;
        goto out;
    }
    given_sha256(data, len, hash);
    if (!exists) {
        rc = given_write(g, rel, data, len, cause);
        g->rep->added += rc == 0;
    } else if (regular && (now = util_read_file(dst, GIVEN_FILE_CAP, &curlen)) != NULL) {
        given_sha256(now, curlen, cur);
        if (strcmp(cur, hash) == 0) {
            rc = 0;                             /* already the course's */
        } else if (rec != NULL && strcmp(cur, rec->hash) == 0) {
            rc = given_write(g, rel, data, len, cause);
            g->rep->replaced += rc == 0;
        } else {
            /* The learner's. Named only when the course changed it since (or when there
             * is no record to tell), so an edit is not reported on every update. */
            if (rec == NULL || strcmp(rec->hash, hash) != 0) {
                g->rep->kept++;
                sb_printf(&g->rep->kept_list, "%s\n", rel);
            }
            goto out;
        }
    } else {
        g->rep->kept++;
        sb_printf(&g->rep->kept_list, "%s\n", rel);
        goto out;
    }
    if (rc == 0)
        given_set(g, rel, hash, lab);
out:
    free(now);
    free(data);
    free(dst);
    return rc;
}

/* 1 for a C source or header name. */
static int given_is_source(const char *name)
{
    size_t n = strlen(name);
    return n > 2 && name[n - 2] == '.' && (name[n - 1] == 'c' || name[n - 1] == 'h');
}

/* Installs every regular file of the folder src as DSTDIR/name (sources only when
 * sources_only), rendered when they are sources and render is set. */
static int given_folder(struct given_run *g, const char *src, const char *dstdir,
                        int sources_only, int render, char **cause)
{
    char **names = course_list_dir(src);
    int rc = 0;
    for (size_t i = 0; names[i] != NULL && rc == 0; i++) {
        char *from = util_path_join(src, names[i]);
        if (util_is_file(from) && (!sources_only || given_is_source(names[i]))) {
            char *rel = xasprintf("%s/%s", dstdir, names[i]);
            rc = given_file(g, rel, from, render && given_is_source(names[i]), cause);
            free(rel);
        }
        free(from);
    }
    fm_list_free(names);
    return rc;
}

/* Files of the kit every workspace gets: the TAP library of the public tests and the
 * Makefile. */
static const struct { const char *from, *to; } given_kit[] = {
    { "tap.h", "tests/tap.h" },
    { "tap.c", "tests/tap.c" },
    { "workspace.mk", "Makefile" },
};

int given_install(const struct course *c, const char *ws, int lab, enum given_mode mode,
                  struct given_report *rep, char **cause)
{
    memset(rep, 0, sizeof *rep);
    sb_init(&rep->kept_list);
    struct given_run g = { .c = c, .ws = ws, .lab = lab, .mode = mode, .rep = rep };
    given_load(&g);
    int rc = 0;
    for (size_t i = 0; i < c->nfolders && rc == 0; i++)
        rc = given_folder(&g, c->folders[i].src, c->folders[i].name, 0, 1, cause);
    for (size_t i = 0; i < c->nlabs && rc == 0; i++) {
        char *pub = util_path_join(c->labs[i].dir, "public");
        rc = given_folder(&g, pub, "tests", 1, 0, cause);
        free(pub);
    }
    for (size_t i = 0; rc == 0 && i < sizeof given_kit / sizeof given_kit[0]; i++) {
        char *from = track_kit_path(c, given_kit[i].from);
        if (util_is_file(from))
            rc = given_file(&g, given_kit[i].to, from, 0, cause);
        free(from);
    }
    char *why = NULL;
    if (given_save(&g, rc == 0 ? cause : &why) < 0)
        rc = -1;
    free(why);
    if (rc == 0)
        rc = given_course_mk(c, ws, lab, cause);
    for (size_t i = 0; i < g.n; i++)
        free(g.e[i].path);
    free(g.e);
    if (rc < 0)
        given_report_free(rep);
    return rc;
}

void given_report_free(struct given_report *rep)
{
    sb_free(&rep->kept_list);
    memset(rep, 0, sizeof *rep);
}

char *given_render(const struct course *c, const char *rel, int n, char **cause)
{
    char *src = track_ref_path(c, rel);
    if (src == NULL) {
        *cause = xasprintf("%s: the course has no reference of this file", rel);
        return NULL;
    }
    size_t len;
    char *out = given_content(c, rel, src, 1, n, &len, cause);
    free(src);
    return out;
}

int given_course_mk(const struct course *c, const char *ws, int lab, char **cause)
{
    struct sb mk;
    sb_init(&mk);
    sb_puts(&mk, "# course.mk -- written by stacklab from the course (labs/*/track.md); "
                 "`stacklab update`\n# writes it again. Your Makefile includes it.\n");
    sb_puts(&mk, "STACKLAB_FOLDERS :=");
    for (size_t i = 0; i < c->nfolders; i++)
        sb_printf(&mk, " %s", c->folders[i].name);
    sb_puts(&mk, "\nSTACKLAB_LINK_ORDER :=");
    for (size_t i = c->nfolders; i > 0; i--)
        sb_printf(&mk, " %s", c->folders[i - 1].name);
    char *ld = track_all_ldflags(c);
    sb_printf(&mk, "\nSTACKLAB_LIBS := %s\nSTACKLAB_CFLAGS :=", ld);
    free(ld);
    for (size_t i = 0; i < c->ntracks; i++)
        for (size_t k = 0; c->tracks[i].cflags != NULL && c->tracks[i].cflags[k] != NULL; k++)
            sb_printf(&mk, " %s", c->tracks[i].cflags[k]);
    sb_puts(&mk, "\nSTACKLAB_LABS :=");
    for (size_t i = 0; i < c->nlabs; i++)
        sb_printf(&mk, " %s", c->labs[i].id);
    if (lab > 0)
        sb_printf(&mk, "\nSTACKLAB_LAB := %02d\n", lab);
    else
        sb_puts(&mk, "\nSTACKLAB_LAB :=\n");
    char *path = util_path_join(ws, GIVEN_MK);
    char *dir = util_path_join(ws, ".stacklab");
    int rc = util_mkdirs(dir, 0755);
    if (rc == 0)
        rc = util_write_file(path, mk.buf, mk.len, 0644);
    if (rc < 0)
        *cause = xasprintf("%s: %s", path, strerror(errno));
    free(dir);
    free(path);
    sb_free(&mk);
    return rc;
}
