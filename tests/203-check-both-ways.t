#!/bin/sh
# Every lab proven both ways THROUGH `stacklab check` in a temp workspace: the reference
# passes every checker (one check of each track's last lab re-runs all its labs);
# starter(N) fails each test of lab N and passes the lab before N of its track (see
# below why that covers every earlier lab).
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
san_labs=
[ "${BOTH_TRACKS:-first}" = first ] && san_labs=$(printf '%s\n' $labs | head -n 3)
if [ "${STACKLAB_SANITIZED:-}" = 1 ]; then
    labs=$san_labs
fi
if [ -z "$labs" ]; then
    echo "1..0 # SKIP no complete lab in the course"
    exit 0
fi
grader_ws || { echo "Bail out! stacklab init failed"; exit 1; }
# Every lab unlocked up front (a recorded pass of each): this test proves the checkers, not
# the unlocking (206, 213, 303 do), and a lab can then be proven alone.
grader_unlock_all
all_labs=$(grader_labs)
# prev_of N: the lab before N in its track, or nothing for the track's first lab.
prev_of() {
    _p=
    for _m in $all_labs; do
        [ "$_m" -ge "$1" ] && break
        [ "$(track_of "$_m")" = "$(track_of "$1")" ] && _p=$_m
    done
    echo "$_p"
}
# starter(N) is checked on lab N alone (--only: every test must fail) and on the lab just
# before N (every test must pass). That earlier lab M meets its most stubbed code there
# (starter(M+1): every block of the labs after M is a stub), and the reference meets it
# with none; a stub that broke an earlier lab shows in one of the two. Re-running the
# whole chain for each N cost the square of the track's length.
# The objects of the states the sanitized pass checks again (starter(N) of those three
# labs, the reference) are kept for the run, so that pass compiles none of them (same
# sources, flags and compiler); the runner's build in the box still runs under the
# sanitizers in 204, 206, 207 and others, each with a workspace of its own. The other
# labs' objects stay in this test's folder: the shared one holds only those few states,
# well below the runner's pruning (it keeps 300 files once past 400).
# objects_for N: the object cache for starter(N) (0: the reference).
objects_for() {
    if [ -n "$san_labs" ] && { [ "$1" = 0 ] || printf '%s\n' $san_labs | grep -qx "$1"; }; then
        grader_objects shared learner-objs-203
    else
        grader_objects private
    fi
}
for n in $labs; do
    grader_put "$n" || { echo "Bail out! starter-tool failed"; exit 1; }
    objects_for "$n"
    grader_check "$n" --only
    t_ok $([ "$RC" -eq 1 ]; echo $?) "starter($n): check $n exits 1 (got $RC)"
    set -- $(grader_counts "$n")
    t_ok $([ "$1" -eq 0 ] && [ "$2" -gt 0 ]; echo $?) \
        "starter($n) fails every test of lab $n ($1 ok, $2 not ok)"
    [ "$G_FAILS" -gt 0 ] && t_diag "$T/out" 40
    m=$(prev_of "$n")
    if [ -n "$m" ]; then
        grader_check "$m" --only
        set -- $(grader_counts "$m")
        t_ok $([ "$RC" -eq 0 ] && [ "$1" -gt 0 ] && [ "$2" -eq 0 ]; echo $?) \
            "starter($n) passes every test of lab $m ($1 ok, $2 not ok)"
        [ "$RC" -ne 0 ] && t_diag "$T/out" 40
    fi
done
# The reference, once per track: the check of the track's last lab re-runs every earlier
# lab of the track, each with its own subject and checker.
grader_put 0
objects_for 0
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
