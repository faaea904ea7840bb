"""The benchmark pipeline end to end (--quick), its data file, and the page that shows it.

The full run is not part of the suite (it takes minutes); `--quick` starts
every server, runs wrk once against each, and must produce data that passes
the schema check and charts that render. The committed data must pass the
same check, and the page's tables and charts must be exactly what
scripts/bench_report.py makes of it, so no figure on the page is typed by
hand. Without wrk or PostgreSQL these tests fail under REQUIRE_TOOLS=1 (CI) and skip elsewhere,
saying how to install them.
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from harness.benchmark import analysis, charts, measure, report, waiting, workloads
from harness.benchmark import data as benchmark_data
from harness.benchmark import run as bench_run
from harness.benchmark.wrk import parse_wrk
from harness.processes import Process, process_group, processes_with, with_default_sigint
from harness.project import DOCS, ROOT
from support import benchmark as made_up

# no_cover: no snippet code runs here, so coverage pauses (see tests/conftest.py).
pytestmark = [pytest.mark.bench, pytest.mark.no_cover]

DATA = DOCS / "data"


@pytest.fixture
def wrk(require_tools):
    """Skip without wrk or PostgreSQL (the database workloads' second database), or fail under
    REQUIRE_TOOLS=1 (CI), saying how to install them."""
    require_tools("wrk", "postgresql")


def run_module(module: str, *args: str, env: dict | None = None, timeout: float = 120):
    """`python -m module args` from the project's root, its output captured."""
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=ROOT,
    )


def run_bench(*args: str, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return run_module("scripts.bench", *args, env=env, timeout=timeout)


def test_quick_run_end_to_end(wrk, tmp_path):
    output = tmp_path / "benchmark.json"
    # The run's PostgreSQL cluster goes in a temporary folder of its own (the postgres user must be
    # able to enter it), so the processes left from it can be told from any other test's.
    scratch = Path(tempfile.mkdtemp(prefix="bench-test-"))
    scratch.chmod(0o711)
    process = subprocess.Popen(
        [sys.executable, "-m", "scripts.bench", "--quick", "--output", str(output)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "TMPDIR": str(scratch)},
    )
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    data = json.loads(output.read_text())
    benchmark_data.check(data)
    assert len(data["cpu_spread"]) == 2  # the machine's steadiness as the run started and as it ended
    assert {r["server"] for r in data["results"]} == {server.name for server in workloads.SERVERS}
    assert all(r["summary"]["requests_per_second"] > 0 for r in data["results"])
    assert all(r["summary"]["non_2xx"] == 0 and r["summary"]["errors"] == 0 for r in data["results"])
    # Real queries on SQLite and PostgreSQL, on the items filled in first: the same sync driver on
    # both sides, and FastAPI's async one; FastAPI's hello declared async def too.
    for database in ("database", "postgresql"):
        assert {r["framework"] for r in data["results"] if r["workload"] == database} == {"fastapi", "flask"}
        assert {r["framework"] for r in data["results"] if r["workload"] == f"{database}_async_driver"} == {
            "fastapi"
        }
    assert {r["workload"] for r in data["results"]} >= {"hello", "hello_async_def", "io_wait"}
    # Quart waits on I/O beside FastAPI and Flask.
    assert {r["framework"] for r in data["results"] if r["workload"] == "io_wait"} == {
        "fastapi",
        "flask",
        "quart",
    }
    # Every server's memory, its workers found among its processes.
    assert [entry["server"] for entry in data["memory"]] == [server.name for server in workloads.SERVERS]
    for entry in data["memory"]:
        workers = 2 if entry["server"] == "gunicorn sync, 2 workers" else 1
        assert entry["workers"] == workers < entry["processes"] or workers == entry["processes"] == 1, entry
        assert 10 * 1024 < entry["worker_rss_kib"]["idle"] <= entry["total_rss_kib"]["idle"], entry
    files = report.report(data)
    page = files[report.REPORT]
    assert "### SQLite, one item by id" in page and "### PostgreSQL, one item by id" in page
    assert "| Quart, hypercorn, 1 worker | 10 |" in page  # the I/O wait's share of the limit
    memory = page.split("[start:memory]")[1].split("[end:memory]")[0]
    assert "| Quart, hypercorn, 1 worker | " in memory, memory
    assert sorted(name for name in files if name.endswith(".svg")) == ["hello.svg", "io_wait.svg"]
    for name, content in files.items():
        if name.endswith(".svg"):
            assert_a_readable_chart(content, levels=[10])
    assert not measure.partial_path(output).exists(), "a finished run leaves no partial file"
    # The servers the run started are gone, and so is its PostgreSQL cluster.
    assert processes_with(f"BENCH_RUN=bench-{process.pid}") == []
    assert processes_with(str(scratch)) == []
    assert not any(scratch.iterdir()), "the cluster's folder is deleted"
    scratch.rmdir()


def test_an_interrupted_run_resumes_from_the_points_it_saved(wrk, tmp_path):
    """Every point of the quick plan but the last server's is in the partial file: the run measures
    only that one, keeps the saved ones as they are, and removes the partial file when done."""
    output = tmp_path / "benchmark.json"
    args = bench_run.parse_args(["--quick", "--output", str(output)])
    *saved_plan, (last_workload, last_server, _) = workloads.plan(quick=True, cores=args.server_cores)
    points = [
        made_up.point(workload.name, server.name, server.framework, args.server_cores, 1000, concurrency=c)
        for workload, server, levels in saved_plan
        for c in levels
    ]
    commands = {p["server"]: p.pop("command") for p in points}
    memory = [
        {
            "workload": workload.name,
            "server": server.name,
            "framework": server.framework,
            "processes": 1,
            "workers": 1,
            "worker_rss_kib": {"idle": 30_000, "loaded": 31_000},
            "total_rss_kib": {"idle": 30_000, "loaded": 31_000},
        }
        for workload, server, _ in saved_plan
        if workload is workloads.MEMORY_WORKLOAD
    ]
    saved = measure.assemble(args, points, commands, memory, cpu_spreads=[0.5])
    measure.partial_path(output).write_text(json.dumps(saved))
    result = run_bench("--quick", "--output", str(output))
    assert result.returncode == 0, result.stderr
    assert f"resuming: {len(points)} points" in result.stdout
    measured = [line for line in result.stdout.splitlines() if "req/s" in line]
    assert len(measured) == 1 and last_workload.name in measured[0] and last_server.name in measured[0]
    data = json.loads(output.read_text())
    assert data["results"][:-1] == points
    # The machine's steadiness as the first run started, as the resumed one started, and at the end.
    assert len(data["cpu_spread"]) == 3 and data["cpu_spread"][0] == 0.5
    last = data["results"][-1]
    assert (last["workload"], last["server"]) == (last_workload.name, last_server.name)
    assert not measure.partial_path(output).exists()


def test_a_partial_file_from_other_settings_or_broken_is_not_resumed(tmp_path):
    args = bench_run.parse_args(["--quick", "--output", str(tmp_path / "benchmark.json")])
    measure.partial_path(args.output).write_text(json.dumps({"settings": {"repetitions": 9}, "results": [1]}))
    assert measure.saved_run(args)["results"] == []
    measure.partial_path(args.output).write_text("{not json")
    assert measure.saved_run(args)["results"] == []


def test_a_partial_file_from_another_machine_is_not_resumed(tmp_path, monkeypatch):
    """Points measured on another CPU, or with other package versions, don't compare with this run's."""
    args = bench_run.parse_args(["--quick", "--output", str(tmp_path / "benchmark.json")])
    here = {"cpu_model": "this one", "packages": {"fastapi": "1"}}
    monkeypatch.setattr(measure, "machine", lambda args: here)
    point = made_up.point("hello", "uvicorn, 1 worker", "fastapi", args.server_cores, 1000)
    point.pop("command")
    saved = measure.assemble(args, [point], {}, [], cpu_spreads=[0.1])
    measure.partial_path(args.output).write_text(json.dumps(saved))
    assert len(measure.saved_run(args)["results"]) == 1
    for elsewhere in ({**here, "cpu_model": "another"}, {**here, "packages": {"fastapi": "2"}}):
        measure.partial_path(args.output).write_text(json.dumps({**saved, "machine": elsewhere}))
        assert measure.saved_run(args)["results"] == []


def test_ctrl_c_stops_every_server(wrk, tmp_path):
    process = subprocess.Popen(
        [sys.executable, "-m", "scripts.bench", "--output", str(tmp_path / "never.json")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        preexec_fn=with_default_sigint,
    )
    marker = f"BENCH_RUN=bench-{process.pid}"
    deadline = time.monotonic() + 30
    while not processes_with(marker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert processes_with(marker), "the benchmark never started a server"
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "interrupted" in stderr and "resumes" in stderr
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
    assert parse_wrk(sample) == {
        "requests_per_second": 19.46,
        "requests": 39,
        "latency_ms": {"p50": 1020.0, "p90": 0.85, "p99": 12.5},
        "errors": 5,
        "non_2xx": 4,
    }
    with pytest.raises(ValueError, match="wrk output"):
        parse_wrk("wrk: connection refused")


# Workloads added since the committed run: the next full run measures them, and this test then
# fails until the set is emptied.
NOT_YET_MEASURED: set[str] = set()


def test_committed_data_is_a_full_valid_run():
    data = json.loads((DATA / "benchmark.json").read_text())
    benchmark_data.check(data)
    assert data["quick"] is False
    assert {r["workload"] for r in data["results"]} == {
        w.name for w in workloads.WORKLOADS
    } - NOT_YET_MEASURED
    assert data["settings"]["repetitions"] >= 5 and data["settings"]["duration_seconds"] >= 3
    assert all(len(r["repetitions"]) >= 5 for r in data["results"])


def test_committed_data_holds_a_full_run_of_the_waiting_requests():
    """Every configuration at every count, read at least three times, and each held as many requests as
    its stated cap allows: a server still taking requests when it was read would be measured short."""
    run = committed_data()["waiting"]
    assert {(point["server"], point["connections"]) for point in run["points"]} == {
        (holder.server.name, connections) for holder in waiting.HOLDERS for connections in waiting.CONNECTIONS
    }
    assert list(run["servers"]) == [holder.server.name for holder in waiting.HOLDERS]
    caps = {holder.server.name: holder.cap for holder in waiting.HOLDERS}
    for point in run["points"]:
        assert len(point["readings"]) == run["repetitions"] >= 3, point["server"]
        cap = min(point["connections"], caps[point["server"]] or point["connections"])
        assert 0.99 * cap <= point["held"] <= cap, (point["server"], point["connections"], point["held"])


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
    "wrong schema_version": ((), "schema_version", 3, "$.schema_version", "5 was expected"),
    "a full run without the machine's steadiness at its end": (
        (),
        "cpu_spread",
        [0.01],
        "$.cpu_spread",
        "is too short",
    ),
    "memory of an unknown server": (
        ("memory", 0),
        "server",
        "waitress",
        "$.memory[0].server",
        "not a key of $.servers",
    ),
    "memory without the loaded figure": (
        ("memory", 1, "worker_rss_kib"),
        "loaded",
        DELETE,
        "$.memory[1].worker_rss_kib",
        "'loaded' is a required property",
    ),
    "unknown server": (("results", 2), "server", "waitress", "$.results[2].server", "not a key of $.servers"),
    "unknown workload": (
        ("results", 2),
        "workload",
        "nap",
        "$.results[2].workload",
        "not a key of $.workloads",
    ),
    "no discarded_attempts": (
        ("results", 0),
        "discarded_attempts",
        DELETE,
        "$.results[0]",
        "'discarded_attempts' is a required property",
    ),
    "empty discarded attempt": (
        ("results", 0),
        "discarded_attempts",
        [[]],
        "$.results[0].discarded_attempts[0]",
        "should be non-empty",
    ),
    "no starved count": (
        ("results", 0, "summary"),
        "starved_connections",
        DELETE,
        "$.results[0].summary",
        "'starved_connections' is a required property",
    ),
    "a role naming an unknown server": (
        ("roles", "advised"),
        "flask",
        "waitress",
        "$.roles.advised.flask",
        "not a key of $.servers",
    ),
    "a full run of 3 runs a point": (
        ("settings",),
        "repetitions",
        3,
        "$.settings.repetitions",
        "minimum of 5",
    ),
    "a full run without FastAPI's async def hello": (
        ("workloads",),
        "hello_async_def",
        DELETE,
        "$.workloads",
        "'hello_async_def' is a required property",
    ),
    "a full run without gevent": (
        ("servers",),
        "gunicorn gevent, 1 worker",
        DELETE,
        "$.servers",
        "'gunicorn gevent, 1 worker' is a required property",
    ),
    "a full run without the waiting requests": (
        (),
        "waiting",
        DELETE,
        "$",
        "'waiting' is a required property",
    ),
    "zero concurrency": (("results", 3), "concurrency", 0, "$.results[3].concurrency", "minimum of 1"),
    "fractional count": (
        ("results", 3, "summary"),
        "errors",
        1.0,
        "$.results[3].summary.errors",
        "is not of type 'integer'",
    ),
    "no repetitions": (("results", 4), "repetitions", [], "$.results[4].repetitions", "is too short"),
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
    schema = json.loads(benchmark_data.SCHEMA_FILE.read_text())
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    benchmark_data.BenchmarkValidator.check_schema(schema)
    assert schema["properties"]["schema_version"]["const"] == benchmark_data.SCHEMA_VERSION


@pytest.mark.parametrize("mistake", BROKEN_DATA)
def test_schema_check_refuses_broken_data_naming_the_place(mistake):
    *change, place, says = BROKEN_DATA[mistake]
    with pytest.raises(ValueError) as refused:
        benchmark_data.check(broken_copy(*change))
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


SVG = "{http://www.w3.org/2000/svg}"


def assert_a_readable_chart(content: str, levels: list[int]) -> None:
    """Drawn by matplotlib with its text as text: both axis titles, a unit on the throughput axis, the
    connections measured as the ticks of one axis and round figures on the other."""
    svg = ElementTree.fromstring(content)
    metadata = svg.find(f"{SVG}metadata")
    assert metadata is not None and "Matplotlib" in "".join(metadata.itertext()), "not drawn by matplotlib"
    texts = ["".join(text.itertext()).strip() for text in svg.iter(f"{SVG}text")]
    assert charts.X_AXIS_TITLE in texts and charts.Y_AXIS_TITLE in texts, texts
    assert "per second" in charts.Y_AXIS_TITLE and "log scale" in charts.X_AXIS_TITLE
    assert [str(level) for level in levels] == [text for text in texts if text in map(str, levels)][
        : len(levels)
    ]
    figures = [int(text.replace(",", "")) for text in texts if re.fullmatch(r"\d{1,3}(,\d{3})*", text)]
    rounds = [figure for figure in figures if figure not in levels]
    assert len(rounds) >= 3 and all(figure % 10 ** max(len(str(figure)) - 2, 0) == 0 for figure in rounds), (
        rounds
    )


@pytest.mark.parametrize("peak", [130, 1_300, 13_000])
def test_a_charts_figures_are_round_whatever_its_peak(peak):
    """The throughput axis steps by 1, 2 or 5 (times a power of ten), never 2.5: 125 or 12,500 is
    no figure to read off a chart (the quick run drew one, and the tests failed on it by chance)."""
    series = [("FastAPI (uvicorn)", "fastapi", "uvicorn, 1 worker", {1: peak / 8, 10: peak})]
    assert_a_readable_chart(charts.throughput_chart("Hello", series), levels=[1, 10])


def test_the_charts_explain_themselves_and_the_page_captions_each():
    data = committed_data()
    page = (DATA / report.REPORT).read_text()
    for workload in report.charted(data):
        levels = sorted({r["concurrency"] for r in data["results"] if r["workload"] == workload})
        assert_a_readable_chart((DATA / f"{workload}.svg").read_text(), levels)
        shown = page.split(f"](data/{workload}.svg)", 1)[1].split("</figure>", 1)[0]
        caption = re.fullmatch(
            r"\{ width=\"\d+\" height=\"\d+\" decoding=\"async\" \}\s*<figcaption>(.+)</figcaption>\s*", shown
        )
        assert caption and "best against best" in caption.group(1), shown


def test_page_tables_and_charts_are_generated_from_the_data():
    data = json.loads((DATA / "benchmark.json").read_text())
    for name, content in report.report(data).items():
        assert (DATA / name).read_text() == content, f"docs/data/{name} is stale: run scripts/bench_report.py"


def test_page_prose_has_no_hand_typed_figures():
    page = re.sub(r"^ *```.*?^ *```$", "", (DOCS / "benchmark.md").read_text(), flags=re.M | re.S)  # code
    prose = [line for line in page.splitlines() if "--8<--" not in line]
    text = re.sub(r"\]\([^)]*\)", "]", "\n".join(prose))  # link targets may hold digits
    assert re.findall(r"\d", text) == []


def test_a_worker_per_core_when_the_servers_get_several_cores():
    assert [analysis.cpu_count(cores) for cores in ("0", "0-3", "0,2")] == [1, 4, 2]
    assert workloads.servers_for("0") == workloads.SERVERS
    per_core = workloads.servers_for("0-1")[-1]
    assert per_core.name == "uvicorn, 2 workers (one per core)"
    assert per_core.args[per_core.args.index("--workers") + 1] == "2"


def test_the_page_opens_with_the_answer_and_a_chart_and_includes_every_part_of_the_report():
    page = (DOCS / "benchmark.md").read_text()
    body = page.split("# Benchmark", 1)[1].strip()
    # The page's In short (tests/test_site.py holds every page to one), then the lead chart.
    assert body.startswith('!!! abstract "In short"')
    assert body.split("\n\n--8<-- ", 1)[1].startswith('"benchmark-report.md:lead"')
    # Every section of the report is on the Benchmark page or on its measurements page, once.
    measurements = (DOCS / "benchmark-measurements.md").read_text()
    included = re.findall(r'^--8<-- "benchmark-report\.md:([a-z]+)"$', page + measurements, re.M)
    assert re.findall(r'^--8<-- "benchmark-report\.md:([a-z]+)"$', measurements, re.M) == ["details"]
    generated = (DATA / report.REPORT).read_text()
    sections = re.findall(r"^<!-- --8<-- \[start:([a-z]+)\] -->$", generated, re.M)
    assert sorted(included) == sorted(sections) and len(set(included)) == len(included)
    lead = generated.split("[start:lead]")[1].split("[end:lead]")[0]
    assert "](data/io_wait.svg)" in lead and "<figcaption>" in lead
    # The long table of shares of the limit folds under its heading.
    folded = generated.split('??? info "Share of the limit the wait sets', 1)[1]
    assert folded.split("\n\n", 2)[1].startswith("    c connections that each wait")
    assert all(line.startswith("    |") for line in folded.split("\n\n")[2].splitlines())


def test_the_workers_are_the_processes_the_command_starts_that_served_the_sweep():
    """A master or an arbiter starts the workers, a resource tracker spends no CPU time: neither is
    taken for a worker, even when one of two workers got almost no connection (a short run's luck)."""

    def sample(rss_kib: int, cpu_ticks: int, parent: int) -> Process:
        return Process(0, parent, 1, zombie=False, rss_kib=rss_kib, cpu_ticks=cpu_ticks, threads=1)

    two_workers = next(server for server in workloads.SERVERS if server.name == "gunicorn sync, 2 workers")
    assert two_workers.workers == 2
    master, tracker, busy, idle_worker = 1, 2, 3, 4
    idle = {
        master: sample(26_000, 50, parent=0),
        tracker: sample(12_000, 3, parent=master),
        busy: sample(30_000, 100, parent=master),
        idle_worker: sample(30_000, 90, parent=master),
    }
    loaded = {
        master: sample(26_500, 60, parent=0),
        tracker: sample(12_000, 3, parent=master),
        busy: sample(34_000, 900, parent=master),
        idle_worker: sample(36_000, 91, parent=master),
    }
    entry = measure.memory_entry(two_workers, idle, loaded)
    assert (entry["processes"], entry["workers"]) == (4, 2)
    assert entry["worker_rss_kib"] == {"idle": 30_000, "loaded": 35_000}
    assert entry["total_rss_kib"] == {"idle": 98_000, "loaded": 108_500}
    one_worker = measure.memory_entry(workloads.SERVERS[0], idle, loaded)
    assert (one_worker["workers"], one_worker["worker_rss_kib"]) == (1, {"idle": 30_000, "loaded": 34_000})
    with pytest.raises(RuntimeError, match="no process of the server spent CPU time"):
        measure.memory_entry(two_workers, idle, idle)


def test_the_memory_and_threads_of_a_running_process_group_are_read_from_proc():
    two_threads = "import threading, time; threading.Thread(target=time.sleep, args=(30,)).start()"
    child = subprocess.Popen(
        [sys.executable, "-c", f"{two_threads}; print('ready', flush=True); time.sleep(30)"],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert child.stdout.readline() == "ready\n"  # Python is running, not the fork before it
        found = process_group(child.pid)
        assert list(found) == [child.pid]
        assert found[child.pid].rss_kib > 1024
        assert found[child.pid].threads == 2
    finally:
        child.kill()
        child.communicate()


# ---------------------------------------------------------------- what a waiting request costs


def test_waiting_requests_quick_run_adds_its_results_and_keeps_the_rest(tmp_path):
    output = tmp_path / "benchmark.json"
    shutil.copy(DATA / "benchmark.json", output)
    before = json.loads(output.read_text())
    result = run_module("scripts.bench_waiting", "--quick", "--output", str(output), timeout=180)
    assert result.returncode == 0, result.stderr
    data = json.loads(output.read_text())
    benchmark_data.check(data)
    assert {key: value for key, value in data.items() if key not in ("waiting", "quick")} == {
        key: value for key, value in before.items() if key not in ("waiting", "quick")
    }
    assert data["quick"] is True  # no longer a full run
    points = {point["server"]: point for point in data["waiting"]["points"]}
    assert list(points) == [holder.server.name for holder in waiting.HOLDERS]
    for point in points.values():
        assert point["held"] == point["connections"] == 50, point
        assert point["added_rss_kib"] > 0 and point["requests_per_gib"] > 0, point
    # On an event loop or greenlets a waiting request takes no thread; under gthread it takes one.
    assert points["uvicorn, 1 worker"]["added_threads"] < 5
    assert points["gunicorn gevent, 1 worker"]["added_threads"] < 5
    assert (
        points["gunicorn gthread, 1 worker x 128 threads"]["added_threads"] >= 0.9 * 50
    )  # its idle threads serve a few
    assert "| FastAPI, uvicorn, 1 worker | 50 |" in report.report(data)[report.REPORT]
    assert processes_with("BENCH_RUN=waiting-") == []


def test_what_the_pages_say_about_waiting_requests_holds_in_the_data():
    """benchmark.md's "What a waiting request costs", and the decision guide, streaming and performance
    pages where they lean on it, against the committed run."""
    run = committed_data()["waiting"]
    points = {(point["server"], point["connections"]): point for point in run["points"]}
    most = max(waiting.CONNECTIONS)
    holders = {holder.server.name: holder for holder in waiting.HOLDERS}

    def fullest(server: str) -> dict:
        return max((points[server, c] for c in waiting.CONNECTIONS), key=lambda point: point["held"])

    by_loop = [
        "uvicorn, 1 worker",
        "gunicorn gevent, 1 worker",
        "gunicorn gevent, 1 worker, 10,000 connections",
    ]
    by_thread = [server for server in holders if server not in by_loop]
    # "Neither uvicorn nor gunicorn's gevent worker added a thread for the requests they held; gunicorn's
    # gthread worker and granian added about one thread per request."
    assert all(points[server, c]["added_threads"] <= 5 for server in by_loop for c in waiting.CONNECTIONS)
    for server in by_thread:
        point = fullest(server)
        assert 0.9 <= point["added_threads"] / point["held"] <= 1.1, (server, point)
    # "Every server but uvicorn stops at a limit it is configured with ... Raised, the gthread and gevent
    # rows held every request sent." (test_committed_data_holds_a_full_run_of_the_waiting_requests holds
    # each to its cap.) Decision guide: "one worker holds thousands of waiting requests ... no limit to
    # raise"; streaming.md: gevent with --worker-connections raised held "thousands of streams".
    assert [server for server, holder in holders.items() if holder.cap is None] == ["uvicorn, 1 worker"]
    raised = [server for server, holder in holders.items() if holder.cap and holder.cap >= most]
    assert raised == [
        "gunicorn gthread, 1 worker x 5,000 threads",
        "gunicorn gevent, 1 worker, 10,000 connections",
    ]
    assert all(points[server, most]["held"] >= 0.99 * most for server in ["uvicorn, 1 worker", *raised])
    # "Per waiting request, a greenlet under gevent took the least memory and a thread under granian the
    # most. A request on uvicorn took more than a thread of the gthread worker raised to hold them all"
    kib = {server: fullest(server)["kib_per_request"] for server in holders}
    assert max(kib, key=kib.get) == "granian WSGI, 1 worker x 512 threads", kib
    assert {server for server in kib if kib[server] == min(kib.values())} <= set(by_loop[1:]), kib
    assert max(kib[server] for server in by_loop[1:]) < min(kib[server] for server in by_thread), kib
    assert kib["uvicorn, 1 worker"] > kib[raised[0]], kib


def test_a_request_answered_a_wait_late_was_queued_not_held():
    assert waiting.held([8.1, 9.5, 11.9, 12.1, 16.2], wait=8) == 3


def test_a_waiting_point_is_the_median_reading_and_the_memory_each_request_added():
    def reading(held: int, idle_kib: int, holding_kib: int, threads: int) -> dict:
        return {
            "held": held,
            "sent_in_time": 1000,
            "sent_after_seconds": 0.5,
            "failures": {},
            "idle": {"rss_kib": idle_kib, "threads": 3},
            "holding": {"rss_kib": holding_kib, "threads": 3 + threads},
        }

    readings = [
        reading(1000, 40_000, 90_000, 0),
        reading(1000, 41_000, 91_000, 1),
        reading(990, 40_000, 99_000, 0),
    ]
    assert waiting.summary(readings) == {
        "held": 1000,
        "idle_rss_kib": 40_000,
        "added_rss_kib": 50_000,
        "added_threads": 0,
        "kib_per_request": 50.0,
        "requests_per_gib": 20_971,
    }
    nothing_held = waiting.summary([reading(0, 40_000, 40_000, 0)])
    assert nothing_held["kib_per_request"] is None and nothing_held["requests_per_gib"] is None


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["http://127.0.0.1:1/", "many", "5"],
        ["http://127.0.0.1:1/", "0", "5"],
        ["http://example.org:80/", "5", "5"],
    ],
)
def test_the_hold_client_refuses_bad_arguments_and_other_hosts(args):
    result = subprocess.run(
        [sys.executable, "-m", "harness.benchmark.hold_client", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 2
    assert result.stderr and "Traceback" not in result.stderr
