# --dry-run prints, on standard output, every target's plan, whether the
# cache would hit, and the exporters' destinations (golden); it runs and
# creates nothing, and exits 1 when a target cannot be built.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"
source "$MBHOST_SOURCE_DIR/tests/ui/lib.sh"

copy_fixture hello-go >/dev/null
cat >"$T/build.ini" <<INI
[project]
name    = hello
source  = hello-go
output  = out
version = 1.2.3

[matrix]
os      = linux, windows
arch    = amd64, arm64
exclude = windows/arm64

[toolchain]
use     = go
ldflags = -s -w

[target linux/arm64]
ldflags = -s -w -X main.flavor=arm

[export]
use = tarball, local
INI

rc=0
"$MBHOST" --config "$T/build.ini" --dry-run >"$T/stdout" 2>"$T/stderr" || rc=$?
[ "$rc" = 0 ] || { cat "$T/stderr" >&2; fail "--dry-run exited $rc"; }
normalize <"$T/stdout" >"$T/dry-run.txt"
check_golden dry-run.txt "$T/dry-run.txt"
[ ! -e "$T/out" ] || fail "--dry-run created the output folder"
# Caches of plugin scans may be written; project state may not.
[ ! -e "$T/cache/mbhost/projects" ] || fail "--dry-run created the state folder"
grep -q 'staging\|step\|->' "$T/stderr" && fail "plan or destinations went to stderr: $(cat "$T/stderr")"
pass "--dry-run: plans and destinations on stdout as in golden/dry-run.txt; nothing created"

# A target Go cannot build: listed with the reason; exit 1.
run_mbhost 1 --config "$T/build.ini" --dry-run --set matrix.include=linux/wasm
expect_output '^target linux/wasm$'
expect_output '^  unsupported: .*linux/wasm'
[ ! -e "$T/out" ] || fail "--dry-run created the output folder"
pass "--dry-run with an unsupported target exits 1 and says why"

# After a build of linux/amd64, the dry run finds its key in the cache and
# misses the others, and writes nothing to the cache doing so.
run_mbhost 0 --config "$T/build.ini" -t linux/amd64
cache_listing() { find "$T/cache/mbhost" ! -name plugin-scan.json -printf '%p %s %T@\n' | sort; }
before=$(cache_listing)
"$MBHOST" --config "$T/build.ini" --dry-run >"$T/stdout" 2>"$T/stderr" || fail "--dry-run after a build: $(cat "$T/stderr")"
states=$(awk '/^target /{t=$2} /^  cache: /{print t, $2}' "$T/stdout" | tr '\n' ' ')
[ "$states" = "linux/amd64 hit linux/arm64 miss windows/amd64 miss " ] || fail "dry-run cache states: $states"
[ "$(cache_listing)" = "$before" ] || fail "--dry-run changed the cache: $(diff <(echo "$before") <(cache_listing))"
pass "--dry-run says hit for a cached target and miss for the others, and writes nothing"
