/* sbx.c -- the public face of the sandbox: default limits, sbx_run (one box) and
 * sbx_run_pair (subject and trusted companion sharing a network namespace), and turning
 * the end of a run into a verdict after teardown has verified that nothing survived. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sbx-int.h"

static const char *const sbx_names[] = { "OK", "RE", "SG", "TO", "ML", "OL", "SV", "XX" };

const char *sbx_verdict_name(enum sbx_verdict v)
{
    return (unsigned)v < sizeof sbx_names / sizeof sbx_names[0] ? sbx_names[v] : "??";
}

void sbx_config_init(struct sbx_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->lim.cpu_sec = 5;
    cfg->lim.wall_sec = 10;
    cfg->lim.mem_mb = 256;
    cfg->lim.procs = 64;
    cfg->lim.output_bytes = 64 * 1024;
    cfg->lim.fsize_mb = 16;
    cfg->lim.nofile = 64;
    cfg->lim.tmpfs_mb = 64;
    cfg->lim.tmpfs_inodes = 4096;
    cfg->net = SBX_NET_NONE;
    cfg->stdin_fd = cfg->stdout_fd = cfg->stderr_fd = -1;
}

void sbx_result_free(struct sbx_result *res)
{
    if (res == NULL)
        return;
    free(res->out);
    free(res->err);
    res->out = res->err = NULL;
}

/* Verdict of a program that ended by itself (status from its init). */
static void sbx_verdict_exit(struct sbx_box *b)
{
    struct sbx_result *r = b->res;
    int st = b->msg.status;
    long mem_kb = b->cfg->lim.mem_mb * 1024;
    int mem_near = mem_kb > 0 && r->peak_mem_kb >= mem_kb * 8 / 10;
    if (WIFEXITED(st)) {
        r->exit_code = WEXITSTATUS(st);
        r->verdict = r->exit_code == 0 ? SBX_OK : SBX_RE;
        sbx_set_detail(r, "exit %d", r->exit_code);
        if (r->exit_code != 0 && r->err != NULL && strstr(r->err, "hard rss limit exhausted")) {
            r->verdict = SBX_ML;
            sbx_set_detail(r, "memory %ld MB (sanitizer rss limit)", b->cfg->lim.mem_mb);
        } else if (r->exit_code != 0 && !b->use_cg && mem_near) {
            r->verdict = SBX_ML;
            sbx_set_detail(r, "memory %ld MB (allocation refused, exit %d)", b->cfg->lim.mem_mb, r->exit_code);
        }
        return;
    }
    r->signal = WTERMSIG(st);
    const char *name = sigabbrev_np(r->signal);
    if (r->signal == SIGSYS) {
        r->verdict = SBX_SV;
        sbx_set_detail(r, "forbidden system call (SIGSYS)");
    } else if (r->signal == SIGXCPU) {
        r->verdict = SBX_TO;
        sbx_set_detail(r, "cpu time %.1f s (per process)", b->cfg->lim.cpu_sec);
    } else if (r->signal == SIGXFSZ) {
        r->verdict = SBX_OL;
        sbx_set_detail(r, "file size limit %ld MB", b->cfg->lim.fsize_mb);
    } else if (r->signal == SIGKILL && b->use_cg && sbx_cg_oom(&b->cg)) {
        r->verdict = SBX_ML;
        sbx_set_detail(r, "memory %ld MB", b->cfg->lim.mem_mb);
    } else if (!b->use_cg && mem_near && r->signal != SIGKILL) {
        r->verdict = SBX_ML;
        sbx_set_detail(r, "memory %ld MB (SIG%s after allocation failed)", b->cfg->lim.mem_mb, name ? name : "?");
    } else {
        r->verdict = SBX_SG;
        sbx_set_detail(r, "SIG%s", name ? name : "?");
    }
}

static void sbx_verdict_msg(struct sbx_box *b)
{
    struct sbx_result *r = b->res;
    switch (b->msg.kind) {
    case SBX_MSG_EXIT:
        sbx_verdict_exit(b);
        break;
    case SBX_MSG_NOEXEC:
        r->verdict = SBX_RE;
        r->exit_code = 127;
        sbx_set_detail(r, "cannot run %s: %s", b->cfg->argv[0], strerror(b->msg.status));
        break;
    case SBX_MSG_SETUP:
        r->verdict = SBX_XX;
        sbx_set_detail(r, "box setup: %s", b->msg.text);
        break;
    default:
        r->verdict = SBX_XX;
        sbx_set_detail(r, "the box's keeper died without a report");
        break;
    }
}

static void sbx_drain(struct sbx_box *b)
{
    struct sbx_box *one[1] = { b };
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (b->out_fd >= 0 || b->err_fd >= 0) {
        int was = b->killed;
        b->killed = 1;          /* output after the end cannot change the verdict */
        sbx_box_poll_fds(one, 1, 20);
        b->killed = was;
        clock_gettime(CLOCK_MONOTONIC, &t);
        if ((double)(t.tv_sec - t0.tv_sec) + (double)(t.tv_nsec - t0.tv_nsec) / 1e9 > 1.0)
            break;
    }
    if (b->out_fd >= 0)
        close(b->out_fd);
    if (b->err_fd >= 0)
        close(b->err_fd);
    b->out_fd = b->err_fd = -1;
}

/* The keeper's word on a tmpfs box, sent once the box has ended: whether the program
 * filled it, and whether everything was copied back. */
static void sbx_read_copied(struct sbx_box *b)
{
    struct sbx_msg m;
    while (b->msg_fd >= 0 && read(b->msg_fd, &m, sizeof m) == (ssize_t)sizeof m)
        if (m.kind == SBX_MSG_COPIED) {
            b->copied = m.status;
            snprintf(b->copy_err, sizeof b->copy_err, "%.119s", m.text);
            return;
        }
}

/* A full tmpfs box is OL, as a full polled one was; files not copied back are said. */
static void sbx_verdict_copied(struct sbx_box *b)
{
    struct sbx_result *r = b->res;
    if (!b->killed && (b->copied & (SBX_COPY_FULL_BYTES | SBX_COPY_FULL_FILES))) {
        r->verdict = SBX_OL;
        if (b->copied & SBX_COPY_FULL_FILES)
            sbx_set_detail(r, "box folder over %ld files (/box and /tmp together)",
                           b->cfg->lim.tmpfs_inodes);
        else
            sbx_set_detail(r, "box folder over %ld MB (/box and /tmp together)",
                           b->cfg->lim.tmpfs_mb);
    }
    if (b->copied & SBX_COPY_ERRORS) {
        size_t n = strlen(r->detail);
        snprintf(r->detail + n, sizeof r->detail - n, "; not copied back: %s", b->copy_err);
    }
}

/* Tears the box down, fills the result and verifies no process of the run survived. */
void sbx_box_finish(struct sbx_box *b)
{
    struct sbx_result *r = b->res;
    int st = -1;
    if (b->keeper > 0) {
        if (!b->done)
            kill(b->keeper, SIGKILL);
        while (waitpid(b->keeper, &st, 0) < 0 && errno == EINTR)
            ;
        b->keeper = 0;
    }
    if (!b->done && !b->killed && b->msg_fd >= 0) {
        struct sbx_box *one[1] = { b };
        sbx_box_poll_fds(one, 1, 100);
    }
    /* A keeper that reaped the pid namespace's init itself proves the namespace empty
     * (the kernel ends init only after every member); a cgroup lists what is left. In
     * every other case, walk /proc for the session. */
    if (b->box_tmpfs && b->msg_fd >= 0 && b->keeper == 0 && WIFEXITED(st))
        sbx_read_copied(b);     /* the keeper has ended: its messages are all there */
    int clean = b->use_ns && b->msg.kind == SBX_MSG_EXIT && st == 0;
    if (!clean && !b->use_cg)
        r->survivors = sbx_proc_kill_session(b->sid, 2.0);
    if (b->use_cg) {
        r->survivors += sbx_cg_kill_all(&b->cg);
        double c = sbx_cg_cpu(&b->cg);
        if (c > b->cpu)
            b->cpu = c;
        long pk = sbx_cg_peak_kb(&b->cg);
        if (pk > b->peak_kb)
            b->peak_kb = pk;
    }
    sbx_drain(b);
    if (b->msg_fd >= 0)
        close(b->msg_fd);
    b->msg_fd = -1;
    if (b->msg.cpu_sec > b->cpu)
        b->cpu = b->msg.cpu_sec;
    if (b->msg.maxrss_kb > b->peak_kb)
        b->peak_kb = b->msg.maxrss_kb;
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    r->wall_sec = (double)t.tv_sec + (double)t.tv_nsec / 1e9 - b->t0;
    r->cpu_sec = b->cpu;
    r->peak_mem_kb = b->peak_kb;
    if (!b->killed)
        sbx_verdict_msg(b);
    if (b->box_tmpfs)
        sbx_verdict_copied(b);
    if (b->use_cg && !b->killed && r->verdict != SBX_ML && r->verdict != SBX_OK && sbx_cg_oom(&b->cg)) {
        r->verdict = SBX_ML;
        sbx_set_detail(r, "memory %ld MB", b->cfg->lim.mem_mb);
    }
    if (b->use_cg)
        sbx_cg_destroy(&b->cg);
    sbx_box_give_back(b);       /* nothing of the run is left to write to it */
    /* Nothing survived: the uid is free again. A uid with survivors stays locked while
     * this process lives, so no later box shares it with them. */
    if (b->uid_lock_fd >= 0 && r->survivors == 0)
        close(b->uid_lock_fd);
    if (b->partner_lock_fd >= 0)
        close(b->partner_lock_fd);  /* not handed to a subject */
    b->uid_lock_fd = b->partner_lock_fd = -1;
    char why[96];
    if (!b->killed && sbx_box_over_quota(b, why, sizeof why)) {
        r->verdict = SBX_OL;    /* a last look: a short run may fill it between checks */
        sbx_set_detail(r, "%s", why);
    }
    if (r->survivors > 0) {
        size_t n = strlen(r->detail);
        snprintf(r->detail + n, sizeof r->detail - n, "; %d process(es) survived teardown", r->survivors);
    }
}

static int sbx_check_config(const struct sbx_config *cfg, char **cause)
{
    if (cfg == NULL || cfg->argv == NULL || cfg->argv[0] == NULL) {
        *cause = sbx_strdupf("sandbox: no program to run");
        return -1;
    }
    if (cfg->workdir == NULL || cfg->workdir[0] != '/') {
        *cause = sbx_strdupf("sandbox: the box folder must be an absolute path");
        return -1;
    }
    return 0;
}

static void sbx_loop(struct sbx_box **boxes, size_t n, struct sbx_box *until)
{
    while (!until->done && !until->killed) {
        sbx_box_poll_fds(boxes, n, 20);
        for (size_t i = 0; i < n; i++)
            sbx_box_tick(boxes[i]);
    }
}

int sbx_run(const struct sbx_config *cfg, struct sbx_result *res, char **cause)
{
    struct sbx_box b;
    *cause = NULL;
    if (sbx_check_config(cfg, cause) < 0)
        return -1;
    sbx_box_init(&b, cfg, res, SBX_ROLE_SOLO);
    if (sbx_box_start(&b, cause) < 0) {
        if (b.use_cg)
            sbx_cg_destroy(&b.cg);
        sbx_box_give_back(&b);
        if (b.uid_lock_fd >= 0)
            close(b.uid_lock_fd);
        sbx_result_free(res);
        return -1;
    }
    struct sbx_box *boxes[1] = { &b };
    sbx_loop(boxes, 1, &b);
    sbx_box_finish(&b);
    if (res->verdict == SBX_XX && b.msg.kind == SBX_MSG_SETUP) {
        *cause = sbx_strdupf("sandbox: %s", b.msg.text);
        sbx_result_free(res);
        return -1;
    }
    return 0;
}

/* The companion has ended. A subject whose program has ended too (a checker may give up
 * and exit as the subject exits) has its end report on the way: wait for it (at most a
 * second), so that its own end, not "stopped", is its verdict. */
static void sbx_pair_settle(struct sbx_box *s)
{
    struct sbx_box *one[1] = { s };
    sbx_box_poll_fds(one, 1, 0);
    for (int i = 0; i < 50 && !s->done && !s->killed && s->msg_fd >= 0
         && sbx_proc_running(s->sid, s->use_ns) == 0; i++)
        sbx_box_poll_fds(one, 1, 20);
}

/* The companion's namespaces, for the subject to enter. */
static int sbx_open_ns(pid_t pid, const char *ns)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/ns/%s", (long)pid, ns);
    return open(path, O_RDONLY | O_CLOEXEC);
}

int sbx_run_pair(const struct sbx_config *subject, const struct sbx_config *companion,
                 struct sbx_result *sres, struct sbx_result *cres, char **cause)
{
    *cause = NULL;
    if (sbx_check_config(subject, cause) < 0 || sbx_check_config(companion, cause) < 0)
        return -1;
    int a[2], z[2];     /* a: companion -> subject, z: subject -> companion */
    if (pipe2(a, O_CLOEXEC) < 0 || pipe2(z, O_CLOEXEC) < 0) {
        *cause = sbx_strdupf("sandbox: pipes: %s", strerror(errno));
        return -1;
    }
    struct sbx_config scfg = *subject, ccfg = *companion;
    int sfds[2] = { a[0], z[1] }, cfds[2] = { z[0], a[1] };
    scfg.extra_fds = sfds;
    scfg.nextra_fds = 2;
    ccfg.extra_fds = cfds;
    ccfg.nextra_fds = 2;
    ccfg.net = SBX_NET_LOOPBACK;
    struct sbx_box s, c;
    sbx_box_init(&c, &ccfg, cres, SBX_ROLE_COMPANION);
    sbx_box_init(&s, &scfg, sres, SBX_ROLE_SUBJECT);
    int rc = sbx_box_start(&c, cause);
    if (rc == 0 && c.use_ns) {
        s.join_user_fd = c.use_userns ? sbx_open_ns(c.keeper, "user") : -1;
        s.join_net_fd = sbx_open_ns(c.keeper, "net");
        s.host_uid = c.host_uid;
        s.host_gid = c.host_gid;
        if (c.partner_uid != 0) {   /* root: the uid the companion's map gave the subject */
            s.host_uid = s.host_gid = c.partner_uid;
            s.uid_lock_fd = c.partner_lock_fd;
            c.partner_lock_fd = -1;
        }
    }
    if (rc == 0)
        rc = sbx_box_start(&s, cause);
    for (int i = 0; i < 2; i++) {
        close(a[i]);
        close(z[i]);
    }
    if (s.join_user_fd >= 0)
        close(s.join_user_fd);
    if (s.join_net_fd >= 0)
        close(s.join_net_fd);
    if (rc < 0) {
        if (c.keeper > 0)
            sbx_box_finish(&c);
        else {
            if (c.use_cg && c.cg.on)
                sbx_cg_destroy(&c.cg);
            sbx_box_give_back(&c);
            int fds[] = { c.uid_lock_fd, c.partner_lock_fd };
            for (size_t i = 0; i < 2; i++)
                if (fds[i] >= 0)
                    close(fds[i]);
        }
        if (s.use_cg && s.cg.on)
            sbx_cg_destroy(&s.cg);
        sbx_box_give_back(&s);
        if (s.uid_lock_fd >= 0)
            close(s.uid_lock_fd);
        sbx_result_free(cres);
        sbx_result_free(sres);
        return -1;
    }
    struct sbx_box *boxes[2] = { &c, &s };
    sbx_loop(boxes, 2, &c);
    sbx_pair_settle(&s);
    if (!s.done && !s.killed) {
        sbx_box_kill(&s, SBX_OK, "stopped when the checker ended");
    }
    sbx_box_finish(&c);
    sbx_box_finish(&s);
    return 0;
}
