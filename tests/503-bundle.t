#!/bin/sh
# The learner bundle (runner/bundle.c): what a class's learner holds of the course. Bundles
# of the real course for learners at labs 01, 13 and 24 hold no checker, driver, lab
# header, mutants.txt, exam or reference folder, no SOLUTION marker line, and no line of
# a SOLUTION block of a lab >= N (each block's distinctive reference lines, taken from
# the real course, are looked for in the bundle; the same probe finds them in a bundle
# made for a later lab). The same course gives the same bytes. Bad arguments and bad
# bundles are named. A workspace made from a bundle equals one made from the full course;
# lesson, lab, list, hint, status and test work on it; check, watch, solution and exam
# say in words that a class course grades and examines on the server; validate checks
# what is there (and names a leak). A file needed as starter(k) beyond the bundle's lab
# is a clear error; a newer bundle brings it as starter(k) for the greatest k the bundle
# has, and a bundle of a changed course brings the new files.
. "$(dirname "$0")/lib-grader.sh"
grader_setup
grader_course_copy      # a snapshot: the course must not change between bundle and probe
REAL="$STACKLAB_COURSE"
ref=$(grader_ref vial/router.c)
run() { (cd "$T/ws" && "$SL" "$@") > "$T/cmd.out" 2>&1; RC=$?; }
trim() { sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//'; }

# bundle N DIR: writes $T/bN.tar.gz of the course DIR and unpacks it into $T/bN.
bundle() {
    rm -rf "$T/b$1" && mkdir "$T/b$1" \
        && "$SL" bundle --course "$2" --upto "$1" --out "$T/b$1.tar.gz" > "$T/cmd.out" 2>&1 \
        && tar xzf "$T/b$1.tar.gz" -C "$T/b$1"
}

# The reference lines of the SOLUTION blocks of labs >= $1, each trimmed, at least 10
# characters, of every learner's file of the real course.
secret_lines() {
    grader_folders | while read -r _n _src; do
        for _f in "$_src"/*.c "$_src"/*.h; do
            [ -f "$_f" ] && awk -v n="$1" '
                /SOLUTION\([0-9][0-9]\) BEGIN/ {
                    match($0, /SOLUTION\([0-9][0-9]\)/); k = substr($0, RSTART + 9, 2) + 0
                    inref = k >= n; next }
                /SOLUTION\([0-9][0-9]\) (STUB|END)/ { inref = 0; next }
                inref { print }' "$_f"
        done
    done | trim | awk 'length($0) >= 10' | sort -u
}

# Every line a bundle for lab $1 may hold: starter(k) of each learner's file for k <= $1
# (their lines are those of starter(1) and starter($1): the code outside blocks, every
# stub, the blocks of labs before $1), and the course's lessons, lab.md's, public tests,
# track.md's and the workspace kit.
allowed_lines() {
    {
        grader_folders | while read -r _n _src; do
            for _f in "$_src"/*; do
                [ -f "$_f" ] && "$TOOL" 1 "$_f" && "$TOOL" "$1" "$_f"
            done
        done
        cat "$REAL"/lessons/*.md "$REAL"/labs/*/track.md "$REAL"/labs/*/[0-9][0-9]-*/lab.md \
            "$REAL"/labs/kit/tap.h "$REAL"/labs/kit/tap.c "$REAL"/labs/kit/workspace.mk
        cat "$REAL"/labs/*/[0-9][0-9]-*/public/*.c 2>/dev/null
    } | trim | sort -u
}

# The trimmed lines of every file under $1.
all_lines() { find "$1" -type f -exec cat {} + | trim | sort -u; }

for n in 01 13 24; do
    bundle "$n" "$REAL"
    t_ok $([ $? -eq 0 ] && [ "$(head -n 2 "$T/b$n/BUNDLE")" = "$(printf 'stacklab bundle 1\nupto %s' "$n")" ] \
        && [ "$(grep -c '^exam ' "$T/b$n/BUNDLE")" = 3 ] \
        && grep -qx 'exam micro vial 30 20 70 3 Micro track exam' "$T/b$n/BUNDLE"; echo $?) \
        "bundle --upto $n writes a tar.gz whose BUNDLE says so and names the 3 exams with their settings"
    (cd "$T/b$n" && find . \( -name checker.c -o -name driver.c -o -name mutants.txt \
        -o -name '*.exam' -o -path ./exams -o -path './labs/*/ref' -o -path './labs/*/kit' \
        -o -path './labs/*/[0-9][0-9]-*/*.h' \) -print) > "$T/bad"
    ls "$T/b$n/labs/kit" > "$T/kit"
    t_ok $([ ! -s "$T/bad" ] && [ "$(tr '\n' ' ' < "$T/kit")" = "tap.c tap.h workspace.mk " ]; echo $?) \
        "bundle $n: no checker, driver, lab header, mutants.txt, exam, reference or kit source"
    [ -s "$T/bad" ] && t_diag "$T/bad" 10
    grep -rlE 'SOLUTION\([0-9]+\)' "$T/b$n" > "$T/bad"
    t_ok $([ ! -s "$T/bad" ]; echo $?) "bundle $n: no file holds a SOLUTION marker"
    [ -s "$T/bad" ] && t_diag "$T/bad" 10
    secret_lines "$n" > "$T/secret"
    allowed_lines "$n" > "$T/allowed"
    comm -23 "$T/secret" "$T/allowed" > "$T/probe"
    all_lines "$T/b$n" > "$T/have"
    comm -12 "$T/probe" "$T/have" > "$T/leak"
    t_ok $([ -s "$T/probe" ] && [ ! -s "$T/leak" ]; echo $?) \
        "bundle $n: none of the $(wc -l < "$T/probe") distinctive lines of SOLUTION blocks of labs >= $n"
    [ -s "$T/leak" ] && t_diag "$T/leak" 10
    cp "$T/probe" "$T/probe$n"
done
# The probe sees a leak: a later lab's bundle holds (as starter code) blocks of earlier labs.
t_ok $(all_lines "$T/b24" | comm -12 "$T/probe13" - | grep -q . \
    && all_lines "$T/b13" | comm -12 "$T/probe01" - | grep -q .; echo $?) \
    "the probe finds blocks of labs 13-23 in bundle 24 and of labs 01-12 in bundle 13"
cp "$T/b13.tar.gz" "$T/first.tar.gz"
sleep 1
bundle 13 "$REAL"
t_ok $(cmp -s "$T/first.tar.gz" "$T/b13.tar.gz"; echo $?) "the same course and lab give the same bytes"
n1=$(tar tzf "$T/b01.tar.gz" | grep -c '/starters/')
n24=$(tar tzf "$T/b24.tar.gz" | grep -c '/starters/')
t_ok $([ "$n24" -gt "$n1" ] && [ -z "$(find "$T/b24" -path '*/starters/25')" ]; echo $?) \
    "bundle 24 adds the starters that change up to lab 24 ($n1 -> $n24 files), none beyond"

# Bad arguments and bad bundles are named.
bad_args() {
    "$SL" bundle "$@" > "$T/cmd.out" 2>&1
    RC=$?
}
bad_args --course "$REAL" --upto 0 --out "$T/x.tar.gz"
t_ok $([ "$RC" -eq 2 ] && grep -q "\-\-upto takes .* not '0'" "$T/cmd.out" && [ ! -e "$T/x.tar.gz" ]; echo $?) \
    "--upto 0 is refused naming --upto (exit $RC)"
bad_args --course "$REAL" --upto 1x --out "$T/x.tar.gz"
t_ok $([ "$RC" -eq 2 ] && grep -q "\-\-upto takes .* not '1x'" "$T/cmd.out"; echo $?) "--upto 1x is refused"
bad_args --course "$REAL" --upto 100 --out "$T/x.tar.gz"
t_ok $([ "$RC" -eq 2 ] && grep -q "\-\-upto takes .* not '100'" "$T/cmd.out"; echo $?) "--upto 100 is refused"
bad_args --course "$REAL" --upto 3
t_ok $([ "$RC" -eq 2 ] && grep -q "usage: stacklab bundle" "$T/cmd.out"; echo $?) "no --out: usage"
bad_args --course "$T/b13" --upto 3 --out "$T/x.tar.gz"
t_ok $([ "$RC" -eq 2 ] && grep -q "is a learner bundle already" "$T/cmd.out" && [ ! -e "$T/x.tar.gz" ]; echo $?) \
    "a bundle of a bundle is refused (exit $RC)"
bad_args --course "$T/nowhere" --upto 3 --out "$T/x.tar.gz"
t_ok $([ "$RC" -eq 2 ] && grep -q "nowhere:0: not a course folder" "$T/cmd.out"; echo $?) \
    "a missing course folder is named"
bad_args --course "$REAL" --upto 3 --out "$T/no/such/x.tar.gz"
t_ok $([ "$RC" -eq 2 ] && grep -q "no/such/x.tar.gz: No such file" "$T/cmd.out"; echo $?) \
    "an --out in a missing folder is named"
cp -R "$T/b01" "$T/badmark"
printf 'stacklab bundle 1\nupto 7x\n' > "$T/badmark/BUNDLE"
"$SL" validate "$T/badmark" > "$T/cmd.out" 2>&1
t_ok $([ $? -eq 2 ] && grep -q "badmark/BUNDLE:2: expected 'upto NN'" "$T/cmd.out"; echo $?) \
    "a malformed BUNDLE mark is named with its line"
printf 'stacklab bundle 9\n' > "$T/badmark/BUNDLE"
"$SL" validate "$T/badmark" > "$T/cmd.out" 2>&1
t_ok $([ $? -eq 2 ] && grep -q "badmark/BUNDLE:1: not a bundle mark" "$T/cmd.out"; echo $?) \
    "a mark of another version is named"
printf 'stacklab bundle 1\nupto 01\nexam micro vial 30 20 70 3 Micro\nexam quiz vial 30 20 70 3 Bad\033]0;x\007\nexam ../x vial 1 1 1 1 T\nexam q vial 0 1 1 1 T\n' \
    > "$T/badmark/BUNDLE"
"$SL" validate "$T/badmark" > "$T/cmd.out" 2>&1
t_ok $([ $? -eq 2 ] && grep -q "badmark/BUNDLE:4: expected 'exam ID TRACK MINUTES" "$T/cmd.out" \
    && grep -q "badmark/BUNDLE:5: expected" "$T/cmd.out" && grep -q "badmark/BUNDLE:6: expected" "$T/cmd.out" \
    && ! grep -q "BUNDLE:3:" "$T/cmd.out" && ! grep -q "$(printf '\033')" "$T/cmd.out"; echo $?) \
    "a mark's exam line with a control character, a bad id or a number out of range is named with its line"
rm -rf "$T/badmark"
cp -R "$T/b01" "$T/badmark"
rm -r "$T/badmark/labs/vial/starters/01/vial"
"$SL" validate "$T/badmark" > "$T/cmd.out" 2>&1
t_ok $([ $? -eq 2 ] && grep -q "labs/vial/track.md:1: the bundle has no starters of the track's folder" "$T/cmd.out" \
    && grep -q "file 'vial/request_parse.c' has no reference" "$T/cmd.out"; echo $?) \
    "a bundle without a folder's starters is named"

# validate: what is there, and what must not be.
"$SL" validate "$T/b13" > "$T/cmd.out" 2>&1
t_ok $([ $? -eq 2 ] && grep -q "^bundle ok: .* starters up to lab 13" "$T/cmd.out" \
    && grep -q "stay on the class server" "$T/cmd.out"; echo $?) \
    "validate of a bundle checks what is there and says the rest is on the server"
cp -R "$T/b13" "$T/leaky"
lab1=$(cd "$T/leaky/labs/vial" && ls -d 01-*)
cp "$(grader_lab_dir 01)/checker.c" "$T/leaky/labs/vial/$lab1/"
mkdir "$T/leaky/exams" && cp "$REAL"/exams/micro.exam "$T/leaky/exams/"
printf '/* SOLUTION(05) BEGIN */\nint x;\n/* SOLUTION(05) END */\n' >> "$T/leaky/labs/vial/starters/01/vial/router.c"
"$SL" validate "$T/leaky" > "$T/cmd.out" 2>&1
t_ok $([ $? -eq 2 ] && grep -q "^labs/vial/$lab1/checker.c: graded on the server" "$T/cmd.out" \
    && grep -q "^exams: exam keys are not part" "$T/cmd.out" \
    && grep -q "^labs/vial/starters/01/vial/router.c:[0-9]*: a SOLUTION marker" "$T/cmd.out"; echo $?) \
    "validate names a checker, an exam folder and a marker line in a bundle"
[ "$G_FAILS" -gt 0 ] && t_diag "$T/cmd.out" 20

# A workspace from the bundle is the one the full course gives.
STACKLAB_COURSE="$REAL" "$SL" init "$T/full" > "$T/cmd.out" 2>&1
export STACKLAB_COURSE="$T/b01"
"$SL" init "$T/ws" > "$T/init.out" 2>&1
t_ok $([ $? -eq 0 ] && grep -q "stacklab submit" "$T/init.out"; echo $?) "init from bundle 01 (STACKLAB_COURSE)"
t_ok $(diff -r -x .stacklab "$T/full" "$T/ws" > "$T/diff" && cmp -s "$T/full/.stacklab/given" "$T/ws/.stacklab/given" \
    && cmp -s "$T/full/.stacklab/course.mk" "$T/ws/.stacklab/course.mk"; echo $?) \
    "its files, their record and course.mk equal those init makes from the full course"
[ -s "$T/diff" ] && t_diag "$T/diff" 20
run lesson 1
t_ok $([ "$RC" -eq 0 ] && grep -q "^Lesson 01" "$T/cmd.out"; echo $?) "lesson 1 works"
run lab 01
t_ok $([ "$RC" -eq 0 ] && grep -q "^Lab 01" "$T/cmd.out"; echo $?) "lab 01 works"
run list
t_ok $([ "$RC" -eq 0 ] && grep -q "lab    24" "$T/cmd.out" && grep -q "stacklab exam micro" "$T/cmd.out" \
    && grep -q "grade a lab: stacklab submit" "$T/cmd.out"; echo $?) \
    "list shows every lab and the class's exams (sat on the server), and says submit"
run hint 01
t_ok $([ "$RC" -eq 0 ] && grep -q "^Hint 1 of" "$T/cmd.out"; echo $?) "hint works"
run status
t_ok $([ "$RC" -eq 0 ] && grep -q "current lab   01 .*(stacklab submit 01)" "$T/cmd.out"; echo $?) "status works"
run test 01
t_ok $([ "$RC" -eq 1 ] && grep -q "public tests passed" "$T/cmd.out"; echo $?) \
    "test 01 builds and runs the public tests on starter(1) (they fail: exit $RC)"
[ "$RC" -ne 1 ] && t_diag "$T/cmd.out" 20
for c in "check" "check 01" "watch --manual" "solution 01" "exam micro"; do
    run $c
    t_ok $([ "$RC" -eq 2 ] && grep -q "^stacklab ${c%% *}: a class course: " "$T/cmd.out"; echo $?) \
        "$c refuses in words (exit $RC): $(head -n 1 "$T/cmd.out")"
done
run check
t_ok $(grep -q "grade with \`stacklab submit\`" "$T/cmd.out"; echo $?) "check says to submit"

# A learner at lab 13 whose bundle stops at lab 01 needs a newer one for a new file.
now=$(date +%s)
for l in 01 02 03 04 05 06 07 08 09 10 11 12; do
    echo "INSERT INTO attempts(lab, at, passed, failed, total, verdict) VALUES('$l', $now, 3, 0, 3, 'pass');"
done | sqlite3 "$T/ws/.stacklab/progress.db"
rm "$T/ws/vial/router.c"
sed -i '/ vial\/router.c$/d' "$T/ws/.stacklab/given"
run update
t_ok $([ "$RC" -ne 0 ] && grep -q "vial/router.c: starter(13) needed, but this course bundle stops at lab 01: run \`stacklab update\`" "$T/cmd.out" \
    && [ ! -e "$T/ws/vial/router.c" ]; echo $?) "a starter beyond the bundle's lab is a clear error (exit $RC)"
[ "$G_FAILS" -gt 0 ] && t_diag "$T/cmd.out"
export STACKLAB_COURSE="$T/b13"
run update
t_ok $([ "$RC" -eq 0 ] && "$TOOL" 13 "$ref" | cmp -s - "$T/ws/vial/router.c" \
    && ! "$TOOL" 1 "$ref" | cmp -s - "$T/ws/vial/router.c" \
    && grep -q " 13 vial/router.c$" "$T/ws/.stacklab/given" && grep -q "Added 1 new file" "$T/cmd.out"; echo $?) \
    "update with bundle 13 adds it as starter(13) (exit $RC)"
[ "$G_FAILS" -gt 0 ] && t_diag "$T/cmd.out"

# The course grows a track: its bundle brings the new files to the workspace.
cp -R "$REAL" "$T/grown"
cp -R "$G_SRC/tests/fixtures/toy-track/." "$T/grown/"
bundle 13 "$T/grown"
export STACKLAB_COURSE="$T/b13"
run update
t_ok $([ "$RC" -eq 0 ] && grep -q "Added 2 new files" "$T/cmd.out" \
    && "$TOOL" 1 "$T/grown/labs/toy/ref/toy.c" | cmp -s - "$T/ws/toy/toy.c" \
    && [ -f "$T/ws/toy/toy.h" ] && [ ! -e "$T/b13/labs/toy/90-add/checker.c" ]; echo $?) \
    "a newer bundle of a course with a new track adds its files (exit $RC)"
[ "$G_FAILS" -gt 0 ] && t_diag "$T/cmd.out"
run list
t_ok $([ "$RC" -eq 0 ] && grep -q "lab    90" "$T/cmd.out"; echo $?) "and list shows its labs"
t_done
