"""A Redis Sentinel set-up of a test's own on loopback: one master, replicas, three sentinels."""
import os
import shutil
import subprocess
from pathlib import Path

from processes import RedisServer, free_port, wait_until
from resp import RedisReplyError, RespClient

MASTER_NAME = "rsmaster"
SENTINEL_COUNT = 3


def sentinel_binary():
    found = shutil.which("redis-sentinel")
    if not found:
        raise AssertionError("no redis-sentinel on PATH: run `scripts/setup.sh test` (Debian package redis-sentinel)")
    return found


class Replica(RedisServer):
    """A redis-server that starts as a replica of `master_port`."""

    def __init__(self, directory, master_port, port=None, password=None):
        super().__init__(directory, port, password)
        self.extra_arguments = ["--replicaof", "127.0.0.1", str(master_port)]


class Sentinel:
    def __init__(self, directory, master_port, down_after_ms, password=None):
        self.port = free_port()
        self.directory = Path(directory) / f"sentinel-{self.port}"
        self.directory.mkdir(parents=True)
        self.config = self.directory / "sentinel.conf"
        self.config.write_text("\n".join([
            f"port {self.port}", "bind 127.0.0.1", f"dir {self.directory}",
            f"logfile {self.directory / 'sentinel.log'}",
            f"sentinel monitor {MASTER_NAME} 127.0.0.1 {master_port} 2",
            f"sentinel down-after-milliseconds {MASTER_NAME} {down_after_ms}",
            f"sentinel failover-timeout {MASTER_NAME} 10000",
            f"sentinel parallel-syncs {MASTER_NAME} 1",
            # Quoted: a password may hold spaces (not quotes or backslashes here).
            *([f'sentinel auth-pass {MASTER_NAME} "{password}"'] if password else []), ""]))
        self.process = subprocess.Popen([sentinel_binary(), str(self.config)], stdin=subprocess.DEVNULL,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def command(self, *arguments):
        with RespClient("127.0.0.1", self.port, timeout=2) as client:
            return client.command(*arguments)

    def master_port(self):
        try:
            address = self.command("SENTINEL", "get-master-addr-by-name", MASTER_NAME)
        except (OSError, RedisReplyError):
            return None
        return int(address[1]) if address else None

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


class SentinelTopology:
    """master + `replica_count` replicas + three sentinels; `servers` maps port → RedisServer.
    `password`: every server requires it (requirepass, and masterauth to replicate) and the
    sentinels use it (auth-pass); the sentinels themselves need none."""

    def __init__(self, directory, replica_count=1, down_after_ms=1000, password=None):
        self.directory = Path(directory)
        self.password = password
        master = self._prepared(RedisServer, port=free_port()).start()
        self.servers = {master.port: master}
        for _ in range(replica_count):
            replica = self._prepared(Replica, master_port=master.port, port=free_port()).start()
            self.servers[replica.port] = replica
        self.sentinels = [Sentinel(self.directory, master.port, down_after_ms, password) for _ in range(SENTINEL_COUNT)]
        self.wait_until_settled(master.port, replica_count)

    def _prepared(self, kind, port, **arguments):
        """A server with a directory of its own (replicas write the RDB of their full sync there) and
        no delay before a diskless sync."""
        directory = self.directory / f"redis-{port}"
        directory.mkdir(parents=True)
        server = kind(directory, port=port, password=self.password, **arguments)
        server.base_arguments += ["--repl-diskless-sync-delay", "0"]
        if self.password:
            server.base_arguments += ["--masterauth", self.password]
        return server

    def restart(self, port):
        """Starts a killed server again on its port, as a master of nothing (the replica it was
        started as may point at a server that is itself a replica now): the sentinels then make it
        a replica of the current master."""
        server = self.servers[port]
        server.extra_arguments = []
        server.start()

    @property
    def sentinel_addresses(self):
        return ",".join(f"127.0.0.1:{sentinel.port}" for sentinel in self.sentinels)

    def service_settings(self, **settings):
        """RS_ settings for a service that finds the master through these sentinels."""
        return dict(RS_REDISURL=None, RS_SENTINELS=self.sentinel_addresses, RS_SENTINEL_MASTER=MASTER_NAME,
                    RS_REDIS_PASSWORD=self.password, **settings)

    def master_port(self):
        """The master as the sentinels see it (the first that answers)."""
        for sentinel in self.sentinels:
            port = sentinel.master_port()
            if port:
                return port
        return None

    def role(self, port):
        try:
            with RespClient("127.0.0.1", port, timeout=1, password=self.password) as client:
                return client.command("ROLE")[0]
        except (OSError, RedisReplyError):
            return None

    def connected_replicas(self, port):
        try:
            with RespClient("127.0.0.1", port, timeout=1, password=self.password) as client:
                info = client.command("INFO", "replication")
        except (OSError, RedisReplyError):
            return -1
        for line in info.splitlines():
            if line.startswith("connected_slaves:"):
                return int(line.split(":")[1])
        return 0

    def wait_until_settled(self, master_port, replica_count, deadline_seconds=30):
        """Every sentinel names the same master (master_port, or any when None: on a loaded machine
        the sentinels may fail over again on their own), knows the other sentinels, and the
        replicas are in sync. Returns the master's port."""
        def settled():
            expected = master_port or self.master_port()
            if not expected:
                return False
            for sentinel in self.sentinels:
                try:
                    if sentinel.master_port() != expected:
                        return False
                    state = dict(zip(*[iter(sentinel.command("SENTINEL", "master", MASTER_NAME))] * 2))
                except (OSError, RedisReplyError):
                    return False
                if int(state["num-other-sentinels"]) < SENTINEL_COUNT - 1 or int(state["num-slaves"]) < replica_count:
                    return False
            if self.role(expected) == "master" and self.connected_replicas(expected) >= replica_count:
                return expected
            return False
        return wait_until(settled, deadline_seconds, f"the sentinels to agree on a master with {replica_count} replicas")

    def failover(self):
        """SENTINEL FAILOVER (a graceful switch); returns the old master's port."""
        old = self.master_port()
        self.sentinels[0].command("SENTINEL", "FAILOVER", MASTER_NAME)
        return old

    def wait_for_new_master(self, old_port, deadline_seconds=30):
        def switched():
            port = self.master_port()
            return port if port and port != old_port and self.role(port) == "master" else None
        return wait_until(switched, deadline_seconds, f"the sentinels to promote a replica instead of {old_port}")

    def kill(self, port):
        self.servers[port].kill()

    def stop(self):
        for sentinel in self.sentinels:
            sentinel.kill()
        for server in self.servers.values():
            server.kill()
