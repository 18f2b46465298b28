#!/usr/bin/env bash
# zig, the C cross compiler of the C toolchain's `cc = zig` tests, from
# PyPI's `ziglang` package (the zig release as a wheel), pinned by version
# and by the sha256 of its wheels for x86_64 and aarch64 hosts. Installed
# once into a virtual environment in the test cache:
#   ${MBHOST_TEST_CACHE:-$HOME/.cache/mbhost-tests}/zig-0.15.2/
# The tests put its bin/ first in PATH, so the C toolchain finds zig through
# that venv's `python3 -m ziglang`, as it would for a user's pip install.
# Then it fills the zig global cache the tests share,
#   ${MBHOST_TEST_CACHE:-$HOME/.cache/mbhost-tests}/zig-cache/
# with the C library and runtime zig builds the first time it links for a
# target: measured on 2 busy cores, 125 s for x86_64-windows-gnu (mingw-w64),
# 85 s for aarch64-windows-gnu, 30 s per macOS and 15 s per glibc version,
# which would otherwise fall on the first test that links there.
# Safe to run again: it does nothing when the venv is there, and the cache
# answers each target in a fraction of a second once filled.
# `zig.sh --dir` prints the venv's folder and `zig.sh --cache-dir` the zig
# cache's (the tests' one source for each).
set -euo pipefail

VERSION=0.15.2
CACHE="${MBHOST_TEST_CACHE:-$HOME/.cache/mbhost-tests}"
DEST="$CACHE/zig-$VERSION"
ZIG_CACHE="$CACHE/zig-cache"
case ${1:-} in
--dir)
  echo "$DEST"
  exit 0
  ;;
--cache-dir)
  echo "$ZIG_CACHE"
  exit 0
  ;;
esac

# The targets the tests link for, as zig names them: the six of the
# matrix with zig's default glibc, and gnu.2.17 (tests/toolchains). zig
# builds these libraries in one optimisation mode for -O0 to -O3 (only -Os
# has its own), so one -O2 link per target covers the tests' flags.
TARGETS=(x86_64-linux-gnu aarch64-linux-gnu x86_64-linux-gnu.2.17
  aarch64-linux-gnu.2.17 x86_64-macos aarch64-macos x86_64-windows-gnu
  aarch64-windows-gnu)
fill_cache() {
  local work target
  work=$(mktemp -d)
  printf '#include <stdio.h>\nint main(void) { puts("hi"); return 0; }\n' >"$work/hi.c"
  echo "zig: building the C library of ${#TARGETS[@]} targets into $ZIG_CACHE (minutes the first time, seconds after)"
  for target in "${TARGETS[@]}"; do
    ZIG_GLOBAL_CACHE_DIR="$ZIG_CACHE" ZIG_LOCAL_CACHE_DIR="$work/local" \
      "$DEST/bin/python3" -m ziglang cc -target "$target" -O2 \
      "$work/hi.c" -o "$work/hi" || {
      rm -rf "$work"
      echo "zig: linking for $target failed" >&2
      return 1
    }
  done
  rm -rf "$work"
}

if [ -f "$DEST/.complete" ]; then
  echo "zig: ziglang $VERSION already in $DEST"
  fill_cache
  exit 0
fi

# Debian's python3 with python3-venv (scripts/packages/zig.txt); a pip that
# checks hashes refuses any other wheel.
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || PYTHON=python3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/requirements.txt" <<REQ
ziglang==$VERSION \\
  --hash=sha256:806316453d1ede7174ed3fefb8e5348154629089c3bb5fe812dfd0e172fac130 \\
  --hash=sha256:edc0aa60ec964a4cf462d40f68d7de242ddf37fd9a80f2afaee6397059463230
REQ

# Built aside and renamed, so an interrupted run leaves no partial venv.
mkdir -p "$CACHE"
rm -rf "$DEST.tmp"
"$PYTHON" -m venv "$DEST.tmp"
"$DEST.tmp/bin/python3" -m pip install --quiet --disable-pip-version-check \
  --only-binary=:all: --require-hashes -r "$work/requirements.txt"
"$DEST.tmp/bin/python3" -m ziglang version | grep -qx "$VERSION"
touch "$DEST.tmp/.complete"
rm -rf "$DEST"
mv "$DEST.tmp" "$DEST"
echo "zig: ziglang $VERSION in $DEST"
fill_cache
