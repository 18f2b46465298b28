#!/usr/bin/env bash
# Test servers for the S3 exporter's tests (tests/s3/):
# - MinIO, built with `go install` from the Go module proxy at the version
#   pinned in tests/s3/minio-version.txt (MinIO's RELEASE.* tags are not
#   semantic versions, so the proxy serves it by pseudo-version), into
#     ${MBHOST_TEST_CACHE:-$HOME/.cache/mbhost-tests}/minio-VERSION/minio
#   and reused from there (the build takes a few minutes);
# - s3rver, from npm, as locked in tests/s3/package-lock.json
#   (tests/s3/node_modules, ignored by git).
# awscli, the independent client, is a Debian package (packages/s3.txt).
# Safe to run again: MinIO is built only when missing.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
MINIO_VERSION=$(cat "$ROOT/tests/s3/minio-version.txt")
CACHE="${MBHOST_TEST_CACHE:-$HOME/.cache/mbhost-tests}"
DEST="$CACHE/minio-$MINIO_VERSION"

if [ -x "$DEST/minio" ]; then
  echo "s3: MinIO $MINIO_VERSION already in $DEST"
else
  echo "s3: building MinIO $MINIO_VERSION with $(go version) (a few minutes)"
  # Built aside and renamed, so an interrupted build leaves no binary.
  rm -rf "$DEST.tmp"
  mkdir -p "$DEST.tmp"
  GOBIN="$DEST.tmp" GOFLAGS=-buildvcs=false \
    go install "github.com/minio/minio@$MINIO_VERSION"
  rm -rf "$DEST"
  mv "$DEST.tmp" "$DEST"
fi

if ! command -v npm >/dev/null 2>&1; then
  echo "s3: installing node and npm for s3rver"
  "$ROOT/scripts/apt.sh" install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
echo "s3: installing s3rver (tests/s3/package-lock.json)"
npm ci --prefix "$ROOT/tests/s3" --no-audit --no-fund --loglevel=error
