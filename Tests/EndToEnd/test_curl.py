"""Smoke test with curl, one of the service's real clients: the README's API lines as they are written."""
import json
import re
import subprocess

from api import one_of, since, timed


def curl(service, *arguments):
    finished = subprocess.run(["curl", "-sS", "--max-time", "10", "-w", "\n%{http_code} %{content_type}",
                               *arguments], capture_output=True, text=True, timeout=20)
    assert finished.returncode == 0, finished.stderr
    body, _, status_line = finished.stdout.rpartition("\n")
    status, _, content_type = status_line.partition(" ")
    return int(status), content_type, body


def test_curl_create_get_set_kill(service, app):
    base = f"http://127.0.0.1:{service.port}"
    (status, content_type, body), created = timed(lambda: curl(
        service, "-X", "PUT", "--json", '{"cart":3}', f"{base}/{app}/create/user1?ip=10.0.0.7&ttl=3600"))
    assert (status, content_type) == (200, "application/json; charset=utf-8"), body
    token = json.loads(body)["token"]
    (status, _, body), read = timed(lambda: curl(service, f"{base}/{app}/get/{token}"))
    assert status == 200 and re.fullmatch(r'\{"id":"user1","r":1,"w":1,"ttl":3600,"idle":' + one_of(since(read, created)) +
                                          r',"ip":"10\.0\.0\.7","d":\{"cart":3\}\}', body), body
    status, _, body = curl(service, "-X", "POST", "-H", "Content-Type: application/json", "-d", '{"cart":4}',
                           f"{base}/{app}/set/{token}")
    assert status == 200 and json.loads(body)["d"] == {"cart": 4}, body
    status, _, body = curl(service, "--json", '{"coupon":"X1"}', f"{base}/{app}/set/{token}")
    assert status == 200 and json.loads(body)["w"] == 3, body
    status, _, body = curl(service, f"{base}/{app}/soid/user1")
    assert status == 200 and [s["id"] for s in json.loads(body)["sessions"]] == ["user1"], body
    status, _, body = curl(service, f"{base}/{app}/activity?dt=600")
    assert (status, body) == (200, '{"activity":1}')
    status, _, body = curl(service, f"{base}/{app}/soapp?dt=600")
    assert status == 200 and len(json.loads(body)["sessions"]) == 1, body
    status, _, body = curl(service, "-X", "DELETE", f"{base}/{app}/kill/{token}")
    assert (status, body) == (200, '{"kill":1}')
    status, _, body = curl(service, "-X", "DELETE", f"{base}/{app}/killsoid/user1")
    assert (status, body) == (200, '{"kill":0}')
    status, _, body = curl(service, "-X", "DELETE", f"{base}/{app}/killall")
    assert (status, body) == (200, '{"kill":0}')
    status, content_type, body = curl(service, f"{base}/ping")
    assert (status, content_type, body) == (200, "text/plain; charset=utf-8", "PONG")


def test_curl_form_post_is_refused_with_a_clear_415(service, app):
    """`curl -d` without a Content-Type sends a form: the service says what is wrong."""
    base = f"http://127.0.0.1:{service.port}"
    status, _, body = curl(service, "-X", "PUT", f"{base}/{app}/create/user1?ip=10.0.0.7")
    token = json.loads(body)["token"]
    status, content_type, body = curl(service, "-d", '{"cart":4}', f"{base}/{app}/set/{token}")
    assert (status, content_type) == (415, "application/json; charset=utf-8"), body
    assert json.loads(body)["name"] == "unsupportedMediaType"


def test_curl_head_and_options(service):
    base = f"http://127.0.0.1:{service.port}"
    finished = subprocess.run(["curl", "-sS", "-I", f"{base}/ping"], capture_output=True, text=True, timeout=20)
    assert finished.stdout.startswith("HTTP/1.1 200"), finished.stdout
    finished = subprocess.run(["curl", "-sS", "-i", "-X", "OPTIONS", f"{base}/some_app/get/{'A' * 64}"],
                              capture_output=True, text=True, timeout=20)
    assert finished.stdout.startswith("HTTP/1.1 204") and re.search(r"(?im)^allow:.*GET", finished.stdout), \
        finished.stdout
