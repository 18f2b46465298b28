# A shared library without mbhost_plugin_entry, and a file that is not a
# shared library at all, are refused with the reason; the host keeps going.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"
source "$MBHOST_SOURCE_DIR/tests/sdk/sdk.sh"

build_plugin "$T/plugins/libother.so" no_entry.c
echo "not a library" >"$T/plugins/junk.so"
build_plugin "$T/plugins/toy.so" toy.c

run_mbhost 0 plugins --plugin-dir "$T/plugins"
expect_output "^refused: $T/plugins/libother.so: not an mbhost plugin \(no mbhost_plugin_entry symbol\)$"
expect_output "^refused: $T/plugins/junk.so: cannot load: .*junk.so"
expect_output "^toy +toolchain +org.example.toy"
pass "both are refused with the reason, the good plugin is listed"

write_ini toy
run_mbhost 0 --config "$T/build.ini" --plugin-dir "$T/plugins"
expect_output "warning: ignoring plugin $T/plugins/libother.so: not an mbhost plugin"
[ "$(cat "$T/dist/linux/amd64/toy.txt")" = linux/amd64 ] || fail "the build did not complete"
pass "a build with them in the path warns and completes"
