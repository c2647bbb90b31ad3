/* term.h -- what the output can do: colours only on a terminal without NO_COLOR, the
 * few SGR sequences plain output uses, and learner text made safe to show. Prefix: term_. */
#ifndef STACKLAB_TERM_H
#define STACKLAB_TERM_H

#include <stddef.h>
#include <stdio.h>

struct sb;

/* 1 when f is a terminal and NO_COLOR is unset (or empty): escape codes allowed.
 * STACKLAB_FORCE_COLOR=1 forces colour (output to a pager), NO_COLOR still wins. */
int term_color(FILE *f);
/* The SGR sequence for a style name ("bold", "dim", "red", "green", "yellow", "cyan",
 * "reset", "under"), or "" when colour is off for f. Never NULL. */
const char *term_sgr(FILE *f, const char *style);
/* Columns of the terminal on fd, or 80 when unknown. */
int term_width(int fd);

/* Learner-produced text (program output, compiler messages, names of learner files)
 * made safe for a terminal, the way `cat -v` shows it: newline and tab stay; every other
 * control byte becomes ^ and a letter (ESC ^[, BEL ^G, CR ^M, NUL ^@) and DEL ^?; valid
 * UTF-8 stays, but each byte of an invalid sequence, and of a C1 control (U+0080 to
 * U+009F, which some terminals obey as ESC sequences), becomes \xNN (upper-case hex).
 * The result holds no byte below 0x20 but newline and tab, and escaping it again
 * changes nothing. Escape learner text before adding our own SGR codes around it.
 * term_escape_add appends the n bytes of s (NULs included, as ^@) to out; it never
 * fails. */
void term_escape_add(struct sb *out, const char *s, size_t n);
/* The escaped copy of the string s (caller frees), or NULL when s is NULL. */
char *term_escape_controls(const char *s);
/* The length of the UTF-8 sequence at s (at most n bytes) when it is valid and not a C1
 * control, else 0 (ASCII included: the caller handles bytes below 0x80). */
size_t term_utf8_len(const char *s, size_t n);

/* 1 when the environment's locale (LC_ALL, LC_CTYPE, LANG) is UTF-8, so the terminal can
 * show non-ASCII text; 0 under C, POSIX or another charset, and when the locale named is
 * not installed. Decided once per process; the process's own locale is not changed. */
int term_utf8(void);
/* The ASCII character that stands in for the character at s (n bytes left, n > 0) when
 * the locale is not UTF-8: itself for ASCII, a look-alike for the course's punctuation,
 * box drawing and Latin-1 letters ("\u2500" '-', "\u2014" '-', "\u00e9" 'e'), else '?'.
 * *used gets the bytes it stands for (1 for an invalid byte). One character always
 * becomes one column, so text laid out in columns keeps its layout. */
char term_ascii_of(const char *s, size_t n, size_t *used);
/* Appends the n bytes of s to out, each character as term_ascii_of gives it. */
void term_ascii_add(struct sb *out, const char *s, size_t n);
/* s as the terminal can show it: s itself in a UTF-8 locale, else an ASCII copy kept in
 * *owned (the caller frees *owned, which is NULL when no copy was made). */
const char *term_text(const char *s, char **owned);

#endif
