#!/bin/sh
# 403-tui-ascii.t -- under a locale that is not UTF-8 (LC_ALL=C, POSIX) every screen and
# every plain output is ASCII: table borders, bullets, rules and the course's own dashes
# and accents become look-alikes, never "?" (the TUI, the exam screen too) or
# "<E2><94><80>" (less), and the layout keeps its columns. Under C.UTF-8 the same lesson keeps its box drawing.
. "$(dirname "$0")/lib-tui.sh"
plan 12

tui_course "$T/course"
# A lesson with everything the renderer draws in UTF-8, and text the course really holds.
cat > "$T/course/lessons/01-inside.md" <<'MD'
---
id: 01
title: Frameworks — from the inside
minutes: 5
---
# Frameworks from the inside

Opening words — with a café.

- first point
- second point

| code | meaning   |
|------|-----------|
| 404  | Not Found |

> a quoted line

Closing words of the lesson.
MD

plain() { env HOME="$T/home" STACKLAB_HOME="$T/ws" STACKLAB_COURSE="$T/course" "$@"; }
non_ascii() { LC_ALL=C grep -c "$(printf '[\200-\377]')"; }

out=$(plain LC_ALL=C "$SL" lesson 1 2>&1)
n=$(printf '%s\n' "$out" | non_ascii)
if [ "$n" = 0 ]; then pass "plain: LC_ALL=C prints the lesson in ASCII"
else fail "plain: LC_ALL=C prints the lesson in ASCII" "$out"; fi
case $out in
    *"Lesson 01 - Frameworks - from the inside"*"Opening words - with a cafe."*"*  first point"*"+------+-----------+"*"| 404  | Not Found |"*"| a quoted line"*)
        pass "plain: look-alikes in place, table columns aligned" ;;
    *) fail "plain: look-alikes in place, table columns aligned" "$out" ;;
esac
n=$(plain LC_ALL=POSIX "$SL" list 2>&1 | non_ascii)
if [ "$n" = 0 ]; then pass "plain: LC_ALL=POSIX lists the course in ASCII"
else fail "plain: LC_ALL=POSIX lists the course in ASCII" "$(plain LC_ALL=POSIX "$SL" list 2>&1)"; fi
out=$(plain LC_ALL=C.UTF-8 "$SL" lesson 1 2>&1)
case $out in
    *"Opening words $(printf '\342\200\224') with a caf"*"$(printf '\342\224\214')"*)
        pass "plain: C.UTF-8 keeps the box drawing and the text's own characters" ;;
    *) fail "plain: C.UTF-8 keeps the box drawing and the text's own characters" "$out" ;;
esac

TUI_ENV="LC_ALL=C"
tui_shell "$T/course" 120 36 || { echo "Bail out! tmux session did not start"; exit 1; }
tui_type 'stacklab lesson 1; echo "PAGER-DONE"'
check_wait "less: the lesson through the pager, in ASCII" "+------+-----------+" 10
screen=$(tui_screen)
case $screen in
    *"<E2>"*|*"<C3>"*) fail "less: no <E2> escapes" "$screen" ;;
    *) pass "less: no <E2> escapes" ;;
esac
tui_keys q
tui_wait "PAGER-DONE" 10
tui_type 'clear; stacklab; echo "LEFT-WITH-$?"'
check_wait "tui: the map opens" "lab 01 Parse a request" 10
tui_keys Up Enter
check_wait "tui: the lesson's table in ASCII, columns kept" "| 404  | Not Found |" 5
screen=$(tui_screen)
case $screen in
    *"?"*) fail "tui: no ? for characters the locale cannot show" "$screen" ;;
    *"Opening words - with a cafe."*"*  first point"*) pass "tui: no ? for characters the locale cannot show" ;;
    *) fail "tui: no ? for characters the locale cannot show" "$screen" ;;
esac
tui_keys q
tui_wait "LEFT-WITH-0" 15

# The exam screen: its title, question and options through the same look-alikes.
cat > "$T/course/exams/quiz.exam" <<'EOF2'
title: Café quiz — one
track: vial
minutes: 10
questions: 1
pass: 60
attempts: 1

question: q-accents
type: single
shuffle: no
text: Which café in Zürich — the first?
a: the naïve one
b: the other
answer: a
explain: a it is.
EOF2
tui_type 'clear; stacklab exam quiz; echo "EXAM-DONE"'
check_wait "exam: the question in ASCII look-alikes" "Which cafe in Zurich - the first?" 10
screen=$(tui_screen)
case $screen in
    *"caf?"*|*"Z?rich"*|*"na?ve"*) fail "exam: no ? for the question's or options' accents" "$screen" ;;
    *"the naive one"*) pass "exam: no ? for the question's or options' accents" ;;
    *) fail "exam: no ? for the question's or options' accents" "$screen" ;;
esac
case $screen in
    *"Cafe quiz - one -- question 1 of 1"*) pass "exam: the title in the top bar too" ;;
    *) fail "exam: the title in the top bar too" "$screen" ;;
esac
tui_keys q q
tui_wait "EXAM-DONE" 10
finish
