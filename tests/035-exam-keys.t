#!/bin/sh
# 035-exam-keys.t -- every exam bank of the course tests knowledge, not test-taking
# (tests/unit/exam-keys.c): the key of a single-answer question is strictly the longest
# option in at most 35% of them (the figure is printed); no question is repeated (same or
# nearly the same text once case, punctuation and spacing are normalised, or the same key
# with a similar text); every question with several right options is type multiple and
# says "Pick every right one". Small banks first show that each check fails when it should.
. "$(dirname "$0")/lib-tap.sh"
tap_begin
prog=$B/tests/exam-keys
T=$tap_tmp
course=$(cd "$TESTS_DIR/.." && pwd)

# bank NAME: writes the settings of a small bank to $T/NAME.exam; questions follow on stdin.
bank() {
    { printf 'title: Fixture\ntrack: vial\nminutes: 5\nquestions: 1\n\n'; cat; } > "$T/$1.exam"
}
# single ID TEXT KEY-OPTION OTHER-OPTION...: one single-answer question, key a.
single() {
    id=$1 text=$2; shift 2
    printf 'question: %s\ntype: single\ntext: %s\n' "$id" "$text"
    l=a
    for o in "$@"; do
        printf '%s: %s\n' "$l" "$o"
        l=$(echo "$l" | tr a-g b-h)
    done
    printf 'answer: a\nexplain: e\n\n'
}
# fails CHECK NAME: the program reports check CHECK as failed for bank NAME.
fails() {
    "$prog" "$T/$2.exam" > "$T/$2.out" 2>&1
    grep -q "^not ok [0-9]* - $1 " "$T/$2.out"
}
passes() {
    "$prog" "$T/$1.exam" > "$T/$1.out" 2>&1
}

{
    single q1 "Which port does the loopback check use?" "the longest option of all here" "short" "tiny"
    single q2 "What does a parser do first?" "reads the request line first" "guesses" "sleeps"
    single q3 "What is a cookie jar?" "b" "a longer wrong answer"
} | bank longest
tap_check "K1 fails when the key is the longest in 2 of 3 single-answer questions" fails K1 longest
tap_check "K1 prints the figure" grep -q "longest option in 2 of 3 single-answer questions (67%" "$T/longest.out"

{
    single r1 "Why does vial refuse a path holding %00?" "one" "two"
    single r2 "why does VIAL refuse a path, holding %00 ?!" "two" "one"
} | bank repeat
tap_check "K2 fails on the same text up to case and punctuation" fails K2 repeat

{
    single n1 "An app has one rule, GET /notes. A client sends DELETE /notes. Which status code should the answer carry?" "405" "404"
    single n2 "An app has the rule GET /notes, and a client sends DELETE /notes. What status should the response carry?" "405 " "404 "
} | bank near
tap_check "K2 fails on nearly the same text" fails K2 near

cat <<'EOF' | bank samekey
question: s1
type: exact
text: Flask extensions usually follow one pattern: you create the extension object, then
| attach it to the app with one method call. What is that method called?
answer: init_app
explain: e

question: s2
type: exact
text: Flask extensions are created without an app and attached to one later by calling a
| method of the extension. What is that method called?
answer: init_app()
answer: init_app
explain: e
EOF
tap_check "K3 fails on the same key with a similar text" fails K3 samekey

cat <<'EOF' | bank multi
question: m1
type: multiple
text: Which methods are idempotent?
a: GET
b: PUT
c: POST
answer: ab
explain: e

question: m2
type: single
text: Which method is not idempotent? Pick every right one.
a: POST
b: GET
answer: a
explain: e
EOF
tap_check "K4 fails on a multiple question that does not say so, and a single one that asks for several" fails K4 multi
tap_check "K4 names both questions" sh -c "grep -q 'm1: multiple' '$T/multi.out' && grep -q 'm2: asks for every' '$T/multi.out'"

{
    single g1 "Which status does a missing page get?" "404" "405" "500"
    single g2 "Which header lists the allowed methods?" "Allow" "Accept-Methods" "Methods"
    single g3 "Which file holds the bank?" "micro.exam" "the course map file" "exam.c"
    printf 'question: g4\ntype: multiple\ntext: Which are safe methods? Pick every right one.\n'
    printf 'a: GET\nb: HEAD\nc: POST\nanswer: ab\nexplain: e\n'
} | bank good
tap_check "a bank with none of these problems passes" passes good

# The course's own banks.
cd "$course" || exit 1
found=0
for f in exams/*.exam; do
    [ -e "$f" ] || continue
    found=1
    tap_merge "$prog" "$f"
done
tap_check "the course has exam banks" test "$found" = 1
tap_end
