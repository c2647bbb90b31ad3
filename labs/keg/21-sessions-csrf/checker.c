/* checker.c -- lab 21's hidden tests, over real HTTP with libcurl and its cookie jar, as a
 * browser would: sessions kept in keg_session under a random key (made-up keys refused,
 * the key cycled at login, flushed at logout, expired), and CSRF (the cookie, masked
 * tokens that differ and validate, a missing cookie, a foreign or malformed token, the
 * header form, Origin, Referer on HTTPS behind a trusted proxy, rotation at login). Names,
 * values and trusted origins come from the seed; expected texts are written here, tokens
 * unmasked with the reference's keg_csrf_unmask. Browsers and stories: httpcheck.h. Run
 * as `checker SEED`. */
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

/* 1 when s is n characters of set. */
static int all_of(const char *s, size_t n, const char *set)
{
    return strlen(s) == n && strspn(s, set) == n;
}

/* A request whose status and body are compared: "METHOD TARGET -> STATUS BODY". */
static void step(struct hc_story *st, struct hc_browser *b, const char *method,
                 const char *target, const char *form, const char *h1, const char *h2,
                 long status, const char *body)
{
    struct hc_reply rep;
    char line[600];
    const char *hs[3] = { NULL };
    int nh = 0;
    if (h1 != NULL)
        hs[nh++] = h1;
    if (h2 != NULL)
        hs[nh++] = h2;
    hc_browser_send(b, method, target, form, hs, &st->log, &rep);
    snprintf(line, sizeof line, "%s %s -> %ld %s\n", method, target, rep.status,
             rep.body.data ? rep.body.data : "");
    wire_buf_str(&st->got, line);
    snprintf(line, sizeof line, "%s %s -> %ld %s\n", method, target, status, body);
    wire_buf_str(&st->want, line);
    hc_reply_free(&rep);
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
static void put_pairs(struct hc_story *st, struct hc_browser *b, int n, char names[][12],
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

/* Counts the rows naming key. */
static int row_has(const char *key)
{
    char *rows = ask("rows", "");
    int has = key[0] != '\0' && strstr(rows, key) != NULL;
    free(rows);
    return has;
}

static void t_session_store(const char *name)
{
    struct hc_story st = { 0 };
    struct hc_browser b;
    char names[4][12], values[4][64], key[64], line[400];
    struct wire_buf data = { 0 }, sc = { 0 };
    struct hc_reply rep;
    hc_browser_new(&b, port);
    int n = 2 + (int)wire_rng_below(&rng, 3);
    rand_value(values[0], 64);
    char *ev = vial_percent_encode(values[0], 0), target[300];
    wire_rng_word(&rng, names[0], lower, sizeof lower - 1, 3, 8);
    snprintf(target, sizeof target, "/put?name=%s&value=%s", names[0], ev);
    wire_buf_str(&data, names[0]);
    wire_buf_str(&data, "=");
    wire_buf_str(&data, ev);
    free(ev);
    hc_browser_send(&b, "GET", target, NULL, NULL, &st.log, &rep);
    hc_browser_cookie(&b, "sessionid", key, sizeof key);
    hc_set_cookies(&rep, "sessionid", key, "KEY", &sc);
    sc.len--;                           /* hc_fact ends the line */
    wire_buf_add(&sc, "", 0);
    snprintf(line, sizeof line, "  Set-Cookie: sessionid=KEY; HttpOnly; Max-Age=%ld; Path=/; "
             "SameSite=Lax", age);
    hc_fact(&st, sc.data, line);
    hc_reply_free(&rep);
    wire_buf_free(&sc);
    hc_fact(&st, all_of(key, 32, keychars) ? "sessionid: 32 characters of [a-z0-9]" : key,
         "sessionid: 32 characters of [a-z0-9]");
    char first[12];
    snprintf(first, sizeof first, "%s", names[0]);
    put_pairs(&st, &b, n, names, values, &data);
    for (int i = 0; i < n; i++) {
        snprintf(target, sizeof target, "/get?name=%s", names[i]);
        step(&st, &b, "GET", target, NULL, NULL, NULL, 200, values[i]);
    }
    step(&st, &b, "GET", "/key", NULL, NULL, NULL, 200, key);
    hc_browser_send(&b, "GET", "/get?name=nothing", NULL, NULL, &st.log, &rep);
    wire_buf_str(&st.got, "an unchanged session:\n");
    wire_buf_str(&st.want, "an unchanged session:\n  (no Set-Cookie)\n");
    hc_set_cookies(&rep, "sessionid", NULL, NULL, &st.got);
    hc_reply_free(&rep);
    char *rows = ask("rows", "");
    snprintf(line, sizeof line, "rows:\n%s %s\n", key, data.data);
    wire_buf_str(&st.got, "rows:\n");
    wire_buf_str(&st.got, rows);
    wire_buf_str(&st.want, line);
    free(rows);
    for (int i = -1; i < n; i++) {          /* /put without a value removes the name */
        snprintf(target, sizeof target, "/put?name=%s", i < 0 ? first : names[i]);
        hc_browser_send(&b, "GET", target, NULL, NULL, &st.log, &rep);
        if (i == n - 1) {
            wire_buf_str(&st.got, "the last name removed:\n");
            wire_buf_str(&st.want, "the last name removed:\n"
                          "  Set-Cookie: sessionid=; Max-Age=0; Path=/\n");
            hc_set_cookies(&rep, "sessionid", NULL, NULL, &st.got);
        }
        hc_reply_free(&rep);
    }
    hc_fact(&st, row_has(key) ? "the emptied session's row is still there"
            : "the emptied session's row is gone", "the emptied session's row is gone");
    wire_buf_free(&data);
    hc_browser_free(&b);
    hc_story_end(&st, name);
}

static void t_session_madeup(const char *name)
{
    struct hc_story st = { 0 };
    struct hc_browser b;
    char made[40], hdr[80], key[64];
    hc_browser_new(&b, port);
    wire_rng_word(&rng, made, keychars, sizeof keychars - 1, 32, 32);
    snprintf(hdr, sizeof hdr, "Cookie: sessionid=%s", made);
    step(&st, &b, "GET", "/get?name=a", NULL, hdr, NULL, 200, "(none)");
    step(&st, &b, "GET", "/key", NULL, hdr, NULL, 200, "");
    step(&st, &b, "GET", "/put?name=a&value=1", NULL, hdr, NULL, 200, "set\n");
    hc_browser_cookie(&b, "sessionid", key, sizeof key);
    hc_fact(&st, strcmp(key, made) == 0 ? "the made-up key was taken"
         : all_of(key, 32, keychars) ? "a new key" : "no key", "a new key");
    hc_fact(&st, row_has(made) ? "a row has the made-up key" : "no row has the made-up key",
         "no row has the made-up key");
    hc_browser_free(&b);
    hc_story_end(&st, name);
}

/* GET /form: the first token into tok. */
static void get_token(struct hc_story *st, struct hc_browser *b, char *tok)
{
    struct hc_reply rep;
    hc_browser_send(b, "GET", "/form", NULL, NULL, &st->log, &rep);
    hc_scrape(rep.body.data, "token1 ", "\n", tok, 80);
    hc_reply_free(&rep);
}

static void t_session_login_logout(const char *name)
{
    struct hc_story st = { 0 };
    struct hc_browser b;
    char names[4][12], values[4][64], k0[64], k1[64], tok[80], form[120], target[64];
    struct wire_buf data = { 0 };
    struct hc_reply rep;
    hc_browser_new(&b, port);
    int n = 1 + (int)wire_rng_below(&rng, 3);
    put_pairs(&st, &b, n, names, values, &data);
    hc_browser_cookie(&b, "sessionid", k0, sizeof k0);
    get_token(&st, &b, tok);
    snprintf(form, sizeof form, "csrfmiddlewaretoken=%s", tok);
    step(&st, &b, "POST", "/login", form, NULL, NULL, 200, "cycle_key 0 rotate 0\n");
    hc_browser_cookie(&b, "sessionid", k1, sizeof k1);
    hc_fact(&st, strcmp(k0, k1) == 0 ? "login kept the key" : all_of(k1, 32, keychars)
         ? "login gave a new key" : "no key after login", "login gave a new key");
    hc_fact(&st, row_has(k0) ? "the old key's row is still there" : "the old row is gone",
         "the old row is gone");
    hc_fact(&st, row_has(k1) ? "the new key has a row" : "the new key has no row",
         "the new key has a row");
    for (int i = 0; i < n; i++) {
        snprintf(target, sizeof target, "/get?name=%s", names[i]);
        step(&st, &b, "GET", target, NULL, NULL, NULL, 200, values[i]);
    }
    get_token(&st, &b, tok);
    snprintf(form, sizeof form, "csrfmiddlewaretoken=%s", tok);
    hc_browser_send(&b, "POST", "/logout", form, NULL, &st.log, &rep);
    hc_fact(&st, rep.body.data ? rep.body.data : "", "flush 0 key \n");
    wire_buf_str(&st.got, "logout:\n");
    wire_buf_str(&st.want, "logout:\n  Set-Cookie: sessionid=; Max-Age=0; Path=/\n");
    hc_set_cookies(&rep, "sessionid", NULL, NULL, &st.got);
    hc_reply_free(&rep);
    hc_fact(&st, row_has(k1) ? "the row is still there" : "the row is gone",
            "the row is gone");
    snprintf(target, sizeof target, "/get?name=%s", names[0]);
    step(&st, &b, "GET", target, NULL, NULL, NULL, 200, "(none)");
    struct hc_browser anon;                 /* flush with no session: nothing to delete */
    hc_browser_new(&anon, port);
    get_token(&st, &anon, tok);
    snprintf(form, sizeof form, "csrfmiddlewaretoken=%s", tok);
    step(&st, &anon, "POST", "/logout", form, NULL, NULL, 200, "flush 0 key \n");
    hc_browser_free(&anon);
    char *nulls = ask("nulls", ""), want[120];
    snprintf(want, sizeof want, "set %d cycle_key %d flush %d get NULL", KEG_EINVALID,
             KEG_EINVALID, KEG_EINVALID);
    hc_fact(&st, nulls, want);
    free(nulls);
    wire_buf_free(&data);
    hc_browser_free(&b);
    hc_story_end(&st, name);
}

static void t_session_expiry(const char *name)
{
    struct hc_story st = { 0 };
    struct hc_browser b;
    char names[4][12], values[4][64], key[64], target[64];
    struct wire_buf data = { 0 };
    hc_browser_new(&b, port);
    put_pairs(&st, &b, 1, names, values, &data);
    hc_browser_cookie(&b, "sessionid", key, sizeof key);
    snprintf(target, sizeof target, "/get?name=%s", names[0]);
    step(&st, &b, "GET", target, NULL, NULL, NULL, 200, values[0]);
    char bad[200], junk[12];
    wire_rng_word(&rng, junk, lower, sizeof lower - 1, 1, 10);
    snprintf(bad, sizeof bad, "%s %s=x&%s", key, names[0], junk);
    free(ask("data", bad));
    step(&st, &b, "GET", target, NULL, NULL, NULL, 200, "(none)");
    snprintf(bad, sizeof bad, "%s %s=%s", key, names[0], junk);
    free(ask("data", bad));
    step(&st, &b, "GET", target, NULL, NULL, NULL, 200, junk);
    free(ask("expire", key));
    step(&st, &b, "GET", target, NULL, NULL, NULL, 200, "(none)");
    char *n = ask("clear", "");
    hc_fact(&st, n, "1");
    free(n);
    hc_fact(&st, row_has(key) ? "the expired row is still there" : "the expired row is gone",
         "the expired row is gone");
    wire_buf_free(&data);
    hc_browser_free(&b);
    hc_story_end(&st, name);
}

/* ---- CSRF ------------------------------------------------------------------------------- */

#define FORBID(reason) "403 Forbidden\nCSRF verification failed. " reason "\n"

static void t_csrf_tokens(const char *name)
{
    struct hc_story st = { 0 };
    struct hc_browser b;
    struct hc_reply rep;
    char secret[64], s1[40] = "", s2[40] = "", t1[80] = "", t2[80] = "", form[200], v[12];
    struct wire_buf sc = { 0 };
    hc_browser_new(&b, port);
    hc_browser_send(&b, "GET", "/form", NULL, NULL, &st.log, &rep);
    hc_browser_cookie(&b, "csrftoken", secret, sizeof secret);
    hc_set_cookies(&rep, "csrftoken", secret, "SECRET", &sc);
    sc.len--;                           /* hc_fact ends the line */
    wire_buf_add(&sc, "", 0);
    hc_fact(&st, sc.data,
            "  Set-Cookie: csrftoken=SECRET; Max-Age=31449600; Path=/; SameSite=Lax");
    wire_buf_free(&sc);
    hc_scrape(rep.body.data, "token1 ", "\n", t1, sizeof t1);
    hc_scrape(rep.body.data, "token2 ", "\n", t2, sizeof t2);
    hc_reply_free(&rep);
    hc_fact(&st, all_of(secret, 32, KEG_CSRF_CHARS) ? "secret: 32 characters" : secret,
         "secret: 32 characters");
    hc_fact(&st, all_of(t1, 64, KEG_CSRF_CHARS) && all_of(t2, 64, KEG_CSRF_CHARS)
         ? "tokens: 64 characters" : "tokens are not 64 characters", "tokens: 64 characters");
    hc_fact(&st, strcmp(t1, t2) != 0 ? "the two tokens differ" : "the two tokens are equal",
         "the two tokens differ");
    keg_csrf_unmask(t1, s1);
    keg_csrf_unmask(t2, s2);
    hc_fact(&st, strcmp(s1, secret) == 0 && strcmp(s2, secret) == 0
         ? "both unmask to the cookie's secret" : "a token does not unmask to the secret",
         "both unmask to the cookie's secret");
    char *um = ask("unmask", t1), want[80];
    snprintf(want, sizeof want, "0 %s", secret);
    hc_fact(&st, um, want);
    free(um);
    char shortt[40];
    wire_rng_word(&rng, shortt, KEG_CSRF_CHARS, 62, 1, 31);
    um = ask("unmask", shortt);
    snprintf(want, sizeof want, "%d ", KEG_EINVALID);
    hc_fact(&st, um, want);
    free(um);
    for (int i = 0; i < 2; i++) {
        char body[40];
        wire_rng_word(&rng, v, lower, sizeof lower - 1, 2, 8);
        snprintf(form, sizeof form, "v=%s&csrfmiddlewaretoken=%s", v, i ? t2 : t1);
        snprintf(body, sizeof body, "ok %s\n", v);
        step(&st, &b, "POST", "/post", form, NULL, NULL, 200, body);
    }
    char again[64];
    get_token(&st, &b, t1);
    hc_browser_cookie(&b, "csrftoken", again, sizeof again);
    hc_fact(&st, strcmp(again, secret) == 0 ? "the secret stays" : "the secret changed",
         "the secret stays");
    hc_browser_free(&b);
    hc_story_end(&st, name);
}

static void t_csrf_refusals(const char *name)
{
    struct hc_story st = { 0 };
    struct hc_browser a, b, fresh;
    char ta[80], tb[80], form[200], hdr[120], bad[80];
    hc_browser_new(&a, port);
    hc_browser_new(&b, port);
    hc_browser_new(&fresh, port);
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
    hc_browser_free(&a);
    hc_browser_free(&b);
    hc_browser_free(&fresh);
    hc_story_end(&st, name);
}

static void t_csrf_origin(const char *name)
{
    struct hc_story st = { 0 };
    struct hc_browser a;
    char tok[80], form[200], o[120], evil[40], want[200];
    hc_browser_new(&a, port);
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
    snprintf(o, sizeof o, "Origin: https://%s", wild);
    step(&st, &a, "POST", "/post", form, o, NULL, 200, "ok o\n");
    snprintf(o, sizeof o, "Origin: https://%s/%s", trusted, evil);
    snprintf(want, sizeof want, FORBID("Origin checking failed - https://%s/%s does not "
             "match any trusted origins."), trusted, evil);
    step(&st, &a, "POST", "/post", form, o, NULL, 403, want);
    snprintf(o, sizeof o, "Origin: http://%s.%s", evil, wild);
    snprintf(want, sizeof want, FORBID("Origin checking failed - http://%s.%s does not "
             "match any trusted origins."), evil, wild);
    step(&st, &a, "POST", "/post", form, o, NULL, 403, want);
    hc_browser_free(&a);
    hc_story_end(&st, name);
}

static void t_csrf_referer(const char *name)
{
    struct hc_story st = { 0 };
    struct hc_browser a;
    char tok[80], form[200], r[140], evil[40], want[240];
    const char *https = "X-Forwarded-Proto: https";
    hc_browser_new(&a, port);
    get_token(&st, &a, tok);
    snprintf(form, sizeof form, "v=r&csrfmiddlewaretoken=%s", tok);
    step(&st, &a, "POST", "/post", form, NULL, NULL, 200, "ok r\n");
    step(&st, &a, "POST", "/post", form, "X-Forwarded-Proto: http", NULL, 200, "ok r\n");
    step(&st, &a, "POST", "/post", form, https, NULL, 403,
         FORBID("Referer checking failed - no Referer."));
    step(&st, &a, "POST", "/post", form, "X-Forwarded-Proto: https\t, http", NULL, 403,
         FORBID("Referer checking failed - no Referer."));
    char proto[40];
    snprintf(proto, sizeof proto, "X-Forwarded-Proto: https%c", lower[wire_rng_below(&rng, 26)]);
    step(&st, &a, "POST", "/post", form, proto, NULL, 200, "ok r\n");
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
    hc_browser_free(&a);
    hc_story_end(&st, name);
}

static void t_csrf_rotate(const char *name)
{
    struct hc_story st = { 0 };
    struct hc_browser a;
    char tok[80], s0[64], s1[64], form[200];
    hc_browser_new(&a, port);
    get_token(&st, &a, tok);
    hc_browser_cookie(&a, "csrftoken", s0, sizeof s0);
    snprintf(form, sizeof form, "csrfmiddlewaretoken=%s", tok);
    step(&st, &a, "POST", "/login", form, NULL, NULL, 200, "cycle_key 0 rotate 0\n");
    hc_browser_cookie(&a, "csrftoken", s1, sizeof s1);
    hc_fact(&st, strcmp(s0, s1) != 0 && all_of(s1, 32, KEG_CSRF_CHARS)
         ? "login sent a new secret" : "the secret did not change", "login sent a new secret");
    snprintf(form, sizeof form, "v=old&csrfmiddlewaretoken=%s", tok);
    step(&st, &a, "POST", "/post", form, NULL, NULL, 403,
         FORBID("CSRF token from POST incorrect."));
    get_token(&st, &a, tok);
    snprintf(form, sizeof form, "v=new&csrfmiddlewaretoken=%s", tok);
    step(&st, &a, "POST", "/post", form, NULL, NULL, 200, "ok new\n");
    hc_browser_free(&a);
    hc_story_end(&st, name);
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
    snprintf(arg, sizeof arg, "%ld https://%s,https://*,https://*.%s", age, trusted, wild);
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
