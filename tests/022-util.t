#!/bin/sh
# The runner's small helpers (runner/util.c): strings, buffers, files, paths, clocks.
: "${STACKLAB_BUILD:?set STACKLAB_BUILD to the build folder}"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
TMPDIR=$tmp "$STACKLAB_BUILD/tests/util"
