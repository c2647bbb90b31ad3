#!/bin/sh
# 400-tui-state.t -- the TUI screens' state without a terminal (tests/unit/tui-state.c):
# keys, map, pager, hints, the check output parser and a check child process.
: "${STACKLAB_BUILD:?set STACKLAB_BUILD to the build folder}"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
TMPDIR=$tmp "$STACKLAB_BUILD/tests/tui-state"
