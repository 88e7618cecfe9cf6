"""The executable's settings: precedence flag > env > file > default, and every invalid-value message."""
import json
import os
import re
import subprocess
import time
from pathlib import Path

import pytest

from api import create, create_target, expect_error, expect_json
from conftest import random_app
from processes import (
    EVENT_DEADLINE_SECONDS, STARTUP_DEADLINE_SECONDS, RedisServer, binary_path, free_port, http_request, service_environment, wait_until)
from resp import RespClient

# (file key, flag, env, invalid values, words the message must show about what is allowed)
INVALID = [
    ("host", "--host", "RS_HOST", ["bad host!", "-x-"], []),
    ("port", "--port", "RS_PORT", ["65536", "-1", "abc", "80.5"], ["65535"]),
    ("redisPort", "--redis-port", "RS_REDISPORT", ["0", "65536", "x"], ["65535"]),
    ("redisUrl", "--redis-url", "RS_REDISURL", ["http://127.0.0.1:6380", "redis://127.0.0.1:99999",
                                                "redis://127.0.0.1:6380/abc"], ["redis://"]),
    ("redisTimeoutMs", "--redis-timeout-ms", "RS_REDIS_TIMEOUT_MS", ["9", "60001"], ["10", "60000"]),
    ("namespace", "--namespace", "RS_NAMESPACE", ["a:b", "a b", "x" * 65], ["64"]),
    ("wipe", "--wipe", "RS_WIPE", ["5", "86401", "-1"], ["10", "86400"]),
    ("cacheTime", "--cache-time", "RS_CACHETIME", ["86401", "-1"], ["86400"]),
    ("cacheMax", "--cache-max", "RS_CACHEMAX", ["0", "1000001"], ["1000000"]),
    ("logLevel", "--log-level", "RS_LOGLEVEL", ["loud"], ["none", "error", "warning", "notice", "info",
                                                        "debug", "trace"]),
    ("maxHeaderBytes", "--max-header-bytes", "RS_MAX_HEADER_BYTES", ["1023", "1048577"], ["1024", "1048576"]),
    ("maxBodyBytes", "--max-body-bytes", "RS_MAX_BODY_BYTES", ["1023", "16777217"], ["1024", "16777216"]),
    ("maxConnections", "--max-connections", "RS_MAX_CONNECTIONS", ["0", "1000001"], ["1000000"]),
    ("threads", "--threads", "RS_THREADS", ["-1", "257", "two"], ["0", "256"]),
    ("busyPollUs", "--busy-poll-us", "RS_BUSY_POLL_US", ["-1", "10001", "0.5"], ["0", "10000"]),
    ("headerTimeout", "--header-timeout", "RS_HEADER_TIMEOUT", ["0", "601"], ["600"]),
    ("idleTimeout", "--idle-timeout", "RS_IDLE_TIMEOUT", ["0", "3601"], ["3600"]),
    ("shutdownTimeout", "--shutdown-timeout", "RS_SHUTDOWN_TIMEOUT", ["-1", "601"], ["600"]),
]
FILE_VALUES = {"port": 65536, "redisPort": 0, "redisTimeoutMs": 9, "wipe": 5, "cacheTime": 86401,
               "cacheMax": 0, "maxHeaderBytes": 1023, "maxBodyBytes": 16777217, "maxConnections": 0,
               "threads": 257, "busyPollUs": 10001, "headerTimeout": 601, "idleTimeout": 0, "shutdownTimeout": 601}


def run_to_exit(arguments=(), **settings):
    """Runs rest-sessions expecting it to stop by itself; returns (exit code, stderr).
    Redis is a port where nothing listens, in case start-up goes on against expectations."""
    environment = service_environment(free_port(), "unused", **{"RS_NAMESPACE": None, **settings})
    try:
        finished = subprocess.run([str(binary_path()), *arguments], env=environment, capture_output=True,
                                  text=True, timeout=15, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as running:
        raise AssertionError(f"rest-sessions kept running with {arguments} {settings}: {running.stderr}")
    return finished.returncode, finished.stderr


def expect_refusal(key, flag, env, value, allowed, arguments=(), **settings):
    if key == "redisPort":
        settings["RS_REDISURL"] = None  # the URL would override the port
    code, stderr = run_to_exit(arguments, **settings)
    assert code == 2, (code, stderr)
    assert any(name in stderr for name in (key, flag, env)), f"the message does not name {key}: {stderr!r}"
    assert str(value) in stderr, f"the message does not show {value!r}: {stderr!r}"
    for word in allowed:
        assert word in stderr, f"the message does not say what is allowed ({word}): {stderr!r}"


CASES = [(key, flag, env, value, allowed) for key, flag, env, values, allowed in INVALID for value in values]


@pytest.mark.parametrize("key,flag,env,value,allowed", CASES, ids=[f"{case[2]}={case[3]}" for case in CASES])
def test_an_invalid_env_value_stops_start_up_with_exit_2(key, flag, env, value, allowed):
    expect_refusal(key, flag, env, value, allowed, **{env: value})


@pytest.mark.parametrize("key,flag,env,value,allowed", CASES, ids=[f"{case[1]}={case[3]}" for case in CASES])
def test_an_invalid_flag_value_stops_start_up_with_exit_2(key, flag, env, value, allowed):
    expect_refusal(key, flag, env, value, allowed, [f"{flag}={value}"])


@pytest.mark.parametrize("key", sorted(FILE_VALUES))
def test_an_invalid_file_value_stops_start_up_with_exit_2(tmp_path, key):
    flag, env, allowed = next((flag, env, allowed) for name, flag, env, _, allowed in INVALID if name == key)
    config = tmp_path / "rest-sessions.json"
    config.write_text(json.dumps({key: FILE_VALUES[key]}))
    expect_refusal(key, flag, env, FILE_VALUES[key], allowed, ["--config", str(config)])


def test_an_empty_namespace_flag_is_refused():
    code, stderr = run_to_exit(["--namespace="])
    assert code == 2 and "namespace" in stderr.lower(), stderr


@pytest.mark.parametrize("content,expected", [
    ('{"port": 3000, "colour": "blue"}', "colour"),
    ('{"port": 3000,', "rest-sessions.json"),
    ('[1, 2]', "rest-sessions.json"),
    ('{"namespace": 7}', "namespace"),
])
def test_a_bad_config_file_stops_start_up_with_exit_2(tmp_path, content, expected):
    config = tmp_path / "rest-sessions.json"
    config.write_text(content)
    for arguments, settings in ((["--config", str(config)], {}), ([], {"RS_CONFIG": str(config)})):
        code, stderr = run_to_exit(arguments, **settings)
        assert code == 2 and expected in stderr, (code, stderr)


def test_a_missing_config_file_stops_start_up_with_exit_2(tmp_path):
    missing = tmp_path / "nowhere.json"
    code, stderr = run_to_exit(["--config", str(missing)])
    assert code == 2 and str(missing) in stderr, (code, stderr)


def test_the_refusal_reaches_a_non_blocking_stderr_that_is_full_at_first(tmp_path):
    """stderr shared with a parent that set O_NONBLOCK, its pipe full when the message is written:
    the service waits for room (up to a second) instead of losing the message on EAGAIN."""
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)
    filler = 0
    try:
        while True:
            filler += os.write(write_end, b"x" * 4096)
    except BlockingIOError:
        pass
    environment = service_environment(free_port(), "unused", RS_NAMESPACE=None)
    process = subprocess.Popen([str(binary_path()), "--config", str(tmp_path / "nowhere.json")], env=environment,
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=write_end)
    os.close(write_end)
    try:
        time.sleep(0.3)  # the service meets the full pipe first
        received = b""
        while chunk := os.read(read_end, 65536):  # ends when the service exits and closes its end
            received += chunk
        assert process.wait(timeout=15) == 2
    finally:
        process.kill()
        os.close(read_end)
    assert received[:filler] == b"x" * filler
    assert received[filler:].decode() == f"rest-sessions: cannot read config file {tmp_path / 'nowhere.json'}: No such file or directory\n"


def test_help_lists_every_setting_with_its_env_name_and_default():
    finished = subprocess.run([str(binary_path()), "--help"], capture_output=True, text=True, timeout=15)
    assert finished.returncode == 0, finished
    for _, flag, env, _, _ in INVALID:
        assert flag in finished.stdout and env in finished.stdout, f"{flag}/{env} missing from --help"
    for default in ("3000", "6379", "2000", "600", "5000", "16384", "65536", "10000"):
        assert default in finished.stdout, f"default {default} missing from --help"
    for flag in ("--config", "--socket", "RS_CONFIG", "RS_SOCKET"):
        assert flag in finished.stdout


def namespace_of_a_new_session(redis, service):
    """Creates a session and returns the namespace under which its hash landed in Redis."""
    app = random_app()
    token = create(service, app)
    keys = redis.command("KEYS", f"*:{app}:{token}")
    assert len(keys) == 1, keys
    expect_json(service.request("DELETE", f"/{app}/killall"), 200)
    return keys[0].split(":")[0]


def write_config(directory, name, **settings):
    path = directory / name
    path.write_text(json.dumps(settings))
    return path


def test_namespace_precedence_flag_over_env_over_file_over_default(launcher, redis, tmp_path):
    config = write_config(tmp_path, "file.json", namespace="fromfile")
    other = write_config(tmp_path, "other.json", namespace="fromotherfile")
    cases = [
        ([], {"RS_NAMESPACE": None}, "rs"),
        (["--config", str(config)], {"RS_NAMESPACE": None}, "fromfile"),
        ([], {"RS_NAMESPACE": None, "RS_CONFIG": str(config)}, "fromfile"),
        (["--config", str(other)], {"RS_NAMESPACE": None, "RS_CONFIG": str(config)}, "fromotherfile"),
        (["--config", str(config)], {"RS_NAMESPACE": "fromenv"}, "fromenv"),
        (["--config", str(config), "--namespace", "fromflag"], {"RS_NAMESPACE": "fromenv"}, "fromflag"),
        (["--namespace", "fromflag"], {"RS_NAMESPACE": None}, "fromflag"),
    ]
    for arguments, settings, expected in cases:
        service = launcher.start(arguments, **settings)
        assert namespace_of_a_new_session(redis, service) == expected, (arguments, settings)


def test_port_precedence_flag_over_env_over_file(launcher, tmp_path):
    file_port, env_port, flag_port = free_port(), free_port(), free_port()
    config = write_config(tmp_path, "ports.json", port=file_port)
    service = launcher.start(["--config", str(config)], port=file_port, pass_port=False)
    assert service.request("GET", "/ping").status == 200
    service = launcher.start(["--config", str(config)], port=env_port, pass_port=False, RS_PORT=env_port)
    assert service.request("GET", "/ping").status == 200
    service = launcher.start(["--config", str(config), "--port", str(flag_port)], port=flag_port,
                             pass_port=False, RS_PORT=free_port())
    assert service.request("GET", "/ping").status == 200


def test_redis_host_and_port_from_the_file_and_url_over_them(launcher, redis, redis_port, tmp_path):
    config = write_config(tmp_path, "redis.json", redisHost="127.0.0.1", redisPort=redis_port,
                          namespace="fromfileredis")
    service = launcher.start(["--config", str(config)], RS_REDISURL=None, RS_NAMESPACE=None)
    assert namespace_of_a_new_session(redis, service) == "fromfileredis"
    service = launcher.start([], RS_REDISPORT=free_port())
    assert service.request("GET", "/ping").status == 200, "RS_REDISURL must override RS_REDISPORT"


def test_redis_user_password_and_database_reach_a_protected_redis(launcher, tmp_path):
    """redisUsername, redisPassword and redisDb with redisHost and redisPort: the service logs in as
    an ACL user (the default user has another password) and keeps its sessions in that database;
    a wrong password is reported without being shown, and /ping answers 503."""
    server = RedisServer(tmp_path, password="admin secret")
    server.base_arguments += ["--user", "sessions", "on", ">user secret", "~*", "&*", "+@all"]
    server.start()
    try:
        settings = dict(RS_REDISURL=None, RS_REDISHOST="127.0.0.1", RS_REDISPORT=server.port,
                        RS_REDIS_USERNAME="sessions", RS_REDIS_DB=3)
        service = launcher.start(RS_REDIS_PASSWORD="user secret", **settings)
        app = random_app()
        token = create(service, app)
        with RespClient("127.0.0.1", server.port, password="admin secret") as admin:
            key = f"{service.namespace}:{app}:{token}"
            assert admin.command("EXISTS", key) == 0
            admin.command("SELECT", "3")
            assert admin.command("HGET", key, "id") is not None

        refused = launcher.start(RS_REDIS_PASSWORD="not the password", **settings)
        wait_until(lambda: "WRONGPASS" in refused.log, STARTUP_DEADLINE_SECONDS, "the refused AUTH in the log")
        assert refused.request("GET", "/ping").status == 503
        assert "not the password" not in refused.log
        # One line says why; the retries do not add a misleading NOAUTH about the scripts.
        time.sleep(1)
        assert "NOAUTH" not in refused.log and "preload" not in refused.log, refused.log

        # No password at all: the service reaches Redis, which refuses every command (NOAUTH):
        # 503 and a line that says so, not 500s.
        # (Database 0: with a SELECT the set-up itself is refused, and `Cannot connect` says NOAUTH.)
        unauthenticated = launcher.start(RS_REDISURL=None, RS_REDISHOST="127.0.0.1", RS_REDISPORT=server.port)
        expect_error(unauthenticated.request("PUT", create_target(app, "u1")), 503, "redisUnavailable")

        def refusal_logged():
            assert unauthenticated.request("GET", "/ping").status == 503
            return "Redis refuses commands" in unauthenticated.log and "NOAUTH" in unauthenticated.log
        wait_until(refusal_logged, STARTUP_DEADLINE_SECONDS, "the refusal in the log")
        assert "request failed" not in unauthenticated.log, unauthenticated.log
        # Redis drops the connection at each script call (more than 10 arguments, unauthenticated):
        # the service backs off and says so once, instead of reconnecting every 50 ms with three
        # lines each time.
        with RespClient("127.0.0.1", server.port, password="admin secret") as admin:
            def connections_received():
                stats = admin.command("INFO", "stats")
                return int(re.search(r"total_connections_received:(\d+)", stats).group(1))
            before = connections_received()
            # Two seconds at least; longer on a loaded machine (a stalled service), until the drops
            # have happened. The longer watch ends at the first reconnect, so the bound stays 16.
            started = time.monotonic()
            reconnects = 0
            while True:
                expect_error(unauthenticated.request("GET", f"/{app}/get/{'A' * 64}"), 503, "redisUnavailable")
                elapsed = time.monotonic() - started
                if elapsed >= 2:
                    reconnects = connections_received() - before
                    if reconnects >= 1 or elapsed >= EVENT_DEADLINE_SECONDS:
                        break
        assert 1 <= reconnects <= 16, f"{reconnects} reconnects in {elapsed:.1f} s"
        log = unauthenticated.log
        assert log.count("Lost the connection") == 1, log
        assert log.count("refused to preload") == 1, log
    finally:
        server.kill()


def test_socket_listens_in_addition_to_the_port(launcher, tmp_path):
    path = tmp_path / "rest-sessions.sock"
    service = launcher.start(["--socket", str(path)])
    answer = subprocess.run(["curl", "-sS", "--unix-socket", str(path), "http://localhost/ping"],
                            capture_output=True, text=True, timeout=15)
    assert answer.stdout == "PONG", answer
    assert http_request(service.port, "GET", "/ping").text == "PONG"


def test_log_level_none_silences_the_logs(launcher):
    service = launcher.start(["--log-level", "none"])
    service.request("GET", "/ping")
    service.request("GET", "/nothing")
    assert service.log == ""


def test_port_zero_picks_a_free_port_and_logs_it(launcher):
    service = launcher.start(["--port", "0"], pass_port=False, wait=False)

    def logged_port():
        for line in service.log.splitlines():
            found = re.search(r"listen.*:(\d+)\b", line, re.IGNORECASE)
            if found and int(found.group(1)) != 0:
                return int(found.group(1))
        return None
    service.port = wait_until(logged_port, STARTUP_DEADLINE_SECONDS, "the chosen port in the log")
    service.wait_until_answering()


def usable_processors_but_one():
    return max(1, len(os.sched_getaffinity(0)) - 1)


@pytest.mark.parametrize("threads", [1, 3, 0])
def test_threads_sets_how_many_event_loops_serve_http_and_redis(launcher, threads):
    service = launcher.start(["--threads", str(threads)])
    expected = threads or usable_processors_but_one()
    app = random_app()
    tokens = [create(service, app, user_id=f"user{index}") for index in range(20)]
    for token in tokens:
        expect_json(service.request("GET", f"/{app}/get/{token}"), 200)
    names = [Path(f"/proc/{service.process.pid}/task/{task}/comm").read_text().strip()
             for task in os.listdir(f"/proc/{service.process.pid}/task")]
    loops = sorted(name for name in names if re.fullmatch(r"rest-sessions-\d+", name))
    assert loops == [f"rest-sessions-{index}" for index in range(expected)], names


def test_an_rs_variable_that_names_no_setting_is_warned_about(launcher):
    service = launcher.start(RS_REDIS_PORT="6390", RS_LOG_LEVEL="warning", RS_SOMETHING="x")
    for line in ("RS_REDIS_PORT names no setting and is ignored; did you mean RS_REDISPORT?",
                 "RS_LOG_LEVEL names no setting and is ignored; did you mean RS_LOGLEVEL?",
                 "RS_SOMETHING names no setting and is ignored"):
        assert line in service.log, service.log
    assert "RS_SOMETHING names no setting and is ignored;" not in service.log
