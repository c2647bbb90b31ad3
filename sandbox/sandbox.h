/* sandbox.h -- runs an untrusted command with limits and reports an honest verdict,
 * including which protection layers were actually active. Used by the grader for every
 * compile and run of learner code, and by `stacklab sandbox` / `stacklab doctor`.
 * Design: ../docs/sandbox.md. Prefix: sbx_. Calls are not thread-safe: run one box (or
 * pair) at a time per process; separate processes may run boxes concurrently. */
#ifndef STACKLAB_SANDBOX_H
#define STACKLAB_SANDBOX_H

#include <stddef.h>
#include <stdint.h>

enum sbx_verdict {
    SBX_OK,   /* exited 0 */
    SBX_RE,   /* exited non-zero */
    SBX_SG,   /* killed by a signal it raised itself (SIGSEGV, SIGABRT, ...) */
    SBX_TO,   /* time: cpu, wall or idle limit (see detail) */
    SBX_ML,   /* memory limit */
    SBX_OL,   /* output limit */
    SBX_SV,   /* security violation (seccomp kill, forbidden architecture) */
    SBX_XX    /* internal error of the sandbox itself */
};

enum sbx_net { SBX_NET_NONE, SBX_NET_LOOPBACK };

/* Each limit: 0 means "no limit of this kind". */
struct sbx_limits {
    double cpu_sec;        /* CPU summed over every process of the run */
    double wall_sec;
    double idle_sec;       /* no CPU progress for this long (servers waiting forever) */
    long   mem_mb;         /* memory of the whole run */
    long   procs;          /* processes/threads at once */
    long   fsize_mb;       /* largest file written */
    long   nofile;         /* open descriptors */
    size_t output_bytes;   /* per captured stream (stdout, stderr) */
    long   tmpfs_mb;       /* the most the box folder and the private /tmp hold together
                              (with a mount namespace; without one the box folder alone,
                              watched); OL when over */
    long   tmpfs_inodes;   /* the same for their files */
};

/* A host path made visible inside the box at `inside` (absolute), read-only unless
 * `writable`. */
struct sbx_bind {
    const char *host;
    const char *inside;
    int writable;
};

enum sbx_flags {
    SBX_SANITIZED  = 1 << 0, /* program built with ASan: no RLIMIT_AS, use RSS polling and
                                ASAN_OPTIONS=hard_rss_limit_mb */
    SBX_NO_USERNS  = 1 << 1, /* act as if user namespaces were unavailable (tests) */
    SBX_NO_CGROUP  = 1 << 2, /* act as if cgroups were unavailable (tests) */
    SBX_NO_SECCOMP = 1 << 3  /* debugging only; reported as a missing layer */
};

struct sbx_config {
    char *const *argv;          /* argv[0] is looked up as given (absolute or in PATH) */
    char *const *envp;          /* NULL: a clean minimal environment (PATH, HOME=/box, LANG=C.UTF-8) */
    const char *workdir;        /* host folder of the box; it is the cwd inside (as /box when
                                   mount namespaces are on), writable. Started as root, the
                                   folder and its contents are handed to the box's uid
                                   for the run and given back after it, unless the folder
                                   is shared (/, /tmp, a home), holds a repository or is
                                   writable by others (then it stays as it is and
                                   `missing` says why). A companion keeps the host's view
                                   and runs in its own workdir, which stays the caller's. */
    struct sbx_limits lim;
    enum sbx_net net;
    const struct sbx_bind *binds;
    size_t nbinds;
    int stdin_fd;               /* -1: /dev/null */
    int stdout_fd;              /* -1: captured into sbx_result.out */
    int stderr_fd;              /* -1: captured into sbx_result.err */
    const int *extra_fds;       /* descriptors passed through as 3, 4, ... in order */
    size_t nextra_fds;
    unsigned flags;             /* enum sbx_flags */
};

/* Default limits for running a learner program: 10 s wall, 5 s cpu, 256 MB, 64 procs,
 * 64 KiB output per stream, 16 MB files, 64 descriptors. */
void sbx_config_init(struct sbx_config *cfg);

struct sbx_result {
    enum sbx_verdict verdict;
    char detail[160];           /* human words: "wall time 10.0 s", "SIGSEGV", "exit 3" */
    int exit_code;              /* valid when the run exited */
    int signal;                 /* valid when killed by a signal */
    double cpu_sec, wall_sec;
    long peak_mem_kb;
    size_t out_bytes, err_bytes;     /* bytes produced (may exceed what was kept) */
    int out_truncated, err_truncated;
    char *out, *err;            /* captured, NUL-terminated, capped; NULL if not captured */
    char layers[256];           /* active layers, e.g. "userns,pidns,netns,mntns,cgroup,seccomp,nnp" */
    char missing[256];          /* layers asked for but unavailable, with a short reason */
    int leak_check;             /* 1 when LeakSanitizer can work (ptrace allowed in a pid ns) */
    int survivors;              /* processes of the run found alive after teardown (must be 0) */
};

/* Runs cfg->argv in a box and waits for it to end. Returns 0 and fills *res (which the
 * caller releases with sbx_result_free) whenever the program ran, whatever its verdict;
 * returns -1 with an allocated *cause (caller frees) only when the box could not be set
 * up at all. */
int sbx_run(const struct sbx_config *cfg, struct sbx_result *res, char **cause);

/* Runs an untrusted subject and a trusted companion (a lab checker) side by side in one
 * network namespace (loopback only), the subject in its own nested pid namespace under the
 * stricter policy so it cannot see, signal or trace the companion. Two pipes join them:
 * in both programs descriptor 3 reads from the other one and descriptor 4 writes to it.
 * The companion's stdout/stderr are captured (its TAP is in cres->out). The run ends when
 * the companion exits (the subject is then killed) or on the companion's limits.
 * Same return convention as sbx_run; both results are filled on 0. */
int sbx_run_pair(const struct sbx_config *subject, const struct sbx_config *companion,
                 struct sbx_result *sres, struct sbx_result *cres, char **cause);

/* Releases what a result owns; the struct itself is the caller's. Accepts NULL. */
void sbx_result_free(struct sbx_result *res);

/* "OK", "RE", ... */
const char *sbx_verdict_name(enum sbx_verdict v);

/* Settles, before the first box, what does not change while the process runs. Call once
 * at start, before any child or thread: with cgroup v2 delegated to this user and this
 * process alone in its group, it moves the process to a leaf group below it, so that
 * boxes' groups can be made beside that leaf (v2 allows processes only in leaves) and
 * children started later can make them too. Cannot fail; a layer it could not set up
 * is reported by each box. */
void sbx_process_init(void);

/* Probes the machine and writes one line per layer ("userns  on" / "cgroup  off: why")
 * into buf. Returns the number of layers available. */
int sbx_probe(char *buf, size_t len, unsigned flags);

#endif
