#!/bin/sh
# 303-build-sweep.t -- build folders left in the cache by a killed run
# ($XDG_CACHE_HOME/stacklab/build-*) are removed at the start of the next check when no
# other run is alive (as root too, where the box's uid owns them), a link inside one is
# removed, never followed, and a folder of a run still alive (holding cache/in-use) is
# kept.
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
t_done
