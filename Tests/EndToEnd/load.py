"""A steady stream of creates and gets through the real binary, recording every answer."""
import http.client
import json
import random
import threading
import time
from dataclasses import dataclass, field

from api import create_target

UNAVAILABLE_NAMES = {"redisUnavailable", "replicationTimeout"}


@dataclass
class Outcome:
    started: float
    finished: float
    operation: str
    status: int          # 0: no HTTP answer (connection error or client timeout)
    name: str = ""       # the error body's name, for non-200 answers


@dataclass
class LoadResult:
    outcomes: list = field(default_factory=list)
    acknowledged: list = field(default_factory=list)   # tokens whose create answered 200
    lost_reads: list = field(default_factory=list)     # acknowledged tokens a get answered {} for

    @property
    def requests(self):
        return len(self.outcomes)

    def count(self, status):
        return sum(1 for outcome in self.outcomes if outcome.status == status)

    def unexpected(self):
        """Answers other than 200 and a JSON 503 saying Redis or its replicas are unavailable."""
        return [o for o in self.outcomes if o.status != 200 and not (o.status == 503 and o.name in UNAVAILABLE_NAMES)]

    def longest_outage(self):
        """Seconds from the start of the first failed request of the longest failing stretch to the end
        of the last (0 when nothing failed): how long clients went without service."""
        longest, outage_start = 0.0, None
        for outcome in sorted(self.outcomes, key=lambda o: o.started):
            if outcome.status != 200:
                outage_start = outcome.started if outage_start is None else outage_start
                longest = max(longest, outcome.finished - outage_start)
            else:
                outage_start = None
        return longest

    def slowest(self):
        return max((o.finished - o.started for o in self.outcomes), default=0.0)


class LoadGenerator:
    """`threads` keep-alive clients, each looping create → get (of a random token it created) until
    stop() or `seconds` or `max_requests` per thread, whichever comes first."""

    def __init__(self, port, app, threads=4, seconds=60, max_requests=100_000, request_timeout=10):
        self.port, self.app = port, app
        self.deadline = time.monotonic() + seconds
        self.max_requests = max_requests
        self.request_timeout = request_timeout
        self.result = LoadResult()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(index,), daemon=True) for index in range(threads)]

    def __enter__(self):
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *_):
        self.stop()

    def stop(self):
        self._stopping.set()
        for thread in self._threads:
            thread.join(timeout=self.request_timeout + 5)
        return self.result

    def successes_since(self, moment):
        with self._lock:
            return sum(1 for o in self.result.outcomes if o.status == 200 and o.started >= moment)

    def _run(self, index):
        connection = None
        mine = []
        for request in range(self.max_requests):
            if self._stopping.is_set() or time.monotonic() > self.deadline:
                break
            if connection is None:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.request_timeout)
            if request % 2 == 0 or not mine:
                status, body, outcome = self._call(connection, "create", "PUT",
                                                   create_target(self.app, f"user{index}", ttl=3600))
                if status == 200:
                    token = json.loads(body)["token"]
                    mine.append(token)
                    with self._lock:
                        self.result.acknowledged.append(token)
            else:
                token = random.choice(mine)
                status, body, outcome = self._call(connection, "get", "GET", f"/{self.app}/get/{token}")
                if status == 200 and body == b"{}":
                    with self._lock:
                        self.result.lost_reads.append(token)
            with self._lock:
                self.result.outcomes.append(outcome)
            if status == 0:
                connection.close()
                connection = None
        if connection is not None:
            connection.close()

    def _call(self, connection, operation, method, target):
        started = time.monotonic()
        try:
            connection.request(method, target)
            answer = connection.getresponse()
            body = answer.read()
            status = answer.status
        except (OSError, http.client.HTTPException):
            return 0, b"", Outcome(started, time.monotonic(), operation, 0, "no answer")
        name = ""
        if status != 200:
            try:
                name = json.loads(body).get("name", "")
            except ValueError:
                name = "(not JSON)"
        return status, body, Outcome(started, time.monotonic(), operation, status, name)
