"""Measuring: each point of the plan under its server, until its runs agree, saved as it goes.

A point is --repetitions wrk runs of --duration seconds; when they disagree
by more than --max-spread the point is measured again, at most --attempts
times, and the median attempt is kept with every other one recorded. Each
point is saved to a partial file beside the output, so an interrupted run
resumes.
"""

import argparse
import contextlib
import datetime
import json
import multiprocessing
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from importlib.metadata import version
from pathlib import Path

from harness.benchmark.data import SCHEMA_VERSION
from harness.benchmark.workloads import (
    DATABASE_ITEMS,
    HEADLINE,
    IO_SECONDS,
    MEMORY_WORKLOAD,
    ROLE_SOURCES,
    ROLES,
    WORKLOADS,
    Launch,
    plan,
    servers_for,
)
from harness.benchmark.wrk import drain, post_script, run_wrk
from harness.postgres import Cluster, running_postgres
from harness.processes import Process, process_group
from harness.servers import ServerCommand, running_servers

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
    "psycopg",
    "asyncpg",
]


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


def fill_database(url: str) -> None:
    """Create the database workloads' table and DATABASE_ITEMS items, with the async topic's Flask models.

    The sync and async database examples declare the same `items` table, so
    one database serves both. Run in a process of its own, since the example reads its URL when it is
    imported, and before any server starts: workers that start together would
    race to create the table.
    """
    os.environ["SYNC_DATABASE_URL"] = url
    from sqlalchemy.orm import Session

    from snippets.async_database.flask_app import Item, engine  # creates the table

    with Session(engine) as session:
        session.add_all(Item(name=f"item {number}", price=number / 10) for number in range(DATABASE_ITEMS))
        session.commit()
    engine.dispose()


def filled_database(url: str) -> None:
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as process:
        process.submit(fill_database, url).result(timeout=120)


def pin_postgres(cluster: Cluster, cores: str) -> None:
    """Put the cluster's processes on the servers' cores, as each app and its database would share a
    machine; the sessions it forks for the apps' connections inherit the postmaster's cores."""
    postmaster = int((cluster.data / "postmaster.pid").read_text().split()[0])
    children = subprocess.run(["pgrep", "-P", str(postmaster)], capture_output=True, text=True).stdout
    for pid in [postmaster, *map(int, children.split())]:
        subprocess.run(
            ["taskset", "--all-tasks", "--cpu-list", "--pid", cores, str(pid)],
            check=True,
            capture_output=True,
        )


@contextlib.contextmanager
def databases(workloads: set[str | None], scratch: Path, cores: str) -> Iterator[dict[str, dict[str, str]]]:
    """For each database the plan reads, the environment its apps get: the URL for each driver.

    A SQLite file in `scratch`; a throwaway PostgreSQL cluster on the servers'
    cores, stopped and deleted however the run ends.
    """
    sqlite = f"sqlite:///{scratch / 'items.db'}"
    found = {
        "sqlite": {"SQLITE_FILE": str(scratch / "items.db"), "DATABASE_URL": sqlite},
    }
    filled_database(sqlite)
    if "postgresql" not in workloads:
        yield found
        return
    with running_postgres() as cluster:
        pin_postgres(cluster, cores)
        filled_database(cluster.url("psycopg"))
        found["postgresql"] = {
            "DATABASE_URL": cluster.url("psycopg"),
            "ASYNC_DATABASE_URL": cluster.url("asyncpg"),
        }
        yield found


def memory_entry(server: ServerCommand, idle: dict[int, Process], loaded: dict[int, Process]) -> dict:
    """One server's memory: its workers' mean RSS idle and after the sweep, and all its processes'.

    The workers are as many processes as the command starts (`--workers`):
    of the processes that start none (a master or an arbiter is the parent of
    its workers), those that spent the most CPU time on the sweep (a resource
    tracker starts none, and spends next to none). Not a share of the busiest
    one's time: in a short run the kernel may hand one of two sync workers
    nearly every connection.
    """
    parents = {sample.parent for sample in loaded.values()}
    spent = {pid: loaded[pid].cpu_ticks - idle[pid].cpu_ticks for pid in loaded.keys() & idle.keys()}
    ranked = sorted(spent, key=lambda pid: (pid not in parents, spent[pid]), reverse=True)
    workers = sorted(ranked[: server.workers])
    if not any(spent[pid] for pid in workers):
        raise RuntimeError(f"{server.name}: no process of the server spent CPU time on the sweep")

    def mean(sample: dict[int, Process]) -> int:
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


# A fixed piece of work, timed as a point is: its pace in each run, one number a line.
CPU_LOOP = """
import hashlib, sys, time
seconds, runs = float(sys.argv[1]), int(sys.argv[2])
for _ in range(runs):
    end, done = time.perf_counter() + seconds, 0
    while time.perf_counter() < end:
        hashlib.sha256(bytes(4096)).digest()
        done += 1
    print(done, flush=True)
"""


def cpu_spread(args: argparse.Namespace) -> float:
    """How far the machine alone lets a point's runs disagree: (max - min) / median of a fixed loop's
    pace over --repetitions runs of --duration seconds, on the servers' cores and with nothing else
    running. A point cannot be expected to be steadier than this."""
    command = ["taskset", "--cpu-list", args.server_cores, sys.executable, "-c", CPU_LOOP]
    timeout = args.duration * args.repetitions + 30
    result = subprocess.run(
        [*command, str(args.duration), str(args.repetitions)],
        capture_output=True,
        text=True,
        check=True,
        timeout=timeout,
    )
    paces = [int(line) for line in result.stdout.split()]
    return round((max(paces) - min(paces)) / statistics.median(paces), 4)


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
    empty: dict = {"results": [], "memory": [], "servers": {}, "cpu_spread": []}
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
    if saved.get("machine") != machine(args):  # points from two machines or package sets don't compare
        print(f"{path}: saved on another machine or with other packages; starting afresh", file=sys.stderr)
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
    # The machine's own steadiness, as each run (or resumed run) starts and as the whole run ends.
    cpu_spreads = [*saved.get("cpu_spread", []), cpu_spread(args)]

    def save() -> None:
        data = assemble(args, results, commands, memory, cpu_spreads)
        partial_path(args.output).parent.mkdir(parents=True, exist_ok=True)
        partial_path(args.output).write_text(json.dumps(data, indent=1) + "\n")

    with contextlib.ExitStack() as stack:
        scratch = stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-"))
        # Every server reads the same items; none of the measured requests writes.
        points = plan(args.quick, args.server_cores)
        filled = stack.enter_context(
            databases({workload.database for workload, _, _ in points}, Path(scratch), args.server_cores)
        )
        for workload, server, concurrency in points:
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
            env |= filled[workload.database] if workload.database else {}
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
    cpu_spreads.append(cpu_spread(args))
    return assemble(args, results, commands, memory, cpu_spreads)


def assemble(
    args: argparse.Namespace,
    results: list[dict],
    commands: dict,
    memory: list[dict],
    cpu_spreads: list[float],
) -> dict:
    """The data file: what was measured, how, on what, and what the report needs to read it."""
    return {
        "schema_version": SCHEMA_VERSION,
        "generated": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "quick": args.quick,
        "machine": machine(args),
        "settings": settings(args),
        "cpu_spread": cpu_spreads,
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
