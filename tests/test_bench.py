"""The benchmark pipeline end to end (--quick), its data file, and the page that shows it.

The full run is not part of the suite (it takes minutes); `--quick` starts
every server, runs wrk once against each, and must produce data that passes
the schema check and charts that render. The committed data must pass the
same check, and the page's tables and charts must be exactly what
scripts/bench_report.py makes of it, so no figure on the page is typed by
hand. Without wrk these tests fail under REQUIRE_TOOLS=1 (CI) and skip elsewhere, saying how to
install it.
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ElementTree

import pytest

from scripts import bench, bench_report
from support.paths import DOCS, ROOT
from support.processes import processes_with

DATA = DOCS / "data"


@pytest.fixture
def wrk(require_tools):
    """Skip without wrk, or fail under REQUIRE_TOOLS=1 (CI), saying how to install it."""
    require_tools("wrk")


def run_bench(*args: str, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "scripts.bench", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=ROOT,
    )


def test_quick_run_end_to_end(wrk, tmp_path):
    output = tmp_path / "benchmark.json"
    process = subprocess.Popen(
        [sys.executable, "-m", "scripts.bench", "--quick", "--output", str(output)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    data = json.loads(output.read_text())
    bench.check(data)
    assert {r["server"] for r in data["results"]} == {server.name for server in bench.SERVERS}
    assert all(r["summary"]["requests_per_second"] > 0 for r in data["results"])
    assert all(r["summary"]["non_2xx"] == 0 and r["summary"]["errors"] == 0 for r in data["results"])
    for name, content in bench_report.report(data).items():
        if name.endswith(".svg"):
            svg = ElementTree.fromstring(content)
            assert svg.findall("{http://www.w3.org/2000/svg}polyline")
    # The servers the run started are gone.
    assert processes_with(f"BENCH_RUN=bench-{process.pid}") == []


def test_ctrl_c_stops_every_server(wrk, tmp_path):
    process = subprocess.Popen(
        [sys.executable, "-m", "scripts.bench", "--output", str(tmp_path / "never.json")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    marker = f"BENCH_RUN=bench-{process.pid}"
    deadline = time.monotonic() + 30
    while not processes_with(marker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert processes_with(marker), "the benchmark never started a server"
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "interrupted" in stderr
    time.sleep(0.5)
    assert processes_with(marker) == []
    assert not (tmp_path / "never.json").exists()


def test_missing_wrk_is_a_clear_error(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "taskset").symlink_to(shutil.which("taskset") or "/usr/bin/taskset")
    result = run_bench("--quick", env={**os.environ, "PATH": str(bin_dir)})
    assert result.returncode == 1
    assert "wrk is missing" in result.stderr and "apt-get install wrk" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "args", [["--repetitions", "0"], ["--duration", "-1"], ["--duration", "abc"], ["--bogus"]]
)
def test_bad_arguments_are_clear_errors(args):
    result = run_bench(*args)
    assert result.returncode == 2
    assert "error:" in result.stderr and "Traceback" not in result.stderr


def test_wrk_output_is_parsed():
    sample = """Running 2s test @ http://127.0.0.1:1/
  1 threads and 50 connections
  Latency Distribution
     50%    1.02s
     75%    1.53s
     90%  850.00us
     99%   12.50ms
  39 requests in 2.00s, 6.59KB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 4
Requests/sec:     19.46
"""
    assert bench.parse_wrk(sample) == {
        "requests_per_second": 19.46,
        "requests": 39,
        "latency_ms": {"p50": 1020.0, "p90": 0.85, "p99": 12.5},
        "errors": 5,
        "non_2xx": 4,
    }
    with pytest.raises(ValueError, match="wrk output"):
        bench.parse_wrk("wrk: connection refused")


def test_committed_data_is_a_full_valid_run():
    data = json.loads((DATA / "benchmark.json").read_text())
    bench.check(data)
    assert data["quick"] is False
    assert {r["workload"] for r in data["results"]} == {w.name for w in bench.WORKLOADS}
    assert all(len(r["repetitions"]) >= 3 for r in data["results"])


def committed_data() -> dict:
    return json.loads((DATA / "benchmark.json").read_text())


DELETE = object()
# A mistake: the node to change (its keys from the top), the key to set or DELETE and
# the value, then the place (JSON path) the refusal must name and what it must say.
BROKEN_DATA = {
    "missing p99": (
        ("results", 0, "summary", "latency_ms"),
        "p99",
        DELETE,
        "$.results[0].summary.latency_ms",
        "'p99' is a required property",
    ),
    "extra percentile": (
        ("results", 1, "repetitions", 0, "latency_ms"),
        "p95",
        1.0,
        "$.results[1].repetitions[0].latency_ms",
        "'p95' was unexpected",
    ),
    "wrong schema_version": ((), "schema_version", 1, "$.schema_version", "2 was expected"),
    "unknown server": (("results", 2), "server", "waitress", "$.results[2].server", "not a key of $.servers"),
    "unknown workload": (
        ("results", 2),
        "workload",
        "nap",
        "$.results[2].workload",
        "not a key of $.workloads",
    ),
    "no unsteady_attempts": (
        ("results", 0),
        "unsteady_attempts",
        DELETE,
        "$.results[0]",
        "'unsteady_attempts' is a required property",
    ),
    "empty unsteady attempt": (
        ("results", 0),
        "unsteady_attempts",
        [[]],
        "$.results[0].unsteady_attempts[0]",
        "should be non-empty",
    ),
    "zero concurrency": (("results", 3), "concurrency", 0, "$.results[3].concurrency", "minimum of 1"),
    "fractional count": (
        ("results", 3, "summary"),
        "errors",
        1.0,
        "$.results[3].summary.errors",
        "is not of type 'integer'",
    ),
    "no repetitions": (("results", 4), "repetitions", [], "$.results[4].repetitions", "should be non-empty"),
    "throughput as text": (
        ("results", 4, "repetitions", 0),
        "requests_per_second",
        "fast",
        "$.results[4].repetitions[0].requests_per_second",
        "is not of type 'number'",
    ),
    "no spread": (
        ("results", 5, "summary"),
        "spread",
        DELETE,
        "$.results[5].summary",
        "'spread' is a required",
    ),
    "no results": ((), "results", [], "$.results", "should be non-empty"),
    "machine without python": (
        ("machine",),
        "python",
        DELETE,
        "$.machine",
        "'python' is a required property",
    ),
}


def broken_copy(node_keys: tuple, key: str, value) -> dict:
    """The committed data with one key of one node set to `value`, or deleted."""
    data = committed_data()
    node = data
    for node_key in node_keys:
        node = node[node_key]
    if value is DELETE:
        del node[key]
    else:
        node[key] = value
    return data


def test_the_schema_is_a_valid_draft_2020_12_schema():
    schema = json.loads(bench.SCHEMA_FILE.read_text())
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    bench.BenchmarkValidator.check_schema(schema)
    assert schema["properties"]["schema_version"]["const"] == bench.SCHEMA_VERSION


@pytest.mark.parametrize("mistake", BROKEN_DATA)
def test_schema_check_refuses_broken_data_naming_the_place(mistake):
    *change, place, says = BROKEN_DATA[mistake]
    with pytest.raises(ValueError) as refused:
        bench.check(broken_copy(*change))
    message = str(refused.value)
    assert message.startswith(f"benchmark data: {place}: ") and says in message, message


def test_check_option_exits_1_on_broken_data_and_0_on_the_committed_data(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(broken_copy(*BROKEN_DATA["missing p99"][:3])))
    refused = run_bench("--check", str(broken))
    assert refused.returncode == 1
    assert refused.stderr.startswith(f"{broken}: benchmark data: $.results[0].summary.latency_ms: ")
    assert "Traceback" not in refused.stderr
    assert run_bench("--check", str(DATA / "benchmark.json")).returncode == 0


def test_page_tables_and_charts_are_generated_from_the_data():
    data = json.loads((DATA / "benchmark.json").read_text())
    for name, content in bench_report.report(data).items():
        assert (DATA / name).read_text() == content, f"docs/data/{name} is stale: run scripts/bench_report.py"


def test_page_prose_has_no_hand_typed_figures():
    prose = [
        line
        for line in (DOCS / "benchmark.md").read_text().splitlines()
        if "--8<--" not in line and not line.startswith("python scripts/")
    ]
    text = re.sub(r"\]\([^)]*\)", "]", "\n".join(prose))  # link targets may hold digits
    assert re.findall(r"\d", text) == []


def test_a_worker_per_core_when_the_servers_get_several_cores():
    assert [bench.cpu_count(cores) for cores in ("0", "0-3", "0,2")] == [1, 4, 2]
    assert bench.servers_for("0") == bench.SERVERS
    per_core = bench.servers_for("0-1")[-1]
    assert per_core.name == "uvicorn, 2 workers (one per core)"
    assert per_core.args[per_core.args.index("--workers") + 1] == "2"
