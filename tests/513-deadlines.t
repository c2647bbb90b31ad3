#!/bin/sh
# Deadlines per lab (docs/server.md): `stacklab class deadline CLASS LAB WHEN` (UTC, or
# "none"), refusing a bad WHEN, a bad LAB and an unknown class by name; a submission after
# the deadline is graded all the same and marked late in both answers, `stacklab submit`
# says so in one line; progress gives each lab's due time and whether it was passed by
# it; the dashboard shows the due date in the lab's header, a late pass as a `late` cell,
# counts on-time passes only in the pass rate (and says so), and the CSV gains
# passed_on_time; another class's learner is never late; "none" clears it. A submission
# made "before" the deadline is dated back in the database: a test cannot wait for a
# clock.
. "$(dirname "$0")/lib-grader.sh"
. "$(dirname "$0")/lib-serve.sh"
serve_setup

CODE=$("$SL" class create "Late 1" --db "$DB_URL" 2> /dev/null)
CODE2=$("$SL" class create "Other" --db "$DB_URL" 2> /dev/null)
TOK=$("$SL" class instructor ann --db "$DB_URL" 2> /dev/null)
# t_is GOT WANT WHAT: a test that GOT is WANT.
t_is() { t_ok $([ "$1" = "$2" ]; echo $?) "$3 ($1)"; }
# dl ARGS...: class deadline ARGS; $RC, stderr in $T/err.
dl() { "$SL" class deadline "$@" --db "$DB_URL" > "$T/out" 2> "$T/err"; RC=$?; }

# ---- the command ------------------------------------------------------------------------
for bad in "2026-02-30 10:00" "2026-13-01 10:00" "2026-01-01 24:00" "tomorrow" \
           "2026-01-01" "2026-01-01 10:00:00" "1969-12-31 23:59"; do
    dl "Late 1" 90 "$bad"
    t_ok $([ "$RC" -eq 2 ] && grep -q "WHEN '$bad': not \"YYYY-MM-DD HH:MM\"" "$T/err"; echo $?) \
        "a bad WHEN ($bad) is refused naming WHEN (exit $RC)"
done
dl "Nope" 90 "2030-01-01 00:00"
t_ok $([ "$RC" -eq 2 ] && grep -q "CLASS Nope: no class of that name" "$T/err"; echo $?) \
    "an unknown class is refused, named (exit $RC)"
dl "Late 1" "../x" "2030-01-01 00:00"
t_ok $([ "$RC" -eq 2 ] && grep -q "LAB '../x': not a lab id" "$T/err"; echo $?) \
    "a LAB that is no lab id is refused, named (exit $RC)"
dl "Late 1" 90
t_ok $([ "$RC" -eq 2 ]; echo $?) "WHEN missing is a usage error (exit $RC)"
t_is "$(dbq 'SELECT count(*) FROM deadlines')" 0 "nothing refused was stored"
# 2001-09-09 01:46:40 UTC is 10^9 s: the minute before it is 999999960.
dl "Late 1" 90 "2001-09-09 01:46"
t_ok $([ "$RC" -eq 0 ] && grep -q "lab 90 is due 2001-09-09 01:46 UTC" "$T/err"; echo $?) \
    "a deadline is set and said (exit $RC)"
t_is "$(dbq 'SELECT due FROM deadlines')" 999999960 "stored as seconds since the epoch, read as UTC"
dl "Late 1" 90 "2001-09-09T01:46"
t_is "$(dbq 'SELECT count(*), max(due) FROM deadlines')" "1|999999960" \
    "set again (a T for the space): replaced, not doubled"
t_is "$(dbq 'SELECT version FROM schema_version')" 4 "the class database is at schema 4 (3 added deadlines, 4 exams)"

# ---- submissions after the deadline -------------------------------------------------------
serve_start --workers 1 || { t_diag "$T/serve.log"; echo "Bail out! serve did not start"; exit 1; }
ALICE=$(enrol alice) && enrol cy > /dev/null
DEE=$(CODE=$CODE2 enrol dee)
t_ok $? "alice and cy enrol in Late 1, dee in Other"
st=$(api GET /api/v1/progress -H "Authorization: Bearer $ALICE")
t_ok $([ "$st" = 200 ] && grep -q '"lab":"90","attempts":0,"passed":false,"best_passed":0,"total":0,"last":null,"due":999999960,"passed_on_time":false' "$T/body" \
    && grep -q '"lab":"91",[^}]*"due":null' "$T/body"; echo $?) \
    "progress gives lab 90's due time, lab 91's null ($st)"

toy_archive "$T/good.tgz"
st=$(submit "$ALICE" "$T/good.tgz")
IA=$(json_num id)
t_ok $([ "$st" = 202 ] && grep -q '"late":true' "$T/body"; echo $?) \
    "a submission after the deadline is accepted, its answer \"late\": true ($st)"
dbq "UPDATE submissions SET created = 999999000 WHERE id = $IA" > /dev/null
wait_done "$ALICE" "$IA" 120
t_ok $(grep -q '"late":false' "$T/body" && grep -q '"verdict":"pass"' "$T/body"; echo $?) \
    "alice's, dated before the deadline, is on time and passes"
[ "$G_FAILS" -gt 0 ] && { t_diag "$T/body"; t_diag "$T/serve.log"; }

# bob submits with stacklab submit from a workspace.
grader_ws > /dev/null || { echo "Bail out! stacklab init failed"; exit 1; }
cp "$T/arch/toy/toy.c" "$T/ws/toy/toy.c"
"$SL" login "$URL" "$CODE" --name bob > "$T/out" 2> "$T/err"
t_ok $? "bob logs in with stacklab login"
"$SL" submit 90 > "$T/out" 2> "$T/err"
RC=$?
t_ok $([ "$RC" -eq 0 ] && grep -q "PASS lab 90: 3 of 3" "$T/out" \
    && [ "$(grep -c "is late: lab 90's deadline has passed; it is graded all the same" "$T/err")" = 1 ]; echo $?) \
    "stacklab submit: graded, passes, and one line says it was late (exit $RC)"
[ "$G_FAILS" -gt 0 ] && { t_diag "$T/out"; t_diag "$T/err"; }
BOB=$(sed -n 's/^token //p' "$XDG_CONFIG_HOME/stacklab/server")
IB=$(sed -n 's/^submission \([0-9]*\) is late.*/\1/p' "$T/err")
st=$(api GET "/api/v1/submissions/$IB" -H "Authorization: Bearer $BOB")
t_ok $([ "$st" = 200 ] && grep -q '"late":true' "$T/body" && grep -q '"state":"done"' "$T/body"; echo $?) \
    "GET /api/v1/submissions/$IB: graded and \"late\": true ($st)"
st=$(api GET /api/v1/progress -H "Authorization: Bearer $BOB")
t_ok $([ "$st" = 200 ] && grep -q '"lab":"90","attempts":1,"passed":true,[^}]*"due":999999960,"passed_on_time":false' "$T/body"; echo $?) \
    "bob's progress: lab 90 passed, not by its deadline ($st)"
st=$(api GET /api/v1/progress -H "Authorization: Bearer $ALICE")
t_ok $([ "$st" = 200 ] && grep -q '"lab":"90","attempts":1,"passed":true,[^}]*"due":999999960,"passed_on_time":true' "$T/body"; echo $?) \
    "alice's progress: lab 90 passed by its deadline ($st)"

st=$(submit "$DEE" "$T/good.tgz")
ID=$(json_num id)
t_ok $([ "$st" = 202 ] && grep -q '"late":false' "$T/body"; echo $?) \
    "another class's learner is not late: the deadline is Late 1's ($st)"
st=$(api GET /api/v1/progress -H "Authorization: Bearer $DEE")
t_ok $(grep -q '"lab":"90",[^}]*"due":null' "$T/body"; echo $?) "dee's progress: no deadline"
wait_done "$DEE" "$ID" 120

# ---- the dashboard -------------------------------------------------------------------------
jar="$T/jar"
api POST /dash/login -d "token=$TOK" -c "$jar" > /dev/null
CID=$(dbq "SELECT id FROM classes WHERE name = 'Late 1'")
st=$(api GET "/dash/class/$CID" -b "$jar")
cp "$T/body" "$T/grid.html"
row() { tr '\n' ' ' < "$T/grid.html" | grep -o "<tr class=\"learner\" data-name=\"$1\">.*" | sed 's|</tr>.*||'; }
t_ok $([ "$st" = 200 ] && grep -q '>90<br><span class="due">due 2001-09-09 01:46</span></th>' "$T/grid.html" \
    && ! grep -q '>91<br>' "$T/grid.html"; echo $?) "lab 90's header shows its due date, lab 91's none ($st)"
t_ok $(row bob | grep -q 'class="late" data-state="late" title="1 attempt, passed late">3/3'; echo $?) \
    "bob's cell: a late pass, class late"
t_ok $(row alice | grep -q 'class="pass" data-state="pass" title="1 attempt">3/3'; echo $?) \
    "alice's cell: an on-time pass"
t_ok $(grep -q '<th class="who">Passed on time</th>' "$T/grid.html" \
    && grep -q 'data-rate="1/3">33%' "$T/grid.html" && ! grep -q 'data-rate="2/3"' "$T/grid.html" \
    && grep -q 'the pass rate counts on-time passes only' "$T/grid.html"; echo $?) \
    "the pass rate counts alice alone, 1 of 3, and the page says why"
st=$(api GET /dash/style.css)
t_ok $(grep -q 'td.late' "$T/body"; echo $?) "the style sheet colours late cells"
st=$(api GET "/dash/class/$CID/export.csv" -b "$jar")
t_ok $([ "$st" = 200 ] && head -n 1 "$T/body" | grep -q '^learner,lab,attempts,passed,best_passed,total,last_submitted,passed_on_time' \
    && grep -q '^"alice","90",1,1,3,3,2001-09-09 01:30,1' "$T/body" \
    && grep -q '^"bob","90",1,1,3,3,[0-9 :-]*,0' "$T/body" \
    && grep -q '^"cy","90",0,0,0,0,,0' "$T/body"; echo $?) "the CSV's passed_on_time: alice 1, bob 0, cy 0 ($st)"
[ "$G_FAILS" -gt 0 ] && t_diag "$T/body"

# ---- none clears it ----------------------------------------------------------------------
dl "Late 1" 90 none
t_ok $([ "$RC" -eq 0 ] && grep -q "lab 90 has no deadline now" "$T/err" \
    && [ "$(dbq 'SELECT count(*) FROM deadlines')" = 0 ]; echo $?) "\"none\" clears the deadline (exit $RC)"
st=$(api GET "/api/v1/submissions/$IB" -H "Authorization: Bearer $BOB")
t_ok $(grep -q '"late":false' "$T/body"; echo $?) "bob's submission is no longer late"
api GET /api/v1/progress -H "Authorization: Bearer $BOB" > /dev/null
t_ok $(grep -q '"lab":"90",[^}]*"due":null,"passed_on_time":true' "$T/body"; echo $?) \
    "bob's progress: no due time, passed on time"
api GET "/dash/class/$CID" -b "$jar" > /dev/null
t_ok $(! grep -q 'class="due"' "$T/body" && grep -q 'data-rate="2/3">67%' "$T/body"; echo $?) \
    "the grid: no due date, both passes counted (2 of 3)"
dl "Late 1" 90 none
t_ok $([ "$RC" -eq 0 ]; echo $?) "clearing a deadline there is not is no error (exit $RC)"

serve_stop
t_ok $([ "$SERVE_RC" -eq 0 ] && ! grep -q "ERROR: AddressSanitizer\|runtime error" "$T/serve.log"; echo $?) \
    "serve stops cleanly, no sanitizer report"
t_done
