#!/bin/sh
# 513-deadlines.t with the class database on PostgreSQL (a private cluster the test starts,
# lib-pg.sh): deadlines set and cleared, late submissions, progress, the dashboard's grid
# and CSV from the second engine's schema 3.
# The sanitized pass (make test's second) runs the SQLite twin (513) and, for the
# PostgreSQL engine under the sanitizers, 505 and 511: this file runs in the plain pass.
if [ "${STACKLAB_SANITIZED:-0}" = 1 ]; then
    echo "1..0 # SKIP in the sanitized pass: 513 runs there on SQLite, 505 and 511 on PostgreSQL"
    exit 0
fi
STACKLAB_TEST_DB=postgresql exec sh "$(dirname "$0")/513-deadlines.t"
