#!/bin/sh
# The tracks after the first proven both ways: 203's proof (read it) for every track but
# the first, as a file of its own so prove -j2 runs it beside 203.
BOTH_TRACKS=rest
. "$(dirname "$0")/203-check-both-ways.t"
