/* sanhooks.c -- linked into every subject by the grader: strong definitions of the
 * sanitizers' user hooks, so the runner alone decides what the sanitizers check. A
 * learner file that defines one of them (say __lsan_default_suppressions returning
 * "leak:*", which would turn every leak into a pass) no longer links: the grader turns
 * the linker's "multiple definition" into a message naming the hook and the file. Options come
 * from the environment the sandbox sets (ASAN_OPTIONS, LSAN_OPTIONS, UBSAN_OPTIONS). */
#include <string.h>
#include <unistd.h>

/* The hooks the runtimes look up: empty options and suppressions, leak checking on. */
const char *__asan_default_options(void);
const char *__lsan_default_options(void);
const char *__ubsan_default_options(void);
const char *__asan_default_suppressions(void);
const char *__lsan_default_suppressions(void);
int __lsan_is_turned_off(void);
void __asan_on_error(void);
void __sanitizer_report_error_summary(const char *summary);

const char *__asan_default_options(void) { return ""; }
const char *__lsan_default_options(void) { return ""; }
const char *__ubsan_default_options(void) { return ""; }
const char *__asan_default_suppressions(void) { return ""; }
const char *__lsan_default_suppressions(void) { return ""; }
int __lsan_is_turned_off(void) { return 0; }
void __asan_on_error(void) {}

/* The runtime's own default: the summary line on stderr. */
void __sanitizer_report_error_summary(const char *summary)
{
    if (summary == NULL)
        return;
    (void)!write(2, summary, strlen(summary));
    (void)!write(2, "\n", 1);
}
