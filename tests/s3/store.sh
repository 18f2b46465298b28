# Contract test of the s3 plugin's cache store ("mb.cache-store/1") against
# a real MinIO on 127.0.0.1, through the cache-store client tests/sdk/store_client.c
# (which loads the plugin as the host does):
# - put, has and get of a blob and an action entry, at PREFIX/cas/<sha256>
#   and PREFIX/ac/<key> (read back with awscli; the entry as
#   application/json); a missing object is not found, get leaves no file;
# - eight threads putting, checking and getting blobs at once;
# - a 12 MiB blob uploaded in parts above multipart_threshold, and read
#   back whole;
# - a wrong secret, a missing bucket and a stopped server are errors that
#   name the bucket and the endpoint; missing credentials fail open;
#   a bad bucket name is a configuration error;
# - no secret in anything the driver printed.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"
source "$MBHOST_SOURCE_DIR/tests/s3/servers.sh"

CLIENT="$MBHOST_BUILD_DIR/tests/store_client"
PLUGIN="$MBHOST_PLUGIN_BUILD_DIR/mb-exporter-s3.so"
[ -x "$CLIENT" ] || fail "$CLIENT is not built (cmake --build build)"
ALL_OUTPUT="$T/all-output.txt"
: >"$ALL_OUTPUT"

start_minio
use_creds "$S3_KEY" "$S3_SECRET"
PREFIX=team/cache

# store WANT_EXIT [KEY=VALUE...] -- OP ARGS...: the client against MinIO
# with the bucket, prefix and endpoint set (later KEY=VALUEs win); output
# in $OUT.
store() {
  local want=$1 rc=0 opts=(-o bucket="$S3_BUCKET" -o prefix="$PREFIX" -o endpoint="$S3_ENDPOINT")
  shift
  while [ "$1" != -- ]; do opts+=(-o "$1") && shift; done
  shift
  OUT=$("$CLIENT" "$PLUGIN" "${opts[@]}" "$@" 2>&1) || rc=$?
  printf '%s\n' "$OUT" >>"$ALL_OUTPUT"
  if [ "$rc" != "$want" ]; then
    echo "$OUT" >&2
    fail "store $* exited $rc, expected $want"
  fi
}

sha() { sha256sum <"$1" | cut -d' ' -f1; }

# --- put, has, get of a blob and an action entry --------------------------
head -c 100000 /dev/urandom >"$T/blob"
blob=$(sha "$T/blob")
key=$(printf 'action' | sha256sum | cut -d' ' -f1)
printf '{"outputFiles":[{"path":"hello","digest":{"hash":"%s","sizeBytes":100000},"isExecutable":true}],"exitCode":0}' \
  "$blob" >"$T/entry.json"

store 4 -- has cas "$blob"
store 4 -- get cas "$blob" "$T/got"
[ ! -e "$T/got" ] || fail "a get that found nothing left $T/got"
store 4 -- get ac "$key" "$T/got"
store 0 -- put cas "$blob" "$T/blob"
store 0 -- put ac "$key" "$T/entry.json"
store 0 -- has cas "$blob"
store 0 -- has ac "$key"
store 0 -- get cas "$blob" "$T/got"
cmp "$T/blob" "$T/got" || fail "the blob came back different"
store 0 -- get ac "$key" "$T/got.json"
cmp "$T/entry.json" "$T/got.json" || fail "the action entry came back different"
# Replacing an object is fine; get truncates what the file held.
head -c 5000000 /dev/urandom >"$T/got"
store 0 -- put cas "$blob" "$T/blob"
store 0 -- get cas "$blob" "$T/got"
cmp "$T/blob" "$T/got" || fail "get did not replace the file's content"
pass "put, has, get; a missing object is not found"

expect_object "$PREFIX/cas/$blob" "$T/blob"
expect_object "$PREFIX/ac/$key" "$T/entry.json"
type=$(s3cli s3api head-object --bucket "$S3_BUCKET" --key "$PREFIX/ac/$key" --query ContentType --output text)
[ "$type" = application/json ] || fail "action entry's content type: $type"
# A prefix given with slashes around it names the same objects.
store 0 prefix="/$PREFIX/" -- has cas "$blob"
store 4 prefix=elsewhere -- has cas "$blob"
store 0 prefix= -- put cas "$blob" "$T/blob"
expect_object "cas/$blob" "$T/blob"
pass "objects at PREFIX/cas/<sha256> and PREFIX/ac/<key>; the entry as application/json"

# Names are the interface's: 64 lowercase hex digits.
store 1 -- has cas "../$blob"
expect_output "error: no object name"
store 1 -- get cas ABC "$T/x"
pass "a name that is not 64 hex digits is refused"

# --- concurrent calls ------------------------------------------------------
files=()
for i in 1 2 3 4 5 6 7 8; do
  head -c $((i * 300000)) /dev/urandom >"$T/many-$i"
  files+=("$T/many-$i")
done
store 0 -- parallel "${files[@]}"
for f in "${files[@]}"; do expect_object "$PREFIX/cas/$(sha "$f")" "$f"; done
pass "8 threads put, has and get at once"

# --- a large blob: multipart -----------------------------------------------
head -c $((12 * 1024 * 1024)) /dev/urandom >"$T/big"
big=$(sha "$T/big")
store 0 multipart_threshold=$((5 * 1024 * 1024)) part_size=$((5 * 1024 * 1024)) \
  -- put cas "$big" "$T/big"
etag=$(s3cli s3api head-object --bucket "$S3_BUCKET" --key "$PREFIX/cas/$big" --query ETag --output text)
[[ "$etag" == *'-3"' ]] || fail "ETag $etag is not that of a 3-part upload"
expect_no_uploads
store 0 -- get cas "$big" "$T/big.back"
cmp "$T/big" "$T/big.back" || fail "the large blob came back different"
pass "12 MiB blob uploaded in 3 parts and read back whole"

# --- errors ----------------------------------------------------------------
use_creds "$S3_KEY" "wrong-$S3_SECRET"
store 1 retries=2 -- get cas "$blob" "$T/x"
expect_output "SignatureDoesNotMatch"
expect_output "s3://$S3_BUCKET/$PREFIX/cas/$blob"
expect_output "endpoint $S3_ENDPOINT"
[ ! -e "$T/x" ] || fail "a failed get left its file"
store 1 retries=2 -- has cas "$blob"
expect_output "HTTP 403"
expect_output "endpoint $S3_ENDPOINT"
store 1 retries=2 -- put cas "$blob" "$T/blob"
expect_output "SignatureDoesNotMatch"
pass "wrong secret: an error naming the bucket and the endpoint"

use_creds "$S3_KEY" "$S3_SECRET"
store 1 bucket=no-such-bucket -- get cas "$blob" "$T/x"
expect_output "NoSuchBucket"
expect_output "s3://no-such-bucket/"
store 1 bucket=no-such-bucket -- put cas "$blob" "$T/blob"
expect_output "NoSuchBucket"
pass "missing bucket: an error, not a miss"

dead_port=$(free_port)
store 1 endpoint="http://127.0.0.1:$dead_port" retries=5 -- get cas "$blob" "$T/x"
expect_output "cannot connect to http://127.0.0.1:$dead_port"
expect_output "s3://$S3_BUCKET/"
# No retries: the host stops asking a store after its first error, so a
# server that cannot be reached costs one attempt per run.
if grep -q "retry" <<<"$OUT"; then fail "the store retried a server that cannot be reached"; fi
if grep -q '^warning' <<<"$OUT"; then fail "retries were warnings, not -v lines: $OUT"; fi
store 1 endpoint="http://127.0.0.1:$dead_port" retries=1 -- has cas "$blob"
expect_output "cannot connect to http://127.0.0.1:$dead_port"
pass "a stopped server: an error after the retries, which stay -v lines"

use_creds
store 1 -- has cas "$blob"
expect_output "error: open: no AWS credentials"
use_creds "$S3_KEY" "$S3_SECRET"
store 2 bucket=Bad_Bucket -- has cas "$blob"
expect_output "config:[0-9]+: bucket: 'Bad_Bucket' is not a valid bucket name"
store 2 prefix=a//b -- has cas "$blob"
expect_output "config:[0-9]+: prefix: 'a//b' has an empty"
store 2 acl=private -- has cas "$blob"
expect_output "config:[0-9]+: acl: unknown key"
pass "missing credentials fail open; bad settings are configuration errors"

store 0 -- describe
expect_output "info: remote cache s3://$S3_BUCKET/$PREFIX/cas/<sha256>, s3://$S3_BUCKET/$PREFIX/ac/<key>"
expect_output "info: endpoint $S3_ENDPOINT, region us-east-1, credentials from the environment"

# --- secrets ---------------------------------------------------------------
sts=$(s3cli sts assume-role --role-arn arn:xxx:xxx:xxx:xxxx --role-session-name mbhost \
  --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text)
read -r tmp_key tmp_secret tmp_token <<<"$sts"
use_creds "$tmp_key" "$tmp_secret" "$tmp_token"
store 0 -- get cas "$blob" "$T/got"
store 0 -- describe
use_creds "$tmp_key" "wrong-$tmp_secret" "$tmp_token"
store 1 retries=1 -- get cas "$blob" "$T/got"
for secret in "$S3_SECRET" "$tmp_secret" "$tmp_token"; do
  if grep -qF -- "$secret" "$ALL_OUTPUT"; then fail "a secret appears in the store's output"; fi
done
pass "session credentials work; no secret in any output"
