#!/bin/sh
# 501-serve-kill.t with the class database on PostgreSQL: claims with FOR UPDATE SKIP
# LOCKED and workers woken by NOTIFY lose nothing and grade nothing twice when a worker
# and then the server are killed with SIGKILL mid-run.
# The sanitized pass (make test's second) runs the SQLite twin (501) and, for the
# PostgreSQL engine under the sanitizers, 505 and 511: this file runs in the plain pass.
if [ "${STACKLAB_SANITIZED:-0}" = 1 ]; then
    echo "1..0 # SKIP in the sanitized pass: 501 runs there on SQLite, 505 and 511 on PostgreSQL"
    exit 0
fi
STACKLAB_TEST_DB=postgresql exec sh "$(dirname "$0")/501-serve-kill.t"
