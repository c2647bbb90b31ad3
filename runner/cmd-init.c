/* cmd-init.c -- `stacklab init DIR`: creates a workspace (progress store, starter code,
 * public tests, Makefile) in DIR and records it as the default for commands run outside
 * any workspace; then starts building the first lab's checker in the background. */
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "course.h"
#include "grader.h"
#include "workspace.h"

static int cmd_init_exec(struct cmd_ctx *ctx);

const struct cmd_entry cmd_init_entry = {
    .name = "init", .usage = "DIR",
    .summary = "create a workspace in DIR (your code and progress live there)",
    .parse = cmd_parse_own, .exec = cmd_init_exec,
};

static int cmd_init_exec(struct cmd_ctx *ctx)
{
    int argc = ctx->argc;
    char **argv = ctx->argv;
    if (argc != 2 || argv[1][0] == '-')
        return cmd_usage(&cmd_init_entry);
    char *cause = NULL;
    char *root = course_locate(&cause);
    if (root == NULL) {
        fprintf(stderr, "stacklab init: %s\n", cause);
        free(cause);
        return EXIT_USAGE;
    }
    char *errors = NULL;
    struct course *c = course_load(root, &errors);
    free(root);
    if (c == NULL) {
        fprintf(stderr, "stacklab init: the course has problems:\n%s", errors);
        free(errors);
        return EXIT_USAGE;
    }
    int rc = workspace_create(argv[1], c, &cause);
    if (rc < 0) {
        fprintf(stderr, "stacklab init: %s\n", cause);
        free(cause);
        course_free(c);
        return EXIT_USAGE;
    }
    if (workspace_remember(argv[1], &cause) < 0) {
        fprintf(stderr, "stacklab init: warning: commands run outside %s will not use it "
                        "(%s)\n", argv[1], cause);
        free(cause);
    }
    printf("Created a workspace in %s (commands run outside a workspace use it too)\n\n"
           "  cd %s\n"
           "  stacklab list          the course map\n"
           "  stacklab lesson 1      read the first lesson\n"
           "  stacklab %s        grade the current lab\n",
           argv[1], argv[1], c->bundle_upto > 0 ? "submit" : "check ");
    /* The first check would build lab 1's checker and compile the starter code: start
     * both now, while the learner reads. */
    struct workspace w = { .root = realpath(argv[1], NULL), .course = c };
    if (w.root != NULL && c->nlabs > 0 && c->bundle_upto == 0    /* a bundle has no checker */
        && grader_warm_start(&w, &c->labs[0]) == 1)
        printf("\n(lab %s's checker is being built in the background, so that your first "
               "check is quick)\n", c->labs[0].id);
    free(w.root);
    course_free(c);
    return EXIT_OK;
}
