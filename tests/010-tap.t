#!/bin/sh
# 010-tap.t -- the TAP writer (labs/kit/tap.c) through tests/unit/tap-demo.c: golden output,
# prove accepting it (YAML read back exactly), crashes and time-outs of isolated cases,
# TAP_FD, TAP_SEED, bail out (also from a child), skip-all, plan mismatch, a child
# that fills the progress pipe, nested isolation.
. "$(dirname "$0")/lib-tap.sh"
tap_begin
demo=$B/tests/tap-demo
T=$tap_tmp
cd "$T" || exit 1

# prove_demo SCENARIO: runs the demo under prove, output in $T/prove.SCENARIO
prove_demo() {
    printf '#!/bin/sh\nexec "%s" %s\n' "$demo" "$1" > "$T/$1.t"
    chmod +x "$T/$1.t"
    prove "$1.t" > "$T/prove.$1" 2>&1
}

TAP_SEED=4242 "$demo" all > all.out 2> all.err
tap_check "golden output (tests/fixtures/tap/tap-demo.tap)" \
    cmp -s all.out "$TESTS_DIR/fixtures/tap/tap-demo.tap"
cmp -s all.out "$TESTS_DIR/fixtures/tap/tap-demo.tap" ||
    diff "$TESTS_DIR/fixtures/tap/tap-demo.tap" all.out | head -30 | sed 's/^/# /'
tap_check "first line is the version line" test "$(head -n 1 all.out)" = "TAP version 13"
tap_check "crash reported with its signal" grep -q '^not ok 21 - crashing case (killed by SIGSEGV)$' all.out
tap_check "the test after the crash still ran" grep -q '^ok 22 - after the crash$' all.out
tap_check "time-out reported" grep -q '^not ok 23 - looping case (timed out after 0.3 s)$' all.out
tap_check "abort reported as SIGABRT" grep -q '^not ok 29 - aborting case (killed by SIGABRT)$' all.out
numbers_ok() { # test numbers run 1..N in order, N = the plan
    awk '/^(not )?ok /{ n++; num = ($1 == "not") ? $3 : $2; if (num != n) bad = 1 }
         /^1\.\./{ split($1, a, /\.\./); plan = a[2] }
         END { exit !(n > 0 && !bad && plan == n) }' "$1"
}
tap_check "numbers consecutive across children, plan matches" numbers_ok all.out
blocks=$(grep -c '^  ---$' all.out); seeds=$(grep -c '^  seed: 4242$' all.out)
tap_check "TAP_SEED in every failure block ($seeds of $blocks)" test "$blocks" -eq "$seeds" -a "$blocks" -gt 10

prove_demo all
tap_check "prove reads the output without parse errors" sh -c "! grep -q 'Parse errors' '$T/prove.all'"
tap_check "prove sees exactly the failures" \
    grep -q 'Failed tests:  2, 4, 6-9, 11, 13-15, 21, 23, 25, 28-29$' "$T/prove.all"
tap_check "prove sees the passing TODO" grep -q 'TODO passed:   19$' "$T/prove.all"
prove_demo pass
tap_check "a clean run passes under prove" grep -q '^Result: PASS' "$T/prove.pass"
prove_demo skip-all
tap_check "skip-all is a skip under prove" grep -q 'skipped: nothing to test here' "$T/prove.skip-all"

# prove's YAML reader gives back exactly what was written (YAML reads the escape \xFF as
# the character U+00FF, shown here UTF-8 encoded; tapread reads it as the byte).
perl -MTAP::Parser -e '
    my $p = TAP::Parser->new({ exec => [ $ARGV[0], "all" ] });
    while (my $r = $p->next) {
        next unless $r->is_yaml;
        my $d = $r->data;
        for my $k (qw(got expected transcript)) {
            next unless exists $d->{$k};
            my $v = defined $d->{$k} ? $d->{$k} : "(undef)";
            utf8::encode($v) if utf8::is_utf8($v);
            $v =~ s/([^\x20-\x7e])/sprintf("\\x%02X", ord $1)/ge;
            print "$k=$v\n";
        }
    }' "$demo" > yaml.out 2> /dev/null
cat > yaml.want <<'WANT'
got=10
expected=12
got=line one\x0Aline two\x0A
expected=line one\x0Aline 2\x0A
got=no newline\x0Aat end
expected=tab\x09and "quotes" \ done
got=(undef)
expected=x
got=caf\xC3\xA9 \x1B[31m
expected=caf\xC3\xA9
got=GET\x00\xC3\xBF\x0D\x0A
expected=GET \xC3\xBF\x0D\x0A
got=HTTP/1.1 404 Not Found
expected=200
got=500
expected=200
transcript=> GET / HTTP/1.1\x0A> Host: x\x0A< HTTP/1.1 500 Oops\x0A
got=4
expected=5
WANT
tap_check "prove's YAML reader gets every value back exactly" cmp -s yaml.want yaml.out
cmp -s yaml.want yaml.out || diff yaml.want yaml.out | head -20 | sed 's/^/# /'

TAP_FD=3 "$demo" pass > fd.stdout 3> fd.tap
tap_check "TAP_FD: nothing on stdout" test ! -s fd.stdout
tap_check "TAP_FD: the TAP went to descriptor 3" grep -q '^ok 4 - nothing failed$' fd.tap

"$demo" bail > bail.out; rc=$?
tap_check "BAIL_OUT exits 255" test "$rc" -eq 255
tap_check "BAIL_OUT prints the reason last" test "$(tail -n 1 bail.out)" = "Bail out! stop here"
: > marker
TAP_DEMO_MARKER=$T/marker "$demo" bail-child > bailc.out; rc=$?
tap_check "a bail out in a grandchild stops every level" test "$rc" -eq 255 -a \
    "$(grep -c '^Bail out!' bailc.out)" -eq 1 -a "$(tail -n 1 bailc.out)" = "Bail out! the child gave up"
tap_check "tests up to the bail out are numbered on" test "$(grep -c '^ok [123] - ' bailc.out)" -eq 3
tap_check "the atexit cleanup ran once (in the parent only)" test "$(wc -l < marker)" -eq 1
"$demo" skip-all > skip.out; rc=$?
tap_check "skip-all prints 1..0 # SKIP and exits 0" test "$rc" -eq 0 -a \
    "$(tail -n 1 skip.out)" = "1..0 # SKIP nothing to test here"
"$demo" plan-short > short.out; rc=$?
tap_check "a short run against its plan exits non-zero and says so" test "$rc" -ne 0 -a \
    "$(tail -n 1 short.out)" = "# planned 3 tests but ran 1"

"$demo" many > many.out 2> many.err
tap_check "5000 tests in one child, 20 small children, nested isolation" numbers_ok many.out
tap_check "nested crash reported inside its parent case" grep -q ' - inner crash (killed by SIGSEGV)$' many.out
tap_check "the run goes on after everything" grep -q '^ok 5045 - last$' many.out
TAP_SEED=7 "$demo" seed > seed.out
tap_check "tap_set_seed wins over TAP_SEED, tap_attach lasts one test" test \
    "$(grep -E '^  (seed|note):' seed.out | tr '\n' '|')" = \
    '  seed: 0x2a|  note: "only on the first failure"|  seed: 7|'
"$demo" null > null.out 2> null.err
if grep -q 'runtime error: store to null pointer' null.err; then   # built with UBSan
    want='^not ok 1 - null store (stopped by a sanitizer report (see stderr))$'
else
    want='^not ok 1 - null store (killed by SIGSEGV)$'
fi
tap_check "a null store is reported (signal, or sanitizer when built with one)" grep -q "$want" null.out
tap_end
