# Every bundled plugin exports exactly one dynamic symbol, the entry point:
# nothing else can clash with the host or another plugin.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"

n=0
for so in "$MBHOST_PLUGIN_BUILD_DIR"/*.so; do
  symbols=$(nm -D --defined-only "$so" | awk '{print $3}')
  [ "$symbols" = mbhost_plugin_entry ] || fail "$so exports: $(echo $symbols)"
  n=$((n + 1))
done
[ "$n" -ge 6 ] || fail "expected the six bundled plugins, found $n"
pass "$n bundled plugins export only mbhost_plugin_entry"
