/* sbx-box.c -- the supervisor side of one box: decides the layers, starts the keeper,
 * writes the id maps, then watches pipes, time, CPU and memory, kills on a limit, and at
 * the end turns what happened into a verdict and checks that nothing survived. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <pwd.h>
#include <limits.h>
#include <stdint.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sbx-int.h"

/* A box with nothing open or taken yet, and an empty result (sbx-int.h). */
void sbx_box_init(struct sbx_box *b, const struct sbx_config *cfg, struct sbx_result *res,
                  enum sbx_role role)
{
    memset(b, 0, sizeof *b);
    memset(res, 0, sizeof *res);
    b->cfg = cfg;
    b->res = res;
    b->role = role;
    b->join_user_fd = b->join_net_fd = b->uid_lock_fd = b->partner_lock_fd = b->exe_fd = -1;
    b->out_fd = b->err_fd = b->msg_fd = b->ctl_fd = -1;
}

static double sbx_mono(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

void sbx_set_detail(struct sbx_result *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->detail, sizeof r->detail, fmt, ap);
    va_end(ap);
}

void sbx_add_layer(char *list, size_t len, const char *name)
{
    size_t n = strlen(list);
    snprintf(list + n, len - n, "%s%s", n ? "," : "", name);
}

char *sbx_strdupf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0)
        s = NULL;
    va_end(ap);
    return s;
}

static uid_t sbx_chown_uid;
static gid_t sbx_chown_gid;
static int sbx_chown_one(const char *path, const struct stat *st, int type, struct FTW *f)
{
    (void)st; (void)type; (void)f;
    lchown(path, sbx_chown_uid, sbx_chown_gid);
    return 0;
}

/* 0 when the box folder may be handed, recursively, to the per-box uid: a real folder of
 * the caller's, writable by no one else, holding no repository, and not a shared place
 * (/, /tmp, a home). Else -1 with the reason in why. Fills *st. */
static int sbx_box_ownable(const char *dir, struct stat *st, char *why, size_t len)
{
    static const char *const shared[] = { "/", "/tmp", "/var/tmp", "/root", "/home", "/dev/shm",
                                          "/run", "/usr", "/etc", "/var" };
    char real[PATH_MAX];
    if (lstat(dir, st) < 0 || !S_ISDIR(st->st_mode) || realpath(dir, real) == NULL) {
        snprintf(why, len, "%.100s is not a folder", dir);
        return -1;
    }
    for (size_t i = 0; i < sizeof shared / sizeof shared[0]; i++)
        if (strcmp(real, shared[i]) == 0) {
            snprintf(why, len, "%.100s is a shared folder", real);
            return -1;
        }
    const char *home = getenv("HOME");
    char rhome[PATH_MAX];
    if (home != NULL && realpath(home, rhome) != NULL && strcmp(real, rhome) == 0) {
        snprintf(why, len, "%.100s is the home folder", real);
        return -1;
    }
    if (st->st_uid != geteuid() || (st->st_mode & (S_IWGRP | S_IWOTH))) {
        snprintf(why, len, "%.100s is not the caller's alone", real);
        return -1;
    }
    char git[PATH_MAX + 8];
    struct stat gs;
    snprintf(git, sizeof git, "%s/.git", real);
    if (lstat(git, &gs) == 0) {
        snprintf(why, len, "%.100s holds a repository", real);
        return -1;
    }
    return 0;
}

/* Ids this process found to belong to an account or a group: never taken again. */
static uid_t sbx_taken_ids[32];
static size_t sbx_ntaken;

static int sbx_id_known_taken(unsigned id)
{
    for (size_t i = 0; i < sbx_ntaken; i++)
        if (sbx_taken_ids[i] == (uid_t)id)
            return 1;
    return 0;
}

/* Ids this process found free: asked once each (a lookup costs a quarter of a
 * millisecond here, a box's start a few). */
static uid_t sbx_free_ids[64];     /* a ring: the last 64 */
static size_t sbx_nfree;

/* 1 when no account and no group of this machine has id (a box's uid is its gid too);
 * else 0, and the id is remembered as taken. The first call of a process loads the
 * name service modules (milliseconds), so boxes ask after their keeper is started. */
static int sbx_id_unused(uid_t id)
{
    size_t n = sbx_nfree < 64 ? sbx_nfree : 64;
    for (size_t i = 0; i < n; i++)
        if (sbx_free_ids[i] == id)
            return 1;
    if (getpwuid(id) == NULL && getgrgid((gid_t)id) == NULL) {
        sbx_free_ids[sbx_nfree++ % 64] = id;
        return 1;
    }
    if (sbx_ntaken < sizeof sbx_taken_ids / sizeof sbx_taken_ids[0])
        sbx_taken_ids[sbx_ntaken++] = id;
    return 0;
}

#define SBX_ID_FRESH 60     /* seconds a check against the accounts is trusted */

/* 1 when the check recorded in the lock file (st) is younger than SBX_ID_FRESH and than
 * the last change of the account files. */
static int sbx_id_fresh(const struct stat *st)
{
    static const char *const files[] = { "/etc/passwd", "/etc/group" };
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    if (st->st_size != 1 || now.tv_sec < st->st_mtim.tv_sec
        || now.tv_sec - st->st_mtim.tv_sec >= SBX_ID_FRESH)
        return 0;
    for (size_t i = 0; i < 2; i++) {
        struct stat fs;
        if (stat(files[i], &fs) == 0 && fs.st_mtim.tv_sec >= st->st_mtim.tv_sec)
            return 0;
    }
    return 1;
}

/* 1 when id belongs to no account or group. The lock file (lock_fd, root's alone)
 * remembers a check in its time: a fresh one (sbx_id_fresh) is trusted, since the
 * first lookup of a process loads the name service modules (milliseconds). */
static int sbx_id_checked(uid_t id, int lock_fd)
{
    struct stat st;
    if (lock_fd >= 0 && fstat(lock_fd, &st) == 0 && sbx_id_fresh(&st))
        return 1;
    if (!sbx_id_unused(id))
        return 0;
    if (lock_fd >= 0 && pwrite(lock_fd, "c", 1, 0) == 1)
        futimens(lock_fd, NULL);    /* size 1: checked, at this time */
    return 1;
}

/* Takes the first free per-box id from offset `start` on: not known to belong to an
 * account or group (sbx_box_check_ids asks), and not taken by a concurrent box (an flock
 * on a file per id, held in *lock_fd until the box is finished). Without a usable lock
 * folder, the first such id, unlocked (*lock_fd -1). */
static uid_t sbx_uid_take(unsigned start, int *lock_fd)
{
    static const char *const dirs[] = { "/run/stacklab-uids", "/tmp/stacklab-uids" };
    *lock_fd = -1;
    for (size_t d = 0; d < 2; d++) {
        struct stat st;
        if (mkdir(dirs[d], 0700) < 0 && errno != EEXIST)
            continue;
        if (lstat(dirs[d], &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != 0)
            continue;   /* not ours (a planted link or someone else's folder) */
        for (unsigned i = 0; i < 256; i++) {
            unsigned id = SBX_UID_BASE + (start + i) % SBX_UID_SPAN;
            char path[64];
            if (sbx_id_known_taken(id))
                continue;
            snprintf(path, sizeof path, "%s/%u", dirs[d], id);
            int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
            if (fd < 0)
                break;
            if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
                *lock_fd = fd;
                return (uid_t)id;
            }
            close(fd);
        }
    }
    for (unsigned i = 0; i < SBX_UID_SPAN; i++)
        if (!sbx_id_known_taken(SBX_UID_BASE + (start + i) % SBX_UID_SPAN))
            return (uid_t)(SBX_UID_BASE + (start + i) % SBX_UID_SPAN);
    return (uid_t)(SBX_UID_BASE + start % SBX_UID_SPAN);
}

/* Layers this box will use, with the reasons for those it will not. */
static void sbx_box_plan(struct sbx_box *b)
{
    const struct sbx_caps *c = sbx_caps_get();
    struct sbx_result *r = b->res;
    unsigned fl = b->cfg->flags;
    if (b->join_user_fd < 0 && b->role == SBX_ROLE_SUBJECT)
        b->role = SBX_ROLE_SOLO;
    b->use_userns = c->userns != 0 && !(fl & SBX_NO_USERNS);
    b->userns_guess = b->use_userns && c->userns < 0;
    /* For the tests: the first box acts as if the kernel refused its user namespace, as
     * it does where they are switched off, so the fallback is exercised for real. */
    const char *sim = getenv("STACKLAB_SANDBOX_SIMULATE");
    b->refuse_userns = sim != NULL && strcmp(sim, "userns-refused") == 0;
    b->use_ns = b->use_userns || c->root;
    sbx_hidden_paths();     /* found here: the box's keeper only reads the list */
    const struct sbx_limits *l = &b->cfg->lim;
    b->box_tmpfs = b->use_ns && b->role != SBX_ROLE_COMPANION
                   && (l->tmpfs_mb > 0 || l->tmpfs_inodes > 0);
    b->use_cg = sbx_caps_cg_usable(fl);
    b->use_seccomp = !(fl & SBX_NO_SECCOMP);
    int keep = b->join_user_fd >= 0 && b->host_uid != 0;   /* pair: the companion's map */
    if (!keep) {
        b->host_uid = geteuid();
        b->host_gid = getegid();
    }
    if (c->root && !keep) {
        /* The lowest uid no running box holds: boxes one after the other (in a process
         * or across processes) take the same uid again once the last one ended with
         * nothing left (see sbx_box_finish), so its check against the accounts is
         * recent (sbx_box_check_ids). */
        unsigned n = 0;
        b->host_uid = b->host_gid = sbx_uid_take(n, &b->uid_lock_fd);
        b->uid_taken = 1;
        if (b->role == SBX_ROLE_COMPANION && b->use_userns)
            b->partner_uid = sbx_uid_take(n + 1, &b->partner_lock_fd);
    }
    /* Started as root, the companion (it parses untrusted replies) runs as a uid of its
     * own too, not the subject's: the subject can neither signal nor trace it. */
    b->run_uid = (b->role == SBX_ROLE_COMPANION && c->root) ? SBX_COMPANION_UID : SBX_INSIDE_UID;
    sbx_add_layer(r->layers, sizeof r->layers, "session");
    if (b->use_userns)
        sbx_add_layer(r->layers, sizeof r->layers, "userns");
    else
        sbx_add_layer(r->missing, sizeof r->missing,
                      (fl & SBX_NO_USERNS) ? "userns (disabled)" : "userns (unavailable)");
    if (b->use_ns) {
        sbx_add_layer(r->layers, sizeof r->layers, "pidns,netns");
        if (b->role != SBX_ROLE_COMPANION)
            sbx_add_layer(r->layers, sizeof r->layers, "mntns");
        sbx_add_layer(r->layers, sizeof r->layers, "ipcns,utsns");
    } else {
        sbx_add_layer(r->missing, sizeof r->missing, "pidns,netns,mntns (need userns or root)");
    }
    if (c->root)
        sbx_add_layer(r->layers, sizeof r->layers, "uid");
    if (b->box_tmpfs)
        sbx_add_layer(r->layers, sizeof r->layers, "box-tmpfs");
    else if (b->role != SBX_ROLE_COMPANION && (l->tmpfs_mb > 0 || l->tmpfs_inodes > 0))
        sbx_add_layer(r->missing, sizeof r->missing, "box-tmpfs (no mount namespace: the box folder is polled)");
    r->leak_check = b->use_ns;
}

/* Maps for a fresh user namespace: the program's uid; for a companion started as root,
 * its own uid and the subject's (which enters this namespace). */
static int sbx_write_maps(const struct sbx_box *b, char *err, size_t len)
{
    char path[64], map[128];
    const char *files[] = { "uid_map", "gid_map" };
    unsigned long ids[] = { (unsigned long)b->host_uid, (unsigned long)b->host_gid };
    if (!sbx_caps_get()->root) {
        snprintf(path, sizeof path, "/proc/%ld/setgroups", (long)b->keeper);
        int fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd >= 0) {
            ssize_t w = write(fd, "deny", 4);
            (void)w;
            close(fd);
        }
    }
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "/proc/%ld/%s", (long)b->keeper, files[i]);
        if (b->role == SBX_ROLE_COMPANION && sbx_caps_get()->root)
            snprintf(map, sizeof map, "%d %lu 1\n%d %lu 1\n", SBX_INSIDE_UID,
                     (unsigned long)b->partner_uid, SBX_COMPANION_UID, ids[i]);
        else
            snprintf(map, sizeof map, "%d %lu 1\n", SBX_INSIDE_UID, ids[i]);
        int fd = open(path, O_WRONLY | O_CLOEXEC);
        ssize_t w = fd < 0 ? -1 : write(fd, map, strlen(map));
        int e = errno;
        if (fd >= 0)
            close(fd);
        if (w != (ssize_t)strlen(map)) {
            snprintf(err, len, "cannot write %s: %s", path, strerror(e));
            return -1;
        }
    }
    return 0;
}

static int sbx_read_full(int fd, void *buf, size_t n, int timeout_ms)
{
    size_t got = 0;
    while (got < n) {
        struct pollfd p = { fd, POLLIN, 0 };
        int rc = poll(&p, 1, timeout_ms);
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc <= 0)
            return -1;
        ssize_t r = read(fd, (char *)buf + got, n - got);
        if (r <= 0)
            return -1;
        got += (size_t)r;
    }
    return 0;
}

/* Handshake with the keeper: it has joined its cgroups and made its namespaces; give it
 * its ids and let it go on. */
static int sbx_box_handshake(struct sbx_box *b, int ctl, char *err, size_t len)
{
    char c;
    if (sbx_read_full(ctl, &c, 1, 10000) < 0) {
        struct sbx_msg m;
        int got = sbx_read_full(b->msg_fd, &m, sizeof m, 200) == 0;
        if (got && m.kind == SBX_MSG_NOUSERNS) {
            snprintf(err, len, "user namespace refused: %s", strerror(m.status));
            errno = m.status;
            return -2;
        }
        if (got && m.kind == SBX_MSG_SETUP)
            snprintf(err, len, "%s", m.text);
        else
            snprintf(err, len, "the box did not start");
        return -1;
    }
    if (b->use_userns && b->join_user_fd < 0 && sbx_write_maps(b, err, len) < 0)
        return -1;
    c = 'g';
    if (send(ctl, &c, 1, MSG_NOSIGNAL) != 1) {
        snprintf(err, len, "the box did not start");
        return -1;
    }
    return 0;
}

static void sbx_box_prepare(struct sbx_box *b)
{
    const struct sbx_limits *l = &b->cfg->lim;
    char why[128];
    if (b->use_cg && sbx_cg_create(&b->cg, l, why, sizeof why) < 0) {
        b->use_cg = 0;
        char m[160];
        snprintf(m, sizeof m, "cgroup (%s)", why);
        sbx_add_layer(b->res->missing, sizeof b->res->missing, m);
    }
    if (b->use_cg)
        sbx_add_layer(b->res->layers, sizeof b->res->layers, "cgroup");
    else if (!sbx_caps_cg_usable(b->cfg->flags)) {
        char m[200];
        snprintf(m, sizeof m, "cgroup (%s)", sbx_caps_cg_why(b->cfg->flags));
        sbx_add_layer(b->res->missing, sizeof b->res->missing, m);
    }
    if (!b->use_cg)
        sbx_add_layer(b->res->layers, sizeof b->res->layers,
                      (b->cfg->flags & SBX_SANITIZED) ? "rss-poll" : "rlimit-as,rss-poll");
    sbx_add_layer(b->res->layers, sizeof b->res->layers, "rlimits,nnp");
    if (b->use_seccomp)
        sbx_filter_prepare(b->use_ns);  /* failing here, the box builds its own and says why */
    if (b->use_seccomp)
        sbx_add_layer(b->res->layers, sizeof b->res->layers, "seccomp");
    else
        sbx_add_layer(b->res->missing, sizeof b->res->missing, "seccomp (disabled)");
    if (!b->res->leak_check)
        sbx_add_layer(b->res->missing, sizeof b->res->missing, "leak-check (ptrace needs a pid namespace)");
}

/* Started as root, hands the box folder (a companion's too) to the box's uid for the
 * run, unless it is not the caller's alone (said in missing). */
static void sbx_box_own(struct sbx_box *b)
{
    char why[128];
    struct stat st;
    if (!sbx_caps_get()->root || b->cfg->workdir == NULL)
        return;
    if (sbx_box_ownable(b->cfg->workdir, &st, why, sizeof why) < 0) {
        char m[200];
        snprintf(m, sizeof m, "box-owner (%s; the box stays root's)", why);
        sbx_add_layer(b->res->missing, sizeof b->res->missing, m);
        return;
    }
    b->owner_uid = st.st_uid;
    b->owner_gid = st.st_gid;
    b->chowned = 1;
    sbx_chown_uid = b->host_uid;
    sbx_chown_gid = b->host_gid;
    nftw(b->cfg->workdir, sbx_chown_one, 16, FTW_PHYS);
}

/* The uids this box took (its own, and a companion's partner) must belong to no account
 * or group: asked while the keeper makes its namespaces. Returns 0, or -1 (the ids are
 * remembered as taken, and the box is started again). */
static int sbx_box_check_ids(const struct sbx_box *b)
{
    if (b->uid_taken && !sbx_id_checked(b->host_uid, b->uid_lock_fd))
        return -1;
    return b->partner_uid != 0 && !sbx_id_checked(b->partner_uid, b->partner_lock_fd) ? -1 : 0;
}

void sbx_box_give_back(struct sbx_box *b)
{
    if (!b->chowned)
        return;
    b->chowned = 0;
    sbx_chown_uid = b->owner_uid;
    sbx_chown_gid = b->owner_gid;
    nftw(b->cfg->workdir, sbx_chown_one, 16, FTW_PHYS);
}

static int sbx_capture_pipe(int fd, int *r, int *w)
{
    int p[2] = { -1, -1 };
    if (fd < 0 && pipe2(p, O_CLOEXEC) < 0)
        return -1;
    *r = p[0];
    *w = p[1];
    return 0;
}

/* Starts the box once. Returns 0; -2 when the keeper was refused a user namespace it
 * only assumed (errno set; the caller cleans up and starts again); or -1 with an
 * allocated *cause. Nothing is left running on failure. */
static int sbx_box_start_once(struct sbx_box *b, char **cause)
{
    char err[200];
    int out_w = -1, err_w = -1, mp[2], ctl[2];
    b->out_fd = b->err_fd = b->msg_fd = b->ctl_fd = -1;
    sbx_box_plan(b);
    sbx_box_prepare(b);
    if (sbx_capture_pipe(b->cfg->stdout_fd, &b->out_fd, &out_w) < 0
        || sbx_capture_pipe(b->cfg->stderr_fd, &b->err_fd, &err_w) < 0
        || pipe2(mp, O_CLOEXEC) < 0 || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ctl) < 0) {
        *cause = sbx_strdupf("sandbox: pipes: %s", strerror(errno));
        return -1;
    }
    b->msg_fd = mp[0];
    b->t0 = sbx_mono();
    b->supervisor = getpid();
    b->keeper = fork();
    if (b->keeper < 0) {
        *cause = sbx_strdupf("sandbox: fork: %s", strerror(errno));
        return -1;
    }
    if (b->keeper == 0) {
        close(mp[0]);
        close(ctl[0]);
        if (b->out_fd >= 0)
            close(b->out_fd);
        if (b->err_fd >= 0)
            close(b->err_fd);
        sbx_keeper_main(b, ctl[1], mp[1], out_w, err_w);
    }
    b->sid = b->keeper;
    if (b->use_cg)
        sbx_cg_close_tasks(&b->cg);
    close(mp[1]);
    close(ctl[1]);
    if (out_w >= 0)
        close(out_w);
    if (err_w >= 0)
        close(err_w);
    /* While the keeper makes its namespaces: the uids are checked, the folder handed
     * over (the keeper touches it only after the handshake). */
    int rc = sbx_box_check_ids(b) < 0 ? -3 : 0;
    if (rc == 0) {
        sbx_box_own(b);
        rc = sbx_box_handshake(b, ctl[0], err, sizeof err);
    }
    int e = errno;
    close(ctl[0]);
    if (rc < 0) {
        kill(b->keeper, SIGKILL);
        waitpid(b->keeper, NULL, 0);
        b->keeper = 0;
        int fds[] = { b->out_fd, b->err_fd, b->msg_fd };
        for (size_t i = 0; i < 3; i++)
            if (fds[i] >= 0)
                close(fds[i]);
        b->out_fd = b->err_fd = b->msg_fd = -1;
        if ((rc == -2 && b->userns_guess) || rc == -3) {
            errno = e;
            return rc;
        }
        *cause = sbx_strdupf("sandbox: %s", err);
        return -1;
    }
    b->last_progress = b->t0;
    /* The first looks at /proc and at the box folder wait 10 ms from here, where the
     * box is set up and its program about to start: most runs are over by then, and
     * the end of a run looks at both anyway. */
    b->next_scan = b->next_du = sbx_mono() + 0.01;
    return 0;
}

/* Starts the box. The first box of a process that is refused a user namespace records
 * it (every later box plans without one) and starts again without. Returns 0, or -1
 * with an allocated *cause; on -1 the caller releases what sbx_box_prepare took
 * (cgroups, the box folder's owner, the uid lock). */
int sbx_box_start(struct sbx_box *b, char **cause)
{
    for (int tries = 0;; tries++) {
        int rc = sbx_box_start_once(b, cause);
        if (rc == -2)
            sbx_caps_userns_refused(errno);
        if (rc >= -1)
            return rc;
        if (tries >= 8) {   /* a second -2 cannot happen: the plan then has no userns */
            *cause = sbx_strdupf("sandbox: %s", rc == -2 ? "user namespace refused twice"
                                 : "no uid for the box that belongs to no account");
            return -1;
        }
        /* Start again from a clean box; what a pair gave the subject stays. */
        int ju = b->join_user_fd, jn = b->join_net_fd;
        if (b->use_cg)
            sbx_cg_destroy(&b->cg);
        sbx_box_give_back(b);
        if (b->uid_lock_fd >= 0)
            close(b->uid_lock_fd);
        if (b->partner_lock_fd >= 0)
            close(b->partner_lock_fd);
        sbx_result_free(b->res);
        sbx_box_init(b, b->cfg, b->res, b->role);
        b->join_user_fd = ju;
        b->join_net_fd = jn;
    }
}

/* Appends what a capture pipe holds; returns 0 at EOF. */
static int sbx_box_read(struct sbx_box *b, int *fd, char **buf, size_t *len, size_t *total, int *trunc)
{
    char tmp[16384];
    ssize_t n = read(*fd, tmp, sizeof tmp);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return 1;
    if (n <= 0) {
        close(*fd);
        *fd = -1;
        return 0;
    }
    size_t cap = b->cfg->lim.output_bytes ? b->cfg->lim.output_bytes : (size_t)1 << 20;
    *total += (size_t)n;
    if (*buf == NULL)
        *buf = calloc(1, cap + 1);
    size_t keep = *len < cap ? cap - *len : 0;
    if (keep > (size_t)n)
        keep = (size_t)n;
    if (*buf != NULL && keep > 0) {
        memcpy(*buf + *len, tmp, keep);
        *len += keep;
        (*buf)[*len] = '\0';
    }
    if (keep < (size_t)n)
        *trunc = 1;
    if (b->cfg->lim.output_bytes && *total > b->cfg->lim.output_bytes && !b->killed)
        sbx_box_kill(b, SBX_OL, *fd == b->out_fd ? "stdout over the output limit" : "stderr over the output limit");
    return 1;
}

static void sbx_box_read_msg(struct sbx_box *b)
{
    struct sbx_msg m;
    ssize_t n = read(b->msg_fd, &m, sizeof m);
    if (n == (ssize_t)sizeof m) {
        b->msg = m;
        b->done = 1;
    } else if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
        close(b->msg_fd);
        b->msg_fd = -1;
        b->done = 1;    /* the keeper is gone without a word */
    }
}

/* Waits up to timeout_ms for output or an end message of any of the boxes, and handles
 * what arrived. */
void sbx_box_poll_fds(struct sbx_box **boxes, size_t n, int timeout_ms)
{
    struct pollfd p[6];
    size_t np = 0;
    for (size_t i = 0; i < n && i < 2; i++) {
        struct sbx_box *b = boxes[i];
        int fds[3] = { b->out_fd, b->err_fd, b->done ? -1 : b->msg_fd };
        for (int k = 0; k < 3; k++)
            p[np++] = (struct pollfd){ fds[k], POLLIN, 0 };
    }
    if (poll(p, np, timeout_ms) <= 0)
        return;
    for (size_t i = 0; i < n && i < 2; i++) {
        struct sbx_box *b = boxes[i];
        struct sbx_result *r = b->res;
        struct pollfd *q = &p[i * 3];
        if (q[0].fd >= 0 && q[0].revents)
            sbx_box_read(b, &b->out_fd, &r->out, &b->out_len, &r->out_bytes, &r->out_truncated);
        if (q[1].fd >= 0 && q[1].revents)
            sbx_box_read(b, &b->err_fd, &r->err, &b->err_len, &r->err_bytes, &r->err_truncated);
        if (q[2].fd >= 0 && q[2].revents)
            sbx_box_read_msg(b);
    }
}

/* Kills the run now and fixes its verdict. */
void sbx_box_kill(struct sbx_box *b, enum sbx_verdict v, const char *why)
{
    if (b->killed || b->done)
        return;
    b->killed = 1;
    b->res->verdict = v;
    sbx_set_detail(b->res, "%s", why);
    if (b->keeper > 0)
        kill(b->keeper, SIGKILL);
    if (b->use_cg)
        sbx_cg_kill_all(&b->cg);
    sbx_proc_kill_session(b->sid, 0.5);
}

/* Size of the box folder, walked without following links and stopped early once over
 * a limit: a bind-mounted box has no size of its own, so the supervisor watches it. */
static long long sbx_du_bytes, sbx_du_max_bytes;
static long sbx_du_files, sbx_du_max_files;
static int sbx_du_one(const char *path, const struct stat *st, int type, struct FTW *f)
{
    (void)path; (void)type; (void)f;
    sbx_du_bytes += (long long)st->st_blocks * 512;
    sbx_du_files++;
    return sbx_du_bytes > sbx_du_max_bytes || sbx_du_files > sbx_du_max_files;
}

/* 1 when the box folder is over its size or file count (reason in why), else 0. */
int sbx_box_over_quota(const struct sbx_box *b, char *why, size_t len)
{
    const struct sbx_limits *l = &b->cfg->lim;
    if (b->role == SBX_ROLE_COMPANION || b->box_tmpfs || (l->tmpfs_mb <= 0 && l->tmpfs_inodes <= 0))
        return 0;       /* a tmpfs box: the kernel holds its limits */
    sbx_du_bytes = 0;
    sbx_du_files = 0;
    sbx_du_max_bytes = l->tmpfs_mb > 0 ? (long long)l->tmpfs_mb << 20 : INT64_MAX;
    sbx_du_max_files = l->tmpfs_inodes > 0 ? l->tmpfs_inodes : LONG_MAX;
    if (nftw(b->cfg->workdir, sbx_du_one, 8, FTW_PHYS) <= 0)
        return 0;
    if (sbx_du_files > sbx_du_max_files)
        snprintf(why, len, "box folder over %ld files", l->tmpfs_inodes);
    else
        snprintf(why, len, "box folder over %ld MB", l->tmpfs_mb);
    return 1;
}

/* Checks the limits; called often by the loop. */
void sbx_box_tick(struct sbx_box *b)
{
    if (b->done || b->killed)
        return;
    const struct sbx_limits *l = &b->cfg->lim;
    double now = sbx_mono(), wall = now - b->t0;
    char why[96];
    if (l->wall_sec > 0 && wall > l->wall_sec) {
        snprintf(why, sizeof why, "wall time %.1f s", l->wall_sec);
        sbx_box_kill(b, SBX_TO, why);
        return;
    }
    if (now >= b->next_du) {
        b->next_du = now + 0.25;
        if (sbx_box_over_quota(b, why, sizeof why)) {
            sbx_box_kill(b, SBX_OL, why);
            return;
        }
    }
    if (now < b->next_scan)
        return;
    b->next_scan = now + (wall < 1.0 ? 0.03 : 0.08);
    struct sbx_usage u = { 0, 0, 0 };
    double cpu = b->use_cg ? sbx_cg_cpu(&b->cg) : -1;
    if (cpu < 0) {      /* no cgroup: walk /proc for the session */
        sbx_proc_usage(b->sid, &u);
        cpu = u.cpu;
        if (u.rss_kb > b->peak_kb)
            b->peak_kb = u.rss_kb;
    }
    if (cpu > b->cpu)
        b->cpu = cpu;
    if (b->cpu > b->last_cpu + 0.005) {
        b->last_cpu = b->cpu;
        b->last_progress = now;
    }
    if (l->cpu_sec > 0 && b->cpu > l->cpu_sec) {
        snprintf(why, sizeof why, "cpu time %.1f s", l->cpu_sec);
        sbx_box_kill(b, SBX_TO, why);
    } else if (l->idle_sec > 0 && now - b->last_progress > l->idle_sec) {
        snprintf(why, sizeof why, "idle %.1f s", l->idle_sec);
        sbx_box_kill(b, SBX_TO, why);
    } else if (!b->use_cg && l->mem_mb > 0 && u.rss_kb > l->mem_mb * 1024) {
        snprintf(why, sizeof why, "memory %ld MB", l->mem_mb);
        sbx_box_kill(b, SBX_ML, why);
    }
}
