"""The data file and its shape: where it lives, its JSON Schema, and the check every reader runs.

scripts/bench.py checks what it writes, scripts/bench_report.py and
scripts/bench_waiting.py what they read, and the tests the committed file.
"""

import json
from pathlib import Path

from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import best_match

from harness.project import DOCS

DATA_FILE = DOCS / "data" / "benchmark.json"
SCHEMA_VERSION = 5
SCHEMA_FILE = Path(__file__).with_name("schema.json")


def _is_integer(checker, instance) -> bool:
    """JSON Schema takes 3.0 for an integer; the report prints counts and concurrency as Python ints."""
    return isinstance(instance, int) and not isinstance(instance, bool)


BenchmarkValidator = validators.extend(
    Draft202012Validator,
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine("integer", _is_integer),
)


def schema_problem(data) -> str | None:
    """The most telling schema violation, with where it is (a JSON path), or None."""
    validator = BenchmarkValidator(json.loads(SCHEMA_FILE.read_text()))
    errors = list(validator.iter_errors(data))
    if not errors:
        return None
    error = best_match(errors)
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{error.json_path}: {shorten(error.message)}{more}"


def shorten(message: str, limit: int = 300) -> str:
    """jsonschema quotes the offending value whole; a wrong `results` would fill the terminal."""
    return message if len(message) <= limit else message[: limit - 1] + "…"


def reference_problem(data: dict) -> str | None:
    """An entry whose workload or server is not a key of `workloads` or `servers` (no schema can say)."""
    for part in ("results", "memory"):
        for index, entry in enumerate(data[part]):
            for key, table in (("workload", "workloads"), ("server", "servers")):
                if entry[key] not in data[table]:
                    return f"$.{part}[{index}].{key}: {entry[key]!r} is not a key of $.{table}"
    for name, workload in data["workloads"].items():
        if workload["same_work_as"] is not None and workload["same_work_as"] not in data["workloads"]:
            other = workload["same_work_as"]
            return f"$.workloads.{name}.same_work_as: {other!r} is not a key of $.workloads"
    for role, servers in data["roles"].items():
        for framework, server in servers.items():
            if server not in data["servers"]:
                return f"$.roles.{role}.{framework}: {server!r} is not a key of $.servers"
    return None


def check(data: dict) -> None:
    """Raise ValueError, naming the place, unless `data` has the shape the report and the page rely on."""
    problem = schema_problem(data) or reference_problem(data)
    if problem:
        raise ValueError(f"benchmark data: {problem}")


def load(path: Path = DATA_FILE) -> dict:
    """The benchmark data in `path`, checked; OSError if it cannot be read, ValueError if it is not data."""
    data = json.loads(path.read_text())
    check(data)
    return data
