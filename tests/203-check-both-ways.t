#!/bin/sh
# Every lab proven both ways THROUGH `stacklab check` in a temp workspace: the reference
# passes every checker (one check of each track's last lab re-runs all its labs);
# starter(N) passes the labs before N of its track and fails each test of lab N.
# This file proves the first track (by its order); 216 sources it with BOTH_TRACKS=rest
# for the others, so that prove -j2 runs the two halves side by side.
. "$(dirname "$0")/lib-grader.sh"
grader_setup
# Seeds the runner picks: each reference pass is recorded and unlocks the next lab, and
# every run of this test draws new inputs (the report prints each seed).
unset STACKLAB_SEED
labs=$(grader_labs)
# track_of N: the track (folder under labs/) of lab N; a check re-runs its own track only.
track_of() { basename "$(dirname "$(grader_lab_dir "$1")")"; }
first=$(for f in "$STACKLAB_COURSE"/labs/*/track.md; do
    echo "$(sed -n 's/^order: *//p' "$f" | head -n 1) $(basename "$(dirname "$f")")"
done | sort -n | head -n 1 | cut -d' ' -f2)
if [ -n "${STACKLAB_ONLY_LABS:-}" ]; then
    # Labs named by hand: 203 proves them whatever their track, 216 nothing.
    [ "${BOTH_TRACKS:-first}" = first ] || labs=
elif [ "${BOTH_TRACKS:-first}" = first ]; then
    labs=$(for n in $labs; do [ "$(track_of "$n")" = "$first" ] && echo "$n"; done)
else
    labs=$(for n in $labs; do [ "$(track_of "$n")" != "$first" ] && echo "$n"; done)
fi
# STACKLAB_ONLY_LABS="13 14": prove just those (while a lab is being written).
if [ -n "${STACKLAB_ONLY_LABS:-}" ]; then
    labs=$(for n in $labs; do case " $STACKLAB_ONLY_LABS " in *" $n "*) echo "$n" ;; esac; done)
fi
# The second pass of make test (stacklab itself under ASan and UBSan) runs the runner's
# grading paths on the first three labs of the first track only: every lab is proven
# both ways by the first pass.
if [ "${STACKLAB_SANITIZED:-}" = 1 ]; then
    [ "${BOTH_TRACKS:-first}" = first ] || labs=
    labs=$(printf '%s\n' $labs | head -n 3)
fi
if [ -z "$labs" ]; then
    echo "1..0 # SKIP no complete lab in the course"
    exit 0
fi
grader_ws || { echo "Bail out! stacklab init failed"; exit 1; }
# Every lab unlocked up front (a recorded pass of each): this test proves the checkers, not
# the unlocking (206, 213, 303 do), and a lab can then be proven alone.
grader_unlock_all
for n in $labs; do
    grader_put "$n" || { echo "Bail out! starter-tool failed"; exit 1; }
    grader_check "$n"
    t_ok $([ "$RC" -eq 1 ]; echo $?) "starter($n): check $n exits 1 (got $RC)"
    tn=$(track_of "$n")
    for m in $labs; do
        [ "$m" -gt "$n" ] && break
        [ "$(track_of "$m")" = "$tn" ] || continue
        set -- $(grader_counts "$m")
        if [ "$m" -lt "$n" ]; then
            t_ok $([ "$1" -gt 0 ] && [ "$2" -eq 0 ]; echo $?) \
                "starter($n) passes every test of lab $m ($1 ok, $2 not ok)"
        else
            t_ok $([ "$1" -eq 0 ] && [ "$2" -gt 0 ]; echo $?) \
                "starter($n) fails every test of lab $m ($1 ok, $2 not ok)"
        fi
    done
    [ "$G_FAILS" -gt 0 ] && t_diag "$T/out" 40
done
# The reference, once per track: the check of the track's last lab re-runs every earlier
# lab of the track, each with its own subject and checker.
grader_put 0
for t in $(for n in $labs; do track_of "$n"; done | uniq); do
    last=$(for n in $labs; do [ "$(track_of "$n")" = "$t" ] && echo "$n"; done | tail -n 1)
    grader_check "$last"
    t_ok $([ "$RC" -eq 0 ]; echo $?) "reference: check $last exits 0 (got $RC)"
    for m in $labs; do
        [ "$(track_of "$m")" = "$t" ] || continue
        set -- $(grader_counts "$m")
        t_ok $([ "$1" -gt 0 ] && [ "$2" -eq 0 ]; echo $?) \
            "reference passes every test of lab $m in check $last ($1 ok, $2 not ok)"
    done
    grep -q "^PASS lab $last" "$T/out"
    t_ok $? "reference: summary says PASS lab $last"
    [ "$RC" -ne 0 ] && t_diag "$T/out" 60
done
t_done
