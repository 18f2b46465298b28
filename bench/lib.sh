# Shared helpers of the bench scripts: source it after setting ROOT.

GORELEASER_VERSION=v2.12.0

# find_goreleaser [GOCACHE]: sets GORELEASER to a goreleaser on PATH, else
# the pinned one in ${XDG_BENCH_TOOLS:-~/.cache/mbhost-bench}/bin, installed
# there with `go install` from the Go module proxy when missing; empty when
# it cannot be installed (said on stderr).
find_goreleaser() {
  local cache=${1:-$(go env GOCACHE)}
  GORELEASER=$(command -v goreleaser || true)
  local bin="${XDG_BENCH_TOOLS:-$HOME/.cache/mbhost-bench}/bin"
  [ -n "$GORELEASER" ] || [ ! -x "$bin/goreleaser" ] || GORELEASER="$bin/goreleaser"
  if [ -z "$GORELEASER" ]; then
    echo "bench: installing goreleaser $GORELEASER_VERSION into $bin" >&2
    local log
    log=$(mktemp)
    if GOBIN="$bin" GOFLAGS= GOCACHE="$cache" \
      go install "github.com/goreleaser/goreleaser/v2@$GORELEASER_VERSION" 2>"$log"; then
      GORELEASER="$bin/goreleaser"
    else
      echo "bench: goreleaser could not be installed:" >&2
      tail -5 "$log" >&2
    fi
    rm -f "$log"
  fi
}

# fetch_module MODULE@VERSION DEST: the module's files from the Go module
# proxy (verified by go against the checksum database), writable, in DEST.
fetch_module() {
  local dir
  dir=$(cd "$(dirname "$2")" && GOFLAGS=-mod=mod go mod download -json "$1" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
  cp -r "$dir" "$2"
  chmod -R u+w "$2"
}

# median: the median of the numbers on stdin, one a line.
median() {
  sort -n | awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]}'
}
