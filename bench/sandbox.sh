#!/bin/sh
# bench/sandbox.sh -- spawn cost of a box: /bin/true run bare, in our full sandbox
# (`stacklab sandbox`), and in bubblewrap doing the same work (all namespaces, read-only
# system binds, fresh /proc and /dev). Prints per-run times and the ratios to bare.
# Uses hyperfine when present, else a timed loop. RUNS=N to change the count.
set -u
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${STACKLAB_BUILD:-$SRC/build}
RUNS=${RUNS:-100}
T=$(mktemp -d /tmp/stacklab-bench.XXXXXX) || exit 1
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1

# A minimal driver linked with libsandbox alone, so the figure is the sandbox's own cost
# and not the stacklab program's start-up (it loads sqlite, curl, ncurses, ...).
cat >"$T/sbx-true.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "sandbox.h"
/* sbx-true BOX [nocg|loop N]: one run of /bin/true (exit status = verdict OK), or N runs
 * in this one process, printing the mean ms per run. */
static int one(const char *box, unsigned flags)
{
    char *args[] = { "/bin/true", NULL };
    struct sbx_config c;
    struct sbx_result r;
    char *cause = NULL;
    sbx_config_init(&c);
    c.argv = args;
    c.workdir = box;
    c.flags = flags;
    if (sbx_run(&c, &r, &cause) < 0) {
        fprintf(stderr, "%s\n", cause);
        return 3;
    }
    int ok = r.verdict == SBX_OK;
    if (!ok || getenv("SHOW"))
        fprintf(stderr, "%s %s\n", sbx_verdict_name(r.verdict), r.layers);
    sbx_result_free(&r);
    return ok ? 0 : 1;
}
int main(int argc, char **argv)
{
    if (argc > 3 && strcmp(argv[2], "loop") == 0) {
        long n = strtol(argv[3], NULL, 10);
        struct timespec a, b;
        one(argv[1], 0);    /* warm-up: the machine probe happens once per process */
        clock_gettime(CLOCK_MONOTONIC, &a);
        for (long i = 0; i < n; i++)
            if (one(argv[1], 0) != 0)
                return 1;
        clock_gettime(CLOCK_MONOTONIC, &b);
        printf("%.3f", ((double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6) / (double)n);
        return 0;
    }
    return one(argv[1], argc > 2 && strcmp(argv[2], "nocg") == 0 ? SBX_NO_CGROUP : 0);
}
C
cc -std=c11 -D_GNU_SOURCE -O2 -I"$SRC/sandbox" -o "$T/sbx-true" "$T/sbx-true.c" "$BUILD/libsandbox.a" -lseccomp \
    || { echo "cannot build the driver"; exit 1; }
mkdir -p "$T/box"
BARE="/bin/true"
OURS="$T/sbx-true $T/box"
NOCG="$T/sbx-true $T/box nocg"
mkdir -p "$T/clibox"
CLI="$BUILD/stacklab sandbox --box $T/clibox --quiet -- /bin/true"   # words split by bench_loop: no quotes
BWRAP=""
if command -v bwrap >/dev/null 2>&1; then
    BWRAP="bwrap --unshare-all --die-with-parent --ro-bind /usr /usr"
    for l in bin sbin lib lib64; do
        if [ -L "/$l" ]; then BWRAP="$BWRAP --symlink $(readlink /$l) /$l"
        elif [ -d "/$l" ]; then BWRAP="$BWRAP --ro-bind /$l /$l"; fi
    done
    BWRAP="$BWRAP --ro-bind /etc/ld.so.cache /etc/ld.so.cache --proc /proc --dev /dev"
    BWRAP="$BWRAP --tmpfs /tmp --bind $T /box --chdir /box /bin/true"
    $BWRAP 2>/dev/null || { echo "bwrap cannot run here; left out"; BWRAP=""; }
fi

# ms per run of a command, by a timed loop.
bench_loop() {
    start=$(date +%s%N)
    i=0
    while [ $i -lt "$RUNS" ]; do $1 >/dev/null 2>&1; i=$((i + 1)); done
    end=$(date +%s%N)
    echo "$start $end $RUNS" | awk '{ printf "%.3f", ($2 - $1) / 1e6 / $3 }'
}

# ms per run (mean) by hyperfine; the median goes to $T/median.
bench_hf() {
    hyperfine -N --warmup 5 --runs "$RUNS" --export-csv "$T/hf.csv" "$1" >/dev/null 2>&1 \
        || { bench_loop "$1"; return; }
    awk -F, 'NR == 2 { printf "%.3f", $4 * 1000 >"'"$T/median"'" }' "$T/hf.csv"
    awk -F, 'NR == 2 { printf "%.3f", $2 * 1000 }' "$T/hf.csv"
}
med() { if [ -s "$T/median" ]; then cat "$T/median"; rm -f "$T/median"; else echo "-"; fi; }

if command -v hyperfine >/dev/null 2>&1; then how=hyperfine; m=bench_hf; else how="timed loop"; m=bench_loop; fi
echo "sandbox spawn cost, /bin/true, $RUNS runs each ($how): mean and median ms per run"
ratio() { echo "$1 $2" | awk '$1 != "-" && $2 != "-" { printf "%.2f", $1 / $2; next } { printf "-" }'; }
bare=$($m "$BARE"); bare_md=$(med)
ours=$($m "$OURS"); ours_md=$(med)
nocg=$($m "$NOCG"); nocg_md=$(med)
cli=$($m "$CLI"); cli_md=$(med)
inproc=$("$T/sbx-true" "$T/box" loop "$RUNS")
row() { printf '  %-30s %8s %8s   x%s\n' "$1" "$2" "$3" "$(ratio "$2" "$bare")"; }
printf '  %-30s %8s %8s\n' "" "mean" "median"
printf '  %-30s %8s %8s\n' "bare" "$bare" "$bare_md"
row "sbx_run (all layers)" "$ours" "$ours_md"
row "sbx_run without cgroups" "$nocg" "$nocg_md"
row "sbx_run, in-process loop" "$inproc" "-"
row "stacklab sandbox (CLI)" "$cli" "$cli_md"
if [ -n "$BWRAP" ]; then
    bw=$($m "$BWRAP"); bw_md=$(med)
    row "bwrap --unshare-all" "$bw" "$bw_md"
    echo "  sbx_run / bwrap, mean (median):"
    echo "    all layers (cgroups and seccomp too, which bwrap does not do): $(ratio "$ours" "$bw") ($(ratio "$ours_md" "$bw_md"))"
    echo "    the same namespaces and binds, no cgroups: $(ratio "$nocg" "$bw") ($(ratio "$nocg_md" "$bw_md"))"
    echo "    in-process loop: $(ratio "$inproc" "$bw")"
fi
echo "  layers: $(SHOW=1 $OURS 2>&1)"
