#!/usr/bin/env bash
# Installs what mbhost needs on Debian 12 (as root, or with sudo). Safe to
# run again: it installs only what is missing.
#   scripts/setup.sh          build dependencies (scripts/packages/core.txt)
#   scripts/setup.sh --test   also everything the test suite needs
#                             (the other scripts/packages/*.txt and
#                             scripts/setup.d/*.sh)
# Go and Rust toolchains already on the machine are used as they are;
# Debian's golang-go is installed only when `go` is missing.
set -euo pipefail
cd "$(dirname "$0")"

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

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
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "${1:-}" = "--test" ] && [ -d setup.d ]; then
  for step in setup.d/*.sh; do
    [ -e "$step" ] || continue
    echo "setup: $step"
    bash "$step"
  done
fi
echo "setup: ready"
