# Targets the machine cannot build with C: a cross compiler that is not
# installed names its Debian package, darwin names no package (Debian has
# none) but says what to set, a cross compiler without its C library names
# the library's package. Without --keep-going nothing is built and every
# reason is listed; with it the buildable target arrives; exit 1 both times.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"

# A Linux target whose Debian cross compiler is not installed here.
missing=""
for candidate in s390x:s390x-linux-gnu riscv64:riscv64-linux-gnu \
                 mips64le:mips64el-linux-gnuabi64; do
  if ! command -v "${candidate#*:}-gcc" >/dev/null; then
    missing=$candidate
    break
  fi
done
[ -n "$missing" ] || fail "every candidate cross compiler is installed; pick another target"
arch=${missing%%:*} triple=${missing#*:}

# A cross gcc that lacks its C library answers -print-file-name with the
# bare name, as gcc does when it finds no such file.
mkdir -p "$T/bin"
cat > "$T/bin/powerpc64le-linux-gnu-gcc" <<'SH'
#!/bin/sh
case "$1" in -print-file-name=*) echo "${1#-print-file-name=}" ;; *) exit 1 ;; esac
SH
chmod +x "$T/bin/powerpc64le-linux-gnu-gcc"
export PATH="$T/bin:$PATH"

src=$(copy_fixture hello-c-sources)
cat > "$T/build.ini" <<INI
[project]
name   = hello
source = hello-c-sources
output = out

[matrix]
os      = linux, darwin
arch    = amd64, arm64, $arch, ppc64le
exclude = darwin/amd64, darwin/$arch, darwin/ppc64le

[toolchain]
use          = c
sources      = *.c, */*.c
include_dirs = .

[target linux/arm64]
cc = no-such-compiler-anywhere
INI

run_mbhost 1 --config "$T/build.ini"
expect_output "linux/$arch.*C compiler $triple-gcc for linux/$arch not found: install the Debian package gcc-"
expect_output 'darwin/arm64.*no Debian package provides one; install a cross compiler and set `cc` in \[target darwin/arm64\]'
expect_output 'linux/ppc64le.*the C library for linux/ppc64le is missing: install the Debian package libc6-dev-ppc64el-cross'
expect_output 'linux/arm64.*C compiler no-such-compiler-anywhere \(set by `cc`\) for linux/arm64 not found'
[ ! -e "$T/out" ] || fail "something was written although targets are unsupported"
pass "without --keep-going nothing is built and every reason is listed"

run_mbhost 1 --config "$T/build.ini" --keep-going
[ "$("$T/out/linux/amd64/hello")" = "hello-c linux/amd64" ] ||
  fail "linux/amd64 did not arrive with --keep-going"
python3 - "$T/out/artifacts.json" "$arch" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
status = {t["target"]: t["status"] for t in report["targets"]}
want = {"linux/amd64": "ok", "linux/arm64": "unsupported",
        "linux/" + sys.argv[2]: "unsupported", "linux/ppc64le": "unsupported",
        "darwin/arm64": "unsupported"}
assert status == want, status
assert [a["target"] for a in report["artifacts"]] == ["linux/amd64"]
PY
pass "with --keep-going linux/amd64 arrives and the rest are reported"

# Bad sources are a configuration error that names the line, the key and
# the pattern.
printf '[target linux/amd64]\nsources = ../outside.c\n' >> "$T/build.ini"
run_mbhost 2 --config "$T/build.ini" --target linux/amd64
expect_output 'build.ini:[0-9]+: sources: `../outside.c` must be relative to the source folder'
pass "a source outside the source folder is refused"
