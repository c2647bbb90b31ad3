#!/bin/sh
# A third track is added by adding files (tests/fixtures/toy-track: labs/toy/ with its
# track.md, ref/ and labs 90-91, a lesson, an exam) to a copy of the course, with no
# change to the runner: it validates, lists under its own title, unlocks after the lab
# its track.md requires, grades, and is proven both ways; a check of a toy lab re-runs
# the earlier toy labs, not the vial ones. Lab 91 shares a lab header (91-mul/ops.h)
# between its driver and checker: it reaches the box, and an edit rebuilds both. Lab
# 90's driver and checker share the track's kit header (labs/toy/kit/toykit.h): it
# reaches both, and kit/ is no learner's folder.
. "$(dirname "$0")/lib-grader.sh"
grader_setup
grader_course_copy
cp -R "$G_SRC/tests/fixtures/toy-track/." "$STACKLAB_COURSE/"
run() { (cd "$T/ws" && "$SL" "$@") > "$T/cmd.out" 2>&1; RC=$?; }

"$SL" validate > "$T/cmd.out" 2>&1
t_ok $? "the course with a toy track validates"
[ "$G_FAILS" -gt 0 ] && t_diag "$T/cmd.out"
grader_ws || { echo "Bail out! stacklab init failed"; exit 1; }
t_ok $([ -f "$T/ws/toy/toy.c" ] && [ -f "$T/ws/toy/toy.h" ] && grep -q "return 0;" "$T/ws/toy/toy.c"; echo $?) \
    "init gives the toy folder, as starter(1)"
t_ok $([ ! -e "$T/ws/kit" ] && [ ! -e "$T/ws/toy/toykit.h" ]; echo $?) \
    "the track's kit/ is no learner's folder"
run list
t_ok $(grep -q "^Toy track: a counter library" "$T/cmd.out" && grep -q "lab    90" "$T/cmd.out" \
    && grep -q "exam" "$T/cmd.out"; echo $?) "list shows the track's title, its labs and exam"
run check 90
t_ok $([ "$RC" -eq 2 ] && grep -q "pass lab 01 first" "$T/cmd.out"; echo $?) \
    "lab 90 is locked until lab 01, as track.md says (exit $RC)"

grader_put 2
grader_check_recorded 01 --only
t_ok $([ "$RC" -eq 0 ]; echo $?) "lab 01 passes (exit $RC)"
grader_check 90
set -- $(grader_counts 90)
t_ok $([ "$RC" -eq 1 ] && [ "$1" -eq 0 ] && [ "$2" -eq 3 ]; echo $?) \
    "starter(90) fails every test of lab 90 ($1 ok, $2 not ok)"
t_ok $(! grep -q "^lab 01" "$T/out"; echo $?) "a toy check does not re-run the vial labs"
grader_put 0
grader_check_recorded 90
t_ok $([ "$RC" -eq 0 ] && grep -q "lab 91 unlocked" "$T/out"; echo $?) \
    "the reference passes lab 90 (its driver and checker found the track's toykit.h) and unlocks 91"
grader_put 91
grader_check 91
set -- $(grader_counts 90)
a=$1 b=$2
set -- $(grader_counts 91)
t_ok $([ "$RC" -eq 1 ] && [ "$a" -eq 3 ] && [ "$b" -eq 0 ] && [ "$1" -eq 0 ] && [ "$2" -eq 3 ]; echo $?) \
    "starter(91) passes lab 90 ($a/$b) and fails every test of lab 91 ($1 ok, $2 not ok)"
grader_put 0
grader_check 91
set -- $(grader_counts 91)
t_ok $([ "$RC" -eq 0 ] && [ "$1" -eq 3 ]; echo $?) \
    "the reference passes lab 91 ($1 ok): its driver found the lab header ops.h in the box"
[ "$G_FAILS" -gt 0 ] && t_diag "$T/out" 40
# The lab header is one file for both sides: a new format and count in it must rebuild the
# subject (a stale driver reads "a,b" as 0 0) and the checker (a stale one plans 3).
sed -i -e 's/^#define MUL_CALLS 3$/#define MUL_CALLS 4/' -e 's/^#define MUL_FORMAT "%d %d"$/#define MUL_FORMAT "%d,%d"/' \
    "$STACKLAB_COURSE/labs/toy/91-mul/ops.h"
grader_check 91
set -- $(grader_counts 91)
t_ok $([ "$RC" -eq 0 ] && [ "$1" -eq 4 ] && [ "$2" -eq 0 ]; echo $?) \
    "an edit of ops.h rebuilds the subject and the checker of lab 91 ($1 ok, $2 not ok)"
[ "$G_FAILS" -gt 0 ] && t_diag "$T/out" 40
run solution 90
t_ok $([ "$RC" -eq 0 ] && grep -q "return a + b;" "$T/ws/toy/toy.c.solution"; echo $?) \
    "solution 90 renders the toy reference"
t_done
