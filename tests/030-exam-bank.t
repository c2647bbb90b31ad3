#!/bin/sh
# 030-exam-bank.t -- exam banks: parsing, every malformed entry with its exact message,
# and the course's micro bank is valid (unit test tests/unit/exam-bank.c).
: "${STACKLAB_BUILD:?set STACKLAB_BUILD to the build folder}"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
TMPDIR=$tmp "$STACKLAB_BUILD/tests/exam-bank"
