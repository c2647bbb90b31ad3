#!/bin/sh
# 104-sandbox-cli.t -- the `stacklab sandbox` and `stacklab doctor` commands: every
# result field printed, exit codes, usage errors, read-only binds, and the layer report.
SBX_MODE=asis
. "$(dirname "$0")/lib-sandbox.sh"

sbx -- /bin/true
st=$?
sbx_ok $st "sandbox: exit 0 when the verdict is OK"
ok_all=0
for f in verdict detail exit signal cpu wall peak_mem_kb out_bytes err_bytes layers missing leak_check survivors; do
    grep -q "^$f: " "$SBX_T/res" || ok_all=1
done
sbx_ok $ok_all "sandbox: every result field is printed"

sbx -- /bin/false
[ $? = 1 ]
sbx_ok $? "sandbox: exit 1 when the verdict is not OK"
verdict RE "false is RE"

sbx --no-such-option -- /bin/true
[ $? = 2 ]
sbx_ok $? "sandbox: unknown option is a usage error (2)"
sbx --time
[ $? = 2 ]
sbx_ok $? "sandbox: missing value is a usage error (2)"
sbx --net wifi -- /bin/true
[ $? = 2 ]
sbx_ok $? "sandbox: bad --net is a usage error (2)"

# A limit that is not a finite number in range sets no limit at all (strtod takes nan
# and inf): refused, naming the option.
for bad in "--time nan" "--time inf" "--wall -1" "--idle 1e300" "--mem 1e30" "--procs nan" \
           "--output inf" "--tmpfs 2.5" "--inodes -inf"; do
    sbx $bad --wall 5 -- /bin/true
    st=$?
    opt=${bad%% *}
    [ $st = 2 ] && grep -q -- "^stacklab sandbox: $opt .*not a .*number" "$SBX_T/res"
    sbx_ok $? "sandbox $bad: refused with a message naming $opt (exit $st)"
done
sbx --time 0.5 --wall 20 -- /bin/true
sbx_ok $? "sandbox --time 0.5: a fraction of a second is a time"

sbx -- ./no-such-program
verdict RE "a missing program is RE"
has "cannot run ./no-such-program" "and says why"

mkdir -p "$SBX_T/shared"
echo "from the host" >"$SBX_T/shared/note"
chmod 755 "$SBX_T/shared"; chmod 644 "$SBX_T/shared/note"
if [ "$SBX_NS" = 1 ]; then
    sbx --bind "$SBX_T/shared:/data" -- sh -c 'cat /data/note; echo x >/data/new && echo wrote'
    has "from the host" "a bind is visible at its inside path"
    hasnt "^wrote" "a bind is read-only"
    [ ! -e "$SBX_T/shared/new" ]
    sbx_ok $? "nothing was written through the bind"
    sbx --bind "relative:/data" -- /bin/true
    [ $? = 3 ]
    sbx_ok $? "a bind that cannot be opened fails the setup (3)"
    sbx --bind "$SBX_T/shared:/../etc" -- /bin/true
    [ $? = 3 ]
    sbx_ok $? "a bind target with .. is refused"
else
    sbx_skip "binds need a mount namespace"
    sbx_skip "binds need a mount namespace"
    sbx_skip "binds need a mount namespace"
    sbx_skip "binds need a mount namespace"
    sbx_skip "binds need a mount namespace"
fi

"$SBX_BIN" doctor >"$SBX_T/res" 2>&1
sbx_ok $? "doctor: exit 0"
all=0
for l in session rlimits nnp seccomp userns pidns netns mntns ipcns utsns uid cgroup memory box-tmpfs course leak-check; do
    grep -Eq "^$l +(on|off)" "$SBX_T/res" || all=1
done
sbx_ok $all "doctor: every layer listed on or off"
"$SBX_BIN" doctor --no-userns --no-cgroup >"$SBX_T/res" 2>&1
has "^userns *off: disabled" "doctor --no-userns: userns off, with the reason"
has "^cgroup *off: disabled" "doctor --no-cgroup: cgroup off, with the reason"
"$SBX_BIN" doctor --bogus >/dev/null 2>&1
[ $? = 2 ]
sbx_ok $? "doctor: unknown option is a usage error"
# A kernel that refuses user namespaces (simulated for the first box, as where they are
# switched off): the box starts again without one, says so, and still contains the
# program (as root: its own namespaces and uid; else the reduced mode).
STACKLAB_SANDBOX_SIMULATE=userns-refused "$SBX_BIN" sandbox -- /bin/sh -c 'echo in-box; ls /proc' >"$SBX_T/res" 2>&1
sbx_ok $? "userns refused: the run still ends OK"
has "^in-box" "userns refused: the program ran"
has "^missing: userns (unavailable)" "userns refused: said in missing"
hasnt "^layers: .*userns" "userns refused: not listed as a layer"
if [ "$(id -u)" = 0 ]; then
    has "^layers: .*pidns,netns,mntns" "userns refused as root: namespaces without one"
    [ "$(grep -cE '^[0-9]+$' "$SBX_T/res")" -lt 10 ]
    sbx_ok $? "userns refused as root: /proc shows the box's processes only"
else
    has "^missing: .*pidns,netns,mntns (need userns or root)" "userns refused, not root: the reduced mode"
    has "^layers: .*seccomp" "userns refused, not root: seccomp still on"
fi

# The box is never the current folder, and a shared or foreign folder is never handed to
# the box's uid (as root that would re-own it, recursively).
mkdir -p "$SBX_T/cwd/sub" && chmod 755 "$SBX_T/cwd"
before=$(stat -c %u:%g "$SBX_T/cwd" "$SBX_T/cwd/sub")
(cd "$SBX_T/cwd" && "$SBX_BIN" sandbox -- /bin/true) >"$SBX_T/res" 2>&1
[ $? = 0 ] && [ "$(stat -c %u:%g "$SBX_T/cwd" "$SBX_T/cwd/sub")" = "$before" ]
sbx_ok $? "run from a folder: that folder's owner is unchanged"
mkdir -p "$SBX_T/open" && chmod 777 "$SBX_T/open"
before=$(stat -c %u:%g "$SBX_T/open")
"$SBX_BIN" sandbox --box "$SBX_T/open" -- /bin/true >"$SBX_T/res" 2>&1
[ "$(stat -c %u:%g "$SBX_T/open")" = "$before" ]
sbx_ok $? "--box on a folder others can write: owner unchanged"
if [ "$(id -u)" = 0 ]; then
    has "^missing: .*box-owner (.*not the caller's alone" "--box on a folder others can write: said in missing"
    mkdir -p "$SBX_T/repo/.git" "$SBX_T/repo/src" && chmod 755 "$SBX_T/repo"
    "$SBX_BIN" sandbox --box "$SBX_T/repo" -- /bin/true >"$SBX_T/res" 2>&1
    [ "$(stat -c %u "$SBX_T/repo/src")" = 0 ]
    sbx_ok $? "--box on a repository: left root's"
    mkdir -p "$SBX_T/mine" && chmod 755 "$SBX_T/mine"
    "$SBX_BIN" sandbox --box "$SBX_T/mine" -- /bin/sh -c 'echo hi > made' >"$SBX_T/res" 2>&1
    [ -f "$SBX_T/mine/made" ] && [ "$(stat -c %u "$SBX_T/mine" "$SBX_T/mine/made" | sort -u)" = 0 ]
    sbx_ok $? "--box on a private folder: written by the box, given back to root afterwards"
else
    sbx_skip "box ownership is handed over only as root"
    sbx_skip "box ownership is handed over only as root"
    sbx_skip "box ownership is handed over only as root"
fi

# Started as root, boxes run as per-box uids from a range no account, dynamic user,
# container or subordinate range uses (0x70000000 on), and the companion (the checker,
# which parses untrusted replies) runs as a uid of its own: neither root nor the
# subject's. Read from the host, in /proc, while the pair runs.
uid_of() { sed -n 's/^Uid:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$1/status" 2>/dev/null; }
in_range() { [ -n "$1" ] && [ "$1" -ge 1879048192 ] && [ "$1" -lt 1879113728 ] && [ -z "$(getent passwd "$1")" ]; }
uid_case() {
    tag="uid$$x$SBX_N"
    "$SBX_BIN" sandbox $1 --wall 20 --companion "sleep 4; : c$tag" -- sh -c "sleep 4; :" "s$tag" >"$SBX_T/res" 2>&1 &
    bg=$!
    sbx_wait_tagged "^/bin/sh -c sleep 4; : c$tag" 10 && sbx_wait_tagged "^sh -c sleep 4; : s$tag" 10
    cu=$(uid_of "$(sbx_tagged "^/bin/sh -c sleep 4; : c$tag" | head -n 1)")
    su=$(uid_of "$(sbx_tagged "^sh -c sleep 4; : s$tag" | head -n 1)")
    wait "$bg"
    [ -n "$cu" ] && [ "$cu" != 0 ] && [ "$cu" != "$su" ]
    sbx_ok $? "the companion runs as a uid of its own, not root's nor the subject's [$2] (companion $cu, subject $su)"
    in_range "$su" && in_range "$cu"
    sbx_ok $? "both uids are in 1879048192+65536 and belong to no account [$2] ($su, $cu)"
    has "^companion verdict: OK" "the companion ran to its end [$2]"
}
if [ "$(id -u)" = 0 ]; then
    uid_case "" "root"
    uid_case "--no-userns" "root, no userns"
    # A checker root alone may run (built under umask 077) still runs as the companion's
    # uid: a driver of the library runs one beside /bin/true.
    if [ -f "$STACKLAB_BUILD/libsandbox.a" ]; then
        cat >"$SBX_T/pair.c" <<'C'
#include <stdio.h>
#include "sandbox.h"
int main(int argc, char **argv)
{
    char *sa[] = { "/bin/true", NULL }, *ca[] = { argv[3], "-u", NULL };
    struct sbx_config s, c;
    struct sbx_result sr, cr;
    char *cause = NULL;
    sbx_config_init(&s);
    sbx_config_init(&c);
    s.argv = sa, s.workdir = argv[1], c.argv = ca, c.workdir = argv[2];
    if (argc < 4 || sbx_run_pair(&s, &c, &sr, &cr, &cause) < 0)
        return 3;
    printf("companion: %s %s\n%s", sbx_verdict_name(cr.verdict), cr.detail, cr.out ? cr.out : "");
    int rc = cr.verdict != SBX_OK;
    sbx_result_free(&sr);
    sbx_result_free(&cr);
    return rc;
}
C
        mkdir -p "$SBX_T/pb" "$SBX_T/pc" "$SBX_T/root-only" && chmod 700 "$SBX_T/root-only"
        cp /usr/bin/id "$SBX_T/root-only/checker" && chmod 700 "$SBX_T/root-only/checker"
        cc -std=c11 -D_GNU_SOURCE -I"$SBX_SRC/sandbox" -o "$SBX_T/pair" "$SBX_T/pair.c" \
            "$STACKLAB_BUILD/libsandbox.a" -lseccomp $(case "$STACKLAB_BUILD" in */asan) echo -fsanitize=address,undefined;; esac) \
            && "$SBX_T/pair" "$SBX_T/pb" "$SBX_T/pc" "$SBX_T/root-only/checker" >"$SBX_T/res" 2>&1
        sbx_ok $? "a checker only root may run, in a folder only root may enter, runs as the companion ($(tr '\n' ' ' <"$SBX_T/res"))"
        ! grep -qx 0 "$SBX_T/res"
        sbx_ok $? "and not as root"
    else
        sbx_skip "no libsandbox.a in $STACKLAB_BUILD"; sbx_skip "no libsandbox.a"
    fi
    # The first uid a box would take (the lowest no box holds) belongs to an account: it
    # is skipped, even just after a box used it (a check is remembered for a while, but
    # not across a change of the account files).
    if command -v useradd >/dev/null 2>&1 && command -v flock >/dev/null 2>&1; then
        "$SBX_BIN" sandbox -- /bin/true >/dev/null 2>&1
        want=1879048192
        while [ -e "/run/stacklab-uids/$want" ] && ! flock -n "/run/stacklab-uids/$want" true; do
            want=$((want + 1))
        done
        useradd -u "$want" -M -N -r -s /usr/sbin/nologin "sbxt$$" 2>/dev/null
        "$SBX_BIN" sandbox --wall 20 -- sh -c "sleep 3; :" "taken$$" >"$SBX_T/res" 2>&1 &
        bg=$!
        sbx_wait_tagged "^sh -c sleep 3; : taken$$" 10
        got=$(uid_of "$(sbx_tagged "^sh -c sleep 3; : taken$$" | head -n 1)")
        wait "$bg"
        userdel "sbxt$$" 2>/dev/null
        [ -n "$got" ] && [ "$got" != "$want" ] && in_range "$got"
        sbx_ok $? "a uid that belongs to an account is never a box's (account $want, box $got)"
    else
        sbx_skip "useradd or flock missing"
    fi
else
    for i in 1 2 3 4 5 6 7 8 9; do sbx_skip "per-box uids are taken only as root"; done
fi
sbx_done
