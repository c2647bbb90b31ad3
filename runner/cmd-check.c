/* cmd-check.c -- `stacklab check [LAB] [--seed N]`: grades a lab (the current one by
 * default) and every earlier lab with the hidden tests, in the sandbox. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "cmd.h"
#include "grader.h"
#include "util.h"
#include "workspace.h"

/* [LAB] [--seed N] [--only] [--format=text|tap] into ctx (opts: struct grader_opts). */
static int cmd_check_parse(struct cmd_ctx *ctx)
{
    struct grader_opts *o = ctx->opts;
    for (int i = 1; i < ctx->argc; i++) {
        const char *a = ctx->argv[i];
        if (strcmp(a, "--seed") == 0 && i + 1 < ctx->argc) {
            if (util_parse_seed(ctx->argv[++i], &o->seed) < 0) {
                fprintf(stderr, "stacklab check: --seed takes a number from 0 to %llu, not "
                        "'%s'\n", (unsigned long long)UTIL_SEED_MAX, ctx->argv[i]);
                return EXIT_USAGE;
            }
            o->seed_set = 1;
        } else if (strcmp(a, "--only") == 0) {
            o->only = 1;
        } else if (strcmp(a, "--format=tap") == 0 || strcmp(a, "--format=text") == 0) {
            o->tap = a[9] == 't' && a[10] == 'a';
        } else if (a[0] != '-' && ctx->lab_arg == NULL) {
            ctx->lab_arg = a;
        } else {
            return -1;
        }
    }
    return 0;
}

static int cmd_check_exec(struct cmd_ctx *ctx)
{
    int refused = bundle_refuse(ctx->ws->course, "check", "grade with `stacklab submit`");
    if (refused != 0)
        return refused;
    return grader_command(ctx->ws, ctx->lab, ctx->opts, stdout);
}

const struct cmd_entry cmd_check_entry = {
    .name = "check", .usage = "[LAB] [--seed N] [--only] [--format=text|tap]",
    .summary = "grade a lab and the labs before it with the hidden tests (tap: one TAP stream)",
    .needs = CMD_LAB, .opts_size = sizeof(struct grader_opts), .parse = cmd_check_parse,
    .exec = cmd_check_exec,
};
