/* serve-dash.c -- the instructors' dashboard (docs/server.md). Being built: 501. */
#include "serve-int.h"

int serve_dash(struct serve *s, const struct serve_req *r, struct serve_answer *a)
{
    (void)s, (void)r;
    return serve_error(a, MHD_HTTP_NOT_IMPLEMENTED, "not available yet");
}
