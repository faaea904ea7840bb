"""Benchmark the site's own example apps under real servers with wrk: `python -m scripts.bench [--quick]`.

The command behind it is harness.benchmark.run; this file only runs it.
"""

import sys

from harness.benchmark.run import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
