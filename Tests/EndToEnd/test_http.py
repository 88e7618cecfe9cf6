"""HTTP behaviour: the statuses of the contract's section 4, HEAD, OPTIONS, media types, limits."""
import http.client
import json
import socket

import pytest

from api import JSON_TYPE, TEXT_TYPE, create, expect_error, expect_json, get, set_data

TOKEN = "B" * 64
METHODS = {"GET", "HEAD", "PUT", "POST", "DELETE", "OPTIONS"}

# (a target of the route, the methods it must allow)
ROUTES = [
    ("/some_app/create/user1?ip=1", {"PUT"}),
    (f"/some_app/get/{TOKEN}", {"GET", "HEAD"}),
    (f"/some_app/set/{TOKEN}", {"POST"}),
    (f"/some_app/kill/{TOKEN}", {"DELETE"}),
    ("/some_app/activity?dt=60", {"GET", "HEAD"}),
    ("/some_app/soapp?dt=60", {"GET", "HEAD"}),
    ("/some_app/soid/user1", {"GET", "HEAD"}),
    ("/some_app/killsoid/user1", {"DELETE"}),
    ("/some_app/killall", {"DELETE"}),
    ("/ping", {"GET", "HEAD"}),
]


def allowed(response):
    return {method.strip() for method in response.headers.get("Allow", "").split(",") if method.strip()}


@pytest.mark.parametrize("target", ["/", "/nothing", "/some_app", "/some_app/create", "/some_app/unknown/x",
                                    f"/some_app/get/{TOKEN}/extra", "/some_app/activity/extra",
                                    "/some_app/killall/x", "/ping/x", "/some_app/get"])
@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
def test_unknown_path_is_404(service, method, target):
    expect_error(service.request(method, target), 404, "notFound")


@pytest.mark.parametrize("target,methods", ROUTES, ids=[route[0] for route in ROUTES])
def test_other_methods_are_405_with_allow(service, target, methods):
    for method in METHODS - methods - {"HEAD", "OPTIONS"}:
        response = service.request(method, target, "{}" if method in ("PUT", "POST") else None)
        expect_error(response, 405, "methodNotAllowed")
        allow = allowed(response)
        assert methods <= allow <= METHODS and method not in allow, response


@pytest.mark.parametrize("target,methods", ROUTES, ids=[route[0] for route in ROUTES])
def test_options_is_204_with_allow(service, target, methods):
    response = service.request("OPTIONS", target)
    assert response.status == 204 and response.body == b"", response
    assert methods <= allowed(response) <= METHODS, response
    not_allowed = service.request(sorted(METHODS - allowed(response))[0], target)
    assert allowed(not_allowed) == allowed(response)


@pytest.mark.parametrize("method", ["PATCH", "TRACE"])
def test_methods_the_service_never_uses_are_405_on_a_known_path(service, method):
    """Contract section 4: a known path with a wrong method is 405 with Allow, whatever the method."""
    response = service.request(method, "/some_app/killall")
    expect_error(response, 405, "methodNotAllowed")
    assert allowed(response) == allowed(service.request("OPTIONS", "/some_app/killall")), response


def test_options_on_an_unknown_path_is_404(service):
    expect_error(service.request("OPTIONS", "/nothing"), 404, "notFound")


def test_head_answers_as_get_without_a_body(service, app):
    token = create(service, app, body='{"a":"b"}')
    for target in (f"/{app}/get/{token}", f"/{app}/soid/user1", f"/{app}/activity?dt=60", f"/{app}/soapp?dt=60",
                   f"/{app}/get/{TOKEN}", "/ping"):
        full = service.request("GET", target)
        head = service.request("HEAD", target)
        assert (head.status, head.content_type, head.body) == (full.status, full.content_type, b""), target
        if head.headers.get("Content-Length") is not None:
            assert int(head.headers["Content-Length"]) == len(full.body), (head, full)
    head = service.request("HEAD", "/some_app/get/short")
    assert (head.status, head.content_type, head.body) == (400, JSON_TYPE, b"")


def test_ping_and_json_content_types(service, app):
    ping = service.request("GET", "/ping")
    assert (ping.status, ping.content_type, ping.body) == (200, TEXT_TYPE, b"PONG")
    token = create(service, app)
    for response in (get(service, app, token), service.request("GET", "/nothing"),
                     service.request("GET", "/ab/get/x"), service.request("POST", "/ping")):
        assert response.content_type == JSON_TYPE, response
        assert int(response.headers["Content-Length"]) == len(response.body), response


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded",
                                          "multipart/form-data; boundary=x", "application/jsonx", "json"])
def test_a_body_of_another_media_type_is_415(service, app, content_type):
    token = create(service, app)
    headers = {"Content-Type": content_type}
    expect_error(set_data(service, app, token, '{"a":1}', headers), 415, "unsupportedMediaType")
    response = service.request("PUT", f"/{app}/create/user2?ip=1", '{"a":1}', headers)
    expect_error(response, 415, "unsupportedMediaType")


@pytest.mark.parametrize("content_type", ["application/json", "application/json; charset=utf-8",
                                          "Application/JSON;charset=UTF-8", "application/json ; foo=bar",
                                          'application/json; charset="utf8"'])
def test_json_media_types_with_other_parameters_or_utf8_are_accepted(service, app, content_type):
    token = create(service, app)
    response = set_data(service, app, token, '{"a":"caf\u00e9"}'.encode(), {"Content-Type": content_type})
    assert json.loads(response.body)["d"] == {"a": "caf\u00e9"}, response


@pytest.mark.parametrize("charset", ["latin1", "ISO-8859-1", "utf-16", "windows-1252"])
def test_json_in_another_charset_is_415_and_changes_nothing(service, app, charset):
    token = create(service, app, body='{"a":"x"}')
    headers = {"Content-Type": f"application/json; charset={charset}"}
    body = '{"a":"caf\u00e9"}'.encode("latin1")
    expect_error(set_data(service, app, token, body, headers), 415, "unsupportedMediaType")
    expect_error(service.request("PUT", f"/{app}/create/user2?ip=1", body, headers), 415, "unsupportedMediaType")
    expect_error(service.request("DELETE", f"/{app}/kill/{token}", b'{"a":1}', headers), 415, "unsupportedMediaType")
    assert json.loads(get(service, app, token).body)["d"] == {"a": "x"}


@pytest.mark.parametrize("body", [b'{"a":', b"{a:1}", b"{'a':1}", b'{"a":1}x', b'{"a":01}', b'{"a":NaN}',
                                  b'{"a":1,}', b'{"a":"\xff"}', b'{"a":"\x01"}', b"nul", b'{"a":1e}', b"[1,]"])
def test_malformed_json_is_400_invalid_json(service, app, body):
    token = create(service, app)
    expect_error(set_data(service, app, token, body), 400, "invalidJSON")
    expect_error(service.request("PUT", f"/{app}/create/user1?ip=1", body), 400, "invalidJSON")


def test_malformed_json_is_reported_before_the_route_validation(service):
    expect_error(service.request("POST", "/ab/set/short", "{"), 400, "invalidJSON")
    expect_error(service.request("PUT", "/ab/create/?ttl=1", "{"), 400, "invalidJSON")


def test_deeply_nested_json_is_a_clean_400(service, app):
    token = create(service, app)
    for depth in (100, 10_000):
        response = set_data(service, app, token, '{"a":' + "[" * depth + "]" * depth + "}")
        payload = expect_json(response, 400)
        assert payload["name"] in ("invalidJSON", "invalidValue"), response
    assert service.request("GET", "/ping").status == 200


def send_raw(port, head, body=b""):
    """Writes a request on a raw socket (tolerating an early close) and returns the response."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        try:
            connection.sendall(head)
            connection.sendall(body)
        except (BrokenPipeError, ConnectionResetError):
            pass
        answer = http.client.HTTPResponse(connection)
        answer.begin()
        return answer.status, answer.getheader("Content-Type"), answer.read()


def test_a_body_over_the_limit_is_413(service, app):
    token = create(service, app)
    limit = 65536
    filler = "x" * (limit - len('{"a":""}'))
    response = set_data(service, app, token, '{"a":"' + filler + '"}')
    assert response.status == 200, response
    oversized = ('{"a":"' + filler + 'y"}').encode()
    head = (f"POST /{app}/set/{token} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(oversized)}\r\n\r\n").encode()
    status, content_type, body = send_raw(service.port, head, oversized)
    assert (status, content_type) == (413, JSON_TYPE), body
    assert json.loads(body)["name"] == "payloadTooLarge", body
    assert service.request("GET", "/ping").status == 200


def test_headers_over_the_limit_are_431_and_the_service_goes_on(service):
    status, _, _ = send_raw(service.port, b"GET /ping HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n")
    assert status == 431
    assert service.request("GET", "/ping").status == 200


def test_a_request_target_over_the_limit_is_414_and_the_service_goes_on(service):
    status, content_type, body = send_raw(service.port, b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    assert (status, content_type) == (414, JSON_TYPE), body
    assert json.loads(body) == {"name": "uriTooLong", "message": "URI Too Long"}
    assert service.request("GET", "/ping").status == 200


def test_keep_alive_serves_several_requests_on_one_connection(service, app):
    token = create(service, app)
    connection = http.client.HTTPConnection("127.0.0.1", service.port, timeout=10)
    try:
        for expected_reads in (1, 2, 3):
            connection.request("GET", f"/{app}/get/{token}")
            answer = connection.getresponse()
            assert json.loads(answer.read())["r"] == expected_reads
        connection.request("GET", "/nothing")
        answer = connection.getresponse()
        assert (answer.status, json.loads(answer.read())["name"]) == (404, "notFound")
        connection.request("GET", "/ping")
        assert connection.getresponse().read() == b"PONG"
    finally:
        connection.close()


def test_http_1_0_is_answered(service):
    status, content_type, body = send_raw(service.port, b"GET /ping HTTP/1.0\r\n\r\n")
    assert (status, content_type, body) == (200, TEXT_TYPE, b"PONG")


def test_query_plus_is_a_space_and_unknown_parameters_are_ignored(service, app):
    response = service.request("PUT", f"/{app}/create/user1?ip=a+b%2Bc&ttl=60&other=1")
    token = expect_json(response, 200)["token"]
    session = json.loads(get(service, app, token).body)
    assert (session["ip"], session["ttl"]) == ("a b+c", 60)
