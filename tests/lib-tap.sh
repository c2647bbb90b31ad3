# lib-tap.sh -- helpers for the TAP area's tests: run several TAP programs as one test
# file, renumbering their tests so the merged stream stays consecutive.
#   . "$(dirname "$0")/lib-tap.sh"; tap_begin; tap_merge PROG ARGS...; tap_end

B=${STACKLAB_BUILD:?STACKLAB_BUILD must name the build folder}
TESTS_DIR=$(cd "$(dirname "$0")" && pwd)
tap_count=0
tap_failed_progs=0

tap_begin() {
    echo "TAP version 13"
    tap_tmp=$(mktemp -d "${TMPDIR:-/tmp}/stacklab-tap.XXXXXX") || exit 1
    trap 'rm -rf "$tap_tmp"' EXIT INT TERM
}

# Runs a TAP program; its tests are printed renumbered after the ones already printed,
# its plan and version line dropped. A program that exits non-zero with no failed test
# (a sanitizer's exit), by a signal, or prints no test at all adds one failing test.
tap_merge() {
    "$@" > "$tap_tmp/out" 2> "$tap_tmp/err"
    rc=$?
    awk -v base="$tap_count" -v count_file="$tap_tmp/count" '
        /^TAP version / { next }
        /^1\.\.[0-9]+/ { next }
        /^(not )?ok [0-9]+/ {
            n++; neg = ($1 == "not"); sub(/^(not )?ok [0-9]+/, "")
            if (neg && $0 !~ /# TODO/) bad++
            printf "%sok %d%s\n", neg ? "not " : "", base + n, $0; next
        }
        { print }
        END { print n + 0, bad + 0 > count_file }
    ' "$tap_tmp/out"
    read ran bad < "$tap_tmp/count"
    tap_count=$((tap_count + ran))
    sed 's/^/# stderr: /' "$tap_tmp/err" | head -40
    if [ "$rc" -gt 128 ] || [ "$ran" -eq 0 ] || { [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; }; then
        tap_count=$((tap_count + 1))
        echo "not ok $tap_count - $(basename "$1") ended badly (status $rc, $ran tests)"
    fi
}

# Prints "ok"/"not ok" for a shell-level check: tap_check DESCRIPTION COMMAND...
tap_check() {
    desc=$1; shift
    tap_count=$((tap_count + 1))
    if "$@"; then echo "ok $tap_count - $desc"; else echo "not ok $tap_count - $desc"; fi
}

tap_end() {
    echo "1..$tap_count"
}
