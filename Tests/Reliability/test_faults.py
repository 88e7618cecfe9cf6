"""Faults under load, each with the figure it measured (make test-faults; docs/reliability.md):
Redis killed and restarted, Redis stalled, and misbehaving clients (slowloris, idle crowds, clients
that vanish mid-request). Every loop is bounded in count and time; all traffic stays on loopback."""
import socket
import struct
from contextlib import contextmanager
import threading
import time

from load import LoadGenerator
from measure import figure, open_descriptors, raise_own_descriptor_limit, rss_kib
from processes import wait_until
from resp import RespClient

COMMAND_DEADLINE_MS = 500
# Slack on top of the command deadline for a 503 to be "at the deadline" on a loaded 2-core machine.
ANSWER_SLACK_SECONDS = 1.5


def serving(load, since, count=20, what="the service to serve"):
    wait_until(lambda: load.successes_since(since) >= count, 30, what)


def full_service_from(result, moment):
    """Seconds from `moment` to the start of the first request after which every request succeeded."""
    later = sorted((o for o in result.outcomes if o.finished >= moment), key=lambda o: o.started)
    last_failure = max((index for index, o in enumerate(later) if o.status != 200), default=-1)
    assert last_failure + 1 < len(later), "the service never served again"
    return max(0.0, later[last_failure + 1].started - moment) if last_failure >= 0 else 0.0


@contextmanager
def loaded_service(launcher, redis_server_factory, app):
    """A service on a Redis of its own, already serving 8 looping clients."""
    server = redis_server_factory()
    service = launcher.start(redis_port=server.port, RS_REDIS_TIMEOUT_MS=COMMAND_DEADLINE_MS, RS_WIPE=0)
    with LoadGenerator(service.port, app, threads=8, seconds=120) as load:
        serving(load, 0)
        time.sleep(2)
        yield server, service, load


def test_redis_killed_and_restarted_under_load(launcher, redis_server_factory, app):
    with loaded_service(launcher, redis_server_factory, app) as (server, service, load):
        pid = service.process.pid
        killed_at = time.monotonic()
        server.kill()
        time.sleep(3)
        redis_server_factory(port=server.port)   # returns once the new Redis answers PING
        back_at = time.monotonic()
        serving(load, back_at, what="the service to serve again after Redis came back")
        time.sleep(2)
        result = load.stop()
    assert service.process.poll() is None and service.process.pid == pid, "the service restarted or died"
    failures = [o for o in result.outcomes if o.status != 200]
    assert failures, "killing Redis went unnoticed"
    assert all(o.status == 503 and o.name == "redisUnavailable" for o in failures), failures[:5]
    slowest_failure = max(o.finished - o.started for o in failures)
    assert slowest_failure <= COMMAND_DEADLINE_MS / 1000 + ANSWER_SLACK_SECONDS
    recovery = full_service_from(result, back_at)
    during = [o for o in result.outcomes if killed_at <= o.started < back_at]
    figure("redis-killed", f"{result.requests} requests at 8 connections; {len(during)} during the 3 s outage, "
           f"{sum(o.status == 503 for o in during)} of them 503; slowest 503 {slowest_failure * 1000:.0f} ms "
           f"(deadline {COMMAND_DEADLINE_MS} ms); full service {recovery * 1000:.0f} ms after Redis answered again; "
           f"no restart of the service")
    assert recovery <= 3.0, f"full service only {recovery:.2f} s after Redis was back"


def pipelined_burst(port, connections, requests_per_connection, target, results, timeout=15):
    """Each connection sends all its requests at once (pipelined) and counts the statuses."""
    def run():
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
            request = f"GET {target} HTTP/1.1\r\nHost: test\r\n\r\n".encode()
            connection.sendall(request * requests_per_connection)
            reader = connection.makefile("rb")
            for _ in range(requests_per_connection):
                status = int(reader.readline().split()[1])
                length = 0
                while (line := reader.readline()) not in (b"\r\n", b""):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                reader.read(length)
                results.append(status)
    threads = [threading.Thread(target=run) for _ in range(connections)]
    for thread in threads:
        thread.start()
    return threads


def test_redis_stalled_requests_fail_at_the_deadline_and_memory_stays_bounded(launcher, redis_server_factory, app):
    with loaded_service(launcher, redis_server_factory, app) as (server, service, load):
        pid = service.process.pid
        rss_before = rss_kib(pid)
        with RespClient("127.0.0.1", server.port) as redis:
            redis.command("CLIENT", "PAUSE", "4000", "ALL")
        stalled_at = time.monotonic()
        burst = []
        threads = pipelined_burst(service.port, 50, 40, f"/{app}/activity?dt=60", burst)
        rss_peak = rss_before
        while time.monotonic() < stalled_at + 4:
            rss_peak = max(rss_peak, rss_kib(pid))
            time.sleep(0.1)
        for thread in threads:
            thread.join(timeout=30)
        serving(load, time.monotonic(), what="the service to serve again after the stall")
        time.sleep(1)
        result = load.stop()
    rss_after = rss_kib(pid)
    during = [o for o in result.outcomes if stalled_at <= o.started < stalled_at + 4]
    failures = [o for o in result.outcomes if o.status != 200]
    assert all(o.status == 503 and o.name == "redisUnavailable" for o in failures), failures[:5]
    assert during and all(o.status == 503 for o in during if o.finished < stalled_at + 3.5)
    slowest = max(o.finished - o.started for o in during)
    assert slowest <= COMMAND_DEADLINE_MS / 1000 + ANSWER_SLACK_SECONDS, f"a request waited {slowest:.2f} s"
    assert len(burst) == 2000 and set(burst) <= {200, 503}, f"{len(burst)} burst answers: {set(burst)}"
    growth_mib = (rss_peak - rss_before) / 1024
    figure("redis-stalled", f"CLIENT PAUSE 4 s under 8 looping clients plus a burst of 2000 pipelined requests "
           f"on 50 connections: {len(during)} looping requests during the stall all 503 at the deadline, slowest "
           f"{slowest * 1000:.0f} ms (deadline {COMMAND_DEADLINE_MS} ms); burst {burst.count(503)} x 503, "
           f"{burst.count(200)} x 200; RSS {rss_before // 1024} MiB before, peak {rss_peak // 1024} MiB "
           f"(+{growth_mib:.1f} MiB), {rss_after // 1024} MiB after")
    assert growth_mib < 64, f"RSS grew by {growth_mib:.0f} MiB during the stall"


class Probe:
    """A well-behaved client: creates and reads sessions on a keep-alive connection."""

    def __init__(self, port, app):
        self.port, self.app = port, app

    def run(self, seconds, max_requests=2000):
        with LoadGenerator(self.port, self.app, threads=1, seconds=seconds, max_requests=max_requests,
                           request_timeout=5) as load:
            time.sleep(seconds)
            result = load.stop()
        assert result.requests > 0 and result.count(200) == result.requests, \
            f"the probe got {result.requests - result.count(200)} failed answers: {result.unexpected()[:5]}"
        return result


def test_two_thousand_slowloris_connections_do_not_starve_other_clients(launcher, app):
    raise_own_descriptor_limit(2500)
    service = launcher.start(RS_HEADER_TIMEOUT=30)
    baseline = open_descriptors(service.process.pid)
    sockets = []
    try:
        for _ in range(2000):
            connection = socket.create_connection(("127.0.0.1", service.port), timeout=5)
            connection.sendall(b"GET /ping HTTP/1.1\r\nHost: slow\r\n")
            sockets.append(connection)
        deadline = time.monotonic() + 6
        result = None
        probe = threading.Thread(target=lambda: setattr(test_two_thousand_slowloris_connections_do_not_starve_other_clients,
                                                        "result", Probe(service.port, app).run(5)))
        probe.start()
        trickled = 0
        while time.monotonic() < deadline:   # one more header byte per connection every second
            for connection in sockets:
                connection.sendall(b"X")
                trickled += 1
            time.sleep(1)
        probe.join(timeout=30)
        result = test_two_thousand_slowloris_connections_do_not_starve_other_clients.result
        held = open_descriptors(service.process.pid) - baseline
    finally:
        for connection in sockets:
            connection.close()
    wait_until(lambda: open_descriptors(service.process.pid) <= baseline + 2, 20, "the service to close the slow connections")
    figure("slowloris", f"2000 connections trickling header bytes ({trickled} sends over 6 s, {held} descriptors held "
           f"by the service): the probe got {result.requests} answers, all 200, slowest {result.slowest() * 1000:.0f} ms; "
           f"descriptors back to baseline ({baseline}) after they closed")


def test_ten_thousand_idle_connections_do_not_starve_other_clients(launcher, app):
    raise_own_descriptor_limit(10_500)
    service = launcher.start(RS_MAX_CONNECTIONS=10_100, RS_HEADER_TIMEOUT=60)
    pid = service.process.pid
    baseline, rss_before = open_descriptors(pid), rss_kib(pid)
    sockets = []
    try:
        for _ in range(10_000):
            sockets.append(socket.create_connection(("127.0.0.1", service.port), timeout=5))
        # The baseline may still count the start-up /ping connection, hence the small margin.
        wait_until(lambda: open_descriptors(pid) >= baseline + 9_995, 30, "the service to accept 10,000 connections")
        rss_held = rss_kib(pid)
        result = Probe(service.port, app).run(3)
    finally:
        for connection in sockets:
            connection.close()
    wait_until(lambda: open_descriptors(pid) <= baseline + 2, 30, "the service to close the idle connections")
    figure("idle-connections", f"10,000 idle connections held (RSS {rss_before // 1024} → {rss_held // 1024} MiB): "
           f"the probe got {result.requests} answers, all 200, slowest {result.slowest() * 1000:.0f} ms; "
           f"descriptors back to baseline ({baseline}) after they closed")


def vanish(port, payload):
    """Sends payload, then resets the connection (SO_LINGER 0) without reading anything."""
    connection = socket.create_connection(("127.0.0.1", port), timeout=5)
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    connection.sendall(payload)
    connection.close()


def test_clients_vanishing_mid_request_do_not_disturb_others(launcher, app):
    service = launcher.start()
    pid = service.process.pid
    baseline = open_descriptors(pid)
    payloads = [
        f"PUT /{app}/create/u1?ip=1.2.3.4 HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{{\"a\":".encode(),  # half a body
        f"GET /{app}/activity?dt=60 HTTP/1.1\r\nHost: x\r\n\r\n".encode(),      # whole request, answer never read
        f"PUT /{app}/create/u1?ip=1.2.3.4 HTTP/1.1\r\nHost: x\r\n".encode(),    # half the headers
        f"GET /ping HTTP/1.1\r\nHost: x\r\n\r\n".encode() * 50,                 # pipelined, then gone
    ]
    stop = threading.Event()
    vanished = 0

    def vanish_repeatedly():
        nonlocal vanished
        while not stop.is_set() and vanished < 4000:
            vanish(service.port, payloads[vanished % len(payloads)])
            vanished += 1
    threads = [threading.Thread(target=vanish_repeatedly) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        result = Probe(service.port, app).run(5)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    wait_until(lambda: open_descriptors(pid) <= baseline + 2, 20, "the service to release the vanished connections")
    figure("vanishing-clients", f"{vanished} clients reset their connection mid-request (half bodies, half headers, "
           f"unread answers, 50 pipelined requests): the probe got {result.requests} answers, all 200, slowest "
           f"{result.slowest() * 1000:.0f} ms; descriptors back to baseline ({baseline})")
