/* checker.c -- lab 21's hidden tests, over real HTTP with libcurl and its cookie jar, as a
 * browser would: sessions kept in keg_session under a random key (made-up keys refused,
 * the key cycled at login, flushed at logout, expired), and CSRF (the cookie, masked
 * tokens that differ and validate, a missing cookie, a foreign or malformed token, the
 * header form, Origin, Referer on HTTPS behind a trusted proxy, rotation at login). Names,
 * values and trusted origins come from the seed; expected texts are written here, tokens
 * unmasked with the reference's keg_csrf_unmask. Run as `checker SEED`. */
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
static long age;
static char trusted[40], wild[40];     /* "x.test" (https exact) and "y.test" (*.) */
static const char lower[] = "abcdefghijklmnopqrstuvwxyz";

/* A browser: its own cookie jar, shared by its requests. */
struct browser {
    CURLSH *jar;
};

/* What a test saw and what it should have seen, line by line, with the transcripts. */
struct story {
    struct wire_buf got, want, log;
};

static void browser_new(struct browser *b)
{
    b->jar = curl_share_init();
    curl_share_setopt(b->jar, CURLSHOPT_SHARE, CURL_LOCK_DATA_COOKIE);
}

static void browser_free(struct browser *b)
{
    curl_share_cleanup(b->jar);
    b->jar = NULL;
}

/* One request of b (extra headers h1, h2 may be NULL; form: a POST-like body). The reply
 * is the caller's to free. */
static void browser_send(struct browser *b, struct story *st, const char *method,
                         const char *target, const char *form, const char *h1,
                         const char *h2, struct hc_reply *rep)
{
    char url[1200];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, target);
    CURL *h = curl_easy_init();
    struct curl_slist *hs = NULL;
    if (h == NULL) {
        hc_fail(rep, "curl_easy_init failed");
        return;
    }
    hc_setup(h, url, 5000L, HC_HEADERS | HC_BODIES, rep);
    curl_easy_setopt(h, CURLOPT_SHARE, b->jar);
    curl_easy_setopt(h, CURLOPT_COOKIEFILE, "");
    if (strcmp(method, "HEAD") == 0)
        curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    else
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    if (form != NULL)
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, form);
    if (h1 != NULL)
        hs = curl_slist_append(hs, h1);
    if (h2 != NULL)
        hs = curl_slist_append(hs, h2);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hs);
    hc_perform(h, rep);
    curl_slist_free_all(hs);
    curl_easy_cleanup(h);
    wire_buf_str(&st->log, rep->transcript.data ? rep->transcript.data : "");
    wire_buf_str(&st->log, "\n");
}

/* The value of cookie `name` in b's jar into out ("" when it has none). */
static void browser_cookie(struct browser *b, const char *name, char *out, size_t cap)
{
    CURL *h = curl_easy_init();
    struct curl_slist *list = NULL;
    out[0] = '\0';
    if (h == NULL)
        return;
    curl_easy_setopt(h, CURLOPT_SHARE, b->jar);
    curl_easy_getinfo(h, CURLINFO_COOKIELIST, &list);
    for (struct curl_slist *l = list; l != NULL; l = l->next) {
        const char *f = l->data;
        for (int i = 0; i < 5 && f != NULL; i++)
            f = strchr(f, '\t') ? strchr(f, '\t') + 1 : NULL;
        size_t n = f != NULL ? strcspn(f, "\t") : 0;
        if (f != NULL && n == strlen(name) && strncmp(f, name, n) == 0 && f[n] == '\t')
            snprintf(out, cap, "%s", f + n + 1);
    }
    curl_slist_free_all(list);
    curl_easy_cleanup(h);
}

/* The Set-Cookie lines of rep for cookie `name` (each "Set-Cookie: ..." value on its
 * own line, with `value` replaced by `as` when not NULL), appended to out. */
static void set_cookies(const struct hc_reply *rep, const char *name, const char *value,
                        const char *as, struct wire_buf *out)
{
    const char *p = rep->headers.data ? rep->headers.data : "";
    size_t nl = strlen(name);
    int any = 0;
    for (; *p != '\0'; p += strcspn(p, "\n") + (p[strcspn(p, "\n")] == '\n')) {
        size_t len = strcspn(p, "\r\n");
        if (len < 12 || strncasecmp(p, "Set-Cookie:", 11) != 0)
            continue;
        const char *v = p + 11 + strspn(p + 11, " ");
        if (strncmp(v, name, nl) != 0 || v[nl] != '=')
            continue;
        char line[512];
        snprintf(line, sizeof line, "%.*s", (int)(len - (size_t)(v - p)), v);
        size_t vl = value != NULL ? strlen(value) : 0;
        wire_buf_str(out, "  Set-Cookie: ");
        if (as != NULL && vl > 0 && strncmp(line + nl + 1, value, vl) == 0) {
            wire_buf_add(out, line, nl + 1);
            wire_buf_str(out, as);
            wire_buf_str(out, line + nl + 1 + vl);
        } else
            wire_buf_str(out, line);
        wire_buf_str(out, "\n");
        any = 1;
    }
    if (!any)
        wire_buf_str(out, "  (no Set-Cookie)\n");
}

/* 1 when s is n characters of set. */
static int all_of(const char *s, size_t n, const char *set)
{
    return strlen(s) == n && strspn(s, set) == n;
}

/* A request whose status and body are compared: "METHOD TARGET -> STATUS BODY". */
static void step(struct story *st, struct browser *b, const char *method, const char *target,
                 const char *form, const char *h1, const char *h2, long status,
                 const char *body)
{
    struct hc_reply rep;
    char line[600];
    browser_send(b, st, method, target, form, h1, h2, &rep);
    snprintf(line, sizeof line, "%s %s -> %ld %s\n", method, target, rep.status,
             rep.body.data ? rep.body.data : "");
    wire_buf_str(&st->got, line);
    snprintf(line, sizeof line, "%s %s -> %ld %s\n", method, target, status, body);
    wire_buf_str(&st->want, line);
    hc_reply_free(&rep);
}

static void fact(struct story *st, const char *got, const char *want)
{
    wire_buf_str(&st->got, got);
    wire_buf_str(&st->got, "\n");
    wire_buf_str(&st->want, want);
    wire_buf_str(&st->want, "\n");
}

static void story_end(struct story *st, const char *name)
{
    wire_buf_add(&st->got, "", 0);
    wire_buf_add(&st->want, "", 0);
    wire_buf_add(&st->log, "", 0);
    if (strcmp(st->got.data, st->want.data) != 0)
        tap_attach("transcript", st->log.data);
    tap_is_str(__FILE__, __LINE__, st->got.data, st->want.data, "%s", name);
    wire_buf_free(&st->got);
    wire_buf_free(&st->want);
    wire_buf_free(&st->log);
}

/* The driver's answer to a frame (caller frees; "(no answer)" when it is gone). */
static char *ask(const char *frame, const char *arg)
{
    char *ans = NULL;
    size_t alen = 0;
    if (wire_call(&peer, frame, arg, strlen(arg), &ans, &alen) < 0)
        return strdup("(the program stopped answering)");
    return ans;
}

/* A random session value with bytes that need encoding. */
static void rand_value(char *out, size_t cap)
{
    static const char *const bits[] = { " ", "&", "=", "%", "+", "\xc3\xa9", "/", "x" };
    char w[12];
    out[0] = '\0';
    for (int i = 0; i < 3; i++) {
        wire_rng_word(&rng, w, lower, sizeof lower - 1, 1, 6);
        strncat(out, w, cap - strlen(out) - 1);
        strncat(out, bits[wire_rng_below(&rng, 8)], cap - strlen(out) - 1);
    }
}

/* ---- sessions --------------------------------------------------------------------------- */

static const char keychars[] = "abcdefghijklmnopqrstuvwxyz0123456789";

/* Sets `n` random pairs through /put; the expected row data goes to data. */
static void put_pairs(struct story *st, struct browser *b, int n, char names[][12],
                      char values[][64], struct wire_buf *data)
{
    for (int i = 0; i < n; i++) {
        wire_rng_word(&rng, names[i], lower, sizeof lower - 1, 3, 8);
        size_t len = strlen(names[i]);
        names[i][len] = (char)('0' + i);        /* i < 4: the names differ */
        names[i][len + 1] = '\0';
        rand_value(values[i], 64);
        char *ev = vial_percent_encode(values[i], 0), target[300];
        snprintf(target, sizeof target, "/put?name=%s&value=%s", names[i], ev);
        step(st, b, "GET", target, NULL, NULL, NULL, 200, "set\n");
        wire_buf_str(data, data->len > 0 ? "&" : "");
        wire_buf_str(data, names[i]);
        wire_buf_str(data, "=");
        wire_buf_str(data, ev);
        free(ev);
    }
    wire_buf_add(data, "", 0);
}

static void t_session_store(const char *name)
{
    struct story st = { 0 };
    struct browser b;
    char names[4][12], values[4][64], key[64], line[400];
    struct wire_buf data = { 0 }, sc = { 0 };
    struct hc_reply rep;
    browser_new(&b);
    int n = 2 + (int)wire_rng_below(&rng, 3);
    rand_value(values[0], 64);
    char *ev = vial_percent_encode(values[0], 0), target[300];
    wire_rng_word(&rng, names[0], lower, sizeof lower - 1, 3, 8);
    snprintf(target, sizeof target, "/put?name=%s&value=%s", names[0], ev);
    wire_buf_str(&data, names[0]);
    wire_buf_str(&data, "=");
    wire_buf_str(&data, ev);
    free(ev);
    browser_send(&b, &st, "GET", target, NULL, NULL, NULL, &rep);
    browser_cookie(&b, "sessionid", key, sizeof key);
    set_cookies(&rep, "sessionid", key, "KEY", &sc);
    sc.len--;                           /* fact() ends the line */
    wire_buf_add(&sc, "", 0);
    snprintf(line, sizeof line, "  Set-Cookie: sessionid=KEY; HttpOnly; Max-Age=%ld; Path=/; "
             "SameSite=Lax", age);
    fact(&st, sc.data, line);
    hc_reply_free(&rep);
    wire_buf_free(&sc);
    fact(&st, all_of(key, 32, keychars) ? "sessionid: 32 characters of [a-z0-9]" : key,
         "sessionid: 32 characters of [a-z0-9]");
    put_pairs(&st, &b, n, names, values, &data);
    for (int i = 0; i < n; i++) {
        snprintf(target, sizeof target, "/get?name=%s", names[i]);
        step(&st, &b, "GET", target, NULL, NULL, NULL, 200, values[i]);
    }
    step(&st, &b, "GET", "/key", NULL, NULL, NULL, 200, key);
    browser_send(&b, &st, "GET", "/get?name=nothing", NULL, NULL, NULL, &rep);
    wire_buf_str(&st.got, "an unchanged session:\n");
    wire_buf_str(&st.want, "an unchanged session:\n  (no Set-Cookie)\n");
    set_cookies(&rep, "sessionid", NULL, NULL, &st.got);
    hc_reply_free(&rep);
    char *rows = ask("rows", "");
    snprintf(line, sizeof line, "rows:\n%s %s\n", key, data.data);
    wire_buf_str(&st.got, "rows:\n");
    wire_buf_str(&st.got, rows);
    wire_buf_str(&st.want, line);
    free(rows);
    wire_buf_free(&data);
    browser_free(&b);
    story_end(&st, name);
}

/* Counts the rows naming key. */
static int row_has(const char *key)
{
    char *rows = ask("rows", "");
    int has = key[0] != '\0' && strstr(rows, key) != NULL;
    free(rows);
    return has;
}

static void t_session_madeup(const char *name)
{
    struct story st = { 0 };
    struct browser b;
    char made[40], hdr[80], key[64];
    browser_new(&b);
    wire_rng_word(&rng, made, keychars, sizeof keychars - 1, 32, 32);
    snprintf(hdr, sizeof hdr, "Cookie: sessionid=%s", made);
    step(&st, &b, "GET", "/get?name=a", NULL, hdr, NULL, 200, "(none)");
    step(&st, &b, "GET", "/key", NULL, hdr, NULL, 200, "");
    step(&st, &b, "GET", "/put?name=a&value=1", NULL, hdr, NULL, 200, "set\n");
    browser_cookie(&b, "sessionid", key, sizeof key);
    fact(&st, strcmp(key, made) == 0 ? "the made-up key was taken"
         : all_of(key, 32, keychars) ? "a new key" : "no key", "a new key");
    fact(&st, row_has(made) ? "a row has the made-up key" : "no row has the made-up key",
         "no row has the made-up key");
    browser_free(&b);
    story_end(&st, name);
}

/* GET /form: the first token into tok. */
static void get_token(struct story *st, struct browser *b, char *tok)
{
    struct hc_reply rep;
    browser_send(b, st, "GET", "/form", NULL, NULL, NULL, &rep);
    const char *t = rep.body.data ? strstr(rep.body.data, "token1 ") : NULL;
    snprintf(tok, 80, "%.*s", t ? (int)strcspn(t + 7, "\n") : 0, t ? t + 7 : "");
    hc_reply_free(&rep);
}

static void t_session_login_logout(const char *name)
{
    struct story st = { 0 };
    struct browser b;
    char names[4][12], values[4][64], k0[64], k1[64], tok[80], form[120], target[64];
    struct wire_buf data = { 0 };
    struct hc_reply rep;
    browser_new(&b);
    int n = 1 + (int)wire_rng_below(&rng, 3);
    put_pairs(&st, &b, n, names, values, &data);
    browser_cookie(&b, "sessionid", k0, sizeof k0);
    get_token(&st, &b, tok);
    snprintf(form, sizeof form, "csrfmiddlewaretoken=%s", tok);
    step(&st, &b, "POST", "/login", form, NULL, NULL, 200, "cycle_key 0 rotate 0\n");
    browser_cookie(&b, "sessionid", k1, sizeof k1);
    fact(&st, strcmp(k0, k1) == 0 ? "login kept the key" : all_of(k1, 32, keychars)
         ? "login gave a new key" : "no key after login", "login gave a new key");
    fact(&st, row_has(k0) ? "the old key's row is still there" : "the old row is gone",
         "the old row is gone");
    fact(&st, row_has(k1) ? "the new key has a row" : "the new key has no row",
         "the new key has a row");
    for (int i = 0; i < n; i++) {
        snprintf(target, sizeof target, "/get?name=%s", names[i]);
        step(&st, &b, "GET", target, NULL, NULL, NULL, 200, values[i]);
    }
    get_token(&st, &b, tok);
    snprintf(form, sizeof form, "csrfmiddlewaretoken=%s", tok);
    browser_send(&b, &st, "POST", "/logout", form, NULL, NULL, &rep);
    wire_buf_str(&st.got, "logout:\n");
    wire_buf_str(&st.want, "logout:\n  Set-Cookie: sessionid=; Max-Age=0; Path=/\n");
    set_cookies(&rep, "sessionid", NULL, NULL, &st.got);
    hc_reply_free(&rep);
    fact(&st, row_has(k1) ? "the row is still there" : "the row is gone", "the row is gone");
    snprintf(target, sizeof target, "/get?name=%s", names[0]);
    step(&st, &b, "GET", target, NULL, NULL, NULL, 200, "(none)");
    wire_buf_free(&data);
    browser_free(&b);
    story_end(&st, name);
}

static void t_session_expiry(const char *name)
{
    struct story st = { 0 };
    struct browser b;
    char names[4][12], values[4][64], key[64], target[64];
    struct wire_buf data = { 0 };
    browser_new(&b);
    put_pairs(&st, &b, 1, names, values, &data);
    browser_cookie(&b, "sessionid", key, sizeof key);
    snprintf(target, sizeof target, "/get?name=%s", names[0]);
    step(&st, &b, "GET", target, NULL, NULL, NULL, 200, values[0]);
    free(ask("expire", key));
    step(&st, &b, "GET", target, NULL, NULL, NULL, 200, "(none)");
    char *n = ask("clear", "");
    fact(&st, n, "1");
    free(n);
    fact(&st, row_has(key) ? "the expired row is still there" : "the expired row is gone",
         "the expired row is gone");
    wire_buf_free(&data);
    browser_free(&b);
    story_end(&st, name);
}

/* ---- CSRF ------------------------------------------------------------------------------- */

#define FORBID(reason) "403 Forbidden\nCSRF verification failed. " reason "\n"

static void t_csrf_tokens(const char *name)
{
    struct story st = { 0 };
    struct browser b;
    struct hc_reply rep;
    char secret[64], s1[40] = "", s2[40] = "", t1[80] = "", t2[80] = "", form[200], v[12];
    struct wire_buf sc = { 0 };
    browser_new(&b);
    browser_send(&b, &st, "GET", "/form", NULL, NULL, NULL, &rep);
    browser_cookie(&b, "csrftoken", secret, sizeof secret);
    set_cookies(&rep, "csrftoken", secret, "SECRET", &sc);
    sc.len--;                           /* fact() ends the line */
    wire_buf_add(&sc, "", 0);
    fact(&st, sc.data, "  Set-Cookie: csrftoken=SECRET; Max-Age=31449600; Path=/; SameSite=Lax");
    wire_buf_free(&sc);
    const char *p1 = rep.body.data ? strstr(rep.body.data, "token1 ") : NULL;
    const char *p2 = rep.body.data ? strstr(rep.body.data, "token2 ") : NULL;
    if (p1 != NULL)
        snprintf(t1, sizeof t1, "%.*s", (int)strcspn(p1 + 7, "\n"), p1 + 7);
    if (p2 != NULL)
        snprintf(t2, sizeof t2, "%.*s", (int)strcspn(p2 + 7, "\n"), p2 + 7);
    hc_reply_free(&rep);
    fact(&st, all_of(secret, 32, KEG_CSRF_CHARS) ? "secret: 32 characters" : secret,
         "secret: 32 characters");
    fact(&st, all_of(t1, 64, KEG_CSRF_CHARS) && all_of(t2, 64, KEG_CSRF_CHARS)
         ? "tokens: 64 characters" : "tokens are not 64 characters", "tokens: 64 characters");
    fact(&st, strcmp(t1, t2) != 0 ? "the two tokens differ" : "the two tokens are equal",
         "the two tokens differ");
    keg_csrf_unmask(t1, s1);
    keg_csrf_unmask(t2, s2);
    fact(&st, strcmp(s1, secret) == 0 && strcmp(s2, secret) == 0
         ? "both unmask to the cookie's secret" : "a token does not unmask to the secret",
         "both unmask to the cookie's secret");
    for (int i = 0; i < 2; i++) {
        char body[40];
        wire_rng_word(&rng, v, lower, sizeof lower - 1, 2, 8);
        snprintf(form, sizeof form, "v=%s&csrfmiddlewaretoken=%s", v, i ? t2 : t1);
        snprintf(body, sizeof body, "ok %s\n", v);
        step(&st, &b, "POST", "/post", form, NULL, NULL, 200, body);
    }
    char again[64];
    get_token(&st, &b, t1);
    browser_cookie(&b, "csrftoken", again, sizeof again);
    fact(&st, strcmp(again, secret) == 0 ? "the secret stays" : "the secret changed",
         "the secret stays");
    browser_free(&b);
    story_end(&st, name);
}

static void t_csrf_refusals(const char *name)
{
    struct story st = { 0 };
    struct browser a, b, fresh;
    char ta[80], tb[80], form[200], hdr[120], bad[80];
    browser_new(&a);
    browser_new(&b);
    browser_new(&fresh);
    get_token(&st, &a, ta);
    get_token(&st, &b, tb);
    snprintf(form, sizeof form, "v=1&csrfmiddlewaretoken=%s", ta);
    step(&st, &fresh, "POST", "/post", form, NULL, NULL, 403, FORBID("CSRF cookie not set."));
    snprintf(form, sizeof form, "v=1&csrfmiddlewaretoken=%s", tb);
    step(&st, &a, "POST", "/post", form, NULL, NULL, 403,
         FORBID("CSRF token from POST incorrect."));
    step(&st, &a, "POST", "/post", "v=1", NULL, NULL, 403, FORBID("CSRF token missing."));
    wire_rng_word(&rng, bad, KEG_CSRF_CHARS, 62, 33, 63);
    snprintf(form, sizeof form, "v=1&csrfmiddlewaretoken=%s", bad);
    step(&st, &a, "POST", "/post", form, NULL, NULL, 403,
         FORBID("CSRF token from POST has incorrect length."));
    snprintf(bad, sizeof bad, "%s", ta);
    bad[wire_rng_below(&rng, 64)] = '-';
    snprintf(form, sizeof form, "v=1&csrfmiddlewaretoken=%s", bad);
    step(&st, &a, "POST", "/post", form, NULL, NULL, 403,
         FORBID("CSRF token from POST has invalid characters."));
    snprintf(hdr, sizeof hdr, "X-CSRFToken: %s", ta);
    step(&st, &a, "POST", "/post", "v=h", hdr, NULL, 200, "ok h\n");
    step(&st, &a, "PUT", "/post", NULL, hdr, NULL, 200, "ok (none)\n");
    step(&st, &a, "DELETE", "/post", NULL, NULL, NULL, 403, FORBID("CSRF token missing."));
    snprintf(hdr, sizeof hdr, "X-CSRFToken: %s", tb);
    step(&st, &a, "PUT", "/post", NULL, hdr, NULL, 403,
         FORBID("CSRF token from the 'X-Csrftoken' HTTP header incorrect."));
    step(&st, &fresh, "GET", "/post", NULL, NULL, NULL, 200, "ok (none)\n");
    step(&st, &fresh, "HEAD", "/post", NULL, NULL, NULL, 200, "");
    browser_free(&a);
    browser_free(&b);
    browser_free(&fresh);
    story_end(&st, name);
}

static void t_csrf_origin(const char *name)
{
    struct story st = { 0 };
    struct browser a;
    char tok[80], form[200], o[120], evil[40], want[200];
    browser_new(&a);
    get_token(&st, &a, tok);
    snprintf(form, sizeof form, "v=o&csrfmiddlewaretoken=%s", tok);
    wire_rng_word(&rng, evil, lower, sizeof lower - 1, 3, 10);
    snprintf(o, sizeof o, "Origin: http://%s.example", evil);
    snprintf(want, sizeof want, FORBID("Origin checking failed - http://%s.example does not "
             "match any trusted origins."), evil);
    step(&st, &a, "POST", "/post", form, o, NULL, 403, want);
    snprintf(o, sizeof o, "Origin: http://127.0.0.1:%d", port);
    step(&st, &a, "POST", "/post", form, o, NULL, 200, "ok o\n");
    snprintf(o, sizeof o, "Origin: https://127.0.0.1:%d", port);
    snprintf(want, sizeof want, FORBID("Origin checking failed - https://127.0.0.1:%d does "
             "not match any trusted origins."), port);
    step(&st, &a, "POST", "/post", form, o, NULL, 403, want);
    snprintf(o, sizeof o, "Origin: https://%s", trusted);
    step(&st, &a, "POST", "/post", form, o, NULL, 200, "ok o\n");
    snprintf(o, sizeof o, "Origin: https://%s.%s", evil, wild);
    step(&st, &a, "POST", "/post", form, o, NULL, 200, "ok o\n");
    snprintf(o, sizeof o, "Origin: http://%s.%s", evil, wild);
    snprintf(want, sizeof want, FORBID("Origin checking failed - http://%s.%s does not "
             "match any trusted origins."), evil, wild);
    step(&st, &a, "POST", "/post", form, o, NULL, 403, want);
    browser_free(&a);
    story_end(&st, name);
}

static void t_csrf_referer(const char *name)
{
    struct story st = { 0 };
    struct browser a;
    char tok[80], form[200], r[140], evil[40], want[240];
    const char *https = "X-Forwarded-Proto: https";
    browser_new(&a);
    get_token(&st, &a, tok);
    snprintf(form, sizeof form, "v=r&csrfmiddlewaretoken=%s", tok);
    step(&st, &a, "POST", "/post", form, NULL, NULL, 200, "ok r\n");
    step(&st, &a, "POST", "/post", form, "X-Forwarded-Proto: http", NULL, 200, "ok r\n");
    step(&st, &a, "POST", "/post", form, https, NULL, 403,
         FORBID("Referer checking failed - no Referer."));
    snprintf(r, sizeof r, "Referer: http://127.0.0.1:%d/form", port);
    step(&st, &a, "POST", "/post", form, https, r, 403,
         FORBID("Referer checking failed - Referer is insecure while host is secure."));
    step(&st, &a, "POST", "/post", form, https, "Referer: /form", 403,
         FORBID("Referer checking failed - Referer is malformed."));
    wire_rng_word(&rng, evil, lower, sizeof lower - 1, 3, 10);
    snprintf(r, sizeof r, "Referer: https://%s.example/form", evil);
    snprintf(want, sizeof want, FORBID("Referer checking failed - https://%s.example/form "
             "does not match any trusted origins."), evil);
    step(&st, &a, "POST", "/post", form, https, r, 403, want);
    snprintf(r, sizeof r, "Referer: https://127.0.0.1:%d/form", port);
    step(&st, &a, "POST", "/post", form, https, r, 200, "ok r\n");
    snprintf(r, sizeof r, "Referer: https://%s.%s/page", evil, wild);
    step(&st, &a, "POST", "/post", form, https, r, 200, "ok r\n");
    snprintf(r, sizeof r, "Referer: https://%s/", trusted);
    step(&st, &a, "POST", "/post", form, "X-Forwarded-Proto: https, http", r, 200, "ok r\n");
    browser_free(&a);
    story_end(&st, name);
}

static void t_csrf_rotate(const char *name)
{
    struct story st = { 0 };
    struct browser a;
    char tok[80], s0[64], s1[64], form[200];
    browser_new(&a);
    get_token(&st, &a, tok);
    browser_cookie(&a, "csrftoken", s0, sizeof s0);
    snprintf(form, sizeof form, "csrfmiddlewaretoken=%s", tok);
    step(&st, &a, "POST", "/login", form, NULL, NULL, 200, "cycle_key 0 rotate 0\n");
    browser_cookie(&a, "csrftoken", s1, sizeof s1);
    fact(&st, strcmp(s0, s1) != 0 && all_of(s1, 32, KEG_CSRF_CHARS)
         ? "login sent a new secret" : "the secret did not change", "login sent a new secret");
    snprintf(form, sizeof form, "v=old&csrfmiddlewaretoken=%s", tok);
    step(&st, &a, "POST", "/post", form, NULL, NULL, 403,
         FORBID("CSRF token from POST incorrect."));
    get_token(&st, &a, tok);
    snprintf(form, sizeof form, "v=new&csrfmiddlewaretoken=%s", tok);
    step(&st, &a, "POST", "/post", form, NULL, NULL, 200, "ok new\n");
    browser_free(&a);
    story_end(&st, name);
}

int main(int argc, char **argv)
{
    static const struct { void (*fn)(const char *name); const char *name; } tests[] = {
        { t_session_store,
          "sessions: the data is in keg_session under a random key, the cookie "
          "carries only the key, an unchanged session sends no cookie" },
        { t_session_madeup,
          "sessions: a key the browser made up names no session and is never taken" },
        { t_session_login_logout,
          "sessions: cycle_key at login keeps the data under a new key (the old row "
          "deleted), flush at logout deletes the row and the cookie" },
        { t_session_expiry,
          "sessions: an expired row is no session; keg_session_clear_expired "
          "deletes it" },
        { t_csrf_tokens,
          "CSRF: the csrftoken cookie holds the secret; two renders give different "
          "masked tokens that both validate" },
        { t_csrf_refusals,
          "CSRF: a missing cookie, a foreign, missing or malformed token give 403; "
          "the X-CSRFToken header form; safe methods pass" },
        { t_csrf_origin,
          "CSRF: a good token with a foreign Origin gives 403; the host's own origin "
          "and trusted origins pass" },
        { t_csrf_referer,
          "CSRF: on HTTPS (X-Forwarded-Proto from the trusted proxy) the Referer must "
          "be the host's or a trusted origin's" },
        { t_csrf_rotate,
          "CSRF: keg_csrf_rotate at login: a new secret; tokens of the old one fail" },
    };
    size_t ntests = sizeof tests / sizeof tests[0];
    wire_rng_seed(&rng, wire_seed_arg(argc, argv));
    wire_peer_init(&peer, 10000);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    tap_plan((int)ntests);
    char t[20], w[20], arg[128];
    wire_rng_word(&rng, t, lower, sizeof lower - 1, 3, 8);
    wire_rng_word(&rng, w, lower, sizeof lower - 1, 3, 8);
    snprintf(trusted, sizeof trusted, "%s.test", t);
    snprintf(wild, sizeof wild, "%s.test", w);
    age = 600 + (long)wire_rng_below(&rng, 100000);
    snprintf(arg, sizeof arg, "%ld https://%s,https://*.%s", age, trusted, wild);
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
