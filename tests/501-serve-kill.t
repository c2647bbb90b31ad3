#!/bin/sh
# The class server loses nothing and grades nothing twice: 20 simulated learners (curl in
# background shell jobs) submit 60 toy submissions at once to `serve --workers 2` with a
# 3 s lease; a worker is killed with SIGKILL while it holds a job, then the server itself;
# serve is started again on the same port. Every submission ends graded exactly once:
# 60 results for 60 done jobs, one result per submission, the killed worker's job claimed
# again after its lease and finished by another claim, each learner reads back 3 passes.
. "$(dirname "$0")/lib-grader.sh"
. "$(dirname "$0")/lib-serve.sh"
serve_setup
export STACKLAB_LEASE=3
LEARNERS=20
EACH=3
TOTAL=$((LEARNERS * EACH))
q() { dbq "$1"; }

CODE=$("$SL" class create "kill test" --db "$DB_URL" 2> /dev/null)
serve_start --workers 2 || { t_diag "$T/serve.log"; echo "Bail out! serve did not start"; exit 1; }
n=1
while [ $n -le $LEARNERS ]; do
    enrol "learner$n" > "$T/tok.$n" || break
    n=$((n + 1))
done
t_ok $([ $n -gt $LEARNERS ]; echo $?) "$LEARNERS learners enrol"
toy_archive "$T/good.tgz"

# Each learner submits EACH times in a row; all learners at once.
pids=
n=1
while [ $n -le $LEARNERS ]; do
    (
        tok=$(cat "$T/tok.$n")
        k=1
        while [ $k -le $EACH ]; do
            st=$(curl -s -o "$T/sub.$n.$k" -w '%{http_code}' -X POST \
                 -H "Authorization: Bearer $tok" --data-binary "@$T/good.tgz" \
                 "$URL/api/v1/submissions?lab=90")
            echo "$st" > "$T/st.$n.$k"
            k=$((k + 1))
        done
    ) &
    pids="$pids $!"
    n=$((n + 1))
done
wait $pids
accepted=$(cat "$T"/st.* | grep -c '^202$')
t_ok $([ "$accepted" -eq $TOTAL ]; echo $?) "all $TOTAL submissions are accepted at once ($accepted)"

# SIGKILL a worker while it holds a job: the job whose worker column names its pid.
victim= job=
i=0
while [ $i -lt 600 ] && [ -z "$job" ]; do
    for w in $(ps -o pid= --ppid "$SERVE_PID"); do
        job=$(q "SELECT submission_id FROM jobs WHERE state = 'running' AND worker LIKE '%:$w'")
        if [ -n "$job" ]; then victim=$w; kill -KILL "$w"; break; fi
    done
    [ -z "$job" ] && sleep 0.1
    i=$((i + 1))
done
t_ok $([ -n "$victim" ]; echo $?) "a worker ($victim) is killed with SIGKILL while it grades submission $job"
done_before=$(q "SELECT count(*) FROM results")

# Then the server, once the worker was replaced and a few more were graded.
i=0
while [ $i -lt 600 ] && { ! grep -q "worker $victim was killed by signal 9; starting another" "$T/serve.log" \
        || [ "$(q "SELECT count(*) FROM results")" -lt $((done_before + 2)) ]; }; do
    sleep 0.1
    i=$((i + 1))
done
t_ok $(grep -q "worker $victim was killed by signal 9; starting another" "$T/serve.log"; echo $?) \
    "serve starts another worker in its place"
old_workers=$(ps -o pid= --ppid "$SERVE_PID")
kill -KILL "$SERVE_PID"
wait "$SERVE_PID" 2>/dev/null
SERVE_PID=
mid=$(q "SELECT count(*) FROM results")
t_ok $([ "$mid" -lt $TOTAL ]; echo $?) "serve is killed with SIGKILL mid-run ($mid of $TOTAL graded)"
st=$(curl -s -o /dev/null -w '%{http_code}' "$URL/api/v1/health")
t_ok $([ "$st" = 000 ]; echo $?) "nothing answers on its port meanwhile"
# Its workers get SIGTERM from the kernel when it dies: they finish the job in hand and end.
i=0
alive=1
while [ $i -lt 300 ] && [ "$alive" -eq 1 ]; do
    alive=0
    for w in $old_workers; do
        ps -o stat= -p "$w" 2>/dev/null | grep -qv Z && alive=1
    done
    [ "$alive" -eq 1 ] && sleep 0.1
    i=$((i + 1))
done
t_ok $([ "$alive" -eq 0 ]; echo $?) "the dead server's workers end by themselves"

serve_again --workers 2
t_ok 0 "serve starts again on the same port ($PORT)"
i=0
while [ $i -lt 1800 ] && [ "$(q "SELECT count(*) FROM jobs WHERE state != 'done'")" != 0 ]; do
    sleep 0.2
    i=$((i + 1))
done

t_ok $([ "$(q "SELECT count(*) FROM submissions")" -eq $TOTAL ] \
    && [ "$(q "SELECT count(*) FROM jobs WHERE state = 'done'")" -eq $TOTAL ]; echo $?) \
    "$TOTAL submissions, $TOTAL jobs done: none lost"
t_ok $([ "$(q "SELECT count(*) FROM results")" -eq $TOTAL ] \
    && [ "$(q "SELECT count(DISTINCT submission_id) FROM results")" -eq $TOTAL ] \
    && [ "$(q "SELECT count(*) FROM submissions s LEFT JOIN results r ON r.submission_id = s.id WHERE r.submission_id IS NULL")" -eq 0 ]; echo $?) \
    "$TOTAL results, one for each submission: none graded twice"
t_ok $([ "$(q "SELECT count(*) FROM results WHERE verdict = 'pass' AND passed = 3 AND total = 3")" -eq $TOTAL ]; echo $?) \
    "every result is a pass of the toy lab's 3 tests"
[ "$G_FAILS" -gt 0 ] && q "SELECT submission_id, verdict, substr(report, 1, 300) FROM results WHERE verdict != 'pass' LIMIT 3" | sed 's/^/# /'
att=$(q "SELECT attempts FROM jobs WHERE submission_id = $job")
t_ok $([ -n "$att" ] && [ "$att" -ge 2 ] && [ "$(q "SELECT claim FROM jobs WHERE submission_id = $job")" -ge 2 ]; echo $?) \
    "the killed worker's job was claimed again after its lease ($att claims) and graded once"

# Each learner reads back its own submissions.
ok=0
n=1
while [ $n -le $LEARNERS ]; do
    tok=$(cat "$T/tok.$n")
    for k in $(seq 1 $EACH); do
        id=$(json_num id "$T/sub.$n.$k")
        api GET "/api/v1/submissions/$id" -H "Authorization: Bearer $tok" > "$T/code"
        [ "$(cat "$T/code")" = 200 ] && [ "$(json_str state)" = done ] \
            && grep -q '"result":{[^}]*"verdict":"pass"' "$T/body" && ok=$((ok + 1))
    done
    n=$((n + 1))
done
t_ok $([ "$ok" -eq $TOTAL ]; echo $?) "every learner reads its 3 results back ($ok of $TOTAL)"
serve_stop
t_ok $([ "$SERVE_RC" -eq 0 ]; echo $?) "serve stops cleanly at the end (exit $SERVE_RC)"
t_ok $(! grep -q "Sanitizer\|runtime error" "$T/serve.log" && ! grep -q "exited (" "$T/serve.log"; echo $?) \
    "no sanitizer report and no worker that failed in serve's log"
[ "$G_FAILS" -gt 0 ] && t_diag "$T/serve.log" 80
t_done
