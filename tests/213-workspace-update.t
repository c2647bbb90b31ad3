#!/bin/sh
# The workspace keeps up with the course: init records what it gives (.stacklab/given)
# and writes .stacklab/course.mk; the learner's Makefile builds every folder and runs the
# current lab's public tests; `stacklab update` replaces a given file the learner never
# edited with the course's new version, keeps an edited one and names it, and always
# rewrites course.mk; a pass moves course.mk's current lab. A workspace made before
# tracks were data (no record, the old Makefile: tests/fixtures/workspace-v1.mk) keeps
# working: it builds, checks, keeps its progress, and update touches none of its files.
# A file new to the course arrives as starter(current lab) beside the learner's own.
. "$(dirname "$0")/lib-grader.sh"
grader_setup
grader_course_copy
unset STACKLAB_SEED
run() { (cd "$T/ws" && "$@") > "$T/cmd.out" 2>&1; RC=$?; }

grader_ws || { echo "Bail out! stacklab init failed"; exit 1; }
mk="$T/ws/.stacklab/course.mk"
t_ok $([ -s "$T/ws/.stacklab/given" ] && grep -q "^STACKLAB_FOLDERS := vial app keg polls$" "$mk" \
    && grep -q "^STACKLAB_LAB := 01$" "$mk" && grep -q "^STACKLAB_LIBS := .*-lmicrohttpd" "$mk"; echo $?) \
    "init records the given files and writes course.mk (folders, libraries, current lab)"
run make -s
t_ok $([ "$RC" -eq 0 ] && [ -f "$T/ws/build/libvial.a" ] && [ -f "$T/ws/build/libapp.a" ]; echo $?) \
    "make builds each folder into build/libFOLDER.a (exit $RC)"
run make -s test
t_ok $([ "$RC" -ne 0 ] && grep -q "== build/tests/01-" "$T/cmd.out" && ! grep -q "== build/tests/02-" "$T/cmd.out"; echo $?) \
    "make test runs the current lab's public tests only"

# The course changes two given files; the learner edited one of them.
echo "/* course fix */" >> "$STACKLAB_COURSE/labs/vial/ref/pairs.c"
echo "/* course fix */" >> "$STACKLAB_COURSE/labs/vial/ref/router.c"
echo "/* mine */" >> "$T/ws/vial/router.c"
echo "/* mine */" >> "$T/ws/vial/config.c"
run "$SL" update
t_ok $([ "$RC" -eq 0 ] && grep -q "course fix" "$T/ws/vial/pairs.c" \
    && grep -q "Replaced 1 file you had not edited" "$T/cmd.out"; echo $?) \
    "update replaces a given file the learner did not edit (exit $RC)"
t_ok $(grep -q "mine" "$T/ws/vial/router.c" && ! grep -q "course fix" "$T/ws/vial/router.c" \
    && grep -q "^  vial/router.c$" "$T/cmd.out"; echo $?) \
    "and keeps an edited one the course changed, naming it"
t_ok $(grep -q "mine" "$T/ws/vial/config.c" && ! grep -q "vial/config.c" "$T/cmd.out"; echo $?) \
    "an edit the course did not touch is kept without a word"
[ "$G_FAILS" -gt 0 ] && t_diag "$T/cmd.out"
run "$SL" update
t_ok $(grep -q "up to date" "$T/cmd.out" && ! grep -q "Replaced" "$T/cmd.out"; echo $?) "update again: up to date"
echo "# stale" > "$mk"
run "$SL" update
t_ok $(grep -q "^STACKLAB_FOLDERS := vial app keg polls$" "$mk"; echo $?) "update always writes course.mk again"

grader_put 2
grader_check_recorded 01 --only
t_ok $([ "$RC" -eq 0 ] && grep -q "^STACKLAB_LAB := 02$" "$mk"; echo $?) \
    "a recorded pass moves course.mk's current lab to 02"

# A workspace as made before: the old Makefile, no record, no course.mk.
grader_ws || { echo "Bail out! stacklab init failed"; exit 1; }
cp "$G_SRC/tests/fixtures/workspace-v1.mk" "$T/ws/Makefile"
rm -f "$T/ws/.stacklab/given" "$mk"
grader_put 2
run make -s
t_ok $([ "$RC" -eq 0 ] && [ -f "$T/ws/build/libvial.a" ]; echo $?) "an old workspace still builds with its own Makefile"
grader_check_recorded 01 --only
t_ok $([ "$RC" -eq 0 ] && grep -q "lab 02 unlocked" "$T/out"; echo $?) "it checks and records a pass"
cp "$T/ws/Makefile" "$T/Makefile.before"
run "$SL" update
t_ok $([ "$RC" -eq 0 ] && cmp -s "$T/ws/Makefile" "$T/Makefile.before" && grep -q "^  Makefile$" "$T/cmd.out"; echo $?) \
    "update keeps its Makefile (no record says it is unedited) and says so"
t_ok $([ -f "$mk" ] && (cd "$T/ws" && "$SL" status 2>/dev/null) | grep -q "labs passed    1 of"; echo $?) \
    "its progress is kept and course.mk is written for it"

# A workspace given vial.h before lab 19 (no tags and filters of one's own) gets the new
# one from update, since the learner never edited it; their template.c stays theirs.
grader_ws || { echo "Bail out! stacklab init failed"; exit 1; }
sed '/tags and filters of your own \[lab 19\]/,/^ \*\/$/d' "$STACKLAB_COURSE/labs/vial/ref/vial.h" \
    | grep -v "vial_template_add_\|vial_tag_\|vial_url_for_args" > "$T/ws/vial/vial.h"
echo "/* mine */" >> "$T/ws/vial/template.c"
old=$(sha256sum "$T/ws/vial/vial.h" | cut -d' ' -f1)
sed -i "s|^[0-9a-f]* \([0-9]*\) vial/vial.h$|$old \1 vial/vial.h|" "$T/ws/.stacklab/given"
t_ok $(! grep -q vial_template_add_tag "$T/ws/vial/vial.h"; echo $?) "an old workspace's vial.h has no tag registry"
run "$SL" update
t_ok $([ "$RC" -eq 0 ] && cmp -s "$T/ws/vial/vial.h" "$STACKLAB_COURSE/labs/vial/ref/vial.h" \
    && grep -q "vial_template_add_tag" "$T/ws/vial/vial.h" && grep -q "mine" "$T/ws/vial/template.c"; echo $?) \
    "update replaces the unedited vial.h with lab 19's (the registry), keeps the edited template.c"
[ "$G_FAILS" -gt 0 ] && t_diag "$T/cmd.out"

# A workspace made before vial/template_tags.c existed: template.c is the learner's own
# lab 09 (its render state inside it, nothing of lab 19), template.h the given one.
# Update adds template_tags.c as starter(current lab): its stubs define the registry
# and the vial_tag_* calls once, use nothing of template.c, and the subject still links.
grader_ws || { echo "Bail out! stacklab init failed"; exit 1; }
grader_put 13
ref="$STACKLAB_COURSE/labs/vial/ref"
"$TOOL" 1 "$ref/template.h" > "$T/ws/vial/template.h"
"$TOOL" 13 "$ref/template.h" | sed -n '/^\/\* ---- rendering: what template.c/,/^#endif/p' | sed '$d' \
    > "$T/state.h"
sed "/^#include \"template.h\"$/r $T/state.h" "$T/ws/vial/template.c" > "$T/template.c"
mv "$T/template.c" "$T/ws/vial/template.c"
rm "$T/ws/vial/template_tags.c"
sed -i '/ vial\/template_tags.c$/d' "$T/ws/.stacklab/given"
now=$(date +%s)
for n in 01 02 03 04 05 06 07 08 09 10 11 12; do
    echo "INSERT INTO attempts(lab, at, passed, failed, total, verdict) VALUES('$n', $now, 3, 0, 3, 'pass');"
done | sqlite3 "$T/ws/.stacklab/progress.db"
run "$SL" update
t_ok $([ "$RC" -eq 0 ] && "$TOOL" 13 "$ref/template_tags.c" | cmp -s - "$T/ws/vial/template_tags.c" \
    && grep -q " 13 vial/template_tags.c$" "$T/ws/.stacklab/given" \
    && ! grep -q "vial_template_add_tag\|tpl_render_tag" "$T/ws/vial/template.c"; echo $?) \
    "update adds template_tags.c as starter(13) beside a template.c without lab 19"
[ "$G_FAILS" -gt 0 ] && t_diag "$T/cmd.out"
grader_check 09 --only
t_ok $([ "$RC" -eq 0 ] && grep -q "^PASS lab 09" "$T/out"; echo $?) \
    "and check 09 builds and passes with it (exit $RC)"
[ "$RC" -ne 0 ] && t_diag "$T/out" 40
t_done
