# Keys that cover the toolchain itself: a GOROOT whose standard library was
# patched, while `go version` says the same, must miss the cache and build
# a different program. The probe declares GOROOT (depends_on_tree) and each
# target's plan narrows it to what its build reads (mb.plan-tree-reads/1:
# the tools, and the standard packages `go list -deps` names), so the key
# has the content digest of those folders (host/tree_reads.c).
source "$MBHOST_SOURCE_DIR/tests/lib.sh"

goroot=$(go env GOROOT)
# A copy, not hard links: a link moves the ctime of the real GOROOT's files,
# which builds running at the same time (the suite runs in parallel) would
# take for a GOROOT changed during their build. What a build of a program
# never reads is left out (tests, the go command's own sources).
mkdir -p "$T/go"
tar -C "$goroot" --exclude='*_test.go' --exclude=testdata --exclude=./test \
  --exclude=./src/cmd --exclude=./api --exclude=./doc --exclude=./misc -cf - . |
  tar -C "$T/go" -xf - || fail "cannot copy $goroot"
export PATH="$T/go/bin:$PATH"
[ "$(go env GOROOT)" = "$T/go" ] || fail "the copied go does not use its own GOROOT: $(go env GOROOT)"
version=$(go version)

copy_fixture hello-go >/dev/null
cat >"$T/build.ini" <<'INI'
[project]
name = hello
source = hello-go
output = out

[matrix]
os = linux
arch = amd64

[toolchain]
use = go
INI

# cache_hit of linux/amd64 in artifacts.json: true or false.
cache_hit() {
  python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print(str(r['targets'][0]['cache_hit']).lower())" "$T/out/artifacts.json"
}

run_mbhost 0 --config "$T/build.ini"
[ "$(cache_hit)" = false ] || fail "the first build was a cache hit"
before=$("$T/out/linux/amd64/hello")
[ "$before" = "hello from linux/amd64 (plain)" ] || fail "unexpected output: $before"
run_mbhost 0 --config "$T/build.ini"
[ "$(cache_hit)" = true ] || fail "an unchanged toolchain missed the cache"
pass "the copied GOROOT builds, then hits the cache"

# Replace the file rather than edit it: the copy shares inodes with the
# real GOROOT.
print="$T/go/src/fmt/print.go"
sed 's/return Fprintf(os.Stdout, format, a\.\.\.)/return Fprintf(os.Stdout, "patched: "+format, a...)/' \
  "$print" >"$T/print.go"
cmp -s "$print" "$T/print.go" && fail "the patch did not apply to $print"
rm "$print" && mv "$T/print.go" "$print"
[ "$(go version)" = "$version" ] || fail "the patch changed go version"
# Past the digest's racy window (RACY_SECONDS in host/digest.c), so the
# next run remembers the patched file and the one after reads nothing.
sleep 2.1

run_mbhost 0 --config "$T/build.ini"
[ "$(cache_hit)" = false ] || fail "a patched GOROOT with the same go version hit the cache"
grep -q 'files, 0 read' <<<"$("$MBHOST" --config "$T/build.ini" -v 2>&1)" ||
  fail "the unchanged GOROOT was read again"
after=$("$T/out/linux/amd64/hello")
[ "$after" = "patched: $before" ] || fail "the rebuilt program is not the patched one: $after"
[ "$("$goroot/bin/go" version)" = "$version" ] || fail "the real go changed"
pass "a patched GOROOT (same go version) misses and builds the patched program"

# A file added to a folder of GOROOT whose mtime is then put back: the
# no-op check trusts unchanged folder stamps to mean unchanged entries, and
# the folder's ctime still tells.
run_mbhost 0 --config "$T/build.ini"
[ "$(cache_hit)" = true ] || fail "the patched GOROOT missed twice"
touch -r "$T/go/src/fmt" "$T/fmt-stamp"
printf 'package fmt\n\nimport "os"\n\nfunc init() { os.Stdout.WriteString("added: ") }\n' >"$T/go/src/fmt/zz_added.go"
touch -r "$T/fmt-stamp" "$T/go/src/fmt"
run_mbhost 0 --config "$T/build.ini"
[ "$(cache_hit)" = false ] || fail "a file added to GOROOT (folder mtime put back) hit the cache"
after=$("$T/out/linux/amd64/hello")
[ "$after" = "added: patched: $before" ] || fail "the rebuilt program does not have the added file: $after"
pass "a file added to GOROOT, its folder's mtime put back, misses"

# What a build never reads is left out of the key (the Go toolchain's
# mb.probe-tree/1 declaration): a changed test file of the standard library
# still hits.
run_mbhost 0 --config "$T/build.ini"
test_file="$T/go/src/fmt/fmt_test.go"
cp "$test_file" "$T/fmt_test.go" && echo '// changed' >>"$T/fmt_test.go"
rm "$test_file" && mv "$T/fmt_test.go" "$test_file"
run_mbhost 0 --config "$T/build.ini"
[ "$(cache_hit)" = true ] || fail "a changed _test.go of GOROOT missed the cache"
pass "a changed test file of the standard library still hits"

# The key covers what the build reads, not all of GOROOT: the record lists
# the standard packages the program imports, and fewer files are checked.
record=$(cat "$T"/cache/mbhost/tree-reads/*/*)
grep -qx 'src/fmt' <<<"$record" || fail "the record does not list src/fmt: $record"
if grep -qx 'src/encoding/json' <<<"$record"; then fail "the record lists a package hello does not import"; fi
"$MBHOST" --config "$T/build.ini" -v >"$T/v.out" 2>&1 || fail "the run failed: $(cat "$T/v.out")"
read -r parts files < <(sed -nE 's/.*toolchain tree .*: ([0-9]+) parts read, ([0-9]+) files.*/\1 \2/p' "$T/v.out")
all=$(cd "$goroot" && find . \( -name testdata -o -path ./test \) -prune -o -type f ! -name '*_test.go' -print | wc -l)
[ -n "$files" ] && [ "$files" -lt $((all / 2)) ] || fail "$files of GOROOT's $all files are checked: $(cat "$T/v.out")"
pass "the key covers the $parts folders hello's build reads ($files of GOROOT's $all files)"

# A package hello does not import: changed (a file added to it), still a
# hit. Then hello imports it: the source changed, so it misses, and the
# rebuilt program has the change: what a build newly reads is recorded.
printf 'package json\n\nimport "os"\n\nfunc init() { os.Stdout.WriteString("json: ") }\n' >"$T/go/src/encoding/json/zz_added.go"
run_mbhost 0 --config "$T/build.ini"
[ "$(cache_hit)" = true ] || fail "a change to a package hello does not import missed the cache"
sed -i 's/^\t"runtime"$/\t"runtime"\n\t_ "encoding\/json"/' "$T/hello-go/main.go"
run_mbhost 0 --config "$T/build.ini"
[ "$(cache_hit)" = false ] || fail "a new import hit the cache"
after=$("$T/out/linux/amd64/hello")
# (package init order puts json's before or after fmt's)
[[ "$after" == *"json: "*"patched: $before" ]] || fail "the rebuilt program does not have the imported package's change: $after"
run_mbhost 0 --config "$T/build.ini"
[ "$(cache_hit)" = true ] || fail "the rebuilt program missed the cache"
pass "a change to an unread package hits; importing it misses and builds the change"

# What every Go build reads, whatever it imports: GOROOT's own files
# (go.env), and runtime/cgo's headers that runtime's assembly includes
# even without cgo.
for f in go.env:# src/runtime/cgo/abi_amd64.h://; do
  comment=${f#*:} f=${f%%:*}
  cp "$T/go/$f" "$T/changed" && echo "$comment changed" >>"$T/changed"
  rm "$T/go/$f" && mv "$T/changed" "$T/go/$f"
  run_mbhost 0 --config "$T/build.ini"
  [ "$(cache_hit)" = false ] || fail "a changed $f hit the cache"
done
pass "a changed go.env or runtime/cgo header misses"

# A reads step that names a folder outside GOROOT (a broken or hostile
# go whose action graph names a package "x/../../../../../../etc"): the
# target builds, with a warning, and is not cached.
mkdir -p "$T/wrap"
cat >"$T/wrap/go" <<SH
#!/bin/sh
"$T/go/bin/go" "\$@" || exit \$?
for a in "\$@"; do
  case \$a in -debug-actiongraph=*) printf '\\n\\t\\t"Package": "x/../../../../../../etc",\\n' >>"\${a#*=}" ;; esac
done
SH
chmod +x "$T/wrap/go"
echo '// wrapped' >>"$T/hello-go/main.go"
PATH="$T/wrap:$PATH" run_mbhost 0 --config "$T/build.ini"
expect_output "linux/amd64\] warning: not cached: its reads step lists src/x/\.\./\.\./\.\./\.\./\.\./\.\./etc, not a folder of $T/go"
PATH="$T/wrap:$PATH" run_mbhost 0 --config "$T/build.ini"
[ "$(cache_hit)" = false ] || fail "a target whose reads step named /etc was cached"
pass "a reads step that names a folder outside GOROOT: built, not cached"

# GOROOT changed while a target builds: the build may have read the old
# files or the new ones, so it is not cached (as a source changed during
# the build is not), and the next run builds again.
waiting_go "$T/slow" "$T/go/bin/go"
echo '// slow' >>"$T/hello-go/main.go"
PATH="$T/slow:$PATH" "$MBHOST" --config "$T/build.ini" >"$T/slow.log" 2>&1 &
pid=$!
wait_building "$T/slow.log"
print="$T/go/src/fmt/print.go"
cp "$print" "$T/print.go" && echo '// changed during the build' >>"$T/print.go"
rm "$print" && mv "$T/print.go" "$print"
touch "$T/go-on"
wait "$pid" || fail "the build failed: $(cat "$T/slow.log")"
grep -q "warning: the toolchain's files changed during the build: its results are not cached" "$T/slow.log" ||
  fail "no warning for GOROOT changed during the build: $(cat "$T/slow.log")"
run_mbhost 0 --config "$T/build.ini"
[ "$(cache_hit)" = false ] || fail "a build during which GOROOT changed was cached"
run_mbhost 0 --config "$T/build.ini"
[ "$(cache_hit)" = true ] || fail "the build after it was not cached"
pass "GOROOT changed during a build: not cached, built again, then cached"

# A go without -debug-actiongraph (the flag is not documented): the reads
# step is `go list -deps` with the build's flags, and the key is the same
# kind: built, recorded, then a hit.
mkdir -p "$T/older"
cat >"$T/older/go" <<SH
#!/bin/sh
for a in "\$@"; do
  case \$a in -debug-actiongraph*) echo "flag provided but not defined: -debug-actiongraph" >&2; exit 2 ;; esac
done
exec "$T/go/bin/go" "\$@"
SH
chmod +x "$T/older/go"
echo '// older go' >>"$T/hello-go/main.go"
PATH="$T/older:$PATH" run_mbhost 0 --config "$T/build.ini"
[ "$(cache_hit)" = false ] || fail "a changed source hit the cache"
grep -q "^mbhost: step 2/2: go list -deps " "$T"/cache/mbhost/projects/*/logs/linux-amd64.log ||
  fail "no go list step without -debug-actiongraph: $(cat "$T"/cache/mbhost/projects/*/logs/linux-amd64.log)"
PATH="$T/older:$PATH" run_mbhost 0 --config "$T/build.ini"
[ "$(cache_hit)" = true ] || fail "the build with go list missed the cache"
pass "a go without -debug-actiongraph lists what it read with go list, and hits"
