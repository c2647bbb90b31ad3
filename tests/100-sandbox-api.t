#!/bin/sh
# 100-sandbox-api.t -- the sandbox library through its C interface (pair included).
exec "$STACKLAB_BUILD/tests/sbx-api"
