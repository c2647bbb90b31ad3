/* sbx-cgroup.c -- cgroup v1 memory, pids and cpuacct groups for one box: created under
 * the caller's own groups (so outer limits still hold), read for CPU, peak memory and
 * OOM kills, emptied and removed at teardown. Used only where we may write them (root). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sbx-int.h"

#define SBX_CG_ROOT "/sys/fs/cgroup"

/* Our own groups of the controllers names[0..n-1] from /proc/self/cgroup, into out[i]
 * ("" for the root or when not listed). */
static void sbx_cg_self(const char *const *names, size_t n, char (*out)[SBX_PATH_MAX / 4])
{
    for (size_t i = 0; i < n; i++)
        out[i][0] = '\0';
    FILE *f = fopen("/proc/self/cgroup", "re");
    if (f == NULL)
        return;
    char line[512];
    while (fgets(line, sizeof line, f) != NULL) {
        char *save = NULL, *id = strtok_r(line, ":", &save);
        char *ctls = strtok_r(NULL, ":", &save), *path = strtok_r(NULL, "\n", &save);
        if (id == NULL || ctls == NULL || path == NULL)
            continue;
        char *s2 = NULL;
        for (char *c = strtok_r(ctls, ",", &s2); c != NULL; c = strtok_r(NULL, ",", &s2))
            for (size_t i = 0; i < n; i++)
                if (strcmp(c, names[i]) == 0)
                    snprintf(out[i], sizeof out[i], "%s", strcmp(path, "/") == 0 ? "" : path);
    }
    fclose(f);
}

static int sbx_cg_write(const char *dir, const char *file, const char *val)
{
    char path[SBX_PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = write(fd, val, strlen(val));
    int e = errno;
    close(fd);
    errno = e;
    return n == (ssize_t)strlen(val) ? 0 : -1;
}

static long long sbx_cg_read_ll(const char *dir, const char *file)
{
    char path[SBX_PATH_MAX], buf[64];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    return strtoll(buf, NULL, 10);
}

static int sbx_cg_open_tasks(struct sbx_cg *cg);

/* 1 when the machine has swap (read once per process): only then can a box's memory
 * leave its limit through swap, which the memsw limit and swappiness 0 stop. */
static int sbx_swap_on(void)
{
    static int known, on;
    if (!known) {
        FILE *f = fopen("/proc/swaps", "re");
        char line[256];
        on = 1;         /* unknown: assume swap */
        if (f != NULL) {
            int lines = 0;
            while (fgets(line, sizeof line, f) != NULL)
                lines++;
            fclose(f);
            on = lines > 1;     /* a header, then one line per swap area */
        }
        known = 1;
    }
    return on;
}

/* Removes groups left by runs whose supervisor died (its pid is gone); a group that
 * still holds processes stays (rmdir refuses). */
static void sbx_cg_sweep(const char *parent)
{
    DIR *d = opendir(parent);
    if (d == NULL)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        long pid;
        unsigned n;
        char path[SBX_PATH_MAX];
        if (sscanf(e->d_name, "stacklab-%ld-%u", &pid, &n) != 2 || pid <= 0
            || (kill((pid_t)pid, 0) == 0 || errno != ESRCH))
            continue;
        snprintf(path, sizeof path, "%s/%s", parent, e->d_name);
        rmdir(path);
    }
    closedir(d);
}

/* Our own group of controller k (0 memory, 1 pids, 2 cpuacct), read once per process:
 * a process does not move between groups behind the sandbox's back. */
static const char *const sbx_cg_ctls[3] = { "memory", "pids", "cpuacct" };

static const char *sbx_cg_self_cached(int k)
{
    static char self[3][SBX_PATH_MAX / 4];
    static int known;
    if (!known) {
        sbx_cg_self(sbx_cg_ctls, 3, self);
        known = 1;
    }
    return self[k];
}

static int sbx_cg_mkdir(int k, char *out, size_t len, unsigned serial)
{
    char parent[SBX_PATH_MAX / 2];
    const char *ctl = sbx_cg_ctls[k], *self = sbx_cg_self_cached(k);
    if (serial == 1) {
        snprintf(parent, sizeof parent, SBX_CG_ROOT "/%s%s", ctl, self);
        sbx_cg_sweep(parent);
    }
    snprintf(out, len, SBX_CG_ROOT "/%s%s/stacklab-%ld-%u", ctl, self, (long)getpid(), serial);
    if (mkdir(out, 0755) < 0 && errno != EEXIST)
        return -1;
    return 0;
}

/* Creates the three groups and sets the limits. Returns 0, or -1 with a reason in err
 * (then nothing is left behind). */
int sbx_cg_create(struct sbx_cg *cg, const struct sbx_limits *lim, char *err, size_t len)
{
    static unsigned serial;
    unsigned s = ++serial;
    memset(cg, 0, sizeof *cg);
    if (sbx_cg_mkdir(0, cg->mem, sizeof cg->mem, s) < 0
        || sbx_cg_mkdir(1, cg->pids, sizeof cg->pids, s) < 0
        || sbx_cg_mkdir(2, cg->cpu, sizeof cg->cpu, s) < 0) {
        snprintf(err, len, "cannot create cgroups: %s", strerror(errno));
        sbx_cg_destroy(cg);
        return -1;
    }
    char v[64];
    int bad = 0;
    if (lim->mem_mb > 0) {
        snprintf(v, sizeof v, "%lld", (long long)lim->mem_mb << 20);
        bad |= sbx_cg_write(cg->mem, "memory.limit_in_bytes", v);
        if (sbx_swap_on()) {
            sbx_cg_write(cg->mem, "memory.memsw.limit_in_bytes", v);  /* may be absent */
            sbx_cg_write(cg->mem, "memory.swappiness", "0");
        }
    }
    if (lim->procs > 0) {
        snprintf(v, sizeof v, "%ld", lim->procs + 2);   /* + the keeper and init */
        bad |= sbx_cg_write(cg->pids, "pids.max", v);
    }
    if (bad) {
        snprintf(err, len, "cannot set cgroup limits: %s", strerror(errno));
        sbx_cg_destroy(cg);
        return -1;
    }
    if (sbx_cg_open_tasks(cg) < 0) {
        snprintf(err, len, "cannot open the cgroups' tasks files: %s", strerror(errno));
        sbx_cg_destroy(cg);
        return -1;
    }
    cg->on = 1;
    return 0;
}

/* Opens the groups' `tasks` files for sbx_cg_enter. Returns 0 or -1. */
static int sbx_cg_open_tasks(struct sbx_cg *cg)
{
    const char *dirs[] = { cg->mem, cg->pids, cg->cpu };
    for (size_t i = 0; i < 3; i++) {
        char path[SBX_PATH_MAX];
        snprintf(path, sizeof path, "%s/tasks", dirs[i]);
        cg->tasks[i] = open(path, O_WRONLY | O_CLOEXEC);
        if (cg->tasks[i] < 0) {
            sbx_cg_close_tasks(cg);
            return -1;
        }
        cg->ntasks = (int)i + 1;
    }
    return 0;
}

/* Called by the keeper, alone in its process, before it creates anything: it moves its
 * own thread into each group by writing 0 to the `tasks` files the supervisor opened.
 * The kernel moves the calling thread without taking the lock that a move of another
 * process takes, whose first use after a pause waits for an RCU grace period (seen
 * here: up to 40 ms). Returns 0 or -1. */
int sbx_cg_enter(const struct sbx_cg *cg)
{
    for (int i = 0; i < cg->ntasks; i++)
        if (write(cg->tasks[i], "0", 1) != 1)
            return -1;
    return cg->ntasks == 3 ? 0 : -1;
}

void sbx_cg_close_tasks(struct sbx_cg *cg)
{
    for (int i = 0; i < cg->ntasks; i++)
        close(cg->tasks[i]);
    cg->ntasks = 0;
}

double sbx_cg_cpu(const struct sbx_cg *cg)
{
    long long ns = sbx_cg_read_ll(cg->cpu, "cpuacct.usage");
    return ns < 0 ? -1.0 : (double)ns / 1e9;
}

long sbx_cg_peak_kb(const struct sbx_cg *cg)
{
    long long b = sbx_cg_read_ll(cg->mem, "memory.max_usage_in_bytes");
    return b < 0 ? 0 : (long)(b / 1024);
}

/* 1 when the kernel killed something for the memory limit or the limit was hit. */
int sbx_cg_oom(const struct sbx_cg *cg)
{
    char path[SBX_PATH_MAX], buf[512];
    snprintf(path, sizeof path, "%s/memory.oom_control", cg->mem);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        ssize_t n = read(fd, buf, sizeof buf - 1);
        close(fd);
        buf[n > 0 ? n : 0] = '\0';
        char *k = strstr(buf, "oom_kill ");
        if (k != NULL && strtol(k + 9, NULL, 10) > 0)
            return 1;
    }
    return sbx_cg_read_ll(cg->mem, "memory.failcnt") > 0;
}

/* Kills every process of one group; returns how many were listed. */
static int sbx_cg_kill_dir(const char *dir)
{
    char path[SBX_PATH_MAX];
    snprintf(path, sizeof path, "%s/cgroup.procs", dir);
    FILE *f = fopen(path, "re");
    if (f == NULL)
        return 0;
    int n = 0;
    long pid;
    while (fscanf(f, "%ld", &pid) == 1) {
        kill((pid_t)pid, SIGKILL);
        n++;
    }
    fclose(f);
    return n;
}

/* Kills until the groups are empty (deadline 2 s). Returns processes left. */
int sbx_cg_kill_all(const struct sbx_cg *cg)
{
    struct timespec nap = { 0, 5 * 1000 * 1000 };
    int n = 0;
    for (int i = 0; i < 400; i++) {
        n = sbx_cg_kill_dir(cg->pids);  /* the keeper joined all three before any fork */
        if (n == 0)
            return 0;
        nanosleep(&nap, NULL);
    }
    return n;
}

/* Removes the groups (retrying briefly while the kernel finishes exits). Accepts an
 * unused struct. */
void sbx_cg_destroy(struct sbx_cg *cg)
{
    char *dirs[] = { cg->mem, cg->pids, cg->cpu };
    struct timespec nap = { 0, 2 * 1000 * 1000 };
    sbx_cg_close_tasks(cg);
    for (size_t i = 0; i < 3; i++) {
        if (dirs[i][0] == '\0')
            continue;
        for (int t = 0; t < 200 && rmdir(dirs[i]) < 0 && errno == EBUSY; t++)
            nanosleep(&nap, NULL);
        dirs[i][0] = '\0';
    }
    cg->on = 0;
}
