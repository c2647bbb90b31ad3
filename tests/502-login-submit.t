#!/bin/sh
# `stacklab login` and `stacklab submit` against a fake class server (tests/fixtures/
# fake-server.c, libmicrohttpd, canned answers): login keeps the URL and token in a 0600
# file and refuses plain http to another machine; submit sends the lab's folders as a
# tar.gz with the token, shows a progress line per state, and prints a canned result (the
# JSON of a real check of toy lab 90) byte for byte as check's report; hostile answers
# (escape sequences, malformed JSON, errors, another lab's result) are shown safely.
. "$(dirname "$0")/lib-grader.sh"
grader_setup
grader_course_copy
cp -R "$G_SRC/tests/fixtures/toy-track/." "$STACKLAB_COURSE/"
TOK=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
CFG="$XDG_CONFIG_HOME/stacklab/server"
ESC=$(printf '\033')

cc -std=c11 -Wall -Wextra -O2 -o "$T/fake-server" "$G_SRC/tests/fixtures/fake-server.c" \
    $(pkg-config --cflags --libs libmicrohttpd) > "$T/cc.out" 2>&1 \
    || { t_diag "$T/cc.out"; echo "Bail out! cannot build the fake server"; exit 1; }
mkdir "$T/fake"
"$T/fake-server" "$T/fake" 2> "$T/fake.err" &
FAKE=$!
trap 'kill $FAKE 2>/dev/null; rm -rf "$T"' EXIT
for _ in $(seq 100); do [ -s "$T/fake/port" ] && break; sleep 0.05; done
[ -s "$T/fake/port" ] || { echo "Bail out! the fake server did not start"; exit 1; }
URL="http://127.0.0.1:$(cat "$T/fake/port")"

# answer NAME STATUS BODY: a canned answer of the fake server.
answer() { printf '%s\n%s' "$2" "$3" > "$T/fake/$1"; }
# sl ARGS...: runs stacklab in the workspace; stdout in $T/out, stderr in $T/err, $RC.
sl() { (cd "$T/ws" && "$SL" "$@") > "$T/out" 2> "$T/err"; RC=$?; }
has_esc() { grep -q "$ESC" "$@"; }

grader_ws || { echo "Bail out! stacklab init failed"; exit 1; }

# ---- login -------------------------------------------------------------------------
sl login http://example.org ABCDEFGHJK
t_ok $([ "$RC" -eq 2 ] && grep -q "plain http:// would send your token unencrypted" "$T/err" \
    && [ ! -e "$CFG" ] && [ ! -e "$T/fake/log" ]; echo $?) \
    "login refuses http:// to another machine, says why, sends nothing (exit $RC)"
sl login http://10.0.0.1:80 ABCDEFGHJK
t_ok $([ "$RC" -eq 2 ] && [ ! -e "$CFG" ]; echo $?) "... nor to a private address (exit $RC)"
sl login ftp://127.0.0.1/ ABCDEFGHJK
t_ok $([ "$RC" -eq 2 ] && grep -q "only https://" "$T/err"; echo $?) "login refuses ftp:// (exit $RC)"
sl login "http://user@127.0.0.1:1/" ABCDEFGHJK
t_ok $([ "$RC" -eq 2 ] && grep -q "no user, query or fragment" "$T/err"; echo $?) \
    "login refuses a URL with a user in it (exit $RC)"
sl login "$URL" "$(printf 'AB\033[2J')"
t_ok $([ "$RC" -eq 2 ] && grep -q "CODE holds a control character" "$T/err" \
    && ! has_esc "$T/err"; echo $?) "login refuses a code with a control character (exit $RC)"

answer enrol 403 '{"error":"unknown enrolment code"}'
sl login "$URL" WRONGCODE1 --name ada
t_ok $([ "$RC" -eq 2 ] && grep -q "the server answered 403: unknown enrolment code" "$T/err" \
    && [ ! -e "$CFG" ]; echo $?) "a 403 is told in words and stores nothing (exit $RC)"
answer enrol 409 '{"error":"name \u001b]0;pwned\u0007taken\u001b[2J"}'
sl login "$URL" ABCDEFGHJK --name ada
t_ok $([ "$RC" -eq 2 ] && ! has_esc "$T/err" && grep -q 'answered 409: name ^\[\]0;pwned^Gtaken' "$T/err"; echo $?) \
    "escape sequences in a server's error are shown escaped (exit $RC)"
answer enrol 201 '{"token":"abc\r\nX-Evil: 1","name":"ada","class":"c1"}'
sl login "$URL" ABCDEFGHJK --name ada
t_ok $([ "$RC" -eq 3 ] && grep -q "no valid token" "$T/err" && [ ! -e "$CFG" ]; echo $?) \
    "a token that could break a header line is refused (exit $RC)"
answer enrol 201 '{not json'
sl login "$URL" ABCDEFGHJK --name ada
t_ok $([ "$RC" -eq 3 ] && [ ! -e "$CFG" ]; echo $?) "a malformed answer is refused (exit $RC)"

answer enrol 201 "{\"token\":\"$TOK\",\"name\":\"ada\",\"class\":\"c1\"}"
rm -f "$T/fake/log"
(umask 0; cd "$T/ws" && "$SL" login "$URL/" ABCDEFGHJK --name ada) > "$T/out" 2> "$T/err"
RC=$?
t_ok $([ "$RC" -eq 0 ] && grep -q "Logged in to class c1 as ada at $URL" "$T/out"; echo $?) \
    "login enrols (exit $RC)"
[ "$G_FAILS" -gt 0 ] && t_diag "$T/err"
t_ok $([ "$(stat -c %a "$CFG")" = 600 ] && [ "$(stat -c %a "$(dirname "$CFG")")" = 700 ]; echo $?) \
    "the server file is 0600 in a 0700 folder, even under umask 0"
printf 'url %s\ntoken %s\n' "$URL" "$TOK" > "$T/want"
t_ok $(cmp -s "$CFG" "$T/want"; echo $?) "it holds the URL (no trailing /) and the token"
t_ok $(grep -q "^POST /api/v1/enrol lab=- auth=- type=application/json" "$T/fake/log" \
    && grep -q '"code":"ABCDEFGHJK"' "$T/fake/body" && grep -q '"name":"ada"' "$T/fake/body"; echo $?) \
    "login posted the code and the name as JSON, with no token"

# ---- canned results of real checks ---------------------------------------------------
grader_put 0
(cd "$T/ws" && "$STACKLAB_BUILD/tests/runjson" --check 90 "$T/pass.json" "$T/pass.report" \
    "$T/pass.tap") > "$T/tool.out" 2>&1
t_ok $?  "a real check of lab 90 (the reference) passes and is encoded"
grader_put 90
(cd "$T/ws" && "$STACKLAB_BUILD/tests/runjson" --check 90 "$T/fail.json" "$T/fail.report" \
    "$T/fail.tap") > "$T/tool.out" 2>&1
t_ok $([ $? -eq 1 ]; echo $?) "a real check of lab 90 with starter(90) fails and is encoded"

# done NAME RESULT: the fake server takes a submission (id 7), shows it queued second in
# line, running, then done with RESULT (raw JSON text).
done_with() {
    answer submit 202 '{"id":7,"lab":"90","position":2}'
    answer poll.1 200 '{"id":7,"lab":"90","state":"queued","position":2}'
    answer poll.2 200 '{"id":7,"lab":"90","state":"running","position":0}'
    answer poll.3 200 "{\"id\":7,\"lab\":\"90\",\"state\":\"done\",\"position\":0,\"result\":$1}"
    rm -f "$T/fake/log"
}
# The poll counter of the fake server keeps counting: restart it for each submission.
restart_fake() {
    kill "$FAKE"; wait "$FAKE" 2>/dev/null
    rm -f "$T/fake/port"
    "$T/fake-server" "$T/fake" 2>> "$T/fake.err" &
    FAKE=$!
    for _ in $(seq 100); do [ -s "$T/fake/port" ] && break; sleep 0.05; done
    printf 'url http://127.0.0.1:%s\ntoken %s\n' "$(cat "$T/fake/port")" "$TOK" > "$CFG"
}

# ---- submit --------------------------------------------------------------------------
grader_put 0
restart_fake
done_with "$(cat "$T/pass.json")"
sl submit 90
t_ok $([ "$RC" -eq 0 ] && cmp -s "$T/out" "$T/pass.report"; echo $?) \
    "submit prints the server's passing result exactly as check's report (exit $RC)"
[ "$G_FAILS" -gt 0 ] && { t_diag "$T/err"; diff "$T/pass.report" "$T/out" | t_diag /dev/stdin; }
printf 'submission 7: queued, number 2 in line\nsubmission 7: being graded\nsubmission 7: graded\n' > "$T/want"
t_ok $(cmp -s "$T/err" "$T/want"; echo $?) "off a terminal, one progress line per state"
t_ok $(grep -q "^POST /api/v1/submissions lab=90 auth=Bearer $TOK type=application/gzip" "$T/fake/log" \
    && grep -q "^GET /api/v1/submissions/7 lab=- auth=Bearer $TOK" "$T/fake/log"; echo $?) \
    "the archive and the polls carry the token"
mkdir "$T/sent"
tar -xzf "$T/fake/body" -C "$T/sent" 2> "$T/tar.err"
t_ok $([ $? -eq 0 ] && cmp -s "$T/sent/toy/toy.c" "$T/ws/toy/toy.c" \
    && cmp -s "$T/sent/vial/request.c" "$T/ws/vial/request.c" \
    && [ "$(cd "$T/sent" && echo *)" = "toy vial" ]; echo $?) \
    "the body is a tar.gz of the lab's folders (toy/ and vial/, which it builds on), no others"

restart_fake
done_with "$(cat "$T/pass.json")"
sl submit 90 --tap
t_ok $([ "$RC" -eq 0 ] && cmp -s "$T/out" "$T/pass.tap"; echo $?) \
    "submit --tap prints report_tap's stream (exit $RC)"

restart_fake
done_with "$(cat "$T/pass.json")"
answer poll.1 503 '{"error":"restarting"}'
sl submit 90
t_ok $([ "$RC" -eq 0 ] && cmp -s "$T/out" "$T/pass.report"; echo $?) \
    "a 503 while polling is waited out, the result still arrives (exit $RC)"

# On a terminal (script(1) gives one), the progress is one line rewritten with \r.
restart_fake
done_with "$(cat "$T/pass.json")"
(cd "$T/ws" && script -qec "$SL submit 90 > $T/out" "$T/typescript") < /dev/null > /dev/null 2>&1
CR=$(printf '\r')
if [ ! -s "$T/typescript" ]; then
    t_ok 0 "on a terminal the progress line is rewritten in place # SKIP script(1) found no pty"
else t_ok $(grep -q "^${CR}submission 7: queued, number 2 in line${ESC}\[K${CR}submission 7: being graded${ESC}\[K${CR}submission 7: graded${ESC}\[K" "$T/typescript" \
    && cmp -s "$T/out" "$T/pass.report"; echo $?) "on a terminal the progress line is rewritten in place"
fi

restart_fake
done_with "$(cat "$T/fail.json")"
sl submit 90
t_ok $([ "$RC" -eq 1 ] && cmp -s "$T/out" "$T/fail.report" && grep -q "^  not ok" "$T/out"; echo $?) \
    "a failing result prints as check's report and exits 1 (exit $RC)"

restart_fake
done_with "\"$(sed 's/\\/\\\\/g; s/"/\\"/g' "$T/fail.json")\""
sl submit 90
t_ok $([ "$RC" -eq 1 ] && cmp -s "$T/out" "$T/fail.report"; echo $?) \
    "a result sent as a JSON string is read the same (exit $RC)"

restart_fake
done_with "$(sed 's/"description":"/"description":"\\u001b]0;pwned\\u0007\\u001b[2J\\r/g' "$T/fail.json")"
sl submit 90
t_ok $([ "$RC" -eq 1 ] && ! has_esc "$T/out" && ! grep -q "$(printf '\r')" "$T/out" \
    && grep -q '\^\[\]0;pwned\^G\^\[\[2J' "$T/out"; echo $?) \
    "escape sequences in a result's test names are shown escaped (exit $RC)"

restart_fake
done_with '{"seed":1,"labs":[{"lab":'
sl submit 90
t_ok $([ "$RC" -eq 3 ] && [ ! -s "$T/out" ]; echo $?) \
    "a malformed result is refused: nothing printed as a report (exit $RC)"
restart_fake
done_with '"{\"seed\":1,"'
sl submit 90
t_ok $([ "$RC" -eq 3 ] && grep -q "the server's result cannot be read: not JSON" "$T/err"; echo $?) \
    "... said in words (exit $RC)"
restart_fake
done_with "$(sed 's/"verdict":"fail"/"verdict":"\\u001b[31mwon"/' "$T/fail.json")"
sl submit 90
t_ok $([ "$RC" -eq 3 ] && grep -q "cannot be read: verdict: not a known name" "$T/err" \
    && ! has_esc "$T/err"; echo $?) "a result with an unknown verdict is refused, naming the field (exit $RC)"
restart_fake
done_with "$(sed 's/"target":"90"/"target":"01"/' "$T/fail.json")"
sl submit 90
t_ok $([ "$RC" -eq 3 ] && grep -q "the server's result is of lab 01" "$T/err"; echo $?) \
    "a result of another lab is refused (exit $RC)"

restart_fake
answer submit 413 '{"error":"too large: at most 1 MiB\u001b[31m"}'
sl submit 90
t_ok $([ "$RC" -eq 2 ] && grep -q "the server answered 413: too large: at most 1 MiB^\[\[31m" "$T/err" \
    && ! has_esc "$T/err"; echo $?) "a 413 is told in words, escaped (exit $RC)"
answer submit 401 '{"error":"no or bad token"}'
sl submit 90
t_ok $([ "$RC" -eq 2 ] && grep -q "answered 401" "$T/err" && grep -q "stacklab login" "$T/err"; echo $?) \
    "a 401 says to log in again (exit $RC)"
answer submit 503 '{"error":"busy, retry in 30 s"}'
sl submit 90
t_ok $([ "$RC" -eq 3 ] && grep -q "answered 503: busy, retry in 30 s" "$T/err"; echo $?) \
    "a 503 passes the server's words on (exit $RC)"
answer submit 202 '{"id":7,"lab":"90","position":0}'
answer poll.1 404 '{"error":"no such submission"}'
rm -f "$T/fake/poll.2" "$T/fake/poll.3"
sl submit 90
t_ok $([ "$RC" -eq 2 ] && grep -q "answered 404: no such submission" "$T/err"; echo $?) \
    "a 404 while polling is told (exit $RC)"
restart_fake
answer poll.1 200 '{"id":7,"state":"lost"}'
sl submit 90
t_ok $([ "$RC" -eq 3 ] && grep -q "no valid state" "$T/err"; echo $?) "an unknown state is refused (exit $RC)"

# ---- the server file -----------------------------------------------------------------
printf 'url http://example.org\ntoken %s\n' "$TOK" > "$CFG"
rm -f "$T/fake/log"
sl submit 90
t_ok $([ "$RC" -eq 2 ] && grep -q "plain http:// would send your token" "$T/err" \
    && [ ! -e "$T/fake/log" ]; echo $?) "submit refuses to send the token over http:// to another machine (exit $RC)"
printf 'url %s\ntoken abc def\n' "$URL" > "$CFG"
sl submit 90
t_ok $([ "$RC" -eq 2 ] && grep -q "server:2: not a token" "$T/err"; echo $?) \
    "a malformed token line is named (exit $RC)"
rm -f "$CFG"
sl submit 90
t_ok $([ "$RC" -eq 2 ] && grep -q "not logged in to a class: run stacklab login" "$T/err"; echo $?) \
    "submit without login says to log in (exit $RC)"
kill "$FAKE"; wait "$FAKE" 2>/dev/null
printf 'url %s\ntoken %s\n' "$URL" "$TOK" > "$CFG"
sl submit 90
t_ok $([ "$RC" -eq 3 ] && grep -q "cannot reach http://127.0.0.1" "$T/err"; echo $?) \
    "a server that is gone is told in words (exit $RC)"
t_done
