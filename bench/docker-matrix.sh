#!/usr/bin/env bash
# Benchmark: the docker executor against the pipeline it replaces. The
# six-target Go example (tests/fixtures/hello-go: linux, darwin, windows x
# amd64, arm64) built in the same Go image on a dockerd this script starts
# (tests/docker/engines.sh: busybox-static and this machine's Go), by
#   - mbhost -j 2 with `[executor] use = docker` (one container per target
#     that builds; the action cache skips targets whose inputs are the
#     same, without starting a container),
#   - the seed's pipeline as a script: a loop over GOOS/GOARCH running
#     `docker run --rm` with the source mounted read-only, build/<os>/<arch>/
#     mounted for the output and Go's build cache in a named volume (what a
#     CI job with a cache would have), one target after the other as such
#     loops are written;
# in two cases: a no-op rerun (nothing changed) and a one-file-changed run
# (main.go edited before each run). Before measuring, both tools build
# once and their Go build caches are seeded from this machine's, so every
# measured run is warm. Prints one markdown table of medians and ratios.
#   bench/docker-matrix.sh     (as root, after cmake --build build)
# RUNS (default 5) repetitions; the tools alternate within each one.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
export MBHOST="${MBHOST:-$ROOT/build/bin/mbhost}"
export MBHOST_SOURCE_DIR="$ROOT"
RUNS="${RUNS:-5}"
[ -x "$MBHOST" ] || { echo "bench: build mbhost first ($MBHOST)" >&2; exit 2; }

source "$ROOT/tests/lib.sh"
source "$ROOT/tests/docker/engines.sh"
start_engine bench
SOCK=$ENGINE_SOCK
export DOCKER_HOST="unix://$SOCK"
IMAGE=$(go_tag)
build_go_image "$SOCK" "$IMAGE"

src=$(copy_fixture hello-go)
dist="$T/dist"
build="$T/build"
docker_go_ini "$T/build.ini" "$src" "$dist" "unix://$SOCK"

TARGETS="linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64"

# The seed's pipeline: one `docker run` per target, in a loop.
script_build() {
  local t os arch ext
  for t in $TARGETS; do
    os=${t%/*} arch=${t#*/} ext=
    [ "$os" = windows ] && ext=.exe
    mkdir -p "$build/$os/$arch"
    "$DOCKER" run --rm --network none -u "$(id -u):$(id -g)" \
      -v "$src:/src:ro" -v "$build/$os/$arch:/out" -v mbhost-bench-gocache:/gocache \
      -w /src -e GOCACHE=/gocache -e CGO_ENABLED=0 -e GOOS="$os" -e GOARCH="$arch" \
      "$IMAGE" go build -trimpath -ldflags "-s -w" -o "/out/hello$ext" . >/dev/null
  done
}

mbhost_build() { "$MBHOST" -c "$T/build.ini" -j 2 -q; }

# Seed both tools' Go caches with this machine's (hard links), as
# tests/docker/local.sh does, so neither compiles the standard library.
state="$XDG_CACHE_HOME/mbhost/projects/hello-$(printf %s "$dist" | sha256sum | cut -c1-16)"
for t in $TARGETS; do
  mkdir -p "$state/scratch/${t/\//-}/.home/.cache"
  cp -al "$GOCACHE" "$state/scratch/${t/\//-}/.home/.cache/go-build" 2>/dev/null || true
done
"$DOCKER" volume create mbhost-bench-gocache >/dev/null
vol=$("$DOCKER" volume inspect -f '{{.Mountpoint}}' mbhost-bench-gocache)
cp -al "$GOCACHE/." "$vol/" 2>/dev/null || true
chown -R "$(id -u):$(id -g)" "$vol"

# seconds CMD...: wall time of CMD in seconds (it must succeed).
seconds() {
  local t0 t1
  t0=$(date +%s.%N)
  "$@"
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }'
}

echo "bench: warming up both tools" >&2
mbhost_build
script_build
R="$T/results"
: >"$R"
for i in $(seq "$RUNS"); do
  echo "bench: repetition $i of $RUNS" >&2
  echo "noop mbhost $(seconds mbhost_build)" >>"$R"
  jq -e '[.targets[].cache_hit] | all' "$dist/artifacts.json" >/dev/null || { echo "bench: an mbhost no-op rerun missed" >&2; exit 1; }
  echo "noop script $(seconds script_build)" >>"$R"
  echo "// change $i" >>"$src/main.go"
  echo "change mbhost $(seconds mbhost_build)" >>"$R"
  jq -e '[.targets[].cache_hit] | any | not' "$dist/artifacts.json" >/dev/null || { echo "bench: a changed file hit mbhost's cache" >&2; exit 1; }
  echo "change script $(seconds script_build)" >>"$R"
done
# Both built the same kinds of binaries (Go build IDs differ with flags).
for t in $TARGETS; do
  kinds=$(file -b "$dist/$t/hello"* "$build/$t/hello"* | cut -d, -f1-2 | sort -u)
  [ "$(wc -l <<<"$kinds")" = 1 ] || { echo "bench: $t differs between the tools: $kinds" >&2; exit 1; }
done

python3 - "$R" "$RUNS" "$(uptime | sed 's/.*load average: //')" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
med = {(c, t): statistics.median(float(s) for cc, tt, s in rows if (cc, tt) == (c, t))
       for c in ("noop", "change") for t in ("mbhost", "script")}
print(f"hello-go, six targets, median of {sys.argv[2]} runs each; load average at the end: {sys.argv[3]}\n")
print("| case | mbhost, docker executor, -j 2 (s) | `docker run` loop (s) | loop / mbhost |")
print("| --- | ---: | ---: | ---: |")
for c, name in (("noop", "no-op rerun"), ("change", "one file changed")):
    m, s = med[(c, "mbhost")], med[(c, "script")]
    print(f"| {name} | {m:.2f} | {s:.2f} | **{s / m:.1f}** |")
PY
