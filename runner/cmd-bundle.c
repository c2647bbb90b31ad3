/* cmd-bundle.c -- `stacklab bundle --course DIR --upto N --out FILE.tar.gz`: for
 * instructors (and tests): writes the learner bundle of a learner whose current lab is N
 * (bundle.h), the bytes the class server hands that learner. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "cmd.h"
#include "course.h"
#include "util.h"

struct bundle_opts {
    const char *course;         /* --course DIR, or NULL: the course stacklab finds */
    const char *out;            /* --out FILE */
    int upto;                   /* --upto N */
};

/* --course DIR --upto N --out FILE, in any order, each once. */
static int cmd_bundle_parse(struct cmd_ctx *ctx)
{
    struct bundle_opts *o = ctx->opts;
    for (int i = 1; i < ctx->argc; i++) {
        const char *a = ctx->argv[i], *v = i + 1 < ctx->argc ? ctx->argv[i + 1] : NULL;
        if (v == NULL)
            return -1;
        i++;
        if (strcmp(a, "--course") == 0 && o->course == NULL) {
            o->course = v;
        } else if (strcmp(a, "--out") == 0 && o->out == NULL) {
            o->out = v;
        } else if (strcmp(a, "--upto") == 0 && o->upto == 0) {
            char *end;
            errno = 0;
            long n = strtol(v, &end, 10);
            if (end == v || *end != '\0' || errno != 0 || n < 1 || n > BUNDLE_UPTO_MAX) {
                fprintf(stderr, "stacklab bundle: --upto takes the learner's current lab, a "
                        "number from 1 to %d, not '%s'\n", BUNDLE_UPTO_MAX, v);
                return EXIT_USAGE;
            }
            o->upto = (int)n;
        } else {
            return -1;
        }
    }
    return o->out != NULL && o->upto > 0 ? 0 : -1;
}

static int cmd_bundle_exec(struct cmd_ctx *ctx)
{
    const struct bundle_opts *o = ctx->opts;
    char *cause = NULL, *errors = NULL;
    char *root = o->course != NULL ? xstrdup(o->course) : course_locate(&cause);
    struct course *c = root != NULL ? course_load(root, &errors) : NULL;
    int code = EXIT_USAGE;
    if (root == NULL) {
        fprintf(stderr, "stacklab bundle: %s\n", cause);
    } else if (c == NULL) {
        fprintf(stderr, "stacklab bundle: the course has problems:\n%s", errors);
    } else if (bundle_write_file(c, o->upto, o->out, &cause) < 0) {
        fprintf(stderr, "stacklab bundle: %s\n", cause);
    } else {
        printf("wrote %s: the learner bundle up to lab %02d of %s\n", o->out, o->upto,
               c->root);
        code = EXIT_OK;
    }
    course_free(c);
    free(errors), free(cause), free(root);
    return code;
}

const struct cmd_entry cmd_bundle_entry = {
    .name = "bundle", .usage = "[--course DIR] --upto N --out FILE.tar.gz",
    .summary = "write the learner bundle (no checkers, references or exams) of a learner "
               "at lab N (for instructors)",
    .opts_size = sizeof(struct bundle_opts), .parse = cmd_bundle_parse,
    .exec = cmd_bundle_exec,
};
