# SIGKILL of mbhost during an export, then the next run (docs/security.md,
# "No half-written results"). The output folder holds an earlier release
# (local + tarball); a second release with other binaries is killed:
# - by a test exporter that SIGKILLs mbhost after `local` wrote the new
#   binaries, and after `local` and `tarball` wrote binaries and archives;
# - by kill -9 while tarball writes a large archive (its temporary file
#   has appeared).
# The next run recovers the dead run's export before anything else: the
# folder is byte for byte the earlier release, every file matches
# artifacts.json, no *.mbhost-* file is left and the folder did not grow.
# Then a run completes the new release, and so does a run after a kill.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"

copy_fixture hello-c-make >/dev/null
build_test_plugin kill_exporter
head -c 20000000 /dev/urandom >"$T/hello-c-make/big.bin"
cat >"$T/build.ini" <<INI
[project]
name = crash
source = hello-c-make
output = dist
version = 1.0

[matrix]
os = linux
arch = amd64

[toolchain]
use = c
mode = make
outputs = hello
make_args = CFLAGS=-O0

[export]
use = local, tarball
INI

mb() { "$MBHOST" --config "$T/build.ini" --plugin-dir "$T/plugins" --color never "$@"; }

# Every file but artifacts.json is listed in it with its sha256, and
# nothing else is there.
check_consistent() {
  local listed actual
  listed=$(jq -r '.artifacts[] | select(.path != null) | "\(.sha256)  \(.path)"' "$T/dist/artifacts.json" | sort)
  actual=$(cd "$T/dist" && find . -type f ! -name artifacts.json -printf '%P\n' | sort | xargs -r sha256sum | sort)
  [ "$listed" = "$actual" ] || fail "$1: artifacts.json does not match the folder:
$listed
---
$actual"
  leftovers=$(find "$T/dist" -name '*.mbhost-*')
  [ -z "$leftovers" ] || fail "$1: leftovers: $leftovers"
}

mb || fail "the first release did not build"
check_consistent "first release"
old=$(tree_digest "$T/dist")
old_size=$(du -sb "$T/dist" | cut -f1)

# recover_with_failing_build WHAT: the next run recovers, then its build
# fails, so the folder is what the recovery left.
recover_with_failing_build() {
  local rc=0
  OUT=$(mb --set toolchain.make_args=CC=false 2>&1) || rc=$?
  [ "$rc" = 1 ] || { echo "$OUT" >&2; fail "$1: the next run exited $rc"; }
  grep -q "an earlier run was killed while exporting" <<<"$OUT" ||
    { echo "$OUT" >&2; fail "$1: no recovery reported"; }
  check_consistent "$1"
  [ "$(tree_digest "$T/dist")" = "$old" ] || fail "$1: not the earlier release: $(find "$T/dist")"
  [ "$(du -sb "$T/dist" | cut -f1)" = "$old_size" ] || fail "$1: the folder grew"
}

for chain in "local, kill" "local, tarball, kill"; do
  rc=0
  mb --set toolchain.make_args=CFLAGS=-O2 --set "export.use=$chain" >"$T/log" 2>&1 || rc=$?
  [ "$rc" = 137 ] || { cat "$T/log" >&2; fail "$chain: exited $rc, not killed"; }
  [ "$(tree_digest "$T/dist")" != "$old" ] || fail "$chain: the export wrote nothing before the kill"
  recover_with_failing_build "killed after $chain"
  pass "SIGKILL after $chain: rolled back to the earlier release"
done

# kill -9 while the large archive is being written.
rc=0
"$MBHOST" --config "$T/build.ini" --set toolchain.make_args=CFLAGS=-O2 \
  --set export.tarball.files=big.bin >"$T/log" 2>&1 &
pid=$!
for _ in $(seq 1200); do
  [ -n "$(find "$T/dist" -name '*.tar.gz.mbhost-tmp.*' -size +1k -print -quit)" ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.05
done
[ -n "$(find "$T/dist" -name '*.tar.gz.mbhost-tmp.*' -print -quit)" ] ||
  { cat "$T/log" >&2; fail "the archive was never being written"; }
kill -9 "$pid"
wait "$pid" || rc=$?
[ "$rc" = 137 ] || fail "mbhost exited $rc before it was killed"
recover_with_failing_build "killed while writing the archive"
pass "kill -9 while writing an archive: rolled back to the earlier release"

# A killed export, then a run that completes: the new release, consistent.
mb --set toolchain.make_args=CFLAGS=-O2 --set "export.use=local, kill" >/dev/null 2>&1 || true
mb --set toolchain.make_args=CFLAGS=-O2 || fail "the run after a kill failed"
check_consistent "the next release"
[ "$(tree_digest "$T/dist")" != "$old" ] || fail "the next release exported nothing new"
[ -z "$(find "$XDG_CACHE_HOME/mbhost/projects" -name 'export-journal*')" ] || fail "a journal was left"
pass "the run after a kill exports the new release"
