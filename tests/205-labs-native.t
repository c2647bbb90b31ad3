#!/bin/sh
# 205-labs-native.t -- the vial labs 01-02 proven both ways natively (no sandbox), with
# labs/kit/tools/run-pair.sh: the reference passes every test of labs <= N; starter(N)
# passes the labs before N and fails every test of lab N; broken subjects (a crash, an
# endless loop, a leak) fail. Fixed seed.
# The plain pass of make test runs it: it runs no part of stacklab, so the second pass
# (stacklab under ASan and UBSan) would only repeat it.
if [ "${STACKLAB_SANITIZED:-}" = 1 ]; then
    echo "1..0 # SKIP the plain pass runs it"
    exit 0
fi
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
TOOL=${STACKLAB_BUILD:-$root/build}/tests/starter-tool     # starter(N) of a file
tmp=$(mktemp -d "${TMPDIR:-/tmp}/t205.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
export RUNPAIR_CACHE="$tmp/cache"
mkdir -p "$RUNPAIR_CACHE"
seed=205
labs="01-parse-request 02-build-response"   # 203 proves every lab in the sandbox
n=0
say() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }

# run LAB VIALDIR -> sets ok_count, fail_count, rc; TAP kept in $tmp/out
run() {
    "$root/labs/kit/tools/run-pair.sh" "$root/labs/vial/$1" "$2" "$seed" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    ok_count=$(grep -c '^ok ' "$tmp/out")
    fail_count=$(grep -c '^not ok ' "$tmp/out")
}
show() { sed 's/^/# /' "$tmp/out" "$tmp/err" | head -40; }

echo "TAP version 13"
echo "1..8"
i=0
for lab in $labs; do
    i=$((i + 1))
    run "$lab" "$root/labs/vial/ref"
    [ "$rc" = 0 ] && [ "$fail_count" = 0 ] && [ "$ok_count" -gt 5 ]
    r=$?; say $r "reference passes lab $lab ($ok_count tests)"; [ $r = 0 ] || show
    mkdir -p "$tmp/starter$i"
    for f in "$root"/labs/vial/ref/*; do
        "$TOOL" "$i" "$f" > "$tmp/starter$i/$(basename "$f")"
    done
    j=0
    for before in $labs; do
        j=$((j + 1))
        [ "$j" -le "$i" ] || break
        run "$before" "$tmp/starter$i"
        if [ "$j" -lt "$i" ]; then
            [ "$rc" = 0 ] && [ "$fail_count" = 0 ] && [ "$ok_count" -gt 5 ]
            r=$?; say $r "starter($i) passes lab $before"
        else
            [ "$rc" != 0 ] && [ "$ok_count" = 0 ] && [ "$fail_count" -gt 5 ]
            r=$?; say $r "starter($i) fails every test of lab $before ($fail_count)"
        fi
        [ $r = 0 ] || show
    done
done

# Broken subjects: the reference with one function sabotaged.
sabotage() { # NAME CODE
    mkdir -p "$tmp/$1" && cp "$root"/labs/vial/ref/* "$tmp/$1/"
    sed -i "/^int vial_parse_request(/{n;a\\
    $2
}" "$tmp/$1/request_parse.c"
}
sabotage crash 'if (len > 60) { volatile int *volatile p = NULL; *p = 1; }'
run 01-parse-request "$tmp/crash"
[ "$rc" != 0 ] && grep -q "the program stopped answering" "$tmp/out" && [ "$fail_count" -gt 0 ]
r=$?; say $r "a subject that crashes fails with 'the program stopped answering'"; [ $r = 0 ] || show
sabotage loop 'if (len > 60) for (volatile int k = 0;; k++) { }'
run 01-parse-request "$tmp/loop"
[ "$rc" != 0 ] && grep -q "the program stopped answering" "$tmp/out" && [ "$fail_count" -gt 0 ]
r=$?; say $r "a subject that loops forever fails"; [ $r = 0 ] || show
sabotage leak '{ char *volatile lost = malloc(32); lost[0] = 1; lost = NULL; }'
run 01-parse-request "$tmp/leak"
[ "$rc" != 0 ] && grep -q "LeakSanitizer" "$tmp/err"
r=$?; say $r "a subject that leaks fails (LeakSanitizer)"; [ $r = 0 ] || show
