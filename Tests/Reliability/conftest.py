"""The reliability scenarios reuse the end-to-end helpers and fixtures (Tests/EndToEnd)."""
import importlib.util
import sys
from pathlib import Path

END_TO_END = Path(__file__).resolve().parents[1] / "EndToEnd"
sys.path.insert(0, str(END_TO_END))

_specification = importlib.util.spec_from_file_location("end_to_end_conftest", END_TO_END / "conftest.py")
_end_to_end = importlib.util.module_from_spec(_specification)
_specification.loader.exec_module(_end_to_end)

pytest_configure = _end_to_end.pytest_configure
redis_port = _end_to_end.redis_port
binary = _end_to_end.binary
launcher = _end_to_end.launcher
app = _end_to_end.app
redis_server_factory = _end_to_end.redis_server_factory
