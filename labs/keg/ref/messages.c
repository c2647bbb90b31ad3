/* messages.c -- Django's messages framework with its session storage [lab 23]: a message
 * added while one request is handled waits in the session under "_messages" until a
 * later page reads it; a message read is gone from the session, one never read stays. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define KEG_MESSAGES_KEY "_messages"    /* Django's SessionStorage.session_key */

/* SOLUTION(23) BEGIN */
/* Django's LEVEL_TAGS: a level's tag; any other level has none. */
static const struct {
    int level;
    const char *tag;
} keg_msg_tags[] = {
    { KEG_MSG_DEBUG, "debug" },
    { KEG_MSG_INFO, "info" },
    { KEG_MSG_SUCCESS, "success" },
    { KEG_MSG_WARNING, "warning" },
    { KEG_MSG_ERROR, "error" },
};

/* The messages one request has read, kept until its teardown (Django's _loaded_messages
 * once iterated). Requests of one thread run one after the other, as in sessions.c, so a
 * thread keeps the list of the request it serves; `req` tells a stale one apart (a call
 * outside vial's dispatch, which runs no teardown). Invariant: items[0..len) each own
 * their message; items grows by one a message (NULL before the first). */
struct keg_msg_state {
    const vial_request *req;
    struct keg_message *items;
    size_t len;
};

static _Thread_local struct keg_msg_state *keg_msg_cur;

static void keg_msg_release(void)
{
    struct keg_msg_state *s = keg_msg_cur;
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->len; i++)
        free((char *)s->items[i].message);
    free(s->items);
    free(s);
    keg_msg_cur = NULL;
}

/* The site serving req when it has messages installed, else NULL. */
static keg_site *keg_msg_site(const vial_request *req)
{
    keg_site *site = req != NULL && req->app != NULL ? vial_app_user(req->app) : NULL;
    return site != NULL && site->messages ? site : NULL;
}

static const char *keg_msg_tag(int level)
{
    for (size_t i = 0; i < sizeof keg_msg_tags / sizeof keg_msg_tags[0]; i++)
        if (keg_msg_tags[i].level == level)
            return keg_msg_tags[i].tag;
    return "";
}

/* Appends a message of `level` whose text is the len bytes at text (copied). 0 or -1. */
static int keg_msg_push(struct keg_msg_state *s, int level, const char *text, size_t len)
{
    struct keg_message *grown = realloc(s->items, (s->len + 1) * sizeof *grown);
    char *copy = grown != NULL ? malloc(len + 1) : NULL;
    if (grown != NULL)
        s->items = grown;
    if (copy == NULL)
        return -1;
    memcpy(copy, text, len);
    copy[len] = '\0';
    s->items[s->len++] = (struct keg_message){ .level = level, .tags = keg_msg_tag(level),
                                               .message = copy };
    return 0;
}

/* Appends the messages of a stored "LEVEL=TEXT&LEVEL=TEXT" (keg_message_add's) to s, in
 * order; a piece without "LEVEL=" is skipped. 0, or -1 when out of memory. */
static int keg_msg_decode(struct keg_msg_state *s, const char *stored)
{
    for (const char *p = stored; *p != '\0';) {
        size_t len = strcspn(p, "&");
        char *end = NULL;
        long level = strtol(p, &end, 10);
        size_t tl = 0;
        char *text = *end == '=' ? vial_percent_decode(end + 1, len - (size_t)(end + 1 - p),
                                                      0, &tl) : NULL;
        int rc = text != NULL ? keg_msg_push(s, (int)level, text, tl) : 0;
        free(text);
        if (rc != 0)
            return -1;
        p += len + (p[len] == '&');
    }
    return 0;
}

static int keg_msg_teardown(vial_request *req, vial_response *res)
{
    (void)req;
    (void)res;
    keg_msg_release();
    return 0;
}
/* SOLUTION(23) END */

int keg_messages_install(keg_site *site)
{
/* SOLUTION(23) BEGIN */
    if (site == NULL || !site->sessions)
        return KEG_EINVALID;
    if (site->messages)
        return 0;
    if (vial_app_teardown_request(site->app, keg_msg_teardown) != 0)
        return KEG_ENOMEM;
    site->messages = 1;
    return 0;
/* SOLUTION(23) STUB
    (void)site;
    return KEG_ERROR;
   SOLUTION(23) END */
}

int keg_message_add(vial_request *req, int level, const char *text)
{
/* SOLUTION(23) BEGIN */
    if (keg_msg_site(req) == NULL)
        return KEG_EINVALID;
    if (text == NULL || text[0] == '\0' || level < KEG_MESSAGE_LEVEL)
        return 0;
    const char *old = keg_session_get(req, KEG_MESSAGES_KEY);
    char *enc = vial_percent_encode(text, 0);
    struct keg_sql b = { 0 };
    if (enc == NULL)
        return KEG_ENOMEM;
    if (old != NULL && old[0] != '\0')
        keg_sql_printf(&b, "%s&", old);
    keg_sql_printf(&b, "%d=%s", level, enc);
    free(enc);
    char *all = keg_sql_steal(&b);
    int rc = all != NULL ? keg_session_set(req, KEG_MESSAGES_KEY, all) : KEG_ENOMEM;
    free(all);
    return rc;
/* SOLUTION(23) STUB
    (void)req;
    (void)level;
    (void)text;
    return KEG_ERROR;
   SOLUTION(23) END */
}

const struct keg_message *keg_messages(vial_request *req, size_t *n)
{
/* SOLUTION(23) BEGIN */
    size_t none;
    if (n == NULL)
        n = &none;
    *n = 0;
    if (keg_msg_site(req) == NULL)
        return NULL;
    if (keg_msg_cur != NULL && keg_msg_cur->req != req)
        keg_msg_release();
    if (keg_msg_cur == NULL) {
        if ((keg_msg_cur = calloc(1, sizeof *keg_msg_cur)) == NULL)
            return NULL;
        keg_msg_cur->req = req;
    }
    struct keg_msg_state *s = keg_msg_cur;
    const char *stored = keg_session_get(req, KEG_MESSAGES_KEY);
    /* Read now: gone from the session, which saves itself after the view. */
    if (stored != NULL && (keg_msg_decode(s, stored) != 0
                           || keg_session_set(req, KEG_MESSAGES_KEY, NULL) != 0))
        return NULL;
    *n = s->len;
    return s->items;
/* SOLUTION(23) STUB
    (void)req;
    if (n != NULL)
        *n = 0;
    return NULL;
   SOLUTION(23) END */
}

int keg_messages_context(vial_request *req, vial_ctx *ctx)
{
/* SOLUTION(23) BEGIN */
    size_t n = 0;
    if (ctx == NULL)
        return KEG_EINVALID;
    const struct keg_message *m = keg_messages(req, &n);
    for (size_t i = 0; i < n; i++) {
        vial_ctx *item = vial_ctx_list_add(ctx, "messages");
        if (item == NULL || vial_ctx_set(item, "message", m[i].message) != 0
            || vial_ctx_set(item, "tags", m[i].tags) != 0
            || vial_ctx_set_int(item, "level", m[i].level) != 0)
            return KEG_ENOMEM;
    }
    return 0;
/* SOLUTION(23) STUB
    (void)req;
    (void)ctx;
    return KEG_ERROR;
   SOLUTION(23) END */
}
