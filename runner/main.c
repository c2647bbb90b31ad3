/* main.c -- entry of the stacklab program: global options, then dispatch through
 * cmd_table[]. With no command it opens the full-screen course on a terminal, and prints
 * the course map otherwise. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sandbox.h"
#include "cmd.h"
#include "tui.h"
#include "workspace.h"

/* Columns of the help text, and where a command's summary starts. */
#define MAIN_HELP_WIDTH 88
#define MAIN_HELP_COL 29

/* Prints text's words from column col (already reached), breaking lines before
 * MAIN_HELP_WIDTH and starting each next line at column indent; ends the line. */
static void main_wrap(FILE *f, const char *text, int col, int indent)
{
    const char *w = text;
    int first = 1;
    while (*w != '\0') {
        int n = (int)strcspn(w, " ");
        if (!first && col + 1 + n > MAIN_HELP_WIDTH) {
            fprintf(f, "\n%*s", indent, "");
            col = indent;
        } else if (!first) {
            fputc(' ', f);
            col++;
        }
        fprintf(f, "%.*s", n, w);
        col += n;
        first = 0;
        w += n;
        w += strspn(w, " ");
    }
    fputc('\n', f);
}

static void main_help(FILE *f)
{
    fprintf(f, "stacklab %s -- learn web frameworks by building them in C\n\n"
               "usage: stacklab [COMMAND [ARGS...]]\n\ncommands:\n", STACKLAB_VERSION);
    for (const struct cmd_entry *const *e = cmd_table; *e != NULL; e++) {
        int n = (int)(strlen((*e)->name) + 1 + strlen((*e)->usage));
        fprintf(f, "  %s ", (*e)->name);
        if (n <= MAIN_HELP_COL - 3) {     /* the summary fits beside it */
            fprintf(f, "%s%*s", (*e)->usage, MAIN_HELP_COL - 2 - n, "");
            main_wrap(f, (*e)->summary, MAIN_HELP_COL, MAIN_HELP_COL);
            continue;
        }
        main_wrap(f, (*e)->usage, (int)strlen((*e)->name) + 3, 6);
        fprintf(f, "%*s", MAIN_HELP_COL, "");
        main_wrap(f, (*e)->summary, MAIN_HELP_COL, MAIN_HELP_COL);
    }
    fprintf(f, "\n  --help, -h                 this text\n"
               "  --version                  the program's version\n\n"
               "With no command, stacklab opens the course: full screen on a terminal,\n"
               "the course map as plain text otherwise.\n\n"
               "environment:\n"
               "  STACKLAB_HOME    the workspace outside any workspace (else the last\n"
               "                   'stacklab init', else ~/stacklab-work)\n"
               "  XDG_CONFIG_HOME  where the last 'stacklab init' is kept (~/.config)\n"
               "  STACKLAB_COURSE  the course folder to use (else, after 'stacklab login',\n"
               "                   the class's course, else the built-in one)\n"
               "  XDG_DATA_HOME    where a class's course is kept (~/.local/share)\n"
               "  NO_COLOR         plain output, no colours or escape codes\n\n"
               "exit codes:\n"
               "  0  ok\n"
               "  1  a check (or exam) failed\n"
               "  2  bad usage or bad input (arguments, course files)\n"
               "  3  internal error\n"
               "  4  an exam sitting was left open (nothing submitted; run it again)\n");
}

static const struct cmd_entry *main_find(const char *name)
{
    for (const struct cmd_entry *const *e = cmd_table; *e != NULL; e++)
        if (strcmp((*e)->name, name) == 0)
            return *e;
    return NULL;
}

int main(int argc, char **argv)
{
    sbx_process_init();
    if (argc < 2 && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)
        && getenv("STACKLAB_PLAIN") == NULL) {
        char *cause = NULL;
        int user_fault = 0;
        struct workspace *ws = workspace_open(&cause, &user_fault);
        if (ws == NULL) {
            fprintf(stderr, "stacklab: %s\n", cause);
            free(cause);
            return exit_for_fault(user_fault);
        }
        int rc = tui_run(ws);
        workspace_close(ws);
        return rc;
    }
    if (argc < 2) {
        char *args[] = { "list", NULL };
        return cmd_run(main_find("list"), 1, args);
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0
        || strcmp(argv[1], "help") == 0) {
        main_help(stdout);
        return EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
        printf("stacklab %s\n", STACKLAB_VERSION);
        return EXIT_OK;
    }
    const struct cmd_entry *e = main_find(argv[1]);
    if (e == NULL) {
        fprintf(stderr, "stacklab: unknown command '%s' (see stacklab --help)\n", argv[1]);
        return EXIT_USAGE;
    }
    return cmd_run(e, argc - 1, argv + 1);
}
