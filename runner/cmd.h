/* cmd.h -- the command table: one struct cmd_entry per command, each defined in its own
 * cmd-NAME.c. `stacklab --help` and dispatch both come from cmd_table[]. */
#ifndef STACKLAB_CMD_H
#define STACKLAB_CMD_H

/* Exit codes, documented in --help. */
enum {
    EXIT_OK = 0,        /* all good */
    EXIT_FAILED = 1,    /* a check (or exam) failed */
    EXIT_USAGE = 2,     /* bad usage or bad input (course files, arguments) */
    EXIT_INTERNAL = 3,  /* internal error */
    EXIT_OPEN = 4       /* an exam sitting was left open: nothing submitted */
};

struct cmd_entry {
    const char *name;
    const char *usage;      /* arguments, e.g. "[LAB]" */
    const char *summary;    /* one line for --help */
    int (*exec)(int argc, char **argv); /* argv[0] is the command name; returns an exit code */
};

extern const struct cmd_entry *const cmd_table[];

/* Prints "stacklab NAME: usage: stacklab NAME USAGE" to stderr and returns EXIT_USAGE. */
int cmd_usage(const struct cmd_entry *e);

#endif
