#!/bin/sh
# Exams on the server (docs/server.md): a bank of the test's own (srv: three questions of
# three types, 2 attempts; quick: one question, 3 minutes) on a serve whose exam minute is
# 2 s (STACKLAB_EXAM_MINUTE, serve's environment). Start and resume give the same sitting
# and questions; answers are typed in the shown letters and stored in the bank's (the
# right option found by its text), scored right, partly and wrong; refusals name the field
# (n, answer, flagged, the body); another learner's sitting is 404 as an unknown one, for
# reading, answering and submitting; the first result stands; the attempts limit is 403;
# concurrent starts give one sitting; an answer after the server's deadline is 409 and the
# sitting is submitted as expired with the answers it held; no answer carries a key or an
# explanation; the exams list; the dashboard's exams table (escaped names, an open
# sitting's time left, a sitting whose time ran out submitted by the page), exams.csv and
# a learner's sittings. Figures of the JSON are read with perl's core JSON::PP.
. "$(dirname "$0")/lib-grader.sh"
. "$(dirname "$0")/lib-serve.sh"
serve_setup

cat > "$STACKLAB_COURSE/exams/srv.exam" <<'EOF'
title: Server exam
track: toy
minutes: 300
questions: 3
pass: 60
attempts: 2
topics: choice 2, words 1

question: srv-single
topic: choice
type: single
text: Which option is the right one?
a: RIGHT-SINGLE
b: wrong-single-1
c: wrong-single-2
d: wrong-single-3
answer: a
explain: SECRET-EXPLAIN-SINGLE

question: srv-multi
topic: choice
type: multiple
text: Pick every right option.
a: RIGHT-M1
b: wrong-m1
c: RIGHT-M2
d: wrong-m2
answer: ac
explain: SECRET-EXPLAIN-MULTI

question: srv-short
topic: words
type: exact
text: Name the whole number after one, in words.
answer: two
explain: SECRET-EXPLAIN-SHORT
EOF
cat > "$STACKLAB_COURSE/exams/quick.exam" <<'EOF'
title: Quick exam
track: toy
minutes: 3
questions: 1

question: quick-one
type: single
text: Which option is the right one?
a: RIGHT-QUICK
b: wrong-quick
answer: a
explain: SECRET-EXPLAIN-QUICK
EOF

# t_is GOT WANT WHAT: a test that GOT is WANT.
t_is() { t_ok $([ "$1" = "$2" ]; echo $?) "$3 ($1)"; }
# jget PERL [FILE]: the value of a perl expression over $j, the JSON of FILE ($T/body).
jget() { J="$1" perl -MJSON::PP -0777 -ne 'my $j = eval { decode_json($_) };
    exit 1 unless defined $j; my $v = eval $ENV{J}; print defined $v ? $v : "null"' "${2:-$T/body}"; }
# qn QID [FILE]: the number (n) of question QID in a SITTING.
qn() { jget "(map { \$_->{n} } grep { \$_->{id} eq '$1' } @{\$j->{questions}})[0]" "$2"; }
# letter QID TEXT [FILE]: the shown letter of the option TEXT of question QID.
letter() { jget "my (\$q) = grep { \$_->{id} eq '$1' } @{\$j->{questions}};
    my (\$i) = grep { \$q->{options}[\$_] eq '$2' } 0 .. \$#{\$q->{options}};
    defined \$i ? chr(97 + \$i) : undef" "$3"; }
# qa QID [FILE]: the answer of question QID in a SITTING (null when none).
qa() { jget "(map { \$_->{answer} } grep { \$_->{id} eq '$1' } @{\$j->{questions}})[0]" "$2"; }
# as TOKEN METHOD PATH [CURL ARGS...]: api with the learner's token.
as() { _t=$1 _m=$2 _p=$3; shift 3; api "$_m" "$_p" -H "Authorization: Bearer $_t" "$@"; }
# answer TOKEN ID JSON: posts an answer; prints the status.
answer() { as "$1" POST "/api/v1/sittings/$2/answer" -d "$3"; }
# no_secret FILE: none of the bank's explanations, keys or accepted texts is in FILE.
no_secret() { ! grep -q 'SECRET-EXPLAIN\|"key"\|"explain"\|"accept"\|"expected"' "$1"; }

CODE=$("$SL" class create "Exam 1" --db "$DB_URL" 2> /dev/null)
INST=$("$SL" class instructor ann --db "$DB_URL" 2> /dev/null)

STACKLAB_EXAM_MINUTE=0 "$SL" serve --course "$STACKLAB_COURSE" --listen 127.0.0.1:0 \
    --db "$DB_URL" --workers 0 > "$T/out" 2> "$T/err"
RC=$?
t_ok $([ "$RC" -ne 0 ] && grep -q "STACKLAB_EXAM_MINUTE must be a whole number of seconds from 1 to 60, not '0'" "$T/err"; echo $?) \
    "serve refuses a bad STACKLAB_EXAM_MINUTE, naming it (exit $RC)"
export STACKLAB_EXAM_MINUTE=2
serve_start --workers 0 || { t_diag "$T/serve.log"; echo "Bail out! serve did not start"; exit 1; }
unset STACKLAB_EXAM_MINUTE
t_is "$(dbq 'SELECT version FROM schema_version')" 4 "the class database is at schema 4"
ALICE=$(enrol alice) && BOB=$(enrol bob) && CAROL=$(enrol carol) && DAVE=$(enrol dave) \
    && MARK=$(enrol '<b>mark</b>')
t_ok $? "five learners enrol (one named with markup)"

# ---- the exams list and starting ---------------------------------------------------------
st=$(as "$ALICE" GET /api/v1/exams)
t_ok $([ "$st" = 200 ] && [ "$(jget '(map { join ",", $_->{questions}, $_->{attempts}, $_->{used}, $_->{pass}, $_->{minutes}, defined $_->{best} ? 1 : 0, defined $_->{open} ? 1 : 0, $_->{passed} ? 1 : 0 } grep { $_->{id} eq "srv" } @{$j->{exams}})[0]')" = "3,2,0,60,300,0,0,0" ]; echo $?) \
    "the exams list gives srv: 3 questions, 2 attempts, none used, best and open null ($st)"
st=$(api GET /api/v1/exams)
t_is "$st" 401 "the exams list without a token"
st=$(as "$ALICE" POST /api/v1/exams/nope/sitting)
t_ok $([ "$st" = 404 ] && grep -q '"error":"no exam of that name in the course"' "$T/body"; echo $?) \
    "an exam the course lacks is 404 ($st)"
st=$(as "$ALICE" POST /api/v1/exams/Srv%2F..%2Fx/sitting --path-as-is)
t_is "$st" 404 "an exam name that is no id is 404"
st=$(api POST /api/v1/exams/srv/sitting)
t_is "$st" 401 "starting without a token"
[ "$(dbq 'SELECT count(*) FROM sittings')" = 0 ]
t_ok $? "nothing refused started a sitting"

NOW=$(date +%s)
st=$(as "$ALICE" POST /api/v1/exams/srv/sitting)
cp "$T/body" "$T/s1.json"
S1=$(jget '$j->{id}')
t_ok $([ "$st" = 200 ] && [ "$(jget 'join ",", map { $_ ? 1 : 0 } $j->{resumed}, $j->{submitted}')" = "0,0" ] \
    && [ "$(jget 'join ",", $j->{exam}, $j->{attempt}, $j->{attempts}, $j->{pass}, $j->{minutes}, scalar @{$j->{questions}}')" = "srv,1,2,60,300,3" ] \
    && [ "$(jget 'exists $j->{result} ? 1 : 0')" = 0 ]; echo $?) \
    "a new sitting: not resumed, attempt 1 of 2, 3 questions, no result ($st)"
t_ok $(jget "\$j->{deadline} >= $NOW + 600 && \$j->{deadline} <= $NOW + 602 && \$j->{remaining} > 590 && \$j->{remaining} <= 600 ? 0 : 1" "$T/s1.json") \
    "its deadline is 300 exam minutes of 2 s from now; remaining counts to it"
t_is "$(jget 'join ",", map { $_->{n} } @{$j->{questions}}' "$T/s1.json")" "1,2,3" "the questions are numbered 1 to 3"
t_ok $([ "$(jget 'join ",", sort map { "$_->{type}/" . scalar @{$_->{options}} } @{$j->{questions}}')" = "multiple/4,short/0,single/4" ] \
    && [ "$(jget 'join ",", map { "$_->{name}:$_->{count}" } @{$j->{topics}}')" = "choice:2,words:1" ]; echo $?) \
    "single and multiple show 4 options, short none; the topics with their counts"
t_ok $(no_secret "$T/s1.json"; echo $?) "the sitting carries no key, explanation or accepted text"
t_ok $([ "$(jget 'join "", map { defined $_->{answer} ? 1 : 0 } @{$j->{questions}}')" = 000 ]; echo $?) \
    "nothing is answered yet"

st=$(as "$ALICE" POST /api/v1/exams/srv/sitting)
t_ok $([ "$st" = 200 ] && [ "$(jget '$j->{id}')" = "$S1" ] && [ "$(jget '$j->{resumed} ? 1 : 0')" = 1 ] \
    && [ "$(jget 'JSON::PP->new->canonical->encode($j->{questions})')" = "$(jget 'JSON::PP->new->canonical->encode($j->{questions})' "$T/s1.json")" ]; echo $?) \
    "starting again resumes the same sitting with the same questions and options ($st)"
st=$(as "$ALICE" GET "/api/v1/sittings/$S1")
t_ok $([ "$st" = 200 ] && [ "$(jget 'JSON::PP->new->canonical->encode($j->{questions})')" = "$(jget 'JSON::PP->new->canonical->encode($j->{questions})' "$T/s1.json")" ]; echo $?) \
    "GET gives the same sitting ($st)"

# ---- answering ----------------------------------------------------------------------------
N1=$(qn srv-single "$T/s1.json") N2=$(qn srv-multi "$T/s1.json") N3=$(qn srv-short "$T/s1.json")
R1=$(letter srv-single RIGHT-SINGLE "$T/s1.json")
W1=$(letter srv-single wrong-single-2 "$T/s1.json")
M1=$(letter srv-multi RIGHT-M1 "$T/s1.json") M2=$(letter srv-multi RIGHT-M2 "$T/s1.json")
st=$(answer "$ALICE" "$S1" "{\"n\":$N1,\"answer\":\"$W1\",\"flagged\":false}")
t_ok $([ "$st" = 200 ] && grep -q '"saved":true,"remaining":[1-9]' "$T/body"; echo $?) \
    "a wrong option, in the shown letter, is saved ($st)"
t_is "$(dbq "SELECT answer FROM sitting_answers WHERE sitting_id = $S1 AND question = 'srv-single'")" c \
    "it is stored as the bank's letter (wrong-single-2 is c)"
st=$(answer "$ALICE" "$S1" "{\"n\":$N1,\"answer\":\"$(echo "$R1" | tr a-z A-Z)\",\"flagged\":true}")
t_is "$st/$(dbq "SELECT answer, flagged FROM sitting_answers WHERE sitting_id = $S1 AND question = 'srv-single'")" \
    "200/a|1" "the right option (upper case) replaces it, flagged: stored as a"
st=$(answer "$ALICE" "$S1" "{\"n\":$N2,\"answer\":\"$M2, $M1\",\"flagged\":false}")
t_is "$st/$(dbq "SELECT answer FROM sitting_answers WHERE sitting_id = $S1 AND question = 'srv-multi'")" \
    "200/ac" "both right options of the multiple, typed in any order: stored ac"
st=$(answer "$ALICE" "$S1" "{\"n\":$N3,\"answer\":\"  TWO  \"}")
t_is "$st/$(dbq "SELECT answer FROM sitting_answers WHERE sitting_id = $S1 AND question = 'srv-short'")" \
    "200/TWO" "a short answer is trimmed"
st=$(answer "$ALICE" "$S1" "{\"n\":$N1,\"flagged\":false}")
t_is "$st/$(dbq "SELECT answer, flagged FROM sitting_answers WHERE sitting_id = $S1 AND question = 'srv-single'")" \
    "200/a|0" "a flag alone keeps the answer"
st=$(as "$ALICE" GET "/api/v1/sittings/$S1")
want_m=$(printf '%s\n%s\n' "$M1" "$M2" | sort | tr -d '\n')
t_ok $([ "$(qa srv-single)" = "$R1" ] && [ "$(qa srv-multi)" = "$want_m" ] && [ "$(qa srv-short)" = TWO ]; echo $?) \
    "the sitting shows each answer in the shown letters, sorted ($(qa srv-single) $(qa srv-multi) $(qa srv-short))"

# Refusals name the field and change nothing.
bad() {     # bad BODY WORDS WHAT
    st=$(answer "$ALICE" "$S1" "$1")
    t_ok $([ "$st" = 400 ] && grep -qF "\"error\":\"$2" "$T/body"; echo $?) "$3 ($st: $(cat "$T/body"))"
}
bad "{\"n\":$N1,\"answer\":\"z\"}" "answer: 'z' is not an option: answer with letters a to d" \
    "a letter that is no option is 400 with examrun's words"
bad "{\"n\":$N1,\"answer\":\"ab\"}" "answer: this question takes one letter" "two letters to a single"
bad '{"n":0,"answer":"a"}' "n: not a whole number from 1 up" "n 0"
bad '{"n":4,"answer":"a"}' "n: not a whole number from 1 to 3" "n past the questions"
bad '{"n":1.5,"answer":"a"}' "n: not a whole number from 1 up" "n not whole"
bad '{"n":"1","answer":"a"}' "n: not a whole number from 1 up" "n a string"
bad '{"answer":"a"}' "n: missing" "n missing"
bad "{\"n\":$N1,\"answer\":7}" "answer: not a string" "answer not a string"
bad "{\"n\":$N1,\"answer\":\"a\",\"flagged\":\"yes\"}" "flagged: not a boolean" "flagged not a boolean"
bad "{\"n\":$N1}" "answer: missing" "neither answer nor flagged"
bad 'not json' "the body is not a JSON object" "a body that is no JSON"
long=$(head -c 300 /dev/zero | tr '\0' x)
bad "{\"n\":$N3,\"answer\":\"$long\"}" "answer: answers are at most 200 characters" "a short answer too long"
t_is "$(dbq "SELECT question || '=' || answer || '/' || flagged FROM sitting_answers WHERE sitting_id = $S1 ORDER BY question" | tr '\n' ' ')" \
    "srv-multi=ac/0 srv-short=TWO/0 srv-single=a/0 " "nothing refused changed an answer"

# Another learner's sitting is as one that does not exist.
as "$BOB" GET /api/v1/sittings/999999 > /dev/null
cp "$T/body" "$T/unknown.json"
st=$(as "$BOB" GET "/api/v1/sittings/$S1")
t_ok $([ "$st" = 404 ] && cmp -s "$T/body" "$T/unknown.json" && ! grep -q RIGHT "$T/body"; echo $?) \
    "bob reading alice's sitting: 404, the same words as an unknown one ($st)"
st=$(answer "$BOB" "$S1" "{\"n\":$N1,\"answer\":\"$W1\"}")
t_ok $([ "$st" = 404 ] && [ "$(dbq "SELECT answer FROM sitting_answers WHERE sitting_id = $S1 AND question = 'srv-single'")" = a ]; echo $?) \
    "bob answering alice's sitting: 404, her answer unchanged ($st)"
st=$(as "$BOB" POST "/api/v1/sittings/$S1/submit")
t_is "$st/$(dbq "SELECT submitted FROM sittings WHERE id = $S1")" "404/0" \
    "bob submitting alice's sitting: 404, it stays open"
BADTOK=$(printf '%064d' 7)
st=$(as "$BADTOK" GET "/api/v1/sittings/$S1")
st2=$(answer "$BADTOK" "$S1" "{\"n\":$N1,\"answer\":\"$W1\"}")
st3=$(as "$BADTOK" POST "/api/v1/sittings/$S1/submit")
st4=$(api POST "/api/v1/sittings/$S1/answer" -d "{\"n\":$N1,\"answer\":\"$W1\"}")
t_ok $([ "$st$st2$st3$st4" = 401401401401 ] && grep -qi '^WWW-Authenticate: Bearer' "$T/headers" \
    && [ "$(dbq "SELECT answer FROM sitting_answers WHERE sitting_id = $S1 AND question = 'srv-single'")" = a ] \
    && [ "$(dbq "SELECT submitted FROM sittings WHERE id = $S1")" = 0 ]; echo $?) \
    "a wrong token or none: 401 to read, answer and submit; nothing changed ($st $st2 $st3 $st4)"
for path in abc "$S1/x" "$S1/answer/x" 1234567890123456 "-1" "0"; do
    st=$(as "$ALICE" GET "/api/v1/sittings/$path")
    st2=$(as "$ALICE" POST "/api/v1/sittings/$path/submit")
    t_ok $([ "$st" = 404 ] && [ "$st2" = 404 ]; echo $?) "sitting '$path': 404 ($st, $st2)"
done

# ---- submitting ---------------------------------------------------------------------------
st=$(as "$ALICE" POST "/api/v1/sittings/$S1/submit" -d '{}')
cp "$T/body" "$T/r1.json"
t_ok $([ "$st" = 200 ] && [ "$(jget 'join ",", map { $_ ? 1 : 0 } $j->{submitted}, $j->{result}{passed}, $j->{result}{expired}')" = "1,1,0" ] \
    && [ "$(jget 'join ",", $j->{result}{percent}, $j->{result}{earned}, $j->{result}{max}, $j->{remaining}')" = "100,3,3,0" ] \
    && [ "$(jget 'join ",", map { $_->{earned} } @{$j->{result}{items}}')" = "1,1,1" ]; echo $?) \
    "submitted: 100%, 3 of 3, passed, every item earned ($st)"
t_ok $(no_secret "$T/r1.json"; echo $?) "the result carries no key or explanation"
t_is "$(dbq "SELECT percent, passed, expired, CASE WHEN submitted >= $NOW THEN 1 ELSE 0 END FROM sittings WHERE id = $S1")" "100|1|0|1" \
    "the database keeps the result"
SUB1=$(dbq "SELECT submitted FROM sittings WHERE id = $S1")
sleep 1
st=$(as "$ALICE" POST "/api/v1/sittings/$S1/submit")
t_ok $([ "$st" = 200 ] && [ "$(jget '$j->{result}{percent}')" = 100 ] \
    && [ "$(dbq "SELECT submitted FROM sittings WHERE id = $S1")" = "$SUB1" ]; echo $?) \
    "submitting again changes nothing: the first result stands ($st)"
st=$(answer "$ALICE" "$S1" "{\"n\":$N1,\"answer\":\"$W1\"}")
t_ok $([ "$st" = 409 ] && grep -q '"error":"time is up: the sitting was submitted"' "$T/body" \
    && grep -q '"submitted":true' "$T/body" \
    && [ "$(dbq "SELECT answer FROM sitting_answers WHERE sitting_id = $S1 AND question = 'srv-single'")" = a ]; echo $?) \
    "an answer to a submitted sitting is 409, submitted true, and not kept ($st)"

# The second attempt: partly right, wrong, unanswered.
st=$(as "$ALICE" POST /api/v1/exams/srv/sitting)
cp "$T/body" "$T/s2.json"
S2=$(jget '$j->{id}')
t_ok $([ "$st" = 200 ] && [ "$S2" != "$S1" ] && [ "$(jget '$j->{attempt}')" = 2 ] \
    && [ "$(jget '$j->{resumed} ? 1 : 0')" = 0 ]; echo $?) "a second sitting starts: attempt 2 ($st)"
N1=$(qn srv-single "$T/s2.json") N2=$(qn srv-multi "$T/s2.json")
answer "$ALICE" "$S2" "{\"n\":$N1,\"answer\":\"$(letter srv-single wrong-single-1 "$T/s2.json")\"}" > /dev/null
answer "$ALICE" "$S2" "{\"n\":$N2,\"answer\":\"$(letter srv-multi RIGHT-M2 "$T/s2.json")\"}" > /dev/null
st=$(as "$ALICE" POST "/api/v1/sittings/$S2/submit")
t_ok $([ "$st" = 200 ] && [ "$(jget 'join ",", $j->{result}{percent}, $j->{result}{earned}, $j->{result}{passed} ? 1 : 0')" = "16,0.5,0" ] \
    && [ "$(jget "\$j->{result}{items}[$N1 - 1]{earned} . ',' . \$j->{result}{items}[$N2 - 1]{earned}")" = "0,0.5" ]; echo $?) \
    "a wrong single earns 0, one of two right options 0.5: 16%, not passed ($st)"
st=$(as "$ALICE" POST /api/v1/exams/srv/sitting)
t_ok $([ "$st" = 403 ] && grep -q "\"error\":\"no attempts left at exam 'srv': 2 of 2 sittings used\"" "$T/body" \
    && [ "$(dbq "SELECT count(*) FROM sittings s JOIN learners l ON l.id = s.learner_id WHERE l.name = 'alice'")" = 2 ]; echo $?) \
    "a third start is 403, no attempts left, nothing started ($st)"
st=$(as "$ALICE" GET /api/v1/exams)
t_is "$st/$(jget '(map { join ",", $_->{used}, $_->{best}, $_->{passed} ? 1 : 0, $_->{open} // "none" } grep { $_->{id} eq "srv" } @{$j->{exams}})[0]')" \
    "200/2,100,1,none" "the exams list: 2 used, best 100, passed, none open"

# ---- two starts at once --------------------------------------------------------------------
pids=
for i in 1 2 3 4; do
    curl -s -o "$T/race$i" -w '%{http_code}' -X POST -H "Authorization: Bearer $DAVE" \
        "$URL/api/v1/exams/srv/sitting" > "$T/race$i.st" &
    pids="$pids $!"
done
wait $pids
ids=$(for i in 1 2 3 4; do jget '$j->{id}' "$T/race$i"; echo; done | sort -u | tr '\n' ' ')
t_ok $([ "$(cat "$T"/race?.st)" = 200200200200 ] && [ "$(echo $ids | wc -w)" = 1 ] \
    && [ "$(dbq "SELECT count(*) FROM sittings s JOIN learners l ON l.id = s.learner_id WHERE l.name = 'dave'")" = 1 ] \
    && [ "$(for i in 1 2 3 4; do jget '$j->{resumed} ? 1 : 0' "$T/race$i"; echo; done | sort | tr -d '\n')" = 0111 ]; echo $?) \
    "four starts at once give one sitting: one new, three resumed (ids $ids; $(cat "$T"/race?.st); $(dbq "SELECT count(*) FROM sittings s JOIN learners l ON l.id = s.learner_id WHERE l.name = 'dave'"))"

# Two servers on one database: the rule holds in the database (the learner's row read
# first in the start's transaction: SQLite's write lock, PostgreSQL's FOR UPDATE), not
# only under one server's lock.
STACKLAB_EXAM_MINUTE=2 "$SL" serve --course "$STACKLAB_COURSE" --listen 127.0.0.1:0 \
    --db "$DB_URL" --workers 0 > "$T/serve2.log" 2>&1 &
SERVE2_PID=$!
trap 'kill "$SERVE2_PID" 2>/dev/null; serve_kill; pg_stop 2>/dev/null; rm -rf "$T"' EXIT
i=0
while [ $i -lt 200 ] && ! grep -q 'listening on port' "$T/serve2.log"; do sleep 0.1; i=$((i + 1)); done
URL2="http://127.0.0.1:$(sed -n 's/^stacklab serve: listening on port \([0-9]*\) .*/\1/p' "$T/serve2.log")"
ERIN=$(enrol erin)
pids=
for i in 1 2 3 4 5 6; do
    [ $((i % 2)) = 0 ] && u=$URL2 || u=$URL
    curl -s -o "$T/race2$i" -w '%{http_code}' -X POST -H "Authorization: Bearer $ERIN" \
        "$u/api/v1/exams/srv/sitting" > "$T/race2$i.st" &
    pids="$pids $!"
done
wait $pids
ids=$(for i in 1 2 3 4 5 6; do jget '$j->{id}' "$T/race2$i"; echo; done | sort -u | tr '\n' ' ')
t_ok $([ "$(cat "$T"/race2?.st)" = 200200200200200200 ] && [ "$(echo $ids | wc -w)" = 1 ] \
    && [ "$(dbq "SELECT count(*) FROM sittings s JOIN learners l ON l.id = s.learner_id WHERE l.name = 'erin'")" = 1 ]; echo $?) \
    "six starts at once through two servers on one database give one sitting (ids $ids; $(cat "$T"/race2?.st))"
kill "$SERVE2_PID"
wait "$SERVE2_PID"
t_ok $([ $? -eq 0 ] && ! grep -v '^stacklab serve: listening on port\|^stacklab serve: stopped$' "$T/serve2.log" | grep -q .; echo $?) \
    "the second server stops cleanly with nothing else in its log"
[ "$G_FAILS" -gt 0 ] && t_diag "$T/serve2.log"

# ---- the server's deadline -----------------------------------------------------------------
st=$(as "$BOB" POST /api/v1/exams/quick/sitting)
cp "$T/body" "$T/q.json"
QB=$(jget '$j->{id}')
DL=$(jget '$j->{deadline}')
t_ok $([ "$st" = 200 ] && [ "$(jget '$j->{remaining}')" -le 6 ] && [ "$(jget '$j->{minutes}')" = 3 ]; echo $?) \
    "a quick sitting: 3 minutes of 2 s, 6 s at most left ($st)"
st=$(answer "$BOB" "$QB" "{\"n\":1,\"answer\":\"$(letter quick-one RIGHT-QUICK "$T/q.json")\"}")
t_is "$st" 200 "answered right before its deadline"
st=$(as "$CAROL" POST /api/v1/exams/quick/sitting)
QC=$(jget '$j->{id}')
DLC=$(jget '$j->{deadline}')
t_is "$st" 200 "carol starts one too, and answers nothing"
st=$(as "$MARK" POST /api/v1/exams/quick/sitting)
QM=$(jget '$j->{id}')
DLM=$(jget '$j->{deadline}')
t_is "$st" 200 "so does the learner named with markup"
while [ "$(date +%s)" -le "$DLC" ] || [ "$(date +%s)" -le "$DL" ] || [ "$(date +%s)" -le "$DLM" ]
do
    sleep 0.3
done
st=$(answer "$BOB" "$QB" "{\"n\":1,\"answer\":\"$(letter quick-one wrong-quick "$T/q.json")\"}")
t_ok $([ "$st" = 409 ] && grep -q '"submitted":true' "$T/body"; echo $?) \
    "an answer after the server's deadline is 409, submitted ($st)"
t_is "$(dbq "SELECT CASE WHEN submitted = deadline THEN 1 ELSE 0 END, expired, percent, passed FROM sittings WHERE id = $QB")" "1|1|100|1" \
    "the sitting was submitted at its deadline, expired, with the answer it held (100%)"
st=$(as "$BOB" GET "/api/v1/sittings/$QB")
t_is "$st/$(jget 'join ",", $j->{remaining}, map { $_ ? 1 : 0 } $j->{submitted}, $j->{result}{expired}')" \
    "200/0,1,1" "reading it: nothing remaining, submitted, result expired"
t_is "$(dbq "SELECT submitted FROM sittings WHERE id = $QC")" 0 \
    "carol's sitting, past its deadline, is still open: no request has seen it"

st=$(as "$MARK" GET /api/v1/exams)
t_ok $([ "$st" = 200 ] && [ "$(jget '(map { join ",", $_->{used}, $_->{best}, $_->{open} // "none" } grep { $_->{id} eq "quick" } @{$j->{exams}})[0]')" = "1,0,none" ] \
    && [ "$(dbq "SELECT expired, percent FROM sittings WHERE id = $QM")" = "1|0" ]; echo $?) \
    "the exams list submits the learner's sitting whose time ran out first: 1 used, 0%, none open ($st)"

# ---- the dashboard ---------------------------------------------------------------------------
st=$(as "$MARK" POST /api/v1/exams/srv/sitting)
t_is "$st" 200 "the learner named with markup starts srv"
jar="$T/jar"
api POST /dash/login -d "token=$INST" -c "$jar" > /dev/null
CID=$(dbq "SELECT id FROM classes WHERE name = 'Exam 1'")
st=$(api GET "/dash/class/$CID" -b "$jar")
cp "$T/body" "$T/class.html"
t_is "$(dbq "SELECT expired, percent, CASE WHEN submitted = deadline THEN 1 ELSE 0 END FROM sittings WHERE id = $QC")" "1|0|1" \
    "the class page submitted carol's sitting whose time ran out first: expired, 0%"
erow() { tr '\n' ' ' < "$T/class.html" | sed 's|.*<table id="exams">||; s|</table>.*||' \
         | grep -o "<tr class=\"learner\" data-name=\"$1\">.*" | sed 's|</tr>.*||'; }
ecol() {    # ecol EXAM: the column of EXAM in the exams table (1: the first exam)
    tr '\n' ' ' < "$T/class.html" | sed 's|.*<table id="exams">||; s|</tr>.*||' \
        | grep -o '<th title="[^"]*">[a-z0-9-]*' | sed 's/.*>//' | grep -nx "$1" | cut -d: -f1; }
ecell() { erow "$1" | grep -o '<td[^>]*>[^<]*\(<br><span[^>]*>[^<]*</span>\)\{0,1\}</td>' | sed -n "$(ecol "$2")p"; }
t_ok $([ "$st" = 200 ] && ecell alice srv | grep -q 'class="pass" data-state="pass">100% &middot; 2/2</td>'; echo $?) \
    "the exams table: alice's best 100%, 2 of 2 sittings, passed ($(ecell alice srv))"
t_ok $(ecell carol quick | grep -q 'class="fail" data-state="fail">0% &middot; 1</td>'; echo $?) \
    "carol's expired quick sitting counts: 0%, 1 sitting ($(ecell carol quick))"
t_ok $(ecell dave srv | grep -q 'data-state="none">- &middot; 0/2<br><span class="open" data-open="[0-9]*">open, [0-9:]* left</span>'; echo $?) \
    "dave's open sitting with its time left ($(ecell dave srv))"
t_ok $(ecell '&lt;b&gt;mark&lt;/b&gt;' srv | grep -q 'open,' && ! grep -q '<b>mark' "$T/class.html"; echo $?) \
    "the learner with markup in the name is escaped in the exams table"
st=$(api GET "/dash/class/$CID/exams.csv" -b "$jar")
tr -d '\r' < "$T/body" > "$T/exams.csv"
t_ok $([ "$st" = 200 ] && [ "$(head -n 1 "$T/exams.csv")" = "learner,exam,sittings,best_percent,passed,open" ] \
    && grep -qx '"alice","srv",2,100,1,' "$T/exams.csv" && grep -qx '"carol","quick",1,0,0,' "$T/exams.csv" \
    && grep -qx '"dave","srv",0,,0,[1-9][0-9]*' "$T/exams.csv" && grep -qx '"bob","srv",0,,0,' "$T/exams.csv" \
    && grep -qi '^Content-Type: text/csv' "$T/headers"; echo $?) \
    "exams.csv: a row per learner and exam, best percent, passed, an open sitting's seconds left ($st)"
t_is "$(api GET "/dash/class/$CID/exams.csv")" 401 "exams.csv without the cookie"
t_is "$(api GET "/dash/class/999/exams.csv" -b "$jar")" 404 "exams.csv of no class"
AID=$(dbq "SELECT id FROM learners WHERE name = 'alice'")
st=$(api GET "/dash/learner/$AID" -b "$jar")
t_ok $([ "$st" = 200 ] && [ "$(tr '\n' ' ' < "$T/body" | grep -o '<tr data-sitting="[0-9]*"><td>[0-9]</td><td>srv</td>' | wc -l)" = 2 ] \
    && grep -q '<td>100%</td><td class="pass">passed</td>' "$T/body" \
    && grep -q '<td>16%</td><td class="fail">not passed</td>' "$T/body"; echo $?) \
    "alice's page lists her two sittings with their percent and result ($st)"
BID=$(dbq "SELECT id FROM learners WHERE name = 'bob'")
st=$(api GET "/dash/learner/$BID" -b "$jar")
t_ok $([ "$st" = 200 ] && grep -q '(time ran out)</td><td>100%</td>' "$T/body"; echo $?) \
    "bob's page marks his sitting whose time ran out ($st)"
for f in "$T"/s1.json "$T"/s2.json "$T"/r1.json "$T"/q.json "$T"/race1 "$T/class.html"; do
    no_secret "$f" || echo "$f"
done > "$T/leaks"
t_ok $([ ! -s "$T/leaks" ]; echo $?) "no answer or page holds an explanation or key"
serve_stop
t_ok $([ "$SERVE_RC" -eq 0 ] && ! grep -v '^stacklab serve: listening on port\|^stacklab serve: stopped$' "$T/serve.log" | grep -q .; echo $?) \
    "serve stops cleanly (exit $SERVE_RC); its log holds nothing but its start and stop (no sanitizer report, no database error)"
[ "$G_FAILS" -gt 0 ] && t_diag "$T/serve.log"
t_done
