/* driver.c -- lab 02's driver, built with your vial/ into the program the checker talks
 * to: it runs each batch of response operations the checker sends (set this status, add
 * that header, serialize) on your code and sends back a text of what happened. */

#include "vial.h"
#include "wire.h"

int main(void)
{
    char name[WIRE_MAX_NAME];
    char *data = NULL;
    size_t len = 0;
    while (wire_serve_next(name, sizeof name, &data, &len) == 1) {
        size_t n = 0;
        char *out = wire_vial_exec(data, len, &n);
        free(data);
        int rc = wire_send(WIRE_OUT, "result", out ? out : "", out ? n : 0);
        free(out);
        if (rc < 0)
            break;
    }
    return 0;
}
