# A plugin built for another ABI major is refused with a message naming the
# file and both versions; the host survives and still builds with the rest.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"

mkdir -m 755 "$T/plugins"
cc -shared -fPIC -fvisibility=hidden -std=c99 -Wall -Werror \
  -I "$MBHOST_SOURCE_DIR/sdk-headers" \
  -o "$T/plugins/future.so" "$MBHOST_SOURCE_DIR/tests/e2e/plugins/wrong_abi.c"

run_mbhost 0 plugins --plugin-dir "$T/plugins"
expect_output "refused: $T/plugins/future.so: built for mbhost plugin ABI 2, but this mbhost speaks ABI 1"
expect_output '^go +toolchain +org.mbhost.toolchain.go'
expect_output '^local +exporter +org.mbhost.exporter.local'
pass "mbhost plugins lists the refusal and the good plugins"

src=$(copy_fixture hello-go)
cat > "$T/build.ini" <<INI
[project]
name = hello
source = hello-go
[matrix]
os = linux
arch = amd64
[toolchain]
use = go
INI
run_mbhost 0 --config "$T/build.ini" --plugin-dir "$T/plugins"
expect_output "warning: ignoring plugin $T/plugins/future.so: built for mbhost plugin ABI 2"
[ -x "$T/dist/linux/amd64/hello" ] || fail "the build did not complete"
pass "a build with the bad plugin in the path warns and completes"

sed -i 's/use = go/use = future/' "$T/build.ini"
run_mbhost 2 --config "$T/build.ini" --plugin-dir "$T/plugins"
expect_output "no toolchain plugin named 'future'"
pass "asking for the refused plugin is a config error"

chmod 777 "$T/plugins"
run_mbhost 0 plugins --plugin-dir "$T/plugins"
expect_output "refused: $T/plugins: .* is writable by others"
pass "a plugin folder writable by others is refused"
