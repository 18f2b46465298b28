#!/usr/bin/env bash
# Test data for `mbhost init` on a C project with a lowercase `makefile`
# and an amalgamation: Lua 5.4.8's development tree (its `makefile`,
# onelua.c, which #includes every other .c file, and its test folder
# `testes/` with test libraries), as vendored by the PyPI package `lupa`
# (third-party/lua54, a copy of github.com/lua/lua). Pinned by version and
# by the sha256 of the sdist; unpacked once into the test cache:
#   ${MBHOST_TEST_CACHE:-$HOME/.cache/mbhost-tests}/lua-5.4.8/
# Safe to run again: it does nothing when the files are there.
#
# The sdist is downloaded from PyPI's files host rather than with
# `pip download`: pip would run lupa's setup.py to read its metadata, and
# that builds LuaJIT (minutes, and code from the package run at set-up).
set -euo pipefail

PACKAGE=lupa
VERSION=2.8
SDIST_SHA256=d8022641b9ec8ecf2c5ecbe9f47e5a70e0b87c4b5ae921b92cb02a638e0acd08
# PyPI's address of that file (its JSON API, /pypi/lupa/2.8/json, lists it).
URL=https://files.pythonhosted.org/packages/c3/a6/0f869fbb07c393f15473b1eefefb7b5bec162fb7481803d040ed4dc46002/$PACKAGE-$VERSION.tar.gz
CACHE="${MBHOST_TEST_CACHE:-$HOME/.cache/mbhost-tests}"
DEST="$CACHE/lua-5.4.8"

if [ -f "$DEST/.complete" ]; then
  echo "lua: sources already in $DEST"
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
curl --fail --silent --show-error --location --retry 3 -o "$work/sdist.tar.gz" "$URL"
echo "$SDIST_SHA256  $work/sdist.tar.gz" | sha256sum -c --quiet
tar --no-same-owner -xzf "$work/sdist.tar.gz" -C "$work" "$PACKAGE-$VERSION/third-party/lua54"
grep -q '#define LUA_VERSION_RELEASE[[:space:]]*"8"' "$work/$PACKAGE-$VERSION/third-party/lua54/lua.h"

# Written aside and renamed, so an interrupted run leaves no partial copy.
mkdir -p "$CACHE"
rm -rf "$DEST.tmp"
mv "$work/$PACKAGE-$VERSION/third-party/lua54" "$DEST.tmp"
touch "$DEST.tmp/.complete"
rm -rf "$DEST"
mv "$DEST.tmp" "$DEST"
echo "lua: sources in $DEST"
