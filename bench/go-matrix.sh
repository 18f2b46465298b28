#!/usr/bin/env bash
# Benchmark: a six-target Go matrix (linux, darwin, windows x amd64, arm64)
# of a real project, gojq (github.com/itchyny/gojq, pinned, fetched from the
# Go module proxy with its dependencies), built by
#   - mbhost -j 2 (its action cache, source digest and probe cache),
#   - a shell script running the same six `go build` commands with
#     `xargs -P2`, relying on Go's own build cache,
#   - GoReleaser (`goreleaser build --snapshot --clean`, pinned, installed
#     with `go install` from the Go module proxy) with an equivalent config;
# and the source digest of a generated 10,000-file tree against
# `find -type f | xargs sha256sum`. Prints one markdown table of medians
# and ratios (wall time, and CPU time: user + sys of the tool and its
# children, which other load on the machine disturbs less).
#   bench/go-matrix.sh      (after cmake --build build)
# RUNS (default 5) repetitions of the fast cases, COLD_RUNS (default 3) of
# the cold ones; tools alternate within each repetition. Every case uses a
# private GOCACHE ("cold" empties it and mbhost's cache before each run).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
export MBHOST="${MBHOST:-$ROOT/build/bin/mbhost}"
export MBHOST_SOURCE_DIR="$ROOT"
RUNS="${RUNS:-5}"
COLD_RUNS="${COLD_RUNS:-3}"
[ -x "$MBHOST" ] || { echo "bench: build mbhost first ($MBHOST)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench: GNU time is missing: scripts/setup.sh --test" >&2; exit 2; }
command -v go >/dev/null || { echo "bench: go is missing" >&2; exit 2; }

source "$ROOT/tests/lib.sh"
source "$ROOT/bench/lib.sh"
source "$ROOT/bench/gojq.sh"
USER_GOCACHE=$(go env GOCACHE)
export GOCACHE="$T/gocache" GOFLAGS=-mod=mod
CORES=$(nproc)
R="$T/results"
mkdir -p "$R"

TARGETS="linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64"

write_configs() {
  gojq_ini "$T/mbhost.ini"
  # The script people write: one go build per target, two at a time.
  cat >"$T/build.sh" <<'SH'
#!/bin/sh
# usage: build.sh SOURCE OUT
cd "$1"
for t in linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64; do
  echo "$t"
done | xargs -P2 -I{} sh -c '
  os=${1%/*}; arch=${1#*/}; exe=gojq; [ "$os" = windows ] && exe=gojq.exe
  CGO_ENABLED=0 GOOS=$os GOARCH=$arch go build -o "$2/$os/$arch/$exe" -ldflags "-s -w" ./cmd/gojq
' _ {} "$2"
SH
  chmod +x "$T/build.sh"
  goreleaser_config "$T/gojq" "$T/dist-goreleaser"
}

# timed NAME CMD...: runs CMD, appends "wall user+sys" to $R/NAME.
timed() {
  local name=$1; shift
  /usr/bin/time -f "%e %U %S" -o "$T/time.out" "$@" >"$T/last.log" 2>&1 ||
    { cat "$T/last.log" >&2; fail "$name: $* failed"; }
  awk '{ printf "%s %.3f\n", $1, $2 + $3 }' "$T/time.out" >>"$R/$name"
}

run_mbhost_bench() { timed "$1" "$MBHOST" --config "$T/mbhost.ini" -j 2 -q; }
run_script() { timed "$1" "$T/build.sh" "$T/gojq" "$T/dist-script"; }
run_goreleaser() {
  timed "$1" sh -c "cd '$T/gojq' && '$GORELEASER' build --snapshot --clean --parallelism 2"
}
empty_caches() { rm -rf "$GOCACHE" "$XDG_CACHE_HOME/mbhost"; }

check_outputs() {
  for t in $TARGETS; do
    exe=gojq; [ "${t%/*}" = windows ] && exe=gojq.exe
    [ -s "$T/dist-mbhost/$t/$exe" ] || fail "mbhost made no $t/$exe"
    [ -s "$T/dist-script/$t/$exe" ] || fail "the script made no $t/$exe"
  done
  [ "$(echo '{"a":[1,2]}' | "$T/dist-mbhost/linux/amd64/gojq" -c .a)" = "[1,2]" ] || fail "gojq does not run"
}

# --- the cases ---------------------------------------------------------------
fetch_gojq "$T/gojq"
find_goreleaser "$USER_GOCACHE"
write_configs
echo "bench: gojq $GOJQ_VERSION, $(find "$T/gojq" -name '*.go' | wc -l) Go files; $(go version)" >&2

echo "bench: cold matrix, $COLD_RUNS runs" >&2
for _ in $(seq "$COLD_RUNS"); do
  empty_caches; run_mbhost_bench cold_mbhost
  empty_caches; run_script cold_script
  if [ -n "$GORELEASER" ]; then empty_caches; run_goreleaser cold_goreleaser; fi
done
check_outputs

echo "bench: no-op rerun, $RUNS runs" >&2
run_mbhost_bench warmup; run_script warmup
for _ in $(seq "$RUNS"); do
  run_mbhost_bench noop_mbhost
  run_script noop_script
  if [ -n "$GORELEASER" ]; then run_goreleaser warm_goreleaser; fi
done

echo "bench: one source file changed, $RUNS runs" >&2
for i in $(seq "$RUNS"); do
  echo "// mbhost bench edit $i a" >>"$T/gojq/option.go"
  run_mbhost_bench edit_mbhost
  echo "// mbhost bench edit $i b" >>"$T/gojq/option.go"
  run_script edit_script
done

echo "bench: source digest of 10,000 files, $RUNS runs" >&2
python3 - "$T/tree" <<'PY'
import os, random, sys
random.seed(1)
root = sys.argv[1]
for d in range(100):
    os.makedirs(f"{root}/d{d:03}/sub", exist_ok=True)
    for f in range(100):
        path = f"{root}/d{d:03}/{'sub/' if f % 2 else ''}f{f:03}.go"
        with open(path, "wb") as out:
            out.write(random.randbytes(random.randint(200, 8000)))
PY
# Older than the digest's 2 s "racy" window, as a real tree would be.
find "$T/tree" -type f -exec touch -d '1 hour ago' {} +
[ "$(find "$T/tree" -type f | wc -l)" = 10000 ] || fail "tree"
"$MBHOST" cache digest "$T/tree" >/dev/null
find "$T/tree" -type f -print0 | xargs -0 sha256sum >/dev/null
for _ in $(seq "$RUNS"); do
  timed digest_mbhost "$MBHOST" cache digest "$T/tree"
  timed digest_sha256sum sh -c "find '$T/tree' -type f | xargs sha256sum >/dev/null"
done

# --- the table ---------------------------------------------------------------
python3 - "$R" "$CORES" "$RUNS" "$COLD_RUNS" "${GORELEASER:+$GORELEASER_VERSION}" <<'PY'
import os, statistics, sys
R, cores, runs, cold_runs, gr = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
def load(name):
    path = os.path.join(R, name)
    if not os.path.exists(path):
        return None
    rows = [tuple(map(float, l.split())) for l in open(path) if l.strip()]
    return statistics.median(r[0] for r in rows), statistics.median(r[1] for r in rows)
def row(case, mine, theirs, label, goal):
    a, b = load(mine), load(theirs)
    if not a or not b:
        print(f"| {case} | {a[0] if a else '-'} | {label}: not run | | | | {goal} |")
        return
    util_a = a[1] / (a[0] * cores)
    util_b = b[1] / (b[0] * cores)
    ratio = a[0] / b[0]
    cpu_ratio = a[1] / b[1] if b[1] else float("nan")
    print(f"| {case} | {a[0]:.3f} ({util_a:.2f}) | {label} {b[0]:.3f} ({util_b:.2f}) | **{ratio:.3f}** | {cpu_ratio:.2f} | {goal} |")
print(f"median of {runs} runs (cold: {cold_runs}); in parentheses, CPU time / (wall time x {cores} cores)\n")
print("| case | mbhost s (cpu/cores) | other s (cpu/cores) | ratio | CPU time ratio | goal |")
print("| --- | ---: | ---: | ---: | ---: | --- |")
row("1. no-op rerun, 6 targets", "noop_mbhost", "noop_script", "script", "<= 0.25")
row("2. one source file changed", "edit_mbhost", "edit_script", "script", "<= 1.10")
row("3. cold matrix (empty caches)", "cold_mbhost", "cold_script", "script", "<= 1.05")
row("4. source digest, 10,000 files, warm", "digest_mbhost", "digest_sha256sum", "find, xargs sha256sum", "<= 0.1")
row("5a. cold matrix vs GoReleaser " + gr, "cold_mbhost", "cold_goreleaser", "goreleaser", "")
row("5b. warm rerun vs GoReleaser " + gr, "noop_mbhost", "warm_goreleaser", "goreleaser", "")
PY
