/* int80.c -- hostile: a 32-bit system call through int 0x80 on x86-64 (a foreign
 * architecture for the filter: the process is killed, SV). */
#include <stdio.h>
int main(void)
{
#if defined(__x86_64__)
    long ret;
    __asm__ volatile("int $0x80" : "=a"(ret) : "a"(20L) : "memory");   /* getpid */
    printf("int 0x80 returned %ld\n", ret);
#else
    puts("not x86-64");
#endif
    return 0;
}
