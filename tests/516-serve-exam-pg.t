#!/bin/sh
# 515-serve-exam.t with the class database on PostgreSQL (a private cluster the test
# starts, lib-pg.sh): sittings, answers, the unique open sitting under concurrent starts,
# expiry and the dashboard's exams views from the second engine's schema 4.
# The sanitized pass (make test's second) runs the SQLite twin (515) and, for the
# PostgreSQL engine under the sanitizers, 505 and 511: this file runs in the plain pass.
if [ "${STACKLAB_SANITIZED:-0}" = 1 ]; then
    echo "1..0 # SKIP in the sanitized pass: 515 runs there on SQLite, 505 and 511 on PostgreSQL"
    exit 0
fi
STACKLAB_TEST_DB=postgresql exec sh "$(dirname "$0")/515-serve-exam.t"
