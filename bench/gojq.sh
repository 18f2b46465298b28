# The real project the Go benchmarks build, and GoReleaser to compare with:
# source it after tests/lib.sh (it uses $T). One place pins both versions.
GOJQ_VERSION=v0.12.17
GORELEASER_VERSION=v2.12.0

# fetch_gojq DIR: gojq (github.com/itchyny/gojq, pinned) from the Go module
# proxy, with its dependencies, as a git repository in DIR.
fetch_gojq() {
  local dest=$1 dir
  dir=$(cd "$T" && GOFLAGS=-mod=mod go mod download -json "github.com/itchyny/gojq@$GOJQ_VERSION" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
  cp -r "$dir" "$dest"
  chmod -R u+w "$dest"
  (cd "$dest" && GOFLAGS=-mod=mod go mod download)
  # GoReleaser wants a git repository; mbhost's digest leaves .git out.
  (cd "$dest" && git init -q && git add -A &&
    git -c user.name=bench -c user.email=bench@localhost commit -qm "gojq $GOJQ_VERSION")
}

# find_goreleaser: sets GORELEASER to goreleaser on PATH, else the pinned
# one installed with `go install` from the Go module proxy into the bench
# tools folder; empty when it cannot be installed (the bench says so).
# USER_GOCACHE is the user's own GOCACHE, to compile it only once.
find_goreleaser() {
  GORELEASER=$(command -v goreleaser || true)
  local bin="${XDG_BENCH_TOOLS:-$HOME/.cache/mbhost-bench}/bin"
  [ -n "$GORELEASER" ] || [ ! -x "$bin/goreleaser" ] || GORELEASER="$bin/goreleaser"
  if [ -z "$GORELEASER" ]; then
    echo "bench: installing goreleaser $GORELEASER_VERSION into $bin" >&2
    if GOBIN="$bin" GOFLAGS= GOCACHE="$USER_GOCACHE" \
      go install "github.com/goreleaser/goreleaser/v2@$GORELEASER_VERSION" 2>"$T/goreleaser-install.log"; then
      GORELEASER="$bin/goreleaser"
    else
      echo "bench: goreleaser could not be installed:" >&2
      tail -5 "$T/goreleaser-install.log" >&2
    fi
  fi
}

# goreleaser_config DIR DIST: the six-target config (what mbhost's INI says)
# committed into the gojq repository DIR, writing to DIST.
goreleaser_config() {
  cat >"$1/.goreleaser.yaml" <<YAML
version: 2
project_name: gojq
dist: $2
builds:
  - id: gojq
    main: ./cmd/gojq
    binary: gojq
    env: [CGO_ENABLED=0]
    goos: [linux, darwin, windows]
    goarch: [amd64, arm64]
    ldflags: ["-s -w"]
YAML
  (cd "$1" && git add .goreleaser.yaml && git -c user.name=bench -c user.email=bench@localhost commit -qm goreleaser)
}
