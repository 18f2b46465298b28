# Two plugins with one id, or one name in one folder, are refused; the same
# plugin in a later folder of the search path is shadowed, not refused.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"
source "$MBHOST_SOURCE_DIR/tests/sdk/sdk.sh"

mkdir -m 755 "$T/first" "$T/later"
build_plugin "$T/first/a-toy.so" toy.c
build_plugin "$T/first/b-same-id.so" toy.c -DTOY_NAME='"toy2"'
build_plugin "$T/first/c-same-name.so" toy.c -DTOY_ID='"org.example.toy3"'
build_plugin "$T/later/d-older-toy.so" toy.c -DTOY_VERSION='"0.9.0"'
build_plugin "$T/later/e-same-id.so" toy.c -DTOY_NAME='"toyb"'

run_mbhost 0 plugins --plugin-dir "$T/first" --plugin-dir "$T/later"
expect_output "^toy +toolchain +org.example.toy +1.0.0 .* $T/first/a-toy.so$"
expect_output "^refused: $T/first/b-same-id.so: id 'org.example.toy' is already used by $T/first/a-toy.so$"
expect_output "^refused: $T/first/c-same-name.so: name 'toy' is already used by $T/first/a-toy.so$"
expect_output "^refused: $T/later/e-same-id.so: id 'org.example.toy' is already used by $T/first/a-toy.so$"
expect_output "^toy +toolchain +org.example.toy +0.9.0 .* $T/later/d-older-toy.so +\(shadowed\)$"
pass "duplicate ids and same-folder names are refused; the later copy is shadowed"

write_ini toy
run_mbhost 0 --config "$T/build.ini" --plugin-dir "$T/first" --plugin-dir "$T/later"
[ "$(cat "$T/dist/linux/arm64/toy.txt")" = linux/arm64 ] || fail "the first toy did not build"
pass "the first plugin of the name builds"
