/* driver.c -- lab 01's driver, built with your vial/ into the program the checker talks
 * to: it runs each batch of operations the checker sends (parse these bytes, look up
 * that header ...) on your code and sends back a text of what happened. */
#include <stdlib.h>

#include "vial.h"
#include "wire.h"

int main(void)
{
    return wire_serve_ops(wire_vial_exec);
}
