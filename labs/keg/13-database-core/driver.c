/* driver.c -- lab 13's driver, built with your keg/ and vial/ into the program the
 * checker talks to. The operations it runs are in ops.h, which the checker shares: it
 * runs them on the reference keg and compares the two texts. */
#include "ops.h"

int main(void)
{
    struct drv d = { NULL, NULL, "" };
    wire_serve_frames(drv_frame, &d);
    keg_db_close(d.db);
    if (d.locker != NULL)
        sqlite3_close(d.locker);
    return 0;
}
