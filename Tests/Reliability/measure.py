"""What the reliability scenarios read about the service process: memory and open descriptors."""
import os
import resource


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError(f"no VmRSS for process {pid}")


def open_descriptors(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def raise_own_descriptor_limit(needed):
    """Raises this test process's soft RLIMIT_NOFILE to the hard limit; fails clearly if too low."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    assert soft >= needed, f"the test needs {needed} open files, `ulimit -n` allows {soft} (hard limit {hard})"


def figure(name, text):
    print(f"\nFIGURE {name}: {text}")
