#!/bin/bash
# 302-workspace-choice.t -- which workspace a command outside any workspace uses, and
# that it says so: $STACKLAB_HOME, else the last `stacklab init` (kept in
# $XDG_CONFIG_HOME/stacklab/workspace), else ~/stacklab-work. A recorded folder that
# vanished, or a workspace whose progress.db is gone, is refused with a message naming
# it: never silently replaced by another workspace or a fresh, empty progress store.
. "$(dirname "$0")/lib-course.sh"
plan 27

make_course "$T/course"
export STACKLAB_COURSE="$T/course" XDG_CONFIG_HOME="$T/config"
unset STACKLAB_HOME
mkdir -p "$T/elsewhere"
cd "$T/elsewhere"
CFG="$XDG_CONFIG_HOME/stacklab/workspace"

# W1: the last init becomes the default, and commands say they use it.
"$SL" init "$HOME/webcourse" >"$T/out" 2>&1; rc=$?
is "$rc" 0 "W1 init creates ~/webcourse"
is "$(cat "$CFG" 2>/dev/null)" "$HOME/webcourse" "W1 init records it in \$XDG_CONFIG_HOME/stacklab/workspace"
is "$(ls -A "$XDG_CONFIG_HOME/stacklab")" "workspace" "W1 written atomically: no temporary file left"
"$SL" status >"$T/out" 2>"$T/err"; rc=$?
is "$rc" 0 "W1 status outside any workspace works"
like "$(cat "$T/out")" "workspace $HOME/webcourse" "W1 it uses the last init's workspace"
is "$(cat "$T/err")" "stacklab: using workspace ~/webcourse (the last 'stacklab init')" \
    "W1 and says which, on stderr"
[ -e "$HOME/stacklab-work" ]; is "$?" 1 "W1 ~/stacklab-work is not created"
(cd "$HOME/webcourse/vial" && "$SL" status >/dev/null 2>"$T/err")
is "$(cat "$T/err")" "" "W1 inside the workspace nothing is said"

# W2: $STACKLAB_HOME comes first.
STACKLAB_HOME="$T/other" "$SL" status >"$T/out" 2>"$T/err"; rc=$?
like "$(cat "$T/out")" "workspace $T/other" "W2 STACKLAB_HOME wins over the last init"
like "$(cat "$T/err")" "created your workspace in $T/other" "W2 created on first use, saying so"
STACKLAB_HOME="$T/other" "$SL" status >"$T/out" 2>"$T/err"
is "$(cat "$T/err")" "stacklab: using workspace $T/other (\$STACKLAB_HOME)" \
    "W2 then named with where it came from"

# W3: a later init replaces the record.
"$SL" init "$T/second" >/dev/null 2>&1
"$SL" status >"$T/out" 2>"$T/err"
like "$(cat "$T/out")" "workspace $T/second" "W3 the latest init is the default"
like "$(cat "$T/err")" "using workspace $T/second (the last 'stacklab init')" "W3 and named"

# W4: the recorded folder vanished: reported, not replaced.
mv "$T/second" "$T/second.moved"
"$SL" status >"$T/out" 2>"$T/err"; rc=$?
is "$rc" 2 "W4 a vanished last-init workspace exits 2"
like "$(cat "$T/err")" "$T/second, no longer exists" "W4 and names it"
like "$(cat "$T/err")" "$CFG" "W4 and where it was recorded"
[ -e "$HOME/stacklab-work" ] || [ -e "$T/second" ]; is "$?" 1 "W4 no other workspace is created or used"
mv "$T/second.moved" "$T/second"

# W5: a workspace whose progress.db is missing is refused, from inside and outside.
mv "$T/second/.stacklab/progress.db" "$T/progress.db.bak"
(cd "$T/second/vial" && "$SL" status >"$T/out" 2>"$T/err"); rc=$?
is "$rc" 2 "W5 inside a workspace without progress.db: exit 2"
like "$(cat "$T/err")" "$T/second/.stacklab/progress.db is missing" "W5 the message names the file"
[ -e "$T/second/.stacklab/progress.db" ]; is "$?" 1 "W5 no fresh progress.db is created"
unlike "$(cat "$T/out")" "workspace" "W5 and no other workspace is used"
"$SL" status >"$T/out" 2>"$T/err"; rc=$?
is "$rc" 2 "W5 outside (the last init's): exit 2 as well"
[ -e "$T/second/.stacklab/progress.db" ]; is "$?" 1 "W5 still no fresh progress.db"
"$SL" init "$T/second" >"$T/out" 2>&1; rc=$?
is "$rc" 2 "W5 init over it is refused"
like "$(cat "$T/out")" "without its progress.db" "W5 and says why"

# W6: the same for $STACKLAB_HOME.
mkdir -p "$T/home3/.stacklab"
STACKLAB_HOME="$T/home3" "$SL" status >"$T/out" 2>"$T/err"; rc=$?
is "$rc" 2 "W6 STACKLAB_HOME with .stacklab but no progress.db: exit 2"
[ -e "$T/home3/.stacklab/progress.db" ]; is "$?" 1 "W6 and nothing is created"
finish
