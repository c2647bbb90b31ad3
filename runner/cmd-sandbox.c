/* cmd-sandbox.c -- `stacklab sandbox`: runs one command in the sandbox with the given
 * limits and prints the verdict and every field of the result (a debugging aid and the
 * handle the sandbox tests drive). Exit 0 when the verdict is OK, else 1. */
#include <errno.h>
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
};

static int sandbox_num(const char *s, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || v < 0)
        return -1;
    *out = v;
    return 0;
}

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

/* Parses one option at argv[*i]; returns 0, or -1 on bad usage. */
static int sandbox_opt(struct sandbox_opts *o, int argc, char **argv, int *i)
{
    static const struct { const char *name; int kind; } table[] = {
        { "--time", 0 }, { "--wall", 1 }, { "--mem", 2 }, { "--procs", 3 }, { "--net", 4 },
        { "--bind", 5 }, { "--idle", 6 }, { "--output", 7 }, { "--fsize", 8 }, { "--nofile", 9 },
        { "--tmpfs", 14 }, { "--inodes", 15 }, { "--box", 16 },
        { "--no-userns", 10 }, { "--no-cgroup", 11 }, { "--sanitized", 12 }, { "--quiet", 13 },
    };
    const char *a = argv[*i];
    for (size_t k = 0; k < sizeof table / sizeof table[0]; k++) {
        if (strcmp(a, table[k].name) != 0)
            continue;
        int kind = table[k].kind;
        if (kind >= 10 && kind <= 13) {
            unsigned f[] = { SBX_NO_USERNS, SBX_NO_CGROUP, SBX_SANITIZED, 0 };
            o->cfg.flags |= f[kind - 10];
            o->quiet |= kind == 13;
            return 0;
        }
        if (*i + 1 >= argc)
            return -1;
        const char *v = argv[++*i];
        double d = 0;
        if (kind == 4) {
            if (strcmp(v, "none") == 0)
                o->cfg.net = SBX_NET_NONE;
            else if (strcmp(v, "lo") == 0)
                o->cfg.net = SBX_NET_LOOPBACK;
            else
                return -1;
            return 0;
        }
        if (kind == 5)
            return sandbox_bind(o, v);
        if (kind == 16) {
            o->box = v;
            return 0;
        }
        if (sandbox_num(v, &d) < 0)
            return -1;
        struct sbx_limits *l = &o->cfg.lim;
        switch (kind) {
        case 0: l->cpu_sec = d; break;
        case 1: l->wall_sec = d; break;
        case 2: l->mem_mb = (long)d; break;
        case 3: l->procs = (long)d; break;
        case 6: l->idle_sec = d; break;
        case 7: l->output_bytes = (size_t)d; break;
        case 8: l->fsize_mb = (long)d; break;
        case 14: l->tmpfs_mb = (long)d; break;
        case 15: l->tmpfs_inodes = (long)d; break;
        default: l->nofile = (long)d; break;
        }
        return 0;
    }
    return -1;
}

static void sandbox_print(const struct sbx_result *r)
{
    printf("verdict: %s\ndetail: %s\nexit: %d\nsignal: %d\ncpu: %.3f\nwall: %.3f\n"
           "peak_mem_kb: %ld\nout_bytes: %zu%s\nerr_bytes: %zu%s\nlayers: %s\nmissing: %s\n"
           "leak_check: %s\nsurvivors: %d\n",
           sbx_verdict_name(r->verdict), r->detail, r->exit_code, r->signal, r->cpu_sec,
           r->wall_sec, r->peak_mem_kb, r->out_bytes, r->out_truncated ? " (truncated)" : "",
           r->err_bytes, r->err_truncated ? " (truncated)" : "", r->layers,
           r->missing[0] ? r->missing : "-", r->leak_check ? "on" : "off", r->survivors);
}

static void sandbox_dump(const char *name, const char *s)
{
    if (s == NULL || *s == '\0')
        return;
    size_t n = strlen(s);
    printf("--- %s ---\n%s%s", name, s, s[n - 1] == '\n' ? "" : "\n");
}

static int cmd_sandbox_exec(int argc, char **argv)
{
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
        const char *tmp = getenv("TMPDIR");
        if (asprintf(&made, "%s/stacklab-box.XXXXXX", tmp && *tmp ? tmp : "/tmp") < 0)
            return EXIT_INTERNAL;
        if (mkdtemp(made) == NULL) {
            fprintf(stderr, "stacklab sandbox: cannot make a box folder %s: %s\n", made,
                    strerror(errno));
            free(made);
            return EXIT_INTERNAL;
        }
        boxdir = strdup(made);
    }
    o.cfg.workdir = boxdir;
    struct sbx_result r;
    char *cause = NULL;
    int rc = sbx_run(&o.cfg, &r, &cause);
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
    sandbox_print(&r);
    int ok = r.verdict == SBX_OK;
    sbx_result_free(&r);
    return ok ? EXIT_OK : EXIT_FAILED;
}

const struct cmd_entry cmd_sandbox_entry = {
    "sandbox",
    "[--time S] [--wall S] [--idle S] [--mem MB] [--procs N] [--output B] [--fsize MB] "
    "[--nofile N] [--tmpfs MB] [--inodes N] [--net none|lo] [--no-userns] [--no-cgroup] [--sanitized] [--quiet] "
    "[--bind HOST[:INSIDE]] [--box DIR] -- PROG ARGS",
    "run a command in the sandbox and print the verdict (the box is a fresh private folder, "
    "or DIR, which must be yours alone)",
    cmd_sandbox_exec
};
