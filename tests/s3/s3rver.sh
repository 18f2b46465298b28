# End-to-end: the s3 exporter against s3rver (the npm package pinned in
# tests/s3/package.json), a second, lighter S3 implementation with its own
# request parsing and multipart code: single and multipart uploads read
# back identical through awscli; an unknown access key is refused. (s3rver
# does not verify SigV4 signatures themselves: MinIO does, in minio.sh.)
source "$MBHOST_SOURCE_DIR/tests/lib.sh"
source "$MBHOST_SOURCE_DIR/tests/s3/servers.sh"

start_s3rver
use_creds "$S3_KEY" "$S3_SECRET"
OUTPUT="$T/out"

big_fixture "$T/big" 12
big_ini "$T/big.ini" "$T/big" "$T/out" "amd64, arm64" s3rver "$S3_ENDPOINT" \
  "multipart_threshold = 8MiB" "part_size = 5MiB" "retries = 2"
run_mbhost 0 --config "$T/big.ini"
mapfile -t uploaded < <(s3_artifacts)
[ "${#uploaded[@]}" = 2 ] || fail "expected 2 s3 artifacts, got ${#uploaded[@]}"
for line in "${uploaded[@]}"; do
  IFS=$'\t' read -r url file _ <<<"$line"
  expect_object "${url#s3://$S3_BUCKET/}" "$file"
done
pass "multipart uploads to s3rver read back identical"

run_mbhost 0 --config "$T/big.ini" --set export.s3.prefix=single \
  --set export.s3.multipart_threshold=64MiB
expect_object single/linux/arm64/big "$OUTPUT/linux/arm64/big"
pass "single-part uploads to s3rver read back identical"

use_creds NOT-A-KEY "$S3_SECRET"
run_mbhost 1 --config "$T/big.ini" --set export.s3.prefix=refused
expect_output "InvalidAccessKeyId \(HTTP 403\)"
pass "s3rver refuses an unknown access key"
