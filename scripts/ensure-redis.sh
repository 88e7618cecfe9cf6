#!/usr/bin/env bash
# For `make run`: makes sure the Redis the service will use answers, starting a local redis-server in
# the background when none does. Which Redis, by the service's precedence: the environment, then the
# config file (RS_CONFIG), then the defaults (127.0.0.1:6379). A Redis URL or sentinels name a Redis
# this script does not manage.
set -euo pipefail
read -r host port given_elsewhere < <(python3 - "${RS_CONFIG:-}" <<'PY'
import json, os, sys
try:
    config = json.load(open(sys.argv[1])) if sys.argv[1] else {}
except (OSError, ValueError):
    config = {}  # the service itself says what is wrong with the file
config = config if isinstance(config, dict) else {}
def setting(variable, key, default):
    return os.environ.get(variable) or (str(config[key]) if config.get(key) is not None else default)
elsewhere = any(os.environ.get(variable) for variable in ("RS_REDISURL", "RS_SENTINELS")) or \
    any(config.get(key) for key in ("redisUrl", "sentinels"))
print(setting("RS_REDISHOST", "redisHost", "127.0.0.1"), setting("RS_REDISPORT", "redisPort", "6379"), int(elsewhere))
PY
)
if [ "$given_elsewhere" = 1 ]; then
  exit 0
fi
if redis-cli -h "$host" -p "$port" ping >/dev/null 2>&1; then
  exit 0
fi
case "$host" in
  127.0.0.1|localhost|::1) ;;
  *) echo "ensure-redis: no Redis answers at $host:$port and it is not local; start it or change redisHost" >&2; exit 1 ;;
esac
echo "ensure-redis: starting a local redis-server on port $port"
redis-server --port "$port" --bind 127.0.0.1 --daemonize yes --logfile "${TMPDIR:-/tmp}/rest-sessions-redis.log"
for _ in $(seq 1 100); do
  redis-cli -h "$host" -p "$port" ping >/dev/null 2>&1 && exit 0
  sleep 0.05
done
echo "ensure-redis: redis-server did not answer on port $port" >&2
exit 1
