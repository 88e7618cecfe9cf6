"""Start-up and shutdown: SIGTERM ends the service gracefully with exit code 0."""
import http.client
import signal
import socket
import threading
import time

import pytest

from api import create, expect_json, get
from processes import EVENT_DEADLINE_SECONDS, wait_until
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


def held_in_redis(observer):
    """Whether a client of the paused Redis waits with a script (the get) held."""
    for line in observer.command("CLIENT", "LIST").splitlines():
        fields = dict(field.split("=", 1) for field in line.split(" ") if "=" in field)
        if "b" in fields.get("flags", "") and fields.get("cmd") == "evalsha":
            return True
    return False


def test_sigterm_lets_a_request_in_flight_finish_and_exits_0(launcher, redis_server_factory, app):
    server = redis_server_factory()
    # No wipe to hold in Redis beside the get; a grace period no slow step can outlast.
    service = launcher.start(redis_port=server.port, RS_WIPE=0, RS_SHUTDOWN_TIMEOUT=60)
    token = create(service, app)
    answers = []
    in_flight = threading.Thread(target=lambda: answers.append(get(service, app, token)))
    with RespClient("127.0.0.1", server.port) as observer:
        # Redis holds every write (the get's script is one) until unpaused, and still answers the
        # observer's CLIENT LIST: each step waits for the one before it, however slow the machine.
        observer.command("CLIENT", "PAUSE", "60000", "WRITE")
        try:
            in_flight.start()
            wait_until(lambda: held_in_redis(observer), EVENT_DEADLINE_SECONDS, "the get to be held in Redis")
            service.process.send_signal(signal.SIGTERM)
            wait_until(lambda: "SIGTERM received: stopping" in service.log, EVENT_DEADLINE_SECONDS,
                       "the service to start stopping")
            assert service.process.poll() is None, "the service exited with a request in flight"
        finally:
            observer.command("CLIENT", "UNPAUSE")
    assert service.stop() == 0
    in_flight.join(EVENT_DEADLINE_SECONDS)
    assert answers and answers[0].status == 200 and expect_json(answers[0], 200)["r"] == 1, answers


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGHUP], ids=["SIGINT", "SIGHUP"])
def test_sigint_and_sighup_stop_it_gracefully_as_well(launcher, sig):
    service = launcher.start()
    assert service.request("GET", "/ping").status == 200
    assert service.stop(sig) == 0
    assert f"{sig.name} received: stopping" in service.log


def test_started_with_sighup_ignored_as_nohup_does_it_stays_up_on_a_hangup(launcher):
    service = launcher.start(ignoring_sighup=True)
    service.process.send_signal(signal.SIGHUP)
    time.sleep(0.5)
    assert service.process.poll() is None and service.request("GET", "/ping").status == 200
    assert "SIGHUP" not in service.log
