"""Soak (make soak; not in make test): mixed load at 50 keep-alive connections for RS_SOAK_SECONDS
(default 600). After the warm-up, RSS may grow by less than 10 %; no answer may be an error; once the
clients are gone the service's descriptors are back to their baseline."""
import http.client
import json
import os
import threading
import time

from measure import figure, open_descriptors, rss_kib
from processes import wait_until

SECONDS = float(os.environ.get("RS_SOAK_SECONDS", "600"))
WARM_UP_SECONDS = float(os.environ.get("RS_SOAK_WARMUP", "60"))
CONNECTIONS = 50
MAXIMUM_ROUNDS_PER_CONNECTION = 10_000_000   # the time bound ends the loops; this bounds them in count


class MixedClient(threading.Thread):
    """create (with data) → get → set → get → soid, activity every tenth round → kill, repeated."""

    def __init__(self, port, app, index, deadline):
        super().__init__(daemon=True)
        self.port, self.app, self.index, self.deadline = port, app, index, deadline
        self.requests = 0
        self.errors = []

    def call(self, connection, method, target, body=None):
        headers = {"Content-Type": "application/json"} if body is not None else {}
        connection.request(method, target, body=body, headers=headers)
        answer = connection.getresponse()
        payload = answer.read()
        self.requests += 1
        if answer.status != 200:
            self.errors.append((method, target, answer.status, payload[:200]))
        return payload

    def run(self):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        user = f"soak{self.index}"
        try:
            for round_number in range(MAXIMUM_ROUNDS_PER_CONNECTION):
                if time.monotonic() > self.deadline or len(self.errors) > 100:
                    break
                created = self.call(connection, "PUT", f"/{self.app}/create/{user}?ip=10.0.0.{self.index}&ttl=600",
                                    json.dumps({"round": round_number, "name": "soak"}))
                token = json.loads(created).get("token")
                if not token:
                    continue
                self.call(connection, "GET", f"/{self.app}/get/{token}")
                self.call(connection, "POST", f"/{self.app}/set/{token}", json.dumps({"cart": round_number, "name": None}))
                self.call(connection, "GET", f"/{self.app}/get/{token}")
                if round_number % 10 == 0:
                    self.call(connection, "GET", f"/{self.app}/soid/{user}")
                    self.call(connection, "GET", f"/{self.app}/activity?dt=60")
                self.call(connection, "DELETE", f"/{self.app}/kill/{token}")
        except (OSError, http.client.HTTPException) as error:
            self.errors.append(("connection", repr(error)))
        finally:
            connection.close()


def test_soak_mixed_load_keeps_memory_and_descriptors_flat(launcher, app):
    service = launcher.start(RS_LOGLEVEL="notice")
    pid = service.process.pid
    time.sleep(1)
    baseline_descriptors = open_descriptors(pid)
    started = time.monotonic()
    clients = [MixedClient(service.port, app, index, started + SECONDS) for index in range(CONNECTIONS)]
    for client in clients:
        client.start()
    time.sleep(min(WARM_UP_SECONDS, SECONDS / 2))
    rss_warm = rss_kib(pid)
    samples = []
    while any(client.is_alive() for client in clients) and time.monotonic() < started + SECONDS + 30:
        samples.append(rss_kib(pid))
        time.sleep(5)
    for client in clients:
        client.join(timeout=30)
    rss_end = rss_kib(pid)
    wait_until(lambda: open_descriptors(pid) <= baseline_descriptors, 30, "the descriptors to return to their baseline")
    requests = sum(client.requests for client in clients)
    errors = [error for client in clients for error in client.errors]
    growth = (rss_end - rss_warm) / rss_warm * 100
    elapsed = time.monotonic() - started
    figure("soak", f"{elapsed:.0f} s at {CONNECTIONS} connections: {requests} requests ({requests / elapsed:.0f}/s), "
           f"{len(errors)} errors; RSS {rss_warm / 1024:.1f} MiB after {WARM_UP_SECONDS:.0f} s warm-up, "
           f"{max(samples, default=rss_end) / 1024:.1f} MiB peak, {rss_end / 1024:.1f} MiB at the end ({growth:+.1f} %); "
           f"descriptors {baseline_descriptors} before, {open_descriptors(pid)} after")
    assert not errors, f"{len(errors)} error answers, e.g. {errors[:5]}"
    assert growth < 10, f"RSS grew by {growth:.1f} % after the warm-up"
