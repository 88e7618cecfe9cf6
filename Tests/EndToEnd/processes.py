"""The processes the end-to-end tests run: the rest-sessions binary and redis-servers of their own."""
import http.client
import os
import resource
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from resp import RedisReplyError, RespClient

REPOSITORY = Path(__file__).resolve().parents[2]
# Bounds on waiting for something to happen (never timing assertions): generous, since a loaded
# 2-core machine is slow to get there, and a wait that holds ends as soon as it does.
STARTUP_DEADLINE_SECONDS = 60
EVENT_DEADLINE_SECONDS = 30
# Patience with an answer that must come fast (a 503 while Redis is away, rather than at the Redis
# deadline of 30 s the tests give the service): half that deadline, with room for a stall of the
# service of several seconds.
QUICK_ANSWER_SECONDS = 15


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition, deadline_seconds, what):
    """Polls condition() until it returns a true value, and returns that value."""
    deadline = time.monotonic() + deadline_seconds
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {deadline_seconds}s waiting for {what}")
        time.sleep(0.05)


def binary_path():
    path = Path(os.environ.get("RS_BINARY", REPOSITORY / ".build/debug/rest-sessions"))
    if not path.is_file():
        raise AssertionError(f"no rest-sessions binary at {path}: run `swift build` (or set RS_BINARY)")
    return path


@dataclass
class Response:
    status: int
    reason: str
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self):
        return self.body.decode()

    @property
    def content_type(self):
        return self.headers.get("Content-Type")

    def __repr__(self):
        return f"<{self.status} {self.reason} {dict(self.headers)} {self.body[:300]!r}>"


def http_request(port, method, target, body=None, headers=None, host="127.0.0.1", timeout=10):
    """One request on a fresh connection; body is bytes or str and is sent as it is."""
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        if isinstance(body, str):
            body = body.encode()
        connection.request(method, target, body=body, headers=headers or {})
        answer = connection.getresponse()
        return Response(answer.status, answer.reason, answer.headers, answer.read())
    finally:
        connection.close()


class Service:
    """A running rest-sessions process; its stdout and stderr go to log_path."""

    def __init__(self, arguments=(), environment=None, port=None, log_path=None, cwd=None, open_files_limit=None,
                 ignoring_sighup=False):
        """open_files_limit: RLIMIT_NOFILE (soft and hard) of the process, to run it out of descriptors;
        ignoring_sighup: started as `nohup` starts it."""
        self.port = port
        self.log_path = Path(log_path)
        self._log = open(self.log_path, "wb")

        def prepare():
            if open_files_limit is not None:
                resource.setrlimit(resource.RLIMIT_NOFILE, (open_files_limit, open_files_limit))
            if ignoring_sighup:
                signal.signal(signal.SIGHUP, signal.SIG_IGN)
        self.process = subprocess.Popen(
            [str(binary_path()), *arguments],
            env=environment, cwd=cwd, stdout=self._log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, preexec_fn=prepare)

    @property
    def log(self):
        return self.log_path.read_text(errors="replace")

    def request(self, method, target, body=None, headers=None, timeout=10):
        return http_request(self.port, method, target, body, headers, timeout=timeout)

    def wait_until_answering(self):
        def answers():
            if self.process.poll() is not None:
                raise AssertionError(
                    f"rest-sessions exited with {self.process.returncode} during start-up:\n{self.log}")
            try:
                return self.request("GET", "/ping", timeout=2)
            except OSError:
                return None
        wait_until(answers, STARTUP_DEADLINE_SECONDS, f"rest-sessions to answer on port {self.port}")
        return self

    def stop(self, sig=signal.SIGTERM, deadline_seconds=15):
        """Sends sig and returns the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=deadline_seconds)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                raise AssertionError(f"rest-sessions did not exit within {deadline_seconds}s of {sig.name}")
        self._log.close()
        return self.process.returncode


def service_environment(redis_port, namespace, **settings):
    """The environment of a service under test: only the RS_ variables given here, none inherited.
    A setting whose value is None is left out."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("RS_")}
    environment.update(RS_REDISURL=f"redis://127.0.0.1:{redis_port}", RS_NAMESPACE=namespace)
    # E2E_SERVICE_THREADS=N runs the suite on N event loops (the default on 2 cores is one), e.g.
    # under ThreadSanitizer, so that loops meet each other; the tests' own settings still win.
    if os.environ.get("E2E_SERVICE_THREADS"):
        environment["RS_THREADS"] = os.environ["E2E_SERVICE_THREADS"]
    for key, value in settings.items():
        if value is None:
            environment.pop(key, None)
        else:
            environment[key] = str(value)
    return environment


class RedisServer:
    """A redis-server of a test's own, to stop and restart under a running service."""

    def __init__(self, directory, port=None, password=None):
        self.port = port or free_port()
        self.directory = Path(directory)
        self.process = None
        self.password = password
        self.base_arguments = ["--requirepass", password] if password else []
        self.extra_arguments = []

    def start(self, wait_for_data=True):
        """wait_for_data=False returns as soon as the server answers, if only LOADING while it reads its data."""
        server = os.environ.get("RS_TEST_REDIS_SERVER", "redis-server")
        self.process = subprocess.Popen(
            [server, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.directory), "--logfile", str(self.directory / f"redis-{self.port}.log"),
             *self.base_arguments, *self.extra_arguments],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda: self._answers(loading_counts=not wait_for_data), EVENT_DEADLINE_SECONDS,
                   f"redis-server on port {self.port}")
        return self

    def _answers(self, loading_counts=False):
        try:
            with RespClient("127.0.0.1", self.port, timeout=1, password=self.password) as client:
                return client.command("PING") == "PONG"
        except OSError:
            return False
        except RedisReplyError as error:   # LOADING while it reads its data
            return loading_counts and str(error).startswith("LOADING ")

    def kill(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
