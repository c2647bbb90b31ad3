#!/bin/sh
# bench/tui.sh -- the terminal UI's start-up: time from launch to the first full screen
# (map, pane and footer drawn) with the whole course loaded, and peak memory (VmHWM),
# measured in a private tmux server. Targets: under 100 ms and under 20 MB.
# The time includes tmux starting the pane and the polling step (a few ms): an upper bound.

: "${STACKLAB_BUILD:=$(cd "$(dirname "$0")/.." && pwd)/build}"
SL="$STACKLAB_BUILD/stacklab"
RUNS=${RUNS:-10}
T=$(mktemp -d "${TMPDIR:-/tmp}/stacklab-bench.XXXXXX") || exit 1
chmod 755 "$T"
SOCK="$T/tmux.sock"
tm() { tmux -S "$SOCK" -f /dev/null "$@"; }
trap 'tm kill-server 2>/dev/null; rm -rf "$T"' EXIT
mkdir -p "$T/home"
export HOME="$T/home" STACKLAB_HOME="$T/ws"

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# The workspace is created once, outside the measurement.
if ! NO_COLOR=1 "$SL" list > "$T/list.out" 2>&1; then
    echo "tui: cannot open the course: $(head -1 "$T/list.out")"
    exit 0
fi
items=$(grep -c -E '^ +(lesson|lab|exam)' "$T/list.out")

tm new-session -d -s b -x 120 -y 40 "sleep 600" || { echo "tui: tmux did not start"; exit 0; }
times=""
peak=0
i=1
while [ "$i" -le "$RUNS" ]; do
    t0=$(now_ms)
    tm new-window -d -t b: -n "w$i" \
        "exec env TERM=screen LANG=C.UTF-8 HOME=$HOME STACKLAB_HOME=$STACKLAB_HOME $SL"
    end=$((t0 + 10000))
    until tm capture-pane -p -t "b:w$i" 2>/dev/null | grep -q "q quit"; do
        [ "$(now_ms)" -gt "$end" ] && { echo "tui: no full screen within 10 s"; exit 0; }
    done
    t1=$(now_ms)
    pid=$(tm display-message -p -t "b:w$i" '#{pane_pid}')
    kb=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
    [ -n "$kb" ] && [ "$kb" -gt "$peak" ] && peak=$kb
    tm send-keys -t "b:w$i" q
    times="$times $((t1 - t0))"
    i=$((i + 1))
done
median=$(printf '%s\n' $times | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
best=$(printf '%s\n' $times | sort -n | head -1)
printf 'tui: start-up to first full screen, %s course items: median %s ms, best %s ms over %s runs (target < 100 ms)\n' \
    "$items" "$median" "$best" "$RUNS"
printf 'tui: peak memory at first screen: %s.%s MB (target < 20 MB)\n' \
    $((peak / 1024)) $(( (peak % 1024) * 10 / 1024 ))
