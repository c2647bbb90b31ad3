/* sbx-int.h -- internals shared by the sandbox's files: the box being run (one per
 * sbx_run, two per sbx_run_pair), the machine's capabilities, and the helpers each file
 * provides. Not installed; only the sandbox sources include it. */
#ifndef STACKLAB_SBX_INT_H
#define STACKLAB_SBX_INT_H

#include <stddef.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "sandbox.h"

#define SBX_INSIDE_UID 1000     /* uid/gid of the program inside a user namespace */
#define SBX_COMPANION_UID 1001 /* the companion's, in a user namespace it makes as root */
/* Host uids for boxes started as root: BASE .. BASE+SPAN-1, each also checked unused
 * (getpwuid, getgrgid). 0x70000000 on: clear of regular users (1000-60000), systemd's
 * homed, dynamic (61184-65519) and container (524288-1879048191) ranges, and of
 * useradd's subordinate ids (100000-600100000); below 2^31, which some tools read as
 * signed. */
#define SBX_UID_BASE 1879048192u
#define SBX_UID_SPAN 65536u
#define SBX_PATH_MAX 4096
#define SBX_MAX_BINDS 64

/* What the machine allows, probed once per process (sbx-probe.c). */
struct sbx_caps {
    int root;           /* euid 0 */
    int userns;         /* a user namespace (with pid and mount ones) can be created:
                         * 1, 0, or -1 not known yet (assumed until a box is refused) */
    int cg;             /* cgroups boxes use: 1 v1 memory+pids+cpuacct (root), 2 v2
                         * memory+pids (root, or a group delegated to us), 0 none */
    char why_userns[96], why_cg[160];   /* why off; for cg, what is used when on */
};
const struct sbx_caps *sbx_caps_get(void);
void sbx_caps_probe_userns(void);           /* settles userns now (for the report) */
void sbx_caps_userns_refused(int err);      /* a box's keeper was refused one */
int sbx_caps_cg_usable(unsigned flags);     /* 1 when a box with these flags uses cgroups */
const char *sbx_caps_cg_why(unsigned flags);    /* what it uses, or why none (static) */

enum sbx_role { SBX_ROLE_SOLO, SBX_ROLE_SUBJECT, SBX_ROLE_COMPANION };

/* The groups of one box: v1, one folder per controller (memory, pids, cpuacct); v2, one
 * folder (dir[0]). "" when not made. The files the keeper writes to move itself in
 * (v1 `tasks`, v2 `cgroup.procs`) are opened by the supervisor: ntasks of them. */
enum { SBX_CG_MEM, SBX_CG_PIDS, SBX_CG_CPU };
struct sbx_cg {
    int v2;
    char dir[3][SBX_PATH_MAX / 4];
    int tasks[3], ntasks;
    int on;
};

/* Message the keeper sends when the program has ended (or could not start). */
enum sbx_msg_kind { SBX_MSG_INIT = 1, SBX_MSG_EXIT, SBX_MSG_NOEXEC, SBX_MSG_SETUP,
                    SBX_MSG_NOUSERNS,       /* status: errno of the refused unshare */
                    SBX_MSG_COPIED };       /* status: SBX_COPY_* bits; text: first error */
enum { SBX_COPY_FULL_BYTES = 1, SBX_COPY_FULL_FILES = 2, SBX_COPY_ERRORS = 4 };
struct sbx_msg {
    int kind;
    int status;             /* wait status of the program (EXIT) or errno (NOEXEC, SETUP) */
    pid_t pid;              /* INIT: host pid of the keeper of the run */
    long maxrss_kb;
    double cpu_sec;         /* the program's own rusage plus its reaped children */
    char text[160];
};

/* One box. Invariant: fds are -1 when closed; keeper is 0 once reaped. */
struct sbx_box {
    const struct sbx_config *cfg;
    struct sbx_result *res;
    enum sbx_role role;
    int use_userns, use_ns, use_cg, use_seccomp;
    int box_tmpfs;          /* /box is a tmpfs (size, files): filled, then copied back */
    int copied;             /* the keeper's SBX_MSG_COPIED status (SBX_COPY_*) */
    char copy_err[120];
    int userns_guess;       /* use_userns only assumed: the machine was not probed yet */
    int refuse_userns;      /* test: STACKLAB_SANDBOX_SIMULATE=userns-refused */
    int join_user_fd, join_net_fd;  /* SUBJECT of a pair: namespaces to enter, else -1 */
    uid_t host_uid;         /* box's uid seen from the host (root: per-box uid) */
    gid_t host_gid;
    int uid_lock_fd;        /* flock held on the per-box uid (root), or -1 */
    int uid_taken;          /* host_uid was taken for this box (root), not inherited */
    uid_t partner_uid;      /* COMPANION as root with a user namespace: the subject's host
                               uid, taken with it (its map holds both), else 0 */
    int partner_lock_fd;    /* the flock on partner_uid, handed to the subject, or -1 */
    int exe_fd;             /* COMPANION as root: its program, opened with root's reach */
    int chowned;            /* box folder handed to host_uid; given back at teardown */
    uid_t owner_uid;        /* the box folder's owner before the run */
    gid_t owner_gid;
    uid_t run_uid;          /* uid the program runs as, in its own namespace */
    pid_t keeper;           /* our child */
    pid_t supervisor;       /* our pid, for the keeper to see it outlived us */
    pid_t sid;              /* session of the run (host pid of its init/keeper) */
    int msg_fd, out_fd, err_fd, ctl_fd;
    int path_fds[SBX_MAX_BINDS + 1];    /* box folder, then bind sources; nfds open */
    size_t npath_fds;
    struct sbx_cg cg;
    double t0, cpu, last_cpu, last_progress, next_scan, next_du;
    long peak_kb;
    int done, killed;       /* done: program ended; killed: by us, verdict already set */
    struct sbx_msg msg;
    size_t out_cap, err_cap, out_len, err_len;
};

/* sbx-keeper.c: runs in the forked child; never returns. */
void sbx_keeper_main(struct sbx_box *b, int ctl, int msg, int out_w, int err_w) __attribute__((noreturn));

/* sbx-mount.c: sbx_mount_open (keeper, in the new mount namespace, with the caller's
 * uid) opens the box folder and bind sources; sbx_mount_build (keeper) builds the box's
 * root in that namespace from them; sbx_mount_enter (box init, in the pid namespace)
 * adds /proc and enters it. All return 0, or -1 with a message in err. */
int sbx_mount_open(const struct sbx_config *cfg, int *fds, char *err, size_t len);
int sbx_mount_build(const struct sbx_config *cfg, const int *fds, uid_t owner, int *tmpfd,
                    char *err, size_t len);     /* *tmpfd: /box in its tmpfs, or -1 (a bind) */
int sbx_mount_enter(char *err, size_t len);

/* The course folders this program knows of (STACKLAB_COURSE, the source tree it was
 * built in, PREFIX/share/stacklab as built and beside the executable, and under /usr and
 * /usr/local), real paths of folders holding lessons/ and labs/, NULL-terminated. Found once per process: call in the supervisor before the
 * first fork. The box's root covers each with an empty read-only folder. */
const char *const *sbx_hidden_paths(void);

/* sbx-copy.c: a box folder's contents to or from its tmpfs (sbx_copy_tree there). */
struct sbx_copy {
    long long bytes_left;   /* budget: bytes written (0: no limit) ... */
    long files_left;        /* ... and files and folders made */
    int over;               /* a budget ran out: the copy is incomplete */
    int errors;             /* names that could not be copied or removed */
    char err[120];          /* the first of them */
};
int sbx_copy_tree(int from, int to, int mirror, struct sbx_copy *c);

/* sbx-filter.c: sbx_filter_prepare compiles the seccomp filter once per process (call
 * in the supervisor, before fork); sbx_filter_load installs it for the program. pidns:
 * ptrace allowed. Both return 0 or -errno. */
int sbx_filter_prepare(int pidns);
int sbx_filter_load(int pidns);

/* sbx-box.c: hands the box folder back to its owner (root runs only). */
void sbx_box_give_back(struct sbx_box *b);

/* sbx-cgroup.c: a box's groups, v1 or v2 (as sbx_caps.cg says) */
int sbx_cg_create(struct sbx_cg *cg, const struct sbx_limits *lim, char *err, size_t len);
int sbx_cg_enter(const struct sbx_cg *cg);     /* in the keeper: moves itself in */
void sbx_cg_close_tasks(struct sbx_cg *cg);     /* supervisor, once the keeper is forked */
double sbx_cg_cpu(const struct sbx_cg *cg);        /* seconds, -1 if unknown */
long sbx_cg_peak_kb(const struct sbx_cg *cg);
int sbx_cg_oom(const struct sbx_cg *cg);           /* 1 when the memory limit was hit */
int sbx_cg_kill_all(const struct sbx_cg *cg);      /* returns processes still present */
void sbx_cg_destroy(struct sbx_cg *cg);
int sbx_cg_write(const char *dir, const char *file, const char *val);  /* 0 or -1, errno */
int sbx_cg_read(const char *dir, const char *file, char *buf, size_t len); /* length or -1 */

/* sbx-cgroup2.c: sbx_cg2_probe picks where v2 boxes go, touching nothing (1 usable, else
 * 0 and why); sbx_cg2_parent sets it up on first use and returns the parent folder, or
 * NULL with the reason. */
int sbx_cg2_probe(int root, char *why, size_t len);
const char *sbx_cg2_parent(char *err, size_t len);

/* sbx-proc.c: the run's processes, found by session id. */
struct sbx_usage { double cpu; long rss_kb; int nprocs; };
void sbx_proc_usage(pid_t sid, struct sbx_usage *u);
int sbx_proc_kill_session(pid_t sid, double deadline_sec);  /* returns survivors */
int sbx_proc_running(pid_t sid, int ns);    /* the program and its children alive */

/* sbx-box.c: a box with nothing open or taken yet, and an empty result */
void sbx_box_init(struct sbx_box *b, const struct sbx_config *cfg, struct sbx_result *res,
                  enum sbx_role role);

/* sbx-box.c */
int sbx_box_start(struct sbx_box *b, char **cause);
void sbx_box_poll_fds(struct sbx_box **boxes, size_t n, int timeout_ms);
void sbx_box_tick(struct sbx_box *b);
void sbx_box_kill(struct sbx_box *b, enum sbx_verdict v, const char *why);
void sbx_box_finish(struct sbx_box *b);
int sbx_box_over_quota(const struct sbx_box *b, char *why, size_t len);
void sbx_set_detail(struct sbx_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sbx_add_layer(char *list, size_t len, const char *name);

/* errors: allocated message for *cause */
char *sbx_strdupf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
