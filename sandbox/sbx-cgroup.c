/* sbx-cgroup.c -- the cgroups of one box: v1 memory, pids and cpuacct groups created
 * under the caller's own (so outer limits still hold; root only), or one v2 group with
 * memory and pids under the parent sbx-cgroup2.c picks. Read for CPU, peak memory and
 * OOM kills, emptied and removed at teardown. */
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

int sbx_cg_write(const char *dir, const char *file, const char *val)
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

int sbx_cg_read(const char *dir, const char *file, char *buf, size_t len)
{
    char path[SBX_PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, len - 1);
    close(fd);
    if (n < 0)
        return -1;
    buf[n] = '\0';
    return (int)n;
}

static long long sbx_cg_read_ll(const char *dir, const char *file)
{
    char buf[64];
    if (sbx_cg_read(dir, file, buf, sizeof buf) <= 0)
        return -1;
    return strtoll(buf, NULL, 10);
}

/* The number after "key " in a flat-keyed file (memory.events, cpu.stat), or -1. */
static long long sbx_cg_read_key(const char *dir, const char *file, const char *key)
{
    char buf[1024];
    if (sbx_cg_read(dir, file, buf, sizeof buf) <= 0)
        return -1;
    size_t k = strlen(key);
    for (char *l = buf; l != NULL; ) {
        if (strncmp(l, key, k) == 0 && l[k] == ' ')
            return strtoll(l + k + 1, NULL, 10);
        char *nl = strchr(l, '\n');
        l = nl != NULL ? nl + 1 : NULL;
    }
    return -1;
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

/* The folder of box group `serial` for v1 controller k, or (k < 0) for v2 under parent,
 * made. The first box of a process sweeps what dead supervisors left in the parent. */
static int sbx_cg_mkdir(int k, const char *v2parent, char *out, size_t len, unsigned serial)
{
    char parent[SBX_PATH_MAX / 2];
    if (k < 0)
        snprintf(parent, sizeof parent, "%s", v2parent);
    else
        snprintf(parent, sizeof parent, SBX_CG_ROOT "/%s%s", sbx_cg_ctls[k], sbx_cg_self_cached(k));
    if (serial == 1)
        sbx_cg_sweep(parent);
    if ((size_t)snprintf(out, len, "%s/stacklab-%ld-%u", parent, (long)getpid(), serial) >= len) {
        errno = ENAMETOOLONG;
        return -1;
    }
    if (mkdir(out, 0755) < 0 && errno != EEXIST)
        return -1;
    return 0;
}

/* Makes the groups; -1 with errno when one cannot be made. */
static int sbx_cg_make(struct sbx_cg *cg, unsigned serial, char *err, size_t len)
{
    if (cg->v2) {
        const char *parent = sbx_cg2_parent(err, len);
        if (parent == NULL)
            return -1;
        if (sbx_cg_mkdir(-1, parent, cg->dir[0], sizeof cg->dir[0], serial) == 0)
            return 0;
    } else if (sbx_cg_mkdir(SBX_CG_MEM, NULL, cg->dir[0], sizeof cg->dir[0], serial) == 0
               && sbx_cg_mkdir(SBX_CG_PIDS, NULL, cg->dir[1], sizeof cg->dir[1], serial) == 0
               && sbx_cg_mkdir(SBX_CG_CPU, NULL, cg->dir[2], sizeof cg->dir[2], serial) == 0) {
        return 0;
    }
    snprintf(err, len, "cannot create cgroups: %s", strerror(errno));
    return -1;
}

/* The folder holding controller k's files. */
static const char *sbx_cg_dir(const struct sbx_cg *cg, int k)
{
    return cg->dir[cg->v2 ? 0 : k];
}

/* Writes the limits: 0, or -1 with errno. */
static int sbx_cg_limit(const struct sbx_cg *cg, const struct sbx_limits *lim)
{
    char v[64];
    int bad = 0;
    const char *mem = sbx_cg_dir(cg, SBX_CG_MEM);
    if (lim->mem_mb > 0) {
        snprintf(v, sizeof v, "%lld", (long long)lim->mem_mb << 20);
        bad |= sbx_cg_write(mem, cg->v2 ? "memory.max" : "memory.limit_in_bytes", v);
        if (sbx_swap_on() && cg->v2) {
            sbx_cg_write(mem, "memory.swap.max", "0");      /* absent without swap accounting */
        } else if (sbx_swap_on()) {
            sbx_cg_write(mem, "memory.memsw.limit_in_bytes", v);  /* may be absent */
            sbx_cg_write(mem, "memory.swappiness", "0");
        }
    }
    if (lim->procs > 0) {
        snprintf(v, sizeof v, "%ld", lim->procs + 2);   /* + the keeper and init */
        bad |= sbx_cg_write(sbx_cg_dir(cg, SBX_CG_PIDS), "pids.max", v);
    }
    return bad ? -1 : 0;
}

/* Creates the box's groups (v2 when sbx_caps.cg is 2) and sets the limits. Returns 0,
 * or -1 with a reason in err (then nothing is left behind). */
int sbx_cg_create(struct sbx_cg *cg, const struct sbx_limits *lim, char *err, size_t len)
{
    static unsigned serial;
    memset(cg, 0, sizeof *cg);
    cg->v2 = sbx_caps_get()->cg == 2;
    if (sbx_cg_make(cg, ++serial, err, len) < 0) {
        sbx_cg_destroy(cg);
        return -1;
    }
    if (sbx_cg_limit(cg, lim) < 0) {
        snprintf(err, len, "cannot set cgroup limits: %s", strerror(errno));
        sbx_cg_destroy(cg);
        return -1;
    }
    if (sbx_cg_open_tasks(cg) < 0) {
        snprintf(err, len, "cannot open the cgroups' %s files: %s",
                 cg->v2 ? "cgroup.procs" : "tasks", strerror(errno));
        sbx_cg_destroy(cg);
        return -1;
    }
    cg->on = 1;
    return 0;
}

/* Opens the files sbx_cg_enter writes: v1 each group's `tasks`, v2 `cgroup.procs`.
 * Returns 0 or -1. */
static int sbx_cg_open_tasks(struct sbx_cg *cg)
{
    int n = cg->v2 ? 1 : 3;
    for (int i = 0; i < n; i++) {
        char path[SBX_PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", cg->dir[i], cg->v2 ? "cgroup.procs" : "tasks");
        cg->tasks[i] = open(path, O_WRONLY | O_CLOEXEC);
        if (cg->tasks[i] < 0) {
            sbx_cg_close_tasks(cg);
            return -1;
        }
        cg->ntasks = i + 1;
    }
    return 0;
}

/* Called by the keeper, alone in its process, before it creates anything: it moves
 * itself in by writing 0 to the files the supervisor opened. On v1 it writes `tasks`,
 * which moves the calling thread without the lock that moving a whole process takes;
 * that lock's first use after a pause waits for an RCU grace period (seen here: up to
 * 40 ms). v2 has only cgroup.procs. Returns 0 or -1. */
int sbx_cg_enter(const struct sbx_cg *cg)
{
    for (int i = 0; i < cg->ntasks; i++)
        if (write(cg->tasks[i], "0", 1) != 1)
            return -1;
    return cg->ntasks == (cg->v2 ? 1 : 3) ? 0 : -1;
}

void sbx_cg_close_tasks(struct sbx_cg *cg)
{
    for (int i = 0; i < cg->ntasks; i++)
        close(cg->tasks[i]);
    cg->ntasks = 0;
}

double sbx_cg_cpu(const struct sbx_cg *cg)
{
    if (cg->v2) {
        long long us = sbx_cg_read_key(sbx_cg_dir(cg, SBX_CG_CPU), "cpu.stat", "usage_usec");
        return us < 0 ? -1.0 : (double)us / 1e6;
    }
    long long ns = sbx_cg_read_ll(sbx_cg_dir(cg, SBX_CG_CPU), "cpuacct.usage");
    return ns < 0 ? -1.0 : (double)ns / 1e9;
}

/* Peak memory of the group; 0 when unknown (v2 before Linux 5.19 has no memory.peak). */
long sbx_cg_peak_kb(const struct sbx_cg *cg)
{
    long long b = sbx_cg_read_ll(sbx_cg_dir(cg, SBX_CG_MEM),
                                 cg->v2 ? "memory.peak" : "memory.max_usage_in_bytes");
    return b < 0 ? 0 : (long)(b / 1024);
}

/* 1 when the kernel killed something for the memory limit, or (v1) the limit was hit. */
int sbx_cg_oom(const struct sbx_cg *cg)
{
    const char *mem = sbx_cg_dir(cg, SBX_CG_MEM);
    if (cg->v2)
        return sbx_cg_read_key(mem, "memory.events", "oom_kill") > 0
            || sbx_cg_read_key(mem, "memory.events", "oom") > 0;
    if (sbx_cg_read_key(mem, "memory.oom_control", "oom_kill") > 0)
        return 1;
    return sbx_cg_read_ll(mem, "memory.failcnt") > 0;
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

/* Kills until the groups are empty (deadline 2 s). Returns processes left. v2 first
 * asks the kernel to kill the whole group at once (cgroup.kill, Linux 5.14), which a
 * fork bomb cannot outrun. */
int sbx_cg_kill_all(const struct sbx_cg *cg)
{
    struct timespec nap = { 0, 5 * 1000 * 1000 };
    const char *pids = sbx_cg_dir(cg, SBX_CG_PIDS);  /* the keeper joined all before any fork */
    int n = 0;
    if (cg->v2)
        sbx_cg_write(pids, "cgroup.kill", "1");
    for (int i = 0; i < 400; i++) {
        n = sbx_cg_kill_dir(pids);
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
    struct timespec nap = { 0, 2 * 1000 * 1000 };
    sbx_cg_close_tasks(cg);
    for (size_t i = 0; i < 3; i++) {
        if (cg->dir[i][0] == '\0')
            continue;
        for (int t = 0; t < 200 && rmdir(cg->dir[i]) < 0 && errno == EBUSY; t++)
            nanosleep(&nap, NULL);
        cg->dir[i][0] = '\0';
    }
    cg->on = 0;
}
