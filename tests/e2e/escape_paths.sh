# Paths: a declared output cannot escape its destination. A test toolchain
# (plugins/evil_toolchain.c) declares '..' and absolute names, symlinks to
# files and folders outside staging, and absolute or '..' sources; each is
# refused, nothing is exported, and nothing appears outside the output.
# The tarball exporter refuses extra files that are symlinks out of the
# source tree.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"

build_test_plugin evil_toolchain
mkdir -p "$T/src"
while read -r case pattern; do
  cat >"$T/build.ini" <<INI
[project]
name = evil
source = src
output = out/deep

[matrix]
os = linux
arch = amd64

[toolchain]
use = evil
case = $case
INI
  rm -rf "$T/out" /tmp/escaped
  run_mbhost 1 --config "$T/build.ini" --plugin-dir "$T/plugins"
  expect_output "$pattern"
  [ ! -e "$T/out" ] || fail "$case: something was exported: $(find "$T/out")"
  [ ! -e "$T/escaped" ] && [ ! -e /tmp/escaped ] || fail "$case: a file escaped"
done <<'CASES'
dotdot_name output '\.\./\.\./escaped': the name contains a '\.' or '\.\.' segment
absolute_name output '/tmp/escaped': the name is an absolute path
symlink_file declared output hostname is not a regular file
symlink_dir declared output hostname .* is outside the target's staging and scratch folders
absolute_from declared output hostname \(/etc/hostname\) is outside the target's staging
dotdot_from declared output hostname .* is outside the target's staging
CASES
pass "'..' and absolute names, symlinks and outside sources are refused"

ln -s /etc/hostname "$T/src/LICENSE"
cat >"$T/build.ini" <<INI
[project]
name = evil
source = src
output = out

[matrix]
os = linux
arch = amd64

[toolchain]
use = evil
case = honest

[export]
use = tarball

[export.tarball]
files = LICENSE*
INI
rm -rf "$T/out"
run_mbhost 1 --config "$T/build.ini" --plugin-dir "$T/plugins"
expect_output 'files: "LICENSE\*" matches .*/src/LICENSE, a symlink to a file outside the project source'
[ -z "$(find "$T/out" -type f 2>/dev/null)" ] || fail "tarball wrote: $(find "$T/out" -type f)"
pass "tarball: a symlink out of the source tree is not packed"
