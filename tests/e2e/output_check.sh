# Outputs checked against their target (host/binfmt.c), and the Go
# toolchain's refusal of a package that is not `main`:
# - a Go module whose root package is a library: refused before anything
#   builds (exit 2, build.ini:line, the hint), nothing exported; named by
#   import path (which validate does not read), it builds an ar archive,
#   which the output check refuses (exit 1), nothing exported;
# - a build that makes an x86-64 program for linux/arm64, or a text file as
#   the binary, fails that target with what the file is (exit 1); with
#   --keep-going the good target is exported and artifacts.json says why.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"

# --- a Go library at the module root ---------------------------------------
mkdir -p "$T/lib/cmd/hello"
cat >"$T/lib/go.mod" <<'MOD'
module example.com/mylib

go 1.21
MOD
cat >"$T/lib/lib.go" <<'GO'
// Package mylib is a library; cmd/hello is its program.
package mylib

func Greeting() string { return "hello from mylib" }
GO
cat >"$T/lib/gen.go" <<'GO'
//go:build ignore

// A generator run by `go run gen.go`: not part of the package.
package main

func main() {}
GO
cat >"$T/lib/lib_test.go" <<'GO'
package mylib_test
GO
cat >"$T/lib/cmd/hello/main.go" <<'GO'
package main

import (
	"fmt"

	"example.com/mylib"
)

func main() { fmt.Println(mylib.Greeting()) }
GO
cat >"$T/lib.ini" <<'INI'
[project]
name = hello
source = lib
output = lib-out

[matrix]
os = linux
arch = amd64

[toolchain]
use = go
package = .
INI
line=$(grep -n '^package = ' "$T/lib.ini" | cut -d: -f1)
run_mbhost 2 --config "$T/lib.ini"
expect_output "lib.ini:$line: .*package \`\.\` is \`mylib\`, not a main package: set \`package = \./cmd/NAME\`"
[ ! -e "$T/lib-out" ] || fail "a refused config created the output folder"
[ ! -d "$T/cache/mbhost/projects" ] || [ -z "$(find "$T/cache/mbhost/projects" -name '*.log')" ] ||
  fail "a refused config built something"
run_mbhost 2 validate --config "$T/lib.ini"
expect_output "not a main package"
pass "a library package is refused before anything builds, with the hint"

run_mbhost 0 --config "$T/lib.ini" --set toolchain.package=./cmd/hello
[ "$("$T/lib-out/linux/amd64/hello")" = "hello from mylib" ] || fail "the hinted package does not build the program"
pass "package = ./cmd/hello, as the hint says, builds the program"

rm -rf "$T/lib-out"
run_mbhost 1 --config "$T/lib.ini" --set toolchain.package=example.com/mylib
expect_output "linux/amd64.*hello is an ar archive \(a static library: with Go, is the package a main package\?\); linux/amd64 needs an x86-64 ELF executable"
expect_output "nothing was exported"
[ ! -e "$T/lib-out" ] || fail "an archive built as the binary was exported"
pass "a library named by import path builds an archive, which the output check refuses"

# --- a program for the wrong machine, and text as a binary ------------------
mkdir -p "$T/wrong"
# The build ignores $(CC): every target gets a program for this machine.
cat >"$T/wrong/Makefile" <<'MK'
hello:
	printf 'int main(void) { return 0; }\n' | gcc -x c -o $@ -
notes:
	echo 'release notes' > hello
MK
cat >"$T/wrong.ini" <<'INI'
[project]
name = hello
source = wrong
output = out

[matrix]
os = linux
arch = amd64, arm64

[toolchain]
use = c
mode = make
outputs = hello
INI
mkdir -p "$T/out" && echo keep >"$T/out/old.txt"
before=$(tree_digest "$T/out")
run_mbhost 1 --config "$T/wrong.ini"
expect_output "linux/arm64.*hello is an x86-64 ELF executable; linux/arm64 needs an AArch64 ELF executable"
expect_output "nothing was exported"
[ "$(tree_digest "$T/out")" = "$before" ] || fail "the output folder changed after a wrong-arch build"
pass "an x86-64 program as the linux/arm64 binary fails that target"

run_mbhost 1 --config "$T/wrong.ini" --keep-going
[ -x "$T/out/linux/amd64/hello" ] || fail "linux/amd64 missing with --keep-going"
[ ! -e "$T/out/linux/arm64" ] || fail "the wrong-arch file was exported"
python3 - "$T/out/artifacts.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
s = {t["target"]: (t["status"], t.get("reason") or "") for t in r["targets"]}
assert s["linux/amd64"][0] == "ok", s
assert s["linux/arm64"][0] == "failed", s
assert "is an x86-64 ELF executable" in s["linux/arm64"][1], s
PY
pass "--keep-going exports the good target; artifacts.json says what the other built"

run_mbhost 1 --config "$T/wrong.ini" --target linux/amd64 --set toolchain.make_args=notes
expect_output "hello is a text file; linux/amd64 needs an x86-64 ELF executable"
pass "a text file declared as the binary is refused"
