#!/usr/bin/env python3
"""make bench-growth: how get latency, soapp, killall and the wipe behave with 1,000, 100,000 and
1,000,000 sessions in Redis, and the longest Redis was blocked by one command meanwhile.

For each size N (BENCH_GROWTH_SIZES, "1000,100000,1000000"): N sessions of one app are written
straight into Redis, 1,000 of them active now and the others idle since a minute; then soapp over
the last 30 s (the 1,000 active ones) and over everything, wrk get on random tokens of the N
(BENCH_GROWTH_SECONDS, 5 s), killall of the app, and the wipe of N expired sessions by a second
service instance. Redis's SLOWLOG (over 1 ms; over 0.2 ms for the batched steps: soapp over
everything, killall and the wipe) and LATENCY monitor (threshold 5 ms) are reset before each step
and read after it. The service runs with the default 2 s command deadline. Writes
bench/results/growth-STAMP.json and growth-latest.json.
"""

import os
import statistics
import sys
import time

import benchlib as lib

SIZES = [int(size) for size in os.environ.get("BENCH_GROWTH_SIZES", "1000,100000,1000000").split(",")]
SECONDS = int(os.environ.get("BENCH_GROWTH_SECONDS", "5"))
APP = "growth"
WIPE_APP = "growthwipe"
ACTIVE = 1000
TTL = 86400


def reset_blocking_monitors(redis, log_batches=False):
    """SLOWLOG takes commands over 1 ms, or over 0.2 ms for the batched steps: their batches (about
    1 ms) are then nearly all counted, while the commands inside scripts (microseconds; SLOWLOG
    logs them too) are not, and reading the log back stays cheap."""
    redis.command("CONFIG", "SET", "slowlog-log-slower-than", "200" if log_batches else "1000")
    redis.command("SLOWLOG", "RESET")
    redis.command("LATENCY", "RESET")


def longest_blocking(redis, scripts):
    """The slowest single command since the last reset (SLOWLOG, µs; LATENCY's max, ms), and the
    spread of the script calls logged. On a busy machine a command's time includes any time Redis
    was not scheduled, so the maximum is an upper bound and the median says more."""
    # The monitors' own commands (a SLOWLOG RESET of a long log) are not the service's.
    entries = [entry for entry in redis.command("SLOWLOG", "GET", "-1")
               if entry[3][0].upper() not in (b"SLOWLOG", b"LATENCY", b"CONFIG")]
    slowest = max(entries, key=lambda entry: entry[2], default=None)
    names = {entry["sha"]: name for name, entry in scripts.items()}
    latency = redis.command("LATENCY", "LATEST")
    script_calls = sorted(entry[2] for entry in entries if entry[3][0].upper() == b"EVALSHA")
    figures = {
        "slowest_command_ms": round(slowest[2] / 1000, 2) if slowest else None,
        "slowest_command": describe_command(slowest[3], names) if slowest else None,
        "commands_logged": len(entries),
        "latency_monitor_max_ms": max((event[3] for event in latency), default=0),
    }
    if script_calls:
        figures["slowest_script_call_ms"] = round(script_calls[-1] / 1000, 2)
        figures["script_calls_ms"] = {
            "count": len(script_calls),
            "median": round(script_calls[len(script_calls) // 2] / 1000, 2),
            "p99": round(script_calls[min(len(script_calls) - 1, len(script_calls) * 99 // 100)] / 1000, 2),
        }
    return figures


def describe_command(arguments, names):
    verb = arguments[0].decode().upper()
    if verb == "EVALSHA" and len(arguments) > 1:
        sha = arguments[1].decode()
        # Scripts not captured (soapp, killall, wipe) show by their arguments (namespace, app ...).
        shown = " ".join(argument.decode(errors="replace")[:20] for argument in arguments[3:6])
        return "EVALSHA %s %s" % (names.get(sha, sha[:8]), shown)
    return verb


def timed_request(method, url):
    started = time.monotonic()
    status, body = lib.http_request(method, url)
    elapsed = time.monotonic() - started
    if status != 200:
        raise SystemExit("growth: %s %s answered %d: %r" % (method, url, status, body[:200]))
    return elapsed, body


def soapp(service, redis, scripts, dt, repeats, log_batches=False):
    reset_blocking_monitors(redis, log_batches)
    timings = []
    for _ in range(repeats):
        elapsed, body = timed_request("GET", "%s/%s/soapp?dt=%d" % (service.url, APP, dt))
        timings.append(elapsed)
    return {
        "dt": dt,
        "sessions_answered": body.count(b'"id":'),
        "answer_bytes": len(body),
        "median_ms": round(statistics.median(timings) * 1000, 1),
        # The service's high-water mark so far (sizes grow, so mostly this listing's): a listing past
        # 64 KiB is streamed, so this stays near the service's size whatever the answer's.
        "service_peak_rss_mib": round(lib.rss_kib(service.process.pid, "VmHWM") / 1024, 1),
        **longest_blocking(redis, scripts),
    }



def wipe(bin_path, redis, scripts, size):
    lib.create_sessions(redis, WIPE_APP, size, ttl=3600, age=7200, users=max(1, size // 2))
    reset_blocking_monitors(redis, log_batches=True)
    started = time.monotonic()
    # A second instance wiping every 10 s; its first wipe starts with it.
    wiper = lib.Service(bin_path, redis, "--wipe", "10")
    try:
        sessions_key = lib.NAMESPACE + ":" + WIPE_APP + ":_sessions"
        lib.wait_until(lambda: redis.command("ZCARD", sessions_key) == 0, 3600, "the wipe")
        elapsed = time.monotonic() - started
    finally:
        wiper.stop()
    return {"expired_sessions": size, "seconds": round(elapsed, 2), **longest_blocking(redis, scripts)}


def measure(bin_path, redis, service, scripts, size):
    print("growth: %d sessions" % size, flush=True)
    redis.command("FLUSHALL")
    for name, entry in scripts.items():
        redis.command("SCRIPT", "LOAD", entry["source"])
    started = time.monotonic()
    idle = max(size - ACTIVE, 0)
    lib.create_sessions(redis, APP, idle, ttl=TTL, age=60, users=max(1, size // 2))
    lib.create_sessions(redis, APP, size - idle, first=idle, ttl=TTL, age=0)
    figures = {"sessions": size, "set_up_seconds": round(time.monotonic() - started, 1),
               "redis_used_memory_mib": round(int(redis.info("memory")["used_memory"]) / 2 ** 20, 1)}

    figures["soapp_recent"] = soapp(service, redis, scripts, 30, 5)
    figures["soapp_all"] = soapp(service, redis, scripts, TTL, 1, log_batches=True)

    reset_blocking_monitors(redis)
    result = lib.run_wrk(service.url, "get.lua", SECONDS, environment={"BENCH_SESSIONS": str(size), "BENCH_APP": APP})
    figures["get"] = {
        "requests_per_second": round(result["requests_per_second"]),
        "p50_ms": round(result["p50_us"] / 1000, 3),
        "p99_ms": round(result["p99_us"] / 1000, 3),
        "errors": result["errors"],
        **longest_blocking(redis, scripts),
    }

    reset_blocking_monitors(redis, log_batches=True)
    elapsed, body = timed_request("DELETE", "%s/%s/killall" % (service.url, APP))
    figures["killall"] = {"answer": body.decode(), "seconds": round(elapsed, 2), **longest_blocking(redis, scripts)}

    figures["wipe"] = wipe(bin_path, redis, scripts, size)
    print("growth: %s" % figures, flush=True)
    return figures


def batch_text(step):
    calls = step.get("script_calls_ms")
    return "%.2f, %.2f" % (calls["median"], step["slowest_script_call_ms"]) if calls else "-"


def table(rows):
    lines = [
        "| sessions | get req/s | get p50 / p99 ms | soapp 1,000 recent ms | soapp all ms (answer MB, service peak RSS MiB) | killall s | wipe s | Redis time per soapp / killall / wipe batch: median, max ms |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append("| %d | %d | %.2f / %.2f | %.1f | %.0f (%.1f, %.0f) | %.2f | %.2f | %s / %s / %s |" % (
            row["sessions"], row["get"]["requests_per_second"], row["get"]["p50_ms"], row["get"]["p99_ms"],
            row["soapp_recent"]["median_ms"], row["soapp_all"]["median_ms"], row["soapp_all"]["answer_bytes"] / 1e6,
            row["soapp_all"]["service_peak_rss_mib"], row["killall"]["seconds"], row["wipe"]["seconds"],
            batch_text(row["soapp_all"]), batch_text(row["killall"]), batch_text(row["wipe"])))
    return "\n".join(lines)


def main():
    lib.stop_cleanly_on_sigterm()
    bin_path = lib.build_release(["rest-sessions"])
    results = {"started": lib.run_stamp(), "machine": lib.machine_description(), "command": "make bench-growth",
               "wrk": "wrk -t2 -c50 -d%ds" % SECONDS}
    redis = lib.Redis()
    service = None
    try:
        for setting in (("slowlog-max-len", "1000000"),
                        ("latency-monitor-threshold", "5")):
            redis.command("CONFIG", "SET", *setting)
        service = lib.Service(bin_path, redis, "--wipe", "0")
        scripts, _ = lib.capture_script_calls(redis, service, APP)
        scripts = dict(scripts)
        results["rows"] = [measure(bin_path, redis, service, scripts, size) for size in SIZES]
    finally:
        if service:
            service.stop()
        redis.stop()
    results["table"] = table(results["rows"])
    path = lib.write_results("growth", results)
    print()
    print(results["table"])
    print()
    print("growth: %s" % os.path.relpath(path, lib.ROOT))


if __name__ == "__main__":
    sys.exit(main())
