/* recurse.c -- hostile: unbounded recursion until the stack overflows (SG). */
#include <stdio.h>
static int recurse(int n)
{
    volatile char pad[512];
    pad[0] = (char)n;
    return recurse(n + 1) + pad[0];
}
int main(void)
{
    printf("%d\n", recurse(0));
    return 0;
}
