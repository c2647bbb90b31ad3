/* serve-remote.c -- grading machines pulling jobs over HTTP (docs/server.md). Being
 * built: every endpoint answers 501. */
#include "serve-int.h"

int serve_remote_claim(struct serve *s, const struct serve_req *r, struct serve_answer *a)
{
    (void)s, (void)r;
    return serve_error(a, MHD_HTTP_NOT_IMPLEMENTED, "not available yet");
}

int serve_remote_heartbeat(struct serve *s, const struct serve_req *r,
                           struct serve_answer *a)
{
    (void)s, (void)r;
    return serve_error(a, MHD_HTTP_NOT_IMPLEMENTED, "not available yet");
}

int serve_remote_complete(struct serve *s, const struct serve_req *r,
                          struct serve_answer *a)
{
    (void)s, (void)r;
    return serve_error(a, MHD_HTTP_NOT_IMPLEMENTED, "not available yet");
}
