#!/bin/sh
# The progress store across processes: kill -9 of a writer in a loop, readers during
# writes, concurrent writers and first opens.
: "${STACKLAB_BUILD:?set STACKLAB_BUILD to the build folder}"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
TMPDIR=$tmp "$STACKLAB_BUILD/tests/store-crash"
