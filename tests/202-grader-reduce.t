#!/bin/sh
# Sanitizer report reduction and line diff of the grader report.
exec "$STACKLAB_BUILD/tests/grader-reduce"
