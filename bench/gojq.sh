# The real project the Go benchmarks build, and GoReleaser's config for
# it: source it after tests/lib.sh (it uses $T) and bench/lib.sh (which
# pins and installs GoReleaser). One place pins gojq.
GOJQ_VERSION=v0.12.17

# fetch_gojq DIR: gojq (github.com/itchyny/gojq, pinned) from the Go module
# proxy, with its dependencies, as a git repository in DIR.
fetch_gojq() {
  local dest=$1
  fetch_module "github.com/itchyny/gojq@$GOJQ_VERSION" "$dest"
  (cd "$dest" && GOFLAGS=-mod=mod go mod download)
  # GoReleaser wants a git repository; mbhost's digest leaves .git out.
  (cd "$dest" && git init -q && git add -A &&
    git -c user.name=bench -c user.email=bench@localhost commit -qm "gojq $GOJQ_VERSION")
}

# gojq_ini FILE: mbhost's config for the gojq copy `gojq` beside FILE: the
# six targets of goreleaser_config, output in dist-mbhost.
gojq_ini() {
  cat >"$1" <<INI
[project]
name   = gojq
source = gojq
output = dist-mbhost
; GoReleaser's files: its config names this machine's dist folder
ignore = .goreleaser.yaml, dist-goreleaser

[matrix]
os   = linux, darwin, windows
arch = amd64, arm64

[toolchain]
use     = go
package = ./cmd/gojq
ldflags = -s -w
INI
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
