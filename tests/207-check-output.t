#!/bin/sh
# What a check shows and how fast it gets there, in a temp workspace: the object cache
# (a second check compiles nothing, an edit recompiles one file, warnings still shown),
# the first input that differs shown alone, no `at:` for hidden tests but `at:` for public
# ones, `stacklab test` running every public test file, `check --format=tap`, and the note
# on missing sandbox layers said once per check, not once per lab.
. "$(dirname "$0")/lib-grader.sh"
grader_setup
lab=$(grader_labs | head -n 1)
if [ -z "$lab" ]; then
    echo "1..0 # SKIP no complete lab in the course"
    exit 0
fi
grader_ws || { echo "Bail out! stacklab init failed"; exit 1; }
OBJ="$T/ws/.stacklab/cache/objects"
count() { ls "$OBJ" 2>/dev/null | grep -c "\.$1\$"; }
run() { (cd "$T/ws" && "$SL" "$@") > "$T/cmd.out" 2>&1; RC=$?; }

# ---- starter(1): the first input that differs, alone; no `at:` for hidden tests
grader_check "$lab" --only
t_ok $([ "$RC" -eq 1 ]; echo $?) "starter: check fails (exit $RC)"
first=$(awk '/^  not ok/ { n++ } n == 1' "$T/out")
echo "$first" | grep -q "input 1 of [0-9]"
t_ok $? "the first failure names its input: 'input 1 of N'"
reqs=$(echo "$first" | awk '/^        input:/ { on = 1; next } /^        [a-z]/ { on = 0 } on' \
    | grep -c "HTTP/1\.[0-9]")
t_ok $([ "$reqs" -eq 1 ]; echo $?) "the input shown is one request, not the batch ($reqs request lines)"
grep -q "^        at: " "$T/out"
t_ok $([ $? -ne 0 ]; echo $?) "hidden tests show no at: (it would name the checker's source)"
grep -q "checker\.c" "$T/out"
t_ok $([ $? -ne 0 ]; echo $?) "the checker's file name appears nowhere"
[ "$G_FAILS" -gt 0 ] && t_diag "$T/out" 60

# ---- public tests: every file runs; at: is shown for them
cat > "$T/ws/tests/$lab-zz-extra.c" <<'EOF'
#include "tap.h"
int main(void)
{
    ok(1, "extra file runs");
    ok(0, "extra file fails on purpose");
    return done_testing();
}
EOF
run test "$lab"
grep -q "extra file runs" "$T/cmd.out" && grep -q "tests/$lab-zz-extra.c:" "$T/cmd.out"
t_ok $? "test runs every public test file of the lab, each named"
grep -q "^        at: .*tests/$lab-zz-extra.c:5" "$T/cmd.out"
t_ok $? "a public test's failure shows at: with its file and line"
[ "$G_FAILS" -gt 0 ] && t_diag "$T/cmd.out" 60
rm -f "$T/ws/tests/$lab-zz-extra.c"

# ---- the object cache, on the reference
grader_put 0
rm -rf "$OBJ"
grader_check "$lab" --only
t_ok $([ "$RC" -eq 0 ]; echo $?) "reference passes (exit $RC)"
nsrc=$(( $(ls "$T/ws/vial"/*.c | wc -l) + 2 ))   # the driver and sanhooks.c too
o1=$(count o); e1=$(count exe)
t_ok $([ "$o1" -eq "$nsrc" ] && [ "$e1" -eq 1 ]; echo $?) \
    "first check caches every object and the program ($o1 of $nsrc objects, $e1 program)"
grader_check "$lab" --only
o2=$(count o); e2=$(count exe)
t_ok $([ "$RC" -eq 0 ] && [ "$o2" -eq "$o1" ] && [ "$e2" -eq 1 ]; echo $?) \
    "second check reuses them (exit $RC, $o2 objects, $e2 program)"
victim=$(cd "$T/ws/vial" && ls *.c | head -n 1)
printf '\nstatic int zz_unused_warning(void) { return 0; }\n' >> "$T/ws/vial/$victim"
grader_check "$lab" --only
o3=$(count o)
t_ok $([ "$RC" -eq 0 ] && [ "$o3" -eq $((o1 + 1)) ]; echo $?) \
    "an edit of one file compiles that file alone (exit $RC, $o3 objects)"
grep -q "vial/$victim:.*zz_unused_warning" "$T/out"
t_ok $? "its warning is shown"
grader_check "$lab" --only
grep -q "vial/$victim:.*zz_unused_warning" "$T/out"
t_ok $? "the warning is shown again when the object comes from the cache"
[ "$G_FAILS" -gt 0 ] && t_diag "$T/out" 40
grader_put 0

# ---- --format=tap
run check "$lab" --only --format=tap
t_ok $([ "$RC" -eq 0 ] && head -n 1 "$T/cmd.out" | grep -q "^TAP version 13"; echo $?) \
    "--format=tap: a TAP stream, exit 0 on the reference (exit $RC)"
plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$T/cmd.out")
lines=$(grep -c "^ok [0-9]* - lab $lab: " "$T/cmd.out")
t_ok $([ -n "$plan" ] && [ "$plan" -gt 0 ] && [ "$plan" -eq "$lines" ]; echo $?) \
    "--format=tap: plan $plan, $lines tests named 'lab $lab: ...'"
if command -v prove > /dev/null 2>&1; then
    prove --exec cat "$T/cmd.out" > "$T/prove.out" 2>&1
    t_ok $? "--format=tap: prove reads it as a passing run"
fi
grader_put "$lab"
run check "$lab" --only --format=tap
bad=$(grep -c "^not ok" "$T/cmd.out")
t_ok $([ "$RC" -eq 1 ] && [ "$bad" -gt 0 ] && ! grep -q "^  at:" "$T/cmd.out"; echo $?) \
    "--format=tap on the starter: exit 1, $bad failures, no at:"
printf 'int zz(void) { return missing_thing; }\n' > "$T/ws/vial/zz_broken.c"
run check "$lab" --only --format=tap
t_ok $([ "$RC" -eq 1 ] && grep -q "^not ok 1 - lab $lab: compile error" "$T/cmd.out" \
    && grep -q 'compiler: ".*vial/zz_broken.c:1' "$T/cmd.out"; echo $?) \
    "--format=tap: a compile error is one failing test with the compiler's messages"
[ "$G_FAILS" -gt 0 ] && t_diag "$T/cmd.out" 40

# ---- a layer missing (user namespaces refused): one note for a check of two labs
rm -f "$T/ws/vial/zz_broken.c"
grader_put 0
next=$(grader_labs | sed -n 2p)
grader_check_recorded "$lab" --only
(cd "$T/ws" && STACKLAB_SANDBOX_SIMULATE=userns-refused "$SL" check "$next") > "$T/out" 2>&1
RC=$?
notes=$(grep -c "sandbox layers unavailable: .*userns" "$T/out")
labs=$(grep -c "^lab [0-9][0-9]: " "$T/out")
t_ok $([ "$notes" -eq 1 ] && [ "$labs" -eq 2 ]; echo $?) \
    "missing layers: one note for a check of $labs labs ($notes notes, exit $RC)"
[ "$G_FAILS" -gt 0 ] && t_diag "$T/out" 40
t_done
