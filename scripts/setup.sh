#!/usr/bin/env bash
# Installs what mbhost needs on Debian 12 (as root, or with sudo). Safe to
# run again: it installs only what is missing.
#   scripts/setup.sh          build dependencies (scripts/packages/core.txt)
#   scripts/setup.sh --test   also everything the test suite needs
#                             (the other scripts/packages/*.txt and
#                             scripts/setup.d/*.sh)
# Go and Rust toolchains already on the machine are used as they are;
# Debian's golang-go is installed only when `go` is missing. apt-get runs
# through scripts/apt.sh, which waits while another apt or dpkg holds the
# lock. MBHOST_SETUP_ALWAYS_APT=1 calls apt-get even when nothing is
# missing (an install that upgrades nothing), to check apt and its lock
# (tests/setup/apt_lock.sh).
set -euo pipefail
cd "$(dirname "$0")"

lists=(packages/core.txt)
if [ "${1:-}" = "--test" ]; then lists=(packages/*.txt); fi

mapfile -t packages < <(cat "${lists[@]}" | sed 's/#.*//' | tr -s ' \t' '\n' | grep -v '^$' | sort -u)
command -v go >/dev/null 2>&1 || packages+=(golang-go)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  ./apt.sh update -qq
  ./apt.sh install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
elif [ "${MBHOST_SETUP_ALWAYS_APT:-}" = 1 ]; then
  echo "setup: checking apt (nothing is missing)"
  ./apt.sh install -y -qq --no-upgrade --no-install-recommends "${packages[@]}" >/dev/null
fi

if [ "${1:-}" = "--test" ] && [ -d setup.d ]; then
  for step in setup.d/*.sh; do
    [ -e "$step" ] || continue
    echo "setup: $step ..."
    started=$SECONDS
    bash "$step"
    echo "setup: $step done in $((SECONDS - started))s"
  done
fi
echo "setup: ready"
