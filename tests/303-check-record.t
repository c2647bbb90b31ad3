#!/bin/sh
# 303-check-record.t -- what a check leaves behind and records, in a temp workspace:
# S: build folders left in the cache by a killed run ($XDG_CACHE_HOME/stacklab/build-*)
#    are removed at the start of the next check when no other run is alive (as root too,
#    where the box's uid owns them), links inside never followed, a live run's kept;
# R: a pass whose attempt cannot be saved says so, unlocks nothing and exits 3;
# P: a recorded pass is never taken away: a re-check that now fails the lab says it
#    passed before, and the labs after it stay unlocked;
# H, C: an endless loop is reported as a time-out, a crash with its signal and line;
# L: a compile error is labelled with the lab that owns the file;
# U: only a first pass says a lab was unlocked; a re-check names the current lab.
. "$(dirname "$0")/lib-grader.sh"
grader_setup
lab=$(grader_labs | head -n 1)
if [ -z "$lab" ]; then
    echo "1..0 # SKIP no complete lab in the course"
    exit 0
fi
grader_ws || { echo "Bail out! stacklab init failed"; exit 1; }
C="$T/cache/stacklab"

# S1: a real build folder kept (as a killed run would leave it), and a planted one with
# a link out of it.
export STACKLAB_KEEP_BUILD=1
grader_check "$lab" --only
unset STACKLAB_KEEP_BUILD
kept=$(ls -d "$C"/build-* 2>/dev/null | wc -l)
t_ok $([ "$kept" -ge 1 ]; echo $?) "S1 a run leaves its build folder behind ($kept kept)"
mkdir -p "$T/outside/keep" "$C/build-planted/sub"
echo precious > "$T/outside/keep/file"
ln -s "$T/outside/keep" "$C/build-planted/sub/link"
ln -s "$T/outside" "$C/build-linkdir"
if [ "$(id -u)" -eq 0 ]; then
    chown -R nobody "$C/build-planted"
    chmod 500 "$C/build-planted/sub"
fi

# S2: while another run holds the cache, nothing is swept.
if command -v flock >/dev/null; then
    exec 9>>"$C/in-use"     # this shell stands for a run still alive
    flock -s 9
    grader_check "$lab" --only
    [ -d "$C/build-planted" ]
    t_ok $? "S2 a folder is kept while another run is alive"
    exec 9>&-
else
    t_ok 0 "S2 # SKIP flock is not installed"
fi

# S3: the next lone run sweeps them.
grader_check "$lab" --only
left=$(ls -d "$C"/build-* 2>/dev/null | wc -l)
t_ok $([ "$left" -eq 0 ]; echo $?) "S3 every leftover build folder is swept ($left left)"
[ "$(cat "$T/outside/keep/file" 2>/dev/null)" = precious ] && [ -d "$T/outside" ]
t_ok $? "S3 the links inside were removed, not followed"
t_ok $([ "$RC" -le 1 ]; echo $?) "S3 the check itself ran (exit $RC)"
[ "$G_FAILS" -gt 0 ] && t_diag "$T/out" 40

# R1: the store refuses the attempt (a trigger stands for a full disk or a read-only file).
DB="$T/ws/.stacklab/progress.db"
grader_put 0 || { echo "Bail out! starter-tool failed"; exit 1; }
if command -v sqlite3 >/dev/null; then
    sqlite3 "$DB" "CREATE TRIGGER t303_full BEFORE INSERT ON attempts
                   BEGIN SELECT RAISE(ABORT, 'disk full (test 303)'); END;"
    grader_check_recorded "$lab" --only
    t_ok $([ "$RC" -eq 3 ]; echo $?) "R1 a pass that was not saved exits 3 (exit $RC)"
    grep -q "not saved" "$T/out"
    t_ok $? "R1 and says the attempt was not saved"
    grep -q "disk full (test 303)" "$T/out"
    t_ok $? "R1 with the store's reason"
    grep -q "unlocked" "$T/out"
    t_ok $([ $? -ne 0 ]; echo $?) "R1 nothing is said unlocked"
    [ "$G_FAILS" -gt 0 ] && t_diag "$T/out" 20
    sqlite3 "$DB" "DROP TRIGGER t303_full"
else
    for i in 1 2 3 4; do t_ok 0 "R1 # SKIP the sqlite3 program is not installed"; done
fi

# P1: lab 1 passes and is recorded; then its code breaks (as a stricter hidden test
# would find) and a check of the next lab runs lab 1 again.
next=$(grader_labs | sed -n 2p)
grader_check_recorded "$lab" --only
t_ok $([ "$RC" -eq 0 ]; echo $?) "P1 the reference passes lab $lab and is recorded (exit $RC)"
file=$(sed -n 's/^files: *//p' "$(grader_lab_dir "$lab")/lab.md" | cut -d, -f1)
"$TOOL" 1 "$(grader_ref "$file")" > "$T/ws/$file"
grader_check_recorded "$next"
t_ok $([ "$RC" -eq 1 ]; echo $?) "P1 a re-check that fails lab $lab fails (exit $RC)"
grep -q "lab $lab passed before (on $(date +%Y-%m-%d)) and stays passed; a hidden test added since" "$T/out"
t_ok $? "P1 it says lab $lab passed before, and when"
[ "$G_FAILS" -gt 0 ] && t_diag "$T/out" 30
(cd "$T/ws" && "$SL" status) > "$T/status" 2>&1
grep -q "labs passed    1 of" "$T/status"
t_ok $? "P1 the pass is still counted"
grader_check_recorded "$next" --only
t_ok $([ "$RC" -ne 2 ]; echo $?) "P1 lab $next stays unlocked (exit $RC)"
grep -q "is locked" "$T/out"
t_ok $([ $? -ne 0 ]; echo $?) "P1 and is not refused as locked"

# inject CODE: the reference's $file with CODE as the first statement of
# vial_parse_request (run on every input of lab 1).
inject() {
    "$TOOL" 0 "$(grader_ref "$file")" > "$T/ws/$file"
    at=$(grep -n "^int vial_parse_request(" "$T/ws/$file" | cut -d: -f1)
    [ -n "$at" ] && sed -i "$((at + 1))a\\    $1" "$T/ws/$file"
}
last() { grep -v "^ *$" "$T/out" | grep "^[A-Z]* lab $lab:" | tail -n 1; }

# H1: an endless loop is a time-out, not a crash or a plain failure.
inject 'for (volatile int spin = 1; spin;) ;'
grader_check "$lab" --only
grep -q "TIMEOUT timed out: no answer, still running after [0-9]* s (an endless loop?)" "$T/out"
t_ok $? "H1 an endless loop says it timed out after N s (an endless loop?)"
last | grep -q "^TIMEOUT lab $lab: "
t_ok $? "H1 and the summary counts it as a time-out: $(last | cut -c1-40)"
[ "$G_FAILS" -gt 0 ] && t_diag "$T/out" 8

# C1: a crash names the signal and the learner's line.
inject 'if (len > 0) { char *volatile p = (char *)16; *p = 1; }'
grader_check "$lab" --only
grep -q "CRASH crashed: SIGSEGV in vial_parse_request() at $file:[0-9]" "$T/out"
t_ok $? "C1 a crash says crashed: SIGSEGV in FUNCTION() at FILE:LINE"
last | grep -q "^CRASH lab $lab: "
t_ok $? "C1 and the summary counts it as a crash"
[ "$G_FAILS" -gt 0 ] && grep -v "^  not ok\|^        " "$T/out" | t_diag /dev/stdin 20

# L1: a compile error is labelled with the lab whose file it is in: checking lab 2 builds
# lab 1 first, with lab 2's file in it.
"$TOOL" 0 "$(grader_ref "$file")" > "$T/ws/$file"
file2=$(sed -n 's/^files: *//p' "$(grader_lab_dir "$next")/lab.md" | cut -d, -f1)
echo 'int t303_broken(void) { return t303_nope; }' >> "$T/ws/$file2"
grader_check_recorded "$next"
grep -q "compile error in $file2 (lab $next's file):" "$T/out"
t_ok $? "L1 the compile error names $file2 and lab $next, its owner"
grep -q "passed before" "$T/out"
t_ok $([ $? -ne 0 ]; echo $?) "L1 a compile error is not blamed on a new hidden test"
(cd "$T/ws" && "$SL" status) > "$T/status" 2>&1
grep -q "lab $next  compile" "$T/status"
t_ok $? "L1 the attempt is stored as a compile error"
[ "$G_FAILS" -gt 0 ] && t_diag "$T/out" 20

# U1: labs 1 and 2 passed before (P1 checked lab 2 alone with the reference), so the
# current lab is the third; a pass of either again unlocks nothing and names it.
third=$(grader_labs | sed -n 3p)
"$TOOL" 0 "$(grader_ref "$file2")" > "$T/ws/$file2"
grader_check_recorded "$next" --only
t_ok $([ "$RC" -eq 0 ] && [ -n "$third" ] && ! grep -q "unlocked" "$T/out"; echo $?) \
    "U1 lab $next passes again (exit $RC) and nothing is said unlocked"
grader_check_recorded "$lab" --only
t_ok $([ "$RC" -eq 0 ] && ! grep -q "unlocked" "$T/out"; echo $?) \
    "U1 lab $lab passes again (exit $RC) and nothing is said unlocked"
grep -q "^lab $lab passed, as before. Your current lab is $third: stacklab check $third$" "$T/out"
t_ok $? "U1 it names the current lab, $third"
[ "$G_FAILS" -gt 0 ] && t_diag "$T/out" 20
t_done
