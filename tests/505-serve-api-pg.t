#!/bin/sh
# 500-serve-api.t with the class database on PostgreSQL (a private cluster the test
# starts, lib-pg.sh): the same API, refusals, rate limit, queue bound and tokens at rest
# (pg_dump holds no token's text) on the second engine.
STACKLAB_TEST_DB=postgresql exec sh "$(dirname "$0")/500-serve-api.t"
