/* checker.c -- lab 20's hidden tests. Random forms, data and bodies from the seed: the
 * driver builds each form with the learner's keg, this checker the same form with the
 * reference (it is linked with it), and the transcripts (validity, cleaned values,
 * errors in order, the order the hooks ran, the HTML, what saving did and the rows) must
 * be equal. Then a sign-up app over real HTTP (libcurl, a cookie jar): answers and the
 * database compared with the reference run on a mirror database; a POSTed is_staff has
 * no effect, a unique clash is a form error, oversize and malformed bodies save
 * nothing. Run as `checker SEED`. */
#include "ops.h"        /* the driver's spec code, run here on the reference */

#include <curl/curl.h>

#include "tap.h"
#include "httpcheck.h"

static struct wire_rng rng;
static struct wire_peer peer;

/* ---- random forms and data ------------------------------------------------------------ */

static const char *const pick_names[] = { "title", "code", "count", "agree", "kind", "note",
                                          "Zip_Code", "eMail_ADDR" };
static const char *const pick_kinds[] = { "char", "text", "int", "bool" };
static const char *const pick_choice_sets[] = {
    "red/Red,green/Green,blue/Blue", "a&b/A&B,x<y/<b>,it's/O'k", "s/Small,m/Medium,l/Large,xl/XL",
};
/* Awkward text: markup, quotes, spaces, characters of several bytes. */
static const char *const pick_texts[] = {
    "hello", "<script>alert(1)</script>", "Tom & Jerry", "\"quoted\"", "it's", " padded ",
    "caf\xc3\xa9", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", "q-tip", "a\tb", "<b>bold</b>",
    "x", "line\nbreak", "&amp;", "quiet", "\r\v padded\f\t\n",
};
static const char *const pick_ints[] = {
    "42", " 7 ", "+3", "-12", "0", "4.00", "1.5", "12a", "abc", "99999999999999999999",
    "-0", "007", "1e3", ".5", "3.", "", "\v\r5\f\r",
};
static const char *const pick_bools[] = { "on", "false", "FALSE", "", "1", "0", "true" };

#define PICK(a) (a)[wire_rng_below(&rng, sizeof (a) / sizeof (a)[0])]

/* Appends v urlencoded. */
static void put_enc(struct wire_buf *b, const char *v)
{
    for (const unsigned char *p = (const unsigned char *)v; *p != '\0'; p++) {
        char e[4];
        if (isalnum(*p) || strchr("-._~", *p) != NULL)
            wire_buf_add(b, p, 1);
        else if (*p == ' ' && wire_rng_below(&rng, 2) == 0)
            wire_buf_str(b, "+");
        else {
            snprintf(e, sizeof e, "%%%02X", *p);
            wire_buf_str(b, e);
        }
    }
}

static void put_pair(struct wire_buf *b, const char *name, const char *v)
{
    if (b->len > 0 && b->data[b->len - 1] != ' ')
        wire_buf_str(b, "&");
    wire_buf_str(b, name);
    wire_buf_str(b, "=");
    put_enc(b, v);
}

/* A value for a field of that kind (and choices, when the set is given). */
static void pick_value(const char *kind, const char *choices, int escapes, char *out, size_t cap)
{
    uint64_t r = wire_rng_below(&rng, 10);
    if (escapes) {
        snprintf(out, cap, "%s", PICK(pick_texts));
        if (strcmp(kind, "int") == 0 || strcmp(kind, "bool") == 0 || strchr(out, '<') == NULL)
            snprintf(out, cap, "<i>%s</i>&\"'", PICK(pick_texts));
    } else if (choices != NULL && r < 7) {
        char set[96];
        snprintf(set, sizeof set, "%s", choices);
        int n = 0;
        for (char *p = set; *p != '\0'; p++)
            n += *p == ',';
        int k = (int)wire_rng_below(&rng, (uint64_t)n + 1);
        char *item = set;
        for (int i = 0; i < k; i++)
            item = strchr(item, ',') + 1;
        item[strcspn(item, "/")] = '\0';
        snprintf(out, cap, "%s", item);
    } else if (choices != NULL)
        snprintf(out, cap, "%s", r == 7 ? "" : r == 8 ? "<nope>" : "Red");
    else if (strcmp(kind, "int") == 0)
        snprintf(out, cap, "%s", PICK(pick_ints));
    else if (strcmp(kind, "bool") == 0)
        snprintf(out, cap, "%s", PICK(pick_bools));
    else if (r < 2)
        snprintf(out, cap, "%s", r == 0 ? "" : "   ");
    else if (r < 4) {
        char w[24];
        wire_rng_word(&rng, w, "abcdefgqxyz", 11, 1, 16);
        snprintf(out, cap, "%s", w);
    } else
        snprintf(out, cap, "%s", PICK(pick_texts));
}

struct picked {
    char name[16], kind[8], choices[96];
    int has_choices;
};

/* A random plain form: fields, perhaps hooks and a clean(), and (bound) data. */
static void random_plain(struct wire_buf *s, int bound, int hooks, int escapes)
{
    struct picked f[SPEC_MAXF];
    int order[8] = { 0, 1, 2, 3, 4, 5, 6, 7 };
    for (int i = 7; i > 0; i--) {
        int j = (int)wire_rng_below(&rng, (uint64_t)i + 1), t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    int n = 1 + (int)wire_rng_below(&rng, 5);
    for (int i = 0; i < n; i++) {
        snprintf(f[i].name, sizeof f[i].name, "%s", pick_names[order[i]]);
        snprintf(f[i].kind, sizeof f[i].kind, "%s", PICK(pick_kinds));
        f[i].has_choices = strcmp(f[i].kind, "char") == 0 && wire_rng_below(&rng, 3) == 0;
        snprintf(f[i].choices, sizeof f[i].choices, "%s",
                 f[i].has_choices ? PICK(pick_choice_sets) : "-");
        int req = strcmp(f[i].kind, "bool") == 0 ? wire_rng_below(&rng, 4) == 0
                                                 : wire_rng_below(&rng, 3) != 0;
        int max = (strcmp(f[i].kind, "char") == 0 || strcmp(f[i].kind, "text") == 0)
                  && wire_rng_below(&rng, 3) != 0 ? 1 + (int)wire_rng_below(&rng, 12) : 0;
        const char *hook = "-";
        if (hooks && strcmp(f[i].kind, "bool") != 0 && wire_rng_below(&rng, 3) != 0)
            hook = strcmp(f[i].kind, "int") == 0 || wire_rng_below(&rng, 2) ? "upper" : "noq";
        char line[256];
        snprintf(line, sizeof line, "field %s %s %d %d %s %s\n", f[i].name, f[i].kind, req,
                 max, f[i].choices, hook);
        wire_buf_str(s, line);
    }
    if (wire_rng_below(&rng, 3) == 0)
        wire_buf_str(s, "probe\n");
    if (hooks && n >= 2 && wire_rng_below(&rng, 3) != 0) {
        char line[64];
        snprintf(line, sizeof line, "clean differ %s %s\n", f[0].name, f[1].name);
        wire_buf_str(s, line);
    } else if (hooks) {
        char line[64];
        snprintf(line, sizeof line, "clean zero %s\n", f[wire_rng_below(&rng, (uint64_t)n)].name);
        wire_buf_str(s, line);
    }
    if (!bound)
        return;
    wire_buf_str(s, "data ");
    char v[128], first[128] = "";
    for (int i = 0; i < n; i++) {
        if (wire_rng_below(&rng, 8) == 0)
            continue;                           /* absent */
        pick_value(f[i].kind, f[i].has_choices ? f[i].choices : NULL, escapes, v, sizeof v);
        if (i == 1 && first[0] != '\0' && wire_rng_below(&rng, 2) == 0)
            snprintf(v, sizeof v, "%s", first); /* clean() sees equal values */
        if (i == 0)
            snprintf(first, sizeof first, "%s", v);
        if (wire_rng_below(&rng, 8) == 0)
            put_pair(s, f[i].name, "ignored: an earlier value");
        put_pair(s, f[i].name, v);
    }
    if (wire_rng_below(&rng, 3) == 0)
        put_pair(s, "is_staff", "1");
    wire_buf_str(s, "\n");
}

static const char *const member_editable[] = { "nickname", "age", "role", "bio", "plan" };

/* A random ModelForm on lab20_member, bound, with rows before it. */
static void random_model(struct wire_buf *s, int bound)
{
    char used[3][16];
    int nrows = (int)wire_rng_below(&rng, 3);
    wire_buf_str(s, "model\nfields username");
    for (size_t i = 0; i < sizeof member_editable / sizeof member_editable[0]; i++)
        if (wire_rng_below(&rng, 3) != 0) {
            wire_buf_str(s, ",");
            wire_buf_str(s, member_editable[i]);
        }
    if (wire_rng_below(&rng, 5) == 0)
        wire_buf_str(s, ",is_staff");
    wire_buf_str(s, "\n");
    uint64_t extra = wire_rng_below(&rng, 4);
    if (extra == 0)
        wire_buf_str(s, "field username char 1 6 - upper\n");
    else if (extra == 1)
        wire_buf_str(s, "field confirm char 0 12 - -\nclean differ username confirm\n");
    if (nrows > 0) {
        wire_buf_str(s, "row ");
        for (int i = 0; i < nrows; i++) {
            wire_rng_word(&rng, used[i], "abcxyz", 6, 2, 5);
            wire_buf_str(s, i ? "," : "");
            wire_buf_str(s, used[i]);
        }
        wire_buf_str(s, "\n");
    }
    if (wire_rng_below(&rng, 3) == 0)
        wire_buf_str(s, "probe\n");
    int inst = nrows > 0 && wire_rng_below(&rng, 3) == 0;
    if (inst)
        wire_buf_str(s, "instance 1\n");
    if (!bound)
        return;
    char v[128];
    wire_buf_str(s, "data ");
    if (nrows > 0 && wire_rng_below(&rng, 2) == 0)
        snprintf(v, sizeof v, "%s", used[inst ? 0 : wire_rng_below(&rng, (uint64_t)nrows)]);
    else
        pick_value("char", NULL, 0, v, sizeof v);
    put_pair(s, "username", v);
    if (extra == 1)
        put_pair(s, "confirm", wire_rng_below(&rng, 2) ? v : "other");
    if (wire_rng_below(&rng, 4) != 0) {
        pick_value("char", NULL, 0, v, sizeof v);
        put_pair(s, "nickname", v);
    }
    if (wire_rng_below(&rng, 4) != 0) {
        pick_value("int", NULL, 0, v, sizeof v);
        put_pair(s, "age", v);
    }
    if (wire_rng_below(&rng, 5) != 0) {
        pick_value("char", "user/User,editor/E,admin/A", 0, v, sizeof v);
        put_pair(s, "role", v);
    }
    if (wire_rng_below(&rng, 2) != 0) {
        pick_value("text", NULL, 0, v, sizeof v);
        put_pair(s, "bio", v);
    }
    if (wire_rng_below(&rng, 3) == 0)           /* absent: plan keeps its default */
        put_pair(s, "plan", wire_rng_below(&rng, 2) ? "" : "pro");
    if (wire_rng_below(&rng, 2) != 0)
        put_pair(s, "is_staff", PICK(pick_bools));
    if (wire_rng_below(&rng, 4) == 0)
        put_pair(s, "id", "99");
    wire_buf_str(s, "\n");
}

/* ---- comparing transcripts ------------------------------------------------------------ */

/* The reference's transcript of a spec: the driver's ops.h, on the reference. */
static char *reference_run(const char *spec)
{
    struct wire_buf out = { 0 };
    char *copy = strdup(spec);
    if (copy == NULL)
        tap_bail_out("out of memory");
    wire_buf_add(&out, "", 0);
    driver_form(copy, &out);
    free(copy);
    return out.data;
}

/* The 1-based number of the first line where a and b differ. */
static int first_difference(const char *a, const char *b)
{
    int line = 1;
    for (; *a != '\0' && *a == *b; a++, b++)
        line += *a == '\n';
    return line;
}

/* Runs `n` specs made by make(s); one test: the first spec whose transcript differs. */
static void check_specs(int line, const char *test, int n, void (*make)(struct wire_buf *))
{
    for (int i = 0; i < n; i++) {
        struct wire_buf s = { 0 };
        make(&s);
        char *want = reference_run(s.data), *got = NULL;
        size_t glen = 0;
        if (wire_call(&peer, "form", s.data, s.len, &got, &glen) != 0) {
            free(want);
            wire_buf_free(&s);
            wire_fail_dead(__FILE__, line, test);
            return;
        }
        int same = strcmp(got, want) == 0;
        if (!same) {
            char msg[96];
            snprintf(msg, sizeof msg, "form %d of %d: the answers differ from line %d", i + 1,
                     n, first_difference(got, want));
            tap_attach("spec", s.data);
            tap_fail_with(__FILE__, line, msg, got, want, "%s", test);
        }
        free(got);
        free(want);
        wire_buf_free(&s);
        if (!same)
            return;
    }
    tap_ok(__FILE__, line, 1, "%s", test);
}

static void make_unbound(struct wire_buf *s)
{
    if (wire_rng_below(&rng, 3) == 0)
        random_model(s, 0);
    else
        random_plain(s, 0, 0, 0);
}

static void make_bound(struct wire_buf *s)
{
    random_plain(s, 1, 0, 0);
}

static void make_hooks(struct wire_buf *s)
{
    random_plain(s, 1, 1, 0);
}

static void make_escapes(struct wire_buf *s)
{
    random_plain(s, 1, 0, 1);
}

static void make_model(struct wire_buf *s)
{
    random_model(s, 1);
}

/* ---- the sign-up app over HTTP -------------------------------------------------------- */

static int port = -1;
static CURL *web;                       /* one handle, its cookie jar on */
static keg_db *mirror;                  /* the reference's database of the same posts */

static int http(const char *method, const char *path, const char *body, struct hc_reply *rep)
{
    char url[256];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
    curl_easy_reset(web);
    hc_setup(web, url, 8000L, HC_HEADERS | HC_BODIES, rep);
    curl_easy_setopt(web, CURLOPT_COOKIEFILE, "");
    curl_easy_setopt(web, CURLOPT_CUSTOMREQUEST, method);
    struct curl_slist *hdrs = curl_slist_append(NULL, "Expect:");
    curl_easy_setopt(web, CURLOPT_HTTPHEADER, hdrs);
    if (body != NULL) {
        curl_easy_setopt(web, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(web, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    }
    int rc = port > 0 ? hc_perform(web, rep) : hc_fail(rep, "the server did not start");
    curl_slist_free_all(hdrs);
    return rc;
}

/* What the app answers a POST of body (to the member `edit`, or a new one when 0), by
 * the reference on the mirror database: the status and, for 200, the page. Caller frees
 * *page. */
static long expect_post(const char *body, long long edit, char **page)
{
    vial_pairs pairs;
    vial_pairs_init(&pairs);
    *page = NULL;
    if (spec_decode(body, &pairs) != 0) {
        vial_pairs_free(&pairs);
        return 400;
    }
    struct member m = { 0 };
    keg_obj_init(&m, &lab20_member);
    long status = 500;
    if (edit > 0 && keg_get(mirror, &lab20_member, edit, &m) != 0)
        status = 404;
    else {
        keg_form *f = keg_form_new(&signup_def, &pairs);
        if (edit > 0)
            keg_form_set_instance(f, &m);
        if (keg_form_is_valid(f, mirror) == 1)
            status = keg_form_save(mirror, f, &m) == 0 ? 303 : 500;
        else {
            *page = keg_form_render(f);
            status = 200;
        }
        keg_form_free(f);
    }
    keg_obj_clear(&m);
    vial_pairs_free(&pairs);
    return status;
}

static char *mirror_rows(void)
{
    struct wire_buf b = { 0 };
    wire_buf_add(&b, "", 0);
    spec_rows(mirror, &b);
    return b.data;
}

/* The first problem of a test is kept. */
struct verdict {
    int failed;
    char message[160];
    struct wire_buf got, want, transcript;
};

static void fail(struct verdict *v, const struct hc_reply *rep, const char *message,
                 const char *got, const char *want)
{
    if (v->failed++)
        return;
    snprintf(v->message, sizeof v->message, "%s", message);
    wire_buf_str(&v->got, got ? got : "");
    wire_buf_str(&v->want, want ? want : "");
    if (rep != NULL && rep->transcript.data != NULL)
        wire_buf_str(&v->transcript, rep->transcript.data);
}

static void finish(struct verdict *v, int line, const char *test)
{
    if (!v->failed)
        tap_ok(__FILE__, line, 1, "%s", test);
    else {
        if (v->transcript.data != NULL)
            tap_attach("transcript", v->transcript.data);
        tap_fail_with(__FILE__, line, v->message, v->got.data, v->want.data, "%s", test);
    }
    wire_buf_free(&v->got);
    wire_buf_free(&v->want);
    wire_buf_free(&v->transcript);
    memset(v, 0, sizeof *v);
}

/* POSTs body to the subject and compares the answer with the reference's. */
static void post_compare(struct verdict *v, const char *body, long long edit)
{
    char path[64], st[32], want_st[32];
    snprintf(path, sizeof path, edit > 0 ? "/members/%lld/edit" : "/signup", edit);
    char *page = NULL;
    long want = expect_post(body, edit, &page);
    struct hc_reply rep;
    http("POST", path, body, &rep);
    snprintf(st, sizeof st, "%ld", rep.status);
    snprintf(want_st, sizeof want_st, "%ld", want);
    if (rep.status != want)
        fail(v, &rep, "the status differs", st, want_st);
    else if (want == 200 && strcmp(rep.body.data, page) != 0)
        fail(v, &rep, "the form page differs", rep.body.data, page);
    free(page);
    hc_reply_free(&rep);
}

/* GET /members must list the mirror's rows. */
static void rows_compare(struct verdict *v, const char *what)
{
    struct hc_reply rep;
    http("GET", "/members", NULL, &rep);
    char *want = mirror_rows();
    if (rep.status != 200 || strcmp(rep.body.data, want) != 0)
        fail(v, &rep, what, rep.body.data, want);
    free(want);
    hc_reply_free(&rep);
}

/* A sign-up body: random fields, now and then an is_staff, an id or a taken name. */
static void random_body(struct wire_buf *b, char taken[][16], int ntaken)
{
    char v[128];
    wire_buf_add(b, "", 0);
    if (ntaken > 0 && wire_rng_below(&rng, 4) == 0)
        snprintf(v, sizeof v, "%s", taken[wire_rng_below(&rng, (uint64_t)ntaken)]);
    else if (wire_rng_below(&rng, 5) == 0)
        pick_value("char", NULL, 0, v, sizeof v);
    else
        wire_rng_word(&rng, v, "abcdefghijklmnop", 16, 3, 10);
    put_pair(b, "username", v);
    if (wire_rng_below(&rng, 2))
        put_pair(b, "nickname", PICK(pick_texts));
    if (wire_rng_below(&rng, 2)) {
        pick_value("int", NULL, 0, v, sizeof v);
        put_pair(b, "age", v);
    }
    pick_value("char", "user/User,editor/E,admin/A", 0, v, sizeof v);
    put_pair(b, "role", v);
    if (wire_rng_below(&rng, 2))
        put_pair(b, "bio", PICK(pick_texts));
    if (wire_rng_below(&rng, 3) == 0)
        put_pair(b, "is_staff", "on");
}

static void test_unbound_page(void)
{
    struct verdict v = { 0 };
    struct hc_reply rep;
    http("GET", "/signup", NULL, &rep);
    keg_form *f = keg_form_new(&signup_def, NULL);
    char *want = keg_form_render(f);
    if (rep.status != 200 || strcmp(rep.body.data, want) != 0)
        fail(&v, &rep, "GET /signup must answer 200 and the unbound form", rep.body.data, want);
    free(want);
    keg_form_free(f);
    hc_reply_free(&rep);
    finish(&v, __LINE__, "GET /signup: the unbound ModelForm's page");
}

static void test_signups(void)
{
    struct verdict v = { 0 };
    char taken[24][16];
    int ntaken = 0;
    for (int i = 0; i < 24 && !v.failed; i++) {
        struct wire_buf b = { 0 };
        random_body(&b, taken, ntaken);
        const char *u = strstr(b.data, "username=") + 9;
        size_t n = strcspn(u, "&");
        if (n < 16 && ntaken < 24 && strchr(u, '%') == NULL)
            snprintf(taken[ntaken++], 16, "%.*s", (int)n, u);
        post_compare(&v, b.data, 0);
        wire_buf_free(&b);
    }
    rows_compare(&v, "GET /members: the saved rows differ");
    finish(&v, __LINE__, "POST /signup: valid forms saved (303), invalid ones shown again "
           "with their errors (200)");
}

static void test_mass_assignment(void)
{
    struct verdict v = { 0 };
    char name[16], body[128];
    wire_rng_word(&rng, name, "klmnrst", 7, 6, 9);
    snprintf(body, sizeof body, "username=%s&role=admin&is_staff=on&id=77&is_superuser=1",
             name);
    post_compare(&v, body, 0);
    rows_compare(&v, "a POSTed is_staff or id must change nothing");
    struct hc_reply rep;
    http("GET", "/members", NULL, &rep);
    if (rep.body.data != NULL && (strstr(rep.body.data, "|1\n") != NULL
                                  || strncmp(rep.body.data, "77|", 3) == 0))
        fail(&v, &rep, "a member has is_staff 1 or the id 77", rep.body.data, "is_staff 0");
    hc_reply_free(&rep);
    finish(&v, __LINE__, "mass assignment: is_staff, id and unknown fields in a POST are ignored");
}

static void test_clash(void)
{
    struct verdict v = { 0 };
    char name[16], body[64];
    wire_rng_word(&rng, name, "uvwxyz", 6, 5, 8);
    snprintf(body, sizeof body, "username=%s&role=user", name);
    post_compare(&v, body, 0);
    long long last = 0;
    keg_db_query_int(mirror, "SELECT max(id) FROM lab20_member", NULL, 0, &last);
    snprintf(body, sizeof body, "username=%s&role=editor&nickname=again", name);
    post_compare(&v, body, 0);          /* taken: the form page with the unique error */
    post_compare(&v, body, last);       /* the member keeps its own name: no clash */
    if (last > 1)
        post_compare(&v, body, 1);      /* another member's name: a clash */
    rows_compare(&v, "after the unique clashes the rows differ");
    finish(&v, __LINE__, "a unique clash is a form error (200, nothing saved), editing keeps "
           "the member's own name");
}

static void test_bad_bodies(void)
{
    struct verdict v = { 0 };
    char name[16], body[64];
    wire_rng_word(&rng, name, "defghi", 6, 5, 8);
    snprintf(body, sizeof body, "username=%s&role=admin", name);
    post_compare(&v, body, 0);          /* a valid one first: it is saved */
    struct wire_buf big = { 0 };
    wire_buf_str(&big, "role=user&username=big&bio=");
    while (big.len <= WEB_MAX_BODY)
        wire_rng_buf_word(&rng, &big, "abcdef", 6, 64, 64);
    struct hc_reply rep;
    http("POST", "/signup", big.data, &rep);
    if (rep.status != 413)
        fail(&v, &rep, "a body past the limit must be refused with 413", NULL, "413");
    hc_reply_free(&rep);
    wire_buf_free(&big);
    static const char *const bad[] = { "username=%zz&role=user", "username=ok%4&role=user",
                                       "username=a%00b&role=user" };
    const char *b = PICK(bad);
    http("POST", "/signup", b, &rep);
    if (rep.status != 400)
        fail(&v, &rep, "a malformed body must be refused with 400", NULL, "400");
    hc_reply_free(&rep);
    rows_compare(&v, "a refused body must save nothing");
    finish(&v, __LINE__, "oversize (413) and malformed (400) bodies save nothing");
}

/* ---- main ---------------------------------------------------------------------------- */

static void run_http(void)
{
    char *ans = NULL;
    size_t alen = 0;
    if (wire_call(&peer, "serve", "", 0, &ans, &alen) != 0) {
        for (int i = 0; i < 5; i++)
            WIRE_FAIL_DEAD("the sign-up app over HTTP");
        return;
    }
    port = (int)strtol(ans, NULL, 10);
    if (port <= 0)
        tap_diag("the app did not start: %s", ans);
    free(ans);
    web = curl_easy_init();
    mirror = keg_db_open(":memory:", NULL);
    if (web == NULL || mirror == NULL || keg_create_table(mirror, &lab20_member) != 0)
        tap_bail_out("the checker could not set up its mirror database or libcurl");
    test_unbound_page();
    test_signups();
    test_mass_assignment();
    test_clash();
    test_bad_bodies();
    curl_easy_cleanup(web);
    keg_db_close(mirror);
    if (wire_call(&peer, "stop", "", 0, &ans, &alen) == 0)
        free(ans);
}

int main(int argc, char **argv)
{
    wire_rng_seed(&rng, wire_seed_arg(argc, argv));
    wire_peer_init(&peer, 20000);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    tap_plan(10);
    check_specs(__LINE__, "unbound forms render: labels, widgets, choices, required", 15,
                make_unbound);
    check_specs(__LINE__, "bound forms: to_python, required, choices, max_length, the last "
                "value of a name, values and errors", 40, make_bound);
    check_specs(__LINE__, "clean_<field> after its field cleaned, clean() last, add_error",
                30, make_hooks);
    check_specs(__LINE__, "re-rendered values and messages are escaped", 15, make_escapes);
    check_specs(__LINE__, "ModelForm: model validation, unique checks, instance, save of "
                "model_fields only", 30, make_model);
    run_http();
    int rc = wire_finish(&peer);
    curl_global_cleanup();
    return rc;
}
