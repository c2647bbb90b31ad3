/* sbx-proc.c -- finds a run's processes through /proc by their session id (the box
 * cannot leave its session: setsid is refused by the filter), sums their CPU and memory,
 * and kills them at teardown. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sbx-int.h"

struct sbx_pstat {
    char state;
    long ppid;
    long sid;
    unsigned long long ticks;   /* utime+stime+cutime+cstime */
    long rss_pages;
};

/* Reads /proc/PID/stat; returns 0 or -1 (process gone). */
static int sbx_proc_stat(const char *pid, struct sbx_pstat *ps)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%s/stat", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    char *p = strrchr(buf, ')');    /* the command name may hold spaces and parens */
    if (p == NULL || p[1] == '\0')
        return -1;
    p += 2;
    unsigned long long f[24] = { 0 };
    /* fields from 3 (state) on: state ppid pgrp session tty tpgid flags minflt cminflt
     * majflt cmajflt utime stime cutime cstime priority nice threads itreal start vsize rss */
    ps->state = *p;
    p++;
    for (int i = 4; i <= 24; i++) {
        char *end;
        f[i - 1] = strtoull(p, &end, 10);
        if (end == p)
            return -1;
        p = end;
    }
    ps->ppid = (long)f[3];
    ps->sid = (long)f[5];
    ps->ticks = f[13] + f[14] + f[15] + f[16];
    ps->rss_pages = (long)f[23];
    return 0;
}

static int sbx_is_pid(const char *s)
{
    if (*s == '\0')
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

/* Sums CPU seconds and resident memory over the live processes of session sid. */
void sbx_proc_usage(pid_t sid, struct sbx_usage *u)
{
    memset(u, 0, sizeof *u);
    if (sid <= 1)
        return;     /* see sbx_proc_kill_session */
    DIR *d = opendir("/proc");
    if (d == NULL)
        return;
    static long hz, page_kb;
    if (hz == 0) {
        hz = sysconf(_SC_CLK_TCK);
        page_kb = sysconf(_SC_PAGESIZE) / 1024;
    }
    unsigned long long ticks = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        struct sbx_pstat ps;
        if (!sbx_is_pid(e->d_name) || sbx_proc_stat(e->d_name, &ps) < 0 || ps.sid != sid)
            continue;
        ticks += ps.ticks;
        u->rss_kb += ps.rss_pages * page_kb;
        if (ps.state != 'Z')
            u->nprocs++;
    }
    closedir(d);
    u->cpu = (double)ticks / (double)(hz > 0 ? hz : 100);
}

/* Live processes of session sid other than its leader (the keeper) and, with a pid
 * namespace (ns), the leader's children (the box's init): the program and what it
 * started. */
int sbx_proc_running(pid_t sid, int ns)
{
    int n = 0;
    DIR *d = sid > 1 ? opendir("/proc") : NULL;
    if (d == NULL)
        return 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        struct sbx_pstat ps;
        if (!sbx_is_pid(e->d_name) || sbx_proc_stat(e->d_name, &ps) < 0 || ps.sid != sid
            || ps.state == 'Z' || ps.state == 'X' || strtol(e->d_name, NULL, 10) == sid
            || (ns && ps.ppid == sid))
            continue;
        n++;
    }
    closedir(d);
    return n;
}

/* One pass: SIGKILL every non-zombie of session sid; returns how many were found. */
static int sbx_proc_kill_pass(pid_t sid)
{
    int found = 0;
    DIR *d = opendir("/proc");
    if (d == NULL)
        return 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        struct sbx_pstat ps;
        if (!sbx_is_pid(e->d_name) || sbx_proc_stat(e->d_name, &ps) < 0 || ps.sid != sid
            || ps.state == 'Z' || ps.state == 'X')
            continue;
        pid_t pid = (pid_t)strtol(e->d_name, NULL, 10);
        if (pid == getpid())
            continue;   /* the keeper cleaning its own session */
        found++;
        kill(pid, SIGKILL);
    }
    closedir(d);
    return found;
}

/* Kills the session until nothing of it runs or deadline_sec passes. Returns the
 * number of processes still alive at the end (0 is the only good answer). */
int sbx_proc_kill_session(pid_t sid, double deadline_sec)
{
    /* A box's session is its keeper's (a pid of ours, never 0 or 1). Session 0 is where
     * a machine's first processes stay when its init never calls setsid (containers,
     * small virtual machines): a box not yet started must not kill all of them. */
    if (sid <= 1)
        return 0;
    struct timespec start, now, nap = { 0, 5 * 1000 * 1000 };
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        int n = sbx_proc_kill_pass(sid);
        if (n == 0)
            return 0;
        clock_gettime(CLOCK_MONOTONIC, &now);
        double el = (double)(now.tv_sec - start.tv_sec) + (double)(now.tv_nsec - start.tv_nsec) / 1e9;
        if (el > deadline_sec)
            return n;
        nanosleep(&nap, NULL);
    }
}
