# Interrupts and timeouts, with the C toolchain's make mode and a Makefile
# that waits (fixtures/slow-c-make):
# - SIGINT / SIGTERM during the build stop every child process group (a
#   step that ignores SIGTERM is killed after the grace period), remove the
#   staging folders, leave the output folder as it was; exit 130 / 143;
#   the summary table says `interrupted` for the targets cut off, `ok` for
#   one that had finished, `skipped` for one that never started;
# - SIGINT during the export: what `local` wrote is rolled back; a failing
#   exporter later in the chain rolls it back too;
# - [project] timeout stops a target that runs over, reported as timed out.
source "$MBHOST_SOURCE_DIR/tests/lib.sh"

src=$(copy_fixture slow-c-make)
build_test_plugin stall_exporter
# An output folder from an earlier release: it must survive every failure.
mkdir -p "$T/out/linux/amd64"
echo "release 1" >"$T/out/linux/amd64/hello"
echo '{"old": true}' >"$T/out/artifacts.json"
before=$(tree_digest "$T/out")

write_ini() { # AMD64_MODE ARM64_MODE [more lines]
  cat >"$T/build.ini" <<INI
[project]
name = slow
source = slow-c-make
output = out
${3:-}

[matrix]
os = linux
arch = amd64, arm64

[toolchain]
use = c
mode = make
make_args = PIDS=$T/pids
outputs = hello

[target linux/amd64]
make_args = PIDS=$T/pids MODE=$1

[target linux/arm64]
make_args = PIDS=$T/pids MODE=$2
${4:-}
INI
}

# wait_for FILE LINES: until FILE has LINES lines (the steps have started).
wait_for() {
  for _ in $(seq 600); do
    [ -f "$1" ] && [ "$(wc -l <"$1")" -ge "$2" ] && return 0
    sleep 0.1
  done
  fail "$1 never reached $2 lines"
}

# A process that is gone or a zombie no longer runs anything.
expect_stopped() {
  for pid in $(cat "$T/pids"); do
    state=$(ps -o stat= -p "$pid" 2>/dev/null || true)
    [ -z "$state" ] || [[ "$state" == Z* ]] || fail "process $pid survived ($state)"
  done
}

expect_untouched() {
  [ "$(tree_digest "$T/out")" = "$before" ] || fail "$1: the output folder changed: $(find "$T/out")"
  # A target restored from the cache keeps its staging folder, which
  # holds only hard links of the entry's files: anything else is left over.
  local entries leftovers
  entries=$(find "$XDG_CACHE_HOME/mbhost/actions" -type f -path '*/files/*' -printf '%i\n' 2>/dev/null | sort -u || true)
  leftovers=$(find "$XDG_CACHE_HOME/mbhost/projects" -path '*/staging/*' -type f -printf '%i %p\n' |
    while read -r ino path; do grep -qx "$ino" <<<"$entries" || echo "$path"; done)
  [ -z "$leftovers" ] || fail "$1: staging left behind: $leftovers"
}

# interrupt SIGNAL EXPECTED_EXIT PIDS_LINES [JOBS]
interrupt() {
  rm -f "$T/pids" "$T/marker"
  "$MBHOST" --config "$T/build.ini" --plugin-dir "$T/plugins" -j "${4:-2}" >"$T/log" 2>&1 &
  local pid=$! rc=0
  if [ "$3" = marker ]; then
    for _ in $(seq 600); do
      [ -f "$T/marker" ] || ! kill -0 "$pid" 2>/dev/null && break
      sleep 0.1
    done
    [ -f "$T/marker" ] || { cat "$T/log" >&2; fail "the export never began"; }
  else
    wait_for "$T/pids" "$3"
  fi
  kill -s "$1" "$pid"
  wait "$pid" || rc=$?
  OUT=$(cat "$T/log")
  [ "$rc" = "$2" ] || { echo "$OUT" >&2; fail "$1: exit $rc, expected $2"; }
}

write_ini slow stubborn
interrupt INT 130 2
expect_output "interrupted: every build was stopped"
expect_output "^target +status +time +cache +outputs"
expect_output "^linux/amd64 +interrupted +[0-9.]+s "
expect_output "^linux/arm64 +interrupted +[0-9.]+s "
grep -q skipped <<<"$OUT" && { echo "$OUT" >&2; fail "a target cut off is reported as skipped"; }
expect_stopped
expect_untouched SIGINT
pass "SIGINT during the build: every process stopped (SIGKILL for the stubborn one), exit 130, output untouched, summary says interrupted"

# -j 2 and a third target: when the step that needed no jobserver token
# ends first, the next step takes its place instead of waiting for the
# token a long step holds, so both slow targets run (2 pid lines).
write_ini fast slow "" "[target windows/amd64]
make_args = PIDS=$T/pids MODE=slow"
sed -i 's#^arch = amd64, arm64$#&\ninclude = windows/amd64#' "$T/build.ini"
interrupt INT 130 2
expect_output "^linux/amd64 +ok +[0-9.]+s +miss +hello "
expect_output "^linux/arm64 +interrupted "
expect_output "^windows/amd64 +interrupted "
expect_stopped
expect_untouched "SIGINT with three targets"
pass "-j 2: a step takes the token-free slot another step left"

# -j 1: the second target never starts, so it is skipped, not interrupted.
write_ini slow slow
interrupt TERM 143 1 1
expect_output "^linux/(amd|arm)64 +interrupted "
expect_output "^linux/(amd|arm)64 +skipped +0.0s "
expect_stopped
expect_untouched SIGTERM
pass "SIGTERM during the build: exit 143, output untouched, one target interrupted, one skipped"

write_ini fast fast "" "[export]
use = local, stall
[export.stall]
marker = $T/marker"
interrupt INT 130 marker
expect_output "export interrupted: every file it wrote was put back"
expect_untouched "SIGINT during the export"
pass "SIGINT during the export: what local wrote is rolled back"

write_ini fast fast "" "[export]
use = local, stall
[export.stall]
mode = fail"
run_mbhost 1 --config "$T/build.ini" --plugin-dir "$T/plugins"
expect_output "failing on purpose"
expect_output "export failed: every file it wrote was put back"
expect_untouched "a failed export"
pass "a failed exporter later in the chain: local's files are rolled back"

rm -f "$T/pids"
write_ini fast stubborn "timeout = 3s"
run_mbhost 1 --config "$T/build.ini" --keep-going
expect_output "linux/arm64 +timed_out"
expect_output "linux/amd64 +ok"
expect_stopped
python3 - "$T/out/artifacts.json" <<'PY' || fail "artifacts.json does not report the timeout"
import json, sys
targets = {t["target"]: t for t in json.load(open(sys.argv[1]))["targets"]}
assert targets["linux/arm64"]["status"] == "timed_out", targets
assert "timed out after 3s" in targets["linux/arm64"]["reason"], targets
assert targets["linux/amd64"]["status"] == "ok", targets
PY
pass "[project] timeout: the stubborn target is killed and reported as timed out"
