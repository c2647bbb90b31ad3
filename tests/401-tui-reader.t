#!/bin/sh
# 401-tui-reader.t -- the real program in tmux: the map lists the course, a lesson opens
# with its title and text, scrolling and search move, reading to the end marks it read,
# the lab screen reveals hints, help, resizing re-lays out (a too-small screen's message
# wrapped to it), q and Ctrl-C leave a clean prompt with the terminal's modes restored.
. "$(dirname "$0")/lib-tui.sh"
plan 27

tui_course "$T/course"
tui_shell "$T/course" 120 36 || { echo "Bail out! tmux session did not start"; exit 1; }
tui_type 'stty -g > stty.before; stacklab; echo "LEFT-WITH-$?"'
check_wait "map: the course's items and track headings" "lab 01 Parse a request" 10
screen=$(tui_screen)
case $screen in
    *"Foundations"*"01 Frameworks from the inside"*"Micro track: vial"*"02 Requests as bytes"*)
        pass "map: in course order under their tracks" ;;
    *) fail "map: in course order under their tracks" "$screen" ;;
esac
check_wait "map: the progress of the course" "0/3 done" 5

tui_keys Enter
check_wait "lesson: opens with its title" "Lesson 01: Frameworks from the inside" 5
check_wait "lesson: and its text" "Opening words of the lesson." 5
tui_keys PageDown
check_gone "scroll: PgDn moves past the opening" "Opening words of the lesson." 5
check_wait "scroll: to later paragraphs" "Paragraph 20 is" 5
tui_keys g
check_wait "scroll: g goes back to the top" "Opening words of the lesson." 5
tui_keys / ; tui_tmux send-keys -t t -l zebracorn; tui_keys Enter
check_wait "search: / finds the word further down" "Paragraph 45 is the zebracorn" 5
check_gone "search: and the view moved to it" "Opening words of the lesson." 5
tui_keys / ; tui_tmux send-keys -t t -l nowhere-word; tui_keys Enter
check_wait "search: a missing word says so" "not found: nowhere-word" 5
tui_keys G
check_wait "end: G shows the end" "Closing words of the lesson." 5
check_wait "end: reading to the end marks the lesson read" "1/3 done" 5

tui_keys Escape Down Down Enter
check_wait "lab: its screen opens" "Lab 01: Parse a request" 5
check_wait "lab: hints stay hidden, with a way to get one" "Press h for a hint (2 left)" 5
tui_keys h
check_wait "lab: h reveals the first hint" "Look at a.c first." 5
tui_keys '?'
check_wait "help: ? lists the keys from the table" "reveal the next hint" 5
check_wait "help: no help text is cut" 'search the text (in the map: titles, "lab 05")' 5
tui_keys x

tui_tmux resize-window -t t -x 90 -y 30
check_gone "resize: a narrow terminal shows the pane alone" "Micro track: vial" 5
tui_tmux resize-window -t t -x 70 -y 20
check_wait "resize: too small says the size it needs" "needs a terminal of at least 80x24" 5
tui_tmux resize-window -t t -x 24 -y 12
check_wait "resize: the too-small message wraps to 24 columns, not cut" "it bigger (q quits)" 5
case $(tui_screen) in
    *"stacklab needs a"*"terminal of at least"*"80x24"*"this one is 24x12:"*) pass "resize: every word of it shows" ;;
    *) fail "resize: every word of it shows" "$(tui_screen)" ;;
esac
tui_tmux resize-window -t t -x 120 -y 36
check_wait "resize: big again, map and pane side by side" "Micro track: vial" 5

tui_keys Escape / ; tui_tmux send-keys -t t -l "as BYTES"; tui_keys Enter Enter
check_wait "map search: / finds an item by its title, any case, and Enter opens it" \
    "Lesson 02: Requests as bytes" 5
tui_keys Escape / ; tui_tmux send-keys -t t -l "no-such-item"; tui_keys Enter
check_wait "map search: a missing title says so" "not found: no-such-item" 5

tui_keys q
tui_wait "LEFT-WITH-0" 15        # the program has really gone before the shell gets keys
tui_type 'stty -g > stty.after; cmp -s stty.before stty.after && echo MODES-SAME'
check_wait "quit: q gives back a clean prompt, terminal modes as before" "MODES-SAME" 10
tui_type 'clear; stacklab; echo "GONE-AFTER-$?"'
tui_wait "lab 01 Parse a request" 10
tui_keys C-c
tui_wait "GONE-AFTER-" 15
tui_type 'stty -g > stty.after; cmp -s stty.before stty.after && echo CTRL-C-SAME'
check_wait "quit: Ctrl-C restores the terminal too" "CTRL-C-SAME" 10
finish
