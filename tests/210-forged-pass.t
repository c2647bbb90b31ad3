#!/bin/sh
# Passes that must not be forged (issue 12, part 1), each tried as a hostile learner would:
# a chosen seed (its inputs and answers are known in advance) records nothing and unlocks
# nothing; learner code that defines a sanitizer hook to hide its leaks does not build;
# a subject of an HTTP lab that reports a port other than its own server's (the checker's
# reference server, found in /proc/net/tcp) is not graded against it.
. "$(dirname "$0")/lib-grader.sh"
grader_setup
grader_ws || { echo "Bail out! stacklab init failed"; exit 1; }
run() { (cd "$T/ws" && "$SL" "$@") > "$T/cmd.out" 2>&1; RC=$?; }

# ---- a chosen seed ---------------------------------------------------------------------
grader_put 2
grader_check 01 --seed 7
t_ok $([ "$RC" -eq 0 ] && grep -q "^PASS lab 01" "$T/out"; echo $?) \
    "check --seed: the reference's pass is shown, exit 0 (got $RC)"
t_ok $(grep -q "not recorded: you chose the seed" "$T/out"; echo $?) "and it says it is not recorded"
t_ok $(! grep -q "unlocked" "$T/out"; echo $?) "and unlocks nothing"
run check 02
t_ok $([ "$RC" -eq 2 ] && grep -q "locked" "$T/cmd.out"; echo $?) "lab 02 stays locked (exit $RC)"
run solution 01
t_ok $([ "$RC" -ne 0 ]; echo $?) "the solution of lab 01 stays closed (exit $RC)"
export STACKLAB_SEED=7
grader_check 01
t_ok $([ "$RC" -eq 0 ] && grep -q "not recorded: you chose the seed" "$T/out"; echo $?) \
    "STACKLAB_SEED is a chosen seed too"
run check 02
t_ok $([ "$RC" -eq 2 ]; echo $?) "lab 02 still locked (exit $RC)"
run check 01 --seed 7 --format=tap
t_ok $([ "$RC" -eq 0 ] && grep -q "^# not recorded: you chose the seed" "$T/cmd.out"; echo $?) \
    "the TAP form says it too"
STACKLAB_SEED=12ab run check 01
t_ok $([ "$RC" -ne 0 ] && grep -q "STACKLAB_SEED must be a number from 0 to" "$T/cmd.out"; echo $?) \
    "a STACKLAB_SEED that is not a seed is refused, not replaced by a random one (exit $RC)"
run check 01 --seed 9007199254740992
t_ok $([ "$RC" -eq 2 ] && grep -q "takes a number from 0 to 9007199254740991" "$T/cmd.out"; echo $?) \
    "--seed past 2^53-1 is bad usage, not wrapped (exit $RC)"
unset STACKLAB_SEED
grader_check_recorded 01
seed=$(sed -n 's/^PASS lab 01: .*(seed \([0-9]*\))$/\1/p' "$T/out")
t_ok $([ "$RC" -eq 0 ] && [ -n "$seed" ] && grep -q "lab 02 unlocked" "$T/out"; echo $?) \
    "a seed the runner picks ($seed) records the pass and unlocks lab 02"

# ---- a sanitizer hook in learner code ------------------------------------------------
leaky() {
    grader_put 2
    cat >> "$T/ws/vial/request_parse.c" <<'EOF'

#include <stdlib.h>
void *leak_keep;
__attribute__((constructor)) static void leak_now(void)
{
    for (int i = 0; i < 8; i++) {
        leak_keep = malloc(100 + (size_t)i);
        ((char *)leak_keep)[0] = 1;
    }
    leak_keep = NULL;
}
EOF
}
leaky
grader_check 01
t_ok $([ "$RC" -eq 1 ] && grep -q "^LEAK lab 01" "$T/out"; echo $?) "a plain leak is a LEAK (exit $RC)"
for hook in '__lsan_default_suppressions(void) { return "leak:*"; }' \
            '__lsan_default_options(void) { return "detect_leaks=0"; }' \
            '__asan_default_options(void) { return "detect_leaks=0"; }'; do
    leaky
    printf 'const char *%s\n' "$hook" >> "$T/ws/vial/request_parse.c"
    name=${hook%%(*}
    grader_check 01
    t_ok $([ "$RC" -eq 1 ] && ! grep -q "^PASS" "$T/out"; echo $?) "$name in learner code: no pass (exit $RC)"
    t_ok $(grep -q "your code defines $name, a hook of the sanitizers" "$T/out"; echo $?) \
        "and the report names the hook"
    [ "$G_FAILS" -gt 0 ] && t_diag "$T/out" 30
done
leaky
printf 'int __lsan_is_turned_off(void) { return 1; }\n' >> "$T/ws/vial/request_parse.c"
grader_check 01
t_ok $([ "$RC" -eq 1 ] && ! grep -q "^PASS" "$T/out"; echo $?) "__lsan_is_turned_off in learner code: no pass"

# ---- the checker's reference server ---------------------------------------------------
# The learner's vial_server_port reports another listening socket of the box's network
# (the reference the checker serves beside it), so the checker would talk to the
# reference and compare it with itself.
forge_port() {
    perl -0pi -e 's/int vial_server_port\(const vial_server \*srv\)\n\{\n.*?\n\}/int vial_server_port(const vial_server *srv)
{
    int own = srv ? srv->port : -1, found = own;
    unsigned addr, port, state;
    char line[512];
    FILE *f = fopen("\/proc\/net\/tcp", "r");
    while (f != NULL && fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, " %*d: %8X:%4X %*8X:%*4X %2X", &addr, &port, &state) == 3
            && state == 10 && (int)port != own)
            found = (int)port;
    if (f != NULL)
        fclose(f);
    return found;
}/s' "$T/ws/vial/server.c"
    grep -q "proc/net/tcp" "$T/ws/vial/server.c"
}
# Labs 02-04 passed (recorded) first, so 04 and 05 are open.
grader_put 0
for lab in 02 03 04; do
    grader_check_recorded "$lab" --only
    t_ok $([ "$RC" -eq 0 ]; echo $?) "the reference passes lab $lab (exit $RC)"
done
for lab in 04 05; do
    n=${lab#0}
    grader_put "$n"
    forge_port || { t_ok 1 "the port-forging server.c could not be made"; continue; }
    grader_check "$lab" --only
    set -- $(grader_counts "$lab")
    t_ok $([ "$RC" -eq 1 ] && [ "$1" -eq 0 ] && [ "$2" -gt 0 ]; echo $?) \
        "starter($lab) reporting the reference's port fails every test of lab $lab ($1 ok, $2 not ok)"
    [ "$1" -ne 0 ] && t_diag "$T/out" 20
done
t_done
