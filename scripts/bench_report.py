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

import sys

from harness.benchmark.report import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
