"""Start-up and shutdown: SIGTERM ends the service gracefully with exit code 0."""
import http.client
import signal
import socket
import threading
import time

from api import create, expect_json, get
from resp import RespClient


def test_sigterm_with_an_idle_keep_alive_connection_exits_0_and_closes_the_port(launcher):
    service = launcher.start()
    idle = http.client.HTTPConnection("127.0.0.1", service.port, timeout=10)
    idle.request("GET", "/ping")
    assert idle.getresponse().read() == b"PONG"
    assert service.stop(signal.SIGTERM) == 0
    idle.close()
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", service.port)) != 0, "the port still accepts after exit"


def test_startup_logs_version_addresses_redis_and_namespace(launcher):
    service = launcher.start(RS_REDISURL=None, RS_REDISHOST="127.0.0.1",
                             RS_REDISPORT=str(launcher.redis_port))
    log = service.log
    assert str(service.port) in log and str(launcher.redis_port) in log and service.namespace in log, log


def test_sigterm_lets_a_request_in_flight_finish_and_exits_0(launcher, redis_server_factory, app):
    server = redis_server_factory()
    service = launcher.start(redis_port=server.port)
    token = create(service, app)
    with RespClient("127.0.0.1", server.port) as client:
        client.command("CLIENT", "PAUSE", "1000", "ALL")  # holds the next request inside Redis for a second
    answers = []
    in_flight = threading.Thread(target=lambda: answers.append(get(service, app, token)))
    in_flight.start()
    time.sleep(0.3)  # ordering only: lets the request reach the service before the signal
    assert service.stop() == 0
    in_flight.join(10)
    assert answers and answers[0].status == 200 and expect_json(answers[0], 200)["r"] == 1, answers


def test_sigint_exits_0_as_well(launcher):
    service = launcher.start()
    assert service.request("GET", "/ping").status == 200
    assert service.stop(signal.SIGINT) == 0
