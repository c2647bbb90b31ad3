/* cmd-doctor.c -- `stacklab doctor`: lists every sandbox layer as on or off on this
 * machine, with the reason and, for a layer that is off, what to do about it, so a
 * missing protection is never silent. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "remedy.h"
#include "sandbox.h"

/* Prints the probe's report (lines "NAME       on|off[: why]"), each line that is off
 * followed by its fix, indented under the reason. */
static void cmd_doctor_print(const char *report)
{
    struct remedy_facts f;
    remedy_facts_read(&f);
    f.userns_on = strstr(report, "\nuserns     on") != NULL;
    for (const char *l = report; *l != '\0'; ) {
        size_t n = strcspn(l, "\n");
        char line[1024], name[32];
        snprintf(line, sizeof line, "%.*s", (int)n, l);
        printf("%s\n", line);
        const char *state = line + strcspn(line, " ");
        snprintf(name, sizeof name, "%.*s", (int)(state - line), line);
        state += strspn(state, " ");
        char *fix = strncmp(state, "off", 3) == 0
            ? remedy_for(name, state[3] == ':' ? state + 5 : "", &f) : NULL;
        for (char *p = fix, *end; p != NULL && *p != '\0'; p = *end ? end + 1 : end) {
            end = p + strcspn(p, "\n");
            printf("%-10s %s%.*s\n", "", p == fix ? "fix: " : "     ", (int)(end - p), p);
        }
        free(fix);
        l += n + (l[n] == '\n');
    }
}

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
    printf("sandbox layers on this machine (%d on):\n", n);
    cmd_doctor_print(buf);
    return EXIT_OK;
}

const struct cmd_entry cmd_doctor_entry = {
    .name = "doctor", .usage = "[--no-userns] [--no-cgroup]",
    .summary = "list the sandbox's protection layers, on or off, with the reason and the fix",
    .parse = cmd_parse_own, .exec = cmd_doctor_exec,
};
