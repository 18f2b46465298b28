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
logging_go

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
for f in "$STORE"/cas/*; do
  [ "$(sha256sum <"$f" | cut -d' ' -f1)" = "$(basename "$f")" ] || fail "blob $f is not named by its sha256"
done
# Besides the 3 results: documents, each an entry and a blob (the same
# record of two targets is one blob): the build durations (host/shard.c)
# and, per target, the GOROOT folders its build read (tree_reads.h).
python3 - "$STORE" <<'PY' || fail "A did not upload 3 results, the durations and 3 tree reads records, and nothing else"
import json, os, sys
store = sys.argv[1]
results, documents = 0, {}
for name in os.listdir(store + "/ac"):
    ar = json.load(open(os.path.join(store, "ac", name)))
    assert set(ar) == {"outputFiles", "exitCode"}, ar
    (f,) = ar["outputFiles"]
    blob = os.path.join(store, "cas", f["digest"]["hash"])
    assert os.path.getsize(blob) == f["digest"]["sizeBytes"], f
    if f["path"] == "document":
        documents[name] = open(blob, "rb").read()
        continue
    assert f["path"] in ("hello", "hello.exe") and f["isExecutable"] is True, f
    results += 1
records = [d for d in documents.values() if d.startswith(b"mbhost-tree-reads/1\n")]
assert results == 3 and len(documents) == 4 and len(records) == 3, (results, documents)
assert all(b"src/fmt\n" in r for r in records), records
blobs = {f["digest"]["hash"] for n in os.listdir(store + "/ac")
         for f in json.load(open(os.path.join(store, "ac", n)))["outputFiles"]}
assert blobs == set(os.listdir(store + "/cas")), "blobs no entry names"
PY
pass "A builds and uploads every blob and an ActionResult per target"

: >"$T/go.log"
on b 0
expect_sources b remote
expect_output "^linux/amd64 +ok +[0-9.]+s  hit \(remote\)  "
expect_output "\(remote cache hit\)"
[ "$(go_builds)" = 0 ] || fail "B ran go build: $(cat "$T/go.log")"
for t in linux/amd64/hello linux/arm64/hello windows/amd64/hello.exe; do
  cmp "${DIRS[a]}/dist/$t" "${DIRS[b]}/dist/$t" || fail "$t differs between A and B"
done
[ -x "${DIRS[b]}/dist/linux/amd64/hello" ] || fail "the restored binary is not executable"
pass "B restores A's results from the remote cache, spawns no go build, byte for byte"

# What B would have built itself at its other path is the same bytes (the
# Go toolchain builds with -trimpath by default), so a key that leaves the
# path out hands B exactly its own build.
MBHOST_CACHE_REMOTE_MODE=read-only XDG_CACHE_HOME="$T/cache-own" run_mbhost 0 --config "${DIRS[b]}/build.ini" -j 2 --no-cache --output "$T/own"
cmp "${DIRS[a]}/dist/linux/amd64/hello" "$T/own/linux/amd64/hello" || fail "B's own build differs from A's"
pass "B's own build at another path is byte-identical to A's"

on b 0 -v
expect_sources b local
expect_output "^mbhost: remote cache: folder \(read-write\)$"
expect_output "^mbhost: \[folder\] folder $STORE$"
pass "B's next run hits its local cache; -v describes the store"

run_mbhost 0 cache stats
XDG_CACHE_HOME="$T/cache-b" run_mbhost 0 cache stats
expect_output "^remote hits: +3$"
expect_output "^downloaded: +[0-9.]+ MiB$"
XDG_CACHE_HOME="$T/cache-a" run_mbhost 0 cache stats
expect_output "^remote misses: +3$"
expect_output "^uploaded: +[0-9.]+ MiB$"
pass "cache stats shows remote hits, misses, bytes down and up"

DIRS[c]=$(machine c)
XDG_CACHE_HOME="$T/cache-c" run_mbhost 0 --config "${DIRS[c]}/build.ini" --dry-run
expect_output "^  cache: hit \(remote\)$"
expect_output "^remote cache: folder \(read-write\)$"
expect_output "^  folder $STORE$"
[ ! -e "${DIRS[c]}/dist" ] || fail "the dry run wrote the output"
[ ! -d "$T/cache-c/mbhost/actions" ] || fail "the dry run downloaded into the cache"
pass "--dry-run says which targets the remote cache has and describes the store"

# The action entry of each target, found by the digest of A's output.
entry_of() {
  python3 - "$STORE" "$(sha256sum <"${DIRS[a]}/dist/$1" | cut -d' ' -f1)" <<'PY'
import json, os, sys
for name in os.listdir(sys.argv[1] + "/ac"):
    if json.load(open(os.path.join(sys.argv[1], "ac", name)))["outputFiles"][0]["digest"]["hash"] == sys.argv[2]:
        print(name)
PY
}
amd64_blob=$(sha256sum <"${DIRS[a]}/dist/linux/amd64/hello" | cut -d' ' -f1)
win_blob=$(sha256sum <"${DIRS[a]}/dist/windows/amd64/hello.exe" | cut -d' ' -f1)
arm64_entry=$(entry_of linux/arm64/hello)
rm "$STORE/cas/$amd64_blob"
echo "not the program" >"$STORE/cas/$win_blob"
python3 - "$STORE/ac/$arm64_entry" <<'PY'
import json, sys
ar = json.load(open(sys.argv[1]))
ar["outputFiles"][0]["digest"]["hash"] = "0" * 64
json.dump(ar, open(sys.argv[1], "w"))
PY
on c 0
expect_sources c miss
expect_output "\[linux/amd64\] warning: remote cache: blob ${amd64_blob:0:12} of hello is missing; building it"
expect_output "\[windows/amd64\] warning: remote cache: blob ${win_blob:0:12} of hello.exe is damaged"
expect_output "\[linux/arm64\] warning: remote cache: blob 000000000000 of hello is missing; building it"
# C's builds replaced the three entries: each names blobs the store has.
python3 - "$STORE" <<'PY'
import hashlib, json, os, sys
for name in os.listdir(sys.argv[1] + "/ac"):
    for f in json.load(open(os.path.join(sys.argv[1], "ac", name)))["outputFiles"]:
        blob = os.path.join(sys.argv[1], "cas", f["digest"]["hash"])
        assert os.path.exists(blob), ("missing", name, f)
        assert hashlib.sha256(open(blob, "rb").read()).hexdigest() == f["digest"]["hash"], ("damaged", blob)
PY
on c 0
expect_sources c local
pass "a missing blob, a damaged blob and an entry naming a missing blob rebuild with a warning, and are repaired"

# A store that hands out a hostile record of what a build read of GOROOT
# (a folder outside it): refused, so the target is keyed on nothing it
# says; it builds, and nothing outside GOROOT is looked at.
python3 - "$STORE" <<'PY'
import hashlib, json, os, sys
store = sys.argv[1]
evil = b"mbhost-tree-reads/1\n../../../../etc\n"
name = hashlib.sha256(evil).hexdigest()
open(os.path.join(store, "cas", name), "wb").write(evil)
n = 0
for entry in os.listdir(store + "/ac"):
    path = os.path.join(store, "ac", entry)
    ar = json.load(open(path))
    f = ar["outputFiles"][0]
    blob = os.path.join(store, "cas", f["digest"]["hash"])
    if f["path"] == "document" and open(blob, "rb").read().startswith(b"mbhost-tree-reads/1\n"):
        f["digest"] = {"hash": name, "sizeBytes": len(evil)}
        json.dump(ar, open(path, "w"))
        n += 1
assert n == 3, n
PY
DIRS[f]=$(machine f)
on f 0
expect_sources f miss
[ "$(grep -c "remote cache: its record of the toolchain folders a build reads is damaged; building it" <<<"$OUT")" = 3 ] ||
  fail "three hostile records should give three warnings"
if grep -rq etc "$T/cache-f/mbhost/tree-reads"; then fail "a hostile record was kept"; fi
on f 0
expect_sources f local
pass "a hostile record of what a build read is refused: the target builds, and hits afterwards"

DIRS[d]=$(machine d)
: >"$MBHOST_TEST_STORE_LOG"
STORE="$T/no-such-store" on d 0
expect_sources d miss
[ "$(grep -c "warning: remote cache" <<<"$OUT")" = 1 ] || { echo "$OUT" >&2; fail "a store that is down should give one warning"; }
expect_output "warning: remote cache folder: cannot reach $T/no-such-store: .*; not using it for the rest of this run"
[ "$(wc -l <"$MBHOST_TEST_STORE_LOG")" = 1 ] || fail "the store was called after its first error: $(cat "$MBHOST_TEST_STORE_LOG")"
pass "a store that is down: one warning, one call, everything builds, exit 0"

# Read-only: remote hits still come, nothing goes up.
DIRS[e]=$(machine e)
echo "// e" >>"${DIRS[e]}/hello-go/main.go"
before=$(ls "$STORE/ac" | wc -l)
: >"$MBHOST_TEST_STORE_LOG"
on e 0 --set cache.remote_mode=read-only
expect_sources e miss
if grep -q "^put\|^has" "$MBHOST_TEST_STORE_LOG"; then fail "read-only mode uploaded: $(cat "$MBHOST_TEST_STORE_LOG")"; fi
sed -i 's/^\[cache\]$/[cache]\nremote_mode = read-write/' "${DIRS[e]}/build.ini"
echo "// e2" >>"${DIRS[e]}/hello-go/main.go"
MBHOST_CACHE_REMOTE_MODE=read-only on e 0
if grep -q "^put" "$MBHOST_TEST_STORE_LOG"; then fail "MBHOST_CACHE_REMOTE_MODE=read-only uploaded"; fi
[ "$(ls "$STORE/ac" | wc -l)" = "$before" ] || fail "read-only runs added action entries"
echo "// e3" >>"${DIRS[e]}/hello-go/main.go"
MBHOST_CACHE_REMOTE_MODE=read-write on e 0 --set cache.remote_mode=read-only
grep -q "^put ac" "$MBHOST_TEST_STORE_LOG" || fail "MBHOST_CACHE_REMOTE_MODE=read-write did not override the config"
MBHOST_CACHE_REMOTE_MODE=sometimes on e 2
expect_output "MBHOST_CACHE_REMOTE_MODE=sometimes: .*read-write.*read-only"
pass "read-only mode uploads nothing; MBHOST_CACHE_REMOTE_MODE overrides the config"

# A changed source misses on B (then B's build is shared).
echo "// changed on b" >>"${DIRS[b]}/hello-go/main.go"
: >"$T/go.log"
on b 0
expect_sources b miss
[ "$(go_builds)" -gt 0 ] || fail "B did not build the changed source"
cp "${DIRS[b]}/hello-go/main.go" "${DIRS[a]}/hello-go/main.go"
on a 0
expect_sources a remote
pass "a changed source misses, builds, and is shared"

# Configuration errors name the file, the line and a suggestion.
bad="${DIRS[a]}/bad.ini"
cp "${DIRS[a]}/build.ini" "$bad"
sed -i 's/^remote = folder$/remote = foldr/' "$bad"
run_mbhost 2 --config "$bad"
expect_output "bad.ini:15: remote: no cache store plugin named 'foldr'; did you mean 'folder'\? \(available: ([a-z0-9-]+, )*folder(, [a-z0-9-]+)*\)"
cp "${DIRS[a]}/build.ini" "$bad"
printf 'pth = x\n' >>"$bad"
run_mbhost 2 --config "$bad"
expect_output "bad.ini:19: .*pth.*path"
printf '[cache.other]\nx = 1\n' >>"$bad"
sed -i '/^pth = x$/d' "$bad"
run_mbhost 2 --config "$bad"
expect_output "bad.ini:19: \[cache.other\] is not used: set \[cache\] remote = other"
run_mbhost 2 --config "${DIRS[a]}/build.ini" --set cache.remote_mode=never
expect_output "remote_mode"
pass "unknown stores, keys, sections and modes are config errors at file:line"

# A plan that names the project's folder (make builds in a copy of it) still
# keys the same in a clone at another path: keys hold {source}, not the path.
cmake_clone() {
  mkdir -p "$1"
  cp -r "$FIXTURES/hello-c-make" "$1/app"
  cat >"$1/build.ini" <<'INI'
[project]
name = cmake
source = app
output = dist

[matrix]
os = linux
arch = amd64

[toolchain]
use = c
mode = make
outputs = hello

[cache]
remote = folder

[cache.folder]
path = ${STORE}
INI
}
cmake_clone "$T/m1"
cmake_clone "$T/further/away/m2"
XDG_CACHE_HOME="$T/cache-m1" run_mbhost 0 --config "$T/m1/build.ini" --dry-run
expect_output "step 1: cp -R -p $T/m1/app/\. \{staging\}/tree"
XDG_CACHE_HOME="$T/cache-m1" run_mbhost 0 --config "$T/m1/build.ini"
XDG_CACHE_HOME="$T/cache-m2" run_mbhost 0 --config "$T/further/away/m2/build.ini"
expect_output "^linux/amd64 +ok +[0-9.]+s  hit \(remote\)  "
cmp "$T/m1/dist/linux/amd64/hello" "$T/further/away/m2/dist/linux/amd64/hello" || fail "the clones' programs differ"
pass "a plan with the project's absolute path keys the same in a clone elsewhere"
