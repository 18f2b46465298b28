# One run per output folder, whatever the project and however the folder is
# written: while a slow build holds $T/dist, a second project exporting
# there, and the same project through a symlink to it, are refused (exit 1)
# and write nothing. Once it is done, the second project runs.
source "$MBHOST_SOURCE_DIR/tests/security/lib.sh"
src=$(copy_fixture slow-c-make)
mkdir -p "$T/dist"
echo "kept" >"$T/dist/previous.txt"
ln -s dist "$T/dist-link"

# project NAME OUTPUT MODE: $T/NAME.ini building slow-c-make.
project() {
  cat >"$T/$1.ini" <<INI
[project]
name = $1
source = slow-c-make
output = $2

[matrix]
os = linux
arch = amd64

[toolchain]
use = c
mode = make
make_args = MODE=$3 PIDS=$T/pids
binary = hello
INI
}
project first dist slow
project second dist fast
project first-link dist-link fast
sed -i 's/^name = first-link/name = first/' "$T/first-link.ini"

"$MBHOST" --config "$T/first.ini" >"$T/first.log" 2>&1 &
first=$!
for _ in $(seq 600); do
  [ -s "$T/pids" ] || ! kill -0 "$first" 2>/dev/null && break
  sleep 0.1
done
[ -s "$T/pids" ] || { cat "$T/first.log" >&2; fail "the slow build never started"; }
before=$(tree_digest "$T/dist")
real=$(realpath "$T/dist")

run_mbhost 1 --config "$T/second.ini" --no-cache
expect_output "error: another mbhost run is exporting to $real \(pid $first, project first, config $T/first.ini\)"
run_mbhost 1 --config "$T/first-link.ini" --no-cache
expect_output "error: another mbhost run is exporting to $real"
run_mbhost 1 --config "$T/second.ini" --output "$T/dist-link/"
expect_output "error: another mbhost run is exporting to $real"
[ "$(tree_digest "$T/dist")" = "$before" ] || fail "the output folder changed: $(find "$T/dist")"
pass "a second project, a symlinked output and --output are refused while the first holds the folder"

kill -TERM "$first"
wait "$first" || true
run_mbhost 0 --config "$T/second.ini"
"$T/dist/linux/amd64/hello" || fail "the second project did not export a program that runs"
[ "$(cat "$T/dist/previous.txt")" = kept ] || fail "a file of the folder was lost"
pass "once the first run is gone the second one runs"

# The lock file names its last holder, written over the previous one's
# longer text and cut to its own length.
project a dist fast
run_mbhost 0 --config "$T/a.ini" --no-cache
lock=$(echo "$T"/cache/mbhost/locks/*)
[ "$(cat "$lock")" = "$(printf 'pid %s, project a, config %s' "$(sed -n 's/^pid \([0-9]*\),.*/\1/p' "$lock")" "$T/a.ini")" ] ||
  fail "the lock file does not name its last holder alone: $(cat "$lock")"
pass "the lock file names its last holder"
