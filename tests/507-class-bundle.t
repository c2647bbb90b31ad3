#!/bin/sh
# The class's course reaches the learner, and the server keeps their progress: against the
# real `stacklab serve` on the toy track alone (labs 90 and 91), `stacklab login` fetches
# the learner bundle (GET /api/v1/bundle) into ${XDG_DATA_HOME:-~/.local/share}/stacklab/
# class/HOST_PORT/course, with no checker, driver, lab header, reference, track kit or
# exam in it; `stacklab init` then uses it (STACKLAB_COURSE still comes first); a
# submission that passes lab 90 moves the learner's current lab, so `stacklab update`
# fetches a bundle up to lab 91 and renders the workspace for it; GET /api/v1/progress
# answers each learner their own standing (401 without a valid token); `stacklab status`
# shows the server's view beside the workspace's, and offline (serve stopped) says the
# server cannot be reached while status and update keep working. The client's side of
# hostile answers (bad bundles, 401, 500, malformed progress) is tests/unit/client-course.c,
# run last.
. "$(dirname "$0")/lib-grader.sh"
. "$(dirname "$0")/lib-serve.sh"
serve_setup
# The toy track alone: lab 90 is the first lab, so passing it moves the current lab.
C=$STACKLAB_COURSE
for d in "$C"/labs/*/; do
    case "$(basename "$d")" in kit|toy) ;; *) rm -rf "$d" ;; esac
done
find "$C/lessons" -type f ! -name '90-*' -delete
find "$C/exams" -type f ! -name 'toy.exam' -delete
REF="$C/labs/toy/ref/toy.c"
"$SL" validate "$C" > "$T/out" 2>&1 || { t_diag "$T/out"; echo "Bail out! the toy course is not valid"; exit 1; }
"$SL" class create c1 --db "$DB_URL" > "$T/code" 2> "$T/out" || { t_diag "$T/out"; echo "Bail out! class create"; exit 1; }
CODE=$(cat "$T/code")
serve_start --workers 1 || { t_diag "$T/serve.log"; echo "Bail out! serve did not start"; exit 1; }
DATA="$HOME/.local/share/stacklab/class/127.0.0.1_$PORT"
CDIR="$DATA/course"
CFG="$XDG_CONFIG_HOME/stacklab/server"

# lsl DIR ARGS...: the learner's stacklab in DIR, without the tests' STACKLAB_COURSE;
# stdout in $T/out, stderr in $T/err, $RC.
lsl() {
    _ld=$1
    shift
    (cd "$_ld" && env -u STACKLAB_COURSE "$SL" "$@") > "$T/out" 2> "$T/err"
    RC=$?
}
# bearer TOKEN PATH: GET PATH with the token; prints the status (body in $T/body).
bearer() { api GET "$2" -H "Authorization: Bearer $1"; }

# ---- the API without a valid token ---------------------------------------------------
for p in bundle progress; do
    st=$(api GET /api/v1/$p)
    t_ok $([ "$st" = 401 ] && grep -qi "^WWW-Authenticate: Bearer" "$T/headers" \
        && grep -q '"error":"Authorization: missing' "$T/body"; echo $?) "GET /api/v1/$p without a token: 401 ($st)"
    st=$(bearer 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef /api/v1/$p)
    t_ok $([ "$st" = 401 ] && grep -q "not a valid token" "$T/body"; echo $?) \
        "... with a token the server never gave: 401 ($st)"
done
st=$(api POST /api/v1/progress -H "Authorization: Bearer x")
t_ok $([ "$st" = 405 ]; echo $?) "POST /api/v1/progress: 405 ($st)"

# ---- login fetches the bundle ------------------------------------------------------------
mkdir "$T/here"
lsl "$T/here" login "$URL" "$CODE" --name ada
t_ok $([ "$RC" -eq 0 ] && grep -q "Logged in to class c1 as ada" "$T/out" \
    && grep -q "labs up to lab 90) is in $CDIR" "$T/out" && grep -q "stacklab init DIR" "$T/out"; echo $?) \
    "login enrols, fetches the class's course into XDG_DATA_HOME's place and says how to start (exit $RC)"
[ "$G_FAILS" -gt 0 ] && t_diag "$T/out" && t_diag "$T/err"
t_ok $([ "$(head -n 2 "$CDIR/BUNDLE" 2>/dev/null)" = "$(printf 'stacklab bundle 1\nupto 90')" ] \
    && [ "$(ls "$DATA")" = course ]; echo $?) "the course is a bundle up to lab 90, alone in its folder"
(cd "$CDIR" && find . \( -name checker.c -o -name driver.c -o -name mutants.txt -o -name '*.exam' \
    -o -path ./exams -o -path './labs/*/ref' -o -path './labs/*/kit' \
    -o -path './labs/*/[0-9][0-9]-*/*.h' \) -print) > "$T/bad"
grep -rlE 'SOLUTION\([0-9]+\)' "$CDIR" >> "$T/bad"
t_ok $([ -d "$CDIR/labs/toy/91-mul" ] && [ ! -s "$T/bad" ]; echo $?) \
    "it holds no checker, driver, lab header (91's ops.h), reference, kit, exam or SOLUTION marker"
[ -s "$T/bad" ] && t_diag "$T/bad"
# The server's bytes are bundle_write's: the instructors' `stacklab bundle` gives the same.
TOKA=$(sed -n 's/^token //p' "$CFG")
bearer "$TOKA" /api/v1/bundle > "$T/st"
"$SL" bundle --course "$C" --upto 90 --out "$T/b90.tar.gz" > "$T/out" 2>&1
t_ok $([ "$(cat "$T/st")" = 200 ] && grep -qi "^Content-Type: application/gzip" "$T/headers" \
    && grep -qi "^Cache-Control: no-store" "$T/headers" && cmp -s "$T/body" "$T/b90.tar.gz"; echo $?) \
    "GET /api/v1/bundle: 200 application/gzip, no-store, the bytes of stacklab bundle --upto 90"

# ---- init uses it ----------------------------------------------------------------------
lsl "$T/here" init "$T/ws"
rec=$(sqlite3 "$T/ws/.stacklab/progress.db" "SELECT value FROM settings WHERE key='course'")
t_ok $([ "$RC" -eq 0 ] && [ "$rec" = "$(cd "$CDIR" && pwd -P)" ] && grep -q "stacklab submit" "$T/out" \
    && "$TOOL" 90 "$REF" | cmp -s - "$T/ws/toy/toy.c"; echo $?) \
    "init (no STACKLAB_COURSE) makes a workspace on the class's course, toy.c as starter(90) (exit $RC)"
[ "$G_FAILS" -gt 0 ] && t_diag "$T/out" && t_diag "$T/err"
(cd "$T/here" && STACKLAB_COURSE="$C" "$SL" init "$T/ws2") > "$T/out" 2>&1
rec=$(sqlite3 "$T/ws2/.stacklab/progress.db" "SELECT value FROM settings WHERE key='course'")
t_ok $([ "$rec" = "$(cd "$C" && pwd -P)" ]; echo $?) "STACKLAB_COURSE still comes before the class's course"
lsl "$T/ws" lesson 90
t_ok $([ "$RC" -eq 0 ] && grep -q "toy track" "$T/out"; echo $?) "lessons read from it (exit $RC)"

# ---- progress --------------------------------------------------------------------------
st=$(bearer "$TOKA" /api/v1/progress)
t_ok $([ "$st" = 200 ] && [ "$(cat "$T/body")" = \
    '{"learner":"ada","class":"c1","labs":[{"lab":"90","attempts":0,"passed":false,"best_passed":0,"total":0,"last":null,"due":null,"passed_on_time":false},{"lab":"91","attempts":0,"passed":false,"best_passed":0,"total":0,"last":null,"due":null,"passed_on_time":false}],"current":"90"}' ]; echo $?) \
    "GET /api/v1/progress before any submission: every lab at zero, current 90"
[ "$G_FAILS" -gt 0 ] && t_diag "$T/body"

# ---- a pass moves the current lab; update brings lab 91 -------------------------------
toy_archive "$T/x.tar.gz"
cp "$T/arch/toy/toy.c" "$T/ws/toy/toy.c"
before=$(date +%s)
lsl "$T/ws" submit 90
t_ok $([ "$RC" -eq 0 ] && grep -q "PASS lab 90: 3 of 3" "$T/out"; echo $?) "submit 90 passes on the server (exit $RC)"
[ "$RC" -ne 0 ] && t_diag "$T/out" && t_diag "$T/err"
st=$(bearer "$TOKA" /api/v1/progress)
last=$(json_num last)
t_ok $([ "$st" = 200 ] && [ "$(json_str current)" = 91 ] && grep -q '"lab":"90","attempts":1,"passed":true,"best_passed":3,"total":3,"last":' "$T/body" \
    && [ "$last" -ge "$before" ] && [ "$last" -le "$(date +%s)" ] \
    && grep -q '"lab":"91","attempts":0,"passed":false,"best_passed":0,"total":0,"last":null' "$T/body"; echo $?) \
    "progress: lab 90 passed 3/3 in 1 attempt at its time, current 91"
[ "$G_FAILS" -gt 0 ] && t_diag "$T/body"
toy_archive "$T/y.tar.gz" "return a - b;"
submit "$TOKA" "$T/y.tar.gz" > /dev/null
wait_done "$TOKA" "$(json_num id)" 60
bearer "$TOKA" /api/v1/progress > /dev/null
t_ok $([ "$(json_str current)" = 91 ] && grep -q '"lab":"90","attempts":2,"passed":true,"best_passed":3,"total":3' "$T/body"; echo $?) \
    "a failing submission after it counts an attempt and keeps the pass and the best"
# A file the workspace has not got yet comes as starter(current lab): drop toy.c to see it.
rm "$T/ws/toy/toy.c"
sed -i '/ toy\/toy.c$/d' "$T/ws/.stacklab/given"
lsl "$T/ws" update
t_ok $([ "$RC" -eq 0 ] && grep -q "Fetched the class's course (labs up to lab 91)" "$T/out" \
    && grep -q "Added 1 new file" "$T/out" && "$TOOL" 91 "$REF" | cmp -s - "$T/ws/toy/toy.c" \
    && grep -q "^STACKLAB_LAB := 91$" "$T/ws/.stacklab/course.mk"; echo $?) \
    "update fetches a bundle up to lab 91 and renders the workspace for lab 91 (exit $RC)"
[ "$G_FAILS" -gt 0 ] && t_diag "$T/out" && t_diag "$T/err"
t_ok $([ "$(sed -n 2p "$CDIR/BUNDLE")" = "upto 91" ] && [ "$(ls "$DATA")" = course ] \
    && [ -d "$CDIR/labs/toy/starters/91" ]; echo $?) "the new bundle took the old one's place, nothing left beside it"

# ---- another learner sees their own ----------------------------------------------------
TOKB=$(enrol bob)
st=$(bearer "$TOKB" /api/v1/progress)
t_ok $([ "$st" = 200 ] && [ "$(json_str learner)" = bob ] && [ "$(json_str current)" = 90 ] \
    && ! grep -q '"passed":true' "$T/body" && ! grep -q '"attempts":[1-9]' "$T/body"; echo $?) \
    "bob's token reads bob's progress: nothing of ada's"
st=$(bearer "$TOKB" /api/v1/bundle)
t_ok $([ "$st" = 200 ] && cmp -s "$T/body" "$T/b90.tar.gz"; echo $?) "and bob's bundle stops at lab 90"

# ---- status, online and offline ------------------------------------------------------------
lsl "$T/ws" status
t_ok $([ "$RC" -eq 0 ] && grep -q "^lessons read" "$T/out" && grep -q "^class server" "$T/out" \
    && grep -q "class c1 at $URL, as ada" "$T/out" \
    && grep -q "labs passed 1 of 2, current lab 91 Multiply two numbers (stacklab submit 91)" "$T/out" \
    && grep -q "lab 90 .*passed .*best 3/3, 2 submissions, last " "$T/out" \
    && grep -q "lab 91 .*no submission yet" "$T/out"; echo $?) \
    "status shows the server's progress beside the workspace's (exit $RC)"
[ "$G_FAILS" -gt 0 ] && t_diag "$T/out" && t_diag "$T/err"
serve_stop
t_ok $([ "$SERVE_RC" -eq 0 ] && ! grep -q "Sanitizer\|runtime error" "$T/serve.log"; echo $?) \
    "serve stops cleanly, no sanitizer report in its log"
lsl "$T/ws" status
t_ok $([ "$RC" -eq 0 ] && grep -q "^lessons read" "$T/out" && grep -q "^current lab" "$T/out" \
    && grep -q "not available: cannot reach $URL/api/v1/progress" "$T/out" \
    && grep -q "works offline" "$T/out"; echo $?) \
    "offline, status shows the workspace's progress and says the server cannot be reached (exit $RC)"
[ "$G_FAILS" -gt 0 ] && t_diag "$T/out"
lsl "$T/ws" update
t_ok $([ "$RC" -eq 0 ] && grep -q "could not be fetched (cannot reach" "$T/err" \
    && grep -q "up to date" "$T/out" && [ "$(sed -n 2p "$CDIR/BUNDLE")" = "upto 91" ]; echo $?) \
    "offline, update warns and updates from the course it has (exit $RC)"
lsl "$T/ws" lab 91
t_ok $([ "$RC" -eq 0 ] && grep -q "^Lab 91" "$T/out"; echo $?) "the course stays readable offline (exit $RC)"

# ---- the client's side of hostile answers -----------------------------------------------
"$STACKLAB_BUILD/tests/client-course" > "$T/unit" 2>&1
t_ok $? "tests/unit/client-course: fetch, swap, hostile bundles and answers, malformed progress"
[ "$G_FAILS" -gt 0 ] && grep "^not ok" "$T/unit" > "$T/notok" && t_diag "$T/notok"
t_done
