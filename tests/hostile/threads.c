/* threads.c -- hostile: four threads spinning; the CPU limit must count their sum. */
#include <pthread.h>
static void *threads_spin(void *arg)
{
    volatile unsigned long n = 0;
    (void)arg;
    for (;;)
        n++;
    return NULL;
}
int main(void)
{
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, threads_spin, NULL);
    pthread_join(t[0], NULL);
    return 0;
}
