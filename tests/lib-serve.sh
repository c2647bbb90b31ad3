# lib-serve.sh -- shared steps of the 5xx tests (the class server): a course copy whose
# toy track stands alone, `stacklab serve` on a loopback port, curl calls, toy archives.
# Sourced after lib-grader.sh by tests/5NN-*.t; never run by prove itself (no .t suffix).

# serve_setup: grader_setup, a course copy with the toy track (tests/fixtures/toy-track)
# made standalone: it requires no vial lab and links the kit's libraries itself, so a
# submission is the toy/ folder alone and grades in a moment. $DB_URL is the class
# database: sqlite:$DB, or with STACKLAB_TEST_DB=postgresql a database in a private
# PostgreSQL cluster (lib-pg.sh) started for the test (the test is skipped, saying why,
# when PostgreSQL is not installed). dbq SQL prints a query's answer on either.
serve_setup() {
    grader_setup
    grader_course_copy
    cp -R "$G_SRC/tests/fixtures/toy-track/." "$STACKLAB_COURSE/"
    sed -i -e '/^requires: 01$/d' \
        -e 's/^libs: .*/libs: libmicrohttpd, libcrypto, libcjson, libcurl/' \
        "$STACKLAB_COURSE/labs/toy/track.md"
    sed -i '/^requires: 01$/d' "$STACKLAB_COURSE/labs/toy/90-add/lab.md"
    # Workers unpack jobs here: a worker killed mid-job leaves its folder inside $T.
    mkdir -p "$T/tmp"
    export TMPDIR="$T/tmp"
    DB="$T/class.db"
    DB_URL="sqlite:$DB"
    SERVE_PID=
    PORT=0
    trap 'serve_kill; pg_stop 2>/dev/null; rm -rf "$T"' EXIT
    if [ "${STACKLAB_TEST_DB:-sqlite}" = postgresql ]; then
        . "$G_SRC/tests/lib-pg.sh"
        pg_start "$T/pg" || { echo "1..0 # SKIP PostgreSQL: $PG_WHY"; exit 0; }
        DB_URL=$PG_URL
    fi
}

# dbq SQL: the answer of one query on the class database, one row per line, columns
# separated by '|'.
dbq() {
    if [ "${STACKLAB_TEST_DB:-sqlite}" = postgresql ]; then
        psql -X -tAq "$PG_URL" -c "$1" 2>/dev/null
    else
        sqlite3 "$DB" "$1" 2>/dev/null
    fi
}

# db_dump: every byte the database keeps, as the engine stores or dumps it.
db_dump() {
    if [ "${STACKLAB_TEST_DB:-sqlite}" = postgresql ]; then
        pg_dump "$PG_URL" 2>/dev/null
    else
        cat "$DB" "$DB-wal" 2>/dev/null
    fi
}

# serve_start ARGS...: starts serve on 127.0.0.1:$PORT (0: a port the kernel picks, read
# back from its first line) with extra ARGS; $URL is its address. 1 when it did not start.
serve_start() {
    "$SL" serve --course "$STACKLAB_COURSE" --listen "127.0.0.1:$PORT" --db "$DB_URL" \
        "$@" >> "$T/serve.log" 2>&1 &
    SERVE_PID=$!
    _si=0
    while [ $_si -lt 200 ]; do
        _sp=$(sed -n 's/^stacklab serve: listening on port \([0-9]*\) .*/\1/p' "$T/serve.log" \
              | tail -n 1)
        if [ -n "$_sp" ] && [ "$_sp" != 0 ] && curl -s -o /dev/null "http://127.0.0.1:$_sp/api/v1/health"
        then
            PORT=$_sp
            URL="http://127.0.0.1:$PORT"
            return 0
        fi
        kill -0 "$SERVE_PID" 2>/dev/null || return 1
        sleep 0.1
        _si=$((_si + 1))
    done
    return 1
}

# serve_again ARGS...: serve_start on the same port again, retrying for the port to free
# (5 tries, 1 s apart); bails out of the test when it does not start.
serve_again() {
    _tries=0
    until serve_start "$@"; do
        _tries=$((_tries + 1))
        [ $_tries -ge 5 ] && { t_diag "$T/serve.log"; echo "Bail out! serve did not restart"; exit 1; }
        sleep 1
    done
}

# serve_stop: SIGTERM to serve; $SERVE_RC is its exit code.
serve_stop() {
    kill -TERM "$SERVE_PID" 2>/dev/null
    wait "$SERVE_PID"
    SERVE_RC=$?
    SERVE_PID=
}

# serve_kill: at exit, a serve still running is stopped (its workers follow it).
serve_kill() {
    [ -n "$SERVE_PID" ] && kill -TERM "$SERVE_PID" 2>/dev/null && wait "$SERVE_PID"
    SERVE_PID=
}

# api METHOD PATH [CURL ARGS...]: prints the HTTP status; the body is in $T/body, the
# headers in $T/headers.
api() {
    _am=$1 _ap=$2
    shift 2
    curl -s -o "$T/body" -D "$T/headers" -w '%{http_code}' -X "$_am" "$@" "$URL$_ap"
}

# json_str FIELD [FILE]: the first string value of FIELD in FILE ($T/body).
json_str() { grep -o "\"$1\":\"[^\"]*\"" "${2:-$T/body}" | head -n 1 | sed 's/^[^:]*:"//; s/"$//'; }
# json_num FIELD [FILE]: the first number value of FIELD in FILE.
json_num() { grep -o "\"$1\":-\{0,1\}[0-9.]*" "${2:-$T/body}" | head -n 1 | cut -d: -f2; }

# enrol NAME: enrols NAME with $CODE; prints the token.
enrol() {
    [ "$(api POST /api/v1/enrol -d "{\"code\":\"$CODE\",\"name\":\"$1\"}")" = 201 ] || return 1
    json_str token
}

# toy_archive OUT [BODY]: a tar.gz of toy/ (the reference; BODY replaces toy_add's).
toy_archive() {
    rm -rf "$T/arch"
    mkdir -p "$T/arch/toy"
    cp "$STACKLAB_COURSE/labs/toy/ref/toy.h" "$T/arch/toy/"
    printf '#include "toy.h"\nint toy_add(int a, int b) { %s }\nint toy_mul(int a, int b) { return a * b; }\n' \
        "${2:-return a + b;}" > "$T/arch/toy/toy.c"
    (cd "$T/arch" && tar czf "$1" toy)
}

# submit TOKEN ARCHIVE [LAB]: posts it; prints the status (body in $T/body).
submit() {
    api POST "/api/v1/submissions?lab=${3:-90}" -H "Authorization: Bearer $1" \
        -H "Content-Type: application/gzip" --data-binary "@$2"
}

# wait_done TOKEN ID SECONDS: polls the submission until it is done; 1 once SECONDS have
# passed by the clock (a count of polls would stretch with each poll's own time: on a
# loaded machine 300 polls took 205 s), or at once when TOKEN may not read it (401, 404:
# waiting cannot change that).
wait_done() {
    _wend=$(($(date +%s) + $3))
    while :; do
        _wst=$(api GET "/api/v1/submissions/$2" -H "Authorization: Bearer $1")
        [ "$(json_str state)" = done ] && return 0
        case $_wst in 401|404) return 1 ;; esac
        [ "$(date +%s)" -lt "$_wend" ] || return 1
        sleep 0.2
    done
}
