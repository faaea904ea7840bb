"""The benchmark pipeline end to end (--quick), its data file, and the page that shows it.

The full run is not part of the suite (it takes minutes); `--quick` starts
every server, runs wrk once against each, and must produce data that passes
the schema check and charts that render. The committed data must pass the
same check, and the page's tables and charts must be exactly what
scripts/bench_report.py makes of it, so no figure on the page is typed by
hand. Without wrk these tests fail under REQUIRE_TOOLS=1 (CI) and skip elsewhere, saying how to
install it.
"""

import itertools
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
from scripts.benchmark import charts, waiting
from scripts.benchmark.processes import ProcessSample, process_group
from support.paths import DOCS, ROOT
from support.processes import processes_with

DATA = DOCS / "data"


@pytest.fixture
def wrk(require_tools):
    """Skip without wrk, or fail under REQUIRE_TOOLS=1 (CI), saying how to install it."""
    require_tools("wrk")


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
    # Real queries on SQLite: FastAPI's async session, Flask's sync one, on the items filled in first.
    assert {r["framework"] for r in data["results"] if r["workload"] == "database"} == {"fastapi", "flask"}
    # Quart waits on I/O beside FastAPI and Flask.
    assert {r["framework"] for r in data["results"] if r["workload"] == "io_wait"} == {
        "fastapi",
        "flask",
        "quart",
    }
    # Every server's memory, its workers found among its processes.
    assert [entry["server"] for entry in data["memory"]] == [server.name for server in bench.SERVERS]
    for entry in data["memory"]:
        assert entry["workers"] == 1 <= entry["processes"], entry
        assert 10 * 1024 < entry["worker_rss_kib"]["idle"] <= entry["total_rss_kib"]["idle"], entry
    report = bench_report.report(data)
    page = report[bench_report.REPORT]
    assert "### SQLite queries" in page
    assert "| Quart, hypercorn, 1 worker | 10 |" in page  # the I/O wait's share of the limit
    memory = bench_report.memory_lines(data)
    assert [line for line in memory if line.startswith("| Quart, hypercorn, 1 worker |")], memory
    for name, content in report.items():
        if name.endswith(".svg"):
            assert_a_readable_chart(content, levels=[10])
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


# Workloads added since the committed run: the next full run measures them, and this test then
# fails until the set is emptied.
NOT_YET_MEASURED: set[str] = set()


def test_committed_data_is_a_full_valid_run():
    data = json.loads((DATA / "benchmark.json").read_text())
    bench.check(data)
    assert data["quick"] is False
    assert {r["workload"] for r in data["results"]} == {w.name for w in bench.WORKLOADS} - NOT_YET_MEASURED
    assert all(len(r["repetitions"]) >= 3 for r in data["results"])


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
    "wrong schema_version": ((), "schema_version", 2, "$.schema_version", "3 was expected"),
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


def test_the_charts_explain_themselves_and_the_page_captions_each():
    data = committed_data()
    report = (DATA / bench_report.REPORT).read_text()
    for workload in ("hello", "io_wait"):
        levels = sorted({r["concurrency"] for r in data["results"] if r["workload"] == workload})
        assert_a_readable_chart((DATA / f"{workload}.svg").read_text(), levels)
        shown = report.split(f"](data/{workload}.svg)", 1)[1].split("</figure>", 1)[0]
        caption = re.fullmatch(r"\s*<figcaption>(.+)</figcaption>\s*", shown)
        assert caption and "best against best" in caption.group(1), shown


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


# ---------------------------------------------------------------- the headline: the frameworks on equal cores

UVICORN, SYNC, GTHREAD = (
    "uvicorn, 1 worker",
    "gunicorn sync, 1 worker",
    "gunicorn gthread, 1 worker x 8 threads",
)
TIMES = bench_report.TIMES


def point(
    workload: str, server: str, framework: str, cpus: str | None, *rates: float, errors: int = 0
) -> dict:
    """A result at the headline concurrency, its server pinned to `cpus` (None: not pinned)."""
    command = "server {module}:app"
    repetitions = [
        {
            "requests_per_second": rate,
            "latency_ms": {"p50": 1.0, "p90": 2.0, "p99": 3.0},
            "errors": errors,
            "non_2xx": 0,
        }
        for rate in rates
    ]
    return {
        "workload": workload,
        "server": server,
        "framework": framework,
        "command": f"taskset --cpu-list {cpus} {command}" if cpus else command,
        "concurrency": bench.HEADLINE,
        "repetitions": repetitions,
        "summary": bench.summarize(repetitions),
        "unsteady_attempts": [],
    }


def synthetic(*points: dict) -> dict:
    """Benchmark data that passes the schema check, made of `points`, on the committed data's machine."""
    committed = committed_data()
    servers = {p["server"]: {"framework": p["framework"], "command": p["command"]} for p in points}
    results = [{key: value for key, value in p.items() if key != "command"} for p in points]
    data = {**committed, "servers": servers, "results": results, "memory": []}
    bench.check(data)
    return data


def by_kind(data: dict) -> dict[tuple[str, str], bench_report.Pairing]:
    found, _ = bench_report.pairings(data)
    return {(pairing.workload, pairing.kind): pairing for pairing in found}


def test_headline_pairs_each_frameworks_best_and_its_common_default_on_equal_cores():
    data = synthetic(
        point("hello", UVICORN, "fastapi", "0", 1000, 1010, 990),
        point("hello", "granian ASGI, 1 worker", "fastapi", "0", 1500, 1490, 1510),
        point("hello", SYNC, "flask", "0", 800, 810, 790),
        point("hello", GTHREAD, "flask", "0", 900, 910, 890),
        point("hello", "granian WSGI, 1 worker", "flask", "0", 3000, 2990, 3010),
    )
    pairs = by_kind(data)
    best, default = pairs["hello", bench_report.BEST], pairs["hello", bench_report.DEFAULT]
    assert (best.fastapi.server, best.flask.server) == ("granian ASGI, 1 worker", "granian WSGI, 1 worker")
    assert best.candidates == {"fastapi": 2, "flask": 3}
    assert bench_report.verdict(best) == bench_report.Verdict("flask", 2.0)
    # The common default for a workload that does not wait: uvicorn against gunicorn's sync worker.
    assert (default.fastapi.server, default.flask.server) == (UVICORN, SYNC)
    assert bench_report.verdict(default) == bench_report.Verdict("fastapi", 1.25)
    table = "\n".join(bench_report.headline(data))
    # Every cell names its configuration, and the ratio goes to the faster framework.
    assert "| JSON hello endpoint | best measured | 1,500 req/s (granian ASGI, 1 worker; best of 2) " in table
    assert f"| 3,000 req/s (granian WSGI, 1 worker; best of 3) | Flask, 2.00{TIMES} |" in table
    assert (
        f"| 1,000 req/s (uvicorn, 1 worker) | 800 req/s (gunicorn sync, 1 worker) | FastAPI, 1.25{TIMES} |"
        in table
    )
    assert "Servers pinned to CPU 0 (1 core, `taskset`)" in table
    opening = "\n".join(bench_report.summary(data))
    assert (
        f"Flask (granian WSGI, 1 worker) is 2.00{TIMES} as fast as FastAPI (granian ASGI, 1 worker)"
        in opening
    )
    assert f"FastAPI (uvicorn, 1 worker) is 1.25{TIMES} as fast as Flask (gunicorn sync, 1 worker)" in opening


def test_the_common_default_for_a_waiting_workload_is_gunicorn_with_threads():
    data = synthetic(
        point("io_wait", UVICORN, "fastapi", "0", 1900, 1910, 1890),
        point("io_wait", SYNC, "flask", "0", 18, 18, 18),
        point("io_wait", GTHREAD, "flask", "0", 152, 151, 153),
    )
    default = by_kind(data)["io_wait", bench_report.DEFAULT]
    assert default.flask.server == GTHREAD
    assert bench_report.verdict(default) == bench_report.Verdict("fastapi", 1900 / 152)
    # The sync worker's figure is still reported, as what one sync worker does, not as the comparison.
    notes = "\n".join(bench_report.headline_notes(data))
    assert "Flask under gunicorn sync, 1 worker completes 18 req/s at 100 connections, 0.9% of" in notes


def test_the_headline_refuses_to_compare_unequal_cores():
    data = synthetic(
        # FastAPI's fastest configuration ran on two cores, Flask's only on one: not its rival.
        point("hello", UVICORN, "fastapi", "0", 1000, 1010, 990),
        point("hello", "uvicorn, 2 workers (one per core)", "fastapi", "0-1", 5000, 5010, 4990),
        point("hello", SYNC, "flask", "0", 800, 810, 790),
        # On the I/O wait, the frameworks never ran on as many cores as each other.
        point("io_wait", "uvicorn, 2 workers (one per core)", "fastapi", "0-1", 1900, 1910, 1890),
        point("io_wait", GTHREAD, "flask", "0", 152, 151, 153),
        # A server whose command records no pinning is compared with nothing.
        point("validation_valid", UVICORN, "fastapi", "0", 5000, 5010, 4990),
        point("validation_valid", "unpinned", "flask", None, 3000, 3010, 2990),
    )
    found, unpaired = bench_report.pairings(data)
    assert {(p.workload, p.cores) for p in found} == {("hello", 1)}
    best = by_kind(data)["hello", bench_report.BEST]
    assert best.fastapi.server == UVICORN and best.candidates == {"fastapi": 1, "flask": 1}
    assert "JSON hello endpoint: on 2 cores, only FastAPI was measured" in unpaired
    assert "I/O wait of 50 ms (the article's example): on 2 cores, only FastAPI was measured" in unpaired
    assert "I/O wait of 50 ms (the article's example): on 1 core, only Flask was measured" in unpaired
    assert "Flask, unpinned: its command records no CPU pinning" in unpaired
    table = "\n".join(bench_report.headline(data))
    assert "5,000 req/s" not in table.split("Not compared")[0]
    assert "| I/O wait" not in table and "| JSON body validation" not in table


@pytest.mark.parametrize(
    "flask_rates, errors, says",
    [
        ((1040, 1100, 1070), 0, "tie: their repetitions' ranges overlap"),
        ((2000, 2010, 1990), 3, "socket errors or timeouts"),
        ((0, 0, 0), 0, "one of them completed no request"),
    ],
)
def test_no_ratio_where_it_would_mislead(flask_rates, errors, says):
    data = synthetic(
        point("hello", UVICORN, "fastapi", "0", 1000, 1050, 1025),
        point("hello", SYNC, "flask", "0", *flask_rates, errors=errors),
    )
    pairing = by_kind(data)["hello", bench_report.DEFAULT]
    assert bench_report.verdict(pairing).faster is None
    assert says in bench_report.verdict(pairing).reason
    assert f"| {says}" in "\n".join(bench_report.headline(data))


def test_a_common_default_that_was_not_measured_gets_no_ratio():
    data = synthetic(
        point("io_wait", UVICORN, "fastapi", "0", 1900, 1910, 1890),
        point("io_wait", "granian WSGI, 1 worker", "flask", "0", 1000, 1010, 990),
    )
    default = by_kind(data)["io_wait", bench_report.DEFAULT]
    assert default.flask is None
    assert bench_report.verdict(default).reason == "Flask not measured in this configuration"
    assert "| not measured |" in "\n".join(bench_report.headline(data))


def test_the_page_opens_with_the_answer_and_includes_every_part_of_the_report():
    page = (DOCS / "benchmark.md").read_text()
    body = page.split("# Benchmark", 1)[1].strip()
    # The page's In short (tests/test_site.py holds every page to one), then the report's summary.
    after_in_short = body.split("\n\n--8<-- ", 1)[1] if body.startswith('!!! abstract "In short"') else body
    assert after_in_short.removeprefix("--8<-- ").startswith('"benchmark-report.md:summary"')
    included = re.findall(r'^--8<-- "benchmark-report\.md:([a-z]+)"$', page, re.M)
    report = (DATA / bench_report.REPORT).read_text()
    sections = re.findall(r"^<!-- --8<-- \[start:([a-z]+)\] -->$", report, re.M)
    assert sorted(included) == sorted(sections) and len(set(included)) == len(included)
    # The long table of shares of the limit folds under its chart.
    folded = report.split('??? info "Share of the theoretical limit', 1)[1]
    assert folded.split("\n\n", 2)[1].startswith("    With a wait of")
    assert all(line.startswith("    |") for line in folded.split("\n\n")[2].splitlines())


def test_the_workers_are_the_processes_that_served_the_sweep():
    """A master, an arbiter or a resource tracker spends little CPU time on the sweep: never a worker."""

    def sample(rss_kib: int, cpu_ticks: int) -> ProcessSample:
        return ProcessSample(rss_kib, cpu_ticks, threads=1)

    idle = {1: sample(26_000, 50), 2: sample(12_000, 3), 3: sample(30_000, 100), 4: sample(30_000, 90)}
    loaded = {1: sample(26_500, 60), 2: sample(12_000, 3), 3: sample(34_000, 900), 4: sample(36_000, 700)}
    entry = bench.memory_entry(bench.SERVERS[0], idle, loaded)
    assert (entry["processes"], entry["workers"]) == (4, 2)
    assert entry["worker_rss_kib"] == {"idle": 30_000, "loaded": 35_000}
    assert entry["total_rss_kib"] == {"idle": 98_000, "loaded": 108_500}
    with pytest.raises(RuntimeError, match="no process of the server spent CPU time"):
        bench.memory_entry(bench.SERVERS[0], idle, idle)


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


def test_quart_is_shown_beside_the_headline_but_never_paired_in_it():
    data = synthetic(
        point("io_wait", UVICORN, "fastapi", "0", 1900, 1910, 1890),
        point("io_wait", GTHREAD, "flask", "0", 152, 151, 153),
        point("io_wait", "hypercorn, 1 worker", "quart", "0", 950, 940, 960),
        point("io_wait", "uvicorn, 1 worker (Quart)", "quart", "0", 1950, 1940, 1960),
    )
    best = by_kind(data)["io_wait", bench_report.BEST]
    assert (best.fastapi.server, best.flask.server) == (UVICORN, GTHREAD)
    assert best.candidates == {"fastapi": 1, "flask": 1}
    assert bench_report.quart_lines(data)[1].endswith(
        "Quart (hypercorn, 1 worker) completes 950 req/s at 100 connections, 47.5% of the limit; "
        "Quart (uvicorn, 1 worker) completes 1,950 req/s at 100 connections, 97.5% of the limit; "
        "FastAPI (uvicorn, 1 worker) completes 1,900 req/s at 100 connections, 95.0% of the limit."
    )
    assert bench_report.label(data, "uvicorn, 1 worker (Quart)") == "Quart, uvicorn, 1 worker"


def test_what_the_pages_say_about_the_data_holds_in_it():
    """The prose about the data (Benchmark, performance, async databases and async pages) against the data.

    A new run that contradicts a sentence fails here, naming it, until the sentence is rewritten.
    """
    data = committed_data()
    rps = {
        (r["workload"], r["server"], r["concurrency"]): r["summary"]["requests_per_second"]
        for r in data["results"]
    }
    wait = data["settings"]["io_wait_seconds"]
    uvicorn, sync = "uvicorn, 1 worker", "gunicorn sync, 1 worker"
    levels = sorted(c for (w, s, c) in rps if (w, s) == ("io_wait", uvicorn))
    shares = [rps["io_wait", uvicorn, c] * wait / c for c in levels]
    # performance.md: "each framework's best measured server is level with the other's on the I/O wait,
    # and Flask under granian leads on a trivial endpoint, while with the common defaults FastAPI leads"
    found, _ = bench_report.pairings(data)
    verdicts = {(p.workload, p.kind): (bench_report.verdict(p), p) for p in found}
    best_wait = verdicts["io_wait", bench_report.BEST][1]
    assert abs(best_wait.fastapi.requests_per_second / best_wait.flask.requests_per_second - 1) < 0.1
    assert verdicts["hello", bench_report.BEST][0].faster == "flask"
    assert "granian" in verdicts["hello", bench_report.BEST][1].flask.server
    assert {verdicts[w, bench_report.DEFAULT][0].faster for w in ("hello", "io_wait")} == {"fastapi"}
    # "a Flask app under a fast WSGI server outruns a FastAPI app under its usual ASGI one"
    assert rps["hello", "granian WSGI, 1 worker", 100] > rps["hello", uvicorn, 100]
    # "near the theoretical limit at low concurrency and falls further behind it as connections grow"
    # (within the noise: no level more than two points of the limit above the one before)
    assert shares[0] >= 0.9 and shares[-1] < shares[0] - 0.1, shares
    assert all(later <= earlier + 0.02 for earlier, later in itertools.pairwise(shares)), shares
    # "one gunicorn sync worker ... stays flat at one request per wait"
    assert all(0.8 <= rps["io_wait", sync, c] * wait <= 1.2 for c in levels)
    # "Granian's WSGI server ... keeps up with FastAPI"
    assert rps["io_wait", "granian WSGI, 1 worker", 100] >= 0.9 * rps["io_wait", uvicorn, 100]
    # Quart under Hypercorn "reaches a lower share of the limit than FastAPI under uvicorn" ("falls well
    # short", async-support.md); "the same app under uvicorn closes part of that gap"
    hypercorn, quart_uvicorn, fastapi = (
        rps["io_wait", server, 100]
        for server in ("hypercorn, 1 worker", "uvicorn, 1 worker (Quart)", uvicorn)
    )
    assert hypercorn < 0.8 * fastapi and hypercorn < quart_uvicorn < fastapi, (
        hypercorn,
        quart_uvicorn,
        fastapi,
    )
    # "Flask's synchronous Session served more requests per second ... under every server measured"
    database = {(data["servers"][s]["framework"], rate) for (w, s, c), rate in rps.items() if w == "database"}
    assert min(rate for f, rate in database if f == "flask") > max(
        rate for f, rate in database if f == "fastapi"
    )
    # "A Flask worker under gunicorn holds less than a FastAPI worker under uvicorn, idle and loaded;
    # granian's WSGI worker ... grows the most under load"
    memory = {entry["server"]: entry["worker_rss_kib"] for entry in data["memory"]}
    assert all(memory[sync][when] < memory[uvicorn][when] for when in ("idle", "loaded"))
    growth = {server: rss["loaded"] - rss["idle"] for server, rss in memory.items()}
    assert max(growth, key=growth.get) == "granian WSGI, 1 worker", growth


# ---------------------------------------------------------------- what a waiting request costs


def test_waiting_requests_quick_run_adds_its_results_and_keeps_the_rest(tmp_path):
    output = tmp_path / "benchmark.json"
    shutil.copy(DATA / "benchmark.json", output)
    before = json.loads(output.read_text())
    result = run_module("scripts.benchmark.waiting", "--quick", "--output", str(output), timeout=180)
    assert result.returncode == 0, result.stderr
    data = json.loads(output.read_text())
    bench.check(data)
    assert {key: value for key, value in data.items() if key != "waiting"} == {
        key: value for key, value in before.items() if key != "waiting"
    }
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
    assert "| FastAPI, uvicorn, 1 worker | 50 |" in "\n".join(bench_report.waiting_lines(data))
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
    assert max(kib, key=kib.get) == "granian WSGI, 1 worker", kib
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
        [sys.executable, "-m", "scripts.benchmark.hold_client", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 2
    assert result.stderr and "Traceback" not in result.stderr
