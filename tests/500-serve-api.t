#!/bin/sh
# The class server's API (docs/server.md) with curl against `stacklab serve` on a loopback
# port: a class and its code, two learners enrolled, a toy lab submitted as a tar.gz and
# graded by the server's worker (the result carries the lab's counts), and every refusal:
# a wrong or missing token (401), another learner's submission (404, the same answer as an
# id that does not exist), archives with ../x, /etc/x, a symlink, a fifo, too many
# entries, a file over the limit or a folder the lab does not build (400 naming the
# entry), a body over 1 MiB declared or streamed (413), the 11th submission in a minute
# (429), a full queue (503), a taken name (409); tokens are kept only as SHA-256; the 21st
# wrong enrolment code in a minute from one address (429, then the right code too), while
# another address enrols.
. "$(dirname "$0")/lib-grader.sh"
. "$(dirname "$0")/lib-serve.sh"
serve_setup

# ---- class -------------------------------------------------------------------------
"$SL" class create "CS 101" --db "$DB_URL" > "$T/code" 2> "$T/class.err"
RC=$?
CODE=$(cat "$T/code")
t_ok $([ "$RC" -eq 0 ] && echo "$CODE" | grep -qx '[23456789ABCDEFGHJKMNPQRSTUVWXYZ]\{10\}'; echo $?) \
    "class create prints a 10-character code of the unambiguous alphabet ($CODE)"
"$SL" class create "CS 101" --db "$DB_URL" > "$T/out" 2>&1
t_ok $([ $? -eq 2 ] && grep -q "a class named 'CS 101' exists already" "$T/out"; echo $?) \
    "a second class of the same name is refused"
"$SL" class create "CS 102" --db "mysql:$T/x" > "$T/out" 2>&1
t_ok $([ $? -eq 2 ] && grep -q -- "--db mysql:$T/x: unknown database" "$T/out"; echo $?) \
    "an unknown database scheme is refused naming --db"
echo "not a database" > "$T/junk.db"
"$SL" class create "CS 102" --db "sqlite:$T/junk.db" > "$T/out" 2>&1
t_ok $([ $? -eq 2 ] && grep -q "junk.db" "$T/out"; echo $?) "a file that is no database is refused"

# On PostgreSQL the unit test runs its database part on a database of its own.
unit_url=
if [ "${STACKLAB_TEST_DB:-sqlite}" = postgresql ]; then
    psql -X -q "$PG_URL" -c "CREATE DATABASE unit" > /dev/null 2>&1
    unit_url=$(echo "$PG_URL" | sed 's|/stacklab?|/unit?|')
fi
TMPDIR="$T" SERVEDB_TEST_URL="$unit_url" "$STACKLAB_BUILD/tests/servedb" > "$T/unit.out" 2>&1
rc=$?
nok=$(grep -c "^ok " "$T/unit.out")
nbad=$(grep -c "^not ok " "$T/unit.out")
t_ok $([ $rc -eq 0 ] && [ "$nbad" -eq 0 ] && [ "$nok" -ge 50 ]; echo $?) \
    "the database in one process: $nok tests pass (tests/unit/servedb.c: claims, leases, limits, staff, views, regrades)"
[ $rc -ne 0 ] && t_diag "$T/unit.out" 80

# ---- serve, health, enrol ------------------------------------------------------------
serve_start --workers 1 || { t_diag "$T/serve.log"; echo "Bail out! serve did not start"; exit 1; }
st=$(api GET /api/v1/health)
t_ok $([ "$st" = 200 ] && grep -q '"ok":true' "$T/body" && grep -qi '^Cache-Control: no-store' "$T/headers"; echo $?) \
    "health answers 200 {\"ok\":true} with Cache-Control: no-store"
st=$(api GET /api/v1/nothing)
t_ok $([ "$st" = 404 ] && grep -qi '^Cache-Control: no-store' "$T/headers"; echo $?) \
    "an unknown endpoint is 404, not cached either"
st=$(api GET /api/v1/enrol)
t_ok $([ "$st" = 405 ]; echo $?) "GET on the enrol endpoint is 405 ($st)"

ANN=$(enrol ann) && BOB=$(enrol bob)
t_ok $(echo "$ANN" | grep -qx '[0-9a-f]\{64\}' && echo "$BOB" | grep -qx '[0-9a-f]\{64\}' \
    && [ "$ANN" != "$BOB" ]; echo $?) "two learners enrol and get distinct 64-hex tokens"
t_ok $([ "$(json_str class)" = "CS 101" ] && [ "$(json_str name)" = bob ]; echo $?) \
    "the answer names the learner and the class"
st=$(api POST /api/v1/enrol -d "{\"code\":\"$CODE\",\"name\":\"ann\"}")
t_ok $([ "$st" = 409 ] && grep -q '"error":"name: ' "$T/body"; echo $?) \
    "the code is accepted once per name: ann again is 409 ($st)"
lower=$(echo "$CODE" | tr 'A-Z' 'a-z')
st=$(api POST /api/v1/enrol -d "{\"code\":\"$lower\",\"name\":\"cy\"}")
CY=$(json_str token)
t_ok $([ "$st" = 201 ]; echo $?) "a code typed in lowercase is the same code ($st)"
st=$(api POST /api/v1/enrol -d '{"code":"ZZZZZZZZZZ","name":"dee"}')
t_ok $([ "$st" = 403 ] && grep -q '"error":"code: ' "$T/body"; echo $?) "an unknown code is 403 ($st)"
st=$(api POST /api/v1/enrol -d '{"code":')
t_ok $([ "$st" = 400 ] && grep -q 'not a JSON object' "$T/body"; echo $?) "bad JSON is 400 ($st)"
st=$(api POST /api/v1/enrol -d "{\"code\":\"$CODE\"}")
t_ok $([ "$st" = 400 ] && grep -q '"error":"name: missing"' "$T/body"; echo $?) \
    "a missing name is 400 naming the field ($st)"
st=$(api POST /api/v1/enrol -d "{\"code\":\"$CODE\",\"name\":\"a\\u001b[2Jb\"}")
t_ok $([ "$st" = 400 ] && grep -q '"error":"name: ' "$T/body"; echo $?) \
    "a name with an escape character is 400 ($st)"

# ---- a submission, graded ------------------------------------------------------------
toy_archive "$T/good.tgz"
st=$(submit "$ANN" "$T/good.tgz")
ID=$(json_num id)
t_ok $([ "$st" = 202 ] && [ -n "$ID" ] && [ "$(json_str lab)" = 90 ] && [ -n "$(json_num position)" ]; echo $?) \
    "ann submits lab 90 as a tar.gz: 202 with an id, the lab and a position ($st)"
wait_done "$ANN" "$ID" 180
t_ok $? "the submission is graded (state done)"
sed 's/.*"result"://' "$T/body" > "$T/result"
t_ok $([ "$(json_str verdict "$T/result")" = pass ] && [ "$(json_num passed "$T/result")" = 3 ] \
    && [ "$(json_num total "$T/result")" = 3 ] && [ "$(json_str target "$T/result")" = 90 ]; echo $?) \
    "the result is the toy lab's: pass, 3 of 3 tests"
[ "$G_FAILS" -gt 0 ] && t_diag "$T/body" && t_diag "$T/serve.log"
t_ok $(grep -q '"seed_chosen":false' "$T/result"; echo $?) "the worker drew the seed: not a chosen one"
toy_archive "$T/bad.tgz" "return a - b;"
st=$(submit "$ANN" "$T/bad.tgz")
ID2=$(json_num id)
wait_done "$ANN" "$ID2" 120
sed 's/.*"result"://' "$T/body" > "$T/result"
t_ok $([ "$(json_str verdict "$T/result")" = fail ] && [ "$(json_num failed "$T/result")" = 3 ]; echo $?) \
    "a wrong toy_add is graded fail, 3 tests failed"

# ---- tokens and other learners ---------------------------------------------------------
st=$(api GET "/api/v1/submissions/$ID" -H "Authorization: Bearer $(echo "$ANN" | tr 0-9a-f a-f0-9)")
t_ok $([ "$st" = 401 ] && grep -qi '^WWW-Authenticate: Bearer' "$T/headers"; echo $?) \
    "a wrong token is 401 ($st)"
st=$(api POST /api/v1/submissions?lab=90 --data-binary "@$T/good.tgz")
t_ok $([ "$st" = 401 ] && grep -q 'Authorization: missing' "$T/body"; echo $?) "no token is 401 ($st)"
st=$(api GET "/api/v1/submissions/$ID" -H "Authorization: Bearer ${ANN}0")
t_ok $([ "$st" = 401 ]; echo $?) "a token one character too long is 401 ($st)"
st=$(api GET "/api/v1/submissions/$ID" -H "Authorization: Bearer $BOB")
cp "$T/body" "$T/other"
t_ok $([ "$st" = 404 ] && ! grep -q '"lab"' "$T/body"; echo $?) "bob reading ann's submission gets 404 ($st)"
st=$(api GET "/api/v1/submissions/987654" -H "Authorization: Bearer $BOB")
t_ok $([ "$st" = 404 ] && cmp -s "$T/body" "$T/other"; echo $?) \
    "an id that does not exist gets the same 404 body (no oracle)"
st=$(api GET "/api/v1/submissions/1x" -H "Authorization: Bearer $ANN")
t_ok $([ "$st" = 404 ]; echo $?) "an id that is not a number is 404 ($st)"

# ---- hostile archives ----------------------------------------------------------------
mkdir -p "$T/h/toy" "$T/h/vial"
echo x > "$T/h/toy/x"
# refused NAME ARCHIVE WORDS: a submission of ARCHIVE is 400 and the error holds WORDS.
refused() {
    _rs=$(submit "$ANN" "$2")
    t_ok $([ "$_rs" = 400 ] && grep -qF "$3" "$T/body"; echo $?) "$1: 400 naming the entry ($_rs)"
    [ "$_rs" = 400 ] && grep -qF "$3" "$T/body" || t_diag "$T/body"
}
(cd "$T/h" && tar czPf "$T/dotdot.tgz" --transform='s,^toy/x,../x,' toy/x)
refused "an entry ../x" "$T/dotdot.tgz" "../x"
(cd "$T/h" && tar czPf "$T/abs.tgz" --transform='s,^toy/x,/etc/x,' toy/x)
refused "an entry /etc/x" "$T/abs.tgz" "/etc/x"
ln -s /etc/passwd "$T/h/toy/link"
(cd "$T/h" && tar czf "$T/link.tgz" toy/link)
refused "a symlink" "$T/link.tgz" "toy/link"
mkfifo "$T/h/toy/fifo"
(cd "$T/h" && tar czf "$T/fifo.tgz" toy/fifo)
refused "a fifo" "$T/fifo.tgz" "toy/fifo"
mkdir -p "$T/many/toy"
i=0
while [ $i -lt 300 ]; do : > "$T/many/toy/f$i.h"; i=$((i + 1)); done
(cd "$T/many" && tar czf "$T/many.tgz" toy)
refused "301 entries" "$T/many.tgz" "more than 256 entries"
mkdir -p "$T/big/toy"
head -c 600000 /dev/zero | tr '\0' 'a' > "$T/big/toy/big.h"
(cd "$T/big" && tar czf "$T/big.tgz" toy/big.h)
refused "a file of 600000 bytes" "$T/big.tgz" "toy/big.h"
echo x > "$T/h/vial/x.c"
(cd "$T/h" && tar czf "$T/vial.tgz" vial/x.c)
refused "a folder lab 90 does not build" "$T/vial.tgz" "vial/x.c"
head -c 3000 /dev/urandom > "$T/noise.tgz"
st=$(submit "$ANN" "$T/noise.tgz")
t_ok $([ "$st" = 400 ] && grep -q '"error":"archive: ' "$T/body"; echo $?) "bytes that are no tar.gz: 400 ($st)"
st=$(submit "$ANN" "$T/good.tgz" 99)
t_ok $([ "$st" = 400 ] && grep -q '"error":"lab: no such lab' "$T/body"; echo $?) "an unknown lab is 400 ($st)"
st=$(api POST /api/v1/submissions -H "Authorization: Bearer $ANN" --data-binary "@$T/good.tgz")
t_ok $([ "$st" = 400 ] && grep -q '"error":"lab: missing' "$T/body"; echo $?) "no lab is 400 ($st)"

# ---- sizes and rates ---------------------------------------------------------------------
head -c 1100000 /dev/urandom > "$T/huge"
st=$(submit "$ANN" "$T/huge")
t_ok $([ "$st" = 413 ] && grep -qi '^Cache-Control: no-store' "$T/headers"; echo $?) \
    "a body over 1 MiB (Content-Length) is 413 ($st)"
st=$(api POST "/api/v1/submissions?lab=90" -H "Authorization: Bearer $ANN" \
     -H "Transfer-Encoding: chunked" --data-binary "@$T/huge")
t_ok $([ "$st" = 413 ]; echo $?) "a body over 1 MiB sent in chunks is 413 ($st)"
st=$(api GET /api/v1/health)
t_ok $([ "$st" = 200 ]; echo $?) "the server still answers after them"
n=0
while [ $n -lt 10 ]; do
    st=$(submit "$CY" "$T/good.tgz")
    [ "$st" = 202 ] || break
    n=$((n + 1))
done
st=$(submit "$CY" "$T/good.tgz")
retry=$(sed -n 's/^Retry-After: *\([0-9]*\).*/\1/ip' "$T/headers" | tr -d '\r')
t_ok $([ "$n" -eq 10 ] && [ "$st" = 429 ] && [ -n "$retry" ] && [ "$retry" -ge 1 ] \
    && [ "$retry" -le 61 ]; echo $?) \
    "10 submissions in a minute are taken, the 11th is 429 with Retry-After: $retry ($n, $st)"
st=$(submit "$BOB" "$T/good.tgz")
t_ok $([ "$st" = 202 ]; echo $?) "the limit is per token: bob still submits ($st)"

# ---- tokens at rest ----------------------------------------------------------------------
hash=$(printf '%s' "$ANN" | sha256sum | cut -d' ' -f1)
t_ok $([ "$(dbq "SELECT count(*) FROM learners WHERE token_hash = '$hash'")" = 1 ]; echo $?) \
    "the database keeps ann's token as its SHA-256"
found=0
db_dump > "$T/dump"
for tok in "$ANN" "$BOB" "$CY"; do grep -q "$tok" "$T/dump" && found=1; done
t_ok $([ "$found" -eq 0 ]; echo $?) "no token's text is anywhere in the database files"

# ---- stop; a full queue; a worker apart ------------------------------------------------------
i=0
while [ $i -lt 900 ] && [ "$(dbq "SELECT count(*) FROM jobs WHERE state != 'done'")" != 0 ]; do
    sleep 0.2
    i=$((i + 1))
done
t_ok $([ "$(dbq "SELECT count(*) FROM jobs WHERE state != 'done'")" = 0 ] \
    && [ "$(dbq "SELECT count(*) FROM results")" = 13 ]; echo $?) \
    "every stored submission is graded: 13 results"
wpid=$(ps -o pid= --ppid "$SERVE_PID" | head -n 1 | tr -d ' ')
serve_stop
t_ok $([ "$SERVE_RC" -eq 0 ] && grep -q "stacklab serve: stopped" "$T/serve.log" \
    && [ -n "$wpid" ] && ! kill -0 "$wpid" 2>/dev/null; echo $?) \
    "SIGTERM stops serve cleanly (exit $SERVE_RC) and its worker $wpid with it"
STACKLAB_QUEUE_MAX=1 serve_start --workers 0 || { t_diag "$T/serve.log"; exit 1; }
st=$(submit "$BOB" "$T/good.tgz")
ID3=$(json_num id)
st2=$(submit "$BOB" "$T/good.tgz")
retry=$(sed -n 's/^Retry-After: *\([0-9]*\).*/\1/ip' "$T/headers" | tr -d '\r')
t_ok $([ "$st" = 202 ] && [ "$st2" = 503 ] && grep -q '"error":"busy, retry in [0-9]* s"' "$T/body" \
    && [ -n "$retry" ]; echo $?) "with the queue full: 503 busy, retry in N s, Retry-After: $retry ($st, $st2)"
"$SL" worker --course "$STACKLAB_COURSE" --db "$DB_URL" --once > "$T/w.out" 2>&1
w1=$?
"$SL" worker --course "$STACKLAB_COURSE" --db "$DB_URL" --once > "$T/w.out" 2>&1
w2=$?
wait_done "$BOB" "$ID3" 5
t_ok $([ "$w1" -eq 0 ] && [ "$w2" -eq 1 ] && [ "$(json_str state)" = done ]; echo $?) \
    "worker --once grades the queued job (exit $w1), then finds none (exit $w2)"
STACKLAB_LEASE=0 "$SL" worker --course "$STACKLAB_COURSE" --db "$DB_URL" --once > "$T/w.out" 2>&1
t_ok $([ $? -eq 2 ] && grep -q "STACKLAB_LEASE must be" "$T/w.out"; echo $?) "a bad STACKLAB_LEASE is refused by worker"
STACKLAB_LEASE=x "$SL" serve --course "$STACKLAB_COURSE" --listen 127.0.0.1:0 --db "$DB_URL" > "$T/w.out" 2>&1
t_ok $([ $? -eq 2 ] && grep -q "STACKLAB_LEASE must be" "$T/w.out"; echo $?) "and by serve, before it starts workers"

# ---- enrolment codes cannot be guessed quickly: 20 wrong codes a minute per address -----
n403=0
for i in $(seq 20); do
    st=$(api POST /api/v1/enrol -d "{\"code\":\"WRONG$(printf '%05d' "$i")\",\"name\":\"g$i\"}")
    [ "$st" = 403 ] && n403=$((n403 + 1))
done
st=$(api POST /api/v1/enrol -d '{"code":"WRONG99999","name":"g21"}')
retry=$(sed -n 's/^Retry-After: *\([0-9]*\).*/\1/ip' "$T/headers" | tr -d '\r')
t_ok $([ "$n403" = 20 ] && [ "$st" = 429 ] && [ -n "$retry" ] && [ "$retry" -ge 1 ] \
    && [ "$retry" -le 61 ] && grep -q '"error":"code: 20 wrong enrolment codes from this address in 60 s: retry in [0-9]* s"' "$T/body"; echo $?) \
    "20 wrong codes are 403; the 21st in the minute is 429 with Retry-After: $retry ($n403, $st)"
st=$(api POST /api/v1/enrol -d "{\"code\":\"$CODE\",\"name\":\"late-comer\"}")
t_ok $([ "$st" = 429 ] && [ "$(dbq "SELECT count(*) FROM learners WHERE name = 'late-comer'")" = 0 ]; echo $?) \
    "then even the right code from that address is 429, nobody enrolled: guessing cannot go on ($st)"
st=$(api POST /api/v1/enrol -d "{\"code\":\"$CODE\",\"name\":\"elsewhere\"}" --interface 127.0.0.2)
if [ "$st" = 000 ]; then
    t_ok 0 "another address enrols meanwhile # SKIP no 127.0.0.2 to send from here"
else
    t_ok $([ "$st" = 201 ]; echo $?) "another address (127.0.0.2) enrols meanwhile: the limit is per address ($st)"
fi
serve_stop
t_ok $(! grep -q "Sanitizer\|runtime error" "$T/serve.log" && ! grep -q "exited (" "$T/serve.log"; echo $?) \
    "no sanitizer report and no worker that failed in serve's log"
t_done
