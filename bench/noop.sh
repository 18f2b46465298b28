#!/usr/bin/env bash
# A no-op (nothing changed) of six Go targets: mbhost against GNU make and
# ninja over the same six `go build` rules with every source file as an
# input, and against the shell loop people write (six `go build` by
# `xargs -P2`, Go's own cache deciding). Each is run once to warm up, then
# RUNS times, alternating; prints the median wall time of each and the
# ratios mbhost / other in one table.
#   bench/noop.sh [PROJECT_DIR] [MBHOST]  (default: tests/fixtures/hello-go,
#                                          build/bin/mbhost)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SRC=$(cd "${1:-$ROOT/tests/fixtures/hello-go}" && pwd)
MBHOST=${2:-$ROOT/build/bin/mbhost}
RUNS=${RUNS:-10}
for tool in go make ninja; do
  command -v $tool >/dev/null || { echo "bench: $tool is missing" >&2; exit 2; }
done
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
cp -r "$SRC" "$W/app"
# Go's own build cache stays the user's: warm, as on a developer's machine.
export XDG_CACHE_HOME="$W/cache" GOCACHE="$(go env GOCACHE)" CGO_ENABLED=0
TARGETS="linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64"
cat >"$W/build.ini" <<INI
[project]
name = noop
source = app
output = dist-mbhost
[matrix]
os = linux, darwin, windows
arch = amd64, arm64
[toolchain]
use = go
INI
# The sources as make and ninja inputs (paths without spaces).
sources=$(cd "$W" && find app -type f | sort | tr '\n' ' ')
{
  printf 'all:'
  for t in $TARGETS; do printf ' out/%s/app' "$t"; done
  printf '\n'
  for t in $TARGETS; do
    printf 'out/%s/app: %s\n\tcd app && GOOS=%s GOARCH=%s go build -o ../$@ .\n' \
      "$t" "$sources" "${t%/*}" "${t#*/}"
  done
} >"$W/Makefile"
{
  printf 'rule go\n  command = cd app && GOOS=$os GOARCH=$arch go build -o ../$out .\n'
  for t in $TARGETS; do
    printf 'build out/%s/app: go %s\n  os = %s\n  arch = %s\n' "$t" "$sources" "${t%/*}" "${t#*/}"
  done
} >"$W/build.ninja"
run_loop() {
  for t in $TARGETS; do echo "$t"; done | (cd "$W/app" &&
    xargs -P2 -I{} sh -c 't={}; GOOS=${t%/*} GOARCH=${t#*/} go build -o ../out-loop/$t/app .')
}
run_mbhost() { "$MBHOST" --config "$W/build.ini" -q -j 2 >/dev/null; }
run_make() { make -s -C "$W" >/dev/null; }
run_ninja() { ninja -C "$W" >/dev/null; }
tools="mbhost make ninja loop"
for t in $tools; do
  "run_$t" # the first run builds; the second is already a no-op
  "run_$t"
done
declare -A times
for _ in $(seq "$RUNS"); do
  for t in $tools; do
    start=$(date +%s%N)
    "run_$t"
    times[$t]+="$(( ($(date +%s%N) - start) / 1000 )) "
  done
done
median_us() { tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
m=$(median_us "${times[mbhost]}")
echo "no-op of 6 Go targets ($(cd "$W/app" && find . -type f | wc -l) files), median of $RUNS runs"
echo
echo "| tool | median ms | mbhost / tool |"
echo "| --- | ---: | ---: |"
for t in $tools; do
  v=$(median_us "${times[$t]}")
  printf '| %s | %.1f | %.2f |\n' "$t" "$(echo "$v / 1000" | bc -l)" "$(echo "$m / $v" | bc -l)"
done
