"""Fixtures: the test Redis of scripts/with-test-redis.sh, and rest-sessions processes against it."""
import os
import secrets
import signal

import pytest

from processes import RedisServer, Service, binary_path, free_port, service_environment
from resp import RespClient


def pytest_configure(config):
    missing = [name for name in ("RS_TEST_REDIS_URL", "RS_TEST_REDIS_PORT") if not os.environ.get(name)]
    if missing:
        raise pytest.UsageError(
            f"{', '.join(missing)} not set: run the end-to-end tests through scripts/with-test-redis.sh "
            "(`make test-e2e` inside it, or `make test`)")


@pytest.fixture(scope="session")
def redis_port():
    return int(os.environ["RS_TEST_REDIS_PORT"])


@pytest.fixture(scope="session")
def binary():
    return binary_path()


def random_namespace():
    return "e2e" + secrets.token_hex(6)


def random_app():
    return "app_" + secrets.token_hex(6)


class ServiceLauncher:
    """Starts services for one test (or module) and checks at the end that SIGTERM ends each with 0."""

    def __init__(self, directory, redis_port):
        self.directory = directory
        self.redis_port = redis_port
        self.services = []

    def start(self, arguments=(), wait=True, port=None, pass_port=True, redis_port=None, open_files_limit=None,
              ignoring_sighup=False, **settings):
        """Starts rest-sessions with RS_REDISURL, a random RS_NAMESPACE and `--port port` (a free one by
        default) unless settings or pass_port=False say otherwise. No test is about the Redis deadline:
        a long one (RS_REDIS_TIMEOUT_MS) keeps a loaded machine's slow answer from becoming a 503."""
        settings.setdefault("RS_REDIS_TIMEOUT_MS", 30000)
        port = free_port() if port is None else port
        environment = service_environment(redis_port or self.redis_port, random_namespace(), **settings)
        if pass_port:
            arguments = ["--port", str(port), *arguments]
        service = Service(arguments, environment, port=port, open_files_limit=open_files_limit,
                          ignoring_sighup=ignoring_sighup, log_path=self.directory / f"service-{len(self.services)}.log")
        service.namespace = environment.get("RS_NAMESPACE")
        self.services.append(service)
        return service.wait_until_answering() if wait else service

    def stop_all(self):
        failures = []
        for service in self.services:
            code = service.stop(signal.SIGTERM)
            if code != 0:
                failures.append(f"rest-sessions exited with {code} after SIGTERM:\n{service.log[-3000:]}")
        assert not failures, "\n".join(failures)


@pytest.fixture
def launcher(tmp_path, redis_port, binary):
    launcher = ServiceLauncher(tmp_path, redis_port)
    yield launcher
    launcher.stop_all()


@pytest.fixture(scope="module")
def service(tmp_path_factory, redis_port, binary):
    """One service per test module, on the test Redis, with a random namespace."""
    launcher = ServiceLauncher(tmp_path_factory.mktemp("service"), redis_port)
    yield launcher.start()
    launcher.stop_all()


@pytest.fixture
def redis(redis_port):
    with RespClient("127.0.0.1", redis_port) as client:
        yield client


@pytest.fixture
def app():
    return random_app()


@pytest.fixture
def redis_server_factory(tmp_path):
    servers = []

    def start(port=None):
        server = RedisServer(tmp_path, port).start()
        servers.append(server)
        return server
    yield start
    for server in servers:
        server.kill()
