/* cmd-hint.c -- `stacklab hint [LAB]`: reveals the next `### Hint N` section of a lab's
 * instructions, remembering how many were shown, and shows all revealed so far. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "grader.h"
#include "util.h"
#include "workspace.h"

extern const struct cmd_entry cmd_hint_entry;

/* Start of the text of hint n (1-based) in body and its length, or NULL. A hint runs
 * from its heading to the next heading of level 1-3. */
static const char *cmd_hint_find(const char *body, int n, size_t *len)
{
    int seen = 0;
    for (const char *p = body; p != NULL && *p != '\0';) {
        const char *nl = strchr(p, '\n');
        if (strncmp(p, "### Hint", 8) == 0 && ++seen == n) {
            const char *start = nl ? nl + 1 : p + strlen(p);
            const char *q = start;
            while (*q != '\0' && !(q[0] == '#' && (q == start || q[-1] == '\n')
                                   && (q[1] == ' ' || (q[1] == '#' && (q[2] == ' '
                                       || (q[2] == '#' && q[3] == ' '))))))
                q++;
            *len = (size_t)(q - start);
            return start;
        }
        p = nl ? nl + 1 : NULL;
    }
    return NULL;
}

/* Prints hint n, without trailing blank lines. */
static void cmd_hint_print(const char *body, int n, int total)
{
    size_t len = 0;
    const char *h = cmd_hint_find(body, n, &len);
    while (h != NULL && len > 0 && (h[len - 1] == '\n' || h[len - 1] == ' '))
        len--;
    while (h != NULL && len > 0 && *h == '\n')
        h++, len--;
    printf("Hint %d of %d:\n%.*s\n\n", n, total, (int)len, h ? h : "");
}

static int cmd_hint_exec(int argc, char **argv)
{
    if (argc > 2 || (argc == 2 && argv[1][0] == '-'))
        return cmd_usage(&cmd_hint_entry);
    char *cause = NULL;
    int code = EXIT_INTERNAL;
    struct workspace *ws = workspace_open(&cause, &code);
    if (ws == NULL) {
        fprintf(stderr, "stacklab: %s\n", cause);
        free(cause);
        return code;
    }
    const struct lab *lab = grader_pick_lab(ws, argc == 2 ? argv[1] : NULL, &cause);
    char *body = lab ? course_read_body(lab->path, &cause) : NULL;
    if (body == NULL) {
        fprintf(stderr, "stacklab: %s\n", cause);
        free(cause);
        workspace_close(ws);
        return lab == NULL ? EXIT_USAGE : EXIT_INTERNAL;
    }
    int before = store_hints_shown(ws->store, lab->id);
    int shown = before < lab->nhints ? store_hint_reveal(ws->store, lab->id, lab->nhints)
                                     : before;
    code = EXIT_OK;
    if (shown < 0) {
        fprintf(stderr, "stacklab: hints could not be stored: %s\n", store_errmsg(ws->store));
        code = EXIT_INTERNAL;
    } else {
        printf("lab %s: %s\n\n", lab->id, lab->title);
        for (int i = 1; i <= shown; i++)
            cmd_hint_print(body, i, lab->nhints);
        if (shown >= lab->nhints && before >= lab->nhints)
            printf("That was the last hint of lab %s.\n", lab->id);
        else if (shown < lab->nhints)
            printf("(%d of %d hints shown; stacklab hint shows the next)\n", shown,
                   lab->nhints);
    }
    free(body);
    workspace_close(ws);
    return code;
}

const struct cmd_entry cmd_hint_entry = {
    "hint", "[LAB]", "show the next hint for a lab (remembered)", cmd_hint_exec
};
