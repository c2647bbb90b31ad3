# lib-course.sh -- shell helpers for tests that need a small course or a temp workspace.
# Sourced by tests/0xx and 3xx; prints TAP through the helpers below.

STACKLAB_BUILD=${STACKLAB_BUILD:-$(cd "$(dirname "$0")/.." && pwd)/build}
SL="$STACKLAB_BUILD/stacklab"
REPO=$(cd "$(dirname "$0")/.." && pwd)
T=$(mktemp -d "${TMPDIR:-/tmp}/stacklab-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
export HOME="$T/home" STACKLAB_HOME="$T/home/stacklab-work" NO_COLOR=1 STACKLAB_NO_PAGER=1
export XDG_CONFIG_HOME="$T/home/.config"    # `init` records the default workspace there
export STACKLAB_PREBUILD=0     # no background warm-up after init (test 307 covers it)
unset STACKLAB_COURSE
mkdir -p "$HOME"

_n=0
_failed=0
plan() { echo "1..$1"; }
pass() { _n=$((_n + 1)); echo "ok $_n - $1"; }
fail() {
    _n=$((_n + 1)); _failed=$((_failed + 1)); echo "not ok $_n - $1"
    shift
    for l in "$@"; do printf '%s\n' "$l" | sed 's/^/# /'; done
}
# is GOT EXPECTED NAME
is() { if [ "$1" = "$2" ]; then pass "$3"; else fail "$3" "expected: $2" "got:      $1"; fi; }
# like GOT SUBSTRING NAME
like() {
    case "$1" in *"$2"*) pass "$3" ;; *) fail "$3" "expected to contain: $2" "got: $1" ;; esac
}
unlike() {
    case "$1" in *"$2"*) fail "$3" "expected not to contain: $2" "got: $1" ;; *) pass "$3" ;; esac
}
finish() { [ "$_failed" -eq 0 ]; exit $?; }

# make_course DIR: a small valid course (two lessons, two labs) in DIR.
make_course() {
    d=$1
    mkdir -p "$d/lessons" "$d/labs/vial/ref" "$d/labs/vial/01-first" "$d/labs/vial/02-second" \
        "$d/exams"
    printf -- '---\nid: vial\ntitle: Micro track: vial\nshort: vial\norder: 1\nfolder: vial\nlibs: libmicrohttpd\n---\n\nA small track.\n' \
        > "$d/labs/vial/track.md"
    printf -- '---\nid: 01\ntitle: First lesson\nminutes: 5\n---\n# First\n\nHello *world*.\n' \
        > "$d/lessons/01-first.md"
    printf -- '---\nid: 02\ntitle: Second lesson\nminutes: 7\ntrack: vial\n---\n# Second\n\nText.\n' \
        > "$d/lessons/02-second.md"
    printf 'int a(void) { return 1; }\n' > "$d/labs/vial/ref/a.c"
    printf 'int b(void) { return 2; }\n' > "$d/labs/vial/ref/b.c"
    for l in 01-first:01:02:a: 02-second:02:02:b:01; do
        dir=${l%%:*}; rest=${l#*:}; id=${rest%%:*}; rest=${rest#*:}
        lesson=${rest%%:*}; rest=${rest#*:}; file=${rest%%:*}; req=${rest#*:}
        {
            printf -- '---\nid: %s\ntitle: Lab %s\ntrack: vial\nlesson: %s\n' "$id" "$id" "$lesson"
            printf 'requires: %s\nfiles: vial/%s.c\npoints: 10\n---\n' "$req" "$file"
            printf '## Goal\n\nDo it.\n\n## Hints\n\n### Hint 1\n\nOne.\n\n### Hint 2\n\nTwo.\n'
        } > "$d/labs/vial/$dir/lab.md"
        printf 'int main(void) { return 0; }\n' > "$d/labs/vial/$dir/driver.c"
        printf 'int main(void) { return 0; }\n' > "$d/labs/vial/$dir/checker.c"
    done
}
