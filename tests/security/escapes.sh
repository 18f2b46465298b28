# Nothing escapes the output folder, and the output folder is not the
# source however it is reached: a [export.local] layout with '..' or an
# absolute path is a config error at file:line (exit 2) and writes nothing;
# an output that is, or contains, the source through a symlink is refused.
source "$MBHOST_SOURCE_DIR/tests/security/lib.sh"
write_project
src_before=$(tree_digest "$T/src")

# layout VALUE PATTERN
layout() {
  sed -i '/^\[export/,$d' "$T/build.ini"
  printf '[export]\nuse = local\n\n[export.local]\nlayout = %s\n' "$1" >>"$T/build.ini"
  run_mbhost 2 --config "$T/build.ini"
  expect_output "build.ini:18: layout: \"$2"
  [ ! -e "$T/dist" ] && [ ! -e "$T/outside" ] && [ ! -e /outside ] || fail "layout $1: something was written"
}
layout '../../outside/{os}' '\.\./\.\./outside/\{os\}" has a .\.. or .\.\.. segment'
layout '{os}/../../outside' '\{os\}/\.\./\.\./outside" has a .\.. or .\.\.. segment'
layout '/outside/{os}' '/outside/\{os\}" is an absolute path'
layout '{os}/{target}' '\{os\}/\{target\}" has an unknown placeholder'
layout '{os}//{arch}' '\{os\}//\{arch\}" has an empty segment'
pass "[export.local] layout escapes are config errors"

layout_ok() {
  sed -i '/^\[export/,$d' "$T/build.ini"
  printf '[export]\nuse = local\n\n[export.local]\nlayout = %s\n' "$1" >>"$T/build.ini"
  run_mbhost 0 --config "$T/build.ini"
}
layout_ok 'bin/{os}-{arch}'
[ -x "$T/dist/bin/linux-amd64/hello" ] || fail "a good layout was not used"
pass "a layout inside the output folder works"
sed -i '/^\[export/,$d' "$T/build.ini"
rm -rf "$T/dist"

# output IS the source through a symlink, or CONTAINS it through one.
ln -s src "$T/src-link"
ln -s . "$T/here"
run_mbhost 2 --config "$T/build.ini" --output "$T/src-link"
expect_output "build.ini:4: output: $T/src-link is the source folder \(through a symlink\)"
run_mbhost 2 --config "$T/build.ini" --output "$T/here"
expect_output "output: $T/here contains the source folder \(through a symlink\)"
sed -i "s|^output = .*|output = src-link|" "$T/build.ini"
run_mbhost 2 --config "$T/build.ini"
expect_output "build.ini:4: output: $T/src-link is the source folder"
[ "$(tree_digest "$T/src")" = "$src_before" ] || fail "the source changed"
pass "an output that is or contains the source through a symlink is refused"

# A project name of 300 characters is a config error, from --set too.
name=$(printf 'a%.0s' $(seq 300))
sed -i "s|^output = .*|output = dist|" "$T/build.ini"
run_mbhost 2 --config "$T/build.ini" --set "project.name=$name"
expect_output "name: 300 characters is too long"
sed -i "s|^name = .*|name = $name|" "$T/build.ini"
run_mbhost 2 --config "$T/build.ini"
[ ! -e "$T/dist" ] || fail "built with a 300-character name"
pass "a 300-character project name exits 2"
