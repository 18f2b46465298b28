# find_package(mbhost-plugin) from a bare installed prefix builds both
# example plugins out of tree from their installed folder,
# share/doc/mbhost/examples, and `cmake --install`s them: the `script`
# toolchain into the user's plugin folder (the CMakeLists' default), the
# `manifest` exporter into a folder named by [host] plugin_path. The
# installed mbhost then proposes the script toolchain in `mbhost init` (its
# detect extension), reports its validate errors at file:line, and builds
# and exports with both.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"
source "$MBHOST_SOURCE_DIR/tests/sdk/install.sh"
unset MBHOST_PLUGIN_PATH

install_prefix "$T/prefix"
MBHOST="$T/prefix/bin/mbhost"
user_plugins="$XDG_DATA_HOME/mbhost/plugins"
mkdir -p "$user_plugins" && mkdir -m 755 "$T/plugins"

# cmake_example NAME [cmake args...]: configure, build and install
# $EXAMPLES/NAME in $T/build-NAME.
cmake_example() {
  local name=$1
  shift
  cmake -S "$EXAMPLES/$name" -B "$T/build-$name" -DCMAKE_PREFIX_PATH="$T/prefix" "$@" >"$T/cmake.log" 2>&1 &&
    cmake --build "$T/build-$name" >>"$T/cmake.log" 2>&1 &&
    cmake --install "$T/build-$name" >>"$T/cmake.log" 2>&1 || { cat "$T/cmake.log" >&2; fail "the CMake build of $name failed"; }
}
cmake_example toolchain-script
cmake_example exporter-manifest -DMBHOST_USER_PLUGIN_DIR="$T/plugins"
exports_only_entry "$user_plugins/script.so"
exports_only_entry "$T/plugins/manifest.so"
pass "find_package(mbhost-plugin) builds and installs both installed examples"

# A project whose only project file is a build script.
mkdir -p "$T/proj"
cat >"$T/proj/build.sh" <<'SH'
#!/bin/sh
set -eu
echo "built for $MBHOST_TARGET" >"$MBHOST_OUT/$MBHOST_PROJECT"
SH
chmod 755 "$T/proj/build.sh"
(cd "$T/proj" && "$MBHOST" init) >"$T/init.log" 2>&1 || { cat "$T/init.log" >&2; fail "mbhost init failed"; }
ini=$(cat "$T/proj/build.ini")
grep -qE '^use *= *script *(;.*)?$' <<<"$ini" || fail "init did not propose the script toolchain: $ini"
grep -qE '^script *= *build.sh *(;.*)?$' <<<"$ini" || fail "init did not propose script = build.sh: $ini"
run_mbhost 0 validate --config "$T/proj/build.ini"
pass "mbhost init proposes the third-party script toolchain for a build.sh (detect), and its build.ini validates"

chmod 644 "$T/proj/build.sh"
run_mbhost 2 validate --config "$T/proj/build.ini"
line=$(grep -nE '^script *=' "$T/proj/build.ini" | cut -d: -f1)
expect_output "build.ini:$line:.*script.*not executable \(chmod \+x it\)"
chmod 755 "$T/proj/build.sh"
printf '\n[target linux/amd64]\noutputs = ../escape\n' >>"$T/proj/build.ini"
run_mbhost 2 validate --config "$T/proj/build.ini"
# The line of the key, or of its [target] section.
key=$(grep -n '^outputs = ../escape' "$T/proj/build.ini" | cut -d: -f1)
expect_output "build.ini:($key|$((key - 1))):.*outputs.*'../escape' must be a name inside"
pass "the script toolchain's validate errors name build.ini:line, exit 2"

sed -i '/^\[target linux\/amd64\]$/,$d' "$T/proj/build.ini"
run_mbhost 0 --config "$T/proj/build.ini" -t linux/arm64 --set toolchain.kind=file
out=$(find "$T/proj" -path '*linux/arm64/proj' -type f) && [ -n "$out" ] || fail "no linux/arm64 output: $(ls -R "$T/proj")"
grep -qx "built for linux/arm64" "$out" || fail "$(cat "$out")"
pass "the build.ini init wrote builds with the script toolchain"

src=$(copy_fixture hello-c-sources)
cat >"$T/build.ini" <<INI
[project]
name   = hello
source = hello-c-sources

[matrix]
os   = linux
arch = amd64

[host]
plugin_path = plugins

[toolchain]
use     = c
sources = main.c, os/*.c, arch/*.c
include_dirs = .

[export]
use = local, manifest
INI
run_mbhost 0 --config "$T/build.ini"
"$T/dist/linux/amd64/hello" >/dev/null || fail "the built program does not run"
sum=$(sha256sum "$T/dist/linux/amd64/hello" | cut -d' ' -f1)
grep -q "| hello | linux/amd64 | [0-9]* | $sum |" "$T/dist/MANIFEST.md" || fail "$(cat "$T/dist/MANIFEST.md")"
pass "the installed mbhost builds with a bundled toolchain and the CMake-built exporter"
