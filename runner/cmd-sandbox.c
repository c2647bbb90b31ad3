/* cmd-sandbox.c -- `stacklab sandbox`: runs one command in the sandbox with the given
 * limits and prints the verdict and every field of the result (a debugging aid and the
 * handle the sandbox tests drive). Exit 0 when the verdict is OK, else 1. */
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "util.h"
#include "sandbox.h"

#define SANDBOX_MAX_BINDS 16

struct sandbox_opts {
    struct sbx_config cfg;
    struct sbx_bind binds[SANDBOX_MAX_BINDS];
    char *bind_store[SANDBOX_MAX_BINDS];
    int quiet;
    const char *box;            /* --box DIR, or NULL for a fresh private folder */
    const char *companion;      /* --companion CMD: run by /bin/sh beside the program */
};

/* HOST[:INSIDE]; INSIDE defaults to HOST. */
static int sandbox_bind(struct sandbox_opts *o, const char *arg)
{
    if (o->cfg.nbinds >= SANDBOX_MAX_BINDS)
        return -1;
    char *copy = strdup(arg);
    if (copy == NULL)
        return -1;
    o->bind_store[o->cfg.nbinds] = copy;
    char *colon = strchr(copy, ':');
    struct sbx_bind *b = &o->binds[o->cfg.nbinds++];
    if (colon != NULL)
        *colon = '\0';
    b->host = copy;
    b->inside = colon != NULL ? colon + 1 : copy;
    b->writable = 0;
    return 0;
}

enum sandbox_kind { SANDBOX_FLAG, SANDBOX_NUM, SANDBOX_NET, SANDBOX_BIND, SANDBOX_BOX,
                    SANDBOX_COMPANION };
enum sandbox_type { SANDBOX_DOUBLE, SANDBOX_LONG, SANDBOX_SIZE };

/* Every option. A number must be finite, from 0 (no limit) to max, and whole unless it
 * is a time: strtod alone takes "nan", "inf" and "1e300", which would set no limit or
 * overflow the field. */
static const struct sandbox_optdef {
    const char *name;
    enum sandbox_kind kind;
    unsigned flag;              /* SANDBOX_FLAG: enum sbx_flags (0: --quiet) */
    size_t off;                 /* SANDBOX_NUM: the field of struct sbx_limits ... */
    enum sandbox_type type;     /* ... its type ... */
    double max;                 /* ... and the largest value taken */
    const char *unit;
} sandbox_optdefs[] = {
    { "--time", SANDBOX_NUM, 0, offsetof(struct sbx_limits, cpu_sec), SANDBOX_DOUBLE, 86400, "seconds" },
    { "--wall", SANDBOX_NUM, 0, offsetof(struct sbx_limits, wall_sec), SANDBOX_DOUBLE, 86400, "seconds" },
    { "--idle", SANDBOX_NUM, 0, offsetof(struct sbx_limits, idle_sec), SANDBOX_DOUBLE, 86400, "seconds" },
    { "--mem", SANDBOX_NUM, 0, offsetof(struct sbx_limits, mem_mb), SANDBOX_LONG, 1 << 20, "MB" },
    { "--procs", SANDBOX_NUM, 0, offsetof(struct sbx_limits, procs), SANDBOX_LONG, 1 << 20, "processes" },
    { "--output", SANDBOX_NUM, 0, offsetof(struct sbx_limits, output_bytes), SANDBOX_SIZE, 1 << 30, "bytes" },
    { "--fsize", SANDBOX_NUM, 0, offsetof(struct sbx_limits, fsize_mb), SANDBOX_LONG, 1 << 20, "MB" },
    { "--nofile", SANDBOX_NUM, 0, offsetof(struct sbx_limits, nofile), SANDBOX_LONG, 1 << 20, "descriptors" },
    { "--tmpfs", SANDBOX_NUM, 0, offsetof(struct sbx_limits, tmpfs_mb), SANDBOX_LONG, 1 << 20, "MB" },
    { "--inodes", SANDBOX_NUM, 0, offsetof(struct sbx_limits, tmpfs_inodes), SANDBOX_LONG, 1 << 30, "files" },
    { "--net", SANDBOX_NET, 0, 0, 0, 0, NULL },
    { "--bind", SANDBOX_BIND, 0, 0, 0, 0, NULL },
    { "--box", SANDBOX_BOX, 0, 0, 0, 0, NULL },
    { "--companion", SANDBOX_COMPANION, 0, 0, 0, 0, NULL },
    { "--no-userns", SANDBOX_FLAG, SBX_NO_USERNS, 0, 0, 0, NULL },
    { "--no-cgroup", SANDBOX_FLAG, SBX_NO_CGROUP, 0, 0, 0, NULL },
    { "--sanitized", SANDBOX_FLAG, SBX_SANITIZED, 0, 0, 0, NULL },
    { "--quiet", SANDBOX_FLAG, 0, 0, 0, 0, NULL },
};

/* Sets the limit d->off from text v. Returns 0, or -1 after saying what is wrong. */
static int sandbox_num(struct sbx_limits *l, const struct sandbox_optdef *d, const char *v)
{
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    int bad = end == v || *end != '\0' || errno != 0 || !isfinite(x) || x < 0 || x > d->max;
    if (!bad && d->type != SANDBOX_DOUBLE && x != (double)(long)x)
        bad = 1;        /* not whole (x is in range: the cast is defined) */
    if (bad) {
        fprintf(stderr, "stacklab sandbox: %s %s: not a %snumber of %s from 0 to %.0f "
                "(0: no limit)\n", d->name, v, d->type == SANDBOX_DOUBLE ? "" : "whole ",
                d->unit, d->max);
        return -1;
    }
    char *field = (char *)l + d->off;
    if (d->type == SANDBOX_DOUBLE)
        *(double *)(void *)field = x;
    else if (d->type == SANDBOX_LONG)
        *(long *)(void *)field = (long)x;
    else
        *(size_t *)(void *)field = (size_t)x;
    return 0;
}

/* Parses one option at argv[*i]; returns 0, or -1 on bad usage. */
static int sandbox_opt(struct sandbox_opts *o, int argc, char **argv, int *i)
{
    const struct sandbox_optdef *d = NULL;
    for (size_t k = 0; k < sizeof sandbox_optdefs / sizeof sandbox_optdefs[0]; k++)
        if (strcmp(argv[*i], sandbox_optdefs[k].name) == 0)
            d = &sandbox_optdefs[k];
    if (d == NULL)
        return -1;
    if (d->kind == SANDBOX_FLAG) {
        o->cfg.flags |= d->flag;
        o->quiet |= d->flag == 0;
        return 0;
    }
    if (*i + 1 >= argc)
        return -1;
    const char *v = argv[++*i];
    switch (d->kind) {
    case SANDBOX_NUM:
        return sandbox_num(&o->cfg.lim, d, v);
    case SANDBOX_NET:
        if (strcmp(v, "none") != 0 && strcmp(v, "lo") != 0)
            return -1;
        o->cfg.net = strcmp(v, "lo") == 0 ? SBX_NET_LOOPBACK : SBX_NET_NONE;
        return 0;
    case SANDBOX_BIND:
        return sandbox_bind(o, v);
    case SANDBOX_BOX:
        o->box = v;
        return 0;
    default:
        o->companion = v;
        return 0;
    }
}

/* Every field of r, each line starting with prefix ("" for the program, "companion "). */
static void sandbox_print(const char *p, const struct sbx_result *r)
{
    printf("%sverdict: %s\n%sdetail: %s\n%sexit: %d\n%ssignal: %d\n%scpu: %.3f\n%swall: %.3f\n"
           "%speak_mem_kb: %ld\n%sout_bytes: %zu%s\n%serr_bytes: %zu%s\n%slayers: %s\n"
           "%smissing: %s\n%sleak_check: %s\n%ssurvivors: %d\n",
           p, sbx_verdict_name(r->verdict), p, r->detail, p, r->exit_code, p, r->signal, p,
           r->cpu_sec, p, r->wall_sec, p, r->peak_mem_kb, p, r->out_bytes,
           r->out_truncated ? " (truncated)" : "", p, r->err_bytes,
           r->err_truncated ? " (truncated)" : "", p, r->layers, p,
           r->missing[0] ? r->missing : "-", p, r->leak_check ? "on" : "off", p, r->survivors);
}

static void sandbox_dump(const char *name, const char *s)
{
    if (s == NULL || *s == '\0')
        return;
    size_t n = strlen(s);
    printf("--- %s ---\n%s%s", name, s, s[n - 1] == '\n' ? "" : "\n");
}

/* A fresh private folder under TMPDIR named NAME.XXXXXX; NULL after saying why. */
static char *sandbox_mkdir(const char *name)
{
    const char *tmp = getenv("TMPDIR");
    char *made = NULL;
    if (asprintf(&made, "%s/%s.XXXXXX", tmp && *tmp ? tmp : "/tmp", name) < 0)
        return NULL;
    if (mkdtemp(made) == NULL) {
        fprintf(stderr, "stacklab sandbox: cannot make a folder %s: %s\n", made, strerror(errno));
        free(made);
        return NULL;
    }
    return made;
}

/* Runs the program alone, or beside `--companion CMD` (the pair the grader runs: CMD by
 * /bin/sh in a folder of its own, descriptors 3 and 4 joining the two). */
static int sandbox_run(struct sandbox_opts *o, struct sbx_result *r, struct sbx_result *cr,
                       char **cause)
{
    if (o->companion == NULL)
        return sbx_run(&o->cfg, r, cause);
    char *cdir = sandbox_mkdir("stacklab-companion");
    if (cdir == NULL) {
        *cause = strdup("no folder for the companion");
        return -1;
    }
    char *cargv[] = { "/bin/sh", "-c", (char *)o->companion, NULL };
    struct sbx_config c;
    sbx_config_init(&c);
    c.argv = cargv;
    c.workdir = cdir;
    c.lim.wall_sec = o->cfg.lim.wall_sec > 0 ? o->cfg.lim.wall_sec + 5 : 0;
    c.lim.cpu_sec = c.lim.wall_sec;
    c.flags = o->cfg.flags & (SBX_NO_USERNS | SBX_NO_CGROUP);
    int rc = sbx_run_pair(&o->cfg, &c, r, cr, cause);
    util_rmtree(cdir);
    free(cdir);
    return rc;
}

static int cmd_sandbox_exec(struct cmd_ctx *ctx)
{
    int argc = ctx->argc;
    char **argv = ctx->argv;
    extern const struct cmd_entry cmd_sandbox_entry;
    struct sandbox_opts o;
    memset(&o, 0, sizeof o);
    sbx_config_init(&o.cfg);
    int i = 1;
    for (; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (sandbox_opt(&o, argc, argv, &i) < 0)
            return cmd_usage(&cmd_sandbox_entry);
    if (i + 1 >= argc)
        return cmd_usage(&cmd_sandbox_entry);
    o.cfg.argv = argv + i + 1;
    o.cfg.binds = o.binds;
    /* The box is a folder made for it: a fresh private one, or the caller's --box.
     * Never the current folder, which as root would be handed to the box's uid. */
    char *made = NULL, *boxdir = NULL;
    if (o.box != NULL) {
        boxdir = realpath(o.box, NULL);
        if (boxdir == NULL) {
            fprintf(stderr, "stacklab sandbox: --box %s: %s\n", o.box, strerror(errno));
            return EXIT_USAGE;
        }
    } else {
        if ((made = sandbox_mkdir("stacklab-box")) == NULL)
            return EXIT_INTERNAL;
        boxdir = strdup(made);
    }
    o.cfg.workdir = boxdir;
    struct sbx_result r, cr;
    char *cause = NULL;
    memset(&cr, 0, sizeof cr);
    int rc = sandbox_run(&o, &r, &cr, &cause);
    for (size_t k = 0; k < o.cfg.nbinds; k++)
        free(o.bind_store[k]);
    if (made != NULL) {
        util_rmtree(made);
        free(made);
    }
    free(boxdir);
    if (rc < 0) {
        fprintf(stderr, "stacklab sandbox: %s\n", cause ? cause : "cannot run");
        free(cause);
        return EXIT_INTERNAL;
    }
    if (!o.quiet) {
        sandbox_dump("stdout", r.out);
        sandbox_dump("stderr", r.err);
    }
    sandbox_print("", &r);
    if (o.companion != NULL) {
        if (!o.quiet) {
            sandbox_dump("companion stdout", cr.out);
            sandbox_dump("companion stderr", cr.err);
        }
        sandbox_print("companion ", &cr);
    }
    int ok = r.verdict == SBX_OK && (o.companion == NULL || cr.verdict == SBX_OK);
    sbx_result_free(&r);
    sbx_result_free(&cr);
    return ok ? EXIT_OK : EXIT_FAILED;
}

const struct cmd_entry cmd_sandbox_entry = {
    .name = "sandbox",
    .usage = "[--time S] [--wall S] [--idle S] [--mem MB] [--procs N] [--output B] [--fsize MB] "
    "[--nofile N] [--tmpfs MB] [--inodes N] [--net none|lo] [--no-userns] [--no-cgroup] [--sanitized] [--quiet] "
    "[--bind HOST[:INSIDE]] [--box DIR] [--companion CMD] -- PROG ARGS",
    .summary = "run a command in the sandbox and print the verdict (the box is a fresh private folder, "
    "or DIR, which must be yours alone; --companion runs CMD beside it as the grader runs a "
    "checker)",
    .parse = cmd_parse_own, .exec = cmd_sandbox_exec,
};
