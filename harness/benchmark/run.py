"""Benchmark the site's own example apps under real servers with wrk, and record everything.

Starts the snippet apps on 127.0.0.1, each framework in the configuration its
own deployment docs advise for the cores given, its other common ones and
the one readers run by accident (ROLES): FastAPI under uvicorn and granian,
its hello endpoint as the article's `def` and as `async def`; Flask under
gunicorn (sync with 2 workers and with 1, gthread with 8, 32 and 128
threads, gevent) and granian; Quart under Hypercorn and uvicorn. The
database workloads read one item through the same sync driver on both sides,
and through FastAPI's async driver as a row of its own, from a SQLite file and
from a throwaway PostgreSQL cluster on the servers' cores. Servers and wrk are
pinned to different CPU cores; every point is measured --repetitions times
for --duration seconds, again when the runs disagree by more than
--max-spread (the median attempt is kept, and every other one recorded), and
saved as it is measured, so an interrupted run resumes. One JSON file gets
the results, the machine, the package versions, every server's command line
and what the report needs to read them; scripts/bench_report.py turns it into
the Benchmark page's tables and charts. The parts are in harness/benchmark/:
what is measured (workloads), wrk (wrk), measuring (measure), the data
file's shape (data).

    python -m scripts.bench            # the full run (about 40 minutes on two cores)
    python -m scripts.bench --quick    # seconds: one point per server, to check the pipeline

Every run is bounded: each wrk call lasts --duration seconds, servers only
listen on loopback, and every server is stopped on success, failure or Ctrl-C.
"""

import argparse
import contextlib
import json
import os
import signal
import sys
from pathlib import Path

from harness.benchmark.data import DATA_FILE, check
from harness.benchmark.measure import measure, partial_path
from harness.project import ROOT
from harness.tools import missing


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
        "--attempts",
        type=int,
        default=1,
        help="at most this many attempts at one point (default 1: on a shared machine a second attempt"
        " rarely settles a noisy point, and costs a third of the run)",
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
    if problems := missing("wrk", "taskset", "postgresql"):
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
    # The waiting-requests results come from scripts/bench_waiting.py, run on its own: kept.
    with contextlib.suppress(OSError, ValueError, KeyError):
        data["waiting"] = json.loads(args.output.read_text())["waiting"]
    check(data)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(data, indent=1) + "\n")
    partial_path(args.output).unlink(missing_ok=True)
    print(f"wrote {args.output}")
    return 0
