/* sessions.c -- Django's database session backend on vial: the data in the keg_session
 * table, only a random key in the browser's cookie; the key cycled at login, the row
 * deleted at logout, expired rows cleared [lab 21]. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>

#include "internal.h"

#define SESSION_COOKIE "sessionid"
#define SESSION_KEY_LEN 32

/* SOLUTION(21) BEGIN */
/* One request's session, loaded at its first use. Requests of one thread run one after
 * the other, start to end (vial dispatches a request on one thread), so a thread keeps
 * the session of the request it is serving; `req` tells a stale one apart. */
struct keg_session_state {
    const vial_request *req;
    keg_db *db;
    long age;
    char key[SESSION_KEY_LEN + 1];  /* "" when the session has no row yet */
    int sent_cookie;                /* the browser sent a sessionid cookie */
    int modified;
    vial_pairs data;
};

static _Thread_local struct keg_session_state *keg_session_cur;

static void keg_session_release(void)
{
    struct keg_session_state *s = keg_session_cur;
    if (s == NULL)
        return;
    vial_pairs_free(&s->data);
    free(s);
    keg_session_cur = NULL;
}

/* Fills key with SESSION_KEY_LEN characters of [a-z0-9] from RAND_bytes (rejection
 * sampling keeps them uniform). 0, or -1 when the generator failed. */
static int keg_session_new_key(char *key)
{
    static const char set[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    size_t n = 0;
    while (n < SESSION_KEY_LEN) {
        unsigned char b[64];
        if (RAND_bytes(b, sizeof b) != 1)
            return -1;
        for (size_t i = 0; i < sizeof b && n < SESSION_KEY_LEN; i++)
            if (b[i] < 252)             /* 252 = 7 * 36 */
                key[n++] = set[b[i] % 36];
    }
    key[n] = '\0';
    return 0;
}

/* Reads "a=1&b=x%20y" into out. 0, or -1 for bad text. */
static int keg_session_decode(const char *text, vial_pairs *out)
{
    for (const char *p = text; *p != '\0';) {
        size_t len = strcspn(p, "&");
        const char *eq = memchr(p, '=', len);
        if (eq == NULL)
            return -1;
        size_t nl = 0, vl = 0;
        char *n = vial_percent_decode(p, (size_t)(eq - p), 0, &nl);
        char *v = vial_percent_decode(eq + 1, len - (size_t)(eq - p) - 1, 0, &vl);
        int rc = n != NULL && v != NULL ? vial_pairs_add(out, n, nl, v, vl) : -1;
        free(n);
        free(v);
        if (rc != 0)
            return -1;
        p += len + (p[len] == '&');
    }
    return 0;
}

/* The pairs as "a=1&b=x%20y". Caller frees; NULL when out of memory. */
static char *keg_session_encode(const vial_pairs *data)
{
    struct keg_sql b = { 0 };
    keg_sql_add(&b, "");
    for (size_t i = 0; i < data->len; i++) {
        char *n = vial_percent_encode(data->items[i].name, 0);
        char *v = vial_percent_encode(data->items[i].value, 0);
        if (n == NULL || v == NULL)
            b.failed = 1;
        else
            keg_sql_printf(&b, "%s%s=%s", i ? "&" : "", n, v);
        free(n);
        free(v);
    }
    return keg_sql_steal(&b);
}

/* Loads the session named by the cookie: a row that exists and has not expired. */
static void keg_session_load(struct keg_session_state *s, const vial_request *req)
{
    const char *key = vial_request_cookie(req, SESSION_COOKIE);
    s->sent_cookie = key != NULL;
    if (key == NULL || strlen(key) != SESSION_KEY_LEN)
        return;
    keg_value p[2] = { keg_text(key), keg_int((long long)time(NULL)) };
    keg_rows *r = NULL;
    if (keg_db_query(s->db, "SELECT \"data\" FROM \"keg_session\" WHERE \"key\" = ? "
                     "AND \"expire\" > ?", p, 2, &r) != 0)
        return;
    if (keg_rows_next(r) == 1) {
        const char *text = keg_rows_text(r, 0, NULL);
        if (text != NULL && keg_session_decode(text, &s->data) == 0)
            memcpy(s->key, key, SESSION_KEY_LEN + 1);
        else
            vial_pairs_free(&s->data);
    }
    keg_rows_close(r);
}

/* The session of req, loaded now when this is its first use; NULL outside a site with
 * sessions installed, or when out of memory. */
static struct keg_session_state *keg_session_of(const vial_request *req)
{
    if (keg_session_cur != NULL && keg_session_cur->req == req)
        return keg_session_cur;
    keg_session_release();
    keg_site *site = req != NULL && req->app != NULL ? vial_app_user(req->app) : NULL;
    if (site == NULL || !site->sessions || site->db == NULL)
        return NULL;
    struct keg_session_state *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    s->req = req;
    s->db = site->db;
    s->age = site->settings.session_age > 0 ? site->settings.session_age : KEG_SESSION_AGE;
    keg_session_load(s, req);
    keg_session_cur = s;
    return s;
}

static int keg_session_delete_row(keg_db *db, const char *key)
{
    keg_value k = keg_text(key);
    int rc = keg_db_exec(db, "DELETE FROM \"keg_session\" WHERE \"key\" = ?", &k, 1);
    return rc < 0 ? rc : 0;
}

/* Writes the row (a new key when there is none) and the cookie. */
static int keg_session_store(struct keg_session_state *s, vial_response *res)
{
    if (s->key[0] == '\0' && keg_session_new_key(s->key) != 0)
        return KEG_ERROR;
    char *text = keg_session_encode(&s->data);
    if (text == NULL)
        return KEG_ENOMEM;
    keg_value p[3] = { keg_text(s->key), keg_text(text),
                       keg_int((long long)time(NULL) + s->age) };
    int rc = keg_db_exec(s->db, "INSERT OR REPLACE INTO \"keg_session\" (\"key\", \"data\", "
                         "\"expire\") VALUES (?, ?, ?)", p, 3);
    free(text);
    if (rc < 0)
        return rc;
    char line[160];
    snprintf(line, sizeof line, SESSION_COOKIE "=%s; HttpOnly; Max-Age=%ld; Path=/; "
             "SameSite=Lax", s->key, s->age);
    return vial_response_add_header(res, "Set-Cookie", line) == 0 ? 0 : KEG_ENOMEM;
}

/* After request: a changed session is saved (or, emptied, deleted with its cookie). */
static int keg_session_save(vial_request *req, vial_response *res)
{
    struct keg_session_state *s = keg_session_cur;
    if (s == NULL || s->req != req || !s->modified)
        return 0;
    s->modified = 0;
    if (s->data.len > 0)
        return keg_session_store(s, res) == 0 ? 0 : 500;
    if (s->key[0] != '\0')
        keg_session_delete_row(s->db, s->key);
    s->key[0] = '\0';
    if (s->sent_cookie)
        vial_response_add_header(res, "Set-Cookie", SESSION_COOKIE "=; Max-Age=0; Path=/");
    return 0;
}

static int keg_session_teardown(vial_request *req, vial_response *res)
{
    (void)req;
    (void)res;
    keg_session_release();
    return 0;
}
/* SOLUTION(21) END */

int keg_sessions_install(keg_site *site)
{
/* SOLUTION(21) BEGIN */
    if (site == NULL || site->db == NULL)
        return KEG_EINVALID;
    if (site->sessions)
        return 0;
    int rc = keg_db_exec(site->db, "CREATE TABLE IF NOT EXISTS \"keg_session\" (\"key\" "
                         "varchar(40) NOT NULL PRIMARY KEY, \"data\" text NOT NULL, "
                         "\"expire\" integer NOT NULL)", NULL, 0);
    if (rc < 0)
        return rc;
    rc = keg_db_exec(site->db, "CREATE INDEX IF NOT EXISTS \"keg_session_expire\" ON "
                     "\"keg_session\" (\"expire\")", NULL, 0);
    if (rc < 0)
        return rc;
    if (vial_app_after_request(site->app, keg_session_save) != 0
        || vial_app_teardown_request(site->app, keg_session_teardown) != 0)
        return KEG_ENOMEM;
    site->sessions = 1;
    return 0;
/* SOLUTION(21) STUB
    (void)site;
    return KEG_ERROR;
   SOLUTION(21) END */
}

const char *keg_session_get(vial_request *req, const char *name)
{
/* SOLUTION(21) BEGIN */
    struct keg_session_state *s = keg_session_of(req);
    return s != NULL && name != NULL ? vial_pairs_get(&s->data, name) : NULL;
/* SOLUTION(21) STUB
    (void)req;
    (void)name;
    return NULL;
   SOLUTION(21) END */
}

int keg_session_set(vial_request *req, const char *name, const char *value)
{
/* SOLUTION(21) BEGIN */
    struct keg_session_state *s = keg_session_of(req);
    if (s == NULL || name == NULL)
        return KEG_EINVALID;
    vial_pairs_remove(&s->data, name);
    s->modified = 1;
    if (value != NULL && vial_pairs_adds(&s->data, name, value) != 0)
        return KEG_ENOMEM;
    return 0;
/* SOLUTION(21) STUB
    (void)req;
    (void)name;
    (void)value;
    return KEG_ERROR;
   SOLUTION(21) END */
}

const char *keg_session_key(vial_request *req)
{
/* SOLUTION(21) BEGIN */
    struct keg_session_state *s = keg_session_of(req);
    return s != NULL ? s->key : "";
/* SOLUTION(21) STUB
    (void)req;
    return "";
   SOLUTION(21) END */
}

int keg_session_cycle_key(vial_request *req)
{
/* SOLUTION(21) BEGIN */
    struct keg_session_state *s = keg_session_of(req);
    if (s == NULL)
        return KEG_EINVALID;
    if (s->key[0] != '\0') {
        int rc = keg_session_delete_row(s->db, s->key);
        if (rc < 0)
            return rc;
    }
    s->modified = 1;
    return keg_session_new_key(s->key) == 0 ? 0 : KEG_ERROR;
/* SOLUTION(21) STUB
    (void)req;
    return KEG_ERROR;
   SOLUTION(21) END */
}

int keg_session_flush(vial_request *req)
{
/* SOLUTION(21) BEGIN */
    struct keg_session_state *s = keg_session_of(req);
    if (s == NULL)
        return KEG_EINVALID;
    vial_pairs_free(&s->data);
    s->modified = 1;
    if (s->key[0] == '\0')
        return 0;
    int rc = keg_session_delete_row(s->db, s->key);
    s->key[0] = '\0';
    return rc;
/* SOLUTION(21) STUB
    (void)req;
    return KEG_ERROR;
   SOLUTION(21) END */
}

int keg_session_clear_expired(keg_db *db)
{
/* SOLUTION(21) BEGIN */
    keg_value now = keg_int((long long)time(NULL));
    return keg_db_exec(db, "DELETE FROM \"keg_session\" WHERE \"expire\" <= ?", &now, 1);
/* SOLUTION(21) STUB
    (void)db;
    return KEG_ERROR;
   SOLUTION(21) END */
}
