/* sbx-probe.c -- what this machine lets the sandbox do, found once per process (user
 * namespaces, cgroups, seccomp), and the per-layer report behind `stacklab doctor`. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sbx-int.h"

/* The probe child is born in new user, pid and mount namespaces and has nothing to do. */
static int sbx_probe_child(void *arg)
{
    (void)arg;
    return 0;
}

/* 1 when a child can create a user namespace (and, inside it, pid and mount ones). */
static int sbx_probe_userns(char *why, size_t len)
{
    /* Made by clone in the caller's memory (CLONE_VM | CLONE_VFORK, on a small stack of
     * its own): nothing is copied and the caller waits, which costs far less than a
     * fork of a large program. */
    static char stack[16384] __attribute__((aligned(16)));
    int saved = errno;
    pid_t p = clone(sbx_probe_child, stack + sizeof stack,
                    CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_VM | CLONE_VFORK | SIGCHLD,
                    NULL);
    int e = errno;
    errno = saved;
    if (p < 0) {
        snprintf(why, len, "a user namespace (with pid and mount ones) is refused: %s",
                 strerror(e));
        return 0;
    }
    int st = 0;
    while (waitpid(p, &st, 0) < 0 && errno == EINTR)
        ;
    errno = saved;
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
        return 1;
    snprintf(why, len, "the user namespace probe %s", WIFEXITED(st) ? "failed" : "crashed");
    return 0;
}

/* Which cgroups boxes can use: 1 v1 (its memory, pids and cpuacct controllers, root
 * only), 2 v2 (where v1 has none of them), 0 none with the reason in why. For 1 and 2,
 * why says what is used. */
static int sbx_probe_cg(int root, char *why, size_t len)
{
    static const char *const dirs[] = { "/sys/fs/cgroup/memory", "/sys/fs/cgroup/pids",
                                        "/sys/fs/cgroup/cpuacct" };
    int v1 = 0;
    for (size_t i = 0; i < 3; i++)
        v1 += access(dirs[i], F_OK) == 0;
    if (v1 == 0)
        return sbx_cg2_probe(root, why, len) ? 2 : 0;
    if (v1 < 3) {
        snprintf(why, len, "cgroup v1 lacks one of memory, pids, cpuacct");
        return 0;
    }
    if (!root) {
        snprintf(why, len, "v1 controllers need root");
        return 0;
    }
    if (access("/sys/fs/cgroup/memory", W_OK) < 0) {
        snprintf(why, len, "cgroup folders are read-only");
        return 0;
    }
    snprintf(why, len, "v1 memory, pids, cpuacct");
    return 1;
}

static struct sbx_caps sbx_caps;

/* The user-namespace probe costs about as much as a box's own namespaces, so it is not
 * run up front: boxes assume one, and the first refused (sbx_caps_userns_refused)
 * settles it. Only the report probes. */
const struct sbx_caps *sbx_caps_get(void)
{
    static int done;
    if (!done) {
        sbx_caps.root = geteuid() == 0;
        sbx_caps.userns = -1;
        sbx_caps.cg = sbx_probe_cg(sbx_caps.root, sbx_caps.why_cg, sizeof sbx_caps.why_cg);
        done = 1;
    }
    return &sbx_caps;
}

void sbx_process_init(void)
{
    sbx_caps_get();
    if (sbx_caps.cg == 2 && sbx_cg2_parent(sbx_caps.why_cg, sizeof sbx_caps.why_cg) == NULL)
        sbx_caps.cg = 0;        /* why_cg now says what failed */
}

void sbx_caps_probe_userns(void)
{
    sbx_caps_get();
    if (sbx_caps.userns < 0)
        sbx_caps.userns = sbx_probe_userns(sbx_caps.why_userns, sizeof sbx_caps.why_userns);
}

void sbx_caps_userns_refused(int err)
{
    sbx_caps_get();
    sbx_caps.userns = 0;
    snprintf(sbx_caps.why_userns, sizeof sbx_caps.why_userns,
             "a user namespace (with pid and mount ones) is refused: %s", strerror(err));
}

/* A v2 group delegated to us is writable by our uid, so a box running as that uid
 * could move itself out of its group if it saw /sys/fs/cgroup: such groups are used
 * only for boxes with their own mount namespace (a user namespace, without root). */
int sbx_caps_cg_usable(unsigned flags)
{
    const struct sbx_caps *c = sbx_caps_get();
    if (c->cg == 0 || (flags & SBX_NO_CGROUP))
        return 0;
    return c->cg == 1 || c->root || (c->userns != 0 && !(flags & SBX_NO_USERNS));
}

/* What cgroups a box with these flags uses, or why none (static text). */
const char *sbx_caps_cg_why(unsigned flags)
{
    const struct sbx_caps *c = sbx_caps_get();
    if (flags & SBX_NO_CGROUP)
        return "disabled";
    if (c->cg == 0 || sbx_caps_cg_usable(flags))
        return c->why_cg;
    return "v2 groups delegated to this user need a user namespace";
}

static size_t sbx_line(char *buf, size_t len, size_t at, const char *name, int on, const char *why)
{
    if (at >= len)
        return at;
    int n = snprintf(buf + at, len - at, "%-10s %s%s%s\n", name, on ? "on" : "off",
                     why && *why ? ": " : "", why ? why : "");
    return n < 0 ? at : at + (size_t)n;
}

/* The course row: which folders boxes cannot see, or why they can. */
static const char *sbx_probe_course(int ns, char *why, size_t len)
{
    size_t at = (size_t)snprintf(why, len, "%s", ns ? "hidden in boxes:"
                                 : "boxes without a mount namespace can read");
    const char *const *p = sbx_hidden_paths();
    if (*p == NULL)
        snprintf(why, len, "no course folder found");
    for (; *p != NULL && at < len; p++)
        at += (size_t)snprintf(why + at, len - at, " %s", *p);
    return why;
}

int sbx_probe(char *buf, size_t len, unsigned flags)
{
    sbx_caps_probe_userns();
    const struct sbx_caps *c = sbx_caps_get();
    int userns = c->userns && !(flags & SBX_NO_USERNS);
    int ns = userns || c->root;
    int cg = sbx_caps_cg_usable(flags);
    int sc = !(flags & SBX_NO_SECCOMP) && seccomp_api_get() >= 1;
    char course[512];
    const char *nsw = ns ? (userns ? "" : "as root, without a user namespace")
                         : "needs a user namespace or root";
    struct { const char *name; int on; const char *why; } rows[] = {
        { "session", 1, "own session, killed as a whole; wall/cpu/idle watched" },
        { "rlimits", 1, "FSIZE, NOFILE, CORE=0, NPROC, CPU backstop" },
        { "nnp", 1, "no_new_privs" },
        { "seccomp", sc, sc ? "errors for mount, bpf, keyctl, io_uring, ...; foreign arch killed"
                            : (flags & SBX_NO_SECCOMP) ? "disabled" : "kernel refuses seccomp" },
        { "userns", userns, userns ? "" : (flags & SBX_NO_USERNS) ? "disabled" : c->why_userns },
        { "pidns", ns, nsw }, { "netns", ns, nsw }, { "mntns", ns, nsw },
        { "ipcns", ns, nsw }, { "utsns", ns, nsw },
        { "uid", c->root, c->root ? "boxes and checkers run as unused uids 1879048192+ (getpwuid), each its own"
                                  : "runs as the calling user" },
        { "cgroup", cg, sbx_caps_cg_why(flags) },
        { "memory", 1, cg ? "cgroup limit, OOM reported as ML"
                          : "RLIMIT_AS (ASan: hard_rss_limit_mb) plus RSS polling" },
        { "box-tmpfs", ns, ns ? "the box folder is a tmpfs of its size and file count (the kernel holds them)"
                              : "the box folder is walked every 250 ms: a fast writer overshoots (docs/sandbox.md)" },
        { "course", ns, sbx_probe_course(ns, course, sizeof course) },
        { "leak-check", ns, ns ? "ptrace allowed inside the pid namespace" : "ptrace refused outside a pid namespace" },
    };
    size_t at = 0;
    int count = 0;
    if (len > 0)
        buf[0] = '\0';
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        at = sbx_line(buf, len, at, rows[i].name, rows[i].on, rows[i].why);
        count += rows[i].on;
    }
    return count;
}
