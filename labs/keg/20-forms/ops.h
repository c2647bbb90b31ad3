/* ops.h -- lab 20's forms from a spec, shared by driver.c (built with your keg/ and vial/
 * into the program the checker talks to), which builds and cleans each form with your
 * keg, and checker.c, which builds the same form with the reference: both sides build
 * each form the same way. driver_form answers what it saw: valid or not, each value, the
 * errors, the order the clean hooks ran in, the HTML, and for a ModelForm what saving
 * did. The sign-up app's form (signup_def) and its body cap are here too.
 * A SPEC is lines:
 *   model                        a ModelForm on lab20_member (else a plain form)
 *   fields a,b                   its model_fields
 *   field NAME KIND REQ MAX CHOICES HOOK
 *                                KIND char|text|int|bool, CHOICES "-" or "v/Label,..",
 *                                HOOK "-", "upper" (upper-cases) or "noq" (refuses a q)
 *   clean differ A B | clean zero A    the form's clean()
 *   row NAME                     a member saved first
 *   instance N                   edit member N
 *   probe                        keg_form_set_instance with NULL and with a new member
 *   data URLENCODED              the posted data (no data line: unbound) */
#ifndef LAB20_OPS_H
#define LAB20_OPS_H

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keg.h"
#include "wire.h"

/* ---- forms from a spec (checker.c runs this code on the reference) ---------------- */

#define SPEC_MAXF 8

struct member {
    keg_obj obj;
    long long id;
    char *username;
    char *nickname;
    long long age;
    char *role;
    char *bio;
    char *plan;
    int is_staff;
};

static const struct keg_choice member_roles[] = {
    { "user", "User" }, { "editor", "Editor & co" }, { "admin", "<Admin>" }, { NULL, NULL },
};

static const keg_field member_fields[] = {
    KEG_FIELD(struct member, id, KEG_AUTO),
    KEG_FIELD(struct member, username, KEG_CHAR, .max_length = 12, .flags = KEG_UNIQUE),
    KEG_FIELD(struct member, nickname, KEG_CHAR, .max_length = 10, .flags = KEG_BLANK),
    KEG_FIELD(struct member, age, KEG_INTEGER, .flags = KEG_NULLABLE | KEG_BLANK),
    KEG_FIELD(struct member, role, KEG_CHAR, .max_length = 8, .choices = member_roles),
    KEG_FIELD(struct member, bio, KEG_TEXTFIELD, .flags = KEG_BLANK),
    KEG_FIELD(struct member, plan, KEG_CHAR, .max_length = 8, .flags = KEG_DEFAULT | KEG_BLANK,
              .default_text = "free"),
    KEG_FIELD(struct member, is_staff, KEG_BOOL, .flags = KEG_DEFAULT, .default_int = 0),
};
static const keg_model lab20_member = KEG_MODEL(lab20, member, struct member, member_fields);

struct spec {
    struct keg_form_field fields[SPEC_MAXF];
    struct keg_choice choices[SPEC_MAXF][6];
    char names[SPEC_MAXF][16];
    char hooks[SPEC_MAXF][8];
    const char *model_fields[SPEC_MAXF];
    char mf_names[SPEC_MAXF][16];
    struct keg_form_def def;
    char clean[8], ca[16], cb[16];
    struct wire_buf log;
};

static struct spec *spec_now;           /* the spec whose hooks are running */

static const char *spec_hook(int i, keg_form *f, char **value)
{
    (void)f;
    wire_buf_str(&spec_now->log, " clean_");
    wire_buf_str(&spec_now->log, spec_now->names[i]);
    if (strcmp(spec_now->hooks[i], "noq") == 0 && strchr(*value, 'q') != NULL)
        return "No q here.";
    if (strcmp(spec_now->hooks[i], "upper") == 0) {
        char *up = strdup(*value);
        for (char *p = up; p != NULL && *p != '\0'; p++)
            *p = (char)toupper((unsigned char)*p);
        if (up != NULL)
            *value = up;
    }
    return NULL;
}

#define SPEC_HOOK(I) \
    static const char *spec_hook##I(keg_form *f, char **v) { return spec_hook(I, f, v); }
SPEC_HOOK(0) SPEC_HOOK(1) SPEC_HOOK(2) SPEC_HOOK(3)
SPEC_HOOK(4) SPEC_HOOK(5) SPEC_HOOK(6) SPEC_HOOK(7)
static const char *(*const spec_hooks[SPEC_MAXF])(keg_form *, char **) = {
    spec_hook0, spec_hook1, spec_hook2, spec_hook3,
    spec_hook4, spec_hook5, spec_hook6, spec_hook7,
};

static void spec_form_clean(keg_form *f)
{
    struct spec *s = spec_now;
    wire_buf_str(&s->log, " clean");
    const char *a = keg_form_value(f, s->ca), *b = keg_form_value(f, s->cb);
    char msg[64];
    if (strcmp(s->clean, "differ") == 0 && a != NULL && b != NULL && strcmp(a, b) != 0) {
        snprintf(msg, sizeof msg, "%s and %s differ.", s->ca, s->cb);
        keg_form_add_error(f, NULL, msg);
    }
    if (strcmp(s->clean, "zero") == 0 && a != NULL && strcmp(a, "0") == 0)
        keg_form_add_error(f, s->ca, "Zero is not allowed.");
}

static const struct { const char *word; enum keg_kind kind; } spec_kinds[] = {
    { "char", KEG_CHAR }, { "text", KEG_TEXTFIELD }, { "int", KEG_INTEGER },
    { "bool", KEG_BOOL },
};

/* "v/L,v/L" into the choices of field i; the text stays in `line`, which outlives it. */
static void spec_choices(struct spec *s, int i, char *text)
{
    int n = 0;
    for (char *item = strtok_r(text, ",", &text); item != NULL && n < 5;
         item = strtok_r(NULL, ",", &text)) {
        char *slash = strchr(item, '/');
        if (slash == NULL)
            continue;
        *slash = '\0';
        s->choices[i][n++] = (struct keg_choice){ item, slash + 1 };
    }
    s->choices[i][n] = (struct keg_choice){ NULL, NULL };
    s->fields[i].choices = s->choices[i];
}

static void spec_field(struct spec *s, char *rest)
{
    size_t i = s->def.nfields;
    char name[16], kind[8], choices[160], hook[8];
    int req = 0, max = 0;
    if (i >= SPEC_MAXF || sscanf(rest, "%15s %7s %d %d %159s %7s", name, kind, &req, &max,
                                 choices, hook) != 6)
        return;
    snprintf(s->names[i], sizeof s->names[i], "%s", name);
    snprintf(s->hooks[i], sizeof s->hooks[i], "%s", hook);
    struct keg_form_field *f = &s->fields[i];
    *f = (struct keg_form_field){ .name = s->names[i], .kind = KEG_AUTO, .required = req,
                                  .max_length = max };
    for (size_t k = 0; k < sizeof spec_kinds / sizeof spec_kinds[0]; k++)
        if (strcmp(kind, spec_kinds[k].word) == 0)
            f->kind = spec_kinds[k].kind;
    if (strcmp(choices, "-") != 0) {
        char *copy = strstr(rest, choices);     /* choices stay in the spec's text */
        copy[strlen(choices)] = '\0';
        spec_choices(s, (int)i, copy);
    }
    if (strcmp(hook, "-") != 0)
        f->clean = spec_hooks[i];
    s->def.nfields = i + 1;
}

/* Parses the spec in place. *data gets the data line's text, NULL when there is none. */
static void spec_parse(struct spec *s, char *text, char **data, char **rows, long *instance,
                       int *probe)
{
    memset(s, 0, sizeof *s);
    *probe = 0;
    s->def.fields = s->fields;
    *data = NULL;
    *instance = 0;
    *rows = NULL;
    for (char *line = text, *nl; line != NULL && *line != '\0'; line = nl) {
        nl = strchr(line, '\n');
        if (nl != NULL)
            *nl++ = '\0';
        char *rest = strchr(line, ' ');
        rest = rest != NULL ? rest + 1 : line + strlen(line);
        if (strncmp(line, "model", 5) == 0)
            s->def.model = &lab20_member;
        else if (strncmp(line, "fields ", 7) == 0) {
            int n = 0;
            for (char *t = strtok_r(rest, ",", &rest); t != NULL && n < SPEC_MAXF - 1;
                 t = strtok_r(NULL, ",", &rest), n++) {
                snprintf(s->mf_names[n], sizeof s->mf_names[n], "%s", t);
                s->model_fields[n] = s->mf_names[n];
            }
            s->model_fields[n] = NULL;
            s->def.model_fields = s->model_fields;
        } else if (strncmp(line, "field ", 6) == 0)
            spec_field(s, rest);
        else if (strncmp(line, "clean ", 6) == 0) {
            sscanf(rest, "%7s %15s %15s", s->clean, s->ca, s->cb);
            s->def.clean = spec_form_clean;
        } else if (strncmp(line, "row ", 4) == 0 && *rows == NULL)
            *rows = rest;
        else if (strcmp(line, "probe") == 0)
            *probe = 1;
        else if (strncmp(line, "instance ", 9) == 0)
            *instance = strtol(rest, NULL, 10);
        else if (strncmp(line, "data", 4) == 0)
            *data = rest;
    }
}

/* Decodes an urlencoded body into pairs ("" gives none). -1 for a bad escape. */
static int spec_decode(const char *body, vial_pairs *out)
{
    const char *p = body;
    while (*p != '\0') {
        size_t n = strcspn(p, "&");
        const char *eq = memchr(p, '=', n);
        size_t nl = eq ? (size_t)(eq - p) : n;
        char *name = vial_percent_decode(p, nl, 1, NULL);
        char *value = eq ? vial_percent_decode(eq + 1, n - nl - 1, 1, NULL) : strdup("");
        int rc = name && value ? vial_pairs_adds(out, name, value) : -1;
        free(name);
        free(value);
        if (rc != 0)
            return -1;
        p += n + (p[n] == '&');
    }
    return 0;
}

static const char *spec_status(int rc)
{
    static const struct { int rc; const char *name; } names[] = {
        { KEG_OK, "ok" }, { KEG_ERROR, "KEG_ERROR" }, { KEG_ENOMEM, "KEG_ENOMEM" },
        { KEG_EINTEGRITY, "KEG_EINTEGRITY" }, { KEG_ENOTFOUND, "KEG_ENOTFOUND" },
        { KEG_EINVALID, "KEG_EINVALID" }, { KEG_EVALIDATION, "KEG_EVALIDATION" },
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].rc == rc)
            return names[i].name;
    return "another status";
}

/* The rows of lab20_member, one a line. */
static void spec_rows(keg_db *db, struct wire_buf *out)
{
    keg_rows *r = NULL;
    if (keg_db_query(db, "SELECT id, username, nickname, age, role, bio, plan, is_staff FROM "
                     "lab20_member ORDER BY id", NULL, 0, &r) != 0) {
        wire_buf_str(out, "(the rows could not be read)\n");
        return;
    }
    while (keg_rows_next(r) == 1) {
        for (int c = 0; c < 8; c++) {
            size_t len = 0;
            const char *t = keg_rows_text(r, c, &len);
            wire_buf_str(out, c ? "|" : "");
            if (t == NULL)
                wire_buf_str(out, "NULL");
            else
                wire_buf_escaped(out, t, len, 0);
        }
        wire_buf_str(out, "\n");
    }
    keg_rows_close(r);
}

static void spec_line(struct wire_buf *out, const char *key, const char *v)
{
    wire_buf_str(out, key);
    if (v == NULL) {
        wire_buf_str(out, " (none)\n");
        return;
    }
    wire_buf_str(out, " \"");
    wire_buf_escaped(out, v, strlen(v), 0);
    wire_buf_str(out, "\"\n");
}

/* "value NAME = "text"" or "value NAME (none)". */
static void spec_value(struct wire_buf *out, const keg_form *f, const char *name)
{
    char key[64];
    snprintf(key, sizeof key, "value %s", name);
    spec_line(out, key, keg_form_value(f, name));
}

/* Runs the form of `text` on db (a ModelForm's table is there) into out. */
static void spec_run(char *text, keg_db *db, struct wire_buf *out)
{
    struct spec *s = calloc(1, sizeof *s);
    char *data, *rows;
    long instance;
    int probe;
    if (s == NULL)
        return;
    spec_parse(s, text, &data, &rows, &instance, &probe);
    spec_now = s;
    for (char *t = rows ? strtok_r(rows, ",", &rows) : NULL; t != NULL;
         t = strtok_r(NULL, ",", &rows)) {
        keg_value v = keg_text(t);
        keg_db_exec(db, "INSERT INTO lab20_member (username, nickname, age, role, bio, "
                    "plan, is_staff) VALUES (?, '', NULL, 'user', '', 'gold', 0)", &v, 1);
    }
    vial_pairs pairs;
    vial_pairs_init(&pairs);
    if (data != NULL && spec_decode(data, &pairs) != 0)
        wire_buf_str(out, "(bad data in the spec)\n");
    keg_form *f = keg_form_new(&s->def, data != NULL ? &pairs : NULL);
    wire_buf_str(out, f != NULL ? "form: created\n" : "form: keg_form_new returned NULL\n");
    struct member inst = { 0 };
    if (f != NULL && probe) {           /* a new member has id 0: no row is being edited */
        struct member m = { 0 };
        wire_buf_str(out, "set_instance(NULL): ");
        wire_buf_str(out, spec_status(keg_form_set_instance(f, NULL)));
        if (keg_obj_init(&m, &lab20_member) == 0) {
            wire_buf_str(out, ", set_instance(a new member): ");
            wire_buf_str(out, spec_status(keg_form_set_instance(f, &m)));
            keg_obj_clear(&m);
        }
        wire_buf_str(out, "\n");
    }
    if (f != NULL && instance > 0 && keg_obj_init(&inst, &lab20_member) == 0
        && keg_get(db, &lab20_member, instance, &inst) == 0)
        wire_buf_str(out, keg_form_set_instance(f, &inst) == 0 ? "instance: set\n"
                                                                : "instance: refused\n");
    if (f != NULL) {
        int valid = keg_form_is_valid(f, db);
        wire_buf_str(out, valid == 1 ? "valid: yes\n" : valid == 0 ? "valid: no\n"
                                                                  : "valid: neither 1 nor 0\n");
        wire_buf_str(out, "hooks:");
        wire_buf_str(out, s->log.data ? s->log.data : "");
        wire_buf_str(out, "\n");
        for (size_t i = 0; s->def.model_fields != NULL && s->model_fields[i] != NULL; i++)
            spec_value(out, f, s->model_fields[i]);
        for (size_t i = 0; i < s->def.nfields; i++)
            if (s->def.model == NULL || keg_model_field(&lab20_member, s->names[i]) == NULL)
                spec_value(out, f, s->names[i]);
        spec_value(out, f, "is_staff");
        const vial_pairs *e = keg_form_errors(f);
        for (size_t i = 0; e != NULL && i < e->len; i++) {
            wire_buf_str(out, "error ");
            wire_buf_str(out, e->items[i].name);
            spec_line(out, ":", e->items[i].value);
        }
        char *html = keg_form_render(f);
        wire_buf_str(out, "render:\n");
        wire_buf_str(out, html != NULL ? html : "(NULL)\n");
        free(html);
        if (s->def.model != NULL) {
            struct member m = { 0 };
            int rc = instance > 0 ? 0 : keg_obj_init(&m, &lab20_member);
            int saved = rc == 0 ? keg_form_save(db, f, instance > 0 ? (void *)&inst : &m) : rc;
            wire_buf_str(out, "save: ");
            wire_buf_str(out, spec_status(saved));
            wire_buf_str(out, "\nrows:\n");
            spec_rows(db, out);
            keg_obj_clear(&m);
        }
    }
    if (inst.obj.model != NULL)
        keg_obj_clear(&inst);
    keg_form_free(f);
    vial_pairs_free(&pairs);
    wire_buf_free(&s->log);
    spec_now = NULL;
    free(s);
}



/* A "form" frame: a fresh in-memory database with lab20_member for each. */
static void driver_form(char *spec, struct wire_buf *out)
{
    keg_db *db = keg_db_open(":memory:", NULL);
    if (db == NULL || keg_create_table(db, &lab20_member) != 0) {
        wire_buf_str(out, "could not set up the database (labs 13 and 14)\n");
        keg_db_close(db);
        return;
    }
    spec_run(spec, db, out);
    keg_db_close(db);
}

/* ---- the sign-up app ------------------------------------------------------------------ */

#define WEB_MAX_BODY 2048

static const char *const signup_fields[] = { "username", "nickname", "age", "role", "bio",
                                             NULL };
static const struct keg_form_def signup_def = { .model = &lab20_member,
                                                .model_fields = signup_fields };

#endif
