/* driver.c -- lab 14's driver, built with your keg/ and vial/ into the program the
 * checker talks to. The operations it runs are in ops.h, which the checker shares: it
 * runs them on the reference keg and compares the two texts. */
#include "ops.h"

int main(void)
{
    static struct drv d;
    wire_serve_frames(drv_frame, &d);
    op_close(&d, NULL, NULL);
    return 0;
}
