/* template.h -- [lab 09] what the parts of the template engine share: the tree a
 * template is parsed into (template_parse.c) and then rendered (template.c), given: the
 * structures are already the ones the engine needs. Then the render's state, which
 * template.c shares with [lab 19] template_tags.c: the reference's, yours to write. */
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

/* SOLUTION(09) BEGIN */
/* ---- rendering: what template.c and template_tags.c share ----------------------- */

#define TPL_MAX_DEPTH 16                /* extends chain and nested for loops */

struct ctx_entry;                       /* one name of a context; template.c */

/* A growable output buffer; `failed` once out of memory. */
struct tbuf {
    char *data;
    size_t len, cap;
    int failed;
};

enum tval_kind { V_MISSING, V_STR, V_LIST, V_CTX };

/* A value while an expression is evaluated; `owned` (if any) is freed after use. */
struct tval {
    enum tval_kind kind;
    const char *s;
    size_t len;
    int safe;
    char *owned;
    const struct ctx_entry *list;
/* SOLUTION(09) END */
/* SOLUTION(19) BEGIN */
    int falsy;                          /* a string that is false: forloop's "False" */
/* SOLUTION(19) END */
/* SOLUTION(09) BEGIN */
};

/* One render of a template; `err` (allocated) is set once it failed. */
struct render {
    struct tpl *chain[TPL_MAX_DEPTH];   /* [0] the template asked for, then its parents */
    int nchain;
    const struct vial_ctx *root;
    struct {
        const char *name;
        const struct vial_ctx *ctx;
/* SOLUTION(09) END */
/* SOLUTION(19) BEGIN */
        size_t index, count;            /* forloop: this item's index, the list's size */
/* SOLUTION(19) END */
/* SOLUTION(09) BEGIN */
    } scope[TPL_MAX_DEPTH];             /* for-loop variables, innermost last */
    int nscope, depth;
    struct tbuf out;
    char *err;
    const struct vial_app *app;         /* templates, tags and filters; may be NULL */
/* SOLUTION(09) END */
/* SOLUTION(19) BEGIN */
    struct {
        const char *name;
        int level;                      /* the chain index its body came from */
    } blocks[TPL_MAX_DEPTH * 4];        /* blocks being rendered, innermost last */
    int nblocks;
    const char *where;                  /* the template being rendered (errors) */
/* SOLUTION(19) END */
/* SOLUTION(09) BEGIN */
};

/* template.c: appends s[0..n) to b, as is or with & < > " ' as entities. */
void tbuf_add(struct tbuf *b, const char *s, size_t n);
void tbuf_escaped(struct tbuf *b, const char *s, size_t n);
/* template.c: the value of a dotted name (loop variables first, then the context), of
 * an expression with its filters; one filter applied to v. Free the result's owned. */
struct tval tpl_lookup(const struct render *r, const char *name, size_t len);
struct tval tpl_eval(const struct render *r, const struct texpr *x);
void tpl_apply(struct tval *v, enum filter_id id, const char *arg, size_t alen);
/* template.c: the first block `name` in l, depth first; NULL when none. */
const struct tnode *tpl_find_block(const struct tlist *l, const char *name);
/* template.c: renders l into r->out. Returns 0 or -1 with r->err. */
int tpl_render_list(struct render *r, const struct tlist *l);
/* template.c: the source of template `name`: the app's own, else a copy read from its
 * folder (*owned, caller frees). NULL when there is none. */
const char *tpl_source(const struct vial_app *app, const char *name, char **owned);
/* template.c: parses the parents of r->chain[0] into the chain. 0, or -1 with r->err. */
int tpl_load_chain(struct render *r, const struct vial_app *app);
/* SOLUTION(09) END */
/* SOLUTION(19) BEGIN */
/* template.c: applies a filter of the app's own to v. */
void tpl_apply_custom(struct tval *v, const struct vial_tpl_ext *ext, const char *arg,
                      size_t alen);
/* template_tags.c: forloop.FIELD of the innermost loop (missing for another field);
 * {% NAME args %} of the app's own; {% block name %} from chain level `from` on;
 * {{ block.super }} with the expression's filters (0, or -1 with r->err). */
struct tval tpl_forloop(const struct render *r, const char *field, size_t len);
int tpl_render_tag(struct render *r, const struct tnode *n);
int tpl_render_block(struct render *r, const char *name, int from);
int tpl_render_super(struct render *r, const struct texpr *x);
/* SOLUTION(19) END */

#endif
