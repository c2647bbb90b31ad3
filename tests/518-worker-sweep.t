#!/bin/sh
# What killed programs leave behind is swept up. A worker killed mid-job leaves its job
# folder ($TMPDIR/stacklab-job.PID.*); the next worker to start removes the folders whose
# PID no process has, and leaves a living process's folder and anything else alone. An
# update of the class course stopped mid-way leaves course.new.* (or course.old.*); the
# next fetch removes those unchanged for 10 minutes, not a younger one.
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

serve_start --workers 0 || { t_diag "$T/serve.log"; echo "Bail out! serve did not start"; exit 1; }
CODE=$("$SL" class create "Sweep" --db "$DB_URL" 2> /dev/null)
"$SL" login "$URL" "$CODE" --name ann > "$T/out" 2> "$T/err"
t_ok $? "ann logs in (the course is fetched)"
CDIR="${XDG_DATA_HOME:-$HOME/.local/share}/stacklab/class/127.0.0.1_$PORT"
mkdir -p "$CDIR/course.new.Stale1/lessons" "$CDIR/course.old.Stale2" "$CDIR/course.new.Young1"
touch -d '1 hour ago' "$CDIR/course.new.Stale1" "$CDIR/course.old.Stale2"
"$SL" update > "$T/out" 2> "$T/err"
t_ok $([ -d "$CDIR/course" ] && [ ! -e "$CDIR/course.new.Stale1" ] && [ ! -e "$CDIR/course.old.Stale2" ] \
    && [ -d "$CDIR/course.new.Young1" ] && [ "$(ls "$CDIR" | wc -l)" = 2 ]; echo $?) \
    "the next fetch removes an interrupted update's stale folders, not a young one"
[ "$G_FAILS" -gt 0 ] && { ls -la "$CDIR"; t_diag "$T/err"; t_diag "$T/out"; }
serve_stop
t_done
