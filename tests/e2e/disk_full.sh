# Disk and permissions: an output folder on a full file system, and one on
# a read-only file system, give a clear error, exit 1, and leave no partial
# file. Uses a 64 KiB tmpfs (mount needs root and a sandbox that allows it;
# the test is skipped with a note otherwise, ctest SKIP_RETURN_CODE 77).
source "$MBHOST_SOURCE_DIR/tests/lib.sh"

mnt="$T/mnt"
mkdir -p "$mnt"
if ! mount -t tmpfs -o size=64k tmpfs "$mnt" 2>/dev/null; then
  echo "skipped: cannot mount a tmpfs here (needs root)"
  exit 77
fi
trap 'umount "$mnt" 2>/dev/null; rm -rf "$T"' EXIT

src=$(copy_fixture slow-c-make)
# The output is bigger than the file system: a program with 200 KiB of data.
cat >"$T/build.ini" <<INI
[project]
name = big
source = slow-c-make
output = mnt/out

[matrix]
os = linux
arch = amd64

[toolchain]
use = c
mode = make
make_args = MODE=big
outputs = hello, big.bin
INI
cat >>"$src/Makefile" <<'MK'

hello: big.bin
big.bin:
	printf 'const char pad[204800] = {1};\nint main(void) { return pad[0]; }\n' | $(CC) -x c -o $@ -
MK
mkdir -p "$mnt/out"
echo "release 1" >"$mnt/out/keep.txt"
before=$(tree_digest "$mnt/out")

run_mbhost 1 --config "$T/build.ini"
expect_output "cannot copy .*/big.bin to $mnt/out/linux/amd64/big.bin: No space left on device"
expect_output "export failed: every file it wrote was put back"
[ "$(tree_digest "$mnt/out")" = "$before" ] || fail "full: the output changed: $(find "$mnt/out")"
[ -z "$(find "$mnt" -name '*.mbhost-*')" ] || fail "full: temporary files left: $(find "$mnt")"
pass "full output file system: clear error, exit 1, output as it was"

mount -o remount,ro "$mnt"
run_mbhost 1 --config "$T/build.ini"
expect_output "cannot copy .* to $mnt/out/linux/amd64/.*: Read-only file system"
[ "$(tree_digest "$mnt/out")" = "$before" ] || fail "read-only: the output changed"
pass "read-only output file system: clear error, exit 1, output as it was"
