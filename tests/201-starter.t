#!/bin/sh
# Marker processing of runner/starter.c: starter(N), reference, path:line errors.
exec "$STACKLAB_BUILD/tests/starter-markers"
