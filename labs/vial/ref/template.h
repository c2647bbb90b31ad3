/* template.h -- [lab 09] what the two halves of the template engine share: the tree a
 * template is parsed into (template_parse.c) and then rendered (template.c). Given code:
 * the structures are already the ones the engine needs. */
#ifndef VIAL_TEMPLATE_H
#define VIAL_TEMPLATE_H

#include <stddef.h>

#define TPL_MAX_FILTERS 8

enum filter_id { F_UPPER, F_LOWER, F_TRIM, F_LENGTH, F_SAFE, F_ESCAPE, F_DEFAULT,
                 F_CUSTOM /* [lab 19] one of the app's own: see ext */ };

struct vial_app;
struct vial_tpl_ext;

/* An expression: a dotted name (or a string literal) and its filters. Spans point
 * into the template source. */
struct texpr {
    const char *name;                   /* "user.name"; NULL for a literal */
    size_t nlen;
    const char *lit;                    /* the literal's text, without quotes */
    size_t llen;
    int negate;                         /* "not x" (conditions only) */
    struct {
        enum filter_id id;
        const char *arg;                /* NULL when none was given */
        size_t alen;
        const struct vial_tpl_ext *ext; /* [lab 19] F_CUSTOM: the app's entry */
    } f[TPL_MAX_FILTERS];
    int nf;
};

enum tnode_kind { TN_TEXT, TN_VAR, TN_IF, TN_FOR, TN_BLOCK,
                  TN_TAG /* [lab 19] a tag of the app's own */ };

#define TPL_MAX_ARGS 8

/* [lab 19] One argument of a tag: KEY=expr (key NULL when positional). */
struct targ {
    const char *key;
    size_t klen;
    struct texpr x;
};

struct tlist {
    struct tnode *items;
    size_t n, cap;
};

struct tnode {
    enum tnode_kind kind;
    int line;
    const char *text;                   /* TN_TEXT */
    size_t len;
    struct texpr expr;                  /* VAR, IF condition, FOR iterable */
    char name[64];                      /* FOR variable, BLOCK name */
    struct tlist body, alt;             /* IF: then / else (an elif is an IF in alt);
                                           FOR: body / else when empty; BLOCK: body */
    const struct vial_tpl_ext *ext;     /* [lab 19] TN_TAG: the app's entry */
    struct targ *args;                  /* [lab 19] TN_TAG: owned, nargs of them */
    int nargs;
};

/* One parsed template; node spans point into its source, which must outlive it. */
struct tpl {
    char *name;                         /* owned */
    char *owned;                        /* the source when read from a file, or NULL */
    struct tlist root;
    char parent[256];                   /* the extends target, "" when none */
    int extends_line;
};

/* A copy of s[0..n), NUL-terminated (caller frees), or NULL. */
char *tpl_dup(const char *s, size_t n);
/* 1 for SP, TAB, LF, CR, FF, VT. */
int tpl_is_blank(char c);
/* Parses `source` into a template named `name`. `owned` (may be NULL) is the buffer
 * holding source when it was loaded from a file: the template takes it over and frees
 * it. Returns the template (free with tpl_free) or NULL with an allocated
 * "name:line: message" in *err (caller frees). */
struct tpl *tpl_parse(const char *name, const char *source, char *owned, char **err);
/* [lab 19] The same, knowing the tags and filters registered on `app` (NULL: none). */
struct tpl *tpl_parse_app(const struct vial_app *app, const char *name, const char *source,
                          char *owned, char **err);
void tpl_free(struct tpl *t);

#endif
