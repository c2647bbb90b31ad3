# lib-tui.sh -- helpers for the 4xx tests: drive the real stacklab program in tmux on a
# private server with no user configuration, in a fixed-size detached session, and poll
# the screen text with deadlines (never fixed sleeps). Sourced, never run by prove.

: "${STACKLAB_BUILD:?set STACKLAB_BUILD to the build folder}"
SL="$STACKLAB_BUILD/stacklab"
REPO=$(cd "$(dirname "$0")/.." && pwd)
T=$(mktemp -d "${TMPDIR:-/tmp}/stacklab-tui.XXXXXX") || exit 1
TUI_SOCK="$T/tmux.sock"   # a private socket: never the shared /tmp/tmux-UID
tui_tmux() { tmux -S "$TUI_SOCK" -f /dev/null "$@"; }
trap 'tui_tmux kill-server 2>/dev/null; rm -rf "$T"' EXIT
chmod 755 "$T"   # boxes run as an unprivileged uid when started as root
mkdir -p "$T/home"

_n=0
_failed=0
plan() { echo "1..$1"; }
pass() { _n=$((_n + 1)); echo "ok $_n - $1"; }
fail() {
    _n=$((_n + 1)); _failed=$((_failed + 1)); echo "not ok $_n - $1"
    shift
    for l in "$@"; do printf '%s\n' "$l" | sed 's/^/# /'; done
}
skip_rest() { while [ "$_n" -lt "$1" ]; do _n=$((_n + 1)); echo "ok $_n # SKIP $2"; done; }
finish() { [ "$_failed" -eq 0 ]; exit $?; }

# tui_course DIR: a small valid course: two long lessons (numbered paragraphs, a rare
# word to search for), a lab with two hints.
tui_course() {
    d=$1
    mkdir -p "$d/lessons" "$d/labs/vial/ref" "$d/labs/vial/01-first" "$d/labs/kit" "$d/exams"
    printf -- '---\nid: vial\ntitle: Micro track: vial\nshort: vial\norder: 1\nfolder: vial\nlibs: libmicrohttpd\n---\n\nA small track.\n' \
        > "$d/labs/vial/track.md"
    {
        printf -- '---\nid: 01\ntitle: Frameworks from the inside\nminutes: 5\n---\n'
        printf '# Frameworks from the inside\n\nOpening words of the lesson.\n\n'
        i=1
        while [ $i -le 60 ]; do
            if [ $i -eq 45 ]; then w="the zebracorn sentence"; else w="an ordinary sentence"; fi
            printf 'Paragraph %d is %s about *frameworks* and `code`.\n\n' $i "$w"
            i=$((i + 1))
        done
        printf 'Closing words of the lesson.\n'
    } > "$d/lessons/01-inside.md"
    printf -- '---\nid: 02\ntitle: Requests as bytes\nminutes: 7\ntrack: vial\n---\n# Requests\n\nShort lesson text.\n' \
        > "$d/lessons/02-bytes.md"
    printf 'int a(void)\n{\n/* SOLUTION(01) BEGIN */\n    return 2;\n/* SOLUTION(01) STUB\n    return 1;\n   SOLUTION(01) END */\n}\n' \
        > "$d/labs/vial/ref/a.c"
    for f in tap.c tap.h wire.c wire.h workspace.mk sanhooks.c sqlcount.h; do
        [ -f "$REPO/labs/kit/$f" ] && cp "$REPO/labs/kit/$f" "$d/labs/kit/$f"
    done
    {
        printf -- '---\nid: 01\ntitle: Parse a request\ntrack: vial\nlesson: 02\n'
        printf 'requires:\nfiles: vial/a.c\npoints: 10\n---\n'
        printf '## Goal\n\nMake a() return 2.\n\n## Hints\n\n### Hint 1\n\nLook at a.c first.\n\n'
        printf '### Hint 2\n\nChange the 1.\n'
    } > "$d/labs/vial/01-first/lab.md"
    # The subject answers a() on descriptor 4; the checker reads it on descriptor 3.
    cat > "$d/labs/vial/01-first/driver.c" <<'C'
#include <stdio.h>
#include <unistd.h>
int a(void);
int main(void)
{
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%d\n", a());
    return write(4, buf, (size_t)n) == n ? 0 : 1;
}
C
    cat > "$d/labs/vial/01-first/checker.c" <<'C'
#include <stdlib.h>
#include <unistd.h>
#include "tap.h"
int main(void)
{
    char buf[32] = { 0 };
    ssize_t n = read(3, buf, sizeof buf - 1);
    plan(2);
    ok(n > 0, "the program answers");
    is_int(n > 0 ? strtol(buf, NULL, 10) : -1, 2, "a() returns 2");
    return 0;
}
C
}

# tui_shell COURSE [COLS ROWS]: a session running a clean interactive shell whose prompt
# is "PROMPT$ ", with the course and a workspace under $T, in the given size.
tui_shell() {
    tui_tmux new-session -d -s t -c "$T" -x "${2:-120}" -y "${3:-36}" \
        "env -i PATH=$STACKLAB_BUILD:/usr/bin:/bin HOME=$T/home STACKLAB_HOME=$T/ws STACKLAB_COURSE=$1 \
         TERM=screen LANG=C.UTF-8 EDITOR=true PS1='PROMPT\$ ' ${TUI_ENV:-} sh" || return 1
    tui_wait 'PROMPT$' 10
}

# tui_type TEXT: types text then Enter in the shell.
tui_type() { tui_tmux send-keys -t t -l "$1" && tui_tmux send-keys -t t Enter; }
# tui_keys KEY...: tmux key names (Down, PageDown, Escape, q ...).
tui_keys() { tui_tmux send-keys -t t "$@"; }
tui_screen() { tui_tmux capture-pane -p -t t; }

# tui_wait TEXT [SECONDS]: polls the screen until it shows TEXT; 1 at the deadline.
tui_wait() {
    end=$(( $(date +%s) + ${2:-10} ))
    while :; do
        tui_screen | grep -qF -- "$1" && return 0
        [ "$(date +%s)" -ge "$end" ] && return 1
        sleep 0.05
    done
}

# tui_wait_gone TEXT [SECONDS]: polls until the screen no longer shows TEXT.
tui_wait_gone() {
    end=$(( $(date +%s) + ${2:-10} ))
    while :; do
        tui_screen | grep -qF -- "$1" || return 0
        [ "$(date +%s)" -ge "$end" ] && return 1
        sleep 0.05
    done
}

# check_wait NAME TEXT [SECONDS]: a test that passes when TEXT appears in time.
check_wait() {
    if tui_wait "$2" "${3:-10}"; then pass "$1"; else fail "$1" "waited for: $2" "$(tui_screen)"; fi
}
check_gone() {
    if tui_wait_gone "$2" "${3:-10}"; then pass "$1"; else fail "$1" "still shows: $2" "$(tui_screen)"; fi
}
