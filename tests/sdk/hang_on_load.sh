# A plugin that never finishes loading does not hang the host: the scanner's
# child is stopped after MBHOST_PLUGIN_SCAN_TIMEOUT seconds and the plugin is
# refused; nothing of it is left running.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"
source "$MBHOST_SOURCE_DIR/tests/sdk/sdk.sh"

build_plugin "$T/plugins/hang.so" hang_on_load.c
build_plugin "$T/plugins/toy.so" toy.c
export MBHOST_PLUGIN_SCAN_TIMEOUT=1

run_mbhost 0 plugins --plugin-dir "$T/plugins"
expect_output "^refused: $T/plugins/hang.so: did not finish loading within 1 s and was stopped"
expect_output "^toy +toolchain +org.example.toy"
! pgrep -f "__scan-plugin $T/plugins/hang.so" >/dev/null || fail "the scanner child is still running"
pass "mbhost plugins survives, lists the refusal, and leaves no process behind"

write_ini toy
run_mbhost 0 --config "$T/build.ini" --plugin-dir "$T/plugins"
expect_output "warning: ignoring plugin $T/plugins/hang.so: did not finish loading.*this verdict is kept until the file changes"
grep -q '"timed_out_ms"' "$XDG_CACHE_HOME/mbhost/plugin-scan.json" || fail "the timeout was not cached"
[ "$(cat "$T/dist/linux/arm64/toy.txt")" = linux/arm64 ] || fail "the build did not complete"
pass "a build with it in the path warns (the timeout cached) and completes"

# Interrupted while waiting for the scan: the child is stopped too.
MBHOST_PLUGIN_SCAN_TIMEOUT=600 "$MBHOST" plugins --plugin-dir "$T/plugins" >"$T/out" 2>&1 &
host=$!
until pgrep -f "__scan-plugin $T/plugins/hang.so" >/dev/null; do
  kill -0 "$host" 2>/dev/null || fail "mbhost ended before scanning: $(cat "$T/out")"
  sleep 0.1
done
kill -TERM "$host"
rc=0
wait "$host" || rc=$?
[ "$rc" = 143 ] || fail "expected exit 143 after SIGTERM, got $rc: $(cat "$T/out")"
! pgrep -f "__scan-plugin $T/plugins/hang.so" >/dev/null || fail "the scanner child outlived the interrupt"
pass "an interrupt during the scan stops mbhost and the scanner child"
