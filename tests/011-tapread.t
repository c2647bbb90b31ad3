#!/bin/sh
# 011-tapread.t -- the TAP reader: every golden fixture pair, then caps, round trips of
# tap.h output and a random-input loop (tests/unit/tapread-*.c).
. "$(dirname "$0")/lib-tap.sh"
tap_begin
tap_merge "$B/tests/tapread-fixtures" "$TESTS_DIR/fixtures/tap"
tap_merge "$B/tests/tapread-limits"
tap_end
