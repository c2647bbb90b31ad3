/* driver.c -- lab 11's driver, built with your vial/ into the program the checker talks
 * to. What it serves and answers is in ops.h, which the checker shares: it runs the same
 * code on the reference vial and compares the two. */
#include "ops.h"

int main(void)
{
    struct driver d = { lab11_app(), NULL, NULL, 0 };
    wire_serve_frames(driver_serve, &d);
    if (d.child > 0) {
        kill(d.child, SIGKILL);
        waitpid(d.child, NULL, 0);
    }
    vial_server_stop(d.srv);
    vial_client_free(d.client);
    vial_app_free(d.app);
    return 0;
}
