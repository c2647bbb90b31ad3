# lib-grader.sh -- shared steps of the 2xx tests: a private temp home, cache and
# workspace, starter(N)/reference workspaces, `stacklab check` runs and TAP output.
# Sourced by tests/2NN-*.t; never run by prove itself (no .t suffix).

G_NUM=0
G_FAILS=0
# t_ok STATUS DESCRIPTION: one TAP test; STATUS 0 is a pass.
t_ok() {
    G_NUM=$((G_NUM + 1))
    if [ "$1" -eq 0 ]; then
        echo "ok $G_NUM - $2"
    else
        echo "not ok $G_NUM - $2"
        G_FAILS=$((G_FAILS + 1))
    fi
}
# t_todo STATUS DESCRIPTION REASON: a test expected to fail for now (TAP TODO).
t_todo() {
    G_NUM=$((G_NUM + 1))
    if [ "$1" -eq 0 ]; then
        echo "ok $G_NUM - $2 # TODO $3"
    else
        echo "not ok $G_NUM - $2 # TODO $3"
    fi
}
# t_diag FILE [LINES]: the file as TAP comments (for failures), on stderr, so prove shows
# them without -v (a failure in CI's log then says why).
t_diag() { sed 's/^/# /' "$1" | head -n "${2:-60}" >&2; }
t_done() { echo "1..$G_NUM"; [ "$G_FAILS" -eq 0 ]; }

# grader_setup: the temp folder $T with home, cache and the environment the program
# reads; removed at exit.
grader_setup() {
    : "${STACKLAB_BUILD:?STACKLAB_BUILD must name the build folder}"
    G_SRC=$(cd "$(dirname "$0")/.." && pwd)
    T=$(mktemp -d "${TMPDIR:-/tmp}/stacklab-2xx.XXXXXX") || exit 1
    chmod 755 "$T"
    trap 'rm -rf "$T"' EXIT
    trap 'exit 1' INT TERM
    mkdir -p "$T/home" "$T/cache"
    chmod 755 "$T/home" "$T/cache"
    export HOME="$T/home" XDG_CACHE_HOME="$T/cache" STACKLAB_HOME="$T/ws"
    # make test names one folder for the checkers' shared objects (the references and the
    # kit, compiled once per content: runner/checker.c) so the test files of a run build
    # them once; keyed by content, sharing them changes no result.
    if [ -n "${STACKLAB_TEST_OBJS:-}" ] && mkdir -p "$STACKLAB_TEST_OBJS" "$T/cache/stacklab"
    then
        ln -s "$STACKLAB_TEST_OBJS" "$T/cache/stacklab/checker-objs"
    fi
    export XDG_CONFIG_HOME="$T/home/.config"
    export STACKLAB_SEED="${STACKLAB_SEED:-20240611}" NO_COLOR=1
    # No background warm-up after init or a pass (test 307 covers it): it would outlive
    # the test and race the removal of $T.
    export STACKLAB_PREBUILD="${STACKLAB_PREBUILD:-0}"
    export STACKLAB_COURSE="${STACKLAB_COURSE:-$G_SRC}"
    SL="$STACKLAB_BUILD/stacklab"
    # starter-tool only prepares fixtures (starter(N) of the course's files); make test's
    # sanitized pass names the plain build for it, STACKLAB_FIXTURE_BUILD: under ASan each
    # call took 0.33 s against 0.02 s (17 s against 1 s for one grader_put of 51 files),
    # for code (runner/starter.c) that pass still runs under the sanitizers in stacklab
    # init and update and in 201 (tests/unit/starter-markers.c).
    TOOL="${STACKLAB_FIXTURE_BUILD:-$STACKLAB_BUILD}/tests/starter-tool"
}

# grader_course_copy: a private copy of the course in $T/course (for edits such as a
# shorter time limit), made the one the program uses.
grader_course_copy() {
    mkdir -p "$T/course"
    for d in lessons labs exams; do
        [ -d "$STACKLAB_COURSE/$d" ] && cp -R "$STACKLAB_COURSE/$d" "$T/course/"
    done
    export STACKLAB_COURSE="$T/course"
}

# grader_labs: ids of the labs that are complete (lab.md, driver.c and checker.c).
grader_labs() {
    for d in "$STACKLAB_COURSE"/labs/*/[0-9][0-9]-*/; do
        [ -f "$d/lab.md" ] && [ -f "$d/driver.c" ] && [ -f "$d/checker.c" ] \
            && basename "$d" | cut -c1-2
    done | sort
}

# grader_lab_dir ID: the folder of lab ID (labs/TRACK/ID-slug).
grader_lab_dir() {
    for d in "$STACKLAB_COURSE"/labs/*/"$1"-*/; do [ -d "$d" ] && echo "${d%/}" && return; done
}

# grader_folders: "NAME SRC" for each learner's folder of the course: each track's ref/
# under the track's folder name, then each other folder beside its labs.
grader_folders() {
    for _gmd in "$STACKLAB_COURSE"/labs/*/track.md; do
        _gt=$(dirname "$_gmd")
        echo "$(sed -n 's/^folder: *//p' "$_gmd" | head -n 1) $_gt/ref"
        for _gd in "$_gt"/*/; do
            _gn=$(basename "$_gd")
            case "$_gn" in ref|[0-9][0-9]-*) ;; *) echo "$_gn ${_gd%/}" ;; esac
        done
    done
}

# grader_ref FILE: the course's reference of a learner file ("vial/router.c").
grader_ref() {
    grader_folders | while read -r _gname _gsrc; do
        [ "$_gname" = "${1%%/*}" ] && echo "$_gsrc/${1#*/}" && break
    done
}

# grader_ws: a fresh workspace in $T/ws (starter(1)); cd into it.
grader_ws() {
    rm -rf "$T/ws"
    "$SL" init "$T/ws" > "$T/init.out" 2>&1 || { t_diag "$T/init.out"; return 1; }
    cd "$T/ws" || return 1
}

# grader_objects shared NAME | private: where the workspace's cache of learner objects is:
# the run's folder NAME beside the checkers' shared objects (when make test names one), so
# a later test file of the run (the sanitized pass's) finds what an earlier one compiled,
# or a folder of this test's own. Keyed by compiler, flags and the bytes of the source and
# of every header (runner/grader-build.c), a shared object changes no result; one missing
# or pruned is compiled as before.
grader_objects() {
    _gobj="$T/ws/.stacklab/cache/objects"
    mkdir -p "$T/ws/.stacklab/cache" "$T/objects" || return 1
    rm -rf "$_gobj"
    if [ "$1" = shared ] && [ -n "${STACKLAB_TEST_OBJS:-}" ] \
        && mkdir -p "$STACKLAB_TEST_OBJS/$2"; then
        ln -s "$STACKLAB_TEST_OBJS/$2" "$_gobj"
    else
        ln -s "$T/objects" "$_gobj"
    fi
}

# grader_put N: the workspace's framework files become starter(N) (0: the reference).
grader_put() {
    grader_folders > "$T/folders"
    while read -r _gname _gsrc; do
        mkdir -p "$T/ws/$_gname"
        for _gf in "$_gsrc"/*.c "$_gsrc"/*.h; do
            [ -f "$_gf" ] || continue
            "$TOOL" "$1" "$_gf" > "$T/ws/$_gname/$(basename "$_gf")" || return 1
        done
    done < "$T/folders"
}

# grader_unlock_all: records a pass of every lab in the workspace's store, so any lab can
# be checked (a real failure recorded later does not take it away: the best attempt counts).
grader_unlock_all() {
    _gnow=$(date +%s)
    for _gd in "$STACKLAB_COURSE"/labs/*/[0-9][0-9]-*/; do
        echo "INSERT INTO attempts(lab, at, passed, failed, total, verdict) VALUES('$(basename "$_gd" | cut -c1-2)', $_gnow, 1, 0, 1, 'pass');"
    done | sqlite3 "$T/ws/.stacklab/progress.db"
}

# grader_check ARGS...: runs stacklab check in the workspace; output in $T/out, exit
# code in $RC.
grader_check() {
    (cd "$T/ws" && "$SL" check "$@") > "$T/out" 2>&1
    RC=$?
}

# grader_check_recorded ARGS...: grader_check with a seed the runner picks (a chosen seed
# records nothing, so a pass that must unlock or be stored is checked this way).
grader_check_recorded() {
    (cd "$T/ws" && env -u STACKLAB_SEED "$SL" check "$@") > "$T/out" 2>&1
    RC=$?
}

# grader_counts LAB: "OK NOTOK" test lines of that lab's section of $T/out.
grader_counts() {
    awk -v lab="$1" '
        /^lab [0-9][0-9]: / { cur = substr($2, 1, 2) }
        cur == lab && /^  ok /     { ok++ }
        cur == lab && /^  not ok / { bad++ }
        END { printf "%d %d\n", ok, bad }' "$T/out"
}
