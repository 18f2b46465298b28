#!/usr/bin/env bash
# apt-get for the set-up scripts, as root or with sudo, non-interactive, and
# patient: while another apt or dpkg (an unattended upgrade, another set-up)
# holds one of their locks, it says which process and waits, up to 10
# minutes, instead of failing at once with apt's "Could not get lock".
# Its own messages go to stderr: callers silence apt's stdout.
#   scripts/apt.sh install -y -qq --no-install-recommends PACKAGE...
set -euo pipefail

WAIT_SECONDS=600
# The locks apt-get takes (fcntl locks: `flock` does not see them).
LOCKS=(/var/lib/dpkg/lock-frontend /var/lib/dpkg/lock /var/lib/apt/lists/lock
  /var/cache/apt/archives/lock)

# lock_holder: the pid of a process holding one of LOCKS, or nothing.
# /proc/locks names a file by device and inode; the inode is enough here.
lock_holder() {
  local f
  for f in "${LOCKS[@]}"; do
    [ -e "$f" ] || continue
    # Lines with "->" are processes waiting for a lock, not holding one.
    awk -v ino="$(stat -c %i "$f")" \
      '$2 != "->" { split($6, id, ":"); if (id[3] == ino) { print $5; exit } }' /proc/locks
  done | head -n 1
}

waited=0
while holder=$(lock_holder) && [ -n "$holder" ]; do
  if [ "$waited" = 0 ]; then
    echo "setup: waiting for the apt/dpkg lock, held by process $holder" \
      "($(ps -o comm= -p "$holder" 2>/dev/null || echo gone)); at most $((WAIT_SECONDS / 60)) minutes" >&2
  fi
  if [ "$waited" -ge "$WAIT_SECONDS" ]; then
    echo "setup: error: the apt/dpkg lock is still held by process $holder after" \
      "$((WAIT_SECONDS / 60)) minutes; let it finish (or stop it) and run this again" >&2
    exit 1
  fi
  sleep 1
  waited=$((waited + 1))
done
[ "$waited" = 0 ] || echo "setup: the apt/dpkg lock is free (waited ${waited}s)" >&2

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
# The lock can still be taken between the check and apt-get: apt waits too.
exec $SUDO env DEBIAN_FRONTEND=noninteractive \
  apt-get -o DPkg::Lock::Timeout="$WAIT_SECONDS" "$@"
