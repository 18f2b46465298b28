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
# add); waits until it answers. Sets ENGINE_SOCK. ENGINE_WRAP (an array),
# when set, is the command dockerd runs under (remote.sh: a mount namespace
# that hides this machine's folders from the engine).
ENGINE_WRAP=()
start_engine() {
  local name=$1; shift
  local dir="$T/$name"
  mkdir -p "$dir"
  # A short exec root: containerd's socket paths must fit in 108 bytes.
  local exec_root; exec_root=$(mktemp -d /tmp/mbd.XXXXXX)
  ${ENGINE_WRAP[@]+"${ENGINE_WRAP[@]}"} dockerd --data-root "$dir/data" --exec-root "$exec_root" \
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

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# make_certs DIR CN: in DIR, a CA (ca.pem) that signed a server certificate
# for 127.0.0.1 (server-cert.pem, server-key.pem: what dockerd --tlsverify
# needs) and a client certificate (cert.pem, key.pem: what a client needs,
# under the names DOCKER_CERT_PATH expects). CN names the CA, so two calls
# make two CAs that trust nothing of each other.
make_certs() {
  local dir=$1 cn=$2
  mkdir -p "$dir"
  (
    cd "$dir"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
      -days 1 -subj "/CN=$cn" -keyout ca-key.pem -out ca.pem 2>/dev/null
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
      -subj /CN=127.0.0.1 -keyout server-key.pem -out server.csr 2>/dev/null
    printf 'subjectAltName = IP:127.0.0.1\nextendedKeyUsage = serverAuth\n' >server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial \
      -days 1 -extfile server.ext -out server-cert.pem 2>/dev/null
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
      -subj /CN=mbhost-client -keyout key.pem -out client.csr 2>/dev/null
    printf 'extendedKeyUsage = clientAuth\n' >client.ext
    openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial \
      -days 1 -extfile client.ext -out cert.pem 2>/dev/null
  )
}

# start_tls_engine NAME PORT CERTS: start_engine NAME, also listening on
# tcp://127.0.0.1:PORT and accepting only clients whose certificate the CA
# of CERTS (make_certs) signed. Its unix socket is for the test's own
# docker commands.
start_tls_engine() {
  local name=$1 port=$2 certs=$3
  start_engine "$name" -H "tcp://127.0.0.1:$port" --tlsverify \
    --tlscacert "$certs/ca.pem" --tlscert "$certs/server-cert.pem" --tlskey "$certs/server-key.pem"
}

# docker_go_ini FILE SRC DIST HOST [LINE...]: the six-target hello-go
# build (linux/arm64 with its own flavor) through the docker executor at
# HOST; each LINE is one more [executor.docker] line.
docker_go_ini() {
  local file=$1 src=$2 dist=$3 host=$4
  shift 4
  {
    cat <<INI
[project]
name = hello
source = $src
output = $dist
[matrix]
os = linux, darwin, windows
arch = amd64, arm64
[toolchain]
use = go
ldflags = -s -w
[target linux/arm64]
ldflags = -s -w -X main.flavor=arm
[executor]
use = docker
[executor.docker]
host = $host
INI
    [ $# -eq 0 ] || printf '%s\n' "$@"
  } >"$file"
}
