#!/bin/sh
# A learner bundle's tar.gz on the learner's side (runner/bundle-unpack.c): the course's
# bundle round-trips and loads; hostile archives are refused naming the entry and nothing
# is written outside the destination (tests/unit/bundle.c).
: "${STACKLAB_BUILD:?set STACKLAB_BUILD to the build folder}"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
TMPDIR=$tmp "$STACKLAB_BUILD/tests/bundle"
