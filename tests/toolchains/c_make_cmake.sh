# C, mode = make and mode = cmake: the fixtures' own build files, for
# linux/amd64, linux/arm64 and windows/amd64. make runs in a copy of the
# source per target and cmake configures each target in its own folder, so
# the source folder stays as it was; each binary runs and names its target.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"

# check_outputs DIR WHAT: the three binaries of a run in DIR print WHAT.
check_outputs() {
  local dir=$1 what=$2
  file -b "$dir/linux/amd64/hello" | grep -q 'ELF 64-bit.*x86-64' ||
    fail "$what linux/amd64: $(file -b "$dir/linux/amd64/hello")"
  file -b "$dir/linux/arm64/hello" | grep -q 'ELF 64-bit.*ARM aarch64' ||
    fail "$what linux/arm64: $(file -b "$dir/linux/arm64/hello")"
  file -b "$dir/windows/amd64/hello.exe" | grep -q 'PE32+ executable.*x86-64' ||
    fail "$what windows/amd64: $(file -b "$dir/windows/amd64/hello.exe")"
  [ "$("$dir/linux/amd64/hello")" = "$what linux/amd64" ] ||
    fail "$what linux/amd64 printed: $("$dir/linux/amd64/hello")"
  local got
  got=$(qemu-aarch64-static -L /usr/aarch64-linux-gnu "$dir/linux/arm64/hello")
  [ "$got" = "$what linux/arm64" ] || fail "$what linux/arm64 printed: $got"
}

# write_ini FIXTURE MODE [extra toolchain lines...]
write_ini() {
  local fixture=$1 mode=$2; shift 2
  {
    printf '[project]\nname = hello\nsource = %s\noutput = out-%s\n\n' "$fixture" "$mode"
    printf '[matrix]\nos = linux, windows\narch = amd64, arm64\nexclude = windows/arm64\n\n'
    printf '[toolchain]\nuse = c\nmode = %s\n' "$mode"
    printf '%s\n' "$@"
  } > "$T/$mode.ini"
}

src=$(copy_fixture hello-c-make)
before=$(tree_digest "$src")
write_ini hello-c-make make "cflags = -O2 -DGREETING_CHECK" "outputs = hello"
run_mbhost 0 --config "$T/make.ini" --dry-run
# The tools come in the environment (the Makefile's `CC ?= cc` gives way);
# CFLAGS reaches make's command line as one argument, whatever its words.
expect_output "env: CC=/usr/bin/aarch64-linux-gnu-gcc"
expect_output "env: AR=aarch64-linux-gnu-ar"
expect_output "env: RANLIB=aarch64-linux-gnu-ranlib"
expect_output "make -C \\{staging\\}/tree 'CFLAGS=-O2 -DGREETING_CHECK'\$"
run_mbhost 0 --config "$T/make.ini"
check_outputs "$T/out-make" hello-c-make
[ "$(tree_digest "$src")" = "$before" ] || fail "make wrote into the source folder"
pass "make mode: three targets from one Makefile, source untouched"

src=$(copy_fixture hello-c-cmake)
before=$(tree_digest "$src")
write_ini hello-c-cmake cmake
run_mbhost 0 --config "$T/cmake.ini" --dry-run
expect_output '-DCMAKE_C_COMPILER=/usr/bin/x86_64-w64-mingw32-gcc .*-DCMAKE_SYSTEM_NAME=Windows -DCMAKE_SYSTEM_PROCESSOR=x86_64'
run_mbhost 0 --config "$T/cmake.ini"
check_outputs "$T/out-cmake" hello-c-cmake
[ "$(tree_digest "$src")" = "$before" ] || fail "cmake wrote into the source folder"
pass "cmake mode: three targets configured apart, source untouched"

# A second run reuses each target's configured build folder.
run_mbhost 0 --config "$T/cmake.ini" --no-cache
check_outputs "$T/out-cmake" hello-c-cmake
pass "cmake mode builds again in its kept build folders"
