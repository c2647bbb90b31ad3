/* driver.c -- lab 01's driver, built with your vial/ into the program the checker talks
 * to: it runs each batch of operations the checker sends (parse these bytes, look up
 * that header ...) on your code and sends back a text of what happened. */
#include <stdlib.h>
#include <string.h>

#include "vial.h"
#include "wire.h"
#include "wire_vial.h"

/* Runs a batch as the kit does, after parsing each request once more with consumed NULL,
 * which the contract allows (a server that does not need the count passes NULL): a
 * parser that writes through it crashes here. That parse's result is not shown. */
static char *driver_exec(const char *ops, size_t len, size_t *out_len)
{
    char name[WIRE_MAX_NAME];
    const char *p = ops, *d;
    size_t n;
    while (wire_next(&p, ops + len, name, sizeof name, &d, &n) == 1) {
        if (strcmp(name, "parse") != 0)
            continue;
        vial_request req;
        char *raw = wire_exact(d, n);
        vial_request_init(&req);
        if (raw != NULL)
            vial_parse_request(raw, n, &req, NULL);
        vial_request_free(&req);
        free(raw);
    }
    return wire_vial_exec(ops, len, out_len);
}

int main(void)
{
    return wire_serve_ops(driver_exec);
}
