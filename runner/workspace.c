/* workspace.c -- finds, creates and opens a learner's workspace: the folder holding
 * .stacklab/progress.db, the learner's framework files and public tests. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "starter.h"
#include "util.h"
#include "workspace.h"

#define WORKSPACE_MARK ".stacklab"

/* Walks up from the current folder to the first folder holding .stacklab/. */
static char *workspace_find_up(void)
{
    char *cwd = getcwd(NULL, 0);
    if (cwd == NULL)
        return NULL;
    for (;;) {
        char *mark = util_path_join(cwd, WORKSPACE_MARK "/progress.db");
        int found = util_is_file(mark);
        free(mark);
        if (found)
            return cwd;
        char *slash = strrchr(cwd, '/');
        if (slash == NULL || slash == cwd) {
            free(cwd);
            return NULL;
        }
        *slash = '\0';
    }
}

/* The default workspace folder: $STACKLAB_HOME, else ~/stacklab-work. Caller frees. */
static char *workspace_default_dir(char **cause)
{
    const char *env = getenv("STACKLAB_HOME");
    if (env != NULL && *env != '\0')
        return xstrdup(env);
    const char *home = getenv("HOME");
    if (home == NULL || *home == '\0') {
        *cause = xstrdup("neither STACKLAB_HOME nor HOME is set: run 'stacklab init DIR' "
                         "and work inside DIR");
        return NULL;
    }
    return util_path_join(home, "stacklab-work");
}

/* Resolves dir even when it does not exist yet, through its nearest existing parent. */
static char *workspace_resolve(const char *dir)
{
    char *r = util_realpath(dir);
    if (r != NULL)
        return r;
    char *copy = xstrdup(dir);
    char *slash = strrchr(copy, '/');
    char *out = NULL;
    if (slash == NULL) {
        char *cwd = getcwd(NULL, 0);
        if (cwd != NULL)
            out = util_path_join(cwd, dir);
        free(cwd);
    } else {
        *slash = '\0';
        char *parent = workspace_resolve(*copy ? copy : "/");
        if (parent != NULL)
            out = util_path_join(parent, slash + 1);
        free(parent);
    }
    free(copy);
    return out;
}

int workspace_create(const char *dir, const struct course *c, char **cause)
{
    char *abs = workspace_resolve(dir);
    if (abs == NULL) {
        *cause = xasprintf("%s: %s", dir, strerror(errno));
        return -1;
    }
    if (util_path_inside(abs, c->root)) {
        *cause = xasprintf("%s is inside the course folder %s; choose a folder outside it "
                           "(for example ~/stacklab-work)", dir, c->root);
        free(abs);
        return -1;
    }
    char *mark = util_path_join(abs, WORKSPACE_MARK);
    char *db = util_path_join(mark, "progress.db");
    int rc = -1;
    struct store *st = NULL;
    if (util_is_file(db)) {
        *cause = xasprintf("%s is already a workspace", dir);
        goto out;
    }
    if (util_mkdirs(mark, 0755) < 0) {
        *cause = xasprintf("cannot create %s: %s", mark, strerror(errno));
        goto out;
    }
    st = store_open(db, cause);
    if (st == NULL)
        goto out;
    char now[32];
    snprintf(now, sizeof now, "%lld", (long long)time(NULL));
    if (store_set(st, "course", c->root) < 0 || store_set(st, "created_at", now) < 0
        || store_set(st, "created_by", STACKLAB_VERSION) < 0) {
        *cause = xasprintf("%s: %s", db, store_errmsg(st));
        goto out;
    }
    if (starter_install(c, abs, 1, 0, cause) < 0)
        goto out;
    rc = 0;
out:
    store_close(st);
    free(db);
    free(mark);
    free(abs);
    return rc;
}

/* Loads the course the workspace should use: $STACKLAB_COURSE, else the one recorded at
 * creation when it still exists, else the one found next to the program. */
static struct course *workspace_course(struct store *st, char **cause, int *code)
{
    char *root = NULL;
    const char *env = getenv("STACKLAB_COURSE");
    if (env == NULL || *env == '\0') {
        char *rec = st ? store_get(st, "course") : NULL;
        if (rec != NULL && util_is_dir(rec))
            root = rec;
        else
            free(rec);
    }
    if (root == NULL)
        root = course_locate(cause);
    if (root == NULL) {
        *code = EXIT_USAGE;
        return NULL;
    }
    char *errors = NULL;
    struct course *c = course_load(root, &errors);
    if (c == NULL) {
        *cause = xasprintf("the course at %s has problems (run 'stacklab validate %s'):\n%s",
                           root, root, errors);
        *code = EXIT_USAGE;
    }
    free(errors);
    free(root);
    return c;
}

struct workspace *workspace_open(char **cause, int *code)
{
    *code = EXIT_INTERNAL;
    char *root = workspace_find_up();
    if (root == NULL) {
        char *dir = workspace_default_dir(cause);
        if (dir == NULL) {
            *code = EXIT_USAGE;
            return NULL;
        }
        char *db = xasprintf("%s/" WORKSPACE_MARK "/progress.db", dir);
        if (!util_is_file(db)) {
            struct course *c = workspace_course(NULL, cause, code);
            if (c == NULL || workspace_create(dir, c, cause) < 0) {
                course_free(c);
                free(db);
                free(dir);
                return NULL;
            }
            course_free(c);
            fprintf(stderr, "stacklab: created your workspace in %s (your code and progress "
                            "live there; set STACKLAB_HOME to use another folder)\n", dir);
        }
        free(db);
        root = util_realpath(dir);
        free(dir);
        if (root == NULL) {
            *cause = xasprintf("cannot open the workspace: %s", strerror(errno));
            return NULL;
        }
    }
    struct workspace *ws = xcalloc(1, sizeof *ws);
    ws->root = root;
    ws->dbpath = util_path_join(root, WORKSPACE_MARK "/progress.db");
    ws->store = store_open(ws->dbpath, cause);
    if (ws->store == NULL) {
        workspace_close(ws);
        return NULL;
    }
    ws->course = workspace_course(ws->store, cause, code);
    if (ws->course == NULL) {
        workspace_close(ws);
        return NULL;
    }
    return ws;
}

void workspace_close(struct workspace *ws)
{
    if (ws == NULL)
        return;
    store_close(ws->store);
    course_free(ws->course);
    free(ws->root);
    free(ws->dbpath);
    free(ws);
}

struct lab *workspace_current_lab(struct workspace *ws)
{
    for (size_t i = 0; i < ws->course->nlabs; i++) {
        struct store_lab_status s;
        if (store_lab_status(ws->store, ws->course->labs[i].id, &s) < 0 || !s.passed)
            return &ws->course->labs[i];
    }
    return NULL;
}

int workspace_lab_unlocked(struct workspace *ws, const struct lab *lab)
{
    if (lab->requires == NULL)
        return 1;
    struct store_lab_status s;
    return store_lab_status(ws->store, lab->requires, &s) == 0 && s.passed;
}

char *workspace_path(const struct workspace *ws, const char *rel)
{
    return util_path_join(ws->root, rel);
}
