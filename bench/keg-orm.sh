#!/bin/sh
# keg-orm.sh -- the keg track's ORM figures: the same work on the same data in one run,
# done three ways -- hand-written C on sqlite3 (statements prepared once and reused),
# keg's reference (labs/keg/ref with markers dropped) and Django's ORM (Debian's
# python3-django) on SQLite. Data: 10,000 rows (1,000 authors, 9,000 books with a
# foreign key to their author, indexed), the same in all three from one seed. Operations:
# insert every row in one transaction, get a book by pk, a filtered and ordered query of
# 100 books, 50 authors with their books through prefetch_related. Prints the time per
# operation and the ratios. The time is CPU time, as the machine may be shared: the best
# of BENCH_REPS runs after a warm-up, and C and keg take BENCH_ROUNDS turns so a passing
# load weighs on both alike. Each program also sums what it read: a sum that differs
# from C's is flagged, so the three are known to read the same rows.
# Targets: keg within 1.3x of hand-written C, and at least 20x faster than Django.
# keg is written lab by lab: an operation whose lab the reference lacks is printed as
# "n/a (lab NN not written yet)"; before lab 17 the insert's transaction is BEGIN and
# COMMIT run with keg_db_exec.
#   BENCH_REPS (3) measured runs per operation and program, BENCH_ROUNDS (5) turns of the
#   C and keg programs.
set -u
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${STACKLAB_BUILD:-$SRC/build}
REPS=${BENCH_REPS:-3}
ROUNDS=${BENCH_ROUNDS:-5}
PY=/usr/bin/python3         # Debian's, which python3-django installs into
T=$(mktemp -d "${TMPDIR:-/tmp}/keg-orm-bench.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT INT TERM

# Packages: benches may install what they need (as root); otherwise say what is missing
# and leave out what cannot run.
need=
[ -f /usr/include/sqlite3.h ] || need="$need libsqlite3-dev"
[ -f /usr/include/microhttpd.h ] || need="$need libmicrohttpd-dev"
[ -f /usr/include/openssl/evp.h ] || need="$need libssl-dev"
"$PY" -c 'import django' 2> /dev/null || need="$need python3-django"
if [ -n "$need" ] && [ "$(id -u)" = 0 ]; then
    apt-get install -y $need > "$T/apt.log" 2>&1 || echo "keg-orm: could not install$need"
elif [ -n "$need" ]; then
    echo "keg-orm: missing packages:$need (apt-get install -y$need)"
fi
[ -f /usr/include/sqlite3.h ] || { echo "keg-orm: skipped, no sqlite3.h"; exit 0; }
[ -x "$BUILD/tests/starter-tool" ] || { echo "keg-orm: skipped, no $BUILD/tests/starter-tool (make first)"; exit 0; }

CC="cc -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -DNDEBUG"
COMMON="$SRC/bench/keg-orm-common.c"
$CC -I"$SRC/bench" -o "$T/orm-c" "$SRC/bench/keg-orm-c.c" "$COMMON" -lsqlite3 \
    || { echo "keg-orm: keg-orm-c did not build"; exit 1; }

# keg's reference and vial's (keg.h includes vial.h), markers dropped, each file built on
# its own: a file that does not build (being written) is left out and said so. Linked
# from archives, so only the objects the program needs come in.
mkdir -p "$T/keg" "$T/vial" "$T/obj"
for d in keg vial; do
    for f in "$SRC/labs/$d/ref"/*; do
        "$BUILD/tests/starter-tool" 0 "$f" > "$T/$d/$(basename "$f")" || exit 1
    done
done
for d in keg vial; do
    for f in "$T/$d"/*.c; do
        o="$T/obj/$d-$(basename "$f" .c).o"
        $CC -I"$T/keg" -I"$T/vial" -c "$f" -o "$o" 2> /dev/null \
            || { echo "keg-orm: labs/$d/ref/$(basename "$f") does not build, left out"; rm -f "$o"; }
    done
    ar rcs "$T/lib$d.a" "$T/obj/$d"-*.o 2> /dev/null
done
# A lab counts as written when the reference defines all the functions the bench uses.
nm -g --defined-only "$T"/obj/keg-*.o 2> /dev/null | awk '$2 == "T" { print $3 }' > "$T/syms"
labs=
for spec in "14:keg_create_table keg_register keg_obj_init keg_obj_set_text keg_obj_clear keg_save keg_get" \
            "15:keg_qs_all keg_qs_filter keg_qs_order_by keg_qs_slice keg_qs_fetch keg_qs_free keg_list_free" \
            "16:keg_qs_prefetch_related keg_related_fetch" \
            "17:keg_atomic_begin keg_atomic_commit"; do
    ok=1
    for s in ${spec#*:}; do grep -qx "$s" "$T/syms" || ok=0; done
    labs="$labs -DKOB_LAB${spec%%:*}=$ok"
done
KEG=1
$CC -I"$SRC/bench" -I"$T/keg" -I"$T/vial" $labs -o "$T/orm-keg" "$SRC/bench/keg-orm-keg.c" \
    "$COMMON" "$T/libkeg.a" "$T/libvial.a" -lsqlite3 -lmicrohttpd -lcrypto -lm -lpthread \
    2> "$T/keg-link.log" || {
    KEG=0
    echo "keg-orm: the keg program did not build; keg left out:"
    grep -E 'error|undefined' "$T/keg-link.log" | sed 's/^/  /' | head -5
}

# C and keg take turns, ROUNDS times, and each operation keeps its best figure.
for _ in $(seq "$ROUNDS"); do
    mkdir -p "$T/db"
    "$T/orm-c" "$T/db" "$REPS" >> "$T/c.all" || echo "keg-orm: keg-orm-c failed (exit $?)"
    if [ "$KEG" = 1 ]; then
        "$T/orm-keg" "$T/db" "$REPS" >> "$T/keg.all" || echo "keg-orm: keg-orm-keg failed (exit $?)"
    fi
    rm -rf "$T/db"
done
# best FILE: one line per operation (in first-seen order): the lowest time, or the n/a.
best() {
    awk '!($1 in seen) { seen[$1] = 1; order[++n] = $1; line[$1] = $0 }
         $2 != "n/a" && (!($1 in t) || $2 + 0 < t[$1]) { t[$1] = $2 + 0; line[$1] = $0 }
         END { for (i = 1; i <= n; i++) print line[order[i]] }' "$1"
}
[ -f "$T/c.all" ] && best "$T/c.all" > "$T/c.out"
[ -f "$T/keg.all" ] && best "$T/keg.all" > "$T/keg.out"
mkdir -p "$T/db"
if "$PY" -c 'import django' 2> /dev/null \
   && ! PYTHONDONTWRITEBYTECODE=1 "$PY" "$SRC/bench/keg_orm_django.py" "$T/db" "$REPS" \
        > "$T/django.out" 2> "$T/django.err"; then
    echo "keg-orm: the Django script failed:"
    tail -3 "$T/django.err" | sed 's/^/  /'
fi

dv=$("$PY" -c 'import django; print(django.get_version())' 2> /dev/null || echo none)
echo "keg ORM bench: 10,000 rows (1,000 authors, 9,000 books), SQLite $(pkg-config --modversion sqlite3 2>/dev/null)," \
     "Django $dv; CPU time per operation, best of $REPS runs (C and keg: x $ROUNDS turns)," \
     "$(nproc) cores"
for f in c keg django; do [ -f "$T/$f.out" ] || : > "$T/$f.out"; done
awk '
    FNR == 1 { who = FILENAME; sub(/.*\//, "", who); sub(/\.out$/, "", who) }
    { t[who, $1] = $2; sum[who, $1] = $3 }
    function num(v) { return v ~ /^[0-9]+(\.[0-9]+)?$/ && v + 0 > 0 }
    function show(v) { return v == "" ? "-" : v }
    END {
        split("insert get filter prefetch", ops, " ")
        label["insert"] = "insert (per row)"; label["get"] = "get by pk"
        label["filter"] = "filter, 100 rows"; label["prefetch"] = "50 + prefetch"
        printf "%-17s %10s %10s %12s %12s %13s\n", "operation", "C us/op", "keg us/op",
               "Django us/op", "keg/C", "Django/keg"
        for (i = 1; i <= 4; i++) {
            o = ops[i]; c = t["c", o]; k = t["keg", o]; d = t["django", o]
            r1 = num(c) && num(k) ? sprintf("%.2fx %s", k / c, k / c <= 1.3 ? "met" : "MISSED") : "-"
            r2 = num(k) && num(d) ? sprintf("%.1fx %s", d / k, d / k >= 20 ? "met" : "MISSED") : "-"
            printf "%-17s %10s %10s %12s %12s %13s\n", label[o], show(c), show(k), show(d), r1, r2
            for (w = 1; w <= 2; w++) {
                who = w == 1 ? "keg" : "django"
                if (num(t[who, o]) && num(c) && sum[who, o] != sum["c", o])
                    bad = bad sprintf("  %s %s: sum %s, C %s\n", who, o, sum[who, o], sum["c", o])
            }
        }
        print "targets: keg/C <= 1.3 (keg caches its prepared statements), Django/keg >= 20"
        if (bad != "")
            printf "read other rows than C (checksums differ):\n%s", bad
    }
' "$T/c.out" "$T/keg.out" "$T/django.out"
# Why a column says n/a, from the program that said it.
for f in c keg django; do
    awk -v who="$f" '$2 == "n/a" { r = $0; sub(/^[^ ]+ n\/a /, "", r); print "  " who " " $1 ": n/a " r }' "$T/$f.out"
done
