"""What a waiting request costs each server: memory and threads while N requests wait.

    python -m scripts.bench_waiting            # 1,000 and 5,000 waiting requests (about 17 minutes)
    python -m scripts.bench_waiting --quick    # 50, once: checks the pipeline in seconds

Each configuration serves the streaming example (snippets/streaming), one
worker pinned to the server cores. A client pinned to the other cores
(hold_client) sends N requests at once for one server-sent event, which the
server sends --wait seconds after it takes a request. Three quarters of a
wait after the client started, when every request the server took is
waiting, the server's processes are read from /proc: resident memory and
threads, against the same server idle. A request counts as held when its
event came within one and a half waits of the start: one the server queued
behind another comes a wait later, or never. Where a server holds fewer than
N, the limit that stopped it is the configuration's `limit`, and a
configuration that raises it is a row of its own.

The results go into the benchmark data (--output, docs/data/benchmark.json by
default) under "waiting", leaving the rest of the file as it was.
"""

import argparse
import json
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from harness.benchmark.data import DATA_FILE, check, load
from harness.benchmark.workloads import Launch
from harness.benchmark.wrk import drain
from harness.processes import process_group
from harness.project import ROOT
from harness.servers import (
    GRANIAN_WSGI_QUIET,
    GUNICORN,
    GUNICORN_GEVENT,
    UVICORN,
    ServerCommand,
    configured,
    gunicorn_threads,
    quiet,
    running_servers,
)
from harness.tools import missing

MODULES = {"fastapi": "snippets.streaming.fastapi_app", "flask": "snippets.streaming.flask_app"}
PATH = "/events?count=1"
CONNECTIONS = (1_000, 5_000)
QUICK_CONNECTIONS = (50,)
GIB_KIB = 1024 * 1024


@dataclass(frozen=True)
class Holder:
    """A server configuration, what caps the requests it can hold at once, in words, and that cap
    (None: none short of the machine's), which the committed data is held to (tests/test_bench.py)."""

    server: ServerCommand
    limit: str
    cap: int | None


HOLDERS = [
    Holder(
        quiet(UVICORN, "uvicorn, 1 worker"),
        "none (uvicorn's --limit-concurrency is off)",
        None,
    ),
    Holder(
        gunicorn_threads(128),
        "128 threads",
        128,
    ),
    Holder(
        configured(
            GUNICORN,
            "gunicorn gthread, 1 worker x 5,000 threads",
            *("--threads", "5000", "--worker-connections", "10000"),
        ),
        "5,000 threads; --worker-connections 10,000",
        5_000,
    ),
    Holder(
        GUNICORN_GEVENT,
        "--worker-connections, 1,000 by default",
        1_000,
    ),
    Holder(
        GUNICORN_GEVENT.with_options(
            "gunicorn gevent, 1 worker, 10,000 connections", "--worker-connections", "10000"
        ),
        "--worker-connections 10,000",
        10_000,
    ),
    Holder(
        GRANIAN_WSGI_QUIET,
        "512 blocking threads, granian's default",
        512,
    ),
]


def totals(processes: dict) -> dict[str, int]:
    """A server's resident memory and threads, over all its processes."""
    return {
        "rss_kib": sum(sample.rss_kib for sample in processes.values()),
        "threads": sum(sample.threads for sample in processes.values()),
    }


def held(answered_after_seconds: list[float], wait: float) -> int:
    """How many requests the server was holding at once: those answered within the first wait.

    The client sends every request within half a wait of its start, and a
    request the server takes at once is answered a wait later: within one and
    a half. One the server queued behind another is answered a wait later
    still, at the earliest.
    """
    return sum(seconds <= wait * 1.5 for seconds in answered_after_seconds)


def hold(url: str, connections: int, wait: float, cores: str, group: int) -> dict:
    """One reading: the client holds `connections` requests, and three quarters of a wait after it
    started, when every request the server took is waiting, the server's processes are read."""
    command = ["taskset", "--cpu-list", cores, sys.executable, "-m", "harness.benchmark.hold_client"]
    idle = totals(process_group(group))
    with subprocess.Popen(
        [*command, url, str(connections), str(wait)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    ) as client:
        try:
            said, _, sent_after = client.stdout.readline().partition(" ")
            if said != "sent":
                raise RuntimeError(f"the client sent no requests (exit status {client.wait(10)})")
            time.sleep(max(0.0, wait * 0.75 - float(sent_after)))
            holding = totals(process_group(group))
            outcome = json.loads(client.stdout.readline())
        finally:
            if client.poll() is None:
                client.kill()
    return {
        "held": held(outcome["answered_after_seconds"], wait),
        "sent_in_time": outcome["sent_in_time"],
        "sent_after_seconds": outcome["sent_after_seconds"],
        "failures": outcome["failures"],
        "idle": idle,
        "holding": holding,
    }


def summary(readings: list[dict]) -> dict:
    """The median reading, and what one held request costs: the memory and threads it adds."""
    held_at_once = statistics.median(r["held"] for r in readings)
    added = {
        key: statistics.median(r["holding"][key] - r["idle"][key] for r in readings)
        for key in ("rss_kib", "threads")
    }
    per_request = added["rss_kib"] / held_at_once if held_at_once else None
    return {
        "held": round(held_at_once),
        "idle_rss_kib": round(statistics.median(r["idle"]["rss_kib"] for r in readings)),
        "added_rss_kib": round(added["rss_kib"]),
        "added_threads": round(added["threads"]),
        "kib_per_request": round(per_request, 1) if per_request else None,
        "requests_per_gib": int(GIB_KIB // per_request) if per_request and per_request > 0 else None,
    }


def measure(args: argparse.Namespace) -> dict:
    points, servers = [], {}
    for holder in HOLDERS:
        framework = holder.server.framework
        launch = Launch(holder.server, MODULES[framework], args.server_cores)
        servers[holder.server.name] = {
            "framework": framework,
            "command": launch.shown_command().replace(MODULES[framework], "{module}"),
            "limit": holder.limit,
        }
        for connections in args.connections:
            readings = []
            for _ in range(args.repetitions):
                # A fresh server each time: one left with queued requests would still be working them off.
                env = {"SIMULATED_IO_SECONDS": str(args.wait), "BENCH_RUN": args.run_id}
                with running_servers([launch], env=env) as running:
                    url = running[launch].base_url + PATH
                    drain(running[launch].base_url + "/streams")  # started, and idle
                    group = running[launch].process.pid
                    readings.append(hold(url, connections, args.wait, args.client_cores, group))
            point = {"server": holder.server.name, "connections": connections, "readings": readings}
            point |= summary(readings)
            print(
                f"{holder.server.name:48} held {point['held']:>5} of {connections:<5} "
                f"{point['kib_per_request'] or 0:>8.1f} KiB each",
                flush=True,
            )
            points.append(point)
    return {
        "wait_seconds": args.wait,
        "repetitions": args.repetitions,
        "endpoint": "/events?count=1 of snippets/streaming",
        "servers": servers,
        "points": points,
    }


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="50 requests, once, 2 s waits: checks the pipeline"
    )
    parser.add_argument("--output", type=Path, default=DATA_FILE, help="benchmark data to add the results to")
    parser.add_argument(
        "--wait",
        type=float,
        default=20.0,
        help="seconds each request waits (default 20: one core takes several to start 5,000 streams)",
    )
    parser.add_argument("--repetitions", type=int, default=3, help="readings per point (default 3)")
    parser.add_argument("--server-cores", default="0", help="CPU list for the servers (taskset; default 0)")
    parser.add_argument("--client-cores", default="1", help="CPU list for the client (taskset; default 1)")
    args = parser.parse_args(argv)
    args.connections = CONNECTIONS
    if args.quick:
        args.connections, args.wait, args.repetitions = QUICK_CONNECTIONS, 2.0, 1
    if not 1 <= args.wait <= 60 or not 1 <= args.repetitions <= 10:
        parser.error("--wait must be 1 to 60 seconds and --repetitions 1 to 10")
    args.run_id = f"waiting-{time.time_ns()}"
    return args


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if problems := missing("taskset"):
        print("error: " + "\n       ".join(problems), file=sys.stderr)
        return 1
    try:
        data = load(args.output)
    except (OSError, ValueError) as error:
        print(f"{args.output}: not benchmark data to add to: {error}", file=sys.stderr)
        return 1
    try:
        data["waiting"] = measure(args)
        data["quick"] = data["quick"] or args.quick  # quick waiting results make no full run
    except KeyboardInterrupt:
        print("\ninterrupted: servers stopped, nothing written", file=sys.stderr)
        return 130
    check(data)
    args.output.write_text(json.dumps(data, indent=1) + "\n")
    print(f"wrote {args.output}")
    return 0
