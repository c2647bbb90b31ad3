#!/bin/sh
# `stacklab exam NAME --server` against a real `stacklab serve` (docs/server.md, "Exams on
# the server"): the learner's program holds the questions as shown and nothing else; every
# answer is kept on the server as it is given; a sitting left open resumes with its
# answers and the server's clock; a server that stops for a moment loses no answer; the
# result and the review come from the server without a key or an explanation; the
# attempts limit holds; --seed and --practice are refused with a class server. The bank is
# tests/fixtures/quiz.exam: right options say RIGHT, so the right letters are read off the
# questions as shown, whatever the server's shuffle.
. "$(dirname "$0")/lib-grader.sh"
. "$(dirname "$0")/lib-serve.sh"
serve_setup
mkdir -p "$STACKLAB_COURSE/exams"
cp "$G_SRC/tests/fixtures/quiz.exam" "$STACKLAB_COURSE/exams/"
serve_start --workers 0 || { t_diag "$T/serve.log"; echo "Bail out! serve did not start"; exit 1; }
CODE=$("$SL" class create "Quiz class" --db "$DB_URL" 2> /dev/null)
grader_ws > /dev/null || { echo "Bail out! stacklab init failed"; exit 1; }
(cd "$T/ws" && "$SL" login "$URL" "$CODE" --name ann) > "$T/out" 2> "$T/err" \
    || { t_diag "$T/err"; echo "Bail out! login failed"; exit 1; }

# sl ARGS...: stacklab in the workspace, stdin from $T/in; $T/out, $T/err, $RC.
sl() { (cd "$T/ws" && "$SL" "$@") < "$T/in" > "$T/out" 2> "$T/err"; RC=$?; }
# letters FILE: the answer to each question shown in FILE, one a line, from the options
# that say RIGHT (the short answer: "right").
letters() {
    awk '/^Question [0-9]+ of/ { n++; a[n] = "" }
         /^  [a-h]\) RIGHT/ { a[n] = a[n] substr($1, 1, 1) }
         END { for (i = 1; i <= n; i++) print (a[i] == "" ? "right" : a[i]) }' "$1"
}
# wrong FILE: a wrong answer to each question shown in FILE.
wrong() {
    awk '/^Question [0-9]+ of/ { n++; a[n] = "" }
         /^  [a-h]\) WRONG/ { if (a[n] == "") a[n] = substr($1, 1, 1) }
         END { for (i = 1; i <= n; i++) print (a[i] == "" ? "left" : a[i]) }' "$1"
}
secret_free() { ! grep -q "SECRET\|right answer:\|why: " "$@"; }
# exam_on_fifo: `exam quiz --server` in the background ($CL) reading the lines written
# to descriptor 7; stdout in $T/out, stderr in $T/err.
exam_on_fifo() {
    rm -f "$T/fifo"
    mkfifo "$T/fifo"
    (cd "$T/ws" && "$SL" exam quiz --server) < "$T/fifo" > "$T/out" 2> "$T/err" &
    CL=$!
    exec 7> "$T/fifo"
}
# stored N: waits until the server keeps N answers for ann's open sitting.
stored() {
    _i=0
    while [ "$(dbq "SELECT count(*) FROM sitting_answers a JOIN sittings s ON s.id = a.sitting_id WHERE s.submitted = 0 AND a.answer <> ''")" != "$1" ] \
        && [ $_i -lt 200 ]; do
        sleep 0.05
        _i=$((_i + 1))
    done
    [ $_i -lt 200 ]
}

# ---- a first look leaves the sitting open ---------------------------------------------
printf '\n\n\n' > "$T/in"
sl exam quiz --server
t_ok $([ "$RC" -eq 4 ] && grep -q "The clock has started on the class server: [45]:[0-5][0-9] left" "$T/out" \
    && grep -q "Sitting 1 of 2" "$T/out" && [ "$(grep -c '^Question [1-3] of 3' "$T/out")" = 3 ] \
    && grep -q "the sitting stays open" "$T/out"; echo $?) \
    "exam --server starts the server's sitting, shows its 3 questions, leaves it open (exit $RC)"
[ "$G_FAILS" -gt 0 ] && { t_diag "$T/out"; t_diag "$T/err"; }
t_ok $(secret_free "$T/out" "$T/err" && [ "$(dbq "SELECT count(*) FROM sittings WHERE submitted = 0")" = 1 ]; echo $?) \
    "the server keeps one open sitting; no explanation reached the learner"
letters "$T/out" > "$T/right"
t_ok $([ "$(wc -l < "$T/right")" = 3 ] && grep -qx '[a-d]' "$T/right" && grep -qx '[a-d][a-d]' "$T/right" \
    && grep -qx right "$T/right"; echo $?) "the right letters read off the shown options: $(tr '\n' ' ' < "$T/right")"
cp "$T/out" "$T/first"

# ---- a server that stops for a moment loses no answer ----------------------------------
exam_on_fifo
sed -n 1p "$T/right" >&7
stored 1
t_ok $? "the first answer is on the server as soon as it is given"
serve_stop
sed -n 2p "$T/right" >&7
sleep 0.5
serve_again --workers 0
stored 2
t_ok $? "an answer given while the server was down is kept once it is back"
sed -n 3p "$T/right" >&7
exec 7>&-
wait $CL
RC=$?
t_ok $([ "$RC" -eq 0 ] && grep -q "Resuming your open sitting" "$T/out" \
    && grep -q "^Result: 4 of 4 points, 100% -- PASSED (pass mark 60%)" "$T/out" \
    && grep -q "Sat on the class server, which keeps the result" "$T/out" \
    && [ "$(grep -c '^ *[1-3]\. right (' "$T/out")" = 3 ]; echo $?) \
    "the resumed sitting is submitted at the end of input: 100%, each question marked right (exit $RC)"
t_ok $(secret_free "$T/out" "$T/err"; echo $?) "the review shows no key and no explanation"
[ "$G_FAILS" -gt 0 ] && { t_diag "$T/out"; t_diag "$T/err"; t_diag "$T/serve.log"; }
t_ok $([ "$(dbq "SELECT percent || ' ' || passed FROM sittings WHERE submitted > 0")" = "100 1" ]; echo $?) \
    "the server recorded 100%, passed"
t_ok $(! sqlite3 "$T/ws/.stacklab/progress.db" "SELECT count(*) FROM sittings" 2>/dev/null | grep -qv '^0$'; echo $?) \
    "the local progress store records nothing of the server's sitting"

# ---- a sitting left by a dropped program resumes with its answers ----------------------
printf '\n\n\n' > "$T/in"
sl exam quiz --server
t_ok $([ "$RC" -eq 4 ] && grep -q "Sitting 2 of 2" "$T/out"; echo $?) "the second sitting starts (exit $RC)"
wrong "$T/out" > "$T/wrong"
exam_on_fifo
sed -n 1p "$T/wrong" >&7
stored 1
kill -9 $CL 2>/dev/null
wait $CL 2>/dev/null
exec 7>&-
first=$(sed -n 1p "$T/wrong")
printf '\n\n\n' > "$T/in"
sl exam quiz --server
t_ok $([ "$RC" -eq 4 ] && grep -q "Resuming your open sitting" "$T/out" \
    && grep -q "(your answer so far: $first" "$T/out"; echo $?) \
    "killed mid-sitting, the program resumes it with the answer it gave ($first) (exit $RC)"
[ "$G_FAILS" -gt 0 ] && { t_diag "$T/out"; t_diag "$T/err"; }
{ echo; sed 1d "$T/wrong"; } > "$T/in"
sl exam quiz --server
t_ok $([ "$RC" -eq 1 ] && grep -q "^Result: 0 of 4 points, 0% -- NOT PASSED" "$T/out" \
    && [ "$(grep -c '^ *[1-3]\. wrong (' "$T/out")" = 3 ] && secret_free "$T/out"; echo $?) \
    "wrong answers: 0%, not passed, each marked wrong (exit $RC)"
[ "$G_FAILS" -gt 0 ] && { t_diag "$T/out"; t_diag "$T/err"; }

# ---- status shows a lab's deadline --------------------------------------------------------
"$SL" class deadline "Quiz class" 90 "2031-05-06 07:08" --db "$DB_URL" > /dev/null 2>&1
(cd "$T/ws" && "$SL" status) > "$T/out" 2> "$T/err"
RC=$?
t_ok $([ "$RC" -eq 0 ] && grep -q "lab 90 .*no submission yet, due 2031-05-06 07:08 UTC" "$T/out"; echo $?) \
    "status shows the class's deadline of a lab, in UTC (exit $RC)"
[ "$G_FAILS" -gt 0 ] && { t_diag "$T/out"; t_diag "$T/err"; }

# ---- a class course lists the class's exams and sits them on the server -----------------
CC="${XDG_DATA_HOME:-$HOME/.local/share}/stacklab/class/127.0.0.1_$PORT/course"
t_ok $(grep -qx "exam quiz toy 5 3 60 2 Class quiz" "$CC/BUNDLE" && ! grep -rq "SECRET-\|RIGHT the sun" "$CC"; echo $?) \
    "the class's bundle names the exam and its settings, and holds no question or key"
STACKLAB_COURSE="$CC" "$SL" init "$T/cws" > /dev/null 2>&1
cs() { (cd "$T/cws" && STACKLAB_COURSE="$CC" "$SL" "$@") < /dev/null > "$T/out" 2> "$T/err"; RC=$?; }
cs list
t_ok $([ "$RC" -eq 0 ] && grep -q "Class quiz" "$T/out"; echo $?) "list on the class course shows the exam (exit $RC)"
cs status
t_ok $([ "$RC" -eq 0 ] && grep -q "^  exam quiz     best 100% passed, 2 of 2 sittings" "$T/out" \
    && ! grep -q "^exam quiz" "$T/out"; echo $?) \
    "status shows the exam as the server has it, and no local line for it (exit $RC)"
cs exam quiz
t_ok $([ "$RC" -eq 2 ] && grep -q "no attempts left at exam 'quiz'" "$T/err"; echo $?) \
    "exam on a class course asks the server without --server (exit $RC)"
[ "$G_FAILS" -gt 0 ] && { t_diag "$T/out"; t_diag "$T/err"; }

# ---- refusals ---------------------------------------------------------------------------
printf '\n' > "$T/in"
sl exam quiz --server
t_ok $([ "$RC" -eq 2 ] && grep -q "no attempts left at exam 'quiz': 2 of 2" "$T/err"; echo $?) \
    "no attempts left: said in words (exit $RC)"
sl exam quiz --server --seed 7
t_ok $([ "$RC" -eq 2 ] && grep -q -- "--seed does not go with a class server's exam" "$T/err"; echo $?) \
    "--seed is refused with --server (exit $RC)"
sl exam --practice quiz --server
t_ok $([ "$RC" -eq 2 ] && grep -q -- "--practice does not go with a class server's exam" "$T/err"; echo $?) \
    "--practice is refused with --server (exit $RC)"
sl exam nosuch --server
t_ok $([ "$RC" -eq 2 ] && grep -q "answered 404" "$T/err"; echo $?) "an exam the server lacks: 404 in words (exit $RC)"
sl exam 'Bad/Name' --server
t_ok $([ "$RC" -eq 2 ] && grep -q "an exam's name is 1 to 31 of a-z" "$T/err"; echo $?) \
    "a name that could change the URL is refused before any request (exit $RC)"
[ "$G_FAILS" -gt 0 ] && { t_diag "$T/err"; }

# ---- the server's clock ends a sitting the learner does not end -------------------------
# STACKLAB_EXAM_MINUTE (serve's, for tests): an exam minute lasts 1 s, so the quiz 5 s.
serve_stop
STACKLAB_EXAM_MINUTE=1 serve_start --workers 0 || { t_diag "$T/serve.log"; echo "Bail out! serve did not restart"; exit 1; }
(cd "$T/ws" && "$SL" login "$URL" "$CODE" --name bob) > "$T/out" 2> "$T/err" \
    || { t_diag "$T/err"; echo "Bail out! bob's login failed"; exit 1; }
exam_on_fifo
wait $CL
RC=$?
exec 7>&-
t_ok $([ "$RC" -eq 1 ] && grep -q "Time is up: the sitting was submitted with the answers given" "$T/out" \
    && grep -q "^Result: 0 of 4 points, 0% -- NOT PASSED" "$T/out" \
    && [ "$(dbq "SELECT s.expired || ' ' || (s.submitted > 0) FROM sittings s JOIN learners l ON l.id = s.learner_id WHERE l.name = 'bob'")" = "1 1" ]; echo $?) \
    "waiting on input past the server's deadline, the sitting is submitted as expired (exit $RC)"
[ "$G_FAILS" -gt 0 ] && { t_diag "$T/out"; t_diag "$T/err"; }
serve_stop
t_done
