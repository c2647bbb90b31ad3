/* frontmatter.h -- reads the `---` front matter of a course file into a struct through a
 * table of fields, reporting every problem as "path:line: message". Prefix: fm_. */
#ifndef STACKLAB_FRONTMATTER_H
#define STACKLAB_FRONTMATTER_H

#include <stddef.h>

#include "util.h"

enum fm_type { FM_STRING, FM_ID, FM_INT, FM_NUMBER, FM_LIST };

struct fm_field {
    const char *key;
    enum fm_type type;
    int required;
    size_t offset;          /* where the value goes in the target struct */
    double min, max;        /* FM_INT / FM_NUMBER range */
    size_t line_offset;     /* where the key's line number goes (size_t), or (size_t)-1 */
};

/* Parses the front matter at the start of text into `target` following `fields`.
 * Strings, ids and lists are allocated (caller frees; lists are NULL-ended char arrays).
 * Unset optional fields keep the target's previous value. Appends one line per problem to
 * errors. Returns the number of problems; *body_line gets the first body line (1-based). */
int fm_parse(const char *text, const char *path, const struct fm_field *fields, void *target,
             size_t *body_line, struct sb *errors);

/* Frees a NULL-ended list from FM_LIST. Accepts NULL. */
void fm_list_free(char **list);

#endif
