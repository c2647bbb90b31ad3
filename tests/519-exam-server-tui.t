#!/bin/sh
# 519-exam-server-tui.t -- a class's exam from the course map in tmux: the learner's class
# course (the bundle `stacklab login` fetched) lists the exam; Enter asks before sitting it
# on the class server; the exam screen shows the server's questions; q leaves the sitting
# open there (the map says so); Enter resumes it; s submits it and the result says the
# server keeps it, with no key or explanation on the screen. The terminal then goes away
# under the exam screen: the program ends instead of spinning on a dead terminal.
. "$(dirname "$0")/lib-tui.sh"
plan 9

tui_course "$T/course"
sed 's/^track: toy$/track: vial/' "$REPO/tests/fixtures/quiz.exam" > "$T/course/exams/quiz.exam"
"$SL" serve --course "$T/course" --listen 127.0.0.1:0 --db "sqlite:$T/class.db" --workers 0 \
    2> "$T/serve.log" &
SERVE=$!
trap 'kill $SERVE 2>/dev/null; tui_tmux kill-server 2>/dev/null; rm -rf "$T"' EXIT
i=0
while ! PORT=$(sed -n 's/^stacklab serve: listening on port \([0-9]*\) .*/\1/p' "$T/serve.log") \
      || [ -z "$PORT" ]; do
    i=$((i + 1))
    [ $i -gt 100 ] && { sed 's/^/# /' "$T/serve.log"; echo "Bail out! serve did not start"; exit 1; }
    sleep 0.1
done
CODE=$("$SL" class create "Map class" --db "sqlite:$T/class.db" 2> /dev/null)
env -u XDG_CONFIG_HOME -u XDG_DATA_HOME HOME="$T/home" "$SL" login "http://127.0.0.1:$PORT" "$CODE" \
    --name tui > "$T/login.out" 2>&1 || { sed 's/^/# /' "$T/login.out"; echo "Bail out! login failed"; exit 1; }
CC="$T/home/.local/share/stacklab/class/127.0.0.1_$PORT/course"
[ -f "$CC/BUNDLE" ] || { echo "Bail out! no class course in $CC"; exit 1; }

tui_shell "$CC" 120 36 || { echo "Bail out! tmux session did not start"; exit 1; }
tui_type 'stacklab; echo "LEFT-WITH-$?"'
tui_wait "lab 01 Parse a request" 10
tui_keys / ; tui_tmux send-keys -t t -l "exam quiz"; tui_keys Enter Enter
check_wait "Enter on a class's exam asks before sitting it on the server" \
    "Sit exam quiz on the class server? A sitting open there resumes" 5
tui_keys y
check_wait "y starts the server's sitting: its questions on the exam screen" "question 1 of 3" 10
tui_keys q
check_wait "q asks, saying the clock keeps running" \
    "Leave? The sitting stays open and its clock keeps running" 5
tui_keys q
check_wait "the map says the sitting is open on the class server" \
    "exam quiz left open on the class server" 5
tui_keys Enter y
check_wait "Enter and y resume the server's open sitting" "resumed your open sitting" 10
tui_keys s y
check_wait "s submits: the server's result" "Result: 0 of 4 points" 10
check_wait "the result says the class server keeps it" "Sat on the class server" 5
case $(tui_screen) in
    *SECRET*|*"right answer:"*|*"why: "*) fail "no key or explanation on the screen" "$(tui_screen)" ;;
    *) pass "no key or explanation on the screen" ;;
esac
# mine PIDS: the processes whose environment names this test's workspace.
mine() {
    for e in /proc/[0-9]*/environ; do
        tr '\0' '\n' < "$e" 2>/dev/null | grep -qx "STACKLAB_HOME=$T/ws" && echo "${e%/environ}"
    done
}
[ -n "$(mine)" ] || fail "the program runs before the terminal goes" "no process found"
tui_tmux kill-server 2>/dev/null
i=0
while [ -n "$(mine)" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
if [ -z "$(mine)" ]; then pass "with its terminal gone, the program on the exam screen ends"
else fail "with its terminal gone, the program on the exam screen ends" "$(mine)"; fi
finish
