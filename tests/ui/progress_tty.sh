# On a pseudo-terminal (script(1)): live lines (counter, target, elapsed,
# step, latest log line) are drawn and redrawn, and the final summary is
# right. CI=true would turn them off, so it is unset here.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"
command -v script >/dev/null || fail "script(1) from bsdutils is needed"

source "$MBHOST_SOURCE_DIR/tests/ui/lib.sh"
slow_make_project

# The Makefile pauses a second after its first line, so frames show it.
tty_run() {
  local rc=0
  env -u CI PAUSE=1 TERM=xterm COLUMNS=100 \
    script -qfec "$MBHOST --config $T/build.ini -j 2 -k $*" "$T/tty.log" >/dev/null </dev/null || rc=$?
  [ "$rc" = 1 ] || { cat -v "$T/tty.log" >&2; fail "exit $rc, expected 1"; }
  TTY=$(tr -d '\r' <"$T/tty.log")
}
expect_tty() {
  grep -qE -- "$1" <<<"$TTY" || { cat -v "$T/tty.log" >&2; fail "the terminal lacks /$1/"; }
}

NO_COLOR=1 tty_run
expect_tty $'\033\\[[0-9]+A'                            # moves up to redraw
expect_tty '\[0/2\] building, 2 running, [0-9.]+s'    # the counter
expect_tty '^  linux/amd64 +[0-9.]+s  step 2/2  compiling hello for the progress test'
expect_tty '^  linux/arm64 +[0-9.]+s  step 2/2  compiling hello for the progress test'
expect_tty 'mbhost: \[1/2\] linux/amd64 ok in [0-9.]+s|mbhost: error: \[1/2\] linux/arm64 failed'
grep -q $'\033\\[[0-9;]*m' <<<"$TTY" && fail "colors despite NO_COLOR"
pass "live lines: counter, elapsed time, step and latest log line per target"

expect_tty '^linux/amd64 +ok +[0-9.]+s  miss   hello [0-9.]+ (B|KiB)$'
expect_tty '^linux/arm64 +failed +[0-9.]+s  miss   -$'
expect_tty '^log of linux/arm64: .*/logs/linux-arm64.log$'
expect_tty '^  \| deliberate failure: FAIL=1$'
# After the summary no live line is left on the screen.
tail -n 12 <<<"$TTY" | grep -q 'running' && fail "a live line survived the end"
pass "the summary: status, time, outputs with sizes, the failed log and its tail"

tty_run --color=auto
expect_tty $'\033\\[32mok'
expect_tty $'\033\\[31mfailed'
tty_run --color=never
grep -q $'\033\\[[0-9;]*m' <<<"$TTY" && fail "colors with --color=never"
pass "colors on a terminal; --color=never turns them off"
