# A real third-party Go module with no dependencies (golang.org/x/example/hello
# at a pinned version, fetched through the Go module proxy), configured with
# only [project], [matrix] and [toolchain] use = go.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"

module=golang.org/x/example/hello@v0.0.0-20250915201037-7f05d217867b
dir=$(GOFLAGS=-mod=mod go mod download -json "$module" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])') ||
  fail "cannot fetch $module from the Go module proxy"
cp -r "$dir" "$T/hello" && chmod -R u+w "$T/hello"

cat > "$T/build.ini" <<INI
[project]
name = hello
source = hello

[matrix]
os = linux, darwin, windows
arch = amd64, arm64

[toolchain]
use = go
INI
run_mbhost 0 --config "$T/build.ini"
for t in linux/amd64 linux/arm64 darwin/amd64 darwin/arm64; do
  [ -s "$T/dist/$t/hello" ] || fail "missing $t"
done
[ -s "$T/dist/windows/amd64/hello.exe" ] && [ -s "$T/dist/windows/arm64/hello.exe" ] || fail "missing windows"
[ "$("$T/dist/linux/amd64/hello")" = "Hello, world!" ] || fail "linux/amd64 output: $("$T/dist/linux/amd64/hello")"
[ "$(qemu-aarch64-static "$T/dist/linux/arm64/hello" -r)" = "olleH, dlrow!" ] || fail "linux/arm64 output"
pass "third-party module builds for six targets and its linux binaries run"
