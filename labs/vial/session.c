/* session.c -- [lab 10] signed cookie sessions (HMAC-SHA256, constant-time checks, expiry,
 * key rotation) and flash messages. Until lab 10 the session is always empty. */
#include <stdlib.h>

#include "internal.h"

const char *vial_session_get(vial_request *req, const char *name)
{
    (void)req;
    (void)name;
    return NULL;
}

int vial_session_set(vial_request *req, const char *name, const char *value)
{
    (void)req;
    (void)name;
    (void)value;
    return -1;
}

int vial_session_remove(vial_request *req, const char *name)
{
    (void)req;
    (void)name;
    return -1;
}

int vial_session_clear(vial_request *req)
{
    (void)req;
    return -1;
}

int vial_flash(vial_request *req, const char *category, const char *message)
{
    (void)req;
    (void)category;
    (void)message;
    return -1;
}

int vial_get_flashed(vial_request *req, vial_pairs *out)
{
    (void)req;
    (void)out;
    return 0;
}

char *vial_session_encode(const vial_pairs *data, const char *key, long long expires)
{
    (void)data;
    (void)key;
    (void)expires;
    return NULL;
}

int vial_session_decode(const char *cookie, const char *key, const char *const *old_keys,
                        long long now, vial_pairs *out)
{
    (void)cookie;
    (void)key;
    (void)old_keys;
    (void)now;
    (void)out;
    return -1;
}

void vial_session_save(vial_request *req, vial_response *res)
{
    (void)req;
    (void)res;
}

void vial_session_free(vial_session *s)
{
    free(s);
}
