#!/bin/sh
# keg.sh -- the keg track's web figures: TechEmpower's four database tests -- single
# query (/db), 20 queries (/queries?queries=20), Fortunes (/fortunes), 20 updates
# (/updates?queries=20) -- on one SQLite database of 10,000 World rows and the 12
# Fortune rows, served three ways in one run: hand-written C on libmicrohttpd and
# sqlite3 (bench/keg-te-c.c), the reference keg app (bench/keg-te-keg.c on labs/keg/ref
# and labs/vial/ref, markers dropped) and Django (Debian's python3-django, on SQLite,
# bench/keg_te_django/) under gunicorn with 2 sync workers; each C server runs 2
# threads. Every server starts from a copy of the same seeded file.
# TechEmpower's rules: Server and Date headers, Content-Type exactly application/json
# or text/html; charset=utf-8, ?queries= clamped to 1..500 (1 when not a number), rows
# read one by one, Fortunes with the row "Additional fortune added at request time."
# added, sorted by message and escaped. Each server's answers are verified first (a
# server that fails is not timed): headers, JSON shapes, the rows read equal to the
# database's, the updates written, and the Fortunes page byte for byte against
# TechEmpower's expected page after the normalization its own verifier applies (the
# page parsed: each escape spelled one way, white space between tags dropped).
# Then wrk on loopback, BENCH_SECONDS per turn after a 1 s warm-up: requests/s, p99
# latency and the server's CPU time per request (user + system of the server's
# processes from /proc), the figure that compares frameworks on a machine wrk shares.
# The servers take turns test by test, C and keg BENCH_ROUNDS each and Django 2 (its
# figure is 20x and more away, its turns cost as much time), and each keeps its turn
# with the least CPU per request (its req/s and p99 are that turn's): on a shared
# machine a passing load only adds, so the least is the best estimate.
# Targets: keg within 1.5x of hand-written C and at least 10x less CPU per request
# than Django (both on CPU per request; the req/s ratio is printed beside).
#   BENCH_SECONDS (3) per turn, BENCH_ROUNDS (5), BENCH_CONNS (8) wrk connections,
#   BENCH_DBDIR (/dev/shm when writable: the figures are about CPU, not the disk) for
#   the database files.
set -u
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${STACKLAB_BUILD:-$SRC/build}
DUR=${BENCH_SECONDS:-3}
ROUNDS=${BENCH_ROUNDS:-5}
DJANGO_ROUNDS=2
CONNS=${BENCH_CONNS:-8}
WORKERS=2
PY=/usr/bin/python3         # Debian's, which python3-django and gunicorn use
TCK=$(getconf CLK_TCK)
T=$(mktemp -d "${TMPDIR:-/tmp}/keg-bench.XXXXXX") || exit 1
DBDIR=${BENCH_DBDIR:-}
[ -n "$DBDIR" ] || { [ -d /dev/shm ] && [ -w /dev/shm ] && DBDIR=/dev/shm; } || DBDIR=$T
DBS=$(mktemp -d "$DBDIR/keg-bench-db.XXXXXX") || exit 1
cleanup() {
    exec 7>&- 8>&- 2>/dev/null
    for s in c keg django; do
        [ -f "$T/$s.pid" ] && kill "$(cat "$T/$s.pid")" 2>/dev/null
    done
    rm -rf "$T" "$DBS"
}
trap cleanup EXIT INT TERM

# Packages: benches may install what they need (as root); otherwise say what is missing.
need=
command -v wrk > /dev/null || need="$need wrk"
command -v gunicorn > /dev/null || need="$need gunicorn"
[ -f /usr/include/sqlite3.h ] || need="$need libsqlite3-dev"
[ -f /usr/include/microhttpd.h ] || need="$need libmicrohttpd-dev"
[ -f /usr/include/openssl/evp.h ] || need="$need libssl-dev"
"$PY" -c 'import django' 2> /dev/null || need="$need python3-django"
if [ -n "$need" ]; then
    if [ "$(id -u)" = 0 ]; then
        apt-get install -y $need > "$T/apt.log" 2>&1 || { echo "keg: could not install$need"; exit 0; }
    else
        echo "keg: skipped, missing packages:$need (apt-get install -y$need)"
        exit 0
    fi
fi
[ -x "$BUILD/tests/starter-tool" ] || { echo "keg: skipped, no $BUILD/tests/starter-tool (make first)"; exit 0; }

# Build: the C server, then keg's and vial's references (markers dropped) into archives
# and the keg app. A reference file that does not build (being written) is left out.
CC="cc -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -DNDEBUG"
COMMON="$SRC/bench/keg-te-common.c"
$CC -I"$SRC/bench" -o "$T/keg-te-c" "$SRC/bench/keg-te-c.c" "$COMMON" \
    -lmicrohttpd -lsqlite3 -lpthread || { echo "keg: keg-te-c did not build"; exit 1; }
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
            || { echo "keg: labs/$d/ref/$(basename "$f") does not build, left out"; rm -f "$o"; }
    done
    ar rcs "$T/lib$d.a" "$T/obj/$d"-*.o 2> /dev/null
done
KEG=1
$CC -I"$SRC/bench" -I"$T/keg" -I"$T/vial" -o "$T/keg-te-keg" "$SRC/bench/keg-te-keg.c" \
    "$COMMON" "$T/libkeg.a" "$T/libvial.a" -lsqlite3 -lmicrohttpd -lcrypto -lm -lpthread \
    2> "$T/keg-link.log" || {
    KEG=0
    echo "keg: the keg app did not build; keg left out:"
    grep -E 'error|undefined' "$T/keg-link.log" | sed 's/^/  /' | head -5
}
"$T/keg-te-c" seed "$T/seed.db" || exit 1

# The verifier: one server's answers against TechEmpower's rules and the database.
cat > "$T/verify.py" << 'EOF'
import email.utils, http.client, json, sqlite3, sys
from html.parser import HTMLParser

port, path = int(sys.argv[1]), sys.argv[2]
PAGE = "".join(s + "\n" for s in [
    "<!doctype html><html><head><title>Fortunes</title></head>",
    "<body><table><tr><th>id</th><th>message</th></tr>",
    "<tr><td>11</td><td>&lt;script&gt;alert(&quot;This should not be displayed in a "
    "browser alert box.&quot;);&lt;/script&gt;</td></tr>",
    "<tr><td>4</td><td>A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1"
    "</td></tr>",
    "<tr><td>5</td><td>A computer program does what you tell it to do, not what you want"
    " it to do.</td></tr>",
    "<tr><td>2</td><td>A computer scientist is someone who fixes things that aren&apos;t"
    " broken.</td></tr>",
    "<tr><td>8</td><td>A list is only as strong as its weakest link. \u2014 Donald Knuth"
    "</td></tr>",
    "<tr><td>0</td><td>Additional fortune added at request time.</td></tr>",
    "<tr><td>3</td><td>After enough decimal places, nobody gives a damn.</td></tr>",
    "<tr><td>7</td><td>Any program that runs right is obsolete.</td></tr>",
    "<tr><td>10</td><td>Computers make very fast, very accurate mistakes.</td></tr>",
    "<tr><td>6</td><td>Emacs is a nice operating system, but I prefer UNIX. \u2014 Tom "
    "Christaensen</td></tr>",
    "<tr><td>9</td><td>Feature: A bug with seniority.</td></tr>",
    "<tr><td>1</td><td>fortune: No such file or directory</td></tr>",
    "<tr><td>12</td><td>\u30d5\u30ec\u30fc\u30e0\u30ef\u30fc\u30af\u306e\u30d9\u30f3\u30c1"
    "\u30de\u30fc\u30af</td></tr>"]) + "</table></body></html>"
CHARREFS = {"34": "&quot;", "x22": "&quot;", "39": "&apos;", "x27": "&apos;",
            "38": "&amp;", "x26": "&amp;", "60": "&lt;", "x3c": "&lt;", "62": "&gt;",
            "x3e": "&gt;"}

class Page(HTMLParser):
    """TechEmpower's normalization: tags without attributes, a newline after </tr>
    and </head>, data between tags kept unless blank, each escape spelled one way."""
    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.out = []
    def handle_decl(self, decl):
        self.out.append("<!" + decl.lower() + ">")
    def handle_starttag(self, tag, attrs):
        self.out.append("<" + tag + ">")
    def handle_endtag(self, tag):
        self.out.append("</" + tag + ">" + ("\n" if tag in ("tr", "head") else ""))
    def handle_data(self, data):
        if data.strip():
            self.out.append(data.replace("'", "&apos;").replace('"', "&quot;")
                            .replace(">", "&gt;"))
    def handle_entityref(self, name):
        self.out.append("&" + name + ";")
    def handle_charref(self, name):
        n = name.lower()
        self.out.append(CHARREFS.get(n) or chr(int(n[1:], 16) if n[0] == "x" else int(n)))

fails = []
def check(what, ok, expected, got):
    if not ok:
        fails.append("%s: expected %s, got %s" % (what, expected, str(got)[:300]))
    return ok

def get(url, ctype):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("GET", url)
    r = c.getresponse()
    body = r.read()
    c.close()
    check(url + " status", r.status == 200, 200, r.status)
    check(url + " Server header", bool(r.getheader("Server")), "one", r.getheader("Server"))
    date = r.getheader("Date")
    check(url + " Date header", date is not None and email.utils.parsedate(date) is not None,
          "an HTTP date", date)
    check(url + " Content-Type", r.getheader("Content-Type") == ctype, ctype,
          r.getheader("Content-Type"))
    return body

db = sqlite3.connect(path)
def stored(i):
    return db.execute("SELECT randomnumber FROM bench_world WHERE id = ?", (i,)).fetchone()[0]

def worlds(url, n, single=False, read=True):
    try:
        got = json.loads(get(url, "application/json"))
    except ValueError as e:
        return check(url + " body", False, "JSON", e) and None
    items = [got] if single else got
    if not check(url + " shape", (isinstance(got, dict) if single else
                                  isinstance(got, list) and len(got) == n), 
                 "an object" if single else "an array of %d" % n, got):
        return None
    for w in items:
        if not check(url + " item", isinstance(w, dict) and sorted(w) == ["id", "randomNumber"]
                     and all(isinstance(w[k], int) and 1 <= w[k] <= 10000 for k in w),
                     '{"id": 1..10000, "randomNumber": 1..10000}', w):
            return None
        if read and not check(url + " row %d" % w["id"], stored(w["id"]) == w["randomNumber"],
                              stored(w["id"]), w["randomNumber"]):
            return None
    return items

worlds("/db", 1, single=True)
for arg, n in (("20", 20), ("0", 1), ("foo", 1), ("501", 500), ("", 1)):
    worlds("/queries?queries=" + arg, n)
worlds("/queries", 1)
before = dict(db.execute("SELECT id, randomnumber FROM bench_world"))
items = worlds("/updates?queries=20", 20, read=False)
if items:
    last = {w["id"]: w["randomNumber"] for w in items}
    for i, rn in last.items():
        check("/updates row %d written" % i, stored(i) == rn, rn, stored(i))
    check("/updates changed rows", any(before[i] != rn for i, rn in last.items()),
          "some rows with a new number", "none changed")
worlds("/updates?queries=501", 500, read=False)
p = Page()
p.feed(get("/fortunes", "text/html; charset=utf-8").decode("utf-8", "replace"))
page = "".join(p.out)
if page != PAGE:
    a, b = PAGE.splitlines(), page.splitlines()
    k = next((i for i in range(max(len(a), len(b)))
              if i >= len(a) or i >= len(b) or a[i] != b[i]), 0)
    check("/fortunes page, line %d" % (k + 1), False, repr(a[k] if k < len(a) else ""),
          repr(b[k] if k < len(b) else ""))
for f in fails:
    print("  " + f)
print("verified" if not fails else "%d checks failed" % len(fails))
sys.exit(1 if fails else 0)
EOF

# Sum of utime + stime (clock ticks) of the given pids (all their threads).
ticks() {
    for p in "$@"; do sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null; done \
        | awk '{ t += $12 + $13 } END { print t + 0 }'
}

# Waits (deadline 10 s) until URL answers. Returns 1 on time-out.
wait_up() {
    i=0
    while [ $i -lt 100 ]; do
        wrk -t1 -c1 -d1s "$1" 2>/dev/null | grep -q 'Requests/sec' && return 0
        i=$((i + 1))
    done
    return 1
}

# start NAME: starts that server on its copy of the database, in the background; its
# port goes to $T/NAME.port, its pid to $T/NAME.pid. A C server reads a fifo on fd 7
# (c) or 8 (keg) and stops at its EOF.
start() {
    cp "$T/seed.db" "$DBS/$1.db"
    case $1 in
    c|keg)
        mkfifo "$T/$1.in"
        if [ "$1" = c ]; then
            "$T/keg-te-c" serve "$DBS/c.db" "$WORKERS" < "$T/c.in" > "$T/c.port" 2> "$T/c.log" &
            echo $! > "$T/c.pid"
            exec 7> "$T/c.in"
        else
            "$T/keg-te-keg" "$DBS/keg.db" "$SRC/bench/keg_te_django/templates/fortunes.html" \
                "$WORKERS" < "$T/keg.in" > "$T/keg.port" 2> "$T/keg.log" &
            echo $! > "$T/keg.pid"
            exec 8> "$T/keg.in"
        fi
        i=0
        while [ ! -s "$T/$1.port" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done ;;
    django)
        "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' \
            > "$T/django.port"
        KEG_TE_DB="$DBS/django.db" DJANGO_SETTINGS_MODULE=keg_te_django.settings \
            PYTHONDONTWRITEBYTECODE=1 gunicorn -w "$WORKERS" -b "127.0.0.1:$(cat "$T/django.port")" \
            --chdir "$SRC/bench" --log-level warning keg_te_django.wsgi:application \
            > "$T/django.log" 2>&1 &
        echo $! > "$T/django.pid" ;;
    esac
}

stop_all() {
    exec 7>&- 8>&- 2>/dev/null
    [ -f "$T/django.pid" ] && kill "$(cat "$T/django.pid")" 2>/dev/null
    for s in c keg django; do
        [ -f "$T/$s.pid" ] && wait "$(cat "$T/$s.pid")" 2>/dev/null
        rm -f "$T/$s.pid"
    done
}

# measure NAME TEST PATH TURN: one wrk run against server NAME (after a warm-up at
# its first turn); appends its figures.
measure() {
    pid=$(cat "$T/$1.pid")
    url="http://127.0.0.1:$(cat "$T/$1.port")$3"
    pids="$pid $(ps -o pid= --ppid "$pid" 2>/dev/null | tr '\n' ' ')"
    [ "$4" = 1 ] && wrk -t1 -c"$CONNS" -d1s "$url" > /dev/null 2>&1     # not counted
    before=$(ticks $pids)
    wrk -t1 -c"$CONNS" -d"${DUR}s" --latency "$url" > "$T/wrk.out" 2>&1
    after=$(ticks $pids)
    awk -v name="$1" -v test="$2" -v dt="$((after - before))" -v tck="$TCK" '
        /requests in/ { n = $1 }
        /Requests\/sec:/ { rps = $2 }
        $1 == "99%" { p99 = $2 }
        /Non-2xx|Socket errors/ { bad = bad " " $0 }
        END {
            cpu = n > 0 ? dt / tck / n * 1e6 : 0
            printf "%s %s %f %f %s %s\n", name, test, cpu, rps, p99 == "" ? "-" : p99,
                   bad == "" ? "" : "(" bad " )"
        }' "$T/wrk.out" >> "$T/runs"
}

dv=$("$PY" -c 'import django; print(django.get_version())' 2> /dev/null)
gv=$(gunicorn --version 2>/dev/null | tr -cd '0-9.\n')
echo "keg web bench (TechEmpower's database tests): wrk -t1 -c$CONNS -d${DUR}s on loopback," \
     "$WORKERS server threads/workers, $(nproc) cores, SQLite $(pkg-config --modversion sqlite3 2>/dev/null)" \
     "in $DBDIR; the best of $ROUNDS turns (Django $DJANGO_ROUNDS)"
# All three serve at once (an idle one costs nothing); each is verified, then they take
# turns test by test, so a passing load weighs on all alike.
servers=
for s in c keg django; do
    [ "$s" = keg ] && [ "$KEG" = 0 ] && continue
    start "$s"
    port=$(cat "$T/$s.port" 2> /dev/null)
    if [ -z "$port" ] || ! wait_up "http://127.0.0.1:$port/db"; then
        echo "$s: did not start"; sed 's/^/  /' "$T/$s.log" | head -5
    elif ! "$PY" "$T/verify.py" "$port" "$DBS/$s.db" > "$T/verify.out" 2>&1; then
        echo "$s: not timed, its answers are wrong:"; sed 's/^/  /' "$T/verify.out" | head -12
    else
        servers="$servers $s"
    fi
done
for t in "db /db" "queries /queries?queries=20" "fortunes /fortunes" \
         "updates /updates?queries=20"; do
    for turn in $(seq "$ROUNDS"); do
        for s in $servers; do
            [ "$s" = django ] && [ "$turn" -gt "$DJANGO_ROUNDS" ] && continue
            measure "$s" $t "$turn"
        done
    done
done
stop_all
[ -f "$T/runs" ] || exit 0
awk '
    # the turn with the least CPU per request stands for each server and test
    !(($1, $2) in cpu) || $3 < cpu[$1, $2] {
        cpu[$1, $2] = $3; rps[$1, $2] = $4; p99[$1, $2] = $5
        bad[$1, $2] = NF > 5 ? substr($0, index($0, "(")) : ""
    }
    END {
        split("db queries fortunes updates", tests, " ")
        split("c keg django", who, " ")
        printf "%-8s %-9s %10s %10s %14s\n", "server", "test", "req/s", "p99", "CPU/request"
        for (w = 1; w <= 3; w++)
            for (i = 1; i <= 4; i++)
                if ((who[w], tests[i]) in cpu)
                    printf "%-8s %-9s %10.0f %10s %11.1f us %s\n", who[w], tests[i],
                           rps[who[w], tests[i]], p99[who[w], tests[i]],
                           cpu[who[w], tests[i]], bad[who[w], tests[i]]
        for (i = 1; i <= 4; i++) {
            t = tests[i]; c = cpu["c", t]; k = cpu["keg", t]; d = cpu["django", t]
            line = sprintf("%-9s CPU per request:", t)
            if (c > 0 && k > 0)
                line = line sprintf(" keg / C = %.2fx (target <= 1.5: %s; req/s C / keg = %.2fx)",
                                    k / c, k / c <= 1.5 ? "met" : "MISSED",
                                    rps["c", t] / rps["keg", t])
            if (k > 0 && d > 0)
                line = line sprintf(", Django / keg = %.1fx (target >= 10: %s)", d / k,
                                    d / k >= 10 ? "met" : "MISSED")
            print line
        }
    }' "$T/runs"
echo "(Django $dv, gunicorn $gv sync workers; libmicrohttpd $(pkg-config --modversion libmicrohttpd 2>/dev/null))"
