#!/bin/sh
# 209-terminal-escapes.t -- learner-produced text never reaches the terminal raw. A
# workspace whose public test and lab code print a window title (ESC ] 0; ... BEL), the
# alternate screen (ESC [?1049h), a CR that would overwrite a line with a fake "ok", a
# C1 control (U+009B, CSI in UTF-8) and an invalid byte, to stdout and stderr, and whose
# sources carry the same in a #warning (echoed by the compiler) and in a file name.
# `stacklab test`, `stacklab check` and `stacklab check --format=tap` must print none of those
# bytes (NO_COLOR, or only our own SGR codes under STACKLAB_FORCE_COLOR) and must show
# them escaped as `cat -v` would (ESC as ^[, BEL as ^G, CR as ^M, bad bytes as \xNN).
. "$(dirname "$0")/lib-grader.sh"
grader_setup
grader_ws || { echo "Bail out! stacklab init failed"; exit 1; }

# noise: C statements printing every sequence to the stream named by $1.
noise() {
    printf '    fputs("\\033]0;pwned\\007\\033[?1049h", %s);\n' "$1"
    printf '    fputs("\\r  ok 1 - fake PASS \\302\\233 \\377\\n", %s);\n' "$1"
}
{
    printf '#include <stdio.h>\n#include "tap.h"\n'
    printf '#warning "\033]0;warned\007 \302\233 \377"\n'
    printf 'int main(void)\n{\n'
    noise stdout
    noise stderr
    printf '    fflush(stdout);\n    ok(0, "noisy");\n    return done_testing();\n}\n'
} > tests/01-z-noise.c
{
    printf '#include <stdio.h>\n'
    printf '#warning "\033]0;warned\007 \302\233 \377"\n'
    printf '__attribute__((constructor)) static void zz_noise(void)\n{\n'
    noise stderr
    printf '}\n'
} > "vial/zz_noise$(printf '\033[2J').c"

# raw FILE: 0 when FILE holds none of ESC, BEL, CR, a UTF-8 C1 control or a byte that
# is not UTF-8, once our own SGR codes (ESC [ digits m) are taken out.
raw() {
    perl -0777 -ne 's/\e\[[0-9;]*m//g; exit(/[\x1b\x07\x0d]|\xc2[\x80-\x9f]|\xff/ ? 0 : 1)' "$1"
}

# both CMD...: runs CMD plain (NO_COLOR) and coloured; $T/plain.out, $T/color.out.
both() {
    "$SL" "$@" > "$T/plain.out" 2>&1
    env -u NO_COLOR STACKLAB_FORCE_COLOR=1 "$SL" "$@" > "$T/color.out" 2>&1
}

both test 01
t_ok $(grep -q "noisy" "$T/plain.out"; echo $?) "test: the noisy public test ran"
t_ok $(raw "$T/plain.out" && echo 1 || echo 0) "test: no raw control byte in plain output"
raw "$T/plain.out" && t_diag "$T/plain.out"
t_ok $(raw "$T/color.out" && echo 1 || echo 0) "test: none in coloured output but our SGR"
t_ok $(grep -q "$(printf '\033')\[1m" "$T/color.out"; echo $?) "test: our colour still works"
t_ok $(grep -qF '^[]0;pwned^G^[[?1049h' "$T/plain.out"; echo $?) \
    "test: the program's output is shown escaped (^[ ^G)"
t_ok $(grep -qF '^M  ok 1 - fake PASS \xC2\x9B \xFF' "$T/plain.out"; echo $?) \
    "test: CR as ^M, C1 and bad bytes as \\xNN"
t_ok $(grep -qF '^[]0;warned^G' "$T/plain.out"; echo $?) \
    "test: compiler messages are shown escaped"

both check 01
t_ok $(grep -q "FAIL\|CRASH\|COMPILE" "$T/plain.out"; echo $?) "check: the starter is graded"
t_ok $(raw "$T/plain.out" && echo 1 || echo 0) "check: no raw control byte in plain output"
raw "$T/plain.out" && t_diag "$T/plain.out"
t_ok $(raw "$T/color.out" && echo 1 || echo 0) "check: none in coloured output but our SGR"
t_ok $(grep -qF '^[]0;pwned^G^[[?1049h' "$T/plain.out"; echo $?) \
    "check: the subject's stderr is shown escaped"
t_ok $(grep -qF '^[[2J' "$T/plain.out"; echo $?) "check: a file name is shown escaped"

"$SL" check 01 --format=tap > "$T/tap.out" 2>&1
t_ok $(grep -q "^not ok" "$T/tap.out"; echo $?) "check --format=tap: the starter fails"
t_ok $(raw "$T/tap.out" && echo 1 || echo 0) "check --format=tap: no raw control byte"
raw "$T/tap.out" && t_diag "$T/tap.out"

# Code that does not compile: the compiler's messages are the whole report.
printf '#error "\033]0;broken\007 \302\233 \377"\n' >> vial/zz_noise*.c
both check 01
t_ok $(grep -q "COMPILE" "$T/plain.out"; echo $?) "check: a compile error is reported"
t_ok $(raw "$T/plain.out" && echo 1 || echo 0) "check: no raw control byte in compile errors"
t_ok $(grep -qF '^[]0;broken^G \xC2\x9B \xFF' "$T/plain.out"; echo $?) \
    "check: the compile error is shown escaped"
"$SL" check 01 --format=tap > "$T/tap.out" 2>&1
t_ok $(grep -q "compiler:" "$T/tap.out" && ! raw "$T/tap.out"; echo $?) \
    "check --format=tap: no raw control byte in the compiler's messages"
raw "$T/tap.out" && t_diag "$T/tap.out"
t_done
