"""Out of file descriptors: the service backs off accepting instead of spinning or failing, and serves
again once descriptors are free."""
import socket
import time

from processes import EVENT_DEADLINE_SECONDS, wait_until

# Enough for the process's own descriptors (loops, eventfds, Redis, the listener, logs) and a few clients.
OPEN_FILES = 48
IDLE_CLIENTS = 80


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / 100  # utime + stime, in clock ticks of 1/100 s


def test_running_out_of_descriptors_pauses_accepting_without_spinning(launcher):
    service = launcher.start(open_files_limit=OPEN_FILES)
    clients = [socket.create_connection(("127.0.0.1", service.port)) for _ in range(IDLE_CLIENTS)]
    try:
        # The kernel completes every handshake; the service accepts until accept says EMFILE.
        wait_until(lambda: "out of resources" in service.log, EVENT_DEADLINE_SECONDS, "the accept back-off warning")
        assert service.process.poll() is None, service.log
        assert f"open file limit {OPEN_FILES} is below maxConnections (10000)" in service.log, "said at start-up"

        # Backing off, not retrying at once: under a tenth of a core while nothing can be accepted.
        before = cpu_seconds(service.process.pid)
        time.sleep(2)
        assert cpu_seconds(service.process.pid) - before < 0.2
    finally:
        for client in clients:
            client.close()

    # Descriptors come back as the closed clients are read to their end; accepting resumes.
    def answers():
        try:
            return service.request("GET", "/ping", timeout=2).status == 200
        except OSError:
            return False
    wait_until(answers, EVENT_DEADLINE_SECONDS, "an answer once descriptors are free again")
