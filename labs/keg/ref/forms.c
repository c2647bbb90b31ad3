/* forms.c -- Django's forms for keg [lab 20]: a form bound to posted data (or unbound),
 * cleaned in Django's order (to_python, validate, validators, clean_<field>, clean(),
 * then a ModelForm's model validation with its unique checks), errors per field and
 * under "__all__", HTML with every value escaped, and a ModelForm's save that copies
 * only the fields it lists, whatever else a POST names. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

/* One field of a form as it is used: declared, or derived from a model field.
 * Invariant: `value` is set only when the field cleaned without error (and is then the
 * cleaned text); `raw` is the last value data gave the field, NULL when absent. */
struct keg_form_slot {
    struct keg_form_field field;
    const keg_field *mf;        /* the model field it edits (ModelForm), or NULL */
    int blank_choice;           /* a <select> that starts with "---------" */
    char *raw;                  /* owned */
    char *value;                /* owned */
};

struct keg_form {
    const struct keg_form_def *def;
    struct keg_form_slot *slots;    /* owned, n of them */
    size_t n;
    int bound;
    int state;                  /* -1 not cleaned yet, 0 invalid, 1 valid */
    long long instance_id;      /* keg_form_set_instance: the row being edited, or 0 */
    vial_pairs errors;
};

/* SOLUTION(20) BEGIN */
/* The slot named `name`, or NULL. */
static struct keg_form_slot *keg_form_slot(const keg_form *f, const char *name)
{
    for (size_t i = 0; name != NULL && i < f->n; i++)
        if (strcmp(f->slots[i].field.name, name) == 0)
            return &f->slots[i];
    return NULL;
}

/* The form field a model field gives (Django's Field.formfield()): required unless
 * blank (a checkbox never is), max_length from a char field, the model's choices with
 * a blank choice first unless the field has a default and is not blank. Returns 0, or
 * -1 for a kind forms do not support. */
static int keg_form_derive(const keg_field *mf, struct keg_form_slot *s)
{
    static const enum keg_kind ok[] = { KEG_CHAR, KEG_TEXTFIELD, KEG_INTEGER, KEG_BOOL };
    int found = 0;
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        found |= ok[i] == mf->kind;
    if (!found)
        return -1;
    s->field = (struct keg_form_field){ .name = mf->name, .kind = mf->kind,
        .required = mf->kind != KEG_BOOL && !(mf->flags & KEG_BLANK),
        .max_length = mf->kind == KEG_CHAR ? mf->max_length : 0, .choices = mf->choices };
    s->blank_choice = mf->choices != NULL
                      && ((mf->flags & KEG_BLANK) || !(mf->flags & KEG_DEFAULT));
    return 0;
}

/* The declared field named `name`, or NULL. */
static const struct keg_form_field *keg_form_declared(const struct keg_form_def *def,
                                                      const char *name)
{
    for (size_t i = 0; i < def->nfields; i++)
        if (strcmp(def->fields[i].name, name) == 0)
            return &def->fields[i];
    return NULL;
}

/* 1 when a field of that kind can be declared. */
static int keg_form_kind_ok(enum keg_kind k)
{
    return k == KEG_CHAR || k == KEG_TEXTFIELD || k == KEG_INTEGER || k == KEG_BOOL;
}

/* Fills f->slots: a ModelForm's model_fields in their order (a declared field of the
 * same name replaces the derived one), then the declared fields not among them. */
static int keg_form_layout(keg_form *f)
{
    const struct keg_form_def *d = f->def;
    size_t nm = 0;
    while (d->model != NULL && d->model_fields != NULL && d->model_fields[nm] != NULL)
        nm++;
    f->slots = calloc(nm + d->nfields + 1, sizeof *f->slots);
    if (f->slots == NULL)
        return -1;
    for (size_t i = 0; i < nm; i++) {
        struct keg_form_slot *s = &f->slots[f->n++];
        s->mf = keg_model_field(d->model, d->model_fields[i]);
        if (s->mf == NULL || s->mf == &d->model->fields[0] || keg_form_derive(s->mf, s) != 0)
            return -1;
        const struct keg_form_field *dec = keg_form_declared(d, s->mf->name);
        if (dec != NULL)
            s->field = *dec;
    }
    for (size_t i = 0; i < d->nfields; i++) {
        if (!keg_ident_ok(d->fields[i].name) || !keg_form_kind_ok(d->fields[i].kind))
            return -1;
        if (keg_form_slot(f, d->fields[i].name) == NULL)
            f->slots[f->n++].field = d->fields[i];
    }
    return 0;
}

/* The last value data gives `name` (as Django's QueryDict.get), or NULL. */
static const char *keg_form_last(const vial_pairs *data, const char *name)
{
    const char *v = NULL;
    for (long i = vial_pairs_next(data, name, 0); i >= 0;
         i = vial_pairs_next(data, name, (size_t)i + 1))
        v = data->items[i].value != NULL ? data->items[i].value : "";
    return v;
}
/* SOLUTION(20) END */

keg_form *keg_form_new(const struct keg_form_def *def, const vial_pairs *data)
{
/* SOLUTION(20) BEGIN */
    if (def == NULL || (def->nfields > 0 && def->fields == NULL))
        return NULL;
    keg_form *f = calloc(1, sizeof *f);
    if (f == NULL)
        return NULL;
    f->def = def;
    f->state = -1;
    f->bound = data != NULL;
    vial_pairs_init(&f->errors);
    if (keg_form_layout(f) != 0) {
        keg_form_free(f);
        return NULL;
    }
    for (size_t i = 0; data != NULL && i < f->n; i++) {
        const char *v = keg_form_last(data, f->slots[i].field.name);
        if (v != NULL && (f->slots[i].raw = strdup(v)) == NULL) {
            keg_form_free(f);
            return NULL;
        }
    }
    return f;
/* SOLUTION(20) STUB
    (void)def;
    (void)data;
    return NULL;
   SOLUTION(20) END */
}

void keg_form_free(keg_form *f)
{
    if (f == NULL)
        return;
    for (size_t i = 0; i < f->n; i++) {
        free(f->slots[i].raw);
        free(f->slots[i].value);
    }
    free(f->slots);
    vial_pairs_free(&f->errors);
    free(f);
}

const vial_pairs *keg_form_errors(const keg_form *f)
{
    return f != NULL ? &f->errors : NULL;
}

/* SOLUTION(20) BEGIN */
/* 1 for the bytes Python's str.strip() removes that keg strips too. */
static int keg_form_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* A copy of s without leading and trailing white space; NULL when out of memory. */
static char *keg_form_strip(const char *s)
{
    size_t len = strlen(s);
    while (len > 0 && keg_form_space(s[len - 1]))
        len--;
    while (len > 0 && keg_form_space(*s)) {
        s++;
        len--;
    }
    return strndup(s, len);
}

/* Characters in UTF-8 text: the bytes that do not continue a character. */
static size_t keg_form_chars(const char *s)
{
    size_t n = 0;
    for (; *s != '\0'; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

/* IntegerField.to_python on stripped text: [+-]digits, then optionally "." and zeros
 * (Django strips them); the number into *out. 0 when it is one, -1 when not (keg also
 * refuses what a long long cannot hold). */
static int keg_form_int(const char *s, long long *out)
{
    const char *p = s + (*s == '+' || *s == '-');
    size_t digits = strspn(p, "0123456789");
    if (digits == 0)
        return -1;
    const char *end = p + digits;
    if (*end == '.')
        end += 1 + strspn(end + 1, "0");
    if (*end != '\0')
        return -1;
    char num[32];
    if ((size_t)(p - s) + digits >= sizeof num)
        return -1;
    memcpy(num, s, (size_t)(p - s) + digits);
    num[(size_t)(p - s) + digits] = '\0';
    errno = 0;
    *out = strtoll(num, NULL, 10);
    return errno == ERANGE ? -1 : 0;
}

/* CheckboxInput's value: absent, "" and "false" (any case) are unchecked. */
static int keg_form_checked(const char *raw)
{
    return raw != NULL && raw[0] != '\0' && strcasecmp(raw, "false") != 0;
}

/* 1 when v is one of the choices. */
static int keg_form_in_choices(const struct keg_choice *c, const char *v)
{
    for (; c->value != NULL; c++)
        if (strcmp(c->value, v) == 0)
            return 1;
    return 0;
}

/* Field.clean(): to_python, validate (required, choices), validators (max_length).
 * Returns NULL and the cleaned text in *out (caller frees; NULL when out of memory),
 * or the message (static, or formatted in msg). */
static const char *keg_form_clean_field(const struct keg_form_slot *s, char **out,
                                        char *msg, size_t cap)
{
    static const char required[] = "This field is required.";
    const struct keg_form_field *fd = &s->field;
    const char *raw = s->raw != NULL ? s->raw : "";
    *out = NULL;
    if (fd->kind == KEG_BOOL) {
        int on = keg_form_checked(s->raw);
        if (!on && fd->required)
            return required;
        *out = strdup(on ? "1" : "0");
        return NULL;
    }
    if (fd->choices != NULL) {
        if (raw[0] == '\0' && fd->required)
            return required;
        if (raw[0] != '\0' && !keg_form_in_choices(fd->choices, raw)) {
            snprintf(msg, cap, "Select a valid choice. %s is not one of the available "
                     "choices.", raw);
            return msg;
        }
        *out = strdup(raw);
        return NULL;
    }
    char *v = keg_form_strip(raw);
    if (v == NULL)
        return NULL;
    if (v[0] == '\0') {
        if (fd->required) {
            free(v);
            return required;
        }
        *out = v;
        return NULL;
    }
    if (fd->kind == KEG_INTEGER) {
        long long n;
        int bad = keg_form_int(v, &n);
        free(v);
        if (bad)
            return "Enter a whole number.";
        snprintf(msg, cap, "%lld", n);
        *out = strdup(msg);
        return NULL;
    }
    size_t chars = keg_form_chars(v);
    if (fd->max_length > 0 && chars > (size_t)fd->max_length) {
        free(v);
        snprintf(msg, cap, "Ensure this value has at most %d character%s (it has %zu).",
                 fd->max_length, fd->max_length == 1 ? "" : "s", chars);
        return msg;
    }
    *out = v;
    return NULL;
}

/* Cleans slot s and then runs its clean_<field> hook. Returns 0 or KEG_ENOMEM. */
static int keg_form_run_field(keg_form *f, struct keg_form_slot *s)
{
    char msg[1024];
    char *v = NULL;
    const char *err = keg_form_clean_field(s, &v, msg, sizeof msg);
    if (err == NULL && v == NULL)
        return KEG_ENOMEM;
    if (err == NULL && s->field.clean != NULL) {
        char *old = v;
        err = s->field.clean(f, &v);
        if (v != old)
            free(old);
    }
    if (err != NULL) {
        free(v);
        return keg_form_add_error(f, s->field.name, err);
    }
    s->value = v;
    return KEG_OK;
}

/* Sets the model field of slot s on obj from its cleaned text (Django's
 * construct_instance): an empty text is NULL for a nullable char field and for a
 * number; a field with a default that data left out keeps the default. */
static int keg_form_put(const struct keg_form_slot *s, void *obj)
{
    const keg_field *mf = s->mf;
    const char *v = s->value;
    if (mf == NULL || v == NULL)
        return KEG_OK;
    if ((mf->flags & KEG_DEFAULT) && s->raw == NULL && v[0] == '\0' && mf->kind != KEG_BOOL)
        return KEG_OK;
    if (mf->kind == KEG_CHAR || mf->kind == KEG_TEXTFIELD)
        return keg_obj_set_text(obj, mf->name,
                                v[0] == '\0' && (mf->flags & KEG_NULLABLE) ? NULL : v);
    if (mf->kind == KEG_BOOL) {
        *(int *)(void *)((char *)obj + mf->offset) = v[0] == '1';
        return KEG_OK;
    }
    *(long long *)(void *)((char *)obj + mf->offset) = v[0] != '\0' ? strtoll(v, NULL, 10) : 0;
    return keg_obj_set_null(obj, mf->name, v[0] == '\0');
}

/* Copies every cleaned model field of f into obj. */
static int keg_form_fill(const keg_form *f, void *obj)
{
    for (size_t i = 0; i < f->n; i++) {
        int rc = keg_form_put(&f->slots[i], obj);
        if (rc != KEG_OK)
            return rc;
    }
    return KEG_OK;
}

/* A ModelForm's _post_clean: full_clean with unique checks on an instance built from
 * the cleaned data. Errors of fields the form does not edit, of fields already in error
 * and of empty fields the form does not require are left out (Django excludes those
 * fields from the model's validation). */
static int keg_form_model_clean(keg_form *f, keg_db *db)
{
    void *obj = keg_obj_new(f->def->model);
    if (obj == NULL)
        return KEG_ENOMEM;
    *(long long *)(void *)((char *)obj + f->def->model->fields[0].offset) = f->instance_id;
    vial_pairs errs;
    vial_pairs_init(&errs);
    int rc = keg_form_fill(f, obj);
    if (rc == KEG_OK) {
        rc = keg_full_clean(db, obj, &errs);
        rc = rc == KEG_EVALIDATION ? KEG_OK : rc;
    }
    for (size_t i = 0; rc == KEG_OK && i < errs.len; i++) {
        struct keg_form_slot *s = keg_form_slot(f, errs.items[i].name);
        if (s == NULL || s->mf == NULL || s->value == NULL
            || (!s->field.required && s->value[0] == '\0' && !(s->mf->flags & KEG_BLANK)))
            continue;
        rc = keg_form_add_error(f, s->field.name, errs.items[i].value);
    }
    vial_pairs_free(&errs);
    keg_obj_free(obj);
    return rc;
}
/* SOLUTION(20) END */

int keg_form_is_valid(keg_form *f, keg_db *db)
{
/* SOLUTION(20) BEGIN */
    if (f == NULL || !f->bound)
        return 0;
    if (f->state >= 0)
        return f->state;
    for (size_t i = 0; i < f->n; i++)
        if (keg_form_run_field(f, &f->slots[i]) != KEG_OK)
            return f->state = 0;
    if (f->def->clean != NULL)
        f->def->clean(f);
    if (f->def->model != NULL && keg_form_model_clean(f, db) != KEG_OK)
        return f->state = 0;
    return f->state = f->errors.len == 0;
/* SOLUTION(20) STUB
    (void)f;
    (void)db;
    return 0;
   SOLUTION(20) END */
}

const char *keg_form_value(const keg_form *f, const char *name)
{
/* SOLUTION(20) BEGIN */
    const struct keg_form_slot *s = f != NULL ? keg_form_slot(f, name) : NULL;
    return s != NULL ? s->value : NULL;
/* SOLUTION(20) STUB
    (void)f;
    (void)name;
    return NULL;
   SOLUTION(20) END */
}

int keg_form_add_error(keg_form *f, const char *field, const char *message)
{
/* SOLUTION(20) BEGIN */
    if (f == NULL || message == NULL)
        return KEG_EINVALID;
    if (field == NULL || strcmp(field, "__all__") == 0)
        field = "__all__";
    else {
        struct keg_form_slot *s = keg_form_slot(f, field);
        if (s == NULL)
            return KEG_EINVALID;
        free(s->value);
        s->value = NULL;
    }
    if (vial_pairs_adds(&f->errors, field, message) != 0)
        return KEG_ENOMEM;
    if (f->state == 1)
        f->state = 0;
    return KEG_OK;
/* SOLUTION(20) STUB
    (void)f;
    (void)field;
    (void)message;
    return KEG_EINVALID;
   SOLUTION(20) END */
}

int keg_form_set_instance(keg_form *f, const void *obj)
{
/* SOLUTION(20) BEGIN */
    if (f == NULL || obj == NULL || f->def->model == NULL
        || ((const keg_obj *)obj)->model != f->def->model)
        return KEG_EINVALID;
    f->instance_id = *(const long long *)(const void *)((const char *)obj
                                                        + f->def->model->fields[0].offset);
    return KEG_OK;
/* SOLUTION(20) STUB
    (void)f;
    (void)obj;
    return KEG_EINVALID;
   SOLUTION(20) END */
}

int keg_form_save(keg_db *db, keg_form *f, void *obj)
{
/* SOLUTION(20) BEGIN */
    if (f == NULL || obj == NULL || f->state != 1 || f->def->model == NULL
        || ((keg_obj *)obj)->model != f->def->model)
        return KEG_EINVALID;
    int rc = keg_form_fill(f, obj);
    return rc != KEG_OK ? rc : keg_save(db, obj);
/* SOLUTION(20) STUB
    (void)db;
    (void)f;
    (void)obj;
    return KEG_EINVALID;
   SOLUTION(20) END */
}

/* SOLUTION(20) BEGIN */
/* Appends s with & < > " ' escaped as Django's escape() does. */
static void keg_form_esc(struct keg_sql *b, const char *s)
{
    static const struct { char c; const char *ent; } ents[] = {
        { '&', "&amp;" }, { '<', "&lt;" }, { '>', "&gt;" }, { '"', "&quot;" },
        { '\'', "&#x27;" },
    };
    for (; *s != '\0'; s++) {
        const char *ent = NULL;
        for (size_t i = 0; i < sizeof ents / sizeof ents[0]; i++)
            if (*s == ents[i].c)
                ent = ents[i].ent;
        if (ent != NULL)
            keg_sql_add(b, ent);
        else
            keg_sql_addn(b, s, 1);
    }
}

/* <ul class="CLASS"><li>..</li>...</ul> of the errors under `name`, if any. */
static void keg_form_errlist(struct keg_sql *b, const keg_form *f, const char *name,
                             const char *cls)
{
    long i = vial_pairs_next(&f->errors, name, 0);
    if (i < 0)
        return;
    keg_sql_printf(b, "<ul class=\"%s\">", cls);
    for (; i >= 0; i = vial_pairs_next(&f->errors, name, (size_t)i + 1)) {
        keg_sql_add(b, "<li>");
        keg_form_esc(b, f->errors.items[i].value);
        keg_sql_add(b, "</li>");
    }
    keg_sql_add(b, "</ul>\n");
}

/* Django's pretty_name: "_" as " ", the first letter upper case, the rest lower. */
static void keg_form_label(struct keg_sql *b, const char *name)
{
    for (size_t i = 0; name[i] != '\0'; i++) {
        char c = name[i] == '_' ? ' ' : name[i];
        if (i == 0 && c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        else if (i > 0 && c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        keg_sql_addn(b, &c, 1);
    }
}

/* The widget of slot s with its bound value. */
static void keg_form_widget(struct keg_sql *b, const struct keg_form_slot *s)
{
    const struct keg_form_field *fd = &s->field;
    const char *req = fd->required ? " required" : "";
    if (fd->choices != NULL) {
        keg_sql_printf(b, "<select name=\"%s\"%s id=\"id_%s\">\n", fd->name, req, fd->name);
        const char *cur = s->raw != NULL ? s->raw : "";
        if (s->blank_choice)
            keg_sql_printf(b, "<option value=\"\"%s>---------</option>\n",
                           cur[0] == '\0' ? " selected" : "");
        for (const struct keg_choice *c = fd->choices; c->value != NULL; c++) {
            keg_sql_add(b, "<option value=\"");
            keg_form_esc(b, c->value);
            keg_sql_printf(b, "\"%s>", strcmp(c->value, cur) == 0 ? " selected" : "");
            keg_form_esc(b, c->label);
            keg_sql_add(b, "</option>\n");
        }
        keg_sql_add(b, "</select>\n");
        return;
    }
    if (fd->kind == KEG_BOOL) {
        keg_sql_printf(b, "<input type=\"checkbox\" name=\"%s\"%s id=\"id_%s\"%s>\n", fd->name,
                       req, fd->name, keg_form_checked(s->raw) ? " checked" : "");
        return;
    }
    if (fd->kind == KEG_TEXTFIELD) {
        keg_sql_printf(b, "<textarea name=\"%s\" cols=\"40\" rows=\"10\"", fd->name);
        if (fd->max_length > 0)
            keg_sql_printf(b, " maxlength=\"%d\"", fd->max_length);
        keg_sql_printf(b, "%s id=\"id_%s\">\n", req, fd->name);
        keg_form_esc(b, s->raw != NULL ? s->raw : "");
        keg_sql_add(b, "</textarea>\n");
        return;
    }
    keg_sql_printf(b, "<input type=\"%s\" name=\"%s\"",
                   fd->kind == KEG_INTEGER ? "number" : "text", fd->name);
    if (s->raw != NULL && s->raw[0] != '\0') {
        keg_sql_add(b, " value=\"");
        keg_form_esc(b, s->raw);
        keg_sql_add(b, "\"");
    }
    if (fd->kind == KEG_CHAR && fd->max_length > 0)
        keg_sql_printf(b, " maxlength=\"%d\"", fd->max_length);
    keg_sql_printf(b, "%s id=\"id_%s\">\n", req, fd->name);
}
/* SOLUTION(20) END */

char *keg_form_render(const keg_form *f)
{
/* SOLUTION(20) BEGIN */
    if (f == NULL)
        return NULL;
    struct keg_sql b = { 0 };
    keg_form_errlist(&b, f, "__all__", "errorlist nonfield");
    for (size_t i = 0; i < f->n; i++) {
        const struct keg_form_slot *s = &f->slots[i];
        keg_sql_printf(&b, "<div>\n<label for=\"id_%s\">", s->field.name);
        keg_form_label(&b, s->field.name);
        keg_sql_add(&b, ":</label>\n");
        keg_form_errlist(&b, f, s->field.name, "errorlist");
        keg_form_widget(&b, s);
        keg_sql_add(&b, "</div>\n");
    }
    return keg_sql_steal(&b);
/* SOLUTION(20) STUB
    (void)f;
    return NULL;
   SOLUTION(20) END */
}
