"""Shared machinery of the benchmarks (standard library only): throwaway redis-server and service
processes on free loopback ports, sessions created straight in Redis, wrk and redis-benchmark runs
parsed into numbers, RSS readings.
"""

import contextlib
import json
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# One RESP client for the tests and the benchmarks.
sys.path.insert(0, os.path.join(ROOT, "Tests", "EndToEnd"))
from resp import RespClient  # noqa: E402

BENCH_DIR = os.path.join(ROOT, "bench")
WRK_DIR = os.path.join(BENCH_DIR, "wrk")
RESULTS_DIR = os.path.join(BENCH_DIR, "results")

NAMESPACE = "rs"
# Tokens are TOKEN_PREFIX + 12 digits: wrk scripts draw them at random, redis-benchmark's
# __rand_int__ (12 digits) fills them in, and nothing needs a token list.
TOKEN_PREFIX = "bench" + "0" * 47
assert len(TOKEN_PREFIX) == 52


# Calls per EVALSHA in the batched Redis-alone limit (the service's most, see SessionStore), and how
# each Redis-alone limit is labelled in the tables of bench.py and summary.py.
BATCHED_CALLS = 16
REDIS_MODES = (("unpipelined", "c50"), ("pipelined", "c50 P16"), ("batched", "c50, %d calls per EVALSHA" % BATCHED_CALLS))

# BENCH_SERVICE_NICE (root only, e.g. -5): the server under test (the service, or HTTPBench) runs at
# that nice level. Off by default: the figures the targets are held to are at nice 0, the
# same as wrk and Redis. Every result records it.
SERVICE_NICE = int(os.environ.get("BENCH_SERVICE_NICE") or 0)


def niced(command):
    return ["nice", "-n", str(SERVICE_NICE), *command] if SERVICE_NICE else command


def token(index):
    return "%s%012d" % (TOKEN_PREFIX, index)


def free_port():
    while True:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port != 6379:
            return port


def raise_descriptor_limit(needed):
    """The 5,000-connection measurement needs descriptors in this process, wrk and the service."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        if hard != resource.RLIM_INFINITY and hard < needed:
            raise SystemExit("bench: needs %d descriptors, the hard limit is %d (ulimit -Hn)" % (needed, hard))
        resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))


def stop_cleanly_on_sigterm():
    """SIGTERM raises SystemExit, so the finally blocks stop the servers this run started."""
    signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(128 + number))


def swift_bin_path():
    return subprocess.check_output(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, text=True).strip()


def build_release(products):
    for product in products:
        print("bench: swift build -c release --product %s" % product, flush=True)
        subprocess.check_call(["swift", "build", "-c", "release", "--product", product], cwd=ROOT)
    return swift_bin_path()


def wait_until(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise SystemExit("bench: %s did not happen within %ss" % (what, timeout))


class Redis:
    """A redis-server of the benchmark's own (never 6379), no persistence."""

    def __init__(self):
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="rs-bench-redis.")
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", self.dir, "--logfile", os.path.join(self.dir, "redis.log"), "--maxclients", "20000"],
            stdout=subprocess.DEVNULL)
        wait_until(lambda: self.try_cli("PING") == "PONG", 10, "redis-server start")

    def try_cli(self, *arguments):
        result = subprocess.run(["redis-cli", "-p", str(self.port), *arguments], capture_output=True, text=True)
        return result.stdout.strip() if result.returncode == 0 else None

    def cli(self, *arguments):
        return subprocess.check_output(["redis-cli", "-p", str(self.port), *arguments], text=True).strip()

    def command(self, *arguments):
        """One command over RESP; answers the reply, bulk strings as bytes (errors raise)."""
        with RespClient("127.0.0.1", self.port, timeout=None, text=False) as client:
            return client.command(*arguments)

    def pipeline(self, commands):
        """Sends every command, then reads every reply; answers the replies."""
        with RespClient("127.0.0.1", self.port, timeout=None, text=False) as client:
            return client.pipeline(commands)

    def info(self, section):
        text = self.command("INFO", section).decode()
        return dict(line.split(":", 1) for line in text.splitlines() if ":" in line)

    def stop(self):
        self.process.terminate()
        self.process.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


# Creates sessions straight in Redis on the redis-sessions layout, as the create script writes
# them, but many per call and with `la` `age` seconds in the past (idle or expired sessions for the
# growth benchmark). Token i is ARGV[3] .. 12 digits of i; its id is 'user' .. i % users.
BULK_CREATE = r"""
local ns, app, prefix = ARGV[1], ARGV[2], ARGV[3]
local first, count, ttl = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local age, users = tonumber(ARGV[7]), tonumber(ARGV[8])
local la = tonumber(redis.call('TIME')[1]) - age
for i = first, first + count - 1 do
  local token = prefix .. string.format('%012d', i)
  local id = 'user' .. (i % users)
  redis.call('ZADD', ns .. app .. ':_sessions', la, token .. ':' .. id)
  redis.call('ZADD', ns .. app .. ':_users', la, id)
  redis.call('ZADD', ns .. 'SESSIONS', la + ttl, app .. ':' .. token .. ':' .. id)
  redis.call('SADD', ns .. app .. ':us:' .. id, token)
  redis.call('HSET', ns .. app .. ':' .. token, 'id', id, 'r', 1, 'w', 1, 'ip', '10.0.0.1', 'la', la, 'ttl', ttl)
end
return count
"""


def create_sessions(redis, app, count, first=0, ttl=86400, age=0, users=10000):
    """count sessions of app with tokens token(first) ..., in calls of 10,000 (set-up, not measured)."""
    chunk = 10000
    commands = []
    for start in range(first, first + count, chunk):
        size = min(chunk, first + count - start)
        commands.append(["EVAL", BULK_CREATE, 0, NAMESPACE + ":", app, TOKEN_PREFIX, start, size, ttl, age, users])
    for start in range(0, len(commands), 20):
        redis.pipeline(commands[start:start + 20])


class Service:
    """The release binary of rest-sessions on a free port, access log off (log level notice)."""

    def __init__(self, bin_path, redis, *extra_arguments):
        self.port = free_port()
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            niced([os.path.join(bin_path, "rest-sessions"), "--port", str(self.port), "--redis-port", str(redis.port),
                   "--log-level", "notice", *extra_arguments]),
            stdout=self.log, stderr=subprocess.STDOUT)
        wait_until(lambda: self._pings(), 20, "rest-sessions start")

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def _pings(self):
        if self.process.poll() is not None:
            self.log.seek(0)
            raise SystemExit("bench: rest-sessions exited:\n" + self.log.read().decode(errors="replace"))
        try:
            return http_request("GET", self.url + "/ping")[0] == 200
        except OSError:
            return False

    def rss_kib(self):
        return rss_kib(self.process.pid)

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class FixedResponseServer:
    """HTTPBench: the HTTP layer alone answering a fixed 60-byte JSON body."""

    def __init__(self, bin_path):
        self.port = free_port()
        self.process = subprocess.Popen(niced([os.path.join(bin_path, "HTTPBench"), str(self.port)]))
        url = "http://127.0.0.1:%d/" % self.port

        def answers():
            try:
                return http_request("GET", url)[0] == 200
            except OSError:
                return False

        wait_until(answers, 10, "HTTPBench start")

    def stop(self):
        self.process.terminate()
        self.process.wait()


def http_request(method, url, body=None):
    request = urllib.request.Request(url, method=method, data=body)
    if body is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=600) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_times(pid):
    """(user, system) CPU seconds of a process, all its threads and its waited-for children."""
    with open("/proc/%d/stat" % pid) as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return ((int(fields[11]) + int(fields[13])) / CLOCK_TICKS, (int(fields[12]) + int(fields[14])) / CLOCK_TICKS)


def rss_kib(pid, field="VmRSS"):
    """The process's resident memory now, or with field="VmHWM" its high-water mark."""
    with open("/proc/%d/status" % pid) as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


@contextlib.contextmanager
def peak_rss(pid):
    """Samples the RSS of pid every 100 ms while the block runs; result["peak_kib"] after."""
    result = {"peak_kib": rss_kib(pid)}
    stop = threading.Event()

    def sample():
        while not stop.wait(0.1):
            result["peak_kib"] = max(result["peak_kib"], rss_kib(pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield result
    finally:
        stop.set()
        sampler.join()


WRK_RESULT = re.compile(r"^BENCH_RESULT (\{.*\})$", re.M)


def run_wrk(url, script, seconds, connections=50, threads=2, environment=None):
    """wrk -t2 -c50 with one of bench/wrk/*.lua; its done() prints the figures as JSON."""
    env = dict(os.environ, BENCH_WRK_DIR=WRK_DIR, BENCH_TOKEN_PREFIX=TOKEN_PREFIX, **(environment or {}))
    command = ["wrk", "-t%d" % threads, "-c%d" % connections, "-d%ds" % seconds, "--timeout", "10s",
               "-s", os.path.join(WRK_DIR, script), url]
    output = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    match = WRK_RESULT.search(output)
    if not match:
        raise SystemExit("bench: no result from wrk:\n" + output)
    result = json.loads(match.group(1))
    result["requests_per_second"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def run_redis_benchmark(redis, arguments, requests, clients=50, pipeline=1, keyspace=1000):
    """redis-benchmark with one command line; answers req/s and latencies in ms."""
    command = ["redis-benchmark", "-p", str(redis.port), "-c", str(clients), "-n", str(requests),
               "-P", str(pipeline), "-r", str(keyspace), "--csv", *[str(argument) for argument in arguments]]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    lines = [line for line in output.splitlines() if line.startswith('"')]
    header = [field.strip('"') for field in lines[0].split('","')]
    values = [field.strip('"') for field in lines[-1].split('","')]
    row = dict(zip(header, values))
    return {
        "requests_per_second": float(row["rps"]),
        "p50_ms": float(row["p50_latency_ms"]),
        "p99_ms": float(row["p99_latency_ms"]),
        "clients": clients,
        "pipeline": pipeline,
    }


MONITOR_ARGUMENT = re.compile(r'"((?:[^"\\]|\\.)*)"')


def unescape_monitor(text):
    """Undoes Redis's sdscatrepr quoting of MONITOR arguments."""
    out = bytearray()
    index = 0
    simple = {"n": b"\n", "r": b"\r", "t": b"\t", "a": b"\a", "b": b"\b", '"': b'"', "\\": b"\\"}
    while index < len(text):
        character = text[index]
        if character == "\\":
            following = text[index + 1]
            if following == "x":
                out.append(int(text[index + 2:index + 4], 16))
                index += 4
                continue
            out += simple[following]
            index += 2
            continue
        out += character.encode()
        index += 1
    return bytes(out)


def capture_script_calls(redis, service, app):
    """Runs one create, get and set through the service while MONITOR watches, with the script
    cache flushed so each call falls back to EVAL: answers {operation: {"source", "sha", "arguments"}},
    the exact scripts and arguments the service sends (nothing of the Lua is copied here)."""
    redis.command("SCRIPT", "FLUSH")
    monitor = subprocess.Popen(["redis-cli", "-p", str(redis.port), "MONITOR"], stdout=subprocess.PIPE, text=True)
    try:
        assert monitor.stdout.readline().strip() == "OK"
        status, body = http_request("PUT", service.url + "/%s/create/probe-user?ip=10.0.0.9&ttl=3600" % app)
        created = json.loads(body)["token"]
        assert status == 200, body
        assert http_request("GET", service.url + "/%s/get/%s" % (app, created))[0] == 200
        assert http_request("POST", service.url + "/%s/set/%s" % (app, created), b'{"probe":1}')[0] == 200
        http_request("GET", service.url + "/ping")
        calls = []
        for line in monitor.stdout:
            arguments = [unescape_monitor(argument) for argument in MONITOR_ARGUMENT.findall(line)]
            if arguments and arguments[0].upper() == b"PING":
                break
            if arguments and arguments[0].upper() in (b"EVAL", b"EVALSHA"):
                calls.append(arguments)
    finally:
        monitor.terminate()
        monitor.wait()

    def operation(arguments):
        script_arguments = arguments[3:]
        if b"probe-user" in script_arguments:
            return "create"
        if b'"probe"' in script_arguments:
            return "set"
        return "get"

    scripts = {}
    for arguments in calls:
        entry = scripts.setdefault(operation(arguments), {})
        if arguments[0].upper() == b"EVAL":
            entry["source"] = arguments[1]
        else:
            entry["sha"] = arguments[1].decode()
        entry["arguments"] = [argument.decode() for argument in arguments[3:]]
    for name, entry in scripts.items():
        loaded = redis.command("SCRIPT", "LOAD", entry["source"]).decode()
        if loaded != entry["sha"]:
            raise SystemExit("bench: SCRIPT LOAD of %s gave %s, the service uses %s" % (name, loaded, entry["sha"]))
    if set(scripts) != {"create", "get", "set"}:
        raise SystemExit("bench: captured scripts %s, expected create, get, set" % sorted(scripts))
    return scripts, created


def run_stamp():
    return time.strftime("%Y%m%d-%H%M%S")


def machine_description():
    load = os.getloadavg()
    return {
        "cores": os.cpu_count(),
        "load_average_at_start": [round(value, 2) for value in load],
        "kernel": os.uname().release,
    }


def write_results(name, results):
    os.makedirs(RESULTS_DIR, exist_ok=True)
    stamped = os.path.join(RESULTS_DIR, "%s-%s.json" % (name, results["started"]))
    text = json.dumps(results, indent=2) + "\n"
    with open(stamped, "w") as output:
        output.write(text)
    if SERVICE_NICE:
        return stamped  # latest.json stays a run at the default priority
    latest = "latest.json" if name == "bench" else "%s-latest.json" % name
    with open(os.path.join(RESULTS_DIR, latest), "w") as output:
        output.write(text)
    return stamped
