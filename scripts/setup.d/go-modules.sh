#!/usr/bin/env bash
# Test data for the Go toolchain's real-module tests: two modules from the
# Go module proxy, pinned by version and checksum (the go.sum hash `go mod
# download` verifies against the checksum database, and the zip's sha256),
# unpacked with their dependencies vendored (`go mod vendor`), so the
# tests build offline:
#   ${MBHOST_TEST_CACHE:-$HOME/.cache/mbhost-tests}/go-gojq-v0.12.17/
#       one main package in cmd/gojq, the root a library
#   ${MBHOST_TEST_CACHE:-$HOME/.cache/mbhost-tests}/go-sh-v3.12.0/
#       two main packages, cmd/gosh and cmd/shfmt
# Safe to run again: it does nothing when the folders are there.
set -euo pipefail

CACHE="${MBHOST_TEST_CACHE:-$HOME/.cache/mbhost-tests}"
# module@version, folder, go.sum hash, sha256 of the proxy's zip
MODULES=(
  "github.com/itchyny/gojq@v0.12.17 go-gojq-v0.12.17 h1:8av8eGduDb5+rvEdaOO+zQUjA04MS0m3Ps8HiD+fceg= 324888343247749c1edc4b391adafd17700434d6236522b02513e7f3fdd35c24"
  "mvdan.cc/sh/v3@v3.12.0 go-sh-v3.12.0 h1:ejKUR7ONP5bb+UGHGEG/k9V5+pRVIyD+LsZz7o8KHrI= e5c1949ada636589ba1d0621274bd6d2e7b46f9def4181cc4fb0e97b7a8779ef"
)

work=$(mktemp -d)
# The module cache is read-only by design; make it removable.
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
# A private module cache: what the tests use is exactly what was fetched.
export GOMODCACHE="$work/mod" GOFLAGS=-mod=mod

for entry in "${MODULES[@]}"; do
  read -r module folder sum zip_sha256 <<<"$entry"
  dest="$CACHE/$folder"
  if [ -f "$dest/.complete" ]; then
    echo "go-modules: $module already in $dest"
    continue
  fi
  json=$(go mod download -json "$module")
  got_sum=$(sed -n 's/^\t"Sum": "\(.*\)",$/\1/p' <<<"$json")
  zip=$(sed -n 's/^\t"Zip": "\(.*\)",$/\1/p' <<<"$json")
  dir=$(sed -n 's/^\t"Dir": "\(.*\)",$/\1/p' <<<"$json")
  [ "$got_sum" = "$sum" ] || { echo "go-modules: $module has hash $got_sum, expected $sum" >&2; exit 1; }
  echo "$zip_sha256  $zip" | sha256sum -c --quiet
  rm -rf "$dest.tmp"
  mkdir -p "$dest.tmp"
  cp -r "$dir/." "$dest.tmp/"
  chmod -R u+w "$dest.tmp"
  # go.sum pins every dependency; vendoring checks them against it.
  (cd "$dest.tmp" && go mod vendor)
  touch "$dest.tmp/.complete"
  rm -rf "$dest"
  mv "$dest.tmp" "$dest"
  echo "go-modules: $module in $dest"
done
