#!/usr/bin/env bash
# Test data for the C toolchain's make mode on a real project: bzip2 1.0.8
# (its own Makefile, sources and sample files), as vendored by the crate
# `bzip2-sys` on crates.io. Pinned by version and by the sha256 of the
# .crate; fetched with cargo (into its usual registry cache) and unpacked
# once into the test cache:
#   ${MBHOST_TEST_CACHE:-$HOME/.cache/mbhost-tests}/bzip2-1.0.8/
# Safe to run again: it does nothing when the files are there.
set -euo pipefail

CRATE=bzip2-sys
VERSION=0.1.13+1.0.8
CRATE_SHA256=225bff33b2141874fe80d71e07d6eec4f85c5c216453dd96388240f96e1acc14
CACHE="${MBHOST_TEST_CACHE:-$HOME/.cache/mbhost-tests}"
DEST="$CACHE/bzip2-1.0.8"

if [ -f "$DEST/.complete" ]; then
  echo "bzip2: sources already in $DEST"
  exit 0
fi
if ! command -v cargo >/dev/null 2>&1; then
  echo "bzip2: cargo is needed to fetch the crate $CRATE (install rustup or Debian's cargo)" >&2
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/fetch/src"
printf '[package]\nname = "fetch"\nversion = "0.0.0"\nedition = "2021"\n\n[dependencies]\n%s = "=%s"\n' \
  "$CRATE" "$VERSION" >"$work/fetch/Cargo.toml"
touch "$work/fetch/src/lib.rs"
cargo fetch --quiet --manifest-path "$work/fetch/Cargo.toml"
crate=$(ls "${CARGO_HOME:-$HOME/.cargo}"/registry/cache/*/"$CRATE-$VERSION.crate" | head -1)
echo "$CRATE_SHA256  $crate" | sha256sum -c --quiet
tar --no-same-owner -xzf "$crate" -C "$work" "$CRATE-$VERSION/bzip2-1.0.8"

# Written aside and renamed, so an interrupted run leaves no partial copy.
mkdir -p "$CACHE"
rm -rf "$DEST.tmp"
mv "$work/$CRATE-$VERSION/bzip2-1.0.8" "$DEST.tmp"
touch "$DEST.tmp/.complete"
rm -rf "$DEST"
mv "$DEST.tmp" "$DEST"
echo "bzip2: sources in $DEST"
