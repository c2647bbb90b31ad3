#!/bin/sh
# The hidden tests catch the memory errors the lessons teach (issue 12, part 4): inputs
# reach the learner's functions as exact-size heap copies, and every run of lab 01 has the
# edge inputs of vial_percent_decode (a '%' and a '%X' at the very end). A decoder that
# reads one byte past its length there is a memory error whatever the seed.
. "$(dirname "$0")/lib-grader.sh"
grader_setup
unset STACKLAB_SEED     # any seed the runner picks must find it
grader_ws || { echo "Bail out! stacklab init failed"; exit 1; }
grader_put 2
grader_check 01
t_ok $([ "$RC" -eq 0 ]; echo $?) "the reference passes lab 01 (exit $RC)"
# The reference tests i + 2 < len before reading two digits; this one tests i + 1 < len
# and so reads s[len] on a trailing "%X".
perl -pi -e 's/int hi = i \+ 2 < len \?/int hi = i + 1 < len ?/' "$T/ws/vial/request_parse.c"
grep -q "int hi = i + 1 < len" "$T/ws/vial/request_parse.c"
t_ok $? "the overreading decoder is in place"
for run in 1 2 3; do
    grader_check 01
    seed=$(sed -n 's/^[A-Z]* lab 01: .*(seed \([0-9]*\))$/\1/p' "$T/out")
    t_ok $([ "$RC" -eq 1 ] && grep -q "^MEMERR lab 01" "$T/out" \
        && grep -q "heap-buffer-overflow in vial_percent_decode() at vial/request_parse.c" "$T/out"; echo $?) \
        "run $run (seed $seed): a read past len on a trailing %X is a memory error at the learner's line"
done
[ "$G_FAILS" -gt 0 ] && t_diag "$T/out" 30
t_done
