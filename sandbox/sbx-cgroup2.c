/* sbx-cgroup2.c -- where boxes' cgroup v2 groups are made. Finds the v2 hierarchy and
 * this process's group in it, and picks, once per process, the parent of the boxes'
 * groups: a parent delegated to us with memory and pids on (our group stays as it is),
 * our own delegated group when we are alone in it (we move to a leaf of it first, as v2
 * allows processes only in leaves), or, as root, a `stacklab` group at the top. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sbx-int.h"

enum sbx_cg2_plan { SBX_CG2_NONE, SBX_CG2_PARENT, SBX_CG2_LEAF, SBX_CG2_TOP };

/* What was found, once per process. Invariant: parent is set when claimed is 1. */
static struct {
    int known, claimed;
    enum sbx_cg2_plan plan;
    char mnt[256];                  /* the cgroup2 mount point */
    char self[SBX_PATH_MAX / 4];    /* our group's folder */
    char parent[SBX_PATH_MAX / 4];  /* where boxes' groups go */
    char why[160];                  /* plan NONE: why; else what is done */
} sbx_cg2;

/* The cgroup2 mount (its root must be the hierarchy's, as seen from our cgroup
 * namespace) into mnt. Returns 0, or -1 when there is none. */
static int sbx_cg2_mount(char *mnt, size_t len)
{
    FILE *f = fopen("/proc/self/mountinfo", "re");
    if (f == NULL)
        return -1;
    char line[1024];
    int found = -1;
    while (found < 0 && fgets(line, sizeof line, f) != NULL) {
        char root[256], point[256], *sep = strstr(line, " - ");
        if (sep == NULL || strncmp(sep, " - cgroup2 ", 11) != 0
            || sscanf(line, "%*s %*s %*s %255s %255s", root, point) != 2)
            continue;
        if (strcmp(root, "/") == 0 && strchr(point, '\\') == NULL) {
            snprintf(mnt, len, "%s", point);
            found = 0;
        }
    }
    fclose(f);
    return found;
}

/* Our v2 group ("0::/path" in /proc/self/cgroup) as a folder under mnt. Returns 0/-1. */
static int sbx_cg2_self(const char *mnt, char *out, size_t len)
{
    FILE *f = fopen("/proc/self/cgroup", "re");
    if (f == NULL)
        return -1;
    char line[SBX_PATH_MAX / 4];
    int found = -1;
    while (found < 0 && fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, "0::/", 4) != 0)
            continue;
        line[strcspn(line, "\n")] = '\0';
        if ((size_t)snprintf(out, len, "%s%s", mnt, strcmp(line + 3, "/") == 0 ? "" : line + 3) < len)
            found = 0;
    }
    fclose(f);
    return found;
}

/* 1 when the space-separated list in dir/file names both memory and pids. */
static int sbx_cg2_lists(const char *dir, const char *file)
{
    char buf[512];
    if (sbx_cg_read(dir, file, buf, sizeof buf) < 0)
        return 0;
    int mem = 0, pids = 0;
    char *save = NULL;
    for (char *w = strtok_r(buf, " \n", &save); w != NULL; w = strtok_r(NULL, " \n", &save)) {
        mem |= strcmp(w, "memory") == 0;
        pids |= strcmp(w, "pids") == 0;
    }
    return mem && pids;
}

/* 1 when we may make groups in dir and move processes between them. */
static int sbx_cg2_ours(const char *dir)
{
    char procs[SBX_PATH_MAX];
    snprintf(procs, sizeof procs, "%s/cgroup.procs", dir);
    return access(dir, W_OK) == 0 && access(procs, W_OK) == 0;
}

/* 1 when this process is the only one in dir. */
static int sbx_cg2_alone(const char *dir)
{
    char buf[256];
    if (sbx_cg_read(dir, "cgroup.procs", buf, sizeof buf) < 0)
        return 0;
    char *end = NULL;
    long pid = strtol(buf, &end, 10);
    return pid == (long)getpid() && (*end == '\0' || strcmp(end, "\n") == 0);
}

/* Picks the plan, touching nothing. */
static void sbx_cg2_find(int root)
{
    char parent[SBX_PATH_MAX / 4], sub[SBX_PATH_MAX];
    sbx_cg2.plan = SBX_CG2_NONE;
    if (sbx_cg2_mount(sbx_cg2.mnt, sizeof sbx_cg2.mnt) < 0) {
        snprintf(sbx_cg2.why, sizeof sbx_cg2.why, "no cgroup v2 hierarchy is mounted");
        return;
    }
    if (!sbx_cg2_lists(sbx_cg2.mnt, "cgroup.controllers")) {
        snprintf(sbx_cg2.why, sizeof sbx_cg2.why, "cgroup v2 at %.64s lacks the memory or pids "
                 "controller", sbx_cg2.mnt);
        return;
    }
    if (sbx_cg2_self(sbx_cg2.mnt, sbx_cg2.self, sizeof sbx_cg2.self) < 0) {
        snprintf(sbx_cg2.why, sizeof sbx_cg2.why, "no cgroup v2 group in /proc/self/cgroup");
        return;
    }
    int top = strcmp(sbx_cg2.self, sbx_cg2.mnt) == 0;
    snprintf(parent, sizeof parent, "%s", sbx_cg2.self);
    *strrchr(parent, '/') = '\0';     /* self is mnt + "/..." when not top */
    snprintf(sub, sizeof sub, "%s/cgroup.subtree_control", sbx_cg2.self);
    if (!top && sbx_cg2_ours(parent) && sbx_cg2_lists(parent, "cgroup.subtree_control")) {
        sbx_cg2.plan = SBX_CG2_PARENT;
        snprintf(sbx_cg2.parent, sizeof sbx_cg2.parent, "%s", parent);
    } else if (!top && sbx_cg2_ours(sbx_cg2.self) && access(sub, W_OK) == 0
               && sbx_cg2_lists(sbx_cg2.self, "cgroup.controllers") && sbx_cg2_alone(sbx_cg2.self)) {
        sbx_cg2.plan = SBX_CG2_LEAF;
        snprintf(sbx_cg2.parent, sizeof sbx_cg2.parent, "%s", sbx_cg2.self);
    } else if (root) {
        sbx_cg2.plan = SBX_CG2_TOP;
        snprintf(sbx_cg2.parent, sizeof sbx_cg2.parent, "%s/stacklab", sbx_cg2.mnt);
    } else if (!sbx_cg2_ours(sbx_cg2.self)) {
        snprintf(sbx_cg2.why, sizeof sbx_cg2.why, "cgroup v2 group %.96s is not delegated to "
                 "this user", sbx_cg2.self + strlen(sbx_cg2.mnt));
        return;
    } else {
        snprintf(sbx_cg2.why, sizeof sbx_cg2.why, "cgroup v2 group %.80s holds other processes "
                 "or lacks memory or pids", sbx_cg2.self + strlen(sbx_cg2.mnt));
        return;
    }
    snprintf(sbx_cg2.why, sizeof sbx_cg2.why, "v2 memory, pids under %.128s",
             sbx_cg2.parent + strlen(sbx_cg2.mnt));
}

int sbx_cg2_probe(int root, char *why, size_t len)
{
    if (!sbx_cg2.known) {
        sbx_cg2_find(root);
        sbx_cg2.known = 1;
    }
    snprintf(why, len, "%s", sbx_cg2.why);
    return sbx_cg2.plan != SBX_CG2_NONE;
}

/* Makes dir (if need be) and turns memory and pids on for its children. */
static int sbx_cg2_enable(const char *dir)
{
    if (mkdir(dir, 0755) < 0 && errno != EEXIST)
        return -1;
    return sbx_cg_write(dir, "cgroup.subtree_control", "+memory +pids");
}

/* Claims the parent on first use: LEAF moves this process to `stacklab-main` below its
 * group and turns the controllers on; TOP makes /stacklab with them on. Returns the
 * parent's folder, or NULL with the reason in err (and on every later call). */
const char *sbx_cg2_parent(char *err, size_t len)
{
    if (!sbx_cg2.known || sbx_cg2.plan == SBX_CG2_NONE) {
        snprintf(err, len, "%s", sbx_cg2.known ? sbx_cg2.why : "cgroup v2 was not probed");
        return NULL;
    }
    if (sbx_cg2.claimed)
        return sbx_cg2.parent;
    int rc = 0;
    if (sbx_cg2.plan == SBX_CG2_LEAF) {
        char leaf[SBX_PATH_MAX];
        snprintf(leaf, sizeof leaf, "%s/stacklab-main", sbx_cg2.self);
        rc = (mkdir(leaf, 0755) < 0 && errno != EEXIST) ? -1
           : sbx_cg_write(leaf, "cgroup.procs", "0") < 0 ? -1
           : sbx_cg_write(sbx_cg2.self, "cgroup.subtree_control", "+memory +pids");
    } else if (sbx_cg2.plan == SBX_CG2_TOP) {
        rc = sbx_cg_write(sbx_cg2.mnt, "cgroup.subtree_control", "+memory +pids") < 0 ? -1
           : sbx_cg2_enable(sbx_cg2.parent);
    }
    if (rc < 0) {
        snprintf(sbx_cg2.why, sizeof sbx_cg2.why, "cannot set up cgroup v2 under %.96s: %s",
                 sbx_cg2.parent + strlen(sbx_cg2.mnt), strerror(errno));
        sbx_cg2.plan = SBX_CG2_NONE;
        snprintf(err, len, "%s", sbx_cg2.why);
        return NULL;
    }
    sbx_cg2.claimed = 1;
    return sbx_cg2.parent;
}
