"""Add what a waiting request costs on each server to the benchmark data (`python -m scripts.bench_waiting`).

The command behind it is harness.benchmark.waiting; this file only runs it.
"""

import sys

from harness.benchmark.waiting import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
