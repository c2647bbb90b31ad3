#!/bin/bash
# 034-exam-screen.t -- `stacklab exam` on a terminal (tmux on a private socket, no user
# config): answer every type of question with keys, submit with confirmation, see the
# result; leave a sitting open with q and resume it.
. "$(dirname "$0")/lib-course.sh"
command -v tmux >/dev/null || { echo "1..0 # SKIP tmux is not installed"; exit 0; }
plan 15

S="$T/tmux.sock"   # a private socket: never the shared /tmp/tmux-UID
trap 'tmux -S "$S" kill-server 2>/dev/null; rm -rf "$T"' EXIT
make_course "$T/course"
cat > "$T/course/exams/quiz.exam" <<'EOF'
title: Quiz
track: vial
minutes: 5
questions: 3
pass: 60

question: q-single
type: single
shuffle: no
text: Pick b.
a: not this
b: this one
answer: b
explain: b was asked for.

question: q-multi
type: multiple
shuffle: no
text: Pick a and c.
a: first
b: second
c: third
answer: ac
explain: a and c were asked for.

question: q-short
type: exact
text: Which status code answers a method a path does not allow?
answer: 405
explain: 405 Method Not Allowed.
EOF
export STACKLAB_COURSE="$T/course"
cd "$T"

# start NAME ARGS: runs stacklab exam ARGS in a new tmux session NAME, which later
# commands talk to.
start() {
    W=$1
    shift
    tmux -S "$S" -f /dev/null new-session -d -s "$W" -x 100 -y 30 \
        "cd '$T' && HOME='$HOME' STACKLAB_HOME='$STACKLAB_HOME' STACKLAB_COURSE='$T/course' \
         '$SL' exam $*; echo EXITED \$?; sleep 120"
}
screen() { tmux -S "$S" capture-pane -p -t "$W" 2>/dev/null; }
# wait_for TEXT: polls the screen for up to 20 s.
wait_for() {
    for _ in $(seq 1 200); do
        screen | grep -qF -- "$1" && return 0
        sleep 0.1
    done
    return 1
}
send() { tmux -S "$S" send-keys -t "$W" "$@"; }

# answer_current: answers whatever question is on screen, with keys.
answer_current() {
    s=$(screen)
    case $s in
    *"Pick b."*) send b ;;
    *"Pick a and c."*) send a; send c ;;
    *"Which status code"*) send Enter; send 4 0 5; send Enter ;;
    esac
}

start first --seed 5 quiz
wait_for "question 1 of 3"; is "$?" 0 "the screen shows question 1 with the countdown"
like "$(screen)" "left" "and the time left"
for n in 1 2 3; do
    wait_for "question $n of 3"
    answer_current
    wait_for "$n answered"
    [ $n -lt 3 ] && send n
done
like "$(screen)" "3 answered, 0 marked" "every question answered with keys"
send m
wait_for "1 marked"; is "$?" 0 "m marks the question for review"
send s
wait_for "Submit now? 0 unanswered"; is "$?" 0 "s asks for confirmation"
send y
wait_for "Result: 3 of 3 points"; is "$?" 0 "y submits and shows the result"
like "$(screen)" "PASSED" "passed"
send q
wait_for "EXITED 0"; is "$?" 0 "q leaves with exit code 0 (passed)"
like "$(screen)" "quiz: 100% -- passed" "and a summary line stays on the terminal"

start second --seed 6 quiz
wait_for "question 1 of 3"
answer_current
wait_for "1 answered"
send q
wait_for "its clock keeps running"; is "$?" 0 "q during a sitting asks first: the clock keeps running"
send x
wait_for "1 answered"; like "$(screen)" "question " "any other key stays in the sitting"
send q
wait_for "its clock keeps running"
send q
wait_for "EXITED 4"; is "$?" 0 "q q leaves an open sitting (exit 4)"
like "$(screen)" "the sitting stays open and its clock keeps running: " \
    "and says it stays open with its clock running"
out=$(echo | "$SL" exam quiz 2>&1); rc=$?
like "$out" "your answer so far" "the answer given on the screen is there when resumed"
is "$rc" 4 "and a bare end of input does not submit the sitting begun on the screen"
finish
