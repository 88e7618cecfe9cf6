"""Operating the service: API keys, request ids, /health, /ready, /metrics, /:app/auth, the start-up warning."""
import json
import re

from api import age_session, create, expect_error, expect_json, get, kill, ready_answer, set_data, since, timed
from processes import EVENT_DEADLINE_SECONDS, QUICK_ANSWER_SECONDS, free_port, wait_until
from resp import RespClient
from test_configuration import run_to_exit

ALL_APPS_KEY = "ops-key-all-apps-0123456789"
WEBSHOP_KEY = "ops-key-webshop-only-0123456789"
PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def metric_value(text, name, **labels):
    """The value of one sample of Prometheus text, by name and exact labels; None when absent."""
    wanted = ",".join(f'{key}="{value}"' for key, value in labels.items())
    sample = f"{name}{{{wanted}}}" if labels else name
    for line in text.splitlines():
        if line.startswith(sample + " "):
            return float(line.rsplit(" ", 1)[1])
    return None


def test_api_keys_guard_every_route_but_the_probes(launcher, tmp_path):
    keys_file = tmp_path / "keys"
    keys_file.write_text(f"# operators\n\n{ALL_APPS_KEY}\n")
    keys_file.chmod(0o640)
    service = launcher.start(RS_API_KEYS=f"{WEBSHOP_KEY}:webshop", RS_API_KEYS_FILE=keys_file)
    assert f"API keys file {keys_file} can be read by other users of this host (mode 640)" in service.log
    expect_error(service.request("PUT", "/webshop/create/u1?ip=1"), 401, "unauthorized",
                 "A valid X-Api-Key header is required")
    expect_error(service.request("GET", "/webshop/soid/u1", headers={"X-Api-Key": WEBSHOP_KEY + "x"}), 401,
                 "unauthorized")
    expect_error(service.request("GET", "/crm_app/soid/u1", headers={"X-Api-Key": WEBSHOP_KEY}), 403, "forbidden",
                 "This API key does not open this app")
    expect_error(service.request("GET", "/crm_app/auth", headers={"X-Api-Key": WEBSHOP_KEY}), 403, "forbidden")
    for key, app in ((WEBSHOP_KEY, "webshop"), (ALL_APPS_KEY, "webshop"), (ALL_APPS_KEY, "crm_app")):
        created = service.request("PUT", f"/{app}/create/u1?ip=1", headers={"X-Api-Key": key})
        token = expect_json(created, 200)["token"]
        expect_json(service.request("DELETE", f"/{app}/kill/{token}", headers={"X-Api-Key": key}), 200, '{"kill":1}')
    expect_error(service.request("GET", "/nowhere"), 401, "unauthorized")
    for path in ("/ping", "/health", "/metrics"):
        assert service.request("GET", path).status == 200, path
    ready_answer(service)
    wait_until(lambda: "apiKeys=2 required" in service.log, EVENT_DEADLINE_SECONDS, "the start-up line to count the keys")


def test_invalid_api_keys_stop_start_up_without_showing_them():
    code, stderr = run_to_exit(RS_API_KEYS="short-secret,x")
    assert code == 2, stderr
    assert "RS_API_KEYS (value not shown)" in stderr and "entry 1: a key has 16 to 256 characters" in stderr, stderr
    assert "short-secret" not in stderr


def test_every_answer_carries_a_request_id_shown_in_the_access_log(service, app):
    given = service.request("GET", "/health", headers={"X-Request-Id": "edge-7f3a9c"})
    assert given.headers["X-Request-Id"] == "edge-7f3a9c"
    generated = {service.request("GET", f"/{app}/get/short").headers["X-Request-Id"] for _ in range(3)}
    generated.add(service.request("GET", "/nowhere", headers={"X-Request-Id": "bad id"}).headers["X-Request-Id"])
    assert len(generated) == 4 and all(re.fullmatch(r"[\x21-\x7e]{1,128}", rid) for rid in generated), generated
    wait_until(lambda: "request-id=edge-7f3a9c" in service.log, EVENT_DEADLINE_SECONDS, "the access line with the request id")
    line = next(line for line in service.log.splitlines() if "request-id=edge-7f3a9c" in line)
    assert re.search(r"GET /health 200 \d+\.\d{3}ms$", line), line


def test_an_unexpected_failure_is_logged_once_a_cause_with_its_route_and_request_id(launcher, redis, app):
    service = launcher.start()
    token = create(service, app, body='{"a":1}')
    # Stored data no service would write: the set's merge cannot read it.
    redis.command("HSET", f"{service.namespace}:{app}:{token}", "d", "[1]")
    response = set_data(service, app, token, '{"b":2}')
    expect_error(response, 500, "internalError", "An unexpected error occurred")
    assert "flat JSON" not in response.text, "the cause stays out of the answer"
    # The same cause again within 10 s: answered alike, counted, not logged again.
    for _ in range(4):
        expect_error(set_data(service, app, token, '{"b":2}'), 500, "internalError")
    errors = [line for line in service.log.splitlines() if " error " in line]
    assert len(errors) == 1, errors
    assert "request failed" in errors[0] and "stored d is not a flat JSON object" in errors[0] and "failures=1" in errors[0]
    assert f"request-id={response.headers['X-Request-Id']}" in errors[0] and "route=set" in errors[0]
    metrics = service.request("GET", "/metrics").text
    assert metric_value(metrics, "rest_sessions_http_requests_total", route="set", status="500") == 5


def test_ready_says_in_the_log_why_redis_does_not_answer_its_ping(launcher, redis_server_factory):
    server = redis_server_factory()
    with RespClient("127.0.0.1", server.port) as redis:
        redis.command("ACL", "SETUSER", "service", "on", ">secret", "~*", "&*", "+@all", "-ping")
    service = launcher.start(RS_REDISURL=f"redis://service:secret@127.0.0.1:{server.port}")
    response = service.request("GET", "/ready")
    expect_json(response, 503, '{"status":"unavailable"}')
    failures = [line for line in service.log.splitlines() if "readiness check failed" in line]
    assert len(failures) == 1 and "NOPERM" in failures[0], service.log


def test_failure_lines_held_back_are_written_when_the_service_stops(launcher, redis_server_factory):
    server = redis_server_factory()
    with RespClient("127.0.0.1", server.port) as redis:
        redis.command("ACL", "SETUSER", "service", "on", ">secret", "~*", "&*", "+@all", "-ping")
    service = launcher.start(RS_REDISURL=f"redis://service:secret@127.0.0.1:{server.port}")
    for _ in range(3):
        expect_json(service.request("GET", "/ready"), 503, '{"status":"unavailable"}')
    assert service.stop() == 0
    counts = [int(re.search(r"failures=(\d+)", line).group(1))
              for line in service.log.splitlines() if "readiness check failed" in line]
    assert sum(counts) == 3 and len(counts) == 2, service.log


def test_health_and_ready_while_redis_answers(service):
    expect_json(service.request("GET", "/health"), 200, '{"status":"ok"}')
    expect_json(ready_answer(service), 200, '{"status":"ready"}')


def test_ready_is_503_while_redis_is_away_but_health_stays_200(launcher):
    service = launcher.start(redis_port=free_port())
    expect_json(service.request("GET", "/health"), 200, '{"status":"ok"}')
    expect_json(service.request("GET", "/ready", timeout=QUICK_ANSWER_SECONDS), 503, '{"status":"unavailable"}')


def test_metrics_count_requests_sessions_and_unknown_tokens(launcher, app):
    service = launcher.start()
    tokens = [create(service, app, user_id=f"user{index}") for index in range(3)]
    get(service, app, tokens[0])
    unknown = "U" * 64
    expect_json(get(service, app, unknown), 200, "{}")
    expect_json(kill(service, app, unknown), 200, '{"kill":0}')
    expect_json(kill(service, app, tokens[1]), 200, '{"kill":1}')
    assert service.request("GET", f"/{app}/auth", headers={"X-Session-Token": unknown}).status == 401
    assert service.request("GET", "/nowhere").status == 404
    expect_json(service.request("POST", f"/{app}/rotate/{tokens[2]}"), 200)
    expect_json(service.request("POST", f"/{app}/rotate/{tokens[2]}"), 200, "{}")
    response = service.request("GET", "/metrics")
    assert response.status == 200 and response.content_type == PROMETHEUS_TYPE, response
    text = response.text
    assert metric_value(text, "rest_sessions_sessions_created_total") == 3, text
    assert metric_value(text, "rest_sessions_sessions_killed_total") == 1
    assert metric_value(text, "rest_sessions_sessions_rotated_total") == 1
    for route in ("get", "kill", "auth", "rotate"):
        assert metric_value(text, "rest_sessions_unknown_token_lookups_total", route=route) == 1, route
    assert metric_value(text, "rest_sessions_http_requests_total", route="create", status="200") == 3
    assert metric_value(text, "rest_sessions_http_requests_total", route="unknown", status="404") == 1
    assert metric_value(text, "rest_sessions_http_request_duration_seconds_count", route="get") == 2
    assert metric_value(text, "rest_sessions_redis_command_duration_seconds_count") >= 7
    assert metric_value(text, "rest_sessions_redis_errors_total", kind="timed_out") == 0
    assert metric_value(text, "rest_sessions_http_open_connections") >= 1  # this scrape's own connection
    assert "# TYPE rest_sessions_http_request_duration_seconds histogram" in text


def test_metrics_count_wiped_sessions_and_redis_failures(launcher, redis, app):
    quiet = launcher.start(RS_WIPE=0)
    token = create(quiet, app, ttl=10)
    age_session(redis, quiet.namespace, app, token, "user1", 11)
    # A second instance on the same namespace wipes at start (the first never takes the wipe lock).
    wiping = launcher.start(RS_NAMESPACE=quiet.namespace)
    wait_until(lambda: metric_value(wiping.request("GET", "/metrics").text, "rest_sessions_sessions_wiped_total") == 1,
               EVENT_DEADLINE_SECONDS, "the wipe to be counted")
    away = launcher.start(redis_port=free_port())
    expect_error(away.request("GET", "/ping", timeout=QUICK_ANSWER_SECONDS), 503, "redisUnavailable")
    text = away.request("GET", "/metrics").text
    assert metric_value(text, "rest_sessions_redis_errors_total", kind="not_connected") >= 1, text


def test_auth_reads_the_default_cookie_and_slides_the_session(launcher, redis, app):
    service = launcher.start(RS_AUTH_COOKIE="rs_sid")
    token = create(service, app, user_id="Zoë", ttl=60, body='{"role":"admin","name":"Zoë"}')
    age_session(redis, service.namespace, app, token, "Zoë", 30)
    answer, authenticated = timed(lambda: service.request("GET", f"/{app}/auth?data=true",
                                                          headers={"Cookie": f"theme=dark; rs_sid={token}"}))
    assert answer.status == 204 and answer.body == b"", answer
    assert answer.headers["X-Session-Id"] == "Zo%C3%AB"
    assert answer.headers["X-Session-Data"] == '{"role":"admin","name":"Zo\\u00EB"}'
    assert json.loads(answer.headers["X-Session-Data"]) == {"role": "admin", "name": "Zoë"}
    # The auth was a read and moved la (idle 30) to its now.
    response, read = timed(lambda: get(service, app, token))
    session = expect_json(response, 200)
    assert session["r"] == 2 and session["idle"] in since(read, authenticated), session
    unauthenticated = service.request("GET", f"/{app}/auth", headers={"Cookie": f"other={token}"})
    assert (unauthenticated.status, unauthenticated.body, unauthenticated.content_type) == (401, b"", None)


def test_a_service_beyond_loopback_without_keys_warns_loudly(launcher):
    exposed = launcher.start(["--host", "0.0.0.0"])
    wait_until(lambda: "INSECURE" in exposed.log, EVENT_DEADLINE_SECONDS, "the warning")
    assert "warning" in next(line for line in exposed.log.splitlines() if "INSECURE" in line)
    guarded = launcher.start(["--host", "0.0.0.0"], RS_API_KEYS=ALL_APPS_KEY)
    local = launcher.start()
    # The warning is logged before the port is bound, so a service that answers has logged it if at all.
    assert "INSECURE" not in guarded.log and "INSECURE" not in local.log
