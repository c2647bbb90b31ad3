# lib-sandbox.sh -- helpers for the sandbox suite (tests/1xx): a scratch folder, the
# hostile programs compiled into a box folder, a runner for `stacklab sandbox` in one of
# three modes, and TAP assertions. Source it; set SBX_MODE first (asis|user|nouserns).
#   asis:     as whoever runs the test (root in CI)
#   user:     as an unprivileged uid (setpriv to nobody when root, else as is)
#   nouserns: as an unprivileged uid with --no-userns (the reduced mode)
#   rootnouserns: as root with --no-userns (namespaces without a user namespace)

: "${SBX_SRC:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${STACKLAB_BUILD:=$SBX_SRC/build}"
SBX_BIN=$STACKLAB_BUILD/stacklab
SBX_T=$(mktemp -d /tmp/stacklab-sbx.XXXXXX) || exit 1
chmod 755 "$SBX_T"
SBX_BOX=$SBX_T/box
SBX_N=0
SBX_FAILED=0
SBX_AS=""
SBX_FLAGS=""
SBX_BG=""
mkdir -p "$SBX_BOX"

sbx_cleanup() {
    [ -n "$SBX_BG" ] && kill "$SBX_BG" 2>/dev/null
    rm -rf "$SBX_T"
}
trap sbx_cleanup EXIT

# 1 when the box will have its own pid/net/mount namespaces in this mode.
SBX_NS=1
case "$SBX_MODE" in
user|nouserns)
    if [ "$(id -u)" = 0 ]; then
        SBX_AS="setpriv --reuid 65534 --regid 65534 --clear-groups"
    fi
    ;;
esac
[ "$SBX_MODE" = nouserns ] && SBX_FLAGS="--no-userns"
if [ "$SBX_MODE" = rootnouserns ]; then
    if [ "$(id -u)" != 0 ]; then echo "1..0 # SKIP needs root"; exit 0; fi
    SBX_FLAGS="--no-userns"
fi
if [ "$SBX_MODE" = nouserns ]; then
    # unprivileged and without user namespaces, nothing can be unshared
    if [ -n "$SBX_AS" ] || [ "$(id -u)" != 0 ]; then SBX_NS=0; fi
elif [ -n "$SBX_AS" ] || [ "$(id -u)" != 0 ]; then
    $SBX_AS unshare -U true 2>/dev/null || SBX_NS=0
fi

sbx_compile() {
    for f in "$SBX_SRC"/tests/hostile/*.c; do
        n=$(basename "$f" .c)
        cc -std=c11 -D_GNU_SOURCE -O1 -pthread -o "$SBX_BOX/$n" "$f" 2>"$SBX_T/cc.err" \
            || { echo "Bail out! cannot compile $f: $(cat "$SBX_T/cc.err")"; exit 1; }
    done
    [ -n "$SBX_AS" ] && chown -R 65534:65534 "$SBX_BOX"
    return 0
}

# sbx OPTIONS -- PROG ARGS: runs in the box folder; the report lands in $SBX_T/res.
sbx() {
    (cd "$SBX_BOX" && $SBX_AS "$SBX_BIN" sandbox --box "$SBX_BOX" $SBX_FLAGS "$@") >"$SBX_T/res" 2>&1
}

# field NAME: a field of the last report.
field() { sed -n "s/^$1: //p" "$SBX_T/res" | head -n 1; }

sbx_ok() {
    SBX_N=$((SBX_N + 1))
    if [ "$1" = 0 ]; then
        echo "ok $SBX_N - $2"
    else
        echo "not ok $SBX_N - $2"
        SBX_FAILED=$((SBX_FAILED + 1))
        sed 's/^/# /' "$SBX_T/res" | head -n 40
    fi
}

# verdict WANT DESC: the last run's verdict is WANT (a|b allowed) and nothing survived.
verdict() {
    v=$(field verdict)
    s=$(field survivors)
    case "|$1|" in *"|$v|"*) r=0 ;; *) r=1 ;; esac
    [ "$s" = 0 ] || r=1
    sbx_ok $r "$2 [$SBX_MODE] (verdict $v, want $1; survivors $s)"
}

# has TEXT DESC / hasnt TEXT DESC: the report (fields and captured output) contains TEXT.
has() { grep -q -- "$1" "$SBX_T/res"; sbx_ok $? "$2 [$SBX_MODE]"; }
hasnt() { ! grep -q -- "$1" "$SBX_T/res"; sbx_ok $? "$2 [$SBX_MODE]"; }

# below FIELD MAX DESC: a numeric field is below MAX.
below() {
    v=$(field "$1")
    awk -v v="$v" -v m="$2" 'BEGIN { exit !(v != "" && v + 0 < m + 0) }'
    sbx_ok $? "$3 [$SBX_MODE] ($1 $v < $2)"
}

# sbx_tagged PATTERN: pids (one a line) of processes whose command line matches the
# extended regular expression (pgrep leaves itself out).
sbx_tagged() { pgrep -f -- "$1"; return 0; }

# sbx_wait_tagged PATTERN SECONDS: polls until a process matches; 0 found, 1 not in time.
sbx_wait_tagged() {
    end=$(($(date +%s) + $2))
    while [ "$(date +%s)" -le "$end" ]; do
        [ -n "$(sbx_tagged "$1")" ] && return 0
        sleep 0.05
    done
    return 1
}

# sbx_gone TAG SECONDS: polls until no process carries TAG; 0 gone, 1 still there.
sbx_gone() {
    end=$(($(date +%s) + $2))
    pat=$1
    while [ "$(date +%s)" -le "$end" ]; do
        [ -z "$(sbx_tagged "$pat")" ] && return 0
        sleep 0.05
    done
    sbx_tagged "$pat" | while read -r p; do echo "# left: $p $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)"; done
    return 1
}

# sbx_wait_listen PATTERN PORT SECONDS: polls until a process matching PATTERN listens
# on PORT in its own network namespace (read from the host through /proc/PID/net/tcp).
sbx_wait_listen() {
    hex=$(printf ':%04X' "$2")
    end=$(($(date +%s) + $3))
    while :; do     # looks at least once, even when the second turns before the first look
        for p in $(sbx_tagged "$1"); do
            cat "/proc/$p/net/tcp" "/proc/$p/net/tcp6" 2>/dev/null \
                | awk -v h="$hex" '$2 ~ h"$" && $4 == "0A" { f = 1 } END { exit !f }' && return 0
        done
        [ "$(date +%s)" -lt "$end" ] || return 1
        sleep 0.02
    done
}

# sbx_kill_tagged TAG: a failed case must not leave its processes to the next one.
sbx_kill_tagged() {
    pat=$1
    for p in $(sbx_tagged "$pat"); do kill -KILL "$p" 2>/dev/null; done
    return 0
}

sbx_skip() { SBX_N=$((SBX_N + 1)); echo "ok $SBX_N # SKIP $1"; }

sbx_done() { echo "1..$SBX_N"; [ "$SBX_FAILED" = 0 ]; }

# The hostile suite, shared by every mode. Each case asserts its verdict and that
# nothing of the run survived.
sbx_cases() {
    # CPU cases get a generous wall limit: on a loaded machine 0.5 s of CPU can take
    # seconds, and a broken CPU sum still fails them (by the wall or the per-process
    # backstop, both named differently in the detail).
    sbx --time 0.5 --wall 20 -- ./spin
    verdict TO "busy loop stopped by the cpu limit"
    has "detail: cpu time" "busy loop: cpu, not wall"

    sbx --wall 0.5 -- ./pause
    verdict TO "pause() forever stopped by the wall limit"
    sbx --wall 5 --idle 0.4 -- ./pause
    verdict TO "pause() forever stopped by the idle limit"
    has "detail: idle" "idle limit named"

    sbx --time 0.6 --wall 20 -- ./threads
    verdict TO "four spinning threads"
    has "detail: cpu time 0.6 s\$" "threads: cpu summed by the supervisor"

    sbx --time 0.8 --wall 20 -- ./seqfork
    verdict TO "sequential forks each under a per-process limit"
    has "detail: cpu time 0.8 s\$" "sequential forks: the sum counts reaped children"

    sbx --time 1 --wall 3 --procs 16 -- ./forkbomb
    verdict "TO" "fork bomb contained"
    below wall 6 "fork bomb ends in time"

    sbx --wall 5 -- ./daemon
    verdict OK "double fork + setsid, then exit 0"

    sbx --mem 64 --wall 10 -- ./alloc 512 touch
    verdict ML "touching 512 MiB under 64 MB"
    sbx --mem 64 --wall 10 -- ./alloc 512 notouch
    verdict OK "allocating 512 MiB without touching it"

    sbx --wall 10 -- ./recurse
    verdict SG "deep recursion"
    has "detail: SIGSEGV" "recursion ends in SIGSEGV"

    sbx --output 10000 --wall 10 -- ./flood out
    verdict OL "stdout flood"
    has "out_bytes: .*(truncated)" "stdout kept capped"
    sbx --output 10000 --wall 10 -- ./flood err
    verdict OL "stderr flood"

    sbx --fsize 4 --wall 10 -- ./fill bytes .
    verdict OL "filling the box folder with bytes stops at the file size limit"
    rm -f "$SBX_BOX/big"

    sbx --fsize 1000 --tmpfs 16 --wall 10 -- ./fill bytes .
    verdict OL "filling the box folder with bytes under a big file limit"
    has "detail: box folder over 16 MB" "the box folder's size is held"
    rm -f "$SBX_BOX/big"
    sbx_disk_case
    mkdir "$SBX_BOX/many"
    [ -n "$SBX_AS" ] && chown 65534:65534 "$SBX_BOX/many"
    sbx --inodes 300 --wall 10 -- ./fill inodes many
    verdict OL "filling the box folder with inodes"
    has "detail: box folder over 300 files" "the box folder's file count is watched"
    rm -rf "$SBX_BOX/many"

    sbx --nofile 20 -- ./fds
    verdict OK "opening files until EMFILE"
    has "opened 1[0-9]: Too many open files" "descriptors capped at 20"

    # The filter kills a foreign-architecture call (SV); a kernel built without 32-bit
    # emulation refuses the instruction itself (SG). Either way the call never ran.
    sbx -- ./int80
    verdict "SV|SG" "32-bit int 0x80 system call"
    hasnt "int 0x80 returned" "the 32-bit call never ran"

    sbx -- ./calls packet vsock io_uring tiocsti unshare mount bpf keyctl setsid
    verdict OK "forbidden calls return errors, no kill"
    hasnt ": ok" "AF_PACKET, AF_VSOCK, io_uring, TIOCSTI, unshare, mount, bpf, keyctl, setsid all fail"

    sbx --wall 5 -- ./calls ptrace vmread "pid=$$"
    verdict OK "ptrace/process_vm_readv of a process outside the box"
    hasnt ": ok" "outside processes cannot be traced or read"

    sbx -- grep -E "^(CapEff|CapBnd|NoNewPrivs|Seccomp):" /proc/self/status
    has "CapEff:.0000000000000000" "no effective capabilities"
    has "NoNewPrivs:.1" "no_new_privs set"
    has "Seccomp:.2" "a seccomp filter is loaded"
    if [ "$SBX_NS" = 1 ]; then
        has "CapBnd:.0000000000000000" "the bounding set is empty"
    fi

    ln -s "$SBX_T/outside" "$SBX_BOX/evil"
    echo secret >"$SBX_T/outside"
    chmod 600 "$SBX_T/outside"
    before=$(stat -c %u "$SBX_T/outside")
    sbx -- sh -c 'cat evil; echo done'
    after=$(stat -c %u "$SBX_T/outside")
    sbx_ok "$([ "$before" = "$after" ] && echo 0 || echo 1)" "a planted symlink is not followed when the box is prepared [$SBX_MODE]"
    hasnt "secret" "the symlink does not reach outside"
    rm -f "$SBX_BOX/evil"

    if [ "$SBX_NS" = 1 ]; then sbx_ns_cases; else sbx_reduced_cases; fi
    sbx_compile_cases
}

# fallocate reserves a GB at once: with a mount namespace the box folder is a tmpfs of
# its size, so no more than the limit (and a little slack) ever reaches the host's disk;
# without one, the polled folder can overshoot (docs/sandbox.md gives the bound), and
# only the verdict is asserted. A watcher samples the host folder during the run.
sbx_disk_case() {
    [ -n "$SBX_AS" ] && chown 65534:65534 "$SBX_BOX"
    : >"$SBX_T/du-max"
    (max=0; while [ ! -e "$SBX_T/du-stop" ]; do
        k=$(du -sk "$SBX_BOX" 2>/dev/null | cut -f1)
        [ "${k:-0}" -gt "$max" ] && max=$k && echo "$max" >"$SBX_T/du-max"
        sleep 0.01
    done) &
    watcher=$!
    base=$(du -sk "$SBX_BOX" | cut -f1)
    # 1 GB where the kernel holds the limit; a polled folder would take all of it first
    # (on a small /tmp that is the machine's), so there 64 MB still shows the verdict.
    mb=64
    [ "$SBX_NS" = 1 ] && mb=1024
    sbx --fsize 100000 --tmpfs 16 --wall 20 -- ./fill falloc . "$mb"
    : >"$SBX_T/du-stop"; wait "$watcher"; rm -f "$SBX_T/du-stop"
    verdict OL "fallocate far past the box's size"
    after=$(du -sk "$SBX_BOX" | cut -f1)
    seen=$(cat "$SBX_T/du-max")
    rm -f "$SBX_BOX/big"
    if [ "$SBX_NS" = 1 ]; then
        # 16 MB limit + 2 MB slack (folders, block rounding) over what was there before
        [ $((after - base)) -le 18432 ] && [ $((${seen:-0} - base)) -le 18432 ]
        sbx_ok $? "the host folder never held more than the limit [$SBX_MODE] (grew by $((after - base)) KiB, at most $((${seen:-0} - base)) KiB seen)"
    else
        sbx_skip "without a mount namespace the box folder is polled (bound: docs/sandbox.md)"
    fi
}

# Only where the box has its own namespaces.
sbx_ns_cases() {
    sbx -- ./peek environ
    verdict OK "reading /proc/1/environ"
    has "Permission denied" "init's environment is unreadable"
    sbx -- ./peek procs
    has "procs [1-3]\$" "/proc lists only the box"
    sbx -- ./peek read "$SBX_SRC/labs"
    has "No such file" "the course folder is hidden"
    sbx -- ./peek read /root
    has "No such file" "root's home is hidden"
    sbx -- ./peek read "$SBX_T/outside"
    has "No such file" "the test's own folder is hidden"

    sbx --net lo --wall 20 -- ./net connect 10.255.255.1 80
    has "Network is unreachable" "a non-loopback address fails at once"
    below wall 10 "no hang on connect"

    port=$((20000 + $$ % 20000))
    "$SBX_BOX/net" serve "$port" >"$SBX_T/host-srv" 2>&1 &
    SBX_BG=$!
    i=0
    while ! grep -q listening "$SBX_T/host-srv" 2>/dev/null && [ $i -lt 200 ]; do sleep 0.02; i=$((i + 1)); done
    grep -q listening "$SBX_T/host-srv"
    sbx_ok $? "a server listens on the host's 127.0.0.1:$port [$SBX_MODE]"
    sbx --net lo --wall 5 -- ./net connect 127.0.0.1 "$port"
    has "Connection refused" "the host's loopback is unreachable from the box"
    kill "$SBX_BG" 2>/dev/null; wait "$SBX_BG" 2>/dev/null; SBX_BG=""

    # The box's server listens until the host has tried it (seen in the box's own network
    # namespace, before and after); then the host ends the box's `sleep 12.0PORT` (the
    # port in it to find it by) and the box connects to its server itself. The sleep only
    # bounds a host that never ends it: on a loaded machine the first look alone can take
    # seconds, so the host looks for up to 10 s.
    port=$((port + 1))
    sbx --net lo --wall 20 -- sh -c "./net serve $port & sleep 12.0$port; ./net connect 127.0.0.1 $port; wait" &
    bg=$!
    sbx_wait_listen "serve $port\$" "$port" 10
    sbx_ok $? "the box's server is up (its network namespace says so) [$SBX_MODE]"
    "$SBX_BOX/net" connect 127.0.0.1 "$port" >"$SBX_T/outside-try" 2>&1
    sbx_wait_listen "serve $port\$" "$port" 0
    sbx_ok $? "the host tried while the box's server listened [$SBX_MODE]"
    sbx_wait_tagged "^sleep 12\.0$port\$" 10 && sbx_kill_tagged "^sleep 12\.0$port\$"
    wait "$bg"
    has "^connected" "a server on 0.0.0.0 is reachable inside the box"
    ! grep -q "^connected" "$SBX_T/outside-try"
    sbx_ok $? "and not from the host while it listens [$SBX_MODE]"

    # What the box leaves comes back to the host folder: regular files and folders, no
    # link or pipe, a sparse file no bigger than the box's size.
    sbx --tmpfs 16 --fsize 2000 -- sh -c 'mkdir -p out; echo kept >out/made; ln -s /etc/passwd lnk; mkfifo pipe; truncate -s 1G sparse; echo done'
    [ -f "$SBX_BOX/out/made" ] && [ ! -e "$SBX_BOX/lnk" ] && [ ! -L "$SBX_BOX/lnk" ] && [ ! -e "$SBX_BOX/pipe" ] \
        && [ "$(du -sk "$SBX_BOX/sparse" 2>/dev/null | cut -f1)" -le 16400 ]
    sbx_ok $? "the box's files come back, links and pipes do not, a sparse file within the limit [$SBX_MODE]"
    rm -rf "$SBX_BOX/out" "$SBX_BOX/lnk" "$SBX_BOX/pipe" "$SBX_BOX/sparse"

    sbx --tmpfs 8 --fsize 100 -- ./fill bytes /tmp
    has "No space left" "filling /tmp with bytes stops at its size"
    sbx --inodes 100 -- ./fill inodes /tmp
    has "No space left" "filling /tmp with inodes stops at its inode limit"

    # /box and /tmp are folders of the box's root tmpfs, each mounted on itself: the root
    # stays read-only, both are writable, and they share the box's size and file count.
    sbx -- sh -c 'touch /new; echo x >/etc/passwd; echo b >/box/w && echo box-ok; echo t >/tmp/w && echo tmp-ok; rm -f /box/w'
    has "/new.*Read-only file system" "nothing can be made in the box's root"
    has "/etc/passwd.*Read-only file system" "the box's /etc cannot be written"
    has "^box-ok" "/box is writable"
    has "^tmp-ok" "/tmp is writable"
    sbx --tmpfs 8 --fsize 100 -- sh -c './fill bytes /tmp; echo more >kept && echo kept-ok'
    verdict OL "a /tmp filled to the box's size is OL"
    has "detail: box folder over 8 MB" "and the detail says the size"
    hasnt "^kept-ok" "/box has no room left once /tmp took the box's size"
    rm -f "$SBX_BOX/kept"
    sbx --inodes 100 -- sh -c './fill inodes /tmp; ./fill inodes .'
    has "stopped after 0 files" "/box has no file left once /tmp took the box's file count"
}

# Without namespaces: what the reduced mode still promises.
sbx_reduced_cases() {
    has "missing: .*pidns" "the missing namespaces are reported"
    has "leak_check: off" "leak checking reported off"
    sbx -- ./calls ptrace "pid=$PPID"
    hasnt ": ok" "ptrace refused without a pid namespace"
    sbx --tmpfs 16 -- /bin/true
    has "missing: .*box-tmpfs (no mount namespace" "a polled box folder is reported"
    (cd "$SBX_BOX" && $SBX_AS "$SBX_BIN" doctor $SBX_FLAGS) >"$SBX_T/res" 2>&1
    has "^box-tmpfs  *off: the box folder is walked every 250 ms" "doctor says the box folder is only polled"
}

# The compiler inside the box, sanitizers included.
sbx_compile_cases() {
    cat >"$SBX_BOX/hello.c" <<'C'
#include <stdio.h>
int main(void) { puts("hello"); return 0; }
C
    cat >"$SBX_BOX/ovf.c" <<'C'
#include <stdlib.h>
int main(void) { char *p = malloc(8); p[8] = 1; return p[0]; }
C
    cat >"$SBX_BOX/leak.c" <<'C'
#include <stdlib.h>
int main(void) { void *p = malloc(100); p = 0; return 0; }
C
    printf '#include "/dev/zero"\n' >"$SBX_BOX/zero.c"
    [ -n "$SBX_AS" ] && chown 65534:65534 "$SBX_BOX"/*.c
    sf="-fsanitize=address,undefined -g"
    sbx --sanitized --time 20 --wall 40 --mem 512 -- sh -c "gcc $sf -o hello hello.c && gcc $sf -o ovf ovf.c && gcc $sf -o leak leak.c"
    verdict OK "gcc -fsanitize=address,undefined compiles inside the box"
    sbx --sanitized --mem 256 -- ./hello
    verdict OK "an ASan program runs"
    has "^hello" "and prints"
    sbx --sanitized --mem 256 -- ./ovf
    verdict RE "ASan heap overflow: a sanitizer verdict, not ML"
    has "heap-buffer-overflow" "the report is captured"
    sbx --sanitized --mem 256 -- ./leak
    if [ "$SBX_NS" = 1 ]; then
        verdict RE "a leak is found in full mode"
        has "LeakSanitizer: detected memory leaks" "LeakSanitizer report captured"
    else
        verdict OK "a leak is not checked without a pid namespace (and says so)"
    fi
    sbx --time 3 --wall 6 --mem 256 -- gcc -c zero.c
    verdict "TO|ML|OL|RE" "#include \"/dev/zero\": compile limits hold"
    below wall 9 "no hang on /dev/zero"
}
