/* session.c -- [lab 10] signed cookie sessions (HMAC-SHA256, constant-time checks, expiry,
 * key rotation) and flash messages. The cookie is
 * "base64url(payload).EXPIRY.base64url(HMAC-SHA256(key, base64url(payload).EXPIRY))". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "internal.h"

#define SESSION_FLASH "_flash:"         /* flash messages are pairs "_flash:CATEGORY" */
#define SESSION_SIG_LEN 43              /* base64url of 32 bytes, without padding */

/* A request's session. `modified` is set by every change; `had_cookie` when the request
 * carried a session cookie at all (valid or not), so an emptied session deletes it. */
struct vial_session {
    vial_pairs data;
    int modified;
    int had_cookie;
};

/* SOLUTION(10) BEGIN */
static const char session_b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* base64url of data[0..len) without padding into a new string (caller frees), or NULL. */
static char *session_b64_encode(const unsigned char *data, size_t len)
{
    char *out = malloc(len / 3 * 4 + 5);
    size_t o = 0;
    if (out == NULL)
        return NULL;
    for (size_t i = 0; i < len; i += 3) {
        unsigned long v = (unsigned long)data[i] << 16;
        size_t n = len - i < 3 ? len - i : 3;
        if (n > 1)
            v |= (unsigned long)data[i + 1] << 8;
        if (n > 2)
            v |= data[i + 2];
        for (size_t k = 0; k <= n; k++)
            out[o++] = session_b64[(v >> (18 - 6 * k)) & 63];
    }
    out[o] = '\0';
    return out;
}

/* Decodes base64url text s[0..len) (no padding) into a new NUL-terminated buffer (caller
 * frees) with its length in *out_len. NULL for a bad character or length. */
static char *session_b64_decode(const char *s, size_t len, size_t *out_len)
{
    if (len % 4 == 1)
        return NULL;
    char *out = malloc(len / 4 * 3 + 3);
    size_t o = 0;
    unsigned long v = 0;
    if (out == NULL)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        const char *at = memchr(session_b64, s[i], 64);
        if (at == NULL || s[i] == '\0') {
            free(out);
            return NULL;
        }
        v = (v << 6) | (unsigned long)(at - session_b64);
        if (i % 4 == 3 || i + 1 == len) {
            size_t got = i % 4 + 1;            /* 2, 3 or 4 characters: 1, 2 or 3 bytes */
            v <<= 6 * (4 - got);
            for (size_t k = 0; k + 1 < got; k++)
                out[o++] = (char)((v >> (16 - 8 * k)) & 255);
            v = 0;
        }
    }
    out[o] = '\0';
    *out_len = o;
    return out;
}

/* The signature text of signed[0..len) with key, into sig[SESSION_SIG_LEN + 1]. */
static int session_sign(const char *key, const char *signed_part, size_t len, char *sig)
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int maclen = 0;
    if (HMAC(EVP_sha256(), key, (int)strlen(key), (const unsigned char *)signed_part, len,
             mac, &maclen) == NULL || maclen != 32)
        return -1;
    char *text = session_b64_encode(mac, maclen);
    if (text == NULL)
        return -1;
    memcpy(sig, text, SESSION_SIG_LEN + 1);
    free(text);
    return 0;
}

/* The payload: "name=value&..." with both percent-encoded (lab 06's encoder). */
static char *session_payload(const vial_pairs *data, size_t *len)
{
    size_t cap = 1, n = 0;
    char *out = malloc(cap);
    for (size_t i = 0; out != NULL && i < data->len; i++) {
        char *k = vial_percent_encode(data->items[i].name, 0);
        char *v = vial_percent_encode(data->items[i].value ? data->items[i].value : "", 0);
        size_t need = n + (k ? strlen(k) : 0) + (v ? strlen(v) : 0) + 3;
        char *grown = k && v ? realloc(out, need > cap ? need : cap) : NULL;
        if (grown == NULL) {
            free(out);
            out = NULL;
        } else {
            out = grown;
            cap = need > cap ? need : cap;
            n += (size_t)snprintf(out + n, cap - n, "%s%s=%s", i ? "&" : "", k, v);
        }
        free(k);
        free(v);
    }
    if (out != NULL)
        out[n] = '\0';
    *len = n;
    return out;
}

/* Parses a payload back into pairs. Returns 0 or -1 (then `out` may hold some pairs). */
static int session_unpayload(const char *p, size_t len, vial_pairs *out)
{
    const char *end = p + len;
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *stop = amp ? amp : end;
        const char *eq = memchr(p, '=', (size_t)(stop - p));
        if (eq == NULL || eq == p)
            return -1;
        size_t nl = 0, vl = 0;
        char *name = vial_percent_decode(p, (size_t)(eq - p), 0, &nl);
        char *value = vial_percent_decode(eq + 1, (size_t)(stop - eq - 1), 0, &vl);
        int rc = name && value ? vial_pairs_add(out, name, nl, value, vl) : -1;
        free(name);
        free(value);
        if (rc < 0)
            return -1;
        p = amp ? amp + 1 : end;
    }
    return 0;
}

/* 1 when sig[0..len) is the signature of signed_part with key, compared in constant time. */
static int session_verify(const char *key, const char *signed_part, size_t slen,
                          const char *sig, size_t len)
{
    char want[SESSION_SIG_LEN + 1];
    if (key == NULL || *key == '\0' || len != SESSION_SIG_LEN
        || session_sign(key, signed_part, slen, want) < 0)
        return 0;
    return CRYPTO_memcmp(want, sig, SESSION_SIG_LEN) == 0;
}

/* Expiry text e[0..len): 1..18 digits. Returns the number or -1. */
static long long session_expiry(const char *e, size_t len)
{
    long long v = 0;
    if (len == 0 || len > 18)
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (e[i] < '0' || e[i] > '9')
            return -1;
        v = v * 10 + (e[i] - '0');
    }
    return v;
}
/* SOLUTION(10) END */

char *vial_session_encode(const vial_pairs *data, const char *key, long long expires)
{
/* SOLUTION(10) BEGIN */
    size_t plen = 0;
    char sig[SESSION_SIG_LEN + 1];
    if (data == NULL || key == NULL || *key == '\0' || expires < 0)
        return NULL;
    char *payload = session_payload(data, &plen);
    char *b64 = payload ? session_b64_encode((const unsigned char *)payload, plen) : NULL;
    free(payload);
    if (b64 == NULL)
        return NULL;
    size_t cap = strlen(b64) + 24 + SESSION_SIG_LEN;
    char *cookie = malloc(cap);
    if (cookie != NULL) {
        int n = snprintf(cookie, cap, "%s.%lld", b64, expires);
        if (session_sign(key, cookie, (size_t)n, sig) == 0)
            snprintf(cookie + n, cap - (size_t)n, ".%s", sig);
        else {
            free(cookie);
            cookie = NULL;
        }
    }
    free(b64);
    return cookie;
/* SOLUTION(10) STUB
    (void)data;
    (void)key;
    (void)expires;
    return NULL;
   SOLUTION(10) END */
}

int vial_session_decode(const char *cookie, const char *key, const char *const *old_keys,
                        long long now, vial_pairs *out)
{
/* SOLUTION(10) BEGIN */
    if (cookie == NULL || out == NULL)
        return -1;
    const char *sig = strrchr(cookie, '.');
    const char *dot = sig;
    while (dot != NULL && dot > cookie && dot[-1] != '.')
        dot--;
    if (sig == NULL || dot == NULL || dot == cookie)
        return -1;
    dot--;                                  /* the '.' before the expiry */
    size_t slen = (size_t)(sig - cookie);
    int good = session_verify(key, cookie, slen, sig + 1, strlen(sig + 1));
    for (size_t i = 0; !good && old_keys != NULL && old_keys[i] != NULL; i++)
        good = session_verify(old_keys[i], cookie, slen, sig + 1, strlen(sig + 1));
    long long expires = session_expiry(dot + 1, (size_t)(sig - dot - 1));
    if (!good || expires < 0 || expires <= now)
        return -1;
    size_t plen = 0;
    char *payload = session_b64_decode(cookie, (size_t)(dot - cookie), &plen);
    int rc = payload ? session_unpayload(payload, plen, out) : -1;
    free(payload);
    if (rc < 0)
        vial_pairs_free(out);
    return rc;
/* SOLUTION(10) STUB
    (void)cookie;
    (void)key;
    (void)old_keys;
    (void)now;
    (void)out;
    return -1;
   SOLUTION(10) END */
}

/* SOLUTION(10) BEGIN */
/* The name of the session cookie. */
static const char *session_cookie_name(const vial_app *app)
{
    const char *name = app ? vial_config_get(app, "SESSION_COOKIE_NAME") : NULL;
    return name && *name ? name : "session";
}

/* Decodes the request's cookie into s with SECRET_KEY and OLD_SECRET_KEYS. */
static void session_read_cookie(vial_request *req, vial_session *s)
{
    if (req->cookies.len == 0 && vial_request_header(req, "Cookie") != NULL)
        vial_request_parse_cookies(req);
    const char *cookie = vial_request_cookie(req, session_cookie_name(req->app));
    const char *key = vial_config_get(req->app, "SECRET_KEY");
    const char *old = vial_config_get(req->app, "OLD_SECRET_KEYS");
    char *copy = old ? malloc(strlen(old) + 1) : NULL;
    const char *keys[16] = {NULL};
    size_t n = 0;
    s->had_cookie = cookie != NULL;
    if (copy != NULL) {
        memcpy(copy, old, strlen(old) + 1);
        char *save = NULL;
        for (char *k = strtok_r(copy, ",", &save); k != NULL && n < 15;
             k = strtok_r(NULL, ",", &save))
            keys[n++] = k;
    }
    if (cookie != NULL && key != NULL)
        vial_session_decode(cookie, key, keys, (long long)time(NULL), &s->data);
    free(copy);
}

/* The request's session, read from its cookie on first use; NULL when out of memory. */
static vial_session *session_load(vial_request *req)
{
    if (req == NULL)
        return NULL;
    if (req->session != NULL)
        return req->session;
    vial_session *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    vial_pairs_init(&s->data);
    if (req->app != NULL)
        session_read_cookie(req, s);
    req->session = s;
    return s;
}

/* 1 when the request's app has a secret key to sign with. */
static int session_can_sign(const vial_request *req)
{
    const char *key = req && req->app ? vial_config_get(req->app, "SECRET_KEY") : NULL;
    return key != NULL && *key != '\0';
}
/* SOLUTION(10) END */

const char *vial_session_get(vial_request *req, const char *name)
{
/* SOLUTION(10) BEGIN */
    vial_session *s = session_load(req);
    return s && name ? vial_pairs_get(&s->data, name) : NULL;
/* SOLUTION(10) STUB
    (void)req;
    (void)name;
    return NULL;
   SOLUTION(10) END */
}

int vial_session_set(vial_request *req, const char *name, const char *value)
{
/* SOLUTION(10) BEGIN */
    vial_session *s = session_load(req);
    if (s == NULL || name == NULL || *name == '\0' || value == NULL || !session_can_sign(req))
        return -1;
    vial_pairs_remove(&s->data, name);
    s->modified = 1;
    return vial_pairs_adds(&s->data, name, value);
/* SOLUTION(10) STUB
    (void)req;
    (void)name;
    (void)value;
    return -1;
   SOLUTION(10) END */
}

int vial_session_remove(vial_request *req, const char *name)
{
/* SOLUTION(10) BEGIN */
    vial_session *s = session_load(req);
    if (s == NULL || name == NULL)
        return -1;
    if (vial_pairs_remove(&s->data, name) > 0)
        s->modified = 1;
    return 0;
/* SOLUTION(10) STUB
    (void)req;
    (void)name;
    return -1;
   SOLUTION(10) END */
}

int vial_session_clear(vial_request *req)
{
/* SOLUTION(10) BEGIN */
    vial_session *s = session_load(req);
    if (s == NULL)
        return -1;
    vial_pairs_free(&s->data);
    s->modified = 1;
    return 0;
/* SOLUTION(10) STUB
    (void)req;
    return -1;
   SOLUTION(10) END */
}

int vial_flash(vial_request *req, const char *category, const char *message)
{
/* SOLUTION(10) BEGIN */
    char name[128];
    vial_session *s = session_load(req);
    if (s == NULL || message == NULL || !session_can_sign(req))
        return -1;
    int n = snprintf(name, sizeof name, "%s%s", SESSION_FLASH, category ? category : "message");
    if (n < 0 || (size_t)n >= sizeof name)
        return -1;
    s->modified = 1;
    return vial_pairs_adds(&s->data, name, message);
/* SOLUTION(10) STUB
    (void)req;
    (void)category;
    (void)message;
    return -1;
   SOLUTION(10) END */
}

int vial_get_flashed(vial_request *req, vial_pairs *out)
{
/* SOLUTION(10) BEGIN */
    vial_session *s = session_load(req);
    size_t plen = strlen(SESSION_FLASH), kept = 0;
    int moved = 0;
    if (s == NULL || out == NULL)
        return 0;
    for (size_t i = 0; i < s->data.len; i++) {
        struct vial_pair *p = &s->data.items[i];
        if (strncmp(p->name, SESSION_FLASH, plen) != 0) {
            s->data.items[kept++] = *p;
            continue;
        }
        if (vial_pairs_adds(out, p->name + plen, p->value ? p->value : "") == 0)
            moved++;
        free(p->name);
        free(p->value);
    }
    s->data.len = kept;
    if (moved > 0)
        s->modified = 1;
    return moved;
/* SOLUTION(10) STUB
    (void)req;
    (void)out;
    return 0;
   SOLUTION(10) END */
}

/* SOLUTION(10) BEGIN */
/* Adds "Set-Cookie: NAME=VALUE; Max-Age=N; Path=/; HttpOnly[; SameSite=S][; Secure]". */
static void session_set_cookie(vial_request *req, vial_response *res, const char *value,
                               long long max_age)
{
    const vial_app *app = req->app;
    const char *same = vial_config_get(app, "SESSION_COOKIE_SAMESITE");
    const char *secure = vial_config_get(app, "SESSION_COOKIE_SECURE");
    if (same == NULL)
        same = "Lax";
    size_t cap = strlen(value) + strlen(same) + 160;
    char *line = malloc(cap);
    if (line == NULL)
        return;
    snprintf(line, cap, "%s=%s; Max-Age=%lld; Path=/; HttpOnly%s%s%s",
             session_cookie_name(app), value, max_age, *same ? "; SameSite=" : "", same,
             secure && strcmp(secure, "1") == 0 ? "; Secure" : "");
    vial_response_add_header(res, "Set-Cookie", line);
    free(line);
}
/* SOLUTION(10) END */

void vial_session_save(vial_request *req, vial_response *res)
{
/* SOLUTION(10) BEGIN */
    vial_session *s = req ? req->session : NULL;
    if (s == NULL || !s->modified || req->app == NULL)
        return;
    if (s->data.len == 0) {
        if (s->had_cookie)
            session_set_cookie(req, res, "", 0);
        return;
    }
    long long life = vial_config_int(req->app, "SESSION_LIFETIME", 2678400);
    char *cookie = vial_session_encode(&s->data, vial_config_get(req->app, "SECRET_KEY"),
                                       (long long)time(NULL) + life);
    if (cookie != NULL)
        session_set_cookie(req, res, cookie, life);
    free(cookie);
/* SOLUTION(10) STUB
    (void)req;
    (void)res;
   SOLUTION(10) END */
}

void vial_session_free(vial_session *s)
{
    if (s == NULL)
        return;
    vial_pairs_free(&s->data);
    free(s);
}
