"""Calls and checks shared by the end-to-end tests."""
import json
import re
import time
from urllib.parse import quote, urlencode

from processes import EVENT_DEADLINE_SECONDS, wait_until

JSON_TYPE = "application/json; charset=utf-8"
TEXT_TYPE = "text/plain; charset=utf-8"
TOKEN = re.compile(r"^[A-Za-z0-9]{64}$")


def segment(text):
    return quote(text, safe="")


def create_target(app, user_id, ip="10.0.0.7", ttl=None):
    query = {"ip": ip} if ttl is None else {"ip": ip, "ttl": ttl}
    return f"/{segment(app)}/create/{segment(user_id)}?{urlencode(query)}"


def create(service, app, user_id="user1", ip="10.0.0.7", ttl=None, body=None):
    """Creates a session and returns its token."""
    response = service.request("PUT", create_target(app, user_id, ip, ttl), body)
    payload = expect_json(response, 200)
    assert TOKEN.match(payload["token"]), payload
    return payload["token"]


def create_many(service, app, count, ids=50):
    """count sessions of user0 ... user{ids-1}, each with about 140 bytes of JSON in a listing; their
    tokens, oldest first. 700 of them make a listing of about 98 KB, which the service streams (past
    64 KiB)."""
    padding = "x" * 60
    return [create(service, app, f"user{n % ids}", body=f'{{"n":{n},"pad":"{padding}"}}') for n in range(count)]


def get(service, app, token):
    return service.request("GET", f"/{app}/get/{token}")


def set_data(service, app, token, body, headers=None):
    return service.request("POST", f"/{app}/set/{token}", body, headers)


def kill(service, app, token):
    return service.request("DELETE", f"/{app}/kill/{token}")


def ready_answer(service, headers=None):
    """/ready's 200 answer. It is 200 when Redis answers PING within a second, which a loaded
    machine's Redis now and then does not (503, rightly): asked again until it does, bounded."""
    def answered():
        response = service.request("GET", "/ready", headers=headers)
        return response if response.status == 200 else None
    return wait_until(answered, EVENT_DEADLINE_SECONDS, "/ready to answer 200")


def expect_json(response, status, text=None):
    """Checks status, Content-Type and (optionally) the exact body text; returns the parsed body."""
    assert response.status == status, response
    assert response.content_type == JSON_TYPE, response
    if text is not None:
        assert response.text == text, response
    return json.loads(response.body)


def expect_error(response, status, name, message=None):
    payload = expect_json(response, status)
    assert list(payload) == ["name", "message"], response
    assert payload["name"] == name, response
    if message is not None:
        assert payload["message"] == message, response
    else:
        assert isinstance(payload["message"], str) and payload["message"], response
    return payload


def expect_session(response, pattern):
    """The body must match pattern (a regular expression over the raw text) as a whole."""
    assert response.status == 200, response
    assert response.content_type == JSON_TYPE, response
    assert re.fullmatch(pattern, response.text), f"{response.text!r} does not match {pattern!r}"
    return json.loads(response.body)


def age_session(redis, namespace, app, token, user_id, seconds, now=None):
    """Moves a session's last activity `seconds` before now (or the second `now`, so that sessions
    aged from one base keep their order and distances), everywhere redis-sessions keeps it."""
    key = f"{namespace}:{app}:{token}"
    last_activity = (int(time.time()) if now is None else now) - seconds
    ttl = int(redis.command("HGET", key, "ttl"))
    redis.command("HSET", key, "la", last_activity)
    redis.command("ZADD", f"{namespace}:{app}:_sessions", last_activity, f"{token}:{user_id}")
    redis.command("ZADD", f"{namespace}:{app}:_users", last_activity, user_id)
    redis.command("ZADD", f"{namespace}:SESSIONS", last_activity + ttl, f"{app}:{token}:{user_id}")
    return last_activity


def timed(call):
    """The result of call() and the range the clock was in meanwhile, in whole seconds. The service
    computes idle, ttl and expires_in from Redis's TIME; the test Redis runs on this machine, so its
    TIME is this clock, and a value computed during call() lies within what this range allows,
    however slowly the machine runs."""
    before = int(time.time())
    result = call()
    return result, range(before, int(time.time()) + 1)


def since(clock, start):
    """The seconds from start to some second of clock: e.g. the idle a read reports of a session
    last active at start (or, for start a range too, at some second of it)."""
    earliest, latest = (start[0], start[-1]) if isinstance(start, range) else (start, start)
    return range(clock[0] - latest, clock[-1] - earliest + 1)


def until(clock, end):
    """The seconds from some second of clock to end: e.g. the expires_in of a session ending at end."""
    return range(end - clock[-1], end - clock[0] + 1)


def one_of(values):
    """A regex alternative of the numbers in values (e.g. since(...)), to keep a pattern exact."""
    return "(?:" + "|".join(str(value) for value in values) + ")"
