#!/usr/bin/env bash
# Test data for the C toolchain's real-world build: SQLite's amalgamation
# (sqlite3.c) and its command-line shell (shell.c), taken from the npm
# package `sqlite3`, which vendors SQLite's autoconf tarball. Pinned by
# version and checksum; unpacked once into the test cache:
#   ${MBHOST_TEST_CACHE:-$HOME/.cache/mbhost-tests}/sqlite-3520000/
# Safe to run again: it does nothing when the files are there.
set -euo pipefail

NPM_PACKAGE=sqlite3@6.0.1
TARBALL=sqlite-autoconf-3520000
TARBALL_SHA256=f6b50b0c103392af32a8be15b2b9d25959de9a00a70c3979128aafeaa5338b3f
CACHE="${MBHOST_TEST_CACHE:-$HOME/.cache/mbhost-tests}"
DEST="$CACHE/sqlite-3520000"
FILES=(sqlite3.c sqlite3.h sqlite3ext.h shell.c)

if [ -f "$DEST/.complete" ]; then
  echo "toolchains: SQLite sources already in $DEST"
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "toolchains: installing npm to fetch the SQLite sources"
  "$(dirname "$0")/../apt.sh" install -y -qq --no-install-recommends npm >/dev/null
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$NPM_PACKAGE" >/dev/null)
tar --no-same-owner -xzf "$work"/sqlite3-*.tgz -C "$work" "package/deps/$TARBALL.tar.gz"
echo "$TARBALL_SHA256  $work/package/deps/$TARBALL.tar.gz" | sha256sum -c --quiet
tar --no-same-owner -xzf "$work/package/deps/$TARBALL.tar.gz" -C "$work" \
  "${FILES[@]/#/$TARBALL/}"

# Written aside and renamed, so an interrupted run leaves no partial copy.
mkdir -p "$CACHE"
rm -rf "$DEST.tmp"
mv "$work/$TARBALL" "$DEST.tmp"
touch "$DEST.tmp/.complete"
rm -rf "$DEST"
mv "$DEST.tmp" "$DEST"
echo "toolchains: SQLite sources in $DEST"
