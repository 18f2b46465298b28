# find_package(mbhost-plugin) from an installed prefix builds and installs an
# example plugin (the `manifest` exporter) out of tree; the installed mbhost
# uses it from the folder named in [host] plugin_path.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"
source "$MBHOST_SOURCE_DIR/tests/sdk/install.sh"
unset MBHOST_PLUGIN_PATH

install_prefix "$T/prefix"
cp -r "$MBHOST_SOURCE_DIR/examples/exporter-manifest" "$T/manifest"
mkdir -m 755 "$T/plugins"
cmake -S "$T/manifest" -B "$T/manifest-build" -DCMAKE_PREFIX_PATH="$T/prefix" \
  -DMBHOST_USER_PLUGIN_DIR="$T/plugins" >"$T/cmake.log" 2>&1 &&
  cmake --build "$T/manifest-build" >>"$T/cmake.log" 2>&1 &&
  cmake --install "$T/manifest-build" >>"$T/cmake.log" 2>&1 || { cat "$T/cmake.log" >&2; fail "the CMake build failed"; }
exports_only_entry "$T/plugins/manifest.so"
pass "find_package(mbhost-plugin) builds and installs the example"

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
MBHOST="$T/prefix/bin/mbhost"
run_mbhost 0 --config "$T/build.ini"
"$T/dist/linux/amd64/hello" >/dev/null || fail "the built program does not run"
sum=$(sha256sum "$T/dist/linux/amd64/hello" | cut -d' ' -f1)
grep -q "| hello | linux/amd64 | [0-9]* | $sum |" "$T/dist/MANIFEST.md" || fail "$(cat "$T/dist/MANIFEST.md")"
pass "the installed mbhost builds with a bundled toolchain and the CMake-built exporter"
