#!/bin/bash
# 040-loader.t -- the course loader through `stacklab validate`: a good course loads, and
# each kind of broken file gives its exact path:line: message and exit 2.
. "$(dirname "$0")/lib-course.sh"
plan 32

cd "$T"
make_course good
out=$("$SL" validate good 2>&1); rc=$?
is "$rc" 0 "a good course validates"
like "$out" "2 lessons, 2 labs" "and says what it holds"

out=$("$SL" validate "$REPO" 2>&1); rc=$?
is "$rc" 0 "the real course validates"

# check CASE-NAME EXPECTED-LINE: copy the good course, break it with the commands on stdin.
check() {
    rm -rf c && cp -r good c
    (cd c && sh -e)
    out=$("$SL" validate c 2>&1); rc=$?
    is "$rc" 2 "$1: exit 2"
    like "$out" "$2" "$1: message"
}

check "missing front matter" "c/lessons/01-first.md:1: missing front matter (the file must start with a '---' line)" <<'X'
printf '# Just a title\n' > lessons/01-first.md
X
check "duplicate id" "c/lessons/01-first.md:2: duplicate lesson id '01' (also in lessons/01-again.md)" <<'X'
cp lessons/01-first.md lessons/01-again.md
X
check "id and file name disagree" "c/lessons/02-second.md:2: id '01' does not match the file name's prefix '02'" <<'X'
sed -i 's/^id: 02/id: 01/' lessons/02-second.md
X
check "duplicate lab id" "c/labs/vial/01-first/lab.md:2: duplicate lab id '01' (also in labs/vial/01-again)" <<'X'
cp -r labs/vial/01-first labs/vial/01-again
X
check "unknown required lab" "c/labs/vial/02-second/lab.md:6: unknown required lab '07' (it must be an earlier lab)" <<'X'
sed -i 's/^requires: 01/requires: 07/' labs/vial/02-second/lab.md
X
check "bad number" "c/lessons/01-first.md:4: 'minutes' must be a whole number from 1 to 300, got 'ten'" <<'X'
sed -i 's/^minutes: 5/minutes: ten/' lessons/01-first.md
X
check "unknown key" "c/labs/vial/01-first/lab.md:8: unknown key 'pionts'" <<'X'
sed -i 's/^points:/pionts:/' labs/vial/01-first/lab.md
X
check "unknown lesson" "c/labs/vial/01-first/lab.md:5: unknown lesson '09'" <<'X'
sed -i 's/^lesson: 02/lesson: 09/' labs/vial/01-first/lab.md
X
check "missing key" "c/labs/vial/01-first/lab.md:1: missing required key 'files'" <<'X'
sed -i '/^files:/d' labs/vial/01-first/lab.md
X
check "unclosed front matter" "c/lessons/01-first.md:1: front matter is not closed" <<'X'
printf -- '---\nid: 01\ntitle: T\nminutes: 5\n# body\n\nx\n' > lessons/01-first.md
X

check "unknown track of a lesson" "c/lessons/02-second.md:1: unknown track 'flask' (intro, or the id of a labs/*/track.md)" <<'X'
sed -i 's/^track: vial/track: flask/' lessons/02-second.md
X
check "unknown track of an exam" "c/exams/quiz.exam:2: unknown track 'flask' (all, or the id of a labs/*/track.md)" <<'X'
printf 'title: Quiz\ntrack: flask\nminutes: 5\nquestions: 1\n\nquestion: q1\ntype: single\ntext: Which?\na: this\nb: that\nanswer: a\nexplain: Because.\n' > exams/quiz.exam
X
check "a track.md missing a key" "c/labs/vial/track.md:1: missing required key 'folder'" <<'X'
sed -i '/^folder:/d' labs/vial/track.md
X
check "a track that requires a lab of its own" "c/labs/vial/track.md:1: requires lab 02 of its own track" <<'X'
sed -i 's/^order: 1/order: 1\nrequires: 02/' labs/vial/track.md
X

# Several problems are all reported, one per line.
rm -rf c && cp -r good c
sed -i 's/^minutes: 5/minutes: 0/' c/lessons/01-first.md
sed -i 's/^points: 10/points: lots/' c/labs/vial/02-second/lab.md
out=$("$SL" validate c 2>&1)
is "$(printf '%s\n' "$out" | grep -c ': ')" 2 "every problem is reported"
finish
