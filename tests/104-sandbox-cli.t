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
for l in session rlimits nnp seccomp userns pidns netns mntns ipcns utsns uid cgroup memory leak-check; do
    grep -Eq "^$l +(on|off)" "$SBX_T/res" || all=1
done
sbx_ok $all "doctor: every layer listed on or off"
"$SBX_BIN" doctor --no-userns --no-cgroup >"$SBX_T/res" 2>&1
has "^userns *off: disabled" "doctor --no-userns: userns off, with the reason"
has "^cgroup *off: disabled" "doctor --no-cgroup: cgroup off, with the reason"
"$SBX_BIN" doctor --bogus >/dev/null 2>&1
[ $? = 2 ]
sbx_ok $? "doctor: unknown option is a usage error"
sbx_done
