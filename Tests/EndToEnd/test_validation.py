"""The contract's validation table, row by row: 400 with the exact name and message, first rule wins."""
import pytest

from api import expect_error

TOKEN = "A" * 64
APP = "valid_app"

BAD_APP = ("Invalid app format", "invalidFormat")
NO_ID = ("No id supplied", "missingParameter")
BAD_ID = ("Invalid id format", "invalidFormat")
NO_IP = ("No ip supplied", "missingParameter")
BAD_IP = ("Invalid ip format", "invalidFormat")
BAD_TOKEN = ("Invalid token format", "invalidFormat")
BAD_TTL = ("ttl must be a positive integer >= 10", "invalidValue")
BAD_DT = ("dt must be a positive integer >= 10", "invalidValue")
NOT_OBJECT = ("d must be an object", "invalidValue")
NO_KEY = ("d must contain at least one key.", "invalidValue")


def forbidden(key):
    return (f"d.{key} has a forbidden type. Only strings, numbers, boolean and null are allowed.", "invalidValue")


def every_route(app):
    return [("PUT", f"/{app}/create/user1?ip=1.2.3.4", None), ("GET", f"/{app}/get/{TOKEN}", None),
            ("POST", f"/{app}/set/{TOKEN}", '{"a":1}'), ("DELETE", f"/{app}/kill/{TOKEN}", None),
            ("GET", f"/{app}/activity?dt=60", None), ("GET", f"/{app}/soapp?dt=60", None),
            ("GET", f"/{app}/soid/user1", None), ("DELETE", f"/{app}/killsoid/user1", None),
            ("DELETE", f"/{app}/killall", None)]


BAD_APPS = ["ab", "a" * 21, "abc.d", "ab%20c", "%C3%A9ab", "abc%0A", "ab:cd", "ab%2Fcd"]

ROWS = [
    *[(method, target, body, BAD_APP) for method, target, body in every_route("ab")],
    *[("GET", f"/{app}/get/{TOKEN}", None, BAD_APP) for app in BAD_APPS],
    *[("PUT", f"/{app}/create/u?ip=1", None, BAD_APP) for app in BAD_APPS],

    ("PUT", f"/{APP}/create/?ip=1.2.3.4", None, NO_ID),
    ("GET", f"/{APP}/soid/", None, NO_ID),
    ("DELETE", f"/{APP}/killsoid/", None, NO_ID),
    *[("PUT", f"/{APP}/create/{user_id}?ip=1.2.3.4", None, BAD_ID)
      for user_id in ("%0A", "a%0Db", "a%E2%80%A8", "%E2%80%A9b", "x" * 129, "a" * 30 + "%0A")],
    *[(method, f"/{APP}/{route}/{user_id}", None, BAD_ID)
      for method, route in (("GET", "soid"), ("DELETE", "killsoid"))
      for user_id in ("x" * 129, "a%0Ab", "a" * 30 + "%0A")],

    ("PUT", f"/{APP}/create/user1", None, NO_IP),
    ("PUT", f"/{APP}/create/user1?ip=", None, NO_IP),
    ("PUT", f"/{APP}/create/user1?ttl=60", None, NO_IP),
    ("PUT", f"/{APP}/create/user1?ip={'1' * 40}", None, BAD_IP),
    ("PUT", f"/{APP}/create/user1?ip=1.2.3.4%0A", None, BAD_IP),
    ("PUT", f"/{APP}/create/user1?ip=%E2%80%A8", None, BAD_IP),

    *[(method, f"/{APP}/{route}/{token}", body, BAD_TOKEN)
      for method, route, body in (("GET", "get", None), ("POST", "set", '{"a":1}'), ("DELETE", "kill", None))
      for token in ("A" * 63, "A" * 65, "A" * 63 + "-", "A" * 63 + "%C3%A9", "A" * 63 + "%20")],

    *[("PUT", f"/{APP}/create/user1?ip=1.2.3.4&ttl={ttl}", None, BAD_TTL)
      for ttl in ("9", "0", "-20", "abc", "1e3", "%20", "9.99", ".5", "1" + "0" * 15)],

    *[("GET", f"/{APP}/{route}{query}", None, BAD_DT)
      for route in ("activity", "soapp")
      for query in ("", "?dt=", "?dt=9", "?dt=abc", "?dt=-60", "?ttl=60", "?dt=1" + "0" * 15)],

    *[("PUT", f"/{APP}/create/user1?ip=1.2.3.4", body, NOT_OBJECT)
      for body in ('"text"', "[1]", '[{"a":1}]', "5", "true")],
    ("PUT", f"/{APP}/create/user1?ip=1.2.3.4", '{"a":{"b":1}}', forbidden("a")),
    ("PUT", f"/{APP}/create/user1?ip=1.2.3.4", '{"ok":1,"list":[1]}', forbidden("list")),
    ("POST", f"/{APP}/set/{TOKEN}", None, NO_KEY),
    ("POST", f"/{APP}/set/{TOKEN}", "", NO_KEY),
    ("POST", f"/{APP}/set/{TOKEN}", "{}", NO_KEY),
    ("POST", f"/{APP}/set/{TOKEN}", " { } ", NO_KEY),
    *[("POST", f"/{APP}/set/{TOKEN}", body, NOT_OBJECT) for body in ('"text"', "[1]", "[]", "7")],
    ("POST", f"/{APP}/set/{TOKEN}", '{"a":1,"b":{}}', forbidden("b")),
    ("POST", f"/{APP}/set/{TOKEN}", '{"a":1,"b":[]}', forbidden("b")),

    # The first failing rule wins.
    ("PUT", "/ab/create/?ttl=1", '"x"', BAD_APP),
    ("PUT", f"/{APP}/create/?ttl=1", '"x"', NO_ID),
    ("PUT", f"/{APP}/create/user1?ttl=1", '"x"', NO_IP),
    ("PUT", f"/{APP}/create/user1?ip={'1' * 40}&ttl=1", '"x"', BAD_IP),
    ("PUT", f"/{APP}/create/user1?ip=1.2.3.4&ttl=1", '"x"', BAD_TTL),
    ("GET", "/ab/get/short", None, BAD_APP),
    ("DELETE", "/ab/kill/short", None, BAD_APP),
    ("POST", "/ab/set/short", '"x"', BAD_APP),
    ("POST", f"/{APP}/set/short", '"x"', BAD_TOKEN),
    ("POST", f"/{APP}/set/short", None, BAD_TOKEN),
    ("GET", "/ab/activity?dt=1", None, BAD_APP),
    ("GET", "/ab/soapp", None, BAD_APP),
    ("GET", "/ab/soid/", None, BAD_APP),
    ("DELETE", "/ab/killsoid/a%0A", None, BAD_APP),
]


@pytest.mark.parametrize("method,target,body,expected", ROWS,
                         ids=[f"{row[0]} {row[1][:70]} {row[2] or ''} -> {row[3][1]}" for row in ROWS])
def test_validation_row(service, method, target, body, expected):
    message, name = expected
    expect_error(service.request(method, target, body), 400, name, message)
