# End-to-end: `[cache] remote = s3` against a real MinIO on 127.0.0.1. Two
# "machines" are two cache folders (XDG_CACHE_HOME) and two copies of the
# project at different paths:
# - A builds the six-target Go example and uploads: 6 blobs under
#   PREFIX/cas, 6 action entries under PREFIX/ac (listed with awscli);
# - B gets six remote hits, runs no `go build` (a `go` first on PATH logs
#   its arguments), its outputs byte for byte A's;
# - a changed source misses on B and builds;
# - a deleted blob, a blob overwritten with other bytes and an action entry
#   naming a blob the bucket lacks each make B build that target, with a
#   warning;
# - remote_mode = read-only (and MBHOST_CACHE_REMOTE_MODE) uploads nothing;
# - --shard 1/3, 2/3 and 3/3 on three more machines, then a fourth's plain
#   run: six remote hits, no go build, the exporters once;
# - a stopped MinIO: B builds everything after one warning, exit 0;
# - no secret or session token in any output (-v, --dry-run), log, cache
#   folder or artifacts.json.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"
source "$MBHOST_SOURCE_DIR/tests/s3/servers.sh"

start_minio
PREFIX=team/mbhost
ALL_OUTPUT="$T/all-output.txt"
: >"$ALL_OUTPUT"

logging_go
export S3_ENDPOINT S3_BUCKET PREFIX

# machine DIR: a copy of hello-go with a build.ini using the bucket.
machine() {
  mkdir -p "$1"
  cp -r "$FIXTURES/hello-go" "$1/hello-go"
  cat >"$1/build.ini" <<'INI'
[project]
name   = hello
source = hello-go
output = dist

[matrix]
os   = linux, darwin, windows
arch = amd64, arm64

[toolchain]
use = go

[cache]
remote = s3

[cache.s3]
bucket   = ${S3_BUCKET}
prefix   = ${PREFIX}
endpoint = ${S3_ENDPOINT}
INI
  echo "$1"
}
A=$(machine "$T/a")
B=$(machine "$T/elsewhere/b")

# on DIR EXIT ARGS...: mbhost on the machine in DIR (its own cache folder).
on() {
  local dir=$1 want=$2
  shift 2
  XDG_CACHE_HOME="$dir.cache" run_mbhost "$want" --config "$dir/build.ini" -j 2 "$@"
  printf '%s\n' "$OUT" >>"$ALL_OUTPUT"
}

# fresh DIR: forgets the machine's local cache.
fresh() { rm -rf "$1.cache"; }

# builds: how many `go build` ran since the log was emptied.

# objects NS: the keys under PREFIX/NS/.
objects() {
  s3cli s3api list-objects-v2 --bucket "$S3_BUCKET" --prefix "$PREFIX/$1/" \
    --query 'Contents[].Key' --output text | tr '\t' '\n' | grep -v '^None$' || true
}

# caches DIR WORD: how many targets of DIR's artifacts.json came from WORD.
caches() {
  python3 -c '
import json, sys
print(sum(t["cache"] == sys.argv[2] for t in json.load(open(sys.argv[1]))["targets"]))' \
    "$1/dist/artifacts.json" "$2"
}

# expect_rebuilt_one WHY: B built one target (and warned WHY), five hits.
expect_rebuilt_one() {
  [ "$(go_builds)" = 1 ] || { echo "$OUT" >&2; fail "B ran $(go_builds) go builds, expected 1 ($1)"; }
  [ "$(caches "$B" remote)" = 5 ] || fail "expected 5 remote hits ($1): $(caches "$B" remote)"
  expect_output "warning.*remote cache: .*$1.*; building it"
}

sha() { sha256sum <"$1" | cut -d' ' -f1; }
# entry_of OUTPUT: the key of the action entry naming A's OUTPUT (a path in
# dist), its body left in $T/entry.json.
entry_of() {
  local want key
  want=$(sha "$A/dist/$1")
  for key in $(objects ac); do
    s3cli s3 cp --only-show-errors "s3://$S3_BUCKET/$key" "$T/entry.json"
    if grep -q "\"$want\"" "$T/entry.json"; then
      echo "$key"
      return
    fi
  done
  fail "no action entry names $1's blob $want"
}

use_creds "$S3_KEY" "$S3_SECRET"

# --- A builds and uploads ----------------------------------------------------
on "$A" 0 -v
[ "$(caches "$A" miss)" = 6 ] || fail "A did not build six targets"
# Six targets, and documents (an entry and a blob each): the build
# durations (host/shard.c) and, per target, the GOROOT folders its build
# read (host/tree_reads.h; two targets with the same list share a blob).
records=$(distinct_tree_reads "$A.cache")
[ "$(objects cas | wc -l)" = $((7 + records)) ] || fail "A uploaded $(objects cas | wc -l) blobs, not 6, the durations and $records tree reads records: $(objects cas)"
[ "$(objects ac | wc -l)" = 13 ] || fail "A uploaded $(objects ac | wc -l) action entries, not 6, the durations and 6 tree reads records"
for t in linux/amd64/hello darwin/arm64/hello windows/arm64/hello.exe; do
  expect_object "$PREFIX/cas/$(sha "$A/dist/$t")" "$A/dist/$t"
done
key=$(entry_of linux/amd64/hello)
type=$(s3cli s3api head-object --bucket "$S3_BUCKET" --key "$key" --query ContentType --output text)
[ "$type" = application/json ] || fail "action entry's content type: $type"
pass "A builds six targets and uploads six blobs and six action entries"

# --- B: six remote hits, no go build ----------------------------------------
: >"$T/go.log"
on "$B" 0
[ "$(go_builds)" = 0 ] || fail "B ran go build: $(cat "$T/go.log")"
[ "$(caches "$B" remote)" = 6 ] || fail "B had $(caches "$B" remote) remote hits, not 6"
expect_output "linux/amd64 +ok .*hit \(remote\)"
for t in linux/amd64/hello linux/arm64/hello darwin/amd64/hello darwin/arm64/hello \
  windows/amd64/hello.exe windows/arm64/hello.exe; do
  cmp "$A/dist/$t" "$B/dist/$t" || fail "$t differs between A and B"
done
XDG_CACHE_HOME="$B.cache" run_mbhost 0 cache stats
expect_output "remote"
pass "B: six remote hits, no go build, outputs identical to A's"

# --- a changed source misses on B -------------------------------------------
cp -r "$B/hello-go" "$T/hello-go.orig"
echo '// changed on B' >>"$B/hello-go/main.go"
: >"$T/go.log"
fresh "$B"
on "$B" 0
[ "$(go_builds)" = 6 ] || fail "a changed source built $(go_builds) targets, not 6"
[ "$(caches "$B" miss)" = 6 ] || fail "a changed source still hit"
rm -rf "$B/hello-go" && cp -r "$T/hello-go.orig" "$B/hello-go"
pass "a changed source misses on B and builds"

# --- a deleted blob -----------------------------------------------------------
blob=$(sha "$A/dist/linux/amd64/hello")
s3cli s3 rm --only-show-errors "s3://$S3_BUCKET/$PREFIX/cas/$blob"
: >"$T/go.log"
fresh "$B"
on "$B" 0
expect_rebuilt_one "is missing"
pass "a deleted blob: B builds that target with a warning"

# --- a blob overwritten with other bytes ----------------------------------------
# B's build put the blob back; now it holds something else.
blob=$(sha "$A/dist/darwin/arm64/hello")
echo "not the binary" >"$T/junk"
s3cli s3 cp --only-show-errors "$T/junk" "s3://$S3_BUCKET/$PREFIX/cas/$blob"
: >"$T/go.log"
fresh "$B"
on "$B" 0
expect_rebuilt_one "is damaged"
pass "a corrupted blob: B builds that target with a warning"

# --- an action entry naming a blob the bucket lacks ------------------------------
key=$(entry_of windows/amd64/hello.exe)
missing=$(head -c 64 /dev/urandom | sha256sum | cut -d' ' -f1)
sed -E "s/\"hash\": *\"[0-9a-f]{64}\"/\"hash\":\"$missing\"/" "$T/entry.json" >"$T/bad-entry.json"
grep -q "$missing" "$T/bad-entry.json" || fail "could not rewrite the action entry: $(cat "$T/entry.json")"
s3cli s3 cp --only-show-errors --content-type application/json "$T/bad-entry.json" "s3://$S3_BUCKET/$key"
: >"$T/go.log"
fresh "$B"
on "$B" 0
expect_rebuilt_one "is missing"
pass "an action entry naming a missing blob: B builds that target with a warning"

# --- read-only uploads nothing ----------------------------------------------------
echo '// read-only' >>"$B/hello-go/main.go"
before=$(objects cas | wc -l)/$(objects ac | wc -l)
fresh "$B"
on "$B" 0 --set cache.remote_mode=read-only
[ "$(caches "$B" miss)" = 6 ] || fail "read-only run did not build"
echo '// read-only, by the environment' >>"$B/hello-go/main.go"
fresh "$B"
MBHOST_CACHE_REMOTE_MODE=read-only on "$B" 0
after=$(objects cas | wc -l)/$(objects ac | wc -l)
[ "$before" = "$after" ] || fail "read-only runs uploaded: $before blobs/entries before, $after after"
rm -rf "$B/hello-go" && cp -r "$T/hello-go.orig" "$B/hello-go"
pass "remote_mode = read-only and MBHOST_CACHE_REMOTE_MODE upload nothing"

# --- a bad [cache.s3] value is a config error, in a run and in validate ---------
sed -i 's/^bucket   = .*/bucket   = Not_A_Bucket/' "$B/build.ini"
line=$(grep -n '^bucket' "$B/build.ini" | cut -d: -f1)
for cmd in "" validate; do
  on "$B" 2 $cmd
  expect_output "build.ini:$line: .*bucket"
done
sed -i 's/^bucket   = .*/bucket   = ${S3_BUCKET}/' "$B/build.ini"
pass "a bad [cache.s3] bucket: file:line and exit 2, in a run and in validate"

# --- secrets ----------------------------------------------------------------------
sts=$(s3cli sts assume-role --role-arn arn:xxx:xxx:xxx:xxxx --role-session-name mbhost \
  --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text)
read -r tmp_key tmp_secret tmp_token <<<"$sts"
[ -n "$tmp_token" ] || fail "MinIO gave no session token: $sts"
use_creds "$tmp_key" "$tmp_secret" "$tmp_token"
fresh "$B"
on "$B" 0 -v --dry-run
expect_output "remote cache: s3"
expect_output "s3://$S3_BUCKET/$PREFIX/cas/<sha256>"
on "$B" 0 -v
[ "$(caches "$B" remote)" = 6 ] || fail "B with session credentials: $(caches "$B" remote) remote hits"
use_creds "$tmp_key" "wrong-$tmp_secret" "$tmp_token"
fresh "$B"
on "$B" 0 -v --target linux/amd64
expect_output "SignatureDoesNotMatch"
use_creds
fresh "$B"
on "$B" 0 --target linux/amd64
expect_output "warning: remote cache s3 cannot be used: no AWS credentials"
for secret in "$S3_SECRET" "$tmp_secret" "$tmp_token"; do
  if grep -rlF -- "$secret" "$ALL_OUTPUT" "$A" "$B" "$A.cache" "$B.cache" 2>/dev/null; then
    fail "a secret appears in mbhost's output, logs, cache or output folders (files above)"
  fi
done
pass "session credentials work; without credentials a warning; no secret anywhere"

# --- shards: three machines split the matrix, a fourth assembles ------------------
# Under a prefix of their own, so the store starts empty for them.
use_creds "$S3_KEY" "$S3_SECRET"
export PREFIX="$PREFIX-shards"
: >"$T/go.log"
taken=""
for k in 1 2 3; do
  dir=$(machine "$T/shard$k")
  on "$dir" 0 --shard "$k/3"
  expect_output "^mbhost: shard $k/3: building "
  expect_output "nothing exported"
  [ ! -e "$dir/dist" ] || fail "shard $k/3 exported"
  taken+=$(sed -nE 's/^mbhost: shard [0-9]+\/3: building (.*) \(split .*/\1/p' <<<"$OUT" | tr -d ' ' | tr ',' '\n')$'\n'
done
[ "$(grep -v '^$' <<<"$taken" | sort | tr '\n' ' ')" = "darwin/amd64 darwin/arm64 linux/amd64 linux/arm64 windows/amd64 windows/arm64 " ] ||
  fail "the shards did not take the six targets once each: $taken"
[ "$(go_builds)" = 6 ] || fail "the three shards ran $(go_builds) go builds, not 6"
[ "$(objects ac | wc -l)" -ge 6 ] || fail "the shards uploaded $(objects ac | wc -l) action entries"
: >"$T/go.log"
D=$(machine "$T/assemble")
on "$D" 0
[ "$(caches "$D" remote)" = 6 ] || fail "the assembling run got $(caches "$D" remote) remote hits, not 6"
[ "$(go_builds)" = 0 ] || fail "the assembling run ran go build: $(cat "$T/go.log")"
[ "$(find "$D/dist" -type f -name 'hello*' | wc -l)" = 6 ] || fail "the assembling run did not export six binaries"
pass "--shard 1/3, 2/3, 3/3 through MinIO, then a plain run: six remote hits, no go build, one export"

# --- a stopped server ---------------------------------------------------------------
use_creds "$S3_KEY" "$S3_SECRET"
for pid in "${S3_PIDS[@]}"; do kill "$pid" && wait "$pid" 2>/dev/null || true; done
S3_PIDS=()
: >"$T/go.log"
fresh "$B"
on "$B" 0
[ "$(go_builds)" = 6 ] || fail "with MinIO stopped B built $(go_builds) targets, not 6"
[ "$(grep -c 'warning' <<<"$OUT")" = 1 ] || { echo "$OUT" >&2; fail "expected one warning with MinIO stopped"; }
expect_output "warning: remote cache s3: .*cannot connect to $S3_ENDPOINT.*; not using it for the rest of this run"
pass "a stopped server: one warning, every target built, exit 0"
fresh "$B"
on "$B" 0 -v --target linux/amd64
if grep -qi "retry" <<<"$OUT"; then echo "$OUT" >&2; fail "the store retried a server that cannot be reached"; fi
pass "a server that cannot be reached is asked once: no retries"
