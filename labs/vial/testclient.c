/* testclient.c -- [lab 11] the in-process test client: raw request bytes through the
 * lab 01 parser, the dispatcher and the lab 02 serializer, with no socket. Until lab 11
 * these report failure. */
#include <stddef.h>

#include "internal.h"

char *vial_app_handle_raw(vial_app *app, const char *raw, size_t len, size_t *out_len)
{
    (void)app;
    (void)raw;
    (void)len;
    (void)out_len;
    return NULL;
}

int vial_parse_response(const char *buf, size_t len, vial_response *res)
{
    (void)buf;
    (void)len;
    (void)res;
    return -1;
}

vial_client *vial_client_new(vial_app *app)
{
    (void)app;
    return NULL;
}

void vial_client_free(vial_client *c)
{
    (void)c;
}

int vial_client_open(vial_client *c, const char *method, const char *target,
                     const vial_pairs *headers, const void *body, size_t body_len,
                     vial_response *out)
{
    (void)c;
    (void)method;
    (void)target;
    (void)headers;
    (void)body;
    (void)body_len;
    (void)out;
    return -1;
}

int vial_client_get(vial_client *c, const char *target, vial_response *out)
{
    return vial_client_open(c, "GET", target, NULL, NULL, 0, out);
}

int vial_client_post(vial_client *c, const char *target, const char *content_type,
                     const void *body, size_t body_len, vial_response *out)
{
    (void)content_type;
    return vial_client_open(c, "POST", target, NULL, body, body_len, out);
}
