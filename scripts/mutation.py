"""Mutate the examples under snippets/ and report what no test notices: `python -m scripts.mutation`.

The command behind it is harness.mutation; this file only runs it.
"""

import sys

from harness.mutation import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
