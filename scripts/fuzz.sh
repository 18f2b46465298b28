#!/usr/bin/env bash
# Builds the libFuzzer targets with clang in build-fuzz/ and runs each for
# SECONDS (default 60) from its seed corpus (tests/fuzz/corpus/NAME). New
# inputs go to build-fuzz/corpus/NAME, crashes to build-fuzz/crashes/.
# Every target runs even when one fails; the last line is
# `fuzz: N passed, N failed` (scripts/test.sh adds it up), and the exit
# status is 1 when a target failed.
# Usage: scripts/fuzz.sh [SECONDS] [NAME...]   (see docs/fuzzing.md)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(fuzz_config fuzz_matrix fuzz_s3_xml)

CC=clang cmake -S . -B build-fuzz -DMBHOST_FUZZ=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-fuzz -j "$(nproc)" --target "${names[@]}"

mkdir -p build-fuzz/crashes
passed=0 failed=0
for name in "${names[@]}"; do
  work="build-fuzz/corpus/$name"
  mkdir -p "$work"
  echo "== $name: ${seconds}s"
  # The first folder receives new inputs; the committed seeds stay as they are.
  rc=0
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    "build-fuzz/fuzz/$name" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="build-fuzz/crashes/$name-" \
    "$work" "tests/fuzz/corpus/$name" 2>&1 | tail -n 12 || rc=$?
  if [ "$rc" = 0 ]; then
    passed=$((passed + 1))
    echo "== $name: passed"
  else
    failed=$((failed + 1))
    echo "== $name: FAILED (exit $rc; inputs in build-fuzz/crashes/)"
  fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" = 0 ]
