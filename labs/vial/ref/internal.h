/* internal.h -- what vial's own files share and an app never sees: the app structure
 * and the functions one file of vial calls in another. Given code: the structures are
 * already the ones the last lab needs. */
#ifndef VIAL_INTERNAL_H
#define VIAL_INTERNAL_H

#include "vial.h"

struct MHD_Connection;          /* libmicrohttpd's, used by server.c and request.c only */

/* One URL rule. `compiled` is the router's parsed form of `rule` (router.c). */
struct vial_rule {
    char *methods;              /* "GET,POST" */
    char *rule;                 /* "/post/<int:id>" with any blueprint prefix applied */
    char *endpoint;             /* "show_post" or "blog.index" */
    vial_view view;
    vial_blueprint *bp;         /* the blueprint it came from, or NULL */
    void *compiled;             /* owned by router.c */
};

struct vial_hooklist {
    vial_hook *items;
    size_t len, cap;
};

struct vial_errhandler {
    int status;
    vial_view view;
};

/* [lab 19] A tag or filter of the app's own; `name` empty in an unused slot. */
struct vial_tpl_ext {
    char name[32];
    vial_tag_fn tag;            /* set for a tag */
    vial_filter_fn filter;      /* set for a filter */
    void *user;
};

/* Invariant: endpoints of `rules` are unique. */
struct vial_app {
    char *name;
    void *user;
    struct vial_rule *rules;
    size_t nrules, caprules;
    struct vial_hooklist before, after, teardown;
    struct vial_errhandler *errors;
    size_t nerrors;
    vial_blueprint **blueprints;
    size_t nblueprints;
    vial_pairs config;
    vial_pairs templates;       /* name -> source */
    char *template_folder;
    char *static_prefix, *static_folder;
    struct vial_tpl_ext tags[VIAL_TPL_MAX_EXT], filters[VIAL_TPL_MAX_EXT];  /* [lab 19] */
    int ntags, nfilters;
};

/* app.c: 1 when `method` is one of the comma-separated `methods`. */
int vial_method_in(const char *methods, const char *method);
/* app.c: appends a rule (copies strings, compiles it). Returns 0 or -1. */
int vial_app_add_rule(vial_app *app, const char *methods, const char *rule,
                      const char *endpoint, vial_view view, vial_blueprint *bp);

/* router.c: parses r->rule into r->compiled. Returns 0 or -1 for a bad rule. */
int vial_rule_compile(struct vial_rule *r);
void vial_rule_release(struct vial_rule *r);
/* router.c: finds the rule for req (method + path), fills req->endpoint and
 * req->view_args. Returns 0 with *out set, 404, or 405 with the allowed methods in
 * allow (comma-separated). */
int vial_router_match(vial_app *app, vial_request *req, struct vial_rule **out,
                      char *allow, size_t allowcap);

/* hooks.c: run the hook lists; before returns 0 or a status (see vial_hook). */
int vial_hooks_before(vial_app *app, struct vial_rule *rule, vial_request *req,
                      vial_response *res);
void vial_hooks_after(vial_app *app, vial_request *req, vial_response *res);
void vial_hooks_teardown(vial_app *app, vial_request *req, vial_response *res);
/* hooks.c: makes res the error response for status, through a handler if any. */
void vial_error_response(vial_app *app, vial_request *req, vial_response *res, int status);
void vial_hooks_free(vial_app *app);

/* blueprint.c: the before-request hooks of a blueprint (may be NULL). */
const struct vial_hooklist *vial_blueprint_hooks(const vial_blueprint *bp);

/* request.c: fills the headers and cookies of req from a libmicrohttpd connection,
 * once server.c has read the request line into it, and holds the head to the rules of
 * vial_parse_request (see vial_server_start). Returns 0, or the status it has already
 * queued on the connection (400, 413, 431, 500 or 501), so the body is never read. */
int vial_request_load_mhd(vial_request *req, struct MHD_Connection *conn, size_t max_body);

/* session.c: adds the Set-Cookie header when the session changed; frees a session. */
void vial_session_save(vial_request *req, vial_response *res);
void vial_session_free(vial_session *s);

/* A hook list: append (0 or -1) and free. */
int vial_hooklist_add(struct vial_hooklist *l, vial_hook hook);
void vial_hooklist_free(struct vial_hooklist *l);

#endif
