#!/bin/sh
# 307-check-warm.t -- a fresh learner's first check finds its work done: `stacklab init`
# starts building lab 1's checker and compiling the starter code in the background
# (holding .stacklab/warming meanwhile); a check started during it waits and builds
# nothing twice; a first pass does the same for the lab it unlocks; STACKLAB_PREBUILD=0
# turns it off. W1-W8.
. "$(dirname "$0")/lib-grader.sh"
grader_setup
export STACKLAB_PREBUILD=1
lab=$(grader_labs | head -n 1)
next=$(grader_labs | sed -n 2p)
if [ -z "$next" ] || ! command -v flock >/dev/null; then
    echo "1..0 # SKIP needs two complete labs and flock (util-linux)"
    exit 0
fi
CK="$T/cache/stacklab/checkers"
OBJ="$T/ws/.stacklab/cache/objects"
checkers() { ls "$CK" 2>/dev/null | grep -cv '\.lock$'; }
objects() { ls "$OBJ" 2>/dev/null | grep -c '\.o$'; }
warm_done() { flock "$T/ws/.stacklab/warming" true; }
trap 'warm_done 2>/dev/null; rm -rf "$T"' EXIT

# W1-W3: init starts the warm-up and says so; it holds the lock until done.
grader_ws || { echo "Bail out! stacklab init failed"; exit 1; }
grep -q "lab $lab's checker is being built in the background" "$T/init.out"
t_ok $? "W1 init says lab $lab's checker is being built in the background"
flock -n "$T/ws/.stacklab/warming" true
held=$?
t_ok $([ "$held" -ne 0 ] || [ "$(checkers)" -eq 1 ]; echo $?) \
    "W2 the warm-up holds .stacklab/warming while it runs"
warm_done
c0=$(checkers); o0=$(objects)
t_ok $([ "$c0" -eq 1 ] && [ "$o0" -gt 0 ]; echo $?) \
    "W3 once it is done, lab $lab's checker ($c0) and the starter's objects ($o0) are cached"

# W4: the first check builds nothing: no checker, no object.
a=$(date +%s.%N)
grader_check "$lab"
b=$(date +%s.%N)
t_ok $([ "$RC" -eq 1 ] && [ "$(checkers)" -eq "$c0" ] && [ "$(objects)" -eq "$o0" ] \
    && ! grep -q "waiting for the build" "$T/out"; echo $?) \
    "W4 the first check (starter: exit $RC) built nothing ($(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", b - a }') s)"
[ "$G_FAILS" -gt 0 ] && t_diag "$T/out" 20

# W5: a check right after init waits for the warm-up, then builds nothing twice.
rm -rf "$T/cache/stacklab"
grader_ws || { echo "Bail out! stacklab init failed"; exit 1; }
grader_check "$lab"
t_ok $([ "$RC" -eq 1 ] && grep -q "waiting for the build stacklab started" "$T/out"; echo $?) \
    "W5 a check right after init waits for the warm-up (exit $RC)"
t_ok $([ "$(checkers)" -eq 1 ] && [ -z "$(ls -d "$T"/cache/stacklab/*build-* 2>/dev/null)" ]; echo $?) \
    "W5 one checker built, no build folder left"
[ "$G_FAILS" -gt 0 ] && t_diag "$T/out" 20

# W6: a first pass warms up the lab it unlocks.
grader_put 0 || { echo "Bail out! starter-tool failed"; exit 1; }
grader_check_recorded "$lab" --only
warm_done
t_ok $([ "$RC" -eq 0 ] && [ "$(checkers)" -eq 2 ]; echo $?) \
    "W6 a first pass of lab $lab builds lab $next's checker in the background ($(checkers) checkers)"
grader_check "$next" --only
t_ok $([ "$RC" -eq 0 ] && [ "$(checkers)" -eq 2 ]; echo $?) \
    "W6 and lab $next's first check builds none (exit $RC)"

# W7-W8: STACKLAB_PREBUILD=0 starts nothing.
rm -rf "$T/cache/stacklab"
STACKLAB_PREBUILD=0 grader_ws || { echo "Bail out! stacklab init failed"; exit 1; }
grep -q "background" "$T/init.out"
t_ok $([ $? -ne 0 ]; echo $?) "W7 STACKLAB_PREBUILD=0: init says nothing of a background build"
sleep 1
t_ok $([ "$(checkers)" -eq 0 ]; echo $?) "W8 and none runs ($(checkers) checkers after 1 s)"
t_done
