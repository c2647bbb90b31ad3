#!/bin/sh
# 103-sandbox-nouserns.t -- the hostile suite unprivileged with user namespaces off (the reduced mode): every case
# asserts its verdict and that nothing survives.
SBX_MODE=nouserns
. "$(dirname "$0")/lib-sandbox.sh"
sbx_compile
sbx_cases
sbx_done
