"""config/nginx.conf works: real nginx on loopback proxies its session API to the service over keepalive,
passing paths exactly as sent, keeps that API off the public site, and guards an app with auth_request."""
import http.client
import json
import os
import re
import shutil
from collections import namedtuple
import subprocess
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from api import age_session, create_many, create_target, expect_json, one_of, since, timed
from processes import REPOSITORY, free_port, http_request, wait_until

EXAMPLE = (REPOSITORY / "config/nginx.conf").read_text()
TCP_UPSTREAM = "server 127.0.0.1:3000;"
SOCKET_VARIANT = "# server unix:/run/rest-sessions/rest-sessions.sock;"


def tcp_upstream(port):
    assert TCP_UPSTREAM in EXAMPLE
    return EXAMPLE.replace(TCP_UPSTREAM, f"server 127.0.0.1:{port};")


def socket_upstream(path):
    """The example with its commented Unix-socket variant in use instead of the TCP server."""
    assert TCP_UPSTREAM in EXAMPLE and SOCKET_VARIANT in EXAMPLE
    return EXAMPLE.replace(TCP_UPSTREAM, "", 1).replace(SOCKET_VARIANT, f"server unix:{path};")


SITE_LISTEN = "listen 8080;"
API_LISTEN = "listen 127.0.0.1:8081;"
Ports = namedtuple("Ports", "site api")


def localize(config, ports, prefix):
    """Changes the listen ports and adds what nginx needs to run without root's log and temp paths."""
    assert SITE_LISTEN in config and API_LISTEN in config
    config = config.replace(SITE_LISTEN, f"listen 127.0.0.1:{ports.site};").replace(API_LISTEN, f"listen 127.0.0.1:{ports.api};")
    paths = "".join(f"    {name}_temp_path {prefix}/{name}_temp;\n"
                    for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return re.sub(r"^http \{\n", f"http {{\n    access_log {prefix}/access.log;\n{paths}", config, count=1,
                  flags=re.MULTILINE)


@pytest.fixture
def scratch():
    """A directory every user can reach: as root, nginx's workers run as nobody."""
    directory = Path(tempfile.mkdtemp(prefix="rs-nginx-"))
    directory.chmod(0o755)
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def nginx(scratch):
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    assert os.path.exists(binary), "nginx is not installed (scripts/setup.sh test installs it)"
    processes = []

    def start(config_text):
        ports = Ports(site=free_port(), api=free_port())
        config = scratch / "nginx.conf"
        config.write_text(localize(config_text, ports, scratch))
        command = [binary, "-p", str(scratch), "-e", str(scratch / "error.log"), "-c", str(config)]
        check = subprocess.run([*command, "-t", "-g", f"pid {scratch}/nginx.pid;"], capture_output=True,
                               text=True, timeout=30)
        assert check.returncode == 0, check.stderr
        process = subprocess.Popen([*command, "-g", f"daemon off; pid {scratch}/nginx.pid;"],
                                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        processes.append(process)

        def answers():
            if process.poll() is not None:
                raise AssertionError(f"nginx exited: {(scratch / 'error.log').read_text()}")
            try:
                return http_request(ports.api, "GET", "/ping", timeout=2)
            except OSError:
                return None
        wait_until(answers, 20, "nginx to answer")
        return ports

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=20)


def session_round_trip(port, app):
    answer, created = timed(lambda: http_request(port, "PUT", create_target(app, "via nginx", ttl=60),
                                                 '{"cart":120.55}', {"Content-Type": "application/json"}))
    token = expect_json(answer, 200)["token"]
    response, read = timed(lambda: http_request(port, "GET", f"/{app}/get/{token}"))
    assert re.fullmatch(r'\{"id":"via nginx","r":1,"w":1,"ttl":60,"idle":' + one_of(since(read, created)) +
                        r',"ip":"10\.0\.0\.7","d":\{"cart":120\.55\}\}', response.text), response
    assert response.content_type == "application/json; charset=utf-8", response
    expect_json(http_request(port, "POST", f"/{app}/set/{token}", '{"n":1}'), 200)
    expect_json(http_request(port, "DELETE", f"/{app}/kill/{token}"), 200, '{"kill":1}')
    expect_json(http_request(port, "GET", f"/{app}/get/{token}"), 200, "{}")
    error = expect_json(http_request(port, "GET", f"/{app}/get/short"), 400)
    assert error["name"] == "invalidFormat"


def established_connections_to(port):
    """Open TCP connections whose remote end is 127.0.0.1:port (from /proc/net/tcp, state 01)."""
    remote = f"0100007F:{port:04X}"
    with open("/proc/net/tcp") as table:
        return sum(1 for line in table.readlines()[1:] if line.split()[2] == remote and line.split()[3] == "01")


def test_nginx_example_proxies_over_tcp_with_keepalive(nginx, service, app):
    ports = nginx(tcp_upstream(service.port))
    ping = http_request(ports.api, "GET", "/ping")
    assert (ping.status, ping.text) == (200, "PONG"), ping
    for _ in range(3):  # later rounds go over the upstream connections kept alive by earlier ones
        session_round_trip(ports.api, app)
    # Every client connection is closed by now: what stays open is nginx's keepalive pool.
    assert established_connections_to(service.port) >= 1, "nginx keeps no connection open to the service"


def test_nginx_example_proxies_over_its_unix_socket_variant(nginx, launcher, scratch, app):
    socket_path = scratch / "rest-sessions.sock"
    launcher.start(["--socket", str(socket_path)])
    socket_path.chmod(0o777)  # as root, nginx's workers (nobody) connect to it
    ports = nginx(socket_upstream(socket_path))
    session_round_trip(ports.api, app)


def test_the_public_site_has_no_route_to_the_session_api(nginx, service, app):
    ports = nginx(tcp_upstream(service.port))
    token = expect_json(service.request("PUT", create_target(app, "kept")), 200)["token"]
    for method, path in [("DELETE", f"/{app}/killall"), ("GET", f"/{app}/get/{token}"), ("GET", "/ping"),
                         ("DELETE", f"/sessions/{app}/killall"), ("GET", "/metrics")]:
        answer = http_request(ports.site, method, path)
        # nginx's own page (404, or 405 for a DELETE of a file), never the service's JSON.
        assert answer.status in (404, 405) and "application/json" not in (answer.content_type or ""), (path, answer)
    assert expect_json(service.request("GET", f"/{app}/get/{token}"), 200)["id"] == "kept"


def test_the_session_api_passes_paths_as_sent(nginx, service, app):
    """Not decoded or normalised on the way: a token that tries to climb out stays one bad token, and
    an id with a slash stays one id."""
    ports = nginx(tcp_upstream(service.port))
    expect_json(service.request("PUT", create_target(app, "bystander")), 200)
    for method, path in [("DELETE", f"/{app}/kill/..%2Fkillall"), ("GET", f"/{app}/get/..%2Fsoid%2Fbystander")]:
        error = expect_json(http_request(ports.api, method, path), 400)
        assert error == {"name": "invalidFormat", "message": "Invalid token format"}, (path, error)
    expect_json(http_request(ports.api, "PUT", f"/{app}/create/a%2Fb?ip=10.0.0.7"), 200)
    listed = expect_json(http_request(ports.api, "GET", f"/{app}/soid/a%2Fb"), 200)["sessions"]
    assert [session["id"] for session in listed] == ["a/b"], listed
    assert len(expect_json(service.request("GET", f"/{app}/soid/bystander"), 200)["sessions"]) == 1


def test_a_streamed_listing_passes_through_nginx_whole_or_visibly_cut(nginx, service, app, redis):
    ports = nginx(tcp_upstream(service.port))
    tokens = create_many(service, app, 700)
    listed = expect_json(http_request(ports.api, "GET", f"/{app}/soapp?dt=600"), 200)["sessions"]
    assert sorted(entry["d"]["n"] for entry in listed) == list(range(700))
    # A failure after the first part: nginx passes the cut on (it cannot send a status any more).
    age_session(redis, service.namespace, app, tokens[0], "user0", 100)
    redis.command("HSET", f"{service.namespace}:{app}:{tokens[0]}", "d", "not json")
    with pytest.raises(http.client.IncompleteRead):
        http_request(ports.api, "GET", f"/{app}/soapp?dt=600")


def test_docker_compose_points_the_same_example_at_its_service():
    compose = (REPOSITORY / "config/docker-compose.yml").read_text()
    command = re.search(r"sed ((?:-e '[^']+' ?)+)\s*/etc/rest-sessions/nginx.conf", compose)
    assert command and "./nginx.conf:/etc/rest-sessions/nginx.conf" in compose, compose
    expressions = re.findall(r"-e '([^']+)'", command.group(1))
    rendered = subprocess.run(["sed", *[part for expression in expressions for part in ("-e", expression)]],
                              input=EXAMPLE, capture_output=True, text=True, check=True).stdout
    assert "server rest-sessions:3000;" in rendered and TCP_UPSTREAM not in rendered
    # The session API on the compose network, which compose does not publish; the site is.
    assert "listen 8081;" in rendered and API_LISTEN not in rendered
    assert '"8080:8080"' in compose and "8081:" not in compose


APP_BACKEND = "server 127.0.0.1:8000;"
API_KEY_LINE = '# proxy_set_header X-Api-Key "YOUR-KEY";'
GUARD_KEY = "nginx-guard-key-0123456789"


@pytest.fixture
def backend():
    """The guarded app: answers every GET with the request headers it received, as JSON."""
    class Echo(BaseHTTPRequestHandler):
        def do_GET(self):
            body = json.dumps({name.lower(): value for name, value in self.headers.items()}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *arguments):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def guarded(service_port, backend_port, api_key=None):
    """The example as it is, pointed at the service and the backend; with api_key its X-Api-Key line in use."""
    assert APP_BACKEND in EXAMPLE and API_KEY_LINE in EXAMPLE
    config = tcp_upstream(service_port).replace(APP_BACKEND, f"server 127.0.0.1:{backend_port};")
    return config.replace(API_KEY_LINE, f'proxy_set_header X-Api-Key "{api_key}";') if api_key else config


def backend_saw(response):
    assert response.status == 200, response
    return json.loads(response.body)


def test_nginx_auth_request_lets_only_live_sessions_through(nginx, service, backend):
    port = nginx(guarded(service.port, backend)).site
    assert http_request(port, "GET", "/app/orders").status == 401
    assert http_request(port, "GET", "/app/orders", headers={"X-Session-Id": "admin"}).status == 401
    login = backend_saw(http_request(port, "GET", "/app/login"))
    assert "x-session-id" not in login
    token = expect_json(service.request("PUT", create_target("webshop", "user 7", ttl=60)), 200)["token"]
    seen = backend_saw(http_request(port, "GET", "/app/orders", headers={"Cookie": f"lang=de; sid={token}",
                                                                        "X-Session-Id": "admin"}))
    assert seen["x-session-id"] == "user%207", seen
    assert "x-session-token" not in seen and seen["cookie"] == f"lang=de; sid={token}"
    bearer = backend_saw(http_request(port, "GET", "/app/profile", headers={"Authorization": f"Bearer {token}"}))
    assert bearer["x-session-id"] == "user%207"
    assert http_request(port, "GET", "/app/orders", headers={"Cookie": "sid=" + "x" * 64}).status == 401
    expect_json(service.request("DELETE", f"/webshop/kill/{token}"), 200, '{"kill":1}')
    assert http_request(port, "GET", "/app/orders", headers={"Cookie": f"sid={token}"}).status == 401


def test_nginx_auth_request_sends_the_api_key_the_service_requires(nginx, launcher, backend):
    service = launcher.start(RS_API_KEYS=f"{GUARD_KEY}:webshop")
    token = expect_json(service.request("PUT", create_target("webshop", "user8", ttl=60),
                                        headers={"X-Api-Key": GUARD_KEY}), 200)["token"]
    with_key = nginx(guarded(service.port, backend, api_key=GUARD_KEY)).site
    assert backend_saw(http_request(with_key, "GET", "/app/x", headers={"Cookie": f"sid={token}"}))["x-session-id"] == "user8"
    without_key = nginx(guarded(service.port, backend)).site
    assert http_request(without_key, "GET", "/app/x", headers={"Cookie": f"sid={token}"}).status == 401
