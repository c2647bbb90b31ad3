/* cmd-validate.c -- `stacklab validate [COURSE_DIR]`: for instructors; checks every
 * course file and prints each problem as path:line: message (exit 2 if any). */
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "course.h"
#include "starter.h"

static int cmd_validate_exec(struct cmd_ctx *ctx);

const struct cmd_entry cmd_validate_entry = {
    .name = "validate", .usage = "[COURSE_DIR]",
    .summary = "check every course file (for instructors)",
    .parse = cmd_parse_own, .exec = cmd_validate_exec,
};

static int cmd_validate_exec(struct cmd_ctx *ctx)
{
    int argc = ctx->argc;
    char **argv = ctx->argv;
    if (argc > 2 || (argc == 2 && argv[1][0] == '-'))
        return cmd_usage(&cmd_validate_entry);
    char *cause = NULL;
    char *root = argc == 2 ? NULL : course_locate(&cause);
    if (argc < 2 && root == NULL) {
        fprintf(stderr, "stacklab validate: %s\n", cause);
        free(cause);
        return EXIT_USAGE;
    }
    char *errors = NULL;
    struct course *c = course_load(argc == 2 ? argv[1] : root, &errors);
    free(root);
    if (c == NULL) {
        fputs(errors, stdout);
        free(errors);
        return EXIT_USAGE;
    }
    int problems = starter_validate(c, &errors);
    if (problems > 0) {
        fputs(errors, stdout);
        free(errors);
        course_free(c);
        return EXIT_USAGE;
    }
    printf("course ok: %zu lessons, %zu labs, %zu exams (%s)\n", c->nlessons, c->nlabs,
           c->nexams, c->root);
    course_free(c);
    return EXIT_OK;
}
