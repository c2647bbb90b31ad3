#!/bin/sh
# 306-doctor.t -- `stacklab doctor` says what to do about each layer that is off: the fixes
# for each cause on fake machines (tests/unit/remedy.c), then the command itself: a fix
# under every line that is off, and on a cgroup v1 machine, run as an ordinary user, the
# switch to cgroup v2.
: "${STACKLAB_BUILD:?set STACKLAB_BUILD to the build folder}"
SL="$STACKLAB_BUILD/stacklab"
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
"$STACKLAB_BUILD/tests/remedy" > "$T/unit"
unit_rc=$?
n=$(grep -c '^\(not \)\?ok ' "$T/unit")
grep -v '^1\.\.' "$T/unit"
N=$n
t() { N=$((N + 1)); if [ "$1" -eq 0 ]; then echo "ok $N - $2"; else echo "not ok $N - $2"; fi; }

# every_off_has_fix FILE: 0 when each "NAME off" line is followed by a "fix:" line.
every_off_has_fix() {
    awk '/^[a-z-]+ +off/ { want = 1; off++; next }
         want && /^ +fix: / { fixed++ }
         { want = 0 }
         END { exit !(off > 0 && off == fixed) }' "$1"
}

"$SL" doctor --no-userns --no-cgroup > "$T/out" 2>&1
t $? "doctor --no-userns --no-cgroup exits 0"
every_off_has_fix "$T/out"
t $? "each line that is off is followed by its fix"
grep -A1 '^cgroup *off: disabled' "$T/out" | grep -q "fix: turned off by --no-cgroup"
t $? "the cgroup line says --no-cgroup turned it off"

if [ "$(id -u)" -eq 0 ] && [ -d /sys/fs/cgroup/memory ] && [ -d /sys/fs/cgroup/pids ] \
   && command -v setpriv >/dev/null; then
    setpriv --reuid=65534 --regid=65534 --clear-groups "$SL" doctor > "$T/v1" 2>&1
    grep -A4 '^cgroup *off: v1 controllers need root' "$T/v1" \
        | grep -q "systemd.unified_cgroup_hierarchy=1"
    t $? "cgroup v1, an ordinary user: the fix boots with systemd.unified_cgroup_hierarchy=1"
    every_off_has_fix "$T/v1"
    t $? "and every other line that is off has its fix"
else
    N=$((N + 1)); echo "ok $N # SKIP needs root on a cgroup v1 machine"
    N=$((N + 1)); echo "ok $N # SKIP needs root on a cgroup v1 machine"
fi
echo "1..$N"
[ "$unit_rc" -eq 0 ]
