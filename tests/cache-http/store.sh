#!/usr/bin/env bash
# The http cache store's contract (plugins/cache-http, docs/cache-http.md),
# through store_client against a real nginx with WebDAV PUT: objects at
# URL/cas/SHA256 and URL/ac/KEY, 404 as not found, the action cache as
# application/json, concurrent calls, basic auth and bearer tokens from the
# environment and netrc files (never the INI, never printed), and a server
# that refuses, fails, is down or does not answer as errors naming the URL.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/nginx.sh"

CLIENT="$MBHOST_BUILD_DIR/tests/store_client"
PLUGIN="$MBHOST_PLUGIN_BUILD_DIR/mb-cache-http.so"
TOKEN="tok-$RANDOM$RANDOM-secret"
USER_NAME=builder
PASSWORD="pw-$RANDOM$RANDOM-secret"
start_nginx "$TOKEN" "$USER_NAME" "$PASSWORD"
ALL_OUTPUT="$T/all-output"
: >"$ALL_OUTPUT"
unset MBHOST_CACHE_HTTP_TOKEN MBHOST_CACHE_HTTP_USER MBHOST_CACHE_HTTP_PASSWORD NETRC
export HOME="$T/home"
mkdir -p "$HOME"

# store EXPECTED_EXIT URL_PATH ARGS...: runs store_client against
# $NGINX_URL/URL_PATH (or the whole URL when it has "://"); $OUT gets
# stdout and stderr.
store() {
  local want=$1 url=$2 rc=0
  shift 2
  case "$url" in *://*) ;; *) url="$NGINX_URL/$url" ;; esac
  OUT=$("$CLIENT" "$PLUGIN" -o "url=$url" "$@" 2>&1) || rc=$?
  printf '%s\n' "$OUT" >>"$ALL_OUTPUT"
  if [ "$rc" != "$want" ]; then
    echo "$OUT" >&2
    fail "store_client $url $* exited $rc, expected $want"
  fi
}

sha() { sha256sum "$1" | cut -d' ' -f1; }

# --- objects on an open server ------------------------------------------
head -c 3000000 /dev/urandom >"$T/blob"
BLOB=$(sha "$T/blob")
KEY=$(printf 'action' | sha256sum | cut -d' ' -f1)
printf '{"outputFiles":[{"path":"hello","digest":{"hash":"%s","sizeBytes":3000000},"isExecutable":true}],"exitCode":0}' \
  "$BLOB" >"$T/action.json"

store 0 open/ describe
expect_output "info: $NGINX_URL/open/ "
expect_output "credentials: no credentials"
store 4 open has cas "$BLOB"
store 4 open get cas "$BLOB" "$T/got"
[ ! -e "$T/got" ] || fail "a failed get left $T/got"
pass "missing objects are not found"

store 0 open put cas "$BLOB" "$T/blob"
cmp "$T/blob" "$NGINX_DATA/open/cas/$BLOB" || fail "the server stored another blob"
store 0 open has cas "$BLOB"
store 0 open get cas "$BLOB" "$T/got"
cmp "$T/blob" "$T/got" || fail "the blob came back different"
store 0 open/ put cas "$BLOB" "$T/blob" # again: replacing is fine
pass "put, has and get of a 3 MB blob at URL/cas/SHA256"

store 0 open put ac "$KEY" "$T/action.json"
cmp "$T/action.json" "$NGINX_DATA/open/ac/$KEY" || fail "the server stored another action entry"
grep -qx "PUT /open/ac/$KEY 20[14] application/json .*" "$NGINX_LOG" ||
  { cat "$NGINX_LOG" >&2; fail "the action entry was not sent as application/json"; }
store 4 open has ac "$BLOB"
store 0 open get ac "$KEY" "$T/got.json"
cmp "$T/action.json" "$T/got.json" || fail "the action entry came back different"
grep -qx "GET /open/ac/$KEY 200 - application/json" "$NGINX_LOG" ||
  { cat "$NGINX_LOG" >&2; fail "the action entry was not asked for as application/json"; }
pass "action entries at URL/ac/KEY as application/json (sent, and asked for)"

: >"$T/empty"
store 0 open put cas "$(sha "$T/empty")" "$T/empty"
store 0 open get cas "$(sha "$T/empty")" "$T/got-empty"
[ -f "$T/got-empty" ] && [ ! -s "$T/got-empty" ] || fail "the empty blob did not come back empty"
pass "an empty blob"

# A get over a file that has content truncates it.
echo "old content, longer than one byte" >"$T/stale"
printf x >"$T/x"
store 0 open put cas "$(sha "$T/x")" "$T/x"
"$CLIENT" "$PLUGIN" -o "url=$NGINX_URL/open" get cas "$(sha "$T/x")" "$T/stale" >/dev/null
[ "$(cat "$T/stale")" = x ] || fail "get did not replace what the file held"

files=()
for i in 1 2 3 4 5 6 7 8; do
  head -c $((i * 200000 + i)) /dev/urandom >"$T/par-$i"
  files+=("$T/par-$i")
done
store 0 open parallel "${files[@]}"
for f in "${files[@]}"; do cmp "$f" "$NGINX_DATA/open/cas/$(sha "$f")"; done
pass "eight round trips on eight threads at once"

requests=$(wc -l <"$NGINX_LOG")
store 1 open get cas ../../../etc/passwd "$T/got"
expect_output "no such object name"
store 1 open has ac "$(tr a-f A-F <<<"$KEY")"
[ "$(wc -l <"$NGINX_LOG")" = "$requests" ] || fail "a bad object name reached the server"
pass "names other than 64 lowercase hex digits never reach the server"

store 1 open -c get cas "$BLOB" "$T/got"
expect_output "error: GET $NGINX_URL/open/cas/$BLOB: interrupted"
pass "an interrupted run stops the request"

# --- configuration errors -----------------------------------------------
store 2 "http://$USER_NAME:$PASSWORD@127.0.0.1:1/cache" describe
expect_output "config:1: url: has a user name or password in it; credentials never go in the INI"
store 2 "ftp://127.0.0.1/cache" describe
expect_output "config:1: url: 'ftp://127.0.0.1/cache': only http:// and https://"
store 2 "$NGINX_URL/open?token=x" describe
expect_output "config:1: url: .* has a query or fragment"
store 2 "not a url" describe
expect_output "config:1: url: is not a URL"
pass "a URL with credentials, another scheme, a query or no URL is a config error"

# --- authentication -----------------------------------------------------
store 1 basic put cas "$BLOB" "$T/blob"
expect_output "error: PUT $NGINX_URL/basic/cas/$BLOB: HTTP 401 \(credentials: no credentials\)"
MBHOST_CACHE_HTTP_USER=$USER_NAME MBHOST_CACHE_HTTP_PASSWORD=wrong store 1 basic has cas "$BLOB"
expect_output "HTTP 401 \(credentials: basic auth from MBHOST_CACHE_HTTP_USER and MBHOST_CACHE_HTTP_PASSWORD\)"
export MBHOST_CACHE_HTTP_USER=$USER_NAME MBHOST_CACHE_HTTP_PASSWORD=$PASSWORD
store 0 basic put cas "$BLOB" "$T/blob"
store 0 basic get cas "$BLOB" "$T/got"
cmp "$T/blob" "$T/got"
store 0 basic parallel "${files[@]}"
MBHOST_CACHE_HTTP_TOKEN=$TOKEN store 1 basic describe
expect_output "both MBHOST_CACHE_HTTP_TOKEN and MBHOST_CACHE_HTTP_USER are set"
unset MBHOST_CACHE_HTTP_USER MBHOST_CACHE_HTTP_PASSWORD
pass "basic auth from MBHOST_CACHE_HTTP_USER and _PASSWORD"

printf 'machine other.example login x password y\nmachine 127.0.0.1\n  login %s\n  password %s\n' \
  "$USER_NAME" "$PASSWORD" >"$T/netrc"
chmod 600 "$T/netrc"
store 0 basic -o "netrc=$T/netrc" has cas "$BLOB"
store 0 basic -o "netrc=$T/netrc" describe
expect_output "credentials: basic auth from the netrc file $T/netrc"
NETRC="$T/netrc" store 0 basic has cas "$BLOB"
cp "$T/netrc" "$HOME/.netrc"
store 0 basic get cas "$BLOB" "$T/got"
cmp "$T/blob" "$T/got"
printf 'machine other.example login x password y\n' >"$HOME/.netrc"
store 1 basic has cas "$BLOB"
expect_output "HTTP 401 \(credentials: no credentials\)"
rm "$HOME/.netrc"
NETRC="$T/no-such-netrc" store 1 basic has cas "$BLOB"
expect_output "cannot read the netrc file $T/no-such-netrc \(\\\$NETRC\)"
pass "basic auth from a netrc file: the netrc option, \$NETRC, ~/.netrc"

store 1 bearer has cas "$BLOB"
expect_output "HTTP 401"
MBHOST_CACHE_HTTP_TOKEN=wrong-token store 1 bearer has cas "$BLOB"
expect_output "HTTP 401 \(credentials: bearer token from MBHOST_CACHE_HTTP_TOKEN\)"
export MBHOST_CACHE_HTTP_TOKEN=$TOKEN
store 0 bearer put cas "$BLOB" "$T/blob"
store 0 bearer put ac "$KEY" "$T/action.json"
store 0 bearer get ac "$KEY" "$T/got.json"
cmp "$T/action.json" "$T/got.json"
store 0 bearer describe
expect_output "credentials: bearer token from MBHOST_CACHE_HTTP_TOKEN"
pass "a bearer token from MBHOST_CACHE_HTTP_TOKEN"

# Credentials over plain http to another machine: a warning (describe
# sends nothing); none without credentials, none on the loopback.
store 0 "http://cache.example:8080/" describe
expect_output "warning: http://cache.example:8080 is plain http: the credentials \(bearer token"
store 0 "https://cache.example:8080/" describe
grep -q warning <<<"$OUT" && fail "https got the plain-http warning"
unset MBHOST_CACHE_HTTP_TOKEN
store 0 "http://cache.example:8080/" describe
grep -q warning <<<"$OUT" && fail "a store without credentials got the plain-http warning"
pass "credentials over plain http to another machine are warned about"

# --- a server that fails --------------------------------------------------
store 1 broken get cas "$BLOB" "$T/got"
expect_output "error: GET $NGINX_URL/broken/cas/$BLOB: HTTP 503"
store 1 broken has cas "$BLOB"
store 1 broken put cas "$BLOB" "$T/blob"
pass "server errors are errors naming the URL"

# Accepts connections, never answers.
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
print(s.getsockname()[1], flush=True)
time.sleep(120)' >"$T/silent.port" &
SILENT=$!
for i in $(seq 1 50); do [ -s "$T/silent.port" ] && break; sleep 0.1; done
store 1 "http://127.0.0.1:$(cat "$T/silent.port")/" -o timeout=1s has cas "$BLOB"
expect_output "error: HEAD http://127.0.0.1:[0-9]+/cas/$BLOB: .*timed out.* \(the connect_timeout and timeout options\)"
kill "$SILENT"
pass "a server that does not answer fails the request after the timeout"

URL=$NGINX_URL
stop_nginx
store 1 "$URL/open" get cas "$BLOB" "$T/got"
expect_output "error: GET $URL/open/cas/$BLOB: (Failed to connect|Couldn't connect)"
[ ! -e "$T/got" ] || fail "a failed get left a file"
pass "a server that is down is an error naming the URL"

for secret in "$TOKEN" "$PASSWORD"; do
  ! grep -qF -- "$secret" "$ALL_OUTPUT" || fail "a secret was printed"
done
pass "no token or password in any output"
