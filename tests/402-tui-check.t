#!/bin/sh
# 402-tui-check.t -- the lab screen runs the real `stacklab check` in a child process:
# on the starter (failing) workspace it lists the tests with their marks and shows a
# failure's details; `e` runs $EDITOR on the lab's files (a script that fixes the code);
# the next check passes and the map's mark follows.
. "$(dirname "$0")/lib-tui.sh"
plan 11

tui_course "$T/course"
printf '#!/bin/sh\nsed -i "s/return 1;/return 2;/" "$@"\n' > "$T/fix-editor"
chmod +x "$T/fix-editor"

# The grader must be able to run here at all; otherwise there is nothing to show.
out=$(cd "$T" && env HOME="$T/home" STACKLAB_HOME="$T/ws" STACKLAB_COURSE="$T/course" \
      NO_COLOR=1 "$SL" check 01 2>&1)
rc=$?
if [ $rc -ne 1 ]; then
    skip_rest 11 "stacklab check cannot grade here (exit $rc): $(printf '%s' "$out" | tail -1)"
    exit 0
fi

TUI_ENV="EDITOR=$T/fix-editor" tui_shell "$T/course" 120 36 \
    || { echo "Bail out! tmux session did not start"; exit 1; }
tui_type 'stacklab'
check_wait "map: the lab was attempted by the plain check" "$(printf '\342\234\227') lab 01" 10
tui_keys Down Down Enter
check_wait "lab: its screen opens" "Lab 01: Parse a request" 5
tui_keys c
check_wait "check: a failing workspace shows FAIL and the count" "FAIL  1/2 tests passed" 120
check_wait "check: each test with its mark" "ok    [01] the program answers" 5
check_wait "check: the failed one marked FAIL" "FAIL  [01] a() returns 2" 5
tui_keys Enter
check_wait "details: Enter shows the failure" "failed: [01] a() returns 2" 5
check_wait "details: with what was expected" "expected" 5
tui_keys Escape e
# The lab screen is already showing before the editor runs: wait for the file itself.
end=$(( $(date +%s) + 10 ))
until grep -q 'return 2;' "$T/ws/vial/a.c" || [ "$(date +%s)" -ge "$end" ]; do sleep 0.05; done
tui_wait "Lab 01: Parse a request" 10
if grep -q 'return 2;' "$T/ws/vial/a.c"; then pass "edit: e ran \$EDITOR on the lab's file"
else fail "edit: e ran \$EDITOR on the lab's file" "$(cat "$T/ws/vial/a.c")"; fi
tui_keys c
check_wait "check: the fixed workspace passes" "PASS  2/2 tests passed" 120
check_wait "map: the lab is marked passed" "$(printf '\342\234\223') lab 01" 5
tui_keys q
check_wait "quit: back at the prompt" "PROMPT$" 10
finish
