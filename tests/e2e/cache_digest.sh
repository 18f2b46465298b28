# `mbhost cache digest --config FILE` prints the digest the build keys on:
# the same folders left out (the output inside the source, the cache) and
# the same [project] ignore globs; a file the globs ignore changes neither.
# The config file is left out too: a comment added to it rebuilds nothing.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"

build_test_plugin kit_toolchain
mkdir -p "$T/app/docs"
echo one >"$T/app/main.txt"
echo notes >"$T/app/README.md"
echo more >"$T/app/docs/guide.txt"
cat >"$T/app/build.ini" <<INI
[project]
name = digest
source = .
output = dist
ignore = *.md, docs
[matrix]
os = linux
arch = amd64
[toolchain]
use = kit
INI
cd "$T/app"

# build_digest: the 12-character source digest a build logs with -v.
build_digest() {
  run_mbhost 0 --config build.ini --plugin-dir "$T/plugins" -v --no-cache
  sed -nE 's/.*source digest ([0-9a-f]{12}):.*/\1/p' <<<"$OUT" | head -1
}

built=$(build_digest)
[ -n "$built" ] || fail "the build logged no source digest"
run_mbhost 0 cache digest --config build.ini
printed=${OUT:0:12}
[ "$printed" = "$built" ] || fail "cache digest printed $printed, the build keyed on $built"
pass "cache digest --config prints the digest the build keys on"

echo changed >README.md
echo changed >docs/guide.txt
run_mbhost 0 cache digest --config build.ini
[ "${OUT:0:12}" = "$built" ] || fail "an ignored file changed the printed digest"
[ "$(build_digest)" = "$built" ] || fail "an ignored file changed the build's digest"
echo two >main.txt
run_mbhost 0 cache digest --config build.ini
after=${OUT:0:12}
[ "$after" != "$built" ] || fail "a real change did not change the digest"
[ "$(build_digest)" = "$after" ] || fail "after a change, build and cache digest differ"
pass "ignore globs and the output folder are left out by both; a real change shows in both"

run_mbhost 2 cache digest "$T" --config build.ini
expect_output "is not the project's source folder"
pass "a folder that is not the project's source is refused"

# The config file inside the source is not part of the digest: its values
# are in every target's key already, so a comment added to it changes
# nothing, while a changed value still misses.
sed -i 's/^arch = amd64$/arch = amd64, arm64\ninclude = windows\/amd64/' build.ini
# cache_states: "hit" or "miss" for each target of the last run, in order.
cache_states() {
  python3 -c 'import json,sys
for t in json.load(open(sys.argv[1]))["targets"]: print(t["target"], "hit" if t["cache_hit"] else "miss")' dist/artifacts.json | tr '\n' ' '
}
run_mbhost 0 cache digest --config build.ini
digest_before=${OUT:0:64}
run_mbhost 0 --config build.ini --plugin-dir "$T/plugins"
run_mbhost 0 --config build.ini --plugin-dir "$T/plugins"
[ "$(cache_states)" = "linux/amd64 hit linux/arm64 hit windows/amd64 hit " ] || fail "an unchanged rerun missed: $(cache_states)"
printf '; a comment about the build\n' >>build.ini
run_mbhost 0 cache digest --config build.ini
[ "${OUT:0:64}" = "$digest_before" ] || fail "a comment in build.ini changed the source digest"
run_mbhost 0 --config build.ini --plugin-dir "$T/plugins"
[ "$(cache_states)" = "linux/amd64 hit linux/arm64 hit windows/amd64 hit " ] || fail "a comment in build.ini rebuilt targets: $(cache_states)"
sed -i 's/^use = kit$/use = kit\nlevel = 4/' build.ini
run_mbhost 0 --config build.ini --plugin-dir "$T/plugins"
[ "$(cache_states)" = "linux/amd64 miss linux/arm64 miss windows/amd64 miss " ] || fail "a changed value in build.ini hit: $(cache_states)"
pass "a comment added to build.ini inside the source: every target hits; a changed value misses"
