#!/bin/sh
# A learner who finished the micro track gets the full-stack one by `stacklab update`:
# the workspace was made before the course had keg; labs 01-12 are passed; update brings
# the keg folder (rendered as the starter of the current lab), leaves every vial file as
# the learner left it, and lab 13 is the current lab, unlocked; the workspace Makefile
# builds keg on the learner's vial, and a correct keg/db.c passes check 13.
# The plain pass of make test runs it; the second pass (stacklab under ASan and UBSan)
# leaves it to 213, which goes through the same update and check code on the first track.
if [ "${STACKLAB_SANITIZED:-}" = 1 ]; then
    echo "1..0 # SKIP the plain pass runs it"
    exit 0
fi
. "$(dirname "$0")/lib-grader.sh"
grader_setup
grader_course_copy
unset STACKLAB_SEED
C="$T/course"
run() { (cd "$T/ws" && "$@") > "$T/cmd.out" 2>&1; RC=$?; }
first=$(sed -n 's/^requires: *//p' "$C/labs/keg/track.md" | head -n 1)
klab=$(for d in "$C"/labs/keg/[0-9][0-9]-*/; do basename "$d" | cut -c1-2; done | sort | head -n 1)
if [ -z "$klab" ]; then
    echo "1..0 # SKIP the course has no keg lab"
    exit 0
fi

# The course as it was before keg: no keg track, no lesson or exam of it.
mkdir -p "$T/aside/lessons" "$T/aside/exams"
mv "$C/labs/keg" "$T/aside/keg"
for f in "$C"/lessons/*.md; do
    grep -q "^track: keg$" "$f" && mv "$f" "$T/aside/lessons/"
done
for f in "$C"/exams/*.exam; do
    grep -q "^track: keg$" "$f" && mv "$f" "$T/aside/exams/"
done
grader_ws || { echo "Bail out! stacklab init failed"; exit 1; }
t_ok $([ ! -e "$T/ws/keg" ]; echo $?) "a workspace made before keg has no keg folder"

# The learner's own vial (the reference, with an edit of theirs), labs 01..12 passed.
grader_put 0
echo "/* my own comment */" >> "$T/ws/vial/router.c"
now=$(date +%s)
for n in $(seq -w 1 "$first"); do
    echo "INSERT INTO attempts(lab, at, passed, failed, total, verdict) VALUES('$n', $now, 3, 0, 3, 'pass');"
done | sqlite3 "$T/ws/.stacklab/progress.db"
(cd "$T/ws" && find vial app -type f | sort | xargs sha256sum) > "$T/vial.before"

# The course gains keg; the learner updates.
mv "$T/aside/keg" "$C/labs/keg"
mv "$T/aside/lessons/"*.md "$C/lessons/"
for f in "$T/aside/exams/"*.exam; do [ -f "$f" ] && mv "$f" "$C/exams/"; done
run "$SL" update
t_ok $([ "$RC" -eq 0 ]; echo $?) "update exits 0 (got $RC)"
[ "$RC" -ne 0 ] && t_diag "$T/cmd.out"
(cd "$T/ws" && find vial app -type f | sort | xargs sha256sum) > "$T/vial.after"
t_ok $(cmp -s "$T/vial.before" "$T/vial.after"; echo $?) "every vial and app file is as the learner left it"
same=0 total=0
for f in "$C"/labs/keg/ref/*.c "$C"/labs/keg/ref/*.h; do
    total=$((total + 1))
    "$TOOL" "$klab" "$f" | cmp -s - "$T/ws/keg/$(basename "$f")" && same=$((same + 1))
done
t_ok $([ "$total" -gt 0 ] && [ "$same" -eq "$total" ]; echo $?) \
    "the keg folder arrived as starter($klab) ($same of $total files)"
# The track's other learner's folders (the capstone's polls/) arrive the same way.
same=0 total=0
for d in "$C"/labs/keg/*/; do
    name=$(basename "$d")
    case "$name" in ref|kit|[0-9][0-9]-*) continue ;; esac
    for f in "$d"*.c "$d"*.h; do
        [ -f "$f" ] || continue
        total=$((total + 1))
        "$TOOL" "$klab" "$f" | cmp -s - "$T/ws/$name/$(basename "$f")" && same=$((same + 1))
    done
done
t_ok $([ "$same" -eq "$total" ]; echo $?) \
    "the track's other folders arrived as starter($klab) ($same of $total files)"
mk="$T/ws/.stacklab/course.mk"
t_ok $(grep -q "^STACKLAB_FOLDERS := .*vial.*keg" "$mk" && grep -q "^STACKLAB_LAB := $klab$" "$mk" \
    && grep -q "^STACKLAB_LIBS := .*-lsqlite3" "$mk"; echo $?) \
    "course.mk builds keg after vial, links sqlite3, and lab $klab is current"
run "$SL" next
t_ok $([ "$RC" -eq 0 ] && grep -q "$klab" "$T/cmd.out"; echo $?) "stacklab next leads to lab $klab"
[ "$G_FAILS" -gt 0 ] && t_diag "$T/cmd.out"
run make -s
t_ok $([ "$RC" -eq 0 ] && [ -f "$T/ws/build/libkeg.a" ]; echo $?) "make builds keg on the learner's vial (exit $RC)"
[ "$RC" -ne 0 ] && t_diag "$T/cmd.out"

# The learner writes lab 13; the check passes and is recorded.
for f in $(sed -n 's/^files: *//p' "$(grader_lab_dir "$klab")/lab.md" | tr ',' ' '); do
    "$TOOL" 0 "$(grader_ref "$f")" > "$T/ws/$f"
done
grader_check_recorded "$klab"
t_ok $([ "$RC" -eq 0 ] && grep -q "^PASS lab $klab" "$T/out"; echo $?) "a correct keg passes check $klab (exit $RC)"
[ "$RC" -ne 0 ] && t_diag "$T/out"

# On to the capstone: with every keg lab before it passed, the track's last lab is the
# current one, and the workspace builds with its folder.
last=$(for d in "$C"/labs/keg/[0-9][0-9]-*/; do basename "$d" | cut -c1-2; done | sort | tail -n 1)
now=$(date +%s)
for d in "$C"/labs/keg/[0-9][0-9]-*/; do
    n=$(basename "$d" | cut -c1-2)
    [ "$n" = "$last" ] && continue
    echo "INSERT INTO attempts(lab, at, passed, failed, total, verdict) VALUES('$n', $now, 3, 0, 3, 'pass');"
done | sqlite3 "$T/ws/.stacklab/progress.db"
run "$SL" update
run "$SL" next
t_ok $([ "$RC" -eq 0 ] && grep -q "$last" "$T/cmd.out" \
    && grep -q "^STACKLAB_LAB := $last$" "$mk"; echo $?) \
    "with labs $klab..$((last - 1)) passed, the capstone (lab $last) is current"
[ "$G_FAILS" -gt 0 ] && t_diag "$T/cmd.out"
run make -s
t_ok $([ "$RC" -eq 0 ]; echo $?) "make builds the workspace with the capstone's folder (exit $RC)"
[ "$RC" -ne 0 ] && t_diag "$T/cmd.out"
t_done
