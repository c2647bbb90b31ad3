#!/bin/sh
# 102-sandbox-user.t -- the hostile suite as an unprivileged uid (setpriv when root): every case
# asserts its verdict and that nothing survives.
SBX_MODE=user
. "$(dirname "$0")/lib-sandbox.sh"
sbx_compile
sbx_cases
sbx_done
