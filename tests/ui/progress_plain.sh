# Not a terminal (a pipe, CI=true): one plain line per event and no escape
# codes (golden), then the summary table and the failed log's tail. -v
# streams every output line with an [os/arch] prefix; -q keeps the errors.
# A failed C build shows its first error line above the tail.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"
source "$MBHOST_SOURCE_DIR/tests/ui/lib.sh"

slow_make_project
export CI=true PAUSE=0

rc=0
"$MBHOST" --config "$T/build.ini" -j 1 --keep-going >"$T/stdout" 2>"$T/stderr" || rc=$?
[ "$rc" = 1 ] || { cat "$T/stderr" >&2; fail "exit $rc, expected 1 (a target fails on purpose)"; }
grep -q $'\033' "$T/stderr" && fail "escape codes in plain output"
normalize <"$T/stderr" >"$T/progress-plain.txt"
check_golden progress-plain.txt "$T/progress-plain.txt"
[ ! -s "$T/stdout" ] || fail "progress went to stdout"
pass "plain progress, summary and failed log tail match golden/progress-plain.txt"

OUT=$(NO_COLOR= "$MBHOST" --config "$T/build.ini" -j 1 -k --color=always 2>&1) || true
grep -q $'\033\\[32mok' <<<"$OUT" || fail "--color=always printed no green ok"
grep -q $'\033\\[[0-9]*A' <<<"$OUT" && fail "cursor movement without a terminal"
OUT=$(NO_COLOR=1 "$MBHOST" --config "$T/build.ini" -j 1 -k 2>&1) || true
grep -q $'\033' <<<"$OUT" && fail "escape codes with NO_COLOR"
pass "--color=always colors plain lines; NO_COLOR and pipes get none"

# --no-cache: linux/amd64 is in the cache by now, and -v is about its output.
run_mbhost 1 --config "$T/build.ini" -j 1 -k -v --no-cache
expect_output '^\[linux/amd64\] compiling hello for the progress test$'
expect_output '^\[linux/arm64\] deliberate failure: FAIL=1$'
pass "-v streams every line with an [os/arch] prefix"

run_mbhost 1 --config "$T/build.ini" -j 1 -k -q
grep -qE '^mbhost: \[|^target ' <<<"$OUT" && { echo "$OUT" >&2; fail "-q printed more than errors"; }
expect_output 'error: \[2/2\] linux/arm64 failed after'
expect_output '^log of linux/arm64: '
expect_output '^  \| deliberate failure: FAIL=1$'
run_mbhost 0 --config "$T/build.ini" -q -t linux/amd64
[ -z "$OUT" ] || fail "-q printed something for a good build: $OUT"
pass "-q prints only errors"

# A failed C build: the summary shows the compiler's first error (the
# cause) above the last ten lines (here only later warnings), once.
cp -r "$FIXTURES/failing-c" "$T/failing-c"
cat >"$T/failing.ini" <<INI
[project]
name   = failing
source = failing-c
output = failing-out

[matrix]
os   = linux
arch = amd64

[toolchain]
use     = c
sources = main.c
INI
run_mbhost 1 --config "$T/failing.ini"
expect_output "^  \| main\.c:3:[0-9]+: error: .undeclared_on_purpose. undeclared"
expect_output "^  \| \.\.\.$"
expect_output "^  \| main\.c:12:2: warning: #warning noise 8"
[ "$(grep -c 'undeclared_on_purpose' <<<"$OUT")" = 1 ] || { echo "$OUT" >&2; fail "the first error is missing or shown twice"; }
pass "a failed C build: the first error line above the log's last lines"
