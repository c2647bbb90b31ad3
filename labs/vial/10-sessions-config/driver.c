/* driver.c -- lab 10's driver, built with your vial/ into the program the checker talks
 * to. What it serves and answers is in ops.h, which the checker shares: it runs the same
 * code on the reference vial and compares the two. */
#include "ops.h"

int main(void)
{
    vial_app *app = lab10_app();
    wire_serve_frames(driver_frame, app);
    vial_app_free(app);
    return 0;
}
