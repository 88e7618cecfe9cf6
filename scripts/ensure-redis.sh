#!/usr/bin/env bash
# For `make run`: makes sure a Redis answers at RS_REDISHOST:RS_REDISPORT (default 127.0.0.1:6379),
# starting a local redis-server in the background when none does.
set -euo pipefail
host=${RS_REDISHOST:-127.0.0.1}
port=${RS_REDISPORT:-6379}
if redis-cli -h "$host" -p "$port" ping >/dev/null 2>&1; then
  exit 0
fi
case "$host" in
  127.0.0.1|localhost|::1) ;;
  *) echo "ensure-redis: no Redis answers at $host:$port and it is not local; start it or set RS_REDISHOST" >&2; exit 1 ;;
esac
echo "ensure-redis: starting a local redis-server on port $port"
redis-server --port "$port" --bind 127.0.0.1 --daemonize yes --logfile "${TMPDIR:-/tmp}/rest-sessions-redis.log"
for _ in $(seq 1 100); do
  redis-cli -h "$host" -p "$port" ping >/dev/null 2>&1 && exit 0
  sleep 0.05
done
echo "ensure-redis: redis-server did not answer on port $port" >&2
exit 1
