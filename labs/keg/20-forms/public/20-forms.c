/* 20-forms.c -- public tests of lab 20: a plain form (cleaning, Django's messages, hooks
 * in order, escaped HTML) and a ModelForm on an in-memory database (unique checks, an
 * instance, a save that ignores what the form does not list). Run with
 * `make test LAB=20`; debug with `gdb build/tests/20-forms`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "keg.h"

static char ran[128];

/* Notes that a hook ran, in order. */
static void ran_add(const char *what)
{
    size_t n = strlen(ran);
    snprintf(ran + n, sizeof ran - n, "%s", what);
}

static const char *no_spam(keg_form *f, char **value)
{
    (void)f;
    ran_add("clean_subject ");
    return strstr(*value, "spam") ? "No spam, please." : NULL;
}

static void same_twice(keg_form *f)
{
    ran_add("clean");
    const char *a = keg_form_value(f, "email"), *b = keg_form_value(f, "email2");
    if (a != NULL && b != NULL && strcmp(a, b) != 0)
        keg_form_add_error(f, NULL, "The addresses differ.");
}

static const struct keg_choice topics[] = { { "bug", "Bug" }, { "idea", "Idea & wish" },
                                            { NULL, NULL } };
static const struct keg_form_field contact_fields[] = {
    { .name = "subject", .kind = KEG_CHAR, .required = 1, .max_length = 10, .clean = no_spam },
    { .name = "copies", .kind = KEG_INTEGER },
    { .name = "topic", .kind = KEG_CHAR, .required = 1, .choices = topics },
    { .name = "email", .kind = KEG_CHAR, .max_length = 40 },
    { .name = "email2", .kind = KEG_CHAR, .max_length = 40 },
    { .name = "urgent", .kind = KEG_BOOL },
};
static const struct keg_form_def contact = { contact_fields, 6, same_twice, NULL, NULL };

/* A bound contact form of "name=value" pairs (NULL-ended). */
static keg_form *bind(const char *const *kv, vial_pairs *data)
{
    vial_pairs_init(data);
    for (; *kv != NULL; kv++) {
        const char *eq = strchr(*kv, '=');
        vial_pairs_add(data, *kv, (size_t)(eq - *kv), eq + 1, strlen(eq + 1));
    }
    return keg_form_new(&contact, data);
}

static const char *error_of(const keg_form *f, const char *name)
{
    return vial_pairs_get(keg_form_errors(f), name);
}

static void plain_forms(void)
{
    vial_pairs d;
    keg_form *f = bind((const char *const[]){ "subject=  Hello  ", "copies= 007 ",
                                              "topic=idea", "urgent=on", NULL }, &d);
    if (f == NULL)
        BAIL_OUT("keg_form_new returned NULL");
    ran[0] = '\0';
    is_int(keg_form_is_valid(f, NULL), 1, "a good form is valid");
    is_str(keg_form_value(f, "subject"), "Hello", "text is stripped");
    is_str(keg_form_value(f, "copies"), "7", "a number is cleaned to decimal");
    is_str(keg_form_value(f, "urgent"), "1", "a checked box is \"1\"");
    is_str(ran, "clean_subject clean", "clean_subject, then clean()");
    keg_form_free(f);
    vial_pairs_free(&d);

    f = bind((const char *const[]){ "subject=A very long subject", "copies=two",
                                    "topic=<b>", NULL }, &d);
    is_int(keg_form_is_valid(f, NULL), 0, "a bad form is not valid");
    is_str(error_of(f, "subject"), "Ensure this value has at most 10 characters (it has 19).",
           "max_length, in Django's words");
    is_str(error_of(f, "copies"), "Enter a whole number.", "not a number");
    is_str(error_of(f, "topic"), "Select a valid choice. <b> is not one of the available "
           "choices.", "not a choice");
    ok(keg_form_value(f, "subject") == NULL, "a field in error has no value");
    char *html = keg_form_render(f);
    ok(html != NULL && strstr(html, "<li>Select a valid choice. &lt;b&gt; is not one")
       != NULL, "the message is escaped in the HTML");
    ok(html != NULL && strstr(html, "<input type=\"text\" name=\"subject\" value=\"A very long "
                              "subject\" maxlength=\"10\" required id=\"id_subject\">\n")
       != NULL, "the posted value is shown again");
    ok(html != NULL && strstr(html, "<option value=\"idea\">Idea &amp; wish</option>\n")
       != NULL, "choices' labels are escaped");
    free(html);
    keg_form_free(f);
    vial_pairs_free(&d);

    f = bind((const char *const[]){ "subject=spam", "topic=bug", "email=a@x", "email2=b@x",
                                    "email2=a@x\"", NULL }, &d);
    ran[0] = '\0';
    is_int(keg_form_is_valid(f, NULL), 0, "hooks may refuse");
    is_str(error_of(f, "subject"), "No spam, please.", "clean_subject's message");
    is_str(error_of(f, "__all__"), "The addresses differ.", "clean()'s non-field error");
    is_str(keg_form_value(f, "email2"), "a@x\"", "the last value of a name counts");
    html = keg_form_render(f);
    ok(html != NULL && strncmp(html, "<ul class=\"errorlist nonfield\"><li>The addresses "
                               "differ.</li></ul>\n<div>\n", 66) == 0,
       "non-field errors come first");
    ok(html != NULL && strstr(html, "value=\"a@x&quot;\"") != NULL, "quotes are escaped");
    free(html);
    keg_form_free(f);
    vial_pairs_free(&d);

    f = keg_form_new(&contact, NULL);
    is_int(keg_form_is_valid(f, NULL), 0, "an unbound form is not valid");
    is_int((int)keg_form_errors(f)->len, 0, "and has no errors");
    html = keg_form_render(f);
    is_str(html != NULL ? strstr(html, "<div>\n<label for=\"id_urgent\">") : NULL,
           "<div>\n<label for=\"id_urgent\">Urgent:</label>\n"
           "<input type=\"checkbox\" name=\"urgent\" id=\"id_urgent\">\n</div>\n",
           "an unbound checkbox");
    free(html);
    keg_form_free(f);
}

struct member {
    keg_obj obj;
    long long id;
    char *username;
    int is_staff;
};

static const keg_field member_fields[] = {
    KEG_FIELD(struct member, id, KEG_AUTO),
    KEG_FIELD(struct member, username, KEG_CHAR, .max_length = 20, .flags = KEG_UNIQUE),
    KEG_FIELD(struct member, is_staff, KEG_BOOL, .flags = KEG_DEFAULT),
};
static const keg_model app_member = KEG_MODEL(app, member, struct member, member_fields);
static const char *const signup_fields[] = { "username", NULL };
static const struct keg_form_def signup = { .model = &app_member, .model_fields = signup_fields };

/* Posts username (and is_staff=on) to the sign-up form; saves into m when valid. */
static int sign_up(keg_db *db, const char *username, struct member *m, const char **err)
{
    vial_pairs d;
    vial_pairs_init(&d);
    vial_pairs_adds(&d, "username", username);
    vial_pairs_adds(&d, "is_staff", "on");
    keg_form *f = keg_form_new(&signup, &d);
    if (m->id != 0)
        keg_form_set_instance(f, m);
    int rc = keg_form_is_valid(f, db) == 1 ? keg_form_save(db, f, m) : -100;
    static char msg[200];
    snprintf(msg, sizeof msg, "%s", error_of(f, "username") ? error_of(f, "username") : "");
    *err = msg;
    keg_form_free(f);
    vial_pairs_free(&d);
    return rc;
}

static void model_forms(void)
{
    keg_db *db = keg_db_open(":memory:", NULL);
    if (db == NULL || keg_create_table(db, &app_member) != 0)
        BAIL_OUT("no database (labs 13 and 14)");
    struct member m = { 0 }, other = { 0 };
    const char *err;
    keg_obj_init(&m, &app_member);
    keg_obj_init(&other, &app_member);
    is_int(sign_up(db, "ada", &m, &err), 0, "a ModelForm saves");
    ok(m.id == 1 && m.is_staff == 0, "a POSTed is_staff is not a form field: not saved");
    is_int(sign_up(db, "ada", &other, &err), -100, "a taken username is a form error");
    is_str(err, "Member with this Username already exists.", "with Django's message");
    is_int(sign_up(db, "ada", &m, &err), 0, "an instance keeps its own username");
    keg_obj_clear(&m);
    keg_obj_clear(&other);
    keg_db_close(db);
}

int main(void)
{
    plan(27);
    plain_forms();
    model_forms();
    return done_testing();
}
