#!/bin/sh
# 033-exam-tui.t -- the exam screen's state driven by keys, without a terminal (unit test
# tests/unit/exam-tui.c).
: "${STACKLAB_BUILD:?set STACKLAB_BUILD to the build folder}"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
TMPDIR=$tmp "$STACKLAB_BUILD/tests/exam-tui"
