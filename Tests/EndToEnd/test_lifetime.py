"""Session lifetime beyond the reference: rotate, max_age, max_sessions, touch=false, count, users
and paged listings, over HTTP against the real binary."""
import json
import re
import threading
import time
from urllib.parse import urlencode

from api import (TOKEN, age_session, create, expect_error, expect_json, expect_session, get, kill,
                 segment, set_data, since, timed, until)


def create_with(service, app, user_id="user1", body=None, **query):
    query = {"ip": "10.0.0.7", **query}
    return service.request("PUT", f"/{app}/create/{segment(user_id)}?{urlencode(query)}", body)


def rotate(service, app, token):
    return service.request("POST", f"/{app}/rotate/{token}")


def set_absolute_end(redis, namespace, app, token, user_id, seconds_from_now):
    """Rewrites xa (and the deadline in SESSIONS) instead of waiting for max_age to run out."""
    key = f"{namespace}:{app}:{token}"
    absolute_end = int(time.time()) + seconds_from_now
    deadline = min(int(redis.command("HGET", key, "la")) + int(redis.command("HGET", key, "ttl")), absolute_end)
    redis.command("HSET", key, "xa", absolute_end)
    redis.command("ZADD", f"{namespace}:SESSIONS", deadline, f"{app}:{token}:{user_id}")
    return absolute_end


# rotate

def test_rotate_moves_the_session_to_a_new_token(service, app, redis):
    old = create(service, app, "rotor", body='{"cart":3}')
    get(service, app, old)
    payload = expect_json(rotate(service, app, old), 200)
    assert list(payload) == ["token"] and TOKEN.match(payload["token"]) and payload["token"] != old
    new = payload["token"]
    expect_json(get(service, app, old), 200, "{}")
    expect_json(set_data(service, app, old, '{"a":1}'), 200, "{}")
    expect_json(kill(service, app, old), 200, '{"kill":0}')
    expect_json(rotate(service, app, old), 200, "{}")
    expect_session(get(service, app, new), r'\{"id":"rotor","r":2,"w":1,"ttl":7200,"idle":\d+,"ip":"10\.0\.0\.7","d":\{"cart":3\}\}')
    ns = service.namespace
    assert redis.command("EXISTS", f"{ns}:{app}:{old}") == 0
    assert redis.command("ZSCORE", f"{ns}:{app}:_sessions", f"{old}:rotor") is None
    assert redis.command("ZSCORE", f"{ns}:SESSIONS", f"{app}:{old}:rotor") is None
    assert redis.command("SMEMBERS", f"{ns}:{app}:us:rotor") == [new]


def test_concurrent_rotations_of_one_token_exactly_one_wins(service, app):
    token = create(service, app, "racer")
    answers = []
    lock = threading.Lock()

    def rotate_once():
        response = rotate(service, app, token)
        with lock:
            answers.append(response)
    threads = [threading.Thread(target=rotate_once) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(15)
    assert len(answers) == 20 and all(answer.status == 200 for answer in answers), answers
    winners = [json.loads(answer.body)["token"] for answer in answers if answer.text != "{}"]
    assert len(winners) == 1, [answer.text for answer in answers]
    assert json.loads(get(service, app, winners[0]).body)["id"] == "racer"
    listing = expect_json(service.request("GET", f"/{app}/soid/racer"), 200)
    assert len(listing["sessions"]) == 1


def test_rotate_of_a_missing_or_expired_session_is_empty(service, app, redis):
    expect_json(rotate(service, app, "B" * 64), 200, "{}")
    token = create(service, app, "stale", ttl=10)
    age_session(redis, service.namespace, app, token, "stale", 12)
    expect_json(rotate(service, app, token), 200, "{}")
    expect_error(rotate(service, app, "short"), 400, "invalidFormat", "Invalid token format")


# max_age

def test_max_age_adds_expires_in_as_the_last_key(service, app, redis):
    payload = expect_json(create_with(service, app, "abs", '{"k":"v"}', ttl=100, max_age=600), 200)
    assert list(payload) == ["token"]
    token = payload["token"]
    response, clock = timed(lambda: get(service, app, token))
    session = expect_session(response, r'\{"id":"abs","r":1,"w":1,"ttl":100,"idle":\d+,"ip":"10\.0\.0\.7","d":\{"k":"v"\},"expires_in":\d+\}')
    key = f"{service.namespace}:{app}:{token}"
    absolute_end = int(redis.command("HGET", key, "xa"))
    assert absolute_end == int(redis.command("HGET", key, "la")) + 600
    assert session["expires_in"] in until(clock, absolute_end), session
    absolute_end = set_absolute_end(redis, service.namespace, app, token, "abs", 42)
    response, clock = timed(lambda: get(service, app, token))
    session = expect_json(response, 200)
    assert session["expires_in"] in until(clock, absolute_end), session
    assert list(session)[-1] == "expires_in"
    # Sliding never pushes the deadline past the absolute end.
    score = int(float(redis.command("ZSCORE", f"{service.namespace}:SESSIONS", f"{app}:{token}:abs")))
    assert score == int(redis.command("HGET", key, "xa"))
    # A session without max_age has no expires_in.
    assert "expires_in" not in json.loads(get(service, app, create(service, app)).body)


def test_past_its_absolute_end_a_session_is_gone_for_every_route(service, app, redis):
    token = expect_json(create_with(service, app, "ended", ttl=1000, max_age=60), 200)["token"]
    set_absolute_end(redis, service.namespace, app, token, "ended", -1)
    expect_json(get(service, app, token), 200, "{}")
    expect_json(service.request("GET", f"/{app}/get/{token}?touch=false"), 200, "{}")
    expect_json(set_data(service, app, token, '{"a":1}'), 200, "{}")
    expect_json(rotate(service, app, token), 200, "{}")
    expect_json(service.request("GET", f"/{app}/soid/ended"), 200, '{"sessions":[]}')
    expect_json(service.request("GET", f"/{app}/soapp?dt=600"), 200, '{"sessions":[]}')
    expect_json(service.request("GET", f"/{app}/soapp?dt=600&limit=10"), 200, '{"sessions":[]}')
    expect_json(service.request("GET", f"/{app}/count?dt=600"), 200, '{"count":0}')
    expect_json(kill(service, app, token), 200, '{"kill":0}')
    assert redis.command("EXISTS", f"{service.namespace}:{app}:{token}") == 0


def test_max_age_is_validated(service, app, redis):
    for value in ("9", "abc", "-60", "1000000000000000"):
        expect_error(create_with(service, app, max_age=value), 400, "invalidValue",
                     "max_age must be a positive integer >= 10")
    expect_error(create_with(service, app, ttl=5, max_age=5), 400, "invalidValue", "ttl must be a positive integer >= 10")
    # Read as ttl is; empty means none.
    token = expect_json(create_with(service, app, max_age="15abc"), 200)["token"]
    key = f"{service.namespace}:{app}:{token}"
    assert int(redis.command("HGET", key, "xa")) == int(redis.command("HGET", key, "la")) + 15
    token = expect_json(create_with(service, app, max_age=""), 200)["token"]
    assert "expires_in" not in json.loads(get(service, app, token).body)


# max_sessions

def test_max_sessions_ends_the_least_recently_active(service, app, redis):
    tokens = {name: create(service, app, "limited", ip=name) for name in ("a", "b", "c")}
    base = int(time.time())
    for name, seconds in (("a", 40), ("b", 10), ("c", 30)):
        age_session(redis, service.namespace, app, tokens[name], "limited", seconds, now=base)
    response = create_with(service, app, "limited", max_sessions=2)
    payload = expect_json(response, 200)
    assert list(payload) == ["token", "evicted"] and payload["evicted"] == 2, payload
    assert re.fullmatch(r'\{"token":"[A-Za-z0-9]{64}","evicted":2\}', response.text)
    expect_json(get(service, app, tokens["a"]), 200, "{}")
    expect_json(get(service, app, tokens["c"]), 200, "{}")
    assert json.loads(get(service, app, tokens["b"]).body)["ip"] == "b"
    assert expect_json(create_with(service, app, "limited", max_sessions=5), 200)["evicted"] == 0
    assert expect_json(create_with(service, app, "fresh", max_sessions=1), 200)["evicted"] == 0


def test_max_sessions_is_validated(service, app):
    for value in ("0", "1001", "many", "-1"):
        expect_error(create_with(service, app, max_sessions=value), 400, "invalidValue",
                     "max_sessions must be an integer from 1 to 1000")
    assert expect_json(create_with(service, app, max_sessions="1000"), 200)["evicted"] == 0


# touch=false

def test_touch_false_neither_counts_nor_slides(service, app, redis):
    token = create(service, app, "peek", ttl=100)
    last_activity = age_session(redis, service.namespace, app, token, "peek", 30)
    key = f"{service.namespace}:{app}:{token}"
    before = redis.command("HGETALL", key)
    deadline = redis.command("ZSCORE", f"{service.namespace}:SESSIONS", f"{app}:{token}:peek")
    for _ in range(2):
        response, clock = timed(lambda: service.request("GET", f"/{app}/get/{token}?touch=false"))
        session = expect_session(response, r'\{"id":"peek","r":1,"w":1,"ttl":100,"idle":\d+,"ip":"10\.0\.0\.7"\}')
        assert session["idle"] in since(clock, last_activity), session
    assert service.request("HEAD", f"/{app}/get/{token}").status == 200
    assert redis.command("HGETALL", key) == before
    assert redis.command("ZSCORE", f"{service.namespace}:SESSIONS", f"{app}:{token}:peek") == deadline
    expect_session(service.request("GET", f"/{app}/get/{token}?touch=true"), r'\{"id":"peek","r":1,.*')
    expect_session(get(service, app, token), r'\{"id":"peek","r":2,"w":1,"ttl":100,.*')
    for value in ("no", "", "TRUE", "1"):
        expect_error(service.request("GET", f"/{app}/get/{token}?touch={value}"), 400, "invalidValue",
                     "touch must be true or false")


# count, users, paging

def test_count_counts_live_sessions_not_users(service, app, redis):
    create(service, app, "u1")
    create(service, app, "u1")
    create(service, app, "u2")
    dead = create(service, app, "u3", ttl=10)
    age_session(redis, service.namespace, app, dead, "u3", 20)
    expect_json(service.request("GET", f"/{app}/count?dt=60"), 200, '{"count":3}')
    expect_json(service.request("GET", f"/{app}/activity?dt=60"), 200, '{"activity":3}')
    expect_error(service.request("GET", f"/{app}/count"), 400, "invalidValue", "dt must be a positive integer >= 10")


def test_users_most_recently_active_first_and_paged(service, app, redis):
    ages = {"old": 50, "newest": 0, "mid:dle": 20}
    tokens = {user_id: create(service, app, user_id) for user_id in ages}
    base = int(time.time())
    for user_id, seconds in ages.items():
        age_session(redis, service.namespace, app, tokens[user_id], user_id, seconds, now=base)
    expect_json(service.request("GET", f"/{app}/users?dt=600"), 200, '{"users":["newest","mid:dle","old"]}')
    # mid:dle (idle 20) stays in the 30 s window until 10 s after the base second.
    response, clock = timed(lambda: service.request("GET", f"/{app}/users?dt=30"))
    assert expect_json(response, 200)["users"] in [["newest", "mid:dle"] if now <= base + 10 else ["newest"] for now in clock]
    expect_json(service.request("GET", f"/{app}/users?dt=600&limit=1&offset=1"), 200, '{"users":["mid:dle"]}')
    expect_json(service.request("GET", f"/{app}/users?dt=600&offset=2"), 200, '{"users":["old"]}')


def test_soapp_and_soid_pages_newest_first(service, app, redis):
    ips = []
    for position in range(5):
        ip = f"10.0.0.{position}"
        token = create(service, app, "pager", ip=ip)
        age_session(redis, service.namespace, app, token, "pager", 10 * position)
        ips.append(ip)
    dead = create(service, app, "pager", ttl=10)
    age_session(redis, service.namespace, app, dead, "pager", 15)

    def page(route, **query):
        payload = expect_json(service.request("GET", f"/{app}/{route}?{urlencode(query)}"), 200)
        return [session["ip"] for session in payload["sessions"]]
    assert page("soapp", dt=600) == ips
    assert page("soapp", dt=600, limit=2) + page("soapp", dt=600, limit=2, offset=2) + \
        page("soapp", dt=600, limit=2, offset=4) == ips
    assert page("soid/pager", limit=3) == ips[:3]
    assert page("soid/pager", limit=3, offset=3) == ips[3:]
    assert page("soid/pager", offset=10) == []
    assert sorted(page("soid/pager")) == sorted(ips)


def test_paging_parameters_are_validated(service, app):
    for route in ("soapp?dt=60&", "users?dt=60&", "soid/u1?"):
        for query, message in (("limit=0", "limit must be an integer from 1 to 1000"),
                               ("limit=1001", "limit must be an integer from 1 to 1000"),
                               ("limit=x", "limit must be an integer from 1 to 1000"),
                               ("offset=-1", "offset must be an integer >= 0"),
                               ("limit=5&offset=y", "offset must be an integer >= 0")):
            expect_error(service.request("GET", f"/{app}/{route}{query}"), 400, "invalidValue", message)
