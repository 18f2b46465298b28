# The ABI 1.0 services, end to end, through a test toolchain (kit) that uses
# them: option tables the host validates (choices, ranges) and --describe
# shows; option errors from probe and validate at file:line, exit 2; the
# process service's separate, truncated captures; option origins; {jobs}
# inside an argument and full step lines in the log and -v; optional and
# glob outputs, through the cache too; `mbhost init` through a third-party
# toolchain's detect; and a run loading only the plugins its config names.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"

build_test_plugin kit_toolchain
build_test_plugin marker_exporter
P=(--plugin-dir "$T/plugins")
export MBHOST_TEST_MARKER="$T/marker"
: >"$MBHOST_TEST_MARKER"
loads() { wc -l <"$MBHOST_TEST_MARKER"; }
mkdir "$T/app"
echo 'name = "kit"' >"$T/app/kit.toml"
write_ini() { # write_ini EXTRA_TOOLCHAIN_LINES EXTRA_SECTIONS
  cat >"$T/build.ini" <<INI
[project]
name = kitted
source = app
[matrix]
os = linux
arch = amd64, arm64
[toolchain]
use = kit
${1:-}
${2:-}
INI
}

run_mbhost 0 plugins "${P[@]}" --describe kit
expect_output 'mode +choice +plain +how to build \(per target\)'
expect_output 'one of: plain, fancy, broken'
expect_output 'level +integer +3 +a level'
expect_output 'min 1, max 9'
pass "--describe lists choices and ranges"

write_ini "level = 12"
run_mbhost 2 validate --config "$T/build.ini" "${P[@]}"
expect_output "build.ini:9: level: 12 is above the maximum 9"
pass "a value out of an option's range is the host's error, at file:line"

write_ini "probe_refuses = yes"
for cmd in "validate" "--dry-run" ""; do
  run_mbhost 2 $cmd --config "$T/build.ini" "${P[@]}"
  expect_output "build.ini:9: probe_refuses: the probe refuses this value"
done
[ ! -e "$T/dist" ] || fail "a refused option built something"
pass "an option error raised in probe: file:line, exit 2, in validate, dry run and build"

write_ini "" "[target linux/arm64]
mode = broken"
for cmd in "validate" "--dry-run" ""; do
  run_mbhost 2 $cmd --config "$T/build.ini" "${P[@]}"
  expect_output "build.ini:11: mode: linux/arm64 cannot be built in mode broken"
done
[ ! -e "$T/dist" ] || fail "a target the toolchain's validate refused was built"
pass "the validate extension's per-target error: file:line, exit 2, nothing built"

write_ini "level = 4" "[target linux/arm64]
mode = fancy"
run_mbhost 0 --config "$T/build.ini" "${P[@]}" -v -j 2
# 10 bytes into a 5-byte buffer: 4 kept, the full length, the flag; stderr apart.
expect_output 'out=0123 len=10 truncated=1 err=err code=0'
# Origins: 1 default, 2 the section, 3 [target].
expect_output '\[linux/amd64\] \$ echo .*mode-origin=1 level-origin=2. -j[12] w1 w2 w3 w4 w5 the-last-word'
expect_output '\[linux/arm64\] \$ echo .*mode-origin=3 level-origin=2. -j[12] w1'
log="$T/cache/mbhost/projects/kitted-"*/logs/linux-arm64.log
grep -qE 'step 2/2: echo .* -j[12] w1 w2 w3 w4 w5 the-last-word$' $log ||
  fail "the log does not show the whole expanded step: $(cat $log)"
for t in amd64 arm64; do
  [ "$(cat "$T/dist/linux/$t/app")" = "linux/$t" ] || fail "linux/$t: app"
  [ "$(cat "$T/dist/linux/$t/docs/a.txt")" = a ] || fail "linux/$t: glob output a"
  [ "$(cat "$T/dist/linux/$t/docs/b.txt")" = b ] || fail "linux/$t: glob output b"
  [ ! -e "$T/dist/linux/$t/app.pdb" ] || fail "linux/$t: an absent optional output appeared"
done
python3 - "$T/dist/artifacts.json" <<'PY'
import json, sys
names = sorted((a["target"], a["name"]) for a in json.load(open(sys.argv[1]))["artifacts"])
want = sorted((t, n) for t in ("linux/amd64", "linux/arm64") for n in ("app", "docs/a.txt", "docs/b.txt"))
assert names == want, names
PY
pass "captures, origins, {jobs} in an argument, full step lines, glob and optional outputs"

rm -rf "$T/dist"
run_mbhost 0 --config "$T/build.ini" "${P[@]}"
expect_output 'linux/amd64 +ok +[0-9.]+s +hit'
[ "$(cat "$T/dist/linux/arm64/docs/b.txt")" = b ] || fail "the cache did not restore a glob output"
pass "a cache hit restores the glob outputs as collected"

mkdir "$T/kitproj" && cp "$T/app/kit.toml" "$T/kitproj/"
cd "$T/kitproj"
run_mbhost 0 init "${P[@]}"
expect_output "wrote $T/kitproj/build.ini: toolchain kit \(found kit.toml\), 2 targets"
grep -qx 'use = kit' build.ini || fail "init did not choose kit: $(cat build.ini)"
grep -qx 'mode = fancy' build.ini || fail "init lacks the proposed key"
grep -qx 'name   = kitted-app' build.ini || fail "the proposed name was not made valid"
grep -q '^; kit projects build anywhere' build.ini || fail "init lacks the note"
grep -qx 'arch = amd64, arm64' build.ini || fail "init lacks the proposed targets"
run_mbhost 0 --config build.ini "${P[@]}"
[ -f dist/linux/arm64/app ] || fail "the build.ini init wrote does not build"
cd - >/dev/null
pass "mbhost init uses a third-party toolchain's detect"

# `plugins` and `init` load every plugin; a build loads only those it names
# (the scanner's verdict, cached with the plugin's name, tells which).
before=$(loads)
write_ini ""
run_mbhost 0 --config "$T/build.ini" "${P[@]}"
run_mbhost 0 --config "$T/build.ini" "${P[@]}" --dry-run
[ "$(loads)" = "$before" ] || fail "a run that does not name marker loaded it"
write_ini "" "[export]
use = marker, local"
run_mbhost 0 --config "$T/build.ini" "${P[@]}"
[ "$(loads)" = $((before + 1)) ] || fail "a run naming marker did not load it"
pass "a run loads only the plugins its config names (scanned once, cached)"
