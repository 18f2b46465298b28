#!/usr/bin/env bash
# The Rust cross tests: Debian's standard library for arm64 (a foreign
# architecture, so dpkg must know arm64 and apt must read its lists), and
# a crate from crates.io, pinned by version and checksum and vendored for
# cargo's offline builds:
#   ${MBHOST_TEST_CACHE:-$HOME/.cache/mbhost-tests}/rust-vendor/itoa-1.0.9/
# The crate is fetched from crates.io's download address rather than with
# `cargo vendor`: Debian 12's cargo reads the crates.io index only as a git
# clone. Safe to run again: it does only what is missing.
set -euo pipefail

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
apt_get() { $SUDO apt-get -o DPkg::Lock::Timeout=600 "$@"; }

if ! dpkg-query -W -f='${Status}' libstd-rust-dev:arm64 2>/dev/null | grep -q "ok installed"; then
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    echo "rust-cross: adding the arm64 architecture"
    $SUDO dpkg --add-architecture arm64
  fi
  apt_get update -qq
  # The same version as Debian's rustc, which the std must match exactly.
  version=$(dpkg-query -W -f='${Version}' rustc)
  echo "rust-cross: installing libstd-rust-dev:arm64 $version"
  apt_get install -y -qq --no-install-recommends "libstd-rust-dev:arm64=$version" >/dev/null
fi

CRATE=itoa
VERSION=1.0.9
SHA256=af150ab688ff2122fcef229be89cb50dd66af9e01a4ff320cc137eecc9bacc38
CACHE="${MBHOST_TEST_CACHE:-$HOME/.cache/mbhost-tests}"
DEST="$CACHE/rust-vendor/$CRATE-$VERSION"
if [ -f "$DEST/.cargo-checksum.json" ]; then
  echo "rust-cross: $CRATE $VERSION already in $DEST"
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
curl -sSfL -o "$work/crate.tar.gz" "https://static.crates.io/crates/$CRATE/$CRATE-$VERSION.crate"
echo "$SHA256  $work/crate.tar.gz" | sha256sum -c --quiet
tar --no-same-owner -xzf "$work/crate.tar.gz" -C "$work"
# A vendored crate: cargo checks the package's checksum against Cargo.lock
# (the file list may be empty). Written last, it marks the copy complete.
mkdir -p "$CACHE/rust-vendor"
rm -rf "$DEST"
mv "$work/$CRATE-$VERSION" "$DEST"
printf '{"files":{},"package":"%s"}\n' "$SHA256" > "$DEST/.cargo-checksum.json.tmp"
mv "$DEST/.cargo-checksum.json.tmp" "$DEST/.cargo-checksum.json"
echo "rust-cross: $CRATE $VERSION in $DEST"
