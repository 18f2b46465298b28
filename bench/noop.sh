#!/usr/bin/env bash
# A no-op (nothing changed since the last run) of a six-target Go matrix:
# mbhost against the tools a no-op should be compared with, in one run:
#   - GNU make (without its built-in rules) and ninja over a generated
#     Makefile and build.ninja whose
#     rules are the six `go build` commands with every source file as an
#     input (they stat the sources and outputs and do nothing);
#   - the shell loop people write: six `go build` by `xargs -P2`, Go's own
#     (warm) build cache deciding;
#   - GoReleaser (pinned, bench/lib.sh), `goreleaser build --snapshot
#     --clean --parallelism 2`, which has no no-op: it runs every go build;
# on a GoAWK-sized project (GoAWK v1.29.1 from the Go module proxy, its
# test data left out) and a gojq-sized one (gojq v0.12.17 with its vendored
# dependencies, as scripts/setup.d/go-modules.sh caches it); then the
# instructions of one mbhost no-op (callgrind), and how the no-op grows
# with files (a generated 1,000-file project) and targets (30 targets of
# `go tool dist list`), against make and ninja.
# Each tool runs twice first (a build, then a first no-op), then RUNS times
# (default 7), alternating; medians of wall time, and of CPU time (user +
# sys, children included). Prints markdown tables.
#   bench/noop.sh [MBHOST]            (default: build/bin/mbhost)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MBHOST=${1:-$ROOT/build/bin/mbhost}
RUNS=${RUNS:-7}
GOAWK=github.com/benhoyt/goawk@v1.29.1
GOJQ="${MBHOST_TEST_CACHE:-$HOME/.cache/mbhost-tests}/go-gojq-v0.12.17"
source "$ROOT/bench/lib.sh"
[ -x "$MBHOST" ] || { echo "bench: build mbhost first ($MBHOST)" >&2; exit 2; }
for tool in go make ninja git python3; do
  command -v $tool >/dev/null || { echo "bench: $tool is missing" >&2; exit 2; }
done
[ -f "$GOJQ/.complete" ] || { echo "bench: gojq is missing: scripts/setup.sh --test" >&2; exit 2; }
W=$(mktemp -d)
trap 'chmod -R u+w "$W" 2>/dev/null; rm -rf "$W"' EXIT
# Go's own build cache stays the user's: warm, as on a developer's machine.
export GOCACHE="$(go env GOCACHE)" CGO_ENABLED=0 GOFLAGS=
export XDG_CACHE_HOME="$W/xdg"
find_goreleaser "$GOCACHE"
SIX="linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64"
THIRTY=$(go tool dist list | grep -E '^(linux|windows|darwin|freebsd|netbsd|openbsd)/' | head -30 | tr '\n' ' ')

# setup NAME SOURCE PACKAGE BINARY "TARGETS": the project in $W/NAME/app,
# with an mbhost config, a Makefile, a build.ninja, the loop and, in a git
# repository, a .goreleaser.yaml.
setup() {
  local name=$1 src=$2 pkg=$3 bin=$4 targets=$5 d="$W/$1"
  mkdir -p "$d"
  cp -r "$src" "$d/app"
  chmod -R u+w "$d/app"
  local first=${targets%% *} rest
  # The other targets, six a line (the INI's line limit).
  rest=$(for t in ${targets#* }; do printf '%s, ' "$t"; done | sed -E 's/(([^ ]+ ){6})/\1\n  /g; s/[, ]+$//')
  cat >"$d/build.ini" <<INI
[project]
name = $name
source = app
output = dist-mbhost
[matrix]
os = ${first%/*}
arch = ${first#*/}
include = $rest
[toolchain]
use = go
package = $pkg
INI
  local sources exe
  sources=$(cd "$d" && find app -name .git -prune -o -type f -print | sort | tr '\n' ' ')
  {
    printf 'all:'
    for t in $targets; do printf ' out/%s/%s' "$t" "$bin"; done
    printf '\n'
    for t in $targets; do
      printf 'out/%s/%s: %s\n\tcd app && GOOS=%s GOARCH=%s go build -o ../$@ %s\n' \
        "$t" "$bin" "$sources" "${t%/*}" "${t#*/}" "$pkg"
    done
  } >"$d/Makefile"
  {
    printf 'rule go\n  command = cd app && GOOS=$os GOARCH=$arch go build -o ../$out %s\n' "$pkg"
    for t in $targets; do
      printf 'build out/%s/%s: go %s\n  os = %s\n  arch = %s\n' \
        "$t" "$bin" "$sources" "${t%/*}" "${t#*/}"
    done
  } >"$d/build.ninja"
  echo "$targets" | tr ' ' '\n' | grep . >"$d/targets"
  (cd "$d/app" && git init -q && git add -A &&
    git -c user.name=bench -c user.email=bench@localhost commit -qm "$name")
  cat >"$d/app/.goreleaser.yaml" <<YAML
version: 2
project_name: $name
dist: $d/dist-goreleaser
builds:
  - main: $pkg
    binary: $bin
    env: [CGO_ENABLED=0]
    goos: [linux, darwin, windows]
    goarch: [amd64, arm64]
YAML
  (cd "$d/app" && git add .goreleaser.yaml && git -c user.name=bench -c user.email=bench@localhost commit -qm goreleaser)
  echo "$(cd "$d/app" && find . -name .git -prune -o -type f -print | grep -vc goreleaser)" >"$d/files"
}

run_mbhost() { "$MBHOST" --config "$W/$1/build.ini" -q -j 2 >/dev/null; }
run_make() { make -rR -s -C "$W/$1" >/dev/null; }
run_ninja() { ninja -C "$W/$1" >/dev/null; }
run_loop() {
  (cd "$W/$1/app" && xargs -P2 -I{} sh -c \
    't={}; GOOS=${t%/*} GOARCH=${t#*/} go build -o ../out-loop/$t/ '"$(sed -n 's/^package = //p' "$W/$1/build.ini")" \
    <"$W/$1/targets")
}
run_goreleaser() {
  (cd "$W/$1/app" && "$GORELEASER" build --snapshot --clean --parallelism 2 >/dev/null 2>&1)
}

# measure PROJECT TOOLS...: warms each tool twice, then RUNS alternating
# runs; "wall_ms cpu_ms" lines in $W/PROJECT/TOOL.times.
measure() {
  local p=$1; shift
  for t in "$@"; do
    "run_$t" "$p" || { echo "bench: $t failed on $p" >&2; exit 1; }
    "run_$t" "$p"
  done
  local TIMEFORMAT='%3R %3U %3S'
  for _ in $(seq "$RUNS"); do
    for t in "$@"; do
      { time "run_$t" "$p"; } 2>"$W/time.out"
      awk '{printf "%.1f %.1f\n", $1 * 1000, ($2 + $3) * 1000}' "$W/time.out" >>"$W/$p/$t.times"
    done
  done
}
wall() { cut -d' ' -f1 "$W/$1/$2.times" | median; }
cpu() { cut -d' ' -f2 "$W/$1/$2.times" | median; }

# instructions PROJECT: one mbhost no-op under callgrind.
instructions() {
  command -v valgrind >/dev/null || { echo "-"; return; }
  valgrind --tool=callgrind --callgrind-out-file=/dev/null \
    "$MBHOST" --config "$W/$1/build.ini" -q -j 2 2>&1 >/dev/null |
    sed -nE 's/.*Collected : ([0-9]+).*/\1/p' | awk '{printf "%.1f M", $1 / 1e6}'
}

echo "bench: setting up the projects" >&2
fetch_module "$GOAWK" "$W/goawk-src"
rm -rf "$W/goawk-src/testdata" # test data: GoAWK's own tests, not its build
setup goawk "$W/goawk-src" . goawk "$SIX"
setup gojq "$GOJQ" ./cmd/gojq gojq "$SIX"
# 1,000 files: 20 packages of 50 files, and a main that calls into each.
mkdir -p "$W/gen-src"
printf 'module example.com/gen\n\ngo 1.21\n' >"$W/gen-src/go.mod"
{
  printf 'package main\n\nimport (\n\t"fmt"\n'
  for p in $(seq -w 0 19); do printf '\t"example.com/gen/p%s"\n' "$p"; done
  printf ')\n\nfunc main() {\n\tfmt.Println('
  for p in $(seq -w 0 19); do printf 'p%s.F00() + ' "$p"; done
  printf '0)\n}\n'
} >"$W/gen-src/main.go"
for p in $(seq -w 0 19); do
  mkdir -p "$W/gen-src/p$p"
  for f in $(seq -w 0 49); do
    printf 'package p%s\n\n// F%s returns its number.\nfunc F%s() int { return %d }\n' \
      "$p" "$f" "$f" "$((10#$f))" >"$W/gen-src/p$p/f$f.go"
  done
done
setup gen1000 "$W/gen-src" . gen "$SIX"
setup hello "$ROOT/tests/fixtures/hello-go" . hello "$SIX"
setup hello30 "$ROOT/tests/fixtures/hello-go" . hello "$THIRTY"

HEAD_TOOLS="mbhost make ninja loop"
[ -n "${GORELEASER:-}" ] && HEAD_TOOLS="$HEAD_TOOLS goreleaser"
for p in goawk gojq; do
  echo "bench: measuring $p ($HEAD_TOOLS)" >&2
  measure "$p" $HEAD_TOOLS
done
for p in hello gen1000 hello30; do
  echo "bench: measuring $p (mbhost make ninja)" >&2
  measure "$p" mbhost make ninja
done

echo "no-op of a Go matrix, median of $RUNS runs; $(go version | cut -d' ' -f3); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
for p in goawk gojq; do
  echo
  echo "**$p** ($(cat "$W/$p/files") files, 6 targets)"
  echo
  echo "| tool | wall ms | CPU ms | mbhost / tool, wall | mbhost / tool, CPU |"
  echo "| --- | ---: | ---: | ---: | ---: |"
  mw=$(wall "$p" mbhost) mc=$(cpu "$p" mbhost)
  for t in $HEAD_TOOLS; do
    w=$(wall "$p" "$t") c=$(cpu "$p" "$t")
    awk -v t="$t" -v w="$w" -v c="$c" -v mw="$mw" -v mc="$mc" 'BEGIN {
      printf "| %s | %.1f | %.1f | %.3f | %.3f |\n", t, w, c, mw / w, (c > 0 ? mc / c : 0) }'
  done
done
echo
echo "Growth with files and targets (mbhost instructions: callgrind, one no-op)"
echo
echo "| project | files | targets | mbhost wall ms | make wall ms | ninja wall ms | mbhost / ninja | mbhost CPU ms | mbhost instructions |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for p in hello goawk gojq gen1000 hello30; do
  n=$(wc -l <"$W/$p/targets")
  mw=$(wall "$p" mbhost) kw=$(wall "$p" make) nw=$(wall "$p" ninja) mc=$(cpu "$p" mbhost)
  awk -v p="$p" -v f="$(cat "$W/$p/files")" -v n="$n" -v mw="$mw" -v kw="$kw" -v nw="$nw" -v mc="$mc" \
    -v i="$(instructions "$p")" 'BEGIN {
      printf "| %s | %d | %d | %.1f | %.1f | %.1f | %.2f | %.1f | %s |\n", p, f, n, mw, kw, nw, mw / nw, mc, i }'
done
