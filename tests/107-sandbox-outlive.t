#!/bin/sh
# 107-sandbox-outlive.t -- nothing of a run outlives the runner: `stacklab sandbox` is
# killed with SIGKILL while its box runs a double-forked daemon and a waiting program
# (alone, and beside a companion, as the grader runs a checker);
# within a deadline no process of the run may remain. Every mode: as the caller (root
# in CI), as nobody, and with user namespaces off (as nobody and as root).
SBX_MODE=asis
. "$(dirname "$0")/lib-sandbox.sh"
sbx_compile

# outlive_case AS FLAGS LABEL: one run killed under the runner's feet.
outlive_case() {
    as=$1 flags=$2 label=$3
    tag="outl$$x$SBX_N"
    (cd "$SBX_BOX" && exec $as "$SBX_BIN" sandbox --box "$SBX_BOX" $flags --wall 60 --idle 60 \
        -- sh -c "./daemon $tag; ./pause $tag" "$tag") >"$SBX_T/res" 2>&1 &
    runner=$!
    sbx_wait_tagged "[.]/pause $tag" 20
    sbx_ok $? "the box runs its daemon and program [$label]"
    kill -KILL "$runner" 2>/dev/null
    wait "$runner" 2>/dev/null
    sbx_gone "$tag" 10
    sbx_ok $? "after kill -9 of stacklab, no process of the run remains [$label]"
    sbx_kill_tagged "$tag"
    # The pair the grader runs: a checker (the companion) beside the subject.
    (cd "$SBX_BOX" && exec $as "$SBX_BIN" sandbox --box "$SBX_BOX" $flags --wall 60 --idle 60 \
        --companion "sleep 60; : c$tag" -- sh -c "./daemon $tag; ./pause $tag" "$tag") >"$SBX_T/res" 2>&1 &
    runner=$!
    sbx_wait_tagged "[.]/pause $tag" 20 && sbx_wait_tagged "c$tag" 5
    sbx_ok $? "the pair runs: subject, its daemon, the companion [$label]"
    kill -KILL "$runner" 2>/dev/null
    wait "$runner" 2>/dev/null
    sbx_gone "$tag" 10
    sbx_ok $? "after kill -9 of stacklab, nothing of the subject nor the companion remains [$label]"
    sbx_kill_tagged "$tag"
}

outlive_case "" "" "as caller"
outlive_case "" "--no-userns" "as caller, no userns"
if [ "$(id -u)" = 0 ]; then
    chown -R 65534:65534 "$SBX_BOX"
    nobody="setpriv --reuid 65534 --regid 65534 --clear-groups"
    outlive_case "$nobody" "" "as nobody"
    outlive_case "$nobody" "--no-userns" "as nobody, no userns"
else
    for i in 1 2 3 4 5 6 7 8; do sbx_skip "as nobody: needs root"; done
fi
sbx_done
