#!/bin/bash
# 032-exam-cli.t -- `stacklab exam` in plain mode through the real binary, in a temp
# workspace with a small course: usage errors, a seed reproduces a sitting, full and
# partial scores with exit codes, the review, end of input with no answer leaving the
# sitting open, resume after the program is killed, expiry while away (submitted on
# reopening with nothing typed), `status` showing an open sitting with its time left, the
# attempts limit, a --practice sitting after it (not recorded, not counted), and malformed
# banks reported by the course loader.
. "$(dirname "$0")/lib-course.sh"
plan 41

make_course "$T/course"
cat > "$T/course/exams/quiz.exam" <<'EOF'
title: Quiz
track: vial
minutes: 5
questions: 3
pass: 60
attempts: 6
topics: one 2, two 1

question: q-single
topic: one
type: single
shuffle: no
text: Pick b.
a: not this
b: this one
c: not this either
answer: b
explain: b was asked for.

question: q-multi
topic: one
type: multiple
shuffle: no
text: Pick a and c.
a: first
b: second
c: third
d: fourth
answer: ac
explain: a and c were asked for.

question: q-short
topic: two
type: exact
text: Which status code answers a method a path does not allow?
answer: 405
explain: 405 Method Not Allowed.
EOF
export STACKLAB_COURSE="$T/course"
cd "$T"

"$SL" exam </dev/null >"$T/out" 2>&1; rc=$?
is "$rc" 2 "no exam name is a usage error"
like "$(cat "$T/out")" "usage: stacklab exam [--seed N] [--practice] [--server] NAME" "with the usage line"
"$SL" exam --seed x quiz </dev/null >"$T/out" 2>&1; rc=$?
is "$rc" 2 "a bad seed is a usage error"
"$SL" exam nosuch </dev/null >"$T/out" 2>&1; rc=$?
is "$rc" 2 "an unknown exam exits 2"
like "$(cat "$T/out")" "no exam 'nosuch'" "and says so"

# answer LIST-OF-IDS: the right answer for each question id, one a line.
answers() {
    for id in $1; do
        case $id in
        q-single) echo b ;;
        q-multi) echo "${MULTI:-ac}" ;;
        q-short) echo 405 ;;
        esac
    done
}
ids() { sed -n 's/^ *[0-9][0-9]*\. .* \[\(q-[a-z]*\)\]$/\1/p' "$1" | tr '\n' ' '; }

"$SL" exam --seed 42 quiz </dev/null >"$T/open" 2>"$T/err"; rc=$?
is "$rc" 4 "end of input with nothing answered leaves the sitting open (exit 4)"
like "$(cat "$T/open")" "Seed 42." "the seed is shown"
"$SL" status >"$T/out" 2>&1
like "$(cat "$T/out")" "exam quiz     OPEN sitting, " "status shows the open sitting"
like "$(cat "$T/out")" "left on its clock (stacklab exam quiz resumes it)" "with its time left"
unlike "$(cat "$T/out")" "not taken yet" "not as an exam never taken"
# 'b' is a valid answer to each question and right only for q-single: 1 of 3 whatever
# the order.
printf 'b\nb\nb\n' | "$SL" exam quiz >"$T/first" 2>"$T/err"; rc=$?
is "$rc" 1 "a sitting below the pass mark fails (exit 1)"
like "$(cat "$T/first")" "Result: 1 of 3 points, 33% -- NOT PASSED (pass mark 60%)" \
    "end of input submits the resumed seed-42 sitting once answers were given"
order=$(ids "$T/first")
is "$(echo $order | wc -w)" 3 "the review lists the 3 questions ($order)"

answers "$order" | "$SL" exam --seed 42 quiz >"$T/full" 2>&1; rc=$?
is "$rc" 0 "all right answers pass (exit 0)"
is "$(ids "$T/full")" "$order" "the same seed draws the same order"
like "$(cat "$T/full")" "Result: 3 of 3 points, 100% -- PASSED" "full marks"
like "$(cat "$T/full")" "one                      2 of 2" "per-topic breakdown, topic one"
like "$(cat "$T/full")" "two                      1 of 1" "per-topic breakdown, topic two"
like "$(cat "$T/full")" "why: 405 Method Not Allowed." "the review shows explanations"
like "$(cat "$T/full")" "right answer: ac" "and the right answer"

MULTI=a answers "$order" | "$SL" exam --seed 42 quiz >"$T/part" 2>&1; rc=$?
is "$rc" 0 "a partial answer can still pass"
like "$(cat "$T/part")" "Result: 2.5 of 3 points, 83% -- PASSED" "half a point for one of two"
like "$(cat "$T/part")" "partly right (0.5 of 1) [q-multi]" "the review marks it partly right"

{ echo z; answers "$order"; } | "$SL" exam --seed 42 quiz >"$T/retry" 2>&1
first=${order%% *}
if [ "$first" = q-short ]; then
    pass "(a short answer accepts any text; re-ask not applicable)"
else
    like "$(cat "$T/retry")" "'z' is not an option" "an invalid letter is refused and asked again"
fi

# sit_and_kill SEED OUT: starts a sitting reading from a pipe, answers question 1 right,
# waits until question 2 is asked, then kills the program. Sets $seen.
sit_and_kill() {
    rm -f "$T/in"
    mkfifo "$T/in"
    "$SL" exam --seed "$1" quiz <"$T/in" >"$2" 2>&1 &
    pid=$!
    exec 3>"$T/in"
    seen=0
    for _ in $(seq 1 200); do
        grep -q "Question 1 of 3" "$2" && { seen=1; break; }
        sleep 0.1
    done
    q1=$(sed -n '/^Question 1 of 3/{n;p;}' "$2")
    case $q1 in
        "Pick b.") echo b >&3 ;; "Pick a and c.") echo ac >&3 ;; *) echo 405 >&3 ;;
    esac
    for _ in $(seq 1 200); do
        grep -q "Question 2 of 3" "$2" && break
        sleep 0.1
    done
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    exec 3>&-
}

# Resume: answer one question, kill the program, come back.
sit_and_kill 7 "$T/killed"
is "$seen" 1 "a sitting is under way"
# An empty line keeps the answer given before the kill; 'b' answers the other two.
printf '\nb\nb\n' | "$SL" exam quiz >"$T/resumed" 2>&1; rc=$?
like "$(cat "$T/resumed")" "Resuming your open sitting" "the killed sitting resumes"
unlike "$(cat "$T/resumed")" "The clock has started" "with the clock it had"
like "$(cat "$T/resumed")" " 1. right (1 of 1)" "and the answer given before the kill"

# Expiry: a sitting whose deadline passed while away is submitted as it stands.
sit_and_kill 8 "$T/killed2"
db="$STACKLAB_HOME/.stacklab/progress.db"
if command -v sqlite3 >/dev/null; then
    sqlite3 "$db" "UPDATE sittings SET deadline = started - 1 WHERE submitted = 0"
    "$SL" exam quiz </dev/null >"$T/expired" 2>&1
    like "$(cat "$T/expired")" "Time is up: the sitting was submitted with the answers given." \
        "a sitting past its deadline is submitted when reopened"
    like "$(cat "$T/expired")" "Result: 1 of 3 points" "with the answer given in time"
    unlike "$(cat "$T/expired")" "Question 1 of 3" "and asks nothing more"
else
    pass "# SKIP the sqlite3 program is not installed"
    pass "# SKIP the sqlite3 program is not installed"
    pass "# SKIP the sqlite3 program is not installed"
fi

# Attempts: six allowed, six used (four with seed 42, the resumed one, the expired one;
# the sitting left open by end of input was the first seed-42 one).
"$SL" exam quiz </dev/null >"$T/out" 2>&1; rc=$?
is "$rc" 2 "a seventh sitting is refused (exit 2)"
like "$(cat "$T/out")" "no attempts left at exam 'quiz': 6 of 6 sittings used" "and says why"
like "$(cat "$T/out")" "'stacklab exam quiz --practice' sits one that is not recorded" \
    "and the way on"
answers "$order" | "$SL" exam --practice --seed 42 quiz >"$T/practice" 2>&1; rc=$?
is "$rc" 0 "a practice sitting runs with no attempt left"
like "$(cat "$T/practice")" "PRACTICE sitting: not recorded, not counted as an attempt" \
    "labelled as practice before the questions"
like "$(cat "$T/practice")" "Result: 3 of 3 points" "and scored"
"$SL" status >"$T/out" 2>&1
like "$(cat "$T/out")" "(6 sittings)" "and not counted"

# A malformed bank is reported by the course loader as path:line: message.
cp -R "$T/course" "$T/badcourse"
printf 'title: Bad\ntrack: vial\nminutes: 0\nquestions: 1\n' > "$T/badcourse/exams/bad.exam"
STACKLAB_COURSE="$T/badcourse" "$SL" validate >"$T/out" 2>&1; rc=$?
is "$rc" 2 "validate fails on a malformed bank"
like "$(cat "$T/out")" "exams/bad.exam:3: 'minutes' must be a number from 1 to 600" \
    "with path:line: message"
like "$(cat "$T/out")" "exams/bad.exam:4: no questions" "every problem is listed"
finish
