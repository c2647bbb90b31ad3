/* cmd.c -- the command table. Each entry is defined in its own cmd-NAME.c; --help and
 * dispatch both walk this table, so adding a command is one file and one line here. */
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "grader.h"
#include "util.h"
#include "workspace.h"

extern const struct cmd_entry cmd_list_entry, cmd_lesson_entry, cmd_status_entry,
    cmd_init_entry, cmd_validate_entry, cmd_check_entry, cmd_test_entry, cmd_hint_entry,
    cmd_next_entry, cmd_reset_entry, cmd_solution_entry, cmd_update_entry,
    cmd_watch_entry, cmd_sandbox_entry, cmd_doctor_entry;
extern const struct cmd_entry cmd_exam_entry, cmd_lab_entry;
extern const struct cmd_entry cmd_login_entry, cmd_submit_entry, cmd_serve_entry,
    cmd_worker_entry, cmd_class_entry;
extern const struct cmd_entry cmd_bundle_entry;

const struct cmd_entry *const cmd_table[] = {
    &cmd_list_entry,
    &cmd_lesson_entry,
    &cmd_lab_entry,
    &cmd_status_entry,
    &cmd_init_entry,
    &cmd_check_entry,
    &cmd_test_entry,
    &cmd_hint_entry,
    &cmd_next_entry,
    &cmd_reset_entry,
    &cmd_solution_entry,
    &cmd_update_entry,
    &cmd_watch_entry,
    &cmd_validate_entry,
    &cmd_doctor_entry,
    &cmd_sandbox_entry,
    &cmd_exam_entry,
    &cmd_login_entry,
    &cmd_submit_entry,
    &cmd_serve_entry,
    &cmd_worker_entry,
    &cmd_class_entry,
    &cmd_bundle_entry,
    NULL
};

int cmd_usage(const struct cmd_entry *e)
{
    fprintf(stderr, "usage: stacklab %s %s\n", e->name, e->usage);
    return EXIT_USAGE;
}

/* The default parser: at most one argument, the LAB, and no options. */
static int cmd_parse_lab(struct cmd_ctx *ctx)
{
    if (ctx->argc > 2 || (ctx->argc == 2 && ctx->argv[1][0] == '-'))
        return -1;
    ctx->lab_arg = ctx->argc == 2 ? ctx->argv[1] : NULL;
    return 0;
}

int cmd_parse_none(struct cmd_ctx *ctx)
{
    return ctx->argc == 1 ? 0 : -1;
}

int cmd_parse_own(struct cmd_ctx *ctx)
{
    (void)ctx;
    return 0;
}

int cmd_parse_one_lab(struct cmd_ctx *ctx)
{
    if (ctx->argc != 2 || ctx->argv[1][0] == '-')
        return -1;
    ctx->lab_arg = ctx->argv[1];
    return 0;
}

/* Opens the workspace and picks the lab e needs. Returns 0, or an exit code. */
static int cmd_open(const struct cmd_entry *e, struct cmd_ctx *ctx)
{
    char *cause = NULL;
    int user_fault = 0;
    if ((e->needs & (CMD_WORKSPACE | CMD_LAB)) == 0)
        return 0;
    ctx->ws = workspace_open(&cause, &user_fault);
    if (ctx->ws != NULL && (e->needs & CMD_LAB)
        && (ctx->lab = grader_pick_lab(ctx->ws, ctx->lab_arg, &cause)) == NULL)
        user_fault = 1;
    if (ctx->ws == NULL || ((e->needs & CMD_LAB) && ctx->lab == NULL)) {
        fprintf(stderr, "stacklab: %s\n", cause);
        free(cause);
        return exit_for_fault(user_fault);
    }
    return 0;
}

int cmd_run(const struct cmd_entry *e, int argc, char **argv)
{
    struct cmd_ctx ctx = { .argc = argc, .argv = argv };
    ctx.opts = e->opts_size > 0 ? xcalloc(1, e->opts_size) : NULL;
    int code = e->parse != NULL ? e->parse(&ctx)
               : (e->needs & CMD_LAB) ? cmd_parse_lab(&ctx) : cmd_parse_none(&ctx);
    if (code < 0)
        code = cmd_usage(e);
    if (code == 0)
        code = cmd_open(e, &ctx);
    if (code == 0)
        code = e->exec(&ctx);
    workspace_close(ctx.ws);
    free(ctx.opts);
    return code;
}
