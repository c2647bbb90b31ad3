#!/bin/sh
# 510-dashboard.t with the class database on PostgreSQL: the grid, rates, failing tests,
# history and CSV read through the second engine's statements.
STACKLAB_TEST_DB=postgresql exec sh "$(dirname "$0")/510-dashboard.t"
