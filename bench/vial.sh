#!/bin/sh
# vial.sh -- the micro track's figures: the same two routes (/plaintext, /json) served
# three ways in one run -- a bare libmicrohttpd handler, the reference vial app, Flask on
# gunicorn (2 workers) -- each driven by wrk on loopback. Prints requests/s, p99 latency
# and the server's CPU time per request (user + system time of the server processes from
# /proc, before and after, divided by the requests served). CPU per request is the figure
# that compares frameworks: on a small machine wrk shares the cores with the server.
# Targets: vial within 1.2x of bare libmicrohttpd, and at least 5x less than Flask.
#   BENCH_SECONDS (4) per measurement, BENCH_CONNS (8) wrk connections.
set -u
SRC=$(cd "$(dirname "$0")/.." && pwd)
DUR=${BENCH_SECONDS:-4}
CONNS=${BENCH_CONNS:-8}
WORKERS=2
TCK=$(getconf CLK_TCK)
T=$(mktemp -d "${TMPDIR:-/tmp}/vial-bench.XXXXXX") || exit 1
SERVER_PID=
cleanup() {
    exec 9>&- 2>/dev/null
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT INT TERM

# Packages: benches may install what they need (as root); otherwise say what is missing.
need=
command -v wrk > /dev/null || need="$need wrk"
command -v gunicorn > /dev/null || need="$need gunicorn"
# Flask must be importable by the Python that runs gunicorn (Debian's), not just any python3.
GPY=$(command -v gunicorn > /dev/null && sed -n '1s/^#! *//p' "$(command -v gunicorn)")
[ -n "$GPY" ] && [ -x "$GPY" ] || GPY=/usr/bin/python3
"$GPY" -c 'import flask' 2> /dev/null || need="$need python3-flask"
[ -f /usr/include/cjson/cJSON.h ] || need="$need libcjson-dev"
if [ -n "$need" ]; then
    if [ "$(id -u)" = 0 ]; then
        apt-get install -y $need > "$T/apt.log" 2>&1 || { echo "vial: could not install$need"; exit 0; }
    else
        echo "vial: skipped, missing packages:$need (apt-get install -y$need)"
        exit 0
    fi
fi

# Build: the reference vial with markers dropped, then the two C servers.
mkdir -p "$T/vial"
for f in "$SRC"/labs/vial/ref/*; do       # the reference, markers dropped
    "${STACKLAB_BUILD:-$SRC/build}/tests/starter-tool" 0 "$f" > "$T/vial/$(basename "$f")" || exit 1
done
LIBS="-lmicrohttpd -lcrypto -lcjson -lpthread"
cc -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -DNDEBUG -I"$T/vial" -o "$T/vial-app" \
    "$SRC/bench/vial-app.c" "$T"/vial/*.c $LIBS || { echo "vial: vial-app did not build"; exit 1; }
cc -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -DNDEBUG -o "$T/bare-mhd" "$SRC/bench/bare-mhd.c" \
    $LIBS || { echo "vial: bare-mhd did not build"; exit 1; }

# Sum of utime + stime (clock ticks) of the given pids.
ticks() {
    for p in "$@"; do sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null; done \
        | awk '{ t += $12 + $13 } END { print t + 0 }'
}

# Waits (deadline 10 s) until URL answers. Returns 1 on time-out.
wait_up() {
    i=0
    while [ $i -lt 100 ]; do
        wrk -t1 -c1 -d1s "$1" 2>/dev/null | grep -q 'Requests/sec' && return 0
        i=$((i + 1))
    done
    return 1
}

# Starts a C server (stdin a fifo: it stops at EOF); sets PORT and SERVER_PID.
start_c() {
    rm -f "$T/in" "$T/port"
    mkfifo "$T/in"
    "$1" "$WORKERS" < "$T/in" > "$T/port" &
    SERVER_PID=$!
    exec 9> "$T/in"
    i=0
    while [ ! -s "$T/port" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
    PORT=$(cat "$T/port")
}

stop_c() {
    exec 9>&-
    wait "$SERVER_PID" 2>/dev/null
    SERVER_PID=
}

start_flask() {
    PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    PYTHONDONTWRITEBYTECODE=1 gunicorn -w "$WORKERS" -b "127.0.0.1:$PORT" \
        --chdir "$SRC/bench" --log-level warning flask_app:app > "$T/gunicorn.log" 2>&1 &
    SERVER_PID=$!
}

stop_flask() {
    kill "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null
    SERVER_PID=
}

# measure NAME ROUTE: one wrk run against PORT; prints a row and keeps the figures.
measure() {
    url="http://127.0.0.1:$PORT/$2"
    pids="$SERVER_PID $(ps -o pid= --ppid "$SERVER_PID" 2>/dev/null | tr '\n' ' ')"
    wrk -t1 -c"$CONNS" -d1s "$url" > /dev/null 2>&1         # warm up, not counted
    before=$(ticks $pids)
    wrk -t1 -c"$CONNS" -d"${DUR}s" --latency "$url" > "$T/wrk.out" 2>&1
    after=$(ticks $pids)
    awk -v name="$1" -v route="$2" -v dt="$((after - before))" -v tck="$TCK" '
        /requests in/ { n = $1 }
        /Requests\/sec:/ { rps = $2 }
        $1 == "99%" { p99 = $2 }
        /Non-2xx|Socket errors/ { bad = bad " " $0 }
        END {
            cpu = n > 0 ? dt / tck / n * 1e6 : 0
            printf "%-10s %-10s %10.0f %10s %10.1f us%s\n", name, route, rps, p99, cpu,
                   bad != "" ? "  (" bad " )" : ""
            printf "%s %s %f\n", name, route, cpu > "/dev/stderr"
        }' "$T/wrk.out" 2>> "$T/figures"
}

echo "vial bench: wrk -t1 -c$CONNS -d${DUR}s on loopback, $WORKERS server threads/workers," \
     "$(nproc) cores"
printf "%-10s %-10s %10s %10s %13s\n" server route "req/s" p99 "CPU/request"
for s in bare-mhd vial-app; do
    start_c "$T/$s"
    if [ -z "$PORT" ] || ! wait_up "http://127.0.0.1:$PORT/plaintext"; then
        echo "$s: did not start"; stop_c; continue
    fi
    measure "${s%-*}" plaintext
    measure "${s%-*}" json
    stop_c
done
start_flask
if wait_up "http://127.0.0.1:$PORT/plaintext"; then
    measure flask plaintext
    measure flask json
else
    echo "flask: gunicorn did not start"; sed 's/^/  /' "$T/gunicorn.log" | head -5
fi
stop_flask
fv=$("$GPY" -c 'import importlib.metadata as m; print(m.version("flask"))' 2>/dev/null)
gv=$(gunicorn --version 2>/dev/null | tr -cd '0-9.\n')
echo "(Flask $fv, gunicorn $gv sync workers; libmicrohttpd $(pkg-config --modversion libmicrohttpd 2>/dev/null))"
awk '
    { cpu[$1 " " $2] = $3 }
    END {
        split("plaintext json", routes, " ")
        for (i = 1; i <= 2; i++) {
            r = routes[i]; b = cpu["bare " r]; v = cpu["vial " r]; f = cpu["flask " r]
            line = sprintf("%-10s CPU per request:", r)
            if (b > 0 && v > 0)
                line = line sprintf(" vial / bare = %.2fx (target <= 1.2: %s)", v / b,
                                    (v / b <= 1.2) ? "met" : "missed")
            if (v > 0 && f > 0)
                line = line sprintf(", flask / vial = %.1fx (target >= 5: %s)", f / v,
                                    (f / v >= 5) ? "met" : "missed")
            print line
        }
    }' "$T/figures"
