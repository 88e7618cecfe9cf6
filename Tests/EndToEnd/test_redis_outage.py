"""Redis going away and coming back under a running service, and a service started before Redis."""
from api import create, expect_error, expect_json, get, kill, set_data
from processes import free_port, wait_until

SECONDS_TO_RECOVER = 20  # reconnect back-off is at most 2 s; generous for a loaded 2-core machine


def expect_unavailable_everywhere(service, app, token):
    quick = 5  # a Redis that is away must fail fast: well within the client's patience
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
    first = service.request("GET", f"/{app}/get/{token}", timeout=5)
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
