#!/bin/sh
# serve.sh -- the class server's figures: a class of simulated learners submits real lab
# checks at once to `stacklab serve` on loopback, with 1, 2 and 4 workers, on SQLite and
# on PostgreSQL (a private cluster, tests/lib-pg.sh; skipped with a line saying why when
# it is not installed). The submission is vial lab 01 as a learner who just solved it
# holds it: every file of vial/ as starter(2) (lab 01's code written, later labs'
# stubs), a tar.gz posted by bench/serve-load.c (libcurl multi, one thread): all posted
# at once, each polled until done as `stacklab submit` polls (0.2 s, x1.5, 2 s at most).
# Each grading compiles the subject in the sandbox: the worker's workspace is fresh.
# Per run, from the workers' STACKLAB_WORKER_TIMES lines (docs/server.md): graded per
# minute (the class's submissions over the time from the posts to the last result
# stored), p50/p99 latency (post -> result stored), the grader's time per job and the
# worker's wall time beside it; the p50 a polling client sees; the CPU per submission of
# serve, of the workers outside the gradings they fork, and of PostgreSQL. Then at an
# idle server (one submission at a time, median of BENCH_IDLE after a warm-up) what the
# server adds to a grading: post -> result stored minus the grader's time.
# Target: the server adds under 5% to a lab's grading time (judged at an idle server);
# graded per minute grows with workers until the cores are used. Figures, not
# assertions: one run each, on a machine others may share (the load is printed).
#   BENCH_SUBMISSIONS (60; the issue's class of 200 takes about 25 minutes on 2 cores),
#   BENCH_LEARNERS (50; more when 10 a minute each would not do), BENCH_WORKERS
#   ("1 2 4"), BENCH_ENGINES ("sqlite postgresql"), BENCH_IDLE (5);
#   STACKLAB_BENCH_QUICK=1: 16 submissions, 3 idle ones (about 3 minutes).
set -u
: "${STACKLAB_BUILD:?STACKLAB_BUILD must name the build folder}"
SRC=$(cd "$(dirname "$0")/.." && pwd)
SL="$STACKLAB_BUILD/stacklab"
TOOL="$STACKLAB_BUILD/tests/starter-tool"
if [ "${STACKLAB_BENCH_QUICK:-0}" = 1 ]; then N=16 IDLE=3; else N=60 IDLE=5; fi
N=${BENCH_SUBMISSIONS:-$N}
IDLE=${BENCH_IDLE:-$IDLE}
LEARNERS=${BENCH_LEARNERS:-50}
WORKERS=${BENCH_WORKERS:-1 2 4}
ENGINES=${BENCH_ENGINES:-sqlite postgresql}
# 10 submissions a minute per token (docs/server.md): more learners when N needs them
[ $((LEARNERS * 10)) -ge "$N" ] || LEARNERS=$(((N + 9) / 10))
TCK=$(getconf CLK_TCK)
T=$(mktemp -d "${TMPDIR:-/tmp}/stacklab-bench-serve.XXXXXX") || exit 1
chmod 755 "$T"
SERVE_PID=
cleanup() {
    [ -n "$SERVE_PID" ] && kill -TERM "$SERVE_PID" 2>/dev/null && wait "$SERVE_PID"
    command -v pg_stop > /dev/null && pg_stop
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

for h in cjson/cJSON.h:libcjson-dev curl/curl.h:libcurl4-openssl-dev; do
    printf '#include <%s>\n' "${h%%:*}" | cc -E - > /dev/null 2>&1 \
        || { echo "serve: skipped, no ${h%%:*} (apt-get install -y ${h#*:})"; exit 0; }
done
command -v curl > /dev/null || { echo "serve: skipped, no curl (apt-get install -y curl)"; exit 0; }
[ -x "$TOOL" ] || { echo "serve: skipped, no $TOOL (make first)"; exit 0; }
labdir=$(ls -d "$SRC"/labs/vial/01-*/ 2>/dev/null | head -n 1)
[ -n "$labdir" ] || { echo "serve: no vial lab 01 yet"; exit 0; }
cc -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -Wall -Wextra -o "$T/serve-load" \
    "$SRC/bench/serve-load.c" -lcurl -lcjson || { echo "serve: serve-load did not build"; exit 1; }

mkdir -p "$T/home" "$T/cache" "$T/tmp" "$T/arch/vial"
export HOME="$T/home" XDG_CACHE_HOME="$T/cache" TMPDIR="$T/tmp" NO_COLOR=1
export STACKLAB_WORKER_TIMES=1
for f in "$SRC"/labs/vial/ref/*.c "$SRC"/labs/vial/ref/*.h; do
    "$TOOL" 2 "$f" > "$T/arch/vial/$(basename "$f")" || exit 1
done
(cd "$T/arch" && tar czf "$T/sub.tgz" vial) || exit 1
nfiles=$(ls "$T/arch/vial" | wc -l)

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print 0; else print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
mean() { awk '{ s += $1 } END { print (NR ? s / NR : 0) }'; }
# quant Q: the Q-th quantile (nearest rank) of the numbers on stdin
quant() { sort -n | awk -v q="$1" '{ v[NR] = $1 } END { k = int(q * NR + 0.999999); k = k < 1 ? 1 : k > NR ? NR : k; print (NR ? v[k] : 0) }'; }
# field KEY LINE: the value of KEY=VALUE in a serve-load figures line
field() { echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }

# CPU ticks of processes: own (utime + stime) of each PID, and with their reaped
# children (cutime + cstime) for PIDs after --all.
ticks() {
    for p in "$@"; do
        [ "$p" = --all ] && { all=1; continue; }
        [ -r "/proc/$p/stat" ] || continue
        sed 's/^.*) //' "/proc/$p/stat" | awk -v all="${all:-0}" \
            '{ print $12 + $13 + (all ? $14 + $15 : 0) }'
    done | awk '{ s += $1 } END { print s + 0 }'
    all=0
}
# server_ticks: "SERVE WORKERS PG" CPU ticks: serve's, its workers' own (the gradings
# they fork are their children and not counted) and PostgreSQL's (the postmaster with
# the backends it reaped, and the live ones; 0 on SQLite).
server_ticks() {
    pgt=0
    if [ "$ENGINE" = postgresql ]; then
        pm=$(head -n 1 "$PG_DIR/data/postmaster.pid")
        pgt=$(($(ticks --all "$pm") + $(ticks $(ps -o pid= --ppid "$pm"))))
    fi
    echo "$(ticks "$SERVE_PID") $(ticks $(ps -o pid= --ppid "$SERVE_PID")) $pgt"
}

dbq() {
    if [ "$ENGINE" = postgresql ]; then psql -X -tAq "$DB_URL" -c "$1" 2>/dev/null
    else sqlite3 "$DB" "$1" 2>/dev/null; fi
}

# serve_start W: serve on a free loopback port with W workers; $URL. 1 when it did not.
serve_start() {
    LOG="$T/serve.$ENGINE.$1.log"
    : > "$LOG"
    "$SL" serve --course "$SRC" --listen 127.0.0.1:0 --db "$DB_URL" --workers "$1" \
        > "$LOG" 2>&1 &
    SERVE_PID=$!
    i=0
    while [ $i -lt 300 ]; do
        port=$(sed -n 's/^stacklab serve: listening on port \([0-9]*\) .*/\1/p' "$LOG")
        URL="http://127.0.0.1:$port"
        [ -n "$port" ] && curl -s -o /dev/null "$URL/api/v1/health" && return 0
        kill -0 "$SERVE_PID" 2>/dev/null || break
        sleep 0.1
        i=$((i + 1))
    done
    cat "$LOG"
    return 1
}

serve_stop() {
    kill -TERM "$SERVE_PID" 2>/dev/null
    wait "$SERVE_PID"
    SERVE_PID=
}

# enrol NAME: prints the learner's token.
enrol() {
    curl -s -X POST -d "{\"code\":\"$CODE\",\"name\":\"$1\"}" "$URL/api/v1/enrol" \
        | grep -o '"token":"[0-9a-f]*"' | cut -d'"' -f4
}

# worker_times FROM: "ID WALL GRADING STORED" of the jobs logged after line FROM of $LOG
# (docs/server.md, STACKLAB_WORKER_TIMES).
worker_times() {
    tail -n +"$(($1 + 1))" "$LOG" | sed -n 's/^stacklab worker: job \([0-9]*\) took \([0-9.]*\) s, \([0-9.]*\) s of it grading, stored at \([0-9.]*\)$/\1 \2 \3 \4/p'
}

# idle: one submission at a time at an idle server: a warm-up (the checker is built and
# cached on the first), then IDLE measured, each "POST_TO_STORED GRADING WORKER_WALL" to
# $T/idle.$ENGINE.
idle() {
    tok=$(enrol idle) && echo "$tok" > "$T/idle.tok" || return 1
    k=0
    : > "$T/idle.$ENGINE"
    while [ $k -le "$IDLE" ]; do
        from=$(wc -l < "$LOG")
        figs=$("$T/serve-load" "$URL" 01 "$T/idle.tok" "$T/sub.tgz" 1 50 "$T/idle.lat") \
            || return 1
        id=$(cut -d' ' -f1 "$T/idle.lat")
        sleep 0.2   # the worker's line follows its result
        line=$(worker_times "$from" | awk -v id="$id" '$1 == id')
        [ -n "$line" ] || { echo "serve: no STACKLAB_WORKER_TIMES line for job $id"; return 1; }
        [ $k -gt 0 ] && echo "$line" | awk -v e="$(field epoch "$figs")" \
            '{ printf "%.3f %s %s\n", $4 - e, $3, $2 }' >> "$T/idle.$ENGINE"
        k=$((k + 1))
    done
}

# run W: one class of LEARNERS on a fresh database, serve with W workers, the idle
# figures when it is the engine's first run, then N submissions at once; one table row.
run() {
    w=$1
    if [ "$ENGINE" = postgresql ]; then
        psql -X -q "$PG_URL" -c "CREATE DATABASE bench_$w" > /dev/null 2>&1
        DB_URL=$(echo "$PG_URL" | sed "s|/stacklab?|/bench_$w?|")
    else
        DB="$T/class.$w.db"
        DB_URL="sqlite:$DB"
    fi
    CODE=$("$SL" class create bench --db "$DB_URL" 2>/dev/null) || { echo "serve: class create failed"; return 1; }
    serve_start "$w" || { echo "serve: stacklab serve did not start"; return 1; }
    : > "$T/tokens"
    n=1
    while [ $n -le "$LEARNERS" ]; do
        enrol "learner$n" >> "$T/tokens" || { echo "serve: enrolment failed"; return 1; }
        n=$((n + 1))
    done
    if [ ! -s "$T/idle.$ENGINE" ]; then
        idle || { echo "serve: the idle submissions failed"; tail -n 20 "$LOG"; return 1; }
        echo "$w" > "$T/idlew.$ENGINE"
    fi
    from=$(wc -l < "$LOG")
    c0=$(server_ticks)
    figs=$("$T/serve-load" "$URL" 01 "$T/tokens" "$T/sub.tgz" "$N" 0 "$T/seen") \
        || echo "serve: $ENGINE, $w workers: not every submission was accepted and graded"
    c1=$(server_ticks)
    sleep 0.2
    serve_stop
    # the class's jobs: those the learners' client saw (ids in $T/seen)
    worker_times "$from" | awk 'NR == FNR { mine[$1] = 1; next } $1 in mine' "$T/seen" - \
        | awk -v e="$(field epoch "$figs")" '{ print $1, $4 - e, $3, $2 - $3 }' > "$T/jobs"
    ndone=$(wc -l < "$T/jobs")
    span=$(cut -d' ' -f2 "$T/jobs" | quant 1)
    gpm=$(awk -v n="$ndone" -v s="$span" 'BEGIN { print (s > 0 ? n * 60 / s : 0) }')
    grading=$(cut -d' ' -f3 "$T/jobs" | mean)
    outside=$(cut -d' ' -f4 "$T/jobs" | mean)
    printf '%-10s %2s %6.1f %6.1f %6.1f %6.1f %6.2f %7.3f %6.0f %6.0f %6.0f %7s\n' "$ENGINE" "$w" \
        "$gpm" "$(cut -d' ' -f2 "$T/jobs" | quant 0.5)" "$(cut -d' ' -f2 "$T/jobs" | quant 0.99)" \
        "$(field p50 "$figs")" "$grading" "$outside" \
        $(echo "$c0 $c1" | awk -v n="$N" -v t="$TCK" \
            '{ for (i = 1; i <= 3; i++) print ($(i + 3) - $i) * 1000 / t / n }') \
        "$(field pass "$figs")/$N"
    echo "$ENGINE $w $gpm $outside $grading" >> "$T/rows"
}

printf 'serve: %d submissions of vial lab 01 at once (%d files of starter(2), %d bytes as tar.gz) by %d learners; %s cores, load %s\n' \
    "$N" "$nfiles" "$(wc -c < "$T/sub.tgz")" "$LEARNERS" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-10s %2s %6s %6s %6s %6s %6s %7s %6s %6s %6s %7s\n' engine w '/min' p50 p99 seen \
    grade beside serve worker pg passed
: > "$T/rows"
for ENGINE in $ENGINES; do
    if [ "$ENGINE" = postgresql ]; then
        . "$SRC/tests/lib-pg.sh"
        pg_start "$T/pg" || { echo "postgresql: skipped: $PG_WHY"; continue; }
    fi
    for w in $WORKERS; do
        run "$w" || break
    done
    [ "$ENGINE" = postgresql ] && pg_stop
done
echo "(w: workers; /min: graded per minute; p50, p99: seconds from the posts to the result"
echo " stored; seen: p50 to the result seen by a client polling as submit does; grade,"
echo " beside: seconds per job in the grader and in the worker beside it (unpacking, the"
echo " database, the result's JSON); serve, worker, pg: CPU ms per submission of serve (the"
echo " API, polls included), of the workers outside the gradings they fork (the grader's"
echo " own work included), of PostgreSQL)"

# Throughput against workers, per engine.
for ENGINE in $ENGINES; do
    awk -v e="$ENGINE" '$1 == e && $3 > 0 { r[$2] = $3; o[++n] = $2 }
        END { if (n < 2) exit; s = e ": graded/min"; for (i = 2; i <= n; i++)
              s = s sprintf(", %s workers / %s: %.2fx", o[i], o[i-1], r[o[i]] / r[o[i-1]]);
              print s }' "$T/rows"
done

# What the server adds to one grading, at an idle server.
verdict=met
for ENGINE in $ENGINES; do
    [ -s "$T/idle.$ENGINE" ] || continue
    lat=$(cut -d' ' -f1 "$T/idle.$ENGINE" | median)
    dur=$(cut -d' ' -f2 "$T/idle.$ENGINE" | median)
    add=$(awk '{ print $1 - $2 }' "$T/idle.$ENGINE" | median)
    wout=$(awk '{ print $3 - $2 }' "$T/idle.$ENGINE" | median)
    iw=$(cat "$T/idlew.$ENGINE")
    pct=$(awk -v a="$add" -v d="$dur" 'BEGIN { printf "%.1f", (d > 0 ? a * 100 / d : 0) }')
    printf '%s idle (%s worker%s, median of %d): post -> result stored %.3f s, grading %.3f s: the server adds %.3f s (%s%%), %.3f s of it in the worker beside the grader\n' \
        "$ENGINE" "$iw" "$([ "$iw" = 1 ] || echo s)" "$IDLE" "$lat" "$dur" "$add" "$pct" "$wout"
    awk -v p="$pct" 'BEGIN { exit !(p < 5) }' || verdict="not met"
done
load=$(awk '$5 > 0 { s += $4 * 100 / $5; n++ } END { if (n) printf "%.1f", s / n }' "$T/rows")
echo "under load the worker's time beside the grader is ${load:-?}% of the grading (mean of the runs)"
echo "target (the server adds under 5% to a lab's grading time, at an idle server): $verdict"
echo "(load now $(cut -d' ' -f1-3 /proc/loadavg): a busy machine lengthens the grading, not what serve adds)"
