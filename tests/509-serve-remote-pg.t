#!/bin/sh
# 508-serve-remote.t with the class database on PostgreSQL (a private cluster the test
# starts, lib-pg.sh): grading machines that hold no database credentials pull, renew and
# complete jobs over HTTP, and a SIGKILLed one loses nothing, on the second engine.
# The sanitized pass (make test's second) runs the SQLite twin (508) and, for the
# PostgreSQL engine under the sanitizers, 505 and 511: this file runs in the plain pass.
if [ "${STACKLAB_SANITIZED:-0}" = 1 ]; then
    echo "1..0 # SKIP in the sanitized pass: 508 runs there on SQLite, 505 and 511 on PostgreSQL"
    exit 0
fi
STACKLAB_TEST_DB=postgresql exec sh "$(dirname "$0")/508-serve-remote.t"
