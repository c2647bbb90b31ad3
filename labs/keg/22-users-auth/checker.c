/* checker.c -- lab 22's hidden tests: Django's password format both ways (fixed hashes
 * made by Django, keg's own checked with the reference), then over real HTTP with
 * libcurl cookie jars, as a browser would: login (the session key cycled, the CSRF
 * secret rotated, last_login set, next= followed only to local paths), one PBKDF2 call
 * per attempt whether the user exists or not (counted by the driver), a rehash when the
 * iteration count changed, logout, login_required, and permissions through groups.
 * Names, passwords and iteration counts come from the seed. Browsers and stories:
 * httpcheck.h. Run as `checker SEED`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "keg.h"
#include "tap.h"
#include "wire.h"
#include "httpcheck.h"
#include "refserver.h"

static struct wire_rng rng;
static struct wire_peer peer;
static int port;
static unsigned iters;                  /* the site's password_iterations */
static int users;                       /* users made so far: names get it as suffix */
static const char lower[] = "abcdefghijklmnopqrstuvwxyz";
static const char alnum[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/* Hashes made by Django's make_password (PBKDF2PasswordHasher, small counts). */
static const struct { const char *password, *encoded; } django_hashes[] = {
    { "pw", "pbkdf2_sha256$1000$XzLipiiKxYzZl5K115CAnT$WFfXAf0e8ZgkPTgrDKsaBfxXiJWcOElmGVrLk9"
      "VypXw=" },
    { "s3cret pass", "pbkdf2_sha256$12$M8QdFd512YFNniPmkAcyUb$NHpuoX1rFn4CZFTkMYwUF6RS31B/vZx"
      "4kT1dCxNudgk=" },
    { "\xc3\xa9t\xc3\xa9 2024", "pbkdf2_sha256$7$xhdluh0XW4DHYadGOkk0lv$vrDpCPv/7U26T3uVr7AZjI"
      "TYNtBweJNJtiC2cw5jQb0=" },
    { "", "pbkdf2_sha256$5$JEFQPHrS1ZD6eDKzdgq2xl$y1ebbufhXfsFSJ2w4WJyRHjLjAw7dVUJ0dCsmngoIds=" },
    { "correct horse", "pbkdf2_sha256$1$eGk4UeJNeHK9nHvX1sT3tR$2BxoTRUZFC6tq9Y55d9MovgiMvp6/f5"
      "NHCoLwRKg1v4=" },
};

/* Text that is no hash keg (or Django) accepts; "%s" is a good hash's tail after the
 * algorithm's "$". */
static const char *const malformed[] = {
    "pbkdf2_sha1$%s", "PBKDF2_SHA256$%s", "pbkdf2_sha256%s", "!%s", "pbkdf2_sha256$$%s",
    "pbkdf2_sha512$%s",
};

/* The driver's answer to a frame (caller frees; a message when it is gone). */
static char *ask(const char *frame, const char *arg)
{
    char *ans = NULL;
    size_t alen = 0;
    if (wire_call(&peer, frame, arg, strlen(arg), &ans, &alen) < 0)
        return strdup("(the program stopped answering)");
    return ans;
}

/* Adds the answer to frame(arg) to the story as a fact expected to be `want`. */
static void ask_fact(struct hc_story *st, const char *label, const char *frame,
                     const char *arg, const char *want)
{
    char *ans = ask(frame, arg), got[600], exp[600];
    snprintf(got, sizeof got, "%s: %s", label, ans);
    snprintf(exp, sizeof exp, "%s: %s", label, want);
    hc_fact(st, got, exp);
    free(ans);
}

/* A random password: words, spaces and a UTF-8 letter. */
static void rand_password(char *out, size_t cap)
{
    static const char *const bits[] = { " ", "\xc3\xa9", "!", "$", "%", "x" };
    char w[12];
    out[0] = '\0';
    for (int i = 0; i < 3; i++) {
        wire_rng_word(&rng, w, alnum, sizeof alnum - 1, 1, 6);
        strncat(out, w, cap - strlen(out) - 1);
        strncat(out, bits[wire_rng_below(&rng, 6)], cap - strlen(out) - 1);
    }
}

/* A user with a random name and password (hashed by the reference with `rounds`), made
 * with the driver's SQL; its id is returned, name and password written. */
static long long add_user(char *name, char *pw, unsigned rounds, int super, int active)
{
    char w[12], sql[600];
    wire_rng_word(&rng, w, lower, sizeof lower - 1, 3, 8);
    snprintf(name, 24, "%s%d", w, ++users);
    rand_password(pw, 64);
    char *enc = keg_password_make(pw, rounds);
    snprintf(sql, sizeof sql, "INSERT INTO \"auth_user\" (\"password\", \"last_login\", "
             "\"is_superuser\", \"username\", \"email\", \"is_staff\", \"is_active\", "
             "\"date_joined\") VALUES ('%s', NULL, %d, '%s', '', 0, %d, "
             "'2024-01-01 00:00:00')", enc != NULL ? enc : "", super, name, active);
    free(enc);
    free(ask("exec", sql));
    snprintf(sql, sizeof sql, "SELECT \"id\" FROM \"auth_user\" WHERE \"username\" = '%s'",
             name);
    char *ans = ask("text", sql);
    long long id = strtoll(ans, NULL, 10);
    free(ans);
    return id;
}

/* "METHOD TARGET -> STATUS [Location: L] BODY" of one request into the story, with the
 * expected line built from want_status, want_location (NULL: none) and want_body. */
static void step(struct hc_story *st, struct hc_browser *b, const char *method,
                 const char *target, const char *form, long want_status,
                 const char *want_location, const char *want_body)
{
    struct hc_reply rep;
    char loc[600], line[1600];
    hc_browser_send(b, method, target, form, NULL, &st->log, &rep);
    const char *l = hc_find_header(rep.headers.data ? rep.headers.data : "", "Location", loc,
                                   sizeof loc);
    snprintf(line, sizeof line, "%s %s -> %ld%s%s %s", method, target, rep.status,
             l != NULL ? " Location: " : "", l != NULL ? l : "",
             want_location != NULL ? "" : rep.body.data ? rep.body.data : "");
    wire_buf_str(&st->got, line);
    wire_buf_str(&st->got, "\n");
    snprintf(line, sizeof line, "%s %s -> %ld%s%s %s", method, target, want_status,
             want_location != NULL ? " Location: " : "", want_location ? want_location : "",
             want_location != NULL ? "" : want_body);
    wire_buf_str(&st->want, line);
    wire_buf_str(&st->want, "\n");
    hc_reply_free(&rep);
}

/* POST /login as name/pw (next appended when not NULL), the CSRF cookie as token. */
static void login(struct hc_story *st, struct hc_browser *b, const char *name,
                  const char *pw, const char *next, long want_status,
                  const char *want_location, const char *want_body)
{
    struct wire_buf form = { 0 };
    hc_login_form(b, name, pw, next, &form);
    step(st, b, "POST", "/login", form.data, want_status, want_location, want_body);
    wire_buf_free(&form);
}

/* A browser that has the login page's CSRF cookie. */
static void browser_start(struct hc_story *st, struct hc_browser *b)
{
    hc_browser_new(b, port);
    step(st, b, "GET", "/login", NULL, 200, NULL, "login form\n");
}

static void count_fact(struct hc_story *st, const char *what, const char *want)
{
    ask_fact(st, what, "pbkdf2", "", want);
}

/* ---- the password format ------------------------------------------------------------- */

static void t_django_hashes(const char *name)
{
    struct hc_story st = { 0 };
    char arg[400], want[16], pw[64];
    size_t n = sizeof django_hashes / sizeof django_hashes[0];
    size_t first = (size_t)wire_rng_below(&rng, n);
    for (size_t k = 0; k < n; k++) {
        size_t i = (first + k) % n;
        const char *enc = django_hashes[i].encoded;
        int upd = keg_password_must_update(enc, 7);
        snprintf(arg, sizeof arg, "%s\n%s", django_hashes[i].password, enc);
        snprintf(want, sizeof want, "1 %d", upd);
        ask_fact(&st, enc, "check", arg, want);
        snprintf(arg, sizeof arg, "%sx\n%s", django_hashes[i].password, enc);
        snprintf(want, sizeof want, "0 %d", upd);
        ask_fact(&st, "a wrong password", "check", arg, want);
    }
    rand_password(pw, sizeof pw);
    char *enc = keg_password_make(pw, 7 + (unsigned)wire_rng_below(&rng, 2));
    snprintf(arg, sizeof arg, "%s\n%s", pw, enc);
    snprintf(want, sizeof want, "1 %d", keg_password_must_update(enc, 7));
    ask_fact(&st, enc, "check", arg, want);
    char *enc7 = keg_password_make(pw, 7);  /* well formed with 7 it would need no update */
    const char *tail = strchr(enc7, '$') + 1;
    for (size_t i = 0; i < sizeof malformed / sizeof malformed[0]; i++) {
        char bad[200];
        snprintf(bad, sizeof bad, malformed[i], tail);
        snprintf(arg, sizeof arg, "%s\n%s", pw, bad);
        ask_fact(&st, bad, "check", arg, "0 1");
    }
    char *mid = arg + snprintf(arg, sizeof arg, "%s\n", pw);
    snprintf(mid, sizeof arg - (size_t)(mid - arg), "%s=", enc);
    ask_fact(&st, "a hash with a byte more", "check", arg, "0 1");
    free(enc);
    free(enc7);
    hc_story_end(&st, name);
}

/* "ok" when enc is pbkdf2_sha256$rounds$<22 of [a-zA-Z0-9]>$<44 of base64> checking with
 * pw (reference keg_password_check), else why not. */
static const char *made_ok(const char *enc, const char *pw, unsigned rounds)
{
    char head[40];
    int n = snprintf(head, sizeof head, "pbkdf2_sha256$%u$", rounds);
    if (strncmp(enc, head, (size_t)n) != 0)
        return "does not start with pbkdf2_sha256$<iterations>$";
    const char *salt = enc + n, *hash = salt + strspn(salt, alnum);
    if (hash - salt != 22 || *hash != '$')
        return "the salt is not 22 characters of [a-zA-Z0-9]";
    if (strlen(hash + 1) != 44 || hash[44] != '=')
        return "the hash is not 44 characters of base64";
    return keg_password_check(pw, enc) == 1 ? "ok" : "PBKDF2-HMAC-SHA256 does not match";
}

static void t_make(const char *name)
{
    struct hc_story st = { 0 };
    char pw[64], arg[120];
    free(ask("pbkdf2", ""));
    for (int i = 0; i < 3; i++) {
        unsigned rounds = 1 + (unsigned)wire_rng_below(&rng, 40);
        rand_password(pw, sizeof pw);
        if (i == 2)
            snprintf(pw, sizeof pw, "%s", "");
        snprintf(arg, sizeof arg, "%u %s", rounds, pw);
        char *enc = ask("make", arg);
        char label[160];
        snprintf(label, sizeof label, "keg_password_make(\"%s\", %u)", pw, rounds);
        hc_fact(&st, label, label);
        hc_fact(&st, made_ok(enc, pw, rounds), "ok");
        free(enc);
    }
    snprintf(arg, sizeof arg, "3 same");
    char *a = ask("make", arg), *b = ask("make", arg);
    hc_fact(&st, strcmp(a, b) != 0 && strcmp(a, "(NULL)") != 0 ? "two hashes of one password "
         "differ (fresh salts)" : "two hashes of one password are the same",
         "two hashes of one password differ (fresh salts)");
    free(a);
    free(b);
    int seen[256] = { 0 };                  /* 60 salts: 1320 draws of 62 characters */
    char bad_salt[200] = "";                /* the first of them made_ok refuses */
    for (int i = 0; i < 60; i++) {
        char *e = ask("make", "1 salt");
        const char *salt = strncmp(e, "pbkdf2_sha256$1$", 16) == 0 ? e + 16 : "";
        const char *why = made_ok(e, "salt", 1);
        if (strcmp(why, "ok") != 0 && bad_salt[0] == '\0')
            snprintf(bad_salt, sizeof bad_salt, "%.80s: %s", e, why);
        for (size_t k = 0; k < 22 && salt[k] != '\0'; k++)
            seen[(unsigned char)salt[k]] = 1;
        free(e);
    }
    char missing[70] = "";
    for (const char *c = alnum; *c != '\0'; c++)
        if (!seen[(unsigned char)*c])
            strncat(missing, c, 1);
    hc_fact(&st, bad_salt[0] == '\0' ? "60 more hashes are well formed" : bad_salt,
            "60 more hashes are well formed");
    hc_fact(&st, missing[0] == '\0' ? "60 salts use every character of [a-zA-Z0-9]"
            : missing, "60 salts use every character of [a-zA-Z0-9]");
    count_fact(&st, "PBKDF2 calls", "65");
    hc_story_end(&st, name);
}

/* ---- login and logout over HTTP ------------------------------------------------------- */

static void sql_fact(struct hc_story *st, const char *label, const char *sql,
                     const char *want)
{
    ask_fact(st, label, "text", sql, want);
}

static void t_login(const char *name)
{
    struct hc_story st = { 0 };
    struct hc_browser b;
    char user[24], pw[64], note[12], k1[64], k2[64], s1[64], s2[64], want[200], sql[300];
    add_user(user, pw, iters, 0, 1);
    free(ask("pbkdf2", ""));
    browser_start(&st, &b);
    wire_rng_word(&rng, note, lower, sizeof lower - 1, 3, 8);
    snprintf(sql, sizeof sql, "/note?v=%s", note);
    step(&st, &b, "GET", sql, NULL, 200, NULL, "noted\n");
    hc_browser_cookie(&b, "sessionid", k1, sizeof k1);
    hc_browser_cookie(&b, "csrftoken", s1, sizeof s1);
    char next[40];
    wire_rng_word(&rng, next + 9, lower, sizeof lower - 1, 3, 8);
    memcpy(next, "/private/", 9);
    login(&st, &b, user, pw, next, 302, next, NULL);
    count_fact(&st, "PBKDF2 calls of the login", "1");
    hc_browser_cookie(&b, "sessionid", k2, sizeof k2);
    hc_browser_cookie(&b, "csrftoken", s2, sizeof s2);
    hc_fact(&st, strcmp(k1, k2) != 0 && strlen(k2) == 32 ? "a new session key"
         : "the session key did not change", "a new session key");
    hc_fact(&st, strcmp(s1, s2) != 0 && strlen(s2) == 32 ? "a new CSRF secret"
         : "the CSRF secret did not change", "a new CSRF secret");
    snprintf(sql, sizeof sql, "SELECT count(*) FROM \"keg_session\" WHERE \"key\" = '%s'", k1);
    sql_fact(&st, "rows of the old key", sql, "0\n");
    snprintf(sql, sizeof sql, "SELECT \"last_login\" IS NOT NULL FROM \"auth_user\" WHERE "
             "\"username\" = '%s'", user);
    sql_fact(&st, "last_login set", sql, "1\n");
    snprintf(want, sizeof want, "user %s\nnote %s\n", user, note);
    step(&st, &b, "GET", "/me", NULL, 200, NULL, want);
    snprintf(want, sizeof want, "private %s\n", user);
    step(&st, &b, "GET", next, NULL, 200, NULL, want);
    hc_browser_free(&b);
    hc_story_end(&st, name);
}

static void t_refusals(const char *name)
{
    struct hc_story st = { 0 };
    struct hc_browser b;
    char user[24], pw[64], idle[24], idle_pw[64], ghost[24], want[120];
    add_user(user, pw, iters, 0, 1);
    add_user(idle, idle_pw, iters, 1, 0);
    wire_rng_word(&rng, ghost, lower, sizeof lower - 1, 3, 8);
    size_t glen = strlen(ghost);        /* no user name ends with 0 alone */
    snprintf(ghost + glen, sizeof ghost - glen, "0");
    free(ask("pbkdf2", ""));
    browser_start(&st, &b);
    login(&st, &b, user, idle_pw, "/x", 200, NULL, "invalid login\n");
    count_fact(&st, "PBKDF2 calls of a wrong password", "1");
    login(&st, &b, ghost, pw, "/x", 200, NULL, "invalid login\n");
    count_fact(&st, "PBKDF2 calls of an unknown user", "1");
    login(&st, &b, idle, idle_pw, "/x", 200, NULL, "invalid login\n");
    count_fact(&st, "PBKDF2 calls of an inactive user", "1");
    step(&st, &b, "GET", "/me", NULL, 200, NULL, "anonymous\nnote (none)\n");
    login(&st, &b, user, pw, "/x", 302, "/x", NULL);
    count_fact(&st, "PBKDF2 calls of a good login", "1");
    snprintf(want, sizeof want, "user %s\nnote (none)\n", user);
    step(&st, &b, "GET", "/me", NULL, 200, NULL, want);
    struct hc_browser fresh;
    hc_browser_new(&fresh, port);
    snprintf(want, sizeof want, "authenticate %d login %d %d\n", KEG_EINVALID, KEG_EINVALID,
             KEG_EINVALID);
    step(&st, &fresh, "GET", "/bad", NULL, 200, NULL, want);
    hc_browser_free(&fresh);
    snprintf(want, sizeof want, "%d", KEG_EINVALID);
    ask_fact(&st, "keg_login(NULL, user)", "nulls", "", want);
    hc_browser_free(&b);
    hc_story_end(&st, name);
}

static void t_rehash(const char *name)
{
    struct hc_story st = { 0 };
    struct hc_browser b;
    char user[24], pw[64], sql[200], head[40];
    unsigned old = iters + 1 + (unsigned)wire_rng_below(&rng, 5);
    add_user(user, pw, old, 0, 1);
    free(ask("pbkdf2", ""));
    browser_start(&st, &b);
    login(&st, &b, user, pw, NULL, 302, KEG_LOGIN_REDIRECT_URL, NULL);
    count_fact(&st, "PBKDF2 calls (the check, then the new hash)", "2");
    snprintf(sql, sizeof sql, "SELECT \"password\" FROM \"auth_user\" WHERE \"username\" = "
             "'%s'", user);
    char *enc = ask("text", sql);
    enc[strcspn(enc, "\n")] = '\0';
    snprintf(head, sizeof head, "pbkdf2_sha256$%u$", iters);
    hc_fact(&st, strncmp(enc, head, strlen(head)) == 0 && keg_password_check(pw, enc) == 1
         ? "the row holds a new hash with the site's count" : enc,
         "the row holds a new hash with the site's count");
    free(enc);
    login(&st, &b, user, pw, NULL, 302, KEG_LOGIN_REDIRECT_URL, NULL);
    count_fact(&st, "PBKDF2 calls of the next login", "1");
    hc_browser_free(&b);
    hc_story_end(&st, name);
}

static void t_switch_logout(const char *name)
{
    struct hc_story st = { 0 };
    struct hc_browser b;
    char a[24], apw[64], c[24], cpw[64], want[120], key[64], s1[64], s2[64], sql[200];
    add_user(a, apw, iters, 0, 1);
    add_user(c, cpw, iters, 0, 1);
    browser_start(&st, &b);
    login(&st, &b, a, apw, "/me", 302, "/me", NULL);
    step(&st, &b, "GET", "/note?v=kept", NULL, 200, NULL, "noted\n");
    login(&st, &b, a, apw, "/me", 302, "/me", NULL);
    snprintf(want, sizeof want, "user %s\nnote kept\n", a);
    step(&st, &b, "GET", "/me", NULL, 200, NULL, want);
    login(&st, &b, c, cpw, "/me", 302, "/me", NULL);
    snprintf(want, sizeof want, "user %s\nnote (none)\n", c);
    step(&st, &b, "GET", "/me", NULL, 200, NULL, want);
    snprintf(want, sizeof want, "user %s\nsecond call: 0 statements, the same user\n", c);
    step(&st, &b, "GET", "/twice", NULL, 200, NULL, want);
    hc_browser_cookie(&b, "sessionid", key, sizeof key);
    hc_browser_cookie(&b, "csrftoken", s1, sizeof s1);
    char form[120];
    snprintf(form, sizeof form, "csrfmiddlewaretoken=%s", s1);
    step(&st, &b, "POST", "/logout", form, 200, NULL, "logged out\n");
    hc_browser_cookie(&b, "csrftoken", s2, sizeof s2);
    hc_fact(&st, strcmp(s1, s2) != 0 && strlen(s2) == 32 ? "logout rotated the CSRF secret"
         : "the CSRF secret did not change", "logout rotated the CSRF secret");
    snprintf(sql, sizeof sql, "SELECT count(*) FROM \"keg_session\" WHERE \"key\" = '%s'",
             key);
    sql_fact(&st, "rows of the session", sql, "0\n");
    step(&st, &b, "GET", "/me", NULL, 200, NULL, "anonymous\nnote (none)\n");
    login(&st, &b, c, cpw, "/me", 302, "/me", NULL);
    snprintf(sql, sizeof sql, "UPDATE \"auth_user\" SET \"is_active\" = 0 WHERE "
             "\"username\" = '%s'", c);
    ask_fact(&st, "the user made inactive", "exec", sql, "1");
    step(&st, &b, "GET", "/me", NULL, 200, NULL, "anonymous\nnote (none)\n");
    login(&st, &b, a, apw, "/me", 302, "/me", NULL);
    snprintf(sql, sizeof sql, "DELETE FROM \"auth_user\" WHERE \"username\" = '%s'", a);
    ask_fact(&st, "the user deleted", "exec", sql, "1");
    step(&st, &b, "GET", "/me", NULL, 200, NULL, "anonymous\nnote (none)\n");
    hc_browser_free(&b);
    hc_story_end(&st, name);
}

static void t_login_required(const char *name)
{
    struct hc_story st = { 0 };
    struct hc_browser b;
    char user[24], pw[64], w[12], target[200], full[200], loc[400], want[120];
    add_user(user, pw, iters, 0, 1);
    browser_start(&st, &b);
    wire_rng_word(&rng, w, lower, sizeof lower - 1, 3, 8);
    snprintf(target, sizeof target, "/private/%s/p%%20q?a=1&b=%s", w, w);
    snprintf(full, sizeof full, "/private/%s/p q?a=1&b=%s", w, w);
    char *enc = vial_percent_encode(full, 1);
    snprintf(loc, sizeof loc, KEG_LOGIN_URL "?next=%s", enc);
    free(enc);
    step(&st, &b, "GET", target, NULL, 302, loc, NULL);
    snprintf(target, sizeof target, "/private/%s", w);
    snprintf(loc, sizeof loc, KEG_LOGIN_URL "?next=/private/%s", w);
    step(&st, &b, "GET", target, NULL, 302, loc, NULL);
    login(&st, &b, user, pw, target, 302, target, NULL);
    snprintf(want, sizeof want, "private %s\n", user);
    step(&st, &b, "GET", target, NULL, 200, NULL, want);
    hc_browser_free(&b);
    hc_story_end(&st, name);
}

static void t_next(const char *name)
{
    static const char *const away[] = {
        "//evil.test/x", "https://evil.test/", "/\\evil.test", "", "javascript:alert(1)",
        "http:/x", "evil.test",
    };
    struct hc_story st = { 0 };
    struct hc_browser b;
    char user[24], pw[64], w[12], local[80], target[120];
    add_user(user, pw, iters, 0, 1);
    browser_start(&st, &b);
    for (size_t i = 0; i < sizeof away / sizeof away[0]; i++)
        login(&st, &b, user, pw, away[i], 302, KEG_LOGIN_REDIRECT_URL, NULL);
    wire_rng_word(&rng, w, lower, sizeof lower - 1, 3, 8);
    snprintf(local, sizeof local, "/%s/page?x=%s", w, w);
    login(&st, &b, user, pw, local, 302, local, NULL);
    login(&st, &b, user, pw, NULL, 302, KEG_LOGIN_REDIRECT_URL, NULL);
    struct wire_buf form = { 0 };
    hc_login_form(&b, user, pw, NULL, &form);
    snprintf(target, sizeof target, "/login?next=/%s", w);
    step(&st, &b, "POST", target, form.data, 302, target + 12, NULL);
    wire_buf_free(&form);
    snprintf(target, sizeof target, "/next?next=/%s", w);
    step(&st, &b, "GET", target, NULL, 302, target + 11, NULL);
    step(&st, &b, "GET", "/next?next=//evil.test/x", NULL, 302, KEG_LOGIN_REDIRECT_URL, NULL);
    hc_browser_free(&b);
    hc_story_end(&st, name);
}

/* ---- permissions ---------------------------------------------------------------------- */

static void t_perms(const char *name)
{
    struct hc_story st = { 0 };
    char u[5][24], pw[64], app[12], c1[12], c2[12], c3[12], sql[400], arg[160], p[3][40];
    long long id[5];
    id[0] = add_user(u[0], pw, 1, 1, 1);         /* superuser */
    id[1] = add_user(u[1], pw, 1, 0, 1);         /* a permission of their own */
    id[2] = add_user(u[2], pw, 1, 0, 1);         /* one by a group */
    id[3] = add_user(u[3], pw, 1, 1, 0);         /* an inactive superuser */
    id[4] = add_user(u[4], pw, 1, 0, 1);         /* none */
    wire_rng_word(&rng, app, lower, sizeof lower - 1, 3, 8);
    wire_rng_word(&rng, c1, lower, sizeof lower - 1, 3, 6);
    wire_rng_word(&rng, c2, lower, sizeof lower - 1, 3, 6);
    wire_rng_word(&rng, c3, lower, sizeof lower - 1, 3, 6);
    char *const codes[] = { c1, c2, c3 };
    for (int k = 0; k < 3; k++) {       /* c1 ends in 1, c2 in 2, c3 in 3: all differ */
        size_t clen = strlen(codes[k]);
        snprintf(codes[k] + clen, sizeof c1 - clen, "%d", k + 1);
    }
    snprintf(sql, sizeof sql, "INSERT INTO \"auth_permission\" (\"name\", \"app_label\", "
             "\"codename\") VALUES ('one', '%s', '%s'), ('two', '%s', '%s'), ('three', "
             "'other', '%s')", app, c1, app, c2, c3);
    free(ask("exec", sql));
    free(ask("exec", "INSERT INTO \"auth_group\" (\"name\") VALUES ('editors')"));
    snprintf(sql, sizeof sql, "INSERT INTO \"auth_group_permissions\" (\"group_id\", "
             "\"permission_id\") SELECT g.\"id\", p.\"id\" FROM \"auth_group\" g, "
             "\"auth_permission\" p WHERE g.\"name\" = 'editors' AND p.\"codename\" IN "
             "('%s', '%s')", c2, c3);
    free(ask("exec", sql));
    snprintf(sql, sizeof sql, "INSERT INTO \"auth_user_groups\" (\"user_id\", \"group_id\") "
             "SELECT %lld, \"id\" FROM \"auth_group\" WHERE \"name\" = 'editors'", id[2]);
    free(ask("exec", sql));
    snprintf(sql, sizeof sql, "INSERT INTO \"auth_user_user_permissions\" (\"user_id\", "
             "\"permission_id\") SELECT %lld, \"id\" FROM \"auth_permission\" WHERE "
             "\"codename\" = '%s'", id[1], c1);
    free(ask("exec", sql));
    snprintf(p[0], sizeof p[0], "%s.%s", app, c1);
    snprintf(p[1], sizeof p[1], "%s.%s", app, c2);
    snprintf(p[2], sizeof p[2], "other.%s", c3);
    static const char want[5][3] = { { 1, 1, 1 }, { 1, 0, 0 }, { 0, 1, 1 }, { 0, 0, 0 },
                                     { 0, 0, 0 } };
    static const char *const who[5] = { "superuser", "own permission", "by a group",
                                        "inactive superuser", "no permission" };
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 3; j++) {
            char label[200];
            snprintf(arg, sizeof arg, "%lld %s", id[i], p[j]);
            snprintf(label, sizeof label, "%s has_perm %s", who[i], p[j]);
            ask_fact(&st, label, "perm", arg, want[i][j] ? "1" : "0");
        }
    snprintf(arg, sizeof arg, "%lld %s", id[1], c1);
    ask_fact(&st, "own permission has_perm without app label", "perm", arg, "0");
    snprintf(arg, sizeof arg, "%lld other.%s", id[1], c1);
    ask_fact(&st, "own permission in another app", "perm", arg, "0");
    hc_story_end(&st, name);
}

int main(int argc, char **argv)
{
    static const struct { void (*fn)(const char *name); const char *name; } tests[] = {
        { t_django_hashes, "passwords: hashes made by Django check in keg; wrong passwords, "
          "malformed hashes; must_update" },
        { t_make, "passwords: keg_password_make gives Django's format, a fresh 22-character "
          "salt, PBKDF2-HMAC-SHA256 in base64" },
        { t_login, "login: the session key cycled (data kept), the CSRF secret rotated, "
          "last_login set, next= followed, the user known to later requests" },
        { t_refusals, "login: a wrong password, an unknown and an inactive user are refused, "
          "each costing exactly one PBKDF2 call" },
        { t_rehash, "login: a hash of another iteration count is replaced by one of the "
          "site's" },
        { t_switch_logout, "login as the same user keeps the session, as another flushes it; "
          "logout flushes it and rotates CSRF; keg_request_user once per request; a user "
          "made inactive or deleted is anonymous" },
        { t_login_required, "login_required: anonymous requests go to the login page with "
          "next= the path and query" },
        { t_next, "next=: only local paths are followed; others go to the profile page" },
        { t_perms, "permissions: superusers have all, users theirs and their groups', "
          "inactive users none" },
    };
    size_t ntests = sizeof tests / sizeof tests[0];
    wire_rng_seed(&rng, wire_seed_arg(argc, argv));
    wire_peer_init(&peer, 10000);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    tap_plan((int)ntests);
    char arg[32];
    iters = 2 + (unsigned)wire_rng_below(&rng, 30);
    snprintf(arg, sizeof arg, "%u", iters);
    char *ans = ask("serve", arg);
    port = refserver_subject_port(ans);
    if (port <= 0) {
        tap_diag("serve: %s", ans);
        free(ans);
        for (size_t i = 0; i < ntests; i++)
            tap_fail_with(__FILE__, __LINE__, "the app did not start", "no server", "a port",
                          "%s", tests[i].name);
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
    curl_global_cleanup();
    return wire_finish(&peer);
}
