/* workspace.c -- finds, creates and opens a learner's workspace: the folder holding
 * .stacklab/progress.db, the learner's framework files and public tests. Outside one, the
 * default comes from $STACKLAB_HOME, the last `stacklab init` or ~/stacklab-work, and is
 * named on stderr; a workspace that lost its progress is refused, never re-created. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "given.h"
#include "starter.h"
#include "util.h"
#include "workspace.h"

#define WORKSPACE_MARK ".stacklab"

static char *workspace_resolve(const char *dir);

/* Where a workspace came from: the current folder's, or one of the defaults, in the
 * order they are tried. The words name it in the "using workspace" line. */
enum workspace_source { WORKSPACE_HERE, WORKSPACE_ENV, WORKSPACE_LAST_INIT, WORKSPACE_HOME };

static const char *const workspace_source_words[] = {
    [WORKSPACE_HERE] = "the current folder's",
    [WORKSPACE_ENV] = "$STACKLAB_HOME",
    [WORKSPACE_LAST_INIT] = "the last 'stacklab init'",
    [WORKSPACE_HOME] = "the default; 'stacklab init DIR' makes another",
};

/* Walks up from the current folder to the first folder holding .stacklab/ (a folder
 * whose progress.db is missing still stops the walk: workspace_check refuses it rather
 * than some other workspace being used silently). */
static char *workspace_find_up(void)
{
    char *cwd = getcwd(NULL, 0);
    if (cwd == NULL)
        return NULL;
    for (;;) {
        char *mark = util_path_join(cwd, WORKSPACE_MARK);
        int found = util_is_dir(mark);
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

char *workspace_config_path(void)
{
    const char *xdg = getenv("XDG_CONFIG_HOME");
    const char *home = getenv("HOME");
    if (xdg != NULL && xdg[0] == '/')
        return xasprintf("%s/stacklab/workspace", xdg);
    if (home != NULL && home[0] == '/')
        return xasprintf("%s/.config/stacklab/workspace", home);
    return NULL;
}

/* The folder the last `stacklab init` recorded, or NULL when there is none. */
static char *workspace_last_init(void)
{
    char *path = workspace_config_path();
    char *dir = path ? util_read_file(path, PATH_MAX + 1, NULL) : NULL;
    free(path);
    if (dir != NULL)
        dir[strcspn(dir, "\n")] = '\0';
    if (dir != NULL && dir[0] != '/') {
        free(dir);      /* only absolute paths are written; anything else is not ours */
        dir = NULL;
    }
    return dir;
}

int workspace_remember(const char *dir, char **cause)
{
    char *path = workspace_config_path();
    if (path == NULL) {
        *cause = xstrdup("neither XDG_CONFIG_HOME nor HOME is an absolute path");
        return -1;
    }
    char *abs = workspace_resolve(dir);
    char *folder = xstrndup(path, (size_t)(strrchr(path, '/') - path));
    char *line = abs ? xasprintf("%s\n", abs) : NULL;
    int rc = -1;
    if (line == NULL)
        *cause = xasprintf("%s: %s", dir, strerror(errno));
    else if (util_mkdirs(folder, 0700) < 0 || util_write_file(path, line, strlen(line), 0600) < 0)
        *cause = xasprintf("cannot write %s: %s", path, strerror(errno));
    else
        rc = 0;
    free(line);
    free(folder);
    free(abs);
    free(path);
    return rc;
}

/* The default workspace folder and where it came from: $STACKLAB_HOME, else the last
 * `stacklab init`, else ~/stacklab-work. Caller frees; NULL with *cause. */
static char *workspace_default_dir(enum workspace_source *src, char **cause)
{
    const char *env = getenv("STACKLAB_HOME");
    if (env != NULL && *env != '\0') {
        *src = WORKSPACE_ENV;
        return xstrdup(env);
    }
    char *last = workspace_last_init();
    if (last != NULL) {
        *src = WORKSPACE_LAST_INIT;
        return last;
    }
    const char *home = getenv("HOME");
    if (home == NULL || *home == '\0') {
        *cause = xstrdup("neither STACKLAB_HOME nor HOME is set: run 'stacklab init DIR' "
                         "and work inside DIR");
        return NULL;
    }
    *src = WORKSPACE_HOME;
    return util_path_join(home, "stacklab-work");
}

/* Whether dir can be opened as the workspace from src. Returns 0 when it holds a
 * progress store, 1 when it may be created (a default that was never used), -1 with an
 * allocated *cause when it cannot be used: a workspace whose progress.db is gone (a fresh
 * one would hide the loss), or a recorded `init` folder that vanished. */
static int workspace_check(const char *dir, enum workspace_source src, char **cause)
{
    char *mark = util_path_join(dir, WORKSPACE_MARK);
    char *db = util_path_join(mark, "progress.db");
    int rc = 0;
    if (util_is_file(db))
        rc = 0;
    else if (access(mark, F_OK) == 0) {
        *cause = xasprintf("%s is missing: the workspace %s has lost its progress. Restore "
                           "that file from a backup, or remove %s to start again from "
                           "nothing", db, dir, mark);
        rc = -1;
    } else if (src == WORKSPACE_LAST_INIT) {
        char *cfg = workspace_config_path();
        *cause = xasprintf("the workspace of your last 'stacklab init', %s, %s (recorded "
                           "in %s). Run 'stacklab init DIR' for a new one, or work inside "
                           "a workspace", dir, util_is_dir(dir) ? "is no longer a workspace"
                           : "no longer exists", cfg ? cfg : "your configuration");
        free(cfg);
        rc = -1;
    } else
        rc = 1;
    free(db);
    free(mark);
    return rc;
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
    if (access(mark, F_OK) == 0) {     /* a workspace whose progress was lost */
        *cause = xasprintf("%s exists without its progress.db: restore %s from a backup, "
                           "or remove %s to start again from nothing", mark, db, mark);
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
    struct given_report rep;
    if (given_install(c, abs, 1, GIVEN_ADD, &rep, cause) < 0)
        goto out;
    given_report_free(&rep);
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
static struct course *workspace_course(struct store *st, char **cause, int *user_fault)
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
        *user_fault = 1;
        return NULL;
    }
    char *errors = NULL;
    struct course *c = course_load(root, &errors);
    if (c == NULL) {
        *cause = xasprintf("the course at %s has problems (run 'stacklab validate %s'):\n%s",
                           root, root, errors);
        *user_fault = 1;
    }
    free(errors);
    free(root);
    return c;
}

/* Prints which workspace a command uses when it is not the current folder's, as
 * ~/PATH under the home folder. */
static void workspace_say_using(const char *root, enum workspace_source src)
{
    const char *home = getenv("HOME");
    char *real = home && home[0] == '/' ? util_realpath(home) : NULL;
    const char *rest = NULL;
    const char *homes[] = { home, real };
    for (size_t i = 0; i < 2 && rest == NULL; i++) {
        size_t n = homes[i] ? strlen(homes[i]) : 0;
        if (n > 1 && strncmp(root, homes[i], n) == 0 && root[n] == '/')
            rest = root + n;
    }
    fprintf(stderr, "stacklab: using workspace %s%s (%s)\n", rest ? "~" : "", rest ? rest : root,
            workspace_source_words[src]);
    free(real);
}

/* Creates the default workspace dir on its first use, saying so. */
static int workspace_create_default(const char *dir, char **cause, int *user_fault)
{
    struct course *c = workspace_course(NULL, cause, user_fault);
    int rc = c ? workspace_create(dir, c, cause) : -1;
    course_free(c);
    if (rc == 0)
        fprintf(stderr, "stacklab: created your workspace in %s (your code and progress "
                        "live there; 'stacklab init DIR' or STACKLAB_HOME choose another "
                        "folder)\n", dir);
    return rc;
}

/* The real path of the workspace to use outside any workspace (see
 * workspace_default_dir), created on first use when it may be. NULL with *cause and
 * *user_fault when it cannot be used. */
static char *workspace_pick_default(char **cause, int *user_fault)
{
    enum workspace_source src = WORKSPACE_HOME;
    *user_fault = 1;
    char *dir = workspace_default_dir(&src, cause);
    int state = dir ? workspace_check(dir, src, cause) : -1;
    if (state == 1 && workspace_create_default(dir, cause, user_fault) < 0)
        state = -1;
    char *root = state >= 0 ? util_realpath(dir) : NULL;
    if (state >= 0 && root == NULL) {
        *cause = xasprintf("cannot open the workspace %s: %s", dir, strerror(errno));
        *user_fault = 0;
    }
    if (root != NULL && state == 0)
        workspace_say_using(root, src);
    free(dir);
    return root;
}

struct workspace *workspace_open(char **cause, int *user_fault)
{
    *user_fault = 0;
    char *root = workspace_find_up();
    if (root != NULL && workspace_check(root, WORKSPACE_HERE, cause) < 0) {
        *user_fault = 1;
        free(root);
        return NULL;
    }
    if (root == NULL && (root = workspace_pick_default(cause, user_fault)) == NULL)
        return NULL;
    struct workspace *ws = xcalloc(1, sizeof *ws);
    ws->root = root;
    ws->dbpath = util_path_join(root, WORKSPACE_MARK "/progress.db");
    ws->store = store_open(ws->dbpath, cause);
    if (ws->store == NULL) {
        workspace_close(ws);
        return NULL;
    }
    ws->course = workspace_course(ws->store, cause, user_fault);
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
