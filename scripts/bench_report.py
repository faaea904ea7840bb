"""Turn the benchmark data into the Benchmark page's tables and SVG charts.

Reads docs/data/benchmark.json (written by scripts/bench.py and
scripts/bench_waiting.py) and writes docs/data/benchmark-report.md, whose
sections (lead, headline, details, memory, waiting, method) the page
includes, and one SVG chart per swept workload. The report reads the data
file alone: the workloads, the headline concurrency and each framework's
configuration as its docs advise are written there. harness/benchmark/
analysis.py compares, report.py and report.md.j2 write; the tests rebuild
these files from the data and fail if the committed ones differ.

    python -m scripts.bench_report
"""

import argparse
import json
import sys
from pathlib import Path

from harness.benchmark.data import DATA_FILE, check
from harness.benchmark.report import report


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA_FILE, help="benchmark JSON to read")
    parser.add_argument("--out", type=Path, default=DATA_FILE.parent, help="folder for the report and charts")
    args = parser.parse_args(argv)
    try:
        data = json.loads(args.data.read_text())
        check(data)
    except (OSError, ValueError) as error:
        print(f"{args.data}: {error}", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    for name, content in report(data).items():
        (args.out / name).write_text(content)
        print(f"wrote {args.out / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
