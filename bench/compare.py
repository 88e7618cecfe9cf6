#!/usr/bin/env python3
"""make bench-compare COMPARE="DIR_A DIR_B" [PROFILE_ROUTE=get] [COMPARE_ROUNDS=6]: two builds of
the service alternated in the same minutes, and make bench-allocations [PROFILE_ROUTE=get]:
allocations and system calls per request of the current release build.

A change of a few per cent in req/s disappears in the noise of a shared 2-core machine. Two
measures do not: the CPU time per request (user and system apart, from /proc) of builds run one
after the other, round after round, compared pair by pair; and exact counts per request of
malloc/calloc/realloc calls (perf uprobes in libc) and of the system calls (perf tracepoints).
DIR_A and DIR_B hold a rest-sessions binary each (copy one aside before a change: `cp
$(swift build -c release --show-bin-path)/rest-sessions /tmp/before/`).
"""

import os
import statistics
import subprocess
import sys
import time

import benchlib as lib

ROUTE = os.environ.get("PROFILE_ROUTE", "get")
ROUNDS = int(os.environ.get("COMPARE_ROUNDS", "6"))
SECONDS = int(os.environ.get("COMPARE_SECONDS", "5"))
SESSIONS = 1000
APP = "bench"
LIBC = "/lib/x86_64-linux-gnu/libc.so.6"
ALLOCATION_PROBES = ["malloc", "calloc", "realloc"]
SYSTEM_CALLS = ["sendto", "recvfrom", "write", "read", "epoll_wait"]


def with_service(bin_path, measure):
    """`measure(server, redis)` on a fresh Redis and service with the sessions and a 2 s warm-up."""
    redis = lib.Redis()
    server = None
    try:
        server = lib.Service(bin_path, redis)
        lib.capture_script_calls(redis, server, APP)
        lib.create_sessions(redis, APP, SESSIONS)
        lib.run_wrk(server.url, ROUTE + ".lua", 2, environment={"BENCH_SESSIONS": str(SESSIONS)})
        return measure(server, redis)
    finally:
        if server:
            server.stop()
        redis.stop()


def cpu_per_request(server, redis):
    pids = {"service": server.process.pid, "redis": redis.process.pid}
    before = {name: lib.cpu_times(pid) for name, pid in pids.items()}
    result = lib.run_wrk(server.url, ROUTE + ".lua", SECONDS, environment={"BENCH_SESSIONS": str(SESSIONS)})
    after = {name: lib.cpu_times(pid) for name, pid in pids.items()}
    per_request = 1e6 / result["requests"]
    return {
        "req/s": result["requests_per_second"],
        "service user µs": (after["service"][0] - before["service"][0]) * per_request,
        "service system µs": (after["service"][1] - before["service"][1]) * per_request,
        "redis µs": (sum(after["redis"]) - sum(before["redis"])) * per_request,
    }


def compare(directories):
    rows = {directory: [] for directory in directories}
    for round_number in range(1, ROUNDS + 1):
        for directory in directories:
            row = with_service(directory, cpu_per_request)
            rows[directory].append(row)
            print("round %d %s: %s" % (round_number, directory, describe(row)), flush=True)
    for directory in directories:
        keys = rows[directory][0].keys()
        medians = {key: statistics.median(row[key] for row in rows[directory]) for key in keys}
        print("median of %d, %s: %s" % (ROUNDS, directory, describe(medians)))


def describe(row):
    return ", ".join("%s %.0f" % (key, value) if key == "req/s" else "%s %.2f" % (key, value) for key, value in row.items())


def ensure_probes():
    listed = subprocess.run(["perf", "probe", "-l"], capture_output=True, text=True).stdout
    for function in ALLOCATION_PROBES:
        if "probe_libc:%s " % function not in listed:
            subprocess.run(["perf", "probe", "-q", "-x", LIBC, function], check=True)


def counts_per_request(server, redis):
    events = ["probe_libc:" + function for function in ALLOCATION_PROBES] + [
        "syscalls:sys_enter_" + call for call in SYSTEM_CALLS]
    perf = subprocess.Popen(["perf", "stat", "-x", ",", "-e", ",".join(events), "-p", str(server.process.pid)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    time.sleep(0.5)
    result = lib.run_wrk(server.url, ROUTE + ".lua", 3, environment={"BENCH_SESSIONS": str(SESSIONS)})
    time.sleep(0.3)
    perf.send_signal(2)
    _, report = perf.communicate()
    counts = {}
    for line in report.splitlines():
        fields = line.split(",")
        if len(fields) > 2 and fields[0].strip().isdigit():
            counts[fields[2]] = int(fields[0]) / result["requests"]
    return counts


def allocations():
    ensure_probes()
    bin_path = lib.build_release(["rest-sessions"])
    counts = with_service(bin_path, counts_per_request)
    print("per %s request (perf, %s):" % (ROUTE, bin_path))
    for event, count in counts.items():
        print("  %-32s %7.2f" % (event, count))
    print("  %-32s %7.2f" % ("allocations in all", sum(count for event, count in counts.items() if event.startswith("probe_libc"))))


def main():
    lib.stop_cleanly_on_sigterm()
    if sys.argv[1:2] == ["--allocations"]:
        return allocations()
    directories = sys.argv[1:]
    if len(directories) < 2:
        sys.exit("usage: compare.py DIR_A DIR_B ... (each holding a rest-sessions binary), or compare.py --allocations")
    compare(directories)


if __name__ == "__main__":
    sys.exit(main())
