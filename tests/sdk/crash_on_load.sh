# A plugin that crashes while being loaded does not take the host down: the
# scanner's child crashes instead, the plugin is refused with the signal, and
# the verdict is cached until the file changes.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"
source "$MBHOST_SOURCE_DIR/tests/sdk/sdk.sh"

build_plugin "$T/plugins/crash.so" crash_on_load.c
build_plugin "$T/plugins/toy.so" toy.c
export MBHOST_TEST_LOAD_LOG="$T/loads"
loads() { wc -l <"$T/loads"; }

run_mbhost 0 plugins --plugin-dir "$T/plugins"
expect_output "^refused: $T/plugins/crash.so: crashed while loading \(signal 11, Segmentation fault\)$"
expect_output "^toy +toolchain +org.example.toy"
[ "$(loads)" = 1 ] || fail "expected one load attempt, got $(loads)"
pass "mbhost plugins survives and lists the crash"

run_mbhost 0 plugins --plugin-dir "$T/plugins"
expect_output "^refused: $T/plugins/crash.so: crashed while loading"
[ "$(loads)" = 1 ] || fail "the cached verdict was not used ($(loads) loads)"
pass "the verdict is cached: the plugin is not loaded again"

touch "$T/plugins/crash.so"
run_mbhost 0 plugins --plugin-dir "$T/plugins"
[ "$(loads)" = 2 ] || fail "a changed file was not scanned again ($(loads) loads)"
pass "a changed file is scanned again"

write_ini toy
run_mbhost 0 --config "$T/build.ini" --plugin-dir "$T/plugins"
expect_output "warning: ignoring plugin $T/plugins/crash.so: crashed while loading"
[ "$(cat "$T/dist/linux/amd64/toy.txt")" = linux/amd64 ] || fail "the build did not complete"
pass "a build with it in the path warns and completes"
