#!/bin/sh
# 507-class-bundle.t with the class database on PostgreSQL (a private cluster the test
# starts, lib-pg.sh): the learner's current lab, bundle and progress read from the second
# engine's cells.
# The sanitized pass (make test's second) runs the SQLite twin (507) and, for the
# PostgreSQL engine under the sanitizers, 505 and 511: this file runs in the plain pass.
if [ "${STACKLAB_SANITIZED:-0}" = 1 ]; then
    echo "1..0 # SKIP in the sanitized pass: 507 runs there on SQLite, 505 and 511 on PostgreSQL"
    exit 0
fi
STACKLAB_TEST_DB=postgresql exec sh "$(dirname "$0")/507-class-bundle.t"
