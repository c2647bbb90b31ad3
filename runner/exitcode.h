/* exitcode.h -- the exit codes of stacklab's commands, documented in --help. Only the
 * commands (cmd-*.c, the grader's and the screens' command functions) pick one; lower
 * layers return -1 with a cause and, where it matters, say whether the failure is the
 * user's (bad input) or not. */
#ifndef STACKLAB_EXITCODE_H
#define STACKLAB_EXITCODE_H

enum {
    EXIT_OK = 0,        /* all good */
    EXIT_FAILED = 1,    /* a check (or exam) failed */
    EXIT_USAGE = 2,     /* bad usage or bad input (course files, arguments) */
    EXIT_INTERNAL = 3,  /* internal error */
    EXIT_OPEN = 4       /* an exam sitting was left open: nothing submitted */
};

/* The exit code of a failure a lower layer reported: EXIT_USAGE when it was the user's
 * (user_fault set), else EXIT_INTERNAL. */
static inline int exit_for_fault(int user_fault)
{
    return user_fault ? EXIT_USAGE : EXIT_INTERNAL;
}

#endif
