#!/bin/sh
# The learner's lab commands around the check, in a temp workspace: hint (remembered),
# next, solution (only after passing), reset (with a backup), update (never touching
# edited files), test (public tests), watch (--manual and inotify), locked labs, usage.
. "$(dirname "$0")/lib-grader.sh"
grader_setup
lab=$(grader_labs | head -n 1)
if [ -z "$lab" ]; then
    echo "1..0 # SKIP no complete lab in the course"
    exit 0
fi
grader_ws || { echo "Bail out! stacklab init failed"; exit 1; }
md=$(grader_lab_dir "$lab")/lab.md
file=$(sed -n 's/^files: *//p' "$md" | cut -d, -f1 | tr -d ' ')
src=$(grader_ref "$file")
run() { "$SL" "$@" > "$T/cmd.out" 2>&1; RC=$?; }

run next
t_ok $([ "$RC" -eq 0 ] && grep -q "^next: lab $lab" "$T/cmd.out"; echo $?) "next names lab $lab"

run hint "$lab"
t_ok $([ "$RC" -eq 0 ] && grep -q "^Hint 1 of" "$T/cmd.out" && ! grep -q "^Hint 2" "$T/cmd.out"; echo $?) \
    "hint shows hint 1 first"
run hint "$lab"
t_ok $(grep -q "^Hint 2 of" "$T/cmd.out"; echo $?) "hint remembers and shows hint 2 next"
run lab "$lab"
t_ok $([ "$RC" -eq 0 ] && grep -q "^Lab $lab" "$T/cmd.out" && grep -q "^Goal" "$T/cmd.out" \
    && grep -q "Hint 2" "$T/cmd.out" && ! grep -q "Hint 3" "$T/cmd.out"; echo $?) \
    "lab prints the instructions and the two hints revealed, not the third"

run solution "$lab"
t_ok $([ "$RC" -eq 1 ] && [ ! -e "$T/ws/$file.solution" ]; echo $?) \
    "solution refused before the lab passed (exit $RC)"

run check --seed x
t_ok $([ "$RC" -eq 2 ]; echo $?) "check --seed x is bad usage (exit $RC)"
run check 99
t_ok $([ "$RC" -eq 2 ]; echo $?) "check of an unknown lab is bad usage (exit $RC)"
next=$(grader_labs | sed -n 2p)
if [ -n "$next" ]; then
    run check "$next"
    t_ok $([ "$RC" -eq 2 ] && grep -q "locked" "$T/cmd.out"; echo $?) "check $next is locked"
fi

grader_check --seed 5
t_ok $([ "$RC" -eq 1 ] && grep -q "seed 5" "$T/out"; echo $?) "starter fails; the seed is shown"

# public tests, sandboxed (when the lab ships them)
if ls "$T/ws/tests/$lab"-*.c > /dev/null 2>&1; then
    run test "$lab"
    t_ok $([ "$RC" -eq 1 ]; echo $?) "test: public tests fail on the starter (exit $RC)"
fi

grader_put 0
grader_check_recorded "$lab"
t_ok $([ "$RC" -eq 0 ]; echo $?) "reference passes check $lab"
if ls "$T/ws/tests/$lab"-*.c > /dev/null 2>&1; then
    run test "$lab"
    t_ok $([ "$RC" -eq 0 ]; echo $?) "test: public tests pass on the reference (exit $RC)"
    [ "$RC" -ne 0 ] && t_diag "$T/cmd.out"
fi

run solution "$lab"
"$TOOL" $((${lab#0} + 1)) "$src" > "$T/want.solution"
t_ok $([ "$RC" -eq 0 ] && cmp -s "$T/ws/$file.solution" "$T/want.solution"; echo $?) \
    "solution writes $file.solution: the reference of lab $lab, later labs stubbed"

echo "/* mine */" >> "$T/ws/$file"
run reset "$lab"
"$TOOL" "$lab" "$src" > "$T/want.starter"
t_ok $([ "$RC" -eq 0 ] && cmp -s "$T/ws/$file" "$T/want.starter"; echo $?) \
    "reset puts starter($lab) back"
t_ok $(grep -q "mine" "$T/ws/$file".bak-*; echo $?) "reset keeps the old file as .bak-TIME"

echo "/* mine */" >> "$T/ws/$file"
victim=$(cd "$T/ws/vial" && ls *.c | grep -v "^$(basename "$file")\$" | head -n 1)
rm -f "$T/ws/vial/$victim" "$T/ws/Makefile"
run update
t_ok $([ "$RC" -eq 0 ] && [ -f "$T/ws/vial/$victim" ]; echo $?) "update adds missing files"
t_ok $(grep -q "mine" "$T/ws/$file"; echo $?) "update leaves edited files alone"
run update
t_ok $(grep -q "up to date" "$T/cmd.out"; echo $?) "update again: nothing to add"

grader_put 0
printf '\nq\n' | (cd "$T/ws" && "$SL" watch "$lab" --manual) > "$T/watch.out" 2>&1
RC=$?
n=$(grep -c "^PASS lab $lab" "$T/watch.out")
t_ok $([ "$RC" -eq 0 ] && [ "$n" -eq 2 ]; echo $?) "watch --manual checks at start and on Enter ($n, exit $RC)"

# inotify: one check at start, one after a save; then --max-checks ends it.
: > "$T/watch2.out"
(cd "$T/ws" && exec "$SL" watch "$lab" --max-checks 2) > "$T/watch2.out" 2>&1 &
wpid=$!
wait_for() {    # wait_for COUNT: until COUNT summaries or 120 s
    i=0
    while [ "$(grep -c "^[A-Z]* lab $lab:" "$T/watch2.out")" -lt "$1" ] && [ $i -lt 1200 ]; do
        sleep 0.1; i=$((i + 1))
    done
}
wait_for 1
# wait until the watcher waits for changes, then save a file
i=0; while ! grep -q "^-- watching" "$T/watch2.out" && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
echo "/* saved */" >> "$T/ws/$file"
wait_for 2
i=0; while kill -0 "$wpid" 2>/dev/null && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
kill "$wpid" 2>/dev/null
wait "$wpid"
RC=$?
n=$(grep -c "^PASS lab $lab" "$T/watch2.out")
t_ok $([ "$n" -eq 2 ] && [ "$RC" -eq 0 ]; echo $?) "watch re-checks after a save ($n checks, exit $RC)"
[ "$n" -ne 2 ] && t_diag "$T/watch2.out"
t_done
