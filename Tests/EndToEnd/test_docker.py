"""What of the Docker set-up can run without a Docker engine: the image's health check command."""
import json
import os
import re
import subprocess

from processes import EVENT_DEADLINE_SECONDS, REPOSITORY, free_port, wait_until

DOCKERFILE = (REPOSITORY / "Dockerfile").read_text()


def health_check(port):
    command = json.loads(re.search(r"HEALTHCHECK [^\n]*\\\n\s+CMD (\[.*\])\n", DOCKERFILE).group(1))
    return subprocess.run(command, env=dict(os.environ, RS_PORT=str(port)), capture_output=True, timeout=10)


def test_health_check_passes_while_redis_answers(service):
    # It asks /ready, which a loaded machine's Redis may miss by its second now and then (Docker retries too).
    wait_until(lambda: health_check(service.port).returncode == 0, EVENT_DEADLINE_SECONDS, "the health check to pass")


def test_health_check_fails_without_redis_and_without_service(launcher):
    redis_away = launcher.start(redis_port=free_port())
    assert health_check(redis_away.port).returncode != 0
    assert health_check(free_port()).returncode != 0


def test_image_runs_the_binary_with_the_default_config_file():
    assert (REPOSITORY / "config/rest-sessions.json").is_file()
    assert "COPY config/rest-sessions.json /etc/rest-sessions/rest-sessions.json" in DOCKERFILE
    assert "RS_CONFIG=/etc/rest-sessions/rest-sessions.json" in DOCKERFILE


def test_health_check_asks_ready():
    assert "GET /ready HTTP/1.1" in re.search(r"HEALTHCHECK [^\n]*\\\n\s+CMD (\[.*\])\n", DOCKERFILE).group(1)
