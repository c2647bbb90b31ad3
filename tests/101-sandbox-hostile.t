#!/bin/sh
# 101-sandbox-hostile.t -- the hostile suite as the caller (root in CI): every case
# asserts its verdict and that nothing survives.
SBX_MODE=asis
. "$(dirname "$0")/lib-sandbox.sh"
sbx_compile
sbx_cases
sbx_done
