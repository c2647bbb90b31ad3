/* sbx-filter.c -- the seccomp policy of a boxed program (libseccomp): everything is
 * allowed except a table of calls that fail with an error (never a kill where an error
 * will do, so sanitizers and libc fall back cleanly); foreign architectures are killed. */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <linux/sched.h>
#include <seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sbx-int.h"

#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif

/* Calls refused with EPERM. Names resolve at run time, so a call the libseccomp of this
 * machine does not know is skipped rather than breaking the build. */
static const char *const sbx_denied[] = {
    "mount", "umount2", "unshare", "setns", "pivot_root", "chroot", "fsopen", "fsmount",
    "fsconfig", "move_mount", "open_tree", "fspick", "mount_setattr",
    "keyctl", "add_key", "request_key", "bpf", "perf_event_open", "userfaultfd",
    "io_uring_setup", "io_uring_enter", "io_uring_register",
    "process_vm_readv", "process_vm_writev", "kexec_load", "kexec_file_load",
    "init_module", "finit_module", "delete_module", "reboot", "swapon", "swapoff", "acct",
    "quotactl", "open_by_handle_at", "name_to_handle_at", "syslog", "settimeofday",
    "clock_settime", "clock_adjtime", "adjtimex", "setsid", "lookup_dcookie",
    "fanotify_init", "pidfd_getfd", "vhangup",
};

static int sbx_filter_deny_name(scmp_filter_ctx ctx, const char *name, int err)
{
    int nr = seccomp_syscall_resolve_name(name);
    if (nr == __NR_SCMP_ERROR)
        return 0;
    return seccomp_rule_add(ctx, SCMP_ACT_ERRNO(err), nr, 0);
}

/* clone with namespace flags fails; clone3 says ENOSYS so libc falls back to clone,
 * whose flags a filter can see. */
static int sbx_filter_clone_flags(scmp_filter_ctx ctx)
{
    static const unsigned long flags[] = { CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWPID,
        CLONE_NEWNET, CLONE_NEWIPC, CLONE_NEWUTS, CLONE_NEWCGROUP };
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        int rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
                                  SCMP_A0(SCMP_CMP_MASKED_EQ, flags[i], flags[i]));
        if (rc < 0)
            return rc;
    }
    return seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
}

static int sbx_filter_ioctl_socket(scmp_filter_ctx ctx)
{
    static const unsigned long ioctls[] = { TIOCSTI, TIOCLINUX };
    static const int families[] = { AF_PACKET, AF_VSOCK };
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < 2; i++)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1,
                              SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffUL, ioctls[i]));
    for (size_t i = 0; rc == 0 && i < 2; i++)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT), SCMP_SYS(socket), 1,
                              SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)families[i]));
    return rc;
}

/* Builds the policy into a libseccomp context. pidns: ptrace is allowed (it can reach
 * only the box), else it fails with EPERM. Returns the context or NULL. */
static scmp_filter_ctx sbx_filter_build(int pidns)
{
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (ctx == NULL)
        return NULL;
    int rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
    if (rc == 0)
        rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);     /* the caller sets it */
    for (size_t i = 0; rc == 0 && i < sizeof sbx_denied / sizeof sbx_denied[0]; i++)
        rc = sbx_filter_deny_name(ctx, sbx_denied[i], EPERM);
    if (rc == 0 && !pidns)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ptrace), 0);
    if (rc == 0)
        rc = sbx_filter_clone_flags(ctx);
    if (rc == 0)
        rc = sbx_filter_ioctl_socket(ctx);
    if (rc != 0) {
        seccomp_release(ctx);
        return NULL;
    }
    return ctx;
}

/* The two compiled programs (with and without a pid namespace), made once per process
 * by the supervisor before it forks; the box only hands its copy to the kernel. */
static struct {
    struct sock_filter *code;   /* owned here for the life of the process; NULL: not made */
    unsigned short len;
    int tried;
} sbx_prog[2];

/* Compiles the filter for pidns into sbx_prog through a pipe (libseccomp 2.5 exports
 * to a descriptor only). Returns 0 or a negative errno. */
static int sbx_filter_compile(int pidns)
{
    int fds[2];
    scmp_filter_ctx ctx = sbx_filter_build(pidns);
    if (ctx == NULL)
        return -ENOMEM;
    if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0) {
        seccomp_release(ctx);
        return -errno;
    }
    int rc = seccomp_export_bpf(ctx, fds[1]);
    seccomp_release(ctx);
    close(fds[1]);
    enum { CAP = 8192 };    /* instructions: BPF_MAXINSNS is 4096 */
    char *buf = rc == 0 ? malloc(CAP * sizeof(struct sock_filter)) : NULL;
    size_t got = 0;
    ssize_t n = 0;
    while (buf != NULL && got < CAP * sizeof(struct sock_filter)
           && (n = read(fds[0], buf + got, CAP * sizeof(struct sock_filter) - got)) > 0)
        got += (size_t)n;
    close(fds[0]);
    if (rc < 0 || buf == NULL || got == 0 || got % sizeof(struct sock_filter) != 0
        || got / sizeof(struct sock_filter) > 4096) {
        free(buf);
        return rc < 0 ? rc : -EINVAL;
    }
    sbx_prog[pidns].len = (unsigned short)(got / sizeof(struct sock_filter));
    sbx_prog[pidns].code = (struct sock_filter *)buf;     /* last: code set means ready */
    return 0;
}

int sbx_filter_prepare(int pidns)
{
    pidns = pidns != 0;
    if (!sbx_prog[pidns].tried) {
        sbx_prog[pidns].tried = 1;
        int rc = sbx_filter_compile(pidns);
        if (rc < 0)
            return rc;
    }
    return sbx_prog[pidns].code != NULL ? 0 : -EINVAL;
}

/* Loads the filter into the calling thread (inherited by exec and forks): the program
 * made by sbx_filter_prepare when there is one, else built here. Needs no_new_privs.
 * Returns 0 or a negative errno. */
int sbx_filter_load(int pidns)
{
    pidns = pidns != 0;
    if (sbx_prog[pidns].code != NULL) {
        struct sock_fprog prog = { sbx_prog[pidns].len, sbx_prog[pidns].code };
        return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0 ? -errno : 0;
    }
    scmp_filter_ctx ctx = sbx_filter_build(pidns);
    if (ctx == NULL)
        return -ENOMEM;
    int rc = seccomp_load(ctx);
    seccomp_release(ctx);
    return rc;
}
