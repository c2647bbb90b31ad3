#!/bin/sh
# starter.sh -- writes starter(N) of a framework folder into OUT_DIR for trying labs
# natively: solution blocks of labs >= N become their stubs, earlier ones stay, marker
# lines are dropped (docs/course-format.md). runner/starter.c is the real implementation.
#   labs/kit/tools/starter.sh N SRC_DIR OUT_DIR
set -eu
[ $# -eq 3 ] || { echo "usage: $0 N SRC_DIR OUT_DIR" >&2; exit 2; }
n=$1 src=$2 out=$3
mkdir -p "$out"
for f in "$src"/*; do
    awk -v n="$n" '
        match($0, /^[ \t]*\/\* SOLUTION\([0-9][0-9]\) BEGIN \*\/[ \t]*$/) {
            lab = substr($0, index($0, "(") + 1, 2) + 0; mode = (lab >= n) ? "skip" : "keep"; next }
        mode != "" && $0 ~ /^[ \t]*\/\* SOLUTION\([0-9][0-9]\) STUB[ \t]*$/ {
            mode = (mode == "skip") ? "stub" : "drop"; next }
        mode != "" && $0 ~ /^[ \t]*SOLUTION\([0-9][0-9]\) END \*\/[ \t]*$/ { mode = ""; next }
        mode != "" && $0 ~ /^[ \t]*\/\* SOLUTION\([0-9][0-9]\) END \*\/[ \t]*$/ { mode = ""; next }
        mode == "skip" || mode == "drop" { next }
        { print }
    ' "$f" > "$out/$(basename "$f")"
done
