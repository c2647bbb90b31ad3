/* pause.c -- hostile: sleeps forever without using CPU (TO by wall or idle). */
#include <unistd.h>
int main(void)
{
    for (;;)
        pause();
}
