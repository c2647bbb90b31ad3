#!/bin/sh
# 215-mutate.t -- the mutation tool (labs/kit/tools/mutate.c, mutants.sh; make mutants) on
# a course of one tiny lab written here: the mutants of its SOLUTION(01) blocks, listed
# exactly; a capped sample; mutants.txt naming an equivalent one (and refused when it
# names no mutant); apply; and mutants.sh end to end: a checker that kills every mutant
# (one by the time limit) but the equivalent, a mutant that does not compile counted
# apart, then without mutants.txt a survivor shown with its diff and a failing status.
# mutate itself is built with ASan and UBSan here.
# The plain pass of make test runs it (mutate is built with ASan and UBSan here already);
# it runs no part of stacklab, so the second pass would only repeat it.
if [ "${STACKLAB_SANITIZED:-}" = 1 ]; then
    echo "1..0 # SKIP the plain pass runs it"
    exit 0
fi
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
build=${STACKLAB_BUILD:-$root/build}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/t215.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
n=0
say() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
show() { sed 's/^/# /' "$@" | head -60; }

# ---- the course: labs/kit (TAP and wire only), track "mini", lab 01 ------------------
c=$tmp/course
mkdir -p "$c/labs/kit/tools" "$c/labs/mini/ref" "$c/labs/mini/01-max"
cp "$root"/labs/kit/tap.[ch] "$root"/labs/kit/wire.[ch] "$root/labs/kit/sanhooks.c" "$c/labs/kit/"
printf -- '---\nid: mini\ntitle: Mini\nshort: mini\norder: 1\nfolder: mini\nlibs:\n---\n' \
    > "$c/labs/mini/track.md"
printf -- '---\nid: 01\ntitle: Max\nlesson: 01\nfiles: mini/mini.c\ntime: 20\n---\n' \
    > "$c/labs/mini/01-max/lab.md"
cat > "$c/labs/mini/ref/mini.h" <<'EOF'
struct mini_pair { int a, b; };
int mini_max(int a, int b);
struct mini_pair mini_swap(struct mini_pair p);
int mini_sum(int n);
EOF
cat > "$c/labs/mini/ref/mini.c" <<'EOF'
#include "mini.h"

int mini_max(int a, int b)
{
/* SOLUTION(01) BEGIN */
    if (a > b)          /* "a > b" and "a >= b" agree: an equivalent mutant */
        return a;
    return b;
/* SOLUTION(01) STUB
    (void)a;
    return b;
   SOLUTION(01) END */
}

struct mini_pair mini_swap(struct mini_pair p)
{
/* SOLUTION(01) BEGIN */
    struct mini_pair q = { p.b, p.a };
    return q;
/* SOLUTION(01) END */
}

int mini_sum(int n)
{
    int s = 0;
/* SOLUTION(01) BEGIN */
    while (n)
        s += n--;
/* SOLUTION(01) END */
    return s;
}
EOF
cat > "$c/labs/mini/01-max/driver.c" <<'EOF'
#include <stdio.h>
#include <stdlib.h>
#include "mini.h"
#include "wire.h"

int main(void)
{
    char name[WIRE_MAX_NAME], out[32];
    char *data = NULL;
    size_t len = 0;
    while (wire_serve_next(name, sizeof name, &data, &len) == 1) {
        int a = 0, b = 0;
        if (sscanf(data, "%d %d", &a, &b) < 1)
            a = b = 0;
        int r = name[0] == 'm' ? mini_max(a, b) : mini_sum(a);
        int k = snprintf(out, sizeof out, "%d", r);
        free(data);
        if (wire_send(WIRE_OUT, "ok", out, (size_t)k) < 0)
            break;
    }
    return 0;
}
EOF
cat > "$c/labs/mini/01-max/checker.c" <<'EOF'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tap.h"
#include "mini.h"
#include "wire.h"

static long call(struct wire_peer *peer, const char *op, const char *in)
{
    char *ans = NULL;
    size_t alen = 0;
    long got = wire_call(peer, op, in, strlen(in), &ans, &alen) == 0
               ? strtol(ans, NULL, 10) : -1;
    free(ans);
    return got;
}

int main(int argc, char **argv)
{
    struct wire_peer peer;
    (void)wire_seed_arg(argc, argv);
    wire_peer_init(&peer, 2000);       /* the endless loop of a mutant: given up after 2 s */
    plan(4);
    is_int(call(&peer, "max", "3 1"), mini_max(3, 1), "max 3 1");
    is_int(call(&peer, "max", "1 3"), mini_max(1, 3), "max 1 3");
    is_int(call(&peer, "max", "2 2"), mini_max(2, 2), "max 2 2");
    is_int(call(&peer, "sum", "4"), mini_sum(4), "sum 4");
    return wire_finish(&peer);
}
EOF

# ---- mutate: list, sample, equivalents, apply ------------------------------------------
mutate=$tmp/mutate
cc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -g -O1 -fsanitize=address,undefined \
    -fno-sanitize-recover=undefined -fno-omit-frame-pointer -o "$mutate" \
    "$root/labs/kit/tools/mutate.c" 2> "$tmp/cc.err"
say $? "mutate.c builds with -Wall -Wextra -Werror, ASan and UBSan"; [ -s "$tmp/cc.err" ] && show "$tmp/cc.err"
# Ids name files as FOLDER/NAME, as mutants.sh sees the learner's folders.
mkdir -p "$tmp/src" && ln -s "$c/labs/mini/ref" "$tmp/src/mini" && cd "$tmp/src" || exit 1
cat > "$tmp/want" <<'EOF'
mini/mini.c:bound:a51df2ff	mini/mini.c:6	bound	-	> -> >=
mini/mini.c:flip:4e41328c	mini/mini.c:6	flip	-	> -> <=
mini/mini.c:return:9f900ba1	mini/mini.c:7	return	-	a -> 0
mini/mini.c:return:dc01fc07	mini/mini.c:8	return	-	b -> 0
mini/mini.c:return:68f82224	mini/mini.c:19	return	-	q -> 0
mini/mini.c:negate:c420117d	mini/mini.c:27	negate	-	n -> !(n)
mini/mini.c:delete:ff807bee	mini/mini.c:28	delete	-	s += n--; -> ;
EOF
"$mutate" list 1 mini/mini.c > "$tmp/got" 2> "$tmp/err"
cmp -s "$tmp/want" "$tmp/got" && grep -q "lab 01: 7 mutants, 7 listed" "$tmp/err"
r=$?; say $r "list: every mutant of the blocks, with its id, line, operator and change"
[ $r = 0 ] || { show "$tmp/err"; diff "$tmp/want" "$tmp/got" | show; }
"$mutate" list 1 -n 3 mini/mini.c > "$tmp/got3" 2>/dev/null
[ "$(cut -f3 "$tmp/got3" | tr '\n' ' ')" = "bound flip negate " ] \
    && [ "$("$mutate" list 1 -n 3 mini/mini.c 2>/dev/null)" = "$(cat "$tmp/got3")" ]
r=$?; say $r "list -n 3: a sample that takes each operator in turn, the same every time"
[ $r = 0 ] || show "$tmp/got3"
printf '# mini_max\nmini/mini.c:bound:a51df2ff: a > b and a >= b both give b when a == b\n' > "$tmp/eq"
"$mutate" list 1 -e "$tmp/eq" mini/mini.c > "$tmp/got" 2>/dev/null
[ "$(awk -F'\t' '$4 == "equivalent" { print $1 }' "$tmp/got")" = "mini/mini.c:bound:a51df2ff" ]
r=$?; say $r "list -e: the mutant named in the equivalence file is marked"; [ $r = 0 ] || show "$tmp/got"
printf 'mini/mini.c:bound:00000000: gone\nno reason\n' > "$tmp/bad"
"$mutate" list 1 -e "$tmp/bad" mini/mini.c > /dev/null 2> "$tmp/err"
rc=$?
[ $rc = 1 ] && grep -q "bad:1: no mutant 'mini/mini.c:bound:00000000'" "$tmp/err" \
    && grep -q "bad:2: expected 'MUTANT-ID: reason'" "$tmp/err"
r=$?; say $r "list -e: a stale id and a line without a reason are errors at FILE:LINE (exit $rc)"
[ $r = 0 ] || show "$tmp/err"
"$mutate" apply 1 mini/mini.c:delete:ff807bee mini/mini.c > "$tmp/applied" 2> "$tmp/err"
rc=$?
[ $rc = 0 ] && [ "$(diff mini/mini.c "$tmp/applied" | grep -c '^[<>]')" = 2 ] \
    && grep -q '^        ;$' "$tmp/applied"
r=$?; say $r "apply: the file with just that statement replaced by ;"; [ $r = 0 ] || show "$tmp/err"
"$mutate" apply 1 mini/mini.c:delete:00000000 mini/mini.c > /dev/null 2> "$tmp/err"
[ $? = 1 ] && grep -q "no mutant" "$tmp/err"
say $? "apply: an unknown id is an error"

# ---- mutants.sh end to end --------------------------------------------------------------
cp "$tmp/eq" "$c/labs/mini/01-max/mutants.txt"
export MUTANTS_COURSE="$c" MUTANTS_CACHE="$tmp/cache" STACKLAB_BUILD="$build" \
    MUTANT_TIMEOUT=30 JOBS=2 SEED=7     # the limit: the lab's time, 20
sh "$root/labs/kit/tools/mutants.sh" 01 > "$tmp/out" 2>&1
rc=$?
[ $rc = 0 ] && grep -q "^lab 01 max: 5 killed (1 by timeout), 0 survived, 1 equivalent, 1 did not compile; 7 of 7 mutants run (seed 7, 20s limit.*: 100.0% killed  ok$" "$tmp/out" \
    && grep -q "^    mini/mini.c:return:68f82224  (mini/mini.c:19, return: q -> 0)" "$tmp/out"
r=$?; say $r "mutants.sh: killed, by timeout, equivalent and not compiling counted apart (exit $rc)"
[ $r = 0 ] || show "$tmp/out"
rm "$c/labs/mini/01-max/mutants.txt"
MUTANTS=2 sh "$root/labs/kit/tools/mutants.sh" 1 > "$tmp/out" 2>&1
rc=$?
[ $rc = 1 ] && grep -q "^lab 01 max: 1 killed (0 by timeout), 1 survived, 0 equivalent, 0 did not compile; 2 of 7 mutants.*: 50.0% killed  BELOW 90%$" "$tmp/out" \
    && grep -q "^  survived mini/mini.c:bound:a51df2ff  (mini/mini.c:6, bound: > -> >=)" "$tmp/out" \
    && grep -q "^    -    if (a > b) " "$tmp/out" && grep -q "^    +    if (a >= b) " "$tmp/out"
r=$?; say $r "mutants.sh: MUTANTS=2 samples two; a survivor is shown with its diff; exit 1 below the target"
[ $r = 0 ] || show "$tmp/out"
echo "1..$n"
