#!/bin/sh
# 513-deadlines.t with the class database on PostgreSQL (a private cluster the test starts,
# lib-pg.sh): deadlines set and cleared, late submissions, progress, the dashboard's grid
# and CSV from the second engine's schema 3.
STACKLAB_TEST_DB=postgresql exec sh "$(dirname "$0")/513-deadlines.t"
