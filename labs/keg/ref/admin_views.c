/* admin_views.c -- the admin's pages of one model [lab 23]: the changelist (search,
 * filters, ordering, pagination, every cell escaped) and the add, change and delete
 * pages, generated from the model's descriptor and a ModelForm over its fields. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"

/* SOLUTION(23) BEGIN */
#define KEG_ADMIN_PER_PAGE 100      /* Django's list_per_page */
#define KEG_ADMIN_SPACE " \t\r\n"

/* Appends the changelist's URL: PREFIX/APP/MODEL/. */
static void keg_admin_list_url(struct keg_sql *b, const vial_request *req, const keg_model *m)
{
    keg_sql_printf(b, "%s/%s/%s/", keg_admin_site(req)->admin->prefix, m->app, m->name);
}

/* A 302 to the changelist. */
static int keg_admin_to_list(vial_request *req, vial_response *res, const keg_model *m)
{
    struct keg_sql b = { 0 };
    keg_admin_list_url(&b, req, m);
    char *url = keg_sql_steal(&b);
    int ok = url != NULL && vial_redirect(res, url, 302) == 0;
    free(url);
    return ok ? 0 : 500;
}

/* How text is appended: escaped for a page (keg_admin_esc), as it is for a message
 * (keg_sql_add: the page that shows the message escapes it). */
typedef void (*keg_admin_put)(struct keg_sql *b, const char *s);

/* Appends the text of field f of obj as the changelist shows it, through put: "-" for
 * NULL, True/False for a bool, a number in decimal, a datetime as keg stores it. */
static void keg_admin_cell(struct keg_sql *b, const void *obj, const keg_field *f,
                           keg_admin_put put)
{
    char buf[24];
    keg_value v = keg_field_value(obj, f, buf);
    if (v.type == KEG_NULL)
        keg_sql_add(b, "-");
    else if (v.type == KEG_INT && f->kind == KEG_BOOL)
        keg_sql_add(b, v.i ? "True" : "False");
    else if (v.type == KEG_INT)
        keg_sql_printf(b, "%lld", v.i);
    else
        put(b, v.s);
}

/* The object's id. */
static long long keg_admin_id(const void *obj)
{
    const keg_obj *o = obj;
    return *(const long long *)(const void *)((const char *)obj + o->model->fields[0].offset);
}

/* Appends the object's label: its first list_display cell, else "MODEL object (ID)". */
static void keg_admin_label(struct keg_sql *b, const struct keg_admin_model *am,
                            const void *obj, keg_admin_put put)
{
    const char *const *ld = am->o.list_display;
    if (ld != NULL && ld[0] != NULL)
        keg_admin_cell(b, obj, keg_model_field(am->m, ld[0]), put);
    else
        keg_sql_printf(b, "%s object (%lld)", am->m->name, keg_admin_id(obj));
}

/* Django's deterministic changelist ordering: the model's, then -id, so rows that tie
 * keep one order and pages never overlap. Replaces qs (freed). */
static keg_qs *keg_admin_order(keg_qs *qs, const keg_model *m)
{
    const char *ord = m->ordering != NULL ? m->ordering : "";
    struct keg_sql b = { 0 };
    keg_sql_printf(&b, "%s%s-id", ord, ord[0] != '\0' ? "," : "");
    char *fields = keg_sql_steal(&b);
    keg_qs *out = fields != NULL ? keg_qs_order_by(qs, fields) : NULL;
    free(fields);
    keg_qs_free(qs);
    return out;
}

/* Django's get_search_results: each word of q (split at white space) must be in one of
 * search_fields (icontains), the fields ORed, the words ANDed; all bound values. */
static keg_qs *keg_admin_search(keg_qs *qs, const struct keg_admin_model *am, const char *q)
{
    const char *const *sf = am->o.search_fields;
    if (q == NULL || sf == NULL || sf[0] == NULL)
        return qs;
    for (const char *p = q + strspn(q, KEG_ADMIN_SPACE); qs != NULL && *p != '\0';) {
        size_t n = strcspn(p, KEG_ADMIN_SPACE);
        keg_q *any = NULL;
        for (size_t i = 0; sf[i] != NULL; i++) {
            char lookup[KEG_IDENT_MAX + 16];
            snprintf(lookup, sizeof lookup, "%s__icontains", sf[i]);
            keg_q *one = keg_q_new(lookup, keg_textn(p, n));
            any = any == NULL ? one : keg_q_or(any, one);
        }
        keg_qs *next = any != NULL ? keg_qs_where(qs, any) : NULL;
        keg_q_free(any);
        keg_qs_free(qs);
        qs = next;
        p += n;
        p += strspn(p, KEG_ADMIN_SPACE);
    }
    return qs;
}

/* The ?F__exact=V filters of list_filter. *bad is set for a value a numeric field cannot
 * take (not a whole number). */
static keg_qs *keg_admin_filter(keg_qs *qs, const struct keg_admin_model *am,
                                const vial_request *req, int *bad)
{
    const char *const *lf = am->o.list_filter;
    for (size_t i = 0; qs != NULL && lf != NULL && lf[i] != NULL; i++) {
        char lookup[KEG_IDENT_MAX + 16];
        snprintf(lookup, sizeof lookup, "%s__exact", lf[i]);
        const char *v = vial_request_arg(req, lookup);
        if (v == NULL)
            continue;
        const keg_field *f = keg_model_field(am->m, lf[i]);
        keg_value val = keg_text(v);
        if (f->kind == KEG_INTEGER || f->kind == KEG_BOOL || f->kind == KEG_FK
            || f->kind == KEG_AUTO) {
            char *end = NULL;
            val = keg_int(strtoll(v, &end, 10));
            if (v[0] == '\0' || *end != '\0')
                *bad = 1;
        }
        keg_qs *next = keg_qs_filter(qs, lookup, val);
        keg_qs_free(qs);
        qs = next;
    }
    return qs;
}

/* The page number of ?p= (1 when absent), or 0 when it is not one from 1 to pages. */
static long long keg_admin_page(const vial_request *req, long long pages)
{
    const char *p = vial_request_arg(req, "p");
    if (p == NULL)
        return 1;
    char *end = NULL;
    long long n = strtoll(p, &end, 10);
    if (p[0] < '0' || p[0] > '9' || *end != '\0' || n < 1 || n > pages)
        return 0;
    return n;
}

/* Appends the changelist's table: a header row, then a row per object, the first cell a
 * link to its change page. */
static void keg_admin_table(struct keg_sql *b, const vial_request *req,
                            const struct keg_admin_model *am, const keg_list *rows)
{
    const char *const *ld = am->o.list_display;
    int plain = ld == NULL || ld[0] == NULL;
    keg_sql_add(b, "<table id=\"result_list\">\n<tr>");
    for (size_t i = 0; plain ? i < 1 : ld[i] != NULL; i++)
        keg_sql_printf(b, "<th>%s</th>", plain ? am->m->name : ld[i]);
    keg_sql_add(b, "</tr>\n");
    for (size_t r = 0; r < rows->len; r++) {
        const void *obj = rows->items[r];
        keg_sql_add(b, "<tr>");
        for (size_t i = 0; plain ? i < 1 : ld[i] != NULL; i++) {
            keg_sql_add(b, "<td>");
            if (i == 0) {
                keg_sql_add(b, "<a href=\"");
                keg_admin_list_url(b, req, am->m);
                keg_sql_printf(b, "%lld/change/\">", keg_admin_id(obj));
            }
            if (plain)
                keg_admin_label(b, am, obj, keg_admin_esc);
            else
                keg_admin_cell(b, obj, keg_model_field(am->m, ld[i]), keg_admin_esc);
            keg_sql_add(b, i == 0 ? "</a></td>" : "</td>");
        }
        keg_sql_add(b, "</tr>\n");
    }
    keg_sql_add(b, "</table>\n");
}

/* The changelist page of the rows fetched. */
static int keg_admin_list_page(vial_request *req, vial_response *res,
                               const struct keg_admin_model *am, const keg_list *rows,
                               long long count, long long page, long long pages, int change,
                               int add)
{
    const keg_model *m = am->m;
    char title[KEG_IDENT_MAX + 32];
    snprintf(title, sizeof title, "Select %s to %s", m->name, change ? "change" : "view");
    struct keg_sql b = { 0 };
    keg_admin_begin(&b, req, title);
    const char *const *sf = am->o.search_fields;
    if (sf != NULL && sf[0] != NULL) {
        keg_sql_add(&b, "<form id=\"changelist-search\" method=\"get\"><input type=\"text\" "
                    "name=\"q\" value=\"");
        keg_admin_esc(&b, vial_request_arg(req, "q"));
        keg_sql_add(&b, "\"><input type=\"submit\" value=\"Search\"></form>\n");
    }
    keg_sql_printf(&b, "<p class=\"result-count\">%lld %s%s</p>\n", count, m->name,
                   count == 1 ? "" : "s");
    keg_admin_table(&b, req, am, rows);
    keg_sql_printf(&b, "<p class=\"paginator\">Page %lld of %lld</p>\n", page, pages);
    if (add) {
        keg_sql_add(&b, "<p><a href=\"");
        keg_admin_list_url(&b, req, m);
        keg_sql_printf(&b, "add/\">Add %s</a></p>\n", m->name);
    }
    return keg_admin_finish(&b, res, 200);
}

/* view, add, change and delete of m for req's user into can[0..4); a status or 0. */
static int keg_admin_perms(vial_request *req, const keg_model *m, int can[4])
{
    static const char *const actions[] = { "view", "add", "change", "delete" };
    for (size_t k = 0; k < 4; k++) {
        can[k] = keg_admin_can(req, m, actions[k]);
        if (can[k] < 0)
            return can[k];
    }
    return 0;
}

enum { CAN_VIEW, CAN_ADD, CAN_CHANGE, CAN_DELETE };
/* SOLUTION(23) END */

int keg_admin_changelist(vial_request *req, vial_response *res)
{
/* SOLUTION(23) BEGIN */
    const struct keg_admin_model *am = keg_admin_model_of(req);
    int can[4], bad = 0;
    if (am == NULL)
        return 404;
    if (keg_admin_perms(req, am->m, can) < 0)
        return 500;
    if (!can[CAN_VIEW] && !can[CAN_CHANGE])
        return 403;
    keg_db *db = keg_request_db(req);
    keg_qs *qs = keg_admin_order(keg_qs_all(am->m), am->m);
    qs = keg_admin_search(qs, am, vial_request_arg(req, "q"));
    qs = keg_admin_filter(qs, am, req, &bad);
    long long count = 0, per = am->o.per_page > 0 ? am->o.per_page : KEG_ADMIN_PER_PAGE;
    if (qs == NULL || bad || keg_qs_error(qs) != NULL) {
        keg_qs_free(qs);
        return qs == NULL ? 500 : 400;
    }
    int rc = keg_qs_count(db, qs, &count);
    long long pages = count > 0 ? (count + per - 1) / per : 1;
    long long page = rc == 0 ? keg_admin_page(req, pages) : 0;
    if (rc != 0 || page == 0) {
        keg_qs_free(qs);
        return rc != 0 ? 500 : 404;
    }
    keg_qs *slice = keg_qs_slice(qs, (page - 1) * per, page * per);
    keg_qs_free(qs);
    keg_list rows = { 0 };
    rc = slice != NULL ? keg_qs_fetch(db, slice, &rows) : KEG_ENOMEM;
    keg_qs_free(slice);
    if (rc == 0)
        rc = keg_admin_list_page(req, res, am, &rows, count, page, pages, can[CAN_CHANGE],
                                 can[CAN_ADD]);
    keg_list_free(&rows);
    return rc == 0 ? 0 : 500;
/* SOLUTION(23) STUB
    (void)req;
    (void)res;
    return 501;
   SOLUTION(23) END */
}

/* SOLUTION(23) BEGIN */
/* The object of the view argument "id" into *out (caller frees with keg_obj_free): 0,
 * 404 when there is no such row, 500. */
static int keg_admin_object(vial_request *req, const keg_model *m, void **out)
{
    *out = keg_obj_new(m);
    if (*out == NULL)
        return 500;
    int rc = keg_get(keg_request_db(req), m, vial_view_arg_int(req, "id", 0), *out);
    if (rc == 0)
        return 0;
    keg_obj_free(*out);
    *out = NULL;
    return rc == KEG_ENOTFOUND ? 404 : 500;
}

/* The form's data of obj as a POST would send it: text as is, numbers in decimal, a
 * checked bool "on" (an unchecked one and NULL are left out). */
static int keg_admin_initial(const struct keg_admin_model *am, const void *obj,
                             vial_pairs *out)
{
    for (size_t i = 0; am->form_fields[i] != NULL; i++) {
        const keg_field *f = keg_model_field(am->m, am->form_fields[i]);
        char buf[24], num[24];
        keg_value v = keg_field_value(obj, f, buf);
        const char *text = v.type == KEG_TEXT ? v.s : num;
        if (v.type == KEG_NULL || (f->kind == KEG_BOOL && v.i == 0))
            continue;
        snprintf(num, sizeof num, "%lld", v.i);
        if (vial_pairs_adds(out, f->name, f->kind == KEG_BOOL ? "on" : text) != 0)
            return -1;
    }
    return 0;
}

/* The add or change page: title, the form (in a POST form with the CSRF input and Save
 * when `editable`), and a link to the delete page when delete_id is not 0. */
static int keg_admin_form_page(vial_request *req, vial_response *res,
                               const struct keg_admin_model *am, const char *title,
                               keg_form *f, int editable, long long delete_id)
{
    char *html = keg_form_render(f);
    if (html == NULL)
        return 500;
    struct keg_sql b = { 0 };
    keg_admin_begin(&b, req, title);
    if (editable) {
        keg_sql_add(&b, "<form method=\"post\">\n");
        keg_admin_csrf_input(&b, req);
    }
    keg_sql_add(&b, html);
    if (editable)
        keg_sql_add(&b, "<input type=\"submit\" value=\"Save\">\n</form>\n");
    free(html);
    if (delete_id != 0) {
        keg_sql_add(&b, "<p><a href=\"");
        keg_admin_list_url(&b, req, am->m);
        keg_sql_printf(&b, "%lld/delete/\">Delete</a></p>\n", delete_id);
    }
    return keg_admin_finish(&b, res, 200);
}

/* A new object of am's model for the add page: keg_obj_new's defaults, and NULL in each
 * nullable number the form does not edit (a foreign key the form cannot show). NULL when
 * out of memory. */
static void *keg_admin_new(const struct keg_admin_model *am)
{
    void *obj = keg_obj_new(am->m);
    for (size_t i = 1; obj != NULL && i < am->m->nfields; i++) {
        const keg_field *f = &am->m->fields[i];
        int edited = 0;
        for (size_t k = 0; am->form_fields[k] != NULL; k++)
            edited |= strcmp(am->form_fields[k], f->name) == 0;
        if ((f->flags & KEG_NULLABLE) && !edited && f->kind != KEG_CHAR
            && f->kind != KEG_TEXTFIELD && keg_field_has_column(f))
            keg_obj_set_null(obj, f->name, 1);
    }
    return obj;
}

/* The object's label as text, not escaped. Caller frees; NULL when out of memory. */
static char *keg_admin_label_text(const struct keg_admin_model *am, const void *obj)
{
    struct keg_sql b = { 0 };
    keg_sql_add(&b, "");
    keg_admin_label(&b, am, obj, keg_sql_add);
    return keg_sql_steal(&b);
}

/* Django's message_user after a save or a delete: the KEG_MSG_SUCCESS message
 * The MODEL "LABEL" was VERB successfully. (nothing when label is NULL). A message that
 * cannot be stored does not undo the write: its status is dropped. */
static void keg_admin_tell(vial_request *req, const keg_model *m, const char *label,
                           const char *verb)
{
    struct keg_sql b = { 0 };
    if (label == NULL)
        return;
    keg_sql_printf(&b, "The %s \"%s\" was %s successfully.", m->name, label, verb);
    char *text = keg_sql_steal(&b);
    if (text != NULL)
        keg_message_add(req, KEG_MSG_SUCCESS, text);
    free(text);
}

/* A POST of the add or change form: saved (302 to the changelist, with the message
 * "added" or "changed") or shown again with its errors (200). obj is a new object or
 * the row being changed. */
static int keg_admin_save(vial_request *req, vial_response *res,
                          const struct keg_admin_model *am, void *obj, const char *title,
                          long long delete_id)
{
    keg_db *db = keg_request_db(req);
    if (req->form.len == 0)
        vial_request_parse_form(req);
    keg_form *f = keg_form_new(&am->def, &req->form);
    if (f == NULL)
        return 500;
    int adding = keg_admin_id(obj) == 0;
    int rc = adding ? 0 : keg_form_set_instance(f, obj);
    if (rc == 0 && keg_form_is_valid(f, db)) {
        rc = keg_form_save(db, f, obj);
        if (rc == 0) {
            keg_form_free(f);
            char *label = keg_admin_label_text(am, obj);
            keg_admin_tell(req, am->m, label, adding ? "added" : "changed");
            free(label);
            return keg_admin_to_list(req, res, am->m);
        }
        rc = keg_form_add_error(f, NULL, keg_db_error(db));
    }
    rc = rc == 0 ? keg_admin_form_page(req, res, am, title, f, 1, delete_id) : 500;
    keg_form_free(f);
    return rc;
}
/* SOLUTION(23) END */

int keg_admin_add(vial_request *req, vial_response *res)
{
/* SOLUTION(23) BEGIN */
    const struct keg_admin_model *am = keg_admin_model_of(req);
    if (am == NULL)
        return 404;
    int rc = keg_admin_can(req, am->m, "add");
    if (rc <= 0)
        return rc < 0 ? 500 : 403;
    char title[KEG_IDENT_MAX + 8];
    snprintf(title, sizeof title, "Add %s", am->m->name);
    if (strcmp(req->method, "POST") == 0) {
        void *obj = keg_admin_new(am);
        rc = obj != NULL ? keg_admin_save(req, res, am, obj, title, 0) : 500;
        keg_obj_free(obj);
        return rc;
    }
    keg_form *f = keg_form_new(&am->def, NULL);
    rc = f != NULL ? keg_admin_form_page(req, res, am, title, f, 1, 0) : 500;
    keg_form_free(f);
    return rc;
/* SOLUTION(23) STUB
    (void)req;
    (void)res;
    return 501;
   SOLUTION(23) END */
}

int keg_admin_change(vial_request *req, vial_response *res)
{
/* SOLUTION(23) BEGIN */
    const struct keg_admin_model *am = keg_admin_model_of(req);
    int can[4];
    void *obj = NULL;
    if (am == NULL)
        return 404;
    if (keg_admin_perms(req, am->m, can) < 0)
        return 500;
    int post = strcmp(req->method, "POST") == 0;
    if (post ? !can[CAN_CHANGE] : !can[CAN_VIEW] && !can[CAN_CHANGE])
        return 403;
    int rc = keg_admin_object(req, am->m, &obj);
    if (rc != 0)
        return rc;
    char title[KEG_IDENT_MAX + 8];
    snprintf(title, sizeof title, "%s %s", can[CAN_CHANGE] ? "Change" : "View", am->m->name);
    long long del = can[CAN_DELETE] ? keg_admin_id(obj) : 0;
    if (post) {
        rc = keg_admin_save(req, res, am, obj, title, del);
        keg_obj_free(obj);
        return rc;
    }
    vial_pairs data;
    vial_pairs_init(&data);
    keg_form *f = keg_admin_initial(am, obj, &data) == 0 ? keg_form_new(&am->def, &data) : NULL;
    rc = f != NULL ? keg_admin_form_page(req, res, am, title, f, can[CAN_CHANGE], del) : 500;
    keg_form_free(f);
    vial_pairs_free(&data);
    keg_obj_free(obj);
    return rc;
/* SOLUTION(23) STUB
    (void)req;
    (void)res;
    return 501;
   SOLUTION(23) END */
}

int keg_admin_delete(vial_request *req, vial_response *res)
{
/* SOLUTION(23) BEGIN */
    const struct keg_admin_model *am = keg_admin_model_of(req);
    void *obj = NULL;
    if (am == NULL)
        return 404;
    int rc = keg_admin_can(req, am->m, "delete");
    if (rc <= 0)
        return rc < 0 ? 500 : 403;
    if ((rc = keg_admin_object(req, am->m, &obj)) != 0)
        return rc;
    struct keg_sql b = { 0 };
    if (strcmp(req->method, "POST") == 0) {
        char *label = keg_admin_label_text(am, obj);  /* before keg_delete zeroes the id */
        rc = label != NULL ? keg_delete(keg_request_db(req), obj) : KEG_ENOMEM;
        if (rc == 0)
            keg_admin_tell(req, am->m, label, "deleted");
        free(label);
        if (rc != KEG_EPROTECTED) {
            keg_obj_free(obj);
            return rc == 0 ? keg_admin_to_list(req, res, am->m) : 500;
        }
        char title[KEG_IDENT_MAX + 16];
        snprintf(title, sizeof title, "Cannot delete %s", am->m->name);
        keg_admin_begin(&b, req, title);
        keg_sql_printf(&b, "<p>Deleting the %s \"", am->m->name);
        keg_admin_label(&b, am, obj, keg_admin_esc);
        keg_sql_add(&b, "\" would require deleting protected related objects.</p>\n");
    } else {
        keg_admin_begin(&b, req, "Are you sure?");
        keg_sql_printf(&b, "<p>Are you sure you want to delete the %s \"", am->m->name);
        keg_admin_label(&b, am, obj, keg_admin_esc);
        keg_sql_add(&b, "\"?</p>\n<form method=\"post\">\n");
        keg_admin_csrf_input(&b, req);
        keg_sql_add(&b, "<input type=\"submit\" value=\"Yes, I'm sure\">\n</form>\n");
    }
    keg_obj_free(obj);
    return keg_admin_finish(&b, res, 200);
/* SOLUTION(23) STUB
    (void)req;
    (void)res;
    return 501;
   SOLUTION(23) END */
}
