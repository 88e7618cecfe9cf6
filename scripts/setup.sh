#!/usr/bin/env bash
# Installs the Debian packages a target needs, only those missing.
# Usage: scripts/setup.sh run|test|bench|fuzz
# As root it runs apt-get; otherwise it names the missing packages and stops.
set -euo pipefail

profile=${1:-run}
# What `make run` needs is also what the Dockerfile's builder stage installs: keep them in step.
packages=(libhiredis-dev redis-server redis-tools)
case "$profile" in
  run) ;;
  test) packages+=(curl python3 python3-venv php-cli php-curl default-jdk-headless nginx redis-sentinel) ;;
  bench) packages+=(wrk curl python3 linux-perf) ;;  # perf: bench-profile, bench-compare, bench-allocations
  fuzz) packages+=(libclang-rt-14-dev) ;;
  *) echo "setup.sh: unknown profile '$profile' (run, test, bench, fuzz)" >&2; exit 2 ;;
esac

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "setup: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: missing Debian packages: ${missing[*]}" >&2
    echo "setup: run as root, or: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

if ! command -v swift >/dev/null 2>&1; then
  echo "setup: no 'swift' on PATH; install Swift 6.1 or newer (swift.org) and put its bin/ on PATH" >&2
  exit 1
fi
