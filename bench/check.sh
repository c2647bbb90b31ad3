#!/bin/sh
# check.sh -- the time of `stacklab check 01` on the reference (median of several runs,
# checker already cached) beside a bare `gcc ... && run` of the same subject and checker
# outside the sandbox, printed as both times and their ratio; also after one edit, with
# no build cache at all, and a fresh learner's first check (new workspace, empty cache).
# Target: under 1 s, ratio under 1.5; the first check of a fresh workspace under 2 s.
set -u
: "${STACKLAB_BUILD:?STACKLAB_BUILD must name the build folder}"
SRC=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-5}
SL="$STACKLAB_BUILD/stacklab"
TOOL="$STACKLAB_BUILD/tests/starter-tool"
T=$(mktemp -d "${TMPDIR:-/tmp}/stacklab-bench.XXXXXX") || exit 1
chmod 755 "$T"
trap 'rm -rf "$T"' EXIT INT TERM
mkdir -p "$T/home" "$T/cache"
chmod 755 "$T/home" "$T/cache"
export HOME="$T/home" XDG_CACHE_HOME="$T/cache" STACKLAB_HOME="$T/ws" STACKLAB_SEED=1
export STACKLAB_COURSE="${STACKLAB_COURSE:-$SRC}" NO_COLOR=1
C="$STACKLAB_COURSE"
labdir=$(ls -d "$C"/labs/*/01-*/ 2>/dev/null | head -n 1)
labdir=${labdir%/}
[ -n "$labdir" ] && [ -f "$labdir/checker.c" ] || { echo "check: no lab 01 yet"; exit 0; }
ref=$(dirname "$labdir")/ref
"$SL" init "$T/ws" > /dev/null || exit 1
for f in "$ref"/*.c "$ref"/*.h; do
    "$TOOL" 0 "$f" > "$T/ws/vial/$(basename "$f")" || exit 1
done

now() { date +%s.%N; }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# stacklab check 01 (first run builds and caches the checker; not counted)
(cd "$T/ws" && "$SL" check 01 > "$T/check.out" 2>&1) || { echo "check: the reference did not pass"; cat "$T/check.out"; exit 1; }
for i in $(seq "$RUNS"); do
    a=$(now); (cd "$T/ws" && "$SL" check 01 > /dev/null 2>&1); b=$(now)
    awk -v a="$a" -v b="$b" 'BEGIN { print b - a }'
done | median > "$T/sandboxed"
# the learner's loop: one file edited before each check (that file recompiled, relinked)
edit=$(cd "$T/ws/vial" && ls request_parse.c 2>/dev/null || ls *.c | head -n 1)
for i in $(seq "$RUNS"); do
    printf '/* edit %s */\n' "$i" >> "$T/ws/vial/$edit"
    a=$(now); (cd "$T/ws" && "$SL" check 01 > /dev/null 2>&1); b=$(now)
    awk -v a="$a" -v b="$b" 'BEGIN { print b - a }'
done | median > "$T/edited"
# cold: nothing cached but the checker, every subject file compiled (the bare build's work)
for i in $(seq "$RUNS"); do
    a=$(now); (cd "$T/ws" && STACKLAB_NO_BUILD_CACHE=1 "$SL" check 01 > /dev/null 2>&1); b=$(now)
    awk -v a="$a" -v b="$b" 'BEGIN { print b - a }'
done | median > "$T/cold"

# bare: the same subject build and run, no sandbox (checker and runner built once)
SUBJ="-std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror=implicit-function-declaration
 -Werror=int-conversion -g -fsanitize=address,undefined -fno-omit-frame-pointer -pipe"
K="$C/labs/kit"
gcc -std=c11 -D_GNU_SOURCE -DSTACKLAB_REFERENCE -O1 -g -I"$K" -I"$ref" -I"$labdir" -o "$T/checker" \
    "$labdir/checker.c" "$K/tap.c" "$K/wire.c" "$K/httpcheck.c" "$K/refserver.c" "$ref"/*.c \
    -Wl,--wrap=MHD_start_daemon -lcurl -lmicrohttpd -lcrypto -lcjson -lpthread || exit 1
gcc -std=c11 -D_GNU_SOURCE -O1 -o "$T/pairrun" "$K/tools/pairrun.c" || exit 1
for i in $(seq "$RUNS"); do
    a=$(now)
    # shellcheck disable=SC2086
    gcc $SUBJ -I"$T/ws/vial" -I"$K" -o "$T/subject" "$labdir/driver.c" "$K/sanhooks.c" \
        "$T"/ws/vial/*.c -lmicrohttpd -lcrypto -lcjson -lcurl -lpthread \
        && "$T/pairrun" "$T/subject" -- "$T/checker" 1 > /dev/null 2>&1
    b=$(now)
    awk -v a="$a" -v b="$b" 'BEGIN { print b - a }'
done | median > "$T/bare"

# a fresh learner: new workspace, empty cache; the first check once init's background
# build is done, right after init, and with no background build (one run each)
fresh() {
    rm -rf "$T/fresh"; mkdir -p "$T/fresh/cache"
    XDG_CACHE_HOME="$T/fresh/cache" STACKLAB_PREBUILD=$1 "$SL" init "$T/fresh/ws" > /dev/null
    [ "$2" = wait ] && flock "$T/fresh/ws/.stacklab/warming" true
    a=$(now); (cd "$T/fresh/ws" && XDG_CACHE_HOME="$T/fresh/cache" "$SL" check 01 > /dev/null 2>&1); b=$(now)
    flock "$T/fresh/ws/.stacklab/warming" true 2>/dev/null
    awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", b - a }'
}
command -v flock > /dev/null && printf 'first check of a fresh workspace: %s s once the build init starts is done (%s s right after init, %s s with STACKLAB_PREBUILD=0)\n' \
    "$(fresh 1 wait)" "$(fresh 1 now)" "$(fresh 0 now)" > "$T/fresh.line"

s=$(cat "$T/sandboxed"); b=$(cat "$T/bare"); e=$(cat "$T/edited"); c=$(cat "$T/cold")
printf 'check 01 (reference, %d runs, median): stacklab check %.2f s, bare gcc + run %.2f s, ratio %.2f\n' \
    "$RUNS" "$s" "$b" "$(awk -v s="$s" -v b="$b" 'BEGIN { print s / b }')"
printf 'check 01 after editing vial/%s: %.2f s (ratio to bare %.2f)\n' \
    "$edit" "$e" "$(awk -v e="$e" -v b="$b" 'BEGIN { print e / b }')"
printf 'check 01 with no build cache (every file compiled): %.2f s (ratio to bare %.2f)\n' \
    "$c" "$(awk -v c="$c" -v b="$b" 'BEGIN { print c / b }')"
cat "$T/fresh.line" 2>/dev/null
