/* kegspec.h -- the words of the field specs that the keg labs building models at run time
 * (14 and 18) send: a kind by its word, a flag by its letter. The checkers write specs
 * with them and the drivers read them back into keg_field descriptors, so both sides
 * spell a field alike. What else a spec holds differs by lab (lab 14: choices and
 * members of one generic struct; lab 18: PROTECT, related_name, defaults with spaces),
 * so each lab's ops.h keeps its own reader. A track kit header (docs/course-format.md):
 * it reaches the box and the checker of every keg lab. Prefix: kegspec_. */
#ifndef STACKLAB_KEGSPEC_H
#define STACKLAB_KEGSPEC_H

#include <string.h>

#include "keg.h"

/* The kinds a spec names, in the order of enum keg_kind (KEG_AUTO .. KEG_FK). */
static const struct { const char *word; enum keg_kind kind; } kegspec_kinds[] = {
    { "auto", KEG_AUTO }, { "integer", KEG_INTEGER }, { "bool", KEG_BOOL },
    { "char", KEG_CHAR }, { "text", KEG_TEXTFIELD }, { "datetime", KEG_DATETIME },
    { "fk", KEG_FK },
};

/* The flags a spec's letters stand for. */
static const struct { char letter; unsigned flag; } kegspec_flags[] = {
    { 'n', KEG_NULLABLE }, { 'b', KEG_BLANK }, { 'u', KEG_UNIQUE }, { 'd', KEG_DEFAULT },
};

/* The kind named `word`; (enum keg_kind)0 when no kind has that name. */
static inline enum keg_kind kegspec_kind(const char *word)
{
    enum keg_kind kind = (enum keg_kind)0;
    for (size_t k = 0; k < sizeof kegspec_kinds / sizeof kegspec_kinds[0]; k++)
        if (strcmp(word, kegspec_kinds[k].word) == 0)
            kind = kegspec_kinds[k].kind;
    return kind;
}

/* The flags of the letters in `letters` (others, such as a lab's own, are ignored). */
static inline unsigned kegspec_flags_of(const char *letters)
{
    unsigned flags = 0;
    for (size_t k = 0; k < sizeof kegspec_flags / sizeof kegspec_flags[0]; k++)
        if (strchr(letters, kegspec_flags[k].letter) != NULL)
            flags |= kegspec_flags[k].flag;
    return flags;
}

/* The word of `kind` (KEG_AUTO .. KEG_FK); "?" for another. */
static inline const char *kegspec_word(int kind)
{
    return kind >= 0 && (size_t)kind < sizeof kegspec_kinds / sizeof kegspec_kinds[0]
           ? kegspec_kinds[kind].word : "?";
}

#endif
