/* sbx-filter.c -- the seccomp policy of a boxed program (libseccomp): everything is
 * allowed except a table of calls that fail with an error (never a kill where an error
 * will do, so sanitizers and libc fall back cleanly); foreign architectures are killed. */
#include <errno.h>
#include <linux/sched.h>
#include <seccomp.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

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

/* Builds and loads the filter into the calling thread (inherited by exec and forks).
 * pidns: ptrace is allowed (it can reach only the box), else it fails with EPERM.
 * Returns 0 or a negative errno. */
int sbx_filter_load(int pidns)
{
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (ctx == NULL)
        return -ENOMEM;
    int rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
    for (size_t i = 0; rc == 0 && i < sizeof sbx_denied / sizeof sbx_denied[0]; i++)
        rc = sbx_filter_deny_name(ctx, sbx_denied[i], EPERM);
    if (rc == 0 && !pidns)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ptrace), 0);
    if (rc == 0)
        rc = sbx_filter_clone_flags(ctx);
    if (rc == 0)
        rc = sbx_filter_ioctl_socket(ctx);
    if (rc == 0)
        rc = seccomp_load(ctx);
    seccomp_release(ctx);
    return rc;
}
