#!/bin/sh
# 501-serve-kill.t with the class database on PostgreSQL: claims with FOR UPDATE SKIP
# LOCKED and workers woken by NOTIFY lose nothing and grade nothing twice when a worker
# and then the server are killed with SIGKILL mid-run.
STACKLAB_TEST_DB=postgresql exec sh "$(dirname "$0")/501-serve-kill.t"
