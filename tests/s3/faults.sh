# End-to-end: the s3 exporter through a fault-injecting proxy
# (faultproxy.py) in front of a real MinIO on 127.0.0.1.
# - transient faults (503, SlowDown, dropped connections, a 200 answer with
#   an <Error> body on CompleteMultipartUpload) are retried and the upload
#   completes with identical content;
# - a permanent fault in the middle of a multipart upload fails the run and
#   the upload is aborted (the proxy saw the AbortMultipartUpload, and
#   MinIO lists no upload left); so does an interrupt;
# - when one object of several fails, the ones uploaded are removed again.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"
source "$MBHOST_SOURCE_DIR/tests/s3/servers.sh"

start_minio
start_proxy
use_creds "$S3_KEY" "$S3_SECRET"

# 12 MiB of payload: a binary of three 5 MiB parts.
big_fixture "$T/big" 12
big_ini "$T/big.ini" "$T/big" "$T/out" amd64 transient "$PROXY_ENDPOINT" \
  "multipart_threshold = 8MiB" "part_size = 5MiB" "concurrency = 2" "retries = 4"
BIG="$T/out/linux/amd64/big"
KEY=linux/amd64/big

# rules JSON: sets the proxy's rules and empties its log.
rules() {
  printf '%s\n' "$1" >"$PROXY_RULES"
  : >"$PROXY_LOG"
}

# expect_log ERE: the proxy log has a matching line.
expect_log() {
  grep -qE -- "$1" "$PROXY_LOG" || { cat "$PROXY_LOG" >&2; fail "the proxy log lacks /$1/"; }
}

# --- transient faults on every step of a multipart upload -----------------
rules '[
  {"method": "POST", "query": "uploads=", "fault": "503", "times": 1},
  {"method": "PUT", "query": "partNumber=1&", "fault": "slowdown", "times": 1},
  {"method": "PUT", "query": "partNumber=2&", "fault": "drop", "times": 1},
  {"method": "PUT", "query": "partNumber=3&", "fault": "503", "times": 2},
  {"method": "POST", "query": "uploadId=", "fault": "error200", "times": 1}
]'
run_mbhost 0 --config "$T/big.ini"
for fault in "POST .*uploads=.* -> FAULT 503" "partNumber=1&.* -> FAULT slowdown" \
  "partNumber=2&.* -> FAULT drop" "partNumber=3&.* -> FAULT 503" \
  "POST .*uploadId=.* -> FAULT error200" "POST .*uploadId=.* -> 200"; do
  expect_log "$fault"
done
expect_output "UploadPart s3://$S3_BUCKET/transient/$KEY \(part 1\): SlowDown \(HTTP 503\).*retry 1 of 3"
expect_output "InternalError \(HTTP 200\)"
expect_object "transient/$KEY" "$BIG"
expect_no_uploads
pass "transient multipart faults retried; content identical"

# --- transient faults on a single PutObject --------------------------------
rules '[
  {"method": "PUT", "query": "-", "fault": "503", "times": 2},
  {"method": "PUT", "query": "-", "fault": "drop", "times": 1}
]'
run_mbhost 0 --config "$T/big.ini" --set export.s3.prefix=single \
  --set export.s3.multipart_threshold=64MiB
[ "$(grep -c "^PUT /$S3_BUCKET/single/$KEY -> FAULT" "$PROXY_LOG")" = 3 ] ||
  { cat "$PROXY_LOG" >&2; fail "expected 3 faults on the PutObject"; }
expect_log "^PUT /$S3_BUCKET/single/$KEY -> 200"
expect_object "single/$KEY" "$BIG"
pass "transient PutObject faults retried; content identical"

# --- a permanent fault in the middle of a multipart upload ------------------
rules '[{"method": "PUT", "query": "partNumber=2&", "fault": "503"}]'
run_mbhost 1 --config "$T/big.ini" --set export.s3.prefix=permanent
expect_output "UploadPart s3://$S3_BUCKET/permanent/$KEY \(part 2\): .*HTTP 503.*gave up after 4 attempts"
expect_output "aborted the multipart upload of s3://$S3_BUCKET/permanent/$KEY"
expect_log "^DELETE /$S3_BUCKET/permanent/$KEY\?uploadId=.* -> 204"
expect_no_uploads
if s3cli s3api head-object --bucket "$S3_BUCKET" --key "permanent/$KEY" >/dev/null 2>&1; then
  fail "a failed upload left an object"
fi
pass "permanent fault: exit 1, AbortMultipartUpload sent, nothing left"

# --- an interrupt in the middle of a multipart upload -----------------------
rules '[{"method": "PUT", "query": "partNumber=2&", "fault": "stall"}]'
"$MBHOST" --config "$T/big.ini" --set export.s3.prefix=interrupted >"$T/interrupted.out" 2>&1 &
pid=$!
for _ in $(seq 1 300); do
  grep -q "FAULT stall" "$PROXY_LOG" && break
  sleep 0.2
done
expect_log "FAULT stall"
kill -INT "$pid"
rc=0
wait "$pid" || rc=$?
[ "$rc" = 130 ] || { cat "$T/interrupted.out" >&2; fail "an interrupted run exited $rc, not 130"; }
expect_log "^DELETE /$S3_BUCKET/interrupted/$KEY\?uploadId=.* -> 204"
expect_no_uploads
pass "interrupt: AbortMultipartUpload sent, nothing left"

# --- an answer that trickles in: the timeout bounds the whole answer ------
# 2 bytes/s passes curl's low-speed check; `timeout` must still end each
# attempt, and the run fails with the local export rolled back.
rules '[{"method": "PUT", "query": "-", "fault": "slowbody"}]'
rm -rf "$T/out" && mkdir -p "$T/out" && echo keep >"$T/out/old.txt"
before=$(tree_digest "$T/out")
started=$SECONDS
# The watchdog only turns a hang into a failure; 5 s twice is the expected.
rc=0
OUT=$(timeout 120 "$MBHOST" --config "$T/big.ini" --set export.s3.prefix=slow \
  --set export.s3.multipart_threshold=64MiB --set export.s3.timeout=5s \
  --set export.s3.retries=2 2>&1) || rc=$?
[ "$rc" = 1 ] || { echo "$OUT" >&2; fail "a trickling answer: exit $rc, not 1"; }
expect_output "PutObject s3://$S3_BUCKET/slow/$KEY: .*sent no complete answer within 5s \(the timeout option\).*gave up after 2 attempts"
[ "$(grep -c 'FAULT slowbody' "$PROXY_LOG")" = 2 ] || { cat "$PROXY_LOG" >&2; fail "expected two attempts"; }
[ "$(tree_digest "$T/out")" = "$before" ] || fail "the failed export left the local output changed"
pass "a 2 bytes/s answer fails after 2 attempts of timeout = 5s ($((SECONDS - started)) s), local export rolled back"

# --- one object of several fails: the uploaded ones are removed ------------
cat >"$T/hello.ini" <<INI
[project]
name   = hello
source = $(copy_fixture hello-go)
output = $T/hello-out

[matrix]
os   = linux, windows
arch = amd64

[toolchain]
use = go

[export]
use = s3

[export.s3]
bucket   = $S3_BUCKET
prefix   = partial
endpoint    = $PROXY_ENDPOINT
retries     = 2
concurrency = 1
INI
# One request at a time: the first PutObject goes through, every later one
# fails, whichever object comes first.
rules '[{"method": "PUT", "query": "-", "fault": "503", "after": 1}]'
run_mbhost 1 --config "$T/hello.ini"
expect_output "PutObject s3://$S3_BUCKET/partial/.*gave up after 2 attempts"
[ "$(grep -c '^PUT .* -> 200$' "$PROXY_LOG")" = 1 ] || { cat "$PROXY_LOG" >&2; fail "expected one PutObject to succeed"; }
first=$(sed -n 's/^PUT \(.*\) -> 200$/\1/p' "$PROXY_LOG")
expect_log "^DELETE $first -> 204"
left=$(s3cli s3api list-objects-v2 --bucket "$S3_BUCKET" --prefix partial/ --query 'length(Contents || `[]`)' --output text)
[ "$left" = 0 ] || fail "$left object(s) of a failed export left in the bucket"
pass "a failed export removes what it uploaded"
