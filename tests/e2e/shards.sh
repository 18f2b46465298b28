# --shard K/N: three "machines" (their own XDG_CACHE_HOME and copy of the
# project, at different paths) build --shard 1/3, 2/3 and 3/3 of the
# six-target Go example into one remote store (the folder store test
# plugin) and export nothing; the union of their targets is the matrix,
# with no overlap. A fourth machine's plain run gets six remote hits,
# builds nothing, exports once, and its artifacts.json lists all six.
# Also: a shard needs a read-write remote (exit 2 otherwise); a bad K/N is
# a usage error; more shards than targets leaves a shard with nothing to
# do; the split follows the durations a plain run recorded.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"

build_test_plugin folder_store
STORE="$T/store"
mkdir -p "$STORE"
# A `go` first on PATH that logs its arguments and runs the real one, on
# every machine: the probe records which program builds, so all machines
# must see the same one to share results.
logging_go
TARGETS="darwin/amd64 darwin/arm64 linux/amd64 linux/arm64 windows/amd64 windows/arm64"

# machine NAME: a machine's project copy and build.ini in $T/NAME.
machine() {
  local dir="$T/$1"
  mkdir -p "$dir"
  cp -r "$FIXTURES/hello-go" "$dir/src"
  cat >"$dir/build.ini" <<INI
[project]
name   = hello
source = src
output = dist

[matrix]
os   = linux, darwin, windows
arch = amd64, arm64

[toolchain]
use     = go
ldflags = -s -w

[cache]
remote = folder

[cache.folder]
path = $STORE
INI
}

# on NAME EXPECTED_EXIT ARGS...: mbhost on machine NAME (its own cache).
on() {
  local name=$1 want=$2
  shift 2
  XDG_CACHE_HOME="$T/$name/cache" run_mbhost "$want" --config "$T/$name/build.ini" \
    --plugin-dir "$T/plugins" -j 2 "$@"
}

# taken: the targets $OUT's shard says it builds, one per line, sorted.
taken() {
  sed -nE 's/^mbhost: shard [0-9]+\/[0-9]+: building (.*) \(split .*/\1/p' <<<"$OUT" |
    tr -d ' ' | tr ',' '\n' | grep -v '^none$' | sort || true
}

# --- refusals ----------------------------------------------------------------
machine m1
for bad in 0/3 4/3 3 1/0 x/y; do
  on m1 2 --shard "$bad"
  expect_output "error: --shard $bad: "
done
pass "a bad K/N is a usage error"

sed '/^\[cache\]/,$d' "$T/m1/build.ini" >"$T/m1/local.ini"
XDG_CACHE_HOME="$T/m1/cache" run_mbhost 2 --config "$T/m1/local.ini" --shard 1/3
expect_output "error: .*/local.ini: --shard 1/3 needs a remote cache for its results: set \\[cache\\] remote"
MBHOST_CACHE_REMOTE_MODE=read-only on m1 2 --shard 1/3
expect_output "build.ini.*--shard 1/3 needs the remote cache in read-write mode \(MBHOST_CACHE_REMOTE_MODE is read-only\)"
on m1 2 --shard 1/3 --set cache.remote_mode=read-only
expect_output "error: --set: --shard 1/3 needs the remote cache in read-write mode: "
sed 's/^remote = folder$/&\nremote_mode = read-only/' "$T/m1/build.ini" >"$T/m1/ro.ini"
XDG_CACHE_HOME="$T/m1/cache" run_mbhost 2 --config "$T/m1/ro.ini" --plugin-dir "$T/plugins" --shard 1/3
line=$(grep -n '^remote_mode' "$T/m1/ro.ini" | cut -d: -f1)
expect_output "error: .*/ro.ini:$line: --shard 1/3 needs the remote cache in read-write mode: "
[ -z "$(ls -A "$STORE")" ] || fail "a refused shard wrote to the store"
[ ! -e "$T/m1/dist" ] || fail "a refused shard made the output folder"
pass "a shard without a read-write remote cache is refused (exit 2)"

# --- three shards, then the assembling run -----------------------------------
all=""
for k in 1 2 3; do
  [ "$k" = 1 ] || machine "m$k"
  on "m$k" 0 --shard "$k/3"
  mine=$(taken)
  [ "$(wc -l <<<"$mine")" = 2 ] || { echo "$OUT" >&2; fail "shard $k/3 took $(wc -l <<<"$mine") targets, not 2"; }
  expect_output "^mbhost: shard $k/3: left to "
  expect_output "nothing exported"
  for t in $mine; do
    expect_output "^$t +ok +[0-9.]+s +miss "
  done
  # Built, uploaded, and nothing exported: no output folder at all.
  [ ! -e "$T/m$k/dist" ] || fail "shard $k/3 exported: $(find "$T/m$k/dist")"
  all+="$mine"$'\n'
done
[ "$(sort <<<"$all" | grep -v '^$' | tr '\n' ' ')" = "$TARGETS " ] ||
  fail "the shards' union is not the matrix, once each: $(sort <<<"$all" | tr '\n' ' ')"
pass "--shard 1/3, 2/3, 3/3 each build two targets, the six once in all, and export nothing"

machine m4
: >"$T/go.log"
on m4 0
for t in $TARGETS; do
  expect_output "^$t +ok +[0-9.]+s +hit \(remote\) "
done
[ "$(go_builds)" = 0 ] || fail "the assembling run ran go build: $(cat "$T/go.log")"
python3 - "$T/m4/dist/artifacts.json" $TARGETS <<'PY' || fail "artifacts.json is incomplete"
import json, sys
doc = json.load(open(sys.argv[1]))
targets = {t["target"]: t for t in doc["targets"]}
assert sorted(targets) == sorted(sys.argv[2:]), sorted(targets)
for name, t in targets.items():
    assert t["status"] == "ok", t
    assert t["cache"] == "remote", t
names = {a["path"] for a in doc["artifacts"]}
for name in sys.argv[2:]:
    exe = "hello.exe" if name.startswith("windows/") else "hello"
    assert f"{name}/{exe}" in names, (name, names)
PY
for t in $TARGETS; do
  exe=hello
  [ "${t%/*}" = windows ] && exe=hello.exe
  [ -x "$T/m4/dist/$t/$exe" ] || fail "the assembling run did not export $t/$exe"
done
[ "$("$T/m4/dist/linux/amd64/hello")" = "hello from linux/amd64 (plain)" ] || fail "the binary does not run"
pass "a plain run on a fourth machine: six remote hits, no go build, one export, a complete artifacts.json"

# --- more shards than targets --------------------------------------------------
on m1 0 --shard 8/8
[ -z "$(taken)" ] || fail "shard 8/8 of six targets took $(taken)"
expect_output "shard 8/8: no targets for this shard"
[ ! -e "$T/m1/dist" ] || fail "an empty shard exported"
pass "a shard with no targets (8 shards, 6 targets) builds nothing and exits 0"

# --- the split follows recorded durations ---------------------------------------
# Shards never write the durations; a plain read-write run that builds
# does, and from then on every machine splits by them, the same way.
machine m5
on m5 0 --shard 1/2 --dry-run
expect_output "shard 1/2: building .* \(split by name: no durations recorded yet\)"
on m5 0 --no-cache
machine m6
on m6 0 --shard 1/2 --dry-run
expect_output "shard 1/2: building .* \(split by the durations recorded in the remote cache\)"
expect_output "^export: nothing \(--shard: a run without --shard exports\)$"
first=$(taken)
on m1 0 --shard 1/2 --dry-run
[ "$(taken)" = "$first" ] || fail "two machines split differently: $first / $(taken)"
pass "a plain run records durations; every machine splits by them alike"
