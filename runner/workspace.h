/* workspace.h -- a learner's workspace: a folder holding .stacklab/ (progress store),
 * the learner's framework files, public tests and a Makefile. Found by walking up from
 * the current folder, like git; otherwise a default one ($STACKLAB_HOME, the last
 * `stacklab init`, ~/stacklab-work) is used. Prefix: workspace_. */
#ifndef STACKLAB_WORKSPACE_H
#define STACKLAB_WORKSPACE_H

#include "course.h"
#include "store.h"

struct workspace {
    char *root;             /* absolute path */
    char *dbpath;           /* root/.stacklab/progress.db */
    struct store *store;    /* open */
    struct course *course;  /* loaded and valid */
};

/* Opens the workspace around the current folder, or outside one the default: the
 * folder $STACKLAB_HOME names, else the last `stacklab init`'s (workspace_remember),
 * else ~/stacklab-work; a default is named on stderr ("using workspace ..."), and
 * $STACKLAB_HOME or ~/stacklab-work is created on first use (saying so, populated with
 * starter(1)). Loads the course too. Returns NULL with an allocated *cause (caller frees)
 * on failure; *user_fault is then 1 for what the user must fix (a bad course, a
 * workspace whose .stacklab/progress.db is missing (never replaced by a fresh one) or a
 * last-init folder that is gone), 0 otherwise. */
struct workspace *workspace_open(char **cause, int *user_fault);
/* Records dir (made absolute) as the last `stacklab init`, atomically, in
 * workspace_config_path(). Returns 0, or -1 with an allocated *cause. */
int workspace_remember(const char *dir, char **cause);
/* ${XDG_CONFIG_HOME:-~/.config}/stacklab/workspace, or NULL when neither names an
 * absolute folder. Caller frees. */
char *workspace_config_path(void);
/* Creates a workspace in dir (which may exist, but must not already be a workspace, nor
 * lie inside the course folder): .stacklab/progress.db, starter(1) files, public tests,
 * Makefile. Returns 0, or -1 with an allocated *cause. */
int workspace_create(const char *dir, const struct course *c, char **cause);
/* Closes the store, frees the course and the struct. Accepts NULL. */
void workspace_close(struct workspace *ws);

/* The lab to work on: the first lab (in course order) not yet passed; NULL when all
 * passed. */
struct lab *workspace_current_lab(struct workspace *ws);
/* 1 when lab may be checked: it requires nothing or its required lab has passed. */
int workspace_lab_unlocked(struct workspace *ws, const struct lab *lab);
/* Absolute path of a file of the workspace. Caller frees. */
char *workspace_path(const struct workspace *ws, const char *rel);

#endif
