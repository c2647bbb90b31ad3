#!/bin/sh
# The progress store in one process: create, round-trip, migrate, refuse bad files.
: "${STACKLAB_BUILD:?set STACKLAB_BUILD to the build folder}"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
TMPDIR=$tmp "$STACKLAB_BUILD/tests/store-basic"
