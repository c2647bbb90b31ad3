#!/bin/sh
# Grading machines that pull jobs over HTTP (docs/server.md, "Grading machines"): serve
# runs no worker of its own (--workers 0) and `stacklab worker --server URL` in other
# processes, holding a worker token and no database, grades the toy lab's submissions.
# The three endpoints by hand with curl: a learner's, an instructor's or a wrong token is
# 401 there and a worker's token is 401 on the learner's endpoints; malformed claims,
# heartbeats and results are 400 naming the field and store nothing; a result for a claim
# that was lost is {"stored":false} and stores nothing; a result over 1 MiB is taken from
# a grading machine only (and the link alone, tests/unit/worker-http.c, against a canned
# server's hostile answers). A remote worker killed with SIGKILL mid-job loses nothing: its
# job is claimed again after its lease and graded once, while heartbeats over HTTP keep a
# grading longer than the lease from being claimed twice. The worker's own refusals:
# a token file others may read, no token, a bad token, plain http:// to another host.
. "$(dirname "$0")/lib-grader.sh"
. "$(dirname "$0")/lib-serve.sh"
serve_setup
export STACKLAB_LEASE=3
q() { dbq "$1"; }
WPIDS=
trap 'for p in $WPIDS; do kill -KILL "$p" 2>/dev/null; done; serve_kill; pg_stop 2>/dev/null; rm -rf "$T"' EXIT

# The link alone against a canned server: what it sends, hostile answers.
"$STACKLAB_BUILD/tests/worker-http" > "$T/unit.out" 2>&1
rc=$?
nok=$(grep -c "^ok " "$T/unit.out")
t_ok $([ $rc -eq 0 ] && ! grep -q "^not ok " "$T/unit.out" && [ "$nok" -ge 50 ]; echo $?) \
    "the HTTP link in one process: $nok tests pass (tests/unit/worker-http.c: fields sent, hostile answers named, 401 fatal, 5xx waited out)"
[ $rc -ne 0 ] && t_diag "$T/unit.out" 80

CODE=$("$SL" class create "remote" --db "$DB_URL" 2> /dev/null)
WTOK=$("$SL" class worker grader1 --db "$DB_URL" 2> /dev/null)
ITOK=$("$SL" class instructor prof --db "$DB_URL" 2> /dev/null)
t_ok $(echo "$WTOK" | grep -qx '[0-9a-f]\{64\}' && [ "$WTOK" != "$ITOK" ]; echo $?) \
    "class worker NAME prints a grading machine's token"
serve_start --workers 0 || { t_diag "$T/serve.log"; echo "Bail out! serve did not start"; exit 1; }
ANN=$(enrol ann) && BOB=$(enrol bob)
t_ok $? "two learners enrol"
toy_archive "$T/good.tgz"
toy_archive "$T/bad.tgz" "return a - b;"

# wapi ENDPOINT TOKEN CURL-ARGS...: a POST to a worker endpoint; prints the status.
wapi() {
    _we=$1 _wt=$2
    shift 2
    api POST "/api/v1/worker/$_we" -H "Authorization: Bearer $_wt" \
        -H "Content-Type: application/json" "$@"
}

# ---- tokens ---------------------------------------------------------------------------------
st=$(api POST /api/v1/worker/claim -d '{"worker":"w"}')
t_ok $([ "$st" = 401 ] && grep -qi '^WWW-Authenticate: Bearer' "$T/headers" \
    && grep -q '"error":"Authorization: missing' "$T/body"; echo $?) "claim without a token is 401 ($st)"
for who in ANN ITOK; do
    eval tok=\$$who
    for e in claim heartbeat complete; do
        st=$(wapi $e "$tok" -d '{"worker":"w","id":1,"claim":1}')
        [ "$st" = 401 ] || { echo "# $who on $e: $st"; break 2; }
    done
done
t_ok $([ "$st" = 401 ] && grep -q "not a grading machine's token" "$T/body"; echo $?) \
    "a learner's and an instructor's token are 401 on claim, heartbeat and complete ($st)"
st=$(wapi claim "$(echo "$WTOK" | tr 0-9a-f a-f0-9)" -d '{"worker":"w"}')
t_ok $([ "$st" = 401 ]; echo $?) "a wrong worker token is 401 ($st)"
st=$(submit "$WTOK" "$T/good.tgz")
st2=$(api GET /api/v1/submissions/1 -H "Authorization: Bearer $WTOK")
t_ok $([ "$st" = 401 ] && [ "$st2" = 401 ]; echo $?) \
    "the worker token is 401 on the learner's endpoints: submit ($st), read a submission ($st2)"
t_ok $([ "$(q "SELECT count(*) FROM submissions")" = 0 ]; echo $?) "nothing was submitted with it"

# ---- the protocol by hand ----------------------------------------------------------------------
st=$(wapi claim "$WTOK" -d '{"worker":"hand:1"}')
t_ok $([ "$st" = 204 ] && [ ! -s "$T/body" ]; echo $?) "claim with the queue empty: 204, no body ($st)"
st=$(submit "$ANN" "$T/good.tgz")
ID1=$(json_num id)
st=$(wapi claim "$WTOK" -d '{"worker":"hand:1"}')
cp "$T/body" "$T/claim1"
C1=$(json_num claim)
json_str archive "$T/claim1" | base64 -d > "$T/got.tgz" 2>/dev/null
t_ok $([ "$st" = 200 ] && [ "$(json_num id)" = "$ID1" ] && [ "$C1" = 1 ] \
    && [ "$(json_num attempts)" = 1 ] && [ "$(json_str lab)" = 90 ] && [ "$(json_num lease)" = 3 ] \
    && cmp -s "$T/got.tgz" "$T/good.tgz"; echo $?) \
    "claim: 200 with id, claim 1, attempts 1, lab 90, the server's lease (3) and the archive in base64, byte for byte ($st)"
t_ok $([ "$(q "SELECT state, worker FROM jobs WHERE submission_id = $ID1")" = "running|grader1/hand:1" ]; echo $?) \
    "the job is running under the machine's name and the worker's ($(q "SELECT worker FROM jobs WHERE submission_id = $ID1"))"
st=$(wapi claim "$WTOK" -d '{"worker":"hand:2"}')
t_ok $([ "$st" = 204 ]; echo $?) "a second claim finds no other job ($st)"
st=$(wapi heartbeat "$WTOK" -d "{\"id\":$ID1,\"claim\":$C1}")
t_ok $([ "$st" = 200 ] && grep -q '"ok":true' "$T/body"; echo $?) "heartbeat of the claim: {\"ok\":true} ($st)"
st=$(wapi heartbeat "$WTOK" -d "{\"id\":$ID1,\"claim\":7}")
t_ok $([ "$st" = 200 ] && grep -q '"ok":false' "$T/body"; echo $?) "heartbeat of another claim: {\"ok\":false} ($st)"

# bad ENDPOINT BODY WORDS: 400 whose error holds WORDS.
bad() {
    _bs=$(wapi "$1" "$WTOK" -d "$2")
    if [ "$_bs" = 400 ] && grep -qF "\"error\":\"$3" "$T/body"; then echo 0; else
        echo "# $1 $2 -> $_bs $(cat "$T/body")" >&2; echo 1; fi
}
R='"{\"verdict\":\"pass\"}"'
OK="\"id\":$ID1,\"claim\":$C1"
fails=0
for case in \
    "claim|{\"worker\":\"\"}|worker: " \
    "claim|{}|worker: missing" \
    "claim|{\"worker\":\"a\\u001b[2J\"}|worker: " \
    "claim|[1]|the body is not a JSON object" \
    "heartbeat|{\"claim\":1}|id: missing" \
    "heartbeat|{\"id\":\"1\",\"claim\":1}|id: not a whole number" \
    "heartbeat|{\"id\":$ID1,\"claim\":0}|claim: not a whole number" \
    "complete|{\"id\":$ID1|the body is not a JSON object" \
    "complete|{\"id\":1.5,\"claim\":1}|id: not a whole number" \
    "complete|{\"id\":$ID1,\"claim\":-1}|claim: " \
    "complete|{$OK}|verdict: missing" \
    "complete|{$OK,\"verdict\":\"great\"}|verdict: not a verdict" \
    "complete|{$OK,\"verdict\":\"pass\",\"failed\":0,\"total\":3}|passed: missing" \
    "complete|{$OK,\"verdict\":\"pass\",\"passed\":2.5,\"failed\":0,\"total\":3}|passed: not a whole number" \
    "complete|{$OK,\"verdict\":\"pass\",\"passed\":3,\"failed\":-1,\"total\":3}|failed: " \
    "complete|{$OK,\"verdict\":\"pass\",\"passed\":3,\"failed\":0,\"total\":\"3\"}|total: " \
    "complete|{$OK,\"verdict\":\"pass\",\"passed\":3,\"failed\":0,\"total\":3,\"duration\":null}|duration: " \
    "complete|{$OK,\"verdict\":\"pass\",\"passed\":3,\"failed\":0,\"total\":3,\"duration\":0.1}|report: missing" \
    "complete|{$OK,\"verdict\":\"pass\",\"passed\":3,\"failed\":0,\"total\":3,\"duration\":0.1,\"report\":{}}|report: not a string" \
    "complete|{$OK,\"verdict\":\"pass\",\"passed\":3,\"failed\":0,\"total\":3,\"duration\":0.1,\"report\":\"{oops\"}|report: not a JSON object" \
    "complete|{$OK,\"verdict\":\"pass\",\"passed\":3,\"failed\":0,\"total\":3,\"duration\":0.1,\"report\":\"[1]\"}|report: not a JSON object"
do
    e=${case%%|*}
    rest=${case#*|}
    body=${rest%|*}
    words=${rest##*|}
    fails=$((fails + $(bad "$e" "$body" "$words")))
done
t_ok $fails "21 malformed claims, heartbeats and results are 400 naming the field ($fails wrong)"

# A result's report may be up to 8 MiB: a body over 1 MiB only from a grading machine.
printf '{%s,"verdict":"pass","passed":3,"failed":0,"total":3,"duration":0.1,"report":"{\\"x\\":\\"' "$OK" > "$T/big.json"
head -c 8400000 /dev/zero | tr '\0' 'a' >> "$T/big.json"
printf '\\"}"}' >> "$T/big.json"
st=$(wapi complete "$WTOK" --data-binary "@$T/big.json")
t_ok $([ "$st" = 400 ] && grep -q '"error":"report: longer than the 8 MiB' "$T/body"; echo $?) \
    "a report over 8 MiB is 400 naming it ($st)"
st=$(wapi complete "$ANN" --data-binary "@$T/big.json")
t_ok $([ "$st" = 413 ]; echo $?) "the same body with a learner's token is 413: 1 MiB for anyone else ($st)"
head -c 18000000 /dev/zero | tr '\0' 'a' > "$T/huge.json"
st=$(wapi complete "$WTOK" --data-binary "@$T/huge.json")
t_ok $([ "$st" = 413 ]; echo $?) "a body over 17 MiB is 413 even from a grading machine ($st)"
t_ok $([ "$(q "SELECT count(*) FROM results")" = 0 ] \
    && [ "$(q "SELECT state FROM jobs WHERE submission_id = $ID1")" = running ]; echo $?) \
    "none of them stored a result: the job is still running"

# The lease ends (no heartbeat): another claim takes the job, and not before the lease's
# last second has passed (claims polled until then: 204, up to 30 s); the first claim's
# result is refused, the second's stored once.
L1=$(q "SELECT lease_until FROM jobs WHERE submission_id = $ID1")
end=$(($(date +%s) + 30))
while st=$(wapi claim "$WTOK" -d '{"worker":"hand:2"}'); at=$(date +%s); \
      [ "$st" = 204 ] && [ "$at" -lt "$end" ]; do
    sleep 0.2
done
C2=$(json_num claim)
t_ok $([ "$st" = 200 ] && [ "$(json_num id)" = "$ID1" ] && [ "$C2" = 2 ] && [ "$(json_num attempts)" = 2 ] \
    && [ -n "$L1" ] && [ "$at" -gt "$L1" ]; echo $?) \
    "after its lease the job is claimed again: claim 2, attempts 2, after the lease's end ($st at $at, lease until $L1)"
RES='"verdict":"pass","passed":3,"failed":0,"total":3,"duration":0.25,"report":"{\"verdict\":\"pass\"}"'
st=$(wapi complete "$WTOK" -d "{\"id\":$ID1,\"claim\":$C1,$RES}")
t_ok $([ "$st" = 200 ] && grep -q '"stored":false' "$T/body" \
    && [ "$(q "SELECT count(*) FROM results")" = 0 ]; echo $?) \
    "a result for the lost claim 1: {\"stored\":false}, nothing stored ($st)"
st=$(wapi complete "$WTOK" -d "{\"id\":$ID1,\"claim\":$C2,$RES}")
t_ok $([ "$st" = 200 ] && grep -q '"stored":true' "$T/body" \
    && [ "$(q "SELECT verdict, passed, total, duration FROM results WHERE submission_id = $ID1")" = "pass|3|3|0.25" ]; echo $?) \
    "the result of claim 2: {\"stored\":true}, stored as sent ($st)"
st=$(wapi complete "$WTOK" -d "{\"id\":$ID1,\"claim\":$C2,$RES}")
t_ok $([ "$st" = 200 ] && grep -q '"stored":false' "$T/body" \
    && [ "$(q "SELECT count(*) FROM results")" = 1 ]; echo $?) "sent again: {\"stored\":false}, still one result ($st)"

# ---- the worker's refusals --------------------------------------------------------------------
w() { env -u STACKLAB_WORKER_TOKEN "$SL" worker --course "$STACKLAB_COURSE" "$@" > "$T/w.out" 2>&1; }
printf '%s\n' "$WTOK" > "$T/wtok"
chmod 644 "$T/wtok"
w --server "$URL" --token-file "$T/wtok" --once
t_ok $([ $? -eq 2 ] && grep -q "chmod 600" "$T/w.out"; echo $?) "a token file others may read is refused"
w --server "$URL" --once
t_ok $([ $? -eq 2 ] && grep -q "STACKLAB_WORKER_TOKEN" "$T/w.out"; echo $?) "no token: exit 2 saying where it goes"
STACKLAB_WORKER_TOKEN='a b' "$SL" worker --course "$STACKLAB_COURSE" --server "$URL" --once > "$T/w.out" 2>&1
t_ok $([ $? -eq 2 ] && grep -q "malformed" "$T/w.out"; echo $?) "a malformed token: exit 2"
w --server "http://class.example.org" --token-file "$T/wtok" --once
t_ok $([ $? -eq 2 ] && grep -q "plain http://" "$T/w.out"; echo $?) \
    "plain http:// to another host is refused before the token is read"
w --server "$URL" --db "$DB_URL" --once
t_ok $([ $? -eq 2 ] && grep -q "not both" "$T/w.out"; echo $?) "--server and --db together are refused"
chmod 600 "$T/wtok"
STACKLAB_WORKER_TOKEN=$(echo "$WTOK" | tr 0-9a-f a-f0-9) "$SL" worker --course "$STACKLAB_COURSE" \
    --server "$URL" --once > "$T/w.out" 2>&1
t_ok $([ $? -eq 3 ] && grep -q "refused this machine's worker token" "$T/w.out"; echo $?) \
    "a token the server does not know: exit 3, the server refused it"
w --server "$URL" --token-file "$T/wtok" --once
t_ok $([ $? -eq 1 ]; echo $?) "--token-file with mode 0600 is read: --once finds no job (exit 1)"

# ---- remote workers grade -------------------------------------------------------------------------
# start_worker NAME: a remote worker in the background, its log in $T/NAME.log; $WPID.
start_worker() {
    STACKLAB_WORKER_TOKEN=$WTOK "$SL" worker --course "$STACKLAB_COURSE" --server "$URL" \
        >> "$T/$1.log" 2>&1 &
    WPID=$!
    WPIDS="$WPIDS $WPID"
}
start_worker w1
W1=$WPID
submit "$ANN" "$T/good.tgz" > /dev/null
A1=$(json_num id)
submit "$BOB" "$T/good.tgz" > /dev/null
B1=$(json_num id)
submit "$ANN" "$T/good.tgz" > /dev/null
A2=$(json_num id)
submit "$BOB" "$T/bad.tgz" > /dev/null
BADID=$(json_num id)
# Each submission polled with its own learner's token (another's is a 404).
wait_done "$BOB" "$BADID" 120
wait_done "$ANN" "$A1" 60
wait_done "$BOB" "$B1" 60
wait_done "$ANN" "$A2" 60
t_ok $([ "$(q "SELECT count(*) FROM results WHERE verdict = 'pass' AND passed = 3 AND total = 3")" = 4 ] \
    && [ "$(q "SELECT verdict, failed FROM results WHERE submission_id = $BADID")" = "fail|3" ]; echo $?) \
    "a remote worker grades 3 good submissions pass 3/3 and a wrong toy_add fail 3"
t_ok $([ "$(q "SELECT count(*) FROM jobs WHERE worker LIKE 'grader1/%:$W1'")" = 4 ]; echo $?) \
    "the jobs name the grading machine and the worker's pid"
api GET "/api/v1/submissions/$BADID" -H "Authorization: Bearer $BOB" > /dev/null
t_ok $(grep -q '"result":{' "$T/body" && grep -q '"seed_chosen":false' "$T/body" \
    && grep -q '"target":"90"' "$T/body"; echo $?) "the learner reads the remote grading's report back as a runjson object"
kill -TERM "$W1"
wait "$W1"
t_ok $([ $? -eq 0 ]; echo $?) "SIGTERM stops the remote worker cleanly"

# ---- SIGKILL mid-job; heartbeats over HTTP ---------------------------------------------------------
# toy_add sleeps a second a call: the three calls take longer than the 3 s lease.
rm -rf "$T/slow" && mkdir -p "$T/slow/toy"
cp "$STACKLAB_COURSE/labs/toy/ref/toy.h" "$T/slow/toy/"
cat > "$T/slow/toy/toy.c" <<'C'
#include <time.h>
#include "toy.h"
int toy_add(int a, int b) { struct timespec t = { 1, 200000000 }; nanosleep(&t, 0); return a + b; }
int toy_mul(int a, int b) { return a * b; }
C
(cd "$T/slow" && tar czf "$T/slow.tgz" toy)
submit "$ANN" "$T/slow.tgz" > /dev/null
SLOW=$(json_num id)
start_worker w2
W2=$WPID
i=0
while [ $i -lt 300 ] && [ "$(q "SELECT state FROM jobs WHERE submission_id = $SLOW")" != running ]; do
    sleep 0.1
    i=$((i + 1))
done
sleep 0.5
kill -KILL "$W2"
wait "$W2" 2>/dev/null
t_ok $([ "$(q "SELECT state, attempts FROM jobs WHERE submission_id = $SLOW")" = "running|1" ] \
    && [ "$(q "SELECT count(*) FROM jobs WHERE submission_id = $SLOW AND worker LIKE '%:$W2'")" = 1 ]; echo $?) \
    "a remote worker is killed with SIGKILL while it grades submission $SLOW"
start_worker w3
W3=$WPID
start_worker w4
wait_done "$ANN" "$SLOW" 120
t_ok $? "the killed worker's job is graded by another remote worker"
t_ok $([ "$(q "SELECT count(*) FROM results WHERE submission_id = $SLOW")" = 1 ] \
    && [ "$(q "SELECT verdict, passed FROM results WHERE submission_id = $SLOW")" = "pass|3" ] \
    && [ "$(q "SELECT attempts, claim FROM jobs WHERE submission_id = $SLOW")" = "2|2" ]; echo $?) \
    "graded once: claimed again after its lease (2 claims) and passed, one result ($(q "SELECT attempts, claim FROM jobs WHERE submission_id = $SLOW"))"
d=$(q "SELECT duration FROM results WHERE submission_id = $SLOW" | awk '{ printf "%.1f", $1 }')
t_ok $(awk -v d="$d" 'BEGIN { exit !(d > 3) }'; echo $?) \
    "its grading ran $d s, longer than the 3 s lease, yet with two workers polling it was claimed only twice: the heartbeats renewed the lease"
W4=$WPID
kill -TERM "$W4"
wait "$W4" || echo "# worker $W4 exit $?"

# ---- the server goes away and comes back -----------------------------------------------------------
serve_stop
t_ok $([ "$SERVE_RC" -eq 0 ]; echo $?) "serve stops cleanly (exit $SERVE_RC)"
STACKLAB_WORKER_TOKEN=$WTOK "$SL" worker --course "$STACKLAB_COURSE" --server "$URL" --once > "$T/w.out" 2>&1
t_ok $([ $? -eq 3 ] && grep -q "cannot reach" "$T/w.out"; echo $?) "--once with no server answering: exit 3, cannot reach it"
i=0
while [ $i -lt 300 ] && ! grep -q "trying again in" "$T/w3.log"; do sleep 0.1; i=$((i + 1)); done
t_ok $(kill -0 "$W3" 2>/dev/null && grep -q "trying again in" "$T/w3.log"; echo $?) \
    "a running remote worker waits the server out, saying so"
serve_again --workers 0
submit "$BOB" "$T/good.tgz" > /dev/null
LAST=$(json_num id)
wait_done "$BOB" "$LAST" 60
t_ok $([ "$(q "SELECT verdict FROM results WHERE submission_id = $LAST")" = pass ] \
    && [ "$(q "SELECT count(*) FROM jobs WHERE submission_id = $LAST AND worker LIKE '%:$W3'")" = 1 ]; echo $?) \
    "serve restarts on the same port and the same worker grades the next submission"
kill -TERM "$W3"
wait "$W3"
t_ok $([ $? -eq 0 ]; echo $?) "it stops cleanly on SIGTERM"
WPIDS=
serve_stop
t_ok $(! cat "$T/serve.log" "$T"/w*.log | grep -q "Sanitizer\|runtime error"; echo $?) \
    "no sanitizer report in serve's log or the workers'"
[ "$G_FAILS" -gt 0 ] && { t_diag "$T/serve.log" 30; for f in "$T"/w*.log; do t_diag "$f" 20; done; }
t_done
