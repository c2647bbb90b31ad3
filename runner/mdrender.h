/* mdrender.h -- turns lesson and lab Markdown (parsed with md4c) into wrapped, styled
 * lines that both the plain `stacklab lesson` output and the TUI reader draw. Prefix: md_. */
#ifndef STACKLAB_MDRENDER_H
#define STACKLAB_MDRENDER_H

#include <stddef.h>

enum md_style {
    MD_PLAIN = 0,
    MD_BOLD = 1 << 0,
    MD_ITALIC = 1 << 1,
    MD_CODE = 1 << 2,        /* inline code or a code block */
    MD_HEADING = 1 << 3,
    MD_LINK = 1 << 4,        /* link text; the address follows in plain text */
    MD_QUOTE = 1 << 5,
    MD_KEYWORD = 1 << 6,     /* C syntax colouring inside code blocks */
    MD_STRING = 1 << 7,
    MD_COMMENT = 1 << 8,
    MD_NUMBER = 1 << 9,
    MD_PREPROC = 1 << 10,
    MD_RULE = 1 << 11,       /* table borders, horizontal rules, list bullets */
    MD_DIM = 1 << 12
};

/* A run of bytes of a line with one style. Spans cover the line in order. */
struct md_span {
    size_t start, len;       /* byte offsets into md_line.text */
    unsigned style;          /* enum md_style bits */
};

struct md_line {
    char *text;              /* UTF-8, no newline */
    struct md_span *spans;
    size_t nspans;
    int heading;             /* 1..6 on a heading's lines, else 0 */
};

struct md_doc {
    struct md_line *lines;
    size_t nlines;
};

/* Renders Markdown wrapped to `width` columns (>= 20). Returns a doc (caller frees with
 * md_doc_free) or NULL with an allocated *cause when md4c rejects the input. When the
 * locale is not UTF-8 (term_utf8), every line is ASCII: borders, bullets and the text's
 * own characters become look-alikes (term_ascii_of). */
struct md_doc *md_render(const char *markdown, size_t len, int width, char **cause);
void md_doc_free(struct md_doc *doc);


#include <stdio.h>
/* Prints a rendered doc to f, with SGR styles when term_color(f) allows (plain text
 * otherwise). */
void md_fprint(FILE *f, const struct md_doc *doc);

#endif
