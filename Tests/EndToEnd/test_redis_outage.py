"""Redis going away and coming back under a running service, a service started before Redis, a
Redis still loading its data set, and a Redis out of memory."""
import re

from api import age_session, create, expect_error, expect_json, get, kill, set_data
from processes import EVENT_DEADLINE_SECONDS, QUICK_ANSWER_SECONDS, free_port, wait_until
from resp import RedisReplyError, RespClient
from test_operations import metric_value

SECONDS_TO_RECOVER = 20  # reconnect back-off is at most 0.5 s; generous for a loaded 2-core machine
# Redis sleeps KEY_LOAD_DELAY_MICROSECONDS per key it loads (a hidden test setting), so the fillers
# alone would keep it LOADING for at least 15 s: the test ends the loading itself once it has looked,
# so the window neither closes early on a slow machine nor lasts longer than the test needs.
FILLER_KEYS = 50_000
KEY_LOAD_DELAY_MICROSECONDS = 300
LOOPS = 2


def expect_unavailable_everywhere(service, app, token):
    quick = QUICK_ANSWER_SECONDS  # a Redis that is away must fail fast: well within the service's deadline
    for method, target, body in (("PUT", f"/{app}/create/u1?ip=1", None), ("GET", f"/{app}/get/{token}", None),
                                 ("POST", f"/{app}/set/{token}", '{"a":1}'), ("DELETE", f"/{app}/kill/{token}", None),
                                 ("GET", f"/{app}/activity?dt=60", None), ("GET", f"/{app}/soapp?dt=60", None),
                                 ("GET", f"/{app}/soid/u1", None), ("DELETE", f"/{app}/killsoid/u1", None),
                                 ("DELETE", f"/{app}/killall", None), ("GET", "/ping", None)):
        expect_error(service.request(method, target, body, timeout=quick), 503, "redisUnavailable")
    expect_error(service.request("GET", f"/ab/get/{token}", timeout=quick), 400, "invalidFormat")


def wait_for_ping(service):
    wait_until(lambda: service.request("GET", "/ping").status == 200, SECONDS_TO_RECOVER, "/ping to answer 200")


def test_redis_going_away_gives_503_and_the_service_recovers_without_restart(launcher, redis_server_factory, app):
    server = redis_server_factory()
    service = launcher.start(redis_port=server.port)
    token = create(service, app)
    server.kill()
    first = service.request("GET", f"/{app}/get/{token}", timeout=QUICK_ANSWER_SECONDS)
    expect_error(first, 503, "redisUnavailable")
    expect_unavailable_everywhere(service, app, token)

    redis_server_factory(port=server.port)
    wait_for_ping(service)
    expect_json(get(service, app, token), 200, "{}")  # the new Redis is empty
    token = create(service, app, body='{"back":true}')
    assert expect_json(get(service, app, token), 200)["d"] == {"back": True}
    expect_json(kill(service, app, token), 200, '{"kill":1}')


def test_service_starts_without_redis_and_serves_once_it_appears(launcher, redis_server_factory, app):
    port = free_port()
    service = launcher.start(redis_port=port)
    expect_unavailable_everywhere(service, app, "C" * 64)
    redis_server_factory(port=port)
    wait_for_ping(service)
    token = create(service, app)
    expect_json(set_data(service, app, token, '{"n":1}'), 200)


def redis_is_loading(server):
    try:
        with RespClient("127.0.0.1", server.port) as redis:
            redis.command("PING")
    except RedisReplyError as error:
        if str(error).startswith("LOADING "):
            return True
        raise
    return False


def is_loading_refusal(line):
    return "Redis refused to preload the scripts" in line and "error=LOADING " in line


def log_since_refused_preload(service):
    """The service's log lines from its first SCRIPT LOAD refused with LOADING on (None before)."""
    lines = service.log.splitlines()
    first = next((index for index, line in enumerate(lines) if is_loading_refusal(line)), None)
    return None if first is None else lines[first:]


def refusals_by_connection(service):
    """How many LOADING refusals each Redis connection of the service logged, by its label."""
    labels = [re.search(r"redis\.connection=(\S+)", line).group(1)
              for line in service.log.splitlines() if is_loading_refusal(line)]
    return {label: labels.count(label) for label in labels}


def test_redis_loading_its_data_gives_503_then_serves_its_sessions_without_restart(launcher, redis_server_factory, app):
    server = redis_server_factory()
    # Two loops, so two command connections, each refused on its own.
    connected = launcher.start(redis_port=server.port, RS_THREADS=LOOPS)
    token = create(connected, app, body='{"kept":"in the RDB"}')
    with RespClient("127.0.0.1", server.port) as redis:
        redis.command("EVAL", "for i = 1, tonumber(ARGV[1]) do redis.call('SET', 'filler:' .. i, i) end",
                      0, FILLER_KEYS)
        redis.command("SAVE")
    server.kill()
    # Events are handled every KB loaded: Redis answers LOADING meanwhile instead of nothing at all.
    server.extra_arguments = ["--key-load-delay", str(KEY_LOAD_DELAY_MICROSECONDS),
                              "--loading-process-events-interval-bytes", "1024"]
    server.start(wait_for_data=False)
    assert redis_is_loading(server)
    # Connects for the first time at start-up, where `connected` reconnects.
    starting = launcher.start(redis_port=server.port, RS_NAMESPACE=connected.namespace, RS_THREADS=LOOPS)
    services = (connected, starting)
    for service in services:
        # Its connections are up with the preload refused: the 503s below come from LOADING
        # replies, not from a connection that is still down.
        wait_until(lambda: len(refusals_by_connection(service)) == LOOPS, EVENT_DEADLINE_SECONDS,
                   "a preload refused with LOADING on every connection")
        expect_unavailable_everywhere(service, app, token)
    # Loading never starts again once over: LOADING before and after the 503s means throughout them.
    assert redis_is_loading(server), "Redis finished loading before the test ended it: raise FILLER_KEYS"

    with RespClient("127.0.0.1", server.port) as redis:   # CONFIG SET is served while loading
        redis.command("CONFIG", "SET", "key-load-delay", "0")
    wait_until(lambda: not redis_is_loading(server), EVENT_DEADLINE_SECONDS, "Redis to finish loading")
    # No waiting for recovery from here: the connections made while Redis loaded stayed up, so the
    # first request must work.
    for service in services:
        ping = service.request("GET", "/ping")
        assert (ping.status, ping.text) == (200, "PONG"), ping
        # Also shows that the kill, killsoid and killall refused while loading were never applied.
        assert expect_json(get(service, app, token), 200).get("d") == {"kept": "in the RDB"}
        fresh = create(service, app, body='{"n":1}')
        expect_json(set_data(service, app, fresh, '{"n":2}'), 200)
        assert expect_json(get(service, app, fresh), 200)["d"] == {"n": 2}
        expect_json(kill(service, app, fresh), 200, '{"kill":1}')
        since_refusal = log_since_refused_preload(service)
        reconnects = [line for line in since_refusal
                      if "Lost the connection to Redis" in line or "Cannot connect to Redis" in line]
        assert not reconnects, "a preload refused with LOADING must not cost the connection"
        # Every script was refused; each connection says so once, not once per script.
        assert refusals_by_connection(service) == {str(index): 1 for index in range(LOOPS)}, since_refusal


def logged_refusals(service):
    """The `refusals=N` of each `Redis refuses commands` line in the service's log."""
    return [int(re.search(r"refusals=(\d+)", line).group(1))
            for line in service.log.splitlines() if "Redis refuses commands" in line]


def test_redis_out_of_memory_gives_503_on_writes_logged_once_and_serves_again_once_it_has_room(
        launcher, redis_server_factory, app):
    server = redis_server_factory()
    service = launcher.start(redis_port=server.port)
    token = create(service, app, body='{"kept":1}')
    other = create(service, app, user_id="user2")
    expired = create(service, app, user_id="user3")
    refused_creates = 200
    with RespClient("127.0.0.1", server.port) as redis:
        age_session(redis, service.namespace, app, expired, "user3", 10 * 86400)
        # noeviction is Redis's default policy: under a 1-byte maxmemory it refuses what adds data (OOM).
        redis.command("CONFIG", "SET", "maxmemory", "1")
        for number in range(refused_creates):
            expect_error(service.request("PUT", f"/{app}/create/u{number}?ip=1"), 503, "redisUnavailable",
                         "Redis is unavailable")
        # A get counts the read and a set writes: both refused, and neither half-done.
        expect_error(get(service, app, token), 503, "redisUnavailable")
        expect_error(set_data(service, app, token, '{"n":2}'), 503, "redisUnavailable")
        # What only reads, and what frees memory, Redis still serves.
        assert expect_json(service.request("GET", f"/{app}/get/{token}?touch=false"), 200)["d"] == {"kept": 1}
        expect_json(kill(service, app, other), 200, '{"kill":1}')
        # So does the wipe: an instance started now wipes without the lock Redis refuses it.
        launcher.start(redis_port=server.port, RS_NAMESPACE=service.namespace)
        wait_until(lambda: redis.command("EXISTS", f"{service.namespace}:{app}:{expired}") == 0,
                   EVENT_DEADLINE_SECONDS, "the wipe to remove the expired session")
        redis.command("CONFIG", "SET", "maxmemory", "0")

    session = expect_json(service.request("GET", f"/{app}/get/{token}?touch=false"), 200)
    assert (session["d"], session["r"]) == ({"kept": 1}, 1), "the refused get and set changed nothing"
    fresh = create(service, app)  # at once: the connection never went away
    expect_json(kill(service, app, fresh), 200, '{"kill":1}')
    # The operator learns why from one line at once and, 10 s later, one for those held back since;
    # the API logs no "request failed" of its own for them.
    refused = refused_creates + 2
    assert logged_refusals(service)[0] == 1
    assert "error=OOM " in next(line for line in service.log.splitlines() if "Redis refuses commands" in line)
    wait_until(lambda: sum(logged_refusals(service)) == refused, 15, "the held-back refusals to be logged")
    assert len(logged_refusals(service)) == 2
    assert not [line for line in service.log.splitlines() if "request failed" in line]
    metrics = service.request("GET", "/metrics").text
    assert metric_value(metrics, "rest_sessions_redis_errors_total", kind="refused") == refused
    assert metric_value(metrics, "rest_sessions_redis_errors_total", kind="reply") == 0
    assert metric_value(metrics, "rest_sessions_http_requests_total", route="create", status="503") == refused_creates


def test_a_service_pointed_at_a_replica_answers_503_on_writes_and_says_why(launcher, redis_server_factory, app):
    master = redis_server_factory()
    replica = redis_server_factory()
    with RespClient("127.0.0.1", replica.port) as redis:
        redis.command("REPLICAOF", "127.0.0.1", master.port)
    # No wipe: its lock (a SET) would be refused too, and the line must be the create's.
    service = launcher.start(redis_port=replica.port, RS_WIPE=0)
    expect_error(service.request("PUT", f"/{app}/create/u1?ip=1"), 503, "redisUnavailable")
    lines = [line for line in service.log.splitlines() if "Redis refuses commands" in line]
    assert len(lines) == 1 and "error=READONLY " in lines[0] and "refusals=1" in lines[0], service.log
    # Two more within the 10 s are held back; a stop writes them rather than lose them.
    for _ in range(2):
        expect_error(service.request("PUT", f"/{app}/create/u1?ip=1"), 503, "redisUnavailable")
    assert service.stop() == 0
    counts = [int(re.search(r"refusals=(\d+)", line).group(1))
              for line in service.log.splitlines() if "Redis refuses commands" in line]
    assert counts == [1, 2], service.log
