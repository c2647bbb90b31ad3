#!/bin/sh
# A worker killed mid-job leaves its job folder ($TMPDIR/stacklab-job.PID.*); the next
# worker to start removes the folders whose PID no process has, and leaves a living
# process's folder and anything else in $TMPDIR alone.
. "$(dirname "$0")/lib-grader.sh"
. "$(dirname "$0")/lib-serve.sh"
serve_setup
sh -c 'exit 0' &
DEAD=$!
wait $DEAD
mkdir -p "$TMPDIR/stacklab-job.$DEAD.AbCdEf/toy" "$TMPDIR/stacklab-job.$$.GhIjKl" \
    "$TMPDIR/stacklab-jobless" "$TMPDIR/stacklab-job.x.y"
echo 'int main(void) { return 0; }' > "$TMPDIR/stacklab-job.$DEAD.AbCdEf/toy/toy.c"
echo kept > "$TMPDIR/stacklab-job.$$.GhIjKl/file"
"$SL" worker --course "$STACKLAB_COURSE" --db "$DB_URL" --once > "$T/w.out" 2>&1
RC=$?
t_ok $([ "$RC" -eq 1 ] && [ ! -e "$TMPDIR/stacklab-job.$DEAD.AbCdEf" ]; echo $?) \
    "a worker starting removes the job folder of a dead worker (pid $DEAD) (exit $RC: no job)"
[ "$G_FAILS" -gt 0 ] && t_diag "$T/w.out"
t_ok $([ -f "$TMPDIR/stacklab-job.$$.GhIjKl/file" ] && [ -d "$TMPDIR/stacklab-jobless" ] \
    && [ -d "$TMPDIR/stacklab-job.x.y" ]; echo $?) \
    "a living process's job folder and other names stay"
t_done
