/* driver.c -- lab 19's driver, built with your vial/ and keg/ into the program the
 * checker talks to. The operations it runs are in ops.h, which the checker shares: it
 * runs them on the reference keg and compares the two texts. */
#include "ops.h"

int main(void)
{
    return wire_serve_ops(op_exec);
}
