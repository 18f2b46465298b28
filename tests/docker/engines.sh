# Docker engines for the docker executor's tests: source it after
# tests/lib.sh. Each test starts its own dockerd (data, exec root, socket
# and pid file under $T, no iptables, no bridge), so tests never share
# images or containers with each other or with the machine's own engine,
# and builds the test image from busybox-static and this machine's Go.

# skip REASON: the test cannot run here (ctest: SKIP_RETURN_CODE 77).
skip() { echo "SKIP: $*"; exit 77; }

[ "$(id -u)" = 0 ] || skip "dockerd needs root (run the suite as root, as CI does)"
command -v dockerd >/dev/null || skip "dockerd is not installed (scripts/packages/docker.txt: docker.io)"
[ -x /bin/busybox ] || skip "busybox-static is not installed (scripts/packages/docker.txt)"
command -v go >/dev/null || skip "go is not installed"
# The Debian CLI talks to dockerd 20.10; a newer docker CLI elsewhere in
# PATH negotiates too, but prefer the one that came with the daemon.
DOCKER=/usr/bin/docker
[ -x "$DOCKER" ] || DOCKER=$(command -v docker)

ENGINES=()
stop_engines() {
  local pidfile
  for pidfile in "${ENGINES[@]}"; do
    [ -f "$pidfile" ] || continue
    local pid; pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  # The engines' mounts (overlay layers, shm) must go before $T can.
  grep -F " $T/" /proc/mounts | cut -d' ' -f2 | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rm -rf "$T"
}
trap stop_engines EXIT

# start_engine NAME [dockerd options...]: a dockerd whose files are under
# $T/NAME, listening on unix://$T/NAME/docker.sock (and on what the options
# add); waits until it answers. Sets ENGINE_SOCK.
start_engine() {
  local name=$1; shift
  local dir="$T/$name"
  mkdir -p "$dir"
  # A short exec root: containerd's socket paths must fit in 108 bytes.
  local exec_root; exec_root=$(mktemp -d /tmp/mbd.XXXXXX)
  dockerd --data-root "$dir/data" --exec-root "$exec_root" \
    --pidfile "$dir/dockerd.pid" -H "unix://$dir/docker.sock" \
    --iptables=false --ip-masq=false --bridge=none \
    --containerd-namespace "mbhost-$name-$$" --containerd-plugins-namespace "mbhost-$name-$$-p" \
    "$@" >"$dir/dockerd.log" 2>&1 &
  ENGINES+=("$dir/dockerd.pid")
  ENGINE_SOCK="$dir/docker.sock"
  for _ in $(seq 300); do
    if DOCKER_HOST="unix://$ENGINE_SOCK" "$DOCKER" version >/dev/null 2>&1; then return 0; fi
    if ! kill -0 $! 2>/dev/null; then
      tail -20 "$dir/dockerd.log" >&2
      skip "dockerd could not start here (its log is above)"
    fi
    sleep 0.1
  done
  tail -20 "$dir/dockerd.log" >&2
  skip "dockerd did not answer within 30 s"
}

# rootfs_tar FILE [EXTRA]: a root filesystem of busybox-static and this
# machine's Go installation at /usr/local/go, as a tar; EXTRA (a word) is
# written to /etc/mbhost-variant so two images differ in content.
rootfs_tar() {
  local out=$1 extra=${2:-}
  local root="$T/rootfs"
  rm -rf "$root"
  mkdir -p "$root/bin" "$root/tmp" "$root/etc" "$root/usr/local"
  chmod 1777 "$root/tmp"
  cp /bin/busybox "$root/bin/busybox"
  local applet
  for applet in sh ls cat id sleep true env mkdir rm; do ln -s busybox "$root/bin/$applet"; done
  echo "$extra" >"$root/etc/mbhost-variant"
  local goroot; goroot=$(go env GOROOT)
  tar -C "$root" -cf "$out" .
  tar -C "$(dirname "$goroot")" -rf "$out" --transform "s,^$(basename "$goroot"),./usr/local/go," "$(basename "$goroot")"
}

# build_go_image SOCK TAG [EXTRA]: imports the root filesystem as TAG into
# the engine at SOCK; prints nothing.
build_go_image() {
  local sock=$1 tag=$2 extra=${3:-}
  [ -f "$T/rootfs-$extra.tar" ] || rootfs_tar "$T/rootfs-$extra.tar" "$extra"
  DOCKER_HOST="unix://$sock" "$DOCKER" import \
    -c 'ENV PATH=/usr/local/go/bin:/bin' -c 'ENV GOTOOLCHAIN=local' \
    "$T/rootfs-$extra.tar" "$tag" >/dev/null
}

# go_tag: the golang image tag the Go toolchain names for this machine's Go.
go_tag() { go version | sed -E 's/^go version go([^ ]+) .*/golang:\1/'; }

# containers SOCK [LABEL]: how many containers labelled by mbhost (and
# with LABEL: mbhost.target for steps, not probes) the engine has.
containers() {
  DOCKER_HOST="unix://$1" "$DOCKER" ps -aq --filter label=mbhost=1 ${2:+--filter "label=$2"} | wc -l
}
