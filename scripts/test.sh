#!/usr/bin/env bash
# Installs what the tests need, builds mbhost, and runs the whole suite:
# 1. the normal build (build/), every test, valgrind included;
# 2. the same suite built with AddressSanitizer and UBSan (build-asan/);
# 3. each libFuzzer target for 60 s (build-fuzz/, docs/fuzzing.md).
# This is the README's test command and what CI runs (.ci/run).
# --quick runs only the first step.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

scripts/setup.sh --test
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j "$jobs"
ctest --test-dir build --output-on-failure -j "$jobs"
[ "${1:-}" = "--quick" ] && exit 0

# Sanitizers: a report aborts the process, so the test that ran it fails.
# intercept_tls_get_addr=0: LeakSanitizer otherwise reports false leaks in
# the thread-local storage of plugin threads with Debian 12's gcc and glibc.
# handle_segv=0: a segfault stays a SIGSEGV, as tests of crashing plugins
# expect (ASan would turn it into exit status 1).
cmake -S . -B build-asan -DMBHOST_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build-asan -j "$jobs"
ASAN_OPTIONS=detect_leaks=1:handle_segv=0 \
  LSAN_OPTIONS=intercept_tls_get_addr=0 \
  UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j "$jobs"

scripts/fuzz.sh 60
