#!/usr/bin/env bash
# Benchmark: upload one 100 MiB build output to a MinIO on 127.0.0.1 with
# mbhost's s3 exporter and with `aws s3 cp` (Debian's awscli), and print
# throughput, the ratio, and peak RSS of both (GNU time -v), as a
# markdown table. Each tool runs RUNS times (default 3), alternating; the
# table shows medians.
#   bench/s3-upload.sh            (after cmake --build build and
#                                  scripts/setup.sh --test)
# mbhost's upload figure is its export stage alone (export_seconds in
# artifacts.json: every byte hashed for SigV4 and MD5, and uploaded); its
# whole run (config, toolchain probe, build, export) is shown too. Both
# tools use their default part size and concurrency.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
export MBHOST="${MBHOST:-$ROOT/build/bin/mbhost}"
export MBHOST_SOURCE_DIR="$ROOT"
RUNS="${RUNS:-3}"
SIZE_MIB=100
[ -x "$MBHOST" ] || { echo "bench: build mbhost first ($MBHOST)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench: GNU time is missing: scripts/setup.sh --test" >&2; exit 2; }

source "$ROOT/tests/lib.sh"
source "$ROOT/tests/s3/servers.sh"

start_minio
big_fixture "$T/src" "$SIZE_MIB"
big_ini "$T/bench.ini" "$T/src" "$T/out" amd64 warmup "$S3_ENDPOINT"
sed 's/^use = local, s3$/use = s3/' "$T/bench.ini" >"$T/bench-s3.ini"
export AWS_ACCESS_KEY_ID="$S3_KEY" AWS_SECRET_ACCESS_KEY="$S3_SECRET"
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
unset AWS_SESSION_TOKEN AWS_PROFILE
# Warm-up: builds the binary (cached from then on) and a local copy of it.
"$MBHOST" --config "$T/bench.ini" -q
FILE="$T/out/linux/amd64/big"
BYTES=$(stat -c %s "$FILE")

# timed OUTFILE CMD...: runs CMD under GNU time -v and prints "wall_s
# tree_rss_kib own_rss_kib": time's peak RSS covers CMD's children too (for
# mbhost: the `go build` it runs), so CMD's own peak (VmHWM) is sampled
# from /proc as well.
timed() {
  local out=$1
  shift
  python3 - "$out" "$@" <<'PY' || { cat "$out" >&2; fail "$* failed"; }
import subprocess, sys, time
out, cmd = sys.argv[1], sys.argv[2:]
timer = subprocess.Popen(["/usr/bin/time", "-v", "-o", out] + cmd,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
own_kib, child = 0, None
while timer.poll() is None:
    try:
        if child is None:
            with open(f"/proc/{timer.pid}/task/{timer.pid}/children") as f:
                child = (f.read().split() or [None])[0]
        if child:
            with open(f"/proc/{child}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        own_kib = max(own_kib, int(line.split()[1]))
    except OSError:
        pass
    time.sleep(0.002)
if timer.returncode:
    sys.exit(1)
wall = rss = 0.0
for line in open(out):
    key, _, value = line.strip().rpartition(": ")
    if key.startswith("Elapsed (wall clock)"):
        for part in value.split(":"):
            wall = wall * 60 + float(part)
    elif key == "Maximum resident set size (kbytes)":
        rss = float(value)
print(wall, rss, own_kib)
PY
}

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

: >"$T/mb_export" >"$T/mb_wall" >"$T/mb_rss" >"$T/mb_own" >"$T/aws_wall" >"$T/aws_rss"
for i in $(seq 1 "$RUNS"); do
  read -r wall rss own < <(timed "$T/time.mb" "$MBHOST" --config "$T/bench-s3.ini" -q \
    --set "export.s3.prefix=mbhost-$i")
  echo "$wall" >>"$T/mb_wall"
  echo "$rss" >>"$T/mb_rss"
  echo "$own" >>"$T/mb_own"
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["export_seconds"])' \
    "$T/out/artifacts.json" >>"$T/mb_export"
  read -r wall rss _ < <(timed "$T/time.aws" "$AWS_BIN" --endpoint-url "$S3_ENDPOINT" \
    --region us-east-1 --no-cli-pager s3 cp --only-show-errors "$FILE" "s3://$S3_BUCKET/aws-$i/big")
  echo "$wall" >>"$T/aws_wall"
  echo "$rss" >>"$T/aws_rss"
done
expect_object mbhost-1/linux/amd64/big "$FILE"
expect_object aws-1/big "$FILE"

mb_export=$(median <"$T/mb_export")
mb_wall=$(median <"$T/mb_wall")
mb_rss=$(median <"$T/mb_rss")
mb_own=$(median <"$T/mb_own")
aws_wall=$(median <"$T/aws_wall")
aws_rss=$(median <"$T/aws_rss")
python3 - "$BYTES" "$mb_export" "$mb_wall" "$mb_rss" "$mb_own" "$aws_wall" "$aws_rss" "$RUNS" <<'PY'
import sys
size, mb_export, mb_wall, mb_rss, mb_own, aws_wall, aws_rss = map(float, sys.argv[1:8])
runs = sys.argv[8]
mib = size / 2**20
print(f"{mib:.1f} MiB to MinIO on 127.0.0.1, median of {runs} runs each\n")
print("| tool | time (s) | throughput (MiB/s) | peak RSS, time -v (MiB) | peak RSS, process alone (MiB) |")
print("| --- | ---: | ---: | ---: | ---: |")
print(f"| mbhost s3 exporter (export stage) | {mb_export:.2f} | {mib / mb_export:.0f} | | |")
print(f"| mbhost (whole run) | {mb_wall:.2f} | {mib / mb_wall:.0f} | {mb_rss / 1024:.1f} | {mb_own / 1024:.1f} |")
print(f"| aws s3 cp | {aws_wall:.2f} | {mib / aws_wall:.0f} | {aws_rss / 1024:.1f} | {aws_rss / 1024:.1f} |")
print(f"\nthroughput ratio, mbhost export stage / aws s3 cp: {aws_wall / mb_export:.2f}; "
      f"mbhost whole run / aws s3 cp: {aws_wall / mb_wall:.2f}")
print(f"peak RSS ratio, mbhost process / aws s3 cp: {mb_own / aws_rss:.2f}")
PY
