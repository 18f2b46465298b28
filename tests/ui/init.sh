# `mbhost init` in each kind of project writes a build.ini that validates,
# whose every target can be built here (--dry-run exits 0), and that builds
# one target as it is. It never replaces a file without --force.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"

# init_and_build FIXTURE MODE BINARY: init in a copy, then build linux/amd64.
init_and_build() {
  local dir
  dir=$(copy_fixture "$1")
  cd "$dir"
  run_mbhost 0 init
  expect_output "wrote $dir/build.ini: toolchain $2"
  run_mbhost 0 validate --config build.ini
  run_mbhost 0 --config build.ini --dry-run
  run_mbhost 0 --config build.ini --target linux/amd64
  [ -x "dist/linux/amd64/$3" ] || fail "$1: dist/linux/amd64/$3 was not built"
  "dist/linux/amd64/$3" >/dev/null || fail "$1: the binary does not run"
  cd - >/dev/null
  pass "$1: init ($2), validate, dry run of every target, build of linux/amd64"
}

init_and_build hello-go go hello
grep -qxE 'os += linux, darwin, windows' "$T/hello-go/build.ini" || fail "go: not linux, darwin, windows"
grep -qxE 'arch += amd64, arm64' "$T/hello-go/build.ini" || fail "go: not amd64, arm64"
init_and_build hello-rust rust hello
init_and_build hello-c-sources "c \(found C sources\)" hello-c-sources
grep -qx 'mode = sources' "$T/hello-c-sources/build.ini" || fail "c: not mode sources"
grep -qx 'sources = \*.c, arch/\*.c, os/\*.c' "$T/hello-c-sources/build.ini" || fail "c: sources not found in subfolders"
init_and_build hello-c-make "c \(found Makefile\)" hello
grep -qx 'mode = make' "$T/hello-c-make/build.ini" || fail "c: not mode make"
init_and_build hello-c-cmake "c \(found CMakeLists.txt\)" hello
grep -qx 'mode = cmake' "$T/hello-c-cmake/build.ini" || fail "c: not mode cmake"

cd "$T/hello-go"
echo "; mine" >build.ini
run_mbhost 2 init
expect_output 'build.ini already exists; run mbhost init --force'
[ "$(cat build.ini)" = "; mine" ] || fail "init replaced a file without --force"
run_mbhost 0 init --force
grep -q '^use = go$' build.ini || fail "--force did not write the file"
run_mbhost 0 init --config other.ini
[ -f other.ini ] || fail "init --config other.ini wrote nothing"
pass "an existing file is kept without --force and replaced with it"

mkdir "$T/empty" && cd "$T/empty"
run_mbhost 2 init
expect_output 'nothing to build in .*: no toolchain plugin recognised it \(asked: .*go.*\)'
[ -z "$(ls -A)" ] || fail "init wrote into an empty folder"
pass "a folder with nothing to build: exit 2, nothing written"
