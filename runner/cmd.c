/* cmd.c -- the command table. Each entry is defined in its own cmd-NAME.c; --help and
 * dispatch both walk this table, so adding a command is one file and one line here. */
#include <stdio.h>

#include "cmd.h"

extern const struct cmd_entry cmd_list_entry, cmd_lesson_entry, cmd_status_entry,
    cmd_init_entry, cmd_validate_entry, cmd_check_entry, cmd_test_entry, cmd_hint_entry,
    cmd_next_entry, cmd_reset_entry, cmd_solution_entry, cmd_update_entry,
    cmd_watch_entry, cmd_sandbox_entry, cmd_doctor_entry;
extern const struct cmd_entry cmd_exam_entry;

const struct cmd_entry *const cmd_table[] = {
    &cmd_list_entry,
    &cmd_lesson_entry,
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
    NULL
};

int cmd_usage(const struct cmd_entry *e)
{
    fprintf(stderr, "usage: stacklab %s %s\n", e->name, e->usage);
    return EXIT_USAGE;
}
