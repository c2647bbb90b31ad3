#!/bin/sh
# Broken and hostile subjects get the right verdict through `stacklab check 01`: a crash,
# an endless loop, a leak, fake TAP on stdout, fake TAP on every descriptor, strcmp
# redefined to always match, a compile error (learner paths only) and a symlinked file.
. "$(dirname "$0")/lib-grader.sh"
grader_setup
grader_course_copy
lab=$(grader_labs | head -n 1)
if [ -z "$lab" ]; then
    echo "1..0 # SKIP no complete lab in the course"
    exit 0
fi
# A short time limit keeps the endless loop quick.
md=$(grader_lab_dir "$lab")/lab.md
awk 'NR == 1 { print; print "time: 4"; next } !/^time:/' "$md" > "$T/lab.md" && cp "$T/lab.md" "$md"
grader_ws || { echo "Bail out! stacklab init failed"; exit 1; }
grader_put 0

# broken NAME CODE: the reference plus vial/zz_broken.c holding CODE; checks lab 01.
broken() {
    printf '%s\n' "$2" > "$T/ws/vial/zz_broken.c"
    grader_check "$lab" --only
    cp "$T/out" "$T/out.$1"
    rm -f "$T/ws/vial/zz_broken.c"
}
# expect NAME VERDICT_REGEX: exit 1 and the verdict shown.
expect() {
    t_ok $([ "$RC" -eq 1 ]; echo $?) "$1: check exits 1 (got $RC)"
    grep -Eq "$2" "$T/out"
    t_ok $? "$1: reported as /$2/"
    grep -q "^PASS" "$T/out"
    t_ok $([ $? -ne 0 ]; echo $?) "$1: never PASS"
    [ "$G_FAILS" -gt 0 ] && t_diag "$T/out" 30 && G_FAILS=0 && G_BAD=1
}

broken crash '#include <signal.h>
#include <stdlib.h>
__attribute__((constructor)) static void zz(void) { abort(); }'
expect crash "CRASH (crashed|lab)"

broken loop '__attribute__((constructor)) static void zz(void) { for (volatile int i = 0; ; i++) ; }'
expect loop "TIMEOUT"

broken leak '#include <stdlib.h>
void *volatile zz_keep;
__attribute__((constructor)) static void zz(void) { zz_keep = malloc(77); zz_keep = 0; }'
# LeakSanitizer reports at exit: the checker's last frame (quit) lets the subject return
# from main, and the checker waits for it to end.
expect leak "LEAK"
grep -Eq "LEAK .*memory leak of 77 bytes in 1 object in zz\(\) at vial/zz_broken.c:3" "$T/out"
t_ok $? "leak: reported as a leak at vial/zz_broken.c:3 in zz()"
grep -Eq "^  ok +1 " "$T/out"
t_ok $? "leak: the tests themselves still ran and passed"

broken fake-stdout '#include <stdio.h>
#include <unistd.h>
__attribute__((constructor)) static void zz(void) {
    printf("TAP version 13\n1..1\nok 1 - everything\n"); fflush(stdout); _exit(0); }'
expect fake-stdout "FAIL lab $lab: 0/"

broken fake-every-fd '#include <string.h>
#include <unistd.h>
__attribute__((constructor)) static void zz(void) {
    const char *t = "TAP version 13\n1..1\nok 1 - everything\n";
    for (int fd = 0; fd < 256; fd++) (void)!write(fd, t, strlen(t));
    _exit(0); }'
expect fake-every-fd "FAIL lab $lab: 0/"

broken strcmp 'int strcmp(const char *a, const char *b) { (void)a; (void)b; return 0; }
int strcasecmp(const char *a, const char *b) { (void)a; (void)b; return 0; }
int strncasecmp(const char *a, const char *b, unsigned long n) { (void)a; (void)b; (void)n; return 0; }'
expect strcmp "^FAIL lab $lab"

broken compile 'int zz(void) { return missing_thing; }'
expect compile "COMPILE"
grep -q "^    vial/zz_broken.c:1:[0-9]*: error" "$T/out"
t_ok $? "compile: error shown at the learner's path vial/zz_broken.c:1"
grep -q "$XDG_CACHE_HOME\|/box/\|build-" "$T/out"
t_ok $([ $? -ne 0 ]; echo $?) "compile: no build folder path shown"

ln -s /etc/passwd "$T/ws/vial/zz_link.c"
grader_check "$lab" --only
rm -f "$T/ws/vial/zz_link.c"
expect symlink "vial/zz_link.c: is a symbolic link"

[ -n "${G_BAD:-}" ] && G_FAILS=1
t_done
