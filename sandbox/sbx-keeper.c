/* sbx-keeper.c -- the child side of a box: the keeper enters or creates the namespaces,
 * the init (pid 1 of the box, or the keeper itself as a subreaper when there is no pid
 * namespace) builds the file system view and reaps, and the program is started with its
 * descriptors, limits, uid, no_new_privs and the seccomp filter. Runs only after fork. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/vfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sbx-int.h"

extern char **environ;

static void sbx_send(int fd, const struct sbx_msg *m)
{
    ssize_t n = write(fd, m, sizeof *m);
    (void)n;
}

static void __attribute__((noreturn)) sbx_die_setup(int msgfd, const char *what)
{
    struct sbx_msg m = { .kind = SBX_MSG_SETUP, .status = errno };
    snprintf(m.text, sizeof m.text, "%s: %s", what, strerror(errno));
    sbx_send(msgfd, &m);
    _exit(126);
}

/* Signal a keeper without a pid namespace gets when its supervisor dies: it then kills
 * its session (a pid namespace's init dies with SIGKILL instead, and the kernel empties
 * the namespace). */
#define SBX_DEATHSIG SIGUSR1

/* Asks for sig when the supervisor dies. The setting is lost at every change of
 * credentials, so it is asked again after each; a supervisor already gone ends us now. */
static void sbx_tie(const struct sbx_box *b, int sig)
{
    prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0);
    if (getppid() != b->supervisor)
        raise(sig);
}

/* Brings the loopback interface of the current network namespace up. */
static int sbx_lo_up(void)
{
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return -1;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    memcpy(ifr.ifr_name, "lo", 3);
    int rc = ioctl(s, SIOCGIFFLAGS, &ifr);
    if (rc == 0) {
        ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
        rc = ioctl(s, SIOCSIFFLAGS, &ifr);
    }
    close(s);
    return rc;
}

/* Puts the given descriptors at 0, 1, 2, 3..., then errfd (close-on-exec) right after
 * them, then *exefd when it is not -1 (close-on-exec too; *exefd gets its new number),
 * and closes everything else. Returns errfd's new number, or -1. */
static int sbx_setup_fds(const struct sbx_config *cfg, int out_w, int err_w, int errfd,
                         int *exefd)
{
    int src[3 + 16 + 2], hi[3 + 16 + 2], n = 0;
    src[n++] = cfg->stdin_fd >= 0 ? cfg->stdin_fd : open("/dev/null", O_RDONLY | O_CLOEXEC);
    src[n++] = cfg->stdout_fd >= 0 ? cfg->stdout_fd : out_w;
    src[n++] = cfg->stderr_fd >= 0 ? cfg->stderr_fd : err_w;
    for (size_t i = 0; i < cfg->nextra_fds && i < 16; i++)
        src[n++] = cfg->extra_fds[i];
    src[n++] = errfd;
    int exe_hi = *exefd >= 0 ? fcntl(*exefd, F_DUPFD_CLOEXEC, 64) : -1;
    for (int i = 0; i < n; i++)
        if (src[i] < 0 || (hi[i] = fcntl(src[i], F_DUPFD_CLOEXEC, 64)) < 0)
            return -1;
    for (int i = 0; i < n - 1; i++)
        if (dup2(hi[i], i) < 0)
            return -1;
    if (dup3(hi[n - 1], n - 1, O_CLOEXEC) < 0)
        return -1;
    if (*exefd >= 0) {          /* right after errfd, close-on-exec too */
        if (exe_hi < 0 || dup3(exe_hi, n, O_CLOEXEC) < 0)
            return -1;
        *exefd = n++;
    }
    if (syscall(SYS_close_range, (unsigned)n, ~0U, 0) < 0)
        return -1;
    return *exefd >= 0 ? n - 2 : n - 1;
}

static void sbx_setrlim(int res, rlim_t v)
{
    struct rlimit r = { v, v };
    setrlimit(res, &r);
}

/* Processes the real uid already owns (RLIMIT_NPROC counts them all without a user
 * namespace). */
static long sbx_count_uid_procs(void)
{
    FILE *f = fopen("/proc/loadavg", "re");   /* running/total, cheap upper bound */
    long total = 0;
    if (f != NULL) {
        double a, b, c;
        long run;
        if (fscanf(f, "%lf %lf %lf %ld/%ld", &a, &b, &c, &run, &total) != 5)
            total = 0;
        fclose(f);
    }
    return total;
}

static void sbx_set_limits(const struct sbx_box *b)
{
    const struct sbx_limits *l = &b->cfg->lim;
    sbx_setrlim(RLIMIT_CORE, 0);
    if (l->fsize_mb > 0)
        sbx_setrlim(RLIMIT_FSIZE, (rlim_t)l->fsize_mb << 20);
    if (l->nofile > 0)
        sbx_setrlim(RLIMIT_NOFILE, (rlim_t)l->nofile);
    if (l->cpu_sec > 0)         /* backstop per process; the sum is watched outside */
        sbx_setrlim(RLIMIT_CPU, (rlim_t)l->cpu_sec + 2);
    if (l->procs > 0) {
        long extra = (b->use_userns || geteuid() == 0) ? 0 : sbx_count_uid_procs();
        sbx_setrlim(RLIMIT_NPROC, (rlim_t)(l->procs + extra));
    }
}

/* The address-space limit (without a cgroup, for programs not built with ASan), set
 * last before exec: the code up to exec is ours and may allocate (libseccomp does; under
 * a sanitizer, our own build reserves far more address space than the program will). */
static void sbx_set_as_limit(const struct sbx_box *b)
{
    const struct sbx_limits *l = &b->cfg->lim;
    if (l->mem_mb > 0 && !b->use_cg && !(b->cfg->flags & SBX_SANITIZED))
        sbx_setrlim(RLIMIT_AS, ((rlim_t)l->mem_mb + 16) << 20);
}

/* Empties the bounding set (needs CAP_SETPCAP: call before changing uid), so no exec
 * can regain a capability. */
static void sbx_drop_bounding(void)
{
    for (int c = 0; c <= 63; c++)
        if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno == EINVAL)
            break;      /* past the last capability this kernel knows */
}

/* Drops the capability sets themselves. */
static void sbx_drop_caps(void)
{
    struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct d[2];
    memset(d, 0, sizeof d);
    syscall(SYS_capset, &h, d);
}

static int sbx_become(const struct sbx_box *b)
{
    if (!b->use_userns && geteuid() != 0)
        return 0;
    uid_t uid = b->use_userns ? b->run_uid : b->host_uid;
    gid_t gid = b->use_userns ? b->run_uid : b->host_gid;
    if (setgroups(0, NULL) < 0 && errno != EPERM)
        return -1;
    if (setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0)
        return -1;
    return 0;
}

/* Environment for the program: the caller's, or a clean one; ASan options added for
 * sanitized runs. Returns a static array. */
static char **sbx_env(const struct sbx_box *b, int leak_ok)
{
    static char *env[80];
    static char asan[256], home[SBX_PATH_MAX + 8], tmp[SBX_PATH_MAX + 8];
    size_t n = 0;
    const char *asan_old = NULL;
    if (b->cfg->envp != NULL) {
        for (char *const *e = b->cfg->envp; *e != NULL && n < 70; e++) {
            if (strncmp(*e, "ASAN_OPTIONS=", 13) == 0)
                asan_old = *e + 13;
            else
                env[n++] = *e;
        }
    } else {
        const char *dir = b->use_ns && b->role != SBX_ROLE_COMPANION ? "/box" : b->cfg->workdir;
        env[n++] = "PATH=/usr/local/bin:/usr/bin:/bin";
        env[n++] = "LANG=C.UTF-8";
        snprintf(home, sizeof home, "HOME=%s", dir);
        env[n++] = home;
        snprintf(tmp, sizeof tmp, "TMPDIR=%s", b->use_ns && b->role != SBX_ROLE_COMPANION ? "/tmp" : dir);
        env[n++] = tmp;
    }
    if ((b->cfg->flags & SBX_SANITIZED) || asan_old != NULL) {
        int k = snprintf(asan, sizeof asan, "ASAN_OPTIONS=%s%s", asan_old ? asan_old : "",
                         asan_old && *asan_old ? ":" : "");
        if (b->cfg->lim.mem_mb > 0 && k > 0 && (size_t)k < sizeof asan)
            k += snprintf(asan + k, sizeof asan - (size_t)k, "hard_rss_limit_mb=%ld:", b->cfg->lim.mem_mb);
        if (!leak_ok && k > 0 && (size_t)k < sizeof asan)
            snprintf(asan + k, sizeof asan - (size_t)k, "detect_leaks=0");
        env[n++] = asan;
    }
    env[n] = NULL;
    return env;
}

/* The caller's signal mask and ignored signals would survive exec: start clean. */
static void sbx_reset_signals(void)
{
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    for (int s = 1; s < NSIG; s++)
        if (s != SIGKILL && s != SIGSTOP)
            signal(s, SIG_DFL);
}

/* The program's process: never returns. errfd (close-on-exec) gets errno if exec fails. */
static void __attribute__((noreturn)) sbx_program(struct sbx_box *b, int out_w, int err_w, int errfd)
{
    const struct sbx_config *cfg = b->cfg;
    int e = 0;
    sbx_reset_signals();
    const char *dir = b->use_ns && b->role != SBX_ROLE_COMPANION ? "/box" : cfg->workdir;
    if (b->role != SBX_ROLE_COMPANION && chdir(dir) < 0)
        e = errno;
    char **env = sbx_env(b, b->use_ns);
    int exe = b->exe_fd;
    int ef = sbx_setup_fds(cfg, out_w, err_w, errfd, &exe);
    if (ef < 0) {
        e = e ? e : errno;
        ef = errfd;
    }
    sbx_set_limits(b);
    sbx_drop_bounding();
    if (e == 0 && sbx_become(b) < 0)
        e = errno;
    sbx_drop_caps();
    if (e == 0 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        e = errno;
    if (e == 0 && b->use_seccomp) {
        int rc = sbx_filter_load(b->use_ns);
        if (rc < 0)
            e = -rc;
    }
    if (e == 0) {
        environ = env;
        sbx_set_as_limit(b);
        if (exe >= 0)
            syscall(SYS_execveat, exe, "", cfg->argv, env, AT_EMPTY_PATH);
        else
            execvp(cfg->argv[0], cfg->argv);
        e = errno;
    }
    ssize_t w = write(ef, &e, sizeof e);
    (void)w;
    _exit(127);
}

/* A main thread's usual stack: execvp's fallback for a script copies argv onto it. */
#define SBX_SPAWN_STACK (8L << 20)

/* Starts fn(arg) in a child process; returns its pid, or -1 with errno. With share, the
 * child runs in our memory, on a stack of its own, while we wait until it has exec'd or
 * ended (CLONE_VFORK): no page table is copied and neither side takes copy-on-write
 * faults, which a fork costs at each level of a box. Such a child must end in exec or
 * _exit, and must not call raise() or pthread functions (its thread block is ours); the
 * C library's locks are free, since we are single-threaded and wait. Without share, or
 * under ASan (whose checks assume one stack per thread), a fork. */
static pid_t sbx_spawn(int (*fn)(void *), void *arg, int share)
{
#if defined(__SANITIZE_ADDRESS__)
    share = 0;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
    share = 0;
#endif
#endif
    if (!share) {
        pid_t p = fork();
        if (p == 0)
            _exit(fn(arg));
        return p;
    }
    size_t guard = (size_t)sysconf(_SC_PAGESIZE);
    char *stack = mmap(NULL, guard + SBX_SPAWN_STACK, PROT_NONE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (stack == MAP_FAILED)
        return -1;
    pid_t p = -1;
    if (mprotect(stack + guard, SBX_SPAWN_STACK, PROT_READ | PROT_WRITE) == 0)
        p = clone(fn, stack + guard + SBX_SPAWN_STACK, CLONE_VM | CLONE_VFORK | SIGCHLD, arg);
    int e = errno;
    munmap(stack, guard + SBX_SPAWN_STACK);     /* the child has left it */
    errno = e;
    return p;
}

/* Ends every other process of the run: the whole pid namespace when we are its init,
 * else the session we lead. */
static void sbx_kill_rest(const struct sbx_box *b)
{
    if (b->use_ns)
        kill(-1, SIGKILL);
    else
        sbx_proc_kill_session(getsid(0), 2.0);
}

static double sbx_tv(struct timeval t)
{
    return (double)t.tv_sec + (double)t.tv_usec / 1e6;
}

/* Reaps every child that has ended; returns 1 once prog is among them (its status and
 * usage in *m), 0 while it runs, -1 when no child is left. */
static int sbx_reap(pid_t prog, struct sbx_msg *m)
{
    for (;;) {
        int st;
        struct rusage ru;
        pid_t p = wait4(-1, &st, WNOHANG, &ru);
        if (p < 0 && errno == EINTR)
            continue;
        if (p <= 0)
            return p == 0 ? 0 : -1;
        if (p == prog) {
            m->status = st;
            m->maxrss_kb = ru.ru_maxrss;
            return 1;
        }
    }
}

/* What the program's process starts from (sbx_spawn). */
struct sbx_prog_arg {
    struct sbx_box *b;
    int out_w, err_w, ep_r, ep_w, msgfd;
};

static int sbx_program_start(void *arg)
{
    struct sbx_prog_arg *a = arg;
    close(a->ep_r);
    close(a->msgfd);
    sbx_program(a->b, a->out_w, a->err_w, a->ep_w);
}

/* pid 1 of the box (or the subreaper keeper): starts the program, reaps everything,
 * reports the program's end on msgfd. Never returns. SIGCHLD and SBX_DEATHSIG stay
 * blocked and are taken by sigwaitinfo, so neither can slip between a check and the
 * wait: the keeper without a pid namespace whose supervisor died (killed with -9) kills
 * its session, so no program or daemon outlives the runner. */
static void __attribute__((noreturn)) sbx_init(struct sbx_box *b, int msgfd, int out_w, int err_w)
{
    int ep[2];
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigaddset(&set, SBX_DEATHSIG);
    signal(SIGCHLD, SIG_DFL);
    sigprocmask(SIG_BLOCK, &set, NULL);
    if (!b->use_ns)
        sbx_tie(b, SBX_DEATHSIG);
    if (pipe2(ep, O_CLOEXEC) < 0)
        sbx_die_setup(msgfd, "pipe");
    struct sbx_prog_arg pa = { b, out_w, err_w, ep[0], ep[1], msgfd };
    pid_t prog = sbx_spawn(sbx_program_start, &pa, 1);
    if (prog < 0)
        sbx_die_setup(msgfd, "fork");
    close(ep[1]);
    if (out_w >= 0)
        close(out_w);
    if (err_w >= 0)
        close(err_w);
    struct sbx_msg m = { .kind = SBX_MSG_EXIT };
    while (sbx_reap(prog, &m) == 0) {
        siginfo_t si;
        if (sigwaitinfo(&set, &si) == SBX_DEATHSIG && !b->use_ns && getppid() != b->supervisor) {
            sbx_kill_rest(b);
            _exit(0);
        }
    }
    sbx_kill_rest(b);
    while (waitpid(-1, NULL, b->use_ns ? 0 : WNOHANG) > 0)
        ;
    struct rusage all;
    getrusage(RUSAGE_CHILDREN, &all);
    m.cpu_sec = sbx_tv(all.ru_utime) + sbx_tv(all.ru_stime);
    int e = 0;
    if (read(ep[0], &e, sizeof e) == (ssize_t)sizeof e) {
        m.kind = SBX_MSG_NOEXEC;
        m.status = e;
    }
    sbx_send(msgfd, &m);
    _exit(0);
}

/* Says the namespaces are made ('u') and waits for the id maps ('g'). */
static void sbx_wait_go(int ctl, int msgfd)
{
    char c = 'u';
    if (write(ctl, &c, 1) != 1 || read(ctl, &c, 1) != 1 || c != 'g') {
        errno = EPIPE;
        sbx_die_setup(msgfd, "handshake");
    }
}

/* Reports that a user namespace was refused (err), for the supervisor to start the box
 * again without one, and ends. */
static void __attribute__((noreturn)) sbx_die_no_userns(int msgfd, int err)
{
    struct sbx_msg m = { .kind = SBX_MSG_NOUSERNS, .status = err };
    sbx_send(msgfd, &m);
    _exit(126);
}

/* Reports a setup failure whose message is already made (err), and ends. */
static void __attribute__((noreturn)) sbx_die_mount(int msgfd, const char *err)
{
    struct sbx_msg m = { .kind = SBX_MSG_SETUP };
    snprintf(m.text, sizeof m.text, "%s", err);
    sbx_send(msgfd, &m);
    _exit(126);
}

/* The box's init dies with its keeper. `alive` is a pipe whose only write end the keeper
 * holds: a keeper gone before the death signal was asked for is seen by its end of file
 * (getppid says nothing across a pid namespace). */
static void __attribute__((noreturn)) sbx_init_ns(struct sbx_box *b, int alive, int msgfd,
                                                  int out_w, int err_w)
{
    char err[sizeof ((struct sbx_msg *)0)->text];
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    struct pollfd pf = { alive, POLLIN, 0 };
    if (poll(&pf, 1, 0) != 0)
        _exit(0);
    close(alive);
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    if (sethostname("box", 3) < 0)
        sbx_die_setup(msgfd, "sethostname");
    if (b->role != SBX_ROLE_COMPANION && sbx_mount_enter(err, sizeof err) < 0)
        sbx_die_mount(msgfd, err);
    sbx_init(b, msgfd, out_w, err_w);
}

/* What the box's init starts from (sbx_spawn). */
struct sbx_init_arg {
    struct sbx_box *b;
    int alive_r, alive_w, tmpfd, msgfd, out_w, err_w;
};

static int sbx_init_start(void *arg)
{
    struct sbx_init_arg *a = arg;
    close(a->alive_w);
    if (a->tmpfd >= 0)
        close(a->tmpfd);
    sbx_init_ns(a->b, a->alive_r, a->msgfd, a->out_w, a->err_w);
}

/* Closes every descriptor the keeper inherited from the supervisor except its own (the
 * control socket, the message pipe, the capture pipes, the program's descriptors and the
 * namespaces to join): a pipe end of the other box of a pair, left open here, would keep
 * that box from ever seeing end of file. */
static void sbx_keeper_close_others(const struct sbx_box *b, int ctl, int msgfd, int out_w,
                                    int err_w)
{
    const struct sbx_config *cfg = b->cfg;
    int keep[8 + 16], n = 0;
    int own[] = { ctl, msgfd, out_w, err_w, cfg->stdin_fd, cfg->stdout_fd, cfg->stderr_fd,
                  b->join_user_fd, b->join_net_fd };
    for (size_t i = 0; i < sizeof own / sizeof own[0]; i++)
        if (own[i] > 2)
            keep[n++] = own[i];
    for (size_t i = 0; i < cfg->nextra_fds && i < 16; i++)
        if (cfg->extra_fds[i] > 2 && n < (int)(sizeof keep / sizeof keep[0]))
            keep[n++] = cfg->extra_fds[i];
    for (int i = 1; i < n; i++)         /* insertion sort: a handful of numbers */
        for (int j = i; j > 0 && keep[j - 1] > keep[j]; j--) {
            int t = keep[j];
            keep[j] = keep[j - 1];
            keep[j - 1] = t;
        }
    unsigned from = 3;
    for (int i = 0; i <= n; i++) {
        unsigned upto = i < n ? (unsigned)keep[i] : ~0U;
        if (upto > from)
            syscall(SYS_close_range, from, i < n ? upto - 1 : ~0U, 0);
        if (i < n && (unsigned)keep[i] + 1 > from)
            from = (unsigned)keep[i] + 1;
    }
}

/* Root without a user namespace reaches the box folder with the box's uid as its file
 * ids (box: 1) while it copies, so a copy reads and writes nothing the program could not
 * (capabilities over files are off while they are not 0). */
static void sbx_fs_ids(const struct sbx_box *b, int box)
{
    if (b->use_userns || geteuid() != 0)
        return;
    if (box)
        setgroups(0, NULL);     /* root's groups would open root's files */
    setfsgid(box ? b->host_gid : 0);
    setfsuid(box ? b->host_uid : 0);
}

/* The host's box folder as a descriptor that can be read (path_fds[0] is O_PATH). */
static int sbx_host_box(const struct sbx_box *b)
{
    return openat(b->path_fds[0], ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

/* Fills the box's tmpfs from the host folder; a folder over the box's limits, or one
 * that cannot be copied whole (a later copy back would remove what is missing), ends
 * the setup. Returns 1 when the host folder held something (the copy back then also
 * removes what the box removed), else 0. */
static int sbx_fill_box(const struct sbx_box *b, int tmpfd, int msgfd)
{
    const struct sbx_limits *l = &b->cfg->lim;
    long files = l->tmpfs_inodes > 1 ? l->tmpfs_inodes - 1 : (long)1 << 40;
    struct sbx_copy c = { .bytes_left = l->tmpfs_mb << 20, .files_left = files };
    char msg[sizeof ((struct sbx_msg *)0)->text];
    sbx_fs_ids(b, 1);
    int host = sbx_host_box(b);
    int rc = host < 0 ? -1 : sbx_copy_tree(host, tmpfd, 0, &c);
    sbx_fs_ids(b, 0);
    if (host < 0)
        sbx_die_setup(msgfd, "open the box folder");
    close(host);
    if (rc == 0)
        return c.files_left != files;
    if (c.over)
        snprintf(msg, sizeof msg, "the box folder holds more than its limits (%ld MB, %ld files)",
                 l->tmpfs_mb, l->tmpfs_inodes);
    else
        snprintf(msg, sizeof msg, "cannot copy the box folder in: %.100s", c.err);
    sbx_die_mount(msgfd, msg);
    return 0;
}

/* Once the box is empty (its init reaped): says whether the program filled the tmpfs,
 * and mirrors it back into the host folder, within the same limits. */
static void sbx_empty_box(const struct sbx_box *b, int tmpfd, int msgfd, int mirror)
{
    const struct sbx_limits *l = &b->cfg->lim;
    struct sbx_msg m = { .kind = SBX_MSG_COPIED };
    struct statfs sf;
    if (fstatfs(tmpfd, &sf) == 0) {
        if (l->tmpfs_mb > 0 && sf.f_bavail == 0)
            m.status |= SBX_COPY_FULL_BYTES;
        if (l->tmpfs_inodes > 0 && sf.f_ffree == 0)
            m.status |= SBX_COPY_FULL_FILES;
    }
    struct sbx_copy c = { .bytes_left = l->tmpfs_mb << 20, .files_left = l->tmpfs_inodes };
    sbx_fs_ids(b, 1);
    int host = sbx_host_box(b);
    if (host < 0 || sbx_copy_tree(tmpfd, host, mirror, &c) < 0) {
        m.status |= SBX_COPY_ERRORS;
        snprintf(m.text, sizeof m.text, "%s", host < 0 ? "cannot open the box folder"
                 : c.errors ? c.err : "more than the box's limits (links or sparse files)");
    }
    sbx_send(msgfd, &m);
}

#define SBX_EXE_CAP (256L << 20)

/* The program at path, for a uid that may not be allowed to run it: the file itself
 * when others may execute it, else a copy in memory that they may (a checker built
 * under a umask of 027 or 077 is root's alone). Returns a descriptor or -1. */
static int sbx_open_program(const char *path)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (st.st_mode & S_IXOTH)
        || st.st_size > SBX_EXE_CAP)
        return fd;      /* run as it is (exec says what is wrong, if anything) */
    int mem = memfd_create("stacklab-companion", MFD_CLOEXEC);
    off_t at = 0;
    while (mem >= 0 && at < st.st_size)
        if (sendfile(mem, fd, &at, (size_t)(st.st_size - at)) <= 0) {
            close(mem);
            mem = -1;
        }
    close(fd);
    if (mem >= 0)
        fchmod(mem, 0555);
    return mem;
}

/* Keeper: the box's own session; namespaces (entered for the subject of a pair, else
 * created, the supervisor writing the id maps in between); then init. */
void sbx_keeper_main(struct sbx_box *b, int ctl, int msgfd, int out_w, int err_w)
{
    sbx_tie(b, SIGKILL);
    if (setsid() < 0)       /* else the end of the run would kill the caller's session */
        sbx_die_setup(msgfd, "setsid");
    if (b->use_cg && sbx_cg_enter(&b->cg) < 0)
        sbx_die_setup(msgfd, "join the box's cgroups");
    sbx_cg_close_tasks(&b->cg);
    sbx_keeper_close_others(b, ctl, msgfd, out_w, err_w);
    /* The companion keeps the host's view: enter its folder while we still have the
     * caller's full rights (inside the user namespace root's files may be out of reach). */
    if (b->role == SBX_ROLE_COMPANION && chdir(b->cfg->workdir) < 0)
        sbx_die_setup(msgfd, "chdir");
    /* Started as root, the companion runs as a uid of its own, which may not reach its
     * program (a checker cached under root's home): open it now, exec it by descriptor. */
    const char *prog = b->cfg->argv[0];
    if (b->role == SBX_ROLE_COMPANION && geteuid() == 0 && strchr(prog, '/') != NULL
        && (b->exe_fd = sbx_open_program(prog)) < 0)
        sbx_die_setup(msgfd, prog);
    if (b->join_user_fd >= 0 && setns(b->join_user_fd, CLONE_NEWUSER) < 0)
        sbx_die_setup(msgfd, "setns user");
    if (b->join_net_fd >= 0 && setns(b->join_net_fd, CLONE_NEWNET) < 0)
        sbx_die_setup(msgfd, "setns net");
    int fresh = b->use_ns && b->join_net_fd < 0;
    /* All namespaces in one call: a user namespace refused here (the first box of a
     * process finds out so; see sbx_caps_get) is reported as such, and the supervisor
     * starts the box again without one. */
    int rest = CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNS;
    if (b->userns_guess && b->refuse_userns)
        sbx_die_no_userns(msgfd, EPERM);        /* the simulation of sbx_box_plan */
    if (fresh && unshare((b->use_userns ? CLONE_NEWUSER : 0) | CLONE_NEWNET | rest) < 0) {
        if (b->use_userns)
            sbx_die_no_userns(msgfd, errno);
        sbx_die_setup(msgfd, "unshare namespaces");
    }
    if (b->use_ns && !fresh && unshare(rest) < 0)
        sbx_die_setup(msgfd, "unshare pid/mount/ipc/uts");
    sbx_tie(b, SIGKILL);        /* a new user namespace is new credentials */
    sbx_wait_go(ctl, msgfd);
    if (fresh && b->cfg->net == SBX_NET_LOOPBACK && sbx_lo_up() < 0)
        sbx_die_setup(msgfd, "loopback up");
    if (!b->use_ns) {
        prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
        close(ctl);
        sbx_init(b, msgfd, out_w, err_w);
    }
    /* The box folder and bind sources are opened in the new mount namespace (a bind
     * source must live there) but still with the caller's uid, which can reach them. */
    char err[sizeof ((struct sbx_msg *)0)->text];
    if (b->role != SBX_ROLE_COMPANION && sbx_mount_open(b->cfg, b->path_fds, err, sizeof err) < 0)
        sbx_die_mount(msgfd, err);
    /* Started as root, our own uid is unmapped in the new (or joined) namespace (files we
     * create would have no owner): become the box's uid, which keeps the namespace's caps. */
    if (b->use_userns && b->role != SBX_ROLE_COMPANION
        && (setresgid(SBX_INSIDE_UID, SBX_INSIDE_UID, SBX_INSIDE_UID) < 0
            || setresuid(SBX_INSIDE_UID, SBX_INSIDE_UID, SBX_INSIDE_UID) < 0))
        sbx_die_setup(msgfd, "setresuid");
    /* The box's root is built here; init, in the pid namespace, adds /proc and enters it. */
    close(ctl);
    int tmpfd = -1;
    if (b->role != SBX_ROLE_COMPANION
        && sbx_mount_build(b->cfg, b->path_fds, b->use_userns ? SBX_INSIDE_UID : b->host_uid,
                           &tmpfd, err, sizeof err) < 0)
        sbx_die_mount(msgfd, err);
    int held = tmpfd >= 0 ? sbx_fill_box(b, tmpfd, msgfd) : 0;
    int alive[2];
    sbx_tie(b, SIGKILL);        /* lost when our credentials changed */
    if (pipe2(alive, O_CLOEXEC) < 0)
        sbx_die_setup(msgfd, "pipe");
    /* A companion's init forks: its keeper's memory stays dumpable for the supervisor,
     * which opens the namespaces through it (the init's is made undumpable). */
    struct sbx_init_arg ia = { b, alive[0], alive[1], tmpfd, msgfd, out_w, err_w };
    pid_t init = sbx_spawn(sbx_init_start, &ia, b->role != SBX_ROLE_COMPANION);
    if (init < 0)
        sbx_die_setup(msgfd, "fork init");
    close(alive[0]);
    if (out_w >= 0)
        close(out_w);
    if (err_w >= 0)
        close(err_w);
    int st;
    while (waitpid(init, &st, 0) < 0 && errno == EINTR)
        ;
    if (tmpfd >= 0)
        sbx_empty_box(b, tmpfd, msgfd, held);
    _exit(0);
}
