#!/bin/sh
# 305-hint-text.t -- `stacklab hint` renders a hint's Markdown the way `stacklab lab` does:
# inline code without its backticks, emphasis without its stars, a list with bullets.
. "$(dirname "$0")/lib-course.sh"
plan 3

make_course "$T/course"
lab="$T/course/labs/vial/01-first/lab.md"
sed -i 's/^One\.$/Call `vial_route()` with *two* arguments:\n\n- the path\n- the handler/' "$lab"
export STACKLAB_COURSE="$T/course"
"$SL" init "$T/ws" >/dev/null 2>&1 || { echo "Bail out! stacklab init failed"; exit 1; }
cd "$T/ws" || exit 1
out=$("$SL" hint 01 2>&1)
like "$out" "Call vial_route() with two arguments:" "hint: inline code and emphasis rendered"
unlike "$out" '`' "hint: no Markdown backticks left"
like "$out" "the path" "hint: the list is there"
finish
