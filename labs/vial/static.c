/* static.c -- [lab 08] serving files from a folder safely ("..", encoded dots, byte 0,
 * absolute paths and escaping symlinks give 404) with MIME types from extensions.
 * Until lab 08 nothing is served. */
#include <stddef.h>

#include "internal.h"

int vial_app_static(vial_app *app, const char *url_prefix, const char *folder)
{
    (void)app;
    (void)url_prefix;
    (void)folder;
    return -1;
}

int vial_send_file(vial_response *res, const char *folder, const char *relpath)
{
    (void)folder;
    (void)relpath;
    return vial_abort(res, 404);
}

const char *vial_mime_type(const char *filename)
{
    (void)filename;
    return "application/octet-stream";
}
