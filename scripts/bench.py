"""Benchmark the site's own example apps under real servers with wrk, and record everything.

Starts the snippet apps on 127.0.0.1 (FastAPI under uvicorn and granian,
Flask under gunicorn sync and gthread workers and granian, Quart under
Hypercorn), among them the async database example reading a page of items
from a SQLite file that is filled before any server starts, pins the servers
and wrk to different CPU cores, sweeps the number of concurrent connections,
repeats every point, reads the memory of each server's worker before and
after the hello sweep, and writes one JSON file with the results, the
machine, the package versions and every server's command line. scripts/bench_report.py
turns that file into the tables and charts of the Benchmark page.

    python -m scripts.bench            # the full run (several minutes)
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
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from importlib.metadata import version
from pathlib import Path

from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import best_match

from scripts.benchmark.processes import ProcessSample, process_group
from scripts.local_servers import running_servers
from scripts.paths import DOCS, ROOT
from scripts.server_commands import BENCHMARKED, ServerCommand
from scripts.tools import missing

DATA_FILE = DOCS / "data" / "benchmark.json"
SCHEMA_VERSION = 3
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
SWEEP = [1, 10, 50, 100, 200]
HEADLINE = 100  # the concurrency the page compares the frameworks at
IO_SECONDS = 0.05
DATABASE_ITEMS = 100  # rows in the database workload's SQLite file


# The servers measured: scripts/server_commands.py's, as the tests run them but with per-request
# logging off, under the names the Benchmark page shows.
SERVERS = list(BENCHMARKED)


@dataclass(frozen=True)
class Workload:
    """What is measured: one endpoint per framework, and at which concurrency."""

    name: str
    title: str
    targets: dict[str, tuple[str, str]]  # framework -> (module, path)
    concurrency: tuple[int, ...]
    servers: tuple[str, ...] = ()  # server names; empty means every server of the framework
    body: str = ""  # a JSON body makes the request a POST
    io_seconds: float | None = None
    database: bool = False  # the apps read a SQLite file (SQLITE_FILE) holding DATABASE_ITEMS items


WORKLOADS = [
    Workload(
        "hello",
        "JSON hello endpoint",
        {
            "fastapi": ("snippets.hello.fastapi_app", "/"),
            "flask": ("snippets.hello.flask_app", "/"),
            "quart": ("snippets.hello.quart_app", "/"),
        },
        tuple(SWEEP),
    ),
    Workload(
        "io_wait",
        "I/O wait of 50 ms (the article's example)",
        {
            "fastapi": ("snippets.io_wait.fastapi_app", "/async"),
            "flask": ("snippets.io_wait.flask_app", "/sync"),
            "quart": ("snippets.io_wait.quart_app", "/async"),
        },
        tuple(SWEEP),
        io_seconds=IO_SECONDS,
    ),
    *(
        Workload(
            f"validation_{name}",
            f"JSON body validation, {name} body",
            {
                "fastapi": ("snippets.validation.fastapi_robust_app", "/items"),
                "flask": ("snippets.validation.flask_robust_app", "/items"),
            },
            (HEADLINE,),
            servers=("uvicorn, 1 worker", "gunicorn sync, 1 worker"),
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
            servers=("uvicorn, 1 worker",),
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
        "SQLite query, a page of 10 items (FastAPI AsyncSession, Flask Session)",
        {
            "fastapi": ("snippets.async_database.fastapi_app", "/items?limit=10"),
            "flask": ("snippets.async_database.flask_app", "/items?limit=10"),
        },
        (HEADLINE,),
        database=True,
    ),
]
DATABASE_WORKLOAD = next(workload for workload in WORKLOADS if workload.database)
IO_WAIT_WORKLOAD = next(workload for workload in WORKLOADS if workload.name == "io_wait")
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


def summarize(repetitions: list[dict]) -> dict:
    throughputs = [rep["requests_per_second"] for rep in repetitions]
    mean = sum(throughputs) / len(throughputs)
    return {
        "requests_per_second": round(mean, 1),
        "spread": round((max(throughputs) - min(throughputs)) / mean, 4) if mean else 0.0,
        "latency_ms": {
            key: round(sorted(rep["latency_ms"][key] for rep in repetitions)[len(repetitions) // 2], 3)
            for key in ("p50", "p90", "p99")
        },
        "errors": sum(rep["errors"] for rep in repetitions),
        "non_2xx": sum(rep["non_2xx"] for rep in repetitions),
    }


def cpu_count(cpu_list: str) -> int:
    """How many CPUs a taskset list such as "0", "0-3" or "0,2" names."""
    count = 0
    for part in cpu_list.split(","):
        first, _, last = part.partition("-")
        count += int(last or first) - int(first) + 1
    return count


def servers_for(cores: str) -> list[ServerCommand]:
    """The server kinds, plus uvicorn with a worker per server core when the servers get several cores.

    With the servers pinned to one core (the default on a two-core machine,
    where wrk has the other), one worker per core is one worker.
    """
    per_core = cpu_count(cores)
    if per_core == 1:
        return SERVERS
    uvicorn = SERVERS[0]
    args = list(uvicorn.args)
    args[args.index("--workers") + 1] = str(per_core)
    return [*SERVERS, replace(uvicorn, name=f"uvicorn, {per_core} workers (one per core)", args=tuple(args))]


def plan(quick: bool, cores: str) -> list[tuple[Workload, ServerCommand, tuple[int, ...]]]:
    servers = servers_for(cores)
    if quick:  # hello on every server; I/O wait and the database on each framework's first
        first: dict[str, ServerCommand] = {}
        for server in servers:
            first.setdefault(server.framework, server)
        return [(MEMORY_WORKLOAD, server, (10,)) for server in servers] + [
            (workload, server, (10,))
            for workload in (IO_WAIT_WORKLOAD, DATABASE_WORKLOAD)
            for server in first.values()
            if server.framework in workload.targets
        ]
    return [
        (workload, server, workload.concurrency)
        for workload in WORKLOADS
        for server in servers
        if server.framework in workload.targets
        and (not workload.servers or server.name in workload.servers or "per core" in server.name)
    ]


def fill_database(path: Path) -> None:
    """Create the database workload's table and DATABASE_ITEMS items, with the Flask example's models.

    Run in a process of its own, since the example reads SQLITE_FILE when it is
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


def measure(args: argparse.Namespace) -> dict:
    results, commands, memory = [], {}, []
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        # Every server reads the same items; none of the measured requests writes.
        database = filled_database(Path(scratch))
        for workload, server, concurrency in plan(args.quick, args.server_cores):
            module, path = workload.targets[server.framework]
            launch = Launch(server, module, args.server_cores)
            commands[server.name] = launch.shown_command().replace(module, "{module}")
            env = {"SIMULATED_IO_SECONDS": str(workload.io_seconds or 0), "BENCH_RUN": args.run_id}
            env |= {"SQLITE_FILE": str(database)} if workload.database else {}
            script = post_script(workload.body, Path(scratch)) if workload.body else None
            with running_servers([launch], env=env) as running:
                url = running[launch].base_url + path
                group = running[launch].process.pid
                if workload is MEMORY_WORKLOAD:
                    drain(url)  # idle: started, and one request answered
                    idle = process_group(group)
                for connections in concurrency:
                    print(f"{workload.name:24} {server.name:40} c={connections:<4}", end=" ", flush=True)
                    if args.warmup:
                        run_wrk(url, connections, args.warmup, args.wrk_cores, script)
                    unsteady = []
                    while True:
                        reps = []
                        for _ in range(args.repetitions):
                            drain(url)
                            reps.append(run_wrk(url, connections, args.duration, args.wrk_cores, script))
                        summary = summarize(reps)
                        if summary["spread"] <= args.max_spread or len(unsteady) + 1 >= args.attempts:
                            break
                        print(f"spread {summary['spread']:.1%}, measuring again;", end=" ", flush=True)
                        unsteady.append(reps)
                    print(
                        f"{summary['requests_per_second']:>9.1f} req/s  spread {summary['spread']:.1%}",
                        flush=True,
                    )
                    results.append(
                        {
                            "workload": workload.name,
                            "server": server.name,
                            "framework": server.framework,
                            "concurrency": connections,
                            "repetitions": reps,
                            "summary": summary,
                            "unsteady_attempts": unsteady,
                        }
                    )
                if workload is MEMORY_WORKLOAD:
                    memory.append(memory_entry(server, idle, process_group(group)))
    return {
        "schema_version": SCHEMA_VERSION,
        "generated": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "quick": args.quick,
        "machine": machine(args),
        "settings": {
            "duration_seconds": args.duration,
            "warmup_seconds": args.warmup,
            "repetitions": args.repetitions,
            "max_spread": args.max_spread,
            "attempts": args.attempts,
            "io_wait_seconds": IO_SECONDS,
            "database_items": DATABASE_ITEMS,
        },
        "workloads": {workload.name: workload.title for workload in WORKLOADS},
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
    parser.add_argument("--duration", type=int, default=2, help="whole seconds per measurement (default 2)")
    parser.add_argument(
        "--warmup", type=int, default=1, help="whole seconds of unrecorded load before each point (default 1)"
    )
    parser.add_argument("--repetitions", type=int, default=3, help="measurements per point (default 3)")
    parser.add_argument(
        "--max-spread",
        type=float,
        default=0.15,
        help="measure a point again when (max-min)/mean of its repetitions exceeds this (default 0.15)",
    )
    parser.add_argument(
        "--attempts", type=int, default=3, help="at most this many measurements of one point (default 3)"
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
        print("\ninterrupted: servers stopped, nothing written", file=sys.stderr)
        return 130
    check(data)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(data, indent=1) + "\n")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
