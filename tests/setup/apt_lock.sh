# scripts/setup.sh while another process holds dpkg's lock (as an
# unattended upgrade would): it says it is waiting, keeps waiting instead of
# failing with apt's "Could not get lock", and succeeds once the lock is
# released. MBHOST_SETUP_ALWAYS_APT=1 makes it call apt-get although
# nothing is missing (an install that upgrades nothing). Needs root: the
# lock files are root's (skipped otherwise).
source "$MBHOST_SOURCE_DIR/tests/lib.sh"

[ "$(id -u)" = 0 ] || { echo "skipped: needs root to take dpkg's lock"; exit 77; }
lock=/var/lib/dpkg/lock-frontend

# The holder takes the lock as apt does (fcntl, which `flock` does not
# take), says so, and keeps it until it is killed.
python3 - "$lock" >"$T/holder" <<'PY' &
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o640)
fcntl.lockf(fd, fcntl.LOCK_EX)
print("held", flush=True)
while True:
    time.sleep(60)
PY
holder=$!
trap 'kill "$holder" 2>/dev/null || true; rm -rf "$T"' EXIT
for _ in $(seq 600); do grep -q held "$T/holder" && break; sleep 0.1; done
grep -q held "$T/holder" || fail "the holder never took $lock"

MBHOST_SETUP_ALWAYS_APT=1 "$MBHOST_SOURCE_DIR/scripts/setup.sh" >"$T/setup" 2>&1 &
setup=$!
for _ in $(seq 600); do grep -q "waiting for the apt/dpkg lock" "$T/setup" && break; sleep 0.1; done
grep -qE "^setup: waiting for the apt/dpkg lock, held by process $holder \(python3\)" "$T/setup" ||
  { cat "$T/setup" >&2; fail "setup.sh did not say it is waiting for the lock"; }
kill -0 "$setup" 2>/dev/null || { cat "$T/setup" >&2; fail "setup.sh gave up while the lock was held"; }
pass "setup.sh says it waits while dpkg's lock is held, and keeps waiting"

kill "$holder"
wait "$holder" 2>/dev/null || true
rc=0
wait "$setup" || rc=$?
OUT=$(cat "$T/setup")
[ "$rc" = 0 ] || { echo "$OUT" >&2; fail "setup.sh exited $rc after the lock was released"; }
expect_output "^setup: the apt/dpkg lock is free \(waited [0-9]+s\)$"
expect_output "^setup: ready$"
grep -q "Could not get lock" <<<"$OUT" && { echo "$OUT" >&2; fail "apt's raw lock error"; }
pass "once the lock is released, setup.sh runs apt-get and succeeds"
