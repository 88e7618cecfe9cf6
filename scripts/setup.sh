#!/usr/bin/env bash
# Installs the Debian packages a target needs, only those missing.
# Usage: scripts/setup.sh run|test|bench|fuzz
# As root it runs apt-get; otherwise it names the missing packages and stops.
set -euo pipefail

profile=${1:-run}
# What the Swift toolchain needs from Debian (swift.org's list for Debian 12), for a machine where
# Swift was unpacked from its tarball; the Dockerfile's builder image (swift:*-bookworm) has them.
# python3 reads the config file for scripts/ensure-redis.sh.
toolchain=(binutils git gcc libc6-dev libstdc++-12-dev libcurl4-openssl-dev libedit-dev libicu-dev libncurses-dev
  libpython3-dev libsqlite3-dev libxml2-dev pkg-config tzdata uuid-dev python3)
# What `make run` needs is also what the Dockerfile's builder stage installs: keep them in step.
packages=("${toolchain[@]}" libhiredis-dev redis-server redis-tools)
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
  echo "setup: no 'swift' on PATH; Debian bookworm does not package it: unpack Swift 6.1 or newer from" >&2
  echo "setup: https://www.swift.org/install/linux/ (the Debian 12 tarball) and put its usr/bin on PATH" >&2
  exit 1
fi
