#!/bin/bash
# 300-cli.t -- the plain commands end to end in a temporary workspace: help, version,
# init, list, lesson, status, validate, workspace discovery, bad usage, make install.
. "$(dirname "$0")/lib-course.sh"
plan 31

out=$("$SL" --help); rc=$?
is "$rc" 0 "--help exits 0"
like "$out" "check [LAB]" "--help lists commands from the table"
like "$out" "2  bad usage or bad input" "--help documents exit codes"
is "$("$SL" --version)" "stacklab $(cat "$REPO/VERSION")" "--version"
"$SL" frobnicate 2>"$T/err"; rc=$?
is "$rc" 2 "an unknown command exits 2"
like "$(cat "$T/err")" "unknown command 'frobnicate'" "and says so"

cd "$T"
out=$("$SL" init ws 2>&1); rc=$?
is "$rc" 0 "init creates a workspace"
[ -f ws/.stacklab/progress.db ] && [ -f ws/Makefile ] && [ -d ws/vial ]
is "$?" 0 "with a progress store, a Makefile and starter code"
out=$("$SL" init ws 2>&1); rc=$?
is "$rc" 2 "init refuses an existing workspace"
like "$out" "already a workspace" "and says why"
out=$("$SL" init "$REPO/labs/mine" 2>&1); rc=$?
is "$rc" 2 "init refuses a folder inside the course"
like "$out" "inside the course folder" "and says why"
[ -e "$REPO/labs/mine" ]; is "$?" 1 "and creates nothing there"

mkdir -p ws/deep/er && cd ws/deep/er
out=$("$SL" list 2>&1); rc=$?
is "$rc" 0 "list works from a sub-folder"
like "$out" "workspace $T/ws" "it finds the workspace by walking up"
like "$out" "lesson 01" "the map lists lessons"
like "$out" "lab    01" "the map lists labs"
like "$out" "<- current" "and marks the current lab"
unlike "$out" "created your workspace" "no default workspace is created"
cols=$(printf '%s\n' "$out" | grep -E '^  (lesson|lab|exam) ' \
       | awk '{ print index($0, " min   ") + index($0, " pts   ") }' | sort -u | wc -l)
is "$cols" 1 "the minutes and points line up in one column"

out=$("$SL" lesson 1 2>&1); rc=$?
is "$rc" 0 "lesson 1 renders"
like "$out" "Lesson 01" "with its heading"
out=$("$SL" list 2>&1)
like "$(printf '%s\n' "$out" | grep 'lesson 01')" "read" "reading marks it read"
out=$("$SL" lesson 99 2>&1); rc=$?
is "$rc" 2 "an unknown lesson exits 2"
out=$("$SL" lesson 2>&1); rc=$?
is "$rc" 2 "lesson without N is bad usage"

out=$("$SL" status 2>&1)
like "$out" "lessons read   1 of" "status counts lessons read"

out=$(env -u NO_COLOR "$SL" lesson 2 2>&1 | tr -dc '\033' | wc -c)
is "$out" 0 "no escape codes when output is not a terminal"

cd "$T" && mkdir elsewhere && cd elsewhere
"$SL" list >/dev/null 2>"$T/err"
like "$(cat "$T/err")" "created your workspace in $STACKLAB_HOME" "outside a workspace the default one is created, saying so"
"$SL" list >/dev/null 2>"$T/err"
is "$(cat "$T/err")" "stacklab: using workspace ~/stacklab-work (\$STACKLAB_HOME)" \
    "created only the first time, then named as the one in use"

out=$(cd "$REPO" && "$SL" validate 2>&1); rc=$?
is "$rc" 0 "validate with no argument checks the course in use"

make -s -C "$REPO" install BUILD="$STACKLAB_BUILD" DESTDIR="$T/dest" PREFIX=/usr >/dev/null 2>&1
out=$(cd "$T" && "$T/dest/usr/bin/stacklab" validate 2>&1)
like "$out" "course ok" "make install: the installed program finds the installed course"
finish
