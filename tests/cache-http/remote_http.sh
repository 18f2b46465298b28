#!/usr/bin/env bash
# The remote cache over the Bazel HTTP cache protocol, end to end: the real
# mbhost with [cache] remote = http against a real nginx (WebDAV PUT) on
# 127.0.0.1. "Machines" are separate cache folders (XDG_CACHE_HOME) and
# clones of the project at different paths. A builds the six-target Go
# example and uploads; B gets six remote hits, runs no `go build`, and its
# outputs are A's byte for byte; a changed source misses and rebuilds; a
# deleted blob, a damaged blob and an action entry naming a missing blob
# each rebuild that target with a warning; read-only mode uploads nothing;
# a stopped server costs one warning and the run still succeeds; basic
# auth (environment, netrc) and a bearer token work, and no secret shows
# in any output, -v, --dry-run, log or artifacts.json.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/nginx.sh"

TOKEN="tok-$RANDOM$RANDOM-secret"
USER_NAME=ci
PASSWORD="pw-$RANDOM$RANDOM-secret"
unset MBHOST_CACHE_HTTP_TOKEN MBHOST_CACHE_HTTP_USER MBHOST_CACHE_HTTP_PASSWORD \
  NETRC MBHOST_CACHE_REMOTE_MODE
export HOME="$T/home"
mkdir -p "$HOME"
start_nginx "$TOKEN" "$USER_NAME" "$PASSWORD"
export CACHE_URL="$NGINX_URL/open/"
ALL_OUTPUT="$T/all-output"
: >"$ALL_OUTPUT"

# A `go` first on PATH that logs its arguments and runs the real one: every
# machine uses it, so their probes record the same program.
logging_go

TARGETS="darwin/amd64 darwin/arm64 linux/amd64 linux/arm64 windows/amd64 windows/arm64"

# machine NAME [CACHE LINES...]: a clone of hello-go at $T/NAME/ (the
# project's own path differs per machine) with a build.ini for the six
# targets and the http store at ${CACHE_URL}; each extra argument is one
# more [cache] line.
declare -A DIRS
machine() {
  local name=$1 dir="$T/$1/clone-of-$1"
  shift
  mkdir -p "$dir"
  cp -r "$FIXTURES/hello-go" "$dir/hello-go"
  {
    printf '[project]\nname = hello\nsource = hello-go\noutput = dist\n\n'
    printf '[matrix]\nos = linux, darwin, windows\narch = amd64, arm64\n\n'
    printf '[toolchain]\nuse = go\n\n'
    printf '[cache]\nremote = http\n'
    printf '%s\n' "$@"
    printf '\n[cache.http]\nurl = ${CACHE_URL}\nconnect_timeout = 2s\n'
  } >"$dir/build.ini"
  DIRS[$name]=$dir
}

# on NAME EXIT ARGS...: mbhost on machine NAME (its own cache folder).
on() {
  local name=$1 want=$2
  shift 2
  : >"$T/go.log"
  XDG_CACHE_HOME="$T/$name/cache" run_mbhost "$want" \
    --config "${DIRS[$name]}/build.ini" -j 2 "$@"
  printf '%s\n' "$OUT" >>"$ALL_OUTPUT"
}

# expect_cache NAME WORD [TARGET WORD]...: every target's "cache" in NAME's
# artifacts.json is WORD, but for the TARGETs named after it.
expect_cache() {
  local name=$1 want=$2 got
  shift 2
  got=$(python3 - "${DIRS[$name]}/dist/artifacts.json" "$want" "$@" <<'PY'
import json, sys
want = {}
default = sys.argv[2]
rest = sys.argv[3:]
for i in range(0, len(rest), 2):
    want[rest[i]] = rest[i + 1]
for t in json.load(open(sys.argv[1]))["targets"]:
    expected = want.get(t["target"], default)
    if t.get("cache") != expected:
        print(f"{t['target']}: cache {t.get('cache')}, expected {expected}")
PY
)
  [ -z "$got" ] || { echo "$OUT" >&2; fail "$name: $got"; }
}

objects() { find "$NGINX_DATA/open/$1" -type f 2>/dev/null | wc -l; }
puts() { grep -c '^PUT ' "$NGINX_LOG" || true; }
sha() { sha256sum "$1" | cut -d' ' -f1; }

# --- A builds and uploads; B hits ----------------------------------------
machine a
on a 0
expect_cache a miss
# Six targets, plus documents: the build durations plain runs record (for
# --shard), and per target the GOROOT folders its build read (two targets
# with the same list share a blob).
records=$(distinct_tree_reads "$T/a/cache")
[ "$(objects ac)" = 13 ] || fail "A uploaded $(objects ac) action entries, not 6, the durations and 6 tree reads records"
[ "$(objects cas)" = $((7 + records)) ] || fail "A uploaded $(objects cas) blobs, not 6, the durations and $records tree reads records"
for t in $TARGETS; do
  f=$(ls "${DIRS[a]}/dist/$t/"hello*)
  cmp "$f" "$NGINX_DATA/open/cas/$(sha "$f")" || fail "the server's blob of $t differs from A's output"
done
grep -q "^PUT /open/ac/[0-9a-f]\{64\} 20[14] application/json" "$NGINX_LOG" ||
  fail "no action entry went up as application/json"
pass "A builds six targets and uploads six blobs and six action entries"

machine b
on b 0
expect_cache b remote
expect_output "^linux/amd64 +ok +[0-9.]+s  hit \(remote\)  "
[ "$(go_builds)" = 0 ] || fail "B ran go build: $(cat "$T/go.log")"
for t in $TARGETS; do
  f=$(cd "${DIRS[a]}/dist" && ls "$t/"hello*)
  cmp "${DIRS[a]}/dist/$f" "${DIRS[b]}/dist/$f" || fail "$f differs between A and B"
done
[ -x "${DIRS[b]}/dist/linux/amd64/hello" ] || fail "the restored binary is not executable"
grep -q "^GET /open/ac/[0-9a-f]\{64\} 200 - application/json" "$NGINX_LOG" ||
  fail "B did not ask for action entries as application/json"
pass "B gets six remote hits, runs no go build, and has A's files byte for byte"

# --- a changed source ------------------------------------------------------
echo '// changed on B' >>"${DIRS[b]}/hello-go/main.go"
on b 0
expect_cache b miss
[ "$(go_builds)" = 6 ] || fail "B built $(go_builds) targets after its source changed, not 6"
[ "$(objects ac)" = 25 ] || fail "B's new results and tree reads records were not uploaded ($(objects ac) action entries)"
pass "a changed source misses on B, rebuilds, and uploads the new results"

# --- damaged store contents: that target rebuilds with a warning ----------
# blob_of MACHINE TARGET: the CAS name of MACHINE's output for TARGET.
blob_of() { sha "$(ls "${DIRS[$1]}/dist/$2/"hello*)"; }
# entry_of HASH: the action entry naming blob HASH.
entry_of() { grep -l "$1" "$NGINX_DATA"/open/ac/* | head -n 1; }

rm "$NGINX_DATA/open/cas/$(blob_of a linux/amd64)"
machine c
on c 0
expect_cache c remote linux/amd64 miss
expect_output "linux/amd64.*remote cache: blob [0-9a-f]{12} of hello is missing; building it"
[ "$(go_builds)" = 1 ] || fail "C built $(go_builds) targets, not 1"
# (A Go build at another path is another file: the new one goes up.)
[ -f "$NGINX_DATA/open/cas/$(blob_of c linux/amd64)" ] || fail "C did not upload what it built"
pass "a deleted blob: that target rebuilds with a warning, and the result goes up"

blob=$NGINX_DATA/open/cas/$(blob_of a linux/arm64)
python3 - "$blob" <<'PY'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
data[len(data) // 2] ^= 0xff
open(sys.argv[1], "wb").write(data)
PY
machine d
on d 0
expect_cache d remote linux/arm64 miss
expect_output "linux/arm64.*remote cache: blob [0-9a-f]{12} of hello is damaged"
[ "$(go_builds)" = 1 ] || fail "D built $(go_builds) targets, not 1"
[ -f "$NGINX_DATA/open/cas/$(blob_of d linux/arm64)" ] || fail "D did not upload what it built"
pass "a damaged blob: that target rebuilds with a warning"

entry=$(entry_of "$(blob_of a windows/amd64)")
missing=$(printf 'no such blob' | sha256sum | cut -d' ' -f1)
sed -i "s/$(blob_of a windows/amd64)/$missing/" "$entry"
machine e
on e 0
expect_cache e remote windows/amd64 miss
expect_output "windows/amd64.*remote cache: blob [0-9a-f]{12} of hello.exe is missing; building it"
[ "$(go_builds)" = 1 ] || fail "E built $(go_builds) targets, not 1"
pass "an action entry naming a missing blob: that target rebuilds with a warning"

# --- read-only ---------------------------------------------------------------
machine f "remote_mode = read-only"
echo '// changed on F' >>"${DIRS[f]}/hello-go/main.go"
before=$(puts)
on f 0 -t linux/amd64
expect_cache f miss
[ "$(puts)" = "$before" ] || fail "read-only F uploaded: $(tail -n +$((before + 1)) "$NGINX_LOG")"
MBHOST_CACHE_REMOTE_MODE=read-only on a 0 -t linux/amd64 --no-cache
[ "$(puts)" = "$before" ] || fail "MBHOST_CACHE_REMOTE_MODE=read-only uploaded"
pass "read-only mode (the INI's and MBHOST_CACHE_REMOTE_MODE) uploads nothing"

# --- authentication -------------------------------------------------------
# The protected locations start with what the open one has.
cp -r "$NGINX_DATA/open/." "$NGINX_DATA/basic/"
cp -r "$NGINX_DATA/open/." "$NGINX_DATA/bearer/"

export CACHE_URL="$NGINX_URL/basic"
machine g
on g 0
expect_cache g miss
expect_output "warning: remote cache http: (HEAD|GET) $NGINX_URL/basic/ac/[0-9a-f]{64}: HTTP 401"
[ "$(grep -c 'remote cache' <<<"$OUT")" = 1 ] || fail "more than one remote cache warning without credentials"
pass "no credentials for a protected server: one warning, everything builds"

MBHOST_CACHE_HTTP_USER=$USER_NAME MBHOST_CACHE_HTTP_PASSWORD=$PASSWORD on g 0 -v
expect_output "credentials: basic auth from MBHOST_CACHE_HTTP_USER and MBHOST_CACHE_HTTP_PASSWORD"
machine h
MBHOST_CACHE_HTTP_USER=$USER_NAME MBHOST_CACHE_HTTP_PASSWORD=$PASSWORD on h 0
expect_cache h remote
[ "$(go_builds)" = 0 ] || fail "H ran go build"
printf 'machine 127.0.0.1 login %s password %s\n' "$USER_NAME" "$PASSWORD" >"$HOME/.netrc"
machine i
on i 0 -v
expect_cache i remote
expect_output "credentials: basic auth from the netrc file $HOME/.netrc"
rm "$HOME/.netrc"
pass "basic auth from MBHOST_CACHE_HTTP_USER and _PASSWORD, and from ~/.netrc"

export CACHE_URL="$NGINX_URL/bearer/" MBHOST_CACHE_HTTP_TOKEN=$TOKEN
machine j
echo '// changed on J' >>"${DIRS[j]}/hello-go/main.go"
on j 0 -t linux/amd64 -v
expect_cache j miss
grep -q "^PUT /bearer/ac/[0-9a-f]\{64\} 20[14] " "$NGINX_LOG" || fail "J's upload with a bearer token did not arrive"
machine k
on k 0 --dry-run -v
printf '%s\n' "$OUT" >"${DIRS[k]}/dry-run.txt"
expect_output "credentials: bearer token from MBHOST_CACHE_HTTP_TOKEN"
on k 0
expect_cache k remote
[ "$(go_builds)" = 0 ] || fail "K ran go build"
pass "a bearer token from MBHOST_CACHE_HTTP_TOKEN: uploads and hits"

# A password in the INI's URL: a configuration error at its line that does
# not repeat it; nothing is built.
machine m
CACHE_URL="http://$USER_NAME:$PASSWORD@127.0.0.1:1/cache" on m 2
expect_output "build.ini:[0-9]+: url: has a user name or password in it; credentials never go in the INI"
[ "$(go_builds)" = 0 ] || fail "M built with a bad URL"
CACHE_URL="http://$USER_NAME:$PASSWORD@127.0.0.1:1/cache" on m 2 --dry-run
pass "a URL with a password in it is a configuration error (exit 2)"

for secret in "$TOKEN" "$PASSWORD"; do
  if grep -rqF -- "$secret" "$ALL_OUTPUT" "$T"/[a-m]/; then
    fail "a secret is in $(grep -rlF -- "$secret" "$ALL_OUTPUT" "$T"/[a-m]/ | head -n 3)"
  fi
done
pass "no token or password in any output, -v, --dry-run, log, cache folder or artifacts.json"
unset MBHOST_CACHE_HTTP_TOKEN

# --- a server that is down ------------------------------------------------
export CACHE_URL="$NGINX_URL/open/"
stop_nginx
machine l
on l 0
expect_cache l miss
[ "$(go_builds)" = 6 ] || fail "L built $(go_builds) targets with the server down, not 6"
[ "$(grep -c 'remote cache' <<<"$OUT")" = 1 ] || { echo "$OUT" >&2; fail "not exactly one remote cache warning with the server down"; }
expect_output "warning: remote cache http: .*$NGINX_URL/open/.*(Failed to connect|Couldn't connect).*not using it for the rest of this run"
pass "a stopped server: one warning, every target builds, exit 0"
