#!/bin/sh
# 508-serve-remote.t with the class database on PostgreSQL (a private cluster the test
# starts, lib-pg.sh): grading machines that hold no database credentials pull, renew and
# complete jobs over HTTP, and a SIGKILLed one loses nothing, on the second engine.
STACKLAB_TEST_DB=postgresql exec sh "$(dirname "$0")/508-serve-remote.t"
