#!/usr/bin/env bash
# Where a no-op rerun's work goes, in instructions (valgrind's callgrind:
# repeatable whatever else the machine is doing). Builds the six-target Go
# example (tests/fixtures/hello-go) once, reruns it twice to warm every
# cache, then profiles a third rerun and prints the instructions spent in
# each stage, inclusive.
#   bench/noop-profile.sh [MBHOST]     (default: build/bin/mbhost)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MBHOST=${1:-$ROOT/build/bin/mbhost}
command -v valgrind >/dev/null || { echo "bench: valgrind is missing" >&2; exit 2; }
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
cp -r "$ROOT/tests/fixtures/hello-go" "$W/app"
cat >"$W/build.ini" <<INI
[project]
name = hello
source = app
[matrix]
os = linux, darwin, windows
arch = amd64, arm64
[toolchain]
use = go
INI
export XDG_CACHE_HOME="$W/cache"
for _ in 1 2 3; do "$MBHOST" --config "$W/build.ini" -q >/dev/null; done
valgrind --tool=callgrind --callgrind-out-file="$W/cg.out" \
  "$MBHOST" --config "$W/build.ini" -q >/dev/null 2>"$W/valgrind.log"
total=$(sed -nE 's/.*Collected : ([0-9]+).*/\1/p' "$W/valgrind.log")
callgrind_annotate --inclusive=yes --threshold=100 "$W/cg.out" >"$W/annotated" 2>/dev/null
stage() { # stage LABEL FUNCTION
  local n
  n=$(grep -E "[:]$2 \[" "$W/annotated" | head -1 | awk '{gsub(",", "", $1); print $1}' || true)
  printf '| %s | %s | %.1f%% |\n' "$1" "${n:-0}" "$(echo "${n:-0} * 100 / $total" | bc -l)"
}
echo "no-op rerun of 6 Go targets: $total instructions"
echo
echo "| stage | instructions | share |"
echo "| --- | ---: | ---: |"
stage "config and plugins (run_prepare)" run_prepare
stage "  plugin loading" plugin_registry_load
stage "toolchain trees digest (GOROOT)" cache_tree_facts
stage "source digest (digester, trees included)" source_digest
stage "  stat cache check, no folder read" check_lines
stage "cache restore (SHA-256 of outputs not verified before)" cache_restore
stage "export (local)" export_run
stage "artifacts.json" report_write
