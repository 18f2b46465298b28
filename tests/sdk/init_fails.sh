# A plugin whose init fails: its own message is shown, the exit code is the
# config-error code, and nothing is built or written.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"
source "$MBHOST_SOURCE_DIR/tests/sdk/sdk.sh"

build_plugin "$T/plugins/initfail.so" init_fails.c
write_ini initfail
run_mbhost 2 --config "$T/build.ini" --plugin-dir "$T/plugins"
expect_output "toolchain plugin 'initfail' \($T/plugins/initfail.so\) could not start: licence file /nonexistent/initfail.key is missing: ask your administrator for one"
[ ! -e "$T/dist" ] || fail "the output folder was created"
pass "the plugin's own message is shown and nothing is written"
