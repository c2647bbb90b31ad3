#!/bin/bash
# 301-exam-eof.t -- end of input never burns an exam attempt: `stacklab exam NAME
# </dev/null` and `echo | stacklab exam NAME` (on a sitting begun elsewhere) keep the
# sitting open, say so and exit 4, and the attempt count stays; a script that pipes at
# least one answer still submits at end of input.
. "$(dirname "$0")/lib-course.sh"
plan 20

make_course "$T/course"
cat > "$T/course/exams/quiz.exam" <<'EOF'
title: Quiz
track: vial
minutes: 5
questions: 2
pass: 50
attempts: 3
topics: one 2

question: q-a
topic: one
type: single
shuffle: no
text: Pick b.
a: not this
b: this one
answer: b
explain: b was asked for.

question: q-b
topic: one
type: single
shuffle: no
text: Pick a.
a: this one
b: not this
answer: a
explain: a was asked for.
EOF
export STACKLAB_COURSE="$T/course"
cd "$T"
sittings() { "$SL" status 2>/dev/null | sed -n 's/^exam quiz .*(\([0-9]*\) sittings\{0,1\})$/\1/p'; }

# E1: nothing on standard input at all.
"$SL" exam quiz </dev/null >"$T/out" 2>&1; rc=$?
is "$rc" 4 "E1 end of input with no answer exits 4"
like "$(cat "$T/out")" "the sitting stays open" "E1 and says the sitting stays open"
unlike "$(cat "$T/out")" "Result:" "E1 nothing is submitted"
is "$(sittings)" "" "E1 no attempt is used"

# E2: an empty line on the open sitting (as `echo |` after a sitting begun in the TUI).
echo | "$SL" exam quiz >"$T/out" 2>&1; rc=$?
is "$rc" 4 "E2 an empty line then end of input exits 4"
like "$(cat "$T/out")" "Resuming your open sitting" "E2 the open sitting is the one resumed"
like "$(cat "$T/out")" "the sitting stays open" "E2 and it stays open"
unlike "$(cat "$T/out")" "Result:" "E2 nothing is submitted"
is "$(sittings)" "" "E2 no attempt is used"
like "$(cat "$T/out")" "Sitting 1 of 3" "E2 still the first sitting of three"

# E3: a script that gives one answer and ends submits (scripts keep working).
first=$(sed -n '/^Question 1 of 2/{n;p;}' "$T/out")
case $first in "Pick b.") a=b ;; *) a=a ;; esac
echo "$a" | "$SL" exam quiz >"$T/out" 2>&1; rc=$?
is "$rc" 0 "E3 one right answer of two passes at 50% (exit 0)"
like "$(cat "$T/out")" "Result: 1 of 2 points" "E3 end of input submits after an answer"
is "$(sittings)" 1 "E3 one attempt used"

# E4: --help documents the exit code.
like "$("$SL" --help)" "4  an exam sitting was left open" "E4 --help lists exit code 4"

# E5: a new sitting with nothing typed stays open too, and then resumes.
"$SL" exam quiz </dev/null >"$T/out" 2>&1; rc=$?
is "$rc" 4 "E5 a new sitting with no answer stays open"
"$SL" exam quiz </dev/null >"$T/out" 2>&1
like "$(cat "$T/out")" "Resuming your open sitting" "E5 and resumes next time"
# E6: plain mode on a terminal (answers typed, output piped) asks before submitting.
if command -v tmux >/dev/null; then
    S="$T/tmux.sock"    # a private socket, no user config
    trap 'tmux -S "$S" kill-server 2>/dev/null; rm -rf "$T"' EXIT
    tmux -S "$S" -f /dev/null new-session -d -s e6 -x 100 -y 30 \
        "cd '$T' && HOME='$HOME' STACKLAB_HOME='$STACKLAB_HOME' STACKLAB_COURSE='$T/course' \
         NO_COLOR=1 '$SL' exam quiz | cat; echo EXITED; sleep 60"
    wait_for() {
        for _ in $(seq 1 200); do
            tmux -S "$S" capture-pane -p -t e6 | grep -qF -- "$1" && return 0
            sleep 0.1
        done
        return 1
    }
    wait_for "answer>"
    tmux -S "$S" send-keys -t e6 b Enter
    wait_for "Question 2 of 2"
    tmux -S "$S" send-keys -t e6 C-d
    wait_for "Submit now?"; is "$?" 0 "E6 end of input on a terminal asks 'Submit now?'"
    like "$(tmux -S "$S" capture-pane -p -t e6)" "1 of 2 questions unanswered" \
        "E6 and says how many are unanswered"
    tmux -S "$S" send-keys -t e6 n Enter
    wait_for "EXITED"
    like "$(tmux -S "$S" capture-pane -p -t e6)" "the sitting stays open" "E6 'n' keeps it open"
    is "$(sittings)" 1 "E6 no attempt is used"
else
    for i in 1 2 3 4; do pass "# SKIP tmux is not installed"; done
fi
finish
