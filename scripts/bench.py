"""Benchmark the site's own example apps under real servers with wrk, and record everything.

Starts the snippet apps on 127.0.0.1, each framework in the configuration its
own deployment docs advise for the cores given, its other common ones and
the one readers run by accident (ROLES): FastAPI under uvicorn and granian,
its hello endpoint as the article's `def` and as `async def`; Flask under
gunicorn (sync with 2 workers and with 1, gthread with 8, 32 and 128
threads, gevent) and granian; Quart under Hypercorn and uvicorn. The
database workload reads one item through the same sync driver on both sides,
and through FastAPI's async driver as a row of its own. Servers and wrk are
pinned to different CPU cores; every point is measured --repetitions times
for --duration seconds, again when the runs disagree by more than
--max-spread (the median attempt is kept, and every other one recorded), and
saved as it is measured, so an interrupted run resumes. One JSON file gets
the results, the machine, the package versions, every server's command line
and what the report needs to read them; scripts/bench_report.py turns it into
the Benchmark page's tables and charts.

    python -m scripts.bench            # the full run (about 40 minutes on two cores)
    python -m scripts.bench --quick    # seconds: one point per server, to check the pipeline

Every run is bounded: each wrk call lasts --duration seconds, servers only
listen on loopback, and every server is stopped on success, failure or Ctrl-C.
"""

import argparse
import contextlib
import datetime
import json
import multiprocessing
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import best_match

from scripts.benchmark.analysis import cpu_count
from scripts.benchmark.processes import ProcessSample, process_group
from scripts.local_servers import running_servers
from scripts.paths import DOCS, ROOT
from scripts.server_commands import BENCHMARKED, ServerCommand
from scripts.tools import missing

DATA_FILE = DOCS / "data" / "benchmark.json"
SCHEMA_VERSION = 4
PACKAGES = [
    "fastapi",
    "starlette",
    "pydantic",
    "flask",
    "werkzeug",
    "quart",
    "hypercorn",
    "uvicorn",
    "uvloop",
    "gunicorn",
    "granian",
    "sqlalchemy",
    "aiosqlite",
]
SWEEP = (1, 10, 100, 200)  # connections; a log scale on the charts
HEADLINE = 100  # the concurrency the page compares the frameworks at
IO_SECONDS = 0.05
DATABASE_ITEMS = 100  # rows in the database workload's SQLite file


# The servers measured: scripts/server_commands.py's, as the tests run them but with per-request
# logging off, under the names the Benchmark page shows.
SERVERS = list(BENCHMARKED)
FASTAPI_SERVERS = ("uvicorn, 1 worker", "granian ASGI, 1 worker")
FLASK_SERVERS = tuple(server.name for server in SERVERS if server.framework == "flask")
QUART_SERVERS = tuple(server.name for server in SERVERS if server.framework == "quart")

# Each framework's configuration as its own deployment docs advise for the cores given, and the one
# readers run by accident. The report reads these from the data file, with their sources.
ROLES = {
    "advised": {
        # `fastapi run` starts uvicorn; one process per core, here one core
        # (https://fastapi.tiangolo.com/deployment/server-workers/).
        "fastapi": "uvicorn, 1 worker",
        # "a starting value could be CPU * 2" (https://flask.palletsprojects.com/en/stable/deploying/gunicorn/).
        "flask": "gunicorn sync, 2 workers",
    },
    # gunicorn without -w: one sync worker, which Flask's page calls "probably not what you want".
    "accident": {"flask": "gunicorn sync, 1 worker"},
}
ROLE_SOURCES = {
    "fastapi": "https://fastapi.tiangolo.com/deployment/server-workers/",
    "flask": "https://flask.palletsprojects.com/en/stable/deploying/gunicorn/",
}


@dataclass(frozen=True)
class Workload:
    """What is measured: one endpoint per framework, on which servers, at which concurrency."""

    name: str
    title: str
    targets: dict[str, tuple[str, str]]  # framework -> (module, path)
    concurrency: tuple[int, ...]
    servers: tuple[str, ...]  # server names
    body: str = ""  # a JSON body makes the request a POST
    io_seconds: float | None = None
    database: bool = False  # the apps read a SQLite file holding DATABASE_ITEMS items
    # The workload whose other frameworks did the same work: FastAPI's async def hello is compared
    # with Flask's hello, measured once.
    same_work_as: str | None = None
    variant: str | None = None  # how FastAPI's endpoint is declared, where the workload has two

    def describe(self) -> dict:
        """What the data file records of it, so the report never imports this module's constants."""
        return {
            "title": self.title,
            "io_seconds": self.io_seconds,
            "same_work_as": self.same_work_as,
            "variant": self.variant,
            "swept": len(self.concurrency) > 1,
        }


EVERY_FASTAPI_AND_FLASK = (*FASTAPI_SERVERS, *FLASK_SERVERS)
WORKLOADS = [
    Workload(
        "hello",
        "JSON hello endpoint",
        {
            "fastapi": ("snippets.hello.fastapi_app", "/"),
            "flask": ("snippets.hello.flask_app", "/"),
            "quart": ("snippets.hello.quart_app", "/"),
        },
        SWEEP,
        (*EVERY_FASTAPI_AND_FLASK, *QUART_SERVERS),
        variant="def",
    ),
    Workload(
        "hello_async_def",
        "JSON hello endpoint, FastAPI async def",
        {"fastapi": ("snippets.hello.fastapi_async_app", "/")},
        SWEEP,
        FASTAPI_SERVERS,
        same_work_as="hello",
        variant="async def",
    ),
    Workload(
        "io_wait",
        "I/O wait of 50 ms (the article's example)",
        {
            "fastapi": ("snippets.io_wait.fastapi_app", "/async"),
            "flask": ("snippets.io_wait.flask_app", "/sync"),
            "quart": ("snippets.io_wait.quart_app", "/async"),
        },
        SWEEP,
        (*EVERY_FASTAPI_AND_FLASK, *QUART_SERVERS),
        io_seconds=IO_SECONDS,
    ),
    *(
        Workload(
            f"validation_{name}",
            f"Validation, {name} body",
            {
                "fastapi": ("snippets.validation.fastapi_robust_app", "/items"),
                "flask": ("snippets.validation.flask_robust_app", "/items"),
            },
            (HEADLINE,),
            ("uvicorn, 1 worker", *FLASK_SERVERS),
            body=body,
        )
        for name, body in [("valid", '{"name": "Pen", "price": 1.5}'), ("invalid", '{"name": "Pen"}')]
    ),
    *(
        Workload(
            f"fastapi_{name}",
            title,
            {"fastapi": ("snippets.concurrency.fastapi_app", path)},
            (HEADLINE,),
            ("uvicorn, 1 worker",),
            io_seconds=IO_SECONDS,
        )
        for name, title, path in [
            ("async_def", "FastAPI async def awaiting 50 ms", "/async-wait"),
            ("def", "FastAPI def sleeping 50 ms (thread pool)", "/thread-wait"),
            ("blocking_async_def", "FastAPI async def blocking 50 ms (anti-pattern)", "/blocking-wait"),
        ]
    ),
    Workload(
        "database",
        "SQLite by id, the same sync driver",
        {
            "fastapi": ("snippets.database.fastapi_app", "/items/1"),
            "flask": ("snippets.database.flask_app", "/items/1"),
        },
        (HEADLINE,),
        ("uvicorn, 1 worker", *FLASK_SERVERS),
        database=True,
    ),
    Workload(
        "database_async_driver",
        "SQLite by id, FastAPI's async driver",
        {"fastapi": ("snippets.async_database.fastapi_app", "/items/1")},
        (HEADLINE,),
        ("uvicorn, 1 worker",),
        database=True,
        same_work_as="database",
    ),
]
IO_WAIT_WORKLOAD = next(workload for workload in WORKLOADS if workload.name == "io_wait")
DATABASE_WORKLOAD = next(workload for workload in WORKLOADS if workload.name == "database")
# Each server's memory is read around this workload's sweep: idle before it, loaded after it.
MEMORY_WORKLOAD = WORKLOADS[0]


@dataclass(frozen=True)
class Launch:
    """A server command running one app, pinned to some cores: what local_servers starts."""

    kind: ServerCommand
    module: str
    cores: str

    def command(self, port: int) -> list[str]:
        return ["taskset", "--cpu-list", self.cores, *self.kind.command(f"{self.module}:app", port)]

    def shown_command(self) -> str:
        return f"taskset --cpu-list {self.cores} {self.kind.command_line(f'{self.module}:app')}"


# ---------------------------------------------------------------- wrk


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def parse_wrk(output: str) -> dict:
    """Throughput, latency percentiles (ms), errors and non-2xx counts from `wrk --latency` output."""

    def number(pattern: str) -> float:
        match = re.search(pattern, output)
        if match is None:
            raise ValueError(f"wrk output has no match for {pattern!r}:\n{output}")
        return float(match.group(1))

    percentiles = {
        f"p{percent}": round(float(value) * UNITS[unit], 3)
        for percent, value, unit in re.findall(r"^\s+(50|90|99)%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
    }
    if set(percentiles) != {"p50", "p90", "p99"}:
        raise ValueError(f"wrk output lacks latency percentiles:\n{output}")
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "requests_per_second": number(r"Requests/sec:\s+([\d.]+)"),
        "requests": int(number(r"(\d+) requests in")),
        "latency_ms": percentiles,
        "errors": sum(int(count) for count in errors.groups()) if errors else 0,
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
    }


def run_wrk(url: str, connections: int, seconds: int, cores: str, script: Path | None) -> dict:
    command = ["taskset", "--cpu-list", cores, "wrk", "--threads", "1", "--connections", str(connections)]
    command += ["--duration", f"{seconds}s", "--timeout", "5s", "--latency"]  # wrk takes whole seconds
    command += ["--script", str(script)] if script else []
    result = subprocess.run([*command, url], capture_output=True, text=True, timeout=seconds + 30, check=True)
    return parse_wrk(result.stdout)


def drain(url: str) -> None:
    """Wait until the server has worked off the requests a finished wrk run left queued.

    A sync worker keeps serving the connections wrk has already dropped; a
    measurement started before that would count the backlog against it.
    One request that gets an answer means the queue ahead of it is empty.
    """
    # Any answer will do: a POST-only endpoint answers GET with 405.
    with contextlib.suppress(urllib.error.HTTPError):
        urllib.request.urlopen(url, timeout=120).close()


def post_script(body: str, folder: Path) -> Path:
    script = folder / "post.lua"
    script.write_text(
        'wrk.method = "POST"\n'
        f"wrk.body = {json.dumps(body)}\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
    )
    return script


# ---------------------------------------------------------------- runs


def starved(connections: int, repetition: dict) -> int:
    """Connections that got no answer in a run: at least those beyond the requests it completed.

    wrk reports requests, not which connection sent them; a run that completed
    fewer requests than it had connections left the rest waiting the whole run.
    """
    return max(0, connections - repetition["requests"])


def summarize(repetitions: list[dict], connections: int) -> dict:
    """The median run's figures, the spread (max - min) / median, and the most connections starved."""
    throughputs = [rep["requests_per_second"] for rep in repetitions]
    median = statistics.median(throughputs)
    return {
        "requests_per_second": round(median, 1),
        "spread": round((max(throughputs) - min(throughputs)) / median, 4) if median else 0.0,
        "latency_ms": {
            key: round(statistics.median(rep["latency_ms"][key] for rep in repetitions), 3)
            for key in ("p50", "p90", "p99")
        },
        "errors": sum(rep["errors"] for rep in repetitions),
        "non_2xx": sum(rep["non_2xx"] for rep in repetitions),
        "starved_connections": max(starved(connections, rep) for rep in repetitions),
    }


def median_attempt(attempts: list[list[dict]], connections: int) -> int:
    """Which attempt at a point to keep when none was steady: the one with the median throughput."""
    order = sorted(
        range(len(attempts)), key=lambda i: summarize(attempts[i], connections)["requests_per_second"]
    )
    return order[(len(order) - 1) // 2]


def servers_for(cores: str) -> list[ServerCommand]:
    """The server kinds, plus uvicorn with a worker per server core when the servers get several cores.

    With the servers pinned to one core (the default on a two-core machine,
    where wrk has the other), one worker per core is one worker.
    """
    per_core = cpu_count(cores)
    if per_core == 1:
        return SERVERS
    return [*SERVERS, SERVERS[0].with_workers(f"uvicorn, {per_core} workers (one per core)", per_core)]


Point = tuple[Workload, ServerCommand, tuple[int, ...]]


def plan(quick: bool, cores: str) -> list[Point]:
    """(workload, server, concurrency levels) in the order measured: a server's points run back to back."""
    servers = servers_for(cores)
    if quick:  # hello on every server; I/O wait and the databases on each framework's first
        first: dict[str, ServerCommand] = {}
        for server in servers:
            first.setdefault(server.framework, server)
        return [(MEMORY_WORKLOAD, server, (10,)) for server in servers] + [
            (workload, server, (10,))
            for workload in WORKLOADS[1:]
            if workload.name in ("hello_async_def", "io_wait") or workload.database
            for server in first.values()
            if server.framework in workload.targets
        ]
    return [
        (workload, server, workload.concurrency)
        for workload in WORKLOADS
        for server in servers
        if server.framework in workload.targets
        and (server.name in workload.servers or "per core" in server.name)
    ]


def fill_database(path: Path) -> None:
    """Create the database workloads' table and DATABASE_ITEMS items, with the Flask example's models.

    The sync and async database examples declare the same `items` table, so
    one file serves both. Run in a process of its own, since the example reads SQLITE_FILE when it is
    imported, and before any server starts: workers that start together would
    race to create the table.
    """
    os.environ["SQLITE_FILE"] = str(path)
    from sqlalchemy.orm import Session

    from snippets.async_database.flask_app import Item, engine  # creates the table

    with Session(engine) as session:
        session.add_all(Item(name=f"item {number}", price=number / 10) for number in range(DATABASE_ITEMS))
        session.commit()


def filled_database(folder: Path) -> Path:
    path = folder / "items.db"
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as process:
        process.submit(fill_database, path).result(timeout=120)
    return path


# ---------------------------------------------------------------- memory


def memory_entry(
    server: ServerCommand, idle: dict[int, ProcessSample], loaded: dict[int, ProcessSample]
) -> dict:
    """One server's memory: its workers' mean RSS idle and after the sweep, and all its processes'.

    The workers are the processes that served the sweep, found by the CPU time
    they spent on it (at least a quarter of the busiest one's), so a master,
    an arbiter or a resource tracker is never taken for one.
    """
    spent = {pid: loaded[pid].cpu_ticks - idle[pid].cpu_ticks for pid in loaded.keys() & idle.keys()}
    busiest = max(spent.values(), default=0)
    workers = sorted(pid for pid, ticks in spent.items() if busiest and ticks * 4 >= busiest)
    if not workers:
        raise RuntimeError(f"{server.name}: no process of the server spent CPU time on the sweep")

    def mean(sample: dict[int, ProcessSample]) -> int:
        return round(sum(sample[pid].rss_kib for pid in workers) / len(workers))

    return {
        "workload": MEMORY_WORKLOAD.name,
        "server": server.name,
        "framework": server.framework,
        "processes": len(loaded),
        "workers": len(workers),
        "worker_rss_kib": {"idle": mean(idle), "loaded": mean(loaded)},
        "total_rss_kib": {
            "idle": sum(sample.rss_kib for sample in idle.values()),
            "loaded": sum(sample.rss_kib for sample in loaded.values()),
        },
    }


# ---------------------------------------------------------------- measure


def partial_path(output: Path) -> Path:
    """Where a run saves each point as it goes, so an interrupted run resumes (beside --output)."""
    return output.with_name(output.stem + ".partial.json")


def settings(args: argparse.Namespace) -> dict:
    return {
        "duration_seconds": args.duration,
        "warmup_seconds": args.warmup,
        "repetitions": args.repetitions,
        "max_spread": args.max_spread,
        "attempts": args.attempts,
        "io_wait_seconds": IO_SECONDS,
        "database_items": DATABASE_ITEMS,
        "server_cores": args.server_cores,
        "wrk_cores": args.wrk_cores,
    }


def saved_run(args: argparse.Namespace) -> dict:
    """What an interrupted run with the same settings saved, or an empty run."""
    empty = {"results": [], "memory": [], "servers": {}}
    path = partial_path(args.output)
    if not path.exists():
        return empty
    try:
        saved = json.loads(path.read_text())
    except ValueError:
        print(f"{path}: not JSON; starting afresh", file=sys.stderr)
        return empty
    if saved.get("settings") != settings(args) or saved.get("quick") != args.quick:
        print(f"{path}: saved with other settings; starting afresh", file=sys.stderr)
        return empty
    print(f"resuming: {len(saved['results'])} points from {path}")
    return saved


def measure_point(args: argparse.Namespace, url: str, connections: int, script: Path | None) -> dict:
    """One point: attempts of --repetitions runs until one is steady; else the median attempt is kept."""
    if args.warmup:
        run_wrk(url, connections, args.warmup, args.wrk_cores, script)
    attempts: list[list[dict]] = []
    while True:
        reps = []
        for _ in range(args.repetitions):
            drain(url)
            reps.append(run_wrk(url, connections, args.duration, args.wrk_cores, script))
        attempts.append(reps)
        spread = summarize(reps, connections)["spread"]
        if spread <= args.max_spread:
            kept, steady = len(attempts) - 1, True
            break
        if len(attempts) >= args.attempts:
            kept, steady = median_attempt(attempts, connections), False
            break
        print(f"spread {spread:.1%}, measuring again;", end=" ", flush=True)
    return {
        "concurrency": connections,
        "repetitions": attempts[kept],
        "summary": summarize(attempts[kept], connections),
        "steady": steady,
        "discarded_attempts": [reps for index, reps in enumerate(attempts) if index != kept],
    }


def measure(args: argparse.Namespace) -> dict:
    saved = saved_run(args)
    done = {(r["workload"], r["server"], r["concurrency"]): r for r in saved["results"]}
    memory_done = {entry["server"]: entry for entry in saved["memory"]}
    results, memory = [], []
    commands = {name: about["command"] for name, about in saved["servers"].items()}

    def save() -> None:
        data = assemble(args, results, commands, memory)
        partial_path(args.output).parent.mkdir(parents=True, exist_ok=True)
        partial_path(args.output).write_text(json.dumps(data, indent=1) + "\n")

    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        # Every server reads the same items; none of the measured requests writes.
        database = filled_database(Path(scratch))
        for workload, server, concurrency in plan(args.quick, args.server_cores):
            keys = [(workload.name, server.name, c) for c in concurrency]
            measures_memory = workload is MEMORY_WORKLOAD
            if all(key in done for key in keys) and (not measures_memory or server.name in memory_done):
                results += [done[key] for key in keys]  # measured before the interruption
                memory += [memory_done[server.name]] if measures_memory else []
                continue
            module, path = workload.targets[server.framework]
            launch = Launch(server, module, args.server_cores)
            commands[server.name] = launch.shown_command().replace(module, "{module}")
            env = {"SIMULATED_IO_SECONDS": str(workload.io_seconds or 0), "BENCH_RUN": args.run_id}
            env |= (
                {"SQLITE_FILE": str(database), "DATABASE_URL": f"sqlite:///{database}"}
                if workload.database
                else {}
            )
            script = post_script(workload.body, Path(scratch)) if workload.body else None
            with running_servers([launch], env=env) as running:
                url = running[launch].base_url + path
                group = running[launch].process.pid
                if measures_memory:
                    drain(url)  # idle: started, and one request answered
                    idle = process_group(group)
                for connections in concurrency:
                    print(f"{workload.name:24} {server.name:40} c={connections:<4}", end=" ", flush=True)
                    point = measure_point(args, url, connections, script)
                    summary = point["summary"]
                    print(
                        f"{summary['requests_per_second']:>9.1f} req/s  spread {summary['spread']:.1%}",
                        flush=True,
                    )
                    results.append(
                        {
                            "workload": workload.name,
                            "server": server.name,
                            "framework": server.framework,
                            **point,
                        }
                    )
                    save()
                if measures_memory:
                    memory.append(memory_entry(server, idle, process_group(group)))
                    save()
    return assemble(args, results, commands, memory)


def assemble(args: argparse.Namespace, results: list[dict], commands: dict, memory: list[dict]) -> dict:
    """The data file: what was measured, how, on what, and what the report needs to read it."""
    return {
        "schema_version": SCHEMA_VERSION,
        "generated": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "quick": args.quick,
        "machine": machine(args),
        "settings": settings(args),
        "headline_concurrency": HEADLINE,
        "roles": ROLES,
        "role_sources": ROLE_SOURCES,
        "workloads": {workload.name: workload.describe() for workload in WORKLOADS},
        "servers": {
            server.name: {"framework": server.framework, "command": commands.get(server.name)}
            for server in servers_for(args.server_cores)
        },
        "results": results,
        "memory": memory,
    }


def machine(args: argparse.Namespace) -> dict:
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.M)
        cpu = found.group(1).strip() if found else cpu
    return {
        "cpu_model": cpu,
        "cores": os.cpu_count(),
        "server_cores": args.server_cores,
        "wrk_cores": args.wrk_cores,
        "python": platform.python_version(),
        "wrk": subprocess.run(["wrk", "--version"], capture_output=True, text=True)
        .stdout.split("[")[0]
        .strip(),
        "packages": {name: version(name) for name in PACKAGES},
    }


# ---------------------------------------------------------------- schema

SCHEMA_FILE = Path(__file__).with_name("benchmark.schema.json")


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


# ---------------------------------------------------------------- main


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], epilog="See the Benchmark page for the results."
    )
    parser.add_argument(
        "--quick", action="store_true", help="one point per server, 1 repetition, 1 s: checks the pipeline"
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=DATA_FILE,
        help=f"JSON file to write (default {DATA_FILE.relative_to(ROOT)})",
    )
    parser.add_argument("--duration", type=int, default=3, help="whole seconds per measurement (default 3)")
    parser.add_argument(
        "--warmup", type=int, default=1, help="whole seconds of unrecorded load before each point (default 1)"
    )
    parser.add_argument("--repetitions", type=int, default=5, help="measurements per point (default 5)")
    parser.add_argument(
        "--max-spread",
        type=float,
        default=0.10,
        help="measure a point again when (max-min)/median of its repetitions exceeds this (default 0.10)",
    )
    parser.add_argument(
        "--attempts", type=int, default=2, help="at most this many attempts at one point (default 2)"
    )
    parser.add_argument("--server-cores", default="0", help="CPU list for the servers (taskset; default 0)")
    parser.add_argument("--wrk-cores", default="1", help="CPU list for wrk (taskset; default 1)")
    parser.add_argument(
        "--check", type=Path, metavar="FILE", help="only check that FILE is valid benchmark data"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.duration, args.warmup, args.repetitions, args.attempts = 1, 0, 1, 1
    if not 0 < args.duration <= 60 or not 0 <= args.warmup <= 60 or not 1 <= args.repetitions <= 10:
        parser.error("--duration must be in (0, 60], --warmup in [0, 60] and --repetitions in [1, 10]")
    if not 0 < args.max_spread <= 1 or not 1 <= args.attempts <= 5:
        parser.error("--max-spread must be in (0, 1] and --attempts in [1, 5]")
    args.run_id = f"bench-{os.getpid()}"
    return args


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if args.check:
        try:
            check(json.loads(args.check.read_text()))
        except (OSError, ValueError) as error:
            print(f"{args.check}: {error}", file=sys.stderr)
            return 1
        print(f"{args.check}: valid benchmark data")
        return 0
    if problems := missing("wrk", "taskset"):
        print("error: " + "\n       ".join(problems), file=sys.stderr)
        return 1
    # Ctrl-C and SIGTERM unwind through running_servers, which stops every server.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        data = measure(args)
    except KeyboardInterrupt:
        print(
            f"\ninterrupted: servers stopped; the points measured are in {partial_path(args.output)}, "
            "and the same command resumes from them",
            file=sys.stderr,
        )
        return 130
    # The waiting-requests results come from scripts/benchmark/waiting.py, run on its own: kept.
    with contextlib.suppress(OSError, ValueError, KeyError):
        data["waiting"] = json.loads(args.output.read_text())["waiting"]
    check(data)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(data, indent=1) + "\n")
    partial_path(args.output).unlink(missing_ok=True)
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
