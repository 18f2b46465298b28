# The action cache: identical inputs hit; a change to a source file, a
# toolchain option, an env value of the plan or the toolchain version
# misses; a file in an ignored folder does not; --no-cache rebuilds; a
# damaged entry is detected, removed and rebuilt. One target keeps it short.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"

src=$(copy_fixture hello-go)
mkdir -p "$src/docs"
cat >"$T/build.ini" <<INI
[project]
name   = hello
source = hello-go
output = hello-go/dist
ignore = docs, *.md

[matrix]
os   = linux
arch = amd64

[toolchain]
use     = go
ldflags = -s -w
INI
dist="$src/dist"

# build EXPECT ARGS...: runs mbhost; EXPECT is hit or miss.
build() {
  local expect=$1; shift
  run_mbhost 0 --config "$T/build.ini" -j 2 "$@"
  local got
  got=$(python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["targets"][0]; print("hit" if t["cache_hit"] else "miss")' "$dist/artifacts.json")
  [ "$got" = "$expect" ] || { echo "$OUT" >&2; fail "expected a cache $expect, got a $got ($*)"; }
  [ "$("$dist/linux/amd64/hello")" = "hello from linux/amd64 (plain)" ] || fail "the binary does not run"
}

build miss
expect_output "^linux/amd64 +ok +[0-9.]+s  miss  "
build hit
expect_output "\[1/1\] linux/amd64 ok in [0-9.]+s \(cache hit\)$"
expect_output "^linux/amd64 +ok +[0-9.]+s  hit   "
pass "identical inputs hit"
run_mbhost 0 cache stats
expect_output "entries: +1$"
expect_output "size: +[0-9]+\.[0-9] MiB \(max_size 2\.0 GiB\)$"

echo "notes" >"$src/docs/new.txt"
echo "# readme" >"$src/README.md"
build hit
pass "files in ignored folders and ignored globs do not miss"

echo "// changed" >>"$src/main.go"
build miss
build hit
pass "a source change misses, then hits"

build miss --set toolchain.ldflags=-s
build hit --set toolchain.ldflags=-s
pass "a toolchain option change misses"

build miss --set toolchain.env=MBHOST_TEST_VALUE=1
build miss --set toolchain.env=MBHOST_TEST_VALUE=2
build hit --set toolchain.env=MBHOST_TEST_VALUE=2
pass "a changed env value in the plan misses"

build miss --no-cache
expect_output "linux/amd64\] building"
pass "--no-cache rebuilds"

# The toolchain's version comes from its probe: a `go` that reports
# another version (and builds with the real one) must miss.
real_go=$(command -v go)
mkdir -p "$T/fakebin"
fake_go() {
  printf '#!/bin/sh\nif [ "$1" = version ]; then echo "go version %s linux/amd64"; exit 0; fi\nexec %s "$@"\n' "$1" "$real_go" >"$T/fakebin/go"
  chmod +x "$T/fakebin/go"
}
fake_go go1.98.0
PATH="$T/fakebin:$PATH" build miss
PATH="$T/fakebin:$PATH" build hit
expect_output "probe cached"
sleep 0.01
fake_go go1.98.1
PATH="$T/fakebin:$PATH" build miss
expect_output "go1.98.1"
pass "a toolchain version change misses"

# A source file written during the build: the result is not stored. The
# same wrapper records what the host gave the child: the jobserver in
# MAKEFLAGS and go's -p share.
cat >"$T/fakebin/go" <<SH
#!/bin/sh
if [ "\$1" = build ]; then
  echo "\$MAKEFLAGS" >"$T/makeflags"; echo "\$CARGO_MAKEFLAGS" >"$T/cargoflags"
  echo "\$@" >"$T/goargs"
  printf 'all: a b\\na b:\\n\\t@echo made \$@\\n' | make -s -f - >"$T/make.out" 2>&1
  date +%N >"$src/stamp.txt"
fi
exec $real_go "\$@"
SH
run_mbhost 0 cache stats
entries_before=$(sed -n 's/^entries: *//p' <<<"$OUT")
PATH="$T/fakebin:$PATH" build miss --set toolchain.ldflags=-w
expect_output "source changed during the build"
run_mbhost 0 cache stats
expect_output "entries: +$entries_before$"
pass "a source changed during the build is not cached"
grep -qE -- "-j2 --jobserver-auth=[0-9]+,[0-9]+" "$T/makeflags" || fail "MAKEFLAGS: $(cat "$T/makeflags")"
grep -qE -- "-j2 --jobserver-auth=fifo:/" "$T/cargoflags" || fail "CARGO_MAKEFLAGS: $(cat "$T/cargoflags")"
# make (4.3 on Debian 12) accepts the jobserver it is given.
grep -q "made b" "$T/make.out" || fail "make under mbhost: $(cat "$T/make.out")"
grep -qE -- "-p [12] " "$T/goargs" || fail "go args: $(cat "$T/goargs")"
pass "children see the jobserver and go gets -p"
rm -f "$src/stamp.txt"

# Damage the entry the last run restored (its log names it).
build hit
key=$(sed -n 's/.*restored from cache entry \([0-9a-f]*\).*/\1/p' "$T"/cache/mbhost/projects/*/logs/linux-amd64.log)
victim="$T/cache/mbhost/actions/${key:0:2}/$key/files/hello"
[ -f "$victim" ] || fail "no cache entry '$key'"
truncate -s 100 "$victim"
build miss
expect_output "damaged"
build hit
pass "a damaged entry is detected and rebuilt"

# overwrite_same FILE: new bytes in place, same size, the mtime put back:
# only the inode's ctime tells.
overwrite_same() {
  cp -p "$1" "$T/before"
  printf 'XXXXXXXX' | dd of="$1" bs=1 seek=200 conv=notrunc status=none
  touch -r "$T/before" "$1"
  ! cmp -s "$T/before" "$1" || fail "$1 did not change"
}

# A no-op reads no restored file in full once it was verified; a change
# that keeps size and mtime must still be caught.
build hit
key=$(sed -n 's/.*restored from cache entry \([0-9a-f]*\).*/\1/p' "$T"/cache/mbhost/projects/*/logs/linux-amd64.log)
victim="$T/cache/mbhost/actions/${key:0:2}/$key/files/hello"
overwrite_same "$victim"
build miss
expect_output "damaged"
build hit
pass "an entry changed in place, size and mtime kept, is detected"

# An output replaced in the output folder is put back from the cache.
build hit
cp -p "$dist/linux/amd64/hello" "$T/good"
overwrite_same "$dist/linux/amd64/hello"
build hit
cmp -s "$T/good" "$dist/linux/amd64/hello" || fail "the replaced output was not restored"
cp -p "$T/good" "$T/other" && mv "$T/other" "$dist/linux/amd64/hello.new"
overwrite_same "$dist/linux/amd64/hello.new"
mv "$dist/linux/amd64/hello.new" "$dist/linux/amd64/hello"
build hit
cmp -s "$T/good" "$dist/linux/amd64/hello" || fail "the swapped output was not restored"
pass "an output changed in the output folder, size and mtime kept, is restored"

# A target's log: the target and its plan, then what was done.
log="$(echo "$T"/cache/mbhost/projects/*/logs/linux-amd64.log)"
echo "// the log of a build" >>"$src/main.go"
build miss
head -1 "$log" | grep -qx "mbhost: target linux/amd64" || fail "log of a build: $(cat "$log")"
grep -q "^  step 1: go build " "$log" || fail "log of a build, no plan: $(cat "$log")"
grep -q "^mbhost: step 1/2: go build " "$log" || fail "log of a build, no step: $(cat "$log")"
grep -q "^mbhost: step 2/2: sed -n .*hello.actions.json" "$log" || fail "log of a build, no tree reads step: $(cat "$log")"
tail -1 "$log" | grep -qE "^mbhost: done in [0-9.]+s$" || fail "log of a build, no end: $(cat "$log")"
sed -n '1,/^mbhost: step 1/p' "$log" | sed '$d' >"$T/log-head"
build hit
key=$(sed -n 's/.*restored from cache entry \([0-9a-f]*\).*/\1/p' "$log")
{ cat "$T/log-head"; echo "mbhost: restored from cache entry $key"; } >"$T/log-want"
cmp -s "$T/log-want" "$log" || fail "log of a hit: $(diff "$T/log-want" "$log")"
pass "the log of a build has the plan, the steps and their end; that of a hit the plan and the entry"

# The entry's last use (its manifest's mtime, for cache prune) is moved by
# a hit when it is over an hour old (CACHE_LRU_SECONDS), else left alone.
manifest="$T/cache/mbhost/actions/${key:0:2}/$key/manifest"
touch -d '-2 hours' "$manifest"
build hit
[ $(($(date +%s) - $(stat -c %Y "$manifest"))) -lt 600 ] || fail "a hit did not mark an entry last used 2 hours ago"
touch -d '-10 minutes' "$manifest"
used=$(stat -c %Y "$manifest")
build hit
[ "$(stat -c %Y "$manifest")" = "$used" ] || fail "a hit marked an entry used 10 minutes ago"
pass "a hit marks its entry as used when the mark is over an hour old"

# A no-op starts no process (no probe, no build, no supervisor) and
# writes nothing: no output, no artifacts.json (it would differ only in its
# timings), no export journal, no state file (durations, stat caches,
# export records), so no fsync and no rename; no jobserver fifo (nothing
# runs), no log rewritten (it would say the same), no entry marked as used
# (it was, within the hour), no truncated lock file, no folder made. First
# past the digest's racy window (RACY_SECONDS in host/digest.c): the files
# the tests above changed are remembered by this build, not hashed again by
# the no-op.
sleep 2.1
build hit
inode=$(stat -c %i "$dist/linux/amd64/hello")
report=$(stat -c '%i %Y' "$dist/artifacts.json")
logged=$(stat -c '%i %Y %Z %s' "$log")
# LeakSanitizer stops the world with ptrace, which a traced process cannot
# do: no leak check in this one traced run (the others keep it).
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
  strace -f -qq -e trace=execve,fork,vfork,fsync,fdatasync,rename,renameat,renameat2,mknod,mknodat,truncate,ftruncate,utimensat,mkdir,mkdirat,open,openat -o "$T/strace" \
  "$MBHOST" --config "$T/build.ini" -j 2 >/dev/null 2>&1 || fail "the no-op failed"
execs=$(grep -c 'execve(' "$T/strace" || true)
[ "$execs" = 1 ] || fail "a no-op ran programs: $(grep -E 'execve|fork' "$T/strace")"
[ "$(stat -c %i "$dist/linux/amd64/hello")" = "$inode" ] || fail "a no-op copied the output again"
! grep -E 'fsync|fdatasync|rename' "$T/strace" || fail "a no-op wrote state or output (above)"
[ "$(stat -c '%i %Y' "$dist/artifacts.json")" = "$report" ] || fail "a no-op rewrote artifacts.json"
! grep -E 'mknod|truncate|utimensat|mkdir|O_TRUNC' "$T/strace" || fail "a no-op made, truncated or touched files (above)"
[ "$(stat -c '%i %Y %Z %s' "$log")" = "$logged" ] || fail "a no-op rewrote the log"
pass "a no-op spawns nothing, copies nothing and writes nothing"

# The records of what each build read of GOROOT (host/tree_reads.h) go
# with the entries made from them.
records() { find "$T/cache/mbhost/tree-reads" -type f 2>/dev/null | wc -l; }
kept=$(records)
[ "$kept" -gt 0 ] || fail "no record of what the builds read of GOROOT"
run_mbhost 0 cache prune --config "$T/build.ini"
[ "$(records)" = "$kept" ] || fail "cache prune removed records of entries it kept"
cat >>"$T/build.ini" <<INI

[cache]
max_size = 1
INI
run_mbhost 0 cache prune --config "$T/build.ini"
expect_output "entries: +0$"
expect_output "size: +0 B \(max_size 1 B\)$"
expect_output "removed: +[0-9]+ entries, [0-9]+\.[0-9] MiB$"
[ "$(records)" = 0 ] || fail "cache prune left $(records) records of entries it removed"
pass "cache prune keeps the cache under max_size, with the records of the entries it keeps"
