#!/bin/sh
# 208-host-files.t -- `stacklab test` never shows or keeps a host file through a link that
# learner code planted in a box. A public test program replaces the compiler logs, objects
# and later programs of its box by links to a secret file outside it (readable by the
# runner only); the next program is then built. The secret must appear neither in the
# output nor in the object cache. As root, and as an ordinary user (setpriv to nobody
# when root, else as is).
. "$(dirname "$0")/lib-grader.sh"
grader_setup

# The program that plants the links; @SECRET@ becomes the secret's path.
plant_src() {
    cat <<'EOF'
#include <stdio.h>
#include <unistd.h>

#include "tap.h"

static int plant(const char *name)
{
    unlink(name);
    return symlink("@SECRET@", name) == 0;
}

int main(void)
{
    static const char *const kinds[] = { "obj-%d.log", "obj-%d.o", "obj-%d.fail",
                                         "public-tests-%d" };
    int planted = 0;
    for (int k = 0; k < 4; k++)
        for (int i = 0; i < 40; i++) {
            char name[64];
            snprintf(name, sizeof name, kinds[k], i);
            planted += plant(name);
        }
    ok(planted > 0, "planted %d links", planted);
    return done_testing();
}
EOF
}

# host_case MODE PREFIX...: a workspace in $T/MODE made and tested by PREFIX (empty for
# the current user); sets $OUT, $CACHE, $SECRET_WORD.
host_case() {
    mode=$1
    shift
    D="$T/$mode"
    mkdir -p "$D/home" "$D/cache" "$D/secret"
    SECRET_WORD="secret-$mode-$$-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
    echo "$SECRET_WORD" > "$D/secret/key"
    chmod 600 "$D/secret/key"
    chmod 700 "$D/secret"
    [ "$mode" = user ] && [ "$#" -gt 0 ] && chown -R 65534:65534 "$D"
    env HOME="$D/home" XDG_CACHE_HOME="$D/cache" STACKLAB_HOME="$D/ws" \
        "$@" "$SL" init "$D/ws" > "$D/init.out" 2>&1 || { t_diag "$D/init.out"; return 1; }
    plant_src | sed "s|@SECRET@|$D/secret/key|" > "$D/ws/tests/01-a-plant.c"
    printf '#include "tap.h"\nint main(void) { ok(1, "the next program"); return done_testing(); }\n' \
        > "$D/ws/tests/01-b-next.c"
    [ "$mode" = user ] && [ "$#" -gt 0 ] && chown -R 65534:65534 "$D/ws"
    (cd "$D/ws" && env HOME="$D/home" XDG_CACHE_HOME="$D/cache" STACKLAB_HOME="$D/ws" \
        "$@" "$SL" test 01) > "$D/test.out" 2>&1
    RC=$?
    OUT="$D/test.out"
    CACHE="$D/ws/.stacklab/cache"
}

# host_asserts MODE: what must hold after host_case.
host_asserts() {
    t_ok $(grep -q "planted [1-9][0-9]* links" "$OUT"; echo $?) \
        "$1: the planting program ran in the box (exit $RC)"
    t_ok $(grep -q "$SECRET_WORD" "$OUT" && echo 1 || echo 0) \
        "$1: the secret never appears in stacklab test's output"
    grep -q "$SECRET_WORD" "$OUT" && t_diag "$OUT"
    t_ok $(grep -rqa "$SECRET_WORD" "$CACHE" "$D/cache" 2>/dev/null && echo 1 || echo 0) \
        "$1: the secret was never copied into a cache"
    t_ok $(grep -q "ok .* the next program" "$OUT"; echo $?) \
        "$1: the next program still built and ran (a box of its own)"
    grep -q "ok .* the next program" "$OUT" || t_diag "$OUT"
}

if [ "$(id -u)" -eq 0 ]; then
    host_case root && host_asserts root
    host_case user setpriv --reuid 65534 --regid 65534 --clear-groups && host_asserts user
else
    host_case user && host_asserts user
fi
t_done
