#!/usr/bin/env bash
# Benchmark: what a shared remote cache saves a second machine. Two
# "machines" on this host (two XDG_CACHE_HOME folders, two GOCACHEs, two
# copies of the project at different paths) build the six-target matrix of
# a real project, gojq (pinned, from the Go module proxy; bench/gojq.sh):
#   - machine A builds it once with mbhost and uploads to the remote cache,
#     an S3 bucket on a MinIO on 127.0.0.1 (tests/s3/servers.sh);
#   - machine B, empty local cache and GOCACHE, builds it with mbhost cold
#     (no remote cache), and with A's remote cache (six remote hits);
#   - GoReleaser (pinned, bench/gojq.sh) on B, cold, and with the GOCACHE
#     folder A's GoReleaser run filled (what teams share instead: a CI
#     cache of GOCACHE).
# Prints one markdown table: medians of RUNS (default 3) runs of each case,
# alternating, wall and CPU time (user + sys of the tool and its children),
# and the ratios.
#   bench/remote-cache.sh     (after cmake --build build and
#                              scripts/setup.sh --test)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
export MBHOST="${MBHOST:-$ROOT/build/bin/mbhost}"
export MBHOST_SOURCE_DIR="$ROOT"
RUNS="${RUNS:-3}"
[ -x "$MBHOST" ] || { echo "bench: build mbhost first ($MBHOST)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench: GNU time is missing: scripts/setup.sh --test" >&2; exit 2; }
command -v go >/dev/null || { echo "bench: go is missing" >&2; exit 2; }

source "$ROOT/tests/lib.sh"
source "$ROOT/bench/lib.sh"
source "$ROOT/bench/gojq.sh"
source "$ROOT/tests/s3/servers.sh"
USER_GOCACHE=$(go env GOCACHE)
export GOFLAGS=-mod=mod
R="$T/results"
mkdir -p "$R" "$T/a" "$T/b"

start_minio
export AWS_ACCESS_KEY_ID="$S3_KEY" AWS_SECRET_ACCESS_KEY="$S3_SECRET"
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
unset AWS_SESSION_TOKEN AWS_PROFILE MBHOST_CACHE_REMOTE_MODE

# machine_ini DIR REMOTE: DIR/REMOTE.ini for the gojq copy in DIR/gojq,
# with the remote cache (REMOTE = s3) or without (REMOTE = none).
machine_ini() {
  gojq_ini "$1/$2.ini"
  if [ "$2" = s3 ]; then
    cat >>"$1/$2.ini" <<INI

[cache]
remote = s3

[cache.s3]
bucket   = $S3_BUCKET
prefix   = bench
endpoint = $S3_ENDPOINT
region   = us-east-1
INI
  fi
}

# timed NAME CMD...: runs CMD, appends "wall user+sys" to $R/NAME.
timed() {
  local name=$1
  shift
  /usr/bin/time -f "%e %U %S" -o "$T/time.out" "$@" >"$T/last.log" 2>&1 ||
    { cat "$T/last.log" >&2; fail "$name: $* failed"; }
  awk '{ printf "%s %.3f\n", $1, $2 + $3 }' "$T/time.out" >>"$R/$name"
}

# on MACHINE: the environment of MACHINE (a or b): its caches.
on() { echo env XDG_CACHE_HOME="$T/$1/cache" GOCACHE="$T/$1/gocache"; }
empty_b() { rm -rf "$T/b/cache" "$T/b/gocache" "$T/b/dist-mbhost"; }
# --- the machines ------------------------------------------------------------
fetch_gojq "$T/a/gojq"
find_goreleaser "$USER_GOCACHE"
[ -n "$GORELEASER" ] || fail "GoReleaser is needed for the comparison"
cp -r "$T/a/gojq" "$T/b/gojq"
for m in a b; do
  goreleaser_config "$T/$m/gojq" dist-goreleaser
  machine_ini "$T/$m" s3
done
machine_ini "$T/b" none
echo "bench: gojq $GOJQ_VERSION, $(find "$T/a/gojq" -name '*.go' | wc -l) Go files; $(go version); GoReleaser $GORELEASER_VERSION" >&2

echo "bench: machine A builds and uploads" >&2
timed a_mbhost $(on a) "$MBHOST" --config "$T/a/s3.ini" -j 2 -q
timed a_goreleaser sh -c "cd '$T/a/gojq' && GOCACHE='$T/shared-gocache' '$GORELEASER' build --snapshot --clean --parallelism 2"
[ "$(s3cli s3 ls --recursive "s3://$S3_BUCKET/bench/ac/" | wc -l)" -ge 6 ] ||
  fail "machine A uploaded no action entries"

echo "bench: machine B, $RUNS runs of each case" >&2
for _ in $(seq "$RUNS"); do
  empty_b
  timed b_cold $(on b) "$MBHOST" --config "$T/b/none.ini" -j 2 -q
  empty_b
  timed b_remote $(on b) MBHOST_CACHE_REMOTE_MODE=read-only \
    "$MBHOST" --config "$T/b/s3.ini" -j 2
  [ "$(grep -c 'hit (remote)' "$T/last.log")" = 6 ] ||
    { cat "$T/last.log" >&2; fail "machine B did not get six remote hits"; }
  for t in linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64; do
    exe=gojq
    [ "${t%/*}" = windows ] && exe=gojq.exe
    cmp -s "$T/a/dist-mbhost/$t/$exe" "$T/b/dist-mbhost/$t/$exe" ||
      fail "machine B's $t/$exe differs from A's"
  done
  empty_b
  timed b_goreleaser_cold sh -c "cd '$T/b/gojq' && GOCACHE='$T/b/gocache' '$GORELEASER' build --snapshot --clean --parallelism 2"
  timed b_goreleaser_shared sh -c "cd '$T/b/gojq' && GOCACHE='$T/shared-gocache' '$GORELEASER' build --snapshot --clean --parallelism 2"
done

# --- the table ---------------------------------------------------------------
python3 - "$R" "$RUNS" "$GORELEASER_VERSION" <<'PY'
import os, statistics, sys
R, runs, gr = sys.argv[1], sys.argv[2], sys.argv[3]
def load(name):
    rows = [tuple(map(float, l.split())) for l in open(os.path.join(R, name)) if l.strip()]
    return statistics.median(r[0] for r in rows), statistics.median(r[1] for r in rows)
cases = [
    ("A: mbhost, cold, uploads to the remote cache", "a_mbhost"),
    ("A: GoReleaser, cold, fills the shared GOCACHE", "a_goreleaser"),
    ("B: mbhost, cold (empty caches, no remote cache)", "b_cold"),
    ("B: mbhost with A's remote cache (6 remote hits)", "b_remote"),
    (f"B: GoReleaser {gr}, cold (empty GOCACHE)", "b_goreleaser_cold"),
    (f"B: GoReleaser {gr}, A's GOCACHE folder shared", "b_goreleaser_shared"),
]
t = {key: load(key) for _, key in cases}
print(f"six targets of gojq, -j 2 / --parallelism 2; median of {runs} runs on B (A: one run)\n")
print("| case | wall (s) | CPU (s) |")
print("| --- | ---: | ---: |")
for label, key in cases:
    print(f"| {label} | {t[key][0]:.2f} | {t[key][1]:.2f} |")
def ratio(a, b, what):
    print(f"| {what} | **{t[a][0] / t[b][0]:.3f}** | {t[a][1] / t[b][1]:.3f} |")
print("\n| ratio on B | wall | CPU |")
print("| --- | ---: | ---: |")
ratio("b_remote", "b_cold", "mbhost with the remote cache / mbhost cold")
ratio("b_remote", "b_goreleaser_shared", "mbhost with the remote cache / GoReleaser with the shared GOCACHE")
ratio("b_goreleaser_shared", "b_goreleaser_cold", "GoReleaser with the shared GOCACHE / GoReleaser cold")
PY
