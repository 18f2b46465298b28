# No orphans (docs/security.md): a SIGKILL of mbhost, or of its whole
# process group, stops every process of the build it was running within a
# few seconds (each step's supervisor stops its group when mbhost dies).
# The build is make running a shell loop that appends to a file; its argv
# carries a marker no other process has.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"

mkdir -p "$T/src"
cat >"$T/src/Makefile" <<'MAKE'
hello:
	while :; do date >> $(TICKS); sleep 0.2; done # $(MARKER)
MAKE
cat >"$T/build.ini" <<INI
[project]
name = orphans
source = src
output = dist

[matrix]
os = linux
arch = amd64

[toolchain]
use = c
mode = make
outputs = hello
INI

# kill_build HOW: starts a build, kills mbhost as HOW says once the loop
# runs, then expects every process with the marker gone and the file
# no longer growing.
kill_build() {
  local marker="mbhost-orphan-$$-$RANDOM$RANDOM" ticks="$T/ticks-$1"
  setsid "$MBHOST" --config "$T/build.ini" -q \
    --set "toolchain.make_args=TICKS=$ticks MARKER=$marker" >"$T/log" 2>&1 &
  local pid=$!
  for _ in $(seq 600); do
    [ -f "$ticks" ] && [ "$(wc -l <"$ticks")" -ge 2 ] && break
    sleep 0.1
  done
  [ -f "$ticks" ] || { cat "$T/log" >&2; fail "$1: the build never started"; }
  pgrep -f "$marker" >/dev/null || fail "$1: no process carries the marker"
  if [ "$1" = group ]; then kill -9 -- "-$pid"; else kill -9 "$pid"; fi
  wait "$pid" 2>/dev/null || true
  for _ in $(seq 100); do
    pgrep -f "$marker" >/dev/null || break
    sleep 0.1
  done
  if pgrep -f "$marker" >/dev/null; then
    pgrep -af "$marker" >&2
    pkill -9 -f "$marker"
    fail "$1: build processes outlived mbhost"
  fi
  local size
  size=$(wc -c <"$ticks")
  sleep 0.5
  [ "$(wc -c <"$ticks")" = "$size" ] || fail "$1: the file still grows"
  pass "SIGKILL of mbhost ($1): no build process left"
}

kill_build process
kill_build group

# The next run is not held up by the dead one: a fast build exports.
printf 'hello:\n\tprintf "int main(void) { return 0; }\\n" | $(CC) -x c -o $@ -\n' >"$T/src/Makefile"
run_mbhost 0 --config "$T/build.ini" -q
[ -f "$T/dist/linux/amd64/hello" ] || fail "the next run exported nothing"
pass "the next run builds and exports"
