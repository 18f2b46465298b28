# The docker executor against a remote engine: a second dockerd listening
# on tcp://127.0.0.1:PORT with TLS (certificates made here with openssl),
# in a mount namespace of its own where this machine's project folders
# (source, output, mbhost's state) are hidden under an empty tmpfs. A bind
# mount of the source would find nothing there (the engine refuses a bind
# of a missing path), so the matrix building right proves the source went
# in, and the outputs came back, through the archive API.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"
source "$MBHOST_SOURCE_DIR/tests/docker/engines.sh"
command -v unshare >/dev/null || skip "unshare is not installed (util-linux)"

# Everything mbhost reads or writes on this machine is under $T/client.
client="$T/client"
mkdir -p "$client"
export XDG_CACHE_HOME="$client/cache" XDG_STATE_HOME="$client/state" XDG_DATA_HOME="$client/data"
src="$client/hello-go"
cp -r "$FIXTURES/hello-go" "$src"
dist="$client/dist"

make_certs "$T/certs" mbhost-test-ca
port=$(free_port)
# shellcheck disable=SC2016 # $0 and $@ are the inner shell's
ENGINE_WRAP=(unshare -m --propagation private sh -c 'mount -t tmpfs -o size=1m mbhost-hidden "$0" && exec "$@"' "$client")
start_tls_engine remote "$port" "$T/certs"
ENGINE_WRAP=()
SOCK=$ENGINE_SOCK
# The engine really cannot see the source: in its mount namespace the
# folder is the empty tmpfs.
nsenter -t "$(cat "$T/remote/dockerd.pid")" -m test ! -e "$src/main.go" || fail "the engine can see $src"
[ -e "$src/main.go" ] || fail "the source is missing here"
TAG=$(go_tag)
build_go_image "$SOCK" "$TAG"
# The tests' own docker commands go through the unix socket; mbhost only
# gets the TLS address.
export DOCKER_HOST="unix://$SOCK"
unset DOCKER_CERT_PATH

docker_go_ini "$T/build.ini" "$src" "$dist" "tcp://127.0.0.1:$port" \
  "tls_ca = $T/certs/ca.pem" "tls_cert = $T/certs/cert.pem" \
  "tls_key = $T/certs/key.pem"

# --dry-run: the source is uploaded, staging and scratch are volumes on
# the engine, nothing is bind-mounted.
run_mbhost 0 -c "$T/build.ini" --dry-run
expect_output "engine: tcp://127.0.0.1:$port \(source and outputs through the archive API\)"
expect_output "upload: $src \(into each step's container\)"
expect_output "mount: volume mbhost-staging-[0-9a-f]{8} -> "
! grep -q "mount: bind" <<<"$OUT" || fail "a remote run would bind-mount: $(grep 'mount: bind' <<<"$OUT")"
pass "dry run: upload and volumes, no bind mount"

# As in local.sh, seed each target's HOME (in its scratch volume, kept
# between runs) with this machine's Go build cache, so the first run does
# not compile Go's standard library six times. The test can write into
# the volumes only because this engine's data root is on this machine;
# mbhost itself never does.
state="$XDG_CACHE_HOME/mbhost/projects/hello-$(printf %s "$dist" | sha256sum | cut -c1-16)"
for t in linux-amd64 linux-arm64 darwin-amd64 darwin-arm64 windows-amd64 windows-arm64; do
  vol=$(sed -nE "s|.*mount: volume (mbhost-scratch-[0-9a-f]{8}) -> $state/scratch/$t .*|\1|p" <<<"$OUT" | head -1)
  [ -n "$vol" ] || fail "no scratch volume for $t in: $OUT"
  "$DOCKER" volume create "$vol" >/dev/null
  data=$("$DOCKER" volume inspect -f '{{.Mountpoint}}' "$vol")
  mkdir -p "$data/.home/.cache"
  cp -al "$GOCACHE" "$data/.home/.cache/go-build" 2>/dev/null || true
done

# The hiding works: the same run with bind mounts fails on this engine.
{ cat "$T/build.ini"; echo "transfer = bind"; } >"$T/bind.ini"
run_mbhost 1 -c "$T/bind.ini" -t linux/amd64 --output "$client/dist-bind"
expect_output "bind source path does not exist: $src"
pass "the engine cannot bind-mount the source (transfer = bind fails)"

since=$(date +%s)
run_mbhost 0 -c "$T/build.ini" -j 2
declare -A want=(
  [linux/amd64/hello]="ELF 64-bit LSB executable, x86-64"
  [linux/arm64/hello]="ELF 64-bit LSB executable, ARM aarch64"
  [darwin/amd64/hello]="Mach-O 64-bit x86_64 executable"
  [darwin/arm64/hello]="Mach-O 64-bit arm64 executable"
  [windows/amd64/hello.exe]="PE32+ executable (console) x86-64"
  [windows/arm64/hello.exe]="PE32+ executable (console) Aarch64"
)
for path in "${!want[@]}"; do
  file -b "$dist/$path" | grep -qF "${want[$path]}" || fail "$path: $(file -b "$dist/$path")"
done
[ "$("$dist/linux/amd64/hello")" = "hello from linux/amd64 (plain)" ] || fail "linux/amd64 output: $("$dist/linux/amd64/hello")"
out=$(qemu-aarch64-static "$dist/linux/arm64/hello")
[ "$out" = "hello from linux/arm64 (arm)" ] || fail "linux/arm64 output: $out"
sleep 1
until=$(date +%s)
created=$("$DOCKER" events --since "$since" --until "$until" --filter type=container --filter event=create --format '{{.Actor.Attributes.mbhost}}' | grep -c 1 || true)
[ "$created" -ge 6 ] || fail "only $created containers were created on the remote engine for six targets"
# What the containers mounted were the engine's named volumes, at the
# scratch and staging paths; the source came as an archive.
"$DOCKER" events --since "$since" --until "$until" --filter type=volume --filter event=mount \
  --format '{{.Actor.Attributes.destination}}' | sort -u >"$T/mounted"
grep -qx "$state/scratch/linux-amd64" "$T/mounted" || fail "no scratch volume was mounted: $(cat "$T/mounted")"
! grep -q "^$src" "$T/mounted" || fail "something was mounted at the source: $(cat "$T/mounted")"
[ "$(containers "$SOCK")" = 0 ] || fail "containers left: $("$DOCKER" ps -a --filter label=mbhost=1)"
# Staging volumes go with their target's last step; scratch ones stay.
[ "$("$DOCKER" volume ls -q --filter name=mbhost-staging- | wc -l)" = 0 ] || fail "staging volumes left: $("$DOCKER" volume ls -q)"
pass "six targets built on the TLS engine, which cannot see the source: right formats, none left"
