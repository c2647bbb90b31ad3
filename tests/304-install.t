#!/bin/sh
# 304-install.t -- the README's way to a `stacklab` on PATH: `make install PREFIX=DIR`
# installs the program and the course beside it (found from the program's own place),
# says how to put DIR/bin on PATH when it is not there, keeps quiet when it is, expands
# a PREFIX=~/... that sh left alone; `make run` says how to get `stacklab` on PATH.
: "${STACKLAB_BUILD:?set STACKLAB_BUILD to the build folder}"
REPO=$(cd "$(dirname "$0")/.." && pwd)
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
n=0
failed=0
check() {   # check NAME CONDITION-RESULT [DETAIL]
    n=$((n + 1))
    if [ "$2" = 0 ]; then echo "ok $n - $1"
    else failed=$((failed + 1)); echo "not ok $n - $1"; printf '%s\n' "$3" | sed 's/^/# /'; fi
}
echo "1..7"

out=$(env PATH=/usr/bin:/bin make -s -C "$REPO" install BUILD="$STACKLAB_BUILD" PREFIX="$T/p" 2>&1)
[ -x "$T/p/bin/stacklab" ] && [ -d "$T/p/share/stacklab/lessons" ]
check "install: the program in PREFIX/bin, the course in PREFIX/share/stacklab" $? "$out"
case $out in *"is not on your PATH"*"export PATH=\"$T/p/bin:\$PATH\""*) r=0 ;; *) r=1 ;; esac
check "install: says how to put PREFIX/bin on PATH when it is not there" $r "$out"
v=$(env HOME="$T" STACKLAB_HOME="$T/ws" "$T/p/bin/stacklab" validate 2>&1)
case $v in *"$T/p/share/stacklab"*) r=0 ;; *) r=1 ;; esac
check "install: the installed program uses the installed course" $r "$v"
out=$(env PATH="$T/p/bin:/usr/bin:/bin" make -s -C "$REPO" install BUILD="$STACKLAB_BUILD" \
      PREFIX="$T/p" 2>&1)
case $out in *"not on your PATH"*) r=1 ;; *) r=0 ;; esac
check "install: quiet about PATH when PREFIX/bin is on it" $r "$out"
out=$(env HOME="$T/home" PATH=/usr/bin:/bin sh -c \
      'cd "$1" && make -s install BUILD="$2" PREFIX=~/.local' sh "$REPO" "$STACKLAB_BUILD" 2>&1)
[ -x "$T/home/.local/bin/stacklab" ] && [ ! -e "$REPO/~" ]
check "install: PREFIX=~/.local under sh means \$HOME/.local" $? "$out"

# make run, not on a terminal: the course map as text, then the hint.
if env PATH=/usr/bin:/bin sh -c 'command -v stacklab' >/dev/null; then
    echo "ok 6 # SKIP a stacklab is already on /usr/bin:/bin"
    echo "ok 7 # SKIP a stacklab is already on /usr/bin:/bin"
else
    out=$(env PATH=/usr/bin:/bin HOME="$T" STACKLAB_HOME="$T/ws" make -s -C "$REPO" run \
          BUILD="$STACKLAB_BUILD" </dev/null 2>&1)
    case $out in *"not on your PATH yet"*"make install PREFIX=$T/.local"*) r=0 ;; *) r=1 ;; esac
    check "run: says stacklab is not on PATH and how to install it" $r "$out"
    out=$(env PATH="$T/p/bin:/usr/bin:/bin" HOME="$T" STACKLAB_HOME="$T/ws" make -s -C "$REPO" \
          run BUILD="$STACKLAB_BUILD" </dev/null 2>&1)
    case $out in *"not on your PATH"*) r=1 ;; *) r=0 ;; esac
    check "run: quiet once stacklab is on PATH" $r "$out"
fi
[ "$failed" -eq 0 ]
