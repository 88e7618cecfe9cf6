"""Every route's success cases, the session object's exact text, and the Redis layout behind it."""
import http.client
import json
import re
import socket
import subprocess

import pytest

from api import (age_session, create, create_many, expect_error, expect_json, expect_session, get, kill,
                 one_of, segment, set_data, since, timed, until)
from processes import EVENT_DEADLINE_SECONDS, wait_until


def test_create_then_get_returns_the_session_in_contract_order(service, app):
    token, created = timed(lambda: create(service, app, "user1", "10.0.0.7", body='{"cart":3}'))
    response, read = timed(lambda: get(service, app, token))
    expect_session(response, r'\{"id":"user1","r":1,"w":1,"ttl":7200,"idle":' + one_of(since(read, created)) +
                   r',"ip":"10\.0\.0\.7","d":\{"cart":3\}\}')


def test_tokens_are_64_alphanumerics_and_distinct(service, app):
    tokens = {create(service, app, f"user{n}") for n in range(20)}
    assert len(tokens) == 20


def test_reads_count_before_this_one(service, app):
    token = create(service, app)
    reads = [json.loads(get(service, app, token).body)["r"] for _ in range(3)]
    assert reads == [1, 2, 3]


def test_session_without_data_has_no_d(service, app):
    token, created = timed(lambda: create(service, app, "plain", "::1", ttl=60))
    response, read = timed(lambda: get(service, app, token))
    expect_session(response, r'\{"id":"plain","r":1,"w":1,"ttl":60,"idle":' + one_of(since(read, created)) + r',"ip":"::1"\}')


def test_create_with_no_data_bodies(service, app):
    for body in (None, "", "{}", "[]", '{"a":null,"b":null}', " \n{ } "):
        token = create(service, app, body=body)
        assert "d" not in json.loads(get(service, app, token).body), body


def test_repeated_key_keeps_first_position_and_last_value(service, app):
    token = create(service, app, body='{"a":1,"b":2,"a":3}')
    expect_session(get(service, app, token), r'\{.*"d":\{"a":3,"b":2\}\}')


def test_set_merges_deletes_and_appends(service, app):
    token, created = timed(lambda: create(service, app, body='{"a":1,"b":"x","c":true}'))
    response, first = timed(lambda: set_data(service, app, token, '{"b":null,"d":2.50,"a":"new"}'))
    expect_session(response, r'\{"id":"user1","r":1,"w":2,"ttl":7200,"idle":' + one_of(since(first, created)) +
                   r',"ip":"10\.0\.0\.7","d":\{"a":"new","c":true,"d":2\.50\}\}')
    # The last activity is the create's, or the first set's if that one came later than idle 1.
    response, second = timed(lambda: set_data(service, app, token, '{"a":null,"c":null,"d":null}'))
    expect_session(response, r'\{"id":"user1","r":1,"w":3,"ttl":7200,"idle":' +
                   one_of(since(second, range(created[0], first[-1] + 1))) + r',"ip":"10\.0\.0\.7"\}')


def test_set_on_a_session_without_data(service, app):
    token = create(service, app)
    expect_session(set_data(service, app, token, '{"x":false}'), r'\{.*"w":2,.*"d":\{"x":false\}\}')


def test_numbers_come_back_verbatim(service, app):
    numbers = ('{"price":120.55,"n":123,"e":1E+3,"z":-0,"f":1.50,"neg":-7.25e-3,'
               '"big":123456789012345678901234567890,"tiny":5e-324}')
    token = create(service, app, body=numbers)
    assert get(service, app, token).text.endswith(f',"d":{numbers}}}')
    response = set_data(service, app, token, '{"n":0.1000}')
    assert response.text.endswith(numbers.replace('"n":123', '"n":0.1000') + "}")


def test_strings_are_written_as_json_stringify_writes_them(service, app):
    token = create(service, app, body=r'{"s":"a\"b\\c\n\t\u0001\u00e9\/x😀","k\u00fc":"v"}')
    expected = ',"d":{"s":"a\\"b\\\\c\\n\\t\\u0001é/x😀","kü":"v"}}'
    response = get(service, app, token)
    assert response.body.decode("utf-8").endswith(expected), response


def test_ids_ips_and_apps_are_taken_as_they_are(service, app):
    for user_id in ("a:b:c", "Zoë user/1", "x" * 128, "é" * 10, "tab\there", "semi;colon?&="):
        token = create(service, app, user_id, ip="a" * 39)
        session = json.loads(get(service, app, token).body)
        assert (session["id"], session["ip"]) == (user_id, "a" * 39)
        listing = expect_json(service.request("GET", f"/{app}/soid/{segment(user_id)}"), 200)
        assert [entry["id"] for entry in listing["sessions"]] == [user_id]


def test_app_names_at_the_edges_of_the_format(service):
    for app_name in ("abc", "A-Z_09", "x" * 20):
        token = create(service, app_name)
        assert json.loads(get(service, app_name, token).body)["id"] == "user1"


def test_ttl_is_read_as_parse_int_reads_it(service, app):
    for raw, ttl in ((" 20", 20), ("12.9", 12), ("15abc", 15), ("+30", 30), ("", 7200), (None, 7200),
                     ("0010", 10), ("9" * 15, int("9" * 15))):
        token, created = timed(lambda: create(service, app, ttl=raw))
        response, read = timed(lambda: get(service, app, token))
        session = json.loads(response.body)
        # Gone only if the read came later than idle ttl (a loaded machine can take 10 s).
        assert session.get("ttl") == ttl if session else read[-1] - created[0] > ttl, (raw, session)


def test_missing_sessions(service, app):
    unknown = "A" * 64
    expect_json(get(service, app, unknown), 200, "{}")
    expect_json(set_data(service, app, unknown, '{"a":1}'), 200, "{}")
    expect_json(kill(service, app, unknown), 200, '{"kill":0}')


def test_kill_ends_a_session_once(service, app):
    token = create(service, app)
    expect_json(kill(service, app, token), 200, '{"kill":1}')
    expect_json(get(service, app, token), 200, "{}")
    expect_json(kill(service, app, token), 200, '{"kill":0}')


def test_expired_sessions_are_gone_for_every_route(service, app, redis):
    token = create(service, app, "ager", ttl=10)
    other = create(service, app, "ager", ttl=10)
    age_session(redis, service.namespace, app, token, "ager", 12)
    age_session(redis, service.namespace, app, other, "ager", 12)
    expect_json(get(service, app, token), 200, "{}")
    expect_json(set_data(service, app, token, '{"a":1}'), 200, "{}")
    expect_json(kill(service, app, token), 200, '{"kill":0}')
    expect_json(service.request("GET", f"/{app}/soid/ager"), 200, '{"sessions":[]}')
    expect_json(service.request("GET", f"/{app}/soapp?dt=600"), 200, '{"sessions":[]}')
    # activity counts ids by last activity in the window (contract section 5), expired or not
    expect_json(service.request("GET", f"/{app}/activity?dt=10"), 200, '{"activity":0}')


def test_a_session_idle_up_to_its_ttl_is_valid_and_la_moves(service, app, redis):
    # Idle most of its ttl, with room for a loaded machine's pauses.
    token = create(service, app, "idler", ttl=600)
    last_activity = age_session(redis, service.namespace, app, token, "idler", 500)
    response, clock = timed(lambda: get(service, app, token))
    first = expect_session(response, r'\{"id":"idler","r":1,"w":1,"ttl":600,"idle":' + one_of(since(clock, last_activity)) + ',.*')
    # la moved to the first read's now, which its idle tells exactly.
    response, clock = timed(lambda: get(service, app, token))
    expect_session(response, r'\{"id":"idler","r":2,"w":1,"ttl":600,"idle":' +
                   one_of(since(clock, last_activity + first["idle"])) + ',.*')


def test_la_moves_only_when_idle_is_over_one_second(service, app, redis):
    token = create(service, app, "slow")
    key = f"{service.namespace}:{app}:{token}"
    # The reported idle says which rule the read applied: at idle 1 la stays, beyond it moves to now.
    # A read later than idle 1 (a loaded machine) is checked as well, then tried again for idle 1.
    for _ in range(50):
        last_activity = age_session(redis, service.namespace, app, token, "slow", 1)
        idle = json.loads(get(service, app, token).body)["idle"]
        assert idle >= 1
        if idle == 1:
            assert int(redis.command("HGET", key, "la")) == last_activity
            return
        assert int(redis.command("HGET", key, "la")) == last_activity + idle
    raise AssertionError("no read came within a second of its aging in 50 tries")


def test_no_resave_session_reports_what_remains_and_never_slides(service, app, redis):
    token = create(service, app, "fixed", body='{"k":"v"}')
    last_activity = age_session(redis, service.namespace, app, token, "fixed", 100)
    redis.command("HSET", f"{service.namespace}:{app}:{token}", "no_resave", "1")
    # ttl is what remains until the deadline la + 7200, which never moves: 7200 - idle.
    deadline = last_activity + 7200
    response, clock = timed(lambda: get(service, app, token))
    pattern = (r'\{"id":"fixed","r":1,"w":1,"ttl":' + one_of(until(clock, deadline)) + r',"idle":' +
               one_of(since(clock, last_activity)) + r',"ip":"10\.0\.0\.7","no_resave":true,"d":\{"k":"v"\}\}')
    session = expect_session(response, pattern)
    assert session["ttl"] == 7200 - session["idle"], session
    response, clock = timed(lambda: set_data(service, app, token, '{"k":"w"}'))
    updated = expect_session(response, r'\{.*"w":2,.*"no_resave":true,"d":\{"k":"w"\}\}')
    assert updated["ttl"] in until(clock, deadline), updated
    response, clock = timed(lambda: get(service, app, token))
    again = json.loads(response.body)
    assert again["ttl"] in until(clock, deadline) and again["r"] == 2, again
    assert int(float(redis.command("ZSCORE", f"{service.namespace}:SESSIONS", f"{app}:{token}:fixed"))) == deadline


def test_redis_layout_is_the_redis_sessions_one(service, app, redis):
    token, created = timed(lambda: create(service, app, "lay:out", "10.1.2.3", ttl=300, body='{"b":1, "a" : "x"}'))
    namespace = service.namespace
    fields = redis.command("HGETALL", f"{namespace}:{app}:{token}")
    stored = dict(zip(fields[::2], fields[1::2]))
    last_activity = int(stored.pop("la"))
    assert last_activity in created
    assert stored == {"id": "lay:out", "r": "1", "w": "1", "ip": "10.1.2.3", "ttl": "300", "d": '{"b":1,"a":"x"}'}
    assert int(float(redis.command("ZSCORE", f"{namespace}:{app}:_sessions", f"{token}:lay:out"))) == last_activity
    assert int(float(redis.command("ZSCORE", f"{namespace}:{app}:_users", "lay:out"))) == last_activity
    assert redis.command("SMEMBERS", f"{namespace}:{app}:us:lay:out") == [token]
    deadline = redis.command("ZSCORE", f"{namespace}:SESSIONS", f"{app}:{token}:lay:out")
    assert int(float(deadline)) == last_activity + 300
    expect_json(kill(service, app, token), 200, '{"kill":1}')
    assert redis.command("KEYS", f"{namespace}:{app}:*") == []
    assert redis.command("ZSCORE", f"{namespace}:SESSIONS", f"{app}:{token}:lay:out") is None


def test_activity_counts_distinct_ids_in_the_window(service, app, redis):
    expect_json(service.request("GET", f"/{app}/activity?dt=600"), 200, '{"activity":0}')
    create(service, app, "u1")
    create(service, app, "u1")
    old = create(service, app, "u2")
    expect_json(service.request("GET", f"/{app}/activity?dt=60"), 200, '{"activity":2}')
    age_session(redis, service.namespace, app, old, "u2", 100)
    expect_json(service.request("GET", f"/{app}/activity?dt=60"), 200, '{"activity":1}')
    expect_json(service.request("GET", f"/{app}/activity?dt=600"), 200, '{"activity":2}')
    expect_json(service.request("GET", f"/{app}/activity?dt=60.9abc"), 200, '{"activity":1}')


def test_soapp_lists_recent_sessions_most_recent_first_without_tokens(service, app, redis):
    older = create(service, app, "first", body='{"n":1}')
    newer, created = timed(lambda: create(service, app, "second"))
    older_activity = age_session(redis, service.namespace, app, older, "first", 50)
    response, clock = timed(lambda: service.request("GET", f"/{app}/soapp?dt=600"))
    expect_session(response, r'\{"sessions":\[\{"id":"second","r":1,"w":1,"ttl":7200,"idle":' + one_of(since(clock, created)) +
                   r',"ip":"10\.0\.0\.7"\},\{"id":"first","r":1,"w":1,"ttl":7200,"idle":' +
                   one_of(since(clock, older_activity)) + r',"ip":"10\.0\.0\.7","d":\{"n":1\}\}\]\}')
    assert older not in response.text and newer not in response.text
    listing = expect_json(service.request("GET", f"/{app}/soapp?dt=30"), 200)
    assert [entry["id"] for entry in listing["sessions"]] == ["second"]


def test_a_large_listing_is_sent_chunked_and_matches_its_pages(service, app):
    create_many(service, app, 700)  # about 98 KB of JSON, over the 64 KiB answered whole
    whole = service.request("GET", f"/{app}/soapp?dt=600")
    assert whole.status == 200 and whole.headers["Transfer-Encoding"] == "chunked", whole.headers
    assert "Content-Length" not in whole.headers and whole.headers["Content-Type"] == "application/json; charset=utf-8"
    listed = json.loads(whole.body)["sessions"]
    assert sorted(entry["d"]["n"] for entry in listed) == list(range(700))
    paged = expect_json(service.request("GET", f"/{app}/soapp?dt=600&limit=1000"), 200)["sessions"]
    assert sorted(entry["d"]["n"] for entry in paged) == list(range(700))
    # curl over HTTP/1.0, which has no chunked coding: the body ends with the connection.
    finished = subprocess.run(["curl", "-sS", "--fail", "--http1.0", "-D", "-", "--max-time", "10",
                               f"http://127.0.0.1:{service.port}/{app}/soapp?dt=600"],
                              capture_output=True, timeout=20)
    assert finished.returncode == 0, finished.stderr
    head, _, body = finished.stdout.decode().partition("\r\n\r\n")
    assert "Connection: close" in head and "Transfer-Encoding" not in head and "Content-Length" not in head, head
    assert len(json.loads(body)["sessions"]) == 700
    # A listing under the threshold keeps its Content-Length.
    small = service.request("GET", f"/{app}/soid/user1")
    assert int(small.headers["Content-Length"]) == len(small.body) and len(json.loads(small.body)["sessions"]) == 14


WRITE_SESSIONS = r"""
local ns, app, count, padding = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
local now = tonumber(redis.call('TIME')[1])
for i = 1, count do
  local token = string.format('%064d', i)
  local id = 'user' .. (i % 100)
  redis.call('ZADD', ns .. app .. ':_sessions', now, token .. ':' .. id)
  redis.call('ZADD', ns .. app .. ':_users', now, id)
  redis.call('ZADD', ns .. 'SESSIONS', now + 3600, app .. ':' .. token .. ':' .. id)
  redis.call('SADD', ns .. app .. ':us:' .. id, token)
  redis.call('HSET', ns .. app .. ':' .. token, 'id', id, 'r', 1, 'w', 1, 'ip', '10.0.0.1', 'la', now, 'ttl', 3600,
    'd', '{"pad":"' .. padding .. '"}')
end
"""


def test_a_head_request_or_a_client_that_leaves_ends_a_large_listing_counted(service, app, redis):
    # 40,000 sessions of about 340 bytes of JSON each: a 13.6 MB listing, far more than the
    # sockets' buffers take, so the service learns that the client left before it could finish.
    redis.command("EVAL", WRITE_SESSIONS, 0, f"{service.namespace}:", app, 40000, "x" * 250)
    head = service.request("HEAD", f"/{app}/soapp?dt=600")
    assert head.status == 200 and head.headers["Transfer-Encoding"] == "chunked" and head.body == b"", head
    client = socket.create_connection(("127.0.0.1", service.port), timeout=10)
    client.sendall(f"GET /{app}/soapp?dt=600 HTTP/1.1\r\nHost: t\r\n\r\n".encode())
    assert client.recv(100).startswith(b"HTTP/1.1 200 OK")
    client.close()
    # Each ended listing still has its access line.
    wait_until(lambda: re.search(rf"HEAD /{app}/soapp 200", service.log) and re.search(rf"GET /{app}/soapp 200", service.log),
               EVENT_DEADLINE_SECONDS, "the access lines of both listings")
    assert service.request("GET", f"/{app}/soapp?dt=600&limit=1").status == 200, "the service goes on"


def test_a_listing_that_fails_after_its_first_part_is_cut_short(service, app, redis):
    tokens = create_many(service, app, 700)
    # Listed last (least recent), so its batch fails after more than 64 KiB were sent.
    age_session(redis, service.namespace, app, tokens[0], "user0", 100)
    redis.command("HSET", f"{service.namespace}:{app}:{tokens[0]}", "d", "not json")
    with pytest.raises(http.client.IncompleteRead):
        service.request("GET", f"/{app}/soapp?dt=600")
    finished = subprocess.run(["curl", "-sS", "-o", "/dev/null", "--max-time", "10",
                               f"http://127.0.0.1:{service.port}/{app}/soapp?dt=600"],
                              capture_output=True, text=True, timeout=20)
    assert finished.returncode == 18, finished.stderr  # CURLE_PARTIAL_FILE: curl sees the cut too
    # Failing before the threshold, the listing is answered with its error status as before.
    expect_error(service.request("GET", f"/{app}/soid/user0"), 500, "internalError")
    assert service.request("GET", f"/{app}/soid/user1").status == 200, "the service goes on"


def test_soid_killsoid_and_killall(service, app):
    tokens = [create(service, app, "many"), create(service, app, "many"), create(service, app, "one")]
    listing = expect_json(service.request("GET", f"/{app}/soid/many"), 200)
    assert [entry["id"] for entry in listing["sessions"]] == ["many", "many"]
    assert not any(token in json.dumps(listing) for token in tokens)
    expect_json(service.request("GET", f"/{app}/soid/nobody"), 200, '{"sessions":[]}')
    expect_json(service.request("DELETE", f"/{app}/killsoid/many"), 200, '{"kill":2}')
    expect_json(service.request("GET", f"/{app}/soid/many"), 200, '{"sessions":[]}')
    expect_json(service.request("DELETE", f"/{app}/killsoid/many"), 200, '{"kill":0}')
    create(service, app, "two")
    expect_json(service.request("DELETE", f"/{app}/killall"), 200, '{"kill":2}')
    expect_json(service.request("DELETE", f"/{app}/killall"), 200, '{"kill":0}')
    expect_json(get(service, app, tokens[2]), 200, "{}")


def test_apps_are_separate(service, app):
    token = create(service, app)
    other_app = app[:-1] + ("x" if app[-1] != "x" else "y")
    expect_json(get(service, other_app, token), 200, "{}")
    expect_json(service.request("DELETE", f"/{other_app}/killall"), 200, '{"kill":0}')
    assert get(service, app, token).text != "{}"


def test_ping(service):
    response = service.request("GET", "/ping")
    assert (response.status, response.content_type, response.text) == (200, "text/plain; charset=utf-8", "PONG")


def test_access_log_never_shows_tokens_or_data(service, app):
    secret = "secret-cart-value"
    token = create(service, app, body=json.dumps({"cart": secret}))
    get(service, app, token)
    kill(service, app, token)
    log = service.log
    assert token not in log and token[:16] not in log and secret not in log
    assert re.search(rf"GET /{app}/get/\S+ 200", log), log[-2000:]
