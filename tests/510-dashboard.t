#!/bin/sh
# The instructors' dashboard (docs/server.md): three learners of a class (one passes toy
# lab 90, one fails it, one submits nothing; their names carry markup and a spreadsheet
# formula) seen by an instructor: log in with the token `class instructor` printed
# (HttpOnly, SameSite=Strict cookie; a wrong token 401; pages without it refused), the
# grid (pass, fail and empty cells, the per-lab pass rate), the hidden tests that fail
# most, a learner's history with their report as `stacklab check` prints it, the CSV
# (formulas defused), every learner string escaped, a Content-Security-Policy, forms from
# another site refused, `next` never leaving the dashboard. Then in a real browser
# (headless Chromium): the login link logs in through the page's script, the grid's DOM
# after the script ran holds the cells, and the screenshot shows the pass and fail
# colours in the grid's proportions (read with libpng).
. "$(dirname "$0")/lib-grader.sh"
. "$(dirname "$0")/lib-serve.sh"
serve_setup

CODE=$("$SL" class create "Web 1" --db "$DB_URL" 2> /dev/null)
TOK=$("$SL" class instructor "ann" --db "$DB_URL" 2> "$T/inst.err")
t_ok $(echo "$TOK" | grep -qx '[0-9a-f]\{64\}'; echo $?) "class instructor prints a token"
serve_start --workers 1 || { t_diag "$T/serve.log"; echo "Bail out! serve did not start"; exit 1; }
XSS='<script>alert(1)</script>'
A=$(enrol "alice") && B=$(enrol "$XSS") && C=$(enrol "=cmd|calc")
t_ok $?  "three learners enrol (one named with markup, one with a formula)"
toy_archive "$T/good.tgz"
toy_archive "$T/bad.tgz" "return a - b;"
submit "$A" "$T/good.tgz" > /dev/null; IA=$(json_num id)
submit "$B" "$T/bad.tgz" > /dev/null; IB=$(json_num id)
wait_done "$A" "$IA" 120 && wait_done "$B" "$IB" 120
t_ok $? "alice's and the second learner's submissions are graded"
[ "$G_FAILS" -gt 0 ] && { t_diag "$T/body"; t_diag "$T/serve.log"; echo "# ids $IA $IB"; }

jar="$T/jar"
st=$(api GET /dash)
t_ok $([ "$st" = 200 ] && grep -q 'name="token"' "$T/body"; echo $?) "/dash without a cookie shows the login form ($st)"
st=$(api GET /dash/class/1)
t_ok $([ "$st" = 401 ] && ! grep -q alice "$T/body"; echo $?) "a class page without a cookie is 401 and shows nothing ($st)"
st=$(api POST /dash/login -d "token=$(printf '%064d' 0)")
t_ok $([ "$st" = 401 ] && ! grep -qi '^Set-Cookie' "$T/headers"; echo $?) "a wrong token: 401, no cookie ($st)"
st=$(api POST /dash/login -d "token=$TOK&next=https://evil.example/" -c "$jar")
t_ok $([ "$st" = 303 ] && grep -qi '^Location: /dash' "$T/headers" \
    && grep -qi '^Set-Cookie: stacklab_dash=.*HttpOnly; SameSite=Strict' "$T/headers"; echo $?) \
    "the token logs in: 303 to the dashboard, not to next= elsewhere; HttpOnly SameSite=Strict cookie ($st)"
st=$(api POST /dash/login -d "token=$TOK&next=//evil.example/" -H "Origin: http://evil.example")
t_ok $([ "$st" = 403 ]; echo $?) "a form posted from another site is refused ($st)"

st=$(api GET /dash -b "$jar")
CID=$(grep -o 'href="/dash/class/[0-9]*"' "$T/body" | head -n 1 | grep -o '[0-9]*')
t_ok $([ "$st" = 200 ] && grep -q "Web 1" "$T/body" && grep -q "$CODE" "$T/body" \
    && grep -qi "^Content-Security-Policy: default-src 'none'; script-src 'self'" "$T/headers" \
    && grep -qi '^X-Frame-Options: DENY' "$T/headers"; echo $?) \
    "logged in, /dash lists the class and its code, with CSP and X-Frame-Options ($st)"
st=$(api GET "/dash/class/$CID" -b "$jar")
cp "$T/body" "$T/grid.html"
row() { tr '\n' ' ' < "$T/grid.html" | grep -o "<tr class=\"learner\" data-name=\"$1\">.*" | sed 's|</tr>.*||'; }
t_ok $([ "$st" = 200 ] && row alice | grep -q 'class="pass" data-state="pass" title="1 attempt">3/3'; echo $?) \
    "the grid: alice passed lab 90 in 1 attempt, 3 of 3"
t_ok $(row '&lt;script&gt;alert(1)&lt;/script&gt;' | grep -q 'class="fail" data-state="fail" title="1 attempt">0/3'; echo $?) \
    "the second learner failed lab 90, 0 of 3, the name escaped"
t_ok $(row '=cmd|calc' | grep -q 'class="none"' && ! row '=cmd|calc' | grep -q 'class="pass"'; echo $?) \
    "the third has no submission: empty cells"
t_ok $(! grep -q '<script>alert' "$T/grid.html" && ! grep -q "$XSS" "$T/grid.html"; echo $?) \
    "no learner markup reaches the page unescaped"
t_ok $(grep -q 'data-rate="1/3">33%' "$T/grid.html"; echo $?) "lab 90's pass rate: 1 of 3, 33%"
t_ok $(tr '\n' ' ' < "$T/grid.html" | grep -o '<table id="fails">.*' | grep -q 'lab 90: .*<td>1</td>'; echo $?) \
    "the hidden tests that fail most name lab 90's failing tests, 1 learner each"

st=$(api GET "/dash/class/$CID/export.csv" -b "$jar")
t_ok $([ "$st" = 200 ] && grep -qi '^Content-Type: text/csv' "$T/headers" \
    && grep -q '^"alice","90",1,1,3,3,20' "$T/body" && grep -q "^\"'=cmd|calc\",\"90\",0,0,0,0," "$T/body" \
    && [ "$(grep -c . "$T/body")" -gt 3 ]; echo $?) "the CSV: a row per learner and lab, a formula defused ($st)"
lid=$(grep -o 'href="/dash/learner/[0-9]*">&lt;script' "$T/grid.html" | grep -o '[0-9]*' | head -n 1)
st=$(api GET "/dash/learner/$lid" -b "$jar")
t_ok $([ "$st" = 200 ] && grep -q '<pre id="report">' "$T/body" && grep -q 'lab 90' "$T/body" \
    && grep -q 'fail 0/3' "$T/body"; echo $?) "a learner's page: the history and the last report ($st)"
# The report as check prints it: the same lines the learner saw (HTML-unescaped).
api GET "/api/v1/submissions/$IB" -H "Authorization: Bearer $B" > /dev/null
t_ok $(grep -q 'expected' "$T/body" && sed -n '/<pre id="report">/,/<\/pre>/p' "$T/grid.html" > /dev/null \
    && api GET "/dash/learner/$lid" -b "$jar" > /dev/null \
    && sed -n '/<pre id="report">/,/<\/pre>/p' "$T/body" | grep -q 'expected'; echo $?) \
    "the report shows expected and got, as a local check does"
n=$("$SL" class regrade 90 --db "$DB_URL" 2> /dev/null)
i=0
while [ $i -lt 600 ] && [ "$(dbq "SELECT count(*) FROM jobs WHERE state <> 'done'")" != 0 ]; do
    sleep 0.2; i=$((i + 1))
done
api GET "/dash/learner/$lid" -b "$jar" > /dev/null
t_ok $([ "$n" = 2 ] && grep -q 'done (regrade)</td><td class="fail">fail 0/3' "$T/body" \
    && [ "$(dbq "SELECT count(*) FROM results")" = 4 ]; echo $?) \
    "class regrade 90 grades the two learners' latest work again (regrade $n); the history marks it"
api GET "/dash/class/$CID" -b "$jar" > /dev/null
t_ok $(tr '\n' ' ' < "$T/body" | grep -o '<tr class="learner" data-name="alice">.*' \
    | grep -q 'title="1 attempt">3/3'; echo $?) "a regrade is not counted as the learner's attempt"
st=$(api GET /dash/learner/99999 -b "$jar")
t_ok $([ "$st" = 404 ]; echo $?) "an unknown learner is 404 ($st)"
st=$(api POST /dash/logout -b "$jar" -c "$jar")
st2=$(api GET "/dash/class/$CID" -b "$jar")
t_ok $([ "$st" = 303 ] && [ "$st2" = 401 ]; echo $?) "logging out ends it ($st, $st2)"

# ---- a real browser ---------------------------------------------------------------------
BROWSER=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$BROWSER" ]; then
    for i in 1 2 3; do
        G_NUM=$((G_NUM + 1)); echo "ok $G_NUM # SKIP no chromium installed (make test installs it)"
    done
else
    cc -std=c11 -O1 -o "$T/pngcolors" "$G_SRC/tests/fixtures/pngcolors.c" \
        $(pkg-config --cflags --libs libpng) 2> "$T/cc.err" || t_diag "$T/cc.err"
    link="$URL/dash/login#token=$TOK&next=/dash/class/$CID"
    chrome() {
        timeout 90 "$BROWSER" --headless --no-sandbox --disable-gpu --no-first-run \
            --user-data-dir="$T/chrome" --virtual-time-budget=8000 --window-size=2600,500 \
            "$@" "$link" 2>> "$T/chrome.log"
    }
    chrome --dump-dom > "$T/dom.html"
    t_ok $(grep -q 'data-ready="1"' "$T/dom.html" && grep -q 'id="grid"' "$T/dom.html" \
        && grep -c 'data-state="pass"' "$T/dom.html" | grep -qx 1 \
        && grep -c 'data-state="fail"' "$T/dom.html" | grep -qx 1; echo $?) \
        "in Chromium the login link logs in and the grid's DOM (after its script ran) holds 1 pass and 1 fail"
    [ "$G_FAILS" -gt 0 ] && t_diag "$T/chrome.log" 20
    rm -rf "$T/chrome"
    chrome --screenshot="$T/grid.png" > /dev/null
    set -- $("$T/pngcolors" "$T/grid.png" 1a7f37 cf222e eaeef2 2> /dev/null | cut -d' ' -f2)
    t_ok $([ "${1:-0}" -gt 100 ] && [ "${2:-0}" -gt 100 ]; echo $?) \
        "the screenshot shows the grid's pass (green, ${1:-0} px) and fail (red, ${2:-0} px) cells"
    t_ok $([ "${3:-0}" -gt $((${1:-0} * 5)) ]; echo $?) \
        "and the empty cells (grey, ${3:-0} px): the course's other labs and the third learner"
fi
serve_stop
t_ok $([ "$SERVE_RC" -eq 0 ] && ! grep -q "ERROR: AddressSanitizer\|runtime error" "$T/serve.log"; echo $?) \
    "serve stops cleanly, no sanitizer report"
t_done
