/* driver.c -- lab 02's driver, built with your vial/ into the program the checker talks
 * to: it runs each batch of response operations the checker sends (set this status, add
 * that header, serialize) on your code and sends back a text of what happened. What it
 * runs is in ops.h, which the checker shares. */
#include "ops.h"

int main(void)
{
    return wire_serve_ops(lab02_exec);
}
