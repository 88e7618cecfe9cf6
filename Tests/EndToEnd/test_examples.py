"""The point of the product: PHP, Python and Java app servers share one session through rest-sessions."""
import json
import os
import subprocess
import sys

from api import create_many, create_target, expect_json
from processes import REPOSITORY

EXAMPLES = REPOSITORY / "examples"
CLIENTS = {
    "php": ["php", str(EXAMPLES / "php/rest_sessions.php")],
    "python": [sys.executable, str(EXAMPLES / "python/rest_sessions.py")],
    "java": ["java", str(EXAMPLES / "java/Client.java")],
}


def run_client(service, language, *arguments, expect_exit=0, api_key=None):
    environment = dict(os.environ, REST_SESSIONS_URL=f"http://127.0.0.1:{service.port}")
    if api_key:
        environment["REST_SESSIONS_API_KEY"] = api_key
    finished = subprocess.run([*CLIENTS[language], *arguments], env=environment, capture_output=True, text=True,
                              timeout=120, stdin=subprocess.DEVNULL)  # Java compiles the client first: slow when loaded
    assert finished.returncode == expect_exit, (
        f"{language} client {arguments} exited with {finished.returncode}\n"
        f"stdout: {finished.stdout}\nstderr: {finished.stderr}")
    return finished.stdout.strip(), finished.stderr.strip()


def test_php_python_and_java_share_one_session(service, app):
    token, _ = run_client(service, "php", "create", app, "user42", "10.0.0.7", "", '{"lang":"de"}')
    assert len(token) == 64 and token.isalnum(), f"PHP create printed {token!r}"
    stored, _ = run_client(service, "php", "set", app, token, '{"cart":3,"php":"was here"}')
    assert json.loads(stored)["d"] == {"lang": "de", "cart": 3, "php": "was here"}, f"PHP set: {stored}"

    seen, _ = run_client(service, "python", "get", app, token)
    session = json.loads(seen)
    assert (session["id"], session["ip"], session["w"], session["r"]) == ("user42", "10.0.0.7", 2, 1), seen
    assert session["d"] == {"lang": "de", "cart": 3, "php": "was here"}, f"Python does not see PHP's write: {seen}"
    added, _ = run_client(service, "python", "set", app, token, '{"python":"too","cart":4.50,"lang":null}')
    assert json.loads(added)["d"] == {"cart": 4.5, "php": "was here", "python": "too"}, f"Python set: {added}"

    seen, _ = run_client(service, "java", "get", app, token)
    assert seen.startswith('{"id":"user42","r":2,"w":3,"ttl":7200,"idle":'), f"Java get: {seen}"
    assert seen.endswith(',"ip":"10.0.0.7","d":{"cart":4.5,"php":"was here","python":"too"}}'), \
        f"Java does not see both writes verbatim: {seen}"
    ended, _ = run_client(service, "java", "kill", app, token)
    assert json.loads(ended) == {"kill": 1}, f"Java kill: {ended}"

    gone, _ = run_client(service, "php", "get", app, token)
    assert gone == "{}", f"PHP still sees the killed session: {gone}"
    ended, _ = run_client(service, "python", "kill", app, token)
    assert json.loads(ended) == {"kill": 0}, f"Python kill of a gone session: {ended}"


def test_clients_read_a_large_listing_whole_and_report_one_cut_short(service, app, redis):
    create_many(service, app, 700, ids=1)  # about 98 KB of JSON: streamed, chunked
    for language in CLIENTS:
        listed, _ = run_client(service, language, "soid", app, "user0")
        assert sorted(session["d"]["n"] for session in json.loads(listed)["sessions"]) == list(range(700)), language
    # The session SSCAN reaches last is read in the listing's last batch, after more than 64 KiB
    # were sent: corrupt, it fails the listing there, and the answer is cut short.
    cursor, order = "0", []
    for _ in range(100):  # a walk of 700 members takes a few calls
        cursor, members = redis.command("SSCAN", f"{service.namespace}:{app}:us:user0", cursor, "COUNT", "250")
        order += members
        if cursor == "0":
            break
    assert cursor == "0" and len(set(order)) == 700, (cursor, len(order))
    redis.command("HSET", f"{service.namespace}:{app}:{order[-1]}", "d", "not json")
    for language in CLIENTS:
        printed, reported = run_client(service, language, "soid", app, "user0", expect_exit=1)
        assert printed == "" and reported.startswith("rest-sessions:"), (language, reported)
    assert "incompleteAnswer" in run_client(service, "python", "soid", app, "user0", expect_exit=1)[1]


def test_clients_report_service_errors(service):
    for language in CLIENTS:
        _, error = run_client(service, language, "get", "ab", "x" * 64, expect_exit=1)
        assert "400" in error and "Invalid app format" in error, f"{language}: {error}"


def test_clients_never_put_a_malformed_token_into_a_url(service, app):
    """A token comes from a cookie the caller controls: ../killall must not become a route (PHP's curl
    resolves the dots; nginx would too with a URI part in proxy_pass)."""
    token = expect_json(service.request("PUT", create_target(app, "bystander")), 200)["token"]
    for language in CLIENTS:
        ended, _ = run_client(service, language, "kill", app, "../killall")
        assert json.loads(ended) == {"kill": 0}, f"{language}: {ended}"
        for command in (["get", app, "../count?dt=600"], ["set", app, "../soid/bystander", '{"a":1}']):
            seen, _ = run_client(service, language, *command)
            assert seen == "{}", f"{language} {command}: {seen}"
    assert expect_json(service.request("GET", f"/{app}/get/{token}"), 200)["id"] == "bystander"


def test_clients_send_the_api_key_from_the_environment(launcher, app):
    key = "example-client-key-0123456789"
    service = launcher.start(RS_API_KEYS=key)
    for language in CLIENTS:
        _, error = run_client(service, language, "get", app, "x" * 64, expect_exit=1)
        assert "401" in error, f"{language} without a key: {error}"
        seen, _ = run_client(service, language, "get", app, "x" * 64, api_key=key)
        assert seen == "{}", f"{language} with the key: {seen}"


def test_an_empty_data_object_is_sent_as_an_object(service, app):
    token, _ = run_client(service, "php", "create", app, "user1", "10.0.0.7", "", "{}")
    assert len(token) == 64, token
    for language in CLIENTS:
        _, error = run_client(service, language, "set", app, token, "{}", expect_exit=1)
        assert "d must contain at least one key." in error, f"{language}: {error}"
