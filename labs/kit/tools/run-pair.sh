#!/bin/sh
# run-pair.sh -- builds a lab's subject (driver + a vial folder) and checker with the
# flags of docs/course-format.md into a temp folder and runs them joined by pipes,
# natively (no sandbox), printing the checker's TAP. For working on labs.
#   labs/kit/tools/run-pair.sh LAB_DIR VIAL_DIR [SEED] [EXTRA_SUBJECT_SOURCES...]
# The checker links the reference of the lab's track (LAB_DIR/../ref).
# Exit status: 0 when every test passed and the subject exited cleanly; 1 otherwise;
# 3 when the subject or checker did not build (compiler output on stderr).
set -u
[ $# -ge 2 ] || { echo "usage: $0 LAB_DIR VIAL_DIR [SEED] [EXTRA.c...]" >&2; exit 2; }
lab=$(cd "$1" && pwd) || exit 2
vial=$(cd "$2" && pwd) || exit 2
seed=${3:-1}
[ $# -ge 3 ] && shift 3 || shift $#
kit=$(cd "$(dirname "$0")/.." && pwd)
ref=$(cd "$lab/../ref" && pwd) || exit 2
CC=${CC:-cc}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/runpair.XXXXXX") || exit 3
trap 'rm -rf "$tmp"' EXIT INT TERM
pkgs="libmicrohttpd libcrypto libcjson"
subject_flags="-std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra \
 -Werror=implicit-function-declaration -Werror=int-conversion -g \
 -fsanitize=address,undefined -fno-omit-frame-pointer"
libs=$(pkg-config --libs $pkgs 2>/dev/null || echo "-lmicrohttpd -lcrypto -lcjson")
# The learner's vial.h, the course's wire.h, the track's kit headers (LAB_DIR/../kit) and
# the lab folder's own headers (shared by driver and checker) are all the driver needs;
# they sit together as in the grader's box.
mkdir -p "$tmp/wire" && cp "$kit/wire.h" "$tmp/wire/"
for h in "$lab"/../kit/*.h "$lab"/*.h; do [ -f "$h" ] && cp "$h" "$tmp/wire/"; done
tkit=$(cd "$lab/../kit" 2>/dev/null && pwd) || tkit=$tmp/wire
$CC $subject_flags -I"$vial" -I"$tmp/wire" -o "$tmp/subject" \
    "$lab/driver.c" "$vial"/*.c "$@" $libs -lpthread || exit 3
# The checker: trusted, with the reference compiled with -DSTACKLAB_REFERENCE.
# RUNPAIR_CACHE (a folder) keeps built checkers between runs.
bin=${RUNPAIR_CACHE:-$tmp}
checker=$bin/checker-$(basename "$lab")
if [ ! -x "$checker" ]; then
    $CC -std=c11 -D_GNU_SOURCE -DSTACKLAB_REFERENCE -O1 -g -I"$kit" -I"$ref" -I"$lab" -I"$tkit" \
        -o "$checker.tmp$$" "$lab/checker.c" "$kit/tap.c" "$kit/wire.c" "$kit/httpcheck.c" \
        "$kit/refserver.c" "$ref"/*.c -Wl,--wrap=MHD_start_daemon -lcurl $libs -lpthread \
        && mv "$checker.tmp$$" "$checker" || exit 3
fi
if [ ! -x "$bin/pairrun" ]; then
    $CC -std=c11 -D_GNU_SOURCE -O1 -o "$bin/pairrun.tmp$$" "$kit/tools/pairrun.c" \
        && mv "$bin/pairrun.tmp$$" "$bin/pairrun" || exit 3
fi
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} "$bin/pairrun" -t "${PAIR_WALL:-60}" \
    "$tmp/subject" -- "$checker" "$seed"
