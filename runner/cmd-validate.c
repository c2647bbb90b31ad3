/* cmd-validate.c -- `stacklab validate [COURSE_DIR]`: for instructors; checks every
 * course file and prints each problem as path:line: message (exit 2 if any). A learner
 * bundle is validated for what it holds and what it must not (exit 2: the rest is not
 * there to validate). */
#include <stdio.h>
#include <stdlib.h>

#include "bundle.h"
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
    if (problems == 0 && c->bundle_upto > 0)
        problems = bundle_validate(c, &errors);
    if (problems > 0) {
        fputs(errors, stdout);
        free(errors);
        course_free(c);
        return EXIT_USAGE;
    }
    int code = EXIT_OK;
    if (c->bundle_upto > 0) {
        /* What is there is fine; what a full course is validated for is not there. */
        printf("bundle ok: %zu lessons, %zu labs, starters up to lab %02d (%s)\n",
               c->nlessons, c->nlabs, c->bundle_upto, c->root);
        fprintf(stderr, "stacklab validate: a class course: its checkers, references and "
                "exams stay on the class server; validate the full course there\n");
        code = EXIT_USAGE;
    } else {
        printf("course ok: %zu lessons, %zu labs, %zu exams (%s)\n", c->nlessons, c->nlabs,
               c->nexams, c->root);
    }
    course_free(c);
    return code;
}
