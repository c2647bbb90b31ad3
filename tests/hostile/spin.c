/* spin.c -- hostile: burns CPU forever (TO by the cpu limit). */
int main(void)
{
    volatile unsigned long n = 0;
    for (;;)
        n++;
}
