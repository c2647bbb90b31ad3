/* admin.h -- what admin.c (the registry, the routes, login and permissions) and
 * admin_views.c (the changelist and the object pages) share [lab 23]. Not part of
 * keg's API: an app uses keg.h's keg_admin_register and keg_admin_install. */
#ifndef KEG_ADMIN_H
#define KEG_ADMIN_H

#include "internal.h"

/* One registered model. Invariant: every name in `o` and `form_fields` passed
 * keg_admin_register's checks; def is a ModelForm of m over form_fields. */
struct keg_admin_model {
    const keg_model *m;
    struct keg_admin_options o;
    const char **form_fields;       /* owned array (names not owned), NULL-ended */
    struct keg_form_def def;        /* def.model_fields is form_fields */
};

/* The admin of one site (keg_site.admin). */
struct keg_admin {
    char *prefix;                   /* owned: "/admin"; NULL until keg_admin_install */
    struct keg_admin_model **models;    /* owned, n of them, in registration order */
    size_t n;
};

/* The site serving req, or NULL. */
keg_site *keg_admin_site(const vial_request *req);
/* The registered model the view arguments "app" and "model" of req name, or NULL. */
const struct keg_admin_model *keg_admin_model_of(const vial_request *req);
/* 1 when the request's user has "APP.ACTION_MODEL" (keg_user_has_perm), 0 when not, or
 * a database status. `action` is "view", "add", "change" or "delete". */
int keg_admin_can(vial_request *req, const keg_model *m, const char *action);

/* Appends s with & < > " ' escaped (keg_form_render's escaping). */
void keg_admin_esc(struct keg_sql *b, const char *s);
/* Starts a page: the doctype, the <title>, the messages of req (keg_messages: read now)
 * in a <ul class="messagelist"> when there are any, and the <h1>; TITLE and each
 * message escaped. */
void keg_admin_begin(struct keg_sql *b, vial_request *req, const char *title);
/* Appends the hidden csrfmiddlewaretoken input of req (keg_csrf_token) and a newline. */
void keg_admin_csrf_input(struct keg_sql *b, vial_request *req);
/* Ends the page and makes it res's answer with `status`, text/html and never_cache's
 * Cache-Control. Returns 0, or 500 when a piece of the page could not be allocated. */
int keg_admin_finish(struct keg_sql *b, vial_response *res, int status);

/* The views of admin_views.c (routes of keg_admin_install). */
int keg_admin_changelist(vial_request *req, vial_response *res);
int keg_admin_add(vial_request *req, vial_response *res);
int keg_admin_change(vial_request *req, vial_response *res);
int keg_admin_delete(vial_request *req, vial_response *res);

#endif
