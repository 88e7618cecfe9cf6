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


def test_builder_copies_every_folder_the_manifest_names():
    # SwiftPM refuses a manifest whose targets' folders are missing, test targets included.
    manifest = (REPOSITORY / "Package.swift").read_text()
    folders = {"Sources"} | ({"Tests"} if re.search(r"\.testTarget\(", manifest) else set())
    folders |= {path.split("/")[0] for path in re.findall(r'path: "([^"]+)"', manifest)}
    before_build = DOCKERFILE.split("RUN swift build", 1)[0]
    copied = set(re.findall(r"^COPY (\S+) \./\S*$", before_build, re.M))
    assert folders <= copied, f"the builder stage does not copy {sorted(folders - copied)} before building"
