# What the toolchains check before planning (mb.toolchain.validate/1):
# `mbhost validate` reports a bad value at its file:line with exit code 2,
# and a build stops on it before anything runs or is written.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"

copy_fixture hello-go >/dev/null
copy_fixture hello-rust >/dev/null
copy_fixture hello-c-sources >/dev/null
copy_fixture hello-c-make >/dev/null

# ini FILE SOURCE USE [toolchain lines...]: linux/amd64 and linux/arm64;
# the first extra line is line 12.
ini() {
  local file=$1 source=$2 use=$3; shift 3
  {
    printf '[project]\nname = hello\nsource = %s\noutput = out\n\n' "$source"
    printf '[matrix]\nos = linux\narch = amd64, arm64\n\n'
    printf '[toolchain]\nuse = %s\n' "$use"
    printf '%s\n' "$@"
  } >"$T/$file"
}

# refused FILE PATTERN: validate and a build both exit 2 with PATTERN.
refused() {
  run_mbhost 2 validate --config "$T/$1"
  expect_output "$2"
  run_mbhost 2 --config "$T/$1"
  expect_output "$2"
  [ ! -e "$T/out" ] || fail "$1: something was written"
}

ini go-ok.ini hello-go go "package = ./"
run_mbhost 0 validate --config "$T/go-ok.ini"
ini go.ini hello-go go "package = ./cmd/tool"
refused go.ini "go.ini:12: package: \`./cmd/tool\` is a local package but there is no folder"
printf '[target linux/arm64]\npackage = ../nowhere/...\n' >>"$T/go-ok.ini"
refused go-ok.ini "go-ok.ini:1[34]: package: \`../nowhere/...\` is a local package"
pass "go: a local package without its folder is a configuration error"

ini rust.ini hello-rust rust "triple = x86_64_unknown_linux_gnu" "profile = rel/ease" "bin = hello, ../x"
run_mbhost 2 validate --config "$T/rust.ini"
expect_output "rust.ini:12: triple: \`x86_64_unknown_linux_gnu\` is not a target triple"
expect_output "rust.ini:13: profile: \`rel/ease\` is not a cargo profile name"
expect_output "rust.ini:14: bin: \`\.\./x\` is not a binary name"
ini rust-target.ini hello-rust rust "[target linux/arm64]" "triple = aarch64-unknown-linux-gnu-extra"
refused rust-target.ini "rust-target.ini:1[23]: triple: \`aarch64-unknown-linux-gnu-extra\` is not a target triple"
pass "rust: triple shape, profile and bin names are configuration errors"

ini c.ini hello-c-sources c "sources = *.c, ../outside/*.c" "libs = -lm" "binary = bin/hello"
run_mbhost 2 validate --config "$T/c.ini"
expect_output "c.ini:12: sources: \`\.\./outside/\*\.c\` must be relative to the source folder"
expect_output "c.ini:13: libs: \`-lm\` is not a library name"
expect_output "c.ini:14: binary: \`bin/hello\` is not a file name"
ini c-none.ini hello-c-sources c "sources = src/*.c"
refused c-none.ini "c-none.ini:12: sources: \`src/\*\.c\` matches no file in $T/hello-c-sources"
ini c-make.ini hello-c-make c "mode = make" "outputs = ../hello"
refused c-make.ini "c-make.ini:13: outputs: \`\.\./hello\` must name a file inside the build folder"
ini c-cmake.ini hello-c-make c "mode = cmake"
refused c-cmake.ini "c-cmake.ini:12: mode: cmake mode needs a CMakeLists.txt in $T/hello-c-make"
ini c-make-ok.ini hello-c-make c "mode = make" "outputs = hello"
run_mbhost 0 validate --config "$T/c-make-ok.ini"
pass "c: sources, libs, binary, outputs and the build file are checked"
