# An upgrade that replaces the mbhost file during a long build (apt, a
# package manager, `make install`): the steps still start, each under a
# supervisor that is the running binary itself (/proc/self/exe once its
# file is replaced), not whatever file its path now names.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"

mkdir -p "$T/bin" "$T/fake"
cp "$MBHOST" "$T/bin/mbhost"
# The build step waits until the binary is replaced; the step after it
# (the Go toolchain's tree reads step) starts afterwards.
waiting_go "$T/fake" "$(command -v go)"
copy_fixture hello-go >/dev/null
cat >"$T/build.ini" <<'INI'
[project]
name = hello
source = hello-go
output = out
[matrix]
os = linux
arch = amd64
[toolchain]
use = go
INI
export MBHOST_PLUGIN_PATH="$(dirname "$MBHOST")/../lib/mbhost/plugins"
PATH="$T/fake:$PATH" "$T/bin/mbhost" --config "$T/build.ini" >"$T/out.log" 2>&1 &
pid=$!
wait_building "$T/out.log"
rm "$T/bin/mbhost"
printf '#!/bin/sh\necho "not mbhost" >&2\nexit 99\n' >"$T/bin/mbhost.new"
chmod +x "$T/bin/mbhost.new" && mv "$T/bin/mbhost.new" "$T/bin/mbhost"
touch "$T/go-on"
wait "$pid" || fail "the build failed after mbhost was replaced: $(cat "$T/out.log")"
[ "$("$T/out/linux/amd64/hello")" = "hello from linux/amd64 (plain)" ] || fail "the program was not built"
pass "a build goes on when the mbhost file is replaced under it"
