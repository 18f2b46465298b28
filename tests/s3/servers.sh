# Helpers for the S3 exporter's end-to-end tests: source after tests/lib.sh.
# They start real S3 servers on 127.0.0.1 (MinIO, built by
# scripts/setup.d/s3.sh; s3rver, from tests/s3/package.json), the fault
# proxy, and run the independent client (awscli) against them. A server
# that is not installed fails the test with what to run; nothing is skipped.

S3_DIR="$MBHOST_SOURCE_DIR/tests/s3"
S3_TEST_CACHE="${MBHOST_TEST_CACHE:-$HOME/.cache/mbhost-tests}"
S3_PIDS=()
S3_BUCKET=releases

s3_cleanup() {
  local pid
  for pid in "${S3_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${S3_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$T"
}
trap s3_cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_http URL NAME LOG: waits (30 s at most) until URL answers at all.
wait_http() {
  local i
  for i in $(seq 1 150); do
    if python3 - "$1" <<'PY' 2>/dev/null; then return 0; fi
import sys, urllib.request, urllib.error
try:
    urllib.request.urlopen(sys.argv[1], timeout=1)
except urllib.error.HTTPError:
    pass  # an HTTP answer, even an error, means it is up
PY
    sleep 0.2
  done
  cat "$3" >&2 || true
  fail "$2 did not start ($1)"
}

# The independent client: Debian's awscli (scripts/packages/s3.txt).
AWS_BIN=$(command -v /usr/bin/aws || command -v aws || true)
[ -n "$AWS_BIN" ] || fail "awscli is not installed: run scripts/setup.sh --test"

# s3cli ARGS...: awscli against $S3_ENDPOINT with the server's credentials,
# reading no user configuration.
s3cli() {
  with_creds env AWS_DEFAULT_REGION=us-east-1 \
    "$AWS_BIN" --endpoint-url "$S3_ENDPOINT" --no-cli-pager "$@"
}

# start_minio: a fresh MinIO with an empty data folder and bucket
# $S3_BUCKET; sets S3_ENDPOINT, S3_KEY, S3_SECRET, S3_HOSTPORT.
start_minio() {
  local minio
  minio="$S3_TEST_CACHE/minio-$(cat "$S3_DIR/minio-version.txt")/minio"
  [ -x "$minio" ] || fail "MinIO is not installed at $minio: run scripts/setup.sh --test (scripts/setup.d/s3.sh builds it)"
  local port
  port=$(free_port)
  S3_KEY=mbhost-test-key
  S3_SECRET=mbhostTestSecret-$RANDOM$RANDOM
  mkdir -p "$T/minio-data"
  MINIO_ROOT_USER="$S3_KEY" MINIO_ROOT_PASSWORD="$S3_SECRET" \
    MINIO_BROWSER=off MINIO_UPDATE=off \
    "$minio" server --quiet --address "127.0.0.1:$port" "$T/minio-data" \
    >"$T/minio.log" 2>&1 &
  S3_PIDS+=($!)
  S3_HOSTPORT="127.0.0.1:$port"
  S3_ENDPOINT="http://$S3_HOSTPORT"
  wait_http "$S3_ENDPOINT/minio/health/live" MinIO "$T/minio.log"
  s3cli s3api create-bucket --bucket "$S3_BUCKET" >/dev/null
}

# start_s3rver: the s3rver npm package (tests/s3/package.json), with
# bucket $S3_BUCKET and its fixed credentials S3RVER/S3RVER.
start_s3rver() {
  local bin="$S3_DIR/node_modules/.bin/s3rver"
  [ -x "$bin" ] || fail "s3rver is not installed in $S3_DIR/node_modules: run scripts/setup.sh --test (npm ci in tests/s3)"
  command -v node >/dev/null || fail "node is not installed: run scripts/setup.sh --test"
  local port
  port=$(free_port)
  mkdir -p "$T/s3rver-data"
  "$bin" -d "$T/s3rver-data" -a 127.0.0.1 -p "$port" -s \
    --configure-bucket "$S3_BUCKET" >"$T/s3rver.log" 2>&1 &
  S3_PIDS+=($!)
  S3_KEY=S3RVER
  S3_SECRET=S3RVER
  S3_HOSTPORT="127.0.0.1:$port"
  S3_ENDPOINT="http://$S3_HOSTPORT"
  wait_http "$S3_ENDPOINT/" s3rver "$T/s3rver.log"
}

# start_proxy: the fault proxy in front of $S3_HOSTPORT; sets PROXY_ENDPOINT,
# PROXY_RULES (write JSON rules there) and PROXY_LOG.
start_proxy() {
  PROXY_RULES="$T/proxy-rules.json"
  PROXY_LOG="$T/proxy.log"
  echo '[]' >"$PROXY_RULES"
  : >"$PROXY_LOG"
  python3 "$S3_DIR/faultproxy.py" --upstream "$S3_HOSTPORT" \
    --rules "$PROXY_RULES" --log "$PROXY_LOG" --port-file "$T/proxy.port" \
    >"$T/proxy.out" 2>&1 &
  S3_PIDS+=($!)
  local i
  for i in $(seq 1 100); do
    [ -s "$T/proxy.port" ] && break
    sleep 0.1
  done
  [ -s "$T/proxy.port" ] || { cat "$T/proxy.out" >&2; fail "the fault proxy did not start"; }
  PROXY_ENDPOINT="http://127.0.0.1:$(cat "$T/proxy.port")"
}

# with_creds CMD...: runs CMD with the server's credentials in the
# environment (and no user AWS configuration).
with_creds() {
  env -u AWS_SESSION_TOKEN -u AWS_PROFILE -u AWS_DEFAULT_PROFILE \
    AWS_ACCESS_KEY_ID="$S3_KEY" AWS_SECRET_ACCESS_KEY="$S3_SECRET" \
    AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null "$@"
}

# use_creds KEY SECRET [TOKEN]: exports credentials for the next mbhost
# runs; use_creds with no arguments leaves none at all.
use_creds() {
  unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN \
    AWS_PROFILE AWS_DEFAULT_PROFILE
  export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
  if [ $# -ge 2 ]; then export AWS_ACCESS_KEY_ID="$1" AWS_SECRET_ACCESS_KEY="$2"; fi
  if [ $# -ge 3 ]; then export AWS_SESSION_TOKEN="$3"; fi
}

# s3_artifacts: "URL<TAB>FILE<TAB>SHA256<TAB>KIND<TAB>NAME" for each
# artifact the s3 exporter recorded in $OUTPUT/artifacts.json (FILE
# resolved against $OUTPUT).
s3_artifacts() {
  python3 - "$OUTPUT/artifacts.json" <<'PY'
import json, os, sys
doc = json.load(open(sys.argv[1]))
base = os.path.dirname(sys.argv[1])
for a in doc["artifacts"]:
    if a.get("exporter") == "s3":
        print(a["url"], os.path.join(base, a["path"]), a["sha256"], a["kind"],
              a["name"], sep="\t")
PY
}

# expect_object KEY FILE: the object reads back (through awscli) with the
# same SHA-256 as FILE.
expect_object() {
  local got="$T/readback.$$"
  s3cli s3 cp --only-show-errors "s3://$S3_BUCKET/$1" "$got" ||
    fail "s3://$S3_BUCKET/$1 cannot be read back"
  local want_sum got_sum
  want_sum=$(sha256sum <"$2" | cut -d' ' -f1)
  got_sum=$(sha256sum <"$got" | cut -d' ' -f1)
  rm -f "$got"
  [ "$want_sum" = "$got_sum" ] ||
    fail "s3://$S3_BUCKET/$1 differs from $2 ($got_sum != $want_sum)"
}

# expect_no_uploads: no multipart upload is left in the bucket.
expect_no_uploads() {
  local left
  left=$(s3cli s3api list-multipart-uploads --bucket "$S3_BUCKET" \
    --query 'length(Uploads || `[]`)' --output text)
  [ "$left" = 0 ] || fail "$left multipart upload(s) left in the bucket"
}

# big_fixture DIR SIZE_MIB: a copy of fixtures/big-go whose binary carries
# SIZE_MIB of random bytes (generated now, never committed).
big_fixture() {
  cp -r "$S3_DIR/fixtures/big-go" "$1"
  head -c "$(($2 * 1024 * 1024))" /dev/urandom >"$1/payload.bin"
}

# big_ini FILE SOURCE OUTPUT ARCHES PREFIX ENDPOINT [S3 LINE...]: an INI
# that builds the big fixture in SOURCE for linux/ARCHES and exports it
# with `local, s3`; each extra argument is one more [export.s3] line.
big_ini() {
  local file=$1 source=$2 output=$3 arches=$4 prefix=$5 endpoint=$6
  shift 6
  {
    printf '[project]\nname = big\nsource = %s\noutput = %s\n\n' "$source" "$output"
    printf '[matrix]\nos = linux\narch = %s\n\n[toolchain]\nuse = go\n\n' "$arches"
    printf '[export]\nuse = local, s3\n\n'
    printf '[export.s3]\nbucket = %s\nprefix = %s\nendpoint = %s\n' \
      "$S3_BUCKET" "$prefix" "$endpoint"
    printf '%s\n' "$@"
  } >"$file"
}
