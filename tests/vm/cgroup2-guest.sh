#!/bin/bash
# cgroup2-guest.sh -- the sandbox on cgroup v2, run as root inside the v2-only machine of
# tests/vm/run.sh (test 106 starts it there); prints TAP. Four places a process can be:
#   root:   boxes in a `stacklab` group at the top;
#   parent: an ordinary user in a leaf of a group delegated to it (as systemd delegates
#           user@UID.service): boxes beside that leaf;
#   alone:  an ordinary user alone in a delegated group: moved to a leaf, boxes beside it;
#   other:  an ordinary user in a group it does not own: no cgroup, and why.
# Then the whole hostile suite, as root and as an ordinary user in a delegated group.
SBX_MODE=asis
SBX_SRC=$(cd "$(dirname "$0")/../.." && pwd)
. "$(dirname "$0")/../lib-sandbox.sh"
CG=/sys/fs/cgroup
NOBODY=65534

if ! grep -qw memory $CG/cgroup.controllers || grep -q " - cgroup " /proc/self/mountinfo; then
    echo "Bail out! not a cgroup-v2-only machine: $(cat $CG/cgroup.controllers 2>&1)"
    exit 1
fi
sbx_compile

# delegate GROUP: makes GROUP owned by nobody, as a service manager delegates one.
delegate() {
    mkdir -p "$CG$1"
    chown "$NOBODY:$NOBODY" "$CG$1" "$CG$1/cgroup.procs" "$CG$1/cgroup.subtree_control" \
        "$CG$1/cgroup.threads"
}

# in-group GROUP CMD...: puts itself in GROUP, then runs CMD as nobody. GROUP "new" is a
# fresh delegated group at the top for each command, /alone-PID.
cat >"$SBX_T/in-group" <<EOF
#!/bin/sh
g=\$1; shift
if [ "\$g" = new ]; then
    g=/alone-\$\$
    mkdir "$CG\$g" && chown $NOBODY:$NOBODY "$CG\$g" "$CG\$g/cgroup.procs" \\
        "$CG\$g/cgroup.subtree_control" "$CG\$g/cgroup.threads" || exit 99
fi
echo \$\$ >"$CG\$g/cgroup.procs" || exit 99
exec setpriv --reuid $NOBODY --regid $NOBODY --clear-groups "\$@"
EOF
chmod 755 "$SBX_T/in-group"

doctor() { (cd "$SBX_BOX" && $SBX_AS "$SBX_BIN" doctor "$@") >"$SBX_T/res" 2>&1; }

# box_groups PARENT: the box groups under PARENT (a glob).
box_groups() { find $CG$1 -mindepth 1 -maxdepth 1 -name 'stacklab-[0-9]*' 2>/dev/null; }

# groups_left PARENT DESC: no box group is left under PARENT.
groups_left() {
    n=$(box_groups "$1" | wc -l)
    echo "leftover groups: $n" >"$SBX_T/res"
    sbx_ok $((n != 0)) "$2"
}

# live_limits PARENT DESC: while a box runs, its group under PARENT holds its
# processes and has the limits asked for (64 MB, 7 processes + keeper and init). The box
# lives 6 s and is looked for during up to 10 s: under an emulated CPU on a loaded host
# a shorter life could end before the first look.
live_limits() {
    (cd "$SBX_BOX" && $SBX_AS "$SBX_BIN" sandbox --box "$SBX_BOX" --mem 64 --procs 7 \
        --wall 6 -- ./pause >/dev/null 2>&1) &
    g=""
    for _ in $(seq 200); do
        g=$(box_groups "$1" | head -n 1)
        [ -n "$g" ] && [ -n "$(cat "$g/cgroup.procs" 2>/dev/null)" ] && break
        sleep 0.05
    done
    { echo "group: $g"; cat "$g/memory.max" "$g/pids.max" "$g/cgroup.procs"; } >"$SBX_T/res" 2>&1
    r=1
    [ -n "$g" ] && [ "$(cat "$g/memory.max")" = $((64 << 20)) ] && [ "$(cat "$g/pids.max")" = 9 ] \
        && [ "$(wc -l <"$g/cgroup.procs")" -ge 2 ] && r=0
    sbx_ok $r "$2"
    wait
}

# cases WHERE PARENT: limits enforced by the v2 group under PARENT (a glob; the doctor's
# line is matched with it as a regular expression).
cases() {
    doctor
    has "^cgroup *on: v2 memory, pids under $2\$" "$1: doctor says v2, under $2"
    sbx --mem 64 --wall 10 -- ./alloc 512 touch
    verdict ML "$1: touching 512 MiB under 64 MB"
    has "^layers: .*cgroup" "$1: the cgroup layer is on"
    sbx --mem 64 --wall 10 -- ./alloc 512 notouch
    verdict OK "$1: allocating 512 MiB without touching it"
    sbx --time 0.6 --wall 20 -- ./threads
    verdict TO "$1: four spinning threads"
    has "detail: cpu time 0.6 s\$" "$1: cpu summed from the group"
    sbx --time 1 --wall 3 --procs 16 -- ./forkbomb
    verdict TO "$1: fork bomb contained"
    live_limits "$2" "$1: a running box's group holds it, with its limits"
    groups_left "$2" "$1: no box group left"
}

cases root /stacklab

SBX_AS="$SBX_T/in-group /deleg/shell"
chown -R "$NOBODY:$NOBODY" "$SBX_BOX"
delegate /deleg
echo "+memory +pids" >$CG/deleg/cgroup.subtree_control
delegate /deleg/shell
cases parent /deleg
doctor --no-userns
has "^cgroup *off: v2 groups delegated to this user need a user namespace" \
    "parent: without a user namespace, no delegated group (the box could leave it)"
sbx --no-userns -- /bin/true
has "^missing: .*cgroup (v2 groups delegated" "parent: a box without a user namespace says why"

SBX_AS="$SBX_T/in-group new"
cases alone "/alone-[0-9]*"
n=$(find $CG/alone-* -maxdepth 1 -name stacklab-main | wc -l)
all=$(find $CG -maxdepth 1 -name 'alone-*' | wc -l)
echo "groups /alone-PID: $all; with a stacklab-main leaf: $n" >"$SBX_T/res"
sbx_ok $((n == 0 || n != all)) "alone: each supervisor moved itself to a leaf, /alone-PID/stacklab-main"

SBX_AS="$SBX_T/in-group /other"
mkdir -p $CG/other
doctor
has "^cgroup *off: cgroup v2 group /other is not delegated to this user" \
    "other: doctor says the group is not delegated"
sbx --mem 64 --wall 10 -- ./alloc 512 touch
verdict ML "other: touching 512 MiB under 64 MB still ML (address-space limit)"
has "^missing: .*cgroup (cgroup v2 group /other is not delegated" "other: the box says why"

# The whole suite (STACKLAB_VM_FULL=1; minutes under emulation): as root (boxes under
# /stacklab) and, from a delegated leaf, as nobody (102). Not 103: without a user
# namespace no v2 group is used, and its box-filling cases need a /tmp on disk (here
# /tmp is in the machine's memory, which they would exhaust).
if [ "${STACKLAB_VM_FULL:-0}" = 1 ]; then
    (prove tests/100-sandbox-api.t tests/101-sandbox-hostile.t tests/104-sandbox-cli.t \
        tests/105-sandbox-root-nouserns.t) >"$SBX_T/res" 2>&1
    sbx_ok $? "hostile suite as root on cgroup v2"
    (echo $BASHPID >$CG/deleg/shell/cgroup.procs && prove tests/102-sandbox-user.t) \
        >"$SBX_T/res" 2>&1
    sbx_ok $? "hostile suite as nobody in a delegated group"
else
    sbx_skip "the whole hostile suite on cgroup v2 (STACKLAB_VM_FULL=1 runs it)"
fi
sbx_done
