# End-to-end: the s3 exporter against a real MinIO on 127.0.0.1.
# - hello-go for four targets with `use = local, s3`: every object reads
#   back (awscli) identical to the local copy, at the documented key, with
#   the expected headers; artifacts.json records each s3:// url;
# - a 20 MiB-payload build: a multipart upload of several parts;
# - credentials from a profile file and from an STS session token;
# - wrong secret, missing bucket, unreachable endpoint, missing credentials
#   fail with exit 1 and a message that says why;
# - no secret or session token ever shows in output (-v, --dry-run, failing
#   runs), logs or the output folders.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"
source "$MBHOST_SOURCE_DIR/tests/s3/servers.sh"

start_minio
export MB_S3_TEST_TAG=v1.2.3
PREFIX="rel/v1.2.3/nightly build+1"
OUTPUT="$T/out"
ALL_OUTPUT="$T/all-output.txt"
: >"$ALL_OUTPUT"

# run EXPECTED_EXIT args...: run_mbhost, keeping every output for the
# secrets check at the end.
run() {
  local rc=0
  run_mbhost "$@" || rc=$?
  printf '%s\n' "$OUT" >>"$ALL_OUTPUT"
  return $rc
}

write_hello_ini() {
  cat >"$T/hello.ini" <<INI
[project]
name    = hello
source  = $(copy_fixture hello-go)
output  = $OUTPUT
version = 1.2.3

[matrix]
os      = linux, windows, darwin
arch    = amd64, arm64
exclude = windows/arm64, darwin/amd64

[toolchain]
use     = go
ldflags = -s -w

[export]
use = local, s3

[export.s3]
bucket        = $S3_BUCKET
prefix        = /rel/\${MB_S3_TEST_TAG}/nightly build+1/
endpoint      = $S3_ENDPOINT
cache_control = max-age=60
retries       = 2
INI
}
write_hello_ini

# --- upload of the example's outputs -------------------------------------
use_creds "$S3_KEY" "$S3_SECRET"
run 0 --config "$T/hello.ini" -v
mapfile -t uploaded < <(s3_artifacts)
[ "${#uploaded[@]}" = 4 ] || fail "expected 4 s3 artifacts, got ${#uploaded[@]}"
for line in "${uploaded[@]}"; do
  IFS=$'\t' read -r url file sha _ <<<"$line"
  key=${url#s3://$S3_BUCKET/}
  expect_object "$key" "$file"
  [ "$(sha256sum <"$file" | cut -d' ' -f1)" = "$sha" ] || fail "artifacts.json sha256 of $url"
done
for target in linux/amd64 linux/arm64 darwin/arm64; do
  grep -qF "s3://$S3_BUCKET/$PREFIX/$target/hello\"" "$OUTPUT/artifacts.json" ||
    fail "no s3 url for $target in artifacts.json"
done
grep -qF "s3://$S3_BUCKET/$PREFIX/windows/amd64/hello.exe\"" "$OUTPUT/artifacts.json" ||
  fail "no s3 url for windows/amd64 in artifacts.json"
head_json=$(s3cli s3api head-object --bucket "$S3_BUCKET" --key "$PREFIX/windows/amd64/hello.exe")
grep -q '"ContentType": "application/vnd.microsoft.portable-executable"' <<<"$head_json" ||
  fail "content type of hello.exe: $head_json"
grep -q '"CacheControl": "max-age=60"' <<<"$head_json" || fail "cache control: $head_json"
local_md5=$(md5sum <"$OUTPUT/windows/amd64/hello.exe" | cut -d' ' -f1)
grep -q "\"ETag\": \"\\\\\"$local_md5\\\\\"\"" <<<"$head_json" || fail "single-part ETag is not the MD5: $head_json"
pass "hello-go outputs uploaded, read back identical, recorded in artifacts.json"

# --- archives: `use = tarball, s3` puts them straight under the prefix ------
sed 's/^use = local, s3$/use = tarball, s3/' "$T/hello.ini" >"$T/tarball.ini"
run 0 --config "$T/tarball.ini" --set export.s3.prefix=archives
kinds=""
while IFS=$'\t' read -r url file _ kind name; do
  [ "$url" = "s3://$S3_BUCKET/archives/$name" ] || fail "$kind $name uploaded as $url"
  expect_object "archives/$name" "$file"
  kinds+=" $kind"
done < <(s3_artifacts)
[[ "$kinds" == *archive* && "$kinds" == *checksums* ]] || fail "archives and checksums expected, got:$kinds"
pass "tarball, s3: archives and checksums uploaded under the prefix"

# --- the documented example, conf/examples/hello-go-s3.ini ------------------
S3_BUCKET="$S3_BUCKET" S3_ENDPOINT="$S3_ENDPOINT" GITHUB_REF_NAME=v9 \
  run 0 --config "$MBHOST_SOURCE_DIR/conf/examples/hello-go-s3.ini" \
  --output "$T/example" --target linux/arm64
expect_object hello/v9/linux/arm64/hello "$T/example/linux/arm64/hello"
pass "conf/examples/hello-go-s3.ini uploads as documented"

# --- dry run: destinations, no network -----------------------------------
run 0 --config "$T/hello.ini" --dry-run --set "export.s3.endpoint=http://127.0.0.1:9"
expect_output "s3://$S3_BUCKET/rel/v1.2.3/nightly build\+1/"
pass "dry run describes the destination"

# --- plain http: a warning unless the server is on this machine ------------
run 0 validate --config "$T/hello.ini" --set "export.s3.endpoint=http://s3.example.invalid:9000"
expect_output "warning.*endpoint http://s3.example.invalid:9000 is plain http: requests are signed .* travel unencrypted"
for local in http://127.0.0.1:9000 http://localhost:9000 "http://[::1]:9000" https://s3.example.invalid; do
  run 0 validate --config "$T/hello.ini" --set "export.s3.endpoint=$local"
  if grep -q "plain http" <<<"$OUT"; then fail "warned about $local: $OUT"; fi
done
pass "an http endpoint on another machine is warned about; loopback and https are not"

# --- multipart: a 20 MiB payload, 5 MiB parts ----------------------------
big_fixture "$T/big" 20
big_ini "$T/big.ini" "$T/big" "$T/big-out" amd64 big "$S3_ENDPOINT" \
  "multipart_threshold = 8MiB" "part_size = 5MiB" "concurrency = 3"
run 0 --config "$T/big.ini"
big_file="$T/big-out/linux/amd64/big"
size=$(stat -c %s "$big_file")
[ "$size" -gt $((20 * 1024 * 1024)) ] || fail "the big binary is only $size bytes"
expect_object big/linux/amd64/big "$big_file"
parts=$(((size + 5 * 1024 * 1024 - 1) / (5 * 1024 * 1024)))
etag=$(s3cli s3api head-object --bucket "$S3_BUCKET" --key big/linux/amd64/big --query ETag --output text)
[[ "$etag" == *"-$parts\"" ]] || fail "ETag $etag is not that of a $parts-part upload"
expect_no_uploads
pass "20 MiB artifact uploaded in $parts parts, read back identical"

# --- credentials from a profile, and from an STS session -----------------
mkdir -p "$T/aws"
cat >"$T/aws/credentials" <<CREDS
[default]
aws_access_key_id = not-this-one
aws_secret_access_key = not-this-one

[ci]
# the profile the run names
aws_access_key_id = $S3_KEY
aws_secret_access_key = $S3_SECRET
CREDS
use_creds
export AWS_PROFILE=ci AWS_SHARED_CREDENTIALS_FILE="$T/aws/credentials"
run 0 --config "$T/hello.ini" --set export.s3.prefix=profile -v
expect_output "profile 'ci'"
expect_object profile/linux/amd64/hello "$OUTPUT/linux/amd64/hello"
# Missing credentials are found when the exporter starts: exit 2, before
# anything is built (no build log) or exported.
touch "$T/hello.ini"
export AWS_PROFILE=missing
run 2 --config "$T/hello.ini" --set export.s3.prefix=profile --output "$T/no-creds"
expect_output "AWS profile 'missing' is not in"
use_creds
run 2 --config "$T/hello.ini" --output "$T/no-creds"
expect_output "exporter plugin 's3' .*could not start: no AWS credentials: set AWS_ACCESS_KEY_ID"
[ ! -e "$T/no-creds" ] || fail "a run without credentials created its output folder"
[ -z "$(find "$T/cache" -name '*.log' -newer "$T/hello.ini")" ] ||
  fail "a run without credentials built something: $(find "$T/cache" -name '*.log' -newer "$T/hello.ini")"
pass "credentials from a profile; missing credentials explained before anything builds"

sts=$(s3cli sts assume-role --role-arn arn:xxx:xxx:xxx:xxxx --role-session-name mbhost \
  --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text)
read -r tmp_key tmp_secret tmp_token <<<"$sts"
[ -n "$tmp_token" ] || fail "MinIO gave no session token: $sts"
use_creds "$tmp_key" "$tmp_secret" "$tmp_token"
run 0 --config "$T/hello.ini" --set export.s3.prefix=session
expect_object session/linux/arm64/hello "$OUTPUT/linux/arm64/hello"
use_creds "$tmp_key" "$tmp_secret" "${tmp_token}x"
run 1 --config "$T/hello.ini" --set export.s3.prefix=session
pass "session token signed and accepted; a bad one refused"

# --- failures ------------------------------------------------------------
use_creds "$S3_KEY" "wrong-$S3_SECRET"
run 1 --config "$T/hello.ini"
expect_output "SignatureDoesNotMatch"
expect_output "s3://$S3_BUCKET/rel/v1.2.3/"
pass "wrong secret: SignatureDoesNotMatch"

use_creds "$S3_KEY" "$S3_SECRET"
run 1 --config "$T/hello.ini" --set export.s3.bucket=no-such-bucket
expect_output "NoSuchBucket"
expect_output "s3://no-such-bucket/"
pass "missing bucket: NoSuchBucket"

dead_port=$(free_port)
run 1 --config "$T/hello.ini" --set "export.s3.endpoint=http://127.0.0.1:$dead_port"
expect_output "cannot connect to http://127.0.0.1:$dead_port"
expect_output "gave up after 2 attempts"
pass "unreachable endpoint: connection error after the retries"

# Ranges are in the options table: the host checks them at file:line.
cp "$T/hello.ini" "$T/small-part.ini"
echo "part_size     = 1MiB" >>"$T/small-part.ini"
run 2 --config "$T/small-part.ini"
expect_output "small-part\.ini:$(wc -l <"$T/small-part.ini"): part_size: .*minimum"
run 2 --config "$T/hello.ini" --set export.s3.part_size=1MiB
expect_output "part_size: .*minimum"
run 2 --config "$T/hello.ini" --set export.s3.concurrency=0
expect_output "concurrency: .*minimum"
run 2 --config "$T/hello.ini" --set export.s3.retries=101
expect_output "retries: .*maximum"
run 2 --config "$T/hello.ini" --set export.s3.acl=everyone
# What the table cannot say, the plugin reports at the key's file:line too.
run 2 --config "$T/hello.ini" --set export.s3.bucket=Bad_Bucket
expect_output "bucket: 'Bad_Bucket' is not a valid bucket name"
run 2 --config "$T/hello.ini" --set export.s3.endpoint=ftp://127.0.0.1
expect_output "only http:// and https://"
for prefix in "rel/../../x" ".." "a//b" "./a"; do
  run 2 --config "$T/hello.ini" --set "export.s3.prefix=$prefix"
  expect_output "prefix: '.*' has an empty, '\.' or '\.\.' segment"
done
sed 's|^prefix .*|prefix = a//b|' "$T/hello.ini" >"$T/bad-prefix.ini"
run 2 --config "$T/bad-prefix.ini"
line=$(grep -n '^prefix = a//b$' "$T/bad-prefix.ini" | cut -d: -f1)
expect_output "bad-prefix\.ini:$line: prefix: 'a//b' has an empty"
pass "bad settings are config errors"

# --- secrets -------------------------------------------------------------
# Verbose, dry-run and failing runs signed with the session token add to
# what is searched: terminal output, every target log in the cache folder,
# every file in the output folders (artifacts.json included).
use_creds "$tmp_key" "$tmp_secret" "$tmp_token"
run 0 --config "$T/hello.ini" -v --dry-run
run 0 --config "$T/hello.ini" -v --target linux/amd64 --set export.s3.prefix=secrets
run 1 --config "$T/hello.ini" -v --target linux/amd64 --set export.s3.bucket=no-such-bucket
expect_output "NoSuchBucket"
use_creds "$tmp_key" "wrong-$tmp_secret" "$tmp_token"
run 1 --config "$T/hello.ini" -v --target linux/amd64
for secret in "$S3_SECRET" "$tmp_secret" "$tmp_token"; do
  if grep -rlF -- "$secret" "$ALL_OUTPUT" "$OUTPUT" "$T/big-out" "$T/example" "$XDG_CACHE_HOME" "$XDG_STATE_HOME" 2>/dev/null; then
    fail "a secret appears in mbhost's output, logs or output folders (files above)"
  fi
done
pass "no secret in output (-v, --dry-run, errors), logs or output folders"
