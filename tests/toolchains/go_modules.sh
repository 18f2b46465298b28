# Go modules from the Go module proxy (pinned and vendored by
# scripts/setup.d/go-modules.sh), as a new user meets them: `mbhost init`
# then a build, offline. gojq keeps its binary in cmd/gojq under a library
# root: init proposes that package, and the binary runs on linux/amd64 and,
# under qemu, linux/arm64. mvdan.cc/sh has two main packages: init proposes
# both with `packages`, and both are built. Then how `packages`, `package`
# and `binary` go together.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"

cache="${MBHOST_TEST_CACHE:-$HOME/.cache/mbhost-tests}"
if [ ! -f "$cache/go-gojq-v0.12.17/.complete" ] || [ ! -f "$cache/go-sh-v3.12.0/.complete" ]; then
  bash "$MBHOST_SOURCE_DIR/scripts/setup.d/go-modules.sh" ||
    fail "no Go modules in $cache: run scripts/setup.sh --test"
fi
# Offline: every dependency comes from vendor/.
export GOPROXY=off GOFLAGS=-mod=vendor

cp -r "$cache/go-gojq-v0.12.17" "$T/gojq"
cd "$T/gojq"
run_mbhost 0 init
grep -qx 'package = ./cmd/gojq' build.ini || { cat build.ini >&2; fail "init did not propose ./cmd/gojq"; }
grep -q '^binary' build.ini && fail "init named the binary although it is the project's name"
pass "init proposes cmd/gojq, not the library at the root"

run_mbhost 0 --config build.ini -t linux/amd64 -t linux/arm64
file -b dist/linux/amd64/gojq | grep -q 'ELF 64-bit LSB.*executable, x86-64' ||
  fail "linux/amd64: $(file -b dist/linux/amd64/gojq)"
file -b dist/linux/arm64/gojq | grep -q 'ELF 64-bit LSB.*executable, ARM aarch64' ||
  fail "linux/arm64: $(file -b dist/linux/arm64/gojq)"
[ "$(echo '{"a":[1,2,3]}' | dist/linux/amd64/gojq -c '.a | map(. * 2)')" = "[2,4,6]" ] ||
  fail "linux/amd64 gojq does not run"
[ "$(echo '{"a":[1,2,3]}' | qemu-aarch64-static dist/linux/arm64/gojq '.a | add')" = "6" ] ||
  fail "linux/arm64 gojq does not run under qemu"
pass "init -> build: gojq runs on linux/amd64 and linux/arm64 (qemu)"

cp -r "$cache/go-sh-v3.12.0" "$T/sh"
cd "$T/sh"
run_mbhost 0 init
grep -qx 'packages = ./cmd/gosh, ./cmd/shfmt' build.ini ||
  { cat build.ini >&2; fail "init did not propose both main packages"; }
pass "init proposes both main packages of mvdan.cc/sh"

run_mbhost 0 --config build.ini -t linux/amd64 -t windows/amd64
[ "$(printf 'if true;then echo hi;fi\n' | dist/linux/amd64/shfmt)" = "$(printf 'if true; then echo hi; fi')" ] ||
  fail "shfmt does not run"
[ "$(dist/linux/amd64/gosh -c 'echo $((6 * 7))')" = 42 ] || fail "gosh does not run"
for exe in gosh shfmt; do
  file -b "dist/windows/amd64/$exe.exe" | grep -q 'PE32+ executable.*x86-64' ||
    fail "windows/amd64 $exe.exe: $(file -b "dist/windows/amd64/$exe.exe")"
done
python3 - dist/artifacts.json <<'PY'
import json, sys
names = sorted((a["target"], a["name"]) for a in json.load(open(sys.argv[1]))["artifacts"])
assert names == [("linux/amd64", "gosh"), ("linux/amd64", "shfmt"),
                 ("windows/amd64", "gosh.exe"), ("windows/amd64", "shfmt.exe")], names
PY
pass "packages: both binaries are built, run and declared (.exe on windows)"

# How the keys go together: each mistake is a config error at its line.
check_error() { # ERE, then the lines of [toolchain] after `use = go`
  local want=$1; shift
  printf '%s\n' '[project]' 'name = sh' 'source = .' 'output = dist' \
    '[matrix]' 'os = linux' 'arch = amd64' '[toolchain]' 'use = go' "$@" > bad.ini
  run_mbhost 2 validate --config bad.ini
  expect_output "$want"
}
check_error 'bad.ini:[0-9]+: packages: set `package` \(one binary\) or `packages` \(several\), not both' \
  'package = ./cmd/gosh' 'packages = ./cmd/gosh, ./cmd/shfmt'
check_error 'bad.ini:[0-9]+: binary: `binary` names the output of `package`' \
  'binary = tool' 'packages = ./cmd/gosh, ./cmd/shfmt'
check_error 'bad.ini:[0-9]+: packages: `./cmd/...` is not one package' 'packages = ./cmd/...'
check_error 'bad.ini:[0-9]+: packages: `./cmd/gosh` and `./other/gosh` would both be written as `gosh`' \
  'packages = ./cmd/gosh, ./other/gosh'
check_error 'bad.ini:[0-9]+: packages: `./cmd/nope` is a local package but there is no folder' \
  'packages = ./cmd/gosh, ./cmd/nope'
pass "package with packages, binary with packages, patterns, clashing names and missing folders are config errors"
