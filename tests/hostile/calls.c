/* calls.c -- hostile system calls, one per argument; each prints "NAME: ok" or
 * "NAME: <error>" and the program exits 0. The test asserts every one failed. */
#include <errno.h>
#include <linux/io_uring.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif

static long calls_pid = 1;

static long c_packet(void) { return socket(AF_PACKET, SOCK_RAW, 0); }
static long c_vsock(void) { return socket(AF_VSOCK, SOCK_STREAM, 0); }
static long c_uring(void)
{
    struct io_uring_params p;
    memset(&p, 0, sizeof p);
    return syscall(SYS_io_uring_setup, 4, &p);
}
static long c_tiocsti(void) { char c = 'x'; return ioctl(0, TIOCSTI, &c); }
static long c_unshare(void) { return unshare(CLONE_NEWUSER | CLONE_NEWNS); }
static long c_mount(void) { return mount("none", "/tmp", "tmpfs", 0, NULL); }
static long c_ptrace(void) { return ptrace(PTRACE_ATTACH, (pid_t)calls_pid, NULL, NULL); }
static long c_kill(void) { return kill((pid_t)calls_pid, SIGKILL); }
static long c_vmread(void)
{
    char buf[16];
    struct iovec l = { buf, sizeof buf }, r = { (void *)0x400000, sizeof buf };
    return process_vm_readv((pid_t)calls_pid, &l, 1, &r, 1, 0);
}
static long c_bpf(void) { return syscall(SYS_bpf, 0, NULL, 0); }
static long c_keyctl(void) { return syscall(SYS_keyctl, 0, 0, 0, 0, 0); }
static long c_setsid(void) { return setsid(); }

static const struct { const char *name; long (*fn)(void); } calls[] = {
    { "packet", c_packet }, { "vsock", c_vsock }, { "io_uring", c_uring },
    { "tiocsti", c_tiocsti }, { "unshare", c_unshare }, { "mount", c_mount },
    { "ptrace", c_ptrace }, { "kill", c_kill }, { "vmread", c_vmread },
    { "bpf", c_bpf }, { "keyctl", c_keyctl }, { "setsid", c_setsid },
};

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strncmp(argv[i], "pid=", 4) == 0) {
            calls_pid = strtol(argv[i] + 4, NULL, 10);
            continue;
        }
        for (size_t k = 0; k < sizeof calls / sizeof calls[0]; k++)
            if (strcmp(argv[i], calls[k].name) == 0) {
                errno = 0;
                long rc = calls[k].fn();
                printf("%s: %s\n", argv[i], rc >= 0 ? "ok" : strerror(errno));
            }
    }
    return 0;
}
