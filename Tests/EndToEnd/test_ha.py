"""High availability through Redis Sentinel: a master, replicas and three sentinels of the test's own,
a steady stream of creates and gets through the real binary, and failovers under it.

`make test` runs one short round of each scenario; `make test-ha` runs longer and more rounds
(RS_HA_SECONDS of load around each failover, RS_HA_ROUNDS failovers)."""
import http.client
import json
import os
import time

import pytest

from load import LoadGenerator
from processes import wait_until
from resp import RespClient
from topology import SentinelTopology

SECONDS_OF_LOAD = float(os.environ.get("RS_HA_SECONDS", "2"))
ROUNDS = int(os.environ.get("RS_HA_ROUNDS", "1"))
# "At most a few seconds of 503s": a kill needs down-after-milliseconds (1 s) to be noticed, an
# election and the promotion; the bound is generous for a loaded 2-core machine.
LONGEST_OUTAGE_SECONDS = 10
SERVICE_SETTINGS = dict(RS_WAIT_REPLICAS=1, RS_WAIT_TIMEOUT_MS=1000, RS_REDIS_TIMEOUT_MS=1000, RS_WIPE=0)


@pytest.fixture
def topology_factory(tmp_path):
    topologies = []

    def start(**arguments):
        topology = SentinelTopology(tmp_path / f"topology-{len(topologies)}", **arguments)
        topologies.append(topology)
        return topology
    yield start
    for topology in topologies:
        topology.stop()


def serving_after(load, moment, what):
    wait_until(lambda: load.successes_since(moment) >= 20, LONGEST_OUTAGE_SECONDS * 3, what)


def unreadable(port, app, tokens):
    """The tokens a get through the service does not find (one keep-alive connection)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    missing = []
    for token in tokens:
        connection.request("GET", f"/{app}/get/{token}")
        answer = connection.getresponse()
        body = answer.read()
        if answer.status != 200 or "id" not in json.loads(body):
            missing.append((token, answer.status, body[:100]))
    connection.close()
    return missing


def check_and_report(scenario, result, service, app):
    assert result.acknowledged, f"{scenario}: no create succeeded"
    assert not result.unexpected(), f"{scenario}: answers other than 200/503: {result.unexpected()[:5]}"
    assert not result.lost_reads, f"{scenario}: acknowledged sessions read as missing: {result.lost_reads[:5]}"
    missing = unreadable(service.port, app, result.acknowledged)
    assert not missing, f"{scenario}: {len(missing)} of {len(result.acknowledged)} acknowledged sessions lost: {missing[:5]}"
    outage = result.longest_outage()
    print(f"\nFIGURE {scenario}: {result.requests} requests, {result.count(200)} answered 200, "
          f"{result.count(503)} answered 503, {len(result.acknowledged)} acknowledged creates all readable "
          f"afterwards (0 lost), longest outage {outage:.2f} s, slowest request {result.slowest():.2f} s")
    assert outage <= LONGEST_OUTAGE_SECONDS, f"{scenario}: {outage:.1f} s without service"


def failovers_under_load(scenario, launcher, topology, app, force_failover, **settings):
    """Load through the service while `force_failover(old_master)` runs ROUNDS times; then checks
    that every acknowledged create is readable and the service was never out for long."""
    replicas = len(topology.servers) - 1
    service = launcher.start(**topology.service_settings(**SERVICE_SETTINGS, **settings))
    with LoadGenerator(service.port, app, threads=4, seconds=600) as load:
        serving_after(load, 0, "the service to serve through the sentinels' master")
        for _ in range(ROUNDS):
            time.sleep(SECONDS_OF_LOAD)
            old = topology.master_port()
            force_failover(old)
            new = topology.wait_for_new_master(old)
            serving_after(load, time.monotonic(), f"the service to serve again after the switch to {new}")
            if old in topology.servers and topology.servers[old].process.poll() is not None:
                topology.restart(old)   # comes back and is turned into a replica by the sentinels
            # A restarted server is made a replica only after the sentinels have watched it for a
            # while (and it needs a full sync): more patience than for a switch.
            topology.wait_until_settled(None, replica_count=replicas, deadline_seconds=90)
        time.sleep(SECONDS_OF_LOAD)
        result = load.stop()
    check_and_report(scenario, result, service, app)
    return service


def test_sentinel_failover_is_followed_without_losing_acknowledged_sessions(launcher, topology_factory, app):
    # Every server requires a password (the service's redisPassword, the sentinels' auth-pass) and
    # the sessions live in database 1 (redisDb): the connections to each new master log in and
    # select it too.
    topology = topology_factory(replica_count=1, password="master secret")
    service = failovers_under_load("ha-sentinel-failover", launcher, topology, app, lambda old: topology.failover(),
                                   RS_REDIS_DB=1)
    with RespClient("127.0.0.1", topology.master_port(), password="master secret") as master:
        pattern = f"{service.namespace}:{app}:*"
        assert master.command("SCAN", "0", "MATCH", pattern, "COUNT", "100000")[1] == []
        master.command("SELECT", "1")
        assert master.command("SCAN", "0", "MATCH", pattern, "COUNT", "100000")[1], "no session in database 1"


def test_killed_master_is_replaced_without_losing_acknowledged_sessions(launcher, topology_factory, app):
    # Two replicas: after the kill one is promoted and the other still acknowledges WAIT 1.
    topology = topology_factory(replica_count=2)
    failovers_under_load("ha-master-killed", launcher, topology, app, topology.kill)


def test_too_few_replicas_answer_503_replication_timeout_never_success(launcher, topology_factory, app):
    topology = topology_factory(replica_count=1)
    service = launcher.start(**topology.service_settings(RS_WAIT_REPLICAS=2, RS_WAIT_TIMEOUT_MS=100))
    wait_until(lambda: service.request("GET", "/ping").status == 200, 20, "the service to reach the master")
    answer = service.request("PUT", f"/{app}/create/u1?ip=1.2.3.4")
    assert answer.status == 503 and json.loads(answer.body)["name"] == "replicationTimeout", answer
