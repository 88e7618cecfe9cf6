#!/usr/bin/env python3
"""Median and spread of several `make bench` runs: python3 bench/summary.py bench/results/bench-*.json"""

import json
import statistics
import sys

from benchlib import REDIS_MODES


def spread(values, fmt):
    return "%s (%s-%s)" % (fmt % statistics.median(values), fmt % min(values), fmt % max(values))


def main(paths):
    runs = [json.load(open(path)) for path in paths]
    print("%d runs: %s" % (len(runs), ", ".join(
        run["started"] + (" (service at nice %d)" % run["service_nice"] if run.get("service_nice") else "") for run in runs)))
    print("| route | req/s median (min-max) | p50 ms | p99 ms |")
    print("|---|---|---|---|")
    for name in ("get", "set", "create", "mixed"):
        routes = [run["routes"][name] for run in runs]
        print("| %s | %s | %s | %s |" % (
            name, spread([route["requests_per_second"] for route in routes], "%d"),
            spread([route["p50_ms"] for route in routes], "%.2f"), spread([route["p99_ms"] for route in routes], "%.2f")))
    fixed = [run["limits"]["http_fixed_response"] for run in runs]
    print("| HTTP alone (fixed 60 B) | %s | %s | %s |" % (
        spread([limit["requests_per_second"] for limit in fixed], "%d"),
        spread([limit["p50_ms"] for limit in fixed], "%.2f"), spread([limit["p99_ms"] for limit in fixed], "%.2f")))
    for name in ("get", "set", "create"):
        for mode, label in REDIS_MODES:
            limits = [run["limits"]["redis_evalsha"][name].get(mode) for run in runs]
            if None in limits:
                continue  # runs from before that mode was measured
            print("| Redis alone: EVALSHA %s, %s | %s | %s | %s |" % (
                name, label, spread([limit["requests_per_second"] for limit in limits], "%d"),
                spread([limit["p50_ms"] for limit in limits], "%.2f"), spread([limit["p99_ms"] for limit in limits], "%.2f")))
    memory = [run["memory"] for run in runs]
    print()
    print("| memory | median (min-max) |")
    print("|---|---|")
    print("| RSS idle MiB | %s |" % spread([entry["idle_mib"] for entry in memory], "%.1f"))
    print("| RSS peak under get MiB | %s |" % spread([entry["under_get_mib"] for entry in memory], "%.1f"))
    print("| RSS with %d idle connections MiB | %s |" % (
        memory[0]["idle_connections"], spread([entry["with_idle_connections_mib"] for entry in memory], "%.1f")))
    print("| get rate with them open / without | %s |" % spread(
        [entry["get_rate_ratio_with_idle_connections"] for entry in memory], "%.2f"))
    print()
    print("load average at start: %s" % "; ".join(str(run["machine"]["load_average_at_start"]) for run in runs))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
