#!/usr/bin/env python3
"""make bench: the routes under wrk next to the limits that bound them, and the memory figures.

Builds in release mode, starts its own redis-server and the service on free loopback ports,
creates BENCH_SESSIONS (1,000) sessions straight in Redis, warms up with 3 s of get, then
measures with wrk -t2 -c50 (BENCH_SECONDS, 10 s): get, set, create and a mixed 80/15/5 load; the
HTTP layer alone (HTTPBench, a fixed 60-byte answer); Redis alone (redis-benchmark calling the service's own get, set and create
scripts with EVALSHA, unpipelined with 50 clients and pipelined); RSS idle, under get, and with
5,000 idle keep-alive connections open (with the get rate measured again while they are).
Prints one table and writes bench/results/bench-STAMP.json and bench/results/latest.json.
"""

import os
import socket
import sys
import time

import benchlib as lib

SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
SESSIONS = int(os.environ.get("BENCH_SESSIONS", "1000"))
IDLE_CONNECTIONS = int(os.environ.get("BENCH_IDLE_CONNECTIONS", "5000"))
WARM_UP_SECONDS = 3
APP = "bench"

# The targets and the Node.js rest-sessions 2.0.1 figures on the same kind of machine.
TARGETS = {
    "get": {"requests_per_second": 60000, "p99_ms": 2.0, "node_requests_per_second": 15400, "node_p99_ms": 6.2},
    "set": {"requests_per_second": 40000, "p99_ms": 3.0, "node_requests_per_second": 11900, "node_p99_ms": 8.3},
    "create": {"requests_per_second": 45000, "p99_ms": 3.0, "node_requests_per_second": 15700, "node_p99_ms": 6.2},
}


def summarize(result):
    return {
        "requests_per_second": round(result["requests_per_second"]),
        "p50_ms": round(result["p50_us"] / 1000, 3),
        "p99_ms": round(result["p99_us"] / 1000, 3),
        "max_ms": round(result["max_us"] / 1000, 3),
        "requests": result["requests"],
        "errors": result["errors"],
    }


def wrk(service_url, script):
    print("bench: wrk %s (%d s)" % (script, SECONDS), flush=True)
    result = summarize(lib.run_wrk(service_url, script, SECONDS, environment={"BENCH_SESSIONS": str(SESSIONS)}))
    failures = sum(result["errors"].values())
    if failures:
        print("bench: %s had %d errors or non-2xx answers: %s" % (script, failures, result["errors"]), flush=True)
    return result


def redis_limits(redis, scripts, probe_token):
    """What Redis alone does with our work: EVALSHA of the service's scripts, arguments as the
    service sends them, tokens drawn from the pre-created sessions (new ones for create): one call
    per EVALSHA, unpipelined and 16 deep, and 16 calls per EVALSHA (what the service sends when a
    pass of its loop reads 16 requests of a route); requests_per_second counts calls."""
    limits = {}
    requests = max(20000, SECONDS * 20000)
    for operation in ("get", "set", "create"):
        entry = scripts[operation]
        # The namespace, then the call (set and create: its argument count first), whose token, the
        # probe's, becomes a random one (redis-benchmark draws each __rand_int__ apart).
        namespace, call = entry["arguments"][0], list(entry["arguments"][1:])
        call[call.index(probe_token)] = lib.TOKEN_PREFIX + "__rand_int__"
        keyspace = SESSIONS if operation != "create" else 10 ** 9
        command = ["EVALSHA", entry["sha"], 0, namespace, *call]
        batched = ["EVALSHA", entry["sha"], 0, namespace, *(call * lib.BATCHED_CALLS)]
        print("bench: redis-benchmark EVALSHA %s" % operation, flush=True)
        limits[operation] = {
            "unpipelined": lib.run_redis_benchmark(redis, command, requests, keyspace=keyspace),
            "pipelined": lib.run_redis_benchmark(redis, command, requests * 3, pipeline=16, keyspace=keyspace),
            "batched": per_call(lib.run_redis_benchmark(redis, batched, requests * 3 // lib.BATCHED_CALLS, keyspace=keyspace)),
        }
    return limits


def per_call(result):
    """A redis-benchmark result of batched EVALSHAs as calls per second (latencies stay per EVALSHA)."""
    return dict(result, requests_per_second=result["requests_per_second"] * lib.BATCHED_CALLS, calls_per_evalsha=lib.BATCHED_CALLS)


def open_idle_connections(port, count, path):
    """count keep-alive connections, each after one answered request: idle, not half-open."""
    request = ("GET %s HTTP/1.1\r\nHost: bench\r\n\r\n" % path).encode()
    connections = []
    for _ in range(count):
        connection = socket.create_connection(("127.0.0.1", port))
        connection.sendall(request)
        connections.append(connection)
    for connection in connections:
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = connection.recv(4096)
            if not chunk:
                raise SystemExit("bench: an idle connection was closed before its answer")
            answer += chunk
    return connections


def open_count(connections):
    """The connections the service has not closed: no end of file waiting on the client's side.
    (Counting the service's descriptors instead also counted the previous wrk run's connections
    the service had not yet seen close, on a busy machine.)"""
    count = 0
    for connection in connections:
        try:
            if connection.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT):
                count += 1
        except BlockingIOError:
            count += 1
        except OSError:
            pass
    return count


def memory_with_idle_connections(service):
    print("bench: %d idle keep-alive connections" % IDLE_CONNECTIONS, flush=True)
    connections = open_idle_connections(service.port, IDLE_CONNECTIONS, "/%s/get/%s" % (APP, lib.token(0)))
    try:
        time.sleep(1)
        rss = service.rss_kib()
        get_result = wrk(service.url, "get.lua")
        still_open = open_count(connections)
    finally:
        for connection in connections:
            connection.close()
    return rss, get_result, still_open


def ratio(value, limit):
    return round(value / limit, 2) if limit else None


def table(results):
    routes = results["routes"]
    redis = results["limits"]["redis_evalsha"]
    http = results["limits"]["http_fixed_response"]["requests_per_second"]
    lines = [
        "| route | req/s | p50 ms | p99 ms | target | x Redis alone (EVALSHA, c50 / P16) | x HTTP alone |",
        "|---|---|---|---|---|---|---|",
    ]
    for name in ("get", "set", "create", "mixed"):
        route = routes[name]
        target = TARGETS.get(name)
        target_text = ">= %d, p99 <= %.0f" % (target["requests_per_second"], target["p99_ms"]) if target else ""
        if name in redis:
            redis_text = "%.2f / %.2f" % (
                ratio(route["requests_per_second"], redis[name]["unpipelined"]["requests_per_second"]),
                ratio(route["requests_per_second"], redis[name]["pipelined"]["requests_per_second"]))
        else:
            redis_text = ""
        lines.append("| %s | %d | %.2f | %.2f | %s | %s | %.2f |" % (
            name, route["requests_per_second"], route["p50_ms"], route["p99_ms"], target_text, redis_text,
            ratio(route["requests_per_second"], http)))
    fixed = results["limits"]["http_fixed_response"]
    lines.append("| HTTP alone (fixed 60 B) | %d | %.2f | %.2f | | | 1.00 |" % (
        fixed["requests_per_second"], fixed["p50_ms"], fixed["p99_ms"]))
    for name in ("get", "set", "create"):
        for mode, label in lib.REDIS_MODES:
            limit = redis[name][mode]
            lines.append("| Redis alone: EVALSHA %s, %s | %d | %.2f | %.2f | | | |" % (
                name, label, limit["requests_per_second"], limit["p50_ms"], limit["p99_ms"]))
    memory = results["memory"]
    lines.append("")
    lines.append("| memory | RSS MiB | target |")
    lines.append("|---|---|---|")
    lines.append("| idle (after start and set-up) | %.1f | <= 30 |" % memory["idle_mib"])
    lines.append("| peak under the get benchmark | %.1f | |" % memory["under_get_mib"])
    lines.append("| with %d idle keep-alive connections | %.1f | <= 150 |" % (
        memory["idle_connections"], memory["with_idle_connections_mib"]))
    lines.append("| get with them open: %d req/s, p99 %.2f ms (%.0f%% of without) | | >= 80%% |" % (
        memory["get_with_idle_connections"]["requests_per_second"], memory["get_with_idle_connections"]["p99_ms"],
        100 * memory["get_rate_ratio_with_idle_connections"]))
    return "\n".join(lines)


def main():
    lib.stop_cleanly_on_sigterm()
    lib.raise_descriptor_limit(IDLE_CONNECTIONS + 1000)
    bin_path = lib.build_release(["rest-sessions", "HTTPBench"])
    results = {"started": lib.run_stamp(), "machine": lib.machine_description(),
               "command": "make bench BENCH_SECONDS=%d%s" % (
                   SECONDS, " BENCH_SERVICE_NICE=%d" % lib.SERVICE_NICE if lib.SERVICE_NICE else ""),
               "wrk": "wrk -t2 -c50 -d%ds" % SECONDS, "sessions": SESSIONS, "service_nice": lib.SERVICE_NICE}
    redis = lib.Redis()
    service = None
    try:
        service = lib.Service(bin_path, redis)
        scripts, probe_token = lib.capture_script_calls(redis, service, APP)
        lib.create_sessions(redis, APP, SESSIONS)
        status, body = lib.http_request("GET", "%s/%s/get/%s" % (service.url, APP, lib.token(SESSIONS - 1)))
        if status != 200 or not body.startswith(b'{"id":'):
            raise SystemExit("bench: a pre-created session does not read back: %d %r" % (status, body))
        time.sleep(1)
        idle_kib = service.rss_kib()
        # Steady state, as a long-running service is: the first seconds of a fresh process and Redis
        # (allocator arenas, connection buffers) are not what the routes are measured on.
        print("bench: warm-up, get.lua (%d s, not recorded)" % WARM_UP_SECONDS, flush=True)
        lib.run_wrk(service.url, "get.lua", WARM_UP_SECONDS, environment={"BENCH_SESSIONS": str(SESSIONS)})

        routes = {}
        with lib.peak_rss(service.process.pid) as peak:
            routes["get"] = wrk(service.url, "get.lua")
        routes["set"] = wrk(service.url, "set.lua")
        routes["create"] = wrk(service.url, "create.lua")
        routes["mixed"] = wrk(service.url, "mixed.lua")

        rss_connections, get_connections, still_open = memory_with_idle_connections(service)
        if still_open < IDLE_CONNECTIONS:
            print("bench: only %d of the %d idle connections were still open at the end" % (still_open, IDLE_CONNECTIONS))
        results["routes"] = routes
        results["memory"] = {
            "idle_mib": round(idle_kib / 1024, 1),
            "under_get_mib": round(peak["peak_kib"] / 1024, 1),
            "idle_connections": IDLE_CONNECTIONS,
            "idle_connections_still_open_after": still_open,
            "with_idle_connections_mib": round(rss_connections / 1024, 1),
            "get_with_idle_connections": get_connections,
            "get_rate_ratio_with_idle_connections": ratio(
                get_connections["requests_per_second"], routes["get"]["requests_per_second"]),
        }
        service.stop()
        service = None

        print("bench: HTTP layer alone (HTTPBench)", flush=True)
        fixed_server = lib.FixedResponseServer(bin_path)
        try:
            fixed = summarize(lib.run_wrk("http://127.0.0.1:%d" % fixed_server.port, "fixed.lua", SECONDS))
        finally:
            fixed_server.stop()
        results["limits"] = {"http_fixed_response": fixed, "redis_evalsha": redis_limits(redis, scripts, probe_token)}
    finally:
        if service:
            service.stop()
        redis.stop()

    results["targets"] = TARGETS
    results["table"] = table(results)
    path = lib.write_results("bench", results)
    print()
    print(results["table"])
    print()
    print("bench: %s (load average at start %s on %d cores)" % (
        os.path.relpath(path, lib.ROOT), results["machine"]["load_average_at_start"], results["machine"]["cores"]))
    if lib.SERVICE_NICE:
        print("bench: the service and HTTPBench ran at nice %d, wrk and Redis at 0" % lib.SERVICE_NICE)


if __name__ == "__main__":
    sys.exit(main())
