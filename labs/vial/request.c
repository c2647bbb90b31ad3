/* request.c -- [lab 04] the request object over libmicrohttpd: headers, query
 * arguments (repeated keys, flags), cookies, a body arriving in pieces, 413 for an
 * oversized body before it is read, and form fields. Until lab 04 a served request
 * carries only its method and path. */
#include <stddef.h>

#include "internal.h"

int vial_request_load_mhd(vial_request *req, struct MHD_Connection *conn, size_t max_body)
{
    (void)req;
    (void)conn;
    (void)max_body;
    return 0;
}

int vial_request_parse_cookies(vial_request *req)
{
    (void)req;
    return 0;
}

const char *vial_request_cookie(const vial_request *req, const char *name)
{
    return vial_pairs_get(&req->cookies, name);
}

int vial_request_append_body(vial_request *req, const char *data, size_t len, size_t limit)
{
    (void)req;
    (void)data;
    (void)len;
    (void)limit;
    return 0;
}

int vial_request_parse_form(vial_request *req)
{
    (void)req;
    return 0;
}
