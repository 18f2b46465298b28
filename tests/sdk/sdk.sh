# Helpers for the SDK tests: source after tests/lib.sh.
umask 022
SDK_PLUGINS="$MBHOST_SOURCE_DIR/tests/sdk/plugins"
mkdir -p "$T/plugins" "$T/app"

# build_plugin OUT.so SOURCE [cc flags...]: a test plugin from
# tests/sdk/plugins, compiled against the source tree's ABI headers (an -I
# among the flags comes first).
build_plugin() {
  local out=$1 src=$2
  shift 2
  cc -shared -fPIC -fvisibility=hidden -std=gnu11 -Wall -Wextra -Werror \
    "$@" -I "$MBHOST_SOURCE_DIR/sdk-headers" -o "$out" "$SDK_PLUGINS/$src"
}

# write_ini TOOLCHAIN: $T/build.ini building the empty $T/app for
# linux/amd64 and linux/arm64 with that toolchain.
write_ini() {
  cat >"$T/build.ini" <<INI
[project]
name = app
source = app
[matrix]
os = linux
arch = amd64, arm64
[toolchain]
use = $1
INI
}
