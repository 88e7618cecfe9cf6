#!/usr/bin/env python3
"""make bench-profile [PROFILE_ROUTE=get|set|create|mixed|fixed] [PROFILE_PROCESS=service|redis]: where the
CPU of a request goes.

Runs the release service (or HTTPBench for `fixed`, the HTTP layer alone) with its own Redis,
drives it with wrk -t2 -c50 for PROFILE_SECONDS (10 s) and reports the CPU time (user + system,
from /proc) each process spent per request: the service, redis-server and wrk; then samples the
service with `perf record -e cpu-clock -g` during a second, shorter run. CPU time per request is far steadier than req/s on a shared
machine (valgrind cannot run Swift's Dispatch threads here, and perf has no hardware counters
in this VM). The perf data stays in bench/results/ for `perf report -i FILE --no-children`.
"""

import os
import subprocess
import sys
import time

import benchlib as lib

ROUTE = os.environ.get("PROFILE_ROUTE", "get")
# Which process perf samples: the service (default) or redis-server running our scripts.
PROCESS = os.environ.get("PROFILE_PROCESS", "service")
if PROCESS not in ("service", "redis"):
    sys.exit("bench: PROFILE_PROCESS is service or redis, not %r" % PROCESS)
SECONDS = int(os.environ.get("PROFILE_SECONDS", "10"))
SESSIONS = 1000
APP = "bench"


def cpu_seconds(pid):
    return sum(lib.cpu_times(pid))


def run_wrk_measured(url, script, pids):
    """wrk's own CPU comes from the rusage of the child, the others from /proc before and after."""
    before = {name: cpu_seconds(pid) for name, pid in pids.items()}
    children_before = os.times()
    result = lib.run_wrk(url, script, SECONDS, environment={"BENCH_SESSIONS": str(SESSIONS)})
    children_after = os.times()
    used = {name: cpu_seconds(pid) - before[name] for name, pid in pids.items()}
    used["wrk"] = (children_after.children_user + children_after.children_system
                   - children_before.children_user - children_before.children_system)
    return result, used


def main():
    lib.stop_cleanly_on_sigterm()
    bin_path = lib.build_release(["rest-sessions", "HTTPBench"])
    redis = lib.Redis()
    server = None
    perf = None
    try:
        if ROUTE == "fixed":
            server = lib.FixedResponseServer(bin_path)
            url = "http://127.0.0.1:%d" % server.port
        else:
            server = lib.Service(bin_path, redis)
            lib.capture_script_calls(redis, server, APP)
            lib.create_sessions(redis, APP, SESSIONS)
            url = server.url
        script = "fixed.lua" if ROUTE == "fixed" else ROUTE + ".lua"
        lib.run_wrk(url, script, 2, environment={"BENCH_SESSIONS": str(SESSIONS)})
        redis.command("CONFIG", "RESETSTAT")
        pids = {"service": server.process.pid, "redis": redis.process.pid}
        result, used = run_wrk_measured(url, script, pids)
        commandstats = redis.info("commandstats")
        perf_file = os.path.join(lib.RESULTS_DIR, "perf-%s%s-%s.data" % (
            ROUTE, "" if PROCESS == "service" else "-" + PROCESS, lib.run_stamp()))
        os.makedirs(lib.RESULTS_DIR, exist_ok=True)
        perf = subprocess.Popen(["perf", "record", "-e", "cpu-clock", "-F", "1999", "-g", "-o", perf_file,
                                 "-p", str(pids[PROCESS])], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.5)
        lib.run_wrk(url, script, max(2, SECONDS // 2), environment={"BENCH_SESSIONS": str(SESSIONS)})
    finally:
        if perf:
            perf.send_signal(2)
            perf.wait()
        if server:
            server.stop()
        redis.stop()
    requests = result["requests"]
    print("profile: %s: %d req/s, p50 %.2f ms, p99 %.2f ms" % (
        ROUTE, result["requests_per_second"], result["p50_us"] / 1000, result["p99_us"] / 1000))
    print("profile: CPU µs per request: " + ", ".join(
        "%s %.1f" % (name, 1e6 * seconds / requests) for name, seconds in used.items())
        + ", total %.1f (2 cores = %.0f req/s at most)" % (
            1e6 * sum(used.values()) / requests, 2 * requests / sum(used.values())))
    evalsha = commandstats.get("cmdstat_evalsha")
    if evalsha:
        print("profile: Redis EVALSHA: %s" % evalsha)
    print("profile: perf report -i %s --no-children --sort symbol | head -60" % os.path.relpath(perf_file, lib.ROOT))


if __name__ == "__main__":
    sys.exit(main())
