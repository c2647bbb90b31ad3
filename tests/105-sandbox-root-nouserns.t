#!/bin/sh
# 105-sandbox-root-nouserns.t -- the hostile suite as root with user namespaces off (pid, net and mount namespaces without one, per-box uid): every case
# asserts its verdict and that nothing survives.
SBX_MODE=rootnouserns
. "$(dirname "$0")/lib-sandbox.sh"
sbx_compile
sbx_cases
sbx_done
