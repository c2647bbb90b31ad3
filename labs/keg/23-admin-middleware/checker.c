/* checker.c -- lab 23's hidden tests. The driver serves ops.h's app on your keg; the
 * checker builds the same app on the reference keg and vial and runs it in process with
 * vial's test client. Every story sends the same requests to both, as two browsers with
 * their own cookies (yours over real HTTP with a libcurl cookie jar), and compares the
 * answers line by line: status, the headers that matter (Location, Content-Type,
 * Cache-Control and the middleware's), and the body with each CSRF token shown as
 * "(token)". Rows (items, users, names with HTML in them) come from the seed and go into
 * both databases with the same SQL. Run as `checker SEED`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "keg.h"
#include "tap.h"
#include "wire.h"
#include "httpcheck.h"
#include "refserver.h"
#include "ops.h"            /* the driver's app: the reference side runs it too */

static struct wire_rng rng;
static struct wire_peer peer;
static int port;
static struct lab23_site ref;
static int per_page, users;
static long hsts;
static char dom1[16], dom2[16];         /* allowed_hosts: ".DOM1.test,exact.DOM2.test,.,..." */
static char setup_s[160], setup_r[160]; /* the installs' results, yours and the reference's */
static const char lower[] = "abcdefghijklmnopqrstuvwxyz";

/* The headers compared, in this order. */
static const char *const shown_headers[] = {
    "Location", "Content-Type", "Cache-Control", "X-Content-Type-Options",
    "Referrer-Policy", "Cross-Origin-Opener-Policy", "X-Frame-Options",
    "Strict-Transport-Security", "Allow",
};

/* Two browsers, yours (httpcheck's, over HTTP) and the reference's (vial's test client,
 * in process), each with its cookies and the CSRF token of the last page that had one. */
struct pair {
    struct hc_browser sb;
    vial_client *ref;
    char tok_s[80], tok_r[80];
};

static void pair_new(struct pair *p)
{
    memset(p, 0, sizeof *p);
    hc_browser_new(&p->sb, port);
    p->ref = vial_client_new(ref.app);
}

static void pair_free(struct pair *p)
{
    hc_browser_free(&p->sb);
    vial_client_free(p->ref);
}

/* The driver's answer to a frame (caller frees; a message when it is gone). */
static char *ask(const char *frame, const char *arg)
{
    char *ans = NULL;
    size_t alen = 0;
    if (wire_call(&peer, frame, arg, strlen(arg), &ans, &alen) < 0)
        return strdup("(the program stopped answering)");
    return ans;
}

/* Runs sql in both databases. */
static void both_exec(const char *sql)
{
    struct wire_buf rc = { 0 };
    char *ans = ask("exec", sql);
    lab23_exec(ref.db, sql, &rc);
    wire_buf_add(&rc, "", 0);
    static int told;
    if (strcmp(ans, rc.data) != 0 && told++ < 2)
        tap_diag("exec %s: yours %s, the reference's %s", sql, ans, rc.data);
    free(ans);
    wire_buf_free(&rc);
}

/* Compares the driver's answer to the frame `name` with the reference's (want, freed),
 * each under "LABEL:\n". */
static void frame_fact(struct hc_story *st, const char *label, const char *name,
                       const char *arg, struct wire_buf *want)
{
    char *got = ask(name, arg);
    struct wire_buf side[2] = { { 0 }, { 0 } };
    wire_buf_add(want, "", 0);
    const char *text[2] = { got, want->data };
    for (int i = 0; i < 2; i++) {
        wire_buf_str(&side[i], label);
        wire_buf_str(&side[i], ":\n");
        wire_buf_str(&side[i], text[i]);
        wire_buf_add(&side[i], "", 0);
    }
    hc_fact(st, side[0].data, side[1].data);
    free(got);
    for (int i = 0; i < 2; i++)
        wire_buf_free(&side[i]);
    wire_buf_free(want);
}

/* Compares the rows of sql in both databases. */
static void sql_fact(struct hc_story *st, const char *label, const char *sql)
{
    struct wire_buf want = { 0 };
    lab23_text(ref.db, sql, &want);
    frame_fact(st, label, "text", sql, &want);
}

/* text with every CSRF token replaced by "(token)"; the token itself into tok (kept when
 * the page has none). */
static void mask_tokens(struct wire_buf *out, const char *text, char *tok, size_t cap)
{
    const char *p = text;
    for (const char *f; (f = strstr(p, HC_CSRF_FIELD)) != NULL;) {
        f += strlen(HC_CSRF_FIELD);
        size_t n = strcspn(f, "\"");
        wire_buf_add(out, p, (size_t)(f - p));
        wire_buf_str(out, "(token)");
        snprintf(tok, cap, "%.*s", (int)n, f);
        p = f + n;
    }
    wire_buf_str(out, p);
}

/* "METHOD TARGET -> STATUS", the shown headers (value from get(h, name)), the body. */
static void answer_text(struct wire_buf *out, const char *method, const char *target,
                        long status, const char *(*get)(const void *h, const char *name,
                                                        char *buf, size_t cap),
                        const void *h, const char *body, char *tok, size_t cap)
{
    char line[1400], v[600];
    snprintf(line, sizeof line, "%s %s -> %ld\n", method, target, status);
    wire_buf_str(out, line);
    for (size_t i = 0; i < sizeof shown_headers / sizeof shown_headers[0]; i++)
        if (get(h, shown_headers[i], v, sizeof v) != NULL) {
            snprintf(line, sizeof line, "  %s: %s\n", shown_headers[i], v);
            wire_buf_str(out, line);
        }
    mask_tokens(out, body != NULL ? body : "", tok, cap);
}

static const char *curl_header(const void *h, const char *name, char *buf, size_t cap)
{
    const struct hc_reply *rep = h;
    return hc_find_header(rep->headers.data ? rep->headers.data : "", name, buf, cap);
}

static const char *vial_header(const void *h, const char *name, char *buf, size_t cap)
{
    const char *v = vial_response_header(h, name);
    if (v == NULL)
        return NULL;
    snprintf(buf, cap, "%s", v);
    return buf;
}

/* form with "{csrf}" replaced by tok, into out. */
static void with_token(const char *form, const char *tok, struct wire_buf *out)
{
    const char *at = strstr(form, "{csrf}");
    if (at == NULL) {
        wire_buf_str(out, form);
    } else {
        wire_buf_add(out, form, (size_t)(at - form));
        wire_buf_str(out, tok);
        wire_buf_str(out, at + 6);
    }
    wire_buf_add(out, "", 0);
}

/* Your side of one request, over HTTP. */
static void send_subject(struct pair *p, struct hc_story *st, const char *method,
                         const char *target, const char *form, const char *header,
                         struct wire_buf *out)
{
    struct hc_reply rep;
    const char *const headers[] = { header, NULL };
    if (hc_browser_send(&p->sb, method, target, form, headers, &st->log, &rep) == 0)
        answer_text(out, method, target, rep.status, curl_header, &rep, rep.body.data,
                    p->tok_s, sizeof p->tok_s);
    else {
        wire_buf_str(out, "no HTTP answer: ");
        wire_buf_str(out, rep.error);
        wire_buf_str(out, "\n");
    }
    hc_reply_free(&rep);
}

/* The reference's side of one request, in process. Without a Host header in `header` it
 * sends yours (127.0.0.1:PORT), which allowed_hosts lets in. */
static void send_reference(struct pair *p, const char *method, const char *target,
                           const char *form, const char *header, struct wire_buf *out)
{
    vial_pairs hs;
    vial_response res;
    char name[64], host[40];
    vial_pairs_init(&hs);
    vial_response_init(&res);
    if (header != NULL) {
        size_t n = strcspn(header, ":");
        snprintf(name, sizeof name, "%.*s", (int)n, header);
        vial_pairs_adds(&hs, name, header[n] == ':' ? header + n + 2 : "");
    }
    if (header == NULL || strncmp(header, "Host:", 5) != 0) {
        snprintf(host, sizeof host, "127.0.0.1:%d", port);
        vial_pairs_adds(&hs, "Host", host);
    }
    if (form != NULL)
        vial_pairs_adds(&hs, "Content-Type", "application/x-www-form-urlencoded");
    int st = vial_client_open(p->ref, method, target, &hs, form, form ? strlen(form) : 0,
                              &res);
    answer_text(out, method, target, st, vial_header, &res, res.body, p->tok_r,
                sizeof p->tok_r);
    vial_response_free(&res);
    vial_pairs_free(&hs);
}

/* One request to both sides (form: a POST body where "{csrf}" stands for each side's
 * last token, or NULL; header: one extra "Name: value" line, or NULL), compared. */
static void step(struct hc_story *st, struct pair *p, const char *method, const char *target,
                 const char *form, const char *header)
{
    struct wire_buf got = { 0 }, want = { 0 }, fs = { 0 }, fr = { 0 };
    if (form != NULL) {
        with_token(form, p->tok_s, &fs);
        with_token(form, p->tok_r, &fr);
    }
    send_subject(p, st, method, target, form ? fs.data : NULL, header, &got);
    send_reference(p, method, target, form ? fr.data : NULL, header, &want);
    wire_buf_add(&got, "", 0);
    wire_buf_add(&want, "", 0);
    hc_fact(st, got.data, want.data);
    wire_buf_free(&got);
    wire_buf_free(&want);
    wire_buf_free(&fs);
    wire_buf_free(&fr);
}

/* ---- rows ------------------------------------------------------------------------------ */

/* Appends s as an SQL literal ('...' with quotes doubled). */
static void sql_lit(struct wire_buf *b, const char *s)
{
    wire_buf_str(b, "'");
    for (; *s != '\0'; s++) {
        if (*s == '\'')
            wire_buf_add(b, s, 1);
        wire_buf_add(b, s, 1);
    }
    wire_buf_str(b, "'");
}

/* Empties the shop tables of both sides, ids starting from 1 again. */
static void reset_shop(void)
{
    both_exec("DELETE FROM \"shop_tag\"");
    both_exec("DELETE FROM \"shop_item\"");
    both_exec("DELETE FROM \"sqlite_sequence\" WHERE \"name\" IN ('shop_tag', 'shop_item')");
}

/* A random item name with HTML, quotes or an ampersand in it, unique by its number. */
static void item_name(char *out, size_t cap, int i)
{
    static const char *const bits[] = {
        "<script>alert(1)</script>", "\"quoted\"", "it's", "a&b", "<b>bold</b>", "",
    };
    char w[10];
    wire_rng_word(&rng, w, lower, sizeof lower - 1, 3, 7);
    snprintf(out, cap, "%s%s %d", w, bits[wire_rng_below(&rng, 6)], i);
}

/* n random items in both databases; their names into names[i] (room for 64). */
static void add_items(int n, char names[][64])
{
    for (int i = 0; i < n; i++) {
        char notes[40], w[10];
        struct wire_buf sql = { 0 };
        item_name(names[i], 64, i + 1);
        wire_rng_word(&rng, w, lower, sizeof lower - 1, 3, 6);
        snprintf(notes, sizeof notes, "%s%s", w, wire_rng_below(&rng, 3) == 0 ? " <i>" : "");
        wire_buf_str(&sql, "INSERT INTO \"shop_item\" (\"name\", \"notes\", \"qty\", "
                     "\"active\") VALUES (");
        sql_lit(&sql, names[i]);
        wire_buf_str(&sql, ", ");
        sql_lit(&sql, notes);
        char tail[40];
        snprintf(tail, sizeof tail, ", %d, %d)", (int)wire_rng_below(&rng, 4),
                 (int)wire_rng_below(&rng, 2));
        wire_buf_str(&sql, tail);
        wire_buf_add(&sql, "", 0);
        both_exec(sql.data);
        wire_buf_free(&sql);
    }
}

/* A user (password "pw", hashed by the reference) in both databases; its id. */
static long long add_user(char *name, int staff, int super, int active)
{
    char w[12], sql[600];
    wire_rng_word(&rng, w, lower, sizeof lower - 1, 3, 8);
    snprintf(name, 24, "%s%d", w, ++users);
    char *enc = keg_password_make("pw", 2);
    snprintf(sql, sizeof sql, "INSERT INTO \"auth_user\" (\"password\", \"last_login\", "
             "\"is_superuser\", \"username\", \"email\", \"is_staff\", \"is_active\", "
             "\"date_joined\") VALUES ('%s', NULL, %d, '%s', '', %d, %d, "
             "'2024-01-01 00:00:00')", enc != NULL ? enc : "", super, name, staff, active);
    free(enc);
    both_exec(sql);
    long long id = 0;
    snprintf(sql, sizeof sql, "SELECT \"id\" FROM \"auth_user\" WHERE \"username\" = '%s'",
             name);
    keg_db_query_int(ref.db, sql, NULL, 0, &id);
    return id;
}

/* Gives user id the permission shop.CODENAME in both databases: directly, or through a
 * group of its own when by_group. */
static void grant(long long id, const char *codename, int by_group)
{
    char sql[400];
    if (by_group) {
        snprintf(sql, sizeof sql, "INSERT OR IGNORE INTO \"auth_group\" (\"name\") VALUES "
                 "('g%lld')", id);
        both_exec(sql);
        snprintf(sql, sizeof sql, "INSERT INTO \"auth_group_permissions\" (\"group_id\", "
                 "\"permission_id\") SELECT g.\"id\", p.\"id\" FROM \"auth_group\" g, "
                 "\"auth_permission\" p WHERE g.\"name\" = 'g%lld' AND p.\"app_label\" = "
                 "'shop' AND p.\"codename\" = '%s'", id, codename);
        both_exec(sql);
        snprintf(sql, sizeof sql, "INSERT INTO \"auth_user_groups\" (\"user_id\", "
                 "\"group_id\") SELECT %lld, \"id\" FROM \"auth_group\" WHERE \"name\" = "
                 "'g%lld' AND NOT EXISTS (SELECT 1 FROM \"auth_user_groups\" WHERE "
                 "\"user_id\" = %lld)", id, id, id);
    } else
        snprintf(sql, sizeof sql, "INSERT INTO \"auth_user_user_permissions\" (\"user_id\", "
                 "\"permission_id\") SELECT %lld, \"id\" FROM \"auth_permission\" WHERE "
                 "\"app_label\" = 'shop' AND \"codename\" = '%s'", id, codename);
    both_exec(sql);
}

/* Logs both browsers in on the admin's login page as name (next: /admin/). */
static void admin_login(struct hc_story *st, struct pair *p, const char *name)
{
    char form[200];
    step(st, p, "GET", "/admin/login/", NULL, NULL);
    snprintf(form, sizeof form, "csrfmiddlewaretoken={csrf}&username=%s&password=pw&"
             "next=/admin/", name);
    step(st, p, "POST", "/admin/login/", form, NULL);
}

/* ---- the stories --------------------------------------------------------------------- */

static void t_headers(const char *name)
{
    struct hc_story st = { 0 };
    struct pair p;
    pair_new(&p);
    step(&st, &p, "GET", "/hello", NULL, NULL);
    step(&st, &p, "GET", "/framed", NULL, NULL);
    step(&st, &p, "GET", "/no/such/page", NULL, NULL);
    step(&st, &p, "DELETE", "/hello", NULL, NULL);
    step(&st, &p, "POST", "/form", "a=1", NULL);
    step(&st, &p, "GET", "/boom", NULL, NULL);
    step(&st, &p, "GET", "/hello", NULL, "X-Forwarded-Proto: https");
    step(&st, &p, "GET", "/no/such/page", NULL, "X-Forwarded-Proto: https");
    step(&st, &p, "GET", "/hello", NULL, "X-Forwarded-Proto: http");
    step(&st, &p, "GET", "/framed", NULL, "X-Forwarded-Proto: https, http");
    pair_free(&p);
    hc_story_end(&st, name);
}

static void t_hosts(const char *name)
{
    struct hc_story st = { 0 };
    struct pair p;
    char w[10], h[8][80];
    pair_new(&p);
    wire_rng_word(&rng, w, lower, sizeof lower - 1, 2, 6);
    snprintf(h[0], sizeof h[0], "Host: %s.test", dom1);
    snprintf(h[1], sizeof h[1], "Host: %s.%s.test:8000", w, dom1);
    snprintf(h[2], sizeof h[2], "Host: x%s.test", dom1);
    snprintf(h[3], sizeof h[3], "Host: EXACT.%s.TEST", dom2);
    snprintf(h[4], sizeof h[4], "Host: other.%s.test", dom2);
    snprintf(h[5], sizeof h[5], "Host: %s", w);
    snprintf(h[6], sizeof h[6], "Host: %s.%s.test.", w, dom1);    /* "." takes "." alone, */
    snprintf(h[7], sizeof h[7], "Host: exact.%s.test.:80", dom2); /* not these, not "" */
    const char *const hosts[] = { h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], "Host: .",
        "Host: :80", "Host: localhost", "Host: 127.0.0.1:1", "Host: [::1]:8000", "Host: [::2]" };
    for (size_t i = 0; i < sizeof hosts / sizeof hosts[0]; i++)
        step(&st, &p, "GET", wire_rng_below(&rng, 2) ? "/hello" : "/framed", NULL, hosts[i]);
    const char *const dflt[] = { "localhost", "LocalHost:8000", "127.0.0.1", "sub.localhost",
                                 "example.com" };
    for (size_t i = 0; i < sizeof dflt / sizeof dflt[0]; i++) {
        struct wire_buf want = { 0 };
        char label[80];
        lab23_bare(ref.bare_app, dflt[i], &want);
        snprintf(label, sizeof label, "default allowed_hosts, Host %s", dflt[i]);
        frame_fact(&st, label, "bare", dflt[i], &want);
    }
    pair_free(&p);
    hc_story_end(&st, name);
}

static void t_login(const char *name)
{
    struct hc_story st = { 0 };
    struct pair p;
    char staff[24], plain[24], idle[24], w[10], target[120], form[200];
    add_user(staff, 1, 0, 1);
    add_user(plain, 0, 0, 1);
    add_user(idle, 1, 1, 0);
    hc_fact(&st, setup_s, setup_r);
    pair_new(&p);
    wire_rng_word(&rng, w, lower, sizeof lower - 1, 3, 8);
    snprintf(target, sizeof target, "/admin/shop/item/?q=%s&p=1", w);
    const char *const pages[] = { "/admin/", target, "/admin/shop/item/add/",
                                  "/admin/shop/item/1/change/", "/admin/shop/tag/1/delete/" };
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++)
        step(&st, &p, "GET", pages[i], NULL, NULL);
    step(&st, &p, "GET", "/admin/login/?next=/admin/shop/item/", NULL, NULL);
    const char *const who[] = { plain, idle, staff };
    for (size_t i = 0; i < 3; i++) {
        snprintf(form, sizeof form, "csrfmiddlewaretoken={csrf}&username=%s&password=%s&"
                 "next=/admin/shop/item/", who[i], i == 2 ? "wrong" : "pw");
        step(&st, &p, "POST", "/admin/login/", form, NULL);
    }
    snprintf(form, sizeof form, "csrfmiddlewaretoken={csrf}&username=%s&password=pw", plain);
    step(&st, &p, "POST", "/login", form, NULL);
    step(&st, &p, "GET", target, NULL, NULL);
    step(&st, &p, "GET", "/admin/login/", NULL, NULL);
    snprintf(form, sizeof form, "csrfmiddlewaretoken={csrf}&username=%s&password=pw&"
             "next=//evil.test/", staff);
    step(&st, &p, "POST", "/admin/login/", form, NULL);
    step(&st, &p, "GET", "/admin/", NULL, NULL);
    pair_free(&p);
    hc_story_end(&st, name);
}

static void t_changelist(const char *name)
{
    struct hc_story st = { 0 };
    struct pair p;
    char boss[24], names[16][64], target[80];
    int n = 3 + (int)wire_rng_below(&rng, 10);
    reset_shop();
    add_items(n, names);
    both_exec("INSERT INTO \"shop_tag\" (\"label\", \"item_id\") VALUES ('<t>', NULL), "
              "('x\"y', 1)");
    add_user(boss, 1, 1, 1);
    pair_new(&p);
    admin_login(&st, &p, boss);
    step(&st, &p, "GET", "/admin/", NULL, NULL);
    int pages = (n + per_page - 1) / per_page;
    for (int i = 0; i <= pages + 1; i++) {
        snprintf(target, sizeof target, "/admin/shop/item/?p=%d", i);
        step(&st, &p, "GET", i == 1 && wire_rng_below(&rng, 2) ? "/admin/shop/item/" : target,
             NULL, NULL);
    }
    step(&st, &p, "GET", "/admin/shop/item/?p=x", NULL, NULL);
    step(&st, &p, "GET", "/admin/shop/item/?p=01", NULL, NULL);
    step(&st, &p, "GET", "/admin/shop/item/?p=%2B1", NULL, NULL);
    step(&st, &p, "GET", "/admin/shop/item/?p=%201", NULL, NULL);
    step(&st, &p, "GET", "/admin/shop/tag/", NULL, NULL);
    step(&st, &p, "GET", "/admin/shop/nothing/", NULL, NULL);
    pair_free(&p);
    hc_story_end(&st, name);
}

static void t_search(const char *name)
{
    struct hc_story st = { 0 };
    struct pair p;
    char boss[24], names[16][64], target[200], word[16];
    int n = 6 + (int)wire_rng_below(&rng, 6);
    reset_shop();
    add_items(n, names);
    add_user(boss, 1, 1, 1);
    pair_new(&p);
    admin_login(&st, &p, boss);
    const char *nm = names[wire_rng_below(&rng, (uint64_t)n)];
    snprintf(word, sizeof word, "%.3s", nm);
    for (size_t i = 0; word[i] != '\0'; i++)
        if (wire_rng_below(&rng, 2) && word[i] >= 'a' && word[i] <= 'z')
            word[i] = (char)(word[i] - 'a' + 'A');
    const char *const queries[] = {
        "q=%s", "q=%s+%%3Cscript", "q=%%27+OR+1%%3D1+--+", "q=%%25", "q=_", "q=%s&active__exact=1",
        "active__exact=0", "qty__exact=%d", "q=%%22%%3E%%3Cb%%3E", "qty__exact=abc", "q=++",
    };
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        char q[120];
        if (i == 7)
            snprintf(q, sizeof q, queries[i], (int)wire_rng_below(&rng, 4));
        else
            snprintf(q, sizeof q, queries[i], word);
        snprintf(target, sizeof target, "/admin/shop/item/?%s", q);
        step(&st, &p, "GET", target, NULL, NULL);
    }
    both_exec("INSERT INTO \"shop_tag\" (\"label\", \"item_id\") VALUES ('a', 1), ('b', 2), "
              "('c', NULL)");
    step(&st, &p, "GET", "/admin/shop/tag/?item__exact=2", NULL, NULL);
    step(&st, &p, "GET", "/admin/shop/tag/?item__exact=x", NULL, NULL);
    sql_fact(&st, "items", "SELECT count(*) FROM \"shop_item\"");
    pair_free(&p);
    hc_story_end(&st, name);
}

static void t_add_change(const char *name)
{
    struct hc_story st = { 0 };
    struct pair p;
    char boss[24], names[4][64], fresh[64], form[400], target[80];
    reset_shop();
    add_items(2, names);
    add_user(boss, 1, 1, 1);
    pair_new(&p);
    admin_login(&st, &p, boss);
    item_name(fresh, sizeof fresh, 9);
    char *ename = vial_percent_encode(fresh, 0), *edup = vial_percent_encode(names[0], 0);
    step(&st, &p, "GET", "/admin/shop/item/add/", NULL, NULL);
    snprintf(form, sizeof form, "csrfmiddlewaretoken={csrf}&name=&qty=x");
    step(&st, &p, "POST", "/admin/shop/item/add/", form, NULL);
    snprintf(form, sizeof form, "csrfmiddlewaretoken={csrf}&name=%s&qty=1", edup);
    step(&st, &p, "POST", "/admin/shop/item/add/", form, NULL);
    snprintf(form, sizeof form, "csrfmiddlewaretoken={csrf}&name=%s&notes=%%3Cimg%%3E&qty=%d"
             "&active=on&id=77", ename, (int)wire_rng_below(&rng, 50));
    step(&st, &p, "POST", "/admin/shop/item/add/", form, NULL);
    step(&st, &p, "GET", "/admin/shop/item/", NULL, NULL);
    step(&st, &p, "GET", "/admin/shop/item/3/change/", NULL, NULL);
    snprintf(form, sizeof form, "csrfmiddlewaretoken={csrf}&name=%s&qty=2", edup);
    step(&st, &p, "POST", "/admin/shop/item/3/change/", form, NULL);
    snprintf(form, sizeof form, "csrfmiddlewaretoken={csrf}&name=%s+2&qty=%d", ename,
             (int)wire_rng_below(&rng, 50));
    step(&st, &p, "POST", "/admin/shop/item/3/change/", form, NULL);
    snprintf(target, sizeof target, "/admin/shop/item/%d/change/", 1 + (int)wire_rng_below(&rng, 3));
    step(&st, &p, "GET", target, NULL, NULL);
    step(&st, &p, "GET", "/admin/shop/item/99/change/", NULL, NULL);
    step(&st, &p, "GET", "/admin/shop/nothing/add/", NULL, NULL);
    step(&st, &p, "GET", "/admin/shop/nothing/1/change/", NULL, NULL);
    step(&st, &p, "GET", "/admin/shop/nothing/1/delete/", NULL, NULL);
    step(&st, &p, "GET", "/admin/shop/tag/add/", NULL, NULL);
    step(&st, &p, "POST", "/admin/shop/tag/add/", "csrfmiddlewaretoken={csrf}&label=a%3Cb", NULL);
    step(&st, &p, "GET", "/admin/shop/tag/", NULL, NULL);
    sql_fact(&st, "items", "SELECT * FROM \"shop_item\" ORDER BY \"id\"");
    sql_fact(&st, "tags", "SELECT * FROM \"shop_tag\" ORDER BY \"id\"");
    free(ename);
    free(edup);
    pair_free(&p);
    hc_story_end(&st, name);
}

static void t_delete(const char *name)
{
    struct hc_story st = { 0 };
    struct pair p;
    char boss[24], names[4][64];
    reset_shop();
    add_items(3, names);
    both_exec("INSERT INTO \"shop_tag\" (\"label\", \"item_id\") VALUES ('keep', 2)");
    add_user(boss, 1, 1, 1);
    pair_new(&p);
    admin_login(&st, &p, boss);
    int victim = wire_rng_below(&rng, 2) ? 1 : 3;
    char target[80];
    snprintf(target, sizeof target, "/admin/shop/item/%d/delete/", victim);
    step(&st, &p, "GET", target, NULL, NULL);
    step(&st, &p, "POST", target, "csrfmiddlewaretoken={csrf}", NULL);
    step(&st, &p, "GET", target, NULL, NULL);
    step(&st, &p, "GET", "/admin/shop/item/2/delete/", NULL, NULL);
    step(&st, &p, "POST", "/admin/shop/item/2/delete/", "csrfmiddlewaretoken={csrf}", NULL);
    step(&st, &p, "GET", "/admin/shop/tag/1/delete/", NULL, NULL);
    step(&st, &p, "POST", "/admin/shop/tag/1/delete/", "csrfmiddlewaretoken={csrf}", NULL);
    step(&st, &p, "GET", "/admin/shop/item/", NULL, NULL);
    sql_fact(&st, "items", "SELECT \"id\" FROM \"shop_item\" ORDER BY \"id\"");
    sql_fact(&st, "tags", "SELECT \"id\" FROM \"shop_tag\" ORDER BY \"id\"");
    pair_free(&p);
    hc_story_end(&st, name);
}

static void t_perms(const char *name)
{
    static const char *const codes[] = { "view_item", "add_item", "change_item",
                                         "delete_item" };
    struct hc_story st = { 0 };
    char clerk[24], names[4][64], line[80];
    reset_shop();
    add_items(2, names);
    sql_fact(&st, "permission rows", "SELECT \"name\", \"app_label\", \"codename\" FROM "
             "\"auth_permission\" ORDER BY \"codename\"");
    for (int round = 0; round < 3; round++) {
        struct pair p;
        long long id = add_user(clerk, 1, 0, 1);
        unsigned set = round == 0 ? 0 : 1 + (unsigned)wire_rng_below(&rng, 15);
        int by_group = (int)wire_rng_below(&rng, 2);
        for (int k = 0; k < 4; k++)
            if (set & (1u << k))
                grant(id, codes[k], by_group);
        snprintf(line, sizeof line, "a staff user with permissions %s%s%s%s",
                 set & 1 ? "view " : "", set & 2 ? "add " : "", set & 4 ? "change " : "",
                 set & 8 ? "delete" : "");
        hc_fact(&st, line, line);
        pair_new(&p);
        admin_login(&st, &p, clerk);
        step(&st, &p, "GET", "/admin/", NULL, NULL);
        step(&st, &p, "GET", "/admin/shop/item/", NULL, NULL);
        step(&st, &p, "GET", "/admin/shop/item/add/", NULL, NULL);
        step(&st, &p, "GET", "/admin/shop/item/1/change/", NULL, NULL);
        step(&st, &p, "POST", "/admin/shop/item/1/change/", "csrfmiddlewaretoken={csrf}&"
             "name=renamed&qty=5", NULL);
        step(&st, &p, "GET", "/admin/shop/item/2/delete/", NULL, NULL);
        step(&st, &p, "GET", "/admin/shop/tag/", NULL, NULL);
        pair_free(&p);
    }
    sql_fact(&st, "items", "SELECT \"id\", \"name\", \"qty\" FROM \"shop_item\" ORDER BY \"id\"");
    hc_story_end(&st, name);
}

static void t_csrf(const char *name)
{
    struct hc_story st = { 0 };
    struct pair p;
    char boss[24], names[2][64];
    reset_shop();
    add_items(1, names);
    add_user(boss, 1, 1, 1);
    pair_new(&p);
    admin_login(&st, &p, boss);
    step(&st, &p, "POST", "/admin/shop/item/add/", "name=sneaky&qty=1", NULL);
    step(&st, &p, "POST", "/admin/shop/item/add/", "csrfmiddlewaretoken=abc&name=sneaky&qty=1",
         NULL);
    step(&st, &p, "POST", "/admin/shop/item/1/delete/", "x=1", NULL);
    step(&st, &p, "GET", "/admin/shop/item/1/delete/", NULL, NULL);
    step(&st, &p, "POST", "/admin/shop/item/1/delete/", "csrfmiddlewaretoken={csrf}", NULL);
    sql_fact(&st, "items", "SELECT \"id\", \"name\" FROM \"shop_item\" ORDER BY \"id\"");
    pair_free(&p);
    hc_story_end(&st, name);
}

/* GET /note?level=LEVEL&text=TEXT (encoded), with &next=NEXT when next is not NULL. */
static void note(struct hc_story *st, struct pair *p, int level, const char *text, const char *next)
{
    char target[300], *enc = vial_percent_encode(text, 0);
    snprintf(target, sizeof target, "/note?level=%d&text=%s%s%s", level, enc ? enc : "",
             next != NULL ? "&next=" : "", next != NULL ? next : "");
    free(enc);
    step(st, p, "GET", target, NULL, NULL);
}

static void t_messages(const char *name)
{
    static const int levels[] = { 5, 10, 19, 20, 25, 30, 35, 40 };
    static const char held[] = "SELECT data FROM keg_session WHERE instr(data, '_messages')";
    static const char *const reads[] = { "/notes?again=%s", "/notes", "/notes?late=%s",
                                          "/hello", "/notes?nullctx=1", "/notes" };
    struct hc_story st = { 0 };
    struct pair p;
    char text[80], word[10], target[80];
    pair_new(&p);
    step(&st, &p, "GET", "/notes", NULL, NULL);
    int n = 3 + (int)wire_rng_below(&rng, 4);
    for (int i = 0; i < n; i++) {
        item_name(text, sizeof text, i);
        note(&st, &p, levels[wire_rng_below(&rng, 8)], text, NULL);
    }
    note(&st, &p, KEG_MSG_INFO, "", NULL);
    step(&st, &p, "GET", "/note?level=40", NULL, NULL);
    note(&st, &p, KEG_MSG_INFO - 1, "below INFO", NULL);
    note(&st, &p, KEG_MSG_INFO, "at INFO", NULL);
    step(&st, &p, "GET", "/hello", NULL, NULL);
    item_name(text, sizeof text, n);
    note(&st, &p, levels[3 + wire_rng_below(&rng, 5)], text, "/hello");
    sql_fact(&st, "sessions holding messages", held);
    wire_rng_word(&rng, word, lower, sizeof lower - 1, 3, 8);
    for (size_t i = 0; i < sizeof reads / sizeof reads[0]; i++) {
        snprintf(target, sizeof target, reads[i], word);
        step(&st, &p, "GET", target, NULL, NULL);
    }
    sql_fact(&st, "sessions holding messages", held);
    struct wire_buf want = { 0 };
    lab23_plain(ref.plain_app, "/note?level=25&text=x", &want);
    frame_fact(&st, "a site with sessions but no messages, GET /note?level=25&text=x",
               "plain", "/note?level=25&text=x", &want);
    pair_free(&p);
    hc_story_end(&st, name);
}

static void t_admin_messages(const char *name)
{
    struct hc_story st = { 0 };
    struct pair p;
    char boss[24], names[4][64], w[10], form[400], target[80], fresh[64];
    reset_shop();
    add_items(2, names);
    add_user(boss, 1, 1, 1);
    pair_new(&p);
    admin_login(&st, &p, boss);
    wire_rng_word(&rng, w, lower, sizeof lower - 1, 3, 7);
    snprintf(fresh, sizeof fresh, "%s<script>alert(\"x\")</script>'&", w);
    char *enc = vial_percent_encode(fresh, 0), *ename = enc != NULL ? enc : "x";
    step(&st, &p, "GET", "/admin/shop/item/add/", NULL, NULL);
    snprintf(form, sizeof form, "csrfmiddlewaretoken={csrf}&name=%s&qty=%d&active=on", ename,
             (int)wire_rng_below(&rng, 9));
    step(&st, &p, "POST", "/admin/shop/item/add/", form, NULL);
    step(&st, &p, "GET", "/hello", NULL, NULL);
    step(&st, &p, "GET", "/admin/shop/item/", NULL, NULL);
    step(&st, &p, "GET", "/admin/shop/item/", NULL, NULL);
    int id = 1 + (int)wire_rng_below(&rng, 2);
    snprintf(target, sizeof target, "/admin/shop/item/%d/change/", id);
    step(&st, &p, "GET", target, NULL, NULL);
    step(&st, &p, "POST", target, "csrfmiddlewaretoken={csrf}&name=&qty=1", NULL);
    snprintf(form, sizeof form, "csrfmiddlewaretoken={csrf}&name=%s+%d&qty=%d", ename, id,
             (int)wire_rng_below(&rng, 9));
    step(&st, &p, "POST", target, form, NULL);
    step(&st, &p, "GET", "/admin/", NULL, NULL);
    snprintf(target, sizeof target, "/admin/shop/item/%d/delete/", 3 - id);
    step(&st, &p, "GET", target, NULL, NULL);
    step(&st, &p, "POST", target, "csrfmiddlewaretoken={csrf}", NULL);
    step(&st, &p, "GET", "/admin/shop/item/", NULL, NULL);
    step(&st, &p, "POST", "/admin/shop/tag/add/", "csrfmiddlewaretoken={csrf}&label=t", NULL);
    step(&st, &p, "GET", "/admin/shop/tag/", NULL, NULL);
    free(enc);
    pair_free(&p);
    hc_story_end(&st, name);
}

static const struct {
    void (*fn)(const char *name);
    const char *name;
} tests[] = {
    { t_headers, "middleware: nosniff, Referrer-Policy, COOP and X-Frame-Options on pages and "
      "errors (404, 405, CSRF 403, 500); HSTS only on a secure request" },
    { t_hosts, "middleware: the Host header checked against allowed_hosts (exact, .domain, "
      "\".\" alone, a trailing dot, any case, a port)" },
    { t_login, "admin: anonymous and non-staff users go to the admin's login page with next=; "
      "only active staff log in there" },
    { t_changelist, "admin: the changelist's rows, order, pages and escaped cells; the "
      "default label; the index" },
    { t_search, "admin: search over search_fields (bound values, LIKE wildcards taken "
      "literally), list_filter filters, a bad filter value" },
    { t_add_change, "admin: add and change through the model's form, errors shown again, "
      "stored HTML escaped in list and form" },
    { t_delete, "admin: the delete confirmation page, delete by POST, PROTECT refused" },
    { t_perms, "admin: permission rows made at install; view, add, change and delete each "
      "checked, directly or through a group" },
    { t_csrf, "admin: a POST without a valid CSRF token changes nothing" },
    { t_messages, "messages: in the session until a page reads them, then gone; below INFO "
      "and empty ones dropped; tags; a template; none without keg_messages_install" },
    { t_admin_messages, "admin: the added, changed and deleted messages, shown once on the "
      "next admin page, the object's name escaped" },
};

int main(int argc, char **argv)
{
    size_t ntests = sizeof tests / sizeof tests[0];
    wire_rng_seed(&rng, wire_seed_arg(argc, argv));
    wire_peer_init(&peer, 10000);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    tap_plan((int)ntests);
    char arg[120];
    struct wire_buf setup = { 0 };
    per_page = 2 + (int)wire_rng_below(&rng, 3);
    hsts = 60 + (long)wire_rng_below(&rng, 100000);
    wire_rng_word(&rng, dom1, lower, sizeof lower - 1, 3, 8);
    wire_rng_word(&rng, dom2, lower, sizeof lower - 1, 3, 8);
    snprintf(arg, sizeof arg, "%d %ld .%s.test,exact.%s.test,%s[::1],127.0.0.1", per_page,
             hsts, dom1, dom2, wire_rng_below(&rng, 2) ? "*w,.," : ".,*w,");
    if (lab23_setup(&ref, ":memory:", arg, &setup) != 0)
        tap_bail_out("the reference app could not be made");
    snprintf(setup_r, sizeof setup_r, "set-up: %s", setup.data);
    wire_buf_free(&setup);
    char *ans = ask("serve", arg);
    port = refserver_subject_port(ans);
    snprintf(setup_s, sizeof setup_s, "set-up: %s", ans + strcspn(ans, " ") + (ans[0] != '\0'));
    if (port <= 0) {
        tap_diag("serve: %s", ans);
        free(ans);
        for (size_t i = 0; i < ntests; i++)
            tap_fail_with(__FILE__, __LINE__, "the app did not start", "no server", "a port",
                          "%s", tests[i].name);
        lab23_teardown(&ref);
        return wire_finish(&peer);
    }
    free(ans);
    for (size_t i = 0; i < ntests; i++) {
        if (peer.dead) {
            WIRE_FAIL_DEAD(tests[i].name);
            continue;
        }
        tests[i].fn(tests[i].name);
    }
    free(ask("stop", ""));
    lab23_teardown(&ref);
    curl_global_cleanup();
    return wire_finish(&peer);
}
