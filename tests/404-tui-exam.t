#!/bin/sh
# 404-tui-exam.t -- exams from the course map in tmux: Enter asks before a sitting's clock
# starts (any key but y does not start it), q during a sitting asks and says the clock
# keeps running, the map then says the sitting is open with its time left, Enter resumes
# it without asking, and with every attempt used p sits a practice one, labelled and not
# recorded (status still counts one sitting).
. "$(dirname "$0")/lib-tui.sh"
plan 12

tui_course "$T/course"
cat > "$T/course/exams/quiz.exam" <<'EOF2'
title: Quiz
track: vial
minutes: 10
questions: 1
pass: 60
attempts: 1

question: q-single
type: single
shuffle: no
text: Pick b.
a: not this
b: this one
answer: b
explain: b it is.
EOF2

tui_shell "$T/course" 120 36 || { echo "Bail out! tmux session did not start"; exit 1; }
tui_type 'stacklab; echo "LEFT-WITH-$?"'
tui_wait "lab 01 Parse a request" 10
tui_keys / ; tui_tmux send-keys -t t -l "exam quiz"; tui_keys Enter Enter
check_wait "Enter on an exam asks before the clock starts" \
    "Start exam quiz (sitting 1 of 1)? Its 10-minute clock starts at once. y/N" 5
tui_keys n
check_wait "any key but y does not start it" "exam quiz not started" 5
tui_keys Enter y
check_wait "y starts the sitting" "question 1 of 1" 5
tui_keys q
check_wait "q during the sitting asks, saying the clock keeps running" \
    "Leave? The sitting stays open and its clock keeps running" 5
tui_keys q
check_wait "the map says the sitting is open" \
    "exam quiz left open: its clock keeps running, " 5
case $(tui_screen) in *" left (Enter resumes)"*) pass "with its time left" ;; *) fail "with its time left" "$(tui_screen)" ;; esac
tui_keys Enter
check_wait "Enter resumes an open sitting without asking" "resumed your open sitting" 5
tui_keys b s y
check_wait "the sitting is submitted" "Result: 1 of 1 points" 5
tui_keys q
tui_wait "exam quiz: passed" 5
tui_keys Enter
check_wait "with no attempt left, Enter offers a practice sitting" \
    "exam quiz: no attempts left (1 of 1). p: practice (not recorded)" 5
tui_keys p
check_wait "p sits a practice one, labelled on screen" "PRACTICE (not recorded)" 5
tui_keys q
check_wait "leaving practice says its answers are lost" "A practice sitting is not kept" 5
tui_keys q
tui_wait "(practice: not recorded)" 5
tui_keys q
tui_wait "LEFT-WITH-0" 15
tui_type 'clear; stacklab status'
check_wait "status counts the one real sitting" "(1 sitting)" 5
finish
