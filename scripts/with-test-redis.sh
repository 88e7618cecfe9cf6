#!/usr/bin/env bash
# Runs a command with a throwaway redis-server on a free loopback port (never 6379), then stops it.
# The command sees RS_TEST_REDIS_URL, RS_TEST_REDIS_PORT and RS_TEST_REDIS_SERVER (the binary, for
# tests that start their own servers, e.g. to restart one under a client).
set -euo pipefail

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

dir=$(mktemp -d "${TMPDIR:-/tmp}/rs-test-redis.XXXXXX")
port=$(free_port)
while [ "$port" = 6379 ]; do port=$(free_port); done

redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
  --dir "$dir" --logfile "$dir/redis.log" --daemonize no &
redis_pid=$!
cleanup() { kill "$redis_pid" 2>/dev/null || true; wait "$redis_pid" 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT INT TERM

for _ in $(seq 1 100); do
  redis-cli -p "$port" ping >/dev/null 2>&1 && break
  sleep 0.05
done
redis-cli -p "$port" ping >/dev/null || { echo "with-test-redis: redis-server did not start" >&2; cat "$dir/redis.log" >&2; exit 1; }

export RS_TEST_REDIS_URL="redis://127.0.0.1:$port"
export RS_TEST_REDIS_PORT="$port"
export RS_TEST_REDIS_SERVER="$(command -v redis-server)"
"$@"
