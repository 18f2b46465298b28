# The installed prefix alone builds third-party plugins: `cmake --install`
# to a temporary prefix, copy only include/, lib/pkgconfig/ and the installed
# examples (share/doc/mbhost/examples) to a fresh folder, build the `script`
# toolchain and the `manifest` exporter there with
# `cc $(pkg-config --cflags mbhost-plugin)`, drop them in the user's plugin
# folder, and build and export with the installed mbhost (no environment
# pointing at plugins, no source tree).
source "$MBHOST_SOURCE_DIR/tests/lib.sh"
source "$MBHOST_SOURCE_DIR/tests/sdk/install.sh"
unset MBHOST_PLUGIN_PATH

install_prefix "$T/prefix"
mkdir -p "$T/fresh/$PC_RELDIR"
cp -r "$T/prefix/include" "$T/fresh/"
cp -r "$T/prefix/$PC_RELDIR/." "$T/fresh/$PC_RELDIR/"
cp -r "$EXAMPLES/toolchain-script" "$EXAMPLES/exporter-manifest" "$T/fresh/"
export PKG_CONFIG_LIBDIR="$T/fresh/$PC_RELDIR" PKG_CONFIG_PATH=
cflags=$(pkg-config --cflags mbhost-plugin) || fail "pkg-config cannot find mbhost-plugin"
include=$(sed -n 's/^-I\([^ ]*\) .*/\1/p' <<<"$cflags")
[ "$(realpath "$include")" = "$(realpath "$T/fresh/include")" ] || fail "pkg-config points elsewhere: $cflags"
abi=$(sed -n 's/^#define MB_ABI_\(MAJOR\|MINOR\) \([0-9]*\)$/\2/p' "$T/fresh/include/mbhost/plugin.h" | paste -sd.)
[ "$(pkg-config --modversion mbhost-plugin)" = "$abi" ] || fail "mbhost-plugin is not versioned by the ABI ($abi)"
pkg-config --atleast-version=1.0 mbhost-plugin || fail "mbhost-plugin is older than ABI 1.0"
plugins="$XDG_DATA_HOME/mbhost/plugins"
mkdir -p "$plugins"
(cd "$T/fresh" &&
  cc -shared $cflags -std=c11 -Wall -Wextra -Werror -o "$plugins/script.so" toolchain-script/script.c &&
  cc -shared $cflags -std=c11 -Wall -Wextra -Werror -o "$plugins/manifest.so" exporter-manifest/manifest.c) ||
  fail "the examples do not build against the installed headers"
exports_only_entry "$plugins/script.so"
exports_only_entry "$plugins/manifest.so"
pass "both installed examples build from the copied prefix with pkg-config alone"

MBHOST="$T/prefix/bin/mbhost"
run_mbhost 0 plugins
expect_output "^script +toolchain +org.example.toolchain.script +2.0.0 .* $plugins/script.so$"
expect_output "^manifest +exporter +org.example.exporter.manifest +2.0.0 .* $plugins/manifest.so$"
expect_output "^local +exporter .* $T/prefix/lib/mbhost/plugins/mb-exporter-local.so$"
run_mbhost 0 plugins --describe script
expect_output "^  script +path .*the build script, run as argv\[0\] in the project source"
expect_output "^  kind +choice +binary "
expect_output "^ +one of: binary, library, file$"
pass "the installed mbhost finds them in the user folder and its bundled plugins"

mkdir -p "$T/app"
cat >"$T/app/build.sh" <<'SH'
#!/bin/sh
# The user's build script: one run per target, the target in the environment.
set -eu
out="$MBHOST_OUT/$MBHOST_PROJECT"
[ "$MBHOST_OS" = windows ] && out="$out.exe"
{
  echo "target=$MBHOST_TARGET os=$MBHOST_OS arch=$MBHOST_ARCH"
  echo "project=$MBHOST_PROJECT version=$MBHOST_VERSION"
  echo "cwd=$(pwd) source=$MBHOST_SOURCE"
  printf 'args=%s' "$#"; printf ' [%s]' "$@"; echo
  echo "greeting=$GREETING"
} >"$out"
SH
chmod 755 "$T/app/build.sh"
echo "Fixes the greeting." >"$T/notes.md"
cat >"$T/build.ini" <<'INI'
[project]
name    = hello
version = 1.2.0
source  = app

[matrix]
os      = linux, windows
arch    = amd64, arm64
exclude = windows/arm64

[toolchain]
use    = script
script = app/build.sh
kind   = file
args   = --greeting 'hello world'
env    = GREETING=hi there

[export]
use = local, manifest

[export.manifest]
file  = RELEASE.md
notes = notes.md
INI
run_mbhost 0 --config "$T/build.ini"
report=$(cat "$T/dist/linux/arm64/hello") || fail "no linux/arm64 output"
grep -qx "target=linux/arm64 os=linux arch=arm64" <<<"$report" || fail "$report"
grep -qx "project=hello version=1.2.0" <<<"$report" || fail "$report"
grep -qx "cwd=$T/app source=$T/app" <<<"$report" || fail "$report"
grep -qx "args=2 \[--greeting\] \[hello world\]" <<<"$report" || fail "$report"
grep -qx "greeting=hi there" <<<"$report" || fail "$report"
[ -s "$T/dist/windows/amd64/hello.exe" ] && [ -s "$T/dist/linux/amd64/hello" ] || fail "missing outputs"
pass "the script ran per target with the target in its environment and argv only"

manifest=$(cat "$T/dist/RELEASE.md") || fail "no manifest"
grep -qx "# hello 1.2.0" <<<"$manifest" || fail "$manifest"
grep -qx "Fixes the greeting." <<<"$manifest" || fail "$manifest"
for f in linux/amd64/hello linux/arm64/hello windows/amd64/hello.exe; do
  sum=$(sha256sum "$T/dist/$f" | cut -d' ' -f1) size=$(stat -c %s "$T/dist/$f")
  grep -qx "| $(basename "$f") | $(dirname "$f") | $size | $sum |" <<<"$manifest" || fail "no row for $f: $manifest"
done
[ -z "$(find "$T/dist" -name '*mbhost-tmp*')" ] || fail "a temporary file was left behind"
python3 - "$T/dist/artifacts.json" <<'PY' || fail "artifacts.json lacks the manifest"
import json, sys
a = json.load(open(sys.argv[1]))["artifacts"]
assert any(x["name"] == "RELEASE.md" and x["exporter"] == "manifest" and x["kind"] == "manifest" for x in a), a
PY
pass "the manifest lists every artifact with size and sha256 and is reported"

run_mbhost 2 --config "$T/build.ini" --set toolchain.env=oops
expect_output "env: 'oops' is not NAME=value"
run_mbhost 2 --config "$T/build.ini" --set toolchain.kind=program
expect_output "kind"
run_mbhost 2 --config "$T/build.ini" --set export.manifest.digest_length=8
expect_output "digest_length"
run_mbhost 2 --config "$T/build.ini" --set export.manifest.notes=missing.md
expect_output "notes"
pass "malformed env items, unknown choices, out-of-range and missing-path values are config errors"

run_mbhost 0 --config "$T/build.ini" --set export.manifest.digest_length=12
sum=$(sha256sum "$T/dist/linux/amd64/hello" | cut -d' ' -f1)
grep -qx "| hello | linux/amd64 | [0-9]* | ${sum:0:12} |" "$T/dist/RELEASE.md" || fail "$(cat "$T/dist/RELEASE.md")"
pass "digest_length shortens the manifest's digests"
