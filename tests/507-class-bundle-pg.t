#!/bin/sh
# 507-class-bundle.t with the class database on PostgreSQL (a private cluster the test
# starts, lib-pg.sh): the learner's current lab, bundle and progress read from the second
# engine's cells.
STACKLAB_TEST_DB=postgresql exec sh "$(dirname "$0")/507-class-bundle.t"
