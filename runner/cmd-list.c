/* cmd-list.c -- `stacklab list`: the course map, each lesson, lab and exam with its
 * status from the progress store. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "exam.h"
#include "progress.h"
#include "term.h"
#include "workspace.h"

static int cmd_list_exec(int argc, char **argv);

const struct cmd_entry cmd_list_entry = {
    "list", "", "the course map with your progress", cmd_list_exec
};

static const char *cmd_list_colour(enum progress_mark m)
{
    static const char *const c[] = { "bold", "dim", "yellow", "green", "dim" };
    return c[m];
}

static int cmd_list_exec(int argc, char **argv)
{
    (void)argv;
    if (argc != 1)
        return cmd_usage(&cmd_list_entry);
    char *cause = NULL;
    int code;
    struct workspace *ws = workspace_open(&cause, &code);
    if (ws == NULL) {
        fprintf(stderr, "stacklab list: %s\n", cause);
        free(cause);
        return code;
    }
    struct lab *current = workspace_current_lab(ws);
    const char *track = "";
    FILE *f = stdout;
    printf("%sstacklab course map%s  %s(workspace %s)%s\n", term_sgr(f, "bold"),
           term_sgr(f, "reset"), term_sgr(f, "dim"), ws->root, term_sgr(f, "reset"));
    for (size_t i = 0; i < ws->course->norder; i++) {
        const struct course_item *it = &ws->course->order[i];
        const char *t = it->kind == COURSE_LESSON ? it->u.lesson->track
                        : it->kind == COURSE_LAB  ? it->u.lab->track : exam_track(it->u.exam);
        if (strcmp(t, track) != 0) {
            static const struct { const char *id, *name; } names[] = {
                { "intro", "Foundations" }, { "vial", "Micro track: vial (Flask-like)" },
                { "keg", "Full-stack track: keg (Django-like)" }, { "all", "Final" } };
            const char *name = t;
            for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
                if (strcmp(names[k].id, t) == 0)
                    name = names[k].name;
            printf("\n%s%s%s\n", term_sgr(f, "bold"), name, term_sgr(f, "reset"));
            track = t;
        }
        enum progress_mark m = progress_of(ws, it);
        if (it->kind == COURSE_LESSON) {
            const struct lesson *l = it->u.lesson;
            printf("  lesson %s  %-52s %3d min   %s%s%s\n", l->id, l->title, l->minutes,
                   term_sgr(f, cmd_list_colour(m)), progress_name(m), term_sgr(f, "reset"));
        } else if (it->kind == COURSE_LAB) {
            const struct lab *l = it->u.lab;
            printf("  lab    %s  %-52s %3d pts   %s%s%s%s\n", l->id, l->title, l->points,
                   term_sgr(f, cmd_list_colour(m)), progress_name(m), term_sgr(f, "reset"),
                   l == current ? "  <- current" : "");
        } else {
            const struct exam *e = it->u.exam;
            printf("  exam   %-3s %-52s %3d min   %s%s%s\n", "", exam_title(e), e->minutes,
                   term_sgr(f, cmd_list_colour(m)), progress_name(m), term_sgr(f, "reset"));
            printf("         %sstacklab exam %s%s\n", term_sgr(f, "dim"), exam_id(e),
                   term_sgr(f, "reset"));
        }
    }
    printf("\n%sread a lesson: stacklab lesson N   grade a lab: stacklab check [N]%s\n",
           term_sgr(f, "dim"), term_sgr(f, "reset"));
    workspace_close(ws);
    return EXIT_OK;
}
