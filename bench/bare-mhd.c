/* bare-mhd.c -- the benchmark's floor: the two routes (/plaintext, /json) answered by a
 * bare libmicrohttpd handler with the same daemon flags vial uses, no framework between.
 *   bare-mhd THREADS    prints the port it bound, serves until stdin closes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <microhttpd.h>

/* Queues a copy of text with its Content-Type and status. */
static enum MHD_Result bare_send(struct MHD_Connection *c, unsigned status, const char *ctype,
                                 const char *text)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(strlen(text), (void *)text,
                                                             MHD_RESPMEM_MUST_COPY);
    if (r == NULL)
        return MHD_NO;
    MHD_add_response_header(r, "Content-Type", ctype);
    enum MHD_Result ok = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ok;
}

static enum MHD_Result bare_handle(void *cls, struct MHD_Connection *c, const char *url,
                                   const char *method, const char *version,
                                   const char *upload, size_t *upload_size, void **con_cls)
{
    static int seen;
    (void)cls, (void)version, (void)upload, (void)upload_size;
    /* Never answer on the first call (libmicrohttpd's own minimal example): an early
     * answer makes it close the connection instead of keeping it alive. */
    if (*con_cls != &seen) {
        *con_cls = &seen;
        return MHD_YES;
    }
    if (strcmp(method, "GET") != 0)
        return bare_send(c, 405, "text/plain", "405 Method Not Allowed\n");
    if (strcmp(url, "/plaintext") == 0)
        return bare_send(c, 200, "text/plain", "Hello, World!");
    if (strcmp(url, "/json") != 0)
        return bare_send(c, 404, "text/plain", "404 Not Found\n");
    /* Serialized on every request, as the frameworks do. */
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "message", "Hello, World!");
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    enum MHD_Result ok = text ? bare_send(c, 200, "application/json", text) : MHD_NO;
    free(text);
    return ok;
}

int main(int argc, char **argv)
{
    unsigned threads = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 1;
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL, 0, NULL, NULL, bare_handle, NULL,
        MHD_OPTION_THREAD_POOL_SIZE, threads > 1 ? threads : 1u,
        MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_END);
    const union MHD_DaemonInfo *info = d ? MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT) : NULL;
    if (info == NULL)
        return 1;
    printf("%u\n", (unsigned)info->port);
    fflush(stdout);
    while (getchar() != EOF)
        ;
    MHD_stop_daemon(d);
    return 0;
}
