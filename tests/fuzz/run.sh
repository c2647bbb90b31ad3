#!/bin/sh
# run.sh -- builds tests/fuzz/fuzz-parsers.c with clang's libFuzzer (plus ASan and UBSan)
# against the runner's sources and fuzzes it for FUZZ_SECONDS (60), starting from a corpus
# of the project's own TAP fixtures, lessons, framework files, a sanitizer report and
# compiler messages. A crash leaves its input in $BUILD/fuzz/ and exits non-zero.
#   sh tests/fuzz/run.sh            (or: make fuzz FUZZ_SECONDS=600)
set -eu
SRC=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${BUILD:-$SRC/build}/fuzz
SECONDS_TO_RUN=${FUZZ_SECONDS:-60}
command -v clang > /dev/null || { echo "fuzz: clang is not installed (apt-get install -y clang)"; exit 2; }
mkdir -p "$OUT/corpus"
PKGS="sqlite3 ncursesw libmicrohttpd libcurl libcrypto libseccomp"
clang -g -O1 -std=c11 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined \
    -I"$SRC/labs/kit" -I"$SRC/sandbox" -I"$SRC/runner" -DSTACKLAB_VERSION='"fuzz"' \
    -DSTACKLAB_SRCDIR="\"$SRC\"" -DSTACKLAB_DATADIR='"/usr/local/share/stacklab"' \
    -o "$OUT/fuzz-parsers" "$SRC/tests/fuzz/fuzz-parsers.c" \
    $(ls "$SRC"/runner/*.c | grep -v '/main\.c$') "$SRC/labs/kit/tap.c" "$SRC"/sandbox/*.c \
    $(pkg-config --cflags --libs $PKGS) -lmd4c -lpthread
# Seeds: the first byte picks the parser (see fuzz-parsers.c).
seed() { n=$1; shift; { printf "\\$(printf '%03o' "$n")"; cat "$@"; } > "$OUT/corpus/seed-$n-$(basename "$1")"; }
for f in "$SRC"/tests/fixtures/tap/*.tap; do seed 0 "$f"; done
printf '==1==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x602\n    #0 0x1 in vial_parse vial/request_parse.c:42:7\n    #1 0x2 in main driver.c:10\nSUMMARY: AddressSanitizer: heap-buffer-overflow vial/request_parse.c:42 in vial_parse\n' > "$OUT/asan.txt"
seed 1 "$OUT/asan.txt"
for f in "$SRC"/lessons/0[1-3]-*.md; do seed 2 "$f"; done
for f in "$SRC"/labs/vial/ref/router.c "$SRC"/labs/vial/ref/request_parse.c; do seed 3 "$f"; done
printf '/tmp/box-XXXXXX/vial/a.c:3:1: error: expected\n' > "$OUT/cc.txt"
seed 4 "$OUT/cc.txt"
for f in "$SRC"/labs/vial/0[1-3]-*/lab.md; do seed 5 "$f"; done
seed 6 "$SRC"/exams/micro.exam
cd "$OUT"
./fuzz-parsers -max_total_time="$SECONDS_TO_RUN" -max_len=8192 -rss_limit_mb=2048 \
    -print_final_stats=1 corpus
