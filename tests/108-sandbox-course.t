#!/bin/sh
# 108-sandbox-course.t -- an installed course is not visible in a box: /usr is bound
# read-only into every box, so a course under PREFIX/share/stacklab (checkers,
# references, exam keys) would be readable by learner code. Installed copies under
# /usr/local (found through STACKLAB_COURSE, and beside an installed program) are
# covered in every mode that has a mount namespace, as root and as nobody; without one,
# `stacklab doctor` says the course is readable. Needs root (it writes to /usr/local).
SBX_MODE=asis
. "$(dirname "$0")/lib-sandbox.sh"
if [ "$(id -u)" != 0 ]; then echo "1..0 # SKIP needs root to install under /usr/local"; exit 0; fi

C=/usr/local/share/stacklab-t$$          # a course named by STACKLAB_COURSE
I=/usr/local/lib/stacklab-t$$            # an installed copy: I/bin, I/share/stacklab
CTL=/usr/local/share/stacklab-t$$.ctl    # not a course: stays visible
course_cleanup() { rm -rf "$C" "$I" "$CTL"; [ -f "/usr/share/stacklab/exams/final.exam" ] && grep -q "other-key-$$" /usr/share/stacklab/exams/final.exam && rm -rf /usr/share/stacklab; sbx_cleanup; }
trap course_cleanup EXIT
for d in "$C" "$I/share/stacklab"; do
    mkdir -p "$d/lessons" "$d/labs/01-x" "$d/exams"
    echo "exam-key-$$" >"$d/exams/final.exam"
    echo "checker-$$" >"$d/labs/01-x/checker.c"
done
mkdir -p "$I/bin" "$CTL" && cp "$SBX_BIN" "$I/bin/stacklab"
echo "visible-$$" >"$CTL/file"
chmod -R a+rX "$C" "$I" "$CTL"
nobody="setpriv --reuid 65534 --regid 65534 --clear-groups"

# course_case AS FLAGS LABEL
course_case() {
    (cd "$SBX_BOX" && STACKLAB_COURSE=$C $1 "$SBX_BIN" sandbox $2 -- \
        sh -c "cat $CTL/file $C/exams/final.exam $C/labs/01-x/checker.c; ls -A $C") >"$SBX_T/res" 2>&1
    has "^visible-$$" "a folder under /usr/local is visible [$3]"
    hasnt "exam-key-$$" "the course's exam keys are not [$3]"
    hasnt "checker-$$" "nor its checkers [$3]"
    hasnt "^lessons" "the course folder is empty in the box [$3]"
    (cd "$SBX_BOX" && $1 "$I/bin/stacklab" sandbox $2 -- \
        sh -c "cat $I/share/stacklab/exams/final.exam; ls -A $I/share/stacklab") >"$SBX_T/res" 2>&1
    hasnt "exam-key-$$" "an installed program hides its own course (PREFIX/share/stacklab) [$3]"
    hasnt "^lessons" "and shows it empty [$3]"
}
course_case "" "" "root"
course_case "$nobody" "" "nobody"
course_case "" "--no-userns" "root, no userns"
# A course another install put in /usr/share (its workspaces use it), when there is none.
if [ ! -e /usr/share/stacklab ]; then
    O=/usr/share/stacklab
    mkdir -p "$O/lessons" "$O/labs" "$O/exams" && echo "other-key-$$" >"$O/exams/final.exam"
    chmod -R a+rX "$O"
    (cd "$SBX_BOX" && "$SBX_BIN" sandbox -- cat "$O/exams/final.exam") >"$SBX_T/res" 2>&1
    rm -rf "$O"
    hasnt "other-key-$$" "another install's course in /usr/share is hidden too"
else
    sbx_skip "/usr/share/stacklab exists (a real install): not touched"
fi
# Unprivileged without user namespaces nothing can be hidden: doctor says so.
STACKLAB_COURSE=$C $nobody "$SBX_BIN" doctor --no-userns >"$SBX_T/res" 2>&1
has "^course  *off: boxes without a mount namespace can read .*$C" "doctor: the course is readable without a mount namespace [nobody, no userns]"
STACKLAB_COURSE=$C "$SBX_BIN" doctor >"$SBX_T/res" 2>&1
has "^course  *on: hidden in boxes: .*$C" "doctor: the course is hidden [root]"
sbx_done
