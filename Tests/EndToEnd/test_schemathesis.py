"""openapi.yaml against the running service: schemathesis generates requests from the description and
checks that no answer is a 5xx and that every answer conforms to the described schema."""
import subprocess
import sys
from pathlib import Path

from processes import REPOSITORY

EXAMPLES_PER_OPERATION = 400


def test_service_conforms_to_openapi_yaml(service, tmp_path):
    # One worker: CPython 3.11's ast.parse is not thread-safe ("AST constructor recursion depth
    # mismatch" inside hypothesis with several workers).
    schemathesis = Path(sys.executable).parent / "schemathesis"
    assert schemathesis.exists(), f"no schemathesis next to {sys.executable}: run through `make test-e2e`"
    command = [str(schemathesis), "run", str(REPOSITORY / "openapi.yaml"),
               "--url", f"http://127.0.0.1:{service.port}",
               "--checks", "not_a_server_error,response_schema_conformance,content_type_conformance",
               "--max-examples", str(EXAMPLES_PER_OPERATION), "--seed", "4242", "--workers", "1",
               # The stateful phase (openapi.yaml's links) runs at length in `make test-hostile`.
               "--phases", "examples,coverage,fuzzing",
               "--request-timeout", "30", "--no-color"]
    # Bounds, not speed: it took 7.5 of the 10 minutes it had on the 2-core machine under load.
    finished = subprocess.run(command, capture_output=True, text=True, timeout=1800, cwd=tmp_path)
    summary = "\n".join(finished.stdout.splitlines()[-40:])
    print(summary)
    assert finished.returncode == 0, f"schemathesis found problems:\n{finished.stdout[-12000:]}\n{finished.stderr}"
