# The docker executor against a local engine (unix socket): the six-target
# Go example builds in a Go image made here (busybox-static and this
# machine's Go), the binaries are right and owned by the invoking user, a
# rerun is all cache hits and starts no container, --dry-run shows image
# and mounts, and a new image under the same tag misses.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"
source "$MBHOST_SOURCE_DIR/tests/docker/engines.sh"

start_engine local
SOCK=$ENGINE_SOCK
TAG=$(go_tag)
build_go_image "$SOCK" "$TAG"
export DOCKER_HOST="unix://$SOCK"

src=$(copy_fixture hello-go)
dist="$T/dist"
docker_go_ini "$T/build.ini" "$src" "$dist" "unix://$SOCK"

# A first build in an image compiles Go's standard library per target
# (minutes on two shared cores). Each target's HOME is in its scratch
# folder, kept between runs; seeding it with this machine's Go build cache
# (the same Go at the same GOROOT: the same action IDs) makes the first
# run as warm as a second one would be. Nothing else is shared.
state="$XDG_CACHE_HOME/mbhost/projects/hello-$(printf %s "$dist" | sha256sum | cut -c1-16)"
for t in linux-amd64 linux-arm64 darwin-amd64 darwin-arm64 windows-amd64 windows-arm64; do
  mkdir -p "$state/scratch/$t/.home/.cache"
  cp -al "$GOCACHE" "$state/scratch/$t/.home/.cache/go-build" 2>/dev/null || true
done

# --dry-run: each target's image, its ID and the mounts; nothing runs.
run_mbhost 0 -c "$T/build.ini" --dry-run
expect_output "image: $TAG"
expect_output "image id: sha256:[0-9a-f]{64}"
expect_output "mount: bind $src -> $src \(read-only\)"
expect_output "mount: bind $state/staging/linux-amd64 -> $state/staging/linux-amd64 \(read-write\)"
expect_output "network: none"
[ ! -e "$dist" ] || fail "--dry-run created the output folder"
pass "dry run shows image and mounts"

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
  [ "$(stat -c %u:%g "$dist/$path")" = "$(id -u):$(id -g)" ] || fail "$path is owned by $(stat -c %u:%g "$dist/$path")"
done
[ "$("$dist/linux/amd64/hello")" = "hello from linux/amd64 (plain)" ] || fail "linux/amd64 output: $("$dist/linux/amd64/hello")"
out=$(qemu-aarch64-static "$dist/linux/arm64/hello")
[ "$out" = "hello from linux/arm64 (arm)" ] || fail "linux/arm64 output: $out"
# What the containers wrote into scratch is the invoking user's too.
[ "$(stat -c %u "$state/scratch/linux-amd64/hello")" = "$(id -u)" ] || fail "scratch output owned by $(stat -c %u "$state/scratch/linux-amd64/hello")"
[ "$(containers "$SOCK")" = 0 ] || fail "containers left: $("$DOCKER" ps -a --filter label=mbhost=1)"
created=$("$DOCKER" events --since "$since" --until "$(date +%s)" --filter type=container --filter event=create --format '{{.Actor.Attributes.mbhost}}' | grep -c 1 || true)
[ "$created" -ge 6 ] || fail "only $created containers were created for six targets"
pass "six targets built in containers, right formats, owned by $(id -u), none left"

# A rerun is all cache hits: no container is created, not even a probe.
sleep 1
since=$(date +%s)
run_mbhost 0 -c "$T/build.ini" -j 2
jq -e '[.targets[].cache_hit] | all' "$dist/artifacts.json" >/dev/null || fail "a rerun missed: $(jq -c '[.targets[] | {target, cache_hit}]' "$dist/artifacts.json")"
sleep 1
created=$("$DOCKER" events --since "$since" --until "$(date +%s)" --filter type=container --filter event=create --format x | wc -l)
[ "$created" = 0 ] || fail "an all-hits rerun created $created containers"
pass "rerun: all cache hits, no container created"

# The same tag on a new image (other content, another ID) misses.
build_go_image "$SOCK" "$TAG" v2
run_mbhost 0 -c "$T/build.ini" -j 2
jq -e '[.targets[].cache_hit] | any | not' "$dist/artifacts.json" >/dev/null || fail "a new image hit the cache: $(jq -c '[.targets[] | {target, cache_hit}]' "$dist/artifacts.json")"
[ "$("$dist/linux/amd64/hello")" = "hello from linux/amd64 (plain)" ] || fail "rebuilt linux/amd64 does not run"
pass "new image under the same tag: every target missed and was rebuilt"
