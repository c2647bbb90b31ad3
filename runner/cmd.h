/* cmd.h -- the command table: one struct cmd_entry per command, each defined in its own
 * cmd-NAME.c. `stacklab --help` and dispatch both come from cmd_table[]. */
#ifndef STACKLAB_CMD_H
#define STACKLAB_CMD_H

#include <stddef.h>

#include "exitcode.h"


struct workspace;
struct lab;

/* What a command needs before it runs; cmd_run provides it and releases it after. */
enum cmd_needs {
    CMD_WORKSPACE = 1 << 0,     /* the workspace (the current folder's, or the default) */
    CMD_LAB = 1 << 1            /* also a lab: the LAB argument, else the current lab */
};

/* One run of a command. */
struct cmd_ctx {
    int argc;
    char **argv;                /* argv[0] is the command's name */
    const char *lab_arg;        /* the LAB argument (set by parse), or NULL */
    void *opts;                 /* the command's options: opts_size zeroed bytes */
    struct workspace *ws;       /* CMD_WORKSPACE: open during exec; not the command's */
    const struct lab *lab;      /* CMD_LAB: the lab; the workspace's */
};

struct cmd_entry {
    const char *name;
    const char *usage;          /* arguments, e.g. "[LAB]" */
    const char *summary;        /* one line for --help */
    unsigned needs;             /* enum cmd_needs */
    size_t opts_size;           /* bytes of ctx->opts */
    /* Reads the arguments into ctx (lab_arg, opts). Returns 0, or -1 for bad usage (the
     * usage line is printed then), or an exit code above 0 after printing why. NULL:
     * the command takes no options and at most one argument, its LAB. */
    int (*parse)(struct cmd_ctx *ctx);
    int (*exec)(struct cmd_ctx *ctx);   /* returns the exit code */
};

extern const struct cmd_entry *const cmd_table[];

/* Parsers for entries: no argument at all; exactly one argument, the LAB. */
int cmd_parse_none(struct cmd_ctx *ctx);
int cmd_parse_one_lab(struct cmd_ctx *ctx);
/* For commands that open nothing and read ctx->argv themselves in exec. */
int cmd_parse_own(struct cmd_ctx *ctx);

/* Runs e with argv (argv[0] its name): parses, opens what it needs (a failure is printed
 * as "stacklab: why" with its exit code), runs it, closes. Returns the exit code. */
int cmd_run(const struct cmd_entry *e, int argc, char **argv);

/* Prints "usage: stacklab NAME USAGE" to stderr and returns EXIT_USAGE. */
int cmd_usage(const struct cmd_entry *e);

#endif
