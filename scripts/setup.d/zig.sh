#!/usr/bin/env bash
# zig, the C cross compiler of the C toolchain's `cc = zig` tests, from
# PyPI's `ziglang` package (the zig release as a wheel), pinned by version
# and by the sha256 of its wheels for x86_64 and aarch64 hosts. Installed
# once into a virtual environment in the test cache:
#   ${MBHOST_TEST_CACHE:-$HOME/.cache/mbhost-tests}/zig-0.15.2/
# The tests put its bin/ first in PATH, so the C toolchain finds zig through
# that venv's `python3 -m ziglang`, as it would for a user's pip install.
# Safe to run again: it does nothing when the venv is there.
# `zig.sh --dir` prints the venv's folder (the tests' one source for it).
set -euo pipefail

VERSION=0.15.2
CACHE="${MBHOST_TEST_CACHE:-$HOME/.cache/mbhost-tests}"
DEST="$CACHE/zig-$VERSION"
if [ "${1:-}" = --dir ]; then
  echo "$DEST"
  exit 0
fi

if [ -f "$DEST/.complete" ]; then
  echo "zig: ziglang $VERSION already in $DEST"
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
