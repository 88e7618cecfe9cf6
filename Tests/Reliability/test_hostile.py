"""Hostile input: schemathesis generates requests from openapi.yaml, also in its stateful phase (it
follows the document's links: create → get / set / kill / listings of the id), and checks that no
answer is a 5xx and every answer conforms to the document (make test-hostile)."""
import os
import re
import subprocess
import sys
from pathlib import Path

from measure import figure
from processes import REPOSITORY

MINIMUM_REQUESTS = 5000
EXAMPLES = int(os.environ.get("RS_HOSTILE_EXAMPLES", "1000"))
ACCESS_LINE = re.compile(rb" [0-9]{3} [0-9.]+ms$", re.MULTILINE)


def test_thousands_of_generated_requests_get_no_5xx_and_conform_to_openapi_yaml(launcher, tmp_path):
    service = launcher.start(RS_LOGLEVEL="info")
    schemathesis = Path(sys.executable).parent / "schemathesis"
    assert schemathesis.exists(), f"no schemathesis next to {sys.executable}: run through `make test-hostile`"
    command = [str(schemathesis), "run", str(REPOSITORY / "openapi.yaml"), "--url", f"http://127.0.0.1:{service.port}",
               "--phases", "fuzzing,stateful",
               "--checks", "not_a_server_error,response_schema_conformance,content_type_conformance,status_code_conformance",
               "--max-examples", str(EXAMPLES), "--seed", "7777", "--workers", "1", "--request-timeout", "10",
               "--no-color"]
    finished = subprocess.run(command, capture_output=True, text=True, timeout=3000, cwd=tmp_path)
    summary = "\n".join(finished.stdout.splitlines()[-30:])
    print(summary)
    assert finished.returncode == 0, f"schemathesis found problems:\n{finished.stdout[-12000:]}\n{finished.stderr}"
    served = len(ACCESS_LINE.findall(service.log_path.read_bytes()))
    cases = re.search(r"(\d+) generated", finished.stdout)
    figure("schemathesis", f"{served} requests served to schemathesis (fuzzing and stateful phases, "
           f"{cases.group(1) if cases else '?'} generated test cases, seed 7777): no 5xx, every answer "
           f"conforming to openapi.yaml")
    assert served >= MINIMUM_REQUESTS, f"only {served} requests; raise RS_HOSTILE_EXAMPLES"
