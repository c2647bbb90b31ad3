/* driver.c -- lab 09's driver, built with your vial/ into the program the checker talks
 * to. What it runs and answers is in ops.h, which the checker shares: it runs the same
 * code on the reference vial and compares the two texts. */
#include "ops.h"

int main(void)
{
    return wire_serve_ops(op_exec);
}
