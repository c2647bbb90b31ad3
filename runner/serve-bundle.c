/* serve-bundle.c -- GET /api/v1/bundle and GET /api/v1/progress (docs/server.md). Being
 * built: both answer 501. */
#include "serve-int.h"

int serve_api_bundle(struct serve *s, const struct serve_req *r, struct serve_answer *a)
{
    (void)s, (void)r;
    return serve_error(a, MHD_HTTP_NOT_IMPLEMENTED, "not available yet");
}

int serve_api_progress(struct serve *s, const struct serve_req *r, struct serve_answer *a)
{
    (void)s, (void)r;
    return serve_error(a, MHD_HTTP_NOT_IMPLEMENTED, "not available yet");
}
