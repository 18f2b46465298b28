# A real C project's own Makefile, cross compiled with zig for linux,
# darwin and windows x amd64, arm64: bzip2 1.0.8 (scripts/setup.d/bzip2.sh).
# Its rules compile with `-c` and no `-o` and link `-o bzip2`; zig alone
# would write x.obj and bzip2 for windows, and the C plugin's make-mode
# wrapper (plugins/toolchain-c/zig-cc.sh) gives the x.o and bzip2.exe a
# makefile written for gcc expects. Its Makefile sets CC=gcc, AR=ar,
# RANLIB=ranlib "to assist in cross compiling", i.e. for make's command
# line: make_override puts the target's there. `file` agrees for each
# binary, the linux ones compress and decompress bzip2's own sample files
# and round-trip a file (arm64 under qemu), and libc = gnu.2.17 keeps every
# GLIBC symbol version at 2.17 or below.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"
source "$MBHOST_SOURCE_DIR/tests/toolchains/zig_lib.sh"

bzip2="${MBHOST_TEST_CACHE:-$HOME/.cache/mbhost-tests}/bzip2-1.0.8"
if [ ! -f "$bzip2/.complete" ]; then
  bash "$MBHOST_SOURCE_DIR/scripts/setup.d/bzip2.sh" ||
    fail "no bzip2 sources in $bzip2: run scripts/setup.sh --test"
fi

cat > "$T/build.ini" <<INI
[project]
name   = bzip2
source = $bzip2
output = out

[matrix]
os   = linux, darwin, windows
arch = amd64, arm64

[toolchain]
use           = c
mode          = make
cc            = zig
libc          = gnu.2.17
make_override = CC, AR, RANLIB
make_args     = bzip2
INI

run_mbhost 0 --config "$T/build.ini" -j 2
expect_file_kinds "$T/out" bzip2 "${!zig_file[@]}"
pass "bzip2's Makefile builds for linux, darwin and windows x amd64, arm64 with zig; file agrees"

for arch in amd64 arm64; do
  got=$(max_glibc "$T/out/linux/$arch/bzip2")
  [ "$(printf '%s\n2.17\n' "$got" | sort -V | tail -1)" = 2.17 ] ||
    fail "linux/$arch needs GLIBC_$got, more than 2.17"
done
pass "libc = gnu.2.17: no GLIBC symbol version above 2.17"

run_bzip2() {
  case $1 in
    amd64) "$T/out/linux/amd64/bzip2" "${@:2}" ;;
    arm64) qemu-aarch64-static -L /usr/aarch64-linux-gnu "$T/out/linux/arm64/bzip2" "${@:2}" ;;
  esac
}
for arch in amd64 arm64; do
  # bzip2's own check (its Makefile's `test` target): -3 of sample3.ref is
  # byte for byte sample3.bz2, and that decompresses back.
  run_bzip2 "$arch" -3 <"$bzip2/sample3.ref" >"$T/s3.$arch.bz2"
  cmp -s "$T/s3.$arch.bz2" "$bzip2/sample3.bz2" || fail "linux/$arch: -3 differs from sample3.bz2"
  run_bzip2 "$arch" -d <"$bzip2/sample1.bz2" >"$T/s1.$arch"
  cmp -s "$T/s1.$arch" "$bzip2/sample1.ref" || fail "linux/$arch: sample1 decompressed wrong"
  # A file of our own through bzip2 and back: -k keeps it, -c to stdout.
  cp "$bzip2/manual.html" "$T/round.$arch"
  run_bzip2 "$arch" -9 "$T/round.$arch"
  [ -f "$T/round.$arch.bz2" ] && [ ! -e "$T/round.$arch" ] ||
    fail "linux/$arch: bzip2 FILE did not replace FILE with FILE.bz2"
  run_bzip2 "$arch" -d "$T/round.$arch.bz2"
  cmp -s "$T/round.$arch" "$bzip2/manual.html" || fail "linux/$arch: a file did not round-trip"
done
pass "the linux binaries compress and decompress bzip2's samples and round-trip a file (arm64 under qemu)"

# The wrapper make gets as CC, on what bzip2's rules do not show: several
# sources in one `-c` (an object each, in the current folder, as gcc puts
# them) and a link named with its extension already.
zig=$(python3 -c 'import os, ziglang; print(os.path.dirname(ziglang.__file__))')/zig
zig_cc=("$MBHOST_PLUGIN_BUILD_DIR/mb-toolchain-c-zig-cc" "$zig" cc -target x86_64-windows-gnu)
mkdir -p "$T/multi/src"
printf 'int one(void) { return ONE; }\n' >"$T/multi/src/one.c"
printf 'int one(void);\nint main(void) { return one() - 1; }\n' >"$T/multi/main.c"
(cd "$T/multi" && "${zig_cc[@]}" -O2 -D ONE=1 -c src/one.c main.c) ||
  fail "the wrapper could not compile two sources with -c"
[ -f "$T/multi/one.o" ] && [ -f "$T/multi/main.o" ] ||
  fail "two sources with -c: $(ls "$T/multi")"
(cd "$T/multi" && "${zig_cc[@]}" -o prog.bin one.o main.o) || fail "the wrapper could not link"
[ -f "$T/multi/prog.bin" ] && file -b "$T/multi/prog.bin" | grep -q 'PE32+' ||
  fail "-o prog.bin: $(ls "$T/multi")"
pass "the zig wrapper: one object per source of a -c, in the current folder; a named link keeps its name"

# The makefile's own `AR = ar rc`-style value survives without make_override:
# the tools come in the environment. Seen in the plan (-v shows the env).
sed -i 's/^make_override.*/make_override = CC/' "$T/build.ini"
run_mbhost 0 validate --config "$T/build.ini"
run_mbhost 0 --config "$T/build.ini" --dry-run -t linux/amd64
expect_output 'env: .*AR=.*zig ar'
expect_output 'step 2: make .*CC=.*zig cc -target x86_64-linux-gnu\.2\.17'
grep -q 'step 2: make .*AR=' <<<"$OUT" && fail "AR on make's command line: $OUT"
pass "tools not in make_override go through the environment"

# Bad values are configuration errors at their line, before anything runs.
bad() { # bad KEY=VALUE PATTERN
  awk -v k="${1%%=*}" -v v="${1#*=}" '
    $1 == k { next } { print } /^\[toolchain\]$/ { print k " = " v }' "$T/build.ini" >"$T/bad.ini"
  run_mbhost 2 validate --config "$T/bad.ini"
  expect_output "$2"
}
bad 'libc=gnu.2' 'bad\.ini:[0-9]+: .*libc.*`gnu\.2` is not a C library'
bad 'libc=glibc' 'libc.*write gnu, gnu\.2\.17'
bad 'make_override=CC, CFLAGS' 'make_override.*`CFLAGS` is not one of the tool variables'
bad 'cc=gcc' 'libc.*needs `cc = zig`'
pass "bad libc and make_override values are refused at their line"
