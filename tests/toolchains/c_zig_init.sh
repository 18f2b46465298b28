# `mbhost init` on real C sources, then a build of what it wrote, with zig
# installed (so init proposes cc = zig):
# - bzip2 1.0.8 with its makefile renamed to the lowercase `makefile`: make
#   mode, the program of `all` (not libbz2.a) as the output and make goal,
#   and make_override for the CC, AR, RANLIB the makefile sets itself;
# - the same sources with an amalgamation (one .c file that #includes the
#   others, as Lua's onelua.c) and no makefile, beside other programs
#   (bzip2recover.c, unzcrash.c, ...) and a test folder: init proposes the
#   amalgamation alone, and libs = m from its math.h.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"
source "$MBHOST_SOURCE_DIR/tests/toolchains/zig_lib.sh"

bzip2="${MBHOST_TEST_CACHE:-$HOME/.cache/mbhost-tests}/bzip2-1.0.8"
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

mkdir -p "$T/one/tests"
cd "$T/one"
cp "$bzip2"/*.c "$bzip2"/*.h .
rm -f dlltest.c
# The test folder's file and a test library at the top are left out too.
printf 'int main(void) { return 1; }\n' >tests/check.c
printf 'int test_helper(void) { return 0; }\n' >bztest.c
{
  echo '/* every file of bzip2 in one translation unit */'
  for f in blocksort huffman crctable randtable compress decompress; do
    echo "#include \"$f.c\""
  done
  # bzlib.c and bzip2.c each define a myfeof.
  echo '#define myfeof bzlib_myfeof'
  echo '#include "bzlib.c"'
  echo '#undef myfeof'
  echo '#include "bzip2.c"'
} >onebz.c
run_mbhost 0 init
cd - >/dev/null
has_line "$T/one" 'mode *= *sources( *;.*)?'
has_line "$T/one" 'sources *= *onebz\.c( *;.*)?'
has_line "$T/one" 'libs *= *m( *;.*)?'
run_mbhost 0 --config "$T/one/build.ini" -j 2 -t linux/amd64 -t windows/amd64
check_runs "$T/one/dist/linux/amd64/one"
expect_file_kinds "$T/one/dist" one windows/amd64
pass "an amalgamation: init proposes it alone and libs = m; the build runs"
