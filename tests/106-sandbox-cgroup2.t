#!/bin/sh
# 106-sandbox-cgroup2.t -- the sandbox where cgroup v2 is the only hierarchy: boots such
# a machine (tests/vm/run.sh: this machine's files, a Debian kernel with cgroup_no_v1=all,
# under KVM) and prints the TAP of tests/vm/cgroup2-guest.sh run there as root. Skipped,
# with the reason, where no such machine can be booted.
cd "$(dirname "$0")/.." || exit 1
# The plain pass boots the machine; the second pass (stacklab under ASan and UBSan) leaves
# it out: the sandbox's own tests 100-105, 107 and 108 run its sanitized build here.
if [ "${STACKLAB_SANITIZED:-}" = 1 ]; then
    echo "1..0 # SKIP the plain pass boots the cgroup v2 machine"
    exit 0
fi
: "${STACKLAB_BUILD:=$PWD/build}"
export STACKLAB_BUILD
t=$(mktemp -d /tmp/stacklab-106.XXXXXX) || exit 1
trap 'rm -rf "$t"' EXIT
VM_TIMEOUT=${VM_TIMEOUT:-300} tests/vm/run.sh -- bash tests/vm/cgroup2-guest.sh >"$t/out" 2>"$t/err"
rc=$?
if [ "$rc" = 125 ] && [ -z "${VM_ACCEL:-}" ] && ! grep -q '^1\.\.' "$t/out"; then
    # no machine came up: some KVM backends cannot boot a stock kernel; emulate instead
    echo "# the machine did not start with the default accelerator; again with an emulated CPU"
    VM_ACCEL=tcg VM_TIMEOUT=600 tests/vm/run.sh -- bash tests/vm/cgroup2-guest.sh >"$t/out" 2>"$t/err"
    rc=$?
fi
if [ "$rc" = 77 ]; then
    echo "1..0 # SKIP $(tail -n 1 "$t/err")"
    exit 0
fi
cat "$t/out"
if [ "$rc" = 125 ] || ! grep -q '^1\.\.' "$t/out"; then
    echo "Bail out! the cgroup v2 machine did not finish (exit $rc)"
    sed 's/^/# /' "$t/err" | tail -n 30
fi
exit "$rc"
