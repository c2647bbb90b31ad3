#!/bin/sh
# mutants.sh -- do the hidden tests test? For each lab (labs/TRACK/NN-slug/ with driver.c
# and checker.c), mutates its SOLUTION(NN) blocks (labs/kit/tools/mutate.c), builds the
# subject of each mutant the way the grader does (driver.c + sanhooks.c + the lab's
# learner folders as starter(NN+1), ASan and UBSan) and runs the lab's checker against it
# natively with pairrun. A mutant the checker fails is killed; one that passes survived,
# unless the lab's mutants.txt says it is equivalent; one that does not compile counts as
# neither. Prints killed/survived per lab and each survivor's diff.
#   labs/kit/tools/mutants.sh [NN...]          (make mutants [LAB=NN])
# Environment: MUTANTS (cap per lab, 60, sampled deterministically), JOBS (mutants run at
# once, 2), SEED (the checker's seed, 1), MUTANT_TIMEOUT (wall seconds per run; default
# 4x the reference's run + 5, at most the lab's time:), MUTANTS_TARGET (percent killed a
# lab must reach, 90), MUTANTS_CACHE (built checkers, objects and tools; default
# $STACKLAB_BUILD/mutants), STACKLAB_BUILD (where make put tests/starter-tool),
# MUTANTS_COURSE (the course's root, default this repository), MUTANTS_KEEP=1 (keep the
# work folder). Exit status: 0 when every lab reached the target; 1 when one did not or
# could not be run; 2 on usage or set-up errors.
set -u
self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
root=$(cd "$(dirname "$0")/../../.." && pwd)
course=${MUTANTS_COURSE:-$root}
kit=$course/labs/kit
build=${STACKLAB_BUILD:-$root/build}
starter=${STARTER_TOOL:-$build/tests/starter-tool}
cache=${MUTANTS_CACHE:-$build/mutants}
CC=${CC:-cc}
subject_flags="-std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra \
 -Werror=implicit-function-declaration -Werror=int-conversion -g \
 -fsanitize=address,undefined -fno-omit-frame-pointer -pipe"
checker_flags="-std=c11 -D_GNU_SOURCE -DSTACKLAB_REFERENCE -O1 -g -pipe"

say() { printf '%s\n' "$*"; }
err() { printf 'mutants: %s\n' "$*" >&2; }

# ---- one mutant (run by xargs: mutants.sh --one LABWORK INDEX ID) ----------------------
# Writes LABWORK/m/INDEX/result: "ID STATUS SECONDS" (killed, timeout, survived,
# nocompile) and, for a survivor, LABWORK/m/INDEX/diff.
if [ "${1:-}" = "--one" ]; then
    L=$2 idx=$3 id=$4
    # shellcheck disable=SC1091  # written by lab_setup
    . "$L/env"
    d=$L/m/$idx
    mkdir -p "$d"
    file=${id%%:*}
    folder=${file%%/*} base=${file#*/}
    result() { printf '%s %s %s\n' "$id" "$1" "${2:-0}" > "$d/result"; }
    if ! (cd "$L/src" && "$MUTATE" apply "$LAB" "$id" "$file") > "$d/raw.c" \
        || ! "$STARTER" "$NEXT" "$d/raw.c" > "$d/$base"; then
        result error; exit 0
    fi
    # The diff is of the reference as written, so its line numbers are the file's.
    diff -U1 --label "a/$file" --label "b/$file" "$L/src/$file" "$d/raw.c" > "$d/diff"
    # Compiled from the box, as the grader does; #include "x.h" looks in the file's own
    # folder first (keg/internal.h, not vial/internal.h), then the -I folders.
    # shellcheck disable=SC2086  # flag lists
    if ! (cd "$L/box" && $CC $SUBJECT_FLAGS $LAB_CFLAGS -iquote "$folder" $INCS \
        -c "$d/$base" -o "$d/m.o") \
        > "$d/cc.log" 2>&1; then
        result nocompile; exit 0
    fi
    objs=$(grep -v "^$folder/$base " "$L/objs" | cut -d' ' -f2)
    # shellcheck disable=SC2086  # word lists
    if ! $CC $SUBJECT_FLAGS -o "$d/subject" "$d/m.o" $objs $LIBS > "$d/ld.log" 2>&1; then
        result nocompile; exit 0
    fi
    t0=$(date +%s%N)
    # In the mutant's own folder: files a subject writes in its working folder (a lab's
    # database) are never shared with a mutant running beside it.
    (cd "$d" && ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} "$PAIRRUN" -t "$TIMEOUT" \
        "$d/subject" -- "$CHECKER" "$SEED" > "$d/tap" 2> "$d/err" < /dev/null)
    rc=$?
    secs=$(( ($(date +%s%N) - t0) / 1000000 ))
    rm -f "$d/subject" "$d/m.o"
    if [ "$rc" = 0 ]; then result survived "$secs"
    elif grep -q "killed after the time limit" "$d/err"; then result timeout "$secs"
    else result killed "$secs"
    fi
    exit 0
fi

MUTANTS=${MUTANTS:-60}
JOBS=${JOBS:-2}
SEED=${SEED:-1}
TARGET=${MUTANTS_TARGET:-90}
case "$MUTANTS$JOBS$SEED$TARGET" in *[!0-9]*)
    err "MUTANTS, JOBS, SEED and MUTANTS_TARGET are numbers"; exit 2 ;; esac
[ "$JOBS" -ge 1 ] || JOBS=1
[ -x "$starter" ] || { err "$starter: not built (make all first)"; exit 2; }
mkdir -p "$cache/checkers" "$cache/obj" "$cache/tools" || exit 2
work=$(mktemp -d "${TMPDIR:-/tmp}/mutants.XXXXXX") || exit 2
if [ "${MUTANTS_KEEP:-0}" = 1 ]; then say "# work folder: $work"
else trap 'rm -rf "$work"' EXIT; trap 'exit 1' INT TERM
fi

# fm KEY FILE: a front-matter value (the first block between --- lines).
fm() { awk -v k="$1" 'NR==1 && $0=="---" {on=1; next} on && $0=="---" {exit}
    on { i = index($0, ":"); if (i && substr($0, 1, i - 1) == k) {
        v = substr($0, i + 1); sub(/^[ \t]+/, "", v); sub(/[ \t]+$/, "", v); print v; exit } }' "$2"; }

# A tool of kit/tools built once per content: tool NAME FLAGS... -> its path.
tool() {
    name=$1; shift
    src=$(dirname "$self")/$name.c
    sum=$(sha256sum < "$src" | cut -c1-16)
    out=$cache/tools/$name-$sum
    if [ ! -x "$out" ]; then
        $CC -std=c11 -D_GNU_SOURCE -O1 "$@" -o "$out.tmp$$" "$src" \
            && mv "$out.tmp$$" "$out" || return 1
    fi
    printf '%s\n' "$out"
}
MUTATE=$(tool mutate -Wall -Wextra -Werror) || { err "mutate.c did not build"; exit 2; }
PAIRRUN=$(tool pairrun) || { err "pairrun.c did not build"; exit 2; }

# The lab folder of lab NN, with a driver and a checker.
lab_dir() {
    for d in "$course"/labs/*/"$1"-*/; do
        [ -f "$d/driver.c" ] && [ -f "$d/checker.c" ] && [ -f "$d/../track.md" ] \
            && { (cd "$d" && pwd); return 0; }
    done
    return 1
}

# Track folders a track builds on, base first, then itself: "TRACKDIR FOLDER" lines.
track_chain() {
    req=$(fm requires "$1/track.md")
    if [ -n "$req" ]; then
        rd=$(lab_dir "$req") || { err "$1/track.md: no lab $req"; return 1; }
        track_chain "$(dirname "$rd")" || return 1
    fi
    printf '%s %s\n' "$1" "$(fm folder "$1/track.md")"
}

# Libraries of the chain as linker words: pkg-config's, or -lNAME without it.
chain_libs() {
    names=$(while read -r t _; do fm libs "$t/track.md" | tr ',' ' '; done < "$1" \
        | tr ' ' '\n' | awk 'NF && !seen[$0]++')
    [ -z "$names" ] && { echo "-lpthread"; return; }
    # shellcheck disable=SC2086
    if ! pkg-config --libs $names 2>/dev/null | tr '\n' ' '; then
        for n in $names; do printf -- '-l%s ' "${n#lib}"; done
    fi
    echo "-lpthread"
}

# sha256 of the named files' names and contents plus a string.
key_of() {
    s=$1; shift
    { printf '%s\n' "$s"; for f in "$@"; do printf '%s\n' "$f"; cat "$f"; done; } \
        | sha256sum | cut -c1-40
}

# Builds (or finds) the checker of lab dir $1 into $CHECKER. Folders of $L/chain.
build_checker() {
    lab=$1 chk=$L/chk
    mkdir -p "$chk"
    incs="" tkits=""
    while read -r t f; do
        [ -d "$t/kit" ] && tkits="$tkits $t/kit"
        mkdir -p "$chk/$f"
        for src in "$t"/ref/*.c "$t"/ref/*.h; do
            [ -f "$src" ] || continue
            "$STARTER" 0 "$src" > "$chk/$f/$(basename "$src")" || return 1
        done
        incs="$incs -I$chk/$f"
    done < "$L/chain"
    kitsrc="$kit/tap.c $kit/wire.c"
    for k in httpcheck.c refserver.c; do [ -f "$kit/$k" ] && kitsrc="$kitsrc $kit/$k"; done
    flags="$checker_flags $LAB_CFLAGS"
    # shellcheck disable=SC2086
    key=$(cd "$chk" && key_of "$flags $LIBS" "$lab"/*.[ch] "$kit"/*.[ch] ./*/*.[ch] \
        $(for t in $tkits; do ls "$t"/*.h 2>/dev/null; done))
    CHECKER=$cache/checkers/$key
    [ -x "$CHECKER" ] && return 0
    # shellcheck disable=SC2086
    (cd "$chk" && $CC $flags $incs -I"$chk" -I"$kit" -I"$lab" \
        $(for t in $tkits; do printf ' -I%s' "$t"; done) -o checker \
        "$lab/checker.c" $kitsrc ./*/*.c -Wl,--wrap=MHD_start_daemon $LIBS) \
        > "$L/checker.log" 2>&1 && mv "$chk/checker" "$CHECKER"
}

# Compiles the box's sources ($L/box: driver.c, sanhooks.c, FOLDER/*.c; the lab's *.h
# beside them are in every object's key) into cached
# objects; $L/objs gets "SOURCE OBJECT" lines.
build_objects() {
    hdrs=$(cd "$L/box" && key_of "$SUBJECT_FLAGS $LAB_CFLAGS" ./*.h ./*/*.h 2>/dev/null)
    : > "$L/objs"
    (cd "$L/box" && for f in ./*.c ./*/*.c; do [ -f "$f" ] && echo "${f#./}"; done) \
    | while read -r src; do
        k=$(key_of "$hdrs $src" "$L/box/$src")
        printf '%s %s\n' "$src" "$cache/obj/$k.o" >> "$L/objs"
        [ -f "$cache/obj/$k.o" ] || printf '%s %s\n' "$src" "$cache/obj/$k.o"
    done > "$L/todo"
    # shellcheck disable=SC2016
    xargs -P "$JOBS" -L 1 sh -c 'cd "$0" && $CC $SUBJECT_FLAGS $LAB_CFLAGS $INCS -c "$1" \
        -o "$2.tmp$$" && mv "$2.tmp$$" "$2"' "$L/box" < "$L/todo" > "$L/objs.log" 2>&1
    while read -r _ o; do [ -f "$o" ] || return 1; done < "$L/objs"
}

# Sets up lab dir $1 in $L: box, sources, objects, checker, the reference's run.
# Returns 1 (said) when the lab cannot be run.
lab_setup() {
    lab=$1 track=$(dirname "$1")
    LAB=$(basename "$lab" | cut -c1-2)
    NEXT=$((${LAB#0} + 1))
    track_chain "$track" > "$L/chain" || return 1
    # The learner's folders: each track's ref/, then other folders the lab names
    # (files: app/todo.c), found beside a track's ref/. "SOURCE-DIR FOLDER" lines.
    while read -r t f; do printf '%s/ref %s\n' "$t" "$f"; done < "$L/chain" > "$L/folders"
    for f in $(fm files "$lab/lab.md" | tr ',' ' '); do
        case "$f" in */*) ;; *) continue ;; esac
        name=${f%%/*}
        case "$name" in tests|.*) continue ;; esac
        grep -q " $name\$" "$L/folders" && continue
        while read -r t _; do
            [ -d "$t/$name" ] && { printf '%s/%s %s\n' "$t" "$name" "$name" >> "$L/folders"; break; }
        done < "$L/chain"
    done
    LAB_CFLAGS=$(while read -r t _; do fm cflags "$t/track.md"; done < "$L/chain" | tr '\n' ' ')
    LIBS=$(chain_libs "$L/chain")
    mkdir -p "$L/box" "$L/src" "$L/m"
    cp "$lab/driver.c" "$L/box/"
    while read -r t _; do                       # the track kits' headers (labs/TRACK/kit)
        for h in "$t"/kit/*.h; do [ -f "$h" ] && cp "$h" "$L/box/"; done
    done < "$L/chain"
    for h in "$lab"/*.h; do [ -f "$h" ] && cp "$h" "$L/box/"; done   # the lab's own headers
    for k in wire.h sqlcount.h sanhooks.c; do [ -f "$kit/$k" ] && cp "$kit/$k" "$L/box/"; done
    INCS="-I."
    while read -r dir f; do
        ln -s "$dir" "$L/src/$f"
        mkdir -p "$L/box/$f"
        for src in "$dir"/*.c "$dir"/*.h; do
            [ -f "$src" ] || continue
            "$STARTER" "$NEXT" "$src" > "$L/box/$f/$(basename "$src")" \
                || { err "$src: starter($NEXT) failed"; return 1; }
        done
        INCS="$INCS -I$f"
    done < "$L/folders"
    build_checker "$lab" || { err "lab $LAB: the checker did not build:"
                              head -30 "$L/checker.log" >&2; return 1; }
    export SUBJECT_FLAGS="$subject_flags" LAB_CFLAGS INCS CC
    build_objects || { err "lab $LAB: the reference subject did not build:"
                       head -30 "$L/objs.log" >&2; return 1; }
    # shellcheck disable=SC2086,SC2046  # word lists
    $CC $subject_flags -o "$L/subject" $(cut -d' ' -f2 "$L/objs") $LIBS > "$L/ld.log" 2>&1 \
        || { err "lab $LAB: the reference subject did not link:"; head -30 "$L/ld.log" >&2; return 1; }
    labtime=$(fm time "$lab/lab.md"); labtime=${labtime:-30}
    t0=$(date +%s%N)
    # In its own folder, as each mutant runs: a subject that writes files (lab 24's
    # migrations/) leaves them in the work folder, never where make mutants was started.
    mkdir -p "$L/ref"
    (cd "$L/ref" && ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} "$PAIRRUN" -t "$labtime" \
        "$L/subject" -- "$CHECKER" "$SEED") > "$L/ref.tap" 2> "$L/ref.err" < /dev/null \
        || { err "lab $LAB: the reference fails its own checker (seed $SEED):"
             grep -v '^ok' "$L/ref.tap" "$L/ref.err" | head -30 >&2; return 1; }
    ms=$(( ($(date +%s%N) - t0) / 1000000 ))
    TIMEOUT=${MUTANT_TIMEOUT:-$(( (4 * ms + 999) / 1000 + 5 ))}
    [ "$TIMEOUT" -gt "$labtime" ] && TIMEOUT=$labtime
    REF_MS=$ms
    cat > "$L/env" <<EOF
LAB=$LAB NEXT=$NEXT SEED=$SEED TIMEOUT=$TIMEOUT
MUTATE='$MUTATE' STARTER='$starter' PAIRRUN='$PAIRRUN' CHECKER='$CHECKER' CC='$CC'
SUBJECT_FLAGS='$subject_flags' LAB_CFLAGS='$LAB_CFLAGS' INCS='$INCS' LIBS='$LIBS'
EOF
}

# Runs lab dir $1; prints its score and survivors. Returns 1 below the target.
lab_run() {
    labdir=$1
    L=$work/$(basename "$labdir")
    mkdir -p "$L"
    STARTER=$starter
    lab_setup "$labdir" || { say "lab $(basename "$labdir"): not run (see above)"; return 1; }
    files=$(cd "$L/src" && grep -l "SOLUTION($LAB) BEGIN" ./*/*.c 2>/dev/null | sed 's|^\./||')
    [ -n "$files" ] || { say "lab $LAB: no SOLUTION($LAB) block"; return 1; }
    eq=$labdir/mutants.txt
    # shellcheck disable=SC2086
    (cd "$L/src" && "$MUTATE" list "$LAB" -n "$MUTANTS" -e "$eq" $files) \
        > "$L/list" 2> "$L/list.err" || { cat "$L/list.err" >&2; return 1; }
    found=$(sed -n 's/.*: \([0-9]*\) mutants.*/\1/p' "$L/list.err")
    n=$(wc -l < "$L/list")
    awk -F'\t' -v L="$L" '{ printf "%s %d %s\n", L, NR, $1 }' "$L/list" \
        | xargs -P "$JOBS" -L 1 sh "$self" --one
    killed=0 timeout=0 survived=0 equiv=0 nocompile=0 errors=0
    : > "$L/survivors"
    i=0
    while IFS="$(printf '\t')" read -r id where op eqv what; do
        i=$((i + 1))
        # shellcheck disable=SC2046  # "ID STATUS MS"
        set -- $(cat "$L/m/$i/result" 2>/dev/null || echo "$id error 0")
        case "$2" in
        killed) killed=$((killed + 1))
                [ "$eqv" = equivalent ] && say "lab $LAB: $id is listed in mutants.txt but killed: drop the line" ;;
        timeout) killed=$((killed + 1)) timeout=$((timeout + 1)) ;;
        nocompile) nocompile=$((nocompile + 1)) ;;
        survived)
            if [ "$eqv" = equivalent ]; then equiv=$((equiv + 1))
            else survived=$((survived + 1))
                 printf '%s\t%s\t%s\t%s\n' "$id" "$where" "$op" "$what" >> "$L/survivors"
                 cp "$L/m/$i/diff" "$L/survivor-$survived.diff"
            fi ;;
        *) errors=$((errors + 1)) ;;
        esac
    done < "$L/list"
    scored=$((killed + survived))
    pct=$(awk -v k="$killed" -v s="$scored" 'BEGIN { printf "%.1f", s ? 100 * k / s : 100 }')
    verdict=ok
    awk -v p="$pct" -v t="$TARGET" 'BEGIN { exit !(p + 0 < t + 0) }' && verdict="BELOW $TARGET%"
    [ "$errors" -gt 0 ] && verdict="$verdict, $errors not run"
    say "lab $LAB $(basename "$labdir" | cut -c4-): $killed killed ($timeout by timeout), $survived survived, $equiv equivalent, $nocompile did not compile; $n of $found mutants run (seed $SEED, ${TIMEOUT}s limit, reference ${REF_MS}ms): $pct% killed  $verdict"
    s=0
    while IFS="$(printf '\t')" read -r id where op what; do
        s=$((s + 1))
        say "  survived $id  ($where, $op: $what)"
        sed 's/^/    /' "$L/survivor-$s.diff"
    done < "$L/survivors"
    if [ "$nocompile" -gt 0 ]; then
        say "  did not compile:"
        i=0
        while IFS="$(printf '\t')" read -r id where op _ what; do
            i=$((i + 1))
            grep -q " nocompile " "$L/m/$i/result" 2>/dev/null && say "    $id  ($where, $op: $what)"
        done < "$L/list"
    fi
    [ "$verdict" = ok ]
}

if [ $# -eq 0 ]; then
    # shellcheck disable=SC2046  # lab numbers
    set -- $(for d in "$course"/labs/*/[0-9][0-9]-*/; do
        [ -f "$d/driver.c" ] && [ -f "$d/checker.c" ] && basename "$d" | cut -c1-2
    done | sort -u)
fi
status=0
for nn in "$@"; do
    case "$nn" in [0-9][0-9]) ;; [0-9]) nn=0$nn ;; *) err "$nn: not a lab number"; exit 2 ;; esac
    d=$(lab_dir "$nn") || { err "no lab $nn with a driver.c and a checker.c"; status=1; continue; }
    lab_run "$d" || status=1
done
exit $status
