#!/bin/sh
# 031-exam-run.t -- exam sittings: scoring and partial credit, the draw, the injected
# clock (expiry, resume), the attempts limit (unit test tests/unit/exam-run.c).
: "${STACKLAB_BUILD:?set STACKLAB_BUILD to the build folder}"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
TMPDIR=$tmp "$STACKLAB_BUILD/tests/exam-run"
