# `mbhost init` on real C projects, then a build of what it wrote, with zig
# installed (so init proposes cc = zig):
# - Lua 5.4.8's development tree (scripts/setup.d/lua.sh): a lowercase
#   `makefile` (with readline and -march=native, for the host alone), the
#   amalgamation onelua.c, which #includes every other .c file, test files
#   (ltests.c) and a test folder with libraries of its own. init proposes
#   the amalgamation alone, in sources mode, with libs = m, dl from the
#   includes; the build makes a lua that runs Lua code (linux/amd64) and a
#   Windows lua.exe (which links without dl);
# - bzip2 1.0.8 with its makefile renamed to the lowercase `makefile`: make
#   mode, the program of `all` (not libbz2.a) as the output and make goal,
#   and make_override for the CC, AR, RANLIB the makefile sets itself.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"
source "$MBHOST_SOURCE_DIR/tests/toolchains/zig_lib.sh"

cache="${MBHOST_TEST_CACHE:-$HOME/.cache/mbhost-tests}"
lua="$cache/lua-5.4.8"
if [ ! -f "$lua/.complete" ]; then
  bash "$MBHOST_SOURCE_DIR/scripts/setup.d/lua.sh" ||
    fail "no Lua sources in $lua: run scripts/setup.sh --test"
fi
bzip2="$cache/bzip2-1.0.8"
if [ ! -f "$bzip2/.complete" ]; then
  bash "$MBHOST_SOURCE_DIR/scripts/setup.d/bzip2.sh" ||
    fail "no bzip2 sources in $bzip2: run scripts/setup.sh --test"
fi

has_line() {
  grep -qxE -- "$2" "$1/build.ini" || { cat "$1/build.ini" >&2; fail "$1: no line /$2/"; }
}

# check_runs BINARY: compresses and decompresses bzip2's sample.
check_runs() {
  "$1" -3 <"$bzip2/sample3.ref" >"$T/s3.bz2"
  cmp -s "$T/s3.bz2" "$bzip2/sample3.bz2" || fail "$1 -3 differs from sample3.bz2"
}

cp -r "$lua" "$T/lua" && rm "$T/lua/.complete"
cd "$T/lua"
run_mbhost 0 init
cd - >/dev/null
has_line "$T/lua" 'mode *= *sources( *;.*)?'
has_line "$T/lua" 'sources *= *onelua\.c( *;.*)?'
has_line "$T/lua" 'libs *= *m, dl( *;.*)?'
has_line "$T/lua" 'cc *= *zig( *;.*)?'
has_line "$T/lua" '; makefile is there too: mode = make builds with it instead.*'
run_mbhost 0 --config "$T/lua/build.ini" -j 2 -t linux/amd64 -t windows/amd64
# Lua code that needs the C library and libm: string formatting, math, a
# sort with a Lua comparison, a closure, and an error caught by pcall.
got=$("$T/lua/dist/linux/amd64/lua" -e '
  local t = {5, 3, 9, 1}
  table.sort(t, function(a, b) return a > b end)
  local ok, err = pcall(error, "boom")
  print(_VERSION, string.format("%.3f", math.sqrt(2)), table.concat(t, ","),
        ok, err, (function(n) return n * 6 end)(7))')
want=$(printf 'Lua 5.4\t1.414\t9,5,3,1\tfalse\tboom\t42')
[ "$got" = "$want" ] || fail "lua printed '$got', expected '$want'"
expect_file_kinds "$T/lua/dist" lua windows/amd64
pass "Lua (a lowercase makefile and an amalgamation): init proposes the amalgamation; the build runs"

cp -r "$bzip2" "$T/make" && mv "$T/make/Makefile" "$T/make/makefile"
cd "$T/make"
run_mbhost 0 init
cd - >/dev/null
has_line "$T/make" 'mode *= *make( *;.*)?'
has_line "$T/make" 'outputs *= *bzip2( *;.*)?'
has_line "$T/make" 'make_args *= *bzip2( *;.*)?'
has_line "$T/make" 'make_override *= *CC, AR, RANLIB( *;.*)?'
has_line "$T/make" 'cc *= *zig( *;.*)?'
run_mbhost 0 validate --config "$T/make/build.ini"
expect_output 'valid: 6 targets'
run_mbhost 0 --config "$T/make/build.ini" -j 2 -t linux/amd64 -t darwin/arm64
check_runs "$T/make/dist/linux/amd64/bzip2"
expect_file_kinds "$T/make/dist" bzip2 darwin/arm64
pass "a lowercase makefile: init -> build (linux/amd64 runs, darwin/arm64 is Mach-O)"
