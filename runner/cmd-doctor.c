/* cmd-doctor.c -- `stacklab doctor`: lists every sandbox layer as on or off on this
 * machine, with the reason, so a missing protection is never silent. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "sandbox.h"

static int cmd_doctor_exec(struct cmd_ctx *ctx)
{
    int argc = ctx->argc;
    char **argv = ctx->argv;
    extern const struct cmd_entry cmd_doctor_entry;
    unsigned flags = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--no-userns") == 0)
            flags |= SBX_NO_USERNS;
        else if (strcmp(argv[i], "--no-cgroup") == 0)
            flags |= SBX_NO_CGROUP;
        else
            return cmd_usage(&cmd_doctor_entry);
    }
    char buf[4096];
    int n = sbx_probe(buf, sizeof buf, flags);
    printf("sandbox layers on this machine (%d on):\n%s", n, buf);
    return EXIT_OK;
}

const struct cmd_entry cmd_doctor_entry = {
    .name = "doctor", .usage = "[--no-userns] [--no-cgroup]",
    .summary = "list the sandbox's protection layers, on or off, with the reason",
    .parse = cmd_parse_own, .exec = cmd_doctor_exec,
};
