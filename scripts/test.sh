#!/usr/bin/env bash
# Installs what the tests need, builds mbhost, and runs the whole suite:
# 1. the normal build (build/), every test, valgrind included;
# 2. the same suite built with AddressSanitizer and UBSan (build-asan/);
# 3. each libFuzzer target for 60 s (build-fuzz/, docs/fuzzing.md).
# This is the README's test command and what CI runs (.ci/run).
# --quick runs only the first step.
# Every stage runs even when an earlier one fails; each says when it
# starts and how long it took, and the last line is `N passed, N failed`
# over all of them (the tests of both ctest runs, one per fuzz target; a
# set-up, build or ctest that fails without a count counts as one failed
# test). The exit status is 1 when anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
passed=0 failed=0
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

# stage NAME COMMAND...: runs COMMAND between a line saying it starts and
# one saying how it ended and how long it took; COMMAND's exit status.
stage() {
  local name=$1 started=$SECONDS rc=0
  shift
  echo "test.sh: $name ..."
  "$@" || rc=$?
  if [ "$rc" = 0 ]; then
    echo "test.sh: $name done in $((SECONDS - started))s"
  else
    echo "test.sh: $name FAILED (exit $rc) after $((SECONDS - started))s"
  fi
  return "$rc"
}

build_tree() { # DIR CMAKE_ARGS...
  local dir=$1
  shift
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" &&
    cmake --build "$dir" -j "$jobs"
}

# suite NAME DIR [CMAKE_ARGS...]: builds DIR and runs its ctest, with the
# variables in CTEST_ENV set, and counts its tests.
suite() {
  local name=$1 dir=$2 line
  shift 2
  if ! stage "$name: build" build_tree "$dir" "$@"; then
    failed=$((failed + 1))
    return
  fi
  stage "$name: ctest" env "${CTEST_ENV[@]}" ctest --test-dir "$dir" \
    --output-on-failure -j "$jobs" 2>&1 | tee "$logs/$name"
  # "95% tests passed, 2 tests failed out of 40"; none: ctest itself failed.
  line=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+$' "$logs/$name" | tail -n 1)
  if [[ $line =~ ([0-9]+)\ tests?\ failed\ out\ of\ ([0-9]+) ]]; then
    failed=$((failed + BASH_REMATCH[1]))
    passed=$((passed + BASH_REMATCH[2] - BASH_REMATCH[1]))
  else
    failed=$((failed + 1))
  fi
}

started=$SECONDS
stage "set-up" scripts/setup.sh --test || failed=$((failed + 1))
CTEST_ENV=()
suite "normal" build

if [ "${1:-}" != "--quick" ]; then
  # Sanitizers: a report aborts the process, so the test that ran it fails.
  # intercept_tls_get_addr=0: LeakSanitizer otherwise reports false leaks in
  # the thread-local storage of plugin threads with Debian 12's gcc and glibc.
  # handle_segv=0: a segfault stays a SIGSEGV, as tests of crashing plugins
  # expect (ASan would turn it into exit status 1).
  CTEST_ENV=(ASAN_OPTIONS=detect_leaks=1:handle_segv=0
    LSAN_OPTIONS=intercept_tls_get_addr=0 UBSAN_OPTIONS=print_stacktrace=1)
  suite "asan" build-asan -DMBHOST_SANITIZE=ON

  # fuzz.sh ends with "fuzz: N passed, N failed"; none: its build failed.
  stage "fuzz" scripts/fuzz.sh 60 2>&1 | tee "$logs/fuzz"
  line=$(grep -E '^fuzz: [0-9]+ passed, [0-9]+ failed$' "$logs/fuzz" | tail -n 1)
  if [[ $line =~ ([0-9]+)\ passed,\ ([0-9]+)\ failed ]]; then
    passed=$((passed + BASH_REMATCH[1]))
    failed=$((failed + BASH_REMATCH[2]))
  else
    failed=$((failed + 1))
  fi
fi

echo "test.sh: everything in $((SECONDS - started))s"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
