# C, mode = sources: hello-c-sources builds for linux/amd64, linux/arm64
# and windows/amd64 with Debian's cross compilers; `file` confirms each
# binary's format, linux/amd64 runs natively and linux/arm64 under qemu.
# The fixture's os/name.c and arch/name.c share a file name: both objects
# must survive for the link to succeed. Then linux/arm64 again with clang.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"

src=$(copy_fixture hello-c-sources)
before=$(tree_digest "$src")
cat > "$T/build.ini" <<INI
[project]
name   = hello
source = hello-c-sources
output = out

[matrix]
os      = linux, windows
arch    = amd64, arm64
exclude = windows/arm64

[toolchain]
use          = c
sources      = main.c, */name.c
include_dirs = .
cflags       = -O2 -Wall -Wextra -Werror

[target windows/amd64]
ldflags = -static-libgcc
INI

run_mbhost 0 --config "$T/build.ini"
file -b "$T/out/linux/amd64/hello" | grep -q 'ELF 64-bit.*x86-64' ||
  fail "linux/amd64: $(file -b "$T/out/linux/amd64/hello")"
file -b "$T/out/linux/arm64/hello" | grep -q 'ELF 64-bit.*ARM aarch64' ||
  fail "linux/arm64: $(file -b "$T/out/linux/arm64/hello")"
file -b "$T/out/windows/amd64/hello.exe" | grep -q 'PE32+ executable.*x86-64' ||
  fail "windows/amd64: $(file -b "$T/out/windows/amd64/hello.exe")"
pass "file confirms ELF x86-64, ELF aarch64 and PE32+ x86-64"

[ "$("$T/out/linux/amd64/hello")" = "hello-c linux/amd64" ] ||
  fail "linux/amd64 printed: $("$T/out/linux/amd64/hello")"
got=$(qemu-aarch64-static -L /usr/aarch64-linux-gnu "$T/out/linux/arm64/hello")
[ "$got" = "hello-c linux/arm64" ] || fail "linux/arm64 under qemu printed: $got"
pass "linux/amd64 runs natively and linux/arm64 under qemu, each naming itself"

python3 - "$T/out/artifacts.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
names = sorted((a["target"], a["name"]) for a in report["artifacts"])
assert names == [("linux/amd64", "hello"), ("linux/arm64", "hello"),
                 ("windows/amd64", "hello.exe")], names
PY
pass "artifacts.json lists one binary per target, .exe on windows"

[ "$(tree_digest "$src")" = "$before" ] || fail "the source folder changed"
pass "the source folder is untouched"

# The same target with clang: the plugin adds --target=aarch64-linux-gnu.
cat >> "$T/build.ini" <<INI

[target linux/arm64]
cc = clang
INI
run_mbhost 0 --config "$T/build.ini" --target linux/arm64 --dry-run
expect_output 'step 2 \(parallel\): /usr/bin/clang --target=aarch64-linux-gnu -O2'
run_mbhost 0 --config "$T/build.ini" --target linux/arm64 --output "$T/clang"
got=$(qemu-aarch64-static -L /usr/aarch64-linux-gnu "$T/clang/linux/arm64/hello")
[ "$got" = "hello-c linux/arm64" ] || fail "clang's linux/arm64 printed: $got"
pass "cc = clang cross-compiles with --target"
