#!/bin/sh
# A check run as JSON (runner/runjson.c): the same report after the round trip, hostile
# JSON refused naming the field, escape sequences never raw (tests/unit/runjson.c).
: "${STACKLAB_BUILD:?set STACKLAB_BUILD to the build folder}"
"$STACKLAB_BUILD/tests/runjson"
