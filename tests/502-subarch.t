#!/bin/sh
# A submission's tar.gz (runner/subarch.c): hostile archives refused naming the entry,
# nothing written outside the destination, a packed folder round-trips (tests/unit/subarch.c).
: "${STACKLAB_BUILD:?set STACKLAB_BUILD to the build folder}"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
TMPDIR=$tmp "$STACKLAB_BUILD/tests/subarch"
