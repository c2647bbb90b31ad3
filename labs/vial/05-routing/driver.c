/* driver.c -- lab 05's driver, built with your vial/ into the program the checker talks
 * to. What it serves and answers is in ops.h, which the checker shares: it runs the same
 * code on the reference vial and compares the two. */
#include "ops.h"

int main(void)
{
    struct driver d = { vial_app_new("lab05"), NULL };
    wire_serve_frames(driver_frame, &d);
    vial_server_stop(d.srv);
    vial_app_free(d.app);
    return 0;
}
