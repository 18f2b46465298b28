# The host under valgrind: the Go example for two targets exported through
# `local, tarball` (plugins loaded, tarball's worker threads, artifacts.json),
# a bad config, and a failing build. No invalid access and no definite leak
# in mbhost itself (its children, go and the compilers, are not traced).
# Not registered in sanitizer builds: valgrind cannot run ASan binaries.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"
command -v valgrind >/dev/null || fail "valgrind is not installed (scripts/setup.sh --test)"

src=$(copy_fixture hello-go)
cat >"$T/build.ini" <<INI
[project]
name = hello
source = hello-go
output = out
version = 1.0.0

[matrix]
os = linux, windows
arch = amd64

[toolchain]
use = go

[export]
use = local, tarball
INI

# vg EXPECTED_EXIT args...: mbhost under valgrind; 99 means valgrind found
# an error, and its report is printed.
vg() {
  local want=$1 rc=0
  shift
  valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite \
    --error-exitcode=99 --log-file="$T/valgrind.log" \
    "$MBHOST" "$@" >"$T/out.log" 2>&1 || rc=$?
  if [ "$rc" != "$want" ]; then
    cat "$T/out.log" "$T/valgrind.log" >&2
    fail "valgrind mbhost $*: exit $rc, expected $want"
  fi
  # Reports are "==PID==" lines; "--PID--" lines are valgrind's own notes
  # (such as pidfd_open, which it does not know: the scanner falls back).
  if grep -qE '^==[0-9]+==' "$T/valgrind.log"; then
    cat "$T/valgrind.log" >&2
    fail "valgrind reported: mbhost $*"
  fi
}

vg 0 --config "$T/build.ini" -j 2
[ -f "$T/out/linux/amd64/hello" ] || fail "local did not export linux/amd64/hello"
[ -f "$T/out/hello_1.0.0_windows_amd64.tar.gz" ] || fail "no windows archive: $(ls "$T/out")"
[ -f "$T/out/artifacts.json" ] || fail "no artifacts.json"
pass "a build and a local + tarball export: clean under valgrind"

vg 0 --config "$T/build.ini" --dry-run
vg 2 --config "$T/build.ini" --set toolchain.ldflag=-s
vg 2 --config "$T/build.ini" --frobnicate
echo 'package main; func main() { undefined() }' >"$src/main.go"
vg 1 --config "$T/build.ini" --keep-going
pass "dry run, config errors and a failed build: clean under valgrind"
