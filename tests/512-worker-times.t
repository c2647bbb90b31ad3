#!/bin/sh
# The worker's timing line (docs/server.md, STACKLAB_WORKER_TIMES; bench/serve.sh reads
# it): with the variable set, `worker --once` writes one line for the job it stored,
# `job N took W s, G s of it grading, stored at E`, with N the submission's id, G the
# result's stored duration, G <= W, and E between the worker's start and end; without it,
# no such line. A job whose result is internal (a lab the course lost) gets its line too.
. "$(dirname "$0")/lib-grader.sh"
. "$(dirname "$0")/lib-serve.sh"
serve_setup

CODE=$("$SL" class create "times" --db "$DB_URL" 2> /dev/null)
serve_start --workers 0 || { t_diag "$T/serve.log"; echo "Bail out! serve did not start"; exit 1; }
TOK=$(enrol ann) || { echo "Bail out! enrolment failed"; exit 1; }
toy_archive "$T/good.tgz"
LINE='^stacklab worker: job \([0-9]*\) took \([0-9.]*\) s, \([0-9.]*\) s of it grading, stored at \([0-9.]*\)$'

# worker_once [ENV...]: one job with `env ENV... stacklab worker --once`; stderr in
# $T/w.err, the times before and after in $T0 and $T1.
worker_once() {
    T0=$(date +%s.%N)
    env "$@" "$SL" worker --course "$STACKLAB_COURSE" --db "$DB_URL" --once > /dev/null 2> "$T/w.err"
    WRC=$?
    T1=$(date +%s.%N)
}

st=$(submit "$TOK" "$T/good.tgz")
ID=$(json_num id)
worker_once STACKLAB_WORKER_TIMES=1
set -- $(sed -n "s/$LINE/\1 \2 \3 \4/p" "$T/w.err")
t_ok $([ "$st" = 202 ] && [ "$WRC" -eq 0 ] && [ "$(grep -c 'stacklab worker: job' "$T/w.err")" -eq 1 ] \
       && [ "${1:-}" = "$ID" ]; echo $?) \
    "with STACKLAB_WORKER_TIMES the worker writes one line for job $ID (${1:-none})"
[ "$G_FAILS" -gt 0 ] && t_diag "$T/w.err" 5
dur=$(dbq "SELECT duration FROM results WHERE submission_id = $ID")
t_ok $(awk -v w="${2:-0}" -v g="${3:-x}" -v d="$dur" \
       'BEGIN { exit !(g != "x" && g > 0 && g <= w && g - d < 0.001 && d - g < 0.001) }'; echo $?) \
    "its grading time ($3 s) is the stored duration ($dur s) and within its wall time ($2 s)"
t_ok $(awk -v e="${4:-0}" -v a="$T0" -v b="$T1" 'BEGIN { exit !(e >= a - 0.01 && e <= b + 0.01) }'; echo $?) \
    "the time it was stored ($4) lies within the worker's run ($T0 .. $T1)"

st=$(submit "$TOK" "$T/good.tgz")
worker_once
t_ok $([ "$st" = 202 ] && [ "$WRC" -eq 0 ] && ! grep -q "s of it grading" "$T/w.err"; echo $?) \
    "without STACKLAB_WORKER_TIMES no such line"

# An internal result: the lab leaves the course between the submission and its grading.
st=$(submit "$TOK" "$T/good.tgz")
ID=$(json_num id)
mkdir "$T/away"
mv "$STACKLAB_COURSE/labs/toy/90-add" "$STACKLAB_COURSE/labs/toy/91-mul" "$T/away/"
worker_once STACKLAB_WORKER_TIMES=1
mv "$T/away/90-add" "$T/away/91-mul" "$STACKLAB_COURSE/labs/toy/"
set -- $(sed -n "s/$LINE/\1 \2 \3 \4/p" "$T/w.err")
t_ok $([ "$st" = 202 ] && [ "$WRC" -eq 0 ] && [ "${1:-}" = "$ID" ] && [ "${3:-}" = 0.000 ] \
       && [ "$(dbq "SELECT verdict FROM results WHERE submission_id = $ID")" = internal ]; echo $?) \
    "an internal result gets its line too, with no grading time (${3:-none})"
[ "$G_FAILS" -gt 0 ] && t_diag "$T/w.err" 5
serve_stop
t_done
