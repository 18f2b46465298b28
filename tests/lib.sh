# Shared helpers for the end-to-end tests: source it first.
# Every test gets a private temporary folder ($T) and a private cache, so
# tests never see each other's state nor the user's.
set -euo pipefail

: "${MBHOST:?run through ctest (MBHOST is the mbhost binary)}"
: "${MBHOST_SOURCE_DIR:?}"
T=$(mktemp -d "${TMPDIR:-/tmp}/mbhost-test.XXXXXX")
# Go keeps its build cache under XDG_CACHE_HOME: pin it first so the tests
# share the user's compiled standard library instead of rebuilding it.
if command -v go >/dev/null 2>&1; then export GOCACHE="${GOCACHE:-$(go env GOCACHE)}"; fi
export XDG_CACHE_HOME="$T/cache" XDG_STATE_HOME="$T/state" XDG_DATA_HOME="$T/data"
FIXTURES="$MBHOST_SOURCE_DIR/tests/fixtures"
trap 'rm -rf "$T"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok: $*"; }

# run_mbhost EXPECTED_EXIT args...: runs mbhost, keeps output in $OUT.
run_mbhost() {
  local want=$1; shift
  local rc=0
  OUT=$("$MBHOST" "$@" 2>&1) || rc=$?
  if [ "$rc" != "$want" ]; then
    echo "$OUT" >&2
    fail "mbhost $* exited $rc, expected $want"
  fi
}

# expect_output PATTERN: $OUT (from run_mbhost) must match the ERE.
expect_output() {
  grep -qE -- "$1" <<<"$OUT" || { echo "$OUT" >&2; fail "output lacks /$1/"; }
}

# copy_fixture NAME: a private copy of tests/fixtures/NAME in $T/NAME.
copy_fixture() {
  cp -r "$FIXTURES/$1" "$T/$1"
  echo "$T/$1"
}

# tree_digest DIR: one digest of every file's path and content under DIR.
tree_digest() {
  (cd "$1" && find . -type f -print0 | sort -z | xargs -0 -r sha256sum | sha256sum | cut -d' ' -f1)
}

# logging_go: a `go` first on PATH ($T/logging-go) that appends its
# arguments to $T/go.log and runs the real one; go_builds: how many real
# builds it ran since go.log was emptied (`build -o`: the probe's own
# `go build -n` check does not count).
logging_go() {
  mkdir -p "$T/logging-go"
  printf '#!/bin/sh\necho "$*" >>"%s"\nexec %s "$@"\n' "$T/go.log" "$(command -v go)" >"$T/logging-go/go"
  chmod +x "$T/logging-go/go"
  export PATH="$T/logging-go:$PATH"
}
go_builds() { grep -c '^build -o' "$T/go.log" || true; }

# waiting_go DIR GO: a `go` in DIR that runs GO, but whose builds (not the
# probe's `go build -n`) first touch $T/building and wait for $T/go-on:
# a test changes something while a target builds.
waiting_go() {
  mkdir -p "$1"
  cat >"$1/go" <<SH
#!/bin/sh
if [ "\$1" = build ] && [ "\$2" != -n ]; then
  touch "$T/building"
  while [ ! -e "$T/go-on" ]; do sleep 0.1; done
fi
exec "$2" "\$@"
SH
  chmod +x "$1/go"
}

# wait_building LOG: until a waiting_go build has started (LOG: what to
# show when none does).
wait_building() {
  for _ in $(seq 600); do [ -e "$T/building" ] && return; sleep 0.1; done
  fail "the build did not start: $(cat "$1")"
}

# distinct_tree_reads CACHE: how many different records of what builds read
# of a toolchain tree (host/tree_reads.h) the cache folder CACHE/mbhost
# holds: the remote cache keeps each one as a document, and two targets
# with the same list share its blob.
distinct_tree_reads() {
  local f
  for f in "$1"/mbhost/tree-reads/*/*; do
    [ -f "$f" ] && sha256sum <"$f"
  done | sort -u | wc -l
}

# build_test_plugin NAME: compiles tests/e2e/plugins/NAME.c against the SDK
# headers into $T/plugins/NAME.so (a folder only the owner may write).
build_test_plugin() {
  mkdir -p -m 755 "$T/plugins"
  cc -shared -fPIC -fvisibility=hidden -std=c99 -D_DEFAULT_SOURCE -Wall -Werror \
    -I "$MBHOST_SOURCE_DIR/sdk-headers" \
    -o "$T/plugins/$1.so" "$MBHOST_SOURCE_DIR/tests/e2e/plugins/$1.c"
}
